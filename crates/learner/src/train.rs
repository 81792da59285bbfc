//! Training as the notebook did it: each epoch shuffles the validation list, measures the
//! validation MSE, shuffles the training list and trains on it, summing the squared errors.

use std::time::Instant;

use burn::tensor::Device;
use std::ops::ControlFlow;
use zoepnet_batcher::InterfaceBatcher;

use serde::{Deserialize, Serialize};
use zoepnet_dataset::{InterfaceItem, NumpyRandomState, Prepared, RngState, Scaler};
use zoepnet_model::{Activation, Init, Mlp, UpdateOrder};

use burn::module::Module;
use burn::optim::{AdamConfig, AdamWConfig, GradientsParams, ModuleOptimizer, SgdConfig};

use crate::config::{Engine, ExperimentConfig, Mode, OptimizerName, OrderName};
use crate::evaluate::{BaselineScores, baselines, mse, predict, sweep_errors};
use zoepnet_fused::{Adam, Lbfgs, Optimizer, Params, Simd, Weights};

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
    Checkpoint(String),
    /// The config asks for something this engine or device does not do.
    #[error("{0}")]
    Unsupported(String),
    /// The network could not be built from its weights.
    #[error(transparent)]
    Model(#[from] zoepnet_model::ModelError),
}

/// The largest |prediction − exact| over a "new angles" sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AvoError {
    /// The error.
    pub max_abs_error: f64,
    /// The sweep's first angle, degrees.
    pub theta_min: f64,
    /// The sweep's last angle, degrees.
    pub theta_max: f64,
}

/// What training produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// One row per epoch.
    pub metrics: Vec<EpochMetrics>,
    /// The trained network on the run's device.
    pub model: Mlp,
    /// Training MSE of the final weights.
    pub final_train_mse: f64,
    /// Validation MSE of the final weights.
    pub final_val_mse: f64,
    /// "New rocks" MSE of the final weights.
    pub blind_mse: f64,
    /// "New angles": the largest error over all sweeps, and their angle range.
    pub avo: Option<AvoError>,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// The engine that ran.
    pub engine: Engine,
    /// The classical approximations on the same validation and blind sets.
    pub baselines: Vec<BaselineScores>,
}

/// Everything needed to continue a run after an epoch as if it had not stopped: the weights, the
/// random generator, the current order of both lists, early-stopping state and the metrics so
/// far. A manual-mode run continues from it; an autodiff run (whose optimizer state is not in
/// it) replays its epochs and checks that it arrives at the same weights.
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
    /// W1, `[inputs, hidden]` row-major.
    pub w1: Vec<f64>,
    /// b1.
    pub b1: Vec<f64>,
    /// W2.
    pub w2: Vec<f64>,
    /// b2.
    pub b2: f64,
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
}

/// The scaled inputs and the targets of a set of items (what the fused engine trains on).
pub fn scaled(scaler: &Scaler, items: &[InterfaceItem]) -> (Vec<[f64; 7]>, Vec<f64>) {
    (
        items
            .iter()
            .map(|i| scaler.transform(&i.features))
            .collect(),
        items.iter().map(|i| i.rpp).collect(),
    )
}

/// The fused engine's name for an activation.
fn fused_activation(a: Activation) -> zoepnet_fused::Activation {
    match a {
        Activation::Sigmoid => zoepnet_fused::Activation::Sigmoid,
        Activation::Tanh => zoepnet_fused::Activation::Tanh,
        Activation::Relu => zoepnet_fused::Activation::Relu,
    }
}

/// The initial weights: with `Init::Normal`, NumPy's `np.random.seed(seed)`, then
/// `W1 = std * randn(hidden, inputs)` and `W2 = std * randn(hidden)`, biases zero (the
/// notebook's `initialize_params`); with `Init::Burn`, Burn's initialiser seeded on `device`.
fn initial_weights(
    config: &ExperimentConfig,
    rng: &mut NumpyRandomState,
    device: &Device,
) -> Weights {
    let mlp_config = config.model.mlp_config();
    let (inputs, hidden) = (mlp_config.inputs, mlp_config.hidden);
    match mlp_config.init {
        Init::Normal { std } => {
            let w1_np: Vec<f64> = (0..hidden * inputs).map(|_| std * rng.randn()).collect(); // [hidden, inputs]
            let w2: Vec<f64> = (0..hidden).map(|_| std * rng.randn()).collect();
            let w1: Vec<f64> = (0..inputs * hidden)
                .map(|k| w1_np[(k % hidden) * inputs + k / hidden])
                .collect(); // [inputs, hidden]
            Weights {
                activation: fused_activation(mlp_config.activation),
                w1: w1.into(),
                b1: vec![0.0; hidden].into(),
                w2: w2.into(),
                b2: 0.0,
            }
        }
        Init::Burn => {
            device.seed(u64::from(config.train.seed));
            let (w1, b1, w2, b2) = mlp_config.init(device).values();
            Weights {
                activation: fused_activation(mlp_config.activation),
                w1: w1.into(),
                b1: b1.into(),
                w2: w2.into(),
                b2,
            }
        }
    }
}

