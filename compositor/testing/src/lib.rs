//! weft-compositor-testing — a small service graph for tests (host only).
//!
//! [`System`] boots a hosted kernel, turns the test thread into a Weft
//! process ("harness"), starts programs with exactly the startup message,
//! capabilities and routes a manifest would give them, and plays their
//! parent: it answers `Connect` by routing to the provider that exposes
//! the protocol (with the route's grants) and refuses anything not
//! routed, as the root manager does. Tests can connect to any exposed
//! protocol themselves ([`System::connect`]) under a name and grants of
//! their choosing. This stands in for the root manager until the hosted
//! runner can be driven from tests.

use std::sync::{Arc, Mutex};

use weft_abi::{ResourceKind, Rights};
use weft_ipc::namespace::{
    ConnectError, NamespaceEvent, NamespaceProtocol, NamespaceRequest, NamespaceResponse, StartupInfo,
};
use weft_ipc::wire::{self, Kind};
use weft_ipc::{Client, ClientInfo, Protocol};
use weft_kernel_hosted::{Attached, Hosted};
use weft_rt::{Channel, Deadline, Handle, Port, Process, Ready, Resource, Signals, Vmo, WaitSet};

/// A program to start, as a manifest would describe it.
pub struct Service {
    name: String,
    program: String,
    exposes: Vec<String>,
    uses: Vec<(String, Vec<String>)>,
    args: Vec<(String, String)>,
    devices: Vec<(String, Arc<dyn std::any::Any + Send + Sync>)>,
}

impl Service {
    /// A service `name` running `program`.
    pub fn new(name: &str, program: &str) -> Service {
        Service {
            name: name.into(),
            program: program.into(),
            exposes: Vec::new(),
            uses: Vec::new(),
            args: Vec::new(),
            devices: Vec::new(),
        }
    }

    /// It serves `protocol`.
    pub fn exposes(mut self, protocol: &str) -> Service {
        self.exposes.push(protocol.into());
        self
    }

    /// It may connect to `protocol`, with `grants`.
    pub fn uses(mut self, protocol: &str, grants: &[&str]) -> Service {
        self.uses.push((protocol.into(), grants.iter().map(|g| g.to_string()).collect()));
        self
    }

    /// A startup argument.
    pub fn arg(mut self, key: &str, value: &str) -> Service {
        self.args.push((key.into(), value.into()));
        self
    }

    /// A host device model, handed over as capability `name`.
    pub fn device(mut self, name: &str, model: Arc<dyn std::any::Any + Send + Sync>) -> Service {
        self.devices.push((name.into(), model));
        self
    }
}

struct Record {
    name: String,
    principal: u64,
    exposes: Vec<String>,
    uses: Vec<(String, Vec<String>)>,
    namespace: Channel,
    process: Process,
}

#[derive(Default)]
struct Routes {
    records: Vec<Record>,
}

impl Routes {
    fn provider(&self, protocol: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.exposes.iter().any(|p| p == protocol))
    }

    /// Hand `channel` to the provider of `protocol` as a connection from
    /// `client`.
    fn route(&self, protocol: &str, client: ClientInfo, channel: Channel) -> Result<(), ConnectError> {
        let provider = self.provider(protocol).ok_or_else(|| ConnectError::Unavailable {
            protocol: protocol.into(),
            reason: "no provider started".into(),
        })?;
        let bytes = weft_ipc::namespace::encode_event(&NamespaceEvent::Incoming {
            protocol: protocol.into(),
            client,
        })
        .map_err(|e| ConnectError::Ipc(weft_ipc::describe(&e)))?;
        provider
            .namespace
            .write(&bytes, vec![channel.into_handle()])
            .map_err(|e| ConnectError::Ipc(e.to_string()))
    }
}

/// A running test system.
pub struct System {
    hosted: Hosted,
    routes: Arc<Mutex<Routes>>,
    wake: Port,
    resource: Option<Resource>,
    next_principal: u64,
    attached: Option<Attached>,
}

/// Wakes the router to watch new namespaces.
const NEW_SERVICE: u64 = weft_rt::port::USER_KEYS;

