//! Namespace operations: directories and files by path, with quotas per
//! top-level name. Each checks everything, then admits the change
//! (space, quota), then writes data, and only then changes the tree.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::device::BlockDevice;
use crate::error::Error;
use crate::format::{BLOCK_SIZE, data_blocks};
use crate::image::{FileData, entry_bound, quota_len, ref_len, varint_len};
use crate::namespace::{Body, MAX_ENTRIES, Node, NodeId};
use crate::path::{check_name, parse, parse_entry};
use crate::store::{Change, Store, read_block, read_data};

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A file of bytes.
    File,
    /// A directory.
    Dir,
}

/// One entry, as `list` and `stat` report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its name (empty for the root).
    pub name: String,
    /// File or directory.
    pub kind: Kind,
    /// A file's length in bytes; a directory's number of entries.
    pub size: u64,
    /// Seconds, as given by the caller: when a file was last written, when
    /// a directory was made.
    pub modified: u64,
}

fn entry(name: &str, node: &Node) -> Entry {
    let (kind, size) = match &node.body {
        Body::File(data) => (Kind::File, data.size),
        Body::Dir(children) => (Kind::Dir, children.len() as u64),
    };
    Entry { name: name.to_string(), kind, size, modified: node.modified }
}

impl<D: BlockDevice> Store<D> {
    /// Makes the directory `path`; its parent must exist.
    pub fn create_dir(&mut self, path: &str, now: u64) -> Result<(), Error> {
        let (parent, name) = parse_entry(path)?;
        let dir = self.ns.resolve_dir(&parent)?;
        if self.ns.child(dir, name).is_some() {
            return Err(Error::AlreadyExists);
        }
        if self.ns.entries() >= MAX_ENTRIES {
            return Err(Error::NoSpace);
        }
        let meta_after = self.meta_bound() + entry_bound(name, now, None);
        self.admit(&Change { add: 0, freed: 0, refs_after: self.map.refs, meta_after })?;
        self.ns.insert(dir, name, Node { modified: now, body: Body::Dir(Default::default()) });
        self.dirty = true;
        Ok(())
    }

    /// Makes `path` a file holding exactly `bytes`, creating or replacing
    /// it; its parent must exist.
    pub fn write_file(&mut self, path: &str, bytes: &[u8], now: u64) -> Result<(), Error> {
        let (parent, name) = parse_entry(path)?;
        let scope = parent.first().copied().unwrap_or(name);
        let dir = self.ns.resolve_dir(&parent)?;
        let existing = self.ns.child(dir, name);
        let old = match existing.and_then(|id| self.ns.node(id)) {
            Some(Node { body: Body::Dir(_), .. }) => return Err(Error::IsADirectory),
            Some(node) => Some((node.file().cloned().unwrap_or_default(), node.modified)),
            None if self.ns.entries() >= MAX_ENTRIES => return Err(Error::NoSpace),
            None => None,
        };
        let (old_blocks, old_bound) = old.as_ref().map_or((0, 0), |(data, modified)| {
            (data.blocks.len() as u64, entry_bound(name, *modified, Some(data)))
        });
        let add = data_blocks(bytes.len() as u64);
        let new_bound = entry_bound(name, now, Some(&FileData { size: bytes.len() as u64, blocks: vec![] }))
            + add * self.new_ref_bound()
            + varint_len(add);
        self.check_quota(scope, old_blocks, add)?;
        self.admit(&Change {
            add,
            freed: old.as_ref().map_or(0, |(data, _)| self.uncommitted(&data.blocks)),
            refs_after: self.map.refs - old_blocks + add,
            meta_after: self.meta_bound() - old_bound + new_bound,
        })?;
        let data = self.write_data(bytes)?;
        let node = Node { modified: now, body: Body::File(data) };
        if existing.is_some()
            && let Some(Node { body: Body::File(old), .. }) = self.ns.remove(dir, name)
        {
            self.release(&old.blocks);
        }
        self.ns.insert(dir, name, node);
        self.map.refs = self.map.refs - old_blocks + add;
        self.add_usage(scope, old_blocks, add);
        self.dirty = true;
        Ok(())
    }

