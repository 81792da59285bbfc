//! NumPy's legacy random generator (`numpy.random.RandomState`, `np.random.seed`), bit for bit.
//!
//! The 2018 tutorial drew its angles, split and initial weights with `np.random`; reproducing its
//! numbers needs the same stream:
//!
//! - `np.random.seed(s)` for an integer s < 2³²: MT19937 initialised by `init_genrand(s)`
//!   (Matsumoto & Nishimura 1998), the Gaussian cache emptied;
//! - `random()`: 53 bits from two 32-bit draws, `((a >> 5) * 2²⁶ + (b >> 6)) / 2⁵³`;
//! - `randn()`: the polar (Marsaglia) method on `2 random() − 1` pairs, rejecting r² ≥ 1 and
//!   r² = 0, returning `f x2` and caching `f x1` for the next call, f = √(−2 ln r² / r²);
//! - `shuffle(x)`: for i from n−1 down to 1, swap `x[i]` with `x[j]`, j drawn from [0, i] by
//!   rejection on 32-bit draws masked to the smallest all-ones mask ≥ i.
//!
//! (numpy/random/mtrand.pyx and numpy/random/src/legacy/legacy-distributions.c,
//! numpy/random/src/distributions/distributions.c `random_interval`.)

/// MT19937 with NumPy's legacy `RandomState` methods on top.
#[derive(Debug, Clone)]
pub struct NumpyRandomState {
    mt: [u32; N],
    index: usize,
    gauss: Option<f64>,
}

const N: usize = 624;
const M: usize = 397;

/// The whole state of a [`NumpyRandomState`], for checkpoints (`np.random.get_state()` holds
/// the same: the key, the position and the cached Gaussian).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RngState {
    /// The 624 words of the MT19937 key.
    pub key: Vec<u32>,
    /// The position in the key.
    pub pos: usize,
    /// The cached second value of the polar method, if any.
    pub gauss: Option<f64>,
}

