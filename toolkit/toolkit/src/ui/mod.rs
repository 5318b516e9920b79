//! The UI: owns the widget tree, theme, text system, focus, input routing,
//! layout and damage, and renders into a caller's canvas.

mod input;
mod layout;
mod overlay;
mod render;

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::{PixelRect, Point, Rect, Size};
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::damage::Damage;
use crate::event::{Event, Status};
use crate::gesture::GestureRecognizer;
use crate::id::WidgetId;
use crate::style::LayoutStyle;
use crate::tree::Tree;
use crate::widget::{Effects, EventContext, Widget};
use crate::widgets::Container;

pub use overlay::OverlayKind;

/// An open popup or dialog: a separate root painted above the window.
pub(crate) struct Overlay {
    pub root: WidgetId,
    pub kind: OverlayKind,
    /// Focus to restore when the overlay closes.
    pub previous_focus: Option<WidgetId>,
}

/// Pointer bookkeeping (mouse).
#[derive(Default)]
pub(crate) struct PointerState {
    pub position: Option<Point>,
    pub captured: Option<WidgetId>,
    pub last_click: Option<(Duration, Point, u32)>,
}

/// Touch bookkeeping.
#[derive(Default)]
pub(crate) struct TouchState {
    pub recognizer: GestureRecognizer,
    /// Widget under the finger when it went down.
    pub target: Option<WidgetId>,
    /// Widget that handled the press.
    pub captured: Option<WidgetId>,
    /// Widget that took over the drag.
    pub dragging: Option<WidgetId>,
}

/// A retained UI producing app messages of type `M`.
///
/// Typical use: build widgets with [`Ui::add`], then per frame call
/// [`Ui::set_size`] (when the surface changes), [`Ui::handle_event`] for
/// input (collecting messages), [`Ui::animate`] when [`Ui::needs_frame`],
/// and [`Ui::render`] which repaints only what changed and returns the
/// damaged rectangles to present.
pub struct Ui<M: 'static> {
    pub(crate) theme: Theme,
    pub(crate) text: TextSystem,
    pub(crate) tree: Tree<M>,
    pub(crate) root: WidgetId,
    pub(crate) overlays: Vec<Overlay>,
    pub(crate) physical_size: (u32, u32),
    pub(crate) scale: f32,
    pub(crate) damage: Damage,
    pub(crate) layout_dirty: bool,
    pub(crate) geometry_dirty: bool,
    pub(crate) hovered: Option<WidgetId>,
    pub(crate) focused: Option<WidgetId>,
    pub(crate) focus_visible: bool,
    pub(crate) pointer: PointerState,
    pub(crate) touch: TouchState,
    /// Widgets wanting `animate` calls, with the time they next need one
    /// (the current time for continuous animations).
    pub(crate) animating: Vec<(WidgetId, Duration)>,
    pub(crate) messages: Vec<M>,
    pub(crate) clipboard: String,
    pub(crate) now: Duration,
    /// Last known finger position.
    pub(crate) touch_last: Option<Point>,
}

