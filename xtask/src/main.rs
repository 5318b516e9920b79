//! xtask — Weft's one build entry (host only).
//!
//! `cargo xtask <command>`: `build`, `run`, `test`, `image`, `screenshots`,
//! `bench`, `repo`. Each command checks its prerequisites first and installs
//! what it can, or prints the one command that would.

mod bench;
mod bench_stream;
mod bundle;
mod image;
mod keys;
mod portable;
mod prereq;
mod qemu;
mod qemu_bench;
mod qemu_tests;
mod run;
mod screenshots;
mod test;
mod util;

use std::process::ExitCode;

fn usage() -> &'static str {
    "usage: cargo xtask <command> [options]

commands:
  run [--hosted] [--headless] [--stream]
                                boot Weft (QEMU by default; --hosted runs it in this process;
                                --stream makes it a streaming server for remote viewers)
  test                          run every test
  build                         build everything for the host and aarch64
  image                         build the bootable kernel image and boot bundle
  screenshots [SCENE...]        render the desktop headless into screenshots/
  bench <what>                  benchmarks: ipc, compositor, stream, boot
  repo                          package repository tools"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{}", usage());
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match command.as_str() {
        "test" => match rest.first().map(String::as_str) {
            Some("qemu") => qemu_tests::command(&rest[1..]),
            _ => test::run(rest),
        },
        "run" if !rest.iter().any(|a| a == "--hosted") => qemu::run(rest),
        "run" => run::run(rest),
        "build" => util::not_yet("build", rest),
        "image" => image::command(rest),
        "screenshots" => screenshots::run(rest),
        "bench" if rest.first().is_some_and(|a| a == "boot") || rest.iter().any(|a| a == "--qemu") => {
            qemu_bench::command(rest)
        }
        "bench" => bench::run(rest),
        "repo" => util::not_yet("repo", rest),
        "help" | "--help" | "-h" => {
            println!("{}", usage());
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
