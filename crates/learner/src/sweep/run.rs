//! Training a sweep's variants, each into its run folder: at once on the population engine
//! where they can and the engine is the better choice ([`Population`]), else one by one; a
//! variant that an earlier run of the same sweep finished is kept, one it stopped is resumed
//! ([`Earlier`]). [`sweep`] then tables the runs; a planned task ([`super::slurm`]) trains its
//! slice of variants with [`train_variants`] alone.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use zoepnet_dataset::{FetchOptions, Progress, SourceError};

use super::slurm::Variant;
use crate::checkpoint::Checkpoint;
use crate::compare::{RunRow, Unfinished, read_run, write};
use crate::config::LoadError;
use crate::experiment::{self, ExperimentError, Observer};
use crate::interrupt::Interrupter;
use crate::plan::Plan;
use crate::run::{FolderState, RunError, RunFolder, Summary, files};
use crate::train::TrainError;

/// Whether a sweep's variants train at once on the population engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Population {
    /// Where they can, are more than one, and would each train on the tensor engine otherwise
    /// ([`experiment::population_by_default`]); on the CPU the fused engine, one by one, is
    /// faster.
    #[default]
    Auto,
    /// Always: refused, with the reason, where they cannot.
    Always,
    /// Never: one by one.
    Never,
}

/// Variants of one config to train, each into its run folder `out/NAME`.
#[derive(Debug, Clone, Copy)]
pub struct Variants<'a> {
    /// The config file the overrides apply to.
    pub config: &'a Path,
    /// The variants.
    pub variants: &'a [Variant],
    /// The folder of their run folders.
    pub out: &'a Path,
    /// Whether they train at once.
    pub population: Population,
    /// Where the well logs are, and whether they may be downloaded.
    pub options: &'a FetchOptions,
}

/// Why a variant failed on its own (the sweep went on).
#[derive(Debug, thiserror::Error)]
pub enum VariantError {
    /// Its config does not load.
    #[error(transparent)]
    Load(LoadError),
    /// Its well logs could not be found or fetched.
    #[error("the well log named in {}", config.display())]
    Logs {
        /// The config.
        config: PathBuf,
        /// Why.
        source: Box<SourceError>,
    },
    /// Its training failed (it diverged, say).
    #[error("training {}", config.display())]
    Train {
        /// The config.
        config: PathBuf,
        /// Why.
        source: TrainError,
    },
    /// Its data, device, scoring or files failed.
    #[error(transparent)]
    Experiment(Box<ExperimentError>),
}

impl VariantError {
    fn of(e: ExperimentError, config: &Path) -> Self {
        match e {
            ExperimentError::Train(source) => VariantError::Train {
                config: config.to_owned(),
                source,
            },
            other => VariantError::Experiment(Box::new(other)),
        }
    }

    /// The error and its sources on one line, joined by ": ".
    pub fn describe(&self) -> String {
        chain(self)
    }
}

/// What became of a variant.
#[derive(Debug)]
pub enum VariantOutcome {
    /// Finished by an earlier run of the sweep, and kept.
    Kept,
    /// Trained (or resumed) now.
    Trained(Box<Summary>),
    /// Failed on its own.
    Failed(Box<VariantError>),
    /// Stopped by the interrupter, its checkpoint written (resumable).
    Stopped,
    /// Not started: the interrupter had stopped the sweep.
    NotRun,
}

