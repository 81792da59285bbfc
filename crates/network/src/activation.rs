//! The hidden layer's activation and the order of a manual update.

use serde::{Deserialize, Serialize};

/// The hidden layer's nonlinearity (`model.activation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// σ(z) = 1 / (1 + e^{−z}), σ' = σ (1 − σ). The tutorial's.
    // The aliases read the capitalised names that model.json files of zoepnet 0.1 hold.
    #[default]
    #[serde(alias = "Sigmoid")]
    Sigmoid,
    /// tanh z, tanh' = 1 − tanh².
    #[serde(alias = "Tanh")]
    Tanh,
    /// max(0, z), derivative 1 where z > 0, else 0.
    #[serde(alias = "Relu")]
    Relu,
}

impl Activation {
    /// Every activation, in the order configs list them.
    pub const ALL: [Activation; 3] = [Activation::Sigmoid, Activation::Tanh, Activation::Relu];

    /// The activation of one number (for plain-f64 reference code).
    pub fn scalar(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
        }
    }

    /// The derivative, from a = act(z) (for ReLU: 1 where a > 0, which is where z > 0).
    pub fn slope_from_output(self, a: f64) -> f64 {
        match self {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => f64::from(u8::from(a > 0.0)),
        }
    }

    /// The name in configs: `sigmoid`, `tanh` or `relu`.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }
}

impl std::fmt::Display for Activation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The order of a hand-written SGD step's updates (`train.update_order`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateOrder {
    /// The 2018 notebook's order: update W2 and b2, then compute the hidden error with the new
    /// W2 and update W1 and b1. It differs from the true gradient by O(learning rate).
    #[default]
    Tutorial,
    /// Every gradient from the weights before the step, then every update: true gradient
    /// descent.
    Exact,
}

/// The number type of a deep network's matrix products in training (`train.products`): the
/// weights, the optimizer's moments and the validation error stay f64 either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Products {
    /// Products in f64, as every other engine.
    #[default]
    F64,
    /// Products in f32 (the weights rounded to f32 for each batch's gradient, the gradient
    /// summed back in f64): about 1.6 times as fast a step on this machine's two cores.
    F32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_old_model_files_still_load() {
        for a in Activation::ALL {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{a}\""));
            assert_eq!(serde_json::from_str::<Activation>(&json).unwrap(), a);
        }
        let old: Activation = serde_json::from_str("\"Tanh\"").unwrap();
        assert_eq!(old, Activation::Tanh);
        assert_eq!(
            serde_json::from_str::<UpdateOrder>("\"exact\"").unwrap(),
            UpdateOrder::Exact
        );
        assert_eq!(UpdateOrder::default(), UpdateOrder::Tutorial);
    }

    #[test]
    fn slopes_agree_with_finite_differences() {
        for a in Activation::ALL {
            for z in [-2.0, -0.3, 0.4, 1.7] {
                let h = 1e-6;
                let numeric = (a.scalar(z + h) - a.scalar(z - h)) / (2.0 * h);
                let slope = a.slope_from_output(a.scalar(z));
                assert!(
                    (numeric - slope).abs() < 1e-8,
                    "{a} at {z}: {numeric} vs {slope}"
                );
            }
        }
    }
}
