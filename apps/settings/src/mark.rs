//! Weft's mark: threads woven over and under, in the accent colour.

use weft_toolkit::paint::{Rect, Size};
use weft_toolkit::{LayoutStyle, MeasureContext, PaintContext, Theme, Widget};

const SIZE: f32 = 48.0;

/// The mark, 48 logical pixels square.
pub struct Mark;

impl<M: 'static> Widget<M> for Mark {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { width: Some(SIZE), height: Some(SIZE), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        Size::new(SIZE, SIZE)
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let palette = &theme.palette;
        cx.canvas().fill_rounded_rect(rect, 12.0, palette.accent);
        let thread = 6.0;
        let gap = (SIZE - 3.0 * thread) / 4.0;
        let ink = palette.text_on_accent;
        let shade = palette.accent.mix(palette.text_on_accent, 0.45);
        let at = |index: usize| gap + index as f32 * (thread + gap);
        // Warp threads (vertical) first, then weft threads that pass over
        // and under them alternately.
        for column in 0..3 {
            let x = rect.x + at(column);
            cx.canvas().fill_rounded_rect(Rect::new(x, rect.y + 7.0, thread, SIZE - 14.0), 3.0, shade);
        }
        for row in 0..3 {
            let y = rect.y + at(row);
            cx.canvas().fill_rounded_rect(Rect::new(rect.x + 7.0, y, SIZE - 14.0, thread), 3.0, ink);
            for column in 0..3 {
                if (row + column) % 2 == 1 {
                    let x = rect.x + at(column);
                    cx.canvas().fill_rect(Rect::new(x, y - 1.0, thread, thread + 2.0), shade);
                }
            }
        }
    }
}
