//! Curves in SI units: slowness to velocity (m/s), density (kg/m3), depth (m).
//!
//! Units are matched without regard to case, spaces or the micro sign (`us/m`, `US/M`, `µs/m`,
//! `uSec/ft`); a unit not listed is an error naming the curve and the unit, never a guess.

use crate::error::UnitError;
use crate::file::{Curve, LasFile, Values};

/// Feet to metres (exact, international foot).
pub const FOOT: f64 = 0.3048;

/// Slowness units and the constant `k` in velocity = `k` / slowness, velocity in m/s.
const SLOWNESS: [(&str, f64); 6] = [
    ("US/M", 1e6),
    ("USEC/M", 1e6),
    ("US/FT", 1e6 * FOOT),
    ("US/F", 1e6 * FOOT),
    ("USEC/FT", 1e6 * FOOT),
    ("USEC/F", 1e6 * FOOT),
];
/// Density units and their factor to kg/m3.
const DENSITY: [(&str, f64); 8] = [
    ("KG/M3", 1.0),
    ("K/M3", 1.0),
    ("KG/M**3", 1.0),
    ("G/CM3", 1000.0),
    ("G/C3", 1000.0),
    ("G/CC", 1000.0),
    ("GM/CC", 1000.0),
    ("GR/CC", 1000.0),
];
/// Depth units and their factor to metres.
const DEPTH: [(&str, f64); 11] = [
    ("M", 1.0),
    ("METRE", 1.0),
    ("METER", 1.0),
    ("METRES", 1.0),
    ("METERS", 1.0),
    ("FT", FOOT),
    ("F", FOOT),
    ("FEET", FOOT),
    ("FOOT", FOOT),
    (".1IN", 0.00254),
    ("0.1IN", 0.00254),
];

fn normalise(unit: &str) -> String {
    unit.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'µ' | 'μ' => 'U',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn factor(
    curve: &Curve,
    table: &[(&str, f64)],
    quantity: &'static str,
    expected: &'static str,
) -> Result<f64, UnitError> {
    let unit = normalise(curve.unit());
    table
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|&(_, f)| f)
        .ok_or_else(|| UnitError::Unknown {
            curve: curve.mnemonic().to_owned(),
            unit: curve.unit().to_owned(),
            quantity,
            expected,
        })
}

/// The factor `k` with velocity (m/s) = `k` / slowness, for a slowness unit (us/m or us/ft).
pub fn slowness_factor(curve: &Curve) -> Result<f64, UnitError> {
    factor(
        curve,
        &SLOWNESS,
        "slowness",
        "us/m, us/ft (also usec/m, usec/ft, us/f)",
    )
}

/// The factor to kg/m3 for a density unit (kg/m3, g/cm3, g/cc).
pub fn density_factor(curve: &Curve) -> Result<f64, UnitError> {
    factor(
        curve,
        &DENSITY,
        "density",
        "kg/m3, k/m3, g/cm3, g/c3, g/cc, gm/cc",
    )
}

/// The factor to metres for a depth unit (m, ft, 0.1 in).
pub fn depth_factor(curve: &Curve) -> Result<f64, UnitError> {
    factor(curve, &DEPTH, "depth", "m, ft, f, .1in (0.1 in)")
}

impl LasFile {
    /// The numeric curve `mnemonic`: an error naming it when there is none, or when it holds
    /// text.
    pub fn numeric(&self, mnemonic: &str) -> Result<(&Curve, &[f64]), UnitError> {
        let curve = self.curve(mnemonic).ok_or_else(|| UnitError::NoCurve {
            curve: mnemonic.to_owned(),
            available: self
                .curves
                .iter()
                .map(|c| c.mnemonic())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        numbers(curve).map(|values| (curve, values))
    }

    /// Velocity in m/s from a slowness curve (us/m or us/ft): v = 1e6 / DT (us/m), or
    /// v = 0.3048e6 / DT (us/ft). Nulls stay NaN; a zero slowness gives infinity.
    pub fn velocity_from_slowness(&self, mnemonic: &str) -> Result<Vec<f64>, UnitError> {
        let (curve, values) = self.numeric(mnemonic)?;
        let k = slowness_factor(curve)?;
        Ok(values.iter().map(|&dt| k / dt).collect())
    }

    /// Density in kg/m3 from a density curve (kg/m3 or g/cm3).
    pub fn density_kg_m3(&self, mnemonic: &str) -> Result<Vec<f64>, UnitError> {
        let (curve, values) = self.numeric(mnemonic)?;
        let f = density_factor(curve)?;
        Ok(values.iter().map(|&rho| rho * f).collect())
    }

    /// The index curve in metres (m, ft or 0.1 in).
    pub fn depth_m(&self) -> Result<Vec<f64>, UnitError> {
        let curve = self.index();
        let values = numbers(curve)?;
        let f = depth_factor(curve)?;
        Ok(values.iter().map(|&z| z * f).collect())
    }
}

/// A curve's numbers, or an error naming it when it holds text.
fn numbers(curve: &Curve) -> Result<&[f64], UnitError> {
    match &curve.values {
        Values::Numbers(values) => Ok(values),
        Values::Text {
            first: (line, text),
            ..
        } => Err(UnitError::Text {
            curve: curve.mnemonic().to_owned(),
            line: *line,
            found: text.clone(),
        }),
    }
}
