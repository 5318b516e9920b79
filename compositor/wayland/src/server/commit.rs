//! Surface commits: content copies, Weft surface creation, damage.

use smithay::input::pointer::{CursorImageStatus, CursorImageSurfaceData};
use smithay::reexports::wayland_server::Resource;
use smithay::reexports::wayland_server::backend::{ClientId, ObjectId};
use smithay::reexports::wayland_server::protocol::wl_surface::WlSurface;
use smithay::wayland::compositor::{TraversalAction, get_parent, with_states, with_surface_tree_upward};
use smithay::wayland::shell::xdg::{SurfaceCachedState, XdgToplevelSurfaceData};
use weft_compositor_api::{CursorImage, Point, PopupRole, Request, Role, Size, ToplevelRole};

use super::content::{SurfaceContent, apply_commit};
use super::error::CommitError;
use super::peer::{DISPLAY_IMPLEMENTATION, DISPLAY_NO_MEMORY, MAX_CLIENT_BYTES};
use super::state::Bridge;
use super::window::{Kind, Window};

/// The root of `surface`'s subsurface tree.
fn root_of(surface: &WlSurface) -> WlSurface {
    let mut root = surface.clone();
    while let Some(parent) = get_parent(&root) {
        root = parent;
    }
    root
}

fn size(size: smithay::utils::Size<i32, smithay::utils::Logical>) -> Size {
    Size::new(size.w.max(0) as u32, size.h.max(0) as u32)
}

impl Bridge {
    /// `wl_surface.commit`: copy what became current in the committed
    /// subtree, then update (or create) the window it belongs to.
    pub fn on_commit(&mut self, surface: &WlSurface) {
        let Some((client, peer)) = self.peer_of(surface) else {
            return;
        };
        let contents = &mut peer.contents;
        let held_bytes = &mut peer.content_bytes;
        let mut changes = Vec::new();
        let mut failure: Option<CommitError> = None;
        with_surface_tree_upward(
            surface,
            (),
            |_, _, _| TraversalAction::DoChildren(()),
            |surface, states, _| {
                if failure.is_some() {
                    return;
                }
                let mut content = contents.remove(&surface.id());
                let before = content.as_ref().map_or(0, SurfaceContent::bytes);
                let budget = MAX_CLIENT_BYTES.saturating_sub(*held_bytes);
                let result = apply_commit(states, &mut content, budget);
                let after = content.as_ref().map_or(0, SurfaceContent::bytes);
                *held_bytes = *held_bytes - before + after;
                if let Some(content) = content {
                    contents.insert(surface.id(), content);
                }
                match result {
                    Ok(committed) => changes.push((surface.clone(), committed)),
                    Err(error) => failure = Some(error),
                }
            },
            |_, _, _| true,
        );
        if let Some(error) = failure {
            let code =
                if error == CommitError::OverBudget { DISPLAY_NO_MEMORY } else { DISPLAY_IMPLEMENTATION };
            self.disconnect(&client, code, &error.to_string());
            return;
        }
        let root = root_of(surface);
        let root_id = root.id();
        if !self.commit_role(&client, &root) {
            return;
        }
        let Some(peer) = self.peers.get_mut(&client) else {
            return;
        };
        let Some(window) = peer.windows.get_mut(&root_id) else {
            return;
        };
        let was_mapped = window.has_content();
        window.relayout(&peer.contents);
        for (surface, committed) in changes {
            window.add_damage(&surface, &committed.damage);
            window.queue_callbacks(committed.callbacks);
        }
        if was_mapped && !window.has_content() {
            // An unmapped xdg surface starts over: initial commit, then
            // a configure, then content.
            if let Kind::Toplevel(toplevel) = &window.kind {
                toplevel.reset_initial_configure_sent();
                window.awaiting_commit = true;
            }
        }
        if peer.cursor.as_ref() == Some(&root_id) {
            self.update_cursor(&client);
        }
        self.flush_window(&client, &root_id);
    }

