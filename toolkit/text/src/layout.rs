//! Static paragraphs: shaped once, re-wrapped when the width changes.

use alloc::string::String;

use cosmic_text::{Buffer, Ellipsize, EllipsizeHeightLimit, Shaping, Wrap};
use weft_paint::{Canvas, Color, Point, Size};

use crate::render::draw_buffer;
use crate::style::TextStyle;
use crate::system::TextSystem;

/// What happens when text is wider than its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Wrap at word boundaries (or inside words that do not fit).
    #[default]
    Wrap,
    /// Stay on one line and end with "…" when too long.
    Ellipsis,
    /// Stay on one line and run past the box (the caller clips).
    Clip,
}

/// A shaped paragraph of text in one style.
pub struct TextLayout {
    buffer: Buffer,
    text: String,
    style: TextStyle,
    overflow: Overflow,
    width: Option<f32>,
}

impl core::fmt::Debug for TextLayout {
    fn fmt(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        formatter
            .debug_struct("TextLayout")
            .field("text", &self.text)
            .field("width", &self.width)
            .finish_non_exhaustive()
    }
}

impl TextLayout {
    /// Shapes `text` in `style`, unconstrained in width.
    pub fn new(
        system: &mut TextSystem,
        text: &str,
        style: TextStyle,
        overflow: Overflow,
    ) -> TextLayout {
        let mut buffer = Buffer::new(&mut system.fonts, style.metrics());
        buffer.set_wrap(match overflow {
            Overflow::Wrap => Wrap::WordOrGlyph,
            Overflow::Ellipsis | Overflow::Clip => Wrap::None,
        });
        if overflow == Overflow::Ellipsis {
            buffer.set_ellipsize(Ellipsize::End(EllipsizeHeightLimit::Lines(1)));
        }
        buffer.set_size(None, None);
        buffer.set_text(text, &style.attrs(), Shaping::Advanced, None);
        buffer.shape_until_scroll(&mut system.fonts, false);
        TextLayout {
            buffer,
            text: String::from(text),
            style,
            overflow,
            width: None,
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The style.
    pub fn style(&self) -> TextStyle {
        self.style
    }

    /// How overflow is handled.
    pub fn overflow(&self) -> Overflow {
        self.overflow
    }

    /// Replaces the text; returns whether it changed.
    pub fn set_text(&mut self, system: &mut TextSystem, text: &str) -> bool {
        if self.text == text {
            return false;
        }
        self.text = String::from(text);
        self.buffer
            .set_text(text, &self.style.attrs(), Shaping::Advanced, None);
        self.buffer.shape_until_scroll(&mut system.fonts, false);
        true
    }

    /// Constrains the width (logical pixels; `None` for unconstrained) and
    /// re-wraps.
    pub fn set_width(&mut self, system: &mut TextSystem, width: Option<f32>) {
        if self.width == width {
            return;
        }
        self.width = width;
        self.buffer.set_size(width, None);
        self.buffer.shape_until_scroll(&mut system.fonts, false);
    }

    /// Size of the laid-out text: widest line by total line height.
    pub fn size(&self) -> Size {
        let mut width: f32 = 0.0;
        let mut lines = 0usize;
        for run in self.buffer.layout_runs() {
            width = width.max(run.line_w);
            lines += 1;
        }
        let line_height = self.style.line_height_pixels();
        Size::new(libm_ceil(width), line_height * lines.max(1) as f32)
    }

    /// Measures the text as it would lay out within `max_width`.
    pub fn measure(&mut self, system: &mut TextSystem, max_width: Option<f32>) -> Size {
        self.set_width(system, max_width);
        self.size()
    }

    /// Number of visual lines.
    pub fn line_count(&self) -> usize {
        self.buffer.layout_runs().count()
    }

    /// Draws the text with its top-left corner at `origin` (logical).
    pub fn draw(
        &self,
        system: &mut TextSystem,
        canvas: &mut Canvas<'_>,
        origin: Point,
        color: Color,
    ) {
        draw_buffer(system, &self.buffer, canvas, origin, color);
    }

    /// The visual lines' text, for tests and accessibility.
    pub fn visual_lines(&self) -> alloc::vec::Vec<String> {
        self.buffer
            .layout_runs()
            .map(|run| {
                let start = run.glyphs.first().map_or(0, |glyph| glyph.start);
                let end = run.glyphs.last().map_or(0, |glyph| glyph.end);
                String::from(run.text.get(start..end).unwrap_or(""))
            })
            .collect()
    }
}

pub(crate) fn libm_ceil(value: f32) -> f32 {
    let truncated = value as i32 as f32;
    if truncated < value {
        truncated + 1.0
    } else {
        truncated
    }
}
