//! How many networks a machine trains per second on each engine: P variants of one
//! config (seeds 0..P, everything else kept), one by one on the fused engine on every core, or
//! at once on the population engine, with Burn tensor operations or the population kernel.
//! `cargo bench --bench population` and `zoepnet bench` both measure through [`measure`].
//!
//! Figures are given as the config's networks per second: P networks trained for `epochs`
//! epochs in `seconds` count as `P * epochs / train.epochs / seconds` networks of the config's
//! own length (the tutorial's 100 epochs).

use std::ops::ControlFlow;
use std::time::Instant;

use rayon::prelude::*;
use zoepnet_dataset::{ConfigError, Prepared};

use crate::config::{Engine, ExperimentConfig};
use crate::device::{Backend, DeviceError, DeviceInfo};
use crate::plan::{EngineKind, Plan};
use crate::population::{PopulationEngine, train_population};
use crate::train::{PopulationError, TrainError, train};

/// What [`measure`] trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchEngine {
    /// The fused f64 CPU engine, one network per thread at a time (the backend is not used).
    Fused,
    /// The population engine as Burn tensor operations, on the backend.
    Population,
    /// The population kernel: one CubeCL launch per epoch (wgpu only).
    Kernel,
}

impl BenchEngine {
    /// Every engine, in the order of the bench's table.
    pub const ALL: [BenchEngine; 3] = [
        BenchEngine::Fused,
        BenchEngine::Population,
        BenchEngine::Kernel,
    ];

    /// Whether it runs on `backend` (the fused engine runs on the CPU whatever the backend).
    pub fn runs_on(self, backend: Backend) -> bool {
        self != BenchEngine::Kernel || backend == Backend::Wgpu
    }

    /// Its name in the table, as a summary gives it: "fused", "population",
    /// "population-kernel".
    pub fn name(self) -> &'static str {
        match self {
            BenchEngine::Fused => EngineKind::Fused.name(),
            BenchEngine::Population => EngineKind::Population.name(),
            BenchEngine::Kernel => EngineKind::PopulationKernel.name(),
        }
    }

    /// "the fused engine", "the population engine", "the population kernel".
    pub fn describe(self) -> &'static str {
        match self {
            BenchEngine::Fused => "the fused engine",
            BenchEngine::Population => "the population engine",
            BenchEngine::Kernel => "the population kernel",
        }
    }
}

/// What [`table`] is doing, for its caller to show.
#[derive(Debug)]
pub enum Progress<'a> {
    /// An engine's untimed first run on a device (one network, one epoch): the device's start
    /// and, on wgpu, compiling the shaders.
    WarmingUp {
        /// The engine.
        engine: BenchEngine,
        /// "the CPU" for the fused engine, else the backend.
        on: &'a str,
    },
    /// A measurement starts.
    Timing {
        /// The engine.
        engine: BenchEngine,
        /// As for `WarmingUp`.
        on: &'a str,
        /// P.
        networks: usize,
    },
    /// A measurement is made.
    Row(&'a BenchRow),
    /// A warm-up or a measurement failed; the table goes on.
    Failed {
        /// The engine.
        engine: BenchEngine,
        /// As for `WarmingUp`.
        on: &'a str,
        /// P, or `None` for the warm-up.
        networks: Option<usize>,
        /// Why.
        error: &'a BenchError,
    },
}

