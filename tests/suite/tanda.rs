//! PAdES signatures end to end, with certificates made at test time by the `openssl`
//! command (a test CA, RSA and ECDSA signers, .p12 files in modern and legacy encryption,
//! an expired one, one without NIP, a timestamp authority): independent validators
//! (poppler's `pdfsig`, pyHanko) accept what sopan signs, tampering is caught, the
//! incremental update stays clean over many PDFs, and `sopan sahkan` / `sopan verifikasi`
//! approve, archive, refuse and verify as a clerk runs them.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sopan::tanda::{self, Cakupan, Penanda, Perubahan, TolakSertifikat};

use crate::common::*;

/// The password of every .p12 made here.
pub(crate) const SANDI: &str = "rahasia-uji-123";
/// The NIP in the test signers' certificates and in the test catalogue.
pub(crate) const NIP: &str = "196910161995031001";

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?} (installed by .ci/run): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn openssl(dir: &Path, args: &[&str]) {
    run(Command::new("openssl").current_dir(dir).args(args));
}

/// A test PKI in a folder of its own.
pub(crate) struct Pki {
    dir: PathBuf,
}

/// Which key a signer gets.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    Rsa,
    P256,
    P384,
}

impl Pki {
    /// A CA (RSA) with its `openssl ca` configuration.
    fn new(name: &str) -> Self {
        let dir = scratch(&format!("pki-{name}"));
        std::fs::write(
            dir.join("ca.cnf"),
            "[ca]\ndefault_ca = uji\n[uji]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\n\
             serial = serial\ndefault_md = sha256\npolicy = bebas\nunique_subject = no\n\
             [bebas]\ncommonName = optional\n\
             [penanda]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n\
             subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n\
             [tsa]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n\
             extendedKeyUsage = critical,timeStamping\n",
        )
        .unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("serial"), "1000\n").unwrap();
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3650",
                "-subj",
                "/CN=CA Uji sopan/O=sopan",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        Pki { dir }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A signer certificate `name.pem` with key `name.key`, subject `subject`, valid
    /// from `start` to `end` (openssl `YYYYMMDDHHMMSSZ`, or `None` for a year from now).
    pub(crate) fn signer(
        &self,
        name: &str,
        key: Key,
        subject: &str,
        dates: Option<(&str, &str)>,
        ext: &str,
    ) {
        let keyopt: &[&str] = match key {
            Key::Rsa => &["-newkey", "rsa:2048"],
            Key::P256 => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            Key::P384 => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        };
        let (k, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        let mut req = vec!["req", "-nodes"];
        req.extend_from_slice(keyopt);
        req.extend_from_slice(&["-keyout", &k, "-out", &csr, "-subj", subject]);
        openssl(&self.dir, &req);
        let mut ca = vec![
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            &csr,
            "-out",
            &pem,
            "-notext",
            "-preserveDN",
            "-extensions",
            ext,
        ];
        match dates {
            Some((start, end)) => ca.extend_from_slice(&["-startdate", start, "-enddate", end]),
            None => ca.extend_from_slice(&["-days", "365"]),
        }
        openssl(&self.dir, &ca);
    }

    /// `name.p12` of signer `name` with the CA in its chain; `legacy`: extra openssl
    /// flags for the old encryptions.
    pub(crate) fn p12(&self, name: &str, file: &str, legacy: &[&str]) -> PathBuf {
        let (k, pem) = (format!("{name}.key"), format!("{name}.pem"));
        let pass = format!("pass:{SANDI}");
        let mut args = vec![
            "pkcs12",
            "-export",
            "-inkey",
            &k,
            "-in",
            &pem,
            "-certfile",
            "ca.pem",
            "-out",
            file,
            "-passout",
            &pass,
        ];
        args.extend_from_slice(legacy);
        openssl(&self.dir, &args);
        self.path(file)
    }

    fn penanda(&self, file: &Path) -> Penanda {
        Penanda::baca(&std::fs::read(file).unwrap(), SANDI).expect("open .p12")
    }
}

/// The signers most tests use: RSA and ECDSA P-256 with name and NIP.
pub(crate) fn pki_with_signers(name: &str) -> Pki {
    let pki = Pki::new(name);
    let subject =
        format!("/CN=GUNSONO MEKSON/serialNumber={NIP}/O=Pemerintah Kota Pagar Alam/C=ID");
    pki.signer("rsa", Key::Rsa, &subject, None, "penanda");
    pki.signer("ec", Key::P256, &subject, None, "penanda");
    pki.p12("rsa", "rsa.p12", &[]);
    pki.p12("ec", "ec.p12", &[]);
    pki
}

/// The PDF of the LAKIP example, as `sopan render` writes it.
fn lakip_pdf() -> Vec<u8> {
    render(&root().join("examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml")).1
}

fn opsi(tsa: Option<String>) -> tanda::Opsi {
    tanda::Opsi {
        waktu: tanda::waktu::sekarang(),
        alasan: "Pengesahan SOP uji".into(),
        lokasi: None,
        tsa,
    }
}

fn pdfsig(pdf: &Path) -> String {
    let out = Command::new("pdfsig")
        .arg(pdf)
        .output()
        .expect("pdfsig (poppler-utils) is installed by .ci/run");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn pyhanko(pdf: &Path, ca: &Path) -> (bool, String) {
    let out = Command::new("pyhanko")
        .args(["sign", "validate", "--no-revocation-check", "--trust"])
        .arg(ca)
        .arg(pdf)
        .output()
        .expect("pyhanko (PyPI pyhanko-cli) is installed by .ci/run");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn qpdf_check(pdf: &Path) -> String {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("qpdf is installed by .ci/run");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && text.contains("No syntax or stream encoding errors"),
        "qpdf --check {}: {text}{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn rsa_and_ecdsa_signatures_pass_pdfsig_and_pyhanko() {
    let pki = pki_with_signers("validators");
    let original = lakip_pdf();
    for key in ["rsa", "ec"] {
        let penanda = pki.penanda(&pki.path(&format!("{key}.p12")));
        let signed = tanda::sign(&original, &penanda, &opsi(None)).expect("sign");
        assert!(
            signed.starts_with(&original),
            "{key}: the original bytes stay first"
        );
        let file = pki.path(&format!("lakip-{key}.pdf"));
        std::fs::write(&file, &signed).unwrap();

        let sig = pdfsig(&file);
        assert!(sig.contains("Signature is Valid."), "{key}: {sig}");
        assert!(sig.contains("Total document signed"), "{key}: {sig}");
        assert!(sig.contains("ETSI.CAdES.detached"), "{key}: {sig}");
        let (ok, report) = pyhanko(&file, &pki.path("ca.pem"));
        assert!(ok, "{key}: pyhanko: {report}");
        qpdf_check(&file);

        let ca =
            x509_cert::Certificate::load_pem_chain(&std::fs::read(pki.path("ca.pem")).unwrap())
                .unwrap();
        let found = tanda::verify(&signed, &ca).expect("verify");
        assert_eq!(found.len(), 1);
        let t = &found[0];
        assert!(t.baik(), "{key}: {t:?}");
        assert_eq!(t.cakupan, Cakupan::SeluruhBerkas);
        let id = t.penanda.as_ref().unwrap();
        assert_eq!((id.nama.as_str(), id.nip.as_str()), ("GUNSONO MEKSON", NIP));
        assert!(
            matches!(t.kepercayaan, tanda::Kepercayaan::Dipercaya(_)),
            "{t:?}"
        );
    }
}

#[test]
fn p384_signatures_verify_with_sha384() {
    let pki = Pki::new("p384");
    pki.signer(
        "p384",
        Key::P384,
        &format!("/CN=Siti Aminah/serialNumber={NIP}"),
        None,
        "penanda",
    );
    let p12 = pki.p12("p384", "p384.p12", &[]);
    let penanda = pki.penanda(&p12);
    let signed = tanda::sign(&lakip_pdf(), &penanda, &opsi(None)).expect("sign");
    let file = pki.path("p384.pdf");
    std::fs::write(&file, &signed).unwrap();
    assert!(
        pdfsig(&file).contains("Signature is Valid."),
        "{}",
        pdfsig(&file)
    );
    let (ok, report) = pyhanko(&file, &pki.path("ca.pem"));
    assert!(ok, "pyhanko: {report}");
}

#[test]
fn legacy_and_modern_p12_files_open_and_a_wrong_password_is_refused() {
    let pki = Pki::new("p12");
    pki.signer(
        "rsa",
        Key::Rsa,
        &format!("/CN=GUNSONO MEKSON/serialNumber={NIP}"),
        None,
        "penanda",
    );
    let files = [
        pki.p12("rsa", "modern.p12", &[]),
        // OpenSSL's -legacy: RC2-40 for the certificates, 3DES for the key, SHA-1 MAC.
        pki.p12("rsa", "legacy-rc2.p12", &["-legacy"]),
        pki.p12(
            "rsa",
            "legacy-3des.p12",
            &[
                "-certpbe",
                "PBE-SHA1-3DES",
                "-keypbe",
                "PBE-SHA1-3DES",
                "-macalg",
                "sha1",
            ],
        ),
    ];
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let penanda =
            Penanda::baca(&bytes, SANDI).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(penanda.identitas().nip, NIP, "{}", file.display());
        assert_eq!(penanda.rantai.len(), 1, "the CA comes along");
        assert_eq!(
            Penanda::baca(&bytes, "salah").unwrap_err(),
            TolakSertifikat::SandiSalah,
            "{}",
            file.display()
        );
    }
    // Keys sopan cannot sign with are refused by name.
    openssl(
        &pki.dir,
        &[
            "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-out", "ed.pem",
            "-subj", "/CN=Ed", "-days", "30",
        ],
    );
    openssl(
        &pki.dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "ed.key",
            "-in",
            "ed.pem",
            "-out",
            "ed.p12",
            "-passout",
            &format!("pass:{SANDI}"),
        ],
    );
    let ed = Penanda::baca(&std::fs::read(pki.path("ed.p12")).unwrap(), SANDI).unwrap_err();
    assert_eq!(ed, TolakSertifikat::KunciTidakDidukung("Ed25519".into()));
    assert!(ed.to_string().contains("tidak didukung"), "{ed}");
    let not_p12 = Penanda::baca(b"bukan sertifikat", SANDI).unwrap_err();
    assert!(
        matches!(not_p12, TolakSertifikat::BukanP12(_)),
        "{not_p12:?}"
    );
}

#[test]
fn an_expired_certificate_cannot_sign() {
    let pki = Pki::new("expired");
    pki.signer(
        "lama",
        Key::P256,
        &format!("/CN=GUNSONO MEKSON/serialNumber={NIP}"),
        Some(("20200101000000Z", "20210101000000Z")),
        "penanda",
    );
    let penanda = pki.penanda(&pki.p12("lama", "lama.p12", &[]));
    let refused = tanda::sign(&lakip_pdf(), &penanda, &opsi(None)).unwrap_err();
    assert!(
        matches!(
            refused,
            tanda::SignError::Sertifikat(TolakSertifikat::Kedaluwarsa { .. })
        ),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("kedaluwarsa"), "{refused}");
}

#[test]
fn one_changed_byte_inside_the_signed_range_is_invalid() {
    let pki = pki_with_signers("tamper");
    let signed = tanda::sign(
        &lakip_pdf(),
        &pki.penanda(&pki.path("rsa.p12")),
        &opsi(None),
    )
    .unwrap();
    // A byte in the middle of the original's page content, well inside the signed range.
    let mut tampered = signed.clone();
    let at = signed.len() / 3;
    tampered[at] ^= 0x01;
    let file = pki.path("tampered.pdf");
    std::fs::write(&file, &tampered).unwrap();

    let sig = pdfsig(&file);
    assert!(!sig.contains("Signature is Valid."), "{sig}");
    // poppler says "Digest Mismatch." for a changed byte.
    assert!(
        sig.contains("Digest Mismatch") || sig.contains("Invalid"),
        "{sig}"
    );
    let found = tanda::verify(&tampered, &[]).expect("still a PDF");
    assert!(!found[0].utuh && !found[0].baik(), "{:?}", found[0]);

    let run = sopan(["verifikasi".as_ref(), file.as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.out.contains("hasil: TIDAK SAH"), "{}", run.out);
    assert!(
        run.out.contains("isi utuh sejak ditandatangani: TIDAK"),
        "{}",
        run.out
    );
}

/// Appends an incremental update that replaces page 1's content stream with `content`.
fn append_page_change(pdf: &[u8], content: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let page = *doc.get_pages().get(&1).unwrap();
    let id = match doc.get_dictionary(page).unwrap().get(b"Contents").unwrap() {
        lopdf::Object::Reference(id) => *id,
        lopdf::Object::Array(a) => a[0].as_reference().unwrap(),
        other => panic!("{other:?}"),
    };
    let prev = tanda::incremental::last_startxref(pdf).unwrap();
    let mut out = pdf.to_vec();
    let at = out.len();
    out.extend_from_slice(
        format!(
            "{} {} obj\n<</Length {}>>\nstream\n",
            id.0,
            id.1,
            content.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{at:010} {:05} n \ntrailer\n<</Size {}/Root {} 0 R/Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n",
            id.0, id.1, doc.max_id + 1, root.0
        )
        .as_bytes(),
    );
    out
}

#[test]
fn an_appended_update_that_changes_a_page_is_reported() {
    let pki = pki_with_signers("appended");
    let signed = tanda::sign(&lakip_pdf(), &pki.penanda(&pki.path("ec.p12")), &opsi(None)).unwrap();
    let changed = append_page_change(&signed, b"BT /F1 24 Tf 100 100 Td (DIUBAH) Tj ET");
    let file = pki.path("changed.pdf");
    std::fs::write(&file, &changed).unwrap();
    qpdf_check(&file);

    let found = tanda::verify(&changed, &[]).unwrap();
    let t = &found[0];
    assert!(
        t.sah && t.utuh,
        "the signed bytes themselves are untouched: {t:?}"
    );
    assert_eq!(
        t.cakupan,
        Cakupan::DiikutiPerubahan(vec![Perubahan::Halaman(1)]),
        "{t:?}"
    );
    assert!(!t.baik());
    let sig = pdfsig(&file);
    assert!(!sig.contains("Total document signed"), "{sig}");

    let run = sopan(["verifikasi".as_ref(), file.as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.out.contains("halaman 1 diubah"), "{}", run.out);
}

/// The PDFs the property test signs: every example, some as a page selection, and the
/// same files rewritten by qpdf with object and cross-reference streams.
fn many_pdfs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut pdfs = Vec::new();
    for (i, path) in examples().iter().enumerate() {
        let (sop, pdf, rendered) = render(path);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if i % 3 == 0 && rendered.document.pages().len() > 1 {
            let loaded = sopan::pipeline::load(path, &Default::default()).unwrap();
            let part = sopan::pipeline::pdf(&loaded, &rendered, Some(&[2])).unwrap();
            pdfs.push((format!("{name}-hal2"), part));
        }
        let plain = dir.join(format!("{name}.pdf"));
        std::fs::write(&plain, &pdf).unwrap();
        let streams = dir.join(format!("{name}-streams.pdf"));
        run(Command::new("qpdf")
            .args(["--object-streams=generate"])
            .arg(&plain)
            .arg(&streams));
        pdfs.push((format!("{name}-streams"), std::fs::read(&streams).unwrap()));
        assert!(!sop.nama.is_empty());
        pdfs.push((name, pdf));
    }
    pdfs
}

#[test]
fn the_incremental_update_is_clean_on_every_pdf() {
    let pki = pki_with_signers("property");
    let penanda = pki.penanda(&pki.path("ec.p12"));
    let dir = pki.path("many");
    std::fs::create_dir_all(&dir).unwrap();
    let pdfs = many_pdfs(&dir);
    assert!(pdfs.len() >= 30, "{}", pdfs.len());
    for (name, pdf) in &pdfs {
        let signed =
            tanda::sign(pdf, &penanda, &opsi(None)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(signed.starts_with(pdf), "{name}");
        let file = dir.join(format!("{name}-signed.pdf"));
        std::fs::write(&file, &signed).unwrap();
        qpdf_check(&file);
        let sig = pdfsig(&file);
        assert!(
            sig.contains("Signature is Valid.") && sig.contains("Total document signed"),
            "{name}: {sig}"
        );
        let found = tanda::verify(&signed, &[]).unwrap();
        assert!(found.len() == 1 && found[0].baik(), "{name}: {found:?}");
        // The cross-reference form stays the original's.
        let streams_before = pdf
            .windows(9)
            .any(|w| w == b"/XRef/W [" || w == b"/Type/XRe");
        let tail = &signed[pdf.len()..];
        let streams_after = tail.windows(5).any(|w| w == b"/XRef");
        assert_eq!(
            name.ends_with("-streams"),
            streams_after,
            "{name}: cross-reference form (original had streams: {streams_before})"
        );
        // Signing twice adds a second signature; the first stays valid and intact.
        let twice = tanda::sign(&signed, &penanda, &opsi(None)).unwrap();
        let found = tanda::verify(&twice, &[]).unwrap();
        assert_eq!(found.len(), 2, "{name}");
        assert!(found.iter().all(|t| t.utuh && t.sah), "{name}: {found:?}");
        assert_eq!(
            found[0].cakupan,
            Cakupan::DiikutiPerubahan(vec![Perubahan::TandaTanganLain]),
            "{name}"
        );
    }
}

/// A timestamp authority for one test: `openssl ts -reply` behind a tiny HTTP server
/// on the loopback address, answering `count` requests.
fn tsa_server(pki: &Pki, count: usize) -> String {
    pki.signer("tsa", Key::Rsa, "/CN=TSA Uji sopan/O=sopan", None, "tsa");
    std::fs::write(
        pki.path("tsa.cnf"),
        "[tsa]\ndefault_tsa = uji\n[uji]\ndir = .\nserial = tsaserial\ncrypto_device = builtin\n\
         signer_cert = tsa.pem\ncerts = ca.pem\nsigner_key = tsa.key\nsigner_digest = sha256\n\
         default_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\n\
         ordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
    )
    .unwrap();
    std::fs::write(pki.path("tsaserial"), "01\n").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let dir = pki.dir.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let mut stream = stream.unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            let mut body = vec![0u8; length];
            stream.read_exact(&mut body).unwrap();
            std::fs::write(dir.join("req.tsq"), &body).unwrap();
            let out = Command::new("openssl")
                .current_dir(&dir)
                .args([
                    "ts",
                    "-reply",
                    "-config",
                    "tsa.cnf",
                    "-queryfile",
                    "req.tsq",
                    "-out",
                    "resp.tsr",
                ])
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(out.success(), "openssl ts -reply");
            let reply = std::fs::read(dir.join("resp.tsr")).unwrap();
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.len()
                )
                .as_bytes(),
            );
            let _ = stream.write_all(&reply);
        }
    });
    url
}

