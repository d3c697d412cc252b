//! An SOP's place in the approval flow today, and the moves that change it. The stage
//! comes from the SOP's moves in the history ([`crate::editor::riwayat`]) and its
//! approvals in the archive ([`super::arsip`]), whichever is later; an approval holds only
//! while the SOP, its katalog chain and its images are what was approved
//! ([`super::sidik`]), and a submission only while they are what was submitted. A move is
//! checked by the state machine ([`super::alur`]) and recorded as one line of the
//! history, under the catalogue's save lock, with the SHA-256 of what it concerned.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::alur::{self, Gerak, Peran, Tahap};
use super::arsip::{self, Kecocokan};
use super::sahkan::{self, Disahkan};
use super::sidik::{self, Bagian, Sidik};
use crate::editor::folder::Folder;
use crate::editor::riwayat::{self, Koreksi};
use crate::pipeline::Settings;
use crate::tanda::{Penanda, Peringatan, TolakSertifikat};

/// Where an SOP stands in the approval flow, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Keadaan {
    /// Its stage.
    pub tahap: Tahap,
    /// The last move of the flow in the history (who, when, the notes).
    pub terakhir: Option<riwayat::Catatan>,
    /// The notes of the last move: a pemeriksa's notes per field, shown beside the
    /// fields to the penyusun (sent back) or to the pengesah (forwarded).
    pub koreksi: Vec<Koreksi>,
    /// What changed since it was submitted (while submitted), or since its approval
    /// (a revision): one entry per file, "perencanaan/lakip.toml diubah".
    pub berubah: Vec<String>,
    /// Its latest approval in the archive.
    pub disahkan: Option<arsip::Catatan>,
}

impl Keadaan {
    /// Whether this is the revision of an approved SOP: changed since its approval.
    pub fn revisi(&self) -> bool {
        self.disahkan.is_some() && self.tahap != Tahap::Disahkan && !self.berubah.is_empty()
    }
}

/// One event of an SOP's flow: a move in the history, or an approval in the archive.
enum Peristiwa<'a> {
    Gerak(Gerak, &'a riwayat::Catatan),
    Arsip(&'a arsip::Catatan),
}

impl Peristiwa<'_> {
    fn waktu(&self) -> &str {
        match self {
            Peristiwa::Gerak(_, c) => &c.waktu,
            Peristiwa::Arsip(a) => &a.disahkan,
        }
    }

    fn gerak(&self) -> Gerak {
        match self {
            Peristiwa::Gerak(g, _) => *g,
            Peristiwa::Arsip(_) => Gerak::Sahkan,
        }
    }
}

/// The stage of an SOP from its history lines `riwayat` (the catalogue's, any file; saves
/// are skipped), its approvals `arsip` (oldest first) and its fingerprint now (`None`
/// when its file cannot be read). Pure: the preview calls it with what it has read.
pub fn hitung(
    riwayat: &[&riwayat::Catatan],
    arsip: &[arsip::Catatan],
    now: Option<&Sidik>,
) -> Keadaan {
    // An approval made on the server is in both: its history line counts. Only an
    // approval made elsewhere (`sopan sahkan`) comes from the archive alone.
    let recorded = |a: &arsip::Catatan| {
        riwayat.iter().any(|c| {
            c.gerak == Gerak::Sahkan.nama() && c.sha256.as_deref() == Some(&a.sidik.sha256)
        })
    };
    let mut events: Vec<Peristiwa<'_>> = riwayat
        .iter()
        .filter_map(|c| Gerak::baca(&c.gerak).map(|g| Peristiwa::Gerak(g, c)))
        .chain(arsip.iter().filter(|a| !recorded(a)).map(Peristiwa::Arsip))
        .collect();
    // Stable: moves of the same second stay in the history's order.
    events.sort_by(|a, b| a.waktu().cmp(b.waktu()));
    let disahkan = arsip.last().cloned();
    let terakhir = riwayat
        .iter()
        .rev()
        .find(|c| Gerak::baca(&c.gerak).is_some())
        .map(|c| (*c).clone());
    let mut tahap = alur::tahap_akhir(events.iter().map(Peristiwa::gerak));
    let koreksi = match events.last() {
        Some(Peristiwa::Gerak(_, c)) => c.koreksi.clone(),
        _ => Vec::new(),
    };
    let since_approval = || match (&disahkan, now) {
        (Some(a), Some(now)) => match arsip::bandingkan(a, now) {
            Kecocokan::Sama => Vec::new(),
            Kecocokan::Berubah(list) => list,
            Kecocokan::TidakDitemukan(f) => vec![format!("{f} tidak ditemukan")],
        },
        (Some(a), None) => vec![format!("{} tidak dapat dibaca", a.sop)],
        (None, _) => Vec::new(),
    };
    let berubah = match tahap {
        Tahap::Disahkan => {
            let changed = since_approval();
            if disahkan.is_none() || !changed.is_empty() {
                // Changed since its approval (or its record is gone): a revision.
                tahap = Tahap::Konsep;
            }
            changed
        }
        Tahap::Diajukan | Tahap::Diteruskan => {
            let submitted = events.iter().rev().find_map(|e| match e {
                Peristiwa::Gerak(Gerak::Ajukan, c) => Some(*c),
                _ => None,
            });
            match (submitted.and_then(sidik_of), now) {
                (Some(then), Some(now)) if then.sha256 != now.sha256 => {
                    let list = then.beda(now);
                    if list.is_empty() {
                        vec!["berkas SOP diubah".to_string()]
                    } else {
                        list
                    }
                }
                (Some(_), None) => vec!["berkas SOP tidak dapat dibaca".to_string()],
                _ => Vec::new(),
            }
        }
        Tahap::Konsep => since_approval(),
    };
    Keadaan {
        tahap,
        terakhir,
        koreksi,
        berubah,
        disahkan,
    }
}

