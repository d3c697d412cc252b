//! The editor's requests: the form of an SOP, a draft rendered from the form without
//! saving, a save that never overwrites someone else's change, and a new SOP. Every
//! answer is JSON; the page script ([`super::html::EDITOR_SCRIPT`]) draws the form.

use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::editor::folder::Folder;
use crate::editor::simpan::{self, Gagal};
use crate::editor::{self, Form, fields, gabung, kata, riwayat};
use crate::pengesahan::keadaan;
use crate::pipeline::{self, Settings};
use crate::source::file;
use crate::typeset;

/// An answer: HTTP status and JSON body.
pub type Answer = (u16, Value);

/// What the page sends with a draft or a save: the form, and the file's text as it was
/// when the form was loaded.
#[derive(Deserialize)]
pub struct Kiriman {
    form: Form,
    dasar: String,
}

/// What the page sends to start a new SOP.
#[derive(Deserialize)]
pub struct Baru {
    /// The folder below the catalogue ("" for the top).
    bab: String,
    /// The file name, without `.toml`.
    berkas: String,
    /// The SOP's name, written into the new file ("" leaves it to the form).
    #[serde(default)]
    nama: String,
}

/// An answer with a message for the person: `{ "pesan": ... }`.
pub fn pesan(status: u16, text: impl Into<String>) -> Answer {
    (status, json!({ "pesan": text.into() }))
}

/// The form of the SOP at `path` of the catalogue at `root`, with the text it was read
/// from and the grid's boxes (`kotak`: key, name, hint), which the page draws the grid's
/// fields from; a file whose real path leaves the catalogue is named, never shown.
pub fn formulir(path: &Path, root: &Path, settings: &Settings) -> Answer {
    let text = match file::read_text_inside(path, root, file::SOP_MAKS) {
        Ok(t) => t,
        Err(e) if file::is_luar(&e) => return pesan(403, file::Luar.to_string()),
        Err(e) => {
            return pesan(
                500,
                format!("berkas tidak dapat dibaca: {}", crate::io_error_id(&e)),
            );
        }
    };
    match editor::read(&text) {
        Some(form) => (
            200,
            json!({ "form": form, "dasar": text, "kotak": crate::grid::KOTAK }),
        ),
        None => {
            let (_, printed) = pipeline::validate(path, settings);
            (
                422,
                json!({
                    "pesan": "Berkas ini belum dapat dibuka di formulir karena penulisannya salah. \
                              Perbaiki dulu kesalahan di bawah dengan penyunting teks.",
                    "galat": printed,
                }),
            )
        }
    }
}

/// Parses a request body as JSON of type `T`.
pub fn body<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, Answer> {
    serde_json::from_slice(bytes)
        .map_err(|e| pesan(400, format!("isi permintaan tidak terbaca: {e}")))
}

/// Renders the form as a draft: the sheet's pages as SVG and each diagnostic with the
/// field it concerns.
pub fn draf(path: &Path, kiriman: Kiriman, settings: &Settings) -> Answer {
    let Some(text) = editor::write(&kiriman.dasar, &kiriman.form) else {
        return pesan(422, "teks dasar bukan TOML");
    };
    let (loaded, notes) = pipeline::load_draft(path, text.clone(), settings);
    let places = fields::places(&text);
    let catatan: Vec<Value> = notes
        .iter()
        .map(|n| {
            let jalur = n.at.and_then(|at| fields::field_at(&places, at));
            let kata = kata::untuk(jalur, &n.message);
            json!({
                "galat": n.error,
                "teks": n.text,
                "jalur": kata.jalur.as_deref().or(jalur),
                "formulir": kata.teks,
                "kosong": kata.kosong,
            })
        })
        .collect();
    let mut halaman: Vec<String> = Vec::new();
    let mut gagal: Option<String> = None;
    if let Ok(loaded) = &loaded {
        match pipeline::render(loaded) {
            Ok(rendered) => {
                halaman = (0..rendered.document.pages().len())
                    .filter_map(|i| typeset::page_svg(&rendered.document, i))
                    .collect();
            }
            Err(e) => gagal = Some(e.to_string()),
        }
    }
    typst::comemo::evict(10);
    (
        200,
        json!({ "halaman": halaman, "catatan": catatan, "gagal": gagal }),
    )
}

