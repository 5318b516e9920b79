//! weft-log — the log service.
//!
//! Every program's runtime connects to `weft.log.sink` at start and sends
//! its records here. The service stores them in a bounded ring (oldest
//! dropped first), stamps each with its source as the kernel and the root
//! manager identified it — never as the program claims — optionally copies
//! them to the kernel debug log (the serial console), and serves
//! `weft.log.reader` to tools (the terminal's `log` command, tests).
#![no_std]

extern crate alloc;

mod own;
mod store;

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use weft_ipc::log_sink::LogSinkProtocol;
use weft_ipc::program::ProgramError;
use weft_ipc::{Clients, LoopEvent, Protocol, ServiceLoop, Startup};
use weft_log_api::{Entry, Filter, LogReaderProtocol, ReaderEvent, ReaderRequest, ReaderResponse};
use weft_rt::{Deadline, Key};

use own::OwnSink;
pub use store::Store;

/// What the service keeps between events.
struct Service {
    store: Store,
    echo: u8,
    followers: alloc::collections::BTreeMap<Key, Filter>,
}

impl Service {
    fn append(&mut self, entry: Entry, readers: &mut Clients<LogReaderProtocol>, service: &mut ServiceLoop) {
        if entry.level <= self.echo {
            let line = alloc::format!(
                "[{}] {} {}: {}\n",
                entry.source,
                level_name(entry.level),
                entry.target,
                entry.message
            );
            let _ = weft_rt::sys::debug_write(line.as_bytes());
        }
        let stored = self.store.push(entry).clone();
        let followers = &self.followers;
        if followers.values().any(|f| f.accepts(&stored)) {
            let event = ReaderEvent::Appended(alloc::vec![stored.clone()]);
            readers.broadcast(&mut service.waitset, &event, |key| {
                followers.get(key).is_some_and(|f| f.accepts(&stored))
            });
        }
    }
}

fn level_name(level: u8) -> &'static str {
    weft_rt::log::Level::from_number(level).map_or("?", |l| l.name())
}

fn parse_level(text: &str) -> u8 {
    match text {
        "error" => 1,
        "warn" => 2,
        "info" => 3,
        "debug" => 4,
        _ => 0,
    }
}

/// The log service's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let mut service_loop = ServiceLoop::new(&startup)?;
    let mut state = Service {
        store: Store::new(),
        echo: startup.arg("echo").map_or(0, parse_level),
        followers: alloc::collections::BTreeMap::new(),
    };
    // The service's own records carry no kernel stamp; koid 0 marks them.
    let own_koid = 0;
    // The service's own records go straight into the store.
    let own = Arc::new(OwnSink::new(service_loop.waitset.port())?);
    weft_rt::log::set_sink(Some(own.clone()));
    let mut sinks: Clients<LogSinkProtocol> = Clients::new();
    let mut readers: Clients<LogReaderProtocol> = Clients::new();
    service_loop.ready()?;
    weft_rt::info!("log service ready");
    loop {
        for (level, target, message) in own.take() {
            let entry = Entry {
                sequence: 0,
                time: weft_rt::now(),
                level,
                source: startup.name.clone(),
                principal: startup.principal,
                koid: own_koid,
                target,
                message,
            };
            state.append(entry, &mut readers, &mut service_loop);
        }
        match service_loop.next(Deadline::INFINITE)? {
            LoopEvent::Connection { protocol, client, channel } => {
                let added = if protocol == LogSinkProtocol::NAME {
                    sinks.add(&mut service_loop.waitset, channel, client)
                } else if protocol == LogReaderProtocol::NAME {
                    readers.add(&mut service_loop.waitset, channel, client)
                } else {
                    weft_rt::warn!("connection for unknown protocol `{protocol}` refused");
                    continue;
                };
                if let Err(error) = added {
                    weft_rt::warn!("cannot take a connection: {error}");
                }
            }
            LoopEvent::Stop => return Ok(()),
            LoopEvent::Signals { key, observed } if sinks.owns(key) => {
                let mut received = Vec::new();
                sinks.serve(&mut service_loop.waitset, key, observed, |connection, incoming| {
                    let record = incoming.request;
                    received.push(Entry {
                        sequence: 0,
                        time: record.time,
                        level: record.level.clamp(1, 4),
                        source: connection.client.name.clone(),
                        principal: incoming.sender.principal,
                        koid: incoming.sender.koid,
                        target: truncate(record.target, 64),
                        message: truncate(record.message, 2048),
                    });
                    None
                });
                for entry in received {
                    state.append(entry, &mut readers, &mut service_loop);
                }
            }
            LoopEvent::Signals { key, observed } if readers.owns(key) => {
                let store = &state.store;
                let followers = &mut state.followers;
                let alive = readers.serve(&mut service_loop.waitset, key, observed, |_, incoming| {
                    let response = match incoming.request {
                        ReaderRequest::Read { after, max, filter } => {
                            let (entries, next, lost) = store.read(after, max, &filter);
                            ReaderResponse::Entries { entries, next, lost }
                        }
                        ReaderRequest::Follow { filter } => {
                            followers.insert(key, filter);
                            ReaderResponse::Following
                        }
                    };
                    Some((response, Vec::new()))
                });
                if !alive {
                    state.followers.remove(&key);
                }
            }
            LoopEvent::Signals { .. } | LoopEvent::User { .. } | LoopEvent::TimedOut => {}
        }
    }
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
