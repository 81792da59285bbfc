//! Deeper and wider networks: any number of inputs, one or more hidden layers of one width,
//! trained in mini-batches with matrix products (ndarray's, on `matrixmultiply`). The tutorial's
//! 7-300-1 network keeps its own loops ([`crate::Weights`]); this is for the networks those
//! loops are not written for.
//!
//! The weights live in one flat vector, layer after layer: W1 `[inputs, hidden]` and b1, each
//! inner layer's W `[hidden, hidden]` and b, then the output's w2 `[hidden]` and b2; so the
//! optimizer's moments are flat too, as checkpoints keep them.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;
use zoepnet_network::{Activation, Layer, Parameters, Products};

use crate::activation::activate;
use crate::batch::{AdamFactors, adam_slice};
use crate::real::Real;

/// Rows of a batch each core takes at a time: fixed, so that the sums, and so the weights, do
/// not depend on the number of cores.
const SHARE_ROWS: usize = 128;

/// A network of `layers` hidden layers of `hidden` units on `inputs` inputs, its weights flat.
#[derive(Debug, Clone, PartialEq)]
pub struct Deep {
    /// Hidden activation.
    pub activation: Activation,
    /// Inputs.
    pub inputs: usize,
    /// Units of each hidden layer.
    pub hidden: usize,
    /// Hidden layers.
    pub layers: usize,
    /// Every weight and bias, in the order of the module docs.
    pub theta: Vec<f64>,
    /// The number type of the training's matrix products (f64 unless set).
    pub products: Products,
}

/// The training samples: scaled inputs row-major (`inputs` per row), targets, optionally each
/// sample's weight in the loss, and optionally each sample's factor on its error as reported
/// (a contrast-scaled correction's gate: the error in Rpp is g (y − t)).
pub type DeepSamples<'a> = (&'a [f64], &'a [f64], Option<&'a [f64]>, Option<&'a [f64]>);

/// Adam on the flat weights (Burn's, with its f32 factors, as [`crate::Adam`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DeepAdam {
    /// ε.
    pub epsilon: f32,
    /// Steps taken.
    pub time: i32,
    /// First moments.
    pub m: Vec<f64>,
    /// Second moments.
    pub v: Vec<f64>,
}

impl DeepAdam {
    /// Zero moments for `net`.
    pub fn new(net: &Deep, epsilon: f32) -> Self {
        let n = net.theta.len();
        Self {
            epsilon,
            time: 0,
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }

    /// One step on `theta` with gradient `g`.
    fn step(&mut self, theta: &mut [f64], g: &[f64], lr: f64) {
        self.time += 1;
        let k = AdamFactors::at(0.9, 0.999, self.epsilon, self.time);
        adam_slice(theta, g, &mut self.m, &mut self.v, &k, lr);
    }
}

impl Deep {
    /// The network `p` (its shape read from the lengths, checked by `Parameters::check`).
    pub fn new(activation: Activation, p: &Parameters) -> Self {
        let mut theta = Vec::new();
        theta.extend(&p.w1);
        theta.extend(&p.b1);
        for l in &p.inner {
            theta.extend(&l.w);
            theta.extend(&l.b);
        }
        theta.extend(&p.w2);
        theta.push(p.b2);
        Self {
            activation,
            inputs: p.inputs(),
            hidden: p.hidden(),
            layers: p.layers(),
            theta,
            products: Products::F64,
        }
    }

    /// This network with its training's products in `products`.
    #[must_use]
    pub fn with_products(self, products: Products) -> Self {
        Self { products, ..self }
    }

    /// The weights as [`Parameters`].
    pub fn parameters(&self) -> Parameters {
        let (n, h) = (self.inputs, self.hidden);
        let mut rest = self.theta.as_slice();
        let mut take = |k: usize| {
            let (head, tail) = rest.split_at(k);
            rest = tail;
            head.to_vec()
        };
        let w1 = take(n * h);
        let b1 = take(h);
        let inner = (1..self.layers)
            .map(|_| Layer {
                w: take(h * h),
                b: take(h),
            })
            .collect();
        let w2 = take(h);
        let b2 = take(1)[0];
        Parameters {
            w1,
            b1,
            inner,
            w2,
            b2,
        }
    }

