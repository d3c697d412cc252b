//! The commands behind the CLI: render files, check files and folders.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, Format, PreviewArgs, RenderArgs};
use crate::diag::{self, Akses, Sources, display_path, io_gagal};
use crate::model::Sop;
use crate::pages::{self, PageSelection};
use crate::review;
use crate::typeset::{self, RenderError, fonts, world};
use crate::validate;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Ok,
    /// Some input had errors (exit code 1).
    BadInput,
    /// The command was used wrongly (exit code 2).
    BadUsage,
}

/// Loads one SOP file, printing its diagnostics to `err`.
pub fn load(path: &Path, err: &mut dyn Write) -> Option<Sop> {
    let mut sources = Sources::default();
    let loaded = validate::load(path, &mut sources, &fonts::covers);
    if !loaded.diags.is_empty() {
        let _ = write!(err, "{}", diag::render(&sources, &loaded.diags));
    }
    loaded.sop
}

/// Writes `data` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("keluaran");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Renders an SOP to PDF bytes and its flow geometry, with the embedded templates.
pub fn render_sop(sop: &Sop) -> Result<(Vec<u8>, typeset::Rendered), typeset::RenderError> {
    render_sop_with(sop, &world::embedded_templates())
}

/// Renders an SOP to PDF bytes and its flow geometry with the given templates (name, text).
pub fn render_sop_with(
    sop: &Sop,
    templates: &[(String, String)],
) -> Result<(Vec<u8>, typeset::Rendered), typeset::RenderError> {
    let rendered = typeset::render(sop, templates)?;
    let pdf = typeset::pdf(sop, &rendered.document)?;
    Ok((pdf, rendered))
}

/// `sopan render`.
pub fn render(args: &RenderArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let output_is_file = args.output.as_deref().is_some_and(|o| !pages::is_folder(o));
    if args.files.len() > 1 && (output_is_file || args.geometry.is_some()) {
        let _ = writeln!(
            err,
            "error: -o (kecuali sebuah folder) dan --geometry hanya bisa dipakai dengan satu berkas SOP"
        );
        return Outcome::BadUsage;
    }
    let selection = match args.pages.as_deref().map(PageSelection::parse) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            let _ = writeln!(err, "error: --pages: {e}");
            return Outcome::BadUsage;
        }
    };
    if !(10.0..=1200.0).contains(&args.ppi) {
        let _ = writeln!(
            err,
            "error: --ppi {} di luar batas; pakai 10 sampai 1200 (150 cukup untuk layar, 300 untuk cetak)",
            args.ppi
        );
        return Outcome::BadUsage;
    }
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(Format::from_path))
        .unwrap_or(Format::Pdf);
    let job = Job {
        format,
        output: args.output.as_deref(),
        selection: selection.as_ref(),
        ppi: args.ppi,
        geometry: args.geometry.as_deref(),
    };
    let mut outcome = Outcome::Ok;
    for file in &args.files {
        match render_one(file, &job, out, err) {
            Ok(()) => {}
            Err(o) => {
                if outcome == Outcome::Ok || o == Outcome::BadUsage {
                    outcome = o;
                }
            }
        }
        typeset::tidy_cache(1);
    }
    outcome
}

/// What one `sopan render` run writes for each SOP.
struct Job<'a> {
    format: Format,
    output: Option<&'a Path>,
    selection: Option<&'a PageSelection>,
    ppi: f64,
    geometry: Option<&'a Path>,
}

