//! The fused engine's deep networks (`zoepnet_fused::Deep`): any number of inputs and hidden
//! layers, mini-batches of SGD or Adam with matrix products.

use burn::tensor::Device;
use zoepnet_dataset::{InterfaceItem, Prepared, Scaler};
use zoepnet_fused::{Deep, DeepAdam, Products};
use zoepnet_model::{Mlp, MlpConfig, Parameters};

use super::{Engine, EpochSums};
use crate::checkpoint::AdamState;
use crate::plan::{EngineKind, FusedOptimizer, Plan};
use crate::train::{CheckpointError, TrainError, gates_of, learnt_target};

/// One set of samples: scaled inputs row-major, learnt targets, and contrast gates for a
/// contrast-scaled correction.
#[derive(Debug)]
struct Set {
    x: Vec<f64>,
    t: Vec<f64>,
    gates: Option<Vec<f64>>,
}

impl Set {
    fn new(plan: &Plan, scaler: &Scaler, items: &[InterfaceItem]) -> Self {
        Self {
            x: items
                .iter()
                .flat_map(|i| scaler.transform(&i.features))
                .collect(),
            // The label itself for a network without a baseline (its offset is 0).
            t: items
                .iter()
                .map(|i| learnt_target(&plan.model, i))
                .collect(),
            gates: gates_of(plan.model.correction, items),
        }
    }

    /// The mean squared error in Rpp of `net` on this set.
    fn mse(&self, net: &Deep) -> f64 {
        net.mse(&self.x, &self.t, self.gates.as_deref())
    }
}

/// The deep-network engine with its data, weights and optimizer.
#[derive(Debug)]
pub struct DeepEngine {
    model: MlpConfig,
    net: Deep,
    adam: Option<DeepAdam>,
    batch_size: usize,
    train: Set,
    validation: Set,
    /// `train.loss_weights = "contrast"`: each sample's gate over the mean gate.
    sample_weights: Option<Vec<f64>>,
}

impl DeepEngine {
    /// The engine for batches of `batch_size` with `optimizer`, its products in `products`,
    /// from `initial` weights.
    pub fn new(
        plan: &Plan,
        prepared: &Prepared,
        (batch_size, optimizer, contrast_weights, products): (
            usize,
            FusedOptimizer,
            bool,
            Products,
        ),
        initial: &Parameters,
    ) -> Self {
        let net = Deep::new(plan.model.activation, initial).with_products(products);
        let train = Set::new(plan, &prepared.scaler, &prepared.train);
        let sample_weights = match (&train.gates, contrast_weights) {
            (Some(g), true) => Some(crate::train::contrast_weights(g)),
            _ => None,
        };
        let adam = match optimizer {
            FusedOptimizer::Sgd => None,
            FusedOptimizer::Adam { epsilon } => Some(DeepAdam::new(&net, epsilon as f32)),
        };
        Self {
            model: plan.model.clone(),
            adam,
            batch_size,
            validation: Set::new(plan, &prepared.scaler, &prepared.validation),
            train,
            sample_weights,
            net,
        }
    }
}

impl Engine for DeepEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Fused
    }

    fn val_mse(&mut self) -> Result<f64, TrainError> {
        Ok(self.validation.mse(&self.net))
    }

    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError> {
        // The running errors in Rpp: a contrast-scaled correction's times each gate.
        let samples = (
            self.train.x.as_slice(),
            self.train.t.as_slice(),
            self.sample_weights.as_deref(),
            self.train.gates.as_deref(),
        );
        let squared = self
            .net
            .epoch(samples, order, self.batch_size, lr, self.adam.as_mut());
        Ok(EpochSums {
            squared,
            converged: false,
        })
    }

    fn parameters(&self) -> Result<Parameters, TrainError> {
        Ok(self.net.parameters())
    }

    fn optimizer_state(&self) -> Option<AdamState> {
        self.adam.as_ref().map(|a| AdamState {
            time: a.time,
            m: a.m.clone(),
            v: a.v.clone(),
        })
    }

    fn resumes_exactly(&self) -> bool {
        true
    }

    fn restore(
        &mut self,
        weights: &Parameters,
        adam: Option<&AdamState>,
    ) -> Result<(), TrainError> {
        self.net = Deep::new(self.net.activation, weights).with_products(self.net.products);
        if let Some(state) = &mut self.adam {
            let saved = adam.ok_or(TrainError::Checkpoint(CheckpointError::NoAdam))?;
            if saved.m.len() != self.net.theta.len() || saved.v.len() != self.net.theta.len() {
                return Err(TrainError::Checkpoint(CheckpointError::AdamSize));
            }
            state.time = saved.time;
            state.m.clone_from(&saved.m);
            state.v.clone_from(&saved.v);
        }
        Ok(())
    }

    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError> {
        Ok(self.model.from_parameters(&self.net.parameters(), device)?)
    }
}
