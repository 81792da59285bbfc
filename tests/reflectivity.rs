//! End-to-end: `zoepnet reflectivity`.

mod common;

use std::fs;

use common::{run, temp_dir, zoepnet};
use zoepnet_physics::{Elastic, Interface, ShueyTerms, aki_richards, rpp, shuey};

const INPUT: &str = "\
id,vp1,vs1,rho1,vp2,vs2,rho2,theta
a,3094,1515,2400,4050,2526,2210,20
b,2000,1000,2100,4000,2300,2500,45
";

fn interfaces() -> [(Interface, f64); 2] {
    [
        (
            Interface::new(
                Elastic::new(3094.0, 1515.0, 2400.0),
                Elastic::new(4050.0, 2526.0, 2210.0),
            ),
            20.0,
        ),
        (
            Interface::new(
                Elastic::new(2000.0, 1000.0, 2100.0),
                Elastic::new(4000.0, 2300.0, 2500.0),
            ),
            45.0,
        ),
    ]
}

#[test]
fn exact_adds_the_real_and_imaginary_parts_and_keeps_other_columns() {
    let dir = temp_dir("reflectivity-exact");
    let input = dir.join("in.csv");
    fs::write(&input, INPUT).unwrap();
    let (out, stdout, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "id,vp1,vs1,rho1,vp2,vs2,rho2,theta,rpp,rpp_imag");
    assert_eq!(lines.len(), 3);
    for (line, (interface, theta)) in lines[1..].iter().zip(interfaces()) {
        let fields: Vec<&str> = line.split(',').collect();
        let expected = rpp(&interface, theta).unwrap();
        assert_eq!(fields[8].parse::<f64>().unwrap(), expected.re, "{line}");
        assert_eq!(fields[9].parse::<f64>().unwrap(), expected.im, "{line}");
    }
    // The 45-degree row is past the critical angle (30 degrees): complex.
    assert_ne!(lines[2].split(',').nth(9), Some("0"));
}

