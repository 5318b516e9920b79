//! The host sockets handed out as capabilities, each with the host
//! threads that do its blocking work.
//!
//! A socket's threads take requests from a channel, one at a time, block
//! on the host socket, and post each result as a [`Done`] naming the
//! socket's key. Dropping a socket shuts the host socket down, which wakes
//! its threads (a read sees the end, a write fails, an accept or receive
//! returns), and closes their request channels, so they end; the last one
//! closes the host socket.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use weft_net_api::{MAX_DATAGRAM, NetError};
use weft_rt::Key;

use crate::completions::{Completions, Done};
use crate::sys;

/// How long a shutdown waits for the peer to acknowledge what was sent.
const LINGER: Duration = Duration::from_secs(10);

/// An IPv4 socket address (the unspecified one for anything else).
pub fn v4(address: io::Result<SocketAddr>) -> SocketAddrV4 {
    match address {
        Ok(SocketAddr::V4(address)) => address,
        _ => SocketAddrV4::new(std::net::Ipv4Addr::UNSPECIFIED, 0),
    }
}

/// The error a program sees for a failed read or write.
fn stream_error(error: &io::Error) -> NetError {
    match error.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => NetError::Refused,
        io::ErrorKind::TimedOut => NetError::TimedOut,
        _ => NetError::Closed,
    }
}

fn spawn(name: &str, body: impl FnOnce() + Send + 'static) -> Result<(), NetError> {
    std::thread::Builder::new().name(name.into()).spawn(body).map(drop).map_err(|_| NetError::Exhausted)
}

/// What a TCP socket's writer thread does, in order.
enum Outgoing {
    Write(u32, Vec<u8>),
    Shutdown(u32),
}

/// A connected TCP socket: its reader and writer threads, and which calls
/// wait for them.
pub struct TcpSocket {
    stream: Arc<TcpStream>,
    reads: Sender<(u32, u32)>,
    writes: Sender<Outgoing>,
    /// A read is waiting.
    pub reading: bool,
    /// A write is waiting.
    pub writing: bool,
    /// A shutdown is waiting.
    pub shutting: bool,
}

impl TcpSocket {
    /// Serve `stream` as socket `key`.
    pub fn start(key: Key, stream: TcpStream, done: &Arc<Completions>) -> Result<TcpSocket, NetError> {
        let stream = Arc::new(stream);
        let (reads, read_requests) = channel::<(u32, u32)>();
        let (writes, write_requests) = channel::<Outgoing>();
        let (reader, completions) = (Arc::clone(&stream), Arc::clone(done));
        spawn("net-tcp-read", move || read_loop(key, &reader, &read_requests, &completions))?;
        let socket = TcpSocket { stream, reads, writes, reading: false, writing: false, shutting: false };
        let (writer, completions) = (Arc::clone(&socket.stream), Arc::clone(done));
        // On failure the socket is dropped: the reader thread ends.
        spawn("net-tcp-write", move || write_loop(key, &writer, &write_requests, &completions))?;
        Ok(socket)
    }

    /// Read up to `max` bytes.
    pub fn read(&mut self, txid: u32, max: u32) -> Result<(), NetError> {
        self.reads.send((txid, max)).map_err(|_| NetError::Closed)?;
        self.reading = true;
        Ok(())
    }

    /// Send `data`.
    pub fn write(&mut self, txid: u32, data: Vec<u8>) -> Result<(), NetError> {
        self.writes.send(Outgoing::Write(txid, data)).map_err(|_| NetError::Closed)?;
        self.writing = true;
        Ok(())
    }

    /// No more writes, once the ones queued are sent.
    pub fn shutdown(&mut self, txid: u32) -> Result<(), NetError> {
        self.writes.send(Outgoing::Shutdown(txid)).map_err(|_| NetError::Closed)?;
        self.shutting = true;
        Ok(())
    }
}

