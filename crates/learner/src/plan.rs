//! A checked experiment: [`ExperimentConfig::check`] turns a config into a [`Plan`] in which an
//! invalid combination cannot be written. Every refusal of a config happens here, naming its
//! key; training never second-guesses a plan.

use std::path::Path;

use zoepnet_dataset::ConfigError;
use zoepnet_model::{Baseline, Correction, MlpConfig, UpdateOrder};
use zoepnet_network::Products;

use crate::config::{
    Engine, ExperimentConfig, LoadError, LossWeights, Mode, ModelSection, OptimizerName, Schedule,
    TrainSection,
};
use crate::device::{Backend, Precision};

/// An experiment ready to run: the config it came from and what it means.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The resolved config (written to the run folder's `config.toml`).
    pub config: ExperimentConfig,
    /// The network.
    pub model: MlpConfig,
    /// How it trains.
    pub procedure: Procedure,
    /// The learning rate of each epoch.
    pub learning_rate: LearningRate,
    /// Passes over the training set.
    pub epochs: usize,
    /// Shuffle the validation list, then the training list, at each epoch.
    pub shuffle: bool,
    /// Seed of the initial weights and of the shuffles.
    pub seed: u32,
    /// Networks trained side by side and averaged (`model.members`; `model` holds them side
    /// by side).
    pub members: usize,
    /// When to stop before the last epoch.
    pub stopping: StoppingRule,
}

/// The training procedures zoepnet has; each holds only the settings it uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Procedure {
    /// The fused CPU engine (plain f64 loops, the hand-written back-propagation).
    Fused {
        /// Which of its methods.
        method: FusedMethod,
        /// Train on standardised targets, folded back into W2 and b2 at the end.
        normalize_targets: bool,
    },
    /// The hand-written back-propagation with tensors, plain SGD, on the run's device.
    TensorSgd {
        /// Samples per step.
        batch_size: usize,
        /// The order of a step's updates.
        order: UpdateOrder,
    },
    /// Per-sample SGD with the hand-written back-propagation on wgpu, as the population
    /// kernel with a population of one (`crates/kernel`): f32, an epoch a launch.
    Kernel {
        /// The order of a step's updates.
        order: UpdateOrder,
    },
    /// Burn's autodiff and one of its optimizers, on the run's device.
    Autodiff {
        /// Samples per step.
        batch_size: usize,
        /// The optimizer.
        optimizer: BurnOptimizer,
    },
}

/// What the fused engine runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FusedMethod {
    /// Per-sample SGD (the tutorial's loop).
    PerSample {
        /// The order of a step's updates.
        order: UpdateOrder,
    },
    /// Mini-batch gradients with SGD or Adam (every gradient from the weights before the step).
    Batches {
        /// Samples per step.
        batch_size: usize,
        /// SGD or Adam.
        optimizer: FusedOptimizer,
        /// Weight each sample's squared error by its contrast gate (`train.loss_weights`).
        contrast_weights: bool,
        /// The number type of a deep network's products (`train.products`).
        products: Products,
    },
    /// Full-batch L-BFGS, one iteration an epoch; the run ends once no step lowers the loss.
    Lbfgs {
        /// Steps remembered.
        history: usize,
    },
}

/// The fused engine's mini-batch optimizers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FusedOptimizer {
    /// Plain SGD.
    Sgd,
    /// Burn's Adam, copied (f32 factors and all).
    Adam {
        /// Adam's epsilon.
        epsilon: f64,
    },
}

/// Burn's optimizers, for the autodiff procedure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BurnOptimizer {
    /// Plain SGD.
    Sgd,
    /// Adam (Kingma & Ba 2015).
    Adam {
        /// Adam's epsilon.
        epsilon: f64,
    },
    /// Adam with decoupled weight decay (Loshchilov & Hutter 2019).
    AdamW {
        /// Its epsilon.
        epsilon: f64,
        /// Its weight decay.
        weight_decay: f64,
    },
}

/// The two engines, as summaries and progress lines name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// Plain f64 loops on the CPU.
    Fused,
    /// Burn tensors on the run's device.
    Tensor,
    /// Many networks at once as one module, on the run's device ([`crate::population`]).
    Population,
    /// Many networks at once, an epoch of all of them one CubeCL kernel on wgpu
    /// ([`crate::population::PopulationEngine::Kernel`]).
    PopulationKernel,
    /// One network's per-sample SGD as that kernel ([`Procedure::Kernel`]).
    Kernel,
}

