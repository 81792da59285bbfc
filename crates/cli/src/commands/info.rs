//! `zoepnet info`: version, backends and devices.

use crate::failure::Outcome;
use zoepnet_learner::device::{self, Backend, DeviceError};

/// `info` takes no data options: it reports the data folder and downloads as the environment
/// sets them for the commands that read well logs.
pub fn run() -> Outcome<()> {
    let zoepnet_dataset::FetchOptions { data_dir, offline } = super::DataOptions::from_env()
        .map_err(|e| super::UsageError(e.to_string().trim_end().to_owned()))?
        .fetch();
    outln!("zoepnet {}", env!("CARGO_PKG_VERSION"));
    let compiled: Vec<_> = Backend::compiled().iter().map(|b| b.name()).collect();
    outln!("backends compiled in: {}", compiled.join(", "));
    for backend in Backend::ALL {
        match device::select(backend) {
            Ok((_, info)) => outln!("  {backend:<8} {}; {}", info.name, info.details),
            Err(DeviceError::NotCompiled { .. }) => outln!(
                "  {backend:<8} not compiled in (rebuild with `--features {}`)",
                backend.feature()
            ),
            Err(
                DeviceError::Unavailable { reason, .. }
                | DeviceError::Precision { reason, .. }
                | DeviceError::NoSuchDevice { reason, .. },
            ) => {
                outln!("  {backend:<8} unusable: {reason}")
            }
        }
    }
    let widths: Vec<String> = zoepnet_learner::fused::Simd::available()
        .iter()
        .map(|w| w.to_string())
        .collect();
    outln!(
        "fused CPU engine: {} vectors (this CPU has {})",
        zoepnet_learner::fused::Simd::detect(),
        widths.join(", ")
    );
    match &data_dir {
        Some(dir) => outln!("data folder: {} (ZOEPNET_DATA_DIR)", dir.display()),
        None => outln!("data folder: none set; data files are read at the paths configs give"),
    }
    outln!(
        "downloads: {}",
        if offline {
            "off (ZOEPNET_OFFLINE)"
        } else {
            "on, for missing data files with a url"
        }
    );
    Ok(())
}
