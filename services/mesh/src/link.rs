//! The Zenoh peer session: multicast scouting unless switched off, plus
//! explicit endpoints to listen on and connect to.

use zenoh::{Session, Wait};

use crate::config::MeshConfig;

fn json_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(","))
}

/// The Zenoh configuration for `config`: peer mode, no router.
pub fn zenoh_config(config: &MeshConfig) -> Result<zenoh::Config, String> {
    let mut zenoh = zenoh::Config::default();
    let mut set = |key: &str, value: String| {
        zenoh.insert_json5(key, &value).map_err(|error| format!("zenoh setting {key}: {error}"))
    };
    set("mode", "\"peer\"".into())?;
    set("connect/endpoints", json_list(&config.connect))?;
    set("listen/endpoints", json_list(&config.listen))?;
    set("scouting/multicast/enabled", config.scouting.to_string())?;
    set("scouting/gossip/enabled", config.scouting.to_string())?;
    // Keep retrying peers that are not there yet or went away.
    set("connect/timeout_ms", "-1".into())?;
    set("connect/exit_on_failure", "false".into())?;
    set(
        "connect/retry",
        r#"{ period_init_ms: 200, period_max_ms: 2000, period_increase_factor: 2 }"#.into(),
    )?;
    Ok(zenoh)
}

/// Open the session.
pub fn open(config: &MeshConfig) -> Result<Session, String> {
    zenoh::open(zenoh_config(config)?).wait().map_err(|error| format!("zenoh session: {error}"))
}

/// The address this host reaches other machines from (no packet is sent:
/// connecting a UDP socket only picks the route).
pub fn host_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:7447").ok()?;
    socket.local_addr().ok().map(|address| address.ip()).filter(|ip| !ip.is_unspecified())
}

/// Where viewers can connect: the listen endpoints, with an unspecified
/// address (`0.0.0.0`, `[::]`) replaced by this host's address.
pub fn locators(config: &MeshConfig) -> Vec<String> {
    let host = host_address();
    config
        .listen
        .iter()
        .map(|endpoint| {
            match (host, endpoint.split_once("0.0.0.0:").or_else(|| endpoint.split_once("[::]:"))) {
                (Some(host), Some((scheme, port))) => format!("{scheme}{host}:{port}"),
                _ => endpoint.clone(),
            }
        })
        .collect()
}
