//! Tutorial networks trained per second (issue 15): P variants of configs/tutorial.toml (seeds
//! 0..P), one by one on the fused engine on every core, and at once on the population engine on
//! each compiled backend (each at its default precision: f64 on the CPU backends, f32 on wgpu).
//!
//! `cargo bench -p zoepnet-learner --bench population` (release). Every training runs
//! `ZOEPNET_BENCH_EPOCHS` epochs (default 5) of the tutorial's 400 samples; networks/s are
//! given as tutorial networks (100 epochs) per second. `ZOEPNET_BENCH_P` lists the sizes
//! (default 1,16,256,1024).

mod common;

use std::ops::ControlFlow;
use std::time::Instant;

use rayon::prelude::*;
use zoepnet_learner::config::Engine;
use zoepnet_learner::device::Backend;
use zoepnet_learner::population::{PopulationEngine, train_population};
use zoepnet_learner::train::train;

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
    let per_network = |seconds: f64, p: usize| p as f64 * epochs as f64 / 100.0 / seconds;
    println!(
        "| engine, backend | P | seconds ({epochs} epochs) | tutorial networks / s |\n|---|---|---|---|"
    );
    for &p in &sizes {
        let plans = |kind: Backend, engine: Engine| {
            (0..p as u32)
                .map(|seed| {
                    let mut c = config.clone();
                    c.train.epochs = epochs;
                    c.train.seed = seed;
                    c.train.engine = engine;
                    c.backend.kind = kind;
                    c.backend.precision = None;
                    c.check().expect("a valid variant")
                })
                .collect::<Vec<_>>()
        };
        // The fused engine, one network per core at a time.
        let fused = plans(Backend::compiled()[0], Engine::Fused);
        let (device, _) = fused[0].config.backend.select().expect("a CPU device");
        let start = Instant::now();
        fused.par_iter().for_each(|plan| {
            train(plan, &prepared, &device, None, &mut |_, _| {
                ControlFlow::Continue(())
            })
            .expect("training runs");
        });
        let s = start.elapsed().as_secs_f64();
        println!(
            "| fused, one by one on {} threads | {p} | {s:.3} | {:.3} |",
            rayon::current_num_threads(),
            per_network(s, p)
        );
        for kind in Backend::compiled() {
            let plans = plans(kind, Engine::Tensor);
            let device = match plans[0].config.backend.select() {
                Ok((device, _)) => device,
                Err(e) => {
                    eprintln!("population on {kind}: no device ({e})");
                    continue;
                }
            };
            let mut engines = vec![PopulationEngine::Tensor];
            if kind == Backend::Wgpu {
                engines.push(PopulationEngine::Kernel);
            }
            for engine in engines {
                let start = Instant::now();
                let trained = train_population(&plans, &prepared, &device, engine, &mut |_, _| {
                    ControlFlow::Continue(())
                })
                .expect("the population trains")
                .into_iter()
                .collect::<Result<Vec<_>, _>>()
                .expect("no network diverges");
                let s = start.elapsed().as_secs_f64();
                println!(
                    "| {}, {kind} {} | {p} | {s:.3} | {:.3} |",
                    trained[0].engine.name(),
                    plans[0].config.backend.precision(),
                    per_network(s, p)
                );
            }
        }
    }
}
