//! xdg_shell and xdg-decoration: Wayland windows as Weft windows.
//!
//! Weft draws every window's decorations itself, so the decoration mode
//! is always server-side, whatever the client asks for. Moving and
//! resizing are Weft's (title bar, frame); client-initiated interactive
//! moves and resizes, fullscreen and the window menu are answered with
//! the current state.

use smithay::reexports::wayland_protocols::xdg::decoration::zv1::server::zxdg_toplevel_decoration_v1::Mode;
use smithay::reexports::wayland_server::Resource;
use smithay::reexports::wayland_server::protocol::{wl_output, wl_seat, wl_surface::WlSurface};
use smithay::utils::Serial;
use smithay::wayland::shell::xdg::decoration::XdgDecorationHandler;
use smithay::wayland::shell::xdg::{
    Configure, PopupSurface, PositionerState, ToplevelSurface, XdgShellHandler, XdgShellState,
};
use smithay::{delegate_xdg_decoration, delegate_xdg_shell};
use weft_compositor_api::{Request, WindowAction};

use super::peer::DISPLAY_IMPLEMENTATION;
use super::state::Bridge;
use super::window::{Kind, Window};

impl Bridge {
    fn add_window(&mut self, kind: Kind, root: &WlSurface) {
        if let Some((_, peer)) = self.peer_of(root) {
            peer.windows.insert(root.id(), Window::new(kind, root.clone()));
        }
    }

    /// Ask Weft for a window action on `toplevel`'s window.
    fn window_action(&mut self, toplevel: &ToplevelSurface, action: WindowAction) {
        let Some((client, peer)) = self.peer_of(toplevel.wl_surface()) else {
            return;
        };
        let Some(surface) = peer.windows.get(&toplevel.wl_surface().id()).and_then(|w| w.weft) else {
            return;
        };
        if let Err(error) = peer.display.send(&Request::Window { surface, action }) {
            self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }

    /// Answer a request Weft cannot grant with the current state.
    fn reconfigure(&mut self, toplevel: &ToplevelSurface) {
        let Some((_, peer)) = self.peer_of(toplevel.wl_surface()) else {
            return;
        };
        let Some(window) = peer.windows.get_mut(&toplevel.wl_surface().id()) else {
            return;
        };
        if let Some(configure) = window.last_configure
            && !window.awaiting_commit
        {
            window.send_configure(&configure);
        }
    }

    fn server_side(toplevel: &ToplevelSurface) {
        toplevel.with_pending_state(|state| state.decoration_mode = Some(Mode::ServerSide));
        if toplevel.is_initial_configure_sent() {
            toplevel.send_pending_configure();
        }
    }
}

impl XdgShellHandler for Bridge {
    fn xdg_shell_state(&mut self) -> &mut XdgShellState {
        &mut self.xdg
    }

    fn new_toplevel(&mut self, surface: ToplevelSurface) {
        let root = surface.wl_surface().clone();
        self.add_window(Kind::Toplevel(surface), &root);
    }

    fn new_popup(&mut self, surface: PopupSurface, positioner: PositionerState) {
        surface.with_pending_state(|state| state.geometry = positioner.get_geometry());
        let root = surface.wl_surface().clone();
        self.add_window(Kind::Popup(surface), &root);
    }

    fn grab(&mut self, surface: PopupSurface, _seat: wl_seat::WlSeat, _serial: Serial) {
        if let Some((_, peer)) = self.peer_of(surface.wl_surface())
            && let Some(window) = peer.windows.get_mut(&surface.wl_surface().id())
        {
            window.grab = true;
        }
    }

    fn reposition_request(&mut self, surface: PopupSurface, positioner: PositionerState, token: u32) {
        surface.with_pending_state(|state| {
            state.geometry = positioner.get_geometry();
            state.positioner = positioner;
        });
        surface.send_repositioned(token);
        // Weft places a popup once: show it again at the new place when
        // the client commits for the new configure.
        let Some((client, peer)) = self.peer_of(surface.wl_surface()) else {
            return;
        };
        let root = surface.wl_surface().id();
        let Some(window) = peer.windows.get_mut(&root) else {
            return;
        };
        let old = window.weft;
        let mut result = window.destroy(&peer.display);
        if let Some(old) = old {
            peer.by_weft.remove(&old);
            result = result.and(peer.detach_popups(old));
        }
        if let Err(error) = result {
            self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }

    fn maximize_request(&mut self, surface: ToplevelSurface) {
        self.window_action(&surface, WindowAction::Maximize);
    }

    fn unmaximize_request(&mut self, surface: ToplevelSurface) {
        self.window_action(&surface, WindowAction::Unmaximize);
    }

    fn minimize_request(&mut self, surface: ToplevelSurface) {
        self.window_action(&surface, WindowAction::Minimize);
    }

    fn fullscreen_request(&mut self, surface: ToplevelSurface, _output: Option<wl_output::WlOutput>) {
        self.reconfigure(&surface);
    }

    fn unfullscreen_request(&mut self, surface: ToplevelSurface) {
        self.reconfigure(&surface);
    }

    fn ack_configure(&mut self, surface: WlSurface, configure: Configure) {
        if let Configure::Toplevel(configure) = configure {
            self.acknowledge(&surface.id(), configure.serial);
        }
    }

    fn toplevel_destroyed(&mut self, surface: ToplevelSurface) {
        if let Some((client, _)) = self.peer_of(surface.wl_surface()) {
            self.remove_window(&client, &surface.wl_surface().id());
        }
    }

    fn popup_destroyed(&mut self, surface: PopupSurface) {
        if let Some((client, _)) = self.peer_of(surface.wl_surface()) {
            self.remove_window(&client, &surface.wl_surface().id());
        }
    }

    fn title_changed(&mut self, surface: ToplevelSurface) {
        let Some((client, peer)) = self.peer_of(surface.wl_surface()) else {
            return;
        };
        let Some(weft) = peer.windows.get(&surface.wl_surface().id()).and_then(|w| w.weft) else {
            return;
        };
        let title = smithay::wayland::compositor::with_states(surface.wl_surface(), |states| {
            states
                .data_map
                .get::<smithay::wayland::shell::xdg::XdgToplevelSurfaceData>()
                .and_then(|data| data.lock().unwrap_or_else(|p| p.into_inner()).title.clone())
                .unwrap_or_default()
        });
        if let Err(error) = peer.display.send(&Request::SetTitle { surface: weft, title }) {
            self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }
}

impl XdgDecorationHandler for Bridge {
    fn new_decoration(&mut self, toplevel: ToplevelSurface) {
        Bridge::server_side(&toplevel);
    }

    fn request_mode(&mut self, toplevel: ToplevelSurface, _mode: Mode) {
        Bridge::server_side(&toplevel);
    }

    fn unset_mode(&mut self, toplevel: ToplevelSurface) {
        Bridge::server_side(&toplevel);
    }
}

delegate_xdg_shell!(Bridge);
delegate_xdg_decoration!(Bridge);
