//! The network's weights and per-sample training: the forward pass, one SGD step with its
//! hand-written back-propagation, whole epochs of steps and the mean squared error. The loops
//! run over the hidden units with no call and no branch in their bodies, so they vectorise.

use rayon::prelude::*;
use zoepnet_network::{Activation, FEATURES, FeatureVector, Parameters, UpdateOrder};

use crate::activation::{activate, slope};
use crate::aligned::AlignedVec;
use crate::exp::dot;
use crate::simd::Simd;

/// The network's weights as plain numbers (64-byte aligned: `Vec<f64>` converts with `.into()`,
/// and each derefs to `[f64]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// Hidden activation.
    pub activation: Activation,
    /// `[inputs, hidden]`, row-major: `w1[i * hidden + j]`.
    pub w1: AlignedVec,
    /// `[hidden]`.
    pub b1: AlignedVec,
    /// `[hidden]`.
    pub w2: AlignedVec,
    /// Output bias.
    pub b2: f64,
}

/// Scratch space for one sample's hidden layer.
#[derive(Debug, Clone)]
pub struct Scratch {
    pub(crate) a1: AlignedVec,
}

// `rows!` splits W1 into its rows by hand, one name per input, and the loops destructure x into
// x0..x6: both are written for 7 inputs, and must be rewritten if `FEATURES` changes.
const _: () = assert!(FEATURES == 7);

/// W1's 7 rows, each `h` long (the last one re-sliced so that the compiler knows its length
/// and drops the bounds checks that would stop vectorisation).
macro_rules! rows {
    ($w1:expr, $h:expr, $split:ident, $($mut:tt)?) => {{
        let (r0, w) = $w1[..7 * $h].$split($h);
        let (r1, w) = w.$split($h);
        let (r2, w) = w.$split($h);
        let (r3, w) = w.$split($h);
        let (r4, w) = w.$split($h);
        let (r5, r6) = w.$split($h);
        (r0, r1, r2, r3, r4, r5, &$($mut)? r6[..$h])
    }};
}
pub(crate) use rows;

impl Weights {
    /// The network `p` with the hidden `activation`, copied into aligned buffers. The shapes are
    /// not checked here ([`Parameters::check`] does): a W1 shorter than inputs × hidden panics
    /// at the first forward pass.
    pub fn new(activation: Activation, p: &Parameters) -> Weights {
        Weights {
            activation,
            w1: p.w1.as_slice().into(),
            b1: p.b1.as_slice().into(),
            w2: p.w2.as_slice().into(),
            b2: p.b2,
        }
    }

    /// The weights as plain `Vec`s (the activation is not part of them).
    pub fn parameters(&self) -> Parameters {
        Parameters {
            w1: self.w1.to_vec(),
            b1: self.b1.to_vec(),
            inner: Vec::new(),
            w2: self.w2.to_vec(),
            b2: self.b2,
        }
    }

    /// Hidden units.
    pub fn hidden(&self) -> usize {
        self.b1.len()
    }

