//! The population engine: P variants of a plan trained at once, as one
//! [`zoepnet_model::Population`] module on the run's device (issue 15, item 2).
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
use zoepnet_model::{Baseline, Correction, Population, UpdateOrder, read_values};

use crate::checkpoint::{Checkpoint, RunState, initial_parameters};
use crate::plan::{EngineKind, FusedMethod, Plan, Procedure};
use crate::train::{EpochMetrics, TrainError, Trained};

/// Why a set of plans cannot train as one population.
fn unsupported(p: usize, why: impl std::fmt::Display) -> TrainError {
    TrainError::Population(format!("variant {p}: {why}"))
}

/// The update order of a plan the population engine can train, or why it cannot.
fn per_sample_order(plan: &Plan) -> Result<UpdateOrder, String> {
    match plan.procedure {
        Procedure::Fused {
            method: FusedMethod::PerSample { order },
            normalize_targets: false,
        } => Ok(order),
        Procedure::TensorSgd {
            batch_size: 1,
            order,
        } => Ok(order),
        _ => Err(
            "the population engine trains per-sample manual SGD only (train.mode = \"manual\", \
             train.optimizer = \"sgd\", train.batch_size = 1, train.normalize_targets = false)"
                .into(),
        ),
    }
}

/// Whether the population engine can train `plans` together (module docs): each one's update
/// order, or the first reason it cannot.
///
/// # Errors
/// [`TrainError::Population`] naming the variant and why.
pub fn check(plans: &[Plan]) -> Result<Vec<UpdateOrder>, TrainError> {
    let first = plans.first().ok_or_else(|| unsupported(0, "no variant"))?;
    let mut orders = Vec::with_capacity(plans.len());
    for (p, plan) in plans.iter().enumerate() {
        orders.push(per_sample_order(plan).map_err(|why| unsupported(p, why))?);
        let (m, f) = (&plan.model, &first.model);
        if (m.hidden, m.activation, m.inputs) != (f.hidden, f.activation, f.inputs) {
            return Err(unsupported(
                p,
                "its network's shape or activation differs from variant 0's",
            ));
        }
        if m.baseline != Baseline::None || m.correction != Correction::Additive {
            return Err(unsupported(
                p,
                "a physics-residual network (model.baseline)",
            ));
        }
        if plan.epochs != first.epochs || plan.shuffle != first.shuffle {
            return Err(unsupported(
                p,
                "its epochs or shuffling differ from variant 0's",
            ));
        }
        if plan.stopping.target_val_mse.is_some() || plan.stopping.patience.is_some() {
            return Err(unsupported(
                p,
                "early stopping (train.target_val_mse, train.patience)",
            ));
        }
    }
    Ok(orders)
}

