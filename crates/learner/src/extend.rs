//! Continuing a run to another number of epochs (`train.epochs`), finished or stopped: allowed
//! where the run so far is exactly the first epochs of the run asked for, so that the result is
//! the run that would have been trained with that many epochs from the start.
//!
//! That holds when nothing a past epoch did depends on the total: a constant or exponential
//! learning rate (epoch e's rate is `lr` or `lr · gamma^(e−1)` whatever the total), and any
//! engine (per-sample SGD, mini-batch SGD or Adam, L-BFGS, autodiff: their steps never look at
//! the total). It does not hold for a `cosine` schedule, which spreads its rates over the total,
//! nor for a run that ended before its last epoch (its stopping rule, or L-BFGS finding no step
//! that lowers the loss): a longer run ends at the same epoch.

use std::collections::BTreeMap;

use crate::checkpoint::Checkpoint;
use crate::config::{ExperimentConfig, Schedule};
use crate::plan::{FusedMethod, Plan, Procedure};

/// Why a run cannot go on as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtendError {
    /// Settings other than `train.epochs` differ from the run's own.
    #[error(
        "only train.epochs can change when a run goes on; {} differ{} from the run's config.toml",
        keys.join(", "),
        if keys.len() == 1 { "s" } else { "" }
    )]
    OtherSettings {
        /// The keys that differ, dotted (`train.learning_rate`).
        keys: Vec<String>,
    },
    /// Fewer epochs than it has trained.
    #[error(
        "it has trained {trained} epochs already; train.epochs = {asked} would be fewer \
         (start a new run for a shorter one)"
    )]
    Fewer {
        /// Epochs trained.
        trained: usize,
        /// Epochs asked for.
        asked: usize,
    },
    /// A learning-rate schedule that depends on the total.
    #[error(
        "train.schedule = \"cosine\" spreads its learning rates over train.epochs: the first \
         {trained} epochs of a {asked}-epoch run have other rates than this {planned}-epoch \
         run's; train a new run with train.epochs = {asked}"
    )]
    ScheduleDependsOnTotal {
        /// Epochs trained.
        trained: usize,
        /// The run's epochs.
        planned: usize,
        /// Epochs asked for.
        asked: usize,
    },
    /// The run ended before its last epoch; a longer one ends there too.
    #[error(
        "the run ended at epoch {ended} of its {planned} ({why}); a {asked}-epoch run ends there \
         too"
    )]
    EndedEarly {
        /// Its last epoch.
        ended: usize,
        /// The run's epochs.
        planned: usize,
        /// Epochs asked for.
        asked: usize,
        /// What ended it.
        why: &'static str,
    },
}

/// Whether the run planned as `old`, at `checkpoint` and `finished` (its summary written), can
/// go on as `new`: the same settings but `train.epochs`, and its epochs so far exactly the
/// first of a `new.epochs`-epoch run (see the module's documentation).
///
/// # Errors
/// The first [`ExtendError`] that applies.
pub fn check(
    old: &Plan,
    new: &Plan,
    checkpoint: &Checkpoint,
    finished: bool,
) -> Result<(), ExtendError> {
    let mut same_total = new.config.clone();
    same_total.train.epochs = old.epochs;
    let keys = differing_keys(&old.config, &same_total);
    if !keys.is_empty() {
        return Err(ExtendError::OtherSettings { keys });
    }
    if new.epochs == old.epochs {
        return Ok(());
    }
    let trained = checkpoint.epoch;
    if new.epochs < trained {
        return Err(ExtendError::Fewer {
            trained,
            asked: new.epochs,
        });
    }
    if old.learning_rate.schedule == Schedule::Cosine {
        return Err(ExtendError::ScheduleDependsOnTotal {
            trained,
            planned: old.epochs,
            asked: new.epochs,
        });
    }
    if finished && trained < old.epochs {
        return Err(ExtendError::EndedEarly {
            ended: trained,
            planned: old.epochs,
            asked: new.epochs,
            why: ended_by(old, checkpoint),
        });
    }
    Ok(())
}

/// What ended a run before its last epoch, in words.
fn ended_by(plan: &Plan, checkpoint: &Checkpoint) -> &'static str {
    let mut stopping = crate::early_stopping::EarlyStopping::new(plan.stopping);
    stopping.restore(checkpoint.best_val, checkpoint.since_best);
    let last_val = checkpoint
        .metrics
        .last()
        .map_or(f64::INFINITY, |m| m.val_mse);
    let lbfgs = matches!(
        plan.procedure,
        Procedure::Fused {
            method: FusedMethod::Lbfgs { .. },
            ..
        }
    );
    if stopping.should_stop(last_val) {
        "its stopping rule, train.target_val_mse or train.patience"
    } else if lbfgs {
        "L-BFGS found no step that lowers the loss"
    } else {
        "it stopped early"
    }
}

