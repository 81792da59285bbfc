//! CSV tables of interfaces (`vp1,vs1,rho1,vp2,vs2,rho2,theta` among any other columns), read
//! with every bad row reported by line, and written whole or not at all.

use std::path::Path;

use anyhow::Context;
use csv::StringRecord;
use zoepnet_dataset::{FEATURES, Feature, FeatureVector};

use super::{UsageError, write_atomically};

/// The input columns, by header name: the upper and lower layers and the angle.
pub const COLUMNS: [&str; FEATURES] = Feature::NAMES;
/// At most this many bad rows are listed.
const MAX_REPORTED: usize = 20;

/// The header row and, per data row, the row as read and what `compute` made of its seven
/// numbers. A row that is not seven numbers, or that `compute` refuses, is reported with its
/// line; any such row makes the whole read an error.
pub fn read_rows<T>(
    input: &Path,
    compute: impl Fn(&FeatureVector) -> Result<T, String>,
) -> anyhow::Result<(StringRecord, Vec<(StringRecord, T)>)> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(input)
        .with_context(|| input.display().to_string())
        .map_err(|e| UsageError(format!("{e:#}")))?;
    let headers = reader
        .headers()
        .map_err(|e| UsageError(format!("{}: {e}", input.display())))?
        .clone();
    let index = COLUMNS.map(|name| headers.iter().position(|h| h.eq_ignore_ascii_case(name)));
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&index)
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(UsageError(format!(
            "{}: line 1: missing column(s) {} (the header row must name {})",
            input.display(),
            missing.join(", "),
            COLUMNS.join(",")
        ))
        .into());
    }
    // A column named twice: which one is meant cannot be told.
    for name in COLUMNS {
        let at: Vec<String> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if at.len() > 1 {
            return Err(UsageError(format!(
                "{}: line 1: column {name} appears {} times (columns {}): name it once",
                input.display(),
                at.len(),
                at.join(" and ")
            ))
            .into());
        }
    }
    let index = index.map(|i| i.unwrap_or_default());
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("{len} fields where the header row has {expected_len}"),
                    csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
                    _ => e.to_string(),
                };
                bad.push((line, message));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        match row_values(&record, &index).and_then(|v| compute(&v)) {
            Ok(value) => rows.push((record, value)),
            Err(message) => bad.push((line, message)),
        }
    }
    if !bad.is_empty() {
        let mut message = format!("{}: {} bad row(s)", input.display(), bad.len());
        let groups = grouped(&bad);
        for (_, text) in groups.iter().take(MAX_REPORTED) {
            message.push_str("\n  ");
            message.push_str(text);
        }
        let unlisted: usize = groups.iter().skip(MAX_REPORTED).map(|(n, _)| n).sum();
        if unlisted > 0 {
            message.push_str(&format!("\n  ... and {unlisted} more"));
        }
        return Err(UsageError(message).into());
    }
    Ok((headers, rows))
}

/// The bad rows (line, message) as lines of a report, one per run of adjacent bad rows with
/// the same message (`line 4: ...`, `lines 2-5: ...` for consecutive lines, `lines 2, 7: ...`),
/// each with the number of rows it stands for.
fn grouped(bad: &[(u64, String)]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut rest = bad;
    while let Some((_, message)) = rest.first() {
        let run = rest.iter().take_while(|(_, m)| m == message).count();
        let lines: Vec<u64> = rest[..run].iter().map(|(l, _)| *l).collect();
        let (first, last) = (lines[0], lines[run - 1]);
        let which = if run == 1 {
            format!("line {first}")
        } else if last - first + 1 == run as u64 {
            format!("lines {first}-{last}")
        } else {
            let list: Vec<String> = lines.iter().map(u64::to_string).collect();
            format!("lines {}", list.join(", "))
        };
        out.push((run, format!("{which}: {message}")));
        rest = &rest[run..];
    }
    out
}

/// The seven numbers of a row, in [`COLUMNS`] order, or what is wrong with them.
fn row_values(record: &StringRecord, index: &[usize; FEATURES]) -> Result<FeatureVector, String> {
    let mut values = [0.0; FEATURES];
    for ((value, &i), name) in values.iter_mut().zip(index).zip(COLUMNS) {
        let field = record.get(i).unwrap_or("");
        if field.is_empty() {
            return Err(format!("{name} is missing"));
        }
        *value = field
            .parse()
            .map_err(|_| format!("{name}: expected a number, found {field:?}"))?;
    }
    Ok(values)
}

/// Writes the rows with `added` columns after the input's own, to `output` (atomically) or to
/// stdout (a closed pipe is not an error). An input column named as an added one is refused
/// ([`UsageError`]): output column names are unique.
/// Whether `e` is, or wraps (the csv writer wraps its sink's errors), a closed pipe.
fn is_broken_pipe(e: &std::io::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = next {
        let io = err.downcast_ref::<std::io::Error>();
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            return true;
        }
        if let Some(csv::ErrorKind::Io(inner)) =
            err.downcast_ref::<csv::Error>().map(csv::Error::kind)
            && inner.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        // An io::Error holding another error: look at it, then at its causes.
        next = io
            .and_then(std::io::Error::get_ref)
            .map(|inner| inner as &(dyn std::error::Error + 'static))
            .or_else(|| err.source());
    }
    false
}

pub fn write_rows(
    headers: &StringRecord,
    added: &[&str],
    rows: &[(StringRecord, Vec<String>)],
    output: Option<&Path>,
) -> anyhow::Result<()> {
    // Output columns are unique: an input column of an added name is refused, not doubled.
    if let Some(name) = added.iter().find(|a| headers.iter().any(|h| h == **a)) {
        return Err(UsageError(format!(
            "the input already has a column named `{name}`, which this command adds: rename or \
             drop it (the output's column names must be unique)"
        ))
        .into());
    }
    let write = |sink: &mut dyn std::io::Write| -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(sink);
        let mut head = headers.clone();
        added.iter().for_each(|h| head.push_field(h));
        writer.write_record(&head)?;
        for (record, extra) in rows {
            let mut out = record.clone();
            extra.iter().for_each(|f| out.push_field(f));
            writer.write_record(&out)?;
        }
        writer.flush()
    };
    match output {
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut stdout).and_then(|()| std::io::Write::flush(&mut stdout)) {
                // `predict ... | head`: the reader has what it wanted.
                Err(e) if is_broken_pipe(&e) => Ok(()),
                other => other.context("writing CSV to stdout"),
            }
        }
        Some(path) => {
            super::output_file(path, "out.csv")?;
            write_atomically(path, |file| {
                let mut buffered = std::io::BufWriter::new(file);
                write(&mut buffered)?;
                std::io::Write::flush(&mut buffered)
            })
            .with_context(|| format!("writing {}", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn bad_rows_with_one_message_are_reported_once() {
        let bad: Vec<(u64, String)> = [(2, "a"), (3, "a"), (4, "a"), (5, "b"), (7, "b"), (8, "a")]
            .into_iter()
            .map(|(l, m)| (l, m.to_owned()))
            .collect();
        assert_eq!(
            grouped(&bad),
            [
                (3, "lines 2-4: a".to_owned()),
                (2, "lines 5, 7: b".to_owned()),
                (1, "line 8: a".to_owned()),
            ]
        );
    }
}
