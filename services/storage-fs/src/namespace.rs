//! The directory tree in memory: an arena of nodes, each directory mapping
//! names to node ids, plus the running bound of its encoded size.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::error::{Corruption, Error};
use crate::image::{BodyOut, DiskBody, DiskNode, FileData, NodeOut, entry_bound, varint_len};
use crate::path::check_name;

/// Index of a node in the arena.
pub(crate) type NodeId = usize;
/// The root directory's id.
pub(crate) const ROOT: NodeId = 0;
/// Most entries below the root: on disk an entry names its parent as a u32.
pub(crate) const MAX_ENTRIES: usize = u32::MAX as usize - 1;

/// A file or a directory.
pub(crate) struct Node {
    pub modified: u64,
    pub body: Body,
}

/// What a node holds.
pub(crate) enum Body {
    Dir(BTreeMap<String, NodeId>),
    File(FileData),
}

impl Node {
    pub(crate) fn file(&self) -> Option<&FileData> {
        match &self.body {
            Body::File(data) => Some(data),
            Body::Dir(_) => None,
        }
    }
}

/// The tree.
pub(crate) struct Namespace {
    nodes: Vec<Option<Node>>,
    vacant: Vec<NodeId>,
    entries: usize,
    /// Sum of [`entry_bound`] over every entry below the root.
    bound: u64,
}

impl Namespace {
    /// An empty root directory.
    pub(crate) fn new(created: u64) -> Namespace {
        let root = Node { modified: created, body: Body::Dir(BTreeMap::new()) };
        Namespace { nodes: vec![Some(root)], vacant: Vec::new(), entries: 0, bound: 0 }
    }

    pub(crate) fn bound(&self) -> u64 {
        self.bound
    }

