//! The window's bars: the path bar (a button per folder from the root)
//! and the status line (what is listed or open, whether it is saved) with
//! the error line beside it.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use weft_app_support::EntryKind;
use weft_app_support::format::bytes;
use weft_app_support::tree::name_of;
use weft_toolkit::prelude::*;

use crate::browser::{Browser, Location, Message};

impl Browser {
    /// The path bar: one button per folder from the root, the current
    /// location last and plain.
    pub(crate) fn rebuild_path(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let bar = ids.path;
        ui.clear_children(bar);
        let path = String::from(self.location().path());
        let mut crumbs: Vec<(String, String)> = vec![(String::from("Computer"), String::from("/"))];
        let mut prefix = String::new();
        for part in path.split('/').filter(|part| !part.is_empty()) {
            prefix.push('/');
            prefix.push_str(part);
            crumbs.push((String::from(part), prefix.clone()));
        }
        let last = crumbs.len() - 1;
        for (index, (name, target)) in crumbs.into_iter().enumerate() {
            if index > 0 {
                let separator = ui.add(bar, Label::new("›").muted());
                ui.adjust_layout(separator, |style| style.padding = Insets::symmetric(0.0, 4.0));
            }
            if index == last {
                let label = ui.add(bar, Label::new(name).role(TextRole::Strong).ellipsis());
                ui.adjust_layout(label, |style| {
                    style.padding = Insets::symmetric(0.0, 8.0);
                    style.shrink = 1.0;
                    style.min_width = Some(0.0);
                });
            } else {
                let button = Button::new(name).kind(ButtonKind::Flat).on_click(Message::Go(target));
                let button = if index == 0 { button.icon("home") } else { button };
                ui.add(bar, button);
            }
        }
    }

    pub(crate) fn update_status(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let (status, error) = (ids.status, ids.edit.error);
        let shown = self.error.clone().unwrap_or_default();
        ui.update::<Label, _>(error, |label| label.set_text(shown));
        let access = if self.places.writable(self.location().path()) { "" } else { " · read-only" };
        let text = match self.location().clone() {
            Location::Folder(_) => {
                let folders = self.entries.iter().filter(|entry| entry.kind == EntryKind::Directory).count();
                let files = self.entries.len() - folders;
                let total: u64 = self.entries.iter().map(|entry| entry.size).sum();
                let plural = |count: usize, one: &str, many: &str| {
                    format!("{count} {}", if count == 1 { one } else { many })
                };
                let mut text = format!(
                    "{}, {} · {}{access}",
                    plural(folders, "folder", "folders"),
                    plural(files, "file", "files"),
                    bytes(total)
                );
                if let Some(entry) = self.selected.and_then(|index| self.entries.get(index)) {
                    text = format!("{} selected · {text}", entry.name);
                }
                text
            }
            Location::File(path) => {
                let contents = match &self.editing {
                    Some(editing) => editing.text.as_bytes().to_vec(),
                    None => self.places.read(&path).unwrap_or_default(),
                };
                // Lines as a person counts them: a last line needs no newline.
                let newlines = contents.iter().filter(|byte| **byte == b'\n').count();
                let lines = newlines + usize::from(contents.last().is_some_and(|byte| *byte != b'\n'));
                let lines = if lines == 1 { String::from("1 line") } else { format!("{lines} lines") };
                let state = match &self.editing {
                    Some(editing) if editing.changed() => " · unsaved changes",
                    Some(editing) if editing.wrote => " · saved",
                    _ => "",
                };
                format!("{} · {} · {lines}{state}{access}", name_of(&path), bytes(contents.len() as u64))
            }
        };
        ui.update::<Label, _>(status, |label| label.set_text(text));
    }
}
