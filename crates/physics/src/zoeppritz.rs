//! The exact plane-wave reflection and transmission coefficients of a planar interface between
//! two isotropic elastic half-spaces, for a P wave incident from above.
//!
//! # Equations
//!
//! With the ray parameter p = sin θ1 / α1 (s/m), the cosines of the four scattered waves' angles
//! cos i1 = cos θ1, cos i2 = √(1 − p²α2²), cos j1 = √(1 − p²β1²), cos j2 = √(1 − p²β2²), and
//!
//! ```text
//! a = ρ2 (1 − 2β2²p²) − ρ1 (1 − 2β1²p²)      E = b cos i1/α1 + c cos i2/α2
//! b = ρ2 (1 − 2β2²p²) + 2ρ1β1²p²             F = b cos j1/β1 + c cos j2/β2
//! c = ρ1 (1 − 2β1²p²) + 2ρ2β2²p²             G = a − d (cos i1/α1)(cos j2/β2)
//! d = 2 (ρ2β2² − ρ1β1²)                      H = a − d (cos i2/α2)(cos j1/β1)
//!                                            D = E F + G H p²
//!
//! Rpp = [ (b cos i1/α1 − c cos i2/α2) F − (a + d (cos i1/α1)(cos j2/β2)) H p² ] / D
//! Rps = −2 (cos i1/α1) [ a b + c d (cos i2/α2)(cos j2/β2) ] p α1 / (β1 D)
//! Tpp = 2 ρ1 (cos i1/α1) F α1 / (α2 D)
//! Tps = 2 ρ1 (cos i1/α1) H p α1 / (β2 D)
//! ```
//!
//! (Aki & Richards 1980, *Quantitative Seismology*, eq. 5.40 and table 5.1; the same explicit
//! form as the matrix solution of Castagna 1993 and Dvorkin, Gutierrez & Grana 2014, *Seismic
//! Reflections of Rock Properties*, ch. 2). α, β are the P and S velocities (m/s), ρ the
//! densities (kg/m3); coefficients are displacement amplitude ratios.
//!
//! # Past the critical angle
//!
//! Where p α2 > 1 (or p β2 > 1, p β1 > 1) the transmitted (reflected) wave is evanescent and its
//! cosine imaginary. Following Aki & Richards' time dependence e^{−iωt}, cos = +i √(p²v² − 1),
//! so that the wave decays away from the interface; the coefficients are then complex, with
//! |Rpp| = 1 past the last critical angle of a P-only problem. NumPy-based codes such as bruges
//! (`zoeppritz_rpp`, which the 2018 tutorial used) take the other branch of `arcsin` and return
//! the complex conjugate: the same real part, the opposite imaginary part.
//!
//! # Valid range
//!
//! θ1 from 0 to 90 degrees; all velocities and densities positive (a fluid layer, Vs = 0, is
//! refused: the equations need a shear modulus on both sides).

use std::ops::{Add, Div, Mul, Sub};

use num_complex::Complex64;

use crate::error::PhysicsError;
use crate::medium::Interface;

/// The four coefficients for a P wave incident from above: P-P and P-S reflection, P-P and P-S
/// transmission (displacement amplitude ratios, complex past a critical angle).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scattering {
    /// Reflected P / incident P.
    pub rpp: Complex64,
    /// Reflected S / incident P.
    pub rps: Complex64,
    /// Transmitted P / incident P.
    pub tpp: Complex64,
    /// Transmitted S / incident P.
    pub tps: Complex64,
}

impl Scattering {
    /// The share of the incident energy flux each scattered wave carries (Rpp, Rps, Tpp, Tps),
    /// each |coefficient|² weighted by its impedance and angle cosine, relative to the incident
    /// wave's: ρ v cos(angle) / (ρ1 α1 cos θ1). Below every critical angle they sum to 1
    /// (Aki & Richards 1980, section 5.2.5); an evanescent wave carries no flux and counts 0.
    pub fn energy_shares(&self, interface: &Interface, theta_deg: f64) -> [f64; 4] {
        let Interface {
            upper: m1,
            lower: m2,
        } = *interface;
        let theta = theta_deg.to_radians();
        let p = theta.sin() / m1.vp;
        let incident = m1.rho * m1.vp * theta.cos();
        let flux = |rho: f64, v: f64| {
            let c2 = 1.0 - p * p * v * v;
            if c2 > 0.0 {
                rho * v * c2.sqrt() / incident
            } else {
                0.0
            }
        };
        [
            self.rpp.norm_sqr(),
            flux(m1.rho, m1.vs) * self.rps.norm_sqr(),
            flux(m2.rho, m2.vp) * self.tpp.norm_sqr(),
            flux(m2.rho, m2.vs) * self.tps.norm_sqr(),
        ]
    }
}

/// The scalar arithmetic the coefficients need: `f64` below every critical angle, complex past
/// one.
trait Field:
    Copy
    + From<f64>
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Mul<f64, Output = Self>
{
}
impl Field for f64 {}
impl Field for Complex64 {}

