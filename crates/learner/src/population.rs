//! The population engine: P variants of a plan trained at once, as one
//! [`zoepnet_model::Population`] module on the run's device.
//!
//! Each network keeps everything its own run has: its seed (initial weights and the NumPy
//! stream its shuffles come from, `RunState`), its learning rate and schedule, its initial
//! scale and its update order. Per epoch every network shuffles its validation list, is
//! validated, shuffles its training list and takes one step per sample in its own order; the P
//! steps of one position are one batched step: the samples gathered `[P, 1, 7]`, the
//! hand-written back-propagation batched over P, each network's update scaled by its own
//! learning rate. Networks in the tutorial's update order propagate the hidden error through
//! their W2 just updated, the others through the W2 before the step, as one run would.
//!
//! What it trains: per-sample SGD with the hand-written gradients (`train.mode = "manual"`,
//! `batch_size = 1`, the fused or the tensor engine one by one) of plain networks (no
//! baseline), without early stopping; every variant of one shape, activation and epoch count.
//! The outcome of each network is the [`Trained`] its one-by-one run gives (tested against the
//! tensor engine and the fused engine).

use std::time::Instant;

use burn::tensor::{Device, Int, Tensor, TensorData};
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{NumpyRandomState, Prepared};
use zoepnet_model::{Baseline, Correction, Mlp, Population, UpdateOrder, read_values};
use zoepnet_network::Parameters;

use crate::checkpoint::{Checkpoint, RunState, initial_parameters};
#[cfg(feature = "wgpu")]
use crate::engine::kernel::{kernel_error, kernel_on};
use crate::plan::{EngineKind, FusedMethod, Plan, Procedure};
use crate::train::{EpochMetrics, PopulationError, TrainError, Trained, Unlike};

/// Why a set of plans cannot train as one population.
fn unsupported(p: usize, why: Unlike) -> TrainError {
    TrainError::Population(PopulationError::Variant { variant: p, why })
}

/// The update order of a plan the population engine can train, or why it cannot.
fn per_sample_order(plan: &Plan) -> Result<UpdateOrder, Unlike> {
    match plan.procedure {
        Procedure::Fused {
            method: FusedMethod::PerSample { order },
            normalize_targets: false,
        } => Ok(order),
        Procedure::TensorSgd {
            batch_size: 1,
            order,
        }
        | Procedure::Kernel { order } => Ok(order),
        _ => Err(Unlike::NotPerSampleSgd),
    }
}

/// Whether the population engine can train `plans` together (module docs): each one's update
/// order, or the first reason it cannot.
///
/// # Errors
/// [`TrainError::Population`] naming the variant and why.
pub fn check(plans: &[Plan]) -> Result<Vec<UpdateOrder>, TrainError> {
    let first = plans
        .first()
        .ok_or_else(|| unsupported(0, Unlike::NoVariant))?;
    let mut orders = Vec::with_capacity(plans.len());
    for (p, plan) in plans.iter().enumerate() {
        orders.push(per_sample_order(plan).map_err(|why| unsupported(p, why))?);
        let (m, f) = (&plan.model, &first.model);
        if (m.hidden, m.activation, m.inputs) != (f.hidden, f.activation, f.inputs) {
            return Err(unsupported(p, Unlike::Network));
        }
        if m.baseline != Baseline::None || m.correction != Correction::Additive {
            return Err(unsupported(p, Unlike::PhysicsResidual));
        }
        if plan.epochs != first.epochs || plan.shuffle != first.shuffle {
            return Err(unsupported(p, Unlike::Schedule));
        }
        if plan.stopping.target_val_mse.is_some() || plan.stopping.patience.is_some() {
            return Err(unsupported(p, Unlike::EarlyStopping));
        }
    }
    Ok(orders)
}

/// How a population trains: as Burn tensor operations on any backend, or as one CubeCL kernel
/// per epoch on wgpu ([`zoepnet_kernel`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PopulationEngine {
    /// The kernel on a wgpu device, tensor operations on the others.
    #[default]
    Auto,
    /// Tensor operations: one batched step of every network per sample, on any backend.
    Tensor,
    /// One kernel launch per epoch, one workgroup per network (wgpu only, f32).
    Kernel,
}

