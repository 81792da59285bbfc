//! `zoepnet eval`: a trained run's blind tests, on its own well or another.

use std::path::PathBuf;

use clap::Args;
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{FetchOptions, prepare_blind};
use zoepnet_learner::evaluate::{mse, predict, sweep_errors};

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
    let batcher = InterfaceBatcher::new(run.scaler.clone());
    let predicted = predict(&run.model, &batcher, &blind_rocks, &run.device)?;
    println!(
        "new rocks: {} interfaces at {} degrees, MSE {:.4e}",
        blind_rocks.len(),
        data.blind_rocks.theta,
        mse(&predicted, &blind_rocks)?
    );
    for e in sweep_errors(&run.model, &batcher, &new_angles, &run.device)? {
        println!(
            "new angles: interface {} over {}-{} degrees, max |error| {:.4e}, MSE {:.4e}",
            e.interface, e.theta_min, e.theta_max, e.max_abs_error, e.mse
        );
    }
    Ok(())
}
