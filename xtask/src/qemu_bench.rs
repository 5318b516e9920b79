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
/// and the desktop on screen: the first screendump (QMP, taken every
/// ~100 ms) that shows the wallpaper and the panel as the hosted desktop's
/// screenshot does — not a log line, which comes before the paint.
fn boot() -> Result<(), String> {
    use crate::qemu_tests::{BOOT_BACKGROUND, SCREEN, differing, screendump};
    let artifacts = image::build(&Options::qemu())?;
    let reference_path = util::root().join("screenshots").join("desktop-light.png");
    let reference =
        ::image::open(&reference_path).map_err(|e| format!("{}: {e}", reference_path.display()))?.to_rgb8();
    let pixels = (SCREEN.0 * SCREEN.1) as usize;
    let mut kernel = Vec::new();
    let mut root = Vec::new();
    let mut frame = Vec::new();
    let mut desktop = Vec::new();
    let mut logged = Vec::new();
    for run in 1..=RUNS {
        let mut machine = Machine::new(artifacts.kernel.clone(), artifacts.bundle.clone());
        machine.headless = true;
        machine.disk = Some(crate::qemu::fresh_disk("bench")?);
        let qmp_path = image::target_dir().join("weft").join("qmp-bench.sock");
        let _ = std::fs::remove_file(&qmp_path);
        machine.qmp = Some(qmp_path.clone());
        let mut running = Running::start(&machine, false)?;
        let mut qmp = crate::qemu::Qmp::connect(&qmp_path)?;
        let first = running
            .wait_for(Duration::from_secs(60), |l| l.contains("virtio-gpu: first frame"))
            .ok_or("no first frame within 60 s")?;
        let on_screen = loop {
            let at = running.elapsed();
            let picture = screendump(&mut qmp, "bench-boot")?;
            if picture.get_pixel(640, 400).0 != BOOT_BACKGROUND
                && differing(&picture, &reference, 24) < pixels / 50
            {
                break at;
            }
            if at > Duration::from_secs(180) {
                return Err("the desktop never appeared within 180 s (target/weft/bench-boot.png)".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let ready = running.wait_for(Duration::from_secs(10), |l| l.contains("shell ready"));
        running.stop();
        let lines = running.lines();
        let at = |needle: &str| {
            lines.iter().find(|l| l.text.contains(needle)).map(|l| l.at.as_secs_f64() * 1000.0)
        };
        let kernel_ms = at("weft: kernel at").unwrap_or(0.0);
        let root_ms = at("root manager started").unwrap_or(0.0);
        let frame_ms = first.at.as_secs_f64() * 1000.0;
        let desktop_ms = on_screen.as_secs_f64() * 1000.0;
        let logged_ms = ready.map(|l| l.at.as_secs_f64() * 1000.0).unwrap_or(0.0);
        util::step(&format!(
            "run {run}: kernel {kernel_ms:.0} ms, root manager {root_ms:.0} ms, first frame {frame_ms:.0} ms, \
             `shell ready` logged {logged_ms:.0} ms, desktop on screen {desktop_ms:.0} ms"
        ));
        desktop.push(desktop_ms);
        kernel.push(kernel_ms);
        root.push(root_ms);
        frame.push(frame_ms);
        logged.push(logged_ms);
    }
    println!(
        "bench boot (median of {RUNS}, QEMU start →, {}): kernel's first line {:.0} ms, root manager running {:.0} ms, \
         display driver's first frame {:.0} ms, the shell's `shell ready` line {:.0} ms, desktop on screen \
         (screendump matches the desktop) {:.0} ms",
        load(),
        median(kernel),
        median(root),
        median(frame),
        median(logged),
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

/// Read a connection to its end; the bytes and the time from the first
/// byte to the end.
fn receive(listener: &std::net::TcpListener) -> Result<(u64, Duration), String> {
    use std::io::Read;
    let (mut stream, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
    let mut buffer = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    let mut first = None;
    loop {
        let n = stream.read(&mut buffer).map_err(|e| format!("receiving: {e}"))?;
        if n == 0 {
            break;
        }
        first.get_or_insert_with(std::time::Instant::now);
        total += n as u64;
    }
    Ok((total, first.map(|f| f.elapsed()).unwrap_or_default()))
}

/// The load on this host (1-minute average and cores), to read the
/// figures against.
fn load() -> String {
    let average = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("load {} on {cores} cores", average.unwrap_or_else(|| "?".into()))
}

const NET_BENCH_MIB: u64 = 32;

/// TCP from the guest to a receiver on the host, next to the same
/// transfer between two host processes (this program and a copy of it
/// started as the sender), in the same run.
fn net() -> Result<(), String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let bytes = NET_BENCH_MIB << 20;

    // The baseline: another process sends the same bytes over loopback.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut sender = std::process::Command::new(exe)
        .args(["bench", "net-send", &port.to_string(), &bytes.to_string()])
        .spawn()
        .map_err(|e| format!("starting the baseline sender: {e}"))?;
    let (host_bytes, host_time) = receive(&listener)?;
    let _ = sender.wait();

    let options = Options {
        extra_services: vec!["boards/programs/net-bench".into()],
        args: vec![
            ("net-bench".into(), "to".into(), format!("{}:{port}", crate::qemu_net::HOST_FROM_GUEST)),
            ("net-bench".into(), "mib".into(), NET_BENCH_MIB.to_string()),
        ],
        ..Options::qemu()
    };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.disk = Some(crate::qemu::fresh_disk("bench")?);
    util::step("booting QEMU with the network benchmark (TCG: figures are for this host's emulation)");
    let mut running = Running::start(&machine, false)?;
    let (guest_bytes, guest_time) = receive(&listener)?;
    let line = running
        .wait_for(Duration::from_secs(120), |l| l.contains("net bench:") || l.contains("net-bench failed"))
        .ok_or("the guest never reported")?;
    running.stop();
    if guest_bytes != bytes || host_bytes != bytes {
        return Err(format!(
            "received {guest_bytes} bytes from the guest and {host_bytes} from the host process, not {bytes}"
        ));
    }
    let rate = |b: u64, t: Duration| b as f64 / (1 << 20) as f64 / t.as_secs_f64().max(1e-9);
    let (guest, host) = (rate(guest_bytes, guest_time), rate(host_bytes, host_time));
    println!("bench net ({NET_BENCH_MIB} MiB over one TCP connection, {}):", load());
    println!("  guest → host (virtio-net, smoltcp, QEMU user network): {guest:.1} MiB/s");
    println!("  host process → host process (loopback): {host:.1} MiB/s");
    println!("  ratio: the guest reaches {:.4}× the host's loopback", guest / host);
    println!("  guest's own log: {}", line.text.split("net bench: ").nth(1).unwrap_or(&line.text));
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(0.0)
}

/// A key typed in the host's viewer to the glyph's frame decoded on the
/// host, through the guest's mesh (Zenoh over its own TCP/IP), next to a
/// line echoed by a guest program over the same forwarded path, in the
/// same boot.
fn glyph() -> Result<(), String> {
    use std::io::{BufRead, BufReader, Write};
    const SAMPLES: usize = 25;
    let viewer = crate::qemu_mesh::viewer()?;
    let mesh_port = crate::qemu_net::free_port()?;
    let echo_port = crate::qemu_net::free_port()?;
    let options = Options {
        boot: vec!["mesh".into(), "terminal".into()],
        args: vec![("mesh".into(), "stream".into(), "all".into())],
        extra_services: vec!["boards/programs/net-check".into()],
        ..Options::qemu()
    };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.disk = Some(crate::qemu::fresh_disk("bench")?);
    machine.network = Some(crate::qemu::Network {
        forward: vec![(mesh_port, crate::qemu::MESH_PORT), (echo_port, 7000)],
        guest_forward: Vec::new(),
    });
    util::step(
        "booting QEMU with the mesh streaming the Terminal (TCG: figures are for this host's emulation)",
    );
    let mut running = Running::start(&machine, false)?;
    running
        .wait_for(Duration::from_secs(120), |l| {
            l.contains("as weft.terminal on weft/app/weft.terminal/stream")
        })
        .ok_or("the guest's mesh never streamed the Terminal")?;
    running
        .wait_for(Duration::from_secs(180), |l| l.contains("net-check: listening on 7000"))
        .ok_or("the guest's echo program never listened")?;
    std::thread::sleep(Duration::from_secs(2));

    // Baseline: a line to a guest program and back, same network path.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", echo_port)).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut echo = Vec::new();
    for _ in 0..SAMPLES {
        let started = std::time::Instant::now();
        stream.write_all(b"x\n").map_err(|e| e.to_string())?;
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        echo.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    drop(stream);

    // The key to its glyph, through the mesh.
    let out = image::target_dir().join("weft").join("bench-glyph");
    let mut glyph = Vec::new();
    for _ in 0..SAMPLES {
        let (_, said) = crate::qemu_mesh::view(&viewer, mesh_port, &out, &["--frames", "2", "--type", "a"])?;
        let after = said
            .lines()
            .filter_map(|l| l.split(" after input ").nth(1))
            .filter_map(|rest| rest.split(" ms").next()?.parse::<f64>().ok())
            .next()
            .ok_or_else(|| format!("the viewer reported no frame after the key: {said}"))?;
        glyph.push(after);
    }
    running.stop();
    echo.sort_by(|a, b| a.total_cmp(b));
    glyph.sort_by(|a, b| a.total_cmp(b));
    let (e50, e99, g50, g99) =
        (percentile(&echo, 0.5), percentile(&echo, 0.99), percentile(&glyph, 0.5), percentile(&glyph, 0.99));
    println!(
        "bench net, key to glyph ({SAMPLES} samples each, {}; p99 of {SAMPLES} is the slowest):",
        load()
    );
    println!(
        "  a key typed in the host's viewer to the Terminal's glyph frame decoded on the host: p50 {g50:.1} ms, p99 {g99:.1} ms"
    );
    println!(
        "  a line echoed by a guest program over the same forwarded path: p50 {e50:.1} ms, p99 {e99:.1} ms"
    );
    println!("  ratio (p50): {:.1}× the network round trip", g50 / e50.max(1e-9));
    Ok(())
}

/// The baseline's sender: `bench net-send PORT BYTES`.
pub fn net_send(args: &[String]) -> Result<(), String> {
    use std::io::Write;
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).ok_or("net-send PORT BYTES")?;
    let bytes: u64 = args.get(2).and_then(|b| b.parse().ok()).ok_or("net-send PORT BYTES")?;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let chunk = vec![0x42u8; 32 * 1024];
    let mut sent = 0;
    while sent < bytes {
        let n = (bytes - sent).min(chunk.len() as u64) as usize;
        stream.write_all(&chunk[..n]).map_err(|e| e.to_string())?;
        sent += n as u64;
    }
    Ok(())
}

/// `bench boot` | `bench ipc --qemu` | `bench storage --qemu` | `bench net`.
pub fn command(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("boot") => boot(),
        Some("ipc") => ipc(),
        Some("storage") => storage(),
        Some("net") => net().and_then(|()| glyph()),
        Some("net-send") => net_send(args),
        _ => {
            Err("usage: cargo xtask bench boot | bench ipc --qemu | bench storage --qemu | bench net".into())
        }
    }
}
