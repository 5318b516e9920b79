//! Running Weft in QEMU: the `virt` machine with virtio devices, the
//! serial console captured line by line (with arrival times), and a QMP
//! socket for screendumps and input injection.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::util;

/// How to start the machine.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The kernel `Image`.
    pub kernel: PathBuf,
    /// The boot bundle (initrd).
    pub initrd: PathBuf,
    /// No window: `-display none` (serial only, screendumps still work).
    pub headless: bool,
    /// GIC version (2 or 3).
    pub gic: u8,
    /// Start at EL2 (`virtualization=on`).
    pub el2: bool,
    /// Attach virtio-gpu, keyboard, tablet and a scratch disk.
    pub devices: bool,
    /// Disk image for virtio-blk (the storage service's disk).
    pub disk: Option<PathBuf>,
    /// Where the QMP socket goes (tests).
    pub qmp: Option<PathBuf>,
    /// Guest RAM in MiB.
    pub memory_mib: u32,
    /// Extra QEMU arguments (benchmarks: `-icount`).
    pub extra: Vec<String>,
    /// A virtio-net NIC on QEMU's user-mode network (10.0.2.0/24: DHCP,
    /// the host at 10.0.2.2, DNS at 10.0.2.3), with these forwards.
    pub network: Option<Network>,
}

/// QEMU's user-mode network for the guest's NIC.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Host TCP ports forwarded to guest ports (`hostfwd`).
    pub forward: Vec<(u16, u16)>,
    /// Guest-visible `address:port`s whose TCP connections go to a host
    /// port (`guestfwd`).
    pub guest_forward: Vec<(String, u16)>,
}

impl Network {
    /// The `-netdev` value.
    fn netdev(&self) -> String {
        let mut value = String::from("user,id=net0");
        for (host, guest) in &self.forward {
            value.push_str(&format!(",hostfwd=tcp:127.0.0.1:{host}-:{guest}"));
        }
        for (guest, host) in &self.guest_forward {
            value.push_str(&format!(",guestfwd=tcp:{guest}-tcp:127.0.0.1:{host}"));
        }
        value
    }
}

impl Machine {
    /// The default desktop machine.
    pub fn new(kernel: PathBuf, initrd: PathBuf) -> Machine {
        Machine {
            kernel,
            initrd,
            headless: false,
            gic: 2,
            el2: false,
            devices: true,
            disk: None,
            qmp: None,
            memory_mib: 1024,
            extra: Vec::new(),
            network: Some(Network::default()),
        }
    }

    /// The command line.
    pub fn command(&self, qemu: &Path) -> Command {
        let mut command = Command::new(qemu);
        let mut machine = format!("virt,gic-version={}", self.gic);
        if self.el2 {
            machine.push_str(",virtualization=on");
        }
        command
            .args(["-M", &machine, "-cpu", "cortex-a53", "-smp", "1"])
            .args(["-m", &format!("{}M", self.memory_mib)])
            .arg("-kernel")
            .arg(&self.kernel)
            .arg("-initrd")
            .arg(&self.initrd)
            .args(["-serial", "stdio", "-monitor", "none", "-no-reboot"])
            .args(["-global", "virtio-mmio.force-legacy=false"])
            // No default NIC (QEMU's wants a boot ROM a minimal install
            // lacks): the virtio-net one below is added explicitly.
            .args(["-nic", "none"]);
        if self.headless {
            command.args(["-display", "none"]);
        }
        if self.devices {
            command
                .args(["-device", "virtio-gpu-device,xres=1280,yres=800"])
                .args(["-device", "virtio-keyboard-device"])
                .args(["-device", "virtio-tablet-device"]);
            if let Some(disk) = &self.disk {
                command
                    .arg("-drive")
                    .arg(format!("if=none,id=disk,format=raw,file={}", disk.display()))
                    .args(["-device", "virtio-blk-device,drive=disk"]);
            }
        }
        if let Some(network) = self.network.as_ref().filter(|_| self.devices) {
            command
                .args(["-netdev", &network.netdev()])
                .args(["-device", "virtio-net-device,netdev=net0,id=nic0"]);
        }
        if self.devices {
            // An entropy source (the host's /dev/urandom): the virtio-rng
            // driver feeds it into the kernel's pool. Added after the
            // others so their transports (and names) stay where they were.
            command.args(["-device", "virtio-rng-device"]);
        }
        command.args(&self.extra);
        if let Some(qmp) = &self.qmp {
            command.arg("-qmp").arg(format!("unix:{},server=on,wait=off", qmp.display()));
        }
        command
    }
}

