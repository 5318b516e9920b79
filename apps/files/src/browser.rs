//! The browser: where it is, where it has been, and the widgets showing
//! it. Independent of the window system, so tests drive it headless.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::format::bytes;
use weft_app_support::tree::{is_text, name_of, parent_of};
use weft_app_support::{EntryKind, FileTree, TreeEntry};
use weft_toolkit::prelude::*;
use weft_toolkit::widgets::{DataRow, IconButton, Navigation, Surface, TableHeader, arrow_up};

use crate::document::DocumentView;
use crate::listing::{self, SortKey};
use crate::places::{DOCUMENTS, Places};

/// What the window's widgets report.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Back in the history.
    Back,
    /// Forward in the history.
    Forward,
    /// To the parent folder.
    Up,
    /// To a folder named in the path bar.
    Go(String),
    /// A row was clicked.
    Select(usize),
    /// A row was opened (double click, tap, Enter).
    Open(usize),
    /// A navigation key on a row or the document.
    Navigate(Navigation),
    /// A column header was clicked.
    Sort(usize),
    /// The monospace switch changed.
    Monospace(bool),
    /// Ask for a new folder's name.
    NewFolder,
    /// Ask for a new text file's name.
    NewFile,
    /// Ask for the selected entry's new name.
    Rename,
    /// Delete the selected entry.
    Delete,
    /// The name being typed.
    NameChanged(String),
    /// The name is done (Enter or OK).
    NameSubmit,
    /// No name after all.
    NameCancel,
    /// The text in the editor changed.
    Edited(String),
    /// Save the file being edited.
    Save,
}

/// Where the browser is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// Listing a folder.
    Folder(String),
    /// Reading a file.
    File(String),
}

impl Location {
    /// The absolute path.
    pub fn path(&self) -> &str {
        match self {
            Location::Folder(path) | Location::File(path) => path,
        }
    }
}

/// Ids of the widgets the browser changes.
pub(crate) struct Ids {
    back: WidgetId,
    forward: WidgetId,
    up: WidgetId,
    pub(crate) path: WidgetId,
    monospace: WidgetId,
    folder_page: WidgetId,
    header_box: WidgetId,
    /// The header and whether it has the Modified column.
    header: (WidgetId, bool),
    list: WidgetId,
    document_page: WidgetId,
    document: WidgetId,
    pub(crate) status: WidgetId,
    pub(crate) edit: crate::edit::EditIds,
}

/// Rows on a page for Page Up and Page Down.
const PAGE_ROWS: usize = 10;

/// The file browser.
pub struct Browser {
    pub(crate) places: Places,
    location: Location,
    back: Vec<Location>,
    forward: Vec<Location>,
    pub(crate) entries: Vec<TreeEntry>,
    pub(crate) selected: Option<usize>,
    sort: (SortKey, bool),
    monospace: bool,
    rows: Vec<WidgetId>,
    pub(crate) ids: Option<Ids>,
    /// What the name prompt is for, while it is open.
    pub(crate) prompt: Option<crate::edit::Prompt>,
    /// The name typed so far.
    pub(crate) name: String,
    /// The document in the editor, while one is open for editing.
    pub(crate) editing: Option<crate::edit::Editing>,
    /// The last error, shown in the window until the next action.
    pub(crate) error: Option<String>,
}

impl Browser {
    /// A browser at the root of `tree` (the system's files only).
    pub fn new(tree: FileTree) -> Browser {
        Browser::with_places(Places::new(tree, None))
    }

    /// A browser over `places`, in the documents if there are any.
    pub fn with_places(places: Places) -> Browser {
        let start = if places.has_documents() { DOCUMENTS } else { "/" };
        Browser {
            places,
            location: Location::Folder(String::from(start)),
            back: Vec::new(),
            forward: Vec::new(),
            entries: Vec::new(),
            selected: None,
            sort: (SortKey::Name, true),
            monospace: false,
            rows: Vec::new(),
            ids: None,
            prompt: None,
            name: String::new(),
            editing: None,
            error: None,
        }
    }

    /// The places it shows (to read what the window wrote).
    pub fn places(&mut self) -> &mut Places {
        &mut self.places
    }

    /// The last error shown in the window.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Where the browser is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The entries of the folder shown (or last shown).
    pub fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    /// The selected row.
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// The row widgets, in order.
    pub fn rows(&self) -> &[WidgetId] {
        &self.rows
    }

