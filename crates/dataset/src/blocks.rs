//! Well logs upscaled to the layers seismic sees: each log blocked into layers of one thickness,
//! each layer's Vp, Vs and density from the samples inside it.
//!
//! Block k of a log holds the samples whose depth is in [top + k h, top + (k + 1) h), with `top`
//! the log's first depth and h the thickness. Its density is the samples' mean. Its velocities
//! are their means (`average = "mean"`), or Backus averages (`average = "backus"`): with the
//! P- and S-wave moduli M = ρ Vp² and μ = ρ Vs² of each sample, and ⟨·⟩ the mean over the block,
//!
//! ```text
//! ρ' = ⟨ρ⟩,   C33 = ⟨1/M⟩⁻¹,   C44 = ⟨1/μ⟩⁻¹,   Vp' = √(C33 / ρ'),   Vs' = √(C44 / ρ')
//! ```
//!
//! the vertical velocities of the long-wavelength equivalent of the stack of samples (Backus
//! 1962, "Long-wave elastic anisotropy produced by horizontal layering", JGR 67(11); as
//! `bruges.rockphysics.backus` computes them, with the samples of a block as its window). A
//! fluid sample (Vs = 0) makes the block's Vs' 0.
//!
//! A block with no samples (a gap in the log, or samples left out as missing) is no layer: two
//! layers make an interface only where their blocks are consecutive, never across a gap.

use serde::{Deserialize, Serialize};

/// `[data.blocks]`: the layers' thickness and how their velocities are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blocks {
    /// Each layer's thickness, metres (feet logs are converted by their index's unit).
    pub thickness: f64,
    /// How the velocities of a layer's samples are averaged (density: always the mean).
    #[serde(default)]
    pub average: Average,
}

/// How a layer's velocities come from its samples'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Average {
    /// The mean of the samples' velocities.
    #[default]
    Mean,
    /// Backus (1962): the vertical velocities of the stack's long-wavelength equivalent.
    Backus,
}

/// A log's layers: each one's (Vp, Vs, rho) and top depth, and for each layer but the last
/// whether the next layer lies right below it (no gap between).
#[derive(Debug, Clone, PartialEq)]
pub struct Layers {
    /// Vp (m/s), Vs (m/s), density (kg/m3) of each layer.
    pub properties: Vec<[f64; 3]>,
    /// Each layer's top depth, in the log's depth unit.
    pub tops: Vec<f64>,
    /// `touching[i]`: layer i + 1 is the block right below layer i.
    pub touching: Vec<bool>,
}

/// Blocks `samples` ((Vp, Vs, rho), depth; by increasing or decreasing depth) into layers
/// `thickness` thick, in the depth unit of the samples.
pub fn block(samples: &[([f64; 3], f64)], thickness: f64, average: Average) -> Layers {
    let mut layers = Layers {
        properties: Vec::new(),
        tops: Vec::new(),
        touching: Vec::new(),
    };
    let Some(&(_, top)) = samples.first() else {
        return layers;
    };
    let direction = match samples.last() {
        Some(&(_, last)) if last < top => -1.0,
        _ => 1.0,
    };
    let index = |depth: f64| ((depth - top) * direction / thickness).floor() as i64;
    let mut previous: Option<i64> = None;
    let mut start = 0;
    while start < samples.len() {
        let k = index(samples[start].1);
        let end = start
            + samples[start..]
                .iter()
                .take_while(|(_, d)| index(*d) == k)
                .count();
        if let Some(p) = previous {
            layers.touching.push(k == p + 1);
        }
        let block: Vec<[f64; 3]> = samples[start..end].iter().map(|(s, _)| *s).collect();
        layers.properties.push(averaged(&block, average));
        layers.tops.push(top + direction * k as f64 * thickness);
        previous = Some(k);
        start = end;
    }
    layers
}

