//! A read-only directory tree over path-named files.
//!
//! The boot bundle carries files as a flat list of repository-relative
//! paths (`README.md`, `docs/abi.md`); directories exist only as path
//! prefixes. [`FileTree`] turns that list into a tree people can browse:
//! absolute paths (`/docs/abi.md`), directories derived from the files
//! under them, listings with sizes, and path resolution relative to a
//! working directory (`.`, `..`, absolute or relative).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Whether an entry is a file or a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// A directory (derived from the paths of the files under it).
    Directory,
    /// A file with contents.
    File,
}

/// One entry of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeEntry {
    /// Last path component (`/` for the root).
    pub name: String,
    /// Absolute path (`/docs/abi.md`).
    pub path: String,
    /// File or directory.
    pub kind: EntryKind,
    /// Bytes in the file, or in every file below the directory.
    pub size: u64,
    /// Entries directly inside a directory (0 for files).
    pub items: usize,
}

/// Why a path could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// Nothing at this path.
    NotFound(String),
    /// A directory was needed.
    NotADirectory(String),
    /// A file was needed.
    IsADirectory(String),
}

impl fmt::Display for FsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsError::NotFound(path) => write!(formatter, "{path}: no such file or directory"),
            FsError::NotADirectory(path) => write!(formatter, "{path}: not a directory"),
            FsError::IsADirectory(path) => write!(formatter, "{path}: is a directory"),
        }
    }
}

/// A read-only tree of files, addressed by absolute paths.
#[derive(Clone, Debug, Default)]
pub struct FileTree {
    /// Files by absolute path.
    files: BTreeMap<String, Vec<u8>>,
    /// Every directory's absolute path, the root (`/`) included.
    directories: BTreeSet<String>,
}

impl FileTree {
    /// A tree of `files` given as (path, contents). Paths may be relative
    /// or absolute; empty, `.` and `..` components are dropped; a later
    /// file with the same path replaces an earlier one; a file whose path
    /// is also a directory's is left out.
    pub fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> FileTree {
        let mut tree = FileTree::default();
        tree.directories.insert(String::from("/"));
        for (path, bytes) in files {
            let Some(path) = clean(&path) else { continue };
            let mut parent = parent_of(&path);
            while let Some(directory) = parent {
                parent = parent_of(&directory);
                tree.directories.insert(directory);
            }
            tree.files.insert(path, bytes);
        }
        let directories = &tree.directories;
        tree.files.retain(|path, _| !directories.contains(path));
        tree
    }

    /// Number of files.
    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Whether the tree holds no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// What is at `path` (absolute), if anything.
    pub fn kind(&self, path: &str) -> Option<EntryKind> {
        if self.directories.contains(path) {
            Some(EntryKind::Directory)
        } else if self.files.contains_key(path) {
            Some(EntryKind::File)
        } else {
            None
        }
    }

    /// The entry at `path` (absolute).
    pub fn entry(&self, path: &str) -> Result<TreeEntry, FsError> {
        match self.kind(path) {
            Some(EntryKind::File) => {
                let size = self.files.get(path).map_or(0, |bytes| bytes.len() as u64);
                Ok(TreeEntry {
                    name: name_of(path),
                    path: String::from(path),
                    kind: EntryKind::File,
                    size,
                    items: 0,
                })
            }
            Some(EntryKind::Directory) => Ok(self.directory_entry(path)),
            None => Err(FsError::NotFound(String::from(path))),
        }
    }

    fn directory_entry(&self, path: &str) -> TreeEntry {
        let prefix = directory_prefix(path);
        let size = self
            .files
            .iter()
            .filter(|(file, _)| file.starts_with(&prefix))
            .map(|(_, b)| b.len() as u64)
            .sum();
        let items = self.children(path).count();
        TreeEntry { name: name_of(path), path: String::from(path), kind: EntryKind::Directory, size, items }
    }

    /// Paths directly inside directory `path`, unsorted.
    fn children<'a>(&'a self, path: &str) -> impl Iterator<Item = (&'a String, EntryKind)> + 'a {
        let prefix = directory_prefix(path);
        let direct = move |candidate: &String| {
            candidate.len() > prefix.len()
                && candidate.starts_with(&prefix)
                && !candidate[prefix.len()..].contains('/')
        };
        let direct_files = direct.clone();
        self.directories
            .iter()
            .filter(move |candidate| direct(candidate))
            .map(|path| (path, EntryKind::Directory))
            .chain(
                self.files
                    .keys()
                    .filter(move |candidate| direct_files(candidate))
                    .map(|p| (p, EntryKind::File)),
            )
    }

    /// The entries inside directory `path` (absolute): directories first,
    /// then files, each by name ignoring case.
    pub fn list(&self, path: &str) -> Result<Vec<TreeEntry>, FsError> {
        match self.kind(path) {
            Some(EntryKind::Directory) => {}
            Some(EntryKind::File) => return Err(FsError::NotADirectory(String::from(path))),
            None => return Err(FsError::NotFound(String::from(path))),
        }
        let mut entries: Vec<TreeEntry> = self
            .children(path)
            .map(|(child, kind)| match kind {
                EntryKind::Directory => self.directory_entry(child),
                EntryKind::File => TreeEntry {
                    name: name_of(child),
                    path: child.clone(),
                    kind,
                    size: self.files.get(child).map_or(0, |bytes| bytes.len() as u64),
                    items: 0,
                },
            })
            .collect();
        entries.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| compare_names(&a.name, &b.name)));
        Ok(entries)
    }

    /// The contents of the file at `path` (absolute).
    pub fn read(&self, path: &str) -> Result<&[u8], FsError> {
        match self.files.get(path) {
            Some(bytes) => Ok(bytes),
            None if self.directories.contains(path) => Err(FsError::IsADirectory(String::from(path))),
            None => Err(FsError::NotFound(String::from(path))),
        }
    }
}

