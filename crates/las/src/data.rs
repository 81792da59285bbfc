//! The `~A` data section: lines of values to columns of `f64`, wrapped or not, with nulls as NaN
//! and rows of the wrong length noted.

use crate::error::{LasError, excerpt};
use crate::file::{Curve, LasFile, Warning};
use crate::header::HeaderItem;
use crate::null::NullPolicy;
use crate::number::parse_number;
use crate::reader::ReadOptions;

/// Reads the `~A` section into columns.
pub(crate) struct DataReader<'a> {
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

/// The values of a data line: comma-delimited when the line has a comma (an empty field is a
/// null, given as an empty token); otherwise spaces and tabs separate values.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let comma = text.contains(',');
    text.split(move |c: char| {
        if comma {
            c == ','
        } else {
            c == ' ' || c == '\t'
        }
    })
    .map(str::trim)
    .filter(move |t| comma || !t.is_empty())
}

impl<'a> DataReader<'a> {
    /// A reader for `curves` curves, wrapped or not and with the null as `file`'s header declares.
    pub(crate) fn new(file: &LasFile, curves: usize, options: &'a ReadOptions) -> Self {
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

    /// A token's value; an empty (comma-delimited) field is a null.
    fn field(&self, token: &str, line: usize, column: usize) -> Result<f64, LasError> {
        if token.is_empty() {
            Ok(f64::NAN)
        } else {
            self.value(token, line, column)
        }
    }

    /// Reads one (trimmed, non-blank) data line.
    pub(crate) fn line(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        if self.wrapped {
            self.wrapped_line(text, line)
        } else {
            self.row(text, line)
        }
    }

    /// A line of a wrapped section: its values go on the pending row, which becomes a row of
    /// the columns once it has one value per curve.
    fn wrapped_line(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        if self.pending.is_empty() {
            self.pending_line = line;
        }
        for token in tokens(text) {
            let column = self.pending.len() + 1;
            let v = self.field(token, line, column)?;
            self.pending.push(v);
            if self.pending.len() == self.curves {
                for (col, v) in self.columns.iter_mut().zip(self.pending.drain(..)) {
                    col.push(v);
                }
                self.pending_line = line;
            }
        }
        Ok(())
    }

    /// A line of an unwrapped section, one row: missing values are NaN, extra values start
    /// extra columns.
    fn row(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        let rows_before = self.columns[0].len();
        let mut n = 0;
        for token in tokens(text) {
            let v = self.field(token, line, n + 1)?;
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

    /// The curves: `items` (the `~C` items) with their columns, and `UNKNOWN:n` items for extra
    /// columns; what was odd goes to `warnings`.
    pub(crate) fn finish(
        mut self,
        mut items: Vec<HeaderItem>,
        warnings: &mut Vec<Warning>,
    ) -> Vec<Curve> {
        self.flush_pending(warnings);
        self.note_row_lengths(warnings);
        self.name_extra_columns(&mut items);
        items
            .into_iter()
            .zip(self.columns)
            .map(|(header, data)| Curve { header, data })
            .collect()
    }

    /// Ends a wrapped row left incomplete at the end of the data, the rest as NaN.
    fn flush_pending(&mut self, warnings: &mut Vec<Warning>) {
        if self.pending.is_empty() {
            return;
        }
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

    /// Warns of rows with too few or too many values.
    fn note_row_lengths(&self, warnings: &mut Vec<Warning>) {
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
    }

    /// Adds an `UNKNOWN:n` item for each column beyond the `~C` curves.
    fn name_extra_columns(&self, items: &mut Vec<HeaderItem>) {
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
    }
}
