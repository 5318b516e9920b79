//! Changing documents: new folder, new text file, rename, delete (through a
//! prompt that asks for the name, or whether to delete), and the text
//! editor that saves a file and holds on to unsaved changes once. Every
//! failure becomes the window's error line; nothing here panics.

use alloc::format;
use alloc::string::String;

use weft_app_support::EntryKind;
use weft_app_support::tree::{name_of, parent_of};
use weft_toolkit::prelude::*;
use weft_toolkit::widgets::{Navigation, Surface};

use crate::browser::{Browser, Location, Message};

/// What the name prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// A new folder in the current one.
    NewFolder,
    /// A new, empty text file in the current folder, opened for editing.
    NewFile,
    /// A new name for the entry at this path.
    Rename(String),
    /// Whether to delete the entry at this path.
    Delete(String),
}

/// A document open in the editor.
#[derive(Clone, Debug, Default)]
pub(crate) struct Editing {
    /// The text in the editor.
    pub text: String,
    /// The text as it is in the store.
    pub saved: String,
    /// Whether Save has written it since it was opened.
    pub wrote: bool,
    /// Whether the window has warned about unsaved changes, so that going
    /// again drops them.
    pub may_leave: bool,
}

impl Editing {
    /// Whether the text differs from the stored file.
    pub fn changed(&self) -> bool {
        self.text != self.saved
    }
}

/// The action bar under the toolbar and its buttons.
pub struct EditButtons {
    pub bar: WidgetId,
    pub new_folder: WidgetId,
    pub new_file: WidgetId,
    pub rename: WidgetId,
    pub delete: WidgetId,
    pub save: WidgetId,
}

/// The prompt: its row, what it asks, the name field, the OK button.
pub struct PromptIds {
    pub row: WidgetId,
    pub label: WidgetId,
    pub field: WidgetId,
    pub ok: WidgetId,
}

/// Every widget this module changes.
pub struct EditIds {
    pub buttons: EditButtons,
    pub prompt: PromptIds,
    /// The editor page and its text field.
    pub editor: (WidgetId, WidgetId),
    /// The error line.
    pub error: WidgetId,
}

/// The action bar (shown in the documents), under the toolbar in `root`.
pub fn build_toolbar(ui: &mut Ui<Message>, root: WidgetId) -> EditButtons {
    let flat = |label: &str, message: Message| Button::new(label).kind(ButtonKind::Flat).on_click(message);
    let toolbar = ui.add(
        root,
        Container::row().gap(4.0).padding_insets(Insets::symmetric(4.0, 8.0)).surface(Surface::Alternate),
    );
    EditButtons {
        bar: toolbar,
        new_folder: ui.add(toolbar, flat("New folder", Message::NewFolder).icon("plus")),
        new_file: ui.add(toolbar, flat("New file", Message::NewFile).icon("file")),
        rename: ui.add(toolbar, flat("Rename", Message::Rename)),
        delete: ui.add(toolbar, flat("Delete", Message::Delete)),
        save: ui.add(toolbar, Button::new("Save").on_click(Message::Save)),
    }
}

/// The name prompt under the toolbar (hidden until asked for).
pub fn build_prompt(ui: &mut Ui<Message>, root: WidgetId) -> PromptIds {
    let row = ui.add(root, Container::row().gap(8.0).padding_insets(Insets::symmetric(6.0, 12.0)));
    let label = ui.add(row, Label::new("Name"));
    let field = ui.add(
        row,
        TextField::new()
            .placeholder("Name")
            .on_change(Message::NameChanged)
            .on_submit(|_| Message::NameSubmit),
    );
    ui.adjust_layout(field, |style| style.grow = 1.0);
    let ok = ui.add(row, Button::new("OK").on_click(Message::NameSubmit));
    ui.add(row, Button::new("Cancel").kind(ButtonKind::Flat).on_click(Message::NameCancel));
    ui.set_hidden(row, true);
    PromptIds { row, label, field, ok }
}

