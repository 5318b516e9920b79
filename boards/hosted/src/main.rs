//! `weft-hosted`: run Weft inside this process (host only).
//!
//! `weft-hosted [--headless] [--quiet] [--for SECONDS] [--stream [--listen ENDPOINT]]`
//!
//! The display is a headless framebuffer. `--stream` makes hosted Weft a
//! streaming server: the mesh service starts at boot, streams every
//! window and listens on `--listen` (default `tcp/0.0.0.0:7447`).

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use display_hosted::HostDisplay;
use weft_board_hosted::{BootOptions, System, default_bundle, stream};

const USAGE: &str = "usage: weft-hosted [--headless] [--quiet] [--for SECONDS] [--stream [--listen ENDPOINT]]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let streaming = args.iter().any(|a| a == "--stream");
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let run_for = value("--for").and_then(|s| s.parse::<f64>().ok()).map(Duration::from_secs_f64);
    let listen = value("--listen").unwrap_or_else(|| stream::DEFAULT_LISTEN.to_string());
    for (index, arg) in args.iter().enumerate() {
        let is_value = index > 0 && matches!(args[index - 1].as_str(), "--for" | "--listen");
        if !is_value && !matches!(arg.as_str(), "--headless" | "--quiet" | "--for" | "--stream" | "--listen") {
            eprintln!("weft-hosted: unknown option `{arg}`\n{USAGE}");
            std::process::exit(2);
        }
    }
    let mut bundle = default_bundle();
    if streaming {
        if let Err(error) = stream::enable(&mut bundle, &listen) {
            eprintln!("weft-hosted: {error}");
            std::process::exit(1);
        }
        println!("{}", stream::instructions(&listen));
    }
    let display = HostDisplay::headless(1280, 800);
    let devices = vec![("device:display".to_string(), display as Arc<dyn Any + Send + Sync>)];
    let options = BootOptions { bundle, echo: !quiet, devices };
    let system = match System::boot(options) {
        Ok(system) => system,
        Err(error) => {
            eprintln!("weft-hosted: {error}");
            std::process::exit(1);
        }
    };
    match run_for {
        Some(duration) => std::thread::sleep(duration),
        None => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
    system.shutdown();
}
