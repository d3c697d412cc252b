//! A sheet's drawing placed on the sheet: shapes, connectors (with the shapes their
//! ends are glued to), groups and pictures, anchored to two cells (`twoCellAnchor`),
//! to one cell and a size (`oneCellAnchor`), or by position (`absoluteAnchor`).

use roxmltree::Node;

use super::ukuran::Ukuran;
use super::{R, S};
use crate::impor::ImporError;
use crate::impor::dokumen::{
    Bentuk, Dokumen, Emu, Gambar, Garis, Letak, Simbol, Tegak, bersih, rapikan, ujung,
};
use crate::impor::paket::{A, Paket, heads, quarter, turn, xml_doc};

const XDR: &str = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing";

/// The largest picture read.
const GAMBAR_MAKS: u64 = 8 * 1024 * 1024;

/// A box on the sheet: left, top, width, height.
type Kotak = (f64, f64, f64, f64);

/// Reads the drawing of the sheet at `part` into `doc`, in frame `kanvas`.
pub(super) fn drawings(
    paket: &mut Paket,
    doc: &mut Dokumen,
    sheet: &roxmltree::Document,
    part: &str,
    kanvas: usize,
    ukuran: &Ukuran,
) -> Result<(), ImporError> {
    let Some(id) = sheet
        .root_element()
        .children()
        .find(|n| n.has_tag_name((S, "drawing")))
        .and_then(|n| n.attribute((R, "id")))
    else {
        return Ok(());
    };
    let Some(path) = paket.rels(part)?.get(id).cloned() else {
        return Ok(());
    };
    let Some(xml) = paket.teks(&path)? else {
        return Ok(());
    };
    let drawing = xml_doc(&xml)?;
    let rels = paket.rels(&path)?;
    let mut ctx = Ctx {
        paket,
        rels: &rels,
        doc,
        kanvas,
    };
    for anchor in drawing.root_element().children().filter(Node::is_element) {
        let Some(frame) = anchor_box(anchor, ukuran) else {
            continue;
        };
        for item in anchor.children().filter(Node::is_element) {
            ctx.item(item, frame, None)?;
        }
    }
    Ok(())
}

struct Ctx<'c, 'a> {
    paket: &'c mut Paket<'a>,
    rels: &'c std::collections::BTreeMap<String, String>,
    doc: &'c mut Dokumen,
    kanvas: usize,
}

/// The box an anchor gives its drawing.
fn anchor_box(anchor: Node, ukuran: &Ukuran) -> Option<Kotak> {
    let corner = |tag: &str| -> Option<(f64, f64)> {
        let at = anchor.children().find(|c| c.has_tag_name((XDR, tag)))?;
        let num = |name: &str| -> Option<f64> {
            at.children()
                .find(|c| c.has_tag_name((XDR, name)))?
                .text()?
                .trim()
                .parse()
                .ok()
        };
        let (col, row) = (num("col")? as u32, num("row")? as u32);
        Some((
            ukuran.kiri(col) as f64 + num("colOff").unwrap_or(0.0),
            ukuran.atas(row) as f64 + num("rowOff").unwrap_or(0.0),
        ))
    };
    let size = |n: Node| -> Option<(f64, f64)> {
        let e = n.children().find(|c| c.has_tag_name((XDR, "ext")))?;
        Some((
            e.attribute("cx")?.parse().ok()?,
            e.attribute("cy")?.parse().ok()?,
        ))
    };
    match anchor.tag_name().name() {
        "twoCellAnchor" => {
            let (a, b) = (corner("from")?, corner("to")?);
            Some((
                a.0.min(b.0),
                a.1.min(b.1),
                (b.0 - a.0).abs(),
                (b.1 - a.1).abs(),
            ))
        }
        "oneCellAnchor" => {
            let a = corner("from")?;
            let (w, h) = size(anchor)?;
            Some((a.0, a.1, w, h))
        }
        "absoluteAnchor" => {
            let pos = anchor.children().find(|c| c.has_tag_name((XDR, "pos")))?;
            let x: f64 = pos.attribute("x")?.parse().ok()?;
            let y: f64 = pos.attribute("y")?.parse().ok()?;
            let (w, h) = size(anchor)?;
            Some((x, y, w, h))
        }
        _ => None,
    }
}