impl EngineKind {
    /// `fused`, `tensor`, `population`, `population-kernel` or `kernel`.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Fused => "fused",
            EngineKind::Tensor => "tensor",
            EngineKind::Population => "population",
            EngineKind::PopulationKernel => "population-kernel",
            EngineKind::Kernel => "kernel",
        }
    }
}

impl Procedure {
    /// The engine that runs it.
    pub fn engine(&self) -> EngineKind {
        match self {
            Procedure::Fused { .. } => EngineKind::Fused,
            Procedure::Kernel { .. } => EngineKind::Kernel,
            _ => EngineKind::Tensor,
        }
    }

    /// Whether `--resume` replays the completed epochs from the start (to the checkpoint's
    /// weights) instead of continuing from them: L-BFGS, whose memory is not checkpointed, and
    /// Burn's optimizers, whose state is not restored.
    pub fn replays_on_resume(&self) -> bool {
        matches!(
            self,
            Procedure::Fused {
                method: FusedMethod::Lbfgs { .. },
                ..
            } | Procedure::Autodiff { .. }
        )
    }
}

impl Plan {
    /// Whether a resumed run replays its completed epochs: its procedure's optimizer state is
    /// not in the checkpoint ([`Procedure::replays_on_resume`]), or it trains members side by
    /// side with plain SGD (their own weights are kept in the checkpoint beside Adam's moments
    /// only).
    pub fn replays_on_resume(&self) -> bool {
        let sgd_members = self.members > 1
            && matches!(
                self.procedure,
                Procedure::Fused {
                    method: FusedMethod::Batches {
                        optimizer: FusedOptimizer::Sgd,
                        ..
                    },
                    ..
                }
            );
        self.procedure.replays_on_resume() || sgd_members
    }
}

/// The learning rate of each epoch: `train.learning_rate` under `train.schedule`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearningRate {
    /// The first epoch's.
    pub initial: f64,
    /// How it changes.
    pub schedule: Schedule,
    /// The last epoch's under `cosine`.
    pub last: f64,
    /// The factor per epoch under `exponential`.
    pub gamma: f64,
    /// The run's epochs.
    pub epochs: usize,
}

impl LearningRate {
    /// The schedule a `[train]` section describes.
    pub fn of(t: &TrainSection) -> Self {
        Self {
            initial: t.learning_rate,
            schedule: t.schedule,
            last: t.final_learning_rate.unwrap_or(t.learning_rate / 100.0),
            gamma: t.gamma,
            epochs: t.epochs,
        }
    }

    /// The learning rate of `epoch` (1-based).
    pub fn at(&self, epoch: usize) -> f64 {
        let lr = self.initial;
        let step = epoch.saturating_sub(1) as f64;
        match self.schedule {
            Schedule::Constant => lr,
            Schedule::Cosine => {
                let span = (self.epochs.max(2) - 1) as f64;
                self.last
                    + 0.5 * (lr - self.last) * (1.0 + (std::f64::consts::PI * step / span).cos())
            }
            Schedule::Exponential => lr * self.gamma.powf(step),
        }
    }
}

/// `train.target_val_mse` and `train.patience`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoppingRule {
    /// Stop once the validation MSE is at or below this.
    pub target_val_mse: Option<f64>,
    /// Stop after this many epochs without a new best validation MSE.
    pub patience: Option<usize>,
}

impl Plan {
    /// Whether the network trains on standardised targets.
    pub(crate) fn normalizes_targets(&self) -> bool {
        matches!(
            self.procedure,
            Procedure::Fused {
                normalize_targets: true,
                ..
            }
        )
    }

    /// Reads the config file at `path`, applies `overrides` (`key=value`, the value in TOML
    /// syntax or a bare word taken as a string), and checks it: the one way from a config file
    /// to what it means (its resolved config is [`Plan::config`]).
    pub fn load(path: &Path, overrides: &[String]) -> Result<Self, LoadError> {
        let config = ExperimentConfig::read(path, overrides)?;
        config.check().map_err(|source| LoadError::Value {
            path: path.to_owned(),
            overrides: overrides.to_vec(),
            source,
        })
    }
}

