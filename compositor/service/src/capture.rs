//! The capture consumer's connection (`weft.compositor.capture`): window
//! pictures copied into capture buffers with one frame in flight per
//! window, and remote input and resizes handed to the core.
//!
//! Invariants:
//! - the compositor writes a capture buffer only while the consumer holds
//!   no frame of it (between `Release` and the next `Frame`), so the
//!   consumer always reads a complete picture;
//! - while the consumer holds a frame, presents only grow the core's
//!   bounded damage set; nothing else is kept, so a stalled consumer
//!   costs one buffer per window;
//! - events wait in a bounded queue; a consumer that lets it overflow is
//!   disconnected.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec;
use alloc::vec::Vec;
use weft_compositor::{ClientBuffers, ClientId, Compositor};
use weft_compositor_api::capture::{
    CaptureError, CaptureEvent, CaptureFrame, CaptureLayout, CaptureProtocol, CaptureRequest,
    CaptureResponse, CaptureStats, GRANT_CONTROL, MAX_CAPTURE_BYTES,
};
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{BufferId, Rect};
use weft_ipc::Connection;
use weft_rt::{Mapping, Vmo};

/// Most events queued for a consumer that is not reading.
const MAX_QUEUED_EVENTS: usize = 4096;

/// One captured window's buffer and flow-control state.
#[derive(Default)]
struct Slot {
    buffer: Option<CaptureBuffer>,
    /// The frame the consumer holds, if any.
    held: Option<u64>,
    next_frame: u64,
    /// The consumer asked for a frame even without damage.
    refresh: bool,
}

struct CaptureBuffer {
    layout: CaptureLayout,
    mapping: Mapping,
    memory: Vmo,
}

/// The consumer misbehaved or went away.
pub(crate) struct Disconnect;

/// The connected capture consumer.
pub(crate) struct CaptureConnection {
    connection: Connection<CaptureProtocol>,
    control: bool,
    slots: BTreeMap<WindowId, Slot>,
    queue: VecDeque<CaptureEvent>,
    frames: u64,
    coalesced: u64,
    bytes: u64,
}

impl CaptureConnection {
    /// Serve `connection` (whose route grants `capture`).
    pub fn new(connection: Connection<CaptureProtocol>) -> CaptureConnection {
        let control = connection.client.has(GRANT_CONTROL);
        CaptureConnection {
            connection,
            control,
            slots: BTreeMap::new(),
            queue: VecDeque::new(),
            frames: 0,
            coalesced: 0,
            bytes: 0,
        }
    }

    /// The channel (to watch it).
    pub fn channel(&self) -> &weft_rt::Channel {
        self.connection.channel()
    }

    /// Handle every waiting request.
    pub fn serve(&mut self, core: &mut Compositor) -> Result<(), Disconnect> {
        for _ in 0..256 {
            let incoming = match self.connection.try_next() {
                Ok(Some(incoming)) => incoming,
                Ok(None) => return Ok(()),
                Err(_) => return Err(Disconnect),
            };
            if !incoming.handles.is_empty() {
                return Err(Disconnect);
            }
            let response = self.handle(core, incoming.request);
            if let Some(response) = response
                && incoming.txid != 0
                && self.connection.reply(incoming.txid, &response).is_err()
            {
                return Err(Disconnect);
            }
        }
        Ok(())
    }

    fn handle(&mut self, core: &mut Compositor, request: CaptureRequest) -> Option<CaptureResponse> {
        match request {
            CaptureRequest::Subscribe => Some(CaptureResponse::Windows(core.capture_subscribe())),
            CaptureRequest::Start { window } => Some(match core.start_capture(window) {
                Ok(()) => {
                    self.slots.entry(window).or_default();
                    CaptureResponse::Started { window }
                }
                Err(error) => CaptureResponse::Refused(error),
            }),
            CaptureRequest::Stop { window } => {
                core.captures_mut().stop(window);
                self.drop_slot(window);
                None
            }
            CaptureRequest::Release { window, frame } => {
                if let Some(slot) = self.slots.get_mut(&window)
                    && slot.held == Some(frame)
                {
                    slot.held = None;
                }
                None
            }
            CaptureRequest::Refresh { window } => {
                if let Some(slot) = self.slots.get_mut(&window) {
                    slot.refresh = true;
                }
                None
            }
            CaptureRequest::Input { window, event } => {
                if self.control {
                    core.capture_input(window, event);
                }
                None
            }
            CaptureRequest::Resize { window, size } => {
                if self.control {
                    core.capture_resize(window, size);
                }
                None
            }
            CaptureRequest::Stats => Some(CaptureResponse::Stats(self.stats(core))),
        }
    }

    fn stats(&self, core: &Compositor) -> CaptureStats {
        CaptureStats {
            captures: self.slots.len() as u32,
            buffer_bytes: self.bytes,
            frames: self.frames,
            // Presents waiting behind a held frame will fold into one.
            coalesced: self.coalesced
                + self
                    .slots
                    .iter()
                    .filter(|(_, slot)| slot.held.is_some())
                    .map(|(window, _)| core.captures().pending_presents(*window).saturating_sub(1))
                    .sum::<u64>(),
            held: self.slots.values().filter(|slot| slot.held.is_some()).count() as u32,
            pending_rectangles: self
                .slots
                .keys()
                .map(|window| core.captures().pending_rectangles(*window) as u32)
                .max()
                .unwrap_or(0),
            queued_events: self.queue.len() as u32,
            dropped_input: core.captures().dropped_input(),
        }
    }

    fn drop_slot(&mut self, window: WindowId) {
        if let Some(slot) = self.slots.remove(&window)
            && let Some(buffer) = slot.buffer
        {
            self.bytes = self.bytes.saturating_sub(buffer.layout.span());
        }
        // A frame not yet written names a buffer that is gone.
        self.queue.retain(|event| !matches!(event, CaptureEvent::Frame(frame) if frame.window == window));
    }

