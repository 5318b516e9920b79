//! The network in hosted mode, whole-system: the real `net` service
//! (`services/net-hosted`, `weft.net` on the host's sockets) booted by the
//! root manager, and programs that reach it through their routes with the
//! grants their manifests give — against real host peers the test runs:
//! TCP both ways, an HTTP download, a listener, UDP, entitlements, sockets
//! closed by dropping them, and the operator shell's `fetch`.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use weft_ipc::program::ProgramError;
use weft_ipc::{ConnectError, Namespace};
use weft_net_api::http::{self, Url};
use weft_net_api::{Net, NetError, NetProtocol, Tcp, TcpListener as WeftListener, Udp};
use weft_rt::Deadline;
use weft_testing::{BootOptions, Graph, GraphOptions, Probe, Service, System, WAIT, bundle_for, manifest};
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, Ui};

/// A program inside the graph with its `weft.net` connection (if routed)
/// and the sockets it holds between steps.
struct App {
    namespace: Namespace,
    net: Option<Net>,
    tcp: Option<Tcp>,
    listener: Option<WeftListener>,
    udp: Option<Udp>,
}

impl App {
    fn net(&mut self) -> &Net {
        if self.net.is_none() {
            let client = self.namespace.connect::<NetProtocol>().expect("weft.net is routed");
            self.net = Some(Net::new(client));
        }
        self.net.as_ref().expect("connected")
    }
}

fn app() -> (Probe<App>, weft_kernel_hosted::ProgramClosure) {
    Probe::new(|startup| {
        Ok::<_, ProgramError>(App {
            namespace: startup.namespace().clone(),
            net: None,
            tcp: None,
            listener: None,
            udp: None,
        })
    })
}

/// Boot `net` and one app per `(name, grants)` (`None`: no `weft.net`
/// route at all); the apps' probes in the same order.
fn boot(apps: &[(&str, Option<&[&str]>)]) -> (Graph, Vec<Probe<App>>) {
    let mut options =
        GraphOptions::default().services([Service::new("net", "net-hosted").exposes("weft.net")]);
    let mut probes = Vec::new();
    for (name, grants) in apps {
        let (probe, program) = app();
        let program_name = format!("test-{name}");
        let mut service = Service::new(name, &program_name);
        if let Some(grants) = grants {
            service = service.uses("weft.net", grants);
        }
        options = options.services([service]);
        options.programs.push((program_name, program));
        probes.push(probe);
    }
    let graph = options.boot().expect("the graph boots");
    assert!(graph.wait_for_log("net: on the host's sockets", WAIT), "net did not start");
    for (name, _) in apps {
        assert!(graph.wait_for_log(&format!("probe {name} ready"), WAIT), "{name} did not start");
    }
    (graph, probes)
}

fn seconds(n: u64) -> Deadline {
    Deadline::after(Duration::from_secs(n))
}

fn local(listener: &TcpListener) -> SocketAddrV4 {
    match listener.local_addr().unwrap() {
        SocketAddr::V4(address) => address,
        SocketAddr::V6(_) => unreachable!("bound to an IPv4 address"),
    }
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap().local_addr().unwrap().port()
}

/// Bytes that are not a pattern a short read could fake.
fn body(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// A one-request HTTP server on loopback serving `body` at any path;
/// returns its address and the thread (which returns the request line).
fn http_server(body: Vec<u8>) -> (SocketAddrV4, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let address = local(&listener);
    let thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).unwrap(), 1, "the request ended early");
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let response =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(response.as_bytes()).unwrap();
        stream.write_all(&body).unwrap();
        head.lines().next().unwrap_or("").to_string()
    });
    (address, thread)
}