/// A refusal of `key` ([`ConfigError::refuse`], shared by every section's checks).
fn bad<T>(key: &str, message: impl Into<String>) -> Result<T, ConfigError> {
    ConfigError::refuse(key, message)
}

/// Refuses a number that is not finite and positive.
fn positive(key: &str, value: f64) -> Result<(), ConfigError> {
    ConfigError::positive(key, value)
}

impl ExperimentConfig {
    /// Checks every section and combination, naming the first key that is wrong, and returns
    /// what the config means.
    pub fn check(&self) -> Result<Plan, ConfigError> {
        self.data.validate()?;
        let model = check_model(&self.model, self.data.inputs.width())?;
        let t = &self.train;
        check_ranges(t)?;
        let procedure = self.procedure()?;
        check_loss_weights(self, &procedure)?;
        check_shape(self, &model, &procedure)?;
        check_products(t, &model, &procedure)?;
        check_members(self.model.members, &model, &procedure)?;
        Ok(Plan {
            config: self.clone(),
            model,
            procedure,
            learning_rate: LearningRate::of(t),
            epochs: t.epochs,
            shuffle: t.shuffle,
            seed: t.seed,
            members: self.model.members,
            stopping: StoppingRule {
                target_val_mse: t.target_val_mse,
                patience: t.patience,
            },
        })
    }

    /// The training procedure of the `[train]` section on the `[backend]`.
    fn procedure(&self) -> Result<Procedure, ConfigError> {
        let t = &self.train;
        match t.mode {
            Mode::Autodiff => autodiff_procedure(t),
            Mode::Manual => {
                let optimizer = manual_optimizer(t)?;
                if self.runs_fused() {
                    fused_procedure(t, optimizer)
                } else if self.runs_kernel(optimizer) {
                    Ok(Procedure::Kernel {
                        order: t.update_order,
                    })
                } else {
                    tensor_procedure(t, optimizer)
                }
            }
        }
    }

    /// Whether the manual mode runs on the kernel: with `auto` on wgpu, for per-sample SGD of
    /// a plain network (no baseline, targets as they are) the kernel can hold.
    fn runs_kernel(&self, optimizer: ManualOptimizer) -> bool {
        let (t, m) = (&self.train, &self.model);
        t.engine == Engine::Auto
            && self.backend.kind == Backend::Wgpu
            && optimizer == ManualOptimizer::Sgd
            && t.batch_size == 1
            && !t.normalize_targets
            && m.baseline == Baseline::None
            && m.correction == Correction::Additive
            && kernel_fits(m.hidden)
    }

    /// Whether the manual mode runs on the fused engine: when asked for, or with `auto` on a
    /// CPU backend in f64 for what it does (per-sample SGD, exact-order batches, Adam, L-BFGS).
    fn runs_fused(&self) -> bool {
        let t = &self.train;
        match t.engine {
            Engine::Fused => true,
            Engine::Tensor => false,
            Engine::Auto => {
                let cpu = self.backend.kind != Backend::Wgpu;
                let f64 = self.backend.precision() == Precision::F64;
                let fits = t.optimizer != OptimizerName::Sgd
                    || t.batch_size == 1
                    || t.update_order == UpdateOrder::Exact;
                cpu && f64 && fits
            }
        }
    }
}

/// Whether the kernel trains a network of `hidden` units (never without the `wgpu` feature).
#[cfg(feature = "wgpu")]
fn kernel_fits(hidden: usize) -> bool {
    zoepnet_kernel::fits(1, hidden).is_ok()
}

#[cfg(not(feature = "wgpu"))]
fn kernel_fits(_hidden: usize) -> bool {
    false
}

/// `train.loss_weights = "contrast"`: for a contrast-scaled correction, on the fused engine's
/// mini-batches.
fn check_loss_weights(config: &ExperimentConfig, procedure: &Procedure) -> Result<(), ConfigError> {
    if config.train.loss_weights == LossWeights::Uniform {
        return Ok(());
    }
    if !config.model.correction.is_gated() {
        return bad(
            "train.loss_weights",
            "\"contrast\" weights by the contrast gate of a contrast-scaled correction: set model.correction = \"contrast\" (or \"contrast-saturating\", \"contrast-angle-saturating\") too",
        );
    }
    if fused_batches(procedure) {
        return Ok(());
    }
    bad(
        "train.loss_weights",
        "\"contrast\" is for the fused engine's mini-batches (manual mode, SGD with train.batch_size > 1 or Adam, a CPU backend in f64)",
    )
}

