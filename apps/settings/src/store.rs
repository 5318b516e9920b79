//! The settings store: the config service, or a stand-in in tests.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use weft_config_api::{ConfigError, ConfigEvent, ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_ipc::{Client, ConnectError};
use weft_rt::Channel;

/// The key holding the theme: `"light"` or `"dark"`.
pub const THEME_KEY: &str = "appearance.theme";
/// The key holding the display scale (a float, 1.0 = 100 %).
pub const SCALE_KEY: &str = "display.scale";

/// Why a setting could not be read or saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The app's manifest does not route `weft.config`.
    NotRouted,
    /// The config service could not be reached.
    Unavailable(String),
    /// Saving needs the `write` grant, which this app's route lacks.
    Denied,
    /// The service refused the value.
    Rejected(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotRouted => formatter.write_str("this app has no route to the config service"),
            StoreError::Unavailable(why) => write!(formatter, "the config service is unavailable ({why})"),
            StoreError::Denied => formatter.write_str("this app is not allowed to change system settings"),
            StoreError::Rejected(why) => write!(formatter, "the setting was refused: {why}"),
        }
    }
}

/// Where settings live.
pub trait Store {
    /// A key's value (`None` if unset).
    fn get(&mut self, key: &str) -> Result<Option<Value>, StoreError>;
    /// Writes a key.
    fn set(&mut self, key: &str, value: Value) -> Result<(), StoreError>;
}

/// The config service through the program's namespace, with a second
/// connection for change notifications.
#[derive(Debug, Default)]
pub struct ConfigStore {
    client: Option<Client<ConfigProtocol>>,
    watcher: Option<Client<ConfigProtocol>>,
}

fn connect() -> Result<Client<ConfigProtocol>, StoreError> {
    weft_ipc::connect::<ConfigProtocol>().map_err(|error| match error {
        ConnectError::NotRouted { .. } => StoreError::NotRouted,
        other => StoreError::Unavailable(alloc::format!("{other}")),
    })
}

impl ConfigStore {
    /// A store that connects on first use.
    pub fn new() -> ConfigStore {
        ConfigStore::default()
    }

    fn call(&mut self, request: &ConfigRequest) -> Result<ConfigResponse, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = Some(connect()?);
        }
        let client =
            self.client.as_ref().ok_or_else(|| StoreError::Unavailable(String::from("not connected")))?;
        client.call(request).map_err(|error| {
            self.client = None;
            StoreError::Unavailable(alloc::format!("{error}"))
        })
    }

    /// Starts receiving changes under `prefixes` (watch [`ConfigStore::watch_channel`]).
    pub fn watch(&mut self, prefixes: &[&str]) -> Result<(), StoreError> {
        let watcher = connect()?;
        for prefix in prefixes {
            match watcher.call(&ConfigRequest::Watch { prefix: String::from(*prefix) }) {
                Ok(ConfigResponse::Ok) => {}
                Ok(other) => return Err(StoreError::Rejected(alloc::format!("{other:?}"))),
                Err(error) => return Err(StoreError::Unavailable(alloc::format!("{error}"))),
            }
        }
        self.watcher = Some(watcher);
        Ok(())
    }

    /// The channel that turns readable when a watched key changes.
    pub fn watch_channel(&self) -> Option<&Channel> {
        self.watcher.as_ref().map(Client::channel)
    }

    /// Changes that arrived since the last call.
    pub fn changes(&mut self) -> Vec<(String, Option<Value>)> {
        let mut changes = Vec::new();
        if let Some(watcher) = &self.watcher {
            while let Ok(Some((ConfigEvent::Changed { key, value }, _))) = watcher.try_event() {
                changes.push((key, value));
            }
        }
        changes
    }
}

impl Store for ConfigStore {
    fn get(&mut self, key: &str) -> Result<Option<Value>, StoreError> {
        match self.call(&ConfigRequest::Get { key: String::from(key) })? {
            ConfigResponse::Value(value) => Ok(value),
            ConfigResponse::Error(error) => Err(rejected(error)),
            other => Err(StoreError::Rejected(alloc::format!("unexpected answer {other:?}"))),
        }
    }

    fn set(&mut self, key: &str, value: Value) -> Result<(), StoreError> {
        match self.call(&ConfigRequest::Set { key: String::from(key), value })? {
            ConfigResponse::Ok => Ok(()),
            ConfigResponse::Error(error) => Err(rejected(error)),
            other => Err(StoreError::Rejected(alloc::format!("unexpected answer {other:?}"))),
        }
    }
}

fn rejected(error: ConfigError) -> StoreError {
    match error {
        ConfigError::Denied => StoreError::Denied,
        ConfigError::TypeMismatch { expected } => {
            StoreError::Rejected(alloc::format!("the key holds {expected}"))
        }
        other => StoreError::Rejected(alloc::format!("{other:?}")),
    }
}
