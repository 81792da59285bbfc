//! End-to-end: `zoepnet seeds`, a config trained with many seeds.

mod common;

use std::fs;

use common::{real_data_dir, run, temp_dir, zoepnet};

/// `zoepnet seeds configs/tutorial.toml --offline ARGS`, on the real well log.
fn seeds_cmd(args: &[&str]) -> std::process::Command {
    let mut cmd = zoepnet();
    cmd.args(["seeds", "configs/tutorial.toml", "--offline"])
        .args(args)
        .env("ZOEPNET_DATA_DIR", real_data_dir());
    cmd
}

/// The rows of seeds.csv, each as its fields.
fn rows(dir: &std::path::Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(dir.join("seeds.csv")).expect("seeds.csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "seed,train_mse,val_mse,blind_mse,last_epoch_train_mse,last_epoch_val_mse,diverged_epoch"
        )
    );
    lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn each_seed_is_the_run_train_makes_with_it() {
    let dir = temp_dir("seeds");
    let study = dir.join("study");
    let (status, stdout, stderr) = run(seeds_cmd(&[
        "--count",
        "3",
        "--first",
        "41",
        "--set",
        "train.epochs=5",
        "--out",
    ])
    .arg(&study));
    assert!(status.status.success(), "{stderr}");
    let rows = rows(&study);
    let seeds: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(seeds, ["41", "42", "43"]);
    // Seed 42 (the config's own) is the run `zoepnet train` makes, to the last bit.
    let single = dir.join("single");
    let (status, _, stderr) = run(zoepnet()
        .args(["train", "configs/tutorial.toml", "--offline"])
        .args(["--set", "train.epochs=5", "--out"])
        .arg(&single)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(single.join("summary.json")).unwrap()).unwrap();
    for (column, key) in [
        (1, "final_train_mse"),
        (2, "final_val_mse"),
        (3, "blind_mse"),
        (4, "last_epoch_train_mse"),
        (5, "last_epoch_val_mse"),
    ] {
        let study: f64 = rows[1][column].parse().unwrap();
        assert_eq!(study, summary[key].as_f64().unwrap(), "{key}");
    }
    // Different seeds, different networks.
    assert_ne!(rows[0][2], rows[1][2]);
    // The summary places seed 42 among the three, and the plots are drawn.
    assert!(stdout.contains("| seed 42 | its rank |"), "{stdout}");
    assert_eq!(stdout, fs::read_to_string(study.join("seeds.md")).unwrap());
    assert!(study.join("plots/seeds.png").is_file());
    assert!(study.join("plots/seeds.svg").is_file());
    assert!(study.join("config.toml").is_file());

    // A range without the config's seed: it is trained too, marked, and not counted.
    let other = dir.join("other");
    let (status, stdout, stderr) =
        run(seeds_cmd(&["--count", "2", "--set", "train.epochs=5", "--out"]).arg(&other));
    assert!(status.status.success(), "{stderr}");
    let seeds: Vec<String> = self::rows(&other)
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(seeds, ["0", "1"]);
    assert!(
        stdout.contains("2 seeds") && stdout.contains("seed 42"),
        "{stdout}"
    );

    // No seed at all is a usage error.
    let (status, _, stderr) = run(&mut seeds_cmd(&["--count", "0"]));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    let _ = fs::remove_dir_all(&dir);
}

/// On wgpu the seeds train at once on the population kernel, each within f32 rounding of its
/// f64 run on the CPU.
#[test]
fn on_wgpu_the_seeds_train_at_once_on_the_kernel() {
    let dir = temp_dir("seeds-wgpu");
    let study = |backend: &str, out: &std::path::Path| {
        run(seeds_cmd(&[
            "--count",
            "3",
            "--backend",
            backend,
            "--set",
            "train.epochs=3",
            "--out",
        ])
        .arg(out))
    };
    let (gpu, cpu) = (dir.join("wgpu"), dir.join("cpu"));
    let (status, _, stderr) = study("wgpu", &gpu);
    let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
    if !status.status.success() && !required && stderr.contains("not usable on this machine") {
        eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
        return;
    }
    assert!(status.status.success(), "{stderr}");
    assert!(stderr.contains("population-kernel engine"), "{stderr}");
    let (status, _, stderr) = study("flex", &cpu);
    assert!(status.status.success(), "{stderr}");
    assert!(stderr.contains("fused engine"), "{stderr}");
    let (a, b) = (rows(&gpu), rows(&cpu));
    // Seeds 0, 1 and 2 (the config's own, 42, is trained to be marked, not listed).
    assert_eq!(a.len(), 3);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x[0], y[0]);
        assert_eq!((x[6].as_str(), y[6].as_str()), ("", ""), "no seed diverges");
        for (u, v) in x[1..6].iter().zip(&y[1..6]) {
            let (u, v): (f64, f64) = (u.parse().unwrap(), v.parse().unwrap());
            assert!((u - v).abs() <= 1e-4 * v, "seed {}: {u} vs {v}", x[0]);
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

/// A seed whose training diverges is named, with its epoch, and counted in no distribution; the
/// study still completes.
#[test]
fn diverged_seeds_are_named() {
    let dir = temp_dir("seeds-diverged");
    let study = dir.join("study");
    // At this rate every seed of the tutorial diverges in its first epoch.
    let (status, stdout, stderr) = run(seeds_cmd(&[
        "--count",
        "3",
        "--set",
        "train.epochs=2",
        "--set",
        "train.learning_rate=0.2",
        "--out",
    ])
    .arg(&study));
    assert!(status.status.success(), "{stderr}");
    let rows = rows(&study);
    let diverged: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        diverged,
        [("0", "NaN", "1"), ("1", "NaN", "1"), ("2", "NaN", "1")]
    );
    assert!(
        stdout.contains("3 seeds diverged")
            && stdout.contains(": 0 (epoch 1), 1 (epoch 1), 2 (epoch 1).")
            && stdout.contains("| val MSE, final weights | no finite value |")
            && stdout.contains("Seed 42 diverged in epoch 1."),
        "{stdout}"
    );
    assert!(stderr.contains("3 of 3 seeds diverged"), "{stderr}");
    assert!(study.join("plots/seeds.png").is_file());
    let _ = fs::remove_dir_all(&dir);
}

