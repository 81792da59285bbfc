//! The `[data]` section of an experiment config: which well logs, and every step from the logs
//! to the interfaces. The defaults are the 2018 tutorial's.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::rock_physics::RockPhysicsConfig;
use crate::source::DataFile;
use zoepnet_network::InputEncoding;

/// The `[data]` section. Keys the section does not know are refused when it is deserialised;
/// values are checked by [`DataConfig::validate`], which names the offending key.
///
/// | key | default | range |
/// |---|---|---|
/// | `source` | `"logs"` | `logs`, `rock-physics`, `domain` |
/// | `rock_physics` | (its defaults) | see [`RockPhysicsConfig`] |
/// | `domain` | (its defaults) | `samples`, `validation` >= 1 (>= 0 added to a rock-physics prior); `seed`; `near_critical` in [0, 1]; `near_p_critical_draws`, `past_p_critical_draws`, `past_s_critical_draws`, `p_cusp_draws`, `s_cusp_draws` 0 to 10 000 000; `margin` in [0, 0.1] (see [`crate::domain::DomainDraws`]) |
/// | `las` | (required) | a path, or a list of them, or a folder |
/// | `url` | none | an http:// or https:// address (one file only) |
/// | `sha256` | none | 64 hexadecimal digits (one file only) |
/// | `curves.vp`, `curves.vs`, `curves.rho` | [`P_SLOWNESS`], [`S_SLOWNESS`], [`DENSITY`] | a mnemonic, or a list tried in order |
/// | `null_policy` | `"strict"` | `none`, `strict`, `common` |
/// | `drop_last` | 100 | >= 0 samples |
/// | `vs_repair` | `"mean"` | `mean`, `none`, `null` |
/// | `missing` | `"error"` | `error`, `drop` |
/// | `decimate` | 5 | >= 1 (1 with `blocks`) |
/// | `blocks` | none | `{ thickness = H, average = "mean" }`: layers H > 0 m thick, `mean` or `backus` |
/// | `interfaces` | 500 | >= 1, above the blind ones |
/// | `theta_min` | 0 | [0, 90) degrees |
/// | `theta_max` | 20 | (theta_min, 90] degrees |
/// | `rng` | `"numpy"` | `numpy` |
/// | `seed` | 42 | 0 to 2^32 − 1 |
/// | `train` | 400 | 1 to interfaces − 1 |
/// | `train_angles` | 1 | >= 1 |
/// | `scaler` | `"all"` | `all`, `train` |
/// | `blind_rocks.interfaces` | 200 | >= 1 |
/// | `blind_rocks.theta` | 30 | [0, 90] degrees |
/// | `new_angles.interfaces` | `[0]` | indices below `blind_rocks.interfaces` |
/// | `new_angles.theta_min`, `theta_max` | 0, 60 | [0, 90] degrees, min <= max |
/// | `new_angles.step` | 1 | > 0 degrees |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Where the training and validation interfaces come from: `logs` (those of the wells of
    /// `las`, as the tutorial), `rock-physics` (drawn from the prior of `[data.rock_physics]`)
    /// or `domain` (drawn over the domain test's whole domain, `[data.domain]`); with either
    /// of the last two the wells of `las` give only the blind sets.
    #[serde(default)]
    pub source: Source,
    /// The rock-physics prior, for `source = "rock-physics"` (its defaults when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rock_physics: Option<RockPhysicsConfig>,
    /// The domain draws, for `source = "domain"` (their defaults when left out); with
    /// `source = "rock-physics"`, draws added to the prior's (a mixture; none when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<crate::domain::DomainDraws>,
    /// The LAS file, or a list of them, or a folder (its `*.las` files, by name). A relative path
    /// is taken from the current directory, or, when a data folder is set (`--data-dir`,
    /// `ZOEPNET_DATA_DIR`), looked up there by its file name. With several files each is
    /// processed alone and interfaces never span two wells.
    #[serde(with = "one_or_many")]
    pub las: Vec<PathBuf>,
    /// The public address to fetch the file from when it is missing (one file only, and only
    /// under the file name the address ends in). Empty is none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "empty_is_none"
    )]
    pub url: Option<String>,
    /// The sha256 the file must have, 64 hexadecimal digits (one file only). Empty is none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "empty_is_none"
    )]
    pub sha256: Option<String>,
    /// The curves to read, converted to SI by their units.
    #[serde(default)]
    pub curves: Curves,
    /// Which log values are nulls: `strict` (the header's NULL only, as lasio), `common` (also
    /// -999.25 and its relatives, and text), or `none`.
    #[serde(default)]
    pub null_policy: NullPolicyName,
    /// Samples dropped at the end of each log (the tutorial: 100, "some bad data").
    #[serde(default = "defaults::drop_last")]
    pub drop_last: usize,
    /// What to do with invalid S-wave velocities (negative or null).
    #[serde(default)]
    pub vs_repair: VsRepair,
    /// What to do with samples where Vp, rho (or Vs, without repair) is null.
    #[serde(default)]
    pub missing: Missing,
    /// Keep every n-th sample (the tutorial: 5).
    #[serde(default = "defaults::decimate")]
    pub decimate: usize,
    /// Upscale each log into layers of one thickness before making interfaces (the scale at
    /// which seismic sees layers; [`crate::blocks`]); none keeps the samples as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<crate::blocks::Blocks>,
    /// Interfaces to make, from the top: sample i over sample i + 1 (the tutorial: 500).
    #[serde(default = "defaults::interfaces")]
    pub interfaces: usize,
    /// Smallest incidence angle drawn, degrees.
    #[serde(default)]
    pub theta_min: f64,
    /// Angles are drawn uniformly in [theta_min, theta_max), degrees.
    #[serde(default = "defaults::theta_max")]
    pub theta_max: f64,
    /// The random generator (only `numpy`, NumPy's legacy `RandomState`, so far).
    #[serde(default)]
    pub rng: RngKind,
    /// The seed, reset before the angle draws and again before the split (as the tutorial did).
    #[serde(default = "defaults::seed")]
    pub seed: u32,
    /// Interfaces in the training split; the rest are for validation (the tutorial: 400 of 500).
    #[serde(default = "defaults::train")]
    pub train: usize,
    /// Angles per training interface (the tutorial: 1). With k > 1 each training interface is
    /// also labelled at k − 1 more angles, uniform in [theta_min, theta_max), drawn after the
    /// tutorial's draws from a generator seeded with `seed + 1`; the validation interfaces keep
    /// their one angle, so the split and the validation set stay the tutorial's.
    #[serde(default = "defaults::train_angles")]
    pub train_angles: usize,
    /// Which interfaces the feature scaler is fitted on.
    #[serde(default)]
    pub scaler: ScalerFit,
    /// What the network is given of each interface: `"layers"` (the seven features as they are,
    /// the tutorial), `"contrasts"` (the same interface as its relative contrasts, their size,
    /// Vs/Vp and the angle; [`InputEncoding`]) or `"contrasts-critical"` (the angle as
    /// sin θ · Vp2/Vp1, 1 at the critical angle). The scaler standardises the encoded inputs.
    #[serde(default)]
    pub inputs: InputEncoding,
    /// The "new rocks" blind test.
    #[serde(default)]
    pub blind_rocks: BlindRocks,
    /// The "new angles" blind test.
    #[serde(default)]
    pub new_angles: NewAngles,
}

