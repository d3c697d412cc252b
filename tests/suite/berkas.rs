//! A save keeps the file it saves into, and nothing under a catalogue is trusted: the
//! `sopan preview` binary as an office runs it, against outside writers, other owners,
//! links, kill -9, a full disk, a second preview, and planted links, FIFOs and
//! devices in the catalogue and its `.sopan` folder.
//!
//! `SOPAN_UJI_BIN=/path/to/sopan` runs these tests against another build (to measure
//! an older one); by default they run the binary of this crate.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::preview::{catalogue, send};

fn bin() -> PathBuf {
    std::env::var_os("SOPAN_UJI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sopan")))
}

/// A `sopan preview` process.
struct Pratinjau {
    child: Child,
    addr: SocketAddr,
    /// What it printed before its address, and the address line.
    out: String,
    /// When it was started.
    mulai: Instant,
    /// When it printed its address.
    siap: Instant,
}

impl Pratinjau {
    /// Starts `sopan preview DIR --port 0 ARGS...` and waits (at most `wait`) for its address.
    fn start_within(dir: &Path, args: &[&str], wait: Duration) -> Self {
        Self::start_with(Command::new(bin()), dir, args, wait)
    }

    fn start(dir: &Path, args: &[&str]) -> Self {
        Self::start_within(dir, args, Duration::from_secs(60))
    }

