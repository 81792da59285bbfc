//! A run folder: everything needed to trace a result back and run it again.
//!
//! `config.toml` (the resolved config, every default filled in), `metrics.csv` (one row per
//! epoch, rewritten whole after each), `scaler.json`, `model.bpk` + `model.json` (the network's
//! record and config), `model.safetensors` (the weights in PyTorch's layout, with model.json and
//! scaler.json in its metadata: [`export_safetensors`]) and `summary.json`. Every file is written to a temporary name and renamed,
//! so an interrupted run never leaves a half-written file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use zoepnet_dataset::Scaler;

use crate::checkpoint::Checkpoint;
use crate::config::ExperimentConfig;
use crate::device::DeviceInfo;
use crate::evaluate::{BaselineScores, Scores};
use crate::lock::{FolderLock, LockError};
use crate::train::{EpochMetrics, Trained};

pub use zoepnet_dataset::write_atomically;

/// The names of the files zoepnet writes in a folder: a run's, and the marker files of the
/// other work a folder can hold (a sweep, a planned sweep, a seed study). Every caller names
/// them through these.
pub mod files {
    /// The resolved config (every default filled in).
    pub const CONFIG: &str = "config.toml";
    /// The input standardisation ([`zoepnet_dataset::Scaler`]).
    pub const SCALER: &str = "scaler.json";
    /// One row per epoch.
    pub const METRICS: &str = "metrics.csv";
    /// What a run continues from ([`crate::checkpoint::Checkpoint`]).
    pub const CHECKPOINT: &str = "checkpoint.json";
    /// The trained network's path without extension: [`MODEL_RECORD`] and [`MODEL_CONFIG`].
    pub const MODEL: &str = "model";
    /// The trained network's Burn record.
    pub const MODEL_RECORD: &str = "model.bpk";
    /// The trained network's config.
    pub const MODEL_CONFIG: &str = "model.json";
    /// The network for other tools: see [`super::export_safetensors`].
    pub const SAFETENSORS: &str = "model.safetensors";
    /// Written last, it marks a run finished.
    pub const SUMMARY: &str = "summary.json";
    /// The pictures' folder.
    pub const PLOTS: &str = "plots";
    /// A planned sweep's plan.
    pub const PLAN: &str = "plan.json";
    /// A planned sweep's copy of its base config.
    pub const PLAN_BASE: &str = "base.toml";
    /// A planned sweep's Slurm job-array script.
    pub const SBATCH: &str = "sweep.sbatch";
    /// A planned sweep's folder of Slurm logs.
    pub const SLURM_LOGS: &str = "logs";
    /// The stem of a sweep's tables and plot (`sweep.md`, `sweep.csv`, `plots/sweep-val.png`).
    pub const SWEEP_STEM: &str = "sweep";
    /// A sweep's table of its runs.
    pub const SWEEP: &str = "sweep.md";
    /// The stem of `zoepnet compare`'s tables and plot.
    pub const COMPARE_STEM: &str = "compare";
    /// A seed study's table of its seeds.
    pub const SEEDS: &str = "seeds.csv";
    /// A seed study's summary.
    pub const SEEDS_SUMMARY: &str = "seeds.md";
    /// The stem of a seed study's histograms under [`PLOTS`] (`.png` and `.svg`).
    pub const SEEDS_PLOT: &str = "seeds";
    /// The lock file of a folder's writer ([`crate::lock::FolderLock`]).
    pub const LOCK: &str = ".zoepnet.lock";
}

pub use files::{SAFETENSORS, SUMMARY};

