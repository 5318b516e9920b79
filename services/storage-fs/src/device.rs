//! The block device under the store: whole 512-byte sectors and a flush.

/// Bytes of one sector (the `weft.block` sector size).
pub const SECTOR: usize = 512;

/// Why a device refused or failed a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceError {
    /// The request reaches past the last sector.
    OutOfRange,
    /// A buffer is not a whole number of sectors.
    Misaligned,
    /// The transfer or flush failed (a device error, or the power went).
    Io,
}

/// A disk: whole sectors in, whole sectors out, and a barrier.
///
/// A completed `write` may sit in a volatile cache; only after `flush`
/// returns is every earlier write on the medium. The store's crash safety
/// rests on nothing else.
pub trait BlockDevice {
    /// Number of sectors.
    fn sector_count(&self) -> u64;
    /// Fills `buf` (a multiple of [`SECTOR`] bytes) from `sector` on.
    fn read(&mut self, sector: u64, buf: &mut [u8]) -> Result<(), DeviceError>;
    /// Writes `data` (a multiple of [`SECTOR`] bytes) from `sector` on.
    fn write(&mut self, sector: u64, data: &[u8]) -> Result<(), DeviceError>;
    /// Makes every completed write durable.
    fn flush(&mut self) -> Result<(), DeviceError>;
}
