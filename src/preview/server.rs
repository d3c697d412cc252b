//! The HTTP side of the preview: known routes only, generated content only, loopback by
//! default, and Server-Sent Events that tell open pages when an SOP was rendered again.
//!
//! Each connection's request head is read on a small thread of its own, within caps
//! per address and in all ([`super::gate`]); a fixed pool of [`WORKERS`] threads answers
//! the complete requests, one address at most a share of them, and a request that finds
//! the queue full gets 503. An event stream leaves the pool for
//! a thread of its own, at most [`gate::STREAMS`] at once and fewer per address, so open pages can never take
//! the workers that answer page requests.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::catalogue::{self, Catalogue, Shared};
use super::conn::{self, Conn};
use super::gate::{self, Gate, Limits};
use super::http::{self, BodyError, Head, HeadError};
use super::sesi::{self, Guard, LoginError, Who};
use super::sunting::{self, Answer};
use super::{alur, html, watch};
use crate::editor::akun::{Akun, Peran};

/// Threads that read and answer requests.
const WORKERS: usize = 8;

/// Connections waiting for a worker; more get 503 at once.
const QUEUE: usize = 64;

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
    /// Host names (besides IP addresses) a server on the network answers to.
    pub host_names: Vec<String>,
    /// Whether editing needs a login on loopback too (`--wajib-masuk`): a shared PC or
    /// a terminal server, whose loopback every user of the computer reaches.
    pub wajib_masuk: bool,
    /// What the environment decides for every SOP rendered.
    pub settings: crate::pipeline::Settings,
    /// HTTPS with this certificate and key (`--tls-sertifikat`, `--tls-kunci`).
    pub tls: Option<Tls>,
    /// The reverse proxy in front (`--proxy`): only its `X-Forwarded-Proto` and
    /// `X-Forwarded-For` are believed, and its connections are not capped per address.
    pub proxy: Option<IpAddr>,
}

impl Options {
    /// A preview of `path` on loopback, on a free port, with nothing else set: what
    /// `sopan preview PATH` starts with. Other fields are set over it.
    pub fn loopback(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            host: "127.0.0.1".into(),
            port: 0,
            host_names: Vec::new(),
            wajib_masuk: false,
            settings: Default::default(),
            tls: None,
            proxy: None,
        }
    }
}

