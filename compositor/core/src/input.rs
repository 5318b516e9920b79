//! The input router: pointer, shortcuts, touch points and keyboard focus.
//!
//! This file keeps its state and moves the keyboard focus; how seat
//! events are routed is in `seat.rs`.

use alloc::collections::BTreeMap;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{Event, KeyboardEvent};
use weft_types::Modifiers;

use crate::clients::Clients;
use crate::decorations::Part;
use crate::desk::Desk;
use crate::pointer::{Pointer, PointerState};
use crate::shortcuts::Shortcuts;
use crate::state::{Role, SurfaceKey};

/// What a touch point went down on; it keeps it until it goes up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum TouchTarget {
    Surface(SurfaceKey),
    /// A title bar or frame: touch drags move the window.
    Move {
        window: WindowId,
        start: (f32, f32),
        origin: (i32, i32),
    },
    Button {
        window: WindowId,
        part: Part,
    },
    Nothing,
}

/// Who gets keyboard, pointer and touch input.
#[derive(Default)]
pub struct InputRouter {
    pub(crate) pointer: Pointer,
    pub(crate) shortcuts: Shortcuts,
    pub(crate) touches: BTreeMap<u32, TouchTarget>,
    /// The surface clicks and activation gave the keyboard (an exclusive
    /// layer surface can override it; see [`InputRouter::keyboard_focus`]).
    focus: Option<SurfaceKey>,
}

impl InputRouter {
    /// Where the pointer is.
    pub fn pointer(&self) -> PointerState {
        self.pointer.state()
    }

    pub(crate) fn focus(&self) -> Option<SurfaceKey> {
        self.focus
    }

    /// Give the keyboard to `key`; returns who had it.
    pub(crate) fn replace_focus(&mut self, key: Option<SurfaceKey>) -> Option<SurfaceKey> {
        core::mem::replace(&mut self.focus, key)
    }

    /// The surface keys go to: an exclusive layer surface, else the focus.
    pub(crate) fn keyboard_focus(&self, clients: &Clients) -> Option<SurfaceKey> {
        clients.exclusive_surface().or(self.focus)
    }

    pub(crate) fn modifiers(&self) -> Modifiers {
        self.shortcuts.modifiers()
    }

    /// A surface went away: the pointer and touch points let go of it
    /// (keyboard focus moves on elsewhere, with events).
    pub(crate) fn forget_surface(&mut self, key: SurfaceKey) {
        self.pointer.forget(key);
        self.touches.retain(|_, t| *t != TouchTarget::Surface(key));
    }

    /// Move keyboard focus, telling both surfaces, and the windows whose
    /// activation changed (a configure, a new title bar, the shell).
    pub(crate) fn set_focus(&mut self, key: Option<SurfaceKey>, desk: &mut Desk<'_>) {
        let before = self.keyboard_focus(desk.clients);
        let old = self.replace_focus(key);
        let after = self.keyboard_focus(desk.clients);
        if before != after {
            if let Some(old) = before {
                desk.outbox.client(old.0, Event::Keyboard { surface: old.1, event: KeyboardEvent::Leave });
            }
            if let Some(new) = after {
                let event = KeyboardEvent::Enter { modifiers: self.modifiers() };
                desk.outbox.client(new.0, Event::Keyboard { surface: new.1, event });
            }
        }
        if old != key {
            for changed in [old, key].into_iter().flatten() {
                if let Ok(index) = desk.layout().toplevel(changed) {
                    if let Some(window) = desk.windows.get_mut(index) {
                        window.title_drawn = None;
                    }
                    desk.configure(index, key);
                    desk.notify(index, key);
                }
            }
        }
        *desk.dirty = true;
    }

    /// After the focused surface went away: re-announce a focus that is
    /// still set, else focus the topmost visible window but `except`.
    pub(crate) fn refocus(&mut self, except: Option<SurfaceKey>, desk: &mut Desk<'_>) {
        let next = self.focus.or_else(|| desk.windows.top_visible(except));
        self.set_focus(next, desk);
    }

    /// Focus and raise what a click or touch landed on.
    pub(crate) fn focus_target(&mut self, key: SurfaceKey, desk: &mut Desk<'_>) {
        let root = desk.clients.root_surface(key);
        match desk.clients.role(root) {
            Some(Role::Toplevel(id)) => {
                if let Some(index) = desk.windows.index(*id) {
                    let top = index + 1 == desk.windows.len();
                    let on_popup = matches!(desk.clients.role(key), Some(Role::Popup(_)));
                    if (!top || self.focus != Some(root)) && !on_popup {
                        desk.activate(index, self);
                    }
                }
            }
            Some(Role::Layer(layer)) if layer.takes_keyboard() => self.set_focus(Some(root), desk),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size, SurfaceId};
    use weft_scene::{Color, Scene};

    use crate::pointer::Grab;
    use crate::state::{ClientConfig, ClientId, LayerSurface, Role};

    const APP: SurfaceKey = (ClientId(1), SurfaceId(1));
    const LOCK: SurfaceKey = (ClientId(1), SurfaceId(2));

    #[test]
    fn a_gone_surface_loses_pointer_and_touches_but_not_the_keyboard() {
        let mut input = InputRouter::default();
        input.replace_focus(Some(APP));
        input.pointer.grab = Some(Grab::Surface(APP));
        input.touches.insert(1, TouchTarget::Surface(APP));
        input.touches.insert(2, TouchTarget::Nothing);
        input.forget_surface(APP);
        assert_eq!(input.pointer.grab, None);
        assert_eq!(input.touches.get(&1), None);
        assert_eq!(input.touches.remove(&2), Some(TouchTarget::Nothing));
        assert_eq!(input.focus(), Some(APP));
        assert_eq!(input.replace_focus(None), Some(APP));
    }

    #[test]
    fn an_exclusive_layer_surface_holds_the_keyboard_while_mapped() {
        let scene = Scene::new(1, 1, Color::rgb(0, 0, 0));
        let mut clients = Clients::default();
        clients.add(APP.0, ClientConfig::default());
        clients.create_surface(APP.0, LOCK.1).unwrap();
        let lock = clients.surface_mut(LOCK).unwrap();
        lock.role = Some(Role::Layer(LayerSurface {
            role: LayerRole {
                layer: Layer::Overlay,
                anchor: Anchor::all(),
                size: Size::default(),
                exclusive_zone: 0,
                margin: 0,
                keyboard: KeyboardInteractivity::Exclusive,
            },
            x: 0,
            y: 0,
            size: Size::default(),
            group: scene.root(),
        }));
        let mut input = InputRouter::default();
        input.replace_focus(Some(APP));
        assert_eq!(input.keyboard_focus(&clients), Some(APP), "not while unmapped");
        clients.surface_mut(LOCK).unwrap().buffer = Some(weft_compositor_api::BufferId(1));
        assert_eq!(input.keyboard_focus(&clients), Some(LOCK));
    }
}