/// Saves the form into the SOP at `path` ([`simpan::simpan`]), unless the file changed
/// since the form was loaded: then 409 with what changed. `root` is the catalogue,
/// whose history gets a line naming `berkas` (the file below the catalogue) and `who`.
///
/// While the SOP is submitted for approval the save is refused (423), the file unchanged:
/// checked under the save lock, so a submission a moment earlier counts.
pub fn simpan(path: &Path, root: &Path, berkas: &str, kiriman: Kiriman, who: &str) -> Answer {
    let form = &kiriman.form;
    let sop = keadaan::Sop {
        sopan: root,
        berkas,
        path,
    };
    let saved = simpan::simpan_jika(
        path,
        root,
        &kiriman.dasar,
        || keadaan::boleh_disunting(sop),
        |disk| editor::write(disk, form),
    );
    let saved = match saved {
        Ok(s) => s,
        Err(Gagal::Ditolak(reason)) => return pesan(423, reason),
        Err(Gagal::Berubah(disk)) => return berubah(&kiriman, disk),
        Err(Gagal::HanyaBaca) => return pesan(403, simpan::HANYA_BACA),
        Err(Gagal::Luar) => return pesan(403, file::Luar.to_string()),
        Err(Gagal::BukanToml) => {
            return pesan(
                422,
                "berkas ini bukan TOML; perbaiki dulu dengan penyunting teks",
            );
        }
        Err(Gagal::Baca(e)) => {
            return pesan(
                500,
                format!("berkas tidak dapat dibaca: {}", crate::io_error_id(&e)),
            );
        }
        Err(Gagal::Riwayat(e)) => return riwayat_tidak_siap(berkas, &e),
        Err(Gagal::Tulis(e)) => {
            let status = match e.kind() {
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => 507,
                _ => 500,
            };
            return pesan(status, simpan::pesan_tulis(&e));
        }
    };
    if !saved.ditulis {
        return (200, json!({ "tersimpan": false, "dasar": saved.teks }));
    }
    let old = editor::read(&saved.lama).unwrap_or_default();
    let catatan = riwayat::Catatan {
        waktu: riwayat::now(),
        pengguna: who.to_string(),
        berkas: berkas.to_string(),
        ringkasan: riwayat::ringkasan(&old, form),
        ..Default::default()
    };
    let mut peringatan = saved.peringatan.clone();
    if let Err(e) = riwayat::append_to(&saved.folder, &catatan) {
        peringatan.push(riwayat_gagal(berkas, &e));
    }
    let mut answer = json!({ "tersimpan": true, "dasar": saved.teks });
    if !peringatan.is_empty() {
        answer["peringatan"] = json!(peringatan.join("; "));
    }
    (200, answer)
}

/// The answer to a save refused because the file changed since the form was loaded:
/// 409 with the differing lines, the file's text now, and the clerk's changes merged
/// onto it ([`gabung`]), with the fields both sides changed for the clerk to settle.
fn berubah(kiriman: &Kiriman, disk: String) -> Answer {
    let beda = perbedaan(&kiriman.dasar, &disk);
    let gabungan = match (editor::read(&kiriman.dasar), editor::read(&disk)) {
        (Some(dasar), Some(sekarang)) => json!(gabung::gabung(&dasar, &kiriman.form, &sekarang)),
        _ => Value::Null,
    };
    (
        409,
        json!({
            "pesan": "Berkas ini sudah diubah orang lain (atau di penyunting teks) sejak \
                      formulir dimuat. Perubahan Anda belum disimpan.",
            "beda": beda,
            "dasar": disk,
            "gabungan": gabungan,
        }),
    )
}

