//! A whole catalogue at once: `build` (every SOP to PDF, parallel and incremental), the
//! order and chapters of its book, `daftar` (the register of SOPs and their status) and
//! `init` (a ready new katalog).

pub mod build;
pub mod daftar;
pub mod init;

use std::path::{Path, PathBuf};

use crate::source;

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
