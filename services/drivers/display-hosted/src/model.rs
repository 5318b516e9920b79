//! The host-side display device: a framebuffer the display service
//! flushes into, plus the events the host side raises (resize, input,
//! close). Tests read pixels from it; the window loop presents it.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use weft_input_api::RawEvent;

/// What the host side tells the display service.
#[derive(Clone, Debug, PartialEq)]
pub enum DeviceEvent {
    /// The output changed size (a window was resized).
    Resized,
    /// Keyboard or pointer input from the host window.
    Input(Vec<RawEvent>),
    /// The window was closed.
    Closed,
}

pub(crate) struct Inner {
    pub width: u32,
    pub height: u32,
    pub scale: f32,
    /// Bytes B, G, R, A; stride = width × 4.
    pub scanout: Vec<u8>,
    pub flushes: u64,
    pub events: VecDeque<DeviceEvent>,
    pub closed: bool,
    /// The display service was woken for the queued events.
    pub notified: bool,
}

type Hook = Box<dyn Fn() + Send + Sync>;

/// A display device model: headless, or backing a host window.
pub struct HostDisplay {
    name: String,
    inner: Mutex<Inner>,
    changed: Condvar,
    redraw: Mutex<Option<Hook>>,
}

/// A copy of the screen, as RGBA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes R, G, B, A (alpha always 255), rows top to bottom.
    pub rgba: Vec<u8>,
}

impl Snapshot {
    /// The pixel at `(x, y)` as `[r, g, b, a]`.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * self.width + x) * 4) as usize;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2], self.rgba[i + 3]]
    }

    /// Write a PNG.
    pub fn save_png(&self, path: &Path) -> Result<(), image::ImageError> {
        image::save_buffer(path, &self.rgba, self.width, self.height, image::ExtendedColorType::Rgba8)
    }
}

