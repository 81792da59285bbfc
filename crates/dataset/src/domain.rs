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

/// [`RANGES`] widened by `margin` of each range's width on either side, the angle upward only
/// (it starts at normal incidence): the ranges the training draws cover when
/// [`DomainDraws::margin`] is set.
fn widened(margin: f64) -> [(f64, f64); 7] {
    std::array::from_fn(|d| {
        let (lo, hi) = RANGES[d];
        let pad = margin * (hi - lo);
        (if d == 6 { lo } else { lo - pad }, hi + pad)
    })
}

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

impl Critical {
    /// Where `theta` degrees lies against `interface`'s P-wave critical angle.
    pub fn of(interface: &Interface, theta: f64) -> Self {
        match interface.critical_angle() {
            None => Self::Pre,
            Some(angle) if theta < angle - NEAR_CRITICAL => Self::Pre,
            Some(angle) if theta <= angle + NEAR_CRITICAL => Self::Near,
            Some(_) => Self::Post,
        }
    }
}

impl Region {
    /// The region of `interface` at `theta` degrees.
    pub fn of(interface: &Interface, theta: f64) -> Self {
        let (u, l) = (interface.upper, interface.lower);
        let contrasts =
            zoepnet_network::relative_contrasts(&[u.vp, u.vs, u.rho, l.vp, l.vs, l.rho]);
        let weak = contrasts.iter().all(|c| c.abs() < WEAK);
        let critical = Critical::of(interface, theta);
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
/// than the wells' average sample. Validation uses `seed + 1`, the other draws `seed + 2` to
/// `seed + 8`; keep them all away from the test's seed (`zoepnet eval --domain-seed`, 2029 by
/// default), or the test scores the training set. The streams are NumPy's RandomState, as the
/// rock-physics prior's (`[data.rock_physics] seed`, its validation seed + 1): a domain seed
/// equal to the prior's draws both from the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
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
    /// The fraction of the draws, in [0, 1], whose angle is drawn again uniformly within
    /// [`NEAR_CRITICAL`] degrees of their P-wave critical angle (those that have one, and
    /// within the draws' angles: 0-60 degrees, wider for training with `margin`), where the
    /// exact Rpp bends: from streams of their own (seed + 2
    /// for training, seed + 3 for validation). Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub near_critical: f64,
    /// Training interfaces added to `samples`, drawn within [`NEAR_CRITICAL`] degrees of the
    /// transmitted P wave's critical angle ([`Emphasis::NearP`], seed + 6). Default 0.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub near_p_critical_draws: usize,
    /// Training interfaces added to `samples`, drawn past the transmitted P wave's critical
    /// angle ([`Emphasis::PastP`], seed + 4). Default 0.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub past_p_critical_draws: usize,
    /// Training interfaces added to `samples`, drawn past the transmitted S wave's critical
    /// angle ([`Emphasis::PastS`], seed + 5). Default 0.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub past_s_critical_draws: usize,
    /// Training interfaces added to `samples` at the transmitted P wave's cusp: the wave's
    /// cosine uniform within [`CUSP_COSINE`] of 0 ([`cusp`], seed + 7). Default 0.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub p_cusp_draws: usize,
    /// Training interfaces added to `samples` at the transmitted S wave's cusp ([`cusp`],
    /// seed + 8). Default 0.
    #[serde(default, skip_serializing_if = "is_zero_count")]
    pub s_cusp_draws: usize,
    /// The training draws' ranges (the hypercube's and the extra draws') widened by this
    /// fraction of each range's width on either side, in [0, [`DomainDraws::MAX_MARGIN`]]
    /// (the angle upward only: 0.03 draws Vp 1350-6650 m/s, Vp/Vs 1.37-4.08, density
    /// 1870-2930 kg/m3, 0-61.8 degrees), so that the domain's edges are inside what the
    /// network saw rather than where its fit ends. Validation and the domain test keep the
    /// domain. Default 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub margin: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_count(n: &usize) -> bool {
    *n == 0
}

impl Default for DomainDraws {
    fn default() -> Self {
        Self {
            samples: Self::default_samples(),
            validation: Self::default_validation(),
            seed: Self::default_seed(),
            near_critical: 0.0,
            near_p_critical_draws: 0,
            past_p_critical_draws: 0,
            past_s_critical_draws: 0,
            p_cusp_draws: 0,
            s_cusp_draws: 0,
            margin: 0.0,
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

    /// The most extra draws each of `near_p_critical_draws`, `past_p_critical_draws`,
    /// `past_s_critical_draws`, `p_cusp_draws` and `s_cusp_draws` may ask for: past the S
    /// wave's critical angle takes about 100 candidates a draw.
    pub const MAX_CONDITIONED: usize = 10_000_000;

    /// The widest [`DomainDraws::margin`]: Vp/Vs down to 1.2, still above the sqrt(4/3) below
    /// which a solid's bulk modulus is negative.
    pub const MAX_MARGIN: f64 = 0.1;

    /// The training interfaces [`DomainDraws::draw`] makes: `samples` and the extra draws.
    pub fn training_count(&self) -> usize {
        self.samples
            + self.near_p_critical_draws
            + self.past_p_critical_draws
            + self.past_s_critical_draws
            + self.p_cusp_draws
            + self.s_cusp_draws
    }

    /// The training and the validation interfaces. The extra draws near and past a critical
    /// angle ([`conditioned`]) follow the Latin hypercube's in the training set (those near
    /// first), then those at the P and the S wave's cusps ([`cusp`]); all of them over ranges
    /// widened by `margin`. Validation follows the domain test's distribution alone.
    pub fn draw(&self) -> (Vec<InterfaceItem>, Vec<InterfaceItem>) {
        let items = |count, seed: u32, ranges: &[(f64, f64); 7]| {
            let mut items: Vec<InterfaceItem> = hypercube(count, seed, ranges)
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            near_critical(
                &mut items,
                self.near_critical,
                seed.wrapping_add(2),
                ranges[6],
            );
            items
        };
        let ranges = widened(self.margin);
        let mut train = items(self.samples, self.seed, &ranges);
        for (count, seed, region) in [
            (self.near_p_critical_draws, 6, Emphasis::NearP),
            (self.past_p_critical_draws, 4, Emphasis::PastP),
            (self.past_s_critical_draws, 5, Emphasis::PastS),
        ] {
            let seed = self.seed.wrapping_add(seed);
            train.extend(conditioned_within(count, seed, region, &ranges));
        }
        for (count, seed, wave) in [
            (self.p_cusp_draws, 7, Transmitted::P),
            (self.s_cusp_draws, 8, Transmitted::S),
        ] {
            train.extend(cusp_within(
                count,
                self.seed.wrapping_add(seed),
                wave,
                &ranges,
            ));
        }
        (
            train,
            items(self.validation, self.seed.wrapping_add(1), &RANGES),
        )
    }
}

/// Draws the angle of a `fraction` of `items` again, uniformly within [`NEAR_CRITICAL`] degrees
/// of their P-wave critical angle (clipped to `angles`; items without one keep theirs), and
/// labels them again. Two numbers are drawn per item whatever happens to it, so that each item's
/// fate depends on the seed and its place only.
fn near_critical(items: &mut [InterfaceItem], fraction: f64, seed: u32, angles: (f64, f64)) {
    if fraction <= 0.0 {
        return;
    }
    let mut rng = NumpyRandomState::seed(seed);
    for item in items.iter_mut() {
        let (pick, at) = (rng.random(), rng.random());
        let interface = item.interface();
        let Some(critical) = interface.critical_angle().filter(|_| pick < fraction) else {
            continue;
        };
        let (lo, hi) = (
            (critical - NEAR_CRITICAL).max(angles.0),
            (critical + NEAR_CRITICAL).min(angles.1),
        );
        if lo < hi {
            *item = InterfaceItem::labelled(&interface, lo + at * (hi - lo))
                .expect("a drawn interface at an angle below 90 degrees");
        }
    }
}

/// A transmitted wave, whose critical angle a draw can be asked to lie past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transmitted {
    /// The transmitted P wave: critical at asin(Vp1/Vp2), where Vp2 > Vp1.
    P,
    /// The transmitted S wave: critical at asin(Vp1/Vs2), where Vs2 > Vp1.
    S,
}

impl Transmitted {
    /// The wave's critical angle at `interface` in degrees (Snell's law: sin θc = Vp1 / V2,
    /// the transmitted wave grazing the interface); `None` where the lower layer's velocity is
    /// not above Vp1.
    pub fn critical_angle(self, interface: &Interface) -> Option<f64> {
        let (vp1, vs2) = (interface.upper.vp, interface.lower.vs);
        match self {
            Self::P => interface.critical_angle(),
            Self::S => (vs2 > vp1).then(|| (vp1 / vs2).asin().to_degrees()),
        }
    }
}

/// A region of the domain where extra training draws can be asked to lie ([`conditioned`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// Within [`NEAR_CRITICAL`] degrees of the transmitted P wave's critical angle, either
    /// side (the domain test's near-critical region, [`Critical::Near`]): where the exact Rpp
    /// rises to its cusp (its slope in θ is infinite there).
    NearP,
    /// Past the transmitted P wave's critical angle: its cosine is imaginary, the exact Rpp
    /// complex (15 % of the domain).
    PastP,
    /// Past the transmitted S wave's critical angle (so past the P wave's too): both cosines
    /// are imaginary (1 % of the domain, where the network's largest errors were).
    PastS,
}

impl Emphasis {
    /// Whether `interface` at `theta` degrees lies in the region.
    pub fn holds(self, interface: &Interface, theta: f64) -> bool {
        match self {
            Self::NearP => Critical::of(interface, theta) == Critical::Near,
            Self::PastP => Transmitted::P
                .critical_angle(interface)
                .is_some_and(|c| theta > c),
            Self::PastS => Transmitted::S
                .critical_angle(interface)
                .is_some_and(|c| theta > c),
        }
    }
}

/// `count` interfaces from the domain's distribution conditioned on lying in `region`,
/// labelled: rejection sampling, each candidate drawn uniformly over the seven ranges
/// (independently, not a Latin hypercube) and kept only if in the region, so that the kept
/// ones have the domain's density restricted to it.
pub fn conditioned(count: usize, seed: u32, region: Emphasis) -> Vec<InterfaceItem> {
    conditioned_within(count, seed, region, &RANGES)
}

/// [`conditioned`] over `ranges` in place of the domain's.
fn conditioned_within(
    count: usize,
    seed: u32,
    region: Emphasis,
    ranges: &[(f64, f64); 7],
) -> Vec<InterfaceItem> {
    by_rejection(count, seed, ranges, |interface, theta, _| {
        region.holds(interface, theta).then_some(theta)
    })
}

/// `count` labelled interfaces by rejection sampling: each candidate a point drawn uniformly
/// over `ranges` (independently, not a Latin hypercube), kept at the angle `angle_of` gives
/// its interface (from the point's angle and, for draws of its own, the stream), if any.
fn by_rejection(
    count: usize,
    seed: u32,
    ranges: &[(f64, f64); 7],
    mut angle_of: impl FnMut(&Interface, f64, &mut NumpyRandomState) -> Option<f64>,
) -> Vec<InterfaceItem> {
    let mut rng = NumpyRandomState::seed(seed);
    let mut kept = Vec::with_capacity(count);
    while kept.len() < count {
        let v: [f64; 7] = std::array::from_fn(|d| {
            let (lo, hi) = ranges[d];
            lo + (hi - lo) * rng.random()
        });
        let interface = interface_of(&v);
        if let Some(theta) = angle_of(&interface, v[6], &mut rng) {
            kept.push(
                InterfaceItem::labelled(&interface, theta)
                    .expect("every draw is a valid interface at an angle below 90 degrees"),
            );
        }
    }
    kept
}

/// How close to 0 the transmitted wave's cosine of a [`cusp`] draw lies.
pub const CUSP_COSINE: f64 = 0.3;

/// `count` interfaces at `wave`'s cusp, labelled: each interface drawn uniformly over the
/// domain's ranges (rejected where the wave has no critical angle), its angle then set so that
/// the transmitted wave's cosine is uniform in [-[`CUSP_COSINE`], [`CUSP_COSINE`]] (negative:
/// the imaginary part past the critical angle), rejected past the domain's largest angle.
///
/// Uniform in the cosine rather than the angle: the exact Rpp is smooth in the cosine, which
/// grows as the square root of the angle's distance to the critical angle, so draws uniform in
/// angle lie thinly where the Rpp turns fastest. A cosine within 0.3 of 0 spans about 1 degree
/// either side of a 20-degree critical angle, and about 3.5 either side of a 53-degree one.
pub fn cusp(count: usize, seed: u32, wave: Transmitted) -> Vec<InterfaceItem> {
    cusp_within(count, seed, wave, &RANGES)
}

/// [`cusp`] over `ranges` in place of the domain's.
fn cusp_within(
    count: usize,
    seed: u32,
    wave: Transmitted,
    ranges: &[(f64, f64); 7],
) -> Vec<InterfaceItem> {
    by_rejection(count, seed, ranges, |interface, _, rng| {
        let cosine = CUSP_COSINE * (2.0 * rng.random() - 1.0);
        let critical = wave.critical_angle(interface)?;
        // sin θ / sin θc = sqrt(1 - cos²) before the critical angle, sqrt(1 + |cos|²) past it.
        let sine = critical.to_radians().sin() * (1.0 - cosine * cosine.abs()).sqrt();
        let theta = sine.asin().to_degrees();
        (sine < 1.0 && (ranges[6].0..=ranges[6].1).contains(&theta)).then_some(theta)
    })
}

/// The interface of a point `v` of the seven dimensions ([`RANGES`]: Vp, Vp/Vs and density
/// of each layer; the angle, `v[6]`, is not the interface's).
fn interface_of(v: &[f64; 7]) -> Interface {
    let layer = |at: usize| Elastic::new(v[at], v[at] / v[at + 1], v[at + 2]);
    Interface::new(layer(0), layer(3))
}

/// `count` interfaces of the domain test drawn with `seed`, each labelled with its exact Rpp
/// (real part), with its region.
pub fn draw(count: usize, seed: u32) -> Vec<(InterfaceItem, Region)> {
    hypercube(count, seed, &RANGES)
}

/// [`draw`] over `ranges` in place of the domain's.
fn hypercube(count: usize, seed: u32, ranges: &[(f64, f64); 7]) -> Vec<(InterfaceItem, Region)> {
    let mut rng = NumpyRandomState::seed(seed);
    let columns: Vec<Vec<f64>> = ranges
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
            let v: [f64; 7] = std::array::from_fn(|d| columns[d][i]);
            let interface = interface_of(&v);
            let theta = v[6];
            let item = InterfaceItem::labelled(&interface, theta)
                .expect("every draw is a valid interface at an angle below 90 degrees");
            (item, Region::of(&interface, theta))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{
        CUSP_COSINE, Critical, DomainDraws, Emphasis, NEAR_CRITICAL, Transmitted, conditioned,
        cusp, draw,
    };

    #[test]
    fn draws_near_or_past_a_critical_angle_lie_there_and_train_only() {
        let (p, s, near) = (
            conditioned(3000, 9, Emphasis::PastP),
            conditioned(500, 9, Emphasis::PastS),
            conditioned(500, 9, Emphasis::NearP),
        );
        let past = |items: &[crate::interfaces::InterfaceItem], wave: Transmitted| {
            items
                .iter()
                .filter(|i| {
                    wave.critical_angle(&i.interface())
                        .is_some_and(|c| i.features[6] > c)
                })
                .count()
        };
        assert_eq!((p.len(), past(&p, Transmitted::P)), (3000, 3000));
        assert_eq!((s.len(), past(&s, Transmitted::S)), (500, 500));
        // Past the S wave's critical angle is past the P wave's (Vp2 > Vs2).
        assert_eq!(past(&s, Transmitted::P), 500);
        // Near: either side of the P wave's angle, within 5 degrees.
        let near_past = past(&near, Transmitted::P);
        assert!((150..350).contains(&near_past), "{near_past}");
        assert!(
            near.iter()
                .all(|i| Emphasis::NearP.holds(&i.interface(), i.features[6]))
        );
        // Conditioned, not pinned: some of the P draws are short of the S wave's angle, and
        // their angles spread over the range past the P wave's (most critical angles are
        // 15-60 degrees).
        assert!(
            past(&p, Transmitted::S) < 600,
            "{}",
            past(&p, Transmitted::S)
        );
        let mean = p.iter().map(|i| i.features[6]).sum::<f64>() / 3000.0;
        assert!((40.0..55.0).contains(&mean), "{mean}");
    }

    #[test]
    fn cusp_draws_put_the_transmitted_cosine_near_zero() {
        for (wave, velocity) in [(Transmitted::P, 3), (Transmitted::S, 4)] {
            let items = cusp(400, 5, wave);
            assert_eq!(items.len(), 400);
            // The cosine's modulus, sqrt(|1 - (sin θ V2 / Vp1)²|), real before the critical
            // angle and imaginary past it: within CUSP_COSINE, on both sides.
            let cosines: Vec<f64> = items
                .iter()
                .map(|i| {
                    let f = i.features;
                    let x = f[6].to_radians().sin() * f[velocity] / f[0];
                    (1.0 - x * x).signum() * (1.0 - x * x).abs().sqrt()
                })
                .collect();
            assert!(cosines.iter().all(|c| c.abs() <= CUSP_COSINE + 1e-9));
            let past = cosines.iter().filter(|&&c| c < 0.0).count();
            assert!((120..280).contains(&past), "{wave:?}: {past} past");
            assert!(items.iter().all(|i| i.features[6] <= 60.0));
        }
    }

    #[test]
    fn a_margin_widens_the_training_draws_only() {
        let plain = DomainDraws {
            samples: 2000,
            validation: 100,
            past_p_critical_draws: 500,
            ..DomainDraws::default()
        };
        let wide = DomainDraws {
            margin: 0.05,
            p_cusp_draws: 500,
            ..plain
        };
        let ((t0, v0), (t1, v1)) = (plain.draw(), wide.draw());
        assert_eq!((v0, t1.len()), (v1, 3000));
        let outside = |items: &[crate::interfaces::InterfaceItem]| {
            items
                .iter()
                .filter(|i| {
                    let f = i.features;
                    let vp_vs = f[0] / f[1];
                    f[0] < 1500.0 || f[0] > 6500.0 || vp_vs < 1.45 || f[2] > 2900.0 || f[6] > 60.0
                })
                .count()
        };
        // Each of the five checks is a band of 5 % of a range's width beyond its end: 4.5 % of
        // the draws each (4.8 % for the angle, widened upward only).
        assert_eq!(outside(&t0), 0);
        let share = outside(&t1[..2000]) as f64 / 2000.0;
        assert!((0.15..0.30).contains(&share), "{share}");
        // The extra draws too: past the P wave's critical angle and at its cusp.
        for extra in [&t1[2000..2500], &t1[2500..]] {
            assert!(outside(extra) > 25, "{}", outside(extra));
        }
        let widest = t1.iter().map(|i| i.features[6]).fold(0.0, f64::max);
        assert!((60.0..=63.0).contains(&widest), "{widest}");
    }

    #[test]
    fn critical_angles_are_snells() {
        let at = |vp2: f64, vs2: f64| {
            zoepnet_physics::Interface::new(
                zoepnet_physics::Elastic::new(2000.0, 1000.0, 2200.0),
                zoepnet_physics::Elastic::new(vp2, vs2, 2400.0),
            )
        };
        // sin θc = Vp1 / V2: 2000 over 4000 m/s is 30 degrees, over 2500 m/s 53.13.
        let c = Transmitted::P.critical_angle(&at(4000.0, 2500.0)).unwrap();
        assert!((c - 30.0).abs() < 1e-12, "{c}");
        let c = Transmitted::S.critical_angle(&at(4000.0, 2500.0)).unwrap();
        assert!((c - 0.8_f64.asin().to_degrees()).abs() < 1e-12, "{c}");
        assert_eq!(Transmitted::S.critical_angle(&at(4000.0, 1900.0)), None);
        assert_eq!(Transmitted::P.critical_angle(&at(1900.0, 1000.0)), None);
    }

    #[test]
    fn the_extra_draws_are_training_draws_after_the_hypercubes() {
        let plain = DomainDraws {
            samples: 100,
            validation: 50,
            ..DomainDraws::default()
        };
        let more = DomainDraws {
            near_p_critical_draws: 10,
            past_p_critical_draws: 30,
            past_s_critical_draws: 20,
            ..plain
        };
        let ((t0, v0), (t1, v1)) = (plain.draw(), more.draw());
        assert_eq!((t1.len(), more.training_count(), v1), (160, 160, v0));
        assert_eq!(t1[..100], t0[..]);
        let in_region = |items: &[crate::interfaces::InterfaceItem], r: Emphasis| {
            items.iter().all(|i| r.holds(&i.interface(), i.features[6]))
        };
        assert!(in_region(&t1[100..110], Emphasis::NearP));
        assert!(in_region(&t1[110..140], Emphasis::PastP));
        assert!(in_region(&t1[140..], Emphasis::PastS));
        // A config without them is written without them.
        let written = toml::to_string(&plain).expect("TOML");
        assert!(!written.contains("critical"), "{written}");
        assert!(
            toml::to_string(&more)
                .expect("TOML")
                .contains("past_s_critical_draws = 20")
        );
    }

    #[test]
    fn a_fraction_of_the_draws_moves_near_its_critical_angle() {
        let d = DomainDraws {
            samples: 4000,
            validation: 10,
            seed: 3,
            near_critical: 0.5,
            ..DomainDraws::default()
        };
        let plain = DomainDraws {
            near_critical: 0.0,
            ..d
        };
        let (moved, _) = d.draw();
        let (kept, _) = plain.draw();
        let near = |items: &[crate::interfaces::InterfaceItem]| {
            items
                .iter()
                .filter(|i| {
                    let f = i.features;
                    f[3] > f[0] && (f[6] - (f[0] / f[3]).asin().to_degrees()).abs() <= NEAR_CRITICAL
                })
                .count()
        };
        // The same interfaces; about half of those with a critical angle now near it.
        assert!(
            moved
                .iter()
                .zip(&kept)
                .all(|(a, b)| a.features[..6] == b.features[..6])
        );
        let (before, after) = (near(&kept), near(&moved));
        assert!(after > before + 500, "{before} -> {after}");
        let relabelled = moved.iter().all(|i| {
            zoepnet_physics::rpp(&i.interface(), i.features[6])
                .expect("valid")
                .re
                == i.rpp
        });
        assert!(relabelled);
        assert_eq!(d.draw().0, moved, "reproducible");
    }

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