    /// Role-specific commit handling for a window root; `false` if the
    /// client was disconnected for it.
    fn commit_role(&mut self, client: &ClientId, root: &WlSurface) -> bool {
        let Some(peer) = self.peers.get_mut(client) else {
            return false;
        };
        let has_content = peer.contents.contains_key(&root.id());
        let Some(window) = peer.windows.get_mut(&root.id()) else {
            return true;
        };
        let result = match window.kind.clone() {
            Kind::Toplevel(toplevel) => {
                if has_content && !toplevel.ensure_configured() {
                    return false;
                }
                let min_size = with_states(root, |states| {
                    size(states.cached_state.get::<SurfaceCachedState>().current().min_size)
                });
                if window.weft.is_none() {
                    let (title, app_id) = with_states(root, |states| {
                        let data = states.data_map.get::<XdgToplevelSurfaceData>();
                        let role = data.map(|d| {
                            let role = d.lock().unwrap_or_else(|p| p.into_inner());
                            (role.title.clone().unwrap_or_default(), role.app_id.clone().unwrap_or_default())
                        });
                        role.unwrap_or_default()
                    });
                    window.min_size = min_size;
                    let role = ToplevelRole { title, app_id, size: Size::default(), min_size };
                    window.create(&mut peer.display, Role::Toplevel(role)).map(Some)
                } else if window.min_size != min_size {
                    window.min_size = min_size;
                    let surface = window.weft;
                    surface
                        .map(|surface| peer.display.send(&Request::SetMinSize { surface, size: min_size }))
                        .transpose()
                        .map(|_| None)
                } else {
                    if window.awaiting_commit && !has_content {
                        window.awaiting_commit = false;
                        if let Some(configure) = window.last_configure {
                            window.send_configure(&configure);
                        }
                    }
                    Ok(None)
                }
            }
            Kind::Popup(popup) => {
                if has_content && !popup.ensure_configured() {
                    return false;
                }
                if window.weft.is_some() {
                    Ok(None)
                } else {
                    let grab = window.grab;
                    let parent = popup
                        .get_parent_surface()
                        .and_then(|parent| peer.windows.get(&parent.id()).and_then(|parent| parent.weft));
                    let Some(parent) = parent else {
                        // Its parent is not a window here (yet): dismiss.
                        popup.send_popup_done();
                        return true;
                    };
                    let geometry = popup.with_pending_state(|state| state.geometry);
                    let position = Point::new(geometry.loc.x, geometry.loc.y);
                    let role = Role::Popup(PopupRole { parent, position, grab });
                    let created = match peer.windows.get_mut(&root.id()) {
                        Some(window) => {
                            window.parent = Some(parent);
                            window.create(&mut peer.display, role).map(Some)
                        }
                        None => Ok(None),
                    };
                    if !popup.is_initial_configure_sent()
                        && let Err(error) = popup.send_configure()
                    {
                        weft_rt::debug!("popup configure: {error:?}");
                    }
                    created
                }
            }
            Kind::Cursor => {
                if window.weft.is_none() {
                    window.create(&mut peer.display, Role::Cursor).map(Some)
                } else {
                    Ok(None)
                }
            }
        };
        match result {
            Ok(Some(surface)) => {
                peer.by_weft.insert(surface, root.id());
                true
            }
            Ok(None) => true,
            Err(error) => {
                self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
                false
            }
        }
    }

    /// A surface was destroyed: forget its content; a window root takes
    /// its window with it; a subsurface leaves its window's picture.
    pub fn on_surface_destroyed(&mut self, surface: &WlSurface) {
        let Some((client, peer)) = self.peer_of(surface) else {
            return;
        };
        let id = surface.id();
        if let Some(content) = peer.contents.remove(&id) {
            peer.content_bytes -= content.bytes();
        }
        if peer.windows.contains_key(&id) {
            self.remove_window(&client, &id);
            return;
        }
        let owners: Vec<ObjectId> =
            peer.windows.iter().filter(|(_, w)| w.contains(surface)).map(|(root, _)| root.clone()).collect();
        for root in owners {
            if let Some(window) = peer.windows.get_mut(&root) {
                window.relayout(&peer.contents);
            }
        }
        let roots: Vec<ObjectId> = peer.windows.keys().cloned().collect();
        for root in roots {
            self.flush_window(&client, &root);
        }
    }