/// An optional text where `""` means none (`--set data.sha256=` drops a config's checksum).
fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    Ok(text.filter(|t| !t.trim().is_empty()))
}

/// P-slowness mnemonics, in the order they are tried: R-39's `DT4P` first (the tutorial), then
/// the names of the common logging tools and of Schlumberger's, Halliburton's and Baker's
/// processed curves (`DTCO`, `DTC`, `DT`, `AC`, `DTP`).
pub const P_SLOWNESS: [&str; 6] = ["DT4P", "DTCO", "DTC", "DT", "AC", "DTP"];
/// S-slowness mnemonics, in the order they are tried.
pub const S_SLOWNESS: [&str; 6] = ["DT4S", "DTSM", "DTS", "DTSH", "ACS", "DTSD"];
/// Bulk-density mnemonics, in the order they are tried.
pub const DENSITY: [&str; 6] = ["RHOB", "RHOZ", "DEN", "DENS", "ZDEN", "RHO"];

/// Curve mnemonics for the three logs: each a mnemonic, or a list of them (aliases) of which
/// the first the file has is read. The units come from the file's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curves {
    /// P-wave slowness (us/m or us/ft). Default: [`P_SLOWNESS`].
    #[serde(default = "defaults::vp", with = "one_or_many")]
    pub vp: Vec<String>,
    /// S-wave slowness (us/m or us/ft). Default: [`S_SLOWNESS`].
    #[serde(default = "defaults::vs", with = "one_or_many")]
    pub vs: Vec<String>,
    /// Bulk density (kg/m3 or g/cm3). Default: [`DENSITY`].
    #[serde(default = "defaults::rho", with = "one_or_many")]
    pub rho: Vec<String>,
}

