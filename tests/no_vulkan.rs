//! End-to-end: on a machine whose only GPU API is OpenGL (Mesa's llvmpipe, say) wgpu is "not
//! usable", said plainly and at once. wgpu's OpenGL backend deadlocks on llvmpipe, so zoepnet
//! never falls back to it; every command that brings wgpu up answers within a bound.
//!
//! The Vulkan driver is hidden from the loader (`VK_ICD_FILENAMES` and `VK_DRIVER_FILES`
//! pointing at a file that does not exist), as on a machine without `mesa-vulkan-drivers`.

mod common;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{real_data_dir, temp_dir, zoepnet};

/// Far above the few seconds these commands take, far below a hang.
const PROMPT: Duration = Duration::from_secs(90);

/// `zoepnet ARGS` with the Vulkan driver hidden and the real well log's folder as data folder.
fn without_vulkan(args: &[&str]) -> Command {
    let mut cmd = zoepnet();
    cmd.args(args)
        .env("VK_ICD_FILENAMES", "/nonexistent/no-vulkan-driver.json")
        .env("VK_DRIVER_FILES", "/nonexistent/no-vulkan-driver.json")
        .env("ZOEPNET_DATA_DIR", real_data_dir())
        .env("ZOEPNET_OFFLINE", "1");
    cmd
}

/// Runs `cmd`, killing it (and failing) if it has not finished within [`PROMPT`]; returns the
/// exit code, stdout and stderr.
fn run_promptly(mut cmd: Command) -> (Option<i32>, String, String) {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let out_dir = temp_dir(&format!(
        "no-vulkan-out-{}",
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let (out_path, err_path) = (out_dir.join("stdout"), out_dir.join("stderr"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("a stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("a stderr file"))
        .spawn()
        .expect("zoepnet starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break status;
        }
        if started.elapsed() > PROMPT {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
            panic!("{cmd:?} did not answer within {PROMPT:?}; stderr so far:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read_to_string(&out_path).expect("stdout");
    let stderr = std::fs::read_to_string(&err_path).expect("stderr");
    let _ = std::fs::remove_dir_all(&out_dir);
    (status.code(), stdout, stderr)
}

/// What every refusal says: wgpu is unusable here, no Vulkan device, and how to get one.
fn says_no_vulkan(text: &str) {
    for needle in [
        "not usable on this machine",
        "no Vulkan device found",
        "not OpenGL",
        "mesa-vulkan-drivers",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}:\n{text}");
    }
}

#[test]
fn info_says_wgpu_is_unusable_without_vulkan() {
    let (code, stdout, stderr) = run_promptly(without_vulkan(&["info"]));
    assert_eq!(code, Some(0), "{stderr}");
    let wgpu = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("wgpu"))
        .unwrap_or_else(|| panic!("no wgpu line:\n{stdout}"));
    assert!(wgpu.contains("unusable: no Vulkan device found"), "{wgpu}");
    assert!(wgpu.contains("mesa-vulkan-drivers"), "{wgpu}");
    // The CPU backends are as usable as ever.
    assert!(stdout.contains("flex     CPU; "), "{stdout}");
}

#[test]
fn bench_leaves_wgpu_out_by_default_and_refuses_it_by_name() {
    // The smallest bench, with one more option.
    let bench = |option, value| {
        run_promptly(without_vulkan(&[
            "bench",
            "--networks",
            "1",
            "--epochs",
            "1",
            option,
            value,
        ]))
    };
    let (code, stdout, stderr) = bench("--engine", "population");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("left out: backend wgpu"), "{stderr}");
    says_no_vulkan(&stderr);
    assert!(stdout.contains("| population | flex: CPU |"), "{stdout}");
    assert!(!stdout.contains("wgpu"), "{stdout}");

    let (code, stdout, stderr) = bench("--backend", "wgpu");
    assert_eq!(code, Some(1), "{stderr}");
    says_no_vulkan(&stderr);
    assert!(stdout.is_empty(), "no table without a device:\n{stdout}");
}

#[test]
fn train_on_wgpu_says_why_it_cannot_and_writes_nothing() {
    let dir = temp_dir("no-vulkan-train");
    let out = dir.join("run");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let (code, _, stderr) = run_promptly(without_vulkan(&[
        "train",
        "configs/tutorial.toml",
        "--backend",
        "wgpu",
        "--out",
        out_arg,
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    says_no_vulkan(&stderr);
    assert!(!out.exists(), "a run folder was left behind");

    let (code, _, stderr) = run_promptly(without_vulkan(&[
        "gradcheck",
        "configs/tutorial.toml",
        "--backend",
        "wgpu",
    ]));
    assert_eq!(code, Some(1), "{stderr}");
    says_no_vulkan(&stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
