//! The window stack: toplevels in stacking order, and what each tells its client.
//!
//! Windows are found by id, raised, placed, dragged and hovered here;
//! configures go to their clients and changes to the shell.

use alloc::string::String;
use alloc::vec::Vec;
use weft_compositor_api::capture::CaptureWindow;
use weft_compositor_api::shell::{WindowId, WindowInfo};
use weft_compositor_api::{Event, Size, ToplevelRole, WindowStates};
use weft_scene::{ImageId, NodeId};

use crate::clients::Clients;
use crate::decorations::{Part, TitleBar};
use crate::layout::Area;
use crate::outbox::Outbox;
use crate::state::SurfaceKey;

/// Size given to a toplevel that lets the compositor choose.
const DEFAULT_SIZE: Size = Size::new(640, 480);

/// New windows cascade by this step, wrapping after this many.
const CASCADE_STEP: i32 = 32;
const CASCADE_WRAP: u32 = 8;

/// A window's nodes in the scene.
pub(crate) struct WindowNodes {
    pub group: NodeId,
    pub frame: NodeId,
    pub backdrop: NodeId,
    pub title: NodeId,
    pub title_image: ImageId,
    pub content: NodeId,
    pub popups: NodeId,
}

pub(crate) struct Window {
    pub id: WindowId,
    pub key: SurfaceKey,
    pub title: String,
    pub app_id: String,
    pub min_size: Size,
    /// Content origin, logical.
    pub x: i32,
    pub y: i32,
    /// Content size, logical (follows the client's buffer unless maximised).
    pub size: Size,
    /// A size asked for on a remote viewer's behalf, configured until the
    /// client presents at it (or the window is maximised or resized by
    /// hand).
    pub requested: Option<Size>,
    pub maximized: bool,
    pub minimized: bool,
    /// Position and size to return to from maximised.
    pub saved: (i32, i32, Size),
    pub resizing: bool,
    pub mapped: bool,
    pub hover: Option<Part>,
    pub title_drawn: Option<TitleBar>,
    pub nodes: WindowNodes,
}

impl Window {
    pub fn new(id: WindowId, key: SurfaceKey, role: ToplevelRole, nodes: WindowNodes) -> Window {
        let size = if role.size.is_empty() { DEFAULT_SIZE } else { role.size };
        Window {
            id,
            key,
            title: role.title,
            app_id: role.app_id,
            min_size: role.min_size,
            x: 0,
            y: 0,
            size,
            requested: None,
            maximized: false,
            minimized: false,
            saved: (0, 0, size),
            resizing: false,
            mapped: false,
            hover: None,
            title_drawn: None,
            nodes,
        }
    }

    /// The content rectangle, logical.
    pub fn content(&self) -> Area {
        Area { x: self.x, y: self.y, width: self.size.width, height: self.size.height }
    }

    /// Send the client its size and states.
    pub fn configure(&self, focused: bool, scale: f32, outbox: &mut Outbox) {
        let mut states = WindowStates::empty();
        states.set(WindowStates::ACTIVATED, focused);
        states.set(WindowStates::MAXIMIZED, self.maximized);
        states.set(WindowStates::RESIZING, self.resizing);
        states.set(WindowStates::SUSPENDED, self.minimized);
        let size = match self.requested {
            Some(requested) if !self.maximized => requested,
            _ => self.size,
        };
        outbox.configure(self.key, size, scale, states);
    }

    /// Ask the client to close the window (close button, shell).
    pub fn ask_to_close(&self, outbox: &mut Outbox) {
        outbox.client(self.key.0, Event::Close { surface: self.key.1 });
    }

    /// Maximise into `target` (origin and size) or restore; false if it
    /// already was.
    pub fn set_maximized(&mut self, maximized: bool, target: (i32, i32, Size)) -> bool {
        if self.maximized == maximized {
            return false;
        }
        self.requested = None;
        if maximized {
            self.saved = (self.x, self.y, self.size);
            (self.x, self.y, self.size) = target;
        } else {
            (self.x, self.y, self.size) = self.saved;
        }
        self.maximized = maximized;
        self.title_drawn = None;
        true
    }

    /// The client presented at `logical` size: unless maximised the window
    /// takes it, keeping `anchor` (right and bottom edges) still during a
    /// resize from the left or top.
    pub fn follow_buffer(&mut self, logical: Size, anchor: Option<(i32, i32)>) {
        if self.maximized {
            return;
        }
        if let Some((right, bottom)) = anchor {
            self.x = right - logical.width as i32;
            self.y = bottom - logical.height as i32;
        }
        self.size = logical;
        if self.requested == Some(logical) {
            self.requested = None;
        }
    }

