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
    set("connect/retry", r#"{ period_init_ms: 200, period_max_ms: 2000, period_increase_factor: 2 }"#.into())?;
    Ok(zenoh)
}

/// Open the session.
pub fn open(config: &MeshConfig) -> Result<Session, String> {
    zenoh::open(zenoh_config(config)?).wait().map_err(|error| format!("zenoh session: {error}"))
}

/// The locators the session listens on.
pub fn locators(session: &Session) -> Vec<String> {
    session.info().locators().wait().into_iter().map(|locator| locator.to_string()).collect()
}
