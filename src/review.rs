//! The review list: what still stands between a draft SOP and its pengesahan.
//!
//! [`review`] is a pure function on the validated model, so `sopan check --review` and
//! the preview page show the same list.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::daftar;
use crate::grid::{KETERKAITAN, Kotak};
use crate::katalog;
use crate::model::Sop;
use crate::source::lenient;

/// One thing to complete or fix before the SOP is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Temuan {
    /// A box of the grid under the kop has no content.
    BagianKosong(&'static Kotak),
    /// A piece of the signer's data is missing.
    PengesahanKurang(DataPengesahan),
    /// A date of the kop is missing.
    TanggalKosong(JenisTanggal),
    /// A lane that no step uses.
    PelaksanaTidakDipakai {
        /// The procedure's title when the SOP has several.
        prosedur: Option<String>,
        /// The lane's name.
        pelaksana: String,
    },
    /// Steps with an empty Mutu Baku column.
    LangkahTanpa {
        /// Which column is empty.
        kolom: KolomMutu,
        /// The procedure's title when the SOP has several.
        prosedur: Option<String>,
        /// Step numbers as printed (1-based).
        langkah: Vec<usize>,
    },
    /// Steps whose waktu is written but cannot be read: Norma Waktu leaves them out.
    WaktuTidakTerbaca {
        /// The procedure's title when the SOP has several.
        prosedur: Option<String>,
        /// Step numbers as printed (1-based).
        langkah: Vec<usize>,
    },
    /// A Keterkaitan entry that names no SOP of the catalogue.
    KeterkaitanTidakDikenal {
        /// The entry as typed.
        teks: String,
        /// The catalogue holds no SOP but this one (a single SOP just imported): no
        /// entry can name one yet.
        sendiri: bool,
    },
    /// A guess of `sopan impor`, marked `# periksa:` in the file until someone checks
    /// it and deletes the comment.
    Tebakan {
        /// Line in the SOP file (1-based).
        baris: usize,
        /// What was guessed.
        teks: String,
    },
}

/// The signer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataPengesahan {
    /// Position.
    Jabatan,
    /// Name.
    Nama,
    /// NIP.
    Nip,
}

/// Dates of the kop that a signed SOP needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JenisTanggal {
    /// Tanggal pembuatan.
    Pembuatan,
    /// Tanggal efektif.
    Efektif,
}

/// Mutu Baku columns every step should fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KolomMutu {
    /// Output.
    Output,
    /// Waktu.
    Waktu,
}

/// Where a finding belongs, for grouping in the preview panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kelompok {
    /// Guesses of an import, still to be checked.
    Tebakan,
    /// Kop and signature.
    Pengesahan,
    /// The identity page's sections.
    Identitas,
    /// The flow table.
    Alur,
}

impl Kelompok {
    /// Heading shown above the group.
    pub fn judul(self) -> &'static str {
        match self {
            Kelompok::Tebakan => "Tebakan impor yang belum diperiksa",
            Kelompok::Pengesahan => "Pengesahan dan tanggal",
            Kelompok::Identitas => "Halaman identitas",
            Kelompok::Alur => "Tabel alur",
        }
    }
}

impl Temuan {
    /// The group the finding is shown under.
    pub fn kelompok(&self) -> Kelompok {
        match self {
            Temuan::PengesahanKurang(_) | Temuan::TanggalKosong(_) => Kelompok::Pengesahan,
            Temuan::BagianKosong(_) | Temuan::KeterkaitanTidakDikenal { .. } => Kelompok::Identitas,
            Temuan::PelaksanaTidakDipakai { .. }
            | Temuan::LangkahTanpa { .. }
            | Temuan::WaktuTidakTerbaca { .. } => Kelompok::Alur,
            Temuan::Tebakan { .. } => Kelompok::Tebakan,
        }
    }
}