impl PopulationEngine {
    /// The engine that runs on `device`: [`EngineKind::Population`] (tensor operations) or
    /// [`EngineKind::PopulationKernel`].
    ///
    /// # Errors
    /// [`TrainError::Population`] for the kernel on a device that is not wgpu.
    pub(crate) fn resolve(self, device: &Device) -> Result<EngineKind, TrainError> {
        let wgpu = on_wgpu(device);
        match self {
            PopulationEngine::Auto if wgpu => Ok(EngineKind::PopulationKernel),
            PopulationEngine::Auto | PopulationEngine::Tensor => Ok(EngineKind::Population),
            PopulationEngine::Kernel if wgpu => Ok(EngineKind::PopulationKernel),
            PopulationEngine::Kernel => Err(PopulationError::KernelOffWgpu.into()),
        }
    }
}

#[cfg(feature = "wgpu")]
fn on_wgpu(device: &Device) -> bool {
    zoepnet_kernel::runtime_device(device).is_some()
}

#[cfg(not(feature = "wgpu"))]
fn on_wgpu(_device: &Device) -> bool {
    false
}

/// One epoch of every network, on one of the two engines.
trait Epochs {
    /// Trains one epoch: network p takes one step per training row in `orders[p]` with rate
    /// `lr[p]`, after its validation. Returns each network's (validation MSE, training MSE),
    /// the validation with the weights before the epoch, the training over the steps.
    fn epoch(&mut self, orders: &[&[usize]], lr: &[f64]) -> Result<Vec<(f64, f64)>, TrainError>;
    /// Every network's weights.
    fn parameters(&self) -> Result<Vec<Parameters>, TrainError>;
}

/// The population as one Burn module, a batched step per sample.
struct Tensors {
    /// (An option only to move it through each step: a step takes the module by value.)
    population: Option<Population>,
    device: Device,
    x_train: Tensor<2>,
    t_train: Tensor<1>,
    x_val: Tensor<3>,
    t_val: Tensor<2>,
    /// 1 where the network follows the tutorial's update order, 0 elsewhere.
    tutorial: Vec<f64>,
}

impl Tensors {
    fn new(
        networks: &[Mlp],
        orders: &[UpdateOrder],
        prepared: &Prepared,
        device: &Device,
    ) -> Result<Self, TrainError> {
        let count = networks.len();
        let batcher = InterfaceBatcher::new(prepared.scaler.clone());
        let validation = prepared.validation.len();
        Ok(Self {
            population: Some(Population::stack(networks)?),
            device: device.clone(),
            x_train: batcher.inputs(&prepared.train, device), // [N, 7]
            t_train: batcher
                .targets(&prepared.train, device)
                .reshape([prepared.train.len()]), // [N]
            // Validation: every network on the same rows.
            x_val: batcher
                .inputs(&prepared.validation, device)
                .unsqueeze_dim::<3>(0)
                .repeat_dim(0, count), // [P, V, 7]
            t_val: batcher
                .targets(&prepared.validation, device)
                .reshape([1, validation])
                .repeat_dim(0, count), // [P, V]
            tutorial: orders
                .iter()
                .map(|o| f64::from(u8::from(*o == UpdateOrder::Tutorial)))
                .collect(),
        })
    }
}

impl Epochs for Tensors {
    fn epoch(&mut self, orders: &[&[usize]], lr: &[f64]) -> Result<Vec<(f64, f64)>, TrainError> {
        let (device, count) = (&self.device, orders.len());
        let samples = self.t_train.dims()[0];
        let features = self.x_train.dims()[1];
        let lr_t = Tensor::<1>::from_data(TensorData::new(lr.to_vec(), [count]), device);
        // The learning rate where the hidden error goes through the W2 just updated, 0 elsewhere.
        let lr_tutorial: Vec<f64> = lr.iter().zip(&self.tutorial).map(|(l, m)| l * m).collect();
        let lr_tutorial = Tensor::<1>::from_data(TensorData::new(lr_tutorial, [count]), device);
        // The losses are ½ MSE.
        let mut population = self.population.take().ok_or(TrainError::NoLoss)?;
        let val = read_values(
            "the validation MSE",
            population
                .losses(self.x_val.clone(), self.t_val.clone())
                .mul_scalar(2.0),
        )?;
        let mut squared = Tensor::<1>::zeros([count], device);
        for k in 0..samples {
            let idx: Vec<i64> = orders.iter().map(|o| o[k] as i64).collect();
            let idx = Tensor::<1, Int>::from_data(TensorData::new(idx, [count]), device);
            let x = self
                .x_train
                .clone()
                .select(0, idx.clone())
                .reshape([count, 1, features]);
            let t = self.t_train.clone().select(0, idx).reshape([count, 1]);
            let (next, loss) = population.sgd_step(x, t, &lr_t, &lr_tutorial);
            population = next;
            // One sample: its squared error is twice its loss.
            squared = squared + loss.mul_scalar(2.0);
        }
        self.population = Some(population);
        let squared = read_values("the training errors", squared)?;
        Ok(val
            .into_iter()
            .zip(squared)
            .map(|(v, s)| (v, s / samples as f64))
            .collect())
    }

