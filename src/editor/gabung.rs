//! Three-way merge of forms: when a save is refused because the file changed elsewhere
//! since the form was loaded, the clerk's changes are put again onto the newer file.
//! A field changed on one side only takes that side; a field changed on both sides to
//! different values is a [`Bentrok`] the clerk settles by picking one value. Nothing
//! the clerk typed is dropped without that choice.
//!
//! Steps are matched across the three versions by their place in the file the form
//! was loaded from (`asal`) and, where the other side added or removed steps, by a
//! diff of the step lists. A step the other side deleted but the clerk changed (or the
//! other way round) is kept, with a [`Catatan`] saying so.

use serde::Serialize;
use serde_json::{Value, json};

use super::form::{Form, Keputusan, LANGKAH_DAFTAR, LANGKAH_TEKS, Langkah, Prosedur};

/// The result of a merge: the form to show and save, and what the clerk must settle.
#[derive(Debug, Default, Serialize)]
pub struct Gabungan {
    /// The clerk's changes on top of the file's, with every [`Bentrok`] holding the
    /// clerk's own value until they pick.
    pub form: Form,
    /// Fields changed on both sides to different values.
    pub bentrok: Vec<Bentrok>,
    /// What the clerk should know: steps kept because one side changed them while the
    /// other deleted them.
    pub catatan: Vec<String>,
}

/// One field both sides changed.
#[derive(Debug, Serialize, PartialEq)]
pub struct Bentrok {
    /// Where the field is in the form (`identitas.nama`, `langkah.3.teks.kegiatan`,
    /// `prosedur.1.pelaksana`), as the page addresses it.
    pub jalur: String,
    /// The field's name for the clerk ("Kegiatan langkah 4").
    pub nama: String,
    /// The clerk's value.
    pub saya: Value,
    /// The value in the file now.
    pub berkas: Value,
}

/// Merges `saya` (the clerk's form, loaded from `dasar`) with `berkas` (the file now).
/// `berkas` must be read from the file the result is then written into: every `asal`
/// of the result points into it.
pub fn gabung(dasar: &Form, saya: &Form, berkas: &Form) -> Gabungan {
    let mut g = Gabungan::default();
    let mut m = Merge {
        bentrok: &mut g.bentrok,
        catatan: &mut g.catatan,
    };
    g.form.identitas = m.map(
        "identitas",
        &dasar.identitas,
        &saya.identitas,
        &berkas.identitas,
        nama_identitas,
    );
    g.form.grid = m.map("grid", &dasar.grid, &saya.grid, &berkas.grid, nama_grid);
    g.form.kop = m.map(
        "kop",
        &dasar.kop,
        &saya.kop,
        &berkas.kop,
        super::kata::nama_bidang,
    );
    let same_shape = [dasar, saya, berkas]
        .iter()
        .all(|f| f.prosedur.len() == dasar.prosedur.len())
        && saya
            .prosedur
            .iter()
            .enumerate()
            .all(|(i, p)| p.asal == Some(i));
    if dasar.prosedur.is_empty() && same_shape {
        let (pelaksana, langkah) = m.flow(
            "",
            (&dasar.pelaksana, &dasar.langkah),
            (&saya.pelaksana, &saya.langkah),
            (&berkas.pelaksana, &berkas.langkah),
        );
        g.form.pelaksana = pelaksana;
        g.form.langkah = langkah;
    } else if same_shape {
        g.form.prosedur = (0..dasar.prosedur.len())
            .map(|i| {
                let (d, s, b) = (&dasar.prosedur[i], &saya.prosedur[i], &berkas.prosedur[i]);
                let prefix = format!("prosedur.{i}.");
                let judul = m.value(
                    &format!("{prefix}judul"),
                    &format!("Judul sub-prosedur {}", i + 1),
                    &d.judul,
                    &s.judul,
                    &b.judul,
                );
                let (pelaksana, langkah) = m.flow(
                    &prefix,
                    (&d.pelaksana, &d.langkah),
                    (&s.pelaksana, &s.langkah),
                    (&b.pelaksana, &b.langkah),
                );
                Prosedur {
                    asal: Some(i),
                    judul,
                    pelaksana,
                    langkah,
                }
            })
            .collect();
    } else {
        // Sub-procedures added, removed or reordered on a side: the flow is settled
        // as one piece.
        let flow = |f: &Form| json!({ "pelaksana": f.pelaksana, "langkah": f.langkah, "prosedur": f.prosedur });
        let (d, s, b) = (flow(dasar), flow(saya), flow(berkas));
        if m.value("alur", "Seluruh alur (pelaksana dan langkah)", &d, &s, &b) == b {
            g.form.pelaksana = berkas.pelaksana.clone();
            g.form.langkah = berkas.langkah.clone();
            g.form.prosedur = berkas.prosedur.clone();
        } else {
            // The clerk's flow, written as new tables: its places point into the file
            // the form was loaded from, not into the file now.
            g.form.pelaksana = saya.pelaksana.clone();
            g.form.langkah = baru(&saya.langkah);
            g.form.prosedur = saya
                .prosedur
                .iter()
                .map(|p| Prosedur {
                    asal: None,
                    langkah: baru(&p.langkah),
                    ..p.clone()
                })
                .collect();
        }
    }
    g
}