    /// The edit widgets (toolbar buttons, name prompt, editor).
    pub(crate) fn edit_ids(&self) -> Option<&crate::edit::EditIds> {
        self.ids.as_ref().map(|ids| &ids.edit)
    }

    /// The pages the editor replaces, and the monospace switch.
    pub(crate) fn page_ids(&self) -> Option<(WidgetId, WidgetId, WidgetId)> {
        self.ids.as_ref().map(|ids| (ids.folder_page, ids.document_page, ids.monospace))
    }

    /// Where the browser is, changeable by the edit actions.
    pub(crate) fn location_mut(&mut self) -> &mut Location {
        &mut self.location
    }

    /// Show the current location again (after a change), selecting the
    /// entry at `path` if there is one.
    pub(crate) fn refresh(&mut self, ui: &mut Ui<Message>, path: Option<&str>) {
        self.show(ui, path);
    }

    /// Whether the document shown can be changed and is not saved.
    pub fn has_unsaved_changes(&self) -> bool {
        self.editing.as_ref().is_some_and(crate::edit::Editing::changed)
    }

    /// The document widget.
    pub fn document(&self) -> Option<WidgetId> {
        self.ids.as_ref().map(|ids| ids.document)
    }

    /// The window title for the current location.
    pub fn title(&self) -> String {
        match self.location.path() {
            "/" => String::from("Files"),
            path => format!("{} — Files", name_of(path)),
        }
    }

    /// Builds the window's widgets and shows the root folder.
    pub fn build(&mut self, ui: &mut Ui<Message>) {
        let root = ui.root();
        let toolbar = ui.add(
            root,
            Container::row().gap(2.0).padding_insets(Insets::symmetric(6.0, 8.0)).surface(Surface::Alternate),
        );
        let back = ui.add(toolbar, IconButton::new("back").label("Back").on_click(Message::Back));
        let forward = ui.add(toolbar, IconButton::new("forward").label("Forward").on_click(Message::Forward));
        let up = ui.add(toolbar, IconButton::custom(arrow_up()).label("Up").on_click(Message::Up));
        let path = ui.add(toolbar, Container::row().gap(0.0).grow(1.0).min_width(0.0));
        ui.adjust_layout(path, |style| style.padding.left = 8.0);
        let monospace = ui.add(toolbar, Switch::new("Monospace").on_toggle(Message::Monospace));
        ui.adjust_layout(monospace, |style| style.width = Some(150.0));
        let edit_buttons = crate::edit::build_toolbar(ui, root);
        let prompt = crate::edit::build_prompt(ui, root);

        let body = ui.add(root, Container::column().grow(1.0).min_height(0.0));
        let folder_page = ui.add(body, Container::column().grow(1.0).min_height(0.0));
        // Inset like the rows inside the list's padding, so columns line up.
        let header_box = ui.add(folder_page, Container::column().padding_insets(Insets::symmetric(0.0, 8.0)));
        let header = ui.add(header_box, TableHeader::new(&listing::columns(false)).on_sort(Message::Sort));
        let list = ui.add(folder_page, ScrollView::new().padding(8.0).gap(2.0));
        let document_page = ui.add(body, Container::column().grow(1.0).min_height(0.0));
        let document = ui.add(document_page, DocumentView::new().on_navigate(Message::Navigate));
        let editor = crate::edit::build_editor(ui, body);

        let status_bar = ui.add(
            root,
            Container::row().padding_insets(Insets::symmetric(5.0, 14.0)).surface(Surface::Alternate),
        );
        let status = ui.add(status_bar, Label::new("").role(TextRole::Small).muted().ellipsis().grow(1.0));
        let error =
            ui.add(status_bar, Label::new("").role(TextRole::Small).color(ColorRole::Danger).ellipsis());
        self.ids = Some(Ids {
            back,
            forward,
            up,
            path,
            monospace,
            folder_page,
            header_box,
            header: (header, false),
            list,
            document_page,
            document,
            status,
            edit: crate::edit::EditIds { buttons: edit_buttons, prompt, editor, error },
        });
        self.show(ui, None);
    }

