//! The history of the form editor and the approval flow: one JSON line per save or move
//! in `.sopan/riwayat.jsonl` in the catalogue (who, when, which file, what changed; for a
//! move of the approval flow also its notes and the SHA-256 of what was submitted),
//! printed by `sopan riwayat`.
//!
//! The history is tamper-evident: every line carries its number and the SHA-256 of the
//! line before it, and `.sopan/riwayat.ujung` holds the number and SHA-256 of the last
//! line. A line edited, removed or inserted breaks the chain, and [`periksa`] names where.
//! Lines written before the chain (by an older sopan) stay readable and are reported as
//! written before it, not as tampered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::folder::Folder;
use super::form::{Form, IDENTITAS, LANGKAH_DAFTAR, LANGKAH_TEKS, Langkah};
use crate::grid;

/// The history file, in [`super::akun::FOLDER`].
pub const BERKAS: &str = "riwayat.jsonl";

/// The file that holds the number and SHA-256 of the history's last line, in
/// [`super::akun::FOLDER`]: removing or changing the last lines is seen against it.
pub const UJUNG: &str = "riwayat.ujung";

/// The history file of the catalogue at `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::akun::FOLDER).join(BERKAS)
}

/// One save or one move of the approval flow.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catatan {
    /// When, in UTC: `2026-12-02T09:15:00Z`.
    pub waktu: String,
    /// Who: the account, or "(komputer ini)" on a loopback preview.
    pub pengguna: String,
    /// The SOP file (or katalog.toml), relative to the catalogue.
    pub berkas: String,
    /// What changed, or what the move did, in a few words.
    pub ringkasan: String,
    /// The move of the approval flow (`ajukan`, `teruskan`, `kembalikan`, `sahkan`);
    /// empty for a save.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub gerak: String,
    /// The reviewer's notes with the move, per form field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub koreksi: Vec<Koreksi>,
    /// The SHA-256 of what the move concerned: the SOP file, its katalog chain and its
    /// images together (the fingerprint of `pengesahan::sidik`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The SHA-256 of each of those files, by path from the catalogue folder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sha256_berkas: BTreeMap<String, String>,
    /// The line's number in the history, from 1; `None` on a line written before the
    /// chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no: Option<u64>,
    /// The SHA-256 of the line before (of [`AWAL`] for the first line); `None` on a line
    /// written before the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sebelum: Option<String>,
}

/// A reviewer's note on one field of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Koreksi {
    /// The field, as the form names it (`nomor`, `langkah.2.kegiatan`); "" for a note
    /// about the whole SOP.
    pub jalur: String,
    /// The note.
    pub teks: String,
}

/// The largest history read: some 300,000 saves.
const MAKS: u64 = 64 * 1024 * 1024;