/// Why a folder is not one to train a run into, or to continue one from.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// A file, not a folder.
    #[error("{}: a file, not a folder", .0.display())]
    File(PathBuf),
    /// It holds a run stopped after an epoch: training afresh would throw its checkpoint away.
    #[error(
        "{}: holds a run stopped{}",
        dir.display(),
        epoch.map(|e| format!(" after epoch {e}")).unwrap_or_default()
    )]
    Stopped {
        /// The folder.
        dir: PathBuf,
        /// Its checkpoint's epoch, when it reads.
        epoch: Option<usize>,
    },
    /// It holds another command's work.
    #[error("{}: holds {} ({}), not a run", dir.display(), work.describe(), work.marker())]
    Other {
        /// The folder.
        dir: PathBuf,
        /// What it holds.
        work: Work,
    },
    /// No run in it (no config) to continue.
    #[error("{}: not a run folder (no {})", .0.display(), files::CONFIG)]
    NotARun(PathBuf),
    /// Its run stopped before its first epoch ended: nothing to continue from.
    #[error("{}: no {}: the run stopped before its first epoch ended", .0.display(), files::CHECKPOINT)]
    NotStarted(PathBuf),
    /// Its checkpoint does not read.
    #[error(transparent)]
    Unreadable(#[from] ReadError),
    /// Another process writes there now.
    #[error(transparent)]
    InUse(#[from] LockError),
    /// Its checkpoint changed between reading it and taking the folder: another process trained
    /// it on meanwhile.
    #[error("{}: changed while it was being read (another process trained it on); try again", .0.display())]
    Changed(PathBuf),
    /// A file of its last run could not be removed.
    #[error(transparent)]
    Unwritable(RunError),
}

impl FolderError {
    /// Whether the user's input is at fault: the folder given is; a file that could not be
    /// removed, or a lock that could not be taken, is the machine's.
    pub fn is_bad_input(&self) -> bool {
        match self {
            FolderError::InUse(e) => e.is_bad_input(),
            FolderError::Unwritable(_) => false,
            _ => true,
        }
    }
}

impl RunFolder {
    /// Whether a run may be trained into `dir` afresh: not where that would lose work (a
    /// stopped run's checkpoint, another command's files). A finished run is trained again in
    /// place.
    ///
    /// # Errors
    /// [`FolderError::InUse`], [`FolderError::File`], [`FolderError::Stopped`] or
    /// [`FolderError::Other`].
    pub fn check_fresh(dir: &Path) -> Result<(), FolderError> {
        FolderLock::check_free(dir)?;
        Self::fresh_state(dir)
    }

    /// [`RunFolder::check_fresh`] but the lock: for the folder's holder, under its lock.
    fn fresh_state(dir: &Path) -> Result<(), FolderError> {
        match FolderState::of(dir) {
            FolderState::File => Err(FolderError::File(dir.to_owned())),
            FolderState::Stopped { epoch } => Err(FolderError::Stopped {
                dir: dir.to_owned(),
                epoch,
            }),
            FolderState::Other(work) => Err(FolderError::Other {
                dir: dir.to_owned(),
                work,
            }),
            _ => Ok(()),
        }
    }

    /// Under this folder's lock, before a run is trained into it: afresh (`resume` none), the
    /// folder is still one to train afresh and what its last run left is withdrawn; continued,
    /// its checkpoint is still `resume` (no other process moved it on since it was read) and its
    /// `scaler.json` is the one the data gives.
    ///
    /// # Errors
    /// [`FolderError`]: as [`RunFolder::check_fresh`], [`FolderError::Changed`],
    /// [`FolderError::Unreadable`] for a scaler that does not read or fit; [`RunError`] inside
    /// `Unwritable` for a file that could not be removed.
    pub fn prepare(&self, resume: Option<&Checkpoint>, scaler: &Scaler) -> Result<(), FolderError> {
        let Some(cp) = resume else {
            Self::fresh_state(&self.dir)?;
            return self
                .withdraw(Withdraw::Everything)
                .map_err(FolderError::Unwritable);
        };
        if Self::load_checkpoint(&self.dir)? != *cp {
            return Err(FolderError::Changed(self.dir.clone()));
        }
        let path = self.dir.join(files::SCALER);
        let err = |message: String| ReadError {
            path: path.clone(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
        let theirs: Scaler = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        if theirs != *scaler {
            return Err(err(
                "not the scaler the run's data gives (the folder was edited, \
                            or its data changed)"
                    .into(),
            )
            .into());
        }
        Ok(())
    }

    /// The run in `dir` to continue ([`crate::experiment::run`] with it as `resume`): its
    /// config file and its checkpoint.
    ///
    /// # Errors
    /// [`FolderError::InUse`], [`FolderError::NotARun`], [`FolderError::NotStarted`],
    /// [`FolderError::Unreadable`].
    pub fn resumable(dir: &Path) -> Result<(PathBuf, Checkpoint), FolderError> {
        FolderLock::check_free(dir)?;
        let config = dir.join(files::CONFIG);
        match FolderState::of(dir) {
            state if !state.is_run() => Err(FolderError::NotARun(dir.to_owned())),
            FolderState::Started => Err(FolderError::NotStarted(dir.to_owned())),
            _ => Ok((config, Self::load_checkpoint(dir)?)),
        }
    }
}

/// What a folder holds, as zoepnet's commands see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderState {
    /// Nothing zoepnet wrote (or no folder yet).
    Empty,
    /// A file, not a folder.
    File,
    /// A run that stopped before its first epoch ended: a config, no checkpoint.
    Started,
    /// A run stopped after an epoch (`None`: its checkpoint does not read), to be resumed.
    Stopped {
        /// The last epoch completed.
        epoch: Option<usize>,
    },
    /// A finished run.
    Finished,
    /// Another command's work.
    Other(Work),
}

/// The work of another command than `train` that a folder can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A planned sweep ([`files::PLAN`]).
    PlannedSweep,
    /// A sweep ([`files::SWEEP`]).
    Sweep,
    /// A seed study ([`files::SEEDS`]).
    SeedStudy,
}

impl Work {
    /// Its marker file.
    pub fn marker(self) -> &'static str {
        match self {
            Work::PlannedSweep => files::PLAN,
            Work::Sweep => files::SWEEP,
            Work::SeedStudy => files::SEEDS,
        }
    }

    /// In words: "a planned sweep".
    pub fn describe(self) -> &'static str {
        match self {
            Work::PlannedSweep => "a planned sweep",
            Work::Sweep => "a sweep",
            Work::SeedStudy => "a seed study",
        }
    }
}

