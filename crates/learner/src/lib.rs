//! Config-driven experiments on the backends compiled in: every capability of zoepnet as a
//! call with typed inputs, results and errors, for the `zoepnet` command line and any other
//! front end.
//!
//! The 2018 tutorial from Rust: its config, its well log (found in a data folder, checked
//! against the config's sha256), a run folder, and the published figures.
//!
//! ```
//! use std::path::Path;
//! use zoepnet_dataset::{FetchOptions, locate_logs};
//! use zoepnet_learner::{Plan, experiment};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let plan = Plan::load(Path::new("../../configs/tutorial.toml"), &[])?;
//! let options = FetchOptions { data_dir: Some("../../../shared/data".into()), offline: true };
//! let logs: Vec<_> = locate_logs(&plan.config.data, &options, &mut |_| {})?
//!     .iter().map(|found| found.path().to_owned()).collect();
//! let out = std::env::temp_dir().join(format!("zoepnet-doc-{}", std::process::id()));
//! let stop = zoepnet_learner::Interrupter::new();
//! let summary = experiment::run(&plan, &logs, &out, None, &mut experiment::Quiet, &stop)?;
//! assert_eq!(format!("{:.4e}", summary.last_epoch_train_mse), "1.2845e-4");
//! assert_eq!(format!("{:.4e}", summary.last_epoch_val_mse), "1.3307e-4");
//! assert_eq!(format!("{:.4e}", summary.blind_mse), "3.3116e-4");
//! # std::fs::remove_dir_all(&out)?;
//! # Ok(())
//! # }
//! ```
//!
//! How an experiment flows through this crate:
//!
//! 1. [`config`]: the TOML file, read into typed sections that refuse unknown keys;
//! 2. [`plan`]: [`Plan::load`] (the one way in from a file and overrides) checks it into a
//!    [`Plan`], in which invalid combinations cannot be written (every refusal happens there,
//!    naming its key);
//! 3. [`experiment::run`]: the run folder, the device (chosen once, here at the edge, by
//!    [`device`]; the crates below take a `&Device`), training, checkpoints at most once a
//!    second, scoring, plots; progress and stop requests go through an [`experiment::Observer`];
//! 4. [`train`]: the epoch loop, over one of the `engine`s (fused, tensor, autodiff) behind
//!    one trait, with `early_stopping` and [`checkpoint`]s; [`extend`]: when a run may go on
//!    to more epochs;
//! 5. [`evaluate`]: the final scores and the baselines; [`run`]: the run folder's files and
//!    state; [`plots`]: its pictures.
//!
//! Beside a single run: [`trained`] (a finished run's network: predictions, blind tests,
//! scores on a table), [`domain`] (its scores on the domain test), [`sweep`] (a grid of
//! variants, here or as a Slurm job array), [`seed_study`], [`compare`] (runs side by side),
//! [`gradcheck`], [`bench`](mod@bench) (networks trained per second on each engine). Long work
//! takes an [`Interrupter`].

pub mod bench;
pub mod checkpoint;
pub mod compare;
pub mod config;
pub mod device;
pub mod domain;
pub(crate) mod early_stopping;
pub(crate) mod engine;
pub mod evaluate;
pub mod experiment;
pub mod extend;
pub mod fault;
pub mod gradcheck;
pub mod interrupt;
pub mod lock;
pub mod plan;
pub mod plots;
pub mod population;
pub mod run;
pub mod seed_study;
pub mod seeds;
pub mod sweep;
pub mod train;
pub mod trained;
pub mod well_test;

pub use config::{ExperimentConfig, LoadError};
pub use device::{Backend, DeviceError, DeviceInfo, Precision};
pub use fault::Fault;
pub use interrupt::Interrupter;
pub use plan::Plan;
/// The fused CPU engine (its own burn-free crate), for its SIMD report.
pub use zoepnet_fused as fused;
