//! The catalogue's archive, `arsip/`: each approved SOP's signed PDF and, beside it, a
//! JSON record of the approval (which SOP file, who signed, when, the fingerprint of what
//! was approved). Files there are created, never overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::sidik::{self, Sidik};
use crate::tanda::Identitas;

/// The archive folder's name, in the catalogue folder.
pub const FOLDER: &str = "arsip";

/// The largest approval record read.
const CATATAN_MAKS: u64 = 1024 * 1024;

/// The largest archived PDF served.
pub const PDF_MAKS: u64 = 256 * 1024 * 1024;

/// What an approval record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catatan {
    /// The record's format.
    pub versi: u32,
    /// The short code printed on the sheet.
    pub kode: String,
    /// The SOP file, from the catalogue folder, with `/`.
    pub sop: String,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// When it was signed, `2024-06-01T12:30:00Z`.
    pub disahkan: String,
    /// The signer's position, from the SOP.
    pub jabatan: String,
    /// Who the certificate names.
    pub penanda: Identitas,
    /// The fingerprint of what was approved.
    pub sidik: Sidik,
    /// The review notes that still stood when it was approved.
    pub catatan_pemeriksaan: Vec<String>,
    /// The timestamp authority used, if any.
    pub tsa: Option<String>,
    /// The signed PDF's file name, in the archive folder.
    pub pdf: String,
}

/// The archived PDF's name: the SOP's name, the date and the short code
/// (`penyusunan-lakip-2024-06-01-7Q2MK9XHAB.pdf`).
pub fn nama_berkas(nama: &str, tanggal: (u16, u8, u8), kode: &str) -> String {
    let mut slug = String::new();
    for c in nama.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "sop" } else { slug };
    let (y, m, d) = tanggal;
    format!("{slug}-{y:04}-{m:02}-{d:02}-{kode}.pdf")
}

/// The record beside an archived PDF.
pub fn record_path(pdf: &Path) -> PathBuf {
    pdf.with_extension("json")
}

/// Writes `pdf` and its record into `root/arsip/`, both as new files: an archived PDF is
/// never overwritten. Returns the PDF's path.
pub fn simpan(root: &Path, catatan: &Catatan, pdf: &[u8]) -> std::io::Result<PathBuf> {
    let folder = root.join(FOLDER);
    std::fs::create_dir_all(&folder)?;
    let target = folder.join(&catatan.pdf);
    let record = record_path(&target);
    let json = serde_json::to_vec_pretty(catatan).map_err(std::io::Error::other)?;
    if record.exists() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    crate::output::write_new(&target, pdf)?;
    if let Err(e) = crate::output::write_new(&record, &json) {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    Ok(target)
}

/// Takes an approval back out of the archive: for an approval whose SOP file could not
/// be written after all, so that the archive holds only what happened.
pub fn batalkan(pdf: &Path) {
    let _ = std::fs::remove_file(record_path(pdf));
    let _ = std::fs::remove_file(pdf);
}

/// The record of an archived PDF and its catalogue folder, when the PDF lies in an
/// `arsip/` folder beside its record.
pub fn catatan_untuk(pdf: &Path) -> Option<(PathBuf, Catatan)> {
    let record = record_path(pdf);
    let text = crate::source::file::read_bytes(&record, CATATAN_MAKS).ok()?;
    let catatan: Catatan = serde_json::from_slice(&text).ok()?;
    let folder = pdf
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let root = folder
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some((root.to_path_buf(), catatan))
}

/// The archived approval with short code `kode` in the catalogue at `root`, newest first
/// when there are several (the same text approved twice): the PDF's path and its record.
pub fn cari(root: &Path, kode: &str) -> Option<(PathBuf, Catatan)> {
    if !sidik::is_kode(kode) {
        return None;
    }
    let kode = kode.to_ascii_uppercase();
    let mut found: Vec<(PathBuf, Catatan)> = std::fs::read_dir(root.join(FOLDER))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| s.ends_with(&kode))
        })
        .filter_map(|p| catatan_untuk(&p).map(|(_, c)| (p, c)))
        .filter(|(_, c)| c.kode == kode)
        .collect();
    found.sort_by(|a, b| b.1.disahkan.cmp(&a.1.disahkan));
    found.into_iter().next()
}

/// The approvals of the SOP file `sop` (from the catalogue folder) in the archive, oldest
/// first.
pub fn riwayat_sop(root: &Path, sop: &str) -> Vec<Catatan> {
    semua(root).into_iter().filter(|c| c.sop == sop).collect()
}

/// Whether the SOP of an approval still says what was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kecocokan {
    /// Every file is as it was.
    Sama,
    /// These files changed since (paths and what happened).
    Berubah(Vec<String>),
    /// The SOP file is not there any more, or cannot be read.
    TidakDitemukan(String),
}

