//! How long reading the R-39 well log takes (target: under 20 ms in a release build).
//!
//! `cargo bench -p zoepnet-las` (the log is looked for in $ZOEPNET_DATA_DIR, ../shared/data or data/).

use std::time::Instant;

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

fn main() {
    let path = match well_log::find_r39() {
        Ok(path) => path,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let path = &path;
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
