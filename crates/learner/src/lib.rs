//! Config-driven experiments on the backends compiled in.
//!
//! The device is chosen once, here at the edge ([`device::select`]), from the config or the
//! command line; the crates below take a `&Device`. [`config`] reads an experiment's TOML file
//! into typed sections that refuse unknown keys. Training, evaluation and plots arrive with the
//! issue "Learner".

pub mod config;
pub mod device;

pub use config::{ExperimentConfig, LoadError};
pub use device::{Backend, DeviceError, DeviceInfo};
