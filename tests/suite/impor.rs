//! `sopan impor` measured against the truth: the fixtures in tests/fixtures/impor were
//! written (by buat.py, one re-saved by LibreOffice Writer) from example SOPs, so every
//! imported field can be compared with the example it came from. Prints the table of
//! fields matched per fixture; fails when a lane or a decision target is wrong where
//! the shapes exist, or when fewer than 95% of all fields match.

use std::path::{Path, PathBuf};

use crate::common::{Run, root, scratch, sopan};
use sopan::impor::{self, Temuan, dokumen::Bentuk};

/// A fixture, the examples it was written from (in order), and whether it has shapes.
fn fixtures() -> Vec<(&'static str, Vec<&'static str>, bool)> {
    let pa = |n: &'static str| n;
    vec![
        (
            "pagar-alam.docx",
            vec![
                pa("pagar-alam-dpmptsptk/perencanaan/lakip.toml"),
                "pagar-alam-dpmptsptk/perencanaan/lppd.toml",
                "pagar-alam-dpmptsptk/perencanaan/renja-rkt.toml",
            ],
            true,
        ),
        (
            "pagar-alam-libreoffice.docx",
            vec![
                "pagar-alam-dpmptsptk/perencanaan/lakip.toml",
                "pagar-alam-dpmptsptk/perencanaan/lppd.toml",
                "pagar-alam-dpmptsptk/perencanaan/renja-rkt.toml",
            ],
            true,
        ),
        (
            "tapkin-sub-prosedur.docx",
            vec!["pagar-alam-dpmptsptk/perencanaan/tapkin.toml"],
            true,
        ),
        (
            "sk-tim-kerja-vml.docx",
            vec!["kalbar-diskopukm/tim-kerja/sk-tim-kerja.toml"],
            true,
        ),
        (
            "penugasan-geser.docx",
            vec!["kalbar-diskopukm/tim-kerja/penugasan-kegiatan.toml"],
            true,
        ),
        (
            "disnakertrans.xlsx",
            vec![
                "kalbar-disnakertrans/tim-kerja/mekanisme-pelaporan-tim-kerja.toml",
                "kalbar-disnakertrans/tim-kerja/penugasan-kegiatan.toml",
                "kalbar-disnakertrans/tim-kerja/surat-tugas-tim-kerja.toml",
            ],
            true,
        ),
        (
            "pelatihan-tanpa-bentuk.docx",
            vec![
                "kalbar-diskopukm/pelatihan/pelaksanaan-pelatihan-bimtek.toml",
                "kalbar-diskopukm/pelatihan/pelaporan-pelatihan-bimtek.toml",
            ],
            false,
        ),
    ]
}

