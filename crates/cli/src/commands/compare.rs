//! `zoepnet compare`: the table of runs made earlier.

use std::path::PathBuf;

use clap::Args;
use zoepnet_learner::compare::{gather, markdown, varied_keys, write};
use zoepnet_learner::run::files;

use super::UsageError;
use crate::failure::{Failure, Outcome};

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

pub fn run(args: &CompareArgs) -> Outcome<()> {
    if let Some(out) = &args.out {
        super::output_folder(out)?;
    }
    let gathered = gather(&args.runs)?;
    for plan in &gathered.plans {
        if !plan.missing.is_empty() {
            errln!(
                "{}: {} of the plan's {} variant(s) have no finished run yet: {}",
                plan.dir.display(),
                plan.missing.len(),
                plan.variants,
                plan.missing.join(", ")
            );
        }
    }
    let rows = gathered.rows;
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
             with --keys, or see them all in {}.csv with --out",
            keys.len(),
            keys[..3].join(", "),
            files::COMPARE_STEM
        );
        Vec::new()
    } else {
        keys.clone()
    };
    out!("{}", markdown(&rows, &shown));
    if let Some(out) = &args.out {
        std::fs::create_dir_all(out)
            .map_err(|e| Failure::fault(anyhow::anyhow!("{}: {e}", out.display())))?;
        // The files keep every differing key, unless --keys picks some.
        let keys = if args.keys.is_empty() { &keys } else { &shown };
        write(out, files::COMPARE_STEM, &rows, keys)?;
    }
    Ok(())
}
