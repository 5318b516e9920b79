//! `cargo xtask bench <what>`: benchmarks, reported as figures and ratios.

use crate::{bench_stream, util};

/// `bench ipc | stream | storage`.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(what) = args.first() else {
        return Err("usage: cargo xtask bench <ipc | stream | storage>".into());
    };
    match what.as_str() {
        "ipc" => {
            let mut command = util::cargo();
            command.args(["run", "--release", "-p", "weft-board-hosted", "--bin", "weft-bench", "--", "ipc"]);
            command.args(&args[1..]);
            util::run(&mut command)
        }
        "stream" => bench_stream::run(&args[1..]),
        "storage" => {
            let mut command = util::cargo();
            command.args([
                "run",
                "--release",
                "-p",
                "weft-board-hosted",
                "--bin",
                "weft-bench",
                "--",
                "storage",
            ]);
            command.args(&args[1..]);
            util::run(&mut command)
        }
        other => Err(format!("unknown benchmark `{other}` (try: ipc, stream, storage)")),
    }
}
