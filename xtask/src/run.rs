//! `cargo xtask run`: boot Weft.

use crate::{prereq, util};

/// `run --hosted [--headless] [--quiet] [--stream [--listen ENDPOINT]] [--open APP]…`.
pub fn run(args: &[String]) -> Result<(), String> {
    let hosted = args.iter().any(|a| a == "--hosted");
    if !hosted {
        eprintln!("xtask: the QEMU boot is not wired in yet; running hosted Weft instead");
    }
    prereq::ensure(prereq::host_tests())?;
    let reset = args.iter().any(|a| a == "--reset-disk");
    let passthrough: Vec<&String> =
        args.iter().filter(|a| a.as_str() != "--hosted" && a.as_str() != "--reset-disk").collect();
    let mut command = util::cargo();
    command.args(["run", "--release", "-p", "weft-board-hosted", "--bin", "weft-hosted", "--"]);
    command.args(&passthrough);
    // Files and settings outlive the run: the disk is an image file kept in
    // the target directory, unless the caller names another.
    if !passthrough.iter().any(|a| a.as_str() == "--disk") {
        command.arg("--disk").arg(crate::qemu::persistent_disk("hosted", reset)?);
    }
    util::run(&mut command)
}
