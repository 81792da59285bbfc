//! Which data values are nulls, and when a curve is text.

/// Which data values are read as nulls (NaN in a numeric curve, an empty value in a text curve),
/// chosen by the caller. The index curve (the first, usually depth) never has nulls: a depth
/// equal to the declared `NULL` (999.25 is a depth) stays a depth.
///
/// The named policies, from least to most eager (lasio's names; `strict` is lasio's default and
/// this reader's):
///
/// | name | the header's `NULL` value | [`COMMON_SENTINELS`] | [`COMMON_TEXT_NULLS`], ±inf | other text in a curve of mostly numbers |
/// |---|---|---|---|---|
/// | `none` | a value | a value | text | text |
/// | `strict` (default) | null | a value | text | text |
/// | `common` | null | null | null | null |
///
/// Where text is text, a curve with any text value is a text curve: its values are kept as the
/// file gives them, the `NULL` value included, and numeric accessors refuse it by name (as lasio
/// keeps such a column as strings). Under `common`, a curve is a text curve only when its text
/// values (not counting the text nulls) outnumber its numbers, and its nulls are empty;
/// otherwise its text values are nulls.
#[derive(Debug, Clone, PartialEq)]
pub struct NullPolicy {
    /// Whether the value given by the `~W` section's `NULL` item is a null.
    pub declared: bool,
    /// Other values that are nulls, compared exactly as parsed numbers.
    pub sentinels: Vec<f64>,
    /// Whether [`COMMON_TEXT_NULLS`], ±inf and NaN are nulls, and text in a curve of mostly
    /// numbers too.
    pub text_as_null: bool,
}

/// Text that stands for a null under the `common` policy (compared without regard to case).
pub const COMMON_TEXT_NULLS: [&str; 11] = [
    "(null)", "-", "--", "NA", "N/A", "NULL", "INF", "-INF", "IO", "IND", "NAN",
];

/// Whether `text` is one of the [`COMMON_TEXT_NULLS`].
pub(crate) fn is_text_null(text: &str) -> bool {
    let text = text.trim();
    COMMON_TEXT_NULLS
        .iter()
        .any(|n| n.eq_ignore_ascii_case(text))
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

    /// Nothing is a null.
    pub fn none() -> Self {
        Self {
            declared: false,
            sentinels: Vec::new(),
            text_as_null: false,
        }
    }

    /// Only the declared `NULL` value is a null (lasio's default).
    pub fn strict() -> Self {
        Self {
            declared: true,
            ..Self::none()
        }
    }

    /// The declared `NULL` value, the [`COMMON_SENTINELS`], the [`COMMON_TEXT_NULLS`], and text
    /// in a curve of mostly numbers.
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
    /// [`NullPolicy::strict`], as lasio.
    fn default() -> Self {
        Self::strict()
    }
}
