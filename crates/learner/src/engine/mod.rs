//! Training engines behind one small trait: each runs the epochs of one kind of
//! [`Procedure`], holds the weights being trained, and hands them over as [`Parameters`].
//!
//! - [`fused`]: the fused CPU engine's per-sample SGD, mini-batch SGD/Adam and L-BFGS, and
//!   [`deep`]: its mini-batches for networks of other inputs or more hidden layers;
//! - [`tensor`]: Burn tensors on the run's device, the step being the hand-written
//!   back-propagation with plain SGD, or [`autodiff`]: Burn's autodiff with one of its
//!   optimizers;
//! - `kernel` (with the `wgpu` feature): per-sample SGD on wgpu as the population kernel with
//!   a population of one, an epoch a launch.

pub mod autodiff;
pub mod deep;
pub mod fused;
#[cfg(feature = "wgpu")]
pub mod kernel;
pub mod tensor;

use burn::tensor::Device;
use zoepnet_dataset::Prepared;
use zoepnet_model::{Mlp, Parameters};

use crate::checkpoint::AdamState;
use crate::plan::{EngineKind, FusedMethod, Plan, Procedure};
use crate::train::TrainError;

/// What one epoch of training gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochSums {
    /// The sum of the squared errors met while training (each before its step), in Rpp².
    pub squared: f64,
    /// The optimizer can go no further (L-BFGS: no step lowered the loss).
    pub converged: bool,
}

/// A training engine: the weights being trained and how an epoch changes them.
pub trait Engine {
    /// Which engine it is.
    fn kind(&self) -> EngineKind;
    /// The validation MSE of the current weights, in Rpp².
    fn val_mse(&mut self) -> Result<f64, TrainError>;
    /// One epoch over the training samples `order` names, at learning rate `lr`.
    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError>;
    /// The current weights, as a checkpoint holds them (the fused engine's on standardised
    /// targets when it trains on them).
    fn parameters(&self) -> Result<Parameters, TrainError>;
    /// The optimizer's state, where a checkpoint keeps it (the fused engine's Adam).
    fn optimizer_state(&self) -> Option<AdamState> {
        None
    }
    /// Whether a checkpoint restores this engine exactly; engines whose optimizer state it does
    /// not hold (Burn's optimizers, L-BFGS's memory) replay their epochs instead.
    fn resumes_exactly(&self) -> bool;
    /// Continues from a checkpoint's weights (and optimizer state).
    fn restore(&mut self, weights: &Parameters, adam: Option<&AdamState>)
    -> Result<(), TrainError>;
    /// The trained network on `device`, predicting Rpp.
    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError>;
}

/// The engine that runs `plan`'s procedure on `prepared`, starting from `initial`.
pub fn build(
    plan: &Plan,
    prepared: &Prepared,
    device: &Device,
    initial: &Parameters,
) -> Result<Box<dyn Engine>, TrainError> {
    Ok(match plan.procedure {
        Procedure::Fused {
            method:
                FusedMethod::Batches {
                    batch_size,
                    optimizer,
                    contrast_weights,
                    products,
                },
            ..
        } if crate::plan::is_deep(&plan.model) => Box::new(deep::DeepEngine::new(
            plan,
            prepared,
            (batch_size, optimizer, contrast_weights, products),
            initial,
        )),
        Procedure::Fused {
            method,
            normalize_targets,
        } => Box::new(fused::FusedEngine::new(
            plan,
            prepared,
            method,
            normalize_targets,
            initial,
        )),
        Procedure::TensorSgd { batch_size, order } => Box::new(tensor::TensorEngine::new(
            plan,
            prepared,
            device,
            initial,
            batch_size,
            tensor::ManualSgd(order),
        )?),
        #[cfg(feature = "wgpu")]
        Procedure::Kernel { order } => Box::new(kernel::KernelEngine::new(
            plan, prepared, device, initial, order,
        )?),
        #[cfg(not(feature = "wgpu"))]
        Procedure::Kernel { order } => Box::new(tensor::TensorEngine::new(
            plan,
            prepared,
            device,
            initial,
            1,
            tensor::ManualSgd(order),
        )?),
        Procedure::Autodiff {
            batch_size,
            optimizer,
        } => Box::new(tensor::TensorEngine::new(
            plan,
            prepared,
            device,
            initial,
            batch_size,
            autodiff::BurnStep::new(optimizer),
        )?),
    })
}
