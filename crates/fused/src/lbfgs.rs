//! Full-batch L-BFGS (Nocedal & Wright 2006, Algorithm 7.4 and 7.5): the gradient of
//! ½·mean((y − t)²) over the whole training set, a quasi-Newton direction from the last `m`
//! steps (two-loop recursion, H0 = (sᵀy / yᵀy) I), and a backtracking line search for the Armijo
//! condition (c1 = 1e-4) from the unit step.

use std::collections::VecDeque;

use zoepnet_network::FeatureVector;

use crate::batch::{Params, gradient};
use crate::simd::Simd;
use crate::weights::{Scratch, Weights};

/// L-BFGS's memory of its last steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Lbfgs {
    /// Steps remembered.
    pub history: usize,
    s: VecDeque<Vec<f64>>,
    y: VecDeque<Vec<f64>>,
    iterations: usize,
}

/// What one L-BFGS iteration did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LbfgsStep {
    /// Σ (y − t)² before the step.
    pub squared: f64,
    /// False when no step along the direction lowered the loss (converged, to rounding).
    pub moved: bool,
}

fn flat(w: &Weights) -> Vec<f64> {
    w.w1.iter()
        .chain(w.b1.iter())
        .chain(w.w2.iter())
        .copied()
        .chain([w.b2])
        .collect()
}

fn set(w: &mut Weights, x: &[f64]) {
    let (n1, nb, n2) = (w.w1.len(), w.b1.len(), w.w2.len());
    w.w1.copy_from_slice(&x[..n1]);
    w.b1.copy_from_slice(&x[n1..n1 + nb]);
    w.w2.copy_from_slice(&x[n1 + nb..n1 + nb + n2]);
    w.b2 = x[n1 + nb + n2];
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl Lbfgs {
    /// An empty memory of `history` steps (at least 1).
    pub fn new(history: usize) -> Self {
        Self {
            history: history.max(1),
            s: VecDeque::new(),
            y: VecDeque::new(),
            iterations: 0,
        }
    }

    /// −H g by the two-loop recursion.
    fn direction(&self, g: &[f64]) -> Vec<f64> {
        let mut q = g.to_vec();
        let rho: Vec<f64> = self
            .s
            .iter()
            .zip(&self.y)
            .map(|(s, y)| 1.0 / dot(y, s))
            .collect();
        let mut alpha = vec![0.0; self.s.len()];
        for k in (0..self.s.len()).rev() {
            alpha[k] = rho[k] * dot(&self.s[k], &q);
            q.iter_mut()
                .zip(&self.y[k])
                .for_each(|(q, y)| *q -= alpha[k] * y);
        }
        let gamma = match (self.s.back(), self.y.back()) {
            (Some(s), Some(y)) => dot(s, y) / dot(y, y),
            _ => 1.0 / dot(g, g).sqrt().max(1e-300),
        };
        q.iter_mut().for_each(|q| *q *= gamma);
        for k in 0..self.s.len() {
            let beta = rho[k] * dot(&self.y[k], &q);
            q.iter_mut()
                .zip(&self.s[k])
                .for_each(|(q, s)| *q += (alpha[k] - beta) * s);
        }
        q.iter_mut().for_each(|q| *q = -*q);
        q
    }
}

impl Weights {
    /// One L-BFGS iteration on all of `xs`, `ts`; `g` and `scratch` are working space.
    pub fn lbfgs_step(
        &mut self,
        simd: Simd,
        xs: &[FeatureVector],
        ts: &[f64],
        state: &mut Lbfgs,
        g: &mut Params,
        scratch: &mut Scratch,
    ) -> LbfgsStep {
        let all: Vec<usize> = (0..ts.len()).collect();
        let n = ts.len().max(1) as f64;
        let squared = gradient(self, simd, (xs, ts, None), &all, g, scratch);
        let f0 = 0.5 * squared / n;
        let g0 = g.to_flat();
        let x0 = flat(self);
        let mut d = state.direction(&g0);
        let mut slope = dot(&g0, &d);
        if slope >= 0.0 || slope.is_nan() {
            // Not a descent direction: forget the history, go down the gradient.
            state.s.clear();
            state.y.clear();
            d = state.direction(&g0);
            slope = dot(&g0, &d);
        }
        let mut step = 1.0;
        let mut trial = x0.clone();
        for _ in 0..40 {
            trial
                .iter_mut()
                .zip(x0.iter().zip(&d))
                .for_each(|(t, (x, d))| *t = x + step * d);
            set(self, &trial);
            let f = 0.5 * gradient(self, simd, (xs, ts, None), &all, g, scratch) / n;
            if f.is_finite() && f <= f0 + 1e-4 * step * slope {
                let g1 = g.to_flat();
                let s: Vec<f64> = trial.iter().zip(&x0).map(|(a, b)| a - b).collect();
                let y: Vec<f64> = g1.iter().zip(&g0).map(|(a, b)| a - b).collect();
                if dot(&s, &y) > 1e-300 {
                    state.s.push_back(s);
                    state.y.push_back(y);
                    if state.s.len() > state.history {
                        state.s.pop_front();
                        state.y.pop_front();
                    }
                }
                state.iterations += 1;
                return LbfgsStep {
                    squared,
                    moved: true,
                };
            }
            step *= 0.5;
        }
        set(self, &x0);
        LbfgsStep {
            squared,
            moved: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use zoepnet_network::{Activation, FEATURES};

    use super::*;

    #[test]
    fn lbfgs_fits_a_small_problem_far_better_than_its_start() {
        let h = 12;
        let wave = |k: usize, f: f64| (k as f64 * f).sin();
        let mut w = Weights {
            activation: Activation::Sigmoid,
            w1: (0..FEATURES * h).map(|k| 0.3 * wave(k, 0.71)).collect(),
            b1: (0..h).map(|k| 0.1 * wave(k, 1.3)).collect(),
            w2: (0..h).map(|k| 0.3 * wave(k, 0.37)).collect(),
            b2: 0.0,
        };
        let xs: Vec<FeatureVector> = (0..60)
            .map(|n| std::array::from_fn(|i| wave(FEATURES * n + i, 0.93)))
            .collect();
        // A smooth target the network can represent well.
        let ts: Vec<f64> = xs
            .iter()
            .map(|x| 0.3 * (x[0] - 0.5 * x[3]).tanh() + 0.1 * x[6])
            .collect();
        let mut state = Lbfgs::new(10);
        let mut g = Params::zeros_like(&w);
        let mut scratch = w.scratch();
        let first = w.lbfgs_step(Simd::Baseline, &xs, &ts, &mut state, &mut g, &mut scratch);
        let mut last = first;
        for _ in 0..300 {
            last = w.lbfgs_step(Simd::detect(), &xs, &ts, &mut state, &mut g, &mut scratch);
            if !last.moved {
                break;
            }
        }
        assert!(last.squared < first.squared * 1e-3, "{first:?} -> {last:?}");
        assert!(state.s.len() <= 10);
    }
}
