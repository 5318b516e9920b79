//! `weft-bench`: benchmarks of hosted Weft, run by `cargo xtask bench`
//! (host only). Each figure is printed next to a baseline measured in the
//! same run on the same machine.

mod storage;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use weft_abi::{DEADLINE_INFINITE, MessageInfo, Rights, Signals, limits};
use weft_ipc::{Client, Connection, Protocol};
use weft_kernel_hosted::Hosted;
use weft_rt::{Channel, Deadline, Handle, sys};

const MESSAGE: usize = 16;

enum BenchProtocol {}

#[derive(Serialize, Deserialize)]
struct Payload(u64, [u8; 8]);

impl Protocol for BenchProtocol {
    const NAME: &'static str = "bench";
    const VERSION: u16 = 1;
    type Request = Payload;
    type Response = Payload;
    type Event = ();
}

/// Echo every call on `channel` with raw system calls (no allocation).
fn raw_server(channel: u32) {
    let mut bytes = [0u8; 256];
    let mut handles = [0u32; limits::MESSAGE_HANDLES];
    loop {
        let mut info = MessageInfo::default();
        match sys::channel_read(channel, &mut bytes, &mut handles, &mut info) {
            Ok(()) => {
                let len = info.bytes as usize;
                if sys::channel_write(channel, info.txid, &bytes[..len], &[]).is_err() {
                    return;
                }
            }
            Err(weft_abi::Error::ShouldWait) => {
                if sys::object_wait_one(channel, Signals::READABLE | Signals::PEER_CLOSED, DEADLINE_INFINITE)
                    .is_err()
                {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Serve the typed protocol.
fn typed_server(channel: u32) {
    let connection: Connection<BenchProtocol> =
        Connection::new(Channel::from_handle(Handle::from_raw(channel)), Default::default());
    loop {
        match connection.try_next() {
            Ok(Some(incoming)) => {
                if connection.reply(incoming.txid, &incoming.request).is_err() {
                    return;
                }
            }
            Ok(None) => {
                if connection
                    .channel()
                    .handle()
                    .wait(Signals::READABLE | Signals::PEER_CLOSED, Deadline::INFINITE)
                    .is_err()
                {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

/// Start a server process on its own host thread, holding the far end of a
/// channel whose near end is returned.
fn server(hosted: &Hosted, body: fn(u32)) -> (Channel, std::thread::JoinHandle<()>) {
    let (near, far) = Channel::create().expect("channel");
    let koid = far.handle().koid().expect("koid");
    let (ready, wait) = std::sync::mpsc::channel();
    let hosted_for_thread = hosted.clone();
    let thread = std::thread::spawn(move || {
        let guard = hosted_for_thread.attach("bench-server", 31).expect("attach");
        let value =
            hosted_for_thread.install_handle(guard.process(), koid, Rights::DEFAULT).expect("install");
        ready.send(()).expect("ready");
        body(value);
    });
    wait.recv().expect("server started");
    drop(far);
    (near, thread)
}

fn report(name: &str, rounds: u64, elapsed: Duration) -> f64 {
    let per_second = rounds as f64 / elapsed.as_secs_f64();
    let micros = elapsed.as_secs_f64() * 1e6 / rounds as f64;
    println!("  {name:<44} {per_second:>10.0} round trips/s  ({micros:.2} µs each)");
    per_second
}

fn bench_ipc(rounds: u64) {
    let hosted = Hosted::new();
    let _client = hosted.attach("bench-client", 30).expect("attach");
    println!("ipc: {rounds} round trips of {MESSAGE}-byte messages between two threads in two processes");

    let (channel, thread) = server(&hosted, raw_server);
    let request = [7u8; MESSAGE];
    let mut reply = [0u8; 256];
    let mut reply_handles = [0u32; 1];
    let warmup = rounds / 10;
    let mut run = |count: u64| {
        for _ in 0..count {
            let mut info = MessageInfo::default();
            sys::channel_call(
                channel.handle().raw(),
                &request,
                &[],
                &mut reply,
                &mut reply_handles,
                DEADLINE_INFINITE,
                &mut info,
            )
            .expect("call");
        }
    };
    run(warmup);
    let started = Instant::now();
    run(rounds);
    let raw = report("weft channel_call (raw system calls)", rounds, started.elapsed());
    drop(channel);
    thread.join().expect("server");

    let (channel, thread) = server(&hosted, typed_server);
    let client: Client<BenchProtocol> = Client::new(channel);
    for i in 0..warmup {
        client.call(&Payload(i, [1; 8])).expect("call");
    }
    let started = Instant::now();
    for i in 0..rounds {
        client.call(&Payload(i, [1; 8])).expect("call");
    }
    let typed = report("weft typed protocol call (weft-ipc, postcard)", rounds, started.elapsed());
    drop(client);
    thread.join().expect("server");

    let (mut to_server_read, mut to_server_write) = std::io::pipe().expect("pipe");
    let (mut to_client_read, mut to_client_write) = std::io::pipe().expect("pipe");
    let echo = std::thread::spawn(move || {
        let mut buffer = [0u8; MESSAGE];
        while to_server_read.read_exact(&mut buffer).is_ok() {
            if to_client_write.write_all(&buffer).is_err() {
                return;
            }
        }
    });
    let mut buffer = [0u8; MESSAGE];
    let mut ping = |count: u64| {
        for _ in 0..count {
            to_server_write.write_all(&request).expect("write");
            to_client_read.read_exact(&mut buffer).expect("read");
        }
    };
    ping(warmup);
    let started = Instant::now();
    ping(rounds);
    let pipe = report("unix pipe ping-pong (two threads)", rounds, started.elapsed());
    drop(to_server_write);
    echo.join().expect("echo");

    println!("  ratio weft raw call / pipe:    {:.2}", raw / pipe);
    println!("  ratio weft typed call / pipe:  {:.2}", typed / pipe);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds =
        args.iter().position(|a| a == "--rounds").and_then(|i| args.get(i + 1)).and_then(|s| s.parse().ok());
    match args.first().map(String::as_str) {
        Some("ipc") => bench_ipc(rounds.unwrap_or(100_000)),
        Some("storage") => {
            let mib = args
                .iter()
                .position(|a| a == "--mib")
                .and_then(|i| args.get(i + 1))
                .and_then(|s| s.parse().ok());
            storage::bench(mib.unwrap_or(64) << 20, rounds.unwrap_or(1000) as u32)
        }
        _ => {
            eprintln!("usage: weft-bench ipc [--rounds N] | storage [--mib N] [--rounds FILES]");
            std::process::exit(2);
        }
    }
}
