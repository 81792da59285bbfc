//! `zoepnet plot`: draw a run folder's plots again, for a finished run or an interrupted one.

use std::path::PathBuf;

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::plots::{self, Drawn};
use zoepnet_learner::run::files;

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
    let redrawn = plots::redraw(dir, &plan, &logs)?;
    redrawn
        .warnings
        .iter()
        .for_each(|w| super::progress::warn(w));
    let source = match redrawn.drawn {
        Drawn::Trained => "the trained network".to_owned(),
        Drawn::Checkpoint(epoch) => format!("the checkpoint after epoch {epoch}"),
    };
    outln!(
        "{} plots from {source} and {} epochs of metrics, under {}",
        redrawn.files.len() / 2,
        redrawn.epochs,
        dir.join(files::PLOTS).display()
    );
    Ok(())
}
