//! Prerequisites: rustup targets and components, and host packages. Each
//! command names what it needs; what is missing is installed (Debian/Ubuntu
//! as root: `apt-get update` once, then one `apt-get install`; macOS:
//! Homebrew), or the one command that would install it is printed.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::util;

/// One host package a command needs, and how to tell it is there.
#[derive(Clone, Copy, Debug)]
pub struct Package {
    /// What it is for, for messages.
    pub purpose: &'static str,
    /// How to see it is installed.
    pub check: Check,
    /// The Debian/Ubuntu package.
    pub apt: &'static str,
    /// The Homebrew formula, where macOS needs it at all.
    pub brew: Option<&'static str>,
}

/// How to see that a package is installed.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// A program on `PATH`.
    Program(&'static str),
    /// A file (a header or a library) at one of these paths.
    File(&'static [&'static str]),
}

impl Check {
    fn holds(self) -> bool {
        match self {
            Check::Program(program) => have(program),
            Check::File(paths) => paths.iter().any(|path| Path::new(path).exists()),
        }
    }
}

/// Python 3 with `venv`, for the independent Zenoh peer of the tests.
pub const PYTHON_VENV: Package = Package {
    purpose: "run an independent Zenoh peer (Python eclipse-zenoh) in the tests",
    check: Check::Program("python3"),
    apt: "python3-venv",
    brew: Some("python"),
};

/// QEMU for the aarch64 `virt` machine.
pub const QEMU: Package = Package {
    purpose: "boot Weft in QEMU",
    check: Check::Program("qemu-system-aarch64"),
    apt: "qemu-system-arm",
    brew: Some("qemu"),
};
/// `qemu-img`, for disk images.
pub const QEMU_IMG: Package = Package {
    purpose: "make disk images",
    check: Check::Program("qemu-img"),
    apt: "qemu-utils",
    brew: Some("qemu"),
};
/// xkbcommon headers and library: anything linking Smithay (the hosted
/// runner, the Wayland front) needs them on Linux.
pub const XKBCOMMON: Package = Package {
    purpose: "link the hosted runner and the Wayland front",
    check: Check::File(&["/usr/include/xkbcommon/xkbcommon.h"]),
    apt: "libxkbcommon-dev",
    brew: None,
};
/// A virtual X server for the window tests.
pub const XVFB: Package = Package {
    purpose: "run the desktop in a virtual X server",
    check: Check::Program("Xvfb"),
    apt: "xvfb",
    brew: None,
};
/// `xvfb-run` needs `xauth`.
pub const XAUTH: Package = Package {
    purpose: "start the virtual X server",
    check: Check::Program("xauth"),
    apt: "xauth",
    brew: None,
};
/// `xwd` captures the X screen.
pub const XWD: Package =
    Package { purpose: "capture the X screen", check: Check::Program("xwd"), apt: "x11-apps", brew: None };
/// Real Wayland clients for the Wayland front's tests.
pub const WESTON: Package = Package {
    purpose: "real Wayland clients (weston-terminal, weston-simple-shm)",
    check: Check::Program("weston-simple-shm"),
    apt: "weston",
    brew: None,
};
/// foot, a real Wayland terminal.
pub const FOOT: Package = Package {
    purpose: "a real Wayland terminal (foot)",
    check: Check::Program("foot"),
    apt: "foot",
    brew: None,
};

/// What the host tests need on Linux.
pub const HOST_TESTS_LINUX: &[Package] = &[XKBCOMMON, WESTON, FOOT, QEMU];
/// What the screenshot stage needs on Linux.
pub const SCREENSHOTS_LINUX: &[Package] = &[XKBCOMMON, XVFB, XAUTH, XWD];

/// Whether `program` is there: `program --version` succeeds, or it is a
/// file on `PATH` (tools such as `xwd` have no `--version`).
pub fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
        || Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

/// Make sure the rustup target is installed.
pub fn rust_target(target: &str) -> Result<(), String> {
    let installed = rustup(&["target", "list", "--installed"])?;
    if installed.lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    util::step(&format!("installing the Rust target {target}"));
    util::run(Command::new("rustup").args(["target", "add", target]).current_dir(util::root()))
        .map_err(|e| format!("{e}\nrun: rustup target add {target}"))
}

/// Make sure the rustup component (clippy, rustfmt) is installed.
pub fn rust_component(component: &str) -> Result<(), String> {
    let installed = rustup(&["component", "list", "--installed"])?;
    if installed.lines().any(|l| l.trim().starts_with(component)) {
        return Ok(());
    }
    util::step(&format!("installing the Rust component {component}"));
    util::run(Command::new("rustup").args(["component", "add", component]).current_dir(util::root()))
        .map_err(|e| format!("{e}\nrun: rustup component add {component}"))
}

