//! Running an experiment: from a checked [`Plan`] and its well logs to a complete run folder.
//!
//! [`run`] prepares the data, brings the device up (the one place a run's device is chosen),
//! trains with checkpoints written at most once a second (and always after the last epoch and on
//! a stop), scores the final weights, and writes the summary, the model and the plots. What
//! happens meanwhile goes to an [`Observer`]: the command line draws progress from it and asks
//! through it to stop (Ctrl-C); a sweep stays quiet.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zoepnet_dataset::{DatasetError, Prepared};

use crate::checkpoint::{Checkpoint, initial_model};
use crate::device::{DeviceError, DeviceInfo, Precision};
use crate::evaluate::{EvaluateError, score};
use crate::interrupt::Interrupter;
use crate::plan::{EngineKind, Plan};
use crate::plots::{self, PlotInputs};
use crate::population::PopulationEngine;
use crate::run::{RunError, RunFolder, Summary};
use crate::train::{EpochMetrics, TrainError, train};

/// How often `metrics.csv` and `checkpoint.json` are rewritten at most.
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// What a run is about to do, for the observer's header.
#[derive(Debug, Clone, Copy)]
pub struct RunStart<'a> {
    /// The run folder.
    pub out: &'a Path,
    /// The epoch it continues after, when resumed.
    pub resumed_after: Option<usize>,
    /// Whether, resumed, it had finished already (and goes on to no further epoch): it is then
    /// only scored and drawn again.
    pub finished: bool,
    /// Whether, resumed, it first replays those epochs ([`crate::plan::Plan::replays_on_resume`]).
    pub replays: bool,
    /// Training interfaces.
    pub train: usize,
    /// Validation interfaces.
    pub validation: usize,
    /// Epochs asked for.
    pub epochs: usize,
    /// The device.
    pub device: &'a DeviceInfo,
    /// Its float type.
    pub precision: Precision,
    /// The engine.
    pub engine: EngineKind,
    /// Networks trained side by side and averaged (`model.members`).
    pub members: usize,
}

