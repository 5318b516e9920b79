//! Popup menus.

use alloc::string::String;
use alloc::vec::Vec;

use weft_paint::{Point, Rect, Size};
use weft_text::{Overflow, TextLayout};
use weft_theme::Theme;
use weft_types::{Key, KeyState};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};
use crate::widgets::common::{TextRole, draw_line_left};

/// Padding around the items.
const MENU_PADDING: f32 = 6.0;

/// One entry of a [`Menu`].
pub struct MenuItem<M> {
    label: String,
    icon: Option<String>,
    message: M,
    layout: Option<TextLayout>,
}

impl<M> MenuItem<M> {
    /// An item sending `message` when chosen.
    pub fn new(label: impl Into<String>, message: M) -> MenuItem<M> {
        MenuItem { label: label.into(), icon: None, message, layout: None }
    }

    /// A leading theme icon.
    pub fn icon(mut self, name: impl Into<String>) -> MenuItem<M> {
        self.icon = Some(name.into());
        self
    }
}

/// A list of actions shown as a popup (see `Ui::show_popup`). Choosing an
/// item (click, tap, or arrows and Enter) sends its message and closes
/// the menu; Escape or a press outside closes it without one.
pub struct Menu<M> {
    items: Vec<MenuItem<M>>,
    highlighted: Option<usize>,
}

impl<M> Menu<M> {
    /// A menu of `items`.
    pub fn new(items: impl IntoIterator<Item = MenuItem<M>>) -> Menu<M> {
        Menu { items: items.into_iter().collect(), highlighted: None }
    }

    /// The highlighted item.
    pub fn highlighted(&self) -> Option<usize> {
        self.highlighted
    }

    fn row_height(theme: &Theme) -> f32 {
        theme.metrics.control_height
    }

    fn item_at(&self, rect: Rect, theme: &Theme, position: Point) -> Option<usize> {
        if !rect.contains(position) {
            return None;
        }
        let index = ((position.y - rect.y - MENU_PADDING) / Self::row_height(theme)) as isize;
        (index >= 0 && (index as usize) < self.items.len()).then_some(index as usize)
    }

    fn highlight(&mut self, cx: &mut EventContext<'_, M>, index: Option<usize>) {
        if self.highlighted != index {
            self.highlighted = index;
            cx.request_paint();
        }
    }
}

impl<M: Clone + 'static> Widget<M> for Menu<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle::default()
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        let theme = cx.theme();
        let style = TextRole::Body.style(theme);
        let icons = self.items.iter().any(|item| item.icon.is_some());
        let mut widest: f32 = 0.0;
        for item in &mut self.items {
            let layout = item
                .layout
                .get_or_insert_with(|| TextLayout::new(cx.text, &item.label, style, Overflow::Clip));
            widest = widest.max(layout.size().width);
        }
        let icon = if icons { theme.metrics.icon_size + 10.0 } else { 0.0 };
        let width = (widest + icon + 2.0 * theme.metrics.control_padding + 2.0 * MENU_PADDING).max(180.0);
        Size::new(width, self.items.len() as f32 * Self::row_height(theme) + 2.0 * MENU_PADDING)
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        let shadow = &theme.shadows.popup;
        libm::fabsf(shadow.offset_y) + shadow.blur * 1.5 + shadow.spread + 1.0
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        let theme = cx.theme();
        let rect = cx.rect();
        match event {
            Event::PointerMove { position } => {
                let index = self.item_at(rect, theme, *position);
                self.highlight(cx, index);
                Status::Handled
            }
            Event::PointerLeave => {
                self.highlight(cx, None);
                Status::Ignored
            }
            Event::PointerDown { position, .. } => {
                let index = self.item_at(rect, theme, *position);
                self.highlight(cx, index);
                Status::Handled
            }
            Event::PointerUp { position, inside } => {
                if let (true, Some(index)) = (*inside, self.item_at(rect, theme, *position)) {
                    cx.emit(self.items[index].message.clone());
                    cx.close_overlay();
                }
                Status::Handled
            }
            Event::Key(key) if key.state != KeyState::Released => {
                let count = self.items.len();
                match key.key {
                    Key::DOWN if count > 0 => {
                        let next = self.highlighted.map_or(0, |index| (index + 1) % count);
                        self.highlight(cx, Some(next));
                    }
                    Key::UP if count > 0 => {
                        let previous =
                            self.highlighted.map_or(count - 1, |index| (index + count - 1) % count);
                        self.highlight(cx, Some(previous));
                    }
                    key if crate::press::is_activation_key(key) => {
                        if let Some(index) = self.highlighted {
                            cx.emit(self.items[index].message.clone());
                            cx.close_overlay();
                        }
                    }
                    Key::ESC => cx.close_overlay(),
                    _ => return Status::Ignored,
                }
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let palette = &theme.palette;
        let radius = theme.radii.medium + 2.0;
        cx.canvas().draw_shadow(rect, radius, &theme.shadows.popup);
        cx.canvas().fill_rounded_rect(rect, radius, palette.surface);
        cx.canvas().stroke_rounded_rect(rect, radius, theme.metrics.border_width, palette.border);
        let row = Self::row_height(theme);
        let icons = self.items.iter().any(|item| item.icon.is_some());
        let style = TextRole::Body.style(theme);
        for (index, item) in self.items.iter_mut().enumerate() {
            let row_rect = Rect::new(
                rect.x + MENU_PADDING,
                rect.y + MENU_PADDING + index as f32 * row,
                rect.width - 2.0 * MENU_PADDING,
                row,
            );
            let highlighted = self.highlighted == Some(index);
            if highlighted {
                cx.canvas().fill_rounded_rect(row_rect, theme.radii.medium, palette.accent);
            }
            let ink = if highlighted { palette.text_on_accent } else { palette.text };
            let mut left = row_rect.x + theme.metrics.control_padding - MENU_PADDING;
            if icons {
                if let Some(icon) = item.icon.as_deref().and_then(|name| theme.icon(name)) {
                    let size = theme.metrics.icon_size;
                    cx.canvas().draw_icon(
                        icon,
                        Rect::new(left, row_rect.y + (row - size) / 2.0, size, size),
                        ink,
                    );
                }
                left += theme.metrics.icon_size + 10.0;
            }
            let (canvas, text) = cx.canvas_and_text();
            let layout =
                item.layout.get_or_insert_with(|| TextLayout::new(text, &item.label, style, Overflow::Clip));
            draw_line_left(
                canvas,
                text,
                layout,
                Rect::new(left, row_rect.y, row_rect.right() - left, row),
                ink,
            );
        }
    }

    fn theme_changed(&mut self) {
        for item in &mut self.items {
            item.layout = None;
        }
    }

    fn describe(&self) -> Option<Description> {
        let highlighted =
            self.highlighted.and_then(|index| self.items.get(index)).map(|item| item.label.clone());
        let description = Description::new(Role::Menu, "");
        Some(match highlighted {
            Some(label) => description.value(label),
            None => description,
        })
    }
}