impl FolderState {
    /// What `dir` holds: another command's work first (by its marker file), then a run's state.
    pub fn of(dir: &Path) -> Self {
        if dir.exists() && !dir.is_dir() {
            return FolderState::File;
        }
        let has = |name: &str| dir.join(name).is_file();
        if let Some(work) = [Work::PlannedSweep, Work::Sweep, Work::SeedStudy]
            .into_iter()
            .find(|w| has(w.marker()))
        {
            return FolderState::Other(work);
        }
        match (
            has(files::CONFIG),
            has(files::SUMMARY),
            has(files::CHECKPOINT),
        ) {
            (false, _, _) => FolderState::Empty,
            (true, true, _) => FolderState::Finished,
            (true, false, false) => FolderState::Started,
            (true, false, true) => FolderState::Stopped {
                epoch: RunFolder::load_checkpoint(dir).ok().map(|cp| cp.epoch),
            },
        }
    }

    /// The run folders directly inside `dir` (those with a config), by name.
    pub fn runs_in(dir: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join(files::CONFIG).is_file())
            .collect();
        found.sort();
        found
    }

    /// Whether it holds a run (finished, stopped or started).
    pub fn is_run(&self) -> bool {
        matches!(
            self,
            FolderState::Started | FolderState::Stopped { .. } | FolderState::Finished
        )
    }
}

