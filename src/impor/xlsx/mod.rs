//! Reading an Excel file (.xlsx) into the [`Dokumen`] model: each visible sheet is one
//! table whose rows are the sheet's rows, at the heights and column widths Excel draws
//! them (from the workbook's own default font), with merged cells as spans, filled
//! cells marked, and date cells as dates; [`gambar`] places the sheet's drawings on the
//! same grid. Values come from calamine, only after the package and every sheet have
//! been measured: a sheet too big, too many cells, or too many shared strings is
//! refused before calamine reads a byte of it.

mod gambar;
mod ukuran;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx};
use roxmltree::Node;

use super::ImporError;
use super::dokumen::{Baris, Dokumen, Kertas, Paragraf, Sel, Tabel};
use super::paket::{Paket, xml_doc};
use ukuran::Ukuran;

const S: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The most cells one sheet may hold.
pub const SEL_MAKS: usize = 200_000;

/// The most cells the box around a sheet's cells may span (calamine keeps a sheet as
/// one dense grid of that box).
pub const LUAS_MAKS: u64 = 2_000_000;

/// The most shared strings a workbook may hold.
const TEKS_BERSAMA_MAKS: u64 = 1_000_000;

/// One worksheet of the workbook.
struct Lembar {
    nama: String,
    part: String,
}

/// Reads an .xlsx file.
pub fn baca(data: &[u8]) -> Result<Dokumen, ImporError> {
    let mut paket = Paket::buka(data)?;
    // Every part unpacked once within the limits, before calamine opens the package.
    paket.periksa_semua()?;
    let mut doc = Dokumen::default();
    let lembar = sheets(&mut paket, &mut doc)?;
    let gaya = match paket.teks("xl/styles.xml")? {
        Some(text) => Gaya::of(&xml_doc(&text)?),
        None => Gaya::default(),
    };
    shared_strings_fit(&mut paket)?;
    let mut sheets_xml = Vec::new();
    for l in &lembar {
        let xml = paket.teks(&l.part)?.unwrap_or_default();
        measure(&xml, &l.nama)?;
        sheets_xml.push(xml);
    }
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(data)).map_err(|_| ImporError::BukanOffice)?;
    for (n, (l, xml)) in lembar.iter().zip(&sheets_xml).enumerate() {
        let values = match book.worksheet_range(&l.nama) {
            Ok(range) => range,
            Err(e) => {
                doc.lewat.push(format!(
                    "lembar \"{}\" dilewati: isinya tidak terbaca ({})",
                    super::dokumen::bersih(&l.nama),
                    super::dokumen::bersih(&e.to_string())
                ));
                continue;
            }
        };
        let sheet = xml_doc(xml)?;
        let ukuran = Ukuran::of(&sheet, &gaya.font);
        match kertas(&sheet) {
            Ok(Some(k)) => doc.kertas.push((doc.baris.len(), k)),
            Ok(None) => {}
            Err(kode) => doc.lewat.push(format!(
                "lembar \"{}\": ukuran kertas Excel nomor {kode} tidak dikenal; dicetak A4, \
                 ubah [kertas] bila perlu",
                super::dokumen::bersih(&l.nama)
            )),
        }
        sheet_rows(&mut doc, &sheet, &values, &gaya, l, n + 1, &ukuran);
        gambar::drawings(&mut paket, &mut doc, &sheet, &l.part, n + 1, &ukuran)?;
    }
    Ok(doc)
}

/// The visible worksheets in workbook order; the others are named in `doc.lewat`.
fn sheets(paket: &mut Paket, doc: &mut Dokumen) -> Result<Vec<Lembar>, ImporError> {
    let targets = paket.rels("xl/workbook.xml")?;
    let xml = paket
        .teks("xl/workbook.xml")?
        .ok_or(ImporError::BukanOffice)?;
    let wb = xml_doc(&xml)?;
    let mut out = Vec::new();
    for n in wb.descendants().filter(|n| n.has_tag_name((S, "sheet"))) {
        let nama = n.attribute("name").unwrap_or("").to_string();
        let shown = super::dokumen::bersih(&nama);
        if matches!(n.attribute("state"), Some("hidden" | "veryHidden")) {
            doc.lewat.push(format!(
                "lembar \"{shown}\" disembunyikan di Excel; dilewati"
            ));
            continue;
        }
        let Some(part) = n.attribute((R, "id")).and_then(|id| targets.get(id)) else {
            continue;
        };
        if !part.contains("worksheets/") {
            doc.lewat.push(format!(
                "lembar \"{shown}\" bukan lembar kerja (grafik atau dialog); dilewati"
            ));
            continue;
        }
        out.push(Lembar {
            nama,
            part: part.clone(),
        });
    }
    Ok(out)
}

