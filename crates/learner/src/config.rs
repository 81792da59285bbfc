//! An experiment's TOML config, read into typed sections that refuse unknown keys, with
//! `--set key=value` overrides applied on top. [`ExperimentConfig::check`] (in [`crate::plan`])
//! turns a config into a [`crate::Plan`]: every range and every combination is checked there, and
//! nothing else refuses a config.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zoepnet_dataset::{ConfigError, DataConfig};
use zoepnet_model::{Activation, Baseline, Correction, Init, MlpConfig, UpdateOrder};
use zoepnet_network::Products;

use crate::device::{Backend, DeviceChoice, Precision};

/// One experiment, as a config file under `configs/` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentConfig {
    /// `[data]`: which well logs, and how the interfaces are made.
    pub data: DataConfig,
    /// `[model]`: the network.
    #[serde(default)]
    pub model: ModelSection,
    /// `[train]`: how it learns.
    #[serde(default)]
    pub train: TrainSection,
    /// `[backend]`: where it runs.
    #[serde(default)]
    pub backend: BackendSection,
}

/// The `[train]` section.
///
/// | key | default | range |
/// |---|---|---|
/// | `mode` | `"manual"` | `manual`, `autodiff` |
/// | `update_order` | `"tutorial"` | `tutorial` (per-sample SGD only), `exact` |
/// | `optimizer` | `"sgd"` | `sgd`, `adam`; `lbfgs` (manual); `adamw` (autodiff) |
/// | `epsilon` | 1e-5 | > 0 (Adam, AdamW) |
/// | `weight_decay` | 1e-4 | >= 0 (AdamW) |
/// | `target_val_mse` | none | >= 0 |
/// | `patience` | none | >= 1 epochs |
/// | `learning_rate` | 0.001 | > 0 |
/// | `schedule` | `"constant"` | `constant`, `cosine`, `exponential` |
/// | `final_learning_rate` | learning_rate / 100 | > 0 (cosine) |
/// | `gamma` | 0.95 | (0, 1] (exponential) |
/// | `epochs` | 100 | >= 1 |
/// | `batch_size` | 1 | >= 1 |
/// | `shuffle` | true | |
/// | `seed` | 42 | 0 to 2^32 − 1 |
/// | `engine` | `"auto"` | `auto`, `fused` (manual mode), `tensor` |
/// | `normalize_targets` | false | true on the fused engine only |
/// | `loss_weights` | `"uniform"` | `uniform`, `contrast` (fused mini-batches, gated correction) |
/// | `lbfgs_history` | 20 | >= 1 |
/// | `products` | `"f64"` | `f64`, `f32` (the fused engine's deep networks) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSection {
    /// `manual`: the hand-written back-propagation and plain SGD (the tutorial); `autodiff`:
    /// Burn's autodiff and optimizers.
    #[serde(default)]
    pub mode: Mode,
    /// The order of a manual step: `tutorial` (W2 first, the hidden error with the new W2) or
    /// `exact` (true gradient descent).
    #[serde(default)]
    pub update_order: UpdateOrder,
    /// `sgd`, `adam` (both modes; in the manual mode Adam is the fused engine's copy of Burn's)
    /// or `adamw` (autodiff mode).
    #[serde(default)]
    pub optimizer: OptimizerName,
    /// Adam's and AdamW's epsilon (Burn's default 1e-5).
    #[serde(default = "defaults::epsilon")]
    pub epsilon: f64,
    /// AdamW's decoupled weight decay (Burn's default 1e-4).
    #[serde(default = "defaults::weight_decay")]
    pub weight_decay: f64,
    /// Stop once the validation MSE (measured at the start of an epoch) is at or below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_val_mse: Option<f64>,
    /// Stop after this many epochs without a new best validation MSE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<usize>,
    /// Step size (the tutorial: 0.001).
    #[serde(default = "defaults::learning_rate")]
    pub learning_rate: f64,
    /// How the learning rate changes from epoch to epoch: `constant` (the tutorial), `cosine`
    /// (from `learning_rate` at the first epoch to `final_learning_rate` at the last, half a
    /// cosine), or `exponential` (times `gamma` each epoch).
    #[serde(default)]
    pub schedule: Schedule,
    /// The last epoch's learning rate under `cosine` (default: learning_rate / 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_learning_rate: Option<f64>,
    /// The factor per epoch under `exponential`.
    #[serde(default = "defaults::gamma")]
    pub gamma: f64,
    /// Passes over the training set (the tutorial: 100).
    #[serde(default = "defaults::epochs")]
    pub epochs: usize,
    /// Samples per step (1: per-sample SGD, the tutorial).
    #[serde(default = "defaults::batch_size")]
    pub batch_size: usize,
    /// Shuffle the validation list, then the training list, at each epoch (the tutorial).
    #[serde(default = "defaults::shuffle")]
    pub shuffle: bool,
    /// Seed of the initial weights and of the shuffles (NumPy's stream: W1 then W2 drawn with
    /// randn after seeding, then the shuffles).
    #[serde(default = "defaults::seed")]
    pub seed: u32,
    /// `auto` (the fused CPU loops where they apply: manual mode on a CPU backend in f64, per
    /// sample or with the exact order; tensors elsewhere), `fused` or `tensor`.
    #[serde(default)]
    pub engine: Engine,
    /// Train on standardised targets ((Rpp − mean) / std over the training set), folding the
    /// transform back into W2 and b2 at the end, so that the saved network predicts Rpp
    /// (fused engine only). Default false (the tutorial).
    #[serde(default)]
    pub normalize_targets: bool,
    /// How much each interface's squared error counts in the loss: `uniform` (alike), or
    /// `contrast` (in proportion to its correction's gate, g or g / (1 + g), normalised to a
    /// mean of 1 over the training set; for a gated correction on the fused engine's
    /// mini-batches).
    #[serde(default)]
    pub loss_weights: LossWeights,
    /// Steps L-BFGS remembers (default 20).
    #[serde(default = "defaults::lbfgs_history")]
    pub lbfgs_history: usize,
    /// The number type of the training's matrix products on the fused engine's deep networks:
    /// `f64` (default) or `f32` (about 1.6 times as fast on two cores; the weights, Adam's
    /// moments and the validation error stay f64).
    #[serde(default)]
    pub products: Products,
}

