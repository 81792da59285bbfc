//! `zoepnet compare`: the table of runs made earlier.

use std::path::PathBuf;

use clap::Args;
use zoepnet_learner::compare::{markdown, read_run, varied_keys, write};
use zoepnet_learner::run::{FolderState, files};

use super::UsageError;
use zoepnet_learner::sweep::SweepPlan;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Run folders written by `zoepnet train` or `zoepnet sweep` (files among them are passed
    /// over, so that `runs/tutorial-sweep/*` works), or folders of them: a sweep's folder, or a
    /// planned sweep's (`sweep --plan`), whose missing runs are named.
    #[arg(required = true, value_name = "RUN_DIR")]
    runs: Vec<PathBuf>,
    /// Also write compare.csv, compare.md and compare-val.png / .svg (the validation curves)
    /// into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The config keys shown as columns (e.g. `train.learning_rate,model.hidden`). By default
    /// every key whose value differs between the runs, up to 8; past that the printed table
    /// shows none and names them (compare.csv and compare.md with --out have them all, or the
    /// ones --keys picks).
    #[arg(long, value_name = "KEY,...", value_delimiter = ',')]
    keys: Vec<String>,
}

/// More differing keys than this make the printed table too wide to read in a terminal.
const MAX_SHOWN_KEYS: usize = 8;

pub fn run(args: &CompareArgs) -> anyhow::Result<()> {
    if let Some(out) = &args.out {
        super::output_folder(out)?;
    }
    // Files among the arguments (a shell glob over a sweep folder) are passed over; a folder of
    // run folders (a sweep's, a plan's) stands for them.
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in args.runs.iter().filter(|p| !p.is_file()) {
        if FolderState::of(dir).is_run() {
            dirs.push(dir.clone());
            continue;
        }
        let inner = FolderState::runs_in(dir);
        let plan = SweepPlan::load(dir);
        // A plan none of whose tasks has started yet is a plan of missing runs, not an error.
        if inner.is_empty() && plan.is_err() {
            return Err(UsageError(format!(
                "{}: not a run folder (no {}), nor a folder of them",
                dir.display(),
                files::CONFIG
            ))
            .into());
        }
        if let Ok(plan) = plan {
            let missing: Vec<&str> = plan
                .variants
                .iter()
                .filter(|v| FolderState::of(&dir.join(&v.name)) != FolderState::Finished)
                .map(|v| v.name.as_str())
                .collect();
            if !missing.is_empty() {
                errln!(
                    "{}: {} of the plan's {} variant(s) have no finished run yet: {}",
                    dir.display(),
                    missing.len(),
                    plan.variants.len(),
                    missing.join(", ")
                );
            }
        }
        dirs.extend(inner);
    }
    // A folder given twice (or also through its sweep's folder) is one run.
    let mut seen = std::collections::HashSet::new();
    dirs.retain(|d| seen.insert(std::fs::canonicalize(d).unwrap_or_else(|_| d.clone())));
    let mut rows: Vec<_> = dirs.iter().map(|d| read_run(d)).collect();
    // Runs of one name from different folders (two sweeps of one grid) are told apart by
    // their folder's parent: `sweep-a/train.seed=1`.
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    for row in &mut rows {
        if names.iter().filter(|n| **n == row.name).count() > 1 {
            let parent = row.dir.parent().and_then(|p| p.file_name());
            if let Some(parent) = parent {
                row.name = format!("{}/{}", parent.to_string_lossy(), row.name);
            }
        }
    }

    let keys = varied_keys(&rows);
    let shown: Vec<String> = if !args.keys.is_empty() {
        let unknown: Vec<&str> = args
            .keys
            .iter()
            .filter(|k| !rows.iter().any(|r| r.settings.contains_key(k.as_str())))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(UsageError(format!(
                "--keys: no run has {} (keys are dotted, as in the configs: train.learning_rate)",
                unknown.join(", ")
            ))
            .into());
        }
        args.keys.clone()
    } else if keys.len() > MAX_SHOWN_KEYS {
        errln!(
            "the runs differ in {} config keys ({}, ...): too many columns to print; choose some \
             with --keys, or see them all in compare.csv with --out",
            keys.len(),
            keys[..3].join(", ")
        );
        Vec::new()
    } else {
        keys.clone()
    };
    out!("{}", markdown(&rows, &shown));
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
        // The files keep every differing key, unless --keys picks some.
        let keys = if args.keys.is_empty() { &keys } else { &shown };
        write(out, files::COMPARE_STEM, &rows, keys).map_err(|e| anyhow::anyhow!(e))?;
    }
    Ok(())
}
