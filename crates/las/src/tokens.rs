//! A data line to its values ([`Token`]s): how values are delimited, quoted text, decimal commas,
//! run-on numbers, and text values with spaces.
//!
//! The rules, each as lasio (the reference Python reader) applies it, unless said otherwise:
//!
//! - **Delimiter.** Spaces and tabs separate values, and a `"..."` or `'...'` quoted value is
//!   one value with its spaces. Commas separate values when `~V` declares `DLM. COMMA`, or when
//!   the line has a comma that is not a decimal comma (zoepnet's extension: lasio needs `DLM`);
//!   there an empty field is a null.
//! - **Decimal comma.** In a space-delimited line, a comma between two digits is a decimal mark
//!   (`1669,875` is 1669.875), lasio's `comma-decimal-mark` substitution.
//! - **Run-on numbers.** A fixed-width writer can leave no space before a minus sign:
//!   `7.33-19508.961` is 7.33 and -19508.961, `-999.25-999.25` is two nulls (lasio's `run-on(-)`:
//!   a minus between two digits starts a new value). zoepnet splits only where every piece is a
//!   decimal number with a point, so that a date such as `2023-03-02` stays text.
//! - **Text with spaces.** A row with more values than curves whose extra values are not all
//!   numbers (an unquoted `2023-03-02 10:15:00`, `pick gamma`) is read by joining each run of
//!   adjacent text values into one, if that gives exactly one value per curve; otherwise the line
//!   is an error. lasio shifts every later value into the wrong curve here; zoepnet never does.

use crate::number::parse_number;

/// One value of a data line: where its text is (byte offsets into the section's text) and what
/// it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Token {
    /// Start of the value's text, a byte offset.
    pub start: usize,
    /// End of the value's text (exclusive).
    pub end: usize,
    /// What the text is.
    pub kind: Kind,
}

/// What a value's text is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// A number (Fortran `D` exponents and decimal commas accepted).
    Number(f64),
    /// Text that is not a number; `quoted` when it was written in quotes.
    Text {
        /// Whether the text was in quotes (then it is never joined with its neighbours).
        quoted: bool,
    },
    /// An empty comma-delimited field: a null.
    Empty,
}

/// How the values of a line are delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delimiter {
    /// Spaces and tabs.
    Space,
    /// Commas.
    Comma,
}

impl Delimiter {
    /// The delimiter of `line`: commas when the header declares them (`declared_comma`) or the
    /// line has a comma, outside quotes, that is not between two digits of a space-delimited
    /// line.
    pub(crate) fn of(line: &str, declared_comma: bool) -> Self {
        if declared_comma {
            return Delimiter::Comma;
        }
        if !line.contains(',') {
            return Delimiter::Space;
        }
        let bytes = line.as_bytes();
        let mut quote = None;
        let mut commas = 0;
        let mut decimal = true;
        for (i, &b) in bytes.iter().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b',') => {
                    commas += 1;
                    let digit = |j: Option<usize>| {
                        j.and_then(|j| bytes.get(j))
                            .is_some_and(|c| c.is_ascii_digit())
                    };
                    decimal &= digit(i.checked_sub(1)) && digit(Some(i + 1));
                }
                _ => {}
            }
        }
        let several_words = line.split_whitespace().nth(1).is_some();
        if commas == 0 || (decimal && several_words) {
            Delimiter::Space
        } else {
            Delimiter::Comma
        }
    }
}

/// Appends the values of `line` to `out`. `offset` is where `line` starts in the section's text
/// (token positions are offsets into that text).
pub(crate) fn split(line: &str, offset: usize, delimiter: Delimiter, out: &mut Vec<Token>) {
    match delimiter {
        Delimiter::Space => split_on_space(line, offset, out),
        Delimiter::Comma => split_on_comma(line, offset, out),
    }
}

fn split_on_space(line: &str, offset: usize, out: &mut Vec<Token>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' || b == b'\t' {
            i += 1;
        } else if b == b'"' || b == b'\'' {
            // A quoted value runs to the matching quote (or the end of the line).
            let start = i + 1;
            let end = line[start..]
                .find(char::from(b))
                .map_or(line.len(), |e| start + e);
            out.push(quoted(&line[start..end], offset + start));
            i = end + 1;
        } else {
            let end = bytes[i..]
                .iter()
                .position(|&b| matches!(b, b' ' | b'\t' | b'"' | b'\''))
                .map_or(line.len(), |e| i + e);
            word(&line[i..end], offset + i, out);
            i = end;
        }
    }
}

fn split_on_comma(line: &str, offset: usize, out: &mut Vec<Token>) {
    let mut start = 0;
    for field in line.split(',') {
        let lead = field.len() - field.trim_start().len();
        let text = field.trim();
        let at = offset + start + lead;
        start += field.len() + 1;
        let unquoted = text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')));
        match unquoted {
            _ if text.is_empty() => out.push(Token {
                start: at,
                end: at,
                kind: Kind::Empty,
            }),
            Some(inner) => out.push(quoted(inner, at + 1)),
            None => word(text, at, out),
        }
    }
}

/// A quoted value: a number if its text is one, else text.
fn quoted(text: &str, start: usize) -> Token {
    let kind = match parse_number(text.trim()) {
        Ok(v) => Kind::Number(v),
        Err(()) => Kind::Text { quoted: true },
    };
    Token {
        start,
        end: start + text.len(),
        kind,
    }
}

/// An unquoted value (or run-on values) `text`, starting at `start`.
fn word(text: &str, start: usize, out: &mut Vec<Token>) {
    let token = |kind, from: usize, to: usize| Token {
        start: start + from,
        end: start + to,
        kind,
    };
    if let Some(v) = number(text) {
        out.push(token(Kind::Number(v), 0, text.len()));
    } else if let Some(pieces) = run_on(text) {
        out.extend(
            pieces
                .into_iter()
                .map(|(from, to, v)| token(Kind::Number(v), from, to)),
        );
    } else {
        out.push(token(Kind::Text { quoted: false }, 0, text.len()));
    }
}

