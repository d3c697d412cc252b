//! `sopan impor`: bringing a dinas's existing SOPs in from Word and Excel. The shape is
//! pandoc's: each reader turns its format into one neutral model ([`dokumen`]):
//! [`docx`] for Word, [`xlsx`] for Excel, and old or other formats (.doc, .xls, .odt)
//! through LibreOffice first ([`lama`]); every package is opened with limits
//! ([`paket`]). One recogniser ([`kenali`]) finds the kop, the grid boxes and the flow
//! in that model, whatever the format; one writer ([`tulis`]) makes the sopan files,
//! marking every guess with a `# periksa:` comment.

pub mod docx;
pub mod dokumen;
pub mod kenali;
pub mod lama;
pub mod paket;
pub mod tulis;
pub mod warisan;
pub mod xlsx;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use kenali::{Hasil, Temuan};

/// Why a file could not be imported.
#[derive(Debug)]
pub enum ImporError {
    /// The file cannot be read.
    Io(std::io::Error),
    /// Not a Word or Excel file by its name (a PDF, a picture).
    Jenis,
    /// Not a Word or Excel file inside (not a ZIP package with the expected parts).
    BukanOffice,
    /// Protected by a password to open it.
    Terkunci,
    /// Bigger than an SOP file ever is, in the way said.
    Besar(String),
    /// Its XML is broken, in the way said.
    Xml(String),
    /// No SOP found in it.
    Kosong,
    /// An old or other format, and LibreOffice is not installed to convert it.
    TanpaLibreOffice {
        /// The file's extension.
        ext: String,
        /// The format it would be converted to.
        ke: &'static str,
    },
    /// LibreOffice could not convert it.
    Konversi(String),
}

impl std::fmt::Display for ImporError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImporError::Io(e) => write!(f, "{}", crate::io_error_id(e)),
            ImporError::Jenis => f.write_str(
                "hanya berkas Word (.docx, .doc) dan Excel (.xlsx, .xls) yang dapat diimpor. \
                 Berkas PDF tidak dapat diimpor: pakai berkas Word atau Excel aslinya",
            ),
            ImporError::BukanOffice => {
                f.write_str("bukan berkas Word atau Excel yang utuh (isi berkasnya tidak terbaca)")
            }
            ImporError::Terkunci => f.write_str(
                "berkas ini dilindungi kata sandi, jadi isinya tidak dapat dibaca.\n\
                 hint: buka berkas itu di Word atau Excel dengan kata sandinya, pilih File > \
                 Info > Protect Document (Excel: Protect Workbook) > Encrypt with Password, \
                 kosongkan kata sandinya, simpan, lalu impor lagi",
            ),
            ImporError::Besar(what) => write!(
                f,
                "berkas ini terlalu besar untuk diimpor: {what}.\n\
                 hint: buku SOP biasa jauh lebih kecil; periksa bahwa ini berkas yang benar, \
                 atau bagi menjadi beberapa berkas"
            ),
            ImporError::Xml(e) => write!(f, "isi berkas rusak: {e}"),
            ImporError::Kosong => f.write_str(
                "tidak ada SOP yang ditemukan: sopan mencari kop dengan \"Nomor SOP\" atau \
                 \"Nama SOP\" dan tabel alur dengan kolom \"No\", \"Kegiatan\" dan \
                 \"Pelaksana\"",
            ),
            ImporError::TanpaLibreOffice { ext, ke } => write!(
                f,
                "berkas .{ext} perlu diubah dulu menjadi .{ke}, dan LibreOffice (yang dapat \
                 mengubahnya) tidak terpasang.\n\
                 hint: buka berkas itu di Word, Excel atau LibreOffice lalu pilih Simpan \
                 Sebagai > .{ke}, lalu impor berkas .{ke} itu; atau pasang LibreOffice \
                 (libreoffice.org) dan jalankan perintah ini lagi"
            ),
            ImporError::Konversi(why) => write!(
                f,
                "LibreOffice tidak dapat mengubah berkas ini: {why}.\n\
                 hint: buka berkas itu di Word, Excel atau LibreOffice lalu simpan sebagai \
                 .docx atau .xlsx, lalu impor berkas itu"
            ),
        }
    }
}

/// The extensions of the files imported: Word and Excel, and what LibreOffice makes
/// into them.
const DIKENAL: [&str; 12] = [
    "docx", "docm", "dotx", "xlsx", "xlsm", "xltx", "doc", "xls", "odt", "ods", "rtf", "dot",
];

/// The largest file read.
pub const MAKS: u64 = 50 * 1024 * 1024;

/// The format of a file, from its content first and its name second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Word,
    Excel,
}

