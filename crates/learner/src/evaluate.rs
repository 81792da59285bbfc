//! A trained network on interface items: its predictions, their MSE, and the "new angles"
//! errors, for training's final evaluation and for `zoepnet predict` and `zoepnet eval` alike.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
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

/// The largest |prediction − label| over `items`.
fn max_abs_error(predicted: &[f64], items: &[InterfaceItem]) -> f64 {
    predicted
        .iter()
        .zip(items)
        .map(|(p, i)| (p - i.rpp).abs())
        .fold(0.0, f64::max)
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
                max_abs_error: max_abs_error(&predicted, &sweep.items),
                mse: mse(&predicted, &sweep.items),
            }
        })
        .collect()
}

/// A classical linear approximation of Rpp, evaluated beside the network as a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// Aki & Richards (1980), eq. 5.44.
    AkiRichards,
    /// Shuey (1985), three terms.
    Shuey,
}

impl Baseline {
    /// Both, in this order.
    pub const ALL: [Baseline; 2] = [Baseline::AkiRichards, Baseline::Shuey];

    /// The name in summaries and tables.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::AkiRichards => "Aki-Richards",
            Baseline::Shuey => "Shuey",
        }
    }

    /// Its Rpp for each item (NaN where the approximation refuses the interface).
    pub fn predict(self, items: &[InterfaceItem]) -> Vec<f64> {
        items
            .iter()
            .map(|item| {
                let f = item.features;
                let interface = zoepnet_physics::Interface::from_properties([
                    f[0], f[1], f[2], f[3], f[4], f[5],
                ]);
                let r = match self {
                    Baseline::AkiRichards => zoepnet_physics::aki_richards(&interface, f[6]),
                    Baseline::Shuey => {
                        zoepnet_physics::shuey(&interface, f[6], zoepnet_physics::ShueyTerms::Three)
                    }
                };
                r.unwrap_or(f64::NAN)
            })
            .collect()
    }
}

/// A baseline's errors on the sets a run is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineScores {
    /// Which approximation.
    pub method: Baseline,
    /// MSE on the validation interfaces.
    pub val_mse: f64,
    /// MSE on the "new rocks" interfaces.
    pub blind_mse: f64,
    /// The largest |approximation − exact| over the "new angles" sweeps (None without sweeps).
    pub avo_max_abs_error: Option<f64>,
}

/// Each baseline's scores on the validation, "new rocks" and "new angles" sets.
pub fn baselines(
    validation: &[InterfaceItem],
    blind_rocks: &[InterfaceItem],
    sweeps: &[Sweep],
) -> Vec<BaselineScores> {
    Baseline::ALL
        .into_iter()
        .map(|method| BaselineScores {
            method,
            val_mse: mse(&method.predict(validation), validation),
            blind_mse: mse(&method.predict(blind_rocks), blind_rocks),
            avo_max_abs_error: sweeps
                .iter()
                .map(|s| max_abs_error(&method.predict(&s.items), &s.items))
                .reduce(f64::max),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_are_close_to_exact_at_small_contrasts_and_angles() {
        // A 3 % contrast at 10 degrees: both approximations within 1e-3 of exact.
        let upper = [3000.0, 1500.0, 2400.0];
        let lower = [3090.0, 1545.0, 2472.0];
        let interface = zoepnet_physics::Interface::from_properties([
            upper[0], upper[1], upper[2], lower[0], lower[1], lower[2],
        ]);
        let item = InterfaceItem {
            features: [
                upper[0], upper[1], upper[2], lower[0], lower[1], lower[2], 10.0,
            ],
            rpp: zoepnet_physics::rpp(&interface, 10.0).unwrap().re,
        };
        for b in Baseline::ALL {
            let p = b.predict(&[item])[0];
            assert!((p - item.rpp).abs() < 1e-3, "{b:?}: {p} vs {}", item.rpp);
            assert!(
                p != item.rpp,
                "{b:?} is an approximation, not the exact value"
            );
        }
        let scores = baselines(&[item], &[item], &[]);
        assert_eq!(scores.len(), 2);
        assert!(scores[0].val_mse < 1e-6 && scores[0].val_mse > 0.0);
        assert_eq!(scores[0].avo_max_abs_error, None);
    }
}
