//! From well logs to labelled interfaces, split and scaled, as the tutorial made them.
//!
//! For each LAS file: Vp = 1e6 / DT (m/s, through the las crate's units), Vs likewise, rho in
//! kg/m3; the last `drop_last` samples dropped; invalid Vs repaired; nulls refused or dropped;
//! every `decimate`-th sample kept. Interface i has sample i above and sample i + 1 below. The
//! first `interfaces` of them (across the files, in order) get angles drawn uniformly in
//! [theta_min, theta_max) and the real part of the exact Zoeppritz Rpp as label; a seeded shuffle
//! splits them into `train` and validation. The last `blind_rocks.interfaces` of the last file
//! are the "new rocks" blind test at one angle; some of those, swept over angles, the "new angles"
//! test. Items keep SI units and degrees; the [`Scaler`] is applied by the batcher.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zoepnet_las::{LasError, ReadOptions, ShortRow, UnitError};
use zoepnet_physics::{Interface, PhysicsError};

use crate::config::{ConfigError, DataConfig, Missing, RngKind, ScalerFit, Source, VsRepair};
use crate::rng::NumpyRandomState;
use crate::rock_physics::{self, RockPhysicsSampler};
use zoepnet_network::{FeatureVector, Features, InputEncoding, feature_vector};

/// One interface: Vp, Vs, rho of the upper then the lower layer (m/s, kg/m3), the incidence
/// angle (degrees), and the real part of its exact P-P reflection coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InterfaceItem {
    /// `vp1, vs1, rho1, vp2, vs2, rho2, theta` ([`zoepnet_network::Feature`] order), unscaled.
    pub features: FeatureVector,
    /// Re(Rpp), exact Zoeppritz.
    pub rpp: f64,
}

impl InterfaceItem {
    /// The interface it describes (the angle aside).
    pub fn interface(&self) -> Interface {
        Interface::from_properties(self.features.properties())
    }

    /// Its angle of incidence, degrees.
    pub fn theta(&self) -> f64 {
        self.features.theta()
    }

    /// The item for `interface` at `theta` degrees, labelled with the exact Re(Rpp).
    pub fn labelled(interface: &Interface, theta: f64) -> Result<Self, PhysicsError> {
        let (u, l) = (interface.upper, interface.lower);
        let rpp = zoepnet_physics::rpp(interface, theta)?.re;
        Ok(Self {
            features: feature_vector([u.vp, u.vs, u.rho, l.vp, l.vs, l.rho], theta),
            rpp,
        })
    }
}

/// The network's inputs from an item's features: encoded ([`InputEncoding`]), then
/// standardised, (x − mean) / std per input, std the population standard deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// How the features are encoded before scaling (absent in the scaler files of runs from
    /// before the key existed: the features as they are).
    #[serde(default)]
    pub inputs: InputEncoding,
    /// Per-input mean ([`InputEncoding::width`] of them): in [`zoepnet_network::Feature`]
    /// order for [`InputEncoding::Layers`].
    pub mean: Vec<f64>,
    /// Per-input population standard deviation (ddof = 0).
    pub std: Vec<f64>,
    /// Per-input smallest and largest value in the data it was fitted on, encoded (absent in
    /// the scaler files of runs from before the key existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[Vec<f64>; 2]>,
}

impl Scaler {
    /// Fits the scaler on `items`' features as they are (as scikit-learn's `StandardScaler`; a
    /// feature that does not vary gets std 1, so that it scales to 0).
    pub fn fit(items: &[InterfaceItem]) -> Self {
        Self::fit_encoded(items, InputEncoding::Layers)
    }

    /// Fits the scaler on `items`' features in `inputs`' encoding.
    pub fn fit_encoded(items: &[InterfaceItem], inputs: InputEncoding) -> Self {
        let n = items.len().max(1) as f64;
        let width = inputs.width();
        let mut mean = vec![0.0; width];
        for item in items {
            for (m, x) in mean.iter_mut().zip(inputs.encode(&item.features)) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; width];
        for item in items {
            for ((v, x), m) in var.iter_mut().zip(inputs.encode(&item.features)).zip(&mean) {
                *v += (x - m) * (x - m);
            }
        }
        let std = var
            .iter()
            .map(|v| {
                let s = (v / n).sqrt();
                if s > 0.0 { s } else { 1.0 }
            })
            .collect();
        let mut range = [vec![f64::INFINITY; width], vec![f64::NEG_INFINITY; width]];
        for item in items {
            for (i, x) in inputs.encode(&item.features).into_iter().enumerate() {
                range[0][i] = range[0][i].min(x);
                range[1][i] = range[1][i].max(x);
            }
        }
        Self {
            inputs,
            mean,
            std,
            range: (!items.is_empty()).then_some(range),
        }
    }

    /// How many inputs the network takes ([`InputEncoding::width`]).
    pub fn width(&self) -> usize {
        self.mean.len()
    }

    /// The network's inputs for `features`: encoded, then scaled ([`Scaler::width`] of them).
    pub fn transform(&self, features: &FeatureVector) -> Vec<f64> {
        let mut x = self.inputs.encode(features);
        for ((x, m), s) in x.iter_mut().zip(&self.mean).zip(&self.std) {
            *x = (*x - m) / s;
        }
        x
    }

