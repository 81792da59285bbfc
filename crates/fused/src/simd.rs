//! The vector width the loops run at: [`Simd`], chosen at run time, and the [`wide_copies!`]
//! macro that compiles a loop's body once more for AVX2 and AVX-512. The unsafe calls into
//! those copies sit beside the loops (`weights.rs`, `batch.rs`), each after [`Simd::checked`].

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
pub(crate) use wide_copies;
