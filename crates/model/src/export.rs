//! The trained network as a safetensors file a PyTorch or NumPy user can load: `fc1.weight`
//! `[hidden, inputs]`, `fc1.bias` `[hidden]`, `fc2.weight` `[1, hidden]`, `fc2.bias` `[1]`,
//! the layout of `torch.nn.Linear` (y = x Wᵀ + b), in the network's float type (f64 on the
//! CPU backends).
//!
//! Written with Burn's `burn-store` ([`SafetensorsStore`] and its [`BurnToPyTorchAdapter`],
//! which transposes each `Linear` weight from Burn's `[in, out]`). The caller adds string
//! metadata: zoepnet puts the run's `model.json` and `scaler.json` there (the activation, the
//! baseline, and the input encoding and standardisation the network expects), so the file alone
//! says how to use it.

use std::path::Path;

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::store::{BurnToPyTorchAdapter, ModuleSnapshot, SafetensorsStore};

use crate::mlp::{Mlp, ModelError};

/// [`Mlp`] as two `Linear` layers, named as a PyTorch `nn.Sequential`-free module would name
/// them: `fc1` (inputs to hidden) and `fc2` (hidden to the output).
#[derive(Module, Debug)]
struct TorchLayout {
    /// Weight `[inputs, hidden]` here, `[hidden, inputs]` in the file.
    fc1: Linear,
    /// Weight `[hidden, 1]` here, `[1, hidden]` in the file.
    fc2: Linear,
}

impl Mlp {
    /// Writes the weights to `path` as safetensors in PyTorch's layout (module docs), with
    /// `metadata` (key, value) besides burn-store's own (`format`, `producer`, `version`).
    ///
    /// # Errors
    /// [`ModelError::File`] when the file cannot be written.
    pub fn export_safetensors(
        &self,
        path: &Path,
        metadata: &[(&str, String)],
    ) -> Result<(), ModelError> {
        let layout = TorchLayout {
            fc1: Linear {
                weight: Param::from_tensor(self.w1.val()),
                bias: Some(Param::from_tensor(self.b1.val())),
            },
            fc2: Linear {
                weight: Param::from_tensor(self.w2.val()),
                bias: Some(Param::from_tensor(self.b2.val())),
            },
        };
        let mut store = SafetensorsStore::from_file(path)
            .with_to_adapter(BurnToPyTorchAdapter)
            .overwrite(true);
        for (key, value) in metadata {
            store = store.metadata(*key, value.clone());
        }
        layout.save_into(&mut store).map_err(|e| ModelError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use burn::store::ModuleStore;
    use burn::tensor::Device;

    use crate::mlp::MlpConfig;

    #[test]
    fn the_file_holds_pytorch_names_and_layouts() {
        #[allow(deprecated)] // ndarray: the dev-dependency's backend
        let mut device = Device::ndarray();
        let _ = device.configure(burn::tensor::FloatDType::F64);
        let model = MlpConfig::new().init(&device);
        let path =
            std::env::temp_dir().join(format!("zoepnet-export-{}.safetensors", std::process::id()));
        model
            .export_safetensors(&path, &[("zoepnet.test", "yes".into())])
            .expect("written");
        let mut store = burn::store::SafetensorsStore::from_file(&path);
        let mut keys = store.keys().expect("keys");
        keys.sort();
        assert_eq!(keys, ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]);
        let shape = |store: &mut burn::store::SafetensorsStore, k: &str| {
            store
                .get_tensor(k)
                .expect("read")
                .expect("present")
                .shape
                .to_vec()
        };
        assert_eq!(shape(&mut store, "fc1.weight"), [300, 7]);
        assert_eq!(shape(&mut store, "fc1.bias"), [300]);
        assert_eq!(shape(&mut store, "fc2.weight"), [1, 300]);
        assert_eq!(shape(&mut store, "fc2.bias"), [1]);
        // fc1.weight is W1 transposed: its row j is hidden unit j's 7 input weights.
        let w1 = crate::mlp::read_values("w1", model.w1.val()).expect("w1");
        let t = store
            .get_tensor("fc1.weight")
            .expect("read")
            .expect("present");
        assert_eq!(t.dtype, burn::tensor::DType::F64);
        let bytes = t.to_bytes().expect("bytes");
        let file: Vec<f64> = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect();
        for j in [0, 1, 299] {
            for i in 0..7 {
                assert_eq!(file[j * 7 + i], w1[i * 300 + j], "unit {j}, input {i}");
            }
        }
        std::fs::remove_file(&path).ok();
    }
}
