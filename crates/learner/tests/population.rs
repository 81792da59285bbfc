//! The population engine: P variants of the tutorial trained at once as one
//! module give each network what its own run gives, to 1e-12: the tensor engine's (the same Burn
//! operations, batched) and the fused engine's (plain f64 loops with their own exp), epoch by
//! epoch and weight by weight.

use std::ops::ControlFlow;
use std::path::Path;

use burn::tensor::Device;
use zoepnet_dataset::Prepared;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::checkpoint::Checkpoint;
use zoepnet_learner::config::Engine;
use zoepnet_learner::plan::EngineKind;
use zoepnet_learner::plan::Plan;
use zoepnet_learner::population::{PopulationEngine, train_population};
use zoepnet_learner::train::{TrainError, Trained, train};
use zoepnet_model::Mlp;
use zoepnet_model::UpdateOrder;

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

fn tutorial() -> (ExperimentConfig, Prepared) {
    let las = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let mut config = zoepnet_learner::Plan::load(&path, &[])
        .map(|p| p.config)
        .expect("configs/tutorial.toml loads");
    config.data.las = vec![las.clone()];
    let prepared = zoepnet_dataset::prepare(&config.data, &[las]).expect("R-39 prepares");
    (config, prepared)
}

/// Four variants: seeds, learning rates, initial scales and update orders all differ.
fn variants(config: &ExperimentConfig, engine: Engine) -> Vec<Plan> {
    [
        (42, 0.001, 0.1, UpdateOrder::Tutorial),
        (7, 0.003, 0.1, UpdateOrder::Exact),
        (11, 0.002, 0.2, UpdateOrder::Tutorial),
        (42, 0.0005, 0.05, UpdateOrder::Exact),
    ]
    .into_iter()
    .map(|(seed, lr, std, order)| {
        let mut c = config.clone();
        c.model.hidden = 32;
        c.model.init_std = std;
        c.train.epochs = 4;
        c.train.seed = seed;
        c.train.learning_rate = lr;
        c.train.update_order = order;
        c.train.engine = engine;
        c.check().expect("a valid variant")
    })
    .collect()
}

/// Each plan trained on its own.
fn one_by_one(plans: &[Plan], prepared: &Prepared, device: &Device) -> Vec<Trained> {
    plans
        .iter()
        .map(|plan| {
            train(plan, prepared, device, None, &mut |_, _, _| {
                std::ops::ControlFlow::Continue(())
            })
        })
        .collect::<Result<_, TrainError>>()
        .expect("trains")
}

/// A network's weights, flat.
fn weights(model: &Mlp) -> Vec<f64> {
    let p = model.parameters().expect("weights");
    [p.w1, p.b1, p.w2, vec![p.b2]].concat()
}

/// The largest |a − b| relative to the largest |b|.
fn rel(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().map(|v| v.abs()).fold(0.0, f64::max);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
        / scale
}

#[test]
fn each_network_is_its_own_run() {
    let (config, prepared) = tutorial();
    let (device, _) = config.backend.select().expect("the CPU backend");
    let population: Vec<_> = train_population(
        &variants(&config, Engine::Tensor),
        &prepared,
        &device,
        PopulationEngine::Auto,
        &mut |_, _| std::ops::ControlFlow::Continue(()),
    )
    .expect("trains")
    .into_iter()
    .collect::<Result<_, _>>()
    .expect("no network diverges");
    assert!(
        population
            .iter()
            .all(|t| t.engine == EngineKind::Population)
    );
    for (engine, tolerance) in [(Engine::Tensor, 1e-12), (Engine::Fused, 1e-12)] {
        let alone = one_by_one(&variants(&config, engine), &prepared, &device);
        for (p, (pop, one)) in population.iter().zip(&alone).enumerate() {
            assert_eq!(pop.metrics.len(), one.metrics.len());
            let curve = |t: &zoepnet_learner::train::Trained| -> Vec<f64> {
                t.metrics
                    .iter()
                    .flat_map(|m| [m.train_mse, m.val_mse])
                    .collect()
            };
            let metrics = rel(&curve(pop), &curve(one));
            let w = rel(&weights(&pop.model), &weights(&one.model));
            println!("{engine:?}, variant {p}: metrics {metrics:.2e}, weights {w:.2e}");
            assert!(
                metrics <= tolerance,
                "{engine:?} variant {p}: metrics {metrics:e}"
            );
            assert!(w <= tolerance, "{engine:?} variant {p}: weights {w:e}");
        }
    }
}

