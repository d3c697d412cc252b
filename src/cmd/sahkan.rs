//! `sopan sahkan`: approve an SOP and sign its sheet with the signer's .p12 certificate;
//! the signed PDF goes into the catalogue's archive.

use std::io::{BufRead, IsTerminal, Write};

use super::Outcome;
use crate::cli::SahkanArgs;
use sopan::diag::{Akses, display_path, io_gagal};
use sopan::pengesahan::sahkan::{self, Permintaan, Tolak};
use sopan::pipeline::Settings;
use sopan::tanda::{Penanda, waktu};

/// `sopan sahkan`.
pub fn run(
    args: &SahkanArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let pemeriksaan = match sahkan::periksa(&args.berkas, settings) {
        Ok(p) => p,
        Err(tolak) => return refuse(&tolak, err),
    };
    let _ = write!(err, "{}", pemeriksaan.peringatan);
    if !pemeriksaan.catatan.is_empty() {
        let _ = writeln!(
            out,
            "{} catatan pemeriksaan masih terbuka (dicatat bersama pengesahan):",
            pemeriksaan.catatan.len()
        );
        for t in &pemeriksaan.catatan {
            let _ = writeln!(out, "  - {t}");
        }
    }
    let p12 = match std::fs::read(&args.sertifikat) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {}",
                io_gagal(Akses::Baca, &args.sertifikat, &e)
            );
            return Outcome::BadInput;
        }
    };
    let Some(sandi) = password(err) else {
        let _ = writeln!(err, "error: kata sandi sertifikat tidak dibaca");
        return Outcome::BadInput;
    };
    let penanda = match Penanda::baca(&p12, &sandi) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {}: {e}\n  = hint: {}",
                display_path(&args.sertifikat),
                e.hint()
            );
            return Outcome::BadInput;
        }
    };
    drop(sandi);
    let now = waktu::sekarang();
    if let Err(e) = penanda.periksa_masa_berlaku(now) {
        let _ = writeln!(
            err,
            "error: {}: {e}\n  = hint: {}",
            display_path(&args.sertifikat),
            e.hint()
        );
        return Outcome::BadInput;
    }
    let id = penanda.identitas();
    let p = &pemeriksaan.sop.pengesahan;
    let peringatan = penanda.peringatan(&p.nama, &p.nip);
    if !peringatan.is_empty() {
        for w in &peringatan {
            let _ = writeln!(err, "peringatan: {w}");
        }
        if !args.tetap && !confirm(err) {
            let _ = writeln!(
                err,
                "error: tidak disahkan; berkas SOP tidak diubah\n  = hint: periksa sertifikatnya, atau tambahkan --tetap untuk tetap mengesahkan"
            );
            return Outcome::BadInput;
        }
    }
    let permintaan = Permintaan {
        penanda: &penanda,
        waktu: now,
        tsa: args.tsa.clone(),
        settings,
    };
    match sahkan::sahkan(&pemeriksaan, &permintaan) {
        Ok(done) => {
            let c = &done.catatan;
            let _ = writeln!(
                out,
                "{} disahkan oleh {} pada {}\n  PDF bertanda tangan: {}\n  kode verifikasi: {}",
                display_path(&args.berkas),
                if id.nama.is_empty() {
                    &p.nama
                } else {
                    &id.nama
                },
                waktu::cetak(now),
                display_path(&done.pdf),
                c.kode
            );
            if pemeriksaan.alamat_verifikasi.is_none() {
                let _ = writeln!(
                    err,
                    "peringatan: lembar dicetak tanpa kode QR karena katalog belum menyebut alamat verifikasi\n  = hint: tulis alamat_verifikasi = \"https://...\" di bagian [katalog] katalog.toml"
                );
            }
            Outcome::Ok
        }
        Err(tolak) => refuse(&tolak, err),
    }
}

/// Prints why the SOP was not approved.
fn refuse(tolak: &Tolak, err: &mut dyn Write) -> Outcome {
    let hint = match tolak {
        Tolak::PengesahanKurang(_) => Some("data penanda tangan biasanya ditulis di katalog.toml"),
        Tolak::Sertifikat(e) => Some(e.hint()),
        _ => None,
    };
    match tolak {
        Tolak::Kesalahan(diagnostics) => {
            let _ = write!(err, "{diagnostics}");
            let _ = writeln!(
                err,
                "error: SOP yang masih berisi kesalahan tidak dapat disahkan; berkas SOP tidak diubah\n  = hint: perbaiki kesalahan di atas, lalu periksa dengan sopan check"
            );
        }
        other => {
            let _ = writeln!(err, "error: {other}; berkas SOP tidak diubah");
            if let Some(h) = hint {
                let _ = writeln!(err, "  = hint: {h}");
            }
        }
    }
    Outcome::BadInput
}

/// The certificate's password: asked without echo at a terminal, else the first line of
/// standard input (for scripts). Never stored.
fn password(err: &mut dyn Write) -> Option<String> {
    if std::io::stdin().is_terminal() {
        let _ = err.flush();
        return rpassword::prompt_password("Kata sandi sertifikat: ").ok();
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Asks at a terminal whether to approve despite the warnings; `false` without one.
fn confirm(err: &mut dyn Write) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    let _ = write!(err, "Tetap sahkan? Ketik ya untuk melanjutkan: ");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).is_ok() && line.trim().eq_ignore_ascii_case("ya")
}
