//! Requests services make through their namespace channel.

use alloc::string::String;
use alloc::sync::Arc;
use weft_abi::Signals;
use weft_ipc::log_sink::{ChannelSink, LogSinkProtocol};
use weft_ipc::namespace::{NamespaceRequest, NamespaceResponse};
use weft_ipc::wire::Fault;
use weft_ipc::{Client, ClientInfo, ConnectError, IpcError};
use weft_manifest::{LOG_SINK, ROOT};
use weft_root_api::ServiceState;
use weft_rt::{Channel, Key};

use crate::instance::Pending;
use crate::manager::Manager;

impl Manager {
    /// Drain the namespace channel of service `index`.
    pub fn namespace_ready(&mut self, index: usize, key: Key, observed: Signals) {
        loop {
            let Some(running) = self.instances.get(index).and_then(|i| i.running.as_ref()) else { return };
            let principal = self.instances.get(index).map_or(0, |i| i.principal);
            let incoming = match running.namespace.try_next() {
                Ok(Some(incoming)) => incoming,
                Ok(None) => break,
                Err(IpcError::Kernel(weft_abi::Error::PeerClosed)) => break,
                Err(error) => {
                    let name = self.instances.get(index).map(|i| String::from(i.name())).unwrap_or_default();
                    weft_rt::warn!("{name}: bad namespace request: {error}");
                    continue;
                }
            };
            if incoming.sender.principal != principal {
                // The channel was handed to someone else: they do not get
                // this service's routes.
                let _ = running.namespace.fault(incoming.txid, &Fault::Denied("not your namespace".into()));
                continue;
            }
            let response = match incoming.request {
                NamespaceRequest::Connect { protocol } => match incoming.handles.into_iter().next() {
                    Some(handle) => self.connect(index, protocol, Channel::from_handle(handle)),
                    None => NamespaceResponse::Refused(ConnectError::Ipc("no channel attached".into())),
                },
                NamespaceRequest::Ready => {
                    self.ready(index);
                    NamespaceResponse::Ok
                }
            };
            if incoming.txid != 0
                && let Some(running) = self.instances.get(index).and_then(|i| i.running.as_ref())
            {
                let _ = running.namespace.reply(incoming.txid, &response);
            }
        }
        if observed.contains(Signals::PEER_CLOSED) {
            // Nothing more will come; stop watching (the process end is
            // watched separately).
            self.waitset.remove(key);
            self.sources.remove(&key);
        }
    }

    fn connect(&mut self, index: usize, protocol: String, channel: Channel) -> NamespaceResponse {
        let Some(client) = self.instances.get(index) else {
            return NamespaceResponse::Refused(ConnectError::NoParent);
        };
        let client_name = String::from(client.name());
        let principal = client.principal;
        let Some(route) = self.graph.route(&client_name, &protocol).cloned() else {
            weft_rt::warn!("{client_name} asked for `{protocol}`, which is not routed to it");
            return NamespaceResponse::Refused(ConnectError::NotRouted { protocol });
        };
        let info = ClientInfo { name: client_name, principal, grants: route.grants.clone() };
        if route.provider == ROOT {
            self.accept_client(channel, info);
            return NamespaceResponse::Ok;
        }
        let Some(provider) = self.index_of(&route.provider) else {
            return NamespaceResponse::Refused(ConnectError::Unavailable {
                protocol,
                reason: alloc::format!("`{}` is not part of this system", route.provider),
            });
        };
        let state = self.instances.get(provider).map(|i| (i.state, i.held_down));
        if let Some((ServiceState::Failed, _) | (ServiceState::Stopped, true)) = state {
            return NamespaceResponse::Refused(ConnectError::Unavailable {
                protocol,
                reason: alloc::format!("`{}` is not running", route.provider),
            });
        }
        self.forward(provider, Pending { protocol, client: info, channel });
        NamespaceResponse::Ok
    }

    fn ready(&mut self, index: usize) {
        let Some(instance) = self.instances.get_mut(index) else { return };
        if instance.state == ServiceState::Starting {
            instance.state = ServiceState::Running;
            weft_rt::info!("{} is serving {}", instance.name(), instance.manifest.exposes.join(", "));
            self.changed(index);
            self.now_serving(index);
        }
    }

    /// Service `index` began serving: if it is the log service, send the
    /// root manager's own records there from now on.
    pub fn now_serving(&mut self, index: usize) {
        let Some(instance) = self.instances.get(index) else { return };
        if self.own_log || !instance.manifest.exposes.iter().any(|p| p == LOG_SINK) {
            return;
        }
        let Ok((ours, theirs)) = Channel::create() else { return };
        let client =
            ClientInfo { name: String::from(ROOT), principal: self.principal, grants: alloc::vec![] };
        self.forward(index, Pending { protocol: String::from(LOG_SINK), client, channel: theirs });
        weft_rt::log::set_sink(Some(Arc::new(ChannelSink::new(Client::<LogSinkProtocol>::new(ours)))));
        self.own_log = true;
    }
}
