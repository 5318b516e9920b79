//! The Settings window: a sidebar of pages (Appearance, Display, About)
//! and the page shown. Independent of the window system, so tests drive
//! it headless.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::format::{bytes, count, duration};
use weft_app_support::status::StatusSource;
use weft_config_api::Value;
use weft_toolkit::prelude::*;
use weft_toolkit::widgets::Surface;

use crate::mark::Mark;
use crate::store::{SCALE_KEY, Store, THEME_KEY};
use crate::tile::ThemeTile;

/// Display scales offered, as factors.
pub const SCALE_RANGE: (f32, f32, f32) = (1.0, 2.0, 0.25);

/// What the window's widgets report.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A page was chosen in the sidebar.
    Page(Page),
    /// A theme tile was chosen.
    Theme(ThemeKind),
    /// The scale slider moved.
    Scale(f32),
}

/// The pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// Theme.
    Appearance,
    /// Display scale.
    Display,
    /// Version and live figures.
    About,
}

const PAGES: [(Page, &str, &str); 3] = [
    (Page::Appearance, "Appearance", "settings"),
    (Page::Display, "Display", "monitor"),
    (Page::About, "About", "info"),
];

/// The theme a setting names (light for anything else).
pub fn theme_named(value: Option<&Value>) -> ThemeKind {
    weft_app::theme_kind(value)
}

/// A scale setting as a factor (1.0 when unset or odd).
pub fn scale_of(value: Option<&Value>) -> f32 {
    match value {
        Some(Value::Float(scale)) if scale.is_finite() && *scale > 0.0 => *scale as f32,
        Some(Value::Int(scale)) if *scale > 0 => *scale as f32,
        _ => 1.0,
    }
}

fn percent_of(scale: f32) -> String {
    format!("{}%", (scale * 100.0 + 0.5) as u32)
}

struct AboutIds {
    version: WidgetId,
    uptime: WidgetId,
    memory: WidgetId,
    memory_bar: WidgetId,
    processes: WidgetId,
    services: WidgetId,
    objects: WidgetId,
    activity: WidgetId,
}

struct Ids {
    pages: Vec<(Page, WidgetId, WidgetId)>,
    light: WidgetId,
    dark: WidgetId,
    theme_note: WidgetId,
    scale: WidgetId,
    scale_value: WidgetId,
    scale_note: WidgetId,
    about: AboutIds,
}

/// The Settings app over a settings store and a status source.
pub struct Settings<C: Store, S: StatusSource> {
    store: C,
    status: S,
    page: Page,
    theme: ThemeKind,
    scale: f32,
    ids: Option<Ids>,
}

fn section(ui: &mut Ui<Message>, parent: WidgetId, title: &str, detail: &str) -> WidgetId {
    let card = ui.add(parent, Container::column().gap(10.0).padding(20.0).card());
    ui.add(card, Label::new(title).role(TextRole::Title));
    ui.add(card, Label::new(detail).muted());
    card
}

fn figure(ui: &mut Ui<Message>, parent: WidgetId, name: &str) -> WidgetId {
    let row = ui.add(parent, Container::row().gap(12.0));
    let label = ui.add(row, Label::new(name).muted());
    ui.adjust_layout(label, |style| style.width = Some(140.0));
    ui.add(row, Label::new("—").grow(1.0))
}

impl<C: Store, S: StatusSource> Settings<C, S> {
    /// Settings reading and writing `store`, with figures from `status`.
    pub fn new(store: C, status: S) -> Settings<C, S> {
        Settings { store, status, page: Page::Appearance, theme: ThemeKind::Light, scale: 1.0, ids: None }
    }

    /// The store.
    pub fn store_mut(&mut self) -> &mut C {
        &mut self.store
    }

    /// The status source.
    pub fn status_mut(&mut self) -> &mut S {
        &mut self.status
    }

    /// The page shown.
    pub fn page(&self) -> Page {
        self.page
    }

    /// The theme setting as last read or written.
    pub fn theme(&self) -> ThemeKind {
        self.theme
    }

