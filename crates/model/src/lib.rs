//! The tutorial's network, 7 -> hidden -> 1, as a Burn module, with a hand-written
//! back-propagation beside Burn's autodiff and a gradient check between the two.
//!
//! - [`mlp`]: [`Mlp`] (`#[derive(Module)]`) and [`MlpConfig`]; forward pass
//!   z1 = x W1 + b1, a1 = act(z1), y = a1 W2 + b2.
//! - [`manual`]: the gradients of the training loss written by hand with tensor ops (any batch,
//!   any device), the plain SGD step, and the tutorial's own per-sample update order.
//! - [`gradcheck`]: manual vs autodiff vs central finite differences, per parameter.
//! - [`population`]: P networks of one shape as one module ([`Population`]), forward on
//!   `[P, B, 7]`, back-propagation by hand batched over P.
//! - [`export`]: the weights as safetensors in PyTorch's layout ([`Mlp::export_safetensors`]).
//!
//! The training loss is **half the mean squared error**, L = ½ · mean((y − t)²): its gradient for
//! one sample is the tutorial's `err * a1`, so the tutorial's learning rate means the same here.

pub mod export;
pub mod gradcheck;
pub mod manual;
pub mod mlp;
pub mod population;

pub use gradcheck::{GradCheck, ParamError, Tolerance};
pub use manual::{Gradients, UpdateOrder};
pub use mlp::{
    Activation, Baseline, Correction, Init, Inputs, Mlp, MlpConfig, ModelError, activate,
    activation_slope, read_values,
};
pub use population::{Population, PopulationForward, PopulationGradients};
pub use zoepnet_network::Parameters;