    /// [`Scaler::transform`] for a seven-input encoding, as an array (the fused engine's and
    /// the population kernel's input); `None` for a wider one.
    pub fn transform_seven(&self, features: &FeatureVector) -> Option<FeatureVector> {
        self.transform(features).try_into().ok()
    }

    /// The first input of `features` outside the data the scaler was fitted on, widened by a
    /// tenth of its span on each side: its name, its value and the span, encoded. There the
    /// network extrapolates. `None` inside, or for a scaler without [`Scaler::range`].
    pub fn outside(&self, features: &FeatureVector) -> Option<(&'static str, f64, [f64; 2])> {
        let [low, high] = self.range.as_ref()?;
        let x = self.inputs.encode(features);
        (0..x.len().min(low.len())).find_map(|i| {
            let margin = 0.1 * (high[i] - low[i]);
            let inside = (low[i] - margin..=high[i] + margin).contains(&x[i]);
            (!inside).then(|| (self.inputs.names()[i], x[i], [low[i], high[i]]))
        })
    }
}

/// A blind interface swept over angles.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// Its index among the blind-rocks interfaces.
    pub interface: usize,
    /// One item per angle.
    pub items: Vec<InterfaceItem>,
}

/// Everything a run learns from and is tested on.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The training interfaces, in the order of the seeded shuffle.
    pub train: Vec<InterfaceItem>,
    /// The validation interfaces, in the order of the seeded shuffle.
    pub validation: Vec<InterfaceItem>,
    /// "New rocks": the last interfaces of the last log, at `blind_rocks.theta`.
    pub blind_rocks: Vec<InterfaceItem>,
    /// "New angles": chosen blind interfaces over a range of angles.
    pub new_angles: Vec<Sweep>,
    /// The feature scaler.
    pub scaler: Scaler,
    /// What the LAS reader got past in the values of each file (`Warning::about_values`), and
    /// rows left out, for a person: each `"{file}: line {n}: ..."`.
    pub warnings: Vec<String>,
}

/// The blind tests of wells, for a network trained on another ([`prepare_blind`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Blind {
    /// "New rocks": the last interfaces of the last log, at `blind_rocks.theta`.
    pub rocks: Vec<InterfaceItem>,
    /// "New angles": chosen blind interfaces over a range of angles.
    pub new_angles: Vec<Sweep>,
    /// As [`Prepared::warnings`].
    pub warnings: Vec<String>,
}

/// Why the dataset could not be made. Each names the file, curve or config key concerned. A
/// wrapped error is part of the message, not a `source`, so that an error chain says it once.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The LAS file could not be read.
    #[error("{path}: {error}")]
    Las {
        /// The file.
        path: PathBuf,
        /// What the reader found.
        error: LasError,
    },
    /// A curve is missing or its unit is not one for the quantity.
    #[error("{path}: {error}")]
    Unit {
        /// The file.
        path: PathBuf,
        /// Which curve and unit.
        error: UnitError,
    },
    /// `data.blocks` on a log whose depths are in a unit other than metres, feet or 0.1 in.
    #[error(
        "{path}: the index {mnemonic} is in {unit:?}, not metres, feet or 0.1 in: data.blocks.thickness \
         (metres) cannot be laid off on it"
    )]
    DepthUnit {
        /// The file.
        path: PathBuf,
        /// The index curve.
        mnemonic: String,
        /// Its unit.
        unit: String,
    },
    /// A curve has no valid value in the samples used.
    #[error(
        "{path}: curve {curve} has no valid samples in the {samples} samples used (after `data.drop_last`)"
    )]
    NoValidSamples {
        /// The file.
        path: PathBuf,
        /// The curve's mnemonic.
        curve: String,
        /// Samples looked at.
        samples: usize,
    },
    /// The index's depths do not go down the well: interface i is sample i over sample i + 1.
    #[error(
        "{path}: the depth does not increase from row {row} to row {} ({above} to {below}{unit}): \
         each sample is taken as the layer above the next, so the rows must go down the well \
         (reverse an uphole log's rows, or sort them by depth)",
        row + 1
    )]
    DepthOrder {
        /// The file.
        path: PathBuf,
        /// The first row (1-based, among the data rows) whose next row is not deeper.
        row: usize,
        /// Its depth.
        above: f64,
        /// The next row's.
        below: f64,
        /// The index's unit as " (M)", or empty.
        unit: String,
    },
    /// The rock-physics prior is invalid.
    #[error("{error}")]
    Prior {
        /// The key and what was expected.
        error: ConfigError,
    },
    /// None of a quantity's mnemonics (aliases) is in the file.
    #[error(
        "{path}: no curve {tried} for {quantity}; name the file's curve with `--set {key}=NAME` \
         ({}){also}; the file has {available}",
        candidates_said(candidates)
    )]
    NoCurve {
        /// The file.
        path: PathBuf,
        /// The quantity.
        quantity: &'static str,
        /// Its config key, `data.curves.vp`, `.vs` or `.rho`.
        key: &'static str,
        /// The file's curves that may be it: named like one of the quantity's usual mnemonics
        /// ([`crate::config::P_SLOWNESS`] and the others), or else with a unit of its kind.
        candidates: Box<[String]>,
        /// The mnemonics tried, in order, quoted.
        tried: Box<str>,
        /// The other quantities the file has no curve for, said the same way after "; also",
        /// so that one try names them all (or empty).
        also: Box<str>,
        /// The file's curves.
        available: Box<str>,
    },
    /// A row with fewer values than curves (a file cut off, say) where `data.missing =
    /// "error"`: its last value may be cut short, so none of its values is used.
    #[error(
        "{path}: line {line}: {values} values where the file has {curves} curves (the file may \
         be cut off, and the last value cut short); set `data.missing = \"drop\"` to leave the \
         row out"
    )]
    ShortRow {
        /// The file.
        path: PathBuf,
        /// The row's 1-based line.
        line: usize,
        /// Its values.
        values: usize,
        /// The file's curves.
        curves: usize,
    },
    /// A null where `data.missing = "error"`.
    #[error(
        "{path}: curve {curve} is null at depth {depth}{depth_unit} (row {row}); set \
         `data.missing = \"drop\"` to drop such samples"
    )]
    Null {
        /// The file.
        path: PathBuf,
        /// The curve's mnemonic.
        curve: String,
        /// The index curve's value there.
        depth: f64,
        /// Its unit from the header in parentheses with a leading space (" (M)", " (0.1 in)"), or
        /// empty.
        depth_unit: String,
        /// 1-based row of the data section.
        row: usize,
    },
    /// Not enough samples for what the config asks.
    #[error("`{key}`: {asked} interfaces asked for, but {what} give only {available}")]
    TooFew {
        /// The config key.
        key: &'static str,
        /// Interfaces asked for.
        asked: usize,
        /// Interfaces available.
        available: usize,
        /// Where they come from.
        what: String,
    },
    /// An interface the physics refuses (a negative velocity or density, say).
    #[error(
        "{path}: interface {index} (samples {index} and {}{at}): {reason} (a negative value is often a null the file does not declare: try data.null_policy = \"common\")",
        index + 1
    )]
    Physics {
        /// The file.
        path: PathBuf,
        /// The interface's index among the decimated samples.
        index: usize,
        /// Where it is, when known: ", at depths 2500 and 2500.75 (M)", or empty.
        at: String,
        /// What the physics found (in the message, not as a source, so that it is said once).
        reason: PhysicsError,
    },
}

