//! `zoepnet`: the command line of the zoepnet workspace.

/// `println!` that never panics: when stdout is closed (`zoepnet info | head -1`) the line is
/// dropped and the command goes on, so a training still completes its run folder. The `std`
/// macros panic on a write error.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that never panics (see [`outln`]).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout();
        let _ = write!(stdout, $($arg)*);
        let _ = stdout.flush();
    }};
}

/// `eprintln!` that never panics: a closed stderr (`zoepnet train 2>&1 | head -1`) drops the
/// line, and the run goes on.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod commands;
mod failure;
mod matmul_threads;
mod runtime_dir;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Teach a small neural network the exact Zoeppritz P-P reflection coefficient from real well
/// logs, after the 2018 Leading Edge tutorial "Neural networks".
///
/// Exit codes: 0 success, 1 failure, 2 bad input (config, data file, arguments).
#[derive(Debug, Parser)]
#[command(
    name = "zoepnet",
    version,
    propagate_version = true,
    after_help = "The commands that read well logs (fetch, train, sweep, seeds, plot, eval, data, \
                  gradcheck, bench, las) take --data-dir DIR (or ZOEPNET_DATA_DIR), a folder \
                  where a data file not at the path given is looked for by name, and --offline \
                  (or ZOEPNET_OFFLINE=1), never to download one."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the version, the backends compiled in, and the device each one finds on this machine
    /// (or why it is not usable).
    Info,
    /// Make sure the well log a config names is present and has the right sha256, downloading it
    /// from its public address when it is missing.
    ///
    /// With --data-dir (or ZOEPNET_DATA_DIR) the file is looked for, and downloaded to, that
    /// folder; otherwise at the path the config gives, relative to the current directory.
    Fetch {
        /// The experiment config naming the file in its `[data]` section.
        #[arg(default_value = "configs/tutorial.toml")]
        config: PathBuf,
        #[command(flatten)]
        data: commands::DataOptions,
    },
    /// Compute the P-P reflection coefficient of each row of a CSV file (columns
    /// vp1,vs1,rho1,vp2,vs2,rho2,theta in m/s, kg/m3 and degrees): exact Zoeppritz or an
    /// approximation. Other columns are carried through.
    Reflectivity(commands::reflectivity::ReflectivityArgs),
    /// Train a config's network and write its run folder: the resolved config, metrics.csv,
    /// summary.json, the model, the scaler and plots (PNG and SVG). Ctrl-C stops after the epoch;
    /// --resume continues.
    #[command(
        override_usage = "zoepnet train [OPTIONS] <CONFIG>\n       zoepnet train --resume <RUN_DIR>"
    )]
    Train(commands::train::TrainArgs),
    /// Train every combination of some config values (`--set key=v1,v2,...`), each into its own
    /// run folder, and write the table of their results (sweep.csv, sweep.md) and their
    /// validation curves on one plot. A run that fails is a row of the table; the rest go on.
    /// With --plan, write the grid as tasks and a Slurm job-array script instead (--task runs
    /// one).
    Sweep(commands::sweep::SweepArgs),
    /// Train a config with many seeds of its initial weights and shuffles (the data and its
    /// split kept), on every core, and write the distribution of the final train, validation
    /// and blind MSE (seeds.csv, seeds.md, a histogram plot) with where the config's own seed
    /// falls in it.
    Seeds(commands::seeds::SeedsArgs),
    /// Print the table of runs made earlier (the settings that differ, train/val/blind MSE, AVO
    /// error, seconds).
    Compare(commands::compare::CompareArgs),
    /// Draw a run folder's plots again (PNG and SVG under plots/): from its trained network, or
    /// from the checkpoint of an interrupted run.
    Plot(commands::plot::PlotArgs),
    /// Predict Rpp with a trained run for each row of a CSV file (columns as for `reflectivity`);
    /// adds `rpp_pred`, using the run's own scaler and network.
    Predict(commands::predict::PredictArgs),
    /// Recompute a trained run's blind tests ("new rocks", "new angles"), on its own well or on
    /// others given with --las; or score it beside Aki-Richards on any CSV of labelled
    /// interfaces (--input), on every interface of whole wells at several scales (--wells), or
    /// on the domain test (--domain)
    Eval(commands::eval::EvalArgs),
    /// Write a trained run's network as safetensors in PyTorch's layout (fc1.weight [hidden,
    /// inputs], fc1.bias, any inner.K layers, fc2.weight [1, hidden], fc2.bias), its model.json
    /// and scaler.json as metadata, for PyTorch, NumPy and other tools (`zoepnet train` writes
    /// RUN/model.safetensors too).
    Export(commands::export::ExportArgs),
    /// Make the tutorial's interfaces from a config's well logs and write them as CSV (SI units,
    /// degrees, unscaled) with the feature scaler.
    Data(commands::data::DataArgs),
    /// Check the hand-written back-propagation against Burn's autodiff and central finite
    /// differences, per parameter, on a batch of the config's training interfaces. Exits 1 when
    /// an error is over its tolerance (f64: 1e-12 vs autodiff, 1e-6 vs finite differences;
    /// f32: 1e-5 and 1e-3).
    Gradcheck(commands::gradcheck::GradcheckArgs),
    /// Time how many networks this machine trains per second on each engine and backend: the
    /// fused CPU engine one network per core, the population engine, and the population kernel
    /// on wgpu, for P networks at a time; prints a Markdown table.
    Bench(commands::bench::BenchArgs),
    /// Read a LAS 1.2/2.0 well log: summarise it, or write its curves as CSV.
    #[command(subcommand)]
    Las(commands::las::LasCommand),
}

fn main() -> ExitCode {
    // First, while this is the only thread: a headless machine's Vulkan driver otherwise prints
    // "error: XDG_RUNTIME_DIR is invalid or not set" on stderr.
    runtime_dir::ensure();
    matmul_threads::ensure();
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Info => commands::info::run(),
        Command::Fetch { config, data } => commands::fetch::run(config, &data.fetch()),
        Command::Las(command) => commands::las::run(command),
        Command::Train(args) => commands::train::run(args, &args.data.fetch()),
        Command::Sweep(args) => commands::sweep::run(args, &args.data.fetch()),
        Command::Seeds(args) => commands::seeds::run(args, &args.data.fetch()),
        Command::Compare(args) => commands::compare::run(args),
        Command::Plot(args) => commands::plot::run(args, &args.data.fetch()),
        Command::Predict(args) => commands::predict::run(args),
        Command::Eval(args) => commands::eval::run(args, &args.data.fetch()),
        Command::Export(args) => commands::export::run(args),
        Command::Data(args) => commands::data::run(args, &args.data.fetch()),
        Command::Gradcheck(args) => commands::gradcheck::run(args, &args.data.fetch()),
        Command::Reflectivity(args) => commands::reflectivity::run(args),
        Command::Bench(args) => commands::bench::run(args, &args.data.fetch()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // The context chain on one line: "FILE: line N: what was expected".
            errln!("error: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}
