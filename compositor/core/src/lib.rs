//! weft-compositor — the compositor's core: window management without IPC.
//!
//! [`Compositor`] keeps every client's surfaces, buffers and roles, lays
//! out windows and layer surfaces, draws server-side decorations, routes
//! keyboard, pointer and touch input, keeps the shell's window list, and
//! renders all of it through a [`weft_scene::Scene`]. The compositor
//! service feeds it decoded requests and seat events and delivers the
//! [`Outgoing`] events it produces; tests drive it directly.
//!
//! It is a dispatcher over owned sub-states, each with its own methods and
//! tests: the client registry (`Clients`: surfaces, buffers, roles), the
//! [`WindowStack`] (stacking order, lookup, placement, drags), the
//! [`InputRouter`] (pointer grabs, touch points, shortcuts, keyboard focus
//! and routing seat events), the [`Captures`] (what the capture consumer
//! is owed, and the remote viewer's seat), the stage (scene graph and the
//! compositor's own images) and the outbox (events and configure
//! serials). Two borrowed views tie them together: `Layout` (hit testing
//! and surface coordinates over the registry and the stack) and `Desk`
//! (activating, minimising and maximising windows, lent to the input
//! router next to it). What still needs everything at once — requests,
//! mapping and unmapping, frames, captures — is on [`Compositor`].
//!
//! Rules it enforces:
//! - client content is clipped to its window's content area; decorations,
//!   panels and the lock screen are drawn by the compositor or live in
//!   layers above windows, so a client cannot draw over system UI;
//! - layer surfaces need the `layer` grant;
//! - every id a client names must be its own; anything else is a
//!   [`ProtocolError`](weft_compositor_api::ProtocolError) and the service disconnects the client;
//! - a buffer is read from present until release; it is released as soon
//!   as another buffer replaces it, its surface goes away or it is
//!   unregistered.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod capture;
mod clients;
mod decorations;
mod desk;
mod input;
mod layout;
mod outbox;
mod pointer;
mod remote;
mod requests;
mod seat;
mod shell;
mod shortcuts;
mod stack;
mod stage;
mod state;
mod text;
mod theme;
mod titles;
mod windows;

use alloc::boxed::Box;
use alloc::vec::Vec;
use weft_compositor_api::capture::CaptureEvent;
use weft_compositor_api::shell::ShellEvent;
use weft_compositor_api::{BufferId, Event};
use weft_scene::{ImageId, ImageView, Renderer};

pub use capture::{CaptureDamage, Captures};
pub use decorations::{Edges, Part, arrow_cursor};
pub use input::InputRouter;
pub use pointer::PointerState;
pub use stack::WindowStack;
pub use state::{ClientConfig, ClientId, SurfaceKey};
pub use text::{NoText, TextRenderer};
pub use theme::Theme;
pub use titles::TitleText;

use clients::Clients;
use desk::Desk;
use layout::Layout;
use outbox::Outbox;
use stage::Stage;

/// The output the compositor draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Output {
    /// Width in physical pixels.
    pub width: u32,
    /// Height in physical pixels.
    pub height: u32,
    /// Physical pixels per logical pixel.
    pub scale: f32,
}

impl Output {
    /// Logical size.
    pub fn logical(&self) -> (u32, u32) {
        let scale = if self.scale > 0.0 { self.scale } else { 1.0 };
        ((self.width as f32 / scale) as u32, (self.height as f32 / scale) as u32)
    }
}

/// Something to deliver.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    /// An event for a client.
    Client(ClientId, Event),
    /// An event for the shell (only while it is subscribed).
    Shell(ShellEvent),
    /// An event for the capture consumer (only while it is subscribed).
    Capture(CaptureEvent),
}

/// Client buffers, as mapped by the service.
pub trait ClientBuffers {
    /// The pixels of `buffer` of `client`, if mapped.
    fn buffer(&self, client: ClientId, buffer: BufferId) -> Option<ImageView<'_>>;
}

/// The image id the scene uses for a client buffer.
pub(crate) fn buffer_image(client: ClientId, buffer: BufferId) -> ImageId {
    ImageId((u64::from(client.0) << 32) | u64::from(buffer.0))
}

/// Per-client limits.
pub(crate) const MAX_SURFACES: usize = 256;
pub(crate) const MAX_BUFFERS: usize = 256;

/// The compositor: owns the sub-states and dispatches requests, seat
/// events and frames across them.
pub struct Compositor {
    theme: Theme,
    output: Output,
    /// The scene and the compositor's own images.
    stage: Stage,
    clients: Clients,
    windows: WindowStack,
    input: InputRouter,
    captures: Captures,
    outbox: Outbox,
    /// Something changed since the last frame.
    dirty: bool,
}

impl Compositor {
    /// A compositor for `output`, drawing decorations with `theme` and
    /// title text with `text`.
    pub fn new(output: Output, theme: Theme, text: Box<dyn TextRenderer>) -> Compositor {
        let stage = Stage::new(output, &theme, text);
        let mut compositor = Compositor {
            theme,
            output,
            stage,
            clients: Clients::default(),
            windows: WindowStack::default(),
            input: InputRouter::default(),
            captures: Captures::default(),
            outbox: Outbox::default(),
            dirty: true,
        };
        compositor.set_output(output);
        let (width, height) = output.logical();
        compositor.input.pointer.x = width as f32 / 2.0;
        compositor.input.pointer.y = height as f32 / 2.0;
        compositor
    }

