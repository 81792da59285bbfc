//! The multilayer perceptron and its config.

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use zoepnet_network::{FEATURES, Layer, Parameters, ShapeError};

pub use zoepnet_network::{Activation, Baseline, Correction};

/// A batch's inputs: the scaled features, and for a physics-residual network the baseline each
/// output adds (from the unscaled interfaces: [`Baseline::offset`]). A bare tensor converts into
/// inputs without an offset.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Scaled features: `[B, inputs]`.
    pub x: Tensor<2>,
    /// The baseline's Re(Rpp) for each row, added to the network's output: `[B, 1]`.
    pub offset: Option<Tensor<2>>,
    /// For a contrast-scaled correction, the gate each row's network output is multiplied by
    /// (`zoepnet_network::Correction::gate`): `[B, 1]`.
    pub gate: Option<Tensor<2>>,
}

impl From<Tensor<2>> for Inputs {
    fn from(x: Tensor<2>) -> Self {
        Self {
            x,
            offset: None,
            gate: None,
        }
    }
}

/// Applies the activation to a tensor.
///
/// The sigmoid is written out as 1 / (1 + e^{−z}): Burn 0.22.1's `sigmoid` on the ndarray
/// backend rounds its result to f32 even for f64 tensors (0.5744425058364868 for z = 0.3,
/// where f64 gives 0.574442516811659), which would cap every f64 comparison at 1e-7.
pub fn activate<const D: usize>(activation: Activation, z: Tensor<D>) -> Tensor<D> {
    match activation {
        Activation::Sigmoid => z.neg().exp().add_scalar(1.0).recip(),
        Activation::Tanh => z.tanh(),
        Activation::Relu => relu(z),
    }
}

/// The activation's derivative at z, from z and a = act(z).
pub fn activation_slope<const D: usize>(
    activation: Activation,
    z: Tensor<D>,
    a: Tensor<D>,
) -> Tensor<D> {
    match activation {
        Activation::Sigmoid => a.clone() * (a.ones_like() - a),
        Activation::Tanh => a.ones_like() - a.clone() * a,
        Activation::Relu => z.greater_elem(0.0).float(),
    }
}

/// How the weights start.
#[derive(Config, Debug, Copy, PartialEq)]
pub enum Init {
    /// Weights drawn from N(0, std²), biases zero (the tutorial: std 0.1).
    Normal {
        /// Standard deviation of the weights.
        std: f64,
    },
    /// Burn's default for a linear layer (Kaiming uniform, gain 1/√3, biases alike).
    Burn,
}

/// The network's shape and initialisation.
#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Inputs ([`FEATURES`] = 7, or more for some encodings:
    /// `zoepnet_network::InputEncoding::width`).
    #[config(default = "FEATURES")]
    pub inputs: usize,
    /// Hidden units (of each hidden layer).
    #[config(default = 300)]
    pub hidden: usize,
    /// Hidden layers, each `hidden` wide; `None` (as in the model files written before the
    /// key existed) is one, the tutorial's. [`MlpConfig::layers`] reads it.
    pub depth: Option<usize>,
    /// Hidden activation.
    #[config(default = "Activation::Sigmoid")]
    pub activation: Activation,
    /// Initial weights.
    #[config(default = "Init::Normal { std: 0.1 }")]
    pub init: Init,
    /// The approximation whose value the output adds (a physics-residual network), or none.
    #[config(default = "Baseline::None")]
    pub baseline: Baseline,
    /// How the network's output enters the prediction beside the baseline.
    #[config(default = "Correction::Additive")]
    pub correction: Correction,
}

/// Why a model could not be built, saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Weight values of the wrong length.
    #[error(transparent)]
    Shape(#[from] ShapeError),
    /// A tensor's values could not be read back as f64.
    #[error("cannot read the values of {what}: {message}")]
    Read {
        /// What was read.
        what: &'static str,
        /// Burn's reason.
        message: String,
    },
    /// Networks that cannot be stacked into a population.
    #[error("population: {0}")]
    Population(String),
    /// The record or config file could not be written or read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// One hidden-to-hidden layer of a deeper network: a = act(a_prev W + b).
#[derive(Module, Debug)]
pub struct Dense {
    /// Weights: `[hidden, hidden]`.
    pub w: Param<Tensor<2>>,
    /// Biases: `[hidden]`.
    pub b: Param<Tensor<1>>,
}

/// The network: one hidden layer (the tutorial's) or more, a linear output.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Input-to-hidden weights: `[inputs, hidden]` (x W1, Burn's `Linear` layout).
    pub w1: Param<Tensor<2>>,
    /// Hidden biases: `[hidden]`.
    pub b1: Param<Tensor<1>>,
    /// The hidden layers after the first (none for the tutorial's network).
    pub inner: Vec<Dense>,
    /// Last-hidden-to-output weights: `[hidden, 1]`.
    pub w2: Param<Tensor<2>>,
    /// Output bias: `[1]`.
    pub b2: Param<Tensor<1>>,
    /// Hidden activation.
    #[module(skip)]
    pub activation: Activation,
    /// The approximation whose value the output adds; the inputs carry its values.
    #[module(skip)]
    pub baseline: Baseline,
    /// Additive, or scaled by the contrast gate the inputs carry.
    #[module(skip)]
    pub correction: Correction,
}