/// Steps without a place in the file: written as new tables.
fn baru(langkah: &[Langkah]) -> Vec<Langkah> {
    langkah
        .iter()
        .map(|l| Langkah {
            asal: None,
            ..l.clone()
        })
        .collect()
}

struct Merge<'a> {
    bentrok: &'a mut Vec<Bentrok>,
    catatan: &'a mut Vec<String>,
}

impl Merge<'_> {
    /// One field: the side that changed it wins; both changed differently is a
    /// [`Bentrok`], holding the clerk's value until they pick.
    fn value<T: PartialEq + Clone + Serialize>(
        &mut self,
        jalur: &str,
        nama: &str,
        dasar: &T,
        saya: &T,
        berkas: &T,
    ) -> T {
        if saya == dasar || saya == berkas {
            return berkas.clone();
        }
        if berkas != dasar {
            self.bentrok.push(Bentrok {
                jalur: jalur.to_string(),
                nama: nama.to_string(),
                saya: json!(saya),
                berkas: json!(berkas),
            });
        }
        saya.clone()
    }

    /// A map of fields, key by key.
    fn map<T: PartialEq + Clone + Serialize + Default>(
        &mut self,
        prefix: &str,
        dasar: &std::collections::BTreeMap<String, T>,
        saya: &std::collections::BTreeMap<String, T>,
        berkas: &std::collections::BTreeMap<String, T>,
        nama: fn(&str) -> String,
    ) -> std::collections::BTreeMap<String, T> {
        let keys: std::collections::BTreeSet<&String> = dasar
            .keys()
            .chain(saya.keys())
            .chain(berkas.keys())
            .collect();
        let empty = T::default();
        keys.into_iter()
            .map(|k| {
                let get =
                    |m: &std::collections::BTreeMap<String, T>| m.get(k).unwrap_or(&empty).clone();
                let v = self.value(
                    &format!("{prefix}.{k}"),
                    &nama(k),
                    &get(dasar),
                    &get(saya),
                    &get(berkas),
                );
                (k.clone(), v)
            })
            .collect()
    }

    /// A flow table: its pelaksana as one field, its steps matched and merged field by
    /// field.
    fn flow(
        &mut self,
        prefix: &str,
        dasar: (&Vec<String>, &Vec<Langkah>),
        saya: (&Vec<String>, &Vec<Langkah>),
        berkas: (&Vec<String>, &Vec<Langkah>),
    ) -> (Vec<String>, Vec<Langkah>) {
        let pelaksana = self.value(
            &format!("{prefix}pelaksana"),
            "Daftar pelaksana",
            dasar.0,
            saya.0,
            berkas.0,
        );
        let slots = slots(dasar.1, saya.1, berkas.1);
        let langkah = slots
            .into_iter()
            .enumerate()
            .filter_map(|(i, slot)| self.step(prefix, i, slot, dasar.1, berkas.1))
            .collect();
        (pelaksana, langkah)
    }

    fn step(
        &mut self,
        prefix: &str,
        i: usize,
        slot: Slot<'_>,
        dasar: &[Langkah],
        berkas: &[Langkah],
    ) -> Option<Langkah> {
        let jalur = format!("{prefix}langkah.{i}");
        let nomor = i + 1;
        Some(match slot {
            Slot::Both { d, s, b } => {
                let (d, b) = (&dasar[d], &berkas[b]);
                let mut out = Langkah {
                    asal: b.asal,
                    ..Langkah::default()
                };
                for k in LANGKAH_TEKS {
                    let v = self.value(
                        &format!("{jalur}.teks.{k}"),
                        &format!("{} langkah {nomor}", nama_langkah(k)),
                        &d.teks(k).to_string(),
                        &s.teks(k).to_string(),
                        &b.teks(k).to_string(),
                    );
                    out.teks.insert(k.to_string(), v);
                }
                for k in LANGKAH_DAFTAR {
                    let v = self.value(
                        &format!("{jalur}.daftar.{k}"),
                        &format!("{} langkah {nomor}", nama_langkah(k)),
                        &d.daftar(k).to_vec(),
                        &s.daftar(k).to_vec(),
                        &b.daftar(k).to_vec(),
                    );
                    out.daftar.insert(k.to_string(), v);
                }
                out.keputusan = self.value::<Option<Keputusan>>(
                    &format!("{jalur}.keputusan"),
                    &format!("Keputusan langkah {nomor}"),
                    &d.keputusan,
                    &s.keputusan,
                    &b.keputusan,
                );
                out.lanjut = self.value(
                    &format!("{jalur}.lanjut"),
                    &format!("Tujuan sesudah langkah {nomor}"),
                    &d.lanjut,
                    &s.lanjut,
                    &b.lanjut,
                );
                out
            }
            Slot::Saya(s) => Langkah {
                asal: None,
                ..s.clone()
            },
            Slot::Berkas(b) => berkas[b].clone(),
            Slot::DihapusBerkas { d, s } => {
                if strip(&dasar[d]) == strip(s) {
                    return None;
                }
                self.catatan.push(format!(
                    "Langkah {nomor} (\"{}\") dihapus di berkas, tetapi Anda mengubahnya; langkah itu \
                     dipertahankan. Hapus lagi bila memang tidak diperlukan.",
                    cut(s.teks("kegiatan"))
                ));
                Langkah {
                    asal: None,
                    ..s.clone()
                }
            }
            Slot::DihapusSaya { d, b } => {
                if strip(&dasar[d]) == strip(&berkas[b]) {
                    return None;
                }
                let b = &berkas[b];
                self.catatan.push(format!(
                    "Langkah {nomor} (\"{}\") Anda hapus, tetapi diubah di berkas; langkah itu \
                     dipertahankan. Hapus lagi bila memang tidak diperlukan.",
                    cut(b.teks("kegiatan"))
                ));
                b.clone()
            }
        })
    }
}

