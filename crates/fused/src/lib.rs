//! The fused CPU engine: the tutorial's network and its training on plain f64 slices, no
//! tensors. It knows nothing of Burn; `zoepnet-learner` runs it when a config allows.
//!
//! At the tutorial's size (7-300-1, one sample per step) a tensor framework spends its time on
//! per-operation overhead, not arithmetic. These loops do the same arithmetic as the `Mlp`
//! module's manual back-propagation (`zoepnet-model`; tested to agree with it) with the weights in
//! one place: W1 is stored `[inputs, hidden]` row-major, as in the module.
//!
//! Every loop runs over the hidden units with no call and no branch in its body, so the compiler
//! turns it into SIMD code: the sigmoid uses [`exp`], a polynomial exponential written in plain
//! arithmetic (within 2 ulp of the C library's), and sums are kept in 8 partial sums. Whole
//! epochs ([`Weights::epoch`], [`Weights::mse`]) are compiled three times, for the x86-64
//! baseline (SSE2), AVX2 and AVX-512, and the widest the CPU has is chosen at run time ([`Simd`]).
//! No fused multiply-add is used, so every width gives the same bits (tested).
//!
//! The workspace builds this crate optimised even in debug builds (`[profile.dev.package]` in
//! the top-level Cargo.toml), so that `cargo run` trains at full speed.
/// The hidden layer's activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// 1 / (1 + e^-z).
    Sigmoid,
    /// tanh z.
    Tanh,
    /// max(z, 0).
    Relu,
}

/// The order of a per-sample SGD step's updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOrder {
    /// Every gradient from the weights before the step.
    Exact,
    /// The tutorial's: W2 first, then the hidden error computed with the new W2.
    Tutorial,
}

mod aligned;
pub use aligned::AlignedVec;

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
    a1: AlignedVec,
}

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

impl Weights {
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
    pub fn forward(&self, x: &[f64; 7], scratch: &mut Scratch) -> f64 {
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
        match self.activation {
            Activation::Sigmoid => {
                for z in a1.iter_mut() {
                    *z = 1.0 / (1.0 + exp(-*z));
                }
            }
            Activation::Tanh => {
                for z in a1.iter_mut() {
                    *z = z.tanh();
                }
            }
            Activation::Relu => {
                for z in a1.iter_mut() {
                    *z = z.max(0.0);
                }
            }
        }
        self.b2 + dot(a1, &self.w2)
    }

