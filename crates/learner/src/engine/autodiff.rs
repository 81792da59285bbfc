//! Burn's autodiff and optimizers, on the autodiff twin of the run's device: the step of a
//! [`TensorEngine`](super::tensor::TensorEngine).

use burn::module::Module;
use burn::optim::{AdamConfig, AdamWConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::tensor::{Device, Tensor};
use zoepnet_model::{Inputs, Mlp};

use super::tensor::TensorStep;
use crate::plan::BurnOptimizer;

/// A step of Burn's autodiff and one of its optimizers.
pub struct BurnStep {
    optimizer: ModuleOptimizer,
}

impl std::fmt::Debug for BurnStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BurnStep").finish_non_exhaustive()
    }
}

impl BurnStep {
    /// Burn's optimizer for `optimizer`.
    pub fn new(optimizer: BurnOptimizer) -> Self {
        let optimizer = match optimizer {
            BurnOptimizer::Sgd => SgdConfig::new().init(),
            BurnOptimizer::Adam { epsilon } => {
                AdamConfig::new().with_epsilon(epsilon as f32).init()
            }
            BurnOptimizer::AdamW {
                epsilon,
                weight_decay,
            } => AdamWConfig::new()
                .with_epsilon(epsilon as f32)
                .with_weight_decay(weight_decay as f32)
                .init(),
        };
        Self { optimizer }
    }
}

impl TensorStep for BurnStep {
    fn device(&self, run: &Device) -> Device {
        run.clone().autodiff()
    }

    fn step(&mut self, model: Mlp, x: Inputs, t: Tensor<2>, lr: f64) -> (Mlp, Tensor<1>) {
        let loss = model.loss(x, t);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        (self.optimizer.step(lr, model, grads), loss)
    }

    fn for_validation(&self, model: &Mlp) -> Mlp {
        model.valid()
    }

    fn resumes_exactly(&self) -> bool {
        // Burn 0.22.1 restores an optimizer's saved state on its default device (wgpu when
        // compiled in) in f32, which does not fit an f64 run on a CPU device: replay instead.
        false
    }
}
