//! The stage: the scene graph, the compositor's own images, and syncing them.
//!
//! The compositor draws title bars and the cursor itself; client buffers
//! are read through [`ClientBuffers`].
//!
//! The scene is re-synced from the state before every frame; the scene's
//! own diff turns whatever moved, resized, restacked or appeared into
//! damage, so window management never computes damage itself. Only client
//! content damage is passed on explicitly (in `present`).

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use weft_compositor_api::{BufferId, CursorImage, Layer, Rect};
use weft_scene::{Content, ImageId, ImageSource, ImageView, NodeId, Renderer, Scene, SceneError, Transform};

use crate::clients::Clients;
use crate::decorations::{TitleBar, arrow_cursor};
use crate::layout::Layout;
use crate::pointer::PointerState;
use crate::stack::{WindowNodes, WindowStack};
use crate::state::{ClientId, SurfaceKey};
use crate::text::TextRenderer;
use crate::theme::Theme;
use crate::{ClientBuffers, Output, buffer_image};

/// Image ids with this bit are the compositor's own; the rest name client
/// buffers (see [`buffer_image`]).
pub(crate) const OWN_IMAGE: u64 = 1 << 63;

struct OwnedImage {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

/// The scene's top-level groups, bottom to top.
struct Groups {
    root: NodeId,
    background: NodeId,
    bottom: NodeId,
    windows: NodeId,
    top: NodeId,
    overlay: NodeId,
    cursor: NodeId,
}

/// What the renderer reads pixels from.
struct Sources<'a> {
    images: &'a BTreeMap<ImageId, OwnedImage>,
    clients: &'a Clients,
    buffers: &'a dyn ClientBuffers,
}

impl ImageSource for Sources<'_> {
    fn image(&self, image: ImageId) -> Option<ImageView<'_>> {
        if image.0 & OWN_IMAGE != 0 {
            let own = self.images.get(&image)?;
            return Some(ImageView {
                bytes: &own.pixels,
                width: own.width,
                height: own.height,
                stride: own.width * 4,
            });
        }
        let client = ClientId((image.0 >> 32) as u32);
        let buffer = BufferId(image.0 as u32);
        // Only buffers the client still has registered are read.
        let layout = self.clients.buffer(client, buffer)?;
        let view = self.buffers.buffer(client, buffer)?;
        let bytes = view.bytes.get(..layout.span() as usize)?;
        Some(ImageView { bytes, width: layout.width, height: layout.height, stride: layout.stride })
    }
}

/// The scene and everything drawn into it that is not a client's.
pub(crate) struct Stage {
    scene: Scene,
    groups: Groups,
    images: BTreeMap<ImageId, OwnedImage>,
    next_image: u64,
    cursor_image: ImageId,
    text: Box<dyn TextRenderer>,
}

impl Stage {
    /// An empty desktop in `theme`'s colour, drawing title text with `text`.
    pub fn new(output: Output, theme: &Theme, text: Box<dyn TextRenderer>) -> Stage {
        let mut scene = Scene::new(output.width, output.height, theme.desktop);
        let root = scene.root();
        let mut group = || scene.add(root, Content::Group).unwrap_or(root);
        let background = group();
        let bottom = group();
        let windows = group();
        let top = group();
        let overlay = group();
        let placeholder = Content::Image {
            image: ImageId(OWN_IMAGE),
            width: 0.0,
            height: 0.0,
            pixels: (0, 0),
            opaque: false,
        };
        let cursor = scene.add(root, placeholder).unwrap_or(root);
        let mut stage = Stage {
            scene,
            groups: Groups { root, background, bottom, windows, top, overlay, cursor },
            images: BTreeMap::new(),
            next_image: 1,
            cursor_image: ImageId(OWN_IMAGE),
            text,
        };
        stage.cursor_image = stage.allocate_image();
        stage
    }

    fn allocate_image(&mut self) -> ImageId {
        let id = ImageId(OWN_IMAGE | self.next_image);
        self.next_image += 1;
        id
    }

    /// Draw for `output`: its size, its scale, a cursor drawn at it.
    pub fn set_output(&mut self, output: Output) {
        self.scene.resize(output.width, output.height);
        let _ = self.scene.set_transform(self.groups.root, Transform::scale(output.scale, output.scale));
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
    }

