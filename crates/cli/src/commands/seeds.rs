//! `zoepnet seeds`: a config trained with many seeds, the distribution of its final figures,
//! and where the config's own seed falls in it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::device::Backend;
use zoepnet_learner::plan::EngineKind;
use zoepnet_learner::run::files;
use zoepnet_learner::seed_study::{
    self, SeedStudy, StudyError, StudyObserver, StudyResult, StudyStart,
};
use zoepnet_learner::seeds::SeedOutcome;

use super::UsageError;
use super::fetch::locate_logs;
use super::progress;
use super::train::experiment_error;
use crate::failure::{Failure, Outcome, fail};

#[derive(Debug, Args)]
pub struct SeedsArgs {
    /// The experiment config (its `train.seed` is the seed marked on the plots).
    config: PathBuf,
    /// How many seeds to train.
    #[arg(long, default_value_t = 100)]
    count: u32,
    /// The first seed; the seeds are FIRST, FIRST + 1, ...
    #[arg(long, default_value_t = 0)]
    first: u32,
    /// The study's folder: config.toml, scaler.json, seeds.csv, seeds.md, plots/seeds.png and
    /// .svg (default: runs/CONFIG_NAME-seeds). One that holds a study of the same config keeps
    /// its seeds and trains only the others (so an interrupted study continues where it
    /// stopped); one of another config is refused.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The backend to run on (overrides backend.kind), as for `train`. On wgpu the seeds train
    /// at once on the population kernel (up to 1024 at a time).
    #[arg(long)]
    backend: Option<Backend>,
    /// Override a config value, e.g. `--set train.epochs=10` (repeatable), as for `train`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    pub data: super::DataOptions,
}

pub fn run(args: &SeedsArgs, options: &FetchOptions) -> Outcome<()> {
    if args.count == 0 {
        return Err(UsageError("--count: at least one seed".into()).into());
    }
    let last = args.first.checked_add(args.count - 1).ok_or_else(|| {
        UsageError(format!(
            "--first {} --count {}: the seeds pass 2^32 - 1",
            args.first, args.count
        ))
    })?;
    let plan = Plan::load(&args.config, &super::with_backend(&args.set, args.backend))?;
    let logs = locate_logs(&plan.config.data, &args.config, options, false)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&args.config, "-seeds"));
    super::output_folder(&out)?;
    let study = SeedStudy {
        plan,
        config: args.config.clone(),
        seeds: args.first..=last,
    };
    let watch = Watch::new();
    let result = seed_study::run(&study, &logs, &out, &watch, &progress::interrupter())
        .map_err(|e| study_error(e, &args.config))?;
    if let Some(bar) = watch.bar.get() {
        bar.finish_and_clear();
    }
    present(&result, args.count, &out)
}

/// The study's report on stdout and how it ended on stderr; an error where it was stopped.
fn present(result: &StudyResult, count: u32, out: &Path) -> Outcome<()> {
    out!("{}", result.report);
    let studied = &result.studied;
    let diverged = studied.iter().filter(|o| o.diverged.is_some()).count();
    if diverged > 0 {
        errln!(
            "{diverged} of {} seeds diverged ({} names them; {} gives their epoch)",
            studied.len(),
            files::SEEDS_SUMMARY,
            files::SEEDS
        );
    }
    let written = format!(
        "{}, {} and {}/{}.png",
        files::SEEDS,
        files::SEEDS_SUMMARY,
        files::PLOTS,
        files::SEEDS_PLOT
    );
    if result.missing > 0 {
        fail!(
            "stopped with {} of {count} seeds trained ({written} in {} show them); run the same \
             command again to train the other {}",
            studied.len(),
            out.display(),
            result.missing
        );
    }
    errln!(
        "{} seed{} trained in {:.1} s; {written} in {}",
        result.trained,
        if result.trained == 1 { "" } else { "s" },
        result.seconds,
        out.display()
    );
    Ok(())
}

