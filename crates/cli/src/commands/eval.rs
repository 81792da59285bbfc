//! `zoepnet eval`: a trained run's blind tests, on its own well or another; or its error on any
//! CSV of labelled interfaces beside the classical approximations'.

use std::path::{Path, PathBuf};

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_dataset::table::read_labelled;
use zoepnet_learner::evaluate::BaselineComparison;
use zoepnet_learner::run::files;
use zoepnet_learner::trained::{BlindDataError, BlindError, TrainedRun, extrapolation};
use zoepnet_learner::well_test::{self, WellTest};

use super::UsageError;
use super::fetch::locate_logs;
use super::predict::{load_run, warn_of_extrapolation};
use super::progress::{Step, warn};
use crate::failure::Context as _;
use crate::failure::{Failure, Outcome};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A run folder written by `zoepnet train`.
    run_dir: PathBuf,
    /// Test on these LAS files instead of the run's own (the blind sets come from the bottom of
    /// the last one, made as the run's `[data]` section says).
    #[arg(long, value_name = "FILE")]
    las: Vec<PathBuf>,
    /// Score the run on this CSV of interfaces instead (columns as for `reflectivity`; labels
    /// from its `rpp` column, or exact Zoeppritz when it has none, as `zoepnet data` writes):
    /// the network's MSE beside Aki-Richards' and Shuey's on the same rows.
    #[arg(long, value_name = "IN.csv", conflicts_with = "las")]
    input: Option<PathBuf>,
    /// Override a `[data]` value of the run's config for reading the wells, e.g. `--set
    /// data.null_policy=common` for a well that uses another null than it declares (repeatable;
    /// only `data.` keys: the network stays the run's).
    #[arg(long = "set", value_name = "KEY=VALUE", conflicts_with = "input")]
    set: Vec<String>,
    /// Score the run instead on N interfaces of the domain test: a seeded Latin hypercube over
    /// Vp 1500-6500 m/s, Vp/Vs 1.45-4 and density 1900-2900 kg/m3 of each layer and angles
    /// 0-60 degrees, labelled with exact Zoeppritz; the network's RMS and largest error per
    /// region (weak or strong contrast; pre-, near- or post-critical) beside Aki-Richards'.
    #[arg(long, value_name = "N", conflicts_with_all = ["input", "las", "set"])]
    domain: Option<usize>,
    /// The domain test's seed (with --domain).
    #[arg(
        long,
        value_name = "SEED",
        default_value_t = 2029,
        requires = "domain",
        conflicts_with_all = ["wells", "input", "las"]
    )]
    domain_seed: u32,
    /// Score the run instead on every interface of these wells (issue 29's well test): at full
    /// resolution and blocked into layers (--blocks), each interface at an angle drawn
    /// uniformly in [0, --theta-max) degrees, labelled with exact Zoeppritz; the network's MSE
    /// beside Aki-Richards' where it is defined and its largest error on any row, rows with a
    /// layer no rock can have left out. The wells are read as the run's `[data]` and --set say
    /// (curves, nulls), from measured values only: no decimation, no Vs repair, no rows cut.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["input", "las", "domain"])]
    wells: Vec<PathBuf>,
    /// The well test's layer thicknesses, metres (mean velocities); 0 is every sample (with
    /// --wells).
    #[arg(
        long,
        value_name = "M,...",
        value_delimiter = ',',
        default_value = "0,2,5,10",
        requires = "wells",
        conflicts_with_all = ["domain", "input", "las"]
    )]
    blocks: Vec<f64>,
    /// The well test's largest angle, degrees (with --wells).
    #[arg(
        long,
        value_name = "DEGREES",
        default_value_t = 60.0,
        requires = "wells",
        conflicts_with_all = ["domain", "input", "las"]
    )]
    theta_max: f64,
    /// The well test's seed for the angles (NumPy's RandomState, the same for every well; with
    /// --wells).
    #[arg(
        long,
        value_name = "SEED",
        default_value_t = 1,
        requires = "wells",
        conflicts_with_all = ["domain", "input", "las"]
    )]
    angle_seed: u32,
    #[command(flatten)]
    pub data: super::DataOptions,
}

