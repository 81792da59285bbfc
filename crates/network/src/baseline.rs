//! The classical approximations of Rpp: baselines to score the network against, and the part of
//! a physics-residual network's output that is not learnt.

use serde::{Deserialize, Serialize};

use crate::features::{FeatureVector, Features};

/// A classical linear approximation of Re(Rpp), or none.
///
/// As `[model] baseline`, it makes a physics-residual network: the module's output is the
/// network's plus the approximation's value for the same (unscaled) interface, so the network
/// learns only the exact coefficient minus the approximation. Outside the approximation's domain
/// (at 90 degrees, or past the critical angle: `zoepnet_physics::approx`) the baseline is 0 there,
/// and the network stands alone. In summaries the approximations are scored beside the network.
///
/// Names: `none`, `aki-richards` (or `aki_richards`, as older run folders have it), `shuey`,
/// `acoustic-shear`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Baseline {
    /// No baseline: the network predicts the coefficient itself.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Aki & Richards (1980), eq. 5.44 (three terms).
    // The alias reads the run folders and summaries that earlier versions of zoepnet wrote.
    #[serde(rename = "aki-richards", alias = "aki_richards")]
    AkiRichards,
    /// Shuey (1985), three terms.
    #[serde(rename = "shuey")]
    Shuey,
    /// The exact acoustic coefficient plus Aki-Richards' shear terms
    /// (`zoepnet_physics::acoustic_shear`): defined at every angle below 90 degrees, with the
    /// exact coefficient's bend at the P-wave critical angle, and within second order in the
    /// contrasts of Aki-Richards below it.
    #[serde(rename = "acoustic-shear")]
    AcousticShear,
}

impl Baseline {
    /// The two approximations, in the order summaries list them.
    pub const APPROXIMATIONS: [Baseline; 2] = [Baseline::AkiRichards, Baseline::Shuey];

    /// The name in summaries and tables.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::None => "none",
            Baseline::AkiRichards => "Aki-Richards",
            Baseline::Shuey => "Shuey",
            Baseline::AcousticShear => "acoustic-shear",
        }
    }

    /// Its Re(Rpp) for the interface `features` (unscaled: m/s, kg/m3, degrees); `None` outside
    /// the approximation's domain or for a refused interface. [`Baseline::None`] gives 0.
    pub fn rpp(self, features: &FeatureVector) -> Option<f64> {
        let interface = zoepnet_physics::Interface::from_properties(features.properties());
        let theta = features.theta();
        match self {
            Baseline::None => Some(0.0),
            Baseline::AkiRichards => zoepnet_physics::aki_richards(&interface, theta).ok(),
            Baseline::Shuey => {
                zoepnet_physics::shuey(&interface, theta, zoepnet_physics::ShueyTerms::Three).ok()
            }
            Baseline::AcousticShear => zoepnet_physics::acoustic_shear(&interface, theta).ok(),
        }
    }

    /// The value a physics-residual network adds to its output: [`Baseline::rpp`], or 0 outside
    /// the approximation's domain.
    pub fn offset(self, features: &FeatureVector) -> f64 {
        self.rpp(features).unwrap_or(0.0)
    }
}

/// How a physics-residual network's own output enters its prediction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Correction {
    /// y = baseline + net(x).
    #[default]
    Additive,
    /// y = baseline + g · net(x), with g = [`contrast_gate`]: the correction vanishes with the
    /// contrast, as the approximations' own error does (it is second order in the contrasts).
    Contrast,
    /// y = baseline + g / (1 + g) · net(x), with g = [`contrast_gate`] ([`saturating_gate`]):
    /// as [`Correction::Contrast`] for weak contrasts (g / (1 + g) = g − g² + …), but at most 1
    /// for strong ones, where g reaches 4.6 over the domain test's range and would multiply the
    /// network's own error by as much.
    ContrastSaturating,
    /// y = baseline + g / (1 + g) · (10⁻⁶ + sin²θ) / (0.05 + sin²θ) · net(x)
    /// ([`angle_saturating_gate`]): [`Correction::ContrastSaturating`]'s gate times one that
    /// falls to 2·10⁻⁵ at normal incidence, where the exact Rpp is (Z2 − Z1) / (Z2 + Z1) and the
    /// acoustic-shear baseline has it exactly (plans refuse it with any other baseline), and is
    /// above 0.8 from 30 degrees on.
    ContrastAngleSaturating,
}

