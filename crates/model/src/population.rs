//! P networks of one shape as one Burn module: a population dimension.
//!
//! One 7-H-1 network is a few microseconds of arithmetic per step, so every tensor backend is
//! bound by per-operation overhead; P of them in the same tensors do P times the arithmetic for
//! the same number of operations. Network p's weights are slice p of each tensor, and its loss
//! depends on its slice only, so the population's loss, the sum of the P networks' losses, has
//! as its gradient for slice p network p's own gradient: the manual back-propagation below and
//! Burn's autodiff both give each network what it alone would get ([`Population::network`]
//! takes one out; tests and `zoepnet gradcheck --population` check it).
//!
//! Shapes, with B samples, H hidden units, `inputs` features (7):
//!
//! ```text
//! x   [P, B, inputs]      t   [P, B]
//! W1  [P, H, inputs]      b1  [P, H]      W2  [P, H]      b2  [P]
//! z1  = x W1ᵀ + b1                       [P, B, H]
//! a1  = act(z1)                          [P, B, H]
//! y   = Σ_h a1 ⊙ W2 + b2                 [P, B]
//! L   = Σ_p ½ mean_b (y − t)²            [1]
//! dy  = (y − t) / B                      [P, B]
//! dW2 = Σ_b a1 ⊙ dy                      [P, H]
//! db2 = Σ_b dy                           [P]
//! dz1 = dy ⊙ W2 ⊙ act'(z1)               [P, B, H]
//! dW1 = dz1ᵀ x                           [P, H, inputs]
//! db1 = Σ_b dz1                          [P, H]
//! ```
//!
//! W1 is stored as PyTorch stores a `Linear` weight (unit j's input weights in row j), so
//! one network's slice reads as `fc1.weight`. Plain networks only: no baseline, no gate.

use burn::module::{Module, Param};
use burn::tensor::Tensor;

use crate::mlp::{Activation, Baseline, Correction, Mlp, ModelError, activate, activation_slope};

/// P networks of one shape and activation, trained side by side.
#[derive(Module, Debug)]
pub struct Population {
    /// Input-to-hidden weights: `[P, H, inputs]`.
    pub w1: Param<Tensor<3>>,
    /// Hidden biases: `[P, H]`.
    pub b1: Param<Tensor<2>>,
    /// Hidden-to-output weights: `[P, H]`.
    pub w2: Param<Tensor<2>>,
    /// Output biases: `[P]`.
    pub b2: Param<Tensor<1>>,
    /// Hidden activation, the same for every network.
    #[module(skip)]
    pub activation: Activation,
}

/// The intermediate values of a population's forward pass.
#[derive(Debug, Clone)]
pub struct PopulationForward {
    /// Pre-activations: `[P, B, H]`.
    pub z1: Tensor<3>,
    /// Activations: `[P, B, H]`.
    pub a1: Tensor<3>,
    /// Outputs: `[P, B]`.
    pub y: Tensor<2>,
}

/// The gradient of the population's loss with respect to each parameter, shaped like it.
#[derive(Debug, Clone)]
pub struct PopulationGradients {
    /// dL/dW1: `[P, H, inputs]`.
    pub w1: Tensor<3>,
    /// dL/db1: `[P, H]`.
    pub b1: Tensor<2>,
    /// dL/dW2: `[P, H]`.
    pub w2: Tensor<2>,
    /// dL/db2: `[P]`.
    pub b2: Tensor<1>,
}