    /// One SGD step on one sample for the loss ½ (y − t)²; returns (y − t)² before the step.
    #[inline(always)]
    pub fn step(
        &mut self,
        x: &[f64; 7],
        t: f64,
        lr: f64,
        order: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64 {
        let y = self.forward(x, scratch);
        let err = y - t;
        // act'(z) from a = act(z); the activation and the order chosen outside the loop.
        let sigmoid = |a: f64| a * (1.0 - a);
        let tanh = |a: f64| 1.0 - a * a;
        let relu = |a: f64| f64::from(u8::from(a > 0.0));
        match (self.activation, order == UpdateOrder::Tutorial) {
            (Activation::Sigmoid, true) => self.backward::<true>(x, err, lr, scratch, sigmoid),
            (Activation::Sigmoid, false) => self.backward::<false>(x, err, lr, scratch, sigmoid),
            (Activation::Tanh, true) => self.backward::<true>(x, err, lr, scratch, tanh),
            (Activation::Tanh, false) => self.backward::<false>(x, err, lr, scratch, tanh),
            (Activation::Relu, true) => self.backward::<true>(x, err, lr, scratch, relu),
            (Activation::Relu, false) => self.backward::<false>(x, err, lr, scratch, relu),
        }
        err * err
    }

    /// The updates of one step, in one pass over the hidden units: W2, the hidden error
    /// δ = err · act'(z) · W2 (with the stepped W2 in the tutorial's order, the old one in the
    /// exact order), then b1 −= lr δ and W1 −= (lr δ) x; b2 last.
    #[inline(always)]
    fn backward<const TUTORIAL: bool>(
        &mut self,
        x: &[f64; 7],
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
        xs: &[[f64; 7]],
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
        xs: &[[f64; 7]],
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

    /// The mean squared error over scaled inputs `xs` and targets `ts`, on the widest [`Simd`].
    pub fn mse(&self, xs: &[[f64; 7]], ts: &[f64], scratch: &mut Scratch) -> f64 {
        self.mse_on(Simd::detect(), xs, ts, scratch)
    }

    /// [`Weights::mse`] compiled for `simd` (the baseline where the CPU lacks it).
    pub fn mse_on(&self, simd: Simd, xs: &[[f64; 7]], ts: &[f64], scratch: &mut Scratch) -> f64 {
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

/// An epoch's steps; inlined into each width's copy.
#[inline(always)]
fn epoch_body(
    w: &mut Weights,
    xs: &[[f64; 7]],
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

/// Σ (y − t)² over a set; inlined into each width's copy.
#[inline(always)]
fn squared_errors(w: &Weights, xs: &[[f64; 7]], ts: &[f64], scratch: &mut Scratch) -> f64 {
    let mut total = 0.0;
    for (x, t) in xs.iter().zip(ts) {
        let e = w.forward(x, scratch) - t;
        total += e * e;
    }
    total
}

/// `wide_copies!(body => avx2_name, avx512_name; (arg: Type, ...) -> Ret)`: two copies of the
/// `#[inline(always)]` fn `body`, compiled for AVX2 and for AVX-512F. Calling one is sound only
/// once the CPU is known to have the instructions ([`Simd::checked`]).
macro_rules! wide_copies {
    ($body:ident => $avx2:ident, $avx512:ident; ($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty) => {
        #[target_feature(enable = "avx2")]
        pub(super) fn $avx2($($arg: $ty),*) -> $ret {
            $body($($arg),*)
        }

        #[target_feature(enable = "avx512f")]
        pub(super) fn $avx512($($arg: $ty),*) -> $ret {
            $body($($arg),*)
        }
    };
}

/// The same bodies compiled with wider vectors; callable only once the CPU is known to have them.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::too_many_arguments)]
mod wide {
    use super::{Scratch, UpdateOrder, Weights, epoch_body, squared_errors};

    wide_copies!(epoch_body => epoch_avx2, epoch_avx512; (
        w: &mut Weights,
        xs: &[[f64; 7]],
        ts: &[f64],
        order: &[usize],
        lr: f64,
        update: UpdateOrder,
        scratch: &mut Scratch,
    ) -> f64);

    wide_copies!(squared_errors => squared_errors_avx2, squared_errors_avx512; (
        w: &Weights,
        xs: &[[f64; 7]],
        ts: &[f64],
        scratch: &mut Scratch,
    ) -> f64);
}

mod batch;
mod lbfgs;
pub use batch::{Adam, Optimizer, Params};
pub use lbfgs::{Lbfgs, LbfgsStep};

/// The vector instructions the fused loops are compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Simd {
    /// The target's baseline (SSE2 on x86-64), or any other architecture.
    Baseline,
    /// 256-bit AVX2 (x86-64).
    Avx2,
    /// 512-bit AVX-512F (x86-64).
    Avx512,
}

impl std::fmt::Display for Simd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Simd::Baseline => "baseline",
            Simd::Avx2 => "AVX2",
            Simd::Avx512 => "AVX-512",
        })
    }
}

impl Simd {
    /// The widest this CPU has.
    pub fn detect() -> Self {
        [Self::Avx512, Self::Avx2]
            .into_iter()
            .find(|&s| s.checked() == s)
            .unwrap_or(Self::Baseline)
    }

    /// Every width this CPU has, narrowest first.
    pub fn available() -> Vec<Self> {
        [Self::Baseline, Self::Avx2, Self::Avx512]
            .into_iter()
            .filter(|&s| s.checked() == s)
            .collect()
    }

    /// This width if the CPU has it, else the baseline.
    pub(crate) fn checked(self) -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let has = match self {
                Self::Baseline => true,
                Self::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
                Self::Avx512 => std::arch::is_x86_feature_detected!("avx512f"),
            };
            if has {
                return self;
            }
        }
        Self::Baseline
    }
}

/// e^x for finite x, in plain arithmetic so that loops over it vectorise.
///
/// Cody & Waite's reduction x = n ln 2 + r with |r| <= ln 2 / 2 (n rounded by adding 1.5 * 2^52),
/// e^r by a degree-11 polynomial (below 2e-17 relative), and 2^n built in
/// the exponent bits. x is clamped to [-708, 709], where e^x is a normal f64: below, the result
/// is e^-708 instead of a subnormal or zero, which leaves the sigmoid's 1 / (1 + e^-z) unchanged.
/// NaN stays NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    // ln 2 split as in fdlibm: the high part has its low 32 bits zero, so n * LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let x = x.clamp(-708.0, 709.0);
    let t = x * std::f64::consts::LOG2_E + SHIFT;
    let n = t - SHIFT; // x / ln 2, rounded to an integer
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // e^r by a degree-11 polynomial (Chebyshev interpolation on [-ln 2 / 2, ln 2 / 2]; relative
    // error below 2e-17 before rounding), evaluated by Estrin's scheme (short dependency chains).
    let c = &EXP_COEFFICIENTS;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q0 = c[0] + c[1] * r;
    let q1 = c[2] + c[3] * r;
    let q2 = c[4] + c[5] * r;
    let q3 = c[6] + c[7] * r;
    let q4 = c[8] + c[9] * r;
    let q5 = c[10] + c[11] * r;
    let s0 = q0 + q1 * r2;
    let s1 = q2 + q3 * r2;
    let s2 = q4 + q5 * r2;
    let p = (s0 + s1 * r4) + s2 * r8;
    // The low bits of t hold n; 2^n has n + 1023 in the exponent field.
    let n_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f64::from_bits(n_bits.wrapping_add(1023) << 52);
    p * scale
}

