//! From well logs to the tutorial's interface dataset.
//!
//! [`source`] knows where a run's well logs come from: the path a config names, the data folder
//! that can stand in for it, the sha256 the file must have, and the public address to fetch it
//! from when it is missing. [`interfaces`] makes the tutorial's labelled interfaces from them,
//! every step a setting of the `[data]` section ([`config`]), with NumPy's random stream
//! ([`rng`]) where the tutorial's numbers are to be reproduced.

pub mod config;
pub mod interfaces;
pub mod rng;
pub mod rock_physics;
pub mod source;

pub use config::{ConfigError, DataConfig, Source};
pub use interfaces::{
    Blind, DatasetError, InterfaceDataset, InterfaceItem, Prepared, Scaler, Sweep, prepare,
    prepare_blind,
};
pub use rng::{NumpyRandomState, RngState};
pub use source::{DataFile, FetchOptions, Found, Located, Progress, SourceError, locate_logs};
pub use zoepnet_network::{Baseline, FEATURES, Feature, FeatureVector, Features, contrast_gate};
