//! A small HTTP/1.1 client for `GET` over a [`Tcp`] socket (what `fetch`
//! and the package service download with). Plain HTTP only: integrity
//! comes from the signed metadata of what is fetched, not the transport.
//!
//! The response head is parsed with `httparse`; bodies are delimited by
//! `Content-Length`, chunked transfer coding, or the end of the stream.
//! A head larger than [`MAX_HEAD`], a body longer than announced, or a
//! stream that ends early is an error, never a silently short file.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use weft_rt::Deadline;

use crate::{Net, NetError, Tcp};

/// Largest response head accepted.
pub const MAX_HEAD: usize = 16 * 1024;

/// A parsed `http://host[:port]/path` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// Host name or dotted quad.
    pub host: String,
    /// Port (80 unless given).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Url {
    /// Parse `text`; only `http://` URLs.
    pub fn parse(text: &str) -> Result<Url, String> {
        let rest =
            text.strip_prefix("http://").ok_or_else(|| format!("{text}: only http:// URLs are supported"))?;
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().map_err(|_| format!("{text}: bad port `{port}`"))?),
            None => (authority, 80),
        };
        if host.is_empty() || host.len() > crate::MAX_NAME || port == 0 {
            return Err(format!("{text}: no host"));
        }
        if path.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(format!("{text}: the path has spaces or control characters"));
        }
        Ok(Url { host: host.to_string(), port, path: path.to_string() })
    }
}

/// Why a fetch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The network refused or failed.
    Net(NetError),
    /// The server answered something other than 200.
    Status(u16, String),
    /// The response is not valid HTTP (says how).
    Protocol(String),
    /// The sink refused the bytes (a full disk, a cancel).
    Sink(String),
}

impl core::fmt::Display for FetchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FetchError::Net(error) => write!(f, "{error}"),
            FetchError::Status(code, reason) => write!(f, "the server answered {code} {reason}"),
            FetchError::Protocol(why) => write!(f, "bad HTTP response: {why}"),
            FetchError::Sink(why) => write!(f, "{why}"),
        }
    }
}

impl From<NetError> for FetchError {
    fn from(error: NetError) -> FetchError {
        FetchError::Net(error)
    }
}

/// What a fetch reports as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Body bytes so far.
    pub received: u64,
    /// Body bytes announced (`Content-Length`), if any.
    pub total: Option<u64>,
}

/// Bytes read from the socket but not yet consumed.
struct Reader<'a> {
    tcp: &'a Tcp,
    buffer: Vec<u8>,
    deadline: Deadline,
    ended: bool,
}

impl Reader<'_> {
    /// Read more; false at the end of the stream.
    fn fill(&mut self) -> Result<bool, FetchError> {
        if self.ended {
            return Ok(false);
        }
        let data = self.tcp.read(crate::MAX_CHUNK as usize, self.deadline)?;
        if data.is_empty() {
            self.ended = true;
            return Ok(false);
        }
        self.buffer.extend_from_slice(&data);
        Ok(true)
    }

    /// Up to `max` buffered (or freshly read) bytes; empty at the end.
    fn take(&mut self, max: usize) -> Result<Vec<u8>, FetchError> {
        if self.buffer.is_empty() {
            self.fill()?;
        }
        let n = self.buffer.len().min(max);
        Ok(self.buffer.drain(..n).collect())
    }

    /// One CRLF-terminated line (without the CRLF).
    fn line(&mut self) -> Result<String, FetchError> {
        loop {
            if let Some(at) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buffer[..at]).into_owned();
                self.buffer.drain(..at + 2);
                return Ok(line);
            }
            if self.buffer.len() > 1024 {
                return Err(FetchError::Protocol("a chunk line is too long".into()));
            }
            if !self.fill()? {
                return Err(FetchError::Protocol("the stream ended inside a chunk header".into()));
            }
        }
    }
}

