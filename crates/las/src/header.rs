//! Header sections and their items: `MNEM.UNIT  VALUE : DESCRIPTION`.

use crate::error::{LasError, excerpt};

/// One header line: `MNEM.UNIT  VALUE : DESCRIPTION`.
///
/// Following LAS 2.0 (CWLS, 1992), the mnemonic ends at the first period, the unit at the first
/// space after it, and the description starts after the last colon (a colon inside `{...}`, as in
/// `{YYYY/MM/DD hh:mm}`, does not count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderItem {
    /// The mnemonic, made unique within its section (`DT:1`, `DT:2` when `DT` appears twice).
    pub mnemonic: String,
    /// The mnemonic as the file gives it.
    pub original_mnemonic: String,
    /// The unit as the file gives it (`M`, `US/M`, `0.1 IN`), empty when there is none.
    pub unit: String,
    /// The value (for curves, the API code), empty when there is none.
    pub value: String,
    /// The description, empty when there is none.
    pub description: String,
    /// 1-based line number in the file.
    pub line: usize,
}

/// A header section (`~V`, `~W`, `~C`, `~P` or another) and its items in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The section's title line without the `~` (e.g. `WELL INFORMATION`).
    pub title: String,
    /// The items, in file order.
    pub items: Vec<HeaderItem>,
}

impl Section {
    /// The item with this mnemonic, compared without regard to case; the renamed mnemonic
    /// (`DT:2`) is matched first, then the original one.
    pub fn get(&self, mnemonic: &str) -> Option<&HeaderItem> {
        self.items
            .iter()
            .find(|i| i.mnemonic.eq_ignore_ascii_case(mnemonic))
            .or_else(|| {
                self.items
                    .iter()
                    .find(|i| i.original_mnemonic.eq_ignore_ascii_case(mnemonic))
            })
    }

    /// The value of the item with this mnemonic, if present and not empty.
    pub fn value(&self, mnemonic: &str) -> Option<&str> {
        self.get(mnemonic)
            .map(|i| i.value.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Gives duplicate mnemonics the suffixes `:1`, `:2`, ... (all of them, the first included),
    /// keeping the original in `original_mnemonic`. Returns the names that were duplicated.
    pub(crate) fn rename_duplicates(items: &mut [HeaderItem]) -> Vec<String> {
        let mut duplicated = Vec::new();
        for i in 0..items.len() {
            let name = items[i].original_mnemonic.to_ascii_uppercase();
            if duplicated
                .iter()
                .any(|d: &String| d.eq_ignore_ascii_case(&name))
            {
                continue;
            }
            let same: Vec<usize> = (i..items.len())
                .filter(|&j| items[j].original_mnemonic.eq_ignore_ascii_case(&name))
                .collect();
            if same.len() > 1 {
                for (n, &j) in same.iter().enumerate() {
                    items[j].mnemonic = format!("{}:{}", items[j].original_mnemonic, n + 1);
                }
                duplicated.push(items[i].original_mnemonic.clone());
            }
        }
        duplicated
    }
}

/// Where a colon is in `text` outside `{...}`, the last one.
fn last_colon_outside_braces(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut found = None;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = (depth - 1).max(0),
            ':' if depth == 0 => found = Some(i),
            _ => {}
        }
    }
    found.or_else(|| text.rfind(':'))
}

/// Parses one header line. `curves` turns on the rule for mnemonics that end in a period
/// (`I. RES..OHMM`, as lasio reads them): there the mnemonic runs to the last `..`.
pub(crate) fn parse_item(raw: &str, line: usize, curves: bool) -> Result<HeaderItem, LasError> {
    let text = raw.trim();
    let (before, description) = match last_colon_outside_braces(text) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    let Some(first_dot) = before.find('.') else {
        if description.is_empty() && !text.contains(':') {
            return Err(LasError::Syntax {
                line,
                expected: "a header line `MNEMONIC.UNIT VALUE : DESCRIPTION`".into(),
                found: excerpt(raw),
            });
        }
        // Without a period the mnemonic is the first word. `NAME : VALUE` (as lasio reads it)
        // or `NAME  CODE : DESCRIPTION`, as a `~C` line with an API code and no unit.
        let before = before.trim();
        return Ok(match before.split_once(char::is_whitespace) {
            Some((name, code)) => item(name, "", code.trim(), description, line),
            None => item(before, "", description, "", line),
        });
    };
    let dot = if curves {
        double_dot(before).unwrap_or(first_dot)
    } else {
        first_dot
    };
    let mnemonic = before[..dot].trim();
    let rest = &before[dot + 1..];
    let (unit, value) = split_unit(rest);
    Ok(item(mnemonic, unit, value.trim(), description, line))
}

/// In `I. RES..OHMM`, the index of the period that ends the mnemonic (the second of the last
/// `..` preceded by a non-space).
fn double_dot(before: &str) -> Option<usize> {
    let at = before.rfind("..")?;
    let preceded = before[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace());
    preceded.then_some(at + 1)
}