/// The SOPs in the Word or Excel file at `path`.
pub fn read(path: &Path) -> Result<Hasil, ImporError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let data = crate::source::file::read_bytes(path, MAKS).map_err(ImporError::Io)?;
    read_bytes(&data, &ext)
}

/// The SOPs in `data`, a file whose name ends in `ext`.
pub fn read_bytes(data: &[u8], ext: &str) -> Result<Hasil, ImporError> {
    if !DIKENAL.contains(&ext) {
        return Err(ImporError::Jenis);
    }
    let doc = match paket::isi(data) {
        paket::Isi::Terkunci => return Err(ImporError::Terkunci),
        paket::Isi::Zip if matches!(ext, "odt" | "ods") => {
            let to = lama::tujuan(ext).ok_or(ImporError::Jenis)?;
            converted(data, ext, to)?
        }
        paket::Isi::Zip => match format_of(data, ext)? {
            Format::Word => docx::baca(data)?,
            Format::Excel => xlsx::baca(data)?,
        },
        paket::Isi::Lama => {
            // An old Word or Excel file, under its own name or a new one.
            let old = match ext {
                "docx" | "docm" => "doc",
                "xlsx" | "xlsm" => "xls",
                other => other,
            };
            let to = lama::tujuan(old).ok_or(ImporError::Jenis)?;
            converted(data, old, to)?
        }
        paket::Isi::Lain => match lama::tujuan(ext) {
            Some(to) if ext == "rtf" => converted(data, ext, to)?,
            _ if matches!(ext, "docx" | "xlsx" | "doc" | "xls" | "docm" | "xlsm") => {
                return Err(ImporError::BukanOffice);
            }
            _ => return Err(ImporError::Jenis),
        },
    };
    let hasil = kenali::sops(&doc)?;
    if hasil.sops.is_empty() {
        return Err(ImporError::Kosong);
    }
    Ok(hasil)
}

/// A package's format: Word or Excel by the parts it holds, or by its name; an
/// OpenDocument package is converted first.
fn format_of(data: &[u8], ext: &str) -> Result<Format, ImporError> {
    let mut zip = paket::Paket::buka(data)?;
    let types = zip.teks("[Content_Types].xml")?.unwrap_or_default();
    if types.contains("wordprocessingml.document") || types.contains("word/document.xml") {
        return Ok(Format::Word);
    }
    if types.contains("spreadsheetml.sheet") || types.contains("xl/workbook.xml") {
        return Ok(Format::Excel);
    }
    match ext {
        "docx" | "docm" | "dotx" => Ok(Format::Word),
        "xlsx" | "xlsm" | "xltx" => Ok(Format::Excel),
        _ => Err(ImporError::BukanOffice),
    }
}

/// An old or other format read after LibreOffice converted it.
fn converted(data: &[u8], ext: &str, to: &'static str) -> Result<dokumen::Dokumen, ImporError> {
    let bytes = lama::ubah(data, ext, to)?;
    match to {
        "docx" => docx::baca(&bytes),
        _ => xlsx::baca(&bytes),
    }
}

/// What one file written by the import holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isi {
    /// katalog.toml: the kop and the signer the SOPs share.
    Katalog,
    /// The kop's logo.
    Logo,
    /// The katalog.toml of the catalogue the folder lies in: its kop and signer are
    /// inherited, and only what differs is written.
    Warisan,
    /// An SOP: its nama, its number of steps and of flow tables.
    Sop {
        /// Its nama.
        nama: String,
        /// Its steps.
        langkah: usize,
        /// Its flow tables.
        tabel: usize,
    },
}

/// One file the import wrote or could not write.
#[derive(Debug)]
pub struct Berkas {
    /// Where.
    pub path: PathBuf,
    /// What it holds.
    pub isi: Isi,
    /// Its guesses.
    pub tebakan: Vec<String>,
    /// Why it was not written (it exists already, or the folder cannot be written).
    pub gagal: Option<String>,
}

/// A folder name for the import of the file at `source` when none is given: the file's
/// name made safe (never "." or "..", never a device name), else "impor".
pub fn folder_bawaan(source: &Path) -> PathBuf {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    PathBuf::from(tulis::nama_aman(&stem, "impor"))
}

