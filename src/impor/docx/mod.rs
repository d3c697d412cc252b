//! Reading a Word file (.docx) into the [`Dokumen`] model: the body's paragraphs and
//! tables (nested tables too) in reading order, with the page geometry of their
//! section, so that [`gambar`] can place the drawings anchored in them on the page.
//! One pass over the XML, which [`paket::xml_doc`] has already bounded in depth.

mod gambar;

use std::collections::BTreeMap;

use roxmltree::Node;

use super::ImporError;
use super::dokumen::{Baris, Dokumen, Emu, Kertas, Paragraf, Sel, TWIP, Tabel, bersih};
use super::paket::{Paket, xml_doc};

pub(crate) const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// The widest a cell may span (Word allows 63 columns).
const MAX_SPAN: usize = 1000;

/// The most rows read from one document.
const BARIS_MAKS: usize = 200_000;

/// A section's page: its width and margins, in EMU.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Halaman {
    lebar: Emu,
    /// The paper size and orientation `w:pgSz` names, when it does.
    kertas: Option<Kertas>,
    kiri: Emu,
    kanan: Emu,
    atas: Emu,
}

impl Default for Halaman {
    /// A4 upright with Word's margins of 2.54 cm.
    fn default() -> Self {
        Self {
            lebar: 11906 * TWIP,
            kertas: None,
            kiri: 1440 * TWIP,
            kanan: 1440 * TWIP,
            atas: 1440 * TWIP,
        }
    }
}

impl Halaman {
    fn of(sect: Node) -> Self {
        let mut h = Self::default();
        if let Some(sz) = child(sect, "pgSz") {
            h.lebar = twips(sz, "w").unwrap_or(h.lebar);
            h.kertas = kertas(sz);
        }
        if let Some(m) = child(sect, "pgMar") {
            h.kiri = twips(m, "left").unwrap_or(h.kiri);
            h.kanan = twips(m, "right").unwrap_or(h.kanan);
            h.atas = twips(m, "top").unwrap_or(h.atas);
        }
        h
    }

    /// The width between the margins.
    fn isi(&self) -> Emu {
        (self.lebar - self.kiri - self.kanan).max(0)
    }
}

/// The paper of a `w:pgSz`: its width and height (twips) and `w:orient`.
fn kertas(sz: Node) -> Option<Kertas> {
    let mm = |a: &str| -> Option<f64> {
        let v: f64 = sz.attribute((W, a))?.parse().ok()?;
        Some(v / 1440.0 * 25.4)
    };
    let (w, h) = (mm("w")?, mm("h")?);
    let landscape = match sz.attribute((W, "orient")) {
        Some("landscape") => true,
        Some("portrait") => false,
        _ => w > h,
    };
    Some(Kertas::dari_mm(w, h, landscape))
}

/// The first child element of `n` named `name` in Word's namespace.
pub(crate) fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

/// `w:val` of the child `name`.
fn val<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name)?.attribute((W, "val"))
}

/// A length attribute in twips, as EMU.
fn twips(n: Node, attr: &str) -> Option<Emu> {
    let v: f64 = n.attribute((W, attr))?.parse().ok()?;
    Some((v as Emu).saturating_mul(TWIP))
}

/// Whether an on/off property (`<w:b/>`, `<w:b w:val="0"/>`) is on.
fn on(n: Option<Node>) -> bool {
    n.is_some_and(|n| {
        !matches!(
            n.attribute((W, "val")),
            Some("0" | "false" | "off" | "none")
        )
    })
}

