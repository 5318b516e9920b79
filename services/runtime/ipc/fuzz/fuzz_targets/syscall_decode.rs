//! Fuzz the kernel's system-call decoder with arbitrary registers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_kernel::{Call, SyscallArgs};

fuzz_target!(|words: [usize; 7]| {
    let raw = SyscallArgs { number: words[0] % 64, args: [words[1], words[2], words[3], words[4], words[5], words[6]] };
    let _ = Call::decode(raw);
});
