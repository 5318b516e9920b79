//! The service's settings, from its manifest arguments.
//!
//! | argument | default | meaning |
//! | --- | --- | --- |
//! | `stream` | `on-request` | `all`, `on-request`, or app ids separated by commas |
//! | `listen` | (none) | Zenoh endpoints to listen on, comma-separated |
//! | `connect` | (none) | Zenoh endpoints to connect to, comma-separated |
//! | `scouting` | `true` | multicast scouting and gossip |
//! | `input` | `true` | pass viewer input and resizes to windows |
//! | `machine` | the host name | name in heartbeats |
//! | `heartbeat-ms` | `1000` | heartbeat period |
//! | `keepalive-ms` | `1000` | empty frame period for idle streams with viewers |
//! | `viewer-timeout-ms` | `3000` | a silent viewer is dropped after this |

use core::fmt;

#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;

use weft_ipc::Startup;
use weft_wlstream::keys::is_valid_app_id;
use weft_wlstream::source::SourceConfig;

/// Which windows stream without being asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Every toplevel, as it appears.
    All,
    /// Only windows a viewer (or a local tool) asks for.
    OnRequest,
    /// Windows whose mesh app id or client app id is in the list, as they appear;
    /// others on request.
    Apps(Vec<String>),
}

impl Policy {
    /// Whether a window with this mesh app id and client app id streams as soon
    /// as it appears.
    pub fn streams(&self, stream_id: &str, app_id: &str) -> bool {
        match self {
            Policy::All => true,
            Policy::OnRequest => false,
            Policy::Apps(apps) => apps.iter().any(|app| app == stream_id || app == app_id),
        }
    }
}

/// Everything the service is told at start.
#[derive(Clone, Debug, PartialEq)]
pub struct MeshConfig {
    /// Endpoints to listen on.
    pub listen: Vec<String>,
    /// Endpoints to connect to.
    pub connect: Vec<String>,
    /// Multicast scouting and gossip.
    pub scouting: bool,
    /// Which windows stream unasked.
    pub policy: Policy,
    /// Whether viewer input and resizes reach windows.
    pub input: bool,
    /// Machine name for heartbeats.
    pub machine: String,
    /// Heartbeat period, nanoseconds.
    pub heartbeat_ns: u64,
    /// Pacing of every stream.
    pub source: SourceConfig,
}

/// A manifest argument that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Which argument.
    pub argument: &'static str,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "argument `{}`: {}", self.argument, self.problem)
    }
}

impl core::error::Error for ConfigError {}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty() && *item != "none")
        .map(String::from)
        .collect()
}

fn flag(value: Option<&str>, argument: &'static str, default: bool) -> Result<bool, ConfigError> {
    match value {
        None => Ok(default),
        Some("true" | "yes" | "on") => Ok(true),
        Some("false" | "no" | "off") => Ok(false),
        Some(other) => {
            Err(ConfigError { argument, problem: format!("expected true or false, got {other:?}") })
        }
    }
}

fn millis(value: Option<&str>, argument: &'static str, default: u64) -> Result<u64, ConfigError> {
    match value {
        None => Ok(default * 1_000_000),
        Some(text) => match text.parse::<u64>() {
            Ok(ms) if ms > 0 => Ok(ms * 1_000_000),
            _ => Err(ConfigError { argument, problem: format!("expected milliseconds, got {text:?}") }),
        },
    }
}

fn endpoints(value: Option<&str>, argument: &'static str) -> Result<Vec<String>, ConfigError> {
    let endpoints = list(value);
    for endpoint in &endpoints {
        if !endpoint.contains('/') {
            return Err(ConfigError { argument, problem: format!("{endpoint:?} is not like tcp/HOST:PORT") });
        }
    }
    Ok(endpoints)
}

/// The host's name, for heartbeats (on the kernel: `weft`, unless the
/// `machine` argument names it).
#[cfg(target_os = "none")]
pub fn host_name() -> String {
    "weft".to_string()
}

/// The host's name, for heartbeats.
#[cfg(not(target_os = "none"))]
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "weft".to_string())
}

impl MeshConfig {
    /// Read the arguments through `arg`.
    pub fn parse<'a>(arg: impl Fn(&str) -> Option<&'a str>) -> Result<MeshConfig, ConfigError> {
        let policy = match arg("stream").map(str::trim) {
            None | Some("on-request") => Policy::OnRequest,
            Some("all") => Policy::All,
            Some(apps) => {
                let apps = list(Some(apps));
                if let Some(bad) = apps.iter().find(|app| !is_valid_app_id(app)) {
                    return Err(ConfigError {
                        argument: "stream",
                        problem: format!("{bad:?} is not an app id"),
                    });
                }
                Policy::Apps(apps)
            }
        };
        let mut machine = arg("machine").map(String::from).unwrap_or_else(host_name);
        machine.truncate(weft_wlstream::telemetry::MAX_NAME);
        let source = SourceConfig {
            keepalive_ns: millis(arg("keepalive-ms"), "keepalive-ms", 1000)?,
            viewer_timeout_ns: millis(arg("viewer-timeout-ms"), "viewer-timeout-ms", 3000)?,
            ..SourceConfig::default()
        };
        Ok(MeshConfig {
            listen: endpoints(arg("listen"), "listen")?,
            connect: endpoints(arg("connect"), "connect")?,
            scouting: flag(arg("scouting"), "scouting", true)?,
            policy,
            input: flag(arg("input"), "input", true)?,
            machine,
            heartbeat_ns: millis(arg("heartbeat-ms"), "heartbeat-ms", 1000)?,
            source,
        })
    }

    /// Read the startup message's arguments.
    pub fn from_startup(startup: &Startup) -> Result<MeshConfig, ConfigError> {
        MeshConfig::parse(|key| startup.arg(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<MeshConfig, ConfigError> {
        let pairs: Vec<(String, String)> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        MeshConfig::parse(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()))
    }

    #[test]
    fn defaults_and_lists() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.policy, Policy::OnRequest);
        assert!(config.scouting && config.input && config.listen.is_empty());
        let config = parse(&[
            ("stream", "terminal, files"),
            ("listen", "tcp/127.0.0.1:7447,tcp/[::1]:7447"),
            ("scouting", "false"),
            ("viewer-timeout-ms", "1500"),
        ])
        .unwrap();
        assert_eq!(config.policy, Policy::Apps(vec!["terminal".into(), "files".into()]));
        assert!(config.policy.streams("x", "files") && !config.policy.streams("x", "y"));
        assert_eq!(config.listen.len(), 2);
        assert!(!config.scouting);
        assert_eq!(config.source.viewer_timeout_ns, 1_500_000_000);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&[("stream", "a/b")]).is_err());
        assert!(parse(&[("scouting", "maybe")]).is_err());
        assert!(parse(&[("listen", "localhost")]).is_err());
        assert!(parse(&[("heartbeat-ms", "0")]).is_err());
    }
}
