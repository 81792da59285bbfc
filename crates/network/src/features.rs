//! The network's inputs: seven numbers per interface, always in this order.
//!
//! | index | feature | unit |
//! |---|---|---|
//! | 0 | Vp of the upper layer | m/s |
//! | 1 | Vs of the upper layer | m/s |
//! | 2 | density of the upper layer | kg/m3 |
//! | 3 | Vp of the lower layer | m/s |
//! | 4 | Vs of the lower layer | m/s |
//! | 5 | density of the lower layer | kg/m3 |
//! | 6 | angle of incidence θ | degrees |
//!
//! [`InputEncoding`] says whether the network is given them as they are or as contrasts.

use serde::{Deserialize, Serialize};

/// How many inputs the network takes per interface.
pub const FEATURES: usize = 7;

/// One interface's inputs, in [`Feature`] order.
pub type FeatureVector = [f64; FEATURES];

/// One of the seven inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    /// Vp of the upper layer, m/s.
    Vp1,
    /// Vs of the upper layer, m/s.
    Vs1,
    /// Density of the upper layer, kg/m3.
    Rho1,
    /// Vp of the lower layer, m/s.
    Vp2,
    /// Vs of the lower layer, m/s.
    Vs2,
    /// Density of the lower layer, kg/m3.
    Rho2,
    /// Angle of incidence, degrees.
    Theta,
}

impl Feature {
    /// Every feature, in input order.
    pub const ALL: [Feature; FEATURES] = [
        Feature::Vp1,
        Feature::Vs1,
        Feature::Rho1,
        Feature::Vp2,
        Feature::Vs2,
        Feature::Rho2,
        Feature::Theta,
    ];

