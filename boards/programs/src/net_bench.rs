//! The `net-bench` program: one TCP connection to the host, `mib` MiB
//! written through it in the largest chunks the protocol carries, then an
//! orderly shutdown; logs `net bench: …` for `cargo xtask bench net`.

use alloc::format;
use alloc::vec;
use core::time::Duration;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_net_api::{MAX_CHUNK, Net};
use weft_rt::Deadline;

fn run(startup: Startup) -> Result<(), ProgramError> {
    let net = Net::connect().map_err(ProgramError)?;
    let to = startup.arg("to").unwrap_or("10.0.2.2:5001");
    let to = to.parse().map_err(|_| ProgramError(format!("bad `to` argument `{to}`")))?;
    let mib: u64 = startup.arg("mib").and_then(|m| m.parse().ok()).unwrap_or(32);
    let started = weft_rt::now();
    while net.status().map_err(|e| ProgramError(format!("{e}")))?.lease.is_none() {
        if weft_rt::now() - started > 60_000_000_000 {
            return Err(ProgramError("no DHCP lease within 60 s".into()));
        }
        weft_rt::sleep(Duration::from_millis(100));
    }
    let tcp = net.connect_tcp(to, 0).map_err(|e| ProgramError(format!("connect {to}: {e}")))?;
    let chunk = vec![0x42u8; MAX_CHUNK as usize];
    let total = mib << 20;
    let begun = weft_rt::now();
    let mut sent = 0u64;
    while sent < total {
        let n = (total - sent).min(chunk.len() as u64) as usize;
        tcp.write_all(&chunk[..n], Deadline::INFINITE).map_err(|e| ProgramError(format!("write: {e}")))?;
        sent += n as u64;
    }
    tcp.shutdown(Deadline::after(Duration::from_secs(60)))
        .map_err(|e| ProgramError(format!("shutdown: {e}")))?;
    let ns = (weft_rt::now() - begun).max(1);
    weft_rt::info!("net bench: sent {sent} bytes in {} ms", ns / 1_000_000);
    Ok(())
}

/// The program's entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, run)
}