/// Interrupted, a study keeps the seeds it trained (seeds.csv), and the same command trains
/// the rest: the same study as one run without a stop. Another config in that folder is refused.
#[test]
fn an_interrupted_study_continues_where_it_stopped() {
    let dir = temp_dir("seeds-resume");
    let study = |out: &std::path::Path, epochs: &str, stop: Option<&str>| {
        let mut cmd = seeds_cmd(&["--count", "6", "--set", epochs, "--out"]);
        // One seed at a time: the stop comes after exactly 2.
        cmd.arg(out).env("RAYON_NUM_THREADS", "1");
        if let Some(n) = stop {
            cmd.env("ZOEPNET_STOP_AFTER_SEEDS", n);
        }
        run(&mut cmd)
    };
    let (stopped, whole) = (dir.join("stopped"), dir.join("whole"));
    let (status, stdout, stderr) = study(&stopped, "train.epochs=3", Some("2"));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    // Seeds 0..=5 studied (the config's own, 42, trained to be marked, not counted).
    assert!(
        stderr.contains("stopped with 2 of 6 seeds trained") && stderr.contains("the other 4"),
        "{stderr}"
    );
    assert!(stdout.contains("Interrupted: 4 of the 6 seeds"), "{stdout}");
    assert!(
        stdout.contains("Seeds 0 to 5 asked, 2 trained so far; "),
        "{stdout}"
    );
    let kept: Vec<String> = rows(&stopped).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(kept, ["0", "1"]);

    let (status, stdout, stderr) = study(&stopped, "train.epochs=3", None);
    assert!(status.status.success(), "{stderr}");
    assert!(stderr.contains("keeping 2 seeds already in"), "{stderr}");
    assert!(
        stdout.contains("Seeds 0 to 5; ")
            && stdout.contains(" s for the 4 trained by the last command (2 trained before)."),
        "{stdout}"
    );
    let (status, _, stderr) = study(&whole, "train.epochs=3", None);
    assert!(status.status.success(), "{stderr}");
    assert_eq!(
        fs::read_to_string(stopped.join("seeds.csv")).unwrap(),
        fs::read_to_string(whole.join("seeds.csv")).unwrap()
    );
    assert_eq!(rows(&whole).len(), 6);

    // Refused, the study left as it is: another config into the same folder; a range that
    // would drop trained seeds; a seeds.csv with a seed twice.
    let (status, _, stderr) = study(&stopped, "train.epochs=4", None);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds a seed study of another config"),
        "{stderr}"
    );
    let (status, _, stderr) = run(seeds_cmd(&[
        "--count",
        "3",
        "--first",
        "2",
        "--set",
        "train.epochs=3",
        "--out",
    ])
    .arg(&stopped));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds 3 trained seeds outside 2..=4 (from 0 to 5)"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(stopped.join("seeds.csv")).unwrap(),
        fs::read_to_string(whole.join("seeds.csv")).unwrap()
    );
    let csv = fs::read_to_string(whole.join("seeds.csv")).unwrap();
    let second = csv.lines().nth(2).unwrap().to_owned();
    fs::write(whole.join("seeds.csv"), format!("{csv}{second}\n")).unwrap();
    let (status, _, stderr) = study(&whole, "train.epochs=3", None);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("seeds.csv: line 8: seed 1 a second time"),
        "{stderr}"
    );

    // A run folder of another config is not a study's to write over.
    let single = dir.join("single");
    let (status, _, stderr) = run(zoepnet()
        .args([
            "train",
            "configs/tutorial.toml",
            "--offline",
            "--set",
            "train.epochs=2",
        ])
        .arg("--out")
        .arg(&single)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let before = fs::read_to_string(single.join("config.toml")).unwrap();
    let (status, _, stderr) = study(&single, "train.epochs=3", None);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds a run of another config"), "{stderr}");
    assert_eq!(
        fs::read_to_string(single.join("config.toml")).unwrap(),
        before
    );
    let _ = fs::remove_dir_all(&dir);
}