/// A step as it stands in one version, without its place (for comparing contents).
fn strip(l: &Langkah) -> Langkah {
    Langkah {
        asal: Some(0),
        ..l.clone()
    }
}

fn cut(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Where a merged step comes from.
#[derive(Debug)]
enum Slot<'a> {
    /// In all three: indexes into the base and the file, the clerk's step.
    Both { d: usize, s: &'a Langkah, b: usize },
    /// Added by the clerk.
    Saya(&'a Langkah),
    /// Added in the file (index into it).
    Berkas(usize),
    /// The clerk kept base step `d`; the file deleted it.
    DihapusBerkas { d: usize, s: &'a Langkah },
    /// The clerk deleted base step `d`; the file still has it at `b`.
    DihapusSaya { d: usize, b: usize },
}

/// The merged step list, in the clerk's order, with the file's new steps placed after
/// the step they follow in the file.
fn slots<'a>(dasar: &'a [Langkah], saya: &'a [Langkah], berkas: &'a [Langkah]) -> Vec<Slot<'a>> {
    let to_berkas = align(dasar, berkas);
    let mut kept = vec![false; dasar.len()];
    let mut out: Vec<Slot<'a>> = Vec::new();
    for s in saya {
        let Some(d) = s.asal.filter(|d| *d < dasar.len()) else {
            out.push(Slot::Saya(s));
            continue;
        };
        kept[d] = true;
        out.push(match to_berkas[d] {
            Some(b) => Slot::Both { d, s, b },
            None => Slot::DihapusBerkas { d, s },
        });
    }
    // Base steps the clerk deleted: kept only where the file changed them, at the
    // place the file has them.
    for (d, b) in to_berkas.iter().enumerate() {
        if let (false, Some(b)) = (kept[d], *b) {
            let at = position_after(&out, b);
            out.insert(at, Slot::DihapusSaya { d, b });
        }
    }
    let matched: std::collections::BTreeSet<usize> = to_berkas.iter().flatten().copied().collect();
    for b in (0..berkas.len()).filter(|b| !matched.contains(b)) {
        let at = position_after(&out, b);
        out.insert(at, Slot::Berkas(b));
    }
    out
}

/// Where a step that stands at `b` in the file goes: after the last slot that comes
/// before it in the file.
fn position_after(out: &[Slot<'_>], b: usize) -> usize {
    out.iter()
        .rposition(|slot| match slot {
            Slot::Both { b: x, .. } | Slot::Berkas(x) | Slot::DihapusSaya { b: x, .. } => *x < b,
            _ => false,
        })
        .map_or(0, |i| i + 1)
}

/// For each base step, its place in the file: by position when both have as many
/// steps, else by a diff of their kegiatan, a replaced run of equal length pairing up.
fn align(dasar: &[Langkah], berkas: &[Langkah]) -> Vec<Option<usize>> {
    if dasar.len() == berkas.len() {
        return (0..dasar.len()).map(Some).collect();
    }
    let key = |l: &Langkah| l.teks("kegiatan").to_string();
    let old: Vec<String> = dasar.iter().map(key).collect();
    let new: Vec<String> = berkas.iter().map(key).collect();
    let mut out = vec![None; dasar.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
        match op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => (0..len).for_each(|k| out[old_index + k] = Some(new_index + k)),
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } if old_len == new_len => {
                (0..old_len).for_each(|k| out[old_index + k] = Some(new_index + k));
            }
            _ => {}
        }
    }
    out
}