fn rustup(args: &[&str]) -> Result<String, String> {
    let output = Command::new("rustup").args(args).current_dir(util::root()).output().map_err(|_| {
        format!(
            "rustup not found; Weft is built with rustup (https://rustup.rs), then: rustup {}",
            args.join(" ")
        )
    })?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn debian_like() -> bool {
    Path::new("/etc/debian_version").exists() && have("apt-get")
}

/// `apt-get update` runs at most once per xtask run.
static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// Make sure every package is installed: one install for all that are
/// missing, or an error with the exact command to run.
pub fn ensure(packages: &[Package]) -> Result<(), String> {
    let mut missing: Vec<&Package> = Vec::new();
    for package in packages {
        let wanted = if cfg!(target_os = "macos") { package.brew.is_some() } else { true };
        if wanted && !package.check.holds() && !missing.iter().any(|m| m.apt == package.apt) {
            missing.push(package);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    for package in &missing {
        util::step(&format!("missing: {} (to {})", package.apt, package.purpose));
    }
    if cfg!(target_os = "macos") {
        let formulas: Vec<&str> = missing.iter().filter_map(|p| p.brew).collect();
        let command = format!("brew install {}", formulas.join(" "));
        if !have("brew") {
            return Err(format!("install Homebrew (https://brew.sh), then run: {command}"));
        }
        util::run(Command::new("brew").arg("install").args(&formulas))
            .map_err(|e| format!("{e}\nrun: {command}"))?;
    } else if debian_like() {
        let names: Vec<&str> = missing.iter().map(|p| p.apt).collect();
        let command = format!("sudo apt-get update && sudo apt-get install -y {}", names.join(" "));
        if !is_root() {
            return Err(format!("some host packages are missing; run: {command}"));
        }
        if !APT_UPDATED.swap(true, Ordering::SeqCst) {
            util::run(
                Command::new("apt-get").args(["update", "-q"]).env("DEBIAN_FRONTEND", "noninteractive"),
            )
            .map_err(|e| format!("{e}\nrun: {command}"))?;
        }
        util::run(
            Command::new("apt-get")
                .args(["install", "-y", "-q", "--no-install-recommends"])
                .args(&names)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
        .map_err(|e| format!("{e}\nrun: {command}"))?;
    } else {
        let names: Vec<&str> = missing.iter().map(|p| p.apt).collect();
        return Err(format!(
            "some host packages are missing; install these (Debian names) with your package manager: {}",
            names.join(" ")
        ));
    }
    let still: Vec<&str> = missing.iter().filter(|p| !p.check.holds()).map(|p| p.apt).collect();
    if still.is_empty() {
        Ok(())
    } else {
        Err(format!("still missing after installing: {}", still.join(" ")))
    }
}

/// The packages the host build and its tests need on this host.
pub fn host_tests() -> &'static [Package] {
    if cfg!(target_os = "linux") { HOST_TESTS_LINUX } else { &[] }
}

/// The toolchain the fuzz crates build with (`cargo-fuzz` needs
/// sanitizer flags only nightly accepts); the product stays on stable.
pub const FUZZ_TOOLCHAIN: &str = "nightly";

/// Make sure the nightly toolchain and `cargo-fuzz` are installed,
/// installing what is missing.
pub fn fuzz_tools() -> Result<(), String> {
    let toolchains = rustup(&["toolchain", "list"])?;
    if !toolchains.lines().any(|line| line.starts_with(FUZZ_TOOLCHAIN)) {
        util::step(&format!("installing the {FUZZ_TOOLCHAIN} toolchain (fuzz builds)"));
        let command = format!("rustup toolchain install {FUZZ_TOOLCHAIN} --profile minimal");
        util::run(
            Command::new("rustup")
                .args(["toolchain", "install", FUZZ_TOOLCHAIN, "--profile", "minimal"])
                .current_dir(util::root()),
        )
        .map_err(|e| format!("{e}\nrun: {command}"))?;
    }
    let fuzz_version = Command::new("cargo")
        .args([&format!("+{FUZZ_TOOLCHAIN}"), "fuzz", "--version"])
        .current_dir(util::root())
        .output();
    if !fuzz_version.is_ok_and(|output| output.status.success()) {
        util::step("installing cargo-fuzz");
        util::run(
            Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]).current_dir(util::root()),
        )
        .map_err(|e| format!("{e}\nrun: cargo install cargo-fuzz --locked"))?;
    }
    Ok(())
}

/// The version of the reference `zenoh` crate in `Cargo.lock`: the Python
/// peer must speak the same protocol version.
fn zenoh_version() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(util::root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"zenoh\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    Err("Cargo.lock has no zenoh package".into())
}

/// A Python with `eclipse-zenoh` (the version of the Rust `zenoh` in
/// `Cargo.lock`), in a virtual environment under the target directory,
/// made and installed on first use.
pub fn python_zenoh() -> Result<std::path::PathBuf, String> {
    let version = zenoh_version()?;
    let venv = crate::image::target_dir().join("weft").join("python-zenoh");
    let python = venv.join("bin").join("python3");
    let installed = |python: &Path| {
        Command::new(python)
            .args([
                "-c",
                &format!(
                    "import zenoh, importlib.metadata as m; assert m.version('eclipse-zenoh') == '{version}'"
                ),
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if python.exists() && installed(&python) {
        return Ok(python);
    }
    ensure(&[PYTHON_VENV])?;
    util::step(&format!("installing Python eclipse-zenoh {version} into {}", venv.display()));
    let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status();
    if !made.is_ok_and(|s| s.success()) {
        return Err(format!("python3 -m venv {} failed (install python3-venv)", venv.display()));
    }
    util::run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        &format!("eclipse-zenoh=={version}"),
    ]))
    .map_err(|e| format!("{e}\ninstalling eclipse-zenoh from PyPI failed"))?;
    if !installed(&python) {
        return Err(format!("eclipse-zenoh {version} did not import after installing it"));
    }
    Ok(python)
}