    /// Writes `bytes` into the existing file `path` at `offset`, growing it
    /// (with zeros up to `offset`) if needed. Only the blocks touched are
    /// rewritten, each to a new block.
    pub fn write_at(&mut self, path: &str, offset: u64, bytes: &[u8], now: u64) -> Result<(), Error> {
        let names = parse(path)?;
        let id = self.ns.resolve(&names)?;
        let scope = names.first().copied().ok_or(Error::IsADirectory)?;
        let Some(Node { modified, body: Body::File(old) }) = self.ns.node(id) else {
            return Err(Error::IsADirectory);
        };
        if bytes.is_empty() {
            return Ok(());
        }
        let block = BLOCK_SIZE as u64;
        let end = offset.checked_add(bytes.len() as u64).ok_or(Error::NoSpace)?;
        let (old_size, old_count, modified) = (old.size, old.blocks.len() as u64, *modified);
        let new_size = old_size.max(end);
        // Blocks rewritten: those the bytes touch, and any gap between the
        // old end and `offset`.
        let (low, high) = ((offset / block).min(old_count), end.div_ceil(block));
        let add = high - low;
        let grow = high.saturating_sub(old_count);
        let replaced =
            old.blocks.get(low as usize..high.min(old_count) as usize).unwrap_or_default().to_vec();
        let minus = replaced.iter().map(|r| ref_len(r.block)).sum::<u64>()
            + varint_len(old_size)
            + varint_len(old_count)
            + varint_len(modified);
        let plus = add * self.new_ref_bound()
            + varint_len(new_size)
            + varint_len(old_count + grow)
            + varint_len(now);
        self.check_quota(scope, 0, grow)?;
        self.admit(&Change {
            add,
            freed: self.uncommitted(&replaced),
            refs_after: self.map.refs + grow,
            meta_after: self.meta_bound() - minus + plus,
        })?;
        // Copy-on-write: merge the old content where the bytes cover a
        // block only in part, then write the merged blocks to new ones.
        let mut merged_blocks: Vec<Vec<u8>> = Vec::with_capacity(add as usize);
        for index in low..high {
            let start = index * block;
            let mut merged = vec![0; BLOCK_SIZE];
            if let Some(r) = replaced.get((index - low) as usize)
                && (offset > start || end < start + block)
            {
                read_block(&mut self.dev, r, &mut merged)?;
            }
            // Past the old end a block is zero as written; zero it anyway so
            // that an image from elsewhere cannot leak stale bytes.
            if let Some(tail) = merged.get_mut(old_size.saturating_sub(start).min(block) as usize..) {
                tail.fill(0);
            }
            let from = offset.max(start);
            let to = end.min(start + block);
            if from < to {
                let source = bytes.get((from - offset) as usize..(to - offset) as usize);
                let target = merged.get_mut((from - start) as usize..(to - start) as usize);
                if let (Some(source), Some(target)) = (source, target) {
                    target.copy_from_slice(source);
                }
            }
            merged_blocks.push(merged);
        }
        let fresh = self.write_blocks(merged_blocks.iter().map(Vec::as_slice))?;
        let plus = fresh.iter().map(|r| ref_len(r.block)).sum::<u64>()
            + varint_len(new_size)
            + varint_len(old_count + grow)
            + varint_len(now);
        if let Some(Node { modified, body: Body::File(data) }) = self.ns.node_mut(id) {
            *modified = now;
            data.size = new_size;
            for (index, r) in (low..high).zip(fresh) {
                match data.blocks.get_mut(index as usize) {
                    Some(slot) => *slot = r,
                    None => data.blocks.push(r),
                }
            }
        }
        self.ns.adjust_bound(minus, plus);
        self.release(&replaced);
        self.map.refs += grow;
        self.add_usage(scope, 0, grow);
        self.dirty = true;
        Ok(())
    }

    /// The whole content of file `path`.
    pub fn read_file(&mut self, path: &str) -> Result<Vec<u8>, Error> {
        self.read_at(path, 0, u64::MAX)
    }

    /// Up to `len` bytes of file `path` from `offset` (fewer at its end).
    pub fn read_at(&mut self, path: &str, offset: u64, len: u64) -> Result<Vec<u8>, Error> {
        let id = self.ns.resolve(&parse(path)?)?;
        match self.ns.node(id).map(|n| &n.body) {
            Some(Body::File(data)) => read_data(&mut self.dev, data, offset, len),
            _ => Err(Error::IsADirectory),
        }
    }

