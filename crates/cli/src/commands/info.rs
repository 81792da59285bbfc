//! `zoepnet info`: version, backends and devices.

use zoepnet_dataset::FetchOptions;
use zoepnet_learner::device::{self, Backend, DeviceError};

pub fn run(options: &FetchOptions) -> anyhow::Result<()> {
    println!("zoepnet {}", env!("CARGO_PKG_VERSION"));
    let compiled: Vec<_> = Backend::compiled().iter().map(|b| b.name()).collect();
    println!("backends compiled in: {}", compiled.join(", "));
    for backend in Backend::ALL {
        match device::select(backend) {
            Ok((_, info)) => println!("  {backend:<8} {}; {}", info.name, info.details),
            Err(DeviceError::NotCompiled { .. }) => println!(
                "  {backend:<8} not compiled in (rebuild with `--features {}`)",
                backend.feature()
            ),
            Err(
                DeviceError::Unavailable { reason, .. }
                | DeviceError::Precision { reason, .. }
                | DeviceError::NoSuchDevice { reason, .. },
            ) => {
                println!("  {backend:<8} unusable: {reason}")
            }
        }
    }
    let widths: Vec<String> = zoepnet_learner::fused::Simd::available()
        .iter()
        .map(|w| w.to_string())
        .collect();
    println!(
        "fused CPU engine: {} vectors (this CPU has {})",
        zoepnet_learner::fused::Simd::detect(),
        widths.join(", ")
    );
    match &options.data_dir {
        Some(dir) => println!(
            "data folder: {} (--data-dir or ZOEPNET_DATA_DIR)",
            dir.display()
        ),
        None => println!("data folder: none set; data files are read at the paths configs give"),
    }
    println!(
        "downloads: {}",
        if options.offline {
            "off (--offline or ZOEPNET_OFFLINE)"
        } else {
            "on, for missing data files with a url"
        }
    );
    Ok(())
}