    /// Forward a core event; a window that went away loses its capture.
    pub fn event(&mut self, event: CaptureEvent) -> Result<(), Disconnect> {
        if let CaptureEvent::WindowRemoved { window } = &event {
            self.drop_slot(*window);
        }
        self.push(event)
    }

    fn push(&mut self, event: CaptureEvent) -> Result<(), Disconnect> {
        if self.queue.len() >= MAX_QUEUED_EVENTS {
            return Err(Disconnect);
        }
        self.queue.push_back(event);
        Ok(())
    }

    /// Copy new pictures into every free capture buffer that has damage
    /// (or a refresh asked for) and announce them.
    pub fn pump(&mut self, core: &mut Compositor, buffers: &dyn ClientBuffers) -> Result<(), Disconnect> {
        let windows: Vec<WindowId> = self.slots.keys().copied().collect();
        for window in windows {
            let Some(slot) = self.slots.get(&window) else {
                continue;
            };
            if slot.held.is_some() || !(slot.refresh || core.captures().pending(window)) {
                continue;
            }
            let Some((client, buffer, _)) = core.capture_source(window) else {
                continue; // unmapped for now; the damage waits
            };
            let Some(damage) = core.take_capture_damage(window) else {
                continue;
            };
            match self.frame(window, client, buffer, buffers, damage) {
                Ok(()) => {}
                Err(reason) => {
                    core.captures_mut().stop(window);
                    self.drop_slot(window);
                    self.push(CaptureEvent::Ended { window, reason })?;
                }
            }
        }
        Ok(())
    }

    fn frame(
        &mut self,
        window: WindowId,
        client: ClientId,
        buffer: BufferId,
        buffers: &dyn ClientBuffers,
        damage: weft_compositor::CaptureDamage,
    ) -> Result<(), CaptureError> {
        let source = buffers.buffer(client, buffer).ok_or(CaptureError::UnknownWindow)?;
        let layout = CaptureLayout::packed(source.width, source.height);
        let slot = self.slots.get(&window).ok_or(CaptureError::UnknownWindow)?;
        let fresh = slot.buffer.as_ref().is_none_or(|b| b.layout != layout);
        if fresh {
            let old = slot.buffer.as_ref().map_or(0, |b| b.layout.span());
            if self.bytes - old + layout.span() > MAX_CAPTURE_BYTES {
                return Err(CaptureError::TooLarge);
            }
            let span = layout.span() as usize;
            let memory = Vmo::create(span).map_err(|_| CaptureError::OutOfMemory)?;
            let mapping = memory.map_write(0, span).map_err(|_| CaptureError::OutOfMemory)?;
            self.bytes = self.bytes - old + layout.span();
            let slot = self.slots.get_mut(&window).ok_or(CaptureError::UnknownWindow)?;
            slot.buffer = Some(CaptureBuffer { layout, mapping, memory });
        }
        let rects = if fresh { vec![Rect::new(0, 0, layout.width, layout.height)] } else { damage.rects };
        let slot = self.slots.get_mut(&window).ok_or(CaptureError::UnknownWindow)?;
        let target = slot.buffer.as_mut().ok_or(CaptureError::OutOfMemory)?;
        let bytes = target.mapping.bytes_mut().ok_or(CaptureError::OutOfMemory)?;
        for rect in &rects {
            copy_rect(source.bytes, source.stride as usize, bytes, layout.stride as usize, rect);
        }
        let frame = slot.next_frame;
        slot.next_frame += 1;
        slot.held = Some(frame);
        slot.refresh = false;
        self.frames += 1;
        self.coalesced += damage.presents.saturating_sub(1);
        let event = CaptureEvent::Frame(CaptureFrame {
            window,
            frame,
            layout,
            new_buffer: fresh,
            damage: rects,
            presented_at: damage.presented_at,
        });
        self.queue.push_back(event);
        Ok(())
    }

    /// Write queued events until the channel is full. A frame with a new
    /// buffer gets a fresh read-only handle to it at each attempt (a
    /// failed write closes the handles it carried).
    pub fn flush(&mut self) -> Result<(), Disconnect> {
        while let Some(event) = self.queue.front() {
            let mut handles = Vec::new();
            if let CaptureEvent::Frame(frame) = event
                && frame.new_buffer
            {
                let memory = self.slots.get(&frame.window).and_then(|slot| slot.buffer.as_ref());
                let shared = memory.map(|buffer| buffer.memory.read_only());
                match shared {
                    Some(Ok(shared)) => handles.push(shared.into_handle()),
                    _ => return Err(Disconnect),
                }
            }
            match self.connection.emit_with(event, handles) {
                Ok(()) => {
                    self.queue.pop_front();
                }
                Err(weft_ipc::IpcError::Kernel(weft_rt::Error::ShouldWait)) => return Ok(()),
                Err(_) => return Err(Disconnect),
            }
        }
        Ok(())
    }
}

/// Copy `rect` (already inside both pictures) row by row.
fn copy_rect(source: &[u8], source_stride: usize, target: &mut [u8], target_stride: usize, rect: &Rect) {
    let (x, y) = (rect.x.max(0) as usize, rect.y.max(0) as usize);
    let row_bytes = rect.width as usize * 4;
    for row in y..y + rect.height as usize {
        let from = row * source_stride + x * 4;
        let to = row * target_stride + x * 4;
        let (Some(input), Some(output)) =
            (source.get(from..from + row_bytes), target.get_mut(to..to + row_bytes))
        else {
            return;
        };
        output.copy_from_slice(input);
    }
}
