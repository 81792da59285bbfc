//! End-to-end: `zoepnet sweep` runs a grid of variants, reports failures without stopping, and
//! `zoepnet compare` prints the same table from the run folders.

mod common;

use std::fs;

use common::{real_data_dir, run, temp_dir, zoepnet};

#[test]
fn a_sweep_runs_every_variant_and_tables_them() {
    let out = temp_dir("sweep");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["sweep", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "model.activation=sigmoid,relu"])
        .args(["--set", "train.learning_rate=0.001,1e3"])
        .args(["--set", "train.epochs=2", "--set", "model.hidden=16"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    // Two of the four diverge: the sweep goes on, reports them, and exits 1.
    assert_eq!(status.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("2 of 4 run(s) failed (see the table)"),
        "{stderr}"
    );
    let csv = fs::read_to_string(out.join("sweep.csv")).expect("sweep.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "run,model.activation,train.learning_rate,status,epochs,final_train_mse,final_val_mse,blind_mse,avo_max_abs_error,train_seconds"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    // Last key fastest: sigmoid/0.001, sigmoid/1e3, relu/0.001, relu/1e3.
    assert!(
        lines[1]
            .starts_with("model.activation=sigmoid+train.learning_rate=0.001,sigmoid,0.001,ok,2,"),
        "{}",
        lines[1]
    );
    for failed in [lines[2], lines[4]] {
        assert!(
            failed.contains("failed: training configs/tutorial.toml: the training loss became"),
            "{failed}"
        );
    }
    // An ok row's figures are its run folder's summary.
    let summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            out.join("model.activation=relu+train.learning_rate=0.001")
                .join("summary.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let val = summary["final_val_mse"].as_f64().unwrap();
    let row: Vec<&str> = lines[3].split(',').collect();
    assert_eq!(
        row[..4],
        [
            "model.activation=relu+train.learning_rate=0.001",
            "relu",
            "0.001",
            "ok"
        ]
    );
    assert_eq!(row[6].parse::<f64>().unwrap(), val);
    // The Markdown table, printed and written, and the overlay of validation curves.
    let md = fs::read_to_string(out.join("sweep.md")).unwrap();
    assert_eq!(stdout, md);
    assert_eq!(md.lines().count(), 6);
    let png = fs::read(out.join("sweep-val.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let svg = fs::read_to_string(out.join("sweep-val.svg")).unwrap();
    assert!(
        svg.contains("activation=relu, learning_rate=0.001"),
        "the legend names the variant"
    );

    // compare: the same rows for the runs that succeeded, from their folders.
    let (status, compared, stderr) = run(zoepnet()
        .arg("compare")
        .arg(out.join("model.activation=sigmoid+train.learning_rate=0.001"))
        .arg(out.join("model.activation=relu+train.learning_rate=0.001")));
    assert!(status.status.success(), "{stderr}");
    let ok_rows: Vec<&str> = md.lines().filter(|l| l.contains(" | ok | ")).collect();
    let compared_rows: Vec<&str> = compared.lines().skip(2).collect();
    assert_eq!(compared_rows.len(), 2, "{compared}");
    // compare varies only the activation (the learning rates are equal), so drop that column.
    for (a, b) in ok_rows.iter().zip(&compared_rows) {
        let drop_lr = a.replacen(" | 0.001 | ", " | ", 1);
        assert_eq!(&drop_lr, b);
    }
    // The sweep's folder stands for its run folders.
    let (status, whole, stderr) = run(zoepnet().arg("compare").arg(&out));
    assert!(status.status.success(), "{stderr}");
    assert_eq!(
        whole.lines().filter(|l| l.contains(" | ok | ")).count(),
        2,
        "{whole}"
    );
    // --keys picks the columns; a key no run has is refused.
    let relu = out.join("model.activation=relu+train.learning_rate=0.001");
    let picked_out = temp_dir("sweep-compare-keys");
    let (status, picked, stderr) = run(zoepnet()
        .arg("compare")
        .arg(&out)
        // The same run twice (by its own folder and through the sweep's) is one row.
        .arg(&relu)
        .args(["--keys", "train.learning_rate,model.hidden", "--out"])
        .arg(&picked_out));
    assert!(status.status.success(), "{stderr}");
    assert!(
        picked.starts_with("| run | train.learning_rate | model.hidden | status |"),
        "{picked}"
    );
    assert_eq!(
        picked.lines().filter(|l| l.contains("| ok |")).count(),
        2,
        "{picked}"
    );
    let md = fs::read_to_string(picked_out.join("compare.md")).unwrap();
    assert_eq!(md, picked, "compare.md is the printed table");
    let (status, _, stderr) = run(zoepnet()
        .arg("compare")
        .arg(&out)
        .args(["--keys", "train.lr"]));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--keys: no run has train.lr"), "{stderr}");
    // Runs that differ in more than 8 keys: the printed table names them instead of showing
    // them all (a copy of a run whose config differs in nine keys).
    let other = temp_dir("sweep-compare-wide").join("other");
    fs::create_dir_all(&other).unwrap();
    for file in ["summary.json", "metrics.csv"] {
        fs::copy(relu.join(file), other.join(file)).unwrap();
    }
    let config = fs::read_to_string(relu.join("config.toml")).unwrap();
    let nine = [
        ("seed = 42", "seed = 7"),
        ("train = 400", "train = 300"),
        ("decimate = 5", "decimate = 4"),
        ("hidden = 16", "hidden = 20"),
        ("learning_rate = 0.001", "learning_rate = 0.002"),
        ("theta_max = 20.0", "theta_max = 25.0"),
        ("interfaces = 500", "interfaces = 450"),
        ("drop_last = 100", "drop_last = 90"),
        ("epochs = 2", "epochs = 3"),
    ];
    let mut changed = config.clone();
    for (from, to) in nine {
        assert!(changed.contains(from), "{from}: {config}");
        changed = changed.replacen(from, to, 1);
    }
    fs::write(other.join("config.toml"), changed).unwrap();
    let (status, wide, stderr) = run(zoepnet().arg("compare").arg(&relu).arg(&other));
    assert!(status.status.success(), "{stderr}");
    assert!(wide.starts_with("| run | status |"), "{wide}");
    assert!(
        stderr.contains("the runs differ in 9 config keys") && stderr.contains("--keys"),
        "{stderr}"
    );
    // A folder with no run in it is refused with exit code 2.
    let empty = temp_dir("sweep-empty");
    let (status, _, stderr) = run(zoepnet().arg("compare").arg(&empty));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a run folder"), "{stderr}");
}

/// Issue 15, item 5: `sweep --plan DIR` writes numbered tasks and a Slurm job-array script and
/// runs nothing; `sweep --task N DIR` runs one slice (here by hand, as each array element would;
/// `scripts/slurm-sweep.sh` submits it to a real Slurm, and `.ci/run` runs that);
/// `compare DIR` gathers the runs, naming those not run yet. A planned variant is the run a
/// plain sweep makes.
#[test]
fn a_planned_sweep_runs_task_by_task_and_is_gathered() {
    let dir = temp_dir("sweep-plan");
    let plan = dir.join("plan");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["sweep", "configs/tutorial.toml", "--offline", "--plan"])
        .arg(&plan)
        .args(["--set", "model.hidden=8,16,32", "--set", "train.epochs=3"])
        .args(["--per-task", "2"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.contains("planned 3 variant(s)") && stdout.contains("in 2 task(s)"),
        "{stdout}"
    );
    let script = fs::read_to_string(plan.join("sweep.sbatch")).expect("sweep.sbatch");
    assert!(script.contains("#SBATCH --array=0-1\n"), "{script}");
    assert!(
        script.contains("sweep --task \"$SLURM_ARRAY_TASK_ID\""),
        "{script}"
    );
    assert!(plan.join("base.toml").is_file() && plan.join("plan.json").is_file());
    // Nothing ran yet.
    assert!(!plan.join("model.hidden=8").exists());

    // Task 1 alone: the third variant. compare names the two not run yet.
    let task = |n: &str| {
        run(zoepnet()
            .args(["sweep", "--task", n])
            .arg(&plan)
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    let (status, _, stderr) = task("1");
    assert!(status.status.success(), "{stderr}");
    assert!(plan.join("model.hidden=32/summary.json").is_file());
    let (status, _, stderr) = run(zoepnet().arg("compare").arg(&plan));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "2 of the plan's 3 variant(s) have no finished run yet: model.hidden=8, model.hidden=16"
        ),
        "{stderr}"
    );
    let (status, _, stderr) = task("0");
    assert!(status.status.success(), "{stderr}");
    let (status, stdout, stderr) = run(zoepnet().arg("compare").arg(&plan));
    assert!(status.status.success() && stderr.is_empty(), "{stderr}");
    assert_eq!(
        stdout.lines().filter(|l| l.contains("| ok |")).count(),
        3,
        "{stdout}"
    );
    // Planning into the folder again: the same plan is written again; another is refused and
    // leaves the plan and its runs as they were.
    let replan = |hidden: &str| {
        run(zoepnet()
            .args(["sweep", "configs/tutorial.toml", "--offline", "--plan"])
            .arg(&plan)
            .args(["--set", hidden, "--set", "train.epochs=3"])
            .args(["--per-task", "2"])
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    let before = fs::read_to_string(plan.join("plan.json")).unwrap();
    let (status, _, stderr) = replan("model.hidden=8,16,32");
    assert!(status.status.success(), "{stderr}");
    let (status, _, stderr) = replan("model.hidden=4,8");
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("the folder holds another plan (plan.json)"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(plan.join("plan.json")).unwrap(), before);
    // A task past the plan is refused with the range.
    let (status, _, stderr) = task("2");
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tasks 0 to 1"), "{stderr}");

    // The planned variant is the run a plain sweep makes of it, to the last bit.
    let plain = dir.join("plain");
    let (status, _, stderr) = run(zoepnet()
        .args(["sweep", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&plain)
        .args(["--set", "model.hidden=32", "--set", "train.epochs=3"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let summary = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(p).expect("summary.json")).expect("JSON")
    };
    let planned = summary(plan.join("model.hidden=32/summary.json"));
    let swept = summary(plain.join("run/summary.json"));
    assert_eq!(planned["final_val_mse"], swept["final_val_mse"]);
    assert_eq!(planned["blind_mse"], swept["blind_mse"]);
    let _ = fs::remove_dir_all(&dir);
}

/// Issue 15, item 2: a sweep over seeds, learning rates, initial scales and update orders
/// trains every variant at once on the population engine (`--population`), and each run folder
/// is the one-by-one sweep's (`--no-population`): the same metrics and weights to 1e-12, the
/// same generator state and lists in checkpoint.json.
#[test]
fn a_population_sweep_gives_each_variant_its_own_run() {
    let dir = temp_dir("sweep-population");
    let sweep = |flag: &str, out: &std::path::Path, extra: &[&str]| {
        run(zoepnet()
            .args(["sweep", "configs/tutorial.toml", "--offline", flag, "--out"])
            .arg(out)
            .args([
                "--set",
                "train.seed=1,2",
                "--set",
                "train.update_order=tutorial,exact",
            ])
            .args([
                "--set",
                "train.learning_rate=0.002",
                "--set",
                "model.init_std=0.1,0.2",
            ])
            .args(["--set", "train.epochs=3", "--set", "model.hidden=16"])
            .args(extra)
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    let (pop, one) = (dir.join("population"), dir.join("one-by-one"));
    let (status, _, stderr) = sweep("--population", &pop, &[]);
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains("8 run(s) trained at once on the population engine"),
        "{stderr}"
    );
    let (status, _, stderr) = sweep("--no-population", &one, &[]);
    assert!(status.status.success(), "{stderr}");
    let json = |p: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(&p).expect("a file")).expect("JSON")
    };
    let numbers = |v: &serde_json::Value| -> Vec<f64> {
        let mut out = Vec::new();
        for key in ["w1", "b1", "w2"] {
            out.extend(
                v[key]
                    .as_array()
                    .expect(key)
                    .iter()
                    .map(|x| x.as_f64().unwrap()),
            );
        }
        out.push(v["b2"].as_f64().unwrap());
        for m in v["metrics"].as_array().expect("metrics") {
            out.push(m["train_mse"].as_f64().unwrap());
            out.push(m["val_mse"].as_f64().unwrap());
        }
        out
    };
    let mut runs = 0;
    for entry in fs::read_dir(&one).expect("the sweep's folder") {
        let name = entry.expect("an entry").file_name();
        let (a, b) = (pop.join(&name), one.join(&name));
        if !b.join("checkpoint.json").is_file() {
            continue;
        }
        runs += 1;
        let (ca, cb) = (
            json(a.join("checkpoint.json")),
            json(b.join("checkpoint.json")),
        );
        assert_eq!(ca["rng"], cb["rng"], "{name:?}");
        assert_eq!(ca["train_order"], cb["train_order"], "{name:?}");
        assert_eq!(ca["val_order"], cb["val_order"], "{name:?}");
        let (na, nb) = (numbers(&ca), numbers(&cb));
        let scale = nb.iter().map(|v| v.abs()).fold(0.0, f64::max);
        let worst = na
            .iter()
            .zip(&nb)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 1e-12 * scale, "{name:?}: {worst:e}");
        assert_eq!(json(a.join("summary.json"))["engine"], "population");
        assert!(a.join("plots").is_dir() && a.join("model.safetensors").is_file());
    }
    assert_eq!(runs, 8);
    // By default the CPU's fused engine trains them one by one; --population refuses variants
    // it cannot train together, saying why.
    let (status, _, stderr) = sweep("--no-population", &dir.join("x"), &[]);
    assert!(
        status.status.success() && !stderr.contains("population engine"),
        "{stderr}"
    );
    let (status, _, stderr) = sweep(
        "--population",
        &dir.join("y"),
        &["--set", "model.activation=sigmoid,relu"],
    );
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--population: the variants cannot train together (variant 1: its network's shape or activation differs"),
        "{stderr}"
    );
    assert!(!dir.join("y").exists(), "a refused sweep leaves no folder");
    // A key given twice is refused: its runs' names would say what they did not train.
    let (status, _, stderr) = sweep(
        "--no-population",
        &dir.join("z"),
        &["--set", "train.epochs=1"],
    );
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--set train.epochs: given twice"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Issue 15, item 3: on wgpu a sweep's variants train at once on the population kernel (one
/// workgroup per network, lavapipe in CI), by default; each run follows its f64 run on the CPU's
/// fused engine to f32 rounding, every epoch, and its stopped population resumes one by one.
#[test]
fn a_wgpu_sweep_trains_on_the_population_kernel() {
    let dir = temp_dir("sweep-kernel");
    let sweep = |backend: &str, out: &std::path::Path| {
        run(zoepnet()
            .args([
                "sweep",
                "configs/tutorial.toml",
                "--offline",
                "--backend",
                backend,
            ])
            .arg("--out")
            .arg(out)
            .args([
                "--set",
                "train.seed=42,7",
                "--set",
                "train.learning_rate=0.001,0.003",
            ])
            .args(["--set", "train.epochs=5"])
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    let (gpu, cpu) = (dir.join("wgpu"), dir.join("cpu"));
    let (status, _, stderr) = sweep("wgpu", &gpu);
    let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
    if !status.status.success() && !required && stderr.contains("not usable on this machine") {
        eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
        return;
    }
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains("population-kernel engine")
            && stderr.contains("4 run(s) trained at once on the population engine"),
        "{stderr}"
    );
    let (status, _, stderr) = sweep("flex", &cpu);
    assert!(status.status.success(), "{stderr}");
    let metrics = |run: &std::path::Path| -> Vec<Vec<f64>> {
        fs::read_to_string(run.join("metrics.csv"))
            .expect("metrics.csv")
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|v| v.parse().expect("a number")).collect())
            .collect()
    };
    let mut runs = 0;
    for entry in fs::read_dir(&cpu).expect("the sweep's folder") {
        let name = entry.expect("an entry").file_name();
        if !cpu.join(&name).join("metrics.csv").is_file() {
            continue;
        }
        runs += 1;
        let summary: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(gpu.join(&name).join("summary.json")).expect("summary"),
        )
        .expect("JSON");
        assert_eq!(summary["engine"], "population-kernel", "{name:?}");
        let (k, f) = (metrics(&gpu.join(&name)), metrics(&cpu.join(&name)));
        assert_eq!(k.len(), 5, "{name:?}");
        for (a, b) in k.iter().zip(&f) {
            // epoch, train MSE, validation MSE: f32 against f64.
            assert_eq!(a[0], b[0]);
            for c in [1, 2] {
                let rel = (a[c] - b[c]).abs() / b[c];
                assert!(rel < 1e-4, "{name:?} epoch {}: {} vs {}", a[0], a[c], b[c]);
            }
        }
    }
    assert_eq!(runs, 4);
    // A planned task of several variants trains them at once too (a GPU job array).
    let planned = dir.join("plan");
    let (status, _, stderr) = run(zoepnet()
        .args([
            "sweep",
            "configs/tutorial.toml",
            "--offline",
            "--backend",
            "wgpu",
        ])
        .args(["--set", "train.seed=42,7", "--set", "train.epochs=2"])
        .args(["--per-task", "2", "--plan"])
        .arg(&planned)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let script = fs::read_to_string(planned.join("sweep.sbatch")).expect("sweep.sbatch");
    assert!(script.contains("\n#SBATCH --gres=gpu:1\n"), "{script}");
    // Before any task has run, compare names every planned run as missing.
    let (status, _, stderr) = run(zoepnet().arg("compare").arg(&planned));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 of the plan's 2 variant(s) have no finished run yet"),
        "{stderr}"
    );
    let (status, _, stderr) = run(zoepnet()
        .args(["sweep", "--offline", "--task", "0"])
        .arg(&planned)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stderr.contains("task 0: training its 2 variants at once on the population engine"),
        "{stderr}"
    );
    for seed in [42, 7] {
        let summary: serde_json::Value = serde_json::from_str(
            &fs::read_to_string(planned.join(format!("train.seed={seed}/summary.json")))
                .expect("summary"),
        )
        .expect("JSON");
        assert_eq!(summary["engine"], "population-kernel");
    }
    // A variant that diverges fails its own row; the others train on, as one by one.
    let mixed = dir.join("mixed");
    let (status, stdout, stderr) = run(zoepnet()
        .args([
            "sweep",
            "configs/tutorial.toml",
            "--offline",
            "--backend",
            "wgpu",
        ])
        .args([
            "--set",
            "train.learning_rate=0.001,1e3",
            "--set",
            "train.epochs=2",
        ])
        .arg("--out")
        .arg(&mixed)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 of 2 run(s) failed (see the table)")
            && stderr.contains("population-kernel engine"),
        "{stderr}"
    );
    assert!(
        stdout.contains("| train.learning_rate=0.001 | 0.001 | ok | 2 |")
            && stdout.contains("| train.learning_rate=1e3 | 1000.0 | failed: training configs/tutorial.toml: the training loss became"),
        "{stdout}"
    );
    // A plan no device can run (wgpu in f64) is refused when it is made.
    let (status, _, stderr) = run(zoepnet()
        .args([
            "sweep",
            "configs/tutorial.toml",
            "--offline",
            "--backend",
            "wgpu",
        ])
        .args([
            "--set",
            "train.seed=1,2",
            "--set",
            "backend.precision=f64",
            "--plan",
        ])
        .arg(dir.join("f64-plan"))
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("wgpu computes in f32 only"), "{stderr}");
    assert!(!dir.join("f64-plan").exists());
    // Beyond the kernel's limits: refused before anything is made, and by default one by one.
    let refused = dir.join("refused");
    let (status, _, stderr) = run(zoepnet()
        .args([
            "sweep",
            "configs/tutorial.toml",
            "--offline",
            "--backend",
            "wgpu",
        ])
        .args([
            "--population",
            "--set",
            "train.seed=1,2",
            "--set",
            "model.hidden=20000",
        ])
        .arg("--out")
        .arg(&refused)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("20000 hidden units: the population kernel trains at most 16384"),
        "{stderr}"
    );
    assert!(!refused.exists());
    let _ = fs::remove_dir_all(&dir);
}

/// A population stopped after an epoch (Ctrl-C; here `ZOEPNET_STOP_AFTER_EPOCH`) leaves every
/// variant's run folder with the checkpoint its own run would write: `zoepnet train --resume`
/// finishes any of them one by one, with the figures of the uninterrupted one-by-one run.
#[test]
fn a_stopped_population_resumes_run_by_run() {
    let dir = temp_dir("sweep-population-stop");
    let sweep = |flag: &str, out: &std::path::Path, stop: Option<&str>| {
        let mut cmd = zoepnet();
        cmd.args(["sweep", "configs/tutorial.toml", "--offline", flag, "--out"])
            .arg(out)
            .args(["--set", "train.seed=1,2", "--set", "train.epochs=4"])
            .args(["--set", "model.hidden=16"])
            .env("ZOEPNET_DATA_DIR", real_data_dir());
        if let Some(epoch) = stop {
            cmd.env("ZOEPNET_STOP_AFTER_EPOCH", epoch);
        }
        run(&mut cmd)
    };
    let (stopped, whole) = (dir.join("stopped"), dir.join("whole"));
    let (status, _, stderr) = sweep("--population", &stopped, Some("2"));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stopped after epoch 2: each of the 2 run folders"),
        "{stderr}"
    );
    // `compare` says which runs stopped and how to finish them.
    let (status, stdout, stderr) = run(zoepnet().arg("compare").arg(&stopped));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.contains("| stopped after epoch 2: resume with `zoepnet train --resume ")
            && stdout.contains("train.seed=2` |"),
        "{stdout}"
    );
    // A stop asked for in the last epoch comes too late to stop: the runs finish.
    let (status, _, stderr) = sweep("--population", &dir.join("late"), Some("4"));
    assert!(status.status.success(), "{stderr}");
    assert!(dir.join("late/train.seed=1/summary.json").is_file());
    let run_dir = stopped.join("train.seed=2");
    let checkpoint: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(run_dir.join("checkpoint.json")).unwrap())
            .unwrap();
    assert_eq!(checkpoint["epoch"], 2);
    let (status, _, stderr) = run(zoepnet()
        .args(["train", "--offline", "--resume"])
        .arg(&run_dir)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let (status, _, stderr) = sweep("--no-population", &whole, None);
    assert!(status.status.success(), "{stderr}");
    let summary = |d: std::path::PathBuf| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(d.join("summary.json")).unwrap()).unwrap()
    };
    let same = |a: serde_json::Value, b: serde_json::Value| {
        for key in [
            "final_train_mse",
            "final_val_mse",
            "blind_mse",
            "last_epoch_val_mse",
        ] {
            let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
            assert!((x - y).abs() <= 1e-12 * y, "{key}: {x} vs {y}");
        }
    };
    same(summary(run_dir), summary(whole.join("train.seed=2")));
    // The same sweep command again finishes the sweep: the run finished since is kept, the
    // stopped one resumes, to the figures of the uninterrupted run.
    let (status, stdout, stderr) = sweep("--population", &stopped, None);
    assert!(status.status.success(), "{stderr}");
    for needle in [
        "continuing an interrupted sweep",
        "train.seed=2: finished by an earlier run of this sweep, kept",
        "train.seed=1: val MSE",
    ] {
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    assert_eq!(stdout.matches("| ok |").count(), 2, "{stdout}");
    same(
        summary(stopped.join("train.seed=1")),
        summary(whole.join("train.seed=1")),
    );
    // One by one: the stop ends the sweep after the first variant's epoch 2, the second not
    // started; the same command finishes both.
    let one = dir.join("one-by-one");
    let (status, stdout, stderr) = sweep("--no-population", &one, Some("2"));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("interrupted with 2 of 2 run(s) not finished: run the same command again"),
        "{stderr}"
    );
    assert!(
        stdout.contains("| stopped after epoch 2") && stdout.contains("| not run (interrupted) |"),
        "{stdout}"
    );
    let (status, _, stderr) = sweep("--no-population", &one, None);
    assert!(status.status.success(), "{stderr}");
    for seed in ["train.seed=1", "train.seed=2"] {
        same(summary(one.join(seed)), summary(whole.join(seed)));
    }
    // Two sweeps of one grid compared: their runs told apart by their sweep's folder.
    let (status, stdout, stderr) = run(zoepnet().arg("compare").arg(&whole).arg(&one));
    assert!(status.status.success(), "{stderr}");
    for name in ["| whole/train.seed=1 |", "| one-by-one/train.seed=2 |"] {
        assert!(stdout.contains(name), "{name}: {stdout}");
    }
    let _ = fs::remove_dir_all(&dir);
}
