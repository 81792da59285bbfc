//! `zoepnet predict`: a trained run's predictions for the rows of a CSV file.

use std::path::{Path, PathBuf};

use clap::Args;
use zoepnet_learner::trained::{Extrapolation, OpenError, TrainedRun};

use super::UsageError;
use super::table::write_rows;
use crate::failure::Outcome;

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A run folder written by `zoepnet train` (config.toml, scaler.json, model.bpk, model.json).
    run_dir: PathBuf,
    /// Input CSV with a header row naming vp1,vs1,rho1,vp2,vs2,rho2 (m/s, kg/m3) and theta
    /// (degrees), in any order, among any other columns.
    #[arg(long, value_name = "IN.csv")]
    input: PathBuf,
    /// Write here instead of stdout (written whole, or not at all).
    #[arg(long, value_name = "OUT.csv")]
    output: Option<PathBuf>,
}

/// The trained run in `dir`, its refusals as usage errors (exit 2), a stopped run's saying how
/// to finish it.
pub fn load_run(dir: &Path) -> Outcome<TrainedRun> {
    TrainedRun::open(dir).map_err(|e| match e {
        OpenError::Stopped { .. } => UsageError(format!(
            "{e}: finish it with `zoepnet train --resume {}` (`zoepnet plot` draws it from its \
             checkpoint as it is)",
            dir.display()
        ))
        .into(),
        other => other.into(),
    })
}

/// Warns, once for the table `input`, of its rows where the network extrapolates.
pub fn warn_of_extrapolation(input: &Path, found: Option<&Extrapolation>) {
    if let Some(e) = found {
        let [low, high] = e.span;
        errln!(
            "warning: {}: {} of {} rows lie outside the network's training data (the first, \
             line {}: {} = {}, where the training data span {} to {}): the network \
             extrapolates there, and its Rpp is not to be trusted (other angles or rocks than \
             it learned, or other units: m/s, kg/m3, degrees)",
            input.display(),
            e.outside,
            e.total,
            e.line,
            e.name,
            significant(e.value),
            significant(low),
            significant(high),
        );
    }
}

/// `x` to 6 significant digits, without trailing zeros (`2294.7`, `0.0523`, `1.5e-7`): a span
/// of 16 digits says no more.
fn significant(x: f64) -> String {
    let trim = |digits: &str| {
        if digits.contains('.') {
            digits
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_owned()
        } else {
            digits.to_owned()
        }
    };
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let magnitude = x.abs().log10().floor();
    if (-4.0..6.0).contains(&magnitude) {
        let decimals = (5.0 - magnitude) as usize;
        trim(&format!("{x:.decimals$}"))
    } else {
        let text = format!("{x:.5e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        format!("{}e{exponent}", trim(mantissa))
    }
}

pub fn run(args: &PredictArgs) -> Outcome<()> {
    let run = load_run(&args.run_dir)?;
    let table = run.predict_table(&args.input)?;
    warn_of_extrapolation(&args.input, table.extrapolation.as_ref());
    let rows: Vec<_> = table
        .rows
        .into_iter()
        .map(|(record, p)| (record, vec![format!("{p}")]))
        .collect();
    write_rows(&table.headers, &["rpp_pred"], &rows, args.output.as_deref())
}

#[cfg(test)]
mod tests {
    use super::significant;

    #[test]
    fn spans_are_said_to_six_significant_digits() {
        assert_eq!(significant(2294.700000000001), "2294.7");
        assert_eq!(significant(1889.2345678), "1889.23");
        assert_eq!(significant(-0.052345678), "-0.0523457");
        assert_eq!(significant(19.99), "19.99");
        assert_eq!(significant(1.5e-7), "1.5e-7");
        assert_eq!(significant(1234567.0), "1.23457e6");
        assert_eq!(significant(0.0), "0");
    }
}
