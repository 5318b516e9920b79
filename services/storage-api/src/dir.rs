//! [`Dir`]: a directory capability as a program uses it, with whole-file
//! reads and writes split into chunks.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use weft_ipc::{Client, IpcError};
use weft_rt::{Channel, Deadline};

use core::time::Duration;

use crate::{Blob, Entry, MAX_CHUNK, Space, StorageError, StorageProtocol, StorageRequest, StorageResponse};

/// How long a call may take before the service counts as hung.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a [`Dir`] call failed: the service refused, or could not be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirError {
    /// The service refused; nothing changed.
    Storage(StorageError),
    /// The capability is gone (the service restarted) or the call failed.
    Ipc(String),
}

impl core::fmt::Display for DirError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DirError::Storage(error) => write!(f, "{error}"),
            DirError::Ipc(error) => write!(f, "storage unreachable: {error}"),
        }
    }
}

impl From<IpcError> for DirError {
    fn from(error: IpcError) -> DirError {
        DirError::Ipc(weft_ipc::describe(&error))
    }
}

/// A directory capability.
#[derive(Debug)]
pub struct Dir {
    client: Client<StorageProtocol>,
}

impl Dir {
    /// Use `channel`, a `weft.storage` connection or a capability from
    /// [`Dir::open`].
    pub fn new(channel: Channel) -> Dir {
        Dir { client: Client::new(channel) }
    }

    /// The directory the program's route grants, through its namespace.
    pub fn connect() -> Result<Dir, weft_ipc::ConnectError> {
        weft_ipc::connect::<StorageProtocol>().map(|client| Dir { client })
    }

    /// Whether the capability is gone (the storage service restarted:
    /// connect again).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Give the channel back (to pass the capability on).
    pub fn into_channel(self) -> Channel {
        self.client.into_channel()
    }

    /// One call; the service's own refusal becomes [`DirError::Storage`].
    pub fn call(&self, request: &StorageRequest) -> Result<StorageResponse, DirError> {
        match self.client.call_until(request, Deadline::after(CALL_TIMEOUT))? {
            StorageResponse::Error(error) => Err(DirError::Storage(error)),
            response => Ok(response),
        }
    }

    fn done(&self, request: &StorageRequest) -> Result<(), DirError> {
        self.call(request).map(|_| ())
    }

    /// The entry at `path`.
    pub fn stat(&self, path: &str) -> Result<Entry, DirError> {
        match self.call(&StorageRequest::Stat { path: path.to_string() })? {
            StorageResponse::Entry(entry) => Ok(entry),
            _ => Err(unexpected()),
        }
    }

    /// The entries of directory `path`.
    pub fn list(&self, path: &str) -> Result<Vec<Entry>, DirError> {
        match self.call(&StorageRequest::List { path: path.to_string() })? {
            StorageResponse::Entries(entries) => Ok(entries),
            _ => Err(unexpected()),
        }
    }