    /// Handles a message from the widgets.
    pub fn update(&mut self, ui: &mut Ui<Message>, message: Message) {
        if !matches!(message, Message::NameChanged(_) | Message::Edited(_)) {
            self.error = None;
        }
        if self.stops_leaving(&message) || self.edit(ui, &message) {
            self.update_status(ui);
            return;
        }
        match message {
            Message::Back => self.back(ui),
            Message::Forward => self.forward(ui),
            Message::Up => self.up(ui),
            Message::Go(path) => self.go(ui, Location::Folder(path)),
            Message::Select(index) => self.select(ui, Some(index), false),
            Message::Open(index) => self.open(ui, index),
            Message::Navigate(navigation) => self.navigate(ui, navigation),
            Message::Sort(column) => {
                let key = SortKey::of_column(column);
                self.sort =
                    if self.sort.0 == key { (key, !self.sort.1) } else { (key, key == SortKey::Name) };
                let selected =
                    self.selected.and_then(|index| self.entries.get(index)).map(|e| e.path.clone());
                self.show(ui, selected.as_deref());
            }
            Message::NewFolder
            | Message::NewFile
            | Message::Rename
            | Message::Delete
            | Message::NameChanged(_)
            | Message::NameSubmit
            | Message::NameCancel
            | Message::Edited(_)
            | Message::Save => {}
            Message::Monospace(on) => {
                self.monospace = on;
                if let Some(ids) = &self.ids {
                    ui.update::<DocumentView<Message>, _>(ids.document, |document| {
                        document.set_monospace(on)
                    });
                }
            }
        }
    }

    fn navigate(&mut self, ui: &mut Ui<Message>, navigation: Navigation) {
        let count = self.entries.len();
        let current = self.selected;
        let target = match navigation {
            Navigation::Back => return self.back(ui),
            Navigation::Forward => return self.forward(ui),
            Navigation::Parent => return self.up(ui),
            _ if count == 0 => return,
            Navigation::Previous => current.map_or(0, |index| index.saturating_sub(1)),
            Navigation::Next => current.map_or(0, |index| (index + 1).min(count - 1)),
            Navigation::PageUp => current.map_or(0, |index| index.saturating_sub(PAGE_ROWS)),
            Navigation::PageDown => current.map_or(0, |index| (index + PAGE_ROWS).min(count - 1)),
            Navigation::First => 0,
            Navigation::Last => count - 1,
        };
        self.select(ui, Some(target), true);
    }

    /// Selects row `index`; `focus` moves keyboard focus to it.
    fn select(&mut self, ui: &mut Ui<Message>, index: Option<usize>, focus: bool) {
        if let Some(old) = self.selected.and_then(|old| self.rows.get(old)) {
            ui.update::<DataRow<Message>, _>(*old, |row| row.set_selected(false));
        }
        self.selected = index.filter(|index| *index < self.rows.len());
        if let Some(row) = self.selected.map(|index| self.rows[index]) {
            ui.update::<DataRow<Message>, _>(row, |row| row.set_selected(true));
            if focus {
                ui.set_focus(Some(row));
                ui.reveal(row);
            }
        }
        self.update_status(ui);
    }

    fn open(&mut self, ui: &mut Ui<Message>, index: usize) {
        let Some(entry) = self.entries.get(index) else { return };
        let location = match entry.kind {
            EntryKind::Directory => Location::Folder(entry.path.clone()),
            EntryKind::File => Location::File(entry.path.clone()),
        };
        self.go(ui, location);
    }

    /// Goes to `location`, remembering where it was.
    fn go(&mut self, ui: &mut Ui<Message>, location: Location) {
        if location == self.location {
            return;
        }
        let previous = core::mem::replace(&mut self.location, location);
        self.back.push(previous.clone());
        self.forward.clear();
        self.show(ui, Some(previous.path()));
    }

    fn back(&mut self, ui: &mut Ui<Message>) {
        if let Some(location) = self.back.pop() {
            let previous = core::mem::replace(&mut self.location, location);
            self.forward.push(previous.clone());
            self.show(ui, Some(previous.path()));
        }
    }

    fn forward(&mut self, ui: &mut Ui<Message>) {
        if let Some(location) = self.forward.pop() {
            let previous = core::mem::replace(&mut self.location, location);
            self.back.push(previous.clone());
            self.show(ui, Some(previous.path()));
        }
    }

    fn up(&mut self, ui: &mut Ui<Message>) {
        if let Some(parent) = parent_of(self.location.path()) {
            self.go(ui, Location::Folder(parent));
        }
    }

