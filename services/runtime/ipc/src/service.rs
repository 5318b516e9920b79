//! The loop every service runs: accept routed connections, serve requests
//! from many clients, react to other handles and timers.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Signals};
use weft_rt::{AsHandle, Channel, Deadline, Key, Ready, WaitSet};

use crate::namespace::{Namespace, ParentEvent};
use crate::server::{Connection, Incoming};
use crate::{ClientInfo, IpcError, Protocol, Startup};

/// What [`ServiceLoop::next`] reports.
#[derive(Debug)]
pub enum LoopEvent {
    /// A client connected to one of the protocols this service exposes.
    Connection {
        /// Protocol name.
        protocol: String,
        /// Who, according to the root manager.
        client: ClientInfo,
        /// The server end.
        channel: Channel,
    },
    /// The parent asks the service to stop (or is gone).
    Stop,
    /// A handle the service watches raised signals.
    Signals {
        /// The wait-set key it was added with.
        key: Key,
        /// Signals observed.
        observed: Signals,
    },
    /// A user packet on the loop's port.
    User {
        /// Packet key.
        key: Key,
        /// Payload.
        payload: [u64; 4],
    },
    /// The deadline passed.
    TimedOut,
}

/// A service's event loop over its namespace and any handles it adds.
pub struct ServiceLoop {
    /// The wait set; add your own handles to it.
    pub waitset: WaitSet,
    namespace: Namespace,
    namespace_key: Key,
}

impl ServiceLoop {
    /// A loop over `startup`'s namespace.
    pub fn new(startup: &Startup) -> Result<ServiceLoop, Error> {
        let namespace = startup.namespace().clone();
        let mut waitset = WaitSet::new()?;
        let namespace_key = waitset.add(namespace.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;
        Ok(ServiceLoop { waitset, namespace, namespace_key })
    }

    /// Tell the parent this service is serving.
    pub fn ready(&self) -> Result<(), IpcError> {
        self.namespace.ready()
    }

    /// Watch `object` for `signals`.
    pub fn watch(&mut self, object: &impl AsHandle, signals: Signals) -> Result<Key, Error> {
        self.waitset.add(object, signals)
    }

    /// The next thing to handle.
    pub fn next(&mut self, deadline: Deadline) -> Result<LoopEvent, Error> {
        loop {
            let ready = match self.waitset.wait(deadline) {
                Ok(ready) => ready,
                Err(Error::TimedOut) => return Ok(LoopEvent::TimedOut),
                Err(error) => return Err(error),
            };
            match ready {
                Ready::Signals { key, observed } if key == self.namespace_key => {
                    match self.namespace.try_event() {
                        Ok(Some(ParentEvent::Connection { protocol, client, channel })) => {
                            return Ok(LoopEvent::Connection { protocol, client, channel });
                        }
                        Ok(Some(ParentEvent::Stop)) => return Ok(LoopEvent::Stop),
                        Ok(None) if observed.contains(Signals::PEER_CLOSED) => {
                            // No parent any more: nothing will connect.
                            self.waitset.remove(key);
                            return Ok(LoopEvent::Stop);
                        }
                        Ok(None) => {}
                        Err(error) => weft_rt::warn!("bad message from parent: {error}"),
                    }
                }
                Ready::Signals { key, observed } => return Ok(LoopEvent::Signals { key, observed }),
                Ready::User { key, payload } => return Ok(LoopEvent::User { key, payload }),
            }
        }
    }
}

/// Every client connected to one protocol, keyed by wait-set key.
pub struct Clients<P: Protocol> {
    connections: BTreeMap<Key, Connection<P>>,
}

impl<P: Protocol> Default for Clients<P> {
    fn default() -> Self {
        Clients { connections: BTreeMap::new() }
    }
}

impl<P: Protocol> Clients<P> {
    /// No clients.
    pub fn new() -> Clients<P> {
        Clients::default()
    }

    /// Serve a new client; returns its key.
    pub fn add(&mut self, waitset: &mut WaitSet, channel: Channel, client: ClientInfo) -> Result<Key, Error> {
        let key = waitset.add(&channel, Signals::READABLE | Signals::PEER_CLOSED)?;
        self.connections.insert(key, Connection::new(channel, client));
        Ok(key)
    }

    /// Whether `key` is one of these clients.
    pub fn owns(&self, key: Key) -> bool {
        self.connections.contains_key(&key)
    }

    /// The connection with `key`.
    pub fn get(&self, key: Key) -> Option<&Connection<P>> {
        self.connections.get(&key)
    }

    /// Every connection.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Connection<P>)> {
        self.connections.iter()
    }

    /// Number of clients.
    pub fn len(&self) -> usize {
        self.connections.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.connections.is_empty()
    }

    /// Drop a client.
    pub fn remove(&mut self, waitset: &mut WaitSet, key: Key) -> Option<Connection<P>> {
        waitset.remove(key);
        self.connections.remove(&key)
    }

    /// Handle everything client `key` sent. `handler` returns the response
    /// (sent if the client waits for one) and any handles to attach. A
    /// client that closed, or sent something malformed, is dropped; returns
    /// false then.
    pub fn serve(
        &mut self,
        waitset: &mut WaitSet,
        key: Key,
        observed: Signals,
        mut handler: impl FnMut(&Connection<P>, Incoming<P>) -> Option<(P::Response, Vec<weft_rt::Handle>)>,
    ) -> bool {
        loop {
            let Some(connection) = self.connections.get(&key) else { return false };
            match connection.try_next() {
                Ok(Some(incoming)) => {
                    let txid = incoming.txid;
                    if let Some((response, handles)) = handler(connection, incoming)
                        && txid != 0
                    {
                        let _ = connection.reply_with(txid, &response, handles);
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    if !error.is_peer_closed() {
                        weft_rt::warn!("{}: dropping client {}: {error}", P::NAME, connection.client.name);
                    }
                    self.remove(waitset, key);
                    return false;
                }
            }
        }
        if observed.contains(Signals::PEER_CLOSED) {
            self.remove(waitset, key);
            return false;
        }
        true
    }

    /// Send an event to every client; drop the ones that are gone. Slow
    /// clients (full queue) miss the event.
    pub fn broadcast(
        &mut self,
        waitset: &mut WaitSet,
        event: &P::Event,
        mut wanted: impl FnMut(&Key) -> bool,
    ) {
        let mut gone = Vec::new();
        for (key, connection) in &self.connections {
            if !wanted(key) {
                continue;
            }
            if let Err(error) = connection.emit(event)
                && error.is_peer_closed()
            {
                gone.push(*key);
            }
        }
        for key in gone {
            self.remove(waitset, key);
        }
    }
}