fn render_one(
    file: &Path,
    job: &Job<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Outcome> {
    let Some(sop) = load(file, err) else {
        let _ = writeln!(
            err,
            "gagal: {} tidak dibuat karena ada kesalahan di atas",
            display_path(&match job.format {
                Format::Pdf => pdf_target(file, job.output),
                _ => pages::image_path(file, job.output, job.format.ext(), 1, false),
            })
        );
        return Err(Outcome::BadInput);
    };
    // A catalogue may override the embedded templates (templates/ beside katalog.toml).
    let templates = match world::templates_for(file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Err(Outcome::BadInput);
        }
    };
    let rendered = match typeset::render(&sop, &templates) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", display_path(file));
            return Err(Outcome::BadInput);
        }
    };
    for w in &rendered.warnings {
        let _ = writeln!(err, "warning: {}: {w}", display_path(file));
    }
    let count = rendered.document.pages().len();
    let chosen = match job.selection.map(|s| s.resolve(count)) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            let _ = writeln!(err, "error: --pages: {}: {e}", display_path(file));
            return Err(Outcome::BadUsage);
        }
    };
    let chosen_count = chosen.as_ref().map(Vec::len);
    let files = match page_files(&sop, &rendered, job, chosen) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", display_path(file));
            return Err(Outcome::BadInput);
        }
    };
    let mut written = Vec::new();
    for (target, data) in &files {
        if let Err(e) = write_atomic(target, data) {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::Tulis, target, &e));
            return Err(Outcome::BadInput);
        }
        written.push(display_path(target));
    }
    if let Some(g) = job.geometry {
        let json = serde_json::to_vec_pretty(&rendered.geometry).expect("geometry is plain data");
        if let Err(e) = write_atomic(g, &json) {
            let _ = writeln!(err, "error: {}", io_gagal(Akses::Tulis, g, &e));
            return Err(Outcome::BadInput);
        }
    }
    let _ = match job.format {
        Format::Pdf => writeln!(
            out,
            "{} -> {} ({} halaman)",
            display_path(file),
            written.join(", "),
            chosen_count.unwrap_or(count)
        ),
        _ => writeln!(
            out,
            "{} -> {} ({} dari {count} halaman)",
            display_path(file),
            written.join(", "),
            files.len()
        ),
    };
    Ok(())
}

/// Where the PDF of the SOP `file` goes: `output` (a file, or a folder to put it in) or
/// beside the SOP.
fn pdf_target(file: &Path, output: Option<&Path>) -> PathBuf {
    let own = file.with_extension("pdf");
    match output {
        Some(o) if pages::is_folder(o) => o.join(own.file_name().unwrap_or_default()),
        Some(o) => o.to_path_buf(),
        None => own,
    }
}

/// The files one SOP renders to, with their bytes, before anything is written.
fn page_files(
    sop: &Sop,
    rendered: &typeset::Rendered,
    job: &Job<'_>,
    chosen: Option<Vec<usize>>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, typeset::RenderError> {
    let doc = &rendered.document;
    if job.format == Format::Pdf {
        let target = pdf_target(&sop.path, job.output);
        let pdf = typeset::pdf_pages(sop, doc, chosen.as_deref())?;
        return Ok(vec![(target, pdf)]);
    }
    let numbers = chosen.unwrap_or_else(|| (1..=doc.pages().len()).collect());
    let several = numbers.len() > 1;
    numbers
        .iter()
        .map(|&n| {
            let data = match job.format {
                Format::Png => typeset::page_png(doc, n - 1, job.ppi),
                _ => typeset::page_svg(doc, n - 1).map(String::into_bytes),
            }
            .ok_or_else(|| RenderError::Typst(format!("halaman {n} gagal digambar")))?;
            let target = pages::image_path(&sop.path, job.output, job.format.ext(), n, several);
            Ok((target, data))
        })
        .collect()
}

/// Every SOP file named by `paths` (files as given, folders searched).
pub fn expand(paths: &[PathBuf], err: &mut dyn Write) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match crate::source::sop_files(p) {
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

/// `sopan check`.
pub fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let Some(files) = expand(&args.paths, err) else {
        return Outcome::BadUsage;
    };
    let mut failed = 0;
    let mut names: std::collections::HashMap<PathBuf, Vec<String>> = Default::default();
    for f in &files {
        match load(f, err) {
            Some(sop) if args.review => {
                let folder = review::catalogue_folder(f);
                let names = names
                    .entry(folder.clone())
                    .or_insert_with(|| review::catalogue_names(&folder));
                print_review(&sop, &review::review(&sop, names), out);
            }
            Some(_) => {}
            None => failed += 1,
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

/// `sopan preview`: serves until the process is stopped.
pub fn preview(args: &PreviewArgs, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let options = crate::preview::Options {
        path: args.path.clone(),
        host: args.host.clone(),
        port: args.port,
    };
    let server = match crate::preview::start(&options) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Outcome::BadUsage;
        }
    };
    if !server.addr().ip().is_loopback() {
        let _ = writeln!(
            err,
            "peringatan: pratinjau juga dapat dibuka dari komputer lain di jaringan ({})",
            server.addr()
        );
    }
    let _ = writeln!(out, "Pratinjau: {}", server.url());
    let _ = writeln!(
        out,
        "Buka alamat itu di peramban. Setiap kali berkas disimpan, halaman ikut berubah. \
         Tekan Ctrl+C untuk berhenti."
    );
    let _ = out.flush();
    server.wait();
    Outcome::Ok
}

/// Prints one SOP's review list for `sopan check --review`.
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
