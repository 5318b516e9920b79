//! One Wayland client and its own connection to Weft's compositor.
//!
//! Every Wayland client gets a Weft connection of its own, so Weft's
//! per-client limits, cursor and clean-up apply per Wayland client: when
//! the client goes, dropping its [`Peer`] closes the connection and the
//! compositor removes its windows and unmaps its buffers; when Weft drops
//! the connection (a limit reached), only that client is disconnected.

use std::collections::HashMap;

use smithay::reexports::wayland_server::Client;
use smithay::reexports::wayland_server::backend::protocol::ProtocolError;
use smithay::reexports::wayland_server::backend::{ClientId, ObjectId};
use smithay::utils::Transform;
use smithay::wayland::compositor::{send_surface_state, with_states};
use weft_compositor_api::client::{ClientError, Display};
use weft_compositor_api::{Configure, Event, Request, SurfaceId};
use weft_rt::Key;

use super::content::SurfaceContent;
use super::state::Bridge;
use super::window::{Kind, SCALE_UNIT, Window};

/// Most bytes of surface content one client may hold in the bridge
/// (about 16 full-HD surfaces).
pub const MAX_CLIENT_BYTES: usize = 128 << 20;

/// `wl_display` error codes.
pub const DISPLAY_NO_MEMORY: u32 = 2;
/// `wl_display.error` for a failure of the implementation.
pub const DISPLAY_IMPLEMENTATION: u32 = 3;

/// A Wayland client as the bridge sees it.
pub struct Peer {
    /// The Wayland client.
    pub client: Client,
    /// Its connection to Weft's compositor.
    pub display: Display,
    /// The connection's key in the main wait set.
    pub key: Key,
    /// Its windows, by root wl_surface.
    pub windows: HashMap<ObjectId, Window>,
    /// Root wl_surface of each Weft surface.
    pub by_weft: HashMap<SurfaceId, ObjectId>,
    /// Content copies of its surfaces.
    pub contents: HashMap<ObjectId, SurfaceContent>,
    /// Bytes in `contents`.
    pub content_bytes: usize,
    /// The root of its cursor window, if it set a cursor surface.
    pub cursor: Option<ObjectId>,
    /// The cursor surface and hotspot last told to Weft.
    pub cursor_hotspot: Option<(SurfaceId, weft_compositor_api::Point)>,
}

impl Peer {
    /// A newly accepted client with its Weft connection.
    pub fn new(client: Client, display: Display, key: Key) -> Peer {
        Peer {
            client,
            display,
            key,
            windows: HashMap::new(),
            by_weft: HashMap::new(),
            contents: HashMap::new(),
            content_bytes: 0,
            cursor: None,
            cursor_hotspot: None,
        }
    }

    /// Compose and present `root`'s window if Weft is ready for it.
    pub fn flush(&mut self, root: &ObjectId) -> Result<(), ClientError> {
        match self.windows.get_mut(root) {
            Some(window) => window.flush(&mut self.display, &self.contents),
            None => Ok(()),
        }
    }

    /// Weft destroyed `parent` and with it its popups: forget them (and
    /// theirs), dismissing them on the Wayland side.
    pub fn detach_popups(&mut self, parent: SurfaceId) -> Result<(), ClientError> {
        let mut parents = vec![parent];
        while let Some(parent) = parents.pop() {
            for window in self.windows.values_mut().filter(|w| w.parent == Some(parent)) {
                if let Some(surface) = window.weft {
                    self.by_weft.remove(&surface);
                    parents.push(surface);
                }
                window.parent = None;
                window.forget(&self.display)?;
                if let Kind::Popup(popup) = &window.kind {
                    popup.send_popup_done();
                }
            }
        }
        Ok(())
    }

    /// The window shown as Weft `surface`.
    pub fn window(&self, surface: SurfaceId) -> Option<&Window> {
        self.windows.get(self.by_weft.get(&surface)?)
    }

    /// The window shown as Weft `surface`.
    pub fn window_mut(&mut self, surface: SurfaceId) -> Option<&mut Window> {
        let root = self.by_weft.get(&surface)?;
        self.windows.get_mut(root)
    }
}

impl Bridge {
    /// Read every event waiting on the Weft connection with `key`.
    pub fn weft_ready(&mut self, key: Key) {
        let Some(client) = self.keys.get(&key).cloned() else {
            return;
        };
        loop {
            let next = match self.peers.get(&client) {
                Some(peer) => peer.display.try_event(),
                None => return,
            };
            match next {
                Ok(Some(event)) => self.weft_event(&client, event),
                Ok(None) => return,
                Err(error) => {
                    self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
                    return;
                }
            }
        }
    }

    /// Disconnect a Wayland client with a protocol error on wl_display.
    /// Its Weft connection closes at once; Smithay frees its objects at
    /// the next dispatch (see [`Bridge::take_killed`]).
    pub fn disconnect(&mut self, client: &ClientId, code: u32, message: &str) {
        if let Some(peer) = self.peers.get(client) {
            weft_rt::warn!("disconnecting wayland client {client:?}: {message}");
            peer.client.kill(
                &self.handle,
                ProtocolError {
                    code,
                    object_id: 1,
                    object_interface: "wl_display".into(),
                    message: message.into(),
                },
            );
            self.killed.push(client.clone());
            self.drop_peer(client);
        }
    }