impl Population {
    /// The networks stacked, in order, on the first one's device.
    ///
    /// # Errors
    /// [`ModelError::Population`] for no network, networks of different shapes or
    /// activations, or a physics-residual network (a baseline or a contrast gate).
    pub fn stack(networks: &[Mlp]) -> Result<Self, ModelError> {
        let first = networks.first().ok_or_else(|| bad("no network to stack"))?;
        let shape = first.w1.dims();
        for (p, net) in networks.iter().enumerate() {
            if net.w1.dims() != shape {
                return Err(bad(format!(
                    "network {p} has W1 {:?}, network 0 {shape:?}",
                    net.w1.dims()
                )));
            }
            if !net.inner.is_empty() {
                return Err(bad(format!(
                    "network {p} has {} hidden layers; a population holds networks of one",
                    1 + net.inner.len()
                )));
            }
            if net.activation != first.activation {
                return Err(bad(format!(
                    "network {p}'s activation differs from network 0's"
                )));
            }
            if net.baseline != Baseline::None || net.correction != Correction::Additive {
                return Err(bad(format!(
                    "network {p} is a physics-residual network; a population holds plain ones"
                )));
            }
        }
        let cat3 = |f: &dyn Fn(&Mlp) -> Tensor<3>| Tensor::cat(networks.iter().map(f).collect(), 0);
        let cat2 = |f: &dyn Fn(&Mlp) -> Tensor<2>| Tensor::cat(networks.iter().map(f).collect(), 0);
        Ok(Self {
            // [inputs, H] -> [H, inputs] -> [1, H, inputs]
            w1: Param::from_tensor(cat3(&|n| n.w1.val().transpose().unsqueeze_dim(0))),
            // [H] -> [1, H]
            b1: Param::from_tensor(cat2(&|n| n.b1.val().unsqueeze_dim(0))),
            // [H, 1] -> [1, H]
            w2: Param::from_tensor(cat2(&|n| n.w2.val().transpose())),
            b2: Param::from_tensor(Tensor::cat(
                networks.iter().map(|n| n.b2.val()).collect(),
                0,
            )),
            activation: first.activation,
        })
    }

    /// Networks in the population.
    pub fn len(&self) -> usize {
        self.b2.dims()[0]
    }

    /// Whether it holds no network (never, once stacked).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Network `p` on its own, as an [`Mlp`] (its weights copied out).
    pub fn network(&self, p: usize) -> Mlp {
        let [_, h, n] = self.w1.dims();
        Mlp {
            w1: Param::from_tensor(
                self.w1.val().narrow(0, p, 1).reshape([h, n]).transpose(), // [inputs, H]
            ),
            b1: Param::from_tensor(self.b1.val().narrow(0, p, 1).reshape([h])),
            inner: Vec::new(),
            w2: Param::from_tensor(self.w2.val().narrow(0, p, 1).reshape([h, 1])),
            b2: Param::from_tensor(self.b2.val().narrow(0, p, 1)),
            activation: self.activation,
            baseline: Baseline::None,
            correction: Correction::Additive,
        }
    }

    /// The forward pass of every network on its own inputs `x` `[P, B, inputs]`.
    pub fn forward_all(&self, x: Tensor<3>) -> PopulationForward {
        let z1 = x.matmul(self.w1.val().swap_dims(1, 2)) // [P, B, inputs] x [P, inputs, H]
            + self.b1.val().unsqueeze_dim::<3>(1); // [P, B, H]
        let a1 = activate(self.activation, z1.clone()); // [P, B, H]
        let y = (a1.clone() * self.w2.val().unsqueeze_dim::<3>(1)) // [P, B, H]
            .sum_dim(2)
            .squeeze_dim::<2>(2) // [P, B]
            + self.b2.val().unsqueeze_dim::<2>(1); // [P, B]
        PopulationForward { z1, a1, y }
    }

