//! `zoepnet gradcheck`: hand-written gradients against autodiff and finite differences.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::device::Backend;

use super::fetch::locate_logs;

#[derive(Debug, Args)]
pub struct GradcheckArgs {
    /// The experiment config: its `[data]`, `[model]` and `[backend]` sections.
    config: PathBuf,
    /// The backend to run on (overrides backend.kind): ndarray, flex or wgpu; with it the
    /// backend's default precision (f64 on the CPU backends, f32 on wgpu) unless
    /// `--set backend.precision=...` is given.
    #[arg(long)]
    backend: Option<Backend>,
    /// Samples in the batch: the first of the training split.
    #[arg(long, default_value_t = 8)]
    batch: usize,
    /// Override a config value, e.g. `--set model.activation=tanh` (repeatable; the value in TOML
    /// syntax, or a bare word).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

pub fn run(args: &GradcheckArgs, options: &FetchOptions) -> anyhow::Result<()> {
    let overrides = super::with_backend(&args.set, args.backend);
    let config = ExperimentConfig::load_with(&args.config, &overrides)?;
    let logs = locate_logs(&config.data, &args.config, options, false)?;
    let report = zoepnet_learner::gradcheck::run(&config, &logs, args.batch)?;
    let model = &config.model;
    outln!(
        "gradient check: {} samples, {} activation, {} hidden units, {} ({}) in {}",
        report.batch,
        format!("{:?}", model.activation).to_lowercase(),
        model.hidden,
        report.device.backend,
        report.device.name,
        report.precision
    );
    outln!("loss (half the MSE): {:.6e}", report.check.loss);
    out!("{}", report.check.table());
    if !report.check.passed() {
        bail!("gradient check failed: an error is over its tolerance");
    }
    outln!("passed");
    Ok(())
}
