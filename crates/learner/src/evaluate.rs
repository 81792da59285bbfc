//! A trained network on interface items: its predictions, their MSE, and the "new angles"
//! errors, for training's final scoring ([`score`]) and for `zoepnet predict` and `zoepnet eval`
//! alike.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{Baseline, InterfaceItem, Prepared, Sweep};
use zoepnet_model::{Inputs, Mlp, ModelError, read_values};

/// Why a network could not be scored.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// Its outputs could not be read.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Predictions and items do not pair up.
    #[error("{predicted} predictions for {items} interfaces")]
    Lengths {
        /// Predictions given.
        predicted: usize,
        /// Interfaces given.
        items: usize,
    },
}

/// The model's inputs for unscaled items: their features scaled by `batcher`, the values of the
/// model's baseline when it has one, and the contrast gates when its correction is scaled.
pub(crate) fn model_inputs(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    items: &[InterfaceItem],
    device: &Device,
) -> Inputs {
    Inputs {
        x: batcher.inputs(items, device),                       // [B, 7]
        offset: batcher.offsets(model.baseline, items, device), // [B, 1]
        gate: batcher.gates(model.correction, items, device),   // [B, 1]
    }
}

/// Rows of one forward pass in [`predict`].
const PREDICT_ROWS: usize = 1 << 15;

/// The network's outputs for unscaled items, scaled by `batcher` (its baseline added, for a
/// physics-residual network), 32 768 rows at a time (a deep network's hidden activations on
/// 10^6 interfaces at once would take gigabytes).
pub fn predict(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    items: &[InterfaceItem],
    device: &Device,
) -> Result<Vec<f64>, ModelError> {
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(PREDICT_ROWS) {
        let inputs = model_inputs(model, batcher, chunk, device);
        out.extend(read_values("the network's outputs", model.forward(inputs))?); // [B, 1]
    }
    Ok(out)
}

/// Refuses predictions that do not pair up with the items one to one (or that are none).
fn paired(predicted: &[f64], items: &[InterfaceItem]) -> Result<(), EvaluateError> {
    if predicted.len() != items.len() || items.is_empty() {
        return Err(EvaluateError::Lengths {
            predicted: predicted.len(),
            items: items.len(),
        });
    }
    Ok(())
}

/// The mean squared difference between predictions and the items' labels.
pub fn mse(predicted: &[f64], items: &[InterfaceItem]) -> Result<f64, EvaluateError> {
    paired(predicted, items)?;
    let total: f64 = predicted
        .iter()
        .zip(items)
        .map(|(p, i)| (p - i.rpp).powi(2))
        .sum();
    Ok(total / items.len() as f64)
}

/// The largest |prediction − label| over `items`.
fn max_abs_error(predicted: &[f64], items: &[InterfaceItem]) -> Result<f64, EvaluateError> {
    paired(predicted, items)?;
    Ok(predicted
        .iter()
        .zip(items)
        .map(|(p, i)| (p - i.rpp).abs())
        .fold(0.0, f64::max))
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
pub(crate) fn sweep_errors(
    model: &Mlp,
    batcher: &InterfaceBatcher,
    sweeps: &[Sweep],
    device: &Device,
) -> Result<Vec<SweepError>, EvaluateError> {
    sweeps
        .iter()
        .map(|sweep| {
            let predicted = predict(model, batcher, &sweep.items, device)?;
            let thetas = sweep.items.iter().map(InterfaceItem::theta);
            let (theta_min, theta_max) = thetas
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
                    (lo.min(t), hi.max(t))
                });
            Ok(SweepError {
                interface: sweep.interface,
                theta_min,
                theta_max,
                max_abs_error: max_abs_error(&predicted, &sweep.items)?,
                mse: mse(&predicted, &sweep.items)?,
            })
        })
        .collect()
}

/// The classical approximations' Re(Rpp) for `items` (`None` outside a method's domain), and
/// their predictions inside it.
pub(crate) trait Approximation {
    /// Its Rpp for each item; `None` outside the approximation's domain (at 90 degrees, or past
    /// the critical angle: see `zoepnet_physics::approx`).
    fn predict(self, items: &[InterfaceItem]) -> Vec<Option<f64>>;
    /// Its predictions on the `items` inside its domain, those items, and how many were outside.
    fn within_domain(self, items: &[InterfaceItem]) -> (Vec<f64>, Vec<InterfaceItem>, usize);
}

impl Approximation for Baseline {
    fn predict(self, items: &[InterfaceItem]) -> Vec<Option<f64>> {
        items.iter().map(|item| self.rpp(&item.features)).collect()
    }

