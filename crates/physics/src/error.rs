//! What can be wrong with the inputs of a reflectivity calculation.

/// Why an approximation has no meaning at an angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beyond {
    /// Grazing incidence (90 degrees), where the linearisation diverges.
    Grazing,
    /// Past the critical angle, where the transmitted P wave is evanescent.
    CriticalAngle,
    /// Past the angle where the approximation's |R| exceeds 1.
    UnitMagnitude,
}

impl std::fmt::Display for Beyond {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Beyond::Grazing => {
                "grazing incidence, where the linearisation diverges (the exact value is -1 for \
                 any interface with a contrast)"
            }
            Beyond::CriticalAngle => {
                "past the critical angle (sin theta * Vp2/Vp1 >= 1), where the transmitted P \
                 wave is evanescent and the exact coefficient complex"
            }
            Beyond::UnitMagnitude => {
                "|R| > 1, impossible for a reflected P wave (its energy share is |R|^2)"
            }
        })
    }
}

/// Why a reflection coefficient cannot be computed. Never a NaN: each case is named.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhysicsError {
    /// A velocity or density that is not a positive, finite number.
    #[error("{name} must be a positive, finite number, found {value}")]
    NotPositive {
        /// Which input (vp1, vs1, rho1, vp2, vs2, rho2).
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// An S-wave velocity that is neither zero (a fluid layer) nor a positive, finite number.
    #[error("{name} must be 0 (a fluid layer) or a positive, finite number, found {value}")]
    ShearVelocity {
        /// Which S-wave velocity (vs1, vs2).
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// An incidence angle outside [0, 90] degrees.
    #[error("the incidence angle must be within [0, 90] degrees, found {0}")]
    Angle(f64),
    /// The equations have no finite solution here (a pole of the Zoeppritz determinant).
    #[error("no finite reflection coefficient at {theta} degrees for this interface")]
    Singular {
        /// The incidence angle, degrees.
        theta: f64,
    },
    /// An approximation asked for outside the range of angles where it has a meaning (grazing
    /// incidence, or past the critical angle): see [`crate::approx`] for each one's domain.
    #[error(
        "{method} is not defined at {theta} degrees: {reason} (it holds below {limit:.2} degrees \
         here; the exact Zoeppritz solution holds up to 90)"
    )]
    OutsideDomain {
        /// The approximation ("Aki-Richards", "Shuey").
        method: &'static str,
        /// The incidence angle asked for, degrees.
        theta: f64,
        /// The angle, degrees, below which the approximation holds for this interface: 90, or
        /// the critical angle asin(Vp1/Vp2).
        limit: f64,
        /// Why.
        reason: Beyond,
    },
    /// One element of a slice failed.
    #[error("interface {index}: {error}")]
    At {
        /// The element's index.
        index: usize,
        /// What was wrong with it (in the message, not as a source: said once in an error chain).
        error: Box<PhysicsError>,
    },
    /// Slices of different lengths.
    #[error("{interfaces} interfaces but {angles} angles")]
    Lengths {
        /// Interfaces given.
        interfaces: usize,
        /// Angles given.
        angles: usize,
    },
}