    /// Shows the current location; in a folder, selects the entry that
    /// leads towards `came_from` (the folder or file just left).
    fn show(&mut self, ui: &mut Ui<Message>, came_from: Option<&str>) {
        let Some(ids) = &self.ids else { return };
        let (back, forward, up) = (ids.back, ids.forward, ids.up);
        ui.set_enabled(back, !self.back.is_empty());
        ui.set_enabled(forward, !self.forward.is_empty());
        ui.set_enabled(up, self.location.path() != "/");
        self.rebuild_path(ui);
        self.editing = None;
        crate::edit::show_controls(self, ui);
        match self.location.clone() {
            Location::Folder(path) => self.show_folder(ui, &path, came_from),
            Location::File(path) => self.show_file(ui, &path),
        }
        self.update_status(ui);
    }

    fn show_folder(&mut self, ui: &mut Ui<Message>, path: &str, came_from: Option<&str>) {
        let Some(ids) = &self.ids else { return };
        let (folder_page, document_page, monospace, list) =
            (ids.folder_page, ids.document_page, ids.monospace, ids.list);
        ui.set_hidden(folder_page, false);
        ui.set_hidden(document_page, true);
        ui.set_hidden(monospace, true);
        let mut entries = match self.places.list(path) {
            Ok(entries) => entries,
            Err(error) => {
                self.error = Some(format!("{path}: {error}"));
                Vec::new()
            }
        };
        let (key, ascending) = self.sort;
        listing::sort(&mut entries, &self.places, key, ascending);
        // Documents have times; the system's files do not.
        let dated = self.places.writable(path);
        if let Some(header) = self.header(ui, dated) {
            ui.update::<TableHeader<Message>, _>(header, |header| {
                header.set_sort(Some((key.column(), ascending)))
            });
        }
        ui.clear_children(list);
        let columns = listing::columns(dated);
        self.rows = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let icon = if entry.kind == EntryKind::Directory { "folder" } else { "file" };
                ui.add(
                    list,
                    DataRow::new(&columns, listing::cells(entry, &self.places, dated))
                        .icon(icon)
                        .muted_from(1)
                        .on_select(Message::Select(index))
                        .on_activate(Message::Open(index))
                        .on_navigate(Message::Navigate),
                )
            })
            .collect();
        ui.update::<ScrollView, _>(list, |list| list.scroll_to(0.0));
        // Select what leads back to where we came from, else the first row.
        let towards = came_from.and_then(|from| {
            entries
                .iter()
                .position(|entry| from == entry.path || from.starts_with(&format!("{}/", entry.path)))
        });
        self.entries = entries;
        self.selected = None;
        let target = towards.or((!self.entries.is_empty()).then_some(0));
        self.select(ui, target, true);
    }

    /// The listing's header, with the Modified column if `dated` (made
    /// again when that changes).
    fn header(&mut self, ui: &mut Ui<Message>, dated: bool) -> Option<WidgetId> {
        let ids = self.ids.as_mut()?;
        if ids.header.1 != dated {
            ui.clear_children(ids.header_box);
            let header = TableHeader::new(&listing::columns(dated)).on_sort(Message::Sort);
            ids.header = (ui.add(ids.header_box, header), dated);
        }
        Some(ids.header.0)
    }

    fn show_file(&mut self, ui: &mut Ui<Message>, path: &str) {
        let Some(ids) = &self.ids else { return };
        let (folder_page, document_page, monospace_switch, document) =
            (ids.folder_page, ids.document_page, ids.monospace, ids.document);
        ui.set_hidden(folder_page, true);
        ui.set_hidden(document_page, false);
        ui.set_hidden(monospace_switch, false);
        let contents = match self.places.read(path) {
            Ok(contents) => contents,
            Err(error) => {
                self.error = Some(format!("{}: {error}", name_of(path)));
                Vec::new()
            }
        };
        if self.places.writable(path) && is_text(&contents) {
            let text = String::from(core::str::from_utf8(&contents).unwrap_or_default());
            return crate::edit::open_editor(self, ui, text);
        }
        let text = if is_text(&contents) {
            String::from(core::str::from_utf8(&contents).unwrap_or_default())
        } else {
            format!(
                "{} holds {} of binary data, which cannot be shown as text.",
                name_of(path),
                bytes(contents.len() as u64)
            )
        };
        self.monospace = listing::prefers_monospace(path);
        let monospace = self.monospace;
        ui.update::<Switch<Message>, _>(monospace_switch, |switch| switch.set_on(monospace));
        ui.update::<DocumentView<Message>, _>(document, |view| {
            view.set_text(text);
            view.set_monospace(monospace);
        });
        ui.set_focus(Some(document));
    }
}
