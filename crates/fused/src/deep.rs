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
use zoepnet_network::{Activation, Layer, Parameters};

use crate::activation::activate;
use crate::batch::{AdamFactors, adam_slice};

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
        }
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
    fn layer<'a>(&self, theta: &'a [f64], l: usize) -> (ArrayView2<'a, f64>, &'a [f64]) {
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

    /// The hidden activations of each layer for `x` (`rows × inputs`), the last one's output.
    fn forward(&self, x: ArrayView2<'_, f64>) -> (Vec<Array2<f64>>, Vec<f64>) {
        let mut acts: Vec<Array2<f64>> = Vec::with_capacity(self.layers);
        for l in 0..self.layers {
            let (w, b) = self.layer(&self.theta, l);
            let mut z = Array2::from_shape_fn((x.nrows(), self.hidden), |(_, j)| b[j]);
            match acts.last() {
                Some(a) => general_mat_mul(1.0, a, &w, 1.0, &mut z),
                None => general_mat_mul(1.0, &x, &w, 1.0, &mut z),
            }
            activate(self.activation, z.as_slice_mut().expect("standard layout"));
            acts.push(z);
        }
        let (w2, b2) = self.layer(&self.theta, self.layers);
        let last = acts.last().expect("one hidden layer or more");
        let y = last.dot(&w2).iter().map(|v| v + b2[0]).collect();
        (acts, y)
    }

    /// The outputs for `x`, row-major `inputs` per row.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        x.par_chunks(256 * self.inputs)
            .flat_map_iter(|chunk| {
                let rows = chunk.len() / self.inputs;
                let view = ArrayView2::from_shape((rows, self.inputs), chunk).expect("sizes");
                self.forward(view).1
            })
            .collect()
    }

    /// The mean of (gᵢ (yᵢ − tᵢ))² over the samples (gᵢ = 1 without `gates`).
    pub fn mse(&self, x: &[f64], t: &[f64], gates: Option<&[f64]>) -> f64 {
        let y = self.predict(x);
        let sum: f64 = y
            .iter()
            .zip(t)
            .enumerate()
            .map(|(i, (y, t))| (gates.map_or(1.0, |g| g[i]) * (y - t)).powi(2))
            .sum();
        sum / t.len().max(1) as f64
    }

    /// The gradient of ½·Σ wᵢ (yᵢ − tᵢ)² · `scale` over the rows `rows` names, added into
    /// `g`; returns Σ (gᵢ (y − t))² (gᵢ the reporting factors, 1 without them).
    fn gradient(
        &self,
        (x, t, weights, gates): DeepSamples<'_>,
        rows: &[usize],
        scale: f64,
        g: &mut [f64],
    ) -> f64 {
        let n = self.inputs;
        let xb = Array2::from_shape_fn((rows.len(), n), |(r, i)| x[rows[r] * n + i]);
        let (acts, y) = self.forward(xb.view());
        let mut squared = 0.0;
        let d: Vec<f64> = rows
            .iter()
            .zip(&y)
            .map(|(&i, y)| {
                let e = y - t[i];
                squared += (gates.map_or(1.0, |g| g[i]) * e).powi(2);
                e * scale * weights.map_or(1.0, |w| w[i])
            })
            .collect();
        let d = ArrayView2::from_shape((rows.len(), 1), &d).expect("sizes");
        let mut delta = self.output_gradient(&acts, d, g);
        for l in (0..self.layers).rev() {
            let input = if l == 0 {
                xb.view()
            } else {
                acts[l - 1].view()
            };
            let (start, fan_in, cols) = self.offset(l);
            let (gw, rest) = g[start..].split_at_mut(fan_in * cols);
            let mut gw = ArrayViewMut2::from_shape((fan_in, cols), gw).expect("sizes");
            general_mat_mul(1.0, &input.t(), &delta, 1.0, &mut gw);
            for (gb, s) in rest[..cols].iter_mut().zip(delta.sum_axis(Axis(0))) {
                *gb += s;
            }
            if l > 0 {
                let (w, _) = self.layer(&self.theta, l);
                let mut back = delta.dot(&w.t());
                self.times_slope(&mut back, &acts[l - 1]);
                delta = back;
            }
        }
        squared
    }

    /// The output layer's gradient from the errors `d` (`rows × 1`) into `g`, and the last
    /// hidden layer's delta.
    fn output_gradient(
        &self,
        acts: &[Array2<f64>],
        d: ArrayView2<'_, f64>,
        g: &mut [f64],
    ) -> Array2<f64> {
        let last = acts.last().expect("one hidden layer or more");
        let (start, h, _) = self.offset(self.layers);
        let gw2 = last.t().dot(&d);
        for (gw, v) in g[start..start + h].iter_mut().zip(gw2.iter()) {
            *gw += v;
        }
        g[start + h] += d.sum();
        let (w2, _) = self.layer(&self.theta, self.layers);
        let mut delta = d.dot(&w2.t());
        self.times_slope(&mut delta, last);
        delta
    }

    /// `delta` times the activation's slope at the activations `a`.
    fn times_slope(&self, delta: &mut Array2<f64>, a: &Array2<f64>) {
        let slope = |a: f64| match self.activation {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => f64::from(u8::from(a > 0.0)),
        };
        delta.zip_mut_with(a, |d, &a| *d *= slope(a));
    }

    /// One batch's gradient of ½·mean((y − t)²) (weighted), shared over the cores; returns
    /// Σ (g (y − t))².
    fn batch_gradient(&self, samples: DeepSamples<'_>, batch: &[usize], g: &mut [f64]) -> f64 {
        let scale = 1.0 / batch.len() as f64;
        let parts: Vec<(Vec<f64>, f64)> = batch
            .par_chunks(SHARE_ROWS)
            .map(|rows| {
                let mut part = vec![0.0; self.theta.len()];
                let sq = self.gradient(samples, rows, scale, &mut part);
                (part, sq)
            })
            .collect();
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut squared = 0.0;
        for (part, sq) in parts {
            g.iter_mut().zip(part).for_each(|(g, p)| *g += p);
            squared += sq;
        }
        squared
    }

    /// One epoch: the samples `order` names, in batches of `batch_size`, one step each, with
    /// Adam or (without `adam`) plain SGD. Returns the sum of the squared errors met (each
    /// before its batch's step, times its reporting factor).
    pub fn epoch(
        &mut self,
        samples: DeepSamples<'_>,
        order: &[usize],
        batch_size: usize,
        lr: f64,
        mut adam: Option<&mut DeepAdam>,
    ) -> f64 {
        let mut g = vec![0.0; self.theta.len()];
        let mut total = 0.0;
        for batch in order.chunks(batch_size.max(1)) {
            total += self.batch_gradient(samples, batch, &mut g);
            match adam.as_deref_mut() {
                Some(adam) => adam.step(&mut self.theta, &g, lr),
                None => self
                    .theta
                    .iter_mut()
                    .zip(&g)
                    .for_each(|(p, g)| *p -= g * lr),
            }
        }
        total
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
    fn adam_epochs_lower_the_loss() {
        let (n, rows) = (9, 512);
        let mut d = net(n, 16, 2);
        let x: Vec<f64> = (0..n * rows).map(|k| wave(k, 0.31)).collect();
        let t: Vec<f64> = (0..rows).map(|r| (x[r * n] * x[r * n + 1]).sin()).collect();
        let order: Vec<usize> = (0..rows).collect();
        let before = d.mse(&x, &t, None);
        let mut adam = DeepAdam::new(&d, 1e-8);
        for _ in 0..30 {
            d.epoch((&x, &t, None, None), &order, 64, 3e-3, Some(&mut adam));
        }
        let after = d.mse(&x, &t, None);
        assert!(after < 0.2 * before, "{before} -> {after}");
        assert_eq!(adam.time, 30 * 8);
    }
}
