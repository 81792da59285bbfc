//! Early stopping: `train.target_val_mse` and `train.patience`.

use crate::plan::StoppingRule;

/// The best validation MSE so far and the epochs since it, judged against a [`StoppingRule`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarlyStopping {
    rule: StoppingRule,
    best: f64,
    since_best: usize,
}

impl EarlyStopping {
    /// Before the first epoch.
    pub fn new(rule: StoppingRule) -> Self {
        Self {
            rule,
            best: f64::INFINITY,
            since_best: 0,
        }
    }

    /// Where a checkpoint left it.
    pub(crate) fn restore(&mut self, best: Option<f64>, since_best: usize) {
        self.best = best.unwrap_or(f64::INFINITY);
        self.since_best = since_best;
    }

    /// Records an epoch's validation MSE.
    pub fn record(&mut self, val_mse: f64) {
        if val_mse < self.best {
            self.best = val_mse;
            self.since_best = 0;
        } else {
            self.since_best += 1;
        }
    }

    /// Whether the rule says stop after an epoch with this validation MSE (recorded).
    pub fn should_stop(&self, val_mse: f64) -> bool {
        let reached = self.rule.target_val_mse.is_some_and(|t| val_mse <= t);
        let stalled = self.rule.patience.is_some_and(|p| self.since_best >= p);
        reached || stalled
    }

    /// The best validation MSE so far (none before the first epoch).
    pub fn best(&self) -> Option<f64> {
        self.best.is_finite().then_some(self.best)
    }

    /// Epochs since the best.
    pub(crate) fn since_best(&self) -> usize {
        self.since_best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_target_or_after_patience() {
        let mut s = EarlyStopping::new(StoppingRule {
            target_val_mse: Some(0.1),
            patience: Some(2),
        });
        assert_eq!(s.best(), None);
        for (val, stop) in [(1.0, false), (0.5, false), (0.6, false), (0.7, true)] {
            s.record(val);
            assert_eq!(s.should_stop(val), stop, "{val}");
        }
        assert_eq!((s.best(), s.since_best()), (Some(0.5), 2));
        let mut s = EarlyStopping::new(StoppingRule {
            target_val_mse: Some(0.1),
            patience: None,
        });
        s.record(0.1);
        assert!(s.should_stop(0.1));
    }
}
