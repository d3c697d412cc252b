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
//!    cross strictly inside both, else they touch and break it. The table's own rules
//!    are lines too: a segment running within 1.5 pt along a row border or a lane
//!    border ([`TableRules`]) would vanish into it and breaks the rule. Crossings are at
//!    right angles by rule 2; they are counted ([`Report::crossings`]), not limited:
//!    keeping them few is the router's work.
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
//!    overlap nothing, the table's own lines included. *Checked:* every label lies
//!    within [`NEXT_TO_EXIT`] of the start of an edge with its text on its page (or
//!    right beside the edge's first stretch, at most that far past the first lane
//!    border the stretch crosses), and every labelled edge has such a label; no line
//!    runs through a label, and a label overlaps no symbol, connector or other label;
//!    every label lies wholly inside one cell of a flow table on its page (one lane of
//!    one step row, [`TableRules`]), at least [`LABEL_MARGIN`] from the cell's borders.
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
use super::route::{LABEL_MARGIN, RULE_CLEAR};
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

/// A segment of a drawn line, with the line it belongs to.
struct Segment {
    page: usize,
    a: [f64; 2],
    b: [f64; 2],
    /// The edge's index, or `usize::MAX - step` for the join of a joint step.
    owner: usize,
}

/// A box lines and labels must keep out of, with what it is, for the message.
type Obstacle = (usize, Rect, String);

/// Checks rules 1-7 on a geometry, given the edges the flow graph must show.
///
/// The findings come in a fixed order that tests rely on: rule 1; rules 2 and 5 edge by
/// edge; rule 3 for lines; rule 4 (lines, then table rules); rule 6; rule 3 for overlapping symbols; rule 7.
pub fn check(g: &Geometry, expected: &[Expected]) -> Report {
    let mut found = Vec::new();
    every_edge_once(g, expected, &mut found);
    for e in &g.edges {
        orthogonal_between_boundaries(g, e, &mut found);
        exits_and_entries(g, e, &mut found);
    }
    let segments = segments(g);
    let obstacles = obstacles(g);
    lines_clear_of_boxes(g, &segments, &obstacles, &mut found);
    let crossings = lines_apart(&segments, &mut found);
    lines_off_table_rules(g, &segments, &mut found);
    labels_at_their_exits(g, &segments, &obstacles, &mut found);
    symbols_apart(g, &mut found);
    connector_pairs(g, &mut found);
    Report {
        violations: found,
        crossings,
    }
}

/// Rule 4, the table's own lines: no segment runs along a row or lane border.
fn lines_off_table_rules(g: &Geometry, segments: &[Segment], found: &mut Vec<Violation>) {
    for s in segments {
        if g.rules
            .iter()
            .any(|r| r.page == s.page && r.runs_along(s.a, s.b, RULE_CLEAR))
        {
            found.push(format!(
                "rule 4: a line runs along a table border on page {} at ({:.1}, {:.1})",
                s.page, s.a[0], s.a[1]
            ));
        }
    }
}

/// Rule 1: every edge of the flow graph is drawn exactly once.
fn every_edge_once(g: &Geometry, expected: &[Expected], found: &mut Vec<Violation>) {
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
            found.push(format!("rule 1: edge {k} drawn {} times too few", n));
        }
    }
}

/// Rule 2: every piece of an edge's line is orthogonal and runs from its source's
/// boundary (a symbol, or a connector after a page break) to its target's.
fn orthogonal_between_boundaries(g: &Geometry, e: &Edge, found: &mut Vec<Violation>) {
    for (k, path) in e.paths.iter().enumerate() {
        let pts = &path.points;
        if pts.len() < 2 {
            found.push(format!(
                "rule 2: edge {}->{:?} has a path with {} points",
                e.from,
                e.to,
                pts.len()
            ));
            continue;
        }
        for w in pts.windows(2) {
            if !orthogonal(w[0], w[1]) {
                found.push(format!(
                    "rule 2: edge {}->{:?} has a diagonal segment",
                    e.from, e.to
                ));
            }
        }
        ends_on_boundaries(g, e, k, path, found);
    }
}