    pub(crate) fn entries(&self) -> usize {
        self.entries
    }

    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id).and_then(Option::as_ref)
    }

    /// The node to change in place; whoever changes a file's data or time
    /// this way reports the bound change with [`Namespace::adjust_bound`].
    pub(crate) fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id).and_then(Option::as_mut)
    }

    pub(crate) fn adjust_bound(&mut self, minus: u64, plus: u64) {
        self.bound = self.bound.saturating_add(plus).saturating_sub(minus);
    }

    /// The entry `name` of directory `dir`.
    pub(crate) fn child(&self, dir: NodeId, name: &str) -> Option<NodeId> {
        match &self.node(dir)?.body {
            Body::Dir(children) => children.get(name).copied(),
            Body::File(_) => None,
        }
    }

    /// The node at `names` below the root.
    pub(crate) fn resolve(&self, names: &[&str]) -> Result<NodeId, Error> {
        let mut id = ROOT;
        for name in names {
            match &self.node(id).ok_or(Error::NotFound)?.body {
                Body::Dir(children) => id = *children.get(*name).ok_or(Error::NotFound)?,
                Body::File(_) => return Err(Error::NotADirectory),
            }
        }
        Ok(id)
    }

    /// The directory at `names`.
    pub(crate) fn resolve_dir(&self, names: &[&str]) -> Result<NodeId, Error> {
        let id = self.resolve(names)?;
        match self.node(id).map(|n| &n.body) {
            Some(Body::Dir(_)) => Ok(id),
            _ => Err(Error::NotADirectory),
        }
    }

    /// Adds `node` as `name` in `dir` (the caller checked the name is free).
    pub(crate) fn insert(&mut self, dir: NodeId, name: &str, node: Node) -> NodeId {
        let bound = entry_bound(name, node.modified, node.file());
        let id = match self.vacant.pop() {
            Some(id) => id,
            None => {
                self.nodes.push(None);
                self.nodes.len() - 1
            }
        };
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = Some(node);
        }
        if let Some(Node { body: Body::Dir(children), .. }) = self.node_mut(dir) {
            children.insert(name.to_string(), id);
        }
        self.entries += 1;
        self.bound += bound;
        id
    }

    /// Takes entry `name` out of `dir` and returns its node (for a
    /// directory, the caller checked it is empty).
    pub(crate) fn remove(&mut self, dir: NodeId, name: &str) -> Option<Node> {
        let id = match &mut self.node_mut(dir)?.body {
            Body::Dir(children) => children.remove(name)?,
            Body::File(_) => return None,
        };
        let node = self.nodes.get_mut(id)?.take()?;
        self.vacant.push(id);
        self.entries -= 1;
        self.bound -= entry_bound(name, node.modified, node.file());
        Some(node)
    }

    /// Moves entry `from` of `from_dir` to the free name `to` of `to_dir`.
    pub(crate) fn rename(&mut self, from_dir: NodeId, from: &str, to_dir: NodeId, to: &str) {
        let Some(id) = (match &mut self.node_mut(from_dir).map(|n| &mut n.body) {
            Some(Body::Dir(children)) => children.remove(from),
            _ => None,
        }) else {
            return;
        };
        if let Some(Node { body: Body::Dir(children), .. }) = self.node_mut(to_dir) {
            children.insert(to.to_string(), id);
        }
        let (old, new) = (from.len() as u64, to.len() as u64);
        self.adjust_bound(varint_len(old) + old, varint_len(new) + new);
    }

    /// Data blocks of every file at or below `id`.
    pub(crate) fn subtree_blocks(&self, id: NodeId) -> u64 {
        let mut total = 0;
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            match self.node(id).map(|n| &n.body) {
                Some(Body::File(data)) => total += data.blocks.len() as u64,
                Some(Body::Dir(children)) => stack.extend(children.values().copied()),
                None => {}
            }
        }
        total
    }

    /// Every file's data.
    pub(crate) fn files(&self) -> impl Iterator<Item = &FileData> {
        self.nodes.iter().flatten().filter_map(Node::file)
    }

    /// The entries in image order: breadth first, so a parent always comes
    /// before its entries; names in byte order within a directory.
    pub(crate) fn to_disk(&self) -> Vec<NodeOut<'_>> {
        let mut out = Vec::with_capacity(self.entries);
        let mut queue = VecDeque::from([(ROOT, 0u32)]);
        while let Some((dir, number)) = queue.pop_front() {
            let Some(Body::Dir(children)) = self.node(dir).map(|n| &n.body) else { continue };
            for (name, &id) in children {
                let Some(node) = self.node(id) else { continue };
                let body = match &node.body {
                    Body::Dir(_) => BodyOut::Dir,
                    Body::File(data) => BodyOut::File(data),
                };
                out.push(NodeOut { parent: number, name, modified: node.modified, body });
                if let Body::Dir(_) = node.body {
                    queue.push_back((id, out.len() as u32));
                }
            }
        }
        out
    }

    /// Rebuilds the tree from an image's entry list, checking its shape:
    /// parents are earlier directories, names are valid and unique.
    pub(crate) fn from_disk(created: u64, nodes: Vec<DiskNode>) -> Result<Namespace, Error> {
        let bad = Error::Corrupt(Corruption::Metadata);
        if nodes.len() > MAX_ENTRIES {
            return Err(bad);
        }
        let mut ns = Namespace::new(created);
        let mut ids = Vec::with_capacity(nodes.len() + 1);
        ids.push(ROOT);
        for entry in nodes {
            let parent = *ids.get(entry.parent as usize).ok_or(bad)?;
            check_name(&entry.name).map_err(|_| bad)?;
            match ns.node(parent).map(|n| &n.body) {
                Some(Body::Dir(children)) if !children.contains_key(&entry.name) => {}
                _ => return Err(bad),
            }
            let body = match entry.body {
                DiskBody::Dir => Body::Dir(BTreeMap::new()),
                DiskBody::File(data) => Body::File(data),
            };
            ids.push(ns.insert(parent, &entry.name, Node { modified: entry.modified, body }));
        }
        Ok(ns)
    }

    /// The bound recomputed from scratch, to check the running one.
    pub(crate) fn recomputed_bound(&self) -> u64 {
        let mut total = 0;
        for node in self.nodes.iter().flatten() {
            if let Body::Dir(children) = &node.body {
                for (name, &id) in children {
                    if let Some(child) = self.node(id) {
                        total += entry_bound(name, child.modified, child.file());
                    }
                }
            }
        }
        total
    }
}
