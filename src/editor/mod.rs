//! The form editor of the preview: an SOP file read into a [`Form`], written back with
//! only what changed ([`apply`]), and diagnostics placed beside the fields they concern
//! ([`fields`]). The TOML file stays the one source of truth.

pub mod akun;
pub mod apply;
pub mod fields;
pub mod folder;
pub mod form;
pub mod gabung;
pub mod kata;
pub mod riwayat;
pub mod simpan;

pub use form::Form;

use toml_edit::DocumentMut;

/// Reads the form out of an SOP file's text; `None` when the text is not TOML (the
/// editor then sends the clerk to the diagnostics).
pub fn read(text: &str) -> Option<Form> {
    text.parse::<DocumentMut>().ok().map(|doc| Form::read(&doc))
}

/// The SOP file's text with `form` written into it; `None` when `text` is not TOML.
pub fn write(text: &str, form: &Form) -> Option<String> {
    let mut doc = text.parse::<DocumentMut>().ok()?;
    apply::apply(&mut doc, form);
    Some(doc.to_string())
}

/// The text of a katalog.toml (or SOP file) with the kop and signer values `kop` (keys
/// of [`form::KOP`]) written into its `[instansi]` and `[pengesahan]` tables, touching
/// only what changed; `None` when `text` is not TOML.
pub fn tulis_kop(
    text: &str,
    kop: &std::collections::BTreeMap<String, Vec<String>>,
) -> Option<String> {
    let mut doc = text.parse::<DocumentMut>().ok()?;
    apply::set_kop(doc.as_table_mut(), kop);
    Some(doc.to_string())
}

