//! The window switcher: Alt+Tab shows the open windows, most recently
//! used first, as tiles in a card in the middle of the screen; each
//! further Tab (Shift+Tab: back) moves the selection, releasing Alt
//! activates it, Escape cancels. The compositor recognises the keys and
//! forwards them as shortcuts; the switcher never takes the keyboard.

use alloc::string::String;
use alloc::vec::Vec;
use weft_compositor_api::shell::{WindowId, WindowInfo};
use weft_compositor_api::{Anchor, KeyboardInteractivity, Layer, LayerRole, Size};
use weft_root_api::AppEntry;
use weft_text::TextStyle;
use weft_theme::Theme;
use weft_toolkit::widgets::Container;
use weft_toolkit::{Align, WidgetId};

use crate::message::Message;
use crate::panel::{app_title, icon_for};
use crate::surface::ShellSurface;
use crate::widgets::tile::TILE;
use crate::widgets::{AppTile, Card, Text};

/// Most windows shown at once.
pub const MAX_TILES: usize = 8;
const GAP: f32 = 8.0;
const PADDING: f32 = 18.0;
/// Room around the card for its shadow.
const MARGIN: f32 = 48.0;

/// The switcher.
pub struct Switcher {
    /// Its surface.
    pub surface: ShellSurface<Message>,
    card: WidgetId,
    windows: Vec<WindowId>,
    tiles: Vec<WidgetId>,
    title: Option<WidgetId>,
    titles: Vec<String>,
    selected: usize,
}

impl Switcher {
    /// An empty, hidden switcher.
    pub fn new(theme: &Theme) -> Switcher {
        let mut surface = ShellSurface::new(theme);
        let ui = &mut surface.ui;
        ui.adjust_layout(ui.root(), |style| {
            style.fill_height = true;
            style.align_items = Align::Center;
            style.justify = Align::Center;
        });
        let card = ui.add(ui.root(), Card::new(None, PADDING, 12.0));
        Switcher {
            surface,
            card,
            windows: Vec::new(),
            tiles: Vec::new(),
            title: None,
            titles: Vec::new(),
            selected: 0,
        }
    }

    /// Whether it is showing.
    pub fn is_open(&self) -> bool {
        self.surface.is_shown()
    }

    /// Fill with `windows` (bottom first, as the compositor lists them)
    /// and return the layer role sized for them; `None` if there is
    /// nothing to switch to.
    pub fn open(
        &mut self,
        windows: &[WindowInfo],
        apps: &[AppEntry],
        theme: &Theme,
        backwards: bool,
    ) -> Option<LayerRole> {
        // Topmost (most recently focused) first.
        let mut order: Vec<&WindowInfo> = windows.iter().rev().collect();
        order.sort_by_key(|window| window.minimized);
        order.truncate(MAX_TILES);
        if order.is_empty() {
            return None;
        }
        let ui = &mut self.surface.ui;
        ui.clear_children(self.card);
        let row = ui.add(self.card, Container::row().gap(GAP).justify(Align::Center));
        self.windows.clear();
        self.tiles.clear();
        self.titles.clear();
        for window in &order {
            let title = if window.title.is_empty() { app_title(window, apps) } else { window.title.clone() };
            let tile = AppTile::new(
                &window.owner,
                app_title(window, apps),
                icon_for(window, apps),
                Message::Activate(window.id),
            );
            self.tiles.push(ui.add(row, tile));
            self.windows.push(window.id);
            self.titles.push(title);
        }
        let style = TextStyle::sans(theme.typography.body_size).semibold();
        self.title = Some(ui.add(self.card, Text::new("", style).centered()));
        let count = self.windows.len();
        self.selected = match (count, backwards) {
            (1, _) => 0,
            (_, false) => 1,
            (_, true) => count - 1,
        };
        self.mark();
        let width = count as f32 * TILE + (count as f32 - 1.0) * GAP + PADDING * 2.0;
        let width = width.max(320.0) + MARGIN * 2.0;
        let height = TILE + 12.0 + 22.0 + PADDING * 2.0 + MARGIN * 2.0;
        Some(LayerRole {
            layer: Layer::Overlay,
            anchor: Anchor::empty(),
            size: Size::new(width as u32, height as u32),
            exclusive_zone: 0,
            margin: 0,
            keyboard: KeyboardInteractivity::None,
        })
    }

    fn mark(&mut self) {
        let ui = &mut self.surface.ui;
        for (index, id) in self.tiles.iter().enumerate() {
            let selected = index == self.selected;
            ui.update::<AppTile<Message>, _>(*id, |tile| tile.set_selected(selected));
        }
        if let (Some(title), Some(text)) = (self.title, self.titles.get(self.selected)) {
            let text = text.clone();
            ui.update::<Text, _>(title, |label| label.set_text(text));
        }
    }

    /// Move the selection forwards or backwards.
    pub fn step(&mut self, backwards: bool) {
        let count = self.windows.len();
        if count == 0 {
            return;
        }
        self.selected =
            if backwards { (self.selected + count - 1) % count } else { (self.selected + 1) % count };
        self.mark();
    }

    /// The selected window.
    pub fn selection(&self) -> Option<WindowId> {
        self.windows.get(self.selected).copied()
    }
}
