//! Window management: placing, stacking, focusing, maximising and
//! minimising windows; laying out layer surfaces and the work area.

use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{
    Anchor, Configure, Event, KeyboardEvent, Layer, ProtocolError, Size, SurfaceId, ToplevelRole,
    WindowStates,
};
use weft_scene::{Content, NodeId};

use crate::Compositor;
use crate::state::{Role, SurfaceKey, Window};

/// Size given to a toplevel that lets the compositor choose.
const DEFAULT_SIZE: Size = Size::new(640, 480);

/// A rectangle in logical pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Area {
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x as f32
            && y >= self.y as f32
            && x < self.x as f32 + self.width as f32
            && y < self.y as f32 + self.height as f32
    }
}

impl Compositor {
    pub(crate) fn toplevel_index(&self, key: SurfaceKey) -> Result<usize, ProtocolError> {
        let surface = self.surface(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        match surface.role {
            Some(Role::Toplevel(id)) => self.window_index(id).ok_or(ProtocolError::BadRole),
            _ => Err(ProtocolError::BadRole),
        }
    }

    pub(crate) fn window_index(&self, id: WindowId) -> Option<usize> {
        self.windows.iter().position(|w| w.id == id)
    }

    pub(crate) fn layer_group(&self, layer: Layer) -> NodeId {
        match layer {
            Layer::Background => self.groups.background,
            Layer::Bottom => self.groups.bottom,
            Layer::Top => self.groups.top,
            Layer::Overlay => self.groups.overlay,
        }
    }

    pub(crate) fn create_window(&mut self, key: SurfaceKey, role: ToplevelRole) -> WindowId {
        let id = WindowId(self.next_window);
        self.next_window += 1;
        let windows = self.groups.windows;
        let mut add = |parent: NodeId, content: Content| self.scene.add(parent, content).unwrap_or(parent);
        let group = add(windows, Content::Group);
        let frame = add(group, Content::Solid { color: self.theme.border, width: 0.0, height: 0.0 });
        let title_image = {
            let id = weft_scene::ImageId(crate::OWN_IMAGE | self.next_image);
            self.next_image += 1;
            id
        };
        let mut add = |parent: NodeId, content: Content| self.scene.add(parent, content).unwrap_or(parent);
        let title_node = add(
            group,
            Content::Image { image: title_image, width: 0.0, height: 0.0, pixels: (0, 0), opaque: true },
        );
        let content = add(group, Content::Group);
        let backdrop =
            add(content, Content::Solid { color: self.theme.content_background, width: 0.0, height: 0.0 });
        let popups = add(group, Content::Group);
        let _ = self.scene.set_visible(group, false);
        let requested = if role.size.is_empty() { DEFAULT_SIZE } else { role.size };
        self.windows.push(Window {
            id,
            key,
            title: role.title,
            app_id: role.app_id,
            min_size: role.min_size,
            x: 0,
            y: 0,
            size: requested,
            requested: None,
            maximized: false,
            minimized: false,
            saved: (0, 0, requested),
            resizing: false,
            mapped: false,
            hover: None,
            group,
            frame,
            backdrop,
            title_node,
            title_image,
            title_drawn: None,
            content,
            popups,
        });
        let index = self.windows.len() - 1;
        self.configure_window(index);
        id
    }

    /// Send a toplevel its size and states.
    pub(crate) fn configure_window(&mut self, index: usize) {
        let Some(window) = self.windows.get(index) else {
            return;
        };
        let mut states = WindowStates::empty();
        states.set(WindowStates::ACTIVATED, self.focus == Some(window.key));
        states.set(WindowStates::MAXIMIZED, window.maximized);
        states.set(WindowStates::RESIZING, window.resizing);
        states.set(WindowStates::SUSPENDED, window.minimized);
        let size = match window.requested {
            Some(requested) if !window.maximized => requested,
            _ => window.size,
        };
        let key = window.key;
        let serial = self.next_serial();
        self.emit(
            key.0,
            Event::Configure(Configure { surface: key.1, serial, size, scale: self.output.scale, states }),
        );
    }

    pub(crate) fn remove_window(&mut self, id: WindowId) {
        let Some(index) = self.window_index(id) else {
            return;
        };
        let window = self.windows.remove(index);
        if window.mapped {
            self.capture_window_removed(id, window.key);
        }
        let _ = self.scene.remove(window.group);
        self.images.remove(&window.title_image);
        if window.mapped && self.shell_subscribed {
            self.outgoing.push(crate::Outgoing::Shell(
                weft_compositor_api::shell::ShellEvent::WindowRemoved { window: id },
            ));
        }
        self.pointer.forget_window(id);
        self.dirty = true;
    }

    /// A surface got a buffer: map windows, follow the buffer's size, lay
    /// out layers.
    pub(crate) fn surface_presented(&mut self, key: SurfaceKey, was_mapped: bool) {
        let Some(surface) = self.surface(key) else {
            return;
        };
        let pixels = surface.pixels;
        let scale = self.output.scale;
        let logical =
            Size::new((pixels.0 as f32 / scale + 0.5) as u32, (pixels.1 as f32 / scale + 0.5) as u32);
        match &surface.role {
            Some(Role::Toplevel(id)) => {
                let id = *id;
                let Some(index) = self.window_index(id) else {
                    return;
                };
                let window = &mut self.windows[index];
                if !window.maximized {
                    if let Some((right, bottom)) = self.pointer.resize_anchor(window.id) {
                        window.x = right - logical.width as i32;
                        window.y = bottom - logical.height as i32;
                    }
                    window.size = logical;
                    if window.requested == Some(logical) {
                        window.requested = None;
                    }
                }
                if !window.mapped {
                    window.mapped = true;
                    self.place(index);
                    let key = self.windows[index].key;
                    self.activate(index);
                    let _ = key;
                    // Activating raised it: look it up again.
                    let index = self.window_index(id).unwrap_or(index);
                    self.capture_window_added(index);
                    if self.shell_subscribed {
                        let info = self.window_info(index);
                        self.outgoing.push(crate::Outgoing::Shell(
                            weft_compositor_api::shell::ShellEvent::WindowAdded(info),
                        ));
                    }
                }
            }
            Some(Role::Layer(_)) => {
                if !was_mapped {
                    self.arrange();
                    self.refocus();
                } else {
                    self.arrange();
                }
            }
            Some(Role::Popup(popup)) if popup.grab && !was_mapped => {
                self.set_focus(Some(key));
            }
            _ => {}
        }
    }

    pub(crate) fn surface_unmapped(&mut self, key: SurfaceKey) {
        let Some(surface) = self.surface(key) else {
            return;
        };
        match &surface.role {
            Some(Role::Toplevel(id)) => {
                let id = *id;
                if let Some(index) = self.window_index(id)
                    && self.windows[index].mapped
                {
                    self.windows[index].mapped = false;
                    self.capture_window_removed(id, key);
                    if self.shell_subscribed {
                        self.outgoing.push(crate::Outgoing::Shell(
                            weft_compositor_api::shell::ShellEvent::WindowRemoved { window: id },
                        ));
                    }
                }
                if self.focus == Some(key) {
                    self.focus = None;
                    self.refocus();
                }
            }
            Some(Role::Layer(_)) => {
                self.arrange();
                if self.focus == Some(key) {
                    self.focus = None;
                }
                self.refocus();
            }
            Some(Role::Popup(popup)) => {
                let parent = popup.parent;
                if self.focus == Some(key) {
                    self.focus = None;
                    let root = self.root_surface((key.0, parent));
                    self.set_focus(Some(root));
                }
            }
            _ => {}
        }
    }

    /// The toplevel or layer surface a popup chain hangs from.
    pub(crate) fn root_surface(&self, key: SurfaceKey) -> SurfaceKey {
        let mut current = key;
        for _ in 0..64 {
            match self.surface(current).and_then(|s| s.role.as_ref()) {
                Some(Role::Popup(popup)) => current = (current.0, popup.parent),
                _ => return current,
            }
        }
        current
    }

    /// First placement: cascade inside the work area.
    fn place(&mut self, index: usize) {
        let area = self.work_area();
        let title = self.theme.title_height as i32;
        let step = 32 * (self.placed % 8) as i32;
        self.placed += 1;
        let window = &mut self.windows[index];
        let room_x = area.width as i32 - window.size.width as i32;
        let room_y = area.height as i32 - window.size.height as i32 - title;
        window.x = area.x + (48 + step).min(room_x.max(0));
        window.y = area.y + title + (40 + step).min(room_y.max(0));
        window.saved = (window.x, window.y, window.size);
    }

    /// The output minus the exclusive zones of layer surfaces, logical.
    pub(crate) fn work_area(&self) -> Area {
        let (width, height) = self.output.logical();
        let (mut left, mut top, mut right, mut bottom) = (0i32, 0i32, width as i32, height as i32);
        for client in self.clients.values() {
            for surface in client.surfaces.values() {
                let Some(Role::Layer(layer)) = &surface.role else {
                    continue;
                };
                if !surface.mapped() || layer.role.exclusive_zone == 0 {
                    continue;
                }
                let zone = (layer.role.exclusive_zone + layer.role.margin) as i32;
                let a = layer.role.anchor;
                let horizontal = a.contains(Anchor::LEFT) == a.contains(Anchor::RIGHT);
                let vertical = a.contains(Anchor::TOP) == a.contains(Anchor::BOTTOM);
                if a.contains(Anchor::TOP) && !a.contains(Anchor::BOTTOM) && horizontal {
                    top = top.max(zone);
                } else if a.contains(Anchor::BOTTOM) && !a.contains(Anchor::TOP) && horizontal {
                    bottom = bottom.min(height as i32 - zone);
                } else if a.contains(Anchor::LEFT) && !a.contains(Anchor::RIGHT) && vertical {
                    left = left.max(zone);
                } else if a.contains(Anchor::RIGHT) && !a.contains(Anchor::LEFT) && vertical {
                    right = right.min(width as i32 - zone);
                }
            }
        }
        Area { x: left, y: top, width: (right - left).max(1) as u32, height: (bottom - top).max(1) as u32 }
    }

    /// Lay out layer surfaces and maximised windows; reconfigure what
    /// changed size.
    pub(crate) fn arrange(&mut self) {
        let (width, height) = self.output.logical();
        let mut configures = alloc::vec::Vec::new();
        for (client_id, client) in self.clients.iter_mut() {
            for (surface_id, surface) in client.surfaces.iter_mut() {
                let Some(Role::Layer(layer)) = &mut surface.role else {
                    continue;
                };
                let role = &layer.role;
                let margin = role.margin as i32;
                let a = role.anchor;
                let stretch_x = a.contains(Anchor::LEFT | Anchor::RIGHT);
                let stretch_y = a.contains(Anchor::TOP | Anchor::BOTTOM);
                let want = Size::new(
                    if stretch_x { width.saturating_sub(2 * role.margin) } else { role.size.width },
                    if stretch_y { height.saturating_sub(2 * role.margin) } else { role.size.height },
                );
                if want != layer.size {
                    layer.size = want;
                    configures.push((*client_id, *surface_id, want));
                }
                let scale = self.output.scale;
                let shown = if surface.buffer.is_some() {
                    Size::new(
                        (surface.pixels.0 as f32 / scale + 0.5) as u32,
                        (surface.pixels.1 as f32 / scale + 0.5) as u32,
                    )
                } else {
                    want
                };
                layer.x = if a.contains(Anchor::LEFT) {
                    margin
                } else if a.contains(Anchor::RIGHT) {
                    width as i32 - shown.width as i32 - margin
                } else {
                    (width as i32 - shown.width as i32) / 2
                };
                layer.y = if a.contains(Anchor::TOP) {
                    margin
                } else if a.contains(Anchor::BOTTOM) {
                    height as i32 - shown.height as i32 - margin
                } else {
                    (height as i32 - shown.height as i32) / 2
                };
            }
        }
        for (client, surface, size) in configures {
            let serial = self.next_serial();
            self.emit(
                client,
                Event::Configure(Configure {
                    surface,
                    serial,
                    size,
                    scale: self.output.scale,
                    states: WindowStates::empty(),
                }),
            );
        }
        for index in 0..self.windows.len() {
            if self.windows[index].maximized {
                let target = self.maximized_geometry();
                let window = &mut self.windows[index];
                if (window.x, window.y, window.size) != target {
                    (window.x, window.y, window.size) = target;
                    self.configure_window(index);
                }
            }
        }
        self.dirty = true;
    }

    fn maximized_geometry(&self) -> (i32, i32, Size) {
        let area = self.work_area();
        let border = self.theme.border_width;
        let title = self.theme.title_height;
        (
            area.x + border as i32,
            area.y + (border + title) as i32,
            Size::new(
                area.width.saturating_sub(2 * border).max(1),
                area.height.saturating_sub(2 * border + title).max(1),
            ),
        )
    }

    /// Maximise or restore.
    pub(crate) fn set_maximized(&mut self, index: usize, maximized: bool) {
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        if window.maximized == maximized {
            return;
        }
        window.requested = None;
        if maximized {
            window.saved = (window.x, window.y, window.size);
            window.maximized = true;
            let target = self.maximized_geometry();
            let window = &mut self.windows[index];
            (window.x, window.y, window.size) = target;
        } else {
            window.maximized = false;
            (window.x, window.y, window.size) = window.saved;
        }
        self.windows[index].title_drawn = None;
        self.configure_window(index);
        self.notify_window_changed(index);
        self.dirty = true;
    }

    /// Hide a window until it is activated.
    pub(crate) fn minimize(&mut self, index: usize) {
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        if window.minimized {
            return;
        }
        window.minimized = true;
        let key = window.key;
        self.configure_window(index);
        self.notify_window_changed(index);
        if self.focus == Some(key) {
            self.focus = None;
            self.refocus_window(Some(key));
        }
        self.dirty = true;
    }

    /// Restore, raise and focus a window.
    pub(crate) fn activate(&mut self, index: usize) {
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        let was_minimized = core::mem::take(&mut window.minimized);
        let key = window.key;
        let index = self.raise(index);
        if was_minimized {
            self.configure_window(index);
        }
        self.set_focus(Some(key));
        self.notify_window_changed(index);
    }

    /// Put a window on top; returns its new index.
    pub(crate) fn raise(&mut self, index: usize) -> usize {
        if index + 1 >= self.windows.len() {
            return index;
        }
        let window = self.windows.remove(index);
        self.windows.push(window);
        self.dirty = true;
        self.windows.len() - 1
    }

    /// Ask a window's client to close it.
    pub(crate) fn request_close(&mut self, index: usize) {
        if let Some(window) = self.windows.get(index) {
            let key = window.key;
            self.emit(key.0, Event::Close { surface: key.1 });
        }
    }

    /// The surface that must have the keyboard regardless of clicks: an
    /// exclusive layer surface (lock screen), topmost layer first.
    fn exclusive_surface(&self) -> Option<SurfaceKey> {
        let mut best: Option<(Layer, SurfaceKey)> = None;
        for (client_id, client) in &self.clients {
            for (surface_id, surface) in &client.surfaces {
                if let Some(Role::Layer(layer)) = &surface.role
                    && surface.mapped()
                    && layer.role.keyboard == weft_compositor_api::KeyboardInteractivity::Exclusive
                    && best.is_none_or(|(l, _)| layer.role.layer >= l)
                {
                    best = Some((layer.role.layer, (*client_id, *surface_id)));
                }
            }
        }
        best.map(|(_, key)| key)
    }

    /// The surface keys go to.
    pub(crate) fn keyboard_focus(&self) -> Option<SurfaceKey> {
        self.exclusive_surface().or(self.focus)
    }

    /// Move keyboard focus, telling both surfaces and the shell.
    pub(crate) fn set_focus(&mut self, key: Option<SurfaceKey>) {
        let before = self.keyboard_focus();
        let old = self.focus;
        self.focus = key;
        let after = self.keyboard_focus();
        if before != after {
            if let Some(old) = before {
                self.emit(old.0, Event::Keyboard { surface: old.1, event: KeyboardEvent::Leave });
            }
            if let Some(new) = after {
                let modifiers = self.keyboard.modifiers;
                self.emit(
                    new.0,
                    Event::Keyboard { surface: new.1, event: KeyboardEvent::Enter { modifiers } },
                );
            }
        }
        if old != key {
            for changed in [old, key].into_iter().flatten() {
                if let Ok(index) = self.toplevel_index(changed) {
                    self.windows[index].title_drawn = None;
                    self.configure_window(index);
                    self.notify_window_changed(index);
                }
            }
        }
        self.dirty = true;
    }

    /// After the focused surface went away: the exclusive layer surface,
    /// else the topmost visible window.
    pub(crate) fn refocus(&mut self) {
        self.refocus_window(None);
    }

    fn refocus_window(&mut self, except: Option<SurfaceKey>) {
        if self.focus.is_some() {
            let focus = self.focus;
            self.set_focus(focus);
            return;
        }
        let next = self
            .windows
            .iter()
            .rev()
            .find(|w| w.mapped && !w.minimized && Some(w.key) != except)
            .map(|w| w.key);
        self.set_focus(next);
    }

    /// Whether a surface is on screen (mapped, and its window, if any, not
    /// minimised).
    pub(crate) fn surface_visible(&self, key: SurfaceKey) -> bool {
        let Some(surface) = self.surface(key) else {
            return false;
        };
        if !surface.mapped() {
            return false;
        }
        let root = self.root_surface(key);
        match self.surface(root).and_then(|s| s.role.as_ref()) {
            Some(Role::Toplevel(id)) => {
                self.window_index(*id).is_some_and(|i| self.windows[i].mapped && !self.windows[i].minimized)
            }
            Some(_) => self.surface(root).is_some_and(|s| s.mapped()),
            None => false,
        }
    }

    pub(crate) fn window_info(&self, index: usize) -> weft_compositor_api::shell::WindowInfo {
        let window = &self.windows[index];
        weft_compositor_api::shell::WindowInfo {
            id: window.id,
            title: window.title.clone(),
            app_id: window.app_id.clone(),
            owner: self.clients.get(&window.key.0).map(|c| c.config.name.clone()).unwrap_or_default(),
            focused: self.focus == Some(window.key),
            minimized: window.minimized,
            maximized: window.maximized,
        }
    }

    pub(crate) fn notify_window_changed(&mut self, index: usize) {
        if self.shell_subscribed && self.windows.get(index).is_some_and(|w| w.mapped) {
            let info = self.window_info(index);
            self.outgoing
                .push(crate::Outgoing::Shell(weft_compositor_api::shell::ShellEvent::WindowChanged(info)));
        }
    }

    /// Top-left of a popup, logical, in output coordinates.
    pub(crate) fn popup_origin(&self, key: SurfaceKey) -> Option<(i32, i32)> {
        let surface = self.surface(key)?;
        match surface.role.as_ref()? {
            Role::Popup(popup) => {
                let (px, py) = self.content_origin((key.0, popup.parent))?;
                Some((px + popup.position.x, py + popup.position.y))
            }
            _ => None,
        }
    }

    /// Content origin of any surface with a placed role, logical.
    pub(crate) fn content_origin(&self, key: SurfaceKey) -> Option<(i32, i32)> {
        match self.surface(key)?.role.as_ref()? {
            Role::Toplevel(id) => {
                let w = &self.windows[self.window_index(*id)?];
                Some((w.x, w.y))
            }
            Role::Layer(layer) => Some((layer.x, layer.y)),
            Role::Popup(_) => self.popup_origin(key),
            Role::Cursor => None,
        }
    }

    /// Logical size a surface shows at.
    pub(crate) fn surface_size(&self, key: SurfaceKey) -> Size {
        let Some(surface) = self.surface(key) else {
            return Size::default();
        };
        let scale = self.output.scale;
        Size::new(
            (surface.pixels.0 as f32 / scale + 0.5) as u32,
            (surface.pixels.1 as f32 / scale + 0.5) as u32,
        )
    }

    /// Surface id of a window (for tests and the service).
    pub fn window_surface(&self, id: WindowId) -> Option<SurfaceKey> {
        self.window_index(id).map(|i| self.windows[i].key)
    }

    pub(crate) fn popups_of(&self, root: SurfaceKey) -> alloc::vec::Vec<SurfaceId> {
        let Some(client) = self.clients.get(&root.0) else {
            return alloc::vec::Vec::new();
        };
        client
            .surfaces
            .iter()
            .filter(|(id, s)| {
                matches!(s.role, Some(Role::Popup(_)))
                    && s.mapped()
                    && self.root_surface((root.0, **id)) == root
            })
            .map(|(id, _)| *id)
            .collect()
    }
}
