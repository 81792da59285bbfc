//! A seed study in its folder: [`crate::seeds::study`] run over a range of seeds, with what a
//! folder already holds of the same study kept (an interrupted study goes on where it stopped),
//! `seeds.csv` rewritten at most once a second while it trains, and `seeds.md` and
//! `plots/seeds.png` / `.svg` at the end.
//!
//! Files: `config.toml` and `scaler.json` (as a run folder's), `seeds.csv` (a row per seed:
//! [`SeedOutcome::NAMES`] at full precision, then the epoch a seed diverged in), `seeds.md`
//! ([`report`]).

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::device::DeviceInfo;
use crate::experiment::ExperimentError;
use crate::interrupt::Interrupter;
use crate::plan::{EngineKind, Plan};
use crate::plots::write_figure;
use crate::run::{RunError, RunFolder, files, write_atomically};
use crate::seeds::{Distribution, SeedOutcome, histograms, percentile_rank};

/// A seed study asked for: `plan` trained once per seed of `seeds`, and with its own seed
/// (marked in the report and on the plots; counted only where it is in the range).
#[derive(Debug, Clone)]
pub struct SeedStudy {
    /// The config's plan.
    pub plan: Plan,
    /// The config file, named in the report's title.
    pub config: PathBuf,
    /// The seeds studied.
    pub seeds: RangeInclusive<u32>,
}

/// Why a seed study did not run, or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// The folder holds a study or a run of another config.
    #[error("{} holds {what} of another config ({why})", out.display())]
    OtherConfig {
        /// The folder.
        out: PathBuf,
        /// "a seed study" or "a run".
        what: &'static str,
        /// What differs.
        why: String,
    },
    /// Its `seeds.csv` does not read.
    #[error("{}: line {line}: {message}; remove the folder to start the study over", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    /// Its `seeds.csv` holds seeds outside the range asked for: they would be dropped.
    #[error(
        "{} holds {count} trained seed{} outside {}..={} (from {lo} to {hi})",
        path.display(),
        if *count == 1 { "" } else { "s" },
        seeds.start(),
        seeds.end()
    )]
    Outside {
        /// The file.
        path: PathBuf,
        /// How many.
        count: usize,
        /// The smallest.
        lo: u32,
        /// The largest.
        hi: u32,
        /// The range asked for.
        seeds: RangeInclusive<u32>,
    },
    /// The data, the device or a seed's training failed.
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    /// A file could not be written.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl StudyError {
    /// Whether it comes from what the user gave (the folder, the range, the data).
    pub fn is_bad_input(&self) -> bool {
        match self {
            StudyError::Experiment(e) => e.is_bad_input(),
            StudyError::Run(_) => false,
            _ => true,
        }
    }
}

/// What a study is about to do, for the observer.
#[derive(Debug, Clone, Copy)]
pub struct StudyStart<'a> {
    /// The study.
    pub study: &'a SeedStudy,
    /// Training interfaces.
    pub train: usize,
    /// Validation interfaces.
    pub validation: usize,
    /// The engine the seeds train on.
    pub engine: EngineKind,
    /// The device.
    pub device: &'a DeviceInfo,
    /// Whether the config's own seed is in the range (else it is trained to be marked only).
    pub own_in_range: bool,
    /// Seeds kept from an earlier run of the study in the folder.
    pub kept: usize,
    /// Seeds to train now.
    pub to_train: usize,
    /// The folder's `seeds.csv`.
    pub csv: &'a Path,
}

