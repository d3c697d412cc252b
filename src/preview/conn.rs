//! One client connection of the preview: plain TCP, or HTTPS (rustls) when the preview
//! was started with a certificate and its key (`--tls-sertifikat`, `--tls-kunci`).
//!
//! The handshake is done off the workers within a deadline, as a request head is read; a
//! plain HTTP request sent to the HTTPS port gets a short plain answer that names the
//! `https://` address instead of a broken connection.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A client connection.
pub enum Conn {
    /// HTTP.
    Plain(TcpStream),
    /// HTTPS, once its handshake is done.
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Conn {
    /// The TCP connection below.
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(t) => &t.sock,
        }
    }

    /// Whether the connection is HTTPS.
    pub fn is_tls(&self) -> bool {
        matches!(self, Conn::Tls(_))
    }

    /// How long one read may block.
    pub fn set_read_timeout(&self, t: Option<Duration>) -> std::io::Result<()> {
        self.tcp().set_read_timeout(t)
    }

    /// How long one write may block.
    pub fn set_write_timeout(&self, t: Option<Duration>) -> std::io::Result<()> {
        self.tcp().set_write_timeout(t)
    }

    /// Ends the answer: a TLS close_notify, then the end of the TCP writing side.
    pub fn shutdown_write(&mut self) {
        if let Conn::Tls(t) = self {
            t.conn.send_close_notify();
            let _ = t.flush();
        }
        let _ = self.tcp().shutdown(Shutdown::Write);
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(t) => t.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(t) => t.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(t) => t.flush(),
        }
    }
}

/// The server side of TLS from a PEM certificate chain and its PEM private key; the
/// error is a message in Indonesian naming the file.
pub fn tls_config(sertifikat: &Path, kunci: &Path) -> Result<Arc<ServerConfig>, String> {
    let shown = |p: &Path| crate::diag::display_path(p);
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(sertifikat)
        .and_then(|certs| certs.collect())
        .map_err(|e| {
            format!(
                "sertifikat {} tidak dapat dibaca: {}\n = hint: --tls-sertifikat meminta berkas PEM \
                 (-----BEGIN CERTIFICATE-----), misalnya fullchain.pem",
                shown(sertifikat),
                pem_error(&e)
            )
        })?;
    if certs.is_empty() {
        return Err(format!(
            "tidak ada sertifikat di {}\n = hint: --tls-sertifikat meminta berkas PEM \
             (-----BEGIN CERTIFICATE-----), misalnya fullchain.pem",
            shown(sertifikat)
        ));
    }
    let key = PrivateKeyDer::from_pem_file(kunci).map_err(|e| {
        format!(
            "kunci privat {} tidak dapat dibaca: {}\n = hint: --tls-kunci meminta berkas PEM \
             (-----BEGIN PRIVATE KEY-----) tanpa kata sandi, misalnya privkey.pem",
            shown(kunci),
            pem_error(&e)
        )
    })?;
    ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map(Arc::new)
        .map_err(|e| {
            format!(
                "sertifikat {} dan kunci {} tidak dapat dipakai: {e}\n = hint: pastikan kunci itu \
                 pasangan sertifikat itu",
                shown(sertifikat),
                shown(kunci)
            )
        })
}

fn pem_error(e: &rustls::pki_types::pem::Error) -> String {
    use rustls::pki_types::pem::Error;
    match e {
        Error::Io(io) => crate::io_error_id(io),
        Error::NoItemsFound => "isinya bukan PEM yang dicari".into(),
        _ => "isinya bukan PEM yang utuh".into(),
    }
}

/// Why no HTTPS connection was made.
#[derive(Debug)]
pub enum Refused {
    /// A plain HTTP request came to the HTTPS port; it was told the `https://` address.
    Plain,
    /// The client went away, took too long or spoke no TLS that rustls accepts.
    Failed,
}

/// Does the TLS handshake on `tcp`: its first byte within `first_byte`, the whole
/// within `within`.
pub fn accept(
    mut tcp: TcpStream,
    config: &Arc<ServerConfig>,
    first_byte: Duration,
    within: Duration,
) -> Result<Conn, Refused> {
    let deadline = Instant::now() + within;
    let left = || {
        let left = deadline.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    };
    // A TLS connection starts with a handshake record (22); a letter starts HTTP.
    let mut first = [0u8; 1];
    tcp.set_read_timeout(left().map(|l| l.min(first_byte)))
        .map_err(|_| Refused::Failed)?;
    match tcp.peek(&mut first) {
        Ok(1) if first[0].is_ascii_alphabetic() => {
            plain_refusal(&mut tcp);
            return Err(Refused::Plain);
        }
        Ok(1) => {}
        _ => return Err(Refused::Failed),
    }
    let mut conn = ServerConnection::new(config.clone()).map_err(|_| Refused::Failed)?;
    while conn.is_handshaking() {
        let Some(t) = left() else {
            return Err(Refused::Failed);
        };
        tcp.set_read_timeout(Some(t))
            .and_then(|_| tcp.set_write_timeout(Some(t)))
            .map_err(|_| Refused::Failed)?;
        while conn.wants_write() {
            conn.write_tls(&mut tcp).map_err(|_| Refused::Failed)?;
        }
        if !conn.is_handshaking() {
            break;
        }
        match conn.read_tls(&mut tcp) {
            Ok(0) | Err(_) => return Err(Refused::Failed),
            Ok(_) => {}
        }
        if conn.process_new_packets().is_err() {
            // The alert that says why.
            let _ = conn.write_tls(&mut tcp);
            return Err(Refused::Failed);
        }
    }
    Ok(Conn::Tls(Box::new(StreamOwned::new(conn, tcp))))
}

/// Tells a browser that asked with `http://` to use `https://` (plain, then closed).
fn plain_refusal(tcp: &mut TcpStream) {
    let body = "Pratinjau ini memakai HTTPS. Buka alamatnya dengan https:// di depan, \
                bukan http://.\n";
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(5)));
    let _ = write!(
        tcp,
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tcp.shutdown(Shutdown::Write);
    // The request itself is drained a little, so the close does not reset the answer.
    let _ = tcp.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = std::io::copy(&mut (&mut *tcp).take(64 * 1024), &mut std::io::sink());
}