/// The PEM files HTTPS is served with.
#[derive(Debug, Clone)]
pub struct Tls {
    /// The certificate chain (`--tls-sertifikat`), e.g. `fullchain.pem`.
    pub sertifikat: PathBuf,
    /// Its private key (`--tls-kunci`), e.g. `privkey.pem`.
    pub kunci: PathBuf,
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
    /// The previewed folder, whose `.sopan` the preview uses.
    folder: PathBuf,
    /// Whether editing needs a login.
    login: bool,
    /// Temporary files of interrupted saves removed at start.
    sisa: usize,
    /// Warnings about `.sopan` and the accounts open to other users of this computer.
    izin: Vec<String>,
    /// Whether HTTPS is served.
    tls: bool,
    /// Whether a reverse proxy was named.
    proxy: bool,
    stopping: Arc<AtomicBool>,
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
    /// The certificate or key for HTTPS cannot be used.
    Tls(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Path(m) | StartError::Listen(m) | StartError::Tls(m) => f.write_str(m),
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
    let tls = match &options.tls {
        Some(t) => Some(conn::tls_config(&t.sertifikat, &t.kunci).map_err(StartError::Tls)?),
        None => None,
    };
    let ip: IpAddr = match options.host.as_str() {
        "localhost" => IpAddr::from([127, 0, 0, 1]),
        h => h.parse().map_err(|_| {
            StartError::Listen(format!(
                "alamat --host \"{h}\" tidak dikenal; pakai misalnya 127.0.0.1"
            ))
        })?,
    };
    let listener = TcpListener::bind(SocketAddr::new(ip, options.port)).map_err(|e| {
        StartError::Listen(format!(
            "tidak dapat membuka port {} di {ip}: {e}; coba --port lain, misalnya --port {}",
            options.port,
            options.port.wrapping_add(1).max(1024)
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Listen(format!("alamat server tidak dikenal: {e}")))?;
    let watch_root = catalogue.watch_root.clone();
    // The catalogue's own `.sopan` (accounts, history, save lock) is the previewed
    // folder's, never a parent's.
    let folder = catalogue.folder.clone();
    let longgar = crate::editor::folder::izin_longgar(&folder);
    // Opening `.sopan` makes it private when this user owns it.
    let sisa = crate::editor::simpan::bersihkan(&folder);
    let masih = crate::editor::folder::izin_longgar(&folder);
    let izin = longgar
        .into_iter()
        .map(|w| match masih.contains(&w) {
            true => w,
            false => match w.split_once("\n = hint:") {
                Some((what, _)) => format!("{what}; sudah diubah menjadi 0700 oleh sopan"),
                None => w,
            },
        })
        .collect();
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

    let guard = Guard::new(
        ip.is_loopback() && !options.wajib_masuk,
        folder.clone(),
        options.host_names.clone(),
    );
    let login = guard.needs_login();
    let site = Site {
        guard: Arc::new(guard),
        root: folder.clone(),
        settings: options.settings.clone(),
        shared: shared.clone(),
        broadcast: broadcast.clone(),
        streams: Limits::new(gate::STREAMS_PER_ADDRESS, gate::STREAMS, options.proxy),
        tls: tls.clone(),
        proxy: options.proxy,
        network: !ip.is_loopback(),
        port: addr.port(),
    };
    let stopping = Arc::new(AtomicBool::new(false));
    let accept = serve(listener, site, stopping.clone())
        .map_err(|e| StartError::Listen(format!("tidak dapat memulai: {e}")))?;
    Ok(Preview {
        addr,
        folder,
        login,
        sisa,
        izin,
        tls: tls.is_some(),
        proxy: options.proxy.is_some(),
        stopping,
        broadcast,
        shared,
        accept: Some(accept),
        _watcher: watcher,
    })
}

/// A request whose head has been read, waiting for a worker.
struct Request {
    conn: Conn,
    head: Head,
    /// The address it came from.
    peer: Option<IpAddr>,
}

/// The stack of a thread that reads one request head (and does the TLS handshake).
const READER_STACK: usize = 256 * 1024;

/// Starts the workers and the thread that accepts connections; returns the latter.
/// Each connection's head is read on a small thread of its own, within the caps of
/// [`super::gate`]; only a complete request goes on to a worker.
fn serve(
    listener: TcpListener,
    site: Site,
    stopping: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let (queue, waiting) = mpsc::sync_channel::<(Request, IpAddr)>(QUEUE);
    let gate = Arc::new(Gate::new(queue, site.proxy));
    let readers = Limits::new(gate::READERS_PER_ADDRESS, gate::READERS, site.proxy);
    let waiting = Arc::new(Mutex::new(waiting));
    for _ in 0..WORKERS {
        let (site, waiting, gate) = (site.clone(), waiting.clone(), gate.clone());
        std::thread::Builder::new()
            .name("sopan-http".into())
            // Drafts are typeset on these threads: Typst's layout recursion is deep.
            .stack_size(crate::typeset::WORKER_STACK)
            .spawn(move || {
                loop {
                    // The lock is held only while waiting for the next request.
                    let next = waiting.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok((request, ip)) = next else { return };
                    // A bug met by one request must not take a worker from the pool.
                    if let Err(what) = crate::catch_panic(|| site.answer(request)) {
                        eprintln!("{}", crate::bug_message(&what));
                    }
                    if let Some(refused) = gate.done(ip) {
                        busy(refused);
                    }
                }
            })?;
    }
    let refuser = site.tls.clone().map(refuser).transpose()?;
    std::thread::Builder::new()
        .name("sopan-accept".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = conn else { continue };
                let Ok(peer) = stream.peer_addr() else {
                    continue;
                };
                let ip = peer.ip();
                let Some(place) = readers.take(ip) else {
                    busy_unread(stream, refuser.as_ref());
                    continue;
                };
                let (site, gate) = (site.clone(), gate.clone());
                // When no thread can be made, the connection is closed.
                let _ = std::thread::Builder::new()
                    .name("sopan-baca".into())
                    .stack_size(READER_STACK)
                    .spawn(move || {
                        let request =
                            crate::catch_panic(|| site.read(stream)).unwrap_or_else(|what| {
                                eprintln!("{}", crate::bug_message(&what));
                                None
                            });
                        drop(place);
                        if let Some(request) = request
                            && let Err(refused) = gate.admit(request, ip)
                        {
                            busy(refused);
                        }
                    });
            }
        })
}

/// Answers 503 to a request that cannot be served now.
fn busy(mut request: Request) {
    send(&mut request.conn, Reply::error(503), true);
}

/// Answers 503 to a connection whose address holds too many being read: over HTTPS
/// through the [`refuser`], or closed when it is busy.
fn busy_unread(stream: TcpStream, refuser: Option<&mpsc::SyncSender<TcpStream>>) {
    match refuser {
        Some(refuser) => {
            let _ = refuser.try_send(stream);
        }
        None => send(&mut Conn::Plain(stream), Reply::error(503), true),
    }
}

/// Connections waiting for the refuser; more are closed.
const REFUSED_WAITING: usize = 8;

/// How long the refuser gives one handshake.
const REFUSER_HANDSHAKE: Duration = Duration::from_secs(1);

/// One thread that tells HTTPS connections refused before reading "503" after a short
/// handshake, one at a time, rather than closing them bare.
fn refuser(config: Arc<rustls::ServerConfig>) -> std::io::Result<mpsc::SyncSender<TcpStream>> {
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(REFUSED_WAITING);
    std::thread::Builder::new()
        .name("sopan-tolak".into())
        .stack_size(READER_STACK)
        .spawn(move || {
            for tcp in rx {
                if let Ok(mut c) = conn::accept(tcp, &config, REFUSER_HANDSHAKE, REFUSER_HANDSHAKE)
                {
                    send(&mut c, Reply::error(503), true);
                }
            }
        })?;
    Ok(tx)
}

impl Preview {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The previewed folder, whose `.sopan` holds the accounts, the history and the
    /// save lock.
    pub fn folder(&self) -> &std::path::Path {
        &self.folder
    }

    /// The accounts file logins are checked against, when editing needs a login.
    pub fn akun(&self) -> Option<PathBuf> {
        self.login.then(|| crate::editor::akun::path(&self.folder))
    }

    /// How many temporary files of interrupted saves were removed at start.
    pub fn sisa_dihapus(&self) -> usize {
        self.sisa
    }

    /// Warnings, found at start, about a `.sopan` folder other users of this computer
    /// could read or change, and an accounts file they could read, with the `chmod`
    /// that fixes each (or the note that sopan made the folder private).
    pub fn izin_longgar(&self) -> &[String] {
        &self.izin
    }

    /// The address to open in a browser: the SOP's page when one file is previewed.
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        let scheme = if self.tls { "https" } else { "http" };
        let base = format!("{scheme}://{host}:{}/", self.addr.port());
        let cat = catalogue::lock(&self.shared);
        match (&cat.single, cat.entries.keys().next()) {
            (Some(_), Some(id)) => format!("{base}sop/{}", html::url_path(id)),
            _ => base,
        }
    }

    /// The warning for a preview open to the network without HTTPS or a proxy in
    /// front: passwords and session cookies would cross the network in clear.
    pub fn peringatan(&self) -> Option<String> {
        (!self.addr.ip().is_loopback() && !self.tls && !self.proxy).then(|| {
            "pratinjau terbuka di jaringan tanpa HTTPS: kata sandi dan sesi terkirim \
             tanpa enkripsi\n = hint: pakai --tls-sertifikat dan --tls-kunci, atau jalankan \
             di belakang proxy HTTPS dengan --proxy (lihat README, bagian \"HTTPS di jaringan kantor\")"
                .to_string()
        })
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops serving and ends every event stream.
    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stopping` (through loopback when
        // it listens on every address).
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::from([127, 0, 0, 1]),
                IpAddr::V6(_) => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        self.broadcast.close();
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Everything a request handler needs.
#[derive(Clone)]
struct Site {
    /// Who may edit: sessions on a network, this computer on loopback.
    guard: Arc<Guard>,
    /// The previewed folder: its `.sopan` holds the accounts, the history and the save
    /// lock, and saves stay inside it.
    root: PathBuf,
    settings: crate::pipeline::Settings,
    shared: Shared,
    broadcast: Broadcast,
    /// Event streams open now, per address and in all.
    streams: Arc<Limits>,
    /// HTTPS, when served.
    tls: Option<Arc<rustls::ServerConfig>>,
    /// The reverse proxy whose forwarded headers are believed.
    proxy: Option<IpAddr>,
    /// Whether the preview listens beyond this computer.
    network: bool,
    /// The port the preview listens on, which a `Host` header must name.
    port: u16,
}

/// A decided answer to a request.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    download: Option<String>,
    /// More headers: `Location`, `Set-Cookie`.
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn html(status: u16, body: String) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            download: None,
            headers: Vec::new(),
        }
    }

    fn error(status: u16) -> Self {
        Self::html(status, html::error_page(status))
    }

    fn json((status, value): Answer) -> Self {
        Self {
            status,
            content_type: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
            download: None,
            headers: Vec::new(),
        }
    }

    fn asset(content_type: &'static str, body: &str) -> Self {
        Self {
            status: 200,
            content_type,
            body: body.as_bytes().to_vec(),
            download: None,
            headers: Vec::new(),
        }
    }

    /// 303 to `location`.
    fn redirect(location: &str) -> Self {
        let mut r = Self::html(303, String::new());
        r.headers.push(("Location", location.to_string()));
        r
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
    /// The page icon, `/ikon.svg`.
    Icon,
    /// The page script.
    Script,
    /// The editor's script.
    EditorScript,
    /// The login page (GET) or a login (POST).
    Masuk,
    /// Logging out (POST).
    Keluar,
    /// A new SOP (POST).
    Baru,
    /// An SOP's editor page.
    Ubah(String),
    /// An SOP's form, as JSON.
    Formulir(String),
    /// A draft rendered from the form (POST).
    Draf(String),
    /// Saving the form (POST).
    Simpan(String),
    /// An SOP's page.
    Sop(String),
    /// An SOP's page body, for live updates.
    SopBody(String),
    /// One page image (1-based).
    PageSvg(String, usize),
    /// The current PDF.
    Pdf(String),
    /// A move of the approval flow: Ajukan, Teruskan, Kembalikan (POST).
    Alur(String),
    /// Approving and signing with the signer's certificate (POST).
    Sahkan(String),
    /// The kop and signer of the SOP's katalog.toml (POST, admin).
    Katalog(String),
    /// The public verification page of an approval's short code.
    Verifikasi(String),
    /// The archived, signed PDF of an approval's short code.
    VerifikasiPdf(String),
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
        ["ikon.svg"] => return Ok(Route::Page(Page::Icon)),
        ["pratinjau.js"] => return Ok(Route::Page(Page::Script)),
        ["penyunting.js"] => return Ok(Route::Page(Page::EditorScript)),
        ["masuk"] => return Ok(Route::Page(Page::Masuk)),
        ["keluar"] => return Ok(Route::Page(Page::Keluar)),
        ["baru"] => return Ok(Route::Page(Page::Baru)),
        ["events"] => return Ok(Route::Events),
        ["verifikasi", kode] if !kode.is_empty() => {
            return Ok(Route::Page(Page::Verifikasi(kode.to_string())));
        }
        ["verifikasi", kode, "unduh.pdf"] if !kode.is_empty() => {
            return Ok(Route::Page(Page::VerifikasiPdf(kode.to_string())));
        }
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
        [head @ .., "ubah"] if !head.is_empty() => Ok(Route::Page(Page::Ubah(id(head)))),
        [head @ .., "formulir"] if !head.is_empty() => Ok(Route::Page(Page::Formulir(id(head)))),
        [head @ .., "draf"] if !head.is_empty() => Ok(Route::Page(Page::Draf(id(head)))),
        [head @ .., "simpan"] if !head.is_empty() => Ok(Route::Page(Page::Simpan(id(head)))),
        [head @ .., "alur"] if !head.is_empty() => Ok(Route::Page(Page::Alur(id(head)))),
        [head @ .., "sahkan"] if !head.is_empty() => Ok(Route::Page(Page::Sahkan(id(head)))),
        [head @ .., "katalog"] if !head.is_empty() => Ok(Route::Page(Page::Katalog(id(head)))),
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

impl Page {
    /// Whether the page is a request that changes something: answered to POST only.
    fn changes(&self) -> bool {
        matches!(
            self,
            Page::Keluar
                | Page::Baru
                | Page::Draf(_)
                | Page::Simpan(_)
                | Page::Alur(_)
                | Page::Sahkan(_)
                | Page::Katalog(_)
        )
    }
}

/// Whether a POST comes from this server's own pages, by the two signals a browser
/// sends (OWASP CSRF cheat sheet, "Fetch Metadata" and "Verifying Origin"):
/// - `Sec-Fetch-Site`, when sent, must be `same-origin`;
/// - `Origin`, when it names a site, must be this server (the `Host` header). An
///   `Origin: null` (a page whose referrer policy hides its origin, a sandboxed
///   frame) passes only beside `Sec-Fetch-Site: same-origin`.
///
/// A request with neither header comes from a program, not a browser page, and cannot
/// be forged by another site; the session and its token decide about it.
fn same_origin(head: &Head) -> bool {
    let fetch_site = head.fetch_site.as_deref().map(str::trim);
    if fetch_site.is_some_and(|site| !site.eq_ignore_ascii_case("same-origin")) {
        return false;
    }
    match head.origin.as_deref().map(str::trim) {
        None => true,
        Some("null") => fetch_site.is_some(),
        // Over HTTPS only an https:// page is this server's.
        Some(origin) => origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://").filter(|_| !head.secure))
            .is_some_and(|h| Some(h) == head.host.as_deref()),
    }
}

/// The client's address, as the login throttle counts it: behind the proxy the last
/// address it forwarded for; when that is no IP address, the proxy's own (one record
/// for all such values, never a fresh one per value).
fn client_address(peer: Option<IpAddr>, from_proxy: bool, forwarded_for: Option<&str>) -> String {
    let forwarded = forwarded_for
        .filter(|_| from_proxy)
        .and_then(|f| f.rsplit(',').next())
        .map(str::trim)
        .and_then(|a| {
            a.parse::<IpAddr>()
                .or_else(|_| a.parse::<SocketAddr>().map(|s| s.ip()))
                .ok()
        });
    forwarded
        .or(peer)
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// Checks the port a `Host` header names: a number (else 400), and this server's `port`
/// (else 403), unless the request came through the proxy, which names its own. A Host
/// without a port names the scheme's own, 80 or 443 over HTTPS (`tls`).
fn host_port(host: Option<&str>, port: u16, from_proxy: bool, tls: bool) -> Result<(), u16> {
    let Some(host) = host.map(str::trim) else {
        return Ok(());
    };
    let named = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((_, "")) => None,
            Some((_, after)) => Some(after.strip_prefix(':').ok_or(400u16)?),
            None => return Err(400),
        },
        None => host.split_once(':').map(|(_, p)| p),
    };
    // Without a port the Host names the scheme's own (80, or 443 over HTTPS).
    let default = if tls { "443" } else { "80" };
    let named = named.unwrap_or(default);
    let number = (!named.is_empty() && named.bytes().all(|b| b.is_ascii_digit()))
        .then(|| named.parse::<u16>().ok())
        .flatten()
        .ok_or(400u16)?;
    if number != port && !from_proxy {
        return Err(403);
    }
    Ok(())
}

/// Where a login may send the person back to: an editor page of this server only
/// (`/sop/.../ubah`), never another site or a path that leaves `/sop/`.
fn kembali_ke(ke: &str) -> Option<&str> {
    let inner = ke.strip_prefix("/sop/")?.strip_suffix("/ubah")?;
    let safe = !inner.is_empty()
        && ke.len() <= 1024
        && inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b))
        && !inner
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..");
    (safe && route(ke) == Ok(Route::Page(Page::Ubah(id_of(inner)?)))).then_some(ke)
}

/// The SOP id an editor address names, percent-decoded.
fn id_of(encoded: &str) -> Option<String> {
    percent_decode(encoded)
}

/// The fields of an `application/x-www-form-urlencoded` body.
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
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

impl Site {
    /// Reads one request's head from `tcp` (after the TLS handshake) and a body small
    /// enough to be a login form, so that a worker never waits for a slow client's
    /// head; a malformed or too large head is answered here.
    fn read(&self, tcp: TcpStream) -> Option<Request> {
        let peer = tcp.peer_addr().ok().map(|a| a.ip());
        let mut conn = match &self.tls {
            Some(config) => {
                conn::accept(tcp, config, http::FIRST_BYTE_DEADLINE, http::HEAD_DEADLINE).ok()?
            }
            None => Conn::Plain(tcp),
        };
        let mut head = match http::read_head(&mut conn) {
            Ok(head) => head,
            Err(HeadError::TooLarge) => {
                send(&mut conn, Reply::error(431), true);
                return None;
            }
            Err(HeadError::Malformed) => {
                send(&mut conn, Reply::error(400), true);
                return None;
            }
            Err(HeadError::Gone) => return None,
        };
        if head
            .content_length
            .is_some_and(|n| n <= http::MAX_FORM && n > head.rest.len())
        {
            head.rest = http::read_body(&mut conn, &head, http::MAX_FORM).ok()?;
        }
        Some(Request { conn, head, peer })
    }

    /// Answers one request; an event stream goes on on a thread of its own.
    fn answer(&self, request: Request) {
        let Request {
            conn: mut stream,
            mut head,
            peer,
        } = request;
        let from_proxy = peer.is_some() && peer == self.proxy;
        head.secure = stream.is_tls()
            || (from_proxy
                && head
                    .forwarded_proto
                    .as_deref()
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")));
        let client = client_address(peer, from_proxy, head.forwarded_for.as_deref());
        let with_body = head.method != "HEAD";
        if !matches!(head.method.as_str(), "GET" | "HEAD" | "POST") {
            return send(&mut stream, Reply::error(405), true);
        }
        if !self.guard.host_ok(head.host.as_deref()) {
            return send(&mut stream, Reply::error(403), with_body);
        }
        if let Err(status) = host_port(head.host.as_deref(), self.port, from_proxy, stream.is_tls())
        {
            return send(&mut stream, Reply::error(status), with_body);
        }
        let route = match route(&head.target) {
            Ok(r) => r,
            Err(Refusal::NotFound) => return send(&mut stream, Reply::error(404), with_body),
            Err(Refusal::Forbidden) => return send(&mut stream, Reply::error(403), with_body),
            Err(Refusal::BadRequest) => return send(&mut stream, Reply::error(400), with_body),
        };
        let post = head.method == "POST";
        match route {
            Route::Events if !post => self.open_events(stream, peer),
            Route::Page(page) if post && (page.changes() || page == Page::Masuk) => {
                // Who may send it is decided from the head, before any body is read.
                let who = match self.authorize(&page, &head) {
                    Ok(who) => who,
                    Err(refused) => return send(&mut stream, refused, true),
                };
                let limit = if page == Page::Masuk {
                    http::MAX_FORM
                } else {
                    http::MAX_BODY
                };
                let reply = match http::read_body(&mut stream, &head, limit) {
                    Ok(body) => self.post(page, &head, &body, &client, who),
                    Err(BodyError::TooLarge) => Reply::error(413),
                    Err(BodyError::NoLength) => Reply::error(411),
                    Err(BodyError::Gone) => return,
                };
                send(&mut stream, reply, true)
            }
            Route::Page(page) if !post && !page.changes() => {
                let mut reply = self.reply(page, &head);
                if self.in_clear(&head) && reply.content_type.starts_with("text/html") {
                    let text = String::from_utf8_lossy(&reply.body);
                    reply.body = html::tanpa_https(&text).into_bytes();
                }
                send(&mut stream, reply, with_body)
            }
            _ => send(&mut stream, Reply::error(405), with_body),
        }
    }

    /// Who may send this POST, from its head alone: a request from another site's page
    /// is refused; a login or logout needs nothing more; anything else needs a person
    /// who may edit, their CSRF token, and a JSON body.
    fn authorize(&self, page: &Page, head: &Head) -> Result<Option<Who>, Reply> {
        // A page of another site posting here (a forged login or change): its Origin
        // names that site, not this server.
        if !same_origin(head) {
            return Err(Reply::error(403));
        }
        if matches!(page, Page::Masuk | Page::Keluar) {
            return Ok(None);
        }
        let Some(who) = self.guard.who(head.cookie(sesi::cookie_name(head.secure))) else {
            return Err(Reply::json(sunting::pesan(
                401,
                "Masuk dulu untuk mengubah SOP.",
            )));
        };
        if head.token.as_deref() != Some(who.token.as_str()) || who.token.is_empty() {
            return Err(Reply::json(sunting::pesan(
                403,
                "Permintaan ditolak (token tidak cocok); muat ulang halaman.",
            )));
        }
        // A certificate's password is not read off a network without TLS: refused
        // before its body is read.
        if matches!(page, Page::Sahkan(_))
            && let Some(reason) = alur::tanpa_tls(!self.network, head.secure)
        {
            return Err(Reply::json(sunting::pesan(403, reason)));
        }
        if !head
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/json"))
        {
            return Err(Reply::error(415));
        }
        Ok(Some(who))
    }

    /// Answers a request that changes something (POST), once [`Site::authorize`] let
    /// it through: a login, a logout, or a draft, a save or a new SOP of `who`.
    fn post(&self, page: Page, head: &Head, body: &[u8], client: &str, who: Option<Who>) -> Reply {
        let cookie = head.cookie(sesi::cookie_name(head.secure));
        match page {
            Page::Masuk => return self.login(body, client, head),
            Page::Keluar => {
                if self
                    .guard
                    .who(cookie)
                    .is_some_and(|w| head.token.as_deref() == Some(&w.token))
                {
                    self.guard.logout(cookie);
                }
                let mut r = Reply::redirect("/");
                r.headers
                    .push(("Set-Cookie", sesi::set_cookie("", head.secure)));
                return r;
            }
            _ => {}
        }
        let Some(who) = who else {
            return Reply::error(403);
        };
        let peran = self.peran(&who);
        // The history names an SOP file below the catalogue: its id.
        let berkas = |id: &str| format!("{id}.toml");
        let answer = match &page {
            Page::Draf(id) => self.with_file(id, |path| {
                sunting::body(body).map_or_else(|e| e, |k| sunting::draf(path, k, &self.settings))
            }),
            Page::Simpan(_) if !peran.contains(&Peran::Penyusun) => alur::bukan_penyusun(),
            Page::Simpan(id) => self.with_file(id, |path| {
                sunting::body(body).map_or_else(
                    |e| e,
                    |k| sunting::simpan(path, &self.root, &berkas(id), k, &who.pengguna),
                )
            }),
            Page::Baru if !peran.contains(&Peran::Penyusun) => alur::bukan_penyusun(),
            Page::Baru => self.new_sop(body, &who.pengguna),
            Page::Alur(id) => self.with_file(id, |path| {
                let name = berkas(id);
                let sop = alur::sop(&self.root, &name, path);
                alur::gerak(sop, &who.pengguna, &peran, body, &self.settings)
            }),
            Page::Sahkan(id) => self.with_file(id, |path| {
                let name = berkas(id);
                let sop = alur::sop(&self.root, &name, path);
                alur::sahkan(sop, &who.pengguna, &peran, body, &self.settings)
            }),
            Page::Katalog(id) => self.with_file(id, |path| {
                alur::katalog(path, &self.root, &who.pengguna, &peran, body)
            }),
            _ => (404, serde_json::json!({})),
        };
        if answer.0 == 200
            && let Page::Alur(id) | Page::Sahkan(id) | Page::Katalog(id) = &page
        {
            // Open pages of the SOP show its new stage.
            self.broadcast.send(format!(
                "{{\"sop\":{},\"versi\":0}}",
                serde_json::Value::String(id.clone())
            ));
        }
        Reply::json(answer)
    }

    /// The roles of `who`: every role on a loopback preview without login (the one person
    /// at this computer), else the account's roles read now, so a change of roles counts
    /// at once.
    fn peran(&self, who: &Who) -> Vec<Peran> {
        if !self.guard.needs_login() {
            return Peran::SEMUA.to_vec();
        }
        Akun::open(&self.root)
            .map(|a| a.peran(&who.pengguna))
            .unwrap_or_default()
    }

    /// Runs `f` on the file of SOP `id`, 404 when there is none.
    fn with_file(&self, id: &str, f: impl FnOnce(&std::path::Path) -> Answer) -> Answer {
        let path = catalogue::lock(&self.shared)
            .entries
            .get(id)
            .map(|e| e.path.clone());
        match path {
            Some(p) => f(&p),
            None => sunting::pesan(404, "SOP itu tidak ada di katalog."),
        }
    }

    /// Makes a new SOP from the form's name and folder, and records it in the history.
    fn new_sop(&self, body: &[u8], who: &str) -> Answer {
        let baru: sunting::Baru = match sunting::body(body) {
            Ok(b) => b,
            Err(e) => return e,
        };
        // The save lock first, as a save takes it, and the catalogue after: a new SOP
        // is made only when its history line can be written.
        let (folder, _kunci) = match sunting::kunci_baru(&self.root) {
            Ok(held) => held,
            Err(e) => return e,
        };
        let mut cat = catalogue::lock(&self.shared);
        if cat.single.is_some() {
            return sunting::pesan(
                400,
                "Buka pratinjau pada folder katalog untuk membuat SOP baru.",
            );
        }
        let path = match sunting::tempat_baru(&cat.folder, &baru) {
            Ok(p) => p,
            Err(e) => return e,
        };
        if let Err(e) = sunting::buat(&path, &baru) {
            return e;
        }
        let Some(id) = cat.add(&path) else {
            return sunting::pesan(500, "SOP baru tidak dapat dibuka.");
        };
        // The history is written under the save lock, never while the catalogue is held.
        drop(cat);
        let mut answer =
            serde_json::json!({ "alamat": format!("/sop/{}/ubah", html::url_path(&id)) });
        if let Some(peringatan) = sunting::catat_baru(&folder, &format!("{id}.toml"), &baru, who) {
            answer["peringatan"] = serde_json::json!(peringatan);
        }
        (200, answer)
    }

    /// Whether this request crossed the network in clear: its pages say so.
    fn in_clear(&self, head: &Head) -> bool {
        self.network && !head.secure
    }

    fn login(&self, body: &[u8], client: &str, head: &Head) -> Reply {
        let clear = self.in_clear(head);
        let fields = form_fields(body);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        // Back to the page that asked for the login, when it is one of this server's.
        let ke = kembali_ke(get("ke"));
        match self.guard.login(get("nama"), get("sandi"), client) {
            Ok(cookie) => {
                let mut r = Reply::redirect(ke.unwrap_or("/"));
                r.headers
                    .push(("Set-Cookie", sesi::set_cookie(&cookie, head.secure)));
                r
            }
            Err(LoginError::Wrong) => Reply::html(
                401,
                html::login_page(Some("Nama atau kata sandi salah."), ke, clear),
            ),
            Err(LoginError::Wait(w)) => {
                // Whole seconds, rounded up: a client that waits that long is let in.
                let secs = w.as_secs() + u64::from(w.subsec_nanos() > 0);
                let mut r = Reply::html(
                    429,
                    html::login_page(
                        Some(&format!(
                            "Terlalu banyak percobaan yang salah. Coba lagi {secs} detik lagi."
                        )),
                        ke,
                        clear,
                    ),
                );
                r.headers.push(("Retry-After", secs.to_string()));
                r
            }
            // The reason names files of the server: for its console, not for the page.
            Err(LoginError::Accounts(e)) => {
                eprintln!("error: akun tidak dapat dibaca: {e}");
                Reply::html(
                    500,
                    html::login_page(
                        Some("Akun tidak dapat dibaca di server. Beri tahu pengelola pratinjau."),
                        ke,
                        clear,
                    ),
                )
            }
        }
    }

    /// Who may edit, for a GET of an editor page.
    fn editor(&self, head: &Head) -> Option<Who> {
        self.guard.who(head.cookie(sesi::cookie_name(head.secure)))
    }

    /// Hands an event stream a thread of its own, unless [`gate::STREAMS`] are open, or
    /// [`gate::STREAMS_PER_ADDRESS`] from `peer`.
    fn open_events(&self, mut stream: Conn, peer: Option<IpAddr>) {
        let place = peer.and_then(|ip| self.streams.take(ip));
        let Some(place) = place else {
            return send(&mut stream, Reply::error(503), true);
        };
        let site = self.clone();
        // When no thread can be made, the stream is closed and its place given back.
        let _ = std::thread::Builder::new()
            .name("sopan-events".into())
            .stack_size(READER_STACK)
            .spawn(move || {
                site.events(stream);
                drop(place);
            });
    }

    fn reply(&self, page: Page, head: &Head) -> Reply {
        match page {
            Page::Masuk => {
                let ke = head
                    .target
                    .split_once('?')
                    .and_then(|(_, q)| {
                        form_fields(q.as_bytes())
                            .into_iter()
                            .find(|(k, _)| k == "ke")
                    })
                    .map(|(_, v)| v);
                return Reply::html(
                    200,
                    html::login_page(
                        None,
                        ke.as_deref().and_then(kembali_ke),
                        self.in_clear(head),
                    ),
                );
            }
            Page::Ubah(id) => {
                let Some(who) = self.editor(head) else {
                    return Reply::redirect(&format!(
                        "/masuk?ke=/sop/{}/ubah",
                        html::url_path(&id).replace('%', "%25")
                    ));
                };
                let cat = catalogue::lock(&self.shared);
                return match cat.entries.get(&id) {
                    Some(e) => Reply::html(200, html::editor_page(e, &who)),
                    None => Reply::error(404),
                };
            }
            Page::Formulir(id) => {
                let Some(who) = self.editor(head) else {
                    return Reply::json(sunting::pesan(401, "Masuk dulu untuk mengubah SOP."));
                };
                let peran = self.peran(&who);
                return Reply::json(self.with_file(&id, |p| {
                    let mut answer = sunting::formulir(p, &self.root, &self.settings);
                    let name = format!("{id}.toml");
                    let sop = alur::sop(&self.root, &name, p);
                    let tempat = alur::Tempat {
                        loopback: !self.network,
                        tls: head.secure,
                    };
                    alur::lengkapi(&mut answer, sop, &peran, tempat, &self.settings);
                    answer
                }));
            }
            Page::Verifikasi(kode) => {
                let root = catalogue::lock(&self.shared).watch_root.clone();
                let (status, body) = alur::verifikasi(&root, &kode, &self.settings);
                return Reply::html(status, body);
            }
            Page::VerifikasiPdf(kode) => {
                let root = catalogue::lock(&self.shared).watch_root.clone();
                return match alur::verifikasi_pdf(&root, &kode) {
                    Some((pdf, name)) => Reply {
                        status: 200,
                        content_type: "application/pdf",
                        body: pdf,
                        download: Some(name),
                        headers: Vec::new(),
                    },
                    None => Reply::error(404),
                };
            }
            // Right after start: rendered now rather than answered 404.
            Page::PageSvg(ref id, _) | Page::Pdf(ref id) => {
                catalogue::render_now(&self.shared, id, &self.broadcast, &self.settings);
            }
            _ => {}
        }
        let who = self.editor(head);
        // An SOP page's stage in the approval flow, read before the catalogue is locked:
        // it validates the file.
        let keadaan = match &page {
            Page::Sop(id) | Page::SopBody(id) => {
                let path = catalogue::lock(&self.shared)
                    .entries
                    .get(id)
                    .map(|e| e.path.clone());
                path.map(|p| {
                    let keadaan = crate::pengesahan::keadaan::baca(
                        alur::sop(&self.root, &format!("{id}.toml"), &p),
                        &self.settings,
                    );
                    let pemegang = alur::pemegang(&self.root, keadaan.tahap);
                    html::Tahapan { keadaan, pemegang }
                })
            }
            _ => None,
        };
        let cat = catalogue::lock(&self.shared);
        let sop = |id: &str| cat.entries.get(id);
        match page {
            Page::Index => Reply::html(
                200,
                html::index(
                    &cat,
                    who.as_ref(),
                    self.guard.needs_login(),
                    &alur::keadaan_semua(&cat, &self.root),
                ),
            ),
            Page::IndexList => Reply::html(
                200,
                html::index_list(&cat, &alur::keadaan_semua(&cat, &self.root)),
            ),
            Page::Style => Reply::asset("text/css; charset=utf-8", html::STYLE),
            Page::Icon => Reply::asset("image/svg+xml", html::ICON),
            Page::Script => Reply::asset("text/javascript; charset=utf-8", html::SCRIPT),
            Page::EditorScript => {
                Reply::asset("text/javascript; charset=utf-8", html::EDITOR_SCRIPT)
            }
            Page::Sop(id) => match sop(&id) {
                Some(e) => Reply::html(
                    200,
                    html::sop_page(
                        e,
                        who.is_some() || self.guard.needs_login(),
                        keadaan.as_ref(),
                    ),
                ),
                None => Reply::error(404),
            },
            Page::SopBody(id) => match sop(&id) {
                Some(e) => Reply::html(
                    200,
                    html::sop_body(
                        e,
                        who.is_some() || self.guard.needs_login(),
                        keadaan.as_ref(),
                    ),
                ),
                None => Reply::error(404),
            },
            Page::PageSvg(id, n) => match sop(&id).and_then(|e| e.good.as_ref()?.svgs.get(n - 1)) {
                Some(svg) => Reply::asset("image/svg+xml", svg),
                None => Reply::error(404),
            },
            Page::Pdf(id) => match sop(&id).and_then(|e| Some((e, e.good.as_ref()?))) {
                Some((e, good)) => Reply {
                    status: 200,
                    content_type: "application/pdf",
                    body: good.pdf.clone(),
                    download: Some(e.pdf_name()),
                    headers: Vec::new(),
                },
                None => Reply::error(404),
            },
            _ => Reply::error(404),
        }
    }

    /// Holds the connection open and writes one `data:` line per render.
    fn events(&self, mut out: Conn) {
        if out.set_write_timeout(Some(http::WRITE_TIMEOUT)).is_err() {
            return;
        }
        let messages = self.broadcast.subscribe();
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

/// Writes `reply` with the headers every answer carries.
fn send(stream: &mut Conn, reply: Reply, with_body: bool) {
    let mut headers = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".into()),
        ("X-Content-Type-Options", "nosniff".into()),
        ("X-Frame-Options", "DENY".into()),
        // `same-origin`: links to other sites carry no address, and a form posted to this
        // server still names its origin (`no-referrer` made browsers send `Origin: null`).
        ("Referrer-Policy", "same-origin".into()),
        (
            "Content-Security-Policy",
            "default-src 'none'; img-src 'self' blob:; style-src 'self'; script-src 'self'; \
             connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
                .into(),
        ),
    ];
    // HTTPS answered directly: the browser keeps to https:// for this host for a year.
    if stream.is_tls() {
        headers.push(("Strict-Transport-Security", "max-age=31536000".into()));
    }
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
        headers.push((
            "Content-Disposition",
            format!("attachment; filename=\"{safe}\""),
        ));
    }
    headers.extend(reply.headers);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    // A client that went away is not an error of the server.
    let _ = http::respond(stream, reply.status, &headers, &reply.body, with_body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_port_that_is_no_number_or_not_this_server_s_is_refused() {
        assert_eq!(host_port(Some("10.0.0.5:8123"), 8123, false, false), Ok(()));
        assert_eq!(host_port(Some("[::1]:8123"), 8123, false, false), Ok(()));
        assert_eq!(host_port(None, 8123, false, false), Ok(()));
        for bad in [
            "10.0.0.5:x",
            "10.0.0.5:",
            "10.0.0.5:+80",
            "10.0.0.5:99999",
            "[::1]x",
        ] {
            assert_eq!(host_port(Some(bad), 8123, false, false), Err(400), "{bad}");
        }
        assert_eq!(host_port(Some("10.0.0.5:80"), 8123, false, false), Err(403));
        // No port names the scheme's own: right only on a server on 80 or 443.
        assert_eq!(
            host_port(Some("sop.dinas.local"), 8123, false, false),
            Err(403)
        );
        assert_eq!(host_port(Some("[::1]"), 8123, false, true), Err(403));
        assert_eq!(host_port(Some("sop.dinas.local"), 80, false, false), Ok(()));
        assert_eq!(host_port(Some("sop.dinas.local"), 443, false, true), Ok(()));
        // The proxy names its own port.
        assert_eq!(
            host_port(Some("sop.dinas.local:443"), 8123, true, false),
            Ok(())
        );
        assert_eq!(
            host_port(Some("sop.dinas.local"), 8123, true, false),
            Ok(())
        );
    }

    #[test]
    fn an_http_origin_is_refused_over_https() {
        let mut head = post_from(Some("http://10.0.0.5:8123"), None);
        assert!(same_origin(&head));
        head.secure = true;
        assert!(!same_origin(&head));
        head.origin = Some("https://10.0.0.5:8123".into());
        assert!(same_origin(&head));
    }

    #[test]
    fn the_client_is_the_forwarded_address_only_from_the_proxy_and_only_when_readable() {
        let proxy = Some(IpAddr::from([127, 0, 0, 1]));
        let from = |peer, from_proxy, xff| client_address(peer, from_proxy, xff);
        assert_eq!(from(proxy, true, Some("203.0.113.9, 10.0.0.7")), "10.0.0.7");
        assert_eq!(from(proxy, true, Some("[2001:db8::5]:4711")), "2001:db8::5");
        // Not an address: the proxy's own, whatever the value.
        assert_eq!(from(proxy, true, Some("10.0.0.7, sampah-1")), "127.0.0.1");
        assert_eq!(from(proxy, true, Some("")), "127.0.0.1");
        // Not from the proxy: never believed.
        let other = Some(IpAddr::from([10, 0, 0, 66]));
        assert_eq!(from(other, false, Some("10.0.0.7")), "10.0.0.66");
    }

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

    /// A POST head from `origin` with `Sec-Fetch-Site: fetch_site`, to `host:8123`.
    fn post_from(origin: Option<&str>, fetch_site: Option<&str>) -> Head {
        Head {
            method: "POST".into(),
            target: "/masuk".into(),
            host: Some("10.0.0.5:8123".into()),
            cookie: None,
            token: None,
            content_type: None,
            origin: origin.map(Into::into),
            fetch_site: fetch_site.map(Into::into),
            content_length: Some(0),
            ..Head::default()
        }
    }

    #[test]
    fn a_login_goes_back_only_to_an_editor_page_of_this_server() {
        assert_eq!(
            kembali_ke("/sop/umum/renstra/ubah"),
            Some("/sop/umum/renstra/ubah")
        );
        assert_eq!(
            kembali_ke("/sop/umum/akta%20lahir/ubah"),
            Some("/sop/umum/akta%20lahir/ubah")
        );
        for bad in [
            "",
            "/",
            "https://evil.example/sop/x/ubah",
            "//evil.example/sop/x/ubah",
            "/sop//ubah",
            "/sop/../ubah",
            "/sop/umum/../../etc/ubah",
            "/sop/x/ubah?y",
            "/sop/x/ubah#y",
            "/sop/x\\y/ubah",
            "/sop/x",
        ] {
            assert_eq!(kembali_ke(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_login_posted_the_way_browsers_post_is_same_origin() {
        let ok = [
            (Some("http://10.0.0.5:8123"), None),
            (Some("http://10.0.0.5:8123"), Some("same-origin")),
            (Some("null"), Some("same-origin")),
            (None, Some("same-origin")),
            (None, None),
        ];
        for (origin, site) in ok {
            assert!(same_origin(&post_from(origin, site)), "{origin:?} {site:?}");
        }
        let refused = [
            (Some("http://evil.example"), None),
            (Some("http://evil.example"), Some("cross-site")),
            (Some("http://10.0.0.5:8123"), Some("cross-site")),
            (Some("http://10.0.0.5:9999"), Some("same-site")),
            (Some("null"), None),
            (Some("null"), Some("cross-site")),
            (None, Some("cross-site")),
            (None, Some("same-site")),
            (None, Some("none")),
            (Some("http://evil.example"), Some("same-origin")),
        ];
        for (origin, site) in refused {
            assert!(
                !same_origin(&post_from(origin, site)),
                "{origin:?} {site:?}"
            );
        }
    }
}
