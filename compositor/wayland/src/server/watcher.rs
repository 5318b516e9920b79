//! A thread that turns "a Wayland fd is readable" into a Weft port packet.
//!
//! The bridge's main loop waits on a Weft wait set (its compositor
//! connections and its namespace), which cannot watch host file
//! descriptors. This thread polls the listening socket and the display's
//! epoll descriptor instead; when either is readable it queues one user
//! packet on the main loop's port and waits until the main loop has
//! dispatched ([`Watcher::rearm`]) before polling again, so it never spins
//! on a descriptor the main loop has not drained yet. Dropping the
//! [`Watcher`] stops the thread, whether it is polling or waiting.

use std::os::fd::{AsFd, OwnedFd};
use std::sync::mpsc::{Receiver, Sender, channel};

use rustix::event::{EventfdFlags, PollFd, PollFlags, eventfd, poll};
use weft_rt::Port;

/// The user-packet key the watcher queues.
pub const WAYLAND_READY: u64 = weft_rt::port::USER_KEYS;

/// Owner's end of the watcher thread.
pub struct Watcher {
    rearm: Option<Sender<()>>,
    stop: OwnedFd,
}

impl Watcher {
    /// Watch `descriptors` (duplicates the caller owns no more) and queue
    /// [`WAYLAND_READY`] on `port` when one is readable.
    pub fn start(descriptors: Vec<OwnedFd>, port: Port) -> Result<Watcher, super::BridgeError> {
        let stop = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)
            .map_err(|error| super::BridgeError::Wayland(error.into()))?;
        let stop_thread = stop.try_clone()?;
        let (rearm, rearmed) = channel();
        weft_rt::thread::spawn("wayland-watcher", move || {
            watch(&descriptors, &stop_thread, &port, &rearmed)
        })?;
        Ok(Watcher { rearm: Some(rearm), stop })
    }

    /// The main loop has dispatched everything: poll again.
    pub fn rearm(&self) {
        if let Some(rearm) = &self.rearm {
            let _ = rearm.send(());
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.rearm = None;
        let _ = rustix::io::write(&self.stop, &1u64.to_ne_bytes());
    }
}

fn watch(descriptors: &[OwnedFd], stop: &OwnedFd, port: &Port, rearmed: &Receiver<()>) {
    loop {
        let mut polled: Vec<PollFd<'_>> =
            descriptors.iter().map(|fd| PollFd::new(fd, PollFlags::IN)).collect();
        polled.push(PollFd::from_borrowed_fd(stop.as_fd(), PollFlags::IN));
        match poll(&mut polled, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => {
                weft_rt::error!("wayland watcher: poll failed: {error}");
                return;
            }
        }
        if polled.last().is_some_and(|stop| !stop.revents().is_empty()) {
            return;
        }
        if port.queue(WAYLAND_READY, [0; 4]).is_err() || rearmed.recv().is_err() {
            return;
        }
    }
}