/// The text of a new SOP named `nama`: every other field the form shows, empty, status
/// konsep.
pub fn sop_baru(today: &str, nama: &str) -> String {
    // A TOML basic string: the name is data, quoted and escaped by toml_edit.
    let nama = toml_edit::Value::from(nama.trim()).to_string();
    let grid: String = crate::grid::KOTAK
        .iter()
        .map(|k| format!("{} = []\n", k.kunci))
        .collect();
    format!(
        "# SOP baru, dibuat dari formulir pratinjau sopan.\n\
         nomor = \"\"\n\
         nama = {nama}\n\
         tanggal_pembuatan = {today}\n\
         status = \"konsep\"\n\
         \n\
         {grid}\
         \n\
         pelaksana = []\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let files = crate::source::sop_files(&root).expect("examples");
        assert!(files.len() >= 10, "{files:?}");
        files
    }

    #[test]
    fn every_example_saved_unchanged_is_the_same_file() {
        for path in examples() {
            let text = std::fs::read_to_string(&path).unwrap();
            let form = read(&text).unwrap();
            assert_eq!(write(&text, &form).unwrap(), text, "{}", path.display());
            // Through JSON, as the browser sends it back.
            let json = serde_json::to_string(&form).unwrap();
            let back: Form = serde_json::from_str(&json).unwrap();
            assert_eq!(write(&text, &back).unwrap(), text, "{}", path.display());
        }
    }

    const SOP: &str = r#"# kepala berkas
nomor = "1/SOP/2024"
nama = "CONTOH"
tanggal_pembuatan = 2024-01-23
pelaksana = ["Kasubbag", "Sekretaris"]

[[langkah]]
id = "susun"
kegiatan = "Menyusun konsep"   # komentar kegiatan
pelaksana = "Kasubbag"

# komentar langkah 2
[[langkah]]
kegiatan = "Memeriksa konsep"
pelaksana = "Sekretaris"
keputusan = { tidak = "susun" }    # kembali

[[langkah]]
kegiatan = "Mengirim"
pelaksana = "Kasubbag"
"#;

    #[test]
    fn a_change_touches_only_its_field() {
        let mut form = read(SOP).unwrap();
        form.langkah[1]
            .teks
            .insert("kegiatan".into(), "Memeriksa dan memaraf".into());
        form.identitas
            .insert("tanggal_efektif".into(), "2024-02-01".into());
        let out = write(SOP, &form).unwrap();
        assert_eq!(
            out,
            SOP.replace("Memeriksa konsep", "Memeriksa dan memaraf")
                .replace(
                    "pelaksana = [\"Kasubbag\", \"Sekretaris\"]\n",
                    "pelaksana = [\"Kasubbag\", \"Sekretaris\"]\ntanggal_efektif = 2024-02-01\n"
                )
        );
    }

    #[test]
    fn renaming_a_pelaksana_and_moving_steps_keeps_comments() {
        let mut form = read(SOP).unwrap();
        form.pelaksana[0] = "Kasubbag Umum".into();
        for step in &mut form.langkah {
            for name in step.daftar.get_mut("pelaksana").unwrap() {
                if name == "Kasubbag" {
                    *name = "Kasubbag Umum".into();
                }
            }
        }
        form.langkah.swap(1, 2);
        form.langkah[2].keputusan.as_mut().unwrap().ya = "selesai".into();
        let out = write(SOP, &form).unwrap();
        assert!(out.contains("# komentar kegiatan"), "{out}");
        assert!(out.contains("# kembali"), "{out}");
        let moved = out.find("Mengirim").unwrap();
        let comment = out.find("# komentar langkah 2").unwrap();
        assert!(moved < comment, "{out}");
        assert!(
            out.contains("{ tidak = \"susun\", ya = \"selesai\" }"),
            "{out}"
        );
        assert!(!out.contains("\"Kasubbag\""), "{out}");
        let again = read(&out).unwrap();
        assert_eq!(again.langkah[1].teks("kegiatan"), "Mengirim");
        assert_eq!(again.pelaksana, ["Kasubbag Umum", "Sekretaris"]);
    }

    #[test]
    fn new_steps_and_lists_are_written_plainly() {
        let mut form = read(SOP).unwrap();
        let mut step = form::Langkah::default();
        step.teks.insert("kegiatan".into(), "Mengarsipkan".into());
        step.daftar
            .insert("pelaksana".into(), vec!["Kasubbag".into()]);
        step.daftar
            .insert("output".into(), vec!["Arsip".into(), "Tanda terima".into()]);
        step.keputusan = Some(form::Keputusan {
            ya: String::new(),
            tidak: "2".into(),
        });
        form.langkah.push(step);
        form.grid.insert(
            "dasar_hukum".into(),
            vec![
                "Undang-Undang Nomor 30 Tahun 2014 tentang Administrasi Pemerintahan".into(),
                "Peraturan Menteri PANRB Nomor 35 Tahun 2012".into(),
            ],
        );
        let out = write(SOP, &form).unwrap();
        assert!(out.ends_with(
            "\n[[langkah]]\nkegiatan = \"Mengarsipkan\"\npelaksana = \"Kasubbag\"\noutput = [\"Arsip\", \"Tanda terima\"]\nkeputusan = { tidak = 2 }\n"
        ), "{out}");
        assert!(out.contains("dasar_hukum = [\n  \"Undang-Undang"), "{out}");
        assert_eq!(read(&out).unwrap().langkah.len(), 4);
    }

    #[test]
    fn a_form_with_sub_procedures_drops_the_single_table() {
        let mut form = read(SOP).unwrap();
        let steps = std::mem::take(&mut form.langkah);
        form.prosedur.push(form::Prosedur {
            asal: None,
            judul: "Tahap satu".into(),
            pelaksana: std::mem::take(&mut form.pelaksana),
            langkah: steps
                .into_iter()
                .map(|l| form::Langkah { asal: None, ..l })
                .collect(),
        });
        let out = write(SOP, &form).unwrap();
        let doc: toml::Table = toml::from_str(&out).unwrap();
        assert!(
            doc.get("pelaksana").is_none() && doc.get("langkah").is_none(),
            "{out}"
        );
        let p = doc["prosedur"].as_array().unwrap();
        assert_eq!(p[0]["langkah"].as_array().unwrap().len(), 3, "{out}");
        assert_eq!(read(&out).unwrap().prosedur[0].judul, "Tahap satu");
    }

    #[test]
    fn a_signer_typed_in_the_form_is_written_into_the_sops_own_table() {
        let mut form = read(SOP).unwrap();
        assert!(form.kop("pengesahan.nama").is_empty());
        form.kop
            .insert("pengesahan.nama".into(), vec!["Drs. BUDI".into()]);
        form.kop.insert(
            "instansi.baris".into(),
            vec!["PEMERINTAH KOTA".into(), "DINAS CONTOH".into()],
        );
        let out = write(SOP, &form).unwrap();
        // The new tables come after the keys at the top and before the steps.
        let signer = out.find("[pengesahan]\nnama = \"Drs. BUDI\"").expect(&out);
        let kop = out.find("[instansi]\nbaris = [").expect(&out);
        let steps = out.find("[[langkah]]").unwrap();
        assert!(signer < steps && kop < steps, "{out}");
        assert!(out.contains("# Diisi dari formulir"), "{out}");
        assert!(out.contains("# komentar kegiatan"), "{out}");
        let again = read(&out).unwrap();
        assert_eq!(again.kop("pengesahan.nama"), ["Drs. BUDI"]);
        assert_eq!(again.kop("instansi.baris").len(), 2);
        // Emptied, the value is inherited again; the table's header and comment stay.
        let mut cleared = again.clone();
        cleared.kop.insert("pengesahan.nama".into(), Vec::new());
        let out2 = write(&out, &cleared).unwrap();
        assert!(!out2.contains("Drs. BUDI"), "{out2}");
        assert!(out2.contains("[pengesahan]"), "{out2}");
        // A form without kop values (an older page) leaves them alone.
        let mut none = again.clone();
        none.kop.clear();
        assert_eq!(write(&out, &none).unwrap(), out);
    }

    #[test]
    fn an_inline_signer_table_is_changed_in_place() {
        let text = SOP.replace(
            "pelaksana = [\"Kasubbag\", \"Sekretaris\"]\n",
            "pelaksana = [\"Kasubbag\", \"Sekretaris\"]\npengesahan = { nama = \"A\", nip = \"1\" } # penanda\n",
        );
        let mut form = read(&text).unwrap();
        assert_eq!(form.kop("pengesahan.nama"), ["A"]);
        form.kop.insert("pengesahan.nama".into(), vec!["B".into()]);
        let out = write(&text, &form).unwrap();
        assert!(
            out.contains("pengesahan = { nama = \"B\", nip = \"1\" } # penanda"),
            "{out}"
        );
    }

    #[test]
    fn diagnostics_find_their_field() {
        let places = fields::places(SOP);
        let at = |needle: &str| SOP.find(needle).unwrap();
        assert_eq!(fields::field_at(&places, at("\"CONTOH\"")), Some("nama"));
        assert_eq!(
            fields::field_at(&places, at("\"Memeriksa konsep\"")),
            Some("langkah.1.kegiatan")
        );
        assert_eq!(
            fields::field_at(&places, at("\"susun\" }")),
            Some("langkah.1.keputusan.tidak")
        );
        assert_eq!(
            fields::field_at(&places, at("[[langkah]]\nkegiatan = \"Mengirim")),
            Some("langkah.2")
        );
    }
}
