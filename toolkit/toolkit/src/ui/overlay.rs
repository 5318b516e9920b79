//! Opening and closing popups and dialogs, and keyboard focus movement
//! within the top one (or the window).

use alloc::boxed::Box;
use alloc::vec::Vec;

use weft_paint::Point;

use crate::id::WidgetId;
use crate::ui::{Overlay, OverlayKind, Ui};
use crate::widget::Widget;
use crate::widgets::{Button, Container, Dialog, Label, TextRole};

impl<M: 'static> Ui<M> {
    /// Opens `widget` as a popup at `anchor` and focuses it (or its first
    /// focusable descendant). Returns the popup's root id.
    pub fn show_popup(&mut self, widget: impl Widget<M>, anchor: Point) -> WidgetId {
        let root = self.tree.insert(Box::new(widget), None);
        let previous_focus = self.input.focused;
        self.overlays.push(Overlay { root, kind: OverlayKind::Menu { anchor }, previous_focus });
        self.layout.mark(&mut self.tree, root);
        self.update_layout();
        if let Some(first) = self.tree.focus_order(root).first().copied() {
            self.focus(Some(first), self.input.focus_visible);
        }
        root
    }

    /// Opens any widget tree rooted at `root` (created with
    /// [`Ui::create_detached`]) as a modal dialog.
    pub fn show_modal(&mut self, root: WidgetId) {
        let previous_focus = self.input.focused;
        self.overlays.push(Overlay { root, kind: OverlayKind::Dialog, previous_focus });
        self.layout.mark(&mut self.tree, root);
        // The scrim dims the whole window.
        self.damage.add_window(&self.viewport);
        self.update_layout();
        if let Some(first) = self.tree.focus_order(root).first().copied() {
            self.focus(Some(first), self.input.focus_visible);
        }
    }

    /// Creates a widget outside the window tree, to fill with children
    /// and then show with [`Ui::show_modal`].
    pub fn create_detached(&mut self, widget: impl Widget<M>) -> WidgetId {
        self.tree.insert(Box::new(widget), None)
    }

    /// Closes the overlay whose root is `root` (and any opened above it).
    pub fn close_overlay(&mut self, root: WidgetId) {
        let closing: Vec<Overlay> = self.overlays.close_from(root);
        let Some(restore) = closing.first().map(|overlay| overlay.previous_focus) else {
            return;
        };
        for overlay in closing.into_iter().rev() {
            if overlay.kind == OverlayKind::Dialog {
                self.damage.add_window(&self.viewport);
            }
            self.input.forget(&self.tree, overlay.root);
            self.animations.forget(&self.tree, overlay.root);
            self.damage.add_areas(&self.viewport, self.tree.remove(overlay.root));
        }
        if self.input.focused.is_none() {
            let restore = restore.filter(|id| self.tree.contains(*id));
            self.focus(restore, self.input.focus_visible);
        }
    }

    /// Closes the topmost overlay; returns whether there was one.
    pub fn close_top_overlay(&mut self) -> bool {
        match self.overlays.top().map(|overlay| overlay.root) {
            Some(root) => {
                self.close_overlay(root);
                true
            }
            None => false,
        }
    }

    /// Roots of the open overlays, bottom to top.
    pub fn overlays(&self) -> Vec<WidgetId> {
        self.overlays.roots()
    }

    /// Moves focus to the next (or previous) focusable widget, wrapping.
    pub fn move_focus(&mut self, forward: bool) {
        let scope = self.overlays.focus_scope(self.root);
        self.update_layout();
        let order = self.tree.focus_order(scope);
        if order.is_empty() {
            return;
        }
        let current = self.input.focused.and_then(|focused| order.iter().position(|id| *id == focused));
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => order.len() - 1,
            (Some(index), true) => (index + 1) % order.len(),
            (Some(index), false) => (index + order.len() - 1) % order.len(),
        };
        let Some(&next) = order.get(next) else {
            return;
        };
        self.focus(Some(next), true);
        self.reveal(next);
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
                self.layout.reposition();
                self.damage.add_node(&self.viewport, &self.tree, ancestor);
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
        let root = self.tree.insert(Box::new(Container::dialog_surface(width)), None);
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
        self.show_modal(root);
        if let Some(button) = last {
            self.focus(Some(button), self.input.focus_visible);
        }
        root
    }
}