/// Writes the SOPs found (in the file named `source`) into `folder`: one SOP file
/// each, named from its nama; the logo; and katalog.toml with what they share. Never
/// overwrites.
pub fn write(folder: &Path, source: &str, hasil: &Hasil) -> Vec<Berkas> {
    let sops = &hasil.sops;
    let mut out = Vec::new();
    if let Err(e) = std::fs::create_dir_all(folder) {
        out.push(Berkas {
            path: folder.to_path_buf(),
            isi: Isi::Katalog,
            tebakan: Vec::new(),
            gagal: Some(crate::io_error_id(&e)),
        });
        return out;
    }
    let warisan = warisan::di(folder);
    let logos = match &warisan {
        // The catalogue's own logo stands; the source's is not saved beside it.
        Some(w) if w.bersama.logo.is_some() => vec![None; sops.len()],
        _ => write_logos(folder, sops, &mut out),
    };
    let own: Vec<tulis::Bersama> = sops
        .iter()
        .zip(&logos)
        .map(|(t, l)| {
            let own = tulis::Bersama::of_sop(t, l.clone());
            match &warisan {
                Some(w) => w.selisih(&own),
                None => own,
            }
        })
        .collect();
    let induk = warisan
        .as_ref()
        .map(|w| w.puncak().to_string_lossy().into_owned());
    if let Some(w) = &warisan {
        out.push(Berkas {
            path: w.puncak().to_path_buf(),
            isi: Isi::Warisan,
            tebakan: Vec::new(),
            gagal: None,
        });
    }
    // What the SOPs say alike goes once into a katalog.toml beside them; each SOP keeps
    // only what differs. A folder of a catalogue that has its katalog.toml keeps it, and
    // a folder inside a catalogue gets one only when it has something of its own.
    let common = warisan::irisan(&own);
    let katalog = match &warisan {
        Some(_) if warisan::Warisan::punya_katalog(folder) => None,
        Some(_) if common.kosong() => None,
        _ => Some(common),
    };
    if let Some(common) = &katalog {
        let path = folder.join(crate::source::KATALOG);
        let text = common.katalog(source, induk.as_deref());
        let gagal = create_new(&path, text.as_bytes()).err();
        out.push(Berkas {
            path,
            isi: Isi::Katalog,
            tebakan: Vec::new(),
            gagal,
        });
    }
    let own: Vec<tulis::Bersama> = match &katalog {
        Some(common) => own.iter().map(|o| warisan::selisih(o, common)).collect(),
        None => own,
    };
    // `katalog` is the catalogue's own file, never an SOP's: an SOP named "Katalog"
    // becomes katalog-2.toml instead of colliding with it.
    let katalog = crate::source::KATALOG.trim_end_matches(".toml").to_string();
    let mut taken: HashSet<String> = HashSet::from([katalog]);
    let mut counters: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (t, own) in sops.iter().zip(&own) {
        let base = tulis::nama_berkas(&t.nama, &t.nomor);
        let mut name = base.clone();
        while !taken.insert(name.clone()) {
            let n = counters.entry(base.clone()).or_insert(1);
            *n += 1;
            name = format!("{base}-{n}");
        }
        let path = folder.join(format!("{name}.toml"));
        let (text, tebakan) = tulis::sop(t, source, Some(own));
        let gagal = create_new(&path, text.as_bytes()).err();
        out.push(Berkas {
            path,
            isi: Isi::Sop {
                nama: t.nama.clone(),
                langkah: t.alur.iter().map(|a| a.langkah.len()).sum(),
                tabel: t.alur.len(),
            },
            tebakan,
            gagal,
        });
    }
    out
}

/// Saves the logos of `sops` next to the files (one file per different picture), and
/// gives each SOP its logo's file name.
fn write_logos(folder: &Path, sops: &[Temuan], out: &mut Vec<Berkas>) -> Vec<Option<String>> {
    let mut saved: Vec<(&[u8], String)> = Vec::new();
    let mut names = Vec::with_capacity(sops.len());
    for t in sops {
        let Some(logo) = &t.logo else {
            names.push(None);
            continue;
        };
        if let Some((_, name)) = saved.iter().find(|(d, _)| *d == logo.data.as_slice()) {
            names.push(Some(name.clone()));
            continue;
        }
        let n = saved.len() + 1;
        let name = if n == 1 {
            format!("logo.{}", logo.jenis)
        } else {
            format!("logo-{n}.{}", logo.jenis)
        };
        let path = folder.join(&name);
        let gagal = match create_new(&path, &logo.data) {
            // The same picture from an import before is the same logo.
            Err(_) if std::fs::read(&path).is_ok_and(|d| d == logo.data) => None,
            other => other.err(),
        };
        let ok = gagal.is_none();
        out.push(Berkas {
            path,
            isi: Isi::Logo,
            tebakan: Vec::new(),
            gagal,
        });
        saved.push((&logo.data, name.clone()));
        names.push(ok.then_some(name));
    }
    names
}

/// Writes a new file; never replaces one.
fn create_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::output::write_new(path, bytes).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => "sudah ada; tidak ditimpa".to_string(),
        _ => crate::io_error_id(&e),
    })
}
