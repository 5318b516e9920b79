//! `cargo xtask bench <what>`: benchmarks, reported as figures and ratios.

use crate::util;

/// `bench ipc | ...`.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(what) = args.first() else {
        return Err("usage: cargo xtask bench <ipc>".into());
    };
    match what.as_str() {
        "ipc" => {
            let mut command = util::cargo();
            command.args(["run", "--release", "-p", "weft-board-hosted", "--bin", "weft-bench", "--", "ipc"]);
            command.args(&args[1..]);
            util::run(&mut command)
        }
        other => Err(format!("unknown benchmark `{other}` (try: ipc)")),
    }
}