impl Default for TrainSection {
    fn default() -> Self {
        Self {
            mode: Mode::default(),
            update_order: UpdateOrder::default(),
            optimizer: OptimizerName::default(),
            schedule: Schedule::default(),
            final_learning_rate: None,
            gamma: defaults::gamma(),
            epsilon: defaults::epsilon(),
            weight_decay: defaults::weight_decay(),
            target_val_mse: None,
            patience: None,
            learning_rate: defaults::learning_rate(),
            epochs: defaults::epochs(),
            batch_size: defaults::batch_size(),
            shuffle: defaults::shuffle(),
            seed: defaults::seed(),
            engine: Engine::default(),
            normalize_targets: false,
            loss_weights: LossWeights::default(),
            lbfgs_history: defaults::lbfgs_history(),
            products: Products::default(),
        }
    }
}

/// `train.schedule`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// The same learning rate every epoch.
    #[default]
    Constant,
    /// Half a cosine from `learning_rate` to `final_learning_rate`.
    Cosine,
    /// `learning_rate * gamma^(epoch − 1)`.
    Exponential,
}

/// `train.mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Hand-written gradients, plain SGD.
    #[default]
    Manual,
    /// Burn's autodiff and optimizers.
    Autodiff,
}

/// `train.loss_weights`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LossWeights {
    /// Every interface's squared error counts alike.
    #[default]
    Uniform,
    /// A contrast-scaled correction learns (Rpp − baseline) / g (g its gate: g or g / (1 + g)),
    /// and its error in Rpp is g times the learnt one: weighting each squared error by g
    /// (normalised to a mean of 1) moves the
    /// loss halfway, in powers of g, towards the MSE in Rpp, which the strongest contrasts
    /// dominate.
    Contrast,
}

/// `train.optimizer`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerName {
    /// Plain stochastic gradient descent.
    #[default]
    Sgd,
    /// Adam (Kingma & Ba 2015).
    Adam,
    /// Adam with decoupled weight decay (Loshchilov & Hutter 2019).
    Adamw,
    /// Full-batch L-BFGS with a backtracking line search (manual mode, fused engine; one
    /// iteration per epoch; the learning rate and batch size are not used).
    Lbfgs,
}

