//! `sopan verifikasi`: is a signed PDF valid and intact, who signed it and when, and does
//! it still match its SOP's current text.

use std::io::Write;

use super::Outcome;
use crate::cli::VerifikasiArgs;
use sopan::diag::{Akses, display_path, io_gagal};
use sopan::model::nip_resmi;
use sopan::pengesahan::arsip::{self, Kecocokan};
use sopan::pipeline::Settings;
use sopan::tanda::{self, Cakupan, Kepercayaan, Tanda, waktu};

/// `sopan verifikasi`.
pub fn run(
    args: &VerifikasiArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let pdf = match sopan::source::file::read_bytes(&args.berkas, 200 << 20) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::Baca, &args.berkas, &e));
            return Outcome::BadInput;
        }
    };
    let roots = match &args.akar {
        None => Vec::new(),
        Some(path) => match std::fs::read(path).map(|b| x509_cert::Certificate::load_pem_chain(&b))
        {
            Ok(Ok(roots)) if !roots.is_empty() => roots,
            Ok(_) => {
                let _ = writeln!(
                    err,
                    "error: {} bukan sertifikat PEM\n  = hint: berikan sertifikat akar penyelenggara sertifikat (-----BEGIN CERTIFICATE-----)",
                    display_path(path)
                );
                return Outcome::BadInput;
            }
            Err(e) => {
                let _ = writeln!(err, "error: {}", io_gagal(Akses::Baca, path, &e));
                return Outcome::BadInput;
            }
        },
    };
    let found = match tanda::verify(&pdf, &roots) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", display_path(&args.berkas));
            return Outcome::BadInput;
        }
    };
    let mut ok = true;
    for t in &found {
        ok &= t.baik();
        report(t, !roots.is_empty(), out);
    }
    if let Some((root, catatan)) = arsip::catatan_untuk(&args.berkas) {
        let _ = writeln!(
            out,
            "SOP: {} ({}), kode {}",
            catatan.sop, catatan.nomor, catatan.kode
        );
        let _ = match arsip::cocokkan(&root, &catatan, settings) {
            Kecocokan::Sama => writeln!(out, "  masih sama dengan teks SOP sekarang"),
            Kecocokan::Berubah(changes) => writeln!(
                out,
                "  SOP sudah berubah sejak disahkan: {}",
                changes.join("; ")
            ),
            Kecocokan::TidakDitemukan(sop) => {
                writeln!(out, "  berkas SOP {sop} tidak ditemukan di katalog")
            }
        };
    } else {
        let _ = writeln!(
            out,
            "SOP asal tidak diketahui: berkas ini tidak berada di arsip katalog beserta catatannya"
        );
    }
    let _ = writeln!(
        out,
        "{}",
        if ok {
            "hasil: SAH dan UTUH"
        } else {
            "hasil: TIDAK SAH"
        }
    );
    if ok { Outcome::Ok } else { Outcome::BadInput }
}

/// Prints what was found about one signature.
fn report(t: &Tanda, trust_checked: bool, out: &mut dyn Write) {
    let yes_no = |b: bool| if b { "ya" } else { "TIDAK" };
    let _ = writeln!(out, "tanda tangan \"{}\" ({}):", t.field, t.sub_filter);
    match &t.penanda {
        Some(id) => {
            let nama = if id.nama.is_empty() {
                "(tanpa nama)"
            } else {
                &id.nama
            };
            let _ = writeln!(out, "  ditandatangani oleh: {nama}");
            if !id.nip.is_empty() {
                let _ = writeln!(
                    out,
                    "  NIP: {} (dari atribut serialNumber sertifikat)",
                    nip_resmi(&id.nip)
                );
            }
            let _ = writeln!(
                out,
                "  sertifikat dari: {}, berlaku {} sampai {}",
                id.penerbit,
                waktu::cetak(id.berlaku_dari),
                waktu::cetak(id.berlaku_sampai)
            );
        }
        None => {
            let _ = writeln!(out, "  penanda tangan: tidak diketahui");
        }
    }
    if let Some(w) = t.waktu {
        let _ = writeln!(out, "  waktu penandatanganan: {}", waktu::cetak(w));
    }
    if let Some(w) = t.cap_waktu {
        let _ = writeln!(out, "  cap waktu (TSA): {}", waktu::cetak(w));
    }
    let _ = writeln!(out, "  tanda tangan sah: {}", yes_no(t.sah));
    let _ = writeln!(
        out,
        "  isi utuh sejak ditandatangani: {}",
        yes_no(t.utuh && t.cakupan.utuh())
    );
    let _ = match &t.cakupan {
        Cakupan::SeluruhBerkas => writeln!(out, "  mencakup seluruh berkas: ya"),
        Cakupan::DiikutiPerubahan(changes) => writeln!(
            out,
            "  mencakup seluruh berkas: TIDAK, ada tambahan sesudahnya{}",
            if changes.is_empty() {
                String::new()
            } else {
                format!(
                    ": {}",
                    changes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            }
        ),
        Cakupan::Salah(why) => writeln!(out, "  mencakup seluruh berkas: TIDAK ({why})"),
    };
    if let Some(b) = t.sertifikat_berlaku {
        let _ = writeln!(
            out,
            "  sertifikat berlaku saat penandatanganan: {}",
            yes_no(b)
        );
    }
    let _ = match &t.kepercayaan {
        Kepercayaan::Dipercaya(root) => writeln!(out, "  diterbitkan oleh sertifikat akar: {root}"),
        Kepercayaan::TidakDipercaya(_) => writeln!(
            out,
            "  diterbitkan oleh sertifikat akar yang diberikan: TIDAK"
        ),
        Kepercayaan::TidakDiperiksa if !trust_checked => writeln!(
            out,
            "  penerbit sertifikat tidak diperiksa (berikan --akar dengan sertifikat akar penyelenggara)"
        ),
        Kepercayaan::TidakDiperiksa => Ok(()),
    };
    for m in &t.masalah {
        let _ = writeln!(out, "  masalah: {m}");
    }
}
