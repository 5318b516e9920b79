//! The panel: a bar along the top edge with the Apps button, a button per
//! window (click to focus or restore, click the focused one to
//! minimise), the system health, theme and lock buttons and the clock.
//! It reserves its height (an exclusive zone), so maximised windows stop
//! below it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use weft_compositor_api::shell::WindowInfo;
use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_paint::Rect;
use weft_root_api::AppEntry;
use weft_text::TextStyle;
use weft_theme::{Color, Theme, ThemeKind};
use weft_toolkit::widgets::Container;
use weft_toolkit::{Align, Insets, LayoutStyle, PaintContext, Widget, WidgetId};

use crate::message::Message;
use crate::surface::ShellSurface;
use crate::widgets::{Dot, Ink, PanelButton, Text};

/// Panel height in logical pixels (also its exclusive zone).
pub const PANEL_HEIGHT: u32 = 40;

/// The bar itself: a translucent strip with a hairline along its bottom.
struct Bar;

impl Widget<Message> for Bar {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            arrangement: weft_toolkit::Arrangement::Row,
            fill_width: true,
            fill_height: true,
            grow: 1.0,
            gap: 4.0,
            padding: Insets { top: 5.0, right: 10.0, bottom: 5.0, left: 6.0 },
            align_items: Align::Center,
            ..LayoutStyle::default()
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let fill = if theme.dark {
            Color::rgba(0x16, 0x19, 0x22, 0xe6)
        } else {
            theme.palette.surface.with_opacity(0.86)
        };
        cx.canvas().fill_rect(rect, fill);
        let line = if theme.dark { Color::rgba(255, 255, 255, 0x18) } else { Color::rgba(0, 0, 0, 0x1a) };
        cx.canvas().fill_rect(Rect::new(rect.x, rect.bottom() - 1.0, rect.width, 1.0), line);
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }
}

/// The panel and the ids of its changing parts.
pub struct Panel {
    /// Its surface.
    pub surface: ShellSurface<Message>,
    apps_button: WidgetId,
    tasks: WidgetId,
    shown_tasks: Vec<WindowInfo>,
    health_dot: WidgetId,
    health_text: WidgetId,
    theme_button: WidgetId,
    clock: WidgetId,
}

impl Panel {
    /// The panel's layer role: top edge, full width, reserving its height.
    pub fn role() -> LayerRole {
        LayerRole {
            layer: Layer::Top,
            anchor: Anchor::TOP | Anchor::LEFT | Anchor::RIGHT,
            size: Size::new(0, PANEL_HEIGHT),
            exclusive_zone: PANEL_HEIGHT,
            margin: 0,
            keyboard: KeyboardInteractivity::None,
        }
    }

    /// Build the panel's widgets.
    pub fn new(theme: &Theme) -> Panel {
        let mut surface = ShellSurface::new(theme);
        let ui = &mut surface.ui;
        let bar = ui.add(ui.root(), Bar);
        ui.adjust_layout(ui.root(), |style| style.fill_height = true);
        let apps_button = ui.add(bar, PanelButton::new("apps", "Apps", Message::ToggleLauncher));
        let tasks = ui.add(bar, Container::row().gap(4.0).grow(1.0).align(Align::Center));
        ui.adjust_layout(tasks, |style| {
            style.min_width = Some(0.0);
            style.shrink = 1.0;
        });
        let status = ui.add(
            bar,
            Container::row().gap(8.0).align(Align::Center).padding_insets(Insets::symmetric(0.0, 8.0)),
        );
        let health_dot = ui.add(status, Dot::new(theme.palette.success));
        let small = TextStyle::sans(theme.typography.small_size + 0.5);
        let health_text = ui.add(status, Text::new("Starting…", small).ink(Ink::Muted));
        let theme_button = ui.add(
            bar,
            PanelButton::new(theme_icon(theme), "", Message::ToggleTheme).describe_as("Switch theme"),
        );
        ui.add(bar, PanelButton::new("lock", "", Message::Lock).describe_as("Lock screen"));
        let clock_style = TextStyle::sans(theme.typography.body_size).semibold();
        let clock = ui.add(bar, Text::new("", clock_style));
        ui.adjust_layout(clock, |style| {
            style.padding = Insets::symmetric(0.0, 8.0);
            style.shrink = 0.0;
        });
        Panel {
            surface,
            apps_button,
            tasks,
            shown_tasks: Vec::new(),
            health_dot,
            health_text,
            theme_button,
            clock,
        }
    }

