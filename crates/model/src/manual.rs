//! Back-propagation by hand, with tensor ops: no autodiff, any batch size, any device.
//!
//! For L = ½ · mean over the batch of (y − t)², with B samples:
//!
//! ```text
//! dy  = (y − t) / B                      [B, 1]
//! dW2 = a1ᵀ dy                           [H, 1]
//! db2 = Σ_batch dy                       [1]
//! dz1 = (dy W2ᵀ) ⊙ act'(z1)              [B, H]
//! dW1 = xᵀ dz1                           [inputs, H]
//! db1 = Σ_batch dz1                      [H]
//! ```
//!
//! The tutorial's notebook updates W2 first and computes the hidden error with the *new* W2
//! ([`UpdateOrder::Tutorial`]); that differs from the true gradient by O(learning rate).

use burn::module::Param;
use burn::tensor::Tensor;

use crate::mlp::{Inputs, Mlp, activation_slope};

/// The gradient of the loss with respect to each parameter, shaped like it.
#[derive(Debug, Clone)]
pub struct Gradients {
    /// dL/dW1: `[inputs, hidden]`.
    pub w1: Tensor<2>,
    /// dL/db1: `[hidden]`.
    pub b1: Tensor<1>,
    /// dL/dW2: `[hidden, 1]`.
    pub w2: Tensor<2>,
    /// dL/db2: `[1]`.
    pub b2: Tensor<1>,
}

pub use zoepnet_network::UpdateOrder;

fn sub_scaled<const D: usize>(
    param: Param<Tensor<D>>,
    grad: Tensor<D>,
    lr: f64,
) -> Param<Tensor<D>> {
    param.map(|w| w - grad.mul_scalar(lr))
}

/// The output layer's part of back-propagation, shared by both update orders.
struct OutputLayer {
    forward: crate::mlp::Forward,
    loss: Tensor<1>,
    /// dL/dy: `[B, 1]`.
    dy: Tensor<2>,
    /// dL/dW2: `[H, 1]`.
    w2: Tensor<2>,
    /// dL/db2: `[1]`.
    b2: Tensor<1>,
}

impl Mlp {
    fn output_layer(&self, inputs: Inputs, t: Tensor<2>) -> OutputLayer {
        let batch = inputs.x.dims()[0] as f64;
        let gate = inputs.gate.clone();
        // A physics-residual network's offset is a constant of the weights: dy is unchanged;
        // its gate scales dL/d(network output).
        let forward = self.forward_all(inputs);
        let err = forward.y.clone() - t; // [B, 1]
        let loss = (err.clone() * err.clone()).mean().mul_scalar(0.5);
        let dy = err.div_scalar(batch); // [B, 1]
        let dy = match gate {
            Some(gate) => dy * gate, // [B, 1]
            None => dy,
        };
        let w2 = dy
            .clone()
            .transpose()
            .matmul(forward.a1.clone())
            .transpose(); // [H, 1]
        let b2 = dy.clone().sum_dim(0).squeeze_dim::<1>(0); // [1]
        OutputLayer {
            forward,
            loss,
            dy,
            w2,
            b2,
        }
    }

    /// The hidden layer's gradients (W1 `[inputs, H]`, b1 `[H]`) from dL/dy and the W2 to
    /// propagate it through.
    fn hidden_layer(
        &self,
        x: Tensor<2>,
        out: &OutputLayer,
        w2: Tensor<2>,
    ) -> (Tensor<2>, Tensor<1>) {
        let f = &out.forward;
        let dz1 = out.dy.clone().matmul(w2.transpose())
            * activation_slope(self.activation, f.z1.clone(), f.a1.clone()); // [B, H]
        (
            x.transpose().matmul(dz1.clone()),
            dz1.sum_dim(0).squeeze_dim::<1>(0),
        )
    }

    /// The loss (`[1]`) and its gradients for inputs `x` `[B, inputs]` (and their offset) and
    /// targets `t` `[B, 1]`.
    pub fn manual_gradients(
        &self,
        inputs: impl Into<Inputs>,
        t: Tensor<2>,
    ) -> (Tensor<1>, Gradients) {
        let inputs = inputs.into();
        let x = inputs.x.clone();
        let out = self.output_layer(inputs, t);
        let (w1, b1) = self.hidden_layer(x, &out, self.w2.val());
        (
            out.loss,
            Gradients {
                w1,
                b1,
                w2: out.w2,
                b2: out.b2,
            },
        )
    }

    /// Plain gradient descent: every parameter minus `lr` times its gradient.
    pub fn apply(self, grads: Gradients, lr: f64) -> Self {
        Self {
            w1: sub_scaled(self.w1, grads.w1, lr),
            b1: sub_scaled(self.b1, grads.b1, lr),
            inner: self.inner,
            w2: sub_scaled(self.w2, grads.w2, lr),
            b2: sub_scaled(self.b2, grads.b2, lr),
            activation: self.activation,
            baseline: self.baseline,
            correction: self.correction,
        }
    }

    /// One manual SGD step on a batch; returns the updated network and the loss before the step.
    pub fn sgd_step(
        self,
        inputs: impl Into<Inputs>,
        t: Tensor<2>,
        lr: f64,
        order: UpdateOrder,
    ) -> (Self, Tensor<1>) {
        let inputs = inputs.into();
        match order {
            UpdateOrder::Exact => {
                let (loss, grads) = self.manual_gradients(inputs, t);
                (self.apply(grads, lr), loss)
            }
            UpdateOrder::Tutorial => {
                let x = inputs.x.clone();
                let out = self.output_layer(inputs, t);
                let w2 = sub_scaled(self.w2.clone(), out.w2.clone(), lr);
                let b2 = sub_scaled(self.b2.clone(), out.b2.clone(), lr);
                // The hidden error with the W2 just updated.
                let (gw1, gb1) = self.hidden_layer(x, &out, w2.val());
                let w1 = sub_scaled(self.w1, gw1, lr);
                let b1 = sub_scaled(self.b1, gb1, lr);
                (
                    Self {
                        w1,
                        b1,
                        inner: self.inner,
                        w2,
                        b2,
                        activation: self.activation,
                        baseline: self.baseline,
                        correction: self.correction,
                    },
                    out.loss,
                )
            }
        }
    }
}
