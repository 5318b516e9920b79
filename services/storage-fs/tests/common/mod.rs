//! Shared by the integration tests: a seeded PRNG, a model of the visible
//! state with the store's semantics, and a snapshot of a real store.
#![allow(dead_code)]

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use weft_storage_fs::{BlockDevice, Error, Kind, MemDisk, SECTOR, Store};

/// xorshift64*: deterministic, no crates.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// A disk of `blocks` 4 KiB blocks.
pub fn disk(blocks: usize) -> MemDisk {
    MemDisk::new(blocks * 4096 / SECTOR)
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// What a user can see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Dir,
    File(Vec<u8>),
}

/// The visible state: every entry by full path, every blob by name, every
/// quota by scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub entries: BTreeMap<String, Item>,
    pub blobs: BTreeMap<[u8; 32], Vec<u8>>,
    pub quotas: BTreeMap<String, u64>,
}

/// Everything `store` shows, read through its API.
pub fn snapshot<D: BlockDevice>(store: &mut Store<D>) -> State {
    let mut state = State::default();
    let mut dirs = vec![String::new()];
    while let Some(dir) = dirs.pop() {
        for entry in store.list(&dir).unwrap() {
            let path = if dir.is_empty() { entry.name.clone() } else { format!("{dir}/{}", entry.name) };
            match entry.kind {
                Kind::Dir => {
                    state.entries.insert(path.clone(), Item::Dir);
                    dirs.push(path);
                }
                Kind::File => {
                    let bytes = store.read_file(&path).unwrap();
                    assert_eq!(bytes.len() as u64, entry.size, "{path}");
                    state.entries.insert(path, Item::File(bytes));
                }
            }
        }
    }
    for blob in store.list_blobs() {
        let bytes = store.get_blob(&blob.name).unwrap();
        assert_eq!(bytes.len() as u64, blob.size);
        state.blobs.insert(blob.name, bytes);
    }
    state.quotas = store.quotas().into_iter().collect();
    for scope in state.quotas.keys() {
        assert_eq!(store.usage(scope), state.usage(scope) * 4096, "usage of {scope}");
    }
    state
}

fn blocks(bytes: &[u8]) -> u64 {
    bytes.len().div_ceil(4096) as u64
}

fn scope(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// The model: the same operations on [`State`], with the store's errors.
impl State {
    /// Every directory on the way to `dir` (itself included) exists.
    fn check_dir(&self, dir: &str) -> Result<(), Error> {
        if dir.is_empty() {
            return Ok(());
        }
        let mut prefix = String::new();
        for name in dir.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(name);
            match self.entries.get(&prefix) {
                None => return Err(Error::NotFound),
                Some(Item::File(_)) => return Err(Error::NotADirectory),
                Some(Item::Dir) => {}
            }
        }
        Ok(())
    }

    /// Data blocks of the files at or below `path`.
    pub fn usage(&self, path: &str) -> u64 {
        let below = format!("{path}/");
        let files = self.entries.iter().filter(|(k, _)| *k == path || k.starts_with(&below));
        files.map(|(_, item)| if let Item::File(bytes) = item { blocks(bytes) } else { 0 }).sum()
    }

    fn check_quota(&self, scope: &str, old: u64, new: u64) -> Result<(), Error> {
        match self.quotas.get(scope) {
            Some(&limit) if new > old && (self.usage(scope) - old + new) * 4096 > limit => {
                Err(Error::QuotaExceeded)
            }
            _ => Ok(()),
        }
    }

    pub fn set_quota(&mut self, scope: &str, limit: Option<u64>) {
        match limit {
            Some(limit) => self.quotas.insert(scope.to_string(), limit),
            None => self.quotas.remove(scope),
        };
    }

    fn get(&self, path: &str) -> Result<&Item, Error> {
        self.check_dir(parent(path))?;
        self.entries.get(path).ok_or(Error::NotFound)
    }

    pub fn create_dir(&mut self, path: &str) -> Result<(), Error> {
        self.check_dir(parent(path))?;
        if self.entries.contains_key(path) {
            return Err(Error::AlreadyExists);
        }
        self.entries.insert(path.to_string(), Item::Dir);
        Ok(())
    }

    pub fn write_file(&mut self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.check_dir(parent(path))?;
        let old = match self.entries.get(path) {
            Some(Item::Dir) => return Err(Error::IsADirectory),
            Some(Item::File(old)) => blocks(old),
            None => 0,
        };
        self.check_quota(scope(path), old, blocks(bytes))?;
        self.entries.insert(path.to_string(), Item::File(bytes.to_vec()));
        Ok(())
    }

    pub fn write_at(&mut self, path: &str, offset: u64, bytes: &[u8]) -> Result<(), Error> {
        match self.get(path)? {
            Item::Dir => Err(Error::IsADirectory),
            Item::File(_) if bytes.is_empty() => Ok(()),
            Item::File(old) => {
                let mut new = old.clone();
                let end = offset as usize + bytes.len();
                if new.len() < end {
                    new.resize(end, 0);
                }
                self.check_quota(scope(path), 0, blocks(&new) - blocks(old))?;
                new[offset as usize..end].copy_from_slice(bytes);
                self.entries.insert(path.to_string(), Item::File(new));
                Ok(())
            }
        }
    }

    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        self.get(path)?;
        let below = format!("{path}/");
        if self.entries.keys().any(|k| k.starts_with(&below)) {
            return Err(Error::NotEmpty);
        }
        self.entries.remove(path);
        Ok(())
    }

    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        if to.starts_with(&format!("{from}/")) {
            return Err(Error::IntoItself);
        }
        let moving = self.get(from)?.clone();
        self.check_dir(parent(to))?;
        if from == to {
            return Ok(());
        }
        let replaced = match (&moving, self.entries.get(to)) {
            (_, None) => 0,
            (Item::File(_), Some(Item::File(old))) => blocks(old),
            _ => return Err(Error::AlreadyExists),
        };
        let moved = if scope(from) != scope(to) { self.usage(from) } else { 0 };
        self.check_quota(scope(to), replaced, moved)?;
        let below = format!("{from}/");
        let moved: Vec<String> =
            self.entries.keys().filter(|k| *k == from || k.starts_with(&below)).cloned().collect();
        for old in moved {
            let item = self.entries.remove(&old).unwrap();
            self.entries.insert(format!("{to}{}", &old[from.len()..]), item);
        }
        Ok(())
    }

    pub fn put_blob(&mut self, bytes: &[u8]) -> [u8; 32] {
        let name = sha256(bytes);
        self.blobs.insert(name, bytes.to_vec());
        name
    }

    pub fn remove_blob(&mut self, name: &[u8; 32]) -> Result<(), Error> {
        self.blobs.remove(name).map(|_| ()).ok_or(Error::NotFound)
    }
}
