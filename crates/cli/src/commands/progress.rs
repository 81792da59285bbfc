//! What a training prints while it runs, and Ctrl-C: the command line's [`Observer`].

use std::io::IsTerminal;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use zoepnet_learner::Interrupter;
use zoepnet_learner::experiment::{Observer, RunStart};
use zoepnet_learner::plan::EngineKind;
use zoepnet_learner::run::files;
use zoepnet_learner::train::EpochMetrics;

/// Set by the first Ctrl-C or SIGTERM (a second one quits at once).
static PRESSED: AtomicBool = AtomicBool::new(false);

/// The process's [`Interrupter`]: Ctrl-C (or SIGTERM) stops it; the library's work polls it.
fn process_interrupter() -> &'static Interrupter {
    static INTERRUPTER: std::sync::OnceLock<Interrupter> = std::sync::OnceLock::new();
    INTERRUPTER.get_or_init(Interrupter::new)
}

/// A handle on the process's interrupter, for a library call to poll.
pub fn interrupter() -> Interrupter {
    process_interrupter().clone()
}

/// Set while a training's epochs are over and its run folder is being finished (scoring,
/// plots): Ctrl-C then says so instead of "stopping after this epoch".
static FINISHING: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C (or SIGTERM) was pressed in this process.
pub fn interrupted() -> bool {
    process_interrupter().should_stop()
}

/// What a second Ctrl-C says about continuing: the run folder being trained, or a
/// population's folders.
static QUIT_HINT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// What the first Ctrl-C says is happening, where not a training's epochs (set by
/// [`stop_on_interrupt`]).
static STOPPING: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// For a command that is not one training (a seed study): the first Ctrl-C (or SIGTERM) sets
/// [`interrupted`] and prints "interrupted: `what`"; a second ends the process at once with
/// "quit: `hint`".
pub fn stop_on_interrupt(what: &str, hint: &str) {
    if let Ok(mut w) = STOPPING.lock() {
        *w = Some(what.to_owned());
    }
    if let Ok(mut h) = QUIT_HINT.lock() {
        *h = Some(hint.to_owned());
    }
    catch_interrupts();
}

/// Ctrl-C (or SIGTERM) stops after the current epoch with its checkpoint written; a second one
/// ends the process at once. Installed once per process; if it cannot be, Ctrl-C still ends the
/// run, losing at most a second of epochs.
fn catch_interrupts() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            process_interrupter().stop();
            if PRESSED.swap(true, Ordering::SeqCst) {
                if let Some(hint) = QUIT_HINT.lock().ok().and_then(|d| d.clone()) {
                    errln!("\nquit: {hint}");
                }
                std::process::exit(130);
            }
            let what = STOPPING.lock().ok().and_then(|w| w.clone());
            if let Some(what) = what {
                errln!("\ninterrupted: {what} (Ctrl-C again to quit now)");
            } else if FINISHING.load(Ordering::SeqCst) {
                errln!(
                    "\ninterrupted: training is over; writing the scores and plots first \
                     (Ctrl-C again to quit now)"
                );
            } else {
                errln!("\ninterrupted: stopping after this epoch (Ctrl-C again to quit now)");
            }
        });
    });
}

/// How much a training prints while it runs.
#[derive(Debug, Clone)]
pub enum Report {
    /// A header, then a progress bar (terminal) or sparse progress lines.
    Full,
    /// The header only, and on a terminal the epochs in the message of the sweep's bar of runs.
    Within(ProgressBar),
}

/// The warnings this process has shown: the runs of a sweep read the same files, and each
/// warning is said once.
static WARNED: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Whether `what` is a warning not yet shown by this process (and now taken as shown).
fn first_time(what: &str) -> bool {
    WARNED
        .lock()
        .map_or(true, |mut warned| warned.insert(what.to_owned()))
}

/// Prints `warning: {what}` on stderr, once per process: what reading the data got past.
pub fn warn(what: &str) {
    if first_time(what) {
        errln!("warning: {what}");
    }
}

