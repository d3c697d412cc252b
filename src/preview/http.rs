//! HTTP/1.1 for the preview, on std's `TcpListener` with `httparse` for the request
//! head, and the limits a shared office machine needs: a head of at most
//! [`MAX_HEAD`] bytes whose first byte comes within [`FIRST_BYTE_DEADLINE`] and the
//! whole within [`HEAD_DEADLINE`], slow writers cut off, and one
//! request per connection. The pool of page workers and the cap on event streams are
//! in [`super::server`].

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::conn::Conn;

/// The largest request head (request line and headers) read.
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// How long a client may take to send the first byte (of its TLS handshake, and of its
/// request head): an idle connection is let go sooner than a slow one.
pub const FIRST_BYTE_DEADLINE: Duration = Duration::from_secs(3);

/// How long one write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a whole response may take to send: a client that reads a byte now and then
/// cannot hold a worker for longer.
pub const RESPONSE_DEADLINE: Duration = Duration::from_secs(60);

/// The largest request body read (a form with its base text, both at most an SOP
/// file's size).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The largest login form read (a name and a password).
pub const MAX_FORM: usize = 8 * 1024;

/// How long a client may take to send its request body.
pub const BODY_DEADLINE: Duration = Duration::from_secs(15);

/// The most headers one request may have.
const MAX_HEADERS: usize = 48;

