//! The network's weights as plain numbers.

use serde::{Deserialize, Serialize};

/// The weights of an inputs → hidden (→ hidden ...) → 1 network, in the Burn module's layout.
///
/// Every engine converts to and from this one type: the Burn module (`Mlp::parameters`,
/// `MlpConfig::from_parameters`), the fused engines (`Weights::new`, `Weights::parameters`,
/// `Deep`) and checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    /// Input-to-hidden weights `[inputs, hidden]`, row-major: `w1[i * hidden + j]`.
    pub w1: Vec<f64>,
    /// Hidden biases `[hidden]`.
    pub b1: Vec<f64>,
    /// The hidden layers after the first, in order (none for the tutorial's one hidden layer;
    /// absent from the checkpoints of such networks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inner: Vec<Layer>,
    /// Last-hidden-to-output weights `[hidden]`.
    pub w2: Vec<f64>,
    /// The output bias.
    pub b2: f64,
}

/// One hidden-to-hidden layer: a = act(a_prev W + b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    /// Weights `[hidden, hidden]`, row-major: `w[i * hidden + j]` from unit i to unit j.
    pub w: Vec<f64>,
    /// Biases `[hidden]`.
    pub b: Vec<f64>,
}

/// Weights whose lengths do not describe the network expected.
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

    /// Hidden layers (1 + the inner ones).
    pub fn layers(&self) -> usize {
        1 + self.inner.len()
    }

    /// Inputs (the rows of W1).
    pub fn inputs(&self) -> usize {
        self.w1.len().checked_div(self.hidden()).unwrap_or(0)
    }

    /// Checks that the lengths describe a network of `inputs` inputs and `layers` hidden
    /// layers of `hidden` units each.
    pub fn check(&self, inputs: usize, hidden: usize, layers: usize) -> Result<(), ShapeError> {
        let shapes = [
            ("w1", self.w1.len(), inputs * hidden),
            ("b1", self.b1.len(), hidden),
            ("hidden layers", self.layers(), layers),
            ("w2", self.w2.len(), hidden),
        ];
        let inner = self.inner.iter().flat_map(|l| {
            [
                ("inner w", l.w.len(), hidden * hidden),
                ("inner b", l.b.len(), hidden),
            ]
        });
        for (name, found, expected) in shapes.into_iter().chain(inner) {
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
            inner: Vec::new(),
            w2: vec![1.0, -2.0],
            b2: 0.5,
        };
        assert_eq!(p.check(7, 2, 1), Ok(()));
        assert_eq!(p.inputs(), 7);
        assert_eq!(
            p.check(7, 2, 2),
            Err(ShapeError {
                name: "hidden layers",
                expected: 2,
                found: 1
            })
        );
        let mut deep = p.clone();
        deep.inner.push(Layer {
            w: vec![0.0; 4],
            b: vec![0.0; 3],
        });
        assert_eq!(
            deep.check(7, 2, 2),
            Err(ShapeError {
                name: "inner b",
                expected: 2,
                found: 3
            })
        );
        assert_eq!(
            p.check(7, 3, 1),
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
