//! The memory floor of a population step written as tensor operations: how long one pass over
//! the hidden weights W1 of P tutorial networks (`[P, 300, 7]` f64) takes on this machine, on one
//! thread and on all of them.
//!
//! `cargo bench -p zoepnet-learner --bench w1_passes` prints, per P, the time of:
//! - `new`: writing a new W1-sized array from another (`g = c * w`: the outer product of the
//!   update, or any element-wise operation, as its own tensor);
//! - `update`: reading two and writing one in place (`w -= g`: the update itself).
//!
//! A step of the population engine makes at least one of each besides reading W1 for the forward
//! pass, so `new + update` is a floor for its time per step, whatever the backend's overheads;
//! docs/population.md compares it with the step the flex target allows.

use std::hint::black_box;
use std::time::Instant;

const HIDDEN: usize = 300;
const INPUTS: usize = 7;

/// Runs `pass` `reps` times over `a` and `b` split into `threads` equal chunks, each thread on
/// its own chunk (started once: no thread start or join in the time); the seconds of one pass.
fn time(
    threads: usize,
    reps: usize,
    a: &mut [f64],
    b: &mut [f64],
    pass: fn(&mut [f64], &mut [f64]),
) -> f64 {
    let chunk = a.len().div_ceil(threads);
    let start = Instant::now();
    std::thread::scope(|s| {
        for (x, y) in a.chunks_mut(chunk).zip(b.chunks_mut(chunk)) {
            s.spawn(move || {
                for _ in 0..reps {
                    pass(black_box(&mut *x), black_box(&mut *y));
                }
            });
        }
    });
    start.elapsed().as_secs_f64() / reps as f64
}

fn new_array(w: &mut [f64], g: &mut [f64]) {
    for (g, w) in g.iter_mut().zip(w.iter()) {
        *g = 1e-9 * w;
    }
}

fn update(w: &mut [f64], g: &mut [f64]) {
    for (w, g) in w.iter_mut().zip(g.iter()) {
        *w -= g;
    }
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("| P | W1 (MB) | threads | new (ms) | update (ms) | floor per step (ms) |");
    println!("|---|---|---|---|---|---|");
    for p in [16, 256, 1024] {
        let n = p * HIDDEN * INPUTS;
        let mut w: Vec<f64> = (0..n).map(|i| i as f64 * 1e-3).collect();
        let mut g = vec![1e-6; n];
        // Enough passes for a tenth of a second or so at a few GB/s.
        let reps = (400_000_000 / (n * 8)).clamp(20, 20_000);
        for threads in [1, cores] {
            // Warm: the pages touched, the threads' stacks made.
            time(threads, 2, &mut w, &mut g, new_array);
            let new = time(threads, reps, &mut w, &mut g, new_array);
            let upd = time(threads, reps, &mut w, &mut g, update);
            println!(
                "| {p} | {:.2} | {threads} | {:.4} | {:.4} | {:.4} |",
                (n * 8) as f64 / 1e6,
                new * 1e3,
                upd * 1e3,
                (new + upd) * 1e3
            );
        }
    }
}
