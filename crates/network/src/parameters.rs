//! The network's weights as plain numbers.

use serde::{Deserialize, Serialize};

use crate::features::FEATURES;

/// The weights of a 7 → hidden → 1 network, in the Burn module's layout.
///
/// Every engine converts to and from this one type: the Burn module (`Mlp::parameters`,
/// `MlpConfig::from_parameters`), the fused engine (`Weights::new`, `Weights::parameters`) and
/// checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    /// Input-to-hidden weights `[inputs, hidden]`, row-major: `w1[i * hidden + j]`.
    pub w1: Vec<f64>,
    /// Hidden biases `[hidden]`.
    pub b1: Vec<f64>,
    /// Hidden-to-output weights `[hidden]`.
    pub w2: Vec<f64>,
    /// The output bias.
    pub b2: f64,
}

/// Weights whose lengths do not describe a 7 → hidden → 1 network.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} needs {expected} values, found {found}")]
pub struct ShapeError {
    /// The parameter.
    pub name: &'static str,
    /// Values needed.
    pub expected: usize,
    /// Values given.
    pub found: usize,
}

impl Parameters {
    /// Hidden units (the length of b1).
    pub fn hidden(&self) -> usize {
        self.b1.len()
    }

    /// Checks that the lengths describe a network of `hidden` units.
    pub fn check(&self, hidden: usize) -> Result<(), ShapeError> {
        for (name, found, expected) in [
            ("w1", self.w1.len(), FEATURES * hidden),
            ("b1", self.b1.len(), hidden),
            ("w2", self.w2.len(), hidden),
        ] {
            if found != expected {
                return Err(ShapeError {
                    name,
                    expected,
                    found,
                });
            }
        }
        Ok(())
    }

    /// Folds a target transform into the output layer, so that a network trained on
    /// (t − shift) / stretch predicts t: W2 ← stretch · W2, b2 ← stretch · b2 + shift.
    pub fn fold_targets(&mut self, shift: f64, stretch: f64) {
        if (shift, stretch) != (0.0, 1.0) {
            self.w2.iter_mut().for_each(|w| *w *= stretch);
            self.b2 = self.b2 * stretch + shift;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked_and_targets_fold_into_the_output_layer() {
        let mut p = Parameters {
            w1: vec![0.0; 14],
            b1: vec![0.0; 2],
            w2: vec![1.0, -2.0],
            b2: 0.5,
        };
        assert_eq!(p.check(2), Ok(()));
        assert_eq!(
            p.check(3),
            Err(ShapeError {
                name: "w1",
                expected: 21,
                found: 14
            })
        );
        p.fold_targets(1.0, 3.0);
        assert_eq!(p.w2, [3.0, -6.0]);
        assert_eq!(p.b2, 2.5);
    }
}