/// A study's failure for the command line: the folder's refusals as usage errors (exit 2) with
/// what to do; training errors naming the config.
fn study_error(err: StudyError, config: &Path) -> Failure {
    match err {
        StudyError::OtherConfig { .. } => UsageError(format!(
            "{err}: give another --out, or remove the folder to start over"
        ))
        .into(),
        StudyError::Outside { .. } => UsageError(format!(
            "{err}: give --first and --count that include them, or another --out"
        ))
        .into(),
        StudyError::Experiment(e) => experiment_error(e, config),
        other => other.into(),
    }
}

/// The study's progress: its header, a bar over the seeds (plain lines when piped), Ctrl-C's
/// message, and (a test aid in debug builds) a stop once `ZOEPNET_STOP_AFTER_SEEDS` seeds are
/// trained.
struct Watch {
    /// The bar over the seeds, once the study knows them.
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    start: Instant,
    stop_after: Option<usize>,
}

impl Watch {
    fn new() -> Self {
        Self {
            bar: std::sync::OnceLock::new(),
            start: Instant::now(),
            stop_after: progress::test_stop_after("ZOEPNET_STOP_AFTER_SEEDS"),
        }
    }
}

impl StudyObserver for Watch {
    fn warning(&self, what: &str) {
        progress::warn(what);
    }

    fn started(&self, s: &StudyStart<'_>) {
        header(s);
        let at_once = matches!(
            s.engine,
            EngineKind::Population | EngineKind::PopulationKernel
        );
        let csv = files::SEEDS;
        progress::stop_on_interrupt(
            &if at_once {
                format!(
                    "stopping: a population in training is dropped after its epoch (its seeds \
                     start over next time), one being scored is finished first; {csv} keeps \
                     every seed scored"
                )
            } else {
                format!(
                    "stopping once the seeds in training finish; {csv} keeps every seed trained"
                )
            },
            &format!(
                "{csv} in {} keeps the seeds trained until its last write (at most a second \
                 old); the same command trains the rest",
                s.csv.parent().unwrap_or(Path::new(".")).display()
            ),
        );
        let _ = self.bar.set(progress::count_bar(s.to_train, "seed"));
    }

    fn seed(&self, o: &SeedOutcome, n: usize, total: usize) {
        let hidden = self.bar.get().is_none_or(|bar| {
            bar.inc(1);
            bar.set_message(match o.diverged {
                Some(epoch) => format!("seed {}: diverged in epoch {epoch}", o.seed),
                None => format!("seed {}: val MSE {:.3e}", o.seed, o.val_mse),
            });
            bar.is_hidden()
        });
        if hidden && (n.is_multiple_of((total / 10).max(1)) || n == total) {
            errln!(
                "seeds: {n}/{total} trained ({:.1} s)",
                self.start.elapsed().as_secs_f64()
            );
        }
        if self.stop_after.is_some_and(|stop| n >= stop) {
            progress::interrupter().stop();
        }
    }
}

/// The study's header lines on stderr.
fn header(s: &StudyStart<'_>) {
    let study = s.study;
    let (first, last) = (*study.seeds.start(), *study.seeds.end());
    let count = study.seeds.clone().count();
    let extra = if s.own_in_range {
        String::new()
    } else {
        format!(
            " and the config's own seed {}, to mark it (not counted)",
            study.plan.seed
        )
    };
    let how = if matches!(
        s.engine,
        EngineKind::Population | EngineKind::PopulationKernel
    ) {
        format!(
            "at once, up to {} a population",
            zoepnet_learner::seeds::POPULATION
        )
    } else {
        format!("on {} threads", zoepnet_learner::seeds::threads())
    };
    errln!(
        "seed study of {}: {count} seed{} ({first}..={last}){extra}, {} training / {} \
         validation interfaces, {} engine, {} ({}), {how}",
        study.config.display(),
        if count == 1 { "" } else { "s" },
        s.train,
        s.validation,
        s.engine.name(),
        s.device.backend,
        s.device.name,
    );
    if s.kept > 0 {
        errln!(
            "keeping {} seed{} already in {} (same config); training the other {}",
            s.kept,
            if s.kept == 1 { "" } else { "s" },
            s.csv.display(),
            s.to_train
        );
    }
}
