//! `weft-hosted`: run Weft inside this process (host only).
//!
//! `weft-hosted [--headless] [--quiet] [--for SECONDS]`

use std::time::Duration;

use weft_board_hosted::{BootOptions, System, default_bundle};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let run_for = args
        .iter()
        .position(|a| a == "--for")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<f64>().ok())
        .map(Duration::from_secs_f64);
    for arg in &args {
        if !matches!(arg.as_str(), "--headless" | "--quiet" | "--for") && arg.parse::<f64>().is_err() {
            eprintln!(
                "weft-hosted: unknown option `{arg}`\nusage: weft-hosted [--headless] [--quiet] [--for SECONDS]"
            );
            std::process::exit(2);
        }
    }
    let options = BootOptions { bundle: default_bundle(), echo: !quiet, devices: Vec::new() };
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
