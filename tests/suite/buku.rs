//! The bound book: page count, Daftar Isi, bookmarks, duplex, Keterkaitan links, clean arrows.

use std::path::{Path, PathBuf};

use crate::common::*;
use sopan::flow::check::{check, expected_edges};
use sopan::katalog::{bab, order};
use sopan::typeset::buku::{self, Buku, Isi, Sampul};
use sopan::typeset::{page_text, world};

fn book(dir: &Path, duplex: bool) -> (Vec<Isi>, Buku) {
    let dir = dir.to_path_buf();
    big_stack(move || {
        let entries: Vec<Isi> = order(&dir, &[])
            .expect("catalogue")
            .iter()
            .map(|f| Isi {
                sop: load(f),
                bab: bab(&dir, f),
                templates: world::templates_for(f).expect("templates"),
            })
            .collect();
        let sampul = Sampul {
            judul: "Buku Uji".into(),
            tahun: "2024".into(),
            alamat: "Jl. Uji".into(),
            baris: entries[0].sop.instansi.baris.clone(),
            unit: entries[0].sop.instansi.unit.clone(),
            logo: entries[0].sop.instansi.logo.clone(),
        };
        let b =
            buku::render(&entries, &sampul, &world::embedded_templates(), duplex, 2).expect("book");
        (entries, b)
    })
}

fn text_of(b: &Buku, page: usize) -> String {
    squash(&page_text(&b.document, page))
}

/// Clean arrows: every SOP in the book breaks none of the drawing rules 1-7
/// (src/flow/check.rs).
#[test]
fn book_has_cover_contents_chapters_every_sop_and_clean_arrows() {
    let dir = root().join("examples/pagar-alam-dpmptsptk");
    let (entries, b) = book(&dir, false);
    // Cover + Daftar Isi + one chapter page + every SOP's own pages.
    let own: usize = entries
        .iter()
        .map(|e| render(&e.sop.path).2.document.pages().len())
        .sum();
    assert_eq!(b.document.pages().len(), 3 + own);
    assert!(
        text_of(&b, 0).contains("BUKUUJI"),
        "cover shows the katalog title"
    );
    let toc = text_of(&b, 1);
    assert!(toc.contains("DAFTARISI"));
    for e in &entries {
        assert!(
            toc.contains(&squash(&e.sop.nomor)),
            "Daftar Isi lacks {}",
            e.sop.nomor
        );
        assert!(
            toc.contains(&squash(&e.sop.nama)),
            "Daftar Isi lacks {}",
            e.sop.nama
        );
    }
    // The first SOP starts after the chapter page: page 4, as the Daftar Isi says.
    assert!(text_of(&b, 3).contains(&squash(&entries[0].sop.nomor)));
    assert!(
        toc.contains(&squash(&format!("{}4", entries[0].sop.nama.to_uppercase())))
            || toc.contains(&squash(&format!("{}4", entries[0].sop.nama)))
    );
    for (e, g) in entries.iter().zip(&b.geometry) {
        let report = check(g, &expected_edges(&e.sop.prosedur));
        assert!(
            report.violations.is_empty(),
            "{}: {:?}",
            e.sop.nama,
            report.violations
        );
    }
}

#[test]
fn book_pdf_has_a_bookmark_for_every_chapter_and_sop() {
    let out = std::env::temp_dir().join(format!("sopan-buku-{}.pdf", std::process::id()));
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(["book", "examples/pagar-alam-dpmptsptk", "-o"])
        .arg(&out)
        .current_dir(root())
        .status()
        .expect("run sopan");
    assert!(status.success());
    let json = std::process::Command::new("qpdf")
        .args(["--json", "--json-key=outlines"])
        .arg(&out)
        .output()
        .expect("qpdf is installed by .ci/run");
    let text = String::from_utf8_lossy(&json.stdout);
    assert_eq!(
        text.matches("\"title\"").count(),
        5,
        "1 chapter + 4 SOPs: {text}"
    );
    assert!(text.contains("PERENCANAAN") && text.contains("PENYUSUNAN LAKIP"));
    let _ = std::fs::remove_file(out);
}

#[test]
fn duplex_starts_every_sop_on_an_odd_page() {
    let (entries, b) = book(&root().join("examples/kalbar-diskopukm"), true);
    for e in &entries {
        let first = (2..b.document.pages().len())
            .find(|&p| text_of(&b, p).contains(&squash(&e.sop.nomor)))
            .expect("SOP in book");
        assert_eq!(
            first % 2,
            0,
            "{} starts on printed page {}",
            e.sop.nomor,
            first + 1
        );
    }
}

