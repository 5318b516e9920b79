//! The bridge program: the Wayland socket and the main loop.
//!
//! One Weft thread owns everything: the Smithay display and state, and
//! every client's Weft connection. It waits on a Weft wait set holding
//! its namespace channel, each client's Weft connection, and the user
//! packets of the [`watcher`] thread, which says when the listening
//! socket or a client socket has something to read.

mod commit;
mod content;
mod error;
mod input;
mod peer;
mod selection;
mod shell;
mod state;
mod watcher;
mod window;

use std::os::fd::{AsFd, OwnedFd};
use std::path::PathBuf;

use smithay::reexports::wayland_server::{BindError, Display, ListeningSocket};
use weft_compositor_api::client::Display as WeftDisplay;
use weft_ipc::Startup;
use weft_ipc::namespace::ParentEvent;
use weft_ipc::program::ProgramError;
use weft_rt::{Deadline, Port, Ready, Rights, Signals, WaitSet};

pub use error::BridgeError;
use peer::Peer;
use state::Bridge;
use watcher::{WAYLAND_READY, Watcher};

const WATCH: Signals = Signals::READABLE.union(Signals::PEER_CLOSED);

/// Socket names tried for `socket = "auto"`: `weft-0` … `weft-31`.
const AUTO_SOCKETS: std::ops::Range<usize> = 0..32;

/// Bind the Wayland socket the `socket` argument names: `auto` (the
/// first free `weft-N` in `$XDG_RUNTIME_DIR`), a name in
/// `$XDG_RUNTIME_DIR`, or an absolute path. `Ok(None)` when there is no
/// runtime directory to put it in.
fn bind(socket: &str) -> Result<Option<(ListeningSocket, PathBuf)>, BridgeError> {
    let bound = if socket == "auto" {
        ListeningSocket::bind_auto("weft", AUTO_SOCKETS)
    } else if socket.starts_with('/') {
        ListeningSocket::bind_absolute(PathBuf::from(socket))
    } else {
        ListeningSocket::bind(socket)
    };
    let listener = match bound {
        Ok(listener) => listener,
        Err(BindError::RuntimeDirNotSet) => return Ok(None),
        Err(error) => return Err(BridgeError::Socket(format!("`{socket}`: {error}"))),
    };
    let path = match listener.socket_name() {
        Some(name) => PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR").unwrap_or_default()).join(name),
        None => PathBuf::from(socket),
    };
    Ok(Some((listener, path)))
}

/// Run the bridge until the parent says stop.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let requested = startup.arg("socket").unwrap_or("auto");
    let Some((listener, path)) = bind(requested)? else {
        weft_rt::warn!("XDG_RUNTIME_DIR is not set: no Wayland socket, the Wayland front is off");
        return crate::idle(&startup);
    };
    let mut display: Display<Bridge> = Display::new().map_err(|e| BridgeError::Socket(e.to_string()))?;
    let namespace = startup.namespace().clone();
    let mut waits = WaitSet::new()?;
    let parent_key = waits.add(namespace.channel(), WATCH)?;
    let port = Port::from_handle(waits.port().handle().duplicate(Rights::SAME)?);
    let mut bridge = Bridge::new(&display, waits)?;
    let descriptors: Vec<OwnedFd> = vec![
        listener.as_fd().try_clone_to_owned().map_err(BridgeError::Wayland)?,
        display.backend().poll_fd().try_clone_to_owned().map_err(BridgeError::Wayland)?,
    ];
    let watcher = Watcher::start(descriptors, port)?;
    weft_rt::info!("wayland: listening on {}", path.display());
    loop {
        match bridge.waits.wait(Deadline::INFINITE)? {
            Ready::User { key: WAYLAND_READY, .. } => {
                accept(&listener, &mut bridge);
                display.dispatch_clients(&mut bridge).map_err(BridgeError::Wayland)?;
                settle(&mut display, &mut bridge)?;
                watcher.rearm();
            }
            Ready::Signals { key, .. } if key == parent_key => loop {
                match namespace.try_event() {
                    Ok(Some(ParentEvent::Stop)) | Err(_) => return Ok(()),
                    Ok(Some(ParentEvent::Connection { .. })) => {}
                    Ok(None) => break,
                }
            },
            Ready::Signals { key, .. } => {
                bridge.weft_ready(key);
                settle(&mut display, &mut bridge)?;
            }
            Ready::User { .. } => {}
        }
    }
}

/// After handling anything: free clients the bridge disconnected, forget
/// those that left, and send what was queued for the clients.
fn settle(display: &mut Display<Bridge>, bridge: &mut Bridge) -> Result<(), BridgeError> {
    for client in bridge.take_killed() {
        // Dispatching a killed client runs Smithay's clean-up for it.
        let _ = display.backend().dispatch_single_client(bridge, client);
    }
    bridge.reap();
    match display.flush_clients() {
        // A client that stopped reading is dropped by the next dispatch.
        Ok(()) | Err(_) => Ok(()),
    }
}

/// Take every waiting connection: each client gets its own connection
/// to Weft's compositor.
fn accept(listener: &ListeningSocket, bridge: &mut Bridge) {
    loop {
        let stream = match listener.accept() {
            Ok(Some(stream)) => stream,
            Ok(None) => return,
            Err(error) => {
                weft_rt::warn!("accepting a Wayland client failed: {error}");
                return;
            }
        };
        let weft = match WeftDisplay::connect() {
            Ok(weft) => weft,
            Err(error) => {
                weft_rt::warn!("refusing a Wayland client: no compositor connection: {error}");
                continue;
            }
        };
        let key = match bridge.waits.add(weft.channel(), WATCH) {
            Ok(key) => key,
            Err(error) => {
                weft_rt::warn!("refusing a Wayland client: {error}");
                continue;
            }
        };
        let data = bridge.client_state();
        match bridge.handle.insert_client(stream, data) {
            Ok(client) => {
                weft_rt::info!("wayland client {:?} connected", client.id());
                bridge.keys.insert(key, client.id());
                bridge.peers.insert(client.id(), Peer::new(client, weft, key));
            }
            Err(error) => {
                bridge.waits.remove(key);
                weft_rt::warn!("refusing a Wayland client: {error}");
            }
        }
    }
}
