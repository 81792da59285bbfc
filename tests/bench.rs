//! End-to-end: `zoepnet bench`, networks trained per second on each engine.

mod common;

use common::{real_data_dir, run, zoepnet};

/// The table's rows after its header, each as its cells.
fn rows(stdout: &str) -> Vec<Vec<String>> {
    let mut lines = stdout.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("| engine | device | precision | P | epochs | seconds | networks ("),
        "{stdout}"
    );
    assert_eq!(lines.next(), Some("|---|---|---|---|---|---|---|"));
    lines
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn times_each_engine_for_each_population_size() {
    let (status, stdout, stderr) = run(zoepnet()
        .args(["bench", "--offline", "--networks", "2,3", "--epochs", "1"])
        .args(["--engine", "fused,kernel", "--backend", "wgpu"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
    if !status.status.success() && !required && stderr.contains("not usable on this machine") {
        eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
        return;
    }
    assert!(status.status.success(), "{stderr}");
    assert!(stdout.starts_with(
        "| engine | device | precision | P | epochs | seconds | networks (100 epochs) / s |\n"
    ));
    let rows = rows(&stdout);
    let cells: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("fused", "f64", "2", "1"),
            ("population-kernel", "f32", "2", "1"),
            ("fused", "f64", "3", "1"),
            ("population-kernel", "f32", "3", "1"),
        ]
    );
    assert!(rows[1][1].starts_with("wgpu: "), "{}", rows[1][1]);
    // networks/s = P x epochs / 100 / seconds (the seconds rounded to 1 ms).
    for r in &rows {
        let p: f64 = r[3].parse().unwrap();
        let (seconds, rate): (f64, f64) = (r[5].parse().unwrap(), r[6].parse().unwrap());
        let expected = p / 100.0 / seconds;
        assert!(
            seconds > 0.0 && (rate - expected).abs() <= expected * 0.5e-3 / seconds + 1e-3,
            "{r:?}"
        );
    }
    // Each engine is warmed up once, before its first row.
    assert_eq!(stderr.matches("warming up").count(), 2, "{stderr}");

    // --repeat: the same rows, each the median of its timings.
    let (status, stdout, stderr) = run(zoepnet()
        .args(["bench", "--offline", "--networks", "2", "--epochs", "1"])
        .args(["--engine", "fused", "--repeat", "3"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    assert_eq!(
        stdout.lines().count(),
        3,
        "a header, its rule and one row: {stdout}"
    );
    assert!(stderr.contains("each the median of 3 timings"), "{stderr}");
    assert!(stderr.contains("P = 2 (3 times) ..."), "{stderr}");
}

#[test]
fn refuses_what_cannot_be_timed() {
    let bench = |args: &[&str]| {
        run(zoepnet()
            .arg("bench")
            .arg("--offline")
            .args(args)
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    let (status, stdout, stderr) = bench(&["--engine", "kernel", "--backend", "flex"]);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.is_empty() && stderr.contains("runs on wgpu only"),
        "{stderr}"
    );
    let (status, _, stderr) = bench(&["--networks", "0"]);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    let (status, _, stderr) = bench(&["--epochs", "0"]);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    // L-BFGS: the population engines train per-sample SGD only. Asked for, refused up front.
    let (status, stdout, stderr) = bench(&[
        "configs/best.toml",
        "--engine",
        "population",
        "--backend",
        "flex",
    ]);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.is_empty() && stderr.contains("trains per-sample manual SGD only"),
        "{stderr}"
    );
}

/// By default every engine that can: no kernel without wgpu, no population engine for a config
/// it cannot train (said on stderr).
#[test]
fn leaves_out_by_default_what_cannot_run() {
    let (status, stdout, stderr) = run(zoepnet()
        .args(["bench", "configs/best.toml", "--offline", "--networks", "1"])
        .args(["--epochs", "1", "--backend", "flex"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let rows = rows(&stdout);
    assert_eq!(rows.len(), 1, "{stdout}");
    assert_eq!((rows[0][0].as_str(), rows[0][3].as_str()), ("fused", "1"));
    assert!(stdout.contains("networks (3000 epochs) / s"), "{stdout}");
    assert!(
        stderr.contains("left out: the population engine"),
        "{stderr}"
    );
}