    /// Show the window list (in the order windows were opened).
    pub fn set_windows(&mut self, windows: &[WindowInfo], apps: &[AppEntry]) {
        let mut ordered: Vec<WindowInfo> = windows.to_vec();
        ordered.sort_by_key(|window| window.id);
        if ordered == self.shown_tasks {
            return;
        }
        let ui = &mut self.surface.ui;
        ui.clear_children(self.tasks);
        for window in &ordered {
            let icon = icon_for(window, apps);
            let message = if window.focused && !window.minimized {
                Message::Minimize(window.id)
            } else {
                Message::Activate(window.id)
            };
            let title = if window.title.is_empty() { app_title(window, apps) } else { window.title.clone() };
            let mut button = PanelButton::new(icon, title, message).indicator(true).max_label(160.0);
            button.set_state(window.focused && !window.minimized, window.minimized);
            ui.add(self.tasks, button);
        }
        self.shown_tasks = ordered;
    }

    /// Update the clock text.
    pub fn set_clock(&mut self, text: &str) {
        self.surface.ui.update::<Text, _>(self.clock, |clock| clock.set_text(text));
    }

    /// Show service health: how many services are failing.
    pub fn set_health(&mut self, theme: &Theme, failing: &[String], running: usize) {
        let (color, text, ink) = match failing.len() {
            0 => (theme.palette.success, format!("{running} services"), Ink::Muted),
            1 => (theme.palette.danger, format!("{} failing", failing[0]), Ink::Danger),
            count => (theme.palette.danger, format!("{count} services failing"), Ink::Danger),
        };
        let ui = &mut self.surface.ui;
        ui.update::<Dot, _>(self.health_dot, |dot| dot.set_color(color));
        ui.update::<Text, _>(self.health_text, |label| {
            label.set_text(text);
            label.set_ink(ink);
        });
    }

    /// The theme changed: restyle, and flip the theme button's icon.
    pub fn set_theme(&mut self, theme: &Theme) {
        self.surface.set_theme(theme);
        let icon = theme_icon(theme);
        self.surface
            .ui
            .update::<PanelButton<Message>, _>(self.theme_button, |button| button.set_content(icon, ""));
    }

    /// Highlight the Apps button while the launcher is open.
    pub fn set_launcher_open(&mut self, open: bool) {
        self.surface
            .ui
            .update::<PanelButton<Message>, _>(self.apps_button, |button| button.set_state(open, false));
    }
}

/// The icon that offers the other theme.
fn theme_icon(theme: &Theme) -> &'static str {
    if theme.dark { "sun" } else { "moon" }
}

/// The kind of theme `theme` is.
pub fn kind_of(theme: &Theme) -> ThemeKind {
    if theme.dark { ThemeKind::Dark } else { ThemeKind::Light }
}

/// The icon of the app that owns `window`.
pub fn icon_for(window: &WindowInfo, apps: &[AppEntry]) -> String {
    apps.iter()
        .find(|app| app.name == window.owner)
        .map(|app| app.icon.clone())
        .unwrap_or_else(|| String::from("window"))
}

/// The title of the app that owns `window` (or its owner's name).
pub fn app_title(window: &WindowInfo, apps: &[AppEntry]) -> String {
    apps.iter()
        .find(|app| app.name == window.owner)
        .map(|app| app.title.clone())
        .unwrap_or_else(|| window.owner.clone())
}
