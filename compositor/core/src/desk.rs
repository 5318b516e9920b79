//! The desk: window management over the stack, the registry and the outbox.
//!
//! Activating, minimising and maximising a window touches the window
//! stack, reads the client registry and tells clients and the shell; the
//! compositor lends those side by side as a `Desk` (see
//! `Compositor::desk`), next to the input router whose keyboard focus
//! they move.

use weft_compositor_api::shell::{ShellEvent, WindowId};

use crate::Output;
use crate::clients::Clients;
use crate::input::InputRouter;
use crate::layout::Layout;
use crate::outbox::Outbox;
use crate::stack::WindowStack;
use crate::state::SurfaceKey;
use crate::theme::Theme;

/// The window-management state, borrowed for one operation.
pub(crate) struct Desk<'a> {
    pub clients: &'a Clients,
    pub windows: &'a mut WindowStack,
    pub theme: &'a Theme,
    pub output: Output,
    pub outbox: &'a mut Outbox,
    /// Set when anything on screen changed.
    pub dirty: &'a mut bool,
}

impl Desk<'_> {
    pub fn layout(&self) -> Layout<'_> {
        Layout { clients: self.clients, windows: self.windows, theme: self.theme, scale: self.output.scale }
    }

    /// Send a window its size and states (activated if it has `focus`).
    pub fn configure(&mut self, index: usize, focus: Option<SurfaceKey>) {
        if let Some(window) = self.windows.get(index) {
            window.configure(focus == Some(window.key), self.output.scale, self.outbox);
        }
    }

    /// Tell the shell a mapped window changed.
    pub fn notify(&mut self, index: usize, focus: Option<SurfaceKey>) {
        if let Some(window) = self.windows.get(index).filter(|w| w.mapped) {
            let focused = focus == Some(window.key);
            self.outbox.shell(|| ShellEvent::WindowChanged(window.info(self.clients, focused)));
        }
    }

    /// Maximise into the work area, or restore.
    pub fn set_maximized(&mut self, index: usize, maximized: bool, focus: Option<SurfaceKey>) {
        let target = self.clients.work_area(self.output).maximized(self.theme);
        if !self.windows.get_mut(index).is_some_and(|w| w.set_maximized(maximized, target)) {
            return;
        }
        self.configure(index, focus);
        self.notify(index, focus);
        *self.dirty = true;
    }

    /// Restore, raise and focus a window.
    pub fn activate(&mut self, index: usize, input: &mut InputRouter) {
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        let was_minimized = core::mem::take(&mut window.minimized);
        let key = window.key;
        let index = self.windows.raise(index);
        if was_minimized {
            self.configure(index, input.focus());
        }
        input.set_focus(Some(key), self);
        self.notify(index, input.focus());
    }

    /// Hide a window until it is activated; the keyboard moves on.
    pub fn minimize(&mut self, index: usize, input: &mut InputRouter) {
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        if window.minimized {
            return;
        }
        window.minimized = true;
        let key = window.key;
        self.configure(index, input.focus());
        self.notify(index, input.focus());
        if input.focus() == Some(key) {
            input.replace_focus(None);
            input.refocus(Some(key), self);
        }
        *self.dirty = true;
    }

    /// Follow a title bar drag that started at `start` with the window at
    /// `origin`; the title bar never goes above the work area.
    pub fn drag(&mut self, window: WindowId, start: (f32, f32), origin: (i32, i32), to: (f32, f32)) {
        let top = self.clients.work_area(self.output).y + self.theme.title_height as i32;
        if self.windows.drag(window, start, origin, to, top) {
            *self.dirty = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use weft_compositor_api::shell::WindowInfo;
    use weft_compositor_api::{BufferId, Event, KeyboardEvent, Size, WindowStates};

    use crate::Outgoing;
    use crate::stack::tests::window;
    use crate::state::{ClientConfig, ClientId, Role};

    const OUTPUT: Output = Output { width: 800, height: 600, scale: 1.0 };

    /// Two mapped windows of client 1, surfaces 1 and 2, bottom first.
    fn two_windows() -> (Clients, WindowStack) {
        let mut clients = Clients::default();
        clients.add(ClientId(1), ClientConfig { name: "app".into(), may_use_layers: false });
        let mut windows = WindowStack::default();
        for surface in [1, 2] {
            let id = window(&mut windows, surface);
            let key = (ClientId(1), weft_compositor_api::SurfaceId(surface));
            clients.create_surface(key.0, key.1).unwrap();
            let record = clients.surface_mut(key).unwrap();
            record.role = Some(Role::Toplevel(id));
            record.buffer = Some(BufferId(surface));
        }
        (clients, windows)
    }

    fn changes(outbox: &mut Outbox) -> Vec<WindowInfo> {
        outbox
            .take()
            .into_iter()
            .filter_map(|o| match o {
                Outgoing::Shell(ShellEvent::WindowChanged(info)) => Some(info),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn activating_raises_restores_and_focuses() {
        let (clients, mut windows) = two_windows();
        let (theme, mut outbox, mut dirty) = (Theme::default(), Outbox::default(), false);
        outbox.set_shell_subscribed(true);
        let mut input = InputRouter::default();
        let mut desk = Desk {
            clients: &clients,
            windows: &mut windows,
            theme: &theme,
            output: OUTPUT,
            outbox: &mut outbox,
            dirty: &mut dirty,
        };
        desk.windows.get_mut(0).unwrap().minimized = true;
        desk.activate(0, &mut input);
        let bottom = (ClientId(1), weft_compositor_api::SurfaceId(1));
        assert_eq!(desk.windows.top_visible(None), Some(bottom), "raised and restored");
        assert_eq!(input.focus(), Some(bottom));
        let events = desk.outbox.take();
        let enter = Event::Keyboard {
            surface: bottom.1,
            event: KeyboardEvent::Enter { modifiers: Default::default() },
        };
        assert!(events.contains(&Outgoing::Client(ClientId(1), enter)));
        let activated = events.iter().any(|o| {
            matches!(o, Outgoing::Client(_, Event::Configure(c)) if c.states.contains(WindowStates::ACTIVATED))
        });
        assert!(activated && *desk.dirty);
    }

    #[test]
    fn minimising_the_focused_window_focuses_the_next_and_maximising_fills_the_area() {
        let (clients, mut windows) = two_windows();
        let (theme, mut outbox, mut dirty) = (Theme::default(), Outbox::default(), false);
        outbox.set_shell_subscribed(true);
        let mut input = InputRouter::default();
        let mut desk = Desk {
            clients: &clients,
            windows: &mut windows,
            theme: &theme,
            output: OUTPUT,
            outbox: &mut outbox,
            dirty: &mut dirty,
        };
        desk.activate(1, &mut input);
        desk.minimize(1, &mut input);
        assert_eq!(input.focus(), Some((ClientId(1), weft_compositor_api::SurfaceId(1))));
        let last = changes(desk.outbox).into_iter().last().unwrap();
        assert!(last.focused && !last.minimized, "the other window got focus: {last:?}");
        desk.set_maximized(0, true, input.focus());
        let (x, y, size) = desk.windows.geometry(last.id).unwrap();
        assert_eq!((x, y, size), (1, 31, Size::new(798, 568)));
        assert!(changes(desk.outbox).iter().any(|info| info.maximized));
        desk.set_maximized(0, false, input.focus());
        assert_eq!(desk.windows.geometry(last.id).unwrap().2, Size::new(200, 100));
    }
}