/// `train.normalize_targets`: the (shift, stretch) the fused engine learns targets through,
/// (t − shift) / stretch, from the training targets `t`; (0, 1) when it is off.
fn target_transform(config: &ExperimentConfig, t: &[f64]) -> (f64, f64) {
    if !config.train.normalize_targets {
        return (0.0, 1.0);
    }
    let n = t.len().max(1) as f64;
    let mean = t.iter().sum::<f64>() / n;
    let var = t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    (mean, if var > 0.0 { var.sqrt() } else { 1.0 })
}

/// Folds the target transform into the output layer: y = stretch · (a1 · W2 + b2) + shift.
fn fold_targets(weights: &mut Weights, shift: f64, stretch: f64) {
    if (shift, stretch) != (0.0, 1.0) {
        weights.w2.iter_mut().for_each(|w| *w *= stretch);
        weights.b2 = weights.b2 * stretch + shift;
    }
}

/// The network of a checkpoint (of an interrupted run), on `device`, predicting Rpp.
pub fn checkpoint_model(
    config: &ExperimentConfig,
    prepared: &Prepared,
    checkpoint: &Checkpoint,
    device: &Device,
) -> Result<Mlp, TrainError> {
    let targets: Vec<f64> = prepared.train.iter().map(|i| i.rpp).collect();
    let (shift, stretch) = target_transform(config, &targets);
    let mut weights = Weights {
        activation: fused_activation(config.model.mlp_config().activation),
        w1: checkpoint.w1.as_slice().into(),
        b1: checkpoint.b1.as_slice().into(),
        w2: checkpoint.w2.as_slice().into(),
        b2: checkpoint.b2,
    };
    fold_targets(&mut weights, shift, stretch);
    to_model(config, &weights, device)
}

/// The network before training, on `device`: the same initial weights [`train`] starts from.
pub fn initial_model(config: &ExperimentConfig, device: &Device) -> Result<Mlp, TrainError> {
    let mut rng = NumpyRandomState::seed(config.train.seed);
    to_model(config, &initial_weights(config, &mut rng, device), device)
}

/// Which engine runs: `auto` picks the fused loops for per-sample SGD on a CPU device in f64.
pub fn engine_for(config: &ExperimentConfig) -> Engine {
    match config.train.engine {
        Engine::Auto => {
            let cpu = config.backend.kind != crate::device::Backend::Wgpu;
            let f64 = config.backend.precision() == crate::device::Precision::F64;
            let manual = config.train.mode == Mode::Manual;
            let fits =
                config.train.batch_size == 1 || config.train.update_order == OrderName::Exact;
            if cpu && f64 && manual && fits {
                Engine::Fused
            } else {
                Engine::Tensor
            }
        }
        other => other,
    }
}

/// The weights being trained, from whichever engine holds them: (W1, b1, W2, b2).
fn current_values(
    engine: Engine,
    model: &Mlp,
    weights: &Weights,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
    match engine {
        Engine::Tensor => model.values(),
        _ => (
            weights.w1.to_vec(),
            weights.b1.to_vec(),
            weights.w2.to_vec(),
            weights.b2,
        ),
    }
}

/// The network a set of weights describes, on `device`.
fn to_model(config: &ExperimentConfig, w: &Weights, device: &Device) -> Result<Mlp, TrainError> {
    Ok(config.model.mlp_config().from_values(
        w.w1.to_vec(),
        w.b1.to_vec(),
        w.w2.to_vec(),
        w.b2,
        device,
    )?)
}

/// The MSE of `model` on `items` (on the run's device, scaled by the batcher).
fn tensor_mse(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    items: &[InterfaceItem],
    device: &Device,
) -> f64 {
    mse(&predict(model, batcher, items, device), items)
}

/// What [`train`] calls after each epoch: its metrics, and a way to build its checkpoint (only
/// when needed: it holds every epoch's metrics).
pub type OnEpoch<'a> = dyn FnMut(&EpochMetrics, &dyn Fn() -> Checkpoint) -> ControlFlow<()> + 'a;