#[test]
fn variants_it_cannot_train_together_are_refused() {
    fn go_on(
        _: usize,
        _: &dyn Fn() -> Result<Vec<Option<Checkpoint>>, TrainError>,
    ) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    let (config, prepared) = tutorial();
    let (device, _) = config.backend.select().expect("the CPU backend");
    let mut plans = variants(&config, Engine::Fused);
    let mut c = config.clone();
    c.model.hidden = 16;
    plans.push(c.check().expect("valid"));
    let err = train_population(
        &plans,
        &prepared,
        &device,
        PopulationEngine::Auto,
        &mut go_on,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("variant 4") && err.contains("shape"), "{err}");
    let mut c = config.clone();
    c.train.optimizer = zoepnet_learner::config::OptimizerName::Adam;
    c.train.batch_size = 32;
    c.train.update_order = UpdateOrder::Exact;
    let err = train_population(
        &[c.check().expect("valid")],
        &prepared,
        &device,
        PopulationEngine::Auto,
        &mut go_on,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("per-sample manual SGD only"), "{err}");
    // The kernel is wgpu's.
    let plans = variants(&config, Engine::Fused);
    let err = train_population(
        &plans,
        &prepared,
        &device,
        PopulationEngine::Kernel,
        &mut go_on,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("wgpu backend only"), "{err}");
}

/// The population kernel on wgpu (lavapipe in CI): each network follows its
/// own f64 run on the fused engine to f32 rounding, epoch by epoch and weight by weight.
#[cfg(feature = "wgpu")]
#[test]
fn the_kernel_follows_each_networks_f64_run() {
    use zoepnet_learner::device::{Backend, Precision};
    let (config, prepared) = tutorial();
    let mut gpu = config.clone();
    gpu.backend.kind = Backend::Wgpu;
    gpu.backend.precision = Some(Precision::F32);
    let (device, _) = match gpu.backend.select() {
        Ok(selected) => selected,
        Err(e) if std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1") => {
            panic!("ZOEPNET_REQUIRE_WGPU=1 but no wgpu device: {e}")
        }
        Err(e) => {
            eprintln!("NOT RUN: {e}; set ZOEPNET_REQUIRE_WGPU=1 to make this a failure");
            return;
        }
    };
    let plans = variants(&gpu, Engine::Tensor);
    let kernel = train_population(
        &plans,
        &prepared,
        &device,
        PopulationEngine::Auto,
        &mut |_, _| std::ops::ControlFlow::Continue(()),
    )
    .expect("trains")
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .expect("no network diverges");
    let (cpu, _) = config.backend.select().expect("the CPU backend");
    let alone = one_by_one(&variants(&config, Engine::Fused), &prepared, &cpu);
    for (p, (k, one)) in kernel.iter().zip(&alone).enumerate() {
        assert_eq!(k.engine, EngineKind::PopulationKernel);
        assert_eq!(k.metrics.len(), one.metrics.len());
        for (a, b) in k.metrics.iter().zip(&one.metrics) {
            for (what, x, y) in [
                ("train", a.train_mse, b.train_mse),
                ("val", a.val_mse, b.val_mse),
            ] {
                let r = (x - y).abs() / y;
                println!(
                    "variant {p} epoch {} {what}: {x:.6e} vs {y:.6e} ({r:.1e})",
                    a.epoch
                );
                assert!(
                    r < 1e-4,
                    "variant {p} epoch {} {what}: {x:e} vs {y:e}",
                    a.epoch
                );
            }
        }
        let w = rel(&weights(&k.model), &weights(&one.model));
        println!("variant {p}: weights {w:.1e}");
        assert!(w < 1e-5, "variant {p}: weights {w:e}");
    }
}