impl Columns {
    /// Vp and Vs from the slowness curves `names[0]` and `names[1]`, rho from `names[2]`, and
    /// the index curve's depths.
    fn read(
        log: &zoepnet_las::LasFile,
        path: &Path,
        names: &[String; 3],
    ) -> Result<Self, DatasetError> {
        let unit = |error| DatasetError::Unit {
            path: path.to_owned(),
            error,
        };
        Ok(Self {
            values: [
                log.velocity_from_slowness(&names[0]).map_err(unit)?,
                log.velocity_from_slowness(&names[1]).map_err(unit)?,
                log.density_kg_m3(&names[2]).map_err(unit)?,
            ],
            depth: log
                .numeric(log.index().mnemonic())
                .map_err(unit)?
                .1
                .to_vec(),
        })
    }

    /// Refuses an index whose depths do not increase row by row (null depths aside).
    fn check_depth_order(&self, path: &Path, unit: &str) -> Result<(), DatasetError> {
        let Some(at) = self
            .depth
            .windows(2)
            .position(|w| w[0].is_finite() && w[1].is_finite() && w[1] <= w[0])
        else {
            return Ok(());
        };
        Err(DatasetError::DepthOrder {
            path: path.to_owned(),
            row: at + 1,
            above: self.depth[at],
            below: self.depth[at + 1],
            unit: unit.to_owned(),
        })
    }

    /// Keeps the first `keep` rows.
    fn truncate(&mut self, keep: usize) {
        self.values.iter_mut().for_each(|c| c.truncate(keep));
        self.depth.truncate(keep);
    }

    /// A short row's values are not trusted (its last may be cut short): each of the first
    /// `keep` rows that is short is missing, refused where `missing` says so, else left out
    /// with a warning.
    fn drop_short_rows(
        &mut self,
        log: &zoepnet_las::LasFile,
        path: &Path,
        missing: Missing,
        keep: usize,
    ) -> Result<Option<String>, DatasetError> {
        let short: Vec<&ShortRow> = log.short_rows.iter().filter(|r| r.row < keep).collect();
        let Some(first) = short.first() else {
            return Ok(None);
        };
        if missing == Missing::Error {
            return Err(DatasetError::ShortRow {
                path: path.to_owned(),
                line: first.line,
                values: first.values,
                curves: log.curves.len(),
            });
        }
        for r in &short {
            self.values.iter_mut().for_each(|c| c[r.row] = f64::NAN);
        }
        let rows = match short.len() {
            1 => "1 short row".to_owned(),
            n => format!("{n} short rows"),
        };
        Ok(Some(format!(
            "{}: line {}: {rows} left out of the interfaces (data.missing = \"drop\"): a short \
             row's last value may be cut short",
            path.display(),
            first.line
        )))
    }

    /// `data.vs_repair = "mean"`: each missing or negative Vs becomes the mean of the valid.
    fn repair_vs(&mut self) {
        let vs = &mut self.values[1];
        let valid: Vec<f64> = vs.iter().copied().filter(|v| v.is_finite()).collect();
        let mean = valid.iter().sum::<f64>() / valid.len() as f64;
        for v in vs.iter_mut() {
            if !v.is_finite() || *v < 0.0 {
                *v = mean;
            }
        }
    }

