//! A population's per-sample SGD as one CubeCL kernel on Burn's wgpu backend.
//!
//! Trained per sample, one 7-300-1 network is a few microseconds of arithmetic per step: as
//! tensor operations every step is a dozen launches, and a GPU waits on them. Here one
//! launch is a whole epoch of a whole population: one workgroup per network, the epoch's
//! validation and its steps inside the kernel (`src/epoch.rs` has the arithmetic and the layout).
//! The host keeps what the notebook keeps on the host: each network's NumPy stream and so its
//! shuffles, and its learning rate per epoch.
//!
//! wgpu computes in f32 (WGSL has no f64): a network trained here follows its f64 run (the
//! fused engine) to f32 rounding; how far that carries over 100 epochs is measured in the
//! tests and in `docs/population.md`.
//!
//! The kernel is launched on the device and queue of the Burn device it is given
//! ([`runtime_device`]), so it shares the run's adapter and memory.

mod epoch;

use burn::cubecl::client::Client;
use burn::cubecl::prelude::*;
use burn::cubecl::server::Handle;
use burn::cubecl::wgpu::{WgpuBackend, WgpuDevice, WgpuDeviceKind};
use burn::tensor::Device;
use zoepnet_network::{Activation, Parameters, UpdateOrder};

/// What can go wrong with the kernel.
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// The Burn device is not a wgpu device.
    #[error("the population kernel runs on the wgpu backend only")]
    NotWgpu,
    /// Inputs that do not fit together.
    #[error("population kernel: {0}")]
    Shape(String),
    /// The device failed to run it or to give back its results.
    #[error("the population kernel failed on the device: {0}")]
    Device(String),
}

/// The cubecl wgpu device behind a Burn device, or `None` when it is not a wgpu device.
///
/// Burn 0.22.1 does not hand out its dispatch device's parts, so this finds the
/// [`WgpuDevice`] whose Burn device equals `device` (Burn builds its wgpu devices the same way:
/// a device kind on a graphics API, pinned or automatic).
pub fn runtime_device(device: &Device) -> Option<WgpuDevice> {
    let mut kinds = vec![WgpuDeviceKind::DefaultDevice, WgpuDeviceKind::Cpu];
    for i in 0..16 {
        kinds.push(WgpuDeviceKind::DiscreteGpu(i));
        kinds.push(WgpuDeviceKind::IntegratedGpu(i));
        kinds.push(WgpuDeviceKind::VirtualGpu(i));
    }
    let apis = [
        WgpuBackend::Vulkan,
        WgpuBackend::Metal,
        WgpuBackend::Dx12,
        WgpuBackend::Auto,
    ];
    kinds
        .into_iter()
        .flat_map(|kind| apis.map(|api| WgpuDevice::new(kind.clone()).on(api)))
        .find(|candidate| Device::from(candidate.clone()) == *device)
}

/// Rows of inputs (already scaled, `inputs` per row) and their targets.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// `[rows, inputs]`, row-major.
    pub x: &'a [f64],
    /// `[rows]`.
    pub t: &'a [f64],
}

/// Each network's summed squared errors over one epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochErrors {
    /// Σ (y − t)² over the validation rows, with the weights at the start of the epoch.
    pub validation: Vec<f64>,
    /// Σ (y − t)² over the epoch's steps, each before its step.
    pub train: Vec<f64>,
}

/// A population on the device: its weights, the data, and the compiled epoch.
pub struct PopulationKernel {
    client: Client,
    count: usize,
    hidden: usize,
    inputs: usize,
    threads: usize,
    activation: u32,
    samples: usize,
    validation: usize,
    x: Handle,
    t: Handle,
    x_val: Handle,
    t_val: Handle,
    w2_first: Handle,
    w1: Handle,
    b1: Handle,
    w2: Handle,
    b2: Handle,
}

impl std::fmt::Debug for PopulationKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PopulationKernel")
            .field("networks", &self.count)
            .field("hidden", &self.hidden)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

/// The most hidden units one unit of a workgroup owns: their weights stay in its registers.
pub const MAX_UNITS: usize = 16;

