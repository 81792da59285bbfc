//! The classic linear approximations to the P-P reflection coefficient, for small contrasts.
//!
//! Both use the layer averages α = (α1 + α2)/2, β = (β1 + β2)/2, ρ = (ρ1 + ρ2)/2 and the contrasts
//! Δα = α2 − α1, Δβ = β2 − β1, Δρ = ρ2 − ρ1 (velocities in m/s, densities in kg/m3, angles in
//! degrees at the API). They are real, and meant for small contrasts and angles well below the
//! critical angle; past it the transmission angle is taken as 90 degrees, where they mean little.

use crate::error::PhysicsError;
use crate::medium::Interface;
use crate::zoeppritz::map_many;

struct Contrasts {
    dvp: f64,
    dvs: f64,
    drho: f64,
}

fn contrasts(i: &Interface) -> (Contrasts, f64, f64, f64) {
    let (m1, m2) = (i.upper, i.lower);
    let vp = 0.5 * (m1.vp + m2.vp);
    let vs = 0.5 * (m1.vs + m2.vs);
    let rho = 0.5 * (m1.rho + m2.rho);
    let c = Contrasts {
        dvp: (m2.vp - m1.vp) / vp,
        dvs: (m2.vs - m1.vs) / vs,
        drho: (m2.rho - m1.rho) / rho,
    };
    (c, vp, vs, rho)
}

/// Aki-Richards, three terms:
///
/// ```text
/// R(θ) = ½ (1 − 4 β²p²) Δρ/ρ + Δα / (2 α cos²θ̄) − 4 β²p² Δβ/β,   p = sin θ1 / α1
/// ```
///
/// with θ̄ = (θ1 + θ2)/2 the mean of the incidence and transmission angles
/// (sin θ2 = α2 sin θ1 / α1). Aki & Richards 1980, *Quantitative Seismology*, eq. 5.44, in the
/// form of Avseth, Mukerji & Mavko 2005, *Quantitative Seismic Interpretation*, section 4.3. At
/// normal incidence it gives ½ (Δα/α + Δρ/ρ), the linearisation of (Z2 − Z1)/(Z2 + Z1).
pub fn aki_richards(interface: &Interface, theta_deg: f64) -> Result<f64, PhysicsError> {
    interface.check(theta_deg)?;
    let (c, _vp, vs, _rho) = contrasts(interface);
    let t1 = theta_deg.to_radians();
    let sin_t2 = (interface.lower.vp / interface.upper.vp * t1.sin()).min(1.0);
    let mean = 0.5 * (t1 + sin_t2.asin());
    let k = (vs / interface.upper.vp * t1.sin()).powi(2); // β²p²
    Ok(0.5 * (1.0 - 4.0 * k) * c.drho + 0.5 * c.dvp / mean.cos().powi(2) - 4.0 * k * c.dvs)
}

/// How many of Shuey's terms to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShueyTerms {
    /// Intercept and gradient: R0 + G sin²θ.
    Two,
    /// Plus the curvature term F (tan²θ − sin²θ).
    Three,
}

/// Shuey's approximation:
///
/// ```text
/// R(θ) = R0 + G sin²θ + F (tan²θ − sin²θ)
/// R0 = ½ (Δα/α + Δρ/ρ)
/// G  = ½ Δα/α − 2 (β/α)² (Δρ/ρ + 2 Δβ/β)
/// F  = ½ Δα/α
/// ```
///
/// with θ the incidence angle; [`ShueyTerms::Two`] drops the F term. Shuey 1985, "A
/// simplification of the Zoeppritz equations", *Geophysics* 50(4), 609-614, in the notation of
/// Castagna 1993 (*Offset-Dependent Reflectivity*, SEG, ch. 1).
pub fn shuey(
    interface: &Interface,
    theta_deg: f64,
    terms: ShueyTerms,
) -> Result<f64, PhysicsError> {
    interface.check(theta_deg)?;
    let (c, vp, vs, _rho) = contrasts(interface);
    let t = theta_deg.to_radians();
    let r0 = 0.5 * (c.dvp + c.drho);
    let g = 0.5 * c.dvp - 2.0 * (vs / vp).powi(2) * (c.drho + 2.0 * c.dvs);
    let sin2 = t.sin().powi(2);
    let curvature = match terms {
        ShueyTerms::Two => 0.0,
        ShueyTerms::Three => 0.5 * c.dvp * (t.tan().powi(2) - sin2),
    };
    Ok(r0 + g * sin2 + curvature)
}

/// [`aki_richards`] for many interfaces, each at its own angle (degrees).
pub fn aki_richards_many(
    interfaces: &[Interface],
    theta_deg: &[f64],
) -> Result<Vec<f64>, PhysicsError> {
    map_many(interfaces, theta_deg, aki_richards)
}

/// [`shuey`] for many interfaces, each at its own angle (degrees).
pub fn shuey_many(
    interfaces: &[Interface],
    theta_deg: &[f64],
    terms: ShueyTerms,
) -> Result<Vec<f64>, PhysicsError> {
    map_many(interfaces, theta_deg, |i, t| shuey(i, t, terms))
}