/// Watches a run and may ask it to stop.
pub trait Observer {
    /// A long step besides the epochs begins (preparing the data, scoring, drawing the plots),
    /// described for a person; it lasts until the next call of any method.
    fn stage(&mut self, _what: &str) {}
    /// Something reading the data got past (a LAS reader's warning, rows left out), for a
    /// person: `"{file}: line {n}: ..."`.
    fn warning(&mut self, _what: &str) {}
    /// The run is about to train.
    fn started(&mut self, _run: &RunStart<'_>) {}
    /// An epoch has ended (its metrics are in hand, on disk within a second).
    fn epoch(&mut self, _row: &EpochMetrics, _epochs: usize) {}
    /// Whether the run should stop after `epoch` (its checkpoint is then written).
    fn stop_requested(&mut self, _epoch: usize) -> bool {
        false
    }
    /// Training has stopped (finished, stopped or failed), before scoring and plots.
    fn finished(&mut self) {}
}

/// An observer that watches nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Observer for Quiet {}

/// Why an experiment did not complete.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// The run folder could not be written.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The run folder is another process's, or could not be locked.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    /// The run folder does not hold what the run needs (a checkpoint or scaler that does not fit).
    #[error(transparent)]
    Folder(#[from] crate::run::FolderError),
    /// The data could not be made.
    #[error(transparent)]
    Data(#[from] DatasetError),
    /// The device could not be brought up.
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// Training failed.
    #[error(transparent)]
    Train(#[from] TrainError),
    /// The run folder's config could not be read, to continue its run.
    #[error(transparent)]
    Config(#[from] crate::config::LoadError),
    /// The run cannot go on to the epochs asked for (the folder; the reason is its source).
    #[error("{}", out.display())]
    Extend {
        /// The run folder.
        out: PathBuf,
        /// Why.
        source: crate::extend::ExtendError,
    },
    /// The trained network could not be scored.
    #[error(transparent)]
    Evaluate(#[from] EvaluateError),
    /// A population run was asked to stop after this epoch; every run folder has its checkpoint.
    #[error("stopped after epoch {epoch}: each of the {runs} run folders has its checkpoint")]
    PopulationStopped {
        /// The last epoch completed.
        epoch: usize,
        /// Run folders.
        runs: usize,
    },
    /// The observer asked to stop after this epoch; the checkpoint is written.
    #[error("{}: stopped after epoch {epoch}, its checkpoint written", out.display())]
    Stopped {
        /// The last epoch completed.
        epoch: usize,
        /// The run folder.
        out: PathBuf,
    },
}

impl ExperimentError {
    /// Whether it comes from what the user gave (the data, the device asked for), rather than
    /// from the run itself.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ExperimentError::Data(_)
            | ExperimentError::Config(_)
            | ExperimentError::Extend { .. } => true,
            ExperimentError::Device(e) => e.is_bad_input(),
            ExperimentError::Lock(e) => e.is_bad_input(),
            ExperimentError::Train(e) => e.is_bad_input(),
            ExperimentError::Folder(e) => e.is_bad_input(),
            _ => false,
        }
    }
}

/// Runs `plan` on the well logs at `logs` into the run folder `out`, or continues it from
/// `resume`; returns the summary it wrote. It stops after an epoch (its checkpoint written)
/// once `interrupter` is stopped or the observer asks to.
///
/// Continued, `plan` is the folder's `config.toml` but, where asked, `train.epochs`: a finished
/// or stopped run goes on to another number of epochs where that gives the run that many epochs
/// would have given from the start ([`crate::extend::check`]); the folder's config then says
/// the new number, and its summary is withdrawn until the run finishes again.
pub fn run(
    plan: &Plan,
    logs: &[PathBuf],
    out: &Path,
    resume: Option<Checkpoint>,
    observer: &mut dyn Observer,
    interrupter: &Interrupter,
) -> Result<Summary, ExperimentError> {
    observer.stage(&data_stage(&plan.config.data));
    let prepared = zoepnet_dataset::prepare(&plan.config.data, logs)?;
    prepared.warnings.iter().for_each(|w| observer.warning(w));
    let (device, info) = plan.config.backend.select()?;
    let folder = RunFolder::create(out)?;
    folder.prepare(resume.as_ref(), &prepared.scaler)?;
    match &resume {
        None => folder.start(&plan.config, &prepared.scaler)?,
        Some(cp) => extend(&folder, plan, cp)?,
    }
    observer.started(&RunStart {
        out,
        resumed_after: resume.as_ref().map(|cp| cp.epoch),
        finished: resume.is_some() && folder.is_finished(),
        replays: plan.replays_on_resume(),
        train: prepared.train.len(),
        validation: prepared.validation.len(),
        epochs: plan.epochs,
        device: &info,
        precision: plan.config.backend.precision(),
        engine: plan.procedure.engine(),
        members: plan.members,
    });
    let mut writer = ProgressWriter::new(&folder, resume.as_ref());
    let outcome = train(
        plan,
        &prepared,
        &device,
        resume,
        &mut |row, last, checkpoint| {
            observer.epoch(row, plan.epochs);
            // A stop asked for in the last epoch comes too late to stop anything: the run finishes.
            let asked = observer.stop_requested(row.epoch) || interrupter.should_stop();
            let stop = asked && !last;
            writer.epoch(row, checkpoint, stop || last, stop)
        },
    );
    observer.finished();
    let trained = writer.settle(outcome, out)?;
    observer.stage("scoring the trained network (validation and blind sets, baselines)");
    let scores = score(&trained.model, &prepared, &device)?;
    // The plots before summary.json: a folder with a summary.json is complete (a quit while
    // drawing leaves none, and `zoepnet train --resume` finishes it).
    observer.stage("drawing the plots");
    draw(plan, &prepared, &folder, &trained, &device)?;
    folder
        .finish(&plan.config, &trained, &scores, &info)
        .map_err(Into::into)
}

/// Checks that the run in `folder`, at `checkpoint`, can go on as `plan`; where `plan` asks
/// for other epochs than its config.toml, withdraws its summary and rewrites its config.
fn extend(folder: &RunFolder, plan: &Plan, checkpoint: &Checkpoint) -> Result<(), ExperimentError> {
    if RunFolder::holds_config(folder.dir(), &plan.config) {
        return Ok(());
    }
    let old = Plan::load(&folder.dir().join(crate::run::files::CONFIG), &[])?;
    crate::extend::check(&old, plan, checkpoint, folder.is_finished()).map_err(|source| {
        ExperimentError::Extend {
            out: folder.dir().to_owned(),
            source,
        }
    })?;
    folder.extend(&plan.config)?;
    Ok(())
}

/// What preparing `data` does, for the observer.
fn data_stage(data: &zoepnet_dataset::DataConfig) -> String {
    match (&data.source, &data.rock_physics) {
        (zoepnet_dataset::Source::RockPhysics, prior) => {
            let prior = prior.clone().unwrap_or_default();
            let said = format!(
                "drawing {} training and {} validation interfaces from the rock-physics prior",
                prior.samples, prior.validation
            );
            match data.domain {
                Some(d) => format!(
                    "{said}, and {} and {} over the whole domain",
                    d.training_count(),
                    d.validation
                ),
                None => said,
            }
        }
        (zoepnet_dataset::Source::Domain, _) => {
            let d = data.domain.unwrap_or_default();
            format!(
                "drawing {} training and {} validation interfaces over the whole domain",
                d.training_count(),
                d.validation
            )
        }
        _ => format!(
            "reading {} well log(s) and making their interfaces",
            data.las.len()
        ),
    }
}

/// Whether [`run_population`] can run `plans`: the population engine trains them together
/// ([`crate::population::check`]) and they share one dataset and one device.
///
/// # Errors
/// [`TrainError::Population`] naming the first variant that does not fit, and why.
pub fn population_fits(plans: &[Plan]) -> Result<(), TrainError> {
    crate::population::check(plans)?;
    let first = &plans[0];
    if let Some(p) = plans.iter().position(|p| {
        p.config.data != first.config.data || p.config.backend != first.config.backend
    }) {
        return Err(crate::train::PopulationError::Variant {
            variant: p,
            why: crate::train::Unlike::DataOrBackend,
        }
        .into());
    }
    // On wgpu the population trains on the kernel: its limits, before any folder or device.
    #[cfg(feature = "wgpu")]
    if first.config.backend.kind == crate::device::Backend::Wgpu {
        zoepnet_kernel::fits(plans.len(), first.model.hidden)
            .map_err(crate::train::PopulationError::KernelLimit)?;
    }
    Ok(())
}

/// Whether `plans` train at once on the population engine by default (a sweep's variants, a
/// plan's task, a seed study's seeds): `Ok(true)` where they are more than one, would each
/// train on the tensor engine one by one (a GPU, or `train.engine = "tensor"`), and fit
/// ([`population_fits`]); `Ok(false)` where one by one is the default anyway (one plan, or the
/// fused engine, which on the CPU trains one network faster than the population engine trains
/// it among others: docs/population.md).
///
/// # Errors
/// Why plans that would train at once by default cannot ([`population_fits`]).
pub fn population_by_default(plans: &[Plan]) -> Result<bool, TrainError> {
    if plans.len() < 2 || plans[0].procedure.engine() == EngineKind::Fused {
        return Ok(false);
    }
    population_fits(plans).map(|()| true)
}

/// Runs `plans` at once on the population engine ([`crate::population`]), each into its run
/// folder of `outs`, as [`run`] would one by one: the same config.toml, metrics.csv,
/// checkpoint.json, summary.json, model and plots (their train_seconds, and each epoch's
/// seconds, are the population's). The plans must share their `[data]` and `[backend]`
/// sections (one dataset, one device).
///
/// Returns each run's summary, or its own failure (a network that diverged), in order.
///
/// # Errors
/// [`ExperimentError::Train`] with [`TrainError::Population`] when the plans cannot train
/// together, and the errors of [`run`].
pub fn run_population(
    plans: &[Plan],
    logs: &[PathBuf],
    outs: &[PathBuf],
    observer: &mut dyn Observer,
    interrupter: &Interrupter,
) -> Result<Vec<Result<Summary, ExperimentError>>, ExperimentError> {
    population_fits(plans)?;
    let first = &plans[0];
    observer.stage(&data_stage(&first.config.data));
    let prepared = zoepnet_dataset::prepare(&first.config.data, logs)?;
    prepared.warnings.iter().for_each(|w| observer.warning(w));
    let (device, info) = first.config.backend.select()?;
    let engine = PopulationEngine::Auto.resolve(&device)?;
    observer.stage(&format!(
        "training {} networks at once on the {} engine ({}, {})",
        plans.len(),
        engine.name(),
        info.backend,
        info.name
    ));
    observer.started(&RunStart {
        out: &outs[0],
        resumed_after: None,
        finished: false,
        replays: false,
        train: prepared.train.len(),
        validation: prepared.validation.len(),
        epochs: first.epochs,
        device: &info,
        precision: first.config.backend.precision(),
        engine,
        members: first.members,
    });
    // Every run folder from the start, its metrics and checkpoint at most a second behind, so
    // that a stopped population leaves each run where `zoepnet train --resume` continues it.
    let folders: Vec<RunFolder> = outs
        .iter()
        .map(|out| RunFolder::create(out))
        .collect::<Result<_, _>>()?;
    for (folder, plan) in folders.iter().zip(plans) {
        folder.prepare(None, &prepared.scaler)?;
        folder.start(&plan.config, &prepared.scaler)?;
    }
    let trained = train_writing(plans, &prepared, &device, &folders, observer, interrupter)?;
    let mut summaries = Vec::with_capacity(plans.len());
    for (((plan, out), folder), trained) in plans.iter().zip(outs).zip(&folders).zip(trained) {
        let trained = match trained {
            Ok(trained) => trained,
            // A diverged network fails its run alone, as one by one.
            Err(e) => {
                summaries.push(Err(e.into()));
                continue;
            }
        };
        observer.stage(&format!("scoring and drawing {}", out.display()));
        let scores = score(&trained.model, &prepared, &device)?;
        // The plots first, as for one run: summary.json marks the folder complete.
        draw(plan, &prepared, folder, &trained, &device)?;
        summaries.push(Ok(folder.finish(&plan.config, &trained, &scores, &info)?));
    }
    Ok(summaries)
}

/// Trains `plans` at once, each run's metrics and checkpoint in its folder of `folders` at
/// most a second behind; each network's training, or why it failed alone.
fn train_writing(
    plans: &[Plan],
    prepared: &Prepared,
    device: &burn::tensor::Device,
    folders: &[RunFolder],
    observer: &mut dyn Observer,
    interrupter: &Interrupter,
) -> Result<Vec<Result<crate::train::Trained, TrainError>>, ExperimentError> {
    let epochs = plans[0].epochs;
    let mut clock = WriteClock::default();
    let mut write_error: Option<RunError> = None;
    let outcome = crate::population::train_population(
        plans,
        prepared,
        device,
        PopulationEngine::Auto,
        &mut |epoch, checkpoints| {
            let asked = observer.stop_requested(epoch) || interrupter.should_stop();
            let stop = asked && epoch < epochs;
            // The last epoch's files are the finished runs' metrics.csv and checkpoint.json.
            if clock.due(stop || epoch == epochs) {
                let written = checkpoints()
                    .map_err(|e| RunError {
                        path: folders[0].dir().to_owned(),
                        message: e.to_string(),
                    })
                    .and_then(|cps| {
                        folders.iter().zip(&cps).try_for_each(|(folder, cp)| {
                            // A diverged network keeps its last good checkpoint.
                            let Some(cp) = cp else { return Ok(()) };
                            folder.metrics(&cp.metrics)?;
                            folder.checkpoint(cp)
                        })
                    });
                if let Err(e) = written {
                    write_error = Some(e);
                    return ControlFlow::Break(());
                }
                clock.wrote();
            }
            if stop {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    observer.finished();
    if let Some(e) = write_error {
        return Err(e.into());
    }
    match outcome {
        Err(TrainError::Stopped { epoch }) => Err(ExperimentError::PopulationStopped {
            epoch,
            runs: folders.len(),
        }),
        other => Ok(other?),
    }
}

/// Writes a run's plots.
fn draw(
    plan: &Plan,
    prepared: &Prepared,
    folder: &RunFolder,
    trained: &crate::train::Trained,
    device: &burn::tensor::Device,
) -> Result<(), ExperimentError> {
    let untrained = initial_model(plan, device)?;
    plots::write(
        folder.dir(),
        &PlotInputs {
            plan,
            prepared,
            metrics: &trained.metrics,
            untrained: &untrained,
            trained: &trained.model,
            device,
        },
    )?;
    Ok(())
}

/// When a run's `metrics.csv` and `checkpoint.json` are next written: once a second at most,
/// and whenever the caller says they must be (the last epoch, a stop).
#[derive(Debug, Default)]
struct WriteClock {
    last: Option<Instant>,
}

impl WriteClock {
    /// Whether to write now: `must`, or a second (or more) since the last write, or none yet.
    fn due(&self, must: bool) -> bool {
        must || self.last.is_none_or(|t| t.elapsed() >= CHECKPOINT_INTERVAL)
    }

    /// The files were just written.
    fn wrote(&mut self) {
        self.last = Some(Instant::now());
    }
}

/// Keeps `metrics.csv` and `checkpoint.json` at most a second behind training.
struct ProgressWriter<'a> {
    folder: &'a RunFolder,
    rows: Vec<EpochMetrics>,
    clock: WriteClock,
    error: Option<ExperimentError>,
}

impl<'a> ProgressWriter<'a> {
    fn new(folder: &'a RunFolder, resume: Option<&Checkpoint>) -> Self {
        Self {
            folder,
            rows: resume.map(|cp| cp.metrics.clone()).unwrap_or_default(),
            clock: WriteClock::default(),
            error: None,
        }
    }

    /// Records an epoch; writes the files when a second has passed or they `must` be (the last
    /// epoch, a stop). Breaks the run on a `stop` or a write error.
    fn epoch(
        &mut self,
        row: &EpochMetrics,
        checkpoint: &dyn Fn() -> Result<Checkpoint, TrainError>,
        must: bool,
        stop: bool,
    ) -> ControlFlow<()> {
        self.rows.push(*row);
        if self.clock.due(must) {
            let written = checkpoint()
                .map_err(ExperimentError::from)
                .and_then(|cp| Ok(self.write(Some(&cp))?));
            if let Err(e) = written {
                self.error.get_or_insert(e);
                return ControlFlow::Break(());
            }
            self.clock.wrote();
        }
        if stop {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn write(&self, checkpoint: Option<&Checkpoint>) -> Result<(), RunError> {
        self.folder.metrics(&self.rows)?;
        checkpoint.map_or(Ok(()), |cp| self.folder.checkpoint(cp))
    }

    /// The trained network, or why there is none. A run that ends in an error still leaves
    /// every epoch's metrics on disk (the checkpoint is at most a second older).
    fn settle(
        self,
        outcome: Result<crate::train::Trained, TrainError>,
        out: &Path,
    ) -> Result<crate::train::Trained, ExperimentError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if outcome.is_err() {
            self.write(None)?;
        }
        match outcome {
            Err(TrainError::Stopped { epoch }) => Err(ExperimentError::Stopped {
                epoch,
                out: out.to_owned(),
            }),
            // The folder's checkpoint, named as the file it is.
            Err(TrainError::Checkpoint(e)) => {
                Err(crate::run::FolderError::Unreadable(crate::run::ReadError {
                    path: out.join(crate::run::files::CHECKPOINT),
                    message: format!("does not fit this run: {e}"),
                })
                .into())
            }
            other => Ok(other?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::data_stage;

    #[test]
    fn the_data_stage_counts_every_draw() {
        let data = |text: &str| -> zoepnet_dataset::DataConfig {
            toml::from_str(&format!("las = \"a.las\"\n{text}")).expect("a [data] table")
        };
        let domain = "[domain]\nsamples = 100\nvalidation = 30\nnear_p_critical_draws = 5\npast_s_critical_draws = 20\n";
        assert_eq!(
            data_stage(&data(&format!("source = \"domain\"\n{domain}"))),
            "drawing 125 training and 30 validation interfaces over the whole domain"
        );
        let mixed = data_stage(&data(&format!(
            "source = \"rock-physics\"\n{domain}[rock_physics]\nsamples = 400\nvalidation = 40\n"
        )));
        assert_eq!(
            mixed,
            "drawing 400 training and 40 validation interfaces from the rock-physics prior, and \
             125 and 30 over the whole domain"
        );
    }
}
