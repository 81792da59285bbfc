//! The epoch loop, as the notebook ran it: each epoch shuffles the validation list, measures the
//! validation MSE, shuffles the training list and trains on it, summing the squared errors. The
//! engine (`engine`) does the arithmetic; this module keeps the lists, the generator,
//! the metrics, early stopping and checkpoints.

use std::ops::ControlFlow;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use zoepnet_dataset::{FeatureVector, InterfaceItem, NumpyRandomState, Prepared, Scaler};
use zoepnet_model::{Correction, Mlp, MlpConfig};

use crate::checkpoint::{Checkpoint, Resume, RunState, initial_parameters};
use crate::engine::{self, Engine};
use crate::evaluate::EvaluateError;
use crate::plan::{EngineKind, Plan};

/// One epoch's figures, as `metrics.csv` holds them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochMetrics {
    /// 1-based epoch.
    pub epoch: usize,
    /// The running loss of the epoch: the mean of the squared errors met while training on it.
    pub train_mse: f64,
    /// The validation MSE, measured at the start of the epoch.
    pub val_mse: f64,
    /// The learning rate used.
    pub learning_rate: f64,
    /// Seconds since training started, at the end of the epoch.
    pub seconds: f64,
}

/// Why training stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// The loss became NaN or infinite.
    #[error("the training loss became {value} in epoch {epoch}: lower train.learning_rate")]
    Diverged {
        /// The epoch.
        epoch: usize,
        /// The loss.
        value: f64,
    },
    /// The caller asked to stop after this epoch (its checkpoint is written).
    #[error("stopped after epoch {epoch}")]
    Stopped {
        /// The last epoch completed.
        epoch: usize,
    },
    /// A checkpoint that does not fit this run.
    #[error("the checkpoint does not fit this run: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// A training step gave no loss value.
    #[error("a training step gave no loss value")]
    NoLoss,
    /// Variants that the population engine cannot train together.
    #[error("population: {0}")]
    Population(#[from] PopulationError),
    /// The network could not be built from its weights, or its values read.
    #[error(transparent)]
    Model(#[from] zoepnet_model::ModelError),
    /// The network could not be evaluated.
    #[error(transparent)]
    Evaluate(#[from] EvaluateError),
}

impl TrainError {
    /// Whether the user's input is at fault: a run folder's checkpoint that does not fit, or
    /// variants the population engine cannot train (their configs); not a run that diverged or
    /// failed.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, TrainError::Checkpoint(_) | TrainError::Population(_))
    }
}

/// How a checkpoint does not fit the run it is to continue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Its lists, weights or metrics have other sizes than the config's.
    #[error("its sizes differ from the config's")]
    Sizes,
    /// Its epoch is past the run's last (epoch, epochs).
    #[error("it is at epoch {0}, past the run's {1} epochs")]
    Beyond(usize, usize),
    /// A list's order is not each of its items once.
    #[error("its {0} order is not each of the list's items once")]
    Order(&'static str),
    /// Its metrics are not the epochs 1 to its epoch, in order.
    #[error("its metrics do not hold epoch {0} in its place")]
    Epochs(usize),
    /// Its random generator state is not one NumPy's generator can have.
    #[error("its generator state is not valid")]
    Generator,
    /// It holds no Adam state, where the run trains with the fused engine's Adam.
    #[error("it has no Adam state")]
    NoAdam,
    /// Its Adam state has the wrong size.
    #[error("its Adam state has the wrong size")]
    AdamSize,
    /// It holds no members' own weights (or the wrong number of them), where the run trains
    /// `model.members` networks side by side.
    #[error("it does not hold the {0} members' own weights")]
    Members(usize),
    /// Replaying its epochs did not reach its weights.
    #[error("replaying its {0} epochs did not reproduce its weights")]
    Replay(usize),
}

/// Why the population engine cannot train a set of variants together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PopulationError {
    /// A variant it cannot train, or not with the first.
    #[error("variant {variant}: {why}")]
    Variant {
        /// Its index.
        variant: usize,
        /// Why.
        why: Unlike,
    },
    /// Beyond what the wgpu population kernel trains.
    #[cfg(feature = "wgpu")]
    #[error("{0}")]
    KernelLimit(zoepnet_kernel::Limit),
    /// The kernel asked for off wgpu.
    #[error("the population kernel runs on the wgpu backend only (backend.kind = \"wgpu\")")]
    KernelOffWgpu,
    /// The kernel failed (its message).
    #[error("{0}")]
    Kernel(String),
}

