//! The router: places symbols in their lanes and draws every edge as an orthogonal
//! polyline that avoids symbols, labels, connectors and other lines.
//!
//! Normal flow leaves a symbol at the bottom and enters the next at the top. Every other
//! edge (a loop back, a forward skip, the second branch of a decision) leaves from a side,
//! runs on its own vertical track in a channel between the symbols, and enters its target
//! from the side. Candidates (side, channel, track, port slot) are scored by violations,
//! then crossings, then length; short edges are routed first so loops nest without crossing.
//!
//! An edge across a page break ends in a connector pair at one x on both pages; a short
//! jog (at one of several heights) joins track and connector when the track's own x is
//! taken. An end branch ("Selesai") goes straight down to its capsule when the step's
//! bottom is free, else beside the symbol. Labels are placed with their edge and, once
//! everything is drawn, moved if a later line runs through them.
//!
//! The order of drawing matters in crowded tables: a table is drawn in a few fixed
//! orders ([`ORDERS`]) until the independent checker ([`super::check`]) finds no broken
//! rule, and the best drawing is kept. Most tables are clean at the first order.

use super::check::{Expected, check};
use super::geometry::*;
use crate::model::{Alur, Bentuk, Tujuan};

/// Height of a process or terminator symbol.
pub const SYMBOL_H: f64 = 16.0;
/// Height of a decision diamond.
pub const DECISION_H: f64 = 22.0;
/// Free space kept above and below every symbol inside its row.
pub const GAP: f64 = 20.0;
/// Minimum distance between parallel lines.
pub const CLEAR: f64 = 3.0;
/// Off-page connector size.
pub const CONNECTOR: f64 = 10.0;
/// Label font size.
pub const LABEL_SIZE: f64 = 6.5;
/// Step between candidate positions of an off-page connector pair along the lanes.
pub(crate) const CONNECTOR_STEP: f64 = CONNECTOR + 3.0;
/// Distance between candidate tracks in a channel.
const TRACK_STEP: f64 = 4.0;
/// A channel narrower than this holds only a few tracks.
const NARROW: f64 = 12.0;
/// How many jog heights a line to an off-page connector may try.
const JOGS: usize = 5;
/// Least distance between a jog and the next horizontal stretch of the same line.
const JOG_ROOM: f64 = 5.0;

/// The smallest row height that leaves room for a symbol, its arrows and connectors.
pub fn min_row_height(bentuk: Bentuk) -> f64 {
    symbol_height(bentuk) + 2.0 * GAP
}

fn symbol_height(bentuk: Bentuk) -> f64 {
    match bentuk {
        Bentuk::Decision => DECISION_H,
        _ => SYMBOL_H,
    }
}

/// Width of the symbols in a lane of the given width: the rest is channel for tracks.
pub fn symbol_width(lane_width: f64) -> f64 {
    // About half the lane, as on well-drawn official sheets: the rest is channel room for
    // loop tracks and their Ya/Tidak labels.
    (lane_width * 0.55).clamp(8.0, 40.0)
}

/// A typeset row of the flow table.
#[derive(Debug, Clone, Copy)]
pub struct RowBox {
    /// Page (1-based).
    pub page: usize,
    /// Top edge.
    pub y0: f64,
    /// Bottom edge.
    pub y1: f64,
}

/// A step as the router sees it.
#[derive(Debug, Clone)]
pub struct StepIn {
    /// Lanes (first = where edges attach).
    pub lanes: Vec<usize>,
    /// Symbol.
    pub bentuk: Bentuk,
    /// Outgoing flow.
    pub alur: Alur,
}

/// Everything the router needs for one flow table.
pub struct FlowInput<'a> {
    /// Procedure index.
    pub procedure: usize,
    /// Lane names.
    pub lane_names: &'a [String],
    /// Lane column x-ranges.
    pub lanes: Vec<(f64, f64)>,
    /// One measured row per step.
    pub rows: Vec<RowBox>,
    /// Steps.
    pub steps: Vec<StepIn>,
    /// Label of the Ya exit.
    pub label_ya: &'a str,
    /// Label of the Tidak exit.
    pub label_tidak: &'a str,
    /// Text of the end capsule.
    pub label_selesai: &'a str,
    /// Width of a text at a font size.
    pub text_width: &'a dyn Fn(&str, f64) -> f64,
}

/// The edge of a page where an off-page connector sits.
#[derive(Debug, Clone, Copy)]
enum PageEdge {
    Top,
    Bottom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

#[derive(Debug, Clone, Copy)]
struct Seg {
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
}

impl Seg {
    fn horizontal(&self) -> bool {
        (self.y1 - self.y2).abs() < 1e-6
    }
    fn xr(&self) -> (f64, f64) {
        (self.x1.min(self.x2), self.x1.max(self.x2))
    }
    fn yr(&self) -> (f64, f64) {
        (self.y1.min(self.y2), self.y1.max(self.y2))
    }
}

/// Everything already drawn, to test candidates against, by page (a candidate is only
/// ever tested against its own page).
#[derive(Default)]
struct Scene {
    boxes: Vec<Vec<Rect>>,
    segs: Vec<Vec<Seg>>,
}

/// A polyline on one page.
type PagePoints = (usize, Vec<[f64; 2]>);
/// A box on one page.
type PageRect = (usize, Rect);
/// The lane of a symbol (joint steps have several), a side of it, and the port's offset.
type Port = (usize, Side, f64);

/// A scored way of drawing one edge: its paths, off-page connectors and label box.
struct Candidate {
    score: Score,
    /// The x of the vertical track (jumps only).
    track: f64,
    paths: Vec<PagePoints>,
    conns: Vec<PageRect>,
    label: Option<PageRect>,
}

/// A candidate's score: fewer violations first, then fewer crossings, then shorter.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
struct Score {
    violations: u32,
    crossings: u32,
    length: f64,
}

impl Scene {
    fn push_box(&mut self, page: usize, rect: Rect) {
        if self.boxes.len() <= page {
            self.boxes.resize(page + 1, Vec::new());
        }
        self.boxes[page].push(rect);
    }

    fn remove_box(&mut self, page: usize, rect: &Rect) {
        if let Some(b) = self.boxes.get_mut(page)
            && let Some(k) = b.iter().rposition(|r| r == rect)
        {
            b.remove(k);
        }
    }

    fn pop_box(&mut self, page: usize) {
        if let Some(b) = self.boxes.get_mut(page) {
            b.pop();
        }
    }

    fn boxes_on(&self, page: usize) -> &[Rect] {
        self.boxes.get(page).map_or(&[], Vec::as_slice)
    }

    fn segs_on(&self, page: usize) -> &[Seg] {
        self.segs.get(page).map_or(&[], Vec::as_slice)
    }

    fn from_geometry(g: &Geometry) -> Self {
        let mut scene = Scene::default();
        for s in &g.symbols {
            scene.push_box(s.page, s.rect);
        }
        for c in &g.connectors {
            scene.push_box(c.page, c.rect);
        }
        for l in &g.labels {
            scene.push_box(l.page, l.rect);
        }
        for e in &g.edges {
            for p in &e.paths {
                scene.add_path(p.page, &p.points);
            }
        }
        for j in &g.joins {
            scene.add_path(j.page, &j.points);
        }
        scene
    }