/// `GET url`, passing the body to `sink` piece by piece with the progress
/// so far. Each read waits at most `read_timeout_ms`. Returns the body's
/// length.
pub fn get(
    net: &Net,
    url: &Url,
    read_timeout_ms: u64,
    mut sink: impl FnMut(&[u8], Progress) -> Result<(), String>,
) -> Result<u64, FetchError> {
    let tcp = net.connect_host(&url.host, url.port, 0)?;
    let timeout = core::time::Duration::from_millis(read_timeout_ms);
    let host = if url.port == 80 { url.host.clone() } else { format!("{}:{}", url.host, url.port) };
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: weft-fetch/1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.path
    );
    tcp.write_all(request.as_bytes(), Deadline::after(timeout))?;
    let mut reader =
        Reader { tcp: &tcp, buffer: Vec::new(), deadline: Deadline::after(timeout), ended: false };

    // The head.
    let (status, reason, length, chunked, head_len) = loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(&reader.buffer) {
            Ok(httparse::Status::Complete(head_len)) => {
                let mut length = None;
                let mut chunked = false;
                for header in response.headers.iter() {
                    let value = core::str::from_utf8(header.value).unwrap_or("").trim();
                    if header.name.eq_ignore_ascii_case("content-length") {
                        length = Some(value.parse::<u64>().map_err(|_| {
                            FetchError::Protocol(format!("Content-Length `{value}` is not a number"))
                        })?);
                    } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = value.eq_ignore_ascii_case("chunked");
                    }
                }
                let reason = response.reason.unwrap_or("").to_string();
                break (response.code.unwrap_or(0), reason, length, chunked, head_len);
            }
            Ok(httparse::Status::Partial) => {
                if reader.buffer.len() > MAX_HEAD {
                    return Err(FetchError::Protocol(format!("the response head is over {MAX_HEAD} bytes")));
                }
                reader.deadline = Deadline::after(timeout);
                if !reader.fill()? {
                    return Err(FetchError::Protocol(
                        "the connection closed before the response head".into(),
                    ));
                }
            }
            Err(error) => return Err(FetchError::Protocol(format!("{error}"))),
        }
    };
    reader.buffer.drain(..head_len);
    if status != 200 {
        return Err(FetchError::Status(status, reason));
    }

    // The body.
    let total = if chunked { None } else { length };
    let mut received = 0u64;
    let mut deliver = |bytes: &[u8], received: &mut u64| -> Result<(), FetchError> {
        *received += bytes.len() as u64;
        sink(bytes, Progress { received: *received, total }).map_err(FetchError::Sink)
    };
    if chunked {
        loop {
            reader.deadline = Deadline::after(timeout);
            let line = reader.line()?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size, 16)
                .map_err(|_| FetchError::Protocol(format!("chunk size `{size}` is not hexadecimal")))?;
            if size == 0 {
                break;
            }
            let mut left = size;
            while left > 0 {
                reader.deadline = Deadline::after(timeout);
                let piece = reader.take(left.min(64 * 1024) as usize)?;
                if piece.is_empty() {
                    return Err(FetchError::Protocol("the stream ended inside a chunk".into()));
                }
                left -= piece.len() as u64;
                deliver(&piece, &mut received)?;
            }
            if !reader.line()?.is_empty() {
                return Err(FetchError::Protocol("a chunk does not end with CRLF".into()));
            }
        }
        return Ok(received);
    }
    loop {
        reader.deadline = Deadline::after(timeout);
        let want = match length {
            Some(length) if received >= length => break,
            Some(length) => (length - received).min(64 * 1024) as usize,
            None => 64 * 1024,
        };
        let piece = reader.take(want)?;
        if piece.is_empty() {
            if let Some(length) = length {
                return Err(FetchError::Protocol(format!(
                    "the connection closed after {received} of {length} bytes"
                )));
            }
            break;
        }
        deliver(&piece, &mut received)?;
    }
    Ok(received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let url = Url::parse("http://10.0.2.2:8080/files/a.bin?x=1").unwrap();
        assert_eq!((url.host.as_str(), url.port, url.path.as_str()), ("10.0.2.2", 8080, "/files/a.bin?x=1"));
        let url = Url::parse("http://example.org").unwrap();
        assert_eq!((url.port, url.path.as_str()), (80, "/"));
        assert!(Url::parse("https://example.org/").is_err());
        assert!(Url::parse("http://:80/").is_err());
        assert!(Url::parse("http://host:99999/").is_err());
        assert!(Url::parse("http://host/a b").is_err());
    }
}
