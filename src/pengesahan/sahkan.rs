//! Approving and signing an SOP: check that it can be approved, write the approval into
//! its file (status, dates) with only those keys touched, render the final sheet with the
//! electronic signature block through the one road, sign it (PAdES) and keep it in the
//! archive. `sopan sahkan` and the office server both call [`periksa`] then [`sahkan`].

use std::fmt;
use std::path::{Path, PathBuf};

use super::arsip::{self, Catatan};
use super::sidik::Sidik;
use crate::model::{Elektronik, Sop, Status};
use crate::pipeline::{self, Failure, Settings};
use crate::review::{self, Temuan};
use crate::tanda::{self, Penanda, waktu};

/// An SOP checked and ready to be approved.
#[derive(Debug)]
pub struct Pemeriksaan {
    /// The SOP file.
    pub path: PathBuf,
    /// Its text when checked: approval refuses a file changed since.
    pub teks: String,
    /// The validated SOP.
    pub sop: Sop,
    /// Review notes that still stand; shown to the approver and recorded.
    pub catatan: Vec<Temuan>,
    /// The catalogue folder (its archive is `arsip/` there).
    pub root: PathBuf,
    /// The catalogue's verification base address (`[katalog] alamat_verifikasi`).
    pub alamat_verifikasi: Option<String>,
    /// Whether this approves a revision: the SOP was approved before.
    pub revisi: bool,
    /// Warnings of the file, as `check` prints them.
    pub peringatan: String,
}

/// Why an SOP cannot be approved, or its approval failed. Nothing was written.
#[derive(Debug)]
pub enum Tolak {
    /// The SOP has errors (`sopan check`): the diagnostics as printed.
    Kesalahan(String),
    /// The signer's data in `[pengesahan]` is missing.
    PengesahanKurang(Vec<&'static str>),
    /// A withdrawn or replaced SOP.
    Status(&'static str),
    /// The file changed since it was checked.
    Berubah,
    /// The certificate cannot sign.
    Sertifikat(tanda::TolakSertifikat),
    /// Signing failed.
    Tanda(tanda::SignError),
    /// Rendering failed (a bug, or a template override).
    Render(String),
    /// A file could not be read or written.
    Berkas(String),
}

impl fmt::Display for Tolak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolak::Kesalahan(text) => write!(
                f,
                "{text}SOP yang masih berisi kesalahan tidak dapat disahkan"
            ),
            Tolak::PengesahanKurang(keys) => write!(
                f,
                "data penanda tangan belum lengkap: isi {} di [pengesahan]",
                keys.join(" dan ")
            ),
            Tolak::Status(s) => write!(f, "SOP berstatus {s} tidak dapat disahkan"),
            Tolak::Berubah => f.write_str("berkas SOP berubah sejak diperiksa; periksa ulang"),
            Tolak::Sertifikat(e) => e.fmt(f),
            Tolak::Tanda(e) => e.fmt(f),
            Tolak::Render(e) => f.write_str(e),
            Tolak::Berkas(e) => f.write_str(e),
        }
    }
}

/// Checks whether the SOP at `path` can be approved: no errors, the signer's data
/// complete, not withdrawn or replaced.
pub fn periksa(path: &Path, settings: &Settings) -> Result<Pemeriksaan, Tolak> {
    let teks =
        crate::source::file::read_text(path, crate::source::file::SOP_MAKS).map_err(|e| {
            Tolak::Berkas(crate::diag::io_gagal(crate::diag::Akses::Baca, path, &e).to_string())
        })?;
    let (sop, diagnostics) = pipeline::validate(path, settings);
    let Some(sop) = sop else {
        return Err(Tolak::Kesalahan(diagnostics));
    };
    match sop.status {
        Status::Dicabut => return Err(Tolak::Status("dicabut")),
        Status::Diganti { .. } => return Err(Tolak::Status("diganti")),
        _ => {}
    }
    let p = &sop.pengesahan;
    let missing: Vec<&'static str> = [("jabatan", &p.jabatan), ("nama", &p.nama), ("nip", &p.nip)]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(k, _)| k)
        .collect();
    if !missing.is_empty() {
        return Err(Tolak::PengesahanKurang(missing));
    }
    let root = review::catalogue_folder(path);
    let names = review::catalogue_names(&root);
    // Notes that approval itself settles (the dates it writes) are not shown.
    let catatan = review::review(&sop, &names)
        .into_iter()
        .filter(|t| !matches!(t, Temuan::TanggalKosong(_)))
        .collect();
    let alamat = crate::source::katalog_info(&root).alamat_verifikasi;
    let relative = super::sidik::relative(path, &root);
    let explicit_berlaku =
        crate::editor::read(&teks).is_some_and(|f| f.identitas("status").trim() == "berlaku");
    let revisi = explicit_berlaku || !arsip::riwayat_sop(&root, &relative).is_empty();
    Ok(Pemeriksaan {
        path: path.to_path_buf(),
        teks,
        sop,
        catatan,
        root,
        alamat_verifikasi: (!alamat.trim().is_empty()).then(|| alamat.trim().to_string()),
        revisi,
        peringatan: diagnostics,
    })
}