    /// A warning for each quantity with values outside what rocks have ([`PLAUSIBLE`]).
    fn implausible(&self, path: &Path, unit_of_depth: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        for ((quantity, unit, low, high), values) in PLAUSIBLE.iter().zip(&self.values) {
            let outside = |v: &f64| v.is_finite() && !(*low..=*high).contains(v);
            let count = values.iter().filter(|v| outside(v)).count();
            if let Some(row) = values.iter().position(outside) {
                warnings.push(format!(
                    "{}: {count} {quantity} value{} outside {low} to {high} {unit}, the first {} \
                     {unit} at depth {}{}: not a rock's (a wrong unit in ~C, or a damaged value?)",
                    path.display(),
                    if count == 1 { " is" } else { "s are" },
                    values[row],
                    self.depth[row],
                    unit_of_depth,
                ));
            }
        }
        warnings
    }

    /// Each row's (Vp, Vs, rho) and depth, and the row it came from; a row with a missing value
    /// is left out, or refused with `null(column, row, depth)` where `missing` says so.
    fn samples(
        &self,
        missing: Missing,
        null: impl Fn(usize, usize, f64) -> DatasetError,
    ) -> Result<(Vec<Sample>, Vec<usize>), DatasetError> {
        let [vp, vs, rho] = &self.values;
        let mut samples = Vec::with_capacity(vp.len());
        let mut rows = Vec::with_capacity(vp.len());
        for (row, &depth) in self.depth.iter().enumerate() {
            let sample = [vp[row], vs[row], rho[row]];
            if let Some(bad) = sample.iter().position(|v| !v.is_finite()) {
                match missing {
                    Missing::Drop => continue,
                    Missing::Error => return Err(null(bad, row, depth)),
                }
            }
            samples.push((sample, depth));
            rows.push(row);
        }
        Ok((samples, rows))
    }
}

/// What interfaces are made of, for a message: "the decimated samples", or "the 5 m layers".
fn samples_said(config: &DataConfig) -> String {
    match &config.blocks {
        None => "the decimated samples".to_owned(),
        Some(b) => format!("the {} m layers", b.thickness),
    }
}

/// Metres per unit of `log`'s depths (its index's unit as `zoepnet_las::units::depth_factor`
/// reads it: metres, feet or tenths of an inch; none is taken as metres), for `data.blocks`.
fn metres_per_unit(log: &zoepnet_las::LasFile, path: &Path) -> Result<f64, DatasetError> {
    let index = log.index();
    if index.unit().trim().is_empty() {
        return Ok(1.0);
    }
    zoepnet_las::units::depth_factor(index).map_err(|_| DatasetError::DepthUnit {
        path: path.to_owned(),
        mnemonic: index.mnemonic().to_owned(),
        unit: index.unit().trim().to_owned(),
    })
}

/// The index's unit from `log`'s header in parentheses with a leading space (" (M)"), or empty.
fn depth_unit(log: &zoepnet_las::LasFile) -> String {
    match log.index().unit() {
        "" => String::new(),
        u => format!(" ({u})"),
    }
}

/// What rocks have, for a warning on values outside: (quantity, unit, lowest, highest), for P
/// velocity, S velocity and density. Wide on purpose (gas-bearing sediment to dunite, coal to
/// pyrite): a value outside is a wrong unit or a damaged file rather than a rock.
const PLAUSIBLE: [(&str, &str, f64, f64); 3] = [
    ("Vp", "m/s", 500.0, 9000.0),
    ("Vs", "m/s", 0.0, 5500.0),
    ("density", "kg/m3", 1000.0, 5500.0),
];

/// One well's logs after dropping, repair and decimation: one elastic medium per sample.
#[derive(Debug, Clone)]
struct Well {
    path: PathBuf,
    /// The decimated samples, or the layers of `data.blocks`.
    samples: Vec<[f64; 3]>,
    /// Each sample's depth (the index curve's value; a layer's top), for messages.
    depths: Vec<f64>,
    /// The samples i with an interface below (sample i over i + 1): those whose next sample is
    /// the next row (after decimation) of the log, not one beyond rows left out for a null; or,
    /// with `data.blocks`, those whose next layer is right below (no gap between).
    pairs: Vec<usize>,
    /// The index's unit as [`depth_unit`] gives it.
    depth_unit: String,
    /// The reader's warnings and the short rows left out, for [`Prepared::warnings`].
    warnings: Vec<String>,
}

/// "candidates: DT, DT_LOG", or that there are none.
fn candidates_said(candidates: &[String]) -> String {
    if candidates.is_empty() {
        "none of its curves has a name or unit of that kind".to_owned()
    } else {
        format!("candidates: {}", candidates.join(", "))
    }
}

