//! A trained run scored on the domain test ([`zoepnet_dataset::domain`]): interfaces over the
//! whole of what sediments give, at 0 to 60 degrees, that no recipe is tuned on. The network's
//! RMS and largest error per region, beside Aki-Richards' on the rows where it is defined.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use zoepnet_dataset::domain::{self, Region};

use crate::evaluate::EvaluateError;
use crate::trained::TrainedRun;

/// RMS and largest absolute error over some rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Errors {
    /// Rows.
    pub rows: usize,
    /// Root mean square error.
    pub rms: f64,
    /// Largest absolute error.
    pub max: f64,
}

impl Errors {
    fn of(errors: impl Iterator<Item = f64>) -> Option<Self> {
        let (mut rows, mut squares, mut max) = (0, 0.0, 0.0f64);
        for e in errors {
            rows += 1;
            squares += e * e;
            max = max.max(e.abs());
        }
        (rows > 0).then(|| Self {
            rows,
            rms: (squares / rows as f64).sqrt(),
            max,
        })
    }
}

/// One region's scores (or all rows', `region` None).
#[derive(Debug, Clone, PartialEq)]
pub struct RegionScores {
    /// The region, or None for every row.
    pub region: Option<Region>,
    /// The network's errors.
    pub network: Errors,
    /// Aki-Richards' on the rows where it is defined (none where it is nowhere).
    pub aki_richards: Option<Errors>,
}

/// A run's scores on the domain test.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainScores {
    /// Interfaces drawn.
    pub count: usize,
    /// Their seed.
    pub seed: u32,
    /// Every row first, then each region that has rows.
    pub rows: Vec<RegionScores>,
}

/// Scores `run` on `count` interfaces of the domain test drawn with `seed`.
///
/// # Errors
/// The network's outputs not read back.
pub fn score(run: &TrainedRun, count: usize, seed: u32) -> Result<DomainScores, EvaluateError> {
    let set = domain::draw(count, seed);
    let items: Vec<_> = set.iter().map(|(item, _)| *item).collect();
    let predicted = run.predict(&items)?;
    // Per row: region, network error, Aki-Richards' error where defined.
    let rows: Vec<(Region, f64, Option<f64>)> = set
        .iter()
        .zip(&predicted)
        .map(|((item, region), p)| {
            let ar = zoepnet_physics::aki_richards(&item.interface(), item.features[6]).ok();
            (*region, p - item.rpp, ar.map(|a| a - item.rpp))
        })
        .collect();
    let scores = |keep: &dyn Fn(&Region) -> bool| {
        let of = rows.iter().filter(|(r, ..)| keep(r));
        Some((
            Errors::of(of.clone().map(|(_, n, _)| *n))?,
            Errors::of(of.filter_map(|(_, _, a)| *a)),
        ))
    };
    let mut out = Vec::new();
    if let Some((network, aki_richards)) = scores(&|_| true) {
        out.push(RegionScores {
            region: None,
            network,
            aki_richards,
        });
    }
    let regions: BTreeSet<Region> = rows.iter().map(|(r, ..)| *r).collect();
    for region in &regions {
        if let Some((network, aki_richards)) = scores(&|r| r == region) {
            out.push(RegionScores {
                region: Some(*region),
                network,
                aki_richards,
            });
        }
    }
    Ok(DomainScores {
        count,
        seed,
        rows: out,
    })
}

impl DomainScores {
    /// The scores as a Markdown table.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| region | rows | network RMS | network max abs | Aki-Richards rows | Aki-Richards RMS | Aki-Richards max abs |\n\
             |---|---:|---:|---:|---:|---:|---:|\n",
        );
        for row in &self.rows {
            let name = row.region.map_or("all".to_owned(), |r| r.name());
            let n = row.network;
            let ar = row.aki_richards.map_or("0 | - | -".to_owned(), |a| {
                format!("{} | {:.3e} | {:.3e}", a.rows, a.rms, a.max)
            });
            let _ = writeln!(
                out,
                "| {name} | {} | {:.3e} | {:.3e} | {ar} |",
                n.rows, n.rms, n.max
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Errors;

    #[test]
    fn errors_are_rms_and_largest() {
        let e = Errors::of([3.0, -4.0].into_iter()).expect("rows");
        assert_eq!((e.rows, e.max), (2, 4.0));
        assert!((e.rms - (12.5f64).sqrt()).abs() < 1e-15);
        assert_eq!(Errors::of(std::iter::empty()), None);
    }
}
