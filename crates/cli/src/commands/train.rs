//! `zoepnet train`: run an experiment into a run folder.

use std::path::{Path, PathBuf};

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::device::Backend;
use zoepnet_learner::experiment::{self, ExperimentError};
use zoepnet_learner::run::{FolderError, RunFolder, Summary, files};

use super::UsageError;
use super::fetch::locate_logs;
use super::progress::{Progress, Report};
use crate::failure::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The experiment config: `[data]`, `[model]`, `[train]` and `[backend]` (needed unless
    /// --resume is given).
    #[arg(required_unless_present = "resume")]
    config: Option<PathBuf>,
    /// Continue an interrupted run from its folder's checkpoint (its config.toml and
    /// checkpoint.json); it ends with the same weights as an uninterrupted run. Runs of the
    /// fused per-sample, fused batch (SGD, Adam) and tensor-SGD procedures continue where they
    /// stopped; L-BFGS and autodiff runs replay their completed epochs first (their optimizer
    /// state is not in the checkpoint), say so, and check that they reach its weights.
    /// With `--set train.epochs=N`, a finished or stopped run goes on to N epochs and ends as an
    /// N-epoch run would have; refused, saying why, where it would not (a cosine schedule, a run
    /// that ended early, fewer epochs than trained, any other setting).
    #[arg(long, value_name = "RUN_DIR", conflicts_with_all = ["config", "out", "backend"])]
    resume: Option<PathBuf>,
    /// The run folder (default: runs/CONFIG_NAME).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The backend to run on (overrides backend.kind): ndarray, flex or wgpu; with it the
    /// backend's default precision (f64 on the CPU backends, f32 on wgpu) unless
    /// `--set backend.precision=...` is given.
    #[arg(long)]
    backend: Option<Backend>,
    /// Override a config value, e.g. `--set train.epochs=10` (repeatable; the value in TOML
    /// syntax, or a bare word); with --resume, only train.epochs.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

/// A run folder's refusal for the command line (exit 2), with what to do.
fn folder_error(err: FolderError, config: Option<&Path>) -> Failure {
    let dir = match &err {
        FolderError::Stopped { dir, .. } | FolderError::Other { dir, .. } => dir.clone(),
        FolderError::NotStarted(dir) => dir.clone(),
        _ => return err.into(),
    };
    let advice = match (&err, config) {
        (FolderError::Stopped { .. }, _) => format!(
            "continue it with `zoepnet train --resume {}`, or give another --out (or remove the \
             folder) to start over",
            dir.display()
        ),
        (FolderError::NotStarted(_), Some(config)) => format!(
            "start it again with `zoepnet train {} --out {}`",
            config.display(),
            dir.display()
        ),
        _ => return UsageError(format!("{err}: give --out a folder of its own")).into(),
    };
    UsageError(format!("{err}; {advice}")).into()
}

pub fn run(args: &TrainArgs, options: &FetchOptions) -> Outcome<()> {
    let (config_path, out, resume) = match (&args.resume, &args.config) {
        (Some(dir), _) => {
            let config = dir.join(files::CONFIG);
            let (config, checkpoint) =
                RunFolder::resumable(dir).map_err(|e| folder_error(e, Some(&config)))?;
            (config, dir.clone(), Some(checkpoint))
        }
        (None, Some(config)) => {
            let out = args
                .out
                .clone()
                .unwrap_or_else(|| super::default_out(config, ""));
            super::output_folder(&out)?;
            RunFolder::check_fresh(&out).map_err(|e| folder_error(e, None))?;
            (config.clone(), out, None)
        }
        (None, None) => {
            return Err(super::UsageError("a CONFIG or --resume RUN_DIR is needed".into()).into());
        }
    };
    let overrides = super::with_backend(&args.set, args.backend);
    let plan = Plan::load(&config_path, &overrides)?;
    let logs = locate_logs(&plan.config.data, &config_path, options, false)?;
    let names: Vec<String> = logs.iter().map(|p| p.display().to_string()).collect();
    errln!(
        "well log{}: {}",
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    let mut progress = Progress::new(Report::Full);
    let stop = super::progress::interrupter();
    let summary = experiment::run(&plan, &logs, &out, resume, &mut progress, &stop)
        .map_err(|e| experiment_error(e, &config_path))?;
    print_summary(&out, &summary);
    Ok(())
}

/// An experiment's failure for the command line: training errors name the config; a stopped
/// run says how to continue it.
pub fn experiment_error(err: ExperimentError, config: &Path) -> Failure {
    match err {
        ExperimentError::Train(e) => {
            Failure::from(e).context(format!("training {}", config.display()))
        }
        ExperimentError::Stopped { epoch, out } => Failure::fault(anyhow::anyhow!(
            "stopped after epoch {epoch}; continue with `zoepnet train --resume {}`",
            out.display()
        )),
        e @ ExperimentError::PopulationStopped { .. } => Failure::fault(anyhow::anyhow!(
            "{e}; continue any of them with `zoepnet train --resume RUN_DIR` (one by one)"
        )),
        other => other.into(),
    }
}

/// What `zoepnet train` prints at the end.
fn print_summary(out: &Path, summary: &Summary) {
    outln!("run folder: {} (plots under plots/)", out.display());
    outln!(
        "last epoch: train MSE {:.4e} (running), val MSE {:.4e} (at its start)",
        summary.last_epoch_train_mse,
        summary.last_epoch_val_mse
    );
    outln!(
        "final weights: train MSE {:.4e}, val MSE {:.4e}, blind (new rocks) MSE {:.4e}",
        summary.final_train_mse,
        summary.final_val_mse,
        summary.blind_mse
    );
    if let (Some(err), Some(lo), Some(hi)) = (
        summary.avo_max_abs_error,
        summary.avo_theta_min,
        summary.avo_theta_max,
    ) {
        outln!("new angles: max |error| {err:.4e} over {lo}-{hi} degrees");
    }
    for b in &summary.baselines {
        let figure =
            |v: Option<f64>| v.map_or("none (outside its domain)".into(), |v| format!("{v:.4e}"));
        // The network on the baseline's rows, where it left some out.
        let network = b
            .network_val_mse
            .filter(|&n| b.val_mse.is_some() && n != summary.final_val_mse)
            .map(|n| format!(" (network {n:.4e} on these rows)"))
            .unwrap_or_default();
        outln!(
            "baseline {}: val MSE {}{network}, blind MSE {}{}{}",
            b.method.name(),
            figure(b.val_mse),
            figure(b.blind_mse),
            b.avo_max_abs_error
                .map(|e| format!(", new angles max |error| {e:.4e}"))
                .unwrap_or_default(),
            match b.outside_domain {
                0 => String::new(),
                n => format!(" ({n} rows past its critical angle or at 90 degrees left out)"),
            }
        );
    }
    outln!("trained in {:.2} s", summary.train_seconds);
}
