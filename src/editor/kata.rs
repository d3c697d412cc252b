//! A diagnostic in the form's words: the field named as the form labels it ("Nomor
//! SOP", "Pelaksana langkah 4") and what to do in the form ("Isi Nomor SOP", "Pilih
//! pelaksana langkah 4"), never the file's syntax (`[[langkah]]`, quotes, line
//! numbers). `sopan check` keeps its own file:line messages; this is only how the form
//! says them.
//!
//! The validator's messages are matched by their fixed wording; the tests below run
//! the validator on drafts and hold each wording to its form words, so a changed
//! message fails here instead of reaching a clerk in TOML words.

use serde::Serialize;

/// What the form shows beside a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kata {
    /// The message in the form's words, one or two short sentences.
    pub teks: String,
    /// Whether it says only that the field is still empty: the form lists such a
    /// field quietly ("masih perlu diisi") until the clerk has touched it.
    pub kosong: bool,
    /// The form field where the clerk fixes it, when that is not the field the file
    /// places it at (the steps list for "two steps are needed").
    pub jalur: Option<String>,
}

/// The form field `jalur` (`nomor`, `langkah.2.kegiatan`, `pengesahan.nip`) as the form
/// labels it ("Kegiatan langkah 3"); "" when the form has no such field.
pub fn nama_bidang(jalur: &str) -> String {
    Bidang::baca(jalur).label()
}

