//! `zoepnet plot`: draw a run folder's plots again, for a finished run or an interrupted one.

use std::path::PathBuf;

use crate::failure::Context;
use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::checkpoint::{checkpoint_model, initial_model};
use zoepnet_learner::plots::{self, PlotInputs};
use zoepnet_learner::run::RunFolder;
use zoepnet_learner::run::files;
use zoepnet_model::Mlp;

use super::fetch::locate_logs;
use crate::failure::Outcome;

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A run folder written by `zoepnet train`: its trained network (model.bpk), or for an
    /// interrupted run its checkpoint.json, with config.toml and metrics.csv.
    run_dir: PathBuf,
    #[command(flatten)]
    pub data: super::DataOptions,
}

pub fn run(args: &PlotArgs, options: &FetchOptions) -> Outcome<()> {
    let dir = &args.run_dir;
    let config_path = super::run_folder_config(dir)?;
    let plan = Plan::load(&config_path, &[])?;
    let logs = locate_logs(&plan.config.data, &config_path, options, false)?;
    let prepared = super::prepare(&plan.config.data, &logs)?;
    let (device, _) = plan.config.backend.select()?;
    // A run folder's file that does not read is bad input (exit 2), as a bad config is.
    let metrics = RunFolder::load_metrics(dir)?;
    let (trained, source) = if dir.join(files::MODEL_RECORD).is_file() {
        let (model, _) = Mlp::load(&dir.join(files::MODEL), &device)
            .with_context(|| format!("{}: the trained network", dir.display()))?;
        (model, "the trained network".to_owned())
    } else {
        let checkpoint = RunFolder::load_checkpoint(dir)?;
        let model = checkpoint_model(&plan, &prepared, &checkpoint, &device)?;
        (
            model,
            format!("the checkpoint after epoch {}", checkpoint.epoch),
        )
    };
    let untrained = initial_model(&plan, &device)?;
    let written = plots::write(
        dir,
        &PlotInputs {
            plan: &plan,
            prepared: &prepared,
            metrics: &metrics,
            untrained: &untrained,
            trained: &trained,
            device: &device,
        },
    )?;
    outln!(
        "{} plots from {source} and {} epochs of metrics, under {}",
        written.len() / 2,
        metrics.len(),
        dir.join(files::PLOTS).display()
    );
    Ok(())
}
