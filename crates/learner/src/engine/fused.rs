//! The fused CPU engine (`zoepnet-fused`): plain f64 loops on the scaled inputs.

use burn::tensor::Device;
use zoepnet_dataset::{FeatureVector, Prepared};
use zoepnet_fused::{Adam, Lbfgs, Optimizer, Params, Scratch, Simd, Weights};
use zoepnet_model::{Baseline, Mlp, MlpConfig, Parameters, UpdateOrder};

use super::{Engine, EpochSums};
use crate::checkpoint::AdamState;
use crate::plan::{EngineKind, FusedMethod, FusedOptimizer, Plan};
use crate::train::{
    CheckpointError, TargetTransform, TrainError, contrast_weights, gates_of, learnt_target, scaled,
};

/// A [`FusedMethod`] with its optimizer's state.
#[derive(Debug)]
enum Method {
    PerSample(UpdateOrder),
    Batches(usize, Optimizer),
    Lbfgs(Lbfgs),
}

/// The fused engine with its data, weights and working space.
#[derive(Debug)]
pub struct FusedEngine {
    method: Method,
    model: MlpConfig,
    weights: Weights,
    train_x: Vec<FeatureVector>,
    train_t: Vec<f64>,
    val_x: Vec<FeatureVector>,
    val_t: Vec<f64>,
    targets: TargetTransform,
    /// For a contrast-scaled correction, each training and validation interface's gate: the
    /// learnt targets are divided by it, so squared errors are multiplied back by its square.
    gates: Option<(Vec<f64>, Vec<f64>)>,
    /// `train.loss_weights = "contrast"`: each training sample's weight in the loss, its gate
    /// over the training set's mean gate.
    sample_weights: Option<Vec<f64>>,
    /// The vector width, found once for the whole run.
    simd: Simd,
    scratch: Scratch,
    grads: Params,
}

impl FusedEngine {
    /// The engine for `method`, from `initial` weights.
    pub fn new(
        plan: &Plan,
        prepared: &Prepared,
        method: FusedMethod,
        normalize_targets: bool,
        initial: &Parameters,
    ) -> Self {
        let (train_x, mut train_t) = scaled(&prepared.scaler, &prepared.train);
        let (val_x, mut val_t) = scaled(&prepared.scaler, &prepared.validation);
        // A physics-residual network learns the targets minus its baseline (divided by the
        // contrast gate, for a contrast-scaled correction), which the Burn module it becomes
        // undoes in its forward pass.
        if plan.model.baseline != Baseline::None {
            let items = prepared.train.iter().chain(&prepared.validation);
            for (t, item) in train_t.iter_mut().chain(val_t.iter_mut()).zip(items) {
                *t = learnt_target(&plan.model, item);
            }
        }
        let correction = plan.model.correction;
        let gates =
            gates_of(correction, &prepared.train).zip(gates_of(correction, &prepared.validation));
        // Standardised targets: the engine learns (t − shift) / stretch; squared errors are
        // reported times stretch², and the transform is folded into W2 and b2 at the end.
        let targets = TargetTransform::fit(normalize_targets, &train_t);
        for v in train_t.iter_mut().chain(val_t.iter_mut()) {
            *v = targets.apply(*v);
        }
        let weights = Weights::new(plan.model.activation, initial);
        let sample_weights = match (method, &gates) {
            (
                FusedMethod::Batches {
                    contrast_weights: true,
                    ..
                },
                Some((train_gates, _)),
            ) => Some(contrast_weights(train_gates)),
            _ => None,
        };
        let method = match method {
            FusedMethod::PerSample { order } => Method::PerSample(order),
            FusedMethod::Batches {
                batch_size,
                optimizer,
                ..
            } => Method::Batches(
                batch_size,
                match optimizer {
                    FusedOptimizer::Sgd => Optimizer::Sgd,
                    FusedOptimizer::Adam { epsilon } => {
                        Optimizer::Adam(Box::new(Adam::new(&weights, epsilon as f32)))
                    }
                },
            ),
            FusedMethod::Lbfgs { history } => Method::Lbfgs(Lbfgs::new(history)),
        };
        Self {
            method,
            model: plan.model.clone(),
            grads: Params::zeros_like(&weights),
            scratch: weights.scratch(),
            weights,
            train_x,
            train_t,
            val_x,
            val_t,
            targets,
            gates,
            sample_weights,
            simd: Simd::detect(),
        }
    }

