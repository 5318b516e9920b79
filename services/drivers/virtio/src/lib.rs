//! weft-virtio — virtio-mmio devices for Weft's userspace drivers.
//!
//! A driver service holds exactly three kinds of capability: its device's
//! `mmio:<name>` resource (the transport registers), its `irq:<name>`
//! resource (the one interrupt line), and the DMA memory it allocates
//! itself. [`Device::open`] turns the first two into a mapped
//! `MmioTransport` and a bound interrupt; [`WeftHal`] implements the
//! `virtio-drivers` HAL over Weft memory objects: DMA buffers are
//! physically contiguous memory objects whose address the kernel reveals to
//! holders of a device resource, and buffers the driver library shares
//! from its own heap go through small bounce buffers (the kernel never
//! exposes the physical address of ordinary memory).
//!
//! Invariants: every DMA buffer stays mapped and alive until the library
//! frees it; bounce buffers are copied in before the device reads and out
//! after it writes, and never reused while shared.
#![allow(unsafe_code, reason = "the virtio transport and DMA glue hand device memory to virtio-drivers")]
#![no_std]

extern crate alloc;

mod device;
mod hal;

pub use device::{ConfigSpace, Device, DeviceError};
pub use hal::{WeftHal, dma_vmo};
pub use virtio_drivers;