/// The pages (1-based) that the links of a frame point to.
fn link_pages(frame: &typst::layout::Frame) -> Vec<usize> {
    let mut out = Vec::new();
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Link(typst::model::Destination::Position(p), _) => {
                out.push(p.page.get())
            }
            typst::layout::FrameItem::Link(other, _) => panic!("unresolved link {other:?}"),
            typst::layout::FrameItem::Group(g) => out.extend(link_pages(&g.frame)),
            _ => {}
        }
    }
    out
}

#[test]
fn keterkaitan_naming_another_sop_becomes_a_link() {
    let tmp: PathBuf = std::env::temp_dir().join(format!("sopan-tautan-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("umum")).expect("tmp");
    std::fs::write(tmp.join("katalog.toml"), "[katalog]\njudul = \"Uji\"\n").expect("katalog");
    let sop = |nama: &str, terkait: &str| {
        format!(
            "nomor = \"{nama}/1\"\nnama = \"{nama}\"\nketerkaitan = [\"{terkait}\"]\npelaksana = [\"A\", \"B\"]\n[[langkah]]\nkegiatan = \"x\"\npelaksana = \"A\"\n[[langkah]]\nkegiatan = \"y\"\npelaksana = \"B\"\n"
        )
    };
    std::fs::write(
        tmp.join("umum/a.toml"),
        sop("Penerimaan Surat Masuk", "SOP Pengarsipan Dokumen"),
    )
    .expect("a");
    std::fs::write(
        tmp.join("umum/b.toml"),
        sop("Pengarsipan Dokumen", "SOP Yang Tidak Ada"),
    )
    .expect("b");
    let (entries, b) = book(&tmp, false);
    // Cover, Daftar Isi, chapter page, then a, then b.
    let b_starts = (4..b.document.pages().len())
        .find(|&p| text_of(&b, p).contains(&squash(&entries[1].sop.nomor)))
        .expect("SOP b in the book")
        + 1;
    assert!(b_starts > 4);
    assert_eq!(
        link_pages(&b.document.pages()[3].frame),
        vec![b_starts],
        "the kop of SOP a links to the page SOP b starts on"
    );
    // The Daftar Isi links each SOP's nomor, name and page number to its first page.
    assert_eq!(
        link_pages(&b.document.pages()[1].frame),
        [[4; 3], [b_starts; 3]].concat()
    );
    assert_eq!(
        b.warnings
            .iter()
            .filter(|w| w.contains("Yang Tidak Ada"))
            .count(),
        1,
        "{:?}",
        b.warnings
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_book_error_names_the_sop_it_is_about() {
    let tmp: PathBuf =
        std::env::temp_dir().join(format!("sopan-buku-galat-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("tmp");
    std::fs::write(tmp.join("katalog.toml"), "[katalog]\njudul = \"Uji\"\n").expect("katalog");
    let sop = |nama: &str| {
        format!(
            "nomor = \"{nama}/1\"\nnama = \"{nama}\"\npelaksana = [\"Staf\"]\n\
             [[langkah]]\nkegiatan = \"Satu\"\npelaksana = \"Staf\"\n\
             [[langkah]]\nkegiatan = \"Dua\"\npelaksana = \"Staf\"\n"
        )
    };
    std::fs::write(tmp.join("a.toml"), sop("Baik")).expect("a");
    std::fs::write(tmp.join("b.toml"), sop("Templat Rusak")).expect("b");
    let dir = tmp.clone();
    let result = big_stack(move || {
        let entries: Vec<Isi> = order(&dir, &[])
            .expect("catalogue")
            .iter()
            .map(|f| {
                let mut templates = world::embedded_templates();
                // b.toml's catalogue would override alur.typ with a broken one.
                if f.ends_with("b.toml") {
                    for (name, text) in &mut templates {
                        if name == "alur.typ" {
                            *text = "#let alur(d) = {".into();
                        }
                    }
                }
                Isi {
                    sop: load(f),
                    bab: None,
                    templates,
                }
            })
            .collect();
        let sampul = Sampul {
            judul: "Uji".into(),
            tahun: "2024".into(),
            alamat: String::new(),
            baris: Vec::new(),
            unit: String::new(),
            logo: None,
        };
        buku::render(&entries, &sampul, &world::embedded_templates(), false, 2)
            .err()
            .map(|e| e.to_string())
    });
    let message = result.expect("a broken template stops the book");
    assert!(
        message.contains("b.toml") && message.contains("galat saat menata halaman"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