/// Measures every engine of `engines` on every backend of `backends` it runs on (the fused
/// engine once, on the CPU, whatever `backends` holds), for each P of `networks`, `epochs`
/// epochs each, after an untimed warm-up of each engine and device (one whose warm-up fails is
/// reported once and left out). Each row is the [`median`] of `repeats` timings (at least one).
/// Returns the number of failures (each reported).
#[allow(clippy::too_many_arguments)]
pub fn table(
    config: &ExperimentConfig,
    prepared: &Prepared,
    networks: &[usize],
    epochs: usize,
    repeats: usize,
    engines: &[BenchEngine],
    backends: &[Backend],
    progress: &mut dyn FnMut(Progress<'_>),
) -> usize {
    let mut failed = 0;
    let mut warm = Vec::new();
    let mut broken = Vec::new();
    for &p in networks {
        for &engine in engines {
            let cells: Vec<(Backend, String)> = if engine == BenchEngine::Fused {
                Backend::compiled()
                    .into_iter()
                    .find(|&b| b != Backend::Wgpu)
                    .map(|b| (b, "the CPU".to_string()))
                    .into_iter()
                    .collect()
            } else {
                backends
                    .iter()
                    .filter(|&&b| engine.runs_on(b))
                    .map(|&b| (b, b.to_string()))
                    .collect()
            };
            for (backend, on) in cells {
                if broken.contains(&(engine, backend)) {
                    continue;
                }
                if !warm.contains(&(engine, backend)) {
                    warm.push((engine, backend));
                    progress(Progress::WarmingUp { engine, on: &on });
                    if let Err(error) = measure(config, prepared, 1, 1, engine, backend) {
                        // No row of this engine on this device can be made: say so once.
                        failed += 1;
                        broken.push((engine, backend));
                        progress(Progress::Failed {
                            engine,
                            on: &on,
                            networks: None,
                            error: &error,
                        });
                        continue;
                    }
                }
                progress(Progress::Timing {
                    engine,
                    on: &on,
                    networks: p,
                });
                let timings: Result<Vec<BenchRow>, BenchError> = (0..repeats.max(1))
                    .map(|_| measure(config, prepared, p, epochs, engine, backend))
                    .collect();
                match timings {
                    Ok(rows) => progress(Progress::Row(&median(rows))),
                    Err(error) => {
                        failed += 1;
                        progress(Progress::Failed {
                            engine,
                            on: &on,
                            networks: Some(p),
                            error: &error,
                        });
                    }
                }
            }
        }
    }
    failed
}

/// Why a measurement could not be made.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Zero networks were asked for.
    #[error("no network to train: P must be at least 1")]
    NoNetwork,
    /// A variant of the config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The engine cannot train the config (the population engines train per-sample SGD only).
    #[error("{engine} cannot train this config: {why}")]
    Unsupported {
        /// The engine, described.
        engine: &'static str,
        /// Why.
        why: String,
    },
    /// The device could not be brought up.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// A training failed.
    #[error(transparent)]
    Train(#[from] TrainError),
}

impl BenchError {
    /// Whether it comes from what the user gave (the config, the engines or device asked for).
    pub fn is_bad_input(&self) -> bool {
        match self {
            BenchError::Config(_) | BenchError::NoNetwork | BenchError::Unsupported { .. } => true,
            BenchError::Device(d) => d.is_bad_input(),
            _ => false,
        }
    }
}

/// One measurement.
#[derive(Debug, Clone)]
pub struct BenchRow {
    /// The engine that trained ("fused", "population", "population-kernel").
    pub engine: EngineKind,
    /// The device, with its backend, or the CPU threads for the fused engine.
    pub device: String,
    /// The precision trained in ("f64", "f32").
    pub precision: String,
    /// Networks trained.
    pub networks: usize,
    /// Epochs each.
    pub epochs: usize,
    /// Wall-clock seconds, from the first network's start to the last one's end (the device
    /// set up before).
    pub seconds: f64,
    /// The config's networks (its `train.epochs`) per second.
    pub networks_per_second: f64,
}

/// Whether `engine` can train `config`: the config valid, and for the population engines
/// per-sample SGD of a plain network ([`crate::population::check`]).
///
/// # Errors
/// [`BenchError::Config`] or [`BenchError::Unsupported`], saying why.
pub fn check(config: &ExperimentConfig, engine: BenchEngine) -> Result<(), BenchError> {
    // The config as it is, with its own engine: what the population engine checks.
    let plan = config.check()?;
    if engine == BenchEngine::Fused {
        return Ok(());
    }
    crate::population::check(&[plan]).map_err(|e| BenchError::Unsupported {
        engine: engine.describe(),
        why: match e {
            TrainError::Population(PopulationError::Variant { why, .. }) => why.to_string(),
            other => other.to_string(),
        },
    })?;
    Ok(())
}

/// Trains `networks` variants of `config` (seeds 0..networks, `epochs` epochs each) on `engine`
/// (on `backend`'s default precision, or the config's where it names one for that backend) and
/// times it.
///
/// # Errors
/// An invalid variant or device, and the first training error (a network that diverges
/// included: the bench's configs must train).
pub fn measure(
    config: &ExperimentConfig,
    prepared: &Prepared,
    networks: usize,
    epochs: usize,
    engine: BenchEngine,
    backend: Backend,
) -> Result<BenchRow, BenchError> {
    let epochs = epochs.max(1);
    check(config, engine)?;
    let plans = (0..networks as u32)
        .map(|seed| variant(config, seed, epochs, engine, backend))
        .collect::<Result<Vec<Plan>, _>>()?;
    let Some(first) = plans.first() else {
        return Err(BenchError::NoNetwork);
    };
    let per_second = |seconds: f64| {
        networks as f64 * epochs as f64 / config.train.epochs.max(1) as f64 / seconds
    };
    let (device, info) = first.config.backend.select()?;
    let (kind, name, precision, seconds) = match engine {
        BenchEngine::Fused => {
            let start = Instant::now();
            plans.par_iter().try_for_each(|plan: &Plan| {
                train(plan, prepared, &device, None, &mut |_, _, _| {
                    ControlFlow::Continue(())
                })
                .map(|_| ())
            })?;
            let threads = rayon::current_num_threads();
            (
                EngineKind::Fused,
                format!("CPU, one network per thread on {threads} threads"),
                "f64".to_string(),
                start.elapsed().as_secs_f64(),
            )
        }
        BenchEngine::Population | BenchEngine::Kernel => {
            let how = if engine == BenchEngine::Kernel {
                PopulationEngine::Kernel
            } else {
                PopulationEngine::Tensor
            };
            let start = Instant::now();
            let trained = train_population(&plans, prepared, &device, how, &mut |_, _| {
                ControlFlow::Continue(())
            })?;
            let seconds = start.elapsed().as_secs_f64();
            // Every network must train (a diverged one is the bench config's fault).
            for t in trained {
                t?;
            }
            (
                how.resolve(&device)?,
                device_name(&info),
                first.config.backend.precision().to_string(),
                seconds,
            )
        }
    };
    Ok(BenchRow {
        engine: kind,
        device: name,
        precision,
        networks,
        epochs,
        seconds,
        networks_per_second: per_second(seconds),
    })
}

/// `config` with `seed`, `epochs`, on `engine` and `backend`.
fn variant(
    config: &ExperimentConfig,
    seed: u32,
    epochs: usize,
    engine: BenchEngine,
    backend: Backend,
) -> Result<Plan, BenchError> {
    let mut c = config.clone();
    c.train.epochs = epochs;
    c.train.seed = seed;
    c.train.engine = match engine {
        BenchEngine::Fused => Engine::Fused,
        BenchEngine::Population | BenchEngine::Kernel => Engine::Tensor,
    };
    if c.backend.kind != backend {
        c.backend.kind = backend;
        c.backend.precision = None;
    }
    Ok(c.check()?)
}

/// The row of the median timing of `rows` (of an even count, the faster of the two middle
/// ones): one slow run, another process on the machine, moves it less than it moves a mean.
///
/// # Panics
/// Never on a `rows` that is not empty ([`table`] times at least once).
pub fn median(mut rows: Vec<BenchRow>) -> BenchRow {
    rows.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    rows.swap_remove((rows.len() - 1) / 2)
}

/// "wgpu: NVIDIA H200", "flex: CPU".
fn device_name(info: &DeviceInfo) -> String {
    format!("{}: {}", info.backend, info.name)
}

/// The header of [`BenchRow::markdown`]'s table, with its separator line.
pub fn markdown_header(train_epochs: usize) -> String {
    format!(
        "| engine | device | precision | P | epochs | seconds | networks ({train_epochs} epochs) / s |\n\
         |---|---|---|---|---|---|---|"
    )
}

impl BenchRow {
    /// The row in [`markdown_header`]'s table (seconds and rates to 4 significant digits).
    pub fn markdown(&self) -> String {
        format!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            self.engine.name(),
            self.device,
            self.precision,
            self.networks,
            self.epochs,
            significant(self.seconds),
            significant(self.networks_per_second)
        )
    }
}

