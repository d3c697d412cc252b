//! The form editor of `sopan preview`: in real headless Chromium (a new SOP from
//! nothing, a renamed pelaksana, comments that survive, two browsers saving the same
//! SOP), and over raw HTTP on an office server (no session, no CSRF token or a foreign
//! Host: refused, the file unchanged).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::common::render;
use crate::peramban::{Browser, Chromium};
use crate::preview::{catalogue, send, start, wait_rendered};
use sopan::editor::{akun::Akun, riwayat};
use sopan::flow::check::{check, expected_edges};
use sopan::preview::{self, Options};

/// Helpers the tests call in the page: fill a field, click a button by its label.
const UJI: &str = r#"window.uji = {
  isi: function (el, v) { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true})); },
  klik: function (label, dalam) {
    var b = Array.from((dalam || document).querySelectorAll('button'))
      .find(function (b) { return b.getAttribute('aria-label') === label || b.textContent === label; });
    if (!b) throw new Error('no button ' + label); b.click(); },
  langkah: function (i) { return document.querySelectorAll('#formulir fieldset.langkah')[i]; },
  pilih: function (sel, awalan) {
    var o = Array.from(sel.options).find(function (o) { return o.text.indexOf(awalan) === 0; });
    if (!o) throw new Error('no option ' + awalan); uji.isi(sel, o.value); },
  pelaksana: function (i, nama) {
    Array.from(uji.langkah(i).querySelectorAll('.centang label')).forEach(function (l) {
      var cb = l.querySelector('input'); var mau = l.textContent.trim() === nama;
      if (cb.checked !== mau) { cb.checked = mau; cb.dispatchEvent(new Event('change', {bubbles: true})); } }); },
}; true"#;

fn ready(b: &mut impl Browser) {
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img')",
        Duration::from_secs(30),
    );
    assert_eq!(b.eval(UJI), true);
}

fn saved(b: &mut impl Browser, n: usize) {
    b.wait_for(
        &format!(
            "document.body.dataset.simpan === '{n}' && document.getElementById('keadaan').textContent === 'Tersimpan'"
        ),
        Duration::from_secs(30),
    );
}

