//! Reading an Excel file (.xlsx): each sheet's cells as [`Baris`] (values with calamine,
//! merged cells as spans), and the flowchart shapes of its drawing (`xdr:twoCellAnchor`
//! or `xdr:oneCellAnchor`) in the row and column they are anchored to.

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx};
use roxmltree::{Document, Node};

use super::tabel::{Baris, Bentuk, Sel, Simbol, rapikan};
use super::{ImporError, Paket, paket, part};

const XDR: &str = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// Reads every sheet's rows, one sheet after another.
pub fn rows(data: &[u8]) -> Result<Vec<Baris>, ImporError> {
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(data.to_vec())).map_err(|_| ImporError::BukanOffice)?;
    let mut zip = paket(data)?;
    let paths = sheet_paths(&mut zip);
    let mut out = Vec::new();
    for (index, name) in book.sheet_names().into_iter().enumerate() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows: BTreeMap<u32, Baris> = BTreeMap::new();
        for (r, c, value) in range.used_cells() {
            let (r, c) = ((r as u32).saturating_add(r0), (c as u32).saturating_add(c0));
            let text = match value {
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::DateTime(d) => d.to_string(),
                Data::DateTimeIso(d) => d.clone(),
                Data::Bool(b) => b.to_string(),
                _ => String::new(),
            };
            let lines: Vec<String> = text
                .lines()
                .map(rapikan)
                .filter(|l| !l.is_empty())
                .collect();
            if lines.is_empty() {
                continue;
            }
            let span = merges
                .iter()
                .find(|m| m.start == (r, c))
                .map_or(1, |m| (m.end.1.saturating_sub(m.start.1) + 1) as usize);
            rows.entry(r).or_default().sel.push(Sel {
                kolom: c as usize,
                lebar: span,
                lanjutan: false,
                baris: lines,
            });
        }
        let mut arrows = Vec::new();
        if let Some(path) = paths.get(index) {
            let (shapes, lines) = drawing(&mut zip, path);
            for (r, c, bentuk) in shapes {
                rows.entry(r).or_default().simbol.push(Simbol {
                    bentuk,
                    kolom: c as usize,
                });
            }
            arrows = lines;
        }
        // Arrows point from one sheet row to another: counted in rows as kept here.
        let order: Vec<u32> = rows.keys().copied().collect();
        for (from, to) in arrows {
            if let (Ok(a), Ok(b)) = (order.binary_search(&from), order.binary_search(&to))
                && let Some(row) = rows.get_mut(&from)
            {
                row.panah.push(b as i64 - a as i64);
            }
        }
        for (_, mut row) in rows {
            row.sel.sort_by_key(|s| s.kolom);
            out.push(row);
        }
    }
    Ok(out)
}

/// The relationship targets of a part, by id, resolved against the part's folder.
fn rels(zip: &mut Paket<'_>, part_path: &str) -> BTreeMap<String, String> {
    let (dir, file) = part_path.rsplit_once('/').unwrap_or(("", part_path));
    let Some(xml) = part(zip, &format!("{dir}/_rels/{file}.rels")) else {
        return BTreeMap::new();
    };
    let Ok(doc) = Document::parse(&xml) else {
        return BTreeMap::new();
    };
    doc.descendants()
        .filter(|n| n.has_tag_name((REL, "Relationship")))
        .filter_map(|n| {
            Some((
                n.attribute("Id")?.to_string(),
                resolve(dir, n.attribute("Target")?),
            ))
        })
        .collect()
}

fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The worksheet parts in workbook order.
fn sheet_paths(zip: &mut Paket<'_>) -> Vec<String> {
    let targets = rels(zip, "xl/workbook.xml");
    let Some(xml) = part(zip, "xl/workbook.xml") else {
        return Vec::new();
    };
    let Ok(doc) = Document::parse(&xml) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "sheet")
        .filter_map(|n| targets.get(n.attribute((R, "id"))?).cloned())
        .collect()
}

/// Symbols (anchor row, anchor column, kind) and arrows (from row, to row).
type Gambar = (Vec<(u32, u32, Bentuk)>, Vec<(u32, u32)>);

