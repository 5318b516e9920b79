//! One app's stream as seen by a viewer: subscribe, decode, acknowledge,
//! recover, and publish input.
//!
//! Frames arrive on a Zenoh callback thread, pass admission
//! ([`crate::admit::frame`]: exactly this app's stream key — the one spot
//! where peer authentication will go) and wait in a small bounded queue;
//! when it is full the newest frame is dropped, which the decoder reports
//! as a sequence gap, so a viewer that stops reading never makes anyone
//! buffer without bound. Recovery is always a keyframe request: on join,
//! on gap or decode error, and again every `keyframe_retry` while none
//! arrives (which also re-registers the viewer with a restarted app).
//!
//! The decoder is bound to the session of the frames it applied
//! (`docs/wlstream.md` section 5.1): frames of any other session are
//! ignored and do not count as signs of life. When the bound session has
//! been silent for `lost_after` the link is *lost* and the binding is
//! released, so a restarted publisher (a new session) is accepted.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use weft_types::{InputEvent, KeyEvent, PointerEvent, TouchEvent};
use weft_wlstream::keys::{AppId, Channel};
use weft_wlstream::message::{
    self, Ack, KeyframeReason, KeyframeRequest, StreamControl, ViewerId, ViewerMessage, ViewerSize,
};
use weft_wlstream::{DecodeError, Decoder, FrameHeader, Limits, SurfaceRef, Update};
use zenoh::pubsub::{Publisher, Subscriber};
use zenoh::qos::CongestionControl;
use zenoh::{Session, Wait};

use crate::error::{ViewerError, mesh};
use crate::{admit, clock};

/// Timing knobs of a viewer stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamOptions {
    /// This viewer's id (random per process by default).
    pub viewer: ViewerId,
    /// Send an acknowledgement at least this often (keep-alive).
    pub keepalive: Duration,
    /// No frame for this long means the link is lost.
    pub lost_after: Duration,
    /// Repeat an unanswered keyframe request after this long.
    pub keyframe_retry: Duration,
    /// Frames held between the network thread and the decoder.
    pub queue: usize,
    /// Decoder limits.
    pub limits: Limits,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        StreamOptions {
            viewer: clock::fresh_id(),
            keepalive: Duration::from_millis(500),
            lost_after: Duration::from_millis(2500),
            keyframe_retry: Duration::from_millis(1000),
            queue: 16,
            limits: Limits::default(),
        }
    }
}

/// Whether frames are flowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkState {
    /// No frame yet.
    Connecting,
    /// Frames (or keep-alives) arrive.
    Live,
    /// Nothing for `lost_after`; reconnecting.
    Lost,
}

impl LinkState {
    /// A word for window titles and logs.
    pub fn label(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting",
            LinkState::Live => "live",
            LinkState::Lost => "link lost, reconnecting",
        }
    }
}

/// Counters for one stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Frames applied.
    pub frames: u64,
    /// Keyframes among them.
    pub keyframes: u64,
    /// Bytes of applied frames.
    pub bytes: u64,
    /// Frames refused by the decoder.
    pub errors: u64,
    /// Sequence gaps seen.
    pub gaps: u64,
    /// Frames dropped because the queue was full.
    pub dropped: u64,
    /// Samples refused at admission (wrong key, too large).
    pub refused: u64,
    /// Frames of another publisher session than the bound one, ignored.
    pub foreign: u64,
    /// Keyframe requests sent.
    pub keyframe_requests: u64,
    /// Latest one-way latency from the frame timestamp (same-host clocks).
    pub last_latency_ns: u64,
}

struct Received {
    bytes: Vec<u8>,
    at: Instant,
}

/// A frame that was applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameEvent {
    /// What the decoder reported.
    pub update: Update,
    /// Frame size in bytes.
    pub bytes: usize,
    /// Wall-clock now minus the frame's timestamp (meaningful when sender
    /// and viewer share a clock, e.g. the same host).
    pub latency_ns: u64,
    /// Time spent queued before decoding.
    pub queued: Duration,
}

/// Publishers for the viewer-to-app keys.
struct Outbox {
    keyboard: Publisher<'static>,
    pointer: Publisher<'static>,
    touch: Publisher<'static>,
    size: Publisher<'static>,
    keyframe: Publisher<'static>,
    ack: Publisher<'static>,
    start: Publisher<'static>,
    stop: Publisher<'static>,
}

impl Outbox {
    fn declare(session: &Session, app: &AppId) -> Result<Outbox, ViewerError> {
        let declare = |channel: Channel, congestion: CongestionControl| {
            session
                .declare_publisher(app.channel_key(channel))
                .congestion_control(congestion)
                .wait()
                .map_err(mesh)
        };
        // Input must not be lost; acks and requests are repeated anyway.
        Ok(Outbox {
            keyboard: declare(Channel::Keyboard, CongestionControl::Block)?,
            pointer: declare(Channel::Pointer, CongestionControl::Block)?,
            touch: declare(Channel::Touch, CongestionControl::Block)?,
            size: declare(Channel::Size, CongestionControl::Block)?,
            keyframe: declare(Channel::Keyframe, CongestionControl::Drop)?,
            ack: declare(Channel::Ack, CongestionControl::Drop)?,
            start: declare(Channel::Start, CongestionControl::Drop)?,
            stop: declare(Channel::Stop, CongestionControl::Drop)?,
        })
    }

