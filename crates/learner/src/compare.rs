//! Runs side by side: one row per run folder (the settings that differ, its figures), as a
//! Markdown table and CSV, and the validation curves of all of them on one plot. `zoepnet
//! sweep` writes these for the runs it made; `zoepnet compare` for runs made earlier.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use zoepnet_plot::{Figure, Panel, Series, Style};

use crate::run::{FolderState, RunError, RunFolder, Summary, files};

/// One run: its settings and its outcome.
#[derive(Debug, Clone)]
pub struct RunRow {
    /// The run's name (its folder's name).
    pub name: String,
    /// Its folder.
    pub dir: PathBuf,
    /// Every config key, dotted (`train.learning_rate`), with its value as TOML writes it.
    pub settings: BTreeMap<String, String>,
    /// The summary, or why the run has none.
    pub outcome: Result<Summary, Unfinished>,
    /// (epoch, validation MSE) per epoch, from `metrics.csv`.
    pub val_curve: Vec<(f64, f64)>,
}

/// Why a run has no summary. Its `Display` is the table's status cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfinished {
    /// A checkpoint and no summary: an interrupted run, resumable from `dir`.
    Stopped {
        /// The last epoch trained.
        epoch: usize,
        /// The run folder.
        dir: PathBuf,
    },
    /// The run failed, or its files could not be read.
    Failed(String),
    /// A sweep's variant never started (the sweep was interrupted first).
    NotRun,
    /// Another process trains it now.
    Training {
        /// That process's id, where its lock file says it.
        pid: Option<u32>,
    },
}

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The report's advice (compare.md is zoepnet's report, the same from every front end).
            Self::Stopped { epoch, dir } => write!(
                f,
                "stopped after epoch {epoch}: resume with `zoepnet train --resume {}`",
                dir.display()
            ),
            Self::Failed(why) => write!(f, "failed: {why}"),
            Self::NotRun => f.write_str("not run (interrupted)"),
            Self::Training { pid: Some(pid) } => write!(f, "training now (pid {pid})"),
            Self::Training { pid: None } => f.write_str("training now"),
        }
    }
}

/// Flattens a TOML table into dotted keys; strings lose their quotes.
fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(t) => flatten(&path, t, out),
            toml::Value::String(s) => {
                out.insert(path, s.clone());
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
}