impl MlpConfig {
    /// Hidden layers: [`MlpConfig::depth`], or 1.
    pub fn layers(&self) -> usize {
        self.depth.unwrap_or(1)
    }

    /// A network with weights from the configured initialiser (Burn's generator on `device`:
    /// seed it with `device.seed(..)` for a repeatable start). The layers are drawn in order:
    /// W1, b1, each inner layer's W and b, W2, b2.
    pub fn init(&self, device: &Device) -> Mlp {
        let (n, h) = (self.inputs, self.hidden);
        let (weights, biases) = match self.init {
            Init::Normal { std } => (Initializer::Normal { mean: 0.0, std }, Initializer::Zeros),
            Init::Burn => {
                let k = Initializer::KaimingUniform {
                    gain: 1.0 / 3f64.sqrt(),
                    fan_out_only: false,
                };
                (k.clone(), k)
            }
        };
        // Burn draws a parameter's values when it is first read: read each now, so that they
        // come from the generator as seeded before this call, not as a later seed leaves it
        // (networks seeded one after another were otherwise all drawn after the last seed).
        let drawn1 = |p: Param<Tensor<1>>| {
            let _ = p.val();
            p
        };
        let drawn2 = |p: Param<Tensor<2>>| {
            let _ = p.val();
            p
        };
        let w1 = drawn2(weights.init_with([n, h], Some(n), Some(h), device));
        let b1 = drawn1(biases.init_with([h], Some(n), Some(h), device));
        let inner = (1..self.layers())
            .map(|_| Dense {
                w: drawn2(weights.init_with([h, h], Some(h), Some(h), device)),
                b: drawn1(biases.init_with([h], Some(h), Some(h), device)),
            })
            .collect();
        let w2 = drawn2(weights.init_with([h, 1], Some(h), Some(1), device));
        let b2 = drawn1(biases.init_with([1], Some(h), Some(1), device));
        Mlp {
            w1,
            b1,
            inner,
            w2,
            b2,
            activation: self.activation,
            baseline: self.baseline,
            correction: self.correction,
        }
    }

    /// A network with the given weights (their lengths checked against this config).
    pub fn from_parameters(&self, p: &Parameters, device: &Device) -> Result<Mlp, ModelError> {
        let (n, h) = (self.inputs, self.hidden);
        p.check(n, h, self.layers())?;
        Ok(Mlp {
            w1: Param::from_data(TensorData::new(p.w1.clone(), [n, h]), device),
            b1: Param::from_data(TensorData::new(p.b1.clone(), [h]), device),
            inner: p
                .inner
                .iter()
                .map(|l| Dense {
                    w: Param::from_data(TensorData::new(l.w.clone(), [h, h]), device),
                    b: Param::from_data(TensorData::new(l.b.clone(), [h]), device),
                })
                .collect(),
            w2: Param::from_data(TensorData::new(p.w2.clone(), [h, 1]), device),
            b2: Param::from_data(TensorData::new(vec![p.b2], [1]), device),
            activation: self.activation,
            baseline: self.baseline,
            correction: self.correction,
        })
    }
}

/// The intermediate values of a forward pass, kept for back-propagation.
#[derive(Debug, Clone)]
pub struct Forward {
    /// The first hidden layer's pre-activations: `[B, hidden]`.
    pub z1: Tensor<2>,
    /// The first hidden layer's activations: `[B, hidden]` (manual back-propagation, which is
    /// for one hidden layer, reads these two).
    pub a1: Tensor<2>,
    /// Outputs: `[B, 1]` (the network's plus the inputs' offset, if any).
    pub y: Tensor<2>,
}

impl Mlp {
    /// The outputs for inputs `x` `[B, inputs]` (plus their offset): `[B, 1]`.
    pub fn forward(&self, inputs: impl Into<Inputs>) -> Tensor<2> {
        self.forward_all(inputs).y
    }