    /// Layer `l`'s weights and biases (l = layers is the output), as slices of `theta`.
    fn layer<'a, F>(&self, theta: &'a [F], l: usize) -> (ArrayView2<'a, F>, &'a [F]) {
        let (start, rows, cols) = self.offset(l);
        let w = &theta[start..start + rows * cols];
        let b = &theta[start + rows * cols..start + rows * cols + cols];
        (ArrayView2::from_shape((rows, cols), w).expect("sizes"), b)
    }

    /// Where layer `l` starts in `theta`, and its weight matrix's rows and columns.
    fn offset(&self, l: usize) -> (usize, usize, usize) {
        let (n, h) = (self.inputs, self.hidden);
        let first = n * h + h;
        let inner = h * h + h;
        match l {
            0 => (0, n, h),
            l if l < self.layers => (first + (l - 1) * inner, h, h),
            _ => (first + (self.layers - 1) * inner, h, 1),
        }
    }

    /// The hidden activations of each layer for `x` (`rows × inputs`), the last one's output,
    /// with the weights `theta` (`self.theta` in the products' type).
    fn forward<F: Real>(&self, theta: &[F], x: ArrayView2<'_, F>) -> (Vec<Array2<F>>, Vec<F>) {
        let mut acts: Vec<Array2<F>> = Vec::with_capacity(self.layers);
        for l in 0..self.layers {
            let (w, b) = self.layer(theta, l);
            let mut z = Array2::from_shape_fn((x.nrows(), self.hidden), |(_, j)| b[j]);
            match acts.last() {
                Some(a) => general_mat_mul(F::one(), a, &w, F::one(), &mut z),
                None => general_mat_mul(F::one(), &x, &w, F::one(), &mut z),
            }
            activate(self.activation, z.as_slice_mut().expect("standard layout"));
            acts.push(z);
        }
        let (w2, b2) = self.layer(theta, self.layers);
        let last = acts.last().expect("one hidden layer or more");
        let y = last.dot(&w2).iter().map(|&v| v + b2[0]).collect();
        (acts, y)
    }

