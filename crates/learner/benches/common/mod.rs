//! What the learner's benchmarks share: configs/tutorial.toml with the real R-39 log.

use std::path::Path;

use zoepnet_dataset::Prepared;
use zoepnet_learner::ExperimentConfig;

#[path = "../../../../tests/common/well_log.rs"]
mod well_log;

/// configs/tutorial.toml pointed at R-39.las, and its data; exits 2 with a message saying where
/// to put the log when it is missing.
pub fn tutorial() -> (ExperimentConfig, Prepared) {
    let las = well_log::find_r39().unwrap_or_else(|message| {
        eprintln!("{message}");
        std::process::exit(2);
    });
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let mut config = zoepnet_learner::Plan::load(&path, &[])
        .map(|p| p.config)
        .expect("configs/tutorial.toml loads");
    config.data.las = vec![las.clone()];
    let prepared = zoepnet_dataset::prepare(&config.data, &[las]).expect("R-39 prepares");
    (config, prepared)
}
