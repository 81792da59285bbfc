//! `zoepnet las info` and `zoepnet las csv`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::Context;
use clap::{Args, Subcommand};
use zoepnet_dataset::DataFile;
use zoepnet_las::{COMMON_SENTINELS, Curve, LasFile, NullPolicy, ReadOptions, Values};

use super::UsageError;
use crate::failure::Outcome;

#[derive(Debug, Subcommand)]
pub enum LasCommand {
    /// Print the well name, the index range and step, and a table of the curves (mnemonic, unit,
    /// description, non-null count, min, max); warnings go to stderr.
    Info {
        #[command(flatten)]
        file: FileArgs,
    },
    /// Write the curves as CSV to stdout: a header row of mnemonics (index first), one row per
    /// depth, a null as an empty field, numbers that read back to the same f64, text curves'
    /// values as the file gives them.
    Csv {
        #[command(flatten)]
        file: FileArgs,
        /// Only these curves (comma-separated mnemonics, any case), after the index.
        #[arg(long, value_delimiter = ',', value_name = "A,B,...")]
        curves: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// The LAS file (where it is not, looked for by name in --data-dir).
    file: PathBuf,
    /// Which values read as null (empty): `strict` (the header's NULL value, as lasio), `none`
    /// (nothing), `common` (NULL, -999.25 and its relatives, `(null)`, `-`, `NA` and the like,
    /// and text in a curve of mostly numbers). The index is never null. A curve with text values
    /// (other than those nulls) is a text curve.
    #[arg(long, default_value = "strict", value_parser = NullPolicy::NAMES)]
    null_policy: String,
    #[command(flatten)]
    data: super::DataOptions,
}

impl FileArgs {
    /// The file, and the log read from it: the path as given, or where nothing is there, its
    /// name in the data folder (as for the files configs name).
    fn read(&self) -> Outcome<(PathBuf, LasFile)> {
        let options = self.data.fetch();
        let null_policy = NullPolicy::from_name(&self.null_policy)
            .ok_or_else(|| UsageError(format!("unknown null policy {:?}", self.null_policy)))?;
        let file = DataFile {
            path: self.file.clone(),
            url: None,
            sha256: None,
        }
        .expected_path(options.data_dir.as_deref());
        let log = zoepnet_las::read(&file, &ReadOptions { null_policy })
            .with_context(|| file.display().to_string())?;
        for warning in &log.warnings {
            errln!("warning: {}: {warning}", file.display());
        }
        Ok((file, log))
    }
}

pub fn run(command: &LasCommand) -> Outcome<()> {
    match command {
        LasCommand::Info { file } => {
            let (path, log) = file.read()?;
            if file.null_policy != "common" {
                hint_undeclared_nulls(&log);
            }
            info(&path, &log)
        }
        LasCommand::Csv { file, curves } => csv(&file.read()?.1, curves),
    }
}

/// A hint on stderr where numeric curves hold -999.25 or its relatives as values (nulls the
/// header's NULL does not declare, which the min column then shows).
fn hint_undeclared_nulls(log: &LasFile) {
    // Each curve holding one, with the first such value.
    let holding: Vec<(&str, f64)> = log
        .curves
        .iter()
        .skip(1)
        .filter_map(|c| {
            let found = c.numbers()?.iter().find(|x| COMMON_SENTINELS.contains(x))?;
            Some((c.mnemonic(), *found))
        })
        .collect();
    if let Some((first, value)) = holding.first() {
        errln!(
            "hint: {} curve{} ({first}{}) hold{} {value}, a null value the header's NULL does not \
             declare; --null-policy common reads it as null",
            holding.len(),
            if holding.len() == 1 { "" } else { "s" },
            if holding.len() > 1 { ", ..." } else { "" },
            if holding.len() == 1 { "s" } else { "" },
        );
    }
}

fn info(path: &Path, log: &LasFile) -> Outcome<()> {
    let mut out = String::new();
    let version = log.version.value("VERS").unwrap_or("(no VERS)").to_owned();
    let wrap = if log.wrapped() {
        "wrapped"
    } else {
        "unwrapped"
    };
    out.push_str(&format!(
        "file:  {} (LAS {version}, {wrap}, {} text)\n",
        path.display(),
        log.encoding
    ));
    out.push_str(&format!(
        "well:  {}\n",
        log.well_name().unwrap_or("(no WELL)")
    ));
    let index = log.index();
    // " M", or nothing where the header gives no unit.
    let unit = match index.unit() {
        "" => String::new(),
        u => format!(" {u}"),
    };
    let range = match (index.numbers(), index.range()) {
        (Some(depths), Some(_)) => format!(
            "{} to {}{unit}",
            number(depths[0]),
            number(depths[log.rows() - 1])
        ),
        (None, _) => "text values".into(),
        (Some(_), None) => "no values".into(),
    };
    let step = match log.well_number("STEP") {
        Some(0.0) => "step 0 (irregular sampling)".to_owned(),
        Some(s) => format!("step {}{unit}", number(s)),
        None => "no STEP".to_owned(),
    };
    out.push_str(&format!(
        "index: {} from {range}, {step}, {} rows\n",
        index.mnemonic(),
        log.rows()
    ));
    out.push_str(&format!("curves: {}\n", log.curves.len()));
    out.push_str(&table(&log.curves));
    print_all(&out)
}

fn table(curves: &[Curve]) -> String {
    let header = ["mnemonic", "unit", "description", "non-null", "min", "max"];
    let rows: Vec<[String; 6]> = curves
        .iter()
        .map(|c| {
            let (lo, hi) = match c.range() {
                Some((lo, hi)) => (number(lo), number(hi)),
                None if c.text().is_some() => ("(text)".into(), "(text)".into()),
                None => (String::new(), String::new()),
            };
            [
                c.mnemonic().to_owned(),
                c.unit().to_owned(),
                c.header.description.clone(),
                c.non_null().to_string(),
                lo,
                hi,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Numbers right-aligned, text left-aligned.
            let cell = if i >= 3 {
                format!("{cell:>w$}")
            } else {
                format!("{cell:<w$}")
            };
            text.push_str(&cell);
            text.push_str("  ");
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out
}

/// Prints a number so that it reads back to the same f64 (Rust's shortest round-trip form).
fn number(v: f64) -> String {
    format!("{v}")
}

fn csv(log: &LasFile, wanted: &[String]) -> Outcome<()> {
    let mut columns: Vec<&Curve> = vec![log.index()];
    for name in wanted {
        let curve = log.curve(name).ok_or_else(|| {
            let names: Vec<&str> = log.curves.iter().map(Curve::mnemonic).collect();
            UsageError(format!(
                "--curves: no curve {name:?} in the file (curves: {})",
                names.join(", ")
            ))
        })?;
        if !std::ptr::eq(curve, log.index()) {
            columns.push(curve);
        }
    }
    if wanted.is_empty() {
        columns = log.curves.iter().collect();
    }
    let stdout = std::io::stdout().lock();
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(stdout));
    let result = (|| -> Result<(), csv::Error> {
        writer.write_record(columns.iter().map(|c| c.mnemonic()))?;
        let mut record = Vec::with_capacity(columns.len());
        for row in 0..log.rows() {
            record.clear();
            record.extend(columns.iter().map(|c| match &c.values {
                Values::Numbers(v) if v[row].is_nan() => String::new(),
                Values::Numbers(v) => number(v[row]),
                Values::Text { values, .. } => values[row].clone(),
            }));
            writer.write_record(&record)?;
        }
        writer.flush()?;
        Ok(())
    })();
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other.context("writing CSV to stdout"),
    }
}

fn is_broken_pipe(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Writes to stdout, taking a closed pipe (`| head`) as the reader's choice, not an error.
fn print_all(text: &str) -> Outcome<()> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