    fn add_path(&mut self, page: usize, points: &[[f64; 2]]) {
        if self.segs.len() <= page {
            self.segs.resize(page + 1, Vec::new());
        }
        for w in points.windows(2) {
            self.segs[page].push(Seg {
                x1: w[0][0],
                y1: w[0][1],
                x2: w[1][0],
                y2: w[1][1],
            });
        }
    }

    /// Scores a polyline against the scene; `points[0]` and the last point lie on symbol or
    /// connector boundaries and are allowed to touch those.
    fn score_path(&self, page: usize, points: &[[f64; 2]], score: &mut Score) {
        let n = points.len();
        for (k, w) in points.windows(2).enumerate() {
            let seg = Seg {
                x1: w[0][0],
                y1: w[0][1],
                x2: w[1][0],
                y2: w[1][1],
            };
            score.length += (seg.x2 - seg.x1).abs() + (seg.y2 - seg.y1).abs();
            // Keep the true endpoints for line tests, shrink them for box tests.
            let shrunk = shrink(seg, k == 0, k + 2 == n);
            for b in self.boxes_on(page) {
                if seg_hits_rect(&shrunk, &b.inflate(1.0)) {
                    score.violations += 1;
                }
            }
            for other in self.segs_on(page) {
                match conflict(&seg, other) {
                    Conflict::None => {}
                    Conflict::Cross => score.crossings += 1,
                    Conflict::Bad => score.violations += 1,
                }
            }
        }
    }

    fn score_box(
        &self,
        page: usize,
        rect: &Rect,
        own: &[(usize, Vec<[f64; 2]>)],
        score: &mut Score,
    ) {
        for b in self.boxes_on(page) {
            if b.inflate(1.0).overlaps(rect) {
                score.violations += 1;
            }
        }
        // A line grazing the box's edge counts: the checker allows half a point.
        let near = rect.inflate(0.75);
        for s in self.segs_on(page) {
            if seg_hits_rect(s, &near) {
                score.violations += 1;
            }
        }
        for (p, pts) in own {
            for w in pts.windows(2) {
                let s = Seg {
                    x1: w[0][0],
                    y1: w[0][1],
                    x2: w[1][0],
                    y2: w[1][1],
                };
                if *p == page && seg_hits_rect(&s, &near) {
                    score.violations += 1;
                }
            }
        }
    }
}

fn shrink(mut s: Seg, start: bool, end: bool) -> Seg {
    let d = 2.0;
    let sign = |v: f64| {
        if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            0.0
        }
    };
    let (dx, dy) = (sign(s.x2 - s.x1), sign(s.y2 - s.y1));
    if start {
        s.x1 += dx * d;
        s.y1 += dy * d;
    }
    if end {
        s.x2 -= dx * d;
        s.y2 -= dy * d;
    }
    s
}

fn seg_hits_rect(s: &Seg, r: &Rect) -> bool {
    let (x0, x1) = s.xr();
    let (y0, y1) = s.yr();
    x0 <= r.right() && x1 >= r.x && y0 <= r.bottom() && y1 >= r.y
}

enum Conflict {
    None,
    Cross,
    Bad,
}

/// How two axis-aligned segments relate: apart, crossing at a right angle, or touching/overlapping.
fn conflict(a: &Seg, b: &Seg) -> Conflict {
    let (ah, bh) = (a.horizontal(), b.horizontal());
    if ah == bh {
        // Parallel: too close along a shared stretch?
        let (a0, a1, ac) = if ah {
            (a.xr().0, a.xr().1, a.y1)
        } else {
            (a.yr().0, a.yr().1, a.x1)
        };
        let (b0, b1, bc) = if bh {
            (b.xr().0, b.xr().1, b.y1)
        } else {
            (b.yr().0, b.yr().1, b.x1)
        };
        if (ac - bc).abs() < CLEAR - 1e-6 && a0 < b1 + CLEAR && b0 < a1 + CLEAR {
            return Conflict::Bad;
        }
        return Conflict::None;
    }
    let (h, v) = if ah { (a, b) } else { (b, a) };
    let (hx0, hx1) = h.xr();
    let (vy0, vy1) = v.yr();
    let (x, y) = (v.x1, h.y1);
    let eps = 1.0;
    if x < hx0 - eps || x > hx1 + eps || y < vy0 - eps || y > vy1 + eps {
        return Conflict::None;
    }
    let interior = x > hx0 + eps && x < hx1 - eps && y > vy0 + eps && y < vy1 - eps;
    if interior {
        Conflict::Cross
    } else {
        Conflict::Bad
    }
}

/// The symbols of one step (first = where edges attach).
struct Placed {
    rects: Vec<Rect>,
    lanes: Vec<usize>,
    bentuk: Bentuk,
    page: usize,
}

struct Router<'a, 'g> {
    input: &'a FlowInput<'a>,
    placed: Vec<Placed>,
    scene: Scene,
    geometry: &'g mut Geometry,
    letters: &'g mut usize,
    /// Side ports already taken: (step, lane, side, slot offset).
    ports: Vec<(usize, usize, Side, i32)>,
    /// Labels drawn: (index in `geometry.labels`, index of its edge, source step).
    labelled: Vec<(usize, usize, usize)>,
    /// The order of drawing this attempt follows.
    order: Order,
}

/// The order in which the router draws a table's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Order {
    /// "Selesai" capsules before the jumps, so that each sits right beside its exit, or
    /// after them, so that they do not fill a channel a jump needs.
    ends_first: bool,
    /// Short jumps first, so that loops nest inside longer ones, or long ones first, so
    /// that they get the tracks nearest the symbols.
    short_first: bool,
    /// A step that both ends the procedure and goes on to the next step drops its
    /// capsule straight below it, and the way on leaves from a side: for when the
    /// channels beside it are full of long lines.
    ends_below: bool,
}

/// The orders tried, best first.
const ORDERS: [Order; 6] = [
    Order::new(true, true, false),
    Order::new(false, true, false),
    Order::new(true, false, false),
    Order::new(false, false, false),
    Order::new(true, true, true),
    Order::new(false, true, true),
];

impl Order {
    const fn new(ends_first: bool, short_first: bool, ends_below: bool) -> Self {
        Order {
            ends_first,
            short_first,
            ends_below,
        }
    }
}

/// Routes one flow table into `geometry`, continuing connector letters from `letters`.
///
/// The capsules go first; when that breaks a drawing rule (the checker says so), the
/// table is routed again with the capsules last, and the better drawing is kept.
pub fn route(input: &FlowInput<'_>, letters: &mut usize, geometry: &mut Geometry) {
    let before = (geometry.clone(), *letters);
    let expected = expected_edges(input);
    let mut best: Option<((usize, usize), Geometry, usize)> = None;
    for order in ORDERS {
        let (mut g, mut l) = before.clone();
        route_in(input, order, &mut l, &mut g);
        let report = check(&g, &expected);
        let score = (report.violations.len(), report.crossings);
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, g, l));
        }
        if score == (0, 0) {
            break;
        }
    }
    if let Some((_, g, l)) = best {
        *geometry = g;
        *letters = l;
    }
}

