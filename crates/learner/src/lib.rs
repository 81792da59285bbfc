//! Config-driven experiments on the backends compiled in.
//!
//! The device is chosen once, here at the edge ([`device::select`]), from the config or the
//! command line; the crates below take a `&Device`. [`config`] reads an experiment's TOML file
//! into typed sections that refuse unknown keys. [`gradcheck`] runs the model's gradient check on
//! a config's data. Training, evaluation and plots arrive with the issue "Learner".

pub mod compare;
pub mod config;
pub mod device;
pub mod evaluate;
pub mod gradcheck;
pub mod plots;
pub mod run;
pub mod train;

pub use config::{ExperimentConfig, LoadError};
pub use device::{Backend, DeviceError, DeviceInfo, Precision};
/// The fused CPU engine (its own burn-free crate), for its SIMD report.
pub use zoepnet_fused as fused;
