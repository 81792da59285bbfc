//! Sweeps: a config trained over a grid of values ([`mod@grid`]), here ([`mod@run`]) or as a planned
//! job array beyond one machine ([`slurm`]).

pub mod grid;
pub mod run;
pub mod slurm;

pub use grid::{GridError, grid, run_name, variants};
pub use run::{
    Earlier, Population, SweepError, SweepObserver, SweepResult, VariantError, VariantOutcome,
    Variants, sweep, train_variants,
};
pub use slurm::{PlanError, SweepPlan, Variant};