/// The lines that differ between the text the form was loaded from and the file now,
/// each marked for a clerk ("dulu" / "sekarang"), with the line number in the file.
pub fn perbedaan(dulu: &str, sekarang: &str) -> String {
    let diff = similar::TextDiff::from_lines(dulu, sekarang);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let (mark, line) = match change.tag() {
            similar::ChangeTag::Equal => continue,
            similar::ChangeTag::Delete => ("dulu    ", change.old_index()),
            similar::ChangeTag::Insert => ("sekarang", change.new_index()),
        };
        let at = line
            .map(|n| format!("baris {:>3}", n + 1))
            .unwrap_or_default();
        out.push_str(&format!("{mark} {at}: {}", change.value()));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Checks a new SOP's place: an existing folder of the catalogue at `folder` (not
/// hidden, no `..`) and a file name that is not taken, of ASCII letters, digits, `-` and
/// `_` only (no look-alikes of other scripts), and no device name of Windows. Returns
/// the new file.
pub fn tempat_baru(folder: &Path, baru: &Baru) -> Result<std::path::PathBuf, Answer> {
    // The nama goes into the file as typed: what `sopan check` refuses is refused here.
    if baru
        .nama
        .chars()
        .any(|c| c.is_control() || crate::diag::arah_teks(c))
    {
        return Err(pesan(
            400,
            "Nama SOP berisi karakter pengatur (tak terlihat); ketik ulang namanya",
        ));
    }
    let berkas = baru.berkas.trim().trim_end_matches(".toml");
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 80
            && !s.starts_with(['.', '-'])
            && s.chars().all(|c| c.is_alphanumeric() || "-_".contains(c))
    };
    // Names the catalogue or the preview's own addresses use (in any case: Windows and
    // macOS file names ignore it).
    const DIPAKAI: [&str; 10] = [
        "katalog",
        "templates",
        "ubah",
        "isi",
        "simpan",
        "draf",
        "formulir",
        "halaman",
        "unduh",
        "daftar",
    ];
    let reserved = |s: &str| DIPAKAI.contains(&s.to_lowercase().as_str());
    let ascii = berkas
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
    if !plain(berkas) || !ascii || reserved(berkas) {
        return Err(pesan(
            400,
            "nama berkas hanya boleh berisi huruf a-z tanpa tanda, angka, - dan _, \
             misalnya penyusunan-lakip",
        ));
    }
    if perangkat_windows(berkas) {
        return Err(pesan(
            400,
            format!(
                "\"{berkas}\" adalah nama perangkat di Windows (seperti CON, NUL, COM1); \
                 berkas itu tidak dapat dibuka di Windows. Pilih nama lain, misalnya {berkas}-sop"
            ),
        ));
    }
    let bab = baru.bab.trim().trim_matches('/');
    // Folders sopan itself writes into at the catalogue's top: `sopan build`'s PDFs and
    // the archive of approved SOPs.
    let top = bab.split('/').next().unwrap_or("").to_lowercase();
    if [crate::output::BUILD_OUT, crate::pengesahan::arsip::FOLDER].contains(&top.as_str()) {
        return Err(pesan(
            400,
            format!(
                "folder \"{top}\" berisi hasil sopan (PDF dan arsip), bukan bab SOP; pilih \
                 folder bab lain"
            ),
        ));
    }
    let mut dir = folder.to_path_buf();
    for part in bab.split('/').filter(|p| !p.is_empty()) {
        if !plain(part) || reserved(part) {
            return Err(pesan(400, "folder itu tidak dapat dipakai"));
        }
        dir.push(part);
    }
    if !dir.is_dir() {
        return Err(pesan(400, "folder itu tidak ada di katalog"));
    }
    // A folder that is a link leading out of the catalogue is not the catalogue's.
    let inside = dir.canonicalize().is_ok_and(|real| {
        folder.canonicalize().is_ok_and(|top| real.starts_with(top))
            && file::real_inside(&real, folder).is_ok()
    });
    if !inside {
        return Err(pesan(400, "folder itu tidak ada di katalog"));
    }
    let path = dir.join(format!("{berkas}.toml"));
    if path.exists() {
        return Err(pesan(
            409,
            "sudah ada SOP dengan nama berkas itu; pilih nama lain",
        ));
    }
    Ok(path)
}

