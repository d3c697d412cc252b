//! The grid's table (`sopan::grid::KOTAK`) walked box by box: every box has a printed
//! label, is in the schema, is printed on the sheet, is a field of the form that a
//! change writes back, and is found by the importer by its label. A box added to the
//! table passes here with no other change, or this test says where it is missing.

use sopan::diag::Sources;
use sopan::grid::KOTAK;
use sopan::impor::dokumen::{Baris, Dokumen, Paragraf, Sel};
use sopan::pipeline::Settings;
use sopan::typeset::fonts;

use crate::common::*;

/// Two entries per box, each naming its box, so the sheet's text can be searched.
fn entries(kunci: &str) -> [String; 2] {
    [format!("Isi pertama {kunci}"), format!("Isi kedua {kunci}")]
}

/// An SOP that fills every box of the table.
fn full_sop(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from("nomor = \"1/SOP/2024\"\nnama = \"Semua Kotak\"\n");
    for k in KOTAK {
        let [a, b] = entries(k.kunci);
        text += &format!("{} = [\"{a}\", \"{b}\"]\n", k.kunci);
    }
    text += "pelaksana = [\"Staf\"]\n\n[[langkah]]\nkegiatan = \"Mulai\"\npelaksana = \"Staf\"\n\n\
             [[langkah]]\nkegiatan = \"Selesai\"\npelaksana = \"Staf\"\n";
    let path = dir.join("semua-kotak.toml");
    std::fs::write(&path, text).expect("write SOP");
    path
}

#[test]
fn every_box_has_a_label_and_a_schema_key() {
    let schema = sopan::schema::sop_schema();
    for k in KOTAK {
        assert!(
            sopan::model::LABEL_BAWAAN
                .iter()
                .any(|(key, label)| *key == k.kunci && *label == k.label && !label.is_empty()),
            "{}: no printed label",
            k.kunci
        );
        assert!(
            sopan::schema::SOP.iter().any(|s| s.nama == k.kunci),
            "{}: not a key of the SOP file",
            k.kunci
        );
        assert_eq!(
            schema["properties"][k.kunci]["description"], k.bantuan,
            "{}: not in `sopan skema sop`",
            k.kunci
        );
        assert!(
            schema["properties"]["label"]["properties"][k.kunci].is_object(),
            "{}: its label cannot be changed in [label]",
            k.kunci
        );
        assert!(!k.nama.is_empty() && !k.bantuan.is_empty(), "{}", k.kunci);
    }
}

#[test]
fn every_box_is_printed_in_order_with_its_entries() {
    let dir = scratch("grid-cetak");
    let (sop, _, rendered) = render(&full_sop(&dir));
    let text = squash(&sopan::typeset::page_text(&rendered.document, 0));
    let mut from = 0;
    for k in KOTAK {
        let label = squash(&format!("{}:", k.label));
        let at = text[from..]
            .find(&label)
            .unwrap_or_else(|| panic!("{}: label {label} not printed in order", k.kunci));
        from += at + label.len();
        for entry in entries(k.kunci) {
            assert!(
                text.contains(&squash(&entry)),
                "{}: {entry} not printed",
                k.kunci
            );
        }
        assert_eq!(sop.grid.get(k.kunci), entries(k.kunci), "{}", k.kunci);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_box_is_a_form_field_that_saves() {
    let dir = scratch("grid-formulir");
    let path = full_sop(&dir);
    let (status, answer) = sopan::preview::sunting::formulir(&path, &dir, &Settings::default());
    assert_eq!(status, 200, "{answer}");
    let fields: Vec<&str> = answer["kotak"]
        .as_array()
        .expect("the form's boxes")
        .iter()
        .map(|k| k["kunci"].as_str().expect("kunci"))
        .collect();
    assert_eq!(fields, KOTAK.iter().map(|k| k.kunci).collect::<Vec<_>>());
    let mut form: sopan::editor::Form =
        serde_json::from_value(answer["form"].clone()).expect("form");
    let text = answer["dasar"].as_str().expect("dasar");
    let template = sopan::editor::sop_baru("2024-01-02", "");
    for k in KOTAK {
        assert_eq!(
            form.grid(k.kunci),
            entries(k.kunci),
            "{}: not read",
            k.kunci
        );
        assert!(
            template.contains(&format!("\n{} = []\n", k.kunci)),
            "{}: not in a new SOP",
            k.kunci
        );
        form.grid
            .insert(k.kunci.into(), vec![format!("Diubah {}", k.kunci)]);
    }
    let saved = sopan::editor::write(text, &form).expect("write");
    let mut sources = Sources::default();
    let loaded = sopan::validate::load_with(&path, Some(saved), &mut sources, &fonts::covers);
    let sop = loaded.sop.expect("the saved SOP is valid");
    for k in KOTAK {
        assert_eq!(
            sop.grid.get(k.kunci),
            [format!("Diubah {}", k.kunci)],
            "{}: the form's change was not written",
            k.kunci
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_box_is_found_by_the_importer_by_its_label() {
    let cell = |lines: Vec<String>| Sel {
        lebar: 1,
        paragraf: lines.iter().map(|l| Paragraf::teks(l)).collect(),
        ..Sel::default()
    };
    let mut doc = Dokumen::default();
    doc.baris.push(Baris {
        sel: vec![cell(vec!["NOMOR SOP".into()]), cell(vec!["1/SOP".into()])],
        ..Baris::default()
    });
    for k in KOTAK {
        // Written as a clerk's Word file has it: title case, a colon, numbered items.
        let [a, b] = entries(k.kunci);
        let heading = format!("{}:", k.label.to_lowercase());
        doc.baris.push(Baris {
            sel: vec![cell(vec![heading, format!("1. {a}"), format!("2. {b}")])],
            ..Baris::default()
        });
    }
    let found = sopan::impor::kenali::sops(&doc).expect("recognised").sops;
    assert_eq!(found.len(), 1);
    for k in KOTAK {
        let got = found[0].grid.iter().find(|(key, _)| *key == k.kunci);
        assert_eq!(
            got.map(|(_, v)| v.as_slice()),
            Some(&entries(k.kunci)[..]),
            "{}: the importer does not know the label {}",
            k.kunci,
            k.label
        );
    }
}