/// The edges of this table, for the checker.
fn expected_edges(input: &FlowInput<'_>) -> Vec<Expected> {
    let to = |t: Tujuan| match t {
        Tujuan::Langkah(j) => StepRef::Step(j + 1),
        Tujuan::Selesai => StepRef::Selesai,
    };
    let mut out = Vec::new();
    for (i, step) in input.steps.iter().enumerate() {
        match step.alur {
            Alur::Akhir => {}
            Alur::Lanjut(t) => out.push((input.procedure, i + 1, to(t))),
            Alur::Keputusan { ya, tidak } => {
                out.push((input.procedure, i + 1, to(ya)));
                out.push((input.procedure, i + 1, to(tidak)));
            }
        }
    }
    out
}

fn route_in(input: &FlowInput<'_>, order: Order, letters: &mut usize, geometry: &mut Geometry) {
    let scene = Scene::from_geometry(geometry);
    let mut r = Router {
        input,
        placed: Vec::new(),
        scene,
        geometry,
        letters,
        ports: Vec::new(),
        labelled: Vec::new(),
        order,
    };
    r.place_symbols();
    r.draw_joins();
    let mut jumps = Vec::new();
    let mut ends = Vec::new();
    for (i, step) in input.steps.iter().enumerate() {
        let mut bottom_used = order.ends_below
            && match step.alur {
                Alur::Keputusan { ya, tidak } => ya == Tujuan::Selesai || tidak == Tujuan::Selesai,
                _ => false,
            };
        let exits: Vec<(Tujuan, Option<&str>)> = match step.alur {
            Alur::Akhir => vec![],
            Alur::Lanjut(t) => vec![(t, None)],
            Alur::Keputusan { ya, tidak } => {
                vec![(ya, Some(input.label_ya)), (tidak, Some(input.label_tidak))]
            }
        };
        for (target, label) in exits {
            match target {
                Tujuan::Langkah(j) if j == i + 1 && !bottom_used => {
                    bottom_used = true;
                    r.sequential(i, j, label);
                }
                Tujuan::Langkah(j) => jumps.push((i, j, label)),
                Tujuan::Selesai => ends.push((i, label)),
            }
        }
    }
    if order.ends_first {
        for &(i, label) in &ends {
            r.selesai(i, label);
        }
    }
    jumps.sort_by_key(|(i, j, _)| (i.abs_diff(*j), *i));
    if !order.short_first {
        jumps.reverse();
    }
    for (i, j, label) in jumps {
        r.jump(i, j, label);
    }
    if !order.ends_first {
        for &(i, label) in &ends {
            r.selesai(i, label);
        }
    }
    r.repair_labels();
}