/// A request head, read and parsed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Head {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target, exactly as sent.
    pub target: String,
    /// The `Host` header, if any.
    pub host: Option<String>,
    /// The `Cookie` header, if any.
    pub cookie: Option<String>,
    /// The `X-Sopan-Token` header (the CSRF token), if any.
    pub token: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Origin` header, if any (browsers send it with every POST; `null` when the
    /// page's referrer policy hides it).
    pub origin: Option<String>,
    /// The `Sec-Fetch-Site` header (Fetch Metadata), if any: `same-origin`,
    /// `same-site`, `cross-site` or `none`.
    pub fetch_site: Option<String>,
    /// The `Content-Length` header; `None` without one.
    pub content_length: Option<usize>,
    /// The `X-Forwarded-Proto` header a reverse proxy sets; trusted only from the
    /// configured proxy (`--proxy`).
    pub forwarded_proto: Option<String>,
    /// The `X-Forwarded-For` header a reverse proxy sets; trusted only from the
    /// configured proxy (`--proxy`).
    pub forwarded_for: Option<String>,
    /// Whether the request came over HTTPS: directly, or through the configured proxy.
    /// Set by the server, not read from the request.
    pub secure: bool,
    /// Bytes after the head that came with it: the start of the body.
    pub rest: Vec<u8>,
}

impl Head {
    /// The value of cookie `name`, if sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookie.as_deref()?.split(';').find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        })
    }
}

/// Why a request body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit: 413.
    TooLarge,
    /// No `Content-Length`: 411.
    NoLength,
    /// The client closed the connection or took too long: no answer.
    Gone,
}

/// Reads the body of a request whose head is `head`, within [`BODY_DEADLINE`] and
/// `limit` bytes ([`MAX_BODY`], or [`MAX_FORM`] for a login).
pub fn read_body(stream: &mut Conn, head: &Head, limit: usize) -> Result<Vec<u8>, BodyError> {
    let length = head.content_length.ok_or(BodyError::NoLength)?;
    if length > limit {
        return Err(BodyError::TooLarge);
    }
    let mut body = head.rest.clone();
    body.truncate(length);
    let deadline = Instant::now() + BODY_DEADLINE;
    let mut chunk = [0u8; 16 * 1024];
    while body.len() < length {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(BodyError::Gone);
        }
        let want = (length - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) | Err(_) => return Err(BodyError::Gone),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(body)
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// Longer than [`MAX_HEAD`] or more than [`MAX_HEADERS`] headers: 431.
    TooLarge,
    /// Not HTTP: 400.
    Malformed,
    /// The client closed the connection or took too long: no answer.
    Gone,
}

/// Reads one request head from `stream`, within [`MAX_HEAD`], its first byte within
/// [`FIRST_BYTE_DEADLINE`] and the whole within [`HEAD_DEADLINE`].
pub fn read_head(stream: &mut Conn) -> Result<Head, HeadError> {
    let start = Instant::now();
    let deadline = start + HEAD_DEADLINE;
    let first_byte = start + FIRST_BYTE_DEADLINE;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let until = if buf.is_empty() { first_byte } else { deadline };
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(HeadError::Gone),
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        match parse(&buf) {
            Ok(Some(head)) => return Ok(head),
            Ok(None) if buf.len() >= MAX_HEAD => return Err(HeadError::TooLarge),
            Ok(None) => {}
            Err(e) => return Err(e),
        }
    }
}

/// The head in `buf`, `None` while it is incomplete.
fn parse(buf: &[u8]) -> Result<Option<Head>, HeadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(&buf[..buf.len().min(MAX_HEAD)]) {
        Ok(httparse::Status::Complete(len)) => {
            let header = |name: &str| {
                request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| String::from_utf8_lossy(h.value).into_owned())
            };
            // Two Host headers: which one the checks saw and which one a proxy or the
            // browser meant could differ.
            let hosts = request
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("host"))
                .count();
            if hosts > 1 {
                return Err(HeadError::Malformed);
            }
            let content_length = match header("content-length") {
                Some(v) => Some(v.trim().parse().map_err(|_| HeadError::Malformed)?),
                None => None,
            };
            Ok(Some(Head {
                method: request.method.unwrap_or_default().to_string(),
                target: request.path.unwrap_or_default().to_string(),
                host: header("host"),
                cookie: header("cookie"),
                token: header("x-sopan-token"),
                content_type: header("content-type"),
                origin: header("origin"),
                fetch_site: header("sec-fetch-site"),
                content_length,
                forwarded_proto: header("x-forwarded-proto"),
                forwarded_for: header("x-forwarded-for"),
                secure: false,
                rest: buf[len..].to_vec(),
            }))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(HeadError::TooLarge),
        Err(_) => Err(HeadError::Malformed),
    }
}

/// The reason phrase of the status codes the preview sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        401 => "Unauthorized",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes all of `data` unless `deadline` passes first: each write may block for
/// [`WRITE_TIMEOUT`] at most, and the deadline is checked between writes.
fn write_until(stream: &mut Conn, mut data: &[u8], deadline: Instant) -> std::io::Result<()> {
    while !data.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left.min(WRITE_TIMEOUT)))?;
        match stream.write(data) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes a whole response and closes the connection's writing side. A client that
/// went away is not the server's error, so the result is only for tests.
pub fn respond(
    stream: &mut Conn,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    head += &format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let deadline = Instant::now() + RESPONSE_DEADLINE;
    write_until(stream, head.as_bytes(), deadline)?;
    if with_body {
        write_until(stream, body, deadline)?;
    }
    stream.flush()?;
    stream.shutdown_write();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_and_are_bounded() {
        let head = parse(b"GET /sop/a HTTP/1.1\r\nHost: localhost:8000\r\n\r\n").unwrap();
        assert_eq!(
            head,
            Some(Head {
                method: "GET".into(),
                target: "/sop/a".into(),
                host: Some("localhost:8000".into()),
                cookie: None,
                token: None,
                content_type: None,
                origin: None,
                fetch_site: None,
                ..Head::default()
            })
        );
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost: x").unwrap(), None);
        assert_eq!(
            parse(b"\x00\x01 nonsense\r\n\r\n"),
            Err(HeadError::Malformed)
        );
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8\r\nhost: evil.example\r\n\r\n"),
            Err(HeadError::Malformed),
            "two Host headers"
        );
        let many: String = (0..60).map(|i| format!("X-{i}: y\r\n")).collect();
        let text = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse(text.as_bytes()), Err(HeadError::TooLarge));
    }
}
