//! The device: control queue, commands, the scanout framebuffer.

use alloc::format;
use alloc::string::String;

use bytemuck::Pod;
use weft_abi::PAGE_SIZE;
use weft_rt::{Deadline, Mapping, Vmo};
use weft_virtio::virtio_drivers::queue::VirtQueue;
use weft_virtio::virtio_drivers::transport::Transport;
use weft_virtio::{Device, WeftHal};

use weft_types::SurfaceRect;

use crate::commands::*;

bitflags::bitflags! {
    /// Feature bits this driver accepts.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Features: u64 {
        /// Virtio 1.0 or later.
        const VERSION_1 = 1 << 32;
    }
}

const CONTROL_QUEUE: u16 = 0;
const QUEUE_SIZE: usize = 16;
const RESOURCE: u32 = 1;
const SCANOUT: u32 = 0;

/// A virtio-gpu with one scanout driven from one framebuffer.
pub struct Gpu {
    device: Device,
    control: VirtQueue<WeftHal, QUEUE_SIZE>,
    /// Framebuffer width in pixels.
    pub width: u32,
    /// Framebuffer height in pixels.
    pub height: u32,
    framebuffer: Vmo,
    mapping: Mapping,
}

/// A device failure, in words.
pub type GpuError = String;

impl Gpu {
    /// Initialise the device and put a framebuffer on scanout 0.
    pub fn new(mut device: Device, fallback: (u32, u32)) -> Result<Gpu, GpuError> {
        let transport = &mut device.transport;
        // VERSION_1 only: no EDID, no virgl, no indirect descriptors.
        let _features = transport.begin_init(Features::VERSION_1);
        let control = VirtQueue::new(transport, CONTROL_QUEUE, false, false)
            .map_err(|e| format!("control queue: {e:?}"))?;
        transport.finish_init();
        let mut gpu = Gpu {
            device,
            control,
            width: 0,
            height: 0,
            framebuffer: Vmo::create(PAGE_SIZE).map_err(|e| format!("{e}"))?,
            mapping: Vmo::create(PAGE_SIZE)
                .and_then(|v| v.map_read(0, PAGE_SIZE))
                .map_err(|e| format!("{e}"))?,
        };
        let info: DisplayInfo = gpu.command(Header::command(GET_DISPLAY_INFO), OK_DISPLAY_INFO)?;
        let (width, height) = info
            .displays
            .iter()
            .find(|d| d.enabled != 0 && d.rect.width > 0 && d.rect.height > 0)
            .map_or(fallback, |d| (d.rect.width, d.rect.height));
        gpu.scan_out(width, height)?;
        Ok(gpu)
    }

    fn scan_out(&mut self, width: u32, height: u32) -> Result<(), GpuError> {
        let bytes = (width as usize)
            .checked_mul(height as usize)
            .and_then(|p| p.checked_mul(4))
            .ok_or("framebuffer too large")?;
        let vmo = Vmo::create_contiguous(bytes).map_err(|e| format!("framebuffer: {e}"))?;
        let address = self.device.physical_address(&vmo).map_err(|e| format!("framebuffer address: {e}"))?;
        let mapping = vmo.map_write(0, bytes).map_err(|e| format!("{e}"))?;
        let _: Header = self.command(
            ResourceCreate2d {
                header: Header::command(RESOURCE_CREATE_2D),
                resource: RESOURCE,
                format: FORMAT_BGRX,
                width,
                height,
            },
            OK_NODATA,
        )?;
        let _: Header = self.command(
            AttachBacking {
                header: Header::command(RESOURCE_ATTACH_BACKING),
                resource: RESOURCE,
                entries: 1,
                address,
                length: bytes as u32,
                padding: 0,
            },
            OK_NODATA,
        )?;
        let _: Header = self.command(
            SetScanout {
                header: Header::command(SET_SCANOUT),
                rect: SurfaceRect { x: 0, y: 0, width, height },
                scanout: SCANOUT,
                resource: RESOURCE,
            },
            OK_NODATA,
        )?;
        self.width = width;
        self.height = height;
        self.framebuffer = vmo;
        self.mapping = mapping;
        Ok(())
    }

    /// Bytes per framebuffer row.
    pub fn stride(&self) -> u32 {
        self.width * 4
    }

    /// The framebuffer memory object.
    pub fn framebuffer(&self) -> &Vmo {
        &self.framebuffer
    }

    /// The framebuffer, writable.
    pub fn pixels(&mut self) -> Option<&mut [u8]> {
        self.mapping.bytes_mut()
    }

    /// Copy one rectangle of the framebuffer to the host and show it.
    pub fn flush(&mut self, rect: SurfaceRect) -> Result<(), GpuError> {
        if rect.width == 0 || rect.height == 0 {
            return Ok(());
        }
        let offset = u64::from(rect.y) * u64::from(self.stride()) + u64::from(rect.x) * 4;
        let _: Header = self.command(
            TransferToHost2d {
                header: Header::command(TRANSFER_TO_HOST_2D),
                rect,
                offset,
                resource: RESOURCE,
                padding: 0,
            },
            OK_NODATA,
        )?;
        let _: Header = self.command(
            ResourceFlush { header: Header::command(RESOURCE_FLUSH), rect, resource: RESOURCE, padding: 0 },
            OK_NODATA,
        )?;
        Ok(())
    }

    /// Send one command and wait (on the interrupt) for its response.
    fn command<Request: Pod, Response: Pod>(
        &mut self,
        request: Request,
        expected: u32,
    ) -> Result<Response, GpuError> {
        let mut response = Response::zeroed();
        let input = [bytemuck::bytes_of(&request)];
        let mut output = [bytemuck::bytes_of_mut(&mut response)];
        // SAFETY: the buffers live on this stack frame until `pop_used`
        // below returns them; nothing else touches them meanwhile.
        let token = unsafe { self.control.add(&input, &mut output) }.map_err(|e| format!("queue: {e:?}"))?;
        if self.control.should_notify() {
            self.device.transport.notify(CONTROL_QUEUE);
        }
        while !self.control.can_pop() {
            let _ = self.device.wait(Deadline::after(core::time::Duration::from_millis(50)));
            self.device.transport.ack_interrupt();
            let _ = self.device.interrupt.ack();
        }
        // SAFETY: the same buffers as passed to `add`, still valid.
        unsafe { self.control.pop_used(token, &input, &mut output) }.map_err(|e| format!("queue: {e:?}"))?;
        let header: Header = bytemuck::pod_read_unaligned(
            bytemuck::bytes_of(&response).get(..core::mem::size_of::<Header>()).ok_or("short response")?,
        );
        if header.kind != expected {
            return Err(format!("device answered {:#x}", header.kind));
        }
        Ok(response)
    }
}
