//! weft-kernel-aarch64 — the aarch64 backend of the Weft kernel.
//!
//! This crate turns an ARMv8-A CPU (QEMU `virt`, the Allwinner A64's
//! Cortex-A53) into a [`weft_kernel::Backend`]: physical frames, four-level
//! translation tables with one ASID-tagged address space per process, EL0
//! threads with their full register and FP/SIMD state, the generic timer,
//! GICv2 and GICv3, the console UART, and the signed-ELF program loader.
//!
//! Layout: the modules at the top (`paging`, `frames`, `ranges`, `asid`,
//! `image`, `devicetree`, `board`) are portable logic with host unit tests;
//! `cpu` holds everything that touches system registers or devices and is
//! compiled only for `aarch64-unknown-none`.
//!
//! Invariants:
//! - every mapping, the kernel's included, is writable or executable,
//!   never both; the kernel never executes user memory;
//! - the kernel reaches user memory only through [`paging::Table`] walks of
//!   the owning process's tables and the direct map, so a bad user pointer
//!   is a `BadAddress` error, never a kernel fault;
//! - nothing userspace sends can make this crate panic.
#![allow(
    unsafe_code,
    reason = "the arch backend drives the MMU, exception vectors, system registers and device memory"
)]
#![cfg_attr(not(test), no_std)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;

pub mod asid;
pub mod board;
pub mod devicetree;
pub mod frame;
pub mod frames;
pub mod image;
pub mod layout;
#[cfg(all(target_arch = "aarch64", target_os = "none"))]
pub mod metal;
pub mod paging;
pub mod ranges;
