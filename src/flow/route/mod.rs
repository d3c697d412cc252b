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

mod connector;
mod jump;
mod label;
mod selesai;

pub use label::{LABEL_SIZES, label_box, label_cell, label_lane, label_size};

use super::check::{check, expected_of};
use super::geometry::*;
use crate::model::{Alur, Bentuk, Tujuan};

/// Height of a process or terminator symbol.
pub const SYMBOL_H: f64 = 14.0;
/// Height of a decision diamond.
pub const DECISION_H: f64 = 22.0;
/// Free space above and below a symbol in a compact row: what sopan tries first.
pub const ROOM: f64 = 7.0;
/// Free space above and below a decision in a compact row: its Ya/Tidak label sits
/// under it, clear of the row's border.
pub const DECISION_ROOM: f64 = 10.0;

/// Gives the rows that will open a page a roomy row's room above and below their
/// symbol (`room`, per step): there the lines from the page before come in from
/// off-page connectors. These are the rows that opened a page in the layout `rows`
/// measured and, since growing them moves the page breaks, the rows that open one once
/// they have grown: the measured heights are paginated again as Typst does (a step row
/// never splits; a page's rows end above `bottom`) until the breaks settle. Whether
/// any row grew.
pub fn grow_page_openers(
    rows: &[RowBox],
    room: &mut [f64],
    bentuk: &[Bentuk],
    bottom: f64,
) -> bool {
    // Where the rows of a page after the first start, below the repeated header.
    let Some(top) = rows
        .windows(2)
        .find(|w| w[0].page != w[1].page)
        .map(|w| w[1].y0)
    else {
        return false;
    };
    let height =
        |k: usize, room: &[f64]| (rows[k].y1 - rows[k].y0).max(min_row_height(bentuk[k], room[k]));
    let mut grew = false;
    for (k, pair) in rows.windows(2).enumerate() {
        if pair[0].page != pair[1].page && room[k + 1] < GAP {
            room[k + 1] = GAP;
            grew = true;
        }
    }
    for _ in 0..rows.len() {
        let mut y = rows[0].y0 + height(0, room);
        let mut changed = false;
        for k in 1..rows.len() {
            if y + height(k, room) > bottom + 0.5 {
                y = top;
                if room[k] < GAP {
                    room[k] = GAP;
                    changed = true;
                }
            }
            y += height(k, room);
        }
        if !changed {
            break;
        }
        grew = true;
    }
    grew
}

/// The free space above and below the symbol of each step (by its shape) in a compact
/// table.
pub fn compact_room(bentuk: &[Bentuk]) -> Vec<f64> {
    bentuk
        .iter()
        .map(|b| match b {
            Bentuk::Decision => DECISION_ROOM,
            _ => ROOM,
        })
        .collect()
}
/// Free space above and below a symbol in a roomy row: what sopan falls back to when a
/// compact table cannot be drawn without breaking a rule.
pub const GAP: f64 = 20.0;
/// Width of a symbol in a compact lane.
pub const SYMBOL_W: f64 = 24.0;
/// A channel beside the symbols of a compact lane: room for two tracks.
pub const CHANNEL: f64 = 10.0;
/// Minimum distance between parallel lines.
pub const CLEAR: f64 = 3.0;
/// Off-page connector size.
pub const CONNECTOR: f64 = 10.0;
/// Label font size.
pub const LABEL_SIZE: f64 = 6.5;
/// Least distance between a Ya/Tidak label's box and the borders of its table cell.
pub const LABEL_MARGIN: f64 = 1.0;
/// Step between candidate positions of an off-page connector pair along the lanes.
pub(crate) const CONNECTOR_STEP: f64 = CONNECTOR + 3.0;
/// Distance between candidate tracks in a channel.
pub const TRACK_STEP: f64 = 4.0;
/// A channel narrower than this holds only a few tracks.
const NARROW: f64 = 12.0;
/// How many jog heights a line to an off-page connector may try.
const JOGS: usize = 5;
/// Least distance between a jog and the next horizontal stretch of the same line.
const JOG_ROOM: f64 = 5.0;
/// Least distance between a line and a parallel rule of the table (rule 4): half of
/// that between two flow lines (the table's rules are thinner), so narrow lanes keep a
/// track beside their borders.
pub const RULE_CLEAR: f64 = 1.5;