/// The mnemonics of the P-slowness, S-slowness and density curves `log` has: for each, the
/// first of its aliases in `curves` that the file holds. A file without some of them is
/// refused naming each one missing.
fn curve_names(
    log: &zoepnet_las::LasFile,
    path: &Path,
    curves: &crate::config::Curves,
) -> Result<[String; 3], DatasetError> {
    let quantities = [
        (Quantity::PSlowness, &curves.vp),
        (Quantity::SSlowness, &curves.vs),
        (Quantity::Density, &curves.rho),
    ];
    let found = quantities.map(|(_, aliases)| aliases.iter().find(|a| log.curve(a).is_some()));
    let tried = |aliases: &[String]| {
        let quoted: Vec<String> = aliases.iter().map(|a| format!("{a:?}")).collect();
        quoted.join(", ")
    };
    let mut missing = quantities
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|((q, aliases), _)| (*q, tried(aliases)));
    let Some((first, first_tried)) = missing.next() else {
        return Ok(found.map(|f| f.cloned().unwrap_or_default()));
    };
    let also: String = missing
        .map(|(q, tried)| {
            let candidates = candidates_said(&q.candidates(log));
            format!(
                "; also no curve {tried} for {}: `--set {}=NAME` ({candidates})",
                q.name(),
                q.key()
            )
        })
        .collect();
    let available: Vec<&str> = log.curves.iter().map(|c| c.mnemonic()).collect();
    Err(DatasetError::NoCurve {
        path: path.to_owned(),
        quantity: first.name(),
        key: first.key(),
        candidates: first.candidates(log).into(),
        tried: first_tried.into(),
        also: also.into(),
        available: available.join(", ").into(),
    })
}

/// A log a config names curves for.
#[derive(Debug, Clone, Copy)]
enum Quantity {
    PSlowness,
    SSlowness,
    Density,
}

impl Quantity {
    fn name(self) -> &'static str {
        match self {
            Quantity::PSlowness => "P slowness",
            Quantity::SSlowness => "S slowness",
            Quantity::Density => "density",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Quantity::PSlowness => "data.curves.vp",
            Quantity::SSlowness => "data.curves.vs",
            Quantity::Density => "data.curves.rho",
        }
    }

    /// The curves of `log` that may hold this quantity: those whose mnemonic begins with one of
    /// its usual mnemonics (a P-slowness candidate not with an S one: `DTS` is no `DT`), or,
    /// where none does, those whose unit is of its kind.
    fn candidates(self, log: &zoepnet_las::LasFile) -> Vec<String> {
        use crate::config::{DENSITY, P_SLOWNESS, S_SLOWNESS};
        let begins = |mnemonic: &str, names: &[&str]| {
            let upper = mnemonic.to_ascii_uppercase();
            names.iter().any(|n| upper.starts_with(n))
        };
        let by_name = |c: &&zoepnet_las::Curve| match self {
            Quantity::PSlowness => {
                begins(c.mnemonic(), &P_SLOWNESS) && !begins(c.mnemonic(), &S_SLOWNESS)
            }
            Quantity::SSlowness => begins(c.mnemonic(), &S_SLOWNESS),
            Quantity::Density => begins(c.mnemonic(), &DENSITY),
        };
        let by_unit = |c: &&zoepnet_las::Curve| match self {
            Quantity::PSlowness | Quantity::SSlowness => {
                zoepnet_las::units::slowness_factor(c).is_ok()
            }
            Quantity::Density => zoepnet_las::units::density_factor(c).is_ok(),
        };
        let named: Vec<String> = log
            .curves
            .iter()
            .filter(by_name)
            .map(|c| c.mnemonic().to_owned())
            .collect();
        if !named.is_empty() {
            return named;
        }
        log.curves
            .iter()
            .filter(by_unit)
            .map(|c| c.mnemonic().to_owned())
            .collect()
    }
}

/// A well log's three columns (Vp, Vs, rho) and its depths, row by row.
/// A row's (Vp, Vs, rho) and depth.
type Sample = ([f64; 3], f64);

struct Columns {
    /// Vp, Vs (m/s) and rho (kg/m3).
    values: [Vec<f64>; 3],
    depth: Vec<f64>,
}

impl Well {
    fn read(path: &Path, config: &DataConfig) -> Result<Self, DatasetError> {
        let options = ReadOptions {
            null_policy: config.null_policy.policy(),
        };
        let log = zoepnet_las::read(path, &options).map_err(|error| DatasetError::Las {
            path: path.to_owned(),
            error,
        })?;
        let names = curve_names(&log, path, &config.curves)?;
        let mut columns = Columns::read(&log, path, &names)?;
        columns.check_depth_order(path, &depth_unit(&log))?;
        let keep = log.rows().saturating_sub(config.drop_last);
        columns.truncate(keep);
        // The reader's warnings about the values (not header oddities such as a repeated ~P item).
        let mut warnings: Vec<String> = log
            .warnings
            .iter()
            .filter(|w| w.about_values)
            .map(|w| format!("{}: {w}", path.display()))
            .collect();
        warnings.extend(columns.drop_short_rows(&log, path, config.missing, keep)?);
        for (curve, values) in names.iter().zip(&columns.values) {
            if !values.iter().any(|v| v.is_finite()) {
                return Err(DatasetError::NoValidSamples {
                    path: path.to_owned(),
                    curve: curve.clone(),
                    samples: keep,
                });
            }
        }
        match config.vs_repair {
            VsRepair::Mean => columns.repair_vs(),
            VsRepair::Null => columns.values[1].iter_mut().for_each(|v| {
                if *v < 0.0 {
                    *v = f64::NAN;
                }
            }),
            VsRepair::None => {}
        }
        let unit_of_depth = depth_unit(&log);
        warnings.extend(columns.implausible(path, &unit_of_depth));
        let (samples, rows) =
            columns.samples(config.missing, |bad, row, depth| DatasetError::Null {
                path: path.to_owned(),
                curve: names[bad].clone(),
                depth,
                depth_unit: unit_of_depth.clone(),
                row: row + 1,
            })?;
        let (samples, depths, pairs) = match &config.blocks {
            None => {
                let (samples, depths): (Vec<_>, Vec<_>) =
                    samples.into_iter().step_by(config.decimate).unzip();
                // Never across rows left out for a null: decimated neighbours only.
                let rows: Vec<usize> = rows.into_iter().step_by(config.decimate).collect();
                let pairs = (0..samples.len().saturating_sub(1))
                    .filter(|&i| rows[i + 1] - rows[i] == config.decimate)
                    .collect();
                (samples, depths, pairs)
            }
            Some(blocks) => {
                let thickness = blocks.thickness / metres_per_unit(&log, path)?;
                let layers = crate::blocks::block(&samples, thickness, blocks.average);
                let pairs = (0..layers.touching.len())
                    .filter(|&i| layers.touching[i])
                    .collect();
                (layers.properties, layers.tops, pairs)
            }
        };
        Ok(Self {
            path: path.to_owned(),
            samples,
            depths,
            pairs,
            depth_unit: unit_of_depth,
            warnings,
        })
    }

