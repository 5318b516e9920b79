//! Handling client requests.

use alloc::vec::Vec;
use weft_compositor_api::{
    BufferId, BufferLayout, CursorImage, Event, ProtocolError, Rect, Request, Role as ApiRole, Size,
    SurfaceId, WindowAction,
};

use crate::state::{LayerSurface, Popup, Role, Surface, SurfaceKey};
use crate::{ClientId, Compositor, MAX_BUFFERS, MAX_SURFACES, buffer_image};

impl Compositor {
    pub(crate) fn surface(&self, key: SurfaceKey) -> Option<&Surface> {
        self.clients.get(&key.0)?.surfaces.get(&key.1)
    }

    pub(crate) fn surface_mut(&mut self, key: SurfaceKey) -> Option<&mut Surface> {
        self.clients.get_mut(&key.0)?.surfaces.get_mut(&key.1)
    }

    fn known_surface(&self, key: SurfaceKey) -> Result<(), ProtocolError> {
        self.surface(key).map(drop).ok_or(ProtocolError::UnknownSurface(key.1))
    }

    /// Handle one decoded request from `client`. For `RegisterBuffer`, the
    /// service has already checked and mapped the memory object. An error
    /// means the client broke the protocol: the service sends it
    /// [`Event::Error`] and disconnects it.
    pub fn handle_request(&mut self, client: ClientId, request: Request) -> Result<(), ProtocolError> {
        if !self.clients.contains_key(&client) {
            return Err(ProtocolError::Malformed);
        }
        match request {
            Request::CreateSurface { surface } => {
                let record = self.clients.get_mut(&client).ok_or(ProtocolError::Malformed)?;
                if record.surfaces.contains_key(&surface) {
                    return Err(ProtocolError::DuplicateId);
                }
                if record.surfaces.len() >= MAX_SURFACES {
                    return Err(ProtocolError::LimitReached);
                }
                record.surfaces.insert(surface, Surface::new());
            }
            Request::DestroySurface { surface } => {
                self.known_surface((client, surface))?;
                self.destroy_surface((client, surface), true);
            }
            Request::RegisterBuffer { buffer, layout } => {
                self.register_buffer(client, buffer, layout)?;
            }
            Request::UnregisterBuffer { buffer } => self.unregister_buffer(client, buffer)?,
            Request::SetRole { surface, role } => self.set_role((client, surface), role)?,
            Request::SetTitle { surface, title } => {
                let window = self.toplevel_index((client, surface))?;
                self.windows[window].title = title;
                self.windows[window].title_drawn = None;
                self.notify_window_changed(window);
                self.capture_window_changed(window);
                self.dirty = true;
            }
            Request::SetMinSize { surface, size } => {
                let window = self.toplevel_index((client, surface))?;
                self.windows[window].min_size = size;
            }
            Request::Present { surface, buffer, damage } => {
                self.present((client, surface), buffer, &damage)?
            }
            Request::RequestFrame { surface } => {
                let record =
                    self.surface_mut((client, surface)).ok_or(ProtocolError::UnknownSurface(surface))?;
                record.frame_requested = true;
            }
            Request::AckConfigure { surface, serial } => {
                let record =
                    self.surface_mut((client, surface)).ok_or(ProtocolError::UnknownSurface(surface))?;
                record.serial = serial;
            }
            Request::Window { surface, action } => {
                let window = self.toplevel_index((client, surface))?;
                match action {
                    WindowAction::Maximize => self.set_maximized(window, true),
                    WindowAction::Unmaximize => self.set_maximized(window, false),
                    WindowAction::Minimize => self.minimize(window),
                }
            }
            Request::SetCursor { cursor } => {
                if let CursorImage::Surface { surface, .. } = &cursor {
                    let record =
                        self.surface((client, *surface)).ok_or(ProtocolError::UnknownSurface(*surface))?;
                    if !matches!(record.role, Some(Role::Cursor)) {
                        return Err(ProtocolError::BadRole);
                    }
                }
                if let Some(record) = self.clients.get_mut(&client) {
                    record.cursor = cursor;
                }
                self.dirty = true;
            }
            Request::Sync => {}
        }
        Ok(())
    }

    fn register_buffer(
        &mut self,
        client: ClientId,
        buffer: BufferId,
        layout: BufferLayout,
    ) -> Result<(), ProtocolError> {
        layout.validate()?;
        let record = self.clients.get_mut(&client).ok_or(ProtocolError::Malformed)?;
        if record.buffers.contains_key(&buffer) {
            return Err(ProtocolError::DuplicateId);
        }
        if record.buffers.len() >= MAX_BUFFERS {
            return Err(ProtocolError::LimitReached);
        }
        record.buffers.insert(buffer, layout);
        Ok(())
    }

    fn unregister_buffer(&mut self, client: ClientId, buffer: BufferId) -> Result<(), ProtocolError> {
        let record = self.clients.get_mut(&client).ok_or(ProtocolError::Malformed)?;
        if record.buffers.remove(&buffer).is_none() {
            return Err(ProtocolError::UnknownBuffer(buffer));
        }
        let showing: Vec<SurfaceId> =
            record.surfaces.iter().filter(|(_, s)| s.buffer == Some(buffer)).map(|(id, _)| *id).collect();
        for surface in showing {
            self.unmap((client, surface), false);
        }
        Ok(())
    }

