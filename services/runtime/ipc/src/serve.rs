//! A service of one protocol: the loop every such service runs, once.
//!
//! [`Service`] joins a [`ServiceLoop`] and the [`Clients`] of one protocol:
//! it takes routed connections itself and reports only what the service
//! must act on — a client with requests to [`Service::serve`], another
//! handle it watches, the parent asking it to stop. [`serve`] is the whole
//! program for a service that only answers requests.

use alloc::vec::Vec;
use weft_abi::{Error, Signals};
use weft_rt::{AsHandle, Channel, Deadline, Handle, Key};

use crate::server::{Connection, Incoming};
use crate::service::{Clients, LoopEvent, ServiceLoop};
use crate::{ClientInfo, IpcError, Protocol, Startup};

/// What [`Service::next`] reports.
#[derive(Debug)]
pub enum ServiceEvent {
    /// Client `key` sent requests or went away: pass both to
    /// [`Service::serve`].
    Requests {
        /// The client's key.
        key: Key,
        /// Signals observed on its channel.
        observed: Signals,
    },
    /// The parent asks the service to stop (or is gone).
    Stop,
    /// Another handle the service watches raised signals.
    Signals {
        /// The key [`Service::watch`] returned.
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

/// Answers one request: the response (sent if the client waits for one)
/// and handles to attach, or `None` to send nothing.
pub trait Handler<P: Protocol>:
    FnMut(&Connection<P>, Incoming<P>) -> Option<(P::Response, Vec<Handle>)>
{
}

impl<P: Protocol, F> Handler<P> for F where
    F: FnMut(&Connection<P>, Incoming<P>) -> Option<(P::Response, Vec<Handle>)>
{
}

/// A service of protocol `P`: its event loop and its clients.
pub struct Service<P: Protocol> {
    events: ServiceLoop,
    /// Every connected client.
    pub clients: Clients<P>,
}

impl<P: Protocol> Service<P> {
    /// A service over `startup`'s namespace, with no clients yet.
    pub fn new(startup: &Startup) -> Result<Service<P>, Error> {
        Ok(Service { events: ServiceLoop::new(startup)?, clients: Clients::new() })
    }

    /// Tell the parent this service is serving.
    pub fn ready(&self) -> Result<(), IpcError> {
        self.events.ready()
    }

    /// Watch `object` for `signals`; its events come back as
    /// [`ServiceEvent::Signals`] with the returned key.
    pub fn watch(&mut self, object: &impl AsHandle, signals: Signals) -> Result<Key, Error> {
        self.events.watch(object, signals)
    }

    /// Serve `channel` as one more client: the server end of a channel the
    /// service made itself, to hand out a narrower capability to what it
    /// serves. Returns its key.
    pub fn adopt(&mut self, channel: Channel, client: ClientInfo) -> Result<Key, Error> {
        self.clients.add(&mut self.events.waitset, channel, client)
    }

    /// The next thing to act on. Connections are taken here (a client
    /// that cannot be taken is logged and dropped).
    pub fn next(&mut self, deadline: Deadline) -> Result<ServiceEvent, Error> {
        loop {
            match self.events.next(deadline)? {
                LoopEvent::Connection { channel, client, .. } => {
                    if let Err(error) = self.clients.add(&mut self.events.waitset, channel, client) {
                        weft_rt::warn!("{}: cannot take a connection: {error}", P::NAME);
                    }
                }
                LoopEvent::Signals { key, observed } if self.clients.owns(key) => {
                    return Ok(ServiceEvent::Requests { key, observed });
                }
                LoopEvent::Signals { key, observed } => return Ok(ServiceEvent::Signals { key, observed }),
                LoopEvent::Stop => return Ok(ServiceEvent::Stop),
                LoopEvent::User { key, payload } => return Ok(ServiceEvent::User { key, payload }),
                LoopEvent::TimedOut => return Ok(ServiceEvent::TimedOut),
            }
        }
    }

    /// Answer everything client `key` sent with `handler`. A client that
    /// closed or sent something malformed is dropped; returns false then.
    pub fn serve(&mut self, key: Key, observed: Signals, handler: impl Handler<P>) -> bool {
        self.clients.serve(&mut self.events.waitset, key, observed, handler)
    }

    /// Send `event` to every client `wanted` picks; drop the ones gone.
    pub fn broadcast(&mut self, event: &P::Event, wanted: impl FnMut(&Key) -> bool) {
        self.clients.broadcast(&mut self.events.waitset, event, wanted)
    }
}

/// Run a service that only answers requests of `P`: say it is ready,
/// then answer every client with `handler` until the parent says stop.
pub fn serve<P: Protocol>(startup: &Startup, mut handler: impl Handler<P>) -> Result<(), IpcError> {
    let mut service = Service::<P>::new(startup)?;
    service.ready()?;
    loop {
        match service.next(Deadline::INFINITE)? {
            ServiceEvent::Requests { key, observed } => {
                service.serve(key, observed, &mut handler);
            }
            ServiceEvent::Stop => return Ok(()),
            _ => {}
        }
    }
}
