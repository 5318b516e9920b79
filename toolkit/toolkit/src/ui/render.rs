//! Rendering: repaint damaged regions of the tree into a canvas.

use alloc::vec::Vec;

use weft_paint::{Canvas, PixelRect, Rect};
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::id::WidgetId;
use crate::tree::Tree;
use crate::ui::{OverlayKind, Ui};
use crate::widget::PaintContext;

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
            (canvas.scale() - self.viewport.scale()).abs() < 1e-6,
            "canvas scale {} differs from the UI scale {}",
            canvas.scale(),
            self.viewport.scale()
        );
        if (canvas.width(), canvas.height()) != self.viewport.physical_size() {
            self.damage.clear();
            self.damage.add(canvas.bounds());
        }
        self.update_layout();
        let canvas_bounds = canvas.bounds();
        let rects: Vec<PixelRect> =
            self.damage.take_merged().into_iter().filter_map(|rect| rect.intersect(&canvas_bounds)).collect();
        let overlays: Vec<(WidgetId, OverlayKind)> =
            self.overlays.all().iter().map(|overlay| (overlay.root, overlay.kind)).collect();
        let mut painter = Painter {
            canvas,
            theme: &self.env.theme,
            text: &mut self.env.text,
            scale: self.viewport.scale(),
            focus_visible: self.input.focus_visible,
            window: self.viewport.logical_rect(),
        };
        for rect in &rects {
            painter.region(&mut self.tree, self.root, &overlays, *rect);
        }
        rects
    }

    /// Repaints the whole window regardless of damage (e.g. into a fresh
    /// buffer) and returns the window rectangle.
    pub fn render_all(&mut self, canvas: &mut Canvas<'_>) -> Vec<PixelRect> {
        self.damage.clear();
        self.damage.add_window(&self.viewport);
        self.render(canvas)
    }

    /// Whether anything is waiting to be repainted.
    pub fn has_damage(&mut self) -> bool {
        self.update_layout();
        !self.damage.is_empty()
    }
}

/// Everything painting needs besides the tree.
struct Painter<'a, 'canvas> {
    canvas: &'a mut Canvas<'canvas>,
    theme: &'a Theme,
    text: &'a mut TextSystem,
    scale: f32,
    focus_visible: bool,
    /// The whole window, logical pixels (for dialog scrims).
    window: Rect,
}

impl Painter<'_, '_> {
    /// Repaints `region` (physical pixels): background, the window tree
    /// under `root`, then each overlay, dialogs over a scrim.
    fn region<M: 'static>(
        &mut self,
        tree: &mut Tree<M>,
        root: WidgetId,
        overlays: &[(WidgetId, OverlayKind)],
        region: PixelRect,
    ) {
        self.canvas.push_clip_pixels(region);
        self.canvas.clear(self.theme.palette.background);
        self.subtree(tree, root, region);
        for (overlay, kind) in overlays {
            if *kind == OverlayKind::Dialog {
                self.canvas.fill_rect(self.window, self.theme.palette.scrim);
            }
            self.subtree(tree, *overlay, region);
        }
        self.canvas.pop_clip();
    }

    /// Paints `id` and its descendants where they meet `region`.
    fn subtree<M: 'static>(&mut self, tree: &mut Tree<M>, id: WidgetId, region: PixelRect) {
        let Some(node) = tree.get_mut(id) else { return };
        if node.hidden {
            return;
        }
        let Some(visible) = node.clip.intersect(&region) else {
            return;
        };
        let bounds = node.rect.inflate(node.outset).to_pixels(self.scale);
        let paints_self = bounds.intersects(&visible);
        let Some(mut widget) = node.widget.take() else {
            return;
        };
        let rect = node.rect;
        let mut state = node.state;
        state.focus_visible = self.focus_visible;
        let clip = node.clip;
        let children = node.children.clone();
        self.canvas.push_clip_pixels(clip);
        if paints_self {
            let mut cx =
                PaintContext { canvas: self.canvas, theme: self.theme, text: self.text, rect, state };
            widget.paint(&mut cx);
        }
        self.canvas.pop_clip();
        for child in children {
            self.subtree(tree, child, region);
        }
        self.canvas.push_clip_pixels(clip);
        if paints_self {
            let mut cx =
                PaintContext { canvas: self.canvas, theme: self.theme, text: self.text, rect, state };
            widget.paint_over(&mut cx);
        }
        self.canvas.pop_clip();
        if let Some(node) = tree.get_mut(id) {
            node.widget = Some(widget);
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use super::*;
    use crate::widgets::Container;

    /// Paints a 10×10 window holding one empty root (and an optional dialog
    /// layer), repainting only its left half; returns two pixels, from the
    /// left and right halves.
    fn paint(dialog: bool) -> ([u8; 4], [u8; 4]) {
        let (theme, mut text) = (Theme::light(), TextSystem::new());
        let mut tree = Tree::<()>::new();
        let mut layers = Vec::new();
        for _ in 0..2 {
            let id = tree.insert(Box::new(Container::column()), None);
            if let Some(node) = tree.get_mut(id) {
                node.rect = Rect::new(0.0, 0.0, 10.0, 10.0);
                node.clip = PixelRect::new(0, 0, 10, 10);
            }
            layers.push(id);
        }
        let overlays: Vec<(WidgetId, OverlayKind)> =
            if dialog { alloc::vec![(layers[1], OverlayKind::Dialog)] } else { Vec::new() };
        let mut buffer = alloc::vec![0u8; 10 * 10 * 4];
        let mut canvas = Canvas::new(&mut buffer, 10, 10, 40, 1.0).expect("valid canvas");
        let mut painter = Painter {
            canvas: &mut canvas,
            theme: &theme,
            text: &mut text,
            scale: 1.0,
            focus_visible: false,
            window: Rect::new(0.0, 0.0, 10.0, 10.0),
        };
        painter.region(&mut tree, layers[0], &overlays, PixelRect::new(0, 0, 5, 10));
        assert!(layers.iter().all(|id| tree.get(*id).is_some_and(|node| node.widget.is_some())));
        (canvas.pixel(1, 1).unwrap_or_default(), canvas.pixel(8, 1).unwrap_or_default())
    }

    #[test]
    fn repaints_only_the_region() {
        let mut buffer = alloc::vec![0u8; 4];
        let mut reference = Canvas::new(&mut buffer, 1, 1, 4, 1.0).expect("valid canvas");
        reference.clear(Theme::light().palette.background);
        let background = reference.pixel(0, 0).unwrap_or_default();
        assert_eq!(paint(false), (background, [0; 4]));
    }

    #[test]
    fn dialogs_dim_what_is_below_them() {
        let (plain, _) = paint(false);
        let (dimmed, outside) = paint(true);
        assert_ne!(plain, dimmed);
        assert_eq!(outside, [0; 4]);
    }
}