    /// The output being drawn.
    pub fn output(&self) -> Output {
        self.output
    }

    /// Change the output (a host window was resized): layers and
    /// maximised windows are laid out again and reconfigured.
    pub fn set_output(&mut self, output: Output) {
        let scale_changed = output.scale != self.output.scale;
        self.output = output;
        self.stage.set_output(output);
        if scale_changed {
            self.windows.invalidate_titles();
        }
        self.arrange();
        self.dirty = true;
    }

    /// Draw decorations with `theme` from now on (the system switched
    /// between light and dark): title bars are redrawn, frames, content
    /// backdrops and the desktop behind everything take its colours.
    pub fn set_theme(&mut self, theme: Theme) {
        self.stage.set_theme(&theme, &mut self.windows);
        self.theme = theme;
        self.arrange();
        self.dirty = true;
    }

    /// The decoration theme.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The windows in stacking order (geometry, surfaces).
    pub fn stack(&self) -> &WindowStack {
        &self.windows
    }

    /// The input router (where the pointer is).
    pub fn input(&self) -> &InputRouter {
        &self.input
    }

    /// Capture state (what is captured, what is pending).
    pub fn captures(&self) -> &Captures {
        &self.captures
    }

    /// Capture state, to stop captures, end them all, or set the clock.
    pub fn captures_mut(&mut self) -> &mut Captures {
        &mut self.captures
    }

    /// Take the events produced so far.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        self.outbox.take()
    }

    /// Surfaces and windows as laid out, for hit testing and coordinates.
    pub(crate) fn layout(&self) -> Layout<'_> {
        Layout {
            clients: &self.clients,
            windows: &self.windows,
            theme: &self.theme,
            scale: self.output.scale,
        }
    }

    /// The input router and the desk it acts on, borrowed side by side.
    pub(crate) fn desk(&mut self) -> (&mut InputRouter, Desk<'_>) {
        let Compositor { input, clients, windows, theme, output, outbox, dirty, .. } = self;
        (input, Desk { clients, windows, theme, output: *output, outbox, dirty })
    }

    /// Register a connected client.
    pub fn add_client(&mut self, id: ClientId, config: ClientConfig) {
        self.clients.add(id, config);
    }

    /// Forget a client (disconnected or dropped): its windows, layers and
    /// popups go away. Returns the buffers it had registered, which the
    /// service unmaps.
    pub fn remove_client(&mut self, id: ClientId) -> Vec<BufferId> {
        let Some(client) = self.clients.get(id) else {
            return Vec::new();
        };
        let surfaces: Vec<_> = client.surfaces.keys().copied().collect();
        for surface in surfaces.into_iter().rev() {
            self.destroy_surface((id, surface), false);
        }
        let buffers = self.clients.remove(id).map(|c| c.buffers.into_keys().collect()).unwrap_or_default();
        self.outbox.drop_client(id);
        self.dirty = true;
        buffers
    }

    /// Whether a frame should be rendered: something changed, or a visible
    /// surface waits for a frame callback.
    pub fn needs_frame(&self) -> bool {
        let layout = self.layout();
        self.dirty || self.clients.surfaces().any(|(key, s)| s.frame_requested && layout.surface_visible(key))
    }

    /// Composite what changed. `buffers` gives access to mapped client
    /// buffers. Returns the damage and costs; the caller copies the damage
    /// to the framebuffer, flushes, then calls [`Compositor::frame_done`].
    pub fn render(&mut self, renderer: &mut Renderer, buffers: &dyn ClientBuffers) -> weft_scene::Frame {
        let (focus, pointer) = (self.input.focus(), self.input.pointer());
        self.stage.sync(&mut self.clients, &mut self.windows, &self.theme, self.output.scale, focus, pointer);
        self.dirty = false;
        self.stage.render(renderer, &self.clients, buffers)
    }

    /// Composite everything as it is now (screenshots), without touching
    /// damage state.
    pub fn render_full(&mut self, renderer: &mut Renderer, buffers: &dyn ClientBuffers) {
        let (focus, pointer) = (self.input.focus(), self.input.pointer());
        self.stage.sync(&mut self.clients, &mut self.windows, &self.theme, self.output.scale, focus, pointer);
        self.stage.render_full(renderer, &self.clients, buffers);
    }

    /// The frame rendered last is on screen: send `FrameDone` to every
    /// visible surface waiting for one.
    pub fn frame_done(&mut self, time: u64) {
        let layout = self.layout();
        let done: Vec<SurfaceKey> = self
            .clients
            .surfaces()
            .filter(|(key, s)| s.frame_requested && layout.surface_visible(*key))
            .map(|(key, _)| key)
            .collect();
        for key in done {
            if let Some(surface) = self.clients.surface_mut(key) {
                surface.frame_requested = false;
            }
            self.outbox.client(key.0, Event::FrameDone { surface: key.1, time });
        }
    }
}

#[cfg(test)]
mod capture_tests;
#[cfg(test)]
mod tests;
