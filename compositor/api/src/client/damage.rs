//! A small, conservative damage accumulator for clients.

use alloc::vec::Vec;

use crate::Rect;

/// Most rectangles kept before they collapse into their bounding box.
const MAX_RECTS: usize = 8;

/// A set of rectangles that may over-approximate what changed (never
/// under-approximate), bounded in size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Damage {
    rects: Vec<Rect>,
    full: bool,
}

impl Damage {
    /// Nothing damaged.
    pub fn new() -> Damage {
        Damage::default()
    }

    /// Everything damaged.
    pub fn full() -> Damage {
        Damage { rects: Vec::new(), full: true }
    }

    /// Whether everything is damaged.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// Whether nothing is damaged.
    pub fn is_empty(&self) -> bool {
        !self.full && self.rects.is_empty()
    }

    /// Mark everything damaged.
    pub fn set_full(&mut self) {
        self.full = true;
        self.rects.clear();
    }

    /// Forget all damage.
    pub fn clear(&mut self) {
        self.full = false;
        self.rects.clear();
    }

    /// Add a rectangle (an empty list means "everything", as in `Present`).
    pub fn add_all(&mut self, rects: &[Rect]) {
        if rects.is_empty() {
            self.set_full();
        }
        for rect in rects {
            self.add(*rect);
        }
    }

    /// Add one rectangle.
    pub fn add(&mut self, rect: Rect) {
        if self.full || rect.is_empty() {
            return;
        }
        if self.rects.iter().any(|r| r.contains_rect(&rect)) {
            return;
        }
        self.rects.retain(|r| !rect.contains_rect(r));
        self.rects.push(rect);
        if self.rects.len() > MAX_RECTS {
            let bounds = self.rects.iter().fold(Rect::default(), |acc, r| acc.union(r));
            self.rects.clear();
            self.rects.push(bounds);
        }
    }

    /// The rectangles, clipped to `bounds`; all of `bounds` if full.
    pub fn rects_within(&self, bounds: Rect) -> Vec<Rect> {
        if self.full {
            return alloc::vec![bounds];
        }
        self.rects.iter().filter_map(|r| r.intersect(&bounds)).collect()
    }
}
