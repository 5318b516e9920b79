//! Capture bookkeeping: which windows are captured, what changed in each
//! since the consumer last took a picture, and the window list the
//! capture consumer sees.
//!
//! The core never touches capture memory; the service copies pixels from
//! the buffer [`Compositor::capture_source`] names, for the damage
//! [`Compositor::take_capture_damage`] hands over. Damage accumulates in a
//! bounded [`Damage`] while the consumer holds the previous frame, so a
//! stalled consumer costs a handful of rectangles per window.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use weft_compositor_api::capture::{CaptureError, CaptureEvent, CaptureWindow, MAX_CAPTURES};
use weft_compositor_api::client::Damage;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{BufferId, BufferLayout, Rect, Size};

use crate::state::{ClientId, Role};
use crate::{Compositor, Outgoing};

/// One captured window.
#[derive(Clone, Debug)]
pub(crate) struct Captured {
    /// What changed since the last picture was taken.
    pub damage: Damage,
    /// When the newest content was presented (the compositor's clock).
    pub presented_at: u64,
    /// Presents since the last picture was taken.
    pub presents: u64,
    /// Buffer size at the last picture (a change means a full picture).
    pub size: Size,
}

/// Everything capture-related the core keeps.
#[derive(Default)]
pub(crate) struct Captures {
    /// Whether a consumer listens for window list events.
    pub subscribed: bool,
    /// Captured windows.
    pub windows: BTreeMap<WindowId, Captured>,
    /// Remote input events dropped.
    pub dropped_input: u64,
    /// Remote pointer buttons held down.
    pub buttons: u32,
    /// Remote touch points and the surfaces they went down on.
    pub touches: BTreeMap<u32, crate::state::SurfaceKey>,
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

impl Compositor {
    /// Set the compositor's clock (monotonic nanoseconds), used to stamp
    /// presents for capture latency. The service calls it as it wakes.
    pub fn set_clock(&mut self, now: u64) {
        self.clock = now;
    }

    /// The capture consumer subscribes: mapped windows, bottom first.
    pub fn capture_subscribe(&mut self) -> Vec<CaptureWindow> {
        self.captures.subscribed = true;
        self.capture_windows()
    }

    /// Every mapped toplevel as the capture consumer sees it.
    pub fn capture_windows(&self) -> Vec<CaptureWindow> {
        (0..self.windows.len())
            .filter(|index| self.windows[*index].mapped)
            .map(|index| self.capture_window(index))
            .collect()
    }

    /// The capture consumer went away: end every capture.
    pub fn capture_disconnected(&mut self) {
        self.captures.subscribed = false;
        self.captures.windows.clear();
        self.captures.touches.clear();
        self.captures.buttons = 0;
    }

    /// Start capturing a mapped toplevel; its first picture is whole.
    pub fn start_capture(&mut self, window: WindowId) -> Result<(), CaptureError> {
        let index = self.window_index(window).ok_or(CaptureError::UnknownWindow)?;
        if !self.windows[index].mapped {
            return Err(CaptureError::UnknownWindow);
        }
        if self.captures.windows.contains_key(&window) {
            return Ok(());
        }
        if self.captures.windows.len() >= MAX_CAPTURES {
            return Err(CaptureError::TooManyCaptures);
        }
        let captured =
            Captured { damage: Damage::full(), presented_at: self.clock, presents: 0, size: Size::default() };
        self.captures.windows.insert(window, captured);
        Ok(())
    }

    /// Stop capturing a window.
    pub fn stop_capture(&mut self, window: WindowId) {
        self.captures.windows.remove(&window);
    }

    /// Whether `window` is captured.
    pub fn is_captured(&self, window: WindowId) -> bool {
        self.captures.windows.contains_key(&window)
    }

    /// Captured windows.
    pub fn captured_windows(&self) -> Vec<WindowId> {
        self.captures.windows.keys().copied().collect()
    }

    /// Whether a captured window has damage not yet taken.
    pub fn capture_pending(&self, window: WindowId) -> bool {
        self.captures.windows.get(&window).is_some_and(|c| !c.damage.is_empty())
    }

