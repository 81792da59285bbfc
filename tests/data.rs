//! End-to-end: `zoepnet data` makes the tutorial's interfaces, and refuses bad input clearly.

mod common;

use std::fs;
use std::path::Path;

use common::{real_data_dir, repo_root, run, temp_dir, zoepnet};

fn scaler(dir: &Path) -> (Vec<f64>, Vec<f64>) {
    let text = fs::read_to_string(dir.join("scaler.json")).expect("scaler.json is written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("scaler.json is JSON");
    let pick = |key: &str| -> Vec<f64> {
        json[key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.as_f64().expect("a number"))
            .collect()
    };
    (pick("mean"), pick("std"))
}

fn rows(path: &Path) -> Vec<Vec<f64>> {
    let text = fs::read_to_string(path).expect("the CSV file is written");
    let mut lines = text.lines();
    let header = lines.next().expect("a header row");
    assert!(
        header.ends_with("vp1,vs1,rho1,vp2,vs2,rho2,theta,rpp"),
        "{header}"
    );
    lines
        .map(|l| l.split(',').map(|v| v.parse().expect("a number")).collect())
        .collect()
}

#[test]
fn the_tutorial_dataset() {
    let out = temp_dir("data-tutorial");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["data", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("400 training, 100 validation, 200 blind-rocks interfaces"),
        "{stdout}"
    );
    let (train, val, blind) = (
        rows(&out.join("train.csv")),
        rows(&out.join("val.csv")),
        rows(&out.join("blind_rocks.csv")),
    );
    assert_eq!((train.len(), val.len(), blind.len()), (400, 100, 200));
    // The tutorial's own figures: the scaler's theta mean and Vp1 mean, and the range of the
    // angles it printed (np.min(theta), np.max(theta)).
    let (mean, std) = scaler(&out);
    assert_eq!(format!("{:.4}", mean[6]), "9.9712");
    assert_eq!(format!("{:.2}", mean[0]), "3461.27");
    assert!(std.iter().all(|s| *s > 0.0));
    let thetas: Vec<f64> = train.iter().chain(&val).map(|r| r[6]).collect();
    let min = thetas.iter().copied().fold(f64::INFINITY, f64::min);
    let max = thetas.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert_eq!((min, max), (0.10123167692437374, 19.859295922386007));
    // The split is NumPy's: np.random.seed(42); theta = np.random.random(500) * 20;
    // np.random.seed(42); p = np.arange(500); np.random.shuffle(p); train = p[:400], val = p[400:].
    // NumPy gives p[0] = 361, p[399] = 207, p[400] = 212, p[499] = 102 and these angles:
    assert_eq!(train[0][6], 12.865764368847064);
    assert_eq!(train[399][6], 13.270035382161115);
    assert_eq!(val[0][6], 13.039225190052012);
    assert_eq!(val[99][6], 6.287119621526534);
    // Blind rocks: all at 30 degrees; the new-angles sweep: 61 angles of one interface.
    assert!(blind.iter().all(|r| r[6] == 30.0));
    let sweep = rows(&out.join("new_angles.csv"));
    assert_eq!(sweep.len(), 61);
    assert_eq!(sweep[0][1..7], blind[0][..6]);
    assert_eq!((sweep[0][7], sweep[60][7]), (0.0, 60.0));
}

/// A config over the small fixture log (5 samples, DT4S null at the third: 2 interfaces for
/// training and validation above the 2 blind ones); `extra` lines
/// override the base keys of `[data]` and may open sub-tables.
fn mini_config(dir: &Path, extra: &str) -> std::path::PathBuf {
    let las = repo_root().join("tests/fixtures/mini.las");
    let mut text = format!("[data]\nlas = {:?}\n", las.display().to_string());
    for (key, value) in [
        ("drop_last", "0"),
        ("decimate", "1"),
        ("interfaces", "2"),
        ("train", "1"),
    ] {
        if !extra.lines().any(|l| l.starts_with(&format!("{key} "))) {
            text.push_str(&format!("{key} = {value}\n"));
        }
    }
    text.push_str(extra);
    text.push_str("\n[data.blind_rocks]\ninterfaces = 2\n");
    let path = dir.join("mini.toml");
    fs::write(&path, text).expect("a writable temporary folder");
    path
}

#[test]
fn a_small_log_with_a_null_shear_velocity() {
    let dir = temp_dir("data-mini");
    let config = mini_config(&dir, "");
    let out = dir.join("out");
    let (status, stdout, stderr) = run(zoepnet().arg("data").arg(&config).arg("--out").arg(&out));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("1 training, 1 validation, 2 blind-rocks interfaces"),
        "{stdout}"
    );
    // The null Vs (row 3) is replaced by the mean of the others: 1e6/600, 1e6/620, 1e6/610, 1e6/580.
    let mean_vs = [600.0, 620.0, 610.0, 580.0]
        .iter()
        .map(|dt: &f64| 1e6 / dt)
        .sum::<f64>()
        / 4.0;
    let all: Vec<Vec<f64>> = rows(&out.join("train.csv"))
        .into_iter()
        .chain(rows(&out.join("val.csv")))
        .collect();
    assert!(
        all.iter().any(|r| r[1] == mean_vs || r[4] == mean_vs),
        "{all:?}"
    );
}