    /// Clients disconnected by the bridge since the last call.
    pub fn take_killed(&mut self) -> Vec<ClientId> {
        std::mem::take(&mut self.killed)
    }

    /// Forget clients that disconnected.
    pub fn reap(&mut self) {
        for client in self.take_gone() {
            self.drop_peer(&client);
        }
    }

    /// Forget a client: closing its Weft connection makes the compositor
    /// remove its windows and unmap its buffers.
    fn drop_peer(&mut self, client: &ClientId) {
        if let Some(peer) = self.peers.remove(client) {
            self.waits.remove(peer.key);
            self.keys.remove(&peer.key);
            weft_rt::info!(
                "wayland client {client:?} gone: {} windows closed, {} KiB of content freed",
                peer.windows.values().filter(|w| w.weft.is_some()).count(),
                peer.content_bytes / 1024
            );
        }
    }

    /// Flush `root`'s window; a Weft failure disconnects the client.
    pub fn flush_window(&mut self, client: &ClientId, root: &ObjectId) {
        let result = match self.peers.get_mut(client) {
            Some(peer) => peer.flush(root),
            None => return,
        };
        if let Err(error) = result {
            self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }

    fn weft_event(&mut self, client: &ClientId, event: Event) {
        match event {
            Event::Configure(configure) => self.weft_configure(client, configure),
            Event::Close { surface } => {
                if let Some(Kind::Toplevel(toplevel)) =
                    self.peers.get_mut(client).and_then(|p| p.window_mut(surface)).map(|w| &w.kind)
                {
                    toplevel.send_close();
                }
            }
            Event::PopupDone { surface } => {
                if let Some(Kind::Popup(popup)) =
                    self.peers.get_mut(client).and_then(|p| p.window_mut(surface)).map(|w| &w.kind)
                {
                    popup.send_popup_done();
                }
            }
            Event::Keyboard { surface, event } => self.weft_keyboard(client, surface, event),
            Event::Pointer { surface, event } => self.weft_pointer(client, surface, event),
            Event::Touch { surface, event } => self.weft_touch(client, surface, event),
            Event::FrameDone { surface, time } => {
                let Some(peer) = self.peers.get_mut(client) else {
                    return;
                };
                let Some(root) = peer.by_weft.get(&surface).cloned() else {
                    return;
                };
                if let Some(window) = peer.windows.get_mut(&root) {
                    window.frame_done((time / 1_000_000) as u32);
                }
                self.flush_window(client, &root);
            }
            Event::BufferReleased { .. } => {
                let Some(peer) = self.peers.get_mut(client) else {
                    return;
                };
                let mut owner = None;
                let mut failure = None;
                for (root, window) in peer.windows.iter_mut() {
                    match window.buffer_released(&peer.display, &event) {
                        Ok(true) => {
                            owner = Some(root.clone());
                            break;
                        }
                        Ok(false) => {}
                        Err(error) => failure = Some(error),
                    }
                }
                if let Some(error) = failure {
                    self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
                } else if let Some(root) = owner {
                    self.flush_window(client, &root);
                }
            }
            // `Display::try_event` turns errors into `Err`.
            Event::Error(_) => {}
        }
    }

    fn weft_configure(&mut self, client: &ClientId, configure: Configure) {
        let Some(peer) = self.peers.get_mut(client) else {
            return;
        };
        let Some(root) = peer.by_weft.get(&configure.surface).cloned() else {
            return;
        };
        let Some(window) = peer.windows.get_mut(&root) else {
            return;
        };
        let scale = ((configure.scale * SCALE_UNIT as f32).round() as u32).max(1);
        if scale != window.scale {
            window.scale = scale;
            window.damage_all();
            let preferred = scale.div_ceil(SCALE_UNIT).max(1) as i32;
            with_states(&window.root, |states| {
                send_surface_state(&window.root, states, preferred, Transform::Normal)
            });
        }
        window.last_configure = Some(configure);
        match &window.kind {
            Kind::Toplevel(_) => {
                // After an unmap the client must commit again before it
                // may be configured; the configure is sent then.
                if window.awaiting_commit {
                    return;
                }
                window.send_configure(&configure);
            }
            Kind::Popup(_) | Kind::Cursor => {
                let ack = Request::AckConfigure { surface: configure.surface, serial: configure.serial };
                if let Err(error) = peer.display.send(&ack) {
                    self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
                    return;
                }
            }
        }
        self.flush_window(client, &root);
    }

    /// The client acknowledged xdg configure `serial` of `root`: pass the
    /// matching Weft serial on.
    pub fn acknowledge(&mut self, root: &ObjectId, serial: smithay::utils::Serial) {
        let Some(client) = self.handle.get_client(root.clone()).ok().map(|c| c.id()) else {
            return;
        };
        let Some(peer) = self.peers.get_mut(&client) else {
            return;
        };
        let Some(window) = peer.windows.get_mut(root) else {
            return;
        };
        let Some(surface) = window.weft else {
            return;
        };
        let Some(position) = window.configures.iter().position(|(xdg, _)| *xdg == serial) else {
            return;
        };
        let (_, weft_serial) = window.configures[position];
        window.configures.drain(..=position);
        if let Err(error) = peer.display.send(&Request::AckConfigure { surface, serial: weft_serial }) {
            self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }
}
