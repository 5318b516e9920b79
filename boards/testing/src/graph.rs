//! Small service graphs for tests, booted by the real root manager.
//!
//! A test names the services it wants ([`Service`]: a program, the
//! protocols it exposes and uses with their grants, arguments, host
//! devices); [`Graph`] turns them into manifests, boots the hosted board's
//! [`System`] on them and gives the test a harness inside the graph to
//! act through ([`Graph::harness`]): inject input, start a service that
//! waits to be started, call any protocol the harness's routes reach.
//! Services never restart: a test sees exactly the processes it started.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use weft_board_hosted::{BootOptions, System, bundle_for};
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, Namespace, Protocol};
use weft_kernel_hosted::{Hosted, ProgramClosure, ProgramMain};
use weft_manifest::{Manifest, Restart, Start, Use};
use weft_root_api::{RootProtocol, RootRequest, RootResponse};

use crate::probe::Probe;
use crate::seat::Seat;

/// Generous: CI machines are slow and share two cores.
pub const WAIT: Duration = Duration::from_secs(30);

/// A host device model handed to a service as a capability.
pub type Device = Arc<dyn Any + Send + Sync>;

/// A service to run, as its manifest would describe it.
pub struct Service {
    manifest: Manifest,
    devices: Vec<(String, Device)>,
}

impl Service {
    /// A service `name` running `program`, started at boot.
    pub fn new(name: &str, program: &str) -> Service {
        let manifest = Manifest {
            name: name.into(),
            program: program.into(),
            restart: Restart::Never,
            ..Manifest::default()
        };
        Service { manifest, devices: Vec::new() }
    }

    /// It serves `protocol`.
    pub fn exposes(mut self, protocol: &str) -> Service {
        self.manifest.exposes.push(protocol.into());
        self
    }

    /// It may connect to `protocol`, with `grants`.
    pub fn uses(mut self, protocol: &str, grants: &[&str]) -> Service {
        self.manifest.uses.push(Use {
            protocol: protocol.into(),
            from: None,
            grants: grants.iter().map(|grant| grant.to_string()).collect(),
            optional: false,
        });
        self
    }

    /// A startup argument.
    pub fn arg(mut self, key: &str, value: &str) -> Service {
        self.manifest.args.push((key.into(), value.into()));
        self
    }

    /// A host device model, handed over as capability `name`.
    pub fn device(mut self, name: &str, model: Device) -> Service {
        self.manifest.capabilities.push(name.into());
        self.devices.push((name.into(), model));
        self
    }

    /// It starts only when asked ([`Graph::start`]), not at boot.
    pub fn later(mut self) -> Service {
        self.manifest.start = Start::OnDemand;
        self
    }
}

/// The services that put a picture on a display: the input service, the
/// hosted display on `display` (a `HostDisplay`), and the compositor.
pub fn graphics(display: Device) -> Vec<Service> {
    vec![
        Service::new("input", "input").exposes("weft.input.device").exposes("weft.input"),
        Service::new("display", "display-hosted")
            .exposes("weft.display")
            .uses("weft.input.device", &[])
            .device("device:display", display),
        Service::new("compositor", "compositor")
            .exposes("weft.compositor")
            .exposes("weft.compositor.shell")
            .uses("weft.display", &[])
            .uses("weft.input", &[]),
    ]
}

/// The disk and the storage service on it: the hosted block service on
/// `disk` (a `HostDisk`) and `storage` with `args` (`app-quota-mib`,
/// `wall-clock`, ...).
pub fn storage(disk: Device, args: &[(&str, &str)]) -> Vec<Service> {
    let storage = Service::new("storage", "storage").exposes("weft.storage").uses("weft.block", &[]);
    vec![
        Service::new("block", "block-hosted").exposes("weft.block").device("device:disk", disk),
        args.iter().fold(storage, |service, (key, value)| service.arg(key, value)),
    ]
}

/// The harness's state inside the graph: its namespace, and a client of
/// each protocol it has called (connected on first use, kept after).
pub struct Harness {
    /// The harness's link to the root manager.
    pub namespace: Namespace,
    clients: BTreeMap<&'static str, Box<dyn Any>>,
}

impl Harness {
    /// The harness's client of `P` (connected through its route on first
    /// use).
    pub fn client<P: Protocol + 'static>(&mut self) -> Result<&Client<P>, String> {
        if !self.clients.contains_key(P::NAME) {
            let client = self.namespace.connect::<P>().map_err(|error| error.to_string())?;
            self.clients.insert(P::NAME, Box::new(client));
        }
        self.clients
            .get(P::NAME)
            .and_then(|client| client.downcast_ref::<Client<P>>())
            .ok_or_else(|| format!("no client of {}", P::NAME))
    }

    /// Call `P` with `request` through the harness's client.
    pub fn call<P: Protocol + 'static>(&mut self, request: &P::Request) -> Result<P::Response, String> {
        self.client::<P>()?.call(request).map_err(|error| error.to_string())
    }
}

