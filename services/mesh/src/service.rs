//! The service loop: capture events from the compositor, viewer messages
//! from the mesh, local `weft.mesh` requests, and the heartbeat.

use alloc::collections::BTreeMap;
use alloc::sync::Arc;

use crate::Link;
use crate::config::{MeshConfig, Policy};
use crate::inbox::{Inbound, Inbox};
use crate::naming;
#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use crate::stream::{Now, ResizeLimit, Stream};
use crate::telemetry::{self, Load};
use weft_compositor_api::capture::{
    CaptureEvent, CaptureProtocol, CaptureRequest, CaptureResponse, CaptureWindow,
};
use weft_compositor_api::shell::WindowId;
use weft_ipc::namespace::ParentEvent;
use weft_ipc::{Client, Connection, Namespace, Protocol};
use weft_mesh_api::{GRANT_CONTROL, MeshProtocol, MeshRequest, MeshResponse, MeshStatus, StreamTarget};
use weft_rt::{Deadline, Key, Ready, Signals, Vmo, WaitSet};
use weft_wlstream::keys::{self, AppId};
use weft_wlstream::message::ViewerMessage;
use weft_wlstream::telemetry::AppEntry;

const WATCH: Signals = Signals::READABLE.union(Signals::PEER_CLOSED);

/// How often streams are looked at while someone watches (keep-alives,
/// viewer expiry), nanoseconds.
const TICK_NS: u64 = 50_000_000;

/// The control target that means every toplevel.
pub const ALL_WINDOWS: &str = "all";

/// Why the service stopped.
#[derive(Debug)]
pub enum ServiceError {
    /// The compositor went away or broke the protocol.
    Capture(String),
    /// A kernel call failed.
    Kernel(weft_rt::Error),
}

impl core::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ServiceError::Capture(message) => write!(f, "capture: {message}"),
            ServiceError::Kernel(error) => write!(f, "kernel: {error}"),
        }
    }
}

impl From<weft_rt::Error> for ServiceError {
    fn from(error: weft_rt::Error) -> ServiceError {
        ServiceError::Kernel(error)
    }
}

/// A known window: what the compositor says about it, and its app id on
/// the mesh.
struct Known {
    info: CaptureWindow,
    app: AppId,
}

/// The running service.
pub struct Service {
    config: MeshConfig,
    link: Link,
    inbox: Arc<Inbox>,
    capture: Client<CaptureProtocol>,
    windows: BTreeMap<WindowId, Known>,
    streams: BTreeMap<WindowId, Stream>,
    stream_all: bool,
    load: Load,
    next_heartbeat: u64,
    locators: Vec<String>,
    clients: BTreeMap<Key, Connection<MeshProtocol>>,
}

impl Service {
    /// Set up: subscribe to the window list, declare the control keys.
    pub fn new(
        config: MeshConfig,
        mut link: Link,
        inbox: Arc<Inbox>,
        capture: Client<CaptureProtocol>,
        load: Load,
    ) -> Result<Service, ServiceError> {
        for key in [keys::STREAM_START, keys::STREAM_STOP] {
            link.subscribe(key).map_err(ServiceError::Capture)?;
        }
        let locators = link.locators();
        let mut service = Service {
            stream_all: config.policy == Policy::All,
            config,
            link,
            inbox,
            capture,
            windows: BTreeMap::new(),
            streams: BTreeMap::new(),
            load,
            next_heartbeat: 0,
            locators,
            clients: BTreeMap::new(),
        };
        match service.capture.call(&CaptureRequest::Subscribe) {
            Ok(CaptureResponse::Windows(windows)) => {
                for window in windows {
                    service.window_added(window);
                }
            }
            other => return Err(ServiceError::Capture(format!("subscribing: {other:?}"))),
        }
        Ok(service)
    }

    /// The locators Zenoh listens on.
    pub fn locators(&self) -> &[String] {
        &self.locators
    }

    /// Serve until the parent says stop or the compositor goes away.
    pub fn run(&mut self, namespace: &Namespace, waits: &mut WaitSet) -> Result<(), ServiceError> {
        let parent = waits.add(namespace.channel(), WATCH)?;
        let capture = waits.add(self.capture.channel(), WATCH)?;
        loop {
            let now = Now::read();
            let watching = self.streams.values().any(|stream| stream.viewers(&now) > 0);
            let next =
                if watching { self.next_heartbeat.min(now.monotonic + TICK_NS) } else { self.next_heartbeat };
            let next = next.min(self.link.next_deadline().instant());
            match waits.wait(Deadline::at(next.max(now.monotonic + 1))) {
                Ok(Ready::Signals { key, .. }) if key == parent => {
                    if !self.parent(namespace, waits) {
                        return Ok(());
                    }
                }
                Ok(Ready::Signals { key, observed }) if key == capture => self.capture_events(observed)?,
                Ok(Ready::Signals { key, observed }) => self.serve(waits, key, observed),
                Ok(Ready::User { .. }) | Err(weft_rt::Error::TimedOut) => self.link.service(),
                Err(error) => return Err(error.into()),
            }
            self.work()?;
        }
    }

