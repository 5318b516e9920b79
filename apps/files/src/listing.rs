//! The folder listing: its columns (Modified only in the documents, the
//! place that keeps times), what kind a file is, how rows sort, and the
//! cells of a row.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

use weft_app_support::format::bytes;
use weft_app_support::tree::{compare_names, is_text};
use weft_app_support::{EntryKind, TreeEntry};
use weft_toolkit::widgets::{CellAlign, Column, ColumnWidth};

use crate::places::Places;

/// How the listing is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SortKey {
    Name,
    Size,
    Kind,
    Modified,
}

impl SortKey {
    /// The key of header column `column`.
    pub(crate) fn of_column(column: usize) -> SortKey {
        match column {
            1 => SortKey::Size,
            2 => SortKey::Kind,
            3 => SortKey::Modified,
            _ => SortKey::Name,
        }
    }

    /// Its header column.
    pub(crate) fn column(self) -> usize {
        match self {
            SortKey::Name => 0,
            SortKey::Size => 1,
            SortKey::Kind => 2,
            SortKey::Modified => 3,
        }
    }
}

/// The columns of the listing; `dated` adds Modified.
pub(crate) fn columns(dated: bool) -> Vec<Column> {
    let mut columns = vec![
        Column { title: String::from("Name"), width: ColumnWidth::Fill(1.0), align: CellAlign::Left },
        Column::number("Size", 84.0),
        Column::text("Kind", 150.0),
    ];
    if dated {
        columns.push(Column::text("Modified", 128.0));
    }
    columns
}

/// What kind of file a name and contents suggest, for people.
pub fn kind_of(entry: &TreeEntry, contents: Option<&[u8]>) -> String {
    if entry.kind == EntryKind::Directory {
        return match entry.items {
            1 => String::from("Folder · 1 item"),
            items => format!("Folder · {items} items"),
        };
    }
    let extension = entry.name.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
    let named = match extension.as_deref() {
        Some("md") => Some("Markdown text"),
        Some("toml") => Some("TOML settings"),
        Some("rs") => Some("Rust source"),
        Some("txt") => Some("Plain text"),
        Some("json") => Some("JSON data"),
        Some("png") => Some("PNG image"),
        Some("ttf" | "otf") => Some("Font"),
        _ => None,
    };
    match (named, contents) {
        (Some(name), _) => String::from(name),
        (None, Some(bytes)) if is_text(bytes) => String::from("Plain text"),
        (None, _) => String::from("Binary data"),
    }
}

/// Whether a file reads best in the monospace face.
pub(crate) fn prefers_monospace(path: &str) -> bool {
    let extension = path.rsplit_once('.').map(|(_, extension)| extension.to_ascii_lowercase());
    !matches!(extension.as_deref(), Some("md" | "txt") | None)
}

/// Orders `entries` by `key` (folders first when by name), `ascending` or not.
pub(crate) fn sort(entries: &mut [TreeEntry], places: &Places, key: SortKey, ascending: bool) {
    entries.sort_by(|a, b| {
        let order = match key {
            SortKey::Name => a.kind.cmp(&b.kind),
            SortKey::Size => a.size.cmp(&b.size),
            SortKey::Kind => kind_of(a, places.peek(&a.path)).cmp(&kind_of(b, places.peek(&b.path))),
            SortKey::Modified => places.modified(&a.path).cmp(&places.modified(&b.path)),
        };
        let order: Ordering = order.then_with(|| compare_names(&a.name, &b.name));
        if ascending { order } else { order.reverse() }
    });
}

/// The cells of `entry`'s row.
pub(crate) fn cells(entry: &TreeEntry, places: &Places, dated: bool) -> Vec<String> {
    // A document folder's size is not known without reading it all.
    let size = if entry.kind == EntryKind::Directory && places.writable(&entry.path) {
        String::from("—")
    } else {
        bytes(entry.size)
    };
    let mut cells = vec![entry.name.clone(), size, kind_of(entry, places.peek(&entry.path))];
    if dated {
        cells.push(places.modified(&entry.path).map_or_else(|| String::from("—"), crate::time::modified));
    }
    cells
}
