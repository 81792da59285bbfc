//! Checkpoints: what a run folder's `checkpoint.json` holds, how one is built from a run
//! (`RunState::checkpoint`), restored (`RunState::restore`, `Engine::restore`) or
//! replayed to (`RunState::resume`), and the networks built from one (for `zoepnet plot`) or
//! before training.
//!
//! A run resumes from a checkpoint in one of two ways: engines whose whole state it holds
//! continue from it ([`Resume::Continue`]); the others replay their completed epochs and check
//! that they arrive at its weights ([`Resume::Replay`]).

use std::time::Instant;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use zoepnet_dataset::{NumpyRandomState, Prepared, RngState};
use zoepnet_model::{Baseline, Init, Mlp, Parameters};
use zoepnet_network::Layer;

use crate::early_stopping::EarlyStopping;
use crate::engine::Engine;
use crate::plan::Plan;
use crate::train::{CheckpointError, EpochMetrics, TargetTransform, TrainError, learnt_target};

/// Everything needed to continue a run after an epoch as if it had not stopped: the weights, the
/// random generator, the current order of both lists, early-stopping state and the metrics so
/// far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Epochs completed.
    pub epoch: usize,
    /// The NumPy generator after them.
    pub rng: RngState,
    /// The training list's order (shuffled in place each epoch, as the notebook's list).
    pub train_order: Vec<usize>,
    /// The validation list's order.
    pub val_order: Vec<usize>,
    /// The best validation MSE so far (none before the first epoch).
    pub best_val: Option<f64>,
    /// Epochs since it.
    pub since_best: usize,
    /// The weights (`w1`, `b1`, `w2`, `b2`; on standardised targets where the run trains on
    /// them).
    #[serde(flatten)]
    pub weights: Parameters,
    /// The metrics of the epochs completed.
    pub metrics: Vec<EpochMetrics>,
    /// The fused engine's Adam state (manual mode with Adam).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adam: Option<AdamState>,
}

/// Adam's state in a checkpoint: steps taken, and both moments as W1, b1, W2, b2 one after the
/// other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdamState {
    /// Steps taken.
    pub time: i32,
    /// First moments.
    pub m: Vec<f64>,
    /// Second moments.
    pub v: Vec<f64>,
    /// Members trained side by side (`model.members` > 1): each one's weights, one member
    /// after another, as the fused engine's deep networks hold them (the checkpoint's weights
    /// average their outputs, from which their own output layers do not follow); the moments
    /// above are in that order too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<f64>>,
}

/// How a run starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Resume {
    /// From its initial weights.
    Fresh,
    /// From a checkpoint that restores the engine exactly.
    Continue(Checkpoint),
    /// Replaying the checkpoint's epochs, then checking that they reach its state.
    Replay(Checkpoint),
}

impl Resume {
    /// How a run with `n_train` training and `n_val` validation items, starting from `initial`,
    /// resumes from `checkpoint`; `exact` tells whether the engine restores exactly.
    pub fn from(
        checkpoint: Option<Checkpoint>,
        (n_train, n_val): (usize, usize),
        initial: &Parameters,
        exact: bool,
    ) -> Result<Self, TrainError> {
        let Some(cp) = checkpoint else {
            return Ok(Resume::Fresh);
        };
        let w = &cp.weights;
        let fits = cp.train_order.len() == n_train
            && cp.val_order.len() == n_val
            && w.w1.len() == initial.w1.len()
            && w.b1.len() == initial.b1.len()
            && w.w2.len() == initial.w2.len()
            && w.inner.len() == initial.inner.len()
            && w.inner
                .iter()
                .zip(&initial.inner)
                .all(|(a, b)| a.w.len() == b.w.len() && a.b.len() == b.b.len());
        if !fits {
            return Err(CheckpointError::Sizes.into());
        }
        if cp.metrics.len() != cp.epoch {
            return Err(CheckpointError::Epochs(cp.metrics.len().min(cp.epoch) + 1).into());
        }
        if NumpyRandomState::from_state(&cp.rng).is_none() {
            return Err(CheckpointError::Generator.into());
        }
        for (list, order) in [("training", &cp.train_order), ("validation", &cp.val_order)] {
            if !is_permutation(order) {
                return Err(CheckpointError::Order(list).into());
            }
        }
        if let Some((i, _)) = cp
            .metrics
            .iter()
            .enumerate()
            .find(|(i, m)| m.epoch != i + 1)
        {
            return Err(CheckpointError::Epochs(i + 1).into());
        }
        Ok(if exact {
            Resume::Continue(cp)
        } else {
            Resume::Replay(cp)
        })
    }
}

