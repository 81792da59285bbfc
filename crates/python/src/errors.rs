//! Which Python exception a library error becomes: `FileNotFoundError` where a file the user
//! named is missing (a config, a well log, a run folder's file), `ValueError` where the error
//! comes from what the user gave (a bad key or value, a folder that holds another run),
//! `RuntimeError` otherwise. The message is the error and its sources, joined by ": ", as the
//! command line prints it.

use std::error::Error;

use pyo3::PyErr;
use pyo3::exceptions::{PyFileNotFoundError, PyRuntimeError, PyValueError};
use zoepnet_dataset::SourceError;

/// `err` and its sources on one line.
pub fn message(err: &(dyn Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(e) = source {
        let text = e.to_string();
        // A transparent wrapper repeats its source's text; say it once.
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// Whether a file missing is the cause of `err`.
fn missing_file(err: &(dyn Error + 'static)) -> bool {
    let mut at = Some(err);
    while let Some(e) = at {
        match e.downcast_ref::<SourceError>() {
            Some(SourceError::Missing { .. }) => return true,
            Some(SourceError::Io { error, .. }) if error.kind() == std::io::ErrorKind::NotFound => {
                return true;
            }
            _ => {}
        }
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
        {
            return true;
        }
        at = e.source();
    }
    false
}

/// The Python exception for `err`, which `bad_input` says came from what the user gave.
pub fn to_python(err: &(dyn Error + 'static), bad_input: bool) -> PyErr {
    with_message(err, bad_input, message(err))
}

/// The Python exception for `err` (as [`to_python`]), saying `text`.
pub fn with_message(err: &(dyn Error + 'static), bad_input: bool, text: String) -> PyErr {
    if missing_file(err) {
        PyFileNotFoundError::new_err(text)
    } else if bad_input {
        PyValueError::new_err(text)
    } else {
        PyRuntimeError::new_err(text)
    }
}
