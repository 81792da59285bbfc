//! Whose fault an error is: each error a caller of zoepnet can meet answers "is this the user's
//! input?" ([`Fault::is_bad_input`]): a config, a data file, a run folder or a choice that is
//! wrong (the command line exits 2), rather than the machine or zoepnet itself (exits 1). Every
//! front end asks the same question of the same answers.

/// An error that knows whether the user's input is at fault.
pub trait Fault: std::error::Error + Send + Sync + 'static {
    /// Whether it comes from what the user gave, rather than the machine or a bug.
    fn is_bad_input(&self) -> bool;
}

/// Errors that are always the user's input.
macro_rules! input {
    ($($t:ty),* $(,)?) => {$(
        impl Fault for $t {
            fn is_bad_input(&self) -> bool {
                true
            }
        }
    )*};
}

/// Errors that are never the user's input (the machine, a file that could not be written).
macro_rules! machine {
    ($($t:ty),* $(,)?) => {$(
        impl Fault for $t {
            fn is_bad_input(&self) -> bool {
                false
            }
        }
    )*};
}

/// Errors whose variants say it themselves (their own `is_bad_input`).
macro_rules! own {
    ($($t:ty),* $(,)?) => {$(
        impl Fault for $t {
            fn is_bad_input(&self) -> bool {
                <$t>::is_bad_input(self)
            }
        }
    )*};
}

input!(
    zoepnet_dataset::SourceError,
    zoepnet_dataset::ConfigError,
    zoepnet_dataset::DatasetError,
    zoepnet_las::LasError,
    zoepnet_las::UnitError,
    crate::LoadError,
    crate::run::ReadError,
    crate::sweep::PlanError,
    crate::sweep::GridError,
    crate::compare::NotRuns,
    crate::trained::BlindDataError,
    crate::extend::ExtendError,
);
machine!(
    std::io::Error,
    csv::Error,
    crate::run::RunError,
    crate::evaluate::EvaluateError,
    zoepnet_model::ModelError,
);
own!(
    crate::DeviceError,
    crate::experiment::ExperimentError,
    crate::bench::BenchError,
    crate::gradcheck::GradCheckError,
    crate::seed_study::StudyError,
    crate::sweep::SweepError,
    crate::trained::OpenError,
    crate::trained::BlindError,
    crate::plots::RedrawError,
    crate::trained::PredictError,
    zoepnet_dataset::table::TableError,
    crate::lock::LockError,
    crate::run::FolderError,
    crate::train::TrainError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_config_is_the_users_and_a_failed_write_is_not() {
        let refused = zoepnet_dataset::ConfigError {
            key: "train.epochs".into(),
            message: "expected 1 or more".into(),
        };
        assert!(refused.is_bad_input());
        let write = crate::run::RunError {
            path: "x".into(),
            message: "disk full".into(),
        };
        assert!(!write.is_bad_input());
        let unreadable = crate::run::ReadError {
            path: "x/checkpoint.json".into(),
            message: "EOF".into(),
        };
        assert!(Fault::is_bad_input(&unreadable));
    }
}
