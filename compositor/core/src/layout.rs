//! Where things are on screen: origins, visibility and hit testing.
//!
//! A read-only view over the client registry and the window stack.

use alloc::vec::Vec;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{Layer, ProtocolError, Size};

use crate::clients::Clients;
use crate::decorations::{Edges, Part, title_part};
use crate::stack::{Window, WindowStack};
use crate::state::{Role, SurfaceKey};
use crate::theme::Theme;

/// Corners this many logical pixels long resize both ways.
const CORNER: f32 = 16.0;

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

    /// Content origin and size of a window maximised into this area: all
    /// of it but the frame and the title bar.
    pub fn maximized(&self, theme: &Theme) -> (i32, i32, Size) {
        let border = theme.border_width;
        let title = theme.title_height;
        (
            self.x + border as i32,
            self.y + (border + title) as i32,
            Size::new(
                self.width.saturating_sub(2 * border).max(1),
                self.height.saturating_sub(2 * border + title).max(1),
            ),
        )
    }
}

/// What is under a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Hit {
    /// A surface, with its content origin.
    Surface(SurfaceKey, (i32, i32)),
    /// A window's decoration, by stacking index.
    Window(usize, Part),
    Nothing,
}

/// A read-only view of surfaces and windows as laid out.
pub(crate) struct Layout<'a> {
    pub clients: &'a Clients,
    pub windows: &'a WindowStack,
    pub theme: &'a Theme,
    pub scale: f32,
}