/// The symbols and arrows of a worksheet's drawing.
fn drawing(zip: &mut Paket<'_>, sheet: &str) -> Gambar {
    let Some(xml) = part(zip, sheet) else {
        return Default::default();
    };
    let Ok(doc) = Document::parse(&xml) else {
        return Default::default();
    };
    let Some(id) = doc
        .descendants()
        .find(|n| n.tag_name().name() == "drawing")
        .and_then(|n| n.attribute((R, "id")))
        .map(str::to_string)
    else {
        return Default::default();
    };
    let Some(path) = rels(zip, sheet).get(&id).cloned() else {
        return Default::default();
    };
    let Some(xml) = part(zip, &path) else {
        return Default::default();
    };
    let Ok(doc) = Document::parse(&xml) else {
        return Default::default();
    };
    let mut out = Vec::new();
    let mut arrows = Vec::new();
    for anchor in doc.descendants().filter(|n| {
        n.has_tag_name((XDR, "twoCellAnchor")) || n.has_tag_name((XDR, "oneCellAnchor"))
    }) {
        if let Some(line) = anchor.children().find(|c| c.has_tag_name((XDR, "cxnSp")))
            && let Some(arrow) = arrow(anchor, line)
        {
            arrows.push(arrow);
            continue;
        }
        let Some(sp) = anchor.children().find(|c| c.has_tag_name((XDR, "sp"))) else {
            continue; // pictures, groups, lines without an arrowhead
        };
        let prst = sp
            .descendants()
            .find(|d| d.has_tag_name((A, "prstGeom")))
            .and_then(|g| g.attribute("prst"))
            .unwrap_or("");
        let Some(bentuk) = Bentuk::of_preset(prst) else {
            continue;
        };
        let text: String = sp
            .descendants()
            .filter(|d| d.has_tag_name((A, "t")))
            .filter_map(|d| d.text())
            .collect();
        if matches!(
            text.trim().to_lowercase().as_str(),
            "ya" | "tidak" | "y" | "t"
        ) {
            continue;
        }
        let cell = |tag: &str| -> Option<(u32, u32)> {
            let at = anchor.children().find(|c| c.has_tag_name((XDR, tag)))?;
            let num = |name: &str| -> Option<u32> {
                at.children()
                    .find(|c: &Node| c.has_tag_name((XDR, name)))?
                    .text()?
                    .trim()
                    .parse()
                    .ok()
            };
            Some((num("row")?, num("col")?))
        };
        let Some((row, col)) = cell("from") else {
            continue;
        };
        // A shape reaching into the next column lies in the one holding most of it.
        let col = match cell("to") {
            Some((_, to)) if to > col.saturating_add(1) => col + (to - col) / 2,
            _ => col,
        };
        out.push((row, col, bentuk));
    }
    (out, arrows)
}

/// The rows a connector line joins, from its tail to its arrowhead: a line is drawn
/// across its anchor box, corner to corner, turned by `flipV`/`flipH`; the head is at
/// its end (`a:tailEnd`) or its start (`a:headEnd`). `None` without exactly one head.
fn arrow(anchor: Node, line: Node) -> Option<(u32, u32)> {
    let row = |tag: &str| -> Option<u32> {
        anchor
            .children()
            .find(|c| c.has_tag_name((XDR, tag)))?
            .children()
            .find(|c| c.has_tag_name((XDR, "row")))?
            .text()?
            .trim()
            .parse()
            .ok()
    };
    let (top, bottom) = (row("from")?, row("to")?);
    let flip_v = line
        .descendants()
        .find(|d| d.has_tag_name((A, "xfrm")))
        .and_then(|x| x.attribute("flipV"))
        .is_some_and(|v| v == "1" || v == "true");
    let (start, end) = if flip_v { (bottom, top) } else { (top, bottom) };
    let head = |tag: &str| {
        line.descendants()
            .find(|d| d.has_tag_name((A, tag)))
            .and_then(|e| e.attribute("type"))
            .is_some_and(|t| t != "none")
    };
    match (head("headEnd"), head("tailEnd")) {
        (false, true) => Some((start, end)),
        (true, false) => Some((end, start)),
        _ => None,
    }
}
