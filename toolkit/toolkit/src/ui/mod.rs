//! The UI: the public face of the toolkit, dispatching to the parts it
//! owns — widget tree, layout pass, viewport, damage, overlay stack,
//! input tracking, animation schedule and the widgets' environment.

mod animations;
mod env;
mod input;
mod layout;
mod overlay;
mod overlay_stack;
mod render;
mod tracking;
mod viewport;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::{PixelRect, Rect, Size};
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::damage::Damage;
use crate::event::{Event, Status};
use crate::id::WidgetId;
use crate::style::LayoutStyle;
use crate::tree::Tree;
use crate::widget::{Effects, Widget};
use crate::widgets::Container;

use animations::Animations;
use env::Env;
use layout::LayoutPass;
use overlay_stack::{Overlay, OverlayStack};
use tracking::Tracking;
pub(crate) use viewport::Viewport;

pub use overlay_stack::OverlayKind;

/// A retained UI producing app messages of type `M`.
///
/// Typical use: build widgets with [`Ui::add`], then per frame call
/// [`Ui::set_size`] (when the surface changes), [`Ui::handle_event`] for
/// input (collecting messages), [`Ui::animate`] when [`Ui::needs_frame`],
/// and [`Ui::render`] which repaints only what changed and returns the
/// damaged rectangles to present.
pub struct Ui<M: 'static> {
    tree: Tree<M>,
    /// The window's root container.
    root: WidgetId,
    env: Env<M>,
    viewport: Viewport,
    damage: Damage,
    layout: LayoutPass,
    overlays: OverlayStack,
    input: Tracking,
    animations: Animations,
}

