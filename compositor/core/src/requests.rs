//! Handling client requests.

use weft_compositor_api::{
    BufferId, CursorImage, Event, ProtocolError, Rect, Request, Role as ApiRole, Size, WindowAction,
    WindowStates,
};

use crate::stack::Window;
use crate::state::{LayerSurface, Popup, Role, SurfaceKey};
use crate::{ClientId, Compositor};

impl Compositor {
    /// Handle one decoded request from `client`. For `RegisterBuffer`, the
    /// service has already checked and mapped the memory object. An error
    /// means the client broke the protocol: the service sends it
    /// [`Event::Error`] and disconnects it.
    pub fn handle_request(&mut self, client: ClientId, request: Request) -> Result<(), ProtocolError> {
        if self.clients.get(client).is_none() {
            return Err(ProtocolError::Malformed);
        }
        match request {
            Request::CreateSurface { surface } => self.clients.create_surface(client, surface)?,
            Request::DestroySurface { surface } => {
                self.clients.known((client, surface))?;
                self.destroy_surface((client, surface), true);
            }
            Request::RegisterBuffer { buffer, layout } => {
                self.clients.register_buffer(client, buffer, layout)?
            }
            Request::UnregisterBuffer { buffer } => {
                for surface in self.clients.unregister_buffer(client, buffer)? {
                    self.unmap((client, surface), false);
                }
            }
            Request::SetRole { surface, role } => self.set_role((client, surface), role)?,
            Request::SetTitle { surface, title } => {
                let index = self.layout().toplevel((client, surface))?;
                if let Some(window) = self.windows.get_mut(index) {
                    window.title = title;
                    window.title_drawn = None;
                }
                let (input, mut desk) = self.desk();
                desk.notify(index, input.focus());
                if let Some(window) = self.windows.get(index) {
                    self.captures.window_changed(window, &self.clients, self.output.scale, &mut self.outbox);
                }
                self.dirty = true;
            }
            Request::SetMinSize { surface, size } => {
                let index = self.layout().toplevel((client, surface))?;
                if let Some(window) = self.windows.get_mut(index) {
                    window.min_size = size;
                }
            }
            Request::Present { surface, buffer, damage } => {
                self.present((client, surface), buffer, &damage)?
            }
            Request::RequestFrame { surface } => {
                let record = self
                    .clients
                    .surface_mut((client, surface))
                    .ok_or(ProtocolError::UnknownSurface(surface))?;
                record.frame_requested = true;
            }
            Request::AckConfigure { surface, serial } => {
                let record = self
                    .clients
                    .surface_mut((client, surface))
                    .ok_or(ProtocolError::UnknownSurface(surface))?;
                record.serial = serial;
            }
            Request::Window { surface, action } => {
                let index = self.layout().toplevel((client, surface))?;
                let (input, mut desk) = self.desk();
                match action {
                    WindowAction::Maximize => desk.set_maximized(index, true, input.focus()),
                    WindowAction::Unmaximize => desk.set_maximized(index, false, input.focus()),
                    WindowAction::Minimize => desk.minimize(index, input),
                }
            }
            Request::SetCursor { cursor } => {
                if let CursorImage::Surface { surface, .. } = &cursor {
                    let record = self
                        .clients
                        .surface((client, *surface))
                        .ok_or(ProtocolError::UnknownSurface(*surface))?;
                    if !matches!(record.role, Some(Role::Cursor)) {
                        return Err(ProtocolError::BadRole);
                    }
                }
                if let Some(record) = self.clients.get_mut(client) {
                    record.cursor = cursor;
                }
                self.dirty = true;
            }
            Request::Sync => {}
        }
        Ok(())
    }

