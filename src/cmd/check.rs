//! `sopan check`: validates SOP files and folders without writing anything; with
//! `--review`, also lists what still stands before pengesahan.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use super::Outcome;
use crate::cli::CheckArgs;
use sopan::diag::{Akses, display_path, io_gagal};
use sopan::model::Sop;
use sopan::pipeline::{self, Settings};
use sopan::review;

/// `sopan check`.
pub fn run(
    args: &CheckArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let Some(files) = expand(&args.paths, err) else {
        return Outcome::BadUsage;
    };
    let mut failed = 0;
    let mut names: HashMap<PathBuf, Vec<String>> = HashMap::new();
    for f in &files {
        let (sop, diagnostics) = pipeline::validate(f, settings);
        let _ = write!(err, "{diagnostics}");
        match sop {
            Some(sop) if args.review => {
                let folder = review::catalogue_folder(f);
                let names = names
                    .entry(folder.clone())
                    .or_insert_with(|| review::catalogue_names(&folder));
                print_review(&sop, &review::review(&sop, names), out);
            }
            Some(_) => {}
            None => {
                failed += 1;
                if args.review {
                    print_open_guesses(f, out);
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{} berkas diperiksa: {} baik, {} bermasalah",
        files.len(),
        files.len() - failed,
        failed
    );
    if failed > 0 {
        Outcome::BadInput
    } else {
        Outcome::Ok
    }
}

/// Every SOP file named by `paths` (files as given, folders searched).
fn expand(paths: &[PathBuf], err: &mut dyn Write) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match sopan::source::sop_files(p) {
                Ok(found) => files.extend(found),
                Err(e) => {
                    let _ = writeln!(err, "error: {}", io_gagal(Akses::BacaFolder, p, &e));
                    return None;
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            let _ = writeln!(err, "error: {} tidak ditemukan", display_path(p));
            return None;
        }
    }
    Some(files)
}

/// Prints the `# periksa:` notes of a file that does not validate: what the import left
/// open is often why it does not.
fn print_open_guesses(path: &std::path::Path, out: &mut dyn Write) {
    let found = review::guesses(path);
    if found.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{}: bermasalah (lihat di atas); {} catatan impor masih terbuka",
        display_path(path),
        found.len()
    );
    for t in found {
        let _ = writeln!(out, "  - {t}");
    }
}

/// Prints one SOP's review list.
fn print_review(sop: &Sop, found: &[review::Temuan], out: &mut dyn Write) {
    let head = format!(
        "{}: {} ({})",
        display_path(&sop.path),
        sop.nama,
        sop.status.nama()
    );
    if found.is_empty() {
        let _ = writeln!(out, "{head}: lengkap, tidak ada catatan");
        return;
    }
    let _ = writeln!(out, "{head}: {} catatan sebelum pengesahan", found.len());
    for t in found {
        let _ = writeln!(out, "  - {t}");
    }
}
