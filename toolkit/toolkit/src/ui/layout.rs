//! The layout pass: restyling, taffy layout, absolute bounds and clips,
//! and which areas moved (to damage) — owned by [`LayoutPass`].

use alloc::vec::Vec;

use taffy::{AvailableSpace, LayoutOutput};
use weft_paint::{PixelRect, Point, Rect, Size};
use weft_theme::Theme;

use crate::id::WidgetId;
use crate::tree::Tree;
use crate::ui::{Overlay, Viewport};
use crate::widget::MeasureContext;

/// Snaps a logical rectangle to the physical pixel grid.
fn snap(rect: Rect, scale: f32) -> Rect {
    let pixels = rect.to_pixels_rounded(scale);
    Rect::new(
        pixels.x as f32 / scale,
        pixels.y as f32 / scale,
        pixels.width as f32 / scale,
        pixels.height as f32 / scale,
    )
}

/// What is out of date: sizes (restyle and lay out again) or only
/// positions (recompute absolute bounds and clips, e.g. after scrolling).
pub(crate) struct LayoutPass {
    layout_dirty: bool,
    geometry_dirty: bool,
}

impl Default for LayoutPass {
    /// A new tree has never been laid out.
    fn default() -> LayoutPass {
        LayoutPass { layout_dirty: true, geometry_dirty: true }
    }
}

impl LayoutPass {
    /// Flags a widget for restyling and layout.
    pub fn mark<M: 'static>(&mut self, tree: &mut Tree<M>, id: WidgetId) {
        if let Some(node) = tree.get_mut(id) {
            node.style_dirty = true;
            let layout = node.layout;
            let _ = tree.layout.mark_dirty(layout);
        }
        self.layout_dirty = true;
    }

    /// Flags positions (bounds, clips, disabled state) for recomputing.
    pub fn reposition(&mut self) {
        self.geometry_dirty = true;
    }

    /// Brings layout and geometry of the window tree under `root` and of
    /// `overlays` up to date; returns the areas (bounds, paint outset,
    /// clip) that changed, before and after, for damage.
    pub fn update<M: 'static>(
        &mut self,
        tree: &mut Tree<M>,
        measure: &mut MeasureContext<'_>,
        viewport: &Viewport,
        root: WidgetId,
        overlays: &[Overlay],
    ) -> Vec<(Rect, f32, PixelRect)> {
        if self.layout_dirty {
            self.layout_dirty = false;
            let window = viewport.logical_size();
            let overlay_roots: Vec<WidgetId> = overlays.iter().map(|overlay| overlay.root).collect();
            refresh_styles(tree, measure.theme, window, root, &overlay_roots);
            for layer in core::iter::once(root).chain(overlay_roots) {
                compute_layout(tree, measure, layer, window);
            }
            notify_arranged(tree);
            self.geometry_dirty = true;
        }
        if !self.geometry_dirty {
            return Vec::new();
        }
        self.geometry_dirty = false;
        let mut layers = alloc::vec![(root, Point::default())];
        for overlay in overlays {
            let Some(node) = tree.get(overlay.root) else {
                continue;
            };
            let Ok(layout) = tree.layout.layout(node.layout) else {
                continue;
            };
            let size = Size::new(layout.size.width, layout.size.height);
            layers.push((overlay.root, overlay.kind.origin(viewport.logical_size(), size)));
        }
        update_geometry(tree, viewport, &layers)
    }
}

/// Re-reads the style of every node flagged since the last layout; stacks
/// (tabs) first decide which of their children are shown.
fn refresh_styles<M: 'static>(
    tree: &mut Tree<M>,
    theme: &Theme,
    window: Size,
    root: WidgetId,
    overlay_roots: &[WidgetId],
) {
    for id in tree.all_ids() {
        let Some(node) = tree.get(id) else {
            continue;
        };
        if !node.style_dirty {
            continue;
        }
        let Some(shown) = node.widget.as_ref().and_then(|widget| widget.visible_child()) else {
            continue;
        };
        let children = node.children.clone();
        for (index, child) in children.into_iter().enumerate() {
            let hidden = index != shown;
            let Some(child_node) = tree.get_mut(child) else {
                continue;
            };
            if child_node.hidden != hidden {
                child_node.hidden = hidden;
                child_node.style_dirty = true;
            }
        }
    }
    for id in tree.all_ids() {
        let Some(node) = tree.get_mut(id) else {
            continue;
        };
        if !node.style_dirty {
            continue;
        }
        node.style_dirty = false;
        let Some(widget) = node.widget.as_ref() else {
            continue;
        };
        let mut style = widget.layout_style(theme);
        node.outset = widget.paint_outset(theme);
        if let Some(adjustment) = &node.adjustment {
            adjustment(&mut style);
        }
        if id == root {
            style.width = Some(window.width);
            style.height = Some(window.height);
        } else if overlay_roots.contains(&id) {
            style.max_width = Some(style.max_width.unwrap_or(window.width).min(window.width - 32.0).max(0.0));
        }
        let hidden = node.hidden;
        let layout = node.layout;
        let _ = tree.layout.set_style(layout, style.to_taffy(hidden));
    }
}

