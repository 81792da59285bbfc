//! What can be wrong with the inputs of a reflectivity calculation.

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
    /// A fluid layer (Vs = 0): the solid-solid Zoeppritz equations do not apply.
    #[error(
        "{name} = 0: a fluid layer; the solid-solid Zoeppritz equations used here need Vs > 0 in \
         both layers"
    )]
    Fluid {
        /// Which S-wave velocity is zero.
        name: &'static str,
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
    /// One element of a slice failed.
    #[error("interface {index}: {source}")]
    At {
        /// The element's index.
        index: usize,
        /// What was wrong with it.
        source: Box<PhysicsError>,
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
