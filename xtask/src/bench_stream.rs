//! `cargo xtask bench stream`: the cost of streaming windows — bytes per
//! frame, encode and decode time, next to the raw frame and lz4 of the
//! whole frame, and the end-to-end latency on loopback.
//!
//! The measurement is the `stream_bench` example of the mesh service
//! (`boards/testing/examples/stream_bench.rs`): real compositor surfaces
//! from hosted Weft, then wlstream's synthetic pictures for comparison.
//! Built in release mode; options pass through (`--size WxH`,
//! `--frames N`).

use crate::util;

/// Run the stream benchmark.
pub fn run(args: &[String]) -> Result<(), String> {
    util::step("bench stream: building the hosted system and the mesh service in release mode");
    let mut command = util::cargo();
    command.args(["run", "--release", "-p", "weft-testing", "--example", "stream_bench", "--"]);
    command.args(args);
    util::run(&mut command)
}
