//! End-to-end: `zoepnet train` reproduces the 2018 tutorial, and its two engines agree.

mod common;

use std::fs;
use std::path::Path;

use common::{real_data_dir, repo_root, run, temp_dir, zoepnet};

fn train(out: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let (status, stdout, stderr) = run(zoepnet()
        .args(["train", "configs/tutorial.toml", "--offline", "--out"])
        .arg(out)
        .args(args)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    (status.status.code(), stdout, stderr)
}

/// A run folder's summary.json.
fn summary_of(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("summary.json")).expect("summary.json"))
        .expect("summary.json is JSON")
}

/// The rows of metrics.csv: epoch, train_mse, val_mse, learning_rate, seconds.
fn metrics(out: &Path) -> Vec<Vec<f64>> {
    let text = fs::read_to_string(out.join("metrics.csv")).expect("metrics.csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("epoch,train_mse,val_mse,learning_rate,seconds")
    );
    lines
        .map(|l| l.split(',').map(|v| v.parse().expect("a number")).collect())
        .collect()
}

#[test]
fn the_tutorial_is_reproduced() {
    let out = temp_dir("train-tutorial");
    let (code, stdout, stderr) = train(&out, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let rows = metrics(&out);
    assert_eq!(rows.len(), 100);
    let last = &rows[99];
    // The published figures, to 3 significant digits: training MSE 1.28e-4 (the running loss of
    // the last epoch), validation MSE 1.33e-4 (at the start of the last epoch).
    assert_eq!(format!("{:.2e}", last[1]), "1.28e-4");
    assert_eq!(format!("{:.2e}", last[2]), "1.33e-4");
    // And to the digits of the NumPy notebook run here (1.284454e-4, 1.330712e-4).
    assert!((last[1] - 1.284454e-4).abs() < 5e-11, "{}", last[1]);
    assert!((last[2] - 1.330712e-4).abs() < 5e-11, "{}", last[2]);
    let summary = summary_of(&out);
    assert_eq!(
        format!("{:.2e}", summary["blind_mse"].as_f64().unwrap()),
        "3.31e-4"
    );
    assert_eq!(summary["epochs"], 100);
    // The classical approximations on the same sets: far better than this network inside the
    // trained angles.
    let baselines = &summary["baselines"];
    assert_eq!(baselines[0]["method"], "aki-richards");
    assert_eq!(baselines[1]["method"], "shuey");
    let figure = |b: usize, key: &str| format!("{:.2e}", baselines[b][key].as_f64().unwrap());
    assert_eq!(figure(0, "val_mse"), "1.19e-6");
    assert_eq!(figure(0, "blind_mse"), "2.59e-6");
    assert_eq!(figure(1, "val_mse"), "8.33e-7");
    assert_eq!(figure(1, "blind_mse"), "3.60e-7");
    assert_eq!(figure(1, "avo_max_abs_error"), "2.15e-2");
    assert_eq!(summary["engine"], "fused");
    assert_eq!(summary["avo_theta_max"], 60.0);
    for file in ["config.toml", "scaler.json", "model.bpk", "model.json"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    // The pictures, as PNG (size read from the IHDR chunk) and SVG.
    for (stem, size, text) in [
        ("loss", (900, 560), "training (running, per epoch)"),
        (
            "predictions",
            (1280, 520),
            "First 100 validation interfaces",
        ),
        (
            "blind",
            (1280, 520),
            "New rocks: last 200 interfaces at 30 degrees",
        ),
        ("avo", (900, 560), "trained angles 0-20 degrees"),
    ] {
        let png = fs::read(out.join("plots").join(format!("{stem}.png"))).expect(stem);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{stem}");
        let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!((dim(16), dim(20)), size, "{stem}");
        assert!(png.len() > 10_000, "{stem}.png has {} bytes", png.len());
        let svg = fs::read_to_string(out.join("plots").join(format!("{stem}.svg"))).expect(stem);
        assert!(svg.contains(text), "{stem}.svg lacks {text:?}");
        // summary.json comes last: a folder that has one is complete.
        let written = |p: std::path::PathBuf| fs::metadata(p).unwrap().modified().unwrap();
        assert!(
            written(out.join("summary.json"))
                >= written(out.join("plots").join(format!("{stem}.svg"))),
            "{stem}.svg written after summary.json"
        );
    }
    // The resolved config reads back as a config, with every default written out.
    let resolved = fs::read_to_string(out.join("config.toml")).unwrap();
    assert!(resolved.contains("learning_rate = 0.001"), "{resolved}");
    assert!(
        stdout.contains("last epoch: train MSE 1.2845e-4 (running), val MSE 1.3307e-4"),
        "{stdout}"
    );
}

#[test]
fn the_fused_and_tensor_engines_agree() {
    // The fused loops (SIMD, their own exp) against Burn's tensors, per activation and order.
    for (activation, order) in [
        ("sigmoid", "tutorial"),
        ("tanh", "exact"),
        ("relu", "tutorial"),
    ] {
        let args = |engine: &str| {
            [
                "train.epochs=2",
                "model.hidden=16",
                &format!("model.activation={activation}"),
                &format!("train.update_order={order}"),
                &format!("train.engine={engine}"),
            ]
            .iter()
            .flat_map(|kv| ["--set".to_owned(), kv.to_string()])
            .collect::<Vec<_>>()
        };
        let fused_dir = temp_dir(&format!("train-fused-{activation}"));
        let tensor_dir = temp_dir(&format!("train-tensor-{activation}"));
        for (dir, engine) in [(&fused_dir, "fused"), (&tensor_dir, "tensor")] {
            let a = args(engine);
            let refs: Vec<&str> = a.iter().map(String::as_str).collect();
            let (code, stdout, stderr) = train(dir, &refs);
            assert_eq!(code, Some(0), "{engine}: {stdout}{stderr}");
            assert!(stderr.contains(&format!("{engine} engine")), "{stderr}");
        }
        let (fused, tensor) = (metrics(&fused_dir), metrics(&tensor_dir));
        assert_eq!(fused.len(), 2);
        for (f, t) in fused.iter().zip(&tensor) {
            for col in [1, 2] {
                assert!(
                    (f[col] - t[col]).abs() <= 1e-12 * f[col].abs(),
                    "{activation}: {f:?} vs {t:?}"
                );
            }
        }
    }
}

#[test]
fn a_physics_residual_network_starts_at_its_baseline_and_beats_it() {
    // The tutorial with `model.baseline = "aki-richards"`: the network learns Rpp minus
    // Aki-Richards, from a zero output layer (so it starts as Aki-Richards). After the tutorial's
    // 100 epochs it beats Aki-Richards on the validation and "new rocks" sets.
    let summary = |engine: &str, epochs: &str| -> serde_json::Value {
        let out = temp_dir(&format!("train-residual-{engine}-{epochs}"));
        let engine_key = format!("train.engine={engine}");
        let epochs_key = format!("train.epochs={epochs}");
        let (code, stdout, stderr) = train(
            &out,
            &[
                "--set",
                "model.baseline=aki-richards",
                "--set",
                &engine_key,
                "--set",
                &epochs_key,
            ],
        );
        assert_eq!(code, Some(0), "{engine}: {stdout}{stderr}");
        let config = fs::read_to_string(out.join("config.toml")).unwrap();
        assert!(config.contains("baseline = \"aki-richards\""), "{config}");
        summary_of(&out)
    };
    let figure = |s: &serde_json::Value, key: &str| s[key].as_f64().unwrap();
    let full = summary("fused", "100");
    let ar = &full["baselines"][0];
    assert_eq!(ar["method"], "aki-richards");
    assert!(
        figure(&full, "final_val_mse") < figure(ar, "val_mse"),
        "{full}"
    );
    assert!(
        figure(&full, "blind_mse") < figure(ar, "blind_mse"),
        "{full}"
    );
    // The fused and tensor engines agree (the tensor engine's Burn module adds the baseline in
    // its forward pass; the fused engine learns the shifted targets).
    let (fused, tensor) = (summary("fused", "3"), summary("tensor", "3"));
    for key in ["final_val_mse", "blind_mse"] {
        let (f, t) = (figure(&fused, key), figure(&tensor, key));
        assert!((f - t).abs() <= 1e-10 * f, "{key}: {f} vs {t}");
    }
    // A contrast-scaled correction (y = Aki-Richards + g · net, g the squared relative
    // contrast): with the tutorial's 400 interfaces and 100 epochs, 10.8x below Aki-Richards on
    // validation (1.11e-7 against 1.19e-6) and 3.5x on the "new rocks" (7.3e-7 against 2.6e-6).
    let out = temp_dir("train-residual-contrast");
    let (code, stdout, stderr) = train(
        &out,
        &[
            "--set",
            "model.baseline=aki-richards",
            "--set",
            "model.correction=contrast",
        ],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let gated = summary_of(&out);
    assert!(
        figure(&gated, "final_val_mse") < 0.2 * figure(ar, "val_mse"),
        "{gated}"
    );
    assert!(
        figure(&gated, "blind_mse") < 0.5 * figure(ar, "blind_mse"),
        "{gated}"
    );
    // The same network given each interface as its contrasts (`data.inputs = "contrasts"`):
    // 2.2x lower on validation and 1.8x on the "new rocks" (measured: 4.99e-8 and 4.04e-7,
    // against 1.11e-7 and 7.35e-7), its scaler records the encoding, and the tensor engine,
    // which encodes through the batcher, agrees with the fused one.
    let with_correction = |correction: &str, engine: &str, epochs: &str| -> serde_json::Value {
        let out = temp_dir(&format!("train-{correction}-inputs-{engine}-{epochs}"));
        let (code, stdout, stderr) = train(
            &out,
            &[
                "--set",
                "model.baseline=aki-richards",
                "--set",
                &format!("model.correction={correction}"),
                "--set",
                "data.inputs=contrasts",
                "--set",
                &format!("train.engine={engine}"),
                "--set",
                &format!("train.epochs={epochs}"),
            ],
        );
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let scaler = fs::read_to_string(out.join("scaler.json")).unwrap();
        assert!(scaler.contains("\"inputs\": \"contrasts\""), "{scaler}");
        summary_of(&out)
    };
    let contrasts = |engine: &str, epochs: &str| with_correction("contrast", engine, epochs);
    let encoded = contrasts("fused", "100");
    for (key, factor) in [("final_val_mse", 0.6), ("blind_mse", 0.7)] {
        assert!(
            figure(&encoded, key) < factor * figure(&gated, key),
            "{key}: {encoded} against {gated}"
        );
    }
    let (fused, tensor) = (contrasts("fused", "3"), contrasts("tensor", "3"));
    for key in ["final_val_mse", "blind_mse"] {
        let (f, t) = (figure(&fused, key), figure(&tensor, key));
        assert!((f - t).abs() <= 1e-10 * f, "{key}: {f} vs {t}");
    }
    // The saturating gate g / (1 + g) likewise: the two engines agree, and it is not the
    // contrast gate's network.
    let saturating = |engine: &str| with_correction("contrast-saturating", engine, "3");
    let (fused_s, tensor_s) = (saturating("fused"), saturating("tensor"));
    for key in ["final_val_mse", "blind_mse"] {
        let (f, t) = (figure(&fused_s, key), figure(&tensor_s, key));
        assert!((f - t).abs() <= 1e-10 * f, "{key}: {f} vs {t}");
        assert!((f - figure(&fused, key)).abs() > 1e-6 * f, "{key}: {f}");
    }
    // Its gradients check, the baseline in the forward pass.
    let (status, stdout, stderr) = run(zoepnet()
        .args(["gradcheck", "configs/tutorial.toml", "--offline"])
        .args([
            "--set",
            "model.baseline=aki-richards",
            "--set",
            "model.hidden=32",
        ])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stdout}{stderr}");
    assert!(stdout.trim_end().ends_with("passed"), "{stdout}");
}

#[test]
fn bad_settings_exit_2_naming_the_key() {
    let out = temp_dir("train-bad");
    for (set, message) in [
        (
            "train.epochs=0",
            "`train.epochs`: expected 1 or more epochs",
        ),
        (
            "train.mode=autodiff\ntrain.optimizer=lbfgs",
            "`train.optimizer`: \"lbfgs\" is the fused engine's",
        ),
        (
            "train.optimizer=adamw",
            "`train.optimizer`: the manual mode has \"sgd\", \"adam\" and \"lbfgs\"",
        ),
        (
            "train.optimizer=adam",
            "invalid config configs/tutorial.toml (with --set train.optimizer=adam): \
             `train.update_order`: the tutorial's order is for per-sample SGD; batches and Adam \
             take \"exact\"\n",
        ),
        (
            "train.learning_rate=-1",
            "`train.learning_rate`: expected a positive number",
        ),
        ("train.optimiser=adam", "unknown field `optimiser`"),
        (
            "train.epochs=-3",
            "invalid value: integer `-3`, expected a whole number, 0 or more",
        ),
        (
            "model.activation=swish",
            "unknown variant `swish`, expected one of `sigmoid`, `tanh`, `relu`\n",
        ),
        (
            "model.correction=contrast",
            "`model.correction`: \"contrast\" scales the correction to a baseline",
        ),
    ] {
        let args: Vec<&str> = set.lines().flat_map(|kv| ["--set", kv]).collect();
        let (code, stdout, stderr) = train(&out, &args);
        assert_eq!(code, Some(2), "{set}: {stdout}{stderr}");
        assert!(stderr.contains(message), "{set}: {stderr}");
    }
    // --resume of a folder that is not a run, or of a run with no epoch ended.
    let empty = temp_dir("train-bad-resume");
    let resume = |dir: &Path| run(zoepnet().args(["train", "--resume"]).arg(dir));
    let (status, _, stderr) = resume(&empty);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not a run folder (no config.toml)"),
        "{stderr}"
    );
    fs::copy(
        repo_root().join("configs/tutorial.toml"),
        empty.join("config.toml"),
    )
    .expect("copied");
    let (status, _, stderr) = resume(&empty);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no checkpoint.json: the run stopped before its first epoch ended"),
        "{stderr}"
    );
    fs::write(empty.join("checkpoint.json"), "{").expect("written");
    let (status, _, stderr) = resume(&empty);
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("checkpoint.json: EOF while parsing"),
        "{stderr}"
    );
}

