//! Asking long work to stop: an [`Interrupter`] handle, as burn-train passes one to its
//! learner. A front end keeps one and stops it (on Ctrl-C, a notebook's stop button, a test's
//! whim); the work polls it between its steps (after an epoch, before a seed) and stops there,
//! with everything done so far written.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A shared stop flag: clones see the same flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupter(Arc<AtomicBool>);

impl Interrupter {
    /// A handle not yet stopped.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work that holds a clone to stop at its next step.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Interrupter::stop`] was called on this handle or a clone.
    pub fn should_stop(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag() {
        let a = Interrupter::new();
        let b = a.clone();
        assert!(!b.should_stop());
        a.stop();
        assert!(b.should_stop());
        assert!(!Interrupter::new().should_stop());
    }
}