/// The editor page (hidden until a document is opened).
pub fn build_editor(ui: &mut Ui<Message>, body: WidgetId) -> (WidgetId, WidgetId) {
    let page = ui.add(body, ScrollView::new().padding(12.0));
    ui.adjust_layout(page, |style| style.grow = 1.0);
    let field = ui.add(page, TextField::multiline(18).on_change(Message::Edited));
    ui.set_hidden(page, true);
    (page, field)
}

/// Enable what the current location allows; hide the editor and prompt.
pub fn show_controls(browser: &mut Browser, ui: &mut Ui<Message>) {
    let path = String::from(browser.location().path());
    let folder = matches!(browser.location(), Location::Folder(_));
    let writable = browser.places.writable(&path);
    let Some(ids) = browser.edit_ids() else { return };
    let (buttons, editor, prompt) = (&ids.buttons, ids.editor.0, ids.prompt.row);
    ui.set_hidden(buttons.bar, !writable);
    for button in [buttons.new_folder, buttons.new_file, buttons.rename, buttons.delete] {
        ui.set_hidden(button, !folder);
    }
    ui.set_hidden(buttons.save, true);
    ui.set_hidden(editor, true);
    ui.set_hidden(prompt, true);
    browser.prompt = None;
}

/// Show `text` in the editor (the current location is the file).
pub fn open_editor(browser: &mut Browser, ui: &mut Ui<Message>, text: String) {
    let Some((folder_page, document_page, monospace)) = browser.page_ids() else { return };
    let Some(ids) = browser.edit_ids() else { return };
    let (page, field, save) = (ids.editor.0, ids.editor.1, ids.buttons.save);
    ui.set_hidden(folder_page, true);
    ui.set_hidden(document_page, true);
    ui.set_hidden(monospace, true);
    ui.set_hidden(page, false);
    ui.set_hidden(save, false);
    ui.update::<TextField<Message>, _>(field, |field| field.set_value(text.clone()));
    ui.set_focus(Some(field));
    browser.editing = Some(Editing { saved: text.clone(), text, ..Editing::default() });
}

impl Browser {
    /// Handle an edit message; `false` if `message` is not one.
    pub(crate) fn edit(&mut self, ui: &mut Ui<Message>, message: &Message) -> bool {
        match message {
            Message::NewFolder => self.ask(ui, Prompt::NewFolder, ""),
            Message::NewFile => self.ask(ui, Prompt::NewFile, "Untitled.txt"),
            Message::Rename => match self.selected_entry() {
                Some((path, name)) => self.ask(ui, Prompt::Rename(path), &name),
                None => self.error = Some(String::from("Select something to rename.")),
            },
            Message::Delete => match self.selected_entry() {
                Some((path, _)) => self.ask(ui, Prompt::Delete(path), ""),
                None => self.error = Some(String::from("Select something to delete.")),
            },
            Message::NameChanged(name) => self.name = name.clone(),
            Message::NameSubmit => match self.prompt.clone() {
                Some(Prompt::Delete(path)) => self.delete(ui, &path),
                _ => self.submit(ui),
            },
            Message::NameCancel => self.close_prompt(ui),
            Message::Edited(text) => {
                if let Some(editing) = &mut self.editing {
                    editing.text = text.clone();
                    editing.may_leave = false;
                }
            }
            Message::Save => self.save(),
            _ => return false,
        }
        true
    }

    fn selected_entry(&self) -> Option<(String, String)> {
        let entry = self.selected().and_then(|index| self.entries().get(index))?;
        Some((entry.path.clone(), entry.name.clone()))
    }

    /// Whether `message` would leave unsaved changes behind: the first
    /// time it is stopped and the window says so; going again drops them.
    pub(crate) fn stops_leaving(&mut self, message: &Message) -> bool {
        let leaves = matches!(
            message,
            Message::Back
                | Message::Forward
                | Message::Up
                | Message::Go(_)
                | Message::Navigate(Navigation::Back | Navigation::Forward | Navigation::Parent)
        );
        let name = name_of(self.location().path());
        let Some(editing) = &mut self.editing else { return false };
        if !leaves || !editing.changed() || editing.may_leave {
            return false;
        }
        editing.may_leave = true;
        self.error = Some(format!("{name} has unsaved changes: Save them, or go again to drop them."));
        true
    }

