//! QEMU end-to-end tests (`cargo xtask test qemu`), headless:
//!
//! - `kernel`: boots a bundle whose root program is `ktest`, which checks
//!   the kernel from EL0 (memory, W^X, user pointers, threads, FP state,
//!   preemption, timers, signed/tampered/unsigned images, a crashing
//!   process, kill, process list) and measures IPC; passes when it prints
//!   `ktest: N passed, 0 failed` and the kernel logged the crash.
//!   Runs on GICv2 (EL1 entry) and GICv3 (EL2 entry).
//! - `devices`: boots the QEMU system with virtio-gpu, keyboard, tablet
//!   and a disk; checks the screen over QMP `screendump`, injects a key and
//!   a click with `input-send-event` and watches them arrive in the input
//!   driver, and checks the block driver's self-test.

use std::time::Duration;

use crate::image::{self, Options};
use crate::qemu::{Machine, Qmp, Running, click, key};
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

/// Boot the full system with the status service's image tampered with:
/// the kernel refuses it with a clear line, the root manager reports it,
/// and the rest of the graph (the display driver's first frame) comes up.
fn tampered_boot_run(echo: bool) -> Result<(), String> {
    let options = Options { tamper_in_place: Some("status".into()), ..Options::qemu() };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.disk = Some(crate::qemu::scratch_disk()?);
    util::step("booting the QEMU system with a tampered `status` image");
    let mut running = Running::start(&machine, echo)?;
    running
        .wait_for(Duration::from_secs(60), |l| l.contains("refused: signature does not verify"))
        .ok_or("the kernel did not refuse the tampered image")?;
    running
        .wait_for(Duration::from_secs(60), |l| l.contains("virtio-gpu: first frame"))
        .ok_or("the rest of the system did not come up after the refused image")?;
    let lines = running.lines();
    if lines.iter().any(|l| l.text.contains("status is serving")) {
        return Err("the tampered status service was started anyway".into());
    }
    running.stop();
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
    match tampered_boot_run(echo) {
        Ok(()) => {
            passed += 1;
            println!("qemu tampered-image boot test: ok");
        }
        Err(error) => {
            failed += 1;
            println!("qemu tampered-image boot test: FAILED: {error}");
        }
    }
    match devices_run(echo) {
        Ok(()) => {
            passed += 1;
            println!("qemu devices test (display, input, block): ok");
        }
        Err(error) => {
            failed += 1;
            println!("qemu devices test: FAILED: {error}");
        }
    }
    println!("qemu: {passed} passed, {failed} failed");
    if failed > 0 { Err(format!("{failed} QEMU test(s) failed")) } else { Ok(()) }
}

/// The background the display driver paints before any client draws.
const BOOT_BACKGROUND: [u8; 3] = [0x1e, 0x2a, 0x3a];

/// Boot the full QEMU system headless and check the devices end to end:
/// the display driver's first frame is on screen (QMP screendump), keys
/// and tablet clicks injected over QMP reach the input driver, and the
/// block driver's self-test passed.
fn devices_run(echo: bool) -> Result<(), String> {
    let artifacts = image::build(&Options::qemu())?;
    let qmp_path = image::target_dir().join("weft").join("qmp-test.sock");
    let _ = std::fs::remove_file(&qmp_path);
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.qmp = Some(qmp_path.clone());
    machine.disk = Some(crate::qemu::scratch_disk()?);
    util::step("booting the QEMU system headless (display, input, block)");
    let mut running = Running::start(&machine, echo)?;
    let mut qmp = Qmp::connect(&qmp_path)?;
    running
        .wait_for(Duration::from_secs(60), |l| l.contains("virtio-gpu: first frame"))
        .ok_or("the display driver never showed its first frame")?;
    let shot = image::target_dir().join("weft").join("qemu-boot.png");
    qmp.screendump(&shot)?;
    let picture = ::image::open(&shot).map_err(|e| format!("{}: {e}", shot.display()))?.to_rgb8();
    if (picture.width(), picture.height()) != (1280, 800) {
        return Err(format!("screen is {}x{}, not 1280x800", picture.width(), picture.height()));
    }
    let centre = picture.get_pixel(640, 400).0;
    if centre != BOOT_BACKGROUND {
        return Err(format!("screen centre is {centre:?}, not the boot background"));
    }
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("QEMU Virtio Keyboard (Keyboard)"))
        .ok_or("the input driver never found the keyboard")?;
    for event in key("a") {
        qmp.input(&[event])?;
    }
    running
        .wait_for(Duration::from_secs(10), |l| l.contains("Key { key: Key(30), state: Pressed }"))
        .ok_or("a key pressed over QMP never reached the input driver")?;
    for step in click(16384, 8192) {
        qmp.input(&step)?;
    }
    running
        .wait_for(Duration::from_secs(10), |l| l.contains("Button { button: Left, state: Released }"))
        .ok_or("a click over QMP never reached the input driver")?;
    let lines = running.lines();
    if !lines.iter().any(|l| l.text.contains("virtio-blk: self-test passed")) {
        return Err("the block driver's self-test did not pass".into());
    }
    running.stop();
    Ok(())
}