impl Ctx<'_, '_> {
    /// One drawing item: a shape, a connector, a group, a picture; `group` maps a
    /// group's child coordinates onto the sheet.
    fn item(&mut self, item: Node, frame: Kotak, group: Option<&Ruang>) -> Result<(), ImporError> {
        let name = item.tag_name();
        if name.namespace() != Some(XDR) {
            return Ok(());
        }
        let sppr = item
            .children()
            .find(|c| c.has_tag_name((XDR, "spPr")) || c.has_tag_name((XDR, "grpSpPr")));
        let xfrm = sppr.and_then(|s| s.children().find(|c| c.has_tag_name((A, "xfrm"))));
        let own = match (group, xfrm) {
            (Some(r), Some(x)) => r.kotak(x),
            _ => frame,
        };
        match name.name() {
            "sp" => self.shape(item, own, xfrm, sppr),
            "cxnSp" => self.connector(item, own, xfrm, sppr),
            "pic" => self.picture(item, own)?,
            "grpSp" => {
                let inner = Ruang::of(own, xfrm);
                for c in item.children().filter(Node::is_element) {
                    self.item(c, own, Some(&inner))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn letak(&self, b: Kotak) -> Letak {
        Letak {
            x: (b.0.round() as Emu, (b.0 + b.2).round() as Emu),
            y: Tegak::Mutlak(b.1.round() as Emu),
            tinggi: b.3.round() as Emu,
            jangkar: None,
            kanvas: self.kanvas,
        }
    }

    fn id(&self, n: Node, tag: &str) -> Option<String> {
        n.descendants()
            .find(|d| d.has_tag_name((XDR, tag)))
            .and_then(|d| d.attribute("id"))
            .map(|i| format!("{}:{i}", self.kanvas))
    }

    fn shape(&mut self, sp: Node, b: Kotak, xfrm: Option<Node>, sppr: Option<Node>) {
        let prst = sppr
            .and_then(|s| s.children().find(|c| c.has_tag_name((A, "prstGeom"))))
            .and_then(|g| g.attribute("prst"))
            .unwrap_or("");
        if prst == "line" || prst.contains("Connector") {
            self.line(b, xfrm, sppr, (None, None), prst.contains("Connector"));
            return;
        }
        let text = rapikan(&bersih(
            &sp.descendants()
                .filter(|d| d.has_tag_name((A, "t")))
                .filter_map(|d| d.text())
                .collect::<Vec<_>>()
                .join(" "),
        ));
        let b = quarter_turned(b, xfrm);
        let letak = self.letak(b);
        let id = self.id(sp, "cNvPr");
        self.doc.simbol.push(Simbol {
            bentuk: Bentuk::of_preset(prst),
            letak,
            id,
            teks: text,
        });
    }

    fn connector(&mut self, cxn: Node, b: Kotak, xfrm: Option<Node>, sppr: Option<Node>) {
        let glue = |tag: &str| {
            cxn.descendants()
                .find(|d| d.has_tag_name((A, tag)))
                .and_then(|d| d.attribute("id"))
                .map(|i| format!("{}:{i}", self.kanvas))
        };
        let sambung = (glue("stCxn"), glue("endCxn"));
        self.line(b, xfrm, sppr, sambung, true);
    }

    /// A line or connector: its ends are the corners of its frame, as flipped and
    /// turned; the anchor's box is the turned frame's bounding box.
    fn line(
        &mut self,
        b: Kotak,
        xfrm: Option<Node>,
        sppr: Option<Node>,
        sambung: (Option<String>, Option<String>),
        penghubung: bool,
    ) {
        let (rot, flip_h, flip_v) = turn(xfrm);
        let frame = unturned(b, rot);
        let (awal, akhir) = ujung(frame, rot, flip_h, flip_v);
        let letak = self.letak(b);
        self.doc.garis.push(Garis {
            awal,
            akhir,
            panah: heads(sppr),
            sambung,
            penghubung,
            letak,
        });
    }

    fn picture(&mut self, pic: Node, b: Kotak) -> Result<(), ImporError> {
        let Some(part) = pic
            .descendants()
            .find(|n| n.has_tag_name((A, "blip")))
            .and_then(|n| n.attribute((R, "embed")))
            .and_then(|id| self.rels.get(id).cloned())
        else {
            return Ok(());
        };
        let Ok(Some(data)) = self.paket.bytes(&part, GAMBAR_MAKS) else {
            return Ok(());
        };
        let jenis = part
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let letak = self.letak(b);
        self.doc.gambar.push(Gambar { data, jenis, letak });
        Ok(())
    }
}

/// How a group's child coordinates map onto the sheet.
struct Ruang {
    ox: f64,
    oy: f64,
    cx: f64,
    cy: f64,
    sx: f64,
    sy: f64,
}

impl Ruang {
    /// The space of a group drawn into box `b`, with `chOff`/`chExt` from its `xfrm`.
    fn of(b: Kotak, xfrm: Option<Node>) -> Self {
        let pair = |name: &str, a: &str, z: &str| -> Option<(f64, f64)> {
            let c = xfrm?.children().find(|c| c.has_tag_name((A, name)))?;
            Some((c.attribute(a)?.parse().ok()?, c.attribute(z)?.parse().ok()?))
        };
        let ch_off = pair("chOff", "x", "y").unwrap_or((0.0, 0.0));
        let ch_ext = pair("chExt", "cx", "cy").unwrap_or((b.2, b.3));
        let scale = |size: f64, ch: f64| if ch > 0.0 { size / ch } else { 1.0 };
        Self {
            ox: b.0,
            oy: b.1,
            cx: ch_off.0,
            cy: ch_off.1,
            sx: scale(b.2, ch_ext.0),
            sy: scale(b.3, ch_ext.1),
        }
    }

    /// The box of a child whose `a:xfrm` is `xfrm`.
    fn kotak(&self, xfrm: Node) -> Kotak {
        let pair = |name: &str, a: &str, z: &str| -> (f64, f64) {
            xfrm.children()
                .find(|c| c.has_tag_name((A, name)))
                .and_then(|c| Some((c.attribute(a)?.parse().ok()?, c.attribute(z)?.parse().ok()?)))
                .unwrap_or((0.0, 0.0))
        };
        let (off, ext) = (pair("off", "x", "y"), pair("ext", "cx", "cy"));
        (
            self.ox + (off.0 - self.cx) * self.sx,
            self.oy + (off.1 - self.cy) * self.sy,
            ext.0 * self.sx,
            ext.1 * self.sy,
        )
    }
}

/// The unturned frame of a drawing whose anchor box is `b` (the turned frame's bounds).
fn unturned(b: Kotak, rot: f64) -> Kotak {
    if !quarter(rot) {
        return b;
    }
    let (cx, cy) = (b.0 + b.2 / 2.0, b.1 + b.3 / 2.0);
    (cx - b.3 / 2.0, cy - b.2 / 2.0, b.3, b.2)
}

/// A shape's box on the sheet is its anchor's box, however it is turned.
fn quarter_turned(b: Kotak, _xfrm: Option<Node>) -> Kotak {
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turned_connector_has_its_ends_at_its_frame_corners() {
        // A frame 100 wide and 20 high, turned a quarter: the anchor box is 20 × 100.
        let b = (0.0, 0.0, 20.0, 100.0);
        let frame = unturned(b, 90.0);
        assert_eq!(frame, (-40.0, 40.0, 100.0, 20.0));
        let (a, z) = ujung(frame, 90.0, false, false);
        // Turned clockwise, the frame's top-left corner comes to the top-right.
        assert_eq!((a, z), ((20, 0), (0, 100)));
    }
}