fn list(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::String(s)) if s.is_empty() => Vec::new(),
        Some(toml::Value::String(s)) => vec![s.clone()],
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn text(v: Option<&toml::Value>) -> String {
    match v {
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Datetime(d)) => d.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Counts of matched fields: (matched, total) for lanes, decision targets, symbols and
/// everything.
#[derive(Default, Debug, Clone, Copy)]
struct Count {
    lanes: (usize, usize),
    targets: (usize, usize),
    symbols: (usize, usize),
    all: (usize, usize),
}

fn tally(slot: &mut (usize, usize), all: &mut (usize, usize), ok: bool) {
    slot.1 += 1;
    all.1 += 1;
    if ok {
        slot.0 += 1;
        all.0 += 1;
    }
}

/// Counts one field in all, and names it among the misses when it does not match.
fn field(c: &mut Count, misses: &mut Vec<String>, name: String, ok: bool) {
    c.all.1 += 1;
    if ok {
        c.all.0 += 1;
    } else {
        misses.push(name);
    }
}

fn compare(
    found: &Temuan,
    truth_path: &Path,
    shaped: bool,
    c: &mut Count,
    misses: &mut Vec<String>,
) {
    let truth: toml::Table = toml::from_str(&std::fs::read_to_string(truth_path).unwrap()).unwrap();
    field(
        c,
        misses,
        "nomor".into(),
        found.nomor == text(truth.get("nomor")),
    );
    field(
        c,
        misses,
        "nama".into(),
        found.nama == text(truth.get("nama")),
    );
    for (k, key) in ["tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif"]
        .iter()
        .enumerate()
    {
        let want = text(truth.get(*key));
        let got = impor::tulis::tanggal(&found.tanggal[k].teks).unwrap_or_else(|| {
            if found.tanggal[k].teks == "-" {
                String::new()
            } else {
                found.tanggal[k].teks.clone()
            }
        });
        field(c, misses, key.to_string(), got == want);
    }
    for key in sopan::grid::KOTAK.iter().map(|k| k.kunci) {
        let got = found
            .grid
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        field(c, misses, key.to_string(), got == list(truth.get(key)));
    }
    let table = |t: &toml::Value| {
        (
            list(t.get("pelaksana")),
            t.get("langkah")
                .and_then(|l| l.as_array())
                .cloned()
                .unwrap_or_default(),
        )
    };
    let tables: Vec<(Vec<String>, Vec<toml::Value>)> =
        match truth.get("prosedur").and_then(|p| p.as_array()) {
            Some(ps) => ps.iter().map(table).collect(),
            None => vec![table(&toml::Value::Table(truth.clone()))],
        };
    field(
        c,
        misses,
        "jumlah tabel alur".into(),
        found.alur.len() == tables.len(),
    );
    for (alur, (lanes, steps)) in found.alur.iter().zip(&tables) {
        field(c, misses, "pelaksana".into(), alur.pelaksana == *lanes);
        compare_steps(&alur.langkah, steps, shaped, c, misses);
    }
}

fn compare_steps(
    found: &[sopan::impor::kenali::Langkah],
    steps: &[toml::Value],
    shaped: bool,
    c: &mut Count,
    misses: &mut Vec<String>,
) {
    let index_of = |target: &toml::Value| -> Option<usize> {
        match target {
            toml::Value::Integer(n) => Some(*n as usize - 1),
            toml::Value::String(id) => steps
                .iter()
                .position(|s| s.get("id").and_then(|i| i.as_str()) == Some(id)),
            _ => None,
        }
    };
    field(
        c,
        misses,
        "jumlah langkah".into(),
        found.len() == steps.len(),
    );
    for (i, (got, want)) in found.iter().zip(steps).enumerate() {
        let n = i + 1;
        field(
            c,
            misses,
            format!("langkah {n} kegiatan"),
            got.kegiatan == text(want.get("kegiatan")),
        );
        let lane_ok = got.pelaksana == list(want.get("pelaksana"));
        tally(&mut c.lanes, &mut c.all, lane_ok);
        if !lane_ok {
            misses.push(format!("langkah {n} pelaksana {:?}", got.pelaksana));
        }
        for (k, key) in ["kelengkapan", "waktu", "output", "keterangan"]
            .iter()
            .enumerate()
        {
            let want_v = list(want.get(*key));
            let got_v = if *key == "waktu" && !got.mutu[k].is_empty() {
                vec![got.mutu[k].join(" ")]
            } else {
                got.mutu[k].clone()
            };
            field(c, misses, format!("langkah {n} {key}"), got_v == want_v);
        }
        let decision = want.get("keputusan");
        if shaped {
            let kind = if decision.is_some() {
                Bentuk::Keputusan
            } else if i == 0 || i + 1 == steps.len() {
                Bentuk::Kapsul
            } else {
                Bentuk::Proses
            };
            let ok = got.bentuk == Some(kind);
            tally(&mut c.symbols, &mut c.all, ok);
            if !ok {
                misses.push(format!("langkah {n} simbol {:?}", got.bentuk));
            }
        }
        let want_target = decision.and_then(|d| d.get("tidak")).and_then(index_of);
        let got_target = got.tidak.as_ref().map(|t| t.0);
        if want_target.is_some() || got_target.is_some() {
            let ok = want_target == got_target;
            tally(&mut c.targets, &mut c.all, ok);
            if !ok {
                misses.push(format!(
                    "langkah {n} tidak {got_target:?} (benar {want_target:?})"
                ));
            }
        }
    }
}

fn pct((a, b): (usize, usize)) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{a}/{b} ({:.0}%)", 100.0 * a as f64 / b as f64)
    }
}

