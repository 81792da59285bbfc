//! Mini-batch training: the gradient of ½·mean((y − t)²) over a batch, summed sample by sample
//! with the hand-written back-propagation, and two optimizers, plain SGD and Adam as Burn 0.22.1
//! computes it (tested against Burn's autodiff and `AdamConfig` by the workspace's end-to-end
//! tests, `the_fused_adam_is_burns_adam` in tests/train.rs).

use rayon::prelude::*;
use zoepnet_network::{Activation, FeatureVector};

use crate::activation::slope;
use crate::aligned::AlignedVec;
use crate::simd::Simd;
use crate::weights::{Scratch, Weights, rows};

/// Buffers shaped as the parameters: W1 `[inputs, hidden]` row-major, b1, W2, b2.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// As [`Weights::w1`].
    pub w1: AlignedVec,
    /// As [`Weights::b1`].
    pub b1: AlignedVec,
    /// As [`Weights::w2`].
    pub w2: AlignedVec,
    /// As [`Weights::b2`].
    pub b2: f64,
}

impl Params {
    /// Zeros shaped as `w`.
    pub fn zeros_like(w: &Weights) -> Self {
        Self {
            w1: AlignedVec::zeros(w.w1.len()),
            b1: AlignedVec::zeros(w.b1.len()),
            w2: AlignedVec::zeros(w.w2.len()),
            b2: 0.0,
        }
    }

    /// W1, b1, W2 and b2 one after the other.
    pub fn to_flat(&self) -> Vec<f64> {
        self.w1
            .iter()
            .chain(self.b1.iter())
            .chain(self.w2.iter())
            .copied()
            .chain([self.b2])
            .collect()
    }

    /// The inverse of [`Params::to_flat`], shaped as `like`; `None` when the length differs.
    pub fn from_flat(values: &[f64], like: &Params) -> Option<Self> {
        let (n1, nb, n2) = (like.w1.len(), like.b1.len(), like.w2.len());
        (values.len() == n1 + nb + n2 + 1).then(|| Self {
            w1: values[..n1].into(),
            b1: values[n1..n1 + nb].into(),
            w2: values[n1 + nb..n1 + nb + n2].into(),
            b2: values[n1 + nb + n2],
        })
    }

    fn fill_zero(&mut self) {
        self.w1.fill(0.0);
        self.b1.fill(0.0);
        self.w2.fill(0.0);
        self.b2 = 0.0;
    }

    /// Adds `other`, entry by entry.
    fn add(&mut self, other: &Params) {
        for (p, o) in [
            (&mut self.w1, &other.w1),
            (&mut self.b1, &other.b1),
            (&mut self.w2, &other.w2),
        ] {
            for (p, &o) in p.iter_mut().zip(o.iter()) {
                *p += o;
            }
        }
        self.b2 += other.b2;
    }
}

/// Samples per share of a threaded gradient. A batch of more samples is split, in order, into
/// shares of this many (the last one smaller), whose gradients are computed on every core (the
/// rayon pool; `RAYON_NUM_THREADS` sets its size) and summed in share order: the result does not
/// depend on how many threads there are. A batch of at most this many is one share, on the
/// calling thread.
pub const SHARE: usize = 128;

/// Adam as Burn 0.22.1's `AdamConfig` computes it: β1, β2 and ε are f32, and so are the bias
/// corrections; the moments and the update are f64.
///
/// ```text
/// m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
/// c2 = √(1 − β2^t)               c = c2 / (1 − β1^t)          (f32)
/// p ← p − lr · (c m) / (√v + ε c2)
/// ```
///
/// (Kingma & Ba 2015, Algorithm 1, with ε scaled as Burn does.)
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    /// β1 (Burn's default 0.9).
    pub beta_1: f32,
    /// β2 (Burn's default 0.999).
    pub beta_2: f32,
    /// ε (Burn's default 1e-5).
    pub epsilon: f32,
    /// Steps taken.
    pub time: i32,
    /// First moments.
    pub m: Params,
    /// Second moments.
    pub v: Params,
}

