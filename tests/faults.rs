//! Fault injection: what a run folder holds after a kill at any moment or at any file rename,
//! a full disk at every file, two writers at once, and files edited by hand. Every trial ends in
//! a run whose figures, metrics and model are bit for bit the uninterrupted run's (once it is
//! resumed or started again), or in a refusal (exit 2) naming the file; never a panic (exit
//! 101), never a folder that says "finished" and is not. Each test prints its counts (trials,
//! faults survived, results lost), which `docs/reliability.md` records.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{real_data_dir, run, temp_dir, zoepnet};

/// `zoepnet train configs/tutorial.toml --offline --out OUT --set train.epochs=EPOCHS ...`.
fn train(out: &Path, epochs: usize, sets: &[&str]) -> Command {
    let mut cmd = zoepnet();
    cmd.args(["train", "configs/tutorial.toml", "--offline", "--out"])
        .arg(out)
        .args(["--set", &format!("train.epochs={epochs}")])
        .env("ZOEPNET_DATA_DIR", real_data_dir());
    for set in sets {
        cmd.args(["--set", set]);
    }
    cmd
}

/// `zoepnet train --resume DIR --offline`.
fn resume(dir: &Path) -> Command {
    let mut cmd = zoepnet();
    cmd.args(["train", "--offline", "--resume"])
        .arg(dir)
        .env("ZOEPNET_DATA_DIR", real_data_dir());
    cmd
}

/// What must be the same in a run however it was interrupted: the summary's figures, the
/// metrics but their seconds (hashed), and the network's weights (model.safetensors, hashed:
/// its bytes are the same for the same network, where model.bpk holds per-process ids).
#[derive(Debug, PartialEq)]
struct Fingerprint {
    summary: Vec<String>,
    metrics: u64,
    weights: u64,
}

fn hash(value: impl std::hash::Hash) -> u64 {
    use std::hash::{DefaultHasher, Hasher};
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn fingerprint(dir: &Path) -> Fingerprint {
    let text = std::fs::read_to_string(dir.join("summary.json")).expect("summary.json");
    let summary: serde_json::Value = serde_json::from_str(&text).expect("summary.json parses");
    let keys = [
        "final_train_mse",
        "final_val_mse",
        "last_epoch_train_mse",
        "last_epoch_val_mse",
        "blind_mse",
        "avo_max_abs_error",
        "epochs",
        "seed",
    ];
    let metrics = std::fs::read_to_string(dir.join("metrics.csv")).expect("metrics.csv");
    let without_seconds: Vec<&str> = metrics
        .lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(kept, _)| kept))
        .collect();
    Fingerprint {
        summary: keys.iter().map(|k| summary[k].to_string()).collect(),
        metrics: hash(without_seconds),
        weights: hash(std::fs::read(dir.join("model.safetensors")).expect("model.safetensors")),
    }
}

/// Files a writer left half-done: none may survive the run that finishes a folder.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in [dir.to_owned(), dir.join("plots")] {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().ends_with(".tmp") {
                found.push(entry.path());
            }
        }
    }
    found
}

/// What an interrupted folder may hold: each JSON file whole, and a summary only beside the
/// files it records (a finished run is the reference run).
fn check_interrupted(dir: &Path, reference: &Fingerprint, what: &str) {
    for name in [
        "summary.json",
        "checkpoint.json",
        "scaler.json",
        "model.json",
    ] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "{what}: {name} is half-written"
            );
        }
    }
    if dir.join("summary.json").is_file() {
        assert_eq!(
            &fingerprint(dir),
            reference,
            "{what}: a summary beside other files"
        );
    }
}

/// Takes an interrupted folder to its end as a user would: resume where there is a checkpoint,
/// start again where there is none; returns how many runs that took.
fn finish(dir: &Path, epochs: usize, what: &str) -> usize {
    for runs in 1..=4 {
        if dir.join("summary.json").is_file() {
            return runs - 1;
        }
        let mut cmd = if dir.join("checkpoint.json").is_file() {
            resume(dir)
        } else {
            train(dir, epochs, &[])
        };
        let (out, _, stderr) = run(&mut cmd);
        assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
    }
    panic!("{what}: not finished after 4 runs");
}

