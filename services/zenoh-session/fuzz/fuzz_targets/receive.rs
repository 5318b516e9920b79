//! Fuzz what a session receives: arbitrary bytes, split at an arbitrary
//! point, into a fresh acceptor, a fresh opener (InitSyn sent), and both
//! ends of a session that finished its handshake (with subscriptions and
//! queryables, so samples and queries reach the network layer). Nothing
//! may panic; an error must leave the session closed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_zenoh_session::{Config, Session};

fn config(id: u8) -> Config {
    let mut zid = [0; 16];
    zid[0] = id;
    let mut config = Config::new(zid, [id; 16]);
    config.max_message_size = 1 << 20;
    config
}

fn feed(session: &mut Session, data: &[u8]) {
    let cut = data.first().map_or(0, |&b| b as usize % (data.len() + 1));
    for (i, part) in [&data[..cut], &data[cut..]].into_iter().enumerate() {
        match session.receive(part, i as u64) {
            Ok(_) => {}
            Err(_) => {
                assert!(session.is_closed());
                break;
            }
        }
    }
    let _ = session.poll(1);
    let _ = session.take_outgoing();
}

/// An opener and an acceptor, through the handshake, each with a
/// subscription and a queryable on everything.
fn opened() -> (Session, Session) {
    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(config(2), 0).unwrap();
    for s in [&mut a, &mut b] {
        s.subscribe("**").unwrap();
        s.declare_queryable("**").unwrap();
    }
    loop {
        let to_b = a.take_outgoing();
        let to_a = b.take_outgoing();
        if to_b.is_empty() && to_a.is_empty() {
            break;
        }
        b.receive(&to_b, 0).unwrap();
        a.receive(&to_a, 0).unwrap();
    }
    assert!(a.is_open() && b.is_open());
    (a, b)
}

fuzz_target!(|data: &[u8]| {
    feed(&mut Session::accept(config(1), 0).unwrap(), data);
    let mut opener = Session::open(config(1), 0).unwrap();
    let _ = opener.take_outgoing();
    feed(&mut opener, data);
    let (mut a, mut b) = opened();
    feed(&mut a, data);
    feed(&mut b, data);
});
