//! The form editor, measured on every example: keystroke to updated sheet (one letter
//! typed into the first step's kegiatan, POST /draf answered with every page's SVG;
//! median and 90th percentile of 15 keystrokes per SOP) and save to file (POST /simpan
//! answered after the file is written atomically).
//!
//! Run with `cargo bench --bench penyunting`. Numbers go to stdout. The browser's own
//! part (decoding the SVGs) is measured by the Chromium test, which prints it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use sopan::preview::{self, Options};

#[path = "../tests/common/mod.rs"]
mod common;
use common::copy_dir;

fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("sopan-bench-penyunting-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&common::root().join("examples"), &dir);
    let mut all = Vec::new();
    let mut saves = Vec::new();
    println!("{:<58} {:>8} {:>8} {:>6}", "SOP", "median", "p90", "pages");
    for catalogue in [
        "kalbar-diskopukm",
        "kalbar-disnakertrans",
        "pagar-alam-dpmptsptk",
    ] {
        let root = dir.join(catalogue);
        let server = preview::start(&Options {
            ..Options::loopback(root.clone())
        })
        .expect("preview");
        let addr = server.addr();
        let files = sopan::source::sop_files(&root).expect("files");
        for file in files {
            let id = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .trim_end_matches(".toml")
                .to_string();
            let (_, page) = request(addr, "GET", &format!("/sop/{id}/ubah"), "", b"");
            let token = page
                .split("data-token=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .expect("token")
                .to_string();
            let headers = format!("Content-Type: application/json\r\nX-Sopan-Token: {token}\r\n");
            let text = std::fs::read_to_string(&file).unwrap();
            let mut form = sopan::editor::read(&text).unwrap();
            let mut times = Vec::new();
            let mut pages = 0;
            for k in 0..16 {
                let step = match form.langkah.first_mut() {
                    Some(s) => s,
                    None => form.prosedur[0].langkah.first_mut().unwrap(),
                };
                let kegiatan = step.teks.entry("kegiatan".into()).or_default();
                kegiatan.push(if k % 5 == 4 { ' ' } else { 'a' });
                let body = serde_json::json!({ "form": form, "dasar": text }).to_string();
                let t = Instant::now();
                let (status, answer) = request(
                    addr,
                    "POST",
                    &format!("/sop/{id}/draf"),
                    &headers,
                    body.as_bytes(),
                );
                let took = t.elapsed();
                assert_eq!(status, 200, "{answer}");
                let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
                pages = v["halaman"].as_array().map_or(0, Vec::len);
                assert!(pages > 0, "{id}: {answer}");
                if k > 0 {
                    times.push(took); // the first warms Typst's caches for this SOP
                }
            }
            let body = serde_json::json!({ "form": form, "dasar": text }).to_string();
            let t = Instant::now();
            let (status, answer) = request(
                addr,
                "POST",
                &format!("/sop/{id}/simpan"),
                &headers,
                body.as_bytes(),
            );
            saves.push(t.elapsed());
            assert_eq!(status, 200, "{answer}");
            let median = percentile(&mut times, 0.5);
            let p90 = percentile(&mut times, 0.9);
            println!(
                "{:<58} {:>6.0}ms {:>6.0}ms {:>6}",
                format!("{catalogue}/{id}"),
                median.as_secs_f64() * 1e3,
                p90.as_secs_f64() * 1e3,
                pages
            );
            all.extend(times);
        }
        server.stop();
    }
    let n = all.len();
    let median = percentile(&mut all, 0.5);
    let p90 = percentile(&mut all, 0.9);
    let save = percentile(&mut saves, 0.5);
    println!(
        "keystroke -> sheet over {n} keystrokes: median {:.0} ms, p90 {:.0} ms",
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
    println!(
        "save -> file written: median {:.1} ms over {} saves",
        save.as_secs_f64() * 1e3,
        saves.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
