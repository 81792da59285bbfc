//! The fused CPU engine: the tutorial's network and its training on plain f64 slices, no
//! tensors. It knows nothing of Burn; `zoepnet-learner` runs it when a config allows.
//!
//! At the tutorial's size (7-300-1, one sample per step) a tensor framework spends its time on
//! per-operation overhead, not arithmetic. These loops do the same arithmetic as the `Mlp`
//! module's manual back-propagation (`zoepnet-model`; the workspace's end-to-end tests check that
//! the two engines agree, `the_fused_and_tensor_engines_agree` in tests/train.rs) with the weights
//! in one place: W1 is stored `[inputs, hidden]` row-major, as in the module and in
//! [`zoepnet_network::Parameters`], which [`Weights::new`] and [`Weights::parameters`] convert
//! from and to. [`Activation`] and [`UpdateOrder`] are `zoepnet-network`'s, re-exported.
//!
//! Every loop runs over the hidden units with no call and no branch in its body, so the compiler
//! turns it into SIMD code: the sigmoid and tanh use [`exp()`], a polynomial exponential written
//! in plain arithmetic (within 2 ulp of the C library's), and sums are kept in 8 partial sums. Whole
//! epochs ([`Weights::epoch`], [`Weights::mse`], [`Weights::epoch_batched`]) and the gradients of
//! [`Weights::lbfgs_step`] are compiled three times, for the x86-64 baseline (SSE2), AVX2 and
//! AVX-512, and the widest the CPU has is chosen at run time ([`Simd`]). No fused multiply-add
//! is used, so every width gives the same bits (tested).
//!
//! The workspace builds this crate optimised even in debug builds (`[profile.dev.package]` in
//! the top-level Cargo.toml), so that `cargo run` trains at full speed.
//!
//! The modules, by concern:
//!
//! - `weights`: [`Weights`] and [`Scratch`]; the forward pass, the per-sample SGD step and its
//!   back-propagation, epochs of steps and the mean squared error.
//! - `activation`: what depends on the activation: its loop over a hidden layer, its slope.
//! - `exp`: the vectorisable math helpers, [`exp()`] and an 8-way dot product.
//! - `simd`: [`Simd`] and the `wide_copies!` macro that compiles a body for AVX2 and AVX-512;
//!   the (only unsafe) calls into those copies sit beside their loops, in `weights` and `batch`.
//! - `batch`: mini-batch gradients, [`Params`], and the optimizers ([`Optimizer`], [`Adam`]).
//! - `deep`: [`Deep`], networks of any width of input and one or more hidden layers, trained
//!   in mini-batches with matrix products ([`DeepAdam`]).
//! - `lbfgs`: full-batch L-BFGS ([`Lbfgs`], [`LbfgsStep`]).
//! - `aligned`: [`AlignedVec`], the 64-byte-aligned buffers the weights live in.

mod activation;
mod aligned;
mod batch;
mod deep;
mod exp;
mod lbfgs;
mod real;
mod simd;
mod weights;

pub use aligned::AlignedVec;
pub use batch::{Adam, Optimizer, Params, SHARE, Samples};
pub use deep::{Deep, DeepAdam, DeepSamples, epoch_side_by_side, gated_mse, mean_prediction};
pub use exp::exp;
pub use lbfgs::{Lbfgs, LbfgsStep};
pub use simd::Simd;
pub use weights::{Scratch, Weights};
pub use zoepnet_network::{Activation, Products, UpdateOrder};
