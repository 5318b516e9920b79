//! weft-compositor-api — the surface protocol every Weft app and the shell speak.
//!
//! Modelled on a present/release loop (as in Fuchsia's Flatland): a client
//! owns its buffers (shared-memory objects), registers each with the
//! compositor by sending a read-only duplicate handle, draws into a buffer
//! it owns and [`Request::Present`]s it with damage rectangles. From then
//! on the compositor may read that buffer at any time, until it sends
//! [`Event::BufferReleased`] (which happens once another buffer replaced it
//! on screen). [`Event::FrameDone`] paces drawing: a client draws its next
//! frame when the last one was shown.
//!
//! Surfaces get one role for life: a toplevel window (decorated by the
//! compositor, so a jailed app can never draw system UI), a popup (above
//! its parent), a layer surface (wallpaper, panel, notifications, lock
//! screen; only for clients whose route grants `layer`), or a cursor.
//!
//! Requests are one-way, except [`Request::Sync`]. A request the compositor
//! cannot accept (unknown ids, a buffer that does not fit its memory, a
//! role change, bytes that do not decode) is a protocol error: the
//! compositor sends [`Event::Error`] and disconnects the client, freeing
//! everything it had.
//!
//! [`shell`] is the second protocol, for the desktop shell: the window
//! list, window actions and the shortcuts the compositor keeps.
//! [`capture`] is the third, for the mesh service alone: window pictures
//! with flow control, remote input and resizes. [`client`] is the typed
//! client apps and the shell use.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod capture;
pub mod client;
pub mod shell;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The geometry and input vocabulary the protocol's messages carry.
pub use weft_types::{InputEvent, KeyEvent, Modifiers, Point, PointerEvent, Rect, Size, TouchEvent};

/// The surface protocol.
pub enum CompositorProtocol {}

impl Protocol for CompositorProtocol {
    const NAME: &'static str = "weft.compositor";
    const VERSION: u16 = 1;
    type Request = Request;
    type Response = Response;
    type Event = Event;
}

/// The grant a route must carry for its client to create layer surfaces.
pub const GRANT_LAYER: &str = "layer";

/// Largest buffer side the compositor accepts, in pixels.
pub const MAX_BUFFER_SIDE: u32 = 8192;

/// A surface, named by the client (unique among its live surfaces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SurfaceId(pub u32);

/// A registered buffer, named by the client (unique among its buffers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BufferId(pub u32);

/// Pixel layout of a surface buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SurfaceFormat {
    /// Bytes R, G, B, A with colour premultiplied by alpha.
    Rgba8Premultiplied,
}

impl SurfaceFormat {
    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> u32 {
        match self {
            SurfaceFormat::Rgba8Premultiplied => 4,
        }
    }
}

/// Where a buffer lives inside its memory object and how it is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BufferLayout {
    /// Width in pixels (1..=[`MAX_BUFFER_SIDE`]).
    pub width: u32,
    /// Height in pixels (1..=[`MAX_BUFFER_SIDE`]).
    pub height: u32,
    /// Bytes from one row to the next (at least `width` × 4, a multiple
    /// of 4).
    pub stride: u32,
    /// Byte offset of the first row in the memory object (page aligned).
    pub offset: u64,
    /// Pixel layout.
    pub format: SurfaceFormat,
}

impl BufferLayout {
    /// A tightly packed premultiplied RGBA buffer at offset 0.
    pub const fn packed(width: u32, height: u32) -> BufferLayout {
        BufferLayout {
            width,
            height,
            stride: width * 4,
            offset: 0,
            format: SurfaceFormat::Rgba8Premultiplied,
        }
    }

    /// Bytes the layout spans from `offset` (`stride` × `height`).
    pub fn span(&self) -> u64 {
        u64::from(self.stride) * u64::from(self.height)
    }

    /// Whether the layout is self-consistent (sizes, stride, alignment).
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let bpp = self.format.bytes_per_pixel();
        let sides_ok =
            (1..=MAX_BUFFER_SIDE).contains(&self.width) && (1..=MAX_BUFFER_SIDE).contains(&self.height);
        let stride_ok = self.stride.is_multiple_of(bpp)
            && u64::from(self.stride) >= u64::from(self.width) * u64::from(bpp);
        let offset_ok = self.offset.is_multiple_of(4096);
        if sides_ok && stride_ok && offset_ok { Ok(()) } else { Err(ProtocolError::BadBufferLayout) }
    }
}

/// Which stacking layer a layer surface lives in, bottom to top. Normal
/// windows sit between `Bottom` and `Top`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Layer {
    /// Wallpaper.
    Background,
    /// Below windows (desktop icons).
    Bottom,
    /// Above windows (panels, docks).
    Top,
    /// Above everything (notifications, lock screen, on-screen keyboard).
    Overlay,
}

