//! Two of our own sessions, one opening and one accepting, wired in memory:
//! the handshake, declarations, pub/sub, queries, fragments, timers.

mod common;

use common::{config, opened_pair, pattern, shuttle};
use weft_zenoh_session::{
    CloseReason, DeclKind, Encoding, Event, Reliability, SampleKind, Session, SessionError, WhatAmI,
};

#[test]
fn handshake_both_roles() {
    let (a, b) = opened_pair(config(1), config(2));
    assert_eq!(a.remote().unwrap().0, b.zid());
    assert_eq!(b.remote().unwrap().0, a.zid());
    assert_eq!(a.remote().unwrap().1, WhatAmI::Peer);
    assert!(a.is_open() && b.is_open());
}

#[test]
fn batch_size_is_the_smaller_one() {
    let mut small = config(2);
    small.batch_size = 1000;
    let (a, b) = opened_pair(config(1), small);
    assert_eq!((a.batch_size(), b.batch_size()), (1000, 1000));
}

#[test]
fn connecting_to_ourselves_is_refused() {
    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(config(1), 0).unwrap();
    let syn = a.take_outgoing();
    assert_eq!(b.receive(&syn, 0), Err(SessionError::Protocol("connection to self")));
    assert!(b.is_closed());
}

#[test]
fn all_zero_id_is_refused() {
    assert_eq!(
        Session::open(weft_zenoh_session::Config::new([0; 16], [1; 16]), 0).unwrap_err(),
        SessionError::InvalidZid
    );
}

#[test]
fn pub_sub_follows_declarations() {
    let (mut a, mut b) = opened_pair(config(1), config(2));
    // Nobody subscribed: nothing is sent.
    assert_eq!(a.put("k/x", b"v"), Ok(false));
    assert_eq!(a.put("k/**/**", b"v"), Err(SessionError::InvalidKey));
    let sub = b.subscribe("k/*").unwrap();
    let (ea, _) = shuttle(&mut a, &mut b, 1);
    assert_eq!(ea, [Event::Declared { kind: DeclKind::Subscriber, key: "k/*".into() }]);
    assert_eq!(a.put("k/x", b"v"), Ok(true));
    assert_eq!(a.put("k/x/y", b"v"), Ok(false));
    let enc = Encoding { id: 7, schema: Some(b"s".to_vec()) };
    assert_eq!(a.put_with("k/y", b"w", &enc, Reliability::BestEffort), Ok(true));
    assert_eq!(a.delete("k/z"), Ok(true));
    let (_, eb) = shuttle(&mut a, &mut b, 2);
    assert_eq!(
        eb,
        [
            Event::Sample {
                key: "k/x".into(),
                payload: b"v".to_vec(),
                encoding: Encoding::BYTES,
                kind: SampleKind::Put
            },
            Event::Sample { key: "k/y".into(), payload: b"w".to_vec(), encoding: enc, kind: SampleKind::Put },
            Event::Sample {
                key: "k/z".into(),
                payload: vec![],
                encoding: Encoding::BYTES,
                kind: SampleKind::Delete
            },
        ]
    );
    assert!(b.unsubscribe(sub));
    assert!(!b.unsubscribe(sub));
    let (ea, _) = shuttle(&mut a, &mut b, 3);
    assert_eq!(ea, [Event::Undeclared { kind: DeclKind::Subscriber, key: "k/*".into() }]);
    assert_eq!(a.put("k/x", b"v"), Ok(false));
}

#[test]
fn declarations_made_before_open_go_out_at_open() {
    let mut a = Session::open(config(1), 0).unwrap();
    let mut b = Session::accept(config(2), 0).unwrap();
    a.subscribe("x/**").unwrap();
    b.declare_queryable("q").unwrap();
    assert_eq!(a.put("x/y", b""), Err(SessionError::NotOpen));
    let (ea, eb) = shuttle(&mut a, &mut b, 0);
    assert!(ea.contains(&Event::Declared { kind: DeclKind::Queryable, key: "q".into() }), "{ea:?}");
    assert!(eb.contains(&Event::Declared { kind: DeclKind::Subscriber, key: "x/**".into() }), "{eb:?}");
}

#[test]
fn big_payloads_fragment_and_reassemble_both_ways_on_both_channels() {
    let mut small = config(2);
    small.batch_size = 4096;
    let (mut a, mut b) = opened_pair(config(1), small);
    a.subscribe("big").unwrap();
    b.subscribe("big").unwrap();
    shuttle(&mut a, &mut b, 0);
    for (i, reliability) in [Reliability::Reliable, Reliability::BestEffort].into_iter().enumerate() {
        let payload = pattern(700_000 + i, i as u8);
        assert_eq!(a.put_with("big", &payload, &Encoding::BYTES, reliability), Ok(true));
        assert_eq!(b.put_with("big", &payload, &Encoding::BYTES, reliability), Ok(true));
        let out = a.take_outgoing();
        // Every batch within the negotiated size.
        let mut rest = &out[..];
        while !rest.is_empty() {
            let len = u16::from_le_bytes([rest[0], rest[1]]) as usize;
            assert!(len + 2 <= 4096);
            rest = &rest[2 + len..];
        }
        let eb = b.receive(&out, 0).unwrap();
        let (ea, _) = shuttle(&mut a, &mut b, 0);
        for events in [ea, eb] {
            assert_eq!(events.len(), 1);
            let Event::Sample { payload: got, .. } = &events[0] else { panic!() };
            assert!(got == &payload);
        }
    }
}

