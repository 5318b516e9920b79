//! Input routing: hit testing, pointer focus and grabs, moving and
//! resizing windows, keyboard focus and shortcuts, touch.

use weft_compositor_api::shell::{ShellEvent, Shortcut, WindowId};
use weft_compositor_api::{Event, KeyboardEvent, Size};
use weft_input_api::{SeatEvent, TouchPhase};
use weft_types::{Button, Key, KeyState, Modifiers, PointerEvent, TouchEvent};

use crate::decorations::{Edges, Part, title_part};
use crate::state::{Role, SurfaceKey};
use crate::windows::Area;
use crate::{Compositor, Outgoing};

/// Two clicks on a title bar closer than this maximise (nanoseconds).
const DOUBLE_CLICK: u64 = 400_000_000;

/// Where the pointer is and what it holds, for inspection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointerState {
    /// Logical position.
    pub x: f32,
    /// Logical position.
    pub y: f32,
    /// The surface under it (or grabbing it).
    pub focus: Option<SurfaceKey>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Grab {
    /// Implicit grab: the surface pressed on gets everything until release.
    Surface(SurfaceKey),
    /// Dragging a title bar.
    Move { window: WindowId, start: (f32, f32), origin: (i32, i32) },
    /// Dragging an edge.
    Resize {
        window: WindowId,
        edges: Edges,
        start: (f32, f32),
        size: Size,
        /// Right and bottom edges, kept still when dragging left or top.
        anchor: (i32, i32),
    },
    /// A decoration button pressed; acts if released over it.
    Button { window: WindowId, part: Part },
}

#[derive(Default)]
pub(crate) struct Pointer {
    pub x: f32,
    pub y: f32,
    pub buttons: u32,
    pub grab: Option<Grab>,
    pub focus: Option<SurfaceKey>,
    pub last_title_click: Option<(WindowId, u64)>,
}

impl Pointer {
    pub fn forget(&mut self, key: SurfaceKey) {
        if self.focus == Some(key) {
            self.focus = None;
        }
        if self.grab == Some(Grab::Surface(key)) {
            self.grab = None;
        }
    }

    pub fn forget_window(&mut self, id: WindowId) {
        let held = match self.grab {
            Some(Grab::Move { window, .. })
            | Some(Grab::Resize { window, .. })
            | Some(Grab::Button { window, .. }) => window == id,
            _ => false,
        };
        if held {
            self.grab = None;
        }
    }

    /// While a window is resized from its left or top edge, the right and
    /// bottom edges it keeps still.
    pub fn resize_anchor(&self, id: WindowId) -> Option<(i32, i32)> {
        match self.grab {
            Some(Grab::Resize { window, edges, anchor, .. }) if window == id && (edges.left || edges.top) => {
                Some(anchor)
            }
            _ => None,
        }
    }
}

#[derive(Default)]
pub(crate) struct KeyboardState {
    pub modifiers: Modifiers,
    /// Alt+Tab switching in progress.
    pub switching: bool,
    /// Super pressed with no other key since.
    pub super_alone: bool,
    /// Keys whose press a shortcut consumed (their release is eaten too).
    pub eaten: alloc::vec::Vec<Key>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum TouchTarget {
    Surface(SurfaceKey),
    Move { window: WindowId, start: (f32, f32), origin: (i32, i32) },
    Button { window: WindowId, part: Part },
    Nothing,
}

impl TouchTarget {
    pub fn is_surface(&self, key: SurfaceKey) -> bool {
        *self == TouchTarget::Surface(key)
    }
}

/// What is under a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Hit {
    Surface(SurfaceKey, (i32, i32)),
    Window(usize, Part),
    Nothing,
}

impl Compositor {
    /// Where the pointer is.
    pub fn pointer(&self) -> PointerState {
        PointerState { x: self.pointer.x, y: self.pointer.y, focus: self.pointer.focus }
    }

