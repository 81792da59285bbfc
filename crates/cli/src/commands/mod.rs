//! One module per subcommand.

pub mod fetch;
pub mod info;

use zoepnet_dataset::{ConfigError, SourceError};
use zoepnet_learner::{DeviceError, LoadError};

/// 2 for errors in what the user gave (config, data file, backend choice), 1 for the rest.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let bad_input = err.chain().any(|e| {
        e.is::<SourceError>()
            || e.is::<LoadError>()
            || e.is::<ConfigError>()
            || matches!(e.downcast_ref(), Some(DeviceError::NotCompiled { .. }))
    });
    if bad_input { 2 } else { 1 }
}