/// The settings written in a config file's text, dotted.
pub(crate) fn settings_of(config_text: &str) -> Result<BTreeMap<String, String>, String> {
    let table: toml::Table = toml::from_str(config_text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    flatten("", &table, &mut out);
    Ok(out)
}

/// A run folder's summary, checked against its manifest, or why it has none: a run another
/// process trains now, a stopped run, or a failure.
fn outcome_of(dir: &Path) -> Result<Summary, Unfinished> {
    if let Some(pid) = crate::lock::FolderLock::holder(dir) {
        return Err(Unfinished::Training { pid });
    }
    RunFolder::verify(dir).map_err(|e| match FolderState::of(dir) {
        FolderState::Stopped { epoch: Some(epoch) } => Unfinished::Stopped {
            epoch,
            dir: dir.to_owned(),
        },
        _ => {
            let file = e.path.file_name().map(|n| n.to_string_lossy().into_owned());
            Unfinished::Failed(format!("{}: {}", file.unwrap_or_default(), e.message))
        }
    })
}

/// Reads a run folder: `config.toml`, `summary.json` and `metrics.csv`. A folder without a
/// summary (a run that failed or was stopped) is a row with the reason.
pub(crate) fn read_run(dir: &Path) -> RunRow {
    let name = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let read =
        |file: &str| std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"));
    let settings = read(files::CONFIG)
        .and_then(|t| settings_of(&t))
        .unwrap_or_default();
    let outcome = outcome_of(dir);
    let val_curve = RunFolder::load_metrics(dir)
        .map(|rows| rows.iter().map(|m| (m.epoch as f64, m.val_mse)).collect())
        .unwrap_or_default();
    RunRow {
        name,
        dir: dir.to_owned(),
        settings,
        outcome,
        val_curve,
    }
}

/// What [`gather`] found.
#[derive(Debug, Clone)]
pub struct Gathered {
    /// One row per run folder, each once; runs of one name from different folders (two
    /// sweeps of one grid) named with their folder's parent: `sweep-a/train.seed=1`.
    pub rows: Vec<RunRow>,
    /// The planned sweeps among the folders given.
    pub plans: Vec<PlannedRuns>,
}

/// A planned sweep's folder, and its variants without a finished run.
#[derive(Debug, Clone)]
pub struct PlannedRuns {
    /// The plan's folder.
    pub dir: PathBuf,
    /// Its variants.
    pub variants: usize,
    /// The names of those not finished.
    pub missing: Vec<String>,
}

/// A folder that is neither a run folder nor a folder of them.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}: not a run folder (no {}), nor a folder of them", .0.display(), files::CONFIG)]
pub struct NotRuns(pub PathBuf);

/// The run folders `paths` name: each a run folder, or a folder of them (a sweep's, a plan's);
/// files among them (a shell glob over a sweep folder) are passed over.
///
/// # Errors
/// [`NotRuns`] for a folder that holds no run (a plan none of whose tasks has started is a
/// plan of missing runs, not an error).
pub fn gather(paths: &[PathBuf]) -> Result<Gathered, NotRuns> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut plans = Vec::new();
    for dir in paths.iter().filter(|p| !p.is_file()) {
        if FolderState::of(dir).is_run() {
            dirs.push(dir.clone());
            continue;
        }
        let inner = FolderState::runs_in(dir);
        match crate::sweep::SweepPlan::load(dir) {
            Ok(plan) => plans.push(PlannedRuns {
                dir: dir.clone(),
                variants: plan.variants.len(),
                missing: plan
                    .variants
                    .into_iter()
                    .filter(|v| FolderState::of(&dir.join(&v.name)) != FolderState::Finished)
                    .map(|v| v.name)
                    .collect(),
            }),
            Err(_) if inner.is_empty() => return Err(NotRuns(dir.clone())),
            Err(_) => {}
        }
        dirs.extend(inner);
    }
    // A folder given twice (or also through its sweep's folder) is one run.
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(std::fs::canonicalize(d).unwrap_or_else(|_| d.clone())));
    let mut rows: Vec<RunRow> = dirs.iter().map(|d| read_run(d)).collect();
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    for row in &mut rows {
        if names.iter().filter(|n| **n == row.name).count() > 1 {
            let parent = row.dir.parent().and_then(|p| p.file_name());
            if let Some(parent) = parent {
                row.name = format!("{}/{}", parent.to_string_lossy(), row.name);
            }
        }
    }
    Ok(Gathered { rows, plans })
}

/// The keys whose values are not the same in every row (the data file paths aside).
pub fn varied_keys(rows: &[RunRow]) -> Vec<String> {
    let mut keys: Vec<String> = rows
        .iter()
        .flat_map(|r| r.settings.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| k != "data.las")
        .filter(|k| {
            let first = rows.first().and_then(|r| r.settings.get(k));
            rows.iter().any(|r| r.settings.get(k) != first)
        })
        .collect()
}

fn sci(v: f64) -> String {
    format!("{v:.3e}")
}

/// The angle range of a run's "new angles" error, `0-60°`.
fn avo_range(s: &Summary) -> Option<String> {
    Some(format!("{}-{}°", s.avo_theta_min?, s.avo_theta_max?))
}

