//! `--stream`: hosted Weft as a streaming server.
//!
//! The system carries the mesh service (`services/mesh`) on demand; the
//! streaming mode starts it at boot, streaming every toplevel window and
//! listening on the given Zenoh endpoint, and (for a person at the
//! command line) starts the `stream-demo` window so there is something to
//! see. Tests use [`StreamSetup`] to stream on loopback with scouting off.

use weft_manifest::{Bundle, Start};

/// Where the mesh listens by default: every interface, Zenoh's usual port.
pub const DEFAULT_LISTEN: &str = "tcp/0.0.0.0:7447";

/// How the mesh service runs when streaming.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSetup {
    /// Zenoh endpoint to listen on.
    pub listen: String,
    /// Multicast scouting (viewers on the LAN find it without an address).
    pub scouting: bool,
    /// Start the `stream-demo` window at boot.
    pub demo: bool,
    /// Further mesh arguments (`viewer-timeout-ms`, `keepalive-ms`, ...).
    pub args: Vec<(String, String)>,
}

impl StreamSetup {
    /// The command line's streaming server: scouting on, the demo window.
    pub fn server(listen: &str) -> StreamSetup {
        StreamSetup { listen: listen.into(), scouting: true, demo: true, args: Vec::new() }
    }

    /// Loopback only, scouting off, no demo window: for tests, which pick
    /// a port of their own so they can run in parallel.
    pub fn loopback(port: u16) -> StreamSetup {
        StreamSetup {
            listen: format!("tcp/127.0.0.1:{port}"),
            scouting: false,
            demo: false,
            args: Vec::new(),
        }
    }

    /// Add a mesh argument.
    pub fn arg(mut self, key: &str, value: &str) -> StreamSetup {
        self.args.push((key.into(), value.into()));
        self
    }
}

fn set_arg(args: &mut Vec<(String, String)>, key: &str, value: &str) {
    args.retain(|(name, _)| name != key);
    args.push((key.to_string(), value.to_string()));
}

/// Make `bundle` a streaming server as `setup` says.
pub fn enable(bundle: &mut Bundle, setup: &StreamSetup) -> Result<(), String> {
    let mesh = bundle
        .services
        .iter_mut()
        .find(|manifest| manifest.program == "mesh")
        .ok_or("this system has no mesh service")?;
    mesh.start = Start::Boot;
    set_arg(&mut mesh.args, "stream", "all");
    set_arg(&mut mesh.args, "listen", &setup.listen);
    set_arg(&mut mesh.args, "scouting", if setup.scouting { "true" } else { "false" });
    for (key, value) in &setup.args {
        set_arg(&mut mesh.args, key, value);
    }
    if setup.demo {
        for demo in bundle.services.iter_mut().filter(|manifest| manifest.program == "stream-demo") {
            demo.start = Start::Boot;
        }
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

    fn mesh(bundle: &Bundle) -> &weft_manifest::Manifest {
        bundle.services.iter().find(|m| m.program == "mesh").expect("mesh in system.toml")
    }

    fn demo_start(bundle: &Bundle) -> Start {
        bundle.services.iter().find(|m| m.program == "stream-demo").expect("the demo in system.toml").start
    }

    #[test]
    fn the_default_system_can_stream() {
        let mut bundle = crate::default_bundle();
        assert_eq!(mesh(&bundle).start, Start::OnDemand, "the mesh runs only when asked");
        assert_eq!(demo_start(&bundle), Start::OnDemand);
        enable(&mut bundle, &StreamSetup::server("tcp/127.0.0.1:9999")).unwrap();
        let args = &mesh(&bundle).args;
        assert_eq!(mesh(&bundle).start, Start::Boot);
        assert!(args.contains(&("listen".into(), "tcp/127.0.0.1:9999".into())));
        assert!(args.contains(&("stream".into(), "all".into())));
        assert!(args.contains(&("scouting".into(), "true".into())));
        assert_eq!(demo_start(&bundle), Start::Boot);
        assert!(instructions("tcp/0.0.0.0:7447").contains("tcp/<this host>:7447"));
    }

    #[test]
    fn tests_stream_on_loopback_without_scouting() {
        let mut bundle = crate::default_bundle();
        enable(&mut bundle, &StreamSetup::loopback(7000).arg("keepalive-ms", "200")).unwrap();
        let args = &mesh(&bundle).args;
        assert!(args.contains(&("listen".into(), "tcp/127.0.0.1:7000".into())));
        assert!(args.contains(&("scouting".into(), "false".into())));
        assert!(args.contains(&("keepalive-ms".into(), "200".into())));
        assert_eq!(args.iter().filter(|(key, _)| key == "listen").count(), 1);
        assert_eq!(demo_start(&bundle), Start::OnDemand);
    }
}
