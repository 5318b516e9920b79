//! System-register access and barriers.

/// Read a system register by name.
macro_rules! read {
    ($name:literal) => {{
        let value: u64;
        // SAFETY: reading a system register has no side effects on memory;
        // every register read through this macro is readable at EL1.
        unsafe {
            core::arch::asm!(concat!("mrs {}, ", $name), out(reg) value, options(nomem, nostack, preserves_flags))
        };
        value
    }};
}

/// Write a system register by name.
macro_rules! write {
    ($name:literal, $value:expr) => {{
        let value: u64 = $value;
        // SAFETY: callers write registers whose effects they document at the
        // call site (timer, GIC CPU interface, translation control); none
        // changes memory Rust can observe without a following barrier.
        unsafe {
            core::arch::asm!(concat!("msr ", $name, ", {}"), in(reg) value, options(nostack, preserves_flags))
        };
    }};
}

pub(crate) use {read, write};

/// Instruction synchronisation barrier.
#[inline(always)]
pub fn isb() {
    // SAFETY: a barrier; no memory or register effects beyond ordering.
    unsafe { core::arch::asm!("isb", options(nostack, preserves_flags)) };
}

/// Full-system data synchronisation barrier.
#[inline(always)]
pub fn dsb_sy() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb sy", options(nostack, preserves_flags)) };
}

/// Inner-shareable store barrier (before a table walker sees new entries).
#[inline(always)]
pub fn dsb_ishst() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb ishst", options(nostack, preserves_flags)) };
}

/// Inner-shareable data synchronisation barrier.
#[inline(always)]
pub fn dsb_ish() {
    // SAFETY: a barrier.
    unsafe { core::arch::asm!("dsb ish", options(nostack, preserves_flags)) };
}

/// Wait for an interrupt (with interrupts masked it still wakes up).
#[inline(always)]
pub fn wait_for_interrupt() {
    // SAFETY: `wfi` only pauses the core.
    unsafe { core::arch::asm!("wfi", options(nomem, nostack, preserves_flags)) };
}
