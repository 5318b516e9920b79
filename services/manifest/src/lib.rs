//! weft-manifest — service manifests, the service graph and the boot bundle.
//!
//! A manifest says what a service is (name, program image), what it
//! exposes (protocols it serves), what it uses (protocols it connects to,
//! each routed to one provider), what else it must start after, its
//! arguments and its restart policy. Manifests are authored as TOML
//! (`docs/manifests.md`) and compiled on the host into a [`Bundle`]
//! (postcard), so no TOML parser runs on the target.
//!
//! [`Graph::build`] checks a set of manifests and resolves every route and
//! the start order; a service with a broken route or in a cycle is reported
//! and left out, the rest of the graph still starts.
#![no_std]

extern crate alloc;

#[cfg(feature = "compile")]
extern crate std;

mod bundle;
#[cfg(feature = "compile")]
pub mod compile;
mod graph;
#[cfg(feature = "compile")]
pub mod program_table;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

pub use bundle::{BUNDLE_FORMAT, Bundle, BundleError, Image};
pub use graph::{Graph, GraphError, Route};

/// The log sink every service uses implicitly.
pub const LOG_SINK: &str = "weft.log.sink";

/// Protocols the root manager itself provides.
pub const ROOT_PROTOCOLS: &[&str] = &["weft.root"];

/// The root manager's name as a provider.
pub const ROOT: &str = "root";

/// When a service that stopped is started again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Restart {
    /// Whenever it ends (the default for services).
    #[default]
    Always,
    /// Only when it fails (non-zero exit, fault, kill).
    OnFailure,
    /// Never.
    Never,
}

/// When a service starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Start {
    /// At boot, in dependency order.
    #[default]
    Boot,
    /// When launched (an app the user opens), or when the first connection
    /// to a protocol it exposes arrives.
    OnDemand,
}

/// How an app presents itself in the launcher.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// The name people see.
    pub title: String,
    /// Icon name in the theme's icon set.
    pub icon: String,
    /// Launcher category (`System`, `Utilities`, ...).
    pub category: String,
    /// Extra words launcher search matches.
    pub keywords: Vec<String>,
}

/// One protocol a service uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    /// Protocol name.
    pub protocol: String,
    /// The provider, if more than one service exposes the protocol.
    pub from: Option<String>,
    /// Grants passed to the provider with each connection.
    pub grants: Vec<String>,
    /// If set, the service does not wait for the provider to start, and a
    /// missing provider is not an error.
    pub optional: bool,
}

/// A service manifest, compiled.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Unique name in the graph.
    pub name: String,
    /// Program image to run.
    pub program: String,
    /// One line for people.
    pub description: String,
    /// Protocols served.
    pub exposes: Vec<String>,
    /// Protocols used.
    pub uses: Vec<Use>,
    /// Services to start after (beyond those implied by `uses`).
    pub after: Vec<String>,
    /// Arguments passed in the startup message.
    pub args: Vec<(String, String)>,
    /// Restart policy.
    pub restart: Restart,
    /// Capabilities the root manager hands over at start, by name
    /// (`process-resource`, `info-resource`, board device names).
    pub capabilities: Vec<String>,
    /// When it starts.
    pub start: Start,
    /// Launcher entry, for apps.
    pub app: Option<AppInfo>,
}

impl Manifest {
    /// The use entry for `protocol`, if any.
    pub fn use_of(&self, protocol: &str) -> Option<&Use> {
        self.uses.iter().find(|u| u.protocol == protocol)
    }
}
