//! `zoepnet gradcheck`: hand-written gradients against autodiff and finite differences.

use std::path::PathBuf;

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::device::Backend;

use super::fetch::locate_logs;
use crate::failure::{Outcome, fail};

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
    /// Check P networks at once, stacked as one population module (weights [P, H, 7], ...;
    /// network p seeded with data.seed + p): its batched back-propagation against autodiff, and
    /// both against each network's finite differences.
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u32).range(1..=4096))]
    population: Option<u32>,
    /// Override a config value, e.g. `--set model.activation=tanh` (repeatable; the value in TOML
    /// syntax, or a bare word).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

pub fn run(args: &GradcheckArgs, options: &FetchOptions) -> Outcome<()> {
    let overrides = super::with_backend(&args.set, args.backend);
    let config = Plan::load(&args.config, &overrides)?.config;
    let logs = locate_logs(&config.data, &args.config, options, false)?;
    let population = args.population.map(|p| p as usize);
    let report = zoepnet_learner::gradcheck::run(&config, &logs, args.batch, population)?;
    let model = &config.model;
    if population.is_some() {
        outln!(
            "population of {} networks, stacked as one module: weights [{}, {}, 7]",
            report.networks,
            report.networks,
            model.hidden
        );
    }
    outln!(
        "gradient check: {} samples, {} activation, {} hidden units, {} ({}) in {}",
        report.batch,
        format!("{:?}", model.activation).to_lowercase(),
        model.hidden,
        report.device.backend,
        report.device.name,
        report.precision
    );
    if population.is_some() {
        outln!(
            "loss (half the MSE, summed over the {} networks): {:.6e}",
            report.networks,
            report.check.loss
        );
    } else {
        outln!("loss (half the MSE): {:.6e}", report.check.loss);
    }
    out!("{}", report.check.table());
    if !report.check.passed() {
        fail!("gradient check failed: an error is over its tolerance");
    }
    outln!("passed");
    Ok(())
}