/// Reads a .docx file.
pub fn baca(data: &[u8]) -> Result<Dokumen, ImporError> {
    let mut paket = Paket::buka(data)?;
    let xml = paket
        .teks("word/document.xml")?
        .ok_or(ImporError::BukanOffice)?;
    let doc = xml_doc(&xml)?;
    let gaya = match paket.teks("word/styles.xml")? {
        Some(text) => Gaya::of(&xml_doc(&text)?),
        None => Gaya::default(),
    };
    let rels = paket.rels("word/document.xml")?;
    let body = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name((W, "body")))
        .ok_or(ImporError::BukanOffice)?;
    let mut pembaca = Pembaca {
        doc: Dokumen::default(),
        gaya,
        halaman: Vec::new(),
        bagian: 0,
        putus: false,
        gambar: gambar::Gambaran::new(&mut paket, rels),
    };
    pembaca.halaman = sections(body);
    pembaca.catat_kertas();
    pembaca.blocks(body, None)?;
    Ok(pembaca.doc)
}

/// The page of every section, in order: a section ends at a paragraph holding a
/// `w:sectPr`, and the body's own `w:sectPr` is the last.
fn sections(body: Node) -> Vec<Halaman> {
    body.descendants()
        .filter(|n| n.has_tag_name((W, "sectPr")))
        .map(Halaman::of)
        .collect()
}

/// What the paragraph styles say: which number their paragraphs.
#[derive(Debug, Default)]
struct Gaya {
    bernomor: BTreeMap<String, bool>,
    dasar: BTreeMap<String, String>,
}

impl Gaya {
    fn of(doc: &roxmltree::Document) -> Self {
        let mut g = Self::default();
        for s in doc.descendants().filter(|n| n.has_tag_name((W, "style"))) {
            let Some(id) = s.attribute((W, "styleId")) else {
                continue;
            };
            if let Some(ppr) = child(s, "pPr")
                && let Some(num) = child(ppr, "numPr")
            {
                g.bernomor
                    .insert(id.into(), val(num, "numId").is_some_and(|v| v != "0"));
            }
            if let Some(base) = val(s, "basedOn") {
                g.dasar.insert(id.into(), base.into());
            }
        }
        g
    }

    /// Whether style `id` (or a style it is based on) numbers its paragraphs.
    fn bernomor(&self, id: &str) -> bool {
        let mut at = id;
        for _ in 0..16 {
            if let Some(b) = self.bernomor.get(at) {
                return *b;
            }
            match self.dasar.get(at) {
                Some(base) => at = base,
                None => return false,
            }
        }
        false
    }
}

struct Pembaca<'p, 'a> {
    doc: Dokumen,
    gaya: Gaya,
    halaman: Vec<Halaman>,
    /// The section being read.
    bagian: usize,
    /// Whether a page break waits for the next row.
    putus: bool,
    gambar: gambar::Gambaran<'p, 'a>,
}

/// Where the paragraphs being read lie: a table's cell, or the body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tempat {
    /// The row the drawings are anchored in.
    pub baris: usize,
    /// The cell's left and right on the page, when known.
    pub sel: Option<(Emu, Emu)>,
}

impl Pembaca<'_, '_> {
    /// Notes the paper of the section that starts at the next row.
    fn catat_kertas(&mut self) {
        if let Some(k) = self.page().kertas {
            self.doc.kertas.push((self.doc.baris.len(), k));
        }
    }

    fn page(&self) -> Halaman {
        self.halaman
            .get(self.bagian)
            .or(self.halaman.last())
            .copied()
            .unwrap_or_default()
    }

    fn push(&mut self, row: Baris) -> Result<usize, ImporError> {
        if self.doc.baris.len() >= BARIS_MAKS {
            return Err(ImporError::Besar(format!(
                "berisi lebih dari {BARIS_MAKS} baris dan paragraf"
            )));
        }
        self.doc.baris.push(row);
        Ok(self.doc.baris.len() - 1)
    }

    /// The body's (or a cell's, a content control's) paragraphs and tables.
    fn blocks(&mut self, parent: Node, tempat: Option<Tempat>) -> Result<(), ImporError> {
        for block in parent.children().filter(Node::is_element) {
            if block.has_tag_name((W, "p")) {
                self.paragraph(block, tempat)?;
            } else if block.has_tag_name((W, "tbl")) {
                self.table(block, None)?;
            } else if block.has_tag_name((W, "sdt")) {
                if let Some(content) = child(block, "sdtContent") {
                    self.blocks(content, tempat)?;
                }
            } else if block.has_tag_name((W, "customXml")) {
                self.blocks(block, tempat)?;
            }
        }
        Ok(())
    }