    fn send(&self, message: &ViewerMessage) -> Result<(), ViewerError> {
        let publisher = match message.channel() {
            Channel::Keyboard => &self.keyboard,
            Channel::Pointer => &self.pointer,
            Channel::Touch => &self.touch,
            Channel::Size => &self.size,
            Channel::Keyframe => &self.keyframe,
            Channel::Ack => &self.ack,
            Channel::Start => &self.start,
            Channel::Stop => &self.stop,
        };
        publisher.put(message::encode(message)).wait().map_err(mesh)
    }
}

/// A viewer's end of one app stream.
pub struct ViewerStream {
    app: AppId,
    options: StreamOptions,
    _subscriber: Subscriber<()>,
    inbox: Receiver<Received>,
    dropped: Arc<AtomicU64>,
    refused: Arc<AtomicU64>,
    outbox: Outbox,
    decoder: Decoder,
    state: LinkState,
    last_frame_at: Option<Instant>,
    last_ack_at: Instant,
    keyframe_requested_at: Option<Instant>,
    stats: StreamStats,
}

impl ViewerStream {
    /// Subscribe to `app`'s frames, announce this viewer (stream start) and
    /// ask for a keyframe.
    pub fn open(session: &Session, app: AppId, options: StreamOptions) -> Result<ViewerStream, ViewerError> {
        let (sender, inbox) = sync_channel::<Received>(options.queue.max(1));
        let dropped = Arc::new(AtomicU64::new(0));
        let refused = Arc::new(AtomicU64::new(0));
        let subscriber = {
            let (app, dropped, refused) = (app.clone(), dropped.clone(), refused.clone());
            session
                .declare_subscriber(app.stream_key())
                .callback(move |sample| {
                    let payload = sample.payload().to_bytes();
                    let key = sample.key_expr().as_str();
                    if admit::frame(&app, key, &payload, &options.limits).is_err() {
                        refused.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    let received = Received { bytes: payload.into_owned(), at: Instant::now() };
                    if let Err(TrySendError::Full(_)) = sender.try_send(received) {
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                })
                .wait()
                .map_err(mesh)?
        };
        let outbox = Outbox::declare(session, &app)?;
        let mut stream = ViewerStream {
            app,
            options,
            _subscriber: subscriber,
            inbox,
            dropped,
            refused,
            outbox,
            decoder: Decoder::new(options.limits),
            state: LinkState::Connecting,
            last_frame_at: None,
            last_ack_at: Instant::now(),
            keyframe_requested_at: None,
            stats: StreamStats::default(),
        };
        stream.announce()?;
        Ok(stream)
    }

    /// The app this stream shows.
    pub fn app(&self) -> &AppId {
        &self.app
    }

    /// This viewer's id.
    pub fn viewer(&self) -> ViewerId {
        self.options.viewer
    }

    /// Link state as of the last [`ViewerStream::poll`].
    pub fn state(&self) -> LinkState {
        self.state
    }

    /// Counters.
    pub fn stats(&self) -> StreamStats {
        StreamStats {
            dropped: self.dropped.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            ..self.stats
        }
    }

    /// The current picture, once a keyframe has arrived.
    pub fn surface(&self) -> Option<SurfaceRef<'_>> {
        self.decoder.surface()
    }

    /// The decoder (e.g. to read the last damage).
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    fn announce(&mut self) -> Result<(), ViewerError> {
        let control = StreamControl { app: self.app.to_string(), viewer: self.options.viewer };
        self.outbox.send(&ViewerMessage::Start(control))?;
        self.request_keyframe(KeyframeReason::Join)
    }

    /// Ask the app for a keyframe.
    pub fn request_keyframe(&mut self, reason: KeyframeReason) -> Result<(), ViewerError> {
        self.keyframe_requested_at = Some(Instant::now());
        self.stats.keyframe_requests += 1;
        let request = KeyframeRequest { viewer: self.options.viewer, reason };
        self.outbox.send(&ViewerMessage::KeyframeRequest(request))
    }

    /// Wait up to `timeout` for a frame and apply it; also does the
    /// periodic work (keep-alive acks, link state, keyframe retries).
    /// Returns the applied frame, if any.
    pub fn poll(&mut self, timeout: Duration) -> Result<Option<FrameEvent>, ViewerError> {
        let event = match self.inbox.recv_timeout(timeout).ok() {
            Some(received) => self.apply(received)?,
            None => None,
        };
        self.housekeeping()?;
        Ok(event)
    }

    /// Apply every frame already queued, returning the last applied one.
    pub fn drain(&mut self) -> Result<Option<FrameEvent>, ViewerError> {
        let mut last = None;
        while let Ok(received) = self.inbox.try_recv() {
            if let Some(event) = self.apply(received)? {
                last = Some(event);
            }
        }
        self.housekeeping()?;
        Ok(last)
    }

    fn apply(&mut self, received: Received) -> Result<Option<FrameEvent>, ViewerError> {
        // A sign of life is a frame whose header parses and whose session
        // is the one the decoder is bound to (any, while unbound): frames
        // of other sessions neither keep the link alive nor touch the
        // picture.
        let session = FrameHeader::read(&received.bytes).ok().map(|(header, _, _)| header.session);
        if session.is_some_and(|session| self.decoder.bound_session().is_none_or(|bound| bound == session)) {
            self.last_frame_at = Some(received.at);
            self.state = LinkState::Live;
        }
        match self.decoder.decode(&received.bytes) {
            Ok(update) => {
                self.stats.frames += 1;
                self.stats.keyframes += u64::from(update.keyframe);
                self.stats.bytes += received.bytes.len() as u64;
                if update.keyframe {
                    self.keyframe_requested_at = None;
                }
                let latency_ns = clock::wall_ns().saturating_sub(update.timestamp_ns);
                self.stats.last_latency_ns = latency_ns;
                self.acknowledge(update.session, update.sequence)?;
                Ok(Some(FrameEvent {
                    update,
                    bytes: received.bytes.len(),
                    latency_ns,
                    queued: received.at.elapsed(),
                }))
            }
            Err(DecodeError::ForeignSession { .. }) => {
                self.stats.foreign += 1;
                Ok(None)
            }
            Err(error) => {
                self.stats.errors += 1;
                if matches!(error, DecodeError::SequenceGap { .. }) {
                    self.stats.gaps += 1;
                }
                if error.wants_keyframe() && self.keyframe_requested_at.is_none() {
                    let reason = match error {
                        DecodeError::SequenceGap { .. } => KeyframeReason::Gap,
                        _ => KeyframeReason::Error,
                    };
                    self.request_keyframe(reason)?;
                }
                Ok(None)
            }
        }
    }

    fn acknowledge(&mut self, session: u32, sequence: u64) -> Result<(), ViewerError> {
        self.last_ack_at = Instant::now();
        let ack = Ack { viewer: self.options.viewer, session, sequence };
        self.outbox.send(&ViewerMessage::Ack(ack))
    }

    fn housekeeping(&mut self) -> Result<(), ViewerError> {
        let now = Instant::now();
        let silent = self.last_frame_at.is_none_or(|at| now - at > self.options.lost_after);
        if self.last_frame_at.is_some() && silent {
            self.state = LinkState::Lost;
            // The publisher may have restarted with a new session: accept
            // the next keyframe of any session (the picture stays).
            self.decoder.unbind();
        }
        let retry_due = self.keyframe_requested_at.is_none_or(|at| now - at > self.options.keyframe_retry);
        let needs_picture = self.decoder.awaiting_keyframe();
        if (needs_picture || self.state == LinkState::Lost) && retry_due {
            // Also re-registers this viewer with an app that restarted.
            self.announce()?;
        }
        if now - self.last_ack_at > self.options.keepalive {
            match (self.decoder.session(), self.decoder.last_sequence()) {
                (Some(session), Some(sequence)) => self.acknowledge(session, sequence)?,
                _ => self.last_ack_at = now,
            }
        }
        Ok(())
    }

    /// Send any input event.
    pub fn send_input(&self, event: &InputEvent) -> Result<(), ViewerError> {
        let message = match event.clone() {
            InputEvent::Key(key) => ViewerMessage::Key(key),
            InputEvent::Pointer(pointer) => ViewerMessage::Pointer(pointer),
            InputEvent::Touch(touch) => ViewerMessage::Touch(touch),
        };
        self.outbox.send(&message)
    }

    /// Send a key event.
    pub fn send_key(&self, event: KeyEvent) -> Result<(), ViewerError> {
        self.outbox.send(&ViewerMessage::Key(event))
    }

    /// Send a pointer event.
    pub fn send_pointer(&self, event: PointerEvent) -> Result<(), ViewerError> {
        self.outbox.send(&ViewerMessage::Pointer(event))
    }

    /// Send a touch event.
    pub fn send_touch(&self, event: TouchEvent) -> Result<(), ViewerError> {
        self.outbox.send(&ViewerMessage::Touch(event))
    }

    /// Tell the app the viewer's drawable size.
    pub fn resize(&self, width: u32, height: u32, scale_milli: u32) -> Result<(), ViewerError> {
        let size = ViewerSize { viewer: self.options.viewer, width, height, scale_milli };
        self.outbox.send(&ViewerMessage::Resize(size))
    }
}

impl Drop for ViewerStream {
    fn drop(&mut self) {
        let control = StreamControl { app: self.app.to_string(), viewer: self.options.viewer };
        // Best effort: the app also drops silent viewers by itself.
        let _ = self.outbox.send(&ViewerMessage::Stop(control));
    }
}
