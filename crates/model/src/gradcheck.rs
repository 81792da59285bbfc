//! Gradient check: the hand-written gradients against Burn's autodiff on the same weights and
//! batch, and both against central finite differences computed in plain f64.

use std::fmt::Write;

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};

use crate::mlp::{Activation, Inputs, Mlp, ModelError, read_values};
use crate::population::Population;

/// The parameters, in the order the check reports them.
pub const PARAMS: [&str; 4] = ["W1", "b1", "W2", "b2"];

/// How far two gradients of one parameter are apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamError {
    /// The parameter's name.
    pub name: &'static str,
    /// The largest absolute difference over its elements.
    pub max_abs: f64,
    /// `max_abs` relative to the reference gradient's largest magnitude.
    pub max_rel: f64,
}

/// Tolerances on the relative errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Manual vs autodiff.
    pub autodiff: f64,
    /// Manual and autodiff vs finite differences.
    pub finite_difference: f64,
}

impl Tolerance {
    /// For f64 weights: the two analytic gradients agree to rounding (1e-12); central
    /// differences with h = 1e-6 carry O(h²) truncation and O(ε/h) rounding errors (1e-6).
    pub const F64: Tolerance = Tolerance {
        autodiff: 1e-12,
        finite_difference: 1e-6,
    };
    /// For f32 weights: single-precision rounding (1e-5), and 1e-3 against the f64 differences.
    pub const F32: Tolerance = Tolerance {
        autodiff: 1e-5,
        finite_difference: 1e-3,
    };
}

/// The outcome of a gradient check.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    /// Manual vs autodiff, per parameter.
    pub autodiff: [ParamError; 4],
    /// Manual vs finite differences, per parameter.
    pub manual_fd: [ParamError; 4],
    /// Autodiff vs finite differences, per parameter.
    pub autodiff_fd: [ParamError; 4],
    /// The loss at the weights checked.
    pub loss: f64,
    /// The tolerances applied.
    pub tolerance: Tolerance,
}

impl GradCheck {
    /// Whether every error is within its tolerance.
    pub fn passed(&self) -> bool {
        self.autodiff
            .iter()
            .all(|e| e.max_rel <= self.tolerance.autodiff)
            && self
                .manual_fd
                .iter()
                .chain(&self.autodiff_fd)
                .all(|e| e.max_rel <= self.tolerance.finite_difference)
    }

    /// A table: one row per parameter and comparison, with max abs and max rel errors.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<24} {:<5} {:>12} {:>12} {:>10}",
            "comparison", "param", "max abs", "max rel", "tolerance"
        );
        for (label, rows, tol) in [
            (
                "manual vs autodiff",
                &self.autodiff,
                self.tolerance.autodiff,
            ),
            (
                "manual vs finite diff",
                &self.manual_fd,
                self.tolerance.finite_difference,
            ),
            (
                "autodiff vs finite diff",
                &self.autodiff_fd,
                self.tolerance.finite_difference,
            ),
        ] {
            for e in rows {
                let verdict = if e.max_rel <= tol { "ok" } else { "FAIL" };
                let _ = writeln!(
                    out,
                    "{label:<24} {:<5} {:>12.3e} {:>12.3e} {tol:>10.0e}  {verdict}",
                    e.name, e.max_abs, e.max_rel
                );
            }
        }
        out
    }
}

/// The errors of `got` against `reference`; infinite when their lengths differ, so that a
/// gradient that went missing can never pass.
fn compare(name: &'static str, got: &[f64], reference: &[f64]) -> ParamError {
    if got.len() != reference.len() || got.is_empty() {
        return ParamError {
            name,
            max_abs: f64::INFINITY,
            max_rel: f64::INFINITY,
        };
    }
    let max_abs = got
        .iter()
        .zip(reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let scale = reference.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let max_rel = if scale > 0.0 {
        max_abs / scale
    } else {
        max_abs
    };
    ParamError {
        name,
        max_abs,
        max_rel,
    }
}

/// The four gradients as flat f64 vectors, in [`PARAMS`] order.
type Flat = [Vec<f64>; 4];

/// Checks the gradients of `model`'s loss on inputs `x` `[B, inputs]` (with their offset, for a
/// physics-residual network) and targets `t` `[B, 1]`.
pub fn check(
    model: &Mlp,
    inputs: impl Into<Inputs>,
    t: Tensor<2>,
    tolerance: Tolerance,
) -> Result<GradCheck, ModelError> {
    let inputs = inputs.into();
    let (loss, manual) = model.manual_gradients(inputs.clone(), t.clone());
    let manual: Flat = [
        read_values("dW1", manual.w1)?,
        read_values("db1", manual.b1)?,
        read_values("dW2", manual.w2)?,
        read_values("db2", manual.b2)?,
    ];

    let autodiff = autodiff_gradients(model, inputs.clone(), t.clone())?;
    let Inputs { x, offset, gate } = inputs;
    let plain = |what: &'static str, v: Option<Tensor<2>>| match v {
        Some(v) => read_values(what, v),
        None => Ok(Vec::new()),
    };
    let rows = Rows {
        x: read_values("x", x)?,
        offset: plain("the offset", offset)?,
        gate: plain("the gate", gate)?,
        t: read_values("t", t)?,
    };
    let fd = finite_differences(model, &rows)?;
    outcome(loss, [manual, autodiff, fd], tolerance)
}

