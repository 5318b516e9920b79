//! Which machines and apps are on the mesh: apps seen streaming under
//! `weft/app/*/stream`, and machines (with the apps they offer) from
//! `weft/telemetry` heartbeats.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use weft_wlstream::FrameHeader;
use weft_wlstream::keys::{self, AppId};
use weft_wlstream::telemetry::Telemetry;
use zenoh::pubsub::Subscriber;
use zenoh::{Session, Wait};

use crate::admit;
use crate::error::{ViewerError, mesh};

/// One app seen on the mesh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenApp {
    /// Its id.
    pub id: AppId,
    /// Title from a heartbeat, if one listed it.
    pub title: Option<String>,
    /// Machine from a heartbeat, if one listed it.
    pub machine: Option<String>,
    /// Last known surface size.
    pub size: Option<(u32, u32)>,
    /// Whether frames were seen (not just a heartbeat listing).
    pub streaming: bool,
    /// When it was last seen.
    pub last_seen: Instant,
}

/// One machine heard from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeenMachine {
    /// Its latest heartbeat.
    pub telemetry: Telemetry,
    /// When it arrived.
    pub last_seen: Instant,
}

#[derive(Default)]
struct Seen {
    apps: BTreeMap<AppId, SeenApp>,
    machines: BTreeMap<String, SeenMachine>,
}

impl Seen {
    fn app(&mut self, id: AppId) -> &mut SeenApp {
        self.apps.entry(id.clone()).or_insert_with(|| SeenApp {
            id,
            title: None,
            machine: None,
            size: None,
            streaming: false,
            last_seen: Instant::now(),
        })
    }
}

/// Listens for streams and heartbeats.
pub struct Discovery {
    seen: Arc<Mutex<Seen>>,
    _subscribers: Vec<Subscriber<()>>,
}

impl Discovery {
    /// Start listening on `session`.
    pub fn start(session: &Session) -> Result<Discovery, ViewerError> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let streams = {
            let seen = seen.clone();
            session
                .declare_subscriber(keys::ALL_STREAMS)
                .callback(move |sample| {
                    let Ok(id) = admit::listed_stream(sample.key_expr().as_str()) else {
                        return;
                    };
                    let bytes = sample.payload().to_bytes();
                    let size =
                        FrameHeader::read(&bytes).ok().map(|(header, _, _)| (header.width, header.height));
                    let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
                    let app = seen.app(id);
                    app.streaming = true;
                    app.last_seen = Instant::now();
                    app.size = size.or(app.size);
                })
                .wait()
                .map_err(mesh)?
        };
        let heartbeats = {
            let seen = seen.clone();
            session
                .declare_subscriber(keys::TELEMETRY)
                .callback(move |sample| {
                    let payload = sample.payload().to_bytes();
                    let Ok(heartbeat) = admit::heartbeat(sample.key_expr().as_str(), &payload) else {
                        return;
                    };
                    let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
                    for entry in &heartbeat.apps {
                        let Ok(id) = AppId::new(&entry.id) else {
                            continue;
                        };
                        let app = seen.app(id);
                        app.title = Some(entry.title.clone());
                        app.machine = Some(heartbeat.machine.clone());
                        app.size = Some((entry.width, entry.height));
                        app.last_seen = Instant::now();
                    }
                    let machine = SeenMachine { telemetry: heartbeat.clone(), last_seen: Instant::now() };
                    seen.machines.insert(heartbeat.machine, machine);
                })
                .wait()
                .map_err(mesh)?
        };
        Ok(Discovery { seen, _subscribers: vec![streams, heartbeats] })
    }

    /// Apps seen so far, by id.
    pub fn apps(&self) -> Vec<SeenApp> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).apps.values().cloned().collect()
    }

    /// Machines heard from so far, by name.
    pub fn machines(&self) -> Vec<SeenMachine> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).machines.values().cloned().collect()
    }
}
