//! The typed client: a connection to the compositor, double-buffered
//! shared-memory surfaces and windows.
//!
//! ```ignore
//! let mut display = Display::connect()?;
//! let mut window = Window::toplevel(&mut display, ToplevelRole {
//!     title: "Hello".into(), size: Size::new(400, 300), ..Default::default()
//! })?;
//! loop {
//!     let event = display.next_event(Deadline::INFINITE)?;
//!     match window.handle(&mut display, &event)? {
//!         Some(WindowEvent::Close) => break,
//!         _ => {}
//!     }
//!     if let Some(mut frame) = window.frame(&mut display)? {
//!         draw(frame.pixels_mut(), frame.size(), frame.repaint());
//!         frame.present(&display, &[])?; // empty damage: everything
//!     }
//! }
//! ```

mod buffers;
mod damage;
mod window;

use alloc::vec::Vec;
use weft_ipc::{Client, ConnectError, IpcError};
use weft_rt::{Channel, Deadline, Handle};

use crate::{CompositorProtocol, Event, ProtocolError, Request, Response, SurfaceId};

pub use buffers::{BufferPool, Frame};
pub use damage::Damage;
pub use window::{Window, WindowEvent};

/// What can go wrong on the client side.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientError {
    /// The compositor is not routed to this program or is unavailable.
    Connect(ConnectError),
    /// Talking to the compositor failed.
    Ipc(IpcError),
    /// A kernel call (allocating or mapping a buffer) failed.
    Kernel(weft_rt::Error),
    /// The compositor disconnected us, saying why if it did.
    Disconnected(Option<ProtocolError>),
}

impl From<IpcError> for ClientError {
    fn from(error: IpcError) -> ClientError {
        if error.is_peer_closed() {
            ClientError::Disconnected(None)
        } else {
            ClientError::Ipc(error)
        }
    }
}

impl From<weft_rt::Error> for ClientError {
    fn from(error: weft_rt::Error) -> ClientError {
        if error == weft_rt::Error::PeerClosed {
            ClientError::Disconnected(None)
        } else {
            ClientError::Kernel(error)
        }
    }
}

impl From<ConnectError> for ClientError {
    fn from(error: ConnectError) -> ClientError {
        ClientError::Connect(error)
    }
}

impl core::fmt::Display for ClientError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ClientError::Connect(error) => write!(f, "cannot reach the compositor: {error}"),
            ClientError::Ipc(error) => write!(f, "compositor connection: {error}"),
            ClientError::Kernel(error) => write!(f, "kernel: {error}"),
            ClientError::Disconnected(Some(reason)) => {
                write!(f, "disconnected by the compositor: {reason}")
            }
            ClientError::Disconnected(None) => f.write_str("the compositor went away"),
        }
    }
}

/// A connection to the compositor.
pub struct Display {
    client: Client<CompositorProtocol>,
    next_surface: u32,
    next_buffer: u32,
}

impl core::fmt::Debug for Display {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Display")
            .field("client", &self.client)
            .finish()
    }
}

impl Display {
    /// Connect through this program's namespace.
    pub fn connect() -> Result<Display, ClientError> {
        Ok(Display::new(weft_ipc::connect::<CompositorProtocol>()?))
    }

    /// Speak the protocol over an existing connection.
    pub fn new(client: Client<CompositorProtocol>) -> Display {
        Display {
            client,
            next_surface: 1,
            next_buffer: 1,
        }
    }

    /// The channel (to watch it in a wait set beside other handles).
    pub fn channel(&self) -> &Channel {
        self.client.channel()
    }

    /// Send a request.
    pub fn send(&self, request: &Request) -> Result<(), ClientError> {
        self.client.send(request).map_err(ClientError::from)
    }

    /// Send a request with handles.
    pub fn send_with(&self, request: &Request, handles: Vec<Handle>) -> Result<(), ClientError> {
        self.client
            .send_with(request, handles)
            .map_err(ClientError::from)
    }

    /// Wait until the compositor has handled every earlier request.
    pub fn sync(&self) -> Result<(), ClientError> {
        match self.client.call(&Request::Sync)? {
            Response::Synced => Ok(()),
        }
    }

    /// Create a surface with a fresh id.
    pub fn create_surface(&mut self) -> Result<SurfaceId, ClientError> {
        let surface = SurfaceId(self.next_surface);
        self.next_surface = self.next_surface.wrapping_add(1).max(1);
        self.send(&Request::CreateSurface { surface })?;
        Ok(surface)
    }

    /// A fresh buffer id.
    pub fn allocate_buffer_id(&mut self) -> crate::BufferId {
        let id = crate::BufferId(self.next_buffer);
        self.next_buffer = self.next_buffer.wrapping_add(1).max(1);
        id
    }

    fn check(event: Event) -> Result<Event, ClientError> {
        match event {
            Event::Error(reason) => Err(ClientError::Disconnected(Some(reason))),
            other => Ok(other),
        }
    }

    /// The next event, waiting until `deadline`. A protocol error from the
    /// compositor becomes [`ClientError::Disconnected`].
    pub fn next_event(&self, deadline: Deadline) -> Result<Event, ClientError> {
        let (event, _) = self.client.event(deadline)?;
        Self::check(event)
    }

    /// The next event if one is waiting.
    pub fn try_event(&self) -> Result<Option<Event>, ClientError> {
        match self.client.try_event()? {
            Some((event, _)) => Self::check(event).map(Some),
            None => Ok(None),
        }
    }
}
