//! `sopan impor` on hostile files, each rebuilt from a security review's description:
//! packages that would take gigabytes or minutes, names that would reach the terminal,
//! and file names that would write where they should not. Each is refused (or
//! handled) in Indonesian with exit 1, quickly, and never aborts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{scratch, sopan};

/// A ZIP package of `parts`, stored deflated.
fn package(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(*name, options).expect("part");
        zip.write_all(data).expect("write part");
    }
    zip.finish().expect("zip").into_inner()
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A .docx whose body is `body` (WordprocessingML).
fn docx(body: &str) -> Vec<u8> {
    let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#
    );
    package(&[
        ("[Content_Types].xml", types.into()),
        ("_rels/.rels", rels.into()),
        ("word/document.xml", doc.into_bytes()),
    ])
}

/// A table cell holding `text`, with `props` (`<w:tcPr>` content).
fn tc(text: &str, props: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
}

/// One small SOP as Word tables: a kop, and a flow table of two lanes and one step.
fn sop_tables(nama: &str) -> String {
    let row = |cells: Vec<String>| format!("<w:tr>{}</w:tr>", cells.concat());
    let kop = format!(
        "<w:tbl>{}{}</w:tbl>",
        row(vec![tc("Nomor SOP", ""), tc("1/SOP/2024", "")]),
        row(vec![tc("Nama SOP", ""), tc(nama, "")]),
    );
    let restart = "<w:vMerge w:val=\"restart\"/>";
    let cont = "<w:vMerge/>";
    let flow = format!(
        "<w:tbl>{}{}{}</w:tbl>",
        row(vec![
            tc("No", restart),
            tc("Kegiatan", restart),
            tc("Pelaksana", "<w:gridSpan w:val=\"2\"/>"),
        ]),
        row(vec![
            tc("", cont),
            tc("", cont),
            tc("Kasubbag", ""),
            tc("Kepala Dinas", ""),
        ]),
        row(vec![
            tc("1", ""),
            tc("Menyusun laporan", ""),
            tc("X", ""),
            tc("", ""),
        ]),
    );
    format!("{kop}<w:p/>{flow}<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>")
}

/// A .xlsx of one sheet whose `<sheetData>` is `data`, with `shared` strings.
fn xlsx(dimension: &str, data: &str, shared: Option<Vec<u8>>) -> Vec<u8> {
    let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let book = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="SOP" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let book_rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{data}</sheetData></worksheet>"#
    );
    let shared = shared.unwrap_or_else(|| {
        br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>"#.to_vec()
    });
    package(&[
        ("[Content_Types].xml", types.into()),
        ("_rels/.rels", rels.into()),
        ("xl/workbook.xml", book.into()),
        ("xl/_rels/workbook.xml.rels", book_rels.into()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
        ("xl/sharedStrings.xml", shared),
    ])
}

/// Imports `data` saved as `name` in `dir` (into `dir/hasil`), timing it.
fn import(dir: &Path, name: &str, data: &[u8]) -> (crate::common::Run, Duration) {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write input");
    let start = Instant::now();
    let run = sopan([
        "impor".as_ref(),
        path.as_os_str(),
        "-o".as_ref(),
        dir.join("hasil").as_os_str(),
    ]);
    (run, start.elapsed())
}

/// Refused in Indonesian with exit 1, within `secs`, with no abort or panic.
fn assert_refused(run: &crate::common::Run, took: Duration, secs: u64, says: &str) {
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains(says), "{}", run.err);
    assert!(!run.err.contains("panicked") && !run.err.contains("memory allocation"));
    assert!(took < Duration::from_secs(secs), "took {took:?}");
}