/// Splits what follows the mnemonic's period into the unit and the value. The unit ends at the
/// first space, except that a scale (`0.1`, `1000`) followed by a word is one unit (`0.1 IN`,
/// `1000 LBF`).
fn split_unit(rest: &str) -> (&str, &str) {
    if rest.starts_with(char::is_whitespace) || rest.is_empty() {
        return ("", rest);
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let unit = &rest[..end];
    let is_scale = unit.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if is_scale {
        let after = &rest[end..];
        let word_start = end + (after.len() - after.trim_start().len());
        let word_end = rest[word_start..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |e| word_start + e);
        let word = &rest[word_start..word_end];
        if word.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return (&rest[..word_end], &rest[word_end..]);
        }
    }
    (unit, &rest[end..])
}

fn item(mnemonic: &str, unit: &str, value: &str, description: &str, line: usize) -> HeaderItem {
    let mnemonic = if mnemonic.is_empty() {
        "UNKNOWN"
    } else {
        mnemonic
    };
    HeaderItem {
        mnemonic: mnemonic.to_owned(),
        original_mnemonic: mnemonic.to_owned(),
        unit: unit.to_owned(),
        value: value.to_owned(),
        description: description.to_owned(),
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> (String, String, String, String) {
        let i = parse_item(line, 1, true).unwrap();
        (i.mnemonic, i.unit, i.value, i.description)
    }

    fn t(m: &str, u: &str, v: &str, d: &str) -> (String, String, String, String) {
        (m.into(), u.into(), v.into(), d.into())
    }

    #[test]
    fn reads_the_las_2_line_forms() {
        assert_eq!(
            parse(" STRT.M       2193.03600   :START DEPTH"),
            t("STRT", "M", "2193.03600", "START DEPTH")
        );
        assert_eq!(
            parse(" NULL.        -999.25000 :NULL VALUE"),
            t("NULL", "", "-999.25000", "NULL VALUE")
        );
        assert_eq!(
            parse(" DT4P.US/M        :DELTA-T {F13.4}"),
            t("DT4P", "US/M", "", "DELTA-T {F13.4}")
        );
        // The value may hold colons; the description starts after the last one.
        assert_eq!(
            parse(" DATE.   12:30:00 : LOG TIME"),
            t("DATE", "", "12:30:00", "LOG TIME")
        );
        // ... but not one inside braces.
        assert_eq!(
            parse(" CREA.        2006/03/10 09:49   :LAS Creation date {YYYY/MM/DD hh  :mm}"),
            t(
                "CREA",
                "",
                "2006/03/10 09:49",
                "LAS Creation date {YYYY/MM/DD hh  :mm}"
            )
        );
    }

    #[test]
    fn reads_the_odd_forms_found_in_the_wild() {
        // No description colon.
        assert_eq!(parse(" WELL.   ALMA 3"), t("WELL", "", "ALMA 3", ""));
        // A unit with a space in it.
        assert_eq!(
            parse(" STRT.0.1 IN   12000 : START"),
            t("STRT", "0.1 IN", "12000", "START")
        );
        assert_eq!(
            parse(" TENS.1000 LBF  3.5 : TENSION"),
            t("TENS", "1000 LBF", "3.5", "TENSION")
        );
        assert_eq!(
            parse(" DEPT.0.1 IN     : DEPTH"),
            t("DEPT", "0.1 IN", "", "DEPTH")
        );
        // A scale alone is a unit.
        assert_eq!(parse(" RUN.1   5 : RUN"), t("RUN", "1", "5", "RUN"));
        // No period at all: name and value around the colon.
        assert_eq!(
            parse(" LOCATION : OFFSHORE"),
            t("LOCATION", "", "OFFSHORE", "")
        );
        // ... or the first word is the mnemonic, never the tabs and API code after it.
        assert_eq!(
            parse("DEPT\t   \t 00:     1  DEPTH"),
            t("DEPT", "", "00", "1  DEPTH")
        );
        assert_eq!(
            parse("CALI                 01:     2  CALIPER"),
            t("CALI", "", "01", "2  CALIPER")
        );
        // A mnemonic that ends in a period.
        assert_eq!(
            parse(" I. RES..OHMM   : INDUCTION"),
            t("I. RES.", "OHMM", "", "INDUCTION")
        );
        // An empty mnemonic.
        assert_eq!(parse(" .M  : ?"), t("UNKNOWN", "M", "", "?"));
    }

    #[test]
    fn a_line_with_neither_period_nor_colon_is_an_error_naming_its_line() {
        let err = parse_item("JUST SOME WORDS", 7, false)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 7: expected a header line"), "{err}");
    }

    #[test]
    fn duplicates_are_all_renamed() {
        let mut items: Vec<HeaderItem> = ["DEPT", "DT", "GR", "dt"]
            .iter()
            .map(|m| item(m, "", "", "", 1))
            .collect();
        let dups = Section::rename_duplicates(&mut items);
        let names: Vec<&str> = items.iter().map(|i| i.mnemonic.as_str()).collect();
        assert_eq!(names, ["DEPT", "DT:1", "GR", "dt:2"]);
        assert_eq!(dups, ["DT"]);
        let section = Section {
            title: "C".into(),
            items,
        };
        assert_eq!(
            section.get("dt:2").map(|i| i.original_mnemonic.as_str()),
            Some("dt")
        );
        assert_eq!(section.get("DT").map(|i| i.mnemonic.as_str()), Some("DT:1"));
    }
}
