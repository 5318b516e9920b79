//! Popups (menus) and modal dialogs: separate roots above the window.

use alloc::boxed::Box;
use alloc::vec::Vec;

use weft_paint::Point;

use crate::id::WidgetId;
use crate::ui::{Overlay, Ui};
use crate::widget::Widget;
use crate::widgets::{Button, Container, Dialog, Label, TextRole};

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

impl<M: 'static> Ui<M> {
    /// Opens `widget` as a popup at `anchor` and focuses it (or its first
    /// focusable descendant). Returns the popup's root id.
    pub fn show_popup(&mut self, widget: impl Widget<M>, anchor: Point) -> WidgetId {
        let root = self.tree.insert(Box::new(widget), None);
        self.open_overlay(root, OverlayKind::Menu { anchor });
        root
    }

    /// Opens any widget tree rooted at `root` (created with
    /// [`Ui::create_detached`]) as a modal dialog.
    pub fn show_modal(&mut self, root: WidgetId) {
        self.open_overlay(root, OverlayKind::Dialog);
    }

    /// Creates a widget outside the window tree, to fill with children
    /// and then show with [`Ui::show_modal`].
    pub fn create_detached(&mut self, widget: impl Widget<M>) -> WidgetId {
        self.tree.insert(Box::new(widget), None)
    }

    fn open_overlay(&mut self, root: WidgetId, kind: OverlayKind) {
        self.overlays.push(Overlay {
            root,
            kind,
            previous_focus: self.focused,
        });
        self.mark_layout(root);
        if kind == OverlayKind::Dialog {
            self.damage_all();
        }
        let first = self.focus_order(root).first().copied();
        if let Some(first) = first {
            self.focus(Some(first), self.focus_visible);
        }
    }

    /// Closes the overlay whose root is `root` (and any opened above it).
    pub fn close_overlay(&mut self, root: WidgetId) {
        let Some(position) = self
            .overlays
            .iter()
            .position(|overlay| overlay.root == root)
        else {
            return;
        };
        let closing: Vec<Overlay> = self.overlays.drain(position..).collect();
        let restore = closing.first().and_then(|overlay| overlay.previous_focus);
        for overlay in closing.into_iter().rev() {
            if overlay.kind == OverlayKind::Dialog {
                self.damage_all();
            }
            self.forget(overlay.root);
            for (rect, outset, clip) in self.tree.remove(overlay.root) {
                self.damage_rect(rect.inflate(outset), clip);
            }
        }
        if self.focused.is_none() {
            let restore = restore.filter(|id| self.tree.contains(*id));
            self.focus(restore, self.focus_visible);
        }
    }

    /// Closes the topmost overlay; returns whether there was one.
    pub fn close_top_overlay(&mut self) -> bool {
        match self.overlays.last().map(|overlay| overlay.root) {
            Some(root) => {
                self.close_overlay(root);
                true
            }
            None => false,
        }
    }

    /// Roots of the open overlays, bottom to top.
    pub fn overlays(&self) -> Vec<WidgetId> {
        self.overlays.iter().map(|overlay| overlay.root).collect()
    }

    /// Focusable, visible widgets under `scope`, in tree order.
    pub(crate) fn focus_order(&mut self, scope: WidgetId) -> Vec<WidgetId> {
        self.update_layout();
        self.tree
            .descendants(scope)
            .into_iter()
            .filter(|id| {
                self.tree.get(*id).is_some_and(|node| {
                    !node.hidden
                        && !node.state.disabled
                        && !node.clip.is_empty()
                        && !node.rect.is_empty()
                        && node
                            .widget
                            .as_ref()
                            .is_some_and(|widget| widget.focusable())
                })
            })
            .collect()
    }

    /// Where keyboard focus may go: the top overlay, else the window.
    pub(crate) fn focus_scope(&self) -> WidgetId {
        self.overlays
            .last()
            .map_or(self.root, |overlay| overlay.root)
    }

    /// Moves focus to the next (or previous) focusable widget, wrapping.
    pub fn move_focus(&mut self, forward: bool) {
        let order = self.focus_order(self.focus_scope());
        if order.is_empty() {
            return;
        }
        let current = self
            .focused
            .and_then(|focused| order.iter().position(|id| *id == focused));
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => order.len() - 1,
            (Some(index), true) => (index + 1) % order.len(),
            (Some(index), false) => (index + order.len() - 1) % order.len(),
        };
        self.focus(Some(order[next]), true);
        self.reveal(order[next]);
    }

    /// Scrolls ancestors so that `id` is visible.
    pub fn reveal(&mut self, id: WidgetId) {
        self.update_layout();
        let Some(mut target) = self.tree.get(id).map(|node| node.rect) else {
            return;
        };
        let mut current = self.tree.get(id).and_then(|node| node.parent);
        while let Some(ancestor) = current {
            let Some(node) = self.tree.get_mut(ancestor) else {
                break;
            };
            let bounds = node.rect;
            let moved = node.widget.as_mut().is_some_and(|widget| {
                let before = widget.content_offset();
                let moved = widget.scroll_into_view(bounds, target);
                if moved {
                    let after = widget.content_offset();
                    target = target.translate(before.x - after.x, before.y - after.y);
                }
                moved
            });
            if moved {
                self.geometry_dirty = true;
                self.damage_node(ancestor);
            }
            current = self.tree.get(ancestor).and_then(|node| node.parent);
        }
        self.update_layout();
    }
}

impl<M: Clone + 'static> Ui<M> {
    /// Opens a modal dialog built from `dialog`. Its buttons send their
    /// messages and close it; Escape closes it without a message.
    pub fn show_dialog(&mut self, dialog: Dialog<M>) -> WidgetId {
        let (title, message, buttons, width) = dialog.into_parts();
        let root = self
            .tree
            .insert(Box::new(Container::dialog_surface(width)), None);
        self.add(root, Label::new(title).role(TextRole::Title));
        if !message.is_empty() {
            self.add(root, Label::new(message).role(TextRole::Body).muted());
        }
        let row = self.add(root, Container::row().gap(8.0).justify_end());
        let mut last = None;
        for (label, message, kind) in buttons {
            let mut button = Button::new(label).kind(kind).closes_overlay();
            if let Some(message) = message {
                button = button.on_click(message);
            }
            last = Some(self.add(row, button));
        }
        self.open_overlay(root, OverlayKind::Dialog);
        if let Some(button) = last {
            self.focus(Some(button), self.focus_visible);
        }
        root
    }
}