    /// A whole file.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, DirError> {
        self.read_chunks(|offset| StorageRequest::Read { path: path.to_string(), offset, len: MAX_CHUNK })
    }

    /// Read chunk after chunk (`request` asks for the one at an offset)
    /// until one comes back short.
    fn read_chunks(&self, request: impl Fn(u64) -> StorageRequest) -> Result<Vec<u8>, DirError> {
        let mut bytes = Vec::new();
        loop {
            match self.call(&request(bytes.len() as u64))? {
                StorageResponse::Data(chunk) => {
                    let last = chunk.len() < MAX_CHUNK as usize;
                    bytes.extend_from_slice(&chunk);
                    if last {
                        return Ok(bytes);
                    }
                }
                _ => return Err(unexpected()),
            }
        }
    }

    /// Create or replace a whole file. Files over one chunk are written in
    /// several requests: a crash between them can leave a shorter file, so
    /// write those under a temporary name and [`Dir::rename`] it.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), DirError> {
        let mut chunks = bytes.chunks(MAX_CHUNK as usize);
        let first = chunks.next().unwrap_or_default();
        self.done(&StorageRequest::Write { path: path.to_string(), data: first.to_vec() })?;
        let mut offset = first.len() as u64;
        for chunk in chunks {
            self.done(&StorageRequest::WriteAt { path: path.to_string(), offset, data: chunk.to_vec() })?;
            offset += chunk.len() as u64;
        }
        Ok(())
    }

    /// Write `bytes` to `path` so that a crash leaves the old or the new
    /// file, never a part: write a temporary file, then rename it over (a
    /// rename replaces a file in one commit).
    pub fn replace(&self, path: &str, bytes: &[u8]) -> Result<(), DirError> {
        if bytes.len() <= MAX_CHUNK as usize {
            return self.write(path, bytes);
        }
        let temporary = alloc::format!("{path}.partial");
        self.write(&temporary, bytes)?;
        self.rename(&temporary, path)
    }

    /// Make directory `path`.
    pub fn create_dir(&self, path: &str) -> Result<(), DirError> {
        self.done(&StorageRequest::CreateDir { path: path.to_string() })
    }

    /// Make directory `path` and its parents; an existing one is fine.
    pub fn create_dir_all(&self, path: &str) -> Result<(), DirError> {
        let mut at = 0;
        while at < path.len() {
            let end = path[at..].find('/').map_or(path.len(), |i| at + i);
            match self.create_dir(&path[..end]) {
                Ok(()) | Err(DirError::Storage(StorageError::AlreadyExists)) => {}
                Err(error) => return Err(error),
            }
            at = end + 1;
        }
        Ok(())
    }

    /// Move or rename.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), DirError> {
        self.done(&StorageRequest::Rename { from: from.to_string(), to: to.to_string() })
    }

    /// Delete a file or an empty directory.
    pub fn remove(&self, path: &str) -> Result<(), DirError> {
        self.done(&StorageRequest::Remove { path: path.to_string() })
    }

    /// Wait until every change so far is durable.
    pub fn sync(&self) -> Result<(), DirError> {
        self.done(&StorageRequest::Sync)
    }

    /// Check every block and blob of the store (a whole-store capability).
    pub fn check(&self) -> Result<(), DirError> {
        self.done(&StorageRequest::Check)
    }

    /// Space figures.
    pub fn space(&self) -> Result<Space, DirError> {
        match self.call(&StorageRequest::Space)? {
            StorageResponse::Space(space) => Ok(space),
            _ => Err(unexpected()),
        }
    }

    /// A capability for subdirectory `path`, read-only if asked.
    pub fn open(&self, path: &str, read_only: bool) -> Result<Dir, DirError> {
        let request = StorageRequest::Open { path: path.to_string(), read_only };
        let (response, mut handles) =
            self.client.call_with(&request, Vec::new(), Deadline::after(CALL_TIMEOUT))?;
        match response {
            StorageResponse::Opened => match handles.pop() {
                Some(handle) => Ok(Dir::new(Channel::from_handle(handle))),
                None => Err(unexpected()),
            },
            StorageResponse::Error(error) => Err(DirError::Storage(error)),
            _ => Err(unexpected()),
        }
    }

    /// Store `bytes` as a blob named by their SHA-256 `name`.
    pub fn put_blob(&self, name: [u8; 32], bytes: &[u8]) -> Result<(), DirError> {
        let mut offset = 0u64;
        for chunk in bytes.chunks(MAX_CHUNK as usize) {
            self.done(&StorageRequest::BlobWrite { offset, data: chunk.to_vec() })?;
            offset += chunk.len() as u64;
        }
        self.done(&StorageRequest::BlobFinish { name })
    }

    /// A whole blob, verified by the service against its name.
    pub fn blob(&self, name: [u8; 32]) -> Result<Vec<u8>, DirError> {
        self.read_chunks(|offset| StorageRequest::BlobRead { name, offset, len: MAX_CHUNK })
    }

    /// Every blob.
    pub fn blobs(&self) -> Result<Vec<Blob>, DirError> {
        match self.call(&StorageRequest::BlobList)? {
            StorageResponse::Blobs(blobs) => Ok(blobs),
            _ => Err(unexpected()),
        }
    }
}

fn unexpected() -> DirError {
    DirError::Ipc(String::from("unexpected answer"))
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

    /// The capability, connected again first if the service restarted.
    pub fn dir(&mut self) -> &Dir {
        if self.0.is_closed()
            && let Ok(dir) = Dir::connect()
        {
            self.0 = dir;
        }
        &self.0
    }
}
