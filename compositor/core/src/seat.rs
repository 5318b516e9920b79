//! Routing seat events to surfaces, decorations and the keyboard focus.
//!
//! Pointer and touch go to what is under them (a surface, with an
//! implicit grab, or a decoration that moves, resizes or acts on its
//! window); keys go to the keyboard focus once the shortcuts saw them.
//! The compositor dismisses grabbing popups first (that unmaps surfaces);
//! the input router does the rest on the desk it is lent.

use weft_compositor_api::shell::{ShellEvent, Shortcut};
use weft_compositor_api::{Event, KeyboardEvent};
use weft_input_api::{SeatEvent, TouchPhase};
use weft_types::{Button, KeyEvent, KeyState, PointerEvent, TouchEvent};

use crate::Compositor;
use crate::decorations::Part;
use crate::desk::Desk;
use crate::input::{InputRouter, TouchTarget};
use crate::layout::{Hit, Layout};
use crate::pointer::Grab;
use crate::state::{Role, SurfaceKey};

impl Compositor {
    /// Route one seat event. `now` is monotonic nanoseconds.
    pub fn handle_seat_event(&mut self, event: SeatEvent, now: u64) {
        let (width, height) = self.output.logical();
        let pointer = (self.input.pointer.x, self.input.pointer.y);
        match event {
            SeatEvent::PointerMotion { dx, dy } => {
                // Never `clamp`: it panics on an empty output or a NaN motion.
                let x = (pointer.0 + dx).max(0.0).min((width as f32 - 1.0).max(0.0));
                let y = (pointer.1 + dy).max(0.0).min((height as f32 - 1.0).max(0.0));
                let (input, mut desk) = self.desk();
                input.pointer_moved(x, y, &mut desk);
            }
            SeatEvent::PointerAbsolute { x, y } => {
                let x = (x.clamp(0.0, 1.0) * width as f32).min(width as f32 - 1.0);
                let y = (y.clamp(0.0, 1.0) * height as f32).min(height as f32 - 1.0);
                let (input, mut desk) = self.desk();
                input.pointer_moved(x, y, &mut desk);
            }
            SeatEvent::Button { button, state } => {
                // The first press outside a grabbing popup only dismisses it.
                if state == KeyState::Pressed && self.input.pointer.buttons == 0 {
                    let hit = self.layout().hit_test(pointer.0, pointer.1);
                    if self.dismiss_popups(&hit) {
                        let (input, mut desk) = self.desk();
                        input.repoint(pointer.0, pointer.1, false, &mut desk);
                        return;
                    }
                }
                let (input, mut desk) = self.desk();
                input.button(button, state, now, &mut desk);
            }
            SeatEvent::Scroll { dx, dy } => {
                if let Some(key) = self.input.pointer.scroll_target() {
                    let event = PointerEvent::Scroll { dx, dy };
                    self.outbox.client(key.0, Event::Pointer { surface: key.1, event });
                }
            }
            SeatEvent::Key(event) => {
                let (input, mut desk) = self.desk();
                input.key(event, &mut desk);
            }
            SeatEvent::Touch { id, phase, x, y } => {
                let x = x.clamp(0.0, 1.0) * width as f32;
                let y = y.clamp(0.0, 1.0) * height as f32;
                match phase {
                    TouchPhase::Down => {
                        let hit = self.layout().hit_test(x, y);
                        self.dismiss_popups(&hit);
                        let (input, mut desk) = self.desk();
                        input.touch_down(id, hit, (x, y), &mut desk);
                    }
                    TouchPhase::Motion => {
                        let (input, mut desk) = self.desk();
                        input.touch_moved(id, (x, y), &mut desk);
                    }
                    TouchPhase::Up => {
                        let (input, mut desk) = self.desk();
                        input.touch_up(id, (x, y), &mut desk);
                    }
                }
            }
        }
    }

    /// Dismiss grabbing popups unless `hit` lands on one of them.
    fn dismiss_popups(&mut self, hit: &Hit) -> bool {
        let mut dismissed = false;
        for key in self.clients.grabbing_popups() {
            let on_it = matches!(hit, Hit::Surface(k, _)
                if k.0 == key.0 && matches!(self.clients.role(*k), Some(Role::Popup(_))));
            if !on_it {
                self.outbox.client(key.0, Event::PopupDone { surface: key.1 });
                self.unmap(key, true);
                dismissed = true;
            }
        }
        dismissed
    }
}

