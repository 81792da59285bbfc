//! Labelled interfaces drawn from a rock-physics prior instead of one well: as many as wanted,
//! generated on the fly, seeded and reproducible bit for bit.
//!
//! One sample, every value in m/s, kg/m3 and degrees (`n` a standard normal draw, `u` a
//! uniform one on [0, 1), both from [`NumpyRandomState`], in this order):
//!
//! 1. upper-layer P velocity, uniform (not log-uniform: the network's inputs are standardised
//!    linearly, so a uniform Vp covers its input range evenly, and a log-uniform one would
//!    crowd the soft rocks where the mudrock line leaves the Vp/Vs range):
//!    `vp1 = vp_min + (vp_max − vp_min) u`;
//! 2. upper-layer S velocity from Castagna's mudrock line with log-normal scatter, clamped to
//!    the Vp/Vs range: `vs1 = clamp(castagna(vp1) exp(vs_scatter n), vp1 / vpvs_max,
//!    vp1 / vpvs_min)`, where [`castagna`]`(vp) = 0.8621 vp − 1172.4` m/s (Castagna, Batzle &
//!    Eastwood 1985, "Relationships between compressional-wave and shear-wave velocities in
//!    clastic silicate rocks", Geophysics 50(4), 571-581);
//! 3. upper-layer density from Gardner's relation with log-normal scatter:
//!    `rho1 = gardner(vp1) exp(rho_scatter n)`, where [`gardner`]`(vp) = 310 vp^0.25` kg/m3
//!    (Gardner, Gardner & Gregory 1974, "Formation velocity and density: the diagnostic basics
//!    for stratigraphic traps", Geophysics 39(6), 770-780);
//! 4. the log contrasts `c = (ln vp2/vp1, ln vs2/vs1, ln rho2/rho1)`:
//!    `c = contrast_mean + contrast_scale · diag(contrast_std) · L · y`, where `L` is the
//!    Cholesky factor of `contrast_corr` (`L Lᵀ = contrast_corr`) and `y` three standard normals,
//!    divided, for the Student-t, by `sqrt(w / (nu − 2))` with `w` a chi-square draw of `nu =
//!    contrast_dof` degrees of freedom (Marsaglia & Tsang 2000, "A simple method for generating
//!    gamma variables", ACM TOMS 26(3), 363-372): a multivariate Student-t whose covariance is
//!    `diag(std) corr diag(std)` for any nu > 2 (Kotz & Nadarajah 2004, "Multivariate t
//!    distributions and their applications", ch. 1), so `contrast_std` means the same under
//!    either distribution. Or, with probability `wide_fraction` (a `u` drawn first, only when
//!    `wide_fraction` > 0), a wide draw: `c = wide_contrast · u · y / |y|`, a direction uniform
//!    on the sphere (Muller 1959, "A note on a method for generating points uniformly on
//!    n-dimensional spheres", Comm. ACM 2(4)) and a size uniform in [0, `wide_contrast`). Logs
//!    hold a few steps far out in the fitted tails (R-39's 39 % drop of Vp and Vs in one
//!    sample, 15_9-F-4's 57 % jump of Vs alone: washed-out hole and cycle skips), and such a step
//!    can carry most of a well's squared error; the wide draws put every direction and size of
//!    contrast up to `wide_contrast` in the training data; with `wide_critical_margin` set, a
//!    wide draw is rejected (at step 6) when its angle is past, or within that many degrees of,
//!    the P-wave critical angle asin(vp1/vp2) (where vp2 > vp1);
//! 5. the lower layer: `vp2 = vp1 exp(c0)`, `vs2 = vs1 exp(c1)`, `rho2 = rho1 exp(c2)`;
//! 6. the angle, uniform: `theta = theta_min + (theta_max − theta_min) u` degrees;
//! 7. the label: the real part of the exact Zoeppritz Rpp ([`InterfaceItem::labelled`]).
//!
//! A sample is rejected, and a whole new one drawn, when the lower layer's Vp/Vs leaves
//! [`vpvs_min`, `vpvs_max`], a wide draw comes too near the critical angle (above), or the
//! physics refuses it (a non-finite or non-positive value);
//! [`RockPhysicsSampler::rejected`] counts them. The lower layer's Vp is not held to
//! [`vp_min`, `vp_max`]: that range is the upper layer's prior, and the lower layer goes past it
//! by its contrast only, so the contrasts keep the distribution fitted to the logs.
//!
//! The contrast defaults were fitted to real logs by `scripts/fit-contrasts.py`: see
//! [`RockPhysicsConfig`].
//!
//! [`vpvs_min`, `vpvs_max`]: RockPhysicsConfig::vpvs_min
//! [`vp_min`, `vp_max`]: RockPhysicsConfig::vp_min

use serde::{Deserialize, Serialize};
use zoepnet_physics::{Elastic, Interface};

use crate::config::{ConfigError, angle_range};
use crate::interfaces::InterfaceItem;
use crate::rng::NumpyRandomState;

/// The prefix of the keys named by [`RockPhysicsConfig::validate`].
const KEY_PREFIX: &str = "data.rock_physics";

/// Castagna's mudrock line: the S-wave velocity (m/s) of a water-saturated clastic rock with
/// P-wave velocity `vp` (m/s), `0.8621 vp − 1172.4` (Castagna, Batzle & Eastwood 1985,
/// Geophysics 50(4), eq. 1). Negative below 1360 m/s, where the line does not apply.
pub fn castagna(vp: f64) -> f64 {
    0.8621 * vp - 1172.4
}