fn nama_identitas(key: &str) -> String {
    match key {
        "nomor" => "Nomor SOP",
        "nama" => "Nama SOP",
        "tanggal_pembuatan" => "Tanggal pembuatan",
        "tanggal_revisi" => "Tanggal revisi",
        "tanggal_efektif" => "Tanggal efektif",
        "status" => "Status",
        "diganti_oleh" => "Diganti oleh",
        other => other,
    }
    .to_string()
}

fn nama_grid(key: &str) -> String {
    crate::grid::kotak(key).map_or_else(|| key.to_string(), |k| k.nama.to_string())
}

fn nama_langkah(key: &str) -> &'static str {
    match key {
        "id" => "Nama pendek",
        "kegiatan" => "Kegiatan",
        "waktu" => "Waktu",
        "pelaksana" => "Pelaksana",
        "kelengkapan" => "Kelengkapan",
        "output" => "Output",
        "keterangan" => "Keterangan",
        _ => "Isian",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::{read, write};

    const DASAR: &str = r#"nomor = "1/SOP/2024"
nama = "CONTOH"
dasar_hukum = ["UU 1"]
pelaksana = ["Kasubbag", "Sekretaris"]

[[langkah]]
kegiatan = "Menyusun konsep"  # komentar
pelaksana = "Kasubbag"

[[langkah]]
kegiatan = "Memeriksa konsep"
pelaksana = "Sekretaris"
keputusan = { tidak = 1 }

[[langkah]]
kegiatan = "Mengarsipkan"
pelaksana = "Kasubbag"
"#;

    fn form(text: &str) -> Form {
        read(text).unwrap()
    }

    #[test]
    fn changes_to_different_fields_both_land() {
        let dasar = form(DASAR);
        let mut saya = dasar.clone();
        saya.langkah[2]
            .teks
            .insert("kegiatan".into(), "Mengarsipkan berkas".into());
        let berkas_text = DASAR.replace("nama = \"CONTOH\"", "nama = \"CONTOH BARU\"");
        let berkas = form(&berkas_text);
        let g = gabung(&dasar, &saya, &berkas);
        assert!(g.bentrok.is_empty(), "{:?}", g.bentrok);
        let text = write(&berkas_text, &g.form).unwrap();
        assert!(text.contains("nama = \"CONTOH BARU\""), "{text}");
        assert!(
            text.contains("kegiatan = \"Mengarsipkan berkas\""),
            "{text}"
        );
        assert!(text.contains("# komentar"), "{text}");
    }

    #[test]
    fn the_same_field_changed_twice_is_a_choice_holding_the_clerks_value() {
        let dasar = form(DASAR);
        let mut saya = dasar.clone();
        saya.identitas.insert("nama".into(), "PUNYA SAYA".into());
        let berkas = form(&DASAR.replace("\"CONTOH\"", "\"PUNYA BERKAS\""));
        let g = gabung(&dasar, &saya, &berkas);
        assert_eq!(
            g.bentrok,
            vec![Bentrok {
                jalur: "identitas.nama".into(),
                nama: "Nama SOP".into(),
                saya: json!("PUNYA SAYA"),
                berkas: json!("PUNYA BERKAS"),
            }]
        );
        assert_eq!(g.form.identitas("nama"), "PUNYA SAYA");
    }

    #[test]
    fn a_step_the_clerk_added_survives_a_step_edited_in_the_file() {
        let dasar = form(DASAR);
        let mut saya = dasar.clone();
        let mut baru = saya.langkah[0].clone();
        baru.asal = None;
        baru.teks
            .insert("kegiatan".into(), "Langkah baru saya".into());
        saya.langkah.insert(1, baru);
        let berkas_text = DASAR.replace("Memeriksa konsep", "Memeriksa konsep dengan teliti");
        let berkas = form(&berkas_text);
        let g = gabung(&dasar, &saya, &berkas);
        assert!(g.bentrok.is_empty(), "{:?}", g.bentrok);
        let kegiatan: Vec<&str> = g.form.langkah.iter().map(|l| l.teks("kegiatan")).collect();
        assert_eq!(
            kegiatan,
            [
                "Menyusun konsep",
                "Langkah baru saya",
                "Memeriksa konsep dengan teliti",
                "Mengarsipkan"
            ]
        );
        let text = write(&berkas_text, &g.form).unwrap();
        assert!(
            read(&text).is_some() && text.contains("# komentar"),
            "{text}"
        );
    }

    #[test]
    fn a_step_added_in_the_file_comes_in_at_its_place() {
        let dasar = form(DASAR);
        let mut saya = dasar.clone();
        saya.grid
            .insert("dasar_hukum".into(), vec!["UU 1".into(), "UU 2".into()]);
        let berkas_text = DASAR.replace(
            "[[langkah]]\nkegiatan = \"Mengarsipkan\"",
            "[[langkah]]\nkegiatan = \"Memaraf\"\npelaksana = \"Sekretaris\"\n\n[[langkah]]\nkegiatan = \"Mengarsipkan\"",
        );
        let berkas = form(&berkas_text);
        let g = gabung(&dasar, &saya, &berkas);
        assert!(g.bentrok.is_empty(), "{:?}", g.bentrok);
        let kegiatan: Vec<&str> = g.form.langkah.iter().map(|l| l.teks("kegiatan")).collect();
        assert_eq!(
            kegiatan,
            [
                "Menyusun konsep",
                "Memeriksa konsep",
                "Memaraf",
                "Mengarsipkan"
            ]
        );
        assert_eq!(g.form.grid("dasar_hukum"), ["UU 1", "UU 2"]);
    }

    #[test]
    fn a_step_deleted_on_one_side_and_changed_on_the_other_is_kept_with_a_note() {
        let dasar = form(DASAR);
        let mut saya = dasar.clone();
        saya.langkah.remove(2);
        let berkas = form(&DASAR.replace("Mengarsipkan", "Mengarsipkan di lemari"));
        let g = gabung(&dasar, &saya, &berkas);
        assert_eq!(g.form.langkah.len(), 3);
        assert_eq!(g.form.langkah[2].teks("kegiatan"), "Mengarsipkan di lemari");
        assert_eq!(g.catatan.len(), 1, "{:?}", g.catatan);
        // An unchanged step the clerk deleted stays deleted.
        let berkas = form(&DASAR.replace("\"CONTOH\"", "\"LAIN\""));
        let g = gabung(&dasar, &saya, &berkas);
        assert_eq!(g.form.langkah.len(), 2);
        assert!(g.catatan.is_empty());
    }
}
