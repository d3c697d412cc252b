//! `sopan sahkan` and `sopan verifikasi` as a clerk runs them, on a copy of the Pagar
//! Alam catalogue: approval writes the SOP file and the archive, the QR code of the
//! signed sheet decodes to the verification address, verification sees a later change of
//! the SOP, and every refusal leaves the SOP file as it was.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::*;
use crate::tanda::{Key, NIP, SANDI};

/// The catalogue's verification base address in these tests.
const ALAMAT: &str = "https://sop.pagaralamkota.go.id/verifikasi";

/// A copy of the Pagar Alam catalogue with a verification address; its LAKIP SOP.
fn catalogue(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(&format!("sahkan-{name}")).join("katalog");
    copy_dir(&root().join("examples/pagar-alam-dpmptsptk"), &dir);
    let katalog = dir.join("katalog.toml");
    let text = std::fs::read_to_string(&katalog).unwrap();
    let text = text.replacen(
        "[katalog]\n",
        &format!("[katalog]\nalamat_verifikasi = \"{ALAMAT}\"\n"),
        1,
    );
    std::fs::write(&katalog, text).unwrap();
    let sop = dir.join("perencanaan/lakip.toml");
    (dir, sop)
}

/// Runs `sopan` with `input` on its standard input (not a terminal).
fn sopan_with_input(args: &[&std::ffi::OsStr], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sopan");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn sahkan(sop: &Path, p12: &Path, password: &str, extra: &[&str]) -> Run {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "sahkan".as_ref(),
        sop.as_os_str(),
        "--sertifikat".as_ref(),
        p12.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    sopan_with_input(&args, &format!("{password}\n"))
}