impl NumpyRandomState {
    /// The state after `np.random.seed(seed)`.
    pub fn seed(seed: u32) -> Self {
        let mut mt = [0u32; N];
        mt[0] = seed;
        for i in 1..N {
            let prev = mt[i - 1];
            mt[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Self {
            mt,
            index: N,
            gauss: None,
        }
    }

    fn twist(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        // The reference's three loops (no index wraps inside them).
        let step = |mt: &mut [u32; N], i: usize, next: usize, far: usize| {
            let y = (mt[i] & UPPER) | (mt[next] & LOWER);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            mt[i] = mt[far] ^ (y >> 1) ^ mag;
        };
        for i in 0..N - M {
            step(&mut self.mt, i, i + 1, i + M);
        }
        for i in N - M..N - 1 {
            step(&mut self.mt, i, i + 1, i + M - N);
        }
        step(&mut self.mt, N - 1, 0, M - 1);
        self.index = 0;
    }

    /// The state, to be saved.
    pub fn state(&self) -> RngState {
        RngState {
            key: self.mt.to_vec(),
            pos: self.index,
            gauss: self.gauss,
        }
    }

    /// The generator at a saved state, or `None` when the state is malformed.
    pub fn from_state(state: &RngState) -> Option<Self> {
        let mt: [u32; N] = state.key.as_slice().try_into().ok()?;
        (state.pos <= N).then_some(Self {
            mt,
            index: state.pos,
            gauss: state.gauss,
        })
    }

    /// The next raw 32-bit output.
    pub fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `np.random.random()`: uniform on [0, 1) with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.randn()`: standard normal, by the polar method with its cached second value.
    pub fn randn(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.random() - 1.0;
            let x2 = 2.0 * self.random() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// A uniform integer in [0, max], by rejection on masked 32-bit draws (`random_interval`).
    pub fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16] {
            mask |= mask >> shift;
        }
        loop {
            let value = self.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }

    /// `np.random.shuffle(x)` on a sequence (a list, or the first axis of an array).
    ///
    /// # Panics
    ///
    /// When `items` has more than 2³² elements (NumPy then draws 64-bit integers).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        assert!(
            u32::try_from(items.len()).is_ok(),
            "more than 2^32 items to shuffle"
        );
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u32) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values printed by NumPy 2 (legacy RandomState; unchanged since NumPy 1.0):
    //   np.random.seed(42); np.random.random(3)
    //   np.random.seed(42); np.random.randn(5)
    //   np.random.seed(42); a = list(range(10)); np.random.shuffle(a)
    //   np.random.seed(42); a = np.arange(500); np.random.shuffle(a)
    //   np.random.seed(42); np.random.get_state()[1][:3]
    // and the first MT19937 output for seed 42 (std::mt19937(42)() in C++ gives the same).

    #[test]
    fn seeding_and_the_first_raw_draw() {
        let mut rng = NumpyRandomState::seed(42);
        assert_eq!(rng.mt[..3], [42, 3_107_752_595, 1_895_908_407]);
        assert_eq!(rng.next_u32(), 1_608_637_542);
    }

    #[test]
    fn random_matches_numpy() {
        let mut rng = NumpyRandomState::seed(42);
        let got = [rng.random(), rng.random(), rng.random()];
        assert_eq!(
            got,
            [0.3745401188473625, 0.9507143064099162, 0.7319939418114051]
        );
    }

    #[test]
    fn randn_matches_numpy_including_the_cached_value() {
        let mut rng = NumpyRandomState::seed(42);
        let got: Vec<f64> = (0..5).map(|_| rng.randn()).collect();
        assert_eq!(
            got,
            [
                0.4967141530112327,
                -0.13826430117118466,
                0.6476885381006925,
                1.5230298564080254,
                -0.23415337472333597
            ]
        );
        // Interleaved with random(): the cache survives a uniform draw.
        // np.random.seed(7); random(), randn(), random(), randn(), randn()
        let mut rng = NumpyRandomState::seed(7);
        let got = [
            rng.random(),
            rng.randn(),
            rng.random(),
            rng.randn(),
            rng.randn(),
        ];
        assert_eq!(
            got,
            [
                0.07630828937395717,
                -0.3206032549443759,
                0.7234651778309412,
                1.4570832287334776,
                0.0328201636785844
            ]
        );
    }

    #[test]
    fn shuffle_matches_numpy() {
        let mut rng = NumpyRandomState::seed(42);
        let mut a: Vec<u32> = (0..10).collect();
        rng.shuffle(&mut a);
        assert_eq!(a, [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
        let mut rng = NumpyRandomState::seed(42);
        let mut b: Vec<u32> = (0..500).collect();
        rng.shuffle(&mut b);
        assert_eq!(b[..5], [361, 73, 374, 155, 104]);
        assert_eq!(b[495..], [106, 270, 348, 435, 102]);
    }

    #[test]
    fn a_saved_state_continues_the_same_stream() {
        let mut rng = NumpyRandomState::seed(42);
        let _ = (rng.randn(), rng.random());
        let saved = rng.state();
        let expected: Vec<f64> = (0..700).map(|_| rng.randn()).collect();
        let mut restored = NumpyRandomState::from_state(&saved).unwrap();
        let got: Vec<f64> = (0..700).map(|_| restored.randn()).collect();
        assert_eq!(got, expected);
        assert!(
            NumpyRandomState::from_state(&RngState {
                key: vec![1; 3],
                pos: 0,
                gauss: None
            })
            .is_none()
        );
    }

    #[test]
    fn the_tutorial_initial_weights() {
        // np.random.seed(42); W1 = 0.1 * randn(300, 7); W2 = 0.1 * randn(300)
        let mut rng = NumpyRandomState::seed(42);
        let w1: Vec<f64> = (0..300 * 7).map(|_| 0.1 * rng.randn()).collect();
        let w2: Vec<f64> = (0..300).map(|_| 0.1 * rng.randn()).collect();
        assert_eq!(w1[0], 0.04967141530112327);
        assert_eq!(w1[300 * 7 - 1], 0.08178896580250287);
        assert_eq!(w2[0], 0.037640952609751664);
        assert_eq!(w2[299], 0.006934433703625043);
    }
}
