//! The `net-check` program: the network service exercised from EL0 the way
//! an app would, each step logged as one `net-check:` line the QEMU test
//! reads (see `boards/programs/net-check/manifest.toml`).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use sha2::{Digest, Sha256};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_net_api::http::{self, Url};
use weft_net_api::{Net, NetError, Tcp};
use weft_rt::Deadline;

fn say(text: &str) {
    weft_rt::info!("net-check: {text}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serve one connection: each line comes back as `weft heard: <line>`
/// (cut at 4 KiB).
fn echo(tcp: &Tcp) -> Result<(), NetError> {
    let mut line = Vec::new();
    loop {
        let data = tcp.read(4096, Deadline::after(Duration::from_secs(30)))?;
        if data.is_empty() {
            return Ok(());
        }
        for byte in data {
            if byte == b'\n' {
                let text = String::from_utf8_lossy(&line).into_owned();
                tcp.write_all(format!("weft heard: {text}\n").as_bytes(), Deadline::INFINITE)?;
                line.clear();
            } else if line.len() < 4096 {
                line.push(byte);
            }
        }
    }
}

fn run(startup: Startup) -> Result<(), ProgramError> {
    let net = Net::connect().map_err(ProgramError)?;
    // The lease.
    let started = weft_rt::now();
    let lease = loop {
        let status = net.status().map_err(|e| ProgramError(format!("{e}")))?;
        if let Some(lease) = status.lease {
            break lease;
        }
        if weft_rt::now() - started > 60_000_000_000 {
            return Err(ProgramError("no DHCP lease within 60 s".into()));
        }
        weft_rt::sleep(Duration::from_millis(200));
    };
    say(&format!(
        "lease {}/{} router {} dns {}",
        lease.address,
        lease.prefix,
        lease.router.map(|r| format!("{r}")).unwrap_or_default(),
        lease.dns.iter().map(|d| format!("{d}")).collect::<Vec<_>>().join(",")
    ));

    // A name, against the test's DNS server.
    let dns = startup.arg("dns").unwrap_or("10.0.2.3:53");
    let server = dns.parse().map_err(|_| ProgramError(format!("bad dns argument `{dns}`")))?;
    net.set_dns(alloc::vec![server]).map_err(|e| ProgramError(format!("set dns: {e}")))?;
    let name = startup.arg("name").unwrap_or("files.weft.test");
    match net.resolve(name) {
        Ok(addresses) => say(&format!(
            "resolved {name} to {}",
            addresses.iter().map(|a| format!("{a}")).collect::<Vec<_>>().join(",")
        )),
        Err(error) => say(&format!("resolve {name} failed: {error}")),
    }
    match net.resolve("missing.weft.test") {
        Ok(addresses) => say(&format!("resolved missing.weft.test to {addresses:?} (wrong)")),
        Err(error) => say(&format!("missing.weft.test: {error}")),
    }

    // A file over HTTP, by that name.
    let url = startup.arg("url").unwrap_or("http://files.weft.test/blob");
    let parsed = Url::parse(url).map_err(ProgramError)?;
    let mut hasher = Sha256::new();
    let begun = weft_rt::now();
    match http::get(&net, &parsed, 20_000, |piece, _| {
        hasher.update(piece);
        Ok(())
    }) {
        Ok(length) => {
            let ms = ((weft_rt::now() - begun) / 1_000_000).max(1);
            say(&format!("fetched {length} bytes in {ms} ms sha256 {}", hex(&hasher.finalize())));
        }
        Err(error) => say(&format!("fetch {url} failed: {error}")),
    }

    // The same file again, with the network driver killed a quarter of
    // the way through: the root manager restarts it, the network service
    // reconnects, and TCP carries on.
    let status = weft_ipc::connect::<weft_status_api::StatusProtocol>()
        .map_err(|e| ProgramError(format!("weft.status: {e}")))?;
    let mut hasher = Sha256::new();
    let mut killed = false;
    match http::get(&net, &parsed, 30_000, |piece, progress| {
        hasher.update(piece);
        if !killed && progress.received >= 256 * 1024 {
            killed = true;
            let request = weft_status_api::StatusRequest::Restart { name: "virtio-net".into() };
            status.call(&request).map_err(|e| format!("restarting virtio-net: {e}"))?;
            say("killed the network driver mid-download");
        }
        Ok(())
    }) {
        Ok(length) => say(&format!(
            "fetched again across a driver restart: {length} bytes sha256 {}",
            hex(&hasher.finalize())
        )),
        Err(error) => say(&format!("fetch across a driver restart failed: {error}")),
    }

    // The gateway answers pings.
    if let Some(router) = lease.router {
        match net.ping(router, 1, 56, 2000) {
            Ok(rtt_us) => say(&format!("ping {router} answered in {rtt_us} us")),
            Err(error) => say(&format!("ping {router}: {error}")),
        }
    }

    // The entitlement: port 7000 only.
    match net.listen(7001) {
        Ok(_) => say("listen 7001 allowed (wrong)"),
        Err(error) => say(&format!("listen 7001 refused: {error}")),
    }
    let port: u16 = startup.arg("port").and_then(|p| p.parse().ok()).unwrap_or(7000);
    let listener = net.listen(port).map_err(|e| ProgramError(format!("listen {port}: {e}")))?;
    say(&format!("listening on {port}"));
    loop {
        match listener.accept(Deadline::INFINITE) {
            Ok(tcp) => {
                say(&format!("accepted {}", tcp.remote));
                if let Err(error) = echo(&tcp) {
                    say(&format!("connection failed: {error}"));
                }
                let _ = tcp.shutdown(Deadline::after(Duration::from_secs(5)));
            }
            Err(error) => return Err(ProgramError(format!("accept: {error}"))),
        }
    }
}

/// The program's entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, run)
}