    fn within_domain(self, items: &[InterfaceItem]) -> (Vec<f64>, Vec<InterfaceItem>, usize) {
        let (mut predicted, mut kept) = (Vec::new(), Vec::new());
        for (p, item) in self.predict(items).into_iter().zip(items) {
            if let Some(p) = p {
                predicted.push(p);
                kept.push(*item);
            }
        }
        let outside = items.len() - kept.len();
        (predicted, kept, outside)
    }
}

/// A baseline's errors on the sets a run is judged on, over the rows inside its domain (below 90
/// degrees and the critical angle); rows outside are counted, not scored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineScores {
    /// Which approximation.
    pub method: Baseline,
    /// MSE on the validation interfaces (None when every one is outside the domain).
    pub val_mse: Option<f64>,
    /// The network's MSE on the same validation interfaces: those inside the domain (absent in
    /// the summaries of runs from before it was recorded).
    #[serde(default)]
    pub network_val_mse: Option<f64>,
    /// MSE on the "new rocks" interfaces (None when every one is outside the domain).
    pub blind_mse: Option<f64>,
    /// The largest |approximation − exact| over the "new angles" sweeps (None without sweeps).
    pub avo_max_abs_error: Option<f64>,
    /// Rows of the validation, "new rocks" and "new angles" sets outside the domain.
    #[serde(default)]
    pub outside_domain: usize,
}

/// Each baseline's scores on the validation, "new rocks" and "new angles" sets, and the
/// network's on the validation rows inside the baseline's domain (`val_predicted`: the network's
/// prediction for each validation interface).
pub fn baselines(
    validation: &[InterfaceItem],
    val_predicted: &[f64],
    blind_rocks: &[InterfaceItem],
    sweeps: &[Sweep],
) -> Result<Vec<BaselineScores>, EvaluateError> {
    let network_val = against_baselines(val_predicted, validation)?;
    Baseline::APPROXIMATIONS
        .into_iter()
        .zip(network_val)
        .map(|(method, network_val)| {
            let mut outside_domain = 0;
            let mut on = |items: &[InterfaceItem], figure: fn(&[f64], &[InterfaceItem]) -> Result<f64, EvaluateError>| {
                let (predicted, kept, outside) = method.within_domain(items);
                outside_domain += outside;
                if kept.is_empty() {
                    Ok(None)
                } else {
                    figure(&predicted, &kept).map(Some)
                }
            };
            let val_mse = on(validation, mse)?;
            let blind_mse = on(blind_rocks, mse)?;
            let mut avo = None::<f64>;
            for sweep in sweeps {
                if let Some(e) = on(&sweep.items, max_abs_error)? {
                    avo = Some(avo.map_or(e, |a| a.max(e)));
                }
            }
            Ok(BaselineScores {
                method,
                val_mse,
                network_val_mse: network_val.network_mse,
                blind_mse,
                avo_max_abs_error: avo,
                outside_domain,
            })
        })
        .collect()
}

/// A baseline beside the network on the same rows: those inside the baseline's domain.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BaselineComparison {
    /// Which approximation.
    pub method: Baseline,
    /// Rows inside its domain, scored.
    pub rows: usize,
    /// Rows outside its domain (past the critical angle, at 90 degrees), left out.
    pub outside_domain: usize,
    /// The approximation's MSE on those rows (None when there are none).
    pub baseline_mse: Option<f64>,
    /// The network's MSE on the same rows (None when there are none).
    pub network_mse: Option<f64>,
}

/// Each baseline against the network's `predicted` values for `items`, on the rows inside the
/// baseline's domain.
pub(crate) fn against_baselines(
    predicted: &[f64],
    items: &[InterfaceItem],
) -> Result<Vec<BaselineComparison>, EvaluateError> {
    paired(predicted, items)?;
    Baseline::APPROXIMATIONS
        .into_iter()
        .map(|method| {
            let (mut ours, mut theirs, mut kept) = (Vec::new(), Vec::new(), Vec::new());
            for ((b, &p), item) in method.predict(items).into_iter().zip(predicted).zip(items) {
                if let Some(b) = b {
                    theirs.push(b);
                    ours.push(p);
                    kept.push(*item);
                }
            }
            let score = |values: &[f64]| -> Result<Option<f64>, EvaluateError> {
                if kept.is_empty() {
                    Ok(None)
                } else {
                    mse(values, &kept).map(Some)
                }
            };
            Ok(BaselineComparison {
                method,
                rows: kept.len(),
                outside_domain: items.len() - kept.len(),
                baseline_mse: score(&theirs)?,
                network_mse: score(&ours)?,
            })
        })
        .collect()
}

/// The largest |prediction − exact| over a "new angles" sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AvoError {
    /// The error.
    pub max_abs_error: f64,
    /// The sweep's first angle, degrees.
    pub theta_min: f64,
    /// The sweep's last angle, degrees.
    pub theta_max: f64,
}

