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

/// `zoepnet data configs/tutorial.toml` on the user's own well log `las` (mini.las under another
/// name, with the tutorial's split shrunk to fit it), with `extra` settings; `--out` in `dir`.
fn own_well(dir: &Path, las: &Path, extra: &[&str]) -> (std::process::Output, String) {
    let mut cmd = zoepnet();
    cmd.args(["data", "configs/tutorial.toml", "--out"])
        .arg(dir.join("out"))
        .arg("--set")
        .arg(format!("data.las={:?}", las.display().to_string()));
    for set in [
        "data.drop_last=0",
        "data.decimate=1",
        "data.interfaces=2",
        "data.train=1",
        "data.blind_rocks.interfaces=2",
    ]
    .iter()
    .chain(extra)
    {
        cmd.args(["--set", set]);
    }
    let (out, _, stderr) = run(&mut cmd);
    (out, stderr)
}

#[test]
fn a_users_own_well_is_not_checked_against_the_configs_checksum() {
    let dir = temp_dir("own-well");
    let las = dir.join("mine.las");
    fs::write(&las, mini_bytes()).unwrap();
    // The tutorial's url and sha256 are R-39's: naming another file drops them.
    let (out, stderr) = own_well(&dir, &las, &[]);
    assert!(out.status.success(), "{stderr}");
    assert!(dir.join("out/train.csv").is_file());
    assert_eq!(
        fs::read(&las).unwrap(),
        mini_bytes(),
        "the user's file is untouched"
    );

    // Dropped by hand, with empty values, the same.
    let (out, stderr) = own_well(&dir, &las, &["data.sha256=", "data.url=\"\""]);
    assert!(out.status.success(), "{stderr}");

    // A checksum given with the file is checked; the advice never asks to delete it.
    let wrong = format!("data.sha256={}", "0".repeat(64));
    let (out, stderr) = own_well(&dir, &las, &[&wrong]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(
        stderr.contains("leave `data.sha256` and `data.url` out of the config"),
        "{stderr}"
    );
    assert!(!stderr.contains("delete"), "{stderr}");
    assert!(las.is_file());
}

#[test]
fn a_missing_own_well_is_never_fetched_from_the_configs_address() {
    let dir = temp_dir("own-well-missing");
    let nope = dir.join("nope.las");
    let (out, stderr) = own_well(&dir, &nope, &[]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("data file not found"), "{stderr}");
    assert!(
        stderr.contains("The config gives no `data.url` to fetch it from."),
        "{stderr}"
    );
    assert!(!stderr.contains("R-39"), "R-39 is not offered: {stderr}");
    assert!(!nope.exists());
}

#[test]
fn an_address_is_never_downloaded_under_another_name() {
    let dir = temp_dir("other-name");
    let server = Server::start("/mini.las", mini_bytes());
    let config = dir.join("c.toml");
    fs::write(
        &config,
        format!(
            "[data]\nlas = \"data/mine.las\"\nurl = \"{}/mini.las\"\n",
            server.base
        ),
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().current_dir(&dir).arg("fetch").arg(&config));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`data.url` is the address of \"mini.las\", not of this file"),
        "{stderr}"
    );
    assert_eq!(server.hits(), 0);
    assert!(!dir.join("data").exists(), "no folder is made for it");
}

#[test]
fn a_failed_download_leaves_no_folder_behind() {
    let dir = temp_dir("no-folder");
    let server = Server::start("/elsewhere.las", mini_bytes());
    let config = dir.join("c.toml");
    let las = dir.join("a/b/mini.las");
    fs::write(
        &config,
        format!(
            "[data]\nlas = {:?}\nurl = \"{}/mini.las\"\n",
            las.display().to_string(),
            server.base
        ),
    )
    .unwrap();
    let (out, _, stderr) = run(zoepnet().arg("fetch").arg(&config));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("404"), "{stderr}");
    assert_eq!(server.hits(), 1);
    assert!(!dir.join("a").exists(), "the folders made for it are gone");
}

#[test]
fn a_missing_curve_names_the_set_line_and_the_candidates() {
    let dir = temp_dir("own-well-curve");
    let las = dir.join("mine.las");
    fs::write(&las, mini_bytes()).unwrap();
    let (out, stderr) = own_well(&dir, &las, &["data.curves.vs=DTSM"]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "no curve \"DTSM\" for S slowness; name the file's curve with `--set \
             data.curves.vs=NAME` (candidates: DT4S)"
        ),
        "{stderr}"
    );
    // Every curve missing is named in one try.
    let (out, stderr) = own_well(&dir, &las, &["data.curves.vp=DTCO", "data.curves.rho=DEN"]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "no curve \"DTCO\" for P slowness; name the file's curve with `--set \
             data.curves.vp=NAME` (candidates: DT4P); also no curve \"DEN\" for density: `--set \
             data.curves.rho=NAME` (candidates: RHOB)"
        ),
        "{stderr}"
    );
}
