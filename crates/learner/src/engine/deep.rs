//! The fused engine's deep networks (`zoepnet_fused::Deep`): any number of inputs and hidden
//! layers, mini-batches of SGD or Adam with matrix products.

use burn::tensor::Device;
use zoepnet_dataset::{InterfaceItem, NumpyRandomState, Prepared, Scaler};
use zoepnet_fused::{Deep, DeepAdam, Products, epoch_side_by_side, gated_mse, mean_prediction};
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

    /// The mean squared error in Rpp of the mean of `nets` on this set.
    fn mse(&self, nets: &[Deep]) -> f64 {
        gated_mse(
            &mean_prediction(nets, &self.x),
            &self.t,
            self.gates.as_deref(),
        )
    }
}

/// The deep-network engine with its data, its networks (one, or `model.members` side by side)
/// and their optimizers.
#[derive(Debug)]
pub struct DeepEngine {
    model: MlpConfig,
    nets: Vec<Deep>,
    adams: Option<Vec<DeepAdam>>,
    /// Member k > 0 takes sample `relabel[k - 1][i]` where the run's order says i: its own
    /// order, a fixed permutation (drawn from the seed plus k) of the run's, so that a
    /// checkpoint's order gives every member's back.
    relabel: Vec<Vec<usize>>,
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
        let nets: Vec<Deep> = initial
            .members(plan.members)
            .iter()
            .map(|p| Deep::new(plan.model.activation, p).with_products(products))
            .collect();
        let train = Set::new(plan, &prepared.scaler, &prepared.train);
        let sample_weights = match (&train.gates, contrast_weights) {
            (Some(g), true) => Some(crate::train::contrast_weights(g)),
            _ => None,
        };
        let adams = match optimizer {
            FusedOptimizer::Sgd => None,
            FusedOptimizer::Adam { epsilon } => Some(
                nets.iter()
                    .map(|n| DeepAdam::new(n, epsilon as f32))
                    .collect(),
            ),
        };
        let relabel = (1..plan.members)
            .map(|k| {
                let mut p: Vec<usize> = (0..train.t.len()).collect();
                NumpyRandomState::seed(plan.seed.wrapping_add(k as u32)).shuffle(&mut p);
                p
            })
            .collect();
        Self {
            model: plan.model.clone(),
            adams,
            relabel,
            batch_size,
            validation: Set::new(plan, &prepared.scaler, &prepared.validation),
            train,
            sample_weights,
            nets,
        }
    }
}

impl Engine for DeepEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Fused
    }

    fn val_mse(&mut self) -> Result<f64, TrainError> {
        Ok(self.validation.mse(&self.nets))
    }

    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError> {
        // The running errors in Rpp: a contrast-scaled correction's times each gate.
        let samples = (
            self.train.x.as_slice(),
            self.train.t.as_slice(),
            self.sample_weights.as_deref(),
            self.train.gates.as_deref(),
        );
        let relabelled: Vec<Vec<usize>> = self
            .relabel
            .iter()
            .map(|p| order.iter().map(|&i| p[i]).collect())
            .collect();
        let orders: Vec<&[usize]> = std::iter::once(order)
            .chain(relabelled.iter().map(Vec::as_slice))
            .collect();
        let sums = epoch_side_by_side(
            &mut self.nets,
            self.adams.as_deref_mut(),
            samples,
            &orders,
            self.batch_size,
            lr,
        );
        // Members: the mean of their running errors (each its own, not the average's).
        Ok(EpochSums {
            squared: sums.iter().sum::<f64>() / sums.len() as f64,
            converged: false,
        })
    }

    fn parameters(&self) -> Result<Parameters, TrainError> {
        let members: Vec<Parameters> = self.nets.iter().map(Deep::parameters).collect();
        Ok(Parameters::side_by_side(&members))
    }

    fn optimizer_state(&self) -> Option<AdamState> {
        let adams = self.adams.as_ref()?;
        let flat = |f: fn(&DeepAdam) -> &Vec<f64>| adams.iter().flat_map(f).copied().collect();
        Some(AdamState {
            time: adams.first().map_or(0, |a| a.time),
            m: flat(|a| &a.m),
            v: flat(|a| &a.v),
            members: (self.nets.len() > 1)
                .then(|| self.nets.iter().flat_map(|n| &n.theta).copied().collect()),
        })
    }

    fn resumes_exactly(&self) -> bool {
        // Members' own output layers are in the checkpoint with Adam's state only; with SGD
        // the run replays its epochs.
        self.nets.len() == 1 || self.adams.is_some()
    }

    fn restore(
        &mut self,
        weights: &Parameters,
        adam: Option<&AdamState>,
    ) -> Result<(), TrainError> {
        let theta = match adam.and_then(|a| a.members.as_ref()) {
            Some(flat) if self.nets.len() > 1 => flat.clone(),
            _ if self.nets.len() > 1 => {
                return Err(CheckpointError::Members(self.nets.len()).into());
            }
            _ => Deep::new(self.nets[0].activation, weights).theta,
        };
        let size = self.nets.iter().map(|n| n.theta.len()).sum::<usize>();
        if theta.len() != size {
            return Err(CheckpointError::Members(self.nets.len()).into());
        }
        let each = size / self.nets.len();
        for (net, own) in self.nets.iter_mut().zip(theta.chunks(each)) {
            net.theta.copy_from_slice(own);
        }
        if let Some(states) = &mut self.adams {
            let saved = adam.ok_or(TrainError::Checkpoint(CheckpointError::NoAdam))?;
            if saved.m.len() != size || saved.v.len() != size {
                return Err(TrainError::Checkpoint(CheckpointError::AdamSize));
            }
            for (k, state) in states.iter_mut().enumerate() {
                state.time = saved.time;
                state.m.copy_from_slice(&saved.m[k * each..(k + 1) * each]);
                state.v.copy_from_slice(&saved.v[k * each..(k + 1) * each]);
            }
        }
        Ok(())
    }

    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError> {
        Ok(self.model.from_parameters(&self.parameters()?, device)?)
    }
}
