//! `zoepnet sweep`: train every combination of some config values, then compare the runs.

use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::ProgressBar;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::compare::{RunRow, read_run, write};
use zoepnet_learner::device::Backend;
use zoepnet_learner::experiment;
use zoepnet_learner::run::{FolderState, RunFolder, Summary, Work, files};
use zoepnet_learner::train::{PopulationError, TrainError};

use super::UsageError;
use super::fetch::locate_logs;
use super::progress::{self, Progress, Report, interrupted};
use super::train::experiment_error;
use zoepnet_learner::sweep::slurm::{self as plan, PlanError};
use zoepnet_learner::sweep::{grid, run_name};

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

/// What a variant's folder holds of an earlier run of the same variant (the same resolved
/// config): a sweep run again after an interruption keeps what it finished and resumes what
/// it stopped.
enum Earlier {
    /// Nothing of it (or a run of another config, trained over).
    Fresh,
    /// A finished run: kept.
    Finished,
    /// A stopped run: resumed from its checkpoint.
    Stopped(Box<zoepnet_learner::checkpoint::Checkpoint>),
}

fn earlier(dir: &Path, plan: &Plan) -> Earlier {
    if !RunFolder::holds_config(dir, &plan.config) {
        Earlier::Fresh
    } else if FolderState::of(dir) == FolderState::Finished {
        Earlier::Finished
    } else {
        RunFolder::load_checkpoint(dir).map_or(Earlier::Fresh, |cp| Earlier::Stopped(Box::new(cp)))
    }
}

/// What became of a variant.
enum Done {
    /// Finished by an earlier run of the sweep, and kept.
    Kept,
    /// Trained (or resumed) now.
    Trained(Box<Summary>),
}

impl Done {
    /// The variant's line: `label: val MSE ..` or `label: finished earlier, kept`.
    fn line(&self, label: &str) -> String {
        match self {
            Done::Kept => format!("{label}: finished by an earlier run of this sweep, kept"),
            Done::Trained(s) => finished(label, s),
        }
    }
}

/// Trains one variant of the config into `dir` (printing its header only), resumes it where
/// an earlier run of the sweep stopped it, or keeps it where one finished it.
fn run_variant(
    config: &Path,
    overrides: &[String],
    dir: &Path,
    options: &FetchOptions,
    bar: &ProgressBar,
) -> anyhow::Result<Done> {
    let plan = Plan::load(config, overrides)?;
    let resume = match earlier(dir, &plan) {
        Earlier::Finished => return Ok(Done::Kept),
        Earlier::Stopped(cp) => Some(*cp),
        Earlier::Fresh => None,
    };
    let logs = locate_logs(&plan.config.data, config, options, false)?;
    let mut report = Progress::new(Report::Within(bar.clone()));
    experiment::run(&plan, &logs, dir, resume, &mut report)
        .map(|s| Done::Trained(Box::new(s)))
        .map_err(|e| experiment_error(e, config))
}

/// Whether every variant is to be trained afresh (none finished or stopped by an earlier run
/// of the sweep): only then do they train at once; an interrupted sweep continues one by one.
fn all_fresh(plans: &[Plan], dirs: &[PathBuf]) -> bool {
    plans
        .iter()
        .zip(dirs)
        .all(|(p, d)| matches!(earlier(d, p), Earlier::Fresh))
}

