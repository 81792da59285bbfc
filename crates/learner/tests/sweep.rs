//! A sweep as a library call, stopped through its `Interrupter` after its first variant and
//! run again: the finished variant is kept, the other trained.

use std::path::Path;

use zoepnet_dataset::FetchOptions;
use zoepnet_learner::Interrupter;
use zoepnet_learner::experiment::{Observer, Quiet};
use zoepnet_learner::sweep::{
    Population, SweepObserver, VariantOutcome, Variants, grid, sweep, variants,
};

#[path = "../../../tests/common/well_log.rs"]
mod well_log;

/// Stops its handle once a variant is done; trains quietly.
struct StopAfterOne {
    handle: Interrupter,
    quiet: Quiet,
}

impl SweepObserver for StopAfterOne {
    fn done(&mut self, _: usize, _: &str, _: &VariantOutcome) {
        self.handle.stop();
    }

    fn training(&mut self) -> &mut dyn Observer {
        &mut self.quiet
    }
}

#[test]
fn a_sweep_stops_at_its_handle_and_goes_on_where_it_stopped() {
    let las = well_log::find_r39().unwrap_or_else(|message| panic!("{message}"));
    let data_dir = las.parent().map(Path::to_owned);
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/tutorial.toml");
    let sets = [
        "train.seed=1,2".to_owned(),
        "train.epochs=2".to_owned(),
        "model.hidden=8".to_owned(),
    ];
    let (combos, varied) = grid(&sets).expect("a grid");
    let all = variants(&combos, &varied, <[String]>::to_vec);
    let out = std::env::temp_dir().join(format!("zoepnet-lib-sweep-{}", std::process::id()));
    let options = FetchOptions {
        data_dir,
        offline: true,
    };
    let v = Variants {
        config: &config,
        variants: &all,
        out: &out,
        population: Population::Never,
        options: &options,
    };
    let handle = Interrupter::new();
    let mut observer = StopAfterOne {
        handle: handle.clone(),
        quiet: Quiet,
    };
    let first = sweep(&v, &varied, &mut observer, &handle).expect("a stopped sweep is a result");
    assert!(matches!(first.outcomes[0], VariantOutcome::Trained(_)));
    assert!(matches!(first.outcomes[1], VariantOutcome::NotRun));
    assert!(first.interrupted());

    let go_on = Interrupter::new();
    let mut quiet = StopAfterOne {
        handle: Interrupter::new(),
        quiet: Quiet,
    };
    let second = sweep(&v, &varied, &mut quiet, &go_on).expect("the sweep goes on");
    assert!(matches!(second.outcomes[0], VariantOutcome::Kept));
    assert!(matches!(second.outcomes[1], VariantOutcome::Trained(_)));
    assert_eq!(second.unfinished(), 0);
    assert!(out.join("sweep.md").is_file());
    let _ = std::fs::remove_dir_all(out);
}
