//! weft-testing — the one rig that boots the real hosted graph for tests
//! (host only).
//!
//! Every whole-system test lives beside this crate (`tests/`), so no
//! crate of the system depends on the board that depends on it. The rig
//! is the hosted board's own [`System`] — the real root manager starting
//! programs from manifests, under the hosted kernel — plus what tests need
//! around it:
//!
//! - [`graph`]: small graphs from services named in the test (a manifest
//!   each), with a harness inside the graph to act through; [`Seat`]
//!   injects input through it;
//! - [`Probe`]: a program inside the graph that runs what the test sends it;
//! - the board's [`Desktop`] (the whole hosted desktop on a headless
//!   display), [`apps`] (two test apps for it) and [`pixels`] (reading the
//!   screen);
//! - [`clients`]: compositor clients, well-behaved and hostile;
//! - [`mesh`]: the desktop as a streaming server with real viewers;
//! - [`wayland`]: the Wayland front with real Wayland clients (Linux).

pub mod apps;
pub mod clients;
pub mod graph;
pub mod mesh;
pub mod pixels;
mod probe;
mod seat;
#[cfg(target_os = "linux")]
pub mod wayland;

pub use graph::{Graph, GraphOptions, Harness, Service, WAIT};
pub use probe::{ANSWER_WAIT, Probe};
pub use seat::Seat;
pub use weft_board_hosted::desktop::{Desktop, DesktopOptions};
pub use weft_board_hosted::{BootOptions, System, bundle_for};

/// Whether the host program `program` (a real peer: a Wayland client) is
/// installed. Outside CI a test without it says SKIPPED and passes; in CI
/// (`CI` set, where `cargo xtask test` installs it) a missing program fails
/// the test.
pub fn installed(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{program}` is not installed (cargo xtask test installs it: apt-get install weston foot)"
        );
        eprintln!(
            "SKIPPED: `{program}` is not installed (cargo xtask test installs it: apt-get install weston foot)"
        );
    }
    found
}

/// The manifest at `path` (relative to the repository root).
pub fn manifest(path: &str) -> weft_manifest::Manifest {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (manifest, _) = weft_manifest::compile::read_manifest(&root, path)
        .unwrap_or_else(|error| panic!("manifest {path}: {error}"));
    manifest
}