    /// Repaint the desktop and every window's frame in `theme`'s colours.
    pub fn set_theme(&mut self, theme: &Theme, windows: &mut WindowStack) {
        self.scene.set_background(theme.desktop);
        for window in windows.iter_mut() {
            window.title_drawn = None;
            let _ = self.scene.set_color(window.nodes.frame, theme.border);
            let _ = self.scene.set_color(window.nodes.backdrop, theme.content_background);
        }
    }

    /// Nodes for a new window, hidden until it maps.
    pub fn add_window(&mut self, theme: &Theme) -> WindowNodes {
        let title_image = self.allocate_image();
        let scene = &mut self.scene;
        let mut add = |parent: NodeId, content: Content| scene.add(parent, content).unwrap_or(parent);
        let group = add(self.groups.windows, Content::Group);
        let frame = add(group, Content::Solid { color: theme.border, width: 0.0, height: 0.0 });
        let title = add(
            group,
            Content::Image { image: title_image, width: 0.0, height: 0.0, pixels: (0, 0), opaque: true },
        );
        let content = add(group, Content::Group);
        let backdrop =
            add(content, Content::Solid { color: theme.content_background, width: 0.0, height: 0.0 });
        let popups = add(group, Content::Group);
        let _ = scene.set_visible(group, false);
        WindowNodes { group, frame, backdrop, title, title_image, content, popups }
    }

    pub fn remove_window(&mut self, nodes: &WindowNodes) {
        let _ = self.scene.remove(nodes.group);
        self.images.remove(&nodes.title_image);
    }

    /// A group for a layer surface in its layer.
    pub fn add_layer(&mut self, layer: Layer) -> Result<NodeId, SceneError> {
        let parent = match layer {
            Layer::Background => self.groups.background,
            Layer::Bottom => self.groups.bottom,
            Layer::Top => self.groups.top,
            Layer::Overlay => self.groups.overlay,
        };
        self.scene.add(parent, Content::Group)
    }

    pub fn remove(&mut self, node: NodeId) {
        let _ = self.scene.remove(node);
    }

    /// A surface's node shows `buffer` of `client` now, changed in `damage`.
    pub fn present(
        &mut self,
        node: NodeId,
        client: ClientId,
        buffer: BufferId,
        pixels: (u32, u32),
        damage: &[Rect],
        scale: f32,
    ) {
        let _ = self.scene.update_image(node, buffer_image(client, buffer), pixels, false, damage);
        let _ = self.scene.set_size(node, pixels.0 as f32 / scale, pixels.1 as f32 / scale);
    }

    /// Composite what changed since the last frame.
    pub fn render(
        &mut self,
        renderer: &mut Renderer,
        clients: &Clients,
        buffers: &dyn ClientBuffers,
    ) -> weft_scene::Frame {
        renderer.render(&mut self.scene, &Sources { images: &self.images, clients, buffers })
    }

    /// Composite everything, leaving damage state alone.
    pub fn render_full(&self, renderer: &mut Renderer, clients: &Clients, buffers: &dyn ClientBuffers) {
        renderer.render_full(&self.scene, &Sources { images: &self.images, clients, buffers });
    }

