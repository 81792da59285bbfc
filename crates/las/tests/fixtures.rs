//! One fixture per odd case the reader handles (tests/fixtures/), and the real R-39 log.

use std::path::{Path, PathBuf};

use zoepnet_las::{Encoding, NullPolicy, ReadOptions, UnitError, read};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(name: &str) -> zoepnet_las::LasFile {
    read(&fixture(name), &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn column(log: &zoepnet_las::LasFile, name: &str) -> Vec<f64> {
    log.curve(name)
        .unwrap_or_else(|| panic!("no curve {name}"))
        .numbers()
        .unwrap_or_else(|| panic!("{name} is a text curve"))
        .to_vec()
}

/// A text curve's values.
fn text(log: &zoepnet_las::LasFile, name: &str) -> Vec<String> {
    log.curve(name)
        .unwrap_or_else(|| panic!("no curve {name}"))
        .text()
        .unwrap_or_else(|| panic!("{name} is a numeric curve"))
        .to_vec()
}

/// Compares with NaN equal to NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

const DT: [f64; 3] = [400.0, 410.0, 420.0];
const RHOB: [f64; 3] = [2550.0, 2560.0, 2570.0];

#[test]
fn las_2_0() {
    let log = load("v20.las");
    assert_eq!(log.version_number(), Some(2.0));
    assert_eq!(log.well_name(), Some("ZOEPNET TEST 1"));
    assert_eq!(log.well_number("STEP"), Some(-0.25));
    assert_eq!(log.rows(), 3);
    assert_eq!(column(&log, "DEPT"), [1670.0, 1669.75, 1669.5]);
    assert_eq!(column(&log, "dt"), DT);
    let dt = log.curve("DT").unwrap();
    assert_eq!(dt.header.unit, "US/M");
    assert_eq!(dt.header.value, "60 520 32 00");
    assert_eq!(dt.header.description, "2  SONIC TRANSIT TIME");
    assert_eq!(log.params.value("BHT"), Some("35.5"));
    assert_eq!(log.params.get("bht").unwrap().unit, "DEGC");
    assert_eq!(log.other, [" A free-text note."]);
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
}

#[test]
fn las_1_2_moves_well_values_out_of_the_description() {
    let log = load("v12.las");
    assert_eq!(log.version_number(), Some(1.2));
    assert_eq!(log.well_name(), Some("ANY ET AL OIL WELL #12"));
    assert_eq!(log.well.value("COMP"), Some("ANY OIL COMPANY LTD."));
    assert_eq!(log.well.value("FLD"), Some("EDAM"));
    assert_eq!(log.well_number("STRT"), Some(1670.0));
    assert_eq!(column(&log, "RHOB"), RHOB);
}

#[test]
fn wrapped_rows_span_several_lines() {
    let log = load("wrapped.las");
    assert!(log.wrapped());
    assert_eq!(log.rows(), 3);
    assert_eq!(column(&log, "DEPT"), [1670.0, 1669.75, 1669.5]);
    assert_eq!(column(&log, "NPHI"), [0.25, 0.26, 0.27]);
    assert_eq!(column(&log, "GR"), [80.0, 81.0, 82.0]);
    assert!(log.short_rows.is_empty());
    // A wrapped row left incomplete by the end of the data is a short row too.
    let text = std::fs::read_to_string(fixture("wrapped.las")).expect("the fixture");
    let last = text.trim_end().rsplit_once('\n').expect("lines").0;
    let log = zoepnet_las::parse(last.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(log.rows(), 3);
    assert_eq!(log.short_rows.len(), 1, "{:?}", log.warnings);
    assert_eq!(log.short_rows[0].row, 2);
}

#[test]
fn tab_and_comma_delimited_data() {
    let tabs = load("tabs.las");
    assert_eq!(column(&tabs, "DT"), DT);
    assert_eq!(column(&tabs, "RHOB"), RHOB);
    let commas = load("commas.las");
    assert_eq!(column(&commas, "RHOB"), RHOB);
    // An empty comma-separated field is a null.
    assert!(same(&column(&commas, "DT"), &[400.0, 410.0, f64::NAN]));
}

#[test]
fn comments_and_blank_lines_anywhere() {
    let log = load("comments_blank_lines.las");
    assert_eq!(
        log.curves.len(),
        3,
        "the commented-out curve is not a curve"
    );
    assert_eq!(log.well_name(), Some("ZOEPNET TEST 1"));
    assert_eq!(column(&log, "DT"), DT);
    assert_eq!(column(&log, "RHOB"), RHOB);
}

#[test]
fn null_policies() {
    let path = fixture("nulls.las");
    let nan = f64::NAN;
    // common: the declared NULL (-9999), the sentinels and text.
    let common = ReadOptions {
        null_policy: NullPolicy::common(),
    };
    let common = read(&path, &common).unwrap();
    assert!(same(&column(&common, "DT"), &[nan, nan, nan, nan, 430.0]));
    assert!(same(
        &column(&common, "RHOB"),
        &[2550.0, nan, nan, 2580.0, nan]
    ));
    // strict (the default, lasio's): only the declared NULL ("NaN" is a number, NaN anyway).
    // Text makes DT a text curve, as given, which numeric accessors refuse by name and line.
    let strict = read(&path, &ReadOptions::default()).unwrap();
    assert_eq!(
        text(&strict, "DT"),
        ["-9999.0", "-999.25", "(null)", "-", "430.0"]
    );
    assert!(same(
        &column(&strict, "RHOB"),
        &[2550.0, nan, -999999.9999, 2580.0, f64::INFINITY]
    ));
    let err = strict.velocity_from_slowness("DT").unwrap_err();
    assert!(
        matches!(&err, UnitError::Text { curve, line: 18, found } if curve == "DT" && found == "(null)"),
        "{err}"
    );
    // A custom policy: the declared NULL and text, but -999.25 is a value.
    let custom = ReadOptions {
        null_policy: NullPolicy {
            sentinels: vec![],
            ..NullPolicy::common()
        },
    };
    let log = read(&path, &custom).unwrap();
    assert!(same(&column(&log, "DT"), &[nan, -999.25, nan, nan, 430.0]));
    assert_eq!(NullPolicy::from_name("none"), Some(NullPolicy::none()));
    assert_eq!(NullPolicy::from_name("lenient"), None);
}

#[test]
fn units_with_a_space_or_none_and_their_si_values() {
    let log = load("units.las");
    assert_eq!(log.index().unit(), "0.1 IN");
    assert_eq!(log.well.get("STRT").unwrap().unit, "0.1 IN");
    assert_eq!(log.well_number("STRT"), Some(12000.0));
    assert_eq!(log.curve("GR").unwrap().unit(), "");
    assert_eq!(log.curve("TENS").unwrap().unit(), "1000 LBF");
    // 12000 tenths of an inch = 1200 in = 30.48 m.
    let depth = log.depth_m().unwrap();
    assert!(
        (depth[0] - 30.48).abs() < 1e-12 && (depth[1] - 30.5054).abs() < 1e-12,
        "{depth:?}"
    );
    // 100 us/ft = 3048 m/s.
    let v = log.velocity_from_slowness("DT").unwrap();
    assert!((v[0] - 3048.0).abs() < 1e-9, "{v:?}");
    assert_eq!(log.density_kg_m3("RHOB").unwrap(), [2500.0, 2600.0]);
    // No guess for a unit that is not a density.
    assert_eq!(
        log.density_kg_m3("GR").unwrap_err(),
        UnitError::Unknown {
            curve: "GR".into(),
            unit: "".into(),
            quantity: "density",
            expected: "kg/m3, k/m3, g/cm3, g/c3, g/cc, gm/cc",
        }
    );
    let missing = log.velocity_from_slowness("DT4S").unwrap_err().to_string();
    assert!(
        missing.contains("no curve \"DT4S\"") && missing.contains("DEPT, DT, RHOB, GR, TENS"),
        "{missing}"
    );
}

#[test]
fn header_lines_without_a_description_colon() {
    let log = load("no_description.las");
    assert_eq!(log.well_name(), Some("NO DESCRIPTIONS"));
    assert_eq!(log.well.value("LOCATION"), Some("OFFSHORE NOVA SCOTIA"));
    assert_eq!(log.curve("DT").unwrap().unit(), "US/M");
    assert_eq!(column(&log, "RHOB"), RHOB);
}

#[test]
fn mnemonics_with_periods() {
    let log = load("mnemonic_dots.las");
    let res = log.curve("I. RES.").expect("the curve named with periods");
    assert_eq!(res.unit(), "OHMM");
    assert_eq!(res.numbers(), Some(&[10.0, 11.0, 12.0][..]));
}

#[test]
fn increasing_depth_and_step_zero() {
    let log = load("increasing_depth_step_zero.las");
    assert_eq!(log.well_number("STEP"), Some(0.0));
    assert_eq!(column(&log, "DEPT"), [1669.5, 1669.6, 1670.0]);
    let decreasing = load("v20.las");
    assert!(column(&decreasing, "DEPT").windows(2).all(|w| w[1] < w[0]));
}

#[test]
fn rows_with_too_few_or_too_many_values() {
    let log = load("column_count.las");
    let nan = f64::NAN;
    assert_eq!(log.rows(), 4);
    assert!(same(&column(&log, "RHOB"), &[2550.0, nan, 2570.0, nan]));
    let extra = log.curve("UNKNOWN:1").expect("the extra column is kept");
    assert!(same(extra.numbers().unwrap(), &[nan, nan, 7.0, nan]));
    let messages: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("line 17: 2 rows have fewer values than the 3 curves"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("line 18: 1 row has more values"),
        "{messages:?}"
    );
    let rows: Vec<(usize, usize, usize)> = log
        .short_rows
        .iter()
        .map(|r| (r.row, r.line, r.values))
        .collect();
    assert_eq!(rows, [(1, 17, 2), (3, 19, 1)]);
}

#[test]
fn a_file_cut_off_is_noticed() {
    // Cut within a line: the last row is short, and its last value may be cut short too.
    let log = load("cut_off.las");
    assert_eq!(log.rows(), 4);
    let short = zoepnet_las::ShortRow {
        row: 3,
        line: 21,
        values: 3,
    };
    assert_eq!(log.short_rows, [short]);
    assert!(same(&column(&log, "RHOB"), &[2550.0, 2560.0, 2570.0, 25.0]));
    assert!(column(&log, "GR")[3].is_nan());
    let messages: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "line 21: 1 row has fewer values than the 4 curves (the first has 3); the missing \
             values read as null",
            "line 7: the data end at DEPT 1669.25, short of STOP 1668: the file may be cut off",
        ]
    );
    // Cut after a whole line: only STOP tells. Within half a STEP of STOP, or past it, no warning.
    let text = std::fs::read_to_string(fixture("cut_off.las")).expect("the fixture");
    let whole_rows = text.replace("1669.250   430.0   25\n", "");
    for (stop, warned) in [
        ("1668.0", true),
        ("1669.2", true),
        ("1669.45", false),
        ("1669.75", false),
    ] {
        let bytes = whole_rows.replace("1668.0 :", &format!("{stop} :"));
        let log = zoepnet_las::parse(bytes.as_bytes(), &ReadOptions::default()).expect("reads");
        assert!(log.short_rows.is_empty());
        let cut = log.warnings.iter().any(|w| w.message.contains("cut off"));
        assert_eq!(cut, warned, "STOP {stop}: {:?}", log.warnings);
    }
}

#[test]
fn duplicate_mnemonics_are_all_kept() {
    let log = load("duplicates.las");
    let names: Vec<&str> = log.curves.iter().map(|c| c.mnemonic()).collect();
    assert_eq!(names, ["DEPT", "DT:1", "RHOB", "dt:2"]);
    assert_eq!(log.curve("DT:2").unwrap().header.original_mnemonic, "dt");
    assert_eq!(column(&log, "dt:2"), [401.0, 411.0]);
    // The file's own mnemonic finds the first.
    assert_eq!(column(&log, "DT"), [400.0, 410.0]);
    assert!(
        log.warnings
            .iter()
            .any(|w| w.message.contains("DT appears more than once"))
    );
}

#[test]
fn every_encoding_and_line_end_reads_the_same() {
    let expected = load("v20.las");
    for (name, encoding, well) in [
        ("utf8.las", Encoding::Utf8, "CAF\u{c9} \u{2013} N\u{b0} 1"),
        (
            "utf8_bom.las",
            Encoding::Utf8Bom,
            "CAF\u{c9} \u{2013} N\u{b0} 1",
        ),
        (
            "utf16le_bom.las",
            Encoding::Utf16Le,
            "CAF\u{c9} \u{2013} N\u{b0} 1",
        ),
        (
            "utf16be_no_bom.las",
            Encoding::Utf16Be,
            "CAF\u{c9} \u{2013} N\u{b0} 1",
        ),
        (
            "cp1252.las",
            Encoding::Windows1252,
            "CAF\u{c9} \u{2013} N\u{b0} 1",
        ),
        ("crlf.las", Encoding::Utf8, "ZOEPNET TEST 1"),
        ("cr.las", Encoding::Utf8, "ZOEPNET TEST 1"),
    ] {
        let log = load(name);
        assert_eq!(log.encoding, encoding, "{name}");
        assert_eq!(log.well_name(), Some(well), "{name}");
        assert_eq!(log.curves.len(), 3, "{name}");
        for (a, b) in log.curves.iter().zip(&expected.curves) {
            assert_eq!(a.values, b.values, "{name}: {}", a.mnemonic());
        }
    }
}

#[test]
fn las_3_is_refused_clearly() {
    let err = read(&fixture("las3.las"), &ReadOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: LAS version 3.0 is not supported (this reader handles LAS 1.2 and 2.0)"
    );
}

#[test]
fn bad_files_give_the_line_and_what_was_expected() {
    let strict = ReadOptions {
        null_policy: NullPolicy::strict(),
    };
    let cases = [
        (
            "no_curves.las",
            "no curve section: expected a line starting with `~C`",
        ),
        (
            "not_las.las",
            "line 1: expected a section line starting with `~`",
        ),
        (
            "header_garbage.las",
            "line 6: expected a header line `MNEMONIC.UNIT VALUE : DESCRIPTION`, found \"THIS LINE MEANS NOTHING\"",
        ),
    ];
    for (name, message) in cases {
        let err = read(&fixture(name), &strict).unwrap_err().to_string();
        assert!(err.starts_with(message), "{name}: {err}");
    }
    let missing = read(&fixture("no_such_file.las"), &strict)
        .unwrap_err()
        .to_string();
    assert!(
        missing.starts_with("cannot read ") && missing.contains("no_such_file.las"),
        "{missing}"
    );
}

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

/// The real log, from $ZOEPNET_DATA_DIR, ../shared/data or data/.
fn r39() -> PathBuf {
    well_log::find_r39().unwrap_or_else(|message| panic!("{message}"))
}

#[test]
fn the_r39_well_log() {
    let log = read(&r39(), &ReadOptions::default()).unwrap();
    assert_eq!(log.rows(), 7843);
    assert_eq!(log.curves.len(), 23);
    assert_eq!(log.well_name(), Some("EXXONMOBIL ET AL ALMA 3"));
    assert_eq!(log.index().mnemonic(), "DEPT");
    let depth = column(&log, "DEPT");
    assert_eq!(depth[0], 2193.036);
    assert_eq!(depth[7842], 3388.1568);
    assert_eq!(log.well_number("STEP"), Some(0.1524));
    for name in ["DT4P", "DT4S", "RHOB"] {
        assert!(log.curve(name).is_some(), "{name}");
    }
    // First row of the file: DT4P 311.0284 us/m, DT4S 537.2590 us/m.
    let vp = log.velocity_from_slowness("DT4P").unwrap();
    assert!((vp[0] - 1e6 / 311.0284).abs() < 1e-9);
    let rho = log.density_kg_m3("RHOB").unwrap();
    assert_eq!(rho.len(), 7843);
    // The only oddity: ~P has EPD twice (lines 34 and 35), kept as EPD:1 and EPD:2.
    let warnings: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["line 34: ~P mnemonic EPD appears more than once; renamed EPD:1, EPD:2, ..."]
    );
    assert_eq!(log.params.value("EPD:2"), Some("0.000000"));
}

