//! The preview for everyone (WCAG 2.1 AA): axe-core over every page and every state of
//! the form, focus that follows the user's action and never falls to the page body,
//! errors and the save state announced, and reflow at 320 CSS pixels. In headless
//! Chromium, with axe-core from the npm registry (installed by `.ci/run`).

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

use crate::common::{SANDI_SARI, office, root};
use crate::peramban::{Browser, Chromium, Key};
use crate::preview::{catalogue, wait_rendered};
use sopan::editor::akun::Akun;
use sopan::preview::{self, Options};

/// axe-core's WCAG 2.1 A and AA rules.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']";

fn axe_source() -> String {
    let path = root().join(".ci/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: the accessibility test needs axe-core from npm \
             (`cd .ci && npm install --no-save axe-core@4.14.1`; .ci/run installs it)",
            path.display()
        )
    })
}

/// One axe violation: rule, impact and the elements it found.
#[derive(Debug)]
struct Violation {
    rule: String,
    impact: String,
    targets: Vec<String>,
}

/// Runs axe-core on the page as it stands.
fn axe(b: &mut Chromium, source: &str) -> Vec<Violation> {
    if b.eval("typeof window.axe") != "object" {
        b.eval(source);
    }
    let found = b.eval(&format!(
        "axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }}, resultTypes: ['violations'] }})\
         .then(r => r.violations.map(v => ({{ rule: v.id, impact: v.impact, \
           targets: v.nodes.map(n => n.target.join(' ')) }})))"
    ));
    found
        .as_array()
        .expect("axe results")
        .iter()
        .map(|v| Violation {
            rule: v["rule"].as_str().unwrap_or_default().to_string(),
            impact: v["impact"].as_str().unwrap_or_default().to_string(),
            targets: v["targets"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn print_counts(page: &str, violations: &[Violation]) {
    let count = |level: &str| violations.iter().filter(|v| v.impact == level).count();
    eprintln!(
        "axe {page}: {} critical, {} serious, {} moderate, {} minor",
        count("critical"),
        count("serious"),
        count("moderate"),
        count("minor")
    );
    for v in violations {
        eprintln!("    {} {}: {}", v.impact, v.rule, v.targets.join(", "));
    }
}

fn loopback(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

fn log_in(b: &mut Chromium, base: &str) {
    b.open(&format!("{base}/masuk"));
    b.click("input[name=nama]");
    b.type_text("sari");
    b.press(Key::Tab);
    b.type_text(SANDI_SARI);
    b.press(Key::Enter);
    b.wait_for(
        "location.pathname === '/' && !!document.getElementById('keluar')",
        Duration::from_secs(20),
    );
}

fn open_form(b: &mut Chromium, base: &str) {
    b.open(&format!("{base}/sop/perencanaan/lakip/ubah"));
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img')",
        Duration::from_secs(30),
    );
}

/// The id (or tag) of the focused element.
fn focused(b: &mut Chromium) -> String {
    b.eval(
        "(() => { const e = document.activeElement; \
           return !e || e === document.body ? 'BODY' : (e.id || e.tagName + ':' + (e.textContent || '').trim()); })()",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Waits until the draft sheet answered the last change.
fn drawn(b: &mut Chromium) {
    b.wait_for(
        "document.body.dataset.draf === 'siap'",
        Duration::from_secs(30),
    );
}

#[test]
fn every_page_and_form_state_has_no_critical_or_serious_axe_violation() {
    let source = axe_source();
    let dir = catalogue("axe", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    let base = format!("http://{addr}");
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("axe", 1366, 768);
    let mut report: Vec<(String, Vec<Violation>)> = Vec::new();
    let mut check = |page: &str, b: &mut Chromium| {
        let violations = axe(b, &source);
        print_counts(page, &violations);
        report.push((page.to_string(), violations));
    };

    b.open(&format!("{base}/masuk"));
    check("masuk", &mut b);
    b.open(&format!("{base}/tidak-ada"));
    check("404", &mut b);
    log_in(&mut b, &base);
    check("daftar", &mut b);
    b.open(&format!("{base}/sop/perencanaan/lakip"));
    check("sop", &mut b);
    open_form(&mut b, &base);
    check("formulir", &mut b);

    // After adding a pelaksana (typed) and a langkah.
    b.click("button[data-aksi='tambah-pelaksana']");
    b.type_text("Staf Perencanaan");
    b.click("button[data-aksi='tambah-langkah']");
    b.type_text("Mengarsipkan LAKIP");
    drawn(&mut b);
    check("formulir + pelaksana + langkah", &mut b);

    // With a field error: the Nomor emptied.
    b.click("#f-nomor");
    b.eval("document.getElementById('f-nomor').select()");
    b.press(Key::Backspace);
    b.wait_for(
        "document.getElementById('f-nomor').getAttribute('aria-invalid') === 'true'",
        Duration::from_secs(30),
    );
    check("formulir dengan kesalahan", &mut b);

    let bad: Vec<String> = report
        .iter()
        .flat_map(|(page, violations)| {
            violations
                .iter()
                .filter(|v| v.impact == "critical" || v.impact == "serious")
                .map(move |v| format!("{page}: {} {} {:?}", v.impact, v.rule, v.targets))
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn focus_follows_the_action_and_never_falls_to_the_body() {
    let dir = catalogue("fokus", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    let base = format!("http://{addr}");
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("fokus", 1366, 768);
    log_in(&mut b, &base);
    open_form(&mut b, &base);

    // "+ Tambah butir": the cursor is in the new item.
    let items = b.eval("document.querySelectorAll('[data-jalur=dasar_hukum] textarea').length");
    let n = items.as_u64().unwrap();
    b.click("[data-jalur=dasar_hukum] button[data-aksi='tambah-butir']");
    assert_eq!(focused(&mut b), format!("dasar_hukum-{n}"));
    b.type_text("Peraturan baru");
    // Each click waits for the draft's answer to the change before: a redraw landing
    // between finding a button and pressing it would move the button away from the
    // pointer, and the press would fall on the page.
    drawn(&mut b);
    // "↑" on the new item: focus stays on the moved item's own button.
    b.click(&format!("#dasar_hukum-{n} ~ button[data-aksi='naik']"));
    let now = focused(&mut b);
    assert_ne!(now, "BODY");
    assert_eq!(
        b.eval(&format!(
            "document.getElementById('dasar_hukum-{}').value",
            n - 1
        )),
        "Peraturan baru"
    );
    // "✕ Hapus butir": focus goes to the neighbour that took its place.
    drawn(&mut b);
    b.click(&format!(
        "#dasar_hukum-{} ~ button[data-aksi='hapus']",
        n - 1
    ));
    assert_eq!(focused(&mut b), format!("dasar_hukum-{}", n - 1));

    // A pelaksana name typed, then Tab: the next control, not the body.
    drawn(&mut b);
    b.click("#t0-pelaksana-0");
    b.type_text(" UTAMA");
    b.press(Key::Tab);
    assert_ne!(focused(&mut b), "BODY");

    // "Hapus langkah 2": focus to the step that is now number 2.
    drawn(&mut b);
    b.click("fieldset.langkah:nth-of-type(2) button[data-aksi='hapus-langkah']");
    let now = focused(&mut b);
    assert_ne!(now, "BODY");
    assert_eq!(
        b.eval("document.activeElement.closest('fieldset.langkah') === document.querySelectorAll('fieldset.langkah')[1]"),
        true,
        "{now}"
    );

    // "Simpan": focus to the save state, which says it saved.
    drawn(&mut b);
    b.click("#simpan");
    b.wait_for(
        "document.getElementById('keadaan').textContent === 'Tersimpan'",
        Duration::from_secs(30),
    );
    assert_eq!(focused(&mut b), "keadaan");

    // Tab from the top of the form to "+ Tambah langkah", counting the stops; focus
    // never falls to the body on the way.
    b.click("#f-nomor");
    let mut stops = 0;
    loop {
        b.press(Key::Tab);
        stops += 1;
        let at = focused(&mut b);
        assert_ne!(at, "BODY", "after {stops} tabs");
        if b.eval("document.activeElement.dataset.aksi === 'tambah-langkah'") == true {
            break;
        }
        assert!(stops < 400, "never reached + Tambah langkah");
    }
    eprintln!("Tab stops from Nomor SOP to + Tambah langkah: {stops}");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_and_the_save_state_are_announced_beside_their_field() {
    let dir = catalogue("umumkan", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    let base = format!("http://{addr}");
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("umumkan", 1366, 768);
    log_in(&mut b, &base);
    open_form(&mut b, &base);
    assert_eq!(
        b.eval("document.querySelectorAll('[aria-live=polite], [role=status]').length"),
        1,
        "one polite live region"
    );
    b.click("#f-nomor");
    b.eval("document.getElementById('f-nomor').select()");
    b.press(Key::Backspace);
    b.wait_for(
        "document.getElementById('f-nomor').getAttribute('aria-invalid') === 'true'",
        Duration::from_secs(30),
    );
    let described: Value = b.eval(
        "(() => { const f = document.getElementById('f-nomor'); \
           return (f.getAttribute('aria-describedby') || '').split(' ') \
             .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' '); })()",
    );
    assert!(
        described.as_str().is_some_and(|t| t.contains("Nomor")),
        "{described}"
    );
    b.wait_for(
        "document.querySelector('[aria-live=polite], [role=status]').textContent.includes('kesalahan')",
        Duration::from_secs(10),
    );
    b.type_text("503/1/SOP/2024");
    b.wait_for(
        "document.getElementById('f-nomor').getAttribute('aria-invalid') !== 'true'",
        Duration::from_secs(30),
    );
    b.click("#simpan");
    b.wait_for(
        "document.querySelector('[aria-live=polite], [role=status]').textContent.includes('Tersimpan')",
        Duration::from_secs(30),
    );
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_form_and_the_sop_page_reflow_at_320_css_pixels() {
    let dir = catalogue("reflow", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    let base = format!("http://{addr}");
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("reflow", 320, 640);
    log_in(&mut b, &base);
    assert_eq!(
        b.eval("window.innerWidth"),
        320,
        "the window is 320 CSS pixels wide"
    );
    let overflow = "(() => { const w = document.documentElement.clientWidth; \
        return Array.from(document.querySelectorAll('body *')).filter(e => { \
          const r = e.getBoundingClientRect(); \
          return r.width > 0 && r.right > w + 1 && !e.closest('.gulir'); }) \
          .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).slice(0, 10); })()";
    for page in ["/sop/perencanaan/lakip", "/sop/perencanaan/lakip/ubah"] {
        b.open(&format!("{base}{page}"));
        if page.ends_with("ubah") {
            b.wait_for(
                "document.body.dataset.siap === 'ya'",
                Duration::from_secs(30),
            );
        }
        assert_eq!(
            b.eval("document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            true,
            "{page} scrolls sideways: {}",
            b.eval(overflow)
        );
        assert_eq!(b.eval(overflow), serde_json::json!([]), "{page}");
        b.screenshot(&format!("reflow-{}", page.replace('/', "-")));
    }
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Logs `nama` in (password [`SANDI_SARI`]), typed.
fn log_in_as(b: &mut Chromium, base: &str, nama: &str) {
    b.open(&format!("{base}/masuk"));
    b.click("input[name=nama]");
    b.type_text(nama);
    b.press(Key::Tab);
    b.type_text(SANDI_SARI);
    b.press(Key::Enter);
    b.wait_for(
        "location.pathname === '/' && !!document.getElementById('keluar')",
        Duration::from_secs(20),
    );
}

fn log_out(b: &mut Chromium, base: &str) {
    b.open(&format!("{base}/"));
    b.click("#keluar");
    b.wait_for(
        "!document.getElementById('keluar')",
        Duration::from_secs(20),
    );
}

fn open_flow(b: &mut Chromium, base: &str, tahap: &str) {
    open_form(b, base);
    b.wait_for(
        &format!("document.body.dataset.alur === '{tahap}'"),
        Duration::from_secs(30),
    );
    drawn(b);
}

#[test]
fn the_approval_flow_states_have_no_critical_or_serious_axe_violation() {
    use sopan::editor::akun::Peran;
    let source = axe_source();
    let pki = crate::tanda::pki_with_signers("axe-alur");
    let dir = catalogue("axe-alur", &["lakip"]);
    let mut akun = Akun::open(&dir).unwrap();
    for (nama, peran) in [
        ("sari", vec![Peran::Penyusun, Peran::Admin]),
        ("budi", vec![Peran::Pemeriksa]),
        ("kadis", vec![Peran::Pengesah]),
    ] {
        akun.set(nama, SANDI_SARI).unwrap();
        akun.set_peran(nama, &peran).unwrap();
    }
    akun.save().unwrap();
    // On loopback with a login: the pengesah's page takes the certificate's password.
    let server = preview::start(&Options {
        wajib_masuk: true,
        ..Options::loopback(dir.clone())
    })
    .expect("preview starts");
    let addr = server.addr();
    let base = format!("http://{addr}");
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("axe-alur", 1366, 768);
    let mut report: Vec<(String, Vec<Violation>)> = Vec::new();
    let mut check = |page: &str, b: &mut Chromium| {
        let violations = axe(b, &source);
        print_counts(page, &violations);
        report.push((page.to_string(), violations));
    };

    // The penyusun (and admin): kop and signer fields, katalog.toml's open.
    log_in_as(&mut b, &base, "sari");
    open_flow(&mut b, &base, "konsep");
    b.click("#kop-katalog summary");
    check("konsep: kop dan penanda tangan, katalog.toml", &mut b);
    b.click("#ajukan");
    b.wait_for(
        "document.body.dataset.alur === 'diajukan'",
        Duration::from_secs(30),
    );
    drawn(&mut b);
    check("diajukan: hanya baca", &mut b);
    log_out(&mut b, &base);

    // The pemeriksa writing a note beside a field.
    log_in_as(&mut b, &base, "budi");
    open_flow(&mut b, &base, "diajukan");
    b.click("#catat-nomor");
    b.type_text("Nomor belum sesuai");
    check("pemeriksa: catatan per isian", &mut b);
    b.click("#kembalikan");
    b.wait_for(
        "document.body.dataset.alur === 'konsep'",
        Duration::from_secs(30),
    );
    log_out(&mut b, &base);

    // The penyusun with the note beside its field.
    log_in_as(&mut b, &base, "sari");
    open_flow(&mut b, &base, "konsep");
    check("dikembalikan: catatan di samping isian", &mut b);
    b.click("#ajukan");
    b.wait_for(
        "document.body.dataset.alur === 'diajukan'",
        Duration::from_secs(30),
    );
    log_out(&mut b, &base);
    log_in_as(&mut b, &base, "budi");
    open_flow(&mut b, &base, "diajukan");
    b.click("#teruskan");
    b.wait_for(
        "document.body.dataset.alur === 'diteruskan'",
        Duration::from_secs(30),
    );
    log_out(&mut b, &base);

    // The pengesah: the certificate form, its error, then approved.
    log_in_as(&mut b, &base, "kadis");
    open_flow(&mut b, &base, "diteruskan");
    check("pengesah: sertifikat dan kata sandi", &mut b);
    b.click("#sahkan");
    b.wait_for(
        "!document.getElementById('alur-pesan').hidden",
        Duration::from_secs(10),
    );
    check("pengesah: pesan kesalahan", &mut b);
    b.choose_file("#sertifikat", &pki.path("rsa.p12"));
    b.click("#sandi");
    b.type_text(crate::tanda::SANDI);
    b.click("#sahkan");
    b.wait_for(
        "document.body.dataset.alur === 'disahkan'",
        Duration::from_secs(60),
    );
    check("disahkan", &mut b);
    let kode = b
        .eval("document.querySelector('#alur-disahkan a').textContent")
        .as_str()
        .unwrap()
        .to_string();
    b.open(&format!("{base}/sop/perencanaan/lakip"));
    check("sop: panel pengesahan", &mut b);
    log_out(&mut b, &base);
    b.open(&format!("{base}/verifikasi/{kode}"));
    check("verifikasi", &mut b);
    b.open(&format!("{base}/verifikasi/0000000000"));
    check("verifikasi: kode tidak ada", &mut b);

    let bad: Vec<String> = report
        .iter()
        .flat_map(|(page, violations)| {
            violations
                .iter()
                .filter(|v| v.impact == "critical" || v.impact == "serious")
                .map(move |v| format!("{page}: {} {} {:?}", v.impact, v.rule, v.targets))
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