/// `train.products = "f32"`: for the fused engine's deep networks (their mini-batches).
fn check_products(
    t: &TrainSection,
    model: &MlpConfig,
    procedure: &Procedure,
) -> Result<(), ConfigError> {
    if t.products == Products::F64 || deep_batches(procedure, model) {
        return Ok(());
    }
    bad(
        "train.products",
        "\"f32\" is for the fused engine's deep networks (model.layers > 1 or data.inputs other than the seven, trained with train.optimizer = \"adam\" or SGD in batches); every other network and engine takes its products in the backend's precision, f64 on the fused engine",
    )
}

/// `model.members` (1 to 16, checked with `[model]`): more than one only where the fused
/// engine's deep networks train in batches (the one engine that trains members side by side).
fn check_members(
    members: usize,
    model: &MlpConfig,
    procedure: &Procedure,
) -> Result<(), ConfigError> {
    if members == 1 || deep_batches(procedure, model) {
        return Ok(());
    }
    bad(
        "model.members",
        "more than one network is for the fused engine's deep networks (model.layers > 1 or data.inputs other than the seven, trained with train.optimizer = \"adam\" or SGD in batches)",
    )
}

/// Whether `procedure` trains `model` on the fused engine's deep networks (its mini-batches of
/// a network other than the tutorial's seven inputs and one hidden layer).
fn deep_batches(procedure: &Procedure, model: &MlpConfig) -> bool {
    fused_batches(procedure) && is_deep(model)
}

/// Whether `procedure` is the fused engine's mini-batches.
fn fused_batches(procedure: &Procedure) -> bool {
    matches!(
        procedure,
        Procedure::Fused {
            method: FusedMethod::Batches { .. },
            ..
        }
    )
}

/// The most weights a network may have (`model.hidden`, `model.layers`, `model.members`), so
/// that a mistyped width is refused rather than left to fail allocating.
const MAX_WEIGHTS: usize = 100_000_000;

/// The weights and biases of `layers` hidden layers of `hidden` units on `inputs` inputs and
/// one output; `None` where the count overflows.
fn weights_of(inputs: usize, hidden: usize, layers: usize) -> Option<usize> {
    let first = inputs.checked_add(1)?.checked_mul(hidden)?;
    let inner = hidden.checked_add(1)?.checked_mul(hidden)?;
    let rest = layers.saturating_sub(1).checked_mul(inner)?;
    first.checked_add(rest)?.checked_add(hidden)?.checked_add(1)
}

/// `[model]`: the network it describes, on `inputs` inputs.
fn check_model(m: &ModelSection, inputs: usize) -> Result<MlpConfig, ConfigError> {
    if m.hidden == 0 {
        return bad("model.hidden", "expected 1 or more hidden units");
    }
    if !(1..=16).contains(&m.layers) {
        return bad(
            "model.layers",
            format!("expected 1 to 16 hidden layers, not {}", m.layers),
        );
    }
    if !(1..=16).contains(&m.members) {
        return bad(
            "model.members",
            format!("expected 1 to 16 networks, not {}", m.members),
        );
    }
    let weights = m
        .hidden
        .checked_mul(m.members)
        .and_then(|h| weights_of(inputs, h, m.layers));
    if weights.is_none_or(|n| n > MAX_WEIGHTS) {
        return bad(
            "model.hidden",
            format!(
                "{} hidden units a layer ({} members of {}) in {} layers on {inputs} inputs \
                 make more than 10^8 weights (800 MB a copy in f64, and training keeps several)",
                m.hidden.saturating_mul(m.members),
                m.members,
                m.hidden,
                m.layers
            ),
        );
    }
    positive("model.init_std", m.init_std)?;
    if m.correction.is_gated() && m.baseline == Baseline::None {
        return bad(
            "model.correction",
            format!(
                "\"{}\" scales the correction to a baseline: set model.baseline too",
                m.correction.name()
            ),
        );
    }
    // Its gate falls to 2e-5 g / (1 + g) at normal incidence: only a baseline exact there
    // leaves the network a bounded target.
    if m.correction == Correction::ContrastAngleSaturating && m.baseline != Baseline::AcousticShear
    {
        return bad(
            "model.correction",
            "\"contrast-angle-saturating\" vanishes at normal incidence, where only the \
             \"acoustic-shear\" baseline is exact: set model.baseline = \"acoustic-shear\"",
        );
    }
    Ok(m.mlp_config(inputs))
}

