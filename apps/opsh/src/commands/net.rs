//! net, ping and fetch: the network as the operator sees it.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};

use sha2::{Digest, Sha256};
use weft_app_support::format::bytes;
use weft_net_api::http::{self, Url};

use super::{Invocation, Outcome};
use crate::host::Host;

/// Largest download `fetch` keeps in memory before writing the file.
const MAX_FETCH: u64 = 64 * 1024 * 1024;

fn mac(mac: &[u8; 6]) -> String {
    mac.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

pub(crate) fn net<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    if let ["dns", servers @ ..] = arguments {
        let mut parsed = Vec::new();
        for server in servers {
            let address = server
                .parse::<SocketAddrV4>()
                .ok()
                .or_else(|| server.parse::<Ipv4Addr>().ok().map(|a| SocketAddrV4::new(a, 53)));
            match address {
                Some(address) => parsed.push(address),
                None => {
                    return invocation
                        .usage("net", &format!("`{server}` is not an address (a.b.c.d[:port])"));
                }
            }
        }
        let net = match invocation.host.net() {
            Ok(net) => net,
            Err(error) => return invocation.fail("net", &format!("{error}")),
        };
        return match net.set_dns(parsed) {
            Ok(()) => Outcome::Done(true),
            Err(error) => invocation.fail("net", &format!("{error}")),
        };
    }
    if let Some(extra) = arguments.first() {
        return invocation.usage("net", &format!("unexpected argument `{extra}`"));
    }
    let status = match invocation
        .host
        .net()
        .map_err(|e| format!("{e}"))
        .and_then(|n| n.status().map_err(|e| format!("{e}")))
    {
        Ok(status) => status,
        Err(error) => return invocation.fail("net", &error),
    };
    let output = &mut invocation.output;
    if status.interfaces.is_empty() {
        output.line("no interfaces");
    }
    for interface in &status.interfaces {
        let addresses: Vec<String> = interface.addresses.iter().map(|(a, p)| format!("{a}/{p}")).collect();
        output.line(&format!(
            "{}: {} mtu {} mac {}  {}",
            interface.name,
            if interface.up { "up" } else { "down" },
            interface.mtu,
            mac(&interface.mac),
            if addresses.is_empty() { String::from("no address") } else { addresses.join(" ") }
        ));
    }
    match &status.lease {
        Some(lease) => output.line(&format!(
            "lease: {}/{} for {} s, {} s old, renewed {} time{}",
            lease.address,
            lease.prefix,
            lease.duration_s,
            lease.age_s,
            lease.renewals,
            if lease.renewals == 1 { "" } else { "s" }
        )),
        None => output.line("lease: none"),
    }
    for route in &status.routes {
        let destination = if route.prefix == 0 {
            String::from("default")
        } else {
            format!("{}/{}", route.network, route.prefix)
        };
        match route.via {
            Some(via) => output.line(&format!("route: {destination} via {via}")),
            None => output.line(&format!("route: {destination} on link")),
        }
    }
    let dns: Vec<String> = status.dns.iter().map(|s| format!("{s}")).collect();
    output.line(&format!("dns: {}", if dns.is_empty() { String::from("none") } else { dns.join(", ") }));
    output.line(&format!(
        "sockets: {} open; frames: {} sent, {} received",
        status.sockets, status.frames_sent, status.frames_received
    ));
    Outcome::Done(true)
}

pub(crate) fn ping<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let (count, host) = match arguments {
        ["-c", count, host] => match count.parse::<u16>() {
            Ok(count) if (1..=100).contains(&count) => (count, *host),
            _ => return invocation.usage("ping", &format!("count `{count}` is not 1 to 100")),
        },
        [host] => (4, *host),
        _ => return invocation.usage("ping", "which host?"),
    };
    let net = match invocation.host.net() {
        Ok(net) => net,
        Err(error) => return invocation.fail("ping", &format!("{error}")),
    };
    let address = match net.resolve(host) {
        Ok(addresses) if !addresses.is_empty() => addresses[0],
        Ok(_) => return invocation.fail("ping", &format!("{host}: no such host")),
        Err(error) => return invocation.fail("ping", &format!("{error}")),
    };
    let mut lines = Vec::new();
    let mut times = Vec::new();
    for sequence in 1..=count {
        let started = weft_rt::now();
        match net.ping(address, sequence, 56, 2000) {
            Ok(rtt_us) => {
                times.push(rtt_us);
                lines.push(format!(
                    "64 bytes from {address}: seq={sequence} time={}.{:03} ms",
                    rtt_us / 1000,
                    rtt_us % 1000
                ));
            }
            Err(error) => lines.push(format!("from {address}: seq={sequence} {error}")),
        }
        // One a second, as ping does.
        let spent = weft_rt::now().saturating_sub(started);
        if sequence < count && spent < 1_000_000_000 {
            weft_rt::sleep(core::time::Duration::from_nanos(1_000_000_000 - spent));
        }
    }
    for line in &lines {
        invocation.output.line(line);
    }
    let lost = usize::from(count) - times.len();
    let summary =
        format!("{count} sent, {} received, {}% lost", times.len(), lost * 100 / usize::from(count));
    if times.is_empty() {
        return invocation.fail("ping", &summary);
    }
    let average = times.iter().sum::<u64>() / times.len() as u64;
    invocation.output.line(&format!("{summary}; average {}.{:03} ms", average / 1000, average % 1000));
    Outcome::Done(true)
}

pub(crate) fn fetch<H: Host>(invocation: &mut Invocation<'_, H>, arguments: &[&str]) -> Outcome {
    let [url, file] = arguments else { return invocation.usage("fetch", "which URL, and to which file?") };
    let url = match Url::parse(url) {
        Ok(url) => url,
        Err(error) => return invocation.fail("fetch", &error),
    };
    let started = weft_rt::now();
    let mut body = Vec::new();
    let result = match invocation.host.net() {
        Ok(net) => http::get(net, &url, 20_000, |piece, progress| {
            if progress.received > MAX_FETCH {
                return Err(format!("larger than {}", bytes(MAX_FETCH)));
            }
            body.extend_from_slice(piece);
            Ok(())
        })
        .map_err(|e| format!("{e}")),
        Err(error) => Err(format!("{error}")),
    };
    if let Err(error) = result {
        return invocation.fail("fetch", &error);
    }
    let outcome = super::store::save(invocation, "fetch", file, &body, false);
    if outcome != Outcome::Done(true) {
        return outcome;
    }
    let elapsed_ms = ((weft_rt::now() - started) / 1_000_000).max(1);
    let digest: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
    invocation.output.line(&format!(
        "{} in {}.{:03} s ({}/s), sha256 {}",
        bytes(body.len() as u64),
        elapsed_ms / 1000,
        elapsed_ms % 1000,
        bytes(body.len() as u64 * 1000 / elapsed_ms),
        digest
    ));
    Outcome::Done(true)
}
