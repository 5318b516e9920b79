//! Progress bars.

use weft_paint::{Rect, Size};
use weft_theme::Theme;

use crate::accessibility::{Description, Role};
use crate::style::LayoutStyle;
use crate::widget::{MeasureContext, PaintContext, Widget};

/// A bar filled to a fraction between 0 and 1.
#[derive(Clone, Debug, Default)]
pub struct ProgressBar {
    value: f32,
}

impl ProgressBar {
    /// A bar at `value` (clamped to 0–1).
    pub fn new(value: f32) -> ProgressBar {
        ProgressBar {
            value: value.clamp(0.0, 1.0),
        }
    }

    /// The fraction done.
    pub fn value(&self) -> f32 {
        self.value
    }

    /// Sets the fraction done (through `Ui::update`).
    pub fn set_value(&mut self, value: f32) {
        self.value = value.clamp(0.0, 1.0);
    }
}

impl<M: 'static> Widget<M> for ProgressBar {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            height: Some(6.0),
            min_width: Some(60.0),
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(200.0), 6.0)
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let radius = rect.height / 2.0;
        cx.canvas()
            .fill_rounded_rect(rect, radius, theme.palette.track);
        if self.value > 0.0 {
            let width = (rect.width * self.value).max(rect.height);
            cx.canvas().fill_rounded_rect(
                Rect::new(rect.x, rect.y, width, rect.height),
                radius,
                theme.palette.accent,
            );
        }
    }

    fn describe(&self) -> Option<Description> {
        Some(
            Description::new(Role::ProgressBar, "")
                .value(alloc::format!("{}%", libm::roundf(self.value * 100.0))),
        )
    }
}