/// Prints `line` on stderr above `bar` when the bar is drawn, plainly when it is hidden (stderr
/// is not a terminal: indicatif then draws nothing, `println` included).
pub fn line(bar: &ProgressBar, line: &str) {
    if bar.is_hidden() {
        errln!("{line}");
    } else {
        bar.println(line);
    }
}

/// A bar counting `total` items named `item` ("run", "seed") on a terminal, the current one in
/// its message; hidden when stderr is piped (print plain lines with [`line()`] instead).
pub fn count_bar(total: usize, item: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    let template =
        format!("[{{bar:24}}] {item} {{pos}}/{{len}}  {{msg}}  ({{elapsed}}, {{eta}} left)");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("#>."));
    }
    bar.enable_steady_tick(TICK);
    bar
}

/// A spinner for a long step on a terminal (hidden otherwise), with the time it has taken.
fn spinner(what: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(what.to_owned());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(TICK);
    bar
}

/// A spinner that goes away without a trace when dropped, however the step ends (an error
/// included): hold it while a command's long step runs.
#[derive(Debug)]
pub struct Step(ProgressBar);

impl Step {
    /// Starts the spinner for `what`.
    pub fn start(what: &str) -> Self {
        Self(spinner(what))
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A test aid, in debug builds only (the end-to-end tests'; a release binary reads no such
/// variable): the count after which `var` asks to stop as a Ctrl-C would, where the tests
/// need a stop at an exact epoch or seed.
pub fn test_stop_after(var: &str) -> Option<usize> {
    if cfg!(debug_assertions) {
        std::env::var(var).ok().and_then(|v| v.parse().ok())
    } else {
        None
    }
}

/// How often a bar is redrawn while nothing else moves it (its clock and spinner).
const TICK: Duration = Duration::from_millis(200);

/// Progress on stderr, and stop requests from Ctrl-C (or, in debug builds, the test aid
/// `ZOEPNET_STOP_AFTER_EPOCH`: [`test_stop_after`]).
///
/// On a terminal: a spinner for each long step, and a bar over the epochs with the last epoch's
/// figures and the time left, redrawn in place (indicatif). Piped or redirected: plain lines, the
/// first and last epoch and one in twenty.
#[derive(Debug)]
pub struct Progress {
    report: Report,
    tty: bool,
    /// Stop after this epoch as an interruption would (its checkpoint written).
    stop_after: Option<usize>,
    /// The bar or spinner being drawn, if any.
    bar: Option<ProgressBar>,
    /// The run's epochs, once its first epoch is reported.
    epochs: Option<usize>,
}

impl Progress {
    pub fn new(report: Report) -> Self {
        Self {
            report,
            tty: std::io::stderr().is_terminal(),
            stop_after: test_stop_after("ZOEPNET_STOP_AFTER_EPOCH"),
            bar: None,
            epochs: None,
        }
    }

    /// Ends the spinner of a step, leaving no trace of it.
    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// A header line: above the sweep's bar within a sweep, plainly otherwise.
    fn header(&self, text: &str) {
        match &self.report {
            Report::Within(bar) => line(bar, text),
            Report::Full => errln!("{text}"),
        }
    }

    /// The bar over `epochs`, at `done`, on a terminal.
    fn epoch_bar(epochs: usize, done: usize) -> ProgressBar {
        let bar = ProgressBar::new(epochs as u64).with_position(done as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "[{bar:24}] epoch {pos}/{len}  {msg}  ({elapsed}, {eta} left)",
        ) {
            bar.set_style(style.progress_chars("#>."));
        }
        bar.enable_steady_tick(TICK);
        bar
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

impl Observer for Progress {
    fn warning(&mut self, what: &str) {
        match &self.report {
            Report::Within(bar) if first_time(what) => line(bar, &format!("warning: {what}")),
            Report::Within(_) => {}
            Report::Full => {
                self.clear();
                warn(what);
            }
        }
    }

    fn stage(&mut self, what: &str) {
        self.clear();
        match &self.report {
            Report::Full if self.tty => self.bar = Some(spinner(what)),
            Report::Within(bar) => bar.set_message(what.to_owned()),
            Report::Full => {}
        }
    }

    fn started(&mut self, run: &RunStart<'_>) {
        self.clear();
        FINISHING.store(false, Ordering::SeqCst);
        if let Ok(mut hint) = QUIT_HINT.lock() {
            *hint = Some(match run.engine {
                EngineKind::Population | EngineKind::PopulationKernel => format!(
                    "each run folder in {} without a {} keeps its last checkpoint (at most a \
                     second old); continue any with 'zoepnet train --resume RUN_DIR'",
                    run.out.parent().unwrap_or(run.out).display(),
                    files::SUMMARY
                ),
                _ => format!(
                    "the last checkpoint (at most a second old) is kept; continue with \
                     'zoepnet train --resume {}'",
                    run.out.display()
                ),
            });
        }
        if let Some(epoch) = run.resumed_after {
            self.header(&if run.finished {
                format!(
                    "{} is finished (after epoch {epoch}): no epoch to train; scoring it and \
                     drawing its plots again",
                    run.out.display()
                )
            } else {
                format!("resuming {} after epoch {epoch}", run.out.display())
            });
            if run.replays {
                self.header(&format!(
                    "replaying its {epoch} completed epochs first (this method's optimizer state, \
                     or its members' own weights, are not in the checkpoint); the run then goes on from there"
                ));
            }
        }
        let engine = match run.engine {
            EngineKind::Fused => {
                format!("fused engine ({})", zoepnet_learner::fused::Simd::detect())
            }
            other => format!("{} engine", other.name()),
        };
        let members = match run.members {
            1 => String::new(),
            n => {
                format!(", {n} networks side by side (model.members), each in a thread of its own")
            }
        };
        self.header(&format!(
            "training: {} training / {} validation interfaces, {} epoch{}, {} ({}) in {}, {engine}{members}",
            run.train,
            run.validation,
            run.epochs,
            if run.epochs == 1 { "" } else { "s" },
            run.device.backend,
            run.device.name,
            run.precision,
        ));
        if self.tty && matches!(self.report, Report::Full) {
            self.bar = Some(Self::epoch_bar(run.epochs, run.resumed_after.unwrap_or(0)));
        }
        catch_interrupts();
    }

    fn epoch(&mut self, row: &EpochMetrics, epochs: usize) {
        self.epochs = Some(epochs);
        let figures = format!(
            "train MSE {:.4e}  val MSE {:.4e}",
            row.train_mse, row.val_mse
        );
        match (&self.report, &self.bar) {
            (Report::Within(bar), _) => {
                bar.set_message(format!("epoch {}/{epochs}  {figures}", row.epoch));
            }
            (Report::Full, Some(bar)) => {
                bar.set_position(row.epoch as u64);
                bar.set_message(figures);
            }
            (Report::Full, None) => {
                let every = (epochs / 20).max(1);
                if row.epoch.is_multiple_of(every) || row.epoch == epochs || row.epoch == 1 {
                    errln!(
                        "epoch {:>width$}/{epochs}  {figures}  {:.1} s",
                        row.epoch,
                        row.seconds,
                        width = epochs.to_string().len()
                    );
                }
            }
        }
    }

    fn stop_requested(&mut self, epoch: usize) -> bool {
        if self.stop_after == Some(epoch) {
            // The test aid stands for a Ctrl-C in this epoch: what follows sees one too (a
            // sweep starts no further variant).
            process_interrupter().stop();
        }
        let stop = interrupted();
        if !stop && self.epochs.is_some_and(|n| epoch + 1 >= n) {
            // The epoch now starting is the last: a stop asked for in it comes too late, and
            // Ctrl-C says that the run is finishing rather than "stopping after this epoch".
            FINISHING.store(true, Ordering::SeqCst);
        }
        stop
    }

    fn finished(&mut self) {
        FINISHING.store(true, Ordering::SeqCst);
        // The epoch bar stays on the screen, at its last epoch.
        if let Some(bar) = self.bar.take() {
            bar.abandon();
        }
    }
}
