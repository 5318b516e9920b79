//! Pacing one stream on the publishing side: the latest picture wins,
//! damage coalesces, and at most a few frames are ever in flight.
//!
//! A [`StreamSource`] never queues frames. The caller keeps the surface's
//! current pixels; the source keeps only the damage accumulated since the
//! last frame it emitted and encodes lazily, when [`StreamSource::poll`]
//! finds a live viewer with credit. A viewer grants credit by acknowledging
//! frames ([`Ack`]); a viewer that stops acknowledging stalls the stream for
//! at most `viewer_timeout_ns` and is then dropped, so a stuck viewer costs
//! the publisher nothing but a little damage bookkeeping. Because frames are
//! encoded only when sent, coalescing never causes a sequence gap.
//!
//! Everything is driven by a caller-supplied monotonic clock (`now_ns`), so
//! the source works unchanged in a `no_std` service.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use crate::encoder::{EncodeStats, Encoder, MAX_DAMAGE_RECTANGLES};
use crate::error::EncodeError;
use crate::message::{Ack, ViewerId, ViewerMessage};
use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

/// Pacing knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceConfig {
    /// Most frames sent but not yet acknowledged by every live viewer.
    pub window: u64,
    /// A viewer silent this long is dropped.
    pub viewer_timeout_ns: u64,
    /// With live viewers and nothing new, send an empty frame this often
    /// (so viewers can tell a quiet app from a lost link).
    pub keepalive_ns: u64,
    /// Most viewers tracked at once (further joins are ignored).
    pub max_viewers: usize,
}

impl Default for SourceConfig {
    fn default() -> SourceConfig {
        SourceConfig {
            window: 4,
            viewer_timeout_ns: 3_000_000_000,
            keepalive_ns: 1_000_000_000,
            max_viewers: 16,
        }
    }
}

/// Counters for monitoring and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// Frames emitted.
    pub frames: u64,
    /// Keyframes among them.
    pub keyframes: u64,
    /// Bytes emitted.
    pub bytes: u64,
    /// Damage submissions folded into a later frame instead of sent alone.
    pub coalesced: u64,
    /// Polls that found damage but no credit (a slow or stuck viewer).
    pub stalls: u64,
    /// Viewers dropped for silence.
    pub expired_viewers: u64,
}

#[derive(Clone, Copy, Debug)]
struct Viewer {
    id: ViewerId,
    /// Highest sequence of our session it acknowledged.
    acked: Option<u64>,
    /// First sequence it is owed (the keyframe after it joined).
    joined_at: u64,
    last_seen_ns: u64,
}

/// Paces one surface's stream for any number of viewers.
#[derive(Debug)]
pub struct StreamSource {
    encoder: Encoder,
    config: SourceConfig,
    viewers: Vec<Viewer>,
    pending: Vec<SurfaceRect>,
    has_new_damage: bool,
    last_sent_ns: Option<u64>,
    sent: VecDeque<(u64, u64)>,
    round_trip_ns: Option<u64>,
    stats: SourceStats,
}

impl StreamSource {
    /// A source encoding with `encoder` (its session id goes in every frame header).
    pub fn new(encoder: Encoder, config: SourceConfig) -> StreamSource {
        StreamSource {
            encoder,
            config,
            viewers: Vec::new(),
            pending: Vec::new(),
            has_new_damage: false,
            last_sent_ns: None,
            sent: VecDeque::new(),
            round_trip_ns: None,
            stats: SourceStats::default(),
        }
    }

    /// The encoder (e.g. to read its session id).
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// Counters so far.
    pub fn stats(&self) -> SourceStats {
        self.stats
    }

    /// The latest frame round trip (send to acknowledgement), if measured.
    pub fn round_trip_ns(&self) -> Option<u64> {
        self.round_trip_ns
    }

    /// Number of live viewers.
    pub fn viewer_count(&self) -> usize {
        self.viewers.len()
    }

    /// Damage rectangles waiting for the next frame (never more than
    /// [`MAX_DAMAGE_RECTANGLES`]).
    pub fn pending_damage(&self) -> &[SurfaceRect] {
        &self.pending
    }

    /// The client drew `damage` into the surface.
    pub fn damage(&mut self, damage: &[SurfaceRect]) {
        if self.has_new_damage {
            self.stats.coalesced += 1;
        }
        self.has_new_damage = true;
        self.pending.extend(damage.iter().copied().filter(|rect| !rect.is_empty()));
        if self.pending.len() > MAX_DAMAGE_RECTANGLES {
            let bounds = self.pending.iter().fold(SurfaceRect::default(), |bounds, rect| bounds.union(rect));
            self.pending.clear();
            self.pending.push(bounds);
        }
    }

    /// Handle a control message from a viewer (keyframe request, ack,
    /// start, stop). Returns `false` for messages that are not about
    /// pacing (input, resize), which the caller routes to the app.
    pub fn handle(&mut self, message: &ViewerMessage, now_ns: u64) -> bool {
        match message {
            ViewerMessage::KeyframeRequest(request) => {
                self.touch(request.viewer, now_ns);
                self.encoder.request_keyframe();
            }
            ViewerMessage::Start(control) => {
                self.touch(control.viewer, now_ns);
                self.encoder.request_keyframe();
            }
            ViewerMessage::Stop(control) => {
                self.viewers.retain(|viewer| viewer.id != control.viewer);
            }
            ViewerMessage::Ack(ack) => self.acknowledge(ack, now_ns),
            _ => return false,
        }
        true
    }