impl Correction {
    /// The factor on the network's output for an interface: [`contrast_gate`] or
    /// [`saturating_gate`]; `None` for an additive correction (a factor of 1).
    pub fn gate(self, features: &FeatureVector) -> Option<f64> {
        match self {
            Self::Additive => None,
            Self::Contrast => Some(contrast_gate(features)),
            Self::ContrastSaturating => Some(saturating_gate(features)),
            Self::ContrastAngleSaturating => Some(angle_saturating_gate(features)),
        }
    }

    /// Whether the network's output is scaled by a gate ([`Correction::gate`]).
    pub fn is_gated(self) -> bool {
        self != Self::Additive
    }

    /// The name configs give it (`model.correction`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Additive => "additive",
            Self::Contrast => "contrast",
            Self::ContrastSaturating => "contrast-saturating",
            Self::ContrastAngleSaturating => "contrast-angle-saturating",
        }
    }
}

/// The floor of [`contrast_gate`], so that the gate is never zero.
pub const GATE_FLOOR: f64 = 1e-6;

/// g = 1e-6 + (Δα/α)² + (Δβ/β)² + (Δρ/ρ)², with Δ the lower minus the upper layer's value and
/// α, β, ρ the two layers' means (as in the approximations; a term is 0 where both values are
/// 0, two fluids' β). The error of Aki-Richards and Shuey is of second order in these contrasts
/// (Aki & Richards 1980, section 5.2.6), so the correction a network learns, divided by g,
/// stays bounded as the contrast vanishes.
pub fn contrast_gate(features: &FeatureVector) -> f64 {
    gate_of(&crate::features::relative_contrasts(&features.properties()))
}

/// g / (1 + g), with g = [`contrast_gate`]: the gate of [`Correction::ContrastSaturating`],
/// between 1e-6 and 1.
pub fn saturating_gate(features: &FeatureVector) -> f64 {
    let g = contrast_gate(features);
    g / (1.0 + g)
}

/// sin² of the angle at which [`angle_saturating_gate`]'s angle factor is one half (12.9
/// degrees).
pub const ANGLE_GATE_SCALE: f64 = 0.05;

/// g / (1 + g) · (10⁻⁶ + sin²θ) / (0.05 + sin²θ), with g = [`contrast_gate`]: the gate of
/// [`Correction::ContrastAngleSaturating`]. The angle factor follows the baseline's own error
/// near normal incidence, which grows as p² ∝ sin²θ (the acoustic-shear baseline is exact at
/// θ = 0), so that the network's output there is not multiplied by a gate of order 1; it
/// saturates at 1 for wide angles. The 10⁻⁶ keeps the gate above 0 at θ = 0.
pub fn angle_saturating_gate(features: &FeatureVector) -> f64 {
    let s2 = features[6].to_radians().sin().powi(2);
    saturating_gate(features) * (GATE_FLOOR + s2) / (ANGLE_GATE_SCALE + s2)
}