/// `train.engine`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Fused where it applies, tensors elsewhere.
    #[default]
    Auto,
    /// Plain f64 loops on the CPU.
    Fused,
    /// Burn tensors on the configured device.
    Tensor,
}

/// The `[model]` section.
///
/// | key | default | range |
/// |---|---|---|
/// | `hidden` | 300 | >= 1, the network at most 10^8 weights |
/// | `layers` | 1 | 1-16 |
/// | `members` | 1 | 1-16 (more than 1: the fused engine's deep networks) |
/// | `activation` | `"sigmoid"` | `sigmoid`, `tanh`, `relu` |
/// | `init` | `"normal"` | `normal`, `burn` |
/// | `init_std` | 0.1 | > 0 (normal) |
/// | `baseline` | `"none"` | `none`, `aki-richards`, `shuey`, `acoustic-shear` |
/// | `correction` | `"additive"` | `additive`, `contrast`, `contrast-saturating`, `contrast-angle-saturating` (baseline set) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSection {
    /// Hidden units of each hidden layer (the tutorial: 300): one width.
    #[serde(default = "defaults::hidden", deserialize_with = "one_width")]
    pub hidden: usize,
    /// Hidden layers, each `hidden` wide (the tutorial: 1). More than one trains on the fused
    /// engine's mini-batches (SGD or Adam) or with Burn's autodiff.
    #[serde(default = "defaults::layers")]
    pub layers: usize,
    /// Networks of this shape trained side by side, each from its own initial weights (the
    /// diagonal blocks of one network `members` times as wide, drawn as `init` says) and in
    /// its own order of the samples, and averaged (an ensemble; 1: one network). The model
    /// written is their average as one network: `hidden` × `members` units a layer, each
    /// inner layer block-diagonal, so that everything that reads a model reads it as it is.
    #[serde(default = "defaults::members")]
    pub members: usize,
    /// Hidden activation: `sigmoid` (the tutorial), `tanh` or `relu`.
    #[serde(default)]
    pub activation: Activation,
    /// Initial weights: `normal` (N(0, init_std²), zero biases: the tutorial) or `burn` (Burn's
    /// default for a linear layer).
    #[serde(default)]
    pub init: InitName,
    /// Standard deviation of the `normal` initial weights (the tutorial: 0.1).
    #[serde(default = "defaults::init_std")]
    pub init_std: f64,
    /// A physics-residual network: the approximation whose value the output adds, so that the
    /// network learns the exact Rpp minus it (`none`: the network alone, the tutorial).
    #[serde(default)]
    pub baseline: Baseline,
    /// How the network's output enters beside the baseline: `additive` (y = baseline + net),
    /// `contrast` (y = baseline + g · net, g the squared relative contrast plus 1e-6, so that
    /// the correction vanishes with the contrast, as the baseline's own error does) or
    /// `contrast-saturating` (g / (1 + g) in place of g, at most 1 for strong contrasts) or
    /// `contrast-angle-saturating` (that times sin²θ / (0.05 + sin²θ), which vanishes at normal
    /// incidence). The network is then trained on (t − baseline) / gate.
    #[serde(default)]
    pub correction: Correction,
}

impl Default for ModelSection {
    fn default() -> Self {
        Self {
            hidden: defaults::hidden(),
            layers: defaults::layers(),
            members: defaults::members(),
            activation: Activation::default(),
            init: InitName::default(),
            init_std: defaults::init_std(),
            baseline: Baseline::None,
            correction: Correction::Additive,
        }
    }
}

/// `model.init`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InitName {
    /// N(0, init_std²) weights, zero biases.
    #[default]
    Normal,
    /// Burn's default.
    Burn,
}