bitflags::bitflags! {
    /// Output edges a layer surface is anchored to.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Anchor: u8 {
        /// Top edge.
        const TOP = 1 << 0;
        /// Bottom edge.
        const BOTTOM = 1 << 1;
        /// Left edge.
        const LEFT = 1 << 2;
        /// Right edge.
        const RIGHT = 1 << 3;
    }
}

/// Whether a layer surface takes keyboard focus.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyboardInteractivity {
    /// Never (a panel that is only clicked).
    #[default]
    None,
    /// When clicked, like a window (a launcher's search field).
    OnDemand,
    /// Always, while mapped, above every window (a lock screen).
    Exclusive,
}

/// A toplevel window.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToplevelRole {
    /// Title shown in the title bar and the task list.
    pub title: String,
    /// Application id (package id), for icons and grouping.
    pub app_id: String,
    /// Content size the client would like (logical pixels); zero for "you
    /// choose".
    pub size: Size,
    /// Smallest content size the client supports.
    pub min_size: Size,
}

/// A popup (menu, tooltip), placed relative to its parent's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopupRole {
    /// The parent surface (a toplevel, layer surface or popup of this client).
    pub parent: SurfaceId,
    /// Top-left corner relative to the parent's content origin.
    pub position: Point,
    /// Whether the popup takes the pointer and keyboard while it is shown
    /// (a menu); a click outside it dismisses it with [`Event::PopupDone`].
    pub grab: bool,
}

/// A layer surface (wallpaper, panel, notification, lock screen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRole {
    /// Stacking layer.
    pub layer: Layer,
    /// Edges it sticks to. Anchored to two opposite edges, it stretches
    /// along that axis (its size there is ignored).
    pub anchor: Anchor,
    /// Requested size in logical pixels.
    pub size: Size,
    /// Space reserved along the anchored edge, which maximised windows do
    /// not cover (a panel's height); 0 for none.
    pub exclusive_zone: u32,
    /// Distance from the anchored edges.
    pub margin: u32,
    /// Keyboard focus policy.
    pub keyboard: KeyboardInteractivity,
}

/// The role of a surface, set once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// A decorated application window.
    Toplevel(ToplevelRole),
    /// A popup above its parent.
    Popup(PopupRole),
    /// A layer surface (needs the [`GRANT_LAYER`] grant).
    Layer(LayerRole),
    /// A pointer image (see [`Request::SetCursor`]).
    Cursor,
}

/// What the pointer looks like over this client's surfaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CursorImage {
    /// The system arrow.
    Default,
    /// No cursor.
    Hidden,
    /// A cursor-role surface of this client; `hotspot` is the pixel that
    /// points.
    Surface {
        /// The cursor surface.
        surface: SurfaceId,
        /// The pointing pixel, relative to the surface.
        hotspot: Point,
    },
}

/// Window state changes a client may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WindowAction {
    /// Fill the work area.
    Maximize,
    /// Back to the size before maximising.
    Unmaximize,
    /// Hide until activated from the shell.
    Minimize,
}

/// Requests from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Make a new surface without a role.
    CreateSurface {
        /// Its id.
        surface: SurfaceId,
    },
    /// Destroy a surface (and its popups); its buffer is released.
    DestroySurface {
        /// Which.
        surface: SurfaceId,
    },
    /// Register a buffer; exactly one memory object handle (read-only is
    /// enough) is attached. The layout must fit inside the object.
    RegisterBuffer {
        /// Its id.
        buffer: BufferId,
        /// Where the pixels are.
        layout: BufferLayout,
    },
    /// Forget a buffer. If a surface shows it, that surface becomes empty.
    UnregisterBuffer {
        /// Which.
        buffer: BufferId,
    },
    /// Give a surface its role (once).
    SetRole {
        /// Which surface.
        surface: SurfaceId,
        /// The role.
        role: Role,
    },
    /// Change a toplevel's title.
    SetTitle {
        /// Which surface.
        surface: SurfaceId,
        /// The title.
        title: String,
    },
    /// Change a toplevel's minimum content size.
    SetMinSize {
        /// Which surface.
        surface: SurfaceId,
        /// Minimum size in logical pixels.
        size: Size,
    },
    /// Show `buffer` on `surface` (or unmap the surface with `None`).
    /// `damage` lists the rectangles, in buffer pixels, that differ from
    /// what the surface showed before; empty means "all of it". The
    /// compositor reads the buffer until it sends `BufferReleased`, and
    /// sends `FrameDone` once the frame showing it is on screen.
    Present {
        /// Which surface.
        surface: SurfaceId,
        /// The new content.
        buffer: Option<BufferId>,
        /// What changed, in buffer pixels.
        damage: Vec<Rect>,
    },
    /// Ask for a `FrameDone` at the next frame even without presenting
    /// (animation clocks).
    RequestFrame {
        /// Which surface.
        surface: SurfaceId,
    },
    /// Acknowledge a configure before presenting content for it.
    AckConfigure {
        /// Which surface.
        surface: SurfaceId,
        /// The configure's serial.
        serial: u32,
    },
    /// Ask for a window state change.
    Window {
        /// Which toplevel.
        surface: SurfaceId,
        /// What to do.
        action: WindowAction,
    },
    /// Choose the pointer image over this client's surfaces.
    SetCursor {
        /// The image.
        cursor: CursorImage,
    },
    /// A call answered once every earlier request was handled.
    Sync,
}

