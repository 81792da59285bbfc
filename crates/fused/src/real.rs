//! The number type of the deep networks' matrix products (`zoepnet_network::Products`): f64,
//! or f32 for twice the products a second (the weights and the optimizer stay f64; the running
//! training error comes from the f32 outputs, the validation error from the f64 weights).

use std::ops::Neg;

use ndarray::LinalgScalar;

/// A number the products can be taken in: f64 or f32.
pub(crate) trait Real: LinalgScalar + Neg<Output = Self> + PartialOrd + Send + Sync {
    /// `x` in this type (rounded to nearest for f32).
    fn of(x: f64) -> Self;
    /// This value as f64 (exact).
    fn wide(self) -> f64;
    /// e^self, vectorisable: [`crate::exp::exp`] in f64, [`exp_f32`] in f32.
    fn exp(self) -> Self;
    /// max(self, 0).
    fn relu(self) -> Self;
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn wide(self) -> f64 {
        self
    }
    #[inline(always)]
    fn exp(self) -> Self {
        crate::exp::exp(self)
    }
    #[inline(always)]
    fn relu(self) -> Self {
        self.max(0.0)
    }
}

impl Real for f32 {
    #[allow(clippy::cast_possible_truncation)]
    fn of(x: f64) -> Self {
        x as f32
    }
    fn wide(self) -> f64 {
        f64::from(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        exp_f32(self)
    }
    #[inline(always)]
    fn relu(self) -> Self {
        self.max(0.0)
    }
}

/// e^x in f32 for finite x, in plain arithmetic so that loops over it vectorise (twice the lanes of
/// [`crate::exp::exp`]): the same reduction x = n ln 2 + r, |r| <= ln 2 / 2, e^r by its
/// degree-7 Taylor polynomial (the first term left out below 1e-8 relative), x clamped to
/// [-87, 88] where e^x is a normal f32. Within 2 ulp of the C library's, tested.
#[inline(always)]
fn exp_f32(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 * 2^23
    // ln 2 split so that n * LN2_HI is exact for |n| < 2^8.
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.clamp(-87.0, 88.0);
    let t = x * std::f32::consts::LOG2_E + SHIFT;
    let n = t - SHIFT;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let r2 = r * r;
    let r4 = r2 * r2;
    let p = (1.0 + r)
        + r2 * (0.5 + r * (1.0 / 6.0))
        + r4 * ((1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0 + r * (1.0 / 5040.0)));
    let n_bits = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let scale = f32::from_bits(n_bits.wrapping_add(127) << 23);
    p * scale
}

#[cfg(test)]
mod tests {
    use zoepnet_network::Activation;

    use super::*;
    use crate::activation::activate;

    #[test]
    fn exp_f32_is_the_c_librarys_to_2_ulp_and_tanh_follows() {
        let mut worst = 0.0f64;
        for k in -87_000..88_000 {
            let x = k as f32 * 1e-3 + 1.7e-4;
            let (ours, theirs) = (exp_f32(x), x.exp());
            worst = worst.max(f64::from((ours - theirs).abs() / (theirs * f32::EPSILON)));
        }
        assert!(worst <= 2.0, "{worst} ulp");
        let mut z: Vec<f32> = (-400..400).map(|k| k as f32 * 0.025).collect();
        let want: Vec<f32> = z.iter().map(|z| z.tanh()).collect();
        activate(Activation::Tanh, &mut z);
        let off = z
            .iter()
            .zip(&want)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(off < 4.0 * f32::EPSILON, "{off}");
        assert_eq!((z[0], z[799]), (-1.0, 1.0));
    }
}
