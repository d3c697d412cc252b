//! The preview's two promises, measured: time from saving a file to the updated page
//! (median of 20 edits: write -> SSE event -> page body -> every page image fetched),
//! and the server's resident memory over 500 edits.
//!
//! Run with `cargo bench --bench preview`. Numbers go to stdout. The server runs in this
//! process, so VmRSS is the server's (plus a small HTTP client).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sopan::preview::{self, Options};

#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

fn get(addr: SocketAddr, target: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "{target}: {}",
        &text[..40.min(text.len())]
    );
    text
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Events(BufReader<TcpStream>);

impl Events {
    fn open(addr: SocketAddr) -> Self {
        let mut s = TcpStream::connect(addr).expect("connect");
        write!(s, "GET /events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        while !line.starts_with("retry:") {
            line.clear();
            r.read_line(&mut line).expect("event stream head");
        }
        Self(r)
    }

    fn wait(&mut self, sop: &str) {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.0.read_line(&mut line).expect("event");
            assert!(n > 0, "event stream closed");
            if line.starts_with("data: ") && line.contains(&format!("\"sop\":\"{sop}\"")) {
                return;
            }
        }
    }
}

/// Saves the SOP with a new name; returns once the page and all its images were fetched.
fn edit_and_fetch(
    addr: SocketAddr,
    events: &mut Events,
    file: &Path,
    original: &str,
    i: usize,
) -> (Duration, Duration) {
    let text = original.replacen(
        "nama = \"PENYUSUNAN LAKIP\"",
        &format!("nama = \"PENYUSUNAN LAKIP EDISI {i}\""),
        1,
    );
    let t = Instant::now();
    std::fs::write(file, text).expect("save");
    events.wait("perencanaan/lakip");
    let event = t.elapsed();
    let body = get(addr, "/sop/perencanaan/lakip/isi");
    assert!(body.contains(&format!("EDISI {i}<")), "page not updated");
    for src in body.split("<img src=\"").skip(1) {
        let url = src.split('"').next().unwrap_or("");
        get(addr, url);
    }
    (event, t.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/pagar-alam-dpmptsptk");
    let dir = std::env::temp_dir().join(format!("sopan-bench-preview-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&src, &dir);
    let file = dir.join("perencanaan/lakip.toml");
    let original = std::fs::read_to_string(&file).expect("lakip.toml");

    let server = preview::start(&Options {
        ..Options::loopback(dir.clone())
    })
    .expect("preview");
    let addr = server.addr();
    let t = Instant::now();
    while get(addr, "/daftar").contains("sedang dibuat") {
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("first render of {} SOPs: {:?}", 4, t.elapsed());
    let mut events = Events::open(addr);

    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    for i in 0..20 {
        let (e, p) = edit_and_fetch(addr, &mut events, &file, &original, i);
        to_event.push(e);
        to_page.push(p);
    }
    let sorted = {
        let mut s = to_page.clone();
        s.sort();
        s
    };
    println!(
        "save -> updated page (20 edits): median {:?} (min {:?}, max {:?}); save -> SSE event median {:?}",
        median(to_page),
        sorted[0],
        sorted[sorted.len() - 1],
        median(to_event)
    );

    let start_rss = rss_kib();
    println!("RSS after 20 edits: {} MiB", start_rss / 1024);
    for i in 20..500 {
        edit_and_fetch(addr, &mut events, &file, &original, i);
        if (i + 1) % 100 == 0 {
            println!("RSS after {} edits: {} MiB", i + 1, rss_kib() / 1024);
        }
    }
    println!("server RSS after 500 edits: {} MiB", rss_kib() / 1024);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
