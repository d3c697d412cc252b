//! The second security review, kept as regression tests run against a started preview
//! (raw HTTP) or the binary: history forging, hostile names for new SOPs, server paths
//! on pages, connection exhaustion, sessions and logins on an office server, TLS, and
//! templates that run away or lie about their rows.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{SANDI_SARI, office, office_with, sopan};
use crate::preview::{Reply, catalogue, send, start, wait_rendered};
use sopan::editor::akun::Akun;
use sopan::preview::{self, Options};

const LAKIP: &str = "perencanaan/lakip";

fn host(addr: SocketAddr) -> String {
    format!("Host: 127.0.0.1:{}\r\n", addr.port())
}

/// The CSRF token of a loopback preview, from an editor page.
fn token(addr: SocketAddr) -> String {
    let page = send(addr, "GET", &format!("/sop/{LAKIP}/ubah"), &host(addr), b"").text();
    page.split("data-token=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a CSRF token in the page")
        .to_string()
}

/// The form of the SOP, and the text it was read from.
fn formulir(addr: SocketAddr) -> (Value, String) {
    let r = send(
        addr,
        "GET",
        &format!("/sop/{LAKIP}/formulir"),
        &host(addr),
        b"",
    );
    let f: Value = serde_json::from_slice(&r.body).expect("the form as JSON");
    (f["form"].clone(), f["dasar"].as_str().unwrap().to_string())
}

/// Posts `body` as JSON with the token to `target`.
fn post_json(addr: SocketAddr, target: &str, token: &str, body: &Value) -> Reply {
    let headers = format!(
        "{}Content-Type: application/json\r\nX-Sopan-Token: {token}\r\n",
        host(addr)
    );
    send(addr, "POST", target, &headers, body.to_string().as_bytes())
}

