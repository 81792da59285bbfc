//! The `~A` data section: lines of values to curves, wrapped or not, numeric or text, with nulls
//! as the [`NullPolicy`] says and rows of the wrong length noted.
//!
//! Lines are split into values as the `tokens` module says. Each value keeps its place in the
//! section's text, so that a text curve reads its values as the file gives them. Once every line
//! is read, each column becomes a numeric or a text curve (see [`NullPolicy`]).

use crate::error::{LasError, excerpt};
use crate::file::{Curve, LasFile, Values, Warning};
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
    /// The values of each column, one per row.
    columns: Vec<Vec<Token>>,
    /// The 1-based line each row starts on.
    row_lines: Vec<usize>,
    /// Values of a wrapped row not yet complete.
    pending: Vec<Token>,
    pending_line: usize,
    /// The current line's values.
    line_tokens: Vec<Token>,
    short_rows: RowNote,
    long_rows: RowNote,
    joined_rows: RowNote,
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
        Self {
            curves,
            wrapped: file.wrapped(),
            declared_comma,
            declared_null: file.well_number("NULL"),
            policy: &options.null_policy,
            text: String::new(),
            columns: vec![Vec::new(); curves],
            row_lines: Vec::new(),
            pending: Vec::new(),
            pending_line: 0,
            line_tokens: Vec::new(),
            short_rows: RowNote::default(),
            long_rows: RowNote::default(),
            joined_rows: RowNote::default(),
        }
    }

    /// Reads one (trimmed, non-blank) data line.
    pub(crate) fn line(&mut self, text: &str, line: usize) -> Result<(), LasError> {
        let offset = self.text.len();
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
                    col.push(t);
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
        }
        let rows_before = self.row_lines.len();
        let null = Token {
            start: 0,
            end: 0,
            kind: Kind::Empty,
        };
        while self.columns.len() < self.line_tokens.len() {
            // More values than curves: an extra, unnamed column.
            self.columns.push(vec![null; rows_before]);
        }
        let values = self
            .line_tokens
            .iter()
            .copied()
            .chain(std::iter::repeat(null));
        for (col, t) in self.columns.iter_mut().zip(values) {
            col.push(t);
        }
        self.row_lines.push(line);
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
        self.note_rows(warnings);
        self.name_extra_columns(&mut items);
        let columns = std::mem::take(&mut self.columns);
        items
            .into_iter()
            .zip(columns)
            .enumerate()
            .map(|(i, (header, column))| Curve {
                header,
                values: self.values(&column, i == 0),
            })
            .collect()
    }

    /// A column's values: numbers, unless its text makes it a text curve (see [`NullPolicy`]).
    /// The index column (`index`) has no nulls.
    fn values(&self, column: &[Token], index: bool) -> Values {
        let policy = self.policy;
        let text_of = |t: &Token| &self.text[t.start..t.end];
        let (mut numbers, mut texts) = (0usize, 0usize);
        let mut first = None;
        for (row, t) in column.iter().enumerate() {
            match t.kind {
                Kind::Number(_) => numbers += 1,
                Kind::Text { .. } if policy.text_as_null && is_text_null(text_of(t)) => {}
                Kind::Text { .. } => {
                    texts += 1;
                    first.get_or_insert((self.row_lines[row], text_of(t).to_owned()));
                }
                Kind::Empty => {}
            }
        }
        let is_null = |v: f64| {
            !index
                && (policy.is_null(v, self.declared_null)
                    || (policy.text_as_null && !v.is_finite()))
        };
        let text_curve = texts > 0 && (!policy.text_as_null || texts > numbers);
        match first {
            Some(first) if text_curve => Values::Text {
                values: column
                    .iter()
                    .map(|t| match t.kind {
                        // As lasio: a text curve's values are as given, but for `common`'s nulls.
                        Kind::Number(v) if policy.text_as_null && is_null(v) => String::new(),
                        Kind::Text { .. } if policy.text_as_null && is_text_null(text_of(t)) => {
                            String::new()
                        }
                        _ => text_of(t).to_owned(),
                    })
                    .collect(),
                first,
            },
            _ => Values::Numbers(
                column
                    .iter()
                    .map(|t| match t.kind {
                        Kind::Number(v) if !is_null(v) => v,
                        _ => f64::NAN,
                    })
                    .collect(),
            ),
        }
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
        });
        let null = Token {
            start: 0,
            end: 0,
            kind: Kind::Empty,
        };
        let pending = std::mem::take(&mut self.pending);
        let filled = pending.into_iter().chain(std::iter::repeat(null));
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
        for (note, what, done) in notes {
            if note.count > 0 {
                warnings.push(Warning {
                    line: note.first_line,
                    message: format!(
                        "{} rows have {what} the {curves} curves (the first has {}); {done}",
                        note.count, note.first_len
                    ),
                });
            }
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
