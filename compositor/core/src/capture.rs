//! Capture bookkeeping: what is captured and what changed since the last picture.
//!
//! The capture consumer sees the mapped windows as a list of its own.
//!
//! The core never touches capture memory; the service copies pixels from
//! the buffer [`Compositor::capture_source`] names, for the damage
//! [`Compositor::take_capture_damage`] hands over. Damage accumulates in a
//! bounded [`Damage`] while the consumer holds the previous frame, so a
//! stalled consumer costs a handful of rectangles per window.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use weft_compositor_api::capture::{CaptureError, CaptureEvent, CaptureWindow, MAX_CAPTURES};
use weft_compositor_api::client::Damage;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{BufferId, BufferLayout, Rect, Size};

use crate::Compositor;
use crate::clients::Clients;
use crate::outbox::Outbox;
use crate::remote::RemoteSeat;
use crate::stack::Window;
use crate::state::{ClientId, SurfaceKey};

/// One captured window.
#[derive(Clone, Debug)]
struct Captured {
    /// What changed since the last picture was taken.
    damage: Damage,
    /// When the newest content was presented (the compositor's clock).
    presented_at: u64,
    /// Presents since the last picture was taken.
    presents: u64,
    /// Buffer size at the last picture (a change means a full picture).
    size: Size,
}

/// Everything capture-related the core keeps.
#[derive(Default)]
pub struct Captures {
    /// Whether a consumer listens for window list events.
    subscribed: bool,
    windows: BTreeMap<WindowId, Captured>,
    /// Windows whose capture ended (the consumer's `Stop`, or the service
    /// could not serve the picture) while they stay mapped: the consumer
    /// may still resize them, so a window that grew too large to capture
    /// can be brought back to a size that can be. (It could capture the
    /// window again to the same effect: no new power.)
    released: BTreeSet<WindowId>,
    /// Monotonic nanoseconds, to stamp presents with.
    clock: u64,
    /// Remote input events dropped.
    dropped_input: u64,
    /// The remote viewer's buttons and touch points.
    pub(crate) remote: RemoteSeat,
}

/// Damage taken for one capture frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureDamage {
    /// Changed rectangles in buffer pixels, clipped to the buffer (the
    /// whole buffer after a size change or at the start).
    pub rects: Vec<Rect>,
    /// When the newest content was presented.
    pub presented_at: u64,
    /// How many presents this picture folds together.
    pub presents: u64,
}

impl Captures {
    /// Set the clock (monotonic nanoseconds) presents are stamped with,
    /// for capture latency. The service calls it as it wakes.
    pub fn set_clock(&mut self, now: u64) {
        self.clock = now;
    }

    /// Whether `window` is captured.
    pub fn is_captured(&self, window: WindowId) -> bool {
        self.windows.contains_key(&window)
    }

    /// Whether the consumer may resize `window`: captured now, or captured
    /// before and still mapped.
    pub fn may_resize(&self, window: WindowId) -> bool {
        self.windows.contains_key(&window) || self.released.contains(&window)
    }

    /// Captured windows.
    pub fn windows(&self) -> Vec<WindowId> {
        self.windows.keys().copied().collect()
    }

    /// Whether a captured window has damage not yet taken.
    pub fn pending(&self, window: WindowId) -> bool {
        self.windows.get(&window).is_some_and(|c| !c.damage.is_empty())
    }

    /// Damage rectangles waiting in `window`'s capture (for monitoring).
    pub fn pending_rectangles(&self, window: WindowId) -> usize {
        match self.windows.get(&window) {
            Some(captured) if captured.damage.is_full() => 1,
            Some(captured) => captured.damage.rects_within(Rect::new(0, 0, u32::MAX, u32::MAX)).len(),
            None => 0,
        }
    }

    /// Presents not yet taken into a picture of `window`.
    pub fn pending_presents(&self, window: WindowId) -> u64 {
        self.windows.get(&window).map_or(0, |captured| captured.presents)
    }

    /// Remote input events that did not reach a client.
    pub fn dropped_input(&self) -> u64 {
        self.dropped_input
    }

    /// Stop capturing a window.
    pub fn stop(&mut self, window: WindowId) {
        if self.windows.remove(&window).is_some() {
            self.released.insert(window);
        }
    }

    /// The capture consumer went away: end every capture.
    pub fn disconnected(&mut self) {
        self.subscribed = false;
        self.windows.clear();
        self.released.clear();
        self.remote.clear();
    }

    pub(crate) fn count_dropped(&mut self) {
        self.dropped_input += 1;
    }

    /// Start capturing a mapped window; its first picture is whole.
    fn start(&mut self, window: WindowId) -> Result<(), CaptureError> {
        if self.windows.contains_key(&window) {
            return Ok(());
        }
        if self.windows.len() >= MAX_CAPTURES {
            return Err(CaptureError::TooManyCaptures);
        }
        let captured =
            Captured { damage: Damage::full(), presented_at: self.clock, presents: 0, size: Size::default() };
        self.windows.insert(window, captured);
        self.released.remove(&window);
        Ok(())
    }