/// Takes an interrupted folder to its end ([`finish`]) and checks it is the reference run, with
/// no temporary file left.
fn finished_as(dir: &Path, epochs: usize, reference: &Fingerprint, what: &str) {
    finish(dir, epochs, what);
    assert_eq!(&fingerprint(dir), reference, "{what}");
    assert!(
        temporaries(dir).is_empty(),
        "{what}: {:?}",
        temporaries(dir)
    );
}

fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        assert!(start.elapsed() < limit, "the run did not end in {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn quiet(cmd: &mut Command) -> &mut Command {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped())
}

fn reference(dir: &Path, epochs: usize) -> (Fingerprint, Duration) {
    let start = Instant::now();
    let (out, _, stderr) = run(&mut train(dir, epochs, &[]));
    assert!(out.status.success(), "{stderr}");
    (fingerprint(dir), start.elapsed())
}

#[test]
fn a_kill_at_any_moment_loses_nothing() {
    // Enough epochs that checkpoints are written during training (at most a second apart).
    const EPOCHS: usize = 2500;
    let dir = temp_dir("faults-kill");
    let (reference, took) = reference(&dir.join("reference"), EPOCHS);
    let trials = 6;
    let mut resumed = 0;
    for trial in 0..trials {
        let out = dir.join(format!("t{trial}"));
        let mut child = quiet(&mut train(&out, EPOCHS, &[]))
            .spawn()
            .expect("starts");
        // Moments spread over the whole run: start-up, training, scoring, plots.
        std::thread::sleep(took.mul_f64((trial as f64 + 0.5) / trials as f64));
        let _ = child.kill();
        let _ = child.wait();
        let what = format!("kill {trial}");
        check_interrupted(&out, &reference, &what);
        resumed += usize::from(out.join("checkpoint.json").is_file());
        finished_as(&out, EPOCHS, &reference, &what);
    }
    assert!(
        resumed >= 2,
        "only {resumed} trials resumed from a checkpoint"
    );
    eprintln!("kills at moments: {trials} trials, {resumed} resumed, {trials} identical, 0 lost");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `strace`, where it runs here; CI installs it.
fn strace() -> Option<&'static str> {
    let found = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing (.ci/run installs it)"
        );
        eprintln!("skipped: no strace here (apt-get install strace)");
    }
    found.then_some("strace")
}