    /// Viewer messages, then every stream's due work, then the heartbeat.
    fn work(&mut self) -> Result<(), ServiceError> {
        let now = Now::read();
        for inbound in self.inbox.drain() {
            self.inbound(inbound, &now);
        }
        let mut failed = Vec::new();
        for (window, stream) in &mut self.streams {
            if let Err(error) = stream.step(&now, &self.capture, &mut self.link) {
                failed.push((*window, error));
            }
        }
        for (window, error) in failed {
            let _ = self.capture.send(&CaptureRequest::Stop { window });
            self.suspend(window, error);
        }
        if now.monotonic >= self.next_heartbeat {
            self.next_heartbeat = now.monotonic + self.config.heartbeat_ns;
            self.heartbeat();
        }
        Ok(())
    }

    fn parent(&mut self, namespace: &Namespace, waits: &mut WaitSet) -> bool {
        loop {
            match namespace.try_event() {
                Ok(Some(ParentEvent::Connection { protocol, client, channel })) => {
                    if protocol == MeshProtocol::NAME {
                        let connection = Connection::new(channel, client);
                        if let Ok(key) = waits.add(connection.channel(), WATCH) {
                            self.clients.insert(key, connection);
                        }
                    }
                }
                Ok(Some(ParentEvent::Stop)) => return false,
                Ok(None) => return true,
                Err(error) => return !error.is_peer_closed(),
            }
        }
    }