/// Whether `order` holds each of 0..len once.
fn is_permutation(order: &[usize]) -> bool {
    let mut seen = vec![false; order.len()];
    order
        .iter()
        .all(|&i| i < seen.len() && !std::mem::replace(&mut seen[i], true))
}

/// What a checkpoint captures besides the engine's weights: the generator, both lists, early
/// stopping, the metrics and the clock.
#[derive(Debug)]
pub(crate) struct RunState {
    pub rng: NumpyRandomState,
    pub train_order: Vec<usize>,
    pub val_order: Vec<usize>,
    pub stopping: EarlyStopping,
    pub metrics: Vec<EpochMetrics>,
    /// Seconds trained before this process (a resumed run's).
    pub seconds_before: f64,
    pub start: Instant,
}

impl RunState {
    /// Takes over a checkpoint's lists, generator, early stopping and metrics.
    fn restore(&mut self, cp: &Checkpoint) -> Result<(), TrainError> {
        self.rng = NumpyRandomState::from_state(&cp.rng).ok_or(CheckpointError::Generator)?;
        self.train_order.clone_from(&cp.train_order);
        self.val_order.clone_from(&cp.val_order);
        self.stopping.restore(cp.best_val, cp.since_best);
        self.seconds_before = cp.metrics.last().map_or(0.0, |m| m.seconds);
        self.metrics.clone_from(&cp.metrics);
        self.start = Instant::now();
        Ok(())
    }

    /// The checkpoint after `epoch`, with the engine's weights.
    pub fn checkpoint(&self, epoch: usize, engine: &dyn Engine) -> Result<Checkpoint, TrainError> {
        Ok(Checkpoint {
            epoch,
            rng: self.rng.state(),
            train_order: self.train_order.clone(),
            val_order: self.val_order.clone(),
            best_val: self.stopping.best(),
            since_best: self.stopping.since_best(),
            weights: engine.parameters()?,
            metrics: self.metrics.clone(),
            adam: engine.optimizer_state(),
        })
    }

    /// Whether a replay arrived where its checkpoint says.
    fn reached(&self, cp: &Checkpoint, engine: &dyn Engine) -> Result<bool, TrainError> {
        Ok(engine.parameters()? == cp.weights
            && self.rng.state() == cp.rng
            && self.train_order == cp.train_order
            && self.val_order == cp.val_order)
    }
}

impl RunState {
    /// Before the first epoch: the generator after the initial weights were drawn, both lists
    /// in order.
    pub fn new(plan: &Plan, rng: NumpyRandomState, (n_train, n_val): (usize, usize)) -> Self {
        Self {
            rng,
            train_order: (0..n_train).collect(),
            val_order: (0..n_val).collect(),
            stopping: EarlyStopping::new(plan.stopping),
            metrics: Vec::with_capacity(plan.epochs),
            seconds_before: 0.0,
            start: Instant::now(),
        }
    }

    /// Brings this state and `engine` to where `resume` says; returns the next epoch to train.
    ///
    /// A checkpoint that restores the engine exactly is taken over; otherwise its epochs are
    /// replayed without being reported, and the run must arrive at its weights, generator and
    /// lists.
    pub fn resume(
        &mut self,
        plan: &Plan,
        engine: &mut dyn Engine,
        resume: Resume,
    ) -> Result<usize, TrainError> {
        match resume {
            Resume::Fresh => Ok(1),
            Resume::Continue(cp) => {
                self.restore(&cp)?;
                engine.restore(&cp.weights, cp.adam.as_ref())?;
                Ok(cp.epoch + 1)
            }
            Resume::Replay(cp) => {
                for epoch in 1..=cp.epoch {
                    self.epoch(plan, engine, epoch)?;
                }
                if !self.reached(&cp, engine)? {
                    return Err(CheckpointError::Replay(cp.epoch).into());
                }
                self.restore(&cp)?;
                Ok(cp.epoch + 1)
            }
        }
    }
}

