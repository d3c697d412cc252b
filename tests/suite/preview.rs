//! `sopan preview`: routes, refused traversal, the error page, push on change over
//! Server-Sent Events, and the whole thing in a real headless Chromium.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::root;
use crate::peramban::{Browser, Chromium};
use sopan::preview::{self, Options, Preview};

/// A copy of part of the Pagar Alam catalogue (katalog.toml, images, the given SOPs).
pub(crate) fn catalogue(name: &str, sops: &[&str]) -> PathBuf {
    let src = root().join("examples/pagar-alam-dpmptsptk");
    let dir = std::env::temp_dir().join(format!("sopan-preview-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("perencanaan")).expect("temp folder");
    for f in ["katalog.toml", "logo.svg", "ttd-kadis.svg"] {
        std::fs::copy(src.join(f), dir.join(f)).expect("copy");
    }
    for s in sops {
        let f = format!("perencanaan/{s}.toml");
        std::fs::copy(src.join(&f), dir.join(&f)).expect("copy");
    }
    dir
}

pub(crate) fn start(path: &Path) -> Preview {
    preview::start(&Options {
        ..Options::loopback(path.to_path_buf())
    })
    .expect("preview starts")
}

/// A reply: status code, head and body.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One raw HTTP/1.1 request, the target sent exactly as given (no client normalisation).
pub(crate) fn request(addr: SocketAddr, method: &str, target: &str, host: &str) -> Reply {
    send(addr, method, target, &format!("Host: {host}\r\n"), b"")
}

/// One raw HTTP/1.1 request with the given header lines (each ending in CRLF) and body.
pub(crate) fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let length = if body.is_empty() {
        String::new()
    } else {
        format!("Content-Length: {}\r\n", body.len())
    };
    write!(
        s,
        "{method} {target} HTTP/1.1\r\n{headers}{length}Connection: close\r\n\r\n"
    )
    .unwrap();
    s.write_all(body).unwrap();
    // Read the head, then the body by Content-Length: DevTools keeps connections open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).expect("read reply");
        assert!(n > 0, "connection closed before the end of the head");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let length = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    });
    let mut body = raw[split + 4..].to_vec();
    match length {
        _ if method == "HEAD" => {}
        Some(len) => {
            while body.len() < len {
                let n = s.read(&mut buf).expect("read body");
                assert!(n > 0, "connection closed inside the body");
                body.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            s.read_to_end(&mut body).expect("read body");
        }
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    Reply { status, head, body }
}

pub(crate) fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target, &addr.to_string())
}

