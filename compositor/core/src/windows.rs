//! Window lifecycle: mapping and unmapping windows, laying out layers.
//!
//! These follow presents and unmaps, which touch every sub-state (the
//! stage, the captures and the pointer too), so they live on the
//! compositor; window actions themselves are on the desk.

use weft_compositor_api::WindowStates;
use weft_compositor_api::shell::{ShellEvent, WindowId};

use crate::Compositor;
use crate::state::{Role, SurfaceKey};

impl Compositor {
    pub(crate) fn remove_window(&mut self, id: WindowId) {
        let Some(window) = self.windows.remove(id) else {
            return;
        };
        if window.mapped {
            self.captures.window_removed(id, window.key, &mut self.outbox);
        }
        self.stage.remove_window(&window.nodes);
        if window.mapped {
            self.outbox.shell(|| ShellEvent::WindowRemoved { window: id });
        }
        self.input.pointer.forget_window(id);
        self.dirty = true;
    }

    /// A surface got a buffer: map windows, follow the buffer's size, lay
    /// out layers.
    pub(crate) fn surface_presented(&mut self, key: SurfaceKey, was_mapped: bool) {
        let Some(surface) = self.clients.surface(key) else {
            return;
        };
        let logical = surface.logical_size(self.output.scale);
        match &surface.role {
            Some(Role::Toplevel(id)) => {
                let id = *id;
                let anchor = self.input.pointer.resize_anchor(id);
                let Some(index) = self.windows.index(id) else {
                    return;
                };
                let Some(window) = self.windows.get_mut(index) else {
                    return;
                };
                window.follow_buffer(logical, anchor);
                if !window.mapped {
                    window.mapped = true;
                    let area = self.clients.work_area(self.output);
                    self.windows.place(index, area, self.theme.title_height as i32);
                    let (input, mut desk) = self.desk();
                    desk.activate(index, input);
                    // Activating raised it: look it up again.
                    let index = self.windows.index(id).unwrap_or(index);
                    if let Some(window) = self.windows.get(index) {
                        let scale = self.output.scale;
                        self.captures.window_added(window, &self.clients, scale, &mut self.outbox);
                        let focused = self.input.focus() == Some(window.key);
                        self.outbox.shell(|| ShellEvent::WindowAdded(window.info(&self.clients, focused)));
                    }
                }
            }
            Some(Role::Layer(_)) => {
                self.arrange();
                if !was_mapped {
                    let (input, mut desk) = self.desk();
                    input.refocus(None, &mut desk);
                }
            }
            Some(Role::Popup(popup)) if popup.grab && !was_mapped => {
                let (input, mut desk) = self.desk();
                input.set_focus(Some(key), &mut desk);
            }
            _ => {}
        }
    }

    /// A surface lost its buffer: unmap its window, give up its focus.
    pub(crate) fn surface_unmapped(&mut self, key: SurfaceKey) {
        let Some(role) = self.clients.role(key) else {
            return;
        };
        match role {
            Role::Toplevel(id) => {
                let id = *id;
                if let Some(window) = self.windows.index(id).and_then(|i| self.windows.get_mut(i))
                    && window.mapped
                {
                    window.mapped = false;
                    self.captures.window_removed(id, key, &mut self.outbox);
                    self.outbox.shell(|| ShellEvent::WindowRemoved { window: id });
                }
                if self.input.focus() == Some(key) {
                    self.input.replace_focus(None);
                    let (input, mut desk) = self.desk();
                    input.refocus(None, &mut desk);
                }
            }
            Role::Layer(_) => {
                self.arrange();
                if self.input.focus() == Some(key) {
                    self.input.replace_focus(None);
                }
                let (input, mut desk) = self.desk();
                input.refocus(None, &mut desk);
            }
            Role::Popup(popup) => {
                let parent = popup.parent;
                if self.input.focus() == Some(key) {
                    self.input.replace_focus(None);
                    let root = self.clients.root_surface((key.0, parent));
                    let (input, mut desk) = self.desk();
                    input.set_focus(Some(root), &mut desk);
                }
            }
            Role::Cursor => {}
        }
    }

    /// Lay out layer surfaces and maximised windows; reconfigure what
    /// changed size.
    pub(crate) fn arrange(&mut self) {
        for (key, size) in self.clients.arrange_layers(self.output) {
            self.outbox.configure(key, size, self.output.scale, WindowStates::empty());
        }
        let target = self.clients.work_area(self.output).maximized(&self.theme);
        let (input, mut desk) = self.desk();
        for index in 0..desk.windows.len() {
            if let Some(window) = desk.windows.get_mut(index)
                && window.maximized
                && (window.x, window.y, window.size) != target
            {
                (window.x, window.y, window.size) = target;
                desk.configure(index, input.focus());
            }
        }
        *desk.dirty = true;
    }
}