    fn layer_hit(&self, layers: &[weft_compositor_api::Layer], x: f32, y: f32) -> Option<Hit> {
        let mut best: Option<(weft_compositor_api::Layer, Hit)> = None;
        for (client_id, client) in &self.clients {
            for (surface_id, surface) in &client.surfaces {
                let Some(Role::Layer(layer)) = &surface.role else {
                    continue;
                };
                if !surface.mapped() || !layers.contains(&layer.role.layer) {
                    continue;
                }
                let key = (*client_id, *surface_id);
                let size = self.surface_size(key);
                let area = Area { x: layer.x, y: layer.y, width: size.width, height: size.height };
                let hit = self
                    .popup_hit(key, x, y)
                    .or_else(|| area.contains(x, y).then_some(Hit::Surface(key, (layer.x, layer.y))));
                if let Some(hit) = hit
                    && best.is_none_or(|(l, _)| layer.role.layer >= l)
                {
                    best = Some((layer.role.layer, hit));
                }
            }
        }
        best.map(|(_, hit)| hit)
    }

    fn popup_hit(&self, root: SurfaceKey, x: f32, y: f32) -> Option<Hit> {
        let mut popups = self.popups_of(root);
        popups.reverse();
        for popup in popups {
            let key = (root.0, popup);
            let (px, py) = self.popup_origin(key)?;
            let size = self.surface_size(key);
            let area = Area { x: px, y: py, width: size.width, height: size.height };
            if area.contains(x, y) {
                return Some(Hit::Surface(key, (px, py)));
            }
        }
        None
    }

    /// What is at logical `(x, y)`, topmost first.
    pub(crate) fn hit_test(&self, x: f32, y: f32) -> Hit {
        use weft_compositor_api::Layer::{Background, Bottom, Overlay, Top};
        if let Some(hit) = self.layer_hit(&[Overlay, Top], x, y) {
            return hit;
        }
        let theme = &self.theme;
        let title = theme.title_height as i32;
        let border = theme.border_width as i32;
        let margin = theme.resize_margin as i32;
        for (index, window) in self.windows.iter().enumerate().rev() {
            if !window.mapped || window.minimized {
                continue;
            }
            if let Some(hit) = self.popup_hit(window.key, x, y) {
                return hit;
            }
            let (w, h) = (window.size.width as i32, window.size.height as i32);
            let content =
                Area { x: window.x, y: window.y, width: window.size.width, height: window.size.height };
            if content.contains(x, y) {
                return Hit::Surface(window.key, (window.x, window.y));
            }
            let bar =
                Area { x: window.x, y: window.y - title, width: window.size.width, height: title as u32 };
            if bar.contains(x, y) {
                let part = title_part(theme, window.size.width, x - window.x as f32);
                return Hit::Window(index, part);
            }
            let reach = border + if window.maximized { 0 } else { margin };
            let outer = Area {
                x: window.x - reach,
                y: window.y - title - reach,
                width: (w + 2 * reach) as u32,
                height: (h + title + 2 * reach) as u32,
            };
            if outer.contains(x, y) {
                if window.maximized {
                    return Hit::Window(index, Part::Title);
                }
                let corner = 16.0;
                let left = x < window.x as f32
                    + if y < (window.y - title) as f32 + corner || y > (window.y + h) as f32 - corner {
                        corner
                    } else {
                        0.0
                    };
                let right = x
                    >= (window.x + w) as f32
                        - if y < (window.y - title) as f32 + corner || y > (window.y + h) as f32 - corner {
                            corner
                        } else {
                            0.0
                        };
                let top = y < (window.y - title) as f32;
                let bottom = y >= (window.y + h) as f32;
                let edges = Edges { left: left && !right, right, top, bottom };
                return Hit::Window(index, Part::Resize(edges));
            }
        }
        if let Some(hit) = self.layer_hit(&[Bottom, Background], x, y) {
            return hit;
        }
        Hit::Nothing
    }

