//! A finished run, opened from its folder to use its network: predictions for any interfaces,
//! its blind tests on its own well or another, and its error on a table of labelled
//! interfaces beside the classical approximations'.

use std::path::{Path, PathBuf};

use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{DataConfig, DatasetError, InterfaceItem, Scaler, prepare_blind};
use zoepnet_model::Mlp;

use crate::config::{ExperimentConfig, LoadError};
use crate::device::DeviceError;
use crate::evaluate::{
    BaselineComparison, EvaluateError, SweepError, against_baselines, mse, predict, sweep_errors,
};
use crate::lock::FolderLock;
use crate::run::{FolderState, files};

/// A trained run: its config, network (on its backend) and scaler.
#[derive(Debug)]
pub struct TrainedRun {
    /// The resolved config.
    pub config: ExperimentConfig,
    /// The trained network.
    pub model: Mlp,
    /// The feature scaler.
    pub scaler: Scaler,
    /// The device it runs on.
    pub device: burn::tensor::Device,
}

/// Why a run folder does not open as a trained run.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No config: not a run folder.
    #[error("{}: not a run folder (no {})", .0.display(), files::CONFIG)]
    NotARun(PathBuf),
    /// A run stopped before it finished: no trained network yet.
    #[error(
        "{}: a run stopped{}, with no trained network yet",
        dir.display(),
        epoch.map(|e| format!(" after epoch {e}")).unwrap_or_default()
    )]
    Stopped {
        /// The folder.
        dir: PathBuf,
        /// The last epoch its checkpoint holds, if it reads.
        epoch: Option<usize>,
    },
    /// A file of the network or its scaler missing or unreadable.
    #[error("{}: not a complete run folder ({what}: {message})", dir.display())]
    Incomplete {
        /// The folder.
        dir: PathBuf,
        /// The file.
        what: &'static str,
        /// Why.
        message: String,
    },
    /// A run that stopped before its first epoch ended.
    #[error("{}: a run that stopped before its first epoch ended, with no trained network", .0.display())]
    NotFinished(PathBuf),
    /// A file changed after the run finished, or its summary does not read.
    #[error(transparent)]
    Changed(#[from] crate::run::ReadError),
    /// Another process trains it now.
    #[error(transparent)]
    InUse(#[from] crate::lock::LockError),
    /// Its config does not load.
    #[error(transparent)]
    Config(#[from] LoadError),
    /// Its device cannot be brought up.
    #[error(transparent)]
    Device(#[from] DeviceError),
}

impl OpenError {
    /// Whether it comes from what the user gave (the folder), rather than the machine.
    pub fn is_bad_input(&self) -> bool {
        match self {
            OpenError::Device(e) => e.is_bad_input(),
            OpenError::InUse(e) => e.is_bad_input(),
            _ => true,
        }
    }
}

/// The network's figures on a run's blind sets ([`TrainedRun::blind`]).
#[derive(Debug, Clone)]
pub struct BlindScores {
    /// "New rocks": its interfaces and the network's MSE on them.
    pub rocks: (usize, f64),
    /// "New angles": the errors over each sweep.
    pub sweeps: Vec<SweepError>,
    /// What reading the logs got past.
    pub warnings: Vec<String>,
}

/// The network's figures on labelled interfaces ([`TrainedRun::score`]).
#[derive(Debug, Clone)]
pub struct TableScores {
    /// The network's MSE.
    pub network_mse: f64,
    /// Each approximation's and the network's on the rows inside the approximation's domain.
    pub baselines: Vec<BaselineComparison>,
    /// The same without the rows with a layer no rock can have (Vp/Vs <= sqrt(4/3), a log
    /// error), where there are such rows and others: (rows left out, network MSE, baselines).
    pub stable: Option<(usize, f64, Vec<BaselineComparison>)>,
}

impl TrainedRun {
    /// The trained run in the folder `dir`.
    ///
    /// # Errors
    /// [`OpenError`]: no run, a stopped one, a missing or broken file, its config, its device.
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        let config_path = dir.join(files::CONFIG);
        if !config_path.is_file() {
            return Err(OpenError::NotARun(dir.to_owned()));
        }
        FolderLock::check_free(dir)?;
        let config = crate::Plan::load(&config_path, &[])?.config;
        match FolderState::of(dir) {
            FolderState::Finished => {}
            FolderState::Stopped { epoch } => {
                return Err(OpenError::Stopped {
                    dir: dir.to_owned(),
                    epoch,
                });
            }
            _ => return Err(OpenError::NotFinished(dir.to_owned())),
        }
        crate::run::RunFolder::verify(dir)?;
        let incomplete = |what: &'static str, message: String| OpenError::Incomplete {
            dir: dir.to_owned(),
            what,
            message,
        };
        let (device, _) = config.backend.select()?;
        let (model, _) = Mlp::load(&dir.join(files::MODEL), &device)
            .map_err(|e| incomplete(files::MODEL, e.to_string()))?;
        let text = std::fs::read_to_string(dir.join(files::SCALER))
            .map_err(|e| incomplete(files::SCALER, e.to_string()))?;
        let scaler: Scaler =
            serde_json::from_str(&text).map_err(|e| incomplete(files::SCALER, e.to_string()))?;
        Ok(Self {
            config,
            model,
            scaler,
            device,
        })
    }

    fn batcher(&self) -> InterfaceBatcher {
        InterfaceBatcher::new(self.scaler.clone())
    }

    /// The network's outputs for unscaled items.
    ///
    /// # Errors
    /// Its outputs not read back.
    pub fn predict(&self, items: &[InterfaceItem]) -> Result<Vec<f64>, EvaluateError> {
        Ok(predict(&self.model, &self.batcher(), items, &self.device)?)
    }

    /// The `[data]` section to make blind sets with: the run's own, with `overrides` of its
    /// `data.*` keys applied (how other wells are read), and the well logs `las` in place of the
    /// run's where given (their url and sha256 then dropped: they were the run's files').
    ///
    /// # Errors
    /// [`BlindDataError::NotData`] for an override of another section (the network and its
    /// scaler are the run's); the overrides' [`LoadError`].
    pub fn blind_data(
        &self,
        dir: &Path,
        overrides: &[String],
        las: &[PathBuf],
    ) -> Result<DataConfig, BlindDataError> {
        let mut data = if overrides.is_empty() {
            self.config.data.clone()
        } else {
            if let Some(key) = overrides.iter().find(|kv| !kv.starts_with("data.")) {
                return Err(BlindDataError::NotData(key.clone()));
            }
            crate::Plan::load(&dir.join(files::CONFIG), overrides)?
                .config
                .data
        };
        if !las.is_empty() {
            data.las = las.to_vec();
            data.url = None;
            data.sha256 = None;
        }
        Ok(data)
    }

    /// The network on the blind sets that `data` makes from the well logs at `logs`.
    ///
    /// # Errors
    /// The data not made; the outputs not read back.
    pub fn blind(&self, data: &DataConfig, logs: &[PathBuf]) -> Result<BlindScores, BlindError> {
        let blind = prepare_blind(data, logs)?;
        let predicted = self.predict(&blind.rocks)?;
        let sweeps = sweep_errors(
            &self.model,
            &self.batcher(),
            &blind.new_angles,
            &self.device,
        )?;
        Ok(BlindScores {
            rocks: (blind.rocks.len(), mse(&predicted, &blind.rocks)?),
            sweeps,
            warnings: blind.warnings,
        })
    }

    /// The network's Rpp for each row of the table at `input` (interfaces the physics accepts:
    /// a network answers anything, so a row with a negative velocity or an angle past 90 is
    /// refused with its line), and where it extrapolates.
    ///
    /// # Errors
    /// [`PredictError`]: the table, or the outputs not read back.
    pub fn predict_table(&self, input: &Path) -> Result<PredictedTable, PredictError> {
        use zoepnet_dataset::Features as _;
        let (headers, rows) = zoepnet_dataset::table::read_rows(input, |v| {
            zoepnet_physics::Interface::from_properties(v.properties())
                .check(v.theta())
                .map(|()| *v)
                .map_err(|e| e.to_string())
        })?;
        let items: Vec<InterfaceItem> = rows
            .iter()
            .map(|(_, v)| InterfaceItem {
                features: *v,
                rpp: f64::NAN,
            })
            .collect();
        let line = |record: &csv::StringRecord| record.position().map_or(0, csv::Position::line);
        let extrapolation = extrapolation(&self.scaler, rows.iter().map(|(r, v)| (line(r), v)));
        let predicted = self.predict(&items)?;
        Ok(PredictedTable {
            headers,
            rows: rows.into_iter().map(|(r, _)| r).zip(predicted).collect(),
            extrapolation,
        })
    }

    /// The network's MSE on the labelled `items`, beside the approximations'.
    ///
    /// # Errors
    /// The outputs not read back.
    pub fn score(&self, items: &[InterfaceItem]) -> Result<TableScores, EvaluateError> {
        let predicted = self.predict(items)?;
        let (p, it): (Vec<f64>, Vec<InterfaceItem>) = predicted
            .iter()
            .zip(items)
            .filter(|(_, it)| {
                let i = it.interface();
                i.upper.is_stable() && i.lower.is_stable()
            })
            .map(|(&p, &it)| (p, it))
            .unzip();
        let unstable = items.len() - it.len();
        let stable = if unstable > 0 && !it.is_empty() {
            Some((unstable, mse(&p, &it)?, against_baselines(&p, &it)?))
        } else {
            None
        };
        Ok(TableScores {
            network_mse: mse(&predicted, items)?,
            baselines: against_baselines(&predicted, items)?,
            stable,
        })
    }
}

impl BlindError {
    /// Whether it comes from what the user gave (the logs), not the scoring.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, BlindError::Data(_))
    }
}

