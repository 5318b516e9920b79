//! Drives a sans-IO session over a real TCP stream, and sets up the
//! reference Zenoh peer.

#![allow(dead_code)]

use std::{
    io::{ErrorKind, Read, Write},
    net::{TcpListener, TcpStream},
    time::{Duration, Instant},
};

use weft_zenoh_session::{Config, Event, Session};

/// A free TCP port on 127.0.0.1 (free when this returns).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Our session's configuration: a fixed id per test, fresh entropy.
pub fn config(zid_byte: u8) -> Config {
    let mut zid = [0u8; 16];
    zid[0] = zid_byte;
    zid[1] = 0x5e;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    Config::new(zid, nanos.to_le_bytes())
}

/// A reference Zenoh peer configuration: no scouting, no default listener.
pub fn reference_config(listen: &[String], connect: &[String], extra: &[(&str, &str)]) -> zenoh::Config {
    reference_config_as("peer", listen, connect, extra)
}

/// A reference Zenoh configuration in `mode` (peer, client, router).
pub fn reference_config_as(
    mode: &str,
    listen: &[String],
    connect: &[String],
    extra: &[(&str, &str)],
) -> zenoh::Config {
    let list = |items: &[String]| {
        format!("[{}]", items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(","))
    };
    let mut config = zenoh::Config::default();
    let mut set =
        |key: &str, value: &str| config.insert_json5(key, value).unwrap_or_else(|e| panic!("{key}: {e}"));
    set("mode", &format!("{mode:?}"));
    set("listen/endpoints", &list(listen));
    set("connect/endpoints", &list(connect));
    set("scouting/multicast/enabled", "false");
    set("scouting/gossip/enabled", "false");
    for (key, value) in extra {
        set(key, value);
    }
    config
}

/// Our session on a TCP stream, with a clock starting at zero.
pub struct Link {
    pub stream: TcpStream,
    pub session: Session,
    start: Instant,
    /// Events seen and not yet consumed by `wait_for`.
    pub backlog: Vec<Event>,
    /// Whether `pump` reads the stream (off to let the lease run out).
    pub feeding: bool,
}

impl Link {
    /// Wraps a connected stream; `open` chooses the role.
    pub fn new(stream: TcpStream, open: bool, config: Config) -> Self {
        stream.set_read_timeout(Some(Duration::from_millis(5))).unwrap();
        stream.set_nodelay(true).unwrap();
        let session = if open { Session::open(config, 0) } else { Session::accept(config, 0) }.unwrap();
        let mut link = Self { stream, session, start: Instant::now(), backlog: Vec::new(), feeding: true };
        link.flush();
        link
    }

    /// Milliseconds since the link was made.
    pub fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Writes what the session queued.
    pub fn flush(&mut self) {
        let out = self.session.take_outgoing();
        if !out.is_empty() {
            self.stream.write_all(&out).unwrap();
        }
    }

    /// One round: read what is there (up to ~5 ms), feed it, poll, flush.
    pub fn pump(&mut self) {
        let mut buf = vec![0u8; 256 * 1024];
        if self.feeding && !self.session.is_closed() {
            match self.stream.read(&mut buf) {
                Ok(0) => {}
                Ok(n) => {
                    let now = self.now();
                    let events = self.session.receive(&buf[..n], now).expect("receive");
                    self.backlog.extend(events);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("read: {e}"),
            }
        } else {
            std::thread::sleep(Duration::from_millis(5));
        }
        let now = self.now();
        let events = self.session.poll(now);
        self.backlog.extend(events);
        self.flush();
    }

    /// Pumps until an event matches (removing it from the backlog).
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut matches: impl FnMut(&Event) -> bool,
    ) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.backlog.iter().position(&mut matches) {
                return self.backlog.remove(i);
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; backlog: {:?}",
                summary(&self.backlog)
            );
            self.pump();
        }
    }

    /// Pumps for a while.
    pub fn pump_for(&mut self, time: Duration) {
        let deadline = Instant::now() + time;
        while Instant::now() < deadline {
            self.pump();
        }
    }

    /// Pumps until `done` holds.
    pub fn pump_until(&mut self, what: &str, timeout: Duration, mut done: impl FnMut(&mut Self) -> bool) {
        let deadline = Instant::now() + timeout;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; backlog: {:?}",
                summary(&self.backlog)
            );
            self.pump();
        }
    }
}

/// Events with payloads shortened, for failure messages.
pub fn summary(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::Sample { key, payload, .. } => format!("Sample({key}, {} bytes)", payload.len()),
            Event::Reply { key, payload, .. } => format!("Reply({key}, {} bytes)", payload.len()),
            other => format!("{other:?}"),
        })
        .collect()
}

/// A payload with a recognisable pattern.
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[2] ^ seed).collect()
}

/// Moves bytes between two of our sessions until both are quiet; returns
/// each side's events.
pub fn shuttle(a: &mut Session, b: &mut Session, now: u64) -> (Vec<Event>, Vec<Event>) {
    let (mut ea, mut eb) = (Vec::new(), Vec::new());
    loop {
        let to_b = a.take_outgoing();
        let to_a = b.take_outgoing();
        if to_b.is_empty() && to_a.is_empty() {
            return (ea, eb);
        }
        if !to_b.is_empty() && !b.is_closed() {
            eb.extend(b.receive(&to_b, now).expect("b receives"));
        }
        if !to_a.is_empty() && !a.is_closed() {
            ea.extend(a.receive(&to_a, now).expect("a receives"));
        }
    }
}

/// Our opener and our acceptor, through the handshake.
pub fn opened_pair(a: Config, b: Config) -> (Session, Session) {
    let mut a = Session::open(a, 0).unwrap();
    let mut b = Session::accept(b, 0).unwrap();
    let (ea, eb) = shuttle(&mut a, &mut b, 0);
    assert!(matches!(ea.first(), Some(Event::Opened { .. })), "{ea:?}");
    assert!(matches!(eb.first(), Some(Event::Opened { .. })), "{eb:?}");
    (a, b)
}
