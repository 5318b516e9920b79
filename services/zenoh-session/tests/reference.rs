//! Our session against the reference `zenoh` crate, over real TCP on
//! 127.0.0.1, in both roles.

mod common;

use std::{
    net::{TcpListener, TcpStream},
    sync::mpsc,
    time::{Duration, Instant},
};

use common::{Link, config, free_port, pattern, reference_config};
use weft_zenoh_session::{CloseReason, DeclKind, Event, SampleKind, WhatAmI};
use zenoh::Wait;

const T: Duration = Duration::from_secs(10);
const MIB: usize = 1 << 20;

/// A reference subscriber feeding a channel of (key, payload).
fn reference_subscriber(
    session: &zenoh::Session,
    key: &'static str,
) -> (zenoh::pubsub::Subscriber<()>, mpsc::Receiver<(String, Vec<u8>)>) {
    let (tx, rx) = mpsc::channel();
    let sub = session
        .declare_subscriber(key)
        .callback(move |sample| {
            let _ = tx.send((sample.key_expr().to_string(), sample.payload().to_bytes().into_owned()));
        })
        .wait()
        .unwrap();
    (sub, rx)
}

/// Pumps `link` until the reference subscriber got `payload` on `key`.
fn expect_at_reference(link: &mut Link, rx: &mpsc::Receiver<(String, Vec<u8>)>, key: &str, payload: &[u8]) {
    let deadline = Instant::now() + T;
    loop {
        while let Ok((k, p)) = rx.try_recv() {
            if k == key && p == payload {
                return;
            }
        }
        assert!(Instant::now() < deadline, "the reference never got {key} ({} bytes)", payload.len());
        link.pump();
    }
}

/// The reference puts (again, until it arrives: our declaration may still be
/// on its way) and we must see the sample.
fn expect_from_reference(link: &mut Link, reference: &zenoh::Session, key: &str, payload: &[u8]) {
    let deadline = Instant::now() + T;
    loop {
        reference.put(key, payload.to_vec()).wait().unwrap();
        let until = Instant::now() + Duration::from_millis(300);
        while Instant::now() < until {
            if let Some(i) = link.backlog.iter().position(|e| {
                matches!(e, Event::Sample { key: k, payload: p, kind: SampleKind::Put, .. } if k == key && p == payload)
            }) {
                link.backlog.remove(i);
                return;
            }
            link.pump();
        }
        assert!(Instant::now() < deadline, "never received {key} ({} bytes)", payload.len());
    }
}

/// Both directions of pub/sub, small and 1 MiB.
fn exchange(link: &mut Link, reference: &zenoh::Session) {
    // The reference declared `weft/test/to_ref/**` before or after open.
    link.wait_for(
        "the reference's subscriber",
        T,
        |e| matches!(e, Event::Declared { kind: DeclKind::Subscriber, key } if key == "weft/test/to_ref/**"),
    );
    assert!(link.session.has_subscriber("weft/test/to_ref/a"));
    assert!(!link.session.put("weft/other", b"nobody listens").unwrap());

    expect_from_reference(link, reference, "weft/test/from_ref/small", b"hello from the reference");
    let big = pattern(MIB, 1);
    expect_from_reference(link, reference, "weft/test/from_ref/big", &big);
}

fn to_reference(link: &mut Link, rx: &mpsc::Receiver<(String, Vec<u8>)>) {
    assert!(link.session.put("weft/test/to_ref/small", b"hello from weft").unwrap());
    link.flush();
    expect_at_reference(link, rx, "weft/test/to_ref/small", b"hello from weft");
    let big = pattern(MIB, 2);
    assert!(link.session.put("weft/test/to_ref/big", &big).unwrap());
    link.flush();
    expect_at_reference(link, rx, "weft/test/to_ref/big", &big);
}

#[test]
fn we_open_to_a_listening_reference() {
    let port = free_port();
    let endpoint = format!("tcp/127.0.0.1:{port}");
    // Small batches on the reference side: the negotiation must honour them.
    let reference = zenoh::open(reference_config(
        std::slice::from_ref(&endpoint),
        &[],
        &[("transport/link/tx/batch_size", "8192")],
    ))
    .wait()
    .unwrap();
    let (_sub, rx) = reference_subscriber(&reference, "weft/test/to_ref/**");

    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut link = Link::new(stream, true, config(1));
    link.session.subscribe("weft/test/from_ref/**").unwrap();
    let opened = link.wait_for("Opened", T, |e| matches!(e, Event::Opened { .. }));
    let Event::Opened { remote_zid, whatami } = opened else { unreachable!() };
    assert_eq!(remote_zid.to_string(), reference.zid().to_string());
    assert_eq!(whatami, WhatAmI::Peer);
    assert_eq!(link.session.batch_size(), 8192);

    exchange(&mut link, &reference);
    to_reference(&mut link, &rx);

    // The reference sees us as a peer.
    let ours = link.session.zid().to_string();
    link.pump_until("the reference to list us", T, |_| {
        reference.info().peers_zid().wait().any(|z| z.to_string() == ours)
    });

    // It closes: we hear it.
    reference.close().wait().unwrap();
    let closed = link.wait_for("Closed", T, |e| matches!(e, Event::Closed { .. }));
    assert!(matches!(closed, Event::Closed { reason: CloseReason::Remote(_) }), "{closed:?}");
    assert!(link.session.is_closed());
    assert!(link.session.put("weft/test/to_ref/x", b"late").is_err());
}