impl Default for Curves {
    fn default() -> Self {
        Self {
            vp: defaults::vp(),
            vs: defaults::vs(),
            rho: defaults::rho(),
        }
    }
}

/// Where a run's training and validation interfaces come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The wells' interfaces (the tutorial).
    #[default]
    Logs,
    /// Interfaces drawn from a rock-physics prior, labelled by exact Zoeppritz.
    RockPhysics,
    /// Interfaces drawn over the whole domain of the domain test ([`crate::domain`]), labelled
    /// by exact Zoeppritz: every contrast, Vp/Vs and angle to 60 degrees.
    Domain,
}

/// A LAS null policy by name (see [`zoepnet_las::NullPolicy`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NullPolicyName {
    /// Nothing is a null.
    None,
    /// Only the header's `NULL` value is a null (lasio's default).
    #[default]
    Strict,
    /// The header's `NULL`, -999.25 and its relatives, and text in numeric curves.
    Common,
}

impl NullPolicyName {
    /// The policy.
    pub fn policy(self) -> zoepnet_las::NullPolicy {
        match self {
            NullPolicyName::None => zoepnet_las::NullPolicy::none(),
            NullPolicyName::Strict => zoepnet_las::NullPolicy::strict(),
            NullPolicyName::Common => zoepnet_las::NullPolicy::common(),
        }
    }
}

/// Repair of invalid S-wave velocities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VsRepair {
    /// Replace Vs < 0 and null Vs by the mean of the non-null Vs, negative values included (the
    /// tutorial's `VS[VS < 0] = np.mean(VS)`).
    #[default]
    Mean,
    /// Leave Vs as read; nulls are then handled by `missing`.
    None,
    /// Take Vs < 0 for a null (a negative slowness is no measurement); nulls are then handled
    /// by `missing`. The well test reads wells this way.
    Null,
}

/// Handling of null samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// A null is an error naming the curve and depth.
    #[default]
    Error,
    /// Samples with a null are removed before decimation.
    Drop,
}

/// The random generator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RngKind {
    /// NumPy's legacy `RandomState` (MT19937), bit for bit.
    #[default]
    Numpy,
}

/// The interfaces the scaler's mean and standard deviation come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScalerFit {
    /// All interfaces, before the split (the tutorial).
    #[default]
    All,
    /// The training split only.
    Train,
}

/// "New rocks": the last interfaces of the decimated log, all at one angle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlindRocks {
    /// How many interfaces, counted from the bottom of the (last) log (the tutorial: 200).
    #[serde(default = "defaults::blind_interfaces")]
    pub interfaces: usize,
    /// Their incidence angle, degrees (the tutorial: 30).
    #[serde(default = "defaults::blind_theta")]
    pub theta: f64,
}