/// The file renders with every drawing rule holding.
fn renders_clean(path: &Path) {
    let (sop, _, rendered) = render(path);
    let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

#[test]
fn a_new_sop_is_made_in_the_form_saved_and_renders_clean() {
    let dir = catalogue("form-baru", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch("form-baru");
    b.open(&format!("http://{addr}/"));
    b.wait_for(
        "!!document.getElementById('form-baru')",
        Duration::from_secs(10),
    );
    b.eval(
        "document.getElementById('baru').open = true; \
         const f = document.getElementById('form-baru'); f.bab.value = 'perencanaan'; \
         f.berkas.value = 'uji-baru'; f.requestSubmit(); true",
    );
    b.wait_for(
        "location.pathname === '/sop/perencanaan/uji-baru/ubah' && document.body.dataset.siap === 'ya'",
        Duration::from_secs(30),
    );
    assert_eq!(b.eval(UJI), true);
    // The empty new file's missing fields are listed quietly, in the form's words.
    b.wait_for(
        "!!document.getElementById('perlu') && document.getElementById('perlu').textContent.includes('Isi Nomor SOP.')",
        Duration::from_secs(30),
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.pesan-bidang.salah').length"),
        0
    );
    b.eval(
        "uji.isi(document.getElementById('f-nomor'), '800/01/SOP/2026'); \
         uji.isi(document.getElementById('f-nama'), 'PENGAJUAN CUTI PEGAWAI'); \
         for (const n of ['Pegawai', 'Kasubbag Umum', 'Sekretaris']) { \
           uji.klik('+ Tambah pelaksana'); \
           const ins = document.querySelectorAll('[data-jalur=\"pelaksana\"] input'); \
           uji.isi(ins[ins.length - 1], n); } true",
    );
    let steps = [
        ("Mengisi formulir cuti", "Pegawai"),
        ("Memeriksa kelengkapan berkas cuti", "Kasubbag Umum"),
        ("Menyusun konsep surat izin cuti", "Kasubbag Umum"),
        ("Memaraf konsep surat izin cuti", "Kasubbag Umum"),
        ("Memeriksa dan menyetujui konsep", "Sekretaris"),
        ("Menerima surat izin cuti", "Pegawai"),
    ];
    for (i, (kegiatan, pelaksana)) in steps.iter().enumerate() {
        b.eval(&format!(
            "uji.klik('Tambah langkah di akhir'); \
             uji.isi(uji.langkah({i}).querySelector('textarea[id$=\"-kegiatan\"]'), {}); \
             uji.pelaksana({i}, {}); true",
            serde_json::json!(kegiatan),
            serde_json::json!(pelaksana)
        ));
    }
    // Step 5 is a decision: "Tidak" goes back to step 3.
    b.eval(
        "uji.isi(uji.langkah(4).querySelector('select[id$=\"-jenis\"]'), 'keputusan'); \
         uji.pilih(uji.langkah(4).querySelector('select[id$=\"-tidak\"]'), 'Langkah 3'); true",
    );
    b.wait_for(
        "document.getElementById('catatan').hidden && document.querySelectorAll('#lembar-draf img').length >= 2",
        Duration::from_secs(30),
    );
    b.screenshot("penyunting-1-baru");
    b.eval("document.getElementById('simpan').click(); true");
    saved(&mut b, 1);
    let path = dir.join("perencanaan/uji-baru.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("keputusan = { tidak = 3 }"), "{text}");
    assert!(
        text.contains("pelaksana = [\"Pegawai\", \"Kasubbag Umum\", \"Sekretaris\"]"),
        "{text}"
    );
    renders_clean(&path);
    // The new SOP, then its save.
    let history = riwayat::read(&dir).unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history[0].ringkasan.starts_with("SOP baru dibuat"));
    assert!(
        history
            .iter()
            .all(|c| c.berkas == "perencanaan/uji-baru.toml")
    );
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn renaming_a_pelaksana_moves_its_steps_and_comments_survive() {
    let dir = catalogue("form-ganti", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch("form-ganti");
    b.open(&format!("http://{addr}/sop/perencanaan/lakip/ubah"));
    ready(&mut b);
    b.eval(
        "const ins = Array.from(document.querySelectorAll('[data-jalur=\"pelaksana\"] input')); \
         uji.isi(ins.find(i => i.value === 'KASUBBAG'), 'KASUBBAG UMUM'); true",
    );
    // The steps' choices now name the new pelaksana.
    b.wait_for(
        "Array.from(uji.langkah(2).querySelectorAll('.centang label')).some(l => l.textContent.trim() === 'KASUBBAG UMUM')",
        Duration::from_secs(5),
    );
    assert_eq!(
        b.eval(
            "Array.from(uji.langkah(2).querySelectorAll('.centang label')) \
             .filter(l => l.querySelector('input').checked).map(l => l.textContent.trim()).join()"
        ),
        "KASUBBAG UMUM"
    );
    b.screenshot("penyunting-2-ganti-nama");
    b.eval("document.getElementById('simpan').click(); true");
    saved(&mut b, 1);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(!after.contains("\"KASUBBAG\""), "{after}");
    assert_eq!(after.matches("\"KASUBBAG UMUM\"").count(), 3, "{after}");
    for comment in before.lines().filter(|l| l.contains('#')) {
        assert!(after.contains(comment), "lost: {comment}\n{after}");
    }
    assert_eq!(after, before.replace("\"KASUBBAG\"", "\"KASUBBAG UMUM\""));
    renders_clean(&path);
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_second_of_two_browsers_is_refused_and_shown_the_difference() {
    let dir = catalogue("form-dua", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let url = format!("http://{addr}/sop/perencanaan/lakip/ubah");
    let mut first = Chromium::launch("form-dua-a");
    let mut second = Chromium::launch("form-dua-b");
    let mut keystrokes: Vec<f64> = Vec::new();
    first.open(&url);
    second.open(&url);
    ready(&mut first);
    ready(&mut second);
    first.eval("uji.isi(document.getElementById('f-nama'), 'PENYUSUNAN LAKIP TAHUNAN'); true");
    first.eval("document.getElementById('simpan').click(); true");
    saved(&mut first, 1);
    // Typed letter by letter: each keystroke's draft comes back as a new sheet.
    let typed = "Membentuk tim";
    for n in 1..=typed.len() {
        second.eval(&format!(
            "window.sopanUkur = []; \
             uji.isi(uji.langkah(0).querySelector('textarea[id$=\"-kegiatan\"]'), {}); true",
            serde_json::json!(&typed[..n])
        ));
        second.wait_for("window.sopanUkur.length >= 1", Duration::from_secs(30));
        keystrokes.push(
            second
                .eval("window.sopanUkur[0]")
                .as_f64()
                .unwrap_or(f64::NAN),
        );
    }
    keystrokes.sort_by(f64::total_cmp);
    eprintln!(
        "keystroke -> sheet in Chromium: median {:.0} ms over {} keystrokes (max {:.0} ms)",
        keystrokes[keystrokes.len() / 2],
        keystrokes.len(),
        keystrokes[keystrokes.len() - 1]
    );
    second.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(10),
    );
    second.eval("document.getElementById('simpan').click(); true");
    second.wait_for(
        "document.body.dataset.bentrok === 'ya'",
        Duration::from_secs(30),
    );
    let diff = second.eval("document.querySelector('#bentrok pre.beda').textContent");
    assert!(
        diff.as_str()
            .is_some_and(|d| d.contains("sekarang baris   3: nama = \"PENYUSUNAN LAKIP TAHUNAN\"")),
        "{diff}"
    );
    second.screenshot("penyunting-3-bentrok");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("PENYUSUNAN LAKIP TAHUNAN") && !text.contains("Membentuk tim\""));
    // Reloading shows the file as it is now.
    second.eval("document.getElementById('muat-ulang').click(); true");
    second.wait_for(
        "document.getElementById('f-nama').value === 'PENYUSUNAN LAKIP TAHUNAN'",
        Duration::from_secs(30),
    );
    drop((first, second));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A preview listening on every address: editing needs an account.
fn office(dir: &Path) -> preview::Preview {
    let mut akun = Akun::open(dir).unwrap();
    akun.set("sari", "kata-sandi-panjang").unwrap();
    akun.save().unwrap();
    preview::start(&Options {
        host: "0.0.0.0".into(),
        host_names: vec!["sop.dinas.local".into()],
        ..Options::loopback(dir.to_path_buf())
    })
    .expect("preview starts")
}

fn local(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

#[test]
fn an_office_server_refuses_saves_without_session_token_or_its_host() {
    let dir = catalogue("form-kantor", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let server = office(&dir);
    let addr = local(server.addr());
    wait_rendered(addr);
    let host = format!("Host: 10.1.2.3:{}\r\n", addr.port());

    // Without a session: the editor sends to the login page, saves are refused.
    let r = send(addr, "GET", "/sop/perencanaan/lakip/ubah", &host, b"");
    assert_eq!(r.status, 303);
    assert!(r.head.contains("Location: /masuk"), "{}", r.head);
    let form: serde_json::Value = serde_json::from_slice(
        &send(addr, "GET", "/sop/perencanaan/lakip/formulir", &host, b"").body,
    )
    .unwrap();
    assert_eq!(form["pesan"], "Masuk dulu untuk mengubah SOP.");
    let mut sop = sopan::editor::read(&before).unwrap();
    sop.identitas.insert("nama".into(), "DIUBAH".into());
    let body = serde_json::json!({ "form": sop, "dasar": before }).to_string();
    let json = "Content-Type: application/json\r\n";
    let r = send(
        addr,
        "POST",
        "/sop/perencanaan/lakip/simpan",
        &format!("{host}{json}"),
        body.as_bytes(),
    );
    assert_eq!(r.status, 401);
    // Refused from its head alone: a huge body without a session is never read.
    let r = send(
        addr,
        "POST",
        "/sop/perencanaan/lakip/simpan",
        &format!("{host}{json}Content-Length: 3000000\r\n"),
        b"",
    );
    assert_eq!(r.status, 401);

    // A wrong password, then the right one: a session cookie, HttpOnly and SameSite=Strict.
    let login = |pw: &str, h: &str| {
        send(
            addr,
            "POST",
            "/masuk",
            &format!("{h}Content-Type: application/x-www-form-urlencoded\r\n"),
            format!("nama=sari&sandi={pw}").as_bytes(),
        )
    };
    assert_eq!(login("salah", &host).status, 401);
    // A login posted from another site's page is refused.
    let forged = format!("{host}Origin: http://evil.example\r\n");
    assert_eq!(login("kata-sandi-panjang", &forged).status, 403);
    let r = login("kata-sandi-panjang", &host);
    assert_eq!(r.status, 303);
    let cookie_line = r
        .head
        .lines()
        .find(|l| l.starts_with("Set-Cookie:"))
        .expect("a session cookie")
        .to_string();
    assert!(
        cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"),
        "{cookie_line}"
    );
    let cookie = cookie_line
        .trim_start_matches("Set-Cookie: ")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let with_cookie = format!("{host}Cookie: {cookie}\r\n");
    let page = send(
        addr,
        "GET",
        "/sop/perencanaan/lakip/ubah",
        &with_cookie,
        b"",
    )
    .text();
    let token = page
        .split("data-token=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a CSRF token in the page")
        .to_string();

    // A session without the token, with a wrong token, or under a foreign Host: refused.
    for (headers, status) in [
        (format!("{with_cookie}{json}"), 403),
        (
            format!("{with_cookie}{json}X-Sopan-Token: 00{}\r\n", &token[2..]),
            403,
        ),
        (
            format!(
                "Host: evil.example:{}\r\nCookie: {cookie}\r\n{json}X-Sopan-Token: {token}\r\n",
                addr.port()
            ),
            403,
        ),
        (
            format!("{with_cookie}X-Sopan-Token: {token}\r\nContent-Type: text/plain\r\n"),
            415,
        ),
    ] {
        let r = send(
            addr,
            "POST",
            "/sop/perencanaan/lakip/simpan",
            &headers,
            body.as_bytes(),
        );
        assert_eq!(r.status, status, "{headers}\n{}", r.text());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    }
    // A body over the limit is refused before it is read.
    let r = send(
        addr,
        "POST",
        "/sop/perencanaan/lakip/simpan",
        &format!(
            "{with_cookie}{json}X-Sopan-Token: {token}\r\nContent-Length: {}\r\n",
            sopan::preview::http::MAX_BODY + 1
        ),
        b"",
    );
    assert_eq!(r.status, 413);

    // With all three: saved, and the history names who.
    let named = format!(
        "Host: sop.dinas.local:{}\r\nCookie: {cookie}\r\n{json}X-Sopan-Token: {token}\r\n",
        addr.port()
    );
    let r = send(
        addr,
        "POST",
        "/sop/perencanaan/lakip/simpan",
        &named,
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        before.replace("nama = \"PENYUSUNAN LAKIP\"", "nama = \"DIUBAH\"")
    );
    let history = riwayat::read(&dir).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].pengguna, "sari");
    assert_eq!(history[0].ringkasan, "nama");

    // Repeated failures are slowed down.
    let other = format!("Host: 10.1.2.3:{}\r\n", addr.port());
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(login("salah-lagi", &other).status);
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429]);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_loopback_preview_wants_its_token_for_every_change() {
    let dir = catalogue("form-lokal", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let host = format!("Host: 127.0.0.1:{}\r\n", addr.port());
    let body =
        serde_json::json!({ "form": sopan::editor::read(&before).unwrap(), "dasar": before })
            .to_string();
    let json = "Content-Type: application/json\r\n";
    for target in [
        "/sop/perencanaan/lakip/simpan",
        "/sop/perencanaan/lakip/draf",
        "/baru",
    ] {
        let r = send(
            addr,
            "POST",
            target,
            &format!("{host}{json}"),
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "{target}");
    }
    let r = send(addr, "GET", "/sop/perencanaan/lakip/simpan", &host, b"");
    assert_eq!(r.status, 405);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accounts_and_history_from_the_command_line() {
    use std::io::Write as _;
    let dir = catalogue("form-cli", &["lakip"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(["pengguna", "tambah", "sari", "--katalog"])
        .arg(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run sopan");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"kata-sandi-panjang\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Akun \"sari\" disimpan"));
    assert!(
        Akun::open(&dir)
            .unwrap()
            .verify("sari", "kata-sandi-panjang")
    );
    let list = crate::common::sopan(["pengguna", "daftar", "--katalog", dir.to_str().unwrap()]);
    assert_eq!(list.out, "sari  penyusun\n");
    let empty = crate::common::sopan(["riwayat", dir.to_str().unwrap()]);
    assert!(empty.out.contains("Belum ada penyimpanan"), "{}", empty.out);
    riwayat::append(
        &dir,
        &riwayat::Catatan {
            waktu: "2026-12-02T09:15:00Z".into(),
            pengguna: "sari".into(),
            berkas: "perencanaan/lakip.toml".into(),
            ringkasan: "nama; langkah 3 (kegiatan)".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let shown = crate::common::sopan_tz(["riwayat", dir.to_str().unwrap()], "UTC0");
    assert_eq!(
        shown.out,
        "2026-12-02 09:15 +00:00  sari  perencanaan/lakip.toml: nama; langkah 3 (kegiatan)\n"
    );

    let wrong = crate::common::sopan([
        "pengguna",
        "hapus",
        "budi",
        "--katalog",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(wrong.code, 1);
    assert!(
        wrong.err.contains("pengguna \"budi\" tidak ada"),
        "{}",
        wrong.err
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 26 (6): `sopan riwayat` showed UTC only; an office reads its own clock, with the
/// offset from UTC said, and a zone with summer time gives each line its own offset.
#[test]
fn sopan_riwayat_prints_local_time_with_the_utc_offset() {
    let dir = crate::common::scratch("riwayat-waktu");
    for (waktu, ringkasan) in [
        ("2026-12-07T07:03:00Z", "nama"),
        ("2026-06-30T23:30:00Z", "langkah 2 (waktu)"),
    ] {
        riwayat::append(
            &dir,
            &riwayat::Catatan {
                waktu: waktu.into(),
                pengguna: "sari".into(),
                berkas: "lakip.toml".into(),
                ringkasan: ringkasan.into(),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let wib = crate::common::sopan_tz(["riwayat", dir.to_str().unwrap()], "WIB-7");
    assert_eq!(wib.code, 0, "{}", wib.err);
    assert_eq!(
        wib.out,
        "2026-12-07 14:03 +07:00  sari  lakip.toml: nama\n\
         2026-07-01 06:30 +07:00  sari  lakip.toml: langkah 2 (waktu)\n"
    );
    let ny = crate::common::sopan_tz(["riwayat", dir.to_str().unwrap()], "EST5EDT,M3.2.0,M11.1.0");
    assert_eq!(
        ny.out,
        "2026-12-07 02:03 -05:00  sari  lakip.toml: nama\n\
         2026-06-30 19:30 -04:00  sari  lakip.toml: langkah 2 (waktu)\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