/// The initial weights: with `Init::Normal`, NumPy's `np.random.seed(seed)`, then
/// `W1 = std * randn(hidden, inputs)` and `W2 = std * randn(hidden)`, biases zero (the
/// notebook's `initialize_params`), then each further hidden layer's `W = std * randn(hidden,
/// hidden)` (stored as drawn, row-major `[from, to]`); with `Init::Burn`, Burn's initialiser seeded on `device`.
/// A physics-residual network (`model.baseline`) starts with a zero output layer (W2, b2), so
/// that it starts as its baseline and learns only the correction.
/// Members side by side (`model.members`) are the drawn network's diagonal blocks (each inner
/// layer's weights between members set to zero; with `Init::Burn`, drawn at the whole
/// network's fan-in).
pub(crate) fn initial_parameters(
    plan: &Plan,
    rng: &mut NumpyRandomState,
    device: &Device,
) -> Result<Parameters, TrainError> {
    let mut p = drawn_parameters(plan, rng, device)?;
    if plan.members > 1 {
        // Members side by side: the drawn network's blocks on the diagonal, zero between them,
        // and each member's output weights as drawn (their average's, a member's over N).
        p = Parameters::side_by_side(&p.members(plan.members));
        let n = plan.members as f64;
        p.w2.iter_mut().for_each(|w| *w /= n);
    }
    if plan.model.baseline != Baseline::None {
        p.w2.fill(0.0);
        p.b2 = 0.0;
    }
    Ok(p)
}

/// The initial weights as drawn (see [`initial_parameters`]).
fn drawn_parameters(
    plan: &Plan,
    rng: &mut NumpyRandomState,
    device: &Device,
) -> Result<Parameters, TrainError> {
    let (inputs, hidden) = (plan.model.inputs, plan.model.hidden);
    match plan.model.init {
        Init::Normal { std } => {
            let w1_np: Vec<f64> = (0..hidden * inputs).map(|_| std * rng.randn()).collect(); // [hidden, inputs]
            let w2: Vec<f64> = (0..hidden).map(|_| std * rng.randn()).collect();
            let w1: Vec<f64> = (0..inputs * hidden)
                .map(|k| w1_np[(k % hidden) * inputs + k / hidden])
                .collect(); // [inputs, hidden]
            let inner = (1..plan.model.layers())
                .map(|_| Layer {
                    w: (0..hidden * hidden).map(|_| std * rng.randn()).collect(),
                    b: vec![0.0; hidden],
                })
                .collect();
            Ok(Parameters {
                w1,
                b1: vec![0.0; hidden],
                inner,
                w2,
                b2: 0.0,
            })
        }
        Init::Burn => {
            device.seed(u64::from(plan.seed));
            Ok(plan.model.init(device).parameters()?)
        }
    }
}

/// The network before training, on `device`: the weights training starts from.
pub fn initial_model(plan: &Plan, device: &Device) -> Result<Mlp, TrainError> {
    let mut rng = NumpyRandomState::seed(plan.seed);
    let p = initial_parameters(plan, &mut rng, device)?;
    Ok(plan.model.from_parameters(&p, device)?)
}

/// The network of a checkpoint (of an interrupted run), on `device`, predicting Rpp.
pub fn checkpoint_model(
    plan: &Plan,
    prepared: &Prepared,
    checkpoint: &Checkpoint,
    device: &Device,
) -> Result<Mlp, TrainError> {
    // The targets the engine learnt (those of a residual network shifted and scaled).
    let targets: Vec<f64> = prepared
        .train
        .iter()
        .map(|i| learnt_target(&plan.model, i))
        .collect();
    let transform = TargetTransform::fit(plan.normalizes_targets(), &targets);
    let mut p = checkpoint.weights.clone();
    p.fold_targets(transform.shift, transform.stretch);
    Ok(plan.model.from_parameters(&p, device)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_order_holds_each_item_once() {
        assert!(is_permutation(&[2, 0, 1]));
        assert!(is_permutation(&[]));
        assert!(!is_permutation(&[0, 0, 2]), "an index twice");
        assert!(!is_permutation(&[0, 3, 1]), "an index out of range");
    }

    #[test]
    fn a_checkpoint_reads_back_bit_for_bit_with_its_weights_at_the_top_level() {
        let cp = Checkpoint {
            epoch: 1,
            rng: NumpyRandomState::seed(7).state(),
            train_order: vec![1, 0],
            val_order: vec![0],
            best_val: Some(0.1 + 0.2),
            since_best: 0,
            weights: Parameters {
                w1: vec![std::f64::consts::PI; 7],
                b1: vec![-1e-300],
                inner: Vec::new(),
                w2: vec![1.0 / 3.0],
                b2: 2.0f64.sqrt(),
            },
            metrics: vec![],
            adam: None,
        };
        let json = serde_json::to_string(&cp).unwrap();
        assert!(json.contains("\"w1\":["), "{json}");
        let back: Checkpoint = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cp);
    }
}
