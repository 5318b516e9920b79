//! The input service as an EL0 program.
#![cfg_attr(target_os = "none", no_std, no_main)]

fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, weft_input::main)
}

weft_rt::entry!(entry);
