//! What an app can ask of the loop that runs it.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;
use weft_abi::{Error, Signals};
use weft_rt::{AsHandle, Key, WaitSet};

/// The app's view of its event loop.
pub struct Context {
    pub(crate) waitset: WaitSet,
    pub(crate) watched: Vec<Key>,
    pub(crate) timers: Vec<(u64, Duration)>,
    pub(crate) quit: bool,
    pub(crate) title: Option<String>,
    now: Duration,
}

impl Context {
    pub(crate) fn new(waitset: WaitSet) -> Context {
        Context {
            waitset,
            watched: Vec::new(),
            timers: Vec::new(),
            quit: false,
            title: None,
            now: crate::now(),
        }
    }

    pub(crate) fn set_now(&mut self, now: Duration) {
        self.now = now;
    }

    /// The time the current event is handled at.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// End the app after this event.
    pub fn quit(&mut self) {
        self.quit = true;
    }

    /// Change the window title.
    pub fn set_title(&mut self, title: &str) {
        self.title = Some(String::from(title));
    }

    /// Call the app's `timer(id)` once, `after` from now (replacing an
    /// earlier timer with the same id).
    pub fn schedule(&mut self, id: u64, after: Duration) {
        self.timers.retain(|(t, _)| *t != id);
        self.timers.push((id, self.now + after));
    }

    /// Stop a timer.
    pub fn cancel(&mut self, id: u64) {
        self.timers.retain(|(t, _)| *t != id);
    }

    /// Call the app's `wake(key, signals)` whenever `object` raises one of
    /// `signals`. The app keeps the handle alive while watching it.
    pub fn watch(&mut self, object: &impl AsHandle, signals: Signals) -> Result<Key, Error> {
        let key = self.waitset.add(object, signals)?;
        self.watched.push(key);
        Ok(key)
    }

    /// Stop watching.
    pub fn unwatch(&mut self, key: Key) {
        self.watched.retain(|k| *k != key);
        self.waitset.remove(key);
    }

    pub(crate) fn next_timer(&self) -> Option<Duration> {
        self.timers.iter().map(|(_, at)| *at).min()
    }

    pub(crate) fn take_due(&mut self) -> Vec<u64> {
        let now = self.now;
        let due: Vec<u64> = self.timers.iter().filter(|(_, at)| *at <= now).map(|(id, _)| *id).collect();
        self.timers.retain(|(_, at)| *at > now);
        due
    }
}
