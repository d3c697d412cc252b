//! A whole catalogue at once: `build` (every SOP to PDF, parallel and incremental), the
//! order and chapters of its book, `daftar` (the register of SOPs and their status) and
//! `init` (a ready new katalog).

pub mod build;
pub mod daftar;
pub mod init;

use std::path::{Path, PathBuf};

use crate::model::Instansi;
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

/// The example SOP exactly as `sopan init` writes it.
pub fn contoh() -> String {
    format!(
        "#:schema ../skema/sop.json\n{}",
        include_str!("init/contoh-sop.toml")
    )
}

/// Whether `text` is the example SOP of `init`, untouched.
pub fn is_contoh(text: &str) -> bool {
    text.replace("\r\n", "\n") == contoh()
}

/// `files` without `init`'s untouched example when the catalogue has SOPs of its own,
/// and the examples so left out: the book does not print it, and Keterkaitan does not
/// count it as an SOP of the catalogue.
pub fn tanpa_contoh(files: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let untouched = |f: &PathBuf| {
        source::file::read_text(f, source::file::SOP_MAKS).is_ok_and(|t| is_contoh(&t))
    };
    let (contoh, own): (Vec<_>, Vec<_>) = files.into_iter().partition(untouched);
    if own.is_empty() {
        (contoh, Vec::new())
    } else {
        (own, contoh)
    }
}

/// Chapter title of an SOP file: the `unit` its first subfolder's katalog.toml names
/// (a chapter is a unit's SOPs), else that folder's name; in capitals.
pub fn bab(dir: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(dir).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?;
    parts.next()?; // a file directly in the catalogue folder has no chapter
    let unit = crate::source::lenient::table(&dir.join(first).join(crate::source::KATALOG))
        .and_then(|t| {
            let unit = t.get("instansi")?.get("unit")?.as_str()?.trim().to_string();
            (!unit.is_empty()).then_some(unit)
        });
    Some(
        unit.unwrap_or_else(|| first.replace(['-', '_'], " "))
            .to_uppercase(),
    )
}

/// What the instansi of every SOP in `all` shares, for a book's cover: the kop lines
/// they all begin with, the unit if they all name the same one (a book of several
/// units names none), and the logo if they all print the same.
pub fn shared_instansi<'a>(mut all: impl Iterator<Item = &'a Instansi>) -> Instansi {
    let Some(first) = all.next() else {
        return Instansi::default();
    };
    let mut shared = first.clone();
    for other in all {
        let common = shared
            .baris
            .iter()
            .zip(&other.baris)
            .take_while(|(a, b)| a == b)
            .count();
        shared.baris.truncate(common);
        if shared.unit != other.unit {
            shared.unit.clear();
        }
        if shared.logo.as_ref().map(|g| &g.data) != other.logo.as_ref().map(|g| &g.data) {
            shared.logo = None;
        }
    }
    shared
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
    fn a_chapter_is_titled_by_the_unit_its_folder_names_else_by_the_folder() {
        let dir = std::env::temp_dir().join(format!("sopan-bab-{}", std::process::id()));
        let umum = dir.join("umum");
        std::fs::create_dir_all(&umum).unwrap();
        let file = umum.join("surat.toml");
        assert_eq!(bab(&dir, &file).as_deref(), Some("UMUM"));
        std::fs::write(
            umum.join("katalog.toml"),
            "[instansi]\nunit = \"Subbagian Umum dan Kepegawaian\"\n",
        )
        .unwrap();
        assert_eq!(
            bab(&dir, &file).as_deref(),
            Some("SUBBAGIAN UMUM DAN KEPEGAWAIAN")
        );
        assert_eq!(
            bab(&dir, &dir.join("lepas.toml")),
            None,
            "no chapter at the top"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_cover_names_what_every_sop_shares() {
        let instansi = |baris: &[&str], unit: &str| Instansi {
            baris: baris.iter().map(|b| b.to_string()).collect(),
            unit: unit.into(),
            logo: None,
        };
        let a = instansi(&["PEMERINTAH KOTA", "DINAS A"], "BIDANG 1");
        let b = instansi(&["PEMERINTAH KOTA", "DINAS A"], "BIDANG 2");
        let shared = shared_instansi([&a, &b].into_iter());
        assert_eq!(shared.baris, ["PEMERINTAH KOTA", "DINAS A"]);
        assert_eq!(shared.unit, "", "two units: the cover names neither");
        let shared = shared_instansi([&a, &a].into_iter());
        assert_eq!(shared.unit, "BIDANG 1");
        let c = instansi(&["PEMERINTAH KOTA", "DINAS B"], "BIDANG 1");
        assert_eq!(
            shared_instansi([&a, &c].into_iter()).baris,
            ["PEMERINTAH KOTA"]
        );
    }

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