/// Trains the config's network on `prepared` on `device`, from `resume` when given.
///
/// After each epoch `on_epoch` gets its metrics and a checkpoint from which
/// [`train`] continues exactly; returning `ControlFlow::Break` stops the run there
/// ([`TrainError::Stopped`]).
pub fn train(
    config: &ExperimentConfig,
    prepared: &Prepared,
    device: &Device,
    resume: Option<Checkpoint>,
    on_epoch: &mut OnEpoch<'_>,
) -> Result<Trained, TrainError> {
    let t = &config.train;
    let (order, fused_order) = match t.update_order {
        OrderName::Tutorial => (UpdateOrder::Tutorial, zoepnet_fused::UpdateOrder::Tutorial),
        OrderName::Exact => (UpdateOrder::Exact, zoepnet_fused::UpdateOrder::Exact),
    };
    let batcher = InterfaceBatcher::new(prepared.scaler.clone());
    // The fused engine works on the scaled values themselves.
    let (train_x, mut train_t) = scaled(&prepared.scaler, &prepared.train);
    let (val_x, mut val_t) = scaled(&prepared.scaler, &prepared.validation);
    // Standardised targets: the fused engine learns (t − shift) / stretch; squared errors are
    // reported times stretch², and the transform is folded into W2 and b2 at the end.
    let (shift, stretch) = target_transform(config, &train_t);
    for v in train_t.iter_mut().chain(val_t.iter_mut()) {
        *v = (*v - shift) / stretch;
    }
    let mut rng = NumpyRandomState::seed(t.seed);
    let mut weights = initial_weights(config, &mut rng, device);
    let engine = engine_for(config);
    let autodiff = t.mode == Mode::Autodiff;
    // Autodiff builds its parameters on the autodiff twin of the device.
    let train_device = if autodiff {
        device.clone().autodiff()
    } else {
        device.clone()
    };
    let mut model = to_model(config, &weights, &train_device)?;
    let mut optimizer: Option<ModuleOptimizer> = autodiff.then(|| match t.optimizer {
        OptimizerName::Sgd => SgdConfig::new().init(),
        OptimizerName::Adam => AdamConfig::new().with_epsilon(t.epsilon as f32).init(),
        // The config refuses lbfgs in the autodiff mode; Adam's defaults keep this total.
        OptimizerName::Adamw | OptimizerName::Lbfgs => AdamWConfig::new()
            .with_epsilon(t.epsilon as f32)
            .with_weight_decay(t.weight_decay as f32)
            .init(),
    });
    // Full-batch L-BFGS on the fused engine: one iteration an epoch; it stops the run once no
    // step lowers the loss.
    let mut lbfgs = (t.optimizer == OptimizerName::Lbfgs).then(|| Lbfgs::new(t.lbfgs_history));
    let mut converged = false;
    // The fused engine's optimizer: per-sample SGD (the tutorial's loop), or batches with SGD
    // or Adam.
    let per_sample = t.batch_size == 1 && t.optimizer == OptimizerName::Sgd;
    let mut fused_optimizer = match t.optimizer {
        OptimizerName::Adam => Optimizer::Adam(Box::new(Adam::new(&weights, t.epsilon as f32))),
        _ => Optimizer::Sgd,
    };
    if engine != Engine::Fused && t.normalize_targets {
        return Err(TrainError::Unsupported(
            "train.normalize_targets is for the fused engine (manual mode, a CPU backend in f64)"
                .into(),
        ));
    }
    if !autodiff && engine != Engine::Fused && t.optimizer != OptimizerName::Sgd {
        return Err(TrainError::Unsupported(
            "the manual mode's Adam runs on the fused engine: a CPU backend (ndarray or flex) in f64"
                .into(),
        ));
    }
    let mut grads = Params::zeros_like(&weights);
    // The vector width, found once for the whole run.
    let simd = Simd::detect();
    let mut best_val = f64::INFINITY;
    let mut since_best = 0usize;
    let mut train_order: Vec<usize> = (0..train_t.len()).collect();
    let mut val_order: Vec<usize> = (0..val_t.len()).collect();
    let mut metrics = Vec::with_capacity(t.epochs);
    let mut first_epoch = 1;
    let mut seconds_before = 0.0;
    // Autodiff runs resume by replaying their completed epochs (checked against the checkpoint):
    // Burn 0.22.1 restores an optimizer's saved state on its default device (wgpu when compiled
    // in) in f32, which does not fit an f64 run on a CPU device.
    let mut replay: Option<Checkpoint> = None;
    if let Some(cp) = &resume {
        let fits = cp.train_order.len() == train_t.len()
            && cp.val_order.len() == val_t.len()
            && cp.w1.len() == weights.w1.len()
            && cp.b1.len() == weights.b1.len()
            && cp.w2.len() == weights.w2.len()
            && cp.metrics.len() == cp.epoch;
        if NumpyRandomState::from_state(&cp.rng).is_none() || !fits {
            return Err(TrainError::Checkpoint(
                "its sizes differ from the config's".into(),
            ));
        }
    }
    if autodiff || lbfgs.is_some() {
        // (L-BFGS's memory is not in the checkpoint either.)
        replay = resume;
    } else if let Some(cp) = resume {
        rng = NumpyRandomState::from_state(&cp.rng)
            .ok_or_else(|| TrainError::Checkpoint("its generator state is not valid".into()))?;
        weights = Weights {
            activation: weights.activation,
            w1: cp.w1.into(),
            b1: cp.b1.into(),
            w2: cp.w2.into(),
            b2: cp.b2,
        };
        model = to_model(config, &weights, &train_device)?;
        train_order = cp.train_order;
        val_order = cp.val_order;
        best_val = cp.best_val.unwrap_or(f64::INFINITY);
        since_best = cp.since_best;
        seconds_before = cp.metrics.last().map_or(0.0, |m| m.seconds);
        if let Optimizer::Adam(adam) = &mut fused_optimizer {
            let state = cp
                .adam
                .as_ref()
                .ok_or_else(|| TrainError::Checkpoint("it has no Adam state".into()))?;
            let like = Params::zeros_like(&weights);
            adam.time = state.time;
            adam.m = Params::from_flat(&state.m, &like).ok_or_else(|| {
                TrainError::Checkpoint("its Adam state has the wrong size".into())
            })?;
            adam.v = Params::from_flat(&state.v, &like).ok_or_else(|| {
                TrainError::Checkpoint("its Adam state has the wrong size".into())
            })?;
        }
        metrics = cp.metrics;
        first_epoch = cp.epoch + 1;
    }
    let mut scratch = weights.scratch();
    let mut start = Instant::now();

    for epoch in first_epoch..=t.epochs {
        let lr = t.learning_rate_at(epoch);
        if t.shuffle {
            rng.shuffle(&mut val_order);
        }
        let val_mse = match engine {
            Engine::Tensor if autodiff => tensor_mse(
                &model.valid(),
                &batcher,
                &prepared.validation,
                &train_device,
            ),
            Engine::Tensor => tensor_mse(&model, &batcher, &prepared.validation, device),
            _ => weights.mse_on(simd, &val_x, &val_t, &mut scratch) * stretch * stretch,
        };
        if t.shuffle {
            rng.shuffle(&mut train_order);
        }
        let mut squared = 0.0;
        match engine {
            Engine::Tensor => {
                for chunk in train_order.chunks(t.batch_size) {
                    let items: Vec<InterfaceItem> =
                        chunk.iter().map(|&i| prepared.train[i]).collect();
                    let x = batcher.inputs(&items, &train_device); // [B, 7]
                    let y = batcher.targets(&items, &train_device); // [B, 1]
                    let loss = match optimizer.as_mut() {
                        Some(optim) => {
                            let loss = model.loss(x, y);
                            let grads = GradientsParams::from_grads(loss.backward(), &model);
                            model = optim.step(lr, model, grads);
                            loss
                        }
                        None => {
                            let (next, loss) = model.sgd_step(x, y, lr, order);
                            model = next;
                            loss
                        }
                    };
                    let loss: Vec<f64> = loss
                        .into_data()
                        .convert::<f64>()
                        .try_into_vec()
                        .unwrap_or_default();
                    // The loss is ½ mean((y − t)²) over the chunk.
                    squared += 2.0 * loss.first().copied().unwrap_or(f64::NAN) * chunk.len() as f64;
                }
            }
            _ => {
                squared += if let Some(state) = lbfgs.as_mut() {
                    let step = weights.lbfgs_step(
                        simd,
                        &train_x,
                        &train_t,
                        state,
                        &mut grads,
                        &mut scratch,
                    );
                    converged = !step.moved;
                    step.squared
                } else if per_sample {
                    weights.epoch_on(
                        simd,
                        &train_x,
                        &train_t,
                        &train_order,
                        lr,
                        fused_order,
                        &mut scratch,
                    )
                } else {
                    weights.epoch_batched(
                        simd,
                        &train_x,
                        &train_t,
                        &train_order,
                        t.batch_size,
                        lr,
                        &mut fused_optimizer,
                        &mut grads,
                        &mut scratch,
                    )
                };
            }
        }
        let train_mse = squared * stretch * stretch / train_t.len() as f64;
        if !train_mse.is_finite() {
            return Err(TrainError::Diverged {
                epoch,
                value: train_mse,
            });
        }
        if let Some(cp) = replay.as_ref().filter(|cp| epoch <= cp.epoch) {
            if epoch == cp.epoch {
                let same = current_values(engine, &model, &weights)
                    == (cp.w1.clone(), cp.b1.clone(), cp.w2.clone(), cp.b2)
                    && rng.state() == cp.rng
                    && train_order == cp.train_order
                    && val_order == cp.val_order;
                if !same {
                    return Err(TrainError::Checkpoint(format!(
                        "replaying its {epoch} epochs did not reproduce its weights"
                    )));
                }
                best_val = cp.best_val.unwrap_or(f64::INFINITY);
                since_best = cp.since_best;
                seconds_before = cp.metrics.last().map_or(0.0, |m| m.seconds);
                metrics.clone_from(&cp.metrics);
                start = Instant::now();
                replay = None;
            }
            continue;
        }
        let row = EpochMetrics {
            epoch,
            train_mse,
            val_mse,
            learning_rate: lr,
            seconds: seconds_before + start.elapsed().as_secs_f64(),
        };
        metrics.push(row);
        if val_mse < best_val {
            best_val = val_mse;
            since_best = 0;
        } else {
            since_best += 1;
        }
        // Built only when asked for: it holds every epoch's metrics so far.
        let checkpoint = || {
            let (w1, b1, w2, b2) = current_values(engine, &model, &weights);
            Checkpoint {
                epoch,
                rng: rng.state(),
                train_order: train_order.clone(),
                val_order: val_order.clone(),
                best_val: best_val.is_finite().then_some(best_val),
                since_best,
                w1,
                b1,
                w2,
                b2,
                metrics: metrics.clone(),
                adam: match &fused_optimizer {
                    Optimizer::Adam(adam) if engine == Engine::Fused => Some(AdamState {
                        time: adam.time,
                        m: adam.m.to_flat(),
                        v: adam.v.to_flat(),
                    }),
                    _ => None,
                },
            }
        };
        if on_epoch(&row, &checkpoint).is_break() {
            return Err(TrainError::Stopped { epoch });
        }
        let reached = t.target_val_mse.is_some_and(|target| val_mse <= target);
        let stalled = t.patience.is_some_and(|p| since_best >= p);
        if reached || stalled || converged {
            break;
        }
    }
    let train_seconds = seconds_before + start.elapsed().as_secs_f64();
    let model = match engine {
        Engine::Tensor if autodiff => {
            // Back on the plain device, without the autodiff graph.
            let (w1, b1, w2, b2) = model.values();
            to_model(
                config,
                &Weights {
                    activation: weights.activation,
                    w1: w1.into(),
                    b1: b1.into(),
                    w2: w2.into(),
                    b2,
                },
                device,
            )?
        }
        Engine::Tensor => model,
        _ => {
            fold_targets(&mut weights, shift, stretch);
            to_model(config, &weights, device)?
        }
    };

    // Evaluation of the final weights.
    let final_train_mse = tensor_mse(&model, &batcher, &prepared.train, device);
    let final_val_mse = tensor_mse(&model, &batcher, &prepared.validation, device);
    let blind_mse = tensor_mse(&model, &batcher, &prepared.blind_rocks, device);
    let avo = sweep_errors(&model, &batcher, &prepared.new_angles, device)
        .into_iter()
        .map(|e| AvoError {
            max_abs_error: e.max_abs_error,
            theta_min: e.theta_min,
            theta_max: e.theta_max,
        })
        .reduce(|a, b| AvoError {
            max_abs_error: a.max_abs_error.max(b.max_abs_error),
            theta_min: a.theta_min.min(b.theta_min),
            theta_max: a.theta_max.max(b.theta_max),
        });
    Ok(Trained {
        metrics,
        model,
        final_train_mse,
        final_val_mse,
        blind_mse,
        avo,
        train_seconds,
        engine,
        baselines: baselines(
            &prepared.validation,
            &prepared.blind_rocks,
            &prepared.new_angles,
        ),
    })
}