    fn set_role(&mut self, key: SurfaceKey, role: ApiRole) -> Result<(), ProtocolError> {
        let record = self.surface(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        if record.role.is_some() {
            return Err(ProtocolError::BadRole);
        }
        let role = match role {
            ApiRole::Toplevel(toplevel) => Role::Toplevel(self.create_window(key, toplevel)),
            ApiRole::Popup(popup) => {
                let parent =
                    self.surface((key.0, popup.parent)).ok_or(ProtocolError::UnknownSurface(popup.parent))?;
                if popup.parent == key.1
                    || !matches!(parent.role, Some(Role::Toplevel(_) | Role::Layer(_) | Role::Popup(_)))
                {
                    return Err(ProtocolError::BadRole);
                }
                let serial = self.next_serial();
                self.emit(
                    key.0,
                    Event::Configure(weft_compositor_api::Configure {
                        surface: key.1,
                        serial,
                        size: Size::default(),
                        scale: self.output.scale,
                        states: weft_compositor_api::WindowStates::empty(),
                    }),
                );
                Role::Popup(Popup { parent: popup.parent, position: popup.position, grab: popup.grab })
            }
            ApiRole::Layer(layer) => {
                let allowed = self.clients.get(&key.0).is_some_and(|c| c.config.may_use_layers);
                if !allowed {
                    return Err(ProtocolError::NotPermitted);
                }
                let parent = self.layer_group(layer.layer);
                let group = self
                    .scene
                    .add(parent, weft_scene::Content::Group)
                    .map_err(|_| ProtocolError::LimitReached)?;
                Role::Layer(LayerSurface { role: layer, x: 0, y: 0, size: Size::default(), group })
            }
            ApiRole::Cursor => Role::Cursor,
        };
        let is_layer = matches!(role, Role::Layer(_));
        if let Some(record) = self.surface_mut(key) {
            record.role = Some(role);
        }
        if is_layer {
            self.arrange();
        }
        Ok(())
    }

    fn present(
        &mut self,
        key: SurfaceKey,
        buffer: Option<BufferId>,
        damage: &[Rect],
    ) -> Result<(), ProtocolError> {
        let Some(buffer) = buffer else {
            self.known_surface(key)?;
            self.unmap(key, true);
            return Ok(());
        };
        let layout = *self
            .clients
            .get(&key.0)
            .and_then(|c| c.buffers.get(&buffer))
            .ok_or(ProtocolError::UnknownBuffer(buffer))?;
        let scale = self.output.scale;
        let record = self.surface_mut(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        let previous = record.buffer.replace(buffer);
        let pixels = (layout.width, layout.height);
        let resized = record.pixels != pixels;
        let was_mapped = previous.is_some();
        record.pixels = pixels;
        record.frame_requested = true;
        let node = record.node;
        if let Some(old) = previous.filter(|old| *old != buffer) {
            self.release_if_unused(key.0, old);
        }
        if let Some(node) = node {
            let _ = self.scene.update_image(node, buffer_image(key.0, buffer), pixels, false, damage);
            let _ = self.scene.set_size(node, pixels.0 as f32 / scale, pixels.1 as f32 / scale);
        }
        self.surface_presented(key, was_mapped);
        self.capture_presented(key, damage, weft_compositor_api::Size::new(pixels.0, pixels.1));
        if was_mapped
            && resized
            && let Ok(index) = self.toplevel_index(key)
        {
            self.capture_window_changed(index);
        }
        self.dirty = true;
        Ok(())
    }

    /// Take a surface's buffer away (released), hiding it.
    pub(crate) fn unmap(&mut self, key: SurfaceKey, release: bool) {
        let Some(record) = self.surface_mut(key) else {
            return;
        };
        let old = record.buffer.take();
        if let Some(node) = record.node.take() {
            let _ = self.scene.remove(node);
        }
        if let (Some(old), true) = (old, release) {
            self.release_if_unused(key.0, old);
        }
        self.surface_unmapped(key);
        self.dirty = true;
    }

    /// Release `buffer` unless another surface of the client still shows it.
    fn release_if_unused(&mut self, client: ClientId, buffer: BufferId) {
        let shown =
            self.clients.get(&client).is_some_and(|c| c.surfaces.values().any(|s| s.buffer == Some(buffer)));
        if !shown {
            self.emit(client, Event::BufferReleased { buffer });
        }
    }

    /// Remove a surface and everything hanging off it.
    pub(crate) fn destroy_surface(&mut self, key: SurfaceKey, release: bool) {
        // Popups of this surface go first.
        let children: Vec<SurfaceId> = self
            .clients
            .get(&key.0)
            .map(|c| {
                c.surfaces
                    .iter()
                    .filter(|(_, s)| matches!(&s.role, Some(Role::Popup(p)) if p.parent == key.1))
                    .map(|(id, _)| *id)
                    .collect()
            })
            .unwrap_or_default();
        for child in children {
            if release {
                self.emit(key.0, Event::PopupDone { surface: child });
            }
            self.unmap((key.0, child), release);
        }
        self.unmap(key, release);
        let Some(record) = self.clients.get_mut(&key.0).and_then(|c| c.surfaces.remove(&key.1)) else {
            return;
        };
        match record.role {
            Some(Role::Toplevel(id)) => self.remove_window(id),
            Some(Role::Layer(layer)) => {
                let _ = self.scene.remove(layer.group);
                self.arrange();
            }
            _ => {}
        }
        if let Some(client) = self.clients.get_mut(&key.0)
            && matches!(&client.cursor, CursorImage::Surface { surface, .. } if *surface == key.1)
        {
            client.cursor = CursorImage::Default;
        }
        if self.focus == Some(key) {
            self.focus = None;
            self.refocus();
        }
        self.pointer.forget(key);
        self.touches.retain(|_, t| !t.is_surface(key));
        self.dirty = true;
    }
}
