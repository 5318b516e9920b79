//! The namespace: how a program talks to its parent.
//!
//! Every program starts with one handle, its bootstrap channel. The parent
//! (the root manager, or the kernel for the root manager itself) first sends
//! a [`NamespaceEvent::Startup`] carrying the program's name, principal,
//! arguments and named handles. The channel then stays open as the
//! program's namespace: the program asks to [`Namespace::connect`] to a
//! protocol by name, and the parent either routes the request to the
//! provider its manifest names or refuses it; a service receives the
//! connections routed to it as [`ParentEvent::Connection`]s.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_abi::Error;
use weft_rt::{Channel, Deadline, Handle, Message};

pub use weft_abi::startup::StartupInfo;

use crate::client::Client;
use crate::wire::{self, Kind};
use crate::{IpcError, Protocol};

/// The namespace protocol itself.
pub enum NamespaceProtocol {}

impl Protocol for NamespaceProtocol {
    const NAME: &'static str = "weft.namespace";
    const VERSION: u16 = weft_abi::startup::NAMESPACE_VERSION;
    type Request = NamespaceRequest;
    type Response = NamespaceResponse;
    type Event = NamespaceEvent;
}

/// What a program asks its parent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NamespaceRequest {
    /// Connect the attached channel end to `protocol`.
    Connect {
        /// Protocol name.
        protocol: String,
    },
    /// The program now serves the protocols it exposes.
    Ready,
}

/// The parent's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NamespaceResponse {
    /// Done.
    Ok,
    /// The request was refused.
    Refused(ConnectError),
}

/// What the parent tells a program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NamespaceEvent {
    /// The first message: who the program is and what it holds.
    Startup(StartupInfo),
    /// A client connected to a protocol this program exposes; the channel
    /// is attached.
    Incoming {
        /// Protocol name.
        protocol: String,
        /// Who connected.
        client: ClientInfo,
    },
    /// Please finish and exit.
    Stop,
}

/// Who is on the other end of a routed connection, as the parent (trusted)
/// reports it, and what the route grants.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientInfo {
    /// The client's name in the service graph.
    pub name: String,
    /// The client's principal.
    pub principal: u64,
    /// Grants the route carries (e.g. `write`); meaning is per protocol.
    pub grants: Vec<String>,
}

impl ClientInfo {
    /// Whether the route grants `grant`.
    pub fn has(&self, grant: &str) -> bool {
        self.grants.iter().any(|g| g == grant)
    }
}

/// Why a connection was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectError {
    /// The program's manifest does not use this protocol, so no route
    /// exists. Nothing is reachable that is not routed.
    NotRouted {
        /// Protocol name.
        protocol: String,
    },
    /// The route exists but its provider cannot take connections now.
    Unavailable {
        /// Protocol name.
        protocol: String,
        /// Why.
        reason: String,
    },
    /// The program has no parent to ask (its namespace is closed).
    NoParent,
    /// Talking to the parent failed.
    Ipc(String),
}

impl core::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ConnectError::NotRouted { protocol } => {
                write!(f, "`{protocol}` is not routed to this program (its manifest does not use it)")
            }
            ConnectError::Unavailable { protocol, reason } => {
                write!(f, "`{protocol}` is unavailable: {reason}")
            }
            ConnectError::NoParent => f.write_str("no parent namespace"),
            ConnectError::Ipc(message) => write!(f, "namespace: {message}"),
        }
    }
}

/// An event from the parent, with its handles taken.
#[derive(Debug)]
pub enum ParentEvent {
    /// A client connected to `protocol`.
    Connection {
        /// Protocol name.
        protocol: String,
        /// Who.
        client: ClientInfo,
        /// The server end of the client's channel.
        channel: Channel,
    },
    /// The parent asks the program to exit.
    Stop,
}

/// A program's link to its parent. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Namespace {
    client: Arc<Client<NamespaceProtocol>>,
}

impl Namespace {
    /// Use `channel` as the namespace.
    pub fn new(channel: Channel) -> Namespace {
        Namespace { client: Arc::new(Client::new(channel)) }
    }

    /// The channel to the parent (to watch for events).
    pub fn channel(&self) -> &Channel {
        self.client.channel()
    }

    /// Open a channel to the provider of `protocol`.
    pub fn connect_raw(&self, protocol: &str) -> Result<Channel, ConnectError> {
        let (ours, theirs) = Channel::create().map_err(|e| ConnectError::Ipc(alloc::format!("{e}")))?;
        let request = NamespaceRequest::Connect { protocol: String::from(protocol) };
        match self.client.call_with(&request, alloc::vec![theirs.into_handle()], Deadline::INFINITE) {
            Ok((NamespaceResponse::Ok, _)) => Ok(ours),
            Ok((NamespaceResponse::Refused(error), _)) => Err(error),
            Err(IpcError::Kernel(Error::PeerClosed)) => Err(ConnectError::NoParent),
            Err(error) => Err(ConnectError::Ipc(crate::describe(&error))),
        }
    }

    /// Connect to the provider of `P`.
    pub fn connect<P: Protocol>(&self) -> Result<Client<P>, ConnectError> {
        self.connect_raw(P::NAME).map(Client::new)
    }