impl Adam {
    /// Burn's defaults with `epsilon`, for the network `w`.
    pub fn new(w: &Weights, epsilon: f32) -> Self {
        Self {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon,
            time: 0,
            m: Params::zeros_like(w),
            v: Params::zeros_like(w),
        }
    }
}

/// How a batch's gradient becomes a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Optimizer {
    /// p ← p − lr g.
    Sgd,
    /// [`Adam`].
    Adam(Box<Adam>),
}

/// One parameter slice's Adam step.
#[inline(always)]
pub(crate) fn adam_slice(
    p: &mut [f64],
    g: &[f64],
    m: &mut [f64],
    v: &mut [f64],
    k: &AdamFactors,
    lr: f64,
) {
    for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        *m = *m * k.beta_1 + g * k.one_minus_beta_1;
        *v = *v * k.beta_2 + g * g * k.one_minus_beta_2;
        let update = (*m * k.combined) / (v.sqrt() + k.epsilon);
        *p -= update * lr;
    }
}

/// One step's factors, computed in f32 as Burn does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdamFactors {
    beta_1: f64,
    beta_2: f64,
    one_minus_beta_1: f64,
    one_minus_beta_2: f64,
    combined: f64,
    epsilon: f64,
}

impl AdamFactors {
    /// The factors of step `time` (1-based) with β1, β2 and ε.
    pub(crate) fn at(beta_1: f32, beta_2: f32, epsilon: f32, time: i32) -> Self {
        let c2 = (1.0 - beta_2.powi(time)).sqrt();
        Self {
            beta_1: f64::from(beta_1),
            beta_2: f64::from(beta_2),
            one_minus_beta_1: f64::from(1.0 - beta_1),
            one_minus_beta_2: f64::from(1.0 - beta_2),
            combined: f64::from(c2 / (1.0 - beta_1.powi(time))),
            epsilon: f64::from(epsilon * c2),
        }
    }
}

