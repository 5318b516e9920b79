//! weft-programs — every Weft program as an EL0 executable.
//!
//! Each binary in `src/bin/` is one program: a service, an app, or a test
//! program, calling its library's `main` through [`weft_rt::entry!`]. The
//! build links them at the user image address with `program.ld`; xtask
//! signs them and packs them into the boot bundle. Test programs used by
//! `cargo xtask test` live here too (`ktest`, `hello`, `crash`,
//! `ipc-echo`).
#![no_std]

/// The kernel-test programs' shared helpers.
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