/// Writes `model`, the network of the run folder `dir`, to `out` as safetensors in PyTorch's
/// layout (`fc1.weight` `[hidden, 7]`, `fc1.bias`, `fc2.weight` `[1, hidden]`, `fc2.bias`:
/// [`zoepnet_model::export`]), with string metadata a user needs to apply it:
///
/// - `zoepnet.model`: the run's `model.json` (activation, `baseline`, `correction`);
/// - `zoepnet.scaler`: its `scaler.json` (`inputs`: the encoding, "layers", "contrasts" or
///   "contrasts-critical";
///   `mean` and `std`: the standardisation of the encoded inputs, x' = (x − mean) / std);
/// - `zoepnet.version`: the zoepnet that wrote it.
///
/// A network with `inputs = "layers"`, `baseline = "none"` and a sigmoid is then, in NumPy,
/// `sigmoid(x' fc1.weightᵀ + fc1.bias) fc2.weightᵀ + fc2.bias` (the README shows it); the
/// others add their encoding and baseline as `zoepnet predict` does.
///
/// # Errors
/// [`RunError`] naming the file that could not be read (`model.json`, `scaler.json`) or written.
pub fn export_safetensors(
    dir: &Path,
    model: &zoepnet_model::Mlp,
    out: &Path,
) -> Result<(), RunError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| RunError {
            path,
            message: e.to_string(),
        })
    };
    let metadata = [
        ("zoepnet.model", read(files::MODEL_CONFIG)?),
        ("zoepnet.scaler", read(files::SCALER)?),
        ("zoepnet.version", env!("CARGO_PKG_VERSION").to_owned()),
    ];
    let err = |message: String| RunError {
        path: out.to_owned(),
        message,
    };
    let bytes = model
        .safetensors(&metadata)
        .map_err(|e| err(e.to_string()))?;
    write_atomically(out, |f| f.write_all(&bytes)).map_err(|e| err(e.to_string()))
}

/// What went wrong writing a run folder.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct RunError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// A run folder's file that does not read: the user's folder is not as zoepnet left it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

/// The columns of `metrics.csv`, in order (the fields of [`EpochMetrics`]).
pub const METRICS_COLUMNS: [&str; 5] =
    ["epoch", "train_mse", "val_mse", "learning_rate", "seconds"];

/// What [`RunFolder::withdraw`] removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdraw {
    /// What a finished run adds: its summary, model and plots.
    Finish,
    /// All the run's results, its checkpoint and metrics too: a run trained afresh.
    Everything,
}

/// A run's folder, held by this process (its [`FolderLock`]) for as long as the value lives.
#[derive(Debug, Clone)]
pub struct RunFolder {
    dir: PathBuf,
    _lock: Arc<FolderLock>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// Training MSE of the final weights.
    pub final_train_mse: f64,
    /// Validation MSE of the final weights.
    pub final_val_mse: f64,
    /// The last epoch's running training loss (the tutorial's "training MSE").
    pub last_epoch_train_mse: f64,
    /// The last epoch's validation MSE, measured at its start (the tutorial's "validation MSE").
    pub last_epoch_val_mse: f64,
    /// "New rocks" MSE of the final weights.
    pub blind_mse: f64,
    /// "New angles": the largest |prediction − exact| over the sweeps (null without sweeps).
    pub avo_max_abs_error: Option<f64>,
    /// The first angle of the sweeps, degrees.
    pub avo_theta_min: Option<f64>,
    /// The last angle of the sweeps, degrees.
    pub avo_theta_max: Option<f64>,
    /// Epochs run.
    pub epochs: usize,
    /// The backend.
    pub backend: String,
    /// The device.
    pub device: String,
    /// `fused` or `tensor`.
    pub engine: String,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// `train.seed`.
    pub seed: u32,
    /// Aki-Richards and Shuey on the same validation, "new rocks" and "new angles" sets.
    #[serde(default)]
    pub baselines: Vec<BaselineScores>,
    /// zoepnet's version.
    pub zoepnet_version: String,
    /// What each figure above is, in words ([`Summary::meanings`]), so that the file says which
    /// train MSE is the tutorial's running one and which the final weights'. Absent from runs
    /// before it was written.
    #[serde(default)]
    pub meanings: std::collections::BTreeMap<String, String>,
    /// The sha256 of each file a reader takes from the folder ([`MANIFEST`]), as the run left
    /// them: the folder is a finished run while they still match ([`RunFolder::verify`]). Empty
    /// in runs written before it was.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// The sha256 of this summary's own JSON without this field (compact, as
    /// [`Summary::own_checksum`] writes it): a figure edited by hand is found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// The files of a finished run whose sha256 its `summary.json` records: what zoepnet reads
/// back from it.
pub const MANIFEST: [&str; 5] = [
    files::CONFIG,
    files::SCALER,
    files::METRICS,
    files::MODEL_CONFIG,
    files::MODEL_RECORD,
];

impl Summary {
    /// The sha256 of the summary's JSON without its `checksum`.
    pub fn own_checksum(&self) -> String {
        let mut bare = self.clone();
        bare.checksum = None;
        // Serialising a struct of numbers, strings and maps cannot fail.
        let json = serde_json::to_vec(&bare).unwrap_or_default();
        zoepnet_dataset::source::sha256_bytes(&json)
    }

