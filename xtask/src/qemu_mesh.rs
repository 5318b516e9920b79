//! The QEMU mesh test: the guest's mesh service (Zenoh over the guest's
//! own TCP/IP) streams the Terminal to the host's viewer through a
//! forwarded port; the picture matches the guest's screen, a command
//! typed in the viewer runs in the guest, and an independent Zenoh peer
//! (Python `eclipse-zenoh`) receives the guest's heartbeat.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::image::{self, Options};
use crate::qemu::{MESH_PORT, Machine, Network, Qmp, Running};
use crate::qemu_tests::{Picture, screendump};
use crate::{prereq, util};

/// The host's viewer binary (built once, in the profile the tests use).
pub(crate) fn viewer() -> Result<PathBuf, String> {
    util::step("building the viewer");
    util::run(util::cargo().args(["build", "-p", "weft-viewer", "--bin", "weft-viewer"]))?;
    let path = image::target_dir().join("debug").join("weft-viewer");
    if path.exists() { Ok(path) } else { Err(format!("{} was not built", path.display())) }
}

/// Run the viewer headless against the guest; returns its PNG frames.
pub(crate) fn view(
    viewer: &Path,
    port: u16,
    out: &Path,
    extra: &[&str],
) -> Result<(Vec<PathBuf>, String), String> {
    let _ = std::fs::remove_dir_all(out);
    let output = Command::new(viewer)
        .args(["--headless", "--out"])
        .arg(out)
        .args(["--connect", &format!("tcp/127.0.0.1:{port}"), "--no-scouting", "--app", "weft.terminal"])
        .args(["--timeout", "90"])
        .args(extra)
        .output()
        .map_err(|e| format!("running the viewer: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the viewer failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut frames: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    frames.sort();
    Ok((frames, String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// Where `window` is on `screen` (exactly, within `tolerance` per channel
/// on most pixels), if anywhere.
fn find_on_screen(screen: &Picture, window: &Picture, tolerance: u8) -> Option<(u32, u32, usize)> {
    let (sw, sh) = screen.dimensions();
    let (w, h) = window.dimensions();
    if w > sw || h > sh {
        return None;
    }
    let close = |a: &::image::Rgb<u8>, b: &::image::Rgb<u8>| {
        a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) <= tolerance)
    };
    // A row in the middle of the window picks the candidates cheaply.
    let probe = h / 2;
    for y in 0..=sh - h {
        for x in 0..=sw - w {
            let row_matches = (0..w)
                .step_by(7)
                .all(|dx| close(screen.get_pixel(x + dx, y + probe), window.get_pixel(dx, probe)));
            if !row_matches {
                continue;
            }
            let differing = (0..h)
                .flat_map(|dy| (0..w).map(move |dx| (dx, dy)))
                .filter(|&(dx, dy)| !close(screen.get_pixel(x + dx, y + dy), window.get_pixel(dx, dy)))
                .count();
            if differing * 100 < (w * h) as usize {
                return Some((x, y, differing));
            }
        }
    }
    None
}

const TELEMETRY_PEER: &str = r#"
import sys, threading, zenoh
port = sys.argv[1]
conf = zenoh.Config()
conf.insert_json5("mode", '"client"')
conf.insert_json5("connect/endpoints", '["tcp/127.0.0.1:%s"]' % port)
conf.insert_json5("scouting/multicast/enabled", "false")
got = threading.Event()
size = []
def on_sample(sample):
    size.append(len(sample.payload.to_bytes()))
    got.set()
with zenoh.open(conf) as session:
    subscriber = session.declare_subscriber("weft/telemetry", on_sample)
    if not got.wait(30):
        print("no heartbeat within 30 s")
        sys.exit(1)
    print("heartbeat of %d bytes from %s" % (size[0], port))
"#;

/// Boot with the mesh and the Terminal at boot; view, type, listen.
pub fn mesh_run(echo: bool) -> Result<(), String> {
    let python = prereq::python_zenoh()?;
    let viewer = viewer()?;
    let port = crate::qemu_net::free_port()?;
    let options = Options {
        boot: vec!["mesh".into(), "terminal".into()],
        args: vec![("mesh".into(), "stream".into(), "all".into())],
        ..Options::qemu()
    };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.disk = Some(crate::qemu::fresh_disk("test-mesh")?);
    machine.network = Some(Network { forward: vec![(port, MESH_PORT)], guest_forward: Vec::new() });
    let qmp_path = image::target_dir().join("weft").join("qmp-mesh.sock");
    let _ = std::fs::remove_file(&qmp_path);
    machine.qmp = Some(qmp_path.clone());
    util::step("booting the QEMU desktop with the mesh streaming the Terminal");
    let mut running = Running::start(&machine, echo)?;
    let mut qmp = Qmp::connect(&qmp_path)?;
    running
        .wait_for(Duration::from_secs(120), |l| l.contains("on the mesh as a Zenoh peer"))
        .ok_or("the guest's mesh service did not start")?;
    running
        .wait_for(Duration::from_secs(120), |l| {
            l.contains("as weft.terminal on weft/app/weft.terminal/stream")
        })
        .ok_or("the guest's mesh service never streamed the Terminal")?;
    // Let the Terminal draw its prompt.
    std::thread::sleep(Duration::from_secs(3));

    // The picture: the viewer's frame is the Terminal's window on the
    // guest's screen.
    let out = image::target_dir().join("weft").join("mesh-view");
    let (frames, _) = view(&viewer, port, &out, &["--frames", "1"])?;
    let first = frames.first().ok_or("the viewer wrote no frame")?;
    let window = ::image::open(first).map_err(|e| format!("{}: {e}", first.display()))?.to_rgb8();
    let screen = screendump(&mut qmp, "qemu-mesh-screen")?;
    let (x, y, differing) = find_on_screen(&screen, &window, 8).ok_or_else(|| {
        format!(
            "the viewer's {}x{} picture ({}) is nowhere on the guest's screen (target/weft/qemu-mesh-screen.png)",
            window.width(),
            window.height(),
            first.display()
        )
    })?;
    util::step(&format!(
        "the viewer's {}x{} frame is the guest's screen at ({x}, {y}); {differing} pixels differ",
        window.width(),
        window.height()
    ));

    // A command typed in the viewer runs in the guest: the Terminal asks
    // the root manager to restart the status service, which it logs.
    view(&viewer, port, &out, &["--frames", "2", "--type", "svc restart status\n"])?;
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("status: Restart requested"))
        .ok_or("a command typed in the viewer did not run in the guest")?;

    // The network driver killed while streaming (typed in the viewer,
    // too): the driver restarts, the network service takes it back, and a
    // viewer gets the Terminal again, starting from a keyframe.
    view(&viewer, port, &out, &["--frames", "2", "--type", "svc restart virtio-net\n"])?;
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("virtio-net: Restart requested"))
        .ok_or("restarting the network driver from the viewer did not reach the guest")?;
    running
        .wait_for(Duration::from_secs(30), |l| l.contains("net: the network device is back"))
        .ok_or("the network service did not take the restarted driver back")?;
    let (frames, said) = view(&viewer, port, &out, &["--frames", "1"])?;
    if frames.is_empty() || !said.contains(" key ") {
        return Err(format!("after the network driver restarted, the viewer got no keyframe: {said}"));
    }

    // An independent Zenoh peer hears the guest's heartbeat.
    let output = Command::new(&python)
        .arg("-c")
        .arg(TELEMETRY_PEER)
        .arg(port.to_string())
        .output()
        .map_err(|e| format!("running the Python Zenoh peer: {e}"))?;
    let said = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() || !said.starts_with("heartbeat of ") {
        return Err(format!(
            "the Python Zenoh peer did not receive the guest's telemetry: {said} {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    util::step(&format!("Python eclipse-zenoh: {said}"));
    running.stop();
    Ok(())
}