/// Whether `name` (before any extension, in any case) is a device name of Windows:
/// such a file cannot be opened there, and a synchronised or shared folder breaks.
fn perangkat_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || ["COM", "LPT"].iter().any(|p| {
        stem.strip_prefix(p)
            .is_some_and(|n| n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()))
    })
}

/// The refusal of a change to `berkas` whose history line cannot be written; the
/// server's console is told too, as the editor may not show it to whoever can fix it.
pub fn riwayat_tidak_siap(berkas: &str, e: &std::io::Error) -> Answer {
    let alasan = riwayat::tidak_siap(e);
    eprintln!("peringatan: {berkas} {alasan}");
    pesan(500, alasan)
}

/// The editor's warning when a change was made but its history line could not be
/// written; the server's console is told too, as the editor may not show it.
fn riwayat_gagal(berkas: &str, e: &std::io::Error) -> String {
    let sebab = crate::io_error_id(e);
    eprintln!("peringatan: {berkas} tersimpan, tetapi riwayat tidak dapat ditulis: {sebab}");
    format!("tersimpan, tetapi riwayat tidak dapat ditulis: {sebab}")
}

/// The catalogue's `.sopan` folder and its save lock, held while a new SOP is made, when
/// the history can take its line ([`riwayat::siap`]); else the refusal.
pub fn kunci_baru(root: &Path) -> Result<(Folder, std::fs::File), Answer> {
    let gagal = |e: std::io::Error| pesan(500, simpan::pesan_tulis(&e));
    let folder = Folder::open(root, true)
        .map_err(gagal)?
        .ok_or_else(|| gagal(std::io::ErrorKind::NotFound.into()))?;
    let kunci = folder.lock().map_err(|e| {
        pesan(
            500,
            format!(
                "tidak disimpan: kunci penyimpanan (.sopan/{}) tidak dapat dipakai: {}; \
                 minta admin memeriksa folder .sopan katalog ini",
                crate::editor::folder::KUNCI,
                crate::io_error_id(&e)
            ),
        )
    })?;
    riwayat::siap(&folder).map_err(|e| riwayat_tidak_siap("SOP baru", &e))?;
    Ok((folder, kunci))
}

/// Records the new SOP `berkas` (below the catalogue), made by `who` from the form, in
/// the history like a save, under the save lock the caller holds ([`kunci_baru`]);
/// returns the warning when that failed.
pub fn catat_baru(folder: &Folder, berkas: &str, baru: &Baru, who: &str) -> Option<String> {
    let nama = baru.nama.trim();
    let catatan = riwayat::Catatan {
        waktu: riwayat::now(),
        pengguna: who.to_string(),
        berkas: berkas.to_string(),
        ringkasan: if nama.is_empty() {
            "SOP baru dibuat".into()
        } else {
            format!("SOP baru dibuat: {nama}")
        },
        ..Default::default()
    };
    riwayat::append_to(folder, &catatan)
        .err()
        .map(|e| riwayat_gagal(berkas, &e))
}