fn lock(mutex: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl HostDisplay {
    fn new(name: &str, width: u32, height: u32, scale: f32) -> HostDisplay {
        HostDisplay {
            name: name.to_string(),
            inner: Mutex::new(Inner {
                width,
                height,
                scale,
                scanout: vec![0; width as usize * height as usize * 4],
                flushes: 0,
                events: VecDeque::new(),
                closed: false,
                notified: false,
            }),
            changed: Condvar::new(),
            redraw: Mutex::new(None),
        }
    }

    /// An in-memory display of `width` × `height` pixels at scale 1.
    pub fn headless(width: u32, height: u32) -> Arc<HostDisplay> {
        Arc::new(HostDisplay::new("headless", width, height, 1.0))
    }

    /// An in-memory display with a scale factor (a phone panel is 2.0).
    pub fn headless_scaled(width: u32, height: u32, scale: f32) -> Arc<HostDisplay> {
        Arc::new(HostDisplay::new("headless", width, height, scale))
    }

    pub(crate) fn for_window(width: u32, height: u32, scale: f32) -> HostDisplay {
        HostDisplay::new("window", width, height, scale)
    }

    /// The output's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Current size in pixels.
    pub fn size(&self) -> (u32, u32) {
        let inner = lock(&self.inner);
        (inner.width, inner.height)
    }

    /// Current scale factor.
    pub fn scale(&self) -> f32 {
        lock(&self.inner).scale
    }

    /// How many flushes reached the screen so far.
    pub fn flush_count(&self) -> u64 {
        lock(&self.inner).flushes
    }

    /// A copy of the screen.
    pub fn snapshot(&self) -> Snapshot {
        let inner = lock(&self.inner);
        let mut rgba = inner.scanout.clone();
        for pixel in rgba.chunks_exact_mut(4) {
            pixel.swap(0, 2);
            pixel[3] = 255;
        }
        Snapshot { width: inner.width, height: inner.height, rgba }
    }

    /// Wait until the screen satisfies `test` (checked after each flush),
    /// up to `timeout`. Returns the last snapshot and whether it passed.
    pub fn wait_for(&self, timeout: Duration, test: impl Fn(&Snapshot) -> bool) -> (Snapshot, bool) {
        let end = Instant::now() + timeout;
        loop {
            let seen = self.flush_count();
            let snapshot = self.snapshot();
            if test(&snapshot) {
                return (snapshot, true);
            }
            let now = Instant::now();
            if now >= end {
                return (snapshot, false);
            }
            let inner = lock(&self.inner);
            if inner.flushes == seen {
                let wait = (end - now).min(Duration::from_millis(50));
                let _ = self.changed.wait_timeout(inner, wait);
            }
        }
    }

    /// Change the size, as a resized window does; the display service
    /// reports `OutputChanged`.
    pub fn resize(&self, width: u32, height: u32) {
        let mut inner = lock(&self.inner);
        if (inner.width, inner.height) == (width, height) {
            return;
        }
        inner.width = width;
        inner.height = height;
        inner.scanout = vec![0; width as usize * height as usize * 4];
        inner.events.push_back(DeviceEvent::Resized);
        drop(inner);
        self.changed.notify_all();
    }

    /// Queue input from the host side.
    pub fn push_input(&self, events: Vec<RawEvent>) {
        lock(&self.inner).events.push_back(DeviceEvent::Input(events));
        self.changed.notify_all();
    }

    /// Mark the display closed (the window was closed, or the host wants
    /// it gone: a running window loop then exits).
    pub fn close(&self) {
        let mut inner = lock(&self.inner);
        if inner.closed {
            return;
        }
        inner.closed = true;
        inner.events.push_back(DeviceEvent::Closed);
        drop(inner);
        self.changed.notify_all();
        if let Some(hook) = self.redraw.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            hook();
        }
    }

    /// Whether the window was closed.
    pub fn is_closed(&self) -> bool {
        lock(&self.inner).closed
    }

    pub(crate) fn set_redraw_hook(&self, hook: Hook) {
        *self.redraw.lock().unwrap_or_else(|p| p.into_inner()) = Some(hook);
    }

    /// Wait up to `timeout` for events the service has not been woken
    /// for; true (and marked woken) if there are some.
    pub(crate) fn wait_pending(&self, timeout: Duration) -> bool {
        let mut inner = lock(&self.inner);
        if inner.events.is_empty() || inner.notified {
            inner = self
                .changed
                .wait_timeout(inner, timeout)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner().0);
        }
        if !inner.events.is_empty() && !inner.notified {
            inner.notified = true;
            true
        } else {
            false
        }
    }

    /// Take the next queued host-side event.
    pub(crate) fn take_event(&self) -> Option<DeviceEvent> {
        let mut inner = lock(&self.inner);
        let event = inner.events.pop_front();
        if event.is_none() {
            inner.notified = false;
        }
        event
    }

    /// Copy `rects` of a BGRA framebuffer (`width` × `height`, `stride`
    /// bytes per row) to the screen. Refused (false) if the size is stale.
    pub(crate) fn flush(
        &self,
        source: &[u8],
        stride: usize,
        size: (u32, u32),
        rects: &[weft_display_api::SurfaceRect],
    ) -> bool {
        let mut inner = lock(&self.inner);
        if (inner.width, inner.height) != size {
            return false;
        }
        let row = inner.width as usize * 4;
        for rect in rects {
            let rect = rect.clamp_to(inner.width, inner.height);
            let x0 = rect.x as usize * 4;
            let x1 = (rect.x + rect.width) as usize * 4;
            for y in rect.y as usize..(rect.y + rect.height) as usize {
                let Some(from) = source.get(y * stride + x0..y * stride + x1) else {
                    break;
                };
                inner.scanout[y * row + x0..y * row + x1].copy_from_slice(from);
            }
        }
        inner.flushes += 1;
        drop(inner);
        self.changed.notify_all();
        if let Some(hook) = self.redraw.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            hook();
        }
        true
    }

    pub(crate) fn with_scanout<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        f(&lock(&self.inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flushed_rectangles_reach_the_screen_as_rgba() {
        let display = HostDisplay::headless(4, 2);
        let mut framebuffer = vec![0u8; 4 * 2 * 4];
        // BGRA blue everywhere.
        for pixel in framebuffer.chunks_exact_mut(4) {
            pixel.copy_from_slice(&[255, 0, 0, 255]);
        }
        assert!(display.flush(&framebuffer, 16, (4, 2), &[weft_display_api::SurfaceRect::new(1, 0, 2, 1)]));
        let shot = display.snapshot();
        assert_eq!(shot.pixel(1, 0), [0, 0, 255, 255]);
        assert_eq!(shot.pixel(0, 0), [0, 0, 0, 255], "outside the rectangle: untouched");
        assert_eq!(display.flush_count(), 1);
    }

    #[test]
    fn a_stale_framebuffer_is_refused_after_a_resize() {
        let display = HostDisplay::headless(4, 2);
        display.resize(8, 8);
        assert!(!display.flush(&[0; 32], 16, (4, 2), &[weft_display_api::SurfaceRect::new(0, 0, 4, 2)]));
        assert_eq!(display.take_event(), Some(DeviceEvent::Resized));
    }
}
