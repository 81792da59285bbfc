//! The reflectivity gathers: bruges' functions, column by column, computed with the GIL released
//! over the machine's cores.

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use zoepnet_physics::{Complex64, Interface, ShueyTerms};

/// The interfaces' six columns and the angles, as slices of one length each.
struct Gather<'a> {
    columns: [&'a [f64]; 6],
    theta: &'a [f64],
}

impl Gather<'_> {
    /// The n × m values of `f` for every angle (rows) and interface (columns), the interfaces
    /// shared out over the machine's cores.
    fn map<T: Send + Copy + Default>(&self, f: impl Fn(&Interface, f64) -> T + Sync) -> Vec<T> {
        let m = self.columns[0].len();
        let interfaces: Vec<Interface> = (0..m)
            .map(|i| Interface::from_properties(self.columns.map(|c| c[i])))
            .collect();
        let mut out = vec![T::default(); self.theta.len() * m];
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        // Each thread takes whole rows (angles), or a share of each row when there are few.
        let chunk = out.len().div_ceil(threads).max(1024);
        std::thread::scope(|scope| {
            for (c, slot) in out.chunks_mut(chunk).enumerate() {
                let (interfaces, f) = (&interfaces, &f);
                scope.spawn(move || {
                    for (k, value) in slot.iter_mut().enumerate() {
                        let at = c * chunk + k;
                        *value = f(&interfaces[at % m], self.theta[at / m]);
                    }
                });
            }
        });
        out
    }
}

/// Borrows the columns as slices, checking they are contiguous and of one length.
fn slices<'a>(
    columns: &'a [PyReadonlyArray1<'_, f64>; 6],
    theta: &'a PyReadonlyArray1<'_, f64>,
) -> PyResult<Gather<'a>> {
    let contiguous = |a: &'a PyReadonlyArray1<'_, f64>| {
        a.as_slice()
            .map_err(|_| PyValueError::new_err("expected contiguous float64 arrays"))
    };
    let mut cols: [&[f64]; 6] = [&[]; 6];
    for (slot, column) in cols.iter_mut().zip(columns) {
        *slot = contiguous(column)?;
    }
    if cols.iter().any(|c| c.len() != cols[0].len()) {
        return Err(PyValueError::new_err(
            "vp1, vs1, rho1, vp2, vs2 and rho2 must have one length (or be scalars)",
        ));
    }
    Ok(Gather {
        columns: cols,
        theta: contiguous(theta)?,
    })
}

/// `values` (n × m, row-major) as a NumPy array.
fn array<'py, T: numpy::Element>(
    py: Python<'py>,
    rows: usize,
    values: Vec<T>,
) -> PyResult<Bound<'py, PyArray2<T>>> {
    let cols = values.len().checked_div(rows).unwrap_or(0);
    Array2::from_shape_vec((rows, cols), values)
        .map(|a| a.into_pyarray(py))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Exact Zoeppritz Rpp, complex, in bruges' convention past a critical angle (the conjugate of
/// `zoepnet_physics::rpp`: the same real part); NaN where the physics refuses the input.
#[pyfunction]
#[allow(clippy::too_many_arguments)] // bruges' own signature, column by column
pub fn zoeppritz_rpp_grid<'py>(
    py: Python<'py>,
    vp1: PyReadonlyArray1<'py, f64>,
    vs1: PyReadonlyArray1<'py, f64>,
    rho1: PyReadonlyArray1<'py, f64>,
    vp2: PyReadonlyArray1<'py, f64>,
    vs2: PyReadonlyArray1<'py, f64>,
    rho2: PyReadonlyArray1<'py, f64>,
    theta: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray2<Complex64>>> {
    let columns = [vp1, vs1, rho1, vp2, vs2, rho2];
    let gather = slices(&columns, &theta)?;
    let nan = Complex64::new(f64::NAN, f64::NAN);
    let values =
        py.detach(|| gather.map(|i, t| zoepnet_physics::rpp(i, t).map_or(nan, |r| r.conj())));
    array(py, gather.theta.len(), values)
}

/// A linearised Rpp, `method` "aki-richards" (Aki & Richards 1980), "shuey" (Shuey 1985, three
/// terms) or "shuey2" (two terms); NaN outside its domain (at or past a critical angle, at 90°,
/// |R| > 1).
#[pyfunction]
#[allow(clippy::too_many_arguments)] // bruges' own signature, column by column
pub fn approximation_grid<'py>(
    py: Python<'py>,
    vp1: PyReadonlyArray1<'py, f64>,
    vs1: PyReadonlyArray1<'py, f64>,
    rho1: PyReadonlyArray1<'py, f64>,
    vp2: PyReadonlyArray1<'py, f64>,
    vs2: PyReadonlyArray1<'py, f64>,
    rho2: PyReadonlyArray1<'py, f64>,
    theta: PyReadonlyArray1<'py, f64>,
    method: &str,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let formula: fn(&Interface, f64) -> f64 = match method {
        "aki-richards" => |i, t| zoepnet_physics::aki_richards(i, t).unwrap_or(f64::NAN),
        "shuey" => |i, t| zoepnet_physics::shuey(i, t, ShueyTerms::Three).unwrap_or(f64::NAN),
        "shuey2" => |i, t| zoepnet_physics::shuey(i, t, ShueyTerms::Two).unwrap_or(f64::NAN),
        other => {
            return Err(PyValueError::new_err(format!(
                "method {other:?}: expected aki-richards, shuey or shuey2"
            )));
        }
    };
    let columns = [vp1, vs1, rho1, vp2, vs2, rho2];
    let gather = slices(&columns, &theta)?;
    let values = py.detach(|| gather.map(formula));
    array(py, gather.theta.len(), values)
}