/// Gardner's relation: the bulk density (kg/m3) of a sedimentary rock with P-wave velocity `vp`
/// (m/s), `310 vp^0.25` (Gardner, Gardner & Gregory 1974, Geophysics 39(6); 0.31 g/cm3 with vp
/// in m/s, as 0.23 with vp in ft/s).
pub fn gardner(vp: f64) -> f64 {
    310.0 * vp.sqrt().sqrt()
}

/// The distribution of the log contrasts across an interface.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContrastDistribution {
    /// Multivariate Student-t with `contrast_dof` degrees of freedom (heavy tails, as the logs).
    #[default]
    StudentT,
    /// Multivariate normal (`contrast_dof` unused).
    Normal,
}

/// The rock-physics prior. Keys it does not know are refused when it is deserialised; values
/// are checked by [`RockPhysicsConfig::validate`], which names the offending key. Velocities in
/// m/s, densities in kg/m3, angles in degrees, contrasts as natural logarithms of ratios
/// (lower over upper), each in the order Vp, Vs, rho.
///
/// | key | default | range |
/// |---|---|---|
/// | `samples` | 1 000 000 | >= 1 |
/// | `validation` | 10 000 | >= 1 |
/// | `seed` | 42 | 0 to 2^32 − 1 |
/// | `vp_min` | 1500 | > 0 m/s |
/// | `vp_max` | 6500 | > vp_min m/s |
/// | `vs_scatter` | 0.10 | >= 0 (std of ln Vs about Castagna's line) |
/// | `vpvs_min` | 1.45 | > √(4/3) |
/// | `vpvs_max` | 4.0 | > vpvs_min |
/// | `rho_scatter` | 0.06 | >= 0 (std of ln rho about Gardner's relation) |
/// | `contrast_distribution` | `"student-t"` | `student-t`, `normal` |
/// | `contrast_dof` | 5 | > 2 |
/// | `contrast_mean` | [−2.04e-4, 1.8e-5, 1.22e-4] | finite |
/// | `contrast_std` | [0.0489, 0.0477, 0.0227] | >= 0 |
/// | `contrast_corr` | see below | symmetric, unit diagonal, positive definite |
/// | `contrast_scale` | 1 | > 0 |
/// | `wide_fraction` | 0 | [0, 1] |
/// | `wide_contrast` | 0.7 | > 0 (the size of a log-contrast vector) |
/// | `wide_critical_margin` | none (keep every wide draw) | [0, 90) degrees |
/// | `theta_min` | 0 | [0, 90) degrees |
/// | `theta_max` | 50 | (theta_min, 90] degrees |
///
/// The contrast defaults (`contrast_dof`, `contrast_mean`, `contrast_std`, `contrast_corr`
/// = [[1, 0.710, 0.322], [0.710, 1, 0.262], [0.322, 0.262, 1]]) and the scatters were fitted on
/// 2026-12-01 by `scripts/fit-contrasts.py` to four wells: R-39 (offshore Nova Scotia; DT4P, DT4S,
/// RHOB; its last 100 samples dropped, as the tutorial) and the Volve wells 15_9-F-4, 15_9-F-14
/// and 15_9-19 (North Sea; DT/DTCO, DTS/DTSM, RHOB), read with the `common` null policy,
/// non-positive values as nulls (R-39's failed shear log is dropped, not mean-repaired),
/// decimated by 5, each interface a decimated sample over the next with neither null, never
/// spanning two wells: 4225 interfaces. Their contrasts have heavy tails (excess kurtosis 6.8,
/// 9.9, 18.8), so a multivariate Student-t (log-likelihood 24 914 against the normal's 22 503):
/// location and scatter by maximum likelihood (EM) at nu = 5; the likelihood alone would take
/// nu ≈ 2, whose variance is infinite, driven by the density spikes of washed-out hole; nu > 4
/// keeps the fourth moment finite. `contrast_std` and `contrast_corr` are those of its covariance
/// (scatter · nu / (nu − 2)); the plain sample moments are std [0.0589, 0.0568, 0.0322], corr
/// (0.727, 0.362, 0.298). `vs_scatter` and `rho_scatter`: the standard deviations of ln(Vs /
/// castagna(Vp)) and ln(rho / gardner(Vp)) over the same samples (0.112 and 0.056; their
/// medians 0.025 and 0.008), rounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RockPhysicsConfig {
    /// Samples per epoch: how many the consumer takes from the stream.
    #[serde(default = "defaults::samples")]
    pub samples: usize,
    /// Validation samples, from their own stream (seed + 1).
    #[serde(default = "defaults::validation")]
    pub validation: usize,
    /// The seed of the training stream; the validation stream uses `seed + 1` (wrapping).
    #[serde(default = "defaults::seed")]
    pub seed: u32,
    /// Smallest upper-layer P velocity, m/s (drawn uniformly in [vp_min, vp_max)).
    #[serde(default = "defaults::vp_min")]
    pub vp_min: f64,
    /// Largest upper-layer P velocity, m/s.
    #[serde(default = "defaults::vp_max")]
    pub vp_max: f64,
    /// Standard deviation of ln Vs about Castagna's mudrock line (log-normal scatter).
    #[serde(default = "defaults::vs_scatter")]
    pub vs_scatter: f64,
    /// Smallest Vp/Vs of a layer: the upper layer's Vs is clamped to it, a lower layer outside is
    /// rejected. 1.45: just above √2 (Poisson's ratio 0, below which no sedimentary rock is
    /// known); the logs fitted reach 1.48 at their 0.1th percentile. Castagna's line, fitted to
    /// clastics, falls to it near 6500 m/s.
    #[serde(default = "defaults::vpvs_min")]
    pub vpvs_min: f64,
    /// Largest Vp/Vs of a layer (Poisson's ratio 0.47): the mudrock line crosses it at 1915 m/s,
    /// below which the softest, shallowest sediments are held to it.
    #[serde(default = "defaults::vpvs_max")]
    pub vpvs_max: f64,
    /// Standard deviation of ln rho about Gardner's relation (log-normal scatter).
    #[serde(default = "defaults::rho_scatter")]
    pub rho_scatter: f64,
    /// The distribution of the log contrasts.
    #[serde(default)]
    pub contrast_distribution: ContrastDistribution,
    /// Degrees of freedom of the Student-t, > 2 (the variance exists).
    #[serde(default = "defaults::contrast_dof")]
    pub contrast_dof: f64,
    /// Mean (location) of (ln vp2/vp1, ln vs2/vs1, ln rho2/rho1).
    #[serde(default = "defaults::contrast_mean")]
    pub contrast_mean: [f64; 3],
    /// Standard deviations of the three log contrasts (before `contrast_scale`).
    #[serde(default = "defaults::contrast_std")]
    pub contrast_std: [f64; 3],
    /// Correlation matrix of the three log contrasts, row by row.
    #[serde(default = "defaults::contrast_corr")]
    pub contrast_corr: [[f64; 3]; 3],
    /// Multiplies the contrasts' deviations from their mean (> 1 widens them).
    #[serde(default = "defaults::contrast_scale")]
    pub contrast_scale: f64,
    /// The fraction of samples whose contrasts are a wide draw: a direction uniform on the
    /// sphere and a size uniform in [0, `wide_contrast`) (0: none, the fitted prior alone).
    #[serde(default)]
    pub wide_fraction: f64,
    /// The largest size (the Euclidean norm of the three log contrasts) of a wide draw.
    #[serde(default = "defaults::wide_contrast")]
    pub wide_contrast: f64,
    /// When set, a wide draw whose angle is past, or less than this many degrees below, the
    /// P-wave critical angle asin(Vp1/Vp2) (where Vp2 > Vp1) is rejected and a whole new
    /// sample drawn. Past the critical angle the approximations have no value and a residual
    /// network stands alone, its target the whole |Rpp| (up to 1); just below it the residual
    /// grows without bound. Wide draws hold such interfaces (about 3 % of them within 5 degrees
    /// of it or past it, at 0-50 degrees and `wide_contrast` 0.6), whose squared errors can
    /// swamp the small residuals of every other interface. Unset: every wide draw is kept.
    #[serde(default)]
    pub wide_critical_margin: Option<f64>,
    /// Smallest incidence angle, degrees.
    #[serde(default)]
    pub theta_min: f64,
    /// Angles are drawn uniformly in [theta_min, theta_max), degrees.
    #[serde(default = "defaults::theta_max")]
    pub theta_max: f64,
}

