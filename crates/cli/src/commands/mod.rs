//! One module per subcommand.

pub mod bench;
pub mod compare;
pub mod data;
pub mod eval;
pub mod export;
pub mod fetch;
pub mod gradcheck;
pub mod info;
pub mod las;
pub mod plot;
pub mod predict;
pub mod progress;
pub mod reflectivity;
pub mod seeds;
pub mod sweep;
pub mod table;
pub mod train;

use clap::builder::TypedValueParser as _;
use zoepnet_dataset::DatasetError;

use zoepnet_learner::run::files;

/// Where the well logs are and whether they may be downloaded: the options of the commands
/// that read well logs (and no others).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DataOptions {
    /// Folder that holds the data files (e.g. ../shared/data): a file not at the path a config or
    /// the command line gives is looked for there by its name.
    // An empty ZOEPNET_DATA_DIR= reads as unset (the default parser refused it, naming the
    // option the user never typed).
    #[arg(
        long,
        env = "ZOEPNET_DATA_DIR",
        value_name = "DIR",
        value_parser = clap::builder::OsStringValueParser::new().map(std::path::PathBuf::from)
    )]
    data_dir: Option<std::path::PathBuf>,

    /// Never download a missing data file; say where to put it instead.
    #[arg(
        long,
        env = "ZOEPNET_OFFLINE",
        // 1, true, yes, on; an empty ZOEPNET_OFFLINE= is off.
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    offline: bool,
}

impl DataOptions {
    /// The options as the environment alone sets them (ZOEPNET_DATA_DIR, ZOEPNET_OFFLINE), read
    /// by the same parsers as the command line's: for `info`, which takes no data options.
    pub fn from_env() -> Result<Self, clap::Error> {
        use clap::{Args as _, FromArgMatches as _};
        let command = Self::augment_args(clap::Command::new("zoepnet"));
        Self::from_arg_matches(&command.try_get_matches_from(["zoepnet"])?)
    }

    /// The library's options.
    pub fn fetch(&self) -> zoepnet_dataset::FetchOptions {
        zoepnet_dataset::FetchOptions {
            data_dir: self.data_dir.clone().filter(|d| !d.as_os_str().is_empty()),
            offline: self.offline,
        }
    }
}

/// A mistake in the arguments that clap cannot see (an unknown curve name, say).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The data `config` describes, from the well logs at `logs`, with what reading them got past
/// shown on stderr (once per process).
pub fn prepare(
    config: &zoepnet_dataset::DataConfig,
    logs: &[std::path::PathBuf],
) -> Result<zoepnet_dataset::Prepared, DatasetError> {
    let prepared = zoepnet_dataset::prepare(config, logs)?;
    prepared.warnings.iter().for_each(|w| progress::warn(w));
    Ok(prepared)
}

/// A usage error (exit 2) where `path`, given as a file to write, cannot be one: a folder (the
/// message suggests a file `example` in it), or in a folder that does not exist.
pub fn output_file(path: &std::path::Path, example: &str) -> Result<(), UsageError> {
    if path.is_dir() {
        return Err(UsageError(format!(
            "{}: a folder; give the file to write (e.g. {})",
            path.display(),
            path.join(example).display()
        )));
    }
    let parent = match path.parent() {
        Some(p) if p.as_os_str().is_empty() => std::path::Path::new("."),
        Some(p) => p,
        None => return Ok(()),
    };
    if !parent.is_dir() {
        return Err(UsageError(format!(
            "{}: no folder {} to write it in",
            path.display(),
            parent.display()
        )));
    }
    // Never into a folder another process writes, nor over a run's own files.
    zoepnet_learner::lock::FolderLock::check_free(parent).map_err(|e| UsageError(e.to_string()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let owned = zoepnet_learner::run::MANIFEST
        .iter()
        .chain(&[files::CHECKPOINT, files::SUMMARY])
        .any(|f| *f == name);
    if owned && zoepnet_learner::run::FolderState::of(parent).is_run() {
        return Err(UsageError(format!(
            "{}: a file of the run in {}; give another path",
            path.display(),
            parent.display()
        )));
    }
    Ok(())
}

/// A usage error (exit 2) where `path`, given as a folder to write into, is a file.
pub fn output_folder(path: &std::path::Path) -> Result<(), UsageError> {
    if path.exists() && !path.is_dir() {
        Err(UsageError(format!(
            "{}: a file, not a folder: give a folder to write into",
            path.display()
        )))
    } else {
        Ok(())
    }
}

/// The config of the run folder `dir`, or a usage error (exit 2) saying `dir` is not a run
/// folder.
pub fn run_folder_config(dir: &std::path::Path) -> Result<std::path::PathBuf, UsageError> {
    let config = dir.join(files::CONFIG);
    if config.is_file() {
        Ok(config)
    } else {
        Err(UsageError(format!(
            "{}: not a run folder (no {})",
            dir.display(),
            files::CONFIG
        )))
    }
}

/// The default folder for a config's runs: `runs/<config file stem><suffix>`.
pub fn default_out(config: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let stem = config
        .file_stem()
        .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    std::path::PathBuf::from("runs").join(format!("{stem}{suffix}"))
}

/// The `--set` overrides with `--backend` applied: the backend, and its default precision
/// (f64 on the CPU backends, f32 on wgpu) unless a `--set backend.precision=...` says otherwise.
pub fn with_backend(
    set: &[String],
    backend: Option<zoepnet_learner::device::Backend>,
) -> Vec<String> {
    let mut overrides = set.to_vec();
    if let Some(backend) = backend {
        overrides.push(format!("backend.kind={backend}"));
        if !set
            .iter()
            .any(|s| s.trim_start().starts_with("backend.precision"))
        {
            let precision = zoepnet_learner::Precision::default_for(backend);
            overrides.push(format!("backend.precision={precision}"));
        }
    }
    overrides
}