/// The most units in a workgroup.
pub const MAX_THREADS: usize = 1024;

/// The most networks in one population: one workgroup each, at most 65 535 in a dimension.
pub const MAX_NETWORKS: usize = 65_535;

/// A population beyond what the kernel trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Limit {
    /// More networks than workgroups.
    #[error("{0} networks: the population kernel trains at most {MAX_NETWORKS} at once")]
    Networks(usize),
    /// More hidden units than a workgroup's registers hold.
    #[error(
        "{0} hidden units: the population kernel trains at most {max} ({MAX_UNITS} per unit of a \
         workgroup of {MAX_THREADS})",
        max = MAX_UNITS * MAX_THREADS
    )]
    HiddenUnits(usize),
}

/// Whether the kernel can train `count` networks of `hidden` hidden units, or why not: at most
/// [`MAX_NETWORKS`] networks and [`MAX_UNITS`] × [`MAX_THREADS`] = 16 384 hidden units (each
/// unit keeps its hidden units' weights in registers). A check on the host, before any device.
///
/// # Errors
/// The [`Limit`] passed.
pub fn fits(count: usize, hidden: usize) -> Result<(), Limit> {
    if count > MAX_NETWORKS {
        return Err(Limit::Networks(count));
    }
    if hidden > MAX_UNITS * MAX_THREADS {
        return Err(Limit::HiddenUnits(hidden));
    }
    Ok(())
}

/// Units per workgroup for `hidden` hidden units: the power of two that gives each unit at most
/// 8 hidden units, at least 8 units (64 for the tutorial's 300).
pub fn default_threads(hidden: usize) -> usize {
    hidden.div_ceil(8).next_power_of_two().clamp(8, MAX_THREADS)
}

fn f32s(values: &[f64]) -> Vec<f32> {
    values.iter().map(|&v| v as f32).collect()
}

/// `values` on the device, in the kernel's f32.
fn upload(client: &Client, values: &[f64]) -> Handle {
    client.create_from_slice(f32::as_bytes(&f32s(values)))
}

/// Every network's weights, checked to have `hidden` units, as the kernel's W1, b1, W2 and b2
/// buffers (the layouts in `src/epoch.rs`).
fn weight_buffers<'a>(
    client: &Client,
    hidden: usize,
    networks: impl Iterator<Item = &'a Parameters> + Clone,
) -> Result<[Handle; 4], KernelError> {
    for (p, weights) in networks.clone().enumerate() {
        weights
            .check(zoepnet_network::FEATURES, hidden, 1)
            .map_err(|e| KernelError::Shape(format!("network {p}: {e}")))?;
    }
    let gather = |part: fn(&Parameters) -> &[f64]| -> Vec<f64> {
        networks
            .clone()
            .flat_map(|w| part(w).iter().copied())
            .collect()
    };
    let b2: Vec<f64> = networks.clone().map(|w| w.b2).collect();
    Ok([
        upload(client, &gather(|w| &w.w1)),
        upload(client, &gather(|w| &w.b1)),
        upload(client, &gather(|w| &w.w2)),
        upload(client, &b2),
    ])
}