    /// The outputs: `[P, B]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        self.forward_all(x).y
    }

    /// The population's loss for targets `t` `[P, B]`: Σ_p ½ mean_b (y − t)², shape `[1]`.
    pub fn loss(&self, x: Tensor<3>, t: Tensor<2>) -> Tensor<1> {
        let batch = t.dims()[1] as f64;
        let err = self.forward(x) - t; // [P, B]
        (err.clone() * err).sum().mul_scalar(0.5 / batch)
    }

    /// Each network's loss, ½ mean_b (y − t)²: `[P]`.
    pub fn losses(&self, x: Tensor<3>, t: Tensor<2>) -> Tensor<1> {
        let err = self.forward(x) - t; // [P, B]
        (err.clone() * err)
            .mean_dim(1)
            .squeeze_dim::<1>(1)
            .mul_scalar(0.5)
    }

    /// The output layer's part of back-propagation (module docs), shared by the gradients and
    /// the SGD step.
    fn output_layer(&self, x: Tensor<3>, t: Tensor<2>) -> OutputLayer {
        let batch = t.dims()[1] as f64;
        let forward = self.forward_all(x);
        let err = forward.y.clone() - t; // [P, B]
        let dy = err.clone().div_scalar(batch).unsqueeze_dim::<3>(2); // [P, B, 1]
        let w2 = (forward.a1.clone() * dy.clone())
            .sum_dim(1)
            .squeeze_dim::<2>(1); // [P, H]
        let b2 = dy.clone().sum_dim(1).reshape([self.len()]); // [P]
        OutputLayer {
            forward,
            err,
            dy,
            w2,
            b2,
        }
    }

    /// The hidden layer's gradients (W1 `[P, H, inputs]`, b1 `[P, H]`) from the output layer's
    /// dL/dy and the W2 `[P, H]` to propagate it through.
    fn hidden_layer(
        &self,
        x: Tensor<3>,
        forward: PopulationForward,
        dy: Tensor<3>,
        w2: Tensor<2>,
    ) -> (Tensor<3>, Tensor<2>) {
        let dz1 = dy * w2.unsqueeze_dim::<3>(1) // [P, B, H]
            * activation_slope(self.activation, forward.z1, forward.a1);
        let w1 = dz1.clone().swap_dims(1, 2).matmul(x); // [P, H, B] x [P, B, inputs]
        let b1 = dz1.sum_dim(1).squeeze_dim::<2>(1); // [P, H]
        (w1, b1)
    }

    /// The loss and its gradients, by hand (module docs).
    pub fn manual_gradients(&self, x: Tensor<3>, t: Tensor<2>) -> (Tensor<1>, PopulationGradients) {
        let batch = t.dims()[1] as f64;
        let out = self.output_layer(x.clone(), t);
        let loss = (out.err.clone() * out.err).sum().mul_scalar(0.5 / batch);
        let (w1, b1) = self.hidden_layer(x, out.forward, out.dy, self.w2.val());
        (
            loss,
            PopulationGradients {
                w1,
                b1,
                w2: out.w2,
                b2: out.b2,
            },
        )
    }

    /// One step of plain gradient descent for every network at once, each with its own
    /// learning rate, `lr` `[P]`. `lr_w2_first` `[P]` is a network's learning rate where it
    /// follows the tutorial's update order (W2 updated first, the hidden error propagated
    /// through the new W2, as [`Mlp::sgd_step`] with `UpdateOrder::Tutorial`) and 0 where it
    /// follows the exact order. Returns the population after the step and each network's loss
    /// before it, ½ mean_b (y − t)²: `[P]`.
    pub fn sgd_step(
        self,
        x: Tensor<3>,
        t: Tensor<2>,
        lr: &Tensor<1>,
        lr_w2_first: &Tensor<1>,
    ) -> (Self, Tensor<1>) {
        let (count, batch) = (self.len(), t.dims()[1] as f64);
        let out = self.output_layer(x.clone(), t);
        let losses = (out.err.clone() * out.err)
            .sum_dim(1)
            .reshape([count])
            .mul_scalar(0.5 / batch); // [P]
        let w2 = self.w2.val();
        // The W2 the hidden error goes through: updated for the tutorial's order, as it was
        // before the step for the exact order.
        let w2_hidden = w2.clone() - out.w2.clone() * lr_w2_first.clone().unsqueeze_dim::<2>(1);
        let (gw1, gb1) = self.hidden_layer(x, out.forward, out.dy, w2_hidden);
        let lr2 = lr.clone().unsqueeze_dim::<2>(1); // [P, 1]
        let lr3 = lr.clone().reshape([count, 1, 1]);
        let next = Self {
            w1: Param::from_tensor(self.w1.val() - gw1 * lr3),
            b1: Param::from_tensor(self.b1.val() - gb1 * lr2.clone()),
            w2: Param::from_tensor(w2 - out.w2 * lr2),
            b2: Param::from_tensor(self.b2.val() - out.b2 * lr.clone()),
            activation: self.activation,
        };
        (next, losses)
    }
}

