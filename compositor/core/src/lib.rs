//! weft-compositor — the compositor's core: window management without IPC.
//!
//! [`Compositor`] keeps every client's surfaces, buffers and roles, lays
//! out windows and layer surfaces, draws server-side decorations, routes
//! keyboard, pointer and touch input, keeps the shell's window list, and
//! renders all of it through a [`weft_scene::Scene`]. The compositor
//! service feeds it decoded requests and seat events and delivers the
//! [`Outgoing`] events it produces; tests drive it directly.
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
mod decorations;
mod input;
mod remote;
mod requests;
mod shell;
mod state;
mod sync;
mod text;
mod theme;
mod titles;
mod windows;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use weft_compositor_api::capture::CaptureEvent;
use weft_compositor_api::shell::ShellEvent;
use weft_compositor_api::{BufferId, Event};
use weft_scene::{Content, ImageId, ImageView, NodeId, Scene};

pub use capture::CaptureDamage;
pub use decorations::{Edges, Part, arrow_cursor};
pub use input::PointerState;
pub use state::{ClientConfig, ClientId, SurfaceKey};
pub use text::{NoText, TextRenderer};
pub use theme::Theme;
pub use titles::TitleText;

use state::{Client, Window};

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

const OWN_IMAGE: u64 = 1 << 63;

pub(crate) struct OwnedImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

pub(crate) struct Groups {
    pub root: NodeId,
    pub background: NodeId,
    pub bottom: NodeId,
    pub windows: NodeId,
    pub top: NodeId,
    pub overlay: NodeId,
    pub cursor: NodeId,
}

/// Per-client limits.
pub(crate) const MAX_SURFACES: usize = 256;
pub(crate) const MAX_BUFFERS: usize = 256;

/// The compositor's whole state.
pub struct Compositor {
    theme: Theme,
    text: Box<dyn TextRenderer>,
    output: Output,
    scene: Scene,
    groups: Groups,
    clients: BTreeMap<ClientId, Client>,
    /// Stacking order, bottom first.
    windows: Vec<Window>,
    next_window: u64,
    images: BTreeMap<ImageId, OwnedImage>,
    next_image: u64,
    cursor_image: ImageId,
    focus: Option<SurfaceKey>,
    pointer: input::Pointer,
    keyboard: input::KeyboardState,
    touches: BTreeMap<u32, input::TouchTarget>,
    outgoing: Vec<Outgoing>,
    shell_subscribed: bool,
    captures: capture::Captures,
    clock: u64,
    placed: u32,
    serial: u32,
    dirty: bool,
}

impl Compositor {
    /// A compositor for `output`, drawing decorations with `theme` and
    /// title text with `text`.
    pub fn new(output: Output, theme: Theme, text: Box<dyn TextRenderer>) -> Compositor {
        let mut scene = Scene::new(output.width, output.height, theme.desktop);
        let root = scene.root();
        let mut group = || scene.add(root, Content::Group).unwrap_or(root);
        let background = group();
        let bottom = group();
        let windows = group();
        let top = group();
        let overlay = group();
        let cursor = scene
            .add(
                root,
                Content::Image {
                    image: ImageId(OWN_IMAGE),
                    width: 0.0,
                    height: 0.0,
                    pixels: (0, 0),
                    opaque: false,
                },
            )
            .unwrap_or(root);
        let mut compositor = Compositor {
            theme,
            text,
            output,
            scene,
            groups: Groups { root, background, bottom, windows, top, overlay, cursor },
            clients: BTreeMap::new(),
            windows: Vec::new(),
            next_window: 1,
            images: BTreeMap::new(),
            next_image: 1,
            cursor_image: ImageId(OWN_IMAGE),
            focus: None,
            pointer: input::Pointer::default(),
            keyboard: input::KeyboardState::default(),
            touches: BTreeMap::new(),
            outgoing: Vec::new(),
            shell_subscribed: false,
            captures: capture::Captures::default(),
            clock: 0,
            placed: 0,
            serial: 0,
            dirty: true,
        };
        compositor.cursor_image = compositor.allocate_image();
        compositor.set_output(output);
        let (width, height) = output.logical();
        compositor.pointer.x = width as f32 / 2.0;
        compositor.pointer.y = height as f32 / 2.0;
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
        self.scene.resize(output.width, output.height);
        let _ = self
            .scene
            .set_transform(self.groups.root, weft_scene::Transform::scale(output.scale, output.scale));
        let (pixels, width, height) = arrow_cursor(output.scale);
        let image = self.cursor_image;
        self.images.insert(image, OwnedImage { width, height, pixels });
        let _ = self.scene.set_content(
            self.groups.cursor,
            Content::Image {
                image,
                width: width as f32 / output.scale,
                height: height as f32 / output.scale,
                pixels: (width, height),
                opaque: false,
            },
        );
        if scale_changed {
            for window in &mut self.windows {
                window.title_drawn = None;
            }
        }
        self.arrange();
        self.dirty = true;
    }

