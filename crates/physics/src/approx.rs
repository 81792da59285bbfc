//! The classic linear approximations to the P-P reflection coefficient, for small contrasts.
//!
//! Both use the layer averages α = (α1 + α2)/2, β = (β1 + β2)/2, ρ = (ρ1 + ρ2)/2 and the contrasts
//! Δα = α2 − α1, Δβ = β2 − β1, Δρ = ρ2 − ρ1 (velocities in m/s, densities in kg/m3, angles in
//! degrees at the API). They are real, and meant for small contrasts and angles well below the
//! critical angle.
//!
//! # Domain
//!
//! Both are linearisations of the exact solution in the contrasts, about a mean angle that is
//! real and away from 90 degrees (Aki & Richards 1980, eq. 5.44 and the text that derives it,
//! assume small Δα/α, Δβ/β, Δρ/ρ and angles not near grazing; Shuey 1985 rewrites the same
//! expression in powers of sin θ, and the two-term form is commonly used only up to about 30
//! degrees, Castagna 1993). Outside that
//! they are not merely inaccurate but meaningless, so each refuses, with
//! [`PhysicsError::OutsideDomain`]:
//!
//! - θ ≥ 90 degrees (grazing incidence): cos θ̄ → 0 in Aki-Richards and tan θ → ∞ in Shuey's
//!   third term, so the formulas return ever larger numbers (about 4e30 at 90 in floating
//!   point) where the exact coefficient is −1;
//! - past the critical angle, sin θ · α2/α1 ≥ 1 when α2 > α1: there is no real transmission
//!   angle θ2 for Aki-Richards' mean angle θ̄ = (θ1 + θ2)/2, the transmitted P wave is
//!   evanescent, and the exact coefficient is complex with |R| near 1, which no real linear
//!   term reproduces. Shuey's formula has no θ2 and stays finite there, but it is the same
//!   linearisation with θ̄ replaced by θ (Shuey 1985), so it is refused there too,
//!   for both [`ShueyTerms`]: one domain for both approximations;
//! - where the formula's value has |R| > 1: the reflected P wave travels in the incident
//!   wave's medium at the incident wave's angle, so its energy share is exactly |R|², which
//!   cannot exceed 1 (Aki & Richards 1980, section 5.2.5). Shuey's third term does this near
//!   grazing incidence even without a critical angle (tan²θ grows without bound: −3.6e6 at
//!   89.99 degrees for a fast-over-slow interface); the limit reported is the angle where |R|
//!   reaches 1.
//!
//! Use the exact [`crate::zoeppritz`] solution there; it holds from 0 to 90 degrees. Where
//! only S waves pass their critical angle (β1 or β2 > α1, rare) both stay defined: they use
//! only β²p², never an S-wave angle.
//!
//! # Fluid layers
//!
//! A fluid layer (Vs = 0) is accepted: the terms in β are written as β Δβ p² and β Δβ/α²
//! (not β² Δβ/β) so that they are finite, and zero when both layers are fluids, where both
//! approximations reduce to the acoustic ½ Δρ/ρ + Δα/(2α cos²θ̄) (Aki-Richards) or
//! R0 + ½ Δα/α tan²θ (Shuey). Mathematically that is sound, but a fluid-solid contrast in Vs
//! is never small (Δβ/β = ±2), so at a water bottom they are rough; the exact solution handles
//! fluid layers exactly.

use crate::error::{Beyond, PhysicsError};
use crate::medium::Interface;
use crate::zoeppritz::map_many;

/// The relative contrasts Δα/α, Δρ/ρ, and β Δβ, the one S-wave term both formulas need,
/// written so that it is finite (0) when both layers are fluids.
struct Contrasts {
    dvp: f64,
    drho: f64,
    vs_dvs: f64,
}

fn contrasts(i: &Interface) -> (Contrasts, f64, f64) {
    let (m1, m2) = (i.upper, i.lower);
    let vp = 0.5 * (m1.vp + m2.vp);
    let vs = 0.5 * (m1.vs + m2.vs);
    let rho = 0.5 * (m1.rho + m2.rho);
    let c = Contrasts {
        dvp: (m2.vp - m1.vp) / vp,
        drho: (m2.rho - m1.rho) / rho,
        vs_dvs: vs * (m2.vs - m1.vs),
    };
    (c, vp, vs)
}

