//! QEMU end-to-end tests (`cargo xtask test qemu`), headless:
//!
//! - `kernel`: boots a bundle whose root program is `ktest`, which checks
//!   the kernel from EL0 (memory, W^X, user pointers, threads, FP state,
//!   preemption, timers, signed/tampered/unsigned images, a crashing
//!   process, kill, process list) and measures IPC; passes when it prints
//!   `ktest: N passed, 0 failed` and the kernel logged the crash.
//!   Runs on GICv2 (EL1 entry) and GICv3 (EL2 entry).
//! - `desktop`: boots the QEMU desktop with virtio-gpu, keyboard, tablet
//!   and a disk; compares the screen (QMP `screendump`) with the hosted
//!   desktop's screenshot, checks a key reaches the input driver and the
//!   block driver's self-test, launches an app that crashes at EL0 (the
//!   kernel reports it, the desktop goes on), then the Terminal from the
//!   launcher with clicks and keys (`input-send-event`), and types `ps`.

use std::time::Duration;

use crate::image::{self, Options};
use crate::qemu::{Machine, Qmp, Running, click, key};
use crate::util;

/// The kernel test bundle's options.
pub fn kernel_options() -> Options {
    Options { system: "ktest.toml".into(), tamper: Some("hello".into()), ..Options::qemu() }
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
    machine.disk = Some(crate::qemu::fresh_disk("test-tampered")?);
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

/// One QEMU test: its name (to run it alone), what it checks, and the run.
struct QemuTest {
    name: &'static str,
    checks: &'static str,
    run: fn(bool) -> Result<(), String>,
}

const TESTS: &[QemuTest] = &[
    QemuTest {
        name: "kernel",
        checks: "kernel test (GICv2, entry at EL1)",
        run: |echo| kernel_run(2, false, echo).and_then(|lines| check_logs(&lines)),
    },
    QemuTest {
        name: "kernel",
        checks: "kernel test (GICv3, entry at EL2)",
        run: |echo| kernel_run(3, true, echo).and_then(|lines| check_logs(&lines)),
    },
    QemuTest { name: "tampered", checks: "tampered-image boot test", run: tampered_boot_run },
    QemuTest {
        name: "network",
        checks: "network test (DHCP lease and renewal, DNS, HTTP download, the driver killed mid-download, ping, entitlement, link down and up, forwarded listening socket, a flood the desktop survives)",
        run: crate::qemu_net::network_run,
    },
    QemuTest {
        name: "mesh",
        checks: "mesh test (the guest streams the Terminal over its own TCP/IP to the host's viewer: same pixels, typed command runs, the network driver killed and the stream back with a keyframe, Python Zenoh peer hears the heartbeat)",
        run: crate::qemu_mesh::mesh_run,
    },
    QemuTest {
        name: "desktop",
        checks: "desktop test (display, input, block, crash, terminal, files and theme across a power cut)",
        run: devices_run,
    },
];

/// `cargo xtask test qemu [kernel|tampered|network|desktop]… [--verbose]`:
/// every QEMU test, or the ones named.
pub fn command(args: &[String]) -> Result<(), String> {
    let echo = args.iter().any(|a| a == "--verbose" || a == "-v");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if let Some(unknown) = names.iter().find(|n| !TESTS.iter().any(|t| t.name == n.as_str())) {
        let known: Vec<&str> = TESTS.iter().map(|t| t.name).collect();
        return Err(format!("no QEMU test `{unknown}` (there are: {})", known.join(", ")));
    }
    let mut passed = 0;
    let mut failed = 0;
    for test in TESTS.iter().filter(|t| names.is_empty() || names.iter().any(|n| n.as_str() == t.name)) {
        match (test.run)(echo) {
            Ok(()) => {
                passed += 1;
                println!("qemu {}: ok", test.checks);
            }
            Err(error) => {
                failed += 1;
                println!("qemu {}: FAILED: {error}", test.checks);
            }
        }
    }
    println!("qemu: {passed} passed, {failed} failed");
    if failed > 0 { Err(format!("{failed} QEMU test(s) failed")) } else { Ok(()) }
}

/// The background the display driver paints before any client draws.
pub(crate) const BOOT_BACKGROUND: [u8; 3] = [0x1e, 0x2a, 0x3a];
/// The screen QEMU's virtio-gpu shows.
pub(crate) const SCREEN: (u32, u32) = (1280, 800);
/// Where the panel's Apps button is (as in the hosted desktop tests).
pub(crate) const APPS_BUTTON: (u32, u32) = (44, 20);

pub(crate) type Picture = ::image::RgbImage;

pub(crate) fn screendump(qmp: &mut Qmp, name: &str) -> Result<Picture, String> {
    let shot = image::target_dir().join("weft").join(format!("{name}.png"));
    qmp.screendump(&shot)?;
    let picture = ::image::open(&shot).map_err(|e| format!("{}: {e}", shot.display()))?.to_rgb8();
    if picture.dimensions() != SCREEN {
        return Err(format!("screen is {:?}, not {SCREEN:?}", picture.dimensions()));
    }
    Ok(picture)
}

/// Take screendumps until `ready` holds for one, or `timeout` passes.
pub(crate) fn wait_screen(
    qmp: &mut Qmp,
    name: &str,
    timeout: Duration,
    mut ready: impl FnMut(&Picture) -> bool,
) -> Result<Picture, String> {
    let started = std::time::Instant::now();
    loop {
        let picture = screendump(qmp, name)?;
        if ready(&picture) {
            return Ok(picture);
        }
        if started.elapsed() > timeout {
            return Err(format!("timed out; last screen in target/weft/{name}.png"));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Pixels that differ between `a` and `b` by more than `tolerance` in some
/// channel.
pub(crate) fn differing(a: &Picture, b: &Picture, tolerance: u8) -> usize {
    a.pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0).any(|(x, y)| x.abs_diff(y) > tolerance))
        .count()
}

/// The first and last rows where `a` and `b` differ.
fn changed_rows(a: &Picture, b: &Picture) -> Option<(u32, u32)> {
    let rows: Vec<u32> =
        (0..a.height()).filter(|&y| (0..a.width()).any(|x| a.get_pixel(x, y) != b.get_pixel(x, y))).collect();
    Some((*rows.first()?, *rows.last()?))
}

/// Mean brightness of a region.
pub(crate) fn brightness(picture: &Picture, x: u32, y: u32, width: u32, height: u32) -> f64 {
    let mut sum = 0u64;
    for row in y..y + height {
        for column in x..x + width {
            sum += picture.get_pixel(column, row).0.iter().map(|&c| u64::from(c)).sum::<u64>();
        }
    }
    sum as f64 / f64::from(width * height * 3)
}

/// A click at screen pixel (x, y): the tablet's axes run 0..=32767.
pub(crate) fn click_at(qmp: &mut Qmp, (x, y): (u32, u32)) -> Result<(), String> {
    let scale = |v: u32, size: u32| v * 32767 / (size - 1);
    for step in click(scale(x, SCREEN.0), scale(y, SCREEN.1)) {
        qmp.input(&step)?;
        std::thread::sleep(Duration::from_millis(30));
    }
    Ok(())
}

/// Type `text` (lower-case letters, digits, space, newline, `/`, `-`, `.`).
fn type_text(qmp: &mut Qmp, text: &str) -> Result<(), String> {
    for c in text.chars() {
        let name = match c {
            '\n' => "ret".to_string(),
            ' ' => "spc".to_string(),
            '/' => "slash".to_string(),
            '-' => "minus".to_string(),
            '.' => "dot".to_string(),
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c.to_string(),
            c => return Err(format!("cannot type {c:?}")),
        };
        qmp.input(&key(&name))?;
        std::thread::sleep(Duration::from_millis(40));
    }
    Ok(())
}

/// Open the launcher with the Apps button, search for `name` and start
/// it with Enter; returns the screen with the launcher open.
fn launch(qmp: &mut Qmp, desktop: &Picture, name: &str) -> Result<Picture, String> {
    let before = brightness(desktop, 100, 300, 200, 200);
    click_at(qmp, APPS_BUTTON)?;
    let open = wait_screen(qmp, "qemu-launcher", Duration::from_secs(30), |p| {
        brightness(p, 100, 300, 200, 200) < before - 40.0
    })
    .map_err(|e| format!("the launcher did not open: {e}"))?;
    type_text(qmp, name)?;
    std::thread::sleep(Duration::from_millis(500));
    type_text(qmp, "\n")?;
    Ok(open)
}

/// Boot the QEMU desktop headless and use it over QMP, as a person would:
/// the desktop comes up (and looks like the hosted one), a key and a click
/// reach the input driver, the block driver's self-test passed, an app
/// that crashes at EL0 is reported by the kernel while the desktop goes
/// on, the launcher starts the Terminal, and `ps` typed into it prints the
/// processes.
fn devices_run(echo: bool) -> Result<(), String> {
    let options = Options {
        extra_services: vec!["boards/programs/crash".into()],
        // The input driver logs each report, so the test sees a key arrive.
        args: vec![("virtio-input".into(), "trace".into(), "true".into())],
        ..Options::qemu()
    };
    let artifacts = image::build(&options)?;
    let qmp_path = image::target_dir().join("weft").join("qmp-test.sock");
    let _ = std::fs::remove_file(&qmp_path);
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.qmp = Some(qmp_path.clone());
    let disk = crate::qemu::fresh_disk("test-desktop")?;
    machine.disk = Some(disk.clone());
    util::step("booting the QEMU desktop headless");
    let mut running = Running::start(&machine, echo)?;
    let mut qmp = Qmp::connect(&qmp_path)?;
    running
        .wait_for(Duration::from_secs(60), |l| l.contains("virtio-gpu: first frame"))
        .ok_or("the display driver never showed its first frame")?;
    running
        .wait_for(Duration::from_secs(120), |l| l.contains("shell ready"))
        .ok_or("the shell never came up")?;

    // The desktop: the panel and wallpaper where the hosted desktop has
    // them (the clock differs, so compare with a tolerance).
    let reference_path = util::root().join("screenshots").join("desktop-light.png");
    let reference =
        ::image::open(&reference_path).map_err(|e| format!("{}: {e}", reference_path.display()))?.to_rgb8();
    let pixels = (SCREEN.0 * SCREEN.1) as usize;
    let desktop = wait_screen(&mut qmp, "qemu-desktop", Duration::from_secs(60), |p| {
        p.get_pixel(640, 400).0 != BOOT_BACKGROUND && differing(p, &reference, 24) < pixels / 50
    })
    .map_err(|e| format!("the desktop does not match screenshots/desktop-light.png: {e}"))?;

    // Input and block devices.
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("QEMU Virtio Keyboard (Keyboard)"))
        .ok_or("the input driver never found the keyboard")?;
    qmp.input(&key("shift"))?;
    running
        .wait_for(Duration::from_secs(10), |l| l.contains("Key { key: Key(42), state: Pressed }"))
        .ok_or("a key pressed over QMP never reached the input driver")?;
    if !running.lines().iter().any(|l| l.text.contains("virtio-blk: self-test passed")) {
        return Err("the block driver's self-test did not pass".into());
    }

    // An app that faults at EL0: the kernel reports it, the desktop lives.
    launch(&mut qmp, &desktop, "crash")?;
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("kernel: process crash faulted"))
        .ok_or("the crashing app's fault was not reported by the kernel")?;
    let desktop = wait_screen(&mut qmp, "qemu-after-crash", Duration::from_secs(30), |p| {
        differing(p, &desktop, 24) < pixels / 50
    })
    .map_err(|e| format!("the desktop did not come back after the crash: {e}"))?;

    // The Terminal from the launcher; `ps` lists the processes.
    launch(&mut qmp, &desktop, "terminal")?;
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("launching terminal"))
        .ok_or("the shell did not launch the terminal")?;
    let opened = wait_screen(&mut qmp, "qemu-terminal", Duration::from_secs(60), |p| {
        differing(p, &desktop, 24) > pixels / 8
    })
    .map_err(|e| format!("the terminal's window never appeared: {e}"))?;
    std::thread::sleep(Duration::from_secs(2));
    let before = screendump(&mut qmp, "qemu-terminal")?;
    type_text(&mut qmp, "ps\n")?;
    // At least the ten services and the header: many text lines change.
    wait_screen(&mut qmp, "qemu-terminal-ps", Duration::from_secs(30), |p| {
        changed_rows(p, &before).is_some_and(|(first, last)| last - first > 150)
    })
    .map_err(|e| format!("`ps` printed no process list: {e}"))?;
    let _ = opened;

    // Keep something: a file made in the terminal, and the dark theme
    // chosen with the panel's button. Then the power goes (QMP `quit`, no
    // shutdown) and the machine boots again on the same disk.
    type_text(&mut qmp, "mkdir documents\n")?;
    type_text(&mut qmp, "write documents/note.txt weft was here\n")?;
    let light = screendump(&mut qmp, "qemu-before-dark")?;
    click_at(&mut qmp, THEME_BUTTON)?;
    wait_screen(&mut qmp, "qemu-dark", Duration::from_secs(30), |p| {
        brightness(p, 400, 0, 400, 36) < brightness(&light, 400, 0, 400, 36) - 100.0
    })
    .map_err(|e| format!("the panel's theme button did not make the desktop dark: {e}"))?;
    // The storage service commits a change within a fraction of a second.
    std::thread::sleep(Duration::from_secs(2));
    let _ = qmp.execute(r#"{"execute":"quit"}"#);
    running.stop();
    drop(qmp);
    reboot_run(&machine, echo)
}

