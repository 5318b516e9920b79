//! Starting one service: process, bootstrap channel, startup message,
//! capabilities.

use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Rights, Signals, limits};
use weft_ipc::namespace::{NamespaceEvent, StartupInfo, encode_event, encode_startup};
use weft_ipc::{ClientInfo, Connection};
use weft_root_api::ServiceState;
use weft_rt::{Channel, Handle, Process};

use crate::instance::{Pending, Running};
use crate::manager::{Manager, Source};

/// Whether capability `name` matches `pattern` (`*` at the end matches any
/// suffix).
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

impl Manager {
    /// The handles a service's manifest asks for, with their names.
    pub(crate) fn capabilities_for(&self, index: usize) -> Result<Vec<(String, Handle)>, String> {
        let Some(instance) = self.instances.get(index) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for wanted in &instance.manifest.capabilities {
            let handle = match wanted.as_str() {
                "process-resource" => self.process_resource.handle().duplicate(Rights::SAME),
                "info-resource" => self.info_resource.handle().duplicate(Rights::SAME),
                // Read-only, and no wider than the root manager's own handle (which
                // may lack rights a fresh read-only duplicate would ask for).
                "bundle" => self.bundle.handle().duplicate(
                    Rights::READ | Rights::MAP | Rights::INSPECT | Rights::TRANSFER | Rights::DUPLICATE,
                ),
                pattern => {
                    let mut found = false;
                    for (name, handle) in &self.capabilities {
                        if matches(pattern, name) {
                            found = true;
                            let copy =
                                handle.duplicate(Rights::SAME).map_err(|e| alloc::format!("{name}: {e}"))?;
                            out.push((name.clone(), copy));
                        }
                    }
                    if !found {
                        weft_rt::warn!(
                            "{}: no capability matches `{pattern}` on this system",
                            instance.name()
                        );
                    }
                    continue;
                }
            };
            out.push((wanted.clone(), handle.map_err(|e| alloc::format!("{wanted}: {e}"))?));
        }
        if out.len() > limits::MESSAGE_HANDLES {
            return Err(alloc::format!("{} capabilities; at most {}", out.len(), limits::MESSAGE_HANDLES));
        }
        Ok(out)
    }

    fn fail(&mut self, index: usize, detail: String) {
        if let Some(instance) = self.instances.get_mut(index) {
            weft_rt::error!("{} could not start: {detail}", instance.name());
            instance.state = ServiceState::Failed;
            instance.detail = detail;
            instance.pending.clear();
        }
        self.changed(index);
    }

    /// Start service `index` now.
    pub fn start(&mut self, index: usize) {
        let Some(instance) = self.instances.get(index) else { return };
        let name = String::from(instance.name());
        let principal = instance.principal;
        let Some(image) = self.images.get(&instance.manifest.program) else {
            let detail =
                alloc::format!("no program image `{}` in the boot bundle", instance.manifest.program);
            return self.fail(index, detail);
        };
        let capabilities = match self.capabilities_for(index) {
            Ok(capabilities) => capabilities,
            Err(detail) => return self.fail(index, detail),
        };
        let info = StartupInfo {
            name: name.clone(),
            program: instance.manifest.program.clone(),
            principal,
            args: instance.manifest.args.clone(),
            handles: capabilities.iter().map(|(n, _)| n.clone()).collect(),
            exposes: instance.manifest.exposes.clone(),
        };
        let started = (|| -> Result<(Process, Channel), String> {
            let process = Process::create(&self.process_resource, &name, principal)
                .map_err(|e| alloc::format!("process: {e}"))?;
            let (ours, theirs) = Channel::create().map_err(|e| alloc::format!("channel: {e}"))?;
            let message = encode_startup(&info).map_err(|e| alloc::format!("startup message: {e}"))?;
            let handles = capabilities.into_iter().map(|(_, h)| h).collect();
            ours.write(&message, handles).map_err(|e| alloc::format!("startup message: {e}"))?;
            process.start(image, theirs).map_err(|e| alloc::format!("program image refused: {e}"))?;
            Ok((process, ours))
        })();
        let (process, ours) = match started {
            Ok(pair) => pair,
            Err(detail) => return self.fail(index, detail),
        };
        let koid = process.handle().koid().unwrap_or(0);
        let namespace_key = self.waitset.add(&ours, Signals::READABLE | Signals::PEER_CLOSED);
        let process_key = self.waitset.add(&process, Signals::TERMINATED);
        let (Ok(namespace_key), Ok(process_key)) = (namespace_key, process_key) else {
            let _ = process.kill();
            return self.fail(index, String::from("out of wait-set entries"));
        };
        self.sources.insert(namespace_key, Source::Namespace(index));
        self.sources.insert(process_key, Source::Process(index));
        let client = ClientInfo { name: name.clone(), principal, grants: Vec::new() };
        let Some(instance) = self.instances.get_mut(index) else { return };
        instance.running = Some(Running {
            process,
            koid,
            namespace: Connection::new(ours, client),
            namespace_key,
            process_key,
            started_at: weft_rt::now(),
        });
        instance.state =
            if instance.manifest.exposes.is_empty() { ServiceState::Running } else { ServiceState::Starting };
        instance.detail.clear();
        weft_rt::info!("started {name} (process {koid}, principal {principal})");
        // Connections that arrived while it was down go to the new process.
        let pending = core::mem::take(&mut instance.pending);
        for connection in pending {
            self.forward(index, connection);
        }
        self.changed(index);
        if self.instances.get(index).is_some_and(|i| i.state == ServiceState::Running) {
            self.now_serving(index);
        }
    }

    /// Hand a connection to service `index`, or hold it until it runs.
    pub fn forward(&mut self, index: usize, connection: Pending) {
        let Some(instance) = self.instances.get_mut(index) else { return };
        let Some(running) = instance.running.as_ref() else {
            // A connection activates an idle on-demand service.
            if instance.activate() {
                weft_rt::info!("{} started on demand by {}", instance.name(), connection.client.name);
            }
            if instance.pending.len() < crate::instance::PENDING_MAX {
                instance.pending.push(connection);
            } else {
                weft_rt::warn!("{}: too many connections waiting; dropping one", instance.name());
            }
            return;
        };
        let event = NamespaceEvent::Incoming { protocol: connection.protocol, client: connection.client };
        let Ok(bytes) = encode_event(&event) else { return };
        if let Err(error) =
            running.namespace.channel().write(&bytes, alloc::vec![connection.channel.into_handle()])
        {
            weft_rt::warn!("could not hand a connection to {}: {error}", instance.name());
        }
    }
}
