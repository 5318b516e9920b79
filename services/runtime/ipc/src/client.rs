//! The client side of a protocol.

use alloc::vec::Vec;
use core::marker::PhantomData;
use weft_abi::Error;
use weft_rt::{Channel, Deadline, Handle, Message};

use crate::wire::{self, Fault, Kind};
use crate::{IpcError, Protocol};

/// An event with the handles that came with it.
pub type EventWithHandles<E> = (E, Vec<Handle>);

/// A typed connection to a server speaking `P`.
pub struct Client<P: Protocol> {
    channel: Channel,
    protocol: PhantomData<fn() -> P>,
}

impl<P: Protocol> core::fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client").field("protocol", &P::NAME).field("channel", &self.channel).finish()
    }
}

impl<P: Protocol> Client<P> {
    /// Speak `P` over `channel`.
    pub fn new(channel: Channel) -> Client<P> {
        Client { channel, protocol: PhantomData }
    }

    /// The channel underneath (to watch it in a wait set).
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Whether the server end is gone (the provider exited or restarted;
    /// connect again through the namespace).
    pub fn is_closed(&self) -> bool {
        self.channel
            .handle()
            .wait(weft_abi::Signals::PEER_CLOSED, Deadline::POLL)
            .is_ok_and(|s| s.contains(weft_abi::Signals::PEER_CLOSED))
    }

    /// Give the channel back.
    pub fn into_channel(self) -> Channel {
        self.channel
    }

    /// Call and wait for the response.
    pub fn call(&self, request: &P::Request) -> Result<P::Response, IpcError> {
        self.call_with(request, Vec::new(), Deadline::INFINITE).map(|(response, _)| response)
    }

    /// Call, waiting at most until `deadline`.
    pub fn call_until(&self, request: &P::Request, deadline: Deadline) -> Result<P::Response, IpcError> {
        self.call_with(request, Vec::new(), deadline).map(|(response, _)| response)
    }

    /// Call with handles attached; returns the response and its handles.
    pub fn call_with(
        &self,
        request: &P::Request,
        handles: Vec<Handle>,
        deadline: Deadline,
    ) -> Result<(P::Response, Vec<Handle>), IpcError> {
        let bytes = wire::encode(P::VERSION, Kind::Request, request)?;
        let reply = self.channel.call(&bytes, handles, deadline)?;
        let (kind, body) = wire::header(P::VERSION, &reply.bytes)?;
        match kind {
            Kind::Response => Ok((wire::body(body)?, reply.handles)),
            Kind::Fault => Err(IpcError::Refused(wire::body::<Fault>(body)?)),
            Kind::Request | Kind::Event => Err(IpcError::Unexpected),
        }
    }

    /// Send a one-way request (no response).
    pub fn send(&self, request: &P::Request) -> Result<(), IpcError> {
        self.send_with(request, Vec::new())
    }

    /// Send a one-way request with handles.
    pub fn send_with(&self, request: &P::Request, handles: Vec<Handle>) -> Result<(), IpcError> {
        let bytes = wire::encode(P::VERSION, Kind::Request, request)?;
        self.channel.write(&bytes, handles).map_err(IpcError::from)
    }

    fn decode_event(message: Message) -> Result<EventWithHandles<P::Event>, IpcError> {
        let (kind, body) = wire::header(P::VERSION, &message.bytes)?;
        match kind {
            Kind::Event => Ok((wire::body(body)?, message.handles)),
            _ => Err(IpcError::Unexpected),
        }
    }

    /// The next event, if one is waiting.
    pub fn try_event(&self) -> Result<Option<EventWithHandles<P::Event>>, IpcError> {
        match self.channel.try_read() {
            Ok(message) => Self::decode_event(message).map(Some),
            Err(Error::ShouldWait) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// The next event, waiting until `deadline`.
    pub fn event(&self, deadline: Deadline) -> Result<EventWithHandles<P::Event>, IpcError> {
        Self::decode_event(self.channel.read(deadline)?)
    }
}