impl Default for BlindRocks {
    fn default() -> Self {
        Self {
            interfaces: defaults::blind_interfaces(),
            theta: defaults::blind_theta(),
        }
    }
}

/// "New angles": chosen blind interfaces swept over a range of angles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAngles {
    /// Indices into the blind-rocks interfaces.
    #[serde(default = "defaults::sweep_interfaces")]
    pub interfaces: Vec<usize>,
    /// First angle of the sweep, degrees.
    #[serde(default)]
    pub theta_min: f64,
    /// Last angle of the sweep, degrees (included).
    #[serde(default = "defaults::sweep_theta_max")]
    pub theta_max: f64,
    /// Angle step, degrees.
    #[serde(default = "defaults::sweep_step")]
    pub step: f64,
}

impl Default for NewAngles {
    fn default() -> Self {
        Self {
            interfaces: defaults::sweep_interfaces(),
            theta_min: 0.0,
            theta_max: defaults::sweep_theta_max(),
            step: defaults::sweep_step(),
        }
    }
}

mod defaults {
    pub fn train_angles() -> usize {
        1
    }
    pub fn vp() -> Vec<String> {
        super::P_SLOWNESS.map(String::from).to_vec()
    }
    pub fn vs() -> Vec<String> {
        super::S_SLOWNESS.map(String::from).to_vec()
    }
    pub fn rho() -> Vec<String> {
        super::DENSITY.map(String::from).to_vec()
    }
    pub fn drop_last() -> usize {
        100
    }
    pub fn decimate() -> usize {
        5
    }
    pub fn interfaces() -> usize {
        500
    }
    pub fn theta_max() -> f64 {
        20.0
    }
    pub fn seed() -> u32 {
        42
    }
    pub fn train() -> usize {
        400
    }
    pub fn blind_interfaces() -> usize {
        200
    }
    pub fn blind_theta() -> f64 {
        30.0
    }
    pub fn sweep_interfaces() -> Vec<usize> {
        vec![0]
    }
    pub fn sweep_theta_max() -> f64 {
        60.0
    }
    pub fn sweep_step() -> f64 {
        1.0
    }
}

/// `las = "a.las"` or `las = ["a.las", "b.las"]` (and `vp = "DT"` or `vp = ["DT", "DTCO"]`).
mod one_or_many {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        One(T),
        Many(Vec<T>),
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(p) => vec![p],
            OneOrMany::Many(v) => v,
        })
    }

    pub fn serialize<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        match v {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

/// A value in the `[data]` section that is out of range or malformed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{key}`: {message}")]
pub struct ConfigError {
    /// The key's path, e.g. `data.sha256`.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ConfigError {
    /// A refusal of `key` saying what is wrong and what was expected: the one constructor of
    /// the checks of every config section (`[data]`, its prior, `[model]`, `[train]`).
    pub fn refuse<T>(key: impl Into<String>, message: impl Into<String>) -> Result<T, Self> {
        Err(Self {
            key: key.into(),
            message: message.into(),
        })
    }

    /// Refuses `v` for `key` unless it is a positive, finite number.
    pub fn positive(key: impl Into<String>, v: f64) -> Result<(), Self> {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Self::refuse(key, format!("expected a positive number, found {v}"))
        }
    }

    /// Refuses `v` for `key` unless it is a finite number >= 0.
    pub fn non_negative(key: impl Into<String>, v: f64) -> Result<(), Self> {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Self::refuse(key, format!("expected a number >= 0, found {v}"))
        }
    }
}