    /// The scale setting as last read or written.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// Builds the window and reads the current settings.
    pub fn build(&mut self, ui: &mut Ui<Message>) {
        self.theme = if ui.theme().dark { ThemeKind::Dark } else { ThemeKind::Light };
        if let Ok(value) = self.store.get(THEME_KEY) {
            self.theme = theme_named(value.as_ref());
        }
        if let Ok(value) = self.store.get(SCALE_KEY) {
            self.scale = scale_of(value.as_ref());
        }
        let root = ui.root();
        let frame = ui.add(root, Container::row().grow(1.0).min_height(0.0));
        ui.adjust_layout(frame, |style| style.align_items = Align::Stretch);
        let sidebar = ui
            .add(frame, Container::column().gap(4.0).padding(12.0).width(216.0).surface(Surface::Alternate));
        let heading = ui.add(sidebar, Label::new("Settings").role(TextRole::Headline));
        ui.adjust_layout(heading, |style| {
            style.padding = Insets { top: 8.0, right: 8.0, bottom: 14.0, left: 8.0 }
        });
        let mut items = Vec::new();
        for (page, title, icon) in PAGES {
            let item = ui.add(
                sidebar,
                ListItem::new(title).icon(icon).selected(page == self.page).on_select(Message::Page(page)),
            );
            items.push((page, item));
        }
        let content = ui.add(frame, ScrollView::new().padding(28.0).gap(20.0));
        ui.adjust_layout(content, |style| style.min_width = Some(0.0));

        // Appearance.
        let appearance = ui.add(content, Container::column().gap(20.0));
        ui.add(appearance, Label::new("Appearance").role(TextRole::Headline));
        let card = section(ui, appearance, "Theme", "Every app and the desktop switch at once.");
        let tiles = ui.add(card, Container::row().gap(20.0));
        ui.adjust_layout(tiles, |style| style.padding.top = 6.0);
        let light = ui.add(
            tiles,
            ThemeTile::new(ThemeKind::Light, "Light").on_select(Message::Theme(ThemeKind::Light)),
        );
        let dark =
            ui.add(tiles, ThemeTile::new(ThemeKind::Dark, "Dark").on_select(Message::Theme(ThemeKind::Dark)));
        let theme_note = ui.add(card, Label::new("").role(TextRole::Small).color(ColorRole::Danger));
        ui.set_hidden(theme_note, true);

        // Display.
        let display = ui.add(content, Container::column().gap(20.0));
        ui.add(display, Label::new("Display").role(TextRole::Headline));
        let card = section(ui, display, "Scale", "Makes text and controls larger on dense screens.");
        let row = ui.add(card, Container::row().gap(16.0));
        let (min, max, step) = SCALE_RANGE;
        let scale = ui.add(row, Slider::new(min, max, self.scale).step(step).on_change(Message::Scale));
        ui.adjust_layout(scale, |style| style.grow = 1.0);
        let scale_value = ui.add(row, Label::new(percent_of(self.scale)).role(TextRole::Title));
        ui.adjust_layout(scale_value, |style| style.width = Some(64.0));
        let marks = ui.add(card, Container::row().justify(Align::SpaceBetween));
        ui.adjust_layout(marks, |style| style.padding.right = 80.0);
        for mark in ["100%", "125%", "150%", "175%", "200%"] {
            ui.add(marks, Label::new(mark).role(TextRole::Small).muted());
        }
        let scale_note = ui.add(card, Label::new("").role(TextRole::Small).color(ColorRole::Danger));
        ui.set_hidden(scale_note, true);

        // About.
        let about_page = ui.add(content, Container::column().gap(20.0));
        let banner = ui.add(about_page, Container::row().gap(16.0));
        ui.add(banner, Mark);
        let names = ui.add(banner, Container::column().gap(2.0));
        ui.add(names, Label::new("Weft").role(TextRole::Headline));
        let version = ui.add(names, Label::new("").muted());
        let card = ui.add(about_page, Container::column().gap(12.0).padding(20.0).card());
        ui.add(card, Label::new("This system").role(TextRole::Title));
        let uptime = figure(ui, card, "Running for");
        let memory = figure(ui, card, "Memory");
        let memory_bar = ui.add(card, ProgressBar::new(0.0));
        ui.set_hidden(memory_bar, true);
        let processes = figure(ui, card, "Processes");
        let services = figure(ui, card, "Services");
        let objects = figure(ui, card, "Kernel objects");
        let activity = figure(ui, card, "Since boot");
        ui.add(
            about_page,
            Label::new(
                "A capability operating system: every program holds only what its manifest grants it.",
            )
            .muted(),
        );

        let pages = items
            .iter()
            .zip([appearance, display, about_page])
            .map(|((page, item), container)| (*page, *item, container))
            .collect();
        self.ids = Some(Ids {
            pages,
            light,
            dark,
            theme_note,
            scale,
            scale_value,
            scale_note,
            about: AboutIds { version, uptime, memory, memory_bar, processes, services, objects, activity },
        });
        self.show_theme(ui);
        self.show_page(ui);
        self.refresh(ui);
    }

