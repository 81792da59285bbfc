//! Many runs from Python: a sweep over a grid of config values, and a seed study. Each returns
//! its table as zoepnet writes it (Markdown, and CSV or rows), the same as the command line's.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoepnet_learner::experiment::Observer;
use zoepnet_learner::seed_study::{self, SeedStudy, StudyObserver, StudyStart};
use zoepnet_learner::seeds::SeedOutcome;
use zoepnet_learner::sweep::{
    Population, SweepObserver, VariantOutcome, Variants, grid, sweep as run_sweep, variants,
};

use crate::errors::to_python;
use crate::experiments::{fetch_options, logs, plan};
use crate::watch::{self, Event, Forward, supervise};

/// A sweep's events: a count of its variants, each variant's epochs.
struct SweepWatch {
    forward: Forward,
    total: usize,
    done: usize,
}

impl SweepObserver for SweepWatch {
    fn note(&mut self, what: &str) {
        self.forward.send(Event::Stage(what.to_owned()));
    }

    fn done(&mut self, _index: usize, name: &str, outcome: &VariantOutcome) {
        self.done += 1;
        let message = match outcome {
            VariantOutcome::Trained(s) => format!("{name}: val MSE {:.3e}", s.final_val_mse),
            VariantOutcome::Kept => format!("{name}: kept from an earlier run"),
            VariantOutcome::Failed(why) => format!("{name}: failed: {}", why.describe()),
            VariantOutcome::Stopped | VariantOutcome::NotRun => format!("{name}: stopped"),
        };
        self.forward.send(Event::Count {
            what: "run",
            done: self.done,
            total: self.total,
            message,
        });
    }

    fn training(&mut self) -> &mut dyn Observer {
        &mut self.forward
    }
}

/// Trains every combination of `sets` (`key=v1,v2,...`) of the config at `config`, each into
/// its run folder under `out`, and writes the sweep's table there; returns it as Markdown and
/// CSV. `population` is "auto", "always" or "never". Ctrl-C stops the variants in training
/// after their epoch (resumable: the same call trains the rest) and raises KeyboardInterrupt.
#[pyfunction]
#[pyo3(signature = (config, sets, out, population, data_dir, offline, callback))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of `zoepnet.sweep`
pub fn sweep(
    py: Python<'_>,
    config: PathBuf,
    sets: Vec<String>,
    out: PathBuf,
    population: &str,
    data_dir: Option<PathBuf>,
    offline: bool,
    callback: Bound<'_, PyAny>,
) -> PyResult<(String, String)> {
    let population = match population {
        "auto" => Population::Auto,
        "always" => Population::Always,
        "never" => Population::Never,
        other => {
            return Err(PyValueError::new_err(format!(
                "population {other:?}: expected \"auto\", \"always\" or \"never\""
            )));
        }
    };
    let (combos, varied) = grid(&sets).map_err(|e| to_python(&e, true))?;
    let variants = variants(&combos, &varied, <[String]>::to_vec);
    let options = fetch_options(data_dir, offline);
    let v = Variants {
        config: &config,
        variants: &variants,
        out: &out,
        population,
        options: &options,
    };
    let (result, raised) = supervise(py, &callback, |forward, stop| {
        let mut observer = SweepWatch {
            forward,
            total: variants.len(),
            done: 0,
        };
        run_sweep(&v, &varied, &mut observer, stop).map_err(|e| to_python(&e, e.is_bad_input()))
    })?;
    let result = result?;
    let table = (
        zoepnet_learner::compare::markdown(&result.rows, &varied),
        zoepnet_learner::compare::csv(&result.rows, &varied),
    );
    match raised {
        Some(raised) if result.interrupted() => Err(watch::stopped(
            raised,
            py,
            format!(
                "sweep stopped with {} of {} runs unfinished (the table in {} shows them); the \
                 same call trains the rest",
                result.unfinished(),
                result.rows.len(),
                out.display()
            ),
        )),
        Some(raised) => Err(raised),
        None => Ok(table),
    }
}

