//! `sopan book`: the bound SOP book of a catalogue, ordered by chapters (subfolders) or
//! `katalog.urutan`, with cover, Daftar Isi and bookmarks.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::BookArgs;
use crate::commands::{Outcome, load, write_atomic};
use crate::diag::{Akses, display_path, io_gagal};
use crate::katalog::build::workers;
use crate::source::{self, KATALOG, katalog_info};
use crate::typeset::buku::{self, Entri, Sampul};
use crate::typeset::{self, world};

/// The SOP files of the book in order: `urutan` first, then the rest by path.
pub fn order(dir: &Path, urutan: &[String]) -> std::io::Result<Vec<PathBuf>> {
    let mut rest = source::sop_files(dir)?;
    let mut out = Vec::new();
    for name in urutan {
        if let Some(pos) = rest
            .iter()
            .position(|f| f.strip_prefix(dir).is_ok_and(|r| r == Path::new(name)))
        {
            out.push(rest.remove(pos));
        }
    }
    out.extend(rest);
    Ok(out)
}

/// Chapter title of an SOP file: its first subfolder below the catalogue, in capitals.
pub fn bab(dir: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(dir).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?;
    parts.next()?; // a file directly in the catalogue folder has no chapter
    Some(first.replace(['-', '_'], " ").to_uppercase())
}

/// `sopan book DIR -o buku.pdf [--duplex]`.
pub fn run(args: &BookArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
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
    let files = match order(dir, &info.urutan) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::Baca, dir, &e));
            return Outcome::BadInput;
        }
    };
    let mut entries = Vec::new();
    let mut failed = 0;
    for f in &files {
        let Some(sop) = load(f, err) else {
            failed += 1;
            continue;
        };
        match world::templates_for(f) {
            Ok(templates) => entries.push(Entri {
                sop,
                bab: bab(dir, f),
                templates,
            }),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                failed += 1;
            }
        }
    }
    let target = args.output.clone().unwrap_or_else(|| dir.join("buku.pdf"));
    if failed > 0 || entries.is_empty() {
        let _ = writeln!(
            err,
            "gagal: buku tidak dibuat ({failed} SOP bermasalah dari {})",
            files.len()
        );
        return Outcome::BadInput;
    }
    let first = &entries[0].sop;
    let sampul = Sampul {
        judul: if info.judul.is_empty() {
            "Standar Operasional Prosedur".into()
        } else {
            info.judul.clone()
        },
        tahun: info.tahun.clone(),
        alamat: info.alamat.clone(),
        baris: first.instansi.baris.clone(),
        unit: first.instansi.unit.clone(),
        logo: first.instansi.logo.clone(),
    };
    let templates = match world::templates_for(&dir.join(KATALOG)) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadInput;
        }
    };
    let Some(jobs) = workers(args.jobs, err) else {
        return Outcome::BadUsage;
    };
    let duplex = args.duplex;
    let rendered = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(typeset::WORKER_STACK)
            .spawn_scoped(s, || {
                let b = buku::render(&entries, &sampul, &templates, duplex, jobs)?;
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
        entries.len(),
        b.document.pages().len()
    );
    Outcome::Ok
}
