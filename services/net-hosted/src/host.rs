//! The host's network as `weft.net` shows it, and the blocking lookups
//! (names, pings) the service runs on host threads.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, ToSocketAddrs, UdpSocket};
use std::time::{Duration, Instant};

use weft_net::dns::{self, Answer};
use weft_net_api::{Interface, NetError, Route};

use crate::sys;

/// How long one DNS attempt waits.
const DNS_TIMEOUT: Duration = Duration::from_millis(1500);
/// Largest ping payload.
const MAX_PING: u16 = 1024;

/// The host's IPv4 routes (Linux: `/proc/net/route`), with the interface
/// each goes through.
pub fn routes() -> Vec<(String, Route)> {
    std::fs::read_to_string("/proc/net/route").map(|text| parse_routes(&text)).unwrap_or_default()
}

/// Read `/proc/net/route`: addresses are hexadecimal in host byte order
/// (little-endian on the hosts Weft runs on); flag 1 is up, 2 a gateway.
fn parse_routes(text: &str) -> Vec<(String, Route)> {
    let mut routes = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 8 {
            continue;
        }
        let hex = |field: &str| u32::from_str_radix(field, 16).ok().map(|v| Ipv4Addr::from(v.swap_bytes()));
        let (Some(network), Some(gateway), Ok(flags), Some(mask)) =
            (hex(fields[1]), hex(fields[2]), u32::from_str_radix(fields[3], 16), hex(fields[7]))
        else {
            continue;
        };
        if flags & 1 == 0 {
            continue;
        }
        let prefix = u32::from(mask).count_ones() as u8;
        let via = (flags & 2 != 0).then_some(gateway);
        routes.push((fields[0].to_string(), Route { network, prefix, via }));
    }
    routes
}

/// The host's DNS servers (`/etc/resolv.conf`; IPv4 only).
pub fn resolv_conf() -> Vec<SocketAddrV4> {
    std::fs::read_to_string("/etc/resolv.conf").map(|text| parse_resolv_conf(&text)).unwrap_or_default()
}

fn parse_resolv_conf(text: &str) -> Vec<SocketAddrV4> {
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().parse::<Ipv4Addr>().ok())
        .map(|address| SocketAddrV4::new(address, 53))
        .collect()
}

/// The address the host sends from to reach the world: its primary
/// address (connecting a UDP socket sends nothing, it only picks a route).
fn primary_address() -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    match socket.local_addr().ok()? {
        SocketAddr::V4(address) if !address.ip().is_unspecified() => Some(*address.ip()),
        _ => None,
    }
}

/// The one interface hosted Weft shows, `host`: loopback and the host's
/// primary address, with the prefix of the route it is on.
pub fn interface(routes: &[(String, Route)]) -> Interface {
    let mut addresses = vec![(Ipv4Addr::LOCALHOST, 8)];
    let mut mtu = 1500;
    if let Some(address) = primary_address() {
        let on_link = routes.iter().find(|(_, route)| {
            let mask = u32::MAX.checked_shl(32 - u32::from(route.prefix)).unwrap_or(0);
            route.prefix > 0 && route.via.is_none() && u32::from(address) & mask == u32::from(route.network)
        });
        let prefix = on_link.map(|(_, route)| route.prefix).unwrap_or(32);
        if let Some((device, _)) = on_link
            && let Ok(text) = std::fs::read_to_string(format!("/sys/class/net/{device}/mtu"))
        {
            mtu = text.trim().parse().unwrap_or(mtu);
        }
        addresses.push((address, prefix));
    }
    Interface { name: "host".into(), mac: [0; 6], mtu, up: true, addresses }
}

/// The IPv4 addresses of `name`: from `servers` if any are set, else from
/// the host's resolver (blocking).
pub fn resolve(name: &str, servers: &[SocketAddrV4]) -> Result<Vec<Ipv4Addr>, NetError> {
    if !servers.is_empty() {
        return query(name, servers);
    }
    let not_found = || NetError::NotFound(name.to_string());
    let addresses = (name, 0).to_socket_addrs().map_err(|_| not_found())?;
    let mut found: Vec<Ipv4Addr> = Vec::new();
    for address in addresses {
        if let SocketAddr::V4(address) = address
            && !found.contains(address.ip())
        {
            found.push(*address.ip());
        }
    }
    if found.is_empty() { Err(not_found()) } else { Ok(found) }
}

/// A query id no one can guess (host threads cannot ask Weft for random
/// bytes; std's hasher keys are random, and differ for each hasher).
fn query_id(name: &str, attempt: usize) -> u16 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write(name.as_bytes());
    hasher.write_usize(attempt);
    hasher.finish() as u16
}