/// The fingerprint a history line recorded.
fn sidik_of(c: &riwayat::Catatan) -> Option<Sidik> {
    let sha256 = c.sha256.clone()?;
    let bagian = c
        .sha256_berkas
        .iter()
        .map(|(berkas, sha)| Bagian {
            peran: String::new(),
            berkas: berkas.clone(),
            sha256: sha.clone(),
        })
        .collect();
    Some(Sidik { bagian, sha256 })
}

/// A history or archive time (`2026-12-02T09:15:00Z`) as a clerk reads it: "2 Desember
/// 2026 pukul 09.15 UTC"; the text itself when it is no such time.
pub fn waktu_cetak(iso: &str) -> String {
    let n = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<i64>().ok());
    match (n(0..4), n(5..7), n(8..10), n(11..13), n(14..16), n(17..19)) {
        (Some(y), Some(m), Some(d), Some(h), Some(mi), Some(s)) => crate::tanda::waktu::cetak(
            crate::tanda::waktu::days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s,
        ),
        _ => iso.to_string(),
    }
}

/// Why the SOP may not be changed from the form now (it is submitted), in a clerk's
/// words; `None` when it may.
pub fn terkunci(k: &Keadaan) -> Option<String> {
    if k.tahap.boleh_disunting() {
        return None;
    }
    let sejak = k
        .terakhir
        .as_ref()
        .map(|c| format!(" sejak {} oleh {}", waktu_cetak(&c.waktu), c.pengguna))
        .unwrap_or_default();
    Some(format!(
        "SOP ini sedang {} ({}){sejak}; isinya tidak dapat diubah sampai SOP dikembalikan kepada penyusun.",
        k.tahap.nama(),
        k.tahap.keterangan()
    ))
}

/// Whether the SOP `sop` may be changed now, from its history and archive alone (no file
/// is validated): the refusal in a clerk's words when it is submitted.
pub fn boleh_disunting(sop: Sop<'_>) -> Result<(), String> {
    let root = crate::review::catalogue_folder(sop.path);
    let lines = riwayat::read(sop.sopan).unwrap_or_default();
    let mine: Vec<&riwayat::Catatan> = lines.iter().filter(|c| c.berkas == sop.berkas).collect();
    let approvals = arsip::riwayat_sop(&root, &sidik::relative(sop.path, &root));
    // Without the fingerprint a disahkan SOP reads as its revision: editable either way.
    match terkunci(&hitung(&mine, &approvals, None)) {
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}

/// The SOP file named `berkas` in the history of the previewed folder `sopan`, at `path`.
#[derive(Debug, Clone, Copy)]
pub struct Sop<'a> {
    /// The previewed folder: its `.sopan` holds the history and the save lock.
    pub sopan: &'a Path,
    /// The SOP file as the history names it (below `sopan`).
    pub berkas: &'a str,
    /// The SOP file.
    pub path: &'a Path,
}

/// The stage of the SOP `sop` now, read from the history, the archive and the files.
pub fn baca(sop: Sop<'_>, settings: &Settings) -> Keadaan {
    let root = crate::review::catalogue_folder(sop.path);
    let lines = riwayat::read(sop.sopan).unwrap_or_default();
    baca_dengan(sop, &root, &lines, settings)
}