    /// The figures of `summary.json` and what each is.
    pub fn meanings() -> std::collections::BTreeMap<String, String> {
        [
            (
                "final_train_mse",
                "MSE of the final weights on the training interfaces",
            ),
            (
                "final_val_mse",
                "MSE of the final weights on the validation interfaces",
            ),
            (
                "last_epoch_train_mse",
                "the last epoch's running training MSE, each sample's error before its update \
                 (the tutorial's published train MSE)",
            ),
            (
                "last_epoch_val_mse",
                "validation MSE at the start of the last epoch (the tutorial's published \
                 validation MSE)",
            ),
            (
                "blind_mse",
                "MSE of the final weights on the 'new rocks' blind interfaces",
            ),
            (
                "avo_max_abs_error",
                "largest |network - exact Zoeppritz| over the 'new angles' sweeps, from \
                 avo_theta_min to avo_theta_max degrees",
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

impl RunFolder {
    /// The folder `dir`, created if missing, held for writing ([`FolderLock::acquire`]).
    ///
    /// # Errors
    /// [`LockError::Busy`] where another process writes there.
    pub fn create(dir: &Path) -> Result<Self, LockError> {
        let lock = FolderLock::acquire(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
            _lock: Arc::new(lock),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn write(
        &self,
        name: &str,
        write: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<()>,
    ) -> Result<(), RunError> {
        let path = self.dir.join(name);
        write_atomically(&path, write).map_err(|e| RunError {
            path,
            message: e.to_string(),
        })
    }

    /// Whether `dir/config.toml` is `config` as [`RunFolder::start`] writes it: a run (or
    /// study) of the same resolved config.
    pub(crate) fn holds_config(dir: &Path, config: &ExperimentConfig) -> bool {
        match (
            std::fs::read_to_string(dir.join(files::CONFIG)),
            config.to_toml(),
        ) {
            (Ok(theirs), Ok(ours)) => theirs == ours,
            _ => false,
        }
    }

    /// Writes `config.toml` and `scaler.json`.
    pub fn start(&self, config: &ExperimentConfig, scaler: &Scaler) -> Result<(), RunError> {
        self.write_config(config)?;
        self.write(files::SCALER, |f| {
            serde_json::to_writer_pretty(&mut *f, scaler)?;
            writeln!(f)
        })
    }

    /// Whether the run is finished: its `summary.json` is written (the last file a run writes).
    pub(crate) fn is_finished(&self) -> bool {
        self.dir.join(SUMMARY).is_file()
    }

    /// Sets the run going on under `config` (another `train.epochs`): withdraws what says
    /// "finished" first ([`RunFolder::withdraw`]), then rewrites `config.toml`.
    pub fn extend(&self, config: &ExperimentConfig) -> Result<(), RunError> {
        self.withdraw(Withdraw::Finish)?;
        self.write_config(config)
    }

    /// Removes what a run's files say, before the run is trained again: `summary.json` first
    /// (the folder is then not finished, for every reader), then the model, its safetensors and
    /// the plots; with [`Withdraw::Everything`], also the checkpoint and the metrics of a run
    /// trained afresh. Files already gone are no error.
    ///
    /// # Errors
    /// [`RunError`] naming a file that could not be removed.
    pub fn withdraw(&self, what: Withdraw) -> Result<(), RunError> {
        let finish = [
            SUMMARY,
            files::MODEL_RECORD,
            files::MODEL_CONFIG,
            SAFETENSORS,
            files::PLOTS,
        ];
        let progress = [files::CHECKPOINT, files::METRICS];
        let more: &[&str] = match what {
            Withdraw::Finish => &[],
            Withdraw::Everything => &progress,
        };
        for name in finish.iter().chain(more) {
            let path = self.dir.join(name);
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(RunError {
                        path,
                        message: e.to_string(),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes `config.toml`: the resolved config.
    fn write_config(&self, config: &ExperimentConfig) -> Result<(), RunError> {
        let toml = config.to_toml().map_err(|e| RunError {
            path: self.dir.join(files::CONFIG),
            message: e.to_string(),
        })?;
        self.write(files::CONFIG, |f| f.write_all(toml.as_bytes()))
    }

    /// Rewrites `metrics.csv` with the rows so far.
    pub fn metrics(&self, rows: &[EpochMetrics]) -> Result<(), RunError> {
        self.write(files::METRICS, |f| {
            let mut out = csv::Writer::from_writer(f);
            if rows.is_empty() {
                out.write_record(METRICS_COLUMNS)?;
            }
            for row in rows {
                out.serialize(row)?;
            }
            out.flush()
        })
    }

    /// Writes `checkpoint.json` (exact: f64 values are written so that they read back the same).
    pub fn checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), RunError> {
        self.write(files::CHECKPOINT, |f| {
            serde_json::to_writer(&mut *f, checkpoint).map_err(io::Error::from)
        })
    }

    /// The rows of the run folder `dir`'s `metrics.csv`.
    pub fn load_metrics(dir: &Path) -> Result<Vec<EpochMetrics>, ReadError> {
        let path = dir.join(files::METRICS);
        let err = |message: String| ReadError {
            path: path.clone(),
            message,
        };
        let mut reader = csv::Reader::from_path(&path).map_err(|e| err(e.to_string()))?;
        let header = reader.headers().map_err(|e| err(e.to_string()))?;
        if header.iter().ne(METRICS_COLUMNS) {
            return Err(err(format!(
                "line 1: expected the columns {}",
                METRICS_COLUMNS.join(",")
            )));
        }
        reader
            .deserialize()
            .map(|row| {
                row.map_err(|e: csv::Error| {
                    let line = e.position().map_or(0, csv::Position::line);
                    err(format!(
                        "line {line}: expected {} ({e})",
                        METRICS_COLUMNS.join(",")
                    ))
                })
            })
            .collect()
    }

    /// That `metrics`, read from `dir`, are the epochs 1 to `epochs` (a finished run's), or at
    /// least those (a stopped run's: its metrics may run past its checkpoint, written with them
    /// but after), one row each, in order.
    ///
    /// # Errors
    /// [`ReadError`] naming `metrics.csv` and the first row out of place, or the count.
    pub fn check_metrics(
        dir: &Path,
        metrics: &[EpochMetrics],
        epochs: usize,
        finished: bool,
    ) -> Result<(), ReadError> {
        let err = |message: String| ReadError {
            path: dir.join(files::METRICS),
            message,
        };
        if let Some((i, row)) = metrics.iter().enumerate().find(|(i, m)| m.epoch != i + 1) {
            return Err(err(format!(
                "line {}: epoch {} where epoch {} belongs",
                i + 2,
                row.epoch,
                i + 1
            )));
        }
        if metrics.len() < epochs || (finished && metrics.len() != epochs) {
            return Err(err(format!(
                "{} epoch(s), where the run trained {epochs}",
                metrics.len()
            )));
        }
        Ok(())
    }

    /// The checkpoint of the run folder `dir`.
    pub fn load_checkpoint(dir: &Path) -> Result<Checkpoint, ReadError> {
        let path = dir.join(files::CHECKPOINT);
        let err = |message: String| ReadError {
            path: path.clone(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| err(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| err(e.to_string()))
    }

    /// The sha256 of each of [`MANIFEST`]'s files as they are now.
    fn checksums(&self) -> Result<BTreeMap<String, String>, RunError> {
        MANIFEST
            .iter()
            .map(|name| {
                let path = self.dir.join(name);
                zoepnet_dataset::source::sha256_file(&path)
                    .map(|sha| ((*name).to_owned(), sha))
                    .map_err(|e| RunError {
                        path,
                        message: e.to_string(),
                    })
            })
            .collect()
    }

    /// The summary of the finished run in `dir`, once every file its manifest
    /// ([`Summary::files`]) names is as the run left it: the one check a reader makes before it
    /// takes a folder for a finished run.
    ///
    /// # Errors
    /// [`ReadError`] naming `summary.json` (missing: the run is not finished; or not readable)
    /// or the first file that changed after the run finished.
    pub fn verify(dir: &Path) -> Result<Summary, ReadError> {
        let path = dir.join(SUMMARY);
        let err = |path: &Path, message: String| ReadError {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| err(&path, e.to_string()))?;
        let summary: Summary =
            serde_json::from_str(&text).map_err(|e| err(&path, e.to_string()))?;
        if summary.checksum.as_deref() != Some(summary.own_checksum().as_str()) {
            return Err(err(
                &path,
                "edited after the run finished, or written by another program (its checksum \
                 does not match)"
                    .into(),
            ));
        }
        for name in MANIFEST {
            let file = dir.join(name);
            let Some(expected) = summary.files.get(name) else {
                return Err(err(&path, format!("records no sha256 for {name}")));
            };
            let found = zoepnet_dataset::source::sha256_file(&file)
                .map_err(|e| err(&file, e.to_string()))?;
            if found != *expected {
                return Err(err(
                    &file,
                    format!(
                        "changed after the run finished (its sha256 is not the one {SUMMARY} \
                         records)"
                    ),
                ));
            }
        }
        Ok(summary)
    }

    /// Writes the model and `summary.json`; returns the summary.
    pub fn finish(
        &self,
        config: &ExperimentConfig,
        trained: &Trained,
        scores: &Scores,
        device: &DeviceInfo,
    ) -> Result<Summary, RunError> {
        self.metrics(&trained.metrics)?;
        let (json, record) = trained
            .model
            .encode(&config.model.mlp_config(config.data.inputs.width()))
            .map_err(|e| RunError {
                path: self.dir.join(files::MODEL_RECORD),
                message: e.to_string(),
            })?;
        self.write(files::MODEL_CONFIG, |f| f.write_all(json.as_bytes()))?;
        self.write(files::MODEL_RECORD, |f| f.write_all(&record))?;
        export_safetensors(&self.dir, &trained.model, &self.dir.join(SAFETENSORS))?;
        let last = trained.metrics.last().ok_or_else(|| RunError {
            path: self.dir.join(files::METRICS),
            message: "no epoch was trained".into(),
        })?;
        let summary = Summary {
            final_train_mse: scores.train_mse,
            final_val_mse: scores.val_mse,
            last_epoch_train_mse: last.train_mse,
            last_epoch_val_mse: last.val_mse,
            blind_mse: scores.blind_mse,
            avo_max_abs_error: scores.avo.map(|a| a.max_abs_error),
            avo_theta_min: scores.avo.map(|a| a.theta_min),
            avo_theta_max: scores.avo.map(|a| a.theta_max),
            epochs: trained.metrics.len(),
            backend: device.backend.to_string(),
            device: device.name.clone(),
            engine: trained.engine.name().to_owned(),
            train_seconds: trained.train_seconds,
            seed: config.train.seed,
            baselines: scores.baselines.clone(),
            zoepnet_version: env!("CARGO_PKG_VERSION").to_owned(),
            meanings: Summary::meanings(),
            files: self.checksums()?,
            checksum: None,
        };
        let summary = Summary {
            checksum: Some(summary.own_checksum()),
            ..summary
        };
        self.write(SUMMARY, |f| {
            serde_json::to_writer_pretty(&mut *f, &summary)?;
            writeln!(f)
        })?;
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_folder_is_one_whose_files_match_its_summary() {
        let dir = std::env::temp_dir().join(format!("zoepnet-verify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let folder = RunFolder::create(&dir).unwrap();
        for name in MANIFEST {
            std::fs::write(dir.join(name), name).unwrap();
        }
        let mut summary: Summary = serde_json::from_value(serde_json::json!({
            "final_train_mse": 1e-4, "final_val_mse": 0.1 + 0.2, "last_epoch_train_mse": 1e-4,
            "last_epoch_val_mse": 1e-4, "blind_mse": 3e-4, "avo_max_abs_error": null,
            "avo_theta_min": null, "avo_theta_max": null, "epochs": 2, "backend": "ndarray",
            "device": "CPU", "engine": "fused", "train_seconds": 0.5, "seed": 42,
            "zoepnet_version": "0.1.0"
        }))
        .unwrap();
        summary.files = folder.checksums().unwrap();
        summary.checksum = Some(summary.own_checksum());
        let write = |s: &Summary| {
            std::fs::write(dir.join(SUMMARY), serde_json::to_string_pretty(s).unwrap()).unwrap()
        };
        write(&summary);
        assert_eq!(RunFolder::verify(&dir).unwrap().epochs, 2);
        // A figure edited, a file's checksum left out, a file changed: each is found.
        let mut edited = summary.clone();
        edited.blind_mse = 1.0;
        write(&edited);
        assert!(
            RunFolder::verify(&dir)
                .unwrap_err()
                .message
                .contains("edited")
        );
        let mut holed = summary.clone();
        holed.files.remove(files::MODEL_RECORD);
        holed.checksum = Some(holed.own_checksum());
        write(&holed);
        let hole = RunFolder::verify(&dir).unwrap_err();
        assert!(
            hole.message.contains("records no sha256 for model.bpk"),
            "{hole}"
        );
        write(&summary);
        std::fs::write(dir.join(files::CONFIG), "[train]\nseed = 1\n").unwrap();
        let changed = RunFolder::verify(&dir).unwrap_err();
        assert_eq!(changed.path, dir.join(files::CONFIG));
        assert!(changed.message.contains("changed after the run finished"));
        // Trained again: what said "finished" goes first; the progress stays for a resume.
        std::fs::write(dir.join(files::CHECKPOINT), "{}").unwrap();
        folder.withdraw(Withdraw::Finish).unwrap();
        assert!(!dir.join(SUMMARY).exists() && dir.join(files::CHECKPOINT).exists());
        folder.withdraw(Withdraw::Everything).unwrap();
        assert!(!dir.join(files::CHECKPOINT).exists() && dir.join(files::CONFIG).exists());
        drop(folder);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn metrics_read_back_exactly_and_bad_rows_name_their_line() {
        let dir = std::env::temp_dir().join(format!("zoepnet-run-{}", std::process::id()));
        let folder = RunFolder::create(&dir).unwrap();
        let rows = [
            EpochMetrics {
                epoch: 1,
                train_mse: 0.1 + 0.2,
                val_mse: 1.0 / 3.0,
                learning_rate: 1e-3,
                seconds: 0.25,
            },
            EpochMetrics {
                epoch: 2,
                train_mse: 1.284454e-4,
                val_mse: 1.330712e-4,
                learning_rate: 1e-3,
                seconds: 0.5,
            },
        ];
        folder.metrics(&rows).unwrap();
        let text = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
        assert!(
            text.starts_with("epoch,train_mse,val_mse,learning_rate,seconds\n"),
            "{text}"
        );
        assert_eq!(RunFolder::load_metrics(&dir).unwrap(), rows);
        std::fs::write(dir.join("metrics.csv"), format!("{text}3,x,1,1,1\n")).unwrap();
        let err = RunFolder::load_metrics(&dir).unwrap_err().to_string();
        assert!(err.contains("line 4"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
