//! `sopan impor`: bringing a dinas's existing SOPs in from Word (.docx) and Excel
//! (.xlsx). A reader turns the file into rows of cells with the flowchart symbols over
//! them ([`docx`], [`xlsx`] into [`tabel`]); [`baca`] finds the SOPs in the rows; [`tulis`]
//! writes one SOP file each and a katalog.toml with what they share, marking every
//! guess with a `# periksa:` comment.

pub mod baca;
pub mod docx;
pub mod tabel;
pub mod tulis;
pub mod xlsx;

use std::path::{Path, PathBuf};

pub use baca::Temuan;

/// Why a file could not be imported.
#[derive(Debug)]
pub enum ImporError {
    /// The file cannot be read.
    Io(std::io::Error),
    /// Not .docx or .xlsx by its name.
    Jenis,
    /// Not a Word or Excel file inside (not a ZIP package with the expected parts).
    BukanOffice,
    /// Its XML is broken.
    Xml(String),
    /// No SOP found in it.
    Kosong,
}

impl std::fmt::Display for ImporError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImporError::Io(e) => write!(f, "{}", crate::io_error_id(e)),
            ImporError::Jenis => f.write_str(
                "hanya berkas Word (.docx) dan Excel (.xlsx) yang dapat diimpor. Berkas .doc \
                 atau .xls: buka di Word, Excel atau LibreOffice lalu simpan sebagai .docx atau \
                 .xlsx. Berkas PDF tidak dapat diimpor: pakai berkas Word atau Excel aslinya",
            ),
            ImporError::BukanOffice => {
                f.write_str("bukan berkas Word atau Excel yang utuh (isi berkasnya tidak terbaca)")
            }
            ImporError::Xml(e) => write!(f, "isi berkas rusak: {e}"),
            ImporError::Kosong => f.write_str(
                "tidak ada SOP yang ditemukan: sopan mencari kop dengan \"Nomor SOP\" dan \
                 tabel alur dengan kolom \"Kegiatan\" dan \"Pelaksana\"",
            ),
        }
    }
}

/// The largest file read.
const MAKS: u64 = 50 * 1024 * 1024;

/// The largest part of an Office package (one XML file inside the ZIP) read.
const PART_MAKS: u64 = 64 * 1024 * 1024;

/// An Office package: the ZIP a .docx or .xlsx is.
type Paket<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// Opens the package in `data`.
fn paket(data: &[u8]) -> Result<Paket<'_>, ImporError> {
    zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|_| ImporError::BukanOffice)
}

/// The text of one part of a package, at most [`PART_MAKS`] bytes; `None` when it is
/// missing or not text.
fn part(zip: &mut Paket<'_>, name: &str) -> Option<String> {
    use std::io::Read;
    let mut text = String::new();
    zip.by_name(name)
        .ok()?
        .take(PART_MAKS)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The SOPs in the Word or Excel file at `path`.
pub fn read(path: &Path) -> Result<Vec<Temuan>, ImporError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let data = crate::source::file::read_bytes(path, MAKS).map_err(ImporError::Io)?;
    let rows = match ext.as_deref() {
        Some("docx") => docx::rows(&data)?,
        Some("xlsx") => xlsx::rows(&data)?,
        _ => return Err(ImporError::Jenis),
    };
    let sops = baca::sops(&rows);
    if sops.is_empty() {
        return Err(ImporError::Kosong);
    }
    Ok(sops)
}

/// One file the import wrote or could not write.
#[derive(Debug)]
pub struct Berkas {
    /// Where.
    pub path: PathBuf,
    /// The SOP's nama, its number of steps and of flow tables; `None` for katalog.toml.
    pub sop: Option<(String, usize, usize)>,
    /// Its guesses.
    pub tebakan: Vec<String>,
    /// Why it was not written (it exists already, or the folder cannot be written).
    pub gagal: Option<String>,
}

/// Writes `sops` (found in the file named `source`) into `folder`: one SOP file each,
/// named from its nama, and katalog.toml with what they share. Never overwrites.
pub fn write(folder: &Path, source: &str, sops: &[Temuan]) -> Vec<Berkas> {
    let shared = tulis::Bersama::of(sops);
    let mut out = Vec::new();
    if let Err(e) = std::fs::create_dir_all(folder) {
        out.push(Berkas {
            path: folder.to_path_buf(),
            sop: None,
            tebakan: Vec::new(),
            gagal: Some(crate::io_error_id(&e)),
        });
        return out;
    }
    if let Some(b) = &shared {
        let path = folder.join(crate::source::KATALOG);
        let gagal = create_new(&path, &b.katalog(source)).err();
        out.push(Berkas {
            path,
            sop: None,
            tebakan: Vec::new(),
            gagal,
        });
    }
    let mut taken: Vec<String> = Vec::new();
    for t in sops {
        let mut name = tulis::nama_berkas(&t.nama, &t.nomor);
        let base = name.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.push(name.clone());
        let path = folder.join(format!("{name}.toml"));
        let (text, tebakan) = tulis::sop(t, source, shared.as_ref());
        let gagal = create_new(&path, &text).err();
        out.push(Berkas {
            path,
            sop: Some((
                t.nama.clone(),
                t.alur.iter().map(|a| a.langkah.len()).sum(),
                t.alur.len(),
            )),
            tebakan,
            gagal,
        });
    }
    out
}

/// Writes a new file; never replaces one.
fn create_new(path: &Path, text: &str) -> Result<(), String> {
    crate::output::write_new(path, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => "sudah ada; tidak ditimpa".to_string(),
        _ => crate::io_error_id(&e),
    })
}
