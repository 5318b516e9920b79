//! Benchmarks on QEMU (`cargo xtask bench boot`, `cargo xtask bench ipc
//! --qemu`). Figures come from the guest's own serial output, timestamped
//! on arrival; they measure TCG emulation on this host, so compare runs on
//! the same machine, not with real hardware.

use std::time::Duration;

use crate::image::{self, Options};
use crate::qemu::{Machine, Running};
use crate::util;

const RUNS: usize = 3;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// QEMU start to the kernel's first line, the display driver's first frame
/// and the desktop (the shell has presented its wallpaper and panel).
fn boot() -> Result<(), String> {
    let artifacts = image::build(&Options::qemu())?;
    let mut kernel = Vec::new();
    let mut root = Vec::new();
    let mut frame = Vec::new();
    let mut desktop = Vec::new();
    for run in 1..=RUNS {
        let mut machine = Machine::new(artifacts.kernel.clone(), artifacts.bundle.clone());
        machine.headless = true;
        machine.disk = Some(crate::qemu::fresh_disk("bench")?);
        let mut running = Running::start(&machine, false)?;
        let first = running
            .wait_for(Duration::from_secs(60), |l| l.contains("virtio-gpu: first frame"))
            .ok_or("no first frame within 60 s")?;
        let ready = running
            .wait_for(Duration::from_secs(120), |l| l.contains("shell ready"))
            .ok_or("no desktop within 120 s")?;
        running.stop();
        let lines = running.lines();
        let at = |needle: &str| {
            lines.iter().find(|l| l.text.contains(needle)).map(|l| l.at.as_secs_f64() * 1000.0)
        };
        let kernel_ms = at("weft: kernel at").unwrap_or(0.0);
        let root_ms = at("root manager started").unwrap_or(0.0);
        let frame_ms = first.at.as_secs_f64() * 1000.0;
        let desktop_ms = ready.at.as_secs_f64() * 1000.0;
        util::step(&format!(
            "run {run}: kernel {kernel_ms:.0} ms, root manager {root_ms:.0} ms, first frame {frame_ms:.0} ms, desktop {desktop_ms:.0} ms"
        ));
        desktop.push(desktop_ms);
        kernel.push(kernel_ms);
        root.push(root_ms);
        frame.push(frame_ms);
    }
    println!(
        "bench boot (median of {RUNS}, QEMU start →): kernel's first line {:.0} ms, root manager running {:.0} ms, \
         display driver's first frame {:.0} ms, desktop on screen {:.0} ms",
        median(kernel),
        median(root),
        median(frame),
        median(desktop)
    );
    Ok(())
}

/// Parse `bench ipc: round trip mean N ticks, median M ticks, ...`.
fn parse_ipc(line: &str) -> Option<(f64, f64)> {
    let mean = line.split("mean ").nth(1)?.split(' ').next()?.parse().ok()?;
    let median = line.split("median ").nth(1)?.split(' ').next()?.parse().ok()?;
    Some((mean, median))
}

fn ipc_run(icount: bool) -> Result<(f64, f64), String> {
    let artifacts = image::build(&crate::qemu_tests::kernel_options())?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.devices = false;
    if icount {
        // One instruction per virtual nanosecond: the guest's clock then
        // counts instructions, independent of the host's speed.
        machine.extra = vec!["-icount".into(), "shift=0".into()];
    }
    let mut running = Running::start(&machine, false)?;
    let line = running
        .wait_for(Duration::from_secs(300), |l| l.starts_with("bench ipc:"))
        .ok_or("the kernel test never printed its IPC figure")?;
    running.stop();
    parse_ipc(&line.text).ok_or_else(|| format!("cannot read `{}`", line.text))
}

/// Call/reply round trip between two EL0 processes.
fn ipc() -> Result<(), String> {
    // The virt machine's generic timer runs at 62.5 MHz: 16 ns per tick.
    const NS_PER_TICK: f64 = 16.0;
    let (mean, median) = ipc_run(true)?;
    let (wall_mean, _) = ipc_run(false)?;
    let instructions = median * NS_PER_TICK;
    println!("bench ipc (QEMU, two EL0 processes, channel_call + read + reply):");
    println!(
        "  round trip: median {median:.0} ticks ({instructions:.0} guest instructions with -icount shift=0), mean {mean:.0} ticks"
    );
    println!(
        "  one way: ~{:.0} instructions; seL4's IPC fast path is ~387 cycles one way on a Cortex-A53",
        instructions / 2.0
    );
    println!("  TCG wall clock: {:.1} µs per round trip on this host", wall_mean * NS_PER_TICK / 1000.0);
    Ok(())
}

/// The storage service in the guest (16 MiB file, 200 small files) next
/// to a second, scratch virtio disk the benchmark program drives itself.
fn storage() -> Result<(), String> {
    let options = Options { extra_services: vec!["boards/programs/storage-bench".into()], ..Options::qemu() };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    // The scratch disk: 64 MiB, so the program can tell it from the store's
    // (it checks). QEMU gives the device named last the lowest slot, which
    // the kernel names first: the store's disk goes last, to be
    // `virtio-blk-0`, and the scratch disk becomes `virtio-blk-1`.
    machine.disk = Some(crate::qemu::fresh_disk_of("bench-scratch", 64 << 20)?);
    let store = crate::qemu::fresh_disk("bench")?;
    machine.extra = vec![
        "-drive".into(),
        format!("if=none,id=store,format=raw,file={}", store.display()),
        "-device".into(),
        "virtio-blk-device,drive=store".into(),
    ];
    util::step("booting QEMU with the storage benchmark (TCG: figures are for this host's emulation)");
    let mut running = Running::start(&machine, false)?;
    let line = running
        .wait_for(Duration::from_secs(600), |l| {
            l.contains("storage bench:") || l.contains("storage-bench failed")
        })
        .ok_or("the storage benchmark never reported")?;
    running.stop();
    if !line.text.contains("storage bench:") {
        let lines = running.lines();
        let why: Vec<&str> =
            lines.iter().filter(|l| l.text.contains("storage")).map(|l| l.text.as_str()).collect();
        return Err(format!("the storage benchmark failed:\n{}", why.join("\n")));
    }
    println!("bench storage (QEMU guest, virtio-blk on a raw image file):");
    println!("  {}", line.text.split("storage bench: ").nth(1).unwrap_or(&line.text));
    Ok(())
}

/// `bench boot` | `bench ipc --qemu` | `bench storage --qemu`.
pub fn command(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("boot") => boot(),
        Some("ipc") => ipc(),
        Some("storage") => storage(),
        _ => Err(
            "usage: cargo xtask bench boot | cargo xtask bench ipc --qemu | cargo xtask bench storage --qemu"
                .into(),
        ),
    }
}
