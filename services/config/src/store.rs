//! The settings table, its rules, and the persistence hook.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_config_api::{ConfigError, VALUE_BYTES, Value, valid_key};

/// Most keys held.
pub const KEYS_MAX: usize = 4096;

/// Where settings survive restarts ([`crate::stored::Stored`] on the
/// storage service; [`InMemory`] for tests).
pub trait Persistence {
    /// Everything saved earlier.
    fn load(&mut self) -> Vec<(String, Value)>;
    /// Save one change (`None`: deleted).
    fn save(&mut self, key: &str, value: Option<&Value>);
}

/// Keeps nothing beyond the service's life.
#[derive(Default)]
pub struct InMemory;

impl Persistence for InMemory {
    fn load(&mut self) -> Vec<(String, Value)> {
        Vec::new()
    }
    fn save(&mut self, _key: &str, _value: Option<&Value>) {}
}

/// The settings.
pub struct Table<P: Persistence> {
    values: BTreeMap<String, Value>,
    persistence: P,
}

impl<P: Persistence> Table<P> {
    /// A table with `defaults`, overridden by what `persistence` saved.
    pub fn new(defaults: Vec<(String, Value)>, mut persistence: P) -> Table<P> {
        let mut values: BTreeMap<String, Value> =
            defaults.into_iter().filter(|(k, _)| valid_key(k)).collect();
        for (key, value) in persistence.load() {
            if valid_key(&key) {
                values.insert(key, value);
            }
        }
        Table { values, persistence }
    }

    /// A key's value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Whether `writer` (a service name) may write `key`, given its grants.
    pub fn may_write(key: &str, writer: &str, write_grant: bool) -> bool {
        write_grant || key.strip_prefix(writer).is_some_and(|rest| rest.starts_with('.'))
    }

    /// Set a key, keeping its type. Returns whether the value changed.
    pub fn set(&mut self, key: &str, value: Value) -> Result<bool, ConfigError> {
        if !valid_key(key) {
            return Err(ConfigError::InvalidKey);
        }
        if value.size() > VALUE_BYTES {
            return Err(ConfigError::TooLarge);
        }
        match self.values.get(key) {
            Some(old) if old.kind() != value.kind() => {
                return Err(ConfigError::TypeMismatch { expected: String::from(old.kind()) });
            }
            Some(old) if *old == value => return Ok(false),
            None if self.values.len() >= KEYS_MAX => return Err(ConfigError::Full),
            _ => {}
        }
        self.persistence.save(key, Some(&value));
        self.values.insert(String::from(key), value);
        Ok(true)
    }

    /// Remove a key. Returns whether it existed.
    pub fn delete(&mut self, key: &str) -> bool {
        let existed = self.values.remove(key).is_some();
        if existed {
            self.persistence.save(key, None);
        }
        existed
    }

    /// Keys under `prefix`.
    pub fn list(&self, prefix: &str) -> Vec<(String, Value)> {
        self.values
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_stick_and_keys_are_checked() {
        let mut table =
            Table::new(alloc::vec![("appearance.theme".into(), Value::Text("light".into()))], InMemory);
        assert_eq!(table.set("appearance.theme", Value::Text("dark".into())), Ok(true));
        assert_eq!(table.set("appearance.theme", Value::Text("dark".into())), Ok(false));
        assert_eq!(
            table.set("appearance.theme", Value::Int(2)),
            Err(ConfigError::TypeMismatch { expected: "text".into() })
        );
        assert_eq!(table.set("Bad Key", Value::Int(1)), Err(ConfigError::InvalidKey));
        assert_eq!(
            table.set("big", Value::Bytes(alloc::vec![0; VALUE_BYTES + 1])),
            Err(ConfigError::TooLarge)
        );
        assert!(Table::<InMemory>::may_write("terminal.font", "terminal", false));
        assert!(!Table::<InMemory>::may_write("terminalx.font", "terminal", false));
        assert!(!Table::<InMemory>::may_write("appearance.theme", "terminal", false));
        assert!(Table::<InMemory>::may_write("appearance.theme", "settings", true));
        assert_eq!(table.list("appearance.").len(), 1);
        assert!(table.delete("appearance.theme"));
        assert_eq!(table.get("appearance.theme"), None);
    }
}