#[test]
fn the_index_is_never_null() {
    // NULL is 999.25, and so is the second depth: a depth, not a null; DT's 999.25 is a null.
    let log = load("index_null.las");
    let nan = f64::NAN;
    assert_eq!(column(&log, "DEPT"), [999.0, 999.25, 999.5]);
    assert!(same(&column(&log, "DT"), &[400.0, nan, 420.0]));
    assert!(same(&column(&log, "RHOB"), &[2550.0, 2560.0, nan]));
}

#[test]
fn text_curves_are_read_as_text() {
    let log = load("text_curves.las");
    let nan = f64::NAN;
    // strict (lasio's default): text makes a text curve, values as given (quotes removed).
    assert_eq!(text(&log, "ZONE"), ["pick gamma", "ERR", "(null)", "-"]);
    assert_eq!(column(&log, "DT"), [400.0, 410.0, 420.0, 430.0]);
    assert_eq!(text(&log, "GR"), ["80.0", "ERR", "82.0", "83.0"]);
    let err = log.velocity_from_slowness("GR").unwrap_err().to_string();
    assert_eq!(
        err,
        "curve GR holds text, not numbers (line 17: \"ERR\"); a null policy such as `common` \
         reads text in a curve of mostly numbers as null"
    );
    // common: text nulls are nulls; a curve of mostly text stays text, stray text in a curve of
    // mostly numbers is a null.
    let common = ReadOptions {
        null_policy: NullPolicy::common(),
    };
    let log = read(&fixture("text_curves.las"), &common).unwrap();
    assert_eq!(text(&log, "ZONE"), ["pick gamma", "ERR", "", ""]);
    assert!(same(&column(&log, "GR"), &[80.0, nan, 82.0, 83.0]));
}

