//! Reading a Word file (.docx): its body's paragraphs and tables as [`Baris`], with the
//! floating shapes of each row: DrawingML (`wps:wsp`, with its VML fallback skipped) or
//! VML alone, placed in a column by their anchor cell or by their offset against the
//! table's column widths.

use roxmltree::{Document, Node};

use super::tabel::{Baris, Bentuk, Sel, Simbol, rapikan};
use super::{ImporError, paket, part};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const WPS: &str = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const V: &str = "urn:schemas-microsoft-com:vml";
const O: &str = "urn:schemas-microsoft-com:office:office";

/// The widest a cell may span (Word allows 63 columns).
const MAX_SPAN: usize = 1000;

/// Reads the rows of a .docx file's body.
pub fn rows(data: &[u8]) -> Result<Vec<Baris>, ImporError> {
    let mut zip = paket(data)?;
    let xml = part(&mut zip, "word/document.xml").ok_or(ImporError::BukanOffice)?;
    let doc = Document::parse(&xml).map_err(|e| ImporError::Xml(e.to_string()))?;
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "body")))
        .ok_or(ImporError::BukanOffice)?;
    let mut out = Vec::new();
    for block in body.children().filter(Node::is_element) {
        if block.has_tag_name((W, "p")) {
            let text = paragraph_text(block);
            if !text.is_empty() {
                out.push(Baris {
                    sel: vec![Sel {
                        kolom: 0,
                        lebar: 1,
                        lanjutan: false,
                        baris: vec![text],
                    }],
                    simbol: Vec::new(),
                    panah: Vec::new(),
                });
            }
        } else if block.has_tag_name((W, "tbl")) {
            table(block, &mut out);
        }
    }
    Ok(out)
}