impl Default for RockPhysicsConfig {
    fn default() -> Self {
        Self {
            samples: defaults::samples(),
            validation: defaults::validation(),
            seed: defaults::seed(),
            vp_min: defaults::vp_min(),
            vp_max: defaults::vp_max(),
            vs_scatter: defaults::vs_scatter(),
            vpvs_min: defaults::vpvs_min(),
            vpvs_max: defaults::vpvs_max(),
            rho_scatter: defaults::rho_scatter(),
            contrast_distribution: ContrastDistribution::default(),
            contrast_dof: defaults::contrast_dof(),
            contrast_mean: defaults::contrast_mean(),
            contrast_std: defaults::contrast_std(),
            contrast_corr: defaults::contrast_corr(),
            contrast_scale: defaults::contrast_scale(),
            wide_fraction: 0.0,
            wide_contrast: defaults::wide_contrast(),
            wide_critical_margin: None,
            theta_min: 0.0,
            theta_max: defaults::theta_max(),
        }
    }
}

mod defaults {
    pub fn validation() -> usize {
        10_000
    }
    pub fn samples() -> usize {
        1_000_000
    }
    pub fn seed() -> u32 {
        42
    }
    pub fn vp_min() -> f64 {
        1500.0
    }
    pub fn vp_max() -> f64 {
        6500.0
    }
    pub fn vs_scatter() -> f64 {
        0.10
    }
    pub fn vpvs_min() -> f64 {
        1.45
    }
    pub fn vpvs_max() -> f64 {
        4.0
    }
    pub fn rho_scatter() -> f64 {
        0.06
    }
    pub fn contrast_dof() -> f64 {
        5.0
    }
    // Fitted by scripts/fit-contrasts.py (R-39 and Volve 15_9-F-4, 15_9-F-14, 15_9-19; decimation
    // 5; 4225 interfaces; Student-t, nu = 5, EM): see the table of RockPhysicsConfig.
    pub fn contrast_mean() -> [f64; 3] {
        [-2.04e-4, 1.8e-5, 1.22e-4]
    }
    pub fn contrast_std() -> [f64; 3] {
        [0.0489, 0.0477, 0.0227]
    }
    pub fn contrast_corr() -> [[f64; 3]; 3] {
        [
            [1.0, 0.710, 0.322],
            [0.710, 1.0, 0.262],
            [0.322, 0.262, 1.0],
        ]
    }
    pub fn contrast_scale() -> f64 {
        1.0
    }
    pub fn wide_contrast() -> f64 {
        0.7
    }
    pub fn theta_max() -> f64 {
        50.0
    }
}