    /// The outputs for `x`, row-major `inputs` per row.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        x.par_chunks(256 * self.inputs)
            .flat_map_iter(|chunk| {
                let rows = chunk.len() / self.inputs;
                let view = ArrayView2::from_shape((rows, self.inputs), chunk).expect("sizes");
                self.forward(&self.theta, view).1
            })
            .collect()
    }

    /// The mean of (gᵢ (yᵢ − tᵢ))² over the samples (gᵢ = 1 without `gates`).
    pub fn mse(&self, x: &[f64], t: &[f64], gates: Option<&[f64]>) -> f64 {
        gated_mse(&self.predict(x), t, gates)
    }

    /// The gradient of ½·Σ wᵢ (yᵢ − tᵢ)² · `scale` over the rows `rows` names, added into
    /// `g`, with the weights `theta` (`self.theta` in the products' type); returns
    /// Σ (gᵢ (y − t))² (gᵢ the reporting factors, 1 without them).
    fn gradient<F: Real>(
        &self,
        theta: &[F],
        (x, t, weights, gates): DeepSamples<'_>,
        rows: &[usize],
        scale: f64,
        g: &mut [F],
    ) -> f64 {
        let n = self.inputs;
        let xb = Array2::from_shape_fn((rows.len(), n), |(r, i)| F::of(x[rows[r] * n + i]));
        let (acts, y) = self.forward(theta, xb.view());
        let mut squared = 0.0;
        let d: Vec<F> = rows
            .iter()
            .zip(&y)
            .map(|(&i, y)| {
                let e = y.wide() - t[i];
                squared += (gates.map_or(1.0, |g| g[i]) * e).powi(2);
                F::of(e * scale * weights.map_or(1.0, |w| w[i]))
            })
            .collect();
        let d = ArrayView2::from_shape((rows.len(), 1), &d).expect("sizes");
        let mut delta = self.output_gradient(theta, &acts, d, g);
        for l in (0..self.layers).rev() {
            let input = if l == 0 {
                xb.view()
            } else {
                acts[l - 1].view()
            };
            let (start, fan_in, cols) = self.offset(l);
            let (gw, rest) = g[start..].split_at_mut(fan_in * cols);
            let mut gw = ArrayViewMut2::from_shape((fan_in, cols), gw).expect("sizes");
            general_mat_mul(F::one(), &input.t(), &delta, F::one(), &mut gw);
            for (gb, &s) in rest[..cols].iter_mut().zip(&delta.sum_axis(Axis(0))) {
                *gb = *gb + s;
            }
            if l > 0 {
                let (w, _) = self.layer(theta, l);
                let mut back = delta.dot(&w.t());
                self.times_slope(&mut back, &acts[l - 1]);
                delta = back;
            }
        }
        squared
    }

    /// The output layer's gradient from the errors `d` (`rows × 1`) into `g`, and the last
    /// hidden layer's delta.
    fn output_gradient<F: Real>(
        &self,
        theta: &[F],
        acts: &[Array2<F>],
        d: ArrayView2<'_, F>,
        g: &mut [F],
    ) -> Array2<F> {
        let last = acts.last().expect("one hidden layer or more");
        let (start, h, _) = self.offset(self.layers);
        let gw2 = last.t().dot(&d);
        for (gw, &v) in g[start..start + h].iter_mut().zip(gw2.iter()) {
            *gw = *gw + v;
        }
        g[start + h] = g[start + h] + d.sum();
        let (w2, _) = self.layer(theta, self.layers);
        let mut delta = d.dot(&w2.t());
        self.times_slope(&mut delta, last);
        delta
    }

    /// `delta` times the activation's slope at the activations `a`.
    fn times_slope<F: Real>(&self, delta: &mut Array2<F>, a: &Array2<F>) {
        let (zero, one) = (F::zero(), F::one());
        let slope = |a: F| match self.activation {
            Activation::Sigmoid => a * (one - a),
            Activation::Tanh => one - a * a,
            Activation::Relu if a > zero => one,
            Activation::Relu => zero,
        };
        delta.zip_mut_with(a, |d, &a| *d = *d * slope(a));
    }

    /// One batch's gradient of ½·mean((y − t)²) (weighted), shared over the cores, its
    /// products in [`Self::products`]; returns Σ (g (y − t))².
    #[cfg(test)]
    fn batch_gradient(&self, samples: DeepSamples<'_>, batch: &[usize], g: &mut [f64]) -> f64 {
        fn into<F: Real>(net: &Deep, samples: DeepSamples<'_>, b: &[usize], g: &mut [f64]) -> f64 {
            let mut scratch = Scratch::<F>::new(net, b.len());
            net.shared_gradient(&mut scratch, samples, b, Cores::All);
            g.copy_from_slice(&scratch.g);
            scratch.squared
        }
        match self.products {
            Products::F64 => into::<f64>(self, samples, batch, g),
            Products::F32 => into::<f32>(self, samples, batch, g),
        }
    }

    /// One batch's gradient of ½·mean((y − t)²) (weighted) into `scratch`'s `g` and
    /// `squared` (Σ (g (y − t))²), in shares of [`SHARE_ROWS`] rows on `cores`, summed in
    /// order (so that the weights do not depend on the cores).
    fn shared_gradient<F: Real>(
        &self,
        scratch: &mut Scratch<F>,
        samples: DeepSamples<'_>,
        batch: &[usize],
        cores: Cores,
    ) {
        let scale = 1.0 / batch.len() as f64;
        let Scratch {
            theta,
            parts,
            g,
            squared,
        } = scratch;
        theta
            .iter_mut()
            .zip(&self.theta)
            .for_each(|(t, &w)| *t = F::of(w));
        let parts = &mut parts[..batch.len().div_ceil(SHARE_ROWS)];
        let share = |((part, sq), rows): (&mut (Vec<F>, f64), &[usize])| {
            part.fill(F::zero());
            *sq = self.gradient(theta, samples, rows, scale, part);
        };
        match cores {
            Cores::All => parts
                .par_iter_mut()
                .zip(batch.par_chunks(SHARE_ROWS))
                .for_each(share),
            Cores::One => parts
                .iter_mut()
                .zip(batch.chunks(SHARE_ROWS))
                .for_each(share),
        }
        g.iter_mut().for_each(|v| *v = 0.0);
        *squared = 0.0;
        for (part, sq) in parts.iter() {
            g.iter_mut().zip(part).for_each(|(g, p)| *g += p.wide());
            *squared += sq;
        }
    }

    /// One epoch: the samples `order` names, in batches of `batch_size`, one step each, with
    /// Adam or (without `adam`) plain SGD, the products in [`Self::products`], each batch
    /// shared over the cores. Returns the sum of the squared errors met (each before its
    /// batch's step, times its reporting factor).
    pub fn epoch(
        &mut self,
        samples: DeepSamples<'_>,
        order: &[usize],
        batch_size: usize,
        lr: f64,
        adam: Option<&mut DeepAdam>,
    ) -> f64 {
        self.epoch_on(samples, order, batch_size, lr, adam, Cores::All)
    }

    /// [`Self::epoch`] on `cores`.
    fn epoch_on(
        &mut self,
        samples: DeepSamples<'_>,
        order: &[usize],
        batch_size: usize,
        lr: f64,
        adam: Option<&mut DeepAdam>,
        cores: Cores,
    ) -> f64 {
        let size = batch_size.max(1).min(order.len().max(1));
        match self.products {
            Products::F64 => {
                let scratch = Scratch::<f64>::new(self, size);
                self.epoch_in(scratch, samples, (order, size, lr), adam, cores)
            }
            Products::F32 => {
                let scratch = Scratch::<f32>::new(self, size);
                self.epoch_in(scratch, samples, (order, size, lr), adam, cores)
            }
        }
    }

    /// [`Self::epoch_on`] with its products in `scratch`'s number type.
    fn epoch_in<F: Real>(
        &mut self,
        mut scratch: Scratch<F>,
        samples: DeepSamples<'_>,
        (order, batch_size, lr): (&[usize], usize, f64),
        mut adam: Option<&mut DeepAdam>,
        cores: Cores,
    ) -> f64 {
        let mut total = 0.0;
        for batch in order.chunks(batch_size) {
            self.shared_gradient(&mut scratch, samples, batch, cores);
            total += scratch.squared;
            match adam.as_deref_mut() {
                Some(adam) => adam.step(&mut self.theta, &scratch.g, lr),
                None => self
                    .theta
                    .iter_mut()
                    .zip(&scratch.g)
                    .for_each(|(p, g)| *p -= g * lr),
            }
        }
        total
    }
}