/// Watches a seed study. Its methods are called from the threads that train the seeds.
pub trait StudyObserver: Sync {
    /// Something reading the data got past, for a person.
    fn warning(&self, _what: &str) {}
    /// The study is about to train.
    fn started(&self, _start: &StudyStart<'_>) {}
    /// A seed is trained and scored: the `done`-th of `total`.
    fn seed(&self, _outcome: &SeedOutcome, _done: usize, _total: usize) {}
}

/// A finished or stopped study.
#[derive(Debug, Clone)]
pub struct StudyResult {
    /// The seeds of the range trained (now or before), in seed order.
    pub studied: Vec<SeedOutcome>,
    /// The config's own seed's outcome.
    pub marked: Option<SeedOutcome>,
    /// Seeds trained by this call.
    pub trained: usize,
    /// Seeds of the range not trained (a stopped study).
    pub missing: usize,
    /// Seconds this call trained for.
    pub seconds: f64,
    /// `seeds.md`.
    pub report: String,
}

/// Runs `study` on the well logs at `logs` into the folder `out`: keeps the seeds a study of
/// the same config there already trained, trains the others (until `interrupter` stops it),
/// and writes `seeds.csv`, `seeds.md` and the histograms.
///
/// # Errors
/// [`StudyError`]: a folder of another config or with an unreadable or wider `seeds.csv`, the
/// data, the device, a seed's failure other than diverging, a file not written.
pub fn run(
    study: &SeedStudy,
    logs: &[PathBuf],
    out: &Path,
    observer: &dyn StudyObserver,
    interrupter: &Interrupter,
) -> Result<StudyResult, StudyError> {
    let plan = &study.plan;
    let prepared =
        zoepnet_dataset::prepare(&plan.config.data, logs).map_err(ExperimentError::from)?;
    prepared.warnings.iter().for_each(|w| observer.warning(w));
    let (device, info) = plan
        .config
        .backend
        .select()
        .map_err(ExperimentError::from)?;
    // Held to the end: one study writes the folder at a time.
    let folder = RunFolder::create(out).map_err(ExperimentError::from)?;
    let kept = previous_outcomes(out, plan)?;
    let csv = out.join(files::SEEDS);
    refuse_outside(&kept, &study.seeds, &csv)?;
    folder.start(&plan.config, &prepared.scaler)?;
    let own_in_range = study.seeds.contains(&plan.seed);
    let mut seeds: Vec<u32> = study.seeds.clone().collect();
    if !own_in_range {
        seeds.push(plan.seed);
    }
    let to_train: Vec<u32> = seeds
        .iter()
        .copied()
        .filter(|s| !kept.iter().any(|o| o.seed == *s))
        .collect();
    observer.started(&StudyStart {
        study,
        train: prepared.train.len(),
        validation: prepared.validation.len(),
        engine: crate::seeds::engine(plan, &device, seeds.len()),
        device: &info,
        own_in_range,
        kept: kept.len(),
        to_train: to_train.len(),
        csv: &csv,
    });
    let start = Instant::now();
    let writer = CsvWriter::new(&csv, kept.clone(), (!own_in_range).then_some(plan.seed));
    let done = AtomicUsize::new(0);
    let on_seed = |o: &SeedOutcome| {
        writer.push(*o);
        observer.seed(o, done.fetch_add(1, Ordering::SeqCst) + 1, to_train.len());
    };
    let trained = crate::seeds::study(plan, &prepared, &device, &to_train, &on_seed, &|| {
        interrupter.should_stop()
    })?;
    writer.error()?;
    finish(study, out, &kept, &trained, start.elapsed().as_secs_f64())
}

/// Writes the study's files once its seeds are trained (all, or until it was stopped).
fn finish(
    study: &SeedStudy,
    out: &Path,
    kept: &[SeedOutcome],
    trained: &[SeedOutcome],
    seconds: f64,
) -> Result<StudyResult, StudyError> {
    let own = study.plan.seed;
    let outcomes: Vec<SeedOutcome> = kept.iter().chain(trained).copied().collect();
    let marked = outcomes.iter().find(|o| o.seed == own).copied();
    let not_counted = (!study.seeds.contains(&own)).then_some(own);
    let studied = studied(&outcomes, not_counted);
    write_csv(&out.join(files::SEEDS), &studied)?;
    let missing = study
        .seeds
        .clone()
        .filter(|s| !studied.iter().any(|o| o.seed == *s))
        .count();
    let earlier = studied
        .iter()
        .filter(|o| kept.iter().any(|k| k.seed == o.seed))
        .count();
    let report = report(
        study,
        &studied,
        marked.as_ref(),
        (seconds, earlier),
        missing,
    );
    let md = out.join(files::SEEDS_SUMMARY);
    write_atomically(&md, |f| std::io::Write::write_all(f, report.as_bytes())).map_err(|e| {
        RunError {
            path: md.clone(),
            message: e.to_string(),
        }
    })?;
    write_figure(
        out,
        files::SEEDS_PLOT,
        &histograms(&studied, marked.as_ref(), 40),
    )?;
    Ok(StudyResult {
        studied,
        marked,
        trained: trained.len(),
        missing,
        seconds,
        report,
    })
}

/// The outcomes a study reports, in seed order: the config's own seed `not_counted` (outside
/// the range) left out.
fn studied(outcomes: &[SeedOutcome], not_counted: Option<u32>) -> Vec<SeedOutcome> {
    let mut studied: Vec<SeedOutcome> = outcomes
        .iter()
        .filter(|o| Some(o.seed) != not_counted)
        .copied()
        .collect();
    studied.sort_by_key(|o| o.seed);
    studied
}

/// Keeps `seeds.csv` at most a second behind the seeds trained (called from many threads).
struct CsvWriter<'a> {
    path: &'a Path,
    /// The config's own seed where it is outside the range (not written).
    not_counted: Option<u32>,
    so_far: Mutex<(Vec<SeedOutcome>, Instant)>,
    error: Mutex<Option<RunError>>,
}

