//! Opening a virtio-mmio device from the capabilities a driver was given.

use alloc::format;
use alloc::string::String;
use core::ptr::NonNull;

use virtio_drivers::transport::mmio::{MmioTransport, VirtIOHeader};
use weft_abi::Error;
use weft_ipc::Startup;
use weft_rt::{Deadline, Interrupt, Resource, Rights};

/// Why a device could not be opened.
#[derive(Debug)]
pub enum DeviceError {
    /// The startup message lacks `mmio:<name>` or `irq:<name>`.
    Missing(String),
    /// The kernel refused something.
    Kernel(Error),
    /// The registers are not a virtio-mmio transport.
    Transport(String),
}

impl core::fmt::Display for DeviceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DeviceError::Missing(name) => write!(f, "no `{name}` capability"),
            DeviceError::Kernel(error) => write!(f, "{error}"),
            DeviceError::Transport(why) => write!(f, "not a virtio-mmio device: {why}"),
        }
    }
}

impl From<Error> for DeviceError {
    fn from(error: Error) -> DeviceError {
        DeviceError::Kernel(error)
    }
}

/// A virtio-mmio device: its transport and its interrupt. The registers
/// stay mapped for the rest of the process's life (the transport borrows
/// them for `'static`).
pub struct Device {
    /// The transport (registers mapped from the `mmio:` resource).
    pub transport: MmioTransport<'static>,
    /// The device's interrupt line.
    pub interrupt: Interrupt,
    /// The device-specific configuration space, for fields the driver
    /// library does not read (virtio-net's link status).
    pub config: ConfigSpace,
    dma: Resource,
}

/// Read access to a device's configuration space (virtio-mmio offset
/// 0x100 onwards).
pub struct ConfigSpace {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: the pointer is to device registers mapped for the process's
// life; reads are volatile and need no synchronisation with other threads.
unsafe impl Send for ConfigSpace {}

impl ConfigSpace {
    /// The little-endian `u16` at `offset`, if it is inside the space.
    pub fn read_u16(&self, offset: usize) -> Option<u16> {
        if offset.checked_add(2)? > self.len || !offset.is_multiple_of(2) {
            return None;
        }
        // SAFETY: `base + offset` is inside the mapped configuration space
        // (checked above), 2-byte aligned, and device memory is read with
        // a volatile access.
        let value = unsafe { core::ptr::read_volatile(self.base.as_ptr().add(offset).cast::<u16>()) };
        Some(u16::from_le(value))
    }
}

impl Device {
    /// Open the device the startup message names `mmio:<name>` and
    /// `irq:<name>`.
    pub fn open(startup: &mut Startup, name: &str) -> Result<Device, DeviceError> {
        let mmio_name = format!("mmio:{name}");
        let irq_name = format!("irq:{name}");
        let mmio =
            Resource::from_handle(startup.take_handle(&mmio_name).ok_or(DeviceError::Missing(mmio_name))?);
        let irq =
            Resource::from_handle(startup.take_handle(&irq_name).ok_or(DeviceError::Missing(irq_name))?);
        let range = mmio.info()?;
        let registers = mmio.physical_vmo(range.base, range.size as usize)?;
        let mapping = registers.map_write(0, registers.size()?)?;
        let header = mapping.address() + (range.base as usize & (weft_abi::PAGE_SIZE - 1));
        let header =
            NonNull::new(header as *mut VirtIOHeader).ok_or(DeviceError::Transport("null mapping".into()))?;
        // The registers are never unmapped: the transport below holds a
        // `'static` borrow of them.
        core::mem::forget(mapping);
        // SAFETY: `header` points at the device's registers (device memory,
        // mapped read/write for the rest of the process's life, see above);
        // `range.size` bytes from there are the device's own registers and
        // config space, and nothing else in the process maps them.
        let transport = unsafe { MmioTransport::new(header, range.size as usize) }
            .map_err(|e| DeviceError::Transport(format!("{e:?}")))?;
        const CONFIG_OFFSET: usize = 0x100;
        // The configuration space starts 0x100 bytes into the registers
        // (virtio-mmio); `len` is 0 if the range is shorter, so nothing is
        // ever read outside the mapping.
        let config = ConfigSpace {
            base: NonNull::new(header.as_ptr().cast::<u8>().wrapping_add(CONFIG_OFFSET))
                .ok_or(DeviceError::Transport("null mapping".into()))?,
            len: (range.size as usize).saturating_sub(CONFIG_OFFSET),
        };
        let vector = irq.info()?.base as u32;
        let interrupt = Interrupt::create(&irq, vector)?;
        crate::hal::install(Resource::from_handle(mmio.handle().duplicate(Rights::SAME)?));
        Ok(Device { transport, interrupt, config, dma: mmio })
    }

    /// The physical address of a contiguous memory object this driver
    /// made, for the device to DMA to or from.
    pub fn physical_address(&self, vmo: &weft_rt::Vmo) -> Result<u64, Error> {
        self.dma.physical_address(vmo)
    }

    /// The device's `mmio:` resource: what proves to the kernel that this
    /// process drives the device (the virtio-rng driver feeds the entropy
    /// pool with it).
    pub fn resource(&self) -> &Resource {
        &self.dma
    }

    /// Wait for the device's interrupt, then acknowledge it at the
    /// controller (the caller acknowledges the device itself first, so a
    /// level-triggered line has dropped).
    pub fn wait(&self, deadline: Deadline) -> Result<(), Error> {
        self.interrupt.wait(deadline)
    }
}
