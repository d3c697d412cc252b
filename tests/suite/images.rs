//! `sopan render --format png|svg --pages`: page images beside the SOP or under `-o`,
//! page ranges checked against the document, usage mistakes exit 2.

use std::path::PathBuf;

use crate::common::*;

/// A fresh copy of the Pagar Alam catalogue in a temporary folder.
fn catalogue_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sopan-images-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root().join("examples/pagar-alam-dpmptsptk"), &dir);
    dir
}

#[test]
fn png_pages_are_written_beside_the_sop_numbered() {
    let dir = catalogue_copy("png");
    let sop = dir.join("perencanaan/lakip.toml");
    let Run { code, out, err } = sopan([
        "render".as_ref(),
        sop.as_os_str(),
        "--format=png".as_ref(),
        "--pages=2".as_ref(),
        "--ppi=72".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(1 dari 2 halaman)"), "{out}");
    let png = std::fs::read(dir.join("perencanaan/lakip-2.png")).expect("png");
    assert!(png.starts_with(b"\x89PNG"));
    // A4 landscape at 72 ppi: 842 x 595 pixels (IHDR width and height).
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (842, 595));
    assert!(!dir.join("perencanaan/lakip-1.png").exists());
    assert!(!dir.join("perencanaan/lakip.pdf").exists());
}

#[test]
fn svg_to_a_folder_and_a_single_named_image() {
    let dir = catalogue_copy("svg");
    let sop = dir.join("perencanaan/lakip.toml");
    let folder = dir.join("kirim");
    std::fs::create_dir_all(&folder).unwrap();
    let Run { code, err, .. } = sopan([
        "render".as_ref(),
        sop.as_os_str(),
        "--format=svg".as_ref(),
        "-o".as_ref(),
        folder.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    for n in 1..=2 {
        let svg = std::fs::read_to_string(folder.join(format!("lakip-{n}.svg"))).expect("svg");
        assert!(svg.starts_with("<svg"), "page {n} is not SVG");
    }
    // The format follows the name given to -o; one page gets exactly that name.
    let named = dir.join("untuk-wa.png");
    let Run { code, err, .. } = sopan([
        "render".as_ref(),
        sop.as_os_str(),
        "-o".as_ref(),
        named.as_os_str(),
        "--pages=1".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&named).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn page_ranges_out_of_the_document_are_usage_errors() {
    let dir = catalogue_copy("range");
    let sop = dir.join("perencanaan/lakip.toml");
    let Run { code, err, .. } = sopan([
        "render".as_ref(),
        sop.as_os_str(),
        "--format=png".as_ref(),
        "--pages=9".as_ref(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("halaman 9 tidak ada; SOP ini hanya 2 halaman"),
        "{err}"
    );
    assert!(!dir.join("perencanaan/lakip-9.png").exists());

    let Run { code, err, .. } = sopan(["render".as_ref(), sop.as_os_str(), "--pages=3-2".as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("maksudnya 2-3?"), "{err}");

    let Run { code, err, .. } = sopan(["render".as_ref(), sop.as_os_str(), "--ppi=0".as_ref()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--ppi"), "{err}");
}

#[test]
fn pdf_of_some_pages() {
    let dir = catalogue_copy("pdf");
    let sop = dir.join("perencanaan/lakip.toml");
    let target = dir.join("hal-1-2.pdf");
    let Run { code, out, err } = sopan([
        "render".as_ref(),
        sop.as_os_str(),
        "-o".as_ref(),
        target.as_os_str(),
        "--pages=1-2".as_ref(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(2 halaman)"), "{out}");
    let pdf = std::fs::read(&target).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // poppler-utils is installed by .ci/run.
    let info = std::process::Command::new("pdfinfo")
        .arg(&target)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 2")),
        "{info}"
    );
}
