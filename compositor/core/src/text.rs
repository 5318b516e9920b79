//! Title text: how the compositor draws strings into decorations.

use tiny_skia::PixmapMut;
use weft_scene::Color;

/// Draws a line of text. The compositor does not carry a font of its own;
/// the service plugs in the toolkit's text renderer. Without one, titles
/// are not drawn (everything else is).
pub trait TextRenderer {
    /// Draw `text` into `target` with its left edge at `x` and vertically
    /// centred on `center_y` (physical pixels), at `size` pixels per em,
    /// clipped to `max_width`. Must be deterministic.
    #[allow(
        clippy::too_many_arguments,
        reason = "one call describing one line of text"
    )]
    fn draw(
        &self,
        target: &mut PixmapMut<'_>,
        text: &str,
        x: f32,
        center_y: f32,
        size: f32,
        max_width: f32,
        color: Color,
    );
}

/// Draws nothing.
pub struct NoText;

impl TextRenderer for NoText {
    fn draw(
        &self,
        _target: &mut PixmapMut<'_>,
        _text: &str,
        _x: f32,
        _center_y: f32,
        _size: f32,
        _max_width: f32,
        _color: Color,
    ) {
    }
}
