//! A trained run scored on whole wells (issue 29's well test): every interface of each well, at
//! full resolution and blocked into layers of a few metres (the scale at which seismic sees
//! them), each at an angle drawn uniformly over a range, labelled with exact Zoeppritz. For
//! each well and scale: the network's MSE beside Aki-Richards' on the rows where Aki-Richards is
//! defined, and the network's largest error on any row, past the critical angle included.
//! Rows with a layer no rock can have (Vp/Vs ≤ √(4/3), a log error) are counted and left out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use zoepnet_dataset::blocks::{Average, Blocks};
use zoepnet_dataset::{DataConfig, InterfaceItem, every_interface};

use crate::trained::{BlindError, TrainedRun};

/// What the well test does: the scales and the angles.
#[derive(Debug, Clone, PartialEq)]
pub struct WellTest {
    /// Layer thicknesses in metres; `None` is full resolution (every sample).
    pub scales: Vec<Option<f64>>,
    /// How blocked layers' velocities are averaged.
    pub average: Average,
    /// Angles are drawn uniformly in `[theta[0], theta[1])` degrees.
    pub theta: [f64; 2],
    /// The angles' seed (NumPy's `RandomState`), the same for every well and scale.
    pub seed: u32,
}

impl Default for WellTest {
    /// Full resolution and blocks of 2, 5 and 10 m (means), angles in [0, 60), seed 1.
    fn default() -> Self {
        Self {
            scales: vec![None, Some(2.0), Some(5.0), Some(10.0)],
            average: Average::Mean,
            theta: [0.0, 60.0],
            seed: 1,
        }
    }
}

/// A well test's setting out of range ([`WellTestError::setting`] names it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WellTestError {
    /// A layer thickness that is not 0 (every sample) or a positive number of metres.
    #[error("{0} is not a thickness in metres (0 for every sample, or more)")]
    Thickness(f64),
    /// A largest angle outside (0, 90] degrees.
    #[error("{0} is not an angle in (0, 90] degrees")]
    Angle(f64),
}

impl WellTestError {
    /// The setting at fault: `blocks` or `theta_max`.
    pub fn setting(&self) -> &'static str {
        match self {
            Self::Thickness(_) => "blocks",
            Self::Angle(_) => "theta_max",
        }
    }
}

impl WellTest {
    /// The test at the layer thicknesses `blocks` (metres; 0 for every sample), angles uniform
    /// in [0, `theta_max`) degrees drawn with `seed`, velocities of blocks averaged by mean.
    ///
    /// # Errors
    /// A thickness below 0 or not finite; `theta_max` outside (0, 90].
    pub fn new(blocks: &[f64], theta_max: f64, seed: u32) -> Result<Self, WellTestError> {
        if let Some(&bad) = blocks.iter().find(|h| !(h.is_finite() && **h >= 0.0)) {
            return Err(WellTestError::Thickness(bad));
        }
        if !(theta_max > 0.0 && theta_max <= 90.0) {
            return Err(WellTestError::Angle(theta_max));
        }
        Ok(Self {
            scales: blocks.iter().map(|&h| (h > 0.0).then_some(h)).collect(),
            theta: [0.0, theta_max],
            seed,
            ..Self::default()
        })
    }
}

/// One well at one scale.
#[derive(Debug, Clone, PartialEq)]
pub struct WellScore {
    /// The well log.
    pub well: PathBuf,
    /// The layers' thickness in metres, or `None` at full resolution.
    pub scale: Option<f64>,
    /// Interfaces scored (rock rows).
    pub rows: usize,
    /// Rows left out: a layer no rock can have.
    pub unstable: usize,
    /// Rock rows where Aki-Richards is defined.
    pub ar_rows: usize,
    /// The network's MSE on those rows.
    pub network_mse: f64,
    /// Aki-Richards' MSE on the same rows.
    pub ar_mse: f64,
    /// The network's largest absolute error on any rock row.
    pub network_max: f64,
    /// The row where it is (unscaled features, exact Re(Rpp)) and the network's error there.
    pub worst: Option<(InterfaceItem, f64)>,
}