#[test]
fn a_program_connects_out_and_downloads_over_http() {
    let (_graph, probes) = boot(&[("client", Some(&["outbound"]))]);
    let client = &probes[0];

    // TCP both ways with a host peer.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let address = local(&listener);
    let peer = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        let mut hello = [0u8; 15];
        stream.read_exact(&mut hello).unwrap();
        stream.write_all(b"hello from the host").unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        // The program shuts down its side after reading: the end of the stream.
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).unwrap();
        (hello, rest)
    });
    let (status, received, remote) = client.run(move |app| {
        let status = app.net().status().unwrap();
        let tcp = app.net().connect_tcp(address, 5000).unwrap();
        tcp.write_all(b"hello from weft", seconds(10)).unwrap();
        let mut received = Vec::new();
        loop {
            let data = tcp.read(1024, seconds(10)).unwrap();
            if data.is_empty() {
                break;
            }
            received.extend_from_slice(&data);
        }
        tcp.shutdown(seconds(10)).unwrap();
        (status, received, tcp.remote)
    });
    let (hello, rest) = peer.join().unwrap();
    assert_eq!(&hello, b"hello from weft");
    assert!(rest.is_empty(), "{rest:?}");
    assert_eq!(received, b"hello from the host");
    assert_eq!(remote, address);
    assert_eq!(status.interfaces.len(), 1);
    assert_eq!(status.interfaces[0].name, "host");
    assert!(status.interfaces[0].addresses.contains(&(Ipv4Addr::LOCALHOST, 8)), "{status:?}");
    assert_eq!(status.lease, None);

    // Names resolve through the host (a dotted quad at once).
    let names = client.run(|app| (app.net().resolve("localhost"), app.net().resolve("10.1.2.3")));
    assert_eq!(names.0, Ok(vec![Ipv4Addr::LOCALHOST]));
    assert_eq!(names.1, Ok(vec![Ipv4Addr::new(10, 1, 2, 3)]));

    // 1 MiB over HTTP, byte for byte.
    let expected = body(1 << 20);
    let (address, server) = http_server(expected.clone());
    let url = format!("http://{address}/files/blob.bin");
    let (length, fetched) = client.run(move |app| {
        let mut fetched = Vec::new();
        let url = Url::parse(&url).unwrap();
        let length = http::get(app.net(), &url, 10_000, |piece, _| {
            fetched.extend_from_slice(piece);
            Ok(())
        })
        .unwrap();
        (length, fetched)
    });
    assert_eq!(server.join().unwrap(), "GET /files/blob.bin HTTP/1.1");
    assert_eq!(length, 1 << 20);
    assert!(fetched == expected, "the body differs from what the server sent");

    // Nothing listens: refused.
    let closed = SocketAddrV4::new(Ipv4Addr::LOCALHOST, free_port());
    let refused = client.run(move |app| app.net().connect_tcp(closed, 5000).map(|_| ()));
    assert_eq!(refused, Err(NetError::Refused));
}