    fn capture_events(&mut self, observed: Signals) -> Result<(), ServiceError> {
        loop {
            match self.capture.try_event() {
                Ok(Some((event, handles))) => self.capture_event(event, handles),
                Ok(None) => break,
                Err(error) => return Err(ServiceError::Capture(weft_ipc::describe(&error))),
            }
        }
        if observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE) {
            return Err(ServiceError::Capture("the compositor closed the connection".into()));
        }
        Ok(())
    }

    fn capture_event(&mut self, event: CaptureEvent, mut handles: Vec<weft_rt::Handle>) {
        match event {
            CaptureEvent::WindowAdded(window) => self.window_added(window),
            CaptureEvent::WindowChanged(window) => {
                let id = window.id;
                let size = window.size;
                if let Some(stream) = self.streams.get_mut(&id) {
                    stream.set_title(window.title.clone());
                }
                if let Some(known) = self.windows.get_mut(&id) {
                    known.info = window;
                }
                // A suspended capture is tried again once the window's
                // size changed (e.g. a viewer resized it back): not
                // before, so a window that cannot be captured costs one
                // log line, not one per second.
                let retry = self
                    .streams
                    .get(&id)
                    .and_then(Stream::suspended)
                    .is_some_and(|suspended| suspended.size != size && size.width > 0 && size.height > 0);
                if retry {
                    self.resume(id);
                }
            }
            CaptureEvent::WindowRemoved { window } => {
                if let Some(stream) = self.streams.remove(&window) {
                    announce(&format!("stopped streaming {} (window closed)", stream.app));
                    stream.close(&mut self.link);
                }
                self.windows.remove(&window);
            }
            CaptureEvent::Frame(frame) => {
                let window = frame.window;
                let memory = handles.pop().map(Vmo::from_handle);
                if let Some(stream) = self.streams.get_mut(&window)
                    && let Err(error) = stream.frame(frame, memory)
                {
                    let _ = self.capture.send(&CaptureRequest::Stop { window });
                    self.suspend(window, error);
                }
            }
            CaptureEvent::Ended { window, reason } => {
                self.suspend(window, format!("the compositor ended the capture: {reason}"));
            }
        }
    }

    fn window_added(&mut self, window: CaptureWindow) {
        let taken = |id: &str| self.windows.values().any(|known| known.app.as_str() == id);
        let app = naming::mesh_app_id(&window.app_id, &window.owner, window.id.0, taken);
        let id = window.id;
        let wanted = self.stream_all || self.config.policy.streams(app.as_str(), &window.app_id);
        self.windows.insert(id, Known { info: window, app });
        if wanted {
            self.start_window(id, false);
        }
    }

    /// Start streaming a known window; `requested` streams end with their
    /// last viewer. Returns whether it streams.
    fn start_window(&mut self, window: WindowId, requested: bool) -> bool {
        if let Some(stream) = self.streams.get_mut(&window) {
            stream.requested &= requested;
            return true;
        }
        let Some(known) = self.windows.get(&window) else {
            return false;
        };
        match self.capture.call(&CaptureRequest::Start { window }) {
            Ok(CaptureResponse::Started { .. }) => {}
            other => {
                weft_rt::warn!("the compositor refused to capture {}: {other:?}", known.app);
                return false;
            }
        }
        let title = known.info.title.clone();
        match Stream::open(&mut self.link, window, known.app.clone(), title, self.config.source) {
            Ok(mut stream) => {
                stream.requested = requested;
                let size = known.info.size;
                announce(&format!(
                    "streaming \"{}\" ({}x{}) as {} on {}",
                    known.info.title,
                    size.width,
                    size.height,
                    known.app,
                    known.app.stream_key()
                ));
                self.streams.insert(window, stream);
                true
            }
            Err(error) => {
                weft_rt::warn!("{error}");
                let _ = self.capture.send(&CaptureRequest::Stop { window });
                false
            }
        }
    }

    /// The capture of a streamed window ended while the window lives on:
    /// keep the stream (viewers, session, pacing) and capture it again
    /// when the window changes size. One log line per new reason.
    fn suspend(&mut self, window: WindowId, reason: String) {
        let size = self.windows.get(&window).map(|known| known.info.size).unwrap_or_default();
        if let Some(stream) = self.streams.get_mut(&window)
            && stream.suspend(reason.clone(), size)
        {
            weft_rt::warn!(
                "stream {} suspended at {}x{}: {reason}; it resumes when the window changes size",
                stream.app,
                size.width,
                size.height
            );
        }
    }

    /// Capture a suspended stream's window again.
    fn resume(&mut self, window: WindowId) {
        match self.capture.call(&CaptureRequest::Start { window }) {
            Ok(CaptureResponse::Started { .. }) => {
                if let Some(stream) = self.streams.get_mut(&window) {
                    stream.resume();
                    let size = self.windows.get(&window).map(|known| known.info.size).unwrap_or_default();
                    announce(&format!("resumed streaming {} at {}x{}", stream.app, size.width, size.height));
                }
            }
            other => self.suspend(window, format!("the compositor refused to capture it: {other:?}")),
        }
    }

    /// How large a viewer may make `window`: what the other captures
    /// leave of the capture budget, at most a quarter of it.
    fn resize_limit(&self, window: WindowId) -> ResizeLimit {
        let others = self.streams.values().filter(|s| s.window != window).map(Stream::capture_bytes).sum();
        let scale = self.windows.get(&window).map_or(1.0, |known| known.info.scale);
        ResizeLimit::new(scale, others)
    }

    fn stop_window(&mut self, window: WindowId) {
        if let Some(stream) = self.streams.remove(&window) {
            let _ = self.capture.send(&CaptureRequest::Stop { window });
            announce(&format!("stopped streaming {}", stream.app));
            stream.close(&mut self.link);
        }
    }

    /// Windows a target names.
    fn targets(&self, target: &StreamTarget) -> Vec<WindowId> {
        self.windows
            .iter()
            .filter(|(id, known)| match target {
                StreamTarget::Window(window) => *id == window,
                StreamTarget::App(app) => known.app.as_str() == app || known.info.app_id == *app,
                StreamTarget::All => true,
            })
            .map(|(id, _)| *id)
            .collect()
    }

    fn start(&mut self, target: &StreamTarget, requested: bool) -> Vec<String> {
        if *target == StreamTarget::All {
            self.stream_all = true;
        }
        let mut started = Vec::new();
        for window in self.targets(target) {
            if self.start_window(window, requested)
                && let Some(stream) = self.streams.get(&window)
            {
                started.push(stream.app.to_string());
            }
        }
        started
    }

    fn stop(&mut self, target: &StreamTarget) -> Vec<String> {
        if *target == StreamTarget::All {
            self.stream_all = false;
        }
        let mut stopped = Vec::new();
        for window in self.targets(target) {
            if let Some(stream) = self.streams.get(&window) {
                stopped.push(stream.app.to_string());
                self.stop_window(window);
            }
        }
        stopped
    }

    fn stream_named(&mut self, app: &str) -> Option<&mut Stream> {
        self.streams.values_mut().find(|stream| stream.app.as_str() == app)
    }

    fn inbound(&mut self, inbound: Inbound, now: &Now) {
        match inbound {
            Inbound::App { app, message } => {
                let Some(window) = self.streams.values().find(|stream| stream.app == app).map(|s| s.window)
                else {
                    return;
                };
                let limit = self.resize_limit(window);
                let (capture, input) = (&self.capture, self.config.input);
                if let Some(stream) = self.streams.get_mut(&window) {
                    stream.viewer_message(&message, now, capture, input, &limit);
                }
            }
            Inbound::Control(message) => match &message {
                ViewerMessage::Start(control) => {
                    let target = if control.app == ALL_WINDOWS && self.stream_named(ALL_WINDOWS).is_none() {
                        StreamTarget::All
                    } else {
                        StreamTarget::App(control.app.clone())
                    };
                    self.start(&target, target != StreamTarget::All);
                    // Only the stream with exactly this app id gains the
                    // viewer: it subscribed to that key alone.
                    let (capture, input) = (&self.capture, self.config.input);
                    let limit = ResizeLimit::new(1.0, 0); // not a resize
                    if let Some(stream) = self.streams.values_mut().find(|s| s.app.as_str() == control.app) {
                        stream.viewer_message(&message, now, capture, input, &limit);
                    }
                }
                ViewerMessage::Stop(control) => {
                    let (capture, input) = (&self.capture, self.config.input);
                    let limit = ResizeLimit::new(1.0, 0); // not a resize
                    let mut ended = None;
                    if let Some(stream) = self.streams.values_mut().find(|s| s.app.as_str() == control.app) {
                        stream.viewer_message(&message, now, capture, input, &limit);
                        if stream.requested && stream.viewers(now) == 0 {
                            ended = Some(stream.window);
                        }
                    }
                    if let Some(window) = ended {
                        self.stop_window(window);
                    }
                }
                _ => {}
            },
        }
    }

    fn serve(&mut self, waits: &mut WaitSet, key: Key, observed: Signals) {
        let mut replies = Vec::new();
        let mut broken = false;
        if let Some(connection) = self.clients.get(&key) {
            loop {
                match connection.try_next() {
                    Ok(Some(incoming)) => {
                        let control = connection.client.has(GRANT_CONTROL);
                        replies.push((incoming.txid, incoming.request, control));
                    }
                    Ok(None) => break,
                    Err(_) => {
                        broken = true;
                        break;
                    }
                }
            }
        }
        for (txid, request, control) in replies {
            let response = self.request(request, control);
            if let Some(connection) = self.clients.get(&key)
                && txid != 0
            {
                let _ = connection.reply(txid, &response);
            }
        }
        if broken || (observed.contains(Signals::PEER_CLOSED) && !observed.contains(Signals::READABLE)) {
            waits.remove(key);
            self.clients.remove(&key);
        }
    }

    fn request(&mut self, request: MeshRequest, control: bool) -> MeshResponse {
        match request {
            MeshRequest::Status => MeshResponse::Status(self.status()),
            MeshRequest::Start(_) | MeshRequest::Stop(_) if !control => {
                MeshResponse::Error("starting and stopping streams needs the `control` grant".into())
            }
            MeshRequest::Start(target) => MeshResponse::Done(self.start(&target, false)),
            MeshRequest::Stop(target) => MeshResponse::Done(self.stop(&target)),
        }
    }

    /// How everything is doing.
    pub fn status(&self) -> MeshStatus {
        let now = Now::read();
        let capture = match self.capture.call(&CaptureRequest::Stats) {
            Ok(CaptureResponse::Stats(stats)) => Some(stats),
            _ => None,
        };
        MeshStatus {
            machine: self.config.machine.clone(),
            locators: self.locators.clone(),
            scouting: self.config.scouting,
            streams: self.streams.values().map(|stream| stream.status(&now)).collect(),
            capture,
            rejected_messages: self.inbox.rejected(),
            dropped_messages: self.inbox.dropped(),
        }
    }

    fn heartbeat(&mut self) {
        let (uptime, load) = self.load.sample();
        // Every window can be streamed on request, so every one is listed.
        let apps: Vec<AppEntry> = self
            .windows
            .values()
            .map(|known| {
                let (width, height) = self
                    .streams
                    .get(&known.info.id)
                    .and_then(Stream::size)
                    .unwrap_or((known.info.size.width, known.info.size.height));
                AppEntry { id: known.app.to_string(), title: known.info.title.clone(), width, height }
            })
            .collect();
        let bytes = telemetry::heartbeat(&self.config.machine, uptime, load, apps);
        self.link.put(keys::TELEMETRY, bytes);
    }

    /// Close the session and stop waking.
    pub fn close(self) {
        self.inbox.close();
        let mut link = self.link;
        for stream in self.streams.into_values() {
            stream.close(&mut link);
        }
        link.close();
    }
}

/// Tell the person running hosted Weft, and the log.
pub fn announce(line: &str) {
    #[cfg(not(target_os = "none"))]
    std::println!("weft-mesh: {line}");
    weft_rt::info!("{line}");
}