    /// Bring the scene in line with windows, layers and the pointer.
    pub fn sync(
        &mut self,
        clients: &mut Clients,
        windows: &mut WindowStack,
        theme: &Theme,
        scale: f32,
        focus: Option<SurfaceKey>,
        pointer: PointerState,
    ) {
        let border = theme.border_width as f32;
        let title = theme.title_height as f32;
        // Windows, bottom to top.
        for index in 0..windows.len() {
            let Some(w) = windows.get(index) else {
                continue;
            };
            let (nodes, visible) = (&w.nodes, w.mapped && !w.minimized);
            let _ = self.scene.set_z(nodes.group, index);
            let _ = self.scene.set_visible(nodes.group, visible);
            if !visible {
                continue;
            }
            let (x, y, width, height) = (w.x as f32, w.y as f32, w.size.width as f32, w.size.height as f32);
            let scene = &mut self.scene;
            let _ = scene.set_position(nodes.group, x - border, y - title - border);
            let _ = scene.set_size(nodes.frame, width + 2.0 * border, height + title + 2.0 * border);
            let _ = scene.set_position(nodes.title, border, border);
            let _ = scene.set_size(nodes.title, width, title);
            let _ = scene.set_position(nodes.content, border, border + title);
            let _ = scene.set_clip(nodes.content, Some((0.0, 0.0, width, height)));
            let _ = scene.set_position(nodes.popups, border, border + title);
            let _ = scene.set_size(nodes.backdrop, width, height);
            let shown = clients.surface_size(w.key, scale);
            let filled = shown.width >= w.size.width && shown.height >= w.size.height;
            let _ = scene.set_visible(nodes.backdrop, !filled);
            let bar = TitleBar {
                width: w.size.width,
                scale,
                title: w.title.clone(),
                active: focus == Some(w.key),
                maximized: w.maximized,
                hover: w.hover,
            };
            let (key, origin, content, popups) = (w.key, (w.x, w.y), nodes.content, nodes.popups);
            if w.title_drawn.as_ref() != Some(&bar) {
                let pixels = bar.draw(theme, self.text.as_ref());
                let (pw, ph) = bar.pixels(theme);
                let image = w.nodes.title_image;
                self.images.insert(image, OwnedImage { width: pw, height: ph, pixels });
                let _ = self.scene.update_image(w.nodes.title, image, (pw, ph), true, &[]);
                if let Some(w) = windows.get_mut(index) {
                    w.title_drawn = Some(bar);
                }
            }
            self.sync_surface(clients, key, content, (0.0, 0.0), scale);
            let places = Layout { clients: &*clients, windows: &*windows, theme, scale }.popup_places(key);
            self.sync_popups(clients, places, popups, origin, scale);
        }
        // Layer surfaces.
        let layers: Vec<(SurfaceKey, NodeId, i32, i32)> =
            clients.layers().map(|(key, _, l)| (key, l.group, l.x, l.y)).collect();
        for (key, group, x, y) in layers {
            let _ = self.scene.set_position(group, x as f32, y as f32);
            self.sync_surface(clients, key, group, (0.0, 0.0), scale);
            let places = Layout { clients: &*clients, windows: &*windows, theme, scale }.popup_places(key);
            self.sync_popups(clients, places, group, (x, y), scale);
        }
        self.sync_cursor(clients, pointer, scale);
    }

    /// Create or update the image node of a mapped surface under `parent`
    /// at logical `at`.
    fn sync_surface(
        &mut self,
        clients: &mut Clients,
        key: SurfaceKey,
        parent: NodeId,
        at: (f32, f32),
        scale: f32,
    ) -> Option<NodeId> {
        let surface = clients.surface_mut(key)?;
        let buffer = surface.buffer?;
        let pixels = surface.pixels;
        let width = pixels.0 as f32 / scale;
        let height = pixels.1 as f32 / scale;
        let node = match surface.node.filter(|n| self.scene.contains(*n)) {
            Some(node) => node,
            None => {
                let image = buffer_image(key.0, buffer);
                let node = self
                    .scene
                    .add(parent, Content::Image { image, width, height, pixels, opaque: false })
                    .ok()?;
                surface.node = Some(node);
                node
            }
        };
        let _ = self.scene.reparent(node, parent);
        let _ = self.scene.set_position(node, at.0, at.1);
        let _ = self.scene.set_size(node, width, height);
        Some(node)
    }

    /// Place `popups` (with their output origins) in `container`, whose
    /// origin is `origin`.
    fn sync_popups(
        &mut self,
        clients: &mut Clients,
        popups: Vec<(SurfaceKey, (i32, i32))>,
        container: NodeId,
        origin: (i32, i32),
        scale: f32,
    ) {
        for (key, (px, py)) in popups {
            let at = ((px - origin.0) as f32, (py - origin.1) as f32);
            if let Some(node) = self.sync_surface(clients, key, container, at, scale) {
                let _ = self.scene.raise(node);
            }
        }
    }

