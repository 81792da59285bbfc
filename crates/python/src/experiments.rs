//! Experiments from Python: a config and its overrides checked into a plan, a training (or its
//! continuation) into a run folder, and a finished run folder opened as a [`TrainedRun`].
//! Each is a call of `zoepnet_learner`, as the command line makes it.

use std::path::{Path, PathBuf};

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoepnet_dataset::{FetchOptions, InterfaceItem};
use zoepnet_learner::Plan;
use zoepnet_learner::experiment::{self, ExperimentError};
use zoepnet_learner::run::{FolderError, RunFolder};
use zoepnet_learner::trained::OpenError;

use crate::errors::to_python;
use crate::watch::{self, supervise};

/// Where the well logs are looked for, and whether they may be downloaded.
pub fn fetch_options(data_dir: Option<PathBuf>, offline: bool) -> FetchOptions {
    FetchOptions {
        data_dir: data_dir.filter(|d| !d.as_os_str().is_empty()),
        offline,
    }
}

/// The plan of the config at `path` with `overrides` (`key=value`, the value in TOML).
pub fn plan(path: &Path, overrides: &[String]) -> PyResult<Plan> {
    Plan::load(path, overrides).map_err(|e| to_python(&e, true))
}

/// The well logs `plan` names, found (or fetched, unless `options.offline`) and verified.
pub fn logs(plan: &Plan, options: &FetchOptions) -> Result<Vec<PathBuf>, PyErr> {
    let found = zoepnet_dataset::locate_logs(&plan.config.data, options, &mut |_| {})
        .map_err(|e| to_python(&e, true))?;
    Ok(found.iter().map(|f| f.path().to_owned()).collect())
}

/// Checks the config at `path` with `overrides`; returns the resolved config as JSON and as
/// TOML (what a run folder's config.toml would hold).
#[pyfunction]
pub fn load_config(path: PathBuf, overrides: Vec<String>) -> PyResult<(String, String)> {
    let plan = plan(&path, &overrides)?;
    let json =
        serde_json::to_string(&plan.config).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let toml = toml::to_string(&plan.config).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((json, toml))
}

/// A run folder's refusal, with what to do about it from Python.
fn folder_error(err: &FolderError) -> PyErr {
    let advice = match err {
        FolderError::Stopped { dir, .. } => format!(
            "; continue it with zoepnet.resume({:?}), or give another out (or remove the folder) \
             to start over",
            dir.display().to_string()
        ),
        _ => String::new(),
    };
    let text = format!("{}{advice}", crate::errors::message(err));
    crate::errors::with_message(err, err.is_bad_input(), text)
}

