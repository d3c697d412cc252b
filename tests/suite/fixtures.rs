//! Fixture folders: `tests/fixtures/err/*.toml` must fail with the diagnostics checked in
//! beside them (`*.txt`); `tests/fixtures/ok/*.toml`, and the fuzz findings that are
//! valid SOPs, must render with clean arrows.
//! `UPDATE=1 cargo test --release fixtures` rewrites the expected texts; review the diff.

use std::path::PathBuf;

use crate::common::*;
use sopan::diag::Sources;
use sopan::flow::check::{check, expected_edges};
use sopan::typeset::fonts;

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(kind))
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(
        !v.is_empty(),
        "tests/fixtures/{kind} holds no .toml fixture"
    );
    v
}

#[test]
fn err_fixtures_report_every_mistake_with_its_place() {
    let update = std::env::var_os("UPDATE").is_some();
    let mut mismatches = Vec::new();
    let cwd = root().join("tests/fixtures");
    for file in fixtures("err") {
        let mut sources = Sources::default();
        let rel = file.strip_prefix(&cwd).expect("inside fixtures");
        let loaded = sopan::validate::load(&file, &mut sources, &fonts::covers);
        assert!(loaded.sop.is_none(), "{} should fail", rel.display());
        // sopan shows paths relative to the working directory (the crate root
        // here); the expected texts show them relative to the fixtures folder.
        // Changing directory instead would move every other test thread too.
        let text = sopan::diag::render(&sources, &loaded.diags).replace("tests/fixtures/", "");
        let expected_path = file.with_extension("txt");
        if update {
            std::fs::write(&expected_path, &text).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != text {
            mismatches.push(format!(
                "== {} ==\n--- expected\n{expected}\n--- got\n{text}",
                rel.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n(UPDATE=1 to accept)",
        mismatches.join("\n")
    );
}

/// Clean arrows: no fixture breaks any of the drawing rules 1-7 (src/flow/check.rs).
#[test]
fn ok_fixtures_render_with_clean_arrows() {
    for file in fixtures("ok") {
        let (sop, pdf, rendered) = render(&file);
        assert!(pdf.starts_with(b"%PDF-"));
        let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
        assert!(
            report.violations.is_empty(),
            "{}: {:?}",
            file.display(),
            report.violations
        );
    }
}

/// Clean arrows on what the fuzzer found (tests/fixtures/fuzz) where it is a valid SOP:
/// twenty lanes, joint steps and a step with a very long kegiatan, whose drawing ran
/// out of routing budget in the later passes of the planning loop.
#[test]
fn fuzz_findings_that_render_have_clean_arrows() {
    let mut rendered_any = false;
    for file in fixtures("fuzz") {
        let mut sources = Sources::default();
        if sopan::validate::load(&file, &mut sources, &fonts::covers)
            .sop
            .is_none()
        {
            continue; // a finding about messages: it must fail, see fuzz.rs
        }
        rendered_any = true;
        let (sop, _, rendered) = render(&file);
        let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
        assert!(
            report.violations.is_empty(),
            "{}: {:?}",
            file.display(),
            report.violations
        );
    }
    assert!(rendered_any, "no fuzz finding is a valid SOP");
}

#[test]
fn text_is_printed_as_typed_never_run_as_code() {
    let (sop, _, rendered) = render(&root().join("tests/fixtures/ok/teks-adalah-data.toml"));
    let text: String = (0..rendered.document.pages().len())
        .map(|i| sopan::typeset::page_text(&rendered.document, i))
        .collect();
    let text = squash(&text);
    for typed in [
        &sop.nomor,
        &sop.nama.to_uppercase(),
        "#include \"/etc/passwd\"",
        "#read(\"/etc/passwd\") dan $x^2$",
        "<b>tebal</b>",
        "Memeriksa ] ) } \\ selesai",
        "Kepala #Dinas",
        "Staf [1]",
        "_miring_ *tebal* `kode` \\(x\\)",
    ] {
        assert!(
            text.contains(&squash(typed)),
            "{typed:?} not printed as typed"
        );
    }
    assert!(!text.contains("root:"), "a file was read");
}

#[test]
fn mutu_baku_lists_print_every_item() {
    let (_, _, rendered) = render(&root().join("tests/fixtures/ok/lompatan-dan-bersama.toml"));
    let text = sopan::typeset::page_text(&rendered.document, 1);
    for item in ["Undangan rapat", "Daftar hadir", "Notula", "Berita acara"] {
        assert!(text.contains(item), "{item} missing: {text}");
    }
}

#[test]
fn a_row_taller_than_a_page_runs_on_and_no_text_is_cut() {
    let (_, _, rendered) = render(&root().join("tests/fixtures/ok/baris-sangat-tinggi.toml"));
    let pages = rendered.document.pages().len();
    let text: String = (0..pages)
        .map(|i| sopan::typeset::page_text(&rendered.document, i))
        .collect();
    let text = squash(&text);
    for k in [1, 60, 119, 120] {
        assert!(
            text.contains(&squash(&format!("Kalimat {k}:"))),
            "sentence {k} cut"
        );
    }
    assert!(text.contains("Mengarsipkan"));
    // The step's symbol sits in the row's first part, on the page the row starts.
    let g = &rendered.geometry;
    let symbol = |step: usize| {
        g.symbols
            .iter()
            .find(|s| s.step == sopan::flow::StepRef::Step(step))
            .expect("symbol")
    };
    assert!(
        symbol(3).page > symbol(2).page,
        "step 2 ran onto the next page"
    );
}

/// The density target: ten steps of up to three lines of Kegiatan with seven pelaksana
/// fit on one A4-landscape flow page (the kop page, then one flow page).
#[test]
fn ten_three_line_steps_with_seven_pelaksana_fit_one_flow_page() {
    let file = root().join("tests/fixtures/ok/sepuluh-langkah-tujuh-pelaksana.toml");
    let (sop, _, rendered) = render(&file);
    assert_eq!(sop.prosedur[0].langkah.len(), 10);
    assert_eq!(sop.prosedur[0].pelaksana.len(), 7);
    assert_eq!(rendered.document.pages().len(), 2);
    let text = squash(&sopan::typeset::page_text(&rendered.document, 1));
    assert!(text.contains(&squash("Norma Waktu")), "{text}");
}
