//! A Burn `Batcher` that turns interface items into an input tensor `[B, 7]` and a target tensor
//! `[B, 1]` on any device.
//!
//! Items keep SI units and degrees; the feature scaling happens here, in one place, for training
//! and prediction alike.

use burn::data::dataloader::batcher::Batcher;
use burn::tensor::{Device, Tensor, TensorData};
use zoepnet_dataset::{Baseline, Correction, FeatureVector, InterfaceItem, Scaler};

/// Scaled inputs and targets of a batch of interfaces.
#[derive(Debug, Clone)]
pub struct InterfaceBatch {
    /// Scaled features: `[B, 7]`.
    pub inputs: Tensor<2>,
    /// Re(Rpp): `[B, 1]`.
    pub targets: Tensor<2>,
}

/// Scales the features of interface items with a fitted [`Scaler`] and batches them.
#[derive(Debug, Clone)]
pub struct InterfaceBatcher {
    scaler: Scaler,
}

/// One value per item, computed from its unscaled features, as a `[B, 1]` tensor.
fn per_item(
    items: &[InterfaceItem],
    device: &Device,
    value: impl Fn(&FeatureVector) -> f64,
) -> Tensor<2> {
    let values: Vec<f64> = items.iter().map(|i| value(&i.features)).collect();
    Tensor::from_data(TensorData::new(values, [items.len(), 1]), device) // [B, 1]
}

impl InterfaceBatcher {
    /// A batcher applying `scaler`.
    pub fn new(scaler: Scaler) -> Self {
        Self { scaler }
    }

    /// For a physics-residual network, `baseline`'s Re(Rpp) for `items` (0 outside its domain:
    /// [`Baseline::offset`]) as a `[B, 1]` tensor; `None` for [`Baseline::None`].
    pub fn offsets(
        &self,
        baseline: Baseline,
        items: &[InterfaceItem],
        device: &Device,
    ) -> Option<Tensor<2>> {
        (baseline != Baseline::None).then(|| per_item(items, device, |f| baseline.offset(f)))
    }

    /// For a contrast-scaled correction, the gate of each of `items` ([`Correction::gate`]) as
    /// a `[B, 1]` tensor; `None` for an additive one.
    pub fn gates(
        &self,
        correction: Correction,
        items: &[InterfaceItem],
        device: &Device,
    ) -> Option<Tensor<2>> {
        correction
            .is_gated()
            .then(|| per_item(items, device, |f| correction.gate(f).unwrap_or(1.0)))
    }

    /// The scaler it applies.
    pub fn scaler(&self) -> &Scaler {
        &self.scaler
    }

    /// The scaled inputs of `items`, row by row, as a `[B, inputs]` tensor (inputs =
    /// [`Scaler::width`]: 7, or 9 for complex cosines).
    pub fn inputs(&self, items: &[InterfaceItem], device: &Device) -> Tensor<2> {
        let values: Vec<f64> = items
            .iter()
            .flat_map(|i| self.scaler.transform(&i.features))
            .collect();
        let width = self.scaler.width();
        Tensor::from_data(TensorData::new(values, [items.len(), width]), device) // [B, inputs]
    }

    /// The labels of `items` as a `[B, 1]` tensor.
    pub fn targets(&self, items: &[InterfaceItem], device: &Device) -> Tensor<2> {
        let targets: Vec<f64> = items.iter().map(|i| i.rpp).collect();
        Tensor::from_data(TensorData::new(targets, [items.len(), 1]), device) // [B, 1]
    }
}

impl Batcher<InterfaceItem, InterfaceBatch> for InterfaceBatcher {
    fn batch(&self, items: Vec<InterfaceItem>, device: &Device) -> InterfaceBatch {
        InterfaceBatch {
            inputs: self.inputs(&items, device),   // [B, 7]
            targets: self.targets(&items, device), // [B, 1]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<InterfaceItem> {
        vec![
            InterfaceItem {
                features: [3000.0, 1500.0, 2400.0, 3200.0, 1600.0, 2450.0, 10.0],
                rpp: 0.05,
            },
            InterfaceItem {
                features: [3400.0, 1700.0, 2500.0, 3000.0, 1500.0, 2350.0, 20.0],
                rpp: -0.07,
            },
        ]
    }

    #[test]
    fn batches_scaled_inputs_and_targets() {
        let batcher = InterfaceBatcher::new(Scaler::fit(&items()));
        #[allow(deprecated)] // the ndarray backend the design asks for
        let devices = [Device::ndarray()];
        for device in devices {
            let batch = batcher.batch(items(), &device);
            assert_eq!(batch.inputs.dims(), [2, 7]);
            assert_eq!(batch.targets.dims(), [2, 1]);
            let inputs: Vec<f32> = batch
                .inputs
                .into_data()
                .convert::<f32>()
                .try_into_vec()
                .unwrap();
            // Two items: each scaled feature is -1 or +1.
            assert_eq!(inputs[..7], [-1.0, -1.0, -1.0, 1.0, 1.0, 1.0, -1.0]);
            assert_eq!(inputs[7..], [1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 1.0]);
            let targets: Vec<f32> = batch
                .targets
                .into_data()
                .convert::<f32>()
                .try_into_vec()
                .unwrap();
            assert_eq!(targets, [0.05, -0.07]);
        }
    }
}