/// The coefficients from the vertical slownesses q = cos(angle) / v of the four waves.
#[allow(clippy::too_many_arguments)] // the equations' own variables
fn coefficients<T: Field>(interface: &Interface, p: f64, qi1: T, qi2: T, qj1: T, qj2: T) -> [T; 4] {
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    let (a1, b1, r1) = (m1.vp, m1.vs, m1.rho);
    let (a2, b2, r2) = (m2.vp, m2.vs, m2.rho);
    let p2 = p * p;
    let s1 = 1.0 - 2.0 * b1 * b1 * p2;
    let s2 = 1.0 - 2.0 * b2 * b2 * p2;
    let a = r2 * s2 - r1 * s1;
    let b = r2 * s2 + 2.0 * r1 * b1 * b1 * p2;
    let c = r1 * s1 + 2.0 * r2 * b2 * b2 * p2;
    let d = 2.0 * (r2 * b2 * b2 - r1 * b1 * b1);
    let e = qi1 * b + qi2 * c;
    let f = qj1 * b + qj2 * c;
    let g = T::from(a) - qi1 * qj2 * d;
    let h = T::from(a) - qi2 * qj1 * d;
    let det = e * f + g * h * p2;
    let rpp = ((qi1 * b - qi2 * c) * f - (T::from(a) + qi1 * qj2 * d) * h * p2) / det;
    let rps = qi1 * (T::from(a * b) + qi2 * qj2 * (c * d)) * (-2.0 * p * a1 / b1) / det;
    let tpp = qi1 * f * (2.0 * r1 * a1 / a2) / det;
    let tps = qi1 * h * (2.0 * r1 * p * a1 / b2) / det;
    [rpp, rps, tpp, tps]
}

/// All four coefficients for a P wave incident at `theta_deg` degrees (0 to 90) on `interface`.
/// See the module documentation for the equations and conventions.
pub fn scattering(interface: &Interface, theta_deg: f64) -> Result<Scattering, PhysicsError> {
    interface.check(theta_deg)?;
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    if m1 == m2 {
        // No contrast: no reflection at any angle (the equations are 0/0 at grazing incidence).
        let zero = Complex64::new(0.0, 0.0);
        return Ok(Scattering {
            rpp: zero,
            rps: zero,
            tpp: Complex64::new(1.0, 0.0),
            tps: zero,
        });
    }
    let theta = theta_deg.to_radians();
    let p = theta.sin() / m1.vp;
    let qi1 = theta.cos() / m1.vp;
    let fastest = m2.vp.max(m1.vs).max(m2.vs);
    let [rpp, rps, tpp, tps] = if p * fastest <= 1.0 {
        // Below every critical angle: real arithmetic.
        let q = |v: f64| (1.0 - p * p * v * v).sqrt() / v;
        coefficients::<f64>(interface, p, qi1, q(m2.vp), q(m1.vs), q(m2.vs))
            .map(|x| Complex64::new(x, 0.0))
    } else {
        // cos = √(1 − p²v²), principal root: +i√(p²v² − 1) past the critical angle.
        let q = |v: f64| Complex64::new(1.0 - p * p * v * v, 0.0).sqrt() / v;
        coefficients::<Complex64>(interface, p, qi1.into(), q(m2.vp), q(m1.vs), q(m2.vs))
    };
    if ![rpp, rps, tpp, tps]
        .iter()
        .all(|c| c.re.is_finite() && c.im.is_finite())
    {
        return Err(PhysicsError::Singular { theta: theta_deg });
    }
    Ok(Scattering { rpp, rps, tpp, tps })
}

/// The exact P-P reflection coefficient (complex) for a P wave incident at `theta_deg` degrees.
pub fn rpp(interface: &Interface, theta_deg: f64) -> Result<Complex64, PhysicsError> {
    scattering(interface, theta_deg).map(|s| s.rpp)
}

/// [`rpp`] for many interfaces, each at its own angle (degrees). An invalid element is an
/// error naming its index.
pub fn rpp_many(
    interfaces: &[Interface],
    theta_deg: &[f64],
) -> Result<Vec<Complex64>, PhysicsError> {
    map_many(interfaces, theta_deg, rpp)
}

/// Applies `f` to each interface at its own angle, naming the index of an element that fails.
pub(crate) fn map_many<T>(
    interfaces: &[Interface],
    theta_deg: &[f64],
    f: impl Fn(&Interface, f64) -> Result<T, PhysicsError>,
) -> Result<Vec<T>, PhysicsError> {
    if interfaces.len() != theta_deg.len() {
        return Err(PhysicsError::Lengths {
            interfaces: interfaces.len(),
            angles: theta_deg.len(),
        });
    }
    interfaces
        .iter()
        .zip(theta_deg)
        .enumerate()
        .map(|(index, (interface, &theta))| {
            f(interface, theta).map_err(|e| PhysicsError::At {
                index,
                source: Box::new(e),
            })
        })
        .collect()
}