    /// The column names of CSV files, in input order.
    pub const NAMES: [&'static str; FEATURES] =
        ["vp1", "vs1", "rho1", "vp2", "vs2", "rho2", "theta"];

    /// Its position in a [`FeatureVector`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Its column name (`vp1`, ..., `theta`).
    pub const fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Named access to a [`FeatureVector`].
pub trait Features {
    /// The value of one feature.
    fn get(&self, feature: Feature) -> f64;
    /// The angle of incidence, degrees.
    fn theta(&self) -> f64;
    /// The six elastic properties: Vp, Vs, density of the upper layer, then of the lower one.
    fn properties(&self) -> [f64; 6];
}

impl Features for FeatureVector {
    fn get(&self, feature: Feature) -> f64 {
        self[feature.index()]
    }

    fn theta(&self) -> f64 {
        self[Feature::Theta.index()]
    }

    fn properties(&self) -> [f64; 6] {
        std::array::from_fn(|i| self[i])
    }
}

/// A feature vector from the six elastic properties and the angle (degrees).
pub fn feature_vector(properties: [f64; 6], theta: f64) -> FeatureVector {
    std::array::from_fn(|i| if i < 6 { properties[i] } else { theta })
}

/// What the network is given of an interface: the seven features as they are, or the same
/// interface described by its contrasts ([`InputEncoding::width`] numbers: seven, nine for
/// [`InputEncoding::ContrastsComplexCosines`], eleven for [`InputEncoding::ContrastsFourWaves`]),
/// which the scaler then standardises.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputEncoding {
    /// The [`Feature`]s as they are (the tutorial): each layer's Vp, Vs, density, then θ.
    #[default]
    Layers,
    /// The interface as its contrasts, which is how the exact coefficient depends on it (Rpp is
    /// unchanged when every velocity, or every density, is scaled by one factor):
    ///
    /// | index | input |
    /// |---|---|
    /// | 0, 1, 2 | Δα/α, Δβ/β, Δρ/ρ, each divided by √g |
    /// | 3 | √g |
    /// | 4 | β/α, the mean Vs over the mean Vp |
    /// | 5 | θ, degrees |
    /// | 6 | sin²θ |
    ///
    /// Δ is the lower minus the upper layer's value, α, β, ρ the two layers' means, and
    /// g = [`contrast_gate`](crate::contrast_gate) = 1e-6 + the sum of the three squared relative
    /// contrasts. Inputs 0-2 are the direction of the contrast, 3 its size. A network that
    /// learns the error of Aki-Richards divided by g (which tends to a quadratic form in the
    /// direction as the contrast vanishes) then needs no subtraction of two nearly equal inputs.
    /// The seven determine Vp2/Vp1, Vs2/Vs1, ρ2/ρ1, Vs1/Vp1 and θ, and so the exact Rpp.
    Contrasts,
    /// [`InputEncoding::Contrasts`] with input 5, θ, replaced by p α2 = sin θ · Vp2/Vp1: the
    /// sine of the transmitted P wave's angle (Snell's law), 1 at the P-wave critical angle and
    /// above 1 past it, where Rpp turns complex and its real part bends. The network is told
    /// where the critical angle is rather than left to find it from θ and the contrast.
    ContrastsCritical,
    /// [`InputEncoding::Contrasts`] with inputs 5 and 6, θ and sin²θ, replaced by the cosines
    /// of the transmitted P and S waves' angles, signed: √(1 − x²) below the wave's critical
    /// angle and −√(x² − 1) past it, with x = sin θ · Vp2/Vp1 for the P wave and
    /// sin θ · Vs2/Vp1 for the S wave (Snell's law; 0 at the critical angle). The exact Rpp
    /// bends at each critical angle as √(1 − x²) does (its slope in θ is infinite there); in
    /// these inputs it only changes slope, which a network follows far more easily. The S
    /// wave has a critical angle only where Vs2 > Vp1 sin θ, behind strong steps up.
    ContrastsCosines,
    /// [`InputEncoding::ContrastsCosines`] with each transmitted wave's signed cosine c split
    /// into the real and the imaginary part of the complex cosine √(1 − x²): max(c, 0) and
    /// max(−c, 0). Nine inputs:
    ///
    /// | index | input |
    /// |---|---|
    /// | 0-4 | as [`InputEncoding::Contrasts`] |
    /// | 5, 6 | Re cos θ2, Im cos θ2 (the transmitted P wave), x = sin θ · Vp2/Vp1 |
    /// | 7, 8 | Re cos φ2, Im cos φ2 (the transmitted S wave), x = sin θ · Vs2/Vp1 |
    ///
    /// Zoeppritz's Rpp is a rational function of the four waves' complex vertical slownesses
    /// (Aki & Richards 1980, eq. 5.39), so its real part is a smooth function of these parts on
    /// both sides of each critical angle. A signed cosine folds the two sides into one number,
    /// and there Re(Rpp) has a kink (its slope in c jumps at c = 0); here it has none.
    ContrastsComplexCosines,
    /// [`InputEncoding::ContrastsComplexCosines`] with the other two waves' angles as well:
    /// eleven inputs, the nine, then
    ///
    /// | index | input |
    /// |---|---|
    /// | 9 | sin²θ, the incident and reflected P waves' |
    /// | 10 | cos φ1 = √(1 − x²), the reflected S wave's, x = sin θ · Vs1/Vp1 |
    ///
    /// (Rpp depends on θ through p² = sin²θ / α1². cos φ1 is signed as above where
    /// Vs1 > Vp1, which no rock has.)
    /// The nine determine them, but only through the contrasts; given as they are, the network
    /// need not rebuild them. Chosen on the domain test's distribution (docs/surrogate.md).
    ContrastsFourWaves,
    /// [`InputEncoding::ContrastsFourWaves`] and one more, twelve inputs:
    ///
    /// | index | input |
    /// |---|---|
    /// | 11 | the exact two-fluid Rpp's real part ([`zoepnet_physics::acoustic`]; 0 at or past 90 degrees) |
    ///
    /// The coefficient the elastic one tends to as the shear moduli vanish, with the same cusp
    /// at the P wave's critical angle and |R| = 1 past it: given as an input, the network
    /// follows the elastic Rpp's turns from it rather than rebuilding them from the cosines.
    /// Chosen on the domain test's distribution (docs/surrogate.md).
    ContrastsFourWavesAcoustic,
}

impl InputEncoding {
    /// The most inputs any encoding has.
    pub const MAX_WIDTH: usize = 12;

