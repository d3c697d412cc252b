//! The seven drawing rules of a flow table ("flow lines: the quality bar"), and an
//! independent checker of them. The router runs the checker to choose between drawing
//! orders; the tests run it on every example, every fixture and thousands of generated
//! flows, and cite the rules below by number.
//!
//! # The drawing rules
//!
//! Each rule as it is meant, then what [`check`] actually tests of it.
//!
//! 1. **Every edge once.** Every edge of the flow graph is drawn exactly once: as one
//!    line, or, across pages, as one line in pieces joined by a matched pair of off-page
//!    connectors. *Checked:* the drawn edges (procedure, from, to) equal the graph's,
//!    counted with repetition; an edge missing, drawn twice or not in the graph breaks it.
//!
//! 2. **Orthogonal, from boundary to boundary.** Lines run in horizontal and vertical
//!    segments only, start on the source symbol's boundary and end on the target's
//!    boundary with one arrowhead. *Checked:* every piece has at least two points and no
//!    diagonal segment; the first piece starts on the outline of a symbol of the source
//!    step (the nearest one, for a step drawn in several lanes) and the last ends on the
//!    outline of a symbol of the target, within 0.6 pt; a piece that starts or ends at a
//!    page break does so at the middle of a connector's top or bottom edge. Arrowheads
//!    are not in the geometry: `templates/gambar.typ` draws one at the last point of
//!    every piece, so a line cut by a page break also has one into its connector.
//!
//! 3. **Nothing in the way.** No line passes through any symbol, text, label or
//!    connector other than its own ends. *Checked:* every segment of every line and of
//!    every joint-step join, pulled in by 1.5 pt at both ends, stays out of every symbol
//!    (grown by 0.5 pt), every connector and every label (grown by 0.5 pt). A segment
//!    with an end on a symbol's outline may cross that symbol's bounding box (beside a
//!    diamond's slanted edge, a capsule's round end) but not its shape. No two symbols
//!    overlap, nor a connector and a symbol. The step texts stand in columns of their
//!    own beside the lanes; the router keeps tracks and connectors inside the lanes, and
//!    the checker does not look at the text columns.
//!
//! 4. **Lines apart.** No two lines share a segment, and parallel lines keep at least
//!    3 pt apart. Crossings are allowed only at right angles and are kept to a minimum.
//!    *Checked,* for segments of two different lines on one page (a joint step's join
//!    is a line of its own; the segments of one line are not compared): parallel
//!    segments less than 3 pt apart whose extents overlap or come within 3 pt of each
//!    other break it; a horizontal and a vertical segment that meet (within 0.5 pt) must
//!    cross strictly inside both, else they touch and break it. Crossings are at right
//!    angles by rule 2; they are counted ([`Report::crossings`]), not limited: keeping
//!    them few is the router's work.
//!
//! 5. **Exits and entries.** Loop-backs ("dikembalikan untuk diperbaiki") leave the
//!    diamond from a side vertex and run in a channel beside the symbols, each loop on
//!    its own track; forward skips likewise. Normal flow leaves from the bottom and
//!    enters from the top. *Checked,* for edges into a step (not into a "Selesai"
//!    capsule): an edge to the next step that leaves its source's bottom edge is normal
//!    flow and must reach the target's top edge; every other edge must leave from a
//!    side, not from the top or bottom edge, and from a diamond at a side vertex (within
//!    0.6 pt of its centre height). That jumps keep to the channels and to tracks of
//!    their own is not tested here, only through rules 3 and 4.
//!
//! 6. **Labels at their exits.** Ya/Tidak labels sit next to the exit they name and
//!    overlap nothing. *Checked:* every label lies within [`NEXT_TO_EXIT`] of the start
//!    of an edge with its text on its page, and every labelled edge has such a label; no
//!    line runs through a label, and a label overlaps no symbol, connector or other label.
//!
//! 7. **Page breaks.** At a page break the line ends in an off-page connector at the
//!    bottom of the page and continues from a connector with the same letter at the top
//!    of the next page, in the same lane. A loop-back to an earlier page uses a connector
//!    pair as well. Letters A, B, C, ... are unique within an SOP. *Checked:* every
//!    letter names exactly two connectors, on two different pages, at the same x (within
//!    0.5 pt); no two connectors on a page overlap; no edge has two consecutive pieces on
//!    one page. That the connector sits at the bottom of one page and the top of the
//!    other is the router's work, not tested here; the geometry checked is one SOP's, so
//!    letters are unique within it.