impl Drop for TcpSocket {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

fn read_loop(key: Key, stream: &TcpStream, requests: &Receiver<(u32, u32)>, done: &Completions) {
    while let Ok((txid, max)) = requests.recv() {
        let mut buffer = vec![0u8; max as usize];
        let result = loop {
            match (&*stream).read(&mut buffer) {
                Ok(n) => {
                    buffer.truncate(n);
                    break Ok(buffer);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => break Err(stream_error(&error)),
            }
        };
        done.push(Done::Read { socket: key, txid, result });
    }
}

fn write_loop(key: Key, stream: &TcpStream, requests: &Receiver<Outgoing>, done: &Completions) {
    while let Ok(outgoing) = requests.recv() {
        match outgoing {
            Outgoing::Write(txid, data) => {
                let result = loop {
                    match (&*stream).write(&data) {
                        Ok(0) => break Err(NetError::Closed),
                        Ok(n) => break Ok(n as u32),
                        Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                        Err(error) => break Err(stream_error(&error)),
                    }
                };
                done.push(Done::Written { socket: key, txid, result });
            }
            Outgoing::Shutdown(txid) => {
                let result = stream.shutdown(Shutdown::Write).map_err(|error| stream_error(&error));
                if result.is_ok() {
                    // Answered once the peer has everything, as on the kernel.
                    let until = Instant::now() + LINGER;
                    while sys::unacknowledged(stream).is_some_and(|n| n > 0) && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
                done.push(Done::ShutDown { socket: key, txid, result });
            }
        }
    }
}

/// A listening socket: its accept thread, and whether an accept waits.
pub struct ListenerSocket {
    listener: Arc<TcpListener>,
    accepts: Sender<u32>,
    /// The port it listens on.
    pub port: u16,
    /// An accept is waiting.
    pub accepting: bool,
}

impl ListenerSocket {
    /// Serve `listener` as socket `key`. Connections wait in the host's
    /// backlog until accepted.
    pub fn start(
        key: Key,
        listener: TcpListener,
        done: &Arc<Completions>,
    ) -> Result<ListenerSocket, NetError> {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let listener = Arc::new(listener);
        let (accepts, requests) = channel::<u32>();
        let (host, completions) = (Arc::clone(&listener), Arc::clone(done));
        spawn("net-accept", move || {
            while let Ok(txid) = requests.recv() {
                let result = loop {
                    match host.accept() {
                        Ok((stream, _)) => break Ok(stream),
                        Err(error)
                            if matches!(
                                error.kind(),
                                io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                            ) =>
                        {
                            continue;
                        }
                        Err(_) => break Err(NetError::Closed),
                    }
                };
                completions.push(Done::Accepted { socket: key, txid, result });
            }
        })?;
        Ok(ListenerSocket { listener, accepts, port, accepting: false })
    }

    /// Take the next connection.
    pub fn accept(&mut self, txid: u32) -> Result<(), NetError> {
        self.accepts.send(txid).map_err(|_| NetError::Closed)?;
        self.accepting = true;
        Ok(())
    }
}

impl Drop for ListenerSocket {
    fn drop(&mut self) {
        sys::wake(&*self.listener);
    }
}

/// A UDP socket: sends go straight out, receives wait on its thread.
pub struct UdpEntry {
    socket: Arc<UdpSocket>,
    receives: Sender<u32>,
    /// Its local port.
    pub port: u16,
    /// A receive is waiting.
    pub receiving: bool,
}

impl UdpEntry {
    /// Serve `socket` as socket `key`.
    pub fn start(key: Key, socket: UdpSocket, done: &Arc<Completions>) -> Result<UdpEntry, NetError> {
        let port = socket.local_addr().map(|a| a.port()).unwrap_or(0);
        let socket = Arc::new(socket);
        let (receives, requests) = channel::<u32>();
        let (host, completions) = (Arc::clone(&socket), Arc::clone(done));
        spawn("net-udp", move || {
            // Larger than any datagram, to tell the ones that do not fit.
            let mut buffer = vec![0u8; 65536];
            while let Ok(txid) = requests.recv() {
                let result = loop {
                    match host.recv_from(&mut buffer) {
                        // What the kernel's stack cannot receive either
                        // (larger than one Ethernet frame) is dropped.
                        Ok((n, _)) if n > MAX_DATAGRAM => continue,
                        Ok((n, from)) => break Ok((v4(Ok(from)), buffer[..n].to_vec())),
                        Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                        // An ICMP error for an earlier send (Linux reports
                        // it on the next receive): not this socket's end.
                        Err(error) if error.kind() == io::ErrorKind::ConnectionRefused => continue,
                        Err(_) => break Err(NetError::Closed),
                    }
                };
                completions.push(Done::Received { socket: key, txid, result });
            }
        })?;
        Ok(UdpEntry { socket, receives, port, receiving: false })
    }

    /// Send one datagram (UDP sends do not wait for the network).
    pub fn send_to(&self, to: SocketAddrV4, data: &[u8]) -> Result<(), NetError> {
        match self.socket.send_to(data, to) {
            Ok(_) => Ok(()),
            Err(error) if error.kind() == io::ErrorKind::NetworkUnreachable => Err(NetError::NoNetwork),
            Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                Err(NetError::Invalid(format!("the host does not let this socket send to {to}")))
            }
            Err(_) => Err(NetError::Exhausted),
        }
    }

    /// Take the next datagram.
    pub fn receive(&mut self, txid: u32) -> Result<(), NetError> {
        self.receives.send(txid).map_err(|_| NetError::Closed)?;
        self.receiving = true;
        Ok(())
    }
}

impl Drop for UdpEntry {
    fn drop(&mut self) {
        sys::wake(&*self.socket);
    }
}
