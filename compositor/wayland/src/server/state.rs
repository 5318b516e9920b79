//! The Smithay state: globals, the seat, and the Wayland clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use smithay::input::keyboard::XkbConfig;
use smithay::input::pointer::CursorImageStatus;
use smithay::input::{Seat, SeatHandler, SeatState};
use smithay::reexports::wayland_protocols::xdg::shell::server::xdg_toplevel::WmCapabilities;
use smithay::reexports::wayland_server::backend::{ClientData, ClientId, DisconnectReason};
use smithay::reexports::wayland_server::protocol::wl_buffer::WlBuffer;
use smithay::reexports::wayland_server::protocol::wl_shm;
use smithay::reexports::wayland_server::protocol::wl_surface::WlSurface;
use smithay::reexports::wayland_server::{Client, Display, DisplayHandle, Resource};
use smithay::wayland::buffer::BufferHandler;
use smithay::wayland::compositor::{CompositorClientState, CompositorHandler, CompositorState};
use smithay::wayland::selection::data_device::DataDeviceState;
use smithay::wayland::shell::xdg::XdgShellState;
use smithay::wayland::shell::xdg::decoration::XdgDecorationState;
use smithay::wayland::shm::{ShmHandler, ShmState};
use smithay::{delegate_compositor, delegate_seat, delegate_shm};
use weft_rt::{Key, WaitSet};

use super::BridgeError;
use super::peer::Peer;

/// Key repeat the clients do themselves (the input service's figures:
/// 500 ms delay, then a key every 33 ms).
const REPEAT_DELAY_MS: i32 = 500;
const REPEAT_RATE_HZ: i32 = 30;

/// The bridge: Smithay's protocol state plus one [`Peer`] per client.
pub struct Bridge {
    /// The Wayland display's handle.
    pub handle: DisplayHandle,
    compositor: CompositorState,
    shm: ShmState,
    /// xdg_wm_base.
    pub xdg: XdgShellState,
    /// zxdg_decoration_manager_v1 (always server-side); kept so the
    /// global lives as long as the bridge.
    #[allow(dead_code, reason = "owning the state keeps the global advertised")]
    decorations: XdgDecorationState,
    seat_state: SeatState<Bridge>,
    /// wl_data_device_manager: the clipboard between Wayland clients.
    pub(super) data_device: DataDeviceState,
    /// The one seat, fed from Weft's input events.
    pub seat: Seat<Bridge>,
    /// Every connected Wayland client.
    pub peers: HashMap<ClientId, Peer>,
    /// Which client a wait-set key (its Weft connection) belongs to.
    pub keys: HashMap<Key, ClientId>,
    /// The main loop's wait set.
    pub waits: WaitSet,
    gone: Arc<Mutex<Vec<ClientId>>>,
    pub(super) killed: Vec<ClientId>,
    /// The client whose surface the latest Weft pointer event was for:
    /// the one `wl_pointer.set_cursor` (and Smithay's cursor reset on
    /// leave) concern. Kept here because Smithay reports cursor changes
    /// while it holds the pointer's lock, so the pointer cannot be asked.
    pub(super) pointer_client: Option<ClientId>,
}

/// What the bridge keeps on every Wayland client.
pub struct ClientState {
    compositor: CompositorClientState,
    gone: Arc<Mutex<Vec<ClientId>>>,
}

impl ClientData for ClientState {
    fn disconnected(&self, client: ClientId, reason: DisconnectReason) {
        weft_rt::info!("wayland client {client:?} disconnected: {reason:?}");
        self.gone.lock().unwrap_or_else(|poison| poison.into_inner()).push(client);
    }
}

impl Bridge {
    /// Advertise the globals on `display`.
    pub fn new(display: &Display<Bridge>, waits: WaitSet) -> Result<Bridge, BridgeError> {
        let handle = display.handle();
        let compositor = CompositorState::new_v6::<Bridge>(&handle);
        // ARGB8888 and XRGB8888 are always advertised.
        let shm = ShmState::new::<Bridge>(&handle, [wl_shm::Format::Abgr8888, wl_shm::Format::Xbgr8888]);
        let xdg = XdgShellState::new_with_capabilities::<Bridge>(
            &handle,
            [WmCapabilities::Maximize, WmCapabilities::Minimize],
        );
        let decorations = XdgDecorationState::new::<Bridge>(&handle);
        let data_device = DataDeviceState::new::<Bridge>(&handle);
        let mut seat_state = SeatState::new();
        let mut seat = seat_state.new_wl_seat(&handle, "weft");
        // Weft's keymap is US on evdev codes: the same keymap for clients.
        let xkb = XkbConfig { layout: "us", ..XkbConfig::default() };
        seat.add_keyboard(xkb, REPEAT_DELAY_MS, REPEAT_RATE_HZ)
            .map_err(|error| BridgeError::Keymap(error.to_string()))?;
        seat.add_pointer();
        seat.add_touch();
        Ok(Bridge {
            handle,
            compositor,
            shm,
            xdg,
            decorations,
            seat_state,
            data_device,
            seat,
            peers: HashMap::new(),
            keys: HashMap::new(),
            waits,
            gone: Arc::new(Mutex::new(Vec::new())),
            killed: Vec::new(),
            pointer_client: None,
        })
    }

    /// Data for a newly accepted client.
    pub fn client_state(&self) -> Arc<ClientState> {
        Arc::new(ClientState { compositor: CompositorClientState::default(), gone: Arc::clone(&self.gone) })
    }

    /// Clients that disconnected since the last call.
    pub fn take_gone(&self) -> Vec<ClientId> {
        std::mem::take(&mut *self.gone.lock().unwrap_or_else(|poison| poison.into_inner()))
    }

    /// The peer a surface's client is, if it is still connected.
    pub fn peer_of(&mut self, surface: &WlSurface) -> Option<(ClientId, &mut Peer)> {
        let client = surface.client()?.id();
        let peer = self.peers.get_mut(&client)?;
        Some((client, peer))
    }
}

impl CompositorHandler for Bridge {
    fn compositor_state(&mut self) -> &mut CompositorState {
        &mut self.compositor
    }

    fn client_compositor_state<'a>(&self, client: &'a Client) -> &'a CompositorClientState {
        // Every client is inserted by `Service::accept` with a ClientState.
        &client.get_data::<ClientState>().expect("clients carry ClientState").compositor
    }

    fn commit(&mut self, surface: &WlSurface) {
        self.on_commit(surface);
    }

    fn destroyed(&mut self, surface: &WlSurface) {
        self.on_surface_destroyed(surface);
    }
}

impl BufferHandler for Bridge {
    fn buffer_destroyed(&mut self, _buffer: &WlBuffer) {
        // Buffers are copied and released at commit; none is held.
    }
}

impl ShmHandler for Bridge {
    fn shm_state(&self) -> &ShmState {
        &self.shm
    }
}

impl SeatHandler for Bridge {
    type KeyboardFocus = WlSurface;
    type PointerFocus = WlSurface;
    type TouchFocus = WlSurface;

    fn seat_state(&mut self) -> &mut SeatState<Bridge> {
        &mut self.seat_state
    }

    fn cursor_image(&mut self, _seat: &Seat<Bridge>, image: CursorImageStatus) {
        self.on_cursor_image(image);
    }

    fn focus_changed(&mut self, seat: &Seat<Bridge>, focused: Option<&WlSurface>) {
        super::selection::follow_focus(self, seat, focused);
    }
}

delegate_compositor!(Bridge);
delegate_shm!(Bridge);
delegate_seat!(Bridge);
