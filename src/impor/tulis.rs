//! Writing what was found as sopan files: one SOP file each, and a katalog.toml with
//! what they share (kop lines, unit, logo, signer). Every guess gets a `# periksa:`
//! comment above the key it concerns, and so does every box that was not found and
//! everything seen but not placed, for `sopan check --review` to list until someone
//! deletes it.

use super::kenali::{Alur, Asal, Temuan};
use crate::grid;
use crate::model::Tanggal;
use crate::model::Ukuran;

/// Written into an SOP with `# periksa:` notes: it prints as a draft until they are done.
pub const KONSEP_SAMPAI_DIPERIKSA: &str = "# Konsep sampai setiap catatan \"# periksa:\" selesai diperiksa; \
     hapus baris status ini sesudahnya.\nstatus = \"konsep\"\n";

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
pub fn komentar(text: &str) -> String {
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
        [] => "[]".into(),
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
    /// The logo's file name, next to katalog.toml.
    pub logo: Option<String>,
    /// Signer: jabatan, nama, pangkat, NIP.
    pub pengesahan: [String; 4],
}

impl Bersama {
    /// What an SOP has of its own, with its logo saved as `logo`.
    pub fn of_sop(t: &Temuan, logo: Option<String>) -> Self {
        Self {
            instansi: t.instansi.clone(),
            unit: t.unit.clone(),
            logo,
            pengesahan: t.pengesahan.clone(),
        }
    }

    /// Whether there is nothing to write: every key inherits.
    pub fn kosong(&self) -> bool {
        self.sections().is_empty()
    }

    /// The `[instansi]` and `[pengesahan]` tables, with only the keys that are set.
    pub fn sections(&self) -> String {
        let mut instansi = String::new();
        if !self.instansi.is_empty() {
            instansi += &format!("baris = {}\n", list(&self.instansi));
        }
        if !self.unit.is_empty() {
            instansi += &format!("unit = {}\n", s(&self.unit));
        }
        if let Some(logo) = &self.logo {
            instansi += &format!("logo = {}\n", s(logo));
        }
        let mut pengesahan = String::new();
        for (key, v) in ["jabatan", "nama", "pangkat", "nip"]
            .iter()
            .zip(&self.pengesahan)
        {
            if !v.is_empty() {
                pengesahan += &format!("{key} = {}\n", s(v));
            }
        }
        let mut out = String::new();
        if !instansi.is_empty() {
            out += "[instansi]\n";
            out += &instansi;
        }
        if !pengesahan.is_empty() {
            if !out.is_empty() {
                out += "\n";
            }
            out += "[pengesahan]\n";
            out += &pengesahan;
        }
        out
    }

    /// The katalog.toml text: a catalogue of its own, or, inside the catalogue whose
    /// top katalog.toml is `induk`, a folder's file with what differs from it.
    pub fn katalog(&self, source: &str, induk: Option<&str>) -> String {
        let source = komentar(source);
        if let Some(induk) = induk {
            return format!(
                "# Diimpor dari {source} oleh `sopan impor`.\n\
                 # SOP di folder ini memakai kop dan penanda tangan katalog {}; yang berbeda\n\
                 # untuk folder ini ditulis di bawah.\n\n{}",
                komentar(induk),
                self.sections()
            );
        }
        let ttd = if self.logo.is_some() {
            "# Tambahkan ttd = \"ttd.png\" di [pengesahan] bila ada.\n"
        } else {
            "# Tambahkan logo = \"logo.png\" di [instansi] dan ttd di [pengesahan] bila ada.\n"
        };
        format!(
            "# Katalog yang diimpor dari {source} oleh `sopan impor`.\n\
             # Semua SOP di folder ini mewarisi kop dan penanda tangan di bawah; yang\n\
             # berbeda untuk satu SOP ditulis di berkas SOP itu.\n\
             {ttd}\n\
             [katalog]\njudul = \"Standar Operasional Prosedur\"\n\n{}",
            self.sections()
        )
    }
}

