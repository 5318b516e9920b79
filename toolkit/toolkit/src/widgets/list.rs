//! List rows: icon, title, optional subtitle; selectable.

use alloc::string::String;

use weft_paint::{Rect, Size};
use weft_text::{Overflow, TextLayout};
use weft_theme::Theme;

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::press::click;
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};
use crate::widgets::common::{TextRole, dimmed, draw_line_left};

/// One row of a list (put rows in a [`crate::widgets::ScrollView`]).
pub struct ListItem<M> {
    title: String,
    subtitle: Option<String>,
    icon: Option<String>,
    selected: bool,
    on_select: Option<M>,
    on_long_press: Option<M>,
    layouts: Option<(TextLayout, Option<TextLayout>)>,
}

impl<M> ListItem<M> {
    /// A row with a title.
    pub fn new(title: impl Into<String>) -> ListItem<M> {
        ListItem {
            title: title.into(),
            subtitle: None,
            icon: None,
            selected: false,
            on_select: None,
            on_long_press: None,
            layouts: None,
        }
    }

    /// A second, muted line.
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> ListItem<M> {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// A leading theme icon.
    pub fn icon(mut self, name: impl Into<String>) -> ListItem<M> {
        self.icon = Some(name.into());
        self
    }

    /// Message sent when the row is activated.
    pub fn on_select(mut self, message: M) -> ListItem<M> {
        self.on_select = Some(message);
        self
    }

    /// Message sent when the row is long-pressed (touch), e.g. to open a
    /// context menu; the press then does not activate the row.
    pub fn on_long_press(mut self, message: M) -> ListItem<M> {
        self.on_long_press = Some(message);
        self
    }

    /// Shows the row as selected.
    pub fn selected(mut self, selected: bool) -> ListItem<M> {
        self.selected = selected;
        self
    }

    /// Whether the row shows as selected.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Changes the selection mark (through `Ui::update`).
    pub fn set_selected(&mut self, selected: bool) {
        self.selected = selected;
    }

    fn height(&self, theme: &Theme) -> f32 {
        if self.subtitle.is_some() {
            theme.metrics.control_height + 20.0
        } else {
            theme.metrics.control_height + 6.0
        }
    }
}

impl<M: Clone + 'static> Widget<M> for ListItem<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        LayoutStyle { height: Some(self.height(theme)), ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(240.0), self.height(cx.theme()))
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        if let Event::LongPress { .. } = event {
            return match &self.on_long_press {
                Some(message) => {
                    cx.emit(message.clone());
                    cx.request_paint();
                    Status::Handled
                }
                None => Status::Ignored,
            };
        }
        click(cx, event, self.on_select.as_ref())
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        let radius = theme.radii.medium;
        cx.focus_ring(rect.inflate(-3.0), radius);
        if self.selected {
            cx.canvas().fill_rounded_rect(rect, radius, palette.accent.with_opacity(0.16));
        }
        if state.pressed {
            cx.canvas().fill_rounded_rect(rect, radius, palette.pressed);
        } else if state.hovered {
            cx.canvas().fill_rounded_rect(rect, radius, palette.hover);
        }
        let padding = theme.metrics.control_padding;
        let mut left = rect.x + padding;
        if let Some(icon) = self.icon.as_deref().and_then(|name| theme.icon(name)) {
            let size = theme.metrics.icon_size;
            let ink = dimmed(if self.selected { palette.accent } else { palette.text_muted }, state);
            cx.canvas().draw_icon(
                icon,
                Rect::new(left, rect.y + (rect.height - size) / 2.0, size, size),
                ink,
            );
            left += size + 12.0;
        }
        let width = (rect.right() - padding - left).max(0.0);
        let (text_color, muted) = (dimmed(palette.text, state), dimmed(palette.text_muted, state));
        let (canvas, text) = cx.canvas_and_text();
        let (title, subtitle) = self.layouts.get_or_insert_with(|| {
            let title = TextLayout::new(text, &self.title, TextRole::Body.style(theme), Overflow::Ellipsis);
            let subtitle = self
                .subtitle
                .as_deref()
                .map(|line| TextLayout::new(text, line, TextRole::Small.style(theme), Overflow::Ellipsis));
            (title, subtitle)
        });
        title.set_width(text, Some(width));
        match subtitle {
            Some(subtitle) => {
                subtitle.set_width(text, Some(width));
                let total = title.size().height + subtitle.size().height;
                let top = rect.y + libm::roundf((rect.height - total) / 2.0);
                title.draw(text, canvas, weft_paint::Point::new(left, top), text_color);
                subtitle.draw(text, canvas, weft_paint::Point::new(left, top + title.size().height), muted);
            }
            None => {
                draw_line_left(canvas, text, title, Rect::new(left, rect.y, width, rect.height), text_color)
            }
        }
    }

    fn theme_changed(&mut self) {
        self.layouts = None;
    }

    fn describe(&self) -> Option<Description> {
        let description = Description::new(Role::ListItem, self.title.as_str()).checked(self.selected);
        Some(match &self.subtitle {
            Some(subtitle) => description.value(subtitle.as_str()),
            None => description,
        })
    }
}