#[test]
fn imported_fixtures_match_the_sops_they_were_written_from() {
    let dir = root().join("tests/fixtures/impor");
    let mut total = Count::default();
    eprintln!(
        "{:<30} {:>14} {:>14} {:>14} {:>16}",
        "fixture", "lanes", "Tidak targets", "symbols", "all fields"
    );
    for (file, truths, shaped) in fixtures() {
        let found = impor::read(&dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(found.sops.len(), truths.len(), "{file}: SOPs found");
        let mut c = Count::default();
        let mut misses = Vec::new();
        for (t, truth) in found.sops.iter().zip(&truths) {
            compare(
                t,
                &root().join("examples").join(truth),
                shaped,
                &mut c,
                &mut misses,
            );
        }
        eprintln!(
            "{file:<30} {:>14} {:>14} {:>14} {:>16}",
            pct(c.lanes),
            pct(c.targets),
            pct(c.symbols),
            pct(c.all)
        );
        for m in &misses {
            eprintln!("    miss: {m}");
        }
        if shaped {
            assert_eq!(
                c.lanes.0, c.lanes.1,
                "{file}: every lane right where shapes exist"
            );
            assert_eq!(c.symbols.0, c.symbols.1, "{file}: every symbol right");
        }
        for (slot, part) in [
            (&mut total.lanes, c.lanes),
            (&mut total.targets, c.targets),
            (&mut total.symbols, c.symbols),
            (&mut total.all, c.all),
        ] {
            slot.0 += part.0;
            slot.1 += part.1;
        }
    }
    eprintln!(
        "{:<30} {:>14} {:>14} {:>14} {:>16}",
        "total",
        pct(total.lanes),
        pct(total.targets),
        pct(total.symbols),
        pct(total.all)
    );
    assert!(
        total.all.0 * 100 >= total.all.1 * 95,
        "fewer than 95% of fields match"
    );
}

#[test]
fn imported_files_pass_check_and_never_overwrite() {
    let out = scratch("impor");
    let target: PathBuf = out.join("katalog");
    let file = root().join("tests/fixtures/impor/pagar-alam-libreoffice.docx");
    let run = impor_ke(&file, &target);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(run.out.contains("3 SOP ditemukan"), "{}", run.out);
    let check = sopan(["check".as_ref(), target.as_os_str()]);
    assert_eq!(check.code, 0, "{}{}", check.out, check.err);
    let lakip = target.join("penyusunan-lakip.toml");
    let (_, pdf, _) = crate::common::render(&lakip);
    assert!(pdf.starts_with(b"%PDF"));
    // Again into the same folder: nothing is replaced.
    std::fs::write(&lakip, "# diubah tangan\n").unwrap();
    let again = impor_ke(&file, &target);
    assert_eq!(again.code, 1);
    assert!(
        again.err.contains("sudah ada; tidak ditimpa"),
        "{}",
        again.err
    );
    assert_eq!(
        std::fs::read_to_string(&lakip).unwrap(),
        "# diubah tangan\n"
    );
    // Guesses are listed by check --review until their comment is deleted.
    let text_only = out.join("pelatihan");
    let file = root().join("tests/fixtures/impor/pelatihan-tanpa-bentuk.docx");
    let run = impor_ke(&file, &text_only);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(
        run.out.contains("pelaksana langkah 2 ditebak"),
        "{}",
        run.out
    );
    let review = sopan(["check".as_ref(), "--review".as_ref(), text_only.as_os_str()]);
    let listed = "pelaksana langkah 2 ditebak dari teks kegiatan (periksa, lalu hapus komentar";
    assert!(review.out.contains(listed), "{}", review.out);
    // Once checked (the comment deleted), the guess is no longer listed.
    let sop = text_only.join("pelaksanaan-pelatihan-bimtek.toml");
    let text = std::fs::read_to_string(&sop).unwrap();
    let checked: String = text
        .lines()
        .filter(|l| !l.contains("pelaksana langkah 2 ditebak"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&sop, checked).unwrap();
    let review = sopan(["check".as_ref(), "--review".as_ref(), sop.as_os_str()]);
    assert!(!review.out.contains("langkah 2 ditebak"), "{}", review.out);
    assert!(review.out.contains("langkah 3 ditebak"), "{}", review.out);
    let bad = sopan(["impor", "tidak-ada.pdf"]);
    assert_eq!(bad.code, 1);
    assert!(bad.err.contains("tidak-ada.pdf"), "{}", bad.err);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn broken_and_foreign_files_get_an_error_not_a_panic() {
    let dir = scratch("impor-rusak");
    let good = std::fs::read(root().join("tests/fixtures/impor/pagar-alam.docx")).unwrap();
    let xlsx = std::fs::read(root().join("tests/fixtures/impor/disnakertrans.xlsx")).unwrap();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("kosong.docx", Vec::new()),
        ("teks.docx", b"bukan zip".to_vec()),
        ("potong.docx", good[..good.len() / 2].to_vec()),
        ("potong.xlsx", xlsx[..xlsx.len() / 3].to_vec()),
        ("salah-jenis.pdf", good.clone()),
    ];
    // Every byte range of the document flipped in turn: a damaged package.
    for k in 0..40 {
        let mut bad = good.clone();
        let at = (k * 7919) % bad.len();
        for b in bad.iter_mut().skip(at).take(64) {
            *b ^= 0x5a;
        }
        cases.push((
            if k % 2 == 0 {
                "rusak.docx"
            } else {
                "rusak.xlsx"
            },
            bad,
        ));
    }
    for (i, (name, data)) in cases.iter().enumerate() {
        let path = dir.join(format!("{i}-{name}"));
        std::fs::write(&path, data).unwrap();
        // An error or SOPs, never a panic.
        let _ = impor::read(&path);
    }
    let run = sopan(["impor".as_ref(), dir.join("1-teks.docx").as_os_str()]);
    assert_eq!(run.code, 1);
    assert!(
        run.err.contains("bukan berkas Word atau Excel yang utuh"),
        "{}",
        run.err
    );
    let run = sopan(["impor".as_ref(), dir.join("4-salah-jenis.pdf").as_os_str()]);
    assert!(
        run.err
            .contains("hanya berkas Word (.docx, .doc) dan Excel (.xlsx, .xls)"),
        "{}",
        run.err
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn excel_arrows_give_the_tidak_target_without_a_guess() {
    let found = impor::read(&root().join("tests/fixtures/impor/disnakertrans.xlsx")).unwrap();
    let decisions: Vec<_> = found
        .sops
        .iter()
        .flat_map(|t| &t.alur)
        .flat_map(|a| &a.langkah)
        .filter_map(|l| l.tidak.as_ref())
        .collect();
    assert_eq!(decisions.len(), 2);
    assert!(
        decisions.iter().all(|(_, why)| why.is_none()),
        "{decisions:?}"
    );
}

/// A plain Word SOP as dinas type it: a kop table, then a text-only flow table whose
/// lanes are shown by marks in `marks` (one row per step, one entry per lane).
fn marked_sop(marks: &[[&str; 3]], shaded: &[[bool; 3]]) -> impor::dokumen::Dokumen {
    use impor::dokumen::{Baris, Dokumen, Paragraf, Sel, Tabel};
    let cell = |kolom: usize, lebar: usize, text: &str| Sel {
        kolom,
        lebar,
        paragraf: vec![Paragraf::teks(text)],
        ..Sel::default()
    };
    let mut doc = Dokumen::default();
    for nama in ["tabel 1", "tabel 2"] {
        doc.tabel.push(Tabel {
            nama: nama.into(),
            ..Tabel::default()
        });
    }
    for (label, value) in [("Nomor SOP", "1/SOP/2024"), ("Nama SOP", "Penerbitan Akta")] {
        doc.baris.push(Baris {
            tabel: Some(0),
            sel: vec![cell(0, 1, label), cell(1, 1, value)],
            ..Baris::default()
        });
    }
    let lanes = ["Pemohon", "Petugas Loket", "Kepala Dinas"];
    doc.baris.push(Baris {
        tabel: Some(1),
        sel: vec![
            cell(0, 1, "No"),
            cell(1, 1, "Kegiatan"),
            cell(2, 3, "Pelaksana"),
            cell(5, 1, "Keterangan"),
        ],
        ..Baris::default()
    });
    let mut second = vec![
        Sel {
            lanjutan: true,
            ..cell(0, 1, "")
        },
        Sel {
            lanjutan: true,
            ..cell(1, 1, "")
        },
    ];
    second.extend(lanes.iter().enumerate().map(|(i, l)| cell(2 + i, 1, l)));
    doc.baris.push(Baris {
        tabel: Some(1),
        sel: second,
        ..Baris::default()
    });
    for (n, row) in marks.iter().enumerate() {
        // Every step's text names the Kepala Dinas, so a guess from the text would
        // put each step there.
        let mut sel = vec![
            cell(0, 1, &(n + 1).to_string()),
            cell(
                1,
                1,
                &format!("Langkah {} diserahkan kepada Kepala Dinas", n + 1),
            ),
        ];
        for (i, m) in row.iter().enumerate() {
            sel.push(Sel {
                arsir: shaded.get(n).is_some_and(|s| s[i]),
                ..cell(2 + i, 1, m)
            });
        }
        sel.push(cell(5, 1, ""));
        doc.baris.push(Baris {
            tabel: Some(1),
            sel,
            ..Baris::default()
        });
    }
    doc
}

#[test]
fn a_plain_word_sop_with_x_marks_gets_every_lane_from_the_marks() {
    let marks = [
        ["X", "", ""],
        ["", "x", ""],
        ["", "√", "✓"],
        ["", "", "v"],
        ["•", "", ""],
    ];
    let doc = marked_sop(&marks, &[]);
    let found = impor::kenali::sops(&doc).expect("recognised").sops;
    assert_eq!(found.len(), 1);
    let steps = &found[0].alur[0].langkah;
    let lanes: Vec<Vec<&str>> = steps
        .iter()
        .map(|l| l.pelaksana.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        lanes,
        [
            vec!["Pemohon"],
            vec!["Petugas Loket"],
            vec!["Petugas Loket", "Kepala Dinas"],
            vec!["Kepala Dinas"],
            vec!["Pemohon"],
        ]
    );
    assert!(
        steps
            .iter()
            .all(|l| l.asal == impor::kenali::Asal::Tanda && l.ragu.is_empty()),
        "{steps:#?}"
    );
}

#[test]
fn an_unclear_lane_cell_is_told_with_its_place_and_never_taken_as_a_lane() {
    let marks = [["X", "", ""], ["", "X?", ""], ["", "", ""]];
    let doc = marked_sop(&marks, &[]);
    let hasil = impor::kenali::sops(&doc).expect("recognised");
    let steps = &hasil.sops[0].alur[0].langkah;
    // Step 2: "X?" is not a mark; its place in the file is named.
    assert!(
        steps[1].ragu.iter().any(|r| r.contains("tabel 2, baris 4")
            && r.contains("Petugas Loket")
            && r.contains("X?")),
        "{:?}",
        steps[1].ragu
    );
    assert_ne!(steps[1].asal, impor::kenali::Asal::Tanda);
    // Step 3: no mark where the others have one.
    assert!(
        steps[2].ragu.iter().any(|r| r.contains("tabel 2, baris 5")),
        "{:?}",
        steps[2].ragu
    );
    // Both are written as to be checked, and the summary lists them.
    let dir = scratch("impor-ragu");
    let written = impor::write(&dir, "akta.docx", &hasil);
    let sop = written
        .iter()
        .find(|w| matches!(w.isi, impor::Isi::Sop { .. }))
        .expect("an SOP file");
    let text = std::fs::read_to_string(&sop.path).expect("written");
    assert!(
        text.contains(
            "# periksa: pelaksana langkah 2: sel pelaksana \"Petugas Loket\" (tabel 2, baris 4)"
        ),
        "{text}"
    );
    assert!(
        sop.tebakan.iter().any(|t| t.contains("langkah 3")),
        "{:?}",
        sop.tebakan
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_row_shaded_across_every_lane_is_told_not_taken_as_marks() {
    let marks = [["", "", ""], ["", "", ""], ["", "", ""]];
    let shaded = [
        [true, false, false],
        [true, true, true],
        [false, false, true],
    ];
    let doc = marked_sop(&marks, &shaded);
    let steps = &impor::kenali::sops(&doc).expect("recognised").sops[0].alur[0].langkah;
    assert_eq!(steps[0].pelaksana, ["Pemohon"]);
    assert_eq!(steps[2].pelaksana, ["Kepala Dinas"]);
    assert_ne!(steps[1].asal, impor::kenali::Asal::Tanda);
    assert!(
        steps[1]
            .ragu
            .iter()
            .any(|r| r.contains("berarsir") && r.contains("tabel 2, baris 4")),
        "{:?}",
        steps[1].ragu
    );
}

/// The blind test's Word SOP: text-only steps with "√" marks, two decisions written
/// as questions with "Ya: lanjut ke no. 4 / Tidak: ... (no. 1)" in Keterangan, F4
/// landscape paper. Imported and written; the SOP file's text and its guesses.
fn blind_cuti() -> (String, Vec<String>) {
    let source = root().join("tests/fixtures/impor/luar/sumber/cuti-centang-keterangan.docx");
    let found = impor::read(&source).expect("read");
    let out = scratch("impor-buta-cuti");
    let written = impor::write(&out, "cuti.docx", &found);
    let sop = written
        .into_iter()
        .find(|w| matches!(w.isi, impor::Isi::Sop { .. }))
        .expect("one SOP written");
    let text = std::fs::read_to_string(&sop.path).expect("written");
    let _ = std::fs::remove_dir_all(&out);
    (text, sop.tebakan)
}

#[test]
fn decisions_written_as_questions_with_numbered_branches_are_not_dropped_silently() {
    let (text, guesses) = blind_cuti();
    assert!(text.contains("keputusan = { tidak = 1 }"), "{text}");
    assert!(text.contains("keputusan = { tidak = 4 }"), "{text}");
    // Read from the text, so the clerk is told to check both.
    let read: Vec<&String> = guesses
        .iter()
        .filter(|g| g.contains("keputusan") && g.contains("dibaca dari nomor langkah"))
        .collect();
    assert_eq!(read.len(), 2, "{guesses:#?}");
    assert!(read[0].contains("langkah 3") && read[1].contains("langkah 5"));
}

#[test]
fn f4_landscape_paper_is_not_silently_a4() {
    let (text, _) = blind_cuti();
    assert!(
        text.contains("[kertas]\nukuran = \"F4\"\norientasi = \"landscape\"\n"),
        "{text}"
    );
}

/// `sopan init` at `dir`, then `sopan impor` of the blind-test file into `into` (a folder
/// of that catalogue); the SOP file written, loaded as every command loads it.
fn imported_into_catalogue(dir: &Path, into: &Path) -> (Run, sopan::model::Sop) {
    assert_eq!(sopan(["init".as_ref(), dir.as_os_str()]).code, 0);
    let source = root().join("tests/fixtures/impor/luar/sumber/cuti-centang-keterangan.docx");
    let run = impor_ke(&source, into);
    let file = std::fs::read_dir(into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("cuti"))
        })
        .unwrap_or_else(|| panic!("no SOP written: {}{}", run.out, run.err));
    let sop = sopan::pipeline::load(&file, &Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .sop;
    (run, sop)
}

#[test]
fn an_import_into_a_chapter_folder_stays_in_its_catalogue_and_keeps_the_logo() {
    let dir = scratch("impor-ke-bab").join("kantor");
    let (run, sop) = imported_into_catalogue(&dir, &dir.join("kepegawaian"));
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    let bab = std::fs::read_to_string(dir.join("kepegawaian/katalog.toml")).unwrap();
    assert!(
        !bab.contains("[katalog]"),
        "a second catalogue top would cut the chapter off: {bab}"
    );
    assert!(
        sop.instansi.logo.is_some(),
        "the catalogue's logo is inherited"
    );
    assert!(
        !dir.join("kepegawaian/logo.png").exists() && !dir.join("kepegawaian/logo.jpeg").exists(),
        "no second logo beside the catalogue's"
    );
    assert_eq!(
        sop.status,
        sopan::model::Status::Konsep,
        "open doubts print as KONSEP"
    );
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

#[test]
fn an_import_into_the_catalogue_top_writes_the_sop_and_its_own_kop_without_an_error() {
    let dir = scratch("impor-ke-puncak").join("kantor");
    let (run, sop) = imported_into_catalogue(&dir, &dir);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(!run.err.contains("tidak ditimpa"), "{}", run.err);
    // What the Word file says of its own unit and signer lands in the SOP itself.
    let text = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("cuti"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .unwrap();
    assert!(text.contains("\n[pengesahan]\n"), "{text}");
    assert!(!sop.pengesahan.nama.is_empty(), "{text}");
    assert!(
        sop.instansi.logo.is_some(),
        "the catalogue's logo is inherited"
    );
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

/// Each SOP of an Excel book is printed on the paper its own sheet is set to (Page
/// Layout > Size and Orientation), as written by openpyxl and as LibreOffice re-saves it.
#[test]
fn excel_paper_comes_from_each_sheets_page_setup() {
    for name in ["kertas-excel.xlsx", "kertas-excel.lo.xlsx"] {
        let out = scratch("impor-kertas-excel");
        let file = root().join("tests/fixtures/impor").join(name);
        let run = impor_ke(&file, &out);
        assert_eq!(run.code, 0, "{name}: {}{}", run.out, run.err);
        let f4 = std::fs::read_to_string(out.join("penerimaan-surat.toml")).unwrap();
        assert!(
            f4.contains("[kertas]\nukuran = \"F4\"\norientasi = \"landscape\"\n"),
            "{name}: {f4}"
        );
        let legal = std::fs::read_to_string(out.join("pengiriman-surat.toml")).unwrap();
        assert!(
            legal.contains("[kertas]\nukuran = \"Legal\"\norientasi = \"portrait\"\n"),
            "{name}: {legal}"
        );
        let check = sopan(["check".as_ref(), out.as_os_str()]);
        assert_eq!(check.code, 0, "{name}: {}{}", check.out, check.err);
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// A hidden sheet and a chart sheet are not read, and the clerk is told so by name
/// (openpyxl's book: one SOP sheet, a hidden "Catatan", a chart sheet "Grafik").
#[test]
fn skipped_excel_sheets_are_named_in_the_summary() {
    let out = scratch("impor-lembar-dilewati");
    let file = root().join("tests/fixtures/impor/lembar-dilewati.xlsx");
    let run = impor_ke(&file, &out);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(run.out.contains("1 SOP ditemukan"), "{}", run.out);
    let told = run
        .out
        .split("Di luar SOP mana pun, tidak diimpor:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no skipped list: {}", run.out));
    assert!(
        told.contains("  lembar \"Catatan\" disembunyikan di Excel; dilewati\n"),
        "{}",
        run.out
    );
    assert!(
        told.contains("  lembar \"Grafik\" bukan lembar kerja (grafik atau dialog); dilewati\n"),
        "{}",
        run.out
    );
    // What the hidden sheet holds is not taken into the SOP.
    let sop = std::fs::read_to_string(out.join("penerimaan-tamu.toml")).unwrap();
    assert!(!sop.contains("draf lama"), "{sop}");
    let _ = std::fs::remove_dir_all(&out);
}

/// One SOP imported on its own: its Keterkaitan cannot name an SOP of a catalogue
/// that holds only itself, and `check --review` says so instead of calling the
/// entries wrong.
#[test]
fn keterkaitan_of_a_single_imported_sop_is_told_what_to_check() {
    let out = scratch("impor-keterkaitan-sendiri");
    let file = root().join("tests/fixtures/impor/luar/sumber/akta-kelahiran-x.docx");
    let run = impor_ke(&file, &out);
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    let review = sopan(["check".as_ref(), "--review".as_ref(), out.as_os_str()]);
    assert_eq!(review.code, 0, "{}{}", review.out, review.err);
    for entry in ["SOP Penerbitan Kartu Keluarga", "SOP Pelayanan Pengaduan"] {
        let told = format!(
            "  - Keterkaitan \"{entry}\": katalog ini belum berisi SOP lain; tambahkan SOP itu \
             ke folder katalog ini agar menjadi tautan di buku, atau biarkan bila SOP itu di \
             luar katalog ini\n"
        );
        assert!(review.out.contains(&told), "{}", review.out);
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// The blind tester's Excel SOP (openpyxl): a title banner over the kop, a ":" typed in
/// a cell of its own between each kop label and its value, the signer in one cell.
const BUTA_IUMK: &str = "tests/fixtures/impor/luar/sumber/iumk-sel-titikdua.xlsx";
/// The blind tester's Excel book: a "Rekap" sheet listing the SOPs, then three SOP
/// sheets whose signer is typed one line to a row under "Disahkan oleh".
const BUTA_BUKU: &str = "tests/fixtures/impor/luar/sumber/dpmptsp-buku-rekap.xlsx";

/// The signer every blind-test SOP carries.
fn buta_penanda_tangan() -> [String; 4] {
    [
        "Kepala Dinas Penanaman Modal dan PTSP",
        "Drs. H. AHMAD FAUZI, M.Si",
        "Pembina Utama Muda / IV.c",
        "197005121996031002",
    ]
    .map(String::from)
}

#[test]
fn a_colon_in_a_cell_of_its_own_is_not_the_value_of_every_kop_label() {
    for source in [
        BUTA_IUMK,
        "tests/fixtures/impor/luar/sumber/iumk-sel-titikdua.lo.xlsx",
    ] {
        let found = impor::read(&root().join(source)).expect("read").sops;
        assert_eq!(found.len(), 1, "{source}");
        let t = &found[0];
        assert_eq!(t.nomor, "503/017/SOP-DPMPTSP/2024", "{source}");
        assert_eq!(
            t.nama, "PELAYANAN IZIN USAHA MIKRO DAN KECIL (IUMK)",
            "{source}"
        );
        let dates: Vec<&str> = t.tanggal.iter().map(|d| d.teks.as_str()).collect();
        assert_eq!(
            dates,
            ["2024-01-15", "12 Maret 2024", "2024-04-01"],
            "{source}"
        );
        assert_eq!(t.pengesahan, buta_penanda_tangan(), "{source}");
        assert!(
            !t.lewat.iter().any(|l| l.contains("\":\"")),
            "a separator is read, not left over: {:?}",
            t.lewat
        );
    }
}

#[test]
fn a_signer_typed_one_line_to_a_row_is_read_whole_and_its_nip_kept() {
    for source in [
        BUTA_BUKU,
        "tests/fixtures/impor/luar/sumber/dpmptsp-buku-rekap.lo.xlsx",
    ] {
        let found = impor::read(&root().join(source)).expect("read").sops;
        assert_eq!(found.len(), 3, "{source}");
        for t in &found {
            assert_eq!(t.pengesahan, buta_penanda_tangan(), "{source}: {}", t.nama);
            assert!(
                !t.lewat
                    .iter()
                    .any(|l| l.contains("AHMAD FAUZI") || l.contains("Pembina")),
                "{source}: {:?}",
                t.lewat
            );
        }
    }
}

#[test]
fn a_title_banner_over_the_kop_is_not_an_instansi_line() {
    for source in [BUTA_IUMK, BUTA_BUKU] {
        for t in impor::read(&root().join(source)).expect("read").sops {
            assert_eq!(
                t.instansi,
                [
                    "PEMERINTAH KABUPATEN MUARA ENIM",
                    "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU"
                ],
                "{source}"
            );
            assert!(
                !t.unit.is_empty() && !t.unit.contains("STANDAR"),
                "{}",
                t.unit
            );
            assert!(
                !t.lewat.iter().any(|l| l.contains("STANDAR OPERASIONAL")),
                "the title is read, not left over: {:?}",
                t.lewat
            );
        }
    }
}

#[test]
fn a_sheet_listing_the_sops_is_skipped_with_its_name_not_made_an_sop() {
    let hasil = impor::read(&root().join(BUTA_BUKU)).expect("read");
    let names: Vec<&str> = hasil.sops.iter().map(|t| t.nama.as_str()).collect();
    assert_eq!(
        names,
        [
            "PENERIMAAN DAN PENYELESAIAN PENGADUAN MASYARAKAT",
            "PENYUSUNAN RENCANA KERJA (RENJA) PERANGKAT DAERAH",
            "PELAYANAN PERMOHONAN INFORMASI PUBLIK"
        ]
    );
    assert!(
        hasil
            .lewat
            .iter()
            .any(|l| l == "lembar \"Rekap\" dilewati: tidak berisi tabel alur SOP"),
        "{:?}",
        hasil.lewat
    );
    // The summary says so, and counts three SOPs.
    let out = scratch("impor-buta-rekap");
    let run = sopan([
        "impor".as_ref(),
        root().join(BUTA_BUKU).as_os_str(),
        "-o".as_ref(),
        out.join("hasil").as_os_str(),
    ]);
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains(": 3 SOP ditemukan"), "{}", run.out);
    assert!(
        run.out
            .contains("  lembar \"Rekap\" dilewati: tidak berisi tabel alur SOP\n"),
        "{}",
        run.out
    );
}

#[test]
fn a_cell_left_unplaced_in_a_sheet_is_named_by_its_address() {
    use impor::dokumen::{Paragraf, Sel};
    let mut doc = marked_sop(&[["X", "", ""], ["", "X", ""]], &[]);
    // The same SOP as one Excel sheet, with a note typed right of the SOP's number.
    doc.tabel.truncate(1);
    doc.tabel[0].kanvas = 1;
    doc.tabel[0].nama = "lembar \"SOP-01\"".into();
    for (i, b) in doc.baris.iter_mut().enumerate() {
        b.tabel = Some(0);
        b.nomor = Some(i as u32 + 1);
    }
    doc.baris[0].sel.push(Sel {
        kolom: 4,
        lebar: 1,
        paragraf: vec![Paragraf::teks("arsip lama, jangan dipakai")],
        ..Sel::default()
    });
    let hasil = impor::kenali::sops(&doc).expect("recognised");
    assert_eq!(hasil.sops.len(), 1);
    assert!(
        hasil.sops[0].lewat.iter().any(
            |l| l == "lembar \"SOP-01\", sel E1: \"arsip lama, jangan dipakai\" tidak dikenali"
        ),
        "{:?}",
        hasil.sops[0].lewat
    );
}

#[test]
fn an_sop_whose_name_is_not_read_is_summarised_in_words_not_colons() {
    use std::io::{Read, Write};
    // The blind tester's SOP with ":" where the name was.
    let data = std::fs::read(root().join(BUTA_IUMK)).expect("fixture");
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(data)).expect("zip");
    let mut zout = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).expect("part");
        let name = part.name().expect("part name").to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).expect("read part");
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(bytes).expect("xml");
            assert!(text.contains("PELAYANAN IZIN USAHA MIKRO DAN KECIL (IUMK)"));
            bytes = text
                .replace("PELAYANAN IZIN USAHA MIKRO DAN KECIL (IUMK)", ":")
                .into_bytes();
        }
        zout.start_file(name, options).expect("start");
        zout.write_all(&bytes).expect("write");
    }
    let out = scratch("impor-nama-tak-terbaca");
    let source = out.join("tanpa-nama.xlsx");
    std::fs::write(&source, zout.finish().expect("zip").into_inner()).expect("write");
    let run = sopan([
        "impor".as_ref(),
        source.as_os_str(),
        "-o".as_ref(),
        out.join("hasil").as_os_str(),
    ]);
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.out.contains("  (Nama SOP tidak terbaca): 12 langkah"),
        "{}",
        run.out
    );
    assert!(!run.out.contains("::"), "{}", run.out);
}

/// `sopan impor FILE -o OUT`, as a clerk types it.
fn impor_ke(file: &Path, out: &Path) -> Run {
    sopan([
        "impor".as_ref(),
        file.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}
