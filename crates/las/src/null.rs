//! Which data values are nulls (read as NaN).

/// Which data values are read as nulls (NaN), chosen by the caller.
///
/// The named policies, from least to most eager:
///
/// | name | the header's `NULL` value | [`COMMON_SENTINELS`] | text that is not a number, and ±inf |
/// |---|---|---|---|
/// | `none` | kept as a number | kept | an error |
/// | `strict` | null | kept | an error |
/// | `common` (default) | null | null | null |
#[derive(Debug, Clone, PartialEq)]
pub struct NullPolicy {
    /// Whether the value given by the `~W` section's `NULL` item is a null.
    pub declared: bool,
    /// Other values that are nulls, compared exactly as parsed numbers.
    pub sentinels: Vec<f64>,
    /// Whether a value that is not a finite number (`NaN`, `-`, `(null)`, `INF`, ...) is a null
    /// rather than an error.
    pub text_as_null: bool,
}

/// Null markers found in LAS files besides the declared one: -999.25 and its relatives.
pub const COMMON_SENTINELS: [f64; 7] = [
    -999.25,
    -999.0,
    -9999.0,
    -9999.25,
    -99999.0,
    -999999.0,
    -999999.9999,
];

impl NullPolicy {
    /// The policy names, as the command line takes them.
    pub const NAMES: [&'static str; 3] = ["none", "strict", "common"];

    /// Nothing is a null; text that is not a number is an error.
    pub fn none() -> Self {
        Self {
            declared: false,
            sentinels: Vec::new(),
            text_as_null: false,
        }
    }

    /// Only the declared `NULL` value is a null; text that is not a number is an error.
    pub fn strict() -> Self {
        Self {
            declared: true,
            ..Self::none()
        }
    }

    /// The declared `NULL` value, the [`COMMON_SENTINELS`], and text that is not a number.
    pub fn common() -> Self {
        Self {
            declared: true,
            sentinels: COMMON_SENTINELS.to_vec(),
            text_as_null: true,
        }
    }

    /// The policy with this name (see [`NullPolicy::NAMES`]).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "none" => Some(Self::none()),
            "strict" => Some(Self::strict()),
            "common" => Some(Self::common()),
            _ => None,
        }
    }

    /// Whether `value` is a null, given the file's declared null.
    pub(crate) fn is_null(&self, value: f64, declared: Option<f64>) -> bool {
        (self.declared && declared == Some(value)) || self.sentinels.contains(&value)
    }
}

impl Default for NullPolicy {
    fn default() -> Self {
        Self::common()
    }
}
