//! A run's pictures, under `plots/` in its folder, each as PNG and SVG:
//!
//! - `loss`: training (running) and validation MSE per epoch, log scale;
//! - `predictions`: the first 100 training and validation interfaces, exact Rpp against the
//!   untrained and the trained network;
//! - `blind`: the "new rocks" interfaces, exact against predicted;
//! - `avo`: each "new angles" sweep, exact against predicted and against the Aki-Richards and
//!   Shuey approximations, the trained angle range shaded.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{InterfaceItem, Prepared, Sweep};
use zoepnet_model::Mlp;
use zoepnet_plot::{Figure, Panel, Series, Style};

use zoepnet_dataset::Baseline;

use crate::evaluate::{Approximation, predict};
use crate::plan::Plan;
use crate::run::{RunError, write_atomically};
use crate::train::EpochMetrics;

/// How many interfaces the predictions figure shows from each list.
pub const FIRST: usize = 100;
/// At most this many "new angles" sweeps get a panel.
pub const MAX_SWEEPS: usize = 4;

/// What the pictures are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct PlotInputs<'a> {
    /// The plan (for the trained angle range).
    pub plan: &'a Plan,
    /// The run's data.
    pub prepared: &'a Prepared,
    /// Metrics, one row per epoch.
    pub metrics: &'a [EpochMetrics],
    /// The network before training.
    pub untrained: &'a Mlp,
    /// The trained network.
    pub trained: &'a Mlp,
    /// The device both networks live on.
    pub device: &'a Device,
}

fn indexed(values: impl IntoIterator<Item = f64>) -> Vec<(f64, f64)> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i as f64, v))
        .collect()
}

fn truth(items: &[InterfaceItem]) -> Vec<(f64, f64)> {
    indexed(items.iter().map(|i| i.rpp))
}

/// The network's predictions for `items`, or why there are none.
type Predict<'a> = dyn Fn(&Mlp, &[InterfaceItem]) -> Result<Vec<f64>, RunError> + 'a;

/// The figures, by file stem.
pub fn figures(inputs: &PlotInputs<'_>) -> Result<Vec<(&'static str, Figure)>, RunError> {
    let PlotInputs {
        plan,
        prepared,
        metrics,
        untrained,
        trained,
        device,
    } = *inputs;
    let batcher = InterfaceBatcher::new(prepared.scaler.clone());
    let run = |model: &Mlp, items: &[InterfaceItem]| {
        predict(model, &batcher, items, device).map_err(|e| RunError {
            path: PathBuf::from(crate::run::files::PLOTS),
            message: e.to_string(),
        })
    };
    let mut figures = vec![
        ("loss", Figure::single(loss(metrics))),
        (
            "predictions",
            predictions(prepared, untrained, trained, &run)?,
        ),
        ("blind", blind(&prepared.blind_rocks, trained, &run)?),
    ];
    let (lo, hi) = (plan.config.data.theta_min, plan.config.data.theta_max);
    let sweeps: Vec<Panel> = prepared
        .new_angles
        .iter()
        .take(MAX_SWEEPS)
        .map(|sweep| avo_panel(sweep, (lo, hi), trained, &run))
        .collect::<Result<_, _>>()?;
    if !sweeps.is_empty() {
        let n = sweeps.len();
        let columns = n.min(2);
        let rows = n.div_ceil(columns);
        figures.push((
            "avo",
            Figure {
                panels: sweeps,
                columns,
                size: (if n == 1 { 900 } else { 1280 }, 560 * rows as u32),
            },
        ));
    }
    Ok(figures)
}

/// Training (running) and validation MSE per epoch, log scale.
fn loss(metrics: &[EpochMetrics]) -> Panel {
    let epochs = |f: fn(&EpochMetrics) -> f64| -> Vec<(f64, f64)> {
        metrics.iter().map(|m| (m.epoch as f64, f(m))).collect()
    };
    Panel::new("Loss", "epoch", "MSE")
        .log_y()
        .count_x()
        .with(Series::new(
            "training (running, per epoch)",
            epochs(|m| m.train_mse),
            Style::Line,
            0,
        ))
        .with(Series::new(
            "validation (at the epoch's start)",
            epochs(|m| m.val_mse),
            Style::Line,
            1,
        ))
}