#[test]
fn the_reference_connects_to_us() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = format!("tcp/127.0.0.1:{port}");
    // 8-bit sequence numbers: the 1 MiB fragments wrap them many times.
    let opener = std::thread::spawn(move || {
        zenoh::open(reference_config(
            &[],
            &[endpoint],
            &[("transport/link/tx/sequence_number_resolution", "\"8bit\"")],
        ))
        .wait()
        .unwrap()
    });
    let (stream, _) = listener.accept().unwrap();
    let mut link = Link::new(stream, false, config(2));
    link.session.subscribe("weft/test/from_ref/**").unwrap();
    link.session.declare_queryable("weft/test/q/**").unwrap();
    link.wait_for("Opened", T, |e| matches!(e, Event::Opened { .. }));
    // The reference's open returns once our initial declarations are final.
    link.pump_until("the reference's open", T, |_| opener.is_finished());
    let reference = opener.join().unwrap();

    let (_sub, rx) = reference_subscriber(&reference, "weft/test/to_ref/**");
    exchange(&mut link, &reference);
    to_reference(&mut link, &rx);

    // The reference gets from our queryable.
    let querier = {
        let reference = reference.clone();
        std::thread::spawn(move || {
            let replies = reference.get("weft/test/q/one?x=1").wait().unwrap();
            let mut got = Vec::new();
            while let Ok(reply) = replies.recv() {
                let sample = reply.result().expect("an ok reply");
                got.push((sample.key_expr().to_string(), sample.payload().to_bytes().into_owned()));
            }
            got
        })
    };
    let query = link.wait_for("the query", T, |e| matches!(e, Event::Query { .. }));
    let Event::Query { id, key, parameters, payload } = query else { unreachable!() };
    assert_eq!((key.as_str(), parameters.as_str(), payload), ("weft/test/q/one", "x=1", None));
    assert_eq!(
        link.session.reply(id, "weft/test/other", b"x"),
        Err(weft_zenoh_session::SessionError::KeyMismatch)
    );
    link.session.reply(id, "weft/test/q/one", b"the answer").unwrap();
    link.session.reply_done(id).unwrap();
    link.pump_until("the reference's get", T, |_| querier.is_finished());
    assert_eq!(querier.join().unwrap(), [("weft/test/q/one".to_string(), b"the answer".to_vec())]);

    // We get from a reference queryable.
    let _queryable = reference
        .declare_queryable("weft/test/rq/**")
        .callback(|query| {
            let key = query.key_expr().clone();
            query.reply(key, format!("from the reference: {}", query.parameters())).wait().unwrap();
        })
        .wait()
        .unwrap();
    link.wait_for(
        "the reference's queryable",
        T,
        |e| matches!(e, Event::Declared { kind: DeclKind::Queryable, key } if key == "weft/test/rq/**"),
    );
    let get = link.session.get("weft/test/rq/thing", "p=2").unwrap();
    let reply = link.wait_for("the reply", T, |e| matches!(e, Event::Reply { get: g, .. } if *g == get));
    let Event::Reply { key, payload, .. } = reply else { unreachable!() };
    assert_eq!((key.as_str(), payload.as_slice()), ("weft/test/rq/thing", &b"from the reference: p=2"[..]));
    link.wait_for("ReplyDone", T, |e| matches!(e, Event::ReplyDone { get: g } if *g == get));

    // A get nobody answers still ends.
    let get = link.session.get("weft/nothing/here", "").unwrap();
    link.wait_for("ReplyDone", T, |e| matches!(e, Event::ReplyDone { get: g } if *g == get));

    // We close: the reference drops us. (Our listener goes first: the
    // reference would reconnect to it, and hold the old transport while it
    // waits for our answer.)
    drop(listener);
    let ours = link.session.zid().to_string();
    link.session.close();
    link.flush();
    // As a Zenoh peer does, shut the stream after the Close.
    link.stream.shutdown(std::net::Shutdown::Both).unwrap();
    let deadline = Instant::now() + T;
    while reference.info().peers_zid().wait().any(|z| z.to_string() == ours) {
        assert!(Instant::now() < deadline, "the reference still lists us");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn keep_alive_holds_the_session_and_silence_expires_it() {
    let port = free_port();
    let endpoint = format!("tcp/127.0.0.1:{port}");
    // A 1 s lease on both sides.
    let reference = zenoh::open(reference_config(
        std::slice::from_ref(&endpoint),
        &[],
        &[("transport/link/tx/lease", "1000")],
    ))
    .wait()
    .unwrap();
    let (_sub, rx) = reference_subscriber(&reference, "weft/test/to_ref/**");
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut cfg = config(3);
    cfg.lease_ms = 1000;
    let mut link = Link::new(stream, true, cfg);
    link.session.subscribe("weft/test/from_ref/**").unwrap();
    link.wait_for("Opened", T, |e| matches!(e, Event::Opened { .. }));
    link.wait_for("the reference's subscriber", T, |e| matches!(e, Event::Declared { .. }));

    // Idle for three leases, only polling: both sides stay up.
    link.pump_for(Duration::from_millis(3000));
    assert!(link.session.is_open(), "{:?}", link.backlog);
    assert!(!link.backlog.iter().any(|e| matches!(e, Event::Closed { .. })));
    expect_from_reference(&mut link, &reference, "weft/test/from_ref/after", b"still here");
    assert!(link.session.put("weft/test/to_ref/after", b"me too").unwrap());
    link.flush();
    expect_at_reference(&mut link, &rx, "weft/test/to_ref/after", b"me too");

    // Stop reading: the remote's lease runs out on our side.
    link.feeding = false;
    let started = Instant::now();
    let closed = link.wait_for("lease expiry", Duration::from_secs(5), |e| matches!(e, Event::Closed { .. }));
    assert_eq!(closed, Event::Closed { reason: CloseReason::LeaseExpired });
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_millis(2500), "{waited:?}");
}