/// Trains the config at `config` (with `overrides`) into the run folder `out`, or, with
/// `resume`, continues the run there (`overrides` then at most `train.epochs=N`). Events go
/// to `callback`; Ctrl-C stops after the epoch, leaving the checkpoint, and raises
/// KeyboardInterrupt. Returns the summary as JSON.
#[pyfunction]
#[pyo3(signature = (config, overrides, out, resume, data_dir, offline, callback))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of `zoepnet.train`
pub fn train(
    py: Python<'_>,
    config: Option<PathBuf>,
    overrides: Vec<String>,
    out: PathBuf,
    resume: bool,
    data_dir: Option<PathBuf>,
    offline: bool,
    callback: Bound<'_, PyAny>,
) -> PyResult<String> {
    let (config, checkpoint) = if resume {
        let (config, checkpoint) = RunFolder::resumable(&out).map_err(|e| folder_error(&e))?;
        (config, Some(checkpoint))
    } else {
        RunFolder::check_fresh(&out).map_err(|e| folder_error(&e))?;
        let config = config.ok_or_else(|| PyValueError::new_err("a config is needed"))?;
        (config, None)
    };
    let plan = plan(&config, &overrides)?;
    let options = fetch_options(data_dir, offline);
    let (result, raised) = supervise(py, &callback, |mut observer, stop| {
        let logs = logs(&plan, &options)?;
        experiment::run(&plan, &logs, &out, checkpoint, &mut observer, stop)
            .map_err(|e| experiment_error(&e))
    })?;
    let resume_hint = format!("zoepnet.resume({:?})", out.display().to_string());
    match (result, raised) {
        (Ok(summary), None) => {
            serde_json::to_string(&summary).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        (Ok(_), Some(raised)) => Err(watch::stopped(
            raised,
            py,
            format!(
                "the run had finished: zoepnet.open_run({:?}) opens it",
                out.display().to_string()
            ),
        )),
        (Err(e), Some(raised)) if e.is_instance_of::<PyKeyboardInterrupt>(py) => {
            Err(watch::stopped(
                raised,
                py,
                format!("{}; continue with {resume_hint}", e.value(py)),
            ))
        }
        (Err(e), _) => Err(e),
    }
}

/// An experiment's error as Python's; a stop as KeyboardInterrupt (its message zoepnet's).
fn experiment_error(err: &ExperimentError) -> PyErr {
    match err {
        ExperimentError::Stopped { .. } => PyKeyboardInterrupt::new_err(err.to_string()),
        _ => to_python(err, err.is_bad_input()),
    }
}

/// A finished run, opened from its folder (checked against its summary's checksums).
#[derive(Debug)]
#[pyclass(module = "zoepnet._zoepnet")]
pub struct TrainedRun {
    // Boxed: it holds a type aligned to 64 bytes (Burn's device), more than the memory Python
    // gives an object guarantees.
    run: Box<zoepnet_learner::trained::TrainedRun>,
    summary: String,
    dir: PathBuf,
}

/// The finished run in the folder `dir`.
#[pyfunction]
pub fn open_run(py: Python<'_>, dir: PathBuf) -> PyResult<TrainedRun> {
    let opened = py.detach(|| {
        let run = zoepnet_learner::trained::TrainedRun::open(&dir).map_err(|e| match &e {
            OpenError::Stopped { .. } => crate::errors::with_message(
                &e,
                true,
                format!(
                    "{}; continue it with zoepnet.resume({:?})",
                    crate::errors::message(&e),
                    dir.display().to_string()
                ),
            ),
            _ => to_python(&e, e.is_bad_input()),
        })?;
        let summary = RunFolder::verify(&dir).map_err(|e| to_python(&e, true))?;
        let summary =
            serde_json::to_string(&summary).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok::<_, PyErr>((run, summary))
    });
    let (run, summary) = opened?;
    Ok(TrainedRun {
        run: Box::new(run),
        summary,
        dir,
    })
}

#[pymethods]
impl TrainedRun {
    /// The run folder.
    #[getter]
    fn dir(&self) -> PathBuf {
        self.dir.clone()
    }

    /// summary.json's figures, as JSON.
    fn summary_json(&self) -> String {
        self.summary.clone()
    }

    /// The run's resolved config, as TOML.
    fn config_toml(&self) -> PyResult<String> {
        toml::to_string(&self.run.config).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// metrics.csv as a dict of float64 arrays, one per column.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let rows = RunFolder::load_metrics(&self.dir).map_err(|e| to_python(&e, true))?;
        let out = PyDict::new(py);
        let column = |f: fn(&zoepnet_learner::train::EpochMetrics) -> f64| {
            rows.iter().map(f).collect::<Vec<f64>>().into_pyarray(py)
        };
        out.set_item("epoch", column(|r| r.epoch as f64))?;
        out.set_item("train_mse", column(|r| r.train_mse))?;
        out.set_item("val_mse", column(|r| r.val_mse))?;
        out.set_item("learning_rate", column(|r| r.learning_rate))?;
        out.set_item("seconds", column(|r| r.seconds))?;
        Ok(out)
    }

    /// Rpp predicted for each row of `x` (n × 7: vp1, vs1, rho1, vp2, vs2, rho2 in m/s and
    /// kg/m3, theta in degrees), with the run's scaler. A row no rock can have (a velocity or
    /// density not positive, an angle outside 0-90) is refused with its index.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let x = x.as_array();
        if x.ncols() != zoepnet_dataset::FEATURES {
            return Err(PyValueError::new_err(format!(
                "X: expected {} columns (vp1, vs1, rho1, vp2, vs2, rho2, theta), got {}",
                zoepnet_dataset::FEATURES,
                x.ncols()
            )));
        }
        let mut items = Vec::with_capacity(x.nrows());
        for (i, row) in x.rows().into_iter().enumerate() {
            let mut features = [0.0; zoepnet_dataset::FEATURES];
            features.iter_mut().zip(row).for_each(|(f, v)| *f = *v);
            use zoepnet_dataset::Features as _;
            zoepnet_physics::Interface::from_properties(features.properties())
                .check(features.theta())
                .map_err(|e| PyValueError::new_err(format!("X row {i}: {e}")))?;
            items.push(InterfaceItem {
                features,
                rpp: f64::NAN,
            });
        }
        let predicted = py
            .detach(|| self.run.predict(&items))
            .map_err(|e| to_python(&e, false))?;
        Ok(predicted.into_pyarray(py))
    }

    /// The domain test on `count` interfaces drawn with `seed`: its Markdown table and rows.
    fn domain_test<'py>(
        &self,
        py: Python<'py>,
        count: usize,
        seed: u32,
    ) -> PyResult<(String, Vec<Bound<'py, PyDict>>)> {
        if count == 0 {
            return Err(PyValueError::new_err("count: at least one interface"));
        }
        let scores = py
            .detach(|| zoepnet_learner::domain::score(&self.run, count, seed))
            .map_err(|e| to_python(&e, false))?;
        Ok((scores.markdown(), crate::scores::domain_rows(py, &scores)?))
    }

    /// The well test on `wells` (read as the run's `[data]` and `overrides` say) at the layer
    /// thicknesses `blocks` (metres, 0 for every sample), angles uniform in [0, theta_max)
    /// drawn with `seed`: its Markdown table and rows.
    #[pyo3(signature = (wells, blocks, theta_max, seed, overrides, data_dir, offline))]
    #[allow(clippy::too_many_arguments)]
    fn well_test<'py>(
        &self,
        py: Python<'py>,
        wells: Vec<PathBuf>,
        blocks: Vec<f64>,
        theta_max: f64,
        seed: u32,
        overrides: Vec<String>,
        data_dir: Option<PathBuf>,
        offline: bool,
    ) -> PyResult<(String, Vec<Bound<'py, PyDict>>)> {
        if wells.is_empty() {
            return Err(PyValueError::new_err(
                "wells: expected at least one well log",
            ));
        }
        let test = zoepnet_learner::well_test::WellTest::new(&blocks, theta_max, seed)
            .map_err(|e| PyValueError::new_err(format!("{}: {e}", e.setting())))?;
        let options = fetch_options(data_dir, offline);
        let scores = py.detach(|| {
            let data = self
                .run
                .blind_data(&self.dir, &overrides, &wells)
                .map_err(|e| to_python(&e, true))?;
            let found = zoepnet_dataset::locate_logs(&data, &options, &mut |_| {})
                .map_err(|e| to_python(&e, true))?;
            let logs: Vec<PathBuf> = found.iter().map(|f| f.path().to_owned()).collect();
            zoepnet_learner::well_test::score(&self.run, &data, &logs, &test).map_err(|e| {
                let bad_input = matches!(e, zoepnet_learner::trained::BlindError::Data(_));
                to_python(&e, bad_input)
            })
        })?;
        let (scores, _warnings) = scores;
        Ok((
            zoepnet_learner::well_test::markdown(&scores),
            crate::scores::well_rows(py, &scores)?,
        ))
    }

    /// The trained weights in PyTorch's layout (as `zoepnet export` writes them): fc1.weight
    /// (hidden × inputs), fc1.bias, for a deeper network inner.K.weight (hidden × hidden) and
    /// inner.K.bias for each further hidden layer K = 0, 1, ..., fc2.weight (1 × hidden),
    /// fc2.bias; and the scaler's mean and std of the (encoded) inputs.
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = self
            .run
            .model
            .parameters()
            .map_err(|e| to_python(&e, false))?;
        let hidden = p.b1.len();
        let inputs = p.w1.len() / hidden.max(1);
        // Burn's [inputs, hidden] to PyTorch's [hidden, inputs].
        let fc1 = Array2::from_shape_fn((hidden, inputs), |(j, i)| p.w1[i * hidden + j]);
        let fc2 = Array2::from_shape_vec((1, hidden), p.w2.clone())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let out = PyDict::new(py);
        out.set_item("fc1.weight", fc1.into_pyarray(py))?;
        out.set_item("fc1.bias", p.b1.clone().into_pyarray(py))?;
        for (k, layer) in p.inner.iter().enumerate() {
            // [from, to] to PyTorch's [to, from].
            let w = Array2::from_shape_fn((hidden, hidden), |(j, i)| layer.w[i * hidden + j]);
            out.set_item(format!("inner.{k}.weight"), w.into_pyarray(py))?;
            out.set_item(format!("inner.{k}.bias"), layer.b.clone().into_pyarray(py))?;
        }
        out.set_item("fc2.weight", fc2.into_pyarray(py))?;
        out.set_item("fc2.bias", vec![p.b2].into_pyarray(py))?;
        out.set_item(
            "scaler.mean",
            self.run.scaler.mean.to_vec().into_pyarray(py),
        )?;
        out.set_item("scaler.std", self.run.scaler.std.to_vec().into_pyarray(py))?;
        Ok(out)
    }
}