/// The smallest row height that leaves `room` above and below its symbol ([`ROOM`] in
/// a compact table, [`GAP`] in a roomy one) for arrows, labels and connectors.
pub fn min_row_height(bentuk: Bentuk, room: f64) -> f64 {
    // A symbol's height depends on its shape only, not on its lane.
    Symbols::Fixed.size(bentuk, f64::INFINITY).1 + 2.0 * room
}

/// How wide the symbols are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbols {
    /// [`SYMBOL_W`], a readable constant: narrower only in a lane too narrow for it and a
    /// channel either side (many pelaksana on one sheet). What sopan draws first.
    Fixed,
    /// A little over half the lane, up to 40 pt: the fallback for a lane that the
    /// connectors of a crowded page break made wide, where fixed symbols leave
    /// the connector pairs and labels no clean place (seen only in generated flows
    /// with one lane and many loops; every example and generated SOP draws fixed).
    Wide,
}

impl Symbols {
    /// How big a symbol of shape `bentuk` is drawn in a lane `lane_width` wide: its width
    /// and height. Every part of sopan that needs a symbol's size asks this: placing the
    /// symbols, the routing channels beside them, and the planner sizing the lanes (for an
    /// unbounded lane: the symbol's natural size).
    pub fn size(self, bentuk: Bentuk, lane_width: f64) -> (f64, f64) {
        let w = match self {
            Symbols::Fixed => SYMBOL_W.min(lane_width * 0.55).max(8.0),
            Symbols::Wide => (lane_width * 0.55).clamp(8.0, 40.0),
        };
        let h = match bentuk {
            Bentuk::Decision => DECISION_H,
            _ => SYMBOL_H,
        };
        (w, h)
    }

    /// The width of the widest symbol in a lane `lane_width` wide.
    pub fn widest(self, lane_width: f64) -> f64 {
        [Bentuk::Terminator, Bentuk::Process, Bentuk::Decision]
            .map(|b| self.size(b, lane_width).0)
            .into_iter()
            .fold(0.0, f64::max)
    }
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
    /// Who each lane belongs to: the pelaksana names, for the geometry export.
    pub pelaksana: &'a [String],
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

/// How many candidate drawings the router may still score for one pass of an SOP's
/// planning loop, across its tables, the orders tried and the layouts the pass redoes.
/// Once it is spent, each jump takes the best drawing its search has found so far (at
/// least one) and no further order is tried, so an SOP of any shape routes in seconds.
/// The search order is fixed, so what is kept is the same on every run. Ordinary SOPs
/// use a small part of it.
#[derive(Debug)]
pub struct Budget(std::cell::Cell<usize>);

impl Budget {
    /// The budget of one pass: about two seconds of scoring on a slow machine.
    pub const SOP: usize = 600_000;

    /// A budget of `candidates` scored candidates.
    pub fn new(candidates: usize) -> Self {
        Budget(std::cell::Cell::new(candidates))
    }

    /// What is left: a second drawing of the same tables (wide symbols) gets as much
    /// as the first had.
    pub fn left(&self) -> usize {
        self.0.get()
    }

    fn spend(&self) {
        self.0.set(self.0.get().saturating_sub(1));
    }

    fn spent(&self) -> bool {
        self.0.get() == 0
    }
}

/// The edge of a page where an off-page connector sits.
#[derive(Debug, Clone, Copy)]
enum PageEdge {
    Top,
    Bottom,
}

/// Which of the jog heights between a track and its off-page connector a line tries.
#[derive(Debug, Clone, Copy)]
enum Jogs {
    /// Only the first: the quick look a jump search takes at every track.
    First,
    /// All of them (up to [`JOGS`]).
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// An axis-aligned segment in the form its tests read: which way it runs, where it
/// runs, and how far on each axis. The router tests each candidate against every line
/// already drawn, so this is worked out once per segment, not once per test.
#[derive(Debug, Clone, Copy)]
struct Seg {
    horizontal: bool,
    /// The y of a horizontal segment, the x of a vertical one (at its first point).
    at: f64,
    /// Least and greatest x.
    xr: (f64, f64),
    /// Least and greatest y.
    yr: (f64, f64),
}

impl Seg {
    fn new(a: [f64; 2], b: [f64; 2]) -> Self {
        let horizontal = (a[1] - b[1]).abs() < 1e-6;
        Seg {
            horizontal,
            at: if horizontal { a[1] } else { a[0] },
            xr: (a[0].min(b[0]), a[0].max(b[0])),
            yr: (a[1].min(b[1]), a[1].max(b[1])),
        }
    }

