//! The writable store as apps use it: [`Storage`], a directory capability
//! with errors a person can read, over `weft.storage` ([`Dir`]) or, for
//! tests, in memory ([`MemoryStorage`]).

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::tree::{EntryKind, TreeEntry};
use weft_storage_api::{Dir, Entry, Kind, RoutedDir, Space};

/// A writable directory. Errors are messages a person can read.
pub trait Storage {
    /// Entries of a directory.
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String>;
    /// One entry.
    fn stat(&mut self, path: &str) -> Result<Entry, String>;
    /// A whole file.
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String>;
    /// Create or replace a whole file.
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String>;
    /// Make a directory (`parents`: and any missing parents).
    fn create_dir(&mut self, path: &str, parents: bool) -> Result<(), String>;
    /// Delete a file or an empty directory.
    fn remove(&mut self, path: &str) -> Result<(), String>;
    /// Move or rename.
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String>;
    /// Space figures.
    fn space(&mut self) -> Result<Space, String>;
    /// Wait until every change is on the disk.
    fn sync(&mut self) -> Result<(), String>;
    /// Check every block and blob of the store against its checksum.
    fn check(&mut self) -> Result<(), String> {
        Err(String::from("this store cannot be checked"))
    }
}

/// A store entry as a listing entry at `path` (a directory's size is its
/// number of entries there).
pub fn tree_entry(entry: Entry, path: String) -> TreeEntry {
    let (kind, size, items) = match entry.kind {
        Kind::File => (EntryKind::File, entry.size, 0),
        Kind::Dir => (EntryKind::Directory, 0, entry.size as usize),
    };
    TreeEntry { name: entry.name, path, kind, size, items }
}

/// A `weft.storage` capability the [`Storage`] methods run on: a [`Dir`]
/// as it is, a [`RoutedDir`] connected again if the service restarted.
pub trait AsDir {
    /// The capability.
    fn as_dir(&mut self) -> &Dir;
}

impl AsDir for Dir {
    fn as_dir(&mut self) -> &Dir {
        self
    }
}

impl AsDir for RoutedDir {
    fn as_dir(&mut self) -> &Dir {
        self.dir()
    }
}

impl<T: AsDir> Storage for T {
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String> {
        self.as_dir().list(path).map_err(|e| e.to_string())
    }
    fn stat(&mut self, path: &str) -> Result<Entry, String> {
        self.as_dir().stat(path).map_err(|e| e.to_string())
    }
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        self.as_dir().read(path).map_err(|e| e.to_string())
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.as_dir().replace(path, bytes).map_err(|e| e.to_string())
    }
    fn create_dir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        let dir = self.as_dir();
        if parents { dir.create_dir_all(path) } else { dir.create_dir(path) }.map_err(|e| e.to_string())
    }
    fn remove(&mut self, path: &str) -> Result<(), String> {
        self.as_dir().remove(path).map_err(|e| e.to_string())
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        self.as_dir().rename(from, to).map_err(|e| e.to_string())
    }
    fn space(&mut self) -> Result<Space, String> {
        self.as_dir().space().map_err(|e| e.to_string())
    }
    fn sync(&mut self) -> Result<(), String> {
        self.as_dir().sync().map_err(|e| e.to_string())
    }
    fn check(&mut self) -> Result<(), String> {
        self.as_dir().check().map_err(|e| e.to_string())
    }
}

/// A directory in memory, with the storage service's rules where apps see
/// them (a missing parent, a taken name, a non-empty directory).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    /// Files by path; directories are entries with `None`.
    entries: BTreeMap<String, Option<Vec<u8>>>,
}

impl MemoryStorage {
    /// An empty directory.
    pub fn new() -> MemoryStorage {
        MemoryStorage::default()
    }

    fn parent_exists(&self, path: &str) -> bool {
        match path.rsplit_once('/') {
            None => true,
            Some((parent, _)) => matches!(self.entries.get(parent), Some(None)),
        }
    }

    fn children(&self, path: &str) -> impl Iterator<Item = (&String, &Option<Vec<u8>>)> {
        let prefix = if path.is_empty() { String::new() } else { alloc::format!("{path}/") };
        self.entries.iter().filter(move |(name, _)| {
            name.strip_prefix(prefix.as_str()).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        })
    }

    fn entry(&self, name: &str, item: &Option<Vec<u8>>, path: &str) -> Entry {
        match item {
            Some(bytes) => {
                Entry { name: name.to_string(), kind: Kind::File, size: bytes.len() as u64, modified: 0 }
            }
            None => Entry {
                name: name.to_string(),
                kind: Kind::Dir,
                size: self.children(path).count() as u64,
                modified: 0,
            },
        }
    }
}

const NOT_FOUND: &str = "no such file or directory";

impl Storage for MemoryStorage {
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String> {
        if !path.is_empty() && !matches!(self.entries.get(path), Some(None)) {
            return Err(String::from(NOT_FOUND));
        }
        Ok(self
            .children(path)
            .map(|(full, item)| self.entry(full.rsplit('/').next().unwrap_or(full), item, full))
            .collect())
    }
    fn stat(&mut self, path: &str) -> Result<Entry, String> {
        let item = self.entries.get(path).ok_or_else(|| String::from(NOT_FOUND))?;
        Ok(self.entry(path.rsplit('/').next().unwrap_or(path), item, path))
    }
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        match self.entries.get(path) {
            Some(Some(bytes)) => Ok(bytes.clone()),
            Some(None) => Err(String::from("is a directory")),
            None => Err(String::from(NOT_FOUND)),
        }
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        if !self.parent_exists(path) {
            return Err(String::from(NOT_FOUND));
        }
        if matches!(self.entries.get(path), Some(None)) {
            return Err(String::from("is a directory"));
        }
        self.entries.insert(path.to_string(), Some(bytes.to_vec()));
        Ok(())
    }
    fn create_dir(&mut self, path: &str, _parents: bool) -> Result<(), String> {
        if self.entries.contains_key(path) {
            return Err(String::from("already exists"));
        }
        if !self.parent_exists(path) {
            return Err(String::from(NOT_FOUND));
        }
        self.entries.insert(path.to_string(), None);
        Ok(())
    }
    fn remove(&mut self, path: &str) -> Result<(), String> {
        match self.entries.get(path) {
            None => Err(String::from(NOT_FOUND)),
            Some(None) if self.children(path).next().is_some() => Err(String::from("directory not empty")),
            Some(_) => {
                self.entries.remove(path);
                Ok(())
            }
        }
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        if !self.entries.contains_key(from) {
            return Err(String::from(NOT_FOUND));
        }
        if self.entries.contains_key(to) {
            return Err(String::from("already exists"));
        }
        let moved: Vec<String> = self
            .entries
            .keys()
            .filter(|name| *name == from || name.starts_with(&alloc::format!("{from}/")))
            .cloned()
            .collect();
        for name in moved {
            if let Some(item) = self.entries.remove(&name) {
                self.entries.insert(alloc::format!("{to}{}", &name[from.len()..]), item);
            }
        }
        Ok(())
    }
    fn space(&mut self) -> Result<Space, String> {
        let used = self.entries.values().flatten().map(|b| b.len() as u64).sum();
        Ok(Space { total: 1 << 30, free: (1 << 30) - used, used, quota: None, scope: String::new() })
    }
    fn sync(&mut self) -> Result<(), String> {
        Ok(())
    }
}