    /// The forward pass with its intermediate values. A physics-residual network adds the
    /// inputs' offset (its baseline's values) to its output, scaled by their gate when they carry
    /// one: y = (a1 W2 + b2) ⊙ gate + offset.
    pub fn forward_all(&self, inputs: impl Into<Inputs>) -> Forward {
        let Inputs { x, offset, gate } = inputs.into();
        let z1 = x.matmul(self.w1.val()) + self.b1.val().unsqueeze::<2>(); // [B, H]
        let a1 = activate(self.activation, z1.clone()); // [B, H]
        let mut a = a1.clone();
        for layer in &self.inner {
            let z = a.matmul(layer.w.val()) + layer.b.val().unsqueeze::<2>(); // [B, H]
            a = activate(self.activation, z);
        }
        let y = a.matmul(self.w2.val()) + self.b2.val().unsqueeze::<2>(); // [B, 1]
        let y = match gate {
            Some(gate) => y * gate, // [B, 1]
            None => y,
        };
        let y = match offset {
            Some(offset) => y + offset, // [B, 1]
            None => y,
        };
        Forward { z1, a1, y }
    }

    /// The training loss for targets `t` `[B, 1]`: ½ mean((y − t)²), shape `[1]`.
    pub fn loss(&self, inputs: impl Into<Inputs>, t: Tensor<2>) -> Tensor<1> {
        let err = self.forward(inputs) - t; // [B, 1]
        (err.clone() * err).mean().mul_scalar(0.5)
    }

    /// The weights as plain numbers.
    pub fn parameters(&self) -> Result<Parameters, ModelError> {
        let b2 = read_values("b2", self.b2.val())?;
        let inner = self
            .inner
            .iter()
            .map(|l| {
                Ok(Layer {
                    w: read_values("inner w", l.w.val())?,
                    b: read_values("inner b", l.b.val())?,
                })
            })
            .collect::<Result<_, ModelError>>()?;
        Ok(Parameters {
            w1: read_values("w1", self.w1.val())?,
            b1: read_values("b1", self.b1.val())?,
            inner,
            w2: read_values("w2", self.w2.val())?,
            b2: b2.first().copied().ok_or(ModelError::Read {
                what: "b2",
                message: "no value".into(),
            })?,
        })
    }

    /// Saves the weights as a Burn record (`<stem>.bpk`) and `config` as JSON (`<stem>.json`),
    /// so that [`Mlp::load`] rebuilds the same network.
    pub fn save(&self, config: &MlpConfig, stem: &Path) -> Result<(), ModelError> {
        let file_err = |path: &Path, e: &dyn std::fmt::Display| ModelError::File {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let (json, record) = self.encode(config)?;
        let json_path = stem.with_extension("json");
        std::fs::write(&json_path, json).map_err(|e| file_err(&json_path, &e))?;
        let record_path = stem.with_extension("bpk");
        std::fs::write(&record_path, record).map_err(|e| file_err(&record_path, &e))
    }

    /// The two files [`Mlp::save`] writes, as their bytes: `model.json` (the config, ending
    /// with a newline) and `model.bpk` (Burn's burnpack record), for a caller that writes them
    /// its own way (atomically, into a run folder).
    pub fn encode(&self, config: &MlpConfig) -> Result<(String, Vec<u8>), ModelError> {
        let mut json = burn::config::config_to_json(config);
        json.push('\n');
        let record = self
            .clone()
            .into_record()
            .into_bytes()
            .map_err(|e| ModelError::Read {
                what: "the network's record",
                message: e.to_string(),
            })?;
        Ok((json, record.to_vec()))
    }

    /// Loads a network saved by [`Mlp::save`] onto `device`.
    pub fn load(stem: &Path, device: &Device) -> Result<(Mlp, MlpConfig), ModelError> {
        let file_err = |path: &Path, e: &dyn std::fmt::Display| ModelError::File {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let json = stem.with_extension("json");
        let config = MlpConfig::load(&json).map_err(|e| file_err(&json, &e))?;
        let record = stem.with_extension("bpk");
        let model = config
            .init(device)
            .try_load_file(&record)
            .map_err(|e| file_err(&record, &e))?;
        Ok((model, config))
    }
}

/// A tensor's values as f64 (converted from the backend's precision).
pub fn read_values<const D: usize>(
    what: &'static str,
    tensor: Tensor<D>,
) -> Result<Vec<f64>, ModelError> {
    tensor
        .into_data()
        .convert::<f64>()
        .try_into_vec::<f64>()
        .map_err(|e| ModelError::Read {
            what,
            message: format!("{e:?}"),
        })
}