/// Runs taffy on the tree under `root`, measuring leaves through their widgets.
fn compute_layout<M: 'static>(
    tree: &mut Tree<M>,
    measure: &mut MeasureContext<'_>,
    root: WidgetId,
    window: Size,
) {
    let Some(root_layout) = tree.get(root).map(|node| node.layout) else {
        return;
    };
    let Tree { nodes, layout, .. } = tree;
    let theme = measure.theme;
    let text = &mut *measure.text;
    let available = taffy::Size {
        width: AvailableSpace::Definite(window.width),
        height: AvailableSpace::Definite(window.height),
    };
    let result =
        layout.compute_layout_with_measure(root_layout, available, |input, _node, context, style| {
            let widget = context
                .and_then(|id| nodes.get_mut(id.index as usize))
                .and_then(|slot| slot.as_mut())
                .and_then(|node| node.widget.as_mut());
            let Some(widget) = widget else {
                return LayoutOutput::from_outer_size(taffy::Size::ZERO);
            };
            taffy::compute_leaf_layout(
                input,
                style,
                |_, _| 0.0,
                |known, available| {
                    let width = known.width.or(match available.width {
                        AvailableSpace::Definite(width) => Some(width),
                        AvailableSpace::MinContent | AvailableSpace::MaxContent => None,
                    });
                    let mut cx = MeasureContext { theme, text: &mut *text };
                    let size = widget.measure(&mut cx, width);
                    taffy::Size {
                        width: known.width.unwrap_or(size.width),
                        height: known.height.unwrap_or(size.height),
                    }
                },
            )
        });
    debug_assert!(result.is_ok(), "layout failed: {result:?}");
}

/// Tells each widget its bounds and its children's extent.
fn notify_arranged<M: 'static>(tree: &mut Tree<M>) {
    for id in tree.all_ids() {
        let Some(node) = tree.get(id) else {
            continue;
        };
        let Ok(layout) = tree.layout.layout(node.layout) else {
            continue;
        };
        let bounds = Rect::new(0.0, 0.0, layout.size.width, layout.size.height);
        let mut content = Size::default();
        for child in &node.children {
            let Some(child_node) = tree.get(*child) else {
                continue;
            };
            if child_node.hidden {
                continue;
            }
            if let Ok(child_layout) = tree.layout.layout(child_node.layout) {
                content.width = content.width.max(child_layout.location.x + child_layout.size.width);
                content.height = content.height.max(child_layout.location.y + child_layout.size.height);
            }
        }
        let padding_bottom = layout.padding.bottom;
        content.height += padding_bottom;
        if let Some(widget) = tree.get_mut(id).and_then(|node| node.widget.as_mut()) {
            widget.arranged(bounds, content);
        }
    }
}

