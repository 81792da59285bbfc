//! The one place a backend and its device are chosen.
//!
//! Cargo features decide which backends are compiled in ([`Backend::compiled`]); [`select`] brings
//! one up on this machine and says what it found, or why it cannot be used. Everything below the
//! learner takes the returned `&Device`.

use std::fmt;
use std::str::FromStr;

use burn::tensor::{Device, FloatDType};

/// A tensor backend zoepnet can be built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Burn's ndarray CPU backend (the one the design asks for; Burn 0.22 marks it deprecated).
    Ndarray,
    /// Burn's wgpu GPU backend (Vulkan, Metal, DirectX 12; lavapipe in CI).
    Wgpu,
    /// Burn's pure-Rust `flex` CPU backend, the one Burn 0.22 recommends for the CPU.
    Flex,
}

impl Backend {
    /// Every backend zoepnet knows, compiled in or not.
    pub const ALL: [Backend; 3] = [Backend::Ndarray, Backend::Wgpu, Backend::Flex];

    /// The name used in configs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Ndarray => "ndarray",
            Backend::Wgpu => "wgpu",
            Backend::Flex => "flex",
        }
    }

    /// The cargo feature that compiles this backend in.
    pub fn feature(self) -> &'static str {
        self.name()
    }

    /// Whether this build has the backend.
    pub fn is_compiled(self) -> bool {
        match self {
            Backend::Ndarray => cfg!(feature = "ndarray"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
            Backend::Flex => cfg!(feature = "flex"),
        }
    }

    /// The backends this build has, in [`Backend::ALL`] order.
    pub fn compiled() -> Vec<Backend> {
        Self::ALL.into_iter().filter(|b| b.is_compiled()).collect()
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// A backend name that is not one of [`Backend::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown backend {0:?}: expected one of ndarray, wgpu, flex")]
pub struct UnknownBackend(pub String);

impl FromStr for Backend {
    type Err = UnknownBackend;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| UnknownBackend(s.to_owned()))
    }
}

/// Which of a backend's devices to run on: `backend.device` in a config.
///
/// Written `"default"` (the CPU for ndarray and flex; for wgpu the best adapter, a high-power
/// GPU first), `"discrete:N"`, `"integrated:N"`, `"virtual:N"` (the N-th GPU of that kind, from
/// 0) or `"cpu"` (wgpu's software adapter, e.g. lavapipe). A bare index N means `"discrete:N"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DeviceChoice {
    /// The backend's own choice.
    #[default]
    Default,
    /// The N-th discrete GPU.
    Discrete(usize),
    /// The N-th integrated GPU.
    Integrated(usize),
    /// The N-th virtual GPU.
    Virtual(usize),
    /// wgpu's CPU (software) adapter.
    Cpu,
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Discrete(n) => write!(f, "discrete:{n}"),
            Self::Integrated(n) => write!(f, "integrated:{n}"),
            Self::Virtual(n) => write!(f, "virtual:{n}"),
            Self::Cpu => f.write_str("cpu"),
        }
    }
}

/// A `backend.device` that is not one of the forms [`DeviceChoice`] lists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown device {0:?}: expected \"default\", \"cpu\", an index, or \"discrete:N\", \"integrated:N\", \"virtual:N\""
)]
pub struct UnknownDevice(pub String);

impl FromStr for DeviceChoice {
    type Err = UnknownDevice;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || UnknownDevice(s.to_owned());
        let index = |n: &str| n.trim().parse::<usize>().map_err(|_| bad());
        match s.trim().split_once(':') {
            None if s.trim() == "default" => Ok(Self::Default),
            None if s.trim() == "cpu" => Ok(Self::Cpu),
            None => index(s).map(Self::Discrete),
            Some(("discrete", n)) => index(n).map(Self::Discrete),
            Some(("integrated", n)) => index(n).map(Self::Integrated),
            Some(("virtual", n)) => index(n).map(Self::Virtual),
            Some(_) => Err(bad()),
        }
    }
}

impl serde::Serialize for DeviceChoice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DeviceChoice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Given {
            Index(usize),
            Text(String),
        }
        match Given::deserialize(deserializer)? {
            Given::Index(n) => Ok(Self::Discrete(n)),
            Given::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// The float type tensors are made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats.
    F32,
    /// 64-bit floats (the tutorial's NumPy arithmetic).
    F64,
}