#[test]
fn an_xlsx_cell_at_xfd1048576_is_refused_before_calamine_allocates() {
    let dir = scratch("bom-xfd");
    let far = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Nomor SOP</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let data = xlsx("A1:XFD1048576", far, None);
    assert!(data.len() < 10_000);
    let (run, took) = import(&dir, "jauh.xlsx", &data);
    assert_refused(&run, took, 5, "terlalu besar");
    // Without a dimension that says so, the cell alone (XFD3000: 1.5 GB in calamine).
    let near =
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="3000"><c r="XFD3000"><v>1</v></c></row>"#;
    let (run, took) = import(&dir, "xfd3000.xlsx", &xlsx("A1", near, None));
    assert_refused(&run, took, 5, "terlalu besar");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fuzz finding: a cell reference of 300 letters and no row, which the size check
/// could not read, made calamine ask for 660 GB and abort the process.
#[test]
fn an_xlsx_cell_reference_that_is_no_excel_cell_is_refused_not_an_abort() {
    let dir = scratch("bom-rujukan");
    let letters = "a".repeat(300);
    let cells = format!(r#"<row r="1"><c r="A1"><v>1</v></c><c r="{letters}"><v>2</v></c></row>"#);
    let (run, took) = import(&dir, "rujukan.xlsx", &xlsx("A1:B1", &cells, None));
    assert_refused(&run, took, 5, "bukan alamat sel Excel");
    let declared = r#"<row r="1"><c r="A1"><v>1</v></c></row>"#;
    let (run, took) = import(
        &dir,
        "ukuran.xlsx",
        &xlsx(&format!("A1:{letters}"), declared, None),
    );
    assert_refused(&run, took, 5, "bukan rentang sel Excel");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_xlsx_shared_strings_or_row_bomb_is_refused_by_its_uncompressed_size() {
    let dir = scratch("bom-sst");
    // Shared strings: a few MB compressed, far more inflated.
    let mut sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
    let item = b"<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>";
    while sst.len() < 40 * 1024 * 1024 {
        sst.extend_from_slice(item);
    }
    sst.extend_from_slice(b"</sst>");
    let data = xlsx(
        "A1",
        r#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
        Some(sst),
    );
    let (run, took) = import(&dir, "sst.xlsx", &data);
    assert_refused(&run, took, 10, "terlalu besar");
    // Rows: many cells, each small.
    let rows: String = (1..=300_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#))
        .collect();
    let (run, took) = import(&dir, "baris.xlsx", &xlsx("A1:A300000", &rows, None));
    assert_refused(&run, took, 10, "terlalu besar");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn deeply_nested_docx_is_refused_in_one_pass_not_after_a_minute() {
    let dir = scratch("bom-sarang");
    let depth = 150_000;
    let body = format!(
        "<w:p>{}<w:r><w:t>x</w:t></w:r>{}</w:p>",
        "<w:smartTag>".repeat(depth),
        "</w:smartTag>".repeat(depth)
    );
    let data = docx(&body);
    assert!(data.len() < 64 * 1024, "{} bytes", data.len());
    let (run, took) = import(&dir, "sarang.docx", &data);
    assert_refused(&run, took, 10, "bersarang");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn many_sops_in_one_docx_are_capped_and_same_names_are_deduplicated_quickly() {
    let dir = scratch("bom-banyak");
    // Over the cap: refused with the count, quickly.
    let body: String = (0..10_000).map(|_| sop_tables("Sama")).collect();
    let (run, took) = import(&dir, "banyak.docx", &docx(&body));
    assert_refused(&run, took, 30, "paling banyak");
    // Under it, 300 SOPs of one name: 300 files, each its own name.
    let body: String = (0..300).map(|_| sop_tables("Sama")).collect();
    let (run, took) = import(&dir, "sama.docx", &docx(&body));
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let written = std::fs::read_dir(dir.join("hasil"))
        .expect("written")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("sama"))
        })
        .count();
    assert_eq!(written, 300, "{}", run.out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn control_characters_in_a_nama_never_reach_the_terminal() {
    let dir = scratch("bom-kendali");
    // C1 controls are legal in XML 1.0: CSI (U+009B) starts a terminal sequence.
    let nama = "Surat&#x9B;31mMasuk&#x85;&#x202E;palsu";
    let (run, _) = import(&dir, "kendali.docx", &docx(&sop_tables(nama)));
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    for text in [&run.out, &run.err] {
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{text:?}"
        );
    }
    assert!(run.out.contains("Surat31mMasuk"), "{}", run.out);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn roxmltree_messages_an_encrypted_file_and_the_o_hint_are_indonesian() {
    let dir = scratch("bom-pesan");
    // A DTD: roxmltree says "XML with DTD detected".
    let types = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let data = package(&[
        ("[Content_Types].xml", types.into()),
        ("_rels/.rels", rels.into()),
        ("word/document.xml", doc.into_bytes()),
    ]);
    let (run, _) = import(&dir, "dtd.docx", &data);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        !run.err.contains("detected") && run.err.contains("DTD"),
        "{}",
        run.err
    );
    // Cut XML: roxmltree says "root node ... never closed".
    let data = package(&[
        ("[Content_Types].xml", types.into()),
        ("_rels/.rels", rels.into()),
        (
            "word/document.xml",
            format!(r#"<w:document xmlns:w="{W}"><w:body><w:p>"#).into_bytes(),
        ),
    ]);
    let (run, _) = import(&dir, "potong.docx", &data);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains("rusak atau terpotong") && !run.err.contains("never closed"),
        "{}",
        run.err
    );
    // An encrypted package is an OLE file holding "EncryptedPackage".
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&[0; 504]);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let (run, _) = import(&dir, "terkunci.docx", &ole);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("dilindungi kata sandi"), "{}", run.err);
    assert!(!run.err.contains("yang utuh"), "{}", run.err);
    // -o naming a file: the hint names a folder, not "x.docx-baru".
    let good = dir.join("laporan.docx");
    std::fs::write(&good, docx(&sop_tables("Laporan"))).unwrap();
    let file = dir.join("sudah-ada.txt");
    std::fs::write(&file, "x").unwrap();
    let run = sopan([
        "impor".as_ref(),
        good.as_os_str(),
        "-o".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(run.err.contains("-o laporan"), "{}", run.err);
    assert!(
        !run.err.contains("-baru") && !run.err.contains(".txt-"),
        "{}",
        run.err
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_input_named_dot_dot_docx_without_o_writes_into_a_folder_of_its_own() {
    let dir = scratch("bom-titik");
    let work = dir.join("kerja");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("..docx"), docx(&sop_tables("Laporan"))).unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(["impor", "..docx"])
        .current_dir(&work)
        .output()
        .expect("run sopan");
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{err}");
    let toml_here = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect()
    };
    assert!(toml_here(&work).is_empty(), "{:?}", toml_here(&work));
    assert!(toml_here(&dir).is_empty(), "{:?}", toml_here(&dir));
    let folders: Vec<PathBuf> = std::fs::read_dir(&work)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert!(folders[0].join("katalog.toml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_sop_named_katalog_is_written_beside_the_catalogue_file_not_dropped() {
    let dir = scratch("bom-katalog");
    let (run, _) = import(&dir, "katalog.docx", &docx(&sop_tables("Katalog")));
    assert_eq!(run.code, 0, "{}{}", run.out, run.err);
    let sop = dir.join("hasil/katalog-2.toml");
    let text = std::fs::read_to_string(&sop).unwrap_or_else(|e| panic!("{e}: {}", run.out));
    assert!(text.contains("nama = \"Katalog\""), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