/// The variants' plans when the sweep trains them at once on the population engine: with
/// `--population` (refused, with the reason, when they cannot), or by default when they can,
/// are more than one, and would otherwise each train on the tensor engine; `None` with
/// `--no-population`.
fn population_plans(args: &SweepArgs, combos: &[Vec<String>]) -> anyhow::Result<Option<Vec<Plan>>> {
    if args.no_population || (combos.len() < 2 && !args.population) {
        return Ok(None);
    }
    let plans: Vec<Plan> = match combos
        .iter()
        .map(|c| Plan::load(&args.config, &super::with_backend(c, args.backend)))
        .collect::<Result<_, _>>()
    {
        Ok(plans) => plans,
        // A variant that does not load is reported by the one-by-one sweep, row by row.
        Err(e) if !args.population => {
            let _ = e;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if !args.population {
        return Ok(by_default(plans));
    }
    match experiment::population_fits(&plans) {
        Ok(()) => Ok(Some(plans)),
        Err(why) => {
            // What the engine trains, unless the refusal is one of the kernel's limits.
            let limit = matches!(why, TrainError::Population(PopulationError::KernelLimit(_)));
            let why = population_reason(why);
            let what = if limit {
                ""
            } else {
                "; the population engine trains per-sample manual SGD of plain networks that \
                 differ only in train.seed, train.learning_rate and its schedule, \
                 model.init_std and train.update_order"
            };
            Err(UsageError(format!(
                "--population: the variants cannot train together ({why}){what}: drop \
                 --population to train them one by one"
            ))
            .into())
        }
    }
}

/// `plans`, when a sweep (or a task of a plan) trains them at once by default
/// ([`experiment::population_by_default`]); says why not where the population would have been
/// the default.
fn by_default(plans: Vec<Plan>) -> Option<Vec<Plan>> {
    match experiment::population_by_default(&plans) {
        Ok(true) => Some(plans),
        Ok(false) => None,
        Err(why) => {
            errln!(
                "sweep: the variants cannot train at once on the population engine ({}): one by one",
                population_reason(why)
            );
            None
        }
    }
}

/// Trains `plans` at once on the population engine, each into its folder of `dirs` (their data
/// found as for `config`), under `bar` after the line `heading`. Each run's summary, or why it
/// failed on its own (a network that diverged).
fn train_at_once(
    plans: &[Plan],
    config: &Path,
    dirs: &[PathBuf],
    options: &FetchOptions,
    bar: &ProgressBar,
    heading: &str,
) -> anyhow::Result<Vec<Result<Summary, String>>> {
    let logs = locate_logs(&plans[0].config.data, config, options, false)?;
    progress::line(bar, heading);
    let mut report = Progress::new(Report::Within(bar.clone()));
    let outcomes = experiment::run_population(plans, &logs, dirs, &mut report)
        .map_err(|e| experiment_error(e, config))?;
    drop(report);
    bar.finish_and_clear();
    Ok(outcomes
        .into_iter()
        .map(|o| o.map_err(|e| format!("{:#}", experiment_error(e, config))))
        .collect())
}

/// The reason a population was refused, without the error's prefix.
fn population_reason(e: TrainError) -> String {
    match e {
        TrainError::Population(why) => why.to_string(),
        other => other.to_string(),
    }
}

pub fn run(args: &SweepArgs, options: &FetchOptions) -> anyhow::Result<()> {
    if let Some(n) = args.task {
        return run_task(&args.config, n, options);
    }
    let (combos, varied) = grid(&args.set).map_err(|e| UsageError(format!("--set {e}")))?;
    if let Some(dir) = &args.plan {
        return write_plan(args, dir, &combos, &varied, options);
    }
    // Before the folder is made: a --population that cannot be leaves nothing behind, nor
    // does a population whose device does not come up.
    let population = population_plans(args, &combos)?;
    if let Some(plans) = &population {
        plans[0]
            .config
            .backend
            .select()
            .with_context(|| format!("sweep {}", args.config.display()))?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.config, "-sweep"));
    super::output_folder(&out)?;
    std::fs::create_dir_all(&out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let total = combos.len();
    errln!(
        "sweep: {total} run(s) of {} into {}",
        args.config.display(),
        out.display()
    );
    let bar = progress::count_bar(total, "run");
    let names: Vec<String> = combos.iter().map(|c| run_name(c, &varied)).collect();
    let dirs: Vec<PathBuf> = names.iter().map(|n| out.join(n)).collect();
    let population = population.filter(|plans| {
        let fresh = all_fresh(plans, &dirs);
        if !fresh {
            progress::line(
                &bar,
                "continuing an interrupted sweep: one variant at a time, finished ones kept",
            );
        }
        fresh
    });
    if let Some(plans) = population {
        let heading = format!(
            "training the {total} variant{} at once on the population engine ({}, {})",
            if total == 1 { "" } else { "s" },
            plans[0].config.backend.kind,
            plans[0].config.backend.precision()
        );
        let outcomes = train_at_once(&plans, &args.config, &dirs, options, &bar, &heading)?;
        let mut rows: Vec<RunRow> = dirs.iter().map(|d| read_run(d)).collect();
        let mut failed = 0;
        for (i, (row, outcome)) in rows.iter_mut().zip(outcomes).enumerate() {
            match outcome {
                Ok(s) => errln!(
                    "[{}/{total}] {}: val MSE {:.3e}, blind MSE {:.3e}",
                    i + 1,
                    row.name,
                    s.final_val_mse,
                    s.blind_mse
                ),
                // A diverged network fails its row alone, as one by one.
                Err(why) => {
                    failed += 1;
                    errln!("[{}/{total}] {}: failed: {why}", i + 1, row.name);
                    row.outcome = Err(format!("failed: {why}"));
                }
            }
        }
        write(&out, files::SWEEP_STEM, &rows, &varied).map_err(|e| anyhow::anyhow!(e))?;
        out!("{}", zoepnet_learner::compare::markdown(&rows, &varied));
        errln!(
            "{total} run(s) trained at once on the population engine; table and validation curves in {}",
            out.display()
        );
        if failed > 0 {
            anyhow::bail!("{failed} of {total} run(s) failed (see the table)");
        }
        return Ok(());
    }
    let mut rows: Vec<RunRow> = Vec::with_capacity(total);
    for (i, combo) in combos.iter().enumerate() {
        let name = run_name(combo, &varied);
        let dir = out.join(&name);
        // The grid's own values, for runs that fail before writing their config.
        let grid_settings: BTreeMap<String, String> = combo
            .iter()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
            .collect();
        if interrupted() {
            rows.push(RunRow {
                name,
                dir,
                settings: grid_settings,
                outcome: Err("not run (interrupted)".into()),
                val_curve: Vec::new(),
            });
            continue;
        }
        progress::line(&bar, &format!("[{}/{total}] {name}", i + 1));
        bar.set_message(name.clone());
        let overrides = super::with_backend(combo, args.backend);
        let outcome = run_variant(&args.config, &overrides, &dir, options, &bar);
        bar.inc(1);
        match outcome {
            Ok(done) => {
                progress::line(&bar, &done.line(&format!("[{}/{total}] {name}", i + 1)));
                rows.push(read_run(&dir));
            }
            Err(e) => {
                let why = format!("{e:#}");
                let mut row = read_run(&dir);
                if row.settings.is_empty() {
                    row.settings = grid_settings;
                }
                // Stopped by Ctrl-C: its folder says so (and that it resumes); else it failed.
                let stopped =
                    interrupted() && matches!(FolderState::of(&dir), FolderState::Stopped { .. });
                if !stopped {
                    progress::line(&bar, &format!("[{}/{total}] {name}: failed: {why}", i + 1));
                    row.outcome = Err(format!("failed: {why}"));
                }
                rows.push(row);
            }
        }
    }
    bar.finish_and_clear();
    write(&out, files::SWEEP_STEM, &rows, &varied).map_err(|e| anyhow::anyhow!(e))?;
    out!("{}", zoepnet_learner::compare::markdown(&rows, &varied));
    let failed = rows.iter().filter(|r| r.outcome.is_err()).count();
    errln!(
        "{} of {total} run(s) succeeded; table and validation curves in {}",
        total - failed,
        out.display()
    );
    if interrupted() {
        anyhow::bail!(
            "interrupted with {failed} of {total} run(s) not finished: run the same command again \
             to finish them (the finished runs are kept, a stopped one resumes)"
        );
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {total} run(s) failed (see the table)");
    }
    Ok(())
}

/// A usage error (exit 2) where planning into `dir` would mix with or hide other work: another
/// plan (the same plan again is written again), a sweep's table, a run, or run folders.
fn refuse_other_work(dir: &Path, sweep: &plan::SweepPlan) -> Result<(), UsageError> {
    let refuse = |what: &str| {
        Err(UsageError(format!(
            "--plan {}: the folder holds {what}: give a folder of its own (or remove it)",
            dir.display()
        )))
    };
    super::output_folder(dir)?;
    match FolderState::of(dir) {
        FolderState::Other(Work::PlannedSweep) => {
            let same = plan::SweepPlan::load(dir)
                .is_ok_and(|old| old.variants == sweep.variants && old.config == sweep.config);
            return if same {
                Ok(())
            } else {
                refuse(&format!("another plan ({})", files::PLAN))
            };
        }
        FolderState::Other(work) => {
            return refuse(&format!("{} ({})", work.describe(), work.marker()));
        }
        state if state.is_run() => return refuse(&format!("a run ({})", files::CONFIG)),
        _ => {}
    }
    if !FolderState::runs_in(dir).is_empty() {
        return refuse("run folders");
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
) -> anyhow::Result<()> {
    let per_task = args.per_task.unwrap_or(1);
    if per_task == 0 {
        return Err(UsageError("--per-task: at least one variant a task".into()).into());
    }
    let mut variants = Vec::with_capacity(combos.len());
    let mut gpu = false;
    for combo in combos {
        let overrides = super::with_backend(combo, args.backend);
        let plan = Plan::load(&args.config, &overrides)?;
        gpu |= plan.config.backend.kind == zoepnet_learner::device::Backend::Wgpu;
        // What no device of the backend computes in fails every task: refused here.
        let backend = &plan.config.backend;
        zoepnet_learner::device::refuse_precision(backend.kind, backend.precision())
            .with_context(|| format!("--plan: variant {}", run_name(combo, varied)))?;
        variants.push(plan::Variant {
            name: run_name(combo, varied),
            overrides,
        });
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let dir = absolute(dir);
    let sweep = plan::SweepPlan {
        zoepnet_version: env!("CARGO_PKG_VERSION").to_owned(),
        config: args.config.clone(),
        workdir: absolute(Path::new(".")),
        data_dir: options.data_dir.as_deref().map(absolute),
        variants,
        varied: varied.to_vec(),
        per_task,
    };
    refuse_other_work(&dir, &sweep)?;
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
fn run_task(dir: &Path, n: usize, options: &FetchOptions) -> anyhow::Result<()> {
    let sweep = plan::SweepPlan::load(dir).map_err(|e| plan_error(e, dir))?;
    let variants = sweep.task(n).map_err(|e| plan_error(e, dir))?;
    let options = FetchOptions {
        data_dir: options.data_dir.clone().or_else(|| sweep.data_dir.clone()),
        offline: options.offline,
    };
    let base = dir.join(files::PLAN_BASE);
    let bar = progress::count_bar(variants.len(), "run");
    // Several variants that can train at once, and would otherwise each train on the tensor
    // engine (a GPU): at once, as a sweep does.
    let plans: Result<Vec<Plan>, _> = variants
        .iter()
        .map(|v| Plan::load(&base, &v.overrides))
        .collect();
    let dirs: Vec<PathBuf> = variants.iter().map(|v| dir.join(&v.name)).collect();
    let plans = plans.ok().and_then(by_default);
    if let Some(plans) = plans.filter(|plans| all_fresh(plans, &dirs)) {
        let heading = format!(
            "task {n}: training its {} variants at once on the population engine",
            plans.len()
        );
        let outcomes = train_at_once(&plans, &base, &dirs, &options, &bar, &heading)?;
        let mut failed = 0;
        for (i, (variant, outcome)) in variants.iter().zip(outcomes).enumerate() {
            let label = format!("task {n} [{}/{}] {}", i + 1, variants.len(), variant.name);
            match outcome {
                Ok(s) => errln!("{}", finished(&label, &s)),
                Err(why) => {
                    failed += 1;
                    errln!("{label}: failed: {why}");
                }
            }
        }
        if failed > 0 {
            anyhow::bail!(
                "{failed} of {} variant(s) of task {n} failed",
                variants.len()
            );
        }
        return Ok(());
    }
    let mut failed = 0;
    for (i, variant) in variants.iter().enumerate() {
        let label = format!("task {n} [{}/{}] {}", i + 1, variants.len(), variant.name);
        progress::line(&bar, &label);
        let outcome = run_variant(
            &base,
            &variant.overrides,
            &dir.join(&variant.name),
            &options,
            &bar,
        );
        bar.inc(1);
        match outcome {
            Ok(done) => progress::line(&bar, &done.line(&label)),
            Err(e) => {
                failed += 1;
                progress::line(&bar, &format!("{label}: failed: {e:#}"));
            }
        }
    }
    bar.finish_and_clear();
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} variant(s) of task {n} failed",
            variants.len()
        );
    }
    Ok(())
}

/// A plan's refusal for the command line (exit 2), with what to do.
pub fn plan_error(err: PlanError, dir: &Path) -> UsageError {
    match err {
        PlanError::NotAPlan { .. } => UsageError(format!(
            "{err}; make one with `zoepnet sweep CONFIG --set ... --plan {}`",
            dir.display()
        )),
        PlanError::NoTask { .. } => UsageError(format!("--{err}")),
    }
}
