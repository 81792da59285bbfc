//! From well logs to the tutorial's interface dataset.
//!
//! [`source`] knows where a run's well logs come from: the path a config names, the data folder
//! that can stand in for it, the sha256 the file must have, and the public address to fetch it
//! from when it is missing. [`interfaces`] makes the tutorial's labelled interfaces from them,
//! every step a setting of the `[data]` section ([`config`]), with NumPy's random stream
//! ([`rng`]) where the tutorial's numbers are to be reproduced. [`table`] reads and writes CSV
//! tables of interfaces.

pub mod config;
pub mod interfaces;
pub mod rng;
pub mod rock_physics;
pub mod source;
pub mod table;

pub use config::{ConfigError, DataConfig, Source};
pub use interfaces::{
    Blind, DatasetError, InterfaceDataset, InterfaceItem, Prepared, Scaler, Sweep, prepare,
    prepare_blind,
};
pub use rng::{NumpyRandomState, RngState};
pub use source::{DataFile, FetchOptions, Found, Located, Progress, SourceError, locate_logs};
pub use zoepnet_network::{Baseline, FEATURES, Feature, FeatureVector, Features, contrast_gate};

/// Writes `path` through a temporary file beside it, renamed into place once complete.
pub fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = std::fs::File::create(&tmp)?;
    let written = write(&mut file).and_then(|()| file.sync_all());
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}