impl<'a> CsvWriter<'a> {
    fn new(path: &'a Path, kept: Vec<SeedOutcome>, not_counted: Option<u32>) -> Self {
        Self {
            path,
            not_counted,
            so_far: Mutex::new((kept, Instant::now())),
            error: Mutex::new(None),
        }
    }

    /// Records `outcome`; rewrites the file when a second has passed since the last write.
    fn push(&self, outcome: SeedOutcome) {
        let Ok(mut so_far) = self.so_far.lock() else {
            return;
        };
        so_far.0.push(outcome);
        if so_far.1.elapsed().as_secs_f64() >= 1.0 {
            if let (Err(e), Ok(mut slot)) = (
                write_csv(self.path, &studied(&so_far.0, self.not_counted)),
                self.error.lock(),
            ) {
                slot.get_or_insert(e);
            }
            so_far.1 = Instant::now();
        }
    }

    /// The first write's failure.
    fn error(self) -> Result<(), RunError> {
        self.error.into_inner().ok().flatten().map_or(Ok(()), Err)
    }
}

/// Refuses to drop seeds a folder's study trained outside `seeds` (never deleted).
fn refuse_outside(
    kept: &[SeedOutcome],
    seeds: &RangeInclusive<u32>,
    csv: &Path,
) -> Result<(), StudyError> {
    let outside: Vec<u32> = kept
        .iter()
        .map(|o| o.seed)
        .filter(|s| !seeds.contains(s))
        .collect();
    match (outside.iter().min(), outside.iter().max()) {
        (Some(&lo), Some(&hi)) => Err(StudyError::Outside {
            path: csv.to_owned(),
            count: outside.len(),
            lo,
            hi,
            seeds: seeds.clone(),
        }),
        _ => Ok(()),
    }
}

/// The seeds of a study of `plan`'s config already in `out` (its `seeds.csv`), or none when
/// there is none.
///
/// # Errors
/// [`StudyError::OtherConfig`] when `out` holds a study or a run of another config,
/// [`StudyError::Csv`] for a `seeds.csv` that does not read (naming its line).
pub(crate) fn previous_outcomes(out: &Path, plan: &Plan) -> Result<Vec<SeedOutcome>, StudyError> {
    let csv_path = out.join(files::SEEDS);
    let config_path = out.join(files::CONFIG);
    // A folder with another config (a study, or a run folder) is never written over.
    if (config_path.is_file() || csv_path.is_file()) && !RunFolder::holds_config(out, &plan.config)
    {
        return Err(StudyError::OtherConfig {
            out: out.to_owned(),
            what: if csv_path.is_file() {
                "a seed study"
            } else {
                "a run"
            },
            why: if config_path.is_file() {
                format!("{} differs from this one's", config_path.display())
            } else {
                format!("no {} beside its {}", files::CONFIG, files::SEEDS)
            },
        });
    }
    if !csv_path.is_file() {
        return Ok(Vec::new());
    }
    read_csv(&csv_path)
}