impl PopulationKernel {
    /// Puts `networks` (one [`Parameters`] and one [`UpdateOrder`] each, every one of the same
    /// shape) and the data on `device`, with `threads` units per workgroup (a power of two up
    /// to 1024 that leaves each unit at most [`MAX_UNITS`] hidden units; [`default_threads`]).
    ///
    /// # Errors
    /// [`KernelError::NotWgpu`] for a device of another backend; [`KernelError::Shape`] for
    /// networks of different shapes, no network, rows that do not fit, or a `threads` that is
    /// not a power of two.
    pub fn new(
        device: &Device,
        networks: &[(Parameters, UpdateOrder)],
        activation: Activation,
        train: Rows<'_>,
        validation: Rows<'_>,
        threads: usize,
    ) -> Result<Self, KernelError> {
        let wgpu = runtime_device(device).ok_or(KernelError::NotWgpu)?;
        let (first, _) = networks
            .first()
            .ok_or_else(|| KernelError::Shape("no network".into()))?;
        let hidden = first.hidden();
        let inputs = first.w1.len() / hidden.max(1);
        fits(networks.len(), hidden).map_err(|e| KernelError::Shape(e.to_string()))?;
        if !threads.is_power_of_two() || threads > 1024 || hidden.div_ceil(threads) > MAX_UNITS {
            return Err(KernelError::Shape(format!(
                "{threads} units per workgroup: expected a power of two up to 1024, at least \
                 {} for {hidden} hidden units ({MAX_UNITS} at most per unit)",
                hidden.div_ceil(MAX_UNITS).next_power_of_two()
            )));
        }
        for (name, rows) in [("training", train), ("validation", validation)] {
            if rows.x.len() != rows.t.len() * inputs {
                return Err(KernelError::Shape(format!(
                    "{name}: {} inputs for {} targets of {inputs} features",
                    rows.x.len(),
                    rows.t.len()
                )));
            }
        }
        let client = burn::cubecl::Device::Wgpu(wgpu).client();
        let [w1, b1, w2, b2] = weight_buffers(&client, hidden, networks.iter().map(|(w, _)| w))?;
        let w2_first: Vec<u32> = networks
            .iter()
            .map(|(_, order)| u32::from(*order == UpdateOrder::Tutorial))
            .collect();
        Ok(Self {
            count: networks.len(),
            hidden,
            inputs,
            threads,
            activation: match activation {
                Activation::Sigmoid => epoch::SIGMOID,
                Activation::Tanh => epoch::TANH,
                Activation::Relu => epoch::RELU,
            },
            samples: train.t.len(),
            validation: validation.t.len(),
            x: upload(&client, train.x),
            t: upload(&client, train.t),
            x_val: upload(&client, validation.x),
            t_val: upload(&client, validation.t),
            w2_first: client.create_from_slice(u32::as_bytes(&w2_first)),
            w1,
            b1,
            w2,
            b2,
            client,
        })
    }

    /// Networks in the population.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it has no network (never: [`PopulationKernel::new`] refuses that).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// One epoch of every network: `orders[p]` is network p's training order (indices into
    /// the training rows), `lr[p]` its learning rate. Returns the summed squared errors: the
    /// validation's with the weights before the epoch, the training's over the steps.
    ///
    /// # Errors
    /// [`KernelError::Shape`] for orders or rates that do not fit; [`KernelError::Device`]
    /// when the device fails.
    pub fn epoch<O: AsRef<[usize]>>(
        &mut self,
        orders: &[O],
        lr: &[f64],
    ) -> Result<EpochErrors, KernelError> {
        let (order, lr) = self.upload_steps(orders, lr)?;
        self.run(0..self.validation + self.samples, &order, &lr)
    }

    /// Every network's summed squared error over the validation rows, the weights unchanged.
    ///
    /// # Errors
    /// [`KernelError::Device`] when the device fails.
    pub fn validation_errors(&mut self) -> Result<Vec<f64>, KernelError> {
        let order = self
            .client
            .create_from_slice(u32::as_bytes(&vec![0; self.count * self.samples]));
        let lr = upload(&self.client, &vec![0.0; self.count]);
        Ok(self.run(0..self.validation, &order, &lr)?.validation)
    }

    /// One epoch of steps of every network, without the validation: [`PopulationKernel::epoch`]'s
    /// training errors.
    ///
    /// # Errors
    /// As [`PopulationKernel::epoch`].
    pub fn train_errors<O: AsRef<[usize]>>(
        &mut self,
        orders: &[O],
        lr: &[f64],
    ) -> Result<Vec<f64>, KernelError> {
        let (order, lr) = self.upload_steps(orders, lr)?;
        let rows = self.validation..self.validation + self.samples;
        Ok(self.run(rows, &order, &lr)?.train)
    }