/// One SOP file's text, and the guesses it holds (one line each, for the summary).
/// `own`: the SOP's own kop and signer, written when no katalog.toml holds them.
pub fn sop(t: &Temuan, source: &str, own: Option<&Bersama>) -> (String, Vec<String>) {
    let mut out = format!("# Diimpor dari {} oleh `sopan impor`.\n", komentar(source));
    let mut guesses = Vec::new();
    let mut mark = |out: &mut String, why: String| {
        let why = komentar(&why);
        *out += &format!("{PERIKSA} {why}\n");
        guesses.push(why);
    };
    for l in &t.lewat {
        mark(&mut out, format!("tidak ditempatkan: {l}"));
    }
    out += &format!("nomor = {}\nnama = {}\n", s(&t.nomor), s(&t.nama));
    let status_at = out.len();
    for (key, found) in ["tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif"]
        .iter()
        .zip(&t.tanggal)
    {
        let text = found.teks.trim();
        if let Some(why) = &found.tebakan {
            mark(&mut out, why.clone());
        }
        match tanggal(text) {
            Some(d) => out += &format!("{key} = {d}\n"),
            None if text.is_empty() || text == "-" => {}
            None => {
                let why = match Tanggal::baca(text) {
                    Some(Tanggal::Bulan { .. }) => format!(
                        "{key}: di berkas asal hanya bulan dan tahun (\"{text}\"); tulis \
                         tanggalnya bila diketahui"
                    ),
                    _ => format!("{key}: \"{text}\" tidak terbaca sebagai tanggal"),
                };
                mark(&mut out, why);
                out += &format!("{key} = {}\n", s(text));
            }
        }
    }
    out += "\n";
    for k in grid::KOTAK {
        match t.grid.iter().find(|(key, _)| *key == k.kunci) {
            Some((_, items)) => out += &format!("{} = {}\n", k.kunci, list(items)),
            None => {
                mark(
                    &mut out,
                    format!("kotak {} tidak ditemukan di berkas asal", k.nama),
                );
                out += &format!("{} = []\n", k.kunci);
            }
        }
    }
    if t.alur.is_empty() {
        mark(
            &mut out,
            "tabel alur (No, Kegiatan, Pelaksana) tidak ditemukan di berkas asal: ketik \
             langkahnya, atau bila berkas asalnya .doc atau .xls, buka di Word atau Excel, \
             simpan sebagai .docx atau .xlsx, lalu impor berkas itu"
                .into(),
        );
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
        steps(&mut out, &mut mark, alur, table, &prefix);
    }
    if let Some(own) = own.filter(|o| !o.kosong()) {
        // Tables come after every top-level key (and after the steps).
        out += "\n";
        out += &own.sections();
    }
    kertas(&mut out, &mut mark, t.kertas);
    if !guesses.is_empty() {
        // A sheet with open doubts never prints as if it were in force.
        out.insert_str(status_at, KONSEP_SAMPAI_DIPERIKSA);
    }
    (out, guesses)
}

/// Writes `[kertas]` when the source's paper is not sopan's default (A4 landscape).
fn kertas(
    out: &mut String,
    mark: &mut dyn FnMut(&mut String, String),
    k: Option<crate::impor::dokumen::Kertas>,
) {
    let Some(k) = k else { return };
    let orientasi = if k.landscape { "landscape" } else { "portrait" };
    match k.ukuran {
        Some(Ukuran::A4) if k.landscape => {}
        Some(u) => {
            *out += &format!("\n[kertas]\nukuran = \"{u:?}\"\norientasi = \"{orientasi}\"\n");
        }
        None => {
            *out += "\n";
            mark(
                out,
                format!(
                    "kertas berkas asal {:.0} x {:.0} mm bukan A4, F4, Letter atau Legal; \
                     dicetak A4, ubah ukuran bila perlu",
                    k.mm.0, k.mm.1
                ),
            );
            *out += &format!("[kertas]\nukuran = \"A4\"\norientasi = \"{orientasi}\"\n");
        }
    }
}

