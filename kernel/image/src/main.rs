//! weft-kernel — the bootable Weft kernel for aarch64.
//!
//! One file boots both QEMU `virt` (`-kernel`) and U-Boot (`booti`): the
//! image starts with the arm64 Linux `Image` header (see `docs/boot.md`).
//! The boot path in `weft-kernel-aarch64` brings the machine up from the device
//! tree; this crate then builds the kernel, reads the boot bundle from the
//! initrd, hands the root manager its capabilities (the root resource, the
//! bundle, and one `mmio:`/`irq:` resource pair per device the board
//! names) and starts scheduling.
//!
//! On the host this crate builds to a stub that says how to build the real
//! kernel, so `cargo build` of the workspace keeps working.
#![allow(unsafe_code, reason = "the kernel binary is entered from assembly and starts the machine")]
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(target_os = "none")]
extern crate alloc;

#[cfg(target_os = "none")]
mod bundle;
#[cfg(target_os = "none")]
mod kernel;

#[cfg(not(target_os = "none"))]
fn main() {
    eprintln!("weft-kernel runs on aarch64-unknown-none; build it with `cargo xtask image`");
}
