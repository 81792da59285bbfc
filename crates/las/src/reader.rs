//! The reader: text to sections, curves and columns of `f64`.

use std::path::Path;

use crate::error::{LasError, excerpt};
use crate::header::{HeaderItem, Section, parse_item};
use crate::null::NullPolicy;
use crate::text::{Encoding, decode, lines};

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Which values are nulls (NaN). Default: [`NullPolicy::common`].
    pub null_policy: NullPolicy,
}

/// Something odd the reader got past, with the line it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// 1-based line number (of the first occurrence).
    pub line: usize,
    /// What was found and what the reader did about it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A curve: its `~C` header item and its values, one per depth, nulls as NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The header item (mnemonic, unit, API code as value, description).
    pub header: HeaderItem,
    /// One value per row; NaN where null.
    pub data: Vec<f64>,
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

    /// How many values are not null.
    pub fn non_null(&self) -> usize {
        self.data.iter().filter(|v| !v.is_nan()).count()
    }

    /// The smallest and largest non-null values, if any.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.data
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

    /// The index curve (the first one, usually depth).
    pub fn index(&self) -> &Curve {
        // A file is only built with at least one curve.
        &self.curves[0]
    }

    /// The number of rows (depths).
    pub fn rows(&self) -> usize {
        self.curves.first().map_or(0, |c| c.data.len())
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

/// Reads the LAS file at `path`.
pub fn read(path: &Path, options: &ReadOptions) -> Result<LasFile, LasError> {
    let bytes = std::fs::read(path).map_err(|source| LasError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(&bytes, options)
}

/// Reads a LAS file from its bytes.
pub fn parse(bytes: &[u8], options: &ReadOptions) -> Result<LasFile, LasError> {
    let (text, encoding) = decode(bytes);
    let mut file = LasFile {
        encoding,
        version: Section::default(),
        well: Section::default(),
        params: Section::default(),
        curves: Vec::new(),
        other: Vec::new(),
        extra: Vec::new(),
        warnings: Vec::new(),
    };
    let mut curve_items: Vec<HeaderItem> = Vec::new();
    let mut seen = Seen::default();
    let mut current: Option<Kind> = None;
    let mut data: Option<DataReader<'_>> = None;

    for (i, raw) in lines(&text).enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(title) = trimmed.strip_prefix('~') {
            if let Some(reader) = data.take() {
                // A section after the data: LAS puts ~A last, but read on.
                file.curves = reader.finish(curve_items.clone(), &mut file.warnings);
                file.warnings.push(Warning {
                    line,
                    message: "a section after the ~A data section".into(),
                });
            }
            let kind = Kind::of(title);
            seen.mark(kind);
            match kind {
                Kind::Version => file.version.title = title.trim().to_owned(),
                Kind::Well => file.well.title = title.trim().to_owned(),
                Kind::Params => file.params.title = title.trim().to_owned(),
                Kind::Unknown => file.extra.push((title.trim().to_owned(), Vec::new())),
                Kind::Ascii => {
                    seen.require_header(&curve_items)?;
                    finish_header(&mut file, &mut curve_items);
                    data = Some(DataReader::new(&file, curve_items.len(), options));
                }
                Kind::Curves | Kind::Other => {}
            }
            current = Some(kind);
            continue;
        }
        if let Some(reader) = data.as_mut() {
            reader.line(trimmed, line)?;
            continue;
        }
        match current {
            None => {
                return Err(LasError::Syntax {
                    line,
                    expected: "a section line starting with `~` (a LAS file begins with ~VERSION)"
                        .into(),
                    found: excerpt(raw),
                });
            }
            Some(Kind::Version) => {
                let item = parse_item(raw, line, false)?;
                if item.mnemonic.eq_ignore_ascii_case("VERS") {
                    check_version(&item, &mut file.warnings)?;
                }
                file.version.items.push(item);
            }
            Some(Kind::Well) => file.well.items.push(parse_item(raw, line, false)?),
            Some(Kind::Params) => file.params.items.push(parse_item(raw, line, false)?),
            Some(Kind::Curves) => curve_items.push(parse_item(raw, line, true)?),
            Some(Kind::Other) => file.other.push(raw.trim_end().to_owned()),
            Some(Kind::Unknown) => {
                if let Some((_, text)) = file.extra.last_mut() {
                    text.push(raw.trim_end().to_owned());
                }
            }
            // Data lines were taken above.
            Some(Kind::Ascii) => {}
        }
    }
    match data {
        Some(reader) => file.curves = reader.finish(curve_items, &mut file.warnings),
        None if file.curves.is_empty() => {
            seen.require_header(&curve_items)?;
            return Err(LasError::MissingSection {
                section: "data",
                marker: "~A",
            });
        }
        None => {}
    }
    if !seen.well {
        file.warnings.push(Warning {
            line: 1,
            message: "no ~W (well) section".into(),
        });
    }
    Ok(file)
}

/// Which sections have been seen.
#[derive(Debug, Default)]
struct Seen {
    version: bool,
    well: bool,
}

impl Seen {
    /// The sections the data section needs before it: ~V, and ~C with at least one curve.
    fn require_header(&self, curve_items: &[HeaderItem]) -> Result<(), LasError> {
        if !self.version {
            return Err(LasError::MissingSection {
                section: "version",
                marker: "~V",
            });
        }
        if curve_items.is_empty() {
            return Err(LasError::MissingSection {
                section: "curve",
                marker: "~C",
            });
        }
        Ok(())
    }

    fn mark(&mut self, kind: Kind) {
        match kind {
            Kind::Version => self.version = true,
            Kind::Well => self.well = true,
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Version,
    Well,
    Curves,
    Params,
    Other,
    Ascii,
    Unknown,
}

impl Kind {
    /// LAS 1.2/2.0 sections are known by the letter after the `~`.
    fn of(title: &str) -> Kind {
        match title
            .trim_start()
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
        {
            Some('V') => Kind::Version,
            Some('W') => Kind::Well,
            Some('C') => Kind::Curves,
            Some('P') => Kind::Params,
            Some('O') => Kind::Other,
            Some('A') => Kind::Ascii,
            _ => Kind::Unknown,
        }
    }
}

fn check_version(item: &HeaderItem, warnings: &mut Vec<Warning>) -> Result<(), LasError> {
    match leading_number(&item.value) {
        Some(v) if v >= 3.0 => Err(LasError::Unsupported {
            line: item.line,
            what: format!("LAS version {}", item.value),
        }),
        Some(v) if v == 1.2 || v == 2.0 => Ok(()),
        _ => {
            warnings.push(Warning {
                line: item.line,
                message: format!("VERS {:?} is neither 1.2 nor 2.0; read as 2.0", item.value),
            });
            Ok(())
        }
    }
}

/// The number a value starts with (`2.0` in `2.0 CWLS`).
fn leading_number(value: &str) -> Option<f64> {
    value.split_whitespace().next().and_then(|v| v.parse().ok())
}

/// Moves LAS 1.2 well values out of the description, and makes mnemonics unique.
fn finish_header(file: &mut LasFile, curve_items: &mut [HeaderItem]) {
    if file.version_number().is_some_and(|v| v < 2.0) {
        for item in &mut file.well.items {
            let numeric = ["STRT", "STOP", "STEP", "NULL"]
                .iter()
                .any(|m| item.mnemonic.eq_ignore_ascii_case(m));
            if !numeric && !item.description.is_empty() {
                std::mem::swap(&mut item.value, &mut item.description);
            }
        }
    }
    let mut renamed = Vec::new();
    for (items, section) in [
        (&mut file.version.items[..], "~V"),
        (&mut file.well.items[..], "~W"),
        (&mut file.params.items[..], "~P"),
        (curve_items, "~C"),
    ] {
        for name in Section::rename_duplicates(items) {
            let first = items.iter().find(|i| i.original_mnemonic == name);
            renamed.push(Warning {
                line: first.map_or(1, |i| i.line),
                message: format!("{section} mnemonic {name} appears more than once; renamed {name}:1, {name}:2, ..."),
            });
        }
    }
    file.warnings.extend(renamed);
}

/// Parses a number, accepting Fortran's `D` exponent.
fn parse_number(token: &str) -> Result<f64, ()> {
    token.parse::<f64>().or_else(|_| {
        if token.contains(['D', 'd']) {
            token
                .replace(['D', 'd'], "E")
                .parse::<f64>()
                .map_err(|_| ())
        } else {
            Err(())
        }
    })
}

/// Reads the `~A` section into columns.
struct DataReader<'a> {
    curves: usize,
    wrapped: bool,
    declared_null: Option<f64>,
    policy: &'a NullPolicy,
    columns: Vec<Vec<f64>>,
    /// Values of a wrapped row not yet complete.
    pending: Vec<f64>,
    pending_line: usize,
    short_rows: RowNote,
    long_rows: RowNote,
}

/// Rows with a wrong number of values: how many, and the first.
#[derive(Debug, Default)]
struct RowNote {
    count: usize,
    first_line: usize,
    first_len: usize,
}

impl RowNote {
    fn note(&mut self, line: usize, len: usize) {
        if self.count == 0 {
            self.first_line = line;
            self.first_len = len;
        }
        self.count += 1;
    }
}

impl<'a> DataReader<'a> {
    fn new(file: &LasFile, curves: usize, options: &'a ReadOptions) -> Self {
        Self {
            curves,
            wrapped: file.wrapped(),
            declared_null: file.well_number("NULL"),
            policy: &options.null_policy,
            columns: vec![Vec::new(); curves],
            pending: Vec::new(),
            pending_line: 0,
            short_rows: RowNote::default(),
            long_rows: RowNote::default(),
        }
    }

    fn value(&self, token: &str, line: usize, column: usize) -> Result<f64, LasError> {
        match parse_number(token) {
            Ok(v) if !v.is_finite() && self.policy.text_as_null => Ok(f64::NAN),
            Ok(v) if self.policy.is_null(v, self.declared_null) => Ok(f64::NAN),
            Ok(v) => Ok(v),
            Err(()) if self.policy.text_as_null => Ok(f64::NAN),
            Err(()) => Err(LasError::NotANumber {
                line,
                column,
                found: excerpt(token),
            }),
        }
    }

    fn line(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        // Comma-delimited when the line has a comma (an empty field is a null); otherwise
        // spaces and tabs separate values.
        let comma = text.contains(',');
        let mut tokens = text
            .split(move |c: char| {
                if comma {
                    c == ','
                } else {
                    c == ' ' || c == '\t'
                }
            })
            .map(str::trim)
            .filter(move |t| comma || !t.is_empty());
        if self.wrapped {
            if self.pending.is_empty() {
                self.pending_line = line;
            }
            for token in &mut tokens {
                let column = self.pending.len() + 1;
                let v = if token.is_empty() {
                    f64::NAN
                } else {
                    self.value(token, line, column)?
                };
                self.pending.push(v);
                if self.pending.len() == self.curves {
                    for (col, v) in self.columns.iter_mut().zip(self.pending.drain(..)) {
                        col.push(v);
                    }
                    self.pending_line = line;
                }
            }
            return Ok(());
        }
        let rows_before = self.columns[0].len();
        let mut n = 0;
        for token in tokens {
            let v = if token.is_empty() {
                f64::NAN
            } else {
                self.value(token, line, n + 1)?
            };
            if n == self.columns.len() {
                // More values than curves: an extra, unnamed column.
                self.columns.push(vec![f64::NAN; rows_before]);
            }
            self.columns[n].push(v);
            n += 1;
        }
        if n < self.columns.len() {
            for col in &mut self.columns[n..] {
                col.push(f64::NAN);
            }
        }
        if n < self.curves {
            self.short_rows.note(line, n);
        } else if n > self.curves {
            self.long_rows.note(line, n);
        }
        Ok(())
    }

    fn finish(mut self, mut items: Vec<HeaderItem>, warnings: &mut Vec<Warning>) -> Vec<Curve> {
        if !self.pending.is_empty() {
            warnings.push(Warning {
                line: self.pending_line,
                message: format!(
                    "the last wrapped row has {} of {} values; the rest read as NaN",
                    self.pending.len(),
                    self.curves
                ),
            });
            let pending = std::mem::take(&mut self.pending);
            let filled = pending.into_iter().chain(std::iter::repeat(f64::NAN));
            for (col, v) in self.columns.iter_mut().zip(filled) {
                col.push(v);
            }
        }
        if self.short_rows.count > 0 {
            warnings.push(Warning {
                line: self.short_rows.first_line,
                message: format!(
                    "{} rows have fewer values than the {} curves (the first has {}); the missing values read as NaN",
                    self.short_rows.count, self.curves, self.short_rows.first_len
                ),
            });
        }
        if self.long_rows.count > 0 {
            warnings.push(Warning {
                line: self.long_rows.first_line,
                message: format!(
                    "{} rows have more values than the {} curves (the first has {}); the extra columns are kept as curves UNKNOWN:1, UNKNOWN:2, ...",
                    self.long_rows.count, self.curves, self.long_rows.first_len
                ),
            });
        }
        let line = items.last().map_or(1, |i| i.line);
        for extra in 1..=self.columns.len().saturating_sub(items.len()) {
            let name = format!("UNKNOWN:{extra}");
            items.push(HeaderItem {
                mnemonic: name,
                original_mnemonic: "UNKNOWN".into(),
                unit: String::new(),
                value: String::new(),
                description: "a data column with no ~C curve".into(),
                line,
            });
        }
        items
            .into_iter()
            .zip(self.columns)
            .map(|(header, data)| Curve { header, data })
            .collect()
    }
}
