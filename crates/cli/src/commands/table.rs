//! The command line's side of CSV tables of interfaces ([`zoepnet_dataset::table`]): an
//! output file, or stdout, where a closed pipe (`predict ... | head`) is not an error.

use std::path::Path;

use crate::failure::Context;
use crate::failure::Outcome;
use csv::StringRecord;
use zoepnet_dataset::table::{self, TableError};

pub use zoepnet_dataset::table::read_rows;

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

/// Writes the rows with `added` columns after the input's own, to `output` (whole or not at
/// all) or to stdout.
pub fn write_rows(
    headers: &StringRecord,
    added: &[&str],
    rows: &[(StringRecord, Vec<String>)],
    output: Option<&Path>,
) -> Outcome<()> {
    let Some(path) = output else {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        let written = table::write_rows(headers, added, rows, &mut stdout).and_then(|()| {
            std::io::Write::flush(&mut stdout).map_err(|source| TableError::Write {
                path: "-".into(),
                source,
            })
        });
        return match written {
            // `predict ... | head`: the reader has what it wanted.
            Err(TableError::Write { source, .. }) if is_broken_pipe(&source) => Ok(()),
            other => other.context("writing CSV to stdout"),
        };
    };
    super::output_file(path, "out.csv")?;
    Ok(table::write_file(headers, added, rows, path)?)
}
