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

/// A nama as the catalogue compares it (Keterkaitan, the book's links, the register's
/// duplicates): lower case, single spaces, without a trailing `.`, `;` or `,` and
/// without a leading "SOP".
pub fn nama_baku(nama: &str) -> String {
    let text = nama
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ';', ','])
        .to_lowercase();
    match text.strip_prefix("sop") {
        Some(rest) if rest.starts_with([' ', '-', ':']) => {
            rest.trim_start_matches([' ', '-', ':']).to_string()
        }
        _ => text,
    }
}

/// Whether a Keterkaitan entry names the SOP called `nama` (both [`nama_baku`]): the
/// same name, or a text that holds a name of at least 8 letters ("SOP Penyusunan LAKIP
/// Tahunan" names "Penyusunan LAKIP").
pub fn menyebut(keterkaitan: &str, nama: &str) -> bool {
    !nama.is_empty() && (keterkaitan == nama || (nama.len() >= 8 && keterkaitan.contains(nama)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_spaces_or_a_leading_sop() {
        assert_eq!(nama_baku(" Penyusunan  LAKIP. "), "penyusunan lakip");
        assert_eq!(nama_baku("SOP: Surat Masuk"), "surat masuk");
        assert_eq!(nama_baku("Sop-Surat Masuk"), "surat masuk");
        assert_eq!(nama_baku("Sopir Dinas"), "sopir dinas");
        let lakip = nama_baku("Penyusunan LAKIP");
        assert!(menyebut(&nama_baku("SOP Penyusunan LAKIP"), &lakip));
        assert!(menyebut(&nama_baku("SOP Penyusunan LAKIP Tahunan"), &lakip));
        assert!(!menyebut(&nama_baku("SOP Rapat Koordinasi"), &lakip));
        // A short name must match whole: "Rapat" is in many texts.
        assert!(!menyebut(
            &nama_baku("Rapat Koordinasi"),
            &nama_baku("Rapat")
        ));
    }
}