    /// The window as the shell sees it.
    pub fn info(&self, clients: &Clients, focused: bool) -> WindowInfo {
        WindowInfo {
            id: self.id,
            title: self.title.clone(),
            app_id: self.app_id.clone(),
            owner: clients.owner(self.key.0),
            focused,
            minimized: self.minimized,
            maximized: self.maximized,
        }
    }

    /// The window as the capture consumer sees it (sizes in buffer pixels).
    pub fn capture_info(&self, clients: &Clients, scale: f32) -> CaptureWindow {
        let pixels = clients.surface(self.key).map_or((0, 0), |s| s.pixels);
        CaptureWindow {
            id: self.id,
            title: self.title.clone(),
            app_id: self.app_id.clone(),
            owner: clients.owner(self.key.0),
            size: Size::new(pixels.0, pixels.1),
            scale,
        }
    }
}

/// Toplevel windows, bottom first.
#[derive(Default)]
pub struct WindowStack {
    windows: Vec<Window>,
    last_id: u64,
    /// Windows placed so far (the cascade's position).
    placed: u32,
}

impl WindowStack {
    pub(crate) fn next_id(&mut self) -> WindowId {
        self.last_id += 1;
        WindowId(self.last_id)
    }

    /// Put a new window on top; returns its index.
    pub(crate) fn push(&mut self, window: Window) -> usize {
        self.windows.push(window);
        self.windows.len() - 1
    }

    pub(crate) fn remove(&mut self, id: WindowId) -> Option<Window> {
        let index = self.index(id)?;
        Some(self.windows.remove(index))
    }

    /// Stacking index of a window, 0 at the bottom.
    pub(crate) fn index(&self, id: WindowId) -> Option<usize> {
        self.windows.iter().position(|w| w.id == id)
    }

    pub(crate) fn get(&self, index: usize) -> Option<&Window> {
        self.windows.get(index)
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut Window> {
        self.windows.get_mut(index)
    }

    pub(crate) fn by_id(&self, id: WindowId) -> Option<&Window> {
        self.windows.iter().find(|w| w.id == id)
    }

    pub(crate) fn len(&self) -> usize {
        self.windows.len()
    }

    /// Bottom first.
    pub(crate) fn iter(&self) -> core::slice::Iter<'_, Window> {
        self.windows.iter()
    }