impl WellScore {
    /// Network MSE over Aki-Richards' (NaN without rows where Aki-Richards is defined).
    pub fn ratio(&self) -> f64 {
        self.network_mse / self.ar_mse
    }
}

/// Scores `run` on every well of `wells` at every scale of `test`, the wells read as `data`
/// says (curves, nulls, Vs repair; its decimation, blocks and bottom rows are the test's).
///
/// # Errors
/// A well not read, an interface not labelled, or the network not scored.
pub fn score(
    run: &TrainedRun,
    data: &DataConfig,
    wells: &[PathBuf],
    test: &WellTest,
) -> Result<(Vec<WellScore>, Vec<String>), BlindError> {
    let mut scores = Vec::new();
    let mut warnings = Vec::new();
    for well in wells {
        for &scale in &test.scales {
            let blocks = scale.map(|thickness| Blocks {
                thickness,
                average: test.average,
            });
            let (items, said) = every_interface(data, well, blocks, test.theta, test.seed)?;
            if scale.is_none() {
                warnings.extend(said);
            }
            let predicted = run.predict(&items)?;
            scores.push(score_rows(well, scale, &items, &predicted));
        }
    }
    Ok((scores, warnings))
}

/// One well's figures from its items and the network's predictions.
fn score_rows(
    well: &Path,
    scale: Option<f64>,
    items: &[InterfaceItem],
    predicted: &[f64],
) -> WellScore {
    let mut score = WellScore {
        well: well.to_owned(),
        scale,
        rows: 0,
        unstable: 0,
        ar_rows: 0,
        network_mse: 0.0,
        ar_mse: 0.0,
        network_max: 0.0,
        worst: None,
    };
    for (item, p) in items.iter().zip(predicted) {
        let interface = item.interface();
        if !(interface.upper.is_stable() && interface.lower.is_stable()) {
            score.unstable += 1;
            continue;
        }
        score.rows += 1;
        let error = p - item.rpp;
        if error.abs() > score.network_max || score.worst.is_none() {
            score.network_max = error.abs();
            score.worst = Some((*item, error));
        }
        if let Ok(ar) = zoepnet_physics::aki_richards(&interface, item.theta()) {
            score.ar_rows += 1;
            score.network_mse += error * error;
            score.ar_mse += (ar - item.rpp).powi(2);
        }
    }
    let n = score.ar_rows as f64;
    score.network_mse /= n;
    score.ar_mse /= n;
    score
}

/// Where each well and scale has its largest error, as a Markdown table: the interface (m/s,
/// kg/m3, degrees), whether the angle is past the P-wave critical angle, the exact Re(Rpp) and
/// the network's error.
pub fn worst_rows(scores: &[WellScore]) -> String {
    let mut out = String::from(
        "| well | scale | vp1 | vs1 | rho1 | vp2 | vs2 | rho2 | theta | past critical | Rpp | network error |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n",
    );
    for s in scores {
        let Some((item, error)) = s.worst else {
            continue;
        };
        let f = item.features;
        let past = f[3] > f[0] && f[6].to_radians().sin() * f[3] / f[0] >= 1.0;
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1} | {} | {:.4} | {:.3e} |",
            well_name(&s.well),
            scale_name(s.scale),
            f[0],
            f[1],
            f[2],
            f[3],
            f[4],
            f[5],
            f[6],
            if past { "yes" } else { "no" },
            item.rpp,
            error
        );
    }
    out
}

