//! The fused CPU path: the network and its per-sample SGD on plain f64 slices, no tensors.
//!
//! At the tutorial's size (7-300-1, one sample per step) a tensor framework spends its time on
//! per-operation overhead, not arithmetic. These loops do the same arithmetic as
//! [`zoepnet_model::Mlp`]'s manual back-propagation (tested to agree with it) with the weights in
//! one place: W1 is stored `[inputs, hidden]` row-major, as in the module.

use zoepnet_model::{Activation, UpdateOrder};

/// The network's weights as plain numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Hidden activation.
    pub activation: Activation,
    /// `[inputs, hidden]`, row-major: `w1[i * hidden + j]`.
    pub w1: Vec<f64>,
    /// `[hidden]`.
    pub b1: Vec<f64>,
    /// `[hidden]`.
    pub w2: Vec<f64>,
    /// Output bias.
    pub b2: f64,
}

/// Scratch space for one sample's hidden layer.
#[derive(Debug, Clone)]
pub struct Scratch {
    a1: Vec<f64>,
    delta: Vec<f64>,
}

impl Weights {
    /// Hidden units.
    pub fn hidden(&self) -> usize {
        self.b1.len()
    }

    /// Scratch space sized for this network.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            a1: vec![0.0; self.hidden()],
            delta: vec![0.0; self.hidden()],
        }
    }

    /// The output for one scaled input; fills `scratch` with the hidden activations.
    pub fn forward(&self, x: &[f64], scratch: &mut Scratch) -> f64 {
        let h = self.hidden();
        let a1 = &mut scratch.a1;
        a1.copy_from_slice(&self.b1);
        for (i, &xi) in x.iter().enumerate() {
            let row = &self.w1[i * h..(i + 1) * h];
            for (z, w) in a1.iter_mut().zip(row) {
                *z += xi * w;
            }
        }
        match self.activation {
            Activation::Sigmoid => a1.iter_mut().for_each(|z| *z = 1.0 / (1.0 + (-*z).exp())),
            Activation::Tanh => a1.iter_mut().for_each(|z| *z = z.tanh()),
            Activation::Relu => a1.iter_mut().for_each(|z| *z = z.max(0.0)),
        }
        self.b2 + a1.iter().zip(&self.w2).map(|(a, w)| a * w).sum::<f64>()
    }

    /// One SGD step on one sample for the loss ½ (y − t)²; returns (y − t)² before the step.
    pub fn step(
        &mut self,
        x: &[f64],
        t: f64,
        lr: f64,
        order: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64 {
        let y = self.forward(x, scratch);
        let err = y - t;
        let h = self.hidden();
        let Scratch { a1, delta } = scratch;
        // act'(z) from a = act(z).
        let slope = |a: f64| match self.activation {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => f64::from(u8::from(a > 0.0)),
        };
        match order {
            UpdateOrder::Exact => {
                for j in 0..h {
                    delta[j] = err * self.w2[j] * slope(a1[j]);
                    self.w2[j] -= lr * err * a1[j];
                }
            }
            UpdateOrder::Tutorial => {
                for j in 0..h {
                    self.w2[j] -= lr * err * a1[j];
                    delta[j] = err * slope(a1[j]) * self.w2[j];
                }
            }
        }
        self.b2 -= lr * err;
        for (b, d) in self.b1.iter_mut().zip(delta.iter()) {
            *b -= lr * d;
        }
        for (i, &xi) in x.iter().enumerate() {
            let row = &mut self.w1[i * h..(i + 1) * h];
            for (w, d) in row.iter_mut().zip(delta.iter()) {
                *w -= lr * d * xi;
            }
        }
        err * err
    }

    /// The mean squared error over scaled inputs `xs` and targets `ts`.
    pub fn mse(&self, xs: &[[f64; 7]], ts: &[f64], scratch: &mut Scratch) -> f64 {
        let total: f64 = xs
            .iter()
            .zip(ts)
            .map(|(x, t)| (self.forward(x, scratch) - t).powi(2))
            .sum();
        total / ts.len().max(1) as f64
    }
}
