//! From well logs to the tutorial's interface dataset.
//!
//! Today this crate knows where a run's well logs come from ([`source`]): the path a config names,
//! the data folder that can stand in for it, the sha256 the file must have, and the public address
//! to fetch it from when it is missing. The interfaces, labels, scaling and splits arrive with the
//! issue "Dataset and batcher".

pub mod config;
pub mod source;

pub use config::{ConfigError, DataConfig};
pub use source::{DataFile, FetchOptions, Located, Progress, SourceError};
