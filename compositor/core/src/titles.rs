//! Window titles drawn with the toolkit's text system and bundled fonts.

use core::cell::RefCell;

use crate::TextRenderer;
use tiny_skia::PixmapMut;
use weft_paint::{Canvas, Point};
use weft_text::{Overflow, TextLayout, TextStyle, TextSystem};

/// Title text for decorations: the toolkit's sans face, semibold, cut
/// with an ellipsis when too long.
pub struct TitleText {
    system: RefCell<TextSystem>,
}

impl TitleText {
    /// Load the bundled fonts.
    pub fn new() -> TitleText {
        TitleText {
            system: RefCell::new(TextSystem::new()),
        }
    }
}

impl Default for TitleText {
    fn default() -> TitleText {
        TitleText::new()
    }
}

impl TextRenderer for TitleText {
    fn draw(
        &self,
        target: &mut PixmapMut<'_>,
        text: &str,
        x: f32,
        center_y: f32,
        size: f32,
        max_width: f32,
        color: weft_scene::Color,
    ) {
        let mut system = self.system.borrow_mut();
        let mut layout = TextLayout::new(
            &mut system,
            text,
            TextStyle::sans(size).semibold(),
            Overflow::Ellipsis,
        );
        layout.set_width(&mut system, Some(max_width));
        let height = layout.size().height;
        let (width, rows) = (target.width(), target.height());
        let Ok(mut canvas) = Canvas::new(target.data_mut(), width, rows, width as usize * 4, 1.0)
        else {
            return;
        };
        let ink = weft_paint::Color {
            red: color.r,
            green: color.g,
            blue: color.b,
            alpha: color.a,
        };
        layout.draw(
            &mut system,
            &mut canvas,
            Point {
                x,
                y: center_y - height / 2.0,
            },
            ink,
        );
    }
}