/// The check's outcome from the loss and the three gradients (manual, autodiff, finite
/// differences), each flat in [`PARAMS`] order.
fn outcome(
    loss: Tensor<1>,
    [manual, autodiff, fd]: [Flat; 3],
    tolerance: Tolerance,
) -> Result<GradCheck, ModelError> {
    let rows = |a: &Flat, b: &Flat| -> [ParamError; 4] {
        std::array::from_fn(|i| compare(PARAMS[i], &a[i], &b[i]))
    };
    let loss = read_values("the loss", loss)?;
    Ok(GradCheck {
        autodiff: rows(&manual, &autodiff),
        manual_fd: rows(&manual, &fd),
        autodiff_fd: rows(&autodiff, &fd),
        loss: loss.first().copied().ok_or(ModelError::Read {
            what: "the loss",
            message: "no value".into(),
        })?,
        tolerance,
    })
}

/// Checks the gradients of a [`Population`]'s loss on inputs `x` `[P, B, inputs]` and targets
/// `t` `[P, B]`: its hand-written back-propagation (batched over P) against Burn's autodiff of
/// the population's loss, and both against central finite differences of each network alone
/// (network p's slice of the population gradient is network p's own gradient). The errors are
/// over all P networks, each gradient in the single network's layout (W1 `[inputs, H]`).
pub fn check_population(
    population: &Population,
    x: Tensor<3>,
    t: Tensor<2>,
    tolerance: Tolerance,
) -> Result<GradCheck, ModelError> {
    let (loss, manual) = population.manual_gradients(x.clone(), t.clone());
    let p_count = population.len();
    let [_, h, n] = population.w1.dims();
    let manual = population_flat(
        p_count,
        h,
        n,
        [
            read_values("dW1", manual.w1)?,
            read_values("db1", manual.b1)?,
            read_values("dW2", manual.w2)?,
            read_values("db2", manual.b2)?,
        ],
    );
    let device = x.device().autodiff();
    let ad = population.clone().fork(&device).train();
    let grads = ad
        .loss(
            Tensor::<3>::from_data(x.clone().into_data(), &device),
            Tensor::<2>::from_data(t.clone().into_data(), &device),
        )
        .backward();
    let missing = |what: &'static str| ModelError::Read {
        what,
        message: "autodiff gave no gradient".into(),
    };
    let autodiff = population_flat(
        p_count,
        h,
        n,
        [
            read_values(
                "autodiff dW1",
                ad.w1.val().grad(&grads).ok_or_else(|| missing("dW1"))?,
            )?,
            read_values(
                "autodiff db1",
                ad.b1.val().grad(&grads).ok_or_else(|| missing("db1"))?,
            )?,
            read_values(
                "autodiff dW2",
                ad.w2.val().grad(&grads).ok_or_else(|| missing("dW2"))?,
            )?,
            read_values(
                "autodiff db2",
                ad.b2.val().grad(&grads).ok_or_else(|| missing("db2"))?,
            )?,
        ],
    );
    // Finite differences network by network, on its own slice of the batch.
    let batch = t.dims()[1];
    let mut fd: Flat = Default::default();
    for p in 0..p_count {
        let rows = Rows {
            x: read_values("x", x.clone().narrow(0, p, 1).reshape([batch, n]))?,
            offset: Vec::new(),
            gate: Vec::new(),
            t: read_values("t", t.clone().narrow(0, p, 1).reshape([batch]))?,
        };
        let network = finite_differences(&population.network(p), &rows)?;
        for (all, one) in fd.iter_mut().zip(network) {
            all.extend(one);
        }
    }
    outcome(loss, [manual, autodiff, fd], tolerance)
}

/// A population's gradients (W1 `[P, H, inputs]`, b1 `[P, H]`, W2 `[P, H]`, b2 `[P]`, flat)
/// network after network in the single network's layout (W1 `[inputs, H]`).
fn population_flat(p_count: usize, h: usize, n: usize, [w1, b1, w2, b2]: Flat) -> Flat {
    let mut out: Flat = Default::default();
    for p in 0..p_count {
        for i in 0..n {
            for j in 0..h {
                out[0].push(w1[p * h * n + j * n + i]);
            }
        }
    }
    out[1] = b1;
    out[2] = w2;
    out[3] = b2;
    out
}