fn letter(n: usize) -> String {
    let mut n = n;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

impl Router<'_, '_> {
    fn place_symbols(&mut self) {
        let input = self.input;
        for (i, step) in input.steps.iter().enumerate() {
            let row = input.rows[i];
            let h = symbol_height(step.bentuk);
            let cy = (row.y0 + row.y1) / 2.0;
            let mut rects = Vec::new();
            for &l in &step.lanes {
                let (x0, x1) = input.lanes[l];
                let w = symbol_width(x1 - x0);
                let rect = Rect {
                    x: (x0 + x1) / 2.0 - w / 2.0,
                    y: cy - h / 2.0,
                    w,
                    h,
                };
                rects.push(rect);
                self.scene.push_box(row.page, rect);
                self.geometry.symbols.push(Symbol {
                    step: StepRef::Step(i + 1),
                    lane: input.lane_names[l].clone(),
                    kind: step.bentuk,
                    page: row.page,
                    rect,
                    procedure: input.procedure,
                    text: String::new(),
                });
            }
            self.placed.push(Placed {
                rects,
                lanes: step.lanes.clone(),
                bentuk: step.bentuk,
                page: row.page,
            });
        }
    }

    fn draw_joins(&mut self) {
        for (i, p) in self.placed.iter().enumerate() {
            let mut order: Vec<&Rect> = p.rects.iter().collect();
            order.sort_by(|a, b| a.x.total_cmp(&b.x));
            for w in order.windows(2) {
                let y = w[0].cy();
                let points = vec![
                    [side_x(w[0], p.bentuk, Side::Right, 0.0), y],
                    [side_x(w[1], p.bentuk, Side::Left, 0.0), y],
                ];
                self.scene.add_path(p.page, &points);
                self.geometry.joins.push(Join {
                    step: i + 1,
                    page: p.page,
                    points,
                    procedure: self.input.procedure,
                });
            }
        }
    }

    fn first_row_top(&self, page: usize) -> f64 {
        self.input
            .rows
            .iter()
            .filter(|r| r.page == page)
            .map(|r| r.y0)
            .fold(f64::INFINITY, f64::min)
    }

    fn table_bottom(&self, page: usize) -> f64 {
        self.input
            .rows
            .iter()
            .filter(|r| r.page == page)
            .map(|r| r.y1)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    fn connector_at_top(&self, page: usize, x: f64) -> Rect {
        Rect {
            x: x - CONNECTOR / 2.0,
            y: self.first_row_top(page) + 2.0,
            w: CONNECTOR,
            h: CONNECTOR,
        }
    }

    fn connector_at_bottom(&self, page: usize, x: f64) -> Rect {
        Rect {
            x: x - CONNECTOR / 2.0,
            y: self.table_bottom(page) + 5.0,
            w: CONNECTOR,
            h: CONNECTOR,
        }
    }

    /// Heights for the short jog between a track and a connector at the top of `page`,
    /// nearest the connector first, all at least `JOG_ROOM` above `limit` (where the line
    /// turns next). Several connector pairs at one page break get their jogs on separate
    /// heights instead of sharing one.
    fn top_jogs(&self, page: usize, limit: f64) -> Vec<f64> {
        let base = self.first_row_top(page) + 2.0 + CONNECTOR + 3.0;
        let mut out: Vec<f64> = (0..JOGS)
            .map(|k| base + k as f64 * CLEAR)
            .filter(|y| *y <= limit - JOG_ROOM)
            .collect();
        if out.is_empty() {
            out.push(base.min(limit - JOG_ROOM));
        }
        out
    }

    /// Heights for the jog between a track and a connector below the table on `page`:
    /// just under the table first, then up into the last row's bottom gap, all at least
    /// `JOG_ROOM` below `limit`.
    fn bottom_jogs(&self, page: usize, limit: f64) -> Vec<f64> {
        let base = self.table_bottom(page) + 2.0;
        let mut out: Vec<f64> = (0..JOGS)
            .map(|k| {
                if k == 0 {
                    base
                } else {
                    base - 2.0 - k as f64 * CLEAR
                }
            })
            .filter(|y| *y >= limit + JOG_ROOM)
            .collect();
        if out.is_empty() {
            out.push(base);
        }
        out
    }

    /// The least bad of several polylines on one page: the first that hits and crosses
    /// nothing, else the best scored.
    fn pick_path(&self, page: usize, mut options: Vec<Vec<[f64; 2]>>) -> Vec<[f64; 2]> {
        if options.len() == 1 {
            return simplify(options.pop().unwrap_or_default());
        }
        let mut best: Option<(Score, Vec<[f64; 2]>)> = None;
        for pts in options {
            let pts = simplify(pts);
            let mut score = Score::default();
            self.scene.score_path(page, &pts, &mut score);
            if score.violations == 0 && score.crossings == 0 {
                return pts;
            }
            if best.as_ref().is_none_or(|b| score < b.0) {
                best = Some((score, pts));
            }
        }
        best.map(|b| b.1).unwrap_or_default()
    }

    /// The y where a line meets the connector at `cx` on `page`'s `edge`: the top
    /// connector's bottom, the bottom connector's top.
    fn connector_end(&self, page: usize, edge: PageEdge, cx: f64) -> f64 {
        match edge {
            PageEdge::Top => self.connector_at_top(page, cx).bottom(),
            PageEdge::Bottom => self.connector_at_bottom(page, cx).y,
        }
    }

    /// Heights for the jog between the track at `tx` and the connector at `cx` whose
    /// line ends at `end`, nearest to `limit` (the track's own end) first: just inside
    /// the connector when the track runs straight into it.
    fn connector_jogs(
        &self,
        page: usize,
        edge: PageEdge,
        (tx, cx, end, limit): (f64, f64, f64, f64),
        explore: bool,
    ) -> Vec<f64> {
        let jogs = if (tx - cx).abs() < 1e-9 {
            vec![match edge {
                PageEdge::Top => end + 3.0,
                PageEdge::Bottom => end - 3.0,
            }]
        } else {
            match edge {
                PageEdge::Top => self.top_jogs(page, limit),
                PageEdge::Bottom => self.bottom_jogs(page, limit),
            }
        };
        let keep = if explore { JOGS } else { 1 };
        jogs.into_iter().take(keep).collect()
    }

    /// From `head` (ending on the track at x = `tx`) to the connector at `cx` on
    /// `page`'s `edge`.
    fn reach_connector(
        &self,
        page: usize,
        edge: PageEdge,
        head: &[[f64; 2]],
        tx: f64,
        cx: f64,
        explore: bool,
    ) -> Vec<[f64; 2]> {
        let end = self.connector_end(page, edge, cx);
        let from = head.last().map_or(end, |p| p[1]);
        let options = self
            .connector_jogs(page, edge, (tx, cx, end, from), explore)
            .into_iter()
            .map(|y| {
                let mut v = head.to_vec();
                v.extend([[tx, y], [cx, y], [cx, end]]);
                v
            })
            .collect();
        self.pick_path(page, options)
    }

    /// From the connector at `cx` on `page`'s `edge` to the track at x = `tx`, then along
    /// `tail` (starting on the track).
    fn leave_connector(
        &self,
        page: usize,
        edge: PageEdge,
        cx: f64,
        tx: f64,
        tail: &[[f64; 2]],
        explore: bool,
    ) -> Vec<[f64; 2]> {
        let start = self.connector_end(page, edge, cx);
        let to = tail.first().map_or(start, |p| p[1]);
        let options = self
            .connector_jogs(page, edge, (tx, cx, start, to), explore)
            .into_iter()
            .map(|y| {
                let mut v = vec![[cx, start], [cx, y], [tx, y]];
                v.extend_from_slice(tail);
                v
            })
            .collect();
        self.pick_path(page, options)
    }

    /// Offsets from a line at `x` where its connector pair may sit, nearest first. Slots
    /// lie on one 13 pt grid across the lanes so pairs pack without gaps; a line straight
    /// down a lane's centre keeps its own x first (no jog). Pairs placed earlier off the
    /// grid (on a track or a lane centre) leave gaps the grid misses: the places right
    /// beside every connector already on `pages` are candidates as well.
    fn connector_shifts(&self, x: f64, slots: &[f64]) -> Vec<f64> {
        let lanes = &self.input.lanes;
        let centre = lanes.iter().any(|(a, b)| ((a + b) / 2.0 - x).abs() < 0.5);
        let mut out: Vec<f64> = slots.iter().map(|s| s - x).collect();
        out.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
        if centre || out.is_empty() {
            out.insert(0, 0.0);
        }
        out
    }

    /// Where a connector pair between pages `pi` (the line's start) and `pj` may sit: the
    /// 13 pt grid and the places right beside the pairs already at that break.
    fn connector_slots(&self, pi: usize, pj: usize) -> Vec<f64> {
        let lanes = &self.input.lanes;
        let (lo, hi) = (
            lanes[0].0 + CONNECTOR / 2.0 + 1.0,
            lanes[lanes.len() - 1].1 - CONNECTOR / 2.0 - 1.0,
        );
        let mut slots: Vec<f64> = Vec::new();
        let mut s = lo;
        while s <= hi + 1e-6 {
            slots.push(s);
            s += CONNECTOR_STEP;
        }
        let (a, b) = if pj > pi {
            (
                self.connector_at_bottom(pi, 0.0),
                self.connector_at_top(pj, 0.0),
            )
        } else {
            (
                self.connector_at_top(pi, 0.0),
                self.connector_at_bottom(pj, 0.0),
            )
        };
        for c in &self.geometry.connectors {
            let here = (c.page == pi && (c.rect.y - a.y).abs() < 0.5)
                || (c.page == pj && (c.rect.y - b.y).abs() < 0.5);
            if here {
                for d in [CONNECTOR_STEP, CONNECTOR + 1.5] {
                    for at in [c.rect.cx() - d, c.rect.cx() + d] {
                        if (lo - 1e-6..=hi + 1e-6).contains(&at) {
                            slots.push(at);
                        }
                    }
                }
            }
        }
        slots.sort_by(f64::total_cmp);
        slots.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        slots
    }

    /// Whether a box pokes out of the lane columns into the text columns.
    fn outside_lanes(&self, r: &Rect) -> bool {
        let lanes = &self.input.lanes;
        r.x < lanes[0].0 || r.right() > lanes[lanes.len() - 1].1
    }

    fn label_size(&self, text: &str) -> (f64, f64) {
        (
            (self.input.text_width)(text, LABEL_SIZE) + 1.0,
            LABEL_SIZE + 1.5,
        )
    }

    /// Normal flow: bottom of step i to the top of step j (= i + 1).
    fn sequential(&mut self, i: usize, j: usize, label: Option<&str>) {
        let (src, dst) = (self.placed[i].rects[0], self.placed[j].rects[0]);
        let (pi, pj) = (self.placed[i].page, self.placed[j].page);
        let (xs, bs, xt, tt) = (src.cx(), src.bottom(), dst.cx(), dst.y);
        let mut best: Option<Candidate> = None;
        let mut consider = |me: &Self,
                            paths: Vec<(usize, Vec<[f64; 2]>)>,
                            conns: Vec<(usize, Rect)>| {
            let mut score = Score::default();
            for (p, pts) in &paths {
                me.scene.score_path(*p, pts, &mut score);
            }
            for (p, c) in &conns {
                me.scene.score_box(*p, c, &[], &mut score);
                score.violations += u32::from(me.outside_lanes(c));
            }
            let lab = label.map(|text| me.place_label_below(pi, text, &src, &paths, &mut score));
            if best.as_ref().is_none_or(|b| score < b.score) {
                best = Some(Candidate {
                    score,
                    track: xs,
                    paths,
                    conns,
                    label: lab.flatten(),
                });
            }
            score.violations == 0 && score.crossings == 0
        };
        if pi == pj {
            if (xs - xt).abs() < 0.5 {
                consider(self, vec![(pi, vec![[xs, bs], [xt, tt]])], vec![]);
            } else {
                let rj = self.input.rows[j];
                let ri = self.input.rows[i];
                for yh in [
                    rj.y0 + 7.0,
                    ri.y1 - 7.0,
                    rj.y0 + 4.0,
                    rj.y0 + 11.0,
                    ri.y1 - 11.0,
                    (bs + tt) / 2.0,
                ] {
                    if yh >= bs + 4.0 && yh <= tt - 6.0 {
                        consider(
                            self,
                            vec![(pi, vec![[xs, bs], [xs, yh], [xt, yh], [xt, tt]])],
                            vec![],
                        );
                    }
                }
            }
        } else {
            let slots = self.connector_slots(pi, pj);
            for dx in self.connector_shifts(xs, &slots) {
                let cx = xs + dx;
                let down = self.connector_at_bottom(pi, cx);
                let up = self.connector_at_top(pj, cx);
                let first = self.reach_connector(pi, PageEdge::Bottom, &[[xs, bs]], xs, cx, true);
                let second = self.leave_connector(pj, PageEdge::Top, cx, xt, &[[xt, tt]], true);
                // Slots come nearest first: the first clean one is also the shortest.
                if consider(
                    self,
                    vec![(pi, first), (pj, second)],
                    vec![(pi, down), (pj, up)],
                ) {
                    break;
                }
            }
        }
        if let Some(c) = best {
            self.commit(i, StepRef::Step(j + 1), label, c);
        }
    }

    /// Places a label beside the bottom exit of a symbol.
    fn place_label_below(
        &self,
        page: usize,
        text: &str,
        src: &Rect,
        own: &[(usize, Vec<[f64; 2]>)],
        score: &mut Score,
    ) -> Option<(usize, Rect)> {
        let (w, h) = self.label_size(text);
        let candidates = [
            Rect {
                x: src.cx() + 2.0,
                y: src.bottom() + 1.0,
                w,
                h,
            },
            Rect {
                x: src.cx() - 2.0 - w,
                y: src.bottom() + 1.0,
                w,
                h,
            },
        ];
        self.pick_label(page, &candidates, own, &[], score)
    }

    fn pick_label(
        &self,
        page: usize,
        candidates: &[Rect],
        own: &[(usize, Vec<[f64; 2]>)],
        conns: &[PageRect],
        score: &mut Score,
    ) -> Option<(usize, Rect)> {
        let lanes_x0 = self.input.lanes[0].0;
        let lanes_x1 = self.input.lanes[self.input.lanes.len() - 1].1;
        let mut best: Option<(Score, Rect)> = None;
        for c in candidates {
            let mut s = Score::default();
            if c.x < lanes_x0 || c.right() > lanes_x1 {
                s.violations += 1; // over the Kegiatan or Mutu Baku text
            }
            self.scene.score_box(page, c, own, &mut s);
            // A label reaching past its own exit stretch into a narrow channel takes room
            // that later tracks need: second choice there (counted as a crossing, here only).
            let stub = own
                .iter()
                .find(|(p, pts)| *p == page && pts.len() >= 2)
                .map(|(_, pts)| (pts[0][0].min(pts[1][0]), pts[0][0].max(pts[1][0])));
            let within = stub.is_some_and(|(a, b)| c.x >= a - 0.5 && c.right() <= b + 0.5);
            if !within
                && (0..=self.input.lanes.len())
                    .filter_map(|k| self.channel(k))
                    .any(|(lo, hi)| hi - lo < NARROW && c.x < hi && c.right() > lo)
            {
                s.crossings += 1;
            }
            // The edge's own connectors are not in the scene yet.
            for (p, r) in conns {
                if *p == page && r.inflate(1.0).overlaps(c) {
                    s.violations += 1;
                }
            }
            if best.as_ref().is_none_or(|b| s < b.0) {
                best = Some((s, *c));
            }
        }
        let (s, rect) = best?;
        score.violations += s.violations;
        Some((page, rect))
    }

    /// Side exit labels: beside the first horizontal stretch (above or below it), or
    /// tucked above or below the symbol's corner on the exit side when a track runs there.
    #[allow(clippy::too_many_arguments)]
    fn side_label(
        &self,
        page: usize,
        text: &str,
        side: Side,
        port: [f64; 2],
        src: &Rect,
        own: &[PagePoints],
        conns: &[PageRect],
        score: &mut Score,
    ) -> Option<PageRect> {
        let (w, h) = self.label_size(text);
        let (beside, tucked) = match side {
            Side::Right => (port[0] + 2.0, src.right() - w),
            Side::Left => (port[0] - 2.0 - w, src.x),
        };
        // Where the exit's first stretch turns (its track), and the symbol's centre line:
        // in a narrow lane a label wider than half the symbol, or than the stretch, may
        // still fit past the track or just beside the centre line.
        let turn = own
            .iter()
            .find(|(p, _)| *p == page)
            .and_then(|(_, pts)| pts.get(1))
            .map_or(port[0], |q| q[0]);
        // Past a track too far out, the label would no longer be next to its exit.
        let turn = if (turn - port[0]).abs() <= 10.0 {
            turn
        } else {
            port[0]
        };
        let (past, centred) = match side {
            Side::Right => (turn + 2.0, src.cx() + 2.0),
            Side::Left => (turn - 2.0 - w, src.cx() - 2.0 - w),
        };
        let candidates = [
            Rect {
                x: beside,
                y: port[1] - 1.0 - h,
                w,
                h,
            },
            Rect {
                x: beside,
                y: port[1] + 1.0,
                w,
                h,
            },
            Rect {
                x: tucked,
                y: src.y - 1.0 - h,
                w,
                h,
            },
            Rect {
                x: tucked,
                y: src.bottom() + 1.0,
                w,
                h,
            },
            Rect {
                x: past,
                y: port[1] - 1.0 - h,
                w,
                h,
            },
            Rect {
                x: past,
                y: port[1] + 1.0,
                w,
                h,
            },
            Rect {
                x: centred,
                y: src.y - 1.0 - h,
                w,
                h,
            },
            Rect {
                x: centred,
                y: src.bottom() + 1.0,
                w,
                h,
            },
        ];
        self.pick_label(page, &candidates, own, conns, score)
    }

    fn channel(&self, c: usize) -> Option<(f64, f64)> {
        let lanes = &self.input.lanes;
        let n = lanes.len();
        let sym_left = |l: usize| {
            let (x0, x1) = lanes[l];
            (x0 + x1) / 2.0 - symbol_width(x1 - x0) / 2.0
        };
        let sym_right = |l: usize| {
            let (x0, x1) = lanes[l];
            (x0 + x1) / 2.0 + symbol_width(x1 - x0) / 2.0
        };
        let lo = if c == 0 { lanes[0].0 } else { sym_right(c - 1) } + CLEAR;
        let hi = if c == n { lanes[n - 1].1 } else { sym_left(c) } - CLEAR;
        (hi >= lo).then_some((lo, hi))
    }

    /// Where a side exit may leave: a diamond only from its vertex (rule 5).
    fn exit_slots(&self, step: usize) -> &'static [f64] {
        match self.placed[step].bentuk {
            Bentuk::Decision => &[0.0],
            _ => &[0.0, -5.0, 5.0],
        }
    }

    /// Where a side entry may arrive: a diamond on its slanted edges, keeping both side
    /// vertices free for its own exits; nearer its top and bottom vertices when the usual
    /// slots are taken or blocked (by a "Selesai" capsule beside the vertex, a label).
    fn entry_slots(&self, step: usize) -> &'static [f64] {
        match self.placed[step].bentuk {
            Bentuk::Decision => &[-5.0, 5.0, -8.0, 8.0],
            _ => &[0.0, -5.0, 5.0],
        }
    }

    fn port_free(&self, step: usize, lane: usize, side: Side, dy: f64) -> bool {
        !self.ports.contains(&(step, lane, side, dy as i32))
    }

    /// A jump: side exit, vertical track in a channel, side entry.
    fn jump(&mut self, i: usize, j: usize, label: Option<&str>) {
        let mut best = self.search_jump(i, j, label, None);
        let crosses = self.placed[i].page != self.placed[j].page;
        if let (true, Some((b, sp, tp))) = (crosses, &best)
            && b.score.violations > 0
        {
            // Crowded page break: keep the route, look for room for the connector pair
            // along all the lanes.
            let wide = self.search_jump(i, j, label, Some((*sp, *tp, b.track)));
            if wide.as_ref().is_some_and(|w| w.0.score < b.score) {
                best = wide;
            }
        }
        if let Some((c, (s_lane, s_side, sdy), (t_lane, t_side, tdy))) = best {
            self.ports.push((i, s_lane, s_side, sdy as i32));
            self.ports.push((j, t_lane, t_side, tdy as i32));
            self.commit(i, StepRef::Step(j + 1), label, c);
        }
    }

    /// The best way to draw jump i -> j; `wide` also tries connector positions along all
    /// the lanes instead of only beside the line.
    fn search_jump(
        &self,
        i: usize,
        j: usize,
        label: Option<&str>,
        only: Option<(Port, Port, f64)>,
    ) -> Option<(Candidate, Port, Port)> {
        let n = self.input.lanes.len();
        let (pi, pj) = (self.placed[i].page, self.placed[j].page);
        let mut best: Option<(Candidate, Port, Port)> = None;
        let slots = if pi == pj {
            Vec::new()
        } else {
            self.connector_slots(pi, pj)
        };
        // A joint step may be left or entered at any of its symbols.
        let ends = |k: usize| -> Vec<(Rect, usize)> {
            let p = &self.placed[k];
            p.rects
                .iter()
                .copied()
                .zip(p.lanes.iter().copied())
                .collect()
        };
        let pairs: Vec<_> = ends(i)
            .into_iter()
            .flat_map(|a| ends(j).into_iter().map(move |b| (a, b)))
            .collect();
        for ((src, ls), (dst, lt)) in pairs {
            for side in [Side::Right, Side::Left] {
                let channels: Vec<usize> = match side {
                    Side::Right => (ls + 1..=n).collect(),
                    Side::Left => (0..=ls).rev().collect(),
                };
                for c in channels {
                    let Some((lo, hi)) = self.channel(c) else {
                        continue;
                    };
                    let entry = if c <= lt { Side::Left } else { Side::Right };
                    // A narrow channel packs its tracks at the least clearance, so that two
                    // loops fit where the usual step leaves room for one.
                    let step = if hi - lo < 2.0 * TRACK_STEP {
                        CLEAR
                    } else {
                        TRACK_STEP
                    };
                    let mut tracks = Vec::new();
                    let mut x = lo;
                    while x <= hi + 1e-6 {
                        tracks.push(x);
                        x += step;
                    }
                    if tracks.is_empty() {
                        // Too narrow for clearance: still a candidate, scored by what it hits.
                        tracks.push((lo + hi) / 2.0);
                    }
                    if side == Side::Left {
                        tracks.reverse();
                    }
                    for &sdy in self.exit_slots(i) {
                        let taken_s = u32::from(!self.port_free(i, ls, side, sdy));
                        for &tdy in self.entry_slots(j) {
                            // The slots near a diamond's top and bottom vertices only when
                            // nothing clean has been found.
                            if tdy.abs() > 6.0
                                && best.as_ref().is_some_and(|b| b.0.score.violations == 0)
                            {
                                continue;
                            }
                            let taken_t = u32::from(!self.port_free(j, lt, entry, tdy));
                            let sp = [
                                side_x(&src, self.placed[i].bentuk, side, sdy),
                                src.cy() + sdy,
                            ];
                            let tp = [
                                side_x(&dst, self.placed[j].bentuk, entry, tdy),
                                dst.cy() + tdy,
                            ];
                            for &tx in &tracks {
                                let mut clean = false;
                                let this = ((ls, side, sdy), (lt, entry, tdy), tx);
                                if only.is_some_and(|o| o.0 != this.0 || o.1 != this.1 || o.2 != tx)
                                {
                                    continue;
                                }
                                let shifts = match (pi == pj, only.is_some()) {
                                    (true, _) => vec![0.0],
                                    (false, false) => {
                                        // On the track, one step either side, or the nearest
                                        // places beside pairs already at the break.
                                        let mut v = vec![0.0, CONNECTOR_STEP, -CONNECTOR_STEP];
                                        // The three slots nearest the track, without sorting
                                        // them all for every track.
                                        let mut near = [f64::INFINITY; 3];
                                        for &x in &slots {
                                            let d = x - tx;
                                            if v.iter().any(|e| (e - d).abs() < 1e-6) {
                                                continue;
                                            }
                                            if let Some(k) =
                                                near.iter().position(|n| d.abs() < n.abs())
                                            {
                                                near[k..].rotate_right(1);
                                                near[k] = d;
                                            }
                                        }
                                        v.extend(near.iter().filter(|d| d.is_finite()));
                                        v
                                    }
                                    (false, true) => self.connector_shifts(tx, &slots),
                                };
                                for dx in shifts {
                                    // A port already in use is a last resort, never a dropped edge.
                                    let mut score = Score {
                                        violations: taken_s + taken_t,
                                        ..Score::default()
                                    };
                                    // Violations only add up: stop scoring a candidate as soon
                                    // as it is worse than the best one (connectors first, as
                                    // they are cheap to test).
                                    let bound =
                                        best.as_ref().map_or(u32::MAX, |b| b.0.score.violations);
                                    let conns = self.jump_conns(pi, pj, tx + dx);
                                    for (p, r) in &conns {
                                        self.scene.score_box(*p, r, &[], &mut score);
                                        score.violations += u32::from(self.outside_lanes(r));
                                    }
                                    for (a, b) in conns.iter().enumerate().flat_map(|(k, a)| {
                                        conns[k + 1..].iter().map(move |b| (a, b))
                                    }) {
                                        if a.0 == b.0 && a.1.inflate(1.0).overlaps(&b.1) {
                                            score.violations += 1;
                                        }
                                    }
                                    if score.violations > bound {
                                        continue;
                                    }
                                    let paths = self.jump_paths(
                                        pi,
                                        pj,
                                        sp,
                                        tp,
                                        tx,
                                        tx + dx,
                                        only.is_some(),
                                    );
                                    for (p, pts) in &paths {
                                        self.scene.score_path(*p, pts, &mut score);
                                    }
                                    if score.violations > bound {
                                        continue;
                                    }
                                    let lab = label.and_then(|t| {
                                        self.side_label(
                                            pi, t, side, sp, &src, &paths, &conns, &mut score,
                                        )
                                    });
                                    if best.as_ref().is_none_or(|b| score < b.0.score) {
                                        let c = Candidate {
                                            score,
                                            track: tx,
                                            paths,
                                            conns,
                                            label: lab,
                                        };
                                        best = Some((c, (ls, side, sdy), (lt, entry, tdy)));
                                    }
                                    if score.violations == 0 {
                                        clean = true;
                                        break;
                                    }
                                }
                                if clean {
                                    break; // the nearest free track of this channel
                                }
                            }
                        }
                    }
                }
            }
        }
        best
    }

    /// The polylines (one per page) and connectors of a side-to-side jump on track `tx`;
    /// across pages the connector pair sits at `cx` (same x on both pages), reached by a
    /// short jog when `cx` is not on the track (`explore`: try several jog heights).
    #[allow(clippy::too_many_arguments)]
    fn jump_paths(
        &self,
        pi: usize,
        pj: usize,
        sp: [f64; 2],
        tp: [f64; 2],
        tx: f64,
        cx: f64,
        explore: bool,
    ) -> Vec<PagePoints> {
        if pi == pj {
            return vec![(pi, vec![sp, [tx, sp[1]], [tx, tp[1]], tp])];
        }
        let head = [sp, [tx, sp[1]]];
        let tail = [[tx, tp[1]], tp];
        if pj > pi {
            vec![
                (
                    pi,
                    self.reach_connector(pi, PageEdge::Bottom, &head, tx, cx, explore),
                ),
                (
                    pj,
                    self.leave_connector(pj, PageEdge::Top, cx, tx, &tail, explore),
                ),
            ]
        } else {
            vec![
                (
                    pi,
                    self.reach_connector(pi, PageEdge::Top, &head, tx, cx, explore),
                ),
                (
                    pj,
                    self.leave_connector(pj, PageEdge::Bottom, cx, tx, &tail, explore),
                ),
            ]
        }
    }

    /// The off-page connector pair of a jump from page `pi` to page `pj` at `cx` (none on
    /// one page).
    fn jump_conns(&self, pi: usize, pj: usize, cx: f64) -> Vec<PageRect> {
        if pi == pj {
            Vec::new()
        } else if pj > pi {
            vec![
                (pi, self.connector_at_bottom(pi, cx)),
                (pj, self.connector_at_top(pj, cx)),
            ]
        } else {
            vec![
                (pi, self.connector_at_top(pi, cx)),
                (pj, self.connector_at_bottom(pj, cx)),
            ]
        }
    }

    /// The steps step `k` leads to.
    fn targets(&self, k: usize) -> Vec<usize> {
        let to = |t: Tujuan| match t {
            Tujuan::Langkah(j) => Some(j),
            Tujuan::Selesai => None,
        };
        match self.input.steps[k].alur {
            Alur::Akhir => vec![],
            Alur::Lanjut(t) => to(t).into_iter().collect(),
            Alur::Keputusan { ya, tidak } => to(ya).into_iter().chain(to(tidak)).collect(),
        }
    }

    /// A branch that ends the procedure: a short line to a small "Selesai" capsule.
    fn selesai(&mut self, i: usize, label: Option<&str>) {
        let src = self.placed[i].rects[0];
        let page = self.placed[i].page;
        let text = self.input.label_selesai;
        let (tw, _) = self.label_size(text);
        let (cw, ch) = (tw + 8.0, 12.0);
        let lanes_x0 = self.input.lanes[0].0;
        let lanes_x1 = self.input.lanes[self.input.lanes.len() - 1].1;
        // A capsule beside the symbol covers that side's entry ports and sits in the
        // channel where loops run: a step whose bottom is free ends straight down instead,
        // the capsule right below it in its own row.
        let bottom_free = self.order.ends_below || !self.targets(i).contains(&(i + 1));
        let prefer_bottom = bottom_free;
        let penalty = |bottom: bool| if bottom != prefer_bottom { 1000.0 } else { 0.0 };
        // The way drawn, the capsule, and the side port it takes (none when straight down).
        type Ending = (Candidate, Rect, Option<(Side, f64)>);
        let mut best: Option<Ending> = None;
        if bottom_free {
            let row = self.input.rows[i];
            let sp = [src.cx(), src.bottom()];
            let drops: &[f64] = if label.is_some() {
                &[10.0, 13.0]
            } else {
                &[6.0, 9.0]
            };
            for &d in drops {
                let cap = Rect {
                    x: sp[0] - cw / 2.0,
                    y: sp[1] + d,
                    w: cw,
                    h: ch,
                };
                let pts = vec![sp, [sp[0], cap.y]];
                let mut score = Score {
                    length: penalty(true),
                    ..Score::default()
                };
                if self.outside_lanes(&cap) || cap.bottom() > row.y1 - 1.0 {
                    score.violations += 1;
                }
                self.scene.score_path(page, &pts, &mut score);
                self.scene.score_box(page, &cap, &[], &mut score);
                let own = vec![(page, pts.clone())];
                self.scene.push_box(page, cap);
                let lab =
                    label.and_then(|t| self.place_label_below(page, t, &src, &own, &mut score));
                self.scene.pop_box(page);
                if lab.is_some_and(|(_, r)| r.overlaps(&cap)) {
                    score.violations += 1;
                }
                if best.as_ref().is_none_or(|b| score < b.0.score) {
                    let c = Candidate {
                        score,
                        track: 0.0,
                        paths: own,
                        conns: Vec::new(),
                        label: lab,
                    };
                    best = Some((c, cap, None));
                }
            }
        }
        for side in [Side::Right, Side::Left] {
            for &dy in self.exit_slots(i) {
                let taken = u32::from(!self.port_free(i, self.placed[i].lanes[0], side, dy));
                let sp = [side_x(&src, self.placed[i].bentuk, side, dy), src.cy() + dy];
                // Long enough for the branch label to sit beside the line, clear of the capsule.
                let reach = label.map_or(10.0, |t| (self.label_size(t).0 + 4.0).max(10.0));
                let (end_x, cap_x) = match side {
                    Side::Right => (sp[0] + reach, sp[0] + reach),
                    Side::Left => (sp[0] - reach, sp[0] - reach - cw),
                };
                let cap = Rect {
                    x: cap_x,
                    y: sp[1] - ch / 2.0,
                    w: cw,
                    h: ch,
                };
                let pts = vec![sp, [end_x, sp[1]]];
                let mut score = Score {
                    violations: taken,
                    length: penalty(false),
                    ..Score::default()
                };
                if cap.x < lanes_x0 + 1.0 || cap.right() > lanes_x1 - 1.0 {
                    score.violations += 1;
                }
                self.scene.score_path(page, &pts, &mut score);
                self.scene.score_box(page, &cap, &[], &mut score);
                let own = vec![(page, pts.clone())];
                self.scene.push_box(page, cap);
                let lab = label
                    .and_then(|t| self.side_label(page, t, side, sp, &src, &own, &[], &mut score));
                self.scene.pop_box(page);
                if lab.is_some_and(|(_, r)| r.overlaps(&cap)) {
                    score.violations += 1;
                }
                if best.as_ref().is_none_or(|b| score < b.0.score) {
                    let c = Candidate {
                        score,
                        track: 0.0,
                        paths: own,
                        conns: Vec::new(),
                        label: lab,
                    };
                    best = Some((c, cap, Some((side, dy))));
                }
            }
        }
        if let Some((c, cap, port)) = best {
            if let Some((side, dy)) = port {
                self.ports
                    .push((i, self.placed[i].lanes[0], side, dy as i32));
            }
            self.scene.push_box(page, cap);
            self.geometry.symbols.push(Symbol {
                step: StepRef::Selesai,
                lane: self.input.lane_names[self.placed[i].lanes[0]].clone(),
                kind: Bentuk::Terminator,
                page,
                rect: cap,
                procedure: self.input.procedure,
                text: text.to_string(),
            });
            self.commit(i, StepRef::Selesai, label, c);
        }
    }

    /// A label is placed with its edge, before the lines drawn after it: once everything
    /// is drawn, a label that overlaps something moves to a free place next to its exit
    /// (the same places it was chosen from), if there is one.
    fn repair_labels(&mut self) {
        for (li, ei, from) in std::mem::take(&mut self.labelled) {
            let (page, rect, text) = {
                let l = &self.geometry.labels[li];
                (l.page, l.rect, l.text.clone())
            };
            let own: Vec<PagePoints> = self.geometry.edges[ei]
                .paths
                .iter()
                .map(|p| (p.page, p.points.clone()))
                .collect();
            let Some(&port) = own.first().and_then(|(_, pts)| pts.first()) else {
                continue;
            };
            self.scene.remove_box(page, &rect);
            let mut now = Score::default();
            self.scene.score_box(page, &rect, &own, &mut now);
            let mut moved = rect;
            if now.violations > 0 {
                let near = |r: &Rect| {
                    let dx = (r.x - port[0]).max(port[0] - r.right()).max(0.0);
                    let dy = (r.y - port[1]).max(port[1] - r.bottom()).max(0.0);
                    dx.max(dy)
                };
                let src = self.placed[from]
                    .rects
                    .iter()
                    .copied()
                    .min_by(|a, b| near(a).total_cmp(&near(b)));
                if let Some(src) = src {
                    let mut score = Score::default();
                    let bottom =
                        (port[1] - src.bottom()).abs() < 0.5 && (port[0] - src.cx()).abs() < 0.5;
                    let again = if bottom {
                        self.place_label_below(page, &text, &src, &own, &mut score)
                    } else {
                        let side = if port[0] < src.cx() {
                            Side::Left
                        } else {
                            Side::Right
                        };
                        self.side_label(page, &text, side, port, &src, &own, &[], &mut score)
                    };
                    if let (Some((_, r)), 0) = (again, score.violations) {
                        moved = r;
                    }
                }
            }
            self.scene.push_box(page, moved);
            self.geometry.labels[li].rect = moved;
        }
    }

    fn commit(&mut self, from: usize, to: StepRef, label: Option<&str>, chosen: Candidate) {
        let Candidate {
            paths,
            conns,
            label: lab,
            ..
        } = chosen;
        for (p, pts) in &paths {
            self.scene.add_path(*p, pts);
        }
        if !conns.is_empty() {
            let id = letter(*self.letters);
            *self.letters += 1;
            for (page, rect) in conns {
                self.scene.push_box(page, rect);
                self.geometry.connectors.push(Connector {
                    id: id.clone(),
                    page,
                    rect,
                    procedure: self.input.procedure,
                });
            }
        }
        if let (Some(text), Some((page, rect))) = (label, lab) {
            self.scene.push_box(page, rect);
            self.labelled
                .push((self.geometry.labels.len(), self.geometry.edges.len(), from));
            self.geometry.labels.push(Label {
                text: text.to_string(),
                page,
                rect,
            });
        }
        self.geometry.edges.push(Edge {
            from: from + 1,
            to,
            label: label.map(str::to_string),
            paths: paths
                .into_iter()
                .map(|(page, points)| PagePath { page, points })
                .collect(),
            procedure: self.input.procedure,
        });
    }
}

