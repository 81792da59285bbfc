//! Manual back-propagation against autodiff and finite differences, the tutorial's update order,
//! and saving and loading, on ndarray in f64.

use burn::tensor::{Device, FloatDType, Tensor};
use zoepnet_model::gradcheck::{batch, check};
use zoepnet_model::{
    Activation, Init, Inputs, Mlp, MlpConfig, Tolerance, UpdateOrder, read_values,
};

/// The ndarray device in f64 (configured once for this test process).
fn device() -> Device {
    #[allow(deprecated)] // the backend the design asks for
    let mut device = Device::ndarray();
    let _ = device.configure(FloatDType::F64);
    assert_eq!(device.settings().float_dtype, FloatDType::F64);
    device
}

/// Eight deterministic samples of 7 scaled features and their targets.
fn samples() -> (Vec<Vec<f64>>, Vec<f64>) {
    let rows: Vec<Vec<f64>> = (0..8)
        .map(|r| {
            (0..7)
                .map(|c| ((r * 7 + c) as f64 * 0.91).sin() * 1.3)
                .collect()
        })
        .collect();
    let targets = (0..8).map(|r| 0.1 * (r as f64 * 0.7).cos()).collect();
    (rows, targets)
}

fn model(activation: Activation, device: &Device) -> Mlp {
    device.seed(7);
    // 64 hidden units keep the finite differences quick in a debug build.
    MlpConfig::new()
        .with_hidden(64)
        .with_activation(activation)
        .with_init(Init::Normal { std: 0.5 })
        .init(device)
}

#[test]
fn manual_gradients_match_autodiff_and_finite_differences() {
    let device = device();
    let (rows, targets) = samples();
    for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
        let mlp = model(activation, &device);
        let (x, t) = batch(&rows, &targets, &device);
        let result = check(&mlp, x, t, Tolerance::F64).unwrap();
        assert!(result.passed(), "{activation:?}\n{}", result.table());
        // The check is not vacuous: the gradients are far from zero.
        assert!(result.loss > 1e-3, "{}", result.loss);
        for e in &result.autodiff {
            assert!(
                e.max_rel <= 1e-12,
                "{activation:?} {}: {}",
                e.name,
                e.max_rel
            );
        }
    }
}

#[test]
fn a_physics_residual_network_adds_its_offset_and_its_gradients_check() {
    // The offsets (a baseline's values) enter the output additively: y = net(x) + offset. The
    // loss and its gradients change with them, and all three gradients still agree.
    let device = device();
    let (rows, targets) = samples();
    let mlp = model(Activation::Sigmoid, &device);
    let (x, t) = batch(&rows, &targets, &device);
    let offsets: Vec<f64> = (0..8).map(|r| 0.05 * (r as f64 * 1.3).sin()).collect();
    let offset = Tensor::<2>::from_data(
        burn::tensor::TensorData::new(offsets.clone(), [8, 1]),
        &device,
    );
    let inputs = Inputs {
        x: x.clone(),
        offset: Some(offset.clone()),
        gate: None,
    };
    let plain = read_values("plain", mlp.forward(x.clone())).unwrap();
    let shifted = read_values("shifted", mlp.forward(inputs.clone())).unwrap();
    for ((p, s), o) in plain.iter().zip(&shifted).zip(&offsets) {
        assert_eq!(*s, p + o);
    }
    let with = check(&mlp, inputs, t.clone(), Tolerance::F64).unwrap();
    let without = check(&mlp, x.clone(), t, Tolerance::F64).unwrap();
    assert!(with.passed(), "{}", with.table());
    assert!(with.loss != without.loss, "{} {}", with.loss, without.loss);
    for e in &with.autodiff {
        assert!(e.max_rel <= 1e-12, "{}: {}", e.name, e.max_rel);
    }
    // A contrast-scaled correction: y = net(x) · gate + offset, and its gradients check too.
    let gates: Vec<f64> = (0..8).map(|r| 1e-3 * (1.0 + r as f64)).collect();
    let gate = Tensor::<2>::from_data(
        burn::tensor::TensorData::new(gates.clone(), [8, 1]),
        &device,
    );
    let gated = Inputs {
        x: x.clone(),
        offset: Some(offset),
        gate: Some(gate),
    };
    let y = read_values("gated", mlp.forward(gated.clone())).unwrap();
    for (((y, p), o), g) in y.iter().zip(&plain).zip(&offsets).zip(&gates) {
        assert_eq!(*y, p * g + o);
    }
    let (_, t) = batch(&rows, &targets, &device);
    let result = check(&mlp, gated, t, Tolerance::F64).unwrap();
    assert!(result.passed(), "{}", result.table());
    for e in &result.autodiff {
        assert!(e.max_rel <= 1e-12, "gated {}: {}", e.name, e.max_rel);
    }
}

#[test]
fn the_check_fails_beyond_its_tolerance() {
    // Central differences carry errors far above 1e-15: a check that tight must fail, and say so.
    let device = device();
    let (rows, targets) = samples();
    let (x, t) = batch(&rows, &targets, &device);
    let strict = Tolerance {
        autodiff: 1e-12,
        finite_difference: 1e-15,
    };
    let result = check(&model(Activation::Tanh, &device), x, t, strict).unwrap();
    assert!(!result.passed());
    assert!(result.table().contains("FAIL"), "{}", result.table());
}