impl Weights {
    /// The gradient of ½·mean((y − t)²) over the samples `batch` names, into `g`; returns
    /// Σ (y − t)² before the step.
    #[inline(always)]
    fn batch_gradient(
        &self,
        xs: &[FeatureVector],
        ts: &[f64],
        batch: &[usize],
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> f64 {
        self.share_gradient((xs, ts, batch, 1.0 / batch.len() as f64, None), g, scratch)
    }

    /// The gradient of ½·Σ wᵢ (yᵢ − tᵢ)² · `scale` over the samples `share` names (wᵢ the
    /// sample weights, 1 without them), into `g`; returns Σ (y − t)², unweighted.
    #[inline(always)]
    fn share_gradient(
        &self,
        (xs, ts, share, scale, weights): ShareArgs<'_>,
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> f64 {
        g.fill_zero();
        let mut squared = 0.0;
        for &i in share {
            let y = self.forward(&xs[i], scratch);
            let e = y - ts[i];
            squared += e * e;
            let err = e * scale * weights.map_or(1.0, |w| w[i]);
            g.b2 += err;
            match self.activation {
                Activation::Sigmoid => accumulate(self, g, &xs[i], err, scratch, slope::sigmoid),
                Activation::Tanh => accumulate(self, g, &xs[i], err, scratch, slope::tanh),
                Activation::Relu => accumulate(self, g, &xs[i], err, scratch, slope::relu),
            }
        }
        squared
    }

    /// Applies one step of `optimizer` with the gradient `g`.
    #[inline(always)]
    fn apply(&mut self, g: &Params, lr: f64, optimizer: &mut Optimizer) {
        match optimizer {
            Optimizer::Sgd => {
                for (p, g) in [
                    (&mut self.w1, &g.w1),
                    (&mut self.b1, &g.b1),
                    (&mut self.w2, &g.w2),
                ] {
                    for (p, &g) in p.iter_mut().zip(g) {
                        *p -= g * lr;
                    }
                }
                self.b2 -= g.b2 * lr;
            }
            Optimizer::Adam(adam) => {
                adam.time += 1;
                let k = AdamFactors::at(adam.beta_1, adam.beta_2, adam.epsilon, adam.time);
                let Adam { m, v, .. } = &mut **adam;
                adam_slice(&mut self.w1, &g.w1, &mut m.w1, &mut v.w1, &k, lr);
                adam_slice(&mut self.b1, &g.b1, &mut m.b1, &mut v.b1, &k, lr);
                adam_slice(&mut self.w2, &g.w2, &mut m.w2, &mut v.w2, &k, lr);
                let (mut p, mut mm, mut vv) = ([self.b2], [m.b2], [v.b2]);
                adam_slice(&mut p, &[g.b2], &mut mm, &mut vv, &k, lr);
                (self.b2, m.b2, v.b2) = (p[0], mm[0], vv[0]);
            }
        }
    }

    /// One epoch of mini-batch training: the samples `order` names, in that order, in batches of
    /// `batch_size` (the last one smaller), one `optimizer` step per batch. Returns the sum of the
    /// squared errors met (each before its batch's step). `g` is scratch for the gradient.
    /// With `weights`, sample i's squared error counts `weights[i]` times in the loss.
    #[allow(clippy::too_many_arguments)]
    pub fn epoch_batched(
        &mut self,
        simd: Simd,
        (xs, ts, weights): Samples<'_>,
        order: &[usize],
        batch_size: usize,
        lr: f64,
        optimizer: &mut Optimizer,
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> f64 {
        if batch_size > SHARE || weights.is_some() {
            // Large batches (and weighted samples): each batch's gradient through `gradient`,
            // on every core.
            let mut total = 0.0;
            for batch in order.chunks(batch_size.max(1)) {
                total += gradient(self, simd, (xs, ts, weights), batch, g, scratch);
                self.apply(g, lr, optimizer);
            }
            return total;
        }
        let args = (xs, ts, order, batch_size, lr);
        #[cfg(target_arch = "x86_64")]
        match simd.checked() {
            // SAFETY: `checked` confirmed the CPU has the instructions.
            #[allow(unsafe_code)]
            Simd::Avx2 => return unsafe { wide::batched_avx2(self, args, optimizer, g, scratch) },
            // SAFETY: as above.
            #[allow(unsafe_code)]
            Simd::Avx512 => {
                return unsafe { wide::batched_avx512(self, args, optimizer, g, scratch) };
            }
            Simd::Baseline => {}
        }
        let _ = simd;
        batched_body(self, args, optimizer, g, scratch)
    }
}

/// The gradient of ½·mean((y − t)²) over the samples `batch` names, into `g`, compiled for
/// `simd`; returns Σ (y − t)². A batch of more than [`SHARE`] samples is shared out over the
/// cores.
pub(crate) fn gradient(
    w: &Weights,
    simd: Simd,
    (xs, ts, weights): Samples<'_>,
    batch: &[usize],
    g: &mut Params,
    scratch: &mut Scratch,
) -> f64 {
    let scale = 1.0 / batch.len() as f64;
    if batch.len() <= SHARE {
        return share_gradient(w, simd, (xs, ts, batch, scale, weights), g, scratch);
    }
    let shares: Vec<(Params, f64)> = batch
        .par_chunks(SHARE)
        .map(|share| {
            let (mut part, mut scratch) = (Params::zeros_like(w), w.scratch());
            let args = (xs, ts, share, scale, weights);
            let squared = share_gradient(w, simd, args, &mut part, &mut scratch);
            (part, squared)
        })
        .collect();
    g.fill_zero();
    let mut squared = 0.0;
    for (part, sq) in &shares {
        g.add(part);
        squared += sq;
    }
    squared
}

/// Scaled inputs, targets and, optionally, each sample's weight in the loss.
pub type Samples<'a> = (&'a [FeatureVector], &'a [f64], Option<&'a [f64]>);

/// xs, ts, the samples of a share, the factor of its errors (1 / the batch's size), the sample
/// weights.
type ShareArgs<'a> = (
    &'a [FeatureVector],
    &'a [f64],
    &'a [usize],
    f64,
    Option<&'a [f64]>,
);

/// One share's gradient, compiled for `simd`.
fn share_gradient(
    w: &Weights,
    simd: Simd,
    args: ShareArgs<'_>,
    g: &mut Params,
    scratch: &mut Scratch,
) -> f64 {
    #[cfg(target_arch = "x86_64")]
    match simd.checked() {
        // SAFETY: `checked` confirmed the CPU has the instructions.
        #[allow(unsafe_code)]
        Simd::Avx2 => return unsafe { wide::gradient_avx2(w, args, g, scratch) },
        // SAFETY: as above.
        #[allow(unsafe_code)]
        Simd::Avx512 => return unsafe { wide::gradient_avx512(w, args, g, scratch) },
        Simd::Baseline => {}
    }
    let _ = simd;
    gradient_body(w, args, g, scratch)
}

#[inline(always)]
fn gradient_body(w: &Weights, args: ShareArgs<'_>, g: &mut Params, scratch: &mut Scratch) -> f64 {
    w.share_gradient(args, g, scratch)
}

/// xs, ts, order, batch size, learning rate.
type EpochArgs<'a> = (&'a [FeatureVector], &'a [f64], &'a [usize], usize, f64);