    fn parameters(&self) -> Result<Vec<Parameters>, TrainError> {
        let population = self.population.as_ref().ok_or(TrainError::NoLoss)?;
        (0..population.len())
            .map(|p| Ok(population.network(p).parameters()?))
            .collect()
    }
}

/// The population on the device as the kernel's buffers.
#[cfg(feature = "wgpu")]
struct Kernel {
    kernel: zoepnet_kernel::PopulationKernel,
    sizes: (usize, usize),
}

#[cfg(feature = "wgpu")]
impl Kernel {
    fn new(
        weights: Vec<Parameters>,
        orders: &[UpdateOrder],
        activation: zoepnet_network::Activation,
        prepared: &Prepared,
        device: &Device,
    ) -> Result<Self, TrainError> {
        let networks: Vec<_> = weights.into_iter().zip(orders.iter().copied()).collect();
        Ok(Self {
            kernel: kernel_on(&networks, activation, prepared, device)?,
            sizes: (prepared.train.len(), prepared.validation.len()),
        })
    }
}

#[cfg(feature = "wgpu")]
impl Epochs for Kernel {
    fn epoch(&mut self, orders: &[&[usize]], lr: &[f64]) -> Result<Vec<(f64, f64)>, TrainError> {
        let errors = self.kernel.epoch(orders, lr).map_err(kernel_error)?;
        let (n, v) = (self.sizes.0 as f64, self.sizes.1 as f64);
        Ok(errors
            .validation
            .iter()
            .zip(&errors.train)
            .map(|(val, train)| (val / v, train / n))
            .collect())
    }

    fn parameters(&self) -> Result<Vec<Parameters>, TrainError> {
        self.kernel.parameters().map_err(kernel_error)
    }
}

/// Trains every plan of `plans` at once on `device` with `engine` (module docs); returns each
/// network's outcome, in order: its [`Trained`], or [`TrainError::Diverged`] for a network
/// whose loss became NaN or infinite (the others train on, as one-by-one runs would).
///
/// # Errors
/// [`TrainError::Population`] for plans it cannot train together (module docs) or the kernel
/// off wgpu, and the errors of the device.
///
/// After each epoch `on_epoch` gets the epoch and a way to build every network's checkpoint
/// (the one its own run would write, so `zoepnet train --resume` continues any of them; `None`
/// for a network that diverged, whose last checkpoint stays its last good one); returning
/// `ControlFlow::Break` stops there ([`TrainError::Stopped`]).
pub fn train_population(
    plans: &[Plan],
    prepared: &Prepared,
    device: &Device,
    engine: PopulationEngine,
    on_epoch: &mut OnPopulationEpoch<'_>,
) -> Result<Vec<Result<Trained, TrainError>>, TrainError> {
    train_population_until(plans, prepared, device, engine, f64::INFINITY, on_epoch)
}

/// [`train_population`], where a network also diverges once its running training MSE passes
/// `diverge_above` (a seed study's bound, [`crate::seeds::DIVERGED_ABOVE`]); it then stops
/// there with [`TrainError::Diverged`] for that epoch.
///
/// # Errors
/// As [`train_population`].
pub(crate) fn train_population_until(
    plans: &[Plan],
    prepared: &Prepared,
    device: &Device,
    engine: PopulationEngine,
    diverge_above: f64,
    on_epoch: &mut OnPopulationEpoch<'_>,
) -> Result<Vec<Result<Trained, TrainError>>, TrainError> {
    let orders = check(plans)?;
    let kind = engine.resolve(device)?;
    let sizes = (prepared.train.len(), prepared.validation.len());
    // Each network's start and stream, as its own run draws them.
    let (starts, mut states): (Vec<Parameters>, Vec<RunState>) = plans
        .iter()
        .map(|plan| {
            let mut rng = NumpyRandomState::seed(plan.seed);
            let start = initial_parameters(plan, &mut rng, device)?;
            Ok((start, RunState::new(plan, rng, sizes)))
        })
        .collect::<Result<Vec<_>, TrainError>>()?
        .into_iter()
        .unzip();
    let mut epochs = build(kind, starts, &orders, plans, prepared, device)?;
    let start = Instant::now();
    let diverged = run_epochs(plans, &mut *epochs, &mut states, diverge_above, on_epoch)?;
    let train_seconds = start.elapsed().as_secs_f64();
    let weights = epochs.parameters()?;
    let trained = states.into_iter().zip(weights).zip(plans).zip(diverged);
    trained
        .map(|(((state, weights), plan), gone)| {
            if let Some((epoch, value)) = gone {
                return Ok(Err(TrainError::Diverged { epoch, value }));
            }
            // On the run's device as a fresh module, with the plan's own settings.
            Ok(Ok(Trained {
                metrics: state.metrics,
                model: plan.model.from_parameters(&weights, device)?,
                train_seconds,
                engine: kind,
            }))
        })
        .collect()
}

