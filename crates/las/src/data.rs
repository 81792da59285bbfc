//! The `~A` data section: lines of values to curves, wrapped or not, numeric or text, with nulls
//! as the [`NullPolicy`] says and rows of the wrong length noted.
//!
//! Lines are split into values as the `tokens` module says. Each value keeps its place in the
//! section's text, so that a text curve reads its values as the file gives them. Once every line
//! is read, each column becomes a numeric or a text curve (see [`NullPolicy`]).

use crate::error::{LasError, excerpt};
use crate::file::{Curve, LasFile, ShortRow, Values, Warning};
use crate::header::HeaderItem;
use crate::null::{NullPolicy, is_text_null};
use crate::reader::ReadOptions;
use crate::tokens::{Delimiter, Kind, Token, join_text_runs, split};

/// Reads the `~A` section into columns.
pub(crate) struct DataReader<'a> {
    curves: usize,
    wrapped: bool,
    declared_comma: bool,
    declared_null: Option<f64>,
    policy: &'a NullPolicy,
    /// The section's lines, one after another; tokens point into it.
    text: String,
    /// The rows the header announces (0 where it does not say), to size `text` by.
    rows_hint: usize,
    /// The values of each column, one per row.
    columns: Vec<Column>,
    /// The 1-based line each row starts on.
    row_lines: Vec<usize>,
    /// Values of a wrapped row not yet complete.
    pending: Vec<Token>,
    pending_line: usize,
    /// The current line's values.
    line_tokens: Vec<Token>,
    short_rows: RowNote,
    /// Each row with fewer values than curves.
    short: Vec<ShortRow>,
    long_rows: RowNote,
    joined_rows: RowNote,
}

/// One column's values as read: numbers (NaN where a value is not one), where each value is in
/// the section's text, and which rows hold text.
#[derive(Debug, Default, Clone)]
struct Column {
    numbers: Vec<f64>,
    spans: Vec<(u32, u32)>,
    text_rows: Vec<u32>,
}

impl Column {
    /// A column of `rows` nulls, with room for `capacity` rows.
    fn nulls(rows: usize, capacity: usize) -> Self {
        let mut column = Column {
            numbers: Vec::with_capacity(capacity),
            spans: Vec::with_capacity(capacity),
            text_rows: Vec::new(),
        };
        column.numbers.resize(rows, f64::NAN);
        column.spans.resize(rows, (0, 0));
        column
    }

    fn push(&mut self, token: &Token) {
        let number = match token.kind {
            Kind::Number(v) => v,
            Kind::Text { .. } => {
                self.text_rows.push(self.numbers.len() as u32);
                f64::NAN
            }
            Kind::Empty => f64::NAN,
        };
        self.numbers.push(number);
        // Offsets fit in u32: `line` refuses a data section of 4 GiB or more.
        self.spans.push((token.start as u32, token.end as u32));
    }
}