    pub(crate) fn iter_mut(&mut self) -> core::slice::IterMut<'_, Window> {
        self.windows.iter_mut()
    }

    /// Put a window on top; returns its new index.
    pub(crate) fn raise(&mut self, index: usize) -> usize {
        if index + 1 >= self.windows.len() {
            return index;
        }
        let window = self.windows.remove(index);
        self.windows.push(window);
        self.windows.len() - 1
    }

    /// The topmost visible window other than `except`: who gets focus
    /// next.
    pub(crate) fn top_visible(&self, except: Option<SurfaceKey>) -> Option<SurfaceKey> {
        self.windows.iter().rev().find(|w| w.mapped && !w.minimized && Some(w.key) != except).map(|w| w.key)
    }

    /// The bottom-most mapped window (Alt+Tab without a shell cycles by
    /// raising it).
    pub(crate) fn first_mapped(&self) -> Option<usize> {
        self.windows.iter().position(|w| w.mapped)
    }

    /// First placement: cascade inside `area`, below a title bar
    /// `title` high.
    pub(crate) fn place(&mut self, index: usize, area: Area, title: i32) {
        let step = CASCADE_STEP * (self.placed % CASCADE_WRAP) as i32;
        self.placed += 1;
        let Some(window) = self.windows.get_mut(index) else {
            return;
        };
        let room_x = area.width as i32 - window.size.width as i32;
        let room_y = area.height as i32 - window.size.height as i32 - title;
        window.x = area.x + (48 + step).min(room_x.max(0));
        window.y = area.y + title + (40 + step).min(room_y.max(0));
        window.saved = (window.x, window.y, window.size);
    }

    /// Follow a title bar drag that started at `start` with the window at
    /// `origin`; the content never goes above `top`. Returns whether it
    /// moved.
    pub(crate) fn drag(
        &mut self,
        id: WindowId,
        start: (f32, f32),
        origin: (i32, i32),
        to: (f32, f32),
        top: i32,
    ) -> bool {
        let Some(window) = self.windows.iter_mut().find(|w| w.id == id) else {
            return false;
        };
        if window.maximized {
            return false;
        }
        let x = origin.0 + (to.0 - start.0) as i32;
        let y = (origin.1 + (to.1 - start.1) as i32).max(top);
        if (window.x, window.y) == (x, y) {
            return false;
        }
        (window.x, window.y) = (x, y);
        true
    }

    /// Highlight the decoration button `hover` names, if any, and no other;
    /// returns whether anything changed.
    pub(crate) fn set_hover(&mut self, hover: Option<(WindowId, Part)>) -> bool {
        let mut changed = false;
        for window in &mut self.windows {
            let wanted = hover
                .filter(|(id, part)| *id == window.id && !matches!(part, Part::Title | Part::Resize(_)))
                .map(|(_, part)| part);
            if window.hover != wanted {
                window.hover = wanted;
                changed = true;
            }
        }
        changed
    }

    /// Have every title bar drawn again.
    pub(crate) fn invalidate_titles(&mut self) {
        for window in &mut self.windows {
            window.title_drawn = None;
        }
    }

    /// Logical frame geometry of a window: content origin and size.
    pub fn geometry(&self, id: WindowId) -> Option<(i32, i32, Size)> {
        self.by_id(id).map(|w| (w.x, w.y, w.size))
    }

    /// The surface a window shows.
    pub fn surface(&self, id: WindowId) -> Option<SurfaceKey> {
        self.by_id(id).map(|w| w.key)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use weft_compositor_api::SurfaceId;
    use weft_scene::{Color, Scene};

    use crate::decorations::Edges;
    use crate::state::ClientId;

    /// Nodes for windows that are never drawn.
    pub fn nodes() -> WindowNodes {
        let root = Scene::new(1, 1, Color::rgb(0, 0, 0)).root();
        WindowNodes {
            group: root,
            frame: root,
            backdrop: root,
            title: root,
            title_image: ImageId(0),
            content: root,
            popups: root,
        }
    }

    /// A mapped 200×100 window of surface `surface`.
    pub fn window(stack: &mut WindowStack, surface: u32) -> WindowId {
        let id = stack.next_id();
        let role = ToplevelRole {
            title: "t".into(),
            app_id: "a".into(),
            size: Size::new(200, 100),
            min_size: Size::default(),
        };
        let mut window = Window::new(id, (ClientId(1), SurfaceId(surface)), role, nodes());
        window.mapped = true;
        stack.push(window);
        id
    }

    #[test]
    fn raising_and_focus_order_follow_the_stack() {
        let mut stack = WindowStack::default();
        let (a, b, c) = (window(&mut stack, 1), window(&mut stack, 2), window(&mut stack, 3));
        assert_eq!(stack.raise(0), 2);
        let order: Vec<WindowId> = stack.iter().map(|w| w.id).collect();
        assert_eq!(order, [b, c, a]);
        assert_eq!(stack.raise(2), 2, "the top stays");
        stack.get_mut(2).unwrap().minimized = true;
        assert_eq!(stack.top_visible(None), stack.surface(c));
        assert_eq!(stack.top_visible(stack.surface(c)), stack.surface(b));
        assert_eq!(stack.first_mapped(), Some(0));
        assert!(stack.remove(b).is_some());
        assert_eq!(stack.index(a), Some(1));
        assert_eq!(stack.geometry(b), None);
    }

    #[test]
    fn new_windows_cascade_and_drags_keep_the_title_bar_reachable() {
        let mut stack = WindowStack::default();
        let a = window(&mut stack, 1);
        let b = window(&mut stack, 2);
        let area = Area { x: 0, y: 30, width: 800, height: 570 };
        stack.place(0, area, 24);
        stack.place(1, area, 24);
        assert_eq!(stack.geometry(a), Some((48, 94, Size::new(200, 100))));
        assert_eq!(stack.geometry(b), Some((80, 126, Size::new(200, 100))));
        assert!(stack.drag(a, (100.0, 100.0), (48, 94), (150.0, 0.0), 54));
        assert_eq!(stack.geometry(a), Some((98, 54, Size::new(200, 100))));
        assert!(!stack.drag(a, (100.0, 100.0), (48, 94), (150.0, 0.0), 54), "no move, no change");
    }

    #[test]
    fn maximising_restores_and_only_buttons_hover() {
        let mut stack = WindowStack::default();
        let a = window(&mut stack, 1);
        let window = stack.get_mut(0).unwrap();
        window.requested = Some(Size::new(10, 10));
        assert!(window.set_maximized(true, (1, 2, Size::new(700, 500))));
        assert!(!window.set_maximized(true, (1, 2, Size::new(700, 500))));
        assert_eq!(window.requested, None);
        window.follow_buffer(Size::new(5, 5), None);
        assert_eq!(window.size, Size::new(700, 500), "a maximised window keeps its size");
        assert!(window.set_maximized(false, (0, 0, Size::default())));
        assert_eq!(stack.geometry(a), Some((0, 0, Size::new(200, 100))));
        assert!(!stack.set_hover(Some((a, Part::Title))));
        assert!(!stack.set_hover(Some((a, Part::Resize(Edges::default())))));
        assert!(stack.set_hover(Some((a, Part::Close))));
        assert_eq!(stack.get(0).unwrap().hover, Some(Part::Close));
        assert!(stack.set_hover(None));
    }
}
