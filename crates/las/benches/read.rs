//! How long reading the R-39 well log takes (target: under 20 ms in a release build).
//!
//! `cargo bench -p zoepnet-las` (the log is looked for in $ZOEPNET_DATA_DIR, ../shared/data or data/).

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates: Vec<PathBuf> = std::env::var_os("ZOEPNET_DATA_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([root.join("../shared/data"), root.join("data")])
        .map(|d| d.join("R-39.las"))
        .collect();
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        eprintln!(
            "R-39.las not found in {candidates:?}; put it in ../shared/data or set ZOEPNET_DATA_DIR"
        );
        std::process::exit(2);
    };
    let options = zoepnet_las::ReadOptions::default();
    let runs = 50;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let log = zoepnet_las::read(path, &options).expect("R-39.las reads");
        times.push(start.elapsed().as_secs_f64() * 1e3);
        assert_eq!(log.rows(), 7843);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "read R-39.las ({runs} runs): median {:.2} ms, min {:.2} ms, max {:.2} ms (target < 20 ms)",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