/// How to approve.
#[derive(Debug, Clone)]
pub struct Permintaan<'a> {
    /// The signer.
    pub penanda: &'a Penanda,
    /// When (Unix seconds): the approval date and the signature's `/M`.
    pub waktu: i64,
    /// An RFC 3161 timestamp authority, for PAdES B-T.
    pub tsa: Option<String>,
    /// What the environment decides.
    pub settings: &'a Settings,
}

/// An approval done.
#[derive(Debug, Clone)]
pub struct Disahkan {
    /// The signed PDF in the archive.
    pub pdf: PathBuf,
    /// Its record.
    pub catatan: Catatan,
}

/// The SOP text with the approval written in: `status = "berlaku"`, `tanggal_efektif`
/// when empty, and `tanggal_revisi` for a revision or `tanggal_pembuatan` when empty for a
/// first approval. Only those keys change; comments and layout stay.
pub fn tulis_pengesahan(teks: &str, tanggal: (u16, u8, u8), revisi: bool) -> Option<String> {
    let mut form = crate::editor::read(teks)?;
    let (y, m, d) = tanggal;
    let iso = format!("{y:04}-{m:02}-{d:02}");
    let mut set = |key: &str, only_if_empty: bool| {
        let empty = matches!(form.identitas(key).trim(), "" | "-");
        if empty || !only_if_empty {
            form.identitas.insert(key.to_string(), iso.clone());
        }
    };
    set("tanggal_efektif", true);
    if revisi {
        set("tanggal_revisi", false);
    } else {
        set("tanggal_pembuatan", true);
    }
    form.identitas.insert("status".into(), "berlaku".into());
    crate::editor::write(teks, &form)
}

/// The verification address of code `kode` under base address `alamat`.
pub fn alamat_kode(alamat: &str, kode: &str) -> String {
    format!("{}/{kode}", alamat.trim_end_matches('/'))
}