fn baca_dengan(
    sop: Sop<'_>,
    root: &Path,
    lines: &[riwayat::Catatan],
    settings: &Settings,
) -> Keadaan {
    let mine: Vec<&riwayat::Catatan> = lines.iter().filter(|c| c.berkas == sop.berkas).collect();
    let approvals = arsip::riwayat_sop(root, &sidik::relative(sop.path, root));
    let now = sidik::sekarang(sop.path, root, settings);
    hitung(&mine, &approvals, now.as_ref())
}

/// Why a move was not made. Nothing was written.
#[derive(Debug)]
pub enum TolakGerak {
    /// The state machine refuses it (role or stage).
    Alur(alur::Tolak),
    /// The SOP changed since it was submitted: the reviewer would pass on another text.
    Berubah(Vec<String>),
    /// Sent back without a note.
    TanpaCatatan,
    /// The SOP cannot be submitted or approved (errors, signer's data missing, ...).
    Sahkan(sahkan::Tolak),
    /// The certificate cannot sign.
    Sertifikat(TolakSertifikat),
    /// The certificate does not name the SOP's signer: to be confirmed first.
    Peringatan(Vec<Peringatan>),
    /// The history or the lock could not be used.
    Berkas(String),
}

impl fmt::Display for TolakGerak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TolakGerak::Alur(t) => t.fmt(f),
            TolakGerak::Berubah(list) => write!(
                f,
                "SOP ini berubah sejak diajukan ({}); kembalikan kepada penyusun agar diajukan lagi",
                list.join(", ")
            ),
            TolakGerak::TanpaCatatan => f.write_str(
                "tulis sedikitnya satu catatan, agar penyusun tahu apa yang perlu diperbaiki",
            ),
            TolakGerak::Sahkan(sahkan::Tolak::Kesalahan(_)) => f.write_str(
                "SOP ini masih berisi kesalahan; perbaiki dulu kesalahan yang ditandai di formulir",
            ),
            TolakGerak::Sahkan(t) => t.fmt(f),
            TolakGerak::Sertifikat(t) => t.fmt(f),
            TolakGerak::Peringatan(list) => {
                let words: Vec<String> = list.iter().map(ToString::to_string).collect();
                write!(f, "periksa sertifikatnya: {}", words.join("; "))
            }
            TolakGerak::Berkas(e) => f.write_str(e),
        }
    }
}

/// Who moves the SOP, and what they say with it.
#[derive(Debug, Clone)]
pub struct Pelaku<'a> {
    /// The account (or "(komputer ini)").
    pub pengguna: &'a str,
    /// Its roles.
    pub peran: &'a [Peran],
    /// Notes per field (a pemeriksa's, with Teruskan or Kembalikan).
    pub koreksi: Vec<Koreksi>,
}

/// Submits, forwards or sends back the SOP `sop` ([`Gerak::Sahkan`] is [`sahkan`]): checks
/// the move against the SOP's stage now and records it in the history, under the save
/// lock. Returns the new stage.
pub fn gerakkan(
    sop: Sop<'_>,
    pelaku: &Pelaku<'_>,
    g: Gerak,
    settings: &Settings,
) -> Result<Keadaan, TolakGerak> {
    if g == Gerak::Sahkan {
        return Err(TolakGerak::Berkas(
            "pengesahan memerlukan sertifikat penanda tangan".into(),
        ));
    }
    let (folder, _kunci) = kunci(sop.sopan)?;
    let root = crate::review::catalogue_folder(sop.path);
    let lines = riwayat::read(sop.sopan).map_err(|e| berkas_error(sop.sopan, &e))?;
    let now = baca_dengan(sop, &root, &lines, settings);
    alur::gerak(now.tahap, pelaku.peran, g).map_err(TolakGerak::Alur)?;
    let koreksi: Vec<Koreksi> = pelaku
        .koreksi
        .iter()
        .filter(|k| !k.teks.trim().is_empty())
        .map(|k| Koreksi {
            jalur: k.jalur.trim().to_string(),
            teks: k.teks.trim().to_string(),
        })
        .collect();
    let sidik = match g {
        Gerak::Ajukan => {
            // Only what could be approved is submitted: no errors, the signer complete.
            let p = sahkan::periksa(sop.path, settings).map_err(TolakGerak::Sahkan)?;
            Sidik::hitung(p.teks.as_bytes(), &p.sop, &root)
                .map_err(|e| TolakGerak::Berkas(e.to_string()))?
        }
        Gerak::Teruskan if !now.berubah.is_empty() => return Err(TolakGerak::Berubah(now.berubah)),
        Gerak::Kembalikan if koreksi.is_empty() => return Err(TolakGerak::TanpaCatatan),
        _ => sidik::sekarang(sop.path, &root, settings)
            .ok_or_else(|| TolakGerak::Berkas("berkas SOP tidak dapat dibaca".into()))?,
    };
    let ringkasan = match koreksi.len() {
        0 => g.hasil().to_string(),
        n => format!("{} ({n} catatan)", g.hasil()),
    };
    catat(&folder, sop, pelaku.pengguna, g, ringkasan, koreksi, &sidik)?;
    Ok(baca(sop, settings))
}

