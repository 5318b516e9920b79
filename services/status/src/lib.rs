//! weft-status — the status service.
//!
//! Mirrors the root manager's view of the service graph (it subscribes to
//! `weft.root` changes), reads the process list and kernel counters through
//! its info resource, and serves all of it as `weft.status`. Restart
//! requests are passed to the root manager only for clients whose route
//! carries the `manage` grant.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Signals, process_state};
use weft_ipc::program::ProgramError;
use weft_ipc::{Client, Service, ServiceEvent, Startup};
use weft_root_api::{RootEvent, RootProtocol, RootRequest, RootResponse, ServiceState, ServiceStatus};
use weft_rt::{Deadline, Key, Resource};
use weft_status_api::{ProcessInfo, StatusEvent, StatusProtocol, StatusRequest, StatusResponse, SystemInfo};

fn process_info(record: &weft_abi::ProcessRecord) -> ProcessInfo {
    let state = match record.state {
        process_state::NEW => "new",
        process_state::RUNNING => "running",
        process_state::EXITED => "exited",
        _ => "killed",
    };
    ProcessInfo {
        koid: record.koid,
        name: String::from(record.name()),
        principal: record.principal,
        state: String::from(state),
        threads: record.threads,
        handles: record.handles,
        mapped_bytes: record.mapped_bytes,
        cpu_time: record.cpu_time,
        created_at: record.created_at,
    }
}

struct State {
    services: Vec<ServiceStatus>,
    info: Resource,
    root: Client<RootProtocol>,
    platform: String,
}

impl State {
    fn system(&self) -> SystemInfo {
        let stats = self.info.kernel_stats().unwrap_or_default();
        SystemInfo {
            version: String::from(env!("CARGO_PKG_VERSION")),
            platform: self.platform.clone(),
            uptime: stats.uptime,
            processes: stats.processes,
            threads: stats.threads,
            objects: stats.objects,
            memory_used: stats.vmo_bytes,
            memory_total: stats.memory_total,
            syscalls: stats.syscalls,
            messages: stats.messages,
            services_running: self.services.iter().filter(|s| s.state == ServiceState::Running).count()
                as u32,
            services_total: self.services.len() as u32,
        }
    }

    fn handle(&mut self, request: StatusRequest, manage: bool) -> StatusResponse {
        match request {
            StatusRequest::Services => StatusResponse::Services(self.services.clone()),
            StatusRequest::Processes => match self.info.processes() {
                Ok(records) => StatusResponse::Processes(records.iter().map(process_info).collect()),
                Err(error) => StatusResponse::Error(alloc::format!("process list: {error}")),
            },
            StatusRequest::System => StatusResponse::System(self.system()),
            StatusRequest::Restart { .. } if !manage => {
                StatusResponse::Error(String::from("restarting services needs the manage grant"))
            }
            StatusRequest::Restart { name } => match self
                .root
                .call(&RootRequest::Restart { name: name.clone() })
            {
                Ok(RootResponse::Ok) => StatusResponse::Ok,
                Ok(RootResponse::Error(error)) => StatusResponse::Error(alloc::format!("{name}: {error:?}")),
                Ok(_) => StatusResponse::Error(String::from("unexpected answer from the root manager")),
                Err(error) => StatusResponse::Error(alloc::format!("root manager: {error}")),
            },
            StatusRequest::Subscribe => StatusResponse::Ok,
        }
    }

    fn update(&mut self, status: ServiceStatus) {
        match self.services.iter_mut().find(|s| s.name == status.name) {
            Some(slot) => *slot = status,
            None => self.services.push(status),
        }
    }
}

/// The status service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let info = startup
        .take_handle("info-resource")
        .map(Resource::from_handle)
        .ok_or(ProgramError(String::from("no info-resource capability")))?;
    let root = startup.namespace().connect::<RootProtocol>()?;
    root.call(&RootRequest::Subscribe)?;
    let services = match root.call(&RootRequest::Services)? {
        RootResponse::Services(list) => list,
        _ => Vec::new(),
    };
    let platform = String::from(startup.arg("platform").unwrap_or("weft"));
    let mut state = State { services, info, root, platform };
    let mut service: Service<StatusProtocol> = Service::new(&startup)?;
    let root_key: Key = service.watch(state.root.channel(), Signals::READABLE | Signals::PEER_CLOSED)?;
    let mut subscribers: Vec<Key> = Vec::new();
    service.ready()?;
    loop {
        match service.next(Deadline::INFINITE)? {
            ServiceEvent::Stop => return Ok(()),
            ServiceEvent::Signals { key, observed } if key == root_key => {
                while let Ok(Some((RootEvent::Changed(status), _))) = state.root.try_event() {
                    let event = StatusEvent::Service(status.clone());
                    state.update(status);
                    service.broadcast(&event, |k| subscribers.contains(k));
                }
                if observed.contains(Signals::PEER_CLOSED) {
                    return Err(ProgramError(String::from("lost the root manager")));
                }
            }
            ServiceEvent::Requests { key, observed } => {
                let alive = service.serve(key, observed, |connection, incoming| {
                    if incoming.request == StatusRequest::Subscribe && !subscribers.contains(&key) {
                        subscribers.push(key);
                    }
                    let manage = connection.client.has("manage");
                    Some((state.handle(incoming.request, manage), Vec::new()))
                });
                if !alive {
                    subscribers.retain(|k| *k != key);
                }
            }
            _ => {}
        }
    }
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
