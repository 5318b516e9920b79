//! `--stream`: hosted Weft as a streaming server.
//!
//! The system carries the mesh service (`services/mesh`) on demand; the
//! streaming mode starts it at boot, streaming every toplevel window and
//! listening on the given Zenoh endpoint, and starts the `stream-demo`
//! window so there is something to see.

use weft_manifest::{Bundle, Start};

/// Where the mesh listens by default: every interface, Zenoh's usual port.
pub const DEFAULT_LISTEN: &str = "tcp/0.0.0.0:7447";

fn set_arg(args: &mut Vec<(String, String)>, key: &str, value: &str) {
    args.retain(|(name, _)| name != key);
    args.push((key.to_string(), value.to_string()));
}

/// Make `bundle` a streaming server listening on `listen` (scouting stays
/// on, so viewers on the LAN find it without an address).
pub fn enable(bundle: &mut Bundle, listen: &str) -> Result<(), String> {
    let mesh = bundle
        .services
        .iter_mut()
        .find(|manifest| manifest.program == "mesh")
        .ok_or("this system has no mesh service")?;
    mesh.start = Start::Boot;
    set_arg(&mut mesh.args, "stream", "all");
    set_arg(&mut mesh.args, "listen", listen);
    for demo in bundle.services.iter_mut().filter(|manifest| manifest.program == "stream-demo") {
        demo.start = Start::Boot;
    }
    Ok(())
}

/// What to tell the person who started the server.
pub fn instructions(listen: &str) -> String {
    let port = listen.rsplit(':').next().unwrap_or("7447");
    format!(
        "weft-hosted: streaming server; the mesh service listens on {listen} (and scouts the LAN).\n\
         weft-hosted: view it from another machine with\n\
         \x20   cargo run -p weft-viewer -- --connect tcp/<this host>:{port}\n\
         weft-hosted: or, on the same LAN, just: cargo run -p weft-viewer"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_system_can_stream() {
        let mut bundle = crate::default_bundle();
        let mesh = bundle.services.iter().find(|m| m.program == "mesh").expect("mesh in system.toml");
        assert_eq!(mesh.start, Start::OnDemand, "the mesh runs only when asked");
        enable(&mut bundle, "tcp/127.0.0.1:9999").unwrap();
        let mesh = bundle.services.iter().find(|m| m.program == "mesh").unwrap();
        assert_eq!(mesh.start, Start::Boot);
        assert!(mesh.args.contains(&("listen".into(), "tcp/127.0.0.1:9999".into())));
        assert!(mesh.args.contains(&("stream".into(), "all".into())));
        assert!(instructions("tcp/0.0.0.0:7447").contains("tcp/<this host>:7447"));
    }
}