impl<M: 'static> Ui<M> {
    /// An empty UI (a root column filling the window) in `theme`.
    pub fn new(theme: Theme) -> Ui<M> {
        let mut tree = Tree::new();
        let root = tree.insert(Box::new(Container::column()), None);
        Ui {
            theme,
            text: TextSystem::new(),
            tree,
            root,
            overlays: Vec::new(),
            physical_size: (0, 0),
            scale: 1.0,
            damage: Damage::default(),
            layout_dirty: true,
            geometry_dirty: true,
            hovered: None,
            focused: None,
            focus_visible: false,
            pointer: PointerState::default(),
            touch: TouchState::default(),
            animating: Vec::new(),
            messages: Vec::new(),
            clipboard: String::new(),
            now: Duration::ZERO,
            touch_last: None,
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
        self.mark_layout(parent);
        id
    }

    /// Removes a widget and its descendants.
    pub fn remove(&mut self, id: WidgetId) {
        if id == self.root || !self.tree.contains(id) {
            return;
        }
        if self.overlays.iter().any(|overlay| overlay.root == id) {
            self.close_overlay(id);
            return;
        }
        if let Some(parent) = self.tree.get(id).and_then(|node| node.parent) {
            self.mark_layout(parent);
        }
        self.forget(id);
        for (rect, outset, clip) in self.tree.remove(id) {
            self.damage_rect(rect.inflate(outset), clip);
        }
    }

    /// Removes every child of `id`.
    pub fn clear_children(&mut self, id: WidgetId) {
        let children = self.tree.get(id).map(|node| node.children.clone()).unwrap_or_default();
        for child in children {
            self.remove(child);
        }
    }

    /// Forgets references (focus, hover, capture) into a subtree about to go.
    fn forget(&mut self, id: WidgetId) {
        let inside =
            |slot: Option<WidgetId>, tree: &Tree<M>| slot.is_some_and(|widget| tree.is_ancestor(id, widget));
        if inside(self.focused, &self.tree) {
            self.focused = None;
        }
        if inside(self.hovered, &self.tree) {
            self.hovered = None;
        }
        if inside(self.pointer.captured, &self.tree) {
            self.pointer.captured = None;
        }
        if inside(self.touch.captured, &self.tree) {
            self.touch.captured = None;
        }
        if inside(self.touch.target, &self.tree) {
            self.touch.target = None;
        }
        if inside(self.touch.dragging, &self.tree) {
            self.touch.dragging = None;
        }
        let tree = &self.tree;
        self.animating.retain(|(widget, _)| !tree.is_ancestor(id, *widget));
    }

    /// Adjusts a widget's layout on top of its own style (e.g. make it
    /// grow, or give it a fixed width).
    pub fn adjust_layout(&mut self, id: WidgetId, adjustment: impl Fn(&mut LayoutStyle) + 'static) {
        if let Some(node) = self.tree.get_mut(id) {
            node.adjustment = Some(Box::new(adjustment));
        }
        self.mark_layout(id);
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
        self.geometry_dirty = true;
        self.damage_node(id);
        if !enabled {
            if self.focused.is_some_and(|focused| self.tree.is_ancestor(id, focused)) {
                self.focus(None, self.focus_visible);
            }
            for slot in [self.pointer.captured, self.touch.captured] {
                if let Some(captured) = slot.filter(|captured| self.tree.is_ancestor(id, *captured))
                    && let Some(node) = self.tree.get_mut(captured)
                {
                    node.state.pressed = false;
                }
            }
        }
    }

    /// Whether a widget and all its ancestors are enabled.
    pub fn is_enabled(&self, id: WidgetId) -> bool {
        let mut current = Some(id);
        while let Some(node_id) = current {
            let Some(node) = self.tree.get(node_id) else {
                return false;
            };
            if !node.enabled {
                return false;
            }
            current = node.parent;
        }
        true
    }

    /// Shows or hides a widget (hidden widgets take no space).
    pub fn set_hidden(&mut self, id: WidgetId, hidden: bool) {
        if let Some(node) = self.tree.get_mut(id)
            && node.hidden != hidden
        {
            node.hidden = hidden;
            self.mark_layout(id);
            self.damage_node(id);
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
        self.mark_layout(id);
        self.damage_node(id);
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
        let mut current = Some(id);
        while let Some(node_id) = current {
            let Some(node) = self.tree.get(node_id) else {
                return false;
            };
            if node.hidden {
                return false;
            }
            current = node.parent;
        }
        let scale = self.scale;
        self.tree.get(id).is_some_and(|node| node.rect.to_pixels(scale).intersects(&node.clip))
    }

    /// The visible, described widgets in reading (tree) order, the top
    /// overlay's last.
    pub fn accessibility_tree(&mut self) -> Vec<crate::accessibility::AccessibleNode> {
        self.update_layout();
        let mut roots = alloc::vec![self.root];
        roots.extend(self.overlays.iter().map(|overlay| overlay.root));
        let mut nodes = Vec::new();
        for root in roots {
            for id in self.tree.descendants(root) {
                let Some(node) = self.tree.get(id) else {
                    continue;
                };
                if node.hidden || !node.rect.to_pixels(self.scale).intersects(&node.clip) {
                    continue;
                }
                let Some(description) = node.widget.as_ref().and_then(|widget| widget.describe()) else {
                    continue;
                };
                nodes.push(crate::accessibility::AccessibleNode {
                    id,
                    description,
                    rect: node.rect,
                    focused: node.state.focused,
                    disabled: node.state.disabled,
                });
            }
        }
        nodes
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
        self.focused
    }

    /// Moves keyboard focus to `id` (or clears it).
    pub fn set_focus(&mut self, id: Option<WidgetId>) {
        self.focus(id, true);
    }

    /// The active theme.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Switches theme: every widget restyles and the whole window repaints.
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
        for id in self.tree.all_ids() {
            if let Some(widget) = self.tree.get_mut(id).and_then(|node| node.widget.as_mut()) {
                widget.theme_changed();
            }
            self.mark_layout(id);
        }
        self.damage_all();
    }

    /// The text system (fonts and glyph cache) the UI draws with.
    pub fn text_system(&mut self) -> &mut TextSystem {
        &mut self.text
    }

    /// Sets the surface size in physical pixels and the scale factor
    /// (physical pixels per logical pixel). Everything is laid out again.
    pub fn set_size(&mut self, width: u32, height: u32, scale: f32) {
        let scale = if scale > 0.0 { scale } else { 1.0 };
        if self.physical_size == (width, height) && self.scale == scale {
            return;
        }
        self.physical_size = (width, height);
        self.scale = scale;
        self.mark_layout(self.root);
        for overlay in self.overlays.iter().map(|overlay| overlay.root).collect::<Vec<_>>() {
            self.mark_layout(overlay);
        }
        self.damage_all();
    }

    /// The window size in logical pixels.
    pub fn logical_size(&self) -> Size {
        Size::new(self.physical_size.0 as f32 / self.scale, self.physical_size.1 as f32 / self.scale)
    }

    /// The scale factor.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The clipboard text (copy/cut write it, paste reads it); the host
    /// can mirror it to a system clipboard.
    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }

    /// Replaces the clipboard text.
    pub fn set_clipboard(&mut self, text: String) {
        self.clipboard = text;
    }

    /// Whether animations, kinetic scrolling or a pending long press need
    /// [`Ui::animate`] to be called on coming frames.
    pub fn needs_frame(&self) -> bool {
        self.animating.iter().any(|(_, deadline)| *deadline <= self.now)
    }

    /// When [`Ui::animate`] must next be called: the current time while
    /// something animates continuously, else the earliest timer (cursor
    /// blink, long press), or `None` when the UI is idle.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.animating
            .iter()
            .map(|(_, deadline)| *deadline)
            .chain(self.touch.recognizer.deadline())
            .min()
            .map(|deadline| deadline.max(self.now))
    }

    /// Asks for `animate` on `id` at `deadline` (keeping an earlier request).
    fn schedule(&mut self, id: WidgetId, deadline: Duration) {
        match self.animating.iter_mut().find(|(widget, _)| *widget == id) {
            Some((_, existing)) => *existing = (*existing).min(deadline),
            None => self.animating.push((id, deadline)),
        }
    }

    /// Advances animations and timers to `now` (a monotonic time from any
    /// fixed origin; the UI has no clock of its own).
    pub fn animate(&mut self, now: Duration) {
        self.now = self.now.max(now);
        self.poll_gestures();
        let now = self.now;
        let (due, waiting): (Vec<_>, Vec<_>) =
            core::mem::take(&mut self.animating).into_iter().partition(|(_, deadline)| *deadline <= now);
        self.animating = waiting;
        for (id, _) in due {
            let Some(node) = self.tree.get_mut(id) else {
                continue;
            };
            let Some(mut widget) = node.widget.take() else {
                continue;
            };
            let (rect, state) = (node.rect, node.state);
            let mut cx = self.event_context(rect, state);
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
        core::mem::take(&mut self.messages)
    }

    pub(crate) fn event_context(
        &mut self,
        rect: Rect,
        state: crate::widget::WidgetState,
    ) -> EventContext<'_, M> {
        EventContext {
            theme: &self.theme,
            text: &mut self.text,
            messages: &mut self.messages,
            clipboard: &mut self.clipboard,
            rect,
            state,
            now: self.now,
            effects: Effects::default(),
        }
    }

    /// Calls a widget's event handler and applies what it asked for.
    pub(crate) fn dispatch(&mut self, id: WidgetId, event: &Event) -> Status {
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
        state.focus_visible = self.focus_visible;
        let mut cx = self.event_context(rect, state);
        let status = widget.event(&mut cx, event);
        let effects = cx.effects;
        if let Some(node) = self.tree.get_mut(id) {
            node.widget = Some(widget);
        }
        self.apply_effects(id, effects);
        status
    }

    /// Dispatches to `id`, then its ancestors, until one handles the event.
    pub(crate) fn bubble(&mut self, id: WidgetId, event: &Event) -> Option<WidgetId> {
        let mut current = Some(id);
        while let Some(widget) = current {
            if self.dispatch(widget, event) == Status::Handled {
                return Some(widget);
            }
            current = self.tree.get(widget).and_then(|node| node.parent);
        }
        None
    }

    fn apply_effects(&mut self, id: WidgetId, effects: Effects) {
        if effects.paint {
            self.damage_node(id);
        }
        if let Some(clip) = self.tree.get(id).map(|node| node.clip) {
            for rect in effects.paint_rects {
                self.damage_rect(rect, clip);
            }
        }
        if effects.layout {
            self.mark_layout(id);
            self.damage_node(id);
        }
        if effects.reposition {
            self.geometry_dirty = true;
        }
        if effects.animate {
            self.schedule(id, self.now);
        }
        if let Some(deadline) = effects.animate_at {
            self.schedule(id, deadline);
        }
        if effects.focus {
            self.focus(Some(id), self.focus_visible);
        }
        if effects.close_overlay {
            let root = self.tree.root_of(id);
            self.close_overlay(root);
        }
    }

    /// Moves focus, telling the old and new widgets.
    pub(crate) fn focus(&mut self, id: Option<WidgetId>, visible: bool) {
        let visible_changed = self.focus_visible != visible;
        self.focus_visible = visible;
        if self.focused == id {
            if visible_changed && let Some(current) = id {
                self.damage_node(current);
            }
            return;
        }
        if let Some(old) = self.focused.take() {
            if let Some(node) = self.tree.get_mut(old) {
                node.state.focused = false;
            }
            self.dispatch(old, &Event::FocusLost);
            self.damage_node(old);
        }
        self.focused = id;
        if let Some(new) = id {
            if let Some(node) = self.tree.get_mut(new) {
                node.state.focused = true;
            }
            self.dispatch(new, &Event::FocusGained);
            self.damage_node(new);
        }
    }

    /// Flags a widget for restyling and layout.
    pub(crate) fn mark_layout(&mut self, id: WidgetId) {
        if let Some(node) = self.tree.get_mut(id) {
            node.style_dirty = true;
            let layout = node.layout;
            let _ = self.tree.layout.mark_dirty(layout);
        }
        self.layout_dirty = true;
    }

    /// Damages a widget's painted area.
    pub(crate) fn damage_node(&mut self, id: WidgetId) {
        if let Some(node) = self.tree.get(id) {
            let (rect, clip) = (node.rect.inflate(node.outset), node.clip);
            self.damage_rect(rect, clip);
        }
    }

    /// Damages a logical rectangle, limited to `clip` (physical).
    pub(crate) fn damage_rect(&mut self, rect: Rect, clip: PixelRect) {
        if let Some(visible) = rect.to_pixels(self.scale).intersect(&clip)
            && let Some(visible) = visible.intersect(&self.window_pixels())
        {
            self.damage.add(visible);
        }
    }

    /// Damages the whole window.
    /// Mark a region (physical pixels) for repainting on the next render:
    /// for a caller whose buffer lacks pixels the UI drew into another one
    /// (double buffering).
    pub fn add_damage(&mut self, rect: weft_paint::PixelRect) {
        self.damage.add(rect);
    }

    pub(crate) fn damage_all(&mut self) {
        let window = self.window_pixels();
        self.damage.add(window);
    }

    pub(crate) fn window_pixels(&self) -> PixelRect {
        PixelRect::new(0, 0, self.physical_size.0, self.physical_size.1)
    }
}
