//! `cargo xtask run`: boot Weft.

use crate::{prereq, util};

/// `run --hosted [--headless] [--quiet] [--stream [--listen ENDPOINT]] [--open APP]…`.
pub fn run(args: &[String]) -> Result<(), String> {
    let hosted = args.iter().any(|a| a == "--hosted");
    if !hosted {
        eprintln!("xtask: the QEMU boot is not wired in yet; running hosted Weft instead");
    }
    prereq::ensure(prereq::host_tests())?;
    let passthrough: Vec<&String> = args.iter().filter(|a| a.as_str() != "--hosted").collect();
    let mut command = util::cargo();
    command.args(["run", "--release", "-p", "weft-board-hosted", "--bin", "weft-hosted", "--"]);
    command.args(passthrough);
    util::run(&mut command)
}