/// Rule 2 for the ends of piece `k` of edge `e`: the first piece starts on its source
/// symbol, the last ends on its target, and the ends between are on connectors.
fn ends_on_boundaries(
    g: &Geometry,
    e: &Edge,
    k: usize,
    path: &PagePath,
    found: &mut Vec<Violation>,
) {
    let pts = &path.points;
    let (start, end) = (pts[0], pts[pts.len() - 1]);
    let start_ok = if k == 0 {
        on_symbol(g, e.procedure, StepRef::Step(e.from), path.page, start)
    } else {
        on_connector(g, path.page, start)
    };
    let end_ok = if k + 1 == e.paths.len() {
        on_symbol(g, e.procedure, e.to, path.page, end)
    } else {
        on_connector(g, path.page, end)
    };
    if !start_ok {
        found.push(format!(
            "rule 2: edge {}->{:?} does not start on its source boundary (page {})",
            e.from, e.to, path.page
        ));
    }
    if !end_ok {
        found.push(format!(
            "rule 2: edge {}->{:?} does not end on its target boundary (page {})",
            e.from, e.to, path.page
        ));
    }
}

/// Rule 5: normal flow leaves the bottom and enters the top; every other edge into a
/// step leaves from a side, and from a diamond at its side vertex.
fn exits_and_entries(g: &Geometry, e: &Edge, found: &mut Vec<Violation>) {
    let (Some(first), Some(last)) = (e.paths.first(), e.paths.last()) else {
        return;
    };
    let p0 = first.points[0];
    let source = symbol_of(g, e.procedure, StepRef::Step(e.from), first.page, p0);
    let (Some(s), StepRef::Step(to)) = (source, e.to) else {
        return;
    };
    let sequential = to == e.from + 1 && (p0[1] - s.rect.bottom()).abs() < 0.6;
    if sequential {
        let end = *last.points.last().unwrap_or(&[0.0, 0.0]);
        let target = symbol_of(g, e.procedure, e.to, last.page, end);
        if target.is_some_and(|t| (end[1] - t.rect.y).abs() > 0.6) {
            found.push(format!(
                "rule 5: normal flow {}->{} does not enter from the top",
                e.from, to
            ));
        }
    } else if (p0[1] - s.rect.cy()).abs() > s.rect.h / 2.0 - 0.5 {
        found.push(format!(
            "rule 5: jump {}->{} does not leave from a side",
            e.from, to
        ));
    }
    if s.kind == Bentuk::Decision && !sequential && (p0[1] - s.rect.cy()).abs() > 0.6 {
        found.push(format!(
            "rule 5: jump {}->{} does not leave the diamond from a side vertex",
            e.from, to
        ));
    }
}

/// Rule 3, for lines: no segment of a line or a join passes through a symbol, a
/// connector or a label; a segment ending on a symbol may pass its bounding box only.
fn lines_clear_of_boxes(
    g: &Geometry,
    segments: &[Segment],
    obstacles: &[Obstacle],
    found: &mut Vec<Violation>,
) {
    for s in segments {
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
                found.push(format!(
                    "rule 3: a line on page {} passes through symbol {:?}",
                    s.page, sym.step
                ));
            }
        }
        for (page, rect, what) in obstacles.iter().skip(g.symbols.len()) {
            if *page == s.page && seg_in_rect(a, b, &rect.inflate(0.5)) {
                found.push(format!(
                    "rule 3: a line on page {} passes through {what}",
                    s.page
                ));
            }
        }
    }
}

/// Rule 4: no two lines share a segment or run closer than 3 pt side by side, and they
/// meet only in right-angle crossings, which are counted and returned.
fn lines_apart(segments: &[Segment], found: &mut Vec<Violation>) -> usize {
    let mut crossings = 0;
    for (k, s) in segments.iter().enumerate() {
        for t in &segments[k + 1..] {
            if s.page != t.page || s.owner == t.owner {
                continue;
            }
            match meeting(s, t) {
                Meeting::Apart => {}
                Meeting::Crossing => crossings += 1,
                Meeting::TooClose(d) => found.push(format!(
                    "rule 4: two lines run {d:.1} pt apart on page {}",
                    s.page
                )),
                Meeting::Touching(x, y) => found.push(format!(
                    "rule 4: two lines touch at ({x:.1}, {y:.1}) on page {}",
                    s.page
                )),
            }
        }
    }
    crossings
}

/// How two segments of different lines on one page relate (rule 4).
enum Meeting {
    Apart,
    /// Parallel, this far apart along a shared stretch.
    TooClose(f64),
    /// At right angles, each through the other's interior.
    Crossing,
    /// At right angles, meeting at this point at an end of one of them.
    Touching(f64, f64),
}