/// Rows of one odd kind: how many, and the first.
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
    /// A reader for `curves` curves, wrapped or not, delimited and with the null as `file`'s
    /// header declares.
    pub(crate) fn new(file: &LasFile, curves: usize, options: &'a ReadOptions) -> Self {
        let declared_comma = file
            .version
            .value("DLM")
            .is_some_and(|d| d.trim().eq_ignore_ascii_case("COMMA"));
        // Room for the rows the header announces (STRT to STOP by STEP), within reason.
        let rows = match (
            file.well_number("STRT"),
            file.well_number("STOP"),
            file.well_number("STEP"),
        ) {
            (Some(a), Some(b), Some(step)) if step != 0.0 => ((b - a) / step).abs() + 1.0,
            _ => 0.0,
        };
        let capacity = if rows.is_finite() && rows < 1e7 {
            rows as usize + 1
        } else {
            0
        };
        Self {
            curves,
            wrapped: file.wrapped(),
            declared_comma,
            declared_null: file.well_number("NULL"),
            policy: &options.null_policy,
            text: String::new(),
            rows_hint: capacity,
            columns: vec![Column::nulls(0, capacity); curves],
            row_lines: Vec::new(),
            pending: Vec::new(),
            pending_line: 0,
            line_tokens: Vec::new(),
            short_rows: RowNote::default(),
            short: Vec::new(),
            long_rows: RowNote::default(),
            joined_rows: RowNote::default(),
        }
    }

    /// Reads one (trimmed, non-blank) data line.
    pub(crate) fn line(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        let offset = self.text.len();
        if offset + text.len() >= u32::MAX as usize {
            return Err(LasError::Unsupported {
                line,
                what: "a data section of 4 GiB or more".into(),
            });
        }
        if offset == 0 {
            // Room for the announced rows if they are as long as the first: growing by
            // doubling copied the section about twice over.
            self.text
                .reserve((text.len() + 1).saturating_mul(self.rows_hint).min(1 << 26));
        }
        self.text.push_str(text);
        self.text.push('\n');
        self.line_tokens.clear();
        let delimiter = Delimiter::of(text, self.declared_comma);
        split(text, offset, delimiter, &mut self.line_tokens);
        if self.wrapped {
            self.wrapped_line(line);
            Ok(())
        } else {
            self.row(text, line)
        }
    }

    /// A line of a wrapped section: its values go on the pending row, which becomes a row of
    /// the columns once it has one value per curve.
    fn wrapped_line(&mut self, line: usize) {
        for i in 0..self.line_tokens.len() {
            if self.pending.is_empty() {
                self.pending_line = line;
            }
            self.pending.push(self.line_tokens[i]);
            if self.pending.len() == self.curves {
                for (col, t) in self.columns.iter_mut().zip(self.pending.drain(..)) {
                    col.push(&t);
                }
                self.row_lines.push(self.pending_line);
            }
        }
    }

    /// A line of an unwrapped section, one row: missing values are nulls, extra numbers start
    /// extra columns, and extra text values are joined or the line is refused.
    fn row(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        let n = self.line_tokens.len();
        if n > self.curves {
            let has_text = self
                .line_tokens
                .iter()
                .any(|t| matches!(t.kind, Kind::Text { .. }));
            if has_text {
                if !join_text_runs(&mut self.line_tokens, self.curves) {
                    return Err(LasError::Syntax {
                        line,
                        expected: format!(
                            "{} values, one per curve ({n} values, not all numbers, cannot be \
                             matched to curves; quote a text value that has spaces)",
                            self.curves
                        ),
                        found: excerpt(text),
                    });
                }
                self.joined_rows.note(line, n);
            } else {
                self.long_rows.note(line, n);
            }
        } else if n < self.curves {
            self.short_rows.note(line, n);
            self.short.push(ShortRow {
                row: self.row_lines.len(),
                line,
                values: n,
            });
        }
        let rows_before = self.row_lines.len();
        let null = Token {
            start: 0,
            end: 0,
            kind: Kind::Empty,
        };
        while self.columns.len() < self.line_tokens.len() {
            // More values than curves: an extra, unnamed column.
            self.columns.push(Column::nulls(rows_before, 0));
        }
        let values = self.line_tokens.iter().chain(std::iter::repeat(&null));
        for (col, t) in self.columns.iter_mut().zip(values) {
            col.push(t);
        }
        self.row_lines.push(line);
        Ok(())
    }

    /// The curves: `items` (the `~C` items) with their columns, and `UNKNOWN:n` items for extra
    /// columns; and the rows with fewer values than curves. What was odd goes to `warnings`.
    pub(crate) fn finish(
        mut self,
        mut items: Vec<HeaderItem>,
        warnings: &mut Vec<Warning>,
    ) -> Result<(Vec<Curve>, Vec<ShortRow>), LasError> {
        self.flush_pending(warnings);
        self.check_index(&items)?;
        self.note_rows(warnings);
        self.name_extra_columns(&mut items);
        let columns = std::mem::take(&mut self.columns);
        let curves = items
            .into_iter()
            .zip(columns)
            .enumerate()
            .map(|(i, (header, column))| Curve {
                header,
                values: self.values(column, i == 0),
            })
            .collect();
        Ok((curves, std::mem::take(&mut self.short)))
    }

    /// The index curve (the first: depth or time) must be a number on every row.
    fn check_index(&self, items: &[HeaderItem]) -> Result<(), LasError> {
        let Some(index) = self.columns.first() else {
            return Ok(());
        };
        let bad = index
            .spans
            .iter()
            .enumerate()
            .find(|&(row, &(start, end))| start == end || index.text_rows.contains(&(row as u32)));
        match bad {
            Some((row, &(start, end))) => Err(LasError::Syntax {
                line: self.row_lines[row],
                expected: format!(
                    "a number for the index curve {} (the first curve: every row has one)",
                    items.first().map_or("", |i| i.mnemonic.as_str())
                ),
                found: excerpt(&self.text[start as usize..end as usize]),
            }),
            None => Ok(()),
        }
    }

    /// A column's values: numbers, unless its text makes it a text curve (see [`NullPolicy`]).
    /// The index column (`index`) has no nulls.
    fn values(&self, column: Column, index: bool) -> Values {
        let policy = self.policy;
        let text_of = |row: usize| {
            let (start, end) = column.spans[row];
            &self.text[start as usize..end as usize]
        };
        let is_marker = |row: usize| policy.text_as_null && is_text_null(text_of(row));
        let mut texts = column
            .text_rows
            .iter()
            .map(|&r| r as usize)
            .filter(|&r| !is_marker(r));
        let Some(first_row) = texts.next() else {
            return Values::Numbers(self.with_nulls(column.numbers, index));
        };
        let texts = 1 + texts.count();
        let is_text = |row: usize| column.text_rows.binary_search(&(row as u32)).is_ok();
        let numbers = (0..column.numbers.len())
            .filter(|&r| !is_text(r) && column.spans[r].0 != column.spans[r].1)
            .count();
        if policy.text_as_null && texts <= numbers {
            return Values::Numbers(self.with_nulls(column.numbers, index));
        }
        let values = (0..column.numbers.len())
            .map(|r| {
                // As lasio: a text curve's values are as given, but for `common`'s nulls.
                let null = policy.text_as_null
                    && if is_text(r) {
                        is_marker(r)
                    } else {
                        self.is_null(column.numbers[r], index)
                    };
                if null {
                    String::new()
                } else {
                    text_of(r).to_owned()
                }
            })
            .collect();
        Values::Text {
            values,
            first: (self.row_lines[first_row], text_of(first_row).to_owned()),
        }
    }

    /// Whether a number is a null under the policy (never in the index column).
    fn is_null(&self, v: f64, index: bool) -> bool {
        !index
            && (self.policy.is_null(v, self.declared_null)
                || (self.policy.text_as_null && !v.is_finite()))
    }

    /// A numeric column's values, nulls (and text) as NaN.
    fn with_nulls(&self, mut numbers: Vec<f64>, index: bool) -> Vec<f64> {
        if !index {
            for v in &mut numbers {
                if self.is_null(*v, false) {
                    *v = f64::NAN;
                }
            }
        }
        numbers
    }

    /// Ends a wrapped row left incomplete at the end of the data, the rest as nulls.
    fn flush_pending(&mut self, warnings: &mut Vec<Warning>) {
        if self.pending.is_empty() {
            return;
        }
        warnings.push(Warning {
            line: self.pending_line,
            message: format!(
                "the last wrapped row has {} of {} values; the rest read as null",
                self.pending.len(),
                self.curves
            ),
            about_values: true,
        });
        let null = Token {
            start: 0,
            end: 0,
            kind: Kind::Empty,
        };
        let pending = std::mem::take(&mut self.pending);
        self.short.push(ShortRow {
            row: self.row_lines.len(),
            line: self.pending_line,
            values: pending.len(),
        });
        let filled = pending.iter().chain(std::iter::repeat(&null));
        for (col, t) in self.columns.iter_mut().zip(filled) {
            col.push(t);
        }
        self.row_lines.push(self.pending_line);
    }

    /// Warns of rows with too few or too many values, and of rows whose text was joined.
    fn note_rows(&self, warnings: &mut Vec<Warning>) {
        let curves = self.curves;
        let notes = [
            (
                &self.short_rows,
                "fewer values than",
                "the missing values read as null",
            ),
            (
                &self.long_rows,
                "more values than",
                "the extra columns are kept as curves UNKNOWN:1, UNKNOWN:2, ...",
            ),
            (
                &self.joined_rows,
                "more values than",
                "adjacent text values (a date and time, words) are joined into one value, which \
                 gives one value per curve",
            ),
        ];
        let mut found: Vec<Warning> = notes
            .into_iter()
            .filter(|(note, _, _)| note.count > 0)
            .map(|(note, what, done)| {
                let rows = match note.count {
                    1 => "1 row has".to_owned(),
                    n => format!("{n} rows have"),
                };
                Warning {
                    line: note.first_line,
                    message: format!(
                        "{rows} {what} the {curves} curves (the first has {}); {done}",
                        note.first_len
                    ),
                    about_values: true,
                }
            })
            .collect();
        found.sort_by_key(|w| w.line);
        warnings.extend(found);
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
