//! CSV tables of interfaces (`vp1,vs1,rho1,vp2,vs2,rho2,theta` among any other columns):
//! read with every bad row reported by line, and written with added columns, to a file whole
//! or not at all.

use std::path::{Path, PathBuf};

use csv::StringRecord;

use crate::{FEATURES, Feature, FeatureVector, Features as _};

/// The input columns, by header name: the upper and lower layers and the angle.
pub const COLUMNS: [&str; FEATURES] = Feature::NAMES;
/// At most this many bad rows are listed.
const MAX_REPORTED: usize = 20;

/// Why a table could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file does not open, or its header row does not read.
    #[error("{}: {message}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Input columns missing from the header row.
    #[error(
        "{}: line 1: missing column(s) {} (the header row must name {})",
        path.display(),
        missing.join(", "),
        COLUMNS.join(",")
    )]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The columns missing.
        missing: Vec<&'static str>,
    },
    /// An input column named more than once: which one is meant cannot be told.
    #[error(
        "{}: line 1: column {name} appears {} times (columns {}): name it once",
        path.display(),
        at.len(),
        at.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
    )]
    Twice {
        /// The file.
        path: PathBuf,
        /// The column.
        name: &'static str,
        /// Where (1-based).
        at: Vec<usize>,
    },
    /// Rows that are not seven numbers, or that the computation refused.
    #[error("{}: {count} bad row(s){report}", path.display())]
    BadRows {
        /// The file.
        path: PathBuf,
        /// How many.
        count: usize,
        /// One line per run of rows with the same message (`\n  lines 2-5: ...`), at most
        /// twenty, then how many more.
        report: String,
    },
    /// A label that is not a number.
    #[error("{}: line {line}: column rpp: expected a number, found {field:?}", path.display())]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// Its line.
        line: u64,
        /// What it holds.
        field: String,
    },
    /// A table without a data row.
    #[error("{}: no rows", .0.display())]
    NoRows(PathBuf),
    /// An input column named as one the output adds.
    #[error(
        "the input already has a column named `{0}`, which this command adds: rename or drop it \
         (the output's column names must be unique)"
    )]
    AddedColumn(String),
    /// The output could not be written.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// The file (`-` for a stream).
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl TableError {
    /// Whether it comes from what the user gave (all but a failed write).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, TableError::Write { .. })
    }
}

/// A table read: its header row and, per data row, the row as read and what the computation
/// made of its seven numbers.
pub type Table<T> = (StringRecord, Vec<(StringRecord, T)>);

/// Reads the table at `input`, each row's seven numbers given to `compute`. A row that is not
/// seven numbers, or that `compute` refuses, is reported with its line; any such row makes the
/// whole read an error.
///
/// # Errors
/// [`TableError`]: the file, its header row, or its bad rows.
pub fn read_rows<T>(
    input: &Path,
    compute: impl Fn(&FeatureVector) -> Result<T, String>,
) -> Result<Table<T>, TableError> {
    let open = |e: csv::Error| TableError::Open {
        path: input.to_owned(),
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(input)
        .map_err(open)?;
    let headers = reader.headers().map_err(open)?.clone();
    let index = column_index(input, &headers)?;
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push((e.position().map_or(0, csv::Position::line), unreadable(&e)));
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
        return Err(bad_rows(input, &bad));
    }
    Ok((headers, rows))
}

/// A table of labelled interfaces ([`read_labelled`]).
#[derive(Debug, Clone)]
pub struct Labelled {
    /// The interfaces, with their labels.
    pub items: Vec<crate::InterfaceItem>,
    /// Each one's line in the file.
    pub lines: Vec<u64>,
    /// Whether the labels come from the table's `rpp` column (else exact Zoeppritz, computed).
    pub from_column: bool,
}

/// The interfaces of the table at `input` with their Rpp: its `rpp` column where it has one
/// (as `zoepnet data` writes), else the exact Zoeppritz coefficient.
///
/// # Errors
/// As [`read_rows`]; a label that is not a number; a table without rows.
pub fn read_labelled(input: &Path) -> Result<Labelled, TableError> {
    let (headers, rows) = read_rows(input, |v| {
        let interface = zoepnet_physics::Interface::from_properties(v.properties());
        crate::InterfaceItem::labelled(&interface, v.theta()).map_err(|e| e.to_string())
    })?;
    let label = headers.iter().position(|h| h.eq_ignore_ascii_case("rpp"));
    let mut labelled = Labelled {
        items: Vec::with_capacity(rows.len()),
        lines: Vec::with_capacity(rows.len()),
        from_column: label.is_some(),
    };
    for (record, mut item) in rows {
        let line = record.position().map_or(0, csv::Position::line);
        if let Some(col) = label {
            let field = record.get(col).unwrap_or_default();
            item.rpp = field.parse().map_err(|_| TableError::BadLabel {
                path: input.to_owned(),
                line,
                field: field.to_owned(),
            })?;
        }
        labelled.items.push(item);
        labelled.lines.push(line);
    }
    if labelled.items.is_empty() {
        return Err(TableError::NoRows(input.to_owned()));
    }
    Ok(labelled)
}

