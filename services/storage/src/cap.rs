//! Directory capabilities: which directory a connection reaches, and how.

use alloc::string::String;
use weft_ipc::ClientInfo;
use weft_storage_api::{StorageError, grant};

/// What one connection may reach: a directory of the store (`root`, a
/// path from the top; empty is the whole store), whether it may change
/// anything, and whether it may use the blob store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cap {
    /// The directory, from the top of the store.
    pub root: String,
    /// Changes are refused.
    pub read_only: bool,
    /// Blob requests are allowed.
    pub blobs: bool,
}

/// The top-level directory of a program that has no `dir:` grant.
pub fn own_directory(program: &str) -> String {
    alloc::format!("app-{program}")
}

impl Cap {
    /// The capability a route grants: `dir:<path>` or the program's own
    /// directory, `read-only`, `blobs`.
    pub fn for_client(client: &ClientInfo) -> Cap {
        let root = client
            .grants
            .iter()
            .find_map(|g| g.strip_prefix(grant::DIR_PREFIX))
            .map_or_else(|| own_directory(&client.name), String::from);
        Cap { root, read_only: client.has(grant::READ_ONLY), blobs: client.has(grant::BLOBS) }
    }

    /// `path` (relative to this directory) as a path from the top of the
    /// store. The store's own path rules then refuse `..`, `.`, absolute
    /// paths and empty or over-long names, so nothing outside `root` can
    /// be named.
    pub fn resolve(&self, path: &str) -> String {
        match (self.root.is_empty(), path.is_empty()) {
            (true, _) => String::from(path),
            (false, true) => self.root.clone(),
            (false, false) => alloc::format!("{}/{path}", self.root),
        }
    }

    /// A capability for subdirectory `path` of this one; read-only stays.
    pub fn narrow(&self, path: &str, read_only: bool) -> Cap {
        Cap { root: self.resolve(path), read_only: self.read_only || read_only, blobs: false }
    }

    /// Refuses a change through a read-only capability.
    pub fn writable(&self) -> Result<(), StorageError> {
        if self.read_only { Err(StorageError::ReadOnly) } else { Ok(()) }
    }

    /// The top-level directory (the quota's scope).
    pub fn scope(&self) -> &str {
        self.root.split('/').next().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, grants: &[&str]) -> ClientInfo {
        ClientInfo {
            name: name.into(),
            principal: 7,
            grants: grants.iter().map(|g| String::from(*g)).collect(),
        }
    }

    #[test]
    fn a_program_without_a_grant_gets_its_own_directory() {
        let cap = Cap::for_client(&client("notes", &[]));
        assert_eq!(cap, Cap { root: "app-notes".into(), read_only: false, blobs: false });
        assert_eq!(cap.resolve("a/b"), "app-notes/a/b");
        assert_eq!(cap.resolve(""), "app-notes");
        assert_eq!(cap.scope(), "app-notes");
    }

    #[test]
    fn grants_choose_the_directory_and_the_rights() {
        let cap = Cap::for_client(&client("files", &["dir:documents", "read-only"]));
        assert_eq!(cap.root, "documents");
        assert!(cap.read_only && !cap.blobs);
        let all = Cap::for_client(&client("opsh", &["dir:", "blobs"]));
        assert_eq!(all.resolve("documents/x"), "documents/x");
        assert!(all.blobs);
    }

    #[test]
    fn narrowing_keeps_read_only_and_drops_blobs() {
        let cap = Cap { root: "documents".into(), read_only: true, blobs: true };
        let narrow = cap.narrow("photos", false);
        assert_eq!(narrow, Cap { root: "documents/photos".into(), read_only: true, blobs: false });
        assert_eq!(narrow.scope(), "documents");
    }
}