#[test]
fn a_folder_of_wells_with_other_mnemonics() {
    // Two wells in a folder: mini.las, and a copy whose curves carry other tools' mnemonics
    // (DTCO, DTSM, RHOZ), found through the alias lists. Interfaces never span the two.
    let dir = temp_dir("data-folder");
    let wells = dir.join("wells");
    fs::create_dir_all(&wells).unwrap();
    let text = fs::read_to_string(repo_root().join("tests/fixtures/mini.las")).unwrap();
    fs::write(wells.join("a.las"), &text).unwrap();
    let renamed = text
        .replace(" DT4P.US/M", " DTCO.US/M")
        .replace(" DT4S.US/M", " DTSM.US/M")
        .replace(" RHOB.K/M3", " RHOZ.K/M3");
    fs::write(wells.join("b.LAS"), renamed).unwrap();
    fs::write(wells.join("notes.txt"), "not a log").unwrap();
    let config = dir.join("folder.toml");
    fs::write(
        &config,
        format!(
            "[data]\nlas = {:?}\ndrop_last = 0\ndecimate = 1\ninterfaces = 6\ntrain = 4\n\
             [data.blind_rocks]\ninterfaces = 2\n",
            wells.display().to_string()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let (status, stdout, stderr) = run(zoepnet().arg("data").arg(&config).arg("--out").arg(&out));
    assert!(status.status.success(), "{stderr}");
    // 4 interfaces per well (5 samples); 6 from the top (4 + 2), the last 2 of b as blind rocks.
    assert!(
        stdout.starts_with("4 training, 2 validation, 2 blind-rocks interfaces"),
        "{stdout}"
    );
    // An empty folder is refused, naming it.
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    fs::write(
        &config,
        format!("[data]\nlas = {:?}\n", empty.display().to_string()),
    )
    .unwrap();
    let (status, _, stderr) = run(zoepnet().arg("data").arg(&config).arg("--out").arg(&out));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds no .las file"), "{stderr}");
}

#[test]
fn rock_physics_interfaces_are_drawn_and_reproducible() {
    // `source = "rock-physics"`: training and validation drawn from the prior, seeded; the well
    // gives only the blind sets.
    let dir = temp_dir("data-rock-physics");
    let config = dir.join("drawn.toml");
    let text = "[data]\nsource = \"rock-physics\"\nlas = \"R-39.las\"\n\
                [data.rock_physics]\nsamples = 300\nvalidation = 50\ntheta_max = 40.0\n";
    fs::write(&config, text).unwrap();
    let data = |out: &str| {
        let (status, stdout, stderr) = run(zoepnet()
            .arg("data")
            .arg(&config)
            .args(["--offline", "--out"])
            .arg(dir.join(out))
            .env("ZOEPNET_DATA_DIR", real_data_dir()));
        assert!(status.status.success(), "{stderr}");
        stdout
    };
    let stdout = data("a");
    assert!(
        stdout.starts_with("300 training, 50 validation, 200 blind-rocks interfaces"),
        "{stdout}"
    );
    data("b");
    let (a, b) = (
        rows(&dir.join("a/train.csv")),
        rows(&dir.join("b/train.csv")),
    );
    assert_eq!(a, b, "the same seed draws the same interfaces");
    assert!(
        a.iter().all(|r| (0.0..40.0).contains(&r[6])),
        "angles in [0, 40)"
    );
    let labels_exact = a.iter().all(|r| {
        let interface =
            zoepnet_physics::Interface::from_properties([r[0], r[1], r[2], r[3], r[4], r[5]]);
        zoepnet_physics::rpp(&interface, r[6]).unwrap().re == r[7]
    });
    assert!(labels_exact);
    // A prior with a bad value is refused by key.
    fs::write(&config, format!("{text}vp_max = 100.0\n")).unwrap();
    let (status, _, stderr) = run(zoepnet()
        .arg("data")
        .arg(&config)
        .args(["--offline", "--out"])
        .arg(dir.join("c"))
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("data.rock_physics.vp_max"), "{stderr}");
    // With [data.domain], its draws are added to the prior's: the same 300 first, then 40 over
    // the whole domain (angles to 60 degrees), and 10 more for validation.
    fs::write(
        &config,
        format!("{text}[data.domain]\nsamples = 40\nvalidation = 10\nseed = 9\n"),
    )
    .unwrap();
    let stdout = data("mixed");
    assert!(
        stdout.starts_with("340 training, 60 validation"),
        "{stdout}"
    );
    let mixed = rows(&dir.join("mixed/train.csv"));
    assert_eq!(mixed[..300], a[..], "the prior's draws unchanged");
    assert!(
        mixed[300..].iter().any(|r| r[6] >= 40.0),
        "domain draws to 60 degrees"
    );
}

#[test]
fn a_log_cut_off_within_a_row_is_refused_or_its_row_left_out() {
    // mini.las with a sixth row cut short within its shear slowness (600.0 read as "60"): the
    // reader nulls the curve after it, and the dataset must not take the cut value as a slowness.
    let dir = temp_dir("data-cut");
    let text = fs::read_to_string(repo_root().join("tests/fixtures/mini.las")).unwrap();
    let cut_las = dir.join("cut.las");
    fs::write(&cut_las, format!("{text} 1000.7620   300.0000   60")).unwrap();
    let config_of = |name: &str, extra: &str| {
        let config = mini_config(&dir, extra);
        let text = fs::read_to_string(&config).unwrap();
        let text = text.replace("mini.las", "cut.las").replace(
            &repo_root().join("tests/fixtures").display().to_string(),
            &dir.display().to_string(),
        );
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    };
    let data = |config: &Path, out: &str| {
        run(zoepnet()
            .arg("data")
            .arg(config)
            .arg("--out")
            .arg(dir.join(out)))
    };
    // data.missing = "error" (the default): refused, naming the file and the line.
    let (status, _, stderr) = data(&config_of("error.toml", ""), "error");
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cut.las: line 24: 3 values where the file has 4 curves"),
        "{stderr}"
    );
    // "drop": the row is left out, with the reader's warning and the dataset's; the interfaces
    // are those of the whole file without the row.
    let (status, _, stderr) = data(&config_of("drop.toml", "missing = \"drop\""), "drop");
    assert!(status.status.success(), "{stderr}");
    for warning in [
        "warning: ",
        "cut.las: line 24: 1 row has fewer values than the 4 curves",
        "cut.las: line 24: 1 short row left out of the interfaces",
    ] {
        assert!(stderr.contains(warning), "{warning}: {stderr}");
    }
    // A training says so too, once.
    let (status, _, stderr) = run(zoepnet()
        .arg("train")
        .arg(dir.join("drop.toml"))
        .args(["--set", "train.epochs=2", "--out"])
        .arg(dir.join("run")));
    assert!(status.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("1 short row left out of the interfaces")
            .count(),
        1,
        "{stderr}"
    );
    // Cut within the last value of a whole row, the file reads as whole but for that value,
    // which is no rock's density: a warning names it.
    fs::write(
        &cut_las,
        format!("{text} 1000.7620   300.0000   600.0000   23\n"),
    )
    .unwrap();
    let (status, _, stderr) = data(&dir.join("error.toml"), "implausible");
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "cut.las: 1 density value is outside 1000 to 5500 kg/m3, the first 23 kg/m3 at \
             depth 1000.762 (M)"
        ),
        "{stderr}"
    );
    let whole = mini_config(&dir, "missing = \"drop\"");
    let (status, _, stderr) = data(&whole, "whole");
    assert!(status.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    for file in ["train.csv", "val.csv", "blind_rocks.csv", "scaler.json"] {
        let read = |out: &str| fs::read_to_string(dir.join(out).join(file)).unwrap();
        assert_eq!(read("drop"), read("whole"), "{file}");
    }
}

