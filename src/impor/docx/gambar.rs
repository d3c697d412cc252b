//! The drawings of a Word paragraph, placed on the page: DrawingML shapes (`wps:wsp`),
//! groups (`wpg:wgp`, nested `wpg:grpSp` with their child offsets and scales), drawing
//! canvases (`wpc:wpc`) and pictures, inline or anchored from the page, the margin, the
//! column, the paragraph, the line or the character; and VML shapes in files from
//! older Word. A fallback (`mc:Fallback`) repeats its choice and is skipped.

use std::collections::BTreeMap;

use roxmltree::Node;

use super::{Halaman, Tempat, W, child};
use crate::impor::dokumen::{
    Bentuk, Dokumen, Emu, Gambar, Garis, Letak, POIN, Simbol, Tegak, bersih, rapikan, ujung,
};
use crate::impor::paket::{A, Paket, heads, quarter, turn};

const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const WPS: &str = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape";
const WPG: &str = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup";
const WPC: &str = "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas";
const PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const V: &str = "urn:schemas-microsoft-com:vml";
const O: &str = "urn:schemas-microsoft-com:office:office";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Word's default left and right cell margin (0.19 cm).
const MARGIN_SEL: Emu = 108 * 635;

/// The largest picture read (a logo is a few hundred KB).
const GAMBAR_MAKS: u64 = 8 * 1024 * 1024;

/// The most pictures read from one document.
const GAMBAR_JUMLAH_MAKS: usize = 400;

/// The most shapes and lines read from one document.
const BENTUK_MAKS: usize = 100_000;

/// Reads the drawings of a document's paragraphs.
pub(crate) struct Gambaran<'p, 'a> {
    paket: &'p mut Paket<'a>,
    rels: BTreeMap<String, String>,
    /// Drawings seen, to keep the ids of one drawing apart from another's.
    nomor: usize,
    media: BTreeMap<String, std::sync::Arc<[u8]>>,
}

/// How a drawing's inner coordinates map onto the page: `x -> ox + (x - cx) * sx`.
#[derive(Debug, Clone, Copy)]
struct Ruang {
    ox: f64,
    oy: f64,
    cx: f64,
    cy: f64,
    sx: f64,
    sy: f64,
}

impl Ruang {
    fn titik(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.ox + (x - self.cx) * self.sx,
            self.oy + (y - self.cy) * self.sy,
        )
    }

    /// The space of a group whose `a:xfrm` is `xfrm`, inside this one.
    fn grup(&self, xfrm: Option<Node>) -> Ruang {
        let Some(x) = xfrm else { return *self };
        let (off, ext) = (pair(x, "off", "x", "y"), pair(x, "ext", "cx", "cy"));
        let (ch_off, ch_ext) = (pair(x, "chOff", "x", "y"), pair(x, "chExt", "cx", "cy"));
        let (ox, oy) = self.titik(off.0, off.1);
        let scale = |ext: f64, ch: f64| if ch > 0.0 { ext / ch } else { 1.0 };
        Ruang {
            ox,
            oy,
            cx: ch_off.0,
            cy: ch_off.1,
            sx: self.sx * scale(ext.0, ch_ext.0),
            sy: self.sy * scale(ext.1, ch_ext.1),
        }
    }
}