#[test]
fn predict_and_eval_use_the_runs_own_scaler_and_network() {
    let out = temp_dir("train-predict");
    let (code, stdout, stderr) = train(
        &out,
        &["--set", "train.epochs=3", "--set", "model.hidden=32"],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let summary = summary_of(&out);

    // Predict the validation interfaces written by `zoepnet data`: their MSE is the run's.
    let data = temp_dir("train-predict-data");
    let (status, _, stderr) = run(zoepnet()
        .args(["data", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&data)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    let predicted = data.join("val_pred.csv");
    let (status, _, stderr) = run(zoepnet()
        .arg("predict")
        .arg(&out)
        .arg("--input")
        .arg(data.join("val.csv"))
        .arg("--output")
        .arg(&predicted));
    assert!(status.status.success(), "{stderr}");
    let text = fs::read_to_string(&predicted).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("vp1,vs1,rho1,vp2,vs2,rho2,theta,rpp,rpp_pred")
    );
    let squared: Vec<f64> = lines
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            (f[8] - f[7]).powi(2)
        })
        .collect();
    assert_eq!(squared.len(), 100);
    let mse = squared.iter().sum::<f64>() / 100.0;
    let expected = summary["final_val_mse"].as_f64().unwrap();
    assert!(
        (mse - expected).abs() <= 1e-9 * expected,
        "{mse} vs {expected}"
    );
    // Its own data are inside the training data; densities in g/cm3 and a wide angle are not,
    // and predict and eval say so (the prediction is still written).
    assert!(!stderr.contains("warning"), "{stderr}");
    let odd = data.join("odd.csv");
    fs::write(
        &odd,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta\n3400,1900,2450,3500,1950,2460,10\n\
         3400,1900,2.45,3500,1950,2.46,10\n3400,1900,2450,3500,1950,2460,60\n",
    )
    .unwrap();
    for command in ["predict", "eval"] {
        let (status, _, stderr) = run(zoepnet().arg(command).arg(&out).arg("--input").arg(&odd));
        assert!(status.status.success(), "{command}: {stderr}");
        assert!(
            stderr.contains(
                "odd.csv: 2 of 3 rows lie outside the network's training data (the first, line \
                 3: rho1 = 2.45, where the training data span "
            ),
            "{command}: {stderr}"
        );
    }

    // Eval recomputes the blind test of the summary, here on the run's well named explicitly.
    let las = real_data_dir().join("R-39.las");
    let (status, stdout, stderr) = run(zoepnet().arg("eval").arg(&out).arg("--las").arg(&las));
    assert!(status.status.success(), "{stderr}");
    let blind = summary["blind_mse"].as_f64().unwrap();
    assert!(
        stdout.contains(&format!(
            "new rocks: 200 interfaces at 30 degrees, MSE {blind:.4e}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("new angles: interface 0 over 0-60 degrees"),
        "{stdout}"
    );

    // --set changes how the wells are read and the blind sets made, not the network.
    let (status, stdout, stderr) = run(zoepnet()
        .arg("eval")
        .arg(&out)
        .arg("--las")
        .arg(&las)
        .args(["--set", "data.blind_rocks.theta=20"]));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.contains("new rocks: 200 interfaces at 20 degrees"),
        "{stdout}"
    );
    let (status, _, stderr) = run(zoepnet()
        .arg("eval")
        .arg(&out)
        .args(["--set", "model.hidden=3"]));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("eval takes only data.* keys"), "{stderr}");

    // Eval on a CSV of labelled interfaces: the network's MSE is the run's validation MSE, and
    // each baseline's is the summary's, on the same 100 rows (all inside their domains).
    let (status, stdout, stderr) = run(zoepnet()
        .arg("eval")
        .arg(&out)
        .arg("--input")
        .arg(data.join("val.csv")));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.contains(&format!("network       MSE {expected:.4e}\n")),
        "{stdout}"
    );
    for (b, name) in [(0, "Aki-Richards "), (1, "Shuey        ")] {
        let val = summary["baselines"][b]["val_mse"].as_f64().unwrap();
        assert!(
            stdout.contains(&format!(
                "{name} MSE {val:.4e} on the 100 rows inside its domain (0 left out); network there {expected:.4e}"
            )),
            "{stdout}"
        );
    }

    // A row no rock can have (Vs above Vp below the interface: a cycle-skipped shear log) is
    // scored with the rest, then left out of a second set of figures, which are again those of
    // the 100 validation rows (labelled exactly here: the rpp column dropped).
    let text = fs::read_to_string(data.join("val.csv")).expect("val.csv");
    let mut unlabelled: String = text
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(head, _)| head).to_owned() + "\n")
        .collect();
    unlabelled += "3662.7,2274.1,2352.7,3708.5,4097.5,2391.8,14.7\n";
    let with_error = data.join("val-and-a-log-error.csv");
    fs::write(&with_error, unlabelled).expect("written");
    let (status, stdout, stderr) = run(zoepnet()
        .arg("eval")
        .arg(&out)
        .arg("--input")
        .arg(&with_error));
    assert!(status.status.success(), "{stderr}");
    assert!(stdout.contains("101 interfaces"), "{stdout}");
    let (all, stable) = stdout
        .split_once("1 row(s) with a layer no rock can have (Vp/Vs <= sqrt(4/3)")
        .unwrap_or_else(|| panic!("the unstable row is named:\n{stdout}"));
    assert!(
        all.contains("on the 101 rows inside its domain"),
        "{stdout}"
    );
    assert!(
        stable.contains(&format!("network       MSE {expected:.4e}\n")),
        "{stdout}"
    );
    let val = summary["baselines"][0]["val_mse"].as_f64().unwrap();
    assert!(
        stable.contains(&format!(
            "Aki-Richards  MSE {val:.4e} on the 100 rows inside its domain (0 left out)"
        )),
        "{stdout}"
    );

    // predict refuses, with its line, a row the physics refuses (a network answers anything).
    let bad = data.join("bad-row.csv");
    fs::write(
        &bad,
        "vp1,vs1,rho1,vp2,vs2,rho2,theta\n3000,1500,2400,3200,1600,2450,20\n-3000,1500,2400,3200,1600,2450,20\n",
    )
    .expect("written");
    let (status, _, stderr) = run(zoepnet().arg("predict").arg(&out).arg("--input").arg(&bad));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("vp1"),
        "{stderr}"
    );

    // A folder that is not a run is refused with exit code 2.
    let (status, _, stderr) = run(zoepnet()
        .arg("predict")
        .arg(&data)
        .arg("--input")
        .arg(data.join("val.csv")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("config.toml"), "{stderr}");
}