#[test]
fn bad_input_exits_2_naming_the_file_or_key() {
    let dir = temp_dir("data-bad");
    let cases = [
        ("[data.curves]\nvp = \"DTXX\"", "no curve \"DTXX\""),
        (
            "missing = \"error\"\nvs_repair = \"none\"",
            "curve DT4S is null at depth 1000.3048 (M) (row 3)",
        ),
        (
            "interfaces = 40\ntrain = 30",
            "`data.interfaces`: 40 interfaces asked for, but the decimated samples of",
        ),
        (
            "theta_max = 95",
            "`data.theta_max`: expected an angle in [0, 90] degrees, found 95",
        ),
        (
            "interfaces = 0",
            "`data.interfaces`: expected 1 or more interfaces",
        ),
        ("shuffle = true", "unknown field `shuffle`"),
    ];
    // --set, as for train.
    let config = mini_config(&dir, "");
    let (status, _, stderr) = run(zoepnet()
        .arg("data")
        .arg(&config)
        .args(["--set", "data.theta_max=95", "--out"])
        .arg(dir.join("out")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("(with --set data.theta_max=95): `data.theta_max`: expected an angle"),
        "{stderr}"
    );
    for (extra, message) in cases {
        let config = mini_config(&dir, extra);
        let (status, _, stderr) = run(zoepnet()
            .arg("data")
            .arg(&config)
            .arg("--out")
            .arg(dir.join("out")));
        assert_eq!(status.status.code(), Some(2), "{extra}: {stderr}");
        assert!(stderr.contains(message), "{extra}: {stderr}");
    }
    // A log of `text` read with the `[data]` keys `keys`: refused with exit 2; its stderr.
    let refused = |name: &str, text: &str, keys: &str| -> String {
        let las = dir.join(format!("{name}.las"));
        fs::write(&las, text).unwrap();
        let config = dir.join(format!("{name}.toml"));
        let las = las.display().to_string();
        fs::write(&config, format!("[data]\nlas = {las:?}\n{keys}")).unwrap();
        let (status, _, stderr) = run(zoepnet()
            .arg("data")
            .arg(&config)
            .arg("--out")
            .arg(dir.join("out")));
        assert_eq!(status.status.code(), Some(2), "{stderr}");
        stderr
    };
    let mini = fs::read_to_string(repo_root().join("tests/fixtures/mini.las")).unwrap();
    // An interface the physics refuses (an undeclared null read as a negative slowness): named
    // by its samples and their depths.
    let stderr = refused(
        "negative",
        &mini.replace("   310.0000", "  -310.0000"),
        "drop_last = 0\ndecimate = 1\ninterfaces = 2\ntrain = 1\n[data.blind_rocks]\ninterfaces = 2\n",
    );
    assert!(
        stderr.contains(
            "negative.las: interface 0 (samples 0 and 1, at depths 1000 and 1000.1524 (M)): vp2"
        ),
        "{stderr}"
    );
    // A file the reader refuses: its reason said once (it was repeated by the error chain).
    let stderr = refused("empty", "~A\n", "");
    assert_eq!(stderr.matches("no curve section").count(), 1, "{stderr}");
    // A curve with no valid value: DT4S is the declared NULL everywhere.
    let nulled: String = mini
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() == 4 && f[0].starts_with("1000") {
                format!(" {}   {}   -999.2500   {}\n", f[0], f[1], f[3])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let stderr = refused("allnull", &nulled, "drop_last = 0\n");
    assert!(
        stderr.contains("allnull.las: curve DT4S has no valid samples"),
        "{stderr}"
    );
    // An uphole log (its rows from the bottom up): each sample would be taken as the layer
    // above the next, every interface upside down. Refused, naming the rows and depths.
    let (head, rows) = mini.split_once("~ASCII\n").expect("a data section");
    let uphole: String = rows.lines().rev().map(|l| format!("{l}\n")).collect();
    let stderr = refused(
        "uphole",
        &format!("{head}~ASCII\n{uphole}"),
        "drop_last = 0\n",
    );
    assert!(
        stderr.contains(
            "uphole.las: the depth does not increase from row 1 to row 2 (1000.6096 to 1000.4572 (M))"
        ),
        "{stderr}"
    );
}

/// configs/tutorial.toml with `[data]` keys replaced, written into `dir`.
fn tutorial_with(dir: &Path, data_keys: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text =
        fs::read_to_string(repo_root().join("configs/tutorial.toml")).expect("the tutorial config");
    for (key, value) in data_keys {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .map(str::to_owned);
        text = match line {
            Some(line) => text.replacen(&line, &format!("{key} = {value}"), 1),
            None => text.replacen("[data]\n", &format!("[data]\n{key} = {value}\n"), 1),
        };
    }
    // The log is found through ZOEPNET_DATA_DIR; the config sits in `dir`.
    let path = dir.join("tutorial.toml");
    fs::write(&path, text).expect("a writable temporary folder");
    path
}

#[test]
fn more_training_angles_leave_the_tutorials_split_alone() {
    let dir = temp_dir("data-angles");
    let data = |config: &Path, out: &Path| {
        let (status, stdout, stderr) = run(zoepnet()
            .args(["data", "--offline"])
            .arg(config)
            .arg("--out")
            .arg(out)
            .env("ZOEPNET_DATA_DIR", real_data_dir()));
        assert!(status.status.success(), "{stderr}");
        stdout
    };
    let plain = dir.join("plain");
    data(&repo_root().join("configs/tutorial.toml"), &plain);
    let more = dir.join("more");
    let stdout = data(&tutorial_with(&dir, &[("train_angles", "3")]), &more);
    assert!(
        stdout.starts_with("1200 training, 100 validation"),
        "{stdout}"
    );
    let (a, b) = (
        rows(&plain.join("train.csv")),
        rows(&more.join("train.csv")),
    );
    // The tutorial's 400 first, then 2 more angles for each of them in [0, 20).
    assert_eq!(a[..], b[..400]);
    for (k, extra) in b[400..].iter().enumerate() {
        let of = &a[k / 2];
        assert_eq!(extra[..6], of[..6], "the same interface");
        assert!(
            (0.0..20.0).contains(&extra[6]) && extra[6] != of[6],
            "{extra:?}"
        );
        assert!(extra[7] != of[7], "labelled at its own angle");
    }
    assert_eq!(rows(&plain.join("val.csv")), rows(&more.join("val.csv")));
    assert_eq!(
        fs::read(plain.join("scaler.json")).unwrap(),
        fs::read(more.join("scaler.json")).unwrap()
    );
}

#[test]
fn training_interfaces_stay_above_the_blind_ones() {
    let dir = temp_dir("data-overlap");
    let config = tutorial_with(&dir, &[("interfaces", "1400"), ("train", "1000")]);
    let (status, _, stderr) = run(zoepnet()
        .args(["data", "--offline"])
        .arg(&config)
        .arg("--out")
        .arg(dir.join("out"))
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`data.interfaces`: 1400 interfaces asked for, but the interfaces of")
            && stderr.contains("above the 200 blind ones give only 1348"),
        "{stderr}"
    );
}

/// A 20 m log sampled every 0.5 m with P slowness 300 + i us/m at row i, and rows 8 to 11
/// (1004 to 1005.5 m) null.
fn gapped_log(dir: &Path) -> std::path::PathBuf {
    let mut text = String::from(
        "~VERSION INFORMATION\n VERS. 2.0 : CWLS LOG ASCII STANDARD - VERSION 2.0\n WRAP. NO : ONE LINE PER DEPTH STEP\n\
         ~WELL INFORMATION\n STRT.M 1000.0 : START\n STOP.M 1019.5 : STOP\n STEP.M 0.5 : STEP\n NULL. -999.25 : NULL\n\
         ~CURVE INFORMATION\n DEPT.M : DEPTH\n DT4P.US/M : P SLOWNESS\n DT4S.US/M : S SLOWNESS\n RHOB.K/M3 : DENSITY\n~ASCII\n",
    );
    for i in 0..40 {
        let depth = 1000.0 + 0.5 * f64::from(i);
        let dt = if (8..12).contains(&i) {
            -999.25
        } else {
            300.0 + f64::from(i)
        };
        text.push_str(&format!("{depth} {dt} {} {}\n", 600 + 2 * i, 2300 + 5 * i));
    }
    let path = dir.join("gapped.las");
    fs::write(&path, text).expect("a writable temporary folder");
    path
}

#[test]
fn blocked_logs_make_layers_and_no_interface_across_a_gap() {
    let dir = temp_dir("data-blocks");
    let las = gapped_log(&dir);
    let config = dir.join("blocks.toml");
    let text = |extra: &str| {
        format!(
            "[data]\nlas = {:?}\ndrop_last = 0\nmissing = \"drop\"\ninterfaces = 2\ntrain = 1\n{extra}\n\
             [data.blocks]\nthickness = 2.0\n[data.blind_rocks]\ninterfaces = 5\n",
            las.display().to_string()
        )
    };
    // Blocks are the samples kept: decimation beside them is refused, naming the key.
    fs::write(&config, text("")).expect("writable");
    let (status, _, stderr) = run(zoepnet()
        .arg("data")
        .arg(&config)
        .arg("--out")
        .arg(dir.join("no")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`data.decimate`: 5 with data.blocks"),
        "{stderr}"
    );

    fs::write(&config, text("decimate = 1")).expect("writable");
    let out = dir.join("out");
    let (status, stdout, stderr) = run(zoepnet().arg("data").arg(&config).arg("--out").arg(&out));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("1 training, 1 validation, 5 blind-rocks interfaces"),
        "{stdout}"
    );
    // Layer k holds rows 4k..4k+3 (2 m of 0.5 m samples); layer 2 (rows 8-11) is the gap.
    let vp = |k: i32| {
        (4 * k..4 * k + 4)
            .map(|i| 1e6 / (300.0 + f64::from(i)))
            .sum::<f64>()
            / 4.0
    };
    let pairs = |file: &str| -> Vec<(f64, f64)> {
        rows(&out.join(file)).iter().map(|r| (r[0], r[3])).collect()
    };
    let mut made: Vec<(f64, f64)> = pairs("train.csv")
        .into_iter()
        .chain(pairs("val.csv"))
        .collect();
    made.sort_by(|a, b| a.0.total_cmp(&b.0));
    // The first two interfaces: layer 0 over 1, then 3 over 4 (not 1 over 3, across the gap).
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b;
    let expected = [(vp(3), vp(4)), (vp(0), vp(1))];
    let mut expected = expected.to_vec();
    expected.sort_by(|a, b| a.0.total_cmp(&b.0));
    for ((a1, a2), (e1, e2)) in made.iter().zip(&expected) {
        assert!(
            close(*a1, *e1) && close(*a2, *e2),
            "{made:?} vs {expected:?}"
        );
    }
    let blind = pairs("blind_rocks.csv");
    let expected: Vec<(f64, f64)> = (4..9).map(|k| (vp(k), vp(k + 1))).collect();
    assert_eq!(blind.len(), 5);
    for ((a1, a2), (e1, e2)) in blind.iter().zip(&expected) {
        assert!(
            close(*a1, *e1) && close(*a2, *e2),
            "{blind:?} vs {expected:?}"
        );
    }
}

#[test]
fn domain_draws_cover_every_region_and_are_reproducible() {
    let dir = temp_dir("data-domain");
    let config = mini_config(
        &dir,
        "source = \"domain\"\n[data.domain]\nsamples = 600\nvalidation = 50\nseed = 5",
    );
    let data = |out: &str| {
        let out = dir.join(out);
        let (status, stdout, stderr) =
            run(zoepnet().arg("data").arg(&config).arg("--out").arg(&out));
        assert!(status.status.success(), "{stderr}");
        assert!(
            stdout.starts_with("600 training, 50 validation"),
            "{stdout}"
        );
        rows(&out.join("train.csv"))
    };
    let train = data("a");
    assert_eq!(train, data("b"));
    // Angles over 0-60 degrees, both sides of the P-wave critical angle, and steps of 50 % and
    // more in Vp in both directions.
    let theta_max = train.iter().map(|r| r[6]).fold(0.0, f64::max);
    assert!(theta_max > 59.0 && theta_max < 60.0, "{theta_max}");
    let past = train
        .iter()
        .filter(|r| r[3] > r[0] && r[6] > (r[0] / r[3]).asin().to_degrees())
        .count();
    assert!(past > 30, "{past}");
    assert!(train.iter().any(|r| r[3] > 1.5 * r[0]) && train.iter().any(|r| r[3] < r[0] / 1.5));
    // A fraction out of range is refused by key.
    let far = mini_config(
        &dir,
        "source = \"domain\"\n[data.domain]\nsamples = 10\nnear_critical = 1.5",
    );
    let (status, _, stderr) = run(zoepnet()
        .arg("data")
        .arg(&far)
        .arg("--out")
        .arg(dir.join("f")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("data.domain.near_critical"), "{stderr}");
    // The section belongs to its source.
    let wrong = mini_config(&dir, "[data.domain]\nsamples = 10");
    let (status, _, stderr) = run(zoepnet()
        .arg("data")
        .arg(&wrong)
        .arg("--out")
        .arg(dir.join("w")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("data.domain"), "{stderr}");
}