    fn ask(&mut self, ui: &mut Ui<Message>, prompt: Prompt, name: &str) {
        let Some(ids) = self.edit_ids() else { return };
        let (row, label, field, ok) = (ids.prompt.row, ids.prompt.label, ids.prompt.field, ids.prompt.ok);
        let question = match &prompt {
            Prompt::NewFolder => String::from("New folder:"),
            Prompt::NewFile => String::from("New text file:"),
            Prompt::Rename(path) => format!("Rename {}:", name_of(path)),
            Prompt::Delete(path) => format!("Delete {}? This cannot be undone.", name_of(path)),
        };
        let asks_name = !matches!(prompt, Prompt::Delete(_));
        ui.update::<Label, _>(label, |label| label.set_text(question));
        ui.update::<TextField<Message>, _>(field, |field| field.set_value(String::from(name)));
        ui.set_hidden(field, !asks_name);
        ui.set_hidden(row, false);
        ui.set_focus(Some(if asks_name { field } else { ok }));
        self.name = String::from(name);
        self.prompt = Some(prompt);
    }

    fn close_prompt(&mut self, ui: &mut Ui<Message>) {
        if let Some(ids) = self.edit_ids() {
            ui.set_hidden(ids.prompt.row, true);
        }
        self.prompt = None;
        // The keyboard goes back to the listing, where it was.
        if let Some(row) = self.selected().and_then(|index| self.rows().get(index).copied()) {
            ui.set_focus(Some(row));
        }
    }

    fn submit(&mut self, ui: &mut Ui<Message>) {
        let Some(prompt) = self.prompt.clone() else { return };
        let name = String::from(self.name.trim());
        if name.is_empty() || name.contains('/') || name == "." || name == ".." {
            self.error =
                Some(format!("“{name}” cannot be a name: use letters, digits and punctuation but not /"));
            return;
        }
        let folder = String::from(self.location().path());
        let target = format!("{folder}/{name}");
        let result = match &prompt {
            Prompt::NewFolder => self.places.create_dir(&target),
            Prompt::NewFile => self.places.create_file(&target),
            Prompt::Rename(path) => {
                let target = format!("{}/{name}", parent_of(path).unwrap_or_default());
                self.places.rename(path, &target)
            }
            Prompt::Delete(_) => return,
        };
        match result {
            Ok(()) => {
                self.close_prompt(ui);
                let selected = match &prompt {
                    Prompt::Rename(path) => format!("{}/{name}", parent_of(path).unwrap_or_default()),
                    _ => target.clone(),
                };
                self.refresh(ui, Some(&selected));
                if prompt == Prompt::NewFile {
                    // A new file opens in the editor.
                    let location = Location::File(target);
                    *self.location_mut() = location;
                    self.refresh(ui, None);
                }
            }
            Err(error) => self.error = Some(format!("{name}: {error}")),
        }
    }

    fn delete(&mut self, ui: &mut Ui<Message>, path: &str) {
        self.close_prompt(ui);
        let name = name_of(path);
        let is_folder = self.entries().iter().any(|e| e.path == path && e.kind == EntryKind::Directory);
        match self.places.remove(path) {
            Ok(()) => self.refresh(ui, None),
            Err(error) if is_folder => {
                self.error = Some(format!("{name}: {error} (delete what is inside first)"))
            }
            Err(error) => self.error = Some(format!("{name}: {error}")),
        }
    }

    fn save(&mut self) {
        let (Location::File(path), Some(editing)) = (self.location().clone(), &self.editing) else {
            return;
        };
        let text = editing.text.clone();
        match self.places.write(&path, text.as_bytes()) {
            Ok(()) => {
                if let Some(editing) = &mut self.editing {
                    editing.saved = text;
                    editing.wrote = true;
                    editing.may_leave = false;
                }
            }
            Err(error) => self.error = Some(format!("{} was not saved: {error}", name_of(&path))),
        }
    }
}