/// The figures of a row, in column order: status, epochs, train, val, blind, AVO, seconds.
/// With `avo_ranges`, the AVO error says over which angles it was measured (for runs whose
/// ranges differ).
fn figures(row: &RunRow, avo_ranges: bool) -> [String; 7] {
    match &row.outcome {
        Ok(s) => [
            "ok".into(),
            s.epochs.to_string(),
            sci(s.final_train_mse),
            sci(s.final_val_mse),
            sci(s.blind_mse),
            match (s.avo_max_abs_error, avo_range(s)) {
                (Some(e), Some(range)) if avo_ranges => format!("{} ({range})", sci(e)),
                (e, _) => e.map_or_else(|| "-".into(), sci),
            },
            format!("{:.2}", s.train_seconds),
        ],
        Err(status) => [
            status.to_string(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
        ],
    }
}

const COLUMNS: [&str; 7] = [
    "status",
    "epochs",
    "train MSE",
    "val MSE",
    "blind MSE",
    "AVO max abs error",
    "seconds",
];

/// The rows as a Markdown table: run, the `keys`, the figures of the final weights. Where the
/// runs' "new angles" cover different angles, each AVO error names its range.
pub fn markdown(rows: &[RunRow], keys: &[String]) -> String {
    let ranges: Vec<String> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok().and_then(avo_range))
        .collect();
    let avo_ranges = ranges.iter().any(|r| *r != ranges[0]);
    let mut out = String::new();
    let header: Vec<&str> = std::iter::once("run")
        .chain(keys.iter().map(String::as_str))
        .chain(COLUMNS)
        .collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}|",
        header
            .iter()
            .enumerate()
            .map(|(i, _)| if i > keys.len() { "---:" } else { "---" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        let cells: Vec<String> = std::iter::once(row.name.clone())
            .chain(
                keys.iter()
                    .map(|k| row.settings.get(k).cloned().unwrap_or_else(|| "-".into())),
            )
            .chain(figures(row, avo_ranges))
            .map(|c| c.replace('|', "\\|").replace('\n', " "))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The rows as CSV with snake_case column names.
pub fn csv(rows: &[RunRow], keys: &[String]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let header: Vec<String> = std::iter::once("run".to_owned())
        .chain(keys.iter().cloned())
        .chain(
            [
                "status",
                "epochs",
                "final_train_mse",
                "final_val_mse",
                "blind_mse",
                "avo_max_abs_error",
                "train_seconds",
            ]
            .map(String::from),
        )
        .collect();
    let _ = writeln!(out, "{}", header.join(","));
    for row in rows {
        let mut cells: Vec<String> = std::iter::once(row.name.clone())
            .chain(
                keys.iter()
                    .map(|k| row.settings.get(k).cloned().unwrap_or_default()),
            )
            .collect();
        match &row.outcome {
            Ok(s) => cells.extend([
                "ok".into(),
                s.epochs.to_string(),
                s.final_train_mse.to_string(),
                s.final_val_mse.to_string(),
                s.blind_mse.to_string(),
                s.avo_max_abs_error
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
                s.train_seconds.to_string(),
            ]),
            Err(status) => {
                cells.push(status.to_string());
                cells.extend(std::iter::repeat_n(String::new(), 6));
            }
        }
        let cells: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// The validation curves of every run that has one, on one log-scale plot, labelled by the
/// varied `keys` (or the run's name). Each point is an epoch's validation MSE at its start, as
/// the tutorial measures it (the tables give the final weights').
pub fn overlay(rows: &[RunRow], keys: &[String]) -> Figure {
    let mut panel = Panel::new(
        "Validation MSE (at each epoch's start)",
        "epoch",
        "validation MSE",
    )
    .log_y()
    .count_x();
    // A key by its last part (`seed`), unless two keys share it (`data.seed`, `train.seed`).
    let last = |k: &str| k.rsplit('.').next().unwrap_or(k).to_owned();
    for (i, row) in rows.iter().filter(|r| !r.val_curve.is_empty()).enumerate() {
        let label = if keys.is_empty() {
            row.name.clone()
        } else {
            keys.iter()
                .map(|k| {
                    let shared = keys.iter().filter(|o| last(o) == last(k)).count() > 1;
                    let short = if shared { k.clone() } else { last(k) };
                    format!(
                        "{short}={}",
                        row.settings.get(k).map_or("-", String::as_str)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        panel = panel.with(Series::new(label, row.val_curve.clone(), Style::Line, i));
    }
    Figure::single(panel)
}

/// Writes `<stem>.csv`, `<stem>.md` and `<stem>-val.png` / `.svg` into `dir`.
///
/// # Errors
/// [`RunError`] naming the file that could not be drawn or written.
pub fn write(dir: &Path, stem: &str, rows: &[RunRow], keys: &[String]) -> Result<(), RunError> {
    let figure = overlay(rows, keys);
    let drawn = |ext: &str, e: String| RunError {
        path: dir.join(format!("{stem}-val.{ext}")),
        message: e,
    };
    let png = zoepnet_plot::png(&figure).map_err(|e| drawn("png", e.to_string()))?;
    let svg = zoepnet_plot::svg(&figure).map_err(|e| drawn("svg", e.to_string()))?;
    let files: [(String, Vec<u8>); 4] = [
        (format!("{stem}.csv"), csv(rows, keys).into_bytes()),
        (format!("{stem}.md"), markdown(rows, keys).into_bytes()),
        (format!("{stem}-val.png"), png),
        (format!("{stem}-val.svg"), svg.into_bytes()),
    ];
    for (name, bytes) in files {
        let path = dir.join(&name);
        crate::run::write_atomically(&path, |f| std::io::Write::write_all(f, &bytes)).map_err(
            |e| RunError {
                path: path.clone(),
                message: e.to_string(),
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, config: &str, outcome: Result<Summary, Unfinished>) -> RunRow {
        RunRow {
            name: name.into(),
            dir: PathBuf::from(name),
            settings: settings_of(config).unwrap(),
            outcome,
            val_curve: vec![(1.0, 1e-2), (2.0, 1e-3)],
        }
    }

    fn summary(val: f64) -> Summary {
        serde_json::from_value(serde_json::json!({
            "final_train_mse": 1e-4, "final_val_mse": val, "last_epoch_train_mse": 1e-4,
            "last_epoch_val_mse": val, "blind_mse": 3e-4, "avo_max_abs_error": 0.05,
            "avo_theta_min": 0.0, "avo_theta_max": 60.0, "epochs": 2, "backend": "ndarray",
            "device": "CPU", "engine": "fused", "train_seconds": 0.5, "seed": 42,
            "zoepnet_version": "0.1.0"
        }))
        .unwrap()
    }

    #[test]
    fn avo_errors_over_different_angles_say_their_range() {
        let mut wide = summary(1e-4);
        wide.avo_theta_max = Some(50.0);
        let config = "[data]\nlas = [\"x.las\"]";
        let same = vec![
            row("a", config, Ok(summary(1e-4))),
            row("b", config, Ok(summary(2e-4))),
        ];
        assert!(markdown(&same, &[]).contains("| 5.000e-2 | 0.50 |"));
        let mixed = vec![
            row("a", config, Ok(summary(1e-4))),
            row("b", config, Ok(wide)),
        ];
        let md = markdown(&mixed, &[]);
        assert!(md.contains("| 5.000e-2 (0-60°) |"), "{md}");
        assert!(md.contains("| 5.000e-2 (0-50°) |"), "{md}");
    }

    #[test]
    fn only_the_keys_that_differ_are_columns_and_failures_are_rows() {
        let rows = vec![
            row(
                "a",
                "[model]\nactivation = \"tanh\"\nhidden = 300\n[data]\nlas = [\"x.las\"]",
                Ok(summary(1.5e-4)),
            ),
            row(
                "b",
                "[model]\nactivation = \"relu\"\nhidden = 300\n[data]\nlas = [\"y.las\"]",
                Err(Unfinished::Failed("the training loss became NaN".into())),
            ),
        ];
        let keys = varied_keys(&rows);
        assert_eq!(keys, ["model.activation"]);
        let md = markdown(&rows, &keys);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(
            lines[0],
            "| run | model.activation | status | epochs | train MSE | val MSE | blind MSE | AVO max abs error | seconds |"
        );
        assert_eq!(lines[1], "|---|---|---:|---:|---:|---:|---:|---:|---:|");
        assert_eq!(
            lines[2],
            "| a | tanh | ok | 2 | 1.000e-4 | 1.500e-4 | 3.000e-4 | 5.000e-2 | 0.50 |"
        );
        assert!(lines[3].starts_with("| b | relu | failed: the training loss became NaN | - |"));
        let csv = csv(&rows, &keys);
        assert!(csv.starts_with("run,model.activation,status,epochs,final_train_mse"));
        assert!(
            csv.contains("\na,tanh,ok,2,0.0001,0.00015,0.0003,0.05,0.5\n"),
            "{csv}"
        );
        assert!(
            csv.contains("\nb,relu,failed: the training loss became NaN,,,,,,\n"),
            "{csv}"
        );
        let figure = overlay(&rows, &keys);
        let labels: Vec<&str> = figure.panels[0]
            .series
            .iter()
            .map(|s| s.label.as_str())
            .collect();
        assert_eq!(labels, ["activation=tanh", "activation=relu"]);
        assert_eq!(figure.panels[0].x_scale, zoepnet_plot::Scale::Count);
        // Keys that end alike keep their section: data.seed and train.seed are two keys.
        let seeds = ["data.seed".to_owned(), "train.seed".to_owned()];
        let seeded = [row(
            "s",
            "[data]\nseed = 1\n[train]\nseed = 2\n",
            Ok(summary(1e-4)),
        )];
        let figure = overlay(&seeded, &seeds);
        assert_eq!(
            figure.panels[0].series[0].label,
            "data.seed=1, train.seed=2"
        );
    }
}