/// What the first line of a history names as the line before it: the SHA-256 of nothing.
pub const AWAL: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The SHA-256 of one history line (without its line end), hex.
pub fn sidik_baris(line: &[u8]) -> String {
    sha2::Sha256::digest(line)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends `catatan` to the history of the catalogue at `root`, under the catalogue's
/// save lock.
pub fn append(root: &Path, catatan: &Catatan) -> std::io::Result<Catatan> {
    let folder = Folder::open(root, true)?.ok_or(std::io::ErrorKind::NotFound)?;
    let _kunci = folder.lock()?;
    append_to(&folder, catatan)
}

/// Whether the history of the catalogue whose `.sopan` is `folder` can take a line: it
/// is missing, or a regular file that can be read. A change is made only when it can
/// be recorded, so a planted link or pipe stops the change, not only its record.
pub fn siap(folder: &Folder) -> std::io::Result<()> {
    folder.read(BERKAS, MAKS).map(|_| ())
}

/// The message for a change refused because its history line cannot be written.
pub fn tidak_siap(e: &std::io::Error) -> String {
    format!(
        "tidak disimpan: riwayat perubahan (.sopan/{BERKAS}) tidak dapat ditulis: {}; \
         minta admin memeriksa folder .sopan katalog ini",
        crate::io_error_id(e)
    )
}

/// The longest text of one field of a line, in characters.
pub const TEKS_MAKS: usize = 300;

/// Appends `catatan` to the history in the catalogue's `.sopan` folder (a regular file
/// there, never a link: [`super::folder`]), each field made [`aman`] first, as the next link of the chain, and moves the
/// end marker to it. The caller holds the save lock ([`Folder::lock`]), so two lines never
/// name the same line before them. Returns the line as written.
pub fn append_to(folder: &Folder, catatan: &Catatan) -> std::io::Result<Catatan> {
    let data = folder.read(BERKAS, MAKS)?.unwrap_or_default();
    let lines = baris(&data);
    let mut line = Catatan {
        waktu: aman(&catatan.waktu),
        pengguna: aman(&catatan.pengguna),
        berkas: aman(&catatan.berkas),
        ringkasan: aman(&catatan.ringkasan),
        koreksi: catatan
            .koreksi
            .iter()
            .map(|k| Koreksi {
                jalur: aman(&k.jalur),
                teks: aman(&k.teks),
            })
            .collect(),
        ..catatan.clone()
    };
    line.no = Some(match lines.last() {
        Some(last) => match serde_json::from_slice::<Catatan>(last)
            .ok()
            .and_then(|c| c.no)
        {
            Some(n) => n + 1,
            None => lines.len() as u64 + 1,
        },
        None => 1,
    });
    line.sebelum = Some(
        lines
            .last()
            .map_or_else(|| AWAL.to_string(), |l| sidik_baris(l)),
    );
    let text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
    let mut bytes = Vec::with_capacity(text.len() + 2);
    // A last line cut short (a crash mid-write) keeps its own line.
    if !data.is_empty() && !data.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    // One write per line, so lines of two saves never interleave.
    folder.append(BERKAS, &bytes)?;
    let ujung = format!(
        "{} {}\n",
        line.no.unwrap_or_default(),
        sidik_baris(text.as_bytes())
    );
    folder.write(UJUNG, ujung.as_bytes())?;
    Ok(line)
}

/// The non-empty lines of a history, without their line ends.
fn baris(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect()
}

/// The saves and moves recorded for the catalogue at `root`, oldest first; unreadable
/// lines are skipped.
pub fn read(root: &Path) -> std::io::Result<Vec<Catatan>> {
    let Some(folder) = Folder::open(root, false)? else {
        return Ok(Vec::new());
    };
    let Some(data) = folder.read(BERKAS, MAKS)? else {
        return Ok(Vec::new());
    };
    Ok(baris(&data)
        .into_iter()
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect())
}

/// `text` safe to print on a terminal and to read as one line: control characters
/// (newlines, ESC of terminal sequences) and the marks that reorder text on screen are
/// written as `\u{..}`, and a text longer than [`TEKS_MAKS`] characters is cut.
pub fn aman(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == TEKS_MAKS {
            out.push('…');
            break;
        }
        let reorders = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || reorders {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// What [`periksa`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pemeriksaan {
    /// Lines in the history.
    pub baris: usize,
    /// Lines at its start written before the chain (by an older sopan): readable, but
    /// nothing vouches for them.
    pub tanpa_rantai: usize,
    /// Where the chain breaks, in file order.
    pub putus: Vec<Putus>,
}

impl Pemeriksaan {
    /// Whether the chain is whole.
    pub fn utuh(&self) -> bool {
        self.putus.is_empty()
    }
}

/// One break of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Putus {
    /// The line (from 1) where it shows.
    pub baris: usize,
    /// What happened, in a clerk's words.
    pub apa: String,
}

/// Checks the chain of a history's text `data`, with the end marker `ujung` (the
/// contents of [`UJUNG`], if there is one).
pub fn periksa(data: &[u8], ujung: Option<&str>) -> Pemeriksaan {
    let lines = baris(data);
    let mut out = Pemeriksaan {
        baris: lines.len(),
        ..Pemeriksaan::default()
    };
    let mut putus = |baris: usize, apa: String| out.putus.push(Putus { baris, apa });
    // The last line of the chain read so far: its number and its SHA-256.
    let mut last: Option<(u64, String)> = None;
    let mut chained = false;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let parsed = serde_json::from_slice::<Catatan>(line).ok();
        let prev = i.checked_sub(1).map(|p| sidik_baris(lines[p]));
        let Some(c) = parsed else {
            putus(
                n,
                format!("baris {n} tidak terbaca (bukan catatan riwayat yang utuh)"),
            );
            chained = true;
            last = None;
            continue;
        };
        let (Some(no), Some(sebelum)) = (c.no, c.sebelum.as_deref()) else {
            if chained {
                putus(
                    n,
                    format!(
                        "baris {n} tidak berantai di tengah riwayat berantai: disisipkan atau diubah"
                    ),
                );
            } else {
                out.tanpa_rantai += 1;
            }
            continue;
        };
        let expected_no = match &last {
            Some((m, _)) => m + 1,
            None if chained => no,
            None => n as u64,
        };
        let expected_hash = prev.as_deref().unwrap_or(AWAL);
        if no > expected_no {
            let hilang = if no == expected_no + 1 {
                format!("baris bernomor {expected_no} hilang")
            } else {
                format!("baris bernomor {expected_no} sampai {} hilang", no - 1)
            };
            putus(n, format!("sebelum baris {n}: {hilang} (dihapus)"));
        } else if no < expected_no {
            putus(
                n,
                format!(
                    "baris {n} bernomor {no}, padahal seharusnya {expected_no}: disisipkan, disalin atau diubah"
                ),
            );
        } else if sebelum != expected_hash {
            let apa = if n == 1 {
                "baris 1 bukan awal riwayat: baris sebelumnya dihapus".to_string()
            } else {
                format!(
                    "baris {} diubah (baris {n} mencatat isi lain untuk baris sebelumnya)",
                    n - 1
                )
            };
            putus(n, apa);
        }
        chained = true;
        last = Some((no, sidik_baris(line)));
    }
    periksa_ujung(&lines, last, ujung, chained, &mut out);
    out
}