/// Watches a sweep.
pub trait SweepObserver {
    /// Something worth a line: why the variants train one by one after all, say.
    fn note(&mut self, _what: &str) {}
    /// The variants are about to train at once, `count` of them, the first as `first`.
    fn at_once(&mut self, _count: usize, _first: &Plan) {}
    /// Variant `index` (from 0) is about to train on its own.
    fn variant(&mut self, _index: usize, _name: &str) {}
    /// Variant `index` is done.
    fn done(&mut self, _index: usize, _name: &str, _outcome: &VariantOutcome) {}
    /// A well log is being downloaded.
    fn download(&mut self, _event: Progress<'_>) {}
    /// The observer of each training (its epochs, and whether to stop).
    fn training(&mut self) -> &mut dyn Observer;
}

/// Why a sweep could not run (a variant's own failure is a [`VariantOutcome::Failed`]).
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A variant's config does not load (where all must, to train at once).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// `Population::Always` where the variants cannot train together.
    #[error("the variants cannot train together ({})", population_reason(.0))]
    Population(TrainError),
    /// A well log could not be found or fetched.
    #[error("the well logs named in {}", config.display())]
    Logs {
        /// The config.
        config: PathBuf,
        /// Why.
        source: Box<SourceError>,
    },
    /// The data, the device or the population's training failed.
    #[error("{}", describe(.0, None))]
    Experiment(ExperimentError),
    /// The sweep's folder or table could not be written.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The sweep's folder is another process's, or could not be locked.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

impl SweepError {
    /// Whether it comes from what the user gave.
    pub fn is_bad_input(&self) -> bool {
        match self {
            SweepError::Load(_) | SweepError::Population(_) | SweepError::Logs { .. } => true,
            SweepError::Experiment(e) => e.is_bad_input(),
            SweepError::Run(_) => false,
            SweepError::Lock(e) => e.is_bad_input(),
        }
    }

