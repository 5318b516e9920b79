//! Damage regions: a short list of rectangles covering what changed.

use alloc::vec::Vec;

use weft_types::Rect;

/// Most rectangles a region keeps before collapsing into its bounds.
const MAX_RECTS: usize = 24;

/// A set of pixels, kept as a bounded list of rectangles. It may cover
/// more than was added (neighbours are merged when that wastes little),
/// never less. Rectangles may overlap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Region {
    rects: Vec<Rect>,
}

impl Region {
    /// The empty region.
    pub fn new() -> Region {
        Region::default()
    }

    /// A region of one rectangle.
    pub fn from_rect(rect: Rect) -> Region {
        let mut region = Region::new();
        region.add(rect);
        region
    }

    /// Whether it covers nothing.
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty()
    }

    /// The rectangles.
    pub fn rects(&self) -> &[Rect] {
        &self.rects
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.rects.clear();
    }

    /// The bounding rectangle.
    pub fn bounds(&self) -> Rect {
        self.rects.iter().fold(Rect::default(), |acc, r| acc.union(r))
    }

    /// Sum of the rectangles' areas (overlaps counted twice).
    pub fn area(&self) -> u64 {
        self.rects.iter().map(Rect::area).sum()
    }

    /// Whether any rectangle shares a pixel with `rect`.
    pub fn overlaps(&self, rect: &Rect) -> bool {
        self.rects.iter().any(|r| r.intersects(rect))
    }

    /// Add a rectangle.
    pub fn add(&mut self, rect: Rect) {
        if rect.is_empty() {
            return;
        }
        let mut rect = rect;
        loop {
            if rect.is_empty() || self.rects.iter().any(|r| r.contains_rect(&rect)) {
                return;
            }
            // Merge with a neighbour when the bounding box wastes at most
            // a quarter of the pair's area.
            let merge = self.rects.iter().position(|r| {
                let union = r.union(&rect);
                let covered = r.area() + rect.area() - r.intersect(&rect).map_or(0, |overlap| overlap.area());
                union.area() * 3 <= covered * 4
            });
            match merge {
                Some(index) => {
                    let other = self.rects.swap_remove(index);
                    rect = rect.union(&other);
                }
                None => break,
            }
        }
        self.rects.retain(|r| !(r.is_empty() || rect.contains_rect(r)));
        self.rects.push(rect);
        if self.rects.len() > MAX_RECTS {
            let bounds = self.bounds();
            self.rects.clear();
            self.rects.push(bounds);
        }
    }

    /// Add every rectangle of `other`.
    pub fn add_region(&mut self, other: &Region) {
        for rect in &other.rects {
            self.add(*rect);
        }
    }

    /// Keep only what lies inside `bounds`.
    pub fn clip(&mut self, bounds: &Rect) {
        for rect in &mut self.rects {
            *rect = rect.intersect(bounds).unwrap_or_default();
        }
        self.rects.retain(|r| !r.is_empty());
    }
}