    fn start_with(mut cmd: Command, dir: &Path, args: &[&str], wait: Duration) -> Self {
        let mulai = Instant::now();
        let mut child = cmd
            .arg("preview")
            .arg(dir)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run sopan preview");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = String::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                out.push_str(&line);
                out.push('\n');
                if line.starts_with("Pratinjau: ") {
                    let _ = tx.send(out.clone());
                }
            }
        });
        let out = match rx.recv_timeout(wait) {
            Ok(out) => out,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("sopan preview did not start within {wait:?}");
            }
        };
        let siap = Instant::now();
        let url = out
            .lines()
            .last()
            .unwrap()
            .trim_start_matches("Pratinjau: http://");
        let port: u16 = url
            .split(['/', ':'])
            .nth(1)
            .and_then(|p| p.parse().ok())
            .expect("port");
        Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            out,
            mulai,
            siap,
        }
    }

    fn host(&self) -> String {
        format!("Host: 127.0.0.1:{}\r\n", self.addr.port())
    }

    /// The CSRF token of a loopback preview, from an editor page.
    fn token(&self, id: &str) -> String {
        let page = send(
            self.addr,
            "GET",
            &format!("/sop/{id}/ubah"),
            &self.host(),
            b"",
        )
        .text();
        page.split("data-token=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .expect("a CSRF token in the page")
            .to_string()
    }

    /// The form of SOP `id` and the text it was read from.
    fn formulir(&self, id: &str) -> (u16, Value) {
        let r = send(
            self.addr,
            "GET",
            &format!("/sop/{id}/formulir"),
            &self.host(),
            b"",
        );
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    /// Saves `form` over `dasar` into SOP `id`.
    fn simpan(&self, token: &str, id: &str, form: &Value, dasar: &str) -> (u16, Value) {
        let body = json!({ "form": form, "dasar": dasar }).to_string();
        let headers = format!(
            "{}Content-Type: application/json\r\nX-Sopan-Token: {token}\r\n",
            self.host()
        );
        let r = send(
            self.addr,
            "POST",
            &format!("/sop/{id}/simpan"),
            &headers,
            body.as_bytes(),
        );
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    /// Loads SOP `id`, sets its nama, saves.
    fn ganti_nama(&self, token: &str, id: &str, nama: &str) -> (u16, Value) {
        let (status, f) = self.formulir(id);
        assert_eq!(status, 200, "{f}");
        let mut form = f["form"].clone();
        form["identitas"]["nama"] = json!(nama);
        self.simpan(token, id, &form, f["dasar"].as_str().unwrap())
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pratinjau {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn needs_root(what: &str) {
    assert!(
        is_root(),
        "{what} needs root (CI runs the tests as root): run the test suite as root"
    );
}

/// Every temporary file below `dir` (a leading dot and `.tmp` at the end).
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let kind = e.file_type().unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                stack.push(e.path());
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                found.push(e.path());
            }
        }
    }
    found
}

const LAKIP: &str = "perencanaan/lakip";

#[test]
fn an_outside_change_made_during_saves_is_never_overwritten() {
    let dir = catalogue("berkas-luar", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let stop = Instant::now() + Duration::from_secs(20);
    // The outside program: every 30 ms it reads the file, checks that its own last
    // write is still there, and writes the file anew (temporary file + rename) with a
    // counter of its own in a comment.
    let outside = {
        let path = path.clone();
        std::thread::spawn(move || {
            let (mut written, mut lost) = (0u32, 0u32);
            while Instant::now() < stop {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut lines: Vec<&str> = text.lines().collect();
                let mark = lines
                    .iter()
                    .position(|l| l.starts_with("# luar: "))
                    .map(|i| lines.remove(i)[8..].parse::<u32>().unwrap());
                if written > 0 && mark != Some(written) {
                    lost += 1;
                }
                written += 1;
                let new = format!("# luar: {written}\n{}\n", lines.join("\n"));
                let tmp = path.with_extension("toml.luar");
                std::fs::write(&tmp, new).unwrap();
                std::fs::rename(&tmp, &path).unwrap();
                std::thread::sleep(Duration::from_millis(30));
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.starts_with(&format!("# luar: {written}\n")) {
                lost += 1;
            }
            (written, lost)
        })
    };
    let (mut saved, mut refused, mut i) = (0u32, 0u32, 0u32);
    while Instant::now() < stop {
        i += 1;
        match server.ganti_nama(&token, LAKIP, &format!("PENYUSUNAN LAKIP {i}")) {
            (200, _) => saved += 1,
            (409, _) => refused += 1,
            (status, body) => panic!("{status} {body}"),
        }
    }
    let (written, lost) = outside.join().unwrap();
    eprintln!(
        "outside writes: {written}, lost: {lost}; editor saves: {saved} saved, {refused} refused (409)"
    );
    assert!(
        saved > 10 && refused > 0,
        "{saved} saved, {refused} refused"
    );
    assert_eq!(lost, 0, "outside writes lost");
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_read_only_sop_is_refused_and_left_unchanged() {
    let dir = catalogue("berkas-0444", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let (status, body) = server.ganti_nama(&token, LAKIP, "DIUBAH");
    assert_eq!(status, 403, "{body}");
    let pesan = body["pesan"].as_str().unwrap_or("");
    assert!(
        pesan.contains("hanya boleh dibaca") && pesan.contains("izin tulis"),
        "{pesan}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o7777, 0o444);
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_save_by_root_keeps_another_owners_group_mode_and_acl() {
    needs_root("saving a file of another owner");
    let setfacl = Command::new("setfacl").arg("--version").output();
    assert!(
        setfacl.is_ok_and(|o| o.status.success()),
        "setfacl is missing: apt-get install acl (.ci/run installs it)"
    );
    let dir = catalogue("berkas-pemilik", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    std::os::unix::fs::chown(&path, Some(1000), Some(1000)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660)).unwrap();
    let acl = Command::new("setfacl")
        .args(["-m", "u:1001:rw"])
        .arg(&path)
        .status()
        .unwrap();
    assert!(acl.success(), "setfacl on the test's file system");
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let (status, body) = server.ganti_nama(&token, LAKIP, "DIUBAH OLEH ROOT");
    assert_eq!(status, 200, "{body}");
    assert!(body.get("peringatan").is_none(), "{body}");
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (1000, 1000), "owner and group");
    assert_eq!(meta.mode() & 0o7777, 0o660, "mode");
    let acl = Command::new("getfacl")
        .args(["-cp"])
        .arg(&path)
        .output()
        .unwrap();
    let acl = String::from_utf8_lossy(&acl.stdout);
    assert!(acl.contains("user:1001:rw-"), "{acl}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("DIUBAH OLEH ROOT")
    );
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_linked_sop_inside_the_catalogue_is_saved_through_its_link() {
    let dir = catalogue("berkas-tautan", &["lakip"]);
    let target = dir.join("perencanaan/lakip.toml");
    std::fs::create_dir_all(dir.join("umum")).unwrap();
    let link = dir.join("umum/lakip-bersama.toml");
    std::os::unix::fs::symlink("../perencanaan/lakip.toml", &link).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token("umum/lakip-bersama");
    let (status, body) = server.ganti_nama(&token, "umum/lakip-bersama", "LAKIP BERSAMA");
    assert_eq!(status, 200, "{body}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("nama = \"LAKIP BERSAMA\"")
    );
    // The history names the file as the catalogue does, relative to it.
    let history = sopan::editor::riwayat::read(&dir).unwrap();
    assert_eq!(history.last().unwrap().berkas, "umum/lakip-bersama.toml");
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_history_names_the_sop_relative_to_a_catalogue_given_by_absolute_path() {
    let dir = catalogue("berkas-riwayat", &["lakip"]);
    let absolute = dir.canonicalize().unwrap();
    // Started inside the catalogue, with its absolute path.
    let mut cmd = Command::new(bin());
    cmd.current_dir(&absolute);
    let server = Pratinjau::start_with(cmd, &absolute, &[], Duration::from_secs(60));
    let token = server.token(LAKIP);
    assert_eq!(server.ganti_nama(&token, LAKIP, "X").0, 200);
    let history = sopan::editor::riwayat::read(&absolute).unwrap();
    assert_eq!(history[0].berkas, "perencanaan/lakip.toml");
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kill_9_during_saves_loses_no_acknowledged_save_and_leaves_no_temporary() {
    let dir = catalogue("berkas-kill", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let mut acknowledged = 0;
    let mut left_after_kills = 0;
    for round in 0..8 {
        let server = Pratinjau::start(&dir, &[]);
        let token = server.token(LAKIP);
        let (tx, rx) = mpsc::channel::<(String, bool)>();
        let addr = server.addr;
        let saver = {
            let server_host = server.host();
            std::thread::spawn(move || {
                for i in 0.. {
                    let nama = format!("RONDE {round} SIMPAN {i}");
                    let Ok(r) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let f = send(
                            addr,
                            "GET",
                            "/sop/perencanaan/lakip/formulir",
                            &server_host,
                            b"",
                        );
                        let f: Value = serde_json::from_slice(&f.body).unwrap();
                        let mut form = f["form"].clone();
                        form["identitas"]["nama"] = json!(nama);
                        let body = json!({ "form": form, "dasar": f["dasar"] }).to_string();
                        let _ = tx.send((nama.clone(), false));
                        send(
                            addr,
                            "POST",
                            "/sop/perencanaan/lakip/simpan",
                            &format!(
                                "{server_host}Content-Type: application/json\r\nX-Sopan-Token: {token}\r\n"
                            ),
                            body.as_bytes(),
                        )
                    })) else {
                        return;
                    };
                    if r.status == 200 {
                        let _ = tx.send((nama, true));
                    }
                }
            })
        };
        std::thread::sleep(Duration::from_millis(300 + 97 * round as u64 % 400));
        server.kill();
        let _ = saver.join();
        // The file holds the last acknowledged save, or the one in flight.
        let (mut last_ack, mut in_flight) = (None, None);
        for (nama, ack) in rx.try_iter() {
            if ack {
                last_ack = Some(nama);
                acknowledged += 1;
            } else {
                in_flight = Some(nama);
            }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let holds = |n: &Option<String>| {
            n.as_ref()
                .is_some_and(|n| text.contains(&format!("nama = \"{n}\"")))
        };
        assert!(
            holds(&last_ack) || holds(&in_flight) || last_ack.is_none(),
            "round {round}: last acknowledged {last_ack:?}, in flight {in_flight:?}, file:\n{text}"
        );
        assert!(
            toml::from_str::<toml::Table>(&text).is_ok(),
            "the file parses"
        );
        left_after_kills += temporaries(&dir).len();
    }
    let server = Pratinjau::start(&dir, &[]);
    let left = temporaries(&dir);
    eprintln!(
        "kill -9 x8: {acknowledged} acknowledged saves, none lost; temporary files left by the \
         kills: {left_after_kills}, after the next start: {}",
        left.len()
    );
    assert!(left.is_empty(), "{left:?}");
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_save_syncs_the_temporary_renames_it_then_syncs_the_folder() {
    let strace = Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|o| o.status.success()),
        "strace is missing: apt-get install strace (.ci/run installs it)"
    );
    let dir = catalogue("berkas-strace", &["lakip"]);
    let trace = dir.join("jejak.txt");
    let mut cmd = Command::new("strace");
    cmd.args([
        "-f",
        "-y",
        "-qq",
        "-e",
        "trace=fsync,fdatasync,rename,renameat,renameat2",
        "-o",
    ])
    .arg(&trace)
    .arg(bin());
    let server = Pratinjau::start_with(cmd, &dir, &[], Duration::from_secs(120));
    let token = server.token(LAKIP);
    let (status, body) = server.ganti_nama(&token, LAKIP, "DIJEJAK");
    assert_eq!(status, 200, "{body}");
    std::thread::sleep(Duration::from_millis(300));
    server.kill();
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let folder = dir.canonicalize().unwrap().join("perencanaan");
    let folder = folder.to_str().unwrap();
    let tmp = |l: &str| l.contains(".lakip.toml.sopan-") && l.contains(".tmp");
    let synced = lines
        .iter()
        .position(|l| (l.contains("fsync(") || l.contains("fdatasync(")) && tmp(l))
        .unwrap_or_else(|| panic!("no fsync of the temporary file:\n{text}"));
    let renamed = lines
        .iter()
        .skip(synced)
        .position(|l| l.contains("rename") && tmp(l) && l.contains("lakip.toml\""))
        .map(|i| i + synced)
        .unwrap_or_else(|| panic!("no rename after the fsync:\n{text}"));
    let folder_synced = lines
        .iter()
        .skip(renamed)
        .any(|l| l.contains("fsync(") && l.contains(&format!("<{folder}>")));
    assert!(
        folder_synced,
        "no fsync of {folder} after the rename:\n{text}"
    );
    eprintln!(
        "one save: {}\n           {}",
        lines[synced].trim(),
        lines[renamed].trim()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_full_disk_is_told_in_indonesian_and_the_old_file_stays() {
    needs_root("mounting a small tmpfs");
    let base = crate::common::scratch("berkas-penuh");
    let mnt = base.join("disk");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(
        mounted.success(),
        "mount -t tmpfs failed (needs root and mount)"
    );
    let unmount = || {
        let _ = Command::new("umount").arg(&mnt).status();
    };
    let src = catalogue("berkas-penuh-asal", &["lakip"]);
    crate::common::copy_dir(&src, &mnt);
    let path = mnt.join("perencanaan/lakip.toml");
    let before = std::fs::read(&path).unwrap();
    let server = Pratinjau::start(&mnt, &[]);
    let token = server.token(LAKIP);
    // The first save makes `.sopan` and its history; then the disk fills up.
    assert_eq!(server.ganti_nama(&token, LAKIP, "SEBELUM PENUH").0, 200);
    let before_full = std::fs::read(&path).unwrap();
    assert_ne!(before_full, before);
    {
        use std::io::Write;
        let mut fill = std::fs::File::create(mnt.join("isi")).unwrap();
        while fill.write_all(&[0u8; 4096]).is_ok() {}
    }
    let (status, body) = server.ganti_nama(&token, LAKIP, "SETELAH PENUH");
    server.kill();
    let after = std::fs::read(&path).unwrap();
    let left = temporaries(&mnt);
    unmount();
    let pesan = body["pesan"].as_str().unwrap_or("").to_string();
    eprintln!("full disk: {status} {pesan}");
    assert_eq!(status, 507, "{body}");
    assert!(
        pesan.starts_with("Tidak dapat menyimpan: disk server penuh. Berkas lama tetap utuh")
            && pesan.contains("Kosongkan ruang"),
        "{pesan}"
    );
    assert_eq!(after, before_full, "the old file is intact");
    assert!(left.is_empty(), "{left:?}");
    let _ = std::fs::remove_dir_all(&src);
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn every_pdf_asked_for_right_after_start_is_there() {
    let dir = catalogue("berkas-awal", &["lakip", "lppd", "renja-rkt", "tapkin"]);
    let server = Pratinjau::start(&dir, &[]);
    let host = server.host();
    let mut first = None;
    // Last first: the render thread starts at the top of the list.
    for id in ["tapkin", "renja-rkt", "lppd", "lakip"] {
        let r = send(
            server.addr,
            "GET",
            &format!("/sop/perencanaan/{id}/unduh.pdf"),
            &host,
            b"",
        );
        assert_eq!(r.status, 200, "{id}: {}", r.text());
        assert!(r.body.starts_with(b"%PDF-"), "{id}");
        first.get_or_insert_with(|| (server.siap.elapsed(), server.mulai.elapsed()));
        let svg = send(
            server.addr,
            "GET",
            &format!("/sop/perencanaan/{id}/halaman/1.svg"),
            &host,
            b"",
        );
        assert_eq!(svg.status, 200, "{id}");
    }
    let (after_ready, after_start) = first.unwrap();
    eprintln!(
        "first PDF: {} ms after the address was printed ({} ms after the process started)",
        after_ready.as_millis(),
        after_start.as_millis()
    );
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_previews_of_one_catalogue_never_both_accept_one_base() {
    let dir = catalogue("berkas-dua", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let a = Arc::new(Pratinjau::start(&dir, &[]));
    let b = Arc::new(Pratinjau::start(&dir, &[]));
    let (ta, tb) = (a.token(LAKIP), b.token(LAKIP));
    let mut both = 0;
    for round in 0..30 {
        let (_, f) = a.formulir(LAKIP);
        let dasar = f["dasar"].as_str().unwrap().to_string();
        let barrier = Arc::new(Barrier::new(2));
        let go = |p: Arc<Pratinjau>, token: String, nama: String| {
            let (barrier, dasar, mut form) = (barrier.clone(), dasar.clone(), f["form"].clone());
            std::thread::spawn(move || {
                form["identitas"]["nama"] = json!(nama);
                barrier.wait();
                (p.simpan(&token, LAKIP, &form, &dasar).0, nama)
            })
        };
        let ha = go(a.clone(), ta.clone(), format!("A {round}"));
        let hb = go(b.clone(), tb.clone(), format!("B {round}"));
        let (ra, rb) = (ha.join().unwrap(), hb.join().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        if ra.0 == 200 && rb.0 == 200 {
            both += 1;
        }
        for (status, nama) in [&ra, &rb] {
            assert!(*status == 200 || *status == 409, "{status}");
            if *status == 200 && !(ra.0 == 200 && rb.0 == 200) {
                assert!(
                    text.contains(&format!("nama = \"{nama}\"")),
                    "round {round}"
                );
            }
        }
    }
    assert_eq!(both, 0, "rounds where both previews accepted the same base");
    drop((a, b));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file outside every catalogue, with a secret in it that a diagnostic would quote.
fn secret(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sopan-rahasia-{name}-{}", std::process::id()));
    std::fs::write(&path, "kata_sandi_db = \"RAHASIA-8d1f\"\n").unwrap();
    path
}

#[test]
fn an_sop_linked_out_of_the_catalogue_is_named_never_shown() {
    let dir = catalogue("berkas-bocor", &["lakip"]);
    let outside = secret("bocor");
    std::os::unix::fs::symlink(&outside, dir.join("perencanaan/bocor.toml")).unwrap();
    // Every command: named, without its content.
    for args in [
        vec!["check"],
        vec!["check", "--review"],
        vec!["build"],
        vec!["daftar"],
    ] {
        let run = Command::new(bin()).args(&args).arg(&dir).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!all.contains("RAHASIA"), "{args:?}: {all}");
        assert!(all.contains("bocor.toml"), "{args:?}: {all}");
    }
    let run = Command::new(bin())
        .arg("render")
        .arg(dir.join("perencanaan/bocor.toml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        !err.contains("RAHASIA") && err.contains("luar folder katalog"),
        "{err}"
    );
    // The preview and its form, to a visitor and to an editor.
    let server = Pratinjau::start(&dir, &[]);
    let host = server.host();
    for target in [
        "/",
        "/daftar",
        "/sop/perencanaan/bocor",
        "/sop/perencanaan/bocor/isi",
    ] {
        let r = send(server.addr, "GET", target, &host, b"");
        assert!(!r.text().contains("RAHASIA"), "{target}: {}", r.text());
    }
    let (status, body) = server.formulir("perencanaan/bocor");
    assert_eq!(status, 403, "{body}");
    assert!(!body.to_string().contains("RAHASIA"), "{body}");
    // A link to the accounts inside the catalogue's own `.sopan`.
    server.kill();
    let mut akun = sopan::editor::akun::Akun::open(&dir).unwrap();
    akun.set("sari", "kata-sandi-panjang").unwrap();
    akun.save().unwrap();
    std::os::unix::fs::symlink("../.sopan/pengguna.toml", dir.join("perencanaan/akun.toml"))
        .unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let (status, body) = server.formulir("perencanaan/akun");
    assert_eq!(status, 403, "{body}");
    assert!(!body.to_string().contains("argon2"), "{body}");
    let page = send(
        server.addr,
        "GET",
        "/sop/perencanaan/akun",
        &host_of(&server),
        b"",
    );
    assert!(!page.text().contains("argon2"), "{}", page.text());
    server.kill();
    let _ = std::fs::remove_file(&outside);
    let _ = std::fs::remove_dir_all(&dir);
}

fn host_of(p: &Pratinjau) -> String {
    p.host()
}

#[test]
fn the_history_is_never_written_through_a_planted_link() {
    let dir = catalogue("berkas-riwayat-tautan", &["lakip"]);
    let outside = secret("riwayat");
    let before = std::fs::read(&outside).unwrap();
    std::fs::create_dir_all(dir.join(".sopan")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join(".sopan/riwayat.jsonl")).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let (status, body) = server.ganti_nama(&token, LAKIP, "DENGAN TAUTAN");
    // Refused: a change is made only when it can be recorded.
    assert_eq!(status, 500, "{body}");
    assert!(
        body["pesan"]
            .as_str()
            .is_some_and(|p| p.contains("tidak disimpan: riwayat perubahan")),
        "{body}"
    );
    assert_eq!(
        std::fs::read(&outside).unwrap(),
        before,
        "nothing appended outside"
    );
    server.kill();
    // A `.sopan` that is itself a link out of the catalogue is not used at all.
    let elsewhere = crate::common::scratch("berkas-sopan-lain");
    std::fs::remove_dir_all(dir.join(".sopan")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join(".sopan")).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let (status, body) = server.ganti_nama(&token, LAKIP, "SOPAN TAUTAN");
    assert_eq!(status, 500, "{body}");
    assert!(
        body["pesan"]
            .as_str()
            .unwrap_or("")
            .contains("bukan folder biasa"),
        "{body}"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written there"
    );
    server.kill();
    let _ = std::fs::remove_file(&outside);
    let _ = std::fs::remove_dir_all(&elsewhere);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sends a login for `nama`; the status and how long it took.
fn login(p: &Pratinjau, nama: &str, sandi: &str) -> (u16, Duration) {
    let t = Instant::now();
    let r = send(
        p.addr,
        "POST",
        "/masuk",
        &format!(
            "{}Content-Type: application/x-www-form-urlencoded\r\n",
            p.host()
        ),
        format!("nama={nama}&sandi={sandi}").as_bytes(),
    );
    (r.status, t.elapsed())
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_or_a_device_in_sopan_never_hangs_a_login_or_a_save() {
    let dir = catalogue("berkas-fifo", &["lakip"]);
    std::fs::create_dir_all(dir.join(".sopan")).unwrap();
    mkfifo(&dir.join(".sopan/pengguna.toml"));
    mkfifo(&dir.join(".sopan/riwayat.jsonl"));
    let server = Pratinjau::start(&dir, &["--host", "0.0.0.0"]);
    // More logins than the server has workers: none may wedge one.
    for _ in 0..10 {
        let (status, took) = login(&server, "sari", "kata-sandi-panjang");
        assert!(took < Duration::from_secs(5), "a login took {took:?}");
        assert_eq!(status, 500);
    }
    server.kill();
    // The history as a FIFO: the save answers at once, refused, as it cannot be recorded.
    std::fs::remove_file(dir.join(".sopan/pengguna.toml")).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    let t = Instant::now();
    let (status, body) = server.ganti_nama(&token, LAKIP, "FIFO");
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "a save took {:?}",
        t.elapsed()
    );
    assert_eq!(status, 500, "{body}");
    assert!(
        body["pesan"]
            .as_str()
            .is_some_and(|p| p.contains("riwayat perubahan")),
        "{body}"
    );
    server.kill();
    // The accounts as /dev/zero, and as a file over the limit.
    std::os::unix::fs::symlink("/dev/zero", dir.join(".sopan/pengguna.toml")).unwrap();
    let server = Pratinjau::start(&dir, &["--host", "0.0.0.0"]);
    let (status, took) = login(&server, "sari", "kata-sandi-panjang");
    assert!(
        took < Duration::from_secs(5) && status == 500,
        "{status} {took:?}"
    );
    server.kill();
    std::fs::remove_file(dir.join(".sopan/pengguna.toml")).unwrap();
    std::fs::write(dir.join(".sopan/pengguna.toml"), vec![b'#'; 3 << 20]).unwrap();
    let server = Pratinjau::start(&dir, &["--host", "0.0.0.0"]);
    let r = send(
        server.addr,
        "POST",
        "/masuk",
        &format!(
            "{}Content-Type: application/x-www-form-urlencoded\r\n",
            server.host()
        ),
        b"nama=sari&sandi=kata-sandi-panjang",
    );
    assert_eq!(r.status, 500);
    // The reason names a file of the server: it goes to the console, not the page.
    assert!(
        r.text().contains("Akun tidak dapat dibaca di server") && !r.text().contains(".sopan"),
        "{}",
        r.text()
    );
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accounts_come_from_the_previewed_folder_only() {
    // A parent folder names the catalogue and holds an account; the previewed folder
    // below it does not name itself a catalogue.
    let parent = crate::common::scratch("berkas-induk");
    let dir = parent.join("anak");
    crate::common::copy_dir(&catalogue("berkas-induk-isi", &["lakip"]), &dir);
    std::fs::copy(dir.join("katalog.toml"), parent.join("katalog.toml")).unwrap();
    let own: String = std::fs::read_to_string(dir.join("katalog.toml"))
        .unwrap()
        .replace("[katalog]", "[katalog_bukan]");
    std::fs::write(
        dir.join("katalog.toml"),
        own.replace("[katalog_bukan]", "#"),
    )
    .unwrap();
    let mut akun = sopan::editor::akun::Akun::open(&parent).unwrap();
    akun.set("tamu", "kata-sandi-induk").unwrap();
    akun.save().unwrap();
    let server = Pratinjau::start(&dir, &["--host", "0.0.0.0"]);
    let (status, _) = login(&server, "tamu", "kata-sandi-induk");
    assert_eq!(status, 401, "an account of a parent folder logged in");
    let own_file = dir.canonicalize().unwrap().join(".sopan/pengguna.toml");
    assert!(
        server.out.contains(own_file.to_str().unwrap()),
        "the accounts file is printed at start:\n{}",
        server.out
    );
    server.kill();
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn wajib_masuk_demands_a_login_on_loopback_too() {
    let dir = catalogue("berkas-wajib", &["lakip"]);
    let mut akun = sopan::editor::akun::Akun::open(&dir).unwrap();
    akun.set("sari", "kata-sandi-panjang").unwrap();
    akun.save().unwrap();
    let server = Pratinjau::start(&dir, &["--wajib-masuk"]);
    assert!(server.out.contains("pengguna.toml"), "{}", server.out);
    let r = send(
        server.addr,
        "GET",
        "/sop/perencanaan/lakip/ubah",
        &server.host(),
        b"",
    );
    assert_eq!(r.status, 303);
    assert!(r.head.contains("Location: /masuk"), "{}", r.head);
    let (status, _) = server.formulir(LAKIP);
    assert_eq!(status, 401);
    assert_eq!(login(&server, "sari", "kata-sandi-panjang").0, 303);
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many inotify watches a process holds.
fn watches(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fdinfo"))
        .unwrap()
        .flatten()
        .map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .lines()
                .filter(|l| l.starts_with("inotify wd:"))
                .count()
        })
        .sum()
}

#[test]
fn folder_links_to_root_and_usr_neither_block_start_nor_add_watches() {
    let dir = catalogue("berkas-pantau", &["lakip"]);
    std::os::unix::fs::symlink("/", dir.join("semua")).unwrap();
    std::os::unix::fs::symlink("/usr", dir.join("perencanaan/usr")).unwrap();
    let server = Pratinjau::start_within(&dir, &[], Duration::from_secs(20));
    let n = watches(server.child.id());
    eprintln!("watches with links to / and /usr in the catalogue: {n}");
    assert!(n < 20, "{n} watches");
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accounts_are_private_and_a_save_keeps_a_private_sop_private() {
    use std::io::Write;
    let dir = catalogue("berkas-mode", &["lakip"]);
    let mut child = Command::new(bin())
        .args(["pengguna", "tambah", "sari", "--katalog"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-panjang\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(&dir.join(".sopan")), 0o700);
    assert_eq!(mode(&dir.join(".sopan/pengguna.toml")), 0o600);
    let path = dir.join("perencanaan/lakip.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let server = Pratinjau::start(&dir, &[]);
    let token = server.token(LAKIP);
    assert_eq!(server.ganti_nama(&token, LAKIP, "PRIBADI").0, 200);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.join(".sopan/riwayat.jsonl")), 0o600);
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}