impl ModelSection {
    /// The Burn config of the network this section describes, on `inputs` inputs
    /// (`data.inputs`' width: `zoepnet_dataset::InputEncoding::width`): its members side by
    /// side, `hidden` × `members` units a layer.
    pub(crate) fn mlp_config(&self, inputs: usize) -> MlpConfig {
        let activation = self.activation;
        let init = match self.init {
            InitName::Normal => Init::Normal { std: self.init_std },
            InitName::Burn => Init::Burn,
        };
        MlpConfig::new()
            .with_inputs(inputs)
            .with_hidden(self.hidden * self.members)
            .with_depth(Some(self.layers))
            .with_activation(activation)
            .with_init(init)
            .with_baseline(self.baseline)
            .with_correction(self.correction)
    }
}

/// The `[backend]` section.
///
/// | key | default | range |
/// |---|---|---|
/// | `kind` | `"flex"` (`"ndarray"` in a build without flex) | `ndarray`, `flex`, `wgpu` (those compiled in) |
/// | `precision` | f64 on CPU backends, f32 on wgpu | `f64`, `f32` (wgpu: f32 only) |
/// | `device` | `"default"` | `default`; wgpu: an index, `discrete:N`, `integrated:N`, `virtual:N`, `cpu` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSection {
    /// `ndarray`, `flex` (CPU) or `wgpu` (GPU; lavapipe on a machine without one).
    #[serde(default = "defaults::backend")]
    pub kind: Backend,
    /// `f64` or `f32`; by default f64 on the CPU backends and f32 on wgpu.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Precision>,
    /// Which device: `"default"`, or for wgpu an index / `"discrete:N"`, `"integrated:N"`,
    /// `"virtual:N"`, `"cpu"` (see [`DeviceChoice`]).
    #[serde(default)]
    pub device: DeviceChoice,
}

impl Default for BackendSection {
    fn default() -> Self {
        Self {
            kind: defaults::backend(),
            precision: None,
            device: DeviceChoice::Default,
        }
    }
}

impl BackendSection {
    /// Brings this section's device up (the one place a run's device is chosen).
    pub fn select(&self) -> Result<(burn::tensor::Device, crate::DeviceInfo), crate::DeviceError> {
        crate::device::select_on(self.kind, self.device, self.precision())
    }

    /// The precision asked for, or the backend's default.
    pub fn precision(&self) -> Precision {
        self.precision
            .unwrap_or_else(|| Precision::default_for(self.kind))
    }
}

/// `model.hidden`: one whole number. A list (`[300, 100]`) is refused as such, not as a number
/// of the wrong kind: a deeper network is `model.layers`.
fn one_width<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Width;
    impl serde::de::Visitor<'_> for Width {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(
                "a single width, the number of hidden units of each hidden layer (model.layers sets how many)",
            )
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<usize, E> {
            usize::try_from(v).map_err(|_| E::custom(format!("{v} hidden units: too many")))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<usize, E> {
            u64::try_from(v)
                .map_err(|_| E::custom(format!("{v}: expected a single width, 1 or more")))
                .and_then(|v| self.visit_u64(v))
        }
    }
    d.deserialize_u64(Width)
}

mod defaults {
    pub fn lbfgs_history() -> usize {
        20
    }
    use crate::device::Backend;

    pub fn hidden() -> usize {
        300
    }
    pub fn members() -> usize {
        1
    }
    pub fn layers() -> usize {
        1
    }
    pub fn init_std() -> f64 {
        0.1
    }
    /// flex, Burn 0.22's CPU backend (ndarray is deprecated there, and flex's autodiff steps
    /// are faster: README, "Backends"); ndarray in a build without flex.
    pub fn backend() -> Backend {
        if Backend::Flex.is_compiled() {
            Backend::Flex
        } else {
            Backend::Ndarray
        }
    }
    pub fn learning_rate() -> f64 {
        0.001
    }
    pub fn epochs() -> usize {
        100
    }
    pub fn batch_size() -> usize {
        1
    }
    pub fn shuffle() -> bool {
        true
    }
    pub fn seed() -> u32 {
        42
    }
    pub fn gamma() -> f64 {
        0.95
    }
    pub fn epsilon() -> f64 {
        1e-5
    }
    pub fn weight_decay() -> f64 {
        1e-4
    }
}

