//! `sopan impor` on a book of 100 SOPs: a Word book of the import corpus (five SOPs
//! drawn with shapes and connectors, made by LibreOffice) and a text-only Word SOP with
//! X marks, each grown to 100 SOPs by repeating its body, read and written out to a
//! catalogue folder (what `sopan impor` does). Median of 5 runs each.
//!
//! Run with `cargo bench --bench impor`. Numbers go to stdout.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sopan::impor;

const CORPUS: &str = "tests/fixtures/impor/luar/sumber";

/// The .docx at `path` with its body repeated until it holds `want` SOPs (it holds
/// `has`); every other part is copied as it is.
fn grown(path: &Path, has: usize, want: usize) -> Vec<u8> {
    let data = std::fs::read(path).expect("corpus file");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).expect("a .docx");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        let name = part.name().expect("part name").to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).expect("read part");
        if name == "word/document.xml" {
            bytes = repeat_body(&String::from_utf8(bytes).expect("XML"), want.div_ceil(has))
                .into_bytes();
        }
        out.start_file(name, options).expect("start part");
        out.write_all(&bytes).expect("write part");
    }
    out.finish().expect("zip").into_inner()
}

/// `xml` with the content of `<w:body>` (but its closing section properties) `n` times.
fn repeat_body(xml: &str, n: usize) -> String {
    let start = xml.find("<w:body>").expect("<w:body>") + "<w:body>".len();
    let end = xml.rfind("<w:sectPr").expect("section properties");
    let body = &xml[start..end];
    format!("{}{}{}", &xml[..start], body.repeat(n), &xml[end..])
}

fn median(n: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut sops = 0;
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            sops = f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[n / 2], sops)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("sopan-bench-impor-{}", std::process::id()));
    println!("{:<46} {:>6} {:>10}", "book", "SOP", "median");
    for (file, has) in [
        ("uno-buku-perencanaan.docx", 5),
        ("akta-kelahiran-x.docx", 1),
    ] {
        let book = grown(&root.join(CORPUS).join(file), has, 100);
        let (took, sops) = median(5, || {
            let _ = std::fs::remove_dir_all(&work);
            std::fs::create_dir_all(&work).expect("bench folder");
            let hasil = impor::read_bytes(&book, "docx").expect("the book imports");
            impor::write(&work, file, &hasil);
            hasil.sops.len()
        });
        println!(
            "{:<46} {:>6} {:>8.0}ms",
            format!("{file} x{}", 100 / has),
            sops,
            took.as_secs_f64() * 1e3
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
