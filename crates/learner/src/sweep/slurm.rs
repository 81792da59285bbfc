//! `zoepnet sweep --plan DIR` and `zoepnet sweep --task N DIR`: a sweep beyond one machine.
//!
//! `--plan` writes the grid as numbered tasks into DIR, with a Slurm job-array script
//! (`sbatch DIR/sweep.sbatch`), and runs nothing. Each array element runs `zoepnet sweep --task
//! N DIR`: its slice of the grid (`--per-task` variants each), every variant into its run
//! folder `DIR/NAME`, as `zoepnet sweep` names them. `zoepnet compare DIR` then gathers the run
//! folders, and says which planned ones are missing.
//!
//! DIR holds `plan.json` (the tasks, the overrides of each variant, the folder it was planned
//! from, the data folder), `base.toml` (the config, copied, so that the tasks run what was
//! planned even if the original changes) and `sweep.sbatch`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::run::{FolderState, RunError, Work, files};

/// Why a plan could not be read or a task found in it.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// No `plan.json` that reads in the folder.
    #[error("{}: not a sweep plan ({message})", path.display())]
    NotAPlan {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A variant whose config does not load.
    #[error("variant {variant}")]
    Load {
        /// Its name.
        variant: String,
        /// Why.
        source: crate::config::LoadError,
    },
    /// A variant that no device of its backend computes (it would fail every task).
    #[error("variant {variant}")]
    Device {
        /// Its name.
        variant: String,
        /// Why.
        source: crate::device::DeviceError,
    },
    /// A folder that holds other work: the plan would mix with it or hide it.
    #[error("{}: the folder holds {holds}", dir.display())]
    OtherWork {
        /// The folder.
        dir: PathBuf,
        /// What it holds.
        holds: Holds,
    },
    /// A task the plan does not have.
    #[error("task {task}: the plan has tasks 0 to {} ({variants} variants, {per_task} a task)", tasks.saturating_sub(1))]
    NoTask {
        /// The task asked for.
        task: usize,
        /// The plan's tasks.
        tasks: usize,
        /// Its variants.
        variants: usize,
        /// Variants per task.
        per_task: usize,
    },
}

/// What `plan.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepPlan {
    /// The zoepnet that wrote it.
    pub zoepnet_version: String,
    /// The config planned, as given on the command line (copied to `base.toml`).
    pub config: PathBuf,
    /// The folder the plan was made in: tasks run there, so the config's relative data paths
    /// mean what they meant.
    pub workdir: PathBuf,
    /// `ZOEPNET_DATA_DIR` (or `--data-dir`) when planned, passed to every task.
    pub data_dir: Option<PathBuf>,
    /// Every variant: its run folder's name and its `key=value` overrides.
    pub variants: Vec<Variant>,
    /// The keys that vary.
    pub varied: Vec<String>,
    /// Variants per task.
    pub per_task: usize,
}

/// One variant of a planned sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Its run folder, under the plan's folder.
    pub name: String,
    /// Its overrides, `--set` style.
    pub overrides: Vec<String>,
}

impl SweepPlan {
    /// Tasks in the plan: the variants in slices of `per_task`.
    pub fn tasks(&self) -> usize {
        self.variants.len().div_ceil(self.per_task.max(1))
    }

    /// The variants of task `n` (from 0).
    pub fn task(&self, n: usize) -> Result<&[Variant], PlanError> {
        let per = self.per_task.max(1);
        let start = n.checked_mul(per).filter(|&s| s < self.variants.len());
        let start = start.ok_or(PlanError::NoTask {
            task: n,
            tasks: self.tasks(),
            variants: self.variants.len(),
            per_task: per,
        })?;
        Ok(&self.variants[start..(start + per).min(self.variants.len())])
    }