/// A number, with a decimal comma taken as a point (`1669,875`).
fn number(text: &str) -> Option<f64> {
    match parse_number(text) {
        Ok(v) => Some(v),
        Err(()) if text.contains(',') => parse_number(&text.replace(',', ".")).ok(),
        Err(()) => None,
    }
}

/// `7.33-19508.961` as the numbers it runs together, with their places: split before each minus
/// sign between two digits, when every piece is a number with a decimal point.
fn run_on(text: &str) -> Option<Vec<(usize, usize, f64)>> {
    let bytes = text.as_bytes();
    let mut cuts: Vec<usize> = (1..bytes.len().saturating_sub(1))
        .filter(|&i| {
            bytes[i] == b'-' && bytes[i - 1].is_ascii_digit() && bytes[i + 1].is_ascii_digit()
        })
        .collect();
    if cuts.is_empty() {
        return None;
    }
    cuts.insert(0, 0);
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| {
            let piece = &text[w[0]..w[1]];
            let v = number(piece).filter(|_| piece.contains(['.', ',']))?;
            Some((w[0], w[1], v))
        })
        .collect()
}

/// Joins each run of adjacent unquoted text values of `tokens` (one row's values) into one, when
/// that makes exactly `curves` values. Returns whether it did.
pub(crate) fn join_text_runs(tokens: &mut Vec<Token>, curves: usize) -> bool {
    let is_loose_text = |t: &Token| matches!(t.kind, Kind::Text { quoted: false });
    let joined = tokens.len()
        - tokens
            .windows(2)
            .filter(|w| is_loose_text(&w[0]) && is_loose_text(&w[1]))
            .count();
    if joined != curves {
        return false;
    }
    let mut out: Vec<Token> = Vec::with_capacity(curves);
    for &t in tokens.iter() {
        match out.last_mut() {
            Some(last) if is_loose_text(last) && is_loose_text(&t) => last.end = t.end,
            _ => out.push(t),
        }
    }
    *tokens = out;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values of `line` as (text, number) pairs, under its own delimiter.
    fn values(line: &str) -> Vec<(String, Option<f64>)> {
        let mut out = Vec::new();
        split(line, 0, Delimiter::of(line, false), &mut out);
        out.iter()
            .map(|t| {
                let number = match t.kind {
                    Kind::Number(v) => Some(v),
                    _ => None,
                };
                (line[t.start..t.end].to_owned(), number)
            })
            .collect()
    }

    fn v(text: &str, number: Option<f64>) -> (String, Option<f64>) {
        (text.to_owned(), number)
    }

    #[test]
    fn spaces_tabs_and_quotes() {
        assert_eq!(
            values(" 1.5\t2.5D2  \"pick gamma\" 'x'"),
            [
                v("1.5", Some(1.5)),
                v("2.5D2", Some(250.0)),
                v("pick gamma", None),
                v("x", None)
            ]
        );
    }

    #[test]
    fn commas_delimit_unless_they_are_decimal_commas() {
        assert_eq!(
            Delimiter::of("1670.0,400.0,2550.0", false),
            Delimiter::Comma
        );
        assert_eq!(Delimiter::of("1670.0, 400.0 ,", false), Delimiter::Comma);
        assert_eq!(
            Delimiter::of("1669,875 400,5 2550", false),
            Delimiter::Space
        );
        assert_eq!(Delimiter::of("1 \"a, b\" 2", false), Delimiter::Space);
        assert_eq!(Delimiter::of("1 2", true), Delimiter::Comma);
        assert_eq!(
            values("1669,875  -999,25 2550"),
            [
                v("1669,875", Some(1669.875)),
                v("-999,25", Some(-999.25)),
                v("2550", Some(2550.0))
            ]
        );
        assert_eq!(
            values("1670.0,,\"a\""),
            [v("1670.0", Some(1670.0)), v("", None), v("a", None)]
        );
    }

    #[test]
    fn run_on_numbers_split_but_dates_stay_text() {
        assert_eq!(
            values("7.33-19508.961 -999.25-999.25"),
            [
                v("7.33", Some(7.33)),
                v("-19508.961", Some(-19508.961)),
                v("-999.25", Some(-999.25)),
                v("-999.25", Some(-999.25))
            ]
        );
        assert_eq!(values("2023-03-02"), [v("2023-03-02", None)]);
        assert_eq!(values("1.5E-03"), [v("1.5E-03", Some(1.5e-3))]);
    }

    #[test]
    fn text_runs_join_only_to_one_value_per_curve() {
        let line = "2500.00  2023-03-02 10:15:00   55.10   290.40   2450.0";
        let mut tokens = Vec::new();
        split(line, 0, Delimiter::Space, &mut tokens);
        assert_eq!(tokens.len(), 6);
        assert!(!join_text_runs(&mut tokens.clone(), 4));
        assert!(join_text_runs(&mut tokens, 5));
        let texts: Vec<&str> = tokens.iter().map(|t| &line[t.start..t.end]).collect();
        assert_eq!(
            texts,
            [
                "2500.00",
                "2023-03-02 10:15:00",
                "55.10",
                "290.40",
                "2450.0"
            ]
        );
        // "Zone 3" is text then a number: no join gives one value per curve.
        let line = "1 Zone 3 2";
        let mut tokens = Vec::new();
        split(line, 0, Delimiter::Space, &mut tokens);
        assert!(!join_text_runs(&mut tokens, 3));
    }
}
