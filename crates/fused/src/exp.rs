//! The vectorisable math helpers: [`exp`], a polynomial exponential in plain arithmetic (within
//! 2 ulp of the C library's), and [`dot`], a sum of products in 8 partial sums. Neither has a
//! call or a branch, so the loops that use them compile to SIMD code.

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
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
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