/// Checks the last lines against the end marker: a change to the last line, or lines
/// removed from the end, leave no later line to notice them.
fn periksa_ujung(
    lines: &[&[u8]],
    last: Option<(u64, String)>,
    ujung: Option<&str>,
    chained: bool,
    out: &mut Pemeriksaan,
) {
    let n = lines.len();
    let marker = ujung.and_then(|u| {
        let (no, hash) = u.trim().split_once(' ')?;
        Some((no.parse::<u64>().ok()?, hash.to_string()))
    });
    let mut putus = |apa: String| out.putus.push(Putus { baris: n, apa });
    match (marker, last) {
        (None, _) if !chained => {}
        (None, _) => putus(
            "penanda akhir riwayat (riwayat.ujung) tidak ada: baris terakhir tidak dapat dipastikan utuh"
                .into(),
        ),
        (Some((no, _)), None) => putus(format!(
            "riwayat berakhir sebelum baris bernomor {no} yang dicatat penanda akhir: baris terakhir dihapus"
        )),
        (Some((no, hash)), Some((last_no, last_hash))) => {
            if no == last_no && hash != last_hash {
                putus(format!("baris {n} (yang terakhir) diubah"));
            } else if no > last_no {
                putus(format!(
                    "baris bernomor {} sampai {no} hilang dari akhir riwayat (dihapus)",
                    last_no + 1
                ));
            } else if no < last_no {
                // The marker lags (a stop between writing the line and the marker) only
                // when it names a line of the chain as it is.
                let found = lines.iter().any(|l| {
                    serde_json::from_slice::<Catatan>(l)
                        .ok()
                        .is_some_and(|c| c.no == Some(no))
                        && sidik_baris(l) == hash
                });
                if !found {
                    putus(format!(
                        "penanda akhir riwayat menyebut baris bernomor {no} yang tidak ada lagi seperti dicatat"
                    ));
                }
            }
        }
    }
}

/// Checks the history of the catalogue at `root` ([`periksa`]), under the save lock so a
/// save in progress is not taken for damage.
pub fn periksa_folder(root: &Path) -> std::io::Result<Pemeriksaan> {
    let Some(folder) = Folder::open(root, false)? else {
        return Ok(Pemeriksaan::default());
    };
    let _kunci = folder.lock()?;
    let data = folder.read(BERKAS, MAKS)?.unwrap_or_default();
    let ujung = folder
        .read(UJUNG, 1024)?
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(periksa(&data, ujung.as_deref()))
}

