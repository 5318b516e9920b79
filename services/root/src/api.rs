//! `weft.root`: status and control for services whose manifests use it.

use alloc::vec::Vec;
use weft_abi::Signals;
use weft_ipc::{ClientInfo, Connection};
use weft_root_api::{RootError, RootProtocol, RootRequest, RootResponse, ServiceState};
use weft_rt::{Channel, Key};

use crate::manager::{Manager, Source};

/// A connected `weft.root` client.
pub struct RootClient {
    pub connection: Connection<RootProtocol>,
    pub key: Key,
    pub subscribed: bool,
}

impl Manager {
    /// Serve `weft.root` on a routed connection.
    pub fn accept_client(&mut self, channel: Channel, client: ClientInfo) {
        let Ok(key) = self.waitset.add(&channel, Signals::READABLE | Signals::PEER_CLOSED) else { return };
        let id = self.next_client;
        self.next_client += 1;
        self.sources.insert(key, Source::Client(id));
        self.clients
            .insert(id, RootClient { connection: Connection::new(channel, client), key, subscribed: false });
    }

    pub fn drop_client(&mut self, id: u64) {
        if let Some(client) = self.clients.remove(&id) {
            self.waitset.remove(client.key);
            self.sources.remove(&client.key);
        }
    }

    pub fn client_ready(&mut self, id: u64, _key: Key, observed: Signals) {
        loop {
            let Some(client) = self.clients.get(&id) else { return };
            let incoming = match client.connection.try_next() {
                Ok(Some(incoming)) => incoming,
                Ok(None) => break,
                Err(_) => {
                    // Gone, or speaking garbage: either way, drop it.
                    self.drop_client(id);
                    return;
                }
            };
            let manage = client.connection.client.has("manage");
            let launch = client.connection.client.has("launch");
            let response = self.handle(id, incoming.request, manage, launch);
            if incoming.txid != 0
                && let Some(client) = self.clients.get(&id)
            {
                let _ = client.connection.reply(incoming.txid, &response);
            }
        }
        if observed.contains(Signals::PEER_CLOSED) {
            self.drop_client(id);
        }
    }

    fn handle(&mut self, id: u64, request: RootRequest, manage: bool, launch: bool) -> RootResponse {
        match request {
            RootRequest::Services => RootResponse::Services(self.statuses()),
            RootRequest::Subscribe => {
                if let Some(client) = self.clients.get_mut(&id) {
                    client.subscribed = true;
                }
                RootResponse::Ok
            }
            RootRequest::Lookup { principal } => {
                if principal == self.principal {
                    return RootResponse::Name("root".into());
                }
                match self.instances.iter().find(|i| i.principal == principal) {
                    Some(instance) => RootResponse::Name(instance.name().into()),
                    None => RootResponse::Error(RootError::NotFound),
                }
            }
            RootRequest::Apps => RootResponse::Apps(self.apps()),
            RootRequest::Launch { name } if !(manage || launch) => {
                let _ = name;
                RootResponse::Error(RootError::Denied)
            }
            RootRequest::Launch { name } => self.launch(&name),
            RootRequest::Restart { name } | RootRequest::Stop { name } | RootRequest::Start { name }
                if !manage =>
            {
                let _ = name;
                RootResponse::Error(RootError::Denied)
            }
            RootRequest::Restart { name } => self.control(&name, Control::Restart),
            RootRequest::Stop { name } => self.control(&name, Control::Stop),
            RootRequest::Start { name } => self.control(&name, Control::Start),
        }
    }

    /// Every service's status, including those the graph left out.
    pub fn statuses(&self) -> Vec<weft_root_api::ServiceStatus> {
        let mut list: Vec<_> = self.instances.iter().map(|i| i.status()).collect();
        for (name, why) in &self.failed {
            list.push(weft_root_api::ServiceStatus {
                name: name.clone(),
                description: alloc::string::String::new(),
                state: ServiceState::Failed,
                koid: 0,
                principal: 0,
                restarts: 0,
                started_at: 0,
                last_exit: None,
                detail: why.clone(),
            });
        }
        list
    }

    /// Every app, for the launcher.
    fn apps(&self) -> Vec<weft_root_api::AppEntry> {
        self.instances
            .iter()
            .filter_map(|instance| {
                let app = instance.manifest.app.as_ref()?;
                Some(weft_root_api::AppEntry {
                    name: instance.name().into(),
                    title: app.title.clone(),
                    icon: app.icon.clone(),
                    category: app.category.clone(),
                    keywords: app.keywords.clone(),
                    running: instance.running.is_some(),
                })
            })
            .collect()
    }

    fn launch(&mut self, name: &str) -> RootResponse {
        let Some(index) = self.index_of(name) else { return RootResponse::Error(RootError::NotFound) };
        let Some(instance) = self.instances.get_mut(index) else {
            return RootResponse::Error(RootError::NotFound);
        };
        if !instance.on_demand() {
            return RootResponse::Error(RootError::BadState("not an app".into()));
        }
        if instance.activate() {
            weft_rt::info!("launching {name}");
            self.changed(index);
        }
        RootResponse::Ok
    }

    fn control(&mut self, name: &str, control: Control) -> RootResponse {
        let Some(index) = self.index_of(name) else { return RootResponse::Error(RootError::NotFound) };
        let Some(instance) = self.instances.get_mut(index) else {
            return RootResponse::Error(RootError::NotFound);
        };
        match control {
            Control::Restart | Control::Stop => {
                instance.held_down = control == Control::Stop;
                match instance.running.as_ref() {
                    // The process-ended handler restarts it (quickly: a
                    // requested restart is not a failure).
                    Some(running) => {
                        instance.quick_failures = 0;
                        let _ = running.process.kill();
                    }
                    None if control == Control::Restart => {
                        instance.restart_at = None;
                        instance.state = ServiceState::Waiting;
                    }
                    None => instance.state = ServiceState::Stopped,
                }
                weft_rt::info!("{name}: {:?} requested", control);
            }
            Control::Start => {
                if instance.running.is_some() {
                    return RootResponse::Error(RootError::BadState("already running".into()));
                }
                instance.held_down = false;
                instance.restart_at = None;
                instance.state = ServiceState::Waiting;
            }
        }
        self.arm_timer();
        self.changed(index);
        RootResponse::Ok
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    Restart,
    Stop,
    Start,
}
