//! The clipboard between Wayland clients (`wl_data_device_manager`):
//! Smithay keeps the selection per seat and hands it to whichever client
//! has the keyboard. Many clients (foot among them) refuse to run without
//! it. Drag and drop between clients works through Smithay's defaults;
//! nothing crosses to native Weft apps yet.

use smithay::delegate_data_device;
use smithay::input::Seat;
use smithay::reexports::wayland_server::Resource;
use smithay::reexports::wayland_server::protocol::wl_surface::WlSurface;
use smithay::wayland::selection::SelectionHandler;
use smithay::wayland::selection::data_device::{
    ClientDndGrabHandler, DataDeviceHandler, DataDeviceState, ServerDndGrabHandler, set_data_device_focus,
};

use super::state::Bridge;

impl SelectionHandler for Bridge {
    type SelectionUserData = ();
}

impl DataDeviceHandler for Bridge {
    fn data_device_state(&self) -> &DataDeviceState {
        &self.data_device
    }
}

impl ClientDndGrabHandler for Bridge {}

impl ServerDndGrabHandler for Bridge {}

delegate_data_device!(Bridge);

/// The clipboard follows the keyboard: offer the selection to the client
/// of the newly focused surface.
pub fn follow_focus(bridge: &Bridge, seat: &Seat<Bridge>, focused: Option<&WlSurface>) {
    let client = focused.and_then(|surface| bridge.handle.get_client(surface.id()).ok());
    set_data_device_focus(&bridge.handle, seat, client);
}
