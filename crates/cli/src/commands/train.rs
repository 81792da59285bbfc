//! `zoepnet train`: run an experiment into a run folder.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use std::ops::ControlFlow;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::device::Backend;
use zoepnet_learner::plots::{self, PlotInputs};
use zoepnet_learner::run::{RunFolder, Summary};
use zoepnet_learner::train::{Checkpoint, EpochMetrics, TrainError, initial_model, train};

use super::fetch::locate_logs;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The experiment config: [data], [model], [train] and [backend].
    #[arg(required_unless_present = "resume")]
    config: Option<PathBuf>,
    /// Continue an interrupted run from its folder's checkpoint (its config.toml and
    /// checkpoint.json); it ends with the same weights as an uninterrupted run. Manual-mode runs
    /// continue where they stopped; autodiff runs replay their completed epochs first (Burn's
    /// optimizer state is not restored) and check that they reach the checkpoint's weights.
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["config", "out", "backend", "set"])]
    resume: Option<PathBuf>,
    /// The run folder (default: runs/<config name>).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The backend to run on (overrides backend.kind): ndarray, flex or wgpu; with it the
    /// backend's default precision (f64 on the CPU backends, f32 on wgpu) unless
    /// `--set backend.precision=...` is given.
    #[arg(long)]
    backend: Option<Backend>,
    /// Override a config value, e.g. `--set train.epochs=10` (repeatable; the value in TOML
    /// syntax, or a bare word).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// Rewrites metrics.csv and, when given, checkpoint.json.
fn write_progress(
    folder: &RunFolder,
    rows: &[EpochMetrics],
    checkpoint: Option<Checkpoint>,
) -> Result<(), zoepnet_learner::run::RunError> {
    folder.metrics(rows)?;
    checkpoint.map_or(Ok(()), |cp| folder.checkpoint(&cp))
}

/// Set by Ctrl-C or SIGTERM: stop after the current epoch.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C (or SIGTERM) was pressed in this process.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Ctrl-C (or SIGTERM) stops after the current epoch with its checkpoint written; a second one
/// ends the process at once. Installed once per process; if it cannot be, Ctrl-C still ends the
/// run, losing at most a second of epochs.
fn catch_interrupts() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: stopping after this epoch (Ctrl-C again to quit now)");
        });
    });
}

/// How much a training prints while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// A header, then a progress bar (terminal) or sparse progress lines.
    Full,
    /// The header only (a sweep prints one line per run).
    Quiet,
}

pub fn run(args: &TrainArgs, options: &FetchOptions) -> anyhow::Result<()> {
    let (config_path, out, resume) = match (&args.resume, &args.config) {
        (Some(dir), _) => (
            dir.join("config.toml"),
            dir.clone(),
            Some(RunFolder::load_checkpoint(dir)?),
        ),
        (None, Some(config)) => {
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| super::default_out(config, ""));
            (config.clone(), out, None)
        }
        (None, None) => {
            return Err(super::UsageError("a CONFIG or --resume RUN_DIR is needed".into()).into());
        }
    };
    let overrides = super::with_backend(&args.set, args.backend);
    let summary = train_one(
        &config_path,
        &overrides,
        &out,
        resume,
        options,
        Report::Full,
    )?;
    print_summary(&out, &summary);
    Ok(())
}