/// Two numeric attributes of a child of `n` (`a:off x y`), zero when missing.
fn pair(n: Node, name: &str, a: &str, b: &str) -> (f64, f64) {
    let c = n.children().find(|c| c.has_tag_name((A, name)));
    let num = |attr: &str| {
        c.and_then(|c| c.attribute(attr))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (num(a), num(b))
}

/// The box of one drawing, and what its y is measured from.
#[derive(Debug, Clone, Copy)]
struct Bingkai {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    /// Whether y is from the top of the anchor row rather than from the page.
    dari_baris: bool,
}

impl<'p, 'a> Gambaran<'p, 'a> {
    pub(crate) fn new(paket: &'p mut Paket<'a>, rels: BTreeMap<String, String>) -> Self {
        Self {
            paket,
            rels,
            nomor: 0,
            media: BTreeMap::new(),
        }
    }

    /// Every drawing in paragraph `p`, placed on `page` from where `p` lies.
    pub(crate) fn drawings(&mut self, p: Node, page: &Halaman, tempat: Tempat, doc: &mut Dokumen) {
        let jc = child(p, "pPr")
            .and_then(|ppr| child(ppr, "jc"))
            .and_then(|j| j.attribute((W, "val")))
            .unwrap_or("left");
        let mut found = Vec::new();
        collect(p, &mut found);
        for d in found {
            if doc.simbol.len() + doc.garis.len() >= BENTUK_MAKS {
                return;
            }
            self.nomor += 1;
            if d.has_tag_name((W, "drawing")) {
                self.drawing(d, page, tempat, jc, doc);
            } else {
                self.vml(d, page, tempat, doc);
            }
        }
    }

    fn drawing(&mut self, d: Node, page: &Halaman, tempat: Tempat, jc: &str, doc: &mut Dokumen) {
        let Some(anchor) = d.children().find(Node::is_element) else {
            return;
        };
        let Some(frame) = place(anchor, page, tempat, jc) else {
            return;
        };
        let Some(data) = anchor
            .descendants()
            .find(|n| n.has_tag_name((A, "graphicData")))
        else {
            return;
        };
        let docpr_id = anchor
            .children()
            .find(|c| c.has_tag_name((WP, "docPr")))
            .and_then(|c| c.attribute("id"));
        let ruang = Ruang {
            ox: frame.x,
            oy: frame.y,
            cx: 0.0,
            cy: 0.0,
            sx: 1.0,
            sy: 1.0,
        };
        for g in data.children().filter(Node::is_element) {
            if g.has_tag_name((WPS, "wsp")) {
                // A shape alone: the anchor's box is its box.
                self.shape(
                    g,
                    None,
                    Some(frame),
                    frame.dari_baris,
                    docpr_id,
                    tempat,
                    doc,
                );
            } else if g.has_tag_name((WPG, "wgp")) {
                let group = g
                    .children()
                    .find(|c| c.has_tag_name((WPG, "grpSpPr")))
                    .and_then(|pr| pr.children().find(|c| c.has_tag_name((A, "xfrm"))));
                let inner = top_group(&frame, group);
                self.children(g, &inner, frame, tempat, doc);
            } else if g.has_tag_name((WPC, "wpc")) {
                self.children(g, &ruang, frame, tempat, doc);
            } else if g.has_tag_name((PIC, "pic")) {
                self.picture(g, frame, tempat, doc);
            }
        }
    }

    /// The shapes, groups and pictures inside a group or canvas.
    fn children(
        &mut self,
        g: Node,
        ruang: &Ruang,
        frame: Bingkai,
        tempat: Tempat,
        doc: &mut Dokumen,
    ) {
        for c in g.children().filter(Node::is_element) {
            if c.has_tag_name((WPS, "wsp")) {
                self.shape(c, Some(ruang), None, frame.dari_baris, None, tempat, doc);
            } else if c.has_tag_name((WPG, "grpSp")) {
                let xfrm = c
                    .children()
                    .find(|n| n.has_tag_name((WPG, "grpSpPr")))
                    .and_then(|pr| pr.children().find(|n| n.has_tag_name((A, "xfrm"))));
                let inner = ruang.grup(xfrm);
                self.children(c, &inner, frame, tempat, doc);
            } else if c.has_tag_name((PIC, "pic")) {
                let xfrm = c.descendants().find(|n| n.has_tag_name((A, "xfrm")));
                let b = xfrm.map_or(frame, |x| mapped(ruang, x, frame.dari_baris));
                self.picture(c, b, tempat, doc);
            }
        }
    }

    /// One shape: a step's symbol, a text box, or a line or connector. In a group its
    /// box comes from its `a:xfrm` through `in_group`; alone, from the anchor (`alone`).
    /// `dari_baris`: whether the drawing's y is from its anchor row.
    #[allow(clippy::too_many_arguments)]
    fn shape(
        &mut self,
        wsp: Node,
        in_group: Option<&Ruang>,
        alone: Option<Bingkai>,
        dari_baris: bool,
        docpr_id: Option<&str>,
        tempat: Tempat,
        doc: &mut Dokumen,
    ) {
        let sppr = wsp.children().find(|c| c.has_tag_name((WPS, "spPr")));
        let xfrm = sppr.and_then(|s| s.children().find(|c| c.has_tag_name((A, "xfrm"))));
        let b = match (in_group, alone, xfrm) {
            (Some(r), _, Some(x)) => mapped(r, x, dari_baris),
            (_, Some(a), _) => a,
            _ => return,
        };
        let prst = sppr
            .and_then(|s| s.children().find(|c| c.has_tag_name((A, "prstGeom"))))
            .and_then(|g| g.attribute("prst"))
            .unwrap_or("");
        let own_id = wsp
            .children()
            .find(|c| c.has_tag_name((WPS, "cNvPr")))
            .and_then(|c| c.attribute("id"))
            .or(docpr_id);
        let id = own_id.map(|i| format!("{}:{i}", self.nomor));
        let cxn = wsp.children().find(|c| c.has_tag_name((WPS, "cNvCnPr")));
        let letak = |b: &Bingkai| letak(b, tempat);
        if cxn.is_some() || is_line(prst) {
            let glue = |tag: &str| {
                cxn.and_then(|c| c.children().find(|n| n.has_tag_name((A, tag))))
                    .and_then(|n| n.attribute("id"))
                    .map(|i| format!("{}:{i}", self.nomor))
            };
            let (awal, akhir) = ends(&b, xfrm);
            doc.garis.push(Garis {
                awal,
                akhir,
                panah: heads(sppr),
                sambung: (glue("stCxn"), glue("endCxn")),
                penghubung: cxn.is_some() || prst.contains("Connector"),
                letak: letak(&b),
            });
            return;
        }
        let b = rotated(&b, xfrm);
        let text = rapikan(&bersih(
            &wsp.descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|d| d.text())
                .collect::<Vec<_>>()
                .join(" "),
        ));
        doc.simbol.push(Simbol {
            bentuk: Bentuk::of_preset(prst),
            letak: letak(&b),
            id,
            teks: text,
        });
    }

    fn picture(&mut self, pic: Node, b: Bingkai, tempat: Tempat, doc: &mut Dokumen) {
        if doc.gambar.len() >= GAMBAR_JUMLAH_MAKS {
            return;
        }
        let Some(id) = pic
            .descendants()
            .find(|n| n.has_tag_name((A, "blip")))
            .and_then(|n| n.attribute((R, "embed")))
        else {
            return;
        };
        let Some(part) = self.rels.get(id).cloned() else {
            return;
        };
        let data = match self.media.get(&part) {
            Some(d) => d.clone(),
            None => {
                let Ok(Some(bytes)) = self.paket.bytes(&part, GAMBAR_MAKS) else {
                    return;
                };
                let d: std::sync::Arc<[u8]> = bytes.into();
                self.media.insert(part.clone(), d.clone());
                d
            }
        };
        let jenis = part
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        doc.gambar.push(Gambar {
            data: data.to_vec(),
            jenis,
            letak: letak(&b, tempat),
        });
    }

    /// A VML picture (`w:pict`) from older Word: rectangles, rounded rectangles,
    /// ovals and preset shapes, placed by their style.
    fn vml(&mut self, pict: Node, page: &Halaman, tempat: Tempat, doc: &mut Dokumen) {
        for n in pict
            .descendants()
            .filter(|n| n.tag_name().namespace() == Some(V))
        {
            if n.ancestors().any(|a| a.has_tag_name((V, "group"))) && !n.has_tag_name((V, "group"))
            {
                // Shapes of a group are read with their group's coordinates.
                continue;
            }
            if n.has_tag_name((V, "group")) {
                self.vml_group(n, page, tempat, doc);
                continue;
            }
            if n.has_tag_name((V, "line")) {
                vml_line(n, page, tempat, doc);
                continue;
            }
            let Some(b) = vml_box(n, page, tempat) else {
                continue;
            };
            self.vml_shape(n, b, tempat, doc);
        }
    }

    fn vml_group(&mut self, g: Node, page: &Halaman, tempat: Tempat, doc: &mut Dokumen) {
        let Some(outer) = vml_box(g, page, tempat) else {
            return;
        };
        let nums = |attr: &str, default: (f64, f64)| {
            g.attribute(attr)
                .and_then(|v| {
                    let (a, b) = v.split_once(',')?;
                    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
                })
                .unwrap_or(default)
        };
        let origin = nums("coordorigin", (0.0, 0.0));
        let size = nums("coordsize", (1000.0, 1000.0));
        let ruang = Ruang {
            ox: outer.x,
            oy: outer.y,
            cx: origin.0,
            cy: origin.1,
            sx: if size.0 > 0.0 { outer.w / size.0 } else { 1.0 },
            sy: if size.1 > 0.0 { outer.h / size.1 } else { 1.0 },
        };
        for c in g.children().filter(|n| n.tag_name().namespace() == Some(V)) {
            let style = style_map(c.attribute("style").unwrap_or(""));
            let num = |k: &str| style.get(k).and_then(|v| v.trim().parse::<f64>().ok());
            let (Some(l), Some(t)) = (num("left"), num("top")) else {
                continue;
            };
            let (w, h) = (num("width").unwrap_or(0.0), num("height").unwrap_or(0.0));
            let (x0, y0) = ruang.titik(l, t);
            let (x1, y1) = ruang.titik(l + w, t + h);
            let b = Bingkai {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
                dari_baris: outer.dari_baris,
            };
            self.vml_shape(c, b, tempat, doc);
        }
    }

    fn vml_shape(&mut self, n: Node, b: Bingkai, tempat: Tempat, doc: &mut Dokumen) {
        let bentuk = match n.tag_name().name() {
            "roundrect" | "oval" => Some(Bentuk::Kapsul),
            "rect" => Some(Bentuk::Proses),
            "shape" => {
                let t = n
                    .attribute("type")
                    .map(|t| t.trim_start_matches("#_x0000_t").to_string())
                    .or_else(|| n.attribute((O, "spt")).map(str::to_string))
                    .unwrap_or_default();
                match t.as_str() {
                    "110" | "4" => Some(Bentuk::Keputusan),
                    "116" | "176" | "2" | "3" => Some(Bentuk::Kapsul),
                    "109" | "1" | "112" | "114" => Some(Bentuk::Proses),
                    _ => None,
                }
            }
            _ => return,
        };
        let text = rapikan(&bersih(
            &n.descendants()
                .filter(|d| d.has_tag_name((W, "t")))
                .filter_map(|d| d.text())
                .collect::<Vec<_>>()
                .join(" "),
        ));
        doc.simbol.push(Simbol {
            bentuk,
            letak: letak(&b, tempat),
            id: n.attribute("id").map(|i| format!("{}:{i}", self.nomor)),
            teks: text,
        });
    }
}