/// A seed study's `seeds.csv`.
///
/// # Errors
/// [`StudyError::Csv`] naming the line that does not read, or that repeats a seed.
pub fn read_csv(path: &Path) -> Result<Vec<SeedOutcome>, StudyError> {
    let err = |line: usize, message: String| StudyError::Csv {
        path: path.to_owned(),
        line,
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| err(1, e.to_string()))?;
    let mut outcomes: Vec<SeedOutcome> = Vec::new();
    for (i, row) in reader.deserialize().enumerate() {
        let (seed, train_mse, val_mse, blind_mse, last_train, last_val, diverged): (
            u32,
            f64,
            f64,
            f64,
            f64,
            f64,
            Option<usize>,
        ) = row.map_err(|e: csv::Error| err(i + 2, e.to_string()))?;
        if outcomes.iter().any(|o| o.seed == seed) {
            return Err(err(i + 2, format!("seed {seed} a second time")));
        }
        outcomes.push(SeedOutcome {
            seed,
            train_mse,
            val_mse,
            blind_mse,
            last_epoch_train_mse: last_train,
            last_epoch_val_mse: last_val,
            diverged,
        });
    }
    Ok(outcomes)
}

/// Writes `seeds.csv`: seed, then every figure of [`SeedOutcome::all_figures`] (full
/// precision), then the epoch a seed diverged in, in the order given.
pub(crate) fn write_csv(path: &Path, outcomes: &[SeedOutcome]) -> Result<(), RunError> {
    write_atomically(path, |f| {
        let mut w = csv::Writer::from_writer(f);
        let mut head = vec!["seed"];
        head.extend(SeedOutcome::NAMES);
        head.push("diverged_epoch");
        w.write_record(&head)?;
        for o in outcomes {
            // Serialised as metrics.csv's figures are: shortest round trip, exponents where long.
            let [t, v, b, lt, lv] = o.all_figures().map(|(_, v)| v);
            w.serialize((o.seed, t, v, b, lt, lv, o.diverged))?;
        }
        w.flush()
    })
    .map_err(|e| RunError {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// The rows of the figures' table in `seeds.md`, as [`SeedOutcome::all_figures`] orders them.
const FIGURE_NAMES: [&str; 5] = [
    "train MSE, final weights",
    "val MSE, final weights",
    "blind MSE (new rocks)",
    "train MSE, last epoch (running)",
    "val MSE, last epoch (at its start)",
];

/// `seeds.md`: each figure's distribution over `outcomes`, and `marked`'s (the config's own
/// seed's) figures and rank. `time` is the seconds this call trained for and how many of
/// `outcomes` an earlier, interrupted one had trained; `missing` the seeds not trained yet.
pub fn report(
    study: &SeedStudy,
    outcomes: &[SeedOutcome],
    marked: Option<&SeedOutcome>,
    time: (f64, usize),
    missing: usize,
) -> String {
    let mut s = heading(study, outcomes.len(), time);
    s += &figures_table(outcomes, marked);
    s += &diverged_lines(outcomes, marked);
    if missing > 0 {
        let asked = study.seeds.clone().count();
        let _ = writeln!(
            s,
            "\nInterrupted: {missing} of the {asked} seeds are not trained yet; the same command \
             trains them{}.",
            if outcomes.is_empty() {
                ""
            } else {
                ", keeping these"
            }
        );
    }
    s
}

/// The report's title and its first paragraph.
fn heading(study: &SeedStudy, trained: usize, (seconds, earlier): (f64, usize)) -> String {
    let (first, last) = (*study.seeds.start(), *study.seeds.end());
    let range = if trained < study.seeds.clone().count() {
        format!("Seeds {first} to {last} asked, {trained} trained so far")
    } else {
        format!("Seeds {first} to {last}")
    };
    let timing = if earlier == 0 {
        format!("{seconds:.1} s")
    } else {
        format!(
            "{seconds:.1} s for the {} trained by the last command ({earlier} trained before)",
            trained - earlier
        )
    };
    format!(
        "# Seed study: {}, {trained} seed{}\n\nEach seed trains the config with `train.seed` set \
         to it (initial weights and shuffles); the data, its split and its scaler are the \
         config's. {range}; {timing}.\n\n",
        study.config.display(),
        if trained == 1 { "" } else { "s" },
    )
}

/// The table of each figure's distribution, with the marked seed's figure and rank.
fn figures_table(outcomes: &[SeedOutcome], marked: Option<&SeedOutcome>) -> String {
    let mut s = String::new();
    let own = marked.map_or_else(String::new, |m| format!(" seed {} | its rank |", m.seed));
    let _ = writeln!(
        s,
        "| figure | min | 5 % | 25 % | median | 75 % | 95 % | max | mean |{own}"
    );
    let _ = writeln!(
        s,
        "|---|---|---|---|---|---|---|---|---|{}",
        if marked.is_some() { "---|---|" } else { "" }
    );
    for (i, name) in FIGURE_NAMES.into_iter().enumerate() {
        let values: Vec<f64> = outcomes.iter().map(|o| o.all_figures()[i].1).collect();
        let Some(d) = Distribution::of(&values) else {
            let cells = if marked.is_some() { 10 } else { 8 };
            let _ = writeln!(s, "| {name} | no finite value |{}", " |".repeat(cells - 1));
            continue;
        };
        let _ = write!(
            s,
            "| {name} | {:.3e} | {:.3e} | {:.3e} | {:.3e} | {:.3e} | {:.3e} | {:.3e} | {:.3e} |",
            d.min, d.p05, d.p25, d.median, d.p75, d.p95, d.max, d.mean
        );
        if let Some(m) = marked {
            let v = m.all_figures()[i].1;
            if m.diverged.is_some() {
                let _ = write!(s, " diverged | |");
            } else {
                let _ = write!(s, " {v:.3e} | {:.1} % |", percentile_rank(&values, v));
            }
        }
        s.push('\n');
    }
    s
}

/// The seeds that diverged, and what the marked seed's rank means.
fn diverged_lines(outcomes: &[SeedOutcome], marked: Option<&SeedOutcome>) -> String {
    let mut s = String::new();
    let diverged: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.diverged.map(|e| format!("{} (epoch {e})", o.seed)))
        .collect();
    if !diverged.is_empty() {
        let _ = writeln!(
            s,
            "\n{} seed{} diverged (a training MSE over 1, NaN or infinite; not counted above): \
             {}.",
            diverged.len(),
            if diverged.len() == 1 { "" } else { "s" },
            diverged.join(", ")
        );
    }
    match marked {
        Some(m) if m.diverged.is_some() => {
            let epoch = m.diverged.unwrap_or_default();
            let _ = writeln!(s, "\nSeed {} diverged in epoch {epoch}.", m.seed);
        }
        Some(m) => {
            let counted = outcomes.iter().filter(|o| o.diverged.is_none()).count();
            let _ = writeln!(
                s,
                "\nIts rank: the share of the {counted} seeds{} whose figure is at or below seed \
                 {}'s.",
                if counted < outcomes.len() {
                    " that did not diverge"
                } else {
                    ""
                },
                m.seed
            );
        }
        None => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(seed: u32, val: f64) -> SeedOutcome {
        SeedOutcome {
            seed,
            train_mse: val,
            val_mse: val,
            blind_mse: val,
            last_epoch_train_mse: val,
            last_epoch_val_mse: val,
            diverged: None,
        }
    }

    #[test]
    fn a_diverged_seed_is_named_and_left_out_of_the_distribution() {
        let config: crate::ExperimentConfig = toml::from_str("[data]\nlas = \"x.las\"\n").unwrap();
        let study = SeedStudy {
            plan: config.check().unwrap(),
            config: "configs/tutorial.toml".into(),
            seeds: 0..=3,
        };
        let outcomes = [
            outcome(0, 1e-4),
            outcome(1, 3e-4),
            SeedOutcome::diverged(2, 5),
            outcome(3, 2e-4),
        ];
        let s = report(&study, &outcomes, Some(&outcomes[3]), (1.0, 0), 0);
        // The median and the mean of 1, 2 and 3 (e-4): the NaN of seed 2 counts in neither.
        assert!(
            s.contains("| val MSE, final weights | 1.000e-4 | 1.100e-4 | 1.500e-4 | 2.000e-4 | 2.500e-4 | 2.900e-4 | 3.000e-4 | 2.000e-4 | 2.000e-4 | 66.7 % |"),
            "{s}"
        );
        assert!(s.contains("\n1 seed diverged (a training MSE over 1, NaN or infinite; not counted above): 2 (epoch 5).\n"), "{s}");
        assert!(
            s.contains("the share of the 3 seeds that did not diverge"),
            "{s}"
        );
        // Seed 2 marked: it has no rank.
        let s = report(&study, &outcomes, Some(&outcomes[2]), (1.0, 0), 0);
        assert!(s.contains(" diverged | |"), "{s}");
        assert!(s.contains("Seed 2 diverged in epoch 5."), "{s}");
    }
}