#[test]
fn history_cannot_be_forged_through_form_keys_or_reach_the_terminal_raw() {
    let dir = catalogue("keamanan-riwayat", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let token = token(addr);
    let (mut form, dasar) = formulir(addr);
    // A real change, and keys no form has: a forged second line, a terminal title
    // (OSC) and a screen clear.
    form["identitas"]["nama"] = json!("LAKIP BARU");
    let forged =
        "x\n2026-01-01 00:00:00 UTC  budi  rahasia.toml: semua dihapus\u{1b}]0;PWNED\u{7}\u{1b}[2J";
    form["identitas"][forged] = json!("1");
    form["langkah"][0]["teks"][forged] = json!("1");
    let r = post_json(
        addr,
        &format!("/sop/{LAKIP}/simpan"),
        &token,
        &json!({ "form": form, "dasar": dasar }),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    server.stop();
    let shown = sopan(["riwayat".as_ref(), dir.as_os_str()]);
    assert_eq!(shown.code, 0, "{}", shown.err);
    assert_eq!(shown.out.lines().count(), 1, "{}", shown.out);
    assert!(
        shown.out.ends_with(": nama\n") && !shown.out.contains("budi"),
        "{}",
        shown.out
    );
    // A line written by hand (or by an older sopan) is printed escaped, on one line.
    let history = dir.join(".sopan/riwayat.jsonl");
    let mut text = std::fs::read_to_string(&history).unwrap();
    text += &json!({
        "waktu": "2026-12-02T09:15:00Z",
        "pengguna": "sari\u{1b}]0;PWNED\u{7}",
        "berkas": "a\u{202e}lmth.toml",
        "ringkasan": format!("{forged}{}", "y".repeat(10_000)),
    })
    .to_string();
    text.push('\n');
    std::fs::write(&history, text).unwrap();
    let shown = sopan(["riwayat".as_ref(), dir.as_os_str()]);
    assert_eq!(shown.out.lines().count(), 2, "{}", shown.out);
    assert!(
        !shown.out.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "{:?}",
        shown.out
    );
    assert!(shown.out.contains("\\u{1b}]0;PWNED"), "{}", shown.out);
    assert!(shown.out.len() < 2000, "{} bytes", shown.out.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_new_sop_from_the_form_is_recorded_in_the_history() {
    let dir = catalogue("keamanan-baru-riwayat", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let token = token(addr);
    let baru = json!({ "bab": "perencanaan", "berkas": "renstra", "nama": "Penyusunan Renstra" });
    let r = post_json(addr, "/baru", &token, &baru);
    assert_eq!(r.status, 200, "{}", r.text());
    server.stop();
    let history = std::fs::read_to_string(dir.join(".sopan/riwayat.jsonl")).unwrap();
    let lines: Vec<Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{history}");
    assert_eq!(lines[0]["berkas"], "perencanaan/renstra.toml");
    assert_eq!(lines[0]["pengguna"], "(komputer ini)");
    assert!(
        lines[0]["ringkasan"]
            .as_str()
            .unwrap()
            .contains("Penyusunan Renstra")
    );
    let periksa = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(periksa.code, 0, "{}", periksa.err);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `sopan preview` process whose console (stderr) is kept in a file.
struct Konsol {
    child: std::process::Child,
    addr: SocketAddr,
    err: PathBuf,
}

impl Konsol {
    /// Starts `sopan preview DIR --port 0` and waits for its address.
    fn start(dir: &Path) -> Self {
        use std::io::BufRead;
        let err = dir.with_extension("konsol.txt");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
            .arg("preview")
            .arg(dir)
            .args(["--port", "0"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .expect("run sopan preview");
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let url = out
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("Pratinjau: http://").map(str::to_string))
            .expect("the preview's address");
        let port = url.split(['/', ':']).nth(1).unwrap().parse().unwrap();
        Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            err,
        }
    }

    /// What it printed on its console so far.
    fn err(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }
}

impl Drop for Konsol {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.err);
    }
}

/// A change is made only when its history line can be written: the second fresh
/// review saved through a planted history link and pipe, unrecorded. The refusal is
/// told on the server's console too.
#[test]
fn a_history_that_cannot_be_written_stops_the_change_and_is_told_on_the_console() {
    let dir = catalogue("keamanan-riwayat-gagal", &["lakip"]);
    // A folder where the history file should be: no line can be written.
    std::fs::create_dir_all(dir.join(".sopan/riwayat.jsonl")).unwrap();
    let before = std::fs::read(dir.join(format!("{LAKIP}.toml"))).unwrap();
    let server = Konsol::start(&dir);
    let addr = server.addr;
    wait_rendered(addr);
    let token = token(addr);
    let (mut form, dasar) = formulir(addr);
    form["identitas"]["nama"] = json!("LAKIP BARU");
    let body = json!({ "form": form, "dasar": dasar });
    let r = post_json(addr, &format!("/sop/{LAKIP}/simpan"), &token, &body);
    assert_eq!(r.status, 500, "{}", r.text());
    assert!(
        r.text().contains("tidak disimpan: riwayat perubahan"),
        "{}",
        r.text()
    );
    assert_eq!(
        std::fs::read(dir.join(format!("{LAKIP}.toml"))).unwrap(),
        before,
        "the SOP is unchanged"
    );
    let baru = json!({ "bab": "perencanaan", "berkas": "renstra", "nama": "" });
    let r = post_json(addr, "/baru", &token, &baru);
    assert_eq!(r.status, 500, "{}", r.text());
    assert!(!dir.join("perencanaan/renstra.toml").exists(), "no new SOP");
    let err = server.err();
    for berkas in ["perencanaan/lakip.toml", "SOP baru"] {
        assert!(
            err.lines().any(|l| l.starts_with("peringatan: ")
                && l.contains(berkas)
                && l.contains("riwayat perubahan")),
            "{err}"
        );
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn loose_modes_of_sopan_and_the_accounts_are_warned_at_preview_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = catalogue("keamanan-izin", &["lakip"]);
    let mut akun = Akun::open(&dir).unwrap();
    akun.set("sari", SANDI_SARI).unwrap();
    akun.save().unwrap();
    let set = |p: PathBuf, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    set(dir.join(".sopan"), 0o755);
    set(dir.join(".sopan/pengguna.toml"), 0o644);
    // It still starts, and says what to do.
    let server = Konsol::start(&dir);
    let err = server.err();
    assert!(
        err.contains("peringatan: berkas akun") && err.contains("chmod 600"),
        "{err}"
    );
    // The folder was this user's: opening it made it private, and that is said.
    assert!(
        err.contains("peringatan: folder") && err.contains("sudah diubah menjadi 0700"),
        "{err}"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn new_sop_names_that_windows_reserves_or_that_only_look_latin_are_refused() {
    let dir = catalogue("keamanan-baru", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let token = token(addr);
    let baru = |berkas: &str| {
        post_json(
            addr,
            "/baru",
            &token,
            &json!({ "bab": "perencanaan", "berkas": berkas }),
        )
    };
    for name in [
        "CON",
        "con",
        "nul",
        "Aux",
        "prn.toml",
        "COM1",
        "lpt9",
        // Cyrillic а, Greek ο, full-width l, a combining accent.
        "l\u{430}kip",
        "rekap-\u{3bf}k",
        "\u{ff4c}akip",
        "cafe\u{301}",
    ] {
        let r = baru(name);
        assert_eq!(r.status, 400, "{name}: {}", r.text());
        let pesan: Value = serde_json::from_slice(&r.body).unwrap();
        assert!(pesan["pesan"].as_str().is_some(), "{name}: {pesan}");
    }
    let r = baru("CON");
    assert!(
        r.text().contains("nama perangkat di Windows"),
        "{}",
        r.text()
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("perencanaan"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, ["lakip.toml"], "nothing new was made");
    assert_eq!(baru("console-2024").status, 200);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

fn loopback(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

fn office_host(addr: SocketAddr) -> String {
    format!("Host: 10.1.2.3:{}\r\n", addr.port())
}

fn login(addr: SocketAddr, nama: &str, sandi: &str) -> Reply {
    send(
        addr,
        "POST",
        "/masuk",
        &format!(
            "{}Content-Type: application/x-www-form-urlencoded\r\n",
            office_host(addr)
        ),
        format!("nama={nama}&sandi={}", sandi.replace(' ', "+")).as_bytes(),
    )
}

#[test]
fn every_page_of_a_network_preview_without_https_warns_not_only_login() {
    let dir = catalogue("keamanan-tanpa-https", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    wait_rendered(addr);
    let cookie = set_cookie(&login(addr, "sari", SANDI_SARI));
    let cookie = cookie.split(';').next().unwrap();
    let get = |target: &str| {
        let headers = format!("{}Cookie: {cookie}\r\n", office_host(addr));
        send(addr, "GET", target, &headers, b"")
    };
    for target in ["/", &format!("/sop/{LAKIP}"), &format!("/sop/{LAKIP}/ubah")] {
        let page = get(target);
        assert_eq!(page.status, 200, "{target}");
        assert_eq!(
            page.text().matches("tanpa-https-halaman").count(),
            1,
            "{target}: {}",
            page.text()
        );
    }
    // The login page keeps its one warning, beside the password.
    let masuk = get("/masuk").text();
    assert!(masuk.contains("id=\"tanpa-https\"") && !masuk.contains("tanpa-https-halaman"));
    server.stop();
    // On loopback nothing crosses the network: no warning.
    let local = start(&dir);
    let page = send(local.addr(), "GET", "/", &host(local.addr()), b"");
    assert!(!page.text().contains("tanpa-https"), "{}", page.text());
    local.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_server_path_on_pages_a_visitor_sees_or_the_login_error() {
    let dir = catalogue("keamanan-jalur", &["lakip"]);
    std::fs::write(
        dir.join("perencanaan/rusak.toml"),
        "nomor = \"1\"\nnama = 5\n[instansi]\nlogo = \"tidak-ada.png\"\n",
    )
    .unwrap();
    let server = office(&dir);
    let addr = loopback(server.addr());
    wait_rendered(addr);
    let secret = dir.display().to_string();
    for target in [
        "/",
        "/daftar",
        "/sop/perencanaan/rusak",
        "/sop/perencanaan/rusak/isi",
        "/masuk",
    ] {
        let r = send(addr, "GET", target, &office_host(addr), b"");
        let text = r.text();
        assert!(!text.contains(&secret), "{target}: {text}");
        assert!(!text.contains("/tmp/"), "{target}: {text}");
    }
    let page = send(
        addr,
        "GET",
        "/sop/perencanaan/rusak",
        &office_host(addr),
        b"",
    )
    .text();
    assert!(page.contains("perencanaan/rusak.toml:2:"), "{page}");
    // The login page of a server whose accounts file is broken.
    std::fs::write(dir.join(".sopan/pengguna.toml"), "[[[ rusak").unwrap();
    let r = login(addr, "sari", SANDI_SARI);
    assert_eq!(r.status, 500);
    assert!(
        !r.text().contains(&secret) && !r.text().contains("pengguna.toml"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("Beri tahu pengelola"), "{}", r.text());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_nama_too_long_for_pdf_a_is_refused_with_its_place_and_the_port_in_indonesian() {
    let dir = catalogue("keamanan-nama-panjang", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.starts_with("nama = ")).unwrap() + 1;
    let long = text
        .lines()
        .map(|l| {
            if l.starts_with("nama = ") {
                format!("nama = \"{}\"", "\u{200b}".repeat(19_990))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, long).unwrap();
    let pdf = dir.join("lakip.pdf");
    let run = sopan([
        "render".as_ref(),
        path.as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains(&format!("lakip.toml:{line}:8"))
            && run.err.contains("\"nama\" terlalu panjang")
            && run.err.contains("hint:"),
        "{}",
        run.err
    );
    assert!(!run.err.contains("PDF/A-2b error"), "{}", run.err);
    assert!(!pdf.exists());
    let run = sopan(["preview", "x", "--port", "70000"]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(
        run.err.contains("70000 di luar batas") && !run.err.contains("is not in"),
        "{}",
        run.err
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the binary as a clerk would: no developer's RUST_BACKTRACE.
fn clerk(args: &[&std::ffi::OsStr]) -> crate::common::Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run sopan");
    crate::common::Run {
        code: output.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What Rust prints for a panic, none of which a clerk should see.
fn no_raw_panic(err: &str) {
    for raw in [
        "panicked at",
        "RUST_BACKTRACE",
        "src/",
        "thread '",
        "stack backtrace",
    ] {
        assert!(!err.contains(raw), "{raw:?} in: {err}");
    }
}

#[test]
fn a_template_with_impossible_row_markers_is_refused_without_a_panic() {
    let dir = catalogue("keamanan-penanda", &["lakip"]);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    // Markers for the first step only: the router would index rows that are not there.
    let alur = include_str!("../../templates/alur.typ")
        .replace(
            "place(top + left, [#metadata((p: pi, s: si, e: 0)) <sopan-row>])",
            "if si == 0 { place(top + left, [#metadata((p: pi, s: si, e: 0)) <sopan-row>]) }",
        )
        .replace(
            "place(bottom + left, [#metadata((p: pi, s: si, e: 1)) <sopan-row>])",
            "if si == 0 { place(bottom + left, [#metadata((p: pi, s: si, e: 1)) <sopan-row>]) }",
        );
    assert!(alur.contains("if si == 0"), "the marker lines moved");
    std::fs::write(dir.join("templates/alur.typ"), alur).unwrap();
    let sop = dir.join("perencanaan/lakip.toml");
    let pdf = dir.join("lakip.pdf");
    let run = clerk(&[
        "render".as_ref(),
        sop.as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains("lembarnya menandai 1 baris") && run.err.contains("templates/alur.typ"),
        "{}",
        run.err
    );
    assert!(!run.err.contains("bug sopan"), "{}", run.err);
    no_raw_panic(&run.err);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_panic_reaches_the_clerk_as_one_line_of_sopan_s_own() {
    let dir = catalogue("keamanan-panik", &["lakip"]);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    // Typst 0.15.1 panics in its layout on this (typst/typst#7639).
    std::fs::write(
        dir.join("templates/kop.typ"),
        "#let kop(d) = figure({\n  show: pad.with(50%)\n  show: block.with(inset: 1cm)\n  \
         grid(h(1fr), stack())\n})\n",
    )
    .unwrap();
    let sop = dir.join("perencanaan/lakip.toml");
    let pdf = dir.join("lakip.pdf");
    let run = clerk(&[
        "render".as_ref(),
        sop.as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert_eq!(run.err.lines().count(), 1, "{}", run.err);
    assert!(run.err.contains("bug sopan"), "{}", run.err);
    no_raw_panic(&run.err);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Renders the SOP of a catalogue whose `templates/kop.typ` is `kop`, as a clerk would.
fn render_with_kop(name: &str, kop: &str) -> (crate::common::Run, std::time::Duration) {
    let dir = catalogue(name, &["lakip"]);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/kop.typ"), kop).unwrap();
    let sop = dir.join("perencanaan/lakip.toml");
    let pdf = dir.join("lakip.pdf");
    let t = std::time::Instant::now();
    let run = clerk(&[
        "render".as_ref(),
        sop.as_os_str(),
        "-o".as_ref(),
        pdf.as_os_str(),
    ]);
    let took = t.elapsed();
    assert!(!pdf.exists());
    let _ = std::fs::remove_dir_all(&dir);
    (run, took)
}

#[test]
fn a_catalogue_template_that_takes_the_memory_is_stopped() {
    // An array of 400 million zeros, made at memory speed: some 6 GB if let run.
    let (run, took) = render_with_kop(
        "keamanan-templat-memori",
        "#let kop(d) = { let a = (0,) * 400000000; [#a.len()] }\n",
    );
    assert_eq!(run.code, 1, "{}", run.err);
    // Alone it is stopped for its memory in seconds; on a machine busy enough that
    // 3 GB take longer than 30 s to fill, its time stops it first.
    assert!(
        run.err.contains("lakip.toml (templates/kop.typ)")
            && (run.err.contains("memakai memori lebih dari 3 GB")
                || run.err.contains("berjalan lebih dari 30 detik"))
            && run.err.contains("hint:"),
        "{}",
        run.err
    );
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
    // The largest child this test process waited for stayed near the limit.
    // SAFETY: getrusage fills the zeroed struct it is given.
    let peak_kb = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss
    };
    assert!(peak_kb < 4 << 20, "{peak_kb} KB");
    no_raw_panic(&run.err);
}

#[test]
fn a_catalogue_template_that_runs_for_ever_is_stopped() {
    // Two thousand five hundred million rounds of a loop that keeps no data.
    let (run, took) = render_with_kop(
        "keamanan-templat-waktu",
        "#let kop(d) = { let n = 0; for i in range(50000) { for j in range(50000) { n += 1 } }; [#n] }\n",
    );
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains("berjalan lebih dari 30 detik"),
        "{}",
        run.err
    );
    assert!(took < std::time::Duration::from_secs(45), "{took:?}");
}

/// A connection to `to` from the loopback address `from` (all of 127/8 is this computer).
fn connect_from(from: [u8; 4], to: SocketAddr) -> std::net::TcpStream {
    use std::os::fd::FromRawFd;
    let SocketAddr::V4(to) = to else {
        panic!("IPv4 only")
    };
    let sockaddr = |ip: [u8; 4], port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_ne_bytes(ip),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: a new socket, owned by the TcpStream made from it; both addresses are
    // valid sockaddr_in values of the length given.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0, "socket");
        let stream = std::net::TcpStream::from_raw_fd(fd);
        let local = sockaddr(from, 0);
        let bound = libc::bind(fd, (&raw const local).cast(), len);
        assert_eq!(bound, 0, "bind {from:?}");
        let remote = sockaddr(to.ip().octets(), to.port());
        let connected = libc::connect(fd, (&raw const remote).cast(), len);
        assert_eq!(connected, 0, "connect");
        stream
    }
}

#[test]
fn half_sent_requests_from_one_address_leave_the_others_served() {
    use std::io::{Read, Write};
    let dir = catalogue("keamanan-sambungan", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    // 80 requests from 127.0.0.2, each stopped before the end of its head.
    let held: Vec<_> = (0..80)
        .map(|_| {
            let mut s = connect_from([127, 0, 0, 2], addr);
            // Those refused at once are closed already.
            let _ = s.write_all(format!("GET / HTTP/1.1\r\n{}", host(addr)).as_bytes());
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // Another computer is still served while they are held.
    let t = std::time::Instant::now();
    let r = send(addr, "GET", "/", &host(addr), b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        t.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        t.elapsed()
    );
    // Beyond its share and a short wait, the holder is answered 503 at once: no idle
    // socket of it is queued without a limit.
    let refused = held
        .into_iter()
        .filter_map(|mut s| {
            s.set_read_timeout(Some(std::time::Duration::from_millis(50)))
                .unwrap();
            let mut buf = [0u8; 12];
            s.read_exact(&mut buf).ok()?;
            Some(buf)
        })
        .filter(|b| b.starts_with(b"HTTP/1.1 503"))
        .count();
    assert_eq!(refused, 80 - preview::gate::READERS_PER_ADDRESS);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// How long 127.0.0.1 waits for the index while `hosts` other loopback addresses
/// (127.0.0.2, ...) each hold `each` connections with a half-sent request head, or a
/// login whose body never comes.
fn wait_beside_stalling_hosts(addr: SocketAddr, hosts: u8, each: usize) -> std::time::Duration {
    use std::io::Write;
    let held: Vec<_> = (0..hosts)
        .flat_map(|h| (0..each).map(move |n| (h, n)))
        .map(|(h, n)| {
            let mut s = connect_from([127, 0, 0, 2 + h], addr);
            let sent = if n % 2 == 0 {
                format!("GET / HTTP/1.1\r\n{}", host(addr))
            } else {
                format!(
                    "POST /masuk HTTP/1.1\r\n{}Content-Type: application/x-www-form-urlencoded\r\n\
                     Content-Length: 100\r\n\r\nnama=",
                    host(addr)
                )
            };
            let _ = s.write_all(sent.as_bytes());
            s
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t = std::time::Instant::now();
    let r = send(addr, "GET", "/", &host(addr), b"");
    let took = t.elapsed();
    assert_eq!(r.status, 200, "{}", r.text());
    drop(held);
    // The server lets the dropped connections go before the next round.
    std::thread::sleep(std::time::Duration::from_millis(300));
    took
}

#[test]
fn half_sent_requests_from_several_addresses_leave_the_others_served() {
    let dir = catalogue("keamanan-banyak-alamat", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let waits: Vec<_> = [2, 4, 8]
        .into_iter()
        .map(|hosts| (hosts, wait_beside_stalling_hosts(addr, hosts, 6)))
        .collect();
    // (stalling hosts, how long 127.0.0.1 waited)
    assert!(
        waits
            .iter()
            .all(|(_, took)| *took < std::time::Duration::from_secs(1)),
        "{waits:?}"
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The status an event stream opened from the loopback address `from` is answered,
/// and the stream, held open.
fn open_events_from(from: [u8; 4], addr: SocketAddr) -> (u16, std::net::TcpStream) {
    use std::io::{Read, Write};
    let mut s = connect_from(from, addr);
    write!(s, "GET /events HTTP/1.1\r\n{}\r\n", host(addr)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut status = [0u8; 12];
    s.read_exact(&mut status).unwrap();
    let code = String::from_utf8_lossy(&status[9..12]).parse().unwrap();
    (code, s)
}

#[test]
fn event_streams_from_one_address_are_capped_below_the_total() {
    let dir = catalogue("keamanan-sse", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let held: Vec<_> = (0..preview::gate::STREAMS_PER_ADDRESS)
        .map(|_| open_events_from([127, 0, 0, 2], addr))
        .collect();
    assert!(held.iter().all(|(code, _)| *code == 200));
    assert_eq!(open_events_from([127, 0, 0, 2], addr).0, 503);
    assert_eq!(
        open_events_from([127, 0, 0, 1], addr).0,
        200,
        "another address"
    );
    drop(held);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Found by the second fresh review: four addresses, each at its cap of event streams,
/// held every stream of the server, so no other computer's pages updated.
#[test]
fn event_streams_of_several_addresses_at_their_cap_leave_room_for_another() {
    let dir = catalogue("keamanan-sse-banyak", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let held: Vec<_> = (2..10u8)
        .flat_map(|host| {
            (0..preview::gate::STREAMS_PER_ADDRESS)
                .map(move |_| open_events_from([127, 0, 0, host], addr))
        })
        .collect();
    assert!(held.iter().all(|(code, _)| *code == 200));
    assert_eq!(
        open_events_from([127, 0, 0, 1], addr).0,
        200,
        "another computer"
    );
    drop(held);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_editor_loads_an_sop_whose_name_holds_hash_or_question_mark() {
    use crate::peramban::{Browser, Chromium};
    let dir = catalogue("keamanan-pagar", &["lakip"]);
    std::fs::rename(
        dir.join("perencanaan/lakip.toml"),
        dir.join("perencanaan/lakip#2?.toml"),
    )
    .unwrap();
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch("keamanan-pagar");
    b.open(&format!(
        "http://{addr}/sop/perencanaan/{}/ubah",
        preview::html::url_path("lakip#2?")
    ));
    // The form and its draft came from the SOP's own addresses.
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img')",
        std::time::Duration::from_secs(30),
    );
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A test CA, and a certificate for 127.0.0.1 and localhost signed by it, made by
/// openssl (installed by .ci/run) in a new folder: (folder, CA, certificate, key).
fn certificates(name: &str) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("sopan-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(&dir)
            .args(args)
            .output()
            .expect("openssl is installed (.ci/run)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"],
            &ec[..],
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=Uji CA",
                "-days",
                "2",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"],
            &ec[..],
            &[
                "-keyout",
                "key.pem",
                "-out",
                "req.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         extendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "req.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let (ca, cert, key) = (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    );
    (dir, ca, cert, key)
}

/// One HTTPS request to `addr` trusting only the CA `ca`: the whole answer, as text.
fn https(addr: SocketAddr, ca: &Path, request: &str) -> Reply {
    https_from([127, 0, 0, 1], addr, ca, request)
}

/// One request over HTTPS from the loopback address `from`.
fn https_from(from: [u8; 4], addr: SocketAddr, ca: &Path, request: &str) -> Reply {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
    use std::io::{Read, Write};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::from(addr.ip());
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let tcp = connect_from(from, addr);
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(request.as_bytes())
        .expect("handshake and request");
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw)
        .expect("an answer ended by close_notify");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    Reply {
        status: head[9..12].parse().unwrap(),
        head: head.to_string(),
        body: body.as_bytes().to_vec(),
    }
}

fn set_cookie(r: &Reply) -> String {
    r.head
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .unwrap_or_default()
        .to_string()
}

/// A preview serving HTTPS on loopback, with `name`'s certificates; returns the folder
/// of certificates and the CA's file too.
fn https_preview(name: &str, dir: &Path) -> (preview::Preview, PathBuf, PathBuf) {
    let (certs, ca, cert, key) = certificates(name);
    let server = preview::start(&Options {
        path: dir.to_path_buf(),
        host: "127.0.0.1".into(),
        port: 0,
        host_names: Vec::new(),
        wajib_masuk: false,
        settings: Default::default(),
        tls: Some(preview::Tls {
            sertifikat: cert,
            kunci: key,
        }),
        proxy: None,
    })
    .expect("preview starts");
    (server, certs, ca)
}

#[test]
fn https_connections_over_the_cap_are_told_503_not_closed_bare() {
    let dir = catalogue("keamanan-tls-penuh", &["lakip"]);
    let (server, certs, ca) = https_preview("keamanan-tls-penuh", &dir);
    let addr = server.addr();
    let get = format!("GET / HTTP/1.1\r\n{}Connection: close\r\n\r\n", host(addr));
    // Connections from 127.0.0.2 that never start their handshake.
    let held: Vec<_> = (0..preview::gate::READERS_PER_ADDRESS)
        .map(|_| connect_from([127, 0, 0, 2], addr))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(https_from([127, 0, 0, 2], addr, &ca, &get).status, 503);
    assert_eq!(https(addr, &ca, &get).status, 200, "another address");
    drop(held);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&certs);
}

#[test]
fn hsts_is_sent_on_https_answers_only() {
    let dir = catalogue("keamanan-hsts", &["lakip"]);
    let (server, certs, ca) = https_preview("keamanan-hsts", &dir);
    let addr = server.addr();
    let get = format!("GET / HTTP/1.1\r\n{}Connection: close\r\n\r\n", host(addr));
    let r = https(addr, &ca, &get);
    assert!(
        r.head
            .lines()
            .any(|l| l == "Strict-Transport-Security: max-age=31536000"),
        "{}",
        r.head
    );
    server.stop();
    let plain = start(&dir);
    let r = send(plain.addr(), "GET", "/", &host(plain.addr()), b"");
    assert!(!r.head.contains("Strict-Transport-Security"), "{}", r.head);
    plain.stop();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&certs);
}

#[test]
fn two_host_headers_or_a_host_port_not_this_server_s_are_refused() {
    let dir = catalogue("keamanan-host", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    let two = format!("{}Host: 127.0.0.1:{}\r\n", host(addr), addr.port());
    assert_eq!(send(addr, "GET", "/", &two, b"").status, 400);
    let word = "Host: 127.0.0.1:http\r\n";
    assert_eq!(send(addr, "GET", "/", word, b"").status, 400);
    let other = format!("Host: 127.0.0.1:{}\r\n", addr.port().wrapping_add(1));
    assert_eq!(send(addr, "GET", "/", &other, b"").status, 403);
    assert_eq!(send(addr, "GET", "/", &host(addr), b"").status, 200);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn https_login_sets_a_secure_host_cookie_and_plain_http_is_told_https() {
    let dir = catalogue("keamanan-tls", &["lakip"]);
    let (certs, ca, cert, key) = certificates("keamanan-tls");
    let mut akun = Akun::open(&dir).unwrap();
    akun.set("sari", SANDI_SARI).unwrap();
    akun.save().unwrap();
    let mut options = Options {
        path: dir.clone(),
        host: "127.0.0.1".into(),
        port: 0,
        host_names: Vec::new(),
        wajib_masuk: true,
        settings: Default::default(),
        tls: Some(preview::Tls {
            sertifikat: cert.clone(),
            kunci: cert.clone(),
        }),
        proxy: None,
    };
    // A key file that holds no key is named, with a hint.
    let err = preview::start(&options).err().expect("refused").to_string();
    assert!(
        err.contains("kunci privat") && err.contains("cert.pem") && err.contains("hint:"),
        "{err}"
    );
    options.tls = Some(preview::Tls {
        sertifikat: cert,
        kunci: key,
    });
    let server = preview::start(&options).expect("preview starts");
    let addr = server.addr();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    assert_eq!(server.peringatan(), None);

    let page = https(
        addr,
        &ca,
        &format!("GET /masuk HTTP/1.1\r\n{}\r\n", host(addr)),
    );
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("tanpa-https"), "{}", page.text());
    let form = format!("nama=sari&sandi={}", SANDI_SARI.replace(' ', "+"));
    let login = https(
        addr,
        &ca,
        &format!(
            "POST /masuk HTTP/1.1\r\n{}Origin: https://127.0.0.1:{}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            host(addr),
            addr.port(),
            form.len()
        ),
    );
    assert_eq!(login.status, 303, "{}", login.text());
    let cookie = set_cookie(&login);
    assert!(
        cookie.starts_with("__Host-sopan_sesi=")
            && cookie.contains("; Path=/")
            && cookie.contains("; HttpOnly")
            && cookie.contains("; SameSite=Strict")
            && cookie.ends_with("; Secure")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let index = |cookie: &str| {
        https(
            addr,
            &ca,
            &format!("GET / HTTP/1.1\r\n{}Cookie: {cookie}\r\n\r\n", host(addr)),
        )
        .text()
    };
    assert!(index(session).contains("id=\"keluar\""), "logged in");
    let value = session.split_once('=').unwrap().1;
    assert!(
        !index(&format!("sopan_sesi={value}")).contains("id=\"keluar\""),
        "the plain cookie name is not the session over HTTPS"
    );

    // Plain HTTP to the HTTPS port: a short answer naming https://, then the server
    // goes on serving HTTPS.
    let plain = send(addr, "GET", "/", &host(addr), b"");
    assert_eq!(plain.status, 400);
    assert!(plain.text().contains("https://"), "{}", plain.text());
    assert!(index(session).contains("id=\"keluar\""));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&certs);
}

#[test]
fn forwarded_proto_is_believed_only_from_the_configured_proxy() {
    let dir = catalogue("keamanan-proxy", &["lakip"]);
    let mut akun = Akun::open(&dir).unwrap();
    akun.set("sari", SANDI_SARI).unwrap();
    akun.save().unwrap();
    let behind = |proxy: Option<std::net::IpAddr>| {
        preview::start(&Options {
            host: "0.0.0.0".into(),
            proxy,
            ..Options::loopback(dir.clone())
        })
        .expect("preview starts")
    };
    let https_header = "X-Forwarded-Proto: https\r\n";
    let login_via = |addr: SocketAddr, forwarded: &str| {
        let form = format!("nama=sari&sandi={}", SANDI_SARI.replace(' ', "+"));
        send(
            loopback(addr),
            "POST",
            "/masuk",
            &format!(
                "{}{forwarded}Content-Type: application/x-www-form-urlencoded\r\n",
                office_host(addr)
            ),
            form.as_bytes(),
        )
    };
    let login_page = |addr: SocketAddr, forwarded: &str| {
        send(
            loopback(addr),
            "GET",
            "/masuk",
            &format!("{}{forwarded}", office_host(addr)),
            b"",
        )
        .text()
    };

    // The proxy on this computer says the browser spoke HTTPS to it.
    let server = behind(Some("127.0.0.1".parse().unwrap()));
    let addr = server.addr();
    assert_eq!(server.peringatan(), None);
    let cookie = set_cookie(&login_via(addr, https_header));
    assert!(
        cookie.starts_with("__Host-sopan_sesi=") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    assert!(!login_page(addr, https_header).contains("tanpa-https"));
    assert!(
        login_page(addr, "").contains("tanpa-https"),
        "HTTP to the proxy"
    );
    server.stop();

    // No proxy configured: the same header from anyone is not believed.
    let server = behind(None);
    let addr = server.addr();
    let warned = server.peringatan().expect("a warning at start");
    assert!(
        warned.contains("tanpa HTTPS") && warned.contains("--tls-sertifikat"),
        "{warned}"
    );
    let cookie = set_cookie(&login_via(addr, https_header));
    assert!(
        cookie.starts_with("sopan_sesi=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(login_page(addr, https_header).contains("tanpa-https"));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn behind_the_proxy_failed_logins_count_per_forwarded_address() {
    let dir = catalogue("keamanan-proxy-xff", &["lakip"]);
    let server = office_with(
        &dir,
        Options {
            host: "0.0.0.0".into(),
            proxy: Some("127.0.0.1".parse().unwrap()),
            ..Options::loopback(dir.clone())
        },
    );
    let addr = server.addr();
    let login_from = |client: &str, sandi: &str| {
        let form = format!("nama=sari&sandi={}", sandi.replace(' ', "+"));
        send(
            loopback(addr),
            "POST",
            "/masuk",
            &format!(
                "{}X-Forwarded-For: 203.0.113.9, {client}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n",
                office_host(addr)
            ),
            form.as_bytes(),
        )
        .status
    };
    // Someone at 10.0.0.66 guesses until they must wait.
    let mut statuses = Vec::new();
    for _ in 0..sopan::preview::throttle::FREE_PAIR + 1 {
        statuses.push(login_from("10.0.0.66", "salah sama sekali"));
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // Sari at another desk, through the same proxy, is let in: the proxy's own address
    // is not the client.
    assert_eq!(login_from("10.0.0.7", SANDI_SARI), 303);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn login_throttle_counts_unreadable_forwarded_addresses_in_one_record_and_429_says_retry_after() {
    let dir = catalogue("keamanan-proxy-sampah", &["lakip"]);
    let server = office_with(
        &dir,
        Options {
            host: "0.0.0.0".into(),
            proxy: Some("127.0.0.1".parse().unwrap()),
            ..Options::loopback(dir.clone())
        },
    );
    let addr = server.addr();
    let login_from = |client: &str, nama: &str, sandi: &str| {
        let form = format!("nama={nama}&sandi={}", sandi.replace(' ', "+"));
        send(
            loopback(addr),
            "POST",
            "/masuk",
            &format!(
                "{}X-Forwarded-For: {client}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n",
                office_host(addr)
            ),
            form.as_bytes(),
        )
    };
    // Each guess with another name and another value that is no address.
    let statuses: Vec<u16> = (0..=sopan::preview::throttle::FREE_ADDRESS)
        .map(|i| login_from(&format!("sampah-{i}"), &format!("nama{i}"), "salah").status)
        .collect();
    let last = login_from("sampah-lagi", "lain", "salah");
    assert_eq!(last.status, 429, "{statuses:?}");
    let retry = last
        .head
        .lines()
        .find_map(|l| l.strip_prefix("Retry-After: "))
        .and_then(|s| s.trim().parse::<u64>().ok());
    assert!(retry.is_some_and(|s| s >= 1), "{}", last.head);
    // A real address behind the same proxy is not held by them.
    assert_eq!(login_from("10.0.0.7", "sari", SANDI_SARI).status, 303);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cross_site_post_without_origin_is_refused() {
    let dir = catalogue("keamanan-lintas-situs", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let token = token(addr);
    let (mut form, dasar) = formulir(addr);
    form["identitas"]["nama"] = json!("DIUBAH SITUS LAIN");
    let body = json!({ "form": form, "dasar": dasar }).to_string();
    let post = |fetch_site: &str| {
        send(
            addr,
            "POST",
            &format!("/sop/{LAKIP}/simpan"),
            &format!(
                "{}Content-Type: application/json\r\nX-Sopan-Token: {token}\r\n{fetch_site}",
                host(addr)
            ),
            body.as_bytes(),
        )
    };
    // A browser that hides the Origin but says the page is another site's.
    assert_eq!(post("Sec-Fetch-Site: cross-site\r\n").status, 403);
    assert_eq!(post("Sec-Fetch-Site: same-site\r\n").status, 403);
    let text = std::fs::read_to_string(dir.join("perencanaan/lakip.toml")).unwrap();
    assert!(!text.contains("DIUBAH SITUS LAIN"));
    // The same request from the server's own page is saved.
    let r = post("Sec-Fetch-Site: same-origin\r\n");
    assert_eq!(r.status, 200, "{}", r.text());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
