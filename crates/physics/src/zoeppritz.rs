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
//! # Fluid layers
//!
//! A fluid (Vs = 0: water, brine, gas-filled sediment treated as a fluid) carries no shear
//! wave and no shear stress, and may slip along the interface. Of the four boundary conditions
//! of the solid-solid problem (continuity of horizontal and vertical displacement, of shear and
//! of normal traction; Aki & Richards 1980, eq. 5.38 to 5.39 and section 5.2) the continuity of
//! horizontal displacement is dropped, the shear traction must vanish on the solid side, and
//! the fluid's S wave is absent: the same rows, written in the same conventions, make a 3x3
//! system (one fluid side) or a 2x2 one (both fluid), solved here by Cramer's rule. With
//! Z = ρα the P impedances (kg/m3 · m/s), c1 = cos θ1, c2 = cos i2, and for the solid side
//! s = pβ, k = cos j = √(1 − s²), ψ = 1 − 2s² (= cos 2j):
//!
//! ```text
//! fluid over solid (a water bottom), Rps = 0:
//!   W2  = Z2 ψ2² + 4 ρ2 β2 s2² c2 k2,           D = c1 W2 + Z1 c2
//!   Rpp = (c1 W2 − Z1 c2) / D
//!   Tpp = 2 Z1 ψ2 c1 / D
//!   Tps = −4 Z1 s2 c1 c2 / D
//!
//! solid over fluid, Tps = 0:
//!   W1  = Z1 ψ1² + 4 ρ1 β1 s1² c1 k1,           D = c1 Z2 + c2 W1
//!   Rpp = (c1 Z2 − c2 (Z1 ψ1² − 4 ρ1 β1 s1² c1 k1)) / D
//!   Rps = 4 Z1 s1 ψ1 c1 c2 / D
//!   Tpp = 2 Z1 ψ1 c1 / D
//!
//! fluid over fluid (β1 = β2 = 0, so s = 0, ψ = 1: either form), Rps = Tps = 0:
//!   Rpp = (Z2 c1 − Z1 c2) / (Z2 c1 + Z1 c2) = (ρ2α2 cos θ1 − ρ1α1 cos i2) / (ρ2α2 cos θ1 + ρ1α1 cos i2)
//!   Tpp = 2 Z1 c1 / (Z2 c1 + Z1 c2)
//! ```
//!
//! The fluid-over-solid Rpp is Brekhovskikh's (*Waves in Layered Media*, 2nd ed., 1980, ch. 1,
//! reflection from a liquid-solid boundary; also Brekhovskikh & Lysanov, *Fundamentals of Ocean
//! Acoustics*, ch. 2): R = (Zl cos²2j2 + Zt sin²2j2 − Z)/(Zl cos²2j2 + Zt sin²2j2 + Z) with the
//! angle impedances Z = ρ1α1/cos θ1, Zl = ρ2α2/cos i2, Zt = ρ2β2/cos j2, multiplied through by
//! cos θ1 cos i2 so that no cosine is left in a denominator (they vanish at critical angles).
//! The fluid-fluid one is Rayleigh's. At normal incidence all three give (Z2 − Z1)/(Z2 + Z1) and
//! Tpp = 2 Z1/(Z1 + Z2), as the solid-solid equations do; at 90 degrees Rpp = −1.
//!
//! Past a critical angle the cosines are complex, on the same branch as above. The coefficients
//! are the limits of the solid-solid ones as the fluid's Vs → 0, with one exception: the
//! displacement amplitude of the near-fluid layer's own S wave tends to a finite value while
//! the energy it carries, ρ β cos j |R|², vanishes with β; a fluid has no such wave, and
//! [`Scattering`] gives it as 0.
//!
//! # Valid range
//!
//! θ1 from 0 to 90 degrees; Vp and density positive; Vs positive, or 0 for a fluid layer (a
//! negative or non-finite Vs is an error).

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

/// sin θ and cos θ of an angle θ in degrees, exact at grazing incidence (90 degrees), where
/// f64's cos(π/2) is 6.1e-17 rather than 0 and the solution missed Rpp = −1 by an ulp; at any
/// other angle, those of θ in radians.
fn sin_cos_degrees(theta_deg: f64) -> (f64, f64) {
    if theta_deg == 90.0 {
        (1.0, 0.0)
    } else {
        let theta = theta_deg.to_radians();
        (theta.sin(), theta.cos())
    }
}

/// An angle of incidence, checked (0 to 90 degrees) and with its sine and cosine worked out
/// once: for a gather, where many interfaces meet each angle ([`rpp_at`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incidence {
    degrees: f64,
    sin: f64,
    cos: f64,
}