#[test]
fn a_timestamp_from_a_local_tsa_gives_b_t() {
    let pki = pki_with_signers("tsa");
    let url = tsa_server(&pki, 2);
    for key in ["rsa", "ec"] {
        let signed = tanda::sign(
            &lakip_pdf(),
            &pki.penanda(&pki.path(&format!("{key}.p12"))),
            &opsi(Some(url.clone())),
        )
        .unwrap_or_else(|e| panic!("{key}: {e}"));
        let file = pki.path(&format!("bt-{key}.pdf"));
        std::fs::write(&file, &signed).unwrap();
        let found = tanda::verify(&signed, &[]).unwrap();
        let t = &found[0];
        assert!(t.baik(), "{key}: {t:?}");
        let stamped = t.cap_waktu.expect("a verified timestamp");
        assert!(
            (stamped - tanda::waktu::sekarang()).abs() < 120,
            "{stamped}"
        );
        let sig = pdfsig(&file);
        assert!(sig.contains("Signature is Valid."), "{key}: {sig}");
        let (ok, report) = pyhanko(&file, &pki.path("ca.pem"));
        assert!(ok, "{key}: {report}");
        assert!(
            report.contains("TIMESTAMP_TOKEN<INTACT:TRUSTED>"),
            "{key}: {report}"
        );
    }
    let refused = tanda::sign(
        &lakip_pdf(),
        &pki.penanda(&pki.path("ec.p12")),
        &opsi(Some("https://tsa.contoh/".into())),
    )
    .unwrap_err();
    assert!(refused.to_string().contains("http://"), "{refused}");
}

