//! Channels through the system-call boundary: sender identity, calls,
//! back-pressure, ports and timers.

use std::time::Duration;
use weft_abi::{Error, Rights, Signals};
use weft_kernel_hosted::Hosted;
use weft_rt::{Channel, Deadline, Port, Timer, WaitSet};

/// Run `body` as a thread of a new process named `name` with `principal`;
/// `handles` (koids) are installed into it, before this returns, and passed
/// to `body` as values.
fn in_process<T: Send + 'static>(
    hosted: &Hosted,
    name: &'static str,
    principal: u64,
    handles: Vec<u64>,
    body: impl FnOnce(Vec<u32>) -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let hosted = hosted.clone();
    let (installed, wait) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let guard = hosted.attach(name, principal).unwrap();
        let values = handles
            .into_iter()
            .map(|koid| hosted.install_handle(guard.process(), koid, Rights::DEFAULT).unwrap())
            .collect();
        installed.send(()).unwrap();
        body(values)
    });
    wait.recv().unwrap();
    thread
}

#[test]
fn the_kernel_stamps_who_sent_a_message() {
    let hosted = Hosted::new();
    let guard = hosted.attach("receiver", 5).unwrap();
    let (mine, theirs) = Channel::create().unwrap();
    let theirs_koid = theirs.handle().koid().unwrap();
    let sender = in_process(&hosted, "sender", 42, vec![theirs_koid], |values| {
        let channel = Channel::from_handle(weft_rt::Handle::from_raw(values[0]));
        // The payload lies about who sent it; the kernel does not care.
        channel.write(b"from: root (principal 1)", Vec::new()).unwrap();
        weft_kernel_hosted::current_process().unwrap()
    });
    drop(theirs);
    let sender_koid = sender.join().unwrap();
    let message = mine.read(Deadline::after(Duration::from_secs(5))).unwrap();
    assert_eq!(message.sender.principal, 42);
    assert_eq!(message.sender.koid, sender_koid);
    assert_ne!(message.sender.koid, guard.process());
}

#[test]
fn only_a_process_resource_creates_processes_with_a_principal() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("app", 5).unwrap();
    // Without a resource handle there is nothing to name.
    assert!(weft_rt::sys::process_create(0, "impostor", 1).is_err());
    let (a, _b) = Channel::create().unwrap();
    assert_eq!(weft_rt::sys::process_create(a.handle().raw(), "impostor", 1), Err(Error::AccessDenied));
}

fn echo_server(values: Vec<u32>) {
    let channel = Channel::from_handle(weft_rt::Handle::from_raw(values[0]));
    loop {
        let Ok(message) = channel.read(Deadline::INFINITE) else { return };
        if message.bytes == b"slow" {
            weft_rt::sleep(Duration::from_millis(300));
        }
        if message.bytes == b"quit" {
            return;
        }
        let mut reply = b"echo: ".to_vec();
        reply.extend_from_slice(&message.bytes);
        let _ = channel.write_with_txid(message.txid, &reply, message.handles);
    }
}

#[test]
fn calls_get_their_own_replies() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("client", 5).unwrap();
    let (client, server) = Channel::create().unwrap();
    let server_thread = in_process(&hosted, "server", 6, vec![server.handle().koid().unwrap()], echo_server);
    drop(server);
    let client = std::sync::Arc::new(client);
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let client = client.clone();
            let text = format!("request {i}");
            weft_rt::thread::spawn("caller", move || {
                for round in 0..50 {
                    let request = format!("{text}.{round}");
                    let reply = client.call(request.as_bytes(), Vec::new(), Deadline::INFINITE).unwrap();
                    assert_eq!(reply.bytes, format!("echo: {request}").as_bytes());
                }
            })
            .unwrap()
        })
        .collect();
    for thread in threads {
        thread.join(Deadline::after(Duration::from_secs(20))).unwrap();
    }
    // A call that outlives its deadline times out; the late reply is dropped
    // and does not confuse the next call.
    let timed_out = client.call(b"slow", Vec::new(), Deadline::after(Duration::from_millis(50)));
    assert_eq!(timed_out.unwrap_err(), Error::TimedOut);
    let reply = client.call(b"after", Vec::new(), Deadline::after(Duration::from_secs(5))).unwrap();
    assert_eq!(reply.bytes, b"echo: after");
    assert_eq!(client.try_read().unwrap_err(), Error::ShouldWait);
    // If the server goes away during a call, the caller hears PeerClosed.
    let result = client.call(b"quit", Vec::new(), Deadline::after(Duration::from_secs(5)));
    assert_eq!(result.unwrap_err(), Error::PeerClosed);
    server_thread.join().unwrap();
}