    /// Whether it is [`SweepError::Population`] refused for one of the population kernel's
    /// limits (not for what the variants are).
    pub fn is_kernel_limit(&self) -> bool {
        #[cfg(feature = "wgpu")]
        return matches!(
            self,
            SweepError::Population(TrainError::Population(
                crate::train::PopulationError::KernelLimit(_)
            ))
        );
        #[cfg(not(feature = "wgpu"))]
        false
    }
}

/// The reason a population was refused, without the error's prefix.
fn population_reason(e: &TrainError) -> String {
    match e {
        TrainError::Population(why) => why.to_string(),
        other => other.to_string(),
    }
}

/// An error and its sources, joined by ": " (as `anyhow`'s `{:#}` writes them); a training
/// error names the `config` trained.
fn describe(e: &ExperimentError, config: Option<&Path>) -> String {
    let chain = chain(e);
    match (e, config) {
        (ExperimentError::Train(_), Some(config)) => {
            format!("training {}: {chain}", config.display())
        }
        _ => chain,
    }
}

/// `e` and its sources, joined by ": ".
fn chain(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// What a variant's folder holds of an earlier run of the same variant (the same resolved
/// config): a sweep run again after an interruption keeps what it finished and resumes what
/// it stopped.
#[derive(Debug, Clone)]
pub enum Earlier {
    /// Nothing of it (or a run of another config, trained over).
    Fresh,
    /// A finished run: kept.
    Finished,
    /// A stopped run: resumed from its checkpoint.
    Stopped(Box<Checkpoint>),
}

impl Earlier {
    /// What `dir` holds of a run of `plan`.
    pub fn of(dir: &Path, plan: &Plan) -> Self {
        if !RunFolder::holds_config(dir, &plan.config) {
            Earlier::Fresh
        } else if FolderState::of(dir) == FolderState::Finished {
            Earlier::Finished
        } else {
            RunFolder::load_checkpoint(dir)
                .map_or(Earlier::Fresh, |cp| Earlier::Stopped(Box::new(cp)))
        }
    }
}

/// Trains `v`'s variants into their run folders; the outcome of each, in order. Once
/// `interrupter` is stopped no variant starts.
///
/// # Errors
/// [`SweepError`] where the variants could not train at all (a variant's own failure is its
/// outcome).
pub fn train_variants(
    v: &Variants<'_>,
    observer: &mut dyn SweepObserver,
    interrupter: &Interrupter,
) -> Result<Vec<VariantOutcome>, SweepError> {
    let dirs: Vec<PathBuf> = v.variants.iter().map(|x| v.out.join(&x.name)).collect();
    if let Some(plans) = population_plans(v, observer)? {
        let fresh = plans
            .iter()
            .zip(&dirs)
            .all(|(p, d)| matches!(Earlier::of(d, p), Earlier::Fresh));
        if fresh {
            return train_at_once(v, &plans, &dirs, observer, interrupter);
        }
        observer.note("continuing an interrupted sweep: one variant at a time, finished ones kept");
    }
    let mut outcomes = Vec::with_capacity(dirs.len());
    for (i, (variant, dir)) in v.variants.iter().zip(&dirs).enumerate() {
        if interrupter.should_stop() {
            outcomes.push(VariantOutcome::NotRun);
            continue;
        }
        observer.variant(i, &variant.name);
        let outcome = match train_one(v, variant, dir, observer, interrupter) {
            Ok(outcome) => outcome,
            // Stopped: its folder says so (and that it resumes); else it failed.
            Err(_) if interrupter.should_stop() && is_stopped(dir) => VariantOutcome::Stopped,
            Err(why) => VariantOutcome::Failed(Box::new(why)),
        };
        observer.done(i, &variant.name, &outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

fn is_stopped(dir: &Path) -> bool {
    matches!(FolderState::of(dir), FolderState::Stopped { .. })
}

/// Trains one variant into `dir`, resumes it where an earlier run of the sweep stopped it, or
/// keeps it where one finished it; why it failed, in words.
fn train_one(
    v: &Variants<'_>,
    variant: &Variant,
    dir: &Path,
    observer: &mut dyn SweepObserver,
    interrupter: &Interrupter,
) -> Result<VariantOutcome, VariantError> {
    let plan = Plan::load(v.config, &variant.overrides).map_err(VariantError::Load)?;
    let resume = match Earlier::of(dir, &plan) {
        Earlier::Finished => return Ok(VariantOutcome::Kept),
        Earlier::Stopped(cp) => Some(*cp),
        Earlier::Fresh => None,
    };
    let logs = locate(v, &plan, observer).map_err(|source| VariantError::Logs {
        config: v.config.to_owned(),
        source,
    })?;
    experiment::run(&plan, &logs, dir, resume, observer.training(), interrupter)
        .map(|s| VariantOutcome::Trained(Box::new(s)))
        .map_err(|e| VariantError::of(e, v.config))
}

/// The well logs of `plan`, found (or fetched) as its config names them.
fn locate(
    v: &Variants<'_>,
    plan: &Plan,
    observer: &mut dyn SweepObserver,
) -> Result<Vec<PathBuf>, Box<SourceError>> {
    let found = zoepnet_dataset::locate_logs(&plan.config.data, v.options, &mut |event| {
        observer.download(event)
    })
    .map_err(Box::new)?;
    Ok(found.iter().map(|f| f.path().to_owned()).collect())
}

/// The variants' plans where they train at once ([`Population`]); `None` where one by one.
fn population_plans(
    v: &Variants<'_>,
    observer: &mut dyn SweepObserver,
) -> Result<Option<Vec<Plan>>, SweepError> {
    let always = v.population == Population::Always;
    if v.population == Population::Never || (v.variants.len() < 2 && !always) {
        return Ok(None);
    }
    let loaded: Result<Vec<Plan>, LoadError> = v
        .variants
        .iter()
        .map(|x| Plan::load(v.config, &x.overrides))
        .collect();
    let plans = match loaded {
        Ok(plans) => plans,
        Err(e) if always => return Err(e.into()),
        // A variant that does not load is reported one by one, as its own failure.
        Err(_) => return Ok(None),
    };
    if always {
        experiment::population_fits(&plans).map_err(SweepError::Population)?;
        // A population whose device does not come up leaves nothing behind.
        plans[0]
            .config
            .backend
            .select()
            .map_err(|e| SweepError::Experiment(e.into()))?;
        return Ok(Some(plans));
    }
    match experiment::population_by_default(&plans) {
        Ok(true) => Ok(Some(plans)),
        Ok(false) => Ok(None),
        Err(why) => {
            observer.note(&format!(
                "sweep: the variants cannot train at once on the population engine ({}): one \
                 by one",
                population_reason(&why)
            ));
            Ok(None)
        }
    }
}

/// Trains `plans` at once on the population engine, each into its folder of `dirs`.
fn train_at_once(
    v: &Variants<'_>,
    plans: &[Plan],
    dirs: &[PathBuf],
    observer: &mut dyn SweepObserver,
    interrupter: &Interrupter,
) -> Result<Vec<VariantOutcome>, SweepError> {
    let logs = locate(v, &plans[0], observer).map_err(|source| SweepError::Logs {
        config: v.config.to_owned(),
        source,
    })?;
    observer.at_once(plans.len(), &plans[0]);
    let outcomes = experiment::run_population(plans, &logs, dirs, observer.training(), interrupter)
        .map_err(SweepError::Experiment)?;
    let outcomes: Vec<VariantOutcome> = outcomes
        .into_iter()
        .map(|o| match o {
            Ok(s) => VariantOutcome::Trained(Box::new(s)),
            // A diverged network fails its run alone, as one by one.
            Err(e) => VariantOutcome::Failed(Box::new(VariantError::of(e, v.config))),
        })
        .collect();
    for (i, (variant, outcome)) in v.variants.iter().zip(&outcomes).enumerate() {
        observer.done(i, &variant.name, outcome);
    }
    Ok(outcomes)
}

/// A sweep's runs and its table.
#[derive(Debug)]
pub struct SweepResult {
    /// One row per variant, in grid order.
    pub rows: Vec<RunRow>,
    /// What became of each variant.
    pub outcomes: Vec<VariantOutcome>,
}

impl SweepResult {
    /// Whether the interrupter stopped it (a variant stopped, or not run).
    pub fn interrupted(&self) -> bool {
        self.outcomes
            .iter()
            .any(|o| matches!(o, VariantOutcome::Stopped | VariantOutcome::NotRun))
    }

    /// Variants not finished (failed, stopped or not run).
    pub fn unfinished(&self) -> usize {
        self.rows.iter().filter(|r| r.outcome.is_err()).count()
    }
}

/// Trains `v`'s variants ([`train_variants`]) and writes the sweep's table (`sweep.md`,
/// `sweep.csv`) and validation curves into `v.out`, with the `varied` keys as columns.
///
/// # Errors
/// As [`train_variants`]; the folder or the table not written.
pub fn sweep(
    v: &Variants<'_>,
    varied: &[String],
    observer: &mut dyn SweepObserver,
    interrupter: &Interrupter,
) -> Result<SweepResult, SweepError> {
    // The sweep's folder is held to the end (its variants' folders by their runs); a Slurm
    // task's variants share it, so `train_variants` alone takes no hold of it.
    let held = crate::lock::FolderLock::acquire(v.out)?;
    let outcomes = match train_variants(v, observer, interrupter) {
        Ok(outcomes) => outcomes,
        Err(e) => {
            held.release_unused();
            return Err(e);
        }
    };
    let rows: Vec<RunRow> = v
        .variants
        .iter()
        .zip(&outcomes)
        .map(|(variant, outcome)| row(v.out, variant, outcome))
        .collect();
    write(v.out, files::SWEEP_STEM, &rows, varied)?;
    Ok(SweepResult { rows, outcomes })
}

/// A variant's row of the table: its run folder's, with what became of it.
fn row(out: &Path, variant: &Variant, outcome: &VariantOutcome) -> RunRow {
    let dir = out.join(&variant.name);
    let mut row = read_run(&dir);
    if row.settings.is_empty() {
        // The grid's own values, for runs that failed before writing their config.
        row.settings = variant
            .overrides
            .iter()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
            .collect::<BTreeMap<_, _>>();
    }
    match outcome {
        VariantOutcome::Failed(why) => row.outcome = Err(Unfinished::Failed(why.describe())),
        VariantOutcome::NotRun => row.outcome = Err(Unfinished::NotRun),
        _ => {}
    }
    row
}
