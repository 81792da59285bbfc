//! A seed study: one experiment trained with many seeds of its initial weights and shuffles
//! (`train.seed`; the data, its split and its scaler kept), the distribution of its final
//! figures, and where one seed's figures fall in it (is the tutorial's published
//! result typical of its network, or a lucky draw?).
//!
//! [`study`] trains the seeds on every core (one training per thread; each is the run
//! `zoepnet train --set train.seed=S` would make, to the last bit, tested), or, where one
//! seed at a time would mean the tensor engine (wgpu), at once on the population engine, [`Distribution`]
//! summarises a figure over them, and [`histograms`] draws them.

use std::ops::ControlFlow;

use burn::tensor::Device;
use rayon::prelude::*;
use serde::Serialize;
use zoepnet_dataset::Prepared;
use zoepnet_plot::{Figure, Panel, Series, Style};

use crate::evaluate::score;
use crate::experiment::ExperimentError;
use crate::plan::{EngineKind, Plan};
use crate::population::{PopulationEngine, train_population_until};
use crate::train::{TrainError, Trained, train};

/// The threads [`study`] trains on (`RAYON_NUM_THREADS`, or one per core).
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// One seed's final figures (MSE of the trained network, as `summary.json` gives them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeedOutcome {
    /// `train.seed`: the initial weights' and the shuffles' seed.
    pub seed: u32,
    /// MSE on the training set.
    pub train_mse: f64,
    /// MSE on the validation set.
    pub val_mse: f64,
    /// MSE on the "new rocks" blind set.
    pub blind_mse: f64,
    /// The last epoch's running training MSE (the tutorial's published "train" figure).
    pub last_epoch_train_mse: f64,
    /// The validation MSE at the start of the last epoch (the tutorial's published figure).
    pub last_epoch_val_mse: f64,
    /// The epoch in which it diverged, if it did ([`DIVERGED_ABOVE`]): its figures are then
    /// NaN, and no distribution counts it.
    pub diverged: Option<usize>,
}

impl SeedOutcome {
    /// A seed that diverged in `epoch`: every figure NaN.
    pub fn diverged(seed: u32, epoch: usize) -> Self {
        Self {
            seed,
            train_mse: f64::NAN,
            val_mse: f64::NAN,
            blind_mse: f64::NAN,
            last_epoch_train_mse: f64::NAN,
            last_epoch_val_mse: f64::NAN,
            diverged: Some(epoch),
        }
    }

    /// The names of [`SeedOutcome::all_figures`], in order (the CSV's columns after `seed`).
    pub const NAMES: [&'static str; 5] = [
        "train_mse",
        "val_mse",
        "blind_mse",
        "last_epoch_train_mse",
        "last_epoch_val_mse",
    ];