    /// Its extent along the way it runs.
    fn along(&self) -> (f64, f64) {
        if self.horizontal { self.xr } else { self.yr }
    }
}

/// Everything already drawn, to test candidates against, by page (a candidate is only
/// ever tested against its own page).
#[derive(Default)]
struct Scene {
    boxes: Vec<Vec<Rect>>,
    segs: Vec<Vec<Seg>>,
    rules: Vec<Vec<TableRules>>,
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

    fn rules_on(&self, page: usize) -> &[TableRules] {
        self.rules.get(page).map_or(&[], Vec::as_slice)
    }

    fn push_rules(&mut self, rules: TableRules) {
        if self.rules.len() <= rules.page {
            self.rules.resize(rules.page + 1, Vec::new());
        }
        self.rules[rules.page].push(rules);
    }

    fn from_geometry(g: &Geometry) -> Self {
        let mut scene = Scene::default();
        for r in &g.rules {
            scene.push_rules(r.clone());
        }
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
            self.segs[page].push(Seg::new(w[0], w[1]));
        }
    }

    /// Scores a polyline against the scene; `points[0]` and the last point lie on symbol or
    /// connector boundaries and are allowed to touch those.
    fn score_path(&self, page: usize, points: &[[f64; 2]], score: &mut Score) {
        self.score_path_within(page, points, score, u32::MAX);
    }

