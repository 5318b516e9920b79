//! Damage: the physical-pixel regions that must be repainted.

use alloc::vec::Vec;

use weft_paint::PixelRect;

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
        if self
            .rects
            .iter()
            .any(|existing| existing.contains_rect(&rect))
        {
            return;
        }
        self.rects.retain(|existing| !rect.contains_rect(existing));
        self.rects.push(rect);
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
            let union = rects
                .iter()
                .fold(PixelRect::default(), |total, rect| total.union(rect));
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
        assert_eq!(
            merged,
            [
                PixelRect::new(0, 0, 15, 15),
                PixelRect::new(500, 500, 10, 10)
            ]
        );
        assert!(damage.is_empty());
    }
}