/// Ask `servers` for `name`'s A records, in order, each twice, as the
/// kernel's resolver does.
fn query(name: &str, servers: &[SocketAddrV4]) -> Result<Vec<Ipv4Addr>, NetError> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).map_err(|_| NetError::Exhausted)?;
    let mut buffer = vec![0u8; 4096];
    let mut attempt = 0;
    for server in servers {
        for _ in 0..2 {
            attempt += 1;
            let id = query_id(name, attempt);
            let message = dns::query(id, name).map_err(NetError::Invalid)?;
            if socket.send_to(&message, server).is_err() {
                break;
            }
            let deadline = Instant::now() + DNS_TIMEOUT;
            let mut failed = false;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
                    break;
                }
                let Ok((n, from)) = socket.recv_from(&mut buffer) else { break };
                if from != SocketAddr::V4(*server) {
                    continue;
                }
                match dns::answer(&buffer[..n], id, name) {
                    Answer::Unrelated => continue,
                    Answer::Addresses(addresses) if !addresses.is_empty() => return Ok(addresses),
                    Answer::Addresses(_) | Answer::NoSuchName => {
                        return Err(NetError::NotFound(name.to_string()));
                    }
                    Answer::ServerFailure => {
                        failed = true;
                        break;
                    }
                }
            }
            if failed {
                break;
            }
        }
    }
    Err(NetError::TimedOut)
}

/// What a program is told when the host allows no ICMP sockets.
pub fn ping_refused(error: &io::Error) -> NetError {
    NetError::Invalid(format!(
        "ping needs an ICMP socket, which this host does not allow hosted Weft ({error}; see \
         net.ipv4.ping_group_range); hosted Weft does not use raw sockets"
    ))
}

/// One echo request to `to` and its reply (blocking): the round trip in
/// microseconds and the payload bytes echoed.
pub fn ping(to: Ipv4Addr, sequence: u16, size: u16, timeout: Duration) -> Result<(u64, u16), NetError> {
    let socket = sys::icmp_socket().map_err(|error| ping_refused(&error))?;
    let size = size.min(MAX_PING);
    let mut request = vec![8u8, 0, 0, 0, 0, 0];
    request.extend_from_slice(&sequence.to_be_bytes());
    request.resize(8 + usize::from(size), 0x5a);
    let sent = Instant::now();
    match socket.send_to(&request, (to, 0)) {
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NetworkUnreachable => return Err(NetError::NoNetwork),
        Err(error) => return Err(NetError::Invalid(format!("ping {to}: {error}"))),
    }
    let deadline = sent + timeout;
    let mut buffer = vec![0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            return Err(NetError::TimedOut);
        }
        let n = match socket.recv(&mut buffer) {
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(NetError::TimedOut),
        };
        // An echo reply (type 0) to this sequence number.
        if n >= 8 && buffer[0] == 0 && buffer[6..8] == sequence.to_be_bytes() {
            let rtt_us = sent.elapsed().as_micros() as u64;
            return Ok((rtt_us, (n - 8) as u16));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_read_from_proc() {
        let text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
                    eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
                    eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n\
                    eth1\t0000A8C0\t00000000\t0000\t0\t0\t100\t0000FFFF\t0\t0\t0\n";
        let routes = parse_routes(text);
        assert_eq!(
            routes,
            [
                (
                    "eth0".to_string(),
                    Route {
                        network: Ipv4Addr::UNSPECIFIED,
                        prefix: 0,
                        via: Some(Ipv4Addr::new(192, 168, 2, 1))
                    }
                ),
                ("eth0".to_string(), Route { network: Ipv4Addr::new(192, 168, 2, 0), prefix: 24, via: None }),
            ],
            "the route that is down is left out"
        );
    }

    #[test]
    fn name_servers_are_read_from_resolv_conf() {
        let text =
            "# generated\nsearch example.org\nnameserver 10.0.0.53\nnameserver ::1\n  nameserver 1.1.1.1 \n";
        assert_eq!(
            parse_resolv_conf(text),
            [
                SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 53), 53),
                SocketAddrV4::new(Ipv4Addr::new(1, 1, 1, 1), 53)
            ]
        );
    }

    #[test]
    fn loopback_resolves_through_the_host() {
        assert_eq!(resolve("localhost", &[]).unwrap(), [Ipv4Addr::LOCALHOST]);
        assert!(matches!(resolve("no-such-host.invalid", &[]), Err(NetError::NotFound(_))));
    }

    #[test]
    fn set_servers_are_asked_directly() {
        // A one-answer DNS server on loopback.
        let server = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let address = match server.local_addr().unwrap() {
            SocketAddr::V4(address) => address,
            SocketAddr::V6(_) => unreachable!(),
        };
        let thread = std::thread::spawn(move || {
            let mut buffer = [0u8; 512];
            let (n, from) = server.recv_from(&mut buffer).unwrap();
            // Answer: the question echoed with QR set and one A record.
            let mut answer = buffer[..n].to_vec();
            answer[2] |= 0x80;
            answer[7] = 1;
            answer.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
            server.send_to(&answer, from).unwrap();
        });
        assert_eq!(query("files.weft.test", &[address]).unwrap(), [Ipv4Addr::new(10, 1, 2, 3)]);
        thread.join().unwrap();
    }

    #[test]
    fn ping_answers_or_says_why_not() {
        // Loopback answers wherever the host allows ICMP sockets.
        let allowed = sys::icmp_socket().is_ok();
        match ping(Ipv4Addr::LOCALHOST, 7, 56, Duration::from_secs(2)) {
            Ok((_, size)) => assert_eq!(size, 56),
            Err(NetError::Invalid(why)) if !allowed => assert!(why.contains("ICMP socket"), "{why}"),
            Err(other) => panic!("{other:?} (ICMP sockets allowed: {allowed})"),
        }
    }
}