/// The first training and validation interfaces: exact, untrained and trained.
fn predictions(
    prepared: &Prepared,
    untrained: &Mlp,
    trained: &Mlp,
    run: &Predict<'_>,
) -> Result<Figure, RunError> {
    let first = |name: &str, items: &[InterfaceItem]| -> Result<Panel, RunError> {
        let items = &items[..items.len().min(FIRST)];
        Ok(Panel::new(
            format!("First {} {name} interfaces", items.len()),
            "interface",
            "Rpp",
        )
        .with(Series::new("exact Zoeppritz", truth(items), Style::Line, 7))
        .with(Series::new(
            "untrained network",
            indexed(run(untrained, items)?),
            Style::Dashed,
            1,
        ))
        .with(Series::new(
            "trained network",
            indexed(run(trained, items)?),
            Style::Points,
            0,
        )))
    };
    Ok(Figure::row(vec![
        first("training", &prepared.train)?,
        first("validation", &prepared.validation)?,
    ]))
}

/// "New rocks": along the log, and predicted against exact.
fn blind(rocks: &[InterfaceItem], trained: &Mlp, run: &Predict<'_>) -> Result<Figure, RunError> {
    let theta = rocks.first().map_or(f64::NAN, InterfaceItem::theta);
    let predicted = run(trained, rocks)?;
    let along = Panel::new(
        format!(
            "New rocks: last {} interfaces at {theta} degrees",
            rocks.len()
        ),
        "interface",
        "Rpp",
    )
    // The network as points on the exact line: drawn as a second line, it hid the first.
    .with(Series::new("exact Zoeppritz", truth(rocks), Style::Line, 7))
    .with(Series::new(
        "trained network",
        indexed(predicted.iter().copied()),
        Style::Points,
        0,
    ));
    let (lo_r, hi_r) = rocks
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), i| {
            (lo.min(i.rpp), hi.max(i.rpp))
        });
    let cross = Panel::new(
        "New rocks: predicted against exact",
        "exact Rpp",
        "predicted Rpp",
    )
    .with(Series::new(
        "1:1",
        vec![(lo_r, lo_r), (hi_r, hi_r)],
        Style::Line,
        7,
    ))
    .with(Series::new(
        "interfaces",
        rocks.iter().map(|i| i.rpp).zip(predicted).collect(),
        Style::Points,
        0,
    ));
    Ok(Figure::row(vec![along, cross]))
}

/// One "new angles" sweep: exact, trained, Aki-Richards and Shuey, the trained range shaded.
fn avo_panel(
    sweep: &Sweep,
    (lo, hi): (f64, f64),
    trained: &Mlp,
    run: &Predict<'_>,
) -> Result<Panel, RunError> {
    let angles: Vec<f64> = sweep.items.iter().map(InterfaceItem::theta).collect();
    let along =
        |values: Vec<f64>| -> Vec<(f64, f64)> { angles.iter().copied().zip(values).collect() };
    // An approximation's curve stops where its domain ends (the critical angle).
    let within = |values: Vec<Option<f64>>| -> Vec<(f64, f64)> {
        angles
            .iter()
            .zip(values)
            .filter_map(|(&t, v)| Some((t, v?)))
            .collect()
    };
    Ok(Panel::new(
        format!("New angles: blind interface {}", sweep.interface),
        "incidence angle (degrees)",
        "Rpp",
    )
    .with_band(format!("trained angles {lo}-{hi} degrees"), lo, hi)
    .with(Series::new(
        "exact Zoeppritz",
        along(sweep.items.iter().map(|i| i.rpp).collect()),
        Style::Line,
        7,
    ))
    .with(Series::new(
        "trained network",
        along(run(trained, &sweep.items)?),
        Style::Dashed,
        0,
    ))
    .with(Series::new(
        "Aki-Richards",
        within(Baseline::AkiRichards.predict(&sweep.items)),
        Style::Dashed,
        2,
    ))
    .with(Series::new(
        "Shuey (3 terms)",
        within(Baseline::Shuey.predict(&sweep.items)),
        Style::Dashed,
        3,
    )))
}

/// Draws the figures into `dir/plots/` (created if missing); returns the files written.
pub fn write(dir: &Path, inputs: &PlotInputs<'_>) -> Result<Vec<PathBuf>, RunError> {
    let mut written = Vec::new();
    for (stem, figure) in figures(inputs)? {
        written.extend(write_figure(dir, stem, &figure)?);
    }
    Ok(written)
}

/// What [`redraw`] drew a run's plots from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// The trained network of a finished run.
    Trained,
    /// The checkpoint of a stopped run, after this epoch.
    Checkpoint(usize),
}

/// A run's plots drawn again ([`redraw`]).
#[derive(Debug, Clone)]
pub struct Redrawn {
    /// The files written.
    pub files: Vec<PathBuf>,
    /// What they were drawn from.
    pub drawn: Drawn,
    /// The epochs of metrics drawn.
    pub epochs: usize,
    /// What reading the data got past.
    pub warnings: Vec<String>,
}