/// `[data.domain]`'s counts of draws near and past the critical angles, each at most
/// [`DomainDraws::MAX_CONDITIONED`](crate::domain::DomainDraws::MAX_CONDITIONED), and its
/// margin, at most [`DomainDraws::MAX_MARGIN`](crate::domain::DomainDraws::MAX_MARGIN).
fn check_conditioned(d: &crate::domain::DomainDraws) -> Result<(), ConfigError> {
    let max = crate::domain::DomainDraws::MAX_CONDITIONED;
    for (key, count) in [
        ("data.domain.near_p_critical_draws", d.near_p_critical_draws),
        ("data.domain.past_p_critical_draws", d.past_p_critical_draws),
        ("data.domain.past_s_critical_draws", d.past_s_critical_draws),
        ("data.domain.p_cusp_draws", d.p_cusp_draws),
        ("data.domain.s_cusp_draws", d.s_cusp_draws),
    ] {
        if count > max {
            return bad(key, format!("expected at most {max} draws, found {count}"));
        }
    }
    let widest = crate::domain::DomainDraws::MAX_MARGIN;
    if !(0.0..=widest).contains(&d.margin) {
        return bad(
            "data.domain.margin",
            format!(
                "expected a fraction of each range in [0, {widest}], found {}",
                d.margin
            ),
        );
    }
    Ok(())
}

fn bad(key: &str, message: impl Into<String>) -> Result<(), ConfigError> {
    ConfigError::refuse(key, message)
}

/// Checks that `v` is an angle in [0, 90) degrees (or [0, 90] with `max_included`).
fn angle(key: &str, v: f64, max_included: bool) -> Result<(), ConfigError> {
    let ok = v.is_finite() && v >= 0.0 && if max_included { v <= 90.0 } else { v < 90.0 };
    if ok {
        Ok(())
    } else {
        bad(
            key,
            format!(
                "expected an angle in [0, 90{} degrees, found {v}",
                if max_included { "]" } else { ")" }
            ),
        )
    }
}

/// `{section}.theta_min` and `{section}.theta_max`: angles drawn in [min, max), 0 <= min < max
/// <= 90 degrees.
pub(crate) fn angle_range(section: &str, min: f64, max: f64) -> Result<(), ConfigError> {
    angle(&format!("{section}.theta_min"), min, false)?;
    angle(&format!("{section}.theta_max"), max, true)?;
    if max <= min {
        return bad(
            &format!("{section}.theta_max"),
            format!("expected more than theta_min ({min}), found {max}"),
        );
    }
    Ok(())
}