    /// Replaces every network's weights (a checkpoint's, to continue from).
    ///
    /// # Errors
    /// [`KernelError::Shape`] for a different number of networks or another shape.
    pub fn set_parameters(&mut self, networks: &[Parameters]) -> Result<(), KernelError> {
        if networks.len() != self.count {
            return Err(KernelError::Shape(format!(
                "{} networks for a population of {}",
                networks.len(),
                self.count
            )));
        }
        [self.w1, self.b1, self.w2, self.b2] =
            weight_buffers(&self.client, self.hidden, networks.iter())?;
        Ok(())
    }

    /// The orders and rates of an epoch's steps, checked, on the device.
    fn upload_steps<O: AsRef<[usize]>>(
        &self,
        orders: &[O],
        lr: &[f64],
    ) -> Result<(Handle, Handle), KernelError> {
        if orders.len() != self.count || lr.len() != self.count {
            return Err(KernelError::Shape(format!(
                "{} orders and {} learning rates for {} networks",
                orders.len(),
                lr.len(),
                self.count
            )));
        }
        let mut order = Vec::with_capacity(self.count * self.samples);
        for (p, o) in orders.iter().enumerate() {
            let o = o.as_ref();
            if o.len() != self.samples || o.iter().any(|&i| i >= self.samples) {
                return Err(KernelError::Shape(format!(
                    "network {p}'s order is not {} indices below {}",
                    self.samples, self.samples
                )));
            }
            order.extend(o.iter().map(|&i| i as u32));
        }
        Ok((
            self.client.create_from_slice(u32::as_bytes(&order)),
            upload(&self.client, lr),
        ))
    }

    /// Runs `rows` of the epoch (validation rows first, then the steps), in launches of at
    /// most [`PopulationKernel::rows_per_launch`] rows, and reads back the summed errors.
    #[allow(unsafe_code)] // the buffer arguments (SAFETY below)
    fn run(
        &mut self,
        rows: std::ops::Range<usize>,
        order: &Handle,
        lr: &Handle,
    ) -> Result<EpochErrors, KernelError> {
        let losses = upload(&self.client, &vec![0.0; 2 * self.count]);
        let (p, h, i) = (self.count, self.hidden, self.inputs);
        // SAFETY: each handle was created by this type with exactly `len` elements of the
        // kernel's element type (f32, or u32 for the order and the update orders).
        let arg =
            |handle: &Handle, len: usize| unsafe { BufferArg::from_raw_parts(handle.clone(), len) };
        let per_launch = self.rows_per_launch();
        for begin in rows.clone().step_by(per_launch) {
            // SAFETY: as above, and every index the kernel computes is in bounds: the orders
            // were checked to be below `samples`, and the rest follow from the lengths passed.
            unsafe {
                epoch::population_epoch::launch_unchecked::<f32>(
                    &self.client,
                    CubeCount::Static(p as u32, 1, 1),
                    CubeDim::new_1d(self.threads as u32),
                    arg(&self.x, self.samples * i),
                    arg(&self.t, self.samples),
                    arg(order, p * self.samples),
                    arg(&self.x_val, self.validation * i),
                    arg(&self.t_val, self.validation),
                    arg(lr, p),
                    arg(&self.w2_first, p),
                    arg(&self.w1, p * h * i),
                    arg(&self.b1, p * h),
                    arg(&self.w2, p * h),
                    arg(&self.b2, p),
                    arg(&losses, 2 * p),
                    self.samples,
                    self.validation,
                    begin,
                    (begin + per_launch).min(rows.end),
                    h,
                    i,
                    self.threads,
                    self.activation,
                )
            };
        }
        let losses = self.read(losses)?;
        Ok(EpochErrors {
            validation: losses.iter().step_by(2).copied().collect(),
            train: losses.iter().skip(1).step_by(2).copied().collect(),
        })
    }

    /// Rows (validation and steps) per launch: a unit's loop iterations, all loops together,
    /// stay at 32 768 per launch, half of llvmpipe's limit (`src/epoch.rs`). Per row: the
    /// row itself, its inputs and the levels of the sum (the loops over a unit's hidden units
    /// are unrolled).
    fn rows_per_launch(&self) -> usize {
        let per_row = 1 + self.inputs.div_ceil(self.threads) + self.threads.ilog2() as usize;
        (32_768 / per_row).max(1)
    }

