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
}