#[test]
fn approximations_add_rpp_only_and_columns_may_come_in_any_order() {
    let dir = temp_dir("reflectivity-approx");
    let input = dir.join("in.csv");
    fs::write(
        &input,
        "Theta,VP2,vs2,rho2,vp1,vs1,rho1\n20,4050,2526,2210,3094,1515,2400\n",
    )
    .unwrap();
    let (interface, theta) = interfaces()[0];
    for (method, expected) in [
        ("aki-richards", aki_richards(&interface, theta).unwrap()),
        (
            "shuey",
            shuey(&interface, theta, ShueyTerms::Three).unwrap(),
        ),
        ("shuey2", shuey(&interface, theta, ShueyTerms::Two).unwrap()),
    ] {
        let output = dir.join(format!("{method}.csv"));
        let (out, _, stderr) = run(zoepnet()
            .args(["reflectivity", "--method", method, "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output));
        assert!(out.status.success(), "{stderr}");
        let text = fs::read_to_string(&output).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("Theta,VP2,vs2,rho2,vp1,vs1,rho1,rpp"));
        let value: f64 = lines
            .next()
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(value, expected, "{method}");
    }
}

#[test]
fn bad_rows_are_listed_with_their_lines_and_nothing_is_written() {
    let dir = temp_dir("reflectivity-bad");
    let input = dir.join("in.csv");
    fs::write(
        &input,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta\n\
         3094,1515,2400,4050,2526,2210,20\n\
         fast,1515,2400,4050,2526,2210,20\n\
         3094,1515,2400,4050,,2210,20\n\
         3094,1515,2400,-4050,2526,2210,20\n\
         3094,1515,2400,4050,2526,2210,95\n\
         3094,1515\n",
    )
    .unwrap();
    let output = dir.join("out.csv");
    let (out, _, stderr) = run(zoepnet()
        .arg("reflectivity")
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for needle in [
        "5 bad row(s)",
        "line 3: vp1: expected a number, found \"fast\"",
        "line 4: vs2 is missing",
        "line 5: vp2 must be a positive, finite number, found -4050",
        "line 6: the incidence angle must be within [0, 90] degrees, found 95",
        "line 7: 2 fields where the header row has 7\n",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert!(!output.exists());
}

#[test]
fn an_output_that_cannot_be_written_exits_2_and_leaves_nothing() {
    let dir = temp_dir("reflectivity-output");
    let input = dir.join("in.csv");
    fs::write(
        &input,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta\n3000,1500,2400,3200,1600,2450,10\n",
    )
    .unwrap();
    let folder = dir.join("a-folder");
    fs::create_dir_all(&folder).unwrap();
    for (output, message) in [
        (folder.clone(), "a-folder: a folder; give the file to write"),
        (dir.join("nowhere/out.csv"), "no folder"),
    ] {
        let (out, _, stderr) = run(zoepnet()
            .args(["reflectivity", "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
    let left: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "only in.csv and a-folder: {left:?}");
    // A folder to write into that is a file.
    let (out, _, stderr) = run(zoepnet().args(["compare", "x", "--out"]).arg(&input));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("in.csv: a file, not a folder"), "{stderr}");
}

#[test]
fn a_missing_column_is_named() {
    let dir = temp_dir("reflectivity-columns");
    let input = dir.join("in.csv");
    fs::write(
        &input,
        "vp1,vs1,rho1,vp2,vs2,rho2\n3094,1515,2400,4050,2526,2210\n",
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 1: missing column(s) theta"),
        "{stderr}"
    );
    // A column named twice (any case): which is meant cannot be told.
    fs::write(
        &input,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta,VP1\n3094,1515,2400,4050,2526,2210,20,9\n",
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 1: column vp1 appears 2 times (columns 1 and 8)"),
        "{stderr}"
    );
    let (out, _, stderr) = run(zoepnet().args(["reflectivity", "--input", "no/such.csv"]));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no/such.csv"), "{stderr}");
    // An input that already has an `rpp` column: refused, not written with two.
    let labelled = dir.join("labelled.csv");
    let output = dir.join("out.csv");
    fs::write(
        &labelled,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta,rpp\n3094,1515,2400,4050,2526,2210,10,0.1\n",
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet()
        .args(["reflectivity", "--method", "aki-richards", "--input"])
        .arg(&labelled)
        .arg("--output")
        .arg(&output));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the input already has a column named `rpp`"),
        "{stderr}"
    );
    assert!(!output.exists());
}

/// Grazing incidence and past the critical angle (the kinds of ../shared/bugreports/grazing_90.csv).
const GRAZING: &str = "\
case,vp1,vs1,rho1,vp2,vs2,rho2,theta
slow_to_fast,2000,1000,2000,4000,2500,2500,20
slow_to_fast,2000,1000,2000,4000,2500,2500,45
slow_to_fast,2000,1000,2000,4000,2500,2500,90
fast_to_slow,3500,2000,2450,2800,1400,2300,89
fast_to_slow,3500,2000,2450,2800,1400,2300,90
identical,2500,1200,2200,2500,1200,2200,90
";

#[test]
fn exact_gives_minus_one_at_grazing_incidence_and_zero_without_contrast() {
    let dir = temp_dir("reflectivity-grazing-exact");
    let input = dir.join("in.csv");
    fs::write(&input, GRAZING).unwrap();
    let (out, stdout, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert!(out.status.success(), "{stderr}");
    let at_90: Vec<(String, f64, f64)> = stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[7] == "90")
        .map(|f| {
            (
                f[0].to_owned(),
                f[8].parse().unwrap(),
                f[9].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(at_90.len(), 3, "{stdout}");
    for (case, re, im) in at_90 {
        let expected = if case == "identical" { 0.0 } else { -1.0 };
        assert!(
            (re - expected).abs() < 1e-12 && im.abs() < 1e-12,
            "{case}: {re} {im}"
        );
    }
}

#[test]
fn approximations_refuse_rows_outside_their_domain_by_line() {
    let dir = temp_dir("reflectivity-grazing-approx");
    let input = dir.join("in.csv");
    fs::write(&input, GRAZING).unwrap();
    let output = dir.join("out.csv");
    for method in ["aki-richards", "shuey", "shuey2"] {
        let (out, _, stderr) = run(zoepnet()
            .args(["reflectivity", "--method", method, "--input"])
            .arg(&input)
            .arg("--output")
            .arg(&output));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        // Three-term Shuey also refuses line 5 (89 degrees, fast over slow): its tan²θ term
        // gives -364 there, and |R| > 1 is impossible for a reflected P wave.
        let (bad, line_5) = if method == "shuey" {
            ("5 bad row(s)", true)
        } else {
            ("4 bad row(s)", false)
        };
        assert_eq!(stderr.contains("line 5: "), line_5, "{method}: {stderr}");
        if line_5 {
            assert!(
                stderr.contains("|R| > 1, impossible for a reflected P wave"),
                "{stderr}"
            );
        }
        // Rows with the same reason, one after another, are reported once; each says where
        // the approximation holds for its interface, the critical angle where Vp increases.
        for needle in [
            bad,
            "line 3: ",
            "past the critical angle (sin theta * Vp2/Vp1 >= 1)",
            "(it holds below 30.00 degrees for this interface;",
            "line 4: ",
            "lines 6-7: ",
            "is not defined here: grazing incidence",
            "--outside-domain empty",
        ] {
            assert!(stderr.contains(needle), "{method}: {needle}: {stderr}");
        }
        let grazing_slow_to_fast = stderr
            .lines()
            .find(|l| l.starts_with("  line 4: "))
            .unwrap_or_default();
        assert!(
            grazing_slow_to_fast.contains("grazing incidence")
                && grazing_slow_to_fast.contains("it holds below 30.00 degrees"),
            "{stderr}"
        );
        assert!(!output.exists());
    }
}

#[test]
fn outside_domain_empty_writes_an_empty_rpp_and_the_reason() {
    let dir = temp_dir("reflectivity-grazing-empty");
    let input = dir.join("in.csv");
    fs::write(&input, GRAZING).unwrap();
    let (out, stdout, stderr) = run(zoepnet()
        .args(["reflectivity", "--method", "aki-richards"])
        .args(["--outside-domain", "empty", "--input"])
        .arg(&input));
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "case,vp1,vs1,rho1,vp2,vs2,rho2,theta,rpp,outside_domain"
    );
    assert_eq!(lines.len(), 7);
    let interface = |v: [f64; 6]| Interface::from_properties(v);
    let expected_20 = aki_richards(
        &interface([2000.0, 1000.0, 2000.0, 4000.0, 2500.0, 2500.0]),
        20.0,
    )
    .unwrap();
    assert_eq!(
        lines[1],
        format!("slow_to_fast,2000,1000,2000,4000,2500,2500,20,{expected_20},")
    );
    assert!(
        lines[2].ends_with(",45,,past the critical angle (30.0000 degrees)"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].ends_with(",90,,grazing incidence (theta >= 90)"),
        "{}",
        lines[3]
    );
    let fast_89: f64 = lines[4].split(',').nth(8).unwrap().parse().unwrap();
    assert!(fast_89.is_finite() && fast_89.abs() < 1.0, "{}", lines[4]);
    assert!(lines[4].ends_with(','), "{}", lines[4]);
    for line in &lines[5..] {
        assert!(
            line.ends_with(",90,,grazing incidence (theta >= 90)"),
            "{line}"
        );
    }
}

#[test]
fn fluid_layers_are_computed_exactly() {
    let dir = temp_dir("reflectivity-fluid");
    let input = dir.join("in.csv");
    fs::write(
        &input,
        "case,vp1,vs1,rho1,vp2,vs2,rho2,theta\n\
         water_bottom,1500,0,1025,1950,600,1900,0\n\
         water_bottom,1500,0,1025,1950,600,1900,30\n\
         gas_below,2743,1394,2380,1800,0,1900,20\n\
         brine_oil,1500,0,1030,1800,0,1200,70\n\
         negative,1500,-1,1025,1950,600,1900,0\n",
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "line 6: vs1 must be 0 (a fluid layer) or a positive, finite number, found -1"
        ),
        "{stderr}"
    );
    let text: String = fs::read_to_string(&input)
        .unwrap()
        .lines()
        .take(5)
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&input, text).unwrap();
    let (out, stdout, stderr) = run(zoepnet().arg("reflectivity").arg("--input").arg(&input));
    assert!(out.status.success(), "{stderr}");
    for line in stdout.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        let interface = Interface::from_properties([f[0], f[1], f[2], f[3], f[4], f[5]]);
        let expected = rpp(&interface, f[6]).unwrap();
        assert_eq!((f[7], f[8]), (expected.re, expected.im), "{line}");
        if f[6] == 0.0 {
            let (z1, z2) = (1500.0 * 1025.0, 1950.0 * 1900.0);
            assert!((f[7] - (z2 - z1) / (z2 + z1)).abs() < 1e-15, "{line}");
        }
    }
    // Oil below brine at 70 degrees is past the critical angle (56.4): total reflection.
    let last: Vec<f64> = stdout
        .lines()
        .last()
        .unwrap()
        .split(',')
        .skip(8)
        .map(|x| x.parse().unwrap())
        .collect();
    assert!((last[0].hypot(last[1]) - 1.0).abs() < 1e-12, "{stdout}");
}

/// `zoepnet reflectivity ... | head`: a reader that stops early is not an error (exit 0, nothing
/// on stderr), although the csv writer wraps the closed pipe in its own error.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = temp_dir("reflectivity-pipe");
    let input = dir.join("many.csv");
    // About 1 MB of output: far more than a pipe holds, so the writer meets the closed pipe.
    let rows: String = (0..10_000)
        .map(|i| format!("{i},3094,1515,2400,4050,2526,2210,{}\n", i % 40))
        .collect();
    fs::write(
        &input,
        format!("id,vp1,vs1,rho1,vp2,vs2,rho2,theta\n{rows}"),
    )
    .unwrap();
    let mut child = zoepnet()
        .args(["reflectivity", "--input"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zoepnet starts");
    let stdout = child.stdout.take().expect("its stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a line");
    assert!(first.starts_with("id,vp1"), "{first}");
    // The reader has gone (its end of the pipe dropped with the BufReader).
    let out = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}