/// Writes the steps of one flow table as `table` entries (`[[langkah]]` or
/// `[[prosedur.langkah]]`); guesses are named with `prefix` (the sub-procedure).
fn steps(
    out: &mut String,
    mark: &mut dyn FnMut(&mut String, String),
    alur: &Alur,
    table: &str,
    prefix: &str,
) {
    for (i, step) in alur.langkah.iter().enumerate() {
        *out += &format!("\n{table}\n");
        *out += &format!("kegiatan = {}\n", s(&step.kegiatan));
        for why in &step.ragu {
            mark(out, format!("{prefix}pelaksana langkah {}: {why}", i + 1));
        }
        if step.asal == Asal::Teks {
            mark(
                out,
                format!(
                    "{prefix}pelaksana langkah {} ditebak dari teks kegiatan",
                    i + 1
                ),
            );
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
        if let Some(why) = &step.keputusan_ragu {
            mark(out, format!("{prefix}{why}"));
        }
        if let Some((j, why)) = &step.tidak {
            let ya = step
                .ya
                .map(|y| format!(", ya = {}", y + 1))
                .unwrap_or_default();
            if let Some(why) = why {
                let kind = if step.bentuk.is_some() {
                    "belah ketupat di berkas asal"
                } else {
                    "teks kegiatan atau keterangan"
                };
                let ya_note = step
                    .ya
                    .map(|y| format!(", \"Ya\" ke langkah {}", y + 1))
                    .unwrap_or_default();
                mark(
                    out,
                    format!(
                        "{prefix}langkah {} keputusan (dari {kind}); \"Tidak\" ke langkah {}{ya_note}: {why}",
                        i + 1,
                        j + 1
                    ),
                );
            }
            *out += &format!("keputusan = {{ tidak = {}{ya} }}\n", j + 1);
        }
    }
}

/// Names Windows keeps for devices: a file named so (with any extension) cannot be
/// made there.
const NAMA_PERANGKAT: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file or folder name made from `text`: lower-case letters and digits joined by "-"
/// (letters with accents lose them; other characters, look-alikes among them, become
/// "-"), at most 60 characters, never a name Windows keeps for a device; `cadangan`
/// when nothing is left.
pub fn nama_aman(text: &str, cadangan: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        let c = tanpa_aksen(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_matches('-').chars().take(60).collect();
    out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        return cadangan.into();
    }
    if NAMA_PERANGKAT.contains(&out.as_str()) {
        out = format!("{out}-sop");
    }
    out
}

/// A Latin letter without its accent (é → e); other characters as they are.
fn tanpa_aksen(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        _ => c,
    }
}

/// A file name for an SOP: its nama (else its nomor) as [`nama_aman`] makes it.
pub fn nama_berkas(nama: &str, nomor: &str) -> String {
    let base = if nama.trim().is_empty() { nomor } else { nama };
    nama_aman(base, "sop")
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
        assert_eq!(tanggal("Agustus 2023"), None);
        assert_eq!(tanggal("29 Februari 2024").as_deref(), Some("2024-02-29"));
    }

    #[test]
    fn an_sop_with_its_own_kop_keeps_its_keys_at_the_top() {
        use crate::impor::kenali::Langkah;
        let t = Temuan {
            nomor: "1".into(),
            nama: "A".into(),
            instansi: vec!["PEMERINTAH X".into()],
            pengesahan: ["Kepala".into(), "B".into(), String::new(), "1".into()],
            alur: vec![Alur {
                judul: String::new(),
                pelaksana: vec!["Kasubbag".into()],
                langkah: vec![Langkah {
                    kegiatan: "Menyusun".into(),
                    pelaksana: vec!["Kasubbag".into()],
                    asal: Asal::Tanda,
                    ..Langkah::default()
                }],
            }],
            ..Temuan::default()
        };
        let own = Bersama::of_sop(&t, Some("logo.png".into()));
        let (text, guesses) = sop(&t, "buku\nlama.docx", Some(&own));
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(doc["pelaksana"].as_str(), Some("Kasubbag"), "{text}");
        assert_eq!(doc["pengesahan"]["nama"].as_str(), Some("B"));
        assert_eq!(doc["instansi"]["logo"].as_str(), Some("logo.png"));
        assert!(text.starts_with("# Diimpor dari buku?lama.docx"), "{text}");
        // Every box not found is marked, and written empty.
        assert_eq!(guesses.len(), grid::KOTAK.len(), "{guesses:?}");
        assert_eq!(doc["dasar_hukum"].as_array().map(Vec::len), Some(0));
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

    #[test]
    fn windows_device_names_and_look_alikes_never_become_file_names() {
        for name in ["CON", "nul", "Com1", "lpt9", "AUX"] {
            let got = nama_berkas(name, "");
            assert!(!NAMA_PERANGKAT.contains(&got.as_str()), "{name} -> {got}");
            assert!(got.ends_with("-sop"), "{got}");
        }
        // Full-width and Cyrillic look-alikes are no letters of a file name.
        assert_eq!(nama_berkas("ＣＯＮ", ""), "sop");
        assert_eq!(nama_berkas("Рrоsеdur", ""), "r-s-dur");
        assert_eq!(nama_aman(".", "impor"), "impor");
        assert_eq!(nama_aman("..", "impor"), "impor");
        assert_eq!(
            nama_berkas("Pengelolaan Arsip Dinamis é", ""),
            "pengelolaan-arsip-dinamis-e"
        );
    }
}