pub fn run(args: &EvalArgs, options: &FetchOptions) -> Outcome<()> {
    let run = load_run(&args.run_dir)?;
    if let Some(input) = &args.input {
        return on_table(&run, input);
    }
    if let Some(count) = args.domain {
        if count == 0 {
            return Err(UsageError("--domain: at least one interface".into()).into());
        }
        let step = Step::start("drawing the domain test and scoring the network on it");
        let scores = zoepnet_learner::domain::score(&run, count, args.domain_seed)?;
        drop(step);
        outln!(
            "domain test: {count} interfaces, seed {} (Aki-Richards where defined: below the \
             critical angle)",
            args.domain_seed
        );
        out!("{}", scores.markdown());
        return Ok(());
    }
    if !args.wells.is_empty() {
        return on_wells(&run, args, options);
    }
    let data = run
        .blind_data(&args.run_dir, &args.set, &args.las)
        .map_err(|e| match e {
            BlindDataError::NotData(key) => Failure::from(UsageError(format!(
                "--set {key}: eval takes only data.* keys (how the wells are read and the blind \
                 sets made); the network and its scaler are the run's"
            ))),
            other => other.into(),
        })?;
    let logs = locate_logs(&data, &args.run_dir.join(files::CONFIG), options, false)?;
    let step = Step::start("reading the well logs and scoring the network on their blind sets");
    let scores = run.blind(&data, &logs).map_err(|e| match e {
        BlindError::Data(e) => Failure::from(e),
        BlindError::Evaluate(e) => e.into(),
    })?;
    drop(step);
    scores.warnings.iter().for_each(|w| warn(w));
    let names: Vec<String> = logs.iter().map(|p| p.display().to_string()).collect();
    outln!("well log(s): {}", names.join(", "));
    let (rocks, rocks_mse) = scores.rocks;
    outln!(
        "new rocks: {rocks} interfaces at {} degrees, MSE {rocks_mse:.4e}",
        data.blind_rocks.theta,
    );
    for e in scores.sweeps {
        outln!(
            "new angles: interface {} over {}-{} degrees, max |error| {:.4e}, MSE {:.4e}",
            e.interface,
            e.theta_min,
            e.theta_max,
            e.max_abs_error,
            e.mse
        );
    }
    Ok(())
}

/// The well test: every interface of `args.wells` at each scale.
fn on_wells(run: &TrainedRun, args: &EvalArgs, options: &FetchOptions) -> Outcome<()> {
    let test = WellTest::new(&args.blocks, args.theta_max, args.angle_seed)
        .map_err(|e| UsageError(format!("--{}: {e}", e.setting().replace('_', "-"))))?;
    let data = run
        .blind_data(&args.run_dir, &args.set, &args.wells)
        .map_err(|e| match e {
            BlindDataError::NotData(key) => Failure::from(UsageError(format!(
                "--set {key}: eval takes only data.* keys (how the wells are read)"
            ))),
            other => other.into(),
        })?;
    let logs = zoepnet_dataset::locate_logs(&data, options, &mut |_| {})
        .context("a well given with --wells")?
        .iter()
        .map(|f| f.path().to_owned())
        .collect::<Vec<_>>();
    let step = Step::start("reading the wells and scoring the network on every interface");
    let (scores, warnings) = well_test::score(run, &data, &logs, &test).map_err(|e| match e {
        BlindError::Data(e) => Failure::from(e),
        BlindError::Evaluate(e) => e.into(),
    })?;
    drop(step);
    warnings.iter().for_each(|w| warn(w));
    outln!(
        "well test: every interface, angles uniform in [0, {}) degrees (seed {}); network / AR \
         on the rows where Aki-Richards is defined, max abs on every row",
        args.theta_max,
        args.angle_seed
    );
    out!("{}", well_test::markdown(&scores));
    outln!("\nwhere each has its largest error:");
    out!("{}", well_test::worst_rows(&scores));
    outln!(
        "(no-rock rows: a layer with Vp/Vs <= sqrt(4/3), a log error; a scale without rows has \
         layers thinner than the samples' spacing)"
    );
    Ok(())
}

/// The run's MSE on the labelled interfaces of `input`, beside the baselines'.
fn on_table(run: &TrainedRun, input: &Path) -> Outcome<()> {
    let step = Step::start(&format!(
        "reading, labelling and scoring {}",
        input.display()
    ));
    let table = read_labelled(input)?;
    let scores = run.score(&table.items)?;
    drop(step);
    let rows = table.lines.iter().copied();
    let found = extrapolation(
        &run.scaler,
        rows.zip(table.items.iter().map(|i| &i.features)),
    );
    warn_of_extrapolation(input, found.as_ref());
    let source = if table.from_column {
        "its rpp column"
    } else {
        "exact Zoeppritz, computed here"
    };
    outln!(
        "{}: {} interfaces (labels: {source})",
        input.display(),
        table.items.len()
    );
    outln!("network       MSE {:.4e}", scores.network_mse);
    print_comparisons(&scores.baselines);
    // Log errors that no rock can have: scored above like every row, and again without them.
    if let Some((unstable, network_mse, baselines)) = &scores.stable {
        outln!(
            "{unstable} row(s) with a layer no rock can have (Vp/Vs <= sqrt(4/3), a negative bulk \
             modulus: a log error such as a cycle-skipped shear log); without them:"
        );
        outln!("network       MSE {network_mse:.4e}");
        print_comparisons(baselines);
    }
    Ok(())
}

/// One line per approximation: its MSE and the network's on the rows inside its domain.
fn print_comparisons(comparisons: &[BaselineComparison]) {
    let figure = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.4e}"));
    for c in comparisons {
        let ratio = match (c.network_mse, c.baseline_mse) {
            (Some(n), Some(b)) if b > 0.0 => format!(", network / baseline {}", ratio(n / b)),
            _ => String::new(),
        };
        outln!(
            "{:13} MSE {} on the {} rows inside its domain ({} left out); network there {}{ratio}",
            c.method.name(),
            figure(c.baseline_mse),
            c.rows,
            c.outside_domain,
            figure(c.network_mse),
        );
    }
}

/// A ratio with three significant digits: 0.069, 1.13, 2.5e-4.
fn ratio(r: f64) -> String {
    if r != 0.0 && r.abs() < 1e-3 {
        format!("{r:.2e}")
    } else {
        format!("{r:.3}")
    }
}
