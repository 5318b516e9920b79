//! `cargo xtask test`: every test, in stages, with progress.

use std::time::Instant;

use crate::progress::{Progress, clock};
use crate::{portable, prereq, screenshots, util};

mod cycles;
mod fuzz;

/// The bare-metal target every portable crate must build for.
pub const METAL_TARGET: &str = "aarch64-unknown-none";

/// A named stage of the test run.
struct Stage {
    name: &'static str,
    run: fn() -> Result<(), String>,
}

fn host_tests() -> Result<(), String> {
    prereq::ensure(prereq::host_tests())?;
    util::run(util::cargo().args(["test", "--workspace", "--no-fail-fast"]))
}

fn lints() -> Result<(), String> {
    prereq::rust_component("rustfmt")?;
    prereq::rust_component("clippy")?;
    util::run(util::cargo().args(["fmt", "--all", "--check"]))?;
    util::run(util::cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    cycles::check()
}

/// The API documentation builds without a warning (broken intra-doc
/// links, bad code blocks).
fn docs() -> Result<(), String> {
    prereq::ensure(prereq::host_tests())?;
    util::run(util::cargo().args(["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"))
}

/// The viewer runs on Macs: it must type-check for Apple silicon.
pub const MAC_TARGET: &str = "aarch64-apple-darwin";

fn portable_build() -> Result<(), String> {
    portable::build_portable(METAL_TARGET)?;
    prereq::rust_target(MAC_TARGET)?;
    util::step(&format!("checking the viewer for {MAC_TARGET}"));
    util::run(util::cargo().args(["check", "-p", "weft-viewer", "--target", MAC_TARGET]))
}

fn qemu_end_to_end() -> Result<(), String> {
    crate::qemu_tests::command(&[])
}

fn stages() -> Vec<Stage> {
    vec![
        Stage { name: "host tests (cargo test --workspace)", run: host_tests },
        Stage { name: "screenshots (desktop scenes, host window under Xvfb)", run: screenshots::check },
        Stage {
            name: "portable crates build for aarch64-unknown-none; the viewer checks for macOS",
            run: portable_build,
        },
        Stage { name: "lints (rustfmt, clippy -D warnings, no dev-dependency cycles)", run: lints },
        Stage { name: "docs (cargo doc, warnings denied)", run: docs },
        Stage { name: "fuzz crates build (cargo +nightly fuzz build)", run: fuzz::build_all },
        Stage { name: "QEMU end-to-end (kernel at EL0, devices)", run: qemu_end_to_end },
    ]
}

/// Run every stage; report all failures at the end.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut only = None;
    let mut list = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--only" => only = Some(iter.next().ok_or("--only needs a stage name (or part of one)")?.clone()),
            "--list" => list = true,
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let all = stages();
    let selected: Vec<&Stage> =
        all.iter().filter(|s| only.as_ref().is_none_or(|o| s.name.contains(o.as_str()))).collect();
    if list {
        for stage in &all {
            println!("{}", stage.name);
        }
        return Ok(());
    }
    if selected.is_empty() {
        return Err(format!("no stage matches `{}` (cargo xtask test --list)", only.unwrap_or_default()));
    }
    prereq::rust_target(METAL_TARGET)?;
    let started = Instant::now();
    let mut failures = Vec::new();
    for (index, stage) in selected.iter().enumerate() {
        let label = format!("test [{}/{}] {}", index + 1, selected.len(), stage.name);
        eprintln!("\nxtask {label}");
        let progress = Progress::start(&label);
        match (stage.run)() {
            Ok(()) => eprintln!("xtask test: {} passed in {}", stage.name, clock(progress.elapsed())),
            Err(error) => {
                eprintln!("xtask test: {} FAILED after {}: {error}", stage.name, clock(progress.elapsed()));
                failures.push(stage.name);
            }
        }
    }
    if failures.is_empty() {
        eprintln!("\nxtask test: all {} stages passed in {}", selected.len(), clock(started.elapsed()));
        Ok(())
    } else {
        Err(format!("failed stages: {}", failures.join(", ")))
    }
}
