//! The app side of a stream over Zenoh: publishes one surface's frames,
//! paced by [`StreamSource`], and hands viewer input back.
//!
//! Frames go out with congestion control `Drop`, so a stuck network never
//! blocks the app; the source's acknowledgement window keeps drops rare,
//! and the source never queues frames — it re-encodes the latest picture
//! with coalesced damage when credit returns. This is the piece the mesh
//! service reuses for real compositor surfaces.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use weft_types::InputEvent;
use weft_wlstream::keys::{self, AppId, Channel};
use weft_wlstream::message::{self, ViewerMessage, ViewerSize};
use weft_wlstream::source::{SourceConfig, SourceStats, StreamSource};
use weft_wlstream::telemetry::{self, Telemetry};
use weft_wlstream::{EncodeStats, Encoder, EncoderConfig, SurfaceRect, SurfaceRef};
use zenoh::pubsub::{Publisher, Subscriber};
use zenoh::qos::CongestionControl;
use zenoh::{Session, Wait};

use crate::clock;
use crate::error::{ViewerError, mesh};

/// Viewer messages waiting for the app, at most (extra are dropped).
const INBOX: usize = 1024;

/// Something a viewer asked of the app.
#[derive(Clone, Debug, PartialEq)]
pub enum AppEvent {
    /// Input to deliver to the app's surface.
    Input(InputEvent),
    /// A viewer's drawable size changed.
    Resize(ViewerSize),
}

/// Publishes one app surface to the mesh.
pub struct AppPublisher {
    app: AppId,
    frames: Publisher<'static>,
    _subscribers: Vec<Subscriber<()>>,
    inbox: Receiver<ViewerMessage>,
    source: StreamSource,
    frame: Vec<u8>,
    rejected: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

fn forward(
    sender: SyncSender<ViewerMessage>,
    rejected: std::sync::Arc<std::sync::atomic::AtomicU64>,
    own: AppId,
    app: Option<AppId>,
) -> impl Fn(zenoh::sample::Sample) + Send + Sync + 'static {
    move |sample| {
        let key = sample.key_expr().as_str();
        let channel = match key {
            keys::STREAM_START => Some(Channel::Start),
            keys::STREAM_STOP => Some(Channel::Stop),
            _ => AppId::parse_channel_key(key).map(|(_, channel)| channel),
        };
        let bytes = sample.payload().to_bytes();
        let decoded = channel.map(|channel| message::decode_on(channel, &bytes));
        // Messages under weft/app/<app>/ must name this app exactly.
        let ours = AppId::parse_channel_key(key).is_none_or(|(keyed, _)| keyed == own);
        match decoded {
            Some(Ok(_)) if !ours => {
                rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Some(Ok(ViewerMessage::Start(control) | ViewerMessage::Stop(control)))
                if app.as_ref().is_some_and(|app| app.as_str() != control.app) => {}
            Some(Ok(message)) => {
                let _ = sender.try_send(message);
            }
            _ => {
                rejected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
}

impl AppPublisher {
    /// Start publishing `app` on `session`. Nothing is encoded until a
    /// viewer joins.
    pub fn open(
        session: &Session,
        app: AppId,
        encoder: EncoderConfig,
        config: SourceConfig,
    ) -> Result<AppPublisher, ViewerError> {
        let frames = session
            .declare_publisher(app.stream_key())
            .congestion_control(CongestionControl::Drop)
            .wait()
            .map_err(mesh)?;
        let (sender, inbox) = sync_channel(INBOX);
        let rejected = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut subscribers = Vec::new();
        let declarations = [
            (app.viewer_keys(), None),
            (keys::STREAM_START.to_string(), Some(app.clone())),
            (keys::STREAM_STOP.to_string(), Some(app.clone())),
        ];
        for (key, filter) in declarations {
            let callback = forward(sender.clone(), rejected.clone(), app.clone(), filter);
            subscribers.push(session.declare_subscriber(key).callback(callback).wait().map_err(mesh)?);
        }
        // A fresh session id per publisher lets viewers tell a restart apart.
        let session_id = clock::fresh_id() as u32;
        Ok(AppPublisher {
            app,
            frames,
            _subscribers: subscribers,
            inbox,
            source: StreamSource::new(Encoder::with_config(session_id, encoder), config),
            frame: Vec::new(),
            rejected,
        })
    }

    /// The app id.
    pub fn app(&self) -> &AppId {
        &self.app
    }

    /// The pacing state (viewers, pending damage, round trip).
    pub fn source(&self) -> &StreamSource {
        &self.source
    }

    /// Pacing counters.
    pub fn stats(&self) -> SourceStats {
        self.source.stats()
    }

    /// Viewer messages refused as malformed or misrouted.
    pub fn rejected_messages(&self) -> u64 {
        self.rejected.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The app drew `damage` into its surface.
    pub fn damage(&mut self, damage: &[SurfaceRect]) {
        self.source.damage(damage);
    }

    /// Handle viewer messages, returning input and resizes for the app.
    pub fn receive(&mut self) -> Vec<AppEvent> {
        let now = clock::monotonic_ns();
        let mut events = Vec::new();
        while let Ok(message) = self.inbox.try_recv() {
            if self.source.handle(&message, now) {
                continue;
            }
            match message {
                ViewerMessage::Key(event) => events.push(AppEvent::Input(InputEvent::Key(event))),
                ViewerMessage::Pointer(event) => events.push(AppEvent::Input(InputEvent::Pointer(event))),
                ViewerMessage::Touch(event) => events.push(AppEvent::Input(InputEvent::Touch(event))),
                ViewerMessage::Resize(size) => events.push(AppEvent::Resize(size)),
                _ => {}
            }
        }
        events
    }

    /// Send a frame of `surface` (the app's current picture) if a viewer
    /// has credit and something changed (or a keyframe/keep-alive is due).
    pub fn publish(&mut self, surface: &SurfaceRef<'_>) -> Result<Option<EncodeStats>, ViewerError> {
        let now = clock::monotonic_ns();
        // Wall time, so same-host viewers can measure latency.
        let timestamp = clock::wall_ns();
        let Some(stats) = self
            .source
            .poll(now, timestamp, surface, &mut self.frame)
            .map_err(|error| ViewerError::Mesh(error.to_string()))?
        else {
            return Ok(None);
        };
        self.frames.put(self.frame.clone()).wait().map_err(mesh)?;
        Ok(Some(stats))
    }
}

/// Publish one heartbeat on `weft/telemetry`.
pub fn publish_telemetry(session: &Session, heartbeat: &Telemetry) -> Result<(), ViewerError> {
    session.put(keys::TELEMETRY, telemetry::encode(heartbeat)).wait().map_err(mesh)
}