    /// Handles a message from the widgets.
    pub fn update(&mut self, ui: &mut Ui<Message>, message: Message) {
        match message {
            Message::Page(page) => {
                self.page = page;
                self.show_page(ui);
                if page == Page::About {
                    self.refresh(ui);
                }
            }
            Message::Theme(kind) => {
                let name = kind.name();
                let saved = self.store.set(THEME_KEY, Value::Text(String::from(name)));
                self.note(
                    ui,
                    |ids| ids.theme_note,
                    saved.as_ref().err().map(|error| format!("Not saved: {error}.")),
                );
                if saved.is_ok() {
                    self.theme = kind;
                    // Switch at once; the config watch confirms it later.
                    ui.set_theme(Theme::builtin(kind));
                    self.show_theme(ui);
                }
            }
            Message::Scale(scale) => {
                let saved = self.store.set(SCALE_KEY, Value::Float(f64::from(scale)));
                self.note(
                    ui,
                    |ids| ids.scale_note,
                    saved.as_ref().err().map(|error| format!("Not saved: {error}.")),
                );
                if saved.is_ok() {
                    self.scale = scale;
                }
                self.show_scale(ui);
            }
        }
    }

    /// A setting changed elsewhere (another app, the shell).
    pub fn changed(&mut self, ui: &mut Ui<Message>, key: &str, value: Option<&Value>) {
        match key {
            THEME_KEY => {
                self.theme = theme_named(value);
                if ui.theme().dark != (self.theme == ThemeKind::Dark) {
                    ui.set_theme(Theme::builtin(self.theme));
                }
                self.show_theme(ui);
            }
            SCALE_KEY => {
                self.scale = scale_of(value);
                self.show_scale(ui);
            }
            _ => {}
        }
    }

    fn note(&mut self, ui: &mut Ui<Message>, which: impl Fn(&Ids) -> WidgetId, text: Option<String>) {
        let Some(ids) = &self.ids else { return };
        let label = which(ids);
        ui.set_hidden(label, text.is_none());
        if let Some(text) = text {
            ui.update::<Label, _>(label, |label| label.set_text(text));
        }
    }

    fn show_page(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        for (page, item, container) in &ids.pages {
            let shown = *page == self.page;
            ui.update::<ListItem<Message>, _>(*item, |item| item.set_selected(shown));
            ui.set_hidden(*container, !shown);
        }
    }

    fn show_theme(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let dark = self.theme == ThemeKind::Dark;
        ui.update::<ThemeTile<Message>, _>(ids.light, |tile| tile.set_selected(!dark));
        ui.update::<ThemeTile<Message>, _>(ids.dark, |tile| tile.set_selected(dark));
    }

    fn show_scale(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let scale = self.scale;
        ui.update::<Slider<Message>, _>(ids.scale, |slider| slider.set_value(scale));
        ui.update::<Label, _>(ids.scale_value, |label| label.set_text(percent_of(scale)));
    }

    /// Reads the live figures of the About page (the app calls this every
    /// second while the page shows).
    pub fn refresh(&mut self, ui: &mut Ui<Message>) {
        if self.page != Page::About {
            return;
        }
        let Some(ids) = &self.ids else { return };
        let about = &ids.about;
        let system = match self.status.system() {
            Ok(system) => system,
            Err(error) => {
                ui.update::<Label, _>(about.version, |label| {
                    label.set_text(format!("Figures unavailable: {error}"))
                });
                return;
            }
        };
        let version = format!("Version {} · {}", system.version, system.platform);
        ui.update::<Label, _>(about.version, |label| label.set_text(version));
        ui.update::<Label, _>(about.uptime, |label| label.set_text(duration(system.uptime)));
        let memory = if system.memory_total > 0 {
            format!("{} of {} in use", bytes(system.memory_used), bytes(system.memory_total))
        } else {
            format!("{} in use", bytes(system.memory_used))
        };
        ui.update::<Label, _>(about.memory, |label| label.set_text(memory));
        ui.set_hidden(about.memory_bar, system.memory_total == 0);
        if system.memory_total > 0 {
            let fraction = system.memory_used as f32 / system.memory_total as f32;
            ui.update::<ProgressBar, _>(about.memory_bar, |bar| bar.set_value(fraction));
        }
        let processes = format!("{} processes, {} threads", count(system.processes), count(system.threads));
        ui.update::<Label, _>(about.processes, |label| label.set_text(processes));
        let services = format!("{} of {} running", system.services_running, system.services_total);
        ui.update::<Label, _>(about.services, |label| label.set_text(services));
        ui.update::<Label, _>(about.objects, |label| label.set_text(count(system.objects)));
        let activity =
            format!("{} system calls, {} messages", count(system.syscalls), count(system.messages));
        ui.update::<Label, _>(about.activity, |label| label.set_text(activity));
    }
}