/// How segments `s` and `t` meet; `s` is the earlier one (rule 4).
fn meeting(s: &Segment, t: &Segment) -> Meeting {
    let sh = (s.a[1] - s.b[1]).abs() < 1e-6;
    let th = (t.a[1] - t.b[1]).abs() < 1e-6;
    if sh == th {
        let ax = if sh { 0 } else { 1 };
        let (s0, s1) = minmax(s.a[ax], s.b[ax]);
        let (t0, t1) = minmax(t.a[ax], t.b[ax]);
        let d = (s.a[1 - ax] - t.a[1 - ax]).abs();
        if d < 3.0 - 1e-6 && s0 < t1 + 3.0 && t0 < s1 + 3.0 {
            return Meeting::TooClose(d);
        }
        return Meeting::Apart;
    }
    let (h, v) = if sh { (s, t) } else { (t, s) };
    let (hx0, hx1) = minmax(h.a[0], h.b[0]);
    let (vy0, vy1) = minmax(v.a[1], v.b[1]);
    let (x, y) = (v.a[0], h.a[1]);
    if x >= hx0 - 0.5 && x <= hx1 + 0.5 && y >= vy0 - 0.5 && y <= vy1 + 0.5 {
        let interior = x > hx0 + 0.5 && x < hx1 - 0.5 && y > vy0 + 0.5 && y < vy1 - 0.5;
        if interior {
            return Meeting::Crossing;
        }
        return Meeting::Touching(x, y);
    }
    Meeting::Apart
}

/// Rule 6: every label sits next to an exit it names and overlaps no line, box or other
/// label; every labelled edge has its label.
fn labels_at_their_exits(
    g: &Geometry,
    segments: &[Segment],
    obstacles: &[Obstacle],
    found: &mut Vec<Violation>,
) {
    for k in 0..g.labels.len() {
        label_clear(g, k, segments, obstacles, found);
    }
    for e in g.edges.iter().filter(|e| e.label.is_some()) {
        if !g.labels.iter().any(|l| names_exit(g, l, e)) {
            found.push(format!(
                "rule 6: edge {}->{:?} has no label at its exit",
                e.from, e.to
            ));
        }
    }
}

/// Rule 6 for label `k`: next to an exit it names, over no line, box or later label.
fn label_clear(
    g: &Geometry,
    k: usize,
    segments: &[Segment],
    obstacles: &[Obstacle],
    found: &mut Vec<Violation>,
) {
    let l = &g.labels[k];
    if !g
        .rules
        .iter()
        .any(|r| r.page == l.page && r.holds(&l.rect, LABEL_MARGIN))
    {
        found.push(format!(
            "rule 6: label {} on page {} is not inside one cell of the table, {LABEL_MARGIN} pt clear of its borders",
            l.text, l.page
        ));
    }
    if !g.edges.iter().any(|e| names_exit(g, l, e)) {
        found.push(format!(
            "rule 6: label {} on page {} is not next to an exit it names",
            l.text, l.page
        ));
    }
    for s in segments {
        if s.page == l.page && seg_in_rect(s.a, s.b, &l.rect) {
            found.push(format!(
                "rule 6: label {} on page {} overlaps a line",
                l.text, l.page
            ));
        }
    }
    for (page, rect, what) in obstacles {
        if *page == l.page && *rect != l.rect && rect.overlaps(&l.rect) {
            found.push(format!("rule 6: label {} overlaps {what}", l.text));
        }
    }
    for m in &g.labels[k + 1..] {
        if m.page == l.page && m.rect.overlaps(&l.rect) {
            found.push(format!("rule 6: labels {} and {} overlap", l.text, m.text));
        }
    }
}

/// Whether label `l` carries edge `e`'s text and sits next to where `e` leaves its
/// symbol: within [`NEXT_TO_EXIT`] of that point, or right beside the line's first
/// stretch just past the first lane border it crosses (where the exit's own cell has
/// no room for the label).
fn names_exit(g: &Geometry, l: &Label, e: &Edge) -> bool {
    e.label.as_deref() == Some(&l.text)
        && e.paths.first().is_some_and(|p| {
            p.page == l.page
                && (dist(&l.rect, p.points[0]) <= NEXT_TO_EXIT || past_first_border(g, l, p))
        })
}

