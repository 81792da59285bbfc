//! How fast the surrogate trains: interfaces (training samples) per second, per engine and
//! backend, on configs/surrogate.toml's data (the rock-physics prior, a 7-300-1 network with an
//! Aki-Richards baseline and the contrast-scaled correction), one epoch of each setting; then
//! configs/surrogate-deep.toml's network (11-128-128-128-1 tanh on its `contrasts-four-waves`
//! inputs) on the same draws, on the fused engine's deep networks, its products in f64 and then
//! in f32 (`train.products`), and last the recipe's three such networks side by side
//! (`model.members`), their samples counted together.
//!
//! `cargo bench -p zoepnet-learner --bench surrogate` (add `--no-default-features --features
//! ndarray` to skip building the wgpu stack in release; the backends compiled in are benched).
//! `ZOEPNET_BENCH_SAMPLES` sets the interfaces drawn (default 100 000). Prints one line per
//! setting: the engine, the backend, the batch, the threads the fused engine may use (a rayon
//! pool of that size), the seconds of one epoch and samples/s.

use std::ops::ControlFlow;

use zoepnet_dataset::Prepared;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::config::{Engine, Mode, OptimizerName};
use zoepnet_learner::device::Backend;
use zoepnet_learner::train::train;
use zoepnet_model::UpdateOrder;
use zoepnet_network::Products;

mod common;

#[allow(unsafe_code)] // `set_var`, sound while this is the process's only thread (below).
fn main() {
    // One thread per matrix product, as the zoepnet command and the Python package set it
    // (crates/cli/src/matmul_threads.rs), unless the environment says otherwise. SAFETY: first
    // thing in `main`, before any other thread exists.
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        unsafe { std::env::set_var("MATMUL_NUM_THREADS", "1") };
    }
    let (mut config, _) = common::tutorial();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/surrogate.toml");
    let surrogate = zoepnet_learner::Plan::load(&path, &[])
        .map(|p| p.config)
        .expect("configs/surrogate.toml loads");
    let samples: usize = std::env::var("ZOEPNET_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let las = config.data.las.clone();
    config.data = surrogate.data.clone();
    config.data.las = las.clone();
    config.data.url = None;
    config.data.sha256 = None;
    let mut prior = config.data.prior();
    prior.samples = samples;
    prior.validation = 1_000;
    config.data.rock_physics = Some(prior);
    config.model = surrogate.model.clone();
    config.train.epochs = 1;
    let prepared = zoepnet_dataset::prepare(&config.data, &las).expect("the drawn data");

    let kinds: Vec<_> = Backend::compiled().into_iter().collect();
    // (what, engine, mode, optimizer, batch, threads): the fused engine's manual steps (its
    // batches' gradients on one thread, then on every core), and Burn's autodiff with its Adam
    // on the tensor engine.
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let settings = [
        (
            "per-sample SGD",
            Engine::Fused,
            Mode::Manual,
            OptimizerName::Sgd,
            1,
            1,
        ),
        (
            "mini-batch Adam",
            Engine::Fused,
            Mode::Manual,
            OptimizerName::Adam,
            256,
            1,
        ),
        (
            "mini-batch Adam",
            Engine::Fused,
            Mode::Manual,
            OptimizerName::Adam,
            256,
            all,
        ),
        (
            "mini-batch Adam",
            Engine::Tensor,
            Mode::Autodiff,
            OptimizerName::Adam,
            1000,
            all,
        ),
    ];
    bench(&config, &prepared, &settings, &kinds, samples);

    let path = path.with_file_name("surrogate-deep.toml");
    let deep = zoepnet_learner::Plan::load(&path, &[])
        .map(|p| p.config)
        .expect("configs/surrogate-deep.toml loads");
    config.data.inputs = deep.data.inputs;
    config.model = deep.model.clone();
    // One network first (the recipe trains `model.members` of them side by side).
    config.model.members = 1;
    let prepared = zoepnet_dataset::prepare(&config.data, &las).expect("the drawn data");
    bench(&config, &prepared, &settings[1..3], &kinds[..1], samples);
    // The same with the products in f32 (`train.products`).
    config.train.products = Products::F32;
    bench(&config, &prepared, &settings[1..3], &kinds[..1], samples);
    // And the recipe's members side by side, each in a thread of its own (the samples counted
    // are every member's).
    config.model.members = deep.model.members;
    bench(&config, &prepared, &settings[2..3], &kinds[..1], samples);
}

/// One epoch of each of `settings` (what, engine, mode, optimizer, batch, threads) on each of
/// `kinds`, printed.
fn bench(
    config: &ExperimentConfig,
    prepared: &Prepared,
    settings: &[(&str, Engine, Mode, OptimizerName, usize, usize)],
    kinds: &[Backend],
    samples: usize,
) {
    let members = match config.model.members {
        1 => String::new(),
        n => format!(" x{n} side by side"),
    };
    let layers = format!(
        "{}-{}x{} {:?}{members}",
        config.data.inputs.width(),
        config.model.hidden,
        config.model.layers,
        config.train.products
    );
    let samples = samples * config.model.members;
    for &(what, engine, mode, optimizer, batch, threads) in settings {
        for &kind in kinds {
            if engine == Engine::Fused && kind != kinds[0] {
                continue; // the fused engine is the CPU's, whatever the backend
            }
            let mut c = config.clone();
            c.train.engine = engine;
            c.train.batch_size = batch;
            c.train.mode = mode;
            c.train.optimizer = optimizer;
            if optimizer != OptimizerName::Sgd {
                c.train.update_order = UpdateOrder::Exact;
            }
            c.backend.kind = kind;
            // Each backend at its default precision: f64 on the CPU backends, f32 on wgpu.
            c.backend.precision = None;
            let plan = match c.check() {
                Ok(plan) => plan,
                Err(e) => {
                    eprintln!("{what} on {kind:?}: {e}");
                    continue;
                }
            };
            let device = match c.backend.select() {
                Ok((device, _)) => device,
                Err(e) => {
                    eprintln!("{what} on {kind:?}: no device ({e})");
                    continue;
                }
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let trained = pool
                .install(|| {
                    train(&plan, prepared, &device, None, &mut |_, _, _| {
                        ControlFlow::Continue(())
                    })
                })
                .expect("training runs");
            let seconds = trained.train_seconds;
            println!(
                "{what:16} {layers:12} {engine:?} engine, {kind:?}, batch {batch}, {threads} \
                 thread(s): one epoch of {samples} in {seconds:.2} s, {:.0} samples/s",
                samples as f64 / seconds
            );
        }
    }
}