impl fmt::Display for Temuan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let di = |prosedur: &Option<String>| match prosedur {
            Some(p) => format!(" (prosedur \"{p}\")"),
            None => String::new(),
        };
        match self {
            Temuan::BagianKosong(k) => write!(f, "{} masih kosong (isi `{}`)", k.nama, k.kunci),
            Temuan::PengesahanKurang(d) => {
                let (apa, kunci) = match d {
                    DataPengesahan::Jabatan => ("jabatan", "jabatan"),
                    DataPengesahan::Nama => ("nama", "nama"),
                    DataPengesahan::Nip => ("NIP", "nip"),
                };
                write!(
                    f,
                    "{apa} penanda tangan belum diisi (`{kunci}` di [pengesahan])"
                )
            }
            Temuan::TanggalKosong(t) => match t {
                JenisTanggal::Pembuatan => {
                    write!(f, "tanggal pembuatan belum diisi (`tanggal_pembuatan`)")
                }
                JenisTanggal::Efektif => {
                    write!(f, "tanggal efektif belum diisi (`tanggal_efektif`)")
                }
            },
            Temuan::PelaksanaTidakDipakai {
                prosedur,
                pelaksana,
            } => write!(
                f,
                "pelaksana \"{pelaksana}\" tidak dipakai oleh langkah mana pun{}",
                di(prosedur)
            ),
            Temuan::LangkahTanpa {
                kolom,
                prosedur,
                langkah,
            } => {
                let kolom = match kolom {
                    KolomMutu::Output => "Output",
                    KolomMutu::Waktu => "Waktu",
                };
                write!(
                    f,
                    "langkah {} belum punya {kolom}{}",
                    daftar(langkah),
                    di(prosedur)
                )
            }
            Temuan::WaktuTidakTerbaca { prosedur, langkah } => write!(
                f,
                "waktu langkah {} tidak terbaca, Norma Waktu tidak menghitungnya{} \
                 (tulis seperti \"5 Menit\", \"1 Jam\" atau \"2 Hari\")",
                daftar(langkah),
                di(prosedur)
            ),
            Temuan::KeterkaitanTidakDikenal {
                teks,
                sendiri: true,
            } => write!(
                f,
                "Keterkaitan \"{teks}\": katalog ini belum berisi SOP lain; tambahkan SOP \
                 itu ke folder katalog ini agar menjadi tautan di buku, atau biarkan bila \
                 SOP itu di luar katalog ini"
            ),
            Temuan::KeterkaitanTidakDikenal {
                teks,
                sendiri: false,
            } => write!(
                f,
                "Keterkaitan \"{teks}\": tidak ada SOP bernama itu di katalog ini; samakan \
                 tulisannya dengan `nama` SOP itu agar menjadi tautan di buku, atau biarkan \
                 bila SOP itu di luar katalog ini"
            ),
            Temuan::Tebakan { baris, teks } => write!(
                f,
                "baris {baris}: {teks} (periksa, lalu hapus komentar `# periksa:`)"
            ),
        }
    }
}

/// A value a clerk left empty, or filled with a dash as placeholder.
fn kosong(text: &str) -> bool {
    matches!(text.trim(), "" | "-")
}

fn list_kosong(items: &[String]) -> bool {
    items.iter().all(|t| kosong(t))
}