    /// How many inputs the network takes in this encoding.
    pub fn width(self) -> usize {
        match self {
            Self::ContrastsComplexCosines => 9,
            Self::ContrastsFourWaves => 11,
            Self::ContrastsFourWavesAcoustic => 12,
            _ => FEATURES,
        }
    }

    /// The names of the inputs, for messages.
    pub fn names(self) -> Vec<&'static str> {
        match self {
            Self::Layers => Feature::NAMES.to_vec(),
            Self::ContrastsCritical => {
                let mut names = Self::Contrasts.names();
                names[5] = "sin(theta) Vp2/Vp1";
                names
            }
            Self::ContrastsCosines => {
                let mut names = Self::Contrasts.names();
                names[5] = "signed cos(theta2)";
                names[6] = "signed cos(phi2)";
                names
            }
            Self::ContrastsComplexCosines => {
                let mut names = Self::Contrasts.names();
                names.truncate(5);
                names.extend([
                    "Re cos(theta2)",
                    "Im cos(theta2)",
                    "Re cos(phi2)",
                    "Im cos(phi2)",
                ]);
                names
            }
            Self::ContrastsFourWaves => {
                let mut names = Self::ContrastsComplexCosines.names();
                names.extend(["sin^2 theta", "cos(phi1)"]);
                names
            }
            Self::ContrastsFourWavesAcoustic => {
                let mut names = Self::ContrastsFourWaves.names();
                names.push("acoustic Rpp");
                names
            }
            Self::Contrasts => vec![
                "dVp/Vp/sqrt(g)",
                "dVs/Vs/sqrt(g)",
                "drho/rho/sqrt(g)",
                "sqrt(g)",
                "Vs/Vp",
                "theta",
                "sin^2 theta",
            ],
        }
    }

    /// The [`InputEncoding::width`] inputs of an interface in this encoding, unscaled.
    pub fn encode(self, features: &FeatureVector) -> Vec<f64> {
        if self == Self::ContrastsFourWavesAcoustic {
            let mut inputs = Self::ContrastsFourWaves.encode(features);
            let interface = zoepnet_physics::Interface::from_properties(features.properties());
            inputs.push(zoepnet_physics::acoustic(&interface, features.theta()).unwrap_or(0.0));
            return inputs;
        }
        let seven = self.encode_seven(features);
        if !matches!(
            self,
            Self::ContrastsComplexCosines | Self::ContrastsFourWaves
        ) {
            return seven.to_vec();
        }
        // The signed cosines c of inputs 5 and 6, each as max(c, 0) and max(−c, 0).
        let (p, s) = (seven[5], seven[6]);
        let mut inputs = seven[..5].to_vec();
        inputs.extend([p.max(0.0), (-p).max(0.0), s.max(0.0), (-s).max(0.0)]);
        if self == Self::ContrastsFourWaves {
            let properties = features.properties();
            let sin = features.theta().to_radians().sin();
            let x = if properties[0] == 0.0 {
                0.0
            } else {
                sin * properties[1] / properties[0]
            };
            inputs.extend([sin * sin, signed_cosine(x)]);
        }
        inputs
    }