#[inline(always)]
fn batched_body(
    w: &mut Weights,
    (xs, ts, order, batch_size, lr): EpochArgs<'_>,
    optimizer: &mut Optimizer,
    g: &mut Params,
    scratch: &mut Scratch,
) -> f64 {
    let mut total = 0.0;
    for batch in order.chunks(batch_size.max(1)) {
        total += w.batch_gradient(xs, ts, batch, g, scratch);
        w.apply(g, lr, optimizer);
    }
    total
}

/// Adds one sample's gradient (its error already divided by the batch size) to `g`, in one pass
/// over the hidden units: W2 += err a, δ = err W2 act'(z), b1 += δ, W1 += δ x.
#[inline(always)]
fn accumulate(
    w: &Weights,
    g: &mut Params,
    x: &FeatureVector,
    err: f64,
    scratch: &Scratch,
    slope: impl Fn(f64) -> f64,
) {
    let h = w.hidden();
    let [x0, x1, x2, x3, x4, x5, x6] = *x;
    let (r0, r1, r2, r3, r4, r5, r6) = rows!(g.w1, h, split_at_mut, mut);
    let a1 = &scratch.a1[..h];
    let w2 = &w.w2[..h];
    let gw2 = &mut g.w2[..h];
    let gb1 = &mut g.b1[..h];
    for j in 0..h {
        let a = a1[j];
        gw2[j] += err * a;
        let delta = err * w2[j] * slope(a);
        gb1[j] += delta;
        r0[j] += delta * x0;
        r1[j] += delta * x1;
        r2[j] += delta * x2;
        r3[j] += delta * x3;
        r4[j] += delta * x4;
        r5[j] += delta * x5;
        r6[j] += delta * x6;
    }
}

/// The epoch compiled with wider vectors; callable only once the CPU is known to have them.
#[cfg(target_arch = "x86_64")]
mod wide {
    use super::{
        EpochArgs, Optimizer, Params, Scratch, ShareArgs, Weights, batched_body, gradient_body,
    };
    use crate::simd::wide_copies;