    /// Tell the parent this program serves what it exposes.
    pub fn ready(&self) -> Result<(), IpcError> {
        match self.client.call(&NamespaceRequest::Ready)? {
            NamespaceResponse::Ok => Ok(()),
            NamespaceResponse::Refused(error) => {
                Err(IpcError::Refused(wire::Fault::Denied(alloc::format!("{error}"))))
            }
        }
    }

    /// The next event from the parent, if any.
    pub fn try_event(&self) -> Result<Option<ParentEvent>, IpcError> {
        match self.client.try_event()? {
            Some((event, handles)) => Ok(parent_event(event, handles)),
            None => Ok(None),
        }
    }
}

fn parent_event(event: NamespaceEvent, handles: Vec<Handle>) -> Option<ParentEvent> {
    match event {
        NamespaceEvent::Incoming { protocol, client } => {
            let handle = handles.into_iter().next()?;
            Some(ParentEvent::Connection { protocol, client, channel: Channel::from_handle(handle) })
        }
        NamespaceEvent::Stop => Some(ParentEvent::Stop),
        NamespaceEvent::Startup(_) => None,
    }
}

/// Encode a startup message (for parents; the kernel's boot code uses
/// [`weft_abi::startup::encode`] directly, which writes the same bytes).
pub fn encode_startup(info: &StartupInfo) -> Result<Vec<u8>, IpcError> {
    weft_abi::startup::encode(info).map_err(|_| IpcError::Encode)
}

/// Encode any namespace event (for parents).
pub fn encode_event(event: &NamespaceEvent) -> Result<Vec<u8>, IpcError> {
    wire::encode(NamespaceProtocol::VERSION, Kind::Event, event)
}

/// What a program is given when it starts.
#[derive(Debug)]
pub struct Startup {
    /// Name in the service graph.
    pub name: String,
    /// The program running (the name its image is registered under).
    pub program: String,
    /// Principal.
    pub principal: u64,
    /// Manifest arguments.
    pub args: Vec<(String, String)>,
    /// Protocols this program should serve.
    pub exposes: Vec<String>,
    handles: Vec<(String, Handle)>,
    namespace: Namespace,
}

/// A startup message already read from the bootstrap channel, kept for
/// the program (per process).
#[derive(Default)]
struct HandedOn(spin::Mutex<Option<Message>>);

/// Keep `message`, the startup message a dispatcher read to pick the
/// program, for that program's [`Startup::receive`].
pub(crate) fn hand_on_startup(message: Message) {
    *weft_rt::local::process_local::<HandedOn>().0.lock() = Some(message);
}

impl Startup {
    /// Read the startup message from a fresh bootstrap channel (or take the
    /// one [`crate::program::dispatch`] read and handed on).
    pub fn receive(bootstrap: Channel, deadline: Deadline) -> Result<Startup, IpcError> {
        let handed_on = weft_rt::local::process_local::<HandedOn>().0.lock().take();
        let message = match handed_on {
            Some(message) => message,
            None => bootstrap.read(deadline)?,
        };
        let (kind, body) = wire::header(NamespaceProtocol::VERSION, &message.bytes)?;
        if kind != Kind::Event {
            return Err(IpcError::Unexpected);
        }
        let NamespaceEvent::Startup(info) = wire::body::<NamespaceEvent>(body)? else {
            return Err(IpcError::Unexpected);
        };
        if info.handles.len() != message.handles.len() {
            return Err(IpcError::Malformed);
        }
        let handles = info.handles.into_iter().zip(message.handles).collect();
        Ok(Startup {
            name: info.name,
            program: info.program,
            principal: info.principal,
            args: info.args,
            exposes: info.exposes,
            handles,
            namespace: Namespace::new(bootstrap),
        })
    }

    /// Take the handle attached under `name`.
    pub fn take_handle(&mut self, name: &str) -> Option<Handle> {
        let index = self.handles.iter().position(|(n, _)| n == name)?;
        Some(self.handles.remove(index).1)
    }

    /// Names of the handles not yet taken.
    pub fn handle_names(&self) -> impl Iterator<Item = &str> {
        self.handles.iter().map(|(name, _)| name.as_str())
    }

    /// A manifest argument.
    pub fn arg(&self, key: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The namespace.
    pub fn namespace(&self) -> &Namespace {
        &self.namespace
    }
}

#[derive(Default)]
struct CurrentNamespace(spin::Mutex<Option<Namespace>>);

/// Make `namespace` the one [`connect`] uses in this process.
pub fn set_current(namespace: &Namespace) {
    *weft_rt::local::process_local::<CurrentNamespace>().0.lock() = Some(namespace.clone());
}

/// This process's namespace, once the program runtime has set it.
pub fn current() -> Option<Namespace> {
    weft_rt::local::process_local::<CurrentNamespace>().0.lock().clone()
}

/// Connect to the provider of `P` through this process's namespace.
pub fn connect<P: Protocol>() -> Result<Client<P>, ConnectError> {
    current().ok_or(ConnectError::NoParent)?.connect::<P>()
}
