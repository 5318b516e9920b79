//! Layout (taffy) and geometry: absolute bounds, clips and the damage
//! caused by anything that moved.

use alloc::vec::Vec;

use taffy::{AvailableSpace, LayoutOutput};
use weft_paint::{PixelRect, Point, Rect, Size};

use crate::id::WidgetId;
use crate::tree::Tree;
use crate::ui::{OverlayKind, Ui};
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

impl<M: 'static> Ui<M> {
    /// Brings layout and geometry up to date, recording damage.
    pub(crate) fn update_layout(&mut self) {
        if self.layout_dirty {
            self.layout_dirty = false;
            self.refresh_styles();
            let window = self.logical_size();
            let roots: Vec<(WidgetId, Option<OverlayKind>)> = core::iter::once((self.root, None))
                .chain(
                    self.overlays
                        .iter()
                        .map(|overlay| (overlay.root, Some(overlay.kind))),
                )
                .collect();
            for (root, _) in &roots {
                self.compute_layout(*root, window);
            }
            self.notify_arranged();
            self.geometry_dirty = true;
        }
        if self.geometry_dirty {
            self.geometry_dirty = false;
            self.update_geometry();
        }
    }

    fn refresh_styles(&mut self) {
        let window = self.logical_size();
        let root = self.root;
        let overlay_roots: Vec<WidgetId> =
            self.overlays.iter().map(|overlay| overlay.root).collect();
        // Stacks (tabs) decide which of their children are shown.
        for id in self.tree.all_ids() {
            let Some(node) = self.tree.get(id) else {
                continue;
            };
            if !node.style_dirty {
                continue;
            }
            let Some(shown) = node
                .widget
                .as_ref()
                .and_then(|widget| widget.visible_child())
            else {
                continue;
            };
            let children = node.children.clone();
            for (index, child) in children.into_iter().enumerate() {
                let hidden = index != shown;
                let Some(child_node) = self.tree.get_mut(child) else {
                    continue;
                };
                if child_node.hidden != hidden {
                    child_node.hidden = hidden;
                    child_node.style_dirty = true;
                }
            }
        }
        for id in self.tree.all_ids() {
            let Some(node) = self.tree.get_mut(id) else {
                continue;
            };
            if !node.style_dirty {
                continue;
            }
            node.style_dirty = false;
            let Some(widget) = node.widget.as_ref() else {
                continue;
            };
            let mut style = widget.layout_style(&self.theme);
            node.outset = widget.paint_outset(&self.theme);
            if let Some(adjustment) = &node.adjustment {
                adjustment(&mut style);
            }
            if id == root {
                style.width = Some(window.width);
                style.height = Some(window.height);
            } else if overlay_roots.contains(&id) {
                style.max_width = Some(
                    style
                        .max_width
                        .unwrap_or(window.width)
                        .min(window.width - 32.0)
                        .max(0.0),
                );
            }
            let hidden = node.hidden;
            let layout = node.layout;
            let _ = self.tree.layout.set_style(layout, style.to_taffy(hidden));
        }
    }

    fn compute_layout(&mut self, root: WidgetId, window: Size) {
        let Some(root_layout) = self.tree.get(root).map(|node| node.layout) else {
            return;
        };
        let Tree { nodes, layout, .. } = &mut self.tree;
        let theme = &self.theme;
        let text = &mut self.text;
        let available = taffy::Size {
            width: AvailableSpace::Definite(window.width),
            height: AvailableSpace::Definite(window.height),
        };
        let result = layout.compute_layout_with_measure(
            root_layout,
            available,
            |input, _node, context, style| {
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
                        let mut cx = MeasureContext {
                            theme,
                            text: &mut *text,
                        };
                        let size = widget.measure(&mut cx, width);
                        taffy::Size {
                            width: known.width.unwrap_or(size.width),
                            height: known.height.unwrap_or(size.height),
                        }
                    },
                )
            },
        );
        debug_assert!(result.is_ok(), "layout failed: {result:?}");
    }

    /// Tells each widget its bounds and its children's extent.
    fn notify_arranged(&mut self) {
        for id in self.tree.all_ids() {
            let Some(node) = self.tree.get(id) else {
                continue;
            };
            let Ok(layout) = self.tree.layout.layout(node.layout) else {
                continue;
            };
            let bounds = Rect::new(0.0, 0.0, layout.size.width, layout.size.height);
            let mut content = Size::default();
            for child in &node.children {
                let Some(child_node) = self.tree.get(*child) else {
                    continue;
                };
                if child_node.hidden {
                    continue;
                }
                if let Ok(child_layout) = self.tree.layout.layout(child_node.layout) {
                    content.width = content
                        .width
                        .max(child_layout.location.x + child_layout.size.width);
                    content.height = content
                        .height
                        .max(child_layout.location.y + child_layout.size.height);
                }
            }
            let padding_bottom = layout.padding.bottom;
            content.height += padding_bottom;
            if let Some(widget) = self.tree.get_mut(id).and_then(|node| node.widget.as_mut()) {
                widget.arranged(bounds, content);
            }
        }
    }

    /// Where an overlay's root goes in the window.
    fn overlay_origin(&self, kind: OverlayKind, size: Size) -> Point {
        let window = self.logical_size();
        match kind {
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

    /// Recomputes absolute bounds and clips; damages whatever moved.
    fn update_geometry(&mut self) {
        let window = self.window_pixels();
        let scale = self.scale;
        let mut roots = alloc::vec![(self.root, Point::default())];
        for overlay in &self.overlays {
            let Some(node) = self.tree.get(overlay.root) else {
                continue;
            };
            let Ok(layout) = self.tree.layout.layout(node.layout) else {
                continue;
            };
            let size = Size::new(layout.size.width, layout.size.height);
            roots.push((overlay.root, self.overlay_origin(overlay.kind, size)));
        }
        let mut changed: Vec<(Rect, f32, PixelRect)> = Vec::new();
        for (root, origin) in roots {
            // (node, parent origin, clip, inside a disabled ancestor)
            let mut stack = alloc::vec![(root, origin, window, false)];
            while let Some((id, parent_origin, clip, parent_disabled)) = stack.pop() {
                let Some(node) = self.tree.get(id) else {
                    continue;
                };
                let Ok(layout) = self.tree.layout.layout(node.layout) else {
                    continue;
                };
                let raw = Rect::new(
                    parent_origin.x + layout.location.x,
                    parent_origin.y + layout.location.y,
                    layout.size.width,
                    layout.size.height,
                );
                let rect = snap(raw, scale);
                let clip = if node.hidden {
                    PixelRect::default()
                } else {
                    clip
                };
                let widget = node.widget.as_ref();
                let offset = widget
                    .map(|widget| widget.content_offset())
                    .unwrap_or_default();
                let child_clip = match widget.is_some_and(|widget| widget.clips_children()) {
                    true => clip
                        .intersect(&rect.to_pixels_rounded(scale))
                        .unwrap_or_default(),
                    false => clip,
                };
                let child_origin = Point::new(raw.x - offset.x, raw.y - offset.y);
                let disabled = parent_disabled || !node.enabled;
                for child in node.children.iter().rev() {
                    stack.push((*child, child_origin, child_clip, disabled));
                }
                let Some(node) = self.tree.get_mut(id) else {
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
        for (rect, outset, clip) in changed {
            self.damage_rect(rect.inflate(outset), clip);
        }
    }
}