/// Where each of [`COLUMNS`] is in `headers`.
fn column_index(input: &Path, headers: &StringRecord) -> Result<[usize; FEATURES], TableError> {
    let index = COLUMNS.map(|name| headers.iter().position(|h| h.eq_ignore_ascii_case(name)));
    let missing: Vec<&'static str> = COLUMNS
        .iter()
        .zip(&index)
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(TableError::MissingColumns {
            path: input.to_owned(),
            missing,
        });
    }
    for name in COLUMNS {
        let at: Vec<usize> = headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| i + 1)
            .collect();
        if at.len() > 1 {
            return Err(TableError::Twice {
                path: input.to_owned(),
                name,
                at,
            });
        }
    }
    Ok(index.map(|i| i.unwrap_or_default()))
}

/// What is wrong with a row the CSV reader could not read.
fn unreadable(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header row has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        _ => e.to_string(),
    }
}

/// The error for the bad rows (line, message) of `input`.
fn bad_rows(input: &Path, bad: &[(u64, String)]) -> TableError {
    let groups = grouped(bad);
    let mut report = String::new();
    for (_, text) in groups.iter().take(MAX_REPORTED) {
        report.push_str("\n  ");
        report.push_str(text);
    }
    let unlisted: usize = groups.iter().skip(MAX_REPORTED).map(|(n, _)| n).sum();
    if unlisted > 0 {
        report.push_str(&format!("\n  ... and {unlisted} more"));
    }
    TableError::BadRows {
        path: input.to_owned(),
        count: bad.len(),
        report,
    }
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

/// Writes the rows to `sink` with `added` columns after the input's own.
///
/// # Errors
/// [`TableError::AddedColumn`] where an input column is named as an added one (output column
/// names are unique); the sink's error.
pub fn write_rows(
    headers: &StringRecord,
    added: &[&str],
    rows: &[(StringRecord, Vec<String>)],
    sink: &mut dyn std::io::Write,
) -> Result<(), TableError> {
    if let Some(name) = added.iter().find(|a| headers.iter().any(|h| h == **a)) {
        return Err(TableError::AddedColumn((*name).to_owned()));
    }
    let mut write = || -> Result<(), csv::Error> {
        let mut writer = csv::Writer::from_writer(&mut *sink);
        let mut head = headers.clone();
        added.iter().for_each(|h| head.push_field(h));
        writer.write_record(&head)?;
        for (record, extra) in rows {
            let mut out = record.clone();
            extra.iter().for_each(|f| out.push_field(f));
            writer.write_record(&out)?;
        }
        writer.flush()?;
        Ok(())
    };
    write().map_err(|e| TableError::Write {
        path: PathBuf::from("-"),
        source: e.into(),
    })
}

/// [`write_rows`] to the file `path`, whole or not at all.
///
/// # Errors
/// As [`write_rows`], naming the file.
pub fn write_file(
    headers: &StringRecord,
    added: &[&str],
    rows: &[(StringRecord, Vec<String>)],
    path: &Path,
) -> Result<(), TableError> {
    let mut bytes = Vec::new();
    write_rows(headers, added, rows, &mut bytes)?;
    crate::write_atomically(path, |file| std::io::Write::write_all(file, &bytes)).map_err(
        |source| TableError::Write {
            path: path.to_owned(),
            source,
        },
    )
}

/// The files of a dataset's folder ([`write_dataset`]).
pub const DATASET_FILES: [&str; 5] = [
    "train.csv",
    "val.csv",
    "blind_rocks.csv",
    "new_angles.csv",
    "scaler.json",
];

/// Writes `prepared` into the folder `out` (created if missing), each file whole or not at
/// all: the training, validation and "new rocks" interfaces as `vp1,...,theta,rpp` tables (SI
/// units, degrees), the "new angles" sweeps with a leading `interface` column, and the scaler.
///
/// # Errors
/// [`TableError::Write`] naming the file.
pub fn write_dataset(prepared: &crate::Prepared, out: &Path) -> Result<(), TableError> {
    let write_err = |path: PathBuf| move |source| TableError::Write { path, source };
    std::fs::create_dir_all(out).map_err(write_err(out.to_owned()))?;
    let [train, val, rocks, angles, scaler] = DATASET_FILES.map(|f| out.join(f));
    write_items(&train, &prepared.train, None)?;
    write_items(&val, &prepared.validation, None)?;
    write_items(&rocks, &prepared.blind_rocks, None)?;
    let sweeps = prepared.new_angles.iter();
    let (index, items): (Vec<usize>, Vec<crate::InterfaceItem>) = sweeps
        .flat_map(|s| s.items.iter().map(move |item| (s.interface, *item)))
        .unzip();
    write_items(&angles, &items, Some(&index))?;
    crate::write_atomically(&scaler, |file| {
        serde_json::to_writer_pretty(&mut *file, &prepared.scaler)?;
        std::io::Write::write_all(file, b"\n")
    })
    .map_err(write_err(scaler))
}

/// Items as CSV: `vp1,...,theta,rpp`, with a leading `interface` column when `index` is given.
fn write_items(
    path: &Path,
    items: &[crate::InterfaceItem],
    index: Option<&[usize]>,
) -> Result<(), TableError> {
    crate::write_atomically(path, |file| {
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let mut header: Vec<&str> = index.map(|_| "interface").into_iter().collect();
        header.extend(Feature::NAMES);
        header.push("rpp");
        writer.write_record(&header)?;
        for (row, item) in items.iter().enumerate() {
            let mut record: Vec<String> = index.map(|ix| ix[row].to_string()).into_iter().collect();
            record.extend(item.features.iter().map(|v| format!("{v}")));
            record.push(format!("{}", item.rpp));
            writer.write_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    })
    .map_err(|source| TableError::Write {
        path: path.to_owned(),
        source,
    })
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
