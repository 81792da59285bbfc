//! The domain test: interfaces spread over everything a sedimentary section can put on either
//! side of a reflector, at every angle a gather records, for scoring a network where no recipe
//! was tuned. It is a seeded generator, not data: the same count and seed give the same set.
//!
//! A Latin hypercube (McKay, Beckman & Conover 1979) over seven dimensions, each cut into n
//! strata and each stratum drawn once, in a shuffled order per dimension:
//!
//! | dimension | range |
//! |---|---|
//! | Vp of each layer | 1500 to 6500 m/s (soft mud to dolomite) |
//! | Vp/Vs of each layer | 1.45 to 4.0 (cemented sand to soft shale) |
//! | density of each layer | 1900 to 2900 kg/m3 |
//! | incidence angle | 0 to 60 degrees |
//!
//! The two layers are drawn apart, so contrasts run from none to ln(6500/1500) (a factor of 4.3)
//! in Vp, and more in Vs, in both directions. Each interface falls in one [`Region`]: its
//! contrast (weak below 20 % in each of Vp, Vs and density relative to their mean, strong
//! otherwise) and where its angle lies against the P-wave critical angle asin(Vp1/Vp2) (pre,
//! within 5 degrees of it, post; pre where Vp2 <= Vp1, which has none). A weak contrast's
//! critical angle is above 55 degrees, so no weak interface is post-critical below 60.

use zoepnet_physics::{Elastic, Interface};

use crate::interfaces::InterfaceItem;
use crate::rng::NumpyRandomState;

/// Lower and upper ends of each dimension: Vp1, Vp/Vs 1, rho1, Vp2, Vp/Vs 2, rho2, theta.
const RANGES: [(f64, f64); 7] = [
    (1500.0, 6500.0),
    (1.45, 4.0),
    (1900.0, 2900.0),
    (1500.0, 6500.0),
    (1.45, 4.0),
    (1900.0, 2900.0),
    (0.0, 60.0),
];

/// How far from the critical angle an angle counts as near it, degrees.
pub const NEAR_CRITICAL: f64 = 5.0;

/// The relative contrast below which an interface is weak (in each of Vp, Vs and density).
pub const WEAK: f64 = 0.2;

/// Where an interface of the domain test lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    /// Whether every relative contrast is below [`WEAK`].
    pub weak: bool,
    /// The angle against the P-wave critical angle.
    pub critical: Critical,
}

/// An angle against the P-wave critical angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Critical {
    /// More than [`NEAR_CRITICAL`] below it, or no critical angle.
    Pre,
    /// Within [`NEAR_CRITICAL`] of it.
    Near,
    /// More than [`NEAR_CRITICAL`] past it.
    Post,
}

impl Region {
    /// The region of `interface` at `theta` degrees.
    pub fn of(interface: &Interface, theta: f64) -> Self {
        let (u, l) = (interface.upper, interface.lower);
        let contrasts =
            zoepnet_network::relative_contrasts(&[u.vp, u.vs, u.rho, l.vp, l.vs, l.rho]);
        let weak = contrasts.iter().all(|c| c.abs() < WEAK);
        let critical = if l.vp <= u.vp {
            Critical::Pre
        } else {
            let angle = (u.vp / l.vp).asin().to_degrees();
            if theta < angle - NEAR_CRITICAL {
                Critical::Pre
            } else if theta <= angle + NEAR_CRITICAL {
                Critical::Near
            } else {
                Critical::Post
            }
        };
        Self { weak, critical }
    }

    /// "weak, pre-critical" and the like.
    pub fn name(&self) -> String {
        let contrast = if self.weak { "weak" } else { "strong" };
        let angle = match self.critical {
            Critical::Pre => "pre-critical",
            Critical::Near => "near-critical",
            Critical::Post => "post-critical",
        };
        format!("{contrast}, {angle}")
    }
}

/// `[data.domain]`: training and validation interfaces drawn over the same domain as the test
/// (`data.source = "domain"`), with seeds of their own: a prior that covers the domain rather
/// than the wells' average sample. Validation uses `seed + 1`; keep both away from the test's
/// seed (`zoepnet eval --domain-seed`, 2029 by default), or the test scores the training set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainDraws {
    /// Training interfaces.
    #[serde(default = "DomainDraws::default_samples")]
    pub samples: usize,
    /// Validation interfaces.
    #[serde(default = "DomainDraws::default_validation")]
    pub validation: usize,
    /// The training draws' seed (the validation's is seed + 1).
    #[serde(default = "DomainDraws::default_seed")]
    pub seed: u32,
}

impl Default for DomainDraws {
    fn default() -> Self {
        Self {
            samples: Self::default_samples(),
            validation: Self::default_validation(),
            seed: Self::default_seed(),
        }
    }
}

impl DomainDraws {
    fn default_samples() -> usize {
        1_000_000
    }
    fn default_validation() -> usize {
        10_000
    }
    fn default_seed() -> u32 {
        1
    }

    /// The training and the validation interfaces.
    pub fn draw(&self) -> (Vec<InterfaceItem>, Vec<InterfaceItem>) {
        let items = |count, seed| draw(count, seed).into_iter().map(|(i, _)| i).collect();
        (
            items(self.samples, self.seed),
            items(self.validation, self.seed.wrapping_add(1)),
        )
    }
}

/// `count` interfaces of the domain test drawn with `seed`, each labelled with its exact Rpp
/// (real part), with its region.
pub fn draw(count: usize, seed: u32) -> Vec<(InterfaceItem, Region)> {
    let mut rng = NumpyRandomState::seed(seed);
    let columns: Vec<Vec<f64>> = RANGES
        .iter()
        .map(|&(lo, hi)| {
            let mut strata: Vec<usize> = (0..count).collect();
            rng.shuffle(&mut strata);
            strata
                .into_iter()
                .map(|k| lo + (hi - lo) * (k as f64 + rng.random()) / count as f64)
                .collect()
        })
        .collect();
    (0..count)
        .map(|i| {
            let v = |d: usize| columns[d][i];
            let layer = |at: usize| Elastic::new(v(at), v(at) / v(at + 1), v(at + 2));
            let interface = Interface::new(layer(0), layer(3));
            let theta = v(6);
            let item = InterfaceItem::labelled(&interface, theta)
                .expect("every draw is a valid interface at an angle below 90 degrees");
            (item, Region::of(&interface, theta))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Critical, draw};

    #[test]
    fn the_domain_test_covers_every_region_and_is_reproducible() {
        let set = draw(20_000, 7);
        assert_eq!(set, draw(20_000, 7));
        assert_ne!(set, draw(20_000, 8));
        // Each dimension is stratified: one draw in each of the 20 000 strata.
        let mut strata: Vec<usize> = set
            .iter()
            .map(|(item, _)| ((item.features[6] / 60.0) * 20_000.0) as usize)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..20_000).collect::<Vec<_>>());
        for weak in [true, false] {
            for critical in [Critical::Pre, Critical::Near, Critical::Post] {
                let n = set
                    .iter()
                    .filter(|(_, r)| r.weak == weak && r.critical == critical)
                    .count();
                // A weak contrast's critical angle is above 55 degrees: none past it by 5.
                if weak && critical == Critical::Post {
                    assert_eq!(n, 0);
                } else {
                    assert!(n >= 20, "{weak} {critical:?}: {n}");
                }
            }
        }
        assert!(set.iter().all(|(item, _)| item.rpp.abs() <= 1.0));
    }
}
