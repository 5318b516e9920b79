//! Everything that runs only on the hardware: system registers, the MMU,
//! exceptions, GIC, timer, UART, and the [`weft_kernel::Backend`]
//! implementation. Compiled for `aarch64-unknown-none` only.

pub mod backend;
pub mod boot;
pub mod console;
pub mod gic;
pub mod loader;
pub mod memory;
pub mod mmu;
pub mod panic;
pub mod random;
pub mod registers;
pub mod run;
pub mod timer;
pub mod uart;

/// Report an unrecoverable kernel error and stop the machine.
pub fn fatal(message: &str) -> ! {
    run::report(message);
    halt()
}

/// Stop this core for good.
pub fn halt() -> ! {
    loop {
        registers::wait_for_interrupt();
    }
}