    /// Seven inputs: the seven-input encodings' own, and for
    /// [`InputEncoding::ContrastsComplexCosines`] and [`InputEncoding::ContrastsFourWaves`] those
    /// of [`InputEncoding::ContrastsCosines`], whose signed cosines [`InputEncoding::encode`]
    /// then splits (and adds to).
    fn encode_seven(self, features: &FeatureVector) -> FeatureVector {
        match self {
            Self::Layers => *features,
            Self::ContrastsCritical => {
                let mut inputs = Self::Contrasts.encode_seven(features);
                let p = features.properties();
                let sin = features.theta().to_radians().sin();
                inputs[5] = if p[0] == 0.0 { 0.0 } else { sin * p[3] / p[0] };
                inputs
            }
            Self::ContrastsCosines
            | Self::ContrastsComplexCosines
            | Self::ContrastsFourWaves
            | Self::ContrastsFourWavesAcoustic => {
                let mut inputs = Self::Contrasts.encode_seven(features);
                let p = features.properties();
                let sin = features.theta().to_radians().sin();
                let sine = |v: f64| if p[0] == 0.0 { 0.0 } else { sin * v / p[0] };
                inputs[5] = signed_cosine(sine(p[3]));
                inputs[6] = signed_cosine(sine(p[4]));
                inputs
            }
            Self::Contrasts => {
                let p = features.properties();
                let contrasts = relative_contrasts(&p);
                let size = crate::baseline::gate_of(&contrasts).sqrt();
                let (alpha, beta) = (0.5 * (p[0] + p[3]), 0.5 * (p[1] + p[4]));
                let theta = features.theta();
                let sin = theta.to_radians().sin();
                [
                    contrasts[0] / size,
                    contrasts[1] / size,
                    contrasts[2] / size,
                    size,
                    if alpha == 0.0 { 0.0 } else { beta / alpha },
                    theta,
                    sin * sin,
                ]
            }
        }
    }
}

/// The cosine of an angle whose sine is `x`, signed: √(1 − x²) for |x| ≤ 1, −√(x² − 1) past
/// (an evanescent wave's cosine is imaginary; the sign tells the two apart).
fn signed_cosine(x: f64) -> f64 {
    let x2 = x * x;
    if x2 <= 1.0 {
        (1.0 - x2).sqrt()
    } else {
        -(x2 - 1.0).sqrt()
    }
}