#[test]
fn the_tutorial_update_order_uses_the_new_w2() {
    let device = device();
    let (rows, targets) = samples();
    let lr = 0.001;
    let mlp = model(Activation::Sigmoid, &device);
    let (x, t) = batch(&rows[..1], &targets[..1], &device);
    let (exact, _) = mlp
        .clone()
        .sgd_step(x.clone(), t.clone(), lr, UpdateOrder::Exact);
    let (tutorial, _) = mlp.clone().sgd_step(x, t, lr, UpdateOrder::Tutorial);

    // The notebook's backward(), in plain f64 on the same weights.
    let (w1, b1, w2, b2) = values(&mlp);
    let hidden = b1.len();
    let xi = &rows[0];
    let a1: Vec<f64> = (0..hidden)
        .map(|j| {
            Activation::Sigmoid
                .scalar(b1[j] + (0..7).map(|i| xi[i] * w1[i * hidden + j]).sum::<f64>())
        })
        .collect();
    let z2 = b2 + (0..hidden).map(|j| a1[j] * w2[j]).sum::<f64>();
    let err = z2 - targets[0];
    let new_w2: Vec<f64> = (0..hidden).map(|j| w2[j] - lr * err * a1[j]).collect();
    let err_hidden: Vec<f64> = (0..hidden)
        .map(|j| err * a1[j] * (1.0 - a1[j]) * new_w2[j])
        .collect();
    let new_w1: Vec<f64> = (0..7 * hidden)
        .map(|k| w1[k] - lr * err_hidden[k % hidden] * xi[k / hidden])
        .collect();

    let (tw1, tb1, tw2, tb2) = values(&tutorial);
    let close = |a: &[f64], b: &[f64]| {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    // Equal to rounding (the sums run in another order).
    assert!(close(&tw2, &new_w2) < 1e-14, "{}", close(&tw2, &new_w2));
    assert!(close(&tw1, &new_w1) < 1e-14, "{}", close(&tw1, &new_w1));
    assert!((tb2 - (b2 - lr * err)).abs() < 1e-14);
    let new_b1: Vec<f64> = b1
        .iter()
        .zip(&err_hidden)
        .map(|(b, e)| b - lr * e)
        .collect();
    assert!(close(&tb1, &new_b1) < 1e-14, "{}", close(&tb1, &new_b1));
    // The exact step differs from it in W1, by O(lr²): a small part of the step itself.
    let (ew1, ..) = values(&exact);
    let gap = close(&ew1, &tw1);
    let step = close(&ew1, &w1);
    assert!(gap > 0.0 && gap < 0.05 * step, "{gap} vs a step of {step}");
}

#[test]
fn exact_sgd_lowers_the_loss() {
    let device = device();
    let (rows, targets) = samples();
    let (x, t) = batch(&rows, &targets, &device);
    let mut mlp = model(Activation::Tanh, &device);
    let first: f64 = mlp.loss(x.clone(), t.clone()).into_scalar();
    for _ in 0..20 {
        mlp = mlp
            .sgd_step(x.clone(), t.clone(), 0.002, UpdateOrder::Exact)
            .0;
    }
    let last: f64 = mlp.loss(x, t).into_scalar();
    assert!(last < 0.8 * first, "{first} -> {last}");
}

#[test]
fn saved_and_loaded_networks_are_the_same() {
    let device = device();
    let config = MlpConfig::new()
        .with_hidden(16)
        .with_activation(Activation::Relu);
    device.seed(3);
    let mlp = config.init(&device);
    let dir = std::env::temp_dir().join(format!("zoepnet-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stem = dir.join("model");
    mlp.save(&config, &stem).unwrap();
    let (loaded, loaded_config) = Mlp::load(&stem, &device).unwrap();
    assert_eq!(loaded_config.hidden, 16);
    assert_eq!(loaded.activation, Activation::Relu);
    assert_eq!(loaded.parameters().unwrap(), mlp.parameters().unwrap());
    assert_eq!(
        mlp.parameters().unwrap().w1.len(),
        7 * mlp.parameters().unwrap().hidden()
    );
    let (rows, _) = samples();
    let (x, _) = batch(&rows, &[0.0; 8], &device);
    let a: Vec<f64> = mlp
        .forward(x.clone())
        .into_data()
        .convert::<f64>()
        .try_into_vec()
        .unwrap();
    let b: Vec<f64> = loaded
        .forward(x)
        .into_data()
        .convert::<f64>()
        .try_into_vec()
        .unwrap();
    assert_eq!(a, b);
    let missing = Mlp::load(&dir.join("nothing"), &device)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("nothing.json"), "{missing}");
    let _: Tensor<1> = Tensor::zeros([1], &device);
}

/// The weights as (W1, b1, W2, b2), read back from the module.
fn values(mlp: &Mlp) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
    let p = mlp.parameters().expect("the weights read back");
    assert!(!p.b1.is_empty());
    (p.w1, p.b1, p.w2, p.b2)
}