/// Why a config could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    // The source is printed by the error chain (`{:#}`), not repeated here.
    #[error("cannot read config {path}")]
    Io {
        /// The config file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or has an unknown key, a missing key or a value of the wrong
    /// type. The message carries the line and column (or, after `--set`, the key).
    #[error("invalid config {path}{}: {message}", with_sets(overrides))]
    Parse {
        /// The config file.
        path: PathBuf,
        /// The overrides applied to it (`key=value`), said as ` (with --set k=v ...)`.
        overrides: Vec<String>,
        /// What the TOML reader found, with line, column and key.
        message: String,
    },
    /// A value is out of range.
    #[error("invalid config {path}{}", with_sets(overrides))]
    Value {
        /// The config file.
        path: PathBuf,
        /// The overrides applied to it (`key=value`), said as ` (with --set k=v ...)`.
        overrides: Vec<String>,
        /// The key and what was expected.
        source: ConfigError,
    },
    /// A `--set` that is not `key=value` with a dotted key.
    #[error("--set {given:?}: expected key=value with a dotted key, e.g. model.activation=tanh")]
    Override {
        /// What was given.
        given: String,
    },
}

impl ExperimentConfig {
    /// Reads the config file at `path` and applies `overrides` (`key=value`, the value in TOML
    /// syntax or a bare word taken as a string), without checking values: the first half of
    /// [`crate::Plan::load`], the one way from a file to a checked config.
    pub(crate) fn read(path: &Path, overrides: &[String]) -> Result<Self, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
            path: path.to_owned(),
            source,
        })?;
        // toml's messages end with a newline; the command line adds its own.
        let parse = |message: String| LoadError::Parse {
            path: path.to_owned(),
            overrides: overrides.to_vec(),
            message: plain(message.trim_end()),
        };
        let config: Self = if overrides.is_empty() {
            // Straight from the text, so that errors carry their line.
            toml::from_str(&text).map_err(|e| parse(e.to_string()))?
        } else {
            let mut table: toml::Table = toml::from_str(&text).map_err(|e| parse(e.to_string()))?;
            let file_las = data_key(&table, "las").cloned();
            for given in overrides {
                apply_override(&mut table, given)?;
            }
            forget_address_of_another_file(&mut table, file_las.as_ref(), overrides);
            table
                .try_into()
                .map_err(|e: toml::de::Error| parse(e.to_string()))?
        };
        Ok(config)
    }

    /// The config as TOML, every default filled in (for a run folder's `config.toml`), the
    /// backend's default precision included.
    pub(crate) fn to_toml(&self) -> Result<String, toml::ser::Error> {
        let mut resolved = self.clone();
        resolved.backend.precision = Some(self.backend.precision());
        toml::to_string(&resolved)
    }
}

/// A TOML reader's message in a user's words: Rust's type names said as numbers, and in a list
/// of the variants expected, the capitalised spellings (aliases read from old files) left out
/// where the lower-case one is listed.
fn plain(message: &str) -> String {
    let mut text = message.to_owned();
    for (rust, said) in [
        ("usize", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("u32", "a whole number, 0 or more"),
        ("u16", "a whole number, 0 or more"),
        ("u8", "a whole number, 0 or more"),
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("f64", "a number"),
        ("f32", "a number"),
    ] {
        text = text.replace(&format!("expected {rust}"), &format!("expected {said}"));
    }
    let Some(start) = text.find("expected one of ") else {
        return text;
    };
    let list_start = start + "expected one of ".len();
    let list_end = text[list_start..]
        .find('\n')
        .map_or(text.len(), |i| list_start + i);
    let names: Vec<&str> = text[list_start..list_end].split(", ").collect();
    let kept: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.to_lowercase() == *n || !names.contains(&n.to_lowercase().as_str()))
        .collect();
    format!(
        "{}{}{}",
        &text[..list_start],
        kept.join(", "),
        &text[list_end..]
    )
}

/// ` (with --set a=1 --set b=2)` for messages, or empty without overrides.
fn with_sets(overrides: &[String]) -> String {
    if overrides.is_empty() {
        String::new()
    } else {
        format!(" (with --set {})", overrides.join(" --set "))
    }
}

/// `[data] key` of a config table.
fn data_key<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    table.get("data")?.as_table()?.get(key)
}