impl Precision {
    /// Burn's float dtype for it.
    pub fn dtype(self) -> FloatDType {
        match self {
            Precision::F32 => FloatDType::F32,
            Precision::F64 => FloatDType::F64,
        }
    }

    /// The default for a backend: f64 on the CPU backends, f32 on wgpu (where GPUs and lavapipe
    /// often lack f64).
    pub fn default_for(backend: Backend) -> Self {
        match backend {
            Backend::Wgpu => Precision::F32,
            Backend::Ndarray | Backend::Flex => Precision::F64,
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        })
    }
}

/// What a backend found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// The backend.
    pub backend: Backend,
    /// The device's name, e.g. the wgpu adapter's (`llvmpipe (LLVM 15.0.6, 256 bits)`).
    pub name: String,
    /// More about it: graphics API, device type and driver for wgpu; threads and f64 for CPUs.
    pub details: String,
}

/// Why a backend cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    /// This build does not have the backend.
    #[error(
        "backend {backend} is not compiled into this build (rebuild with `--features {}`)",
        backend.feature()
    )]
    NotCompiled {
        /// The backend asked for.
        backend: Backend,
    },
    /// The device cannot compute in the precision asked for.
    #[error("backend {backend} cannot compute in {precision} here: {reason}")]
    Precision {
        /// The backend asked for.
        backend: Backend,
        /// The precision asked for.
        precision: Precision,
        /// Why (unsupported, or already set otherwise in this process).
        reason: String,
    },
    /// `backend.device` names a device the backend cannot have.
    #[error("backend {backend} has no device \"{device}\": {reason}")]
    NoSuchDevice {
        /// The backend asked for.
        backend: Backend,
        /// The device asked for.
        device: DeviceChoice,
        /// What to write instead.
        reason: String,
    },
    /// The backend is compiled in but found no usable device here.
    #[error("backend {backend} is not usable on this machine: {reason}")]
    Unavailable {
        /// The backend asked for.
        backend: Backend,
        /// What went wrong, and what might fix it.
        reason: String,
    },
}

impl DeviceError {
    /// Whether the error is in what was asked for (a backend not compiled in, a precision or a
    /// device it does not have), rather than in the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DeviceError::NotCompiled { .. }
                | DeviceError::Precision { .. }
                | DeviceError::NoSuchDevice { .. }
        )
    }
}

/// Brings `backend` up with its float type set to `precision`.
///
/// A device's float type can be set once per process: asking again for the same one is fine,
/// asking for the other is an error.
#[cfg(test)]
fn select_with(
    backend: Backend,
    precision: Precision,
) -> Result<(Device, DeviceInfo), DeviceError> {
    select_on(backend, DeviceChoice::Default, precision)
}

/// Refuses what no device of `backend` can compute in, before any device is brought up: f64 on
/// wgpu.
///
/// # Errors
/// [`DeviceError::Precision`] saying why.
pub fn refuse_precision(backend: Backend, precision: Precision) -> Result<(), DeviceError> {
    if backend == Backend::Wgpu && precision == Precision::F64 {
        // WGSL has no f64; on lavapipe Burn 0.22.1 accepts the setting and computes garbage
        // (gradients of 1e-316), which `zoepnet gradcheck` showed. Refuse it rather than mislead.
        return Err(DeviceError::Precision {
            backend,
            precision,
            reason: "wgpu computes in f32 only (WGSL has no f64); set backend.precision = \"f32\""
                .into(),
        });
    }
    Ok(())
}

/// Brings up `device` of `backend` with its float type set to `precision` .
pub(crate) fn select_on(
    backend: Backend,
    device: DeviceChoice,
    precision: Precision,
) -> Result<(Device, DeviceInfo), DeviceError> {
    refuse_precision(backend, precision)?;
    let (mut device, info) = select_device(backend, device)?;
    let wanted = precision.dtype();
    if !device.supports_dtype(wanted) {
        return Err(DeviceError::Precision {
            backend,
            precision,
            reason: format!(
                "{} does not support it (set backend.precision = \"f32\")",
                info.name
            ),
        });
    }
    if device.configure(wanted).is_err() && device.settings().float_dtype != wanted {
        return Err(DeviceError::Precision {
            backend,
            precision,
            reason: format!(
                "this process already uses {:?} on it",
                device.settings().float_dtype
            ),
        });
    }
    Ok((device, info))
}