/// Trains the config at `config_path` (with `overrides`) into the run folder `out`, or continues
/// it from `resume`; writes the folder, plots included, and returns its summary.
pub fn train_one(
    config_path: &Path,
    overrides: &[String],
    out: &Path,
    resume: Option<Checkpoint>,
    options: &FetchOptions,
    report: Report,
) -> anyhow::Result<Summary> {
    let config = ExperimentConfig::load_with(config_path, overrides)?;
    let logs = locate_logs(&config.data, config_path, options, false)?;
    let prepared = zoepnet_dataset::prepare(&config.data, &logs)?;
    let (device, info) = config.backend.select()?;
    let folder = RunFolder::create(out)?;
    match &resume {
        Some(cp) => eprintln!("resuming {} after epoch {}", out.display(), cp.epoch),
        None => folder.start(&config, &prepared.scaler)?,
    }
    // A test aid: stop after this epoch as an interruption would (its checkpoint written).
    let stop_after: Option<usize> = std::env::var("ZOEPNET_STOP_AFTER_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok());
    let engine = zoepnet_learner::train::engine_for(&config);
    eprintln!(
        "training: {} training / {} validation interfaces, {} epochs, {} ({}) in {}, {}",
        prepared.train.len(),
        prepared.validation.len(),
        config.train.epochs,
        info.backend,
        info.name,
        config.backend.precision(),
        match engine {
            zoepnet_learner::config::Engine::Fused => {
                format!("fused engine ({})", zoepnet_learner::fused::Simd::detect())
            }
            other => format!("{} engine", format!("{other:?}").to_lowercase()),
        }
    );

    let tty = std::io::stderr().is_terminal();
    let epochs = config.train.epochs;
    let every = (epochs / 20).max(1);
    let mut rows: Vec<EpochMetrics> = resume
        .as_ref()
        .map(|cp| cp.metrics.clone())
        .unwrap_or_default();
    catch_interrupts();
    // metrics.csv and checkpoint.json are rewritten at most once a second (and always after the
    // last epoch and on a stop), so short epochs are not slowed by the disk; the checkpoint,
    // which holds every epoch's metrics, is only built then.
    let mut last_write: Option<Instant> = None;
    let mut write_error = None;
    let outcome = train(
        &config,
        &prepared,
        &device,
        resume,
        &mut |row, checkpoint| {
            rows.push(*row);
            let stop = stop_after == Some(row.epoch) || interrupted();
            let due = last_write.is_none_or(|t| t.elapsed().as_secs_f64() >= 1.0);
            if due || stop || row.epoch == epochs {
                if let Err(e) = write_progress(&folder, &rows, Some(checkpoint())) {
                    write_error.get_or_insert(e);
                    return ControlFlow::Break(());
                }
                last_write = Some(Instant::now());
            }
            let line = format!(
                "epoch {:>width$}/{epochs}  train MSE {:.4e}  val MSE {:.4e}  {:.1} s",
                row.epoch,
                row.train_mse,
                row.val_mse,
                row.seconds,
                width = epochs.to_string().len()
            );
            if report == Report::Quiet {
                // Nothing per epoch.
            } else if tty {
                // A bar of 24 cells before the figures, redrawn in place.
                let filled = row.epoch * 24 / epochs.max(1);
                let bar = format!(
                    "[{}{}]",
                    "#".repeat(filled),
                    ".".repeat(24 - filled.min(24))
                );
                eprint!("\r{bar} {line}");
                let _ = std::io::stderr().flush();
                if row.epoch == epochs {
                    eprintln!();
                }
            } else if row.epoch % every == 0 || row.epoch == epochs || row.epoch == 1 {
                eprintln!("{line}");
            }
            if stop {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    if let Some(e) = write_error {
        return Err(e.into());
    }
    // A run that ends in an error still leaves every epoch's metrics on disk (the checkpoint
    // is at most a second older); a finished one gets them from `finish`.
    if outcome.is_err() {
        write_progress(&folder, &rows, None)?;
    }
    let trained = match outcome {
        Err(TrainError::Stopped { epoch }) => {
            if tty && report == Report::Full {
                eprintln!();
            }
            bail!(
                "stopped after epoch {epoch}; continue with `zoepnet train --resume {}`",
                out.display()
            )
        }
        other => other.with_context(|| format!("training {}", config_path.display()))?,
    };
    let summary = folder.finish(&config, &trained, &info)?;
    let untrained = initial_model(&config, &device)?;
    plots::write(
        folder.dir(),
        &PlotInputs {
            config: &config,
            prepared: &prepared,
            metrics: &trained.metrics,
            untrained: &untrained,
            trained: &trained.model,
            device: &device,
        },
    )?;
    Ok(summary)
}

/// What `zoepnet train` prints at the end.
fn print_summary(out: &Path, summary: &Summary) {
    println!("run folder: {} (plots under plots/)", out.display());
    println!(
        "last epoch: train MSE {:.4e} (running), val MSE {:.4e} (at its start)",
        summary.last_epoch_train_mse, summary.last_epoch_val_mse
    );
    println!(
        "final weights: train MSE {:.4e}, val MSE {:.4e}, blind (new rocks) MSE {:.4e}",
        summary.final_train_mse, summary.final_val_mse, summary.blind_mse
    );
    if let (Some(err), Some(lo), Some(hi)) = (
        summary.avo_max_abs_error,
        summary.avo_theta_min,
        summary.avo_theta_max,
    ) {
        println!("new angles: max |error| {err:.4e} over {lo}-{hi} degrees");
    }
    for b in &summary.baselines {
        println!(
            "baseline {}: val MSE {:.4e}, blind MSE {:.4e}{}",
            b.method.name(),
            b.val_mse,
            b.blind_mse,
            b.avo_max_abs_error
                .map(|e| format!(", new angles max |error| {e:.4e}"))
                .unwrap_or_default()
        );
    }
    println!("trained in {:.2} s", summary.train_seconds);
}