    /// Reads `dir/plan.json`.
    pub fn load(dir: &Path) -> Result<Self, PlanError> {
        let path = dir.join(files::PLAN);
        let not_a_plan = |message: String| PlanError::NotAPlan {
            path: path.clone(),
            message,
        };
        let text = std::fs::read_to_string(&path).map_err(|e| not_a_plan(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| not_a_plan(e.to_string()))
    }
}

/// The plan of `variants` of the config at `config`, `per_task` (at least 1) a task, with the
/// data folder `data_dir`, every path made absolute; and whether it runs on wgpu (a GPU per
/// task). Each variant is checked: its config loads, and its backend computes its precision.
///
/// # Errors
/// [`PlanError::Load`] or [`PlanError::Device`], naming the variant.
pub fn make(
    config: &Path,
    variants: Vec<Variant>,
    varied: &[String],
    per_task: usize,
    data_dir: Option<&Path>,
) -> Result<(SweepPlan, bool), PlanError> {
    let mut gpu = false;
    for v in &variants {
        let plan = crate::Plan::load(config, &v.overrides).map_err(|source| PlanError::Load {
            variant: v.name.clone(),
            source,
        })?;
        let backend = &plan.config.backend;
        gpu |= backend.kind == crate::device::Backend::Wgpu;
        crate::device::refuse_precision(backend.kind, backend.precision()).map_err(|source| {
            PlanError::Device {
                variant: v.name.clone(),
                source,
            }
        })?;
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let plan = SweepPlan {
        zoepnet_version: env!("CARGO_PKG_VERSION").to_owned(),
        config: config.to_owned(),
        workdir: absolute(Path::new(".")),
        data_dir: data_dir.map(absolute),
        variants,
        varied: varied.to_vec(),
        per_task: per_task.max(1),
    };
    Ok((plan, gpu))
}

/// What a folder holds that a plan is not written into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Another plan.
    AnotherPlan,
    /// Another command's work.
    Work(Work),
    /// A run.
    Run,
    /// Run folders.
    RunFolders,
}

impl std::fmt::Display for Holds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Holds::AnotherPlan => write!(f, "another plan ({})", files::PLAN),
            Holds::Work(work) => write!(f, "{} ({})", work.describe(), work.marker()),
            Holds::Run => write!(f, "a run ({})", files::CONFIG),
            Holds::RunFolders => write!(f, "run folders"),
        }
    }
}

/// Whether `plan` may be written into `dir`: not where it would mix with or hide other work
/// (another plan; the same plan again is written again; a sweep's table, a run, run folders).
///
/// # Errors
/// [`PlanError::OtherWork`] saying what the folder holds.
pub fn check_folder(dir: &Path, plan: &SweepPlan) -> Result<(), PlanError> {
    let refuse = |holds: Holds| {
        Err(PlanError::OtherWork {
            dir: dir.to_owned(),
            holds,
        })
    };
    match FolderState::of(dir) {
        FolderState::Other(Work::PlannedSweep) => {
            let same = SweepPlan::load(dir)
                .is_ok_and(|old| old.variants == plan.variants && old.config == plan.config);
            if same {
                Ok(())
            } else {
                refuse(Holds::AnotherPlan)
            }
        }
        FolderState::Other(work) => refuse(Holds::Work(work)),
        state if state.is_run() => refuse(Holds::Run),
        _ if !FolderState::runs_in(dir).is_empty() => refuse(Holds::RunFolders),
        _ => Ok(()),
    }
}

/// Writes the plan into `dir`: plan.json, base.toml (a copy of the config) and sweep.sbatch,
/// whose tasks run `exe sweep --task N DIR` (the zoepnet command line).
pub fn write(
    dir: &Path,
    config: &Path,
    plan: &SweepPlan,
    gpu: bool,
    exe: &Path,
) -> Result<(), RunError> {
    let err = |path: PathBuf| {
        move |e: std::io::Error| RunError {
            path,
            message: e.to_string(),
        }
    };
    let logs = dir.join(files::SLURM_LOGS);
    std::fs::create_dir_all(&logs).map_err(err(logs))?;
    let base = dir.join(files::PLAN_BASE);
    std::fs::copy(config, &base).map_err(err(base))?;
    let json = dir.join(files::PLAN);
    let text = serde_json::to_string_pretty(plan).map_err(std::io::Error::from);
    text.and_then(|t| std::fs::write(&json, t + "\n"))
        .map_err(err(json))?;
    let script = dir.join(files::SBATCH);
    std::fs::write(&script, sbatch(dir, plan, gpu, exe)).map_err(err(script))
}