fn well_name(well: &Path) -> String {
    well.file_stem().map_or_else(
        || well.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn scale_name(scale: Option<f64>) -> String {
    scale.map_or("full".to_owned(), |h| format!("{h} m"))
}

/// The scores as a Markdown table: a row per well and scale.
pub fn markdown(scores: &[WellScore]) -> String {
    let mut out = String::from(
        "| well | scale | rows | no-rock rows left out | Aki-Richards rows | network MSE | Aki-Richards MSE | network / AR | network max abs |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for s in scores {
        let (name, scale) = (well_name(&s.well), scale_name(s.scale));
        // A scale with no rows (layers thinner than the samples' spacing) has no figures.
        let figure = |v: f64, f: &dyn Fn(f64) -> String| if v.is_nan() { "-".into() } else { f(v) };
        let sci = |v: f64| format!("{v:.3e}");
        let _ = writeln!(
            out,
            "| {name} | {scale} | {} | {} | {} | {} | {} | {} | {} |",
            s.rows,
            s.unstable,
            s.ar_rows,
            figure(s.network_mse, &sci),
            figure(s.ar_mse, &sci),
            figure(s.ratio(), &|v| format!("{v:.3}")),
            if s.rows == 0 {
                "-".into()
            } else {
                sci(s.network_max)
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use zoepnet_network::feature_vector;
    use zoepnet_physics::Interface;

    fn item(properties: [f64; 6], theta: f64) -> InterfaceItem {
        InterfaceItem::labelled(&Interface::from_properties(properties), theta).expect("labelled")
    }

    #[test]
    fn settings_are_checked() {
        let t = WellTest::new(&[0.0, 2.5], 45.0, 7).expect("valid");
        assert_eq!(
            (t.scales, t.theta, t.seed),
            (vec![None, Some(2.5)], [0.0, 45.0], 7)
        );
        assert_eq!(
            WellTest::new(&[2.0, -1.0], 60.0, 1),
            Err(WellTestError::Thickness(-1.0))
        );
        assert!(matches!(
            WellTest::new(&[f64::NAN], 60.0, 1),
            Err(WellTestError::Thickness(_))
        ));
        assert_eq!(
            WellTest::new(&[0.0], 95.0, 1),
            Err(WellTestError::Angle(95.0))
        );
        assert_eq!(
            WellTest::new(&[0.0], 0.0, 1),
            Err(WellTestError::Angle(0.0))
        );
    }

    #[test]
    fn scores_leave_out_impossible_rocks_and_compare_on_ar_rows() {
        let weak = item([3000.0, 1500.0, 2300.0, 3200.0, 1650.0, 2350.0], 20.0);
        // Past the critical angle (asin(2000/4000) = 30 degrees): no Aki-Richards.
        let post = item([2000.0, 1000.0, 2200.0, 4000.0, 2200.0, 2500.0], 45.0);
        // Vs above Vp below: left out.
        let unstable = InterfaceItem {
            features: feature_vector([3663.0, 2274.0, 2353.0, 3709.0, 4098.0, 2392.0], 14.7),
            rpp: -0.043,
        };
        let items = [weak, post, unstable];
        let predicted = [weak.rpp + 0.001, post.rpp - 0.02, 5.0];
        let s = score_rows(Path::new("w.las"), Some(5.0), &items, &predicted);
        assert_eq!((s.rows, s.unstable, s.ar_rows), (2, 1, 1));
        assert!((s.network_mse - 1e-6).abs() < 1e-15, "{}", s.network_mse);
        let ar = zoepnet_physics::aki_richards(&weak.interface(), 20.0).expect("defined");
        assert!((s.ar_mse - (ar - weak.rpp).powi(2)).abs() < 1e-18);
        assert!((s.network_max - 0.02).abs() < 1e-12);
        assert_eq!(s.worst, Some((post, predicted[1] - post.rpp)));
        assert!(markdown(std::slice::from_ref(&s)).contains("| w | 5 m | 2 | 1 | 1 | 1.000e-6 |"));
        let none = score_rows(Path::new("w.las"), Some(0.01), &[], &[]);
        assert!(markdown(&[none]).contains("| w | 0.01 m | 0 | 0 | 0 | - | - | - | - |"));
        let worst = worst_rows(&[s]);
        let row = "| w | 5 m | 2000 | 1000 | 2200 | 4000 | 2200 | 2500 | 45.0 | yes |";
        assert!(
            worst.contains(row) && worst.contains("| -2.000e-2 |"),
            "{worst}"
        );
    }
}
