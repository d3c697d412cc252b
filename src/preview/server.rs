//! The HTTP side of the preview: known routes only, generated content only, loopback by
//! default, and Server-Sent Events that tell open pages when an SOP was rendered again.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use super::catalogue::{self, Catalogue, Shared};
use super::{html, watch};

/// Requests handled at once; more get 503 (each open page holds one for its event stream).
const MAX_ACTIVE: usize = 64;

/// A comment line sent this often keeps idle event streams open and finds closed ones.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What `sopan preview` was asked to show, and where to listen.
#[derive(Debug, Clone)]
pub struct Options {
    /// An SOP file or a catalogue folder.
    pub path: PathBuf,
    /// Address to listen on; loopback unless the user says otherwise.
    pub host: String,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// What the environment decides for every SOP rendered.
    pub settings: crate::pipeline::Settings,
}

/// Messages to every open event stream.
#[derive(Clone, Default)]
pub struct Broadcast {
    streams: Arc<Mutex<Vec<mpsc::Sender<String>>>>,
}

impl Broadcast {
    /// A new stream that receives every later message.
    pub fn subscribe(&self) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.lock().push(tx);
        rx
    }

    /// Sends `message` to every stream still open.
    pub fn send(&self, message: String) {
        self.lock().retain(|tx| tx.send(message.clone()).is_ok());
    }

    /// Ends every stream.
    fn close(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::Sender<String>>> {
        self.streams.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running preview.
pub struct Preview {
    addr: SocketAddr,
    server: Arc<Server>,
    broadcast: Broadcast,
    shared: Shared,
    accept: Option<std::thread::JoinHandle<()>>,
    _watcher: notify::RecommendedWatcher,
}

/// Why the preview could not start.
#[derive(Debug)]
pub enum StartError {
    /// The file or folder cannot be read.
    Path(String),
    /// The address cannot be listened on.
    Listen(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Path(m) | StartError::Listen(m) => f.write_str(m),
        }
    }
}

/// Starts watching, rendering and serving; returns once the server listens.
pub fn start(options: &Options) -> Result<Preview, StartError> {
    let shown = crate::diag::display_path(&options.path);
    let catalogue = Catalogue::open(&options.path).map_err(|e| {
        StartError::Path(format!(
            "tidak dapat membuka {shown}: {}",
            crate::io_error_id(&e)
        ))
    })?;
    if catalogue.entries.is_empty() {
        return Err(StartError::Path(format!(
            "tidak ada berkas SOP (.toml) di {shown}"
        )));
    }
    let ip: IpAddr = match options.host.as_str() {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        h => h.parse().map_err(|_| {
            StartError::Listen(format!(
                "alamat --host \"{h}\" tidak dikenal; pakai misalnya 127.0.0.1"
            ))
        })?,
    };
    let server = Server::http(SocketAddr::new(ip, options.port)).map_err(|e| {
        StartError::Listen(format!(
            "tidak dapat membuka port {} di {ip}: {e}; coba --port lain, misalnya --port {}",
            options.port,
            options.port.wrapping_add(1).max(1024)
        ))
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| StartError::Listen("alamat server tidak dikenal".into()))?;
    let server = Arc::new(server);
    let watch_root = catalogue.watch_root.clone();
    let shared: Shared = Arc::new(Mutex::new(catalogue));
    let broadcast = Broadcast::default();

    let (tx, rx) = mpsc::channel();
    let watcher = watch::watch(&watch_root, tx).map_err(|e| {
        StartError::Path(format!(
            "tidak dapat memantau folder {}: {e}",
            crate::diag::display_path(&watch_root)
        ))
    })?;
    catalogue::spawn_renderer(
        shared.clone(),
        rx,
        broadcast.clone(),
        options.settings.clone(),
    )
    .map_err(|e| StartError::Path(format!("tidak dapat memulai: {e}")))?;

    let site = Site {
        shared: shared.clone(),
        broadcast: broadcast.clone(),
        loopback_only: ip.is_loopback(),
        active: Arc::new(AtomicUsize::new(0)),
    };
    let accept_server = server.clone();
    let accept = std::thread::Builder::new()
        .name("sopan-http".into())
        .spawn(move || {
            for request in accept_server.incoming_requests() {
                site.dispatch(request);
            }
        })
        .map_err(|e| StartError::Listen(format!("tidak dapat memulai: {e}")))?;
    Ok(Preview {
        addr,
        server,
        broadcast,
        shared,
        accept: Some(accept),
        _watcher: watcher,
    })
}

impl Preview {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address to open in a browser: the SOP's page when one file is previewed.
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let base = format!("http://{host}:{}/", self.addr.port());
        let cat = catalogue::lock(&self.shared);
        match (&cat.single, cat.entries.keys().next()) {
            (Some(_), Some(id)) => format!("{base}sop/{}", html::url_path(id)),
            _ => base,
        }
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops serving and ends every event stream.
    pub fn stop(mut self) {
        self.server.unblock();
        self.broadcast.close();
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Everything a request handler needs.
#[derive(Clone)]
struct Site {
    shared: Shared,
    broadcast: Broadcast,
    loopback_only: bool,
    active: Arc<AtomicUsize>,
}

/// A decided answer to a request.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    download: Option<String>,
}

impl Reply {
    fn html(status: u16, body: String) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            download: None,
        }
    }

    fn error(status: u16) -> Self {
        Self::html(status, html::error_page(status))
    }
}

/// What a request asks for, once its path has been decoded and checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The event stream: held open, not answered at once.
    Events,
    /// Anything answered at once.
    Page(Page),
}

