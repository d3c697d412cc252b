//! The commands behind the CLI: render files, check files and folders.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, RenderArgs};
use crate::diag::{self, Diagnostic, Sources, display_path};
use crate::model::Sop;
use crate::typeset::{self, fonts, world};
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
    if args.files.len() > 1 && (args.output.is_some() || args.geometry.is_some()) {
        let _ = writeln!(
            err,
            "error: -o dan --geometry hanya bisa dipakai dengan satu berkas SOP"
        );
        return Outcome::BadUsage;
    }
    let mut outcome = Outcome::Ok;
    for file in &args.files {
        let target = args
            .output
            .clone()
            .unwrap_or_else(|| file.with_extension("pdf"));
        if !render_one(file, &target, args.geometry.as_deref(), out, err) {
            outcome = Outcome::BadInput;
        }
        // Typst's memo caches grow without bound over many documents.
        typst::comemo::evict(10);
    }
    outcome
}

fn render_one(
    file: &Path,
    target: &Path,
    geometry: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> bool {
    let Some(sop) = load(file, err) else {
        let _ = writeln!(
            err,
            "gagal: {} tidak dibuat karena ada kesalahan di atas",
            display_path(target)
        );
        return false;
    };
    let templates = match world::templates_for(file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return false;
        }
    };
    let (pdf, rendered) = match render_sop_with(&sop, &templates) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", display_path(file));
            return false;
        }
    };
    for w in &rendered.warnings {
        let _ = writeln!(err, "warning: {}: {w}", display_path(file));
    }
    if let Err(e) = write_atomic(target, &pdf) {
        let _ = writeln!(
            err,
            "error: tidak dapat menulis {}: {}",
            display_path(target),
            crate::io_error_id(&e)
        );
        return false;
    }
    if let Some(g) = geometry {
        let json = serde_json::to_vec_pretty(&rendered.geometry).expect("geometry is plain data");
        if let Err(e) = write_atomic(g, &json) {
            let _ = writeln!(
                err,
                "error: tidak dapat menulis {}: {}",
                display_path(g),
                crate::io_error_id(&e)
            );
            return false;
        }
    }
    let _ = writeln!(
        out,
        "{} -> {} ({} halaman)",
        display_path(file),
        display_path(target),
        rendered.document.pages().len()
    );
    true
}

/// Every SOP file named by `paths` (files as given, folders searched).
pub fn expand(paths: &[PathBuf], err: &mut dyn Write) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match crate::source::sop_files(p) {
                Ok(found) => files.extend(found),
                Err(e) => {
                    let _ = writeln!(
                        err,
                        "error: tidak dapat membaca folder {}: {}",
                        display_path(p),
                        crate::io_error_id(&e)
                    );
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
    for f in &files {
        match load(f, err) {
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

/// A diagnostic printed for a file that could not be loaded at all.
pub fn general(message: &str) -> Diagnostic {
    Diagnostic::general(message)
}