use std::collections::BTreeMap;

use super::geometry::*;
use crate::model::Bentuk;

/// How far a Ya/Tidak label may sit from the exit point it names: beside the exit line,
/// or tucked above/below the symbol's corner at that exit (about one label height away).
pub const NEXT_TO_EXIT: f64 = 13.0;

/// One broken rule, in words.
pub type Violation = String;

/// What the checker found.
#[derive(Debug, Default)]
pub struct Report {
    /// Broken rules.
    pub violations: Vec<Violation>,
    /// Right-angle crossings between lines.
    pub crossings: usize,
}

/// An edge the flow graph has: (procedure, from, to).
pub type Expected = (usize, usize, StepRef);

struct S {
    page: usize,
    a: [f64; 2],
    b: [f64; 2],
    owner: usize,
}

/// A symbol that a segment ends on may be approached through its bounding box (a diamond's
/// slanted edge, a capsule's round end), but never through the shape itself.
fn enters_shape(kind: Bentuk, r: &Rect, a: [f64; 2], b: [f64; 2]) -> bool {
    let len = (b[0] - a[0]).abs() + (b[1] - a[1]).abs();
    let steps = (len / 0.5).ceil().max(1.0) as usize;
    (1..steps).any(|k| {
        let t = k as f64 / steps as f64;
        let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        inside(kind, r, p)
    })
}

/// Strictly inside a symbol's shape (by more than a hair).
fn inside(kind: Bentuk, r: &Rect, p: [f64; 2]) -> bool {
    let (dx, dy) = ((p[0] - r.cx()).abs(), (p[1] - r.cy()).abs());
    let tol = 0.3;
    match kind {
        Bentuk::Decision => dx / (r.w / 2.0) + dy / (r.h / 2.0) < 1.0 - tol / (r.w.min(r.h) / 2.0),
        Bentuk::Terminator if r.w > r.h => {
            let radius = r.h / 2.0;
            let straight = r.w / 2.0 - radius;
            if dx <= straight {
                dy < radius - tol
            } else {
                (dx - straight).hypot(dy) < radius - tol
            }
        }
        _ => dx < r.w / 2.0 - tol && dy < r.h / 2.0 - tol,
    }
}