/// A `data.url` and `data.sha256` belong to the file the config was written for: where the
/// overrides name another file (`--set data.las=mine.las`), those they do not give are dropped,
/// so that the user's own well is neither checked against another's checksum nor fetched from
/// another's address.
fn forget_address_of_another_file(
    table: &mut toml::Table,
    file_las: Option<&toml::Value>,
    overrides: &[String],
) {
    let sets = |key: &str| {
        overrides
            .iter()
            .any(|o| o.split_once('=').is_some_and(|(k, _)| k.trim() == key))
    };
    if data_key(table, "las") == file_las {
        return;
    }
    if let Some(data) = table.get_mut("data").and_then(toml::Value::as_table_mut) {
        for key in ["url", "sha256"] {
            if !sets(&format!("data.{key}")) {
                data.remove(key);
            }
        }
    }
}

/// Sets `key=value` in `table`, creating intermediate tables.
fn apply_override(table: &mut toml::Table, given: &str) -> Result<(), LoadError> {
    let bad = || LoadError::Override {
        given: given.to_owned(),
    };
    let (key, raw) = given.split_once('=').ok_or_else(bad)?;
    let parts: Vec<&str> = key.trim().split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let raw = raw.trim();
    let value = toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()));
    let (last, path) = parts.split_last().ok_or_else(bad)?;
    let mut current = table;
    for part in path {
        let entry = current
            .entry((*part).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = entry.as_table_mut().ok_or_else(bad)?;
    }
    current.insert((*last).to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ExperimentConfig, String> {
        let config: ExperimentConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check().map_err(|e| e.to_string())?;
        Ok(config)
    }

    #[test]
    fn reads_the_tutorial_config() {
        let text = include_str!("../../../configs/tutorial.toml");
        let config = parse(text).unwrap();
        assert_eq!(config.data.las, [PathBuf::from("data/R-39.las")]);
        assert_eq!(
            config.data.sha256.as_deref(),
            Some("02cbdc519647ca03e028035e949ca19f928793e5da6b0b934b3255d7f95ee7c7")
        );
        assert_eq!(config.model, ModelSection::default());
        assert_eq!(config.backend.kind, Backend::Flex);
        assert_eq!(config.backend.precision(), Precision::F64);
    }

    #[test]
    fn the_resolved_config_names_the_default_precision() {
        for (backend, precision) in [("flex", "f64"), ("wgpu", "f32")] {
            let text = format!("[data]\nlas = \"x.las\"\n[backend]\nkind = \"{backend}\"\n");
            let config = parse(&text).unwrap();
            assert_eq!(config.backend.precision, None);
            let text = config.to_toml().unwrap();
            assert!(
                text.contains(&format!("precision = \"{precision}\"")),
                "{text}"
            );
            let again: ExperimentConfig = toml::from_str(&text).unwrap();
            assert_eq!(again.backend.precision(), config.backend.precision());
        }
    }

    #[test]
    fn every_shipped_config_is_read_and_checked() {
        for text in [
            include_str!("../../../configs/best.toml"),
            include_str!("../../../configs/wide-angle.toml"),
            include_str!("../../../configs/surrogate.toml"),
        ] {
            parse(text).unwrap();
        }
        // The surrogate recipe's prior, as docs/surrogate.md measured it.
        let config = parse(include_str!("../../../configs/surrogate.toml")).unwrap();
        let prior = config.data.rock_physics.expect("a rock-physics prior");
        assert_eq!(prior.wide_fraction, 0.1);
        assert_eq!(prior.wide_contrast, 0.6);
        assert_eq!(prior.wide_critical_margin, Some(5.0));
        assert_eq!(prior.contrast_scale, 1.5);
    }

    #[test]
    fn refuses_an_unknown_key_with_its_line() {
        let err = parse("[data]\nlas = \"a.las\"\ncurve = 3\n").unwrap_err();
        assert!(err.contains("unknown field `curve`"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        let err = parse("[data]\nlas = \"a.las\"\n[modle]\n").unwrap_err();
        assert!(err.contains("unknown field `modle`"), "{err}");
    }

    #[test]
    fn refuses_a_bad_value_naming_its_key() {
        let err = parse("[data]\nlas = \"a.las\"\nsha256 = \"xyz\"\n").unwrap_err();
        assert!(err.contains("data.sha256"), "{err}");
        let err = parse("[data]\nlas = \"a.las\"\n[model]\nhidden = 0\n").unwrap_err();
        assert!(err.contains("model.hidden"), "{err}");
        let err = parse("[data]\nlas = \"a.las\"\n[model]\nactivation = \"gelu\"\n").unwrap_err();
        assert!(err.contains("unknown variant `gelu`"), "{err}");
    }

    #[test]
    fn another_well_log_drops_the_address_and_checksum_of_the_configs() {
        let dir = std::env::temp_dir().join(format!("zoepnet-forget-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.toml");
        std::fs::write(
            &path,
            format!(
                "[data]\nlas = \"data/R-39.las\"\nurl = \"https://x/R-39.las\"\nsha256 = \"{}\"\n",
                "0".repeat(64)
            ),
        )
        .unwrap();
        let read = |sets: &[&str]| {
            let sets: Vec<String> = sets.iter().map(|s| (*s).to_owned()).collect();
            let data = ExperimentConfig::read(&path, &sets).unwrap().data;
            (data.url.is_some(), data.sha256.is_some())
        };
        // The config's own file, named again or not at all: both kept.
        assert_eq!(read(&[]), (true, true));
        assert_eq!(read(&["data.las=data/R-39.las"]), (true, true));
        // Another file: both dropped, unless given with it; an empty value is none.
        assert_eq!(read(&["data.las=data/mine.las"]), (false, false));
        let sum = format!("data.sha256={}", "1".repeat(64));
        assert_eq!(read(&["data.las=mine.las", &sum]), (false, true));
        assert_eq!(read(&["data.sha256=", "data.url=\"\""]), (false, false));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_hidden_width_is_one_number() {
        let err = parse("[data]\nlas = \"a.las\"\n[model]\nhidden = [300, 100]\n").unwrap_err();
        assert!(
            err.contains(
                "expected a single width, the number of hidden units of each hidden layer (model.layers sets how many)"
            ),
            "{err}"
        );
        let err = parse("[data]\nlas = \"a.las\"\n[model]\nhidden = -3\n").unwrap_err();
        assert!(
            err.contains("-3: expected a single width, 1 or more"),
            "{err}"
        );
        assert_eq!(
            parse("[data]\nlas = \"a.las\"\n[model]\nhidden = 64\n")
                .unwrap()
                .model
                .hidden,
            64
        );
    }

    #[test]
    fn overrides_set_nested_keys_with_toml_values_or_words() {
        let mut table: toml::Table = toml::from_str("[data]\nlas = \"a.las\"\n").unwrap();
        for set in [
            "model.activation=tanh",
            "model.hidden = 64",
            "backend.kind=wgpu",
            "data.theta_max=30.5",
        ] {
            apply_override(&mut table, set).unwrap();
        }
        let config: ExperimentConfig = table.try_into().unwrap();
        assert_eq!(config.model.activation, Activation::Tanh);
        assert_eq!(config.model.hidden, 64);
        assert_eq!(config.backend.kind, Backend::Wgpu);
        assert_eq!(config.backend.precision(), Precision::F32);
        assert_eq!(config.data.theta_max, 30.5);
        assert!(matches!(
            apply_override(&mut toml::Table::new(), "model.hidden"),
            Err(LoadError::Override { .. })
        ));
        assert!(matches!(
            apply_override(&mut toml::Table::new(), "model..x=1"),
            Err(LoadError::Override { .. })
        ));
    }

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        use zoepnet_dataset::config::{documented_defaults, says};
        let source = include_str!("config.rs");
        let mut checked = 0;
        for (section, marker, value) in [
            (
                "train",
                "/// The `[train]` section.",
                toml::Value::try_from(TrainSection::default()).unwrap(),
            ),
            (
                "model",
                "/// The `[model]` section",
                toml::Value::try_from(ModelSection::default()).unwrap(),
            ),
        ] {
            let rows = documented_defaults(source, marker);
            assert!(rows.len() >= 6, "{section}: {rows:?}");
            for (key, doc) in rows {
                if let Some(same) = says(&doc, value.get(key.as_str())) {
                    assert!(
                        same,
                        "{section}.{key}: documented {doc}, is {:?}",
                        value.get(&key)
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 20, "{checked}");
    }
}