/// Why the population engine cannot train a variant, or not beside the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unlike {
    /// No variant at all.
    #[error("no variant")]
    NoVariant,
    /// Not per-sample manual SGD.
    #[error(
        "the population engine trains per-sample manual SGD only (train.mode = \"manual\", \
         train.optimizer = \"sgd\", train.batch_size = 1, train.normalize_targets = false)"
    )]
    NotPerSampleSgd,
    /// Its network differs from the first's.
    #[error("its network's shape or activation differs from variant 0's")]
    Network,
    /// A physics-residual network.
    #[error("a physics-residual network (model.baseline)")]
    PhysicsResidual,
    /// Its epochs or shuffling differ from the first's.
    #[error("its epochs or shuffling differ from variant 0's")]
    Schedule,
    /// It stops early.
    #[error("early stopping (train.target_val_mse, train.patience)")]
    EarlyStopping,
    /// Its data or backend differ from the first's.
    #[error("its [data] or [backend] section differs from variant 0's")]
    DataOrBackend,
}

/// What training produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// One row per epoch.
    pub metrics: Vec<EpochMetrics>,
    /// The trained network on the run's device.
    pub model: Mlp,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// The engine that ran.
    pub engine: EngineKind,
}

/// The scaled inputs and the targets of a set of items (what the fused engine trains on), for
/// a seven-input encoding ([`crate::plan`] gives the others only to the engines that take any
/// width: it panics on one).
pub fn scaled(scaler: &Scaler, items: &[InterfaceItem]) -> (Vec<FeatureVector>, Vec<f64>) {
    (
        items
            .iter()
            .map(|i| {
                scaler
                    .transform_seven(&i.features)
                    .expect("the plan gives wider inputs to the deep engine only")
            })
            .collect(),
        items.iter().map(|i| i.rpp).collect(),
    )
}

/// What the network of `model` learns for `item`: its label, minus the baseline's value for a
/// physics-residual network, divided by the correction's gate for a contrast-scaled correction
/// ([`zoepnet_network::Correction::gate`]; the module's forward pass undoes both:
/// y = net · gate + baseline).
pub(crate) fn learnt_target(model: &MlpConfig, item: &InterfaceItem) -> f64 {
    let residual = item.rpp - model.baseline.offset(&item.features);
    match model.correction.gate(&item.features) {
        None => residual,
        Some(gate) => residual / gate,
    }
}

/// For a gated correction, the gate of each of `items` ([`Correction::gate`], which the
/// network's output is multiplied by); `None` for an additive one.
pub(crate) fn gates_of(correction: Correction, items: &[InterfaceItem]) -> Option<Vec<f64>> {
    correction.is_gated().then(|| {
        items
            .iter()
            .map(|i| correction.gate(&i.features).unwrap_or(1.0))
            .collect()
    })
}

/// `train.loss_weights = "contrast"`: each training sample's weight in the loss, its contrast
/// gate over the training set's mean gate (the fused engine's and its deep networks').
pub(crate) fn contrast_weights(gates: &[f64]) -> Vec<f64> {
    let mean = gates.iter().sum::<f64>() / gates.len().max(1) as f64;
    gates.iter().map(|g| g / mean).collect()
}

/// `train.normalize_targets`: targets learnt as (t − shift) / stretch, from the training
/// targets; (0, 1) when off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetTransform {
    /// The training targets' mean.
    pub shift: f64,
    /// Their standard deviation (1 if they do not vary).
    pub stretch: f64,
}

impl TargetTransform {
    /// The transform of the training targets `t` (the identity unless `on`).
    pub fn fit(on: bool, t: &[f64]) -> Self {
        if !on {
            return Self {
                shift: 0.0,
                stretch: 1.0,
            };
        }
        let n = t.len().max(1) as f64;
        let mean = t.iter().sum::<f64>() / n;
        let var = t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Self {
            shift: mean,
            stretch: if var > 0.0 { var.sqrt() } else { 1.0 },
        }
    }

    /// A target as learnt.
    pub fn apply(&self, t: f64) -> f64 {
        (t - self.shift) / self.stretch
    }
}