#[test]
fn a_program_accepts_connections_on_its_port() {
    let port = free_port();
    let grant = format!("listen:{port}");
    let (_graph, probes) = boot(&[("server", Some(&[grant.as_str()]))]);
    let server = &probes[0];
    let local = server.run(move |app| {
        let listener = app.net().listen(port).unwrap();
        let local = listener.local;
        app.listener = Some(listener);
        local
    });
    assert_eq!(local.port(), port);
    let peer = std::thread::spawn(move || {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream.write_all(b"knock knock").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        answer
    });
    let (heard, remote) = server.run(|app| {
        let tcp = app.listener.as_ref().unwrap().accept(seconds(10)).unwrap();
        let mut heard = Vec::new();
        while heard.len() < 11 {
            let data = tcp.read(64, seconds(10)).unwrap();
            assert!(!data.is_empty(), "the peer ended early");
            heard.extend_from_slice(&data);
        }
        tcp.write_all(b"who's there?", seconds(10)).unwrap();
        tcp.shutdown(seconds(10)).unwrap();
        (heard, tcp.remote)
    });
    assert_eq!(heard, b"knock knock");
    assert_eq!(*remote.ip(), Ipv4Addr::LOCALHOST);
    assert_eq!(peer.join().unwrap(), b"who's there?");

    // A second listener on the same port: in use.
    let again = server.run(move |app| app.net().listen(port).map(|_| ()));
    assert_eq!(again, Err(NetError::InUse(port)));

    // An accept in flight, then the listener dropped: the host port is
    // free again (its thread was woken and ended).
    let timed_out = server.run(|app| {
        let result = app.listener.as_ref().unwrap().accept(Deadline::after(Duration::from_millis(100)));
        app.listener = None;
        result.map(|_| ())
    });
    assert_eq!(timed_out, Err(NetError::TimedOut));
    let deadline = Instant::now() + WAIT;
    while TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_err() {
        assert!(Instant::now() < deadline, "port {port} stayed taken after the listener was dropped");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn udp_goes_both_ways() {
    let (_graph, probes) = boot(&[("client", Some(&["outbound"]))]);
    let client = &probes[0];
    let peer = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    peer.set_read_timeout(Some(WAIT)).unwrap();
    let SocketAddr::V4(peer_address) = peer.local_addr().unwrap() else { unreachable!() };
    let bound = client.run(move |app| {
        let udp = app.net().bind_udp(0).unwrap();
        udp.send_to(peer_address, b"datagram from weft").unwrap();
        let local = udp.local;
        app.udp = Some(udp);
        local
    });
    let mut buffer = [0u8; 2048];
    let (n, from) = peer.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"datagram from weft");
    assert_eq!(from.port(), bound.port());
    peer.send_to(b"datagram from the host", from).unwrap();
    let (sender, data) = client.run(|app| app.udp.as_ref().unwrap().receive(seconds(10)).unwrap());
    assert_eq!(data, b"datagram from the host");
    assert_eq!(sender, peer_address);
    // Too large for one frame: refused, as on the kernel.
    let large = client.run(move |app| app.udp.as_ref().unwrap().send_to(peer_address, &[0; 1500]));
    assert!(matches!(large, Err(NetError::Invalid(_))), "{large:?}");
    // A receive in flight, then the socket dropped: the service goes on.
    let pending = client.run(|app| {
        let result = app.udp.as_ref().unwrap().receive(Deadline::after(Duration::from_millis(100)));
        app.udp = None;
        result.map(|_| ())
    });
    assert_eq!(pending, Err(NetError::TimedOut));
    let again = client.run(|app| app.net().bind_udp(0).map(|udp| udp.local.port()));
    assert!(again.is_ok_and(|port| port != 0));
}

#[test]
fn dns_servers_set_by_a_program_answer_its_lookups() {
    let (_graph, probes) = boot(&[("admin", Some(&["outbound", "configure"]))]);
    // A DNS server on loopback that knows one name.
    let server = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    server.set_read_timeout(Some(WAIT)).unwrap();
    let SocketAddr::V4(address) = server.local_addr().unwrap() else { unreachable!() };
    let answering = std::thread::spawn(move || {
        let mut buffer = [0u8; 512];
        let (n, from) = server.recv_from(&mut buffer).unwrap();
        // The question echoed with QR set and one A record.
        let mut answer = buffer[..n].to_vec();
        answer[2] |= 0x80;
        answer[7] = 1;
        answer.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
        server.send_to(&answer, from).unwrap();
        String::from_utf8_lossy(&buffer[13..n]).into_owned()
    });
    let (dns, found) = probes[0].run(move |app| {
        app.net().set_dns(vec![address]).unwrap();
        (app.net().status().unwrap().dns, app.net().resolve("files.weft.test"))
    });
    assert_eq!(dns, [address]);
    assert_eq!(found, Ok(vec![Ipv4Addr::new(10, 1, 2, 3)]));
    assert!(answering.join().unwrap().contains("weft"), "the server was asked");
    // Back to the host's resolver.
    let found = probes[0].run(|app| {
        app.net().set_dns(Vec::new()).unwrap();
        app.net().resolve("localhost")
    });
    assert_eq!(found, Ok(vec![Ipv4Addr::LOCALHOST]));
}

#[test]
fn the_entitlement_decides_what_a_program_may_do() {
    let held = TcpListener::bind((Ipv4Addr::UNSPECIFIED, 0)).unwrap();
    let taken = held.local_addr().unwrap().port();
    let taken_grant = format!("listen:{taken}");
    let (_graph, probes) = boot(&[
        ("nothing", Some(&[])),
        ("server", Some(&["listen:1234", taken_grant.as_str()])),
        ("isolated", None),
    ]);
    let somewhere = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 9);
    let outbound = || Err(NetError::Denied("outbound".into()));
    let nothing = probes[0].run(move |app| {
        let net = app.net();
        (
            net.connect_tcp(somewhere, 1000).map(|_| ()),
            net.resolve("localhost").map(|_| ()),
            net.bind_udp(0).map(|_| ()),
            net.ping(Ipv4Addr::LOCALHOST, 1, 8, 100).map(|_| ()),
            net.set_dns(Vec::new()),
            net.listen(1234).map(|_| ()),
            net.status().is_ok(),
        )
    });
    assert_eq!(nothing.0, outbound());
    assert_eq!(nothing.1, outbound());
    assert_eq!(nothing.2, outbound());
    assert_eq!(nothing.3, outbound());
    assert_eq!(nothing.4, Err(NetError::Denied("configure".into())));
    assert_eq!(nothing.5, Err(NetError::Denied("listen:1234".into())));
    assert!(nothing.6, "the status needs no grant");
    let message = NetError::Denied("outbound".into()).to_string();
    assert!(message.contains("`outbound` network entitlement"), "{message}");

    let server = probes[1].run(move |app| {
        let net = app.net();
        (
            net.listen(1235).map(|_| ()),
            net.bind_udp(1235).map(|_| ()),
            net.connect_tcp(somewhere, 1000).map(|_| ()),
            net.listen(taken).map(|_| ()),
        )
    });
    assert_eq!(server.0, Err(NetError::Denied("listen:1235".into())));
    assert_eq!(server.1, Err(NetError::Denied("listen:1235".into())));
    assert_eq!(server.2, outbound());
    // Granted, but another program of the host has the port.
    assert_eq!(server.3, Err(NetError::InUse(taken)));
    drop(held);

    let isolated = probes[2].run(|app| match app.namespace.connect::<NetProtocol>() {
        Err(ConnectError::NotRouted { protocol }) => Ok(protocol),
        Err(other) => Err(format!("{other}")),
        Ok(_) => Err("connected without a route".into()),
    });
    assert_eq!(isolated, Ok("weft.net".to_string()));
}

