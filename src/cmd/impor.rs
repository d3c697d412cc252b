//! `sopan impor`: SOPs from a Word or Excel file into sopan files, with a summary of
//! what was found, what was guessed and what could not be placed.

use std::io::Write;

use super::Outcome;
use crate::cli::ImporArgs;
use sopan::diag::display_path;
use sopan::impor::{self, Isi};

/// Text from a document for the terminal: no control characters, whatever it held.
fn tampil(text: &str) -> String {
    impor::tulis::komentar(&impor::dokumen::bersih(text))
}

/// An SOP's name for the summary; a clerk's words when none was read (empty, or only
/// punctuation such as ":").
fn nama_terbaca(nama: &str) -> String {
    if nama.chars().any(char::is_alphanumeric) {
        tampil(nama)
    } else {
        "(Nama SOP tidak terbaca)".to_string()
    }
}

/// `sopan impor`.
pub fn run(args: &ImporArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let shown = display_path(&args.berkas);
    let folder = args
        .output
        .clone()
        .unwrap_or_else(|| impor::folder_bawaan(&args.berkas));
    if folder.exists() && !folder.is_dir() {
        let _ = writeln!(
            err,
            "error: {}: -o harus sebuah folder, dan ini sebuah berkas\n\
             hint: pilih folder untuk hasilnya, misalnya -o {}",
            display_path(&folder),
            display_path(&impor::folder_bawaan(&args.berkas)),
        );
        return Outcome::BadInput;
    }
    let hasil = match impor::read(&args.berkas) {
        Ok(h) => h,
        Err(e) => {
            let _ = writeln!(err, "error: {shown}: {e}");
            return Outcome::BadInput;
        }
    };
    let source = args
        .berkas
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = impor::write(&folder, &source, &hasil);
    let _ = writeln!(out, "{shown}: {} SOP ditemukan", hasil.sops.len());
    let mut failed = 0;
    let mut guesses = Vec::new();
    for f in &files {
        let path = display_path(&f.path);
        let what = match &f.isi {
            Isi::Sop {
                nama,
                langkah,
                tabel,
            } => {
                let sub = if *tabel > 1 {
                    format!(" dalam {tabel} sub-prosedur")
                } else {
                    String::new()
                };
                format!(
                    "{}: {langkah} langkah{sub}, {} perlu diperiksa",
                    nama_terbaca(nama),
                    f.tebakan.len()
                )
            }
            Isi::Katalog => "kop dan penanda tangan bersama".to_string(),
            Isi::Logo => "logo kop".to_string(),
            Isi::Warisan => "katalog tempat SOP ini masuk: kop dan penanda tangannya dipakai; \
                             yang berbeda di berkas asal ditulis di folder ini"
                .to_string(),
        };
        match &f.gagal {
            None => {
                let _ = writeln!(out, "  {path}  {what}");
                for g in &f.tebakan {
                    guesses.push(format!("  {path}: {}", tampil(g)));
                }
            }
            Some(why) => {
                failed += 1;
                let _ = writeln!(err, "error: {path}: {why}");
            }
        }
    }
    if !hasil.lewat.is_empty() {
        let _ = writeln!(out, "\nDi luar SOP mana pun, tidak diimpor:");
        for l in &hasil.lewat {
            let _ = writeln!(out, "  {}", tampil(l));
        }
    }
    if failed == files.len() {
        let _ = writeln!(
            err,
            "Tidak ada berkas yang ditulis.\nhint: pilih folder lain dengan -o, misalnya -o {}-2",
            display_path(&impor::folder_bawaan(&args.berkas))
        );
        return Outcome::BadInput;
    }
    if failed > 0 {
        let _ = writeln!(
            err,
            "{failed} berkas tidak ditulis (lihat di atas); berkas lainnya sudah ditulis."
        );
    }
    if !guesses.is_empty() {
        let _ = writeln!(
            out,
            "\nPerlu diperiksa (ditandai \"# periksa:\" di berkasnya; hapus tanda itu setelah \
             diperiksa):"
        );
        for g in guesses {
            let _ = writeln!(out, "{g}");
        }
    }
    let _ = writeln!(
        out,
        "\nLangkah berikutnya: sopan check --review {}",
        display_path(&folder)
    );
    if failed > 0 {
        Outcome::BadInput
    } else {
        Outcome::Ok
    }
}
