//! weft-storage — the storage service: the one program that owns the block device.
//!
//! It mounts the crash-safe store (`weft-storage-fs`) on the `weft.block`
//! device it is routed to — formatting it only if it holds no store at all,
//! and leaving a store that fails its checks untouched — and serves
//! `weft.storage` (see `weft-storage-api`): every connection is a directory
//! capability chosen by the grants on the client's route, which can hand
//! out narrower ones. Changes are committed a moment after they are made
//! (so a burst of writes costs one commit) or at once on `Sync`.

#![no_std]

extern crate alloc;

mod answer;
mod cap;
mod device;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_block_api::BlockProtocol;
use weft_clock_api::{ClockProtocol, ClockRequest, ClockResponse};
use weft_ipc::program::ProgramError;
use weft_ipc::{ClientInfo, Service, ServiceEvent, Startup};
use weft_rt::{Channel, Deadline, Handle, Key};
use weft_storage_api::{StorageError, StorageProtocol, StorageResponse};
use weft_storage_fs::{Error, Store};

pub use answer::{Effects, Session, answer, storage_error};
pub use cap::{Cap, own_directory};
pub use device::BlockClient;

/// How long after a change the service commits it (unless asked sooner).
const COMMIT_DELAY: Duration = Duration::from_millis(200);
/// How long to wait before trying a failed commit again.
const RETRY_DELAY: Duration = Duration::from_secs(1);

/// Unix seconds, from a wall-clock reading and the monotonic clock.
struct Clock {
    unix_ms: i64,
    at_ns: u64,
}

impl Clock {
    /// The board's `wall-clock` argument (Unix ms at boot), else the
    /// `weft.clock` service, else the epoch.
    fn new(startup: &Startup) -> Clock {
        if let Some(unix_ms) = startup.arg("wall-clock").and_then(|ms| ms.parse().ok()) {
            return Clock { unix_ms, at_ns: 0 };
        }
        let reading =
            startup.namespace().connect::<ClockProtocol>().ok().and_then(|c| c.call(&ClockRequest::Now).ok());
        match reading {
            Some(ClockResponse::Now { unix_ms, monotonic_ns }) => Clock { unix_ms, at_ns: monotonic_ns },
            _ => {
                weft_rt::warn!("storage: no wall clock; file times count from 1970");
                Clock { unix_ms: 0, at_ns: weft_rt::now() }
            }
        }
    }

    fn now(&self) -> u64 {
        let ms = self.unix_ms.saturating_add((weft_rt::now().saturating_sub(self.at_ns) / 1_000_000) as i64);
        u64::try_from(ms / 1000).unwrap_or(0)
    }
}

/// Mount the store on the routed block device, formatting a blank one.
fn mount(startup: &Startup, clock: &Clock) -> Result<Store<BlockClient>, String> {
    let open = || {
        let client = startup
            .namespace()
            .connect::<BlockProtocol>()
            .map_err(|e| alloc::format!("no block device: {e}"))?;
        BlockClient::open(client)
    };
    let (device, info) = open()?;
    let mib = (info.sectors * 512) >> 20;
    if info.read_only {
        return Err(alloc::format!("{} is read-only", info.name));
    }
    match Store::mount(device) {
        Ok(store) => {
            let space = store.space();
            weft_rt::info!(
                "storage: mounted {} ({mib} MiB, generation {}, {} MiB free)",
                info.name,
                store.generation(),
                (space.free_blocks * u64::from(space.block_size)) >> 20
            );
            Ok(store)
        }
        Err(Error::NotFormatted) => {
            // Mounting took the device; formatting gets a new connection.
            let (device, _) = open()?;
            let store = Store::format(device, clock.now())
                .map_err(|e| alloc::format!("formatting {}: {e}", info.name))?;
            weft_rt::info!("storage: formatted a new store on {} ({mib} MiB)", info.name);
            Ok(store)
        }
        Err(error) => {
            weft_rt::error!("storage: cannot mount {}: {error}; the disk is left as it is", info.name);
            Err(alloc::format!("{}: {error}", info.name))
        }
    }
}

