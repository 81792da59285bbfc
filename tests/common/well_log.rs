//! Where the real R-39 well log is found by tests and benchmarks: `$ZOEPNET_DATA_DIR`, else
//! `../shared/data` beside the repository, else the repository's own `data/`.
//!
//! Shared by the end-to-end tests (`tests/common`) and the las crate's tests and benchmark
//! (included with `#[path]`); every includer is a crate two folders below the repository root.

use std::path::{Path, PathBuf};

/// The path of `R-39.las`, or a message saying where it was looked for and where to put it.
pub fn find_r39() -> Result<PathBuf, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates: Vec<PathBuf> = std::env::var_os("ZOEPNET_DATA_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/data"), root.join("data")])
        .map(|d| d.join("R-39.las"))
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            format!(
                "R-39.las not found in any of {candidates:?}: put it in ../shared/data (or set \
             ZOEPNET_DATA_DIR), or run `cargo run -- fetch` to download it into data/"
            )
        })
}
