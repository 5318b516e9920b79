//! The virtio-gpu 2D control commands this driver uses (virtio 1.2,
//! section 5.7.6), as plain little-endian records.

use bytemuck::{Pod, Zeroable};
// `virtio_gpu_rect` is four little-endian `u32` (x, y, width, height):
// exactly the shared `SurfaceRect`.
use weft_types::SurfaceRect;

/// `VIRTIO_GPU_CMD_GET_DISPLAY_INFO`.
pub const GET_DISPLAY_INFO: u32 = 0x0100;
/// `VIRTIO_GPU_CMD_RESOURCE_CREATE_2D`.
pub const RESOURCE_CREATE_2D: u32 = 0x0101;
/// `VIRTIO_GPU_CMD_SET_SCANOUT`.
pub const SET_SCANOUT: u32 = 0x0103;
/// `VIRTIO_GPU_CMD_RESOURCE_FLUSH`.
pub const RESOURCE_FLUSH: u32 = 0x0104;
/// `VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D`.
pub const TRANSFER_TO_HOST_2D: u32 = 0x0105;
/// `VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING`.
pub const RESOURCE_ATTACH_BACKING: u32 = 0x0106;
/// `VIRTIO_GPU_RESP_OK_NODATA`.
pub const OK_NODATA: u32 = 0x1100;
/// `VIRTIO_GPU_RESP_OK_DISPLAY_INFO`.
pub const OK_DISPLAY_INFO: u32 = 0x1101;
/// `VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM`: bytes B, G, R, X.
pub const FORMAT_BGRX: u32 = 2;

/// Every command and response starts with this.
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
#[repr(C)]
pub struct Header {
    /// Command or response type.
    pub kind: u32,
    /// Flags (fences unused).
    pub flags: u32,
    /// Fence id.
    pub fence: u64,
    /// 3D context.
    pub context: u32,
    /// Padding.
    pub padding: u32,
}

impl Header {
    /// A header for command `kind`.
    pub fn command(kind: u32) -> Header {
        Header { kind, ..Header::default() }
    }
}

/// One scanout in the display info.
#[derive(Clone, Copy, Debug, Default, Pod, Zeroable)]
#[repr(C)]
pub struct Display {
    /// Its preferred rectangle.
    pub rect: SurfaceRect,
    /// Non-zero if connected.
    pub enabled: u32,
    /// Flags.
    pub flags: u32,
}

/// `OK_DISPLAY_INFO` response.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct DisplayInfo {
    /// Header.
    pub header: Header,
    /// Up to 16 scanouts.
    pub displays: [Display; 16],
}

/// `RESOURCE_CREATE_2D`.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceCreate2d {
    /// Header.
    pub header: Header,
    /// Resource id (non-zero).
    pub resource: u32,
    /// Pixel format.
    pub format: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// `RESOURCE_ATTACH_BACKING` with one memory entry.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct AttachBacking {
    /// Header.
    pub header: Header,
    /// Resource id.
    pub resource: u32,
    /// Number of entries (1).
    pub entries: u32,
    /// Guest physical address of the backing.
    pub address: u64,
    /// Its length.
    pub length: u32,
    /// Padding.
    pub padding: u32,
}

/// `SET_SCANOUT`.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct SetScanout {
    /// Header.
    pub header: Header,
    /// Area shown.
    pub rect: SurfaceRect,
    /// Scanout.
    pub scanout: u32,
    /// Resource.
    pub resource: u32,
}

/// `TRANSFER_TO_HOST_2D`.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct TransferToHost2d {
    /// Header.
    pub header: Header,
    /// Area to copy.
    pub rect: SurfaceRect,
    /// Byte offset of the area's first pixel in the backing.
    pub offset: u64,
    /// Resource.
    pub resource: u32,
    /// Padding.
    pub padding: u32,
}

/// `RESOURCE_FLUSH`.
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
#[repr(C)]
pub struct ResourceFlush {
    /// Header.
    pub header: Header,
    /// Area to show.
    pub rect: SurfaceRect,
    /// Resource.
    pub resource: u32,
    /// Padding.
    pub padding: u32,
}
