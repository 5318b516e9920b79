//! A pool of shared-memory buffers for one surface.
//!
//! Each buffer is its own memory object, mapped writable here; the
//! compositor gets a read-only duplicate. A buffer is *busy* from the
//! moment it is presented until the compositor releases it, and the pool
//! never hands out a busy buffer, so the client never writes what the
//! compositor may be reading. With two buffers the client draws into one
//! while the other is on screen.
//!
//! Each buffer also remembers what it is missing: the damage presented
//! from other buffers since it was last presented. [`Frame::repaint`]
//! reports it, so a client can redraw only that (plus its own changes).

use alloc::vec;
use alloc::vec::Vec;
use weft_rt::{Mapping, Vmo};

use super::{ClientError, Damage, Display};
use crate::{BufferId, BufferLayout, Event, Rect, Request, Size, SurfaceId};

struct PoolBuffer {
    id: BufferId,
    layout: BufferLayout,
    mapping: Mapping,
    _memory: Vmo,
    busy: bool,
    retired: bool,
    stale: Damage,
}

/// Buffers for one surface, all of the current size.
pub struct BufferPool {
    surface: SurfaceId,
    size: Size,
    capacity: usize,
    buffers: Vec<PoolBuffer>,
}

impl core::fmt::Debug for BufferPool {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BufferPool")
            .field("surface", &self.surface)
            .field("size", &self.size)
            .field("buffers", &self.buffers.len())
            .finish()
    }
}

impl BufferPool {
    /// A pool for `surface` holding at most `capacity` buffers (2 for
    /// double buffering; at least 1).
    pub fn new(surface: SurfaceId, capacity: usize) -> BufferPool {
        BufferPool {
            surface,
            size: Size::default(),
            capacity: capacity.max(1),
            buffers: Vec::new(),
        }
    }

    /// The surface this pool presents to.
    pub fn surface(&self) -> SurfaceId {
        self.surface
    }

    /// Current buffer size in pixels.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Change the buffer size. Buffers of the old size are unregistered
    /// (at once if free, on release if busy).
    pub fn set_size(&mut self, display: &Display, size: Size) -> Result<(), ClientError> {
        if size == self.size {
            return Ok(());
        }
        self.size = size;
        for buffer in &mut self.buffers {
            buffer.retired = true;
        }
        self.collect(display)
    }

    fn collect(&mut self, display: &Display) -> Result<(), ClientError> {
        let mut result = Ok(());
        self.buffers.retain(|buffer| {
            if buffer.retired && !buffer.busy {
                if let Err(error) = display.send(&Request::UnregisterBuffer { buffer: buffer.id }) {
                    result = Err(error);
                }
                false
            } else {
                true
            }
        });
        result
    }

    /// Whether a free buffer exists or can be made.
    pub fn can_acquire(&self) -> bool {
        !self.size.is_empty()
            && (self.buffers.iter().any(|b| !b.busy && !b.retired)
                || self.live_count() < self.capacity)
    }

    fn live_count(&self) -> usize {
        self.buffers.iter().filter(|b| !b.retired).count()
    }

    /// A free buffer to draw into, allocating and registering one if the
    /// pool is not full. `None` while every buffer is busy (wait for
    /// `BufferReleased`) or the size is zero.
    pub fn acquire(&mut self, display: &mut Display) -> Result<Option<Frame<'_>>, ClientError> {
        if self.size.is_empty() {
            return Ok(None);
        }
        let index = match self.buffers.iter().position(|b| !b.busy && !b.retired) {
            Some(index) => index,
            None if self.live_count() < self.capacity => {
                self.allocate(display)?;
                self.buffers.len() - 1
            }
            None => return Ok(None),
        };
        Ok(Some(Frame { pool: self, index }))
    }

    fn allocate(&mut self, display: &mut Display) -> Result<(), ClientError> {
        let layout = BufferLayout::packed(self.size.width, self.size.height);
        let bytes = layout.span() as usize;
        let memory = Vmo::create(bytes)?;
        let mapping = memory.map_write(0, bytes)?;
        let id = display.allocate_buffer_id();
        display.send_with(
            &Request::RegisterBuffer { buffer: id, layout },
            vec![memory.read_only()?.into_handle()],
        )?;
        self.buffers.push(PoolBuffer {
            id,
            layout,
            mapping,
            _memory: memory,
            busy: false,
            retired: false,
            stale: Damage::full(),
        });
        Ok(())
    }

    /// Note a `BufferReleased` event; returns whether it was one of ours.
    pub fn handle_event(&mut self, display: &Display, event: &Event) -> Result<bool, ClientError> {
        let Event::BufferReleased { buffer } = event else {
            return Ok(false);
        };
        let Some(entry) = self.buffers.iter_mut().find(|b| b.id == *buffer) else {
            return Ok(false);
        };
        entry.busy = false;
        self.collect(display)?;
        Ok(true)
    }

    /// Unregister every buffer (before destroying the surface).
    pub fn clear(&mut self, display: &Display) -> Result<(), ClientError> {
        for buffer in self.buffers.drain(..) {
            display.send(&Request::UnregisterBuffer { buffer: buffer.id })?;
        }
        Ok(())
    }
}

/// A buffer the client may draw into now; present it to show it.
pub struct Frame<'a> {
    pool: &'a mut BufferPool,
    index: usize,
}

impl Frame<'_> {
    fn buffer(&self) -> &PoolBuffer {
        &self.pool.buffers[self.index]
    }

    /// The buffer's id.
    pub fn buffer_id(&self) -> BufferId {
        self.buffer().id
    }

    /// Size in pixels.
    pub fn size(&self) -> Size {
        Size::new(self.buffer().layout.width, self.buffer().layout.height)
    }

    /// Bytes per row (always width × 4 for pool buffers).
    pub fn stride(&self) -> u32 {
        self.buffer().layout.stride
    }

    /// Premultiplied RGBA pixels, rows top to bottom.
    pub fn pixels_mut(&mut self) -> &mut [u8] {
        let span = self.buffer().layout.span() as usize;
        let bytes = self.pool.buffers[self.index]
            .mapping
            .bytes_mut()
            .unwrap_or_default();
        let end = span.min(bytes.len());
        &mut bytes[..end]
    }

    /// What this buffer lacks compared with what the surface shows now
    /// (everything for a new buffer): redraw at least this.
    pub fn repaint(&self) -> Vec<Rect> {
        let size = self.size();
        self.buffer().stale.rects_within(Rect::from_size(size))
    }

    /// Show this buffer. `damage` lists what changed since the surface's
    /// previous content, in buffer pixels; empty means everything.
    pub fn present(self, display: &Display, damage: &[Rect]) -> Result<(), ClientError> {
        let pool = self.pool;
        let id = pool.buffers[self.index].id;
        display.send(&Request::Present {
            surface: pool.surface,
            buffer: Some(id),
            damage: damage.to_vec(),
        })?;
        for (index, buffer) in pool.buffers.iter_mut().enumerate() {
            if index == self.index {
                buffer.busy = true;
                buffer.stale.clear();
            } else {
                buffer.stale.add_all(damage);
            }
        }
        Ok(())
    }
}
