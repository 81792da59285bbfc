//! How a command fails: its error, said on one line, and the exit code that follows from it
//! (2 where the user's input is at fault: a config, a data file, an argument; 1 otherwise).
//!
//! A command returns [`Outcome`]. Every error it passes on with `?` is a [`Fault`]: each error
//! type answers "is this the user's input?" itself, in the library (`zoepnet_learner::fault`,
//! the answers every front end shares), so a new error type cannot reach the user without an
//! answer: it does not compile until it has one. Context added on the way ([`Context`]) keeps
//! the answer.

use std::fmt::Display;

pub use zoepnet_learner::Fault;

/// A command's failure: its error chain, and whether the user's input is at fault.
#[derive(Debug)]
pub struct Failure {
    error: anyhow::Error,
    bad_input: bool,
}

/// What a command returns.
pub type Outcome<T = ()> = Result<T, Failure>;

impl<E: Fault> From<E> for Failure {
    fn from(error: E) -> Self {
        Self {
            bad_input: error.is_bad_input(),
            error: error.into(),
        }
    }
}

impl Failure {
    /// A failure of the run itself (exit 1), not of the user's input.
    pub fn fault(error: impl Into<anyhow::Error>) -> Self {
        Self {
            error: error.into(),
            bad_input: false,
        }
    }

    /// The exit code: 2 for the user's input, 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        if self.bad_input { 2 } else { 1 }
    }

    /// The error chain on one line: "FILE: line N: what was expected".
    pub fn message(&self) -> String {
        format!("{:#}", self.error)
    }

    /// The same failure, `context` said before it.
    pub fn context(self, context: impl Display + Send + Sync + 'static) -> Self {
        Self {
            error: self.error.context(context),
            bad_input: self.bad_input,
        }
    }
}

/// Fails a command with a message of its own (exit 1): `fail!("{n} run(s) failed")`.
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::failure::Failure::fault(anyhow::anyhow!($($arg)*)))
    };
}
pub(crate) use fail;

/// Context for a result on its way out of a command, keeping whether the input is at fault.
pub trait Context<T> {
    /// `context` said before the error.
    fn context(self, context: impl Display + Send + Sync + 'static) -> Outcome<T>;
    /// The context `f` makes, said before the error.
    fn with_context<C: Display + Send + Sync + 'static>(self, f: impl FnOnce() -> C) -> Outcome<T>;
}

impl<T, E: Into<Failure>> Context<T> for Result<T, E> {
    fn context(self, context: impl Display + Send + Sync + 'static) -> Outcome<T> {
        self.map_err(|e| e.into().context(context))
    }

    fn with_context<C: Display + Send + Sync + 'static>(self, f: impl FnOnce() -> C) -> Outcome<T> {
        self.map_err(|e| e.into().context(f()))
    }
}

/// The command line's own refusals are the user's input.
impl Fault for crate::commands::UsageError {
    fn is_bad_input(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::UsageError;

    fn usage() -> Result<(), UsageError> {
        Err(UsageError("--count: at least one seed".into()))
    }

    #[test]
    fn the_exit_code_follows_the_error_through_its_context() {
        let failure = usage().context("seeds").unwrap_err();
        assert_eq!(failure.exit_code(), 2);
        assert_eq!(failure.message(), "seeds: --count: at least one seed");
        let io = std::io::Error::other("disk full");
        let failure = Err::<(), _>(io).with_context(|| "writing x").unwrap_err();
        assert_eq!(failure.exit_code(), 1);
        let own: Outcome = (|| fail!("{} of {} run(s) failed", 1, 2))();
        assert_eq!(own.unwrap_err().exit_code(), 1);
    }
}