/// [`contrast_gate`] from the relative contrasts themselves
/// ([`relative_contrasts`](crate::relative_contrasts)).
pub(crate) fn gate_of(contrasts: &[f64; 3]) -> f64 {
    let c = contrasts;
    GATE_FLOOR + c[0] * c[0] + c[1] * c[1] + c[2] * c[2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature_vector;

    #[test]
    fn names_and_offsets() {
        let parse = |s: &str| serde_json::from_str::<Baseline>(&format!("{s:?}")).unwrap();
        assert_eq!(parse("none"), Baseline::None);
        assert_eq!(parse("aki-richards"), Baseline::AkiRichards);
        assert_eq!(parse("aki_richards"), Baseline::AkiRichards);
        // Written as the configs and docs spell it.
        let written = serde_json::to_string(&Baseline::AkiRichards).unwrap();
        assert_eq!(written, "\"aki-richards\"");
        assert_eq!(parse("shuey"), Baseline::Shuey);
        // Slow over fast: critical at asin(3000 / 4000) = 48.6 degrees.
        let at = |theta| feature_vector([3000.0, 1500.0, 2400.0, 4000.0, 2000.0, 2500.0], theta);
        let normal = (4000.0 * 2500.0 - 3000.0 * 2400.0) / (4000.0 * 2500.0 + 3000.0 * 2400.0);
        let ar = Baseline::AkiRichards.offset(&at(0.0));
        // At normal incidence Aki-Richards is the linearised (Z2 - Z1) / (Z2 + Z1).
        assert!((ar - normal).abs() < 0.01, "{ar} vs {normal}");
        assert_eq!(Baseline::AkiRichards.rpp(&at(60.0)), None);
        assert_eq!(Baseline::AkiRichards.offset(&at(60.0)), 0.0);
        assert_eq!(Baseline::None.offset(&at(20.0)), 0.0);
        // Defined past the critical angle, and close to Aki-Richards well below it.
        assert_eq!(parse("acoustic-shear"), Baseline::AcousticShear);
        let stand_in = Baseline::AcousticShear;
        let gap = stand_in.offset(&at(10.0)) - Baseline::AkiRichards.offset(&at(10.0));
        assert!(gap.abs() < 0.01, "{gap}");
        let past = stand_in.offset(&at(60.0));
        assert!(past.is_finite() && past.abs() < 1.0, "{past}");
    }

    #[test]
    fn the_gate_is_the_squared_relative_contrast_with_a_floor() {
        let same = feature_vector([3000.0, 1500.0, 2400.0, 3000.0, 1500.0, 2400.0], 10.0);
        assert_eq!(contrast_gate(&same), GATE_FLOOR);
        let x = feature_vector([3000.0, 1500.0, 2400.0, 3300.0, 1500.0, 2400.0], 10.0);
        let dvp = 300.0 / 3150.0;
        assert!((contrast_gate(&x) - GATE_FLOOR - dvp * dvp).abs() < 1e-15);
    }

    #[test]
    fn the_gates_are_g_g_over_one_plus_g_or_none() {
        let at = |properties| feature_vector(properties, 10.0);
        let parse = |s: &str| serde_json::from_str::<Correction>(&format!("{s:?}")).unwrap();
        for c in [
            Correction::Additive,
            Correction::Contrast,
            Correction::ContrastSaturating,
            Correction::ContrastAngleSaturating,
        ] {
            assert_eq!(parse(c.name()), c);
        }
        let moderate = at([3000.0, 1500.0, 2400.0, 4000.0, 2000.0, 2500.0]);
        let g = contrast_gate(&moderate);
        let (da, db, dr) = (1000.0 / 3500.0, 500.0 / 1750.0, 100.0 / 2450.0);
        assert!(
            (g - GATE_FLOOR - da * da - db * db - dr * dr).abs() < 1e-15,
            "{g}"
        );
        assert_eq!(Correction::Contrast.gate(&moderate), Some(g));
        assert_eq!(
            Correction::ContrastSaturating.gate(&moderate),
            Some(g / (1.0 + g))
        );
        assert_eq!(Correction::Additive.gate(&moderate), None);
        assert!(!Correction::Additive.is_gated() && Correction::ContrastSaturating.is_gated());
        // A step from 1500 to 6500 m/s (Vs 375 to 4480): g is 4.6, its saturating gate 0.82.
        let strong = at([1500.0, 375.0, 1900.0, 6500.0, 4480.0, 2900.0]);
        let g = contrast_gate(&strong);
        let s = saturating_gate(&strong);
        assert!(
            g > 4.5 && (s - g / (1.0 + g)).abs() < 1e-15 && s < 0.83,
            "{g} {s}"
        );
        // The angle factor: 1/2 where sin²θ = 0.05, near 0 at normal incidence, 0.94 at 60.
        let angled = |theta: f64| {
            let f = feature_vector([3000.0, 1500.0, 2400.0, 4000.0, 2000.0, 2500.0], theta);
            Correction::ContrastAngleSaturating.gate(&f).unwrap() / saturating_gate(&f)
        };
        let half = 0.05_f64.sqrt().asin().to_degrees();
        let want = (GATE_FLOOR + 0.05) / 0.1;
        assert!((angled(half) - want).abs() < 1e-12, "{}", angled(half));
        assert!(angled(0.0) > 0.0 && angled(0.0) < 1e-4, "{}", angled(0.0));
        assert!((angled(60.0) - 0.75 / 0.8).abs() < 1e-5, "{}", angled(60.0));
        // No contrast: both gates are the floor (to first order).
        let none = at([3000.0, 1500.0, 2400.0, 3000.0, 1500.0, 2400.0]);
        assert_eq!(contrast_gate(&none), GATE_FLOOR);
        assert!((saturating_gate(&none) - GATE_FLOOR).abs() < 2e-12);
    }
}
