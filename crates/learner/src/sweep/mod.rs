//! Sweeps: a config trained over a grid of values ([`grid`]), here ([`run`]) or as a planned
//! job array beyond one machine ([`slurm`]).

pub mod grid;
pub mod run;
pub mod slurm;

pub use grid::{GridError, grid, run_name, split_values};
pub use run::{
    Earlier, Population, SweepError, SweepObserver, SweepResult, VariantOutcome, Variants, sweep,
    train_variants,
};
pub use slurm::{PlanError, SweepPlan, Variant};
