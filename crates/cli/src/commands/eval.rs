//! `zoepnet eval`: a trained run's blind tests, on its own well or another.

use std::path::PathBuf;

use clap::Args;
use zoepnet_dataset::{FetchOptions, InterfaceItem, prepare_blind};

use super::fetch::locate_logs;
use super::predict::load_run;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A run folder written by `zoepnet train`.
    run_dir: PathBuf,
    /// Test on these LAS files instead of the run's own (the blind sets come from the bottom of
    /// the last one, made as the run's [data] section says).
    #[arg(long, value_name = "FILE")]
    las: Vec<PathBuf>,
}

fn mse(predicted: &[f64], items: &[InterfaceItem]) -> f64 {
    let total: f64 = predicted
        .iter()
        .zip(items)
        .map(|(p, i)| (p - i.rpp).powi(2))
        .sum();
    total / items.len().max(1) as f64
}

pub fn run(args: &EvalArgs, options: &FetchOptions) -> anyhow::Result<()> {
    let run = load_run(&args.run_dir)?;
    let mut data = run.config.data.clone();
    if !args.las.is_empty() {
        data.las = args.las.clone();
        data.url = None;
        data.sha256 = None;
    }
    let logs = locate_logs(&data, &args.run_dir.join("config.toml"), options, false)?;
    let (blind_rocks, new_angles) = prepare_blind(&data, &logs)?;
    let names: Vec<String> = logs.iter().map(|p| p.display().to_string()).collect();
    println!("well log(s): {}", names.join(", "));
    println!(
        "new rocks: {} interfaces at {} degrees, MSE {:.4e}",
        blind_rocks.len(),
        data.blind_rocks.theta,
        mse(&run.predict(&blind_rocks), &blind_rocks)
    );
    for sweep in &new_angles {
        let predicted = run.predict(&sweep.items);
        let worst = predicted
            .iter()
            .zip(&sweep.items)
            .map(|(p, i)| (p - i.rpp).abs())
            .fold(0.0, f64::max);
        let (first, last) = (sweep.items.first(), sweep.items.last());
        println!(
            "new angles: interface {} over {}-{} degrees, max |error| {worst:.4e}, MSE {:.4e}",
            sweep.interface,
            first.map_or(0.0, |i| i.features[6]),
            last.map_or(0.0, |i| i.features[6]),
            mse(&predicted, &sweep.items)
        );
    }
    Ok(())
}
