//! Long work from Python: run on a worker thread while Python's thread, the GIL released
//! between looks, forwards the work's events to a Python callback and watches for Ctrl-C
//! (or a notebook's stop button, the same SIGINT). The first interrupt asks the work to stop
//! through its [`Interrupter`] (a training then stops after its epoch, its checkpoint written)
//! and becomes the `KeyboardInterrupt` raised once the work has returned.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use zoepnet_learner::Interrupter;
use zoepnet_learner::experiment::{Observer, RunStart};
use zoepnet_learner::train::EpochMetrics;

/// How often Python's thread looks at the work (signals, events).
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// Something the work reports, for the Python callback.
#[derive(Debug, Clone)]
pub enum Event {
    /// A long step besides the epochs begins.
    Stage(String),
    /// Something reading the data got past.
    Warning(String),
    /// A training is about to start.
    Started {
        out: String,
        epochs: usize,
        resumed_after: Option<usize>,
        train: usize,
        validation: usize,
        device: String,
        engine: &'static str,
    },
    /// An epoch ended.
    Epoch {
        epoch: usize,
        epochs: usize,
        train_mse: f64,
        val_mse: f64,
    },
    /// A training's epochs are over.
    Finished,
    /// One more of `total` things (runs of a sweep, seeds of a study) is done.
    Count {
        what: &'static str,
        done: usize,
        total: usize,
        message: String,
    },
}

impl Event {
    /// The event as a dict with a "kind" key.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        match self {
            Event::Stage(what) => (d.set_item("kind", "stage")?, d.set_item("what", what)?).1,
            Event::Warning(what) => (d.set_item("kind", "warning")?, d.set_item("what", what)?).1,
            Event::Started {
                out,
                epochs,
                resumed_after,
                train,
                validation,
                device,
                engine,
            } => {
                d.set_item("kind", "started")?;
                d.set_item("out", out)?;
                d.set_item("epochs", epochs)?;
                d.set_item("resumed_after", resumed_after)?;
                d.set_item("train", train)?;
                d.set_item("validation", validation)?;
                d.set_item("device", device)?;
                d.set_item("engine", engine)?;
            }
            Event::Epoch {
                epoch,
                epochs,
                train_mse,
                val_mse,
            } => {
                d.set_item("kind", "epoch")?;
                d.set_item("epoch", epoch)?;
                d.set_item("epochs", epochs)?;
                d.set_item("train_mse", train_mse)?;
                d.set_item("val_mse", val_mse)?;
            }
            Event::Finished => d.set_item("kind", "finished")?,
            Event::Count {
                what,
                done,
                total,
                message,
            } => {
                d.set_item("kind", "count")?;
                d.set_item("what", what)?;
                d.set_item("done", done)?;
                d.set_item("total", total)?;
                d.set_item("message", message)?;
            }
        }
        Ok(d)
    }
}

/// A training's [`Observer`] that sends its events to Python's thread.
#[derive(Debug, Clone)]
pub struct Forward(pub Sender<Event>);

impl Forward {
    /// Sends `event`; a closed channel (Python's thread gone) is not the work's concern.
    pub fn send(&self, event: Event) {
        let _ = self.0.send(event);
    }
}

impl Observer for Forward {
    fn stage(&mut self, what: &str) {
        self.send(Event::Stage(what.to_owned()));
    }

    fn warning(&mut self, what: &str) {
        self.send(Event::Warning(what.to_owned()));
    }

    fn started(&mut self, run: &RunStart<'_>) {
        self.send(Event::Started {
            out: run.out.display().to_string(),
            epochs: run.epochs,
            resumed_after: run.resumed_after,
            train: run.train,
            validation: run.validation,
            device: format!("{} ({})", run.device.backend, run.device.name),
            engine: run.engine.name(),
        });
    }

    fn epoch(&mut self, row: &EpochMetrics, epochs: usize) {
        self.send(Event::Epoch {
            epoch: row.epoch,
            epochs,
            train_mse: row.train_mse,
            val_mse: row.val_mse,
        });
    }

    fn finished(&mut self) {
        self.send(Event::Finished);
    }
}

/// Runs `work` on a worker thread, handing it an observer and the interrupter to stop it by;
/// meanwhile hands each event to `callback` (epochs in a burst as their last), and turns the
/// first Ctrl-C into a stop. Returns the work's value and the interrupt (or the callback's
/// exception), which the caller raises once it has said what the work left behind.
///
/// # Errors
/// A panic in the work, as RuntimeError.
pub fn supervise<T: Send>(
    py: Python<'_>,
    callback: &Bound<'_, PyAny>,
    work: impl FnOnce(Forward, &Interrupter) -> T + Send,
) -> PyResult<(T, Option<PyErr>)> {
    let interrupter = Interrupter::new();
    let (tx, rx) = mpsc::channel();
    // Shared with the GIL-free closure below, which must be Sync: a receiver is only Send.
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| {
        let stop = &interrupter;
        let worker = scope.spawn(move || work(Forward(tx), stop));
        let mut raised: Option<PyErr> = None;
        loop {
            let (events, done) = py.detach(|| next_events(&rx));
            if raised.is_none() {
                raised = deliver(py, callback, &events).err();
            }
            if raised.is_none() {
                raised = py.check_signals().err();
            }
            if raised.is_some() {
                interrupter.stop();
            }
            if done {
                break;
            }
        }
        let value = worker.join().map_err(|_| {
            PyRuntimeError::new_err("zoepnet's work panicked (a bug: please report it)")
        })?;
        Ok((value, raised))
    })
}

/// The events that arrive within [`LOOK_EVERY`] (all those waiting, at least one unless none
/// came), and whether the work is over (its sender dropped).
fn next_events(rx: &std::sync::Mutex<mpsc::Receiver<Event>>) -> (Vec<Event>, bool) {
    let Ok(rx) = rx.lock() else {
        return (Vec::new(), true);
    };
    let first = rx.recv_timeout(LOOK_EVERY);
    let done = matches!(first, Err(RecvTimeoutError::Disconnected));
    let mut events: Vec<Event> = first.into_iter().collect();
    events.extend(rx.try_iter());
    (events, done)
}

/// Hands `events` to `callback`, each epoch but the last of a run of them left out.
fn deliver(py: Python<'_>, callback: &Bound<'_, PyAny>, events: &[Event]) -> PyResult<()> {
    for (i, event) in events.iter().enumerate() {
        let superseded = matches!(event, Event::Epoch { .. })
            && matches!(events.get(i + 1), Some(Event::Epoch { .. }));
        if !superseded {
            callback.call1((event.to_dict(py)?,))?;
        }
    }
    Ok(())
}

/// The `KeyboardInterrupt` to raise for a stopped work, saying what it left: `interrupt` as
/// Python raised it where it was Ctrl-C, with zoepnet's `message`.
pub fn stopped(interrupt: PyErr, py: Python<'_>, message: String) -> PyErr {
    if interrupt.is_instance_of::<PyKeyboardInterrupt>(py) {
        PyKeyboardInterrupt::new_err(message)
    } else {
        interrupt
    }
}
