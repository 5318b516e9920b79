//! The server side of one client connection.

use alloc::vec::Vec;
use core::marker::PhantomData;
use weft_abi::Error;
use weft_rt::{Channel, Handle, Sender};

use crate::namespace::ClientInfo;
use crate::wire::{self, Fault, Kind};
use crate::{IpcError, Protocol};

/// A request as the server receives it.
#[derive(Debug)]
pub struct Incoming<P: Protocol> {
    /// The decoded request.
    pub request: P::Request,
    /// Handles that came with it.
    pub handles: Vec<Handle>,
    /// Who sent it (stamped by the kernel).
    pub sender: Sender,
    /// Transaction id: non-zero if the client waits for a response.
    pub txid: u32,
}

/// One client's connection to a server speaking `P`.
pub struct Connection<P: Protocol> {
    channel: Channel,
    /// Who the root manager says is on the other end, and what the route
    /// grants.
    pub client: ClientInfo,
    protocol: PhantomData<fn() -> P>,
}

impl<P: Protocol> core::fmt::Debug for Connection<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connection").field("protocol", &P::NAME).field("client", &self.client).finish()
    }
}

impl<P: Protocol> Connection<P> {
    /// Serve `P` to `client` over `channel`.
    pub fn new(channel: Channel, client: ClientInfo) -> Connection<P> {
        Connection { channel, client, protocol: PhantomData }
    }

    /// The channel underneath (to watch it in a wait set).
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// The next request, if one is waiting. A request that does not decode
    /// is answered with a [`Fault`] (if the client waits) and reported as
    /// an error, so the caller can drop a misbehaving client.
    pub fn try_next(&self) -> Result<Option<Incoming<P>>, IpcError> {
        let message = match self.channel.try_read() {
            Ok(message) => message,
            Err(Error::ShouldWait) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let decoded = wire::header(P::VERSION, &message.bytes).and_then(|(kind, body)| match kind {
            Kind::Request => wire::body::<P::Request>(body),
            _ => Err(IpcError::Unexpected),
        });
        match decoded {
            Ok(request) => Ok(Some(Incoming {
                request,
                handles: message.handles,
                sender: message.sender,
                txid: message.txid,
            })),
            Err(error) => {
                if message.txid != 0 {
                    let fault = match &error {
                        IpcError::Version { expected, received } => {
                            Fault::Version { expected: *expected, received: *received }
                        }
                        _ => Fault::Malformed,
                    };
                    let _ = self.fault(message.txid, &fault);
                }
                Err(error)
            }
        }
    }

    /// Answer the call `txid`.
    pub fn reply(&self, txid: u32, response: &P::Response) -> Result<(), IpcError> {
        self.reply_with(txid, response, Vec::new())
    }

    /// Answer the call `txid` with handles.
    pub fn reply_with(
        &self,
        txid: u32,
        response: &P::Response,
        handles: Vec<Handle>,
    ) -> Result<(), IpcError> {
        let bytes = wire::encode(P::VERSION, Kind::Response, response)?;
        self.channel.write_with_txid(txid, &bytes, handles).map_err(IpcError::from)
    }

    /// Refuse the call `txid`.
    pub fn fault(&self, txid: u32, fault: &Fault) -> Result<(), IpcError> {
        let bytes = wire::encode(P::VERSION, Kind::Fault, fault)?;
        self.channel.write_with_txid(txid, &bytes, Vec::new()).map_err(IpcError::from)
    }

    /// Send an event. Fails with `ShouldWait` if the client is not keeping
    /// up (its queue is full); the server decides whether to drop or
    /// disconnect.
    pub fn emit(&self, event: &P::Event) -> Result<(), IpcError> {
        self.emit_with(event, Vec::new())
    }

    /// Send an event with handles.
    pub fn emit_with(&self, event: &P::Event, handles: Vec<Handle>) -> Result<(), IpcError> {
        let bytes = wire::encode(P::VERSION, Kind::Event, event)?;
        self.channel.write(&bytes, handles).map_err(IpcError::from)
    }
}
