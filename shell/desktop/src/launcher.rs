//! The launcher: a card over a dimmed desktop with a search field and a
//! grid of installed apps. Typing filters by title, name and keywords;
//! the arrow keys move the selection, Enter opens it, Escape or a click
//! outside closes the launcher. It holds the keyboard while open.

use alloc::string::String;
use alloc::vec::Vec;
use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_root_api::AppEntry;
use weft_text::TextStyle;
use weft_theme::Theme;
use weft_toolkit::weft_types::{Key, KeyEvent, KeyState};
use weft_toolkit::widgets::{Container, TextField};
use weft_toolkit::{Align, WidgetId};

use crate::message::Message;
use crate::surface::ShellSurface;
use crate::widgets::{AppTile, Backdrop, Card, Ink, Text};

/// Tiles per row.
pub const COLUMNS: usize = 4;
const TILE_GAP: f32 = 8.0;
const PADDING: f32 = 22.0;

/// What a key press asks of the shell.
#[derive(Debug, PartialEq)]
pub enum KeyOutcome {
    /// Nothing more.
    Handled,
    /// Launch this app.
    Launch(String),
    /// Close the launcher.
    Close,
    /// Not a navigation key: give it to the search field.
    Search,
}

/// Whether `app` matches the search `query` (case-insensitive, every
/// word must prefix-match a word of the title, the name or a keyword, or
/// appear inside the title).
pub fn matches(app: &AppEntry, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return true;
    }
    let title = app.title.to_lowercase();
    let mut words: Vec<String> = title.split_whitespace().map(String::from).collect();
    words.push(app.name.to_lowercase());
    words.push(app.category.to_lowercase());
    words.extend(app.keywords.iter().map(|keyword| keyword.to_lowercase()));
    query
        .split_whitespace()
        .all(|part| title.contains(part) || words.iter().any(|word| word.starts_with(part)))
}

/// The launcher surface and its state.
pub struct Launcher {
    /// Its surface.
    pub surface: ShellSurface<Message>,
    search: WidgetId,
    grid: WidgetId,
    empty: WidgetId,
    tiles: Vec<(String, WidgetId)>,
    query: String,
    selected: usize,
}

impl Launcher {
    /// A full-screen overlay that holds the keyboard.
    pub fn role() -> LayerRole {
        LayerRole {
            layer: Layer::Overlay,
            anchor: Anchor::TOP | Anchor::BOTTOM | Anchor::LEFT | Anchor::RIGHT,
            size: Size::new(0, 0),
            exclusive_zone: 0,
            margin: 0,
            keyboard: KeyboardInteractivity::Exclusive,
        }
    }

    /// Build the launcher's widgets.
    pub fn new(theme: &Theme) -> Launcher {
        let mut surface = ShellSurface::new(theme);
        surface.intercept_keys = true;
        let ui = &mut surface.ui;
        ui.adjust_layout(ui.root(), |style| style.fill_height = true);
        let backdrop = ui.add(ui.root(), Backdrop::new(Message::CloseLauncher, 0.9));
        let width =
            COLUMNS as f32 * crate::widgets::tile::TILE + (COLUMNS as f32 - 1.0) * TILE_GAP + PADDING * 2.0;
        let card = ui.add(backdrop, Card::new(Some(width), PADDING, 14.0));
        let title = TextStyle::sans(theme.typography.title_size).semibold();
        ui.add(card, Text::new("Applications", title));
        let search = ui.add(card, TextField::new().placeholder("Search apps").on_change(Message::Search));
        let grid = ui.add(card, Container::grid(COLUMNS as u16).gap(TILE_GAP));
        let empty = ui
            .add(card, Text::new("", TextStyle::sans(theme.typography.body_size)).ink(Ink::Muted).centered());
        ui.adjust_layout(empty, |style| style.min_height = Some(120.0));
        ui.set_hidden(empty, true);
        let hint = TextStyle::sans(theme.typography.small_size);
        let footer = ui.add(card, Container::row().justify(Align::Center));
        ui.add(footer, Text::new("Arrow keys to move · Enter to open · Esc to close", hint).ink(Ink::Muted));
        Launcher { surface, search, grid, empty, tiles: Vec::new(), query: String::new(), selected: 0 }
    }

