//! The Zenoh link on a host: the reference `zenoh` session in peer mode
//! (multicast scouting unless switched off, plus explicit endpoints to
//! listen on and connect to). Samples arrive on Zenoh's threads and go
//! straight into the [`Inbox`]; the inbox's waker wakes the service.

use std::collections::BTreeMap;
use std::sync::Arc;

use weft_rt::{Deadline, Port};
use zenoh::pubsub::{Publisher, Subscriber};
use zenoh::qos::CongestionControl;
use zenoh::{Session, Wait};

use crate::config::MeshConfig;
use crate::inbox::{Inbox, WAKE_KEY, Waker};

fn json_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(","))
}

/// The Zenoh configuration for `config`: peer mode, no router.
pub fn zenoh_config(config: &MeshConfig) -> Result<zenoh::Config, String> {
    let mut zenoh = zenoh::Config::default();
    let mut set = |key: &str, value: String| {
        zenoh.insert_json5(key, &value).map_err(|error| format!("zenoh setting {key}: {error}"))
    };
    set("mode", "\"peer\"".into())?;
    set("connect/endpoints", json_list(&config.connect))?;
    set("listen/endpoints", json_list(&config.listen))?;
    set("scouting/multicast/enabled", config.scouting.to_string())?;
    set("scouting/gossip/enabled", config.scouting.to_string())?;
    // Keep retrying peers that are not there yet or went away.
    set("connect/timeout_ms", "-1".into())?;
    set("connect/exit_on_failure", "false".into())?;
    set(
        "connect/retry",
        r#"{ period_init_ms: 200, period_max_ms: 2000, period_increase_factor: 2 }"#.into(),
    )?;
    Ok(zenoh)
}

/// The address this host reaches other machines from (no packet is sent:
/// connecting a UDP socket only picks the route).
pub fn host_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:7447").ok()?;
    socket.local_addr().ok().map(|address| address.ip()).filter(|ip| !ip.is_unspecified())
}

/// Where viewers can connect: the listen endpoints, with an unspecified
/// address (`0.0.0.0`, `[::]`) replaced by this host's address.
pub fn locators(config: &MeshConfig) -> Vec<String> {
    let host = host_address();
    config
        .listen
        .iter()
        .map(|endpoint| {
            match (host, endpoint.split_once("0.0.0.0:").or_else(|| endpoint.split_once("[::]:"))) {
                (Some(host), Some((scheme, port))) => format!("{scheme}{host}:{port}"),
                _ => endpoint.clone(),
            }
        })
        .collect()
}

/// A waker for the inbox: Zenoh's threads cannot make system calls, so a
/// Weft thread forwards "something arrived" to `port` as [`WAKE_KEY`]
/// packets (at most one pending) until the waker is dropped.
pub fn waker(port: Port) -> Result<(Waker, weft_rt::Thread), weft_rt::Error> {
    let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
    let bridge = weft_rt::thread::spawn("mesh-inbox", move || {
        while woken.recv().is_ok() {
            if port.queue(WAKE_KEY, [0; 4]).is_err() {
                return;
            }
        }
    })?;
    // Full means a wake-up is already pending: it will see this message.
    Ok((
        Box::new(move || {
            let _ = wake.try_send(());
        }),
        bridge,
    ))
}

/// A subscription, to withdraw it.
pub type Subscription = u64;

/// The Zenoh session and what the service declared on it.
pub struct Link {
    session: Session,
    inbox: Arc<Inbox>,
    publishers: BTreeMap<String, Publisher<'static>>,
    subscribers: BTreeMap<Subscription, Subscriber<()>>,
    next: Subscription,
    locators: Vec<String>,
}

impl Link {
    /// Open the session.
    pub fn open(config: &MeshConfig, inbox: &Arc<Inbox>) -> Result<Link, String> {
        let session =
            zenoh::open(zenoh_config(config)?).wait().map_err(|error| format!("zenoh session: {error}"))?;
        Ok(Link {
            session,
            inbox: Arc::clone(inbox),
            publishers: BTreeMap::new(),
            subscribers: BTreeMap::new(),
            next: 1,
            locators: locators(config),
        })
    }

    /// Where viewers can reach this node.
    pub fn locators(&self) -> Vec<String> {
        self.locators.clone()
    }

    /// Deliver samples on `key` (a key expression) to the inbox.
    pub fn subscribe(&mut self, key: &str) -> Result<Subscription, String> {
        let inbox = Arc::clone(&self.inbox);
        let subscriber = self
            .session
            .declare_subscriber(key.to_string())
            .callback(move |sample| inbox.receive(sample.key_expr().as_str(), &sample.payload().to_bytes()))
            .wait()
            .map_err(|error| format!("subscriber {key}: {error}"))?;
        let id = self.next;
        self.next += 1;
        self.subscribers.insert(id, subscriber);
        Ok(id)
    }

    /// Withdraw a subscription.
    pub fn unsubscribe(&mut self, subscription: Subscription) {
        self.subscribers.remove(&subscription);
    }

    /// Publish a frame on a stream key: dropped, not queued, when the
    /// link is congested (the viewer repairs a loss with a keyframe
    /// request).
    pub fn publish(&mut self, key: &str, bytes: Vec<u8>) {
        if !self.publishers.contains_key(key) {
            match self
                .session
                .declare_publisher(key.to_string())
                .congestion_control(CongestionControl::Drop)
                .wait()
            {
                Ok(publisher) => {
                    self.publishers.insert(key.to_string(), publisher);
                }
                Err(error) => {
                    weft_rt::warn!("publisher for {key}: {error}");
                    return;
                }
            }
        }
        if let Some(publisher) = self.publishers.get(key) {
            let _ = publisher.put(bytes).wait();
        }
    }

    /// Publish one sample (the heartbeat).
    pub fn put(&mut self, key: &str, bytes: Vec<u8>) {
        let _ = self.session.put(key.to_string(), bytes).wait();
    }

    /// Forget the publisher of a stream that ended.
    pub fn forget(&mut self, key: &str) {
        self.publishers.remove(key);
    }

    /// Nothing to do on a host: Zenoh's threads deliver to the inbox.
    pub fn service(&mut self) {}

    /// Nothing is due on a host.
    pub fn next_deadline(&self) -> Deadline {
        Deadline::INFINITE
    }

    /// Close the session.
    pub fn close(self) {
        drop(self.publishers);
        drop(self.subscribers);
        let _ = self.session.close().wait();
    }
}