/// The drawings in paragraph `p`, in order: `w:drawing` (not inside a fallback or a
/// text box) and `w:pict` outside `mc:AlternateContent`.
fn collect<'a, 'i>(n: Node<'a, 'i>, out: &mut Vec<Node<'a, 'i>>) {
    for c in n.children().filter(Node::is_element) {
        if c.has_tag_name((MC, "Fallback")) || c.has_tag_name((W, "txbxContent")) {
            continue;
        }
        if c.has_tag_name((W, "drawing")) {
            out.push(c);
        } else if c.has_tag_name((W, "pict")) {
            if c.descendants().any(|d| d.tag_name().namespace() == Some(V)) {
                out.push(c);
            }
        } else {
            collect(c, out);
        }
    }
}

/// Where an inline or anchored drawing's box is on the page.
fn place(anchor: Node, page: &Halaman, tempat: Tempat, jc: &str) -> Option<Bingkai> {
    let ext = anchor.children().find(|c| c.has_tag_name((WP, "extent")));
    let size = |attr: &str| -> f64 {
        ext.and_then(|e| e.attribute(attr))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let (w, h) = (size("cx"), size("cy"));
    let area = tempat
        .sel
        .map(|(a, b)| (a + MARGIN_SEL, b - MARGIN_SEL))
        .unwrap_or((page.kiri, page.lebar - page.kanan));
    let area = (area.0 as f64, area.1 as f64);
    let in_line = |jc: &str| match jc {
        "center" => (area.0 + area.1 - w) / 2.0,
        "right" | "end" => area.1 - w,
        _ => area.0,
    };
    if anchor.has_tag_name((WP, "inline")) {
        return Some(Bingkai {
            x: in_line(jc),
            y: 0.0,
            w,
            h,
            dari_baris: true,
        });
    }
    if !anchor.has_tag_name((WP, "anchor")) {
        return None;
    }
    if anchor.attribute("simplePos") == Some("1")
        && let Some(sp) = anchor
            .children()
            .find(|c| c.has_tag_name((WP, "simplePos")))
    {
        let num = |a: &str| sp.attribute(a).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        return Some(Bingkai {
            x: num("x"),
            y: num("y"),
            w,
            h,
            dari_baris: false,
        });
    }
    // A shape anchored in a cell and placed from its column or character is placed in
    // the cell, as LibreOffice draws it, even when `layoutInCell` is off.
    let in_cell = tempat.sel.is_some();
    let pos = |tag: &str| anchor.children().find(|c| c.has_tag_name((WP, tag)));
    let x = pos("positionH").map_or(area.0, |p| {
        let from = p.attribute("relativeFrom").unwrap_or("column");
        let (a, b) = match from {
            "page" => (0.0, page.lebar as f64),
            "margin" | "insideMargin" | "outsideMargin" => {
                (page.kiri as f64, (page.lebar - page.kanan) as f64)
            }
            "leftMargin" => (0.0, page.kiri as f64),
            "rightMargin" => ((page.lebar - page.kanan) as f64, page.lebar as f64),
            "character" => {
                let at = if in_cell {
                    in_line(jc)
                } else {
                    page.kiri as f64
                };
                (at, at)
            }
            _ if in_cell => area,
            _ => (page.kiri as f64, (page.lebar - page.kanan) as f64),
        };
        offset(p, a, b, w)
    });
    let (y, dari_baris) = pos("positionV").map_or((0.0, true), |p| {
        let from = p.attribute("relativeFrom").unwrap_or("paragraph");
        match from {
            "page" => (offset(p, 0.0, 0.0, h), false),
            "margin" | "topMargin" | "insideMargin" | "outsideMargin" => {
                (page.atas as f64 + offset(p, 0.0, 0.0, h), false)
            }
            _ => (offset(p, 0.0, 0.0, h), true),
        }
    });
    Some(Bingkai {
        x,
        y,
        w,
        h,
        dari_baris,
    })
}

/// A position's offset from the start `a` of its reference (or its alignment between
/// `a` and `b` for a box `w` wide).
fn offset(p: Node, a: f64, b: f64, w: f64) -> f64 {
    if let Some(o) = p
        .children()
        .find(|c| c.has_tag_name((WP, "posOffset")))
        .and_then(|o| o.text())
        .and_then(|t| t.trim().parse::<f64>().ok())
    {
        return a + o;
    }
    match p
        .children()
        .find(|c| c.has_tag_name((WP, "align")))
        .and_then(|o| o.text())
        .map(str::trim)
    {
        Some("center") => (a + b - w) / 2.0,
        Some("right" | "bottom" | "outside") => b - w,
        _ => a,
    }
}

/// The space of a top-level group drawn into `frame`: its children's coordinates
/// (`chOff`, `chExt`) stretched over the anchor's box.
fn top_group(frame: &Bingkai, xfrm: Option<Node>) -> Ruang {
    let (ch_off, ch_ext) = xfrm.map_or(((0.0, 0.0), (frame.w, frame.h)), |x| {
        (pair(x, "chOff", "x", "y"), pair(x, "chExt", "cx", "cy"))
    });
    let scale = |size: f64, ch: f64| if ch > 0.0 { size / ch } else { 1.0 };
    Ruang {
        ox: frame.x,
        oy: frame.y,
        cx: ch_off.0,
        cy: ch_off.1,
        sx: scale(frame.w, ch_ext.0),
        sy: scale(frame.h, ch_ext.1),
    }
}

/// The box of a shape in a group, from its `a:xfrm`.
fn mapped(ruang: &Ruang, xfrm: Node, dari_baris: bool) -> Bingkai {
    let (off, ext) = (pair(xfrm, "off", "x", "y"), pair(xfrm, "ext", "cx", "cy"));
    let (x0, y0) = ruang.titik(off.0, off.1);
    let (x1, y1) = ruang.titik(off.0 + ext.0, off.1 + ext.1);
    Bingkai {
        x: x0.min(x1),
        y: y0.min(y1),
        w: (x1 - x0).abs(),
        h: (y1 - y0).abs(),
        dari_baris,
    }
}

/// Whether a preset geometry is a line or a connector.
fn is_line(prst: &str) -> bool {
    prst == "line"
        || prst.starts_with("straightConnector")
        || prst.starts_with("bentConnector")
        || prst.starts_with("curvedConnector")
}

/// A line's start and end, from its box and its `a:xfrm`'s flips and rotation.
fn ends(b: &Bingkai, xfrm: Option<Node>) -> ((Emu, Emu), (Emu, Emu)) {
    let (rot, flip_h, flip_v) = turn(xfrm);
    ujung((b.x, b.y, b.w, b.h), rot, flip_h, flip_v)
}

/// A shape's box as seen on the page: turned a quarter, its width and height swap.
fn rotated(b: &Bingkai, xfrm: Option<Node>) -> Bingkai {
    let (rot, _, _) = turn(xfrm);
    if !quarter(rot) {
        return *b;
    }
    let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
    Bingkai {
        x: cx - b.h / 2.0,
        y: cy - b.w / 2.0,
        w: b.h,
        h: b.w,
        dari_baris: b.dari_baris,
    }
}

fn letak(b: &Bingkai, tempat: Tempat) -> Letak {
    Letak {
        x: (b.x.round() as Emu, (b.x + b.w).round() as Emu),
        y: if b.dari_baris {
            Tegak::DariBaris(b.y.round() as Emu)
        } else {
            Tegak::Mutlak(b.y.round() as Emu)
        },
        tinggi: b.h.round() as Emu,
        jangkar: Some(tempat.baris),
        kanvas: 0,
    }
}

/// A VML style's properties.
fn style_map(style: &str) -> BTreeMap<String, String> {
    style
        .split(';')
        .filter_map(|kv| {
            let (k, v) = kv.split_once(':')?;
            Some((k.trim().to_lowercase(), v.trim().to_string()))
        })
        .collect()
}

/// A VML length ("12.5pt", "1in", "2cm", "10mm", "96px", "3" in points) in EMU.
fn vml_len(text: &str) -> Option<f64> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.trim().parse().ok()?;
    let per = match unit {
        "" | "pt" => POIN as f64,
        "in" => 914_400.0,
        "cm" => 360_000.0,
        "mm" => 36_000.0,
        "px" => 9_525.0,
        "pc" => 12.0 * POIN as f64,
        "emu" => 1.0,
        _ => return None,
    };
    Some(n * per)
}