/// A seed study's events: a count of its seeds.
struct StudyWatch(std::sync::Mutex<Forward>);

impl StudyWatch {
    fn send(&self, event: Event) {
        if let Ok(f) = self.0.lock() {
            f.send(event);
        }
    }
}

impl StudyObserver for StudyWatch {
    fn warning(&self, what: &str) {
        self.send(Event::Warning(what.to_owned()));
    }

    fn started(&self, s: &StudyStart<'_>) {
        self.send(Event::Stage(format!(
            "seed study: {} seeds to train ({} kept), {} engine, {} ({})",
            s.to_train,
            s.kept,
            s.engine.name(),
            s.device.backend,
            s.device.name
        )));
    }

    fn seed(&self, o: &SeedOutcome, done: usize, total: usize) {
        let message = match o.diverged {
            Some(epoch) => format!("seed {}: diverged in epoch {epoch}", o.seed),
            None => format!("seed {}: val MSE {:.3e}", o.seed, o.val_mse),
        };
        self.send(Event::Count {
            what: "seed",
            done,
            total,
            message,
        });
    }
}

/// A seed's figures as a dict.
fn outcome<'py>(py: Python<'py>, o: &SeedOutcome) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("seed", o.seed)?;
    d.set_item("train_mse", o.train_mse)?;
    d.set_item("val_mse", o.val_mse)?;
    d.set_item("blind_mse", o.blind_mse)?;
    d.set_item("last_epoch_train_mse", o.last_epoch_train_mse)?;
    d.set_item("last_epoch_val_mse", o.last_epoch_val_mse)?;
    d.set_item("diverged", o.diverged)?;
    Ok(d)
}

/// A seed study's report (Markdown), its seeds' figures, and the config's own seed's.
type StudyTable<'py> = (String, Vec<Bound<'py, PyDict>>, Option<Bound<'py, PyDict>>);

/// Trains the config at `config` (with `overrides`) once per seed `first..first+count`, into
/// the study folder `out` (one holding a study of the same config keeps its seeds); returns
/// the report (Markdown), the seeds' figures and the config's own seed's.
#[pyfunction]
#[pyo3(signature = (config, overrides, count, first, out, data_dir, offline, callback))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of `zoepnet.seeds`
pub fn seeds<'py>(
    py: Python<'py>,
    config: PathBuf,
    overrides: Vec<String>,
    count: u32,
    first: u32,
    out: PathBuf,
    data_dir: Option<PathBuf>,
    offline: bool,
    callback: Bound<'py, PyAny>,
) -> PyResult<StudyTable<'py>> {
    let last = count
        .checked_sub(1)
        .and_then(|n| first.checked_add(n))
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "first={first}, count={count}: at least one seed, the last at most 2^32 - 1"
            ))
        })?;
    let study = SeedStudy {
        plan: plan(&config, &overrides)?,
        config,
        seeds: first..=last,
    };
    let options = fetch_options(data_dir, offline);
    let (result, raised) = supervise(py, &callback, |forward, stop| {
        let logs = logs(&study.plan, &options)?;
        let watch = StudyWatch(std::sync::Mutex::new(forward));
        seed_study::run(&study, &logs, &out, &watch, stop)
            .map_err(|e| to_python(&e, e.is_bad_input()))
    })?;
    let result = result?;
    if let Some(raised) = raised {
        return Err(watch::stopped(
            raised,
            py,
            format!(
                "seed study stopped with {} of {count} seeds trained (in {}); the same call \
                 trains the other {}",
                result.studied.len(),
                out.display(),
                result.missing
            ),
        ));
    }
    let rows = result
        .studied
        .iter()
        .map(|o| outcome(py, o))
        .collect::<PyResult<Vec<_>>>()?;
    let marked = result.marked.as_ref().map(|o| outcome(py, o)).transpose()?;
    Ok((result.report, rows, marked))
}