/// Where a batch's shares are computed: spread over the cores (rayon's), or one after the
/// other on the calling thread (a member of networks trained side by side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cores {
    All,
    One,
}

/// One epoch of each of `nets` side by side (an ensemble's members): `nets[k]` takes the
/// samples `orders[k]` names, with its Adam (`adams[k]`) or plain SGD, as [`Deep::epoch`].
/// More than one net: each in a thread of its own, its batches on that thread alone, with no
/// hand-over between cores a step (three 11-128-128-128-1 nets on two cores train 1.14 times
/// as many samples a second as one net's batches shared over both, with one thread per matrix
/// product, measured); their steps are [`Deep::epoch`]'s to the last bit. Returns each net's sum of the squared errors met.
pub fn epoch_side_by_side(
    nets: &mut [Deep],
    adams: Option<&mut [DeepAdam]>,
    samples: DeepSamples<'_>,
    orders: &[&[usize]],
    batch_size: usize,
    lr: f64,
) -> Vec<f64> {
    assert_eq!(orders.len(), nets.len(), "one order per net");
    let mut adams: Vec<Option<&mut DeepAdam>> = match adams {
        Some(a) => a.iter_mut().map(Some).collect(),
        None => nets.iter().map(|_| None).collect(),
    };
    if let ([net], [adam], [order]) = (&mut *nets, adams.as_mut_slice(), orders) {
        return vec![net.epoch(samples, order, batch_size, lr, adam.take())];
    }
    std::thread::scope(|scope| {
        let runs: Vec<_> = nets
            .iter_mut()
            .zip(adams)
            .zip(orders)
            .map(|((net, adam), order)| {
                scope.spawn(move || net.epoch_on(samples, order, batch_size, lr, adam, Cores::One))
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The mean of `nets`' outputs for `x` (an ensemble's prediction; one net's own).
pub fn mean_prediction(nets: &[Deep], x: &[f64]) -> Vec<f64> {
    let mut y = nets.first().map_or_else(Vec::new, |n| n.predict(x));
    for net in nets.iter().skip(1) {
        y.iter_mut().zip(net.predict(x)).for_each(|(y, v)| *y += v);
    }
    if nets.len() > 1 {
        let scale = 1.0 / nets.len() as f64;
        y.iter_mut().for_each(|y| *y *= scale);
    }
    y
}

/// The mean of (gᵢ (yᵢ − tᵢ))² over the samples (gᵢ = 1 without `gates`).
pub fn gated_mse(y: &[f64], t: &[f64], gates: Option<&[f64]>) -> f64 {
    let sum: f64 = y
        .iter()
        .zip(t)
        .enumerate()
        .map(|(i, (y, t))| (gates.map_or(1.0, |g| g[i]) * (y - t)).powi(2))
        .sum();
    sum / t.len().max(1) as f64
}

/// A batch's working memory, kept from batch to batch: the weights in the products' type,
/// each share's gradient and squared error, and their sums (so that no batch allocates).
struct Scratch<F> {
    theta: Vec<F>,
    parts: Vec<(Vec<F>, f64)>,
    g: Vec<f64>,
    squared: f64,
}

impl<F: Real> Scratch<F> {
    /// Room for batches of up to `batch_size` rows of `net`.
    fn new(net: &Deep, batch_size: usize) -> Self {
        let n = net.theta.len();
        Self {
            theta: vec![F::zero(); n],
            parts: vec![(vec![F::zero(); n], 0.0); batch_size.div_ceil(SHARE_ROWS)],
            g: vec![0.0; n],
            squared: 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(k: usize, f: f64) -> f64 {
        ((k as f64 + 1.0) * f).sin()
    }

    fn net(inputs: usize, hidden: usize, layers: usize) -> Deep {
        let p = Parameters {
            w1: (0..inputs * hidden).map(|k| 0.5 * wave(k, 0.71)).collect(),
            b1: (0..hidden).map(|k| 0.1 * wave(k, 0.37)).collect(),
            inner: (1..layers)
                .map(|l| Layer {
                    w: (0..hidden * hidden)
                        .map(|k| 0.4 * wave(k + l, 0.53))
                        .collect(),
                    b: (0..hidden).map(|k| 0.1 * wave(k + l, 0.29)).collect(),
                })
                .collect(),
            w2: (0..hidden).map(|k| 0.3 * wave(k, 0.91)).collect(),
            b2: 0.05,
        };
        Deep::new(Activation::Tanh, &p)
    }

    #[test]
    fn parameters_round_trip_and_one_layer_matches_the_fused_forward_pass() {
        let d = net(7, 5, 3);
        assert_eq!(Deep::new(Activation::Tanh, &d.parameters()), d);
        let one = net(7, 5, 1);
        let w = crate::Weights::new(Activation::Tanh, &one.parameters());
        let x: [f64; 7] = std::array::from_fn(|i| wave(i, 1.3));
        let y = w.forward(&x, &mut w.scratch());
        assert!((one.predict(&x)[0] - y).abs() < 1e-14, "{y}");
    }

    #[test]
    fn gradients_match_finite_differences() {
        let (n, rows) = (9, 6);
        let mut d = net(n, 4, 3);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.47)).collect();
        let t: Vec<f64> = (0..rows).map(|k| 0.2 * wave(k, 1.9)).collect();
        let w: Vec<f64> = (0..rows).map(|k| 1.0 + 0.5 * wave(k, 0.3)).collect();
        let order: Vec<usize> = (0..rows).collect();
        let mut g = vec![0.0; d.theta.len()];
        let sq = d.batch_gradient((&x, &t, Some(&w), Some(&w)), &order, &mut g);
        let y = d.predict(&x);
        let want: f64 = (0..rows).map(|i| (w[i] * (y[i] - t[i])).powi(2)).sum();
        assert!((sq - want).abs() < 1e-12 * want, "{sq} against {want}");
        let loss = |d: &Deep| {
            let y = d.predict(&x);
            (0..rows)
                .map(|i| 0.5 * w[i] * (y[i] - t[i]).powi(2))
                .sum::<f64>()
                / rows as f64
        };
        let h = 1e-6;
        for k in (0..d.theta.len()).step_by(7).chain([d.theta.len() - 1]) {
            let keep = d.theta[k];
            d.theta[k] = keep + h;
            let up = loss(&d);
            d.theta[k] = keep - h;
            let down = loss(&d);
            d.theta[k] = keep;
            let numeric = (up - down) / (2.0 * h);
            assert!(
                (numeric - g[k]).abs() < 1e-8,
                "weight {k}: {numeric} against {}",
                g[k]
            );
        }
    }

    #[test]
    fn f32_products_give_the_f64_gradient_to_f32_rounding() {
        let (n, rows) = (11, 300);
        let d = net(n, 16, 3);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.43)).collect();
        let t: Vec<f64> = (0..rows).map(|k| 0.2 * wave(k, 1.7)).collect();
        let order: Vec<usize> = (0..rows).collect();
        let samples = (x.as_slice(), t.as_slice(), None, None);
        let mut g64 = vec![0.0; d.theta.len()];
        let sq64 = d.batch_gradient(samples, &order, &mut g64);
        let d32 = d.clone().with_products(Products::F32);
        let mut g32 = vec![0.0; d.theta.len()];
        let sq32 = d32.batch_gradient(samples, &order, &mut g32);
        let largest = g64.iter().fold(0.0f64, |m, g| m.max(g.abs()));
        let off = g64
            .iter()
            .zip(&g32)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(off < 1e-5 * largest, "{off} against {largest}");
        assert!(off > 0.0, "the f32 path took f64 products");
        assert!((sq32 - sq64).abs() < 1e-5 * sq64, "{sq32} against {sq64}");
    }

    #[test]
    fn an_epoch_keeps_its_scratch_across_batches_of_unequal_size() {
        // 300 rows in batches of 128: two full batches and one of 44, which uses a part of the
        // scratch the full ones filled. The epoch must step as fresh memory for each batch does.
        let (n, rows) = (11, 300);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.37)).collect();
        let t: Vec<f64> = (0..rows).map(|k| 0.1 * wave(k, 2.3)).collect();
        let order: Vec<usize> = (0..rows).rev().collect();
        for products in [Products::F64, Products::F32] {
            let mut d = net(n, 16, 3).with_products(products);
            let mut by_hand = d.clone();
            let mut adam = DeepAdam::new(&d, 1e-8);
            let mut adam_by_hand = adam.clone();
            let samples = (x.as_slice(), t.as_slice(), None, None);
            let sum = d.epoch(samples, &order, 128, 1e-3, Some(&mut adam));
            let mut g = vec![0.0; by_hand.theta.len()];
            let mut want = 0.0;
            for batch in order.chunks(128) {
                want += by_hand.batch_gradient(samples, batch, &mut g);
                adam_by_hand.step(&mut by_hand.theta, &g, 1e-3);
            }
            assert_eq!(d.theta, by_hand.theta, "{products:?}");
            assert_eq!(sum, want, "{products:?}");
            assert_eq!(adam.time, 3);
        }
    }

    #[test]
    fn nets_side_by_side_step_as_each_alone_and_their_mean_is_the_merged_network() {
        let (n, rows) = (11, 300);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.41)).collect();
        let t: Vec<f64> = (0..rows).map(|k| 0.1 * wave(k, 1.3)).collect();
        let samples = (x.as_slice(), t.as_slice(), None, None);
        let forward: Vec<usize> = (0..rows).collect();
        let backward: Vec<usize> = (0..rows).rev().collect();
        for products in [Products::F64, Products::F32] {
            let a = net(n, 16, 3).with_products(products);
            let mut b = a.clone();
            b.theta.iter_mut().for_each(|w| *w *= -0.7);
            let mut nets = [a.clone(), b.clone()];
            let mut adams = [DeepAdam::new(&a, 1e-8), DeepAdam::new(&b, 1e-8)];
            let orders = [forward.as_slice(), backward.as_slice()];
            let sums = epoch_side_by_side(&mut nets, Some(&mut adams), samples, &orders, 128, 1e-3);
            let (mut alone_a, mut alone_b) = (a.clone(), b.clone());
            let mut adam_a = DeepAdam::new(&a, 1e-8);
            let mut adam_b = DeepAdam::new(&b, 1e-8);
            let sum_a = alone_a.epoch(samples, &forward, 128, 1e-3, Some(&mut adam_a));
            let sum_b = alone_b.epoch(samples, &backward, 128, 1e-3, Some(&mut adam_b));
            assert_eq!(nets[0].theta, alone_a.theta, "{products:?}");
            assert_eq!(nets[1].theta, alone_b.theta, "{products:?}");
            assert_eq!(sums, [sum_a, sum_b], "{products:?}");
            assert_eq!((adams[0].time, adams[1].time), (3, 3));
            // Their mean is the network that holds them side by side.
            let merged = Parameters::side_by_side(&[nets[0].parameters(), nets[1].parameters()]);
            let merged = Deep::new(Activation::Tanh, &merged);
            let mean = mean_prediction(&nets, &x);
            let largest = mean.iter().fold(0.0f64, |m, y| m.max(y.abs()));
            let off = merged
                .predict(&x)
                .iter()
                .zip(&mean)
                .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
            assert!(off < 1e-14 * largest.max(1.0), "{off}");
            assert!(mean.iter().zip(&nets[0].predict(&x)).any(|(m, a)| m != a));
        }
    }

    #[test]
    fn adam_epochs_lower_the_loss() {
        let (n, rows) = (9, 512);
        let mut d = net(n, 16, 2);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.31)).collect();
        let t: Vec<f64> = (0..rows).map(|r| (x[r * n] * x[r * n + 1]).sin()).collect();
        let order: Vec<usize> = (0..rows).collect();
        let before = d.mse(&x, &t, None);
        let mut adam = DeepAdam::new(&d, 1e-8);
        let mut d32 = d.clone().with_products(Products::F32);
        let mut adam32 = adam.clone();
        for _ in 0..30 {
            d.epoch((&x, &t, None, None), &order, 64, 3e-3, Some(&mut adam));
            d32.epoch((&x, &t, None, None), &order, 64, 3e-3, Some(&mut adam32));
        }
        let after = d.mse(&x, &t, None);
        assert!(after < 0.2 * before, "{before} -> {after}");
        assert_eq!(adam.time, 30 * 8);
        // f32 products: the same descent, to within f32's rounding over 240 steps.
        let after32 = d32.mse(&x, &t, None);
        assert!(
            (after32 - after).abs() < 0.02 * after,
            "{after} and {after32}"
        );
    }
}