/// `path` resolved against the working directory `cwd` (absolute) as a
/// clean absolute path. `..` at the root stays at the root, as in Unix.
pub fn resolve(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let start = if path.starts_with('/') { "" } else { cwd };
    for part in start.split('/').chain(path.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let mut resolved = String::new();
    for part in &parts {
        resolved.push('/');
        resolved.push_str(part);
    }
    if resolved.is_empty() {
        resolved.push('/');
    }
    resolved
}

/// The parent directory of an absolute path (`None` for the root).
pub fn parent_of(path: &str) -> Option<String> {
    if path == "/" || path.is_empty() {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) => Some(String::from("/")),
        Some(index) => Some(String::from(&trimmed[..index])),
        None => Some(String::from("/")),
    }
}

/// The last component of an absolute path (`/` for the root).
pub fn name_of(path: &str) -> String {
    if path == "/" {
        return String::from("/");
    }
    String::from(path.trim_end_matches('/').rsplit('/').next().unwrap_or(path))
}

/// Whether `bytes` look like text: valid UTF-8 without NUL or other
/// control characters besides tab, line feed, carriage return and escape.
pub fn is_text(bytes: &[u8]) -> bool {
    match core::str::from_utf8(bytes) {
        Ok(text) => !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{1b}')),
        Err(_) => false,
    }
}

/// A bundle path as an absolute path, or `None` if nothing is left.
fn clean(path: &str) -> Option<String> {
    let resolved = resolve("/", path);
    (resolved != "/" && !path.split('/').any(|part| part == "..")).then_some(resolved)
}

fn directory_prefix(path: &str) -> String {
    let mut prefix = String::from(path.trim_end_matches('/'));
    prefix.push('/');
    prefix
}

/// Orders names as people expect: ignoring case, then by exact bytes.
pub fn compare_names(a: &str, b: &str) -> core::cmp::Ordering {
    let folded = |name: &str| name.chars().flat_map(char::to_lowercase).collect::<String>();
    folded(a).cmp(&folded(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn sample() -> FileTree {
        FileTree::new(vec![
            (String::from("README.md"), b"# Weft\n".to_vec()),
            (String::from("docs/abi.md"), b"abi".to_vec()),
            (String::from("docs/Protocols.md"), b"protocols!".to_vec()),
            (String::from("/docs/deep/notes.txt"), b"n".to_vec()),
            (String::from("bin/blob"), vec![0, 159, 146, 150]),
        ])
    }

    #[test]
    fn directories_come_from_paths() {
        let tree = sample();
        assert_eq!(tree.kind("/"), Some(EntryKind::Directory));
        assert_eq!(tree.kind("/docs"), Some(EntryKind::Directory));
        assert_eq!(tree.kind("/docs/deep"), Some(EntryKind::Directory));
        assert_eq!(tree.kind("/docs/abi.md"), Some(EntryKind::File));
        assert_eq!(tree.kind("/nothing"), None);
        assert_eq!(tree.file_count(), 5);
    }

    #[test]
    fn listings_put_directories_first_and_sort_names_ignoring_case() {
        let tree = sample();
        let names: Vec<String> = tree.list("/").unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["bin", "docs", "README.md"]);
        let docs = tree.list("/docs").unwrap();
        let names: Vec<&str> = docs.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["deep", "abi.md", "Protocols.md"]);
        assert_eq!(docs[0].items, 1);
        assert_eq!(docs[2].size, 10);
        assert_eq!(tree.entry("/docs").unwrap().size, 3 + 10 + 1);
        assert_eq!(tree.list("/README.md"), Err(FsError::NotADirectory("/README.md".into())));
        assert_eq!(tree.list("/nope"), Err(FsError::NotFound("/nope".into())));
    }

    #[test]
    fn reading_files_and_refusing_directories() {
        let tree = sample();
        assert_eq!(tree.read("/docs/abi.md").unwrap(), b"abi");
        assert_eq!(tree.read("/docs"), Err(FsError::IsADirectory("/docs".into())));
        assert!(is_text(tree.read("/README.md").unwrap()));
        assert!(!is_text(tree.read("/bin/blob").unwrap()));
    }

    #[test]
    fn paths_resolve_like_unix() {
        assert_eq!(resolve("/", "docs"), "/docs");
        assert_eq!(resolve("/docs", "../README.md"), "/README.md");
        assert_eq!(resolve("/docs", "/bin//blob"), "/bin/blob");
        assert_eq!(resolve("/docs", "./deep/."), "/docs/deep");
        assert_eq!(resolve("/", "../../.."), "/");
        assert_eq!(parent_of("/docs/abi.md").as_deref(), Some("/docs"));
        assert_eq!(parent_of("/docs").as_deref(), Some("/"));
        assert_eq!(parent_of("/"), None);
        assert_eq!(name_of("/docs/abi.md"), "abi.md");
    }

    #[test]
    fn hostile_paths_are_dropped() {
        let tree = FileTree::new(vec![
            (String::from(""), vec![1]),
            (String::from("../escape"), vec![2]),
            (String::from("a"), vec![3]),
            (String::from("a/b"), vec![4]),
        ]);
        // `a` is both a file and a directory: the directory wins.
        assert_eq!(tree.kind("/a"), Some(EntryKind::Directory));
        assert_eq!(tree.file_count(), 1);
        assert_eq!(tree.kind("/escape"), None);
    }
}
