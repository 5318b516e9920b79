//! Opening the Zenoh peer session: multicast scouting by default, or
//! explicit `tcp/host:port` endpoints to connect to and listen on.

use zenoh::{Session, Wait};

use crate::error::{ViewerError, mesh};

/// How to reach the mesh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOptions {
    /// Endpoints to connect to (retried forever if unreachable or dropped).
    pub connect: Vec<String>,
    /// Endpoints to listen on.
    pub listen: Vec<String>,
    /// Multicast scouting and gossip discovery.
    pub scouting: bool,
}

impl Default for LinkOptions {
    fn default() -> LinkOptions {
        LinkOptions { connect: Vec::new(), listen: Vec::new(), scouting: true }
    }
}

impl LinkOptions {
    /// Deterministic loopback options: no scouting, explicit endpoints.
    pub fn loopback(connect: &[String], listen: &[String]) -> LinkOptions {
        LinkOptions { connect: connect.to_vec(), listen: listen.to_vec(), scouting: false }
    }
}

fn json_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(","))
}

/// The Zenoh configuration for `options`.
pub fn config(options: &LinkOptions) -> Result<zenoh::Config, ViewerError> {
    let mut config = zenoh::Config::default();
    let mut set = |key: &str, value: String| config.insert_json5(key, &value).map_err(mesh);
    set("mode", "\"peer\"".into())?;
    set("connect/endpoints", json_list(&options.connect))?;
    if !options.listen.is_empty() || !options.scouting {
        set("listen/endpoints", json_list(&options.listen))?;
    }
    set("scouting/multicast/enabled", options.scouting.to_string())?;
    set("scouting/gossip/enabled", options.scouting.to_string())?;
    // Retry dropped or refused connections quickly, forever.
    set("connect/timeout_ms", "-1".into())?;
    set("connect/exit_on_failure", "false".into())?;
    set(
        "connect/retry",
        r#"{ period_init_ms: 200, period_max_ms: 1000, period_increase_factor: 2 }"#.into(),
    )?;
    Ok(config)
}

/// Open a peer session.
pub fn open(options: &LinkOptions) -> Result<Session, ViewerError> {
    zenoh::open(config(options)?).wait().map_err(mesh)
}

/// A free TCP port on 127.0.0.1 (for tests and local demos).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_or(0, |address| address.port())
}