/// What changed between two forms, in a few words: "nama; langkah 3 (kegiatan);
/// 1 langkah ditambah". Only the form's own field names are used, never keys sent with
/// a form.
pub fn ringkasan(old: &Form, new: &Form) -> String {
    let mut parts: Vec<String> = Vec::new();
    for key in IDENTITAS {
        if old.identitas(key) != new.identitas(key) {
            parts.push(key.replace('_', " "));
        }
    }
    for key in grid::KOTAK.iter().map(|k| k.kunci) {
        if old.grid(key) != new.grid(key) {
            parts.push(key.replace('_', " "));
        }
    }
    for (key, value) in &new.kop {
        if old.kop(key) != value.as_slice() {
            parts.push(key.replace(['.', '_'], " "));
        }
    }
    if old.pelaksana != new.pelaksana {
        parts.push("pelaksana".into());
    }
    steps(&old.langkah, &new.langkah, "", &mut parts);
    for (i, p) in new.prosedur.iter().enumerate() {
        let before = p.asal.and_then(|a| old.prosedur.get(a));
        match before {
            Some(b) if b == p => {}
            Some(b) => {
                if b.judul != p.judul || b.pelaksana != p.pelaksana {
                    parts.push(format!("sub-prosedur {}", i + 1));
                }
                steps(
                    &b.langkah,
                    &p.langkah,
                    &format!("sub-prosedur {}: ", i + 1),
                    &mut parts,
                );
            }
            None => parts.push(format!("sub-prosedur {} ditambah", i + 1)),
        }
    }
    let removed = old.prosedur.len() + new.prosedur.iter().filter(|p| p.asal.is_none()).count();
    if removed > new.prosedur.len() {
        parts.push(format!(
            "{} sub-prosedur dihapus",
            removed - new.prosedur.len()
        ));
    }
    if parts.is_empty() {
        return "tanpa perubahan isi".into();
    }
    const MAX: usize = 6;
    let more = parts.len().saturating_sub(MAX);
    parts.truncate(MAX);
    let mut text = parts.join("; ");
    if more > 0 {
        text += &format!("; dan {more} lagi");
    }
    text
}

fn steps(old: &[Langkah], new: &[Langkah], prefix: &str, parts: &mut Vec<String>) {
    let added = new.iter().filter(|s| s.asal.is_none()).count();
    let kept = new.len() - added;
    let moved = !new
        .iter()
        .filter_map(|s| s.asal)
        .collect::<Vec<_>>()
        .is_sorted();
    for (i, step) in new.iter().enumerate() {
        let Some(before) = step.asal.and_then(|a| old.get(a)) else {
            continue;
        };
        let mut fields: Vec<&str> = Vec::new();
        for k in LANGKAH_TEKS {
            if before.teks(k) != step.teks(k) {
                fields.push(k);
            }
        }
        for k in LANGKAH_DAFTAR {
            if before.daftar(k) != step.daftar(k) {
                fields.push(k);
            }
        }
        if before.keputusan != step.keputusan {
            fields.push("keputusan");
        }
        if before.lanjut != step.lanjut {
            fields.push("lanjut");
        }
        if !fields.is_empty() {
            parts.push(format!("{prefix}langkah {} ({})", i + 1, fields.join(", ")));
        }
    }
    if added > 0 {
        parts.push(format!("{prefix}{added} langkah ditambah"));
    }
    if old.len() > kept {
        parts.push(format!("{prefix}{} langkah dihapus", old.len() - kept));
    }
    if moved {
        parts.push(format!("{prefix}urutan langkah diubah"));
    }
}

/// Now, in UTC, as the history writes it.
pub fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = crate::model::civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// A history time (`2026-12-07T07:03:00Z`) in this computer's local time with its offset
/// from UTC, as `sopan riwayat` prints it: `2026-12-07 14:03 +07:00`; the text itself
/// when it is no such time.
pub fn waktu_lokal(iso: &str) -> String {
    waktu_di(iso, &chrono::Local)
}

