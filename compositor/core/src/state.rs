//! The compositor's records: clients, surfaces and their roles.

use alloc::collections::BTreeMap;
use alloc::string::String;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{
    BufferId, BufferLayout, CursorImage, KeyboardInteractivity, LayerRole, Point, Size, SurfaceId,
};
use weft_scene::NodeId;

/// A connected client, named by the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId(pub u32);

/// A surface of a client.
pub type SurfaceKey = (ClientId, SurfaceId);

/// What the service knows about a client, from the root manager.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientConfig {
    /// The client's name in the service graph.
    pub name: String,
    /// Whether its route grants layer surfaces (the shell).
    pub may_use_layers: bool,
}

pub(crate) struct Client {
    pub config: ClientConfig,
    pub surfaces: BTreeMap<SurfaceId, Surface>,
    pub buffers: BTreeMap<BufferId, BufferLayout>,
    pub cursor: CursorImage,
}

pub(crate) enum Role {
    Toplevel(WindowId),
    Popup(Popup),
    Layer(LayerSurface),
    Cursor,
}

pub(crate) struct Popup {
    pub parent: SurfaceId,
    pub position: Point,
    pub grab: bool,
}

pub(crate) struct LayerSurface {
    pub role: LayerRole,
    /// Logical position and size as laid out.
    pub x: i32,
    pub y: i32,
    pub size: Size,
    pub group: NodeId,
}

impl LayerSurface {
    pub fn takes_keyboard(&self) -> bool {
        self.role.keyboard != KeyboardInteractivity::None
    }
}

pub(crate) struct Surface {
    pub role: Option<Role>,
    pub buffer: Option<BufferId>,
    pub pixels: (u32, u32),
    pub node: Option<NodeId>,
    pub frame_requested: bool,
    pub serial: u32,
}

impl Surface {
    pub fn new() -> Surface {
        Surface { role: None, buffer: None, pixels: (0, 0), node: None, frame_requested: false, serial: 0 }
    }

    pub fn mapped(&self) -> bool {
        self.buffer.is_some()
    }

    /// The logical size its buffer shows at, rounded to whole pixels.
    pub fn logical_size(&self, scale: f32) -> Size {
        Size::new((self.pixels.0 as f32 / scale + 0.5) as u32, (self.pixels.1 as f32 / scale + 0.5) as u32)
    }
}