/// Whether label `l` stands right above or below the first stretch of `p` (a
/// horizontal one), starting along it, at most [`NEXT_TO_EXIT`] past the first lane
/// border that stretch crosses.
fn past_first_border(g: &Geometry, l: &Label, p: &PagePath) -> bool {
    let (Some(&a), Some(&b)) = (p.points.first(), p.points.get(1)) else {
        return false;
    };
    if (a[1] - b[1]).abs() > 1e-6 {
        return false;
    }
    let r = &l.rect;
    let (x0, x1) = minmax(a[0], b[0]);
    let beside =
        (r.bottom() <= a[1] && a[1] - r.bottom() <= 2.5) || (r.y >= a[1] && r.y - a[1] <= 2.5);
    let rightward = b[0] > a[0];
    let start = if rightward { r.x } else { r.right() };
    if !beside || start < x0 || start > x1 {
        return false;
    }
    // The lane borders of the table the exit starts in.
    let table = |t: &&TableRules| {
        t.page == p.page
            && t.ys.first().is_some_and(|&top| top <= a[1])
            && t.ys.last().is_some_and(|&bottom| a[1] <= bottom)
    };
    let border = g
        .rules
        .iter()
        .filter(table)
        .flat_map(|t| t.xs.iter().copied())
        .filter(|&x| if rightward { x > a[0] } else { x < a[0] })
        .min_by(|x, y| (x - a[0]).abs().total_cmp(&(y - a[0]).abs()));
    border.is_some_and(|x| {
        let gap = if rightward { r.x - x } else { x - r.right() };
        (0.0..=NEXT_TO_EXIT).contains(&gap)
    })
}

/// Rule 3, for boxes: no two symbols overlap, nor a connector and a symbol.
fn symbols_apart(g: &Geometry, found: &mut Vec<Violation>) {
    for (k, a) in g.symbols.iter().enumerate() {
        for b in &g.symbols[k + 1..] {
            if a.page == b.page && a.rect.overlaps(&b.rect) {
                found.push(format!(
                    "rule 3: symbols {:?} and {:?} overlap",
                    a.step, b.step
                ));
            }
        }
        for c in &g.connectors {
            if a.page == c.page && a.rect.overlaps(&c.rect) {
                found.push(format!(
                    "rule 3: connector {} overlaps symbol {:?}",
                    c.id, a.step
                ));
            }
        }
    }
}

/// Rule 7: every connector letter names one pair, on two pages at the same x; connectors
/// do not overlap; an edge changes page at every piece.
fn connector_pairs(g: &Geometry, found: &mut Vec<Violation>) {
    let mut by_id: BTreeMap<&str, Vec<&Connector>> = BTreeMap::new();
    for c in &g.connectors {
        by_id.entry(&c.id).or_default().push(c);
    }
    for (id, cs) in &by_id {
        if cs.len() != 2 {
            found.push(format!("rule 7: connector {id} appears {} times", cs.len()));
        } else if cs[0].page == cs[1].page || (cs[0].rect.cx() - cs[1].rect.cx()).abs() > 0.5 {
            found.push(format!(
                "rule 7: connector pair {id} is not on two pages in the same lane"
            ));
        }
    }
    for (k, a) in g.connectors.iter().enumerate() {
        for b in &g.connectors[k + 1..] {
            if a.page == b.page && a.rect.overlaps(&b.rect) {
                found.push(format!("rule 7: connectors {} and {} overlap", a.id, b.id));
            }
        }
    }
    for e in &g.edges {
        for w in e.paths.windows(2) {
            if w[0].page == w[1].page {
                found.push(format!(
                    "rule 7: edge {}->{:?} has two paths on one page",
                    e.from, e.to
                ));
            }
        }
    }
}

/// Every segment of every edge's line, then of every join, in drawing order.
fn segments(g: &Geometry) -> Vec<Segment> {
    let mut out = Vec::new();
    for (owner, e) in g.edges.iter().enumerate() {
        for p in &e.paths {
            push_segments(&mut out, p.page, &p.points, owner);
        }
    }
    for j in &g.joins {
        push_segments(&mut out, j.page, &j.points, usize::MAX - j.step);
    }
    out
}

fn push_segments(out: &mut Vec<Segment>, page: usize, points: &[[f64; 2]], owner: usize) {
    for w in points.windows(2) {
        out.push(Segment {
            page,
            a: w[0],
            b: w[1],
            owner,
        });
    }
}

/// The symbols, then the connectors, then the labels, as boxes to keep clear of.
fn obstacles(g: &Geometry) -> Vec<Obstacle> {
    let mut out: Vec<Obstacle> = Vec::new();
    out.extend(
        g.symbols
            .iter()
            .map(|s| (s.page, s.rect, format!("symbol {:?}", s.step))),
    );
    out.extend(
        g.connectors
            .iter()
            .map(|c| (c.page, c.rect, format!("connector {}", c.id))),
    );
    out.extend(
        g.labels
            .iter()
            .map(|l| (l.page, l.rect, format!("label {}", l.text))),
    );
    out
}