    /// Reset for opening: clear the search, select the first app, focus
    /// the field.
    pub fn reset(&mut self, apps: &[AppEntry]) {
        self.query.clear();
        self.surface.ui.update::<TextField<Message>, _>(self.search, |field| field.set_value(""));
        self.selected = 0;
        self.set_apps(apps);
        self.surface.ui.set_focus(Some(self.search));
    }

    /// The search text changed.
    pub fn set_query(&mut self, query: String, apps: &[AppEntry]) {
        self.query = query;
        self.selected = 0;
        self.set_apps(apps);
    }

    /// Show the apps matching the search.
    pub fn set_apps(&mut self, apps: &[AppEntry]) {
        let mut shown: Vec<&AppEntry> = apps.iter().filter(|app| matches(app, &self.query)).collect();
        shown.sort_by_key(|app| app.title.to_lowercase());
        let ui = &mut self.surface.ui;
        ui.clear_children(self.grid);
        self.tiles.clear();
        for app in &shown {
            let tile = AppTile::new(&app.name, &app.title, &app.icon, Message::Launch(app.name.clone()))
                .running(app.running);
            let id = ui.add(self.grid, tile);
            self.tiles.push((app.name.clone(), id));
        }
        self.selected = self.selected.min(self.tiles.len().saturating_sub(1));
        let message = if apps.is_empty() {
            String::from("No apps are installed")
        } else {
            alloc::format!("No apps match “{}”", self.query.trim())
        };
        ui.update::<Text, _>(self.empty, |text| text.set_text(message));
        ui.set_hidden(self.empty, !self.tiles.is_empty());
        ui.set_hidden(self.grid, self.tiles.is_empty());
        self.mark_selection();
    }

    fn mark_selection(&mut self) {
        for (index, (_, id)) in self.tiles.iter().enumerate() {
            let selected = index == self.selected;
            let ui = &mut self.surface.ui;
            if ui.get::<AppTile<Message>>(*id).is_some_and(|tile| tile.is_selected() != selected) {
                ui.update::<AppTile<Message>, _>(*id, |tile| tile.set_selected(selected));
            }
        }
    }

    /// The app the selection is on.
    pub fn selection(&self) -> Option<&str> {
        self.tiles.get(self.selected).map(|(name, _)| name.as_str())
    }

    /// Navigation keys; others go to the search field.
    pub fn key(&mut self, key: &KeyEvent) -> KeyOutcome {
        if key.state == KeyState::Released {
            return KeyOutcome::Search;
        }
        let count = self.tiles.len();
        let move_to = |launcher: &mut Launcher, index: usize| {
            launcher.selected = index;
            launcher.mark_selection();
            KeyOutcome::Handled
        };
        match key.key {
            Key::ESC => KeyOutcome::Close,
            Key::ENTER | Key::KP_ENTER => match self.selection() {
                Some(name) => KeyOutcome::Launch(String::from(name)),
                None => KeyOutcome::Handled,
            },
            _ if count == 0 => KeyOutcome::Search,
            Key::RIGHT => move_to(self, (self.selected + 1).min(count - 1)),
            Key::LEFT => move_to(self, self.selected.saturating_sub(1)),
            Key::DOWN => move_to(self, (self.selected + COLUMNS).min(count - 1)),
            Key::UP => move_to(self, self.selected.saturating_sub(COLUMNS)),
            Key::TAB => move_to(self, (self.selected + 1) % count),
            _ => KeyOutcome::Search,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn app(name: &str, title: &str, keywords: &[&str]) -> AppEntry {
        AppEntry {
            name: name.into(),
            title: title.into(),
            icon: name.into(),
            category: "System".into(),
            keywords: keywords.iter().map(|k| String::from(*k)).collect(),
            running: false,
        }
    }

    #[test]
    fn search_matches_titles_names_and_keywords() {
        let terminal = app("terminal", "Terminal", &["shell", "console"]);
        let monitor = app("monitor", "System Monitor", &["processes"]);
        assert!(matches(&terminal, ""));
        assert!(matches(&terminal, "term"));
        assert!(matches(&terminal, "CONS"));
        assert!(!matches(&terminal, "files"));
        assert!(matches(&monitor, "mon"));
        assert!(matches(&monitor, "system proc"));
        assert!(matches(&monitor, "onito"), "inside the title");
        assert!(!matches(&monitor, "system files"));
        let _ = vec![terminal, monitor];
    }
}
