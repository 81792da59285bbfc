//! `zoepnet sweep`: train every combination of some config values, then compare the runs.

use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::ProgressBar;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::device::Backend;
use zoepnet_learner::experiment::Observer;
use zoepnet_learner::run::{Summary, files};
use zoepnet_learner::sweep::slurm::{self as plan, PlanError};
use zoepnet_learner::sweep::{
    Population, SweepError, SweepObserver, SweepResult, VariantOutcome, Variants, grid, sweep,
    train_variants, variants,
};

use super::UsageError;
use super::progress::{self, Progress, Report};
use super::train::experiment_error;
use crate::failure::{Failure, Outcome, fail};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The experiment config the variants start from (with --task: the plan's folder).
    #[arg(value_name = "CONFIG")]
    config: PathBuf,
    /// A key and its values, e.g. `--set model.activation=sigmoid,tanh,relu` (repeatable: the
    /// sweep is every combination, the last key varying fastest; one value just overrides).
    /// Commas inside [...] or quotes do not split.
    #[arg(long = "set", value_name = "KEY=V1,V2,...")]
    set: Vec<String>,
    /// The sweep's folder: one run folder per variant, sweep.csv, sweep.md and sweep-val.png /
    /// .svg (default: runs/CONFIG_NAME-sweep).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The backend every variant runs on (as for `zoepnet train`).
    #[arg(long)]
    backend: Option<Backend>,
    /// Run nothing: write the grid into DIR as numbered tasks (plan.json, base.toml) with a
    /// Slurm job-array script, DIR/sweep.sbatch (`sbatch DIR/sweep.sbatch`; each element runs
    /// `zoepnet sweep --task N DIR`); then `zoepnet compare DIR` gathers the runs.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["task", "out"])]
    plan: Option<PathBuf>,
    /// Variants per task of a --plan (default 1: a task per variant).
    #[arg(long, value_name = "M", requires = "plan")]
    per_task: Option<usize>,
    /// Train every variant at once on the population engine (one module of P networks; on
    /// wgpu, one CubeCL kernel launch per epoch, a workgroup per network), and fail if they
    /// cannot be. By default a sweep does so when they can (per-sample manual SGD of plain
    /// networks that differ only in seed, learning rate, schedule, initial scale and update
    /// order) and each would otherwise train on the tensor engine (wgpu, or train.engine =
    /// "tensor"); on the CPU the fused engine, one by one, is faster.
    #[arg(long, conflicts_with_all = ["no_population", "plan", "task"])]
    population: bool,
    /// Train the variants one by one, even where the population engine could train them at
    /// once.
    #[arg(long, conflicts_with_all = ["plan", "task"])]
    no_population: bool,
    /// Run task N (from 0) of the plan in the folder given in place of CONFIG: its variants,
    /// each into its run folder there.
    #[arg(long, value_name = "N", conflicts_with_all = ["set", "out", "backend"])]
    task: Option<usize>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

/// The line a finished variant gets: `label: val MSE .., blind MSE .., .. s`.
fn finished(label: &str, s: &Summary) -> String {
    format!(
        "{label}: val MSE {:.3e}, blind MSE {:.3e}, {:.2} s",
        s.final_val_mse, s.blind_mse, s.train_seconds
    )
}

/// The line said before the variants train at once, given their count and the first plan.
type Heading = Box<dyn Fn(usize, &Plan) -> String>;

/// A sweep's progress on stderr: a bar over the variants (plain lines when piped), a line per
/// variant, and each training's header.
struct Watch {
    bar: ProgressBar,
    training: Progress,
    /// What precedes each variant's `[i/total] name` (`task 3 `), and the total.
    label: (String, usize),
    heading: Heading,
    /// Whether they trained at once.
    at_once: bool,
    download: Box<dyn FnMut(zoepnet_dataset::Progress<'_>)>,
}

impl Watch {
    fn new(total: usize, prefix: String, heading: Heading) -> Self {
        let bar = progress::count_bar(total, "run");
        Self {
            training: Progress::new(Report::Within(bar.clone())),
            bar,
            label: (prefix, total),
            heading,
            at_once: false,
            download: Box::new(super::fetch::report_progress()),
        }
    }

    fn label(&self, index: usize, name: &str) -> String {
        let (prefix, total) = &self.label;
        format!("{prefix}[{}/{total}] {name}", index + 1)
    }
}

impl SweepObserver for Watch {
    fn note(&mut self, what: &str) {
        progress::line(&self.bar, what);
    }

    fn at_once(&mut self, count: usize, first: &Plan) {
        self.at_once = true;
        progress::line(&self.bar, &(self.heading)(count, first));
    }

    fn variant(&mut self, index: usize, name: &str) {
        progress::line(&self.bar, &self.label(index, name));
        self.bar.set_message(name.to_owned());
    }

    fn done(&mut self, index: usize, name: &str, outcome: &VariantOutcome) {
        if self.at_once && index == 0 {
            self.bar.finish_and_clear();
        }
        self.bar.inc(1);
        let label = self.label(index, name);
        let line = match outcome {
            VariantOutcome::Trained(s) => finished(&label, s),
            VariantOutcome::Kept => {
                format!("{label}: finished by an earlier run of this sweep, kept")
            }
            VariantOutcome::Failed(why) => format!("{label}: failed: {}", why.describe()),
            VariantOutcome::Stopped | VariantOutcome::NotRun => return,
        };
        progress::line(&self.bar, &line);
    }

    fn download(&mut self, event: zoepnet_dataset::Progress<'_>) {
        (self.download)(event);
    }

    fn training(&mut self) -> &mut dyn Observer {
        &mut self.training
    }
}

/// A sweep's failure for the command line: `--population` refused with what the engine
/// trains, training errors naming the config.
fn sweep_error(err: SweepError, config: &Path) -> Failure {
    match err {
        SweepError::Population(_) => {
            // What the engine trains, unless the refusal is one of the kernel's limits.
            let what = if err.is_kernel_limit() {
                ""
            } else {
                "; the population engine trains per-sample manual SGD of plain networks that \
                 differ only in train.seed, train.learning_rate and its schedule, \
                 model.init_std and train.update_order"
            };
            UsageError(format!(
                "--population: {err}{what}: drop --population to train them one by one"
            ))
            .into()
        }
        SweepError::Experiment(e) => experiment_error(e, config),
        other => other.into(),
    }
}

pub fn run(args: &SweepArgs, options: &FetchOptions) -> Outcome<()> {
    if let Some(n) = args.task {
        return run_task(&args.config, n, options);
    }
    let (combos, varied) = grid(&args.set).map_err(|e| UsageError(format!("--set {e}")))?;
    if let Some(dir) = &args.plan {
        return write_plan(args, dir, &combos, &varied, options);
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.config, "-sweep"));
    super::output_folder(&out)?;
    let variants = variants(&combos, &varied, |c| super::with_backend(c, args.backend));
    let total = variants.len();
    errln!(
        "sweep: {total} run(s) of {} into {}",
        args.config.display(),
        out.display()
    );
    let heading = Box::new(move |count: usize, first: &Plan| {
        format!(
            "training the {count} variant{} at once on the population engine ({}, {})",
            if count == 1 { "" } else { "s" },
            first.config.backend.kind,
            first.config.backend.precision()
        )
    });
    let mut watch = Watch::new(total, String::new(), heading);
    let population = match (args.population, args.no_population) {
        (true, _) => Population::Always,
        (_, true) => Population::Never,
        _ => Population::Auto,
    };
    let v = Variants {
        config: &args.config,
        variants: &variants,
        out: &out,
        population,
        options,
    };
    let result = sweep(&v, &varied, &mut watch, &progress::interrupter())
        .map_err(|e| sweep_error(e, &args.config))?;
    watch.bar.finish_and_clear();
    present(&result, &varied, watch.at_once, &out)
}

/// The sweep's table on stdout and how it ended on stderr; an error where a variant failed
/// or the sweep was stopped.
fn present(result: &SweepResult, varied: &[String], at_once: bool, out: &Path) -> Outcome<()> {
    out!(
        "{}",
        zoepnet_learner::compare::markdown(&result.rows, varied)
    );
    let total = result.rows.len();
    let failed = result.unfinished();
    if at_once {
        errln!(
            "{total} run(s) trained at once on the population engine; table and validation curves in {}",
            out.display()
        );
    } else {
        errln!(
            "{} of {total} run(s) succeeded; table and validation curves in {}",
            total - failed,
            out.display()
        );
    }
    if result.interrupted() {
        fail!(
            "interrupted with {failed} of {total} run(s) not finished: run the same command again \
             to finish them (the finished runs are kept, a stopped one resumes)"
        );
    }
    if failed > 0 {
        fail!("{failed} of {total} run(s) failed (see the table)");
    }
    Ok(())
}

/// `--plan DIR`: every variant checked (its config loads), then the plan written.
fn write_plan(
    args: &SweepArgs,
    dir: &Path,
    combos: &[Vec<String>],
    varied: &[String],
    options: &FetchOptions,
) -> Outcome<()> {
    let per_task = args.per_task.unwrap_or(1);
    if per_task == 0 {
        return Err(UsageError("--per-task: at least one variant a task".into()).into());
    }
    super::output_folder(dir)?;
    let variants = variants(combos, varied, |c| super::with_backend(c, args.backend));
    let data_dir = options.data_dir.as_deref();
    let (sweep, gpu) = plan::make(&args.config, variants, varied, per_task, data_dir)
        .map_err(|e| plan_error(e, dir))?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    plan::check_folder(&dir, &sweep).map_err(|e| plan_error(e, &dir))?;
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("zoepnet"));
    plan::write(&dir, &args.config, &sweep, gpu, &exe)?;
    let tasks = sweep.tasks();
    outln!(
        "planned {} variant(s) of {} in {tasks} task(s) in {}",
        sweep.variants.len(),
        args.config.display(),
        dir.display()
    );
    outln!("  on Slurm:  sbatch {}", dir.join(files::SBATCH).display());
    outln!(
        "  by hand:   zoepnet sweep --task N {} (N from 0 to {})",
        dir.display(),
        tasks - 1
    );
    outln!("  then:      zoepnet compare {}", dir.display());
    Ok(())
}