    /// Take what changed since the last picture, clipped to a buffer of
    /// `size` (whole after a size change).
    fn take_damage(&mut self, window: WindowId, size: Size) -> Option<CaptureDamage> {
        let captured = self.windows.get_mut(&window)?;
        if captured.size != size {
            captured.size = size;
            captured.damage.set_full();
        }
        let rects = captured.damage.rects_within(Rect::from_size(size));
        captured.damage.clear();
        let presents = core::mem::take(&mut captured.presents);
        Some(CaptureDamage { rects, presented_at: captured.presented_at, presents })
    }

    /// A window presented `damage` (empty: everything) in a buffer of `size`.
    pub(crate) fn presented(&mut self, window: WindowId, damage: &[Rect], size: Size) {
        let now = self.clock;
        let Some(captured) = self.windows.get_mut(&window) else {
            return;
        };
        captured.presents += 1;
        captured.presented_at = now;
        if captured.size != size {
            captured.damage.set_full();
        } else {
            captured.damage.add_all(damage);
        }
    }

    /// A toplevel was mapped.
    pub(crate) fn window_added(&self, window: &Window, clients: &Clients, scale: f32, outbox: &mut Outbox) {
        if self.subscribed {
            outbox.capture(CaptureEvent::WindowAdded(window.capture_info(clients, scale)));
        }
    }

    /// A mapped toplevel's title or buffer size changed.
    pub(crate) fn window_changed(&self, window: &Window, clients: &Clients, scale: f32, outbox: &mut Outbox) {
        if self.subscribed && window.mapped {
            outbox.capture(CaptureEvent::WindowChanged(window.capture_info(clients, scale)));
        }
    }

    /// A toplevel was unmapped or destroyed: its capture ends.
    pub(crate) fn window_removed(&mut self, id: WindowId, key: SurfaceKey, outbox: &mut Outbox) {
        self.windows.remove(&id);
        self.released.remove(&id);
        self.remote.forget(key);
        if self.subscribed {
            outbox.capture(CaptureEvent::WindowRemoved { window: id });
        }
    }
}

impl Compositor {
    /// The capture consumer subscribes: mapped windows, bottom first.
    pub fn capture_subscribe(&mut self) -> Vec<CaptureWindow> {
        self.captures.subscribed = true;
        let scale = self.output.scale;
        self.windows.iter().filter(|w| w.mapped).map(|w| w.capture_info(&self.clients, scale)).collect()
    }

    /// Start capturing a mapped toplevel; its first picture is whole.
    pub fn start_capture(&mut self, window: WindowId) -> Result<(), CaptureError> {
        if !self.windows.by_id(window).is_some_and(|w| w.mapped) {
            return Err(CaptureError::UnknownWindow);
        }
        self.captures.start(window)
    }

    /// The buffer a captured window shows now: owner, id and layout.
    pub fn capture_source(&self, window: WindowId) -> Option<(ClientId, BufferId, BufferLayout)> {
        let key = self.windows.surface(window)?;
        let buffer = self.clients.surface(key)?.buffer?;
        let layout = self.clients.buffer(key.0, buffer)?;
        Some((key.0, buffer, layout))
    }

    /// Take what changed in a captured window since the last picture,
    /// clipped to its current buffer (whole after a size change). `None`
    /// if it is not captured or shows no buffer.
    pub fn take_capture_damage(&mut self, window: WindowId) -> Option<CaptureDamage> {
        let (_, _, layout) = self.capture_source(window)?;
        self.captures.take_damage(window, Size::new(layout.width, layout.height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const W: WindowId = WindowId(1);

    #[test]
    fn damage_accumulates_until_taken_and_a_new_size_is_whole() {
        let mut captures = Captures::default();
        captures.set_clock(5);
        captures.start(W).unwrap();
        assert!(captures.pending(W) && captures.is_captured(W));
        let size = Size::new(100, 50);
        let first = captures.take_damage(W, size).unwrap();
        assert_eq!((first.rects, first.presented_at, first.presents), (vec![Rect::from_size(size)], 5, 0));
        assert!(!captures.pending(W));
        captures.set_clock(9);
        captures.presented(W, &[Rect::new(1, 1, 2, 2)], size);
        captures.presented(W, &[Rect::new(10, 10, 2, 2)], size);
        assert_eq!((captures.pending_rectangles(W), captures.pending_presents(W)), (2, 2));
        let next = captures.take_damage(W, size).unwrap();
        assert_eq!((next.rects.len(), next.presented_at, next.presents), (2, 9, 2));
        captures.presented(W, &[Rect::new(1, 1, 2, 2)], Size::new(10, 10));
        assert_eq!(captures.pending_rectangles(W), 1, "a new size is one whole picture");
        captures.stop(W);
        assert_eq!(captures.take_damage(W, size), None);
    }

    #[test]
    fn captures_are_bounded_and_end_with_the_consumer() {
        let mut captures = Captures::default();
        for id in 0..MAX_CAPTURES as u64 {
            captures.start(WindowId(id)).unwrap();
        }
        assert_eq!(captures.start(WindowId(0)), Ok(()), "starting again is fine");
        assert_eq!(captures.start(WindowId(u64::MAX)), Err(CaptureError::TooManyCaptures));
        captures.count_dropped();
        captures.disconnected();
        assert!(captures.windows().is_empty());
        assert_eq!(captures.dropped_input(), 1, "the counter outlives the consumer");
    }
}
