//! Exact Zoeppritz coefficients per second on one core (target: at least 5 million).
//!
//! `cargo bench -p zoepnet-physics`. One million interfaces with properties spread over the
//! R-39 log's range and angles over 0-20 and 0-60 degrees (many past a critical angle).

use std::hint::black_box;
use std::time::Instant;

use zoepnet_physics::{Elastic, Interface, aki_richards, rpp_many};

fn main() {
    let n = 1_000_000;
    // A simple deterministic spread (no RNG dependency): a linear congruential sequence.
    let mut state = 42u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut layer = || {
        let vp = 2800.0 + 3200.0 * uniform();
        Elastic::new(
            vp,
            vp / (1.6 + 0.6 * uniform()),
            2050.0 + 1000.0 * uniform(),
        )
    };
    let interfaces: Vec<Interface> = (0..n).map(|_| Interface::new(layer(), layer())).collect();
    let theta: Vec<f64> = (0..n).map(|i| 60.0 * (i % 601) as f64 / 600.0).collect();
    let below: Vec<f64> = theta.iter().map(|t| t / 3.0).collect();

    for (label, angles) in [
        ("0-20 deg (the tutorial's range)", &below),
        ("0-60 deg", &theta),
    ] {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = Instant::now();
            let r = rpp_many(black_box(&interfaces), black_box(angles)).expect("valid inputs");
            best = best.min(start.elapsed().as_secs_f64());
            black_box(r);
        }
        println!(
            "exact Rpp, {label}: {:.1} million per second on one core (target >= 5)",
            n as f64 / best / 1e6
        );
    }
    let start = Instant::now();
    let sum: f64 = interfaces
        .iter()
        .zip(&below)
        .map(|(i, &t)| aki_richards(black_box(i), t).expect("valid inputs"))
        .sum();
    black_box(sum);
    println!(
        "Aki-Richards, 0-20 deg: {:.1} million per second",
        n as f64 / start.elapsed().as_secs_f64() / 1e6
    );
}
