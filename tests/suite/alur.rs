//! The approval flow on the office server, end to end: three accounts in headless
//! Chromium (the penyusun edits and submits, the pemeriksa sends it back with a note
//! beside a field, the penyusun fixes and resubmits, the pemeriksa forwards, the pengesah
//! approves with a .p12 made at test time), the archived PDF verified by `sopan
//! verifikasi` and pdfsig, and the QR code's address opened by a browser without login.
//! Then the refusals over HTTP, each leaving the SOP file as it was; the password refused
//! off loopback without TLS; an approval that stops holding when the text changes and
//! the revision it starts; the history's chain checked by `sopan riwayat --periksa`;
//! and roles set with `sopan pengguna`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::*;
use crate::peramban::{Browser, Chromium, Firefox, Key};
use crate::preview::{Reply, send, wait_rendered};
use crate::tanda::{Key as Kunci, NIP, SANDI};
use sopan::editor::akun::{Akun, Peran};
use sopan::editor::riwayat;
use sopan::preview::{self, Options};

/// The accounts' password.
const SANDI_AKUN: &str = "kata-sandi-panjang";

/// The catalogue's verification base address: the office's public server.
const ALAMAT: &str = "https://sop.pagaralamkota.go.id/verifikasi";

/// A copy of the Pagar Alam catalogue with a verification address and the accounts
/// sari (penyusun), budi (pemeriksa) and kadis (pengesah); its LAKIP SOP.
fn catalogue(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(&format!("alur-{name}")).join("katalog");
    copy_dir(&root().join("examples/pagar-alam-dpmptsptk"), &dir);
    let katalog = dir.join("katalog.toml");
    let text = std::fs::read_to_string(&katalog).unwrap().replacen(
        "[katalog]\n",
        &format!("[katalog]\nalamat_verifikasi = \"{ALAMAT}\"\n"),
        1,
    );
    std::fs::write(&katalog, text).unwrap();
    let mut akun = Akun::open(&dir).unwrap();
    for (nama, peran) in [
        ("sari", Peran::Penyusun),
        ("budi", Peran::Pemeriksa),
        ("kadis", Peran::Pengesah),
    ] {
        akun.set(nama, SANDI_AKUN).unwrap();
        akun.set_peran(nama, &[peran]).unwrap();
    }
    akun.save().unwrap();
    let sop = dir.join("perencanaan/lakip.toml");
    (dir, sop)
}

/// A preview of `dir` on `host`, where editing needs a login; with `proxy`, behind a
/// reverse proxy on this computer that speaks HTTPS to the browsers (requests that say
/// `X-Forwarded-Proto: https` from 127.0.0.1 count as HTTPS, as [`Sesi::https`] sends).
fn office(dir: &Path, host: &str, proxy: bool) -> preview::Preview {
    preview::start(&Options {
        host: host.into(),
        wajib_masuk: true,
        proxy: proxy.then_some(std::net::IpAddr::from([127, 0, 0, 1])),
        ..Options::loopback(dir.to_path_buf())
    })
    .expect("preview starts")
}

fn loopback(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

/// Logs `nama` in through the login page, typed.
fn log_in(b: &mut impl Browser, base: &str, nama: &str) {
    b.open(&format!("{base}/masuk"));
    b.click("input[name=nama]");
    b.type_text(nama);
    b.press(Key::Tab);
    b.type_text(SANDI_AKUN);
    b.press(Key::Enter);
    b.wait_for(
        "location.pathname === '/' && !!document.getElementById('keluar')",
        Duration::from_secs(20),
    );
}

/// Logs out with the index's "Keluar".
fn log_out(b: &mut impl Browser, base: &str) {
    b.open(&format!("{base}/"));
    b.click("#keluar");
    b.wait_for(
        "location.pathname === '/' && !document.getElementById('keluar')",
        Duration::from_secs(20),
    );
}

/// Opens LAKIP's form and waits until it and its draft are there.
fn open_form(b: &mut impl Browser, base: &str) {
    b.open(&format!("{base}/sop/perencanaan/lakip/ubah"));
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img') \
         && !document.getElementById('alur').hidden",
        Duration::from_secs(30),
    );
}