    fn interfaces(&self) -> usize {
        self.pairs.len()
    }

    /// Interface `i`: sample `pairs[i]` over the next.
    fn interface(&self, i: usize) -> Interface {
        let at = self.pairs[i];
        let (u, l) = (self.samples[at], self.samples[at + 1]);
        Interface::from_properties([u[0], u[1], u[2], l[0], l[1], l[2]])
    }

    fn item(&self, n: usize, theta: f64) -> Result<InterfaceItem, DatasetError> {
        let i = self.pairs[n];
        InterfaceItem::labelled(&self.interface(n), theta).map_err(|reason| DatasetError::Physics {
            path: self.path.clone(),
            index: i,
            at: format!(
                ", at depths {} and {}{}",
                self.depths[i],
                self.depths[i + 1],
                self.depth_unit
            ),
            reason,
        })
    }
}

/// Makes the interfaces from the LAS files at `paths` (the config's `las`, located).
pub fn prepare(config: &DataConfig, paths: &[PathBuf]) -> Result<Prepared, DatasetError> {
    let wells = paths
        .iter()
        .map(|p| Well::read(p, config))
        .collect::<Result<Vec<_>, _>>()?;
    match config.source {
        Source::RockPhysics => return prepare_drawn(config, &wells),
        Source::Domain => {
            let (train, validation) = config.domain.unwrap_or_default().draw();
            return assemble_drawn(config, &wells, train, validation);
        }
        Source::Logs => {}
    }
    check_enough(config, &wells, paths)?;
    let items = labelled_interfaces(config, &wells)?;

    // The split: a seeded shuffle, the first `train` for training.
    let mut rng = NumpyRandomState::seed(config.seed);
    let mut order: Vec<usize> = (0..items.len()).collect();
    rng.shuffle(&mut order);
    let mut train: Vec<InterfaceItem> = order[..config.train].iter().map(|&i| items[i]).collect();
    let validation: Vec<InterfaceItem> = order[config.train..].iter().map(|&i| items[i]).collect();
    let more = more_angles(config, &train, &order, paths)?;
    train.extend(more);
    assemble(config, &wells, train, validation, &items)
}

/// The prepared sets: `train` and `validation`, the scaler fitted on `all` (`scaler = "all"`)
/// or on `train`, and the blind sets of the wells.
fn assemble(
    config: &DataConfig,
    wells: &[Well],
    train: Vec<InterfaceItem>,
    validation: Vec<InterfaceItem>,
    all: &[InterfaceItem],
) -> Result<Prepared, DatasetError> {
    let scaler = match config.scaler {
        ScalerFit::All => Scaler::fit_encoded(all, config.inputs),
        ScalerFit::Train => Scaler::fit_encoded(&train, config.inputs),
    };
    let (blind_rocks, new_angles) = blind_sets(config, wells)?;
    Ok(Prepared {
        train,
        validation,
        blind_rocks,
        new_angles,
        scaler,
        warnings: warnings_of(wells),
    })
}

/// `source = "rock-physics"`: training and validation interfaces drawn from the prior (each
/// from its own seeded stream), then those of `[data.domain]` when it is given (a mixture), the
/// scaler fitted on them; the wells give the blind sets.
fn prepare_drawn(config: &DataConfig, wells: &[Well]) -> Result<Prepared, DatasetError> {
    let prior = config.prior();
    let drawn = |error: ConfigError| DatasetError::Prior { error };
    let mut sampler = RockPhysicsSampler::new(&prior).map_err(drawn)?;
    let mixed = config.domain.map_or(0, |d| d.training_count());
    let mut train = Vec::with_capacity(prior.samples + mixed);
    sampler.fill(&mut train, prior.samples);
    let mut validation = rock_physics::validation(&prior, prior.validation).map_err(drawn)?;
    if let Some(domain) = config.domain {
        let (more, more_validation) = domain.draw();
        train.extend(more);
        validation.extend(more_validation);
    }
    assemble_drawn(config, wells, train, validation)
}

