//! One streamed window: its capture buffer, its pacing
//! ([`StreamSource`]) and its subscription to viewer messages on the link.
//!
//! The capture buffer is the compositor's; this side may read it only
//! while it holds a frame (from `Frame` to `Release`). A frame is held:
//! - until it is encoded, when a viewer has credit — then released at once;
//! - while viewers lack credit (a slow link): the compositor meanwhile
//!   merges new damage into a bounded set, and the latest picture goes out
//!   when credit returns — nothing queues on either side;
//! - while nobody watches: the compositor stops copying altogether; the
//!   next viewer gets a keyframe of the held picture, then the merged
//!   damage as the next frame.
//!
//! When a frame is due without new damage (a keyframe for a new viewer,
//! an idle keep-alive), the stream asks the compositor to `Refresh`.
//!
//! Viewer resizes are clamped to what the capture can serve
//! ([`servable_size`]); the size actually served reaches viewers as the
//! width and height of the next frames (and in the heartbeat). If the
//! compositor ends the capture anyway (the app chose a buffer too large
//! to capture, say), the stream is *suspended*, not dropped: its viewers,
//! session and pacing stay, and the service captures the window again
//! when its size changes — a viewer resizing it back is enough.

use crate::Link;
use crate::link::Subscription;
#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use weft_compositor_api::capture::{
    CaptureFrame, CaptureLayout, CaptureProtocol, CaptureRequest, MAX_CAPTURE_BYTES,
};
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{InputEvent, MAX_BUFFER_SIDE, Size};
use weft_ipc::Client;
use weft_mesh_api::StreamStatus;
use weft_rt::{Mapping, Vmo};
use weft_wlstream::keys::AppId;
use weft_wlstream::message::{ViewerMessage, ViewerSize};
use weft_wlstream::source::{SourceConfig, StreamSource};
use weft_wlstream::{Encoder, SurfaceRect, SurfaceRef};

/// The compositor's capture buffer, mapped read-only.
struct Picture {
    layout: CaptureLayout,
    mapping: Mapping,
    _memory: Vmo,
}

/// The largest capture buffer a viewer's resize may ask one window for:
/// a quarter of the capture consumer's whole budget
/// ([`MAX_CAPTURE_BYTES`], 256 MiB), so four windows at this size still
/// fit together. 64 MiB is 4096 × 4096 pixels, more than a 4K display.
pub const MAX_RESIZE_BYTES: u64 = MAX_CAPTURE_BYTES / 4;

/// Why a stream's capture ended while its window lives on.
#[derive(Clone, Debug, PartialEq)]
pub struct Suspended {
    /// What the compositor (or this side) said.
    pub reason: String,
    /// The window's size (buffer pixels) when it ended.
    pub size: Size,
}

/// One window streamed on `weft/app/<app>/stream`.
pub struct Stream {
    /// The window.
    pub window: WindowId,
    /// Its app id on the mesh (the key chunk `<app>`).
    pub app: AppId,
    /// Its title.
    pub title: String,
    /// Started by request (not by policy): ends when its last viewer stops.
    pub requested: bool,
    source: StreamSource,
    /// Viewer messages for this stream (withdrawn by [`Stream::close`]).
    subscription: Subscription,
    picture: Option<Picture>,
    held: Option<u64>,
    refresh_asked: bool,
    presented_at: u64,
    encoded: Vec<u8>,
    input_events: u64,
    encode_ns: u64,
    suspended: Option<Suspended>,
    /// The last resize asked of the window, as (viewer's, served).
    resized: Option<(Size, Size)>,
}

/// The service's clocks: monotonic (the kernel's, shared with the
/// compositor) and wall time (for frame timestamps viewers compare).
#[derive(Clone, Copy, Debug)]
pub struct Now {
    /// Monotonic nanoseconds.
    pub monotonic: u64,
    /// Unix-epoch nanoseconds.
    pub wall: u64,
}

impl Now {
    /// Read both clocks.
    pub fn read() -> Now {
        let monotonic = weft_rt::now();
        Now { monotonic, wall: monotonic.wrapping_add(crate::wall_offset()) }
    }

    /// The wall time of monotonic instant `at`.
    pub fn wall_of(&self, at: u64) -> u64 {
        self.wall.saturating_sub(self.monotonic.saturating_sub(at))
    }
}

