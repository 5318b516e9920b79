//! The root manager's state and event loop.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Signals, process_state};
use weft_ipc::program::ProgramError;
use weft_manifest::{Graph, Restart};
use weft_root_api::{Exit, RootEvent, ServiceState};
use weft_rt::{Deadline, Handle, Key, Ready, Resource, Timer, Vmo, WaitSet};

use crate::api::RootClient;
use crate::images::Images;
use crate::instance::{HEALTHY_AFTER, Instance};

/// What a wait-set key stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A service's namespace channel.
    Namespace(usize),
    /// A service's process.
    Process(usize),
    /// The restart timer.
    Timer,
    /// A `weft.root` client.
    Client(u64),
}

/// The root manager.
pub struct Manager {
    pub graph: Graph,
    pub instances: Vec<Instance>,
    /// Services the graph left out, with why.
    pub failed: Vec<(String, String)>,
    pub images: Images,
    pub capabilities: Vec<(String, Handle)>,
    pub process_resource: Resource,
    pub info_resource: Resource,
    pub bundle: Vmo,
    pub waitset: WaitSet,
    pub sources: BTreeMap<Key, Source>,
    pub timer: Timer,
    pub timer_key: Option<Key>,
    pub clients: BTreeMap<u64, RootClient>,
    pub next_client: u64,
    /// Whether the root manager's own records go to the log service yet.
    pub own_log: bool,
    pub principal: u64,
}

