//! LAS files read by zoepnet's reader, handed to the Python half (`zoepnet/las.py`) as plain
//! values.

use numpy::IntoPyArray;
use pyo3::exceptions::{PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A header section's items as (mnemonic, original mnemonic, unit, value, description).
fn items(section: &zoepnet_las::Section) -> Vec<(&str, &str, &str, &str, &str)> {
    section
        .items
        .iter()
        .map(|i| {
            let i: &zoepnet_las::HeaderItem = i;
            (
                i.mnemonic.as_str(),
                i.original_mnemonic.as_str(),
                i.unit.as_str(),
                i.value.as_str(),
                i.description.as_str(),
            )
        })
        .collect()
}

/// Reads the LAS 1.2/2.0 file at `path` (zoepnet's reader, nulls as lasio reads them): a dict
/// of its sections (`version`, `well`, `params`: lists of items), its `curves` (header item and
/// values: a float64 array, NaN where null, or a list of str for a text curve) and `warnings`
/// ("line N: ..."). The file is read with the GIL released.
#[pyfunction]
pub fn read_las<'py>(py: Python<'py>, path: std::path::PathBuf) -> PyResult<Bound<'py, PyDict>> {
    let read = py.detach(|| zoepnet_las::read(&path, &zoepnet_las::ReadOptions::default()));
    let las = read.map_err(|e| match &e {
        zoepnet_las::LasError::Io { source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            PyFileNotFoundError::new_err(format!("{}: {source}", path.display()))
        }
        _ => PyValueError::new_err(format!("{}: {e}", path.display())),
    })?;
    let out = PyDict::new(py);
    out.set_item("version", items(&las.version))?;
    out.set_item("well", items(&las.well))?;
    out.set_item("params", items(&las.params))?;
    let warnings: Vec<String> = las.warnings.iter().map(ToString::to_string).collect();
    let curves = PyList::empty(py);
    // The values move into NumPy's arrays, uncopied.
    for curve in las.curves {
        let h = curve.header;
        let data: Bound<'py, PyAny> = match curve.values {
            zoepnet_las::Values::Numbers(v) => v.into_pyarray(py).into_any(),
            zoepnet_las::Values::Text { values, .. } => PyList::new(py, values)?.into_any(),
        };
        curves.append((
            h.mnemonic,
            h.original_mnemonic,
            h.unit,
            h.value,
            h.description,
            data,
        ))?;
    }
    out.set_item("curves", curves)?;
    out.set_item("warnings", warnings)?;
    Ok(out)
}