#[test]
fn a_kill_at_every_rename_loses_nothing() {
    const EPOCHS: usize = 6;
    let Some(strace) = strace() else { return };
    let dir = temp_dir("faults-rename");
    let (reference, _) = reference(&dir.join("reference"), EPOCHS);
    let renames = "rename,renameat,renameat2";
    let mut n = 0;
    loop {
        n += 1;
        let out = dir.join(format!("r{n}"));
        let traced = train(&out, EPOCHS, &[]);
        let program = traced.get_program().to_owned();
        let args: Vec<_> = traced.get_args().map(ToOwned::to_owned).collect();
        let mut cmd = Command::new(strace);
        cmd.args(["-f", "-o", "/dev/null", "-e"])
            .arg(format!("trace={renames}"))
            .arg("-e")
            .arg(format!("inject={renames}:signal=KILL:when={n}"))
            .arg(program)
            .args(args)
            .current_dir(common::repo_root())
            .env("ZOEPNET_DATA_DIR", real_data_dir())
            .env_remove("ZOEPNET_OFFLINE");
        let (status, _, _) = run(&mut cmd);
        let what = format!("kill at rename {n}");
        if status.status.success() {
            // Fewer renames than n: the run went through untouched, and the trials are done.
            assert_eq!(fingerprint(&out), reference, "{what}");
            break;
        }
        check_interrupted(&out, &reference, &what);
        finished_as(&out, EPOCHS, &reference, &what);
        assert!(n < 100, "a run renames files fewer than 100 times");
    }
    let trials = n - 1;
    assert!(trials >= 10, "only {trials} renames in a run");
    eprintln!("kills at renames: {trials} trials, {trials} identical, 0 lost");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A tmpfs of `kib` KiB at `dir`, unmounted when dropped; `None` where mounting is not allowed
/// (not root, or a container without the right).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(dir: &Path, kib: usize) -> Option<Self> {
        std::fs::create_dir_all(dir).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Self(dir.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_at_every_file_loses_nothing() {
    const EPOCHS: usize = 6;
    let dir = temp_dir("faults-disk");
    let (reference, _) = reference(&dir.join("reference"), EPOCHS);
    let mut trials = 0;
    let mut failed_at = std::collections::BTreeSet::new();
    // From too small for the config to a disk that holds all but the last plots.
    for kib in [
        4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 320, 384, 448, 512, 640,
    ] {
        let Some(disk) = SmallDisk::mount(&dir.join(format!("disk{kib}")), kib) else {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return;
        };
        let out = disk.0.join("run");
        let (status, _, stderr) = run(&mut train(&out, EPOCHS, &[]));
        let what = format!("{kib} KiB");
        if status.status.success() {
            assert_eq!(fingerprint(&out), reference, "{what}");
            continue;
        }
        trials += 1;
        assert_eq!(status.status.code(), Some(1), "{what}: {stderr}");
        assert!(stderr.contains("No space left"), "{what}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.contains("No space left"))
            .unwrap_or("");
        assert_eq!(
            line.matches(&*disk.0.to_string_lossy()).count(),
            1,
            "{what}: {line}"
        );
        failed_at.insert(
            line.rsplit('/')
                .next()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .to_owned(),
        );
        assert!(
            temporaries(&out).is_empty(),
            "{what}: {:?}",
            temporaries(&out)
        );
        check_interrupted(&out, &reference, &what);
        // Room again: the folder, moved to a roomy disk, finishes as the reference did.
        let moved = dir.join(format!("moved{kib}"));
        let copied = Command::new("cp").arg("-r").arg(&out).arg(&moved).status();
        assert!(copied.is_ok_and(|s| s.success()));
        drop(disk);
        finish(&moved, EPOCHS, &what);
        assert_eq!(fingerprint(&moved), reference, "{what}");
    }
    assert!(
        failed_at.len() >= 4,
        "the disk filled at only {failed_at:?}"
    );
    eprintln!(
        "full disk: {trials} trials, failing at {} different files ({failed_at:?}), {trials} \
         identical once resumed, 0 lost",
        failed_at.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_writers_never_share_a_folder() {
    const EPOCHS: usize = 6;
    let dir = temp_dir("faults-writers");
    let pairs = [0u64, 2, 4, 6, 8, 10, 12];
    for (i, delay) in pairs.iter().enumerate() {
        let out = dir.join(format!("p{i}"));
        let mut first = quiet(&mut train(&out, EPOCHS, &["train.seed=1"]))
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*delay));
        let mut second = quiet(&mut train(&out, EPOCHS, &["train.seed=2"]))
            .spawn()
            .unwrap();
        let codes = [
            wait_for(&mut first, Duration::from_secs(60)).code(),
            wait_for(&mut second, Duration::from_secs(60)).code(),
        ];
        let mut stderr = String::new();
        for child in [&mut first, &mut second] {
            use std::io::Read;
            let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
        }
        let what = format!("{delay} ms apart");
        let mut sorted = codes;
        sorted.sort();
        assert_eq!(sorted, [Some(0), Some(2)], "{what}: {stderr}");
        assert!(
            stderr.contains("in use by another zoepnet process (pid "),
            "{what}: {stderr}"
        );
        // The folder is the winner's, whole: its config, summary and model agree.
        let winner = if codes[0] == Some(0) { "1" } else { "2" };
        let config = std::fs::read_to_string(out.join("config.toml")).unwrap();
        assert!(config.contains(&format!("seed = {winner}\n")), "{what}");
        let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
        assert!(summary.contains(&format!("\"seed\": {winner},")), "{what}");
        let (status, _, stderr) = run(zoepnet()
            .args(["export"])
            .arg(&out)
            .arg("--output")
            .arg(dir.join("x.st")));
        assert!(status.status.success(), "{what}: {stderr}");
    }
    eprintln!(
        "two writers: {} pairs, {} refused at once, 0 folders damaged",
        pairs.len(),
        pairs.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Starts a long run into `out` and waits until it has written a checkpoint.
fn running(out: &Path, sets: &[&str]) -> Child {
    let child = quiet(&mut train(out, 200_000, sets))
        .spawn()
        .expect("starts");
    let start = Instant::now();
    let spawned = std::time::SystemTime::now();
    // Its own checkpoint: written after the process started (a finished run's is older).
    let written = || {
        std::fs::metadata(out.join("checkpoint.json"))
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= spawned)
    };
    while !written() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no checkpoint in a minute"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_running_folder_is_refused_and_a_retrained_one_is_not_taken_for_finished() {
    let dir = temp_dir("faults-running");
    let out = dir.join("run");
    let (first, _) = reference(&out, 6);
    let mut child = running(&out, &["train.seed=7"]);
    // While it runs: neither a second run nor a resume nor a reader takes the folder.
    let pid = child.id();
    for cmd in [&mut train(&out, 6, &[]), &mut resume(&out)] {
        let (status, _, stderr) = run(cmd);
        assert_eq!(status.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("in use by another zoepnet process (pid {pid})")),
            "{stderr}"
        );
    }
    // Nor does a command that writes other files there (a dataset's tables and scaler).
    let (status, _, stderr) = run(zoepnet()
        .args(["data", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&out)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("(pid {pid})")), "{stderr}");
    let (status, stdout, _) = run(zoepnet().arg("compare").arg(&dir));
    assert!(
        status.status.success() && stdout.contains(&format!("training now (pid {pid})")),
        "{stdout}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // Killed, the retrained folder is a stopped run: the first run's summary, model and plots
    // went before its new config was written.
    for gone in [
        "summary.json",
        "model.bpk",
        "model.json",
        "model.safetensors",
        "plots",
    ] {
        assert!(
            !out.join(gone).exists(),
            "{gone} of the finished run is still there"
        );
    }
    let (status, _, stderr) = run(zoepnet()
        .arg("export")
        .arg(&out)
        .arg("--output")
        .arg(dir.join("x")));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a run stopped after epoch"), "{stderr}");
    let (_, stdout, _) = run(zoepnet().arg("compare").arg(&dir));
    assert!(stdout.contains("| stopped after epoch"), "{stdout}");
    assert_ne!(first.summary, Vec::<String>::new());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A run stopped after epoch 2 of 4 (its checkpoint written), in `dir/name`.
fn stopped(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let (status, _, stderr) = run(train(&out, 4, &[]).env("ZOEPNET_STOP_AFTER_EPOCH", "2"));
    assert_eq!(status.status.code(), Some(1), "{stderr}");
    assert!(out.join("checkpoint.json").is_file());
    out
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("a test file"))
            .expect("a test file");
    edit(&mut value);
    std::fs::write(path, serde_json::to_string(&value).expect("a test file")).expect("a test file");
}

#[test]
fn edited_files_are_refused_naming_them_and_never_panic() {
    let dir = temp_dir("faults-edited");
    // A truncated scaler, one that parses but is not the data's, a training order with an
    // index out of range and one with an index twice, a checkpoint past its run's end.
    type Edit = fn(&Path);
    let cases: [(&str, Edit, &str); 5] = [
        (
            "scaler.json",
            |d| truncate(&d.join("scaler.json")),
            "scaler.json",
        ),
        (
            "scaler.json",
            |d| edit_json(&d.join("scaler.json"), |v| v["mean"][0] = 1.0.into()),
            "not the scaler",
        ),
        (
            "checkpoint.json",
            |d| {
                edit_json(&d.join("checkpoint.json"), |v| {
                    v["train_order"][0] = 400.into()
                })
            },
            "training order",
        ),
        (
            "checkpoint.json",
            |d| {
                edit_json(&d.join("checkpoint.json"), |v| {
                    v["train_order"][1] = v["train_order"][0].clone()
                })
            },
            "training order",
        ),
        (
            "checkpoint.json",
            |d| edit_json(&d.join("checkpoint.json"), |v| v["epoch"] = 9.into()),
            "checkpoint",
        ),
    ];
    for (i, (file, edit, said)) in cases.iter().enumerate() {
        let out = stopped(&dir, &format!("s{i}"));
        edit(&out);
        let (status, _, stderr) = run(&mut resume(&out));
        assert_eq!(status.status.code(), Some(2), "{file} case {i}: {stderr}");
        assert!(
            stderr.contains(file) && stderr.contains(said),
            "case {i}: {stderr}"
        );
        assert!(!out.join("summary.json").exists(), "case {i}");
    }
    // A finished run with each file it records cut short, emptied or with a byte changed:
    // every reader refuses it (exit 2) naming the file.
    let finished = dir.join("finished");
    let _ = reference(&finished, 6);
    // A dataset written into a run's folder would replace its scaler: refused.
    let (status, _, stderr) = run(zoepnet()
        .args(["data", "configs/tutorial.toml", "--offline", "--out"])
        .arg(&finished)
        .env("ZOEPNET_DATA_DIR", real_data_dir()));
    assert_eq!(status.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds a run (config.toml)"), "{stderr}");
    let mut refused = 0;
    for file in [
        "config.toml",
        "scaler.json",
        "metrics.csv",
        "model.json",
        "model.bpk",
        "summary.json",
    ] {
        // summary.json records the others and itself: a figure changed, or a checksum left
        // out, is found too.
        let damages: &[fn(&Path)] = if file == "summary.json" {
            &[truncate, empty, flip_a_byte, edit_a_figure, drop_a_checksum]
        } else {
            &[truncate, empty, flip_a_byte]
        };
        for damage in damages {
            let copy = dir.join("copy");
            let _ = std::fs::remove_dir_all(&copy);
            assert!(
                Command::new("cp")
                    .arg("-r")
                    .arg(&finished)
                    .arg(&copy)
                    .status()
                    .unwrap()
                    .success()
            );
            damage(&copy.join(file));
            let (status, _, stderr) = run(zoepnet()
                .arg("export")
                .arg(&copy)
                .arg("--output")
                .arg(dir.join("x")));
            assert_eq!(status.status.code(), Some(2), "{file}: {stderr}");
            assert!(stderr.contains(file), "{file}: {stderr}");
            let (status, _, stderr) = run(zoepnet()
                .args(["plot", "--offline"])
                .arg(&copy)
                .env("ZOEPNET_DATA_DIR", real_data_dir()));
            assert_eq!(status.status.code(), Some(2), "plot, {file}: {stderr}");
            refused += 1;
        }
    }
    eprintln!(
        "edited files: {} resumes and {refused} finished folders refused, 0 panics",
        cases.len()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn edit_a_figure(path: &Path) {
    edit_json(path, |v| v["blind_mse"] = 1.0.into());
}

fn drop_a_checksum(path: &Path) {
    edit_json(path, |v| {
        if let Some(files) = v["files"].as_object_mut() {
            files.remove("model.bpk");
        }
    });
}

fn truncate(path: &Path) {
    let bytes = std::fs::read(path).expect("a test file");
    std::fs::write(path, &bytes[..bytes.len() / 2]).expect("a test file");
}

fn empty(path: &Path) {
    std::fs::write(path, "").expect("a test file");
}

fn flip_a_byte(path: &Path) {
    let mut bytes = std::fs::read(path).expect("a test file");
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'7' { b'8' } else { b'7' };
    std::fs::write(path, &bytes).expect("a test file");
}