impl Layout<'_> {
    /// The stacking index of the toplevel window `key` is the surface of.
    pub fn toplevel(&self, key: SurfaceKey) -> Result<usize, ProtocolError> {
        let surface = self.clients.surface(key).ok_or(ProtocolError::UnknownSurface(key.1))?;
        match surface.role {
            Some(Role::Toplevel(id)) => self.windows.index(id).ok_or(ProtocolError::BadRole),
            _ => Err(ProtocolError::BadRole),
        }
    }

    /// Top-left of a popup, logical, in output coordinates.
    pub fn popup_origin(&self, key: SurfaceKey) -> Option<(i32, i32)> {
        match self.clients.role(key)? {
            Role::Popup(popup) => {
                let (px, py) = self.content_origin((key.0, popup.parent))?;
                Some((px + popup.position.x, py + popup.position.y))
            }
            _ => None,
        }
    }

    /// Mapped popups in `root`'s chain with their origins, parents first
    /// (so children stack above).
    pub fn popup_places(&self, root: SurfaceKey) -> Vec<(SurfaceKey, (i32, i32))> {
        let mut popups = self.clients.popups_of(root);
        popups.sort_by_key(|p| self.clients.popup_depth(root, (root.0, *p)));
        popups.into_iter().filter_map(|p| Some(((root.0, p), self.popup_origin((root.0, p))?))).collect()
    }

    /// Content origin of any surface with a placed role, logical.
    pub fn content_origin(&self, key: SurfaceKey) -> Option<(i32, i32)> {
        match self.clients.role(key)? {
            Role::Toplevel(id) => self.windows.by_id(*id).map(|w| (w.x, w.y)),
            Role::Layer(layer) => Some((layer.x, layer.y)),
            Role::Popup(_) => self.popup_origin(key),
            Role::Cursor => None,
        }
    }

    /// Output position `(x, y)` in `key`'s surface coordinates.
    pub fn local(&self, key: SurfaceKey, x: f32, y: f32) -> (f32, f32) {
        let (ox, oy) = self.content_origin(key).unwrap_or((0, 0));
        (x - ox as f32, y - oy as f32)
    }

    /// Whether a surface is on screen (mapped, and its window, if any, not
    /// minimised).
    pub fn surface_visible(&self, key: SurfaceKey) -> bool {
        if !self.clients.surface(key).is_some_and(|s| s.mapped()) {
            return false;
        }
        let root = self.clients.root_surface(key);
        match self.clients.role(root) {
            Some(Role::Toplevel(id)) => self.windows.by_id(*id).is_some_and(|w| w.mapped && !w.minimized),
            Some(_) => self.clients.surface(root).is_some_and(|s| s.mapped()),
            None => false,
        }
    }

    /// What is at logical `(x, y)`, topmost first.
    pub fn hit_test(&self, x: f32, y: f32) -> Hit {
        use weft_compositor_api::Layer::{Background, Bottom, Overlay, Top};
        if let Some(hit) = self.layer_hit(&[Overlay, Top], x, y) {
            return hit;
        }
        for (index, window) in self.windows.iter().enumerate().rev() {
            if !window.mapped || window.minimized {
                continue;
            }
            if let Some(hit) =
                self.popup_hit(window.key, x, y).or_else(|| self.window_hit(index, window, x, y))
            {
                return hit;
            }
        }
        self.layer_hit(&[Bottom, Background], x, y).unwrap_or(Hit::Nothing)
    }

    /// Whether `(x, y)` is over decoration `part` of `window`.
    pub fn on_part(&self, window: WindowId, part: Part, x: f32, y: f32) -> bool {
        matches!(self.hit_test(x, y), Hit::Window(i, p) if p == part && self.windows.get(i).is_some_and(|w| w.id == window))
    }

    /// A window's content, title bar, or frame and resize margin.
    fn window_hit(&self, index: usize, window: &Window, x: f32, y: f32) -> Option<Hit> {
        let theme = self.theme;
        let title = theme.title_height as i32;
        let border = theme.border_width as i32;
        let margin = theme.resize_margin as i32;
        let (w, h) = (window.size.width as i32, window.size.height as i32);
        if window.content().contains(x, y) {
            return Some(Hit::Surface(window.key, (window.x, window.y)));
        }
        let bar = Area { x: window.x, y: window.y - title, width: window.size.width, height: title as u32 };
        if bar.contains(x, y) {
            let part = title_part(theme, window.size.width, x - window.x as f32);
            return Some(Hit::Window(index, part));
        }
        let reach = border + if window.maximized { 0 } else { margin };
        let outer = Area {
            x: window.x - reach,
            y: window.y - title - reach,
            width: (w + 2 * reach) as u32,
            height: (h + title + 2 * reach) as u32,
        };
        if !outer.contains(x, y) {
            return None;
        }
        if window.maximized {
            return Some(Hit::Window(index, Part::Title));
        }
        let in_corner = y < (window.y - title) as f32 + CORNER || y > (window.y + h) as f32 - CORNER;
        let corner = if in_corner { CORNER } else { 0.0 };
        let left = x < window.x as f32 + corner;
        let right = x >= (window.x + w) as f32 - corner;
        let top = y < (window.y - title) as f32;
        let bottom = y >= (window.y + h) as f32;
        let edges = Edges { left: left && !right, right, top, bottom };
        Some(Hit::Window(index, Part::Resize(edges)))
    }

    fn layer_hit(&self, layers: &[Layer], x: f32, y: f32) -> Option<Hit> {
        let mut best: Option<(Layer, Hit)> = None;
        for (key, surface, layer) in self.clients.layers() {
            if !surface.mapped() || !layers.contains(&layer.role.layer) {
                continue;
            }
            let size = self.clients.surface_size(key, self.scale);
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
        best.map(|(_, hit)| hit)
    }

    fn popup_hit(&self, root: SurfaceKey, x: f32, y: f32) -> Option<Hit> {
        for popup in self.clients.popups_of(root).into_iter().rev() {
            let key = (root.0, popup);
            let (px, py) = self.popup_origin(key)?;
            let size = self.clients.surface_size(key, self.scale);
            let area = Area { x: px, y: py, width: size.width, height: size.height };
            if area.contains(x, y) {
                return Some(Hit::Surface(key, (px, py)));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_compositor_api::{Anchor, BufferId, KeyboardInteractivity, LayerRole, Point, SurfaceId};
    use weft_scene::{Color, Scene};

    use crate::Output;
    use crate::stack::tests::window;
    use crate::state::{ClientConfig, ClientId, LayerSurface, Popup};

    const APP: ClientId = ClientId(1);
    const WINDOW: SurfaceKey = (APP, SurfaceId(1));
    const POPUP: SurfaceKey = (APP, SurfaceId(2));
    const PANEL: SurfaceKey = (APP, SurfaceId(3));

    fn show(clients: &mut Clients, key: SurfaceKey, role: Role, pixels: (u32, u32)) {
        clients.create_surface(key.0, key.1).unwrap();
        let surface = clients.surface_mut(key).unwrap();
        surface.role = Some(role);
        surface.buffer = Some(BufferId(key.1.0));
        surface.pixels = pixels;
    }

    /// A 200×100 window at (100, 100) with a popup at (110, 120), and a
    /// 30 pixel panel along the top of an 800×600 output.
    fn desktop(scene: &Scene) -> (Clients, WindowStack) {
        let mut stack = WindowStack::default();
        let id = window(&mut stack, WINDOW.1.0);
        let placed = stack.get_mut(0).unwrap();
        (placed.x, placed.y) = (100, 100);
        let mut clients = Clients::default();
        clients.add(APP, ClientConfig::default());
        show(&mut clients, WINDOW, Role::Toplevel(id), (200, 100));
        let popup = Popup { parent: WINDOW.1, position: Point::new(10, 20), grab: false };
        show(&mut clients, POPUP, Role::Popup(popup), (50, 30));
        let panel = LayerRole {
            layer: Layer::Top,
            anchor: Anchor::TOP | Anchor::LEFT | Anchor::RIGHT,
            size: Size::new(0, 30),
            exclusive_zone: 30,
            margin: 0,
            keyboard: KeyboardInteractivity::None,
        };
        let layer = LayerSurface { role: panel, x: 0, y: 0, size: Size::default(), group: scene.root() };
        show(&mut clients, PANEL, Role::Layer(layer), (800, 30));
        clients.arrange_layers(Output { width: 800, height: 600, scale: 1.0 });
        (clients, stack)
    }

    #[test]
    fn hits_go_to_the_topmost_thing_under_the_point() {
        let scene = Scene::new(1, 1, Color::rgb(0, 0, 0));
        let (clients, windows) = desktop(&scene);
        let theme = Theme::default();
        let layout = Layout { clients: &clients, windows: &windows, theme: &theme, scale: 1.0 };
        assert_eq!(layout.hit_test(150.0, 150.0), Hit::Surface(WINDOW, (100, 100)));
        assert_eq!(layout.hit_test(115.0, 125.0), Hit::Surface(POPUP, (110, 120)), "popups above");
        assert_eq!(layout.hit_test(150.0, 10.0), Hit::Surface(PANEL, (0, 0)), "the panel above all");
        assert_eq!(layout.hit_test(110.0, 80.0), Hit::Window(0, Part::Title));
        assert_eq!(layout.hit_test(290.0, 80.0), Hit::Window(0, Part::Close));
        assert_eq!(layout.hit_test(250.0, 80.0), Hit::Window(0, Part::Maximize));
        assert_eq!(layout.hit_test(210.0, 80.0), Hit::Window(0, Part::Minimize));
        let left = Edges { left: true, ..Edges::default() };
        assert_eq!(layout.hit_test(95.0, 150.0), Hit::Window(0, Part::Resize(left)));
        let corner = Edges { left: true, top: true, ..Edges::default() };
        assert_eq!(layout.hit_test(95.0, 65.0), Hit::Window(0, Part::Resize(corner)));
        assert_eq!(layout.hit_test(50.0, 300.0), Hit::Nothing);
        let id = windows.get(0).unwrap().id;
        assert!(layout.on_part(id, Part::Close, 290.0, 80.0));
        assert!(!layout.on_part(id, Part::Close, 250.0, 80.0));
    }

    #[test]
    fn popups_sit_relative_to_their_parent_and_hide_with_it() {
        let scene = Scene::new(1, 1, Color::rgb(0, 0, 0));
        let (clients, mut windows) = desktop(&scene);
        let theme = Theme::default();
        let layout = Layout { clients: &clients, windows: &windows, theme: &theme, scale: 1.0 };
        assert_eq!(layout.content_origin(POPUP), Some((110, 120)));
        assert_eq!(layout.local(POPUP, 115.0, 125.0), (5.0, 5.0));
        assert_eq!(layout.toplevel(WINDOW), Ok(0));
        assert_eq!(layout.toplevel(POPUP), Err(ProtocolError::BadRole));
        assert!(layout.surface_visible(POPUP));
        windows.get_mut(0).unwrap().minimized = true;
        let layout = Layout { clients: &clients, windows: &windows, theme: &theme, scale: 1.0 };
        assert!(!layout.surface_visible(POPUP), "a minimised window hides its popups");
        assert!(layout.surface_visible(PANEL));
        assert_eq!(layout.hit_test(150.0, 150.0), Hit::Nothing);
    }

    #[test]
    fn a_maximised_window_fills_the_area_inside_its_decorations() {
        let area = Area { x: 0, y: 30, width: 800, height: 570 };
        assert_eq!(area.maximized(&Theme::default()), (1, 61, Size::new(798, 538)));
        assert!(area.contains(0.0, 30.0) && !area.contains(800.0, 30.0));
    }
}