    /// Moves `from` to `to`. A file replaces an existing file at `to`; any
    /// other existing `to` is [`Error::AlreadyExists`]. Moving a directory
    /// into itself is [`Error::IntoItself`].
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let (from_parent, from_name) = parse_entry(from)?;
        let (to_parent, to_name) = parse_entry(to)?;
        let (from_names, to_names) = (parse(from)?, parse(to)?);
        if to_names.len() > from_names.len() && to_names.starts_with(&from_names) {
            return Err(Error::IntoItself);
        }
        let from_dir = self.ns.resolve_dir(&from_parent)?;
        let id = self.ns.child(from_dir, from_name).ok_or(Error::NotFound)?;
        let to_dir = self.ns.resolve_dir(&to_parent)?;
        if from_names == to_names {
            return Ok(());
        }
        let is_file = |node: Option<&Node>| node.is_some_and(|n| n.file().is_some());
        let replaced = match self.ns.child(to_dir, to_name) {
            Some(target) if is_file(self.ns.node(id)) && is_file(self.ns.node(target)) => Some(target),
            Some(_) => return Err(Error::AlreadyExists),
            None => None,
        };
        let replaced_data = replaced.and_then(|t| self.ns.node(t)).and_then(Node::file);
        let replaced_blocks = replaced_data.map_or(0, |d| d.blocks.len() as u64);
        let replaced_bound =
            replaced.and_then(|t| self.ns.node(t)).map_or(0, |n| entry_bound(to_name, n.modified, n.file()));
        let (from_scope, to_scope) = (from_names.first().copied(), to_names.first().copied());
        let moved = if from_scope != to_scope { self.ns.subtree_blocks(id) } else { 0 };
        if let Some(scope) = to_scope {
            self.check_quota(scope, replaced_blocks, moved)?;
        }
        let name_len = |name: &str| varint_len(name.len() as u64) + name.len() as u64;
        self.admit(&Change {
            add: 0,
            freed: 0,
            refs_after: self.map.refs - replaced_blocks,
            meta_after: self.meta_bound() - name_len(from_name) + name_len(to_name) - replaced_bound,
        })?;
        if replaced.is_some()
            && let Some(Node { body: Body::File(old), .. }) = self.ns.remove(to_dir, to_name)
        {
            self.release(&old.blocks);
            self.map.refs -= replaced_blocks;
        }
        self.ns.rename(from_dir, from_name, to_dir, to_name);
        if let (Some(from_scope), Some(to_scope)) = (from_scope, to_scope) {
            self.add_usage(from_scope, moved, 0);
            self.add_usage(to_scope, replaced_blocks, moved);
        }
        self.dirty = true;
        Ok(())
    }

    /// Removes file `path`, or directory `path` if it is empty.
    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        let (parent, name) = parse_entry(path)?;
        let scope = parent.first().copied().unwrap_or(name);
        let dir = self.ns.resolve_dir(&parent)?;
        let id = self.ns.child(dir, name).ok_or(Error::NotFound)?;
        if let Some(Node { body: Body::Dir(children), .. }) = self.ns.node(id)
            && !children.is_empty()
        {
            return Err(Error::NotEmpty);
        }
        if let Some(Node { body: Body::File(data), .. }) = self.ns.remove(dir, name) {
            let count = data.blocks.len() as u64;
            self.release(&data.blocks);
            self.map.refs -= count;
            self.add_usage(scope, count, 0);
        }
        self.dirty = true;
        Ok(())
    }

    /// The entries of directory `dir` (`""` is the root), by name.
    pub fn list(&self, dir: &str) -> Result<Vec<Entry>, Error> {
        let id = self.ns.resolve_dir(&parse(dir)?)?;
        let Some(Body::Dir(children)) = self.ns.node(id).map(|n| &n.body) else {
            return Err(Error::NotADirectory);
        };
        Ok(children.iter().filter_map(|(name, &id)| self.ns.node(id).map(|n| entry(name, n))).collect())
    }

    /// The entry at `path` (`""` is the root).
    pub fn stat(&self, path: &str) -> Result<Entry, Error> {
        let names = parse(path)?;
        let id: NodeId = self.ns.resolve(&names)?;
        let node = self.ns.node(id).ok_or(Error::NotFound)?;
        Ok(entry(names.last().copied().unwrap_or(""), node))
    }

    /// Limits the data below the top-level name `scope` to `limit` bytes
    /// (counted in whole blocks), or lifts the limit. The limit belongs to
    /// the name, whether or not an entry has it now, and may be below the
    /// current use (which then only blocks growth).
    pub fn set_quota(&mut self, scope: &str, limit: Option<u64>) -> Result<(), Error> {
        check_name(scope)?;
        let old = self.quotas.get(scope).map_or(0, |&l| quota_len(scope, l));
        let new = limit.map_or(0, |l| quota_len(scope, l));
        self.admit(&Change {
            add: 0,
            freed: 0,
            refs_after: self.map.refs,
            meta_after: self.meta_bound() - old + new,
        })?;
        match limit {
            Some(limit) => self.quotas.insert(scope.to_string(), limit),
            None => self.quotas.remove(scope),
        };
        self.quota_bound = self.quota_bound - old + new;
        self.dirty = true;
        Ok(())
    }

    /// The quota of top-level name `scope`, in bytes.
    pub fn quota(&self, scope: &str) -> Option<u64> {
        self.quotas.get(scope).copied()
    }

    /// Every quota, by scope.
    pub fn quotas(&self) -> Vec<(String, u64)> {
        self.quotas.iter().map(|(scope, &limit)| (scope.clone(), limit)).collect()
    }

    /// Bytes of data blocks below top-level name `scope`.
    pub fn usage(&self, scope: &str) -> u64 {
        self.usage.get(scope).map_or(0, |&blocks| blocks * BLOCK_SIZE as u64)
    }

    /// Refuses growing `scope` from `old` to `new` blocks past its quota.
    fn check_quota(&self, scope: &str, old: u64, new: u64) -> Result<(), Error> {
        let (Some(&limit), true) = (self.quotas.get(scope), new > old) else { return Ok(()) };
        let used = self.usage.get(scope).copied().unwrap_or(0).saturating_sub(old).saturating_add(new);
        if used.saturating_mul(BLOCK_SIZE as u64) > limit { Err(Error::QuotaExceeded) } else { Ok(()) }
    }

    /// Moves `scope`'s block count from `old` to `new`.
    fn add_usage(&mut self, scope: &str, old: u64, new: u64) {
        let used = self.usage.get(scope).copied().unwrap_or(0).saturating_sub(old).saturating_add(new);
        if used == 0 {
            self.usage.remove(scope);
        } else {
            self.usage.insert(scope.to_string(), used);
        }
    }
}