#[test]
fn a_full_queue_pushes_back() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("writer", 5).unwrap();
    let (a, b) = Channel::create().unwrap();
    let mut sent = 0;
    loop {
        match a.write(b"x", Vec::new()) {
            Ok(()) => sent += 1,
            Err(Error::ShouldWait) => break,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(sent, weft_abi::limits::CHANNEL_QUEUE);
    assert_eq!(a.handle().wait(Signals::WRITABLE, Deadline::POLL), Err(Error::TimedOut));
    b.try_read().unwrap();
    assert!(a.handle().wait(Signals::WRITABLE, Deadline::POLL).is_ok());
    // Oversized messages are refused outright.
    let big = vec![0u8; weft_abi::limits::MESSAGE_BYTES + 1];
    assert_eq!(a.write(&big, Vec::new()), Err(Error::OutOfRange));
}

#[test]
fn wait_sets_report_each_ready_handle() {
    let hosted = Hosted::new();
    let _guard = hosted.attach("waiter", 5).unwrap();
    let (a1, b1) = Channel::create().unwrap();
    let (a2, b2) = Channel::create().unwrap();
    let timer = Timer::create().unwrap();
    let mut set = WaitSet::new().unwrap();
    let k1 = set.add(&b1, Signals::READABLE).unwrap();
    let k2 = set.add(&b2, Signals::READABLE | Signals::PEER_CLOSED).unwrap();
    let kt = set.add(&timer, Signals::SIGNALED).unwrap();
    a2.write(b"two", Vec::new()).unwrap();
    match set.wait(Deadline::after(Duration::from_secs(1))).unwrap() {
        weft_rt::Ready::Signals { key, .. } => assert_eq!(key, k2),
        other => panic!("{other:?}"),
    }
    b2.try_read().unwrap();
    timer.set(Deadline::after(Duration::from_millis(20))).unwrap();
    match set.wait(Deadline::after(Duration::from_secs(1))).unwrap() {
        weft_rt::Ready::Signals { key, .. } => assert_eq!(key, kt),
        other => panic!("{other:?}"),
    }
    timer.cancel().unwrap();
    a1.write(b"one", Vec::new()).unwrap();
    match set.wait(Deadline::after(Duration::from_secs(1))).unwrap() {
        weft_rt::Ready::Signals { key, .. } => assert_eq!(key, k1),
        other => panic!("{other:?}"),
    }
    // Still readable: reported again (level-triggered).
    match set.wait(Deadline::after(Duration::from_secs(1))).unwrap() {
        weft_rt::Ready::Signals { key, .. } => assert_eq!(key, k1),
        other => panic!("{other:?}"),
    }
    b1.try_read().unwrap();
    drop(a2);
    match set.wait(Deadline::after(Duration::from_secs(1))).unwrap() {
        weft_rt::Ready::Signals { key, observed } => {
            assert_eq!(key, k2);
            assert!(observed.contains(Signals::PEER_CLOSED));
        }
        other => panic!("{other:?}"),
    }
    set.remove(k2);
    assert_eq!(set.wait(Deadline::after(Duration::from_millis(30))), Err(Error::TimedOut));
    set.port().queue(weft_rt::port::USER_KEYS, [1, 2, 3, 4]).unwrap();
    assert_eq!(
        set.wait(Deadline::POLL).unwrap(),
        weft_rt::Ready::User { key: weft_rt::port::USER_KEYS, payload: [1, 2, 3, 4] }
    );
    let _port = Port::create().unwrap();
}