/// The form's words for a diagnostic whose main sentence is `message`, about the form
/// field `jalur` (as [`super::fields`] names it), if any.
pub fn untuk(jalur: Option<&str>, message: &str) -> Kata {
    let field = jalur.map(Bidang::baca);
    let label = field.as_ref().map_or_else(String::new, Bidang::label);
    let step = field.as_ref().and_then(|f| f.langkah).map(|n| n + 1);
    let kosong = |teks: String| Kata {
        teks,
        kosong: true,
        jalur: None,
    };
    let isi = |teks: String| Kata {
        teks,
        kosong: false,
        jalur: None,
    };
    // The steps list of the field's flow table: `langkah` or `prosedur.N.langkah`.
    let steps = || {
        Some(match field.as_ref().and_then(|f| f.prosedur) {
            Some(p) => format!("prosedur.{p}.langkah"),
            None => "langkah".to_string(),
        })
    };
    let quoted = first_quoted(message);
    if message.ends_with("tidak boleh kosong") || message.starts_with("kunci wajib") {
        return kosong(match field.as_ref().map(|f| f.isian.as_str()) {
            Some("pelaksana") if step.is_some() => {
                format!("Pilih pelaksana langkah {}.", step.unwrap_or(1))
            }
            Some("pelaksana") => {
                "Tambahkan pelaksana: satu kolom diagram untuk setiap pelaksana.".into()
            }
            _ if label.is_empty() => format!("Isi {}.", quoted.unwrap_or("isian ini")),
            _ => format!("Isi {label}."),
        });
    }
    if message.starts_with("daftar pelaksana kosong") {
        return kosong("Tambahkan pelaksana: satu kolom diagram untuk setiap pelaksana.".into());
    }
    if message == "pelaksana \"\" tidak ada di daftar pelaksana" {
        return kosong(format!("Pilih pelaksana langkah {}.", step.unwrap_or(1)));
    }
    if message.starts_with("prosedur memerlukan sedikitnya dua langkah") {
        return Kata {
            jalur: steps(),
            ..kosong("Tambahkan langkah: sebuah SOP memerlukan sedikitnya dua langkah.".into())
        };
    }
    if message.starts_with("keputusan tanpa arah") {
        return kosong(format!(
            "Pilih ke mana langkah {} menuju jika Tidak.",
            step.unwrap_or(1)
        ));
    }
    if message.starts_with("pelaksana \"") && message.ends_with("tidak ada di daftar pelaksana") {
        return isi(format!(
            "Pilih pelaksana langkah {} dari daftar: \"{}\" tidak ada di daftar pelaksana.",
            step.unwrap_or(1),
            quoted.unwrap_or_default()
        ));
    }
    if message.starts_with("pelaksana \"")
        && message.ends_with("tidak dipakai oleh langkah mana pun")
    {
        return isi(format!(
            "Pelaksana \"{}\" belum dipakai langkah mana pun: pilih di sebuah langkah, atau hapus.",
            quoted.unwrap_or_default()
        ));
    }
    if (message.starts_with("langkah ") && message.ends_with(" tidak ada"))
        || message.starts_with("tidak ada langkah dengan id")
    {
        return isi(format!(
            "Pilih tujuan dari daftar{}: langkah yang dituju tidak ada.",
            on(&label)
        ));
    }
    if message.starts_with("langkah tidak boleh melompat ke dirinya sendiri") {
        return isi(format!(
            "Pilih tujuan lain{}: sebuah langkah tidak boleh menuju dirinya sendiri.",
            on(&label)
        ));
    }
    if message.starts_with("tanggal \"") && message.ends_with("tidak terbaca") {
        return isi(format!(
            "Pilih {} dari kalender, atau tulis seperti 23-01-2024.",
            if label.is_empty() { "tanggal" } else { &label }
        ));
    }
    if message.starts_with("SOP berstatus berlaku belum lengkap pengesahannya") {
        return isi(
            "Status Berlaku memerlukan tanggal efektif serta nama dan NIP penanda tangan \
             (isi di bagian Kop dan penanda tangan). Pilih Konsep selama SOP belum disahkan, \
             lalu Ajukan agar disahkan."
                .into(),
        );
    }
    if message.starts_with("diganti_oleh hanya dipakai bersama") {
        return isi("Kosongkan Diganti oleh, atau pilih status Diganti.".into());
    }
    if message.starts_with("waktu langkah") {
        return isi(format!(
            "Tulis waktu langkah {} seperti \"15 Menit\", \"2 Jam\" atau \"1 Hari\", agar Norma Waktu dihitung.",
            step.unwrap_or(1)
        ));
    }
    if message.ends_with("tidak pernah dicapai dari langkah 1") {
        return isi(format!(
            "Langkah {} tidak pernah dicapai: periksa tujuan \"Lalu ke\" dan \"Jika Ya/Tidak\" langkah sebelumnya.",
            step.unwrap_or(1)
        ));
    }
    if message.starts_with("id \"") && message.contains("lebih dari sekali") {
        return isi(format!(
            "Nama pendek \"{}\" dipakai dua langkah: beri nama lain.",
            quoted.unwrap_or_default()
        ));
    }
    if message.starts_with("huruf ") || message.starts_with("karakter kendali") {
        return isi(format!(
            "{}: hapus atau ganti huruf itu{}.",
            capitalise(message),
            on(&label)
        ));
    }
    isi(plain(message, &label))
}

/// " pada Kegiatan langkah 4", or nothing.
fn on(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!(" pada {label}")
    }
}

/// The first text between straight quotes.
fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find('"')? + 1;
    let len = message[start..].find('"')?;
    Some(&message[start..start + len])
}

fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Any other message, without the file's syntax: the field named by its label.
fn plain(message: &str, label: &str) -> String {
    let text = message
        .replace("[[langkah]]", "langkah")
        .replace("[[prosedur]]", "sub-prosedur")
        .replace('`', "");
    let text = capitalise(&text);
    if label.is_empty() {
        format!("{text}.")
    } else {
        format!("{label}: {text}.")
    }
}

/// A form field, from its path (`prosedur.1.langkah.3.kegiatan`).
#[derive(Debug, Default)]
struct Bidang {
    /// The sub-procedure, counted from 0.
    prosedur: Option<usize>,
    /// The step, counted from 0.
    langkah: Option<usize>,
    /// The field inside them (`kegiatan`, `keputusan.tidak`, `nomor`, `pelaksana`).
    isian: String,
}

