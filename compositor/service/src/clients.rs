//! Client connections: decoding requests, mapping buffers, queueing
//! events, and dropping clients that misbehave.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use weft_compositor::{ClientBuffers, ClientId};
use weft_compositor_api::{
    BufferId, BufferLayout, CompositorProtocol, Event, ProtocolError, Request, Response,
};
use weft_ipc::Connection;
use weft_rt::{Handle, Mapping, Vmo};
use weft_scene::ImageView;

/// Most bytes of buffers one client may have mapped (512 MiB).
const MAX_MAPPED_BYTES: u64 = 512 << 20;
/// Most events queued for a client that is not reading.
const MAX_QUEUED_EVENTS: usize = 8192;

pub(crate) struct Mapped {
    layout: BufferLayout,
    mapping: Mapping,
    _memory: Vmo,
}

/// One connected client.
pub(crate) struct ClientConnection {
    pub connection: Connection<CompositorProtocol>,
    pub queue: VecDeque<Event>,
    pub mapped_bytes: u64,
}

/// Every client's mapped buffers.
#[derive(Default)]
pub(crate) struct Buffers {
    pub mapped: BTreeMap<(ClientId, BufferId), Mapped>,
}

impl ClientBuffers for Buffers {
    fn buffer(&self, client: ClientId, buffer: BufferId) -> Option<ImageView<'_>> {
        let mapped = self.mapped.get(&(client, buffer))?;
        Some(ImageView {
            bytes: mapped.mapping.bytes(),
            width: mapped.layout.width,
            height: mapped.layout.height,
            stride: mapped.layout.stride,
        })
    }
}

impl Buffers {
    /// Check and map a buffer a client registers: exactly one memory
    /// object that holds the whole layout, mapped read-only.
    pub fn map(
        &mut self,
        client: ClientId,
        connection: &mut ClientConnection,
        buffer: BufferId,
        layout: &BufferLayout,
        mut handles: Vec<Handle>,
    ) -> Result<(), ProtocolError> {
        layout.validate()?;
        if handles.len() != 1 {
            return Err(ProtocolError::BadBufferMemory);
        }
        if self.mapped.contains_key(&(client, buffer)) {
            return Err(ProtocolError::DuplicateId);
        }
        let span = layout.span();
        if connection.mapped_bytes + span > MAX_MAPPED_BYTES {
            return Err(ProtocolError::LimitReached);
        }
        let memory = Vmo::from_handle(handles.remove(0));
        let size = memory.size().map_err(|_| ProtocolError::BadBufferMemory)? as u64;
        let end = layout.offset.checked_add(span).ok_or(ProtocolError::BadBufferMemory)?;
        if end > size {
            return Err(ProtocolError::BadBufferMemory);
        }
        let mapping = memory
            .map_read(layout.offset as usize, span as usize)
            .map_err(|_| ProtocolError::BadBufferMemory)?;
        connection.mapped_bytes += span;
        self.mapped.insert((client, buffer), Mapped { layout: *layout, mapping, _memory: memory });
        Ok(())
    }

    /// Unmap one buffer.
    pub fn unmap(&mut self, client: ClientId, connection: Option<&mut ClientConnection>, buffer: BufferId) {
        if let Some(mapped) = self.mapped.remove(&(client, buffer))
            && let Some(connection) = connection
        {
            connection.mapped_bytes = connection.mapped_bytes.saturating_sub(mapped.layout.span());
        }
    }

    /// Unmap everything of a client.
    pub fn forget(&mut self, client: ClientId) {
        self.mapped.retain(|(owner, _), _| *owner != client);
    }
}

impl ClientConnection {
    /// Queue an event.
    pub fn push(&mut self, event: Event) -> Result<(), ProtocolError> {
        // Consecutive pointer motion on one surface collapses to the last.
        if let (
            Some(Event::Pointer { surface: last_surface, event: weft_types::PointerEvent::Motion { .. } }),
            Event::Pointer { surface, event: weft_types::PointerEvent::Motion { .. } },
        ) = (self.queue.back(), &event)
            && last_surface == surface
        {
            self.queue.pop_back();
        }
        if self.queue.len() >= MAX_QUEUED_EVENTS {
            return Err(ProtocolError::Unresponsive);
        }
        self.queue.push_back(event);
        Ok(())
    }

    /// Send queued events until the channel is full.
    pub fn flush(&mut self) -> Result<(), weft_ipc::IpcError> {
        while let Some(event) = self.queue.front() {
            match self.connection.emit(event) {
                Ok(()) => {
                    self.queue.pop_front();
                }
                Err(weft_ipc::IpcError::Kernel(weft_rt::Error::ShouldWait)) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Answer a `Sync`.
    pub fn synced(&self, txid: u32) {
        if txid != 0 {
            let _ = self.connection.reply(txid, &Response::Synced);
        }
    }
}

/// Whether a request needs the memory handles it carries.
pub(crate) fn buffer_registration(request: &Request) -> Option<(BufferId, BufferLayout)> {
    match request {
        Request::RegisterBuffer { buffer, layout } => Some((*buffer, *layout)),
        _ => None,
    }
}