impl DataConfig {
    /// Checks each value, naming the first key that is wrong.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_source()?;
        match (self.source, &self.domain) {
            (Source::Domain, Some(d)) if d.samples == 0 || d.validation == 0 => {
                return bad(
                    "data.domain",
                    "expected 1 or more training (samples) and validation interfaces",
                );
            }
            (Source::Domain | Source::RockPhysics, Some(d))
                if !(0.0..=1.0).contains(&d.near_critical) =>
            {
                return bad(
                    "data.domain.near_critical",
                    format!("expected a fraction in [0, 1], found {}", d.near_critical),
                );
            }
            (Source::Domain | Source::RockPhysics, Some(d)) => check_conditioned(d)?,
            (Source::Domain | Source::RockPhysics, _) | (_, None) => {}
            (Source::Logs, Some(_)) => {
                return bad(
                    "data.domain",
                    "domain draws are used only with data.source = \"domain\" or \"rock-physics\"",
                );
            }
        }
        match (self.source, &self.rock_physics) {
            (Source::Logs | Source::Domain, Some(_)) => {
                return bad(
                    "data.rock_physics",
                    "a rock-physics prior is used only with data.source = \"rock-physics\"",
                );
            }
            (_, Some(prior)) => prior.validate()?,
            _ => {}
        }
        self.validate_interfaces()?;
        self.validate_blind()
    }

    /// The rock-physics prior: `[data.rock_physics]`, or its defaults.
    pub fn prior(&self) -> RockPhysicsConfig {
        self.rock_physics.clone().unwrap_or_default()
    }

    /// `las`, `url`, `sha256`.
    fn validate_source(&self) -> Result<(), ConfigError> {
        if self.las.is_empty() || self.las.iter().any(|p| p.as_os_str().is_empty()) {
            return bad(
                "data.las",
                "expected the path of a LAS file (or a list of them)",
            );
        }
        if self.las.len() > 1 && (self.url.is_some() || self.sha256.is_some()) {
            return bad(
                "data.url",
                "`url` and `sha256` describe one file; `las` lists several",
            );
        }
        if let Some(url) = &self.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return bad(
                "data.url",
                format!("expected an http:// or https:// address, found {url:?}"),
            );
        }
        if let Some(sum) = &self.sha256
            && !(sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return bad(
                "data.sha256",
                format!("expected 64 hexadecimal digits, found {sum:?}"),
            );
        }
        Ok(())
    }

    /// `decimate`, `interfaces`, `train_angles`, the angle range and the split.
    fn validate_interfaces(&self) -> Result<(), ConfigError> {
        for (key, names) in [
            ("data.curves.vp", &self.curves.vp),
            ("data.curves.vs", &self.curves.vs),
            ("data.curves.rho", &self.curves.rho),
        ] {
            if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
                return bad(key, "expected a mnemonic or a list of them, none empty");
            }
        }
        if self.decimate == 0 {
            return bad("data.decimate", "expected 1 or more (1 keeps every sample)");
        }
        if let Some(blocks) = &self.blocks {
            if !(blocks.thickness.is_finite() && blocks.thickness > 0.0) {
                return bad(
                    "data.blocks.thickness",
                    format!("expected a thickness above 0 m, found {}", blocks.thickness),
                );
            }
            if self.decimate != 1 {
                return bad(
                    "data.decimate",
                    format!(
                        "{} with data.blocks: the layers are the samples kept; set data.decimate \
                         = 1",
                        self.decimate
                    ),
                );
            }
        }
        if self.interfaces == 0 {
            return bad("data.interfaces", "expected 1 or more interfaces");
        }
        if self.train_angles == 0 {
            return bad(
                "data.train_angles",
                "expected 1 or more angles per training interface",
            );
        }
        angle_range("data", self.theta_min, self.theta_max)?;
        if self.train == 0 || self.train >= self.interfaces {
            return bad(
                "data.train",
                format!(
                    "expected 1 to {} (some of the {} interfaces must be left for validation), found {}",
                    self.interfaces - 1,
                    self.interfaces,
                    self.train
                ),
            );
        }
        Ok(())
    }

    /// `[data.blind_rocks]` and `[data.new_angles]`.
    fn validate_blind(&self) -> Result<(), ConfigError> {
        if self.blind_rocks.interfaces == 0 {
            return bad(
                "data.blind_rocks.interfaces",
                "expected 1 or more interfaces",
            );
        }
        angle("data.blind_rocks.theta", self.blind_rocks.theta, true)?;
        let sweep = &self.new_angles;
        angle("data.new_angles.theta_min", sweep.theta_min, true)?;
        angle("data.new_angles.theta_max", sweep.theta_max, true)?;
        if sweep.theta_max < sweep.theta_min {
            return bad("data.new_angles.theta_max", "expected at least theta_min");
        }
        if !(sweep.step.is_finite() && sweep.step > 0.0) {
            return bad(
                "data.new_angles.step",
                format!("expected a positive angle step, found {}", sweep.step),
            );
        }
        if let Some(&i) = sweep
            .interfaces
            .iter()
            .find(|&&i| i >= self.blind_rocks.interfaces)
        {
            return bad(
                "data.new_angles.interfaces",
                format!(
                    "index {i} is past the {} blind-rocks interfaces",
                    self.blind_rocks.interfaces
                ),
            );
        }
        Ok(())
    }

    /// The well logs this section names, with the address and checksum of a single file.
    pub fn las_files(&self) -> Vec<DataFile> {
        self.las
            .iter()
            .map(|path| DataFile {
                path: path.clone(),
                url: self.url.clone(),
                sha256: self.sha256.as_ref().map(|s| s.to_ascii_lowercase()),
            })
            .collect()
    }
}