    /// A paragraph of the body: its lines as rows of their own, its drawings.
    fn paragraph(&mut self, p: Node, tempat: Option<Tempat>) -> Result<(), ImporError> {
        let (lines, page_after) = self.lines(p);
        let before = child(p, "pPr").is_some_and(|ppr| on(child(ppr, "pageBreakBefore")));
        let mut first = None;
        if lines.is_empty() {
            let putus = std::mem::take(&mut self.putus) || before;
            first = Some(self.push(Baris::paragraf(Paragraf::default(), putus))?);
        }
        for line in lines {
            let putus = std::mem::take(&mut self.putus) || (before && first.is_none());
            let at = self.push(Baris::paragraf(line, putus))?;
            first.get_or_insert(at);
        }
        self.putus |= page_after;
        let row = first.unwrap_or(0);
        let page = self.page();
        let tempat = tempat.unwrap_or(Tempat {
            baris: row,
            sel: None,
        });
        self.gambar.drawings(p, &page, tempat, &mut self.doc);
        if child(p, "pPr").is_some_and(|ppr| child(ppr, "sectPr").is_some()) {
            self.bagian += 1;
            self.catat_kertas();
        }
        Ok(())
    }

    /// A paragraph's lines (split at line breaks), and whether a page break ends it.
    fn lines(&self, p: Node) -> (Vec<Paragraf>, bool) {
        let ppr = child(p, "pPr");
        let bernomor = ppr
            .map(|ppr| match child(ppr, "numPr") {
                Some(num) => val(num, "numId").is_some_and(|v| v != "0"),
                None => val(ppr, "pStyle").is_some_and(|s| self.gaya.bernomor(s)),
            })
            .unwrap_or(false);
        let mut teks = Teks::default();
        teks.walk(p);
        let mut out: Vec<Paragraf> = Vec::new();
        let mut numbered = bernomor;
        for (text, bold) in teks.lines {
            let text = bersih(&text);
            if text.trim().is_empty() {
                continue;
            }
            out.push(Paragraf {
                teks: text,
                bernomor: numbered,
                tebal: bold,
            });
            // The lines after a break belong to the numbered item.
            numbered = false;
        }
        (out, teks.page_break)
    }

    /// A table: its rows, each cell with its paragraphs, shading and nested tables.
    fn table(&mut self, tbl: Node, induk: Option<(usize, usize)>) -> Result<usize, ImporError> {
        let page = self.page();
        let mut tepi = vec![0 as Emu];
        for g in child(tbl, "tblGrid")
            .into_iter()
            .flat_map(|g| g.children().filter(|n| n.has_tag_name((W, "gridCol"))))
        {
            let w = twips(g, "w").unwrap_or(0).max(0);
            tepi.push(tepi.last().copied().unwrap_or(0) + w);
        }
        let kiri = if induk.is_none() {
            Some(table_left(tbl, &page, tepi.last().copied().unwrap_or(0)))
        } else {
            None
        };
        let index = self.doc.tabel.len();
        self.doc.tabel.push(Tabel {
            tepi,
            kiri,
            induk,
            kanvas: 0,
            nama: format!("tabel {}", index + 1),
        });
        for tr in rows_of(tbl) {
            self.row(tr, index)?;
        }
        Ok(index)
    }

