//! Following the `appearance.theme` setting.

use weft_config_api::{ConfigEvent, ConfigProtocol, ConfigRequest, ConfigResponse, Value};
use weft_ipc::Client;
use weft_rt::Channel;
use weft_theme::{Theme, ThemeKind};

/// The setting that picks the theme (`"light"` or `"dark"`).
pub const THEME_KEY: &str = "appearance.theme";

/// The theme named by a setting value (light for anything unknown).
pub fn kind_of(value: Option<&Value>) -> ThemeKind {
    ThemeKind::named(value.and_then(Value::as_text))
}

/// Watches the theme setting through the config service. Without a route
/// to the config service it stays on the light theme.
pub struct ThemeFollower {
    config: Option<Client<ConfigProtocol>>,
    kind: ThemeKind,
}

impl ThemeFollower {
    /// Connect (if routed), read the current theme and start watching.
    pub fn connect() -> ThemeFollower {
        let config = weft_ipc::connect::<ConfigProtocol>().ok();
        let mut kind = ThemeKind::Light;
        if let Some(client) = &config {
            if let Ok(ConfigResponse::Value(value)) =
                client.call(&ConfigRequest::Get { key: THEME_KEY.into() })
            {
                kind = kind_of(value.as_ref());
            }
            let _ = client.call(&ConfigRequest::Watch { prefix: THEME_KEY.into() });
        }
        ThemeFollower { config, kind }
    }

    /// The current theme.
    pub fn theme(&self) -> Theme {
        Theme::builtin(self.kind)
    }

    /// Which theme is current.
    pub fn kind(&self) -> ThemeKind {
        self.kind
    }

    /// The config channel, to watch in a wait set.
    pub fn channel(&self) -> Option<&Channel> {
        self.config.as_ref().map(Client::channel)
    }

    /// Read pending change events; returns the new theme if it changed.
    pub fn poll(&mut self) -> Option<Theme> {
        let client = self.config.as_ref()?;
        let mut changed = false;
        while let Ok(Some((ConfigEvent::Changed { key, value }, _))) = client.try_event() {
            if key == THEME_KEY {
                let kind = kind_of(value.as_ref());
                changed |= kind != self.kind;
                self.kind = kind;
            }
        }
        changed.then(|| self.theme())
    }

    /// Set the theme for everyone (needs the `write` grant on the route).
    pub fn set(&self, kind: ThemeKind) -> bool {
        let Some(client) = &self.config else { return false };
        let name = kind.name();
        matches!(
            client.call(&ConfigRequest::Set { key: THEME_KEY.into(), value: Value::Text(name.into()) }),
            Ok(ConfigResponse::Ok)
        )
    }
}