/// How the pengesah approves.
pub struct Pengesahan<'a> {
    /// The signer, opened from the .p12 with its password.
    pub penanda: &'a Penanda,
    /// Approve although the certificate does not name the SOP's signer ([`Peringatan`]).
    pub tetap: bool,
    /// When (Unix seconds).
    pub waktu: i64,
    /// An RFC 3161 timestamp authority, for PAdES B-T.
    pub tsa: Option<String>,
}

/// Approves and signs the SOP `sop` ([`sahkan::sahkan`]) as the pengesah `pelaku`, when it
/// was forwarded and has not changed since it was submitted; records the approval in the
/// history. On any refusal nothing is written.
pub fn sahkan(
    sop: Sop<'_>,
    pelaku: &Pelaku<'_>,
    r: &Pengesahan<'_>,
    settings: &Settings,
) -> Result<(Keadaan, Disahkan), TolakGerak> {
    let (folder, _kunci) = kunci(sop.sopan)?;
    let root = crate::review::catalogue_folder(sop.path);
    let lines = riwayat::read(sop.sopan).map_err(|e| berkas_error(sop.sopan, &e))?;
    let now = baca_dengan(sop, &root, &lines, settings);
    alur::gerak(now.tahap, pelaku.peran, Gerak::Sahkan).map_err(TolakGerak::Alur)?;
    if !now.berubah.is_empty() {
        return Err(TolakGerak::Berubah(now.berubah));
    }
    let p = sahkan::periksa(sop.path, settings).map_err(TolakGerak::Sahkan)?;
    r.penanda
        .periksa_masa_berlaku(r.waktu)
        .map_err(TolakGerak::Sertifikat)?;
    let signer = &p.sop.pengesahan;
    let warnings = r.penanda.peringatan(&signer.nama, &signer.nip);
    if !warnings.is_empty() && !r.tetap {
        return Err(TolakGerak::Peringatan(warnings));
    }
    let done = sahkan::sahkan(
        &p,
        &sahkan::Permintaan {
            penanda: r.penanda,
            waktu: r.waktu,
            tsa: r.tsa.clone(),
            settings,
        },
    )
    .map_err(TolakGerak::Sahkan)?;
    let ringkasan = format!(
        "{}; kode verifikasi {}",
        Gerak::Sahkan.hasil(),
        done.catatan.kode
    );
    catat(
        &folder,
        sop,
        pelaku.pengguna,
        Gerak::Sahkan,
        ringkasan,
        pelaku.koreksi.clone(),
        &done.catatan.sidik,
    )?;
    Ok((baca(sop, settings), done))
}

/// The catalogue's `.sopan` folder and its save lock, held while a move is checked and
/// recorded.
fn kunci(sopan: &Path) -> Result<(Folder, std::fs::File), TolakGerak> {
    let folder = Folder::open(sopan, true)
        .map_err(|e| berkas_error(sopan, &e))?
        .ok_or_else(|| TolakGerak::Berkas("folder .sopan tidak dapat dibuat".into()))?;
    let lock = folder.lock().map_err(|e| berkas_error(sopan, &e))?;
    Ok((folder, lock))
}

fn berkas_error(sopan: &Path, e: &std::io::Error) -> TolakGerak {
    TolakGerak::Berkas(format!(
        "{}: {}",
        crate::diag::display_path(&riwayat::path(sopan)),
        crate::io_error_id(e)
    ))
}