impl Bidang {
    fn baca(jalur: &str) -> Self {
        let mut out = Bidang::default();
        let mut parts = jalur.split('.').peekable();
        let mut rest = Vec::new();
        while let Some(p) = parts.next() {
            let n = parts.peek().and_then(|n| n.parse::<usize>().ok());
            match (p, n) {
                ("prosedur", Some(n)) => {
                    out.prosedur = Some(n);
                    parts.next();
                }
                ("langkah", Some(n)) => {
                    out.langkah = Some(n);
                    parts.next();
                }
                _ => rest.push(p),
            }
        }
        out.isian = rest.join(".");
        out
    }

    /// The field as the form labels it.
    fn label(&self) -> String {
        let di_prosedur = |s: String| match self.prosedur {
            Some(p) if self.langkah.is_none() => format!("{s} sub-prosedur {}", p + 1),
            _ => s,
        };
        if let Some(n) = self.langkah {
            let n = n + 1;
            return match self.isian.as_str() {
                "" => format!("Langkah {n}"),
                "kegiatan" => format!("Kegiatan langkah {n}"),
                "pelaksana" => format!("Pelaksana langkah {n}"),
                "waktu" => format!("Waktu langkah {n}"),
                "kelengkapan" => format!("Kelengkapan langkah {n}"),
                "output" => format!("Output langkah {n}"),
                "keterangan" => format!("Keterangan langkah {n}"),
                "id" => format!("Nama pendek langkah {n}"),
                "lanjut" => format!("\"Lalu ke\" langkah {n}"),
                "keputusan.ya" => format!("\"Jika Ya, ke\" langkah {n}"),
                "keputusan" | "keputusan.tidak" => format!("\"Jika Tidak, ke\" langkah {n}"),
                other => format!("{other} langkah {n}"),
            };
        }
        let nama = match self.isian.as_str() {
            "nomor" => "Nomor SOP".to_string(),
            "nama" => "Nama SOP".to_string(),
            "tanggal_pembuatan" => "Tanggal pembuatan".to_string(),
            "tanggal_revisi" => "Tanggal revisi".to_string(),
            "tanggal_efektif" => "Tanggal efektif".to_string(),
            "status" => "Status".to_string(),
            "diganti_oleh" => "Diganti oleh".to_string(),
            "pelaksana" => "Daftar pelaksana".to_string(),
            "judul" => "Judul".to_string(),
            "instansi.baris" => "Baris kop".to_string(),
            "instansi.unit" => "Unit kerja".to_string(),
            "instansi.logo" => "Logo".to_string(),
            "pengesahan.jabatan" => "Jabatan penanda tangan".to_string(),
            "pengesahan.nama" => "Nama penanda tangan".to_string(),
            "pengesahan.pangkat" => "Pangkat/golongan penanda tangan".to_string(),
            "pengesahan.nip" => "NIP penanda tangan".to_string(),
            "pengesahan.ttd" => "Gambar tanda tangan".to_string(),
            other => crate::grid::kotak(other).map_or_else(String::new, |k| k.nama.to_string()),
        };
        if nama.is_empty() {
            nama
        } else {
            di_prosedur(nama)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::fields;
    use crate::pipeline::{self, Settings};

    /// The form words of every diagnostic of `text`, as the draft would show them.
    fn words(text: &str) -> Vec<(Option<String>, Kata)> {
        let dir = std::env::temp_dir().join(format!("sopan-kata-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("sop.toml");
        std::fs::write(&path, text).unwrap();
        let (_, notes) = pipeline::load_draft(&path, text.to_string(), &Settings::default());
        let places = fields::places(text);
        notes
            .iter()
            .map(|n| {
                let jalur =
                    n.at.and_then(|at| fields::field_at(&places, at))
                        .map(String::from);
                let kata = untuk(jalur.as_deref(), &n.message);
                (jalur, kata)
            })
            .collect()
    }

    fn texts(text: &str) -> Vec<String> {
        words(text).into_iter().map(|(_, k)| k.teks).collect()
    }

    #[test]
    fn a_new_empty_sop_says_only_what_is_still_to_fill_in() {
        let got = words(&crate::editor::sop_baru("2026-12-07", ""));
        assert!(!got.is_empty());
        for (jalur, kata) in &got {
            assert!(kata.kosong, "{jalur:?}: {kata:?}");
            for toml in ["[[", "\"nomor\"", "kunci", "baris", "toml"] {
                assert!(!kata.teks.contains(toml), "{kata:?}");
            }
        }
        let all: Vec<&str> = got.iter().map(|(_, k)| k.teks.as_str()).collect();
        assert!(all.contains(&"Isi Nomor SOP."), "{all:?}");
    }

    const DUA: &str = "nomor = \"1/SOP\"\nnama = \"UJI\"\npelaksana = [\"Kasubbag\", \"Sekretaris\"]\n\n\
        [[langkah]]\nkegiatan = \"Menyusun\"\npelaksana = \"Kasubbag\"\n\n\
        [[langkah]]\nkegiatan = \"Memeriksa\"\npelaksana = \"Sekretaris\"\n";

    #[test]
    fn a_wrong_pelaksana_and_a_missing_target_are_said_in_the_forms_words() {
        let text = DUA.replacen("pelaksana = \"Sekretaris\"", "pelaksana = \"Sekretari\"", 1)
            + "keputusan = { tidak = 7 }\n";
        let got = texts(&text);
        assert!(
            got.contains(&"Pilih pelaksana langkah 2 dari daftar: \"Sekretari\" tidak ada di daftar pelaksana.".to_string()),
            "{got:?}"
        );
        assert!(
            got.iter().any(
                |t| t.starts_with("Pilih tujuan dari daftar pada \"Jika Tidak, ke\" langkah 2")
            ),
            "{got:?}"
        );
    }

    #[test]
    fn an_empty_step_pelaksana_asks_to_pick_one() {
        let text = DUA.replacen("pelaksana = \"Sekretaris\"", "pelaksana = \"\"", 1);
        let got = words(&text);
        assert!(
            got.iter()
                .any(|(_, k)| k.teks == "Pilih pelaksana langkah 2." && k.kosong),
            "{got:?}"
        );
    }

    #[test]
    fn dates_status_and_waktu_speak_of_the_form() {
        let text = DUA.replace(
            "nama = \"UJI\"",
            "nama = \"UJI\"\ntanggal_efektif = \"bulan depan\"\nstatus = \"berlaku\"",
        ) + "waktu = \"sebentar\"\n";
        let got = texts(&text);
        for want in [
            "Pilih Tanggal efektif dari kalender, atau tulis seperti 23-01-2024.",
            "Tulis waktu langkah 2 seperti \"15 Menit\", \"2 Jam\" atau \"1 Hari\", agar Norma Waktu dihitung.",
        ] {
            assert!(got.contains(&want.to_string()), "{want}\n{got:?}");
        }
        for t in &got {
            assert!(!t.contains("[[") && !t.contains("toml"), "{t}");
        }
    }

    #[test]
    fn field_paths_name_the_fields_as_the_form_labels_them() {
        let label = |j: &str| Bidang::baca(j).label();
        assert_eq!(label("nomor"), "Nomor SOP");
        assert_eq!(label("dasar_hukum"), "Dasar Hukum");
        assert_eq!(label("langkah.3.kegiatan"), "Kegiatan langkah 4");
        assert_eq!(
            label("prosedur.1.langkah.0.keputusan.tidak"),
            "\"Jika Tidak, ke\" langkah 1"
        );
        assert_eq!(
            label("prosedur.1.pelaksana"),
            "Daftar pelaksana sub-prosedur 2"
        );
    }
}
