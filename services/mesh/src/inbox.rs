//! Viewer messages from the Zenoh link to the service's wait set.
//!
//! Every sample is decoded and checked on arrival
//! (`weft_wlstream::message::decode_on`: version, size, ranges, the right
//! key) and pushed into a bounded [`Inbox`]. On a host, Zenoh delivers
//! samples on its own threads, which are not Weft threads and cannot make
//! system calls: the inbox's waker then tells a small Weft thread, which
//! turns "something arrived" into a user packet on the service's port. On
//! the kernel the link runs in the service's own loop and needs no waker.
//!
//! Nothing here grows without bound: the queue holds at most
//! [`INBOX_CAPACITY`] messages (more are dropped and counted), and at most
//! one wake-up is pending at a time.

#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use weft_wlstream::keys::{self, AppId, Channel};
use weft_wlstream::message::{self, ViewerMessage};

/// Most viewer messages waiting for the service.
pub const INBOX_CAPACITY: usize = 4096;

/// The user packet key that means "the inbox has messages".
pub const WAKE_KEY: u64 = weft_rt::port::USER_KEYS + 1;

/// One checked viewer message.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    /// On a key under `weft/app/<app>/`.
    App {
        /// The app the key names.
        app: AppId,
        /// The message.
        message: ViewerMessage,
    },
    /// On `weft/ctl/stream/start` or `stop`.
    Control(ViewerMessage),
}

/// Called after a message is queued (from any thread).
pub type Waker = Box<dyn Fn() + Send + Sync>;

/// Messages waiting for the service, and counters.
pub struct Inbox {
    queue: spin::Mutex<VecDeque<Inbound>>,
    wake: spin::Mutex<Option<Waker>>,
    rejected: AtomicU64,
    dropped: AtomicU64,
}

impl Inbox {
    /// An inbox that calls `wake` after each message (none: the owner
    /// drains it in its own loop).
    pub fn new(wake: Option<Waker>) -> Arc<Inbox> {
        Arc::new(Inbox {
            queue: spin::Mutex::new(VecDeque::new()),
            wake: spin::Mutex::new(wake),
            rejected: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        })
    }

    /// Decode a sample that arrived on `key` and queue it.
    pub fn receive(&self, key: &str, bytes: &[u8]) {
        match decode(key, bytes) {
            Some(inbound) => self.push(inbound),
            None => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Queue a checked message and wake the service.
    pub fn push(&self, inbound: Inbound) {
        {
            let mut queue = self.queue.lock();
            if queue.len() >= INBOX_CAPACITY {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            queue.push_back(inbound);
        }
        if let Some(wake) = self.wake.lock().as_ref() {
            wake();
        }
    }

    /// Take everything queued.
    pub fn drain(&self) -> Vec<Inbound> {
        self.queue.lock().drain(..).collect()
    }

    /// Messages refused as malformed or misrouted.
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }

    /// Messages dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Stop waking the service (dropping the waker ends a bridge).
    pub fn close(&self) {
        self.wake.lock().take();
    }
}

/// Check a sample: the key must be a viewer key, and the message must
/// decode and belong on it.
pub fn decode(key: &str, bytes: &[u8]) -> Option<Inbound> {
    match key {
        keys::STREAM_START => message::decode_on(Channel::Start, bytes).ok().map(Inbound::Control),
        keys::STREAM_STOP => message::decode_on(Channel::Stop, bytes).ok().map(Inbound::Control),
        _ => {
            let (app, channel) = AppId::parse_channel_key(key)?;
            let message = message::decode_on(channel, bytes).ok()?;
            Some(Inbound::App { app, message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_wlstream::message::{Ack, StreamControl};

    #[test]
    fn samples_are_checked_against_their_key() {
        let ack = ViewerMessage::Ack(Ack { viewer: 1, session: 2, sequence: 3 });
        let bytes = message::encode(&ack);
        assert_eq!(
            decode("weft/app/term/viewer/ack", &bytes),
            Some(Inbound::App { app: AppId::new("term").unwrap(), message: ack })
        );
        assert_eq!(decode("weft/app/term/viewer/size", &bytes), None, "wrong key");
        assert_eq!(decode("weft/app/term/stream", &bytes), None, "not a viewer key");
        assert_eq!(decode("weft/app/term/viewer/ack", &[1, 2, 3]), None, "garbage");
        // Zenoh delivers puts on wildcard key expressions to every
        // matching subscriber: they name no one stream and are refused.
        for key in ["weft/app/*/viewer/ack", "weft/app/term/viewer/*", "weft/app/term/*/ack", "weft/app/**"] {
            assert_eq!(decode(key, &bytes), None, "{key}");
        }
        let start = ViewerMessage::Start(StreamControl { app: "term".into(), viewer: 9 });
        assert_eq!(decode(keys::STREAM_START, &message::encode(&start)), Some(Inbound::Control(start)));
    }

    #[test]
    fn the_queue_is_bounded() {
        let inbox = Inbox::new(None);
        let ack = Inbound::Control(ViewerMessage::Stop(StreamControl { app: "a".into(), viewer: 1 }));
        for _ in 0..INBOX_CAPACITY + 10 {
            inbox.push(ack.clone());
        }
        assert_eq!(inbox.dropped(), 10);
        assert_eq!(inbox.drain().len(), INBOX_CAPACITY);
        inbox.receive("weft/app/a/viewer/ack", b"");
        assert_eq!(inbox.rejected(), 1);
    }
}