/// Writes a move's line into the history.
fn catat(
    folder: &Folder,
    sop: Sop<'_>,
    pengguna: &str,
    g: Gerak,
    ringkasan: String,
    koreksi: Vec<Koreksi>,
    sidik: &Sidik,
) -> Result<(), TolakGerak> {
    let line = riwayat::Catatan {
        waktu: riwayat::now(),
        pengguna: pengguna.to_string(),
        berkas: sop.berkas.to_string(),
        ringkasan,
        gerak: g.nama().to_string(),
        koreksi,
        sha256: Some(sidik.sha256.clone()),
        sha256_berkas: sidik
            .bagian
            .iter()
            .map(|b| (b.berkas.clone(), b.sha256.clone()))
            .collect::<BTreeMap<_, _>>(),
        ..riwayat::Catatan::default()
    };
    riwayat::append_to(folder, &line)
        .map(|_| ())
        .map_err(|e| berkas_error(sop.sopan, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(waktu: &str, gerak: &str, sha: &str) -> riwayat::Catatan {
        riwayat::Catatan {
            waktu: waktu.into(),
            pengguna: "sari".into(),
            berkas: "a.toml".into(),
            gerak: gerak.into(),
            sha256: Some(sha.into()),
            sha256_berkas: BTreeMap::from([("a.toml".to_string(), sha.to_string())]),
            ..riwayat::Catatan::default()
        }
    }

    fn sidik(sha: &str) -> Sidik {
        Sidik {
            bagian: vec![Bagian {
                peran: "sop".into(),
                berkas: "a.toml".into(),
                sha256: sha.into(),
            }],
            sha256: sha.into(),
        }
    }

    fn approval(waktu: &str, sha: &str) -> arsip::Catatan {
        serde_json::from_value(serde_json::json!({
            "versi": 1, "kode": "0000000000", "sop": "a.toml", "nomor": "1", "nama": "A",
            "disahkan": waktu, "jabatan": "Kepala",
            "penanda": {"nama": "A", "nip": "", "penerbit": "CA", "nomor_seri": "01",
                        "berlaku_dari": 0, "berlaku_sampai": 1},
            "sidik": {"bagian": [{"peran": "sop", "berkas": "a.toml", "sha256": sha}], "sha256": sha},
            "catatan_pemeriksaan": [], "tsa": null, "pdf": "a.pdf"
        }))
        .unwrap()
    }

    #[test]
    fn a_submitted_sop_that_changed_says_what_changed() {
        let lines = [line("2026-01-01T00:00:00Z", "ajukan", "aa")];
        let refs: Vec<&riwayat::Catatan> = lines.iter().collect();
        let k = hitung(&refs, &[], Some(&sidik("aa")));
        assert_eq!((k.tahap, k.berubah.len()), (Tahap::Diajukan, 0));
        let k = hitung(&refs, &[], Some(&sidik("bb")));
        assert_eq!(k.tahap, Tahap::Diajukan);
        assert_eq!(k.berubah, ["a.toml diubah"]);
    }

    #[test]
    fn an_approval_holds_only_while_the_text_is_what_was_approved() {
        let lines = [
            line("2026-01-01T00:00:00Z", "ajukan", "aa"),
            line("2026-01-02T00:00:00Z", "teruskan", "aa"),
        ];
        let refs: Vec<&riwayat::Catatan> = lines.iter().collect();
        let approved = [approval("2026-01-03T00:00:00Z", "cc")];
        let k = hitung(&refs, &approved, Some(&sidik("cc")));
        assert_eq!(k.tahap, Tahap::Disahkan);
        assert!(!k.revisi());
        let k = hitung(&refs, &approved, Some(&sidik("dd")));
        assert_eq!(k.tahap, Tahap::Konsep);
        assert!(k.revisi());
        assert_eq!(k.berubah, ["a.toml diubah"]);
        // An approval from `sopan sahkan` alone (no history) counts too.
        assert_eq!(
            hitung(&[], &approved, Some(&sidik("cc"))).tahap,
            Tahap::Disahkan
        );
    }

    #[test]
    fn notes_of_the_last_move_are_shown_until_the_next_move() {
        let mut back = line("2026-01-02T00:00:00Z", "kembalikan", "aa");
        back.koreksi = vec![Koreksi {
            jalur: "nomor".into(),
            teks: "nomor belum sesuai".into(),
        }];
        let lines = [line("2026-01-01T00:00:00Z", "ajukan", "aa"), back];
        let refs: Vec<&riwayat::Catatan> = lines.iter().collect();
        let k = hitung(&refs, &[], Some(&sidik("bb")));
        assert_eq!(k.tahap, Tahap::Konsep);
        assert_eq!(k.koreksi.len(), 1);
        assert!(
            k.berubah.is_empty(),
            "a konsep never approved has nothing to compare"
        );
        let mut again: Vec<riwayat::Catatan> = lines.to_vec();
        again.push(line("2026-01-03T00:00:00Z", "ajukan", "bb"));
        let refs: Vec<&riwayat::Catatan> = again.iter().collect();
        let k = hitung(&refs, &[], Some(&sidik("bb")));
        assert_eq!(k.tahap, Tahap::Diajukan);
        assert!(k.koreksi.is_empty());
    }
}