    /// Draw decorations with `theme` from now on (the system switched
    /// between light and dark): title bars are redrawn, frames, content
    /// backdrops and the desktop behind everything take its colours.
    pub fn set_theme(&mut self, theme: Theme) {
        self.scene.set_background(theme.desktop);
        for window in &mut self.windows {
            window.title_drawn = None;
            let _ = self.scene.set_color(window.frame, theme.border);
            let _ = self.scene.set_color(window.backdrop, theme.content_background);
        }
        self.theme = theme;
        self.arrange();
        self.dirty = true;
    }

    /// The decoration theme.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The scene (for inspection in tests).
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    /// Take the events produced so far.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        core::mem::take(&mut self.outgoing)
    }

    pub(crate) fn emit(&mut self, client: ClientId, event: Event) {
        self.outgoing.push(Outgoing::Client(client, event));
    }

    pub(crate) fn allocate_image(&mut self) -> ImageId {
        let id = ImageId(OWN_IMAGE | self.next_image);
        self.next_image += 1;
        id
    }

    pub(crate) fn next_serial(&mut self) -> u32 {
        self.serial = self.serial.wrapping_add(1);
        self.serial
    }

    /// Register a connected client.
    pub fn add_client(&mut self, id: ClientId, config: ClientConfig) {
        self.clients.insert(
            id,
            Client {
                config,
                surfaces: BTreeMap::new(),
                buffers: BTreeMap::new(),
                cursor: weft_compositor_api::CursorImage::Default,
            },
        );
    }

    /// Forget a client (disconnected or dropped): its windows, layers and
    /// popups go away. Returns the buffers it had registered, which the
    /// service unmaps.
    pub fn remove_client(&mut self, id: ClientId) -> Vec<BufferId> {
        let Some(client) = self.clients.get(&id) else {
            return Vec::new();
        };
        let surfaces: Vec<_> = client.surfaces.keys().copied().collect();
        for surface in surfaces.into_iter().rev() {
            self.destroy_surface((id, surface), false);
        }
        let buffers = self.clients.remove(&id).map(|c| c.buffers.into_keys().collect()).unwrap_or_default();
        self.outgoing.retain(|o| !matches!(o, Outgoing::Client(client, _) if *client == id));
        self.dirty = true;
        buffers
    }

    /// Whether a frame should be rendered: something changed, or a visible
    /// surface waits for a frame callback.
    pub fn needs_frame(&self) -> bool {
        self.dirty
            || self.clients.iter().any(|(id, client)| {
                client.surfaces.iter().any(|(sid, s)| s.frame_requested && self.surface_visible((*id, *sid)))
            })
    }

    /// The frame rendered last is on screen: send `FrameDone` to every
    /// visible surface waiting for one.
    pub fn frame_done(&mut self, time: u64) {
        let mut done = Vec::new();
        for (id, client) in &self.clients {
            for (sid, surface) in &client.surfaces {
                if surface.frame_requested && self.surface_visible((*id, *sid)) {
                    done.push((*id, *sid));
                }
            }
        }
        for (client, surface) in done {
            if let Some(s) = self.surface_mut((client, surface)) {
                s.frame_requested = false;
            }
            self.emit(client, Event::FrameDone { surface, time });
        }
    }
}

#[cfg(test)]
mod capture_tests;
#[cfg(test)]
mod tests;