/// The Slurm job-array script: one array element per task, each `exe sweep --task N DIR` (the
/// zoepnet command line), in the folder the plan was made in; a GPU per task where the plan
/// runs on wgpu (`gpu`).
fn sbatch(dir: &Path, plan: &SweepPlan, gpu: bool, exe: &Path) -> String {
    let gres = if gpu {
        "# wgpu: one GPU per task (drop the next line for a software adapter such as lavapipe)\n\
         #SBATCH --gres=gpu:1\n"
    } else {
        ""
    };
    let quote = |p: &Path| shell_quote(&p.display().to_string());
    let data = plan.data_dir.as_deref().map_or_else(String::new, |d| {
        format!("export ZOEPNET_DATA_DIR={}\n", quote(d))
    });
    format!(
        "#!/bin/bash\n\
         # A zoepnet sweep as a Slurm job array: {variants} variants in {tasks} task(s).\n\
         # Submit: sbatch {script}    Then: zoepnet compare {dir}\n\
         #SBATCH --job-name=zoepnet-sweep\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --ntasks=1\n\
         #SBATCH --cpus-per-task=1\n\
         {gres}#SBATCH --chdir={workdir}\n\
         #SBATCH --output={logs}/task-%a.out\n\
         set -euo pipefail\n\
         {data}export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-1}}\"\n\
         exec {exe} sweep --task \"$SLURM_ARRAY_TASK_ID\" {dir}\n",
        variants = plan.variants.len(),
        tasks = plan.tasks(),
        script = quote(&dir.join(files::SBATCH)),
        dir = quote(dir),
        last = plan.tasks().saturating_sub(1),
        workdir = quote(&plan.workdir),
        logs = quote(&dir.join(files::SLURM_LOGS)),
        exe = quote(exe),
    )
}

/// `s` quoted for bash when it holds anything but plain path characters.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(variants: usize, per_task: usize) -> SweepPlan {
        SweepPlan {
            zoepnet_version: "0".into(),
            config: "c.toml".into(),
            workdir: "/w".into(),
            data_dir: None,
            variants: (0..variants)
                .map(|i| Variant {
                    name: format!("v{i}"),
                    overrides: vec![format!("train.seed={i}")],
                })
                .collect(),
            varied: vec!["train.seed".into()],
            per_task,
        }
    }

    #[test]
    fn tasks_slice_the_variants_in_order() {
        let p = plan(5, 2);
        assert_eq!(p.tasks(), 3);
        let names = |n| {
            p.task(n)
                .unwrap()
                .iter()
                .map(|v| v.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(0), ["v0", "v1"]);
        assert_eq!(names(2), ["v4"]);
        let err = p.task(3).unwrap_err().to_string();
        assert!(err.contains("the plan has tasks 0 to 2"), "{err}");
        assert_eq!(plan(4, 1).tasks(), 4);
    }

    #[test]
    fn the_script_is_an_array_over_the_tasks() {
        let p = plan(5, 2);
        let script = sbatch(Path::new("/runs/my sweep"), &p, false, Path::new("zoepnet"));
        assert!(!script.contains("--gres"), "{script}");
        let gpu = sbatch(Path::new("/runs/my sweep"), &p, true, Path::new("zoepnet"));
        assert!(
            gpu.contains("\n#SBATCH --gres=gpu:1\n#SBATCH --chdir="),
            "{gpu}"
        );
        assert!(script.contains("#SBATCH --array=0-2\n"), "{script}");
        assert!(script.contains("#SBATCH --chdir=/w\n"), "{script}");
        assert!(
            script.contains("sweep --task \"$SLURM_ARRAY_TASK_ID\" '/runs/my sweep'\n"),
            "{script}"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
