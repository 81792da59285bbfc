//! What a training prints while it runs, and Ctrl-C: the command line's [`Observer`].

use std::io::{IsTerminal, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use zoepnet_learner::experiment::{Observer, RunStart};
use zoepnet_learner::plan::EngineKind;
use zoepnet_learner::train::EpochMetrics;

/// Set by Ctrl-C or SIGTERM: stop after the current epoch.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C (or SIGTERM) was pressed in this process.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Ctrl-C (or SIGTERM) stops after the current epoch with its checkpoint written; a second one
/// ends the process at once. Installed once per process; if it cannot be, Ctrl-C still ends the
/// run, losing at most a second of epochs.
/// The run folder being trained, for the message of a second Ctrl-C.
static RUN_DIR: std::sync::Mutex<Option<std::path::PathBuf>> = std::sync::Mutex::new(None);

fn catch_interrupts() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                if let Some(dir) = RUN_DIR.lock().ok().and_then(|d| d.clone()) {
                    eprintln!(
                        "\nquit: the last checkpoint (at most a second old) is kept; continue \
                         with 'zoepnet train --resume {}'",
                        dir.display()
                    );
                }
                std::process::exit(130);
            }
            eprintln!("\ninterrupted: stopping after this epoch (Ctrl-C again to quit now)");
        });
    });
}

/// How much a training prints while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// A header, then a progress bar (terminal) or sparse progress lines.
    Full,
    /// The header only (a sweep prints one line per run).
    Quiet,
}

/// Progress on stderr, and stop requests from Ctrl-C (or, as a test aid,
/// `ZOEPNET_STOP_AFTER_EPOCH`).
#[derive(Debug)]
pub struct Progress {
    report: Report,
    tty: bool,
    /// Stop after this epoch as an interruption would (its checkpoint written).
    stop_after: Option<usize>,
    /// A progress bar is drawn without its line ended.
    open_line: bool,
}

impl Progress {
    pub fn new(report: Report) -> Self {
        Self {
            report,
            tty: std::io::stderr().is_terminal(),
            stop_after: std::env::var("ZOEPNET_STOP_AFTER_EPOCH")
                .ok()
                .and_then(|v| v.parse().ok()),
            open_line: false,
        }
    }
}

impl Observer for Progress {
    fn started(&mut self, run: &RunStart<'_>) {
        if let Ok(mut dir) = RUN_DIR.lock() {
            *dir = Some(run.out.to_owned());
        }
        if let Some(epoch) = run.resumed_after {
            eprintln!("resuming {} after epoch {epoch}", run.out.display());
            if run.replays {
                eprintln!(
                    "replaying its {epoch} completed epochs first (this method's optimizer state \
                     is not in the checkpoint); the run then goes on from there"
                );
            }
        }
        let engine = match run.engine {
            EngineKind::Fused => {
                format!("fused engine ({})", zoepnet_learner::fused::Simd::detect())
            }
            other => format!("{} engine", other.name()),
        };
        eprintln!(
            "training: {} training / {} validation interfaces, {} epochs, {} ({}) in {}, {engine}",
            run.train,
            run.validation,
            run.epochs,
            run.device.backend,
            run.device.name,
            run.precision,
        );
        catch_interrupts();
    }

    fn epoch(&mut self, row: &EpochMetrics, epochs: usize) {
        if self.report == Report::Quiet {
            return;
        }
        let line = format!(
            "epoch {:>width$}/{epochs}  train MSE {:.4e}  val MSE {:.4e}  {:.1} s",
            row.epoch,
            row.train_mse,
            row.val_mse,
            row.seconds,
            width = epochs.to_string().len()
        );
        let every = (epochs / 20).max(1);
        if self.tty {
            // A bar of 24 cells before the figures, redrawn in place.
            let filled = (row.epoch * 24 / epochs.max(1)).min(24);
            let bar = format!("[{}{}]", "#".repeat(filled), ".".repeat(24 - filled));
            eprint!("\r{bar} {line}");
            let _ = std::io::stderr().flush();
            self.open_line = row.epoch != epochs;
            if !self.open_line {
                eprintln!();
            }
        } else if row.epoch.is_multiple_of(every) || row.epoch == epochs || row.epoch == 1 {
            eprintln!("{line}");
        }
    }

    fn stop_requested(&mut self, epoch: usize) -> bool {
        self.stop_after == Some(epoch) || interrupted()
    }

    fn finished(&mut self) {
        if std::mem::take(&mut self.open_line) {
            eprintln!();
        }
    }
}