/// What the server answers at once.
#[derive(Debug, PartialEq, Eq)]
pub enum Page {
    /// The catalogue index.
    Index,
    /// The index's list, for live updates.
    IndexList,
    /// The stylesheet.
    Style,
    /// The page script.
    Script,
    /// An SOP's page.
    Sop(String),
    /// An SOP's page body, for live updates.
    SopBody(String),
    /// One page image (1-based).
    PageSvg(String, usize),
    /// The current PDF.
    Pdf(String),
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a path this server knows: 404.
    NotFound,
    /// An attempt to leave the site (`..`, backslashes, absolute or odd paths): 403.
    Forbidden,
    /// Not even a valid request target: 400.
    BadRequest,
}

/// Decodes and checks the request target, then names the route. Only known routes pass;
/// SOP ids are looked up in the catalogue afterwards, never on disk.
pub fn route(target: &str) -> Result<Route, Refusal> {
    if !target.starts_with('/') {
        return Err(Refusal::BadRequest);
    }
    let raw = target.split(['?', '#']).next().unwrap_or("");
    if raw.starts_with("//") {
        return Err(Refusal::Forbidden);
    }
    let path = percent_decode(raw).ok_or(Refusal::BadRequest)?;
    if path.contains(['\\', '\0']) || path.starts_with("//") {
        return Err(Refusal::Forbidden);
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Err(Refusal::Forbidden);
    }
    match segments.as_slice() {
        [""] => return Ok(Route::Page(Page::Index)),
        ["daftar"] => return Ok(Route::Page(Page::IndexList)),
        ["gaya.css"] => return Ok(Route::Page(Page::Style)),
        ["pratinjau.js"] => return Ok(Route::Page(Page::Script)),
        ["events"] => return Ok(Route::Events),
        _ => {}
    }
    let ["sop", rest @ ..] = segments.as_slice() else {
        return Err(Refusal::NotFound);
    };
    if rest.is_empty() || rest.iter().any(|s| s.is_empty()) {
        return Err(Refusal::NotFound);
    }
    let id = |parts: &[&str]| parts.join("/");
    match rest {
        [head @ .., "isi"] if !head.is_empty() => Ok(Route::Page(Page::SopBody(id(head)))),
        [head @ .., "unduh.pdf"] if !head.is_empty() => Ok(Route::Page(Page::Pdf(id(head)))),
        [head @ .., "halaman", file] if !head.is_empty() => {
            let n = file
                .strip_suffix(".svg")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n >= 1)
                .ok_or(Refusal::NotFound)?;
            Ok(Route::Page(Page::PageSvg(id(head), n)))
        }
        _ => Ok(Route::Page(Page::Sop(id(rest)))),
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether a Host header names this machine (guards a loopback server against DNS rebinding).
fn local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    ) || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl Site {
    fn dispatch(&self, request: Request) {
        if self.active.fetch_add(1, Ordering::SeqCst) >= MAX_ACTIVE {
            self.active.fetch_sub(1, Ordering::SeqCst);
            send(request, Reply::error(503));
            return;
        }
        let site = self.clone();
        let spawned = std::thread::Builder::new()
            .name("sopan-request".into())
            .spawn(move || {
                site.handle(request);
                site.active.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.active.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn handle(&self, request: Request) {
        if !matches!(request.method(), Method::Get | Method::Head) {
            return send(request, Reply::error(405));
        }
        if self.loopback_only {
            let host = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Host"))
                .map(|h| h.value.as_str().to_string());
            if !host.as_deref().is_some_and(local_host) {
                return send(request, Reply::error(403));
            }
        }
        let route = match route(request.url()) {
            Ok(r) => r,
            Err(Refusal::NotFound) => return send(request, Reply::error(404)),
            Err(Refusal::Forbidden) => return send(request, Reply::error(403)),
            Err(Refusal::BadRequest) => return send(request, Reply::error(400)),
        };
        match route {
            Route::Events => self.events(request),
            Route::Page(page) => send(request, self.reply(page)),
        }
    }

    fn reply(&self, page: Page) -> Reply {
        let cat = catalogue::lock(&self.shared);
        let sop = |id: &str| cat.entries.get(id);
        match page {
            Page::Index => Reply::html(200, html::index(&cat)),
            Page::IndexList => Reply::html(200, html::index_list(&cat)),
            Page::Style => Reply {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: html::STYLE.as_bytes().to_vec(),
                download: None,
            },
            Page::Script => Reply {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: html::SCRIPT.as_bytes().to_vec(),
                download: None,
            },
            Page::Sop(id) => match sop(&id) {
                Some(e) => Reply::html(200, html::sop_page(e)),
                None => Reply::error(404),
            },
            Page::SopBody(id) => match sop(&id) {
                Some(e) => Reply::html(200, html::sop_body(e)),
                None => Reply::error(404),
            },
            Page::PageSvg(id, n) => match sop(&id).and_then(|e| e.good.as_ref()?.svgs.get(n - 1)) {
                Some(svg) => Reply {
                    status: 200,
                    content_type: "image/svg+xml",
                    body: svg.as_bytes().to_vec(),
                    download: None,
                },
                None => Reply::error(404),
            },
            Page::Pdf(id) => match sop(&id).and_then(|e| Some((e, e.good.as_ref()?))) {
                Some((e, good)) => Reply {
                    status: 200,
                    content_type: "application/pdf",
                    body: good.pdf.clone(),
                    download: Some(e.pdf_name()),
                },
                None => Reply::error(404),
            },
        }
    }

    /// Holds the connection open and writes one `data:` line per render.
    fn events(&self, request: Request) {
        let messages = self.broadcast.subscribe();
        let mut out = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-store\r\nConnection: close\r\n\
                    X-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n";
        if out
            .write_all(head.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
        loop {
            let chunk = match messages.recv_timeout(KEEPALIVE) {
                Ok(m) => format!("data: {m}\n\n"),
                Err(RecvTimeoutError::Timeout) => ": tetap terhubung\n\n".to_string(),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if out
                .write_all(chunk.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return;
            }
        }
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn send(request: Request, reply: Reply) {
    let mut headers = vec![
        header("Content-Type", reply.content_type),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
        header("X-Frame-Options", "DENY"),
        header("Referrer-Policy", "no-referrer"),
        header(
            "Content-Security-Policy",
            "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; \
             connect-src 'self'; base-uri 'none'; form-action 'none'",
        ),
    ];
    if let Some(name) = &reply.download {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        headers.push(header(
            "Content-Disposition",
            &format!("attachment; filename=\"{safe}\""),
        ));
    }
    let length = reply.body.len();
    let response = Response::new(
        reply.status.into(),
        headers.into_iter().flatten().collect(),
        std::io::Cursor::new(reply.body),
        Some(length),
        None,
    )
    // Whole bodies with Content-Length: downloads show their progress.
    .with_chunked_threshold(usize::MAX);
    // A client that went away is not an error of the server.
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_routes_are_named() {
        assert_eq!(route("/"), Ok(Route::Page(Page::Index)));
        assert_eq!(route("/?q=1"), Ok(Route::Page(Page::Index)));
        assert_eq!(route("/events"), Ok(Route::Events));
        assert_eq!(
            route("/sop/perencanaan/lakip"),
            Ok(Route::Page(Page::Sop("perencanaan/lakip".into())))
        );
        assert_eq!(
            route("/sop/perencanaan/lakip/halaman/2.svg?v=7"),
            Ok(Route::Page(Page::PageSvg("perencanaan/lakip".into(), 2)))
        );
        assert_eq!(
            route("/sop/bab%20satu/lakip/unduh.pdf"),
            Ok(Route::Page(Page::Pdf("bab satu/lakip".into())))
        );
        assert_eq!(
            route("/sop/lakip/isi"),
            Ok(Route::Page(Page::SopBody("lakip".into())))
        );
    }

    #[test]
    fn traversal_is_refused_in_every_spelling() {
        for target in [
            "/sop/../katalog.toml",
            "/../etc/passwd",
            "/sop/%2e%2e/%2e%2e/etc/passwd",
            "/sop/%2E%2E%2Fkatalog",
            "/sop/..%2f..%2fetc%2fpasswd",
            "/sop/a\\..\\b",
            "/sop/a%5c..%5cb",
            "//etc/passwd",
            "/%2f%2fetc/passwd",
            "/sop/./lakip",
            "/sop/lakip%00.toml",
        ] {
            assert_eq!(route(target), Err(Refusal::Forbidden), "{target}");
        }
        assert_eq!(route("http://evil/"), Err(Refusal::BadRequest));
        assert_eq!(route("/sop/%zz"), Err(Refusal::BadRequest));
        assert_eq!(route("/sop/%ff%fe"), Err(Refusal::BadRequest));
        assert_eq!(route("/etc/passwd"), Err(Refusal::NotFound));
        assert_eq!(route("/sop/"), Err(Refusal::NotFound));
        assert_eq!(route("/sop/lakip/halaman/0.svg"), Err(Refusal::NotFound));
        assert_eq!(route("/sop/lakip/halaman/x.png"), Err(Refusal::NotFound));
    }

    #[test]
    fn only_local_host_headers_pass_on_loopback() {
        assert!(local_host("127.0.0.1:8123"));
        assert!(local_host("localhost:8123"));
        assert!(local_host("[::1]:8123"));
        assert!(!local_host("evil.example:8123"));
        assert!(!local_host(""));
    }
}