    /// The final weights' three figures (train, validation, blind), named as in the CSV.
    pub fn figures(&self) -> [(&'static str, f64); 3] {
        [
            ("train_mse", self.train_mse),
            ("val_mse", self.val_mse),
            ("blind_mse", self.blind_mse),
        ]
    }

    /// Every figure, named as in the CSV: the final weights' three, then the last epoch's two.
    pub fn all_figures(&self) -> [(&'static str, f64); 5] {
        let [t, v, b] = self.figures();
        [
            t,
            v,
            b,
            ("last_epoch_train_mse", self.last_epoch_train_mse),
            ("last_epoch_val_mse", self.last_epoch_val_mse),
        ]
    }
}

/// Trains `plan` once per seed in `seeds` (its `train.seed` replaced; everything else, the
/// data included, as it is), in parallel over the seeds, and scores each trained network.
/// `done` is called after each seed (from the thread that trained it). Outcomes come back in
/// the order of `seeds`, whatever the number of threads.
///
/// A seed that diverges ([`DIVERGED_ABOVE`]) is an outcome too ([`SeedOutcome::diverged`]): the
/// others train on.
///
/// Once `stop` returns true no seed starts: the seeds in training finish (one by one), or are
/// dropped (a population, which stops after its epoch), and the outcomes of the seeds trained
/// so far come back, still in the order of `seeds` (some missing).
///
/// # Errors
/// The first seed's training or scoring error other than diverging.
pub fn study(
    plan: &Plan,
    prepared: &Prepared,
    device: &Device,
    seeds: &[u32],
    done: &(dyn Fn(&SeedOutcome) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Vec<SeedOutcome>, ExperimentError> {
    let plans = seed_plans(plan, seeds.iter().copied());
    if plans.is_empty() {
        return Ok(Vec::new());
    }
    if at_once(&plans) {
        let mut outcomes = Vec::with_capacity(plans.len());
        for chunk in plans.chunks(POPULATION) {
            if stop() {
                break;
            }
            let trained = match train_population_until(
                chunk,
                prepared,
                device,
                PopulationEngine::Auto,
                DIVERGED_ABOVE,
                &mut |_, _| {
                    if stop() {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                },
            ) {
                Err(TrainError::Stopped { .. }) => break,
                other => other?,
            };
            for (plan, trained) in chunk.iter().zip(trained) {
                let outcome = outcome_of(plan.seed, trained, prepared, device)?;
                done(&outcome);
                outcomes.push(outcome);
            }
        }
        return Ok(outcomes);
    }
    let outcomes: Vec<Option<SeedOutcome>> = plans
        .par_iter()
        .map(|plan| {
            if stop() {
                return Ok(None);
            }
            // Stopped in the first epoch past the bound: diverged there.
            let trained = match train(plan, prepared, device, None, &mut |row, _, _| {
                if past(row.train_mse) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            }) {
                Err(TrainError::Stopped { epoch }) => Err(TrainError::Diverged {
                    epoch,
                    value: f64::NAN,
                }),
                other => other,
            };
            let outcome = outcome_of(plan.seed, trained, prepared, device)?;
            done(&outcome);
            Ok(Some(outcome))
        })
        .collect::<Result<_, ExperimentError>>()?;
    Ok(outcomes.into_iter().flatten().collect())
}

/// The most seeds [`study`] trains at once on the population engine.
pub const POPULATION: usize = 1024;

/// `plan` once per seed of `seeds`, its `train.seed` replaced.
fn seed_plans(plan: &Plan, seeds: impl Iterator<Item = u32>) -> Vec<Plan> {
    seeds
        .map(|seed| {
            let mut plan = plan.clone();
            plan.seed = seed;
            plan.config.train.seed = seed;
            plan
        })
        .collect()
}

/// Whether [`study`] trains `plans` at once, a population of at most [`POPULATION`] seeds at
/// a time: where a sweep would ([`crate::experiment::population_by_default`]).
fn at_once(plans: &[Plan]) -> bool {
    crate::experiment::population_by_default(&plans[..plans.len().min(POPULATION)])
        .is_ok_and(|yes| yes)
}

/// The engine [`study`] trains `count` seeds of `plan` on, on `device`.
pub fn engine(plan: &Plan, device: &Device, count: usize) -> EngineKind {
    if at_once(&seed_plans(plan, 0..count.min(POPULATION) as u32)) {
        PopulationEngine::Auto
            .resolve(device)
            .unwrap_or(EngineKind::Population)
    } else {
        plan.procedure.engine()
    }
}

/// The MSE above which a seed counts as diverged, as one whose loss became NaN or infinite:
/// 1, the square of the largest |Rpp|, so worse than predicting 0 for every interface. A run
/// past it has not converged to anything (seen: 1e48 to 1e302 in f64, where the same seed in
/// f32 on the kernel overflows to NaN); counted, one such seed would make the mean and the
/// upper percentiles meaningless.
pub const DIVERGED_ABOVE: f64 = 1.0;

/// Whether `mse` is past [`DIVERGED_ABOVE`] (or NaN).
fn past(mse: f64) -> bool {
    mse.is_nan() || mse > DIVERGED_ABOVE
}

/// A seed's figures: its trained network's, or NaN where it diverged ([`DIVERGED_ABOVE`]).
fn outcome_of(
    seed: u32,
    trained: Result<Trained, TrainError>,
    prepared: &Prepared,
    device: &Device,
) -> Result<SeedOutcome, ExperimentError> {
    let trained = match trained {
        Ok(trained) => trained,
        Err(TrainError::Diverged { epoch, .. }) => return Ok(SeedOutcome::diverged(seed, epoch)),
        Err(e) => return Err(e.into()),
    };
    // (Training stopped in the first epoch past the bound, on every engine: `study`.)
    let scores = score(&trained.model, prepared, device)?;
    let last = trained.metrics.last();
    if [scores.train_mse, scores.val_mse, scores.blind_mse]
        .into_iter()
        .any(past)
    {
        return Ok(SeedOutcome::diverged(seed, last.map_or(0, |m| m.epoch)));
    }
    Ok(SeedOutcome {
        seed,
        train_mse: scores.train_mse,
        val_mse: scores.val_mse,
        blind_mse: scores.blind_mse,
        last_epoch_train_mse: last.map_or(f64::NAN, |m| m.train_mse),
        last_epoch_val_mse: last.map_or(f64::NAN, |m| m.val_mse),
        diverged: None,
    })
}

/// A figure's distribution over the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    /// Seeds counted (those with a finite figure).
    pub count: usize,
    /// Smallest.
    pub min: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Largest.
    pub max: f64,
    /// Mean.
    pub mean: f64,
}

impl Distribution {
    /// Of the finite `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        // The percentile by linear interpolation between order statistics (NumPy's default).
        let q = |p: f64| {
            let h = p * (v.len() - 1) as f64;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        };
        Some(Self {
            count: v.len(),
            min: v[0],
            p05: q(0.05),
            p25: q(0.25),
            median: q(0.5),
            p75: q(0.75),
            p95: q(0.95),
            max: v[v.len() - 1],
            mean: v.iter().sum::<f64>() / v.len() as f64,
        })
    }
}

/// The share of the finite `values` at or below `x`, in percent: where `x` falls among them
/// (0: below all, 100: at or above all).
pub(crate) fn percentile_rank(values: &[f64], x: f64) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return f64::NAN;
    }
    100.0 * finite.iter().filter(|&&v| v <= x).count() as f64 / finite.len() as f64
}

/// Histograms of the three figures over `outcomes` (`bins` equal bins of log10 MSE, which
/// spreads the long right tail), one panel each, with `marked`'s figures as vertical lines.
pub fn histograms(outcomes: &[SeedOutcome], marked: Option<&SeedOutcome>, bins: usize) -> Figure {
    let bins = bins.max(1);
    let panels = ["training", "validation", "blind (new rocks)"]
        .into_iter()
        .enumerate()
        .map(|(i, title)| {
            let logs: Vec<f64> = outcomes
                .iter()
                .map(|o| o.figures()[i].1)
                .filter(|v| v.is_finite() && *v > 0.0)
                .map(f64::log10)
                .collect();
            let lo = logs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            // One value (or all equal): a bin 0.1 wide around it.
            let (lo, hi) = if hi > lo {
                (lo, hi)
            } else {
                (lo - 0.05, lo + 0.05)
            };
            let width = (hi - lo) / bins as f64;
            let mut counts = vec![0usize; bins];
            for v in &logs {
                let b = (((v - lo) / width) as usize).min(bins - 1);
                counts[b] += 1;
            }
            // A step outline: up and across each bin, back to 0 after the last.
            let mut steps = Vec::with_capacity(2 * bins + 4);
            for (b, &c) in counts.iter().enumerate() {
                let left = lo + b as f64 * width;
                steps.push((left, c as f64));
                steps.push((left + width, c as f64));
            }
            // Down to 0 at both ends, then half a bin of nothing, so that the first and last
            // bars stand clear of the frame.
            if let (Some(&(x0, _)), Some(&(x1, _))) = (steps.first(), steps.last()) {
                steps.splice(0..0, [(x0 - width / 2.0, 0.0), (x0, 0.0)]);
                steps.extend([(x1, 0.0), (x1 + width / 2.0, 0.0)]);
            }
            let top = counts.iter().copied().max().unwrap_or(0) as f64;
            let gone = outcomes.iter().filter(|o| o.diverged.is_some()).count();
            let label = match (logs.len(), gone) {
                (1, 0) => "1 seed".to_string(),
                (n, 0) => format!("{n} seeds"),
                (n, d) => format!("{n} seeds ({d} diverged, not shown)"),
            };
            let mut panel = Panel::new(title, "log10 MSE", "seeds")
                .count_y()
                .x_margin(0.03)
                .with(Series::new(label, steps, Style::Line, 0));
            if let Some(m) = marked {
                let v = m.figures()[i].1;
                if v.is_finite() && v > 0.0 {
                    panel = panel.with(Series::new(
                        format!("seed {}", m.seed),
                        vec![(v.log10(), 0.0), (v.log10(), top)],
                        Style::Dashed,
                        3,
                    ));
                }
            }
            panel
        })
        .collect();
    Figure::row(panels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_as_numpy_does() {
        // np.percentile([1, 2, 3, 4, 10], [5, 25, 50, 75, 95]) = 1.2, 2, 3, 4, 8.8
        let d = Distribution::of(&[4.0, 1.0, 10.0, 3.0, 2.0, f64::NAN]).expect("values");
        assert_eq!(d.count, 5);
        assert!((d.p05 - 1.2).abs() < 1e-12, "{d:?}");
        assert_eq!((d.p25, d.median, d.p75), (2.0, 3.0, 4.0));
        assert!((d.p95 - 8.8).abs() < 1e-12, "{d:?}");
        assert_eq!((d.min, d.max, d.mean), (1.0, 10.0, 4.0));
        assert_eq!(Distribution::of(&[f64::NAN]), None);
        assert_eq!(percentile_rank(&[1.0, 2.0, 3.0, 4.0], 2.0), 50.0);
        assert_eq!(percentile_rank(&[1.0, 2.0, 3.0, 4.0], 0.5), 0.0);
    }

    #[test]
    fn a_seed_diverges_past_an_mse_of_one() {
        for mse in [1e-2, 1e-3, 9e-4, 1.0] {
            assert!(!past(mse), "{mse}");
        }
        for mse in [1.5, 1e48, f64::NAN, f64::INFINITY] {
            assert!(past(mse), "{mse}");
        }
    }

    #[test]
    fn histograms_count_every_seed_and_mark_one() {
        let outcomes: Vec<SeedOutcome> = (0..100)
            .map(|s| SeedOutcome {
                seed: s,
                train_mse: 1e-4 * (1.0 + f64::from(s) / 100.0),
                val_mse: 2e-4,
                blind_mse: 3e-4 * (1.0 + f64::from(s % 7)),
                last_epoch_train_mse: 1e-4,
                last_epoch_val_mse: 2e-4,
                diverged: None,
            })
            .collect();
        let figure = histograms(&outcomes, outcomes.get(42), 10);
        assert_eq!(figure.panels.len(), 3);
        for panel in &figure.panels {
            // The outline's heights sum (each bin counted on its two corners) to twice the seeds.
            let total: f64 = panel.series[0].points.iter().map(|p| p.1).sum();
            assert_eq!(total, 200.0, "{}", panel.title);
            assert_eq!(panel.series[1].label, "seed 42");
        }
    }
}