/// Answers to calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// Every earlier request was handled.
    Synced,
}

bitflags::bitflags! {
    /// States a toplevel is in, sent with each configure.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct WindowStates: u8 {
        /// It has keyboard focus (draw it active).
        const ACTIVATED = 1 << 0;
        /// It fills the work area.
        const MAXIMIZED = 1 << 1;
        /// The user is resizing it.
        const RESIZING = 1 << 2;
        /// It is hidden (minimised): no need to draw.
        const SUSPENDED = 1 << 3;
    }
}

/// The compositor tells a surface how to draw.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Configure {
    /// Which surface.
    pub surface: SurfaceId,
    /// Acknowledge with [`Request::AckConfigure`].
    pub serial: u32,
    /// Content size in logical pixels (zero: the client chooses).
    pub size: Size,
    /// Buffer pixels per logical pixel; draw buffers `size` × `scale`.
    pub scale: f32,
    /// Window states (toplevels).
    pub states: WindowStates,
}

/// Keyboard events for the focused surface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyboardEvent {
    /// The surface got keyboard focus.
    Enter {
        /// Modifiers held at that moment.
        modifiers: Modifiers,
    },
    /// The surface lost keyboard focus.
    Leave,
    /// A key, with its text under the active keymap.
    Key(KeyEvent),
}

/// Why the compositor disconnected a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProtocolError {
    /// A request did not decode, or spoke another version.
    Malformed,
    /// A surface id that is not (or no longer) the client's.
    UnknownSurface(SurfaceId),
    /// A buffer id that is not (or no longer) the client's.
    UnknownBuffer(BufferId),
    /// An id already in use.
    DuplicateId,
    /// A buffer layout that is inconsistent or too large.
    BadBufferLayout,
    /// The buffer does not fit in its memory object, or no usable memory
    /// object was attached.
    BadBufferMemory,
    /// A role was set twice, or a request needs a role the surface lacks.
    BadRole,
    /// The route does not grant what the request needs (layer surfaces).
    NotPermitted,
    /// Too many surfaces, buffers or bytes mapped.
    LimitReached,
    /// The client stopped reading its events.
    Unresponsive,
}

impl core::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ProtocolError::Malformed => f.write_str("malformed request"),
            ProtocolError::UnknownSurface(id) => write!(f, "unknown surface {}", id.0),
            ProtocolError::UnknownBuffer(id) => write!(f, "unknown buffer {}", id.0),
            ProtocolError::DuplicateId => f.write_str("id already in use"),
            ProtocolError::BadBufferLayout => f.write_str("inconsistent buffer layout"),
            ProtocolError::BadBufferMemory => f.write_str("buffer does not fit its memory"),
            ProtocolError::BadRole => f.write_str("role missing or set twice"),
            ProtocolError::NotPermitted => f.write_str("not permitted for this client"),
            ProtocolError::LimitReached => f.write_str("resource limit reached"),
            ProtocolError::Unresponsive => f.write_str("client stopped reading events"),
        }
    }
}

/// Events the compositor sends a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// Draw at this size and scale, in these states.
    Configure(Configure),
    /// The user asked to close this toplevel (close button, shell).
    Close {
        /// Which surface.
        surface: SurfaceId,
    },
    /// The popup was dismissed; the client should destroy it.
    PopupDone {
        /// Which surface.
        surface: SurfaceId,
    },
    /// Keyboard input for a focused surface.
    Keyboard {
        /// Which surface.
        surface: SurfaceId,
        /// What happened.
        event: KeyboardEvent,
    },
    /// Pointer input in surface coordinates (logical pixels).
    Pointer {
        /// Which surface.
        surface: SurfaceId,
        /// What happened.
        event: PointerEvent,
    },
    /// Touch input in surface coordinates (logical pixels).
    Touch {
        /// Which surface.
        surface: SurfaceId,
        /// What happened.
        event: TouchEvent,
    },
    /// The frame showing this surface's last present is on screen: draw
    /// the next one.
    FrameDone {
        /// Which surface.
        surface: SurfaceId,
        /// When the frame was shown (monotonic nanoseconds).
        time: u64,
    },
    /// The compositor no longer reads this buffer; the client owns it.
    BufferReleased {
        /// Which buffer.
        buffer: BufferId,
    },
    /// The client broke the protocol and is being disconnected.
    Error(ProtocolError),
}

#[cfg(test)]
mod tests;