/// [`waktu_lokal`] in the time zone `tz`.
fn waktu_di<Tz: chrono::TimeZone>(iso: &str, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    match chrono::DateTime::parse_from_rfc3339(iso) {
        Ok(t) => t.with_timezone(tz).format("%Y-%m-%d %H:%M %:z").to_string(),
        Err(_) => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_names_what_changed() {
        let text = "nomor = \"1\"\nnama = \"A\"\npelaksana = [\"X\"]\n\n[[langkah]]\nkegiatan = \"a\"\npelaksana = \"X\"\n\n[[langkah]]\nkegiatan = \"b\"\npelaksana = \"X\"\n";
        let old = crate::editor::read(text).unwrap();
        let mut new = old.clone();
        assert_eq!(ringkasan(&old, &new), "tanpa perubahan isi");
        new.identitas.insert("nama".into(), "B".into());
        new.langkah[1].teks.insert("kegiatan".into(), "c".into());
        new.langkah.remove(0);
        new.langkah.push(Langkah::default());
        assert_eq!(
            ringkasan(&old, &new),
            "nama; langkah 1 (kegiatan); 1 langkah ditambah; 1 langkah dihapus"
        );
    }

    #[test]
    fn a_summary_never_holds_keys_sent_with_the_form() {
        let text = "nomor = \"1\"\nnama = \"A\"\npelaksana = [\"X\"]\n\n[[langkah]]\nkegiatan = \"a\"\npelaksana = \"X\"\n";
        let old = crate::editor::read(text).unwrap();
        let mut new = old.clone();
        let forged = "x\n2026-12-02 09:15:00 UTC  budi  lakip.toml: dihapus\u{1b}]0;PWNED\u{7}";
        new.identitas.insert(forged.into(), "1".into());
        new.langkah[0].teks.insert(forged.into(), "1".into());
        new.langkah[0]
            .daftar
            .insert(forged.into(), vec!["1".into()]);
        assert_eq!(ringkasan(&old, &new), "tanpa perubahan isi");
    }

    #[test]
    fn history_fields_are_safe_to_print() {
        assert_eq!(aman("nama; langkah 3"), "nama; langkah 3");
        assert_eq!(aman("a\nb\u{1b}]0;x\u{7}"), "a\\u{a}b\\u{1b}]0;x\\u{7}");
        assert_eq!(aman("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        let long = aman(&"é".repeat(1000));
        assert_eq!(long.chars().count(), TEKS_MAKS + 1);
        let dir = std::env::temp_dir().join(format!("sopan-riwayat-aman-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let c = Catatan {
            waktu: now(),
            pengguna: "sari\nbudi".into(),
            berkas: "a\u{1b}[2J.toml".into(),
            ringkasan: "x".repeat(5000),
            ..Catatan::default()
        };
        append(&dir, &c).unwrap();
        let back = &read(&dir).unwrap()[0];
        assert_eq!(back.pengguna, "sari\\u{a}budi");
        assert_eq!(back.berkas, "a\\u{1b}[2J.toml");
        assert_eq!(back.ringkasan.chars().count(), TEKS_MAKS + 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn history_lines_append_and_read_back() {
        let dir = std::env::temp_dir().join(format!("sopan-riwayat-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let c = Catatan {
            waktu: now(),
            pengguna: "sari".into(),
            berkas: "perencanaan/lakip.toml".into(),
            ringkasan: "nama".into(),
            ..Catatan::default()
        };
        let first = append(&dir, &c).unwrap();
        let second = append(&dir, &c).unwrap();
        assert_eq!(read(&dir).unwrap(), vec![first.clone(), second.clone()]);
        assert_eq!((first.no, second.no), (Some(1), Some(2)));
        assert_eq!(first.sebelum.as_deref(), Some(AWAL));
        assert!(periksa_folder(&dir).unwrap().utuh());
        assert!(now().ends_with('Z') && now().len() == 20);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A history of `n` chained lines, built as [`append_to`] writes it, and its end
    /// marker.
    fn chain(n: usize, legacy: usize) -> (Vec<String>, String) {
        let mut lines: Vec<String> = (0..legacy)
            .map(|i| format!("{{\"waktu\":\"2020-01-0{}T00:00:00Z\",\"pengguna\":\"lama\",\"berkas\":\"a.toml\",\"ringkasan\":\"nama\"}}", i + 1))
            .collect();
        let mut ujung = String::new();
        for i in 0..n {
            let c = Catatan {
                waktu: format!("2026-12-{:02}T09:00:00Z", i + 1),
                pengguna: "sari".into(),
                berkas: "a.toml".into(),
                ringkasan: format!("perubahan {i}"),
                no: Some((lines.len() + 1) as u64),
                sebelum: Some(
                    lines
                        .last()
                        .map_or(AWAL.to_string(), |l| sidik_baris(l.as_bytes())),
                ),
                ..Catatan::default()
            };
            let text = serde_json::to_string(&c).unwrap();
            ujung = format!("{} {}\n", c.no.unwrap(), sidik_baris(text.as_bytes()));
            lines.push(text);
        }
        (lines, ujung)
    }

    fn check(lines: &[String], ujung: &str) -> Pemeriksaan {
        let text = lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        periksa(text.as_bytes(), Some(ujung).filter(|u| !u.is_empty()))
    }

    #[test]
    fn a_whole_chain_is_whole_and_an_old_history_is_said_to_predate_it() {
        let (lines, ujung) = chain(5, 0);
        assert_eq!(
            check(&lines, &ujung),
            Pemeriksaan {
                baris: 5,
                tanpa_rantai: 0,
                putus: vec![]
            }
        );
        let (lines, ujung) = chain(3, 2);
        let found = check(&lines, &ujung);
        assert!(found.utuh(), "{found:?}");
        assert_eq!(found.tanpa_rantai, 2);
        let (old, _) = chain(0, 4);
        let found = check(&old, "");
        assert!(found.utuh() && found.tanpa_rantai == 4, "{found:?}");
    }

    #[test]
    fn an_edited_or_removed_line_is_named() {
        let (lines, ujung) = chain(6, 0);
        let mut edited = lines.clone();
        edited[2] = edited[2].replace("perubahan 2", "perubahan lain");
        let found = check(&edited, &ujung);
        assert_eq!(found.putus.len(), 1, "{found:?}");
        assert_eq!(found.putus[0].baris, 4);
        assert!(found.putus[0].apa.contains("baris 3 diubah"), "{found:?}");

        let mut removed = lines.clone();
        removed.remove(3);
        let found = check(&removed, &ujung);
        assert_eq!(found.putus.len(), 1, "{found:?}");
        assert!(
            found.putus[0].apa.contains("baris bernomor 4 hilang"),
            "{found:?}"
        );

        let mut last_edited = lines.clone();
        last_edited[5] = last_edited[5].replace("perubahan 5", "perubahan lain");
        let found = check(&last_edited, &ujung);
        assert!(
            found
                .putus
                .iter()
                .any(|p| p.apa.contains("baris 6 (yang terakhir) diubah")),
            "{found:?}"
        );

        let mut cut = lines.clone();
        cut.truncate(4);
        let found = check(&cut, &ujung);
        assert!(
            found
                .putus
                .iter()
                .any(|p| p.apa.contains("5 sampai 6 hilang dari akhir")),
            "{found:?}"
        );

        let mut first_gone = lines.clone();
        first_gone.remove(0);
        assert!(!check(&first_gone, &ujung).utuh());

        let mut inserted = lines.clone();
        inserted.insert(2, lines[0].clone());
        assert!(!check(&inserted, &ujung).utuh());

        // The marker lagging one line behind (a stop between the two writes) is no damage.
        let (shorter, lagging) = chain(5, 0);
        assert!(check(&lines, &lagging).utuh() && shorter.len() == 5);
    }

    #[test]
    fn a_history_time_is_shown_in_local_time_with_its_offset() {
        let wib = chrono::FixedOffset::east_opt(7 * 3600).unwrap();
        assert_eq!(
            waktu_di("2026-12-07T07:03:00Z", &wib),
            "2026-12-07 14:03 +07:00"
        );
        // Past midnight in Jayapura, the day before in New York.
        let wit = chrono::FixedOffset::east_opt(9 * 3600).unwrap();
        assert_eq!(
            waktu_di("2026-12-31T20:30:00Z", &wit),
            "2027-01-01 05:30 +09:00"
        );
        let ny = chrono::FixedOffset::west_opt(5 * 3600).unwrap();
        assert_eq!(
            waktu_di("2026-12-01T02:00:00Z", &ny),
            "2026-11-30 21:00 -05:00"
        );
        assert_eq!(waktu_di("kemarin", &wib), "kemarin");
    }
}
