//! Progress for long steps: a heartbeat line with the step and the time so
//! far, so a person (or a CI log) can tell a slow step from a hung one.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the heartbeat speaks.
const EVERY: Duration = Duration::from_secs(60);

/// A running step; the heartbeat stops when this is dropped.
pub struct Progress {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
    started: Instant,
}

impl Progress {
    /// Start a heartbeat for `label` (e.g. `test [2/7] screenshots`).
    pub fn start(label: &str) -> Progress {
        let (stop, stopped) = mpsc::channel::<()>();
        let label = label.to_string();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            loop {
                match stopped.recv_timeout(EVERY) {
                    Err(RecvTimeoutError::Timeout) => {
                        eprintln!("xtask: … {label}: {} so far", clock(started.elapsed()));
                    }
                    _ => return,
                }
            }
        });
        Progress { stop: Some(stop), thread: Some(thread), started }
    }

    /// Time since the step started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `1h02m03s`, `4m05s` or `6.1s`.
pub fn clock(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    if seconds >= 3600 {
        format!("{}h{:02}m{:02}s", seconds / 3600, seconds / 60 % 60, seconds % 60)
    } else if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", elapsed.as_secs_f64())
    }
}
