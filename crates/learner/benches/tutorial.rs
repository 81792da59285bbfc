//! How fast the tutorial trains: 100 epochs of per-sample SGD on 400 interfaces (40 000 updates
//! and 10 000 validation passes, f64), against the NumPy notebook's ~1 s on the same machine.
//!
//! `cargo bench -p zoepnet-learner --bench tutorial` (add `--no-default-features --features
//! ndarray` to skip building the wgpu stack in release). Runs configs/tutorial.toml on the fused
//! engine 7 times and prints the median training time and the last epoch's figures, which must be
//! the notebook's (1.284454e-4, 1.330712e-4); then times one epoch of the tensor engine on the
//! same data, to show what per-operation overhead costs at this size. The NumPy side:
//! `crates/learner/benches/tutorial_numpy.py` (its docstring says how to run it).

use std::ops::ControlFlow;
use std::time::Instant;

use zoepnet_dataset::FEATURES;
use zoepnet_fused::{Activation, AlignedVec, Simd, UpdateOrder, Weights};
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::config::Engine;
use zoepnet_learner::train::{Trained, scaled, train};

mod common;

fn main() {
    let (mut config, prepared) = common::tutorial();
    let (device, info) = config.backend.select().expect("the config's device");
    let run = |config: &ExperimentConfig| -> Trained {
        let plan = config.check().expect("a valid config");
        train(&plan, &prepared, &device, None, &mut |_, _, _| {
            ControlFlow::Continue(())
        })
        .expect("training runs")
    };

    config.train.engine = Engine::Fused;
    let runs = 7;
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let trained = run(&config);
        times.push(trained.train_seconds * 1e3);
        last = trained.metrics.last().copied();
    }
    eprintln!("fused engine runs, ms: {times:.1?}");
    times.sort_by(f64::total_cmp);
    let last = last.expect("100 epochs");
    println!(
        "fused engine, 100 epochs ({runs} runs): median {:.1} ms, min {:.1} ms, max {:.1} ms; \
         last epoch train MSE {:.6e}, val MSE {:.6e}",
        times[runs / 2],
        times[0],
        times[runs - 1],
        last.train_mse,
        last.val_mse
    );

    // The fused loops alone at each SIMD width this CPU has (100 epochs in a fixed order, with
    // the validation pass): every width computes the same bits, only the time differs.
    let (train_x, train_t) = scaled(&prepared.scaler, &prepared.train);
    let (val_x, val_t) = scaled(&prepared.scaler, &prepared.validation);
    let order: Vec<usize> = (0..train_t.len()).collect();
    let start_weights = Weights {
        activation: Activation::Sigmoid,
        w1: (0..FEATURES * 300)
            .map(|k| 0.1 * (k as f64 * 0.7).sin())
            .collect(),
        b1: AlignedVec::zeros(300),
        w2: (0..300).map(|k| 0.1 * (k as f64 * 0.3).cos()).collect(),
        b2: 0.0,
    };
    let mut finals = Vec::new();
    for simd in Simd::available() {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let mut w = start_weights.clone();
            let mut scratch = w.scratch();
            let start = Instant::now();
            for _ in 0..100 {
                std::hint::black_box(w.mse_on(simd, &val_x, &val_t, &mut scratch));
                w.epoch_on(
                    simd,
                    &train_x,
                    &train_t,
                    &order,
                    1e-3,
                    UpdateOrder::Tutorial,
                    &mut scratch,
                );
            }
            let ms = start.elapsed().as_secs_f64() * 1e3;
            best = best.min(ms);
            finals.push(w);
        }
        println!("fused loops compiled for {simd:?}: best of 5 {best:.1} ms");
    }
    assert!(
        finals.windows(2).all(|p| p[0] == p[1]),
        "every width gives the same weights"
    );

    config.train.engine = Engine::Tensor;
    config.train.epochs = 1;
    let trained = run(&config);
    let per_step = trained.train_seconds / prepared.train.len() as f64;
    println!(
        "tensor engine on {} ({}), 1 epoch: {:.0} ms, {:.0} us per sample; 100 epochs would take ~{:.1} s",
        info.backend,
        info.name,
        trained.train_seconds * 1e3,
        per_step * 1e6,
        trained.train_seconds * 100.0
    );
}
