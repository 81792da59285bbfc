//! What depends on the hidden activation ([`Activation`], defined in `zoepnet-network`): the
//! activation over a hidden layer, and its slope act'(z) written as a function of a = act(z).
//!
//! Each activation has its own loop and its own slope function, chosen outside the loops over
//! the hidden units, so that no loop body has a branch on the activation and each vectorises.

use zoepnet_network::Activation;

use crate::real::Real;

/// Replaces every z in `a1` by act(z), one loop per activation, in f64 or (the deep networks'
/// f32 products) f32. The sigmoid and tanh use [`Real::exp`] ([`crate::exp::exp`] in f64).
#[inline(always)]
pub(crate) fn activate<F: Real>(activation: Activation, a1: &mut [F]) {
    let (one, two) = (F::one(), F::of(2.0));
    match activation {
        Activation::Sigmoid => {
            for z in a1.iter_mut() {
                *z = one / (one + (-*z).exp());
            }
        }
        Activation::Tanh => {
            // tanh z = 1 − 2 / (e^{2z} + 1): [`Real::exp`] vectorises where the C library's
            // tanh is a call per unit (2.7 times the sigmoid's time a step). Within 3.4e-16 of
            // it in f64 (and exactly ±1 far out), tested.
            for z in a1.iter_mut() {
                *z = one - two / ((two * *z).exp() + one);
            }
        }
        Activation::Relu => {
            for z in a1.iter_mut() {
                *z = z.relu();
            }
        }
    }
}

/// act'(z) as a function of a = act(z), one function per activation (each a plain function, so
/// that a loop given one has no branch on the activation).
pub(crate) mod slope {
    /// The sigmoid's: a (1 − a), from a = σ(z).
    #[inline(always)]
    pub(crate) fn sigmoid(a: f64) -> f64 {
        a * (1.0 - a)
    }

    /// tanh's: 1 − a², from a = tanh z.
    #[inline(always)]
    pub(crate) fn tanh(a: f64) -> f64 {
        1.0 - a * a
    }

    /// ReLU's: 1 where a > 0 (which is where z > 0), else 0, from a = max(z, 0).
    #[inline(always)]
    pub(crate) fn relu(a: f64) -> f64 {
        f64::from(u8::from(a > 0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_through_exp_is_the_c_librarys_to_a_few_ulp_of_one() {
        let zs: Vec<f64> = (-200_000..=200_000).map(|k| f64::from(k) * 1e-4).collect();
        let mut a = zs.clone();
        activate(Activation::Tanh, &mut a);
        let worst = zs
            .iter()
            .zip(&a)
            .map(|(z, a)| (a - z.tanh()).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 3.4e-16, "{worst}");
        let mut far = vec![-800.0, -40.0, 40.0, 800.0];
        activate(Activation::Tanh, &mut far);
        assert_eq!(far, [-1.0, -1.0, 1.0, 1.0]);
    }

    #[test]
    fn the_loops_and_slopes_agree_with_the_scalar_definitions() {
        let zs = [-800.0, -3.0, -0.4, -0.0, 0.0, 1e-9, 0.7, 2.5, 800.0];
        for activation in Activation::ALL {
            let mut a1 = zs.to_vec();
            activate(activation, &mut a1);
            let slope_of = match activation {
                Activation::Sigmoid => slope::sigmoid,
                Activation::Tanh => slope::tanh,
                Activation::Relu => slope::relu,
            };
            for (&z, &a) in zs.iter().zip(&a1) {
                let scalar = activation.scalar(z);
                assert!(
                    (a - scalar).abs() <= 1e-15,
                    "{activation} at {z}: {a} vs {scalar}"
                );
                assert_eq!(
                    slope_of(a),
                    activation.slope_from_output(a),
                    "{activation} at {z}"
                );
            }
        }
    }
}