    /// Whether any viewer is live at `now_ns`.
    pub fn is_active(&self, now_ns: u64) -> bool {
        self.viewers.iter().any(|viewer| !self.expired(viewer, now_ns))
    }

    /// Frames sent that the slowest viewer still tracked has not
    /// acknowledged.
    pub fn in_flight(&self) -> u64 {
        self.in_flight_of(|_| true)
    }

    /// Frames sent that the slowest viewer live at `now_ns` has not
    /// acknowledged (a viewer that went silent no longer holds credit back,
    /// even before it is forgotten).
    pub fn in_flight_at(&self, now_ns: u64) -> u64 {
        self.in_flight_of(|viewer| !self.expired(viewer, now_ns))
    }

    fn in_flight_of(&self, counted: impl Fn(&Viewer) -> bool) -> u64 {
        let next = self.encoder.next_sequence();
        self.viewers
            .iter()
            .filter(|viewer| counted(viewer))
            .map(|viewer| match viewer.acked {
                Some(acked) => next.saturating_sub(acked + 1),
                None => next.saturating_sub(viewer.joined_at),
            })
            .max()
            .unwrap_or(0)
    }

    /// Whether [`StreamSource::poll`] would emit a frame now.
    pub fn ready(&self, now_ns: u64) -> bool {
        self.is_active(now_ns) && self.in_flight_at(now_ns) < self.config.window && self.has_work(now_ns)
    }

    /// Emit the next frame into `out` if a live viewer has credit and
    /// there is damage, a keyframe due, or a keep-alive due. `surface` is
    /// the surface's current picture; `timestamp_ns` is written into the
    /// frame (the capture time on whatever clock viewers should see).
    pub fn poll(
        &mut self,
        now_ns: u64,
        timestamp_ns: u64,
        surface: &SurfaceRef<'_>,
        out: &mut Vec<u8>,
    ) -> Result<Option<EncodeStats>, EncodeError> {
        self.expire(now_ns);
        if self.viewers.is_empty() {
            // Nobody watches: whoever joins next gets a keyframe anyway.
            self.pending.clear();
            self.has_new_damage = false;
            self.encoder.request_keyframe();
            return Ok(None);
        }
        if !self.has_work(now_ns) {
            return Ok(None);
        }
        if self.in_flight() >= self.config.window {
            self.stats.stalls += 1;
            return Ok(None);
        }
        let stats = self.encoder.encode(surface, &self.pending, timestamp_ns, out)?;
        self.pending.clear();
        self.has_new_damage = false;
        self.last_sent_ns = Some(now_ns);
        self.sent.push_back((stats.sequence, now_ns));
        while self.sent.len() as u64 > self.config.window.max(1) * 2 {
            self.sent.pop_front();
        }
        self.stats.frames += 1;
        self.stats.keyframes += stats.keyframe as u64;
        self.stats.bytes += stats.bytes as u64;
        Ok(Some(stats))
    }

    fn has_work(&self, now_ns: u64) -> bool {
        let keepalive_due =
            self.last_sent_ns.is_none_or(|sent| now_ns.saturating_sub(sent) >= self.config.keepalive_ns);
        self.encoder.keyframe_pending() || self.has_new_damage || keepalive_due
    }

    fn expired(&self, viewer: &Viewer, now_ns: u64) -> bool {
        now_ns.saturating_sub(viewer.last_seen_ns) > self.config.viewer_timeout_ns
    }

    /// Forget viewers silent longer than the timeout ([`StreamSource::poll`]
    /// does it too; callers that poll only when [`StreamSource::ready`] call
    /// this so the viewer list stays true).
    pub fn expire(&mut self, now_ns: u64) {
        let before = self.viewers.len();
        let timeout = self.config.viewer_timeout_ns;
        self.viewers.retain(|viewer| now_ns.saturating_sub(viewer.last_seen_ns) <= timeout);
        self.stats.expired_viewers += (before - self.viewers.len()) as u64;
    }

    /// Note that `id` is alive, adding it if new.
    fn touch(&mut self, id: ViewerId, now_ns: u64) -> Option<&mut Viewer> {
        let next = self.encoder.next_sequence();
        let position = match self.viewers.iter().position(|viewer| viewer.id == id) {
            Some(position) => position,
            None if self.viewers.len() < self.config.max_viewers => {
                self.viewers.push(Viewer { id, acked: None, joined_at: next, last_seen_ns: now_ns });
                self.encoder.request_keyframe();
                self.viewers.len() - 1
            }
            None => return None,
        };
        let viewer = &mut self.viewers[position];
        viewer.last_seen_ns = viewer.last_seen_ns.max(now_ns);
        Some(viewer)
    }

    fn acknowledge(&mut self, ack: &Ack, now_ns: u64) {
        let ours = ack.session == self.encoder.session() && ack.sequence < self.encoder.next_sequence();
        let Some(viewer) = self.touch(ack.viewer, now_ns) else {
            return;
        };
        if !ours {
            // Acknowledging another session's frames: it has not seen our
            // keyframe yet; the join above already asked for one if new.
            return;
        }
        viewer.acked = Some(viewer.acked.map_or(ack.sequence, |acked| acked.max(ack.sequence)));
        if let Some(&(_, sent_ns)) = self.sent.iter().find(|(sequence, _)| *sequence == ack.sequence) {
            self.round_trip_ns = Some(now_ns.saturating_sub(sent_ns));
        }
    }
}
