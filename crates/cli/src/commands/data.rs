//! `zoepnet data`: the tutorial's interfaces as CSV files, with the scaler.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::Context;
use clap::Args;
use zoepnet_dataset::{Feature, FeatureVector, FetchOptions, InterfaceItem};
use zoepnet_learner::Plan;
use zoepnet_learner::run::files;

use super::fetch::locate_logs;
use super::write_atomically;
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
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let out = |name: &str| args.out.join(name);
    write_items(&out("train.csv"), &prepared.train, None)?;
    write_items(&out("val.csv"), &prepared.validation, None)?;
    write_items(&out("blind_rocks.csv"), &prepared.blind_rocks, None)?;
    let sweeps: Vec<(usize, InterfaceItem)> = prepared
        .new_angles
        .iter()
        .flat_map(|s| s.items.iter().map(move |item| (s.interface, *item)))
        .collect();
    let (index, items): (Vec<usize>, Vec<InterfaceItem>) = sweeps.into_iter().unzip();
    write_items(&out("new_angles.csv"), &items, Some(&index))?;
    write_atomically(&out(files::SCALER), |file| {
        serde_json::to_writer_pretty(&mut *file, &prepared.scaler)?;
        writeln!(file)
    })
    .with_context(|| format!("writing {}", out(files::SCALER).display()))?;
    let s = &prepared.scaler;
    outln!(
        "{} training, {} validation, {} blind-rocks interfaces, {} new-angles sweep(s) written to {}",
        prepared.train.len(),
        prepared.validation.len(),
        prepared.blind_rocks.len(),
        prepared.new_angles.len(),
        args.out.display()
    );
    outln!("scaler mean: {}", join(&s.mean));
    outln!("scaler std:  {}", join(&s.std));
    Ok(())
}

fn join(values: &FeatureVector) -> String {
    Feature::NAMES
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n} {v:.6}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Items as CSV: `vp1,...,theta,rpp` (SI units, degrees), with a leading `interface` column when
/// `index` is given.
fn write_items(path: &Path, items: &[InterfaceItem], index: Option<&[usize]>) -> Outcome<()> {
    write_atomically(path, |file| {
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let mut header: Vec<&str> = index.map(|_| "interface").into_iter().collect();
        header.extend(Feature::NAMES);
        header.push("rpp");
        writer.write_record(&header)?;
        for (row, item) in items.iter().enumerate() {
            let mut record: Vec<String> = index.map(|ix| ix[row].to_string()).into_iter().collect();
            record.extend(item.features.iter().map(|v| format!("{v}")));
            record.push(format!("{}", item.rpp));
            writer.write_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    })
    .with_context(|| format!("writing {}", path.display()))
}
