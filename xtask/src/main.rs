//! xtask — Weft's one build entry (host only).
//!
//! `cargo xtask <command>`: see [`COMMANDS`]. Every command answers `--help`,
//! checks its prerequisites first and installs what it can, or prints the
//! one command that would.

mod bench;
mod bench_stream;
mod build;
mod bundle;
mod image;
mod keys;
mod portable;
mod prereq;
mod progress;
mod qemu;
mod qemu_bench;
mod qemu_mesh;
mod qemu_net;
mod qemu_tests;
mod run;
mod screenshots;
mod test;
mod util;

use std::process::ExitCode;

/// One command: its name, a line for the overview, its full help, and what
/// runs it.
struct CommandSpec {
    name: &'static str,
    summary: &'static str,
    help: &'static str,
    run: fn(&[String]) -> Result<(), String>,
}

/// Every command xtask has; nothing is listed that does not exist.
const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "run",
        summary: "boot Weft (QEMU by default, or hosted)",
        help: "usage: cargo xtask run [--headless] [--gic 2|3] [--el2] [--reset-disk] [--stream [--port N]]
       cargo xtask run --hosted [--headless] [--quiet] [--for SECONDS] [--size WxH]
                       [--screenshot FILE] [--disk FILE] [--reset-disk]
                       [--stream [--listen ENDPOINT]] [--open APP]...

Either way the system's disk is an image file kept between runs
(target/weft/disk-qemu.img, target/weft/disk-hosted.img; 256 MiB, made on the
first run): files and settings survive. --reset-disk starts it over empty.

Without --hosted: builds the kernel and the signed boot bundle and boots the
desktop in a QEMU `virt` window (virtio-gpu, keyboard, tablet, disk; serial in
this terminal).
  --headless          no window: serial only
  --gic 2|3           interrupt controller version (default 2)
  --el2               enter the kernel at EL2 (virtualization=on)
  --stream            start the mesh at boot and stream every window; the host's
                      port (--port, default 7447) reaches it:
                      weft-viewer --connect tcp/127.0.0.1:7447 --no-scouting

With --hosted: the same services in this host process.
  --headless          no window: the service graph in this terminal
  --quiet             no kernel log on the terminal
  --for SECONDS       stop after that long
  --size WxH          the display size (default 1280x800)
  --screenshot FILE   write the screen to a PNG when stopping
  --disk FILE         use this disk image instead
  --stream            also serve every window to remote viewers over Zenoh
  --listen ENDPOINT   where to listen with --stream (default tcp/0.0.0.0:7447)
  --open APP          start an app at boot (terminal, files, settings, monitor)",
        run: run_command,
    },
    CommandSpec {
        name: "test",
        summary: "run every test, in stages",
        help: "usage: cargo xtask test [--only TEXT] [--list]
       cargo xtask test qemu [--verbose]

Runs every stage (host tests, screenshots, portable build, lints, docs, fuzz
builds, QEMU end-to-end) and reports all failures at the end. Installs what
the stages need first.
  --only TEXT   run only the stages whose name contains TEXT
  --list        list the stages and stop
  qemu          only the QEMU end-to-end tests (--verbose echoes the serial log)",
        run: test_command,
    },
    CommandSpec {
        name: "build",
        summary: "build everything for the host and for aarch64",
        help: "usage: cargo xtask build

Builds every host crate and test, every portable crate for aarch64-unknown-none,
and the kernel image with its signed boot bundle.",
        run: build::run,
    },
    CommandSpec {
        name: "image",
        summary: "build the bootable kernel Image and the signed boot bundle",
        help: "usage: cargo xtask image [--board NAME] [--system FILE] [--kernel-only]

  --board NAME    the board (default qemu-virt)
  --system FILE   the system description (default boards/<board>/system.toml)
  --kernel-only   build only the kernel Image",
        run: image::command,
    },
    CommandSpec {
        name: "screenshots",
        summary: "render the desktop scenes headless into screenshots/",
        help: "usage: cargo xtask screenshots [SCENE...]

Renders the named scenes (all when none is named) with the real services,
headless, into screenshots/. Look at them before committing: the screenshot
tests compare against these files.",
        run: screenshots::run,
    },
    CommandSpec {
        name: "bench",
        summary: "benchmarks, each next to a baseline measured in the same run",
        help: "usage: cargo xtask bench ipc [--rounds N]   hosted call/reply next to a pipe ping-pong
       cargo xtask bench ipc --qemu        call/reply between EL0 processes in QEMU (guest instructions)
       cargo xtask bench boot              QEMU start to the desktop
       cargo xtask bench stream            wlstream frames over the mesh next to lz4 of the whole frame
       cargo xtask bench storage [--mib N] hosted storage service on an image file next to the raw file
       cargo xtask bench storage --qemu    the storage service in QEMU next to a raw virtio disk
       cargo xtask bench net               TCP from the QEMU guest to the host next to two host processes",
        run: bench_command,
    },
];

fn usage() -> String {
    let mut text = String::from(
        "usage: cargo xtask <command> [options]   (cargo xtask <command> --help)\n\ncommands:\n",
    );
    for command in COMMANDS {
        text.push_str(&format!("  {:<13}{}\n", command.name, command.summary));
    }
    text
}

fn run_command(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--hosted") { run::run(args) } else { qemu::run(args) }
}

fn test_command(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("qemu") => qemu_tests::command(&args[1..]),
        _ => test::run(args),
    }
}

fn bench_command(args: &[String]) -> Result<(), String> {
    let qemu = args.first().is_some_and(|a| a == "boot" || a == "net" || a == "net-send")
        || args.iter().any(|a| a == "--qemu");
    if qemu { qemu_bench::command(args) } else { bench::run(args) }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        eprint!("{}", usage());
        return ExitCode::from(2);
    };
    if matches!(name.as_str(), "help" | "--help" | "-h") {
        match args.get(1).and_then(|topic| COMMANDS.iter().find(|c| c.name == topic)) {
            Some(command) => println!("{}", command.help),
            None => print!("{}", usage()),
        }
        return ExitCode::SUCCESS;
    }
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        eprintln!("xtask: unknown command `{name}`\n\n{}", usage());
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", command.help);
        return ExitCode::SUCCESS;
    }
    match (command.run)(rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {}: {message}", command.name);
            if message.contains("unknown option") || message.starts_with("usage") {
                eprintln!("\n{}", command.help);
            }
            ExitCode::FAILURE
        }
    }
}
