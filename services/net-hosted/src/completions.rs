//! Results of blocking host I/O, from host threads to the service loop.
//!
//! Host threads are not Weft threads and make no system calls. Each one
//! pushes what it finished into the [`Completions`] queue and nudges a
//! small Weft thread ([`Completions::bridge`]), which turns "something
//! finished" into a [`WAKE_KEY`] user packet on the service's port, so the
//! loop sleeps until there is work. At most one wake-up is pending at a
//! time. The queue needs no bound of its own: each completion answers one
//! request the loop accepted, and the loop accepts at most one request of
//! each kind per socket and a bounded number of sockets.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4, TcpStream};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use weft_net_api::NetError;
use weft_rt::{Key, Port};

/// The user packet key that means "completions are waiting".
pub const WAKE_KEY: u64 = weft_rt::port::USER_KEYS + 1;

/// One finished operation, naming the `weft.net` client or the socket (by
/// their wait-set keys) and the call it answers.
#[derive(Debug)]
pub enum Done {
    /// A connect finished.
    Connected { client: Key, txid: u32, result: Result<TcpStream, NetError> },
    /// A name lookup finished.
    Resolved { client: Key, txid: u32, result: Result<Vec<Ipv4Addr>, NetError> },
    /// A ping finished: round trip in microseconds and payload bytes.
    Ponged { client: Key, txid: u32, result: Result<(u64, u16), NetError> },
    /// A TCP read finished (empty: the end of the stream).
    Read { socket: Key, txid: u32, result: Result<Vec<u8>, NetError> },
    /// A TCP write finished: bytes taken.
    Written { socket: Key, txid: u32, result: Result<u32, NetError> },
    /// A TCP shutdown finished.
    ShutDown { socket: Key, txid: u32, result: Result<(), NetError> },
    /// A listener accepted a connection.
    Accepted { socket: Key, txid: u32, result: Result<TcpStream, NetError> },
    /// A UDP socket received a datagram.
    Received { socket: Key, txid: u32, result: Result<(SocketAddrV4, Vec<u8>), NetError> },
}

/// Finished operations waiting for the service loop.
pub struct Completions {
    queue: Mutex<VecDeque<Done>>,
    wake: Mutex<Option<SyncSender<()>>>,
}

impl Completions {
    /// A queue and the receiving end of its wake-ups (for [`Completions::bridge`]).
    pub fn new() -> (Arc<Completions>, Receiver<()>) {
        let (wake, woken) = sync_channel(1);
        let completions = Completions { queue: Mutex::new(VecDeque::new()), wake: Mutex::new(Some(wake)) };
        (Arc::new(completions), woken)
    }

    /// Forward wake-ups to `port` as [`WAKE_KEY`] packets, on a Weft thread,
    /// until the queue is closed.
    pub fn bridge(woken: Receiver<()>, port: Port) -> Result<weft_rt::Thread, weft_rt::Error> {
        weft_rt::thread::spawn("net-wake", move || {
            while woken.recv().is_ok() {
                if port.queue(WAKE_KEY, [0; 4]).is_err() {
                    return;
                }
            }
        })
    }

    /// Queue a finished operation and wake the loop (from any host thread).
    pub fn push(&self, done: Done) {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).push_back(done);
        if let Some(wake) = self.wake.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            // Full means a wake-up is already pending: it will see this one.
            match wake.try_send(()) {
                Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
            }
        }
    }

    /// Take everything queued.
    pub fn drain(&self) -> Vec<Done> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect()
    }

    /// Stop waking the loop; the bridge thread ends.
    pub fn close(&self) {
        self.wake.lock().unwrap_or_else(PoisonError::into_inner).take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_wake_once_until_taken() {
        let (completions, woken) = Completions::new();
        for txid in 0..3 {
            completions.push(Done::Written { socket: 1, txid, result: Ok(1) });
        }
        assert!(woken.try_recv().is_ok());
        assert!(woken.try_recv().is_err(), "one wake-up for many completions");
        assert_eq!(completions.drain().len(), 3);
        completions.close();
        completions.push(Done::Written { socket: 1, txid: 9, result: Ok(1) });
        assert!(woken.recv().is_err(), "closed: the bridge ends");
    }
}
