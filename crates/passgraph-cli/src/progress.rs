//! A spinner on standard error while a long run works: shown only when standard error is a
//! terminal and the run has taken more than a second, and cleared before anything is written.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// After how long a run shows the spinner.
const DELAY: Duration = Duration::from_secs(1);

/// The spinner of one run; dropping it (or [`Progress::finish`]) clears it.
pub(crate) struct Progress {
    stage: Arc<Mutex<&'static str>>,
    done: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts watching the run; nothing shows unless standard error is a terminal.
    pub(crate) fn start(enabled: bool) -> Progress {
        let stage = Arc::new(Mutex::new("reading inputs"));
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress {
                stage,
                done: None,
                thread: None,
            };
        }
        let (tx, rx) = mpsc::channel::<()>();
        let shared = Arc::clone(&stage);
        let thread = std::thread::spawn(move || {
            if rx.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} passgraph: {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            loop {
                let msg = *shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                bar.set_message(msg);
                bar.tick();
                match rx.recv_timeout(Duration::from_millis(120)) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => break,
                }
            }
            bar.finish_and_clear();
        });
        Progress {
            stage,
            done: Some(tx),
            thread: Some(thread),
        }
    }

    /// Names what the run is doing now.
    pub(crate) fn stage(&self, what: &'static str) {
        *self
            .stage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = what;
    }

    /// Clears the spinner; call before writing to the terminal.
    pub(crate) fn finish(&mut self) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
