//! weft-board-qemu-virt — QEMU's aarch64 `virt` machine as data.
//!
//! The kernel selects this board when the device tree's root is
//! `linux,dummy-virt`. Every populated virtio-mmio transport becomes a pair
//! of capabilities named after the device behind it (`mmio:virtio-gpu`,
//! `irq:virtio-gpu`, `mmio:virtio-input-0`, ...); `system.toml` beside this
//! crate lists the services the board starts and the manifests route those
//! capabilities to the virtio driver services.

#![no_std]

use weft_kernel_aarch64::board::{Board, DeviceRule, Naming};

/// The board.
pub const BOARD: Board = Board {
    name: "qemu-virt",
    compatible: &["linux,dummy-virt"],
    devices: &[
        DeviceRule { compatible: "virtio,mmio", naming: Naming::Virtio },
        DeviceRule { compatible: "arm,pl031", naming: Naming::Single("rtc") },
    ],
};
