//! Elastic media and the interfaces between them.

use crate::error::PhysicsError;

/// An isotropic elastic medium: P- and S-wave velocities (m/s) and density (kg/m3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Elastic {
    /// P-wave velocity, m/s.
    pub vp: f64,
    /// S-wave velocity, m/s.
    pub vs: f64,
    /// Density, kg/m3.
    pub rho: f64,
}

impl Elastic {
    /// A medium from its P-wave velocity (m/s), S-wave velocity (m/s) and density (kg/m3).
    pub const fn new(vp: f64, vs: f64, rho: f64) -> Self {
        Self { vp, vs, rho }
    }

    /// Whether this is a fluid (an acoustic medium): no shear strength, Vs = 0.
    pub fn is_fluid(&self) -> bool {
        self.vs == 0.0
    }

    /// Bulk modulus, Pa: K = ρ (Vp² − 4/3 Vs²) (e.g. Mavko, Mukerji & Dvorkin 2009, "The Rock
    /// Physics Handbook", 2nd ed., section 2.2: Vp = √((K + 4/3 μ) / ρ), Vs = √(μ / ρ)).
    pub fn bulk_modulus(&self) -> f64 {
        self.rho * (self.vp * self.vp - 4.0 / 3.0 * self.vs * self.vs)
    }

    /// Whether a rock (or a fluid) can have these properties: a positive bulk modulus, that is
    /// Vp/Vs > √(4/3) ≈ 1.155. No known rock comes near (dry quartz sandstone, the stiffest in
    /// shear, has Vp/Vs ≈ 1.5); a log sample below it, Vs close to or above Vp, is a log error
    /// (a cycle skip of the shear sonic, say). The Zoeppritz equations still give a value there,
    /// so such samples are not refused, but a score can leave them out and say so.
    pub fn is_stable(&self) -> bool {
        self.bulk_modulus() > 0.0
    }

    /// Checks that Vp and density are positive, finite numbers and Vs is 0 (a fluid) or one
    /// (`which` is 1 or 2, for messages).
    pub(crate) fn check(&self, which: usize) -> Result<(), PhysicsError> {
        let names = [["vp1", "vs1", "rho1"], ["vp2", "vs2", "rho2"]][which - 1];
        for (name, value) in names.into_iter().zip([self.vp, self.vs, self.rho]) {
            let shear = name.starts_with("vs");
            if !(value.is_finite() && (value > 0.0 || (shear && value == 0.0))) {
                return Err(if shear {
                    PhysicsError::ShearVelocity { name, value }
                } else {
                    PhysicsError::NotPositive { name, value }
                });
            }
        }
        Ok(())
    }
}

/// A planar interface: the medium above (the incident wave's side) and the medium below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interface {
    /// The upper medium, where the P wave comes from.
    pub upper: Elastic,
    /// The lower medium.
    pub lower: Elastic,
}

impl Interface {
    /// An interface from the upper and lower media.
    pub const fn new(upper: Elastic, lower: Elastic) -> Self {
        Self { upper, lower }
    }

    /// The P-wave critical angle asin(Vp1/Vp2) in degrees (Snell's law: the transmitted P
    /// wave grazes the interface), where the lower layer is faster; `None` where it is not.
    pub fn critical_angle(&self) -> Option<f64> {
        (self.lower.vp > self.upper.vp).then(|| (self.upper.vp / self.lower.vp).asin().to_degrees())
    }

    /// An interface from the seven numbers of one tutorial row: vp1, vs1, rho1, vp2, vs2, rho2
    /// (the angle is kept apart).
    pub const fn from_properties(p: [f64; 6]) -> Self {
        Self::new(
            Elastic::new(p[0], p[1], p[2]),
            Elastic::new(p[3], p[4], p[5]),
        )
    }

    /// Checks both media (Vp and density positive and finite, Vs positive or 0) and the angle
    /// (degrees, within [0, 90]): what every coefficient here asks of its input.
    ///
    /// # Errors
    /// The first value that fails, named ([`PhysicsError`]).
    pub fn check(&self, theta_deg: f64) -> Result<(), PhysicsError> {
        self.upper.check(1)?;
        self.lower.check(2)?;
        if !(0.0..=90.0).contains(&theta_deg) {
            return Err(PhysicsError::Angle(theta_deg));
        }
        Ok(())
    }

    /// The normal-incidence reflection coefficient (Z2 - Z1) / (Z2 + Z1), Z = rho * vp.
    pub fn normal_incidence(&self) -> f64 {
        let z1 = self.upper.rho * self.upper.vp;
        let z2 = self.lower.rho * self.lower.vp;
        (z2 - z1) / (z2 + z1)
    }
}

#[cfg(test)]
mod tests {
    use super::{Elastic, Interface};

    #[test]
    fn the_critical_angle_is_where_the_lower_layer_is_faster() {
        let slow = Elastic::new(2000.0, 1000.0, 2000.0);
        let fast = Elastic::new(4000.0, 2000.0, 2400.0);
        let angle = Interface::new(slow, fast)
            .critical_angle()
            .expect("faster below");
        assert!((angle - 30.0).abs() < 1e-12, "{angle}");
        assert_eq!(Interface::new(fast, slow).critical_angle(), None);
        assert_eq!(Interface::new(slow, slow).critical_angle(), None);
    }

    #[test]
    fn a_medium_with_vs_near_or_above_vp_is_not_stable() {
        // Vp/Vs 1.5 (quartz sandstone) and a fluid are; 1.15 (just under √(4/3)) and 0.905
        // (a cycle-skipped shear log of Volve 15_9-F-4) are not.
        assert!(Elastic::new(3000.0, 2000.0, 2400.0).is_stable());
        assert!(Elastic::new(1500.0, 0.0, 1000.0).is_stable());
        assert!(!Elastic::new(3000.0, 3000.0 / 1.15, 2400.0).is_stable());
        assert!(!Elastic::new(3708.5, 4097.5, 2391.8).is_stable());
        let k = Elastic::new(3000.0, 1500.0, 2000.0).bulk_modulus();
        assert!((k - 2000.0 * (9e6 - 3e6)).abs() < 1e-6, "{k}");
    }
}
