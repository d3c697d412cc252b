//! `sopan impor`: SOPs from a Word or Excel file into sopan files, with a summary of
//! what was found and what was guessed.

use std::io::Write;

use super::Outcome;
use crate::cli::ImporArgs;
use sopan::diag::display_path;
use sopan::impor;

/// `sopan impor`.
pub fn run(args: &ImporArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let shown = display_path(&args.berkas);
    let sops = match impor::read(&args.berkas) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {shown}: {e}");
            return Outcome::BadInput;
        }
    };
    let folder = args.output.clone().unwrap_or_else(|| {
        args.berkas
            .file_stem()
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "impor".into())
    });
    let source = args
        .berkas
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = impor::write(&folder, &source, &sops);
    let _ = writeln!(out, "{shown}: {} SOP ditemukan", sops.len());
    let mut failed = 0;
    let mut guesses = Vec::new();
    for f in &files {
        let path = display_path(&f.path);
        let what = match &f.sop {
            Some((nama, langkah, tabel)) => {
                let sub = if *tabel > 1 {
                    format!(" dalam {tabel} sub-prosedur")
                } else {
                    String::new()
                };
                format!(
                    "{nama}: {langkah} langkah{sub}, {} tebakan",
                    f.tebakan.len()
                )
            }
            None => "kop dan penanda tangan bersama".to_string(),
        };
        match &f.gagal {
            None => {
                let _ = writeln!(out, "  {path}  {what}");
                for g in &f.tebakan {
                    guesses.push(format!("  {path}: {g}"));
                }
            }
            Some(why) => {
                failed += 1;
                let _ = writeln!(err, "error: {path}: {why}");
            }
        }
    }
    if failed == files.len() {
        let _ = writeln!(
            err,
            "Tidak ada berkas yang ditulis. Pilih folder lain dengan -o, misalnya -o {}-baru",
            display_path(&folder)
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
            "\nTebakan yang perlu diperiksa (ditandai \"# periksa:\" di berkasnya; hapus \
             tanda itu setelah diperiksa):"
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