/// The rows of a `| key | default | range |` table in rustdoc text (`/// | ...` lines of a
/// source file, from the line holding `after` on, until the table ends): (key, default) with
/// their backticks and quotes taken off. For tests that hold each documented default to the
/// one written in code.
#[doc(hidden)]
pub fn documented_defaults(source: &str, after: &str) -> Vec<(String, String)> {
    let clean = |cell: &str| cell.trim().trim_matches('`').trim_matches('"').to_owned();
    source
        .lines()
        .skip_while(|l| !l.contains(after))
        .skip_while(|l| !l.starts_with("/// | key |"))
        .skip(2)
        .take_while(|l| l.starts_with("/// |"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_start_matches("/// ").split('|').collect();
            (cells.len() > 3).then(|| (clean(cells[1]), clean(cells[2])))
        })
        .collect()
}

/// Whether a documented default `doc` says `value`: the same string, number (digits grouped
/// by spaces, a − for a minus), boolean or list of numbers; `none` (and words after it) for a
/// value left out. Defaults described in words (`learning_rate / 100`, `see below`) are not
/// checked: `None`.
#[doc(hidden)]
pub fn says(doc: &str, value: Option<&toml::Value>) -> Option<bool> {
    let number = |text: &str| {
        text.replace([' ', '\u{2009}'], "")
            .replace('−', "-")
            .parse::<f64>()
    };
    let as_f64 = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|n| n as f64));
    Some(match (doc, value) {
        // Described, not a value: "(required)", "(its defaults)".
        (d, _) if d.starts_with('(') => return None,
        // Left out, or the variant named "none".
        (d, v) if d == "none" || d.starts_with("none (") => {
            v.is_none_or(|v| v.as_str() == Some("none"))
        }
        (_, Some(toml::Value::String(s))) => doc == s,
        (_, Some(toml::Value::Boolean(b))) => doc.parse::<bool>().ok()? == *b,
        (_, Some(toml::Value::Array(items))) => {
            let listed = doc.strip_prefix('[')?.strip_suffix(']')?;
            let listed: Vec<f64> = listed
                .split(',')
                .map(|x| number(x.trim()).ok())
                .collect::<Option<_>>()?;
            let values: Vec<f64> = items.iter().map(as_f64).collect::<Option<_>>()?;
            listed == values
        }
        (_, Some(v)) => number(doc).ok()? == as_f64(v)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> DataConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn curves_are_a_mnemonic_or_a_list_of_aliases() {
        let c = parse("las = \"a.las\"\n[curves]\nvp = \"DT\"\nrho = [\"DEN\", \"RHOZ\"]");
        assert_eq!(c.curves.vp, ["DT"]);
        assert_eq!(c.curves.rho, ["DEN", "RHOZ"]);
        assert_eq!(c.curves.vs, S_SLOWNESS);
        let empty = toml::from_str::<DataConfig>("las = \"a.las\"\n[curves]\nvs = []")
            .unwrap()
            .validate()
            .unwrap_err();
        assert_eq!(empty.key, "data.curves.vs");
    }

    #[test]
    fn the_defaults_are_the_tutorials() {
        let c = parse("las = \"data/R-39.las\"");
        assert_eq!(c.las, [PathBuf::from("data/R-39.las")]);
        assert_eq!(
            (c.drop_last, c.decimate, c.interfaces, c.train, c.seed),
            (100, 5, 500, 400, 42)
        );
        assert_eq!((c.theta_min, c.theta_max), (0.0, 20.0));
        assert_eq!(c.curves.vp[0], "DT4P");
        assert_eq!(c.curves.vs[0], "DT4S");
        assert_eq!(c.curves.rho[0], "RHOB");
        assert_eq!(c.curves, Curves::default());
        assert_eq!(c.null_policy, NullPolicyName::Strict);
        assert_eq!((c.blind_rocks.interfaces, c.blind_rocks.theta), (200, 30.0));
        assert_eq!(
            (c.vs_repair, c.missing, c.scaler),
            (VsRepair::Mean, Missing::Error, ScalerFit::All)
        );
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn several_files_and_checksums_in_any_case() {
        let c = parse("las = [\"a.las\", \"b.las\"]");
        assert_eq!(c.las.len(), 2);
        let one = parse(&format!(
            "las = \"a.las\"\nsha256 = \"{}\"",
            "AB".repeat(32)
        ));
        assert_eq!(
            one.las_files()[0].sha256.as_deref(),
            Some("ab".repeat(32).as_str())
        );
    }

    #[test]
    fn names_the_key_of_a_bad_value() {
        let key = |text: &str| parse(text).validate().map_err(|e| e.key);
        assert_eq!(
            key("las = \"a.las\"\nsha256 = \"02cb\""),
            Err("data.sha256".into())
        );
        assert_eq!(
            key("las = \"a.las\"\nurl = \"ftp://x/a.las\""),
            Err("data.url".into())
        );
        assert_eq!(key("las = \"\""), Err("data.las".into()));
        assert_eq!(
            key("las = \"a.las\"\ninterfaces = 0"),
            Err("data.interfaces".into())
        );
        assert_eq!(
            key("las = \"a.las\"\ntheta_max = 95"),
            Err("data.theta_max".into())
        );
        assert_eq!(
            key("las = \"a.las\"\ntheta_min = -1"),
            Err("data.theta_min".into())
        );
        assert_eq!(
            key("las = \"a.las\"\ntheta_min = 30"),
            Err("data.theta_max".into())
        );
        assert_eq!(
            key("las = \"a.las\"\ntrain = 500"),
            Err("data.train".into())
        );
        assert_eq!(
            key("las = \"a.las\"\ndecimate = 0"),
            Err("data.decimate".into())
        );
        assert_eq!(
            key("las = \"a.las\"\nsource = \"domain\"\n[domain]\npast_s_critical_draws = 10000001"),
            Err("data.domain.past_s_critical_draws".into())
        );
        assert_eq!(
            key("las = \"a.las\"\nsource = \"domain\"\n[domain]\npast_s_critical_draws = 10000000"),
            Ok(())
        );
        for (margin, ok) in [
            ("0.1", true),
            ("0.11", false),
            ("-0.01", false),
            ("nan", false),
        ] {
            let text = format!("las = \"a.las\"\nsource = \"domain\"\n[domain]\nmargin = {margin}");
            let expected = if ok {
                Ok(())
            } else {
                Err("data.domain.margin".into())
            };
            assert_eq!(key(&text), expected, "{margin}");
        }
        assert_eq!(
            key("las = \"a.las\"\nsource = \"domain\"\n[domain]\ns_cusp_draws = 10000001"),
            Err("data.domain.s_cusp_draws".into())
        );
        assert_eq!(
            key("las = [\"a.las\", \"b.las\"]\nurl = \"https://x/a.las\""),
            Err("data.url".into())
        );
        assert_eq!(
            key("las = \"a.las\"\n[new_angles]\ninterfaces = [200]"),
            Err("data.new_angles.interfaces".into())
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err =
            toml::from_str::<DataConfig>("las = \"a.las\"\n[curves]\nvp = \"DT\"\ndt = \"DT\"")
                .unwrap_err();
        assert!(err.to_string().contains("unknown field `dt`"), "{err}");
    }

    #[test]
    fn the_documented_defaults_are_the_defaults() {
        let config: DataConfig = toml::from_str("las = \"x.las\"").unwrap();
        let value = toml::Value::try_from(&config).unwrap();
        let rows = documented_defaults(include_str!("config.rs"), "/// The `[data]` section");
        assert!(rows.len() > 20, "{rows:?}");
        let mut checked = 0;
        for (key, doc) in rows {
            let found = key.split('.').try_fold(&value, |v, k| v.get(k));
            if let Some(same) = says(&doc, found) {
                assert!(same, "data.{key}: documented {doc}, is {found:?}");
                checked += 1;
            }
        }
        assert!(checked >= 15, "{checked}");
    }
}