    /// Route one seat event. `now` is monotonic nanoseconds.
    pub fn handle_seat_event(&mut self, event: SeatEvent, now: u64) {
        let (width, height) = self.output.logical();
        match event {
            SeatEvent::PointerMotion { dx, dy } => {
                let x = (self.pointer.x + dx).clamp(0.0, width as f32 - 1.0);
                let y = (self.pointer.y + dy).clamp(0.0, height as f32 - 1.0);
                self.pointer_moved(x, y);
            }
            SeatEvent::PointerAbsolute { x, y } => {
                let x = (x.clamp(0.0, 1.0) * width as f32).min(width as f32 - 1.0);
                let y = (y.clamp(0.0, 1.0) * height as f32).min(height as f32 - 1.0);
                self.pointer_moved(x, y);
            }
            SeatEvent::Button { button, state } => self.pointer_button(button, state, now),
            SeatEvent::Scroll { dx, dy } => {
                let target = match self.pointer.grab {
                    Some(Grab::Surface(key)) => Some(key),
                    _ => self.pointer.focus,
                };
                if let Some(key) = target {
                    self.emit(
                        key.0,
                        Event::Pointer { surface: key.1, event: PointerEvent::Scroll { dx, dy } },
                    );
                }
            }
            SeatEvent::Key(key) => self.key(key),
            SeatEvent::Touch { id, phase, x, y } => {
                let x = x.clamp(0.0, 1.0) * width as f32;
                let y = y.clamp(0.0, 1.0) * height as f32;
                self.touch(id, phase, x, y, now);
            }
        }
    }

    fn local(&self, key: SurfaceKey, x: f32, y: f32) -> (f32, f32) {
        let (ox, oy) = self.content_origin(key).unwrap_or((0, 0));
        (x - ox as f32, y - oy as f32)
    }

    fn pointer_moved(&mut self, x: f32, y: f32) {
        self.pointer.x = x;
        self.pointer.y = y;
        self.dirty = true;
        match self.pointer.grab {
            Some(Grab::Surface(key)) => {
                let (lx, ly) = self.local(key, x, y);
                self.emit(
                    key.0,
                    Event::Pointer { surface: key.1, event: PointerEvent::Motion { x: lx, y: ly } },
                );
            }
            Some(Grab::Move { window, start, origin }) => self.drag_window(window, start, origin, x, y),
            Some(Grab::Resize { window, edges, start, size, .. }) => {
                let Some(index) = self.window_index(window) else {
                    return;
                };
                let min = self.windows[index].min_size;
                let (dx, dy) = ((x - start.0) as i32, (y - start.1) as i32);
                let mut w = size.width as i32;
                let mut h = size.height as i32;
                if edges.right {
                    w += dx;
                }
                if edges.left {
                    w -= dx;
                }
                if edges.bottom {
                    h += dy;
                }
                if edges.top {
                    h -= dy;
                }
                let (max_w, max_h) = self.output.logical();
                let w = w.clamp(min.width.max(48) as i32, max_w.max(48) as i32) as u32;
                let h = h.clamp(min.height.max(32) as i32, max_h.max(32) as i32) as u32;
                let window = &mut self.windows[index];
                let new = Size::new(w, h);
                if window.size != new {
                    window.size = new;
                    self.configure_window(index);
                    // Until the client presents at the new size, the window
                    // keeps showing its old buffer; its frame follows the
                    // buffer (see `surface_presented`).
                    let key = self.windows[index].key;
                    if let Some(surface) = self.surface(key) {
                        let logical = self.surface_size(key);
                        let _ = surface;
                        self.windows[index].size = logical;
                    }
                }
            }
            Some(Grab::Button { window, part }) => {
                let over = matches!(self.hit_test(x, y), Hit::Window(i, p) if self.windows[i].id == window && p == part);
                if let Some(index) = self.window_index(window) {
                    let hover = over.then_some(part);
                    if self.windows[index].hover != hover {
                        self.windows[index].hover = hover;
                    }
                }
            }
            None => self.update_pointer_focus(x, y, true),
        }
    }