/// [`assemble`] for drawn sets, where "all" the interfaces are the training and validation
/// draws together.
fn assemble_drawn(
    config: &DataConfig,
    wells: &[Well],
    train: Vec<InterfaceItem>,
    validation: Vec<InterfaceItem>,
) -> Result<Prepared, DatasetError> {
    let all = match config.scaler {
        ScalerFit::All => [train.as_slice(), validation.as_slice()].concat(),
        ScalerFit::Train => Vec::new(),
    };
    assemble(config, wells, train, validation, &all)
}

/// The files, for messages.
fn file_list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Refuses a config that asks for more interfaces than the wells have above the blind ones.
fn check_enough(
    config: &DataConfig,
    wells: &[Well],
    paths: &[PathBuf],
) -> Result<(), DatasetError> {
    // The first `interfaces` interfaces, well by well.
    let available: usize = wells.iter().map(Well::interfaces).sum();
    if available < config.interfaces {
        return Err(DatasetError::TooFew {
            key: "data.interfaces",
            asked: config.interfaces,
            available,
            what: format!("{} of {}", samples_said(config), file_list(paths)),
        });
    }
    // Training and validation interfaces stay above the blind ones at the bottom of the last
    // well.
    if let Some(last) = wells.last() {
        let above_blind = available - last.interfaces().min(config.blind_rocks.interfaces);
        if config.interfaces > above_blind {
            return Err(DatasetError::TooFew {
                key: "data.interfaces",
                asked: config.interfaces,
                available: above_blind,
                what: format!(
                    "the interfaces of {} above the {} blind ones",
                    file_list(paths),
                    config.blind_rocks.interfaces
                ),
            });
        }
    }
    Ok(())
}

/// The first `interfaces` interfaces, well by well, each at an angle drawn uniformly in
/// [theta_min, theta_max) from the seeded generator, labelled with the exact Rpp.
fn labelled_interfaces(
    config: &DataConfig,
    wells: &[Well],
) -> Result<Vec<InterfaceItem>, DatasetError> {
    let RngKind::Numpy = config.rng;
    let mut rng = NumpyRandomState::seed(config.seed);
    let span = config.theta_max - config.theta_min;
    let mut items = Vec::with_capacity(config.interfaces);
    'wells: for well in wells {
        for i in 0..well.interfaces() {
            if items.len() == config.interfaces {
                break 'wells;
            }
            let theta = rng.random() * span + config.theta_min;
            items.push(well.item(i, theta)?);
        }
    }
    Ok(items)
}

/// `data.train_angles`: more angles for the training interfaces, from a generator of their own
/// (seed + 1) so that the tutorial's draws do not change. `order` maps a training item back to
/// its interface, for messages.
fn more_angles(
    config: &DataConfig,
    train: &[InterfaceItem],
    order: &[usize],
    paths: &[PathBuf],
) -> Result<Vec<InterfaceItem>, DatasetError> {
    if config.train_angles <= 1 {
        return Ok(Vec::new());
    }
    let span = config.theta_max - config.theta_min;
    let mut rng = NumpyRandomState::seed(config.seed.wrapping_add(1));
    let mut more = Vec::with_capacity(train.len() * (config.train_angles - 1));
    for (n, item) in train.iter().enumerate() {
        let interface = item.interface();
        for _ in 1..config.train_angles {
            let theta = rng.random() * span + config.theta_min;
            more.push(
                InterfaceItem::labelled(&interface, theta).map_err(|reason| {
                    DatasetError::Physics {
                        path: PathBuf::from(file_list(paths)),
                        index: order[n],
                        at: String::new(),
                        reason,
                    }
                })?,
            );
        }
    }
    Ok(more)
}

/// The blind tests alone ("new rocks" and "new angles") from the LAS files at `paths`: for
/// testing a trained network on another well, whatever its length above them.
pub fn prepare_blind(config: &DataConfig, paths: &[PathBuf]) -> Result<Blind, DatasetError> {
    let wells = paths
        .iter()
        .map(|p| Well::read(p, config))
        .collect::<Result<Vec<_>, _>>()?;
    let (rocks, new_angles) = blind_sets(config, &wells)?;
    Ok(Blind {
        rocks,
        new_angles,
        warnings: warnings_of(&wells),
    })
}

/// Every interface of one well, for scoring a network on it: each sample over the next (or,
/// with `blocks`, each layer over the one right below), never across a gap; no decimation, no
/// rows dropped from the bottom, no Vs made up, samples with a null or a negative Vs left out
/// (whatever `config` says of these): measured values only. The curves and their nulls as
/// `config` says. Each interface is at an angle drawn uniformly in `[theta[0], theta[1])`
/// degrees from NumPy's `RandomState(seed)`, labelled with the exact Re(Rpp).
///
/// Returns the items and the reader's warnings.
pub fn every_interface(
    config: &DataConfig,
    path: &Path,
    blocks: Option<crate::blocks::Blocks>,
    theta: [f64; 2],
    seed: u32,
) -> Result<(Vec<InterfaceItem>, Vec<String>), DatasetError> {
    let config = DataConfig {
        decimate: 1,
        drop_last: 0,
        missing: Missing::Drop,
        vs_repair: VsRepair::Null,
        blocks,
        ..config.clone()
    };
    let well = Well::read(path, &config)?;
    let mut rng = NumpyRandomState::seed(seed);
    let items = (0..well.interfaces())
        .map(|i| well.item(i, theta[0] + rng.random() * (theta[1] - theta[0])))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, well.warnings))
}

