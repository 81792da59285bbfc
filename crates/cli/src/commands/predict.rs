//! `zoepnet predict`: a trained run's predictions for the rows of a CSV file.

use std::path::{Path, PathBuf};

use clap::Args;
use zoepnet_batcher::InterfaceBatcher;
use zoepnet_dataset::{FeatureVector, Features, InterfaceItem, Scaler};
use zoepnet_learner::ExperimentConfig;
use zoepnet_learner::run::{FolderState, files};
use zoepnet_model::Mlp;
use zoepnet_physics::Interface;

use super::UsageError;
use super::table::{read_rows, write_rows};

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

/// A trained run: its config, network (on its backend) and scaler.
pub struct Run {
    /// The resolved config.
    pub config: ExperimentConfig,
    /// The trained network.
    pub model: Mlp,
    /// The feature scaler.
    pub scaler: Scaler,
    /// The device it runs on.
    pub device: burn::tensor::Device,
}

/// Loads the run folder `dir`.
pub fn load_run(dir: &Path) -> anyhow::Result<Run> {
    let missing = |what: &str, e: &dyn std::fmt::Display| {
        UsageError(format!(
            "{}: not a complete run folder ({what}: {e})",
            dir.display()
        ))
    };
    let config = ExperimentConfig::load(&super::run_folder_config(dir)?)?;
    if let FolderState::Stopped { epoch } = FolderState::of(dir)
        && !dir.join(files::MODEL_CONFIG).is_file()
    {
        return Err(UsageError(format!(
            "{}: a run stopped{}, with no trained network yet: finish it with `zoepnet train \
             --resume {}` (`zoepnet plot` draws it from its checkpoint as it is)",
            dir.display(),
            super::after_epoch(epoch),
            dir.display()
        ))
        .into());
    }
    let (device, _) = config.backend.select()?;
    let (model, _) =
        Mlp::load(&dir.join(files::MODEL), &device).map_err(|e| missing(files::MODEL, &e))?;
    let scaler_path = dir.join(files::SCALER);
    let text = std::fs::read_to_string(&scaler_path).map_err(|e| missing(files::SCALER, &e))?;
    let scaler: Scaler = serde_json::from_str(&text).map_err(|e| missing(files::SCALER, &e))?;
    Ok(Run {
        config,
        model,
        scaler,
        device,
    })
}

impl Run {
    /// The network's outputs for unscaled items.
    pub fn predict(&self, items: &[InterfaceItem]) -> anyhow::Result<Vec<f64>> {
        let batcher = InterfaceBatcher::new(self.scaler.clone());
        Ok(zoepnet_learner::evaluate::predict(
            &self.model,
            &batcher,
            items,
            &self.device,
        )?)
    }
}

/// Warns, once for the table, of rows (1-based line, features) with an input outside the data
/// the run's scaler was fitted on ([`Scaler::outside`]): there the network extrapolates (other
/// angles, rocks, or units than it learned from).
pub fn warn_of_extrapolation<'a>(
    scaler: &Scaler,
    input: &Path,
    rows: impl Iterator<Item = (u64, &'a FeatureVector)>,
) {
    let (mut total, mut outside, mut first) = (0, 0, None);
    for (line, features) in rows {
        total += 1;
        if let Some(found) = scaler.outside(features) {
            outside += 1;
            first.get_or_insert((line, found));
        }
    }
    if let Some((line, (name, value, [low, high]))) = first {
        errln!(
            "warning: {}: {outside} of {total} rows lie outside the network's training data (the \
             first, line {line}: {name} = {}, where the training data span {} to {}): \
             the network extrapolates there, and its Rpp is not to be trusted (other angles or \
             rocks than it learned, or other units: m/s, kg/m3, degrees)",
            input.display(),
            significant(value),
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

pub fn run(args: &PredictArgs) -> anyhow::Result<()> {
    let run = load_run(&args.run_dir)?;
    // Rows the physics would refuse (a negative velocity, an angle past 90) are refused here
    // too, with their line, as `reflectivity` and `eval` do: a network answers anything.
    let (headers, rows) = read_rows(&args.input, |v| {
        Interface::from_properties(v.properties())
            .check(v.theta())
            .map(|()| *v)
            .map_err(|e| e.to_string())
    })?;
    let items: Vec<InterfaceItem> = rows
        .iter()
        .map(|(_, v)| InterfaceItem {
            features: *v,
            rpp: f64::NAN,
        })
        .collect();
    warn_of_extrapolation(
        &run.scaler,
        &args.input,
        rows.iter()
            .map(|(record, v)| (record.position().map_or(0, csv::Position::line), v)),
    );
    let predictions = run.predict(&items)?;
    let rows: Vec<_> = rows
        .into_iter()
        .zip(predictions)
        .map(|((record, _), p)| (record, vec![format!("{p}")]))
        .collect();
    write_rows(&headers, &["rpp_pred"], &rows, args.output.as_deref())
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