/// Writes a new SOP file at `path` (never over an existing one), named as `baru` says.
pub fn buat(path: &Path, baru: &Baru) -> Result<(), Answer> {
    let today = riwayat::now();
    let text = editor::sop_baru(&today[..10], &baru.nama);
    crate::output::write_new(path, text.as_bytes()).map_err(|e| {
        pesan(
            500,
            format!("berkas tidak dapat dibuat: {}", crate::io_error_id(&e)),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_sop_reads_into_an_empty_form() {
        let form = editor::read(&editor::sop_baru("2026-12-02", "")).unwrap();
        assert_eq!(form.identitas("status"), "konsep");
        let named =
            editor::read(&editor::sop_baru("2026-12-02", " Penyusunan \"Renstra\" ")).unwrap();
        assert_eq!(named.identitas("nama"), "Penyusunan \"Renstra\"");
        assert!(form.langkah.is_empty() && form.pelaksana.is_empty());
    }

    #[test]
    fn a_new_sop_whose_nama_holds_a_control_character_is_refused() {
        let dir = std::env::temp_dir().join(format!("sopan-baru-nama-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for nama in ["Esc \u{1b}[31mMERAH", "dua\nbaris", "Rp 1000\u{202e}0001"] {
            let baru = Baru {
                bab: String::new(),
                berkas: "uji".into(),
                nama: nama.into(),
            };
            let (status, _) = tempat_baru(&dir, &baru).expect_err(nama);
            assert_eq!(status, 400, "{nama:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn new_files_stay_inside_the_catalogue() {
        let dir = std::env::temp_dir().join(format!("sopan-baru-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bab")).unwrap();
        let at = |bab: &str, berkas: &str| {
            tempat_baru(
                &dir,
                &Baru {
                    bab: bab.into(),
                    berkas: berkas.into(),
                    nama: String::new(),
                },
            )
        };
        assert_eq!(at("bab", "lakip").unwrap(), dir.join("bab/lakip.toml"));
        assert_eq!(at("", "lakip.toml").unwrap(), dir.join("lakip.toml"));
        for fine in ["com10", "console", "nul-arsip", "LPT_1", "Lakip_2024"] {
            assert!(at("bab", fine).is_ok(), "{fine}");
        }
        for (bab, berkas) in [
            ("..", "x"),
            ("bab", "../x"),
            ("bab", ".x"),
            ("tidak-ada", "x"),
            ("", "katalog"),
            ("", "Katalog"),
            ("bab", "simpan"),
            ("Templates", "x"),
            ("bab", ""),
            ("/etc", "x"),
            // Device names of Windows, in any case, with or without an extension.
            ("", "CON"),
            ("", "nul"),
            ("bab", "Aux"),
            ("bab", "com1"),
            ("bab", "LPT9"),
            ("bab", "prn.toml"),
            // Look-alikes: Cyrillic а and е, a Greek ο, full-width letters, an
            // accented letter written two ways.
            ("bab", "l\u{430}kip"),
            ("bab", "r\u{435}nja"),
            ("bab", "\u{3bf}k"),
            ("bab", "\u{ff4c}akip"),
            ("bab", "caf\u{e9}"),
            ("bab", "cafe\u{301}"),
        ] {
            assert!(at(bab, berkas).is_err(), "{bab} {berkas}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_new_sop_is_never_put_in_the_build_output_or_the_archive() {
        let dir = std::env::temp_dir().join(format!("sopan-baru-hasil-{}", std::process::id()));
        for bab in ["bab/pdf", "pdf/bab", "PDF", "arsip"] {
            std::fs::create_dir_all(dir.join(bab)).unwrap();
        }
        let at = |bab: &str| {
            tempat_baru(
                &dir,
                &Baru {
                    bab: bab.into(),
                    berkas: "x".into(),
                    nama: String::new(),
                },
            )
        };
        for refused in ["pdf", "pdf/bab", "PDF", "/arsip/"] {
            let (status, body) = at(refused).expect_err(refused);
            assert_eq!(status, 400);
            assert!(
                body["pesan"].as_str().unwrap().contains("bukan bab"),
                "{body}"
            );
        }
        // Deeper down, a folder named pdf is an ordinary bab.
        assert!(at("bab/pdf").is_ok());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_sop_is_never_made_in_a_folder_linked_out_of_the_catalogue() {
        let dir = std::env::temp_dir().join(format!("sopan-baru-tautan-{}", std::process::id()));
        let outside = std::env::temp_dir().join(format!("sopan-baru-luar-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bab")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("keluar")).unwrap();
        std::os::unix::fs::symlink(dir.join("bab"), dir.join("sama")).unwrap();
        let at = |bab: &str| {
            tempat_baru(
                &dir,
                &Baru {
                    bab: bab.into(),
                    berkas: "x".into(),
                    nama: String::new(),
                },
            )
        };
        assert!(at("keluar").is_err());
        assert!(!outside.join("x.toml").exists());
        // A link to a folder inside the catalogue stays usable.
        assert!(at("sama").is_ok());
        let _ = std::fs::remove_dir_all(&outside);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
