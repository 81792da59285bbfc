//! The multilayer perceptron and its config.

use std::path::Path;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::Initializer;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

/// The hidden layer's nonlinearity.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Activation {
    /// σ(z) = 1 / (1 + e^{−z}), σ' = σ (1 − σ). The tutorial's.
    Sigmoid,
    /// tanh z, tanh' = 1 − tanh².
    Tanh,
    /// max(0, z), derivative 1 where z > 0, else 0.
    Relu,
}

impl Activation {
    /// Applies the activation.
    ///
    /// The sigmoid is written out as 1 / (1 + e^{−z}): Burn 0.22.1's `sigmoid` on the ndarray
    /// backend rounds its result to f32 even for f64 tensors (0.5744425058364868 for z = 0.3,
    /// where f64 gives 0.574442516811659), which would cap every f64 comparison at 1e-7.
    pub fn apply<const D: usize>(self, z: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Sigmoid => z.neg().exp().add_scalar(1.0).recip(),
            Activation::Tanh => z.tanh(),
            Activation::Relu => relu(z),
        }
    }

    /// The derivative at z, from z and a = act(z).
    pub fn derivative<const D: usize>(self, z: Tensor<D>, a: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Sigmoid => a.clone() * (a.ones_like() - a),
            Activation::Tanh => a.ones_like() - a.clone() * a,
            Activation::Relu => z.greater_elem(0.0).float(),
        }
    }

    /// The activation of one number (for plain-f64 reference code).
    pub fn scalar(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
        }
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
    /// Input features (7: vp1, vs1, rho1, vp2, vs2, rho2, theta).
    #[config(default = 7)]
    pub inputs: usize,
    /// Hidden units.
    #[config(default = 300)]
    pub hidden: usize,
    /// Hidden activation.
    #[config(default = "Activation::Sigmoid")]
    pub activation: Activation,
    /// Initial weights.
    #[config(default = "Init::Normal { std: 0.1 }")]
    pub init: Init,
}

/// Why a model could not be built, saved or loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Weight values of the wrong length.
    #[error("{name} needs {expected} values, found {found}")]
    Shape {
        /// The parameter.
        name: &'static str,
        /// Values needed.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// The record or config file could not be written or read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// The network: one hidden layer, a linear output.
#[derive(Module, Debug)]
pub struct Mlp {
    /// Input-to-hidden weights: `[inputs, hidden]` (x W1, Burn's `Linear` layout).
    pub w1: Param<Tensor<2>>,
    /// Hidden biases: `[hidden]`.
    pub b1: Param<Tensor<1>>,
    /// Hidden-to-output weights: `[hidden, 1]`.
    pub w2: Param<Tensor<2>>,
    /// Output bias: `[1]`.
    pub b2: Param<Tensor<1>>,
    /// Hidden activation.
    #[module(skip)]
    pub activation: Activation,
}

impl MlpConfig {
    /// A network with weights from the configured initialiser (Burn's generator on `device`:
    /// seed it with `device.seed(..)` for a repeatable start).
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
        Mlp {
            w1: weights.init_with([n, h], Some(n), Some(h), device),
            b1: biases.init_with([h], Some(n), Some(h), device),
            w2: weights.init_with([h, 1], Some(h), Some(1), device),
            b2: biases.init_with([1], Some(h), Some(1), device),
            activation: self.activation,
        }
    }

    /// A network with the given weights: `w1` row-major `[inputs, hidden]`, `b1` `[hidden]`, `w2`
    /// `[hidden]`, `b2` `[1]`.
    pub fn from_values(
        &self,
        w1: Vec<f64>,
        b1: Vec<f64>,
        w2: Vec<f64>,
        b2: f64,
        device: &Device,
    ) -> Result<Mlp, ModelError> {
        let (n, h) = (self.inputs, self.hidden);
        for (name, len, expected) in [
            ("w1", w1.len(), n * h),
            ("b1", b1.len(), h),
            ("w2", w2.len(), h),
        ] {
            if len != expected {
                return Err(ModelError::Shape {
                    name,
                    expected,
                    found: len,
                });
            }
        }
        Ok(Mlp {
            w1: Param::from_data(TensorData::new(w1, [n, h]), device),
            b1: Param::from_data(TensorData::new(b1, [h]), device),
            w2: Param::from_data(TensorData::new(w2, [h, 1]), device),
            b2: Param::from_data(TensorData::new(vec![b2], [1]), device),
            activation: self.activation,
        })
    }
}

/// The intermediate values of a forward pass, kept for back-propagation.
#[derive(Debug, Clone)]
pub struct Forward {
    /// Pre-activations: `[B, hidden]`.
    pub z1: Tensor<2>,
    /// Activations: `[B, hidden]`.
    pub a1: Tensor<2>,
    /// Outputs: `[B, 1]`.
    pub y: Tensor<2>,
}

impl Mlp {
    /// The outputs for inputs `x` `[B, inputs]`: `[B, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward_all(x).y
    }

    /// The forward pass with its intermediate values.
    pub fn forward_all(&self, x: Tensor<2>) -> Forward {
        let z1 = x.matmul(self.w1.val()) + self.b1.val().unsqueeze::<2>(); // [B, H]
        let a1 = self.activation.apply(z1.clone()); // [B, H]
        let y = a1.clone().matmul(self.w2.val()) + self.b2.val().unsqueeze::<2>(); // [B, 1]
        Forward { z1, a1, y }
    }

    /// The training loss for targets `t` `[B, 1]`: ½ mean((y − t)²), shape `[1]`.
    pub fn loss(&self, x: Tensor<2>, t: Tensor<2>) -> Tensor<1> {
        let err = self.forward(x) - t; // [B, 1]
        (err.clone() * err).mean().mul_scalar(0.5)
    }

    /// The parameters as plain numbers: (w1 `[inputs, hidden]` row-major, b1, w2, b2).
    pub fn values(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
        let v = |data: TensorData| {
            data.convert::<f64>()
                .try_into_vec::<f64>()
                .unwrap_or_default()
        };
        let b2 = v(self.b2.val().into_data());
        (
            v(self.w1.val().into_data()),
            v(self.b1.val().into_data()),
            v(self.w2.val().into_data()),
            b2.first().copied().unwrap_or(0.0),
        )
    }

    /// Saves the weights as a Burn record (`<stem>.bpk`) and `config` as JSON (`<stem>.json`),
    /// so that [`Mlp::load`] rebuilds the same network.
    pub fn save(&self, config: &MlpConfig, stem: &Path) -> Result<(), ModelError> {
        let file_err = |path: &Path, e: &dyn std::fmt::Display| ModelError::File {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let json = stem.with_extension("json");
        config.save(&json).map_err(|e| file_err(&json, &e))?;
        let record = stem.with_extension("bpk");
        self.clone()
            .save_file(&record)
            .map_err(|e| file_err(&record, &e))
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