/// A network other than seven inputs and one hidden layer trains on the fused engine's
/// mini-batches (its deep networks) or with Burn's autodiff: the hand-written per-sample loops,
/// L-BFGS, the tensor engine's manual back-propagation and the kernel are written for the
/// tutorial's shape.
fn check_shape(
    config: &ExperimentConfig,
    model: &MlpConfig,
    procedure: &Procedure,
) -> Result<(), ConfigError> {
    if !is_deep(model) {
        return Ok(());
    }
    match procedure {
        Procedure::Fused {
            method: FusedMethod::Batches { .. },
            normalize_targets: false,
        }
        | Procedure::Autodiff { .. } => Ok(()),
        _ => {
            let key = if config.model.layers > 1 {
                "model.layers"
            } else {
                "data.inputs"
            };
            bad(
                key,
                format!(
                    "a network of {} inputs and {} hidden layers trains with train.optimizer = \"adam\" (or SGD with train.batch_size > 1) on the fused engine, without train.normalize_targets, or with train.mode = \"autodiff\"",
                    model.inputs,
                    model.layers()
                ),
            )
        }
    }
}

/// Whether `model` is other than the tutorial's shape (seven inputs, one hidden layer): the
/// fused engine's deep networks train it.
pub(crate) fn is_deep(model: &MlpConfig) -> bool {
    model.layers() > 1 || model.inputs != zoepnet_network::FEATURES
}

/// The ranges of the `[train]` values, whatever the procedure.
fn check_ranges(t: &TrainSection) -> Result<(), ConfigError> {
    positive("train.learning_rate", t.learning_rate)?;
    if t.epochs == 0 {
        return bad("train.epochs", "expected 1 or more epochs");
    }
    if t.batch_size == 0 {
        return bad("train.batch_size", "expected 1 or more samples per step");
    }
    if t.lbfgs_history == 0 {
        return bad("train.lbfgs_history", "expected 1 or more steps");
    }
    if let Some(lr) = t.final_learning_rate {
        positive("train.final_learning_rate", lr)?;
    }
    if !(t.gamma.is_finite() && t.gamma > 0.0 && t.gamma <= 1.0) {
        return bad(
            "train.gamma",
            format!("expected a factor in (0, 1], found {}", t.gamma),
        );
    }
    positive("train.epsilon", t.epsilon)?;
    if !(t.weight_decay.is_finite() && t.weight_decay >= 0.0) {
        return bad(
            "train.weight_decay",
            format!("expected 0 or more, found {}", t.weight_decay),
        );
    }
    if let Some(v) = t.target_val_mse
        && !(v.is_finite() && v >= 0.0)
    {
        return bad(
            "train.target_val_mse",
            format!("expected 0 or more, found {v}"),
        );
    }
    if t.patience == Some(0) {
        return bad("train.patience", "expected 1 or more epochs");
    }
    Ok(())
}

/// Burn's autodiff with one of its optimizers.
fn autodiff_procedure(t: &TrainSection) -> Result<Procedure, ConfigError> {
    if t.engine == Engine::Fused {
        return bad(
            "train.engine",
            "\"fused\" runs the hand-written back-propagation: it needs mode = \"manual\"",
        );
    }
    let optimizer = match t.optimizer {
        OptimizerName::Sgd => BurnOptimizer::Sgd,
        OptimizerName::Adam => BurnOptimizer::Adam { epsilon: t.epsilon },
        OptimizerName::Adamw => BurnOptimizer::AdamW {
            epsilon: t.epsilon,
            weight_decay: t.weight_decay,
        },
        OptimizerName::Lbfgs => {
            return bad(
                "train.optimizer",
                "\"lbfgs\" is the fused engine's: set train.mode = \"manual\"",
            );
        }
    };
    refuse_normalized_targets(t)?;
    Ok(Procedure::Autodiff {
        batch_size: t.batch_size,
        optimizer,
    })
}

/// The optimizers of the manual mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ManualOptimizer {
    Sgd,
    Adam,
    Lbfgs,
}