    /// The mean of (g · (y − t))² over `xs`, `ts`, `gates`: the squared error in Rpp of a
    /// contrast-scaled correction, before the target transform's stretch.
    fn gated_mse(&mut self, train: bool) -> f64 {
        let (xs, ts) = if train {
            (&self.train_x, &self.train_t)
        } else {
            (&self.val_x, &self.val_t)
        };
        let Some(gates) = self.gates.as_ref().map(|g| if train { &g.0 } else { &g.1 }) else {
            return 0.0;
        };
        self.weights.gated_mse(xs, ts, gates)
    }
}

impl Engine for FusedEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Fused
    }

    fn val_mse(&mut self) -> Result<f64, TrainError> {
        let stretch = self.targets.stretch;
        let mse = if self.gates.is_some() {
            self.gated_mse(false)
        } else {
            self.weights
                .mse_on(self.simd, &self.val_x, &self.val_t, &mut self.scratch)
        };
        Ok(mse * stretch * stretch)
    }

    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError> {
        let (w, simd) = (&mut self.weights, self.simd);
        let (xs, ts) = (&self.train_x, &self.train_t);
        let mut converged = false;
        let squared = match &mut self.method {
            Method::PerSample(update) => {
                w.epoch_on(simd, xs, ts, order, lr, *update, &mut self.scratch)
            }
            Method::Batches(batch_size, optimizer) => w.epoch_batched(
                simd,
                (xs, ts, self.sample_weights.as_deref()),
                order,
                *batch_size,
                lr,
                optimizer,
                &mut self.grads,
                &mut self.scratch,
            ),
            Method::Lbfgs(state) => {
                let step = w.lbfgs_step(simd, xs, ts, state, &mut self.grads, &mut self.scratch);
                converged = !step.moved;
                step.squared
            }
        };
        // A contrast-scaled correction's running errors are in the learnt (divided) targets:
        // its training error is that of the epoch's final weights, in Rpp.
        let squared = if self.gates.is_some() {
            self.gated_mse(true) * self.train_t.len() as f64
        } else {
            squared
        };
        let stretch = self.targets.stretch;
        Ok(EpochSums {
            squared: squared * stretch * stretch,
            converged,
        })
    }

    fn parameters(&self) -> Result<Parameters, TrainError> {
        Ok(self.weights.parameters())
    }

    fn optimizer_state(&self) -> Option<AdamState> {
        match &self.method {
            Method::Batches(_, Optimizer::Adam(adam)) => Some(AdamState {
                time: adam.time,
                m: adam.m.to_flat(),
                v: adam.v.to_flat(),
                members: None,
            }),
            _ => None,
        }
    }

    fn resumes_exactly(&self) -> bool {
        // L-BFGS's memory is not in the checkpoint.
        !matches!(self.method, Method::Lbfgs(_))
    }

    fn restore(
        &mut self,
        weights: &Parameters,
        adam: Option<&AdamState>,
    ) -> Result<(), TrainError> {
        self.weights = Weights::new(self.weights.activation, weights);
        if let Method::Batches(_, Optimizer::Adam(state)) = &mut self.method {
            let saved = adam.ok_or(TrainError::Checkpoint(CheckpointError::NoAdam))?;
            let like = Params::zeros_like(&self.weights);
            let wrong = || TrainError::Checkpoint(CheckpointError::AdamSize);
            state.time = saved.time;
            state.m = Params::from_flat(&saved.m, &like).ok_or_else(wrong)?;
            state.v = Params::from_flat(&saved.v, &like).ok_or_else(wrong)?;
        }
        Ok(())
    }

    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError> {
        let mut p = self.weights.parameters();
        p.fold_targets(self.targets.shift, self.targets.stretch);
        Ok(self.model.from_parameters(&p, device)?)
    }
}