#[test]
fn dropping_a_socket_closes_the_host_connection() {
    let (_graph, probes) = boot(&[("client", Some(&["outbound"]))]);
    let client = &probes[0];
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let address = local(&listener);
    client.run(move |app| app.tcp = Some(app.net().connect_tcp(address, 5000).unwrap()));
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    // A read waits in the service (the program gave up on it), then the
    // program drops the socket.
    let pending = client.run(|app| {
        let result = app.tcp.as_ref().unwrap().read(100, Deadline::after(Duration::from_millis(100)));
        app.tcp = None;
        result
    });
    assert_eq!(pending, Err(NetError::TimedOut));
    let mut buffer = [0u8; 16];
    match stream.read(&mut buffer) {
        Ok(0) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the host peer should see the connection end: {other:?}"),
    }

    // The same with a connection nobody read from or wrote to.
    client.run(move |app| app.tcp = Some(app.net().connect_tcp(address, 5000).unwrap()));
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    client.run(|app| app.tcp = None);
    match stream.read(&mut buffer) {
        Ok(0) => {}
        Err(error) if error.kind() == ErrorKind::ConnectionReset => {}
        other => panic!("the host peer should see the connection end: {other:?}"),
    }
}

/// The terminal's shell inside the graph (the terminal's program, less
/// the window), driven from the test thread.
struct Terminal {
    harness: weft_toolkit_harness::Harness<weft_terminal::Message>,
    session: weft_terminal::Session<weft_opsh::ServiceHost>,
}