    fn read(&self, handle: Handle) -> Result<Vec<f64>, KernelError> {
        let bytes = self
            .client
            .read_one(handle)
            .map_err(|e| KernelError::Device(format!("{e:?}")))?;
        Ok(f32::from_bytes(&bytes)
            .iter()
            .map(|&v| f64::from(v))
            .collect())
    }

    /// Every network's weights, read back from the device.
    ///
    /// # Errors
    /// [`KernelError::Device`] when the device fails.
    pub fn parameters(&self) -> Result<Vec<Parameters>, KernelError> {
        let (h, i) = (self.hidden, self.inputs);
        let w1 = self.read(self.w1.clone())?;
        let b1 = self.read(self.b1.clone())?;
        let w2 = self.read(self.w2.clone())?;
        let b2 = self.read(self.b2.clone())?;
        Ok((0..self.count)
            .map(|p| Parameters {
                w1: w1[p * h * i..(p + 1) * h * i].to_vec(),
                b1: b1[p * h..(p + 1) * h].to_vec(),
                inner: Vec::new(),
                w2: w2[p * h..(p + 1) * h].to_vec(),
                b2: b2[p],
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoepnet_fused::Weights;
    use zoepnet_network::FeatureVector;

    /// The wgpu device, or `None` (test skipped) where there is none and
    /// `ZOEPNET_REQUIRE_WGPU` is not set.
    /// (The runtime starts once per process: the tests share it.)
    fn device() -> Option<Device> {
        static DEVICE: std::sync::OnceLock<Result<Device, String>> = std::sync::OnceLock::new();
        // Vulkan alone (as zoepnet's device selection on Linux): wgpu's OpenGL fallback
        // deadlocks on Mesa's software renderer.
        let init = || {
            Device::wgpu_options()
                .graphics_api(burn::tensor::wgpu::WgpuBackend::Vulkan)
                .init()
                .map_err(|e| e.to_string())
        };
        match DEVICE.get_or_init(init) {
            Ok(device) => Some(device.clone()),
            Err(e) if std::env::var_os("ZOEPNET_REQUIRE_WGPU").is_none() => {
                eprintln!("skipped: no wgpu device ({e})");
                None
            }
            Err(e) => panic!("ZOEPNET_REQUIRE_WGPU is set but wgpu has no device: {e}"),
        }
    }

    /// A small deterministic generator (numbers in [-1, 1)).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        }
        fn below(&mut self, n: usize) -> usize {
            ((self.next() + 1.0) / 2.0 * n as f64) as usize % n
        }
    }

    fn rows(rng: &mut Lcg, n: usize) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n * 7).map(|_| rng.next()).collect();
        // A smooth target the network can follow.
        let t = x
            .chunks(7)
            .map(|r| 0.1 * (r[0] - r[3]) + 0.05 * r[6] * r[6])
            .collect();
        (x, t)
    }

    fn network(rng: &mut Lcg, hidden: usize) -> Parameters {
        Parameters {
            w1: (0..7 * hidden).map(|_| 0.3 * rng.next()).collect(),
            b1: (0..hidden).map(|_| 0.1 * rng.next()).collect(),
            inner: Vec::new(),
            w2: (0..hidden).map(|_| 0.3 * rng.next()).collect(),
            b2: 0.05,
        }
    }

    #[test]
    fn a_population_follows_each_networks_f64_run() {
        let Some(device) = device() else { return };
        let mut rng = Lcg(15);
        let (n, v, hidden) = (40, 12, 37);
        let (x, t) = rows(&mut rng, n);
        let (xv, tv) = rows(&mut rng, v);
        for (activation, threads) in Activation::ALL.into_iter().zip([4, 8, 16]) {
            let orders = [
                UpdateOrder::Tutorial,
                UpdateOrder::Exact,
                UpdateOrder::Tutorial,
            ];
            let networks: Vec<(Parameters, UpdateOrder)> = orders
                .iter()
                .map(|&o| (network(&mut rng, hidden), o))
                .collect();
            let lr = [0.01, 0.02, 0.005];
            // 4, 8 or 16 units for 37 hidden: units own 9 or 10, 4 or 5, 2 or 3 hidden units.
            let mut kernel = PopulationKernel::new(
                &device,
                &networks,
                activation,
                Rows { x: &x, t: &t },
                Rows { x: &xv, t: &tv },
                threads,
            )
            .unwrap();
            let xs: Vec<FeatureVector> = x.chunks(7).map(|r| r.try_into().unwrap()).collect();
            let xvs: Vec<FeatureVector> = xv.chunks(7).map(|r| r.try_into().unwrap()).collect();
            let mut fused: Vec<Weights> = networks
                .iter()
                .map(|(w, _)| Weights::new(activation, w))
                .collect();
            let mut largest = 0.0f64;
            for epoch in 0..3 {
                let epoch_orders: Vec<Vec<usize>> = (0..networks.len())
                    .map(|_| (0..n).map(|_| rng.below(n)).collect())
                    .collect();
                let got = kernel.epoch(&epoch_orders, &lr).unwrap();
                for (p, weights) in fused.iter_mut().enumerate() {
                    let mut scratch = weights.scratch();
                    let val = weights.mse(&xvs, &tv, &mut scratch) * v as f64;
                    let train = weights.epoch(
                        &xs,
                        &t,
                        &epoch_orders[p],
                        lr[p],
                        networks[p].1,
                        &mut scratch,
                    );
                    for (what, a, b) in [
                        ("validation", got.validation[p], val),
                        ("train", got.train[p], train),
                    ] {
                        let rel = (a - b).abs() / b;
                        largest = largest.max(rel);
                        assert!(
                            rel < 1e-4,
                            "{activation} network {p} epoch {epoch} {what}: {a} vs {b}"
                        );
                    }
                }
            }
            for (p, (got, weights)) in kernel.parameters().unwrap().iter().zip(&fused).enumerate() {
                let want = weights.parameters();
                let pairs = got
                    .w1
                    .iter()
                    .zip(&want.w1)
                    .chain(got.b1.iter().zip(&want.b1));
                let pairs = pairs.chain(got.w2.iter().zip(&want.w2));
                for (a, b) in pairs.chain([(&got.b2, &want.b2)]) {
                    assert!((a - b).abs() < 1e-5, "{activation} network {p}: {a} vs {b}");
                }
            }
            eprintln!("{activation}: largest relative difference in the errors {largest:.1e}");
        }
    }

    /// An epoch is its validation and then its steps, each of which can run alone; weights
    /// can be replaced (a checkpoint's).
    #[test]
    fn validation_and_steps_run_alone_and_weights_are_replaced() {
        let Some(device) = device() else { return };
        let mut rng = Lcg(7);
        let (x, t) = rows(&mut rng, 30);
        let (xv, tv) = rows(&mut rng, 9);
        let networks: Vec<_> = (0..2)
            .map(|_| (network(&mut rng, 20), UpdateOrder::Exact))
            .collect();
        let new = || {
            PopulationKernel::new(
                &device,
                &networks,
                Activation::Tanh,
                Rows { x: &x, t: &t },
                Rows { x: &xv, t: &tv },
                8,
            )
            .unwrap()
        };
        let orders: Vec<Vec<usize>> = vec![(0..30).collect(), (0..30).rev().collect()];
        let lr = [0.01, 0.02];
        let (mut whole, mut parts) = (new(), new());
        let epoch = whole.epoch(&orders, &lr).unwrap();
        assert_eq!(parts.validation_errors().unwrap(), epoch.validation);
        assert_eq!(parts.validation_errors().unwrap(), epoch.validation);
        assert_eq!(parts.train_errors(&orders, &lr).unwrap(), epoch.train);
        let trained = whole.parameters().unwrap();
        assert_eq!(parts.parameters().unwrap(), trained);
        // Back to the start: the same epoch again.
        let start: Vec<Parameters> = networks.iter().map(|(w, _)| w.clone()).collect();
        whole.set_parameters(&start).unwrap();
        assert_eq!(whole.epoch(&orders, &lr).unwrap(), epoch);
        assert!(whole.set_parameters(&start[..1]).is_err());
    }

    /// 15 000 rows on 8 units a workgroup: about 75 000 loop iterations per unit, more than
    /// llvmpipe runs in one invocation (it silently ends the loops after 65 535), so the epoch
    /// must be split into launches to be right there.
    #[test]
    fn an_epoch_longer_than_a_drivers_loop_limit_is_split() {
        let Some(device) = device() else { return };
        let mut rng = Lcg(42);
        let (n, v, hidden) = (15_000, 100, 37);
        let (x, t) = rows(&mut rng, n);
        let (xv, tv) = rows(&mut rng, v);
        let start = network(&mut rng, hidden);
        let networks = [(start.clone(), UpdateOrder::Tutorial)];
        let train = Rows { x: &x, t: &t };
        let validation = Rows { x: &xv, t: &tv };
        let mut kernel = PopulationKernel::new(
            &device,
            &networks,
            Activation::Sigmoid,
            train,
            validation,
            8,
        )
        .unwrap();
        let order: Vec<usize> = (0..n).rev().collect();
        assert!(kernel.rows_per_launch() < n, "one launch would do");
        let got = kernel.epoch(&[&order], &[0.01]).unwrap();
        let mut fused = Weights::new(Activation::Sigmoid, &start);
        let mut scratch = fused.scratch();
        let xs: Vec<FeatureVector> = x.chunks(7).map(|r| r.try_into().unwrap()).collect();
        let want = fused.epoch(&xs, &t, &order, 0.01, UpdateOrder::Tutorial, &mut scratch);
        let rel = (got.train[0] - want).abs() / want;
        assert!(rel < 1e-4, "train {} vs {want}", got.train[0]);
        let (b2, want_b2) = (kernel.parameters().unwrap()[0].b2, fused.parameters().b2);
        assert!((b2 - want_b2).abs() < 1e-5, "b2 {b2} vs {want_b2}");
    }

    #[test]
    fn bad_shapes_are_refused() {
        let Some(device) = device() else { return };
        let mut rng = Lcg(3);
        let (x, t) = rows(&mut rng, 4);
        let a = (network(&mut rng, 5), UpdateOrder::Tutorial);
        let b = (network(&mut rng, 6), UpdateOrder::Tutorial);
        let rows = Rows { x: &x, t: &t };
        let new = |networks: &[(Parameters, UpdateOrder)], threads| {
            PopulationKernel::new(&device, networks, Activation::Sigmoid, rows, rows, threads)
        };
        assert!(matches!(
            new(&[a.clone(), b], 8),
            Err(KernelError::Shape(_))
        ));
        assert!(matches!(
            new(std::slice::from_ref(&a), 12),
            Err(KernelError::Shape(_))
        ));
        assert!(matches!(
            new(std::slice::from_ref(&a), 2048),
            Err(KernelError::Shape(_))
        ));
        assert!(matches!(new(&[], 8), Err(KernelError::Shape(_))));
        assert!(fits(MAX_NETWORKS, MAX_UNITS * MAX_THREADS).is_ok());
        let err = fits(2, 16_385).unwrap_err().to_string();
        assert!(err.contains("at most 16384"), "{err}");
        assert!(
            fits(65_536, 300)
                .unwrap_err()
                .to_string()
                .contains("at most 65535")
        );
        let wide = (network(&mut rng, 16_385), UpdateOrder::Tutorial);
        let err = new(&[wide], 1024).unwrap_err().to_string();
        assert!(err.contains("16385 hidden units"), "{err}");
        // The default workgroup keeps every unit's share at 8 or less, up to 8192 units.
        assert_eq!(default_threads(300), 64);
        assert_eq!(default_threads(37), 8);
        assert_eq!(default_threads(16_384), 1024);
        let mut kernel = new(&[a], 8).unwrap();
        let err = kernel.epoch(&[vec![0, 1, 2, 4]], &[0.1]).unwrap_err();
        assert!(err.to_string().contains("indices below 4"), "{err}");
    }
}