    /// [`Scene::score_path`] that gives up once the violations pass `bound`: a search
    /// drops such a candidate whatever the rest of it would add, since violations only
    /// add up. The score is then incomplete.
    fn score_path_within(&self, page: usize, points: &[[f64; 2]], score: &mut Score, bound: u32) {
        let n = points.len();
        for (k, w) in points.windows(2).enumerate() {
            let seg = Seg::new(w[0], w[1]);
            score.length += (w[1][0] - w[0][0]).abs() + (w[1][1] - w[0][1]).abs();
            // Keep the true endpoints for line tests, shrink them for box tests.
            let (a, b) = shrink(w[0], w[1], k == 0, k + 2 == n);
            let shrunk = Seg::new(a, b);
            for rules in self.rules_on(page) {
                if rules.runs_along(w[0], w[1], RULE_CLEAR) {
                    score.violations += 1;
                }
            }
            for b in self.boxes_on(page) {
                if seg_hits_rect(&shrunk, &b.inflate(1.0)) {
                    score.violations += 1;
                }
            }
            if score.violations > bound {
                return;
            }
            for other in self.segs_on(page) {
                match conflict(&seg, other) {
                    Conflict::None => {}
                    Conflict::Cross => score.crossings += 1,
                    Conflict::Bad => score.violations += 1,
                }
            }
            if score.violations > bound {
                return;
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
                if *p == page && seg_hits_rect(&Seg::new(w[0], w[1]), &near) {
                    score.violations += 1;
                }
            }
        }
    }
}

/// The segment `a`-`b` pulled in by 2 pt at its start, its end, or both.
fn shrink(mut a: [f64; 2], mut b: [f64; 2], start: bool, end: bool) -> ([f64; 2], [f64; 2]) {
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
    let (dx, dy) = (sign(b[0] - a[0]), sign(b[1] - a[1]));
    if start {
        a[0] += dx * d;
        a[1] += dy * d;
    }
    if end {
        b[0] -= dx * d;
        b[1] -= dy * d;
    }
    (a, b)
}

fn seg_hits_rect(s: &Seg, r: &Rect) -> bool {
    let ((x0, x1), (y0, y1)) = (s.xr, s.yr);
    x0 <= r.right() && x1 >= r.x && y0 <= r.bottom() && y1 >= r.y
}

enum Conflict {
    None,
    Cross,
    Bad,
}

/// How two axis-aligned segments relate: apart, crossing at a right angle, or touching/overlapping.
fn conflict(a: &Seg, b: &Seg) -> Conflict {
    if a.horizontal == b.horizontal {
        // Parallel: too close along a shared stretch?
        let ((a0, a1), (b0, b1)) = (a.along(), b.along());
        if (a.at - b.at).abs() < CLEAR - 1e-6 && a0 < b1 + CLEAR && b0 < a1 + CLEAR {
            return Conflict::Bad;
        }
        return Conflict::None;
    }
    let (h, v) = if a.horizontal { (a, b) } else { (b, a) };
    let ((hx0, hx1), (vy0, vy1)) = (h.xr, v.yr);
    let (x, y) = (v.at, h.at);
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
    /// How wide the symbols are drawn.
    symbols: Symbols,
    /// What is left of the SOP's routing budget.
    budget: &'a Budget,
    /// The text size of this table's Ya/Tidak labels ([`label_size`]).
    label_size: f64,
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

/// Routes the flow tables of one sheet, in order, connector letters running on from one
/// to the next: with [`Symbols::Fixed`] first and, only if that breaks a drawing rule,
/// again with [`Symbols::Wide`], keeping the drawing that breaks fewer. Returns the
/// geometry on `pages` and how many rules it breaks (0 when all is clean).
///
/// The wide drawing gets the budget the fixed one started with, so a fallback is never
/// starved by the attempt before it; it is seldom needed.
pub fn route_sheet(
    tables: &[FlowInput<'_>],
    pages: &[PageInfo],
    budget: &Budget,
) -> (Geometry, usize) {
    let left = budget.left();
    let fixed = route_tables(tables, pages, Symbols::Fixed, budget);
    // In lanes too narrow for a fixed symbol, a wide one is no wider: nothing to try.
    let same = tables
        .iter()
        .flat_map(|t| &t.lanes)
        .all(|(a, b)| (Symbols::Fixed.widest(b - a) - Symbols::Wide.widest(b - a)).abs() < 1e-9);
    if fixed.1 == 0 || same {
        return fixed;
    }
    let wide = route_tables(tables, pages, Symbols::Wide, &Budget::new(left));
    if wide.1 < fixed.1 { wide } else { fixed }
}

/// Routes the flow tables of one sheet with `symbols`: the geometry and how many rules
/// it breaks.
fn route_tables(
    tables: &[FlowInput<'_>],
    pages: &[PageInfo],
    symbols: Symbols,
    budget: &Budget,
) -> (Geometry, usize) {
    let mut geometry = Geometry {
        pages: pages.to_vec(),
        ..Geometry::default()
    };
    let (mut letters, mut violations) = (0, 0);
    for input in tables {
        violations = route(input, symbols, budget, &mut letters, &mut geometry);
    }
    (geometry, violations)
}

/// Routes one flow table into `geometry` with `symbols`, continuing connector letters
/// from `letters`.
///
/// The table is drawn in the first of [`ORDERS`]; while the checker finds a broken rule,
/// it is drawn again in the next, and the drawing with the fewest broken rules (then
/// crossings) is kept. Other orders are not tried for crossings alone: on a synthetic
/// catalogue that tripled the routing, to a sixth of a whole build.
///
/// Returns how many rules the kept drawing breaks, counting the tables routed into
/// `geometry` before it: 0 when all is clean.
pub fn route(
    input: &FlowInput<'_>,
    symbols: Symbols,
    budget: &Budget,
    letters: &mut usize,
    geometry: &mut Geometry,
) -> usize {
    // The geometry may hold the tables routed before this one: their edges are expected
    // as drawn, so the checker judges this table's drawing alone.
    let mut expected: Vec<_> = geometry
        .edges
        .iter()
        .map(|e| (e.procedure, e.from, e.to))
        .collect();
    expected.extend(expected_of(
        input.procedure,
        input.steps.iter().map(|s| s.alur),
    ));
    let judge = |g: &Geometry| {
        let report = check(g, &expected);
        (report.violations.len(), report.crossings)
    };
    let before = (geometry.clone(), *letters);
    let how = (symbols, budget);
    route_in(input, how, ORDERS[0], letters, geometry);
    let mut best = judge(geometry);
    for &order in &ORDERS[1..] {
        if best.0 == 0 || budget.spent() {
            break;
        }
        let (mut g, mut l) = before.clone();
        route_in(input, how, order, &mut l, &mut g);
        let score = judge(&g);
        if score < best {
            (*geometry, *letters, best) = (g, l, score);
        }
    }
    best.0
}

fn route_in(
    input: &FlowInput<'_>,
    (symbols, budget): (Symbols, &Budget),
    order: Order,
    letters: &mut usize,
    geometry: &mut Geometry,
) {
    geometry.rules.extend(table_rules(input));
    let scene = Scene::from_geometry(geometry);
    let lane = input
        .lanes
        .iter()
        .map(|(a, b)| b - a)
        .fold(f64::INFINITY, f64::min);
    let mut r = Router {
        input,
        symbols,
        budget,
        label_size: label_size(lane, &[input.label_ya, input.label_tidak], input.text_width),
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
            // A label too wide to stand beside the line down the lane leaves by a side.
            let fits = label.is_none_or(|t| r.fits_below(step.lanes[0], t));
            match target {
                Tujuan::Langkah(j) if j == i + 1 && !bottom_used && fits => {
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

/// The rules of the table on each of its pages: lane borders, and the borders of the
/// step rows there.
fn table_rules(input: &FlowInput<'_>) -> Vec<TableRules> {
    let mut xs: Vec<f64> = input.lanes.iter().map(|l| l.0).collect();
    xs.extend(input.lanes.last().map(|l| l.1));
    let mut out: Vec<TableRules> = Vec::new();
    for row in &input.rows {
        let at = match out.iter().position(|r| r.page == row.page) {
            Some(k) => k,
            None => {
                out.push(TableRules {
                    page: row.page,
                    procedure: input.procedure,
                    xs: xs.clone(),
                    ys: Vec::new(),
                });
                out.len() - 1
            }
        };
        for y in [row.y0, row.y1] {
            let ys = &mut out[at].ys;
            if !ys.iter().any(|v| (v - y).abs() < 0.01) {
                ys.push(y);
            }
        }
    }
    for r in &mut out {
        r.ys.sort_by(f64::total_cmp);
    }
    out
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
            let cy = (row.y0 + row.y1) / 2.0;
            let mut rects = Vec::new();
            for &l in &step.lanes {
                let (x0, x1) = input.lanes[l];
                let (w, h) = self.symbols.size(step.bentuk, x1 - x0);
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
                    lane: input.pelaksana[l].clone(),
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

    /// Whether a box pokes out of the lane columns into the text columns.
    fn outside_lanes(&self, r: &Rect) -> bool {
        let lanes = &self.input.lanes;
        r.x < lanes[0].0 || r.right() > lanes[lanes.len() - 1].1
    }

    /// Normal flow: bottom of step i to the top of step j (= i + 1).
    fn sequential(&mut self, i: usize, j: usize, label: Option<&str>) {
        let (src, dst) = self.nearest_symbols(i, j);
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
                    ri.y1 - 4.0,
                    ri.y1 - 3.5,
                    rj.y0 + 11.0,
                    ri.y1 - 11.0,
                    (bs + tt) / 2.0,
                ] {
                    if yh >= bs + 3.0 && yh <= tt - 6.0 {
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
                let first =
                    self.reach_connector(pi, PageEdge::Bottom, &[[xs, bs]], xs, cx, Jogs::All);
                let second =
                    self.leave_connector(pj, PageEdge::Top, cx, xt, &[[xt, tt]], Jogs::All);
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

    /// The symbols of steps `i` and `j` that normal flow joins: of a joint step, the one
    /// nearest the other step's (the first lane's on a tie), so that the line does not
    /// run across the row past the joint step's other symbols.
    fn nearest_symbols(&self, i: usize, j: usize) -> (Rect, Rect) {
        let (a, b) = (&self.placed[i].rects, &self.placed[j].rects);
        let mut best = (a[0], b[0]);
        for s in a {
            for t in b {
                if (s.cx() - t.cx()).abs() < (best.0.cx() - best.1.cx()).abs() - 1e-6 {
                    best = (*s, *t);
                }
            }
        }
        best
    }

    /// The steps step `k` leads to.
    fn targets(&self, k: usize) -> Vec<usize> {
        self.input.steps[k].alur.langkah().collect()
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
                size: self.label_size,
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

    /// Connector letters (rule 7, src/flow/check.rs) go on past Z.
    #[test]
    fn letters_run_past_z() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }

    /// The router tells a crossing from touching or too near lines as rule 4
    /// (src/flow/check.rs) does.
    #[test]
    fn crossing_and_touching_are_told_apart() {
        let h = Seg::new([0.0, 10.0], [20.0, 10.0]);
        let v = Seg::new([10.0, 0.0], [10.0, 20.0]);
        assert!(matches!(conflict(&h, &v), Conflict::Cross));
        let t = Seg::new([10.0, 10.0], [10.0, 20.0]);
        assert!(matches!(conflict(&h, &t), Conflict::Bad));
        let near = Seg::new([5.0, 12.0], [30.0, 12.0]);
        assert!(matches!(conflict(&h, &near), Conflict::Bad));
    }
}
