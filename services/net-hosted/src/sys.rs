//! What std does not offer: waking a thread blocked on a socket, waiting
//! until a TCP socket's sent bytes are acknowledged, and unprivileged ICMP
//! sockets. Each is one libc call on a socket the caller owns.
#![allow(
    unsafe_code,
    reason = "libc calls on sockets std does not reach: shutdown, SIOCOUTQ, ICMP datagram sockets"
)]

use std::io;
use std::net::UdpSocket;

/// Shut `socket` down both ways, waking any thread blocked on it: a
/// blocked `accept` or `recv_from` returns (Linux), so the thread that owns
/// the other end can see it is closed and end.
#[cfg(unix)]
pub fn wake(socket: &impl std::os::fd::AsRawFd) {
    // SAFETY: `shutdown` takes any descriptor and changes no memory; the
    // descriptor is open for as long as `socket` is borrowed. An
    // unconnected UDP socket answers ENOTCONN but still wakes its readers.
    unsafe {
        libc::shutdown(socket.as_raw_fd(), libc::SHUT_RDWR);
    }
}

#[cfg(not(unix))]
pub fn wake<T>(_socket: &T) {}

/// Bytes written to `socket` that its peer has not acknowledged yet
/// (`None` where the host cannot tell).
#[cfg(target_os = "linux")]
pub fn unacknowledged(socket: &impl std::os::fd::AsRawFd) -> Option<usize> {
    let mut queued: libc::c_int = 0;
    // SAFETY: SIOCOUTQ (TIOCOUTQ) writes one int through the pointer, which
    // points at `queued`, alive for the call.
    let result = unsafe { libc::ioctl(socket.as_raw_fd(), libc::TIOCOUTQ, &mut queued as *mut libc::c_int) };
    (result == 0).then_some(queued.max(0) as usize)
}

#[cfg(not(target_os = "linux"))]
pub fn unacknowledged<T>(_socket: &T) -> Option<usize> {
    None
}

/// An unprivileged ICMP echo socket (`socket(AF_INET, SOCK_DGRAM,
/// IPPROTO_ICMP)`), as a `UdpSocket`: it sends and receives ICMP messages
/// without the IP header, the host sets the echo identifier and checksum
/// and delivers only replies to this socket's requests. The host allows it
/// to the groups in `net.ipv4.ping_group_range`.
#[cfg(target_os = "linux")]
pub fn icmp_socket() -> io::Result<UdpSocket> {
    use std::os::fd::FromRawFd;
    // SAFETY: `socket` takes no pointers.
    let fd =
        unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, libc::IPPROTO_ICMP) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new descriptor that nothing else owns.
    Ok(unsafe { UdpSocket::from_raw_fd(fd) })
}

#[cfg(not(target_os = "linux"))]
pub fn icmp_socket() -> io::Result<UdpSocket> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