    wide_copies!(gradient_body => gradient_avx2, gradient_avx512; (
        w: &Weights,
        args: ShareArgs<'_>,
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> f64);

    wide_copies!(batched_body => batched_avx2, batched_avx512; (
        w: &mut Weights,
        args: EpochArgs<'_>,
        optimizer: &mut Optimizer,
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> f64);
}

#[cfg(test)]
mod tests {
    use zoepnet_network::FEATURES;

    use super::*;

    fn problem() -> (Weights, Vec<FeatureVector>, Vec<f64>) {
        let h = 19;
        let wave = |k: usize, f: f64| (k as f64 * f).sin();
        let weights = Weights {
            activation: Activation::Sigmoid,
            w1: (0..FEATURES * h).map(|k| 0.4 * wave(k, 0.71)).collect(),
            b1: (0..h).map(|k| 0.1 * wave(k, 1.3)).collect(),
            w2: (0..h).map(|k| 0.3 * wave(k, 0.37)).collect(),
            b2: 0.01,
        };
        let xs = (0..40)
            .map(|n| std::array::from_fn(|i| 1.5 * wave(FEATURES * n + i, 0.93)))
            .collect();
        let ts = (0..40).map(|n| 0.2 * wave(n, 0.57)).collect();
        (weights, xs, ts)
    }

    /// ½·mean((y − t)²) over `batch`.
    fn loss(w: &Weights, xs: &[FeatureVector], ts: &[f64], batch: &[usize]) -> f64 {
        let mut scratch = w.scratch();
        let total: f64 = batch
            .iter()
            .map(|&i| (w.forward(&xs[i], &mut scratch) - ts[i]).powi(2))
            .sum();
        0.5 * total / batch.len() as f64
    }

    #[test]
    fn large_batches_are_shared_out_the_same_on_any_number_of_threads() {
        let (w, _, _) = problem();
        let wave = |k: usize, f: f64| (k as f64 * f).sin();
        let n = 2 * SHARE + 300;
        let xs: Vec<FeatureVector> = (0..n)
            .map(|k| std::array::from_fn(|i| 1.5 * wave(FEATURES * k + i, 0.93)))
            .collect();
        let ts: Vec<f64> = (0..n).map(|k| 0.2 * wave(k, 0.57)).collect();
        let batch: Vec<usize> = (0..n).rev().collect();
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            pool.install(|| {
                let (mut g, mut scratch) = (Params::zeros_like(&w), w.scratch());
                let sq = gradient(
                    &w,
                    Simd::detect(),
                    (&xs, &ts, None),
                    &batch,
                    &mut g,
                    &mut scratch,
                );
                (g, sq)
            })
        };
        let (one, two, three) = (on(1), on(2), on(3));
        assert_eq!(one, two);
        assert_eq!(one, three);
        // And it is the batch's gradient: the sample-by-sample sum, to rounding.
        let (mut g, mut scratch) = (Params::zeros_like(&w), w.scratch());
        let sq = w.batch_gradient(&xs, &ts, &batch, &mut g, &mut scratch);
        assert!((one.1 - sq).abs() < 1e-12 * sq);
        for (a, b) in one.0.to_flat().iter().zip(g.to_flat()) {
            assert!((a - b).abs() < 1e-15, "{a} against {b}");
        }
        assert_ne!(one.0, g, "summed in shares, not sample by sample");
    }

    #[test]
    fn sample_weights_scale_each_samples_share_of_the_gradient() {
        let (w, xs, ts) = problem();
        let batch: Vec<usize> = (0..40).collect();
        let grad = |weights: Option<&[f64]>| {
            let (mut g, mut scratch) = (Params::zeros_like(&w), w.scratch());
            gradient(
                &w,
                Simd::detect(),
                (&xs, &ts, weights),
                &batch,
                &mut g,
                &mut scratch,
            );
            g.to_flat()
        };
        let plain = grad(None);
        // Every weight 2: twice the gradient, exactly (a power of 2).
        let doubled = grad(Some(&[2.0; 40]));
        assert!(plain.iter().zip(&doubled).all(|(p, d)| 2.0 * p == *d));
        // Weight on one sample only: that sample's gradient, as a batch of one scaled by 1/40.
        let mut one = [0.0; 40];
        one[7] = 40.0;
        let single = grad(Some(&one));
        let (mut g, mut scratch) = (Params::zeros_like(&w), w.scratch());
        w.batch_gradient(&xs, &ts, &[7], &mut g, &mut scratch);
        for (a, b) in single.iter().zip(g.to_flat()) {
            assert!(
                (a - b).abs() <= 1e-15 * b.abs().max(1e-3),
                "{a} against {b}"
            );
        }
    }

    #[test]
    fn the_batch_gradient_is_the_loss_derivative() {
        for activation in [Activation::Sigmoid, Activation::Tanh] {
            let (mut w, xs, ts) = problem();
            w.activation = activation;
            let batch = [3, 1, 4, 15, 9, 26];
            let mut g = Params::zeros_like(&w);
            let mut scratch = w.scratch();
            let sq = w.batch_gradient(&xs, &ts, &batch, &mut g, &mut scratch);
            assert!((sq / 12.0 - loss(&w, &xs, &ts, &batch)).abs() < 1e-15);
            // Central differences on a few entries of each parameter.
            let h = 1e-6;
            let check = |get: &dyn Fn(&mut Weights) -> &mut f64, analytic: f64| {
                let (mut up, mut down) = (w.clone(), w.clone());
                *get(&mut up) += h;
                *get(&mut down) -= h;
                let numeric =
                    (loss(&up, &xs, &ts, &batch) - loss(&down, &xs, &ts, &batch)) / (2.0 * h);
                assert!(
                    (numeric - analytic).abs() < 1e-8,
                    "{activation:?}: {numeric} vs {analytic}"
                );
            };
            check(&|w| &mut w.w1[5], g.w1[5]);
            check(
                &|w| &mut w.w1[(FEATURES - 1) * 19 + 18],
                g.w1[(FEATURES - 1) * 19 + 18],
            );
            check(&|w| &mut w.b1[7], g.b1[7]);
            check(&|w| &mut w.w2[2], g.w2[2]);
            check(&|w| &mut w.b2, g.b2);
        }
    }

    #[test]
    fn sgd_in_batches_of_one_is_the_exact_per_sample_step() {
        let (start, xs, ts) = problem();
        let order: Vec<usize> = (0..40).rev().collect();
        let mut batched = start.clone();
        let mut g = Params::zeros_like(&start);
        let mut scratch = start.scratch();
        let a = batched.epoch_batched(
            Simd::Baseline,
            (&xs, &ts, None),
            &order,
            1,
            0.05,
            &mut Optimizer::Sgd,
            &mut g,
            &mut scratch,
        );
        let mut stepped = start.clone();
        let b = stepped.epoch_on(
            Simd::Baseline,
            &xs,
            &ts,
            &order,
            0.05,
            crate::UpdateOrder::Exact,
            &mut scratch,
        );
        // The same steps, rounded in another order.
        assert!((a - b).abs() < 1e-14 * b, "{a} vs {b}");
        for (x, y) in batched.w1.iter().zip(&stepped.w1) {
            assert!((x - y).abs() < 1e-15, "{x} vs {y}");
        }
    }

    #[test]
    fn adam_follows_its_equations_and_every_width_agrees() {
        let (start, xs, ts) = problem();
        let order: Vec<usize> = (0..40).collect();
        let run = |simd: Simd| {
            let mut w = start.clone();
            let mut opt = Optimizer::Adam(Box::new(Adam::new(&w, 1e-5)));
            let mut g = Params::zeros_like(&w);
            let mut scratch = w.scratch();
            let mut sums = Vec::new();
            for _ in 0..3 {
                sums.push(w.epoch_batched(
                    simd,
                    (&xs, &ts, None),
                    &order,
                    8,
                    0.01,
                    &mut opt,
                    &mut g,
                    &mut scratch,
                ));
            }
            (w, opt, sums)
        };
        let base = run(Simd::Baseline);
        for simd in Simd::available() {
            assert_eq!(run(simd), base, "{simd:?}");
        }
        let Optimizer::Adam(adam) = &base.1 else {
            unreachable!()
        };
        assert_eq!(adam.time, 15);
        // The first step moves every parameter by about lr (Adam's normalised step).
        let mut w = start.clone();
        let mut opt = Optimizer::Adam(Box::new(Adam::new(&w, 1e-5)));
        let mut g = Params::zeros_like(&w);
        let mut scratch = w.scratch();
        w.epoch_batched(
            Simd::Baseline,
            (&xs, &ts, None),
            &order[..8],
            8,
            0.01,
            &mut opt,
            &mut g,
            &mut scratch,
        );
        for (after, before) in w.w2.iter().zip(&start.w2) {
            let moved = (after - before).abs();
            assert!((moved - 0.01).abs() < 1e-4, "{moved}");
        }
        // And the loss falls over the epochs.
        assert!(base.2[2] < base.2[0]);
    }
}
