//! Bringing the scene in line with the window-management state, and
//! rendering it.
//!
//! The scene is re-synced from the state before every frame; the scene's
//! own diff turns whatever moved, resized, restacked or appeared into
//! damage, so window management never computes damage itself. Only client
//! content damage is passed on explicitly (in `present`).

use alloc::vec::Vec;
use weft_compositor_api::CursorImage;
use weft_scene::{Content, ImageId, ImageSource, ImageView, NodeId, Renderer, Transform};

use crate::decorations::TitleBar;
use crate::state::{Role, SurfaceKey};
use crate::{ClientBuffers, Compositor, buffer_image};

struct Sources<'a> {
    compositor: &'a Compositor,
    buffers: &'a dyn ClientBuffers,
}

impl ImageSource for Sources<'_> {
    fn image(&self, image: ImageId) -> Option<ImageView<'_>> {
        if image.0 & crate::OWN_IMAGE != 0 {
            let own = self.compositor.images.get(&image)?;
            return Some(ImageView {
                bytes: &own.pixels,
                width: own.width,
                height: own.height,
                stride: own.width * 4,
            });
        }
        let client = crate::ClientId((image.0 >> 32) as u32);
        let buffer = weft_compositor_api::BufferId(image.0 as u32);
        // Only buffers the client still has registered are read.
        let layout = self.compositor.clients.get(&client)?.buffers.get(&buffer)?;
        let view = self.buffers.buffer(client, buffer)?;
        let span = layout.span() as usize;
        if view.bytes.len() < span {
            return None;
        }
        Some(ImageView {
            bytes: &view.bytes[..span],
            width: layout.width,
            height: layout.height,
            stride: layout.stride,
        })
    }
}

impl Compositor {
    /// Composite what changed. `buffers` gives access to mapped client
    /// buffers. Returns the damage and costs; the caller copies the damage
    /// to the framebuffer, flushes, then calls [`Compositor::frame_done`].
    pub fn render(&mut self, renderer: &mut Renderer, buffers: &dyn ClientBuffers) -> weft_scene::Frame {
        self.sync_scene();
        self.dirty = false;
        let mut scene = core::mem::replace(&mut self.scene, weft_scene::Scene::new(0, 0, self.theme.desktop));
        let frame = renderer.render(&mut scene, &Sources { compositor: self, buffers });
        self.scene = scene;
        frame
    }

    /// Composite everything as it is now (screenshots), without touching
    /// damage state.
    pub fn render_full(&mut self, renderer: &mut Renderer, buffers: &dyn ClientBuffers) {
        self.sync_scene();
        let scene = core::mem::replace(&mut self.scene, weft_scene::Scene::new(0, 0, self.theme.desktop));
        renderer.render_full(&scene, &Sources { compositor: self, buffers });
        self.scene = scene;
    }

    /// Create or update the image node of a mapped surface under `parent`
    /// at logical `(x, y)`.
    fn sync_surface(&mut self, key: SurfaceKey, parent: NodeId, x: f32, y: f32) -> Option<NodeId> {
        let scale = self.output.scale;
        let surface = self.surface(key)?;
        let buffer = surface.buffer?;
        let pixels = surface.pixels;
        let width = pixels.0 as f32 / scale;
        let height = pixels.1 as f32 / scale;
        let node = match surface.node.filter(|n| self.scene.contains(*n)) {
            Some(node) => node,
            None => {
                let node = self
                    .scene
                    .add(
                        parent,
                        Content::Image {
                            image: buffer_image(key.0, buffer),
                            width,
                            height,
                            pixels,
                            opaque: false,
                        },
                    )
                    .ok()?;
                if let Some(surface) = self.surface_mut(key) {
                    surface.node = Some(node);
                }
                node
            }
        };
        let _ = self.scene.reparent(node, parent);
        let _ = self.scene.set_position(node, x, y);
        let _ = self.scene.set_size(node, width, height);
        Some(node)
    }

