//! The window's pixel grid: physical size, scale, and the conversions
//! between logical and physical pixels that layout and damage need.

use weft_paint::{PixelRect, Rect, Size};

/// The surface the UI draws into.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Viewport {
    physical: (u32, u32),
    /// Physical pixels per logical pixel; always positive.
    scale: f32,
}

impl Default for Viewport {
    fn default() -> Viewport {
        Viewport { physical: (0, 0), scale: 1.0 }
    }
}

impl Viewport {
    /// Sets the size in physical pixels and the scale (a non-positive
    /// scale means 1); returns whether either changed.
    pub fn resize(&mut self, width: u32, height: u32, scale: f32) -> bool {
        let scale = if scale > 0.0 { scale } else { 1.0 };
        if self.physical == (width, height) && self.scale == scale {
            return false;
        }
        self.physical = (width, height);
        self.scale = scale;
        true
    }

    /// Width and height in physical pixels.
    pub fn physical_size(&self) -> (u32, u32) {
        self.physical
    }

    /// Physical pixels per logical pixel.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The window size in logical pixels.
    pub fn logical_size(&self) -> Size {
        Size::new(self.physical.0 as f32 / self.scale, self.physical.1 as f32 / self.scale)
    }

    /// The whole window in logical pixels.
    pub fn logical_rect(&self) -> Rect {
        let size = self.logical_size();
        Rect::new(0.0, 0.0, size.width, size.height)
    }

    /// The whole window in physical pixels.
    pub fn pixels(&self) -> PixelRect {
        PixelRect::new(0, 0, self.physical.0, self.physical.1)
    }

    /// The physical pixels of logical `rect` that `clip` and the window
    /// let show, if any.
    pub fn visible(&self, rect: Rect, clip: PixelRect) -> Option<PixelRect> {
        rect.to_pixels(self.scale).intersect(&clip)?.intersect(&self.pixels())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resize_reports_changes_and_falls_back_to_scale_one() {
        let mut viewport = Viewport::default();
        assert!(viewport.resize(200, 100, 2.0));
        assert!(!viewport.resize(200, 100, 2.0));
        assert!(viewport.resize(200, 100, 0.0));
        assert_eq!(viewport.scale(), 1.0);
        assert!(!viewport.resize(200, 100, -3.0));
        assert_eq!(viewport.physical_size(), (200, 100));
    }

    #[test]
    fn converts_between_logical_and_physical_pixels() {
        let mut viewport = Viewport::default();
        viewport.resize(300, 200, 2.0);
        assert_eq!(viewport.logical_size(), Size::new(150.0, 100.0));
        assert_eq!(viewport.logical_rect(), Rect::new(0.0, 0.0, 150.0, 100.0));
        assert_eq!(viewport.pixels(), PixelRect::new(0, 0, 300, 200));
    }

    #[test]
    fn visible_part_is_clipped_to_clip_and_window() {
        let mut viewport = Viewport::default();
        viewport.resize(100, 100, 2.0);
        let clip = PixelRect::new(0, 0, 60, 1000);
        assert_eq!(
            viewport.visible(Rect::new(10.0, 40.0, 40.0, 40.0), clip),
            Some(PixelRect::new(20, 80, 40, 20))
        );
        assert_eq!(viewport.visible(Rect::new(40.0, 0.0, 10.0, 10.0), clip), None);
    }
}
