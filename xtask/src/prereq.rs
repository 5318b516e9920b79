//! Prerequisites: rustup targets and host packages. Installs what it can,
//! otherwise says exactly what to run.
#![allow(dead_code, reason = "tool checks are used by the QEMU and Wayland stages as they land")]

use std::process::Command;

use crate::util;

/// Whether `program` is there: `program --version` succeeds, or (for
/// tools without `--version`, such as `xwd`) it is a file on `PATH`.
pub fn have(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
        || std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Make sure the rustup target is installed.
pub fn rust_target(target: &str) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(util::root())
        .output()
        .map_err(|_| format!("rustup not found; install the target yourself: rustup target add {target}"))?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    eprintln!("xtask: installing the Rust target {target}");
    util::run(Command::new("rustup").args(["target", "add", target]).current_dir(util::root()))
        .map_err(|e| format!("{e}\nrun: rustup target add {target}"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn debian_like() -> bool {
    std::path::Path::new("/etc/debian_version").exists() && have("apt-get")
}

/// Make sure `program` exists, installing Debian `package` (as root) or
/// Homebrew `brew` on macOS when it does not.
pub fn tool(program: &str, package: &str, brew: Option<&str>) -> Result<(), String> {
    if have(program) {
        return Ok(());
    }
    if cfg!(target_os = "linux") && debian_like() {
        if is_root() {
            eprintln!("xtask: installing {package} (for {program})");
            util::run(Command::new("apt-get").args(["install", "-y", "--no-install-recommends", package]))?;
            if have(program) {
                return Ok(());
            }
        }
        return Err(format!("{program} is missing; run: sudo apt-get install -y {package}"));
    }
    if cfg!(target_os = "macos")
        && let Some(formula) = brew
    {
        if have("brew") {
            eprintln!("xtask: installing {formula} with Homebrew (for {program})");
            util::run(Command::new("brew").args(["install", formula]))?;
            if have(program) {
                return Ok(());
            }
        }
        return Err(format!("{program} is missing; run: brew install {formula}"));
    }
    Err(format!("{program} is missing; install {package} with your package manager"))
}