/// The wells' warnings, file by file.
fn warnings_of(wells: &[Well]) -> Vec<String> {
    wells.iter().flat_map(|w| w.warnings.clone()).collect()
}

/// "New rocks" and "new angles" from the bottom of the last well.
fn blind_sets(
    config: &DataConfig,
    wells: &[Well],
) -> Result<(Vec<InterfaceItem>, Vec<Sweep>), DatasetError> {
    let last = wells.last().expect("validate() requires at least one file");
    let blind = &config.blind_rocks;
    if last.interfaces() < blind.interfaces {
        return Err(DatasetError::TooFew {
            key: "data.blind_rocks.interfaces",
            asked: blind.interfaces,
            available: last.interfaces(),
            what: format!("{} of {}", samples_said(config), last.path.display()),
        });
    }
    let first_blind = last.interfaces() - blind.interfaces;
    let blind_rocks = (first_blind..last.interfaces())
        .map(|i| last.item(i, blind.theta))
        .collect::<Result<Vec<_>, _>>()?;
    let sweep = &config.new_angles;
    let steps = ((sweep.theta_max - sweep.theta_min) / sweep.step + 1e-9).floor() as usize + 1;
    let new_angles = sweep
        .interfaces
        .iter()
        .map(|&b| {
            let items = (0..steps)
                .map(|k| {
                    last.item(
                        first_blind + b,
                        (sweep.theta_min + k as f64 * sweep.step).min(90.0),
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Sweep {
                interface: b,
                items,
            })
        })
        .collect::<Result<Vec<_>, DatasetError>>()?;
    Ok((blind_rocks, new_angles))
}

/// A list of interfaces as a Burn dataset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InterfaceDataset {
    items: Vec<InterfaceItem>,
}

impl InterfaceDataset {
    /// The dataset of these items, in this order.
    pub fn new(items: Vec<InterfaceItem>) -> Self {
        Self { items }
    }

    /// The items.
    pub fn items(&self) -> &[InterfaceItem] {
        &self.items
    }
}

impl burn::data::dataset::Dataset<InterfaceItem> for InterfaceDataset {
    fn get(&self, index: usize) -> Result<InterfaceItem, burn::data::dataset::DatasetError> {
        self.items.get(index).copied().ok_or_else(|| {
            burn::data::dataset::DatasetError::new(OutOfBounds {
                index,
                len: self.items.len(),
            })
        })
    }

    fn len(&self) -> usize {
        self.items.len()
    }
}

/// An index past the end of an [`InterfaceDataset`].
#[derive(Debug, thiserror::Error)]
#[error("index {index} is past the {len} interfaces of the dataset")]
pub struct OutOfBounds {
    /// The index asked for.
    pub index: usize,
    /// The dataset's length.
    pub len: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(features: [f64; 7]) -> InterfaceItem {
        InterfaceItem { features, rpp: 0.0 }
    }

    #[test]
    fn a_burn_dataset_of_items() {
        use burn::data::dataset::Dataset;
        let items = vec![item([1.0; 7]), item([2.0; 7])];
        let dataset = InterfaceDataset::new(items.clone());
        assert_eq!(dataset.len(), 2);
        assert_eq!(dataset.get(1).unwrap(), items[1]);
        let err = dataset.get(2).unwrap_err().to_string();
        assert_eq!(err, "index 2 is past the 2 interfaces of the dataset");
    }

    #[test]
    fn inputs_outside_the_fitted_data() {
        let scaler = Scaler::fit(&[
            item([3000.0, 1500.0, 2400.0, 3100.0, 1550.0, 2450.0, 0.0]),
            item([3200.0, 1600.0, 2500.0, 3000.0, 1500.0, 2400.0, 20.0]),
        ]);
        let inside = [3210.0, 1500.0, 2400.0, 3000.0, 1500.0, 2400.0, 21.0];
        assert_eq!(scaler.outside(&inside), None);
        let grams = [3000.0, 1500.0, 2.4, 3000.0, 1500.0, 2.45, 10.0];
        assert_eq!(
            scaler.outside(&grams),
            Some(("rho1", 2.4, [2400.0, 2500.0]))
        );
        let wide = [3000.0, 1500.0, 2400.0, 3000.0, 1500.0, 2400.0, 30.0];
        assert_eq!(scaler.outside(&wide), Some(("theta", 30.0, [0.0, 20.0])));
        let old = Scaler {
            range: None,
            ..scaler
        };
        assert_eq!(old.outside(&grams), None);
    }

    #[test]
    fn the_scaler_uses_the_population_std() {
        let items = [
            item([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
            item([3.0, 2.0, 5.0, 4.0, 5.0, 6.0, 9.0]),
        ];
        let s = Scaler::fit(&items);
        assert_eq!(s.mean, [2.0, 2.0, 4.0, 4.0, 5.0, 6.0, 8.0]);
        // ddof = 0: std of {1, 3} is 1, not √2; a constant feature gets 1.
        assert_eq!(s.std, [1.0; 7]);
        assert_eq!(
            s.transform(&items[1].features),
            [1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
        );
    }
}