/// The gradients Burn's autodiff finds for the same loss: the weights forked onto the autodiff
/// twin of the inputs' device.
fn autodiff_gradients(model: &Mlp, inputs: Inputs, t: Tensor<2>) -> Result<Flat, ModelError> {
    let Inputs { x, offset, gate } = inputs;
    let device = x.device().autodiff();
    let ad_model = model.clone().fork(&device).train();
    let xa = Tensor::<2>::from_data(x.into_data(), &device);
    let ta = Tensor::<2>::from_data(t.into_data(), &device);
    let on_ad = |o: Option<Tensor<2>>| o.map(|o| Tensor::<2>::from_data(o.into_data(), &device));
    let grads = ad_model
        .loss(
            Inputs {
                x: xa,
                offset: on_ad(offset),
                gate: on_ad(gate),
            },
            ta,
        )
        .backward();
    let missing = |what: &'static str| ModelError::Read {
        what,
        message: "autodiff gave no gradient".into(),
    };
    let grad = |what: &'static str, g: Option<Tensor<2>>| {
        read_values(what, g.ok_or_else(|| missing(what))?)
    };
    let grad1 = |what: &'static str, g: Option<Tensor<1>>| {
        read_values(what, g.ok_or_else(|| missing(what))?)
    };
    let autodiff: Flat = [
        grad("autodiff dW1", ad_model.w1.val().grad(&grads))?,
        grad1("autodiff db1", ad_model.b1.val().grad(&grads))?,
        grad("autodiff dW2", ad_model.w2.val().grad(&grads))?,
        grad1("autodiff db2", ad_model.b2.val().grad(&grads))?,
    ];
    Ok(autodiff)
}

/// The network in plain f64, for the finite differences.
struct Plain {
    w1: Vec<f64>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: f64,
    activation: Activation,
    inputs: usize,
}

impl Plain {
    /// Element `k` of parameter `p` (in [`PARAMS`] order).
    fn slot(&mut self, p: usize, k: usize) -> &mut f64 {
        match p {
            0 => &mut self.w1[k],
            1 => &mut self.b1[k],
            2 => &mut self.w2[k],
            _ => &mut self.b2,
        }
    }

    /// The loss on `rows`: each output scaled by its gate and shifted by its offset (when given).
    fn loss(&self, rows: &Rows) -> f64 {
        let hidden = self.b1.len();
        let mut total = 0.0;
        for (i, (row, target)) in rows.x.chunks(self.inputs).zip(&rows.t).enumerate() {
            let mut y = self.b2;
            for j in 0..hidden {
                let z: f64 = self.b1[j]
                    + row
                        .iter()
                        .enumerate()
                        .map(|(i, xi)| xi * self.w1[i * hidden + j])
                        .sum::<f64>();
                y += self.activation.scalar(z) * self.w2[j];
            }
            let y = y * rows.gate.get(i).copied().unwrap_or(1.0)
                + rows.offset.get(i).copied().unwrap_or(0.0);
            total += (y - target) * (y - target);
        }
        0.5 * total / rows.t.len() as f64
    }
}

/// A batch in plain f64: inputs row by row, offsets and gates (one per row, or empty), targets.
struct Rows {
    x: Vec<f64>,
    offset: Vec<f64>,
    gate: Vec<f64>,
    t: Vec<f64>,
}

/// Central differences, h = 1e-6, of the loss with respect to every weight.
fn finite_differences(model: &Mlp, rows: &Rows) -> Result<Flat, ModelError> {
    let p = model.parameters()?;
    let inputs = p.w1.len() / p.b1.len().max(1);
    let mut plain = Plain {
        w1: p.w1,
        b1: p.b1,
        w2: p.w2,
        b2: p.b2,
        activation: model.activation,
        inputs,
    };
    const H: f64 = 1e-6;
    let mut out: Flat = Default::default();
    for (p, grads) in out.iter_mut().enumerate() {
        let len = match p {
            0 => plain.w1.len(),
            1 => plain.b1.len(),
            2 => plain.w2.len(),
            _ => 1,
        };
        for k in 0..len {
            let original = *plain.slot(p, k);
            *plain.slot(p, k) = original + H;
            let up = plain.loss(rows);
            *plain.slot(p, k) = original - H;
            let down = plain.loss(rows);
            *plain.slot(p, k) = original;
            grads.push((up - down) / (2.0 * H));
        }
    }
    Ok(out)
}

/// A batch as tensors on `device`: inputs `[B, inputs]` and targets `[B, 1]` from plain rows.
pub fn batch(
    rows: &[Vec<f64>],
    targets: &[f64],
    device: &burn::tensor::Device,
) -> (Tensor<2>, Tensor<2>) {
    let inputs = rows.first().map_or(0, Vec::len);
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    (
        Tensor::from_data(TensorData::new(flat, [rows.len(), inputs]), device),
        Tensor::from_data(
            TensorData::new(targets.to_vec(), [targets.len(), 1]),
            device,
        ),
    )
}