/// A fresh session id for an encoder session (from the clock and a
/// counter): the header field that tells viewers a restart apart.
fn session_id() -> u32 {
    use core::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let mut state =
        Now::read().wall ^ COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    state = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    state = (state ^ (state >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (state ^ (state >> 31)) as u32
}

impl Stream {
    /// Subscribe to the stream's viewer messages.
    pub fn open(
        link: &mut Link,
        window: WindowId,
        app: AppId,
        title: String,
        config: SourceConfig,
    ) -> Result<Stream, String> {
        let subscription = link.subscribe(&app.viewer_keys())?;
        Ok(Stream {
            window,
            app,
            title,
            requested: false,
            source: StreamSource::new(Encoder::new(session_id()), config),
            subscription,
            picture: None,
            held: None,
            refresh_asked: false,
            presented_at: 0,
            encoded: Vec::new(),
            input_events: 0,
            encode_ns: 0,
            suspended: None,
            resized: None,
        })
    }

    /// The capture ended while the window lives on (`size`: its size
    /// now). The stream keeps its viewers and waits for the window to
    /// change size. Returns whether this is news (worth one log line).
    pub fn suspend(&mut self, reason: String, size: Size) -> bool {
        self.picture = None;
        self.held = None;
        self.refresh_asked = false;
        let news = self.suspended.as_ref().is_none_or(|old| old.reason != reason);
        self.suspended = Some(Suspended { reason, size });
        news
    }

    /// Why the capture is suspended, if it is.
    pub fn suspended(&self) -> Option<&Suspended> {
        self.suspended.as_ref()
    }

    /// The compositor captures the window again.
    pub fn resume(&mut self) {
        self.suspended = None;
    }

    /// Bytes of the capture buffer this stream holds (0 while none).
    pub fn capture_bytes(&self) -> u64 {
        self.picture.as_ref().map_or(0, |picture| picture.layout.span())
    }

    /// Live viewers.
    pub fn viewers(&self, now: &Now) -> usize {
        if self.source.is_active(now.monotonic) { self.source.viewer_count() } else { 0 }
    }

    /// A frame arrived from the compositor (with its buffer when new).
    pub fn frame(&mut self, frame: CaptureFrame, memory: Option<Vmo>) -> Result<(), String> {
        if frame.new_buffer {
            let memory = memory.ok_or("a new capture buffer came without its memory")?;
            let span = frame.layout.span() as usize;
            let mapping =
                memory.map_read(0, span).map_err(|error| format!("mapping the capture: {error}"))?;
            self.picture = Some(Picture { layout: frame.layout, mapping, _memory: memory });
        }
        match &self.picture {
            Some(picture) if picture.layout == frame.layout => {}
            _ => return Err("a frame for a capture buffer never received".into()),
        }
        self.held = Some(frame.frame);
        self.refresh_asked = false;
        self.presented_at = frame.presented_at;
        let damage: Vec<SurfaceRect> = frame
            .damage
            .iter()
            .filter(|rect| rect.x >= 0 && rect.y >= 0)
            .map(|rect| SurfaceRect::new(rect.x as u32, rect.y as u32, rect.width, rect.height))
            .collect();
        self.source.damage(&damage);
        Ok(())
    }

    /// A message from a viewer of this stream. Pacing messages go to the
    /// source; input and resizes go to the window (when `input` allows).
    /// A resize is clamped to what the capture can serve: `limit` says
    /// how much that is for this window.
    pub fn viewer_message(
        &mut self,
        message: &ViewerMessage,
        now: &Now,
        capture: &Client<CaptureProtocol>,
        input: bool,
        limit: &ResizeLimit,
    ) {
        if self.source.handle(message, now.monotonic) {
            return;
        }
        if !input {
            return;
        }
        let request = match message {
            ViewerMessage::Key(event) => Some(InputEvent::Key(event.clone())),
            ViewerMessage::Pointer(event) => Some(InputEvent::Pointer(*event)),
            ViewerMessage::Touch(event) => Some(InputEvent::Touch(*event)),
            _ => None,
        }
        .map(|event| CaptureRequest::Input { window: self.window, event })
        .or_else(|| match message {
            ViewerMessage::Resize(size) => {
                let wanted = logical_size(size);
                let served = servable_size(wanted, limit.scale, limit.bytes);
                if served != wanted && self.resized != Some((wanted, served)) {
                    weft_rt::info!(
                        "a viewer of {} asked for {}x{}; serving {}x{} (the capture limit)",
                        self.app,
                        wanted.width,
                        wanted.height,
                        served.width,
                        served.height
                    );
                }
                self.resized = Some((wanted, served));
                Some(CaptureRequest::Resize { window: self.window, size: served })
            }
            _ => None,
        });
        if let Some(request) = request {
            self.input_events += 1;
            let _ = capture.send(&request);
        }
    }

    /// Do what is due: encode and publish the held picture when a viewer
    /// has credit, release it, or ask for a picture when a frame is due.
    pub fn step(
        &mut self,
        now: &Now,
        capture: &Client<CaptureProtocol>,
        link: &mut Link,
    ) -> Result<(), String> {
        // A viewer that went silent (killed, unplugged) is forgotten here
        // even when no frame is held, so it never holds credit back.
        self.source.expire(now.monotonic);
        let Some(picture) = &self.picture else {
            return Ok(()); // the first frame is on its way
        };
        let Some(frame) = self.held else {
            if self.source.ready(now.monotonic) && !self.refresh_asked {
                self.refresh_asked = true;
                capture
                    .send(&CaptureRequest::Refresh { window: self.window })
                    .map_err(|error| format!("capture: {error:?}"))?;
            }
            return Ok(());
        };
        let layout = picture.layout;
        let surface = SurfaceRef::new(layout.width, layout.height, layout.stride, picture.mapping.bytes())
            .map_err(|error| format!("capture buffer: {error}"))?;
        if !self.source.is_active(now.monotonic) {
            // Nobody watches: keep the picture, let the compositor merge
            // damage instead of copying (this also forgets our damage and
            // makes the next frame a keyframe).
            let _ = self.source.poll(now.monotonic, 0, &surface, &mut self.encoded);
            return Ok(());
        }
        if !self.source.ready(now.monotonic) {
            return Ok(()); // no credit: hold; the compositor merges damage
        }
        let timestamp = now.wall_of(self.presented_at.min(now.monotonic));
        let started = weft_rt::now();
        let sent = self
            .source
            .poll(now.monotonic, timestamp, &surface, &mut self.encoded)
            .map_err(|error| format!("encoding {}: {error}", self.app))?;
        self.encode_ns += weft_rt::now().saturating_sub(started);
        if sent.is_some() {
            // Drop congestion control: a full link loses this frame, which
            // the viewer repairs with a keyframe request.
            link.publish(&self.app.stream_key(), core::mem::take(&mut self.encoded));
        }
        self.held = None;
        capture
            .send(&CaptureRequest::Release { window: self.window, frame })
            .map_err(|error| format!("capture: {error:?}"))
    }

    /// End the stream: withdraw its subscription and publisher.
    pub fn close(self, link: &mut Link) {
        link.unsubscribe(self.subscription);
        link.forget(&self.app.stream_key());
    }

    /// The window's title changed.
    pub fn set_title(&mut self, title: String) {
        self.title = title;
    }

    /// Figures for `weft.mesh` status.
    pub fn status(&self, now: &Now) -> StreamStatus {
        let stats = self.source.stats();
        let (width, height, mapped_bytes) = self
            .picture
            .as_ref()
            .map_or((0, 0, 0), |p| (p.layout.width, p.layout.height, p.mapping.len() as u64));
        StreamStatus {
            app: self.app.to_string(),
            window: self.window.0,
            title: self.title.clone(),
            width,
            height,
            viewers: self.viewers(now) as u32,
            frames: stats.frames,
            keyframes: stats.keyframes,
            bytes: stats.bytes,
            stalls: stats.stalls,
            in_flight: self.source.in_flight(),
            pending_damage: self.source.pending_damage().len() as u32,
            holding: self.held.is_some(),
            mapped_bytes,
            round_trip_ns: self.source.round_trip_ns(),
            encode_ns: self.encode_ns,
            input_events: self.input_events,
            suspended: self.suspended.as_ref().map(|suspended| suspended.reason.clone()),
        }
    }

    /// The picture's size, once known.
    pub fn size(&self) -> Option<(u32, u32)> {
        self.picture.as_ref().map(|p| (p.layout.width, p.layout.height))
    }
}

/// How large a viewer may make one window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResizeLimit {
    /// The window's buffer pixels per logical pixel.
    pub scale: f32,
    /// Capture buffer bytes it may use.
    pub bytes: u64,
}

impl ResizeLimit {
    /// The limit for a window at `scale` when the consumer's other
    /// captures hold `others` bytes: [`MAX_RESIZE_BYTES`], or what is left
    /// of [`MAX_CAPTURE_BYTES`] if that is less.
    pub fn new(scale: f32, others: u64) -> ResizeLimit {
        ResizeLimit { scale, bytes: MAX_RESIZE_BYTES.min(MAX_CAPTURE_BYTES.saturating_sub(others)) }
    }
}

/// The size (logical pixels) to ask of a window at buffer `scale` when a
/// viewer wants `wanted`, so that its capture buffer fits in `bytes` and
/// each buffer side in [`MAX_BUFFER_SIDE`]: `wanted` itself when it fits,
/// else the largest size of about the same aspect ratio that does.
pub fn servable_size(wanted: Size, scale: f32, bytes: u64) -> Size {
    let scale = if scale.is_finite() && scale > 0.0 { f64::from(scale) } else { 1.0 };
    let side = libm::floor(f64::from(MAX_BUFFER_SIDE) / scale).max(1.0);
    let mut width = f64::from(wanted.width).clamp(1.0, side);
    let mut height = f64::from(wanted.height).clamp(1.0, side);
    let pixels = (bytes / 4) as f64;
    let buffer = |width: f64, height: f64| libm::ceil(width * scale) * libm::ceil(height * scale);
    if buffer(width, height) > pixels {
        let factor = libm::sqrt(pixels / buffer(width, height));
        width = libm::floor(width * factor).max(1.0);
        height = libm::floor(height * factor).max(1.0);
        while buffer(width, height) > pixels && (width > 1.0 || height > 1.0) {
            if width >= height {
                width -= 1.0;
            } else {
                height -= 1.0;
            }
        }
    }
    Size::new(width as u32, height as u32)
}

/// A viewer's drawable size in logical pixels: physical pixels divided by
/// its scale, so the app lays out for the viewer's apparent size.
pub fn logical_size(size: &ViewerSize) -> Size {
    let scale = u64::from(size.scale_milli.max(1));
    let side =
        |pixels: u32| ((u64::from(pixels) * 1000 + scale / 2) / scale).clamp(1, u64::from(u32::MAX)) as u32;
    Size::new(side(size.width), side(size.height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_sizes_become_logical() {
        let size = |width, height, scale_milli| ViewerSize { viewer: 1, width, height, scale_milli };
        assert_eq!(logical_size(&size(640, 480, 1000)), Size::new(640, 480));
        assert_eq!(logical_size(&size(1280, 960, 2000)), Size::new(640, 480));
        assert_eq!(logical_size(&size(1, 1, 16000)), Size::new(1, 1));
    }

    #[test]
    fn resizes_are_clamped_to_what_the_capture_can_serve() {
        let alone = ResizeLimit::new(1.0, 0);
        assert_eq!(alone.bytes, 64 << 20);
        let serve = |width, height, limit: &ResizeLimit| {
            servable_size(Size::new(width, height), limit.scale, limit.bytes)
        };
        // What fits is served as asked.
        assert_eq!(serve(1280, 720, &alone), Size::new(1280, 720));
        assert_eq!(serve(4096, 4096, &alone), Size::new(4096, 4096));
        // The largest message a viewer may send: a quarter of the budget.
        assert_eq!(serve(16384, 16384, &alone), Size::new(4096, 4096));
        let wide = serve(16384, 1000, &alone);
        assert!(
            wide.width <= MAX_BUFFER_SIDE
                && u64::from(wide.width) * u64::from(wide.height) * 4 <= alone.bytes
        );
        assert_eq!(wide, Size::new(8192, 1000), "each side within the buffer limit");
        // At 2× the buffer doubles each side.
        let double = ResizeLimit::new(2.0, 0);
        let served = serve(16384, 16384, &double);
        assert_eq!(served, Size::new(2048, 2048));
        // Other captures leave less.
        let crowded = ResizeLimit::new(1.0, MAX_CAPTURE_BYTES - (4 << 20));
        let served = serve(4096, 4096, &crowded);
        assert_eq!(served, Size::new(1024, 1024));
        assert_eq!(serve(100, 100, &ResizeLimit::new(1.0, MAX_CAPTURE_BYTES)), Size::new(1, 1));
        for limit in [alone, double, crowded] {
            for (width, height) in [(16384, 16384), (1, 16384), (16384, 1), (5000, 3000), (333, 7777)] {
                let size = serve(width, height, &limit);
                let buffer = (f64::from(size.width) * f64::from(limit.scale)).ceil()
                    * (f64::from(size.height) * f64::from(limit.scale)).ceil()
                    * 4.0;
                assert!(buffer <= limit.bytes as f64, "{width}x{height} → {size:?} at {limit:?}");
                assert!(size.width >= 1 && size.height >= 1);
            }
        }
    }

    #[test]
    fn wall_times_follow_the_monotonic_clock() {
        let now = Now { monotonic: 5_000, wall: 1_000_000 };
        assert_eq!(now.wall_of(4_000), 999_000);
        assert_eq!(now.wall_of(6_000), 1_000_000);
    }
}
