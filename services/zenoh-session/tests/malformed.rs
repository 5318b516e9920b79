//! Hostile input: malformed, truncated and random bytes are errors (or
//! ignored), never panics, and an error leaves the session closed with a
//! Close queued for the remote.

mod common;

use common::{config, opened_pair, pattern, shuttle};
use weft_zenoh_session::{Event, Session, SessionError};

/// A tiny deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A length-prefixed batch.
fn batch(content: &[u8]) -> Vec<u8> {
    let mut out = (content.len() as u16).to_le_bytes().to_vec();
    out.extend_from_slice(content);
    out
}

/// After an error: closed, a Close (id 0x03) queued, later input refused.
fn assert_failed_cleanly(s: &mut Session) {
    assert!(s.is_closed());
    let out = s.take_outgoing();
    assert!(out.len() >= 3 && out[out.len() - 2] & 0x1f == 0x03, "{out:02x?}");
    assert_eq!(s.receive(b"\x01\x00\x04", 0), Err(SessionError::Closed));
}

#[test]
fn garbage_in_the_handshake_is_an_error() {
    let mut s = Session::accept(config(1), 0).unwrap();
    assert_eq!(s.receive(&batch(&[0xff, 0xff, 0xff]), 0), Err(SessionError::Malformed));
    assert_failed_cleanly(&mut s);
}

#[test]
fn wrong_message_in_the_handshake_is_an_error() {
    let mut s = Session::accept(config(1), 0).unwrap();
    // A KeepAlive before any InitSyn.
    assert!(matches!(s.receive(&batch(&[0x04]), 0), Err(SessionError::Protocol(_))));
    assert_failed_cleanly(&mut s);
}

#[test]
fn a_truncated_message_is_an_error_but_a_split_batch_is_not() {
    let mut a = Session::open(config(1), 0).unwrap();
    let syn = a.take_outgoing();
    // Fed a byte at a time: nothing happens until the batch is whole.
    let mut b = Session::accept(config(2), 0).unwrap();
    for byte in &syn {
        assert_eq!(b.receive(std::slice::from_ref(byte), 0), Ok(vec![]));
    }
    assert!(!b.take_outgoing().is_empty(), "the InitAck");
    // The same InitSyn cut short inside its batch.
    for cut in 1..syn.len() - 2 {
        let mut b = Session::accept(config(2), 0).unwrap();
        let r = b.receive(&batch(&syn[2..2 + cut]), 0);
        assert!(r.is_err(), "cut at {cut}: {r:?}");
        assert_failed_cleanly(&mut b);
    }
}

#[test]
fn a_wrong_cookie_or_version_is_refused() {
    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(config(2), 0).unwrap();
    let mut syn = a.take_outgoing();
    // InitSyn: [len][header][version]...
    syn[3] ^= 0x7f;
    assert!(matches!(b.receive(&syn, 0), Err(SessionError::Protocol(_))));

    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(config(2), 0).unwrap();
    b.receive(&a.take_outgoing(), 0).unwrap();
    a.receive(&b.take_outgoing(), 0).unwrap();
    let open_syn = a.take_outgoing();
    // The cookie (our entropy) ends the OpenSyn: flip its last byte.
    let mut bad = open_syn.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert_eq!(b.receive(&bad, 0), Err(SessionError::Protocol("OpenSyn with an unknown cookie")));
    assert_failed_cleanly(&mut b);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let len = rng.below(300);
        let junk = rng.bytes(len);
        let mut s = if round % 2 == 0 {
            Session::accept(config(1), 0).unwrap()
        } else {
            Session::open(config(1), 0).unwrap()
        };
        // Raw, and wrapped in a well-formed length prefix.
        let input = if round % 4 < 2 { junk } else { batch(&junk) };
        if s.receive(&input, 0).is_err() {
            assert_failed_cleanly(&mut s);
        }
    }
}

#[test]
fn random_bytes_on_an_open_session_never_panic() {
    let mut rng = Rng(7);
    let (mut errors, mut delivered) = (0, 0);
    for _ in 0..2000 {
        let (mut a, mut b) = opened_pair(config(1), config(2));
        b.subscribe("**").unwrap();
        b.declare_queryable("**").unwrap();
        shuttle(&mut a, &mut b, 0);
        let len = rng.below(200);
        // Frame-ish headers make the decoder go deeper.
        let mut content = rng.bytes(len);
        if let Some(first) = content.first_mut() {
            *first = [0x05, 0x25, 0x06, 0x26, 0x46, 0x04, 0x03][rng.below(7)] | (*first & 0x80);
        }
        match b.receive(&batch(&content), 0) {
            Err(_) => {
                errors += 1;
                assert_failed_cleanly(&mut b);
            }
            Ok(events) => delivered += events.len(),
        }
    }
    // Both outcomes happen.
    assert!(errors > 100 && errors < 2000, "{errors} errors, {delivered} events");
}

#[test]
fn mutated_real_traffic_never_panics() {
    // A real stream: handshake, declarations, small and fragmented puts, a query.
    let mut cfg = config(2);
    cfg.batch_size = 2048;
    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(cfg.clone(), 0).unwrap();
    let mut to_b = Vec::new();
    a.subscribe("k/**").unwrap();
    b.subscribe("k/**").unwrap();
    b.declare_queryable("q").unwrap();
    loop {
        let out = a.take_outgoing();
        let back = b.take_outgoing();
        if out.is_empty() && back.is_empty() {
            break;
        }
        to_b.extend_from_slice(&out);
        b.receive(&out, 0).unwrap();
        a.receive(&back, 0).unwrap();
    }
    a.put("k/1", b"small").unwrap();
    a.put("k/2", &pattern(10_000, 3)).unwrap();
    a.get("q", "x").unwrap();
    to_b.extend_from_slice(&a.take_outgoing());

    let mut rng = Rng(99);
    for _ in 0..3000 {
        let mut stream = to_b.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(stream.len());
            stream[i] = rng.next() as u8;
        }
        let mut s = Session::accept(cfg.clone(), 0).unwrap();
        s.subscribe("k/**").unwrap();
        s.declare_queryable("q").unwrap();
        // Also split at a random point.
        let cut = rng.below(stream.len());
        let r = s.receive(&stream[..cut], 0).and_then(|mut e| {
            e.extend(s.receive(&stream[cut..], 0)?);
            Ok(e)
        });
        match r {
            Ok(events) => assert!(events.iter().all(|e| !matches!(e, Event::Closed { .. })) || s.is_closed()),
            Err(_) => assert_failed_cleanly(&mut s),
        }
    }
}
