//! End-to-end: where data files are looked for, fetched from, and verified.
//!
//! Downloads are tested against a small fixture served on 127.0.0.1 (no internet is needed).

mod common;

use std::fs;
use std::path::Path;

use common::{R39_SHA256, Server, real_data_dir, repo_root, run, temp_dir, zoepnet};

/// sha256 of tests/fixtures/mini.las (`sha256sum tests/fixtures/mini.las`).
const MINI_SHA256: &str = "db3a7da94dc93e2f09a6741e909ee7f0e34f52af2bace4796f5c6bdb5ddc2778";

fn mini_bytes() -> Vec<u8> {
    fs::read(repo_root().join("tests/fixtures/mini.las")).expect("the fixture")
}

/// Writes a config naming `data/mini.las` with the given address and checksum.
fn write_config(dir: &Path, url: &str, sha256: &str) -> std::path::PathBuf {
    let path = dir.join("experiment.toml");
    fs::write(
        &path,
        format!("[data]\nlas = \"data/mini.las\"\nurl = \"{url}\"\nsha256 = \"{sha256}\"\n"),
    )
    .expect("a writable temporary folder");
    path
}

#[test]
fn a_missing_file_is_downloaded_verified_and_then_reused() {
    let dir = temp_dir("download");
    let server = Server::start("/logs/mini.las", mini_bytes());
    let config = write_config(&dir, &format!("{}/logs/mini.las", server.base), MINI_SHA256);
    let data = dir.join("store");

    let (out, stdout, stderr) = run(zoepnet()
        .arg("fetch")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("downloaded, sha256 verified"), "{stdout}");
    assert!(stderr.contains("downloading http://127.0.0.1"), "{stderr}");
    assert_eq!(fs::read(data.join("mini.las")).unwrap(), mini_bytes());
    assert_eq!(server.hits(), 1);

    // Present now: verified again, not downloaded again.
    let (out, stdout, _) = run(zoepnet()
        .arg("fetch")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data));
    assert!(out.status.success());
    assert!(stdout.contains("present, sha256 verified"), "{stdout}");
    assert!(stdout.contains(MINI_SHA256), "{stdout}");
    assert_eq!(server.hits(), 1);
}

#[test]
fn without_a_data_dir_the_path_is_taken_from_the_current_directory() {
    let dir = temp_dir("relative");
    let server = Server::start("/mini.las", mini_bytes());
    let config = write_config(&dir, &format!("{}/mini.las", server.base), MINI_SHA256);
    let (out, _, stderr) = run(zoepnet().current_dir(&dir).arg("fetch").arg(&config));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(fs::read(dir.join("data/mini.las")).unwrap(), mini_bytes());
}

#[test]
fn a_checksum_mismatch_exits_2_and_leaves_no_file() {
    let dir = temp_dir("mismatch");
    let server = Server::start("/mini.las", mini_bytes());
    let wrong = "0".repeat(64);
    let config = write_config(&dir, &format!("{}/mini.las", server.base), &wrong);
    let data = dir.join("store");
    let (out, _, stderr) = run(zoepnet()
        .arg("fetch")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(stderr.contains(MINI_SHA256), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Put the right file at {}",
            data.join("mini.las").display()
        )),
        "{stderr}"
    );
    assert!(!data.join("mini.las").exists());
    assert!(!data.join("mini.las.part").exists());
}

#[test]
fn a_failed_download_exits_2_and_says_where_to_put_the_file() {
    let dir = temp_dir("404");
    let server = Server::start("/elsewhere.las", mini_bytes());
    let config = write_config(&dir, &format!("{}/mini.las", server.base), MINI_SHA256);
    let data = dir.join("store");
    let (out, _, stderr) = run(zoepnet()
        .arg("fetch")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("could not download"), "{stderr}");
    assert!(stderr.contains("404"), "{stderr}");
    assert!(
        stderr.contains(&data.join("mini.las").display().to_string()),
        "{stderr}"
    );
    assert!(!data.join("mini.las").exists());
}

#[test]
fn offline_a_missing_file_exits_2_without_asking_the_network() {
    let dir = temp_dir("offline");
    let server = Server::start("/mini.las", mini_bytes());
    let config = write_config(&dir, &format!("{}/mini.las", server.base), MINI_SHA256);
    let data = dir.join("store");
    for offline in [&["--offline"][..], &[]] {
        let mut cmd = zoepnet();
        cmd.arg("fetch")
            .arg(&config)
            .arg("--data-dir")
            .arg(&data)
            .args(offline);
        if offline.is_empty() {
            cmd.env("ZOEPNET_OFFLINE", "1");
        }
        let (out, _, stderr) = run(&mut cmd);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("data file not found"), "{stderr}");
        assert!(stderr.contains("Put the file at that path"), "{stderr}");
        assert!(
            stderr.contains(&data.join("mini.las").display().to_string()),
            "{stderr}"
        );
    }
    assert_eq!(server.hits(), 0);
}

#[test]
fn a_bad_config_exits_2_naming_the_file_and_line() {
    let dir = temp_dir("badconfig");
    let config = dir.join("typo.toml");
    fs::write(
        &config,
        "[data]\nlas = \"data/R-39.las\"\nshas256 = \"x\"\n",
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().arg("fetch").arg(&config));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&config.display().to_string()), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(stderr.contains("unknown field `shas256`"), "{stderr}");
    // One error, one final newline (toml's own was doubled).
    assert!(stderr.ends_with("`new_angles`\n"), "{stderr:?}");
}

#[test]
fn a_file_where_the_config_names_it_is_used_before_the_data_dir() {
    // data/R-39.las here is mini.las: with a data folder that holds the real R-39.las, the file
    // the config names is the one used (the folder is for files not where the config says).
    let dir = temp_dir("present-first");
    fs::create_dir_all(dir.join("data")).unwrap();
    fs::write(dir.join("data/R-39.las"), mini_bytes()).unwrap();
    let config = dir.join("mine.toml");
    fs::write(&config, "[data]\nlas = \"data/R-39.las\"\n").unwrap();
    let (out, stdout, stderr) = run(zoepnet()
        .current_dir(&dir)
        .args(["fetch", "--offline"])
        .arg(&config)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("data/R-39.las: present, no sha256 in the config to verify")
            && stdout.contains(MINI_SHA256),
        "{stdout}"
    );
}

#[test]
fn the_tutorial_well_log_is_found_through_the_data_dir_and_verified() {
    let data = real_data_dir();
    let (out, stdout, stderr) = run(zoepnet()
        .args(["fetch", "configs/tutorial.toml", "--offline"])
        .env("ZOEPNET_DATA_DIR", &data));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("present, sha256 verified"), "{stdout}");
    assert!(stdout.contains(R39_SHA256), "{stdout}");
}
