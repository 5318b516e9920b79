//! Answering one request on one capability.

use alloc::string::ToString;
use alloc::vec::Vec;
use weft_storage_api::{
    Blob, Entry, Kind, MAX_BLOB, MAX_CHUNK, Space, StorageError, StorageRequest, StorageResponse,
};
use weft_storage_fs::{BlockDevice, Corruption, Error, Store};

use crate::cap::Cap;

/// The store's error as the protocol's.
pub fn storage_error(error: Error) -> StorageError {
    match error {
        Error::NotFound => StorageError::NotFound,
        Error::AlreadyExists => StorageError::AlreadyExists,
        Error::NotADirectory => StorageError::NotADirectory,
        Error::IsADirectory => StorageError::IsADirectory,
        Error::NotEmpty => StorageError::NotEmpty,
        Error::InvalidPath => StorageError::InvalidPath,
        Error::IntoItself => StorageError::IntoItself,
        Error::NoSpace | Error::TooSmall => StorageError::NoSpace,
        Error::QuotaExceeded => StorageError::QuotaExceeded,
        Error::Corrupt(Corruption::Blob) => StorageError::HashMismatch,
        Error::Corrupt(_) => StorageError::Corrupt(error.to_string()),
        Error::NotFormatted | Error::Unsupported(_) => StorageError::Unavailable(error.to_string()),
        Error::Device(_) => StorageError::Device(error.to_string()),
    }
}

fn entry(entry: weft_storage_fs::Entry) -> Entry {
    let kind = match entry.kind {
        weft_storage_fs::Kind::File => Kind::File,
        weft_storage_fs::Kind::Dir => Kind::Dir,
    };
    Entry { name: entry.name, kind, size: entry.size, modified: entry.modified }
}

/// What answering a request asks of the service loop besides the answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// The store changed: commit soon.
    pub changed: bool,
    /// Commit now, before the answer goes out.
    pub sync: bool,
    /// Serve a new capability (the answer carries its channel).
    pub open: Option<Cap>,
}

/// What one connection is in the middle of.
#[derive(Default)]
pub struct Session {
    /// Blob bytes staged by `BlobWrite`.
    pub staged: Vec<u8>,
    /// The blob last read, verified, so that reading it in chunks checks
    /// it once.
    pub reading: Option<([u8; 32], Vec<u8>)>,
}

/// Answers `request` on `cap`; `now` is Unix seconds.
pub fn answer<D: BlockDevice>(
    store: &mut Store<D>,
    cap: &Cap,
    request: StorageRequest,
    now: u64,
    session: &mut Session,
) -> (StorageResponse, Effects) {
    let mut effects = Effects::default();
    let result = run(store, cap, request, now, session, &mut effects);
    match result {
        Ok(response) => (response, effects),
        Err(error) => (StorageResponse::Error(error), Effects::default()),
    }
}

