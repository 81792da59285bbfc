//! The file model: what a caller holds after reading, a [`LasFile`] of header sections and
//! [`Curve`]s, with the [`Warning`]s the reader got past.

use crate::header::{HeaderItem, Section};
use crate::number::{leading_number, parse_number};
use crate::text::Encoding;

/// Something odd the reader got past, with the line it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line number (of the first occurrence).
    pub line: usize,
    /// What was found and what the reader did about it.
    pub message: String,
    /// Whether it concerns the curves' values (their `~C` items, the `~A` rows, data that end
    /// short): what a caller using the values passes on. Header oddities that leave the values
    /// alone (a repeated `~P` item, no `~W` section) are `false`.
    pub about_values: bool,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A data row with fewer values than there are curves: the curves after its last value read as
/// null, and that last value may itself be cut short (a file truncated in the middle of a line
/// ends with such a row), so a caller that needs every value whole should not trust the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortRow {
    /// The row's 0-based position among the rows (depths).
    pub row: usize,
    /// The 1-based line it starts on.
    pub line: usize,
    /// How many values it has.
    pub values: usize,
}

/// A curve's values, one per row: numbers, or text for a curve whose values are not numbers
/// (zone names, dates and times).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Numbers, NaN where null.
    Numbers(Vec<f64>),
    /// Text as the file gives it (quotes removed), empty where null.
    Text {
        /// One value per row.
        values: Vec<String>,
        /// The first value that is not a number, and its 1-based line: why the curve is text.
        first: (usize, String),
    },
}

/// A curve: its `~C` header item and its values, one per depth.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The header item (mnemonic, unit, API code as value, description).
    pub header: HeaderItem,
    /// One value per row: numbers (NaN where null) or text.
    pub values: Values,
}

impl Curve {
    /// The (unique) mnemonic.
    pub fn mnemonic(&self) -> &str {
        &self.header.mnemonic
    }

    /// The unit as the file gives it.
    pub fn unit(&self) -> &str {
        &self.header.unit
    }

    /// The values as numbers (NaN where null); `None` for a text curve.
    pub fn numbers(&self) -> Option<&[f64]> {
        match &self.values {
            Values::Numbers(v) => Some(v),
            Values::Text { .. } => None,
        }
    }

    /// The values as text; `None` for a numeric curve.
    pub fn text(&self) -> Option<&[String]> {
        match &self.values {
            Values::Text { values, .. } => Some(values),
            Values::Numbers(_) => None,
        }
    }

    /// The number of values (rows).
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Numbers(v) => v.len(),
            Values::Text { values, .. } => values.len(),
        }
    }

    /// Whether the curve has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many values are not null.
    pub fn non_null(&self) -> usize {
        match &self.values {
            Values::Numbers(v) => v.iter().filter(|v| !v.is_nan()).count(),
            Values::Text { values, .. } => values.iter().filter(|v| !v.is_empty()).count(),
        }
    }

    /// The smallest and largest non-null values of a numeric curve, if any.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.numbers()?
            .iter()
            .filter(|v| !v.is_nan())
            .fold(None, |acc, &v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            })
    }
}

/// A LAS file: its header sections and its curves.
#[derive(Debug, Clone, PartialEq)]
pub struct LasFile {
    /// The text encoding the file was found in.
    pub encoding: Encoding,
    /// `~V`: version information (`VERS`, `WRAP`).
    pub version: Section,
    /// `~W`: well information (`STRT`, `STOP`, `STEP`, `NULL`, `WELL`, ...). In LAS 1.2 files
    /// the value of the descriptive items is written after the colon; it is moved to `value`.
    pub well: Section,
    /// `~P`: parameters.
    pub params: Section,
    /// The curves, in `~C` order; the first is the index (depth).
    pub curves: Vec<Curve>,
    /// `~O`: free text, line by line.
    pub other: Vec<String>,
    /// Sections this reader does not know, by title, line by line.
    pub extra: Vec<(String, Vec<String>)>,
    /// What the reader got past.
    pub warnings: Vec<Warning>,
    /// The data rows with fewer values than curves, in order (also counted in `warnings`).
    pub short_rows: Vec<ShortRow>,
}

impl LasFile {
    /// The curve with this mnemonic, without regard to case: the unique mnemonic (`DT:2`) first,
    /// then the file's own (`DT`, giving the first of several).
    pub fn curve(&self, mnemonic: &str) -> Option<&Curve> {
        self.curves
            .iter()
            .find(|c| c.header.mnemonic.eq_ignore_ascii_case(mnemonic))
            .or_else(|| {
                self.curves
                    .iter()
                    .find(|c| c.header.original_mnemonic.eq_ignore_ascii_case(mnemonic))
            })
    }

    /// The index curve (the first one, usually depth). Its values are never read as nulls.
    pub fn index(&self) -> &Curve {
        // A file is only built with at least one curve.
        &self.curves[0]
    }

    /// The number of rows (depths).
    pub fn rows(&self) -> usize {
        self.curves.first().map_or(0, Curve::len)
    }

    /// The well's name (`WELL` in `~W`).
    pub fn well_name(&self) -> Option<&str> {
        self.well.value("WELL")
    }

    /// A numeric `~W` item (`STRT`, `STOP`, `STEP`, `NULL`).
    pub fn well_number(&self, mnemonic: &str) -> Option<f64> {
        self.well.value(mnemonic).and_then(|v| parse_number(v).ok())
    }

    /// The version the file declares (`VERS` in `~V`).
    pub fn version_number(&self) -> Option<f64> {
        self.version.value("VERS").and_then(leading_number)
    }

    /// Whether the data are wrapped (`WRAP. YES`).
    pub fn wrapped(&self) -> bool {
        self.version
            .value("WRAP")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("YES"))
    }
}
