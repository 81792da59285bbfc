//! The kernel: one epoch of a population's training, one workgroup (cube) per network.
//!
//! Cube `p` trains network `p`. Its `threads` units share the hidden layer: unit `u` owns the
//! hidden units `u, u + threads, u + 2 threads, …` (at most 16) and keeps their weights (W1,
//! b1, W2) and activations in registers for the whole launch, loaded at its start and stored at
//! its end. The row's inputs and the output's tree sum over the units are in shared memory.
//! Every unit keeps its own copy of the output bias b2 (they all apply the same update), so no
//! unit waits on another for it; unit 0 writes it back at the end.
//!
//! Per epoch, as the notebook does: the validation squared error of every validation row with
//! the weights at the start of the epoch, then one SGD step per training sample in the
//! network's own order (uploaded by the host, which keeps each network's NumPy stream):
//!
//! ```text
//! z = b1 + W1ᵀ x          a = act(z)          y = b2 + W2 · a          δ = y − t
//! W2 ← W2 − η δ a         b2 ← b2 − η δ
//! δh = δ · W2' · act'(a)  (W2' = the W2 just updated in the tutorial's order, the W2 before
//!                          the step in the exact order)
//! W1 ← W1 − η x δhᵀ       b1 ← b1 − η δh
//! ```
//!
//! Layouts, per network `p` of `P`, hidden `H`, inputs `I`: `w1[p·I·H + i·H + j]` (the
//! [`zoepnet_network::Parameters`] layout, so consecutive units read consecutive weights),
//! `b1[p·H + j]`, `w2[p·H + j]`, `b2[p]`; the training order `order[p·N + k]`.

use burn::cubecl;
use burn::cubecl::prelude::*;

/// The activation's code in the kernel (comptime): sigmoid.
pub(crate) const SIGMOID: u32 = 0;
/// tanh.
pub(crate) const TANH: u32 = 1;
/// ReLU.
pub(crate) const RELU: u32 = 2;

/// Waits for every unit of the workgroup; nothing to wait for with one unit.
#[cube]
fn barrier(#[comptime] threads: usize) {
    if comptime![threads > 1] {
        sync_cube();
    }
}

/// act(z) for the comptime activation code.
#[cube]
fn activate<F: Float>(z: F, #[comptime] activation: u32) -> F {
    if comptime![activation == SIGMOID] {
        F::new(1.0) / (F::new(1.0) + (-z).exp())
    } else if comptime![activation == TANH] {
        z.tanh()
    } else {
        z.max(F::new(0.0))
    }
}

/// act'(z) from a = act(z).
#[cube]
fn slope<F: Float>(a: F, #[comptime] activation: u32) -> F {
    if comptime![activation == SIGMOID] {
        a * (F::new(1.0) - a)
    } else if comptime![activation == TANH] {
        F::new(1.0) - a * a
    } else {
        let mut s = F::new(0.0);
        if a > F::new(0.0) {
            s = F::new(1.0);
        }
        s
    }
}