/// The panel's theme button (light/dark).
const THEME_BUTTON: (u32, u32) = (1078, 20);

/// Whether `picture` has red text (the shell's errors) in rows
/// `first..=last`.
fn has_red(picture: &Picture, (first, last): (u32, u32)) -> bool {
    (first..=last).any(|y| {
        (0..picture.width()).any(|x| {
            let [r, g, b] = picture.get_pixel(x, y).0;
            i32::from(r) > i32::from(g) + 80 && i32::from(r) > i32::from(b) + 80
        })
    })
}

/// The second boot of [`devices_run`], on the same disk: the desktop comes
/// up dark, and the terminal reads the file back.
fn reboot_run(machine: &Machine, echo: bool) -> Result<(), String> {
    let qmp_path = machine.qmp.clone().ok_or("no QMP socket")?;
    let _ = std::fs::remove_file(&qmp_path);
    util::step("booting the QEMU desktop again on the same disk, after a power cut");
    let mut running = Running::start(machine, echo)?;
    let mut qmp = Qmp::connect(&qmp_path)?;
    running
        .wait_for(Duration::from_secs(120), |l| l.contains("shell ready"))
        .ok_or("the shell never came up after the power cut")?;
    let has = |running: &Running, needle: &str| running.lines().iter().any(|l| l.text.contains(needle));
    if !has(&running, "storage: mounted") {
        return Err("the storage service did not mount the disk after the power cut".into());
    }
    let dark = wait_screen(&mut qmp, "qemu-reboot-dark", Duration::from_secs(60), |p| {
        brightness(p, 400, 0, 400, 36) < 100.0
    })
    .map_err(|e| format!("the dark theme did not survive the power cut: {e}"))?;

    running
        .wait_for(Duration::from_secs(30), |l| l.contains("QEMU Virtio Keyboard (Keyboard)"))
        .ok_or("the input driver never found the keyboard after the reboot")?;
    // The launcher, as on the first boot (its opening is not checked by
    // brightness here: the desktop is already dark); tried twice, in case
    // the first click lands before the panel takes input.
    let mut launched = false;
    for _ in 0..2 {
        click_at(&mut qmp, APPS_BUTTON)?;
        std::thread::sleep(Duration::from_secs(2));
        type_text(&mut qmp, "terminal")?;
        std::thread::sleep(Duration::from_millis(500));
        type_text(&mut qmp, "\n")?;
        if running.wait_for(Duration::from_secs(20), |l| l.contains("launching terminal")).is_some() {
            launched = true;
            break;
        }
        qmp.input(&key("esc"))?;
    }
    if !launched {
        return Err("the shell did not launch the terminal after the reboot".into());
    }
    let pixels = (SCREEN.0 * SCREEN.1) as usize;
    wait_screen(&mut qmp, "qemu-reboot-terminal", Duration::from_secs(60), |p| {
        differing(p, &dark, 24) > pixels / 8
    })
    .map_err(|e| format!("the terminal's window never appeared after the reboot: {e}"))?;
    std::thread::sleep(Duration::from_secs(2));
    // The file reads back (no red error line); a missing one does not.
    for (command, error_expected) in [("cat documents/note.txt\n", false), ("cat documents/none.txt\n", true)]
    {
        let before = screendump(&mut qmp, "qemu-reboot-terminal")?;
        type_text(&mut qmp, command)?;
        let after = wait_screen(&mut qmp, "qemu-reboot-cat", Duration::from_secs(30), |p| {
            changed_rows(p, &before).is_some_and(|(first, last)| last - first > 20)
        })
        .map_err(|e| format!("`{}` printed nothing: {e}", command.trim()))?;
        let rows = changed_rows(&after, &before).unwrap_or((0, 0));
        if has_red(&after, rows) != error_expected {
            let verdict = if error_expected { "no error for a missing file" } else { "an error" };
            return Err(format!("`{}` after the power cut printed {verdict}", command.trim()));
        }
    }
    running.stop();
    Ok(())
}
