//! The history of saves from the editor: one JSON line per save in
//! `.sopan/riwayat.jsonl` in the catalogue (who, when, which file, what changed),
//! printed by `sopan riwayat`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::folder::Folder;
use super::form::{Form, IDENTITAS, LANGKAH_DAFTAR, LANGKAH_TEKS, Langkah};
use crate::grid;

/// The history file, in [`super::akun::FOLDER`].
pub const BERKAS: &str = "riwayat.jsonl";

/// The history file of the catalogue at `root`.
pub fn path(root: &Path) -> PathBuf {
    root.join(super::akun::FOLDER).join(BERKAS)
}

/// One save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catatan {
    /// When, in UTC: `2026-12-02T09:15:00Z`.
    pub waktu: String,
    /// Who: the account, or "(komputer ini)" on a loopback preview.
    pub pengguna: String,
    /// The SOP file, relative to the catalogue.
    pub berkas: String,
    /// What changed, in a few words.
    pub ringkasan: String,
}

/// The largest history read: some 300,000 saves.
const MAKS: u64 = 64 * 1024 * 1024;

/// Appends `catatan` to the history of the catalogue at `root`.
pub fn append(root: &Path, catatan: &Catatan) -> std::io::Result<()> {
    let folder = Folder::open(root, true)?.ok_or(std::io::ErrorKind::NotFound)?;
    append_to(&folder, catatan)
}

/// The longest text of one field of a line, in characters.
pub const TEKS_MAKS: usize = 300;

/// Appends `catatan` to the history in the catalogue's `.sopan` folder: a regular file
/// there, never a link ([`super::folder`]). Each field is made [`aman`] first.
pub fn append_to(folder: &Folder, catatan: &Catatan) -> std::io::Result<()> {
    let catatan = Catatan {
        waktu: aman(&catatan.waktu),
        pengguna: aman(&catatan.pengguna),
        berkas: aman(&catatan.berkas),
        ringkasan: aman(&catatan.ringkasan),
    };
    let mut line = serde_json::to_string(&catatan).map_err(std::io::Error::other)?;
    line.push('\n');
    // One write per line, so lines of two saves never interleave.
    folder.append(BERKAS, line.as_bytes())
}

/// The saves recorded for the catalogue at `root`, oldest first; unreadable lines are
/// skipped.
pub fn read(root: &Path) -> std::io::Result<Vec<Catatan>> {
    let Some(folder) = Folder::open(root, false)? else {
        return Ok(Vec::new());
    };
    let Some(data) = folder.read(BERKAS, MAKS)? else {
        return Ok(Vec::new());
    };
    Ok(String::from_utf8_lossy(&data)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
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
        };
        append(&dir, &c).unwrap();
        append(&dir, &c).unwrap();
        assert_eq!(read(&dir).unwrap(), vec![c.clone(), c]);
        assert!(now().ends_with('Z') && now().len() == 20);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