/// A button event for `key` at output position `at`.
fn button_event(desk: &Desk<'_>, key: SurfaceKey, button: Button, state: KeyState, at: (f32, f32)) -> Event {
    let (x, y) = desk.layout().local(key, at.0, at.1);
    Event::Pointer { surface: key.1, event: PointerEvent::Button { button, state, x, y } }
}

impl InputRouter {
    pub(crate) fn pointer_moved(&mut self, x: f32, y: f32, desk: &mut Desk<'_>) {
        self.pointer.x = x;
        self.pointer.y = y;
        *desk.dirty = true;
        let Some(grab) = self.pointer.grab else {
            self.repoint(x, y, true, desk);
            return;
        };
        match grab {
            Grab::Surface(key) => {
                let (x, y) = desk.layout().local(key, x, y);
                desk.outbox
                    .client(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Motion { x, y } });
            }
            Grab::Move { window, start, origin } => desk.drag(window, start, origin, (x, y)),
            Grab::Resize { window, .. } => {
                let Some(index) = desk.windows.index(window) else {
                    return;
                };
                let Some(window) = desk.windows.get_mut(index) else {
                    return;
                };
                let Some(size) = grab.resized(x, y, window.min_size, desk.output.logical()) else {
                    return;
                };
                if window.size != size {
                    window.size = size;
                    let key = window.key;
                    desk.configure(index, self.focus());
                    // Until the client presents at the new size, the window
                    // keeps showing its old buffer; its frame follows the
                    // buffer (see `surface_presented`).
                    if let Some(surface) = desk.clients.surface(key)
                        && let Some(window) = desk.windows.get_mut(index)
                    {
                        window.size = surface.logical_size(desk.output.scale);
                    }
                }
            }
            Grab::Button { window, part } => {
                let hover = desk.layout().on_part(window, part, x, y).then_some(part);
                if let Some(window) = desk.windows.index(window).and_then(|i| desk.windows.get_mut(i)) {
                    window.hover = hover;
                }
            }
        }
    }

    /// Recompute the surface under the pointer at `(x, y)`; send
    /// leave/enter (and motion when `motion`), update decoration hover.
    pub(crate) fn repoint(&mut self, x: f32, y: f32, motion: bool, desk: &mut Desk<'_>) {
        let hit = desk.layout().hit_test(x, y);
        let hover = match hit {
            Hit::Window(index, part) => desk.windows.get(index).map(|w| (w.id, part)),
            _ => None,
        };
        if desk.windows.set_hover(hover) {
            *desk.dirty = true;
        }
        let target = match hit {
            Hit::Surface(key, _) => Some(key),
            _ => None,
        };
        let scale = desk.output.scale;
        let layout = Layout { clients: desk.clients, windows: &*desk.windows, theme: desk.theme, scale };
        if self.pointer.point_at(target, |key| layout.local(key, x, y), motion, desk.outbox) {
            *desk.dirty = true;
        }
    }

    /// A button went down or up (the compositor already dismissed popups
    /// a first press landed outside of).
    pub(crate) fn button(&mut self, button: Button, state: KeyState, now: u64, desk: &mut Desk<'_>) {
        let at = (self.pointer.x, self.pointer.y);
        match state {
            KeyState::Pressed => {
                self.pointer.buttons += 1;
                if self.pointer.buttons > 1 {
                    if let Some(Grab::Surface(key)) = self.pointer.grab {
                        let event = button_event(desk, key, button, state, at);
                        desk.outbox.client(key.0, event);
                    }
                    return;
                }
                match desk.layout().hit_test(at.0, at.1) {
                    Hit::Surface(key, _) => {
                        self.focus_target(key, desk);
                        self.pointer.grab = Some(Grab::Surface(key));
                        let event = button_event(desk, key, button, state, at);
                        desk.outbox.client(key.0, event);
                    }
                    Hit::Window(index, part) => self.press_decoration(index, part, at, now, desk),
                    Hit::Nothing => {}
                }
            }
            KeyState::Released => {
                if self.pointer.buttons == 0 {
                    return;
                }
                self.pointer.buttons -= 1;
                let grab = self.pointer.grab;
                if let Some(Grab::Surface(key)) = grab {
                    let event = button_event(desk, key, button, state, at);
                    desk.outbox.client(key.0, event);
                }
                if self.pointer.buttons > 0 {
                    return;
                }
                self.pointer.grab = None;
                match grab {
                    Some(Grab::Button { window, part }) => {
                        if desk.layout().on_part(window, part, at.0, at.1)
                            && let Some(index) = desk.windows.index(window)
                        {
                            self.decoration_action(index, part, desk);
                        }
                    }
                    Some(Grab::Resize { window, .. }) => {
                        if let Some(index) = desk.windows.index(window) {
                            if let Some(window) = desk.windows.get_mut(index) {
                                window.resizing = false;
                            }
                            desk.configure(index, self.focus());
                        }
                    }
                    _ => {}
                }
                self.repoint(at.0, at.1, false, desk);
            }
            KeyState::Repeated => {}
        }
    }

    /// A press on a window's decoration: activate it, then drag its title
    /// bar (a double click maximises), resize from its frame, or hold a
    /// button until release.
    fn press_decoration(&mut self, index: usize, part: Part, at: (f32, f32), now: u64, desk: &mut Desk<'_>) {
        let Some(id) = desk.windows.get(index).map(|w| w.id) else {
            return;
        };
        desk.activate(index, self);
        let Some(index) = desk.windows.index(id) else {
            return;
        };
        let Some(window) = desk.windows.get_mut(index) else {
            return;
        };
        let grab = match part {
            Part::Title => {
                if self.pointer.title_click(id, now) {
                    let maximized = !window.maximized;
                    desk.set_maximized(index, maximized, self.focus());
                    self.pointer.grab = None;
                    return;
                }
                Grab::Move { window: id, start: at, origin: (window.x, window.y) }
            }
            Part::Resize(edges) => {
                let anchor = (window.x + window.size.width as i32, window.y + window.size.height as i32);
                let size = window.size;
                window.resizing = true;
                window.requested = None;
                desk.configure(index, self.focus());
                Grab::Resize { window: id, edges, start: at, size, anchor }
            }
            part => {
                window.hover = Some(part);
                *desk.dirty = true;
                Grab::Button { window: id, part }
            }
        };
        self.pointer.grab = Some(grab);
    }

    /// A decoration button was clicked or tapped.
    fn decoration_action(&mut self, index: usize, part: Part, desk: &mut Desk<'_>) {
        match part {
            Part::Close => {
                if let Some(window) = desk.windows.get(index) {
                    window.ask_to_close(desk.outbox);
                }
            }
            Part::Maximize => {
                let maximized = !desk.windows.get(index).is_some_and(|w| w.maximized);
                desk.set_maximized(index, maximized, self.focus());
            }
            Part::Minimize => desk.minimize(index, self),
            Part::Title | Part::Resize(_) => {}
        }
        if let Some(window) = desk.windows.get_mut(index) {
            window.hover = None;
        }
        *desk.dirty = true;
    }

    /// A key: shortcuts first, then the keyboard focus.
    pub(crate) fn key(&mut self, event: KeyEvent, desk: &mut Desk<'_>) {
        let outcome = self.shortcuts.key(&event);
        if let Some(shortcut) = outcome.shortcut {
            if desk.outbox.shell_subscribed() {
                desk.outbox.shell(|| ShellEvent::Shortcut(shortcut));
            } else if shortcut == Shortcut::SwitchNext
                && let Some(index) = desk.windows.first_mapped()
            {
                // No shell: cycle windows ourselves.
                desk.activate(index, self);
            }
        }
        if outcome.deliver
            && let Some(key) = self.keyboard_focus(desk.clients)
        {
            desk.outbox.client(key.0, Event::Keyboard { surface: key.1, event: KeyboardEvent::Key(event) });
        }
    }

    /// A touch point went down on `hit`, at output position `at`.
    pub(crate) fn touch_down(&mut self, id: u32, hit: Hit, at: (f32, f32), desk: &mut Desk<'_>) {
        let target = match hit {
            Hit::Surface(key, _) => {
                self.focus_target(key, desk);
                let (x, y) = desk.layout().local(key, at.0, at.1);
                let event = TouchEvent::Down { id, x, y };
                desk.outbox.client(key.0, Event::Touch { surface: key.1, event });
                TouchTarget::Surface(key)
            }
            Hit::Window(index, part) => {
                let Some(window) = desk.windows.get(index).map(|w| w.id) else {
                    return;
                };
                desk.activate(index, self);
                let Some(w) = desk.windows.by_id(window) else {
                    return;
                };
                match part {
                    Part::Title | Part::Resize(_) => {
                        TouchTarget::Move { window, start: at, origin: (w.x, w.y) }
                    }
                    part => TouchTarget::Button { window, part },
                }
            }
            Hit::Nothing => TouchTarget::Nothing,
        };
        self.touches.insert(id, target);
    }

    /// A touch point moved to output position `at`.
    pub(crate) fn touch_moved(&mut self, id: u32, at: (f32, f32), desk: &mut Desk<'_>) {
        match self.touches.get(&id).copied() {
            Some(TouchTarget::Surface(key)) => {
                let (x, y) = desk.layout().local(key, at.0, at.1);
                let event = TouchEvent::Motion { id, x, y };
                desk.outbox.client(key.0, Event::Touch { surface: key.1, event });
            }
            Some(TouchTarget::Move { window, start, origin }) => desk.drag(window, start, origin, at),
            _ => {}
        }
    }

    /// A touch point went up at output position `at`.
    pub(crate) fn touch_up(&mut self, id: u32, at: (f32, f32), desk: &mut Desk<'_>) {
        match self.touches.remove(&id) {
            Some(TouchTarget::Surface(key)) => {
                desk.outbox.client(key.0, Event::Touch { surface: key.1, event: TouchEvent::Up { id } });
            }
            Some(TouchTarget::Button { window, part }) => {
                if desk.layout().on_part(window, part, at.0, at.1)
                    && let Some(index) = desk.windows.index(window)
                {
                    self.decoration_action(index, part, desk);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use weft_compositor_api::{BufferId, SurfaceId};
    use weft_types::{Key, Modifiers};

    use crate::clients::Clients;
    use crate::outbox::Outbox;
    use crate::stack::WindowStack;
    use crate::stack::tests::window;
    use crate::state::{ClientConfig, ClientId};
    use crate::{Outgoing, Output, Theme};

    const APP: ClientId = ClientId(1);

    fn key(key: Key, state: KeyState, modifiers: Modifiers) -> KeyEvent {
        KeyEvent { key, state, modifiers, text: Default::default() }
    }

    #[test]
    fn a_title_bar_drag_raises_focuses_and_moves_and_keys_follow_focus() {
        let mut clients = Clients::default();
        clients.add(APP, ClientConfig::default());
        let mut windows = WindowStack::default();
        for (index, surface) in [1u32, 2].into_iter().enumerate() {
            let id = window(&mut windows, surface);
            let placed = windows.get_mut(index).unwrap();
            (placed.x, placed.y) = (100 + 300 * index as i32, 100);
            clients.create_surface(APP, SurfaceId(surface)).unwrap();
            let record = clients.surface_mut((APP, SurfaceId(surface))).unwrap();
            record.role = Some(Role::Toplevel(id));
            (record.buffer, record.pixels) = (Some(BufferId(surface)), (200, 100));
        }
        let (theme, mut outbox, mut dirty) = (Theme::default(), Outbox::default(), false);
        let output = Output { width: 800, height: 600, scale: 1.0 };
        let mut desk = Desk {
            clients: &clients,
            windows: &mut windows,
            theme: &theme,
            output,
            outbox: &mut outbox,
            dirty: &mut dirty,
        };
        let mut input = InputRouter::default();
        let first = (APP, SurfaceId(1));
        input.pointer_moved(150.0, 85.0, &mut desk);
        input.button(Button::Left, KeyState::Pressed, 0, &mut desk);
        assert_eq!(input.focus(), Some(first));
        assert_eq!(desk.windows.top_visible(None), Some(first), "raised");
        input.pointer_moved(170.0, 95.0, &mut desk);
        input.button(Button::Left, KeyState::Released, 1, &mut desk);
        let id = desk.windows.get(1).unwrap().id;
        assert_eq!(desk.windows.geometry(id).map(|g| (g.0, g.1)), Some((120, 110)));
        desk.outbox.take();
        input.key(key(Key::A, KeyState::Pressed, Modifiers::empty()), &mut desk);
        input.key(key(Key::TAB, KeyState::Pressed, Modifiers::ALT), &mut desk);
        let keys: Vec<(ClientId, SurfaceId)> = desk
            .outbox
            .take()
            .into_iter()
            .filter_map(|o| match o {
                Outgoing::Client(client, Event::Keyboard { surface, event: KeyboardEvent::Key(_) }) => {
                    Some((client, surface))
                }
                _ => None,
            })
            .collect();
        assert_eq!(keys, [first], "Alt+Tab is a shortcut, not a key");
        assert_eq!(input.focus(), Some((APP, SurfaceId(2))), "without a shell, Alt+Tab cycles");
    }
}
