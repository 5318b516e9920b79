//! A live line graph of the last minute: newest sample at the right edge.

use alloc::collections::VecDeque;

use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::paint::tiny_skia::PathBuilder;
use weft_toolkit::paint::{Brush, Rect, Size};
use weft_toolkit::{LayoutStyle, MeasureContext, PaintContext, Theme, Widget};

/// Which palette colour a graph draws in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphColor {
    /// The accent colour.
    Accent,
    /// The success colour.
    Success,
}

/// A graph of recent values.
#[derive(Clone, Debug)]
pub struct Graph {
    samples: VecDeque<f32>,
    capacity: usize,
    /// The top of the scale; `None` follows the largest sample.
    ceiling: Option<f32>,
    color: GraphColor,
    height: f32,
    label: &'static str,
}

impl Graph {
    /// An empty graph keeping `capacity` samples.
    pub fn new(label: &'static str, capacity: usize, color: GraphColor) -> Graph {
        Graph {
            samples: VecDeque::new(),
            capacity: capacity.max(2),
            ceiling: None,
            color,
            height: 64.0,
            label,
        }
    }

    /// A fixed top of the scale (e.g. 100 for percentages).
    pub fn ceiling(mut self, ceiling: f32) -> Graph {
        self.ceiling = Some(ceiling);
        self
    }

    /// Changes the top of the scale (through `Ui::update`).
    pub fn set_ceiling(&mut self, ceiling: Option<f32>) {
        self.ceiling = ceiling;
    }

    /// Appends a sample, dropping the oldest beyond the capacity.
    pub fn push(&mut self, value: f32) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(if value.is_finite() { value.max(0.0) } else { 0.0 });
    }

    /// The samples, oldest first.
    pub fn samples(&self) -> &VecDeque<f32> {
        &self.samples
    }

    /// The value at the top of the graph now.
    pub fn scale(&self) -> f32 {
        let peak = self.samples.iter().copied().fold(0.0f32, f32::max);
        match self.ceiling {
            Some(ceiling) => ceiling.max(peak),
            None => (peak * 1.25).max(1.0),
        }
    }
}

impl<M: 'static> Widget<M> for Graph {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { height: Some(self.height), ..LayoutStyle::default() }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(160.0), self.height)
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        1.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let palette = &theme.palette;
        let ink = match self.color {
            GraphColor::Accent => palette.accent,
            GraphColor::Success => palette.success,
        };
        let radius = theme.radii.small;
        cx.canvas().fill_rounded_rect(rect, radius, palette.surface_alt);
        let hairline = theme.metrics.border_width;
        for quarter in 1..4 {
            let y = rect.y + rect.height * quarter as f32 / 4.0;
            cx.canvas()
                .fill_rect(Rect::new(rect.x, y, rect.width, hairline), palette.border.with_opacity(0.6));
        }
        if self.samples.is_empty() {
            return;
        }
        let scale = self.scale();
        let step = rect.width / (self.capacity - 1) as f32;
        let count = self.samples.len();
        let point = |index: usize, value: f32| {
            let x = rect.right() - (count - 1 - index) as f32 * step;
            let y = rect.bottom() - (value / scale).clamp(0.0, 1.0) * (rect.height - 2.0) - 1.0;
            (x, y)
        };
        // The area under the line, then the line on top.
        let (first_x, _) = point(0, self.samples[0]);
        let mut line = PathBuilder::new();
        let mut area = PathBuilder::new();
        area.move_to(first_x, rect.bottom());
        for (index, value) in self.samples.iter().enumerate() {
            let (x, y) = point(index, *value);
            if index == 0 {
                line.move_to(x, y);
            } else {
                line.line_to(x, y);
            }
            area.line_to(x, y);
        }
        let (last_x, last_y) = point(count - 1, self.samples[count - 1]);
        area.line_to(last_x, rect.bottom());
        area.close();
        cx.canvas().push_clip(rect);
        if let Some(area) = area.finish() {
            cx.canvas().fill_path(&area, &Brush::Solid(ink.with_opacity(0.18)));
        }
        if count == 1 {
            cx.canvas().fill_circle(last_x, last_y, 2.0, ink);
        } else if let Some(line) = line.finish() {
            cx.canvas().stroke_path(&line, 2.0, ink);
        }
        cx.canvas().pop_clip();
    }

    fn describe(&self) -> Option<Description> {
        let latest = self.samples.back().copied().unwrap_or(0.0);
        Some(Description::new(Role::Image, self.label).value(alloc::format!("{latest:.1}")))
    }
}