/// Recomputes absolute bounds, clips and disabled state of the trees under
/// `layers` (root, origin); returns the areas that changed.
fn update_geometry<M: 'static>(
    tree: &mut Tree<M>,
    viewport: &Viewport,
    layers: &[(WidgetId, Point)],
) -> Vec<(Rect, f32, PixelRect)> {
    let window = viewport.pixels();
    let scale = viewport.scale();
    let mut changed: Vec<(Rect, f32, PixelRect)> = Vec::new();
    for (root, origin) in layers {
        // (node, parent origin, clip, inside a disabled ancestor)
        let mut stack = alloc::vec![(*root, *origin, window, false)];
        while let Some((id, parent_origin, clip, parent_disabled)) = stack.pop() {
            let Some(node) = tree.get(id) else {
                continue;
            };
            let Ok(layout) = tree.layout.layout(node.layout) else {
                continue;
            };
            let raw = Rect::new(
                parent_origin.x + layout.location.x,
                parent_origin.y + layout.location.y,
                layout.size.width,
                layout.size.height,
            );
            let rect = snap(raw, scale);
            let clip = if node.hidden { PixelRect::default() } else { clip };
            let widget = node.widget.as_ref();
            let offset = widget.map(|widget| widget.content_offset()).unwrap_or_default();
            let child_clip = match widget.is_some_and(|widget| widget.clips_children()) {
                true => clip.intersect(&rect.to_pixels_rounded(scale)).unwrap_or_default(),
                false => clip,
            };
            let child_origin = Point::new(raw.x - offset.x, raw.y - offset.y);
            let disabled = parent_disabled || !node.enabled;
            for child in node.children.iter().rev() {
                stack.push((*child, child_origin, child_clip, disabled));
            }
            let Some(node) = tree.get_mut(id) else {
                continue;
            };
            if node.state.disabled != disabled {
                node.state.disabled = disabled;
                changed.push((rect, node.outset, clip));
            }
            if node.rect != rect || node.clip != clip {
                changed.push((node.rect, node.outset, node.clip));
                changed.push((rect, node.outset, clip));
                node.rect = rect;
                node.clip = clip;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use weft_text::TextSystem;

    use super::*;
    use crate::ui::OverlayKind;
    use crate::widgets::Container;

    /// A window column holding one fixed-size box, and a detached dialog root of
    /// another; laid out once.
    struct Fixture {
        tree: Tree<()>,
        pass: LayoutPass,
        viewport: Viewport,
        theme: Theme,
        text: TextSystem,
        root: WidgetId,
        child: WidgetId,
        overlays: Vec<Overlay>,
    }

    fn fixed(tree: &mut Tree<()>, id: WidgetId, width: f32, height: f32) {
        if let Some(node) = tree.get_mut(id) {
            node.adjustment = Some(Box::new(move |style| {
                style.width = Some(width);
                style.height = Some(height);
            }));
        }
    }

    impl Fixture {
        fn new() -> Fixture {
            let mut tree = Tree::new();
            let root = tree.insert(Box::new(Container::column()), None);
            let child = tree.insert(Box::new(Container::column()), Some(root));
            fixed(&mut tree, child, 30.0, 20.0);
            let dialog = tree.insert(Box::new(Container::column()), None);
            fixed(&mut tree, dialog, 40.0, 10.0);
            let mut viewport = Viewport::default();
            viewport.resize(200, 100, 2.0);
            let overlays =
                alloc::vec![Overlay { root: dialog, kind: OverlayKind::Dialog, previous_focus: None }];
            let (theme, text) = (Theme::light(), TextSystem::new());
            Fixture { tree, pass: LayoutPass::default(), viewport, theme, text, root, child, overlays }
        }

        fn update(&mut self) -> Vec<(Rect, f32, PixelRect)> {
            let mut measure = MeasureContext { theme: &self.theme, text: &mut self.text };
            self.pass.update(&mut self.tree, &mut measure, &self.viewport, self.root, &self.overlays)
        }

        fn rect(&self, id: WidgetId) -> Option<Rect> {
            self.tree.get(id).map(|node| node.rect)
        }
    }

    #[test]
    fn lays_out_the_window_and_places_overlays() {
        let mut fixture = Fixture::new();
        assert!(!fixture.update().is_empty());
        assert_eq!(fixture.rect(fixture.root), Some(Rect::new(0.0, 0.0, 100.0, 50.0)));
        assert_eq!(fixture.rect(fixture.child), Some(Rect::new(0.0, 0.0, 30.0, 20.0)));
        let dialog = fixture.overlays[0].root;
        assert_eq!(fixture.rect(dialog), Some(Rect::new(30.0, 20.0, 40.0, 10.0)));
        assert!(fixture.update().is_empty(), "nothing changed");
    }

    #[test]
    fn marked_changes_report_old_and_new_areas() {
        let mut fixture = Fixture::new();
        fixture.update();
        let child = fixture.child;
        fixed(&mut fixture.tree, child, 50.0, 20.0);
        fixture.pass.mark(&mut fixture.tree, child);
        let changed: Vec<Rect> = fixture.update().into_iter().map(|(rect, _, _)| rect).collect();
        assert_eq!(changed, [Rect::new(0.0, 0.0, 30.0, 20.0), Rect::new(0.0, 0.0, 50.0, 20.0)]);
        if let Some(node) = fixture.tree.get_mut(child) {
            node.enabled = false;
        }
        fixture.pass.reposition();
        assert_eq!(fixture.update().len(), 1, "disabling repaints in place");
        assert!(fixture.tree.get(child).is_some_and(|node| node.state.disabled));
    }
}
