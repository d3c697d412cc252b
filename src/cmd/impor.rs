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
    let mut failed = false;
    let mut guesses = Vec::new();
    for f in &files {
        let path = display_path(&f.path);
        let what = match &f.sop {
            Some((nama, langkah, pelaksana)) => format!(
                "{nama}: {langkah} langkah, {pelaksana} pelaksana, {} tebakan",
                f.tebakan.len()
            ),
            None => "kop dan penanda tangan bersama".to_string(),
        };
        match &f.gagal {
            None => {
                let _ = writeln!(out, "  {path}  {what}");
            }
            Some(why) => {
                failed = true;
                let _ = writeln!(err, "error: {path}: {why}");
            }
        }
        for g in &f.tebakan {
            guesses.push(format!("  {}: {g}", display_path(&f.path)));
        }
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
    if failed {
        Outcome::BadInput
    } else {
        Outcome::Ok
    }
}
