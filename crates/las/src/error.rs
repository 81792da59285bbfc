//! What can go wrong reading a LAS file.

use std::path::PathBuf;

/// Why a LAS file could not be read. Each variant that comes from the text carries the 1-based
/// line number and what was expected there.
#[derive(Debug, thiserror::Error)]
pub enum LasError {
    /// The file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A line does not have the form expected where it stands.
    #[error("line {line}: expected {expected}, found {found:?}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What the reader expected there.
        expected: String,
        /// The offending text (shortened when long).
        found: String,
    },
    /// The file is valid but of a kind this reader does not handle (LAS 3.0).
    #[error("line {line}: {what} is not supported (this reader handles LAS 1.2 and 2.0)")]
    Unsupported {
        /// 1-based line number.
        line: usize,
        /// What was found.
        what: String,
    },
    /// A section the file must have is missing (only ~C is: without ~V a file is read as 2.0,
    /// without ~W or ~A with a warning).
    #[error(
        "no {section} section: expected a line starting with `{marker}` (a LAS file names its curves in ~C before its data)"
    )]
    MissingSection {
        /// The section's name.
        section: &'static str,
        /// The line that starts it.
        marker: &'static str,
    },
}

/// A curve whose unit cannot be converted to the SI quantity asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// The unit is not one this reader knows for that quantity; no guess is made.
    #[error(
        "curve {curve}: unit {unit:?} is not a known {quantity} unit (expected one of {expected})"
    )]
    Unknown {
        /// The curve's mnemonic.
        curve: String,
        /// Its unit, as the file gives it.
        unit: String,
        /// The quantity asked for (slowness, density, depth).
        quantity: &'static str,
        /// The units accepted.
        expected: &'static str,
    },
    /// The curve holds text, not numbers.
    #[error(
        "curve {curve} holds text, not numbers (line {line}: {found:?}); a null policy such as \
         `common` reads text in a curve of mostly numbers as null"
    )]
    Text {
        /// The curve's mnemonic.
        curve: String,
        /// The 1-based line of its first value that is not a number.
        line: usize,
        /// That value.
        found: String,
    },
    /// No curve has that mnemonic.
    #[error("no curve {curve:?} in the file (curves: {available})")]
    NoCurve {
        /// The mnemonic asked for.
        curve: String,
        /// The file's curves, comma-separated.
        available: String,
    },
}

/// Shortens `text` for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    let trimmed = text.trim();
    if trimmed.chars().count() <= MAX {
        trimmed.to_owned()
    } else {
        let cut: String = trimmed.chars().take(MAX).collect();
        format!("{cut}...")
    }
}
