//! A minimal program: says hello on the kernel log and exits.

/// The program's entry.
pub fn entry(_bootstrap: u32) -> i32 {
    let _ = weft_rt::sys::debug_write(b"hello: running at EL0\n");
    0
}
