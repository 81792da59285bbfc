//! The reflectivity gathers: bruges' functions, column by column, computed with the GIL released
//! over the machine's cores.

use numpy::{PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use zoepnet_physics::{Complex64, GatherInterface, Incidence, Interface, ShueyTerms};

/// The interfaces' six columns and the angles, as slices of one length each.
struct Gather<'a> {
    columns: [&'a [f64]; 6],
    theta: &'a [f64],
}

impl Gather<'_> {
    /// Fills `out` (n × m, row-major) with `f` of every interface (columns) at every angle
    /// (rows), each interface and each angle made once (by `interface`, `angle`); the values
    /// shared out over the machine's cores.
    fn fill<I: Sync, A: Sync, T: Send>(
        &self,
        out: &mut [T],
        (interface, angle): (impl Fn(Interface) -> I, impl Fn(f64) -> A),
        f: impl Fn(&I, &A) -> T + Sync,
    ) {
        let m = self.columns[0].len();
        let interfaces: Vec<I> = (0..m)
            .map(|i| interface(Interface::from_properties(self.columns.map(|c| c[i]))))
            .collect();
        let angles: Vec<A> = self.theta.iter().map(|&t| angle(t)).collect();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = out.len().div_ceil(threads).max(1024);
        std::thread::scope(|scope| {
            for (c, slot) in out.chunks_mut(chunk).enumerate() {
                let (interfaces, angles, f) = (&interfaces, &angles, &f);
                scope.spawn(move || {
                    // The first value's angle (row) and interface (column), then on along the row.
                    let (mut row, mut col) = ((c * chunk) / m, (c * chunk) % m);
                    for value in slot.iter_mut() {
                        *value = f(&interfaces[col], &angles[row]);
                        col += 1;
                        if col == m {
                            (row, col) = (row + 1, 0);
                        }
                    }
                });
            }
        });
    }

    /// The n × m gather of `f` as a NumPy array, computed with the GIL released. NumPy
    /// allocates it zeroed (calloc: the pages are touched first by the threads that fill them).
    fn array<'py, I: Sync, A: Sync, T: numpy::Element + Send>(
        &self,
        py: Python<'py>,
        make: (impl Fn(Interface) -> I + Send, impl Fn(f64) -> A + Send),
        f: impl Fn(&I, &A) -> T + Sync + Send,
    ) -> PyResult<Bound<'py, PyArray2<T>>> {
        let array = PyArray2::<T>::zeros(py, [self.theta.len(), self.columns[0].len()], false);
        {
            let mut written = array.readwrite();
            let out = written
                .as_slice_mut()
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            py.detach(|| self.fill(out, make, f));
        }
        Ok(array)
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

/// Exact Zoeppritz Rpp: its real part, or with `complex` the complex value in bruges'
/// convention past a critical angle (the conjugate of `zoepnet_physics::rpp`: the same real
/// part); NaN where the physics refuses the input.
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
    complex: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let columns = [vp1, vs1, rho1, vp2, vs2, rho2];
    let gather = slices(&columns, &theta)?;
    // Each interface and angle checked and prepared once; a refused one is None, its values NaN.
    let make = (
        |i: Interface| GatherInterface::new(i).ok(),
        |t: f64| Incidence::degrees(t).ok(),
    );
    let rpp = |i: &Option<GatherInterface>, a: &Option<Incidence>| {
        i.as_ref().zip(a.as_ref()).and_then(|(i, a)| i.rpp(a).ok())
    };
    Ok(if complex {
        let nan = Complex64::new(f64::NAN, f64::NAN);
        let values = gather.array(py, make, move |i, a| rpp(i, a).map_or(nan, |r| r.conj()))?;
        values.into_any()
    } else {
        let values = gather.array(py, make, move |i, a| rpp(i, a).map_or(f64::NAN, |r| r.re))?;
        values.into_any()
    })
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
    gather.array(py, (|i| i, |t| t), |i, &t| formula(i, t))
}