/// A trained network's figures on a run's sets, beside the baselines'.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Training MSE.
    pub train_mse: f64,
    /// Validation MSE.
    pub val_mse: f64,
    /// "New rocks" MSE.
    pub blind_mse: f64,
    /// "New angles": the largest error over all sweeps, and their angle range (none without
    /// sweeps).
    pub avo: Option<AvoError>,
    /// The classical approximations on the same validation and blind sets.
    pub baselines: Vec<BaselineScores>,
}

/// Scores `model` (on `device`) on the training, validation and blind sets of `prepared`.
pub fn score(model: &Mlp, prepared: &Prepared, device: &Device) -> Result<Scores, EvaluateError> {
    let batcher = InterfaceBatcher::new(prepared.scaler.clone());
    let on = |items: &[InterfaceItem]| -> Result<f64, EvaluateError> {
        mse(&predict(model, &batcher, items, device)?, items)
    };
    let avo = sweep_errors(model, &batcher, &prepared.new_angles, device)?
        .into_iter()
        .map(|e| AvoError {
            max_abs_error: e.max_abs_error,
            theta_min: e.theta_min,
            theta_max: e.theta_max,
        })
        .reduce(|a, b| AvoError {
            max_abs_error: a.max_abs_error.max(b.max_abs_error),
            theta_min: a.theta_min.min(b.theta_min),
            theta_max: a.theta_max.max(b.theta_max),
        });
    let val_predicted = predict(model, &batcher, &prepared.validation, device)?;
    Ok(Scores {
        train_mse: on(&prepared.train)?,
        val_mse: mse(&val_predicted, &prepared.validation)?,
        blind_mse: on(&prepared.blind_rocks)?,
        avo,
        baselines: baselines(
            &prepared.validation,
            &val_predicted,
            &prepared.blind_rocks,
            &prepared.new_angles,
        )?,
    })
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
        let item = InterfaceItem::labelled(&interface, 10.0).unwrap();
        for b in Baseline::APPROXIMATIONS {
            let p = b.predict(&[item])[0].expect("inside the domain");
            assert!((p - item.rpp).abs() < 1e-3, "{b:?}: {p} vs {}", item.rpp);
            assert!(
                p != item.rpp,
                "{b:?} is an approximation, not the exact value"
            );
        }
        let scores = baselines(&[item], &[item.rpp], &[item], &[]).unwrap();
        assert_eq!(scores.len(), 2);
        let val_mse = scores[0].val_mse.unwrap();
        assert!(val_mse < 1e-6 && val_mse > 0.0);
        assert_eq!(scores[0].avo_max_abs_error, None);
        assert_eq!(scores[0].outside_domain, 0);
    }

    #[test]
    fn rows_outside_a_baselines_domain_are_counted_not_scored() {
        // Slow over fast: the critical angle is asin(3000 / 4000) = 48.6 degrees. At 60 degrees
        // neither approximation has a value; the row is left out and counted.
        let interface = zoepnet_physics::Interface::from_properties([
            3000.0, 1500.0, 2400.0, 4000.0, 2000.0, 2500.0,
        ]);
        let inside = InterfaceItem::labelled(&interface, 20.0).unwrap();
        let outside = InterfaceItem::labelled(&interface, 60.0).unwrap();
        for b in Baseline::APPROXIMATIONS {
            assert_eq!(b.predict(&[outside]), [None], "{b:?}");
        }
        let scores = baselines(&[inside, outside], &[inside.rpp, 0.0], &[outside], &[]).unwrap();
        for s in &scores {
            assert_eq!(s.outside_domain, 2, "{s:?}");
            assert_eq!(s.blind_mse, None, "{s:?}");
        }
        let (predicted, kept, _) = Baseline::AkiRichards.within_domain(&[inside, outside]);
        assert_eq!(kept, [inside]);
        assert_eq!(scores[0].val_mse, Some((predicted[0] - inside.rpp).powi(2)));
        // The network is scored on the same row: exact there, its miss outside not counted.
        assert_eq!(scores[0].network_val_mse, Some(0.0));
    }
}

#[cfg(test)]
mod pairing {
    use super::*;

    #[test]
    fn mse_refuses_predictions_that_do_not_pair_up() {
        let item = InterfaceItem {
            features: [3000.0, 1500.0, 2400.0, 3100.0, 1550.0, 2450.0, 5.0],
            rpp: 0.5,
        };
        assert_eq!(mse(&[0.25], &[item]).unwrap(), 0.0625);
        assert!(matches!(
            mse(&[], &[item]),
            Err(EvaluateError::Lengths {
                predicted: 0,
                items: 1
            })
        ));
        assert!(mse(&[], &[]).is_err());
        assert!(max_abs_error(&[0.1, 0.2], &[item]).is_err());
    }
}
