//! Prints bytes per frame and encode/decode times for the three scenarios
//! (one glyph, scrolled list, full-screen change) at 1920×1080.
//!
//! `cargo run --release -p weft-wlstream --example measure [WIDTH HEIGHT]`

use std::time::Instant;

use weft_wlstream::measure::measure;
use weft_wlstream::synthetic::{Scenario, scenario};
use weft_wlstream::{EncoderConfig, Encoding, Strategy};

fn main() {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<u32>().unwrap_or(0));
    let width = args.next().filter(|&w| w > 0).unwrap_or(1920);
    let height = args.next().filter(|&h| h > 0).unwrap_or(1080);
    let epoch = Instant::now();
    let clock = move || epoch.elapsed().as_nanos() as u64;
    let configs = [
        ("adaptive (default)", EncoderConfig::default()),
        ("lz4 only", EncoderConfig { strategy: Strategy::Lz4Only, ..EncoderConfig::default() }),
        ("xor only", EncoderConfig { strategy: Strategy::XorOnly, ..EncoderConfig::default() }),
        ("no scroll search", EncoderConfig { detect_scroll: false, ..EncoderConfig::default() }),
        (
            "damage as given (no tightening, no scroll)",
            EncoderConfig { detect_scroll: false, tighten: false, ..EncoderConfig::default() },
        ),
    ];
    println!("surface {width}x{height}, best of 5 runs, times in microseconds");
    println!(
        "{:<20} {:<44} {:>10} {:>10} {:>10} {:>9} {:>9}  rectangles",
        "scenario", "encoder", "raw", "lz4 whole", "encoded", "encode", "decode"
    );
    for kind in Scenario::ALL {
        let pair = scenario(kind, width, height);
        for (name, config) in configs {
            let result =
                measure(config, &pair.before.surface(), &pair.after.surface(), &pair.damage, 5, &clock);
            assert!(result.exact, "decoded picture differs");
            let rectangles: Vec<String> = Encoding::ALL
                .iter()
                .filter(|encoding| result.encoded.by_encoding[encoding.code() as usize] > 0)
                .map(|encoding| {
                    format!("{}×{}", result.encoded.by_encoding[encoding.code() as usize], encoding.name())
                })
                .collect();
            println!(
                "{:<20} {:<44} {:>10} {:>10} {:>10} {:>9.1} {:>9.1}  {}",
                kind.name(),
                name,
                result.raw_bytes,
                result.lz4_whole_bytes,
                result.encoded.bytes,
                result.encode_ns as f64 / 1000.0,
                result.decode_ns as f64 / 1000.0,
                rectangles.join(" ")
            );
        }
    }
}