/// Why a run's plots could not be drawn again.
#[derive(Debug, thiserror::Error)]
pub enum RedrawError {
    /// The data could not be made.
    #[error(transparent)]
    Data(#[from] zoepnet_dataset::DatasetError),
    /// The device could not be brought up.
    #[error(transparent)]
    Device(#[from] crate::DeviceError),
    /// A file of the run folder does not read.
    #[error(transparent)]
    Read(#[from] crate::run::ReadError),
    /// The trained network does not load.
    #[error("{}: the trained network: {source}", dir.display())]
    Model {
        /// The run folder.
        dir: PathBuf,
        /// Why.
        source: zoepnet_model::ModelError,
    },
    /// A network could not be built, or the plots written.
    #[error(transparent)]
    Train(#[from] crate::train::TrainError),
    /// The plots could not be written.
    #[error(transparent)]
    Run(#[from] RunError),
    /// Another process writes the folder now, or it could not be locked.
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
}

impl RedrawError {
    /// Whether it comes from what the user gave (the folder, the data, the device asked for).
    pub fn is_bad_input(&self) -> bool {
        match self {
            RedrawError::Data(_) | RedrawError::Read(_) | RedrawError::Model { .. } => true,
            RedrawError::Device(e) => e.is_bad_input(),
            RedrawError::Lock(e) => e.is_bad_input(),
            RedrawError::Train(e) => e.is_bad_input(),
            _ => false,
        }
    }
}

/// Draws the plots of the run folder `dir` (planned as `plan`, its data from the well logs at
/// `logs`) again: from its trained network, or for a stopped run from its checkpoint.
///
/// # Errors
/// [`RedrawError`]: the data, the device, the folder's files, the plots not written.
pub fn redraw(dir: &Path, plan: &Plan, logs: &[PathBuf]) -> Result<Redrawn, RedrawError> {
    use crate::run::{RunFolder, files};
    // Drawing writes the folder's plots: one writer at a time.
    let _held = crate::lock::FolderLock::acquire(dir)?;
    let prepared = zoepnet_dataset::prepare(&plan.config.data, logs)?;
    let (device, _) = plan.config.backend.select()?;
    let metrics = RunFolder::load_metrics(dir)?;
    let (trained, drawn, epochs) = if dir.join(files::SUMMARY).is_file() {
        let summary = RunFolder::verify(dir)?;
        let (model, _) =
            Mlp::load(&dir.join(files::MODEL), &device).map_err(|source| RedrawError::Model {
                dir: dir.to_owned(),
                source,
            })?;
        (model, Drawn::Trained, (summary.epochs, true))
    } else {
        let checkpoint = RunFolder::load_checkpoint(dir)?;
        let model = crate::checkpoint::checkpoint_model(plan, &prepared, &checkpoint, &device)?;
        (
            model,
            Drawn::Checkpoint(checkpoint.epoch),
            (checkpoint.epoch, false),
        )
    };
    RunFolder::check_metrics(dir, &metrics, epochs.0, epochs.1)?;
    let untrained = crate::checkpoint::initial_model(plan, &device)?;
    let inputs = PlotInputs {
        plan,
        prepared: &prepared,
        metrics: &metrics,
        untrained: &untrained,
        trained: &trained,
        device: &device,
    };
    Ok(Redrawn {
        files: write(dir, &inputs)?,
        drawn,
        epochs: metrics.len(),
        warnings: prepared.warnings.clone(),
    })
}

/// Draws `figure` as `dir/plots/STEM.png` and `.svg` (the folder created if missing), each
/// written whole or not at all; returns the two paths.
pub(crate) fn write_figure(
    dir: &Path,
    stem: &str,
    figure: &Figure,
) -> Result<[PathBuf; 2], RunError> {
    let plots = dir.join(crate::run::files::PLOTS);
    let err = |path: &Path, message: String| RunError {
        path: path.to_owned(),
        message,
    };
    std::fs::create_dir_all(&plots).map_err(|e| err(&plots, e.to_string()))?;
    let png_path = plots.join(format!("{stem}.png"));
    let png = zoepnet_plot::png(figure).map_err(|e| err(&png_path, e.to_string()))?;
    write_atomically(&png_path, |f| std::io::Write::write_all(f, &png))
        .map_err(|e| err(&png_path, e.to_string()))?;
    let svg_path = plots.join(format!("{stem}.svg"));
    let svg = zoepnet_plot::svg(figure).map_err(|e| err(&svg_path, e.to_string()))?;
    write_atomically(&svg_path, |f| std::io::Write::write_all(f, svg.as_bytes()))
        .map_err(|e| err(&svg_path, e.to_string()))?;
    Ok([png_path, svg_path])
}
