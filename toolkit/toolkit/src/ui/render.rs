//! Rendering: repaint damaged regions of the tree into a canvas.

use alloc::vec::Vec;

use weft_paint::{Canvas, PixelRect, Rect};
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::id::WidgetId;
use crate::tree::Tree;
use crate::ui::{OverlayKind, Ui};
use crate::widget::PaintContext;

/// Everything painting needs besides the tree.
struct Painter<'a, 'canvas> {
    canvas: &'a mut Canvas<'canvas>,
    theme: &'a Theme,
    text: &'a mut TextSystem,
    scale: f32,
    focus_visible: bool,
}

impl<M: 'static> Ui<M> {
    /// Repaints everything damaged since the last render into `canvas`
    /// (which must be the same buffer, or a copy of it, as last time) and
    /// returns the damaged rectangles in physical pixels, for the caller
    /// to present. Returns an empty list when nothing changed.
    ///
    /// The canvas should have the size and scale given to [`Ui::set_size`];
    /// a canvas of another size is repainted whole (clipped to both).
    pub fn render(&mut self, canvas: &mut Canvas<'_>) -> Vec<PixelRect> {
        debug_assert!(
            (canvas.scale() - self.scale).abs() < 1e-6,
            "canvas scale {} differs from the UI scale {}",
            canvas.scale(),
            self.scale
        );
        if (canvas.width(), canvas.height()) != self.physical_size {
            self.damage.clear();
            self.damage.add(canvas.bounds());
        }
        self.update_layout();
        let canvas_bounds = canvas.bounds();
        let rects: Vec<PixelRect> = self
            .damage
            .take_merged()
            .into_iter()
            .filter_map(|rect| rect.intersect(&canvas_bounds))
            .collect();
        for rect in &rects {
            self.paint_region(canvas, *rect);
        }
        rects
    }

    /// Repaints the whole window regardless of damage (e.g. into a fresh
    /// buffer) and returns the window rectangle.
    pub fn render_all(&mut self, canvas: &mut Canvas<'_>) -> Vec<PixelRect> {
        self.damage.clear();
        self.damage_all();
        self.render(canvas)
    }

    /// Whether anything is waiting to be repainted.
    pub fn has_damage(&mut self) -> bool {
        self.update_layout();
        !self.damage.is_empty()
    }

    fn paint_region(&mut self, canvas: &mut Canvas<'_>, region: PixelRect) {
        canvas.push_clip_pixels(region);
        canvas.clear(self.theme.palette.background);
        let window = Rect::new(
            0.0,
            0.0,
            self.logical_size().width,
            self.logical_size().height,
        );
        let overlays: Vec<(WidgetId, OverlayKind)> = self
            .overlays
            .iter()
            .map(|overlay| (overlay.root, overlay.kind))
            .collect();
        let mut painter = Painter {
            canvas,
            theme: &self.theme,
            text: &mut self.text,
            scale: self.scale,
            focus_visible: self.focus_visible,
        };
        paint_subtree(&mut self.tree, &mut painter, self.root, region);
        for (root, kind) in overlays {
            if kind == OverlayKind::Dialog {
                painter
                    .canvas
                    .fill_rect(window, painter.theme.palette.scrim);
            }
            paint_subtree(&mut self.tree, &mut painter, root, region);
        }
        canvas.pop_clip();
    }
}

fn paint_subtree<M: 'static>(
    tree: &mut Tree<M>,
    painter: &mut Painter<'_, '_>,
    id: WidgetId,
    region: PixelRect,
) {
    let Some(node) = tree.get_mut(id) else { return };
    if node.hidden {
        return;
    }
    let Some(visible) = node.clip.intersect(&region) else {
        return;
    };
    let bounds = node.rect.inflate(node.outset).to_pixels(painter.scale);
    let paints_self = bounds.intersects(&visible);
    let Some(mut widget) = node.widget.take() else {
        return;
    };
    let rect = node.rect;
    let mut state = node.state;
    state.focus_visible = painter.focus_visible;
    let clip = node.clip;
    let children = node.children.clone();
    painter.canvas.push_clip_pixels(clip);
    if paints_self {
        let mut cx = PaintContext {
            canvas: painter.canvas,
            theme: painter.theme,
            text: painter.text,
            rect,
            state,
        };
        widget.paint(&mut cx);
    }
    painter.canvas.pop_clip();
    for child in children {
        paint_subtree(tree, painter, child, region);
    }
    painter.canvas.push_clip_pixels(clip);
    if paints_self {
        let mut cx = PaintContext {
            canvas: painter.canvas,
            theme: painter.theme,
            text: painter.text,
            rect,
            state,
        };
        widget.paint_over(&mut cx);
    }
    painter.canvas.pop_clip();
    if let Some(node) = tree.get_mut(id) {
        node.widget = Some(widget);
    }
}
