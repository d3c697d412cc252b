//! Writing what was found as sopan files: one SOP file each, and a katalog.toml with
//! what they share (kop lines, unit, signer). Every guess gets a `# periksa:` comment
//! above the key it concerns, for `sopan check --review` to list until someone deletes
//! it.

use super::baca::{Alur, Temuan};
use super::tabel::Bentuk;
use crate::grid;
use crate::model::Tanggal;

/// The comment that marks a guess.
pub const PERIKSA: &str = "# periksa:";

/// An Indonesian date ("23 Januari 2024", "23-01-2024", "2024-01-23") as a TOML date,
/// read as the validator reads dates ([`Tanggal::baca`]); `None` when it is empty, "-",
/// a month alone or unreadable.
pub fn tanggal(text: &str) -> Option<String> {
    match Tanggal::baca(text)? {
        Tanggal::Hari { tahun, bulan, hari } => Some(format!("{tahun:04}-{bulan:02}-{hari:02}")),
        Tanggal::Bulan { .. } | Tanggal::Kosong => None,
    }
}

/// Text for a comment: one line, control characters shown as `?`.
fn komentar(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A TOML string.
fn s(text: &str) -> String {
    toml_edit::Value::from(text).to_string().trim().to_string()
}

/// A text-or-list value: one item as a text, more as a list (one per line when long).
fn list(items: &[String]) -> String {
    match items {
        [] => "\"\"".into(),
        [one] => s(one),
        many if many.iter().map(|i| i.len() + 4).sum::<usize>() > 80 => {
            let mut out = String::from("[\n");
            for i in many {
                out += &format!("  {},\n", s(i));
            }
            out + "]"
        }
        many => format!(
            "[{}]",
            many.iter().map(|i| s(i)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// What every SOP of the file shares, for katalog.toml.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bersama {
    /// Kop lines.
    pub instansi: Vec<String>,
    /// Unit.
    pub unit: String,
    /// Signer: jabatan, nama, pangkat, NIP.
    pub pengesahan: [String; 4],
}

impl Bersama {
    /// What all of `sops` share; `None` when they differ (each SOP then keeps its own).
    pub fn of(sops: &[Temuan]) -> Option<Self> {
        let first = sops.first()?;
        let b = Self {
            instansi: first.instansi.clone(),
            unit: first.unit.clone(),
            pengesahan: first.pengesahan.clone(),
        };
        sops.iter()
            .all(|t| t.instansi == b.instansi && t.unit == b.unit && t.pengesahan == b.pengesahan)
            .then_some(b)
    }

    fn sections(&self) -> String {
        let mut out = String::from("[instansi]\n");
        out += &format!("baris = {}\n", list(&self.instansi));
        if !self.unit.is_empty() {
            out += &format!("unit = {}\n", s(&self.unit));
        }
        out += "\n[pengesahan]\n";
        for (key, v) in ["jabatan", "nama", "pangkat", "nip"]
            .iter()
            .zip(&self.pengesahan)
        {
            if !v.is_empty() {
                out += &format!("{key} = {}\n", s(v));
            }
        }
        out
    }

    /// The katalog.toml text.
    pub fn katalog(&self, source: &str) -> String {
        let source = komentar(source);
        format!(
            "# Katalog yang diimpor dari {source} oleh `sopan impor`.\n\
             # Semua SOP di folder ini mewarisi kop dan penanda tangan di bawah.\n\
             # Tambahkan logo = \"logo.png\" di [instansi] dan ttd di [pengesahan] bila ada.\n\n\
             [katalog]\njudul = \"Standar Operasional Prosedur\"\n\n{}",
            self.sections()
        )
    }
}

/// One SOP file's text, and the guesses it holds (one line each, for the summary).
pub fn sop(t: &Temuan, source: &str, shared: Option<&Bersama>) -> (String, Vec<String>) {
    let source = komentar(source);
    let mut out = format!("# Diimpor dari {source} oleh `sopan impor`.\n");
    let mut guesses = Vec::new();
    out += &format!("nomor = {}\nnama = {}\n", s(&t.nomor), s(&t.nama));
    for (key, text) in ["tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif"]
        .iter()
        .zip(&t.tanggal)
    {
        match tanggal(text) {
            Some(d) => out += &format!("{key} = {d}\n"),
            None if text.trim().is_empty() || text.trim() == "-" => {
                out += &format!("{key} = \"\"\n");
            }
            None => {
                let why = format!(
                    "tanggal \"{}\" tidak terbaca sebagai tanggal",
                    komentar(text)
                );
                out += &format!("{PERIKSA} {why}\n{key} = {}\n", s(text));
                guesses.push(why);
            }
        }
    }
    // In force only when the source shows it signed: signer's name, NIP and the date.
    let signed = !t.pengesahan[1].is_empty()
        && !t.pengesahan[3].is_empty()
        && tanggal(&t.tanggal[2]).is_some();
    if signed {
        out += "status = \"berlaku\"\n\n";
    } else {
        let why = "status konsep: di berkas asal belum ada nama atau NIP penanda tangan, \
                   atau tanggal efektif"
            .to_string();
        out += &format!("{PERIKSA} {why}\nstatus = \"konsep\"\n\n");
        guesses.push(why);
    }
    for key in grid::KOTAK.iter().map(|k| k.kunci) {
        let items = t
            .grid
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if !items.is_empty() {
            out += &format!("{key} = {}\n", list(&items));
        }
    }
    let several = t.alur.len() > 1;
    for (p, alur) in t.alur.iter().enumerate() {
        let (table, prefix) = if several {
            out += &format!(
                "\n[[prosedur]]\njudul = {}\npelaksana = {}\n",
                s(&alur.judul),
                list(&alur.pelaksana)
            );
            ("[[prosedur.langkah]]", format!("sub-prosedur {}, ", p + 1))
        } else {
            out += &format!("\npelaksana = {}\n", list(&alur.pelaksana));
            ("[[langkah]]", String::new())
        };
        steps(&mut out, &mut guesses, alur, table, &prefix);
    }
    if shared.is_none() {
        // Tables come after every top-level key (and after the steps).
        let own = Bersama {
            instansi: t.instansi.clone(),
            unit: t.unit.clone(),
            pengesahan: t.pengesahan.clone(),
        };
        out += "\n";
        out += &own.sections();
    }
    (out, guesses)
}

/// Writes the steps of one flow table as `table` entries (`[[langkah]]` or
/// `[[prosedur.langkah]]`); guesses are named with `prefix` (the sub-procedure).
fn steps(out: &mut String, guesses: &mut Vec<String>, alur: &Alur, table: &str, prefix: &str) {
    for (i, step) in alur.langkah.iter().enumerate() {
        *out += &format!("\n{table}\n");
        *out += &format!("kegiatan = {}\n", s(&step.kegiatan));
        if step.pelaksana_ditebak {
            let why = format!(
                "{prefix}pelaksana langkah {} ditebak dari teks kegiatan",
                i + 1
            );
            *out += &format!("{PERIKSA} {why}\n");
            guesses.push(why);
        }
        *out += &format!("pelaksana = {}\n", list(&step.pelaksana));
        for (key, v) in ["kelengkapan", "waktu", "output", "keterangan"]
            .iter()
            .zip(&step.mutu)
        {
            if !v.is_empty() {
                let v = if *key == "waktu" {
                    vec![v.join(" ")]
                } else {
                    v.clone()
                };
                *out += &format!("{key} = {}\n", list(&v));
            }
        }
        if let Some((j, why)) = &step.tidak {
            match why {
                None => *out += &format!("keputusan = {{ tidak = {} }}\n", j + 1),
                Some(why) => {
                    let kind = if step.bentuk == Some(Bentuk::Keputusan) {
                        "belah ketupat di berkas asal"
                    } else {
                        "kata di teks kegiatan"
                    };
                    let line = format!(
                        "{prefix}langkah {} keputusan (dari {kind}); \"Tidak\" ke langkah {}: {why}",
                        i + 1,
                        j + 1
                    );
                    let line = komentar(&line);
                    *out += &format!("{PERIKSA} {line}\nkeputusan = {{ tidak = {} }}\n", j + 1);
                    guesses.push(line);
                }
            }
        }
    }
}

/// A file name for an SOP: its nama in lower case, words joined by "-".
pub fn nama_berkas(nama: &str, nomor: &str) -> String {
    let base = if nama.trim().is_empty() { nomor } else { nama };
    let mut out = String::new();
    for c in base.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(60).collect();
    out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "sop".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_dates_become_toml_dates() {
        assert_eq!(tanggal("23 Januari 2024").as_deref(), Some("2024-01-23"));
        assert_eq!(tanggal("1 agustus 2023").as_deref(), Some("2023-08-01"));
        assert_eq!(tanggal("30-08-2023").as_deref(), Some("2023-08-30"));
        assert_eq!(tanggal("2024-01-23").as_deref(), Some("2024-01-23"));
        assert_eq!(tanggal("-"), None);
        assert_eq!(tanggal("besok"), None);
        assert_eq!(tanggal("31-02-2024"), None);
        assert_eq!(tanggal("29 Februari 2024").as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn an_sop_with_its_own_kop_keeps_its_keys_at_the_top() {
        use crate::impor::baca::{Alur, Langkah};
        let t = Temuan {
            nomor: "1".into(),
            nama: "A".into(),
            instansi: vec!["PEMERINTAH\u{1}X".into()],
            pengesahan: ["Kepala".into(), "B".into(), String::new(), "1".into()],
            alur: vec![Alur {
                judul: String::new(),
                pelaksana: vec!["Kasubbag".into()],
                langkah: vec![Langkah {
                    kegiatan: "Menyusun".into(),
                    pelaksana: vec!["Kasubbag".into()],
                    ..Langkah::default()
                }],
            }],
            ..Temuan::default()
        };
        let (text, _) = sop(&t, "buku\nlama.docx", None);
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(doc["pelaksana"].as_str(), Some("Kasubbag"), "{text}");
        assert_eq!(doc["pengesahan"]["nama"].as_str(), Some("B"));
        assert!(text.starts_with("# Diimpor dari buku?lama.docx"), "{text}");
    }

    #[test]
    fn file_names_come_from_the_nama() {
        assert_eq!(nama_berkas("PENYUSUNAN LAKIP", "x"), "penyusunan-lakip");
        assert_eq!(
            nama_berkas("Mekanisme (SK) Tim/Kerja", "x"),
            "mekanisme-sk-tim-kerja"
        );
        assert_eq!(nama_berkas("", "800/1/2024"), "800-1-2024");
    }
}