/// The dotted keys (`train.learning_rate`) whose values differ between `a` and `b`, in order.
pub(crate) fn differing_keys(a: &ExperimentConfig, b: &ExperimentConfig) -> Vec<String> {
    let (a, b) = (flat(a), flat(b));
    let mut keys: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A config's values by dotted key, as a run folder's `config.toml` writes them
/// ([`crate::compare::settings_of`], the same flattening `zoepnet compare` shows).
fn flat(config: &ExperimentConfig) -> BTreeMap<String, String> {
    config
        .to_toml()
        .ok()
        .and_then(|text| crate::compare::settings_of(&text).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::EpochMetrics;
    use zoepnet_dataset::NumpyRandomState;
    use zoepnet_model::Parameters;

    fn plan(edit: impl FnOnce(&mut ExperimentConfig)) -> Plan {
        let text = "[data]\nlas = \"x.las\"\n";
        let mut config: ExperimentConfig = toml::from_str(text).unwrap();
        edit(&mut config);
        config.check().unwrap()
    }

    fn checkpoint(epoch: usize, val: f64, since_best: usize) -> Checkpoint {
        let row = |epoch| EpochMetrics {
            epoch,
            train_mse: 1.0,
            val_mse: val,
            learning_rate: 1e-3,
            seconds: 1.0,
        };
        Checkpoint {
            epoch,
            rng: NumpyRandomState::seed(1).state(),
            train_order: vec![],
            val_order: vec![],
            best_val: Some(val),
            since_best,
            weights: Parameters {
                w1: vec![],
                b1: vec![],
                inner: Vec::new(),
                w2: vec![],
                b2: 0.0,
            },
            metrics: (1..=epoch).map(row).collect(),
            adam: None,
        }
    }

    #[test]
    fn more_epochs_where_the_past_does_not_depend_on_the_total() {
        let old = plan(|c| c.train.epochs = 100);
        let longer = plan(|c| c.train.epochs = 300);
        let finished = checkpoint(100, 1e-4, 0);
        assert_eq!(check(&old, &longer, &finished, true), Ok(()));
        // A stopped run may also be planned shorter, down to the epochs it has trained.
        let stopped = checkpoint(40, 1e-4, 0);
        assert_eq!(
            check(&old, &plan(|c| c.train.epochs = 40), &stopped, false),
            Ok(())
        );
        assert_eq!(
            check(&old, &plan(|c| c.train.epochs = 39), &stopped, false),
            Err(ExtendError::Fewer {
                trained: 40,
                asked: 39
            })
        );
        // An exponential schedule's rate at epoch e does not depend on the total.
        let exp =
            |n| plan(move |c| (c.train.epochs, c.train.schedule) = (n, Schedule::Exponential));
        assert_eq!(check(&exp(100), &exp(200), &finished, true), Ok(()));
    }

    #[test]
    fn refusals_say_why() {
        let finished = checkpoint(100, 1e-4, 0);
        let cosine = |n| plan(move |c| (c.train.epochs, c.train.schedule) = (n, Schedule::Cosine));
        let err = check(&cosine(100), &cosine(200), &finished, true).unwrap_err();
        assert!(
            err.to_string().contains("train.schedule = \"cosine\""),
            "{err}"
        );
        // Settings besides the epochs name their keys.
        let other = plan(|c| (c.train.epochs, c.train.learning_rate) = (200, 0.01));
        assert_eq!(
            check(&plan(|_| ()), &other, &finished, true),
            Err(ExtendError::OtherSettings {
                keys: vec!["train.learning_rate".into()]
            })
        );
        // Ended by its patience at epoch 30 of 100: a longer run ends there too.
        let patient = |n| plan(move |c| (c.train.epochs, c.train.patience) = (n, Some(5)));
        let err = check(&patient(100), &patient(200), &checkpoint(30, 1e-4, 5), true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the run ended at epoch 30 of its 100 (its stopping rule, train.target_val_mse or \
             train.patience); a 200-epoch run ends there too"
        );
        // The same run stopped (by Ctrl-C) at epoch 30 goes on.
        assert_eq!(
            check(
                &patient(100),
                &patient(200),
                &checkpoint(30, 1e-4, 2),
                false
            ),
            Ok(())
        );
    }
}
