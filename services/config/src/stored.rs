//! Settings kept in the config service's storage directory, so that they
//! survive a reboot.
//!
//! The file `settings` holds every setting that was changed from its
//! default: a magic line, then the postcard encoding of the `(key, value)`
//! list. Each change rewrites it (a temporary file renamed over the old
//! one when it is large) and waits for the storage service to commit it,
//! so a setting the service acknowledged is on the disk.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_config_api::Value;
use weft_ipc::ConnectError;
use weft_storage_api::{DirError, RoutedDir, StorageError};

use crate::store::Persistence;

/// The file's name in the service's directory.
pub const FILE: &str = "settings";
/// What the file starts with.
const MAGIC: &[u8] = b"weft-settings 1\n";

/// Decode a settings file; `None` if it is not one.
pub fn decode(bytes: &[u8]) -> Option<Vec<(String, Value)>> {
    postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()
}

/// Encode settings as a file.
pub fn encode(settings: &BTreeMap<String, Value>) -> Vec<u8> {
    let list: Vec<(&String, &Value)> = settings.iter().collect();
    let mut bytes = Vec::from(MAGIC);
    bytes.extend_from_slice(&postcard::to_allocvec(&list).unwrap_or_default());
    bytes
}

/// Settings on the storage service, or in memory where the system has no
/// storage (or it failed).
pub struct Stored {
    dir: Option<RoutedDir>,
    saved: BTreeMap<String, Value>,
}

impl Stored {
    /// Connect to the service's storage directory and read what was saved.
    pub fn open() -> Stored {
        let mut dir = match RoutedDir::connect() {
            Ok(dir) => dir,
            Err(ConnectError::NotRouted { .. }) => {
                weft_rt::info!("config: no storage on this system; settings last until shutdown");
                return Stored { dir: None, saved: BTreeMap::new() };
            }
            Err(error) => {
                weft_rt::warn!("config: storage unreachable ({error}); settings last until shutdown");
                return Stored { dir: None, saved: BTreeMap::new() };
            }
        };
        let saved = match dir.dir().read(FILE) {
            Ok(bytes) => match decode(&bytes) {
                Some(list) => {
                    weft_rt::info!("config: {} saved settings loaded", list.len());
                    list.into_iter().collect()
                }
                None => {
                    weft_rt::error!("config: the settings file is not one; starting from the defaults");
                    BTreeMap::new()
                }
            },
            Err(DirError::Storage(StorageError::NotFound)) => BTreeMap::new(),
            Err(error) => {
                // Keep the file as it is: nothing is written until a
                // setting changes.
                weft_rt::error!("config: cannot read saved settings ({error}); starting from the defaults");
                BTreeMap::new()
            }
        };
        Stored { dir: Some(dir), saved }
    }
}

impl Persistence for Stored {
    fn load(&mut self) -> Vec<(String, Value)> {
        self.saved.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    fn save(&mut self, key: &str, value: Option<&Value>) {
        match value {
            Some(value) => self.saved.insert(String::from(key), value.clone()),
            None => self.saved.remove(key),
        };
        let Some(dir) = self.dir.as_mut().map(RoutedDir::dir) else { return };
        let written = dir.replace(FILE, &encode(&self.saved)).and_then(|()| dir.sync());
        if let Err(error) = written {
            weft_rt::error!("config: could not save `{key}`: {error}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_files_round_trip_and_others_are_refused() {
        let mut settings = BTreeMap::new();
        settings.insert(String::from("appearance.theme"), Value::Text("dark".into()));
        settings.insert(String::from("display.scale"), Value::Float(1.5));
        let bytes = encode(&settings);
        assert_eq!(decode(&bytes).unwrap(), settings.into_iter().collect::<Vec<_>>());
        assert_eq!(decode(b"hello"), None);
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
    }
}