/// Approves the SOP checked as `p`, signed by `r.penanda`: the signed PDF is archived and
/// the SOP file updated. On any failure nothing is left changed.
pub fn sahkan(p: &Pemeriksaan, r: &Permintaan<'_>) -> Result<Disahkan, Tolak> {
    let now =
        crate::source::file::read_text(&p.path, crate::source::file::SOP_MAKS).map_err(|e| {
            Tolak::Berkas(crate::diag::io_gagal(crate::diag::Akses::Baca, &p.path, &e).to_string())
        })?;
    if now != p.teks {
        return Err(Tolak::Berubah);
    }
    r.penanda
        .periksa_masa_berlaku(r.waktu)
        .map_err(Tolak::Sertifikat)?;
    let tanggal = waktu::tanggal(r.waktu);
    let teks = tulis_pengesahan(&p.teks, tanggal, p.revisi)
        .ok_or_else(|| Tolak::Kesalahan(String::new()))?;

    let (loaded, _) = pipeline::load_draft(&p.path, teks.clone(), r.settings);
    let mut loaded = loaded.map_err(|f| match f {
        Failure::Invalid(text) => Tolak::Kesalahan(text),
        other => Tolak::Render(other.to_string()),
    })?;
    let sidik = Sidik::hitung(teks.as_bytes(), &loaded.sop, &p.root)
        .map_err(|e| Tolak::Berkas(e.to_string()))?;
    let kode = sidik.kode();
    loaded.sop.pengesahan.elektronik = Some(Elektronik {
        kode: kode.clone(),
        alamat: p
            .alamat_verifikasi
            .as_deref()
            .map(|a| alamat_kode(a, &kode)),
    });
    let rendered = pipeline::render(&loaded).map_err(|f| Tolak::Render(f.to_string()))?;
    let pdf = pipeline::pdf(&loaded, &rendered, None).map_err(|f| Tolak::Render(f.to_string()))?;
    let sop = &loaded.sop;
    let opsi = tanda::Opsi {
        waktu: r.waktu,
        alasan: format!("Pengesahan SOP {} (kode {kode})", sop.nomor),
        lokasi: None,
        tsa: r.tsa.clone(),
    };
    let signed = tanda::sign(&pdf, r.penanda, &opsi).map_err(Tolak::Tanda)?;

    let catatan = Catatan {
        versi: 1,
        kode: kode.clone(),
        sop: super::sidik::relative(&p.path, &p.root),
        nomor: sop.nomor.clone(),
        nama: sop.nama.clone(),
        disahkan: waktu::iso(r.waktu),
        jabatan: sop.pengesahan.jabatan.clone(),
        penanda: r.penanda.identitas(),
        sidik,
        catatan_pemeriksaan: p.catatan.iter().map(ToString::to_string).collect(),
        tsa: r.tsa.clone(),
        pdf: arsip::nama_berkas(&sop.nama, tanggal, &kode),
    };
    let archived = arsip::simpan(&p.root, &catatan, &signed).map_err(|e| {
        let target = p.root.join(arsip::FOLDER).join(&catatan.pdf);
        Tolak::Berkas(if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} sudah ada di arsip; PDF arsip tidak pernah ditimpa",
                crate::diag::display_path(&target)
            )
        } else {
            crate::diag::io_gagal(crate::diag::Akses::Tulis, &target, &e).to_string()
        })
    })?;
    if let Err(e) = crate::output::write_atomic(&p.path, teks.as_bytes()) {
        arsip::batalkan(&archived);
        return Err(Tolak::Berkas(
            crate::diag::io_gagal(crate::diag::Akses::Tulis, &p.path, &e).to_string(),
        ));
    }
    Ok(Disahkan {
        pdf: archived,
        catatan,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOP: &str = "# SOP contoh\nnomor = \"1/SOP/2024\"\nnama = \"Contoh\"\ntanggal_pembuatan = 2024-01-02 # dibuat\nstatus = \"konsep\"\npelaksana = [\"A\"]\n";

    #[test]
    fn approval_writes_status_and_dates_keeping_comments() {
        let out = tulis_pengesahan(SOP, (2024, 6, 1), false).unwrap();
        assert!(out.contains("status = \"berlaku\""), "{out}");
        assert!(out.contains("tanggal_efektif = 2024-06-01"), "{out}");
        assert!(
            out.contains("tanggal_pembuatan = 2024-01-02 # dibuat"),
            "{out}"
        );
        assert!(out.starts_with("# SOP contoh\n"), "{out}");
        assert!(!out.contains("tanggal_revisi"), "{out}");
    }

    #[test]
    fn a_revision_sets_tanggal_revisi_and_keeps_tanggal_efektif() {
        let first = tulis_pengesahan(SOP, (2024, 6, 1), false).unwrap();
        let again = tulis_pengesahan(&first, (2025, 2, 3), true).unwrap();
        assert!(again.contains("tanggal_revisi = 2025-02-03"), "{again}");
        assert!(again.contains("tanggal_efektif = 2024-06-01"), "{again}");
    }

    #[test]
    fn verification_addresses_join_with_one_slash() {
        assert_eq!(
            alamat_kode("https://sop.go.id/verifikasi/", "ABC"),
            "https://sop.go.id/verifikasi/ABC"
        );
        assert_eq!(
            alamat_kode("https://sop.go.id/verifikasi", "ABC"),
            "https://sop.go.id/verifikasi/ABC"
        );
    }
}