/// Trains every plan of `plans` at once on `device` (module docs); returns each network's
/// outcome, in order.
///
/// # Errors
/// [`TrainError::Population`] for plans it cannot train together (module docs), and the
/// errors of training (a diverged network: [`TrainError::Diverged`]).
///
/// After each epoch `on_epoch` gets the epoch and a way to build every network's checkpoint
/// (the one its own run would write, so `zoepnet train --resume` continues any of them);
/// returning `ControlFlow::Break` stops there ([`TrainError::Stopped`]).
pub fn train_population(
    plans: &[Plan],
    prepared: &Prepared,
    device: &Device,
    on_epoch: &mut OnPopulationEpoch<'_>,
) -> Result<Vec<Trained>, TrainError> {
    let orders = check(plans)?;
    let first = &plans[0];
    let count = plans.len();
    let sizes = (prepared.train.len(), prepared.validation.len());
    // Each network's start and stream, as its own run draws them.
    let mut states = Vec::with_capacity(count);
    let mut networks = Vec::with_capacity(count);
    for plan in plans {
        let mut rng = NumpyRandomState::seed(plan.seed);
        let initial = initial_parameters(plan, &mut rng, device)?;
        networks.push(plan.model.from_parameters(&initial, device)?);
        states.push(RunState::new(plan, rng, sizes));
    }
    let mut population = Population::stack(&networks)?;
    let batcher = InterfaceBatcher::new(prepared.scaler.clone());
    let x_train = batcher.inputs(&prepared.train, device); // [N, 7]
    let t_train = batcher.targets(&prepared.train, device).reshape([sizes.0]); // [N]
    let features = x_train.dims()[1];
    // Validation: every network on the same rows.
    let x_val = batcher
        .inputs(&prepared.validation, device)
        .unsqueeze_dim::<3>(0)
        .repeat_dim(0, count); // [P, V, 7]
    let t_val = batcher
        .targets(&prepared.validation, device)
        .reshape([1, sizes.1])
        .repeat_dim(0, count); // [P, V]
    let tutorial: Vec<f64> = orders
        .iter()
        .map(|o| f64::from(u8::from(*o == UpdateOrder::Tutorial)))
        .collect();
    let start = Instant::now();
    for epoch in 1..=first.epochs {
        let lr: Vec<f64> = plans.iter().map(|p| p.learning_rate.at(epoch)).collect();
        let lr_t = Tensor::<1>::from_data(TensorData::new(lr.clone(), [count]), device);
        // The learning rate where the hidden error goes through the W2 just updated, 0 elsewhere.
        let lr_tutorial: Vec<f64> = lr.iter().zip(&tutorial).map(|(l, m)| l * m).collect();
        let lr_tutorial = Tensor::<1>::from_data(TensorData::new(lr_tutorial, [count]), device);
        for state in &mut states {
            if first.shuffle {
                state.rng.shuffle(&mut state.val_order);
            }
        }
        let val = read_values(
            "the validation MSE",
            population.losses(x_val.clone(), t_val.clone()),
        )?;
        for state in &mut states {
            if first.shuffle {
                state.rng.shuffle(&mut state.train_order);
            }
        }
        let mut squared = Tensor::<1>::zeros([count], device);
        for k in 0..sizes.0 {
            let idx: Vec<i64> = states.iter().map(|s| s.train_order[k] as i64).collect();
            let idx = Tensor::<1, Int>::from_data(TensorData::new(idx, [count]), device);
            let x = x_train
                .clone()
                .select(0, idx.clone())
                .reshape([count, 1, features]);
            let t = t_train.clone().select(0, idx).reshape([count, 1]);
            let (next, loss) = population.sgd_step(x, t, &lr_t, &lr_tutorial);
            population = next;
            // One sample: its squared error is twice its loss.
            squared = squared + loss.mul_scalar(2.0);
        }
        let squared = read_values("the training errors", squared)?;
        let seconds = start.elapsed().as_secs_f64();
        for (p, state) in states.iter_mut().enumerate() {
            let train_mse = squared[p] / sizes.0 as f64;
            if !train_mse.is_finite() {
                return Err(TrainError::Diverged {
                    epoch,
                    value: train_mse,
                });
            }
            // The losses are ½ MSE.
            let val_mse = 2.0 * val[p];
            state.stopping.record(val_mse);
            state.metrics.push(EpochMetrics {
                epoch,
                train_mse,
                val_mse,
                learning_rate: lr[p],
                seconds,
            });
        }
        let checkpoints = || -> Result<Vec<Checkpoint>, TrainError> {
            (0..count)
                .map(|p| checkpoint_of(&states[p], &population, p))
                .collect()
        };
        if on_epoch(epoch, &checkpoints).is_break() {
            return Err(TrainError::Stopped { epoch });
        }
    }
    let train_seconds = start.elapsed().as_secs_f64();
    (0..count)
        .zip(states)
        .map(|(p, state)| {
            // On the run's device as a fresh module, with the plan's own settings.
            let weights = population.network(p).parameters()?;
            Ok(Trained {
                metrics: state.metrics,
                model: plans[p].model.from_parameters(&weights, device)?,
                train_seconds,
                engine: EngineKind::Population,
            })
        })
        .collect()
}

/// What [`train_population`] calls after each epoch: the epoch, and a way to build every
/// network's checkpoint (only when needed).
pub type OnPopulationEpoch<'a> = dyn FnMut(usize, &dyn Fn() -> Result<Vec<Checkpoint>, TrainError>) -> std::ops::ControlFlow<()>
    + 'a;

/// Network `p`'s checkpoint: its run's state and its slice of the population's weights.
fn checkpoint_of(
    state: &RunState,
    population: &Population,
    p: usize,
) -> Result<Checkpoint, TrainError> {
    Ok(Checkpoint {
        epoch: state.metrics.len(),
        rng: state.rng.state(),
        train_order: state.train_order.clone(),
        val_order: state.val_order.clone(),
        best_val: state.stopping.best(),
        since_best: state.stopping.since_best(),
        weights: population.network(p).parameters()?,
        metrics: state.metrics.clone(),
        adam: None,
    })
}