/// Waits until no SOP of the index is still being rendered for the first time.
pub(crate) fn wait_rendered(addr: SocketAddr) {
    let t = Instant::now();
    while get(addr, "/daftar").text().contains("sedang dibuat") {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "first render took too long"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An open `/events` stream.
struct Events {
    lines: BufReader<TcpStream>,
}

impl Events {
    fn open(addr: SocketAddr) -> Self {
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(s, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut lines = BufReader::new(s);
        let mut line = String::new();
        lines.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        // Read the head and the retry line, so the stream is surely subscribed.
        let mut ready = false;
        while !ready {
            line.clear();
            lines.read_line(&mut line).unwrap();
            ready = line.starts_with("retry:");
        }
        Self { lines }
    }

    /// The next `data:` payload naming `sop`, or None after `within`.
    fn next_for(&mut self, sop: &str, within: Duration) -> Option<String> {
        let end = Instant::now() + within;
        let mut line = String::new();
        loop {
            let left = end.checked_duration_since(Instant::now())?;
            self.lines
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .ok()?;
            line.clear();
            match self.lines.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            if let Some(data) = line.strip_prefix("data: ")
                && data.contains(&format!("\"sop\":\"{sop}\""))
            {
                return Some(data.trim().to_string());
            }
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read SOP");
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write SOP");
}

#[test]
fn routes_serve_the_index_pages_images_and_pdf() {
    let dir = catalogue("routes", &["lakip", "lppd"]);
    let server = start(&dir);
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    wait_rendered(addr);

    let index = get(addr, "/");
    assert_eq!(index.status, 200);
    let html = index.text();
    assert!(html.contains("PENYUSUNAN LAKIP") && html.contains("PENYUSUNAN LPPD"));
    assert!(html.contains("503/22/SOP.PRCN/DISPMPTSPTK/2024"));
    assert!(html.contains("<span class=\"lencana berlaku\">berlaku</span>"));
    assert!(html.contains("id=\"cari\""));
    assert!(index.head.contains("Content-Security-Policy"));

    let page = get(addr, "/sop/perencanaan/lakip").text();
    assert_eq!(
        page.matches("<img src=\"/sop/perencanaan/lakip/halaman/")
            .count(),
        2
    );
    assert!(page.contains("href=\"/sop/perencanaan/lakip/unduh.pdf\""));
    assert!(page.contains("Unduh PDF") && page.contains("Sebelum pengesahan"));

    let svg = get(addr, "/sop/perencanaan/lakip/halaman/2.svg?v=1");
    assert_eq!(svg.status, 200);
    assert!(svg.head.contains("image/svg+xml"));
    assert!(svg.text().starts_with("<svg"));
    assert_eq!(
        get(addr, "/sop/perencanaan/lakip/halaman/5.svg").status,
        404
    );

    let pdf = get(addr, "/sop/perencanaan/lakip/unduh.pdf");
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert!(pdf.head.contains("filename=\"lakip.pdf\""));

    assert_eq!(get(addr, "/gaya.css").status, 200);
    assert!(get(addr, "/pratinjau.js").text().contains("EventSource"));
    assert_eq!(get(addr, "/sop/perencanaan/tidak-ada").status, 404);
    assert_eq!(get(addr, "/katalog.toml").status, 404);
    assert_eq!(request(addr, "HEAD", "/", &addr.to_string()).status, 200);
    assert_eq!(request(addr, "POST", "/", &addr.to_string()).status, 405);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn traversal_and_foreign_hosts_are_refused() {
    let dir = catalogue("traversal", &["lakip"]);
    // A secret beside the catalogue that must never be served.
    std::fs::write(dir.join("perencanaan/rahasia.txt"), "RAHASIA").unwrap();
    let server = start(&dir);
    let addr = server.addr();
    for target in [
        "/../../../../etc/passwd",
        "/sop/../katalog.toml",
        "/sop/perencanaan/../../katalog.toml",
        "/sop/%2e%2e/%2e%2e/etc/passwd",
        "/sop/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/sop/..%5c..%5ckatalog.toml",
        "//etc/passwd",
        "/sop/perencanaan/lakip%00",
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 403, "{target}");
        assert!(!r.text().contains("root:"), "{target}");
    }
    for target in [
        "/etc/passwd",
        "/perencanaan/rahasia.txt",
        "/sop/perencanaan/rahasia.txt",
        "/sop/perencanaan/lakip.toml",
        "/logo.svg",
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.text().contains("RAHASIA"), "{target}");
    }
    assert_eq!(get(addr, "/sop/%zz").status, 400);
    // DNS rebinding: a page of another site that resolves to 127.0.0.1.
    assert_eq!(request(addr, "GET", "/", "jahat.example:80").status, 403);
    assert_eq!(
        request(addr, "GET", "/", &format!("localhost:{}", addr.port())).status,
        200
    );
    // A Host without a port names port 80, not this server's.
    assert_eq!(request(addr, "GET", "/", "localhost").status, 403);
    // Odd requests get an answer, never a crash.
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(b"\x00\x01garbage\r\n\r\n").unwrap();
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
    assert_eq!(get(addr, "/").status, 200, "server still answers");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The server cannot be knocked over from the machine: a huge header is cut off at 16 KB
/// with 431, idle connections are dropped after a few seconds, and open event streams
/// (capped at 32) never take the workers that answer pages.
#[test]
fn the_server_holds_against_floods() {
    let dir = catalogue("flood", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    // 32 MB of one header line: the server stops reading after 16 KB and answers 431,
    // so the client cannot even finish sending (a server that read it whole would let
    // it). The answer may be lost to the reset that follows; if it arrives, it is 431.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    let line = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX-Panjang: ");
    s.write_all(line.as_bytes()).unwrap();
    let sent = s.write_all(&vec![b'a'; 32 << 20]);
    assert!(sent.is_err(), "the server read 32 MB of header");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 431"),
        "{:?}",
        String::from_utf8_lossy(&answer[..answer.len().min(80)])
    );
    // Connections that send nothing: more than there are workers.
    let idle: Vec<TcpStream> = (0..12).map(|_| TcpStream::connect(addr).unwrap()).collect();
    // Event streams up to the cap of one address, then 503.
    let streams: Vec<Events> = (0..preview::gate::STREAMS_PER_ADDRESS)
        .map(|_| Events::open(addr))
        .collect();
    let t = Instant::now();
    assert_eq!(get(addr, "/events").status, 503);
    assert_eq!(get(addr, "/").status, 200, "pages are still answered");
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    // The idle connections were closed by the server.
    for mut c in idle {
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let mut sink = Vec::new();
        assert!(c.read_to_end(&mut sink).is_ok(), "closed, not timed out");
    }
    drop(streams);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn saving_pushes_an_event_and_errors_show_with_line_numbers() {
    let dir = catalogue("push", &["lakip"]);
    let sop = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut events = Events::open(addr);

    let saved = Instant::now();
    edit(
        &sop,
        "nama = \"PENYUSUNAN LAKIP\"",
        "nama = \"PENYUSUNAN LAKIP TERBARU\"",
    );
    let event = events.next_for("perencanaan/lakip", Duration::from_secs(20));
    let took = saved.elapsed();
    assert!(event.is_some(), "no event within 2 s of saving");
    eprintln!("save -> event: {took:?}");
    let page = get(addr, "/sop/perencanaan/lakip").text();
    assert!(page.contains("PENYUSUNAN LAKIP TERBARU"));
    let good_images = page.matches("<img ").count();
    assert_eq!(good_images, 2);

    // A typo in a lane name: the page shows the diagnostic with its line, the last good
    // render stays.
    edit(&sop, "pelaksana = \"KASUBBAG\"", "pelaksana = \"KASUBAG\"");
    assert!(
        events
            .next_for("perencanaan/lakip", Duration::from_secs(10))
            .is_some()
    );
    let body = get(addr, "/sop/perencanaan/lakip/isi").text();
    assert!(body.contains("Berkas ini berisi kesalahan"), "{body}");
    assert!(body.contains("pelaksana &quot;KASUBAG&quot; tidak ada di daftar pelaksana"));
    let line = std::fs::read_to_string(&sop)
        .unwrap()
        .lines()
        .position(|l| l.contains("KASUBAG\""))
        .unwrap()
        + 1;
    assert!(
        body.contains(&format!("lakip.toml:{line}:")) && body.contains(&format!("{line} │")),
        "line {line} missing from:\n{body}"
    );
    assert!(body.contains("hasil terakhir yang benar"));
    assert_eq!(body.matches("<img ").count(), good_images);
    let index = get(addr, "/daftar").text();
    assert!(index.contains("ada kesalahan"));
    // The PDF link still serves the last good render.
    assert!(
        get(addr, "/sop/perencanaan/lakip/unduh.pdf")
            .body
            .starts_with(b"%PDF-")
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn katalog_change_renders_every_sop_below_and_new_files_appear() {
    let dir = catalogue("katalog", &["lakip", "lppd"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut events = Events::open(addr);
    edit(
        &dir.join("katalog.toml"),
        "nama = \"GUNSONO MEKSON, SE, MM\"",
        "nama = \"\"",
    );
    let within = Duration::from_secs(30);
    assert!(events.next_for("perencanaan/lakip", within).is_some());
    assert!(events.next_for("perencanaan/lppd", within).is_some());

    let added = dir.join("perencanaan/baru.toml");
    let text = std::fs::read_to_string(dir.join("perencanaan/lppd.toml"))
        .unwrap()
        .replace("PENYUSUNAN LPPD", "SOP BARU UJI");
    std::fs::write(&added, text).unwrap();
    assert!(events.next_for("perencanaan/baru", within).is_some());
    assert!(get(addr, "/").text().contains("SOP BARU UJI"));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_changed_signature_image_renders_again() {
    let dir = catalogue("gambar", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut events = Events::open(addr);
    let ttd = dir.join("ttd-kadis.svg");
    let svg = std::fs::read_to_string(&ttd).expect("signature");
    std::fs::write(&ttd, svg.replace("<svg", "<svg data-edited=\"1\"")).expect("edit image");
    assert!(
        events
            .next_for("perencanaan/lakip", Duration::from_secs(30))
            .is_some(),
        "saving an image the SOP shows renders it again"
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_single_file_is_shown_at_its_own_page() {
    let dir = catalogue("single", &["lakip", "lppd"]);
    let server = start(&dir.join("perencanaan/lakip.toml"));
    assert!(server.url().ends_with("/sop/lakip"), "{}", server.url());
    let addr = server.addr();
    wait_rendered(addr);
    let index = get(addr, "/daftar").text();
    assert!(index.contains("PENYUSUNAN LAKIP") && !index.contains("PENYUSUNAN LPPD"));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn starting_on_a_missing_folder_says_so() {
    let err = preview::start(&Options {
        ..Options::loopback(PathBuf::from("/tidak/ada/folder"))
    })
    .err()
    .expect("refused");
    assert!(err.to_string().contains("tidak dapat membuka"), "{err}");
}

#[test]
fn browser_sees_pages_then_the_edit_then_the_error() {
    let dir = catalogue("browser", &["lakip", "lppd"]);
    let sop = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch("e2e");
    let base = format!("http://{addr}");

    // The SOP's pages as images, the review panel, the download link, a live connection.
    b.open(&format!("{base}/sop/perencanaan/lakip"));
    b.wait_for(
        "document.body.dataset.tersambung === 'ya' \
         && document.querySelectorAll('#halaman img').length === 2 \
         && Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
        Duration::from_secs(30),
    );
    assert_eq!(
        b.eval("document.querySelector('a.tombol[download]').textContent"),
        "Unduh PDF"
    );
    assert_eq!(
        b.eval("document.querySelector('#tinjauan').innerText.includes('Lengkap')"),
        true
    );
    b.screenshot("preview-1-halaman");

    // Saving the file updates the open page by itself, without a reload.
    let before = b.eval("document.querySelector('#halaman img').getAttribute('src')");
    b.eval("window.belumDimuatUlang = true");
    edit(
        &sop,
        "nama = \"PENYUSUNAN LAKIP\"",
        "nama = \"PENYUSUNAN LAKIP UJI PERAMBAN\"",
    );
    let took = b.wait_for(
        "document.querySelector('h1').textContent.includes('UJI PERAMBAN')",
        Duration::from_secs(10),
    );
    eprintln!("save -> page updated in the browser: {took:?}");
    assert_eq!(b.eval("window.belumDimuatUlang === true"), true);
    assert_ne!(
        b.eval("document.querySelector('#halaman img').getAttribute('src')"),
        before
    );
    b.wait_for(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)",
        Duration::from_secs(10),
    );
    b.screenshot("preview-2-diubah");

    // An injected mistake: the diagnostics appear with line numbers, the pages stay.
    edit(&sop, "pelaksana = \"KASUBBAG\"", "pelaksana = \"KASUBAG\"");
    b.wait_for(
        "!!document.querySelector('#galat pre') && document.querySelector('#galat pre')\
         .textContent.includes('pelaksana \"KASUBAG\" tidak ada di daftar pelaksana')",
        Duration::from_secs(10),
    );
    let diag = b.eval("document.querySelector('#galat pre').textContent");
    let line = std::fs::read_to_string(&sop)
        .unwrap()
        .lines()
        .position(|l| l.contains("KASUBAG\""))
        .unwrap()
        + 1;
    assert!(
        diag.as_str()
            .is_some_and(|d| d.contains(&format!("lakip.toml:{line}:"))),
        "{diag}"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('#halaman img').length"),
        2
    );
    b.screenshot("preview-3-galat");

    // The index: search by name narrows the list.
    b.open(&format!("{base}/"));
    b.wait_for(
        "document.readyState === 'complete' && document.body.dataset.tersambung === 'ya' \
         && document.querySelectorAll('#daftar tr[data-cari]').length === 2",
        Duration::from_secs(10),
    );
    let shown = b.eval(
        "(() => { const c = document.getElementById('cari'); c.value = 'lppd'; \
         c.dispatchEvent(new Event('input')); \
         return Array.from(document.querySelectorAll('#daftar tr[data-cari]')).filter(r => !r.hidden).length; })()",
    );
    assert_eq!(shown, 1);
    b.screenshot("preview-4-cari");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
