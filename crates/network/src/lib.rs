//! What the tutorial's network is, whatever runs it: one definition of each notion that the
//! Burn module (`zoepnet-model`), the fused CPU engine (`zoepnet-fused`), the data
//! (`zoepnet-dataset`) and the configs share. It knows nothing of Burn.
//!
//! - [`features`]: the seven inputs of one interface, their order, names and accessors.
//! - [`Activation`]: the hidden layer's nonlinearity.
//! - [`UpdateOrder`]: the order of a hand-written SGD step's updates.
//! - [`Products`]: the number type of a deep network's matrix products in training.
//! - [`Baseline`]: the classical approximations, to score against and to learn the residual of.
//! - [`Parameters`]: the weights as plain f64, the one form in which they move between the Burn
//!   module, the fused engine and checkpoints.

pub mod activation;
pub mod baseline;
pub mod features;
pub mod parameters;

pub use activation::{Activation, Products, UpdateOrder};
pub use baseline::{Baseline, Correction, angle_saturating_gate, contrast_gate, saturating_gate};
pub use features::{
    FEATURES, Feature, FeatureVector, Features, InputEncoding, feature_vector, relative_contrasts,
};
pub use parameters::{Layer, Parameters, ShapeError};