/// Waits until the form shows the SOP at stage `tahap`.
fn at_stage(b: &mut impl Browser, tahap: &str) {
    b.wait_for(
        &format!("document.body.dataset.alur === '{tahap}'"),
        Duration::from_secs(60),
    );
}

fn text_of(b: &mut impl Browser, selector: &str) -> String {
    b.eval(&format!(
        "(() => {{ const e = document.querySelector({}); return e ? e.textContent : ''; }})()",
        Value::String(selector.into())
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
fn the_approval_flow_runs_end_to_end_with_three_accounts_in_a_browser() {
    let mut b = Chromium::launch_sized("alur", 1366, 900);
    flow_end_to_end(&mut b, "chromium");
}

#[test]
fn the_approval_flow_runs_end_to_end_in_firefox() {
    let mut b = Firefox::launch("alur");
    flow_end_to_end(&mut b, "firefox");
}

/// The whole flow in browser `b` (named `name` for its files): three accounts, the
/// archived PDF verified, the QR address opened without login, the history chained.
fn flow_end_to_end(b: &mut impl Browser, name: &str) {
    let pki = crate::tanda::pki_with_signers(&format!("alur-e2e-{name}"));
    pki.signer(
        "tanpa-nip",
        Kunci::P256,
        "/CN=GUNSONO MEKSON",
        None,
        "penanda",
    );
    let no_nip = pki.p12("tanpa-nip", "tanpa-nip.p12", &[]);
    let (dir, sop) = catalogue(&format!("e2e-{name}"));
    let server = office(&dir, "127.0.0.1", false);
    let addr = server.addr();
    let base = format!("http://{addr}");
    wait_rendered(addr);

    // 1. The penyusun fixes the signer's rank in this SOP only, saves and submits.
    log_in(b, &base, "sari");
    open_form(b, &base);
    at_stage(b, "konsep");
    assert_eq!(
        text_of(b, "#alur-pemegang"),
        "Sekarang di tangan penyusun: sari."
    );
    assert!(
        text_of(b, "#f-kop-pengesahan-pangkat-asal").contains("Diwarisi dari katalog.toml"),
        "the inherited signer is marked"
    );
    b.click("#f-kop-pengesahan-pangkat");
    b.type_text("Pembina Utama Madya / IV.d");
    b.wait_for(
        "!document.getElementById('simpan').disabled && document.getElementById('ajukan').disabled",
        Duration::from_secs(30),
    );
    b.screenshot(&format!("alur-1-penyusun-mengubah-{name}"));
    b.click("#simpan");
    b.wait_for(
        "document.getElementById('keadaan').textContent === 'Tersimpan' \
         && !document.getElementById('ajukan').disabled",
        Duration::from_secs(30),
    );
    let saved = std::fs::read_to_string(&sop).unwrap();
    assert!(
        saved.contains("[pengesahan]\npangkat = \"Pembina Utama Madya / IV.d\""),
        "{saved}"
    );
    assert!(saved.contains("# [instansi] dan [pengesahan] diwarisi"));
    b.click("#ajukan");
    at_stage(b, "diajukan");
    assert_eq!(
        b.eval("document.activeElement.id"),
        "alur-judul",
        "focus goes to the stage"
    );
    // The page says who holds it now: the reviewer, by name.
    assert_eq!(
        text_of(b, "#alur-pemegang"),
        "Sekarang di tangan pemeriksa: budi."
    );
    // While submitted the form is read only, and says why.
    assert!(text_of(b, "#baca-saja").contains("sedang diajukan"));
    assert_eq!(
        b.eval("document.getElementById('f-nama').readOnly && document.getElementById('f-status').disabled"),
        true
    );
    let before = std::fs::read(&sop).unwrap();
    b.click("#f-nama");
    b.type_text(" BARU");
    assert_eq!(
        b.eval("document.getElementById('f-nama').value"),
        "PENYUSUNAN LAKIP"
    );
    assert_eq!(b.eval("document.getElementById('simpan').disabled"), true);
    b.screenshot(&format!("alur-2-diajukan-hanya-baca-{name}"));
    assert_eq!(
        std::fs::read(&sop).unwrap(),
        before,
        "the file is unchanged"
    );
    log_out(b, &base);

    // 2. The pemeriksa writes a note beside Nomor SOP and sends it back.
    log_in(b, &base, "budi");
    open_form(b, &base);
    at_stage(b, "diajukan");
    assert_eq!(
        b.eval("!!document.getElementById('teruskan') && !!document.getElementById('kembalikan') && !document.getElementById('ajukan')"),
        true
    );
    b.click("#catat-nomor");
    b.wait_for(
        "document.activeElement && document.activeElement.id === 'koreksi-nomor'",
        Duration::from_secs(10),
    );
    b.type_text("Nomor belum mengikuti tata naskah 2025: pakai 800/");
    b.screenshot(&format!("alur-3-pemeriksa-mencatat-{name}"));
    b.click("#kembalikan");
    at_stage(b, "konsep");
    log_out(b, &base);

    // 3. The penyusun sees the note beside the field, fixes and resubmits.
    log_in(b, &base, "sari");
    open_form(b, &base);
    at_stage(b, "konsep");
    let described = b.eval(
        "(() => { const f = document.getElementById('f-nomor'); \
           return (f.getAttribute('aria-describedby') || '').split(' ') \
             .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' | '); })()",
    );
    assert!(
        described
            .as_str()
            .is_some_and(|t| t.contains("Catatan pemeriksa (budi): Nomor belum mengikuti")),
        "{described}"
    );
    assert!(text_of(b, "#koreksi-daftar").contains("Nomor SOP"));
    b.screenshot(&format!("alur-4-penyusun-melihat-catatan-{name}"));
    b.click("#f-nomor");
    b.eval("document.getElementById('f-nomor').select()");
    b.type_text("800/22/SOP.PRCN/DISPMPTSPTK/2025");
    b.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(30),
    );
    b.click("#simpan");
    b.wait_for(
        "document.getElementById('keadaan').textContent === 'Tersimpan' \
         && !document.getElementById('ajukan').disabled",
        Duration::from_secs(30),
    );
    b.click("#ajukan");
    at_stage(b, "diajukan");
    log_out(b, &base);

    // 4. The pemeriksa forwards it.
    log_in(b, &base, "budi");
    open_form(b, &base);
    b.click("#teruskan");
    at_stage(b, "diteruskan");
    assert_eq!(
        text_of(b, "#alur-pemegang"),
        "Sekarang di tangan pengesah: kadis."
    );
    // The SOP's page says it too, beside its stage.
    b.open(&format!("{base}/sop/perencanaan/lakip"));
    assert!(text_of(b, "#pengesahan").contains("diteruskan"));
    assert_eq!(
        text_of(b, "#pemegang"),
        "Sekarang di tangan pengesah: kadis."
    );
    log_out(b, &base);

    // 5. The pengesah: a wrong password, then a certificate without NIP (a warning to
    //    confirm, cancelled), then the right certificate and password.
    log_in(b, &base, "kadis");
    open_form(b, &base);
    at_stage(b, "diteruskan");
    let before = std::fs::read(&sop).unwrap();
    b.choose_file("#sertifikat", &pki.path("rsa.p12"));
    b.click("#sandi");
    b.type_text("bukan-sandinya");
    b.click("#sahkan");
    b.wait_for(
        "document.getElementById('alur-pesan').textContent.includes('kata sandi sertifikat salah')",
        Duration::from_secs(30),
    );
    assert_eq!(b.eval("document.activeElement.id"), "alur-pesan");
    assert_eq!(
        std::fs::read(&sop).unwrap(),
        before,
        "wrong password: unchanged"
    );
    assert!(archived(&dir).is_empty());

    b.choose_file("#sertifikat", &no_nip);
    b.click("#sandi");
    b.eval("document.getElementById('sandi').select()");
    b.type_text(SANDI);
    b.click("#sahkan");
    b.wait_for(
        "!!document.getElementById('sahkan-tetap')",
        Duration::from_secs(30),
    );
    assert!(text_of(b, "#sahkan-peringatan").contains("tidak memuat NIP"));
    b.screenshot(&format!("alur-5-peringatan-sertifikat-{name}"));
    assert_eq!(std::fs::read(&sop).unwrap(), before, "warning: unchanged");
    b.click("#batal-sahkan");
    b.wait_for(
        "!document.getElementById('sahkan-tetap')",
        Duration::from_secs(10),
    );

    b.choose_file("#sertifikat", &pki.path("rsa.p12"));
    b.click("#sahkan");
    at_stage(b, "disahkan");
    assert!(text_of(b, "#alur-disahkan").contains("Kode verifikasi"));
    assert_eq!(
        b.eval("!!document.getElementById('alur-pemegang')"),
        false,
        "nobody holds an approved SOP"
    );
    b.screenshot(&format!("alur-6-disahkan-{name}"));
    let approved = std::fs::read_to_string(&sop).unwrap();
    assert!(approved.contains("status = \"berlaku\""), "{approved}");
    assert!(approved.contains("800/22/SOP.PRCN/DISPMPTSPTK/2025"));
    let pdfs = archived(&dir);
    assert_eq!(pdfs.len(), 1, "{pdfs:?}");
    let pdf = &pdfs[0];

    // The archived PDF verifies with sopan and pdfsig.
    let ca = pki.path("ca.pem");
    let run = sopan([
        "verifikasi".as_ref(),
        pdf.as_os_str(),
        "--akar".as_ref(),
        ca.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(run.out.contains("hasil: SAH dan UTUH"), "{}", run.out);
    assert!(
        run.out.contains("masih sama dengan teks SOP sekarang"),
        "{}",
        run.out
    );
    let sig = Command::new("pdfsig").arg(pdf).output().unwrap();
    let sig = String::from_utf8_lossy(&sig.stdout);
    assert!(
        sig.contains("Signature is Valid.") && sig.contains("Total document signed"),
        "{sig}"
    );

    // 6. The QR code's address, opened by a browser that never logged in.
    let qr = qr_on_page_1(pdf);
    let path = qr
        .strip_prefix("https://sop.pagaralamkota.go.id")
        .unwrap_or_else(|| panic!("QR code: {qr}"));
    assert!(path.starts_with("/verifikasi/"), "{qr}");
    let mut public = Chromium::launch_sized(&format!("alur-publik-{name}"), 800, 900);
    public.open(&format!("{base}{path}"));
    assert!(text_of(&mut public, "#status-hari-ini").contains("berlaku"));
    let page = text_of(&mut public, "main");
    for expected in [
        "800/22/SOP.PRCN/DISPMPTSPTK/2025",
        "PENYUSUNAN LAKIP",
        "GUNSONO MEKSON",
        "Kepala Dinas",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    public.screenshot("alur-7-verifikasi-publik");
    let download = crate::preview::get(loopback(addr), &format!("{path}/unduh.pdf"));
    assert_eq!(download.status, 200);
    assert_eq!(download.body, std::fs::read(pdf).unwrap());

    // The history holds every move, chained.
    let history = riwayat::read(&dir).unwrap();
    let moves: Vec<&str> = history
        .iter()
        .filter(|c| !c.gerak.is_empty())
        .map(|c| c.gerak.as_str())
        .collect();
    assert_eq!(
        moves,
        ["ajukan", "kembalikan", "ajukan", "teruskan", "sahkan"]
    );
    assert!(
        history
            .iter()
            .filter(|c| c.gerak == "ajukan")
            .all(|c| c.sha256.as_ref().is_some_and(|s| s.len() == 64))
    );
    let check = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(check.code, 0, "{}{}", check.out, check.err);
    assert!(check.out.contains("rantai riwayat utuh"), "{}", check.out);
    drop(public);
    server.stop();
}

/// A session of `nama` over raw HTTP: its cookie and CSRF token.
struct Sesi {
    addr: SocketAddr,
    cookie: String,
    token: String,
    /// Headers a reverse proxy adds to every request: none, or the HTTPS one.
    proxy: &'static str,
}

impl Sesi {
    fn masuk(addr: SocketAddr, nama: &str) -> Self {
        Self::lewat(addr, nama, "")
    }

    /// Logs in through a reverse proxy that speaks HTTPS to the browser.
    fn https(addr: SocketAddr, nama: &str) -> Self {
        Self::lewat(addr, nama, "X-Forwarded-Proto: https\r\n")
    }

    fn lewat(addr: SocketAddr, nama: &str, proxy: &'static str) -> Self {
        let host = format!("Host: {addr}\r\n{proxy}");
        let reply = send(
            addr,
            "POST",
            "/masuk",
            &format!("{host}Content-Type: application/x-www-form-urlencoded\r\n"),
            format!("nama={nama}&sandi={SANDI_AKUN}").as_bytes(),
        );
        assert_eq!(reply.status, 303, "{}", reply.text());
        let cookie = reply
            .head
            .lines()
            .find_map(|l| l.strip_prefix("Set-Cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_string();
        let page = send(
            addr,
            "GET",
            "/sop/perencanaan/lakip/ubah",
            &format!("{host}Cookie: {cookie}\r\n"),
            b"",
        )
        .text();
        let token = page
            .split("data-token=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .expect("a CSRF token")
            .to_string();
        Self {
            addr,
            cookie,
            token,
            proxy,
        }
    }

    fn post(&self, what: &str, body: &Value) -> (u16, Value) {
        let reply: Reply = send(
            self.addr,
            "POST",
            &format!("/sop/perencanaan/lakip/{what}"),
            &format!(
                "Host: {}\r\n{}Cookie: {}\r\nX-Sopan-Token: {}\r\nContent-Type: application/json\r\n",
                self.addr, self.proxy, self.cookie, self.token
            ),
            body.to_string().as_bytes(),
        );
        let value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        (reply.status, value)
    }

    fn formulir(&self) -> Value {
        let reply = send(
            self.addr,
            "GET",
            "/sop/perencanaan/lakip/formulir",
            &format!(
                "Host: {}\r\n{}Cookie: {}\r\n",
                self.addr, self.proxy, self.cookie
            ),
            b"",
        );
        serde_json::from_slice(&reply.body).expect("the form's JSON")
    }
}

fn p12(path: &Path) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(std::fs::read(path).unwrap())
}

#[test]
fn refusals_over_http_leave_the_sop_file_unchanged() {
    let pki = crate::tanda::pki_with_signers("alur-tolak");
    pki.signer(
        "lama",
        Kunci::P256,
        &format!("/CN=GUNSONO MEKSON/serialNumber={NIP}"),
        Some(("20200101000000Z", "20210101000000Z")),
        "penanda",
    );
    let expired = pki.p12("lama", "lama.p12", &[]);
    let (dir, sop) = catalogue("tolak");
    let server = office(&dir, "127.0.0.1", false);
    let addr = server.addr();
    wait_rendered(addr);
    let (sari, budi, kadis) = (
        Sesi::masuk(addr, "sari"),
        Sesi::masuk(addr, "budi"),
        Sesi::masuk(addr, "kadis"),
    );
    let good = p12(&pki.path("rsa.p12"));
    let unchanged = |what: &str, before: &[u8]| {
        assert_eq!(
            std::fs::read(&sop).unwrap(),
            before,
            "{what}: the SOP file is unchanged"
        );
        assert!(archived(&dir).is_empty(), "{what}: nothing is archived");
    };

    let before = std::fs::read(&sop).unwrap();
    assert_eq!(sari.post("alur", &json!({ "gerak": "ajukan" })).0, 200);
    assert_eq!(budi.post("alur", &json!({ "gerak": "teruskan" })).0, 200);
    assert_eq!(
        std::fs::read(&sop).unwrap(),
        before,
        "moves never write the SOP"
    );

    // A penyusun tries to approve.
    let (status, answer) = sari.post("sahkan", &json!({ "sertifikat": good, "sandi": SANDI }));
    assert_eq!(status, 403, "{answer}");
    assert!(
        answer["pesan"]
            .as_str()
            .unwrap()
            .contains("hanya pengesah yang dapat mengesahkan SOP"),
        "{answer}"
    );
    unchanged("a penyusun approving", &before);

    // Anyone edits while submitted: the save is refused whoever sends it.
    let mut form = sari.formulir();
    assert_eq!(form["alur"]["boleh_sunting"], false);
    form["form"]["identitas"]["nama"] = json!("DIUBAH SAAT DIAJUKAN");
    let (status, answer) = sari.post(
        "simpan",
        &json!({ "form": form["form"], "dasar": form["dasar"] }),
    );
    assert_eq!(status, 423, "{answer}");
    assert!(
        answer["pesan"]
            .as_str()
            .unwrap()
            .contains("sedang diteruskan")
    );
    let (status, _) = budi.post(
        "simpan",
        &json!({ "form": form["form"], "dasar": form["dasar"] }),
    );
    assert_eq!(status, 403, "a pemeriksa is no penyusun");
    unchanged("a save while submitted", &before);

    // A wrong .p12 password.
    let (status, answer) = kadis.post("sahkan", &json!({ "sertifikat": good, "sandi": "salah" }));
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["pesan"]
            .as_str()
            .unwrap()
            .contains("kata sandi sertifikat salah")
    );
    assert!(answer["saran"].as_str().is_some_and(|s| !s.is_empty()));
    unchanged("a wrong password", &before);

    // An expired certificate.
    let (status, answer) = kadis.post(
        "sahkan",
        &json!({ "sertifikat": p12(&expired), "sandi": SANDI }),
    );
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["pesan"]
            .as_str()
            .unwrap()
            .contains("sertifikat sudah kedaluwarsa"),
        "{answer}"
    );
    unchanged("an expired certificate", &before);

    // A certificate without the signer's name: a warning to confirm, then approved.
    pki.signer(
        "tanpa-nama",
        Kunci::P256,
        &format!("/serialNumber={NIP}/O=Pemerintah Kota Pagar Alam"),
        None,
        "penanda",
    );
    let nameless = p12(&pki.p12("tanpa-nama", "tanpa-nama.p12", &[]));
    let (status, answer) = kadis.post("sahkan", &json!({ "sertifikat": nameless, "sandi": SANDI }));
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["konfirmasi"], true);
    assert!(
        answer["peringatan"][0]
            .as_str()
            .unwrap()
            .contains("tidak memuat nama"),
        "{answer}"
    );
    unchanged("a warning not confirmed", &before);
    let (status, answer) = kadis.post(
        "sahkan",
        &json!({ "sertifikat": nameless, "sandi": SANDI, "tetap": true }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_ne!(std::fs::read(&sop).unwrap(), before);
    assert_eq!(archived(&dir).len(), 1);
    server.stop();
}

#[test]
fn the_password_is_not_taken_off_loopback_without_tls() {
    let pki = crate::tanda::pki_with_signers("alur-tls");
    let (dir, sop) = catalogue("tls");
    let server = office(&dir, "0.0.0.0", false);
    let addr = loopback(server.addr());
    wait_rendered(addr);
    let (sari, budi, kadis) = (
        Sesi::masuk(addr, "sari"),
        Sesi::masuk(addr, "budi"),
        Sesi::masuk(addr, "kadis"),
    );
    sari.post("alur", &json!({ "gerak": "ajukan" }));
    budi.post("alur", &json!({ "gerak": "teruskan" }));
    let form = kadis.formulir();
    assert_eq!(form["alur"]["sahkan"]["boleh"], false);
    assert!(
        form["alur"]["sahkan"]["alasan"]
            .as_str()
            .unwrap()
            .contains("tanpa TLS"),
        "{form}"
    );
    let before = std::fs::read(&sop).unwrap();
    let (status, answer) = kadis.post(
        "sahkan",
        &json!({ "sertifikat": p12(&pki.path("rsa.p12")), "sandi": SANDI }),
    );
    assert_eq!(status, 403, "{answer}");
    assert!(answer["pesan"].as_str().unwrap().contains("tanpa TLS"));
    assert_eq!(std::fs::read(&sop).unwrap(), before);
    server.stop();

    // Behind a reverse proxy that speaks HTTPS it takes it (the certificate is then read).
    let server = office(&dir, "0.0.0.0", true);
    let addr = loopback(server.addr());
    wait_rendered(addr);
    let kadis = Sesi::https(addr, "kadis");
    assert_eq!(kadis.formulir()["alur"]["sahkan"]["boleh"], true);
    let (status, answer) = kadis.post(
        "sahkan",
        &json!({ "sertifikat": p12(&pki.path("rsa.p12")), "sandi": "salah" }),
    );
    assert_eq!(status, 422, "{answer}");
    server.stop();
}

#[test]
fn an_approval_stops_holding_when_the_katalog_changes_and_its_revision_sets_tanggal_revisi() {
    use sopan::pengesahan::alur::{Gerak, Tahap};
    use sopan::pengesahan::keadaan::{self, Pelaku, Pengesahan, Sop};
    let pki = crate::tanda::pki_with_signers("alur-revisi");
    let penanda =
        sopan::tanda::Penanda::baca(&std::fs::read(pki.path("rsa.p12")).unwrap(), SANDI).unwrap();
    let (dir, path) = catalogue("revisi");
    let settings = sopan::pipeline::Settings::default();
    let sop = Sop {
        sopan: &dir,
        berkas: "perencanaan/lakip.toml",
        path: &path,
    };
    let semua = Peran::SEMUA;
    let pelaku = Pelaku {
        pengguna: "uji",
        peran: &semua,
        koreksi: Vec::new(),
    };
    let approve = |waktu: i64| {
        keadaan::gerakkan(sop, &pelaku, Gerak::Ajukan, &settings).unwrap();
        keadaan::gerakkan(sop, &pelaku, Gerak::Teruskan, &settings).unwrap();
        let r = Pengesahan {
            penanda: &penanda,
            tetap: false,
            waktu,
            tsa: None,
        };
        keadaan::sahkan(sop, &pelaku, &r, &settings).unwrap()
    };
    // The test certificate is valid from the moment it was made: the revision is
    // approved two minutes after the first approval.
    let now = sopan::tanda::waktu::sekarang();
    let (k, first) = approve(now);
    assert_eq!(k.tahap, Tahap::Disahkan);

    // The katalog's signer changes: the SOP is no longer shown as approved.
    let katalog = dir.join("katalog.toml");
    let text = std::fs::read_to_string(&katalog).unwrap();
    std::fs::write(
        &katalog,
        text.replace("Pembina Utama Muda / IV.c", "Pembina Utama / IV.e"),
    )
    .unwrap();
    let k = keadaan::baca(sop, &settings);
    assert_eq!(k.tahap, Tahap::Konsep);
    assert!(k.revisi());
    assert_eq!(k.berubah, ["katalog.toml diubah"]);
    let server = office(&dir, "127.0.0.1", false);
    let addr = server.addr();
    wait_rendered(addr);
    let page = crate::preview::get(addr, "/sop/perencanaan/lakip").text();
    assert!(page.contains("Sudah berubah sejak disahkan"), "{page}");
    assert!(page.contains("katalog.toml diubah"), "{page}");
    assert!(
        crate::preview::get(addr, "/daftar")
            .text()
            .contains("berubah sejak disahkan")
    );
    let verified = crate::preview::get(addr, &format!("/verifikasi/{}", first.catatan.kode)).text();
    assert!(
        verified.contains("sudah berubah sejak disahkan"),
        "{verified}"
    );
    server.stop();

    // The revision is approved: tanggal_revisi is its date; the first code is replaced.
    let (k, second) = approve(now + 120);
    assert_eq!(k.tahap, Tahap::Disahkan);
    let (y, m, d) = sopan::tanda::waktu::tanggal(now + 120);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains(&format!("tanggal_revisi = {y:04}-{m:02}-{d:02}")),
        "{after}"
    );
    let root = dir.canonicalize().unwrap();
    let today = sopan::pengesahan::arsip::berlaku(&root, &first.catatan, &settings);
    assert!(
        matches!(today, sopan::pengesahan::arsip::Berlaku::Direvisi { ref kode, .. } if *kode == second.catatan.kode),
        "{today:?}"
    );
}

/// Five history lines written as the server writes them, in a catalogue folder of
/// their own; the history file's path.
fn history(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(&format!("riwayat-{name}"));
    for i in 1..=5 {
        riwayat::append(
            &dir,
            &riwayat::Catatan {
                waktu: format!("2026-12-0{i}T09:00:00Z"),
                pengguna: "sari".into(),
                berkas: "perencanaan/lakip.toml".into(),
                ringkasan: format!("perubahan {i}"),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let file = riwayat::path(&dir);
    (dir, file)
}

#[test]
fn sopan_riwayat_periksa_names_an_edited_and_a_removed_line() {
    let (dir, file) = history("utuh");
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out.contains("rantai riwayat utuh (5 baris)"),
        "{}",
        run.out
    );

    // Line 3 edited: the line after it says so.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("perubahan 3", "perubahan lain")).unwrap();
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(
        run.err.contains("riwayat.jsonl:4: baris 3 diubah"),
        "{}",
        run.err
    );
    assert!(run.err.contains("hint:"), "{}", run.err);

    // Line 2 removed: its number is missing.
    let lines: Vec<&str> = text.lines().collect();
    let removed: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(&file, removed).unwrap();
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(
        run.err.contains("baris bernomor 2 hilang (dihapus)"),
        "{}",
        run.err
    );

    // The last line removed: the end marker says so.
    let cut: String = lines[..4].iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, cut).unwrap();
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("hilang dari akhir riwayat"), "{}", run.err);
}

#[test]
fn a_history_started_before_the_chain_is_reported_as_such_not_as_tampered() {
    let dir = scratch("riwayat-lama");
    std::fs::create_dir_all(dir.join(".sopan")).unwrap();
    std::fs::write(
        riwayat::path(&dir),
        "{\"waktu\":\"2025-01-02T03:04:05Z\",\"pengguna\":\"sari\",\"berkas\":\"a.toml\",\"ringkasan\":\"nama\"}\n\
         {\"waktu\":\"2025-01-03T03:04:05Z\",\"pengguna\":\"sari\",\"berkas\":\"a.toml\",\"ringkasan\":\"nomor\"}\n",
    )
    .unwrap();
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out
            .contains("baris 1 sampai 2 ditulis sebelum riwayat berantai"),
        "{}",
        run.out
    );
    // New lines chain on from the old ones, which stay readable.
    riwayat::append(
        &dir,
        &riwayat::Catatan {
            waktu: riwayat::now(),
            pengguna: "sari".into(),
            berkas: "a.toml".into(),
            ringkasan: "tanggal efektif".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let read = riwayat::read(&dir).unwrap();
    assert_eq!(read.len(), 3);
    assert_eq!(read[2].no, Some(3));
    let run = sopan(["riwayat".as_ref(), dir.as_os_str(), "--periksa".as_ref()]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out
            .contains("rantai riwayat utuh (3 baris, 1 di antaranya berantai)"),
        "{}",
        run.out
    );
    let shown = sopan(["riwayat".as_ref(), dir.as_os_str()]);
    assert_eq!(shown.out.lines().count(), 3, "{}", shown.out);
}

/// Runs `sopan pengguna ARGS` with `input` on its standard input.
fn pengguna(args: &[&str], dir: &Path, input: &str) -> Run {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopan"))
        .arg("pengguna")
        .args(args)
        .arg("--katalog")
        .arg(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run sopan");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn sopan_pengguna_sets_and_shows_roles_and_an_old_account_is_a_penyusun() {
    let dir = scratch("pengguna-peran");
    let pw = format!("{SANDI_AKUN}\n");
    let run = pengguna(
        &["tambah", "budi", "--peran", "pemeriksa,pengesah"],
        &dir,
        &pw,
    );
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out.contains("dengan peran: pemeriksa, pengesah"),
        "{}",
        run.out
    );
    let run = pengguna(&["tambah", "sari"], &dir, &pw);
    assert!(run.out.contains("dengan peran: penyusun"), "{}", run.out);
    let run = pengguna(&["peran", "sari", "--peran", "penyusun,admin"], &dir, "");
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    // A new password keeps the roles.
    let run = pengguna(&["tambah", "sari"], &dir, "sandi-baru-yang-panjang\n");
    assert!(
        run.out.contains("dengan peran: penyusun, admin"),
        "{}",
        run.out
    );
    let run = pengguna(&["peran", "sari", "--peran", "kepala"], &dir, "");
    assert_eq!(run.code, 2);
    assert!(
        run.err.contains("peran \"kepala\" tidak dikenal"),
        "{}",
        run.err
    );
    let run = pengguna(&["peran", "sari"], &dir, "");
    assert_eq!(run.code, 2);

    // An account written before roles existed.
    let file = sopan::editor::akun::path(&dir);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut akun = Akun::open(&dir).unwrap();
    akun.set("lama", SANDI_AKUN).unwrap();
    akun.save().unwrap();
    assert!(text.contains("peran = [\"penyusun\", \"admin\"]"), "{text}");
    let run = pengguna(&["daftar"], &dir, "");
    assert_eq!(
        run.out,
        "budi  pemeriksa, pengesah\n\
         lama  penyusun (akun lama tanpa peran: dipakai sebagai penyusun)\n\
         sari  penyusun, admin\n"
    );
    assert_eq!(Akun::open(&dir).unwrap().peran("lama"), [Peran::Penyusun]);
}
