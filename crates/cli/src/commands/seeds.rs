//! `zoepnet seeds`: a config trained with many seeds, the distribution of its final figures,
//! and where the config's own seed falls in it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Plan;
use zoepnet_learner::device::Backend;
use zoepnet_learner::plan::EngineKind;
use zoepnet_learner::plots::write_figure;
use zoepnet_learner::run::files;
use zoepnet_learner::run::{RunFolder, write_atomically};
use zoepnet_learner::seeds::{Distribution, SeedOutcome, histograms, percentile_rank, study};

use super::UsageError;
use super::fetch::locate_logs;
use super::progress;
use super::train::experiment_error;

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

pub fn run(args: &SeedsArgs, options: &FetchOptions) -> anyhow::Result<()> {
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
    let prepared = super::prepare(&plan.config.data, &logs)?;
    let (device, info) = plan.config.backend.select()?;
    // A study of this config in the folder already (interrupted, or other seeds): keep its seeds.
    let previous = previous_outcomes(&out, &plan)?;
    let folder = RunFolder::create(&out)?;
    folder.start(&plan.config, &prepared.scaler)?;
    let own = plan.seed;
    let mut seeds: Vec<u32> = (args.first..=last).collect();
    let own_in_range = seeds.contains(&own);
    if !own_in_range {
        seeds.push(own);
    }
    let extra = if own_in_range {
        String::new()
    } else {
        format!(" and the config's own seed {own}, to mark it (not counted)")
    };
    let engine = zoepnet_learner::seeds::engine(&plan, &device, seeds.len());
    let at_once = matches!(
        engine,
        EngineKind::Population | EngineKind::PopulationKernel
    );
    let how = if at_once {
        format!(
            "at once, up to {} a population",
            zoepnet_learner::seeds::POPULATION
        )
    } else {
        format!("on {} threads", zoepnet_learner::seeds::threads())
    };
    errln!(
        "seed study of {}: {} seed{} ({}..={last}){extra}, {} training / {} validation \
         interfaces, {} engine, {} ({}), {how}",
        args.config.display(),
        args.count,
        if args.count == 1 { "" } else { "s" },
        args.first,
        prepared.train.len(),
        prepared.validation.len(),
        engine.name(),
        info.backend,
        info.name,
    );
    // Seeds already trained that this study would drop: refused, never deleted.
    let outside: Vec<u32> = previous
        .iter()
        .map(|o| o.seed)
        .filter(|s| !seeds.contains(s))
        .collect();
    if let (Some(lo), Some(hi)) = (outside.iter().min(), outside.iter().max()) {
        return Err(UsageError(format!(
            "{} holds {} trained seed{} outside {}..={last} (from {lo} to {hi}): give --first \
             and --count that include them, or another --out",
            out.join(files::SEEDS).display(),
            outside.len(),
            if outside.len() == 1 { "" } else { "s" },
            args.first
        ))
        .into());
    }
    let kept: Vec<SeedOutcome> = previous;
    let to_train: Vec<u32> = seeds
        .iter()
        .copied()
        .filter(|s| !kept.iter().any(|o| o.seed == *s))
        .collect();
    if !kept.is_empty() {
        errln!(
            "keeping {} seed{} already in {} (same config); training the other {}",
            kept.len(),
            if kept.len() == 1 { "" } else { "s" },
            out.join(files::SEEDS).display(),
            to_train.len()
        );
    }
    progress::stop_on_interrupt(
        if at_once {
            "stopping: a population in training is dropped after its epoch (its seeds start \
             over next time), one being scored is finished first; seeds.csv keeps every seed \
             scored"
        } else {
            "stopping once the seeds in training finish; seeds.csv keeps every seed trained"
        },
        &format!(
            "seeds.csv in {} keeps the seeds trained until its last write (at most a second \
             old); the same command trains the rest",
            out.display()
        ),
    );
    // A test aid: stop as Ctrl-C would once this many seeds are trained.
    let stop_after: Option<usize> = std::env::var("ZOEPNET_STOP_AFTER_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok());
    let bar = progress::count_bar(to_train.len(), "seed");
    let finished = AtomicUsize::new(0);
    let start = Instant::now();
    let total = to_train.len();
    // Every seed trained so far, written to seeds.csv at most once a second.
    let so_far = Mutex::new((kept.clone(), Instant::now()));
    let write_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let studied_of = |outcomes: &[SeedOutcome]| -> Vec<SeedOutcome> {
        let mut studied: Vec<SeedOutcome> = outcomes
            .iter()
            .filter(|o| own_in_range || o.seed != own)
            .copied()
            .collect();
        studied.sort_by_key(|o| o.seed);
        studied
    };
    let trained = study(
        &plan,
        &prepared,
        &device,
        &to_train,
        &|o: &SeedOutcome| {
            if let Ok(mut so_far) = so_far.lock() {
                so_far.0.push(*o);
                if so_far.1.elapsed().as_secs_f64() >= 1.0 {
                    if let (Err(e), Ok(mut slot)) = (
                        write_csv(&out.join(files::SEEDS), &studied_of(&so_far.0)),
                        write_error.lock(),
                    ) {
                        slot.get_or_insert(e);
                    }
                    so_far.1 = Instant::now();
                }
            }
            let n = finished.fetch_add(1, Ordering::SeqCst) + 1;
            bar.inc(1);
            bar.set_message(match o.diverged {
                Some(epoch) => format!("seed {}: diverged in epoch {epoch}", o.seed),
                None => format!("seed {}: val MSE {:.3e}", o.seed, o.val_mse),
            });
            if bar.is_hidden() && (n.is_multiple_of((total / 10).max(1)) || n == total) {
                errln!(
                    "seeds: {n}/{total} trained ({:.1} s)",
                    start.elapsed().as_secs_f64()
                );
            }
        },
        &|| {
            progress::interrupted()
                || stop_after.is_some_and(|n| finished.load(Ordering::SeqCst) >= n)
        },
    )
    .map_err(|e| experiment_error(e, &args.config))?;
    bar.finish_and_clear();
    if let Some(e) = write_error.into_inner().ok().flatten() {
        return Err(e);
    }
    let seconds = start.elapsed().as_secs_f64();
    let outcomes: Vec<SeedOutcome> = kept.iter().chain(&trained).copied().collect();
    let marked = outcomes.iter().find(|o| o.seed == own).copied();
    let studied = studied_of(&outcomes);
    write_csv(&out.join(files::SEEDS), &studied)?;
    // The studied range's seeds not trained (the config's own seed, when outside, not counted).
    let missing = (args.first..=last)
        .filter(|s| !studied.iter().any(|o| o.seed == *s))
        .count();
    let earlier = studied
        .iter()
        .filter(|o| kept.iter().any(|k| k.seed == o.seed))
        .count();
    let mut summary = summary(args, &studied, marked.as_ref(), (seconds, earlier));
    if missing > 0 {
        let _ = writeln!(
            summary,
            "\nInterrupted: {missing} of the {} seeds are not trained yet; the same command \
             trains them{}.",
            args.count,
            if studied.is_empty() {
                ""
            } else {
                ", keeping these"
            }
        );
    }
    write_atomically(&out.join(files::SEEDS_SUMMARY), |f| {
        std::io::Write::write_all(f, summary.as_bytes())
    })
    .with_context(|| format!("writing {}", out.join(files::SEEDS_SUMMARY).display()))?;
    write_figure(&out, "seeds", &histograms(&studied, marked.as_ref(), 40))?;
    out!("{summary}");
    let diverged = studied.iter().filter(|o| o.diverged.is_some()).count();
    if diverged > 0 {
        errln!(
            "{diverged} of {} seeds diverged (seeds.md names them; seeds.csv gives their epoch)",
            studied.len()
        );
    }
    if missing > 0 {
        return Err(anyhow::anyhow!(
            "stopped with {} of {} seeds trained (seeds.csv, seeds.md and plots/seeds.png in {} \
             show them); run the same command again to train the other {missing}",
            studied.len(),
            args.count,
            out.display()
        ));
    }
    errln!(
        "{} seed{} trained in {seconds:.1} s; seeds.csv, seeds.md and plots/seeds.png in {}",
        trained.len(),
        if trained.len() == 1 { "" } else { "s" },
        out.display()
    );
    Ok(())
}

/// The seeds of a study of `plan`'s config already in `out` (its `seeds.csv`), or none when
/// there is none.
///
/// # Errors
/// A [`UsageError`] when `out` holds a study of another config, or a `seeds.csv` that cannot
/// be read (naming its line).
fn previous_outcomes(out: &Path, plan: &Plan) -> anyhow::Result<Vec<SeedOutcome>> {
    let csv_path = out.join(files::SEEDS);
    let config_path = out.join(files::CONFIG);
    // A folder with another config (a study, or a run folder) is never written over.
    if (config_path.is_file() || csv_path.is_file()) && !RunFolder::holds_config(out, &plan.config)
    {
        return Err(UsageError(format!(
            "{} holds {} of another config ({}): give another --out, or remove the folder to \
             start over",
            out.display(),
            if csv_path.is_file() {
                "a seed study"
            } else {
                "a run"
            },
            if config_path.is_file() {
                format!("{} differs from this one's", config_path.display())
            } else {
                "no config.toml beside its seeds.csv".to_string()
            }
        ))
        .into());
    }
    if !csv_path.is_file() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(&csv_path)
        .with_context(|| format!("reading {}", csv_path.display()))?;
    let mut outcomes = Vec::new();
    for (i, row) in reader.deserialize().enumerate() {
        let (seed, train, val, blind, last_train, last_val, diverged): (
            u32,
            f64,
            f64,
            f64,
            f64,
            f64,
            Option<usize>,
        ) = row.map_err(|e| {
            UsageError(format!(
                "{}: line {}: {e}; remove the folder to start the study over",
                csv_path.display(),
                i + 2
            ))
        })?;
        if outcomes.iter().any(|o: &SeedOutcome| o.seed == seed) {
            return Err(UsageError(format!(
                "{}: line {}: seed {seed} a second time; remove the folder to start the study \
                 over",
                csv_path.display(),
                i + 2
            ))
            .into());
        }
        outcomes.push(SeedOutcome {
            seed,
            train_mse: train,
            val_mse: val,
            blind_mse: blind,
            last_epoch_train_mse: last_train,
            last_epoch_val_mse: last_val,
            diverged,
        });
    }
    Ok(outcomes)
}

/// `seeds.csv`: seed, then every figure of [`SeedOutcome::all_figures`] (full precision), in
/// seed order.
fn write_csv(path: &Path, outcomes: &[SeedOutcome]) -> anyhow::Result<()> {
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
    .with_context(|| format!("writing {}", path.display()))
}

/// `seeds.md`: each figure's distribution, and the config's own seed's figures and rank.
/// `time` is the seconds this command trained for and how many of `outcomes` an earlier,
/// interrupted one had trained.
fn summary(
    args: &SeedsArgs,
    outcomes: &[SeedOutcome],
    marked: Option<&SeedOutcome>,
    time: (f64, usize),
) -> String {
    let (seconds, earlier) = time;
    let mut s = String::new();
    let last = args.first.saturating_add(args.count.saturating_sub(1));
    let range = if outcomes.len() < args.count as usize {
        format!(
            "Seeds {} to {last} asked, {} trained so far",
            args.first,
            outcomes.len()
        )
    } else {
        format!("Seeds {} to {last}", args.first)
    };
    let timing = if earlier == 0 {
        format!("{seconds:.1} s")
    } else {
        format!(
            "{seconds:.1} s for the {} trained by the last command ({earlier} trained before)",
            outcomes.len() - earlier
        )
    };
    let _ = writeln!(
        s,
        "# Seed study: {}, {} seed{}\n\nEach seed trains the config with `train.seed` set to it \
         (initial weights and shuffles); the data, its split and its scaler are the config's. \
         {range}; {timing}.\n",
        args.config.display(),
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" },
    );
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
    let names = [
        "train MSE, final weights",
        "val MSE, final weights",
        "blind MSE (new rocks)",
        "train MSE, last epoch (running)",
        "val MSE, last epoch (at its start)",
    ];
    for (i, name) in names.into_iter().enumerate() {
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
    if let Some(m) = marked {
        if let Some(epoch) = m.diverged {
            let _ = writeln!(s, "\nSeed {} diverged in epoch {epoch}.", m.seed);
        } else {
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
        let args = SeedsArgs {
            config: "configs/tutorial.toml".into(),
            count: 4,
            first: 0,
            out: None,
            backend: None,
            set: vec![],
            data: Default::default(),
        };
        let outcomes = [
            outcome(0, 1e-4),
            outcome(1, 3e-4),
            SeedOutcome::diverged(2, 5),
            outcome(3, 2e-4),
        ];
        let s = summary(&args, &outcomes, Some(&outcomes[3]), (1.0, 0));
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
        let s = summary(&args, &outcomes, Some(&outcomes[2]), (1.0, 0));
        assert!(s.contains(" diverged | |"), "{s}");
        assert!(s.contains("Seed 2 diverged in epoch 5."), "{s}");
    }
}
