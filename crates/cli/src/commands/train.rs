//! `zoepnet train`: run an experiment into a run folder.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::device::{self, Backend};
use zoepnet_learner::run::RunFolder;
use zoepnet_learner::train::{EpochMetrics, train};

use super::fetch::locate_logs;

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The experiment config: [data], [model], [train] and [backend].
    config: PathBuf,
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

pub fn run(args: &TrainArgs, options: &FetchOptions) -> anyhow::Result<()> {
    let overrides = super::with_backend(&args.set, args.backend);
    let config = ExperimentConfig::load_with(&args.config, &overrides)?;
    let logs = locate_logs(&config.data, &args.config, options, false)?;
    let prepared = zoepnet_dataset::prepare(&config.data, &logs)?;
    let (device, info) = device::select_with(config.backend.kind, config.backend.precision())?;
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .config
            .file_stem()
            .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("runs").join(stem)
    });
    let folder = RunFolder::create(&out)?;
    folder.start(&config, &prepared.scaler)?;
    let engine = zoepnet_learner::train::engine_for(&config);
    eprintln!(
        "training: {} training / {} validation interfaces, {} epochs, {} ({}) in {}, {} engine",
        prepared.train.len(),
        prepared.validation.len(),
        config.train.epochs,
        info.backend,
        info.name,
        config.backend.precision(),
        format!("{engine:?}").to_lowercase()
    );

    let tty = std::io::stderr().is_terminal();
    let epochs = config.train.epochs;
    let every = (epochs / 20).max(1);
    let mut rows: Vec<EpochMetrics> = Vec::new();
    let mut write_error = None;
    let trained = train(&config, &prepared, &device, &mut |row| {
        rows.push(*row);
        if let Err(e) = folder.metrics(&rows) {
            write_error.get_or_insert(e);
        }
        let line = format!(
            "epoch {:>width$}/{epochs}  train MSE {:.4e}  val MSE {:.4e}  {:.1} s",
            row.epoch,
            row.train_mse,
            row.val_mse,
            row.seconds,
            width = epochs.to_string().len()
        );
        if tty {
            eprint!("\r{line}");
            let _ = std::io::stderr().flush();
            if row.epoch == epochs {
                eprintln!();
            }
        } else if row.epoch % every == 0 || row.epoch == epochs || row.epoch == 1 {
            eprintln!("{line}");
        }
    })
    .with_context(|| format!("training {}", args.config.display()))?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let summary = folder.finish(&config, &trained, &info)?;
    println!("run folder: {}", folder.dir().display());
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
    println!("trained in {:.2} s", summary.train_seconds);
    Ok(())
}