#[test]
fn a_reference_client_connects_to_us() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = format!("tcp/127.0.0.1:{port}");
    let opener = std::thread::spawn(move || {
        zenoh::open(common::reference_config_as("client", &[], &[endpoint], &[])).wait().unwrap()
    });
    let (stream, _) = listener.accept().unwrap();
    let mut link = Link::new(stream, false, config(4));
    link.session.subscribe("weft/test/from_ref/**").unwrap();
    link.session.declare_queryable("weft/test/q/**").unwrap();
    let opened = link.wait_for("Opened", T, |e| matches!(e, Event::Opened { .. }));
    assert!(matches!(opened, Event::Opened { whatami: WhatAmI::Client, .. }), "{opened:?}");
    link.pump_until("the client's open", T, |_| opener.is_finished());
    let reference = opener.join().unwrap();

    let (_sub, rx) = reference_subscriber(&reference, "weft/test/to_ref/**");
    exchange(&mut link, &reference);
    to_reference(&mut link, &rx);

    let querier = {
        let reference = reference.clone();
        std::thread::spawn(move || {
            let replies = reference.get("weft/test/q/c").wait().unwrap();
            let mut got = Vec::new();
            while let Ok(reply) = replies.recv() {
                got.push(reply.result().expect("ok").payload().to_bytes().into_owned());
            }
            got
        })
    };
    let Event::Query { id, .. } = link.wait_for("the query", T, |e| matches!(e, Event::Query { .. })) else {
        unreachable!()
    };
    link.session.reply(id, "weft/test/q/c", b"to the client").unwrap();
    link.session.reply_done(id).unwrap();
    link.pump_until("the client's get", T, |_| querier.is_finished());
    assert_eq!(querier.join().unwrap(), [b"to the client".to_vec()]);
    drop(listener);
}

#[test]
fn we_open_to_a_reference_router() {
    let port = free_port();
    let endpoint = format!("tcp/127.0.0.1:{port}");
    let reference =
        zenoh::open(common::reference_config_as("router", std::slice::from_ref(&endpoint), &[], &[]))
            .wait()
            .unwrap();
    let (_sub, rx) = reference_subscriber(&reference, "weft/test/to_ref/**");
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut link = Link::new(stream, true, config(5));
    link.session.subscribe("weft/test/from_ref/**").unwrap();
    let opened = link.wait_for("Opened", T, |e| matches!(e, Event::Opened { .. }));
    assert!(matches!(opened, Event::Opened { whatami: WhatAmI::Router, .. }), "{opened:?}");
    exchange(&mut link, &reference);
    to_reference(&mut link, &rx);
}