/// `x` to 4 significant digits, plainly (0.0001234, 1234, 12340).
pub fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let decimals = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let rounded = format!("{x:.decimals$}");
    // Rounding up can add a digit (9.9996 -> 10.000): one decimal fewer then.
    match rounded.parse::<f64>() {
        Ok(r) if decimals > 0 && (3 - r.abs().log10().floor() as i32) < decimals as i32 => {
            format!("{x:.prec$}", prec = decimals - 1)
        }
        _ => rounded,
    }
}

#[cfg(test)]
mod tests {
    use super::{BenchRow, median, significant};
    use crate::plan::EngineKind;

    #[test]
    fn the_median_timing() {
        let row = |seconds: f64| BenchRow {
            engine: EngineKind::Fused,
            device: "CPU".into(),
            precision: "f64".into(),
            networks: 1,
            epochs: 1,
            seconds,
            networks_per_second: 0.01 / seconds,
        };
        let seconds = |rows: &[f64]| median(rows.iter().map(|&s| row(s)).collect()).seconds;
        assert_eq!(seconds(&[3.0]), 3.0);
        assert_eq!(seconds(&[5.0, 1.0, 2.0]), 2.0);
        assert_eq!(seconds(&[4.0, 1.0, 9.0, 2.0]), 2.0);
        assert_eq!(
            median(vec![row(9.0), row(2.0), row(4.0)]).networks_per_second,
            0.0025
        );
    }

    #[test]
    fn four_significant_digits() {
        assert_eq!(significant(0.000_987_65), "0.0009877");
        assert_eq!(significant(1.034_49), "1.034");
        assert_eq!(significant(12.345_6), "12.35");
        assert_eq!(significant(9.999_6), "10.00");
        assert_eq!(significant(33_412.7), "33413");
        assert_eq!(significant(0.0), "0");
    }
}