/// A refusal of `key` of the prior's section.
fn bad(key: &str, message: impl Into<String>) -> Result<(), ConfigError> {
    ConfigError::refuse(format!("{KEY_PREFIX}.{key}"), message)
}

/// The lower-triangular Cholesky factor `L` of a symmetric 3x3 matrix (`L Lᵀ = a`), or `None`
/// when the matrix is not positive definite.
fn cholesky3(a: &[[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let mut l = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// `key` of the prior's section must be a positive, finite number.
fn positive(key: &str, v: f64) -> Result<(), ConfigError> {
    ConfigError::positive(format!("{KEY_PREFIX}.{key}"), v)
}

/// `key` of the prior's section must be a finite number >= 0.
fn non_negative(key: &str, v: f64) -> Result<(), ConfigError> {
    ConfigError::non_negative(format!("{KEY_PREFIX}.{key}"), v)
}

impl RockPhysicsConfig {
    /// Checks each value, naming the first key that is wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.validation == 0 {
            return bad("validation", "expected 1 or more");
        }
        if self.samples == 0 {
            return bad("samples", "expected 1 or more");
        }
        positive("vp_min", self.vp_min)?;
        if !(self.vp_max.is_finite() && self.vp_max > self.vp_min) {
            return bad(
                "vp_max",
                format!(
                    "expected more than vp_min ({}), found {}",
                    self.vp_min, self.vp_max
                ),
            );
        }
        non_negative("vs_scatter", self.vs_scatter)?;
        let fluid_limit = (4.0f64 / 3.0).sqrt();
        if !(self.vpvs_min.is_finite() && self.vpvs_min > fluid_limit) {
            return bad(
                "vpvs_min",
                format!(
                    "expected more than √(4/3) = {fluid_limit:.4} (a positive bulk modulus), found {}",
                    self.vpvs_min
                ),
            );
        }
        if !(self.vpvs_max.is_finite() && self.vpvs_max > self.vpvs_min) {
            return bad(
                "vpvs_max",
                format!(
                    "expected more than vpvs_min ({}), found {}",
                    self.vpvs_min, self.vpvs_max
                ),
            );
        }
        non_negative("rho_scatter", self.rho_scatter)?;
        self.validate_contrasts()?;
        self.validate_angles()
    }

    /// The contrasts' distribution: `contrast_dof`, `_mean`, `_std`, `_corr`, `_scale`.
    fn validate_contrasts(&self) -> Result<(), ConfigError> {
        if !(self.contrast_dof.is_finite() && self.contrast_dof > 2.0) {
            return bad(
                "contrast_dof",
                format!(
                    "expected more than 2 (a finite variance), found {}",
                    self.contrast_dof
                ),
            );
        }
        if let Some(v) = self.contrast_mean.iter().find(|v| !v.is_finite()) {
            return bad(
                "contrast_mean",
                format!("expected finite numbers, found {v}"),
            );
        }
        for v in self.contrast_std {
            non_negative("contrast_std", v)?;
        }
        self.validate_corr()?;
        positive("contrast_scale", self.contrast_scale)?;
        if !(0.0..=1.0).contains(&self.wide_fraction) {
            return bad(
                "wide_fraction",
                format!(
                    "expected a fraction in [0, 1], found {}",
                    self.wide_fraction
                ),
            );
        }
        positive("wide_contrast", self.wide_contrast)?;
        match self.wide_critical_margin {
            Some(m) if !(0.0..90.0).contains(&m) => bad(
                "wide_critical_margin",
                format!("expected degrees in [0, 90), found {m}"),
            ),
            _ => Ok(()),
        }
    }

    /// `theta_min` and `theta_max`.
    fn validate_angles(&self) -> Result<(), ConfigError> {
        angle_range(KEY_PREFIX, self.theta_min, self.theta_max)
    }

    /// `contrast_corr`: symmetric, unit diagonal, entries in [−1, 1], positive definite.
    fn validate_corr(&self) -> Result<(), ConfigError> {
        let c = &self.contrast_corr;
        for (i, row) in c.iter().enumerate() {
            if row[i] != 1.0 {
                return bad(
                    "contrast_corr",
                    format!("expected 1 on the diagonal, found {} at [{i}][{i}]", row[i]),
                );
            }
            for (j, &v) in row.iter().enumerate() {
                if !(v.is_finite() && v.abs() <= 1.0 && v == c[j][i]) {
                    return bad(
                        "contrast_corr",
                        format!(
                            "expected a symmetric matrix of numbers in [-1, 1], found {} at [{i}][{j}] and {} at [{j}][{i}]",
                            v, c[j][i]
                        ),
                    );
                }
            }
        }
        if cholesky3(c).is_none() {
            return bad(
                "contrast_corr",
                "expected a positive-definite matrix (no exact linear relation between contrasts)",
            );
        }
        Ok(())
    }
}

/// An endless, seeded stream of labelled interfaces drawn from a [`RockPhysicsConfig`]'s prior
/// (the steps in the [module documentation](self)). The items depend only on the seed and on
/// how many were drawn before: `fill(out, a)` then `fill(out, b)` gives the same items as
/// `fill(out, a + b)` or as `a + b` calls of `next`.
#[derive(Debug, Clone)]
pub struct RockPhysicsSampler {
    config: RockPhysicsConfig,
    /// `diag(contrast_std · contrast_scale) · cholesky(contrast_corr)`, lower triangular.
    factor: [[f64; 3]; 3],
    rng: NumpyRandomState,
    drawn: u64,
    rejected: u64,
}

impl RockPhysicsSampler {
    /// The training stream of `config` (seeded with `config.seed`), once the config is valid.
    pub fn new(config: &RockPhysicsConfig) -> Result<Self, ConfigError> {
        Self::seeded(config, config.seed)
    }

    /// The stream of `config` seeded with `seed` instead of `config.seed`.
    pub fn seeded(config: &RockPhysicsConfig, seed: u32) -> Result<Self, ConfigError> {
        config.validate()?;
        let l = cholesky3(&config.contrast_corr).expect("validated: positive definite");
        let factor = std::array::from_fn(|i| {
            std::array::from_fn(|j| config.contrast_std[i] * config.contrast_scale * l[i][j])
        });
        Ok(Self {
            config: config.clone(),
            factor,
            rng: NumpyRandomState::seed(seed),
            drawn: 0,
            rejected: 0,
        })
    }

    /// The prior it draws from.
    pub fn config(&self) -> &RockPhysicsConfig {
        &self.config
    }

    /// Items returned so far.
    pub fn drawn(&self) -> u64 {
        self.drawn
    }

    /// Samples rejected and drawn again so far: a lower layer with Vp/Vs outside [vpvs_min,
    /// vpvs_max], or one the physics refused.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// Appends `n` items to `out`.
    pub fn fill(&mut self, out: &mut Vec<InterfaceItem>, n: usize) {
        out.reserve(n);
        for _ in 0..n {
            let item = self.draw();
            out.push(item);
        }
    }

    /// The next item, drawing again until one is accepted.
    fn draw(&mut self) -> InterfaceItem {
        loop {
            if let Some(item) = self.try_draw() {
                self.drawn += 1;
                return item;
            }
            self.rejected += 1;
        }
    }

    /// One sample, or `None` when it is rejected.
    fn try_draw(&mut self) -> Option<InterfaceItem> {
        let c = &self.config;
        let rng = &mut self.rng;
        // The upper layer: uniform Vp, Castagna's Vs and Gardner's rho with log-normal scatter.
        let vp1 = c.vp_min + (c.vp_max - c.vp_min) * rng.random();
        let vs1 = (castagna(vp1) * (c.vs_scatter * rng.randn()).exp())
            .clamp(vp1 / c.vpvs_max, vp1 / c.vpvs_min);
        let rho1 = gardner(vp1) * (c.rho_scatter * rng.randn()).exp();
        // The log contrasts: a wide draw, or correlated normal, or Student-t by a chi-square
        // mixing draw.
        let wide = c.wide_fraction > 0.0 && rng.random() < c.wide_fraction;
        let y = [rng.randn(), rng.randn(), rng.randn()];
        let contrast: [f64; 3] = if wide {
            let norm = y.iter().map(|v| v * v).sum::<f64>().sqrt();
            let size = c.wide_contrast * rng.random();
            y.map(|v| size * v / norm)
        } else {
            let mix = match c.contrast_distribution {
                ContrastDistribution::Normal => 1.0,
                ContrastDistribution::StudentT => {
                    let nu = c.contrast_dof;
                    ((nu - 2.0) / (2.0 * gamma(rng, nu / 2.0))).sqrt()
                }
            };
            let f = &self.factor;
            std::array::from_fn(|i| {
                c.contrast_mean[i] + mix * (0..=i).map(|k| f[i][k] * y[k]).sum::<f64>()
            })
        };
        let vp2 = vp1 * contrast[0].exp();
        let vs2 = vs1 * contrast[1].exp();
        let rho2 = rho1 * contrast[2].exp();
        let theta = c.theta_min + (c.theta_max - c.theta_min) * rng.random();
        let ratio = vp2 / vs2;
        if !(ratio >= c.vpvs_min && ratio <= c.vpvs_max) {
            return None;
        }
        let interface = Interface::new(Elastic::new(vp1, vs1, rho1), Elastic::new(vp2, vs2, rho2));
        if let (true, Some(margin), Some(critical)) =
            (wide, c.wide_critical_margin, interface.critical_angle())
            && theta + margin >= critical
        {
            return None;
        }
        InterfaceItem::labelled(&interface, theta)
            .ok()
            .filter(|item| item.rpp.is_finite())
    }
}

/// A gamma draw of shape `k` >= 1 and scale 1 (Marsaglia & Tsang 2000, ACM TOMS 26(3): a
/// transformed normal, accepted by a squeeze or the log test).
fn gamma(rng: &mut NumpyRandomState, k: f64) -> f64 {
    let d = k - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = rng.randn();
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = rng.random();
        let x2 = x * x;
        if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

impl Iterator for RockPhysicsSampler {
    type Item = InterfaceItem;

    /// The next item; the stream never ends (take `config.samples` of it for an epoch).
    fn next(&mut self) -> Option<InterfaceItem> {
        Some(self.draw())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::MAX, None)
    }
}

/// `n` validation items of `config`'s prior, from a generator seeded with `seed + 1` (wrapping)
/// so that they are not the training stream's.
pub fn validation(config: &RockPhysicsConfig, n: usize) -> Result<Vec<InterfaceItem>, ConfigError> {
    let mut sampler = RockPhysicsSampler::seeded(config, config.seed.wrapping_add(1))?;
    let mut out = Vec::with_capacity(n);
    sampler.fill(&mut out, n);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoepnet_network::Features;

    fn draws(config: &RockPhysicsConfig, n: usize) -> (Vec<InterfaceItem>, RockPhysicsSampler) {
        let mut sampler = RockPhysicsSampler::new(config).unwrap();
        let mut out = Vec::new();
        sampler.fill(&mut out, n);
        (out, sampler)
    }

    fn mean_std(v: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
        let n = v.clone().count() as f64;
        let mean = v.clone().sum::<f64>() / n;
        let var = v.map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    fn contrasts(items: &[InterfaceItem]) -> [Vec<f64>; 3] {
        std::array::from_fn(|i| {
            items
                .iter()
                .map(|it| (it.features[i + 3] / it.features[i]).ln())
                .collect()
        })
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    #[test]
    fn the_same_seed_gives_the_same_items_however_they_are_asked_for() {
        let config = RockPhysicsConfig::default();
        let (a, _) = draws(&config, 1000);
        let mut sampler = RockPhysicsSampler::new(&config).unwrap();
        let mut b = Vec::new();
        sampler.fill(&mut b, 300);
        sampler.fill(&mut b, 0);
        b.extend(sampler.by_ref().take(200));
        sampler.fill(&mut b, 500);
        assert_eq!(a, b);
        assert_eq!(sampler.drawn(), 1000);
        let other = RockPhysicsConfig {
            seed: 43,
            ..config.clone()
        };
        let (c, _) = draws(&other, 1000);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
        // Validation is the stream of seed + 1, not the training stream.
        let v = validation(&config, 1000).unwrap();
        assert_eq!(v, c);
        assert!(a.iter().zip(&v).all(|(x, y)| x != y));
    }

    #[test]
    fn items_lie_in_the_configured_ranges_and_are_labelled_exactly() {
        let config = RockPhysicsConfig::default();
        let (items, sampler) = draws(&config, 20_000);
        for it in &items {
            let [vp1, vs1, rho1, vp2, vs2, rho2] = it.features.properties();
            assert!((config.vp_min..config.vp_max).contains(&vp1));
            for r in [vp1 / vs1, vp2 / vs2] {
                assert!(
                    r >= config.vpvs_min * (1.0 - 1e-12) && r <= config.vpvs_max * (1.0 + 1e-12)
                );
            }
            assert!(rho1 > 0.0 && rho2 > 0.0);
            assert!((config.theta_min..config.theta_max).contains(&it.theta()));
            let exact = zoepnet_physics::rpp(&it.interface(), it.theta())
                .unwrap()
                .re;
            assert_eq!(it.rpp.to_bits(), exact.to_bits());
        }
        // Rejections happen: lower layers past the Vp/Vs range, mostly over an upper layer
        // clamped to a bound (below 1915 m/s, and near 6500 m/s); 14 % with the defaults.
        let rate = sampler.rejected() as f64 / sampler.drawn() as f64;
        assert!(rate > 0.05 && rate < 0.2, "rejection rate {rate}");
    }

    /// The log contrasts have the configured mean and standard deviations: over 200 000 draws,
    /// each standard deviation within 2 %, each mean within 2 % of its standard deviation (the
    /// fitted means are ~1e-4, too small for a relative test), for the default Student-t and
    /// for a normal with nonzero means, widened by `contrast_scale`. Vp/Vs bounds wide enough
    /// almost never to reject: a rejection truncates the contrasts near the bounds.
    #[test]
    fn log_contrasts_have_the_configured_moments() {
        let wide = RockPhysicsConfig {
            vp_min: 2500.0,
            vp_max: 4500.0,
            vpvs_min: 1.2,
            vpvs_max: 6.0,
            ..RockPhysicsConfig::default()
        };
        let normal = RockPhysicsConfig {
            contrast_distribution: ContrastDistribution::Normal,
            contrast_mean: [0.05, -0.03, 0.02],
            contrast_scale: 1.5,
            seed: 7,
            ..wide.clone()
        };
        for config in [wide, normal] {
            let (items, sampler) = draws(&config, 200_000);
            // Only a heavy tail's rare extreme crosses these bounds.
            assert!(sampler.rejected() < 200, "{} rejected", sampler.rejected());
            let x = contrasts(&items);
            for (i, xi) in x.iter().enumerate() {
                let (mean, std) = mean_std(xi.iter().copied());
                let want_std = config.contrast_std[i] * config.contrast_scale;
                assert!(
                    (std / want_std - 1.0).abs() < 0.02,
                    "{:?} contrast {i}: std {std} against {want_std}",
                    config.contrast_distribution
                );
                assert!(
                    (mean - config.contrast_mean[i]).abs() < 0.02 * want_std,
                    "{:?} contrast {i}: mean {mean} against {}",
                    config.contrast_distribution,
                    config.contrast_mean[i]
                );
            }
            // And the correlations, within 0.02.
            for (i, j) in [(0, 1), (0, 2), (1, 2)] {
                let (mi, si) = mean_std(x[i].iter().copied());
                let (mj, sj) = mean_std(x[j].iter().copied());
                let n = x[i].len() as f64;
                let cov = x[i]
                    .iter()
                    .zip(&x[j])
                    .map(|(a, b)| (a - mi) * (b - mj))
                    .sum::<f64>()
                    / (n - 1.0);
                let r = cov / (si * sj);
                assert!(
                    (r - config.contrast_corr[i][j]).abs() < 0.02,
                    "corr {i}{j}: {r}"
                );
            }
        }
    }

    #[test]
    fn default_contrasts_stay_close_to_the_fit_despite_rejections() {
        // With the default Vp/Vs bounds some lower layers are rejected; the contrasts kept are
        // still within 5 % of the configured standard deviations (measured: std 1.0-1.2 % low,
        // means off by at most 0.02 std, seed 42).
        let config = RockPhysicsConfig::default();
        let (items, _) = draws(&config, 200_000);
        let x = contrasts(&items);
        for (i, xi) in x.iter().enumerate() {
            let (mean, std) = mean_std(xi.iter().copied());
            let want = config.contrast_std[i];
            println!(
                "defaults, contrast {i}: mean {mean:.3e} (configured {:.3e}), std {std:.5} (configured {want})",
                config.contrast_mean[i]
            );
            assert!(
                (std / want - 1.0).abs() < 0.05,
                "contrast {i}: std {std} against {want}"
            );
            assert!(
                (mean - config.contrast_mean[i]).abs() < 0.05 * want,
                "contrast {i}: mean {mean}"
            );
        }
    }

    #[test]
    fn wide_draws_cover_every_direction_up_to_their_size() {
        // All wide: every log-contrast vector shorter than wide_contrast, and each of the three
        // the largest in about a third of them (a direction uniform on the sphere; the Vp/Vs
        // rejections bend it a little: measured 0.32, 0.32 and 0.35 of 50 000 draws, seed 42).
        let config = RockPhysicsConfig {
            wide_fraction: 1.0,
            wide_contrast: 0.5,
            ..RockPhysicsConfig::default()
        };
        let (items, _) = draws(&config, 50_000);
        let x = contrasts(&items);
        let mut largest = [0usize; 3];
        for ((&c0, &c1), &c2) in x[0].iter().zip(&x[1]).zip(&x[2]) {
            let c = [c0, c1, c2];
            let size = c.iter().map(|v| v * v).sum::<f64>().sqrt();
            assert!(size < 0.5 + 1e-12, "{c:?}");
            let i = (0..3)
                .max_by(|&a, &b| c[a].abs().total_cmp(&c[b].abs()))
                .unwrap_or(0);
            largest[i] += 1;
        }
        println!("largest contrast: {largest:?}");
        for n in largest {
            let share = n as f64 / items.len() as f64;
            assert!((0.28..0.39).contains(&share), "{largest:?}");
        }
        // A fifth of them wide: density steps over 30 % (far in the fitted tails) go from
        // none to about 3 % of the draws (measured: 0 and 1591 of 50 000).
        let count = |wide_fraction| {
            let config = RockPhysicsConfig {
                wide_fraction,
                ..RockPhysicsConfig::default()
            };
            let (items, _) = draws(&config, 50_000);
            contrasts(&items)[2]
                .iter()
                .filter(|c| c.abs() > 0.3)
                .count()
        };
        let (fitted, mixed) = (count(0.0), count(0.2));
        println!("density steps over 0.3: {fitted} fitted, {mixed} with a fifth wide");
        assert!(fitted < 20 && mixed > 500, "{fitted} against {mixed}");
    }

    #[test]
    fn wide_draws_near_the_critical_angle_are_drawn_again() {
        // The degrees a draw lies below its P-wave critical angle (infinite without one).
        let below_critical = |it: &InterfaceItem| {
            let f = &it.features;
            if f[3] > f[0] {
                (f[0] / f[3]).asin().to_degrees() - it.theta()
            } else {
                f64::INFINITY
            }
        };
        let config = |margin| RockPhysicsConfig {
            wide_fraction: 1.0,
            wide_contrast: 0.6,
            wide_critical_margin: margin,
            ..RockPhysicsConfig::default()
        };
        // Kept: a few percent of all-wide draws at 0-50 degrees are past or within 5 degrees of
        // their critical angle (measured: 1 310 of 50 000, seed 42).
        let (items, kept) = draws(&config(None), 50_000);
        let near = items.iter().filter(|it| below_critical(it) < 5.0).count();
        println!("within 5 degrees of critical: {near} kept");
        assert!(near > 800, "{near}");
        // Refused: none is, and each refused draw was counted.
        let (items, refused) = draws(&config(Some(5.0)), 50_000);
        let near = items.iter().filter(|it| below_critical(it) < 5.0).count();
        println!(
            "rejected {} (kept {}) ",
            refused.rejected(),
            kept.rejected()
        );
        assert_eq!(near, 0);
        assert!(refused.rejected() >= kept.rejected() + 800);
        // Normal draws are never refused for it: the recipe's stream is unchanged.
        let normal = RockPhysicsConfig {
            wide_critical_margin: Some(5.0),
            ..RockPhysicsConfig::default()
        };
        assert_eq!(
            draws(&normal, 2_000).0,
            draws(&RockPhysicsConfig::default(), 2_000).0
        );
        let bad = config(Some(90.0)).validate();
        assert!(
            bad.as_ref()
                .is_err_and(|e| e.to_string().contains("wide_critical_margin")),
            "{bad:?}"
        );
    }

    #[test]
    fn vs_and_rho_follow_castagna_and_gardner() {
        // Where the Vp/Vs clamp cannot act (the line's Vp/Vs well inside the range), the median
        // of ln(vs1 / castagna) is 0; ln(rho1 / gardner) everywhere, with the configured std.
        let config = RockPhysicsConfig::default();
        let (items, _) = draws(&config, 100_000);
        let vs: Vec<f64> = items
            .iter()
            .filter(|it| (3000.0..4500.0).contains(&it.features[0]))
            .map(|it| (it.features[1] / castagna(it.features[0])).ln())
            .collect();
        assert!(vs.len() > 20_000);
        assert!(median(vs).abs() < 0.005);
        let rho: Vec<f64> = items
            .iter()
            .map(|it| (it.features[2] / gardner(it.features[0])).ln())
            .collect();
        let (_, std) = mean_std(rho.iter().copied());
        assert!(
            (std / config.rho_scatter - 1.0).abs() < 0.02,
            "rho scatter {std}"
        );
        assert!(median(rho).abs() < 0.002);
        assert!((castagna(3000.0) - 1413.9).abs() < 1e-9);
        assert!((gardner(10_000.0) - 3100.0).abs() < 1e-9);
    }

    #[test]
    fn validate_names_the_key() {
        assert_eq!(RockPhysicsConfig::default().validate(), Ok(()));
        let cases: [(&str, RockPhysicsConfig); 8] = [
            (
                "samples",
                RockPhysicsConfig {
                    samples: 0,
                    ..Default::default()
                },
            ),
            (
                "vp_max",
                RockPhysicsConfig {
                    vp_max: 1000.0,
                    ..Default::default()
                },
            ),
            (
                "vpvs_min",
                RockPhysicsConfig {
                    vpvs_min: 1.1,
                    ..Default::default()
                },
            ),
            (
                "contrast_dof",
                RockPhysicsConfig {
                    contrast_dof: 2.0,
                    ..Default::default()
                },
            ),
            (
                "contrast_std",
                RockPhysicsConfig {
                    contrast_std: [0.1, -0.1, 0.1],
                    ..Default::default()
                },
            ),
            (
                "contrast_corr",
                RockPhysicsConfig {
                    contrast_corr: [[1.0, 0.9, 0.9], [0.9, 1.0, 0.0], [0.9, 0.0, 1.0]],
                    ..Default::default()
                },
            ),
            (
                "contrast_scale",
                RockPhysicsConfig {
                    contrast_scale: 0.0,
                    ..Default::default()
                },
            ),
            (
                "theta_max",
                RockPhysicsConfig {
                    theta_max: 0.0,
                    ..Default::default()
                },
            ),
        ];
        for (key, config) in cases {
            let err = config.validate().unwrap_err();
            assert_eq!(err.key, format!("data.rock_physics.{key}"), "{err}");
            assert!(RockPhysicsSampler::new(&config).is_err());
        }
    }

    #[test]
    fn a_toml_section_with_defaults_and_unknown_keys_refused() {
        let c: RockPhysicsConfig = toml::from_str("seed = 7\ncontrast_scale = 2.0").unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!(c.contrast_scale, 2.0);
        assert_eq!(c.vp_max, 6500.0);
        let back: RockPhysicsConfig = toml::from_str(&toml::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        assert!(toml::from_str::<RockPhysicsConfig>("vp_maxx = 1.0").is_err());
        let n: RockPhysicsConfig = toml::from_str("contrast_distribution = \"normal\"").unwrap();
        assert_eq!(n.contrast_distribution, ContrastDistribution::Normal);
    }

    /// Not a test of speed: prints samples per second (`--nocapture` to see it).
    #[test]
    fn generation_speed() {
        let config = RockPhysicsConfig::default();
        let mut sampler = RockPhysicsSampler::new(&config).unwrap();
        let mut out = Vec::new();
        let n = 200_000;
        let start = std::time::Instant::now();
        sampler.fill(&mut out, n);
        let s = start.elapsed().as_secs_f64();
        println!(
            "rock_physics: {n} samples in {s:.3} s, {:.0} samples/s, {} rejected",
            n as f64 / s,
            sampler.rejected()
        );
        assert_eq!(out.len(), n);
    }

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        use crate::config::{documented_defaults, says};
        let value = toml::Value::try_from(RockPhysicsConfig::default()).unwrap();
        let rows = documented_defaults(
            include_str!("rock_physics.rs"),
            "/// The rock-physics prior.",
        );
        assert!(rows.len() >= 20, "{rows:?}");
        let mut checked = 0;
        for (key, doc) in rows {
            if let Some(same) = says(&doc, value.get(key.as_str())) {
                assert!(same, "{key}: documented {doc}, is {:?}", value.get(&key));
                checked += 1;
            }
        }
        assert!(checked >= 19, "{checked}");
    }
}
