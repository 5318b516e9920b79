//! QEMU end-to-end tests (`cargo xtask test qemu`), headless:
//!
//! - `kernel`: boots a bundle whose root program is `ktest`, which checks
//!   the kernel from EL0 (memory, W^X, user pointers, threads, FP state,
//!   preemption, timers, signed/tampered/unsigned images, a crashing
//!   process, kill, process list) and measures IPC; passes when it prints
//!   `ktest: N passed, 0 failed` and the kernel logged the crash.
//!   Runs on GICv2 (EL1 entry) and GICv3 (EL2 entry).

use std::time::Duration;

use crate::image::{self, Options};
use crate::qemu::{Machine, Running};
use crate::util;

/// The kernel test bundle's options.
pub fn kernel_options() -> Options {
    Options {
        system: "ktest.toml".into(),
        root_program: "ktest".into(),
        extra_programs: vec!["hello".into(), "crash".into(), "ipc-echo".into()],
        tamper: Some("hello".into()),
        ..Options::qemu()
    }
}

/// Boot the kernel test on one machine variant; returns the serial lines.
fn kernel_run(gic: u8, el2: bool, echo: bool) -> Result<Vec<crate::qemu::Line>, String> {
    let artifacts = image::build(&kernel_options())?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.devices = false;
    machine.gic = gic;
    machine.el2 = el2;
    util::step(&format!("booting the kernel test (GICv{gic}, entry at EL{})", if el2 { 2 } else { 1 }));
    let mut running = Running::start(&machine, echo)?;
    let done = running.wait_for(Duration::from_secs(120), |line| {
        line.starts_with("ktest: ") && line.contains(" passed, ") || line.contains("KERNEL PANIC")
    });
    running.stop();
    let lines = running.lines();
    match done {
        Some(line) if line.text.ends_with(" 0 failed") => Ok(lines),
        Some(line) => Err(format!("kernel test failed: {}", line.text)),
        None => Err("kernel test did not finish (no `ktest: N passed` line)".into()),
    }
}

fn check_logs(lines: &[crate::qemu::Line]) -> Result<(), String> {
    let has = |needle: &str| lines.iter().any(|l| l.text.contains(needle));
    if !has("kernel: process crash faulted: write at 0x0") {
        return Err("the kernel did not log the crashing process's fault".into());
    }
    if !has("refused: signature does not verify") {
        return Err("the kernel did not log the refused tampered image".into());
    }
    Ok(())
}

/// `cargo xtask test qemu [kernel] [--verbose]`.
pub fn command(args: &[String]) -> Result<(), String> {
    let echo = args.iter().any(|a| a == "--verbose" || a == "-v");
    let mut passed = 0;
    let mut failed = 0;
    for (gic, el2) in [(2, false), (3, true)] {
        let result = kernel_run(gic, el2, echo).and_then(|lines| check_logs(&lines));
        match result {
            Ok(()) => {
                passed += 1;
                println!("qemu kernel test (GICv{gic}): ok");
            }
            Err(error) => {
                failed += 1;
                println!("qemu kernel test (GICv{gic}): FAILED: {error}");
            }
        }
    }
    println!("qemu: {passed} passed, {failed} failed");
    if failed > 0 { Err(format!("{failed} QEMU test(s) failed")) } else { Ok(()) }
}
