//! A trained network on interface items: its predictions, their MSE, and the "new angles"
//! errors, for training's final evaluation and for `zoepnet predict` and `zoepnet eval` alike.

use burn::tensor::Device;
use serde::Serialize;
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{InterfaceItem, Sweep};
use zoepnet_model::Mlp;

/// The network's outputs for unscaled items, scaled by `batcher`.
pub fn predict(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    items: &[InterfaceItem],
    device: &Device,
) -> Vec<f64> {
    let x = batcher.inputs(items, device); // [B, 7]
    model
        .forward(x)
        .into_data()
        .convert::<f64>()
        .try_into_vec()
        .unwrap_or_default()
}

/// The mean squared difference between predictions and the items' labels.
pub fn mse(predicted: &[f64], items: &[InterfaceItem]) -> f64 {
    let total: f64 = predicted
        .iter()
        .zip(items)
        .map(|(p, i)| (p - i.rpp).powi(2))
        .sum();
    total / items.len().max(1) as f64
}

/// How far the network is from the exact curve over one "new angles" sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepError {
    /// The sweep's interface, as an index among the blind-rocks interfaces.
    pub interface: usize,
    /// The sweep's first angle, degrees.
    pub theta_min: f64,
    /// The sweep's last angle, degrees.
    pub theta_max: f64,
    /// The largest |prediction − exact|.
    pub max_abs_error: f64,
    /// The mean squared error.
    pub mse: f64,
}

/// The errors of each sweep.
pub fn sweep_errors(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    sweeps: &[Sweep],
    device: &Device,
) -> Vec<SweepError> {
    sweeps
        .iter()
        .map(|sweep| {
            let predicted = predict(model, batcher, &sweep.items, device);
            let thetas = sweep.items.iter().map(|i| i.features[6]);
            let (theta_min, theta_max) = thetas
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
                    (lo.min(t), hi.max(t))
                });
            SweepError {
                interface: sweep.interface,
                theta_min,
                theta_max,
                max_abs_error: predicted
                    .iter()
                    .zip(&sweep.items)
                    .map(|(p, i)| (p - i.rpp).abs())
                    .fold(0.0, f64::max),
                mse: mse(&predicted, &sweep.items),
            }
        })
        .collect()
}