/// Find `qemu-system-aarch64`, installing it where that is possible.
pub fn find() -> Result<PathBuf, String> {
    crate::prereq::ensure(&[crate::prereq::QEMU, crate::prereq::QEMU_IMG])?;
    which("qemu-system-aarch64").ok_or_else(|| "qemu-system-aarch64 is not on PATH".to_string())
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
}

/// One line of serial output and when it arrived (since QEMU started).
#[derive(Clone, Debug)]
pub struct Line {
    /// Arrival time.
    pub at: Duration,
    /// Text, without the line ending.
    pub text: String,
}

/// A running QEMU with its serial output captured.
pub struct Running {
    child: Child,
    started: Instant,
    lines: Arc<Mutex<Vec<Line>>>,
    echo: bool,
    printed: usize,
}

impl Running {
    /// Start `machine`; `echo` copies serial lines to our standard output.
    pub fn start(machine: &Machine, echo: bool) -> Result<Running, String> {
        let qemu = find()?;
        let mut command = machine.command(&qemu);
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let started = Instant::now();
        let mut child =
            command.spawn().map_err(|e| format!("could not start {}: {e}", util::describe(&command)))?;
        let stdout = child.stdout.take().ok_or("no serial pipe")?;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buffer = Vec::new();
            while reader.read_until(b'\n', &mut buffer).map(|n| n > 0).unwrap_or(false) {
                let text = String::from_utf8_lossy(&buffer).trim_end_matches(['\r', '\n']).to_string();
                buffer.clear();
                if let Ok(mut lines) = sink.lock() {
                    lines.push(Line { at: started.elapsed(), text });
                }
            }
        });
        Ok(Running { child, started, lines, echo, printed: 0 })
    }

    /// Time since QEMU started (the clock the lines' `at` is on).
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<Line> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    fn echo_new(&mut self) {
        if !self.echo {
            return;
        }
        let lines = self.lines();
        for line in lines.iter().skip(self.printed) {
            println!("{}", line.text);
        }
        self.printed = lines.len();
    }

    /// Wait until a line satisfies `predicate`, QEMU exits, or `timeout`.
    pub fn wait_for(&mut self, timeout: Duration, mut predicate: impl FnMut(&str) -> bool) -> Option<Line> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        while Instant::now() < deadline {
            self.echo_new();
            let lines = self.lines();
            if let Some(line) = lines.iter().skip(seen).find(|l| predicate(&l.text)) {
                return Some(line.clone());
            }
            seen = lines.len();
            if self.child.try_wait().map(|s| s.is_some()).unwrap_or(true) {
                std::thread::sleep(Duration::from_millis(100));
                self.echo_new();
                return self.lines().into_iter().skip(seen).find(|l| predicate(&l.text));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Stop QEMU.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A QMP connection.
pub struct Qmp {
    stream: UnixStream,
    reader: BufReader<UnixStream>,
}

impl Qmp {
    /// Connect (retrying while QEMU starts) and leave capability negotiation.
    pub fn connect(path: &Path) -> Result<Qmp, String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match UnixStream::connect(path) {
                Ok(stream) => break stream,
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(format!("QMP {}: {e}", path.display())),
            }
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
        let mut qmp = Qmp { stream, reader };
        qmp.read_reply()?; // greeting
        qmp.execute(r#"{"execute":"qmp_capabilities"}"#)?;
        Ok(qmp)
    }

    fn read_reply(&mut self) -> Result<String, String> {
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).map_err(|e| format!("QMP: {e}"))?;
            if line.is_empty() {
                return Err("QMP closed".into());
            }
            // Asynchronous events are skipped.
            if line.contains("\"event\"") {
                continue;
            }
            return Ok(line);
        }
    }

    /// Send one command (JSON text) and return the reply line.
    pub fn execute(&mut self, json: &str) -> Result<String, String> {
        self.stream
            .write_all(json.as_bytes())
            .and_then(|_| self.stream.write_all(b"\n"))
            .map_err(|e| format!("QMP: {e}"))?;
        let reply = self.read_reply()?;
        if reply.contains("\"error\"") {
            return Err(format!("QMP {json}: {reply}"));
        }
        Ok(reply)
    }

    /// Save the screen as a PNG.
    pub fn screendump(&mut self, path: &Path) -> Result<(), String> {
        self.execute(&format!(
            r#"{{"execute":"screendump","arguments":{{"filename":"{}","format":"png"}}}}"#,
            path.display()
        ))
        .map(drop)
    }

    /// Send input events (QMP `input-send-event` event objects).
    pub fn input(&mut self, events: &[String]) -> Result<(), String> {
        self.execute(&format!(
            r#"{{"execute":"input-send-event","arguments":{{"events":[{}]}}}}"#,
            events.join(",")
        ))
        .map(drop)
    }
}

