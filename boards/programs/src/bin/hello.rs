//! A minimal program: says hello on the kernel log and exits.
#![cfg_attr(target_os = "none", no_std, no_main)]

fn entry(_bootstrap: u32) -> i32 {
    let _ = weft_rt::sys::debug_write(b"hello: running at EL0\n");
    0
}

weft_rt::entry!(entry);
