//! The shell's one file tree: the boot bundle's read-only files and the
//! writable store, side by side under `/`.
//!
//! A path whose first name is one of the bundle's top-level entries
//! (`/README.md`, `/docs/…`) is a read-only system file; every other path
//! is in the store the terminal's storage capability reaches (`/documents`,
//! `/config`, …). `/` lists both.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub use weft_app_support::storage::{Storage, tree_entry};
use weft_app_support::tree::compare_names;
use weft_app_support::{FileTree, TreeEntry};

/// Where an absolute path lives.
#[derive(Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// `/`: both.
    Root,
    /// A read-only system file (or directory) of the bundle.
    System,
    /// In the store, at this relative path.
    Store(&'a str),
}

/// Where `absolute` (a resolved path) lives.
pub fn place<'a>(files: &FileTree, absolute: &'a str) -> Place<'a> {
    let relative = absolute.trim_start_matches('/');
    if relative.is_empty() {
        return Place::Root;
    }
    let first = relative.split('/').next().unwrap_or_default();
    if files.kind(&format!("/{first}")).is_some() { Place::System } else { Place::Store(relative) }
}

/// Join a directory's absolute path and a name.
pub fn child(directory: &str, name: &str) -> String {
    if directory == "/" { format!("/{name}") } else { format!("{directory}/{name}") }
}

/// `/`: the bundle's top level (`entries`) and the store's, by name.
pub fn list_root(
    mut entries: Vec<TreeEntry>,
    storage: Option<&mut dyn Storage>,
) -> Result<Vec<TreeEntry>, String> {
    if let Some(storage) = storage {
        for entry in storage.list("")? {
            if !entries.iter().any(|e| e.name == entry.name) {
                let path = child("/", &entry.name);
                entries.push(tree_entry(entry, path));
            }
        }
    }
    entries.sort_by(|a, b| compare_names(&a.name, &b.name));
    Ok(entries)
}

/// Refusal for changing a system file.
pub fn read_only(absolute: &str) -> String {
    format!("{absolute}: a read-only system file")
}

/// Refusal when the terminal has no storage capability.
pub const NO_STORAGE: &str = "this terminal has no route to weft.storage";