#[test]
fn a_date_and_time_never_shifts_values_into_other_curves() {
    let log = load("datetime_unquoted.las");
    assert_eq!(
        text(&log, "TIME"),
        [
            "1999-12-31 23:59:58",
            "1999-12-31 23:59:59",
            "2000-01-01 00:00:00"
        ]
    );
    assert!(same(&column(&log, "DT"), &[400.0, f64::NAN, 420.0]));
    assert_eq!(column(&log, "RHOB"), RHOB);
    let messages: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("line 16: 3 rows have more values than the 4 curves"),
        "{messages:?}"
    );
    // "Zone 3" is text then a number: no reading gives one value per curve; an error names the
    // line rather than a guess.
    let err = read(&fixture("text_ambiguous.las"), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("line 16: expected 3 values, one per curve (4 values, not all numbers"),
        "{err}"
    );
}

#[test]
fn run_on_numbers_split_as_lasio_splits_them() {
    let log = load("run_on.las");
    let nan = f64::NAN;
    assert!(same(&column(&log, "DT"), &[400.0, nan, 420.0]));
    assert!(same(&column(&log, "RHOB"), &[-2550.0, nan, 2570.0]));
    assert!(log.warnings.is_empty(), "{:?}", log.warnings);
}

#[test]
fn decimal_commas() {
    let log = load("decimal_comma.las");
    assert_eq!(column(&log, "DEPT"), [1670.0, 1669.75, 1669.5]);
    assert!(same(&column(&log, "DT"), &[400.5, f64::NAN, 420.0]));
    assert_eq!(column(&log, "RHOB"), [2550.0, 2560.25, 2570.5]);
}