    fn drag_window(&mut self, window: WindowId, start: (f32, f32), origin: (i32, i32), x: f32, y: f32) {
        let Some(index) = self.window_index(window) else {
            return;
        };
        if self.windows[index].maximized {
            return;
        }
        let area = self.work_area();
        let title = self.theme.title_height as i32;
        let nx = origin.0 + (x - start.0) as i32;
        // Keep the title bar reachable: never above the work area.
        let ny = (origin.1 + (y - start.1) as i32).max(area.y + title);
        let w = &mut self.windows[index];
        if (w.x, w.y) != (nx, ny) {
            w.x = nx;
            w.y = ny;
            self.dirty = true;
        }
    }

    /// Recompute the surface under the pointer; send leave/enter (and
    /// motion when `motion`), update decoration hover.
    fn update_pointer_focus(&mut self, x: f32, y: f32, motion: bool) {
        let hit = self.hit_test(x, y);
        let hover = match hit {
            Hit::Window(index, part) => Some((self.windows[index].id, part)),
            _ => None,
        };
        for window in &mut self.windows {
            let wanted = hover
                .filter(|(id, part)| *id == window.id && !matches!(part, Part::Title | Part::Resize(_)))
                .map(|(_, part)| part);
            if window.hover != wanted {
                window.hover = wanted;
                self.dirty = true;
            }
        }
        let target = match hit {
            Hit::Surface(key, _) => Some(key),
            _ => None,
        };
        if target != self.pointer.focus {
            if let Some(old) = self.pointer.focus {
                self.emit(old.0, Event::Pointer { surface: old.1, event: PointerEvent::Leave });
            }
            if let Some(new) = target {
                let (lx, ly) = self.local(new, x, y);
                self.emit(
                    new.0,
                    Event::Pointer { surface: new.1, event: PointerEvent::Enter { x: lx, y: ly } },
                );
            }
            self.pointer.focus = target;
            self.dirty = true;
        } else if motion && let Some(key) = target {
            let (lx, ly) = self.local(key, x, y);
            self.emit(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Motion { x: lx, y: ly } });
        }
    }

    /// Dismiss grabbing popups unless `hit` lands on one of them.
    fn dismiss_popups(&mut self, hit: &Hit) -> bool {
        let mut dismissed = false;
        let grabbing: alloc::vec::Vec<SurfaceKey> = self
            .clients
            .iter()
            .flat_map(|(cid, c)| {
                c.surfaces.iter().filter_map(move |(sid, s)| match &s.role {
                    Some(Role::Popup(p)) if p.grab && s.mapped() => Some((*cid, *sid)),
                    _ => None,
                })
            })
            .collect();
        for key in grabbing {
            let on_it = matches!(hit, Hit::Surface(k, _) if k.0 == key.0 && matches!(self.surface(*k).and_then(|s| s.role.as_ref()), Some(Role::Popup(_))));
            if !on_it {
                self.emit(key.0, Event::PopupDone { surface: key.1 });
                self.unmap(key, true);
                dismissed = true;
            }
        }
        dismissed
    }

    /// Focus and raise what a click or touch landed on.
    pub(crate) fn focus_target(&mut self, key: SurfaceKey) {
        let root = self.root_surface(key);
        match self.surface(root).and_then(|s| s.role.as_ref()) {
            Some(Role::Toplevel(id)) => {
                let id = *id;
                if let Some(index) = self.window_index(id) {
                    let top = index + 1 == self.windows.len();
                    if (!top || self.focus != Some(root))
                        && !matches!(self.surface(key).and_then(|s| s.role.as_ref()), Some(Role::Popup(_)))
                    {
                        self.activate(index);
                    }
                }
            }
            Some(Role::Layer(layer)) if layer.takes_keyboard() => {
                self.set_focus(Some(root));
            }
            _ => {}
        }
    }

    fn pointer_button(&mut self, button: Button, state: KeyState, now: u64) {
        let (x, y) = (self.pointer.x, self.pointer.y);
        match state {
            KeyState::Pressed => {
                self.pointer.buttons += 1;
                if self.pointer.buttons > 1 {
                    if let Some(Grab::Surface(key)) = self.pointer.grab {
                        self.send_button(key, button, state, x, y);
                    }
                    return;
                }
                let hit = self.hit_test(x, y);
                if self.dismiss_popups(&hit) {
                    self.pointer.buttons = 0;
                    self.update_pointer_focus(x, y, false);
                    return;
                }
                match hit {
                    Hit::Surface(key, _) => {
                        self.focus_target(key);
                        self.pointer.grab = Some(Grab::Surface(key));
                        self.send_button(key, button, state, x, y);
                    }
                    Hit::Window(index, part) => {
                        let id = self.windows[index].id;
                        self.activate(index);
                        let Some(index) = self.window_index(id) else {
                            return;
                        };
                        let window = &self.windows[index];
                        self.pointer.grab = Some(match part {
                            Part::Title => {
                                let double = self
                                    .pointer
                                    .last_title_click
                                    .is_some_and(|(w, t)| w == id && now.saturating_sub(t) < DOUBLE_CLICK);
                                if double {
                                    self.pointer.last_title_click = None;
                                    let maximized = !self.windows[index].maximized;
                                    self.set_maximized(index, maximized);
                                    self.pointer.grab = None;
                                    return;
                                }
                                self.pointer.last_title_click = Some((id, now));
                                Grab::Move { window: id, start: (x, y), origin: (window.x, window.y) }
                            }
                            Part::Resize(edges) => {
                                let anchor = (
                                    window.x + window.size.width as i32,
                                    window.y + window.size.height as i32,
                                );
                                let size = window.size;
                                self.windows[index].resizing = true;
                                self.windows[index].requested = None;
                                self.configure_window(index);
                                Grab::Resize { window: id, edges, start: (x, y), size, anchor }
                            }
                            part => {
                                self.windows[index].hover = Some(part);
                                self.dirty = true;
                                Grab::Button { window: id, part }
                            }
                        });
                    }
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
                    self.send_button(key, button, state, x, y);
                }
                if self.pointer.buttons > 0 {
                    return;
                }
                self.pointer.grab = None;
                match grab {
                    Some(Grab::Button { window, part }) => {
                        let over = matches!(self.hit_test(x, y), Hit::Window(i, p) if self.windows[i].id == window && p == part);
                        if over && let Some(index) = self.window_index(window) {
                            self.decoration_action(index, part);
                        }
                    }
                    Some(Grab::Resize { window, .. }) => {
                        if let Some(index) = self.window_index(window) {
                            self.windows[index].resizing = false;
                            self.configure_window(index);
                        }
                    }
                    _ => {}
                }
                self.update_pointer_focus(x, y, false);
            }
            KeyState::Repeated => {}
        }
    }

    fn decoration_action(&mut self, index: usize, part: Part) {
        match part {
            Part::Close => self.request_close(index),
            Part::Maximize => {
                let maximized = !self.windows[index].maximized;
                self.set_maximized(index, maximized);
            }
            Part::Minimize => self.minimize(index),
            Part::Title | Part::Resize(_) => {}
        }
        if let Some(window) = self.windows.get_mut(index) {
            window.hover = None;
        }
        self.dirty = true;
    }

    fn send_button(&mut self, key: SurfaceKey, button: Button, state: KeyState, x: f32, y: f32) {
        let (lx, ly) = self.local(key, x, y);
        self.emit(
            key.0,
            Event::Pointer { surface: key.1, event: PointerEvent::Button { button, state, x: lx, y: ly } },
        );
    }

    fn shortcut(&mut self, shortcut: Shortcut) {
        if self.shell_subscribed {
            self.outgoing.push(Outgoing::Shell(ShellEvent::Shortcut(shortcut)));
            return;
        }
        // No shell: cycle windows ourselves.
        if shortcut == Shortcut::SwitchNext
            && let Some(index) = self.windows.iter().position(|w| w.mapped)
        {
            self.activate(index);
        }
    }

    fn key(&mut self, event: weft_types::KeyEvent) {
        self.keyboard.modifiers = event.modifiers;
        let pressed = event.state != KeyState::Released;
        let is_super = matches!(event.key, Key::LEFT_META | Key::RIGHT_META);
        let is_alt = matches!(event.key, Key::LEFT_ALT | Key::RIGHT_ALT);
        if !pressed && let Some(at) = self.keyboard.eaten.iter().position(|k| *k == event.key) {
            self.keyboard.eaten.swap_remove(at);
            return;
        }
        if pressed && !is_super {
            self.keyboard.super_alone = false;
        }
        let mut shortcut = None;
        if event.state == KeyState::Pressed || event.state == KeyState::Repeated {
            let alt = event.modifiers.contains(Modifiers::ALT);
            let sup = event.modifiers.contains(Modifiers::SUPER);
            if alt && event.key == Key::TAB {
                self.keyboard.switching = true;
                shortcut = Some(if event.modifiers.contains(Modifiers::SHIFT) {
                    Shortcut::SwitchPrevious
                } else {
                    Shortcut::SwitchNext
                });
            } else if self.keyboard.switching && event.key == Key::ESC {
                self.keyboard.switching = false;
                shortcut = Some(Shortcut::SwitchCancel);
            } else if sup && event.key == Key::L {
                shortcut = Some(Shortcut::Lock);
            } else if is_super && event.state == KeyState::Pressed {
                self.keyboard.super_alone = true;
            }
        } else if is_alt && self.keyboard.switching {
            self.keyboard.switching = false;
            self.shortcut(Shortcut::SwitchCommit);
        } else if is_super && core::mem::take(&mut self.keyboard.super_alone) {
            self.shortcut(Shortcut::Launcher);
        }
        if let Some(shortcut) = shortcut {
            if !self.keyboard.eaten.contains(&event.key) {
                self.keyboard.eaten.push(event.key);
            }
            self.shortcut(shortcut);
            return;
        }
        if let Some(key) = self.keyboard_focus() {
            self.emit(key.0, Event::Keyboard { surface: key.1, event: KeyboardEvent::Key(event) });
        }
    }

    fn touch(&mut self, id: u32, phase: TouchPhase, x: f32, y: f32, _now: u64) {
        match phase {
            TouchPhase::Down => {
                let hit = self.hit_test(x, y);
                self.dismiss_popups(&hit);
                let target = match hit {
                    Hit::Surface(key, _) => {
                        self.focus_target(key);
                        let (lx, ly) = self.local(key, x, y);
                        self.emit(
                            key.0,
                            Event::Touch { surface: key.1, event: TouchEvent::Down { id, x: lx, y: ly } },
                        );
                        TouchTarget::Surface(key)
                    }
                    Hit::Window(index, part) => {
                        let window_id = self.windows[index].id;
                        self.activate(index);
                        let Some(index) = self.window_index(window_id) else {
                            return;
                        };
                        let w = &self.windows[index];
                        match part {
                            Part::Title | Part::Resize(_) => {
                                TouchTarget::Move { window: window_id, start: (x, y), origin: (w.x, w.y) }
                            }
                            part => TouchTarget::Button { window: window_id, part },
                        }
                    }
                    Hit::Nothing => TouchTarget::Nothing,
                };
                self.touches.insert(id, target);
            }
            TouchPhase::Motion => match self.touches.get(&id).copied() {
                Some(TouchTarget::Surface(key)) => {
                    let (lx, ly) = self.local(key, x, y);
                    self.emit(
                        key.0,
                        Event::Touch { surface: key.1, event: TouchEvent::Motion { id, x: lx, y: ly } },
                    );
                }
                Some(TouchTarget::Move { window, start, origin }) => {
                    self.drag_window(window, start, origin, x, y)
                }
                _ => {}
            },
            TouchPhase::Up => match self.touches.remove(&id) {
                Some(TouchTarget::Surface(key)) => {
                    self.emit(key.0, Event::Touch { surface: key.1, event: TouchEvent::Up { id } })
                }
                Some(TouchTarget::Button { window, part }) => {
                    let over = matches!(self.hit_test(x, y), Hit::Window(i, p) if self.windows[i].id == window && p == part);
                    if over && let Some(index) = self.window_index(window) {
                        self.decoration_action(index, part);
                    }
                }
                _ => {}
            },
        }
    }
}
