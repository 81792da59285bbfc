//! How long Adam at batch 32 takes to reach a validation MSE of 1e-5 on the tutorial's data,
//! on each engine: the fused engine (hand-written gradients, its copy of Burn's Adam, f64) and
//! Burn's autodiff with `AdamConfig` on the CPU backends compiled in (ndarray, flex; f64 and f32).
//!
//! `cargo bench -p zoepnet-learner --bench adam` (add `--no-default-features --features
//! ndarray,flex` to leave the wgpu stack out of the release build). The PyTorch side, one
//! thread: `crates/learner/benches/adam_torch.py` (its docstring says how to run it).
//! Settings: configs/tutorial.toml's data and network, Adam (lr 0.001, β 0.9/0.999, ε 1e-8),
//! batch 32, the exact order, stop at the first epoch whose validation MSE is <= 1e-5.

use std::ops::ControlFlow;

use zoepnet_fused::UpdateOrder;
use zoepnet_learner::config::{Engine, Mode, OptimizerName};
use zoepnet_learner::device::{Backend, Precision};
use zoepnet_learner::train::train;

mod common;

fn main() {
    let (mut config, prepared) = common::tutorial();
    config.train.optimizer = OptimizerName::Adam;
    config.train.update_order = UpdateOrder::Exact;
    config.train.batch_size = 32;
    config.train.epsilon = 1e-8;
    config.train.learning_rate = 0.001;
    config.train.epochs = 20_000;
    config.train.target_val_mse = Some(1e-5);
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();

    let mut runs: Vec<(&str, Mode, Engine, Backend, Precision)> = vec![(
        "fused (manual gradients, Adam copy)",
        Mode::Manual,
        Engine::Fused,
        Backend::Ndarray,
        Precision::F64,
    )];
    for backend in [Backend::Ndarray, Backend::Flex] {
        if backend.is_compiled() {
            for precision in [Precision::F64, Precision::F32] {
                runs.push((
                    "Burn autodiff + AdamConfig",
                    Mode::Autodiff,
                    Engine::Tensor,
                    backend,
                    precision,
                ));
            }
        }
    }
    for (name, mode, engine, backend, precision) in runs {
        let label = format!("{name}, {backend} {precision}");
        if !only.is_empty() && !only.iter().any(|o| label.contains(o.as_str())) {
            continue;
        }
        let mut c = config.clone();
        c.train.mode = mode;
        c.train.engine = engine;
        c.backend.kind = backend;
        c.backend.precision = Some(precision);
        // A device's float type is set once per process: f32 runs after f64 ones use a fresh
        // process (`cargo bench ... -- f32`).
        let (device, _) = match c.backend.select() {
            Ok(d) => d,
            Err(e) => {
                println!(
                    "{label}: skipped ({e}; run it alone: `cargo bench -p zoepnet-learner --bench adam -- \"{backend} {precision}\"`)"
                );
                continue;
            }
        };
        let plan = c.check().expect("a valid config");
        let trained = train(&plan, &prepared, &device, None, &mut |_, _, _| {
            ControlFlow::Continue(())
        })
        .expect("training runs");
        let last = trained.metrics.last().expect("an epoch");
        let steps = trained.metrics.len() * prepared.train.len().div_ceil(32);
        println!(
            "{label}: val MSE {:.3e} after {} epochs ({steps} steps) in {:.2} s, {:.0} us a step",
            last.val_mse,
            trained.metrics.len(),
            trained.train_seconds,
            trained.train_seconds / steps as f64 * 1e6
        );
    }
}
