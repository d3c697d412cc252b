//! The format reference (docs/panduan.md, printed by `sopan panduan`) names every key
//! the validator accepts, and no key it refuses; `sopan skema` gives editors the same
//! keys, and an independent JSON Schema validator accepts every example with it.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use sopan::schema::{self, Jenis, Kunci};

/// The keys each table of the reference lists, by the section its marker names.
fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("docs/panduan.md")).expect("docs/panduan.md");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line
            .strip_prefix("<!-- kunci: ")
            .and_then(|l| l.strip_suffix(" -->"))
        {
            section = Some(name.to_string());
            out.entry(name.to_string()).or_default();
        } else if let Some(s) = &section {
            if let Some(cell) = line.strip_prefix("| `") {
                let key = cell.split('`').next().unwrap_or_default();
                out.get_mut(s).expect("section").insert(key.to_string());
            } else if !line.starts_with('|') {
                section = None;
            }
        }
    }
    out
}

fn names(keys: &[Kunci]) -> BTreeSet<String> {
    keys.iter().map(|k| k.nama.to_string()).collect()
}

/// The plain keys of a list: those that are not sections of their own.
fn plain(keys: &[Kunci]) -> BTreeSet<String> {
    keys.iter()
        .filter(|k| {
            !matches!(
                k.jenis,
                Jenis::Bagian(_) | Jenis::DaftarBagian(_) | Jenis::Label
            )
        })
        .map(|k| k.nama.to_string())
        .collect()
}

#[test]
fn the_reference_names_every_key_the_validator_accepts_and_no_other() {
    let doc = documented();
    let label: BTreeSet<String> = schema::label_names()
        .into_iter()
        .map(String::from)
        .collect();
    let expected: [(&str, BTreeSet<String>); 11] = [
        ("sop", plain(schema::SOP)),
        ("instansi", names(schema::INSTANSI)),
        ("pengesahan", names(schema::PENGESAHAN)),
        ("langkah", names(schema::LANGKAH)),
        ("keputusan", names(schema::KEPUTUSAN)),
        ("prosedur", names(schema::PROSEDUR)),
        ("kertas", names(schema::KERTAS)),
        ("gaya", names(schema::GAYA)),
        ("lebar_kolom", names(schema::LEBAR_KOLOM)),
        ("label", label),
        ("katalog.katalog", names(schema::KATALOG_BAGIAN)),
    ];
    for (section, keys) in &expected {
        assert_eq!(
            doc.get(*section),
            Some(keys),
            "docs/panduan.md, keys of {section}"
        );
    }
    assert_eq!(doc.get("katalog"), Some(&names(schema::KATALOG)));
    // Every section of an SOP file has a table of its own.
    for key in schema::SOP
        .iter()
        .filter(|k| !plain(schema::SOP).contains(k.nama))
    {
        assert!(
            doc.contains_key(key.nama),
            "docs/panduan.md: no table for [{}]",
            key.nama
        );
    }
    assert_eq!(
        doc.len(),
        expected.len() + 1,
        "unexpected sections: {:?}",
        doc.keys()
    );
}

#[test]
fn panduan_prints_the_reference_without_its_markers() {
    let Run { code, out, .. } = sopan(["panduan"]);
    assert_eq!(code, 0);
    assert!(out.contains("# Panduan menulis SOP untuk sopan"));
    assert!(out.contains("`tanggal_efektif`"));
    assert!(!out.contains("<!--"));
}

/// Every example, as JSON, against the schemas with Python's `jsonschema` (installed by
/// .ci/run); a typo key is refused.
#[test]
fn examples_pass_the_schemas_and_a_typo_does_not() {
    let dir = std::env::temp_dir().join(format!("sopan-skema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for which in ["sop", "katalog"] {
        let Run { code, out, .. } = sopan(["skema", which]);
        assert_eq!(code, 0);
        std::fs::write(dir.join(format!("{which}.json")), out).expect("write schema");
    }
    let typo = dir.join("salah-ketik.toml");
    std::fs::write(
        &typo,
        "nomor = \"1\"\nnama = \"Uji\"\npelaksana = [\"Staf\"]\n\n[[langkah]]\nkegiatan = \"A\"\npelaksana = \"Staf\"\nwaktuu = \"5 Menit\"\n",
    )
    .expect("typo file");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path().join("katalog.toml"))
        .collect();
    files.extend(examples());
    let script = r#"
import json, sys, tomllib, jsonschema
schemas = {k: json.load(open(sys.argv[1] + "/" + k + ".json")) for k in ("sop", "katalog")}
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        data = json.loads(json.dumps(tomllib.load(f), default=str))
    which = "katalog" if path.endswith("katalog.toml") else "sop"
    errors = list(jsonschema.Draft202012Validator(schemas[which]).iter_errors(data))
    print(("OK " if not errors else "FAIL ") + path + ("" if not errors else ": " + errors[0].message))
"#;
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .args(&files)
        .arg(&typo)
        .output()
        .expect("python3 with jsonschema (pip install jsonschema; .ci/run installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for f in &files {
        assert!(text.contains(&format!("OK {}", f.display())), "{text}");
    }
    assert!(
        text.contains(&format!("FAIL {}", typo.display())) && text.contains("waktuu"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
