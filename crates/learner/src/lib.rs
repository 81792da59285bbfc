//! Config-driven experiments on the backends compiled in.
//!
//! How an experiment flows through this crate:
//!
//! 1. [`config`]: the TOML file, read into typed sections that refuse unknown keys;
//! 2. [`plan`]: [`ExperimentConfig::check`] returns a [`Plan`], in which invalid combinations
//!    cannot be written (every refusal happens there, naming its key);
//! 3. [`experiment::run`]: the run folder, the device (chosen once, here at the edge, by
//!    [`device`]; the crates below take a `&Device`), training, checkpoints at most once a
//!    second, scoring, plots; progress and stop requests go through an [`experiment::Observer`];
//! 4. [`train`]: the epoch loop, over one of the [`engine`]s (fused, tensor, autodiff) behind
//!    one trait, with [`early_stopping`] and [`checkpoint`]s; [`extend`]: when a run may go on
//!    to more epochs;
//! 5. [`evaluate`]: the final scores and the baselines; [`run`]: the run folder's files;
//!    [`plots`]: its pictures; [`compare`]: runs side by side; [`gradcheck`]: the model's
//!    gradient check on a config's data; [`bench`](mod@bench): networks trained per second on
//!    each engine.

pub mod bench;
pub mod checkpoint;
pub mod compare;
pub mod config;
pub mod device;
pub mod early_stopping;
pub mod engine;
pub mod evaluate;
pub mod experiment;
pub mod extend;
pub mod gradcheck;
pub mod interrupt;
pub mod plan;
pub mod plots;
pub mod population;
pub mod run;
pub mod seed_study;
pub mod seeds;
pub mod sweep;
pub mod train;
pub mod trained;

pub use config::{ExperimentConfig, LoadError};
pub use device::{Backend, DeviceError, DeviceInfo, Precision};
pub use interrupt::Interrupter;
pub use plan::Plan;
/// The fused CPU engine (its own burn-free crate), for its SIMD report.
pub use zoepnet_fused as fused;