    /// Take `root`'s window down (its role object or surface is gone).
    pub fn remove_window(&mut self, client: &ClientId, root: &ObjectId) {
        let Some(peer) = self.peers.get_mut(client) else {
            return;
        };
        let Some(mut window) = peer.windows.remove(root) else {
            return;
        };
        let mut result = Ok(());
        if let Some(surface) = window.weft {
            peer.by_weft.remove(&surface);
            result = peer.detach_popups(surface);
        }
        result = result.and(window.destroy(&peer.display));
        if peer.cursor.as_ref() == Some(root) {
            peer.cursor = None;
            peer.cursor_hotspot = None;
            result = result.and(peer.display.send(&Request::SetCursor { cursor: CursorImage::Default }));
        }
        if let Err(error) = result {
            self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }

    /// `wl_pointer.set_cursor` (or the pointer left every surface).
    pub fn on_cursor_image(&mut self, image: CursorImageStatus) {
        match image {
            CursorImageStatus::Surface(surface) => {
                let Some((client, peer)) = self.peer_of(&surface) else {
                    return;
                };
                let id = surface.id();
                if peer.cursor.as_ref() != Some(&id) {
                    if let Some(old) = peer.cursor.take() {
                        self.remove_window(&client, &old);
                    }
                    let Some(peer) = self.peers.get_mut(&client) else {
                        return;
                    };
                    peer.windows.insert(id.clone(), Window::new(Kind::Cursor, surface.clone()));
                    peer.cursor = Some(id.clone());
                    if !self.commit_role(&client, &surface) {
                        return;
                    }
                    if let Some(peer) = self.peers.get_mut(&client)
                        && let Some(window) = peer.windows.get_mut(&id)
                    {
                        window.relayout(&peer.contents);
                        window.damage_all();
                    }
                    self.flush_window(&client, &id);
                }
                self.update_cursor(&client);
            }
            CursorImageStatus::Hidden | CursorImageStatus::Named(_) => {
                let Some(client) = self.pointer_client.clone() else {
                    return;
                };
                let Some(peer) = self.peers.get_mut(&client) else {
                    return;
                };
                peer.cursor_hotspot = None;
                let cursor = match image {
                    CursorImageStatus::Hidden => CursorImage::Hidden,
                    _ => CursorImage::Default,
                };
                if let Err(error) = peer.display.send(&Request::SetCursor { cursor }) {
                    self.disconnect(&client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
                }
            }
        }
    }

    /// Tell Weft the client's cursor surface and hotspot.
    fn update_cursor(&mut self, client: &ClientId) {
        let Some(peer) = self.peers.get_mut(client) else {
            return;
        };
        let Some(window) = peer.cursor.as_ref().and_then(|root| peer.windows.get(root)) else {
            return;
        };
        let Some(surface) = window.weft else {
            return;
        };
        let hotspot = with_states(&window.root, |states| {
            states
                .data_map
                .get::<CursorImageSurfaceData>()
                .map(|data| data.lock().unwrap_or_else(|p| p.into_inner()).hotspot)
                .unwrap_or_default()
        });
        let origin = window.geometry().loc;
        let hotspot = Point::new(hotspot.x - origin.x, hotspot.y - origin.y);
        if peer.cursor_hotspot == Some((surface, hotspot)) {
            return;
        }
        peer.cursor_hotspot = Some((surface, hotspot));
        let cursor = CursorImage::Surface { surface, hotspot };
        if let Err(error) = peer.display.send(&Request::SetCursor { cursor }) {
            self.disconnect(client, DISPLAY_IMPLEMENTATION, &format!("Weft compositor: {error}"));
        }
    }
}
