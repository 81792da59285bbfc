//! A seed study as a library call, stopped through its [`Interrupter`] handle and continued:
//! the continued study keeps the seeds trained before and ends where an uninterrupted one does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use zoepnet_learner::Interrupter;
use zoepnet_learner::seed_study::{self, SeedStudy, StudyObserver};
use zoepnet_learner::seeds::SeedOutcome;

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

/// Stops its interrupter once `after` seeds are trained.
struct StopAfter {
    after: usize,
    trained: AtomicUsize,
    interrupter: Interrupter,
}

impl StudyObserver for StopAfter {
    fn seed(&self, _: &SeedOutcome, _: usize, _: usize) {
        if self.trained.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            self.interrupter.stop();
        }
    }
}

fn study() -> (SeedStudy, Vec<PathBuf>) {
    let las = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let mut config = zoepnet_learner::Plan::load(&path, &[])
        .map(|p| p.config)
        .expect("configs/tutorial.toml loads");
    config.data.las = vec![las.clone()];
    config.model.hidden = 8;
    config.train.epochs = 2;
    let study = SeedStudy {
        plan: config.check().expect("a valid config"),
        config: path,
        seeds: 0..=3,
    };
    (study, vec![las])
}

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zoepnet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_study_stopped_through_its_handle_continues_to_the_same_outcomes() {
    // One thread: the seeds train one after the other, so the stop comes after exactly one.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (study, logs) = study();
    let (stopped_dir, whole_dir) = (folder("study-stopped"), folder("study-whole"));
    let interrupter = Interrupter::new();
    let observer = StopAfter {
        after: 1,
        trained: AtomicUsize::new(0),
        interrupter: interrupter.clone(),
    };
    let stopped = pool
        .install(|| seed_study::run(&study, &logs, &stopped_dir, &observer, &interrupter))
        .expect("a stopped study is a result");
    assert_eq!((stopped.trained, stopped.missing), (1, 3));
    assert!(
        stopped.report.contains("Interrupted: 3 of the 4 seeds"),
        "{}",
        stopped.report
    );

    let go_on = Interrupter::new();
    let quiet = StopAfter {
        after: usize::MAX,
        trained: AtomicUsize::new(0),
        interrupter: go_on.clone(),
    };
    let continued = pool
        .install(|| seed_study::run(&study, &logs, &stopped_dir, &quiet, &go_on))
        .expect("the study continues");
    // Seeds 1 to 3, and 42 to be marked.
    assert_eq!((continued.trained, continued.missing), (4, 0));
    let whole = pool
        .install(|| seed_study::run(&study, &logs, &whole_dir, &quiet, &go_on))
        .expect("an uninterrupted study");
    assert_eq!(
        continued.studied, whole.studied,
        "the same seeds, to the last bit"
    );
    // The config's own seed (42) is outside 0..=3: trained to be marked, not studied.
    assert_eq!(whole.studied.len(), 4);
    assert_eq!(whole.marked.map(|m| m.seed), Some(42));
    let csv = seed_study::read_csv(&stopped_dir.join("seeds.csv")).expect("seeds.csv reads");
    assert_eq!(csv, whole.studied);
    for dir in [stopped_dir, whole_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
