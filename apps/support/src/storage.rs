//! The writable store as apps use it: [`Storage`], a directory capability
//! with errors a person can read, over `weft.storage` ([`Dir`]) or, for
//! tests, in memory ([`MemoryStorage`]).

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use weft_storage_api::{Dir, Entry, Kind, Space};

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

impl Storage for Dir {
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String> {
        Dir::list(self, path).map_err(|e| e.to_string())
    }
    fn stat(&mut self, path: &str) -> Result<Entry, String> {
        Dir::stat(self, path).map_err(|e| e.to_string())
    }
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        Dir::read(self, path).map_err(|e| e.to_string())
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        Dir::replace(self, path, bytes).map_err(|e| e.to_string())
    }
    fn create_dir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        if parents { Dir::create_dir_all(self, path) } else { Dir::create_dir(self, path) }
            .map_err(|e| e.to_string())
    }
    fn remove(&mut self, path: &str) -> Result<(), String> {
        Dir::remove(self, path).map_err(|e| e.to_string())
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        Dir::rename(self, from, to).map_err(|e| e.to_string())
    }
    fn space(&mut self) -> Result<Space, String> {
        Dir::space(self).map_err(|e| e.to_string())
    }
    fn sync(&mut self) -> Result<(), String> {
        Dir::sync(self).map_err(|e| e.to_string())
    }
    fn check(&mut self) -> Result<(), String> {
        Dir::check(self).map_err(|e| e.to_string())
    }
}

/// The directory a program's `weft.storage` route grants, connected again
/// through the namespace when the storage service restarts (a restart ends
/// every capability). Only for the routed directory: a narrowed one
/// reconnecting this way would widen.
#[derive(Debug)]
pub struct RoutedDir(Dir);

impl RoutedDir {
    /// Connect through the program's namespace.
    pub fn connect() -> Result<RoutedDir, weft_ipc::ConnectError> {
        Dir::connect().map(RoutedDir)
    }

    /// Wrap a connection made through the namespace.
    pub fn new(dir: Dir) -> RoutedDir {
        RoutedDir(dir)
    }

    /// The capability, connected again first if the service restarted.
    fn dir(&mut self) -> &mut Dir {
        if self.0.is_closed()
            && let Ok(dir) = Dir::connect()
        {
            self.0 = dir;
        }
        &mut self.0
    }
}

impl Storage for RoutedDir {
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String> {
        self.dir().list(path).map_err(|e| e.to_string())
    }
    fn stat(&mut self, path: &str) -> Result<Entry, String> {
        self.dir().stat(path).map_err(|e| e.to_string())
    }
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        Storage::read(self.dir(), path)
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        Storage::write(self.dir(), path, bytes)
    }
    fn create_dir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        Storage::create_dir(self.dir(), path, parents)
    }
    fn remove(&mut self, path: &str) -> Result<(), String> {
        Storage::remove(self.dir(), path)
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        Storage::rename(self.dir(), from, to)
    }
    fn space(&mut self) -> Result<Space, String> {
        Storage::space(self.dir())
    }
    fn sync(&mut self) -> Result<(), String> {
        Storage::sync(self.dir())
    }
    fn check(&mut self) -> Result<(), String> {
        Storage::check(self.dir())
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
