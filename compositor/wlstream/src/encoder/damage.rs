//! Normalising the damage a client reports: clip, drop empties, merge
//! rectangles that overlap or touch.

use alloc::vec::Vec;

use weft_types::SurfaceRect;

/// Above this many rectangles the damage collapses to its bounding box
/// (tightening then cuts it back down to what really changed).
pub const MAX_DAMAGE_RECTANGLES: usize = 64;

/// Clip `damage` to the surface and merge it into disjoint regions.
pub fn normalize(damage: &[SurfaceRect], width: u32, height: u32, regions: &mut Vec<SurfaceRect>) {
    regions.clear();
    regions.extend(damage.iter().filter_map(|rect| rect.clipped(width, height)));
    if regions.len() > MAX_DAMAGE_RECTANGLES {
        let bounds = regions.iter().fold(SurfaceRect::default(), |bounds, rect| bounds.union(rect));
        regions.clear();
        regions.push(bounds);
        return;
    }
    loop {
        let mut merged = false;
        'outer: for first in 0..regions.len() {
            for second in first + 1..regions.len() {
                if regions[first].touches(&regions[second]) {
                    regions[first] = regions[first].union(&regions[second]);
                    regions.swap_remove(second);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_clips() {
        let mut regions = Vec::new();
        let damage = [
            SurfaceRect::new(0, 0, 10, 10),
            SurfaceRect::new(10, 0, 5, 5),
            SurfaceRect::new(50, 50, 100, 100),
        ];
        normalize(&damage, 100, 80, &mut regions);
        regions.sort_by_key(|rect| (rect.y, rect.x));
        assert_eq!(regions, [SurfaceRect::new(0, 0, 15, 10), SurfaceRect::new(50, 50, 50, 30)]);
    }

    #[test]
    fn too_many_collapse_to_bounds() {
        let damage: Vec<SurfaceRect> = (0..100).map(|i| SurfaceRect::new(i * 3, 0, 1, 1)).collect();
        let mut regions = Vec::new();
        normalize(&damage, 1000, 10, &mut regions);
        assert_eq!(regions, [SurfaceRect::new(0, 0, 298, 1)]);
    }
}
