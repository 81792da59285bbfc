//! Tutorial networks trained per second: P variants of configs/tutorial.toml (seeds
//! 0..P), one by one on the fused engine on every core, and at once on the population engine on
//! each compiled backend (each at its default precision: f64 on the CPU backends, f32 on wgpu).
//!
//! `cargo bench -p zoepnet-learner --bench population` (release). Every training runs
//! `ZOEPNET_BENCH_EPOCHS` epochs (default 5) of the tutorial's 400 samples; networks/s are
//! given as tutorial networks (100 epochs) per second. `ZOEPNET_BENCH_P` lists the sizes
//! (default 1,16,256,1024).

mod common;

use zoepnet_learner::bench::{BenchEngine, Progress, markdown_header, table};
use zoepnet_learner::device::Backend;

fn main() {
    let (config, prepared) = common::tutorial();
    let epochs: usize = std::env::var("ZOEPNET_BENCH_EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let sizes: Vec<usize> = std::env::var("ZOEPNET_BENCH_P")
        .ok()
        .map(|v| v.split(',').filter_map(|p| p.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 16, 256, 1024]);
    println!("{}", markdown_header(config.train.epochs));
    let failed = table(
        &config,
        &prepared,
        &sizes,
        epochs,
        1,
        &BenchEngine::ALL,
        &Backend::compiled(),
        &mut |progress| match progress {
            Progress::Row(row) => println!("{}", row.markdown()),
            Progress::Failed {
                engine, on, error, ..
            } => {
                eprintln!("{} on {on}: {error}", engine.describe());
            }
            _ => {}
        },
    );
    std::process::exit(i32::from(failed > 0));
}
