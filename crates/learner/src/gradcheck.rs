//! The gradient check of an experiment: its network, on its device, on a batch of its training
//! interfaces.

use std::path::PathBuf;

use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{DatasetError, prepare};
use zoepnet_model::{GradCheck, Population, Tolerance, gradcheck};

use crate::evaluate::model_inputs;

use crate::config::ExperimentConfig;
use crate::device::{DeviceError, DeviceInfo, Precision};

/// Why the check could not run.
#[derive(Debug, thiserror::Error)]
pub enum GradCheckError {
    /// The data could not be made.
    #[error(transparent)]
    Data(#[from] DatasetError),
    /// The device could not be brought up.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// The network's values could not be read.
    #[error(transparent)]
    Model(#[from] zoepnet_model::ModelError),
    /// No sample, or more samples asked for than there are training interfaces.
    #[error("--batch {asked}: expected 1 to {available}, the training interfaces")]
    Batch {
        /// Samples asked for.
        asked: usize,
        /// Training interfaces.
        available: usize,
    },
    /// The manual back-propagation is written for one hidden layer on seven inputs.
    #[error(
        "the manual back-propagation is for seven inputs and one hidden layer; this config has {inputs} inputs and {layers} hidden layers (model.layers, data.inputs)"
    )]
    Shape {
        /// Inputs.
        inputs: usize,
        /// Hidden layers.
        layers: usize,
    },
}

impl GradCheckError {
    /// Whether it comes from what the user gave: the data, the batch, the device asked for, or
    /// networks that do not stack (the config's, not the check's, fault).
    pub fn is_bad_input(&self) -> bool {
        match self {
            GradCheckError::Data(_)
            | GradCheckError::Batch { .. }
            | GradCheckError::Shape { .. } => true,
            GradCheckError::Device(d) => d.is_bad_input(),
            GradCheckError::Model(zoepnet_model::ModelError::Population(_)) => true,
            _ => false,
        }
    }
}

/// What was checked, and the outcome.
#[derive(Debug, Clone)]
pub struct Report {
    /// Networks checked at once: 1, or the population's size.
    pub networks: usize,
    /// The device used.
    pub device: DeviceInfo,
    /// Its float type.
    pub precision: Precision,
    /// Samples in the batch.
    pub batch: usize,
    /// The comparison.
    pub check: GradCheck,
}

/// Initialises the config's network (seeded with `data.seed`) on its backend and checks its
/// gradients on the first `batch` training interfaces of the LAS files at `logs`.
///
/// With `population` = Some(P), P networks (network p seeded with `data.seed + p`) are stacked
/// into one [`Population`] module and checked at once on the same batch
/// ([`gradcheck::check_population`]); only plain networks (no baseline) stack.
pub fn run(
    config: &ExperimentConfig,
    logs: &[PathBuf],
    batch: usize,
    population: Option<usize>,
) -> Result<Report, GradCheckError> {
    let shape = config.model.mlp_config(config.data.inputs.width());
    if crate::plan::is_deep(&shape) {
        return Err(GradCheckError::Shape {
            inputs: shape.inputs,
            layers: shape.layers(),
        });
    }
    let precision = config.backend.precision();
    let (device, info) = config.backend.select()?;
    let prepared = prepare(&config.data, logs)?;
    if batch == 0 || batch > prepared.train.len() {
        return Err(GradCheckError::Batch {
            asked: batch,
            available: prepared.train.len(),
        });
    }
    let batcher = InterfaceBatcher::new(prepared.scaler.clone());
    let items = &prepared.train[..batch];
    device.seed(u64::from(config.data.seed));
    let model = config
        .model
        .mlp_config(config.data.inputs.width())
        .init(&device);
    // A physics-residual network's inputs carry its baseline's values: checked with them.
    let x = model_inputs(&model, &batcher, items, &device); // [B, 7], [B, 1]
    let t = batcher.targets(items, &device); // [B, 1]
    let tolerance = match precision {
        Precision::F64 => Tolerance::F64,
        Precision::F32 => Tolerance::F32,
    };
    let (check, networks) = match population {
        None => (gradcheck::check(&model, x, t, tolerance)?, 1),
        Some(p) => {
            let networks: Vec<_> = (0..p)
                .map(|k| {
                    device.seed(u64::from(config.data.seed) + k as u64);
                    config
                        .model
                        .mlp_config(config.data.inputs.width())
                        .init(&device)
                })
                .collect();
            let population = Population::stack(&networks)?;
            let x = x.x.unsqueeze_dim::<3>(0).repeat_dim(0, p); // [P, B, 7]
            let t = t.reshape([1, batch]).repeat_dim(0, p); // [P, B]
            (
                gradcheck::check_population(&population, x, t, tolerance)?,
                p,
            )
        }
    };
    Ok(Report {
        networks,
        device: info,
        precision,
        batch,
        check,
    })
}