fn table(tbl: Node, out: &mut Vec<Baris>) {
    // Column edges in twips, from the table grid.
    let mut edges = vec![0i64];
    for g in tbl
        .children()
        .filter(|n| n.has_tag_name((W, "tblGrid")))
        .flat_map(|g| g.children().filter(|n| n.has_tag_name((W, "gridCol"))))
    {
        let w: i64 = g
            .attribute((W, "w"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        edges.push(edges.last().copied().unwrap_or(0) + w);
    }
    for tr in tbl.children().filter(|n| n.has_tag_name((W, "tr"))) {
        let mut row = Baris::default();
        let mut col = 0usize;
        for tc in tr.children().filter(|n| n.has_tag_name((W, "tc"))) {
            let pr = tc.children().find(|n| n.has_tag_name((W, "tcPr")));
            let span = pr
                .and_then(|p| p.children().find(|n| n.has_tag_name((W, "gridSpan"))))
                .and_then(|s| s.attribute((W, "val")))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1usize)
                .clamp(1, MAX_SPAN);
            let continued = pr
                .and_then(|p| p.children().find(|n| n.has_tag_name((W, "vMerge"))))
                .is_some_and(|m| m.attribute((W, "val")).is_none_or(|v| v == "continue"));
            let lines: Vec<String> = tc
                .children()
                .filter(|n| n.has_tag_name((W, "p")))
                .map(paragraph_text)
                .filter(|t| !t.is_empty())
                .collect();
            let left = edges.get(col).copied().unwrap_or(0);
            for shape in shapes(tc) {
                let kolom = match shape.1 {
                    Some(x) => column_at(&edges, left + x).unwrap_or(col),
                    None => col,
                };
                row.simbol.push(Simbol {
                    bentuk: shape.0,
                    kolom,
                });
            }
            row.sel.push(Sel {
                kolom: col,
                lebar: span,
                lanjutan: continued,
                baris: lines,
            });
            col = col.saturating_add(span);
        }
        out.push(row);
    }
}

/// The grid column whose edges hold `x` (twips from the table's left).
fn column_at(edges: &[i64], x: i64) -> Option<usize> {
    edges.windows(2).position(|e| e[0] <= x && x < e[1])
}

/// Whether `node` lies inside a fallback, a text box or a VML picture (its text and
/// shapes are not the cell's own, or are duplicates).
fn hidden(node: Node, stop: Node) -> bool {
    node.ancestors()
        .take_while(|a| *a != stop)
        .any(|a| a.has_tag_name((MC, "Fallback")) || a.has_tag_name((W, "txbxContent")))
}

/// A paragraph's own text, without the text of shapes anchored in it.
fn paragraph_text(p: Node) -> String {
    let mut text = String::new();
    for n in p.descendants() {
        if hidden(n, p) || n.ancestors().any(|a| a.has_tag_name((V, "textbox"))) {
            continue;
        }
        if n.has_tag_name((W, "t")) {
            text.push_str(n.text().unwrap_or(""));
        } else if n.has_tag_name((W, "tab")) || n.has_tag_name((W, "br")) {
            text.push(' ');
        }
    }
    rapikan(&text)
}

/// The shapes anchored in a cell that are steps' symbols, each with its horizontal
/// centre against the cell's left edge (twips) when it is placed by an offset.
fn shapes(tc: Node) -> Vec<(Bentuk, Option<i64>)> {
    let mut out = Vec::new();
    for n in tc.descendants() {
        if hidden(n, tc) {
            continue;
        }
        if n.has_tag_name((WPS, "wsp")) {
            let connector = n.children().any(|c| c.has_tag_name((WPS, "cNvCnPr")));
            let prst = n
                .descendants()
                .find(|d| d.has_tag_name((A, "prstGeom")))
                .and_then(|g| g.attribute("prst"))
                .unwrap_or("");
            let Some(bentuk) = Bentuk::of_preset(prst).filter(|_| !connector) else {
                continue;
            };
            if is_label(&shape_text(n)) {
                continue;
            }
            out.push((bentuk, anchor_centre(n)));
        } else if n.tag_name().namespace() == Some(V) {
            let bentuk = match n.tag_name().name() {
                "roundrect" => Some(Bentuk::Kapsul),
                "rect" => Some(Bentuk::Proses),
                "shape" => {
                    let t = n
                        .attribute("type")
                        .map(|t| t.trim_start_matches("#_x0000_t").to_string())
                        .or_else(|| n.attribute((O, "spt")).map(str::to_string))
                        .unwrap_or_default();
                    match t.as_str() {
                        "110" | "4" => Some(Bentuk::Keputusan),
                        "116" | "176" => Some(Bentuk::Kapsul),
                        "109" | "1" => Some(Bentuk::Proses),
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some(bentuk) = bentuk else { continue };
            if is_label(&shape_text(n)) {
                continue;
            }
            out.push((bentuk, vml_centre(n)));
        }
    }
    out
}

/// Text inside a shape (a text box).
fn shape_text(shape: Node) -> String {
    rapikan(
        &shape
            .descendants()
            .filter(|d| d.has_tag_name((W, "t")))
            .filter_map(|d| d.text())
            .collect::<String>(),
    )
}

/// Whether a shape's text marks it as a Ya/Tidak label rather than a step.
fn is_label(text: &str) -> bool {
    matches!(
        text.to_lowercase().as_str(),
        "ya" | "tidak" | "y" | "t" | "yes" | "no"
    )
}

/// The centre of a DrawingML shape against its anchor cell's left edge, in twips, when
/// it is placed by an offset from the column (the cell).
fn anchor_centre(wsp: Node) -> Option<i64> {
    let anchor = wsp.ancestors().find(|a| a.has_tag_name((WP, "anchor")))?;
    let pos = anchor
        .children()
        .find(|c| c.has_tag_name((WP, "positionH")))?;
    if pos.attribute("relativeFrom") != Some("column") {
        return None;
    }
    let offset: i64 = pos
        .children()
        .find(|c| c.has_tag_name((WP, "posOffset")))?
        .text()?
        .trim()
        .parse()
        .ok()?;
    let width: i64 = anchor
        .children()
        .find(|c| c.has_tag_name((WP, "extent")))
        .and_then(|e| e.attribute("cx"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((offset + width / 2) / 635)
}

/// The centre of a VML shape from its `margin-left` and `width` (points), in twips.
fn vml_centre(shape: Node) -> Option<i64> {
    let style = shape.attribute("style")?;
    let get = |key: &str| -> Option<f64> {
        style.split(';').find_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            (k.trim() == key).then(|| v.trim().trim_end_matches("pt").parse().ok())?
        })
    };
    let left = get("margin-left")?;
    let width = get("width").unwrap_or(0.0);
    Some(((left + width / 2.0) * 20.0) as i64)
}