/// The coefficients of r^0..r^11 in [`exp`]'s polynomial: exp interpolated at the 12 Chebyshev
/// nodes of [-ln 2 / 2, ln 2 / 2] (computed with 50-digit arithmetic, rounded to f64). They
/// stay within 2e-9 relative of the Taylor coefficients 1/k!.
const EXP_COEFFICIENTS: [f64; 12] = [
    1.0,
    1.0,
    0.500_000_000_000_001_9,
    0.166_666_666_666_666_8,
    0.041_666_666_666_488_1,
    0.008_333_333_333_319_601,
    0.001_388_888_895_231_477_5,
    0.000_198_412_698_900_471_13,
    2.480_148_548_232_849_4e-5,
    2.755_724_091_857_897e-6,
    2.763_263_963_904_103e-7,
    2.511_003_760_596_377_7e-8,
];

/// Σ a_j b_j in 8 interleaved partial sums (vectorisable; a different rounding order from a
/// left-to-right sum, the same at every SIMD width).
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 8];
    let (a8, a_rest) = a.as_chunks::<8>();
    let (b8, b_rest) = b.as_chunks::<8>();
    for (x, y) in a8.iter().zip(b8) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in a_rest.iter().zip(b_rest) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units in the last place between `a` and `b`.
    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64).abs_diff(b.to_bits() as i64)
    }

    #[test]
    fn exp_is_within_2_ulp_of_the_c_library() {
        let mut worst = (0, 0.0);
        let mut x = -708.0;
        while x < 709.0 {
            let u = ulps(exp(x), x.exp());
            if u > worst.0 {
                worst = (u, x);
            }
            x += 0.001_234_567;
        }
        for x in [
            0.0,
            -0.0,
            1e-300,
            -1e-17,
            0.5,
            -0.5,
            1.0,
            88.7,
            -745.0 + 37.0,
        ] {
            let u = ulps(exp(x), x.exp());
            if u > worst.0 {
                worst = (u, x);
            }
        }
        assert!(worst.0 <= 2, "{} ulp at x = {}", worst.0, worst.1);
        assert_eq!(exp(0.0), 1.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
    }

    #[test]
    fn exp_at_the_edges() {
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(-1e4), exp(-708.0));
        assert!(exp(-1e4) > 0.0 && exp(-1e4) < 1e-307);
        assert_eq!(exp(1e4), exp(709.0));
        assert!(exp(1e4).is_finite());
        // The sigmoid saturates as the C library's does.
        assert!(ulps(1.0 / (1.0 + exp(800.0)), 1.0 / (1.0 + 709f64.exp())) <= 2);
        assert_eq!(1.0 / (1.0 + exp(-800.0)), 1.0);
    }

    /// A small network and data set with every kind of value the loops meet.
    fn problem(activation: Activation) -> (Weights, Vec<[f64; 7]>, Vec<f64>) {
        let h = 37; // not a multiple of any vector width
        let wave = |k: usize, f: f64| (k as f64 * f).sin();
        let weights = Weights {
            activation,
            w1: (0..7 * h).map(|k| 0.4 * wave(k, 0.71)).collect(),
            b1: (0..h).map(|k| 0.1 * wave(k, 1.3)).collect(),
            w2: (0..h).map(|k| 0.3 * wave(k, 0.37)).collect(),
            b2: 0.01,
        };
        let xs = (0..50)
            .map(|n| std::array::from_fn(|i| 2.5 * wave(7 * n + i, 0.93)))
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
    fn dot_matches_a_plain_sum() {
        for n in [0, 1, 7, 8, 9, 300, 301] {
            let a: Vec<f64> = (0..n).map(|i| (f64::from(i) * 0.37).sin()).collect();
            let b: Vec<f64> = (0..n).map(|i| (f64::from(i) * 0.11).cos()).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!(
                (dot(&a, &b) - plain).abs() <= 1e-14 * (1.0 + plain.abs()),
                "n = {n}"
            );
        }
    }
}
