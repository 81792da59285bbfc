//! The trained network as a safetensors file a PyTorch or NumPy user can load: `fc1.weight`
//! `[hidden, inputs]`, `fc1.bias` `[hidden]`, for a deeper network each further hidden layer's
//! `inner.K.weight` `[hidden, hidden]` and `inner.K.bias` (K = 0, 1, ... in order), then
//! `fc2.weight` `[1, hidden]`, `fc2.bias` `[1]`: the layout of `torch.nn.Linear`
//! (y = x Wᵀ + b), in the network's float type (f64 on the CPU backends).
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
    /// The hidden layers after the first (none for the tutorial's network).
    inner: Vec<Linear>,
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
        let file_err = |message: String| ModelError::File {
            path: path.to_owned(),
            message,
        };
        let bytes = self.safetensors(metadata)?;
        std::fs::write(path, bytes).map_err(|e| file_err(e.to_string()))
    }

    /// The bytes [`Mlp::export_safetensors`] writes, for a caller that writes them its own way
    /// (atomically, into a run folder). The same network and metadata give the same bytes.
    ///
    /// # Errors
    /// [`ModelError::Read`] when burn-store cannot encode them.
    pub fn safetensors(&self, metadata: &[(&str, String)]) -> Result<Vec<u8>, ModelError> {
        let layout = TorchLayout {
            fc1: Linear {
                weight: Param::from_tensor(self.w1.val()),
                bias: Some(Param::from_tensor(self.b1.val())),
            },
            inner: self
                .inner
                .iter()
                .map(|l| Linear {
                    weight: Param::from_tensor(l.w.val()),
                    bias: Some(Param::from_tensor(l.b.val())),
                })
                .collect(),
            fc2: Linear {
                weight: Param::from_tensor(self.w2.val()),
                bias: Some(Param::from_tensor(self.b2.val())),
            },
        };
        // "format": "pt", as PyTorch's own `safetensors.torch.save_file` writes (the layout is
        // PyTorch's); burn-store's default says "safetensors".
        let mut store = SafetensorsStore::from_bytes(None)
            .with_to_adapter(BurnToPyTorchAdapter)
            .metadata("format", "pt");
        for (key, value) in metadata {
            store = store.metadata(*key, value.clone());
        }
        let encode_err = |message: String| ModelError::Read {
            what: "the network as safetensors",
            message,
        };
        layout
            .save_into(&mut store)
            .map_err(|e| encode_err(e.to_string()))?;
        let mut bytes = store.get_bytes().map_err(|e| encode_err(e.to_string()))?;
        canonical_header(&mut bytes).map_err(|e| encode_err(e.to_string()))?;
        Ok(bytes)
    }
}

/// Rewrites the JSON header of safetensors `bytes` with its keys sorted, so that the same
/// network gives the same bytes: burn-store collects the metadata in a hash map, whose
/// order changes from process to process. The header keeps its length (the same keys and
/// values, padded with spaces as the format allows), so the tensors' offsets do not move.
fn canonical_header(bytes: &mut [u8]) -> std::io::Result<()> {
    use std::collections::BTreeMap;
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let size = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(|| invalid("no safetensors header"))?;
    let end = usize::try_from(size)
        .ok()
        .and_then(|n| n.checked_add(8))
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| invalid("safetensors header past the end of the file"))?;
    let header: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..end]).map_err(std::io::Error::other)?;
    // The BTreeMap sorts the top level; each nested object (the metadata) is sorted too.
    let mut sorted = BTreeMap::new();
    for (key, value) in header {
        let value = match value {
            serde_json::Value::Object(map) => {
                let inner: BTreeMap<String, serde_json::Value> = map.into_iter().collect();
                serde_json::to_value(inner).map_err(std::io::Error::other)?
            }
            other => other,
        };
        sorted.insert(key, value);
    }
    let mut json = serde_json::to_vec(&sorted).map_err(std::io::Error::other)?;
    if json.len() > end - 8 {
        // The same content never grows; keep the file as burn-store wrote it.
        return Ok(());
    }
    json.resize(end - 8, b' ');
    bytes[8..end].copy_from_slice(&json);
    Ok(())
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
        // The same network gives the same bytes (the metadata's order is fixed), with PyTorch's
        // "format".
        let again = path.with_extension("again.safetensors");
        model
            .export_safetensors(&again, &[("zoepnet.test", "yes".into())])
            .expect("written");
        let (a, b) = (
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap(),
        );
        assert!(a == b, "two exports differ");
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("\"format\":\"pt\""), "{text}");
        std::fs::remove_file(&path).ok();
        std::fs::remove_file(&again).ok();
    }
}
