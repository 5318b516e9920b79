//! Damage: the physical-pixel regions that must be repainted.

use alloc::vec::Vec;

use weft_paint::{PixelRect, Rect};

use crate::id::WidgetId;
use crate::tree::Tree;
use crate::ui::Viewport;

/// Above this many rectangles, damage collapses to their union.
const MAX_RECTS: usize = 24;

/// A set of rectangles to repaint, kept small by merging.
#[derive(Clone, Debug, Default)]
pub struct Damage {
    rects: Vec<PixelRect>,
}

impl Damage {
    /// Adds a rectangle (already clipped to the window by the caller).
    pub fn add(&mut self, rect: PixelRect) {
        if rect.is_empty() {
            return;
        }
        if self.rects.iter().any(|existing| existing.contains_rect(&rect)) {
            return;
        }
        self.rects.retain(|existing| !rect.contains_rect(existing));
        self.rects.push(rect);
    }

    /// Adds what `viewport` shows of logical `rect` within `clip`.
    pub fn add_visible(&mut self, viewport: &Viewport, rect: Rect, clip: PixelRect) {
        if let Some(visible) = viewport.visible(rect, clip) {
            self.add(visible);
        }
    }

    /// Adds areas given as (bounds, paint outset, clip), e.g. of nodes
    /// that moved or were removed.
    pub fn add_areas(
        &mut self,
        viewport: &Viewport,
        areas: impl IntoIterator<Item = (Rect, f32, PixelRect)>,
    ) {
        for (rect, outset, clip) in areas {
            self.add_visible(viewport, rect.inflate(outset), clip);
        }
    }

    /// Adds a widget's painted area (its bounds grown by its outset).
    pub fn add_node<M: 'static>(&mut self, viewport: &Viewport, tree: &Tree<M>, id: WidgetId) {
        if let Some(node) = tree.get(id) {
            self.add_visible(viewport, node.rect.inflate(node.outset), node.clip);
        }
    }

    /// Adds the whole window.
    pub fn add_window(&mut self, viewport: &Viewport) {
        self.add(viewport.pixels());
    }

    /// Whether nothing is damaged.
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty()
    }

    /// Forgets all damage.
    pub fn clear(&mut self) {
        self.rects.clear();
    }

    /// Merges overlapping or nearly adjacent rectangles (when the union
    /// wastes little area) and returns the result, leaving this empty.
    pub fn take_merged(&mut self) -> Vec<PixelRect> {
        let mut rects = core::mem::take(&mut self.rects);
        loop {
            let mut merged_any = false;
            'outer: for first in 0..rects.len() {
                for second in first + 1..rects.len() {
                    let union = rects[first].union(&rects[second]);
                    let separate = rects[first].area() + rects[second].area();
                    let overlapping = rects[first].inflate(1).intersects(&rects[second]);
                    if overlapping || union.area() <= separate + separate / 4 {
                        rects[first] = union;
                        rects.swap_remove(second);
                        merged_any = true;
                        break 'outer;
                    }
                }
            }
            if !merged_any {
                break;
            }
        }
        if rects.len() > MAX_RECTS {
            let union = rects.iter().fold(PixelRect::default(), |total, rect| total.union(rect));
            rects = alloc::vec![union];
        }
        rects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_overlaps_and_keeps_distant_rects_apart() {
        let mut damage = Damage::default();
        damage.add(PixelRect::new(0, 0, 10, 10));
        damage.add(PixelRect::new(5, 5, 10, 10));
        damage.add(PixelRect::new(500, 500, 10, 10));
        damage.add(PixelRect::new(501, 501, 2, 2));
        let mut merged = damage.take_merged();
        merged.sort_by_key(|rect| rect.x);
        assert_eq!(merged, [PixelRect::new(0, 0, 15, 15), PixelRect::new(500, 500, 10, 10)]);
        assert!(damage.is_empty());
    }

    #[test]
    fn logical_areas_are_clipped_to_the_window() {
        let mut viewport = Viewport::default();
        viewport.resize(100, 50, 2.0);
        let mut damage = Damage::default();
        let clip = PixelRect::new(0, 0, 1000, 1000);
        damage.add_areas(&viewport, [(Rect::new(40.0, 20.0, 20.0, 20.0), 1.0, clip)]);
        damage.add_visible(&viewport, Rect::new(0.0, 0.0, 5.0, 5.0), PixelRect::new(0, 0, 4, 4));
        damage.add_visible(&viewport, Rect::new(60.0, 0.0, 5.0, 5.0), clip);
        let mut merged = damage.take_merged();
        merged.sort_by_key(|rect| rect.x);
        assert_eq!(merged, [PixelRect::new(0, 0, 4, 4), PixelRect::new(78, 38, 22, 12)]);
        damage.add_window(&viewport);
        assert_eq!(damage.take_merged(), [viewport.pixels()]);
    }

    #[test]
    fn a_node_damages_its_painted_area() {
        let mut viewport = Viewport::default();
        viewport.resize(100, 100, 1.0);
        let mut tree = Tree::<()>::new();
        let id = tree.insert(alloc::boxed::Box::new(crate::widgets::Container::column()), None);
        if let Some(node) = tree.get_mut(id) {
            node.rect = Rect::new(10.0, 10.0, 20.0, 20.0);
            node.outset = 2.0;
            node.clip = PixelRect::new(0, 0, 100, 100);
        }
        let mut damage = Damage::default();
        damage.add_node(&viewport, &tree, id);
        tree.remove(id);
        damage.add_node(&viewport, &tree, id);
        assert_eq!(damage.take_merged(), [PixelRect::new(8, 8, 24, 24)]);
    }
}
