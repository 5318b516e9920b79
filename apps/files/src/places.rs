//! Where Files looks: the user's documents (the storage service, writable)
//! under `/Documents`, beside the system's read-only files (the boot
//! bundle) — one tree of absolute paths.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_app_support::storage::{Storage, tree_entry};
use weft_app_support::tree::compare_names;
use weft_app_support::{EntryKind, FileTree, TreeEntry};

/// The folder the documents appear as.
pub const DOCUMENTS: &str = "/Documents";

/// The places Files shows.
pub struct Places {
    system: FileTree,
    documents: Option<Box<dyn Storage>>,
    /// Modification times (Unix seconds) of the documents last listed.
    times: BTreeMap<String, u64>,
}

impl Places {
    /// The system's files and, if the app has them, the documents.
    pub fn new(system: FileTree, documents: Option<Box<dyn Storage>>) -> Places {
        Places { system, documents, times: BTreeMap::new() }
    }

    /// Whether there are documents.
    pub fn has_documents(&self) -> bool {
        self.documents.is_some()
    }

    /// The store path of `path` if it is in the documents (`""` for
    /// `/Documents` itself).
    fn in_documents(path: &str) -> Option<&str> {
        match path.strip_prefix(DOCUMENTS)? {
            "" => Some(""),
            rest => rest.strip_prefix('/'),
        }
    }

    fn store(&mut self, path: &str) -> Option<(&mut dyn Storage, String)> {
        let relative = String::from(Places::in_documents(path)?);
        Some((self.documents.as_deref_mut()?, relative))
    }

    /// Whether `path` can be changed (it is in the documents).
    pub fn writable(&self, path: &str) -> bool {
        self.documents.is_some() && Places::in_documents(path).is_some()
    }

    /// The entries of folder `path`.
    pub fn list(&mut self, path: &str) -> Result<Vec<TreeEntry>, String> {
        if let Some((store, relative)) = self.store(path) {
            let entries = store.list(&relative)?;
            self.times.clear();
            for entry in &entries {
                self.times.insert(format!("{path}/{}", entry.name), entry.modified);
            }
            return Ok(entries
                .into_iter()
                .map(|entry| {
                    let at = format!("{path}/{}", entry.name);
                    tree_entry(entry, at)
                })
                .collect());
        }
        let mut entries = self.system.list(path).map_err(|error| format!("{error}"))?;
        if path == "/"
            && let Some(store) = self.documents.as_deref_mut()
        {
            let items = store.list("").map(|entries| entries.len()).unwrap_or(0);
            entries.push(TreeEntry {
                name: String::from("Documents"),
                path: String::from(DOCUMENTS),
                kind: EntryKind::Directory,
                size: 0,
                items,
            });
            entries.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| compare_names(&a.name, &b.name)));
        }
        Ok(entries)
    }

    /// A whole file.
    pub fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        match self.store(path) {
            Some((store, relative)) => store.read(&relative),
            None => self.system.read(path).map(<[u8]>::to_vec).map_err(|error| format!("{error}")),
        }
    }

    /// A system file's bytes without copying (documents are not read here:
    /// listing a folder must not read every file).
    pub fn peek(&self, path: &str) -> Option<&[u8]> {
        if Places::in_documents(path).is_some() { None } else { self.system.read(path).ok() }
    }

    /// When the document at `path` last changed (Unix seconds), if it was
    /// in the folder last listed.
    pub fn modified(&self, path: &str) -> Option<u64> {
        self.times.get(path).copied()
    }

    /// Whether something is at document `path`.
    fn exists(&mut self, path: &str) -> bool {
        self.store(path).is_some_and(|(store, relative)| store.stat(&relative).is_ok())
    }

    fn change(
        &mut self,
        path: &str,
        act: impl FnOnce(&mut dyn Storage, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        match self.store(path) {
            Some((store, relative)) if !relative.is_empty() => {
                act(store, &relative)?;
                store.sync()
            }
            _ => Err(String::from("only documents can be changed; the system's files are read-only")),
        }
    }

    /// Make folder `path`.
    pub fn create_dir(&mut self, path: &str) -> Result<(), String> {
        self.change(path, |store, relative| store.create_dir(relative, false))
    }

    /// Make a new, empty file `path`; an existing one is left alone.
    pub fn create_file(&mut self, path: &str) -> Result<(), String> {
        if self.exists(path) {
            return Err(String::from("already exists"));
        }
        self.write(path, b"")
    }

    /// Create or replace file `path` (whole: a crash leaves the old or the
    /// new contents), then wait until it is on the disk.
    pub fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.change(path, |store, relative| store.write(relative, bytes))
    }

    /// Delete file or empty folder `path`.
    pub fn remove(&mut self, path: &str) -> Result<(), String> {
        self.change(path, |store, relative| store.remove(relative))
    }

    /// Rename `from` to `to` (both in the documents). The store would
    /// replace a file at `to`; Files refuses instead.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        if from == to {
            return Ok(());
        }
        if self.exists(to) {
            return Err(String::from("already exists"));
        }
        let target = Places::in_documents(to).map(String::from);
        self.change(from, |store, relative| match target {
            Some(target) if !target.is_empty() => store.rename(relative, &target),
            _ => Err(String::from("a document stays in the documents")),
        })
    }
}