#[test]
fn sahkan_approves_signs_archives_and_its_qr_code_scans() {
    let pki = crate::tanda::pki_with_signers("sahkan");
    let (dir, sop) = catalogue("ok");
    let before = std::fs::read_to_string(&sop).unwrap();
    let run = sahkan(&sop, &pki.path("rsa.p12"), SANDI, &[]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out.contains("disahkan oleh GUNSONO MEKSON"),
        "{}",
        run.out
    );

    // The SOP file: approved, a revision (it said berlaku), comments kept.
    let after = std::fs::read_to_string(&sop).unwrap();
    let (y, m, d) = sopan::tanda::waktu::tanggal(sopan::tanda::waktu::sekarang());
    let today = format!("{y:04}-{m:02}-{d:02}");
    assert!(
        after.contains(&format!("tanggal_revisi = {today}")),
        "{after}"
    );
    assert!(after.contains("tanggal_efektif = 2024-01-23"), "{after}");
    assert!(after.contains("status = \"berlaku\""), "{after}");
    assert!(
        after.contains("# [instansi] dan [pengesahan] diwarisi"),
        "{after}"
    );
    assert_eq!(
        after.lines().count(),
        before.lines().count(),
        "only values changed"
    );

    // The archive: one signed PDF and its record beside it.
    let files = archived(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let pdf = &files[0];
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pdf.with_extension("json")).unwrap()).unwrap();
    let kode = record["kode"].as_str().unwrap().to_string();
    assert_eq!(record["sop"], "perencanaan/lakip.toml");
    assert!(
        pdf.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("penyusunan-lakip-")
            && pdf
                .to_string_lossy()
                .ends_with(&format!("{today}-{kode}.pdf")),
        "{}",
        pdf.display()
    );
    assert!(run.out.contains(&kode), "{}", run.out);

    // The sheet: the electronic block, its QR code scanned from the rendered page.
    assert_eq!(qr_on_page_1(pdf), format!("{ALAMAT}/{kode}"));
    let text = Command::new("pdftotext")
        .args(["-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        squash(&text).contains("Ditandatanganisecaraelektronik"),
        "{text}"
    );
    assert!(text.contains(&kode), "{text}");
    assert!(text.contains("19691016 199503 1 001"), "{text}");

    // Independent validators.
    let sig = Command::new("pdfsig").arg(pdf).output().unwrap();
    let sig = String::from_utf8_lossy(&sig.stdout);
    assert!(
        sig.contains("Signature is Valid.") && sig.contains("Total document signed"),
        "{sig}"
    );

    // Verification, trusting the test CA: valid, intact, still the SOP's text.
    let ca = pki.path("ca.pem");
    let run = sopan([
        "verifikasi".as_ref(),
        pdf.as_os_str(),
        "--akar".as_ref(),
        ca.as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    for expected in [
        "hasil: SAH dan UTUH",
        "ditandatangani oleh: GUNSONO MEKSON",
        "NIP: 19691016 199503 1 001 (dari atribut serialNumber sertifikat)",
        "diterbitkan oleh sertifikat akar: CA Uji sopan",
        "masih sama dengan teks SOP sekarang",
    ] {
        assert!(run.out.contains(expected), "{expected}:\n{}", run.out);
    }

    // The SOP changes after approval: verification says so and names the file.
    std::fs::write(&sop, format!("{after}\n# diubah sesudah disahkan\n")).unwrap();
    let run = sopan(["verifikasi".as_ref(), pdf.as_os_str()]);
    assert!(
        run.out
            .contains("SOP sudah berubah sejak disahkan: perencanaan/lakip.toml diubah"),
        "{}",
        run.out
    );
}

#[test]
fn an_archived_pdf_is_never_overwritten() {
    let (dir, _) = catalogue("arsip");
    let catatan: sopan::pengesahan::arsip::Catatan = serde_json::from_value(serde_json::json!({
        "versi": 1, "kode": "0000000000", "sop": "perencanaan/lakip.toml", "nomor": "1",
        "nama": "LAKIP", "disahkan": "2024-06-01T00:00:00Z", "jabatan": "Kepala Dinas",
        "penanda": {"nama": "A", "nip": "", "penerbit": "CA", "nomor_seri": "01",
                    "berlaku_dari": 0, "berlaku_sampai": 1},
        "sidik": {"bagian": [], "sha256": "00"}, "catatan_pemeriksaan": [], "tsa": null,
        "pdf": "lakip-2024-06-01-0000000000.pdf"
    }))
    .unwrap();
    let first = sopan::pengesahan::arsip::simpan(&dir, &catatan, b"%PDF-pertama").unwrap();
    let again = sopan::pengesahan::arsip::simpan(&dir, &catatan, b"%PDF-kedua").unwrap_err();
    assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read(&first).unwrap(), b"%PDF-pertama");
    let (found, _) = sopan::pengesahan::arsip::cari(&dir, "0000000000").unwrap();
    assert_eq!(found, first);
}

#[test]
fn refusals_leave_the_sop_file_unchanged() {
    let pki = crate::tanda::pki_with_signers("tolak");
    pki.signer(
        "lama",
        Key::P256,
        &format!("/CN=GUNSONO MEKSON/serialNumber={NIP}"),
        Some(("20200101000000Z", "20210101000000Z")),
        "penanda",
    );
    let expired = pki.p12("lama", "lama.p12", &[]);
    pki.signer(
        "tanpa-nip",
        Key::P256,
        "/CN=GUNSONO MEKSON",
        None,
        "penanda",
    );
    let no_nip = pki.p12("tanpa-nip", "tanpa-nip.p12", &[]);
    let (dir, sop) = catalogue("tolak");
    let before = std::fs::read(&sop).unwrap();

    let cases: [(&str, PathBuf, &str, &[&str], &str); 3] = [
        (
            "wrong password",
            pki.path("rsa.p12"),
            "salah",
            &[],
            "kata sandi sertifikat salah",
        ),
        (
            "expired",
            expired,
            SANDI,
            &[],
            "sertifikat sudah kedaluwarsa",
        ),
        (
            "no NIP",
            no_nip.clone(),
            SANDI,
            &[],
            "sertifikat tidak memuat NIP",
        ),
    ];
    for (what, p12, password, extra, message) in cases {
        let run = sahkan(&sop, &p12, password, extra);
        assert_eq!(run.code, 1, "{what}: {}{}", run.out, run.err);
        assert!(run.err.contains(message), "{what}: {}", run.err);
        assert!(run.err.contains("hint:"), "{what}: {}", run.err);
        assert_eq!(
            std::fs::read(&sop).unwrap(),
            before,
            "{what}: the SOP file is unchanged"
        );
        assert!(archived(&dir).is_empty(), "{what}: nothing archived");
    }

    // An SOP with a mistake cannot be approved.
    let broken = dir.join("perencanaan/rusak.toml");
    let text = String::from_utf8(before.clone()).unwrap().replacen(
        "pelaksana = \"",
        "pelaksana = \"Tidak Ada ",
        1,
    );
    std::fs::write(&broken, &text).unwrap();
    let run = sahkan(&broken, &pki.path("rsa.p12"), SANDI, &[]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("tidak dapat disahkan"), "{}", run.err);
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);

    // The warning about a certificate without NIP, confirmed with --tetap: approved.
    let run = sahkan(&sop, &no_nip, SANDI, &["--tetap"]);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.err.contains("peringatan: sertifikat tidak memuat NIP"),
        "{}",
        run.err
    );
    assert_ne!(std::fs::read(&sop).unwrap(), before);
    assert_eq!(archived(&dir).len(), 1);
}

#[test]
fn a_verification_address_that_is_no_web_address_is_an_error_with_a_hint() {
    let (dir, sop) = catalogue("alamat");
    let katalog = dir.join("katalog.toml");
    let text = std::fs::read_to_string(&katalog)
        .unwrap()
        .replace(ALAMAT, "sop.pagaralamkota.go.id/verifikasi");
    std::fs::write(&katalog, text).unwrap();
    let run = sopan(["check".as_ref(), sop.as_os_str()]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(
        run.err.contains("alamat verifikasi harus diawali https://"),
        "{}",
        run.err
    );
    assert!(run.err.contains("katalog.toml:"), "{}", run.err);
    assert!(run.err.contains("hint:"), "{}", run.err);
}
