//! The router's hard cases as real SOPs (tests/fixtures/sulit), typeset end to end:
//! a loop back across a page break, three nested loops, a forward skip and a decision
//! whose both branches jump, eight lanes with a joint step, forty steps with long
//! texts, eight lines across one page break in a single lane. Each is routed on its
//! measured rows breaking none of the drawing rules 1-7 (src/flow/check.rs), and the
//! page with the hard part matches its reference image (looked at before it was
//! committed).

use crate::common::*;
use sopan::flow::check::{check, expected_edges};

/// Renders `tests/fixtures/sulit/<name>.toml`, checks rules 1-7 (src/flow/check.rs) and
/// compares page `page` (0-based) with its reference image.
fn hard_case(name: &str, page: usize) {
    let file = format!("tests/fixtures/sulit/{name}.toml");
    let (sop, _, rendered) = render(&root().join(&file));
    let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
    assert!(
        report.violations.is_empty(),
        "{file}: {:#?}",
        report.violations
    );
    reference(&file, page, &format!("sulit-{name}-hal{}", page + 1));
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (a loop back through a connector pair)
/// and rule 5.
#[test]
fn loop_back_across_a_page_break() {
    hard_case("loop-lintas-halaman", 2);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 4 and 5 (each loop on its own track).
#[test]
fn three_nested_loops() {
    hard_case("tiga-loop-bersarang", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 5 and 6 (side exits and their labels).
#[test]
fn forward_skip_and_a_decision_whose_both_branches_jump() {
    hard_case("lompatan-dan-dua-cabang", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rules 2 and 3 (lines to and past a joint step).
#[test]
fn eight_lanes_with_a_joint_step() {
    hard_case("delapan-lajur", 1);
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (many page breaks) and rule 1.
#[test]
fn forty_steps_with_long_texts() {
    hard_case("empat-puluh-langkah", 3);
}

/// Rules 1-7 (src/flow/check.rs), above all rule 7 (eight connector pairs at one break in
/// one lane).
#[test]
fn eight_lines_across_one_page_break_in_one_lane() {
    hard_case("satu-lajur", 1);
}

/// Rules 1-7 (src/flow/check.rs) on joint steps across twenty lanes with jumps: the
/// search budget of a jump (src/flow/route/jump.rs) still gives clean drawings.
#[test]
fn joint_steps_across_twenty_lanes() {
    let file = root().join("tests/fixtures/sulit/bersama-dua-puluh-lajur.toml");
    let (sop, _, rendered) = render(&file);
    let report = check(&rendered.geometry, &expected_edges(&sop.prosedur));
    assert!(report.violations.is_empty(), "{:#?}", report.violations);
}

// ---------------------------------------------------------------------------------------
// The hard corpus

/// Pelaksana of the hard corpus: long names, as in a large dinas.
const JABATAN: [&str; 10] = [
    "Kepala Dinas",
    "Sekretaris Dinas",
    "Kepala Bidang Pelayanan Perizinan",
    "Kasubbag Umum dan Kepegawaian",
    "Kasubbag Keuangan",
    "Kepala Seksi Verifikasi",
    "Bendahara Pengeluaran",
    "Staf Pelaksana Teknis",
    "Tim Teknis Lapangan",
    "Pemohon",
];

/// Words the kegiatan of the hard corpus are made of.
const KATA: [&str; 16] = [
    "memeriksa",
    "kelengkapan",
    "berkas",
    "permohonan",
    "beserta",
    "lampiran",
    "persyaratan",
    "administrasi",
    "dan",
    "meneruskannya",
    "kepada",
    "pejabat",
    "yang",
    "berwenang",
    "untuk",
    "ditindaklanjuti",
];

/// The router property test's flow of `seed` (tests/suite/routing.rs: 1-10 lanes,
/// 2-60 steps, decisions and jumps both ways, joint steps) as an SOP file, each
/// step's kegiatan as long as its row's extra height asks (up to about 30 words).
pub(crate) fn hard_sop(seed: u64) -> String {
    use sopan::model::{Alur, Tujuan};
    let flow = crate::routing::generate(seed);
    let target = |t: Tujuan| match t {
        Tujuan::Langkah(j) => (j + 1).to_string(),
        Tujuan::Selesai => "\"selesai\"".to_string(),
    };
    let mut s = format!(
        "nomor = \"800/{seed}/SOP.SULIT/2025\"\nnama = \"Prosedur Sulit {seed}\"\n\
         tanggal_pembuatan = 2025-01-02\npelaksana = {:?}\n",
        &JABATAN[..flow.lanes]
    );
    for (i, ((lanes, alur), extra)) in flow.steps.iter().zip(&flow.extra).enumerate() {
        let words = 4 + *extra as usize / 2;
        let kegiatan: Vec<&str> = (0..words)
            .map(|k| KATA[(seed as usize + 3 * i + k) % KATA.len()])
            .collect();
        let pelaksana: Vec<&str> = lanes.iter().map(|&l| JABATAN[l]).collect();
        s += &format!(
            "\n[[langkah]]\nkegiatan = \"Langkah {}: {}\"\npelaksana = {:?}\n\
             waktu = \"{} Menit\"\noutput = \"Dokumen hasil langkah {}\"\n",
            i + 1,
            kegiatan.join(" "),
            pelaksana,
            5 + i % 50,
            i + 1
        );
        match *alur {
            Alur::Keputusan { ya, tidak } => {
                s += &format!(
                    "keputusan = {{ ya = {}, tidak = {} }}\n",
                    target(ya),
                    target(tidak)
                );
            }
            Alur::Lanjut(t) if t != Tujuan::Langkah(i + 1) => {
                s += &format!("lanjut = {}\n", target(t));
            }
            _ => {}
        }
    }
    s
}

/// The first seed of the hard corpus.
const CORPUS_SEED: u64 = 0x50_4A_4E_00;

/// The first `count` seeds from [`CORPUS_SEED`] whose flow has many lanes (four or
/// more) and whose [`hard_sop`] is a valid SOP (a generated flow may loop with no way
/// out, which sopan refuses), each with its file, written into `dir`.
fn hard_corpus(count: usize, dir: &std::path::Path) -> Vec<(u64, std::path::PathBuf)> {
    let mut out = Vec::new();
    let mut seed = CORPUS_SEED;
    while out.len() < count {
        if crate::routing::generate(seed).lanes < 4 {
            seed += 1;
            continue;
        }
        let file = dir.join(format!("sulit-{seed}.toml"));
        std::fs::write(&file, hard_sop(seed)).expect("write SOP");
        let mut sources = sopan::diag::Sources::default();
        let loaded = sopan::validate::load(&file, &mut sources, &sopan::typeset::fonts::covers);
        if loaded.sop.is_some() {
            out.push((seed, file));
        } else {
            std::fs::remove_file(&file).expect("remove invalid SOP");
        }
        seed += 1;
    }
    out
}

/// Rules 1-7 (src/flow/check.rs) on a corpus of 80 generated hard SOPs ([`hard_sop`]),
/// typeset end to end; prints how many pages and labels they make. `SOPAN_KORPUS=<n>`
/// renders another number of them, `SOPAN_KORPUS_DIR=<folder>` keeps each file with
/// its PDF and geometry there (`--geometry`).
#[test]
fn a_corpus_of_hard_sops_obeys_the_drawing_rules() {
    let count: usize = std::env::var("SOPAN_KORPUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(80);
    let keep = std::env::var_os("SOPAN_KORPUS_DIR").map(std::path::PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| scratch("korpus-sulit"));
    std::fs::create_dir_all(&dir).expect("corpus folder");
    let corpus = hard_corpus(count, &dir);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results: Vec<(u64, usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let corpus = &corpus;
                let keep = keep.is_some();
                scope.spawn(move || {
                    corpus
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|(seed, file)| {
                            let (sop, pdf, rendered) = render(file);
                            let g = &rendered.geometry;
                            if keep {
                                std::fs::write(file.with_extension("pdf"), &pdf).expect("pdf");
                                let json = serde_json::to_vec(g).expect("geometry");
                                std::fs::write(file.with_extension("json"), json).expect("json");
                            }
                            let report = check(g, &expected_edges(&sop.prosedur));
                            let pages = rendered.document.pages().len();
                            (*seed, pages, g.labels.len(), report.violations)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("corpus worker"))
            .collect()
    });
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let pages: usize = results.iter().map(|r| r.1).sum();
    let labels: usize = results.iter().map(|r| r.2).sum();
    let broken: Vec<String> = results
        .iter()
        .flat_map(|(seed, _, _, v)| v.iter().map(move |v| format!("seed {seed}: {v}")))
        .collect();
    eprintln!(
        "{count} hard SOPs (seeds from {CORPUS_SEED}): {pages} pages, {labels} labels, {} broken rules",
        broken.len()
    );
    assert!(broken.is_empty(), "{broken:#?}");
}
