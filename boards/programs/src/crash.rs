//! A program that crashes on purpose: a store through a null pointer at
//! EL0. The kernel must log the fault, end this process, and keep running.

/// The program's entry.
pub fn entry(_bootstrap: u32) -> i32 {
    let _ = weft_rt::sys::debug_write(b"crash: writing through a null pointer\n");
    let null = core::hint::black_box(core::ptr::null_mut::<u64>());
    // SAFETY: deliberately unsound: this program exists to fault.
    #[allow(unsafe_code, reason = "the test writes through a null pointer on purpose")]
    unsafe {
        null.write_volatile(0xdead)
    };
    1
}