/// Rows `begin..end` of one epoch of every network (module docs), counting the validation
/// rows first, then the steps. `losses[2p]` adds network p's validation squared error summed
/// over the validation rows among them, `losses[2p + 1]` its training squared error summed over
/// the steps (each before its step).
///
/// An epoch is split into launches of a bounded number of rows because llvmpipe (lavapipe)
/// ends any shader loop after 65 535 iterations counted over the whole invocation: one launch
/// of 500 rows with 300 hidden units on one unit would stop training after 218 rows. `lr[p]` is network p's learning rate this epoch;
/// `w2_first[p]` is 1 where it follows the tutorial's update order, 0 for the exact order.
#[cube(launch_unchecked)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn population_epoch<F: Float>(
    x: &[F],
    t: &[F],
    order: &[u32],
    x_val: &[F],
    t_val: &[F],
    lr: &[F],
    w2_first: &[u32],
    w1: &mut [F],
    b1: &mut [F],
    w2: &mut [F],
    b2: &mut [F],
    losses: &mut [F],
    samples: usize,
    validation: usize,
    begin: usize,
    end: usize,
    #[comptime] hidden: usize,
    #[comptime] inputs: usize,
    #[comptime] threads: usize,
    #[comptime] activation: u32,
) {
    let network = CUBE_POS;
    let unit = UNIT_POS as usize;
    // Unit u owns hidden units u, u + threads, …: `units` of them (the last may be padding,
    // j ≥ hidden, which every loop skips). Their weights live in the unit's registers for the
    // whole launch, loaded here and stored at the end.
    let units = comptime![hidden.div_ceil(threads)];
    let mut w1r = Array::<F>::new(units * inputs);
    let mut b1r = Array::<F>::new(units);
    let mut w2r = Array::<F>::new(units);
    let mut ar = Array::<F>::new(units);
    // The row's inputs, and the units' partial sums of the output.
    let mut row_x = Shared::<[F]>::new_slice(inputs);
    let mut partial = Shared::<[F]>::new_slice(threads);
    let w1_at = network * inputs * hidden;
    let at = network * hidden;
    #[unroll]
    for u in 0..units {
        let j = unit + u * threads;
        b1r[u] = F::new(0.0);
        w2r[u] = F::new(0.0);
        #[unroll]
        for i in 0..inputs {
            w1r[u * inputs + i] = F::new(0.0);
        }
        if j < hidden {
            b1r[u] = b1[at + j];
            w2r[u] = w2[at + j];
            #[unroll]
            for i in 0..inputs {
                w1r[u * inputs + i] = w1[w1_at + i * hidden + j];
            }
        }
    }
    let rate = lr[network];
    let tutorial = w2_first[network] == 1;
    let mut bias = b2[network];
    let mut val = F::new(0.0);
    let mut train = F::new(0.0);

    // The validation rows with the epoch's starting weights, then one step per training row.
    for s in begin..end {
        let stepping = s >= validation;
        // Every unit has read the previous row and sum before this one is written.
        barrier(threads);
        let target = if stepping {
            let row = order[network * samples + s - validation] as usize;
            for i in range_stepped(unit, inputs, threads) {
                row_x[i] = x[row * inputs + i];
            }
            t[row]
        } else {
            for i in range_stepped(unit, inputs, threads) {
                row_x[i] = x_val[s * inputs + i];
            }
            t_val[s]
        };
        barrier(threads);
        let mut sum = F::new(0.0);
        #[unroll]
        for u in 0..units {
            let mut z = b1r[u];
            #[unroll]
            for i in 0..inputs {
                z += w1r[u * inputs + i] * row_x[i];
            }
            let h = activate::<F>(z, activation);
            ar[u] = h;
            if unit + u * threads < hidden {
                sum += w2r[u] * h;
            }
        }
        partial[unit] = sum;
        barrier(threads);
        // (From CUBE_DIM, equal to `threads`: a runtime value the loop can change.)
        let mut stride = CUBE_DIM as usize / 2;
        while stride > 0 {
            if unit < stride {
                let other = partial[unit + stride];
                partial[unit] += other;
            }
            barrier(threads);
            stride /= 2;
        }
        let delta = bias + partial[0] - target;
        if stepping {
            train += delta * delta;
            bias -= rate * delta;
            #[unroll]
            for u in 0..units {
                if unit + u * threads < hidden {
                    let h = ar[u];
                    let before = w2r[u];
                    let after = before - rate * delta * h;
                    w2r[u] = after;
                    let mut through = before;
                    if tutorial {
                        through = after;
                    }
                    let step = rate * delta * through * slope::<F>(h, activation);
                    b1r[u] -= step;
                    #[unroll]
                    for i in 0..inputs {
                        let w = u * inputs + i;
                        w1r[w] -= step * row_x[i];
                    }
                }
            }
        } else {
            val += delta * delta;
        }
    }

    #[unroll]
    for u in 0..units {
        let j = unit + u * threads;
        if j < hidden {
            b1[at + j] = b1r[u];
            w2[at + j] = w2r[u];
            #[unroll]
            for i in 0..inputs {
                w1[w1_at + i * hidden + j] = w1r[u * inputs + i];
            }
        }
    }
    if unit == 0 {
        b2[network] = bias;
        losses[2 * network] += val;
        losses[2 * network + 1] += train;
    }
}
