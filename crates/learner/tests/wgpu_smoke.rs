//! The wgpu backend computes what ndarray computes.
//!
//! Runs a small slice of the network's forward pass (a [64, 7] x [7, 300] product, a sigmoid and a
//! [300, 1] product) on both devices and compares the results. Where no wgpu adapter is found the
//! test fails when `CI` or `ZOEPNET_REQUIRE_WGPU=1` is set (as `.ci/run` does), and otherwise
//! says it could not run.
#![cfg(all(feature = "wgpu", feature = "ndarray"))]

use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor, TensorData};
use zoepnet_learner::device::{self, Backend};

fn wgpu_required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1")
}

/// y = sigmoid(x W1) W2 for fixed, input-independent values; shapes in comments.
fn forward(device: &Device) -> Vec<f32> {
    let (n, d, h) = (64usize, 7usize, 300usize);
    let fill = |len: usize, scale: f32, phase: f32| -> Vec<f32> {
        (0..len)
            .map(|i| scale * ((i as f32) * 0.37 + phase).sin())
            .collect()
    };
    let x = Tensor::<2>::from_data(TensorData::new(fill(n * d, 1.5, 0.1), [n, d]), device); // [n, 7]
    let w1 = Tensor::<2>::from_data(TensorData::new(fill(d * h, 0.3, 0.7), [d, h]), device); // [7, h]
    let w2 = Tensor::<2>::from_data(TensorData::new(fill(h, 0.1, 1.3), [h, 1]), device); // [h, 1]
    let y = sigmoid(x.matmul(w1)).matmul(w2); // [n, 1]
    y.into_data().try_into_vec::<f32>().expect("an f32 tensor")
}

#[test]
fn wgpu_agrees_with_ndarray() {
    let (cpu, _) = device::select(Backend::Ndarray).expect("ndarray is always usable");
    let gpu = match device::select(Backend::Wgpu) {
        Ok((gpu, info)) => {
            eprintln!("wgpu adapter: {} ({})", info.name, info.details);
            gpu
        }
        Err(e) if wgpu_required() => panic!("no wgpu device in CI: {e}"),
        Err(e) => {
            eprintln!("NOT RUN: {e}; set ZOEPNET_REQUIRE_WGPU=1 to make this a failure");
            return;
        }
    };
    let expected = forward(&cpu);
    let got = forward(&gpu);
    assert_eq!(got.len(), 64);
    // The outputs are sums of 300 terms of size ~0.1: f32 rounding differs by ~1e-6 between
    // the two, a wrong kernel by far more.
    let worst = expected
        .iter()
        .zip(&got)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-4, "wgpu and ndarray differ by {worst}");
    // And the computation is not trivially zero.
    assert!(expected.iter().any(|v| v.abs() > 1e-2));
}