    fn sync_popups(&mut self, root: SurfaceKey, container: NodeId, origin: (i32, i32)) {
        let mut popups = self.popups_of(root);
        // Parents before children so children stack above.
        popups.sort_by_key(|p| {
            let mut depth = 0;
            let mut current = (root.0, *p);
            while current != root && depth < 64 {
                current = match self.surface(current).and_then(|s| s.role.as_ref()) {
                    Some(Role::Popup(popup)) => (root.0, popup.parent),
                    _ => root,
                };
                depth += 1;
            }
            depth
        });
        for popup in popups {
            let key = (root.0, popup);
            if let Some((px, py)) = self.popup_origin(key) {
                let x = (px - origin.0) as f32;
                let y = (py - origin.1) as f32;
                if let Some(node) = self.sync_surface(key, container, x, y) {
                    let _ = self.scene.raise(node);
                }
            }
        }
    }

    pub(crate) fn sync_scene(&mut self) {
        let theme = self.theme.clone();
        let border = theme.border_width as f32;
        let title = theme.title_height as f32;
        let scale = self.output.scale;
        // Windows, bottom to top.
        for index in 0..self.windows.len() {
            let (group, visible) = {
                let w = &self.windows[index];
                (w.group, w.mapped && !w.minimized)
            };
            let _ = self.scene.set_z(group, index);
            let _ = self.scene.set_visible(group, visible);
            if !visible {
                continue;
            }
            let w = &self.windows[index];
            let (x, y, width, height) = (w.x as f32, w.y as f32, w.size.width as f32, w.size.height as f32);
            let (frame, title_node, content, backdrop, popups, key) =
                (w.frame, w.title_node, w.content, w.backdrop, w.popups, w.key);
            let _ = self.scene.set_position(group, x - border, y - title - border);
            let _ = self.scene.set_size(frame, width + 2.0 * border, height + title + 2.0 * border);
            let _ = self.scene.set_position(title_node, border, border);
            let _ = self.scene.set_size(title_node, width, title);
            let _ = self.scene.set_position(content, border, border + title);
            let _ = self.scene.set_clip(content, Some((0.0, 0.0, width, height)));
            let _ = self.scene.set_position(popups, border, border + title);
            let _ = self.scene.set_size(backdrop, width, height);
            let shown = self.surface_size(key);
            let filled = shown.width >= w.size.width && shown.height >= w.size.height;
            let _ = self.scene.set_visible(backdrop, !filled);
            // Title bar image.
            let bar = TitleBar {
                width: w.size.width,
                scale,
                title: w.title.clone(),
                active: self.focus == Some(key),
                maximized: w.maximized,
                hover: w.hover,
            };
            if self.windows[index].title_drawn.as_ref() != Some(&bar) {
                let pixels = bar.draw(&theme, self.text.as_ref());
                let (pw, ph) = bar.pixels(&theme);
                let image = self.windows[index].title_image;
                self.images.insert(image, crate::OwnedImage { width: pw, height: ph, pixels });
                let _ = self.scene.update_image(title_node, image, (pw, ph), true, &[]);
                self.windows[index].title_drawn = Some(bar);
            }
            self.sync_surface(key, content, 0.0, 0.0);
            let origin = (self.windows[index].x, self.windows[index].y);
            self.sync_popups(key, popups, origin);
        }
        // Layer surfaces.
        let layers: Vec<(SurfaceKey, NodeId, i32, i32)> = self
            .clients
            .iter()
            .flat_map(|(cid, c)| {
                c.surfaces.iter().filter_map(move |(sid, s)| match &s.role {
                    Some(Role::Layer(l)) => Some(((*cid, *sid), l.group, l.x, l.y)),
                    _ => None,
                })
            })
            .collect();
        for (key, group, x, y) in layers {
            let _ = self.scene.set_position(group, x as f32, y as f32);
            self.sync_surface(key, group, 0.0, 0.0);
            self.sync_popups(key, group, (x, y));
        }
        self.sync_cursor();
    }

    fn sync_cursor(&mut self) {
        let node = self.groups.cursor;
        let scale = self.output.scale;
        let owner = self.pointer.focus.map(|k| k.0);
        let cursor = owner
            .and_then(|c| self.clients.get(&c))
            .map(|c| c.cursor.clone())
            .unwrap_or(CursorImage::Default);
        let (x, y) = (self.pointer.x, self.pointer.y);
        let client_surface = match &cursor {
            CursorImage::Surface { surface, hotspot } => owner.and_then(|c| {
                let s = self.surface((c, *surface))?;
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
