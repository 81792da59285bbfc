//! From well logs to the tutorial's interface dataset.
//!
//! [`source`] knows where a run's well logs come from: the path a config names, the data folder
//! that can stand in for it, the sha256 the file must have, and the public address to fetch it
//! from when it is missing. [`interfaces`] makes the tutorial's labelled interfaces from them,
//! every step a setting of the `[data]` section ([`config`]), with NumPy's random stream
//! ([`rng`]) where the tutorial's numbers are to be reproduced. [`table`] reads and writes CSV
//! tables of interfaces.

pub mod blocks;
pub mod config;
pub mod domain;
pub mod interfaces;
pub mod rng;
pub mod rock_physics;
pub mod source;
pub mod table;

pub use config::{ConfigError, DataConfig, Source};
pub use interfaces::{
    Blind, DatasetError, InterfaceDataset, InterfaceItem, Prepared, Scaler, Sweep, every_interface,
    prepare, prepare_blind,
};
pub use rng::{NumpyRandomState, RngState};
pub use source::{DataFile, FetchOptions, Found, Located, Progress, SourceError, locate_logs};
pub use zoepnet_network::{
    Baseline, Correction, FEATURES, Feature, FeatureVector, Features, contrast_gate,
};

/// Writes `path` through a temporary file beside it (`NAME.tmp`), buffered, flushed to disk,
/// renamed into place once complete, and the rename itself flushed (the folder synced, on Unix):
/// a reader finds the old file or the new one, never a part, and a crash after this returns
/// keeps the new one. A write that fails removes its temporary file; one a killed process left
/// is removed by the next holder of the folder (`zoepnet_learner::lock`).
pub fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let written = write(&mut file)
        .and_then(|()| {
            file.into_inner()
                .map_err(std::io::IntoInnerError::into_error)
        })
        .and_then(|f| f.sync_all());
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_folder(path.parent())
}

/// Flushes a folder's entries (a rename into it) to disk; nothing to do off Unix.
fn sync_folder(dir: Option<&std::path::Path>) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match dir {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        std::fs::File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
