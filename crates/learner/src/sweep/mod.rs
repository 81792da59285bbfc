//! Sweeps: a config trained over a grid of values ([`grid`]), here or as a planned job array
//! beyond one machine ([`slurm`]).

pub mod grid;
pub mod slurm;

pub use grid::{GridError, grid, run_name, split_values};
pub use slurm::{PlanError, SweepPlan, Variant};