#[test]
fn autodiff_training_agrees_on_flex_ndarray_and_wgpu() {
    let settings = [
        "--set",
        "train.mode=autodiff",
        "--set",
        "train.optimizer=adam",
        "--set",
        "train.batch_size=32",
        "--set",
        "train.learning_rate=0.01",
        "--set",
        "train.epochs=10",
        "--set",
        "model.hidden=64",
    ];
    let mut val = Vec::new();
    for backend in ["flex", "ndarray", "wgpu"] {
        let out = temp_dir(&format!("train-autodiff-{backend}"));
        let mut args = vec!["--backend", backend];
        args.extend(settings);
        let (code, stdout, stderr) = train(&out, &args);
        let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
        if backend == "wgpu"
            && code == Some(1)
            && !required
            && stderr.contains("not usable on this machine")
        {
            eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
            return;
        }
        assert_eq!(code, Some(0), "{backend}: {stdout}{stderr}");
        assert!(stderr.contains("tensor engine"), "{stderr}");
        let summary = summary_of(&out);
        assert_eq!(summary["backend"], backend);
        val.push(summary["final_val_mse"].as_f64().unwrap());
    }
    // Adam learns: far below the untrained network's error, and the same on every backend
    // (flex and ndarray both in f64: to 1e-6, their sums rounded in other orders; wgpu in f32:
    // within 5 %).
    println!("final val MSE (flex, ndarray, wgpu): {val:?}");
    assert!(val[0] < 1e-3, "{val:?}");
    assert!(
        (val[0] - val[1]).abs() <= 1e-6 * val[0],
        "flex vs ndarray: {val:?}"
    );
    assert!(
        (val[0] - val[2]).abs() <= 0.05 * val[0],
        "flex vs wgpu: {val:?}"
    );
}

