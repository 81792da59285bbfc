//! The population engine (issue 15, item 2): P variants of the tutorial trained at once as one
//! module give each network what its own run gives, to 1e-12: the tensor engine's (the same Burn
//! operations, batched) and the fused engine's (plain f64 loops with their own exp), epoch by
//! epoch and weight by weight.

use std::path::Path;

use burn::tensor::Device;
use zoepnet_dataset::Prepared;
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::config::Engine;
use zoepnet_learner::plan::Plan;
use zoepnet_learner::population::train_population;
use zoepnet_learner::train::{TrainError, Trained, train};
use zoepnet_model::Mlp;
use zoepnet_model::UpdateOrder;

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

fn tutorial() -> (ExperimentConfig, Prepared) {
    let las = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let mut config = ExperimentConfig::load(&path).expect("configs/tutorial.toml loads");
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
            train(plan, prepared, device, None, &mut |_, _| {
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
        &mut |_, _| std::ops::ControlFlow::Continue(()),
    )
    .expect("trains");
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
    let (config, prepared) = tutorial();
    let (device, _) = config.backend.select().expect("the CPU backend");
    let mut plans = variants(&config, Engine::Fused);
    let mut c = config.clone();
    c.model.hidden = 16;
    plans.push(c.check().expect("valid"));
    let err = train_population(&plans, &prepared, &device, &mut |_, _| {
        std::ops::ControlFlow::Continue(())
    })
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
        &mut |_, _| std::ops::ControlFlow::Continue(()),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("per-sample manual SGD only"), "{err}");
}
