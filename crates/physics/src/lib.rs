//! Elastic reflectivity of a planar interface between two isotropic elastic half-spaces: the
//! exact Zoeppritz solution ([`zoeppritz`]) and its classic linear approximations ([`approx`]:
//! Aki-Richards, Shuey).
//!
//! This crate knows nothing of Burn. Velocities are in m/s, densities in kg/m3, angles of
//! incidence in degrees at the API; all arithmetic is f64. Either layer may be a fluid (Vs = 0:
//! a water bottom, a gas sand treated as a fluid); the exact solution then uses the
//! acoustic-elastic boundary conditions ([`zoeppritz`], "Fluid layers"). Invalid inputs (a
//! negative or non-finite velocity, an angle outside [0, 90]) are errors, never NaN; so is an
//! approximation asked for outside its domain (90 degrees, or past the critical angle:
//! [`approx`], "Domain"), where the exact solution holds.
//!
//! ```
//! use zoepnet_physics::{Elastic, Interface, zoeppritz};
//! let shale = Elastic::new(3094.0, 1515.0, 2400.0);
//! let sand = Elastic::new(4050.0, 2526.0, 2210.0);
//! let r = zoeppritz::rpp(&Interface::new(shale, sand), 0.0)?;
//! // At normal incidence: (Z2 - Z1) / (Z2 + Z1).
//! assert!((r.re - (4050.0 * 2210.0 - 3094.0 * 2400.0) / (4050.0 * 2210.0 + 3094.0 * 2400.0)).abs() < 1e-15);
//! // A water bottom: the same call, Vs = 0 above.
//! let water = Elastic::new(1500.0, 0.0, 1025.0);
//! let r = zoeppritz::rpp(&Interface::new(water, sand), 0.0)?;
//! assert!((r.re - (4050.0 * 2210.0 - 1500.0 * 1025.0) / (4050.0 * 2210.0 + 1500.0 * 1025.0)).abs() < 1e-15);
//! # Ok::<(), zoepnet_physics::PhysicsError>(())
//! ```

pub mod approx;
pub mod error;
pub mod medium;
pub mod zoeppritz;

pub use approx::{
    ShueyTerms, acoustic, acoustic_shear, aki_richards, aki_richards_many, shuey, shuey_many,
};
pub use error::{Beyond, PhysicsError};
pub use medium::{Elastic, Interface};
pub use num_complex::Complex64;
pub use zoeppritz::{GatherInterface, Incidence, Scattering, rpp, rpp_at, rpp_many, scattering};