#[test]
fn files_without_a_version_or_data_section_read_with_a_warning() {
    let log = load("no_version.las");
    assert_eq!(log.rows(), 2);
    assert_eq!(column(&log, "RHOB"), RHOB[..2]);
    let messages: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["line 11: no ~V (version) section before the data; read as LAS 2.0, unwrapped"]
    );
    let log = load("header_only.las");
    assert_eq!(log.rows(), 0);
    assert_eq!(log.curves.len(), 3);
    let messages: Vec<String> = log.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["line 13: no ~A (data) section: the curves have no values"]
    );
}

#[test]
fn a_repeated_or_misplaced_section_heading_is_an_error_naming_its_line() {
    let err = read(&fixture("repeated_section.las"), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "line 14: expected one ~C section (the first is at line 10); a section heading is not \
         repeated, found \"~CURVE INFORMATION\""
    );
    let err = read(&fixture("misplaced_section.las"), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("line 10: expected no header section after the ~A data section (line 8)"),
        "{err}"
    );
}

#[test]
fn header_lines_without_a_period_start_with_the_mnemonic() {
    let log = load("no_period.las");
    let names: Vec<&str> = log.curves.iter().map(|c| c.mnemonic()).collect();
    assert_eq!(names, ["DEPT", "DT", "RHOB"]);
    let dt = log.curve("DT").unwrap();
    assert_eq!(dt.header.value, "60 520 32 00");
    assert_eq!(dt.header.description, "2  SONIC TRANSIT TIME");
    assert_eq!(column(&log, "RHOB"), RHOB);
}

#[test]
fn an_index_that_is_not_a_number_is_an_error_naming_its_line() {
    // Under every policy: a depth is never text, and never a null.
    let text = std::fs::read_to_string(fixture("v20.las"))
        .unwrap()
        .replace("1669.750", "abc");
    for null_policy in [
        NullPolicy::none(),
        NullPolicy::strict(),
        NullPolicy::common(),
    ] {
        let err = zoepnet_las::parse(text.as_bytes(), &ReadOptions { null_policy })
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("line 21: ") && err.contains(
                "expected a number for the index curve DEPT (the first curve: every row has one), found \"abc\""
            ),
            "{err}"
        );
    }
}