/// Drops repeated points and merges collinear runs, so a jog of length zero vanishes.
fn simplify(points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_some_and(|q| (q[0] - p[0]).abs() < 1e-9 && (q[1] - p[1]).abs() < 1e-9)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let same_x = (a[0] - b[0]).abs() < 1e-9 && (b[0] - p[0]).abs() < 1e-9;
            let same_y = (a[1] - b[1]).abs() < 1e-9 && (b[1] - p[1]).abs() < 1e-9;
            if same_x || same_y {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// The x where a horizontal line at `dy` from the centre meets the symbol's side.
fn side_x(r: &Rect, bentuk: Bentuk, side: Side, dy: f64) -> f64 {
    let inset = match bentuk {
        Bentuk::Terminator => {
            let radius = r.h / 2.0;
            radius - (radius * radius - dy * dy).max(0.0).sqrt()
        }
        Bentuk::Decision => r.w / 2.0 * dy.abs() / (r.h / 2.0),
        Bentuk::Process => 0.0,
    };
    match side {
        Side::Left => r.x + inset,
        Side::Right => r.right() - inset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }

    #[test]
    fn crossing_and_touching_are_told_apart() {
        let h = Seg {
            x1: 0.0,
            y1: 10.0,
            x2: 20.0,
            y2: 10.0,
        };
        let v = Seg {
            x1: 10.0,
            y1: 0.0,
            x2: 10.0,
            y2: 20.0,
        };
        assert!(matches!(conflict(&h, &v), Conflict::Cross));
        let t = Seg {
            x1: 10.0,
            y1: 10.0,
            x2: 10.0,
            y2: 20.0,
        };
        assert!(matches!(conflict(&h, &t), Conflict::Bad));
        let near = Seg {
            x1: 5.0,
            y1: 12.0,
            x2: 30.0,
            y2: 12.0,
        };
        assert!(matches!(conflict(&h, &near), Conflict::Bad));
    }
}
