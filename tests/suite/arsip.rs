//! Archival checks on every example's PDF, with the tools an archive would use: qpdf
//! finds no damage, every font is embedded and subset, pdftotext reads every step's
//! kegiatan in the order the page draws it, poppler reads it without complaint, and the PDF declares
//! PDF/A-2b in its XMP metadata.
//!
//! poppler 22.12 (Debian 12) prints "Syntax Error: Suspects object is wrong type
//! (boolean)" for every tagged PDF Typst writes: the catalog's `/MarkInfo` holds
//! `/Suspects false`, which ISO 32000-1 allows (an optional boolean) and PDF/A-2b does
//! not forbid. poppler wrongly treats a `false` there as an error; it is fixed upstream
//! (poppler commit 2a4edaea, November 2025). That one line is allowed here.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The one poppler message that is poppler's own mistake (see the module docs).
const POPPLER_SUSPECTS: &str = "Syntax Error: Suspects object is wrong type (boolean)";

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is installed by .ci/run: {e}"))
}

/// Text as compared: no white space, no hyphens (a line may break at one) and no soft
/// hyphens (narrow pelaksana columns may break there).
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}

fn problems_of(name: &str, pdf: &Path, sop: &sopan::model::Sop) -> Vec<String> {
    let mut problems = Vec::new();
    let qpdf = tool("qpdf", &["--check".as_ref(), pdf.as_os_str()]);
    let out = String::from_utf8_lossy(&qpdf.stdout);
    if !qpdf.status.success() || !out.contains("No syntax or stream encoding errors") {
        problems.push(format!("{name}: qpdf --check: {out}"));
    }
    let fonts = tool("pdffonts", &[pdf.as_os_str()]);
    let table = String::from_utf8_lossy(&fonts.stdout);
    let rows: Vec<&str> = table.lines().skip(2).collect();
    if rows.is_empty() {
        problems.push(format!("{name}: pdffonts lists no font"));
    }
    for row in rows {
        let cells: Vec<&str> = row.split_whitespace().collect();
        // ... emb sub uni object ID
        if cells.len() < 6 || cells[cells.len() - 5] != "yes" || cells[cells.len() - 4] != "yes" {
            problems.push(format!("{name}: a font is not embedded and subset: {row}"));
        }
    }
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    for line in String::from_utf8_lossy(&info.stderr).lines() {
        if line != POPPLER_SUSPECTS {
            problems.push(format!("{name}: pdfinfo: {line}"));
        }
    }
    let bytes = std::fs::read(pdf).expect("pdf");
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if !has(b"<pdfaid:part>2</pdfaid:part>") || !has(b"<pdfaid:conformance>B</pdfaid:conformance>")
    {
        problems.push(format!(
            "{name}: no PDF/A-2b declaration in the XMP metadata"
        ));
    }
    // -raw: in the order the page draws its text, which is the order it is read in.
    let text = tool(
        "pdftotext",
        &[
            "-raw".as_ref(),
            "-enc".as_ref(),
            "UTF-8".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    let text = plain(&String::from_utf8_lossy(&text.stdout));
    let mut from = 0;
    for (k, l) in sop
        .prosedur
        .iter()
        .flat_map(|pr| pr.langkah.iter())
        .enumerate()
    {
        let want = plain(&l.kegiatan);
        match text[from..].find(&want) {
            Some(at) => from += at + want.len(),
            None => problems.push(format!(
                "{name}: pdftotext does not read step {} in order: {:?}",
                k + 1,
                l.kegiatan
            )),
        }
    }
    problems
}

/// Every example's PDF passes qpdf, pdffonts, pdfinfo and pdftotext, and declares
/// PDF/A-2b.
#[test]
fn every_example_pdf_is_fit_for_the_archive() {
    let out = root().join("tests/out/arsip");
    std::fs::create_dir_all(&out).expect("tests/out/arsip");
    let mut problems = Vec::new();
    for path in examples() {
        let (sop, pdf, _) = render(&path);
        let rel = path.strip_prefix(root()).unwrap_or(&path);
        let name = rel.display().to_string();
        let file = out
            .join(name.replace(['/', '\\'], "_"))
            .with_extension("pdf");
        std::fs::write(&file, pdf).expect("write pdf");
        problems.extend(problems_of(&name, &file, &sop));
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
