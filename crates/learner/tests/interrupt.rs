//! A run stopped through its `Interrupter` handle stops after the epoch it was asked in, its
//! checkpoint written, and resumes to the weights of the run that was not stopped.

use std::path::Path;

use zoepnet_learner::experiment::{self, ExperimentError, Observer};
use zoepnet_learner::run::RunFolder;
use zoepnet_learner::train::EpochMetrics;
use zoepnet_learner::{Interrupter, Plan};

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

/// Stops its handle in epoch `at`.
struct StopIn {
    at: usize,
    handle: Interrupter,
}

impl Observer for StopIn {
    fn epoch(&mut self, row: &EpochMetrics, _epochs: usize) {
        if row.epoch == self.at {
            self.handle.stop();
        }
    }
}

#[test]
fn a_run_stops_at_its_handle_and_resumes_to_the_same_weights() {
    let las = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let sets = ["train.epochs=5".to_owned(), "model.hidden=16".to_owned()];
    let plan = Plan::load(&config, &sets).expect("the config loads");
    let logs = [las];
    let base = std::env::temp_dir().join(format!("zoepnet-interrupt-{}", std::process::id()));
    let (stopped, whole) = (base.join("stopped"), base.join("whole"));
    let handle = Interrupter::new();
    let mut observer = StopIn {
        at: 2,
        handle: handle.clone(),
    };
    let err = experiment::run(&plan, &logs, &stopped, None, &mut observer, &handle).unwrap_err();
    assert!(
        matches!(err, ExperimentError::Stopped { epoch: 2, .. }),
        "{err}"
    );
    let checkpoint = RunFolder::load_checkpoint(&stopped).expect("its checkpoint");
    assert_eq!(checkpoint.epoch, 2);

    let go_on = Interrupter::new();
    let quiet = &mut experiment::Quiet;
    let resumed = experiment::run(&plan, &logs, &stopped, Some(checkpoint), quiet, &go_on);
    let unstopped = experiment::run(&plan, &logs, &whole, None, quiet, &go_on);
    let (a, b) = (resumed.expect("resumed"), unstopped.expect("whole"));
    assert_eq!(
        a.final_val_mse, b.final_val_mse,
        "the same weights, to the last bit"
    );
    assert_eq!(a.blind_mse, b.blind_mse);
    let _ = std::fs::remove_dir_all(base);
}