#[test]
fn an_interrupted_run_resumes_to_the_same_weights() {
    // The manual mode on both engines, autodiff with Adam (which replays its epochs: its
    // moments and step count are not in the checkpoint), and the fused engine's Adam (whose
    // state is).
    let deep = [
        "train.optimizer=adam",
        "train.update_order=exact",
        "train.batch_size=32",
        "model.layers=3",
        "model.activation=tanh",
        "data.inputs=contrasts-complex-cosines",
    ];
    let deep_f32 = [&deep[..], &["train.products=f32"]].concat();
    let members = [&deep[..], &["model.members=3"]].concat();
    let members_sgd = [&members[..], &["train.optimizer=sgd"]].concat();
    for (engine, extra) in [
        ("fused", &[][..]),
        ("tensor", &[][..]),
        (
            "autodiff",
            &[
                "train.mode=autodiff",
                "train.optimizer=adam",
                "train.batch_size=32",
            ][..],
        ),
        (
            "fused-lbfgs",
            &["train.optimizer=lbfgs", "train.update_order=exact"][..],
        ),
        (
            "fused-adam",
            &[
                "train.optimizer=adam",
                "train.update_order=exact",
                "train.batch_size=32",
            ][..],
        ),
        // The deep networks' engine, its Adam moments in the checkpoint.
        ("fused-deep", &deep[..]),
        // The same with its products in f32 (its weights and moments f64 all the same).
        ("fused-deep-f32", &deep_f32[..]),
        // Three networks side by side, each one's own weights beside Adam's moments in the
        // checkpoint (their average's output layer does not give them back); with SGD the run
        // replays its epochs.
        ("fused-deep-members", &members[..]),
        ("fused-deep-members-sgd", &members_sgd[..]),
    ] {
        let engine_setting = format!(
            "train.engine={}",
            if engine.starts_with("fused") {
                "fused"
            } else {
                "tensor"
            }
        );
        let settings: Vec<&str> = ["train.epochs=4", "model.hidden=16", &engine_setting]
            .into_iter()
            .chain(extra.iter().copied())
            .flat_map(|kv| ["--set", kv])
            .collect();
        let whole = temp_dir(&format!("train-whole-{engine}"));
        let (code, stdout, stderr) = train(&whole, &settings);
        assert_eq!(code, Some(0), "{stdout}{stderr}");

        // Stopped after epoch 2, as an interruption would: metrics and checkpoint of 2 epochs.
        let parts = temp_dir(&format!("train-parts-{engine}"));
        let (status, _, stderr) = run(zoepnet()
            .args(["train", "configs/tutorial.toml", "--offline", "--out"])
            .arg(&parts)
            .args(&settings)
            .env("ZOEPNET_DATA_DIR", real_data_dir())
            .env("ZOEPNET_STOP_AFTER_EPOCH", "2"));
        assert_eq!(status.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("stopped after epoch 2; continue with `zoepnet train --resume"),
            "{stderr}"
        );
        assert_eq!(metrics(&parts).len(), 2);
        assert!(!parts.join("summary.json").exists());
        // It has no trained network yet: export (as predict and eval) says how to finish it.
        let (status, _, stderr) = run(zoepnet().arg("export").arg(&parts));
        assert_eq!(status.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("a run stopped after epoch 2, with no trained network yet: finish it"),
            "{stderr}"
        );
        // Training afresh into it would throw its checkpoint away: refused, the folder kept.
        let (status, _, stderr) = run(zoepnet()
            .args(["train", "configs/tutorial.toml", "--offline", "--out"])
            .arg(&parts)
            .args(&settings)
            .env("ZOEPNET_DATA_DIR", real_data_dir()));
        assert_eq!(status.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(
                "holds a run stopped after epoch 2; continue it with `zoepnet train --resume"
            ),
            "{stderr}"
        );
        assert_eq!(metrics(&parts).len(), 2);

        let (status, stdout, stderr) = run(zoepnet()
            .arg("train")
            .arg("--resume")
            .arg(&parts)
            .env("ZOEPNET_DATA_DIR", real_data_dir())
            .env("ZOEPNET_OFFLINE", "1"));
        assert!(status.status.success(), "{stdout}{stderr}");
        assert!(stderr.contains("resuming"), "{stderr}");
        let (a, b) = (metrics(&whole), metrics(&parts));
        assert_eq!(a.len(), 4);
        assert_eq!(b.len(), 4);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x[..3], y[..3], "{engine}: the same epochs, to the last bit");
        }
        let summary = |dir: &Path| -> serde_json::Value {
            serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
        };
        for key in ["final_train_mse", "final_val_mse", "blind_mse"] {
            assert_eq!(
                summary(&whole)[key],
                summary(&parts)[key],
                "{engine}: {key}"
            );
        }
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// `train --resume RUN --set train.epochs=N` of a finished run ends as an N-epoch run: the
/// fused per-sample SGD and Adam (continued from their checkpoint) and autodiff's Adam (replayed).
#[test]
fn a_finished_run_goes_on_to_more_epochs_as_a_longer_run_would() {
    let resume = |dir: &Path, sets: &[&str]| {
        let sets = sets.iter().flat_map(|kv| ["--set", kv]);
        run(zoepnet()
            .args(["train", "--offline", "--resume"])
            .arg(dir)
            .args(sets)
            .env("ZOEPNET_DATA_DIR", real_data_dir()))
    };
    for (name, extra) in [
        ("sgd", &[][..]),
        (
            "adam",
            &[
                "train.optimizer=adam",
                "train.update_order=exact",
                "train.batch_size=32",
            ][..],
        ),
        (
            "autodiff",
            &[
                "train.mode=autodiff",
                "train.optimizer=adam",
                "train.batch_size=32",
            ][..],
        ),
    ] {
        let settings = |epochs: &str| -> Vec<String> {
            [format!("train.epochs={epochs}"), "model.hidden=16".into()]
                .into_iter()
                .chain(extra.iter().map(|s| s.to_string()))
                .flat_map(|kv| ["--set".to_string(), kv])
                .collect()
        };
        let long = temp_dir(&format!("train-long-{name}"));
        let (code, stdout, stderr) = train(&long, &args(&settings("5")));
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let short = temp_dir(&format!("train-extended-{name}"));
        let (code, stdout, stderr) = train(&short, &args(&settings("3")));
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert_eq!(summary_of(&short)["epochs"], 3);

        let (status, stdout, stderr) = resume(&short, &["train.epochs=5"]);
        assert!(status.status.success(), "{name}: {stdout}{stderr}");
        let (a, b) = (metrics(&long), metrics(&short));
        assert_eq!(b.len(), 5, "{name}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x[..4], y[..4], "{name}: the same epochs, to the last bit");
        }
        for key in ["epochs", "final_train_mse", "final_val_mse", "blind_mse"] {
            assert_eq!(
                summary_of(&long)[key],
                summary_of(&short)[key],
                "{name}: {key}"
            );
        }
        let config = fs::read_to_string(short.join("config.toml")).unwrap();
        assert!(config.contains("epochs = 5"), "{config}");
        // Resumed as it is, a finished run says that it has no epoch to train.
        let (status, _, stderr) = resume(&short, &[]);
        assert!(status.status.success(), "{stderr}");
        assert!(
            stderr.contains("is finished (after epoch 5): no epoch to train"),
            "{stderr}"
        );
        assert_eq!(metrics(&short).len(), 5);

        // Refused, the folder as it was: fewer epochs than trained, another setting.
        for (sets, says) in [
            (&["train.epochs=4"][..], "it has trained 5 epochs already"),
            (
                &["train.epochs=8", "train.learning_rate=0.01"][..],
                "only train.epochs can change when a run goes on; train.learning_rate differs",
            ),
        ] {
            let (status, _, stderr) = resume(&short, sets);
            assert_eq!(status.status.code(), Some(2), "{name} {sets:?}: {stderr}");
            assert!(stderr.contains(says), "{stderr}");
            assert_eq!(summary_of(&short)["epochs"], 5);
        }
    }
    // A schedule spread over the total, and a run that its stopping rule ended, are refused.
    for (sets, says) in [
        (
            &["train.schedule=cosine"][..],
            "train.schedule = \"cosine\" spreads",
        ),
        // Its target is met in epoch 5 of 20, within the second between two checkpoints: the
        // checkpoint is written at the run's last epoch all the same.
        (
            &["train.epochs=20", "train.target_val_mse=5.1e-3"][..],
            "the run ended at epoch 5 of its 20 (its stopping rule",
        ),
    ] {
        let dir = temp_dir("train-not-extended");
        let mut all = vec!["--set", "train.epochs=3", "--set", "model.hidden=16"];
        all.extend(sets.iter().flat_map(|kv| ["--set", *kv]));
        let (code, stdout, stderr) = train(&dir, &all);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let (status, _, stderr) = resume(&dir, &["train.epochs=60"]);
        assert_eq!(status.status.code(), Some(2), "{sets:?}: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            dir.join("summary.json").is_file(),
            "the finished run is kept"
        );
    }
}