    fn row(&mut self, tr: Node, table: usize) -> Result<(), ImporError> {
        let putus = std::mem::take(&mut self.putus);
        let at = self.push(Baris {
            tabel: Some(table),
            putus,
            ..Baris::default()
        })?;
        let mut col = child(tr, "trPr")
            .and_then(|p| val(p, "gridBefore"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0usize)
            .min(MAX_SPAN);
        let mut cells = Vec::new();
        for tc in cells_of(tr) {
            let pr = child(tc, "tcPr");
            let span = pr
                .and_then(|p| val(p, "gridSpan"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1usize)
                .clamp(1, MAX_SPAN);
            let lanjutan = pr
                .and_then(|p| child(p, "vMerge"))
                .is_some_and(|m| m.attribute((W, "val")).is_none_or(|v| v == "continue"));
            let arsir = pr.and_then(|p| child(p, "shd")).is_some_and(shaded);
            let sel_x = self.doc.tabel[table].rentang(col, span);
            let mut sel = Sel {
                kolom: col,
                lebar: span,
                lanjutan,
                arsir,
                ..Sel::default()
            };
            let tempat = Tempat {
                baris: at,
                sel: sel_x,
            };
            for block in tc.children().filter(Node::is_element) {
                self.cell_block(block, &mut sel, tempat, at, cells.len())?;
            }
            cells.push(sel);
            col = col.saturating_add(span);
        }
        self.doc.baris[at].sel = cells;
        Ok(())
    }

    /// One block of a cell: a paragraph (its lines into the cell, its drawings placed
    /// in the cell), a nested table, or a content control around them.
    fn cell_block(
        &mut self,
        block: Node,
        sel: &mut Sel,
        tempat: Tempat,
        row: usize,
        cell: usize,
    ) -> Result<(), ImporError> {
        if block.has_tag_name((W, "p")) {
            let (lines, page_after) = self.lines(block);
            sel.paragraf.extend(lines);
            self.putus |= page_after;
            let page = self.page();
            self.gambar.drawings(block, &page, tempat, &mut self.doc);
        } else if block.has_tag_name((W, "tbl")) {
            let nested = self.table(block, Some((row, cell)))?;
            sel.sarang.push(nested);
        } else if block.has_tag_name((W, "sdt")) || block.has_tag_name((W, "customXml")) {
            let inner = child(block, "sdtContent").unwrap_or(block);
            for b in inner.children().filter(Node::is_element) {
                self.cell_block(b, sel, tempat, row, cell)?;
            }
        }
        Ok(())
    }
}

/// A table's rows, through content controls around them.
fn rows_of<'a, 'i>(tbl: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    for n in tbl.children().filter(Node::is_element) {
        if n.has_tag_name((W, "tr")) {
            out.push(n);
        } else if n.has_tag_name((W, "sdt")) || n.has_tag_name((W, "customXml")) {
            out.extend(rows_of(child(n, "sdtContent").unwrap_or(n)));
        }
    }
    out
}

/// A row's cells, through content controls around them.
fn cells_of<'a, 'i>(tr: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    let mut out = Vec::new();
    for n in tr.children().filter(Node::is_element) {
        if n.has_tag_name((W, "tc")) {
            out.push(n);
        } else if n.has_tag_name((W, "sdt")) || n.has_tag_name((W, "customXml")) {
            out.extend(cells_of(child(n, "sdtContent").unwrap_or(n)));
        }
    }
    out
}

/// Whether a cell's `w:shd` fills it with a colour other than white.
fn shaded(shd: Node) -> bool {
    let fill = shd
        .attribute((W, "fill"))
        .unwrap_or("auto")
        .to_ascii_uppercase();
    let pattern = shd.attribute((W, "val")).unwrap_or("clear");
    let coloured = !matches!(fill.as_str(), "AUTO" | "FFFFFF" | "");
    // A solid or dotted pattern in the foreground colour shades the cell too.
    let patterned = !matches!(pattern, "clear" | "nil")
        && !matches!(
            shd.attribute((W, "color"))
                .unwrap_or("auto")
                .to_ascii_uppercase()
                .as_str(),
            "FFFFFF"
        );
    coloured || patterned
}

/// Where a table's left edge is on the page: after the left margin and the table's
/// indent, or centred or set right between the margins, or where a floating table is
/// placed.
fn table_left(tbl: Node, page: &Halaman, width: Emu) -> Emu {
    let pr = child(tbl, "tblPr");
    if let Some(pos) = pr.and_then(|p| child(p, "tblpPr")) {
        let x = twips(pos, "tblpX").unwrap_or(0);
        return match pos.attribute((W, "horzAnchor")) {
            Some("page") => x,
            _ => page.kiri + x,
        };
    }
    let indent = pr
        .and_then(|p| child(p, "tblInd"))
        .filter(|i| i.attribute((W, "type")).is_none_or(|t| t == "dxa"))
        .and_then(|i| twips(i, "w"))
        .unwrap_or(0);
    match pr.and_then(|p| val(p, "jc")) {
        Some("center") => page.kiri + (page.isi() - width) / 2,
        Some("right" | "end") => page.kiri + page.isi() - width,
        _ => page.kiri + indent,
    }
}

/// A paragraph's text gathered in one pass: its lines (split at line breaks), each with
/// whether all of its text is bold, and whether a page break is in it. Drawings,
/// fallbacks, deleted text and field codes are left out.
#[derive(Default)]
struct Teks {
    lines: Vec<(String, bool)>,
    line: String,
    bold: Option<bool>,
    page_break: bool,
}

impl Teks {
    fn walk(&mut self, p: Node) {
        self.node(p, false);
        self.end_line();
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let bold = self.bold.take().unwrap_or(false);
        self.lines.push((line, bold));
    }

    fn node(&mut self, n: Node, bold: bool) {
        if !n.is_element() {
            return;
        }
        let name = n.tag_name();
        if name.namespace() == Some(MC) && name.name() == "Fallback" {
            return;
        }
        if name.namespace() != Some(W) {
            // AlternateContent, smart tags of other namespaces: look inside.
            for c in n.children() {
                self.node(c, bold);
            }
            return;
        }
        match name.name() {
            "drawing" | "pict" | "object" | "txbxContent" | "del" | "delText" | "instrText"
            | "footnoteReference" | "endnoteReference" | "commentReference" | "pPr" | "rPr"
            | "fldData" => {}
            "r" => {
                let b = child(n, "rPr").is_some_and(|rpr| on(child(rpr, "b")));
                for c in n.children() {
                    self.node(c, b);
                }
            }
            "t" => {
                let text = n.text().unwrap_or("");
                if !text.trim().is_empty() {
                    self.bold = Some(self.bold.unwrap_or(true) && bold);
                }
                self.line.push_str(text);
            }
            "tab" | "ptab" => self.line.push('\t'),
            "br" | "cr" => {
                if n.attribute((W, "type")) == Some("page") {
                    self.page_break = true;
                }
                self.end_line();
            }
            "noBreakHyphen" => self.line.push('-'),
            "sym" => {
                if let Some(c) = symbol(n) {
                    self.bold = Some(self.bold.unwrap_or(true) && bold);
                    self.line.push(c);
                }
            }
            _ => {
                for c in n.children() {
                    self.node(c, bold);
                }
            }
        }
    }
}

/// The character a `w:sym` shows: Wingdings and Symbol check marks and crosses as the
/// Unicode ones; another code as itself when it is not in the private use area.
fn symbol(n: Node) -> Option<char> {
    let code = u32::from_str_radix(n.attribute((W, "char"))?, 16).ok()?;
    let font = n.attribute((W, "font")).unwrap_or("").to_lowercase();
    let low = code & 0xFF;
    if font.starts_with("wingdings") {
        return match low {
            0xFC => Some('✓'),
            0xFE => Some('☑'),
            0xFB | 0xFD => Some('✗'),
            0x6C | 0x9F => Some('•'),
            0x6E | 0xA7 => Some('■'),
            _ => None,
        };
    }
    if font == "symbol" {
        return match low {
            0xD6 => Some('√'),
            0xB7 => Some('•'),
            0xB4 => Some('×'),
            _ => char::from_u32(low),
        };
    }
    char::from_u32(code).filter(|c| !('\u{e000}'..='\u{f8ff}').contains(c))
}