#[test]
fn oversized_messages_are_dropped_not_fatal() {
    let mut limited = config(2);
    limited.max_message_size = 100_000;
    limited.batch_size = 8192;
    let (mut a, mut b) = opened_pair(config(1), limited);
    b.subscribe("k").unwrap();
    shuttle(&mut a, &mut b, 0);
    assert_eq!(a.put("k", &pattern(200_000, 0)), Ok(true));
    assert_eq!(a.put("k", b"small"), Ok(true));
    let (_, eb) = shuttle(&mut a, &mut b, 0);
    assert_eq!(eb.len(), 1, "{:?}", common::summary(&eb));
    assert!(matches!(&eb[0], Event::Sample { payload, .. } if payload == b"small"));
}

#[test]
fn queries_round_trip() {
    let (mut a, mut b) = opened_pair(config(1), config(2));
    b.declare_queryable("q/**").unwrap();
    shuttle(&mut a, &mut b, 0);
    let get = a.get("q/one", "a=b").unwrap();
    let (_, eb) = shuttle(&mut a, &mut b, 0);
    let [Event::Query { id, key, parameters, payload }] = &eb[..] else { panic!("{eb:?}") };
    assert_eq!((key.as_str(), parameters.as_str(), payload), ("q/one", "a=b", &None));
    b.reply(*id, "q/one", b"1").unwrap();
    b.reply(*id, "q/one", b"2").unwrap();
    assert_eq!(b.reply(*id, "z", b"2"), Err(SessionError::KeyMismatch));
    b.reply_done(*id).unwrap();
    assert_eq!(b.reply_done(*id), Err(SessionError::UnknownQuery(*id)));
    let (ea, _) = shuttle(&mut a, &mut b, 0);
    assert_eq!(
        ea,
        [
            Event::Reply { get, key: "q/one".into(), payload: b"1".to_vec(), encoding: Encoding::BYTES },
            Event::Reply { get, key: "q/one".into(), payload: b"2".to_vec(), encoding: Encoding::BYTES },
            Event::ReplyDone { get },
        ]
    );
    // No matching queryable: answered at once with a final.
    let get = a.get("elsewhere", "").unwrap();
    let (ea, eb) = shuttle(&mut a, &mut b, 0);
    assert!(eb.is_empty());
    assert_eq!(ea, [Event::ReplyDone { get }]);
    // A cancelled get hears nothing.
    let get = a.get("q/two", "").unwrap();
    a.cancel_get(get);
    let (_, eb) = shuttle(&mut a, &mut b, 0);
    let [Event::Query { id, .. }] = &eb[..] else { panic!() };
    b.reply(*id, "q/two", b"late").unwrap();
    b.reply_done(*id).unwrap();
    let (ea, _) = shuttle(&mut a, &mut b, 0);
    assert!(ea.is_empty(), "{ea:?}");
}

#[test]
fn keep_alive_and_lease() {
    let mut ca = config(1);
    ca.lease_ms = 1000;
    let mut cb = config(2);
    cb.lease_ms = 4000;
    let (mut a, mut b) = opened_pair(ca, cb);
    // a keeps alive every 250 ms (a quarter of its lease).
    assert!(a.poll(200).is_empty());
    assert!(a.take_outgoing().is_empty());
    assert!(a.poll(250).is_empty());
    assert_eq!(a.take_outgoing(), [1, 0, 0x04]);
    assert!(a.poll(300).is_empty());
    assert!(a.take_outgoing().is_empty());
    // Anything sent counts as traffic.
    b.subscribe("x").unwrap();
    shuttle(&mut a, &mut b, 400);
    a.put("x", b"1").unwrap();
    assert!(a.poll(450).is_empty());
    b.receive(&a.take_outgoing(), 450).unwrap();
    assert!(a.poll(650).is_empty());
    assert!(a.take_outgoing().is_empty());
    assert!(a.poll(700).is_empty());
    assert_eq!(a.take_outgoing(), [1, 0, 0x04]);
    // b's lease for a is a's lease (1 s) from the last bytes (at 450).
    assert!(b.poll(1450).iter().all(|e| !matches!(e, Event::Closed { .. })));
    assert_eq!(b.poll(1451), [Event::Closed { reason: CloseReason::LeaseExpired }]);
    assert!(b.is_closed());
    // a's lease for b is 4 s; b said nothing since 400.
    assert!(a.next_deadline().unwrap() <= 4401);
    assert!(a.poll(4400).iter().all(|e| !matches!(e, Event::Closed { .. })));
    assert_eq!(a.poll(4401), [Event::Closed { reason: CloseReason::LeaseExpired }]);
    assert_eq!(a.next_deadline(), None);
}

#[test]
fn the_handshake_times_out() {
    let mut cfg = config(1);
    cfg.open_timeout_ms = 500;
    let mut a = Session::open(cfg, 100).unwrap();
    a.take_outgoing();
    assert!(a.poll(600).is_empty());
    assert_eq!(a.poll(601), [Event::Closed { reason: CloseReason::OpenTimeout }]);
}

#[test]
fn close_both_ways() {
    let (mut a, mut b) = opened_pair(config(1), config(2));
    a.close();
    assert!(a.is_closed());
    assert_eq!(a.put("x", b""), Err(SessionError::Closed));
    let (_, eb) = shuttle(&mut a, &mut b, 0);
    assert_eq!(eb, [Event::Closed { reason: CloseReason::Remote(0) }]);
    assert!(b.is_closed());
    assert_eq!(b.receive(&[], 0), Err(SessionError::Closed));
}