    fn sync_cursor(&mut self, clients: &Clients, pointer: PointerState, scale: f32) {
        let node = self.groups.cursor;
        let owner = pointer.focus.map(|k| k.0);
        let cursor =
            owner.and_then(|c| clients.get(c)).map(|c| c.cursor.clone()).unwrap_or(CursorImage::Default);
        let (x, y) = (pointer.x, pointer.y);
        let client_surface = match &cursor {
            CursorImage::Surface { surface, hotspot } => owner.and_then(|c| {
                let s = clients.surface((c, *surface))?;
                let buffer = s.buffer?;
                Some((buffer_image(c, buffer), s.pixels, *hotspot))
            }),
            _ => None,
        };
        match (cursor, client_surface) {
            (CursorImage::Hidden, _) => {
                let _ = self.scene.set_visible(node, false);
            }
            (_, Some((image, pixels, hotspot))) => {
                let _ = self.scene.set_visible(node, true);
                let content = Content::Image {
                    image,
                    width: pixels.0 as f32 / scale,
                    height: pixels.1 as f32 / scale,
                    pixels,
                    opaque: false,
                };
                let _ = self.scene.set_content(node, content);
                let _ = self.scene.set_transform(
                    node,
                    Transform::translate(x - hotspot.x as f32 / scale, y - hotspot.y as f32 / scale),
                );
            }
            _ => {
                let _ = self.scene.set_visible(node, true);
                let image = self.cursor_image;
                if let Some(own) = self.images.get(&image) {
                    let content = Content::Image {
                        image,
                        width: own.width as f32 / scale,
                        height: own.height as f32 / scale,
                        pixels: (own.width, own.height),
                        opaque: false,
                    };
                    let _ = self.scene.set_content(node, content);
                }
                let _ = self.scene.set_transform(node, Transform::translate(x, y));
            }
        }
        let _ = self.scene.raise(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_compositor_api::SurfaceId;

    use crate::NoText;
    use crate::stack::Window;
    use crate::state::{ClientConfig, Role};

    const OUTPUT: Output = Output { width: 800, height: 600, scale: 1.0 };

    fn stage() -> Stage {
        let mut stage = Stage::new(OUTPUT, &Theme::default(), alloc::boxed::Box::new(NoText));
        stage.set_output(OUTPUT);
        stage
    }

    #[test]
    fn a_new_output_resizes_the_scene_and_redraws_the_cursor() {
        let mut stage = stage();
        let small = stage.images.get(&stage.cursor_image).map(|i| i.width);
        stage.set_output(Output { width: 1600, height: 1200, scale: 2.0 });
        assert_eq!(stage.scene.size(), (1600, 1200));
        let large = stage.images.get(&stage.cursor_image).map(|i| i.width);
        assert!(large > small, "the cursor follows the scale: {small:?} → {large:?}");
    }

    #[test]
    fn windows_get_nodes_that_sync_places_and_removing_drops() {
        let theme = Theme::default();
        let mut stage = stage();
        let mut clients = Clients::default();
        clients.add(ClientId(1), ClientConfig::default());
        let key = (ClientId(1), SurfaceId(1));
        clients.create_surface(key.0, key.1).unwrap();
        let mut windows = WindowStack::default();
        let id = windows.next_id();
        let role = weft_compositor_api::ToplevelRole {
            title: "t".into(),
            app_id: "a".into(),
            size: weft_compositor_api::Size::new(200, 100),
            min_size: weft_compositor_api::Size::default(),
        };
        let nodes = stage.add_window(&theme);
        let (group, content, title_image) = (nodes.group, nodes.content, nodes.title_image);
        windows.push(Window::new(id, key, role, nodes));
        clients.surface_mut(key).unwrap().role = Some(Role::Toplevel(id));
        let window = windows.get_mut(0).unwrap();
        (window.x, window.y, window.mapped) = (100, 120, true);
        let pointer = PointerState { x: 0.0, y: 0.0, focus: None };
        stage.sync(&mut clients, &mut windows, &theme, 1.0, None, pointer);
        let placed = stage.scene.world_transform(content).unwrap();
        assert_eq!((placed.tx, placed.ty), (100.0, 120.0), "content sits at the window's origin");
        assert!(windows.get(0).unwrap().title_drawn.is_some());
        assert!(stage.images.contains_key(&title_image));
        let window = windows.remove(id).unwrap();
        stage.remove_window(&window.nodes);
        assert!(!stage.scene.contains(group));
        assert!(!stage.images.contains_key(&title_image));
    }
}