/// Δα/α, Δβ/β, Δρ/ρ: each property's lower minus upper value over the two layers' mean (0 where
/// both values are 0, two fluids' Vs).
pub fn relative_contrasts(properties: &[f64; 6]) -> [f64; 3] {
    std::array::from_fn(|i| {
        let (upper, lower) = (properties[i], properties[i + 3]);
        let mean = 0.5 * (upper + lower);
        if mean == 0.0 {
            0.0
        } else {
            (lower - upper) / mean
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_follow_the_input_order() {
        let f = feature_vector([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 7.0);
        assert_eq!(f.theta(), 7.0);
        assert_eq!(f.properties(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(f.get(Feature::Rho2), 6.0);
        assert_eq!(Feature::Vs2.name(), "vs2");
        assert_eq!(Feature::ALL.map(Feature::index), [0, 1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn contrast_inputs_describe_the_interface_up_to_scale() {
        let f = feature_vector([3000.0, 1500.0, 2400.0, 3300.0, 1500.0, 2000.0], 30.0);
        let e = InputEncoding::Contrasts.encode(&f);
        let (a, r): (f64, f64) = (300.0 / 3150.0, -400.0 / 2200.0);
        let size = (1e-6 + a * a + r * r).sqrt();
        let expected = [a / size, 0.0, r / size, size, 1500.0 / 3150.0, 30.0, 0.25];
        for (got, want) in e.iter().zip(expected) {
            assert!((got - want).abs() < 1e-14, "{e:?} against {expected:?}");
        }
        // Every velocity doubled, every density halved: the same inputs.
        let scaled = feature_vector([6000.0, 3000.0, 1200.0, 6600.0, 3000.0, 1000.0], 30.0);
        let e2 = InputEncoding::Contrasts.encode(&scaled);
        assert!(e.iter().zip(e2).all(|(x, y)| (x - y).abs() < 1e-14));
        assert_eq!(InputEncoding::Layers.encode(&f), f.to_vec());
        // With the critical angle: input 5 is sin 30° · 3300/3000, the rest the same.
        let c = InputEncoding::ContrastsCritical.encode(&f);
        assert!((c[5] - 0.5 * 1.1).abs() < 1e-14, "{c:?}");
        assert!(
            c.iter()
                .zip(e)
                .enumerate()
                .all(|(i, (x, y))| i == 5 || x == &y)
        );
        // The signed cosine: √(1 − 0.55²) here; past the critical angle, negative.
        let k = InputEncoding::ContrastsCosines.encode(&f);
        assert!(
            (k[5] - (1.0 - 0.55f64 * 0.55).sqrt()).abs() < 1e-14,
            "{k:?}"
        );
        let past = feature_vector([3000.0, 1500.0, 2400.0, 4500.0, 2000.0, 2000.0], 60.0);
        let x = 60f64.to_radians().sin() * 1.5;
        let k = InputEncoding::ContrastsCosines.encode(&past);
        assert!((k[5] + (x * x - 1.0).sqrt()).abs() < 1e-14, "{k:?}");
        // And the S wave's: sin 60° · 2000/3000 below 1, so positive; Vs2 = 4000, past.
        let xs = 60f64.to_radians().sin() * 2000.0 / 3000.0;
        assert!((k[6] - (1.0 - xs * xs).sqrt()).abs() < 1e-14, "{k:?}");
        let mut fast = past;
        fast[4] = 4000.0;
        let k = InputEncoding::ContrastsCosines.encode(&fast);
        let xs = 60f64.to_radians().sin() * 4000.0 / 3000.0;
        assert!((k[6] + (xs * xs - 1.0).sqrt()).abs() < 1e-14, "{k:?}");
        // Complex cosines: the signed ones split into real and imaginary parts, nine inputs.
        let z = InputEncoding::ContrastsComplexCosines.encode(&fast);
        assert_eq!(z.len(), InputEncoding::ContrastsComplexCosines.width());
        assert_eq!(z[..5], k[..5]);
        assert_eq!(z[5..], [0.0, -k[5], 0.0, -k[6]]);
        let z = InputEncoding::ContrastsComplexCosines.encode(&f);
        let k = InputEncoding::ContrastsCosines.encode(&f);
        assert_eq!(z[5..], [k[5], 0.0, k[6], 0.0]);
        assert_eq!(
            InputEncoding::ContrastsComplexCosines.names()[8],
            "Im cos(phi2)"
        );
        // Four waves: the nine, then sin²θ and the reflected S wave's cosine.
        let w = InputEncoding::ContrastsFourWaves.encode(&fast);
        assert_eq!(w.len(), InputEncoding::ContrastsFourWaves.width());
        assert_eq!(
            w[..9],
            InputEncoding::ContrastsComplexCosines.encode(&fast)[..]
        );
        let x1 = 60f64.to_radians().sin() * 1500.0 / 3000.0;
        assert!((w[9] - 0.75).abs() < 1e-14, "{w:?}");
        assert!((w[10] - (1.0 - x1 * x1).sqrt()).abs() < 1e-14, "{w:?}");
        assert_eq!(InputEncoding::ContrastsFourWaves.names()[10], "cos(phi1)");
        // Two fluids: the Vs contrast is 0, not NaN.
        let fluids = feature_vector([1500.0, 0.0, 1000.0, 1600.0, 0.0, 1050.0], 10.0);
        let e3 = InputEncoding::Contrasts.encode(&fluids);
        assert!(e3.iter().all(|x| x.is_finite()) && e3[1] == 0.0 && e3[4] == 0.0);
        let w3 = InputEncoding::ContrastsFourWaves.encode(&fluids);
        assert!(w3.iter().all(|x| x.is_finite()) && w3[10] == 1.0, "{w3:?}");
    }

    #[test]
    fn four_waves_acoustic_adds_the_two_fluid_coefficient() {
        // (Z2 - Z1) / (Z2 + Z1) at normal incidence: 6 / 14 here.
        let a = InputEncoding::ContrastsFourWavesAcoustic;
        let normal = feature_vector([2000.0, 1000.0, 2000.0, 4000.0, 2500.0, 2500.0], 0.0);
        let v = a.encode(&normal);
        assert_eq!(
            (v.len(), a.width(), a.names()[11]),
            (12, 12, "acoustic Rpp")
        );
        assert_eq!(
            v[..11],
            InputEncoding::ContrastsFourWaves.encode(&normal)[..]
        );
        assert!((v[11] - 6.0 / 14.0).abs() < 1e-15, "{v:?}");
    }
}