/// Brings `backend` up on this machine and returns its device with a description of it.
///
/// A backend is initialised once per process; later calls return the same device.
pub fn select(backend: Backend) -> Result<(Device, DeviceInfo), DeviceError> {
    select_device(backend, DeviceChoice::Default)
}

/// Brings `choice` of `backend` up (see [`select`]).
pub(crate) fn select_device(
    backend: Backend,
    choice: DeviceChoice,
) -> Result<(Device, DeviceInfo), DeviceError> {
    if !backend.is_compiled() {
        return Err(DeviceError::NotCompiled { backend });
    }
    if backend != Backend::Wgpu && choice != DeviceChoice::Default {
        return Err(DeviceError::NoSuchDevice {
            backend,
            device: choice,
            reason: "it has one device, the CPU (backend.device = \"default\"; the other choices are for wgpu)".into(),
        });
    }
    match backend {
        #[cfg(feature = "ndarray")]
        Backend::Ndarray => {
            #[allow(deprecated)] // asked for by the design; flex is offered beside it
            let device = Device::ndarray();
            Ok(cpu_info(device, backend))
        }
        #[cfg(feature = "flex")]
        Backend::Flex => Ok(cpu_info(Device::flex(), backend)),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => wgpu::select(choice),
        #[allow(unreachable_patterns)] // every arm above may be compiled out
        _ => Err(DeviceError::NotCompiled { backend }),
    }
}

#[cfg(any(feature = "ndarray", feature = "flex"))]
fn cpu_info(device: Device, backend: Backend) -> (Device, DeviceInfo) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let f64 = if device.supports_dtype(burn::tensor::FloatDType::F64) {
        "f32 and f64"
    } else {
        "f32 only"
    };
    let info = DeviceInfo {
        backend,
        name: "CPU".into(),
        details: format!("{threads} threads available, {f64}"),
    };
    (device, info)
}

#[cfg(feature = "wgpu")]
mod wgpu {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::{Mutex, mpsc};
    use std::time::Duration;

    use burn::tensor::wgpu::{WgpuBackend, WgpuInitError};
    use burn::tensor::{Device, DeviceKind, FloatDType, Tensor};

    use super::{Backend, DeviceChoice, DeviceError, DeviceInfo};

    /// The graphics APIs wgpu is brought up on, best first: wgpu's primary backends for this
    /// platform. Its OpenGL backend is never used: on Mesa's software renderer (llvmpipe) a
    /// compute submission deadlocks in wgpu-hal's GLES adapter lock and never returns, so a
    /// machine with OpenGL alone has no usable wgpu device.
    #[cfg(target_os = "macos")]
    pub(super) const APIS: &[WgpuBackend] = &[WgpuBackend::Metal];
    #[cfg(target_os = "windows")]
    pub(super) const APIS: &[WgpuBackend] = &[WgpuBackend::Vulkan, WgpuBackend::Dx12];
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    pub(super) const APIS: &[WgpuBackend] = &[WgpuBackend::Vulkan];

    /// How long bringing a device up and its first small computation may take. lavapipe
    /// answers in about a second; a driver that has not answered by then never will.
    pub(super) const ANSWER_WITHIN: Duration = Duration::from_secs(120);

    /// What to do when no adapter is found.
    const HINT: &str = "zoepnet runs wgpu on Vulkan, Metal or DirectX 12, not OpenGL; on \
                        Debian or Ubuntu without a GPU, `apt-get install mesa-vulkan-drivers` \
                        gives a software Vulkan device (lavapipe)";

    /// The wgpu runtime can be initialised once per process, so the device chosen and the
    /// outcome are kept.
    type Outcome = Result<(Device, DeviceInfo), String>;
    static WGPU: Mutex<Option<(DeviceChoice, Outcome)>> = Mutex::new(None);