impl Incidence {
    /// The angle `theta_deg` in degrees.
    ///
    /// # Errors
    /// [`PhysicsError::Angle`] outside [0, 90] (NaN included).
    pub fn degrees(theta_deg: f64) -> Result<Self, PhysicsError> {
        if !(0.0..=90.0).contains(&theta_deg) {
            return Err(PhysicsError::Angle(theta_deg));
        }
        let (sin, cos) = sin_cos_degrees(theta_deg);
        Ok(Self {
            degrees: theta_deg,
            sin,
            cos,
        })
    }

    /// The angle in degrees.
    pub fn in_degrees(&self) -> f64 {
        self.degrees
    }
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
        let (sin, cos) = sin_cos_degrees(theta_deg);
        let p = sin / m1.vp;
        let incident = m1.rho * m1.vp * cos;
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
    + Div<f64, Output = Self>
    + Into<Complex64>
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

/// The coefficients (Rpp, Rps, Tpp, Tps) of a fluid over a solid or a fluid (Rps = 0), from
/// the cosines c1 = cos θ1, c2 = cos i2 and k2 = cos j2; module documentation, "Fluid layers".
fn fluid_over<T: Field>(interface: &Interface, p: f64, c1: T, c2: T, k2: T) -> [T; 4] {
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    let s2 = p * m2.vs;
    let psi2 = 1.0 - 2.0 * s2 * s2;
    let w2 = T::from(z2 * psi2 * psi2) + c2 * k2 * (4.0 * m2.rho * m2.vs * s2 * s2);
    let det = c1 * w2 + c2 * z1;
    let rpp = (c1 * w2 - c2 * z1) / det;
    let tpp = c1 * (2.0 * z1 * psi2) / det;
    let tps = if m2.is_fluid() {
        T::from(0.0)
    } else {
        c1 * c2 * (-4.0 * z1 * s2) / det
    };
    [rpp, T::from(0.0), tpp, tps]
}

/// The coefficients (Rpp, Rps, Tpp, Tps) of a solid over a fluid (Tps = 0), from the cosines
/// c1 = cos θ1, c2 = cos i2 and k1 = cos j1; module documentation, "Fluid layers".
fn solid_over_fluid<T: Field>(interface: &Interface, p: f64, c1: T, c2: T, k1: T) -> [T; 4] {
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    let s1 = p * m1.vs;
    let psi1 = 1.0 - 2.0 * s1 * s1;
    let shear = c1 * k1 * (4.0 * m1.rho * m1.vs * s1 * s1);
    let det = c1 * z2 + c2 * (shear + T::from(z1 * psi1 * psi1));
    let rpp = (c1 * z2 - c2 * (T::from(z1 * psi1 * psi1) - shear)) / det;
    let rps = c1 * c2 * (4.0 * z1 * s1 * psi1) / det;
    let tpp = c1 * (2.0 * z1 * psi1) / det;
    [rpp, rps, tpp, T::from(0.0)]
}

/// The four coefficients of `interface` for the ray parameter `p` (s/m) and c1 = cos θ1, with
/// `cos(v)` the cosine √(1 − p²v²) of a wave of speed v: solid-solid, or a fluid on either side.
#[inline(always)]
fn solve<T: Field>(interface: &Interface, p: f64, c1: T, cos: impl Fn(f64) -> T) -> [Complex64; 4] {
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    let coefficients = if m1.is_fluid() {
        fluid_over(interface, p, c1, cos(m2.vp), cos(m2.vs))
    } else if m2.is_fluid() {
        solid_over_fluid(interface, p, c1, cos(m2.vp), cos(m1.vs))
    } else {
        let q = |v: f64| cos(v) / v;
        coefficients(interface, p, c1 / m1.vp, q(m2.vp), q(m1.vs), q(m2.vs))
    };
    coefficients.map(Into::into)
}

/// All four coefficients for a P wave incident at `theta_deg` degrees (0 to 90) on `interface`,
/// either layer possibly a fluid (Vs = 0). See the module documentation for the equations and
/// conventions; a wave a fluid cannot carry (its S wave) has coefficient 0.
pub fn scattering(interface: &Interface, theta_deg: f64) -> Result<Scattering, PhysicsError> {
    interface.check(theta_deg)?;
    let [rpp, rps, tpp, tps] = unchecked(interface, &Incidence::degrees(theta_deg)?);
    if ![rpp, rps, tpp, tps].iter().all(finite) {
        return Err(PhysicsError::Singular { theta: theta_deg });
    }
    Ok(Scattering { rpp, rps, tpp, tps })
}

/// Whether both parts of `c` are finite.
fn finite(c: &Complex64) -> bool {
    c.re.is_finite() && c.im.is_finite()
}

/// (Rpp, Rps, Tpp, Tps) for a checked interface, not yet checked to be finite. Inlined, so that
/// a caller that uses only some of them (as [`rpp`] does) computes only those.
#[inline(always)]
fn unchecked(interface: &Interface, angle: &Incidence) -> [Complex64; 4] {
    let Interface {
        upper: m1,
        lower: m2,
    } = *interface;
    if m1 == m2 {
        // No contrast: no reflection at any angle (the equations are 0/0 at grazing incidence).
        let zero = Complex64::new(0.0, 0.0);
        return [zero, zero, Complex64::new(1.0, 0.0), zero];
    }
    let (sin, cos) = (angle.sin, angle.cos);
    let p = sin / m1.vp;
    let fastest = m2.vp.max(m1.vs).max(m2.vs);
    if p * fastest <= 1.0 {
        // Below every critical angle: real arithmetic.
        solve::<f64>(interface, p, cos, |v| (1.0 - p * p * v * v).sqrt())
    } else {
        // cos = √(1 − p²v²), principal root: +i√(p²v² − 1) past the critical angle.
        solve::<Complex64>(interface, p, cos.into(), |v| {
            Complex64::new(1.0 - p * p * v * v, 0.0).sqrt()
        })
    }
}

/// The exact P-P reflection coefficient (complex) for a P wave incident at `theta_deg` degrees:
/// [`scattering`]'s Rpp, computed alone.
pub fn rpp(interface: &Interface, theta_deg: f64) -> Result<Complex64, PhysicsError> {
    interface.check(theta_deg)?;
    checked_rpp(interface, &Incidence::degrees(theta_deg)?)
}

/// [`rpp`] at an angle whose sine and cosine are worked out already (a gather's).
pub fn rpp_at(interface: &Interface, angle: &Incidence) -> Result<Complex64, PhysicsError> {
    interface.upper.check(1)?;
    interface.lower.check(2)?;
    checked_rpp(interface, angle)
}

/// Rpp of a checked interface, refused where it is not finite.
fn checked_rpp(interface: &Interface, angle: &Incidence) -> Result<Complex64, PhysicsError> {
    let [rpp, ..] = unchecked(interface, angle);
    if !finite(&rpp) {
        return Err(PhysicsError::Singular {
            theta: angle.degrees,
        });
    }
    Ok(rpp)
}

/// An interface with what [`rpp_at`] works out of its layers alone done once, for a gather
/// (each interface met by many angles). Between two solids below every critical angle it uses
/// the vertical slownesses q = cos(angle)/v = √(1/v² − p²) of the module's equations, from
/// 1/v² worked out here: three square roots and one division per angle. Elsewhere (a fluid,
/// past a critical angle, no contrast) it is [`rpp_at`] itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GatherInterface {
    interface: Interface,
    /// 1/α1 (s/m).
    slowness: f64,
    /// 1/α2², 1/β1², 1/β2² (s²/m²), and the least of them (1/v² of the fastest wave).
    squared: [f64; 3],
    least: f64,
    /// Both layers solid, and with a contrast.
    fast: bool,
}