/// Where a VML shape's coordinates start: the page, the margin, or the text column
/// (the cell); and whether its y is from its anchor row.
fn vml_base(style: &BTreeMap<String, String>, page: &Halaman, tempat: Tempat) -> (f64, f64, bool) {
    let base_x = match style
        .get("mso-position-horizontal-relative")
        .map(String::as_str)
    {
        Some("page") => 0.0,
        Some("margin") => page.kiri as f64,
        _ => tempat
            .sel
            .map_or(page.kiri as f64, |(a, _)| (a + MARGIN_SEL) as f64),
    };
    match style
        .get("mso-position-vertical-relative")
        .map(String::as_str)
    {
        Some("page") => (base_x, 0.0, false),
        Some("margin") => (base_x, page.atas as f64, false),
        _ => (base_x, 0.0, true),
    }
}

/// A VML line (`v:line from to`), with the arrowheads of its `v:stroke`.
fn vml_line(n: Node, page: &Halaman, tempat: Tempat, doc: &mut Dokumen) {
    let style = style_map(n.attribute("style").unwrap_or(""));
    let (bx, by, dari_baris) = vml_base(&style, page, tempat);
    let point = |attr: &str| -> Option<(f64, f64)> {
        let (x, y) = n.attribute(attr)?.split_once(',')?;
        Some((bx + vml_len(x)?, by + vml_len(y)?))
    };
    let (Some(a), Some(z)) = (point("from"), point("to")) else {
        return;
    };
    let stroke = n.children().find(|c| c.has_tag_name((V, "stroke")));
    let head = |attr: &str| {
        stroke
            .and_then(|s| s.attribute(attr))
            .is_some_and(|v| v != "none")
    };
    let b = Bingkai {
        x: a.0.min(z.0),
        y: a.1.min(z.1),
        w: (a.0 - z.0).abs(),
        h: (a.1 - z.1).abs(),
        dari_baris,
    };
    doc.garis.push(Garis {
        awal: (a.0 as Emu, a.1 as Emu),
        akhir: (z.0 as Emu, z.1 as Emu),
        panah: (head("startarrow"), head("endarrow")),
        sambung: (None, None),
        penghubung: false,
        letak: letak(&b, tempat),
    });
}

/// A VML shape's box from its style: `margin-left`/`margin-top` from the page, the
/// margin or the text column (the cell), with `width` and `height`.
fn vml_box(n: Node, page: &Halaman, tempat: Tempat) -> Option<Bingkai> {
    let style = style_map(n.attribute("style")?);
    let len = |k: &str| style.get(k).and_then(|v| vml_len(v));
    let left = len("margin-left").or_else(|| len("left"))?;
    let top = len("margin-top").or_else(|| len("top")).unwrap_or(0.0);
    let (w, h) = (len("width").unwrap_or(0.0), len("height").unwrap_or(0.0));
    let (base_x, base_y, dari_baris) = vml_base(&style, page, tempat);
    Some(Bingkai {
        x: base_x + left,
        y: base_y + top,
        w,
        h,
        dari_baris,
    })
}
