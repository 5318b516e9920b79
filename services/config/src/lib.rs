//! weft-config — the config service.
//!
//! Holds typed settings ([`weft_config_api::Value`]) under dotted keys, enforces
//! who may write what (the `write` grant, or the client's own prefix), keeps
//! each key's type, and notifies watchers of changes. Defaults come from the
//! manifest (`default.<key> = "<type>:<literal>"`); changed settings are
//! kept in the service's storage directory ([`stored`]) and survive a
//! reboot.
#![no_std]

extern crate alloc;

pub mod store;
pub mod stored;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_config_api::{ConfigError, ConfigEvent, ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_ipc::program::ProgramError;
use weft_ipc::{Service, ServiceEvent, Startup};
use weft_rt::{Deadline, Key};

use store::Table;
use stored::Stored;

/// Most watches per client.
const WATCHES_MAX: usize = 64;

/// The config service's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let defaults: Vec<(String, Value)> = startup
        .args
        .iter()
        .filter_map(|(key, literal)| {
            let key = key.strip_prefix("default.")?;
            match Value::parse(literal) {
                Some(value) => Some((String::from(key), value)),
                None => {
                    weft_rt::warn!("default for `{key}` is not `<type>:<literal>`: {literal}");
                    None
                }
            }
        })
        .collect();
    let mut table = Table::new(defaults, Stored::open());
    let mut service: Service<ConfigProtocol> = Service::new(&startup)?;
    let mut watches: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    service.ready()?;
    loop {
        match service.next(Deadline::INFINITE)? {
            ServiceEvent::Stop => return Ok(()),
            ServiceEvent::Requests { key, observed } => {
                let mut changes: Vec<(String, Option<Value>)> = Vec::new();
                let alive = service.serve(key, observed, |connection, incoming| {
                    let client = &connection.client;
                    let response = match incoming.request {
                        ConfigRequest::Get { key } => ConfigResponse::Value(table.get(&key).cloned()),
                        ConfigRequest::List { prefix } => ConfigResponse::Entries(table.list(&prefix)),
                        ConfigRequest::Set { key: name, value } => {
                            if !Table::<Stored>::may_write(&name, &client.name, client.has("write")) {
                                ConfigResponse::Error(ConfigError::Denied)
                            } else {
                                match table.set(&name, value.clone()) {
                                    Ok(changed) => {
                                        if changed {
                                            changes.push((name, Some(value)));
                                        }
                                        ConfigResponse::Ok
                                    }
                                    Err(error) => ConfigResponse::Error(error),
                                }
                            }
                        }
                        ConfigRequest::Delete { key: name } => {
                            if !Table::<Stored>::may_write(&name, &client.name, client.has("write")) {
                                ConfigResponse::Error(ConfigError::Denied)
                            } else {
                                if table.delete(&name) {
                                    changes.push((name, None));
                                }
                                ConfigResponse::Ok
                            }
                        }
                        ConfigRequest::Watch { prefix } => {
                            let list = watches.entry(key).or_default();
                            if list.len() >= WATCHES_MAX {
                                ConfigResponse::Error(ConfigError::Full)
                            } else {
                                list.push(prefix);
                                ConfigResponse::Ok
                            }
                        }
                    };
                    Some((response, Vec::new()))
                });
                if !alive {
                    watches.remove(&key);
                }
                for (name, value) in changes {
                    let event = ConfigEvent::Changed { key: name.clone(), value };
                    service.broadcast(&event, |client| {
                        watches
                            .get(client)
                            .is_some_and(|prefixes| prefixes.iter().any(|p| name.starts_with(p.as_str())))
                    });
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
