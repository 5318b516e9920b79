//! weft-programs — every Weft program, by name, and the one EL0 image that
//! runs any of them.
//!
//! [`PROGRAMS`] is generated at build time from the manifests the boards'
//! system files name (`weft_manifest::program_table`): each program's
//! name with its crate's `entry`. The hosted board registers the host list
//! with the hosted kernel; on the Weft kernel the `weft-programs` binary
//! is a single image (busybox style) whose entry reads the startup message
//! and runs the program it names ([`weft_ipc::program::dispatch`]), so the
//! boot bundle carries the toolkit, the fonts and the runtime once for all
//! programs.
//!
//! Adding a program: its crate, with `pub fn entry(bootstrap: u32) -> i32`
//! and a `manifest.toml`; one entry in a board's system file; and the
//! dependency line the build names if this crate lacks it.
//!
//! The kernel-test programs live here (`ktest`, `hello`, `crash`,
//! `ipc-echo`, `storage-bench`, `net-check`, `net-bench`), each with its manifest in the folder of
//! its name.
#![no_std]

extern crate alloc;

pub mod crash;
pub mod hello;
pub mod ipc_echo;
pub mod ktest;
#[cfg(target_os = "none")]
pub mod net_bench;
#[cfg(target_os = "none")]
pub mod net_check;
pub mod storage_bench;

/// A program's entry: `fn(bootstrap) -> exit code`.
pub use weft_ipc::program::Entry as ProgramEntry;

include!(concat!(env!("OUT_DIR"), "/programs.rs"));

/// The entry of program `name`, if this build has it.
pub fn entry_for(name: &str) -> Option<ProgramEntry> {
    PROGRAMS.iter().find(|(program, _)| *program == name).map(|(_, entry)| *entry)
}

/// The multi-program image's entry: run the program the startup message
/// names.
pub fn dispatch(bootstrap: u32) -> i32 {
    weft_ipc::program::dispatch(bootstrap, PROGRAMS)
}

/// The kernel-test programs' shared helpers.
#[allow(unsafe_code, reason = "reads the EL0-readable counter registers")]
pub mod test_support {
    /// Read the virtual counter (EL0 access is enabled by the kernel).
    pub fn cycles() -> u64 {
        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        {
            let value: u64;
            // SAFETY: reads CNTVCT_EL0, which the kernel lets EL0 read.
            unsafe { core::arch::asm!("isb", "mrs {}, cntvct_el0", out(reg) value, options(nomem, nostack)) };
            value
        }
        #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
        {
            0
        }
    }

    /// Counter frequency in hertz.
    pub fn cycle_frequency() -> u64 {
        #[cfg(all(target_arch = "aarch64", target_os = "none"))]
        {
            let value: u64;
            // SAFETY: reads CNTFRQ_EL0, readable at EL0.
            unsafe { core::arch::asm!("mrs {}, cntfrq_el0", out(reg) value, options(nomem, nostack)) };
            value
        }
        #[cfg(not(all(target_arch = "aarch64", target_os = "none")))]
        {
            1
        }
    }
}
