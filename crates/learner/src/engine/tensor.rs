//! The engines on Burn tensors: one epoch loop over batches, with the step as a strategy, the
//! hand-written back-propagation with plain SGD ([`ManualSgd`], here) or Burn's autodiff and
//! optimizers ([`super::autodiff::BurnStep`]).

use burn::tensor::{Device, Tensor, TensorData};
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{InterfaceItem, Prepared};
use zoepnet_model::{Inputs, Mlp, MlpConfig, Parameters, UpdateOrder, read_values};

use super::{Engine, EpochSums};
use crate::checkpoint::AdamState;
use crate::evaluate::{model_inputs, mse, predict};
use crate::plan::{EngineKind, Plan};
use crate::train::{TrainError, learnt_target};

/// How a tensor engine takes one step.
pub trait TensorStep {
    /// The device the network trains on, from the run's.
    fn device(&self, run: &Device) -> Device;
    /// The network after one step on inputs `x` `[B, 7]` and targets `t` `[B, 1]`, with the
    /// batch's loss ½ mean((y − t)²) before the step.
    fn step(&mut self, model: Mlp, x: Inputs, t: Tensor<2>, lr: f64) -> (Mlp, Tensor<1>);
    /// The network to validate (without its autodiff graph).
    fn for_validation(&self, model: &Mlp) -> Mlp;
    /// Whether a checkpoint (weights only) restores the step's state.
    fn resumes_exactly(&self) -> bool;
}

/// The hand-written back-propagation, plain SGD in the given update order.
#[derive(Debug, Clone, Copy)]
pub struct ManualSgd(pub UpdateOrder);

impl TensorStep for ManualSgd {
    fn device(&self, run: &Device) -> Device {
        run.clone()
    }

    fn step(&mut self, model: Mlp, x: Inputs, t: Tensor<2>, lr: f64) -> (Mlp, Tensor<1>) {
        model.sgd_step(x, t, lr, self.0)
    }

    fn for_validation(&self, model: &Mlp) -> Mlp {
        model.clone()
    }

    fn resumes_exactly(&self) -> bool {
        true
    }
}

/// A network on tensors and the items it trains and validates on.
#[derive(Debug)]
pub struct TensorEngine<S> {
    step: S,
    config: MlpConfig,
    model: Mlp,
    batcher: InterfaceBatcher,
    train: Vec<InterfaceItem>,
    validation: Vec<InterfaceItem>,
    batch_size: usize,
    /// The device the network trains on.
    device: Device,
}

impl<S: TensorStep> TensorEngine<S> {
    /// The engine on `device` (or the step's twin of it), from `initial` weights.
    pub fn new(
        plan: &Plan,
        prepared: &Prepared,
        device: &Device,
        initial: &Parameters,
        batch_size: usize,
        step: S,
    ) -> Result<Self, TrainError> {
        let device = step.device(device);
        Ok(Self {
            step,
            config: plan.model.clone(),
            model: plan.model.from_parameters(initial, &device)?,
            batcher: InterfaceBatcher::new(prepared.scaler.clone()),
            train: prepared.train.clone(),
            validation: prepared.validation.clone(),
            batch_size,
            device,
        })
    }
}

impl<S: TensorStep> TensorEngine<S> {
    /// A training batch: the module's inputs (with the baseline's offset) and the labels; for a
    /// contrast-scaled correction, the scaled features alone and the learnt targets
    /// (Rpp − baseline) / g, as the fused engine learns them.
    fn batch(&self, items: &[InterfaceItem]) -> (Inputs, Tensor<2>) {
        if self.config.correction.is_gated() {
            let t: Vec<f64> = items
                .iter()
                .map(|i| learnt_target(&self.config, i))
                .collect();
            let t = Tensor::from_data(TensorData::new(t, [items.len(), 1]), &self.device);
            return (self.batcher.inputs(items, &self.device).into(), t); // [B, 7], [B, 1]
        }
        let x = model_inputs(&self.model, &self.batcher, items, &self.device); // [B, 7], [B, 1]
        (x, self.batcher.targets(items, &self.device)) // [B, 1]
    }
}

impl<S: TensorStep> Engine for TensorEngine<S> {
    fn kind(&self) -> EngineKind {
        EngineKind::Tensor
    }

    fn val_mse(&mut self) -> Result<f64, TrainError> {
        let model = self.step.for_validation(&self.model);
        let predicted = predict(&model, &self.batcher, &self.validation, &self.device)?;
        Ok(mse(&predicted, &self.validation)?)
    }

    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError> {
        let mut squared = 0.0;
        for chunk in order.chunks(self.batch_size) {
            let items: Vec<InterfaceItem> = chunk.iter().map(|&i| self.train[i]).collect();
            let (x, y) = self.batch(&items);
            let (next, loss) = self.step.step(self.model.clone(), x, y, lr);
            self.model = next;
            let loss = read_values("the training loss", loss)?;
            let loss = loss.first().copied().ok_or(TrainError::NoLoss)?;
            squared += 2.0 * loss * chunk.len() as f64;
        }
        // A contrast-scaled correction's losses are in the learnt (divided) targets: its
        // training error is that of the epoch's final weights, in Rpp (as on the fused engine).
        if self.config.correction.is_gated() {
            let model = self.step.for_validation(&self.model);
            squared = 0.0;
            for items in self.train.chunks(10_000) {
                let predicted = predict(&model, &self.batcher, items, &self.device)?;
                squared += mse(&predicted, items)? * items.len() as f64;
            }
        }
        Ok(EpochSums {
            squared,
            converged: false,
        })
    }

    fn parameters(&self) -> Result<Parameters, TrainError> {
        Ok(self.model.parameters()?)
    }

    fn resumes_exactly(&self) -> bool {
        self.step.resumes_exactly()
    }

    fn restore(&mut self, weights: &Parameters, _: Option<&AdamState>) -> Result<(), TrainError> {
        self.model = self.config.from_parameters(weights, &self.device)?;
        Ok(())
    }

    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError> {
        // On the run's device, without any autodiff graph.
        Ok(self
            .config
            .from_parameters(&self.model.parameters()?, device)?)
    }
}