#[test]
fn a_diverging_run_stops_with_a_clear_error() {
    let out = temp_dir("train-diverge");
    let (code, stdout, stderr) = train(
        &out,
        &[
            "--set",
            "train.learning_rate=1e6",
            "--set",
            "train.epochs=3",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("the training loss became"), "{stderr}");
    assert!(stderr.contains("lower train.learning_rate"), "{stderr}");
}

#[test]
fn the_fused_adam_is_burns_adam() {
    // Hand-written gradients with the fused engine's Adam against Burn's autodiff and AdamConfig,
    // same batches: the same run to rounding.
    let run_mode = |mode: &str| {
        let dir = temp_dir(&format!("train-adam-{mode}"));
        let mode_setting = format!("train.mode={mode}");
        let settings: Vec<&str> = [
            mode_setting.as_str(),
            "train.optimizer=adam",
            "train.update_order=exact",
            "train.batch_size=32",
            "train.learning_rate=0.003",
            "train.epochs=3",
            "model.hidden=16",
        ]
        .into_iter()
        .flat_map(|kv| ["--set", kv])
        .collect();
        let (code, stdout, stderr) = train(&dir, &settings);
        assert_eq!(code, Some(0), "{mode}: {stdout}{stderr}");
        let engine = if mode == "manual" { "fused" } else { "tensor" };
        assert!(stderr.contains(&format!("{engine} engine")), "{stderr}");
        metrics(&dir)
    };
    let (fused, burn) = (run_mode("manual"), run_mode("autodiff"));
    assert_eq!(fused.len(), 3);
    for (f, b) in fused.iter().zip(&burn) {
        for col in [1, 2] {
            assert!((f[col] - b[col]).abs() <= 1e-10 * b[col], "{f:?} vs {b:?}");
        }
    }
    // Adam must have moved it: the loss falls by an order of magnitude in 3 epochs.
    assert!(fused[2][1] < fused[0][1] / 10.0, "{fused:?}");
}

#[test]
fn the_best_config_beats_the_tutorial_early() {
    // configs/best.toml (full-batch L-BFGS) cut to 300 iterations: already far below the
    // tutorial's 100 epochs of SGD.
    let out = temp_dir("train-best");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["train", "configs/best.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "train.epochs=300"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("4000 training / 100 validation interfaces"),
        "{stderr}"
    );
    assert!(stderr.contains("fused engine"), "{stderr}");
    let summary = summary_of(&out);
    let val = summary["final_val_mse"].as_f64().unwrap();
    let blind = summary["blind_mse"].as_f64().unwrap();
    assert!(val < 1.33e-4 / 10.0, "val {val}");
    assert!(blind < 3.31e-4 / 3.0, "blind {blind}");
    // L-BFGS lowers the training loss at every iteration.
    let rows = metrics(&out);
    assert!(rows.windows(2).all(|w| w[1][1] <= w[0][1]), "{rows:?}");
}

#[test]
fn the_wide_angle_config_learns_the_angles_it_sweeps() {
    // configs/wide-angle.toml cut to 200 epochs: its AVO error over 0-50 degrees on 10 blind
    // interfaces is already under the tutorial's (7.6e-2 on the same sweeps; 2.3e-3 after the
    // full 2000 L-BFGS iterations, docs/beyond-the-tutorial.md).
    let out = temp_dir("train-wide");
    let (status, stdout, stderr) = run(zoepnet()
        .args(["train", "configs/wide-angle.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "train.epochs=200"])
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("5390 training / 270 validation interfaces"),
        "{stderr}"
    );
    let summary = summary_of(&out);
    assert_eq!(summary["avo_theta_max"], 50.0);
    let avo = summary["avo_max_abs_error"].as_f64().unwrap();
    assert!(avo < 7.6e-2 / 1.5, "AVO error {avo}");
    let svg = fs::read_to_string(out.join("plots/avo.svg")).unwrap();
    assert!(svg.contains("blind interface 60"), "four sweeps drawn");
}

#[test]
fn an_interrupted_run_can_be_plotted_from_its_checkpoint() {
    // best.toml (standardised targets, folded back at the end): 2 epochs to the end, and 3
    // epochs stopped after the second (a stop in the last epoch would finish the run).
    // `zoepnet plot` on the stopped one draws from the checkpoint the same network the
    // finished one saved.
    let finished = temp_dir("plot-finished");
    let stopped = temp_dir("plot-stopped");
    for (dir, epochs, stop) in [(&finished, "2", None), (&stopped, "3", Some("2"))] {
        let mut cmd = zoepnet();
        cmd.args(["train", "configs/best.toml", "--offline", "--out"])
            .arg(dir)
            .args(["--set", "data.train_angles=2", "--set"])
            .arg(format!("train.epochs={epochs}"))
            .env("ZOEPNET_DATA_DIR", real_data_dir());
        if let Some(epoch) = stop {
            cmd.env("ZOEPNET_STOP_AFTER_EPOCH", epoch);
        }
        let (status, stdout, stderr) = run(&mut cmd);
        assert_eq!(status.status.success(), stop.is_none(), "{stdout}{stderr}");
    }
    assert!(!stopped.join("plots").exists());
    let (status, stdout, stderr) = run(zoepnet()
        .args(["plot", "--offline"])
        .arg(&stopped)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("4 plots from the checkpoint after epoch 2 and 2 epochs of metrics"),
        "{stdout}"
    );
    for file in ["predictions.svg", "blind.svg", "avo.svg", "loss.svg"] {
        assert_eq!(
            fs::read_to_string(finished.join("plots").join(file)).unwrap(),
            fs::read_to_string(stopped.join("plots").join(file)).unwrap(),
            "{file}"
        );
    }
    // And from a finished run's network.
    let (status, stdout, _) = run(zoepnet()
        .args(["plot", "--offline"])
        .arg(&finished)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success());
    assert!(
        stdout.starts_with("4 plots from the trained network"),
        "{stdout}"
    );
}

/// Issue 16: on a terminal a bar over the epochs (indicatif) and spinners for the long steps;
/// piped, plain lines without cursor movement. The terminal comes from util-linux's `script`
/// (Debian's bsdutils, always installed); where it is missing the terminal half says so.
#[test]
fn progress_is_a_bar_on_a_terminal_and_plain_lines_when_piped() {
    let out = temp_dir("train-progress");
    let (code, _, stderr) = train(&out, &["--set", "train.epochs=3"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("epoch 3/3  train MSE"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "no cursor movement when piped: {stderr:?}"
    );
    let command = format!(
        "{} train configs/tutorial.toml --offline --out {} --set train.epochs=3",
        env!("CARGO_BIN_EXE_zoepnet"),
        out.join("tty").display()
    );
    let tty = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(common::repo_root())
        .env("ZOEPNET_DATA_DIR", real_data_dir())
        .output();
    let Ok(tty) = tty else {
        eprintln!("NOT RUN: no `script` to give zoepnet a terminal");
        return;
    };
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(tty.status.success(), "{screen}");
    // The bar, full at the end, with the last epoch's figures; and a spinner's step.
    assert!(
        screen.contains("[########################] epoch 3/3"),
        "{screen:?}"
    );
    assert!(screen.contains("drawing the plots"), "{screen:?}");
    assert!(screen.contains("last epoch: train MSE"), "{screen:?}");
}

/// `zoepnet train ... 2>&1 | head -1`: the reader goes away at once, and the run still
/// completes its run folder and exits 0 (the std print macros would panic, exit 101, and leave
/// the folder without its summary and model).
#[test]
fn a_closed_terminal_pipe_does_not_stop_a_run() {
    use std::process::Stdio;
    let out = temp_dir("train-closed-pipe");
    let mut child = zoepnet()
        .args(["train", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .args(["--set", "train.epochs=3"])
        .env("ZOEPNET_DATA_DIR", real_data_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zoepnet starts");
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().expect("it ends");
    assert_eq!(status.code(), Some(0));
    for file in ["summary.json", "model.bpk", "model.safetensors", "plots"] {
        assert!(out.join(file).exists(), "{file} is missing");
    }
    // The same for a command that prints only: `info | head -0`.
    let mut child = zoepnet()
        .arg("info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zoepnet starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// On wgpu a single run's per-sample SGD trains on the population kernel with a population of
/// one: the tutorial in f32 within 1e-4 of its f64 run every epoch, and a stopped
/// run resumes to the same figures, bit for bit.
#[test]
fn a_wgpu_run_trains_on_the_kernel_and_resumes_exactly() {
    let settings = ["--backend", "wgpu", "--set", "train.epochs=6"];
    let whole = temp_dir("train-kernel-whole");
    let (code, stdout, stderr) = train(&whole, &settings);
    let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
    if code == Some(1) && !required && stderr.contains("not usable on this machine") {
        eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
        return;
    }
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stderr.contains("kernel engine"), "{stderr}");
    assert_eq!(summary_of(&whole)["engine"], "kernel");
    let cpu = temp_dir("train-kernel-cpu");
    let (code, _, stderr) = train(&cpu, &["--set", "train.epochs=6"]);
    assert_eq!(code, Some(0), "{stderr}");
    for (k, f) in metrics(&whole).iter().zip(&metrics(&cpu)) {
        for c in [1, 2] {
            assert!(
                (k[c] - f[c]).abs() <= 1e-4 * f[c],
                "epoch {}: {} vs {}",
                k[0],
                k[c],
                f[c]
            );
        }
    }
    let parts = temp_dir("train-kernel-parts");
    let (status, _, stderr) = run(zoepnet()
        .args(["train", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&parts)
        .args(settings)
        .env("ZOEPNET_DATA_DIR", real_data_dir())
        .env("ZOEPNET_STOP_AFTER_EPOCH", "3"));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    let (status, _, stderr) = run(zoepnet()
        .args(["train", "--offline", "--resume"])
        .arg(&parts)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(status.status.success(), "{stderr}");
    for (a, b) in metrics(&whole).iter().zip(&metrics(&parts)) {
        assert_eq!(a[..3], b[..3], "the same epochs, to the last bit");
    }
    for dir in [whole, cpu, parts] {
        let _ = fs::remove_dir_all(dir);
    }
}

#[test]
fn eval_scores_a_run_on_the_domain_test_per_region() {
    let out = temp_dir("train-domain");
    let (code, stdout, stderr) = train(
        &out,
        &["--set", "train.epochs=3", "--set", "model.hidden=16"],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let eval = |extra: &[&str]| {
        let (status, stdout, stderr) = run(zoepnet().arg("eval").arg(&out).args(extra));
        (status.status.code(), stdout, stderr)
    };
    let (code, table, stderr) = eval(&["--domain", "3000"]);
    assert_eq!(code, Some(0), "{stderr}");
    // The same seed, the same test.
    assert_eq!(eval(&["--domain", "3000"]).1, table);
    assert_ne!(eval(&["--domain", "3000", "--domain-seed", "1"]).1, table);
    let row = |name: &str| -> Vec<String> {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no {name} row in\n{table}"));
        line.split('|').map(|c| c.trim().to_owned()).collect()
    };
    let all = row("all");
    assert_eq!(all[2], "3000", "{table}");
    // Aki-Richards is defined below the critical angle only: some rows are past it.
    let defined: usize = all[5].parse().expect("a count");
    assert!(defined > 2000 && defined < 3000, "{table}");
    assert_eq!(row("strong, post-critical")[5], "0", "{table}");
    // On weak contrasts before the critical angle, the linearisation is close.
    let weak_rms: f64 = row("weak, pre-critical")[6].parse().expect("a number");
    assert!(weak_rms < 1e-2, "{table}");
    let (code, _, stderr) = eval(&["--domain", "10", "--las", "x.las"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn a_deep_network_on_four_waves_and_critical_draws_is_scored_and_exported_with_its_layers() {
    let out = temp_dir("train-deep");
    let settings = [
        "train.epochs=10",
        "train.learning_rate=0.003",
        "model.hidden=8",
        "model.layers=3",
        "model.activation=tanh",
        "train.optimizer=adam",
        "train.update_order=exact",
        "train.batch_size=16",
        "data.inputs=contrasts-four-waves-acoustic",
        "model.baseline=acoustic-shear",
        "model.correction=contrast-angle-saturating",
        "train.loss_weights=contrast",
        // The recipe's draws: over the domain, then near and past the critical angles.
        "data.source=domain",
        "data.domain.samples=300",
        "data.domain.validation=100",
        "data.domain.near_p_critical_draws=60",
        "data.domain.past_p_critical_draws=80",
        "data.domain.past_s_critical_draws=40",
        "data.domain.p_cusp_draws=30",
        "data.domain.s_cusp_draws=20",
        "data.domain.margin=0.03",
    ];
    let args: Vec<&str> = settings.iter().flat_map(|kv| ["--set", kv]).collect();
    let (code, stdout, stderr) = train(&out, &args);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("530 training / 100 validation interfaces"),
        "{stdout}{stderr}"
    );
    let config = fs::read_to_string(out.join("config.toml")).expect("config.toml");
    assert!(
        config.contains("past_s_critical_draws = 40")
            && config.contains("s_cusp_draws = 20")
            && config.contains("margin = 0.03")
            && config.contains("correction = \"contrast-angle-saturating\""),
        "{config}"
    );
    // It learnt something: the validation error fell from the first epoch's start.
    let m = metrics(&out);
    let val = summary_of(&out)["final_val_mse"]
        .as_f64()
        .expect("final_val_mse");
    assert!(val < m[0][2], "{val} against {:?}", m[0]);
    let (status, table, stderr) = run(zoepnet().arg("eval").arg(&out).args(["--domain", "500"]));
    assert!(status.status.success(), "{stderr}");
    assert!(table.contains("| all | 500 |"), "{table}");
    // Its safetensors file holds the two inner layers between fc1 and fc2, twelve inputs wide.
    let header = safetensors_header(&out);
    assert_eq!(header["fc1.weight"]["shape"], serde_json::json!([8, 12]));
    assert_eq!(header["inner.1.weight"]["shape"], serde_json::json!([8, 8]));
    assert_eq!(header["fc2.weight"]["shape"], serde_json::json!([1, 8]));
    assert!(header.get("inner.2.weight").is_none(), "{header}");
    // The manual back-propagation's check is for the tutorial's shape: refused, naming why.
    let (status, _, stderr) = run(zoepnet()
        .args(["gradcheck", "configs/tutorial.toml", "--offline"])
        .args(&args)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("12 inputs and 3 hidden layers"), "{stderr}");
}

/// The JSON header of a run folder's model.safetensors.
fn safetensors_header(out: &Path) -> serde_json::Value {
    let file = fs::read(out.join("model.safetensors")).expect("model.safetensors");
    let header_len = u64::from_le_bytes(file[..8].try_into().expect("8 bytes")) as usize;
    serde_json::from_slice(&file[8..8 + header_len]).expect("a JSON header")
}

/// A LAS log in tenths of an inch (as Volve's are): `rows` samples 6 in apart, Vp and Vs
/// stepping up every fourth sample, one null row (the fifth), one null Vs (the 21st) and one
/// negative Vs (the 31st).
fn tenth_inch_log(path: &Path, rows: usize) {
    let mut text = String::from(
        "~VERSION\n VERS. 2.0 :\n WRAP. NO :\n~WELL\n NULL. -999.25 :\n~CURVE\n DEPTH.0.1 in :\n \
         DT4P.US/M :\n DT4S.US/M :\n RHOB.K/M3 :\n~ASCII\n",
    );
    for i in 0..rows {
        let step = (i / 4) as f64;
        let (dtp, dts) = match i {
            4 => (-999.25, -999.25),
            20 => (330.0 - 10.0 * step, -999.25),
            30 => (330.0 - 10.0 * step, -660.0),
            _ => (330.0 - 10.0 * step, 660.0 - 15.0 * step),
        };
        text += &format!("{} {dtp} {dts} {}\n", 10_000 + 60 * i, 2300.0 + 5.0 * step);
    }
    fs::write(path, text).expect("written");
}

#[test]
fn eval_scores_a_run_on_every_interface_of_wells_at_several_scales() {
    let out = temp_dir("train-wells");
    let (code, stdout, stderr) = train(
        &out,
        &["--set", "train.epochs=3", "--set", "model.hidden=16"],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let well = out.join("tenth.las");
    tenth_inch_log(&well, 40);
    let eval = |extra: &[&str]| {
        let (status, stdout, stderr) = run(zoepnet()
            .arg("eval")
            .arg(&out)
            .arg("--wells")
            .arg(&well)
            .args(extra));
        (status.status.code(), stdout, stderr)
    };
    let (code, table, stderr) = eval(&["--blocks", "0,0.6"]);
    assert_eq!(code, Some(0), "{stderr}");
    let row = |scale: &str| -> Vec<String> {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("| tenth | {scale} |")))
            .unwrap_or_else(|| panic!("no {scale} row in\n{table}"));
        line.split('|').map(|c| c.trim().to_owned()).collect()
    };
    // 37 samples with every value: 33 interfaces, none across the null rows (the 5th; the 21st
    // and the 31st, whose Vs is not made up although the run's config repairs Vs).
    assert_eq!(row("full")[3], "33", "{table}");
    // Layers of 0.6 m are four samples of 0.1524 m: 10 layers, the null row leaving the second
    // layer three samples, still one layer; 9 interfaces, each weak and below its critical angle.
    assert_eq!(row("0.6 m")[3..6], ["9", "0", "9"], "{table}");
    let ratio: f64 = row("0.6 m")[8].parse().expect("a ratio");
    // Then where each scale has its largest error: weak steps, below the critical angle.
    let worst = table
        .split("where each has its largest error")
        .nth(1)
        .unwrap_or_else(|| panic!("no worst rows in\n{table}"));
    assert_eq!(worst.matches("| tenth | ").count(), 2, "{table}");
    assert!(
        worst.contains("| no |") && !worst.contains("| yes |"),
        "{table}"
    );
    assert!(ratio.is_finite() && ratio > 0.0, "{table}");
    // The same seed, the same angles; another, others.
    assert_eq!(eval(&["--blocks", "0,0.6"]).1, table);
    assert_ne!(eval(&["--blocks", "0,0.6", "--angle-seed", "2"]).1, table);
    let (code, _, stderr) = eval(&["--blocks=2,-1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--blocks"), "{stderr}");
    let (code, _, stderr) = eval(&["--theta-max", "95"]);
    assert_eq!(code, Some(2), "{stderr}");
    // The domain test's options are not the well test's, and the other way round.
    let (code, _, stderr) = eval(&["--domain-seed", "5"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (status, _, stderr) = run(zoepnet()
        .arg("eval")
        .arg(&out)
        .args(["--domain", "10", "--blocks", "2"]));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    // Nor are they ignored without their test: each asks for it by name.
    for (option, needs) in [
        (["--blocks", "2"], "--wells"),
        (["--theta-max", "30"], "--wells"),
        (["--angle-seed", "3"], "--wells"),
        (["--domain-seed", "3"], "--domain"),
    ] {
        let (status, _, stderr) = run(zoepnet().arg("eval").arg(&out).args(option));
        assert_eq!(status.status.code(), Some(2), "{option:?}: {stderr}");
        assert!(stderr.contains(needs), "{option:?}: {stderr}");
    }
    let _ = fs::remove_dir_all(out);
}
