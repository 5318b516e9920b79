//! Tabs: a header strip of titles over one visible page (child) at a time.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use weft_paint::{Point, Rect};
use weft_text::{Overflow, TextLayout, TextSystem};
use weft_theme::Theme;
use weft_types::{Key, KeyState};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status, SwipeDirection};
use crate::style::{Insets, LayoutStyle};
use crate::widget::{EventContext, PaintContext, Widget};
use crate::widgets::common::{TextRole, dimmed, draw_line_centered};

/// Horizontal padding of a tab title.
const TAB_PADDING: f32 = 16.0;

/// Tabbed pages. Add one child per title; only the selected child shows.
/// Arrow keys (when focused), clicks on titles and horizontal swipes on
/// the page switch tabs.
pub struct Tabs<M> {
    titles: Vec<String>,
    layouts: Vec<TextLayout>,
    selected: usize,
    on_select: Option<Box<dyn Fn(usize) -> M>>,
    pressed_tab: Option<usize>,
}

impl<M> Tabs<M> {
    /// Tabs with these titles; the first is selected.
    pub fn new<T: Into<String>>(titles: impl IntoIterator<Item = T>) -> Tabs<M> {
        Tabs {
            titles: titles.into_iter().map(Into::into).collect(),
            layouts: Vec::new(),
            selected: 0,
            on_select: None,
            pressed_tab: None,
        }
    }

    /// Message built from the newly selected index.
    pub fn on_select(mut self, message: impl Fn(usize) -> M + 'static) -> Tabs<M> {
        self.on_select = Some(Box::new(message));
        self
    }

    /// The selected index.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// Selects a tab without sending a message (through `Ui::update`).
    pub fn set_selected(&mut self, index: usize) {
        self.selected = index.min(self.titles.len().saturating_sub(1));
    }

    fn header_height(theme: &Theme) -> f32 {
        theme.metrics.control_height + 8.0
    }

    fn ensure_layouts(&mut self, text: &mut TextSystem, theme: &Theme) {
        if self.layouts.len() != self.titles.len() {
            let style = TextRole::Strong.style(theme);
            self.layouts =
                self.titles.iter().map(|title| TextLayout::new(text, title, style, Overflow::Clip)).collect();
        }
    }

    /// Each tab's header rectangle.
    fn tab_rects(&self, rect: Rect, theme: &Theme) -> Vec<Rect> {
        let height = Self::header_height(theme);
        let mut x = rect.x + 8.0;
        self.layouts
            .iter()
            .map(|layout| {
                let width = layout.size().width + 2.0 * TAB_PADDING;
                let tab = Rect::new(x, rect.y, width, height);
                x += width;
                tab
            })
            .collect()
    }

    fn select(&mut self, cx: &mut EventContext<'_, M>, index: usize) {
        if index >= self.titles.len() || index == self.selected {
            return;
        }
        self.selected = index;
        cx.request_layout();
        if let Some(on_select) = &self.on_select {
            cx.emit(on_select(index));
        }
    }

    fn tab_at(&mut self, cx: &mut EventContext<'_, M>, position: Point) -> Option<usize> {
        let theme = cx.theme();
        self.ensure_layouts(cx.text(), theme);
        self.tab_rects(cx.rect(), theme).iter().position(|tab| tab.contains(position))
    }
}

impl<M: 'static> Widget<M> for Tabs<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            padding: Insets { top: Self::header_height(theme), ..Insets::default() },
            grow: 1.0,
            min_height: Some(0.0),
            ..LayoutStyle::default()
        }
    }

    fn visible_child(&self) -> Option<usize> {
        Some(self.selected)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::FocusGained | Event::FocusLost => {
                cx.request_paint();
                Status::Ignored
            }
            Event::PointerDown { position, .. } => {
                self.pressed_tab = self.tab_at(cx, *position);
                if self.pressed_tab.is_some() { Status::Handled } else { Status::Ignored }
            }
            Event::PointerUp { position, .. } => {
                if let (Some(pressed), Some(released)) = (self.pressed_tab.take(), self.tab_at(cx, *position))
                    && pressed == released
                {
                    self.select(cx, released);
                }
                Status::Handled
            }
            Event::PointerCancel => {
                self.pressed_tab = None;
                Status::Handled
            }
            Event::Key(key) if key.state != KeyState::Released && cx.state().focused => match key.key {
                Key::LEFT => {
                    self.select(cx, self.selected.saturating_sub(1));
                    Status::Handled
                }
                Key::RIGHT => {
                    self.select(cx, self.selected + 1);
                    Status::Handled
                }
                _ => Status::Ignored,
            },
            Event::Swipe { direction: SwipeDirection::Left } => {
                self.select(cx, self.selected + 1);
                Status::Handled
            }
            Event::Swipe { direction: SwipeDirection::Right } => {
                self.select(cx, self.selected.saturating_sub(1));
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        self.ensure_layouts(cx.text(), theme);
        let header = Self::header_height(theme);
        cx.canvas().fill_rect(Rect::new(rect.x, rect.y + header - 1.0, rect.width, 1.0), palette.border);
        let tabs = self.tab_rects(rect, theme);
        for (index, tab) in tabs.iter().enumerate() {
            let selected = index == self.selected;
            if selected {
                cx.focus_ring(tab.inflate(-4.0), theme.radii.small);
                let underline = Rect::new(tab.x + 8.0, tab.bottom() - 3.0, tab.width - 16.0, 3.0);
                cx.canvas().fill_rounded_rect(underline, 1.5, palette.accent);
            }
            let color = dimmed(if selected { palette.text } else { palette.text_muted }, state);
            let (canvas, text) = cx.canvas_and_text();
            draw_line_centered(
                canvas,
                text,
                &self.layouts[index],
                Rect::new(tab.x, tab.y, tab.width, tab.height - 3.0),
                color,
            );
        }
    }

    fn theme_changed(&mut self) {
        self.layouts.clear();
    }

    fn describe(&self) -> Option<Description> {
        let selected = self.titles.get(self.selected).cloned().unwrap_or_default();
        Some(Description::new(Role::TabList, "").value(selected))
    }
}