/// One block's (Vp, Vs, rho) from its samples'.
fn averaged(samples: &[[f64; 3]], average: Average) -> [f64; 3] {
    let n = samples.len() as f64;
    let mean = |f: &dyn Fn(&[f64; 3]) -> f64| samples.iter().map(f).sum::<f64>() / n;
    let rho = mean(&|s| s[2]);
    match average {
        Average::Mean => [mean(&|s| s[0]), mean(&|s| s[1]), rho],
        Average::Backus => {
            let c33 = 1.0 / mean(&|s| 1.0 / (s[2] * s[0] * s[0]));
            let fluid = samples.iter().any(|s| s[1] == 0.0);
            let c44 = if fluid {
                0.0
            } else {
                1.0 / mean(&|s| 1.0 / (s[2] * s[1] * s[1]))
            };
            [(c33 / rho).sqrt(), (c44 / rho).sqrt(), rho]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Average, block};

    /// A log sampled every 0.5 m from 1000 m, with three beds.
    fn log() -> Vec<([f64; 3], f64)> {
        (0..12)
            .map(|i| {
                let depth = 1000.0 + 0.5 * i as f64;
                let s = match i {
                    0..=2 => [2500.0, 1100.0, 2200.0],
                    3..=6 => [3200.0, 1700.0, 2450.0],
                    _ => [2800.0, 1300.0, 2300.0],
                };
                (s, depth)
            })
            .collect()
    }

    #[test]
    fn blocks_are_their_samples_means_and_touch() {
        let layers = block(&log(), 2.0, Average::Mean);
        // Samples 0-3, 4-7, 8-11.
        assert_eq!(layers.tops, vec![1000.0, 1002.0, 1004.0]);
        assert_eq!(layers.touching, vec![true, true]);
        let [vp, vs, rho] = layers.properties[0];
        assert_eq!(vp, (3.0 * 2500.0 + 3200.0) / 4.0);
        assert_eq!(vs, (3.0 * 1100.0 + 1700.0) / 4.0);
        assert_eq!(rho, (3.0 * 2200.0 + 2450.0) / 4.0);
    }

    #[test]
    fn backus_averages_are_bruges() {
        // bruges 0.5.4: rockphysics.backus(vp, vs, rho, lb=2.0, dz=0.5) over the whole log,
        // read at the middle of each window of four samples, is Vp0, Vs0 of these four.
        let samples: Vec<[f64; 3]> = log()[..4].iter().map(|(s, _)| *s).collect();
        let [vp, vs, rho] = super::averaged(&samples, Average::Backus);
        let m: f64 = samples
            .iter()
            .map(|s| 1.0 / (s[2] * s[0] * s[0]))
            .sum::<f64>()
            / 4.0;
        let mu: f64 = samples
            .iter()
            .map(|s| 1.0 / (s[2] * s[1] * s[1]))
            .sum::<f64>()
            / 4.0;
        assert!((vp - (1.0 / m / rho).sqrt()).abs() < 1e-9);
        assert!((vs - (1.0 / mu / rho).sqrt()).abs() < 1e-9);
        // Figures from bruges 0.5.4 on the same four samples.
        assert!((vp - BRUGES_VP0).abs() < 1e-6, "{vp}");
        assert!((vs - BRUGES_VS0).abs() < 1e-6, "{vs}");
        // Backus' Vp is below the mean's where the layers differ, and equal where they do not.
        assert!(vp < (3.0 * 2500.0 + 3200.0) / 4.0);
        let same = [[3000.0, 1500.0, 2400.0]; 3];
        let [vp, vs, _] = super::averaged(&same, Average::Backus);
        assert!((vp - 3000.0).abs() < 1e-9 && (vs - 1500.0).abs() < 1e-9);
    }

    /// `bruges.rockphysics.backus(vp, vs, rho, lb=2.0, dz=0.5)` (bruges 0.5.4) on these four
    /// samples followed by their mirror image, at index 2, whose window is the four samples.
    const BRUGES_VP0: f64 = 2617.525448180307;
    const BRUGES_VS0: f64 = 1180.7037508476278;

    #[test]
    fn a_gap_breaks_the_layers_and_a_fluid_has_no_shear() {
        let mut samples = log();
        samples.drain(4..8); // 1002-1003.5 m missing: block 1 is empty
        let layers = block(&samples, 2.0, Average::Mean);
        assert_eq!(layers.tops, vec![1000.0, 1004.0]);
        assert_eq!(layers.touching, vec![false]);
        // Depth decreasing upwards (a log read bottom up) blocks the same way, from its top.
        let mut reversed = log();
        reversed.reverse();
        let up = block(&reversed, 2.0, Average::Mean);
        assert_eq!(up.tops, vec![1005.5, 1003.5, 1001.5]);
        let fluid = [[1500.0, 0.0, 1030.0], [2500.0, 1200.0, 2200.0]];
        assert_eq!(super::averaged(&fluid, Average::Backus)[1], 0.0);
    }
}
