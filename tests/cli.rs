//! End-to-end: the `zoepnet` binary's help, version and `info`.

mod common;

use common::{run, zoepnet};

#[test]
fn help_lists_the_subcommands_and_the_data_flags() {
    let (out, stdout, _) = run(zoepnet().arg("--help"));
    assert!(out.status.success());
    for needle in [
        "info",
        "fetch",
        "--data-dir",
        "--offline",
        "ZOEPNET_DATA_DIR",
        "Exit codes",
    ] {
        assert!(
            stdout.contains(needle),
            "`zoepnet --help` lacks {needle:?}:\n{stdout}"
        );
    }
}

#[test]
fn each_subcommand_has_its_own_help() {
    let (out, stdout, _) = run(zoepnet().args(["info", "--help"]));
    assert!(out.status.success());
    assert!(stdout.contains("backends compiled in"), "{stdout}");
    let (out, stdout, _) = run(zoepnet().args(["fetch", "--help"]));
    assert!(out.status.success());
    assert!(stdout.contains("sha256"), "{stdout}");
    assert!(
        stdout.contains("[default: configs/tutorial.toml]"),
        "{stdout}"
    );
}

#[test]
fn version_is_the_workspace_version() {
    let (out, stdout, _) = run(zoepnet().arg("--version"));
    assert!(out.status.success());
    assert_eq!(
        stdout.trim(),
        format!("zoepnet {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn empty_environment_variables_read_as_unset() {
    // ZOEPNET_DATA_DIR= and ZOEPNET_OFFLINE= (as `export VAR=` leaves them): no flag was typed,
    // so none is complained of; an empty data folder is none, and an empty OFFLINE is off.
    let (out, _, stderr) = run(zoepnet()
        .args(["data", "no-such-config.toml", "--out", "x"])
        .env("ZOEPNET_DATA_DIR", "")
        .env("ZOEPNET_OFFLINE", ""));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-config.toml"), "{stderr}");
    assert!(
        !stderr.contains("--data-dir") && !stderr.contains("--offline"),
        "{stderr}"
    );
}

#[test]
fn info_reads_the_environment_as_the_data_commands_do() {
    // The same words as --offline's parser takes: "off" and "0" are off, "yes" is on; an empty
    // data folder is none.
    for (dir, offline, folder, downloads) in [
        (
            "/some/logs",
            "yes",
            "data folder: /some/logs (ZOEPNET_DATA_DIR)",
            "downloads: off",
        ),
        ("", "off", "data folder: none set", "downloads: on"),
        ("", "0", "data folder: none set", "downloads: on"),
    ] {
        let (out, stdout, stderr) = run(zoepnet()
            .arg("info")
            .env("ZOEPNET_DATA_DIR", dir)
            .env("ZOEPNET_OFFLINE", offline));
        assert!(out.status.success(), "{stderr}");
        assert!(stdout.contains(folder), "{offline}: {stdout}");
        assert!(stdout.contains(downloads), "{offline}: {stdout}");
    }
}

#[test]
fn a_wrong_subcommand_is_a_usage_error() {
    let (out, _, stderr) = run(zoepnet().arg("trian"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("unrecognized subcommand 'trian'"),
        "{stderr}"
    );
}

#[test]
fn info_reports_each_backend() {
    let (out, stdout, stderr) = run(zoepnet().arg("info"));
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("zoepnet {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(lines[1], "backends compiled in: ndarray, wgpu, flex");
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}"))
            .to_string()
    };
    assert!(line("ndarray").contains("CPU; "), "{stdout}");
    assert!(line("ndarray").contains("f32 and f64"), "{stdout}");
    assert!(line("flex").contains("CPU; "), "{stdout}");
    assert!(line("flex").contains("f32 and f64"), "{stdout}");
    let wgpu = line("wgpu");
    // In CI lavapipe must be found; elsewhere the line says why wgpu is unusable.
    if std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1") {
        assert!(!wgpu.contains("unusable"), "{stdout}");
        assert!(wgpu.contains("driver"), "{stdout}");
        assert!(
            wgpu.contains("Vulkan"),
            "CI runs wgpu on Vulkan (lavapipe):\n{stdout}"
        );
    } else {
        assert!(
            wgpu.contains("driver") || wgpu.contains("unusable"),
            "{stdout}"
        );
    }
}

/// Issue 16: on a headless machine (no XDG_RUNTIME_DIR) the Vulkan driver's Wayland probe must
/// not print "error: XDG_RUNTIME_DIR is invalid or not set" on any command that brings up wgpu.
/// With lavapipe installed (CI), libwayland prints it once per probe when zoepnet does not set a
/// runtime folder of its own.
#[test]
fn no_driver_noise_reaches_the_terminal_without_a_runtime_dir() {
    for xdg in [None, Some("relative/dir")] {
        let mut cmd = zoepnet();
        cmd.arg("info");
        match xdg {
            None => cmd.env_remove("XDG_RUNTIME_DIR"),
            Some(v) => cmd.env("XDG_RUNTIME_DIR", v),
        };
        let (out, stdout, stderr) = run(&mut cmd);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("XDG_RUNTIME_DIR"), "{xdg:?}: {stderr}");
        assert!(!stderr.contains("error"), "{xdg:?}: {stderr}");
        assert!(stdout.ends_with('\n'), "{stdout:?}");
        if std::env::var("ZOEPNET_REQUIRE_WGPU").is_ok_and(|v| v == "1") {
            let wgpu = stdout.lines().find(|l| l.trim_start().starts_with("wgpu"));
            assert!(
                wgpu.is_some_and(|l| l.contains("Vulkan")),
                "wgpu was brought up:\n{stdout}"
            );
        }
    }
}

/// The README shows the command list of `zoepnet --help`; it must be the binary's own.
#[test]
fn the_readme_lists_the_commands_as_help_does() {
    let (_, stdout, _) = run(zoepnet().arg("--help"));
    let commands = |text: &str| -> String {
        let start = text.find("Commands:\n").expect("a command list");
        let end = start + text[start..].find("\n  help ").expect("the help line");
        text[start..end].to_owned()
    };
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).expect("README.md");
    assert_eq!(
        commands(&readme),
        commands(&stdout),
        "update the README's command list"
    );
}