impl<M: 'static> Ui<M> {
    /// An empty UI (a root column filling the window) in `theme`.
    pub fn new(theme: Theme) -> Ui<M> {
        let mut tree = Tree::new();
        let root = tree.insert(Box::new(Container::column()), None);
        Ui {
            tree,
            root,
            env: Env::new(theme),
            viewport: Viewport::default(),
            damage: Damage::default(),
            layout: LayoutPass::default(),
            overlays: OverlayStack::default(),
            input: Tracking::default(),
            animations: Animations::default(),
        }
    }

    /// The root container every app widget descends from.
    pub fn root(&self) -> WidgetId {
        self.root
    }

    /// Adds `widget` as the last child of `parent` and returns its id.
    ///
    /// # Panics
    /// If `parent` was removed.
    pub fn add(&mut self, parent: WidgetId, widget: impl Widget<M>) -> WidgetId {
        assert!(self.tree.contains(parent), "parent {parent:?} is not in this UI");
        let id = self.tree.insert(Box::new(widget), Some(parent));
        self.layout.mark(&mut self.tree, parent);
        id
    }

    /// Removes a widget and its descendants.
    pub fn remove(&mut self, id: WidgetId) {
        if id == self.root || !self.tree.contains(id) {
            return;
        }
        if self.overlays.is_root(id) {
            self.close_overlay(id);
            return;
        }
        if let Some(parent) = self.tree.get(id).and_then(|node| node.parent) {
            self.layout.mark(&mut self.tree, parent);
        }
        self.input.forget(&self.tree, id);
        self.animations.forget(&self.tree, id);
        self.damage.add_areas(&self.viewport, self.tree.remove(id));
    }

    /// Removes every child of `id`.
    pub fn clear_children(&mut self, id: WidgetId) {
        let children = self.tree.get(id).map(|node| node.children.clone()).unwrap_or_default();
        for child in children {
            self.remove(child);
        }
    }

    /// Adjusts a widget's layout on top of its own style (e.g. make it
    /// grow, or give it a fixed width).
    pub fn adjust_layout(&mut self, id: WidgetId, adjustment: impl Fn(&mut LayoutStyle) + 'static) {
        if let Some(node) = self.tree.get_mut(id) {
            node.adjustment = Some(Box::new(adjustment));
        }
        self.layout.mark(&mut self.tree, id);
    }

    /// Enables or disables a widget and its descendants. Disabled widgets
    /// look inactive, get no input and cannot take focus.
    pub fn set_enabled(&mut self, id: WidgetId, enabled: bool) {
        let Some(node) = self.tree.get_mut(id) else {
            return;
        };
        if node.enabled == enabled {
            return;
        }
        node.enabled = enabled;
        self.layout.reposition();
        self.damage.add_node(&self.viewport, &self.tree, id);
        if !enabled {
            if self.input.focused.is_some_and(|focused| self.tree.is_ancestor(id, focused)) {
                self.focus(None, self.input.focus_visible);
            }
            for captured in self.input.captures().into_iter().flatten() {
                if self.tree.is_ancestor(id, captured) {
                    self.tree.set_pressed(captured, false);
                }
            }
        }
    }

    /// Whether a widget and all its ancestors are enabled.
    pub fn is_enabled(&self, id: WidgetId) -> bool {
        self.tree.is_enabled(id)
    }

    /// Shows or hides a widget (hidden widgets take no space).
    pub fn set_hidden(&mut self, id: WidgetId, hidden: bool) {
        if let Some(node) = self.tree.get_mut(id)
            && node.hidden != hidden
        {
            node.hidden = hidden;
            self.layout.mark(&mut self.tree, id);
            self.damage.add_node(&self.viewport, &self.tree, id);
        }
    }

    /// The widget `id` as a `W`, to read its state.
    pub fn get<W: Widget<M>>(&self, id: WidgetId) -> Option<&W> {
        let widget: &dyn Widget<M> = self.tree.get(id)?.widget.as_deref()?;
        (widget as &dyn core::any::Any).downcast_ref::<W>()
    }

    /// Changes the widget `id` as a `W`; it is then laid out and repainted.
    /// Returns `None` if there is no such widget of that type.
    pub fn update<W: Widget<M>, R>(&mut self, id: WidgetId, change: impl FnOnce(&mut W) -> R) -> Option<R> {
        let widget: &mut dyn Widget<M> = self.tree.get_mut(id)?.widget.as_deref_mut()?;
        let widget = (widget as &mut dyn core::any::Any).downcast_mut::<W>()?;
        let result = change(widget);
        self.layout.mark(&mut self.tree, id);
        self.damage.add_node(&self.viewport, &self.tree, id);
        Some(result)
    }

    /// The children of `id`.
    pub fn children(&self, id: WidgetId) -> &[WidgetId] {
        self.tree.get(id).map_or(&[], |node| &node.children)
    }

    /// A widget's bounds in logical window coordinates (after layout).
    pub fn rect(&mut self, id: WidgetId) -> Option<Rect> {
        self.update_layout();
        self.tree.get(id).map(|node| node.rect)
    }

    /// Whether a widget is shown: not hidden itself nor inside a hidden
    /// parent, and not clipped away entirely.
    pub fn is_visible(&mut self, id: WidgetId) -> bool {
        self.update_layout();
        self.tree.is_shown(id, self.viewport.scale())
    }

    /// The visible, described widgets in reading (tree) order, the top
    /// overlay's last.
    pub fn accessibility_tree(&mut self) -> Vec<crate::accessibility::AccessibleNode> {
        self.update_layout();
        let mut roots = alloc::vec![self.root];
        roots.extend(self.overlays.roots());
        self.tree.accessible(&roots, self.viewport.scale())
    }

    /// The first visible widget with this role and label.
    pub fn find(&mut self, role: crate::accessibility::Role, label: &str) -> Option<WidgetId> {
        self.accessibility_tree()
            .into_iter()
            .find(|node| node.description.role == role && node.description.label == label)
            .map(|node| node.id)
    }

    /// The widget with keyboard focus.
    pub fn focused(&self) -> Option<WidgetId> {
        self.input.focused
    }

    /// Moves keyboard focus to `id` (or clears it).
    pub fn set_focus(&mut self, id: Option<WidgetId>) {
        self.focus(id, true);
    }

    /// The active theme.
    pub fn theme(&self) -> &Theme {
        &self.env.theme
    }

    /// Switches theme: every widget restyles and the whole window repaints.
    pub fn set_theme(&mut self, theme: Theme) {
        self.env.theme = theme;
        for id in self.tree.all_ids() {
            if let Some(widget) = self.tree.get_mut(id).and_then(|node| node.widget.as_mut()) {
                widget.theme_changed();
            }
            self.layout.mark(&mut self.tree, id);
        }
        self.damage.add_window(&self.viewport);
    }

    /// The text system (fonts and glyph cache) the UI draws with.
    pub fn text_system(&mut self) -> &mut TextSystem {
        &mut self.env.text
    }

    /// Sets the surface size in physical pixels and the scale factor
    /// (physical pixels per logical pixel). Everything is laid out again.
    pub fn set_size(&mut self, width: u32, height: u32, scale: f32) {
        if !self.viewport.resize(width, height, scale) {
            return;
        }
        self.layout.mark(&mut self.tree, self.root);
        for overlay in self.overlays.all() {
            self.layout.mark(&mut self.tree, overlay.root);
        }
        self.damage.add_window(&self.viewport);
    }

    /// The window size in logical pixels.
    pub fn logical_size(&self) -> Size {
        self.viewport.logical_size()
    }

    /// The scale factor.
    pub fn scale(&self) -> f32 {
        self.viewport.scale()
    }

    /// The clipboard text (copy/cut write it, paste reads it); the host
    /// can mirror it to a system clipboard.
    pub fn clipboard(&self) -> &str {
        &self.env.clipboard
    }

    /// Replaces the clipboard text.
    pub fn set_clipboard(&mut self, text: String) {
        self.env.clipboard = text;
    }

    /// Whether animations, kinetic scrolling or a pending long press need
    /// [`Ui::animate`] to be called on coming frames.
    pub fn needs_frame(&self) -> bool {
        self.animations.any_due(self.env.now)
    }

    /// When [`Ui::animate`] must next be called: the current time while
    /// something animates continuously, else the earliest timer (cursor
    /// blink, long press), or `None` when the UI is idle.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.animations
            .earliest()
            .into_iter()
            .chain(self.input.touch.recognizer.deadline())
            .min()
            .map(|deadline| deadline.max(self.env.now))
    }

    /// Advances animations and timers to `now` (a monotonic time from any
    /// fixed origin; the UI has no clock of its own).
    pub fn animate(&mut self, now: Duration) {
        self.env.advance(now);
        if let Some(gesture) = self.input.touch.recognizer.poll(self.env.now) {
            self.handle_gesture(gesture);
        }
        let now = self.env.now;
        for id in self.animations.take_due(now) {
            let Some(node) = self.tree.get_mut(id) else {
                continue;
            };
            let Some(mut widget) = node.widget.take() else {
                continue;
            };
            let (rect, state) = (node.rect, node.state);
            let mut cx = self.env.event_context(rect, state);
            let again = widget.animate(&mut cx, now);
            let mut effects = cx.effects;
            if let Some(node) = self.tree.get_mut(id) {
                node.widget = Some(widget);
            }
            // Returning true without naming a time means "next frame".
            if again && effects.animate_at.is_none() {
                effects.animate = true;
            }
            if !again {
                effects.animate_at = None;
            }
            self.apply_effects(id, effects);
        }
    }

    /// Takes messages emitted outside `handle_event` (e.g. by animations).
    pub fn take_messages(&mut self) -> Vec<M> {
        self.env.take_messages()
    }

    /// Mark a region (physical pixels) for repainting on the next render:
    /// for a caller whose buffer lacks pixels the UI drew into another one
    /// (double buffering).
    pub fn add_damage(&mut self, rect: PixelRect) {
        self.damage.add(rect);
    }

    /// Calls a widget's event handler and applies what it asked for.
    /// Bubbling is `tree.lineage(id)` searched for the first widget that
    /// handles the event.
    fn dispatch(&mut self, id: WidgetId, event: &Event) -> Status {
        let Some(node) = self.tree.get_mut(id) else {
            return Status::Ignored;
        };
        let farewell = matches!(event, Event::PointerLeave | Event::FocusLost | Event::PointerCancel);
        if node.state.disabled && !farewell {
            return Status::Ignored;
        }
        let Some(mut widget) = node.widget.take() else {
            return Status::Ignored;
        };
        let (rect, mut state) = (node.rect, node.state);
        state.focus_visible = self.input.focus_visible;
        let mut cx = self.env.event_context(rect, state);
        let status = widget.event(&mut cx, event);
        let effects = cx.effects;
        if let Some(node) = self.tree.get_mut(id) {
            node.widget = Some(widget);
        }
        self.apply_effects(id, effects);
        status
    }

    /// Carries out what a widget asked for while it was called.
    fn apply_effects(&mut self, id: WidgetId, effects: Effects) {
        if effects.paint {
            self.damage.add_node(&self.viewport, &self.tree, id);
        }
        if let Some(clip) = self.tree.get(id).map(|node| node.clip) {
            for rect in effects.paint_rects {
                self.damage.add_visible(&self.viewport, rect, clip);
            }
        }
        if effects.layout {
            self.layout.mark(&mut self.tree, id);
            self.damage.add_node(&self.viewport, &self.tree, id);
        }
        if effects.reposition {
            self.layout.reposition();
        }
        if effects.animate {
            self.animations.schedule(id, self.env.now);
        }
        if let Some(deadline) = effects.animate_at {
            self.animations.schedule(id, deadline);
        }
        if effects.focus {
            self.focus(Some(id), self.input.focus_visible);
        }
        if effects.close_overlay {
            let root = self.tree.root_of(id);
            self.close_overlay(root);
        }
    }

    /// Moves focus, telling the old and new widgets.
    fn focus(&mut self, id: Option<WidgetId>, visible: bool) {
        let visible_changed = self.input.focus_visible != visible;
        self.input.focus_visible = visible;
        if self.input.focused == id {
            if visible_changed && let Some(current) = id {
                self.damage.add_node(&self.viewport, &self.tree, current);
            }
            return;
        }
        if let Some(old) = self.input.focused.take() {
            if let Some(node) = self.tree.get_mut(old) {
                node.state.focused = false;
            }
            self.dispatch(old, &Event::FocusLost);
            self.damage.add_node(&self.viewport, &self.tree, old);
        }
        self.input.focused = id;
        if let Some(new) = id {
            if let Some(node) = self.tree.get_mut(new) {
                node.state.focused = true;
            }
            self.dispatch(new, &Event::FocusGained);
            self.damage.add_node(&self.viewport, &self.tree, new);
        }
    }

    /// Brings layout and geometry up to date, damaging whatever moved.
    fn update_layout(&mut self) {
        let mut measure = self.env.measure_context();
        let changed =
            self.layout.update(&mut self.tree, &mut measure, &self.viewport, self.root, self.overlays.all());
        self.damage.add_areas(&self.viewport, changed);
    }
}