#[test]
fn damaged_signed_pdfs_are_reported_never_a_panic() {
    let pki = pki_with_signers("damaged");
    let signed = tanda::sign(&lakip_pdf(), &pki.penanda(&pki.path("ec.p12")), &opsi(None)).unwrap();
    // The unsigned gap: `<...>` of /Contents.
    let open = signed
        .windows(10)
        .rposition(|w| w == b"/Contents<")
        .unwrap()
        + 9;
    let close = open + signed[open..].iter().position(|&b| b == b'>').unwrap();
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let mut damaged = signed.clone();
        let mut changed = Vec::new();
        if round % 3 == 0 {
            damaged.truncate((next() as usize) % signed.len());
        } else {
            for _ in 0..1 + next() % 4 {
                // Anywhere, or in the tail, where the signature, its field and the xref are.
                let at = if round % 3 == 1 {
                    (next() as usize) % damaged.len()
                } else {
                    signed.len() - 1 - (next() as usize) % 9000
                };
                damaged[at] = next() as u8;
                changed.push(at);
            }
        }
        let result = tanda::verify(&damaged, &[]);
        let signed_byte_changed = changed
            .iter()
            .any(|&at| damaged[at] != signed[at] && !(open..=close).contains(&at));
        if signed_byte_changed && let Ok(found) = result {
            assert!(
                !found.iter().any(|t| t.baik()),
                "round {round}: bytes {changed:?} changed, still reported valid"
            );
        }
    }
}
