//! The compiled half of the `zoepnet` Python package (`zoepnet._zoepnet`); the Python half
//! (`python/zoepnet/`) gives it the signatures Python users know (bruges', lasio's) and the
//! progress bars. It holds no domain logic: each function is a call into the workspace's
//! libraries, its results turned into Python values and its errors into Python exceptions.
//!
//! - `physics`: reflectivity gathers (n angles × m interfaces), NaN where the physics refuses
//!   a coefficient, computed with the GIL released over the machine's cores;
//! - `las`: a LAS file as plain values;
//! - `experiments`: configs, training, resuming, run folders, sweeps and seed studies through
//!   `zoepnet_learner`, on a worker thread `watch`ed from Python's (Ctrl-C, progress);
//! - `errors`: which Python exception each library error becomes.

mod errors;
mod experiments;
mod las;
mod physics;
mod scores;
mod studies;
mod watch;

use pyo3::prelude::*;

#[pymodule]
fn _zoepnet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(physics::zoeppritz_rpp_grid, m)?)?;
    m.add_function(wrap_pyfunction!(physics::approximation_grid, m)?)?;
    m.add_function(wrap_pyfunction!(las::read_las, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::load_config, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::train, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::open_run, m)?)?;
    m.add_function(wrap_pyfunction!(studies::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(studies::seeds, m)?)?;
    m.add_class::<experiments::TrainedRun>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