/// Type `command` and press Enter; the lines it printed.
fn shell(terminal: &Probe<Terminal>, command: &str) -> Vec<String> {
    let line = command.to_string();
    let lines = terminal.run(move |t| {
        t.harness.type_text(&line);
        t.harness.key(Key::ENTER, Modifiers::empty());
        for message in t.harness.take_messages() {
            t.session.update(t.harness.ui(), message);
        }
        t.harness.render();
        t.session.terminal().lines()
    });
    let start = lines.iter().rposition(|l| l.ends_with(&format!("$ {command}"))).expect("the command line");
    lines[start + 1..].iter().take_while(|line| !line.starts_with("weft:")).cloned().collect()
}

#[test]
fn the_operator_shell_fetches_into_the_store() {
    let hosted = weft_kernel_hosted::Hosted::new();
    let (terminal, program) = Probe::new(|startup| {
        let files = weft_app_support::bundle::files_from_startup(startup)?;
        let mut ui = Ui::new(Theme::light());
        let mut session = weft_terminal::Session::new(weft_opsh::ServiceHost::new(files));
        session.build(&mut ui);
        let harness = weft_toolkit_harness::Harness::new(ui, 1000, 600, 1.0);
        Ok::<_, ProgramError>(Terminal { harness, session })
    });
    hosted.register_closure("test-terminal", program);
    // The terminal's own manifest (its network entitlement included), less
    // the compositor this graph lacks; the hosted network and the store.
    let mut manifest_of_terminal = manifest("apps/terminal");
    manifest_of_terminal.uses.retain(|route| route.protocol != "weft.compositor");
    manifest_of_terminal.program = "test-terminal".into();
    manifest_of_terminal.start = weft_manifest::Start::Boot;
    let manifests = vec![
        manifest_of_terminal,
        manifest("services/log"),
        manifest("services/config"),
        manifest("services/status"),
        manifest("services/drivers/block-hosted"),
        manifest("services/storage"),
        manifest("services/net-hosted"),
    ];
    let options = BootOptions { bundle: bundle_for("test", manifests), echo: false, devices: Vec::new() };
    let system = System::boot_on(hosted, options).expect("the system boots");
    assert!(system.wait_for_log("probe terminal ready", WAIT), "the terminal did not start");
    assert!(system.wait_for_log("net: on the host's sockets", WAIT), "net did not start");

    let net = shell(&terminal, "net");
    assert!(net[0].starts_with("host: up") && net[0].contains("127.0.0.1/8"), "{net:?}");
    assert!(net.iter().any(|line| line == "lease: none"), "{net:?}");

    let expected = body(300_000);
    let digest: String =
        weft_storage_fs::format::sha256(&expected).iter().map(|b| format!("{b:02x}")).collect();
    let (address, server) = http_server(expected.clone());
    assert_eq!(shell(&terminal, "mkdir -p documents"), Vec::<String>::new());
    let command = format!("fetch http://{address}/x documents/x");
    let fetched = shell(&terminal, &command);
    assert_eq!(server.join().unwrap(), "GET /x HTTP/1.1");
    assert!(fetched.len() == 1 && fetched[0].ends_with(&format!("sha256 {digest}")), "{fetched:?}");
    let stored = terminal.run(|_| {
        let storage = weft_ipc::connect::<weft_storage_api::StorageProtocol>().expect("weft.storage");
        weft_storage_api::Dir::new(storage.into_channel()).read("documents/x").map_err(|e| format!("{e:?}"))
    });
    assert!(stored.as_deref() == Ok(&expected[..]), "the stored file differs from what the server sent");

    // Nothing listens there: the shell says so.
    let refused = shell(&terminal, &format!("fetch http://127.0.0.1:{}/x documents/y", free_port()));
    assert!(refused[0].contains("connection refused"), "{refused:?}");
    // Ping answers, or says why the host does not let it.
    let ping = shell(&terminal, "ping -c 1 127.0.0.1");
    assert!(ping.iter().any(|l| l.contains("1 received") || l.contains("ICMP socket")), "{ping:?}");
}