fn orthogonal(a: [f64; 2], b: [f64; 2]) -> bool {
    (a[0] - b[0]).abs() < 1e-6 || (a[1] - b[1]).abs() < 1e-6
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A decision in lane 1 of two 44 pt lanes, its Tidak exit leaving to the right,
    /// labelled by a box at `x`, `y`.
    fn decision_with_label(x: f64, y: f64) -> Geometry {
        let rect = Rect {
            x: 10.0,
            y: 20.0,
            w: 24.0,
            h: 22.0,
        };
        let port = [rect.right(), rect.cy()];
        Geometry {
            symbols: vec![Symbol {
                step: StepRef::Step(1),
                lane: "A".into(),
                kind: Bentuk::Decision,
                page: 1,
                rect,
                procedure: 0,
                text: String::new(),
            }],
            edges: vec![Edge {
                from: 1,
                to: StepRef::Selesai,
                label: Some("Tidak".into()),
                paths: vec![PagePath {
                    page: 1,
                    points: vec![port, [port[0] + 30.0, port[1]]],
                }],
                procedure: 0,
            }],
            labels: vec![Label {
                text: "Tidak".into(),
                page: 1,
                rect: Rect {
                    x,
                    y,
                    w: 17.0,
                    h: 8.0,
                },
                size: 6.5,
            }],
            rules: vec![TableRules {
                page: 1,
                procedure: 0,
                xs: vec![0.0, 44.0, 88.0],
                ys: vec![10.0, 52.0],
            }],
            ..Geometry::default()
        }
    }

    /// The geometry of [`decision_with_label`] with lanes 60 pt wide, the exit running
    /// 50 pt to the right.
    fn wide_lanes(x: f64, y: f64) -> Geometry {
        let mut g = decision_with_label(x, y);
        g.rules[0].xs = vec![0.0, 60.0, 120.0];
        g.symbols[0].rect.x = 18.0;
        let port = [42.0, g.symbols[0].rect.cy()];
        g.edges[0].paths[0].points = vec![port, [port[0] + 50.0, port[1]]];
        g
    }

    /// A label more than [`NEXT_TO_EXIT`] from its exit still names it when it stands
    /// right beside the exit's first stretch, just past the lane border it crosses.
    #[test]
    fn a_label_just_past_the_border_its_exit_crosses_names_the_exit() {
        assert!(rule_6(&wide_lanes(61.0, 22.0)).is_empty());
        // Further along the stretch it is no longer next to the exit.
        let far = rule_6(&wide_lanes(76.0, 22.0));
        assert!(
            far.iter().any(|v| v.contains("not next to an exit")),
            "{far:?}"
        );
        // Nor is it when it stands clear of the stretch.
        let off = rule_6(&wide_lanes(61.0, 12.0));
        assert!(
            off.iter().any(|v| v.contains("not next to an exit")),
            "{off:?}"
        );
    }

    fn rule_6(g: &Geometry) -> Vec<String> {
        let mut found = Vec::new();
        labels_at_their_exits(g, &segments(g), &obstacles(g), &mut found);
        found
    }

    /// Issue 30: "Ti|dak", a label across the border between two lanes, breaks rule 6;
    /// the same label past the border, inside the next lane's cell, does not.
    #[test]
    fn a_label_across_a_lane_border_breaks_rule_6() {
        let across = rule_6(&decision_with_label(36.0, 22.0));
        assert_eq!(across.len(), 1, "{across:?}");
        assert!(across[0].contains("not inside one cell"), "{across:?}");
        assert!(rule_6(&decision_with_label(45.0, 22.0)).is_empty());
    }

    /// A label closer than 1 pt to a border, or across a row border, breaks rule 6 too.
    #[test]
    fn a_label_touching_a_row_border_breaks_rule_6() {
        assert_eq!(rule_6(&decision_with_label(44.5, 22.0)).len(), 1);
        assert_eq!(rule_6(&decision_with_label(45.0, 10.5)).len(), 1);
        assert_eq!(rule_6(&decision_with_label(45.0, 43.5)).len(), 1);
        assert!(rule_6(&decision_with_label(45.0, 43.0)).is_empty());
    }
}
