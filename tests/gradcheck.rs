//! End-to-end: `zoepnet gradcheck` on the tutorial's data, for each activation and backend.

mod common;

use common::{real_data_dir, run, zoepnet};

fn gradcheck(args: &[&str]) -> (Option<i32>, String, String) {
    let (out, stdout, stderr) = run(zoepnet()
        .args(["gradcheck", "configs/tutorial.toml", "--offline"])
        .args(args)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    (out.status.code(), stdout, stderr)
}

fn assert_passed(stdout: &str, stderr: &str, rows: usize) {
    assert!(stdout.ends_with("passed\n"), "{stdout}{stderr}");
    let ok = stdout.lines().filter(|l| l.ends_with(" ok")).count();
    assert_eq!(ok, rows, "{stdout}");
}

#[test]
fn every_activation_passes_on_ndarray_in_f64() {
    for activation in ["sigmoid", "tanh", "relu"] {
        let set = format!("model.activation={activation}");
        // ndarray is no longer the default (flex is), but stays selectable and tested.
        let (code, stdout, stderr) =
            gradcheck(&["--batch", "4", "--backend", "ndarray", "--set", &set]);
        assert_eq!(code, Some(0), "{activation}: {stdout}{stderr}");
        assert!(stdout.starts_with(&format!("gradient check: 4 samples, {activation} activation, 300 hidden units, ndarray (CPU) in f64")), "{stdout}");
        assert_passed(&stdout, &stderr, 12);
        // In f64 the two analytic gradients agree to rounding.
        let w1 = stdout
            .lines()
            .find(|l| l.starts_with("manual vs autodiff") && l.contains(" W1 "))
            .unwrap();
        let rel: f64 = w1.split_whitespace().nth(5).unwrap().parse().unwrap();
        assert!(rel < 1e-12, "{w1}");
    }
}

#[test]
fn flex_passes_too() {
    let (code, stdout, stderr) = gradcheck(&["--backend", "flex", "--set", "model.hidden=32"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("32 hidden units, flex (CPU) in f64"),
        "{stdout}"
    );
    assert_passed(&stdout, &stderr, 12);
}

#[test]
fn every_activation_passes_on_wgpu_in_f32() {
    let required = std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1");
    for activation in ["sigmoid", "tanh", "relu"] {
        let set = format!("model.activation={activation}");
        let (code, stdout, stderr) =
            gradcheck(&["--backend", "wgpu", "--batch", "4", "--set", &set]);
        if code == Some(1) && !required && stderr.contains("not usable on this machine") {
            eprintln!("NOT RUN: no wgpu adapter here ({stderr})");
            return;
        }
        assert_eq!(code, Some(0), "{activation}: {stdout}{stderr}");
        assert!(
            stdout.contains(&format!(
                "{activation} activation, 300 hidden units, wgpu ("
            )),
            "{stdout}"
        );
        assert!(stdout.contains(") in f32"), "{stdout}");
        assert_passed(&stdout, &stderr, 12);
    }
}

#[test]
fn bad_requests_exit_2() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--set", "model.hidden"],
            "--set \"model.hidden\": expected key=value",
        ),
        (
            &["--set", "model.activation=gelu"],
            "unknown variant `gelu`",
        ),
        (
            &["--batch", "1000"],
            "--batch 1000: expected 1 to 400, the training interfaces",
        ),
        (
            &["--backend", "wgpu", "--set", "backend.precision=f64"],
            "wgpu computes in f32 only",
        ),
    ];
    for (args, message) in cases {
        let (code, stdout, stderr) = gradcheck(args);
        assert_eq!(code, Some(2), "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn backend_device_picks_the_device_or_says_why_not() {
    // The CPU backends have one device.
    let (code, _, stderr) = gradcheck(&["--batch", "2", "--set", "backend.device=1"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("backend flex has no device \"discrete:1\": it has one device, the CPU"),
        "{stderr}"
    );
    // A device that is not one.
    let (code, _, stderr) = gradcheck(&["--batch", "2", "--set", "backend.device=\"gpu\""]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown device \"gpu\""), "{stderr}");
    assert!(stderr.contains("backend.device"), "{stderr}");
    // wgpu's software adapter by name (lavapipe in CI; where there is none, wgpu says so).
    let (code, stdout, stderr) = gradcheck(&[
        "--batch",
        "2",
        "--backend",
        "wgpu",
        "--set",
        "backend.device=\"cpu\"",
    ]);
    if std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1") {
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert!(stdout.contains("wgpu (llvmpipe"), "{stdout}");
    } else {
        assert!(
            code == Some(0) || stderr.contains("device \"cpu\""),
            "{stdout}{stderr}"
        );
    }
}

/// Issue 15, item 1: P networks stacked as one module; the batched back-propagation agrees
/// with autodiff to rounding and both with each network's finite differences.
#[test]
fn a_population_passes_as_one_module() {
    for activation in ["sigmoid", "relu"] {
        let set = format!("model.activation={activation}");
        let (code, stdout, stderr) =
            gradcheck(&["--batch", "4", "--population", "3", "--set", &set]);
        assert_eq!(code, Some(0), "{activation}: {stdout}{stderr}");
        assert!(
            stdout.starts_with(
                "population of 3 networks, stacked as one module: weights [3, 300, 7]\n"
            ),
            "{stdout}"
        );
        assert_passed(&stdout, &stderr, 12);
        let w1 = stdout
            .lines()
            .find(|l| l.starts_with("manual vs autodiff") && l.contains(" W1 "))
            .unwrap();
        let rel: f64 = w1.split_whitespace().nth(5).unwrap().parse().unwrap();
        assert!(rel < 1e-12, "{w1}");
    }
    // Network p is seeded data.seed + p: the population of one is the network alone, and each
    // network added adds its own loss (Burn drew every network after the last seed before).
    let loss = |args: &[&str]| -> f64 {
        let (code, stdout, stderr) = gradcheck(args);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let line = stdout.lines().find(|l| l.starts_with("loss")).unwrap();
        line.rsplit(": ").next().unwrap().parse().unwrap()
    };
    let alone = loss(&["--batch", "4"]);
    assert_eq!(loss(&["--batch", "4", "--population", "1"]), alone);
    assert!(loss(&["--batch", "4", "--population", "2"]) > alone);
    // A physics-residual network does not stack.
    let (code, _, stderr) =
        gradcheck(&["--population", "2", "--set", "model.baseline=aki-richards"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("a population holds plain ones"), "{stderr}");
}
