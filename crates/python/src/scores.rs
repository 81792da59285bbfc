//! A trained run's domain test and well test as Python rows (lists of dicts) beside the
//! Markdown tables `zoepnet eval` prints.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoepnet_learner::domain::DomainScores;
use zoepnet_learner::well_test::WellScore;

/// The domain test's rows: region (None for every row), the network's rows, RMS and largest
/// error, and Aki-Richards' (None where it is nowhere defined).
pub fn domain_rows<'py>(
    py: Python<'py>,
    scores: &DomainScores,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    scores
        .rows
        .iter()
        .map(|row| {
            let d = PyDict::new(py);
            d.set_item("region", row.region.map(|r| r.name()))?;
            d.set_item("rows", row.network.rows)?;
            d.set_item("network_rms", row.network.rms)?;
            d.set_item("network_max", row.network.max)?;
            d.set_item("ar_rows", row.aki_richards.map_or(0, |a| a.rows))?;
            d.set_item("ar_rms", row.aki_richards.map(|a| a.rms))?;
            d.set_item("ar_max", row.aki_richards.map(|a| a.max))?;
            Ok(d)
        })
        .collect()
}

/// The well test's rows: well, scale (metres, None at full resolution), rock rows, rows left
/// out, Aki-Richards' rows, both MSEs there, their ratio and the network's largest error.
pub fn well_rows<'py>(py: Python<'py>, scores: &[WellScore]) -> PyResult<Vec<Bound<'py, PyDict>>> {
    scores
        .iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("well", PathBuf::from(&s.well))?;
            d.set_item("scale_m", s.scale)?;
            d.set_item("rows", s.rows)?;
            d.set_item("unstable", s.unstable)?;
            d.set_item("ar_rows", s.ar_rows)?;
            d.set_item("network_mse", s.network_mse)?;
            d.set_item("ar_mse", s.ar_mse)?;
            d.set_item("ratio", s.ratio())?;
            d.set_item("network_max", s.network_max)?;
            Ok(d)
        })
        .collect()
}