fn run<D: BlockDevice>(
    store: &mut Store<D>,
    cap: &Cap,
    request: StorageRequest,
    now: u64,
    session: &mut Session,
    effects: &mut Effects,
) -> Result<StorageResponse, StorageError> {
    let fs = storage_error;
    let chunk =
        |data: &[u8]| if data.len() > MAX_CHUNK as usize { Err(StorageError::BadRequest) } else { Ok(()) };
    let blobs = || if cap.blobs { Ok(()) } else { Err(StorageError::NoBlobAccess) };
    let response = match request {
        StorageRequest::Stat { path } => {
            StorageResponse::Entry(entry(store.stat(&cap.resolve(&path)).map_err(fs)?))
        }
        StorageRequest::List { path } => StorageResponse::Entries(
            store.list(&cap.resolve(&path)).map_err(fs)?.into_iter().map(entry).collect(),
        ),
        StorageRequest::Read { path, offset, len } => {
            let len = u64::from(len.min(MAX_CHUNK));
            StorageResponse::Data(store.read_at(&cap.resolve(&path), offset, len).map_err(fs)?)
        }
        StorageRequest::Write { path, data } => {
            cap.writable()?;
            chunk(&data)?;
            store.write_file(&cap.resolve(&path), &data, now).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::WriteAt { path, offset, data } => {
            cap.writable()?;
            chunk(&data)?;
            store.write_at(&cap.resolve(&path), offset, &data, now).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::CreateDir { path } => {
            cap.writable()?;
            store.create_dir(&cap.resolve(&path), now).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::Rename { from, to } => {
            cap.writable()?;
            if from.is_empty() || to.is_empty() {
                // The capability's own directory cannot be moved.
                return Err(StorageError::InvalidPath);
            }
            store.rename(&cap.resolve(&from), &cap.resolve(&to)).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::Remove { path } => {
            cap.writable()?;
            if path.is_empty() {
                return Err(StorageError::InvalidPath);
            }
            store.remove(&cap.resolve(&path)).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::Sync => {
            effects.sync = true;
            StorageResponse::Ok
        }
        StorageRequest::Space => {
            let space = store.space();
            let block = u64::from(space.block_size);
            let scope = cap.scope().to_string();
            StorageResponse::Space(Space {
                total: space.total_blocks * block,
                free: space.free_blocks * block,
                used: if scope.is_empty() {
                    (space.total_blocks - space.free_blocks) * block
                } else {
                    store.usage(&scope)
                },
                quota: store.quota(&scope),
                scope,
            })
        }
        StorageRequest::Open { path, read_only } => {
            let narrow = cap.narrow(&path, read_only);
            let target = store.stat(&narrow.root).map_err(fs)?;
            if target.kind != weft_storage_fs::Kind::Dir {
                return Err(StorageError::NotADirectory);
            }
            effects.open = Some(narrow);
            StorageResponse::Opened
        }
        StorageRequest::BlobWrite { offset, data } => {
            blobs()?;
            cap.writable()?;
            chunk(&data)?;
            let staged = &mut session.staged;
            if offset != staged.len() as u64 {
                if offset == 0 {
                    staged.clear();
                } else {
                    return Err(StorageError::BadRequest);
                }
            }
            if staged.len() as u64 + data.len() as u64 > MAX_BLOB {
                staged.clear();
                return Err(StorageError::BadRequest);
            }
            staged.extend_from_slice(&data);
            StorageResponse::Ok
        }
        StorageRequest::BlobFinish { name } => {
            blobs()?;
            cap.writable()?;
            let bytes = core::mem::take(&mut session.staged);
            if weft_storage_fs::format::sha256(&bytes) != name {
                return Err(StorageError::HashMismatch);
            }
            store.put_blob(&bytes).map_err(fs)?;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::BlobRead { name, offset, len } => {
            blobs()?;
            if offset == 0 || session.reading.as_ref().is_none_or(|(cached, _)| *cached != name) {
                session.reading = Some((name, store.get_blob(&name).map_err(fs)?));
            }
            let bytes = session.reading.as_ref().map_or(&[][..], |(_, bytes)| bytes.as_slice());
            let start = usize::try_from(offset).unwrap_or(usize::MAX).min(bytes.len());
            let end = start.saturating_add(len.min(MAX_CHUNK) as usize).min(bytes.len());
            StorageResponse::Data(bytes.get(start..end).unwrap_or_default().to_vec())
        }
        StorageRequest::BlobRemove { name } => {
            blobs()?;
            cap.writable()?;
            store.remove_blob(&name).map_err(fs)?;
            session.reading = None;
            effects.changed = true;
            StorageResponse::Ok
        }
        StorageRequest::Check => {
            if !cap.root.is_empty() {
                return Err(StorageError::BadRequest);
            }
            store.scrub().map_err(fs)?;
            StorageResponse::Ok
        }
        StorageRequest::BlobList => {
            blobs()?;
            StorageResponse::Blobs(
                store.list_blobs().into_iter().map(|b| Blob { name: b.name, size: b.size }).collect(),
            )
        }
    };
    Ok(response)
}