    pub(super) fn select(choice: DeviceChoice) -> Result<(Device, DeviceInfo), DeviceError> {
        let mut guard = WGPU
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (chosen, outcome) = guard.get_or_insert_with(|| (choice, bounded(choice)));
        if *chosen != choice {
            return Err(DeviceError::Unavailable {
                backend: Backend::Wgpu,
                reason: format!(
                    "this process already runs wgpu on device \"{chosen}\", not \"{choice}\""
                ),
            });
        }
        outcome.clone().map_err(|reason| DeviceError::Unavailable {
            backend: Backend::Wgpu,
            reason,
        })
    }

    /// [`init`] on a thread of its own, waited for [`ANSWER_WITHIN`] at most: a driver that
    /// hangs leaves that thread behind, never the caller.
    fn bounded(choice: DeviceChoice) -> Outcome {
        let (sender, answer) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("zoepnet-wgpu-init".into())
            .spawn(move || {
                // The caller may have stopped waiting: nobody to tell then.
                let _ = sender.send(init(choice));
            });
        if let Err(e) = spawned {
            return Err(format!("cannot start a thread to bring wgpu up: {e}"));
        }
        match answer.recv_timeout(ANSWER_WITHIN) {
            Ok(outcome) => outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
                "the wgpu device \"{choice}\" did not answer within {} s (a driver that hangs; \
                 use a CPU backend, ndarray or flex)",
                ANSWER_WITHIN.as_secs()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(format!(
                "the wgpu driver failed on device \"{choice}\" ({HINT})"
            )),
        }
    }

