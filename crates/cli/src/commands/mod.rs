//! One module per subcommand.

pub mod data;
pub mod fetch;
pub mod gradcheck;
pub mod info;
pub mod las;
pub mod reflectivity;
pub mod train;

use std::path::Path;

use anyhow::Context;
use zoepnet_dataset::{ConfigError, DatasetError, SourceError};
use zoepnet_las::{LasError, UnitError};
use zoepnet_learner::gradcheck::GradCheckError;
use zoepnet_learner::{DeviceError, LoadError};

/// A mistake in the arguments that clap cannot see (an unknown curve name, say).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// 2 for errors in what the user gave (config, data file, backend choice), 1 for the rest.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad_input = err.chain().any(|e| {
        e.is::<SourceError>()
            || e.is::<LoadError>()
            || e.is::<ConfigError>()
            || e.is::<LasError>()
            || e.is::<UnitError>()
            || e.is::<UsageError>()
            || e.is::<DatasetError>()
            || matches!(
                e.downcast_ref(),
                Some(DeviceError::NotCompiled { .. } | DeviceError::Precision { .. })
            )
            || matches!(
                e.downcast_ref(),
                Some(
                    GradCheckError::Data(_)
                        | GradCheckError::Batch { .. }
                        | GradCheckError::Device(
                            DeviceError::NotCompiled { .. } | DeviceError::Precision { .. }
                        )
                )
            )
    });
    if bad_input { 2 } else { 1 }
}

/// Writes `path` through a temporary file beside it, renamed into place once complete, so that
/// an interrupted write never leaves a partial file.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(std::fs::File) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut tmp_name = path.file_name().unwrap_or_default().to_owned();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    if let Err(e) = write(file) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", tmp.display()));
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("moving {} to {}", tmp.display(), path.display()))
}
