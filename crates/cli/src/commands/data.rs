//! `zoepnet data`: the tutorial's interfaces as CSV files, with the scaler.

use std::path::PathBuf;

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_dataset::table::write_dataset;
use zoepnet_learner::Plan;
use zoepnet_learner::lock::FolderLock;

use super::fetch::locate_logs;
use crate::failure::Outcome;

#[derive(Debug, Args)]
pub struct DataArgs {
    /// The experiment config; its `[data]` section says how the interfaces are made.
    config: PathBuf,
    /// The folder to write train.csv, val.csv, blind_rocks.csv, new_angles.csv and scaler.json
    /// into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Override a config value, e.g. `--set data.theta_max=30` (repeatable), as for `train`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

pub fn run(args: &DataArgs, options: &FetchOptions) -> Outcome<()> {
    let experiment = Plan::load(&args.config, &args.set)?.config;
    let paths = locate_logs(&experiment.data, &args.config, options, false)?;
    let prepared = super::prepare(&experiment.data, &paths)?;
    super::output_folder(&args.out)?;
    let _held = FolderLock::acquire_for_files(&args.out)?;
    write_dataset(&prepared, &args.out)?;
    let s = &prepared.scaler;
    outln!(
        "{} training, {} validation, {} blind-rocks interfaces, {} new-angles sweep(s) written to {}",
        prepared.train.len(),
        prepared.validation.len(),
        prepared.blind_rocks.len(),
        prepared.new_angles.len(),
        args.out.display()
    );
    let names = s.inputs.names();
    outln!("scaler mean: {}", join(&names, &s.mean));
    outln!("scaler std:  {}", join(&names, &s.std));
    Ok(())
}

/// Each input's name and value.
fn join(names: &[&str], values: &[f64]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n} {v:.6}"))
        .collect::<Vec<_>>()
        .join(", ")
}