impl Manager {
    /// Serve forever.
    pub fn run(&mut self) -> Result<(), ProgramError> {
        let key = self.waitset.add(&self.timer, Signals::SIGNALED)?;
        self.sources.insert(key, Source::Timer);
        self.timer_key = Some(key);
        loop {
            self.start_what_can_start();
            match self.waitset.wait(Deadline::INFINITE) {
                Ok(Ready::Signals { key, observed }) => {
                    let Some(&source) = self.sources.get(&key) else { continue };
                    self.dispatch(source, key, observed);
                }
                Ok(Ready::User { .. }) => {}
                Err(Error::TimedOut) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }

    fn dispatch(&mut self, source: Source, key: Key, observed: Signals) {
        match source {
            Source::Namespace(index) => self.namespace_ready(index, key, observed),
            Source::Process(index) => self.process_ended(index),
            Source::Timer => self.restart_due(),
            Source::Client(id) => self.client_ready(id, key, observed),
        }
    }

    /// Index of a service by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.instances.iter().position(|i| i.name() == name)
    }

    /// Whether everything `index` depends on is serving.
    fn dependencies_running(&self, index: usize) -> bool {
        let Some(instance) = self.instances.get(index) else { return false };
        self.graph.dependencies(instance.name()).iter().all(|dep| {
            self.index_of(dep)
                .and_then(|i| self.instances.get(i))
                .is_some_and(|d| d.state == ServiceState::Running)
        })
    }

    /// Start every waiting service whose dependencies serve.
    pub fn start_what_can_start(&mut self) {
        loop {
            let next = (0..self.instances.len()).find(|&index| {
                self.instances.get(index).is_some_and(|i| {
                    i.state == ServiceState::Waiting && !i.held_down && i.restart_at.is_none()
                }) && self.dependencies_running(index)
            });
            let Some(index) = next else { break };
            self.start(index);
        }
    }

    /// Tell subscribers a service changed.
    pub fn changed(&mut self, index: usize) {
        let Some(instance) = self.instances.get(index) else { return };
        let event = RootEvent::Changed(instance.status());
        let mut gone = Vec::new();
        for (&id, client) in &self.clients {
            if client.subscribed {
                match client.connection.emit(&event) {
                    Ok(()) => {}
                    // A subscriber too slow to read misses updates; one
                    // that is gone is dropped.
                    Err(error) if error.is_peer_closed() => gone.push(id),
                    Err(_) => {}
                }
            }
        }
        for id in gone {
            self.drop_client(id);
        }
    }

    /// Reset the virtio devices a driver that ended was given: the device
    /// may still be writing into the driver's freed DMA buffers, and a
    /// reset (status register 0) stops it until the next driver sets it up.
    fn reset_devices(&self, index: usize, name: &str) {
        // virtio-mmio's Status register.
        const STATUS: u64 = 0x70;
        let Ok(capabilities) = self.capabilities_for(index) else { return };
        for (capability, handle) in capabilities {
            let Some(device) = capability.strip_prefix("mmio:virtio-") else { continue };
            let resource = weft_rt::Resource::from_handle(handle);
            // Mapped as the driver maps it (`weft_virtio::Device::open`).
            let reset = resource.info().and_then(|range| {
                let registers = resource.physical_vmo(range.base, range.size as usize)?;
                let mut mapping = registers.map_write(0, registers.size()?)?;
                let within = range.base as usize & (weft_abi::PAGE_SIZE - 1);
                mapping.write_register(within + STATUS as usize, 0)
            });
            match reset {
                Ok(()) => weft_rt::info!("reset virtio-{device} after {name} ended"),
                Err(error) => weft_rt::warn!("could not reset virtio-{device} after {name} ended: {error}"),
            }
        }
    }

    fn process_ended(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else { return };
        let Some(running) = instance.running.take() else { return };
        self.sources.remove(&running.namespace_key);
        self.sources.remove(&running.process_key);
        self.waitset.remove(running.namespace_key);
        self.waitset.remove(running.process_key);
        let record = running.process.record().ok();
        let exit = match record {
            Some(r) if r.state == process_state::EXITED => Exit::Code(r.exit_code),
            _ => Exit::Killed,
        };
        let now = weft_rt::now();
        let ran = core::time::Duration::from_nanos(now.saturating_sub(running.started_at));
        let failed = exit != Exit::Code(0);
        match &exit {
            Exit::Code(0) => weft_rt::info!("{} exited", instance.name()),
            Exit::Code(code) => weft_rt::warn!("{} exited with code {code}", instance.name()),
            Exit::Killed => weft_rt::warn!("{} was killed (fault or request)", instance.name()),
        }
        instance.last_exit = Some(exit);
        let name = String::from(instance.name());
        self.reset_devices(index, &name);
        let Some(instance) = self.instances.get_mut(index) else { return };
        if ran >= HEALTHY_AFTER {
            instance.quick_failures = 0;
        }
        let restart = !instance.held_down
            && match instance.manifest.restart {
                Restart::Always => true,
                Restart::OnFailure => failed,
                Restart::Never => false,
            };
        if restart {
            let delay = instance.backoff();
            instance.quick_failures = instance.quick_failures.saturating_add(1);
            instance.restart_at = Some(now.saturating_add(delay.as_nanos() as u64));
            instance.state = ServiceState::Restarting;
            instance.detail = alloc::format!("restarting in {} ms", delay.as_millis());
            weft_rt::info!("{} restarts in {} ms", instance.name(), delay.as_millis());
        } else if instance.on_demand() && !instance.held_down {
            // An app that ended goes back to waiting for its next launch.
            instance.state = ServiceState::Idle;
            instance.detail.clear();
        } else {
            instance.state = ServiceState::Stopped;
            instance.detail = String::from(if instance.held_down { "stopped on request" } else { "ended" });
        }
        drop(running);
        self.arm_timer();
        self.changed(index);
    }

    /// Program the timer for the earliest pending restart.
    pub fn arm_timer(&mut self) {
        let next = self.instances.iter().filter_map(|i| i.restart_at).min();
        match next {
            Some(at) => {
                let _ = self.timer.set(Deadline::at(at));
            }
            None => {
                let _ = self.timer.cancel();
            }
        }
    }

    fn restart_due(&mut self) {
        let _ = self.timer.cancel();
        let now = weft_rt::now();
        for index in 0..self.instances.len() {
            let due = self.instances.get(index).and_then(|i| i.restart_at).is_some_and(|at| at <= now);
            if due && let Some(instance) = self.instances.get_mut(index) {
                instance.restart_at = None;
                instance.restarts = instance.restarts.saturating_add(1);
                instance.state = ServiceState::Waiting;
                instance.detail.clear();
            }
        }
        self.arm_timer();
    }
}
