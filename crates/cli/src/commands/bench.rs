//! `zoepnet bench`: networks trained per second on each engine and backend of this machine.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::bench::{BenchEngine, Progress, markdown_header, table};
use zoepnet_learner::device::Backend;

use super::UsageError;
use super::fetch::locate_logs;

/// An engine to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    /// The fused f64 CPU engine, one network per core at a time.
    Fused,
    /// The population engine as Burn tensor operations, on each backend.
    Population,
    /// The population kernel, one launch per epoch (wgpu only).
    Kernel,
}

impl From<EngineArg> for BenchEngine {
    fn from(e: EngineArg) -> Self {
        match e {
            EngineArg::Fused => BenchEngine::Fused,
            EngineArg::Population => BenchEngine::Population,
            EngineArg::Kernel => BenchEngine::Kernel,
        }
    }
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The experiment config whose network is trained (its data, model and train sections).
    #[arg(default_value = "configs/tutorial.toml")]
    config: PathBuf,
    /// Networks trained at a time, P (seeds 0..P): a row per value.
    #[arg(
        long,
        value_name = "P,...",
        value_delimiter = ',',
        default_value = "1,16,256,1024",
        value_parser = clap::value_parser!(u32).range(1..=65_535)
    )]
    networks: Vec<u32>,
    /// Epochs each network trains (figures are scaled to the config's own train.epochs).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    epochs: u32,
    /// Engines to time (default: all three; the kernel on wgpu only).
    #[arg(long, value_name = "ENGINE,...", value_delimiter = ',')]
    engine: Vec<EngineArg>,
    /// Backends the population engines run on (default: every one compiled in; each at its
    /// default precision, f64 on the CPU backends and f32 on wgpu).
    #[arg(long, value_name = "BACKEND,...", value_delimiter = ',')]
    backend: Vec<Backend>,
}

pub fn run(args: &BenchArgs, options: &FetchOptions) -> anyhow::Result<()> {
    let mut config = ExperimentConfig::load(&args.config)?;
    let logs = locate_logs(&config.data, &args.config, options, false)?;
    config.data.las.clone_from(&logs);
    let prepared = zoepnet_dataset::prepare(&config.data, &logs)?;
    let engines: Vec<BenchEngine> = if args.engine.is_empty() {
        BenchEngine::ALL.to_vec()
    } else {
        args.engine.iter().map(|&e| e.into()).collect()
    };
    let backends = if args.backend.is_empty() {
        Backend::compiled()
    } else {
        args.backend.clone()
    };
    if let Some(b) = backends.iter().find(|b| !b.is_compiled()) {
        return Err(UsageError(format!(
            "--backend {b}: not compiled into this zoepnet (compiled: {})",
            names(&Backend::compiled())
        ))
        .into());
    }
    if engines.contains(&BenchEngine::Kernel) && !backends.contains(&Backend::Wgpu) {
        return Err(UsageError(
            "--engine kernel runs on wgpu only: add --backend wgpu (or leave --backend out)".into(),
        )
        .into());
    }
    let epochs = args.epochs as usize;
    errln!(
        "bench of {}: {} training / {} validation interfaces, {epochs} epoch{} per network, \
         figures as networks of {} epochs per second; each engine warmed up first (one network, \
         one epoch: the device's start and shader compiling, untimed)",
        args.config.display(),
        prepared.train.len(),
        prepared.validation.len(),
        if epochs == 1 { "" } else { "s" },
        config.train.epochs
    );
    outln!("{}", markdown_header(config.train.epochs));
    let networks: Vec<usize> = args.networks.iter().map(|&p| p as usize).collect();
    let failed = table(
        &config,
        &prepared,
        &networks,
        epochs,
        &engines,
        &backends,
        &mut |progress| match progress {
            Progress::WarmingUp { engine, on } => {
                errln!("warming up {} on {on} ...", engine.describe());
            }
            Progress::Timing {
                engine,
                on,
                networks,
            } => errln!("timing {} on {on}, P = {networks} ...", engine.describe()),
            Progress::Row(row) => outln!("{}", row.markdown()),
            Progress::Failed {
                engine,
                on,
                networks,
                error,
            } => {
                let p = networks.map_or_else(|| "warm-up".into(), |p| format!("P = {p}"));
                errln!("{} on {on}, {p}: {error}", engine.describe());
            }
        },
    );
    if failed > 0 {
        anyhow::bail!("{failed} measurement(s) failed (above)");
    }
    Ok(())
}

fn names(backends: &[Backend]) -> String {
    backends
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