/// What [`train`] calls after each epoch: its metrics, whether it is the run's last (the
/// epochs asked for, early stopping or convergence), and a way to build its checkpoint (only
/// when needed: it holds every epoch's metrics).
pub type OnEpoch<'a> = dyn FnMut(&EpochMetrics, bool, &dyn Fn() -> Result<Checkpoint, TrainError>) -> ControlFlow<()>
    + 'a;

/// What one epoch of the loop gave.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EpochOutcome {
    pub row: EpochMetrics,
    /// The optimizer can go no further.
    pub converged: bool,
}

impl RunState {
    /// One epoch, its metrics recorded.
    pub(crate) fn epoch(
        &mut self,
        plan: &Plan,
        engine: &mut dyn Engine,
        epoch: usize,
    ) -> Result<EpochOutcome, TrainError> {
        let lr = plan.learning_rate.at(epoch);
        if plan.shuffle {
            self.rng.shuffle(&mut self.val_order);
        }
        let val_mse = engine.val_mse()?;
        if plan.shuffle {
            self.rng.shuffle(&mut self.train_order);
        }
        let sums = engine.epoch(&self.train_order, lr)?;
        let train_mse = sums.squared / self.train_order.len() as f64;
        if !train_mse.is_finite() {
            return Err(TrainError::Diverged {
                epoch,
                value: train_mse,
            });
        }
        let row = EpochMetrics {
            epoch,
            train_mse,
            val_mse,
            learning_rate: lr,
            seconds: self.seconds_before + self.start.elapsed().as_secs_f64(),
        };
        self.metrics.push(row);
        Ok(EpochOutcome {
            row,
            converged: sums.converged,
        })
    }
}

/// Trains the plan's network on `prepared` on `device`, from `resume` when given.
///
/// After each epoch `on_epoch` gets its metrics and a checkpoint from which [`train`] continues
/// exactly; returning `ControlFlow::Break` stops the run there ([`TrainError::Stopped`]).
pub fn train(
    plan: &Plan,
    prepared: &Prepared,
    device: &Device,
    resume: Option<Checkpoint>,
    on_epoch: &mut OnEpoch<'_>,
) -> Result<Trained, TrainError> {
    let mut rng = NumpyRandomState::seed(plan.seed);
    let initial = initial_parameters(plan, &mut rng, device)?;
    let mut engine = engine::build(plan, prepared, device, &initial)?;
    let sizes = (prepared.train.len(), prepared.validation.len());
    if let Some(cp) = resume.as_ref().filter(|cp| cp.epoch > plan.epochs) {
        return Err(CheckpointError::Beyond(cp.epoch, plan.epochs).into());
    }
    let resume = Resume::from(resume, sizes, &initial, engine.resumes_exactly())?;
    let mut state = RunState::new(plan, rng, sizes);
    let first = state.resume(plan, &mut *engine, resume)?;
    run_epochs(plan, &mut *engine, &mut state, first, on_epoch)?;
    let train_seconds = state.seconds_before + state.start.elapsed().as_secs_f64();
    let kind = engine.kind();
    Ok(Trained {
        metrics: state.metrics,
        model: engine.into_model(device)?,
        train_seconds,
        engine: kind,
    })
}

/// The epochs from `first` on, each reported to `on_epoch`, until the last, a stop request,
/// early stopping or convergence.
fn run_epochs(
    plan: &Plan,
    engine: &mut dyn Engine,
    state: &mut RunState,
    first: usize,
    on_epoch: &mut OnEpoch<'_>,
) -> Result<(), TrainError> {
    for epoch in first..=plan.epochs {
        let outcome = state.epoch(plan, engine, epoch)?;
        let val_mse = outcome.row.val_mse;
        state.stopping.record(val_mse);
        let last = epoch == plan.epochs || state.stopping.should_stop(val_mse) || outcome.converged;
        let checkpoint = || state.checkpoint(epoch, &*engine);
        if on_epoch(&outcome.row, last, &checkpoint).is_break() {
            return Err(TrainError::Stopped { epoch });
        }
        if last {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_weights_follow_the_gates_with_a_mean_of_one() {
        assert_eq!(contrast_weights(&[1.0, 3.0]), [0.5, 1.5]);
        assert_eq!(contrast_weights(&[2.0, 2.0, 2.0]), [1.0, 1.0, 1.0]);
        assert!(contrast_weights(&[]).is_empty());
    }
}
