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

    /// The network whose output is the mean of `members`' outputs (an ensemble), all of one
    /// shape: their hidden units side by side in each layer (W1's columns and the biases one
    /// member after another; each inner W block-diagonal, zero between members), the output
    /// weights each divided by the number of members and the output bias their mean. Empty
    /// for no members.
    pub fn side_by_side(members: &[Parameters]) -> Parameters {
        let Some(first) = members.first() else {
            return Parameters {
                w1: Vec::new(),
                b1: Vec::new(),
                inner: Vec::new(),
                w2: Vec::new(),
                b2: 0.0,
            };
        };
        let (n, h, wide) = (
            members.len(),
            first.hidden(),
            first.hidden() * members.len(),
        );
        assert!(
            members
                .iter()
                .all(|m| m.check(first.inputs(), h, first.layers()).is_ok()),
            "members of one shape"
        );
        let w1 = (0..first.inputs())
            .flat_map(|i| members.iter().flat_map(move |m| &m.w1[i * h..(i + 1) * h]))
            .copied()
            .collect();
        let inner = (0..first.inner.len())
            .map(|l| {
                let mut w = vec![0.0; wide * wide];
                for (k, m) in members.iter().enumerate() {
                    for i in 0..h {
                        let row = (k * h + i) * wide + k * h;
                        w[row..row + h].copy_from_slice(&m.inner[l].w[i * h..(i + 1) * h]);
                    }
                }
                let b = members
                    .iter()
                    .flat_map(|m| &m.inner[l].b)
                    .copied()
                    .collect();
                Layer { w, b }
            })
            .collect();
        let scale = 1.0 / n as f64;
        Parameters {
            w1,
            b1: members.iter().flat_map(|m| &m.b1).copied().collect(),
            inner,
            w2: members
                .iter()
                .flat_map(|m| &m.w2)
                .map(|w| w * scale)
                .collect(),
            b2: members.iter().map(|m| m.b2).sum::<f64>() * scale,
        }
    }

    /// The `n` members of a network written by [`Parameters::side_by_side`], each with the
    /// output bias of the whole (the mean of theirs, which their own do not follow from) and
    /// its output weights times `n` (back to its own to within rounding). `n` must divide the
    /// hidden width.
    pub fn members(&self, n: usize) -> Vec<Parameters> {
        let wide = self.hidden();
        assert!(
            n > 0 && wide.is_multiple_of(n),
            "{n} members do not divide {wide} hidden units"
        );
        let h = wide / n;
        (0..n)
            .map(|k| {
                let cols = k * h..(k + 1) * h;
                Parameters {
                    w1: (0..self.inputs())
                        .flat_map(|i| &self.w1[i * wide + cols.start..i * wide + cols.end])
                        .copied()
                        .collect(),
                    b1: self.b1[cols.clone()].to_vec(),
                    inner: self
                        .inner
                        .iter()
                        .map(|l| Layer {
                            w: cols
                                .clone()
                                .flat_map(|i| &l.w[i * wide + cols.start..i * wide + cols.end])
                                .copied()
                                .collect(),
                            b: l.b[cols.clone()].to_vec(),
                        })
                        .collect(),
                    w2: self.w2[cols].iter().map(|w| w * n as f64).collect(),
                    b2: self.b2,
                }
            })
            .collect()
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

    fn member(k: f64) -> Parameters {
        let v = |n: usize, at: f64| (0..n).map(|i| k * 10.0 + at + i as f64).collect::<Vec<_>>();
        Parameters {
            w1: v(6, 0.1),
            b1: v(2, 0.2),
            inner: vec![Layer {
                w: v(4, 0.3),
                b: v(2, 0.4),
            }],
            w2: v(2, 0.5),
            b2: k,
        }
    }

    #[test]
    fn members_side_by_side_are_block_diagonal_and_split_back() {
        let (a, b) = (member(1.0), member(2.0));
        let both = Parameters::side_by_side(&[a.clone(), b.clone()]);
        assert_eq!(both.check(3, 4, 2), Ok(()));
        // W1 row 1: a's two columns, then b's.
        assert_eq!(both.w1[4..8], [12.1, 13.1, 22.1, 23.1]);
        // The inner W: a's block top left, b's bottom right, zero elsewhere.
        assert_eq!(
            both.inner[0].w,
            [
                10.3, 11.3, 0.0, 0.0, 12.3, 13.3, 0.0, 0.0, 0.0, 0.0, 20.3, 21.3, 0.0, 0.0, 22.3,
                23.3
            ]
        );
        assert_eq!(both.w2, [5.25, 5.75, 10.25, 10.75]);
        assert_eq!(both.b2, 1.5);
        let split = both.members(2);
        assert_eq!(split[0], Parameters { b2: 1.5, ..a });
        assert_eq!(split[1], Parameters { b2: 1.5, ..b });
        assert_eq!(Parameters::side_by_side(&[member(3.0)]), member(3.0));
    }
}