    fn kind(device_type: burn::tensor::wgpu::wgpu::DeviceType) -> &'static str {
        use burn::tensor::wgpu::wgpu::DeviceType;
        match device_type {
            DeviceType::DiscreteGpu => "discrete GPU",
            DeviceType::IntegratedGpu => "integrated GPU",
            DeviceType::VirtualGpu => "virtual GPU",
            DeviceType::Cpu => "software renderer on the CPU",
            DeviceType::Other => "other device",
        }
    }

    /// The first of [`APIS`] that has the device `choice` names, brought up in f32 and checked
    /// with a small computation.
    fn init(choice: DeviceChoice) -> Outcome {
        let wanted = match choice {
            DeviceChoice::Default => DeviceKind::DefaultDevice,
            DeviceChoice::Discrete(n) => DeviceKind::DiscreteGpu(n),
            DeviceChoice::Integrated(n) => DeviceKind::IntegratedGpu(n),
            DeviceChoice::Virtual(n) => DeviceKind::VirtualGpu(n),
            DeviceChoice::Cpu => DeviceKind::Cpu,
        };
        let mut failures = Vec::new();
        for &api in APIS {
            match init_on(api, wanted.clone(), choice) {
                Ok(found) => return Ok(found),
                Err(why) => failures.push(why),
            }
        }
        let failures = failures.join("; ");
        if choice == DeviceChoice::Default {
            Err(format!("{failures} ({HINT})"))
        } else {
            Err(format!(
                "no adapter for device \"{choice}\": {failures} (`zoepnet info` lists what wgpu \
                 finds)"
            ))
        }
    }

    /// Brings `wanted` up on the graphics API `api` alone. The fallible initialiser reports a
    /// missing adapter as an error; a driver that panics inside wgpu is turned into one too, so
    /// that `zoepnet` never dies on a probe.
    fn init_on(api: WgpuBackend, wanted: DeviceKind, choice: DeviceChoice) -> Outcome {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let (mut device, setup) = Device::wgpu_options()
                .device_kind(wanted)
                .graphics_api(api)
                .init_with_setup()
                .map_err(|e| match e {
                    WgpuInitError::AdapterUnavailable { .. } => format!("no {api:?} device found"),
                    e => format!("{api:?}: {e}"),
                })?;
            // f32 is all wgpu computes in (see `refuse_precision`); set before any tensor.
            let _ = device.configure(FloatDType::F32);
            first_computation(&device).map_err(|e| format!("{api:?}: {e}"))?;
            Ok((device, setup.adapter.get_info()))
        }));
        match outcome {
            Ok(Ok((device, adapter))) => Ok((device, describe(adapter))),
            Ok(Err(e)) => Err(e),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown panic");
                Err(format!(
                    "the wgpu driver failed on device \"{choice}\" ({api:?}): {what}"
                ))
            }
        }
    }

    /// 1 + [1, 2] on the device, read back: a device that is listed but cannot compute (or
    /// hangs, caught by [`bounded`]) is found here rather than in the middle of a run.
    fn first_computation(device: &Device) -> Result<(), String> {
        let sum = Tensor::<1>::from_floats([1.0, 2.0], device) + 1.0;
        let values = sum
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| format!("cannot read a first computation back: {e:?}"))?;
        if values == [2.0, 3.0] {
            Ok(())
        } else {
            Err(format!(
                "a first computation gave {values:?}, not [2.0, 3.0]"
            ))
        }
    }

    fn describe(adapter: burn::tensor::wgpu::wgpu::AdapterInfo) -> DeviceInfo {
        let driver = [adapter.driver.as_str(), adapter.driver_info.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        DeviceInfo {
            backend: Backend::Wgpu,
            details: format!(
                "{:?}, {}, driver {}",
                adapter.backend,
                kind(adapter.device_type),
                if driver.is_empty() {
                    "unknown"
                } else {
                    &driver
                }
            ),
            name: adapter.name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>(), Ok(b));
        }
        assert_eq!(
            "cuda".parse::<Backend>(),
            Err(UnknownBackend("cuda".into()))
        );
    }

    #[test]
    fn device_choices_read_and_write_back() {
        for (text, choice) in [
            ("default", DeviceChoice::Default),
            ("cpu", DeviceChoice::Cpu),
            ("1", DeviceChoice::Discrete(1)),
            ("discrete:0", DeviceChoice::Discrete(0)),
            ("integrated:2", DeviceChoice::Integrated(2)),
            ("virtual:3", DeviceChoice::Virtual(3)),
        ] {
            assert_eq!(text.parse::<DeviceChoice>(), Ok(choice), "{text}");
            let back: DeviceChoice = choice.to_string().parse().unwrap();
            assert_eq!(back, choice);
        }
        for bad in ["gpu", "discrete:", "discrete:-1", "tpu:0", ""] {
            assert!(bad.parse::<DeviceChoice>().is_err(), "{bad:?}");
        }
        #[derive(serde::Deserialize)]
        struct Section {
            device: DeviceChoice,
        }
        let int: Section = toml::from_str("device = 2").unwrap();
        assert_eq!(int.device, DeviceChoice::Discrete(2));
        let err = toml::from_str::<Section>("device = \"gpu\"")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown device \"gpu\""), "{err}");
    }

    #[cfg(feature = "ndarray")]
    #[test]
    fn the_cpu_backends_have_one_device() {
        let err = select_device(Backend::Ndarray, DeviceChoice::Discrete(1))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ndarray has no device \"discrete:1\": it has one device, the CPU"),
            "{err}"
        );
        assert!(select_device(Backend::Ndarray, DeviceChoice::Default).is_ok());
    }

    #[test]
    fn compiled_backends_follow_the_cargo_features() {
        let compiled = Backend::compiled();
        assert_eq!(
            compiled.contains(&Backend::Ndarray),
            cfg!(feature = "ndarray")
        );
        assert_eq!(compiled.contains(&Backend::Wgpu), cfg!(feature = "wgpu"));
        assert_eq!(compiled.contains(&Backend::Flex), cfg!(feature = "flex"));
        for b in Backend::ALL.into_iter().filter(|b| !b.is_compiled()) {
            assert_eq!(
                select(b).map(|_| ()),
                Err(DeviceError::NotCompiled { backend: b })
            );
        }
    }

    #[cfg(feature = "flex")]
    #[test]
    fn precision_is_set_once_per_device() {
        let (device, _) = select_with(Backend::Flex, Precision::F64).unwrap();
        assert_eq!(device.settings().float_dtype, FloatDType::F64);
        // Again in f64: the same device; in f32: refused.
        assert!(select_with(Backend::Flex, Precision::F64).is_ok());
        let err = select_with(Backend::Flex, Precision::F32)
            .unwrap_err()
            .to_string();
        assert!(err.contains("already uses F64"), "{err}");
    }

    #[cfg(all(feature = "ndarray", feature = "flex"))]
    #[test]
    fn the_cpu_backends_have_f64() {
        for backend in [Backend::Ndarray, Backend::Flex] {
            let (_, info) = select(backend).unwrap();
            assert_eq!(info.name, "CPU");
            assert!(info.details.ends_with("f32 and f64"), "{}", info.details);
        }
    }
}