/// `train.optimizer` in the manual mode.
fn manual_optimizer(t: &TrainSection) -> Result<ManualOptimizer, ConfigError> {
    match t.optimizer {
        OptimizerName::Sgd => Ok(ManualOptimizer::Sgd),
        OptimizerName::Adam => Ok(ManualOptimizer::Adam),
        OptimizerName::Lbfgs => Ok(ManualOptimizer::Lbfgs),
        OptimizerName::Adamw => bad(
            "train.optimizer",
            "the manual mode has \"sgd\", \"adam\" and \"lbfgs\"; set train.mode = \"autodiff\" for adamw",
        ),
    }
}

/// The manual mode on the fused engine.
fn fused_procedure(t: &TrainSection, optimizer: ManualOptimizer) -> Result<Procedure, ConfigError> {
    let batches = |optimizer| {
        if t.update_order == UpdateOrder::Tutorial {
            return bad(
                "train.update_order",
                "the tutorial's order is for per-sample SGD; batches and Adam take \"exact\"",
            );
        }
        Ok(FusedMethod::Batches {
            batch_size: t.batch_size,
            optimizer,
            contrast_weights: t.loss_weights == LossWeights::Contrast,
            products: t.products,
        })
    };
    let method = match optimizer {
        ManualOptimizer::Sgd if t.batch_size == 1 => FusedMethod::PerSample {
            order: t.update_order,
        },
        ManualOptimizer::Sgd => batches(FusedOptimizer::Sgd)?,
        ManualOptimizer::Adam => batches(FusedOptimizer::Adam { epsilon: t.epsilon })?,
        ManualOptimizer::Lbfgs => FusedMethod::Lbfgs {
            history: t.lbfgs_history,
        },
    };
    Ok(Procedure::Fused {
        method,
        normalize_targets: t.normalize_targets,
    })
}

/// The manual mode with tensors on the run's device: plain SGD only.
fn tensor_procedure(
    t: &TrainSection,
    optimizer: ManualOptimizer,
) -> Result<Procedure, ConfigError> {
    let name = match optimizer {
        ManualOptimizer::Sgd => None,
        ManualOptimizer::Adam => Some("adam"),
        ManualOptimizer::Lbfgs => Some("lbfgs"),
    };
    if let Some(name) = name {
        return bad(
            "train.optimizer",
            format!(
                "the manual mode's \"{name}\" runs on the fused engine: a CPU backend (ndarray or flex) in f64, with train.engine = \"auto\" or \"fused\""
            ),
        );
    }
    refuse_normalized_targets(t)?;
    Ok(Procedure::TensorSgd {
        batch_size: t.batch_size,
        order: t.update_order,
    })
}