/// A booted test graph.
pub struct Graph {
    /// The booted system (its hosted kernel, debug log, processes).
    pub system: System,
    harness: Probe<Harness>,
}

/// How to boot a [`Graph`].
#[derive(Default)]
pub struct GraphOptions {
    /// The services.
    pub services: Vec<Service>,
    /// Programs beyond the board's, by name.
    pub programs: Vec<(String, ProgramClosure)>,
    /// What the harness may reach: `(protocol, grants)`. It may always
    /// start services (`weft.root` with `manage`).
    pub harness: Vec<(String, Vec<String>)>,
}

impl GraphOptions {
    /// Add `services`.
    pub fn services(mut self, services: impl IntoIterator<Item = Service>) -> GraphOptions {
        self.services.extend(services);
        self
    }

    /// Register `entry` as program `name`.
    pub fn program(mut self, name: &str, entry: ProgramMain) -> GraphOptions {
        self.programs.push((name.into(), Arc::new(entry)));
        self
    }

    /// The harness may connect to `protocol`, with `grants`.
    pub fn harness_uses(mut self, protocol: &str, grants: &[&str]) -> GraphOptions {
        self.harness.push((protocol.into(), grants.iter().map(|grant| grant.to_string()).collect()));
        self
    }

    /// Boot.
    pub fn boot(self) -> Result<Graph, String> {
        Graph::boot(self)
    }
}

impl Graph {
    /// Boot `options` on a fresh hosted kernel and wait until the harness
    /// runs.
    pub fn boot(options: GraphOptions) -> Result<Graph, String> {
        let hosted = Hosted::new();
        for (name, entry) in options.programs {
            hosted.register_closure(&name, entry);
        }
        let (harness, program) = Probe::new(|startup| {
            Ok::<_, ProgramError>(Harness {
                namespace: startup.namespace().clone(),
                clients: BTreeMap::new(),
            })
        });
        hosted.register_closure("test-harness", program);
        let mut manifests = Vec::new();
        let mut devices = Vec::new();
        for service in options.services {
            manifests.push(service.manifest);
            devices.extend(service.devices);
        }
        let mut probe = Service::new("harness", "test-harness").uses("weft.root", &["manage"]);
        for (protocol, grants) in &options.harness {
            let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
            probe = probe.uses(protocol, &grants);
        }
        manifests.push(probe.manifest);
        let boot = BootOptions {
            bundle: bundle_for("test", manifests),
            echo: std::env::var_os("WEFT_TEST_ECHO").is_some(),
            devices,
        };
        let system = System::boot_on(hosted, boot)?;
        if !system.wait_for_log("probe harness ready", WAIT) {
            return Err(format!(
                "the harness did not start:\n{}",
                system.hosted.debug_log().lines().join("\n")
            ));
        }
        Ok(Graph { system, harness })
    }

    /// Run `job` in the harness, inside the graph.
    pub fn harness<R: Send + 'static>(&self, job: impl FnOnce(&mut Harness) -> R + Send + 'static) -> R {
        self.harness.run(job)
    }

    /// The seat the harness drives (its route to `weft.input` must grant
    /// `inject`), on a display of `size` pixels.
    pub fn seat(&self, size: (u32, u32)) -> Seat {
        Seat::new(self.harness.clone(), size)
    }

    /// Start service `name` (one declared [`Service::later`]).
    pub fn start(&self, name: &str) -> Result<(), String> {
        let name = name.to_string();
        self.harness(move |harness| match harness.call::<RootProtocol>(&RootRequest::Start { name })? {
            RootResponse::Ok => Ok(()),
            other => Err(format!("{other:?}")),
        })
    }

    /// Kill service `name`'s process, as a crash would.
    pub fn kill(&self, name: &str) -> Result<(), String> {
        let koid = self
            .system
            .hosted
            .processes()
            .into_iter()
            .find(|process| process.name() == name)
            .map(|process| process.koid)
            .ok_or_else(|| format!("no process `{name}`"))?;
        self.system.hosted.with_kernel(|kernel| kernel.kill(koid));
        Ok(())
    }

    /// Wait until a kernel debug-log line contains `needle`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        self.system.wait_for_log(needle, timeout)
    }

    /// The hosted kernel.
    pub fn hosted(&self) -> &Hosted {
        &self.system.hosted
    }
}
