//! Rough costs on this machine (ignored by default; run with
//! `cargo test -p weft-mesh-secure --test throughput -- --ignored --nocapture`).

mod common;

use std::time::Instant;

use common::{connect, identities, pair, paired_sets};

#[test]
#[ignore = "a measurement, not a check"]
fn costs() {
    let (device, viewer) = identities();
    let start = Instant::now();
    let rounds = 20;
    for _ in 0..rounds {
        pair(&device, &viewer);
    }
    println!(
        "pairing (both sides, 4 messages): {:.3} ms",
        start.elapsed().as_secs_f64() * 1e3 / rounds as f64
    );
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let start = Instant::now();
    for seed in 0..rounds {
        connect(&device, &viewer, &device_set, &viewer_set, 1000 + seed * 2);
    }
    println!("session handshake (both sides): {:.3} ms", start.elapsed().as_secs_f64() * 1e3 / rounds as f64);

    let (mut viewer_session, mut device_session) = connect(&device, &viewer, &device_set, &viewer_set, 7);
    for size in [237usize, 12_443, 535_307] {
        let frame = vec![0x5au8; size];
        let n = (50_000_000 / size).max(20);
        let start = Instant::now();
        let mut bytes = 0;
        for _ in 0..n {
            let sealed = device_session.seal(b"k", &frame).unwrap();
            bytes += sealed.len();
            let mut sealed = sealed;
            viewer_session.open_in_place(b"k", &mut sealed).unwrap();
        }
        let per = start.elapsed().as_secs_f64() / n as f64;
        println!(
            "seal + open_in_place of {size} B: {:.1} µs ({:.0} MB/s), {} B on the wire",
            per * 1e6,
            size as f64 / per / 1e6,
            bytes / n
        );
    }
}
