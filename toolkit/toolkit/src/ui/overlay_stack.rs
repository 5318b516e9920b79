//! The stack of open popups and dialogs: separate roots above the window,
//! where each goes, and which of them input and focus may reach.

use alloc::vec::Vec;

use weft_paint::{Point, Size};

use crate::id::WidgetId;

/// How an overlay is placed and how it treats the rest of the window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OverlayKind {
    /// A popup at `anchor` (moved to stay inside the window); a press
    /// outside closes it.
    Menu {
        /// Preferred top-left corner, logical pixels.
        anchor: Point,
    },
    /// A modal dialog centred over a dimmed window; nothing behind it
    /// takes input until it closes.
    Dialog,
}

impl OverlayKind {
    /// Where an overlay of `size` goes in a window of `window` size
    /// (logical pixels): dialogs centred, menus at their anchor, moved
    /// left or flipped above it to stay inside.
    pub(crate) fn origin(self, window: Size, size: Size) -> Point {
        match self {
            OverlayKind::Dialog => Point::new(
                ((window.width - size.width) / 2.0).max(0.0),
                ((window.height - size.height) / 2.0).max(0.0),
            ),
            OverlayKind::Menu { anchor } => {
                let mut x = anchor.x;
                let mut y = anchor.y;
                if x + size.width > window.width - 4.0 {
                    x = (window.width - size.width - 4.0).max(0.0);
                }
                if y + size.height > window.height - 4.0 {
                    y = (anchor.y - size.height).max(0.0);
                }
                Point::new(x, y)
            }
        }
    }
}

/// An open popup or dialog: a separate root painted above the window.
pub(crate) struct Overlay {
    pub root: WidgetId,
    pub kind: OverlayKind,
    /// Focus to restore when the overlay closes.
    pub previous_focus: Option<WidgetId>,
}

/// Open overlays, bottom to top.
#[derive(Default)]
pub(crate) struct OverlayStack {
    open: Vec<Overlay>,
}

impl OverlayStack {
    /// Puts `overlay` on top.
    pub fn push(&mut self, overlay: Overlay) {
        self.open.push(overlay);
    }

    /// Takes the overlay rooted at `root` off the stack with every one
    /// above it, bottom to top; empty if `root` is not an open overlay.
    pub fn close_from(&mut self, root: WidgetId) -> Vec<Overlay> {
        match self.open.iter().position(|overlay| overlay.root == root) {
            Some(position) => self.open.split_off(position),
            None => Vec::new(),
        }
    }

    /// Whether `id` is the root of an open overlay.
    pub fn is_root(&self, id: WidgetId) -> bool {
        self.open.iter().any(|overlay| overlay.root == id)
    }

    /// The open overlays, bottom to top.
    pub fn all(&self) -> &[Overlay] {
        &self.open
    }

    /// The topmost overlay.
    pub fn top(&self) -> Option<&Overlay> {
        self.open.last()
    }

    /// Whether the topmost overlay is a popup menu.
    pub fn top_is_menu(&self) -> bool {
        self.top().is_some_and(|overlay| matches!(overlay.kind, OverlayKind::Menu { .. }))
    }

    /// The roots of the open overlays, bottom to top.
    pub fn roots(&self) -> Vec<WidgetId> {
        self.open.iter().map(|overlay| overlay.root).collect()
    }

    /// Where keyboard focus may go: the top overlay, else `window`.
    pub fn focus_scope(&self, window: WidgetId) -> WidgetId {
        self.top().map_or(window, |overlay| overlay.root)
    }
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use super::*;
    use crate::tree::Tree;
    use crate::widgets::Container;

    /// A stack of overlays of `kinds`; the first id returned is the window root.
    fn stack(kinds: &[OverlayKind]) -> (OverlayStack, Vec<WidgetId>) {
        let mut tree = Tree::<()>::new();
        let mut stack = OverlayStack::default();
        let mut roots = alloc::vec![tree.insert(Box::new(Container::column()), None)];
        for kind in kinds {
            let root = tree.insert(Box::new(Container::column()), None);
            stack.push(Overlay { root, kind: *kind, previous_focus: None });
            roots.push(root);
        }
        (stack, roots)
    }

    const MENU: OverlayKind = OverlayKind::Menu { anchor: Point::new(0.0, 0.0) };

    #[test]
    fn closing_an_overlay_closes_those_above_it() {
        let (mut stack, roots) = stack(&[OverlayKind::Dialog, MENU, MENU]);
        assert!(stack.top_is_menu());
        let closed: Vec<WidgetId> = stack.close_from(roots[2]).iter().map(|overlay| overlay.root).collect();
        assert_eq!(closed, roots[2..]);
        assert_eq!(stack.roots(), roots[1..2]);
        assert!(!stack.top_is_menu());
        assert!(stack.close_from(roots[3]).is_empty());
        assert!(stack.is_root(roots[1]) && !stack.is_root(roots[2]) && !stack.is_root(roots[0]));
    }

    #[test]
    fn focus_stays_in_the_top_overlay() {
        let (stack, roots) = stack(&[]);
        assert_eq!(stack.focus_scope(roots[0]), roots[0]);
        let (stack, roots) = self::stack(&[OverlayKind::Dialog, MENU]);
        assert_eq!(stack.focus_scope(roots[0]), roots[2]);
        assert_eq!(stack.top().map(|overlay| overlay.kind), Some(MENU));
    }

    #[test]
    fn dialogs_centre_and_menus_stay_inside_the_window() {
        let window = Size::new(200.0, 100.0);
        let size = Size::new(80.0, 40.0);
        assert_eq!(OverlayKind::Dialog.origin(window, size), Point::new(60.0, 30.0));
        let fits = OverlayKind::Menu { anchor: Point::new(10.0, 20.0) };
        assert_eq!(fits.origin(window, size), Point::new(10.0, 20.0));
        let corner = OverlayKind::Menu { anchor: Point::new(190.0, 90.0) };
        assert_eq!(corner.origin(window, size), Point::new(116.0, 50.0));
        assert_eq!(OverlayKind::Dialog.origin(Size::new(50.0, 20.0), size), Point::new(0.0, 0.0));
    }
}
