//! `sopan render`: SOP files to PDF, PNG or SVG pages, and the flowchart geometry.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Outcome;
use crate::cli::{Format, RenderArgs};
use sopan::diag::{Akses, display_path, io_gagal};
use sopan::output::{self, PageSelection, write_atomic};
use sopan::pipeline::{self, Failure, Loaded, Settings};
use sopan::typeset::{self, RenderError, Rendered};

impl Format {
    /// The format a file name asks for by its extension.
    fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "png" => Some(Format::Png),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    /// The file extension.
    fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// What one `sopan render` run writes for each SOP.
struct Job<'a> {
    format: Format,
    output: Option<&'a Path>,
    selection: Option<&'a PageSelection>,
    ppi: f64,
    geometry: Option<&'a Path>,
}

/// `sopan render`.
pub fn run(
    args: &RenderArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Outcome {
    let output_is_file = args
        .output
        .as_deref()
        .is_some_and(|o| !output::is_folder(o));
    if args.files.len() > 1 && (output_is_file || args.geometry.is_some()) {
        let _ = writeln!(
            err,
            "error: -o (kecuali sebuah folder) dan --geometry hanya bisa dipakai dengan satu berkas SOP"
        );
        return Outcome::BadUsage;
    }
    let job = Job {
        format: args
            .format
            .or_else(|| args.output.as_deref().and_then(Format::from_path))
            .unwrap_or(Format::Pdf),
        output: args.output.as_deref(),
        selection: args.pages.as_ref(),
        ppi: args.ppi,
        geometry: args.geometry.as_deref(),
    };
    let mut outcome = Outcome::Ok;
    for file in &args.files {
        if let Err(o) = render_one(file, &job, settings, out, err)
            && (outcome == Outcome::Ok || o == Outcome::BadUsage)
        {
            outcome = o;
        }
        typeset::tidy_cache(1);
    }
    outcome
}

fn render_one(
    file: &Path,
    job: &Job<'_>,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Outcome> {
    if file.is_dir() {
        let _ = writeln!(
            err,
            "error: {} adalah sebuah folder, bukan berkas SOP\n  = hint: untuk semua SOP di \
             folder itu pakai: sopan build {}",
            display_path(file),
            display_path(file)
        );
        return Err(Outcome::BadUsage);
    }
    let loaded = match pipeline::load(file, settings) {
        Ok(l) => l,
        Err(Failure::Invalid(text)) => {
            let target = match job.format {
                Format::Pdf => pdf_target(file, job.output),
                _ => output::image_path(file, job.output, job.format.ext(), 1, false),
            };
            let _ = write!(err, "{text}");
            let _ = writeln!(
                err,
                "gagal: {} tidak dibuat karena ada kesalahan di atas",
                display_path(&target)
            );
            return Err(Outcome::BadInput);
        }
        Err(e) => {
            let _ = write!(err, "{e}");
            return Err(Outcome::BadInput);
        }
    };
    let _ = write!(err, "{}", loaded.warnings);
    let rendered = pipeline::render(&loaded).map_err(|e| {
        let _ = write!(err, "{e}");
        Outcome::BadInput
    })?;
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
    let files = page_files(&loaded, &rendered, job, chosen).map_err(|e| {
        let _ = write!(err, "{e}");
        Outcome::BadInput
    })?;
    let inputs = loaded.input_files();
    let named = files.iter().map(|(t, _)| (t.as_path(), job.format.ext()));
    for (target, ext) in named.chain(job.geometry.map(|g| (g, "json"))) {
        if let Err(e) = output::refuse(target, ext, &inputs) {
            let _ = writeln!(err, "error: {e}");
            return Err(Outcome::BadUsage);
        }
    }
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
        Some(o) if output::is_folder(o) => o.join(own.file_name().unwrap_or_default()),
        Some(o) => o.to_path_buf(),
        None => own,
    }
}

/// The files one SOP renders to, with their bytes, before anything is written.
fn page_files(
    loaded: &Loaded,
    rendered: &Rendered,
    job: &Job<'_>,
    chosen: Option<Vec<usize>>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let path = &loaded.sop.path;
    if job.format == Format::Pdf {
        let pdf = pipeline::pdf(loaded, rendered, chosen.as_deref())?;
        return Ok(vec![(pdf_target(path, job.output), pdf)]);
    }
    let doc = &rendered.document;
    let numbers = chosen.unwrap_or_else(|| (1..=doc.pages().len()).collect());
    let several = numbers.len() > 1;
    numbers
        .iter()
        .map(|&n| {
            let data = match job.format {
                Format::Png => typeset::page_png(doc, n - 1, job.ppi),
                _ => typeset::page_svg(doc, n - 1).map(String::into_bytes),
            }
            .ok_or_else(|| Failure::Render {
                file: display_path(path),
                error: RenderError::Typst(format!("halaman {n} gagal digambar")),
            })?;
            let target = output::image_path(path, job.output, job.format.ext(), n, several);
            Ok((target, data))
        })
        .collect()
}
