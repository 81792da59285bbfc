//! The population kernel ([`zoepnet_kernel`]) with a population of one: a single run's
//! per-sample SGD on wgpu, an epoch a launch instead of a dozen tensor launches a sample.

use burn::tensor::Device;
use zoepnet_dataset::{InterfaceItem, Prepared};
use zoepnet_kernel::{PopulationKernel, Rows};
use zoepnet_model::{Mlp, MlpConfig, Parameters, UpdateOrder};
use zoepnet_network::Activation;

use super::{Engine, EpochSums};
use crate::checkpoint::AdamState;
use crate::plan::{EngineKind, Plan};
use crate::train::{TrainError, scaled};

/// One network on the kernel.
#[derive(Debug)]
pub struct KernelEngine {
    kernel: PopulationKernel,
    config: MlpConfig,
    validation: usize,
}

/// A kernel error as a training error.
pub(crate) fn kernel_error(e: zoepnet_kernel::KernelError) -> TrainError {
    TrainError::Population(crate::train::PopulationError::Kernel(e.to_string()))
}

/// `networks` (each with its update order) on the kernel on `device`, with `prepared`'s
/// scaled training and validation rows and the default workgroup for their width.
pub(crate) fn kernel_on(
    networks: &[(Parameters, UpdateOrder)],
    activation: Activation,
    prepared: &Prepared,
    device: &Device,
) -> Result<PopulationKernel, TrainError> {
    let flat = |items: &[InterfaceItem]| {
        let (x, t) = scaled(&prepared.scaler, items);
        (x.concat(), t)
    };
    let (x, t) = flat(&prepared.train);
    let (xv, tv) = flat(&prepared.validation);
    let hidden = networks.first().map_or(1, |(w, _)| w.hidden());
    PopulationKernel::new(
        device,
        networks,
        activation,
        Rows { x: &x, t: &t },
        Rows { x: &xv, t: &tv },
        zoepnet_kernel::default_threads(hidden),
    )
    .map_err(kernel_error)
}

impl KernelEngine {
    /// The network `initial` and the data on the wgpu `device`.
    pub fn new(
        plan: &Plan,
        prepared: &Prepared,
        device: &Device,
        initial: &Parameters,
        order: UpdateOrder,
    ) -> Result<Self, TrainError> {
        let networks = [(initial.clone(), order)];
        Ok(Self {
            kernel: kernel_on(&networks, plan.model.activation, prepared, device)?,
            config: plan.model.clone(),
            validation: prepared.validation.len(),
        })
    }
}

impl Engine for KernelEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Kernel
    }

    fn val_mse(&mut self) -> Result<f64, TrainError> {
        let squared = self.kernel.validation_errors().map_err(kernel_error)?;
        Ok(squared[0] / self.validation as f64)
    }

    fn epoch(&mut self, order: &[usize], lr: f64) -> Result<EpochSums, TrainError> {
        let squared = self
            .kernel
            .train_errors(&[order], &[lr])
            .map_err(kernel_error)?;
        Ok(EpochSums {
            squared: squared[0],
            converged: false,
        })
    }

    fn parameters(&self) -> Result<Parameters, TrainError> {
        let mut all = self.kernel.parameters().map_err(kernel_error)?;
        all.pop().ok_or(TrainError::NoLoss)
    }

    fn optimizer_state(&self) -> Option<AdamState> {
        None
    }

    fn resumes_exactly(&self) -> bool {
        // The weights are the whole state, and their f32 values come back as they went.
        true
    }

    fn restore(
        &mut self,
        weights: &Parameters,
        _adam: Option<&AdamState>,
    ) -> Result<(), TrainError> {
        self.kernel
            .set_parameters(std::slice::from_ref(weights))
            .map_err(kernel_error)
    }

    fn into_model(self: Box<Self>, device: &Device) -> Result<Mlp, TrainError> {
        let weights = self.parameters()?;
        Ok(self.config.from_parameters(&weights, device)?)
    }
}
