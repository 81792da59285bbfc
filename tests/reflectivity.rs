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
         3094,1515,2400,4050,2526,2210,95\n",
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
        "4 bad row(s)",
        "line 3: vp1: expected a number, found \"fast\"",
        "line 4: vs2 is missing",
        "line 5: vp2 must be a positive, finite number, found -4050",
        "line 6: the incidence angle must be within [0, 90] degrees, found 95",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert!(!output.exists());
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
    let (out, _, stderr) = run(zoepnet().args(["reflectivity", "--input", "no/such.csv"]));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no/such.csv"), "{stderr}");
}
