//! The Zenoh link on the kernel: `weft-zenoh-link` sessions over the
//! network service's TCP sockets. Listen endpoints (`tcp/0.0.0.0:7447`)
//! accept viewers; connect endpoints (`tcp/10.0.2.2:7447`) are dialled and
//! dialled again whenever they drop. There is no multicast scouting (the
//! network service has no multicast): a viewer connects by address.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::SocketAddrV4;

use weft_net_api::Net;
use weft_rt::{Deadline, Port};
use weft_zenoh_link::{LinkEvent, ZenohLink};

use crate::config::MeshConfig;
use crate::inbox::Inbox;

/// The user packet key the link wakes the service with.
pub const LINK_KEY: u64 = weft_rt::port::USER_KEYS + 2;

/// A subscription, to withdraw it.
pub type Subscription = u64;

/// `tcp/<address>:<port>` as an address.
fn endpoint(text: &str) -> Result<SocketAddrV4, String> {
    text.strip_prefix("tcp/")
        .and_then(|address| address.parse().ok())
        .ok_or_else(|| format!("`{text}`: only tcp/<IPv4 address>:<port> endpoints work on the kernel"))
}

/// The link and what the service declared on it.
pub struct Link {
    zenoh: ZenohLink,
    inbox: Arc<Inbox>,
    subscriptions: BTreeMap<Subscription, String>,
    next: Subscription,
    locators: Vec<String>,
}

impl Link {
    /// Listen and dial as `config` says; the link wakes `port` with
    /// [`LINK_KEY`].
    pub fn open(config: &MeshConfig, inbox: &Arc<Inbox>, port: Port) -> Result<Link, String> {
        let net = Net::connect().map_err(|e| format!("no network service: {e}"))?;
        let mut zenoh = ZenohLink::new(net, port, LINK_KEY, ZenohLink::random_zid());
        let mut locators = Vec::new();
        for text in &config.listen {
            let address = endpoint(text)?;
            zenoh.listen(address.port()).map_err(|e| format!("listening on {text}: {e}"))?;
            locators.push(text.clone());
        }
        for text in &config.connect {
            zenoh.connect(endpoint(text)?);
        }
        if config.scouting {
            weft_rt::info!(
                "mesh: multicast scouting is not available on the kernel; viewers connect by address"
            );
        }
        Ok(Link { zenoh, inbox: Arc::clone(inbox), subscriptions: BTreeMap::new(), next: 1, locators })
    }

    /// Where viewers can reach this node.
    pub fn locators(&self) -> Vec<String> {
        self.locators.clone()
    }

    /// Deliver samples on `key` to the inbox.
    pub fn subscribe(&mut self, key: &str) -> Result<Subscription, String> {
        self.zenoh.subscribe(key);
        let id = self.next;
        self.next += 1;
        self.subscriptions.insert(id, key.to_string());
        Ok(id)
    }

    /// Withdraw a subscription.
    pub fn unsubscribe(&mut self, subscription: Subscription) {
        if let Some(key) = self.subscriptions.remove(&subscription)
            && !self.subscriptions.values().any(|k| *k == key)
        {
            self.zenoh.unsubscribe(&key);
        }
    }

    /// Publish a frame on a stream key (a peer that does not keep up loses
    /// its session rather than queueing without bound).
    pub fn publish(&mut self, key: &str, bytes: Vec<u8>) {
        self.zenoh.put(key, &bytes);
    }

    /// Publish one sample (the heartbeat).
    pub fn put(&mut self, key: &str, bytes: Vec<u8>) {
        self.zenoh.put(key, &bytes);
    }

    /// Nothing is kept per stream key.
    pub fn forget(&mut self, _key: &str) {}

    /// Take what arrived from the network: samples into the inbox, peers
    /// coming and going into the log.
    pub fn service(&mut self) {
        for event in self.zenoh.service() {
            match event {
                LinkEvent::Sample { key, payload, .. } => self.inbox.receive(&key, &payload),
                LinkEvent::PeerOpened { zid, whatami, remote, .. } => {
                    weft_rt::info!("mesh: Zenoh {whatami} {zid} connected from {remote}");
                }
                LinkEvent::PeerClosed { reason, .. } => weft_rt::info!("mesh: a Zenoh peer left ({reason})"),
                LinkEvent::Query { .. } => {}
            }
        }
    }

    /// When [`Link::service`] must run even if nothing arrives.
    pub fn next_deadline(&self) -> Deadline {
        self.zenoh.next_deadline()
    }

    /// Nothing to close: the sockets go with the process.
    pub fn close(self) {}
}