/// A QMP key press and release for a QEMU key name (`a`, `ret`, `spc`).
pub fn key(name: &str) -> Vec<String> {
    [true, false]
        .iter()
        .map(|down| {
            format!(r#"{{"type":"key","data":{{"down":{down},"key":{{"type":"qcode","data":"{name}"}}}}}}"#)
        })
        .collect()
}

/// Absolute pointer move to (x, y) in 0..=32767, then a left click.
pub fn click(x: u32, y: u32) -> Vec<Vec<String>> {
    vec![
        vec![
            format!(r#"{{"type":"abs","data":{{"axis":"x","value":{x}}}}}"#),
            format!(r#"{{"type":"abs","data":{{"axis":"y","value":{y}}}}}"#),
        ],
        vec![r#"{"type":"btn","data":{"down":true,"button":"left"}}"#.to_string()],
        vec![r#"{"type":"btn","data":{"down":false,"button":"left"}}"#.to_string()],
    ]
}

/// Size of a new QEMU disk image.
const DISK_BYTES: u64 = 256 << 20;

/// A new, empty disk image `target/weft/<name>.img` for a test (whatever
/// an earlier run left there is gone).
pub fn fresh_disk(name: &str) -> Result<PathBuf, String> {
    fresh_disk_of(name, DISK_BYTES)
}

/// [`fresh_disk`] of `bytes`.
pub fn fresh_disk_of(name: &str, bytes: u64) -> Result<PathBuf, String> {
    let path = crate::image::target_dir().join("weft").join(format!("{name}.img"));
    let _ = std::fs::remove_file(&path);
    disk_image(&path, bytes)
}

/// The disk image at `path`, made (empty, sparse, `bytes` long) if it does
/// not exist.
fn disk_image(path: &Path, bytes: u64) -> Result<PathBuf, String> {
    if !path.exists() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        file.set_len(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(path.to_path_buf())
}

/// The disk `cargo xtask run` keeps between runs for `board`; `reset`
/// starts it over empty.
pub fn persistent_disk(board: &str, reset: bool) -> Result<PathBuf, String> {
    let path = crate::image::target_dir().join("weft").join(format!("disk-{board}.img"));
    if reset && path.exists() {
        std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        util::step(&format!("reset the disk {}", path.display()));
    }
    let existed = path.exists();
    let path = disk_image(&path, DISK_BYTES)?;
    if existed {
        util::step(&format!(
            "the disk is {} (kept between runs; --reset-disk starts it over)",
            path.display()
        ));
    } else {
        util::step(&format!("made a new {} MiB disk {}", DISK_BYTES >> 20, path.display()));
    }
    Ok(path)
}

/// The guest port the mesh service listens on.
pub const MESH_PORT: u16 = 7447;

/// `cargo xtask run [--headless] [--gic 3] [--el2] [--stream [--port N]]`:
/// build the image and boot the desktop in a QEMU window (serial on this
/// terminal).
pub fn run(args: &[String]) -> Result<(), String> {
    let mut machine_gic = 2;
    let mut el2 = false;
    let mut headless = false;
    let mut reset_disk = false;
    let mut stream = false;
    let mut port = MESH_PORT;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--headless" => headless = true,
            "--stream" => stream = true,
            "--port" => {
                port = iter.next().and_then(|v| v.parse().ok()).ok_or("--port takes a port number")?
            }
            "--reset-disk" => reset_disk = true,
            "--el2" => el2 = true,
            "--gic" => {
                machine_gic = iter
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|v| *v == 2 || *v == 3)
                    .ok_or("--gic takes 2 or 3")?
            }
            other => return Err(format!("run: unknown option `{other}`")),
        }
    }
    find()?;
    let mut options = crate::image::Options::qemu();
    if stream {
        // The mesh starts at boot and streams every window; the host's
        // port reaches its Zenoh listener.
        options.boot.push("mesh".into());
        options.args.push(("mesh".into(), "stream".into(), "all".into()));
    }
    let artifacts = crate::image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = headless;
    machine.gic = machine_gic;
    machine.el2 = el2;
    machine.disk = Some(persistent_disk("qemu", reset_disk)?);
    if stream {
        machine.network = Some(Network { forward: vec![(port, MESH_PORT)], guest_forward: Vec::new() });
        util::step(&format!(
            "the guest's windows stream to viewers: weft-viewer --connect tcp/127.0.0.1:{port} --no-scouting"
        ));
    }
    util::step(if headless {
        "booting Weft in QEMU (headless; Ctrl-C to stop)"
    } else {
        "booting Weft in a QEMU window (close it or Ctrl-C to stop)"
    });
    let qemu = find()?;
    let mut command = machine.command(&qemu);
    util::run(&mut command)
}