/// Make a capability's directory (and its parents) if it is missing, and
/// give a program's own directory its quota. Returns whether the store
/// changed.
fn prepare(store: &mut Store<BlockClient>, cap: &Cap, client: &ClientInfo, quota: u64, now: u64) -> bool {
    if cap.read_only || cap.root.is_empty() {
        return false;
    }
    let mut changed = false;
    let mut at = 0;
    while at < cap.root.len() {
        let end = cap.root[at..].find('/').map_or(cap.root.len(), |i| at + i);
        let path = &cap.root[..end];
        if store.stat(path).is_err() {
            if let Err(error) = store.create_dir(path, now) {
                weft_rt::warn!("storage: cannot make /{path} for {}: {error}", client.name);
                return changed;
            }
            changed = true;
        }
        at = end + 1;
    }
    if cap.root == own_directory(&client.name) && store.quota(&cap.root).is_none() {
        changed |= store.set_quota(&cap.root, Some(quota)).is_ok();
    }
    changed
}

/// The service's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let clock = Clock::new(&startup);
    let quota = startup.arg("app-quota-mib").and_then(|q| q.parse::<u64>().ok()).unwrap_or(64) << 20;
    let mut mounted = mount(&startup, &clock);
    let mut service: Service<StorageProtocol> = Service::new(&startup)?;
    service.ready()?;
    let mut caps: BTreeMap<Key, (Cap, Session)> = BTreeMap::new();
    // When the uncommitted changes are due to be committed.
    let mut due: Option<Deadline> = None;
    loop {
        match service.next(due.unwrap_or(Deadline::INFINITE))? {
            ServiceEvent::Stop => {
                if let (Ok(store), Some(_)) = (&mut mounted, due) {
                    let _ = store.commit();
                }
                return Ok(());
            }
            ServiceEvent::TimedOut => {
                if let Ok(store) = &mut mounted {
                    due = match store.commit() {
                        Ok(()) => None,
                        Err(error) => {
                            weft_rt::warn!("storage: commit failed ({error}); trying again");
                            Some(Deadline::after(RETRY_DELAY))
                        }
                    };
                }
            }
            ServiceEvent::Requests { key, observed } => {
                let mut opened: Vec<(Channel, Cap, ClientInfo)> = Vec::new();
                let alive = service.serve(key, observed, |connection, incoming| {
                    let store = match &mut mounted {
                        Ok(store) => store,
                        Err(why) => {
                            return Some((
                                StorageResponse::Error(StorageError::Unavailable(why.clone())),
                                Vec::new(),
                            ));
                        }
                    };
                    let mut prepared = false;
                    let (cap, session) = caps.entry(key).or_insert_with(|| {
                        let cap = Cap::for_client(&connection.client);
                        prepared = prepare(store, &cap, &connection.client, quota, clock.now());
                        (cap, Session::default())
                    });
                    let (mut response, effects) = answer(store, cap, incoming.request, clock.now(), session);
                    let mut handles: Vec<Handle> = Vec::new();
                    if (effects.changed || prepared) && due.is_none() {
                        due = Some(Deadline::after(COMMIT_DELAY));
                    }
                    if effects.sync {
                        match store.commit() {
                            Ok(()) => due = None,
                            Err(error) => response = StorageResponse::Error(storage_error(error)),
                        }
                    }
                    if let Some(narrow) = effects.open {
                        match Channel::create() {
                            Ok((ours, theirs)) => {
                                opened.push((ours, narrow, connection.client.clone()));
                                handles.push(theirs.into());
                            }
                            Err(error) => {
                                response =
                                    StorageResponse::Error(StorageError::Device(alloc::format!("{error:?}")));
                            }
                        }
                    }
                    Some((response, handles))
                });
                if !alive {
                    caps.remove(&key);
                }
                for (channel, cap, client) in opened {
                    match service.adopt(channel, client) {
                        Ok(new) => {
                            caps.insert(new, (cap, Session::default()));
                        }
                        Err(error) => weft_rt::warn!("storage: cannot serve a new capability: {error:?}"),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