/// The population's epochs, each network's recorded in its state; where each diverged (its
/// loss NaN or infinite, or past `diverge_above`): (epoch, value).
fn run_epochs(
    plans: &[Plan],
    epochs: &mut dyn Epochs,
    states: &mut [RunState],
    diverge_above: f64,
    on_epoch: &mut OnPopulationEpoch<'_>,
) -> Result<Vec<Option<(usize, f64)>>, TrainError> {
    let first = &plans[0];
    let start = Instant::now();
    let mut diverged: Vec<Option<(usize, f64)>> = vec![None; plans.len()];
    for epoch in 1..=first.epochs {
        let lr: Vec<f64> = plans.iter().map(|p| p.learning_rate.at(epoch)).collect();
        for state in states.iter_mut().filter(|_| first.shuffle) {
            state.rng.shuffle(&mut state.val_order);
            state.rng.shuffle(&mut state.train_order);
        }
        let train_orders: Vec<&[usize]> = states.iter().map(|s| s.train_order.as_slice()).collect();
        let errors = epochs.epoch(&train_orders, &lr)?;
        let seconds = start.elapsed().as_secs_f64();
        for (((state, (val_mse, train_mse)), lr), gone) in
            states.iter_mut().zip(errors).zip(&lr).zip(&mut diverged)
        {
            if gone.is_none() && (!train_mse.is_finite() || train_mse > diverge_above) {
                *gone = Some((epoch, train_mse));
            } else if gone.is_none() {
                state.stopping.record(val_mse);
                state.metrics.push(EpochMetrics {
                    epoch,
                    train_mse,
                    val_mse,
                    learning_rate: *lr,
                    seconds,
                });
            }
        }
        if diverged.iter().all(Option::is_some) {
            break;
        }
        let checkpoints = || -> Result<Vec<Option<Checkpoint>>, TrainError> {
            let weights = epochs.parameters()?;
            let each = states.iter().zip(weights).zip(&diverged);
            Ok(each
                .map(|((state, weights), gone)| {
                    gone.is_none().then(|| checkpoint_of(state, weights))
                })
                .collect())
        };
        if on_epoch(epoch, &checkpoints).is_break() {
            return Err(TrainError::Stopped { epoch });
        }
    }
    Ok(diverged)
}

/// The engine of `kind` with the networks `starts` of `plans`, each with its update order.
fn build(
    kind: EngineKind,
    starts: Vec<Parameters>,
    orders: &[UpdateOrder],
    plans: &[Plan],
    prepared: &Prepared,
    device: &Device,
) -> Result<Box<dyn Epochs>, TrainError> {
    Ok(match kind {
        #[cfg(feature = "wgpu")]
        EngineKind::PopulationKernel => Box::new(Kernel::new(
            starts,
            orders,
            plans[0].model.activation,
            prepared,
            device,
        )?),
        _ => {
            let networks = starts
                .iter()
                .zip(plans)
                .map(|(w, plan)| plan.model.from_parameters(w, device))
                .collect::<Result<Vec<_>, _>>()?;
            Box::new(Tensors::new(&networks, orders, prepared, device)?)
        }
    })
}

/// What [`train_population`] calls after each epoch: the epoch, and a way to build every
/// network's checkpoint (only when needed; `None` for a network that diverged).
pub type OnPopulationEpoch<'a> = dyn FnMut(
        usize,
        &dyn Fn() -> Result<Vec<Option<Checkpoint>>, TrainError>,
    ) -> std::ops::ControlFlow<()>
    + 'a;

/// A network's checkpoint: its run's state and its weights.
fn checkpoint_of(state: &RunState, weights: Parameters) -> Checkpoint {
    Checkpoint {
        epoch: state.metrics.len(),
        rng: state.rng.state(),
        train_order: state.train_order.clone(),
        val_order: state.val_order.clone(),
        best_val: state.stopping.best(),
        since_best: state.stopping.since_best(),
        weights,
        metrics: state.metrics.clone(),
        adam: None,
    }
}