    /// Scratch space sized for this network.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            a1: AlignedVec::zeros(self.hidden()),
        }
    }

    /// The output for one scaled input; fills `scratch` with the hidden activations.
    ///
    /// One pass over the hidden units: z = b1 + x W1 (summed input by input, in order), then
    /// the activation.
    #[inline(always)]
    pub fn forward(&self, x: &FeatureVector, scratch: &mut Scratch) -> f64 {
        let h = self.hidden();
        let [x0, x1, x2, x3, x4, x5, x6] = *x;
        let (r0, r1, r2, r3, r4, r5, r6) = rows!(self.w1, h, split_at,);
        let b1 = &self.b1[..h];
        let a1 = &mut scratch.a1[..h];
        // A macro, not a closure: a closure call is not always inlined, and a call in the loop
        // stops vectorisation.
        macro_rules! z {
            ($j:expr) => {
                b1[$j]
                    + x0 * r0[$j]
                    + x1 * r1[$j]
                    + x2 * r2[$j]
                    + x3 * r3[$j]
                    + x4 * r4[$j]
                    + x5 * r5[$j]
                    + x6 * r6[$j]
            };
        }
        for j in 0..h {
            a1[j] = z!(j);
        }
        activate(self.activation, a1);
        self.b2 + dot(a1, &self.w2)
    }

    /// One SGD step on one sample for the loss ½ (y − t)²; returns (y − t)² before the step.
    #[inline(always)]
    pub fn step(
        &mut self,
        x: &FeatureVector,
        t: f64,
        lr: f64,
        order: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64 {
        let y = self.forward(x, scratch);
        let err = y - t;
        // act'(z) from a = act(z); the activation and the order chosen outside the loop.
        match (self.activation, order == UpdateOrder::Tutorial) {
            (Activation::Sigmoid, true) => {
                self.backward::<true>(x, err, lr, scratch, slope::sigmoid)
            }
            (Activation::Sigmoid, false) => {
                self.backward::<false>(x, err, lr, scratch, slope::sigmoid)
            }
            (Activation::Tanh, true) => self.backward::<true>(x, err, lr, scratch, slope::tanh),
            (Activation::Tanh, false) => self.backward::<false>(x, err, lr, scratch, slope::tanh),
            (Activation::Relu, true) => self.backward::<true>(x, err, lr, scratch, slope::relu),
            (Activation::Relu, false) => self.backward::<false>(x, err, lr, scratch, slope::relu),
        }
        err * err
    }

    /// The updates of one step, in one pass over the hidden units: W2, the hidden error
    /// δ = err · act'(z) · W2 (with the stepped W2 in the tutorial's order, the old one in the
    /// exact order), then b1 −= lr δ and W1 −= (lr δ) x; b2 last.
    #[inline(always)]
    fn backward<const TUTORIAL: bool>(
        &mut self,
        x: &FeatureVector,
        err: f64,
        lr: f64,
        scratch: &Scratch,
        slope: impl Fn(f64) -> f64,
    ) {
        let h = self.hidden();
        let [x0, x1, x2, x3, x4, x5, x6] = *x;
        let (r0, r1, r2, r3, r4, r5, r6) = rows!(self.w1, h, split_at_mut, mut);
        let a1 = &scratch.a1[..h];
        let w2 = &mut self.w2[..h];
        let b1 = &mut self.b1[..h];
        for j in 0..h {
            let a = a1[j];
            let delta = if TUTORIAL {
                w2[j] -= lr * err * a;
                err * slope(a) * w2[j]
            } else {
                let delta = err * w2[j] * slope(a);
                w2[j] -= lr * err * a;
                delta
            };
            let step = lr * delta;
            b1[j] -= step;
            r0[j] -= step * x0;
            r1[j] -= step * x1;
            r2[j] -= step * x2;
            r3[j] -= step * x3;
            r4[j] -= step * x4;
            r5[j] -= step * x5;
            r6[j] -= step * x6;
        }
        self.b2 -= lr * err;
    }

    /// One epoch of per-sample SGD over the samples `order` names, in that order; returns the
    /// sum of the squared errors met (each before its step). Runs on the widest [`Simd`].
    pub fn epoch(
        &mut self,
        xs: &[FeatureVector],
        ts: &[f64],
        order: &[usize],
        lr: f64,
        update: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64 {
        self.epoch_on(Simd::detect(), xs, ts, order, lr, update, scratch)
    }

    /// [`Weights::epoch`] compiled for `simd` (the baseline where the CPU lacks it).
    #[allow(clippy::too_many_arguments)]
    pub fn epoch_on(
        &mut self,
        simd: Simd,
        xs: &[FeatureVector],
        ts: &[f64],
        order: &[usize],
        lr: f64,
        update: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64 {
        #[cfg(target_arch = "x86_64")]
        match simd.checked() {
            // SAFETY: `checked` confirmed the CPU has the instructions.
            #[allow(unsafe_code)]
            Simd::Avx2 => {
                return unsafe { wide::epoch_avx2(self, xs, ts, order, lr, update, scratch) };
            }
            // SAFETY: as above.
            #[allow(unsafe_code)]
            Simd::Avx512 => {
                return unsafe { wide::epoch_avx512(self, xs, ts, order, lr, update, scratch) };
            }
            Simd::Baseline => {}
        }
        epoch_body(self, xs, ts, order, lr, update, scratch)
    }

    /// The mean of (g (y − t))² over scaled inputs `xs`, targets `ts` and weights `gates`: the
    /// squared error of a network whose targets were divided by g (a contrast-scaled correction),
    /// in the undivided quantity. Scalar code, on every core: runs of 4096 samples summed in
    /// order, so the same on any number of threads.
    pub fn gated_mse(&self, xs: &[FeatureVector], ts: &[f64], gates: &[f64]) -> f64 {
        const RUN: usize = 4096;
        let sums: Vec<f64> = xs
            .par_chunks(RUN)
            .zip(ts.par_chunks(RUN))
            .zip(gates.par_chunks(RUN))
            .map(|((xs, ts), gates)| {
                let mut scratch = self.scratch();
                xs.iter()
                    .zip(ts)
                    .zip(gates)
                    .map(|((x, t), g)| (g * (self.forward(x, &mut scratch) - t)).powi(2))
                    .sum::<f64>()
            })
            .collect();
        sums.iter().sum::<f64>() / ts.len().max(1) as f64
    }

    /// The mean squared error over scaled inputs `xs` and targets `ts`, on the widest [`Simd`].
    pub fn mse(&self, xs: &[FeatureVector], ts: &[f64], scratch: &mut Scratch) -> f64 {
        self.mse_on(Simd::detect(), xs, ts, scratch)
    }

    /// [`Weights::mse`] compiled for `simd` (the baseline where the CPU lacks it).
    pub fn mse_on(
        &self,
        simd: Simd,
        xs: &[FeatureVector],
        ts: &[f64],
        scratch: &mut Scratch,
    ) -> f64 {
        let total = match simd.checked() {
            // SAFETY: `checked` confirmed the CPU has the instructions.
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            Simd::Avx2 => unsafe { wide::squared_errors_avx2(self, xs, ts, scratch) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            #[allow(unsafe_code)]
            Simd::Avx512 => unsafe { wide::squared_errors_avx512(self, xs, ts, scratch) },
            _ => squared_errors(self, xs, ts, scratch),
        };
        total / ts.len().max(1) as f64
    }
}

/// An epoch's steps; inlined into each width's copy ([`Simd::epoch`]).
#[inline(always)]
fn epoch_body(
    w: &mut Weights,
    xs: &[FeatureVector],
    ts: &[f64],
    order: &[usize],
    lr: f64,
    update: UpdateOrder,
    scratch: &mut Scratch,
) -> f64 {
    // Plain loops (no iterator adaptors) inline into the wide copies for sure.
    let mut total = 0.0;
    for &i in order {
        total += w.step(&xs[i], ts[i], lr, update, scratch);
    }
    total
}

/// Σ (y − t)² over a set; inlined into each width's copy ([`Simd::squared_errors`]).
#[inline(always)]
fn squared_errors(w: &Weights, xs: &[FeatureVector], ts: &[f64], scratch: &mut Scratch) -> f64 {
    let mut total = 0.0;
    for (x, t) in xs.iter().zip(ts) {
        let e = w.forward(x, scratch) - t;
        total += e * e;
    }
    total
}

/// The same bodies compiled with wider vectors; callable only once the CPU is known to have them.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
mod wide {
    use super::{FeatureVector, Scratch, UpdateOrder, Weights, epoch_body, squared_errors};
    use crate::simd::wide_copies;

    wide_copies!(epoch_body => epoch_avx2, epoch_avx512; (
        w: &mut Weights,
        xs: &[FeatureVector],
        ts: &[f64],
        order: &[usize],
        lr: f64,
        update: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64);

    wide_copies!(squared_errors => squared_errors_avx2, squared_errors_avx512; (
        w: &Weights,
        xs: &[FeatureVector],
        ts: &[f64],
        scratch: &mut Scratch,
    ) -> f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small network and data set with every kind of value the loops meet.
    fn problem(activation: Activation) -> (Weights, Vec<FeatureVector>, Vec<f64>) {
        let h = 37; // not a multiple of any vector width
        let wave = |k: usize, f: f64| (k as f64 * f).sin();
        let weights = Weights {
            activation,
            w1: (0..FEATURES * h).map(|k| 0.4 * wave(k, 0.71)).collect(),
            b1: (0..h).map(|k| 0.1 * wave(k, 1.3)).collect(),
            w2: (0..h).map(|k| 0.3 * wave(k, 0.37)).collect(),
            b2: 0.01,
        };
        let xs = (0..50)
            .map(|n| std::array::from_fn(|i| 2.5 * wave(FEATURES * n + i, 0.93)))
            .collect();
        let ts = (0..50).map(|n| 0.2 * wave(n, 0.57)).collect();
        (weights, xs, ts)
    }

    #[test]
    fn every_simd_width_gives_the_same_bits() {
        for activation in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
            for update in [UpdateOrder::Tutorial, UpdateOrder::Exact] {
                let (start, xs, ts) = problem(activation);
                let order: Vec<usize> = (0..xs.len()).rev().collect();
                let run = |simd: Simd| {
                    let mut w = start.clone();
                    let mut scratch = w.scratch();
                    let mut sums = Vec::new();
                    for _ in 0..3 {
                        sums.push(w.mse_on(simd, &xs, &ts, &mut scratch));
                        sums.push(w.epoch_on(simd, &xs, &ts, &order, 0.01, update, &mut scratch));
                    }
                    (w, sums)
                };
                let baseline = run(Simd::Baseline);
                assert_ne!(baseline.0, start, "the epochs changed the weights");
                for simd in Simd::available() {
                    assert_eq!(run(simd), baseline, "{simd:?} {activation:?} {update:?}");
                }
            }
        }
    }

    #[test]
    fn an_epoch_is_its_steps() {
        let (start, xs, ts) = problem(Activation::Sigmoid);
        let order = [3, 1, 4, 1, 5, 9, 2, 6];
        let mut by_epoch = start.clone();
        let mut scratch = start.scratch();
        let sum = by_epoch.epoch(&xs, &ts, &order, 0.05, UpdateOrder::Tutorial, &mut scratch);
        let mut by_step = start.clone();
        let mut total = 0.0;
        for &i in &order {
            total += by_step.step(&xs[i], ts[i], 0.05, UpdateOrder::Tutorial, &mut scratch);
        }
        assert_eq!(by_epoch, by_step);
        assert_eq!(sum, total);
    }

    #[test]
    fn parameters_convert_both_ways_unchanged() {
        let (w, _, _) = problem(Activation::Tanh);
        let p = w.parameters();
        assert_eq!(p.check(FEATURES, w.hidden(), 1), Ok(()));
        assert_eq!(p.w1, *w.w1);
        assert_eq!(
            (p.b1.as_slice(), p.w2.as_slice(), p.b2),
            (&*w.b1, &*w.w2, w.b2)
        );
        let back = Weights::new(Activation::Tanh, &p);
        assert_eq!(back, w);
        assert_eq!(back.w1.as_ptr() as usize % 64, 0);
        assert_eq!(back.w2.as_ptr() as usize % 64, 0);
        assert_eq!(
            Weights::new(Activation::Relu, &p).activation,
            Activation::Relu
        );
    }
}