/// The output layer's part of a population's back-propagation.
struct OutputLayer {
    /// The forward pass.
    forward: PopulationForward,
    /// y − t: `[P, B]`.
    err: Tensor<2>,
    /// dL/dy: `[P, B, 1]`.
    dy: Tensor<3>,
    /// dL/dW2: `[P, H]`.
    w2: Tensor<2>,
    /// dL/db2: `[P]`.
    b2: Tensor<1>,
}

fn bad(message: impl Into<String>) -> ModelError {
    ModelError::Population(message.into())
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, FloatDType, TensorData};

    use super::*;
    use crate::manual::UpdateOrder;
    use crate::mlp::{MlpConfig, read_values};

    fn device() -> Device {
        #[allow(deprecated)] // ndarray: the dev-dependency's backend
        let mut device = Device::ndarray();
        let _ = device.configure(FloatDType::F64);
        device
    }

    /// Three networks of 5 hidden units with different weights, and a batch of 4 per network.
    fn setup(activation: Activation) -> (Vec<Mlp>, Tensor<3>, Tensor<2>) {
        let device = device();
        let nets: Vec<Mlp> = (0..3)
            .map(|p| {
                device.seed(p);
                MlpConfig::new()
                    .with_hidden(5)
                    .with_activation(activation)
                    .init(&device)
            })
            .map(|n| {
                // Nonzero biases, so that every gradient is exercised.
                let b1 = n.b1.val().add_scalar(0.1);
                Mlp {
                    b1: Param::from_tensor(b1),
                    b2: Param::from_tensor(n.b2.val().add_scalar(-0.2)),
                    ..n
                }
            })
            .collect();
        let xs: Vec<f64> = (0..3 * 4 * 7)
            .map(|i| ((i * 37 % 23) as f64 - 11.0) / 7.0)
            .collect();
        let ts: Vec<f64> = (0..3 * 4)
            .map(|i| ((i * 5 % 7) as f64 - 3.0) / 10.0)
            .collect();
        let x = Tensor::<3>::from_data(TensorData::new(xs, [3, 4, 7]), &device);
        let t = Tensor::<2>::from_data(TensorData::new(ts, [3, 4]), &device);
        (nets, x, t)
    }

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f64> {
        read_values("test", t).expect("f64 values")
    }

    fn close(a: &[f64], b: &[f64], tol: f64, what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                (x - y).abs() <= tol * (1.0 + y.abs()),
                "{what}[{i}]: {x} vs {y}"
            );
        }
    }

    #[test]
    fn each_network_is_the_network_alone() {
        for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
            let (nets, x, t) = setup(activation);
            let population = Population::stack(&nets).expect("stacked");
            assert_eq!(population.len(), 3);
            let y = values(population.forward(x.clone()));
            let losses = values(population.losses(x.clone(), t.clone()));
            let (loss, grads) = population.manual_gradients(x.clone(), t.clone());
            let (gw1, gb1, gw2, gb2) = (
                values(grads.w1),
                values(grads.b1),
                values(grads.w2),
                values(grads.b2),
            );
            let mut total = 0.0;
            for (p, net) in nets.iter().enumerate() {
                // Slice p of the batch, as the network alone would get it.
                let xp = x.clone().narrow(0, p, 1).reshape([4, 7]);
                let tp = t.clone().narrow(0, p, 1).reshape([4, 1]);
                close(
                    &y[p * 4..p * 4 + 4],
                    &values(net.forward(xp.clone())),
                    1e-14,
                    "y",
                );
                let (lp, g) = net.manual_gradients(xp, tp);
                let lp = values(lp)[0];
                close(&losses[p..=p], &[lp], 1e-14, "loss");
                total += lp;
                // W1 is [P, H, inputs] here, [inputs, H] in the network.
                let w1: Vec<f64> = values(g.w1);
                for j in 0..5 {
                    for i in 0..7 {
                        let pop = gw1[p * 35 + j * 7 + i];
                        close(&[pop], &[w1[i * 5 + j]], 1e-14, "dW1");
                    }
                }
                close(&gb1[p * 5..p * 5 + 5], &values(g.b1), 1e-14, "db1");
                close(&gw2[p * 5..p * 5 + 5], &values(g.w2), 1e-14, "dW2");
                close(&gb2[p..=p], &values(g.b2), 1e-14, "db2");
                // Taking a network out gives it back.
                let back = population.network(p);
                close(
                    &values(back.w1.val()),
                    &values(net.w1.val()),
                    0.0,
                    "network(p)",
                );
            }
            close(&values(loss), &[total], 1e-14, "total loss");
        }
    }

    #[test]
    fn an_sgd_step_is_each_network_s_own() {
        // Each network its own learning rate and update order, as one network's sgd_step.
        let (nets, x, t) = setup(Activation::Sigmoid);
        let device = x.device();
        let lr = [0.01, 0.05, 0.002];
        let orders = [
            UpdateOrder::Tutorial,
            UpdateOrder::Exact,
            UpdateOrder::Tutorial,
        ];
        let first: Vec<f64> = lr
            .iter()
            .zip(orders)
            .map(|(l, o)| if o == UpdateOrder::Tutorial { *l } else { 0.0 })
            .collect();
        let lr_t = Tensor::<1>::from_data(TensorData::new(lr.to_vec(), [3]), &device);
        let first = Tensor::<1>::from_data(TensorData::new(first, [3]), &device);
        let population = Population::stack(&nets).expect("stacked");
        let (next, losses) = population.sgd_step(x.clone(), t.clone(), &lr_t, &first);
        let losses = values(losses);
        for (p, net) in nets.into_iter().enumerate() {
            let xp = x.clone().narrow(0, p, 1).reshape([4, 7]);
            let tp = t.clone().narrow(0, p, 1).reshape([4, 1]);
            let (alone, loss) = net.sgd_step(xp, tp, lr[p], orders[p]);
            close(&losses[p..=p], &values(loss), 1e-14, "loss");
            let mine = next.network(p);
            close(&values(mine.w1.val()), &values(alone.w1.val()), 1e-14, "W1");
            close(&values(mine.b1.val()), &values(alone.b1.val()), 1e-14, "b1");
            close(&values(mine.w2.val()), &values(alone.w2.val()), 1e-14, "W2");
            close(&values(mine.b2.val()), &values(alone.b2.val()), 1e-14, "b2");
        }
    }

    #[test]
    fn manual_gradients_are_autodiff_gradients() {
        let (nets, x, t) = setup(Activation::Sigmoid);
        let population = Population::stack(&nets).expect("stacked");
        let (_, manual) = population.manual_gradients(x.clone(), t.clone());
        let device = x.device().autodiff();
        let ad = population.clone().fork(&device).train();
        let xa = Tensor::<3>::from_data(x.into_data(), &device);
        let ta = Tensor::<2>::from_data(t.into_data(), &device);
        let grads = ad.loss(xa, ta).backward();
        close(
            &values(ad.w1.val().grad(&grads).expect("dW1")),
            &values(manual.w1),
            1e-13,
            "dW1",
        );
        close(
            &values(ad.b1.val().grad(&grads).expect("db1")),
            &values(manual.b1),
            1e-13,
            "db1",
        );
        close(
            &values(ad.w2.val().grad(&grads).expect("dW2")),
            &values(manual.w2),
            1e-13,
            "dW2",
        );
        close(
            &values(ad.b2.val().grad(&grads).expect("db2")),
            &values(manual.b2),
            1e-13,
            "db2",
        );
    }

    #[test]
    fn stacking_refuses_mismatched_networks() {
        let (nets, _, _) = setup(Activation::Sigmoid);
        assert!(Population::stack(&[]).is_err());
        let other = MlpConfig::new().with_hidden(6).init(&device());
        let err = Population::stack(&[nets[0].clone(), other]).unwrap_err();
        assert!(err.to_string().contains("network 1 has W1"), "{err}");
        let residual = Mlp {
            baseline: Baseline::AkiRichards,
            ..nets[1].clone()
        };
        let err = Population::stack(&[nets[0].clone(), residual]).unwrap_err();
        assert!(err.to_string().contains("physics-residual"), "{err}");
    }
}