/// Everything that still stands between `sop` and its pengesahan, in the order of the sheet.
///
/// `catalogue_names` are the `nama` of the SOPs of the same catalogue; a Keterkaitan entry
/// must name one of them ([`katalog::menyebut`]), as the book links them.
pub fn review(sop: &Sop, catalogue_names: &[String]) -> Vec<Temuan> {
    let mut found = guesses(&sop.path);
    if !sop.tanggal_pembuatan.ada() {
        found.push(Temuan::TanggalKosong(JenisTanggal::Pembuatan));
    }
    if !sop.tanggal_efektif.ada() {
        found.push(Temuan::TanggalKosong(JenisTanggal::Efektif));
    }
    let p = &sop.pengesahan;
    for (value, data) in [
        (&p.jabatan, DataPengesahan::Jabatan),
        (&p.nama, DataPengesahan::Nama),
        (&p.nip, DataPengesahan::Nip),
    ] {
        if kosong(value) {
            found.push(Temuan::PengesahanKurang(data));
        }
    }
    for (kotak, items) in sop.grid.iter() {
        if kotak.tinjau && list_kosong(items) {
            found.push(Temuan::BagianKosong(kotak));
        }
    }
    let known: Vec<String> = catalogue_names
        .iter()
        .map(|n| katalog::nama_baku(n))
        .collect();
    let own = katalog::nama_baku(&sop.nama);
    let sendiri = known.iter().all(|k| *k == own);
    for entry in sop.grid.get(KETERKAITAN).iter().filter(|t| !kosong(t)) {
        let wanted = katalog::nama_baku(entry);
        if !known.iter().any(|k| katalog::menyebut(&wanted, k)) {
            found.push(Temuan::KeterkaitanTidakDikenal {
                teks: entry.trim().to_string(),
                sendiri,
            });
        }
    }
    let several = sop.prosedur.len() > 1;
    for (i, pr) in sop.prosedur.iter().enumerate() {
        let prosedur = several.then(|| pr.judul.clone().unwrap_or_else(|| format!("{}", i + 1)));
        for (k, nama) in pr.pelaksana.iter().enumerate() {
            if !pr.langkah.iter().any(|l| l.pelaksana.contains(&k)) {
                found.push(Temuan::PelaksanaTidakDipakai {
                    prosedur: prosedur.clone(),
                    pelaksana: nama.clone(),
                });
            }
        }
        let tak_terbaca = pr.waktu_tak_terbaca();
        if !tak_terbaca.is_empty() {
            found.push(Temuan::WaktuTidakTerbaca {
                prosedur: prosedur.clone(),
                langkah: tak_terbaca,
            });
        }
        for kolom in [KolomMutu::Output, KolomMutu::Waktu] {
            let langkah: Vec<usize> = pr
                .langkah
                .iter()
                .enumerate()
                .filter(|(_, l)| match kolom {
                    KolomMutu::Output => list_kosong(&l.output),
                    KolomMutu::Waktu => kosong(&l.waktu.teks),
                })
                .map(|(n, _)| n + 1)
                .collect();
            if !langkah.is_empty() {
                found.push(Temuan::LangkahTanpa {
                    kolom,
                    prosedur: prosedur.clone(),
                    langkah,
                });
            }
        }
    }
    found
}

/// The folder whose SOPs form the catalogue of `sop`: the outermost katalog.toml's folder,
/// or the SOP's own folder when there is none.
pub fn catalogue_folder(sop: &Path) -> PathBuf {
    crate::source::catalogue_root(sop, &crate::source::katalog_chain(sop))
}

/// The `# periksa:` comments `sopan impor` left in the SOP file at `path`; read from the
/// text, so they are listed even while the file does not validate.
pub fn guesses(path: &std::path::Path) -> Vec<Temuan> {
    let Ok(text) = crate::source::file::read_text(path, crate::source::file::SOP_MAKS) else {
        return Vec::new();
    };
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line
                .trim_start()
                .strip_prefix(crate::impor::tulis::PERIKSA)?;
            Some(Temuan::Tebakan {
                baris: i + 1,
                teks: rest.trim().to_string(),
            })
        })
        .collect()
}

/// The `nama` of every SOP below `folder`, read leniently: a file with errors that still
/// has a `nama` counts, one without is skipped, and so does `init`'s untouched example
/// beside SOPs of the catalogue's own (the book leaves it out too).
pub fn catalogue_names(folder: &Path) -> Vec<String> {
    let Ok(files) = crate::source::sop_files(folder) else {
        return Vec::new();
    };
    let (files, _) = crate::katalog::tanpa_contoh(files);
    files.iter().filter_map(|f| lenient::heading(f).1).collect()
}
