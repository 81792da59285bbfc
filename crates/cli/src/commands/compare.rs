//! `zoepnet compare`: the table of runs made earlier.

use std::path::PathBuf;

use clap::Args;
use zoepnet_learner::compare::{markdown, read_run, varied_keys, write};

use super::UsageError;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run folders written by `zoepnet train` or `zoepnet sweep` (files among them are passed
    /// over, so that `runs/tutorial-sweep/*` works).
    #[arg(required = true, value_name = "RUN_DIR")]
    runs: Vec<PathBuf>,
    /// Also write compare.csv, compare.md and compare-val.png / .svg (the validation curves)
    /// into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: &CompareArgs) -> anyhow::Result<()> {
    // Files among the arguments (a shell glob over a sweep folder) are passed over.
    let dirs: Vec<&PathBuf> = args.runs.iter().filter(|p| !p.is_file()).collect();
    for dir in &dirs {
        if !dir.join("config.toml").is_file() {
            return Err(UsageError(format!(
                "{}: not a run folder (no config.toml)",
                dir.display()
            ))
            .into());
        }
    }
    let rows: Vec<_> = dirs.iter().map(|d| read_run(d)).collect();
    let keys = varied_keys(&rows);
    out!("{}", markdown(&rows, &keys));
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
        write(out, "compare", &rows, &keys).map_err(|e| anyhow::anyhow!(e))?;
    }
    Ok(())
}