    /// Damage rectangles waiting in `window`'s capture (for monitoring).
    pub fn capture_pending_rectangles(&self, window: WindowId) -> usize {
        match self.captures.windows.get(&window) {
            Some(captured) if captured.damage.is_full() => 1,
            Some(captured) => captured.damage.rects_within(Rect::new(0, 0, u32::MAX, u32::MAX)).len(),
            None => 0,
        }
    }

    /// Presents not yet taken into a picture of `window`.
    pub fn capture_pending_presents(&self, window: WindowId) -> u64 {
        self.captures.windows.get(&window).map_or(0, |captured| captured.presents)
    }

    /// The buffer a captured window shows now: owner, id and layout.
    pub fn capture_source(&self, window: WindowId) -> Option<(ClientId, BufferId, BufferLayout)> {
        let index = self.window_index(window)?;
        let key = self.windows[index].key;
        let buffer = self.surface(key)?.buffer?;
        let layout = *self.clients.get(&key.0)?.buffers.get(&buffer)?;
        Some((key.0, buffer, layout))
    }

    /// Take what changed in a captured window since the last picture,
    /// clipped to its current buffer (whole after a size change). `None`
    /// if it is not captured or shows no buffer.
    pub fn take_capture_damage(&mut self, window: WindowId) -> Option<CaptureDamage> {
        let (_, _, layout) = self.capture_source(window)?;
        let captured = self.captures.windows.get_mut(&window)?;
        let size = Size::new(layout.width, layout.height);
        if captured.size != size {
            captured.size = size;
            captured.damage.set_full();
        }
        let rects = captured.damage.rects_within(Rect::from_size(size));
        captured.damage.clear();
        let presents = core::mem::take(&mut captured.presents);
        Some(CaptureDamage { rects, presented_at: captured.presented_at, presents })
    }

    /// A captured toplevel presented `damage` (empty: everything).
    pub(crate) fn capture_presented(&mut self, key: crate::state::SurfaceKey, damage: &[Rect], size: Size) {
        let Some(Some(Role::Toplevel(id))) = self.surface(key).map(|s| s.role.as_ref()) else {
            return;
        };
        let id = *id;
        let now = self.clock;
        let Some(captured) = self.captures.windows.get_mut(&id) else {
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

    pub(crate) fn capture_window(&self, index: usize) -> CaptureWindow {
        let window = &self.windows[index];
        let pixels = self.surface(window.key).map_or((0, 0), |s| s.pixels);
        CaptureWindow {
            id: window.id,
            title: window.title.clone(),
            app_id: window.app_id.clone(),
            owner: self.clients.get(&window.key.0).map(|c| c.config.name.clone()).unwrap_or_default(),
            size: Size::new(pixels.0, pixels.1),
            scale: self.output.scale,
        }
    }

    fn emit_capture(&mut self, event: CaptureEvent) {
        if self.captures.subscribed {
            self.outgoing.push(Outgoing::Capture(event));
        }
    }

    /// A toplevel was mapped.
    pub(crate) fn capture_window_added(&mut self, index: usize) {
        if self.captures.subscribed {
            let info = self.capture_window(index);
            self.emit_capture(CaptureEvent::WindowAdded(info));
        }
    }

    /// A mapped toplevel's title or buffer size changed.
    pub(crate) fn capture_window_changed(&mut self, index: usize) {
        if self.captures.subscribed && self.windows.get(index).is_some_and(|w| w.mapped) {
            let info = self.capture_window(index);
            self.emit_capture(CaptureEvent::WindowChanged(info));
        }
    }

    /// A toplevel was unmapped or destroyed: its capture ends.
    pub(crate) fn capture_window_removed(&mut self, id: WindowId, key: crate::state::SurfaceKey) {
        self.captures.windows.remove(&id);
        self.captures.touches.retain(|_, touched| *touched != key);
        self.emit_capture(CaptureEvent::WindowRemoved { window: id });
    }

    /// Counters the capture side keeps in the core.
    pub fn capture_dropped_input(&self) -> u64 {
        self.captures.dropped_input
    }
}