/// Compares the SOP of `catatan` in the catalogue at `root` with what was approved.
pub fn cocokkan(root: &Path, catatan: &Catatan, settings: &crate::pipeline::Settings) -> Kecocokan {
    let path = root.join(&catatan.sop);
    match sidik::sekarang(&path, root, settings) {
        Some(now) => bandingkan(catatan, &now),
        None => Kecocokan::TidakDitemukan(catatan.sop.clone()),
    }
}

/// Compares what `catatan` approved with the fingerprint `now` of its SOP.
pub fn bandingkan(catatan: &Catatan, now: &Sidik) -> Kecocokan {
    if now.sha256 == catatan.sidik.sha256 {
        Kecocokan::Sama
    } else {
        let mut changed = catatan.sidik.beda(now);
        if changed.is_empty() {
            changed.push(format!("{} diubah", catatan.sop));
        }
        Kecocokan::Berubah(changed)
    }
}

/// Every approval record in the archive of the catalogue at `root`, oldest first.
pub fn semua(root: &Path) -> Vec<Catatan> {
    let Ok(entries) = std::fs::read_dir(root.join(FOLDER)) else {
        return Vec::new();
    };
    let mut found: Vec<Catatan> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let data = crate::source::file::read_bytes(&p, CATATAN_MAKS).ok()?;
            serde_json::from_slice::<Catatan>(&data).ok()
        })
        .collect();
    found.sort_by(|a, b| a.disahkan.cmp(&b.disahkan));
    found
}

/// What an approval is worth today, as the public verification page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Berlaku {
    /// The SOP still says what was approved, and is in force.
    Berlaku,
    /// The SOP was withdrawn (`status = "dicabut"`).
    Dicabut,
    /// The SOP was replaced by another (`status = "diganti"`, `diganti_oleh`).
    Diganti(String),
    /// A later revision of the same SOP was approved: when, and its code.
    Direvisi {
        /// When the revision was approved.
        disahkan: String,
        /// Its short code.
        kode: String,
    },
    /// The SOP changed since it was approved and the change is not approved yet.
    Berubah(Vec<String>),
    /// The SOP file is not in the catalogue any more.
    TidakDitemukan,
}

impl Berlaku {
    /// The status in one word or phrase: "berlaku", "dicabut", "diganti", "sudah berubah
    /// sejak disahkan".
    pub fn nama(&self) -> &'static str {
        match self {
            Berlaku::Berlaku => "berlaku",
            Berlaku::Dicabut => "dicabut",
            Berlaku::Diganti(_) | Berlaku::Direvisi { .. } => "diganti",
            Berlaku::Berubah(_) => "sudah berubah sejak disahkan",
            Berlaku::TidakDitemukan => "tidak ada lagi di katalog",
        }
    }
}

/// What the approval `catatan` of the catalogue at `root` is worth today.
pub fn berlaku(root: &Path, catatan: &Catatan, settings: &crate::pipeline::Settings) -> Berlaku {
    let later = riwayat_sop(root, &catatan.sop)
        .into_iter()
        .rfind(|c| c.disahkan > catatan.disahkan && c.kode != catatan.kode);
    if let Some(c) = later {
        return Berlaku::Direvisi {
            disahkan: c.disahkan,
            kode: c.kode,
        };
    }
    let path = root.join(&catatan.sop);
    if !path.is_file() {
        return Berlaku::TidakDitemukan;
    }
    let (sop, _) = crate::pipeline::validate(&path, settings);
    match sop.map(|s| s.status) {
        Some(crate::model::Status::Dicabut) => return Berlaku::Dicabut,
        Some(crate::model::Status::Diganti { oleh }) => return Berlaku::Diganti(oleh),
        _ => {}
    }
    match cocokkan(root, catatan, settings) {
        Kecocokan::Sama => Berlaku::Berlaku,
        Kecocokan::Berubah(list) => Berlaku::Berubah(list),
        Kecocokan::TidakDitemukan(_) => Berlaku::TidakDitemukan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_say_what_and_when() {
        assert_eq!(
            nama_berkas("Penyusunan LAKIP", (2024, 6, 1), "7Q2MK9XHAB"),
            "penyusunan-lakip-2024-06-01-7Q2MK9XHAB.pdf"
        );
        assert_eq!(
            nama_berkas("SOP: Surat/Masuk (baru)", (2024, 6, 1), "K"),
            "sop-surat-masuk-baru-2024-06-01-K.pdf"
        );
        assert_eq!(nama_berkas("“”", (2024, 6, 1), "K"), "sop-2024-06-01-K.pdf");
    }
}
