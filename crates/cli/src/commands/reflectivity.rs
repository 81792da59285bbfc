//! `zoepnet reflectivity`: P-P reflection coefficients for the rows of a CSV file.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use zoepnet_physics::{Interface, ShueyTerms, aki_richards, rpp, shuey};

use super::{UsageError, write_atomically};

/// The input columns, by header name: the upper and lower layers and the angle.
const COLUMNS: [&str; 7] = ["vp1", "vs1", "rho1", "vp2", "vs2", "rho2", "theta"];
/// At most this many bad rows are listed.
const MAX_REPORTED: usize = 20;

#[derive(Debug, Args)]
pub struct ReflectivityArgs {
    /// Input CSV with a header row naming vp1,vs1,rho1,vp2,vs2,rho2 (m/s, kg/m3) and theta
    /// (degrees, 0 to 90), in any order, among any other columns.
    #[arg(long, value_name = "IN.csv")]
    input: PathBuf,
    /// How to compute the coefficient.
    #[arg(long, value_enum, default_value_t = Method::Exact)]
    method: Method,
    /// Write here instead of stdout (written whole, or not at all).
    #[arg(long, value_name = "OUT.csv")]
    output: Option<PathBuf>,
}

/// A way to compute Rpp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Exact Zoeppritz (Aki & Richards 1980): adds `rpp` (real part) and `rpp_imag`.
    Exact,
    /// Aki-Richards three-term approximation.
    AkiRichards,
    /// Shuey's three-term approximation.
    Shuey,
    /// Shuey's two-term approximation (intercept and gradient).
    Shuey2,
}

impl Method {
    fn compute(
        self,
        interface: &Interface,
        theta: f64,
    ) -> Result<(f64, f64), zoepnet_physics::PhysicsError> {
        Ok(match self {
            Method::Exact => {
                let r = rpp(interface, theta)?;
                (r.re, r.im)
            }
            Method::AkiRichards => (aki_richards(interface, theta)?, 0.0),
            Method::Shuey => (shuey(interface, theta, ShueyTerms::Three)?, 0.0),
            Method::Shuey2 => (shuey(interface, theta, ShueyTerms::Two)?, 0.0),
        })
    }
}

pub fn run(args: &ReflectivityArgs) -> anyhow::Result<()> {
    let input = &args.input;
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
    let index = index.map(|i| i.unwrap_or_default());

    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                bad.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        match row_values(&record, &index).and_then(|v| {
            let interface = Interface::from_properties([v[0], v[1], v[2], v[3], v[4], v[5]]);
            args.method
                .compute(&interface, v[6])
                .map_err(|e| e.to_string())
        }) {
            Ok(r) => rows.push((record, r)),
            Err(message) => bad.push(format!("line {line}: {message}")),
        }
    }
    if !bad.is_empty() {
        let mut message = format!("{}: {} bad row(s)", input.display(), bad.len());
        for b in bad.iter().take(MAX_REPORTED) {
            message.push_str("\n  ");
            message.push_str(b);
        }
        if bad.len() > MAX_REPORTED {
            message.push_str(&format!("\n  ... and {} more", bad.len() - MAX_REPORTED));
        }
        return Err(UsageError(message).into());
    }

    let mut out_headers = headers.clone();
    out_headers.push_field("rpp");
    if args.method == Method::Exact {
        out_headers.push_field("rpp_imag");
    }
    let write = |sink: Box<dyn std::io::Write>| -> Result<(), csv::Error> {
        let mut writer = csv::Writer::from_writer(sink);
        writer.write_record(&out_headers)?;
        for (record, (re, im)) in &rows {
            let mut out = record.clone();
            out.push_field(&format!("{re}"));
            if args.method == Method::Exact {
                out.push_field(&format!("{im}"));
            }
            writer.write_record(&out)?;
        }
        writer.flush()?;
        Ok(())
    };
    match &args.output {
        None => match write(Box::new(std::io::BufWriter::new(std::io::stdout().lock()))) {
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe) => {
                Ok(())
            }
            other => other.context("writing CSV to stdout"),
        },
        Some(path) => write_atomically(path, |file| {
            Ok(write(Box::new(std::io::BufWriter::new(file)))?)
        }),
    }
}

/// The seven numbers of a row, in [`COLUMNS`] order, or what is wrong with them.
fn row_values(record: &csv::StringRecord, index: &[usize; 7]) -> Result<[f64; 7], String> {
    let mut values = [0.0; 7];
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
