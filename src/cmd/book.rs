//! `sopan book`: the bound SOP book of a catalogue, ordered by chapters (subfolders) or
//! `katalog.urutan`, with cover, Daftar Isi and bookmarks.

use std::io::Write;

use super::Outcome;
use crate::cli::BookArgs;
use sopan::diag::{Akses, display_path, io_gagal};
use sopan::katalog;
use sopan::output::{self, write_atomic};
use sopan::pipeline::{self, Settings};
use sopan::source::{KATALOG, katalog_info};
use sopan::typeset::buku::{self, Isi, Sampul};
use sopan::typeset::{self, world};

/// `sopan book DIR -o buku.pdf [--duplex]`.
pub fn run(
    args: &BookArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let dir = &args.dir;
    if !dir.join(KATALOG).is_file() {
        let _ = writeln!(
            err,
            "error: {} bukan folder katalog (tidak ada katalog.toml)",
            display_path(dir)
        );
        return Outcome::BadUsage;
    }
    let info = katalog_info(dir);
    let files = match katalog::order(dir, &info.urutan) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::Baca, dir, &e));
            return Outcome::BadInput;
        }
    };
    let files = without_example(files, err);
    let mut isi = Vec::new();
    let mut inputs = Vec::new();
    let mut failed = 0;
    for f in &files {
        match pipeline::load(f, settings) {
            Ok(loaded) => {
                let _ = write!(err, "{}", loaded.warnings);
                inputs.extend(loaded.input_files());
                isi.push(Isi {
                    sop: loaded.sop,
                    templates: loaded.templates,
                    bab: katalog::bab(dir, f),
                });
            }
            Err(e) => {
                let _ = write!(err, "{e}");
                failed += 1;
            }
        }
    }
    let target = args.output.clone().unwrap_or_else(|| dir.join("buku.pdf"));
    if let Err(e) = output::refuse(&target, "pdf", &inputs) {
        let _ = writeln!(err, "error: {e}");
        return Outcome::BadUsage;
    }
    if failed > 0 || isi.is_empty() {
        let _ = writeln!(
            err,
            "gagal: buku tidak dibuat ({failed} SOP bermasalah dari {})",
            files.len()
        );
        return Outcome::BadInput;
    }
    let first = &isi[0].sop;
    // The cover names what the whole catalogue shares, not the first SOP's unit.
    let shared = katalog::shared_instansi(isi.iter().map(|i| &i.sop.instansi));
    let sampul = Sampul {
        judul: if info.judul.is_empty() {
            "Standar Operasional Prosedur".into()
        } else {
            info.judul.clone()
        },
        tahun: info.tahun.clone(),
        alamat: info.alamat.clone(),
        baris: shared.baris,
        unit: shared.unit,
        logo: shared.logo,
    };
    let templates = match world::templates_for(&dir.join(KATALOG)) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadInput;
        }
    };
    let (duplex, jobs) = (args.duplex, args.jobs.get());
    // The cover and Daftar Isi are laid out on this thread: give it Typst's deep stack.
    let rendered = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(typeset::WORKER_STACK)
            .spawn_scoped(s, || {
                let b = buku::render(&isi, &sampul, &templates, duplex, jobs)?;
                let pdf = typeset::pdf_book(&sampul.judul, first.tanggal_dokumen, &b.document)?;
                Ok::<_, typeset::RenderError>((b, pdf))
            })
            .map(|h| h.join())
    });
    let (b, pdf) = match rendered {
        Ok(Ok(Ok(r))) => r,
        Ok(Ok(Err(e))) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadInput;
        }
        _ => {
            let _ = writeln!(err, "error: penataan buku gagal (bug sopan)");
            return Outcome::BadInput;
        }
    };
    for w in &b.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    if let Err(e) = write_atomic(&target, &pdf) {
        let _ = writeln!(err, "error: {}", io_gagal(Akses::Tulis, &target, &e));
        return Outcome::BadInput;
    }
    let _ = writeln!(
        out,
        "{} -> {} ({} SOP, {} halaman)",
        display_path(dir),
        display_path(&target),
        isi.len(),
        b.document.pages().len()
    );
    Outcome::Ok
}

/// The catalogue's SOP files without the example `sopan init` wrote, when it is still
/// untouched and the catalogue has SOPs of its own; said on `err`, so a clerk knows why.
fn without_example(files: Vec<std::path::PathBuf>, err: &mut dyn Write) -> Vec<std::path::PathBuf> {
    let (own, contoh) = katalog::tanpa_contoh(files);
    for f in &contoh {
        let _ = writeln!(
            err,
            "catatan: {} tidak dicetak di buku: itu contoh dari `sopan init` yang belum diubah \
             (hapus berkasnya, atau ubah isinya agar ikut dicetak)",
            display_path(f)
        );
    }
    own
}