    fn set_role(&mut self, key: SurfaceKey, role: ApiRole) -> Result<(), ProtocolError> {
        let record = self.clients.surface(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        if record.role.is_some() {
            return Err(ProtocolError::BadRole);
        }
        let role = match role {
            ApiRole::Toplevel(toplevel) => {
                let id = self.windows.next_id();
                let nodes = self.stage.add_window(&self.theme);
                let index = self.windows.push(Window::new(id, key, toplevel, nodes));
                let (input, mut desk) = self.desk();
                desk.configure(index, input.focus());
                Role::Toplevel(id)
            }
            ApiRole::Popup(popup) => {
                let parent = self
                    .clients
                    .surface((key.0, popup.parent))
                    .ok_or(ProtocolError::UnknownSurface(popup.parent))?;
                if popup.parent == key.1
                    || !matches!(parent.role, Some(Role::Toplevel(_) | Role::Layer(_) | Role::Popup(_)))
                {
                    return Err(ProtocolError::BadRole);
                }
                self.outbox.configure(key, Size::default(), self.output.scale, WindowStates::empty());
                Role::Popup(Popup { parent: popup.parent, position: popup.position, grab: popup.grab })
            }
            ApiRole::Layer(layer) => {
                let allowed = self.clients.get(key.0).is_some_and(|c| c.config.may_use_layers);
                if !allowed {
                    return Err(ProtocolError::NotPermitted);
                }
                let group = self.stage.add_layer(layer.layer).map_err(|_| ProtocolError::LimitReached)?;
                Role::Layer(LayerSurface { role: layer, x: 0, y: 0, size: Size::default(), group })
            }
            ApiRole::Cursor => Role::Cursor,
        };
        let is_layer = matches!(role, Role::Layer(_));
        if let Some(record) = self.clients.surface_mut(key) {
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
            self.clients.known(key)?;
            self.unmap(key, true);
            return Ok(());
        };
        let layout = self.clients.buffer(key.0, buffer).ok_or(ProtocolError::UnknownBuffer(buffer))?;
        let record = self.clients.surface_mut(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        let previous = record.buffer.replace(buffer);
        let pixels = (layout.width, layout.height);
        let resized = record.pixels != pixels;
        let was_mapped = previous.is_some();
        record.pixels = pixels;
        record.frame_requested = true;
        let node = record.node;
        if let Some(old) = previous.filter(|old| *old != buffer) {
            self.clients.release_if_unused(key.0, old, &mut self.outbox);
        }
        if let Some(node) = node {
            self.stage.present(node, key.0, buffer, pixels, damage, self.output.scale);
        }
        self.surface_presented(key, was_mapped);
        if let Some(Role::Toplevel(id)) = self.clients.role(key) {
            self.captures.presented(*id, damage, Size::new(pixels.0, pixels.1));
        }
        if was_mapped
            && resized
            && let Ok(index) = self.layout().toplevel(key)
            && let Some(window) = self.windows.get(index)
        {
            self.captures.window_changed(window, &self.clients, self.output.scale, &mut self.outbox);
        }
        self.dirty = true;
        Ok(())
    }

    /// Take a surface's buffer away (released), hiding it.
    pub(crate) fn unmap(&mut self, key: SurfaceKey, release: bool) {
        let Some(record) = self.clients.surface_mut(key) else {
            return;
        };
        let old = record.buffer.take();
        if let Some(node) = record.node.take() {
            self.stage.remove(node);
        }
        if let (Some(old), true) = (old, release) {
            self.clients.release_if_unused(key.0, old, &mut self.outbox);
        }
        self.surface_unmapped(key);
        self.dirty = true;
    }

    /// Remove a surface and everything hanging off it.
    pub(crate) fn destroy_surface(&mut self, key: SurfaceKey, release: bool) {
        // Popups of this surface go first.
        for child in self.clients.children(key) {
            if release {
                self.outbox.client(key.0, Event::PopupDone { surface: child });
            }
            self.unmap((key.0, child), release);
        }
        self.unmap(key, release);
        let Some(record) = self.clients.get_mut(key.0).and_then(|c| c.surfaces.remove(&key.1)) else {
            return;
        };
        match record.role {
            Some(Role::Toplevel(id)) => self.remove_window(id),
            Some(Role::Layer(layer)) => {
                self.stage.remove(layer.group);
                self.arrange();
            }
            _ => {}
        }
        if let Some(client) = self.clients.get_mut(key.0)
            && matches!(&client.cursor, CursorImage::Surface { surface, .. } if *surface == key.1)
        {
            client.cursor = CursorImage::Default;
        }
        if self.input.focus() == Some(key) {
            self.input.replace_focus(None);
            let (input, mut desk) = self.desk();
            input.refocus(None, &mut desk);
        }
        self.input.forget_surface(key);
        self.dirty = true;
    }
}