/// `--task N DIR`: the task's variants, each into its run folder under DIR.
fn run_task(dir: &Path, n: usize, options: &FetchOptions) -> Outcome<()> {
    let sweep = plan::SweepPlan::load(dir).map_err(|e| plan_error(e, dir))?;
    let variants = sweep.task(n).map_err(|e| plan_error(e, dir))?;
    let options = FetchOptions {
        data_dir: options.data_dir.clone().or_else(|| sweep.data_dir.clone()),
        offline: options.offline,
    };
    let base = dir.join(files::PLAN_BASE);
    let heading = Box::new(move |count: usize, _: &Plan| {
        format!("task {n}: training its {count} variants at once on the population engine")
    });
    let mut watch = Watch::new(variants.len(), format!("task {n} "), heading);
    let v = Variants {
        config: &base,
        variants,
        out: dir,
        population: Population::Auto,
        options: &options,
    };
    let outcomes = train_variants(&v, &mut watch, &progress::interrupter())
        .map_err(|e| sweep_error(e, &base))?;
    watch.bar.finish_and_clear();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, VariantOutcome::Failed(_)))
        .count();
    if failed > 0 {
        fail!(
            "{failed} of {} variant(s) of task {n} failed",
            variants.len()
        );
    }
    Ok(())
}

/// A plan's refusal for the command line (exit 2), with what to do.
pub fn plan_error(err: PlanError, dir: &Path) -> Failure {
    match err {
        PlanError::NotAPlan { .. } => UsageError(format!(
            "{err}; make one with `zoepnet sweep CONFIG --set ... --plan {}`",
            dir.display()
        ))
        .into(),
        PlanError::NoTask { .. } => UsageError(format!("--{err}")).into(),
        PlanError::OtherWork { .. } => UsageError(format!(
            "--plan {err}: give a folder of its own (or remove it)"
        ))
        .into(),
        PlanError::Load { source, .. } => source.into(),
        e @ PlanError::Device { .. } => Failure::from(e).context("--plan"),
    }
}
