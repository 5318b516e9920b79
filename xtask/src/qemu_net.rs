//! The QEMU network test and the host-side peers it needs: a DNS server
//! the test controls (UDP, on the host's loopback; the guest reaches it at
//! 10.0.2.2 through QEMU's user-mode network), an HTTP server with a file
//! whose hash the test knows, and a connection through a forwarded port
//! to a socket the guest listens on.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use simple_dns::rdata::{A, RData};
use simple_dns::{CLASS, Packet, RCODE, ResourceRecord};

use crate::image::{self, Options};
use crate::qemu::{Machine, Network, Qmp, Running};
use crate::util;

/// The name the guest resolves, and what the DNS server answers for it.
pub const TEST_NAME: &str = "files.weft.test";
/// The host as the guest sees it on QEMU's user-mode network.
pub const HOST_FROM_GUEST: Ipv4Addr = Ipv4Addr::new(10, 0, 2, 2);

/// A DNS server on 127.0.0.1 answering A queries from `names`; anything
/// else gets NXDOMAIN. Runs until `stop` is set.
pub struct DnsServer {
    /// Its port.
    pub port: u16,
    /// Queries answered.
    pub answered: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
}

impl DnsServer {
    /// Start it.
    pub fn start(names: Vec<(String, Ipv4Addr)>) -> Result<DnsServer, String> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("DNS server: {e}"))?;
        socket.set_read_timeout(Some(Duration::from_millis(200))).map_err(|e| e.to_string())?;
        let port = socket.local_addr().map_err(|e| e.to_string())?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let answered = Arc::new(AtomicU32::new(0));
        let (stopping, counter) = (Arc::clone(&stop), Arc::clone(&answered));
        std::thread::spawn(move || {
            let mut buffer = [0u8; 1500];
            while !stopping.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buffer) else { continue };
                let Ok(query) = Packet::parse(&buffer[..n]) else { continue };
                let Some(question) = query.questions.first().cloned() else { continue };
                let asked = question.qname.to_string();
                let mut reply = query.clone().into_reply();
                match names.iter().find(|(name, _)| name.eq_ignore_ascii_case(asked.trim_end_matches('.'))) {
                    Some((_, address)) => reply.answers.push(ResourceRecord::new(
                        question.qname.clone(),
                        CLASS::IN,
                        60,
                        RData::A(A { address: u32::from(*address) }),
                    )),
                    None => *reply.rcode_mut() = RCODE::NameError,
                }
                if let Ok(bytes) = reply.build_bytes_vec() {
                    let _ = socket.send_to(&bytes, from);
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        Ok(DnsServer { port, answered, stop })
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Deterministic test bytes (xorshift), so both ends can check them.
pub fn test_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// An HTTP/1.1 server on 127.0.0.1 serving `body` at `/blob` (404
/// elsewhere), one connection at a time, until dropped.
pub struct HttpServer {
    /// Its port.
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl HttpServer {
    /// Start it.
    pub fn start(body: Arc<Vec<u8>>) -> Result<HttpServer, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("HTTP server: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = serve_http(stream, &body);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Ok(HttpServer { port, stop })
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve_http(stream: TcpStream, body: &[u8]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut stream = stream;
    let path = request.split_whitespace().nth(1).unwrap_or("");
    if path == "/blob" {
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())?;
        stream.write_all(body)?;
    } else {
        stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    }
    stream.flush()
}

/// A free TCP port on the host's loopback (for a QEMU forward).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Boot the desktop system with `net-check` and the host peers; check
/// every step the guest logs, then talk to its listening socket through
/// the forwarded port.
pub fn network_run(echo: bool) -> Result<(), String> {
    let body = Arc::new(test_bytes(1 << 20, 0x5eed));
    let expected = sha256_hex(&body);
    let dns = DnsServer::start(vec![(TEST_NAME.into(), HOST_FROM_GUEST)])?;
    let http = HttpServer::start(Arc::clone(&body))?;
    let forwarded = free_port()?;
    let options = Options {
        extra_services: vec!["boards/programs/net-check".into()],
        args: vec![
            ("net-check".into(), "dns".into(), format!("{HOST_FROM_GUEST}:{}", dns.port)),
            ("net-check".into(), "url".into(), format!("http://{TEST_NAME}:{}/blob", http.port)),
            ("net-check".into(), "port".into(), "7000".into()),
            // A 20 s lease: renewed within the test.
            ("net".into(), "max-lease-s".into(), "20".into()),
        ],
        ..Options::qemu()
    };
    let artifacts = image::build(&options)?;
    let mut machine = Machine::new(artifacts.kernel, artifacts.bundle);
    machine.headless = true;
    machine.disk = Some(crate::qemu::fresh_disk("test-network")?);
    machine.network = Some(Network { forward: vec![(forwarded, 7000)], guest_forward: Vec::new() });
    let qmp_path = image::target_dir().join("weft").join("qmp-network.sock");
    let _ = std::fs::remove_file(&qmp_path);
    machine.qmp = Some(qmp_path.clone());
    util::step("booting the QEMU system with a network (DHCP, DNS, HTTP, a listening socket)");
    let mut running = Running::start(&machine, echo)?;
    let mut qmp = Qmp::connect(&qmp_path)?;
    let mut expect = |what: &str, timeout: u64, needle: &dyn Fn(&str) -> bool| -> Result<String, String> {
        running
            .wait_for(Duration::from_secs(timeout), |l| {
                needle(l) || l.contains("net-check: ") && l.contains("failed")
            })
            .filter(|line| needle(&line.text))
            .map(|line| line.text)
            .ok_or_else(|| format!("{what} (see the serial log with --verbose)"))
    };
    expect("the guest got no DHCP lease", 90, &|l| {
        l.contains("net-check: lease 10.0.2.15/24 router 10.0.2.2")
    })?;
    expect("the guest did not resolve the name against the test's DNS server", 30, &|l| {
        l.contains(&format!("net-check: resolved {TEST_NAME} to {HOST_FROM_GUEST}"))
    })?;
    expect("a name the DNS server does not know was not reported missing", 30, &|l| {
        l.contains("net-check: missing.weft.test: missing.weft.test: no such host")
    })?;
    let fetched =
        expect("the guest did not fetch the file over HTTP", 120, &|l| l.contains("net-check: fetched "))?;
    if !fetched.contains(&format!("fetched {} bytes", body.len())) || !fetched.ends_with(&expected) {
        return Err(format!(
            "the fetched file differs: `{fetched}`, expected {} bytes with sha256 {expected}",
            body.len()
        ));
    }
    let again = expect("the download across a driver restart did not finish", 120, &|l| {
        l.contains("net-check: fetched again across a driver restart")
    })?;
    if !again.ends_with(&format!("{} bytes sha256 {expected}", body.len())) {
        return Err(format!("the file fetched across a driver restart differs: `{again}`"));
    }
    expect("the root manager did not reset the dead driver's device", 5, &|l| {
        l.contains("reset virtio-net-0 after virtio-net ended")
    })?;
    expect("the network service never reconnected to the restarted driver", 5, &|l| {
        l.contains("net: the network device is back")
    })?;
    expect("the guest's gateway did not answer a ping", 30, &|l| {
        l.contains("net-check: ping 10.0.2.2 answered")
    })?;
    expect("listening on a port outside the entitlement was not refused", 30, &|l| {
        l.contains("net-check: listen 7001 refused: not allowed: this program lacks the `listen:7001` network entitlement")
    })?;
    expect("the guest did not listen", 30, &|l| l.contains("net-check: listening on 7000"))?;
    expect("the DHCP lease (capped at 20 s) was not renewed", 60, &|l| {
        l.contains("net: lease of 10.0.2.15/24 renewed")
    })?;
    if dns.answered.load(Ordering::Relaxed) < 2 {
        return Err("the test's DNS server answered fewer than two queries".into());
    }
    // The cable is pulled and put back (QMP `set_link`): the driver and
    // the service see both, and the socket below still answers.
    qmp.execute(r#"{"execute":"set_link","arguments":{"name":"nic0","up":false}}"#)?;
    expect("the guest did not see its link go down", 30, &|l| l.contains("net: link down"))?;
    qmp.execute(r#"{"execute":"set_link","arguments":{"name":"nic0","up":true}}"#)?;
    expect("the guest did not see its link come back", 30, &|l| l.contains("net: link up"))?;
    // Through the forwarded port, to the guest's socket.
    let mut stream =
        TcpStream::connect(("127.0.0.1", forwarded)).map_err(|e| format!("forwarded port: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    stream.write_all(b"hello guest\n").map_err(|e| format!("writing to the guest: {e}"))?;
    let mut reply = String::new();
    BufReader::new(stream.try_clone().map_err(|e| e.to_string())?)
        .read_line(&mut reply)
        .map_err(|e| format!("reading the guest's answer: {e}"))?;
    if reply.trim_end() != "weft heard: hello guest" {
        return Err(format!("the guest's listening socket answered `{}`", reply.trim_end()));
    }
    drop(stream);

    // A flood at the forwarded port: 200 connections opened and dropped,
    // and 4 MiB of bytes with no line end. The guest's socket still
    // answers afterwards, and nothing in the guest fails.
    for _ in 0..200 {
        let _ = TcpStream::connect(("127.0.0.1", forwarded));
    }
    if let Ok(mut junk) = TcpStream::connect(("127.0.0.1", forwarded)) {
        let noise =
            test_bytes(4 << 20, 7).into_iter().map(|b| if b == b'\n' { b'x' } else { b }).collect::<Vec<_>>();
        let _ = junk.write_all(&noise);
    }
    let answered = (0..10).any(|_| {
        std::thread::sleep(Duration::from_secs(2));
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", forwarded)) else { return false };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        let mut reply = String::new();
        stream.write_all(b"still there\n").is_ok()
            && BufReader::new(stream).read_line(&mut reply).is_ok()
            && reply.trim_end() == "weft heard: still there"
    });
    if !answered {
        return Err("after a flood of connections and bytes, the guest's socket no longer answers".into());
    }
    // The desktop still answers: the panel's Apps button opens the
    // launcher (the screen darkens behind it).
    running
        .wait_for(Duration::from_secs(60), |l| l.contains("shell ready"))
        .ok_or("the desktop shell never came up")?;
    std::thread::sleep(Duration::from_secs(2));
    let before = crate::qemu_tests::screendump(&mut qmp, "qemu-after-flood")?;
    let lit = crate::qemu_tests::brightness(&before, 100, 300, 200, 200);
    crate::qemu_tests::click_at(&mut qmp, crate::qemu_tests::APPS_BUTTON)?;
    crate::qemu_tests::wait_screen(&mut qmp, "qemu-after-flood-launcher", Duration::from_secs(30), |p| {
        crate::qemu_tests::brightness(p, 100, 300, 200, 200) < lit - 40.0
    })
    .map_err(|e| format!("after the flood, the desktop did not open its launcher: {e}"))?;
    let lines = running.lines();
    if let Some(bad) = lines.iter().find(|l| {
        l.text.contains("KERNEL PANIC")
            || l.text.contains("net-check failed")
            || l.text.contains("manager: net was killed")
            || l.text.contains("manager: net exited")
    }) {
        return Err(format!("the flood broke something: {}", bad.text));
    }
    running.stop();
    Ok(())
}