fn lock(routes: &Mutex<Routes>) -> std::sync::MutexGuard<'_, Routes> {
    routes.lock().unwrap_or_else(|p| p.into_inner())
}

impl System {
    /// Boot a hosted kernel with `programs` registered.
    pub fn new(programs: &[(&str, weft_kernel_hosted::ProgramMain)]) -> System {
        let hosted = Hosted::new();
        // The hosted kernel's hook keeps panics of Weft threads for its
        // fault reports; the test thread is one, so print them too.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<weft_kernel_hosted::ThreadEnded>() {
                eprintln!("{info}");
            }
            previous(info);
        }));
        for (name, main) in programs {
            hosted.register_program(name, *main);
        }
        let attached = hosted.attach("harness", weft_abi::PRINCIPAL_ROOT).expect("attach the test thread");
        let koid = hosted.create_resource(ResourceKind::Process, 0, 0);
        let value = hosted
            .install_handle(attached.process(), koid, Rights::DEFAULT | Rights::MANAGE)
            .expect("process resource");
        let resource = Resource::from_handle(Handle::from_raw(value));
        let routes = Arc::new(Mutex::new(Routes::default()));
        let mut waits = WaitSet::new().expect("wait set");
        let wake = Port::from_handle(waits.port().handle().duplicate(Rights::SAME).expect("port"));
        let router = Arc::clone(&routes);
        weft_rt::thread::spawn("router", move || route_forever(&router, &mut waits)).expect("router thread");
        System {
            hosted,
            routes,
            wake,
            resource: Some(resource),
            next_principal: 100,
            attached: Some(attached),
        }
    }

    /// The hosted kernel (debug log, processes).
    pub fn hosted(&self) -> &Hosted {
        &self.hosted
    }

    /// Start the graphics stack as the board wires it: the input service,
    /// `display-hosted` on `display` (a `HostDisplay`), and the compositor.
    /// The programs `input`, `display-hosted` and `compositor` must be
    /// registered.
    pub fn start_graphics(
        &mut self,
        display: Arc<dyn std::any::Any + Send + Sync>,
    ) -> Result<(), weft_rt::Error> {
        self.start(Service::new("input", "input").exposes("weft.input.device").exposes("weft.input"))?;
        self.start(
            Service::new("display", "display-hosted")
                .exposes("weft.display")
                .uses("weft.input.device", &[])
                .device("device:display", display),
        )?;
        self.start(
            Service::new("compositor", "compositor")
                .exposes("weft.compositor")
                .exposes("weft.compositor.shell")
                .uses("weft.display", &[])
                .uses("weft.input", &[]),
        )
    }

    /// Start a service.
    pub fn start(&mut self, service: Service) -> Result<(), weft_rt::Error> {
        let principal = self.next_principal;
        self.next_principal += 1;
        let resource = self.resource.as_ref().ok_or(weft_rt::Error::BadState)?;
        let process = Process::create(resource, &service.name, principal)?;
        let harness = self.attached.as_ref().ok_or(weft_rt::Error::BadState)?.process();
        let image_bytes = Hosted::image_for(&service.program);
        let image = Vmo::create(image_bytes.len())?;
        image.write(0, &image_bytes)?;
        let (parent, child) = Channel::create()?;
        let mut names = Vec::new();
        let mut handles = Vec::new();
        for (name, model) in service.devices {
            let koid = self.hosted.register_device(model);
            let value = self.hosted.install_handle(harness, koid, Rights::DEFAULT | Rights::MANAGE)?;
            names.push(name);
            handles.push(Handle::from_raw(value));
        }
        let startup = weft_ipc::namespace::encode_startup(&StartupInfo {
            name: service.name.clone(),
            program: service.program.clone(),
            principal,
            args: service.args,
            handles: names,
            exposes: service.exposes.clone(),
        })
        .map_err(|_| weft_rt::Error::InvalidArgs)?;
        parent.write(&startup, handles)?;
        process.start(&image, child)?;
        lock(&self.routes).records.push(Record {
            name: service.name,
            principal,
            exposes: service.exposes,
            uses: service.uses,
            namespace: parent,
            process,
        });
        self.wake.queue(NEW_SERVICE, [0; 4])?;
        Ok(())
    }

    /// Connect to the provider of `P` as a client called `name` whose
    /// route carries `grants`.
    pub fn connect<P: Protocol>(&self, name: &str, grants: &[&str]) -> Result<Client<P>, ConnectError> {
        let (ours, theirs) = Channel::create().map_err(|e| ConnectError::Ipc(e.to_string()))?;
        let client = ClientInfo {
            name: name.into(),
            principal: 50,
            grants: grants.iter().map(|g| g.to_string()).collect(),
        };
        lock(&self.routes).route(P::NAME, client, theirs)?;
        Ok(Client::new(ours))
    }

    /// Kill a service's process (a client dying mid-frame).
    pub fn kill(&self, name: &str) -> Result<(), weft_rt::Error> {
        let routes = lock(&self.routes);
        let record = routes.records.iter().find(|r| r.name == name).ok_or(weft_rt::Error::NotFound)?;
        record.process.kill()
    }

    /// Whether the service's process has ended.
    pub fn has_exited(&self, name: &str) -> bool {
        let routes = lock(&self.routes);
        routes.records.iter().any(|r| r.name == name && r.process.wait_terminated(Deadline::POLL).is_ok())
    }

    /// Wait until the kernel debug log has a line containing `needle`.
    pub fn wait_for_log(&self, needle: &str, timeout: std::time::Duration) -> bool {
        let end = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < end {
            if self.hosted.debug_log().contains(needle) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        false
    }
}

