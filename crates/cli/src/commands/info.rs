//! `zoepnet info`: version, backends and devices.

use zoepnet_dataset::FetchOptions;
use zoepnet_learner::device::{self, Backend, DeviceError};

pub fn run(options: &FetchOptions) -> anyhow::Result<()> {
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
    match &options.data_dir {
        Some(dir) => outln!(
            "data folder: {} (--data-dir or ZOEPNET_DATA_DIR)",
            dir.display()
        ),
        None => outln!("data folder: none set; data files are read at the paths configs give"),
    }
    outln!(
        "downloads: {}",
        if options.offline {
            "off (--offline or ZOEPNET_OFFLINE)"
        } else {
            "on, for missing data files with a url"
        }
    );
    Ok(())
}
