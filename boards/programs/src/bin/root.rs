//! The root manager as an EL0 program: the kernel's first process.
#![cfg_attr(target_os = "none", no_std, no_main)]

weft_rt::entry!(weft_root::entry);