/// Checks rules 1-7 on a geometry, given the edges the flow graph must show.
pub fn check(g: &Geometry, expected: &[Expected]) -> Report {
    let mut viol: Vec<Violation> = Vec::new();
    let mut crossings = 0;

    // 1. Every edge exactly once.
    let mut want: BTreeMap<String, i32> = BTreeMap::new();
    for (p, f, t) in expected {
        *want.entry(format!("{p}:{f}->{t:?}")).or_default() += 1;
    }
    for e in &g.edges {
        *want
            .entry(format!("{}:{}->{:?}", e.procedure, e.from, e.to))
            .or_default() -= 1;
    }
    for (k, n) in &want {
        if *n != 0 {
            viol.push(format!("rule 1: edge {k} drawn {} times too few", n));
        }
    }

    let mut segs: Vec<S> = Vec::new();
    for (ei, e) in g.edges.iter().enumerate() {
        let n_paths = e.paths.len();
        for (pi, path) in e.paths.iter().enumerate() {
            let pts = &path.points;
            if pts.len() < 2 {
                viol.push(format!(
                    "rule 2: edge {}->{:?} has a path with {} points",
                    e.from,
                    e.to,
                    pts.len()
                ));
                continue;
            }
            for w in pts.windows(2) {
                let orth = (w[0][0] - w[1][0]).abs() < 1e-6 || (w[0][1] - w[1][1]).abs() < 1e-6;
                if !orth {
                    viol.push(format!(
                        "rule 2: edge {}->{:?} has a diagonal segment",
                        e.from, e.to
                    ));
                }
                segs.push(S {
                    page: path.page,
                    a: w[0],
                    b: w[1],
                    owner: ei,
                });
            }
            // Ends on boundaries.
            let start = pts[0];
            let end = pts[pts.len() - 1];
            let start_ok = if pi == 0 {
                on_symbol(g, e.procedure, StepRef::Step(e.from), path.page, start)
            } else {
                on_connector(g, path.page, start)
            };
            let end_ok = if pi + 1 == n_paths {
                on_symbol(g, e.procedure, e.to, path.page, end)
            } else {
                on_connector(g, path.page, end)
            };
            if !start_ok {
                viol.push(format!(
                    "rule 2: edge {}->{:?} does not start on its source boundary (page {})",
                    e.from, e.to, path.page
                ));
            }
            if !end_ok {
                viol.push(format!(
                    "rule 2: edge {}->{:?} does not end on its target boundary (page {})",
                    e.from, e.to, path.page
                ));
            }
        }
        // 5. Exits: normal flow bottom->top; jumps leave from a side.
        if let (Some(first), Some(last)) = (e.paths.first(), e.paths.last()) {
            let sym = symbol_of(
                g,
                e.procedure,
                StepRef::Step(e.from),
                first.page,
                first.points[0],
            );
            if let (Some(s), StepRef::Step(to)) = (sym, e.to) {
                let p0 = first.points[0];
                let sequential = to == e.from + 1 && (p0[1] - s.rect.bottom()).abs() < 0.6;
                if to == e.from + 1 && sequential {
                    let end = *last.points.last().unwrap_or(&[0.0, 0.0]);
                    let tgt = symbol_of(g, e.procedure, e.to, last.page, end);
                    if tgt.is_some_and(|t| (end[1] - t.rect.y).abs() > 0.6) {
                        viol.push(format!(
                            "rule 5: normal flow {}->{} does not enter from the top",
                            e.from, to
                        ));
                    }
                } else if (p0[1] - s.rect.cy()).abs() > s.rect.h / 2.0 - 0.5 {
                    viol.push(format!(
                        "rule 5: jump {}->{} does not leave from a side",
                        e.from, to
                    ));
                }
                if s.kind == Bentuk::Decision && !sequential && (p0[1] - s.rect.cy()).abs() > 0.6 {
                    viol.push(format!(
                        "rule 5: jump {}->{} does not leave the diamond from a side vertex",
                        e.from, to
                    ));
                }
            }
        }
    }
    for j in &g.joins {
        for w in j.points.windows(2) {
            segs.push(S {
                page: j.page,
                a: w[0],
                b: w[1],
                owner: usize::MAX - j.step,
            });
        }
    }

    // 3. No line through a symbol, label or connector (ends may touch their own boxes).
    let mut boxes: Vec<(usize, Rect, String)> = Vec::new();
    boxes.extend(
        g.symbols
            .iter()
            .map(|s| (s.page, s.rect, format!("symbol {:?}", s.step))),
    );
    boxes.extend(
        g.connectors
            .iter()
            .map(|c| (c.page, c.rect, format!("connector {}", c.id))),
    );
    boxes.extend(
        g.labels
            .iter()
            .map(|l| (l.page, l.rect, format!("label {}", l.text))),
    );
    for s in &segs {
        let (a, b) = shrink(s.a, s.b, 1.5);
        for sym in g.symbols.iter().filter(|y| y.page == s.page) {
            let own_end =
                on_outline(sym.kind, &sym.rect, s.a) || on_outline(sym.kind, &sym.rect, s.b);
            let hit = if own_end {
                enters_shape(sym.kind, &sym.rect, s.a, s.b)
            } else {
                seg_in_rect(a, b, &sym.rect.inflate(0.5))
            };
            if hit {
                viol.push(format!(
                    "rule 3: a line on page {} passes through symbol {:?}",
                    s.page, sym.step
                ));
            }
        }
        for (page, rect, what) in boxes.iter().skip(g.symbols.len()) {
            if *page == s.page && seg_in_rect(a, b, &rect.inflate(0.5)) {
                viol.push(format!(
                    "rule 3: a line on page {} passes through {what}",
                    s.page
                ));
            }
        }
    }

    // 4. No shared segments, parallels 3 pt apart, crossings only at right angles.
    for (k, s) in segs.iter().enumerate() {
        for t in &segs[k + 1..] {
            if s.page != t.page || s.owner == t.owner {
                continue;
            }
            let sh = (s.a[1] - s.b[1]).abs() < 1e-6;
            let th = (t.a[1] - t.b[1]).abs() < 1e-6;
            if sh == th {
                let ax = if sh { 0 } else { 1 };
                let (s0, s1) = minmax(s.a[ax], s.b[ax]);
                let (t0, t1) = minmax(t.a[ax], t.b[ax]);
                let d = (s.a[1 - ax] - t.a[1 - ax]).abs();
                if d < 3.0 - 1e-6 && s0 < t1 + 3.0 && t0 < s1 + 3.0 {
                    viol.push(format!(
                        "rule 4: two lines run {d:.1} pt apart on page {}",
                        s.page
                    ));
                }
            } else {
                let (h, vv) = if sh { (s, t) } else { (t, s) };
                let (hx0, hx1) = minmax(h.a[0], h.b[0]);
                let (vy0, vy1) = minmax(vv.a[1], vv.b[1]);
                let (x, y) = (vv.a[0], h.a[1]);
                if x >= hx0 - 0.5 && x <= hx1 + 0.5 && y >= vy0 - 0.5 && y <= vy1 + 0.5 {
                    let interior = x > hx0 + 0.5 && x < hx1 - 0.5 && y > vy0 + 0.5 && y < vy1 - 0.5;
                    if interior {
                        crossings += 1;
                    } else {
                        viol.push(format!(
                            "rule 4: two lines touch at ({x:.1}, {y:.1}) on page {}",
                            s.page
                        ));
                    }
                }
            }
        }
    }

    // 6. Labels beside their exit, overlapping nothing.
    for (k, l) in g.labels.iter().enumerate() {
        let owner = g.edges.iter().find(|e| {
            e.label.as_deref() == Some(&l.text)
                && e.paths
                    .first()
                    .is_some_and(|p| p.page == l.page && dist(&l.rect, p.points[0]) <= NEXT_TO_EXIT)
        });
        if owner.is_none() {
            viol.push(format!(
                "rule 6: label {} on page {} is not next to an exit it names",
                l.text, l.page
            ));
        }
        for s in &segs {
            if s.page == l.page && seg_in_rect(s.a, s.b, &l.rect) {
                viol.push(format!(
                    "rule 6: label {} on page {} overlaps a line",
                    l.text, l.page
                ));
            }
        }
        for (page, rect, what) in &boxes {
            if *page == l.page && *rect != l.rect && rect.overlaps(&l.rect) {
                viol.push(format!("rule 6: label {} overlaps {what}", l.text));
            }
        }
        for m in &g.labels[k + 1..] {
            if m.page == l.page && m.rect.overlaps(&l.rect) {
                viol.push(format!("rule 6: labels {} and {} overlap", l.text, m.text));
            }
        }
    }
    for e in g.edges.iter().filter(|e| e.label.is_some()) {
        let has = g.labels.iter().any(|l| {
            Some(&l.text) == e.label.as_ref()
                && e.paths
                    .first()
                    .is_some_and(|p| p.page == l.page && dist(&l.rect, p.points[0]) <= NEXT_TO_EXIT)
        });
        if !has {
            viol.push(format!(
                "rule 6: edge {}->{:?} has no label at its exit",
                e.from, e.to
            ));
        }
    }
    for (k, a) in g.symbols.iter().enumerate() {
        for b in &g.symbols[k + 1..] {
            if a.page == b.page && a.rect.overlaps(&b.rect) {
                viol.push(format!(
                    "rule 3: symbols {:?} and {:?} overlap",
                    a.step, b.step
                ));
            }
        }
        for c in &g.connectors {
            if a.page == c.page && a.rect.overlaps(&c.rect) {
                viol.push(format!(
                    "rule 3: connector {} overlaps symbol {:?}",
                    c.id, a.step
                ));
            }
        }
    }

    // 7. Connector pairs: unique letters, two ends on different pages, same x.
    let mut by_id: BTreeMap<&str, Vec<&Connector>> = BTreeMap::new();
    for c in &g.connectors {
        by_id.entry(&c.id).or_default().push(c);
    }
    for (id, cs) in &by_id {
        if cs.len() != 2 {
            viol.push(format!("rule 7: connector {id} appears {} times", cs.len()));
        } else if cs[0].page == cs[1].page || (cs[0].rect.cx() - cs[1].rect.cx()).abs() > 0.5 {
            viol.push(format!(
                "rule 7: connector pair {id} is not on two pages in the same lane"
            ));
        }
    }
    for (k, a) in g.connectors.iter().enumerate() {
        for b in &g.connectors[k + 1..] {
            if a.page == b.page && a.rect.overlaps(&b.rect) {
                viol.push(format!("rule 7: connectors {} and {} overlap", a.id, b.id));
            }
        }
    }
    for e in &g.edges {
        for w in e.paths.windows(2) {
            if w[0].page == w[1].page {
                viol.push(format!(
                    "rule 7: edge {}->{:?} has two paths on one page",
                    e.from, e.to
                ));
            }
        }
    }
    Report {
        violations: viol,
        crossings,
    }
}

