//! One thread per matrix product in `matrixmultiply` (ndarray's products: the fused engine's
//! deep networks, Burn's ndarray backend), unless the environment says otherwise.
//!
//! `matrixmultiply` splits a product of 128 x 128 by 128 (the deep networks' hidden layers)
//! over up to `MATMUL_NUM_THREADS` threads, by default every physical core, handing work to its
//! own pool and back for each product. The fused engine already keeps the cores busy (a batch's
//! shares of 128 rows, or the members of `model.members`, each on a core), so that hand-over
//! only costs: one thread per product trained the recipe's 11-128-128-128-1 network in f32
//! 1.5 times as fast on two cores (375 000 against 249 000 samples/s), three members side by
//! side 1.3 times (428 000 against 335 000), and left Burn's ndarray backend as fast (66 000
//! against 62 000, batches of 1000), measured with `cargo bench -p zoepnet-learner --bench
//! surrogate`. The products' values do not depend on it (each output element is summed by one
//! thread in one order).

/// Sets `MATMUL_NUM_THREADS=1` when it is unset, before any thread is started (a value the
/// user set is kept).
#[allow(unsafe_code)] // `set_var`, sound while this is the process's only thread (below).
pub fn ensure() {
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        // SAFETY: called first thing in `main`, before any other thread exists, so no thread
        // can be reading the environment while it changes.
        unsafe { std::env::set_var("MATMUL_NUM_THREADS", "1") };
    }
}
