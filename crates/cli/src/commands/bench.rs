//! `zoepnet bench`: networks trained per second on each engine and backend of this machine.

use std::path::PathBuf;

use crate::failure::Context;
use clap::{Args, ValueEnum};
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::bench::{BenchEngine, BenchError, Progress, check, markdown_header, table};
use zoepnet_learner::device::{self, Backend};
use zoepnet_learner::{ExperimentConfig, Plan};

use super::UsageError;
use super::fetch::locate_logs;
use crate::failure::{Outcome, fail};

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
    /// Times each row is measured; the row gives the median timing (of an even count, the
    /// faster of the two middle ones). Three or more steady figures on a busy machine.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// Engines to time (default: all three; the kernel on wgpu only).
    #[arg(long, value_name = "ENGINE,...", value_delimiter = ',')]
    engine: Vec<EngineArg>,
    /// Backends the population engines run on (default: every one compiled in; each at its
    /// default precision, f64 on the CPU backends and f32 on wgpu).
    #[arg(long, value_name = "BACKEND,...", value_delimiter = ',')]
    backend: Vec<Backend>,
    /// Override a config value, e.g. `--set data.train=200` (repeatable), as for `train`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

/// `values` without repeats, in their first order.
fn unique<T: PartialEq + Copy>(values: &[T]) -> Vec<T> {
    let mut seen = Vec::with_capacity(values.len());
    for &v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// The backends to time: those named, each brought up first (one that is not compiled in, or
/// finds no usable device, is refused before any data is made); without names, every one
/// compiled in that finds a device here, those that do not left out with a note.
fn usable_backends(named: &[Backend]) -> Outcome<Vec<Backend>> {
    if !named.is_empty() {
        let named = unique(named);
        for &backend in &named {
            device::select(backend)?;
        }
        return Ok(named);
    }
    let mut usable = Vec::new();
    for backend in Backend::compiled() {
        match device::select(backend) {
            Ok(_) => usable.push(backend),
            Err(e) => errln!("left out: {e}"),
        }
    }
    Ok(usable)
}

pub fn run(args: &BenchArgs, options: &FetchOptions) -> Outcome<()> {
    let mut config = Plan::load(&args.config, &args.set)?.config;
    let backends = usable_backends(&args.backend)?;
    let engines = engines(args, &config, &backends)?;
    let logs = locate_logs(&config.data, &args.config, options, false)?;
    config.data.las.clone_from(&logs);
    let prepared = super::prepare(&config.data, &logs)?;
    let epochs = args.epochs as usize;
    errln!(
        "bench of {}: {} training / {} validation interfaces, {epochs} epoch{} per network, \
         figures as networks of {} epochs per second{}; each engine warmed up first (one \
         network, one epoch: the device's start and shader compiling, untimed)",
        args.config.display(),
        prepared.train.len(),
        prepared.validation.len(),
        if epochs == 1 { "" } else { "s" },
        config.train.epochs,
        match args.repeat {
            1 => String::new(),
            n => format!(", each the median of {n} timings"),
        }
    );
    outln!("{}", markdown_header(config.train.epochs));
    let networks: Vec<usize> = unique(&args.networks)
        .into_iter()
        .map(|p| p as usize)
        .collect();
    let failed = table(
        &config,
        &prepared,
        &networks,
        epochs,
        args.repeat as usize,
        &engines,
        &backends,
        &mut |progress| say(&progress, args.repeat, epochs),
    );
    if failed > 0 {
        fail!("{failed} measurement(s) failed (above)");
    }
    Ok(())
}

/// The engines to time: those asked for (each refused, with the reason, where the config
/// cannot train on it), or by default each that runs on one of `backends` and can train it
/// (the others left out, saying why).
fn engines(
    args: &BenchArgs,
    config: &ExperimentConfig,
    backends: &[Backend],
) -> Outcome<Vec<BenchEngine>> {
    let mut engines: Vec<BenchEngine> = if args.engine.is_empty() {
        BenchEngine::ALL
            .into_iter()
            .filter(|e| backends.iter().any(|&b| e.runs_on(b)))
            .collect()
    } else {
        unique(&args.engine).into_iter().map(Into::into).collect()
    };
    if engines
        .iter()
        .any(|e| !backends.iter().any(|&b| e.runs_on(b)))
    {
        return Err(UsageError(
            "--engine kernel runs on wgpu only: add --backend wgpu (or leave --backend out)".into(),
        )
        .into());
    }
    let mut left_out = Vec::new();
    for &engine in &engines {
        if let Err(e) = check(config, engine) {
            if !args.engine.is_empty() || !matches!(e, BenchError::Unsupported { .. }) {
                return Err(e).with_context(|| args.config.display().to_string());
            }
            left_out.push((engine, e));
        }
    }
    engines.retain(|e| !left_out.iter().any(|(l, _)| l == e));
    for (_, e) in &left_out {
        errln!("left out: {e}");
    }
    Ok(engines)
}

/// A bench's progress: what it times on stderr, its rows on stdout.
fn say(progress: &Progress<'_>, repeat: u32, epochs: usize) {
    match progress {
        Progress::WarmingUp { engine, on } => {
            errln!("warming up {} on {on} ...", engine.describe());
        }
        Progress::Timing {
            engine,
            on,
            networks,
        } => errln!(
            "timing {} on {on}, P = {networks}{} ...",
            engine.describe(),
            match repeat {
                1 => String::new(),
                n => format!(" ({n} times)"),
            }
        ),
        Progress::Row(row) => outln!("{}", row.markdown()),
        Progress::Failed {
            engine,
            on,
            networks,
            error,
        } => {
            let p = networks.map_or_else(|| "warm-up".into(), |p| format!("P = {p}"));
            errln!("{} on {on}, {p}: {error}", engine.describe());
            // A sign in the table too: its row (or, for the warm-up, every row) is missing.
            let p = networks.map_or_else(|| "all".into(), |p| p.to_string());
            outln!(
                "| {} | {on} | | {p} | {epochs} | | failed (see stderr) |",
                engine.name()
            );
        }
    }
}