impl Drop for System {
    fn drop(&mut self) {
        // Close the harness's handles while its process still lives, end
        // it, then stop everything else.
        lock(&self.routes).records.clear();
        self.resource = None;
        self.attached = None;
        self.hosted.shutdown();
    }
}

fn route_forever(routes: &Mutex<Routes>, waits: &mut WaitSet) {
    let mut watched: Vec<(weft_rt::Key, usize)> = Vec::new();
    loop {
        {
            let guard = lock(routes);
            for (index, record) in guard.records.iter().enumerate() {
                if !watched.iter().any(|(_, i)| *i == index)
                    && let Ok(key) = waits.add(&record.namespace, Signals::READABLE)
                {
                    watched.push((key, index));
                }
            }
        }
        let key = match waits.wait(Deadline::INFINITE) {
            Ok(Ready::Signals { key, .. }) => key,
            Ok(Ready::User { .. }) => continue,
            Err(_) => return,
        };
        let Some(&(_, index)) = watched.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let guard = lock(routes);
        let record = &guard.records[index];
        while let Ok(message) = record.namespace.try_read() {
            let reply = answer(&guard, record, &message.bytes, message.handles);
            if message.txid != 0
                && let Ok(bytes) = wire::encode(NamespaceProtocol::VERSION, Kind::Response, &reply)
            {
                let _ = record.namespace.write_with_txid(message.txid, &bytes, Vec::new());
            }
        }
    }
}

fn answer(routes: &Routes, record: &Record, bytes: &[u8], mut handles: Vec<Handle>) -> NamespaceResponse {
    let request = wire::header(NamespaceProtocol::VERSION, bytes)
        .and_then(|(_, body)| wire::body::<NamespaceRequest>(body));
    match request {
        Ok(NamespaceRequest::Ready) => NamespaceResponse::Ok,
        Ok(NamespaceRequest::Connect { protocol }) => {
            let Some((_, grants)) = record.uses.iter().find(|(p, _)| *p == protocol) else {
                return NamespaceResponse::Refused(ConnectError::NotRouted { protocol });
            };
            if handles.len() != 1 {
                return NamespaceResponse::Refused(ConnectError::Ipc("one channel expected".into()));
            }
            let channel = Channel::from_handle(handles.remove(0));
            let client =
                ClientInfo { name: record.name.clone(), principal: record.principal, grants: grants.clone() };
            match routes.route(&protocol, client, channel) {
                Ok(()) => NamespaceResponse::Ok,
                Err(error) => NamespaceResponse::Refused(error),
            }
        }
        Err(error) => NamespaceResponse::Refused(ConnectError::Ipc(weft_ipc::describe(&error))),
    }
}