/// Checks the inputs and that `theta_deg` is inside the approximations' domain (module
/// documentation, "Domain"): below 90 degrees and, where Vp2 > Vp1, below the critical angle.
fn check_domain(
    method: &'static str,
    interface: &Interface,
    theta_deg: f64,
) -> Result<(), PhysicsError> {
    interface.check(theta_deg)?;
    let ratio = interface.lower.vp / interface.upper.vp;
    // The angle below which it holds: the critical angle where Vp increases, else 90.
    let limit = if ratio > 1.0 {
        ratio.recip().asin().to_degrees()
    } else {
        90.0
    };
    if theta_deg >= 90.0 {
        return Err(PhysicsError::OutsideDomain {
            method,
            theta: theta_deg,
            limit,
            reason: Beyond::Grazing,
        });
    }
    if ratio > 1.0 && theta_deg.to_radians().sin() * ratio >= 1.0 {
        return Err(PhysicsError::OutsideDomain {
            method,
            theta: theta_deg,
            limit,
            reason: Beyond::CriticalAngle,
        });
    }
    Ok(())
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
/// normal incidence it gives ½ (Δα/α + Δρ/ρ), the linearisation of (Z2 − Z1)/(Z2 + Z1). The
/// last term is evaluated as 4 p² β Δβ, so a fluid layer (β = 0) is accepted.
///
/// Defined for 0 ≤ θ1 < 90 degrees and, where α2 > α1, below the critical angle asin(α1/α2);
/// elsewhere [`PhysicsError::OutsideDomain`] (module documentation, "Domain").
pub fn aki_richards(interface: &Interface, theta_deg: f64) -> Result<f64, PhysicsError> {
    check_domain("Aki-Richards", interface, theta_deg)?;
    bounded("Aki-Richards", theta_deg, |t| {
        aki_richards_formula(interface, t)
    })
}

/// Aki-Richards' formula at `theta_deg` (below the critical angle).
fn aki_richards_formula(interface: &Interface, theta_deg: f64) -> f64 {
    let (c, _vp, vs) = contrasts(interface);
    let t1 = theta_deg.to_radians();
    let sin_t2 = interface.lower.vp / interface.upper.vp * t1.sin();
    let mean = 0.5 * (t1 + sin_t2.asin());
    let p2 = (t1.sin() / interface.upper.vp).powi(2);
    let k = vs * vs * p2; // β²p²
    0.5 * (1.0 - 4.0 * k) * c.drho + 0.5 * c.dvp / mean.cos().powi(2) - 4.0 * p2 * c.vs_dvs
}

/// `interface` valid and `theta_deg` below 90 degrees, where `method` is defined; at or past
/// 90 degrees, [`PhysicsError::OutsideDomain`] naming it.
fn below_grazing(
    method: &'static str,
    interface: &Interface,
    theta_deg: f64,
) -> Result<(), PhysicsError> {
    interface.check(theta_deg)?;
    if theta_deg >= 90.0 {
        return Err(PhysicsError::OutsideDomain {
            method,
            theta: theta_deg,
            limit: 90.0,
            reason: Beyond::Grazing,
        });
    }
    Ok(())
}

/// The exact plane-wave P-P reflection coefficient between two fluids (the shear moduli set to
/// 0), its real part:
///
/// ```text
/// R(θ) = Re[(ρ2 α2 cos θ1 − ρ1 α1 cos θ2) / (ρ2 α2 cos θ1 + ρ1 α1 cos θ2)]
/// ```
///
/// with sin θ2 = α2 p, p = sin θ1 / α1 (Vp in m/s, density in kg/m3, θ1 in degrees), and
/// cos θ2 = i √(α2² p² − 1) past the critical angle asin(α1/α2), where the transmitted P wave
/// is evanescent, |R| = 1 and Re R = (a² − b²) / (a² + b²) (the real part does not depend on
/// the root's sign). Aki & Richards 1980, section 5.2.4; Brekhovskikh 1960. Exact for solids at
/// normal incidence, and bent at the same critical angle as the elastic Rpp. Defined for
/// 0 ≤ θ1 < 90 degrees; at or past 90, [`PhysicsError::OutsideDomain`].
pub fn acoustic(interface: &Interface, theta_deg: f64) -> Result<f64, PhysicsError> {
    below_grazing("acoustic", interface, theta_deg)?;
    let (m1, m2) = (interface.upper, interface.lower);
    let t1 = theta_deg.to_radians();
    let p = t1.sin() / m1.vp;
    let (z1, z2) = (m1.rho * m1.vp, m2.rho * m2.vp);
    let s2 = (m2.vp * p).powi(2); // sin²θ2
    let a = z2 * t1.cos();
    Ok(if s2 <= 1.0 {
        let b = z1 * (1.0 - s2).sqrt();
        (a - b) / (a + b)
    } else {
        // (a − ib) / (a + ib), whose real part is (a² − b²) / (a² + b²).
        let b = z1 * (s2 - 1.0).sqrt();
        (a * a - b * b) / (a * a + b * b)
    })
}

/// The exact acoustic reflection coefficient ([`acoustic`]) plus Aki-Richards' shear terms
/// (bounded), a
/// stand-in for Re(Rpp) defined at every angle below 90 degrees:
///
/// ```text
/// R(θ) = Re[(ρ2 α2 cos θ1 − ρ1 α1 cos θ2) / (ρ2 α2 cos θ1 + ρ1 α1 cos θ2)] + tanh(S),
/// S = − 2 β²p² Δρ/ρ − 4 p² β Δβ
/// ```
///
/// with sin θ2 = α2 p, p = sin θ1 / α1, and cos θ2 = i √(α2² p² − 1) past the critical angle
/// (the transmitted P wave evanescent; the real part does not depend on the root's sign). The
/// first term is the plane-wave coefficient between two fluids (Aki & Richards 1980, section
/// 5.2.4; Brekhovskikh 1960): exact at normal incidence, |R| = 1 past the critical angle, and
/// its linearisation in the contrasts is Aki-Richards' ½ Δρ/ρ + Δα/(2α cos²θ̄) (eq. 5.44); the
/// other two are eq. 5.44's shear terms S, passed through tanh so that they stay within ±1
/// where the contrasts are strong (S reaches −7 at 40 degrees under a step from Vs 1000 to
/// 4400 m/s); tanh S = S − S³/3 + ..., so for small contrasts nothing changes to second order.
/// So below the critical angle it differs from
/// [`aki_richards`] (and from the exact Rpp) at second order in the contrasts, and it keeps the
/// exact coefficient's bend at the P-wave critical angle. It is meant as the baseline of a
/// physics-residual network (`[model] baseline = "acoustic-shear"`), not as an approximation
/// to report. Defined for 0 ≤ θ1 < 90 degrees; at or past 90, [`PhysicsError::OutsideDomain`].
pub fn acoustic_shear(interface: &Interface, theta_deg: f64) -> Result<f64, PhysicsError> {
    below_grazing("acoustic-shear", interface, theta_deg)?;
    let fluids = acoustic(interface, theta_deg)?;
    let (c, _vp, vs) = contrasts(interface);
    let p = theta_deg.to_radians().sin() / interface.upper.vp;
    let shear = -2.0 * vs * vs * p * p * c.drho - 4.0 * p * p * c.vs_dvs;
    Ok(fluids + shear.tanh())
}

/// `formula(theta_deg)`, unless |R| > 1 there (module documentation, "Domain"): then
/// [`PhysicsError::OutsideDomain`] with the angle where |R| reaches 1 (found by bisection; the
/// formulas grow with the angle).
fn bounded(
    method: &'static str,
    theta_deg: f64,
    formula: impl Fn(f64) -> f64,
) -> Result<f64, PhysicsError> {
    let r = formula(theta_deg);
    if r.abs() <= 1.0 {
        return Ok(r);
    }
    let (mut lo, mut hi) = (0.0, theta_deg);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if formula(mid).abs() <= 1.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Err(PhysicsError::OutsideDomain {
        method,
        theta: theta_deg,
        limit: lo,
        reason: Beyond::UnitMagnitude,
    })
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
/// Castagna 1993 (*Offset-Dependent Reflectivity*, SEG, ch. 1). The S-wave term of G is
/// evaluated as 4 β Δβ / α², so a fluid layer (β = 0) is accepted.
///
/// Defined for 0 ≤ θ < 90 degrees (tan²θ diverges at 90) and, where α2 > α1, below the critical
/// angle asin(α1/α2), for both [`ShueyTerms`]; elsewhere [`PhysicsError::OutsideDomain`]. Past
/// the critical angle the formula stays finite but means nothing: it is the Aki-Richards
/// linearisation with the mean angle θ̄ replaced by θ (module documentation, "Domain").
pub fn shuey(
    interface: &Interface,
    theta_deg: f64,
    terms: ShueyTerms,
) -> Result<f64, PhysicsError> {
    let method = match terms {
        ShueyTerms::Three => "Shuey",
        ShueyTerms::Two => "Shuey (two terms)",
    };
    check_domain(method, interface, theta_deg)?;
    let (c, vp, vs) = contrasts(interface);
    let r0 = 0.5 * (c.dvp + c.drho);
    let g = 0.5 * c.dvp - 2.0 * (vs / vp).powi(2) * c.drho - 4.0 * c.vs_dvs / (vp * vp);
    let formula = |theta_deg: f64| {
        let t = theta_deg.to_radians();
        let sin2 = t.sin().powi(2);
        let curvature = match terms {
            ShueyTerms::Two => 0.0,
            ShueyTerms::Three => 0.5 * c.dvp * (t.tan().powi(2) - sin2),
        };
        r0 + g * sin2 + curvature
    };
    bounded(method, theta_deg, formula)
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