impl GatherInterface {
    /// `interface`, checked.
    ///
    /// # Errors
    /// As [`Interface::check`]: a velocity or density that no layer can have.
    pub fn new(interface: Interface) -> Result<Self, PhysicsError> {
        interface.upper.check(1)?;
        interface.lower.check(2)?;
        let Interface {
            upper: m1,
            lower: m2,
        } = interface;
        let fast = !m1.is_fluid() && !m2.is_fluid() && m1 != m2;
        let squared = [m2.vp, m1.vs, m2.vs].map(|v| 1.0 / (v * v));
        Ok(Self {
            interface,
            slowness: 1.0 / m1.vp,
            squared,
            least: squared[0].min(squared[1]).min(squared[2]),
            fast,
        })
    }

    /// The exact Rpp at `angle`: [`rpp_at`], to rounding.
    ///
    /// # Errors
    /// As [`rpp_at`].
    #[inline]
    pub fn rpp(&self, angle: &Incidence) -> Result<Complex64, PhysicsError> {
        let p = angle.sin * self.slowness;
        let p2 = p * p;
        if !self.fast || p2 > self.least {
            return checked_rpp(&self.interface, angle);
        }
        let [qi2, qj1, qj2] = self.squared.map(|s| (s - p2).max(0.0).sqrt());
        let [rpp, ..] =
            coefficients::<f64>(&self.interface, p, angle.cos * self.slowness, qi2, qj1, qj2);
        if !rpp.is_finite() {
            return Err(PhysicsError::Singular {
                theta: angle.degrees,
            });
        }
        Ok(Complex64::new(rpp, 0.0))
    }
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
                error: Box::new(e),
            })
        })
        .collect()
}
