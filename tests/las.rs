//! End-to-end: `zoepnet las info` and `zoepnet las csv`.

mod common;

use std::path::PathBuf;

use common::{real_data_dir, repo_root, run, zoepnet};
use zoepnet_las::ReadOptions;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("crates/las/tests/fixtures").join(name)
}

#[test]
fn info_summarises_the_r39_log() {
    let path = real_data_dir().join("R-39.las");
    let (out, stdout, stderr) = run(zoepnet().args(["las", "info"]).arg(&path));
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[1], "well:  EXXONMOBIL ET AL ALMA 3");
    assert_eq!(
        lines[2],
        "index: DEPT from 2193.036 to 3388.1568 M, step 0.1524 M, 7843 rows"
    );
    assert_eq!(lines[3], "curves: 23");
    assert_eq!(lines.len(), 4 + 1 + 23, "{stdout}");
    let dt4p: Vec<&str> = lines
        .iter()
        .find(|l| l.starts_with("DT4P "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(dt4p[..2], ["DT4P", "US/M"]);
    assert_eq!(dt4p[dt4p.len() - 3..], ["7843", "166.3475", "348.9463"]);
    // The duplicated ~P item is reported on stderr with its line.
    assert!(
        stderr.contains("line 34: ~P mnemonic EPD appears more than once"),
        "{stderr}"
    );
    assert!(!stderr.contains("hint"), "{stderr}");
}

#[test]
fn a_log_not_where_it_is_named_is_looked_for_in_the_data_folder() {
    let dir = common::temp_dir("las-data-dir");
    let (out, stdout, stderr) = run(zoepnet()
        .current_dir(&dir)
        .args(["las", "info", "R-39.las"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "file:  {} (LAS 2.0",
            real_data_dir().join("R-39.las").display()
        )),
        "{stdout}"
    );
    let (out, _, stderr) = run(zoepnet()
        .current_dir(&dir)
        .args(["las", "info", "R-39.las"])
        .env_remove("ZOEPNET_DATA_DIR"));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
}

#[test]
fn info_hints_at_nulls_the_header_does_not_declare() {
    // nulls.las declares NULL -9999.0; its RHOB also holds -999999.9999.
    let (out, _, stderr) = run(zoepnet().args(["las", "info"]).arg(fixture("nulls.las")));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "hint: 1 curve (RHOB) holds -999999.9999, a null value the header's NULL does not \
             declare; --null-policy common reads it as null"
        ),
        "{stderr}"
    );
    let (out, _, stderr) = run(zoepnet()
        .args(["las", "info", "--null-policy", "common"])
        .arg(fixture("nulls.las")));
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("hint"), "{stderr}");
}

#[test]
fn csv_round_trips_every_value() {
    let path = real_data_dir().join("R-39.las");
    let (out, stdout, stderr) = run(zoepnet()
        .args(["las", "csv"])
        .arg(&path)
        .args(["--curves", "dt4p,DT4S,RHOB"]));
    assert!(out.status.success(), "{stderr}");
    let log = zoepnet_las::read(&path, &ReadOptions::default()).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("DEPT,DT4P,DT4S,RHOB"));
    let mut rows = 0;
    for (row, line) in lines.enumerate() {
        for (field, name) in line.split(',').zip(["DEPT", "DT4P", "DT4S", "RHOB"]) {
            let expected = log.curve(name).unwrap().numbers().unwrap()[row];
            let got: f64 = field.parse().unwrap();
            assert_eq!(
                got.to_bits(),
                expected.to_bits(),
                "row {row}, {name}: {field}"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 7843);
}

#[test]
fn csv_writes_nulls_as_empty_fields() {
    let (out, stdout, _) = run(zoepnet()
        .args(["las", "csv"])
        .arg(fixture("nulls.las"))
        .args(["--null-policy", "common"]));
    assert!(out.status.success());
    assert_eq!(
        stdout,
        "DEPT,DT,RHOB\n1670,,2550\n1669.75,,\n1669.5,,\n1669.25,,2580\n1669,430,\n"
    );
    // The default, strict (lasio's): only the declared NULL (-9999) in numeric curves; DT has
    // text, so it is a text curve written as given (the NULL value too), as lasio reads it.
    let (out, stdout, _) = run(zoepnet().args(["las", "csv"]).arg(fixture("nulls.las")));
    assert!(out.status.success());
    assert_eq!(
        stdout,
        "DEPT,DT,RHOB\n1670,-9999.0,2550\n1669.75,-999.25,\n1669.5,(null),-999999.9999\n\
         1669.25,-,2580\n1669,430.0,inf\n"
    );
}

#[test]
fn csv_writes_text_curves_as_given_and_never_shifts_values() {
    let (out, stdout, stderr) = run(zoepnet()
        .args(["las", "csv"])
        .arg(fixture("datetime_unquoted.las")));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stdout,
        "DEPT,TIME,DT,RHOB\n1670,1999-12-31 23:59:58,400,2550\n\
         1669.75,1999-12-31 23:59:59,,2560\n1669.5,2000-01-01 00:00:00,420,2570\n"
    );
    assert!(
        stderr.contains("line 16: 3 rows have more values than the 4 curves"),
        "{stderr}"
    );
    let (out, stdout, _) = run(zoepnet()
        .args(["las", "info"])
        .arg(fixture("datetime_unquoted.las")));
    assert!(out.status.success());
    let time: Vec<&str> = stdout
        .lines()
        .find(|l| l.starts_with("TIME "))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(time[time.len() - 3..], ["3", "(text)", "(text)"]);
}

#[test]
fn bad_files_and_arguments_exit_2_with_the_line() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["info", "las3.las"],
            "las3.las: line 2: LAS version 3.0 is not supported",
        ),
        (
            &["csv", "text_ambiguous.las"],
            "text_ambiguous.las: line 16: expected 3 values, one per curve",
        ),
        (
            &["csv", "repeated_section.las", "--null-policy", "none"],
            "repeated_section.las: line 14: expected one ~C section (the first is at line 10)",
        ),
        (
            &["csv", "v20.las", "--curves", "DT,VS"],
            "--curves: no curve \"VS\" in the file (curves: DEPT, DT, RHOB)",
        ),
    ];
    for (args, message) in cases {
        let mut cmd = zoepnet();
        cmd.arg("las")
            .arg(args[0])
            .arg(fixture(args[1]))
            .args(&args[2..]);
        let (out, _, stderr) = run(&mut cmd);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let (out, _, stderr) = run(zoepnet().args(["las", "info", "no/such/file.las"]));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no/such/file.las"), "{stderr}");
}

/// A curve section without periods has no index unit: the summary says so by saying none, with
/// no stray space before its commas (as it read "from 1670 to 1669.5 , step -0.25 ,").
#[test]
fn info_without_an_index_unit_reads_cleanly() {
    let (out, stdout, stderr) = run(zoepnet()
        .args(["las", "info"])
        .arg(fixture("no_period.las")));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stdout.lines().nth(2),
        Some("index: DEPT from 1670 to 1669.5, step -0.25, 3 rows")
    );
}