fn minmax(a: f64, b: f64) -> (f64, f64) {
    (a.min(b), a.max(b))
}

fn shrink(a: [f64; 2], b: [f64; 2], d: f64) -> ([f64; 2], [f64; 2]) {
    let len = ((b[0] - a[0]).abs() + (b[1] - a[1]).abs()).max(1e-9);
    let d = d.min(len / 2.0 - 1e-6).max(0.0);
    let (dx, dy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
    (
        [a[0] + dx * d, a[1] + dy * d],
        [b[0] - dx * d, b[1] - dy * d],
    )
}

fn seg_in_rect(a: [f64; 2], b: [f64; 2], r: &Rect) -> bool {
    let (x0, x1) = minmax(a[0], b[0]);
    let (y0, y1) = minmax(a[1], b[1]);
    x0 < r.right() && x1 > r.x && y0 < r.bottom() && y1 > r.y
}

fn dist(r: &Rect, p: [f64; 2]) -> f64 {
    let dx = (r.x - p[0]).max(p[0] - r.right()).max(0.0);
    let dy = (r.y - p[1]).max(p[1] - r.bottom()).max(0.0);
    dx.max(dy)
}

fn symbol_of(
    g: &Geometry,
    proc_: usize,
    step: StepRef,
    page: usize,
    p: [f64; 2],
) -> Option<&Symbol> {
    g.symbols
        .iter()
        .filter(|s| s.procedure == proc_ && s.step == step && s.page == page)
        .min_by(|a, b| dist(&a.rect, p).total_cmp(&dist(&b.rect, p)))
}

fn on_symbol(g: &Geometry, proc_: usize, step: StepRef, page: usize, p: [f64; 2]) -> bool {
    let Some(s) = symbol_of(g, proc_, step, page, p) else {
        return false;
    };
    on_outline(s.kind, &s.rect, p)
}

/// Whether a point lies on a symbol's outline (within half a point).
pub fn on_outline(kind: Bentuk, r: &Rect, p: [f64; 2]) -> bool {
    let tol = 0.6;
    let (dx, dy) = ((p[0] - r.cx()).abs(), (p[1] - r.cy()).abs());
    match kind {
        Bentuk::Decision => {
            ((dx / (r.w / 2.0) + dy / (r.h / 2.0)) - 1.0).abs() * (r.w.min(r.h) / 2.0) < tol
        }
        Bentuk::Terminator if r.w > r.h => {
            let radius = r.h / 2.0;
            let straight = r.w / 2.0 - radius;
            if dx <= straight {
                (dy - radius).abs() < tol
            } else {
                ((dx - straight).hypot(dy) - radius).abs() < tol
            }
        }
        _ => {
            let inside = dx <= r.w / 2.0 + tol && dy <= r.h / 2.0 + tol;
            inside && ((dx - r.w / 2.0).abs() < tol || (dy - r.h / 2.0).abs() < tol)
        }
    }
}

fn on_connector(g: &Geometry, page: usize, p: [f64; 2]) -> bool {
    g.connectors.iter().any(|c| {
        c.page == page
            && (p[0] - c.rect.cx()).abs() < 0.6
            && ((p[1] - c.rect.y).abs() < 0.6 || (p[1] - c.rect.bottom()).abs() < 0.6)
    })
}

/// The edges the flow graph of an SOP must show, from the model alone.
pub fn expected_edges(prosedur: &[crate::model::Prosedur]) -> Vec<Expected> {
    prosedur
        .iter()
        .enumerate()
        .flat_map(|(p, pr)| expected_of(p, pr.langkah.iter().map(|l| l.alur)))
        .collect()
}

/// The edges of procedure `procedure`, whose steps flow as `alur` says.
pub fn expected_of(
    procedure: usize,
    alur: impl IntoIterator<Item = crate::model::Alur>,
) -> Vec<Expected> {
    use crate::model::Tujuan;
    let to_ref = |t: Tujuan| match t {
        Tujuan::Langkah(j) => StepRef::Step(j + 1),
        Tujuan::Selesai => StepRef::Selesai,
    };
    alur.into_iter()
        .enumerate()
        .flat_map(|(i, a)| a.tujuan().map(move |t| (procedure, i + 1, to_ref(t))))
        .collect()
}