/// Refuses a shared-strings part that announces or holds more strings than a workbook
/// of SOPs ever has (calamine reserves room for what it announces).
fn shared_strings_fit(paket: &mut Paket) -> Result<(), ImporError> {
    let Some(xml) = paket.teks("xl/sharedStrings.xml")? else {
        return Ok(());
    };
    let head_end = xml.find("<si").unwrap_or(xml.len());
    let announced = ["uniqueCount=\"", "count=\""]
        .iter()
        .filter_map(|k| {
            let at = xml[..head_end].find(k)? + k.len();
            let digits: String = xml[at..].chars().take_while(char::is_ascii_digit).collect();
            Some(digits.parse::<u64>().unwrap_or(u64::MAX))
        })
        .max()
        .unwrap_or(0);
    let held = xml.matches("<si>").count() as u64 + xml.matches("<si ").count() as u64;
    if announced.max(held) > TEKS_BERSAMA_MAKS {
        return Err(ImporError::Besar(format!(
            "buku kerja ini berisi lebih dari {TEKS_BERSAMA_MAKS} teks"
        )));
    }
    Ok(())
}

/// Refuses a sheet with more cells than [`SEL_MAKS`], or whose cells (or declared
/// dimension) span a box larger than [`LUAS_MAKS`] cells, before anything else reads it.
fn measure(xml: &str, nama: &str) -> Result<(), ImporError> {
    let nama = super::dokumen::bersih(nama);
    let mut cells = 0usize;
    let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        // `c`, or `x:c` with a namespace prefix.
        if name.rsplit(':').next() != Some("c") {
            continue;
        }
        cells += 1;
        if cells > SEL_MAKS {
            return Err(ImporError::Besar(format!(
                "lembar \"{nama}\" berisi lebih dari {SEL_MAKS} sel"
            )));
        }
        let tag_end = rest.find('>').unwrap_or(rest.len());
        match attr_ref(&rest[name_end..tag_end]) {
            Some(Ok((r, c))) => (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
            // A reference Excel never writes would be read past every limit here.
            Some(Err(text)) => {
                let shown: String = super::dokumen::bersih(text).chars().take(20).collect();
                return Err(ImporError::Xml(format!(
                    "lembar \"{nama}\": rujukan sel \"{shown}\" bukan alamat sel Excel (A1 sampai XFD1048576)"
                )));
            }
            None => {}
        }
    }
    let area = |r0: u32, r1: u32, c0: u32, c1: u32| {
        u64::from(r1.saturating_sub(r0) + 1) * u64::from(c1.saturating_sub(c0) + 1)
    };
    let too_wide = |what: &str| {
        ImporError::Besar(format!(
            "lembar \"{nama}\" {what} lebih dari {LUAS_MAKS} sel (baris × kolom)"
        ))
    };
    if cells > 0 && area(r0, r1, c0, c1) > LUAS_MAKS {
        return Err(too_wide("membentang"));
    }
    if let Some(at) = xml.find("<dimension")
        && let Some(range) = xml[at..]
            .split("ref=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
    {
        let ends: Vec<Option<(u32, u32)>> = range.split(':').map(cell_ref).collect();
        if ends.iter().any(Option::is_none) {
            let shown: String = super::dokumen::bersih(range).chars().take(20).collect();
            return Err(ImporError::Xml(format!(
                "lembar \"{nama}\": ukuran lembar \"{shown}\" bukan rentang sel Excel (A1 sampai XFD1048576)"
            )));
        }
        if let [Some((a, b)), Some((c, d))] = ends[..]
            && area(a.min(c), a.max(c), b.min(d), b.max(d)) > LUAS_MAKS
        {
            return Err(too_wide("menyatakan ukurannya"));
        }
    }
    Ok(())
}

/// The `r="B12"` of a cell's start tag, as 0-based (row, column); the text itself when
/// it is no cell of an Excel sheet; `None` without one.
fn attr_ref(tag: &str) -> Option<Result<(u32, u32), &str>> {
    let mut at = tag;
    loop {
        let i = at.find("r=\"")?;
        let before = at[..i].chars().next_back();
        at = &at[i + 3..];
        if before.is_none_or(|c| c.is_whitespace()) {
            let text = at.split('"').next()?;
            return Some(cell_ref(text).ok_or(text));
        }
    }
}

/// An A1-style reference as 0-based (row, column).
pub(crate) fn cell_ref(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().trim_start_matches('$');
    let letters: String = text.chars().take_while(char::is_ascii_alphabetic).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let digits = text[letters.len()..].trim_start_matches('$');
    let row: u32 = digits.parse().ok()?;
    let mut col = 0u32;
    for c in letters.chars() {
        col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    // Excel's last cell is XFD1048576.
    ((1..=1_048_576).contains(&row) && (1..=16_384).contains(&col)).then(|| (row - 1, col - 1))
}

/// What the workbook's styles say: which cell formats are filled with a colour, and
/// the default font (for column widths).
#[derive(Debug)]
struct Gaya {
    /// By cell format index (`s`): whether it fills the cell.
    arsir: Vec<bool>,
    /// The default font's name and size in points.
    font: (String, f64),
}

impl Default for Gaya {
    /// A workbook without styles: Excel's default font, Calibri 11.
    fn default() -> Self {
        Self {
            arsir: Vec::new(),
            font: ("Calibri".into(), 11.0),
        }
    }
}

impl Gaya {
    fn of(doc: &roxmltree::Document) -> Self {
        fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
            n.children().find(|c| c.has_tag_name((S, name)))
        }
        let root = doc.root_element();
        let fills: Vec<bool> = child(root, "fills")
            .map(|f| {
                f.children()
                    .filter(|c| c.has_tag_name((S, "fill")))
                    .map(filled)
                    .collect()
            })
            .unwrap_or_default();
        let arsir = child(root, "cellXfs")
            .map(|x| {
                x.children()
                    .filter(|c| c.has_tag_name((S, "xf")))
                    .map(|xf| {
                        xf.attribute("fillId")
                            .and_then(|v| v.parse::<usize>().ok())
                            .and_then(|i| fills.get(i).copied())
                            .unwrap_or(false)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let font = child(root, "fonts")
            .and_then(|f| f.children().find(|c| c.has_tag_name((S, "font"))))
            .map(|f| {
                let val = |name: &str| {
                    child(f, name)
                        .and_then(|n| n.attribute("val"))
                        .unwrap_or("")
                        .to_string()
                };
                let name = val("name");
                let name = if name.is_empty() {
                    "Calibri".into()
                } else {
                    name
                };
                (name, val("sz").parse().unwrap_or(11.0))
            })
            .unwrap_or_else(|| ("Calibri".into(), 11.0));
        Self { arsir, font }
    }
}

/// Whether a `fill` colours its cell: a pattern other than none or the default grey
/// 12.5%, in a colour other than white; or a gradient.
fn filled(fill: Node) -> bool {
    if fill.children().any(|c| c.has_tag_name((S, "gradientFill"))) {
        return true;
    }
    let Some(p) = fill.children().find(|c| c.has_tag_name((S, "patternFill"))) else {
        return false;
    };
    let pattern = p.attribute("patternType").unwrap_or("none");
    if matches!(pattern, "none" | "gray125") {
        return false;
    }
    let white = p
        .children()
        .find(|c| c.has_tag_name((S, "fgColor")))
        .and_then(|c| c.attribute("rgb"))
        .is_some_and(|rgb| rgb.to_ascii_uppercase().ends_with("FFFFFF"));
    !white
}

/// Width and height in mm of Excel's `paperSize` numbers (the printer paper codes
/// ECMA-376 lists for `pageSetup`) that an SOP may be printed on.
const UKURAN_KERTAS: &[(u32, f64, f64)] = &[
    (1, 215.9, 279.4),  // Letter
    (2, 215.9, 279.4),  // Letter Small
    (5, 215.9, 355.6),  // Legal
    (8, 297.0, 420.0),  // A3
    (9, 210.0, 297.0),  // A4
    (10, 210.0, 297.0), // A4 Small
    (11, 148.0, 210.0), // A5
    (12, 250.0, 353.0), // B4
    (13, 182.0, 257.0), // B5
    (14, 215.9, 330.2), // Folio 8.5 x 13 in: F4
    (41, 215.9, 330.2), // German Legal Fanfold 8.5 x 13 in: F4
];

/// The paper a sheet's `<pageSetup>` sets, `None` when it sets none; `Err` with the
/// `paperSize` number when that number is not a paper size sopan knows. As Excel and
/// LibreOffice read it: `paperWidth`/`paperHeight` ("330mm", "13in") when given, else
/// `paperSize` (1, Letter, when absent); portrait unless `orientation="landscape"`.
fn kertas(sheet: &roxmltree::Document) -> Result<Option<Kertas>, u32> {
    let Some(setup) = sheet
        .root_element()
        .children()
        .find(|n| n.has_tag_name((S, "pageSetup")))
    else {
        return Ok(None);
    };
    let landscape = setup.attribute("orientation") == Some("landscape");
    let panjang = |a: &str| -> Option<f64> {
        let v = setup.attribute(a)?.trim();
        let (angka, per_mm) = if let Some(n) = v.strip_suffix("mm") {
            (n, 1.0)
        } else if let Some(n) = v.strip_suffix("cm") {
            (n, 10.0)
        } else {
            (v.strip_suffix("in")?, 25.4)
        };
        let n: f64 = angka.trim().parse().ok()?;
        (n > 0.0 && n < 10_000.0).then_some(n * per_mm)
    };
    let (short, long) = match (panjang("paperWidth"), panjang("paperHeight")) {
        (Some(w), Some(h)) => (w.min(h), w.max(h)),
        _ => {
            let kode = setup
                .attribute("paperSize")
                .map_or(Some(1), |v| v.trim().parse::<u32>().ok())
                .unwrap_or(0);
            let &(_, w, h) = UKURAN_KERTAS
                .iter()
                .find(|(k, ..)| *k == kode)
                .ok_or(kode)?;
            (w, h)
        }
    };
    let (w, h) = if landscape {
        (long, short)
    } else {
        (short, long)
    };
    Ok(Some(Kertas::dari_mm(w, h, landscape)))
}

/// The rows of one sheet: values from calamine, spans from its merged cells, fills
/// from its cells' formats, heights from its rows.
fn sheet_rows(
    doc: &mut Dokumen,
    sheet: &roxmltree::Document,
    values: &calamine::Range<Data>,
    gaya: &Gaya,
    lembar: &Lembar,
    kanvas: usize,
    ukuran: &Ukuran,
) {
    let merges: BTreeMap<(u32, u32), (u32, u32)> = sheet
        .descendants()
        .filter(|n| n.has_tag_name((S, "mergeCell")))
        .filter_map(|n| {
            let (a, b) = n.attribute("ref")?.split_once(':')?;
            let (a, b) = (cell_ref(a)?, cell_ref(b)?);
            Some(((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1))))
        })
        .collect();
    let covered = |r: u32, c: u32| {
        merges.iter().any(|(&(r0, c0), &(r1, c1))| {
            (r0..=r1).contains(&r) && (c0..=c1).contains(&c) && (r, c) != (r0, c0)
        })
    };
    let mut cells: BTreeMap<(u32, u32), Sel> = BTreeMap::new();
    let (r_start, c_start) = values.start().unwrap_or((0, 0));
    for (r, c, value) in values.used_cells() {
        let (r, c) = (r as u32 + r_start, c as u32 + c_start);
        let lines = value_lines(value);
        if lines.is_empty() || covered(r, c) {
            continue;
        }
        cells.insert(
            (r, c),
            Sel {
                kolom: c as usize,
                lebar: 1,
                paragraf: lines,
                ..Sel::default()
            },
        );
    }
    for n in sheet.descendants().filter(|n| n.has_tag_name((S, "c"))) {
        let Some((r, c)) = n.attribute("r").and_then(cell_ref) else {
            continue;
        };
        let shaded = n
            .attribute("s")
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|s| gaya.arsir.get(s).copied())
            .unwrap_or(false);
        if shaded && !covered(r, c) {
            cells
                .entry((r, c))
                .or_insert_with(|| Sel {
                    kolom: c as usize,
                    lebar: 1,
                    ..Sel::default()
                })
                .arsir = true;
        }
    }
    for (&(r0, c0), &(_, c1)) in &merges {
        if let Some(sel) = cells.get_mut(&(r0, c0)) {
            sel.lebar = (c1 - c0 + 1) as usize;
        }
    }
    let last_col = cells.keys().map(|&(_, c)| c).max().unwrap_or(0);
    let index = doc.tabel.len();
    doc.tabel.push(Tabel {
        tepi: (0..=last_col + 2).map(|c| ukuran.kiri(c)).collect(),
        kiri: Some(0),
        induk: None,
        kanvas,
        nama: format!("lembar \"{}\"", super::dokumen::bersih(&lembar.nama)),
    });
    let mut by_row: BTreeMap<u32, Vec<Sel>> = BTreeMap::new();
    for ((r, _), sel) in cells {
        by_row.entry(r).or_default().push(sel);
    }
    let mut first = true;
    let mut last: Option<u32> = None;
    for (r, sel) in by_row {
        if let Some(l) = last
            && r > l + 1
        {
            // An empty row between: kept as one, so that lists typed under a label end.
            doc.baris.push(Baris {
                tabel: Some(index),
                tinggi: Some((ukuran.atas(l + 1), ukuran.atas(r))),
                ..Baris::default()
            });
        }
        doc.baris.push(Baris {
            tabel: Some(index),
            sel,
            tinggi: Some((ukuran.atas(r), ukuran.atas(r + 1))),
            putus: first && kanvas > 1,
            nomor: Some(r + 1),
        });
        first = false;
        last = Some(r);
    }
}

/// A cell's value as lines: text split at its line breaks, whole numbers without a
/// decimal point, date cells as dates (`2024-01-23`).
fn value_lines(value: &Data) -> Vec<Paragraf> {
    let text = match value {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(d) => d.split('T').next().unwrap_or(d).to_string(),
        Data::DurationIso(d) => d.clone(),
        Data::Bool(b) => if *b { "YA" } else { "TIDAK" }.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    };
    text.split(['\n', '\r'])
        .map(Paragraf::teks)
        .filter(|p| !p.teks.trim().is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_as_row_and_column() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("$B$12"), Some((11, 1)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("XFE1"), None, "past Excel's last column");
        assert_eq!(cell_ref("A1048577"), None, "past Excel's last row");
        assert_eq!(cell_ref(&"a".repeat(300)), None);
        assert_eq!(attr_ref(" r=\"C3\" s=\"1\""), Some(Ok((2, 2))));
        assert_eq!(attr_ref(" s=\"1\" r=\"C3\""), Some(Ok((2, 2))));
        assert_eq!(attr_ref(" xr=\"Z9\""), None);
    }

    #[test]
    fn a_sheet_too_big_is_refused_before_it_is_read() {
        let far = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"/></row>\
                   <row r=\"3000\"><c r=\"XFD3000\"/></row></sheetData></worksheet>";
        let e = measure(far, "L").expect_err("refused").to_string();
        assert!(e.contains("membentang"), "{e}");
        let declared = "<worksheet><dimension ref=\"A1:XFD1048576\"/><sheetData/></worksheet>";
        let e = measure(declared, "L").expect_err("refused").to_string();
        assert!(e.contains("menyatakan ukurannya"), "{e}");
        let many = format!(
            "<sheetData>{}</sheetData>",
            "<c r=\"A1\"/>".repeat(SEL_MAKS + 1)
        );
        let e = measure(&many, "L").expect_err("refused").to_string();
        assert!(e.contains("lebih dari 200000 sel"), "{e}");
        assert!(measure("<sheetData><c r=\"B2\"/><col/></sheetData>", "L").is_ok());
    }

    fn paper(setup: &str) -> Result<Option<(Option<crate::model::Ukuran>, bool)>, u32> {
        let xml = format!("<worksheet xmlns=\"{S}\"><sheetData/>{setup}</worksheet>");
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        kertas(&doc).map(|k| k.map(|k| (k.ukuran, k.landscape)))
    }

    #[test]
    fn excel_paper_sizes_read_as_a4_f4_letter_and_legal() {
        use crate::model::Ukuran;
        let l = |u| Ok(Some((Some(u), true)));
        let p = |u| Ok(Some((Some(u), false)));
        assert_eq!(
            paper(r#"<pageSetup paperSize="9" orientation="landscape"/>"#),
            l(Ukuran::A4)
        );
        assert_eq!(
            paper(r#"<pageSetup paperSize="14" orientation="landscape"/>"#),
            l(Ukuran::F4)
        );
        assert_eq!(
            paper(r#"<pageSetup paperSize="5" orientation="portrait"/>"#),
            p(Ukuran::Legal)
        );
        // As the schema and LibreOffice have it: no paperSize is Letter, no orientation
        // is portrait; no pageSetup at all sets nothing.
        assert_eq!(
            paper(r#"<pageSetup orientation="landscape"/>"#),
            l(Ukuran::Letter)
        );
        assert_eq!(paper(r#"<pageSetup paperSize="9"/>"#), p(Ukuran::A4));
        assert_eq!(paper(""), Ok(None));
        assert_eq!(
            paper(
                r#"<pageSetup paperSize="9" paperWidth="215mm" paperHeight="33cm" orientation="landscape"/>"#
            ),
            l(Ukuran::F4)
        );
        // A3 is a known size but not one sopan prints: the writer marks it.
        assert_eq!(
            paper(r#"<pageSetup paperSize="8"/>"#),
            Ok(Some((None, false)))
        );
        assert_eq!(paper(r#"<pageSetup paperSize="99"/>"#), Err(99));
    }
}