/// Rows of a table with an input outside the data a run's scaler was fitted on
/// ([`Scaler::outside`]): there the network extrapolates (other angles, rocks, or units than it
/// learned from).
#[derive(Debug, Clone, PartialEq)]
pub struct Extrapolation {
    /// Rows outside.
    pub outside: usize,
    /// Rows in all.
    pub total: usize,
    /// The first one's line.
    pub line: u64,
    /// Its input outside ("theta").
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// The span of the training data for that input.
    pub span: [f64; 2],
}

/// A table's predictions ([`TrainedRun::predict_table`]).
#[derive(Debug, Clone)]
pub struct PredictedTable {
    /// The header row.
    pub headers: csv::StringRecord,
    /// Each row as read, with the network's Rpp.
    pub rows: Vec<(csv::StringRecord, f64)>,
    /// Rows where the network extrapolates, if any.
    pub extrapolation: Option<Extrapolation>,
}

/// Why a table could not be predicted.
#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    /// The table does not read, or a row is no interface the physics accepts.
    #[error(transparent)]
    Table(#[from] zoepnet_dataset::table::TableError),
    /// The network's outputs could not be read.
    #[error(transparent)]
    Evaluate(#[from] EvaluateError),
}

impl PredictError {
    /// Whether it comes from what the user gave (the table).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, PredictError::Table(e) if e.is_bad_input())
    }
}

/// Where the rows (line, features) lie outside the data `scaler` was fitted on, if any do.
pub fn extrapolation<'a>(
    scaler: &Scaler,
    rows: impl Iterator<Item = (u64, &'a zoepnet_dataset::FeatureVector)>,
) -> Option<Extrapolation> {
    let (mut total, mut outside, mut first) = (0, 0, None);
    for (line, features) in rows {
        total += 1;
        if let Some(found) = scaler.outside(features) {
            outside += 1;
            first.get_or_insert((line, found));
        }
    }
    let (line, (name, value, span)) = first?;
    Some(Extrapolation {
        outside,
        total,
        line,
        name,
        value,
        span,
    })
}

/// Why the data for a run's blind tests could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BlindDataError {
    /// An override of another section than `[data]`.
    #[error(
        "{0}: only data.* keys apply (how the wells are read and the blind sets made); the \
         network and its scaler are the run's"
    )]
    NotData(String),
    /// The overrides do not load.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// Why a run's blind tests could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BlindError {
    /// The blind sets could not be made from the logs.
    #[error(transparent)]
    Data(#[from] DatasetError),
    /// The network could not be scored.
    #[error(transparent)]
    Evaluate(#[from] EvaluateError),
}