/// `train.normalize_targets` is the fused engine's.
fn refuse_normalized_targets(t: &TrainSection) -> Result<(), ConfigError> {
    if t.normalize_targets {
        return bad(
            "train.normalize_targets",
            "standardised targets are for the fused engine (manual mode, a CPU backend in f64)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(settings: &str) -> Result<Plan, String> {
        let text = format!("[data]\nlas = \"a.las\"\n{settings}");
        let config: ExperimentConfig = toml::from_str(&text).map_err(|e| e.to_string())?;
        config.check().map_err(|e| e.to_string())
    }

    #[test]
    fn each_combination_becomes_one_procedure() {
        let p = plan("").unwrap();
        assert_eq!(
            p.procedure,
            Procedure::Fused {
                method: FusedMethod::PerSample {
                    order: UpdateOrder::Tutorial
                },
                normalize_targets: false
            }
        );
        // On wgpu, per-sample SGD of a plain network runs on the kernel, unless asked otherwise.
        let p = plan("[backend]\nkind = \"wgpu\"\n").unwrap();
        if cfg!(feature = "wgpu") {
            assert_eq!(
                p.procedure,
                Procedure::Kernel {
                    order: UpdateOrder::Tutorial
                }
            );
            assert_eq!(p.procedure.engine(), EngineKind::Kernel);
        }
        for other in [
            "[backend]\nkind = \"wgpu\"\n[train]\nengine = \"tensor\"\n",
            "[backend]\nkind = \"wgpu\"\n[model]\nbaseline = \"shuey\"\n",
        ] {
            assert!(
                matches!(plan(other).unwrap().procedure, Procedure::TensorSgd { .. }),
                "{other}"
            );
        }
        let p = plan("[train]\nbatch_size = 8\n").unwrap();
        assert_eq!(
            p.procedure,
            Procedure::TensorSgd {
                batch_size: 8,
                order: UpdateOrder::Tutorial
            }
        );
        let p = plan("[train]\noptimizer = \"lbfgs\"\nlbfgs_history = 5\n").unwrap();
        assert!(matches!(
            p.procedure,
            Procedure::Fused {
                method: FusedMethod::Lbfgs { history: 5 },
                ..
            }
        ));
        let p = plan("[train]\nmode = \"autodiff\"\noptimizer = \"adamw\"\n").unwrap();
        assert_eq!(
            p.procedure,
            Procedure::Autodiff {
                batch_size: 1,
                optimizer: BurnOptimizer::AdamW {
                    epsilon: 1e-5,
                    weight_decay: 1e-4
                }
            }
        );
        let p = plan("[train]\noptimizer = \"adam\"\nupdate_order = \"exact\"\n").unwrap();
        assert_eq!(p.procedure.engine(), EngineKind::Fused);
        let p = plan(
            "[model]\nbaseline = \"shuey\"\ncorrection = \"contrast\"\n\
             [train]\noptimizer = \"adam\"\nupdate_order = \"exact\"\nloss_weights = \"contrast\"\n",
        )
        .unwrap();
        assert!(matches!(
            p.procedure,
            Procedure::Fused {
                method: FusedMethod::Batches {
                    contrast_weights: true,
                    ..
                },
                ..
            }
        ));
    }

    #[test]
    fn refusals_name_their_key_and_have_no_fallback() {
        for (settings, key) in [
            (
                "[train]\nmode = \"autodiff\"\noptimizer = \"lbfgs\"\n",
                "`train.optimizer`",
            ),
            (
                "[train]\nmode = \"autodiff\"\nengine = \"fused\"\n",
                "`train.engine`",
            ),
            (
                "[train]\nengine = \"tensor\"\noptimizer = \"adam\"\n",
                "`train.optimizer`",
            ),
            (
                "[train]\nengine = \"tensor\"\nnormalize_targets = true\n",
                "`train.normalize_targets`",
            ),
            (
                "[train]\nengine = \"fused\"\nbatch_size = 4\n",
                "`train.update_order`",
            ),
            (
                "[backend]\nkind = \"wgpu\"\n[train]\noptimizer = \"lbfgs\"\n",
                "`train.optimizer`",
            ),
            (
                "[train]\nloss_weights = \"contrast\"\noptimizer = \"adam\"\nupdate_order = \"exact\"\n",
                "`train.loss_weights`: \"contrast\" weights by the contrast gate",
            ),
            (
                "[model]\nbaseline = \"shuey\"\ncorrection = \"contrast\"\n[train]\nloss_weights = \"contrast\"\n",
                "`train.loss_weights`: \"contrast\" is for the fused engine's mini-batches",
            ),
            ("[train]\ngamma = 1.5\n", "`train.gamma`"),
            ("[train]\npatience = 0\n", "`train.patience`"),
            ("[model]\ninit_std = 0\n", "`model.init_std`"),
            ("[model]\nlayers = 0\n", "`model.layers`"),
            ("[model]\nlayers = 17\n", "`model.layers`"),
            // The tutorial's per-sample SGD is written for one hidden layer on seven inputs.
            (
                "[model]\nlayers = 2\n",
                "`model.layers`: a network of 7 inputs and 2",
            ),
            (
                "inputs = \"contrasts-complex-cosines\"\n[train]\noptimizer = \"lbfgs\"\n",
                "`data.inputs`: a network of 9 inputs and 1",
            ),
            (
                "inputs = \"contrasts-four-waves\"\n[train]\noptimizer = \"lbfgs\"\n",
                "`data.inputs`: a network of 11 inputs and 1",
            ),
            (
                "[model]\ncorrection = \"contrast-saturating\"\n",
                "`model.correction`: \"contrast-saturating\" scales the correction to a baseline",
            ),
            (
                "[model]\nbaseline = \"aki-richards\"\ncorrection = \"contrast-angle-saturating\"\n",
                "`model.correction`: \"contrast-angle-saturating\" vanishes at normal incidence",
            ),
            (
                "[model]\nlayers = 3\n[train]\noptimizer = \"adam\"\nupdate_order = \"exact\"\nnormalize_targets = true\n",
                "`model.layers`",
            ),
            // f32 products are the deep networks' mini-batches' only.
            (
                "[train]\nproducts = \"f32\"\noptimizer = \"adam\"\nupdate_order = \"exact\"\n",
                "`train.products`: \"f32\" is for the fused engine's deep networks",
            ),
            (
                "[model]\nlayers = 3\n[train]\nproducts = \"f32\"\nmode = \"autodiff\"\n",
                "`train.products`",
            ),
        ] {
            let err = plan(settings).unwrap_err();
            assert!(err.starts_with(key), "{settings}: {err}");
        }
    }

    #[test]
    fn members_and_the_network_size_are_refused_naming_their_key() {
        for (settings, key) in [
            // Members side by side are the deep networks' mini-batches' only, and no network
            // holds more than 10^8 weights.
            (
                "[model]\nmembers = 0\n",
                "`model.members`: expected 1 to 16",
            ),
            (
                "[model]\nmembers = 17\n",
                "`model.members`: expected 1 to 16",
            ),
            (
                "[model]\nhidden = 100000000\n",
                "`model.hidden`: 100000000 hidden units a layer",
            ),
            (
                "[model]\nhidden = 4000\nlayers = 3\nmembers = 16\n",
                "`model.hidden`: 64000 hidden units a layer (16 members of 4000)",
            ),
            (
                "[model]\nmembers = 2\n[train]\noptimizer = \"adam\"\nupdate_order = \"exact\"\n",
                "`model.members`: more than one network is for the fused engine's deep networks",
            ),
            (
                "[model]\nlayers = 3\nmembers = 2\n[train]\nmode = \"autodiff\"\n",
                "`model.members`",
            ),
        ] {
            let err = plan(settings).unwrap_err();
            assert!(err.starts_with(key), "{settings}: {err}");
        }
    }

    #[test]
    fn deep_and_wide_networks_take_the_fused_mini_batches_or_autodiff() {
        let deep = "[model]\nlayers = 3\nhidden = 16\n[train]\noptimizer = \"adam\"\nupdate_order = \"exact\"\n";
        let p = plan(deep).unwrap();
        assert_eq!((p.model.layers(), p.model.inputs), (3, 7));
        assert!(is_deep(&p.model));
        assert!(matches!(
            p.procedure,
            Procedure::Fused {
                method: FusedMethod::Batches {
                    products: Products::F64,
                    ..
                },
                ..
            }
        ));
        let p = plan(&format!("{deep}products = \"f32\"\n")).unwrap();
        assert!(matches!(
            p.procedure,
            Procedure::Fused {
                method: FusedMethod::Batches {
                    products: Products::F32,
                    ..
                },
                ..
            }
        ));
        // Members side by side: the model holds them, three times as wide.
        let members = deep.replace("hidden = 16\n", "hidden = 16\nmembers = 3\n");
        let p = plan(&members).unwrap();
        assert_eq!((p.members, p.model.hidden, p.model.layers()), (3, 48, 3));
        assert_eq!(plan(deep).unwrap().members, 1);
        let wide = "inputs = \"contrasts-complex-cosines\"\n[train]\nmode = \"autodiff\"\n";
        let p = plan(wide).unwrap();
        assert_eq!((p.model.layers(), p.model.inputs), (1, 9));
        assert!(matches!(p.procedure, Procedure::Autodiff { .. }));
        assert!(!is_deep(&plan("").unwrap().model));
    }

    #[test]
    fn learning_rate_follows_its_schedule() {
        let t = TrainSection {
            learning_rate: 0.01,
            epochs: 11,
            schedule: Schedule::Exponential,
            gamma: 0.5,
            ..TrainSection::default()
        };
        assert_eq!(LearningRate::of(&t).at(3), 0.0025);
        let cosine = TrainSection {
            schedule: Schedule::Cosine,
            final_learning_rate: Some(0.001),
            ..t.clone()
        };
        let at = |e| LearningRate::of(&cosine).at(e);
        assert!((at(1) - 0.01).abs() < 1e-15);
        assert!((at(6) - 0.0055).abs() < 1e-15);
        assert!((at(11) - 0.001).abs() < 1e-15);
        let constant = TrainSection {
            schedule: Schedule::Constant,
            ..t
        };
        assert_eq!(LearningRate::of(&constant).at(7), 0.01);
    }
}
