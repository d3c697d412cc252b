//! The router against the drawing rules 1-7 written out in `src/flow/check.rs` ("flow
//! lines: the quality bar"): thousands of generated flows plus a few hand-written hard
//! cases, all checked by `sopan::flow::check` on the geometry the router computed.
//!
//! `SOPAN_PROP_CASES=20000` raises the number of generated flows, `SOPAN_PROP_SEED=<n>` changes
//! the base seed, `SOPAN_PROP_ONE=<seed>` routes a single generated flow and prints it,
//! `SOPAN_PROP_LIST=1` lists every failing seed with the kinds of what it broke.
//! A failing generated flow is shrunk by hand-coded minimisation and printed as a `Flow`
//! literal that can be pasted into a test below.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use sopan::flow::check::{Report, check};
use sopan::flow::route::{ROOM, compact_room, min_row_height};
use sopan::flow::{Budget, FlowInput, Geometry, PageInfo, RowBox, StepIn, StepRef, route_sheet};
#[allow(unused_imports)]
use sopan::model::{Alur, Alur::*, Bentuk, Tujuan, Tujuan::*};
use sopan::typeset::columns;
use sopan::typeset::plan::{self, Density};

/// Printable width of A4 landscape.
const PRINTABLE: f64 = 756.85;
/// Left edge of the first lane.
const LANE_X0: f64 = 300.0;
/// Top of the first row on every page.
const TOP: f64 = 80.0;
/// No row may end below this.
const BOTTOM: f64 = 540.0;

// ---------------------------------------------------------------------------------------
// Flows

/// A flow table as the router sees it, in a form that prints as Rust.
#[derive(Debug, Clone)]
pub(crate) struct Flow {
    /// Number of lanes.
    pub(crate) lanes: usize,
    /// Per step: lanes (sorted, first = where edges attach) and what follows.
    pub(crate) steps: Vec<(Vec<usize>, Alur)>,
    /// Extra row height above `min_row_height`, per step.
    pub(crate) extra: Vec<u32>,
}

/// A flow table laid out as the tests do: rows stacked from y = 80, routed on them.
struct Stacked {
    rows: Vec<Vec<RowBox>>,
    geometry: Geometry,
    violations: usize,
}

impl plan::Laid for Stacked {
    fn rows(&self) -> &[Vec<RowBox>] {
        &self.rows
    }

    fn violations(&self) -> usize {
        self.violations
    }
}

fn bentuk(i: usize, n: usize, alur: &Alur) -> Bentuk {
    match alur {
        Keputusan { .. } => Bentuk::Decision,
        _ if i == 0 || i + 1 == n => Bentuk::Terminator,
        _ => Bentuk::Process,
    }
}

fn text_width(t: &str, size: f64) -> f64 {
    t.chars().count() as f64 * size * 0.55
}

impl Flow {
    fn bentuk(&self, i: usize) -> Bentuk {
        bentuk(i, self.steps.len(), &self.steps[i].1)
    }

    /// Rows of the first, compact plan sopan tries ([`Flow::rows_with`]).
    fn rows(&self) -> Vec<RowBox> {
        self.rows_with(&self.compact_room())
    }

    fn compact_room(&self) -> Vec<f64> {
        compact_room(
            &(0..self.steps.len())
                .map(|i| self.bentuk(i))
                .collect::<Vec<_>>(),
        )
    }

    /// Rows stacked from y = 80 with `room` above and below each symbol (each row at
    /// least a compact row plus its `extra`, the text it holds); a row that would pass
    /// y = 540 starts a new page.
    fn rows_with(&self, room: &[f64]) -> Vec<RowBox> {
        let mut out = Vec::new();
        let (mut page, mut y) = (1, TOP);
        for (i, &room) in room.iter().enumerate() {
            let b = self.bentuk(i);
            let text = min_row_height(b, ROOM) + f64::from(self.extra[i]);
            let h = min_row_height(b, room).max(text);
            if y + h > BOTTOM && y > TOP {
                page += 1;
                y = TOP;
            }
            out.push(RowBox {
                page,
                y0: y,
                y1: y + h,
            });
            y += h;
        }
        out
    }

    /// The lane width of a compact plan: a symbol and two channels, wider for many
    /// jumps and for the connectors of the busiest page break.
    fn lane_width(&self) -> f64 {
        self.lane_width_of(Density::Compact)
    }

    /// The lane width of a plan at `density`, as `sopan render` plans it.
    fn lane_width_of(&self, density: Density) -> f64 {
        let alur: Vec<Alur> = self.steps.iter().map(|s| s.1).collect();
        let lanes = plan::Lanes {
            alur: &alur,
            count: self.lanes,
            names: 0.0,
            labels: plan::label_room(&alur, &["Ya", "Tidak"], &text_width),
        };
        lanes
            .columns(
                density,
                PRINTABLE,
                &columns::TableText::default(),
                &text_width,
                None,
            )
            .unwrap()
            .lane
    }

    /// The edges the router must draw: one per target of every step's alur.
    fn expected(&self) -> Vec<(usize, usize, StepRef)> {
        let to = |t: Tujuan| match t {
            Langkah(j) => StepRef::Step(j + 1),
            Selesai => StepRef::Selesai,
        };
        let mut out = Vec::new();
        for (i, (_, alur)) in self.steps.iter().enumerate() {
            match *alur {
                Lanjut(t) => out.push((0, i + 1, to(t))),
                Keputusan { ya, tidak } => {
                    out.push((0, i + 1, to(ya)));
                    out.push((0, i + 1, to(tidak)));
                }
                Akhir => {}
            }
        }
        out
    }

    /// Routes the flow as `sopan render` plans every sheet ([`plan::settle`]), on rows
    /// stacked as [`Flow::rows_with`] says instead of laid out by Typst. A panic in the
    /// router comes back as `Err`.
    fn route(&self) -> Result<Geometry, String> {
        let bentuk = vec![(0..self.steps.len()).map(|i| self.bentuk(i)).collect()];
        let rooms = vec![self.compact_room()];
        plan::settle(&bentuk, rooms, BOTTOM, |density, rooms| {
            let rows = self.rows_with(&rooms[0]);
            let (geometry, violations) = self.route_on(&rows, self.lane_width_of(density))?;
            Ok(Stacked {
                rows: vec![rows],
                geometry,
                violations,
            })
        })
        .map(|s| s.geometry)
    }

    /// Routes the flow once on `rows`, in lanes `lane` wide, as `sopan render` routes a
    /// sheet ([`route_sheet`]): the geometry and how many rules it breaks.
    fn route_on(&self, rows: &[RowBox], lane: f64) -> Result<(Geometry, usize), String> {
        let names: Vec<String> = (0..self.lanes)
            .map(|k| format!("Pelaksana {}", k + 1))
            .collect();
        let pages = rows.last().map_or(1, |r| r.page);
        let input = FlowInput {
            procedure: 0,
            pelaksana: &names,
            lanes: (0..self.lanes)
                .map(|k| (LANE_X0 + lane * k as f64, LANE_X0 + lane * (k + 1) as f64))
                .collect(),
            rows: rows.to_vec(),
            steps: self
                .steps
                .iter()
                .enumerate()
                .map(|(i, (lanes, alur))| StepIn {
                    lanes: lanes.clone(),
                    bentuk: self.bentuk(i),
                    alur: *alur,
                })
                .collect(),
            label_ya: "Ya",
            label_tidak: "Tidak",
            label_selesai: "Selesai",
            text_width: &text_width,
        };
        let pages: Vec<PageInfo> = (1..=pages)
            .map(|number| PageInfo {
                number,
                width: 841.89,
                height: 595.28,
            })
            .collect();
        let budget = Budget::new(Budget::SOP);
        panic::catch_unwind(AssertUnwindSafe(|| {
            route_sheet(std::slice::from_ref(&input), &pages, &budget)
        }))
        .map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "?".into())
        })
    }

    /// A `Flow` literal with the symbol, page and row of every step in comments.
    fn rust(&self) -> String {
        let rows = self.rows();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "// {} lanes of {:.2} pt from x = {LANE_X0}; {} steps on {} page(s)",
            self.lanes,
            self.lane_width(),
            self.steps.len(),
            rows.last().map_or(0, |r| r.page)
        );
        let _ = writeln!(s, "Flow {{\n    lanes: {},\n    steps: vec![", self.lanes);
        for (i, (lanes, alur)) in self.steps.iter().enumerate() {
            let r = rows[i];
            let _ = writeln!(
                s,
                "        (vec!{lanes:?}, {alur:?}), // {} {:?} p{} y {:.0}..{:.0}",
                i + 1,
                self.bentuk(i),
                r.page,
                r.y0,
                r.y1
            );
        }
        let _ = writeln!(s, "    ],\n    extra: vec!{:?},\n}}", self.extra);
        s
    }
}

/// A compact dump of what the router drew, to diagnose a failure.
fn dump(g: &Geometry) -> String {
    let mut s = String::new();
    for sym in &g.symbols {
        let r = sym.rect;
        let _ = writeln!(
            s,
            "  symbol {:?} {:?} p{} x {:.1}..{:.1} y {:.1}..{:.1}",
            sym.step,
            sym.kind,
            sym.page,
            r.x,
            r.right(),
            r.y,
            r.bottom()
        );
    }
    for c in &g.connectors {
        let r = c.rect;
        let _ = writeln!(
            s,
            "  connector {} p{} x {:.1}..{:.1} y {:.1}..{:.1}",
            c.id,
            c.page,
            r.x,
            r.right(),
            r.y,
            r.bottom()
        );
    }
    for l in &g.labels {
        let r = l.rect;
        let _ = writeln!(
            s,
            "  label {} p{} x {:.1}..{:.1} y {:.1}..{:.1}",
            l.text,
            l.page,
            r.x,
            r.right(),
            r.y,
            r.bottom()
        );
    }
    for e in &g.edges {
        let _ = write!(s, "  edge {}->{:?}", e.from, e.to);
        for p in &e.paths {
            let pts: Vec<String> = p
                .points
                .iter()
                .map(|q| format!("({:.1},{:.1})", q[0], q[1]))
                .collect();
            let _ = write!(s, " p{}: {}", p.page, pts.join(" "));
        }
        let _ = writeln!(s);
    }
    s
}

// ---------------------------------------------------------------------------------------
// Generator

/// xorshift64*: small, deterministic, good enough for test inputs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // splitmix64 the seed so that neighbouring seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// A random step index other than `i` and other than every index in `not`.
fn other(rng: &mut Rng, n: usize, i: usize, not: &[usize]) -> Option<usize> {
    let pool: Vec<usize> = (0..n).filter(|j| *j != i && !not.contains(j)).collect();
    (!pool.is_empty()).then(|| pool[rng.below(pool.len())])
}

/// A random flow: 1-10 lanes, 2-60 steps, decisions and jumps both ways, joint steps,
/// rows taller than their symbols by up to 60 pt.
pub(crate) fn generate(seed: u64) -> Flow {
    let mut rng = Rng::new(seed);
    let lanes = rng.range(1, 10);
    let n = rng.range(2, 60);
    let mut steps = Vec::new();
    let mut lane = rng.below(lanes);
    for i in 0..n {
        // Real SOPs mostly hand over to a neighbouring lane; half the time jump anywhere.
        lane = if rng.chance(0.5) {
            rng.below(lanes)
        } else {
            (lane + rng.range(0, 2)).saturating_sub(1).min(lanes - 1)
        };
        let step_lanes = if lanes >= 2 && rng.chance(0.05) {
            let k = rng.range(2, 3.min(lanes));
            if rng.chance(0.7) {
                let start = rng.below(lanes - k + 1);
                (start..start + k).collect()
            } else {
                let mut v = vec![rng.below(lanes)];
                while v.len() < k {
                    let l = rng.below(lanes);
                    if !v.contains(&l) {
                        v.push(l);
                    }
                }
                v.sort_unstable();
                v
            }
        } else {
            vec![lane]
        };
        let last = i + 1 == n;
        let alur = if rng.chance(0.2) {
            let ya = if last {
                Selesai
            } else if rng.chance(0.9) {
                Langkah(i + 1)
            } else {
                // Both branches jump.
                match other(&mut rng, n, i, &[i + 1]) {
                    Some(j) if rng.chance(0.9) => Langkah(j),
                    _ => Selesai,
                }
            };
            let not: Vec<usize> = match ya {
                Langkah(j) => vec![j],
                Selesai => vec![],
            };
            let tidak = if ya != Selesai && rng.chance(0.1) {
                Selesai
            } else {
                match other(&mut rng, n, i, &not) {
                    Some(j) => Langkah(j),
                    None => Selesai,
                }
            };
            if ya == tidak {
                // Only possible for n = 2 with nothing else to point at: no decision then.
                if last { Akhir } else { Lanjut(Langkah(i + 1)) }
            } else {
                Keputusan { ya, tidak }
            }
        } else if !last && rng.chance(0.05) {
            match other(&mut rng, n, i, &[i + 1]) {
                Some(j) if rng.chance(0.85) => Lanjut(Langkah(j)),
                _ => Lanjut(Selesai),
            }
        } else if last {
            Akhir
        } else {
            Lanjut(Langkah(i + 1))
        };
        steps.push((step_lanes, alur));
    }
    let extra = (0..n).map(|_| rng.range(0, 60) as u32).collect();
    Flow {
        lanes,
        steps,
        extra,
    }
}

// ---------------------------------------------------------------------------------------
// Shrinking

fn default_alur(i: usize, n: usize) -> Alur {
    if i + 1 < n {
        Lanjut(Langkah(i + 1))
    } else {
        Akhir
    }
}

/// Makes a flow valid again after an edit: no self-jumps, no decision with equal exits,
/// `Akhir` only (and always, unless a decision) on the last step.
fn normalise(mut f: Flow) -> Flow {
    let n = f.steps.len();
    for i in 0..n {
        let fix = |t: Tujuan| match t {
            Langkah(j) if j == i || j >= n => {
                if i + 1 < n {
                    Langkah(i + 1)
                } else {
                    Selesai
                }
            }
            t => t,
        };
        let last = i + 1 == n;
        let alur = match f.steps[i].1 {
            Akhir if !last => default_alur(i, n),
            Lanjut(t) => match fix(t) {
                Selesai if last => Akhir,
                t => Lanjut(t),
            },
            Keputusan { ya, tidak } => {
                let (ya, tidak) = (fix(ya), fix(tidak));
                if ya == tidak {
                    match ya {
                        Selesai if last => Akhir,
                        t => Lanjut(t),
                    }
                } else {
                    Keputusan { ya, tidak }
                }
            }
            a => a,
        };
        f.steps[i].1 = alur;
    }
    f
}

fn remove_step(f: &Flow, k: usize) -> Option<Flow> {
    let n = f.steps.len();
    if n <= 2 {
        return None;
    }
    let map = |t: Tujuan| match t {
        Langkah(j) if j < k => Langkah(j),
        Langkah(j) if j == k => {
            if k + 1 < n {
                Langkah(k)
            } else {
                Selesai
            }
        }
        Langkah(j) => Langkah(j - 1),
        Selesai => Selesai,
    };
    let mut g = f.clone();
    g.steps.remove(k);
    g.extra.remove(k);
    for s in &mut g.steps {
        s.1 = match s.1 {
            Lanjut(t) => Lanjut(map(t)),
            Keputusan { ya, tidak } => Keputusan {
                ya: map(ya),
                tidak: map(tidak),
            },
            Akhir => Akhir,
        };
    }
    Some(normalise(g))
}

/// Merges lane `l` into its left neighbour (or lane 1 into lane 0).
fn merge_lane(f: &Flow, l: usize) -> Option<Flow> {
    if f.lanes <= 1 {
        return None;
    }
    let mut g = f.clone();
    g.lanes -= 1;
    for s in &mut g.steps {
        let mut v: Vec<usize> =
            s.0.iter()
                .map(|&x| if x >= l && x > 0 { x - 1 } else { x })
                .collect();
        v.sort_unstable();
        v.dedup();
        s.0 = v;
    }
    Some(g)
}

/// Every simpler flow worth trying, roughly biggest cut first.
fn shrink_candidates(f: &Flow) -> Vec<Flow> {
    let n = f.steps.len();
    let mut out = Vec::new();
    // Chop halves and quarters off the end and the start.
    for cut in [n / 2, n / 4] {
        if cut >= 1 && n - cut >= 2 {
            let mut g = f.clone();
            for _ in 0..cut {
                g = remove_step(&g, g.steps.len() - 1).unwrap();
            }
            out.push(g);
            let mut g = f.clone();
            for _ in 0..cut {
                g = remove_step(&g, 0).unwrap();
            }
            out.push(g);
        }
    }
    for k in (0..n).rev() {
        if let Some(g) = remove_step(f, k) {
            out.push(g);
        }
    }
    for l in (0..f.lanes).rev() {
        if let Some(g) = merge_lane(f, l) {
            out.push(g);
        }
    }
    for i in 0..n {
        let d = default_alur(i, n);
        if f.steps[i].1 != d {
            let mut g = f.clone();
            g.steps[i].1 = d;
            out.push(g);
        }
        if let Keputusan { ya, tidak } = f.steps[i].1 {
            // Keep the decision, make one branch the default.
            let d = if i + 1 < n { Langkah(i + 1) } else { Selesai };
            for (y, t) in [(d, tidak), (ya, d)] {
                if y != t && (y, t) != (ya, tidak) {
                    let mut g = f.clone();
                    g.steps[i].1 = Keputusan { ya: y, tidak: t };
                    out.push(g);
                }
            }
        }
        if f.steps[i].0.len() > 1 {
            let mut g = f.clone();
            g.steps[i].0.truncate(1);
            out.push(g);
        }
    }
    for i in 0..n {
        if f.extra[i] > 0 {
            let mut g = f.clone();
            g.extra[i] = 0;
            out.push(g);
            let mut g = f.clone();
            g.extra[i] /= 2;
            out.push(g);
        }
    }
    out
}

/// Normalised violation kind: numbers become `#`, connector letters `X`.
fn kind(v: &str) -> String {
    // Keep "rule N:" as it is.
    let (head, v) = match v.split_once(':') {
        Some((h, rest)) if h.starts_with("rule") => (format!("{h}:"), rest),
        _ => (String::new(), v),
    };
    let mut out = head;
    let mut in_num = false;
    for c in v.chars() {
        if c.is_ascii_digit() || (in_num && c == '.') {
            if !in_num {
                out.push('#');
            }
            in_num = true;
        } else {
            in_num = false;
            out.push(c);
        }
    }
    if out.starts_with("panic") {
        return "panic".into();
    }
    out.split(' ')
        .map(|w| {
            if !w.is_empty() && w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase()) {
                "X"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a line meets a symbol it is said to pass through.
#[derive(Clone, Copy)]
enum Hit {
    /// One of the step's own edges, at the end that attaches to this very symbol
    /// (e.g. an off-centre port on a rounded terminator end).
    OwnEnd,
    /// One of the step's own edges (or its join), through another symbol of a joint step.
    OwnJoint,
    /// Any other line.
    Other,
}

/// The kinds of a report's violations. "passes through symbol Step(n)" is split by how
/// the line meets the symbol (see `Hit`), replaying the checker's loop order.
fn kinds(g: Option<&Geometry>, r: &Report) -> Vec<String> {
    let mut own: BTreeMap<(usize, usize), Vec<Hit>> = BTreeMap::new();
    if let Some(g) = g {
        // (page, from point, to point, edge source, edge target)
        type LineSeg = (usize, [f64; 2], [f64; 2], usize, StepRef);
        let mut segs: Vec<LineSeg> = Vec::new();
        for e in &g.edges {
            for p in &e.paths {
                for w in p.points.windows(2) {
                    segs.push((p.page, w[0], w[1], e.from, e.to));
                }
            }
        }
        for j in &g.joins {
            for w in j.points.windows(2) {
                segs.push((j.page, w[0], w[1], j.step, StepRef::Step(j.step)));
            }
        }
        for (page, a0, b0, from, to) in segs {
            let (a, b) = shrink_seg(a0, b0, 1.5);
            for sym in &g.symbols {
                let StepRef::Step(n) = sym.step else { continue };
                if sym.page == page && seg_in_rect(a, b, &sym.rect.inflate(0.5)) {
                    let near = |p: [f64; 2]| {
                        let r = sym.rect.inflate(0.6);
                        p[0] >= r.x && p[0] <= r.right() && p[1] >= r.y && p[1] <= r.bottom()
                    };
                    let hit = if from != n && to != StepRef::Step(n) {
                        Hit::Other
                    } else if near(a0) || near(b0) {
                        Hit::OwnEnd
                    } else {
                        Hit::OwnJoint
                    };
                    own.entry((page, n)).or_default().push(hit);
                }
            }
        }
        for v in own.values_mut() {
            v.reverse();
        }
    }
    r.violations
        .iter()
        .map(|v| {
            let k = kind(v);
            let parsed = v
                .strip_prefix("rule 3: a line on page ")
                .and_then(|rest| rest.split_once(" passes through symbol Step("))
                .and_then(|(p, n)| Some((p.parse().ok()?, n.trim_end_matches(')').parse().ok()?)));
            match parsed.and_then(|key| own.get_mut(&key)).and_then(Vec::pop) {
                Some(Hit::OwnEnd) => format!("{k} [own edge, at its end]"),
                Some(Hit::OwnJoint) => format!("{k} [own edge, through a joint-step symbol]"),
                Some(Hit::Other) => format!("{k} [another line]"),
                None => k,
            }
        })
        .collect()
}

fn shrink_seg(a: [f64; 2], b: [f64; 2], d: f64) -> ([f64; 2], [f64; 2]) {
    let len = ((b[0] - a[0]).abs() + (b[1] - a[1]).abs()).max(1e-9);
    let d = d.min(len / 2.0 - 1e-6).max(0.0);
    let (dx, dy) = ((b[0] - a[0]) / len, (b[1] - a[1]) / len);
    (
        [a[0] + dx * d, a[1] + dy * d],
        [b[0] - dx * d, b[1] - dy * d],
    )
}

fn seg_in_rect(a: [f64; 2], b: [f64; 2], r: &sopan::flow::Rect) -> bool {
    let (x0, x1) = (a[0].min(b[0]), a[0].max(b[0]));
    let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
    x0 < r.right() && x1 > r.x && y0 < r.bottom() && y1 > r.y
}

/// Routes, checks and names the kinds of what broke.
fn run_kinds(f: &Flow) -> (Report, Vec<String>) {
    judge(f, &f.route())
}

/// Checks a routing result; a router panic is reported as a violation.
fn judge(f: &Flow, routed: &Result<Geometry, String>) -> (Report, Vec<String>) {
    match routed {
        Ok(g) => {
            let r = check(g, &f.expected());
            let k = kinds(Some(g), &r);
            (r, k)
        }
        Err(msg) => {
            let r = Report {
                violations: vec![format!("panic: {msg}")],
                crossings: 0,
            };
            let k = kinds(None, &r);
            (r, k)
        }
    }
}

fn has_kind(f: &Flow, k: &str) -> bool {
    run_kinds(f).1.iter().any(|v| v == k)
}

/// Greedy minimisation keeping at least one violation of kind `k`.
fn shrink(f: &Flow, k: &str) -> Flow {
    let mut cur = f.clone();
    let mut tries = 0;
    'outer: while tries < 4000 {
        for c in shrink_candidates(&cur) {
            tries += 1;
            if has_kind(&c, k) {
                cur = c;
                continue 'outer;
            }
        }
        break;
    }
    cur
}

// ---------------------------------------------------------------------------------------
// The property test

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// One generated flow, routed and checked.
struct Case {
    seed: u64,
    flow: Flow,
    report: Report,
    kinds: Vec<String>,
    route_time: Duration,
    check_time: Duration,
}

fn run_case(seed: u64) -> Case {
    let flow = generate(seed);
    let t0 = Instant::now();
    let routed = flow.route();
    let route_time = t0.elapsed();
    let t1 = Instant::now();
    let (report, kinds) = judge(&flow, &routed);
    Case {
        seed,
        flow,
        report,
        kinds,
        route_time,
        check_time: t1.elapsed(),
    }
}

#[derive(Default)]
struct KindStats {
    flows: usize,
    occurrences: usize,
    /// The smallest failing flow seen (by steps, then lanes) and its seed.
    smallest: Option<(u64, Flow)>,
    example: String,
}

/// The property test of issue 4: 2000 generated flows (1-10 lanes, 2-60 steps, random
/// decisions and jumps both ways, random row heights forcing page breaks), every one
/// checked against every drawing rule (rules 1-7, src/flow/check.rs). `SOPAN_PROP_CASES`,
/// `SOPAN_PROP_SEED` run another corpus, `SOPAN_PROP_ONE=<seed>` shows one flow,
/// `SOPAN_PROP_LIST=1` lists failures.
#[test]
fn random_flows_obey_the_drawing_rules() {
    let cases = env_u64("SOPAN_PROP_CASES").unwrap_or(2000);
    let base = env_u64("SOPAN_PROP_SEED").unwrap_or(0x50_9A_4E);
    if let Some(seed) = env_u64("SOPAN_PROP_ONE") {
        let f = generate(seed);
        let g = f.route().expect("router panicked");
        let r = check(&g, &f.expected());
        eprintln!("{}\n{}", f.rust(), dump(&g));
        eprintln!("crossings {}; violations {:#?}", r.crossings, r.violations);
        assert!(r.violations.is_empty());
        return;
    }

    let started = Instant::now();
    // Route on every core; results are put back in seed order so the output is stable.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let mut results: Vec<Case> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (0..cases)
                        .filter(|c| c % threads == t)
                        .map(|c| run_case(base.wrapping_add(c)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    results.sort_by_key(|c| c.seed.wrapping_sub(base));
    let mut kinds: BTreeMap<String, KindStats> = BTreeMap::new();
    let mut failing = 0;
    let mut crossings = Vec::new();
    let (mut steps_total, mut pages_total) = (0, 0);
    let (mut route_time, mut check_time) = (Duration::ZERO, Duration::ZERO);
    for case in results {
        steps_total += case.flow.steps.len();
        pages_total += case.flow.rows().last().map_or(0, |r| r.page);
        route_time += case.route_time;
        check_time += case.check_time;
        crossings.push((case.report.crossings, case.seed));
        if case.report.violations.is_empty() {
            continue;
        }
        failing += 1;
        if std::env::var_os("SOPAN_PROP_LIST").is_some() {
            eprintln!(
                "failing seed {} ({} steps, {} lanes): {}",
                case.seed,
                case.flow.steps.len(),
                case.flow.lanes,
                case.kinds.join("; ")
            );
        }
        let mut seen = Vec::new();
        for (v, k) in case.report.violations.iter().zip(&case.kinds) {
            let st = kinds.entry(k.clone()).or_default();
            st.occurrences += 1;
            if !seen.contains(k) {
                seen.push(k.clone());
                st.flows += 1;
                let size = (case.flow.steps.len(), case.flow.lanes);
                if st
                    .smallest
                    .as_ref()
                    .is_none_or(|(_, s)| size < (s.steps.len(), s.lanes))
                {
                    st.smallest = Some((case.seed, case.flow.clone()));
                    st.example = v.clone();
                }
            }
        }
    }
    let routed = started.elapsed();
    crossings.sort_unstable();
    let median = crossings.get(crossings.len() / 2).map_or(0, |c| c.0);
    let worst = crossings.last().copied().unwrap_or((0, 0));
    eprintln!(
        "\n=== {cases} random flows (seeds {base}..{}), {:.1} steps and {:.1} pages on average, routed and checked in {:.1?} on {threads} threads (CPU time: route {:.1?}, check {:.1?})",
        base.wrapping_add(cases),
        steps_total as f64 / cases.max(1) as f64,
        pages_total as f64 / cases.max(1) as f64,
        routed,
        route_time,
        check_time
    );
    eprintln!(
        "flows with violations: {failing} of {cases}; crossings: median {median}, mean {:.2}, worst {} (seed {}), flows with none {}",
        crossings.iter().map(|c| c.0).sum::<usize>() as f64 / crossings.len().max(1) as f64,
        worst.0,
        worst.1,
        crossings.iter().filter(|c| c.0 == 0).count()
    );
    eprintln!("violation kinds (flows / occurrences):");
    for (k, st) in &kinds {
        eprintln!("  {:5} / {:6}  {k}", st.flows, st.occurrences);
    }
    for (k, st) in &kinds {
        let Some((seed, f)) = &st.smallest else {
            continue;
        };
        let small = shrink(f, k);
        eprintln!(
            "\n--- {k}\n    e.g. \"{}\" (seed {seed}, {} steps); shrunk to {} steps, {} lanes:",
            st.example,
            f.steps.len(),
            small.steps.len(),
            small.lanes
        );
        eprint!("{}", small.rust());
        let (r, ks) = run_kinds(&small);
        for (v, k) in r.violations.iter().zip(&ks) {
            let mark = if k == kind(v).as_str() {
                ""
            } else {
                &k[kind(v).len()..]
            };
            eprintln!("    ! {v}{mark}");
        }
        if let Ok(g) = small.route() {
            eprint!("{}", dump(&g));
        }
    }
    eprintln!("\n=== total time {:.1?}", started.elapsed());
    assert_eq!(
        failing,
        0,
        "{failing} of {cases} random flows break the drawing rules ({} kinds)",
        kinds.len()
    );
}

// ---------------------------------------------------------------------------------------
// Hand-written hard cases

/// One lane per step, the given alur, and the given extra heights (0 when `extra` is empty).
fn flow(lanes: usize, steps: Vec<(Vec<usize>, Alur)>, extra: &[u32]) -> Flow {
    let n = steps.len();
    let extra = if extra.is_empty() {
        vec![0; n]
    } else if extra.len() == 1 {
        vec![extra[0]; n]
    } else {
        extra.to_vec()
    };
    let f = Flow {
        lanes,
        steps,
        extra,
    };
    assert_eq!(f.extra.len(), n);
    f
}

fn next(i: usize) -> Alur {
    Lanjut(Langkah(i + 1))
}

/// Routes `f` and asserts that it breaks none of the drawing rules 1-7 (src/flow/check.rs).
fn assert_clean(name: &str, f: &Flow) {
    let g = f
        .route()
        .unwrap_or_else(|e| panic!("{name}: router panicked: {e}"));
    let r = check(&g, &f.expected());
    if !r.violations.is_empty() {
        eprintln!("{name}:\n{}{}", f.rust(), dump(&g));
        for v in &r.violations {
            eprintln!("  ! {v}");
        }
    }
    assert!(
        r.violations.is_empty(),
        "{name}: {} violations, first: {}",
        r.violations.len(),
        r.violations[0]
    );
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 7 (a loop back to an earlier page,
/// through a connector pair) and rule 5 (it leaves the diamond from a side vertex).
#[test]
fn loop_back_across_a_page_break() {
    // Steps 1-4 fill page 1; the decision on page 2 sends "tidak" back to step 2.
    let f = flow(
        3,
        vec![
            (vec![0], next(0)),
            (vec![1], next(1)),
            (vec![1], next(2)),
            (vec![2], next(3)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(5),
                    tidak: Langkah(1),
                },
            ),
            (vec![2], Akhir),
        ],
        &[77, 77, 77, 77, 10, 0],
    );
    let rows = f.rows();
    assert!(rows[1].page < rows[4].page, "{rows:?}");
    assert_clean("loop back across a page break", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 5 (each loop on its own track) and
/// rule 4 (the loops neither share nor touch).
#[test]
fn three_nested_loops() {
    // 8 -> 5, 9 -> 3, 10 -> 2 (1-based): each loop encloses the previous one.
    let f = flow(
        4,
        vec![
            (vec![0], next(0)),
            (vec![1], next(1)),
            (vec![1], next(2)),
            (vec![2], next(3)),
            (vec![2], next(4)),
            (vec![3], next(5)),
            (vec![3], next(6)),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(8),
                    tidak: Langkah(4),
                },
            ),
            (
                vec![2],
                Keputusan {
                    ya: Langkah(9),
                    tidak: Langkah(2),
                },
            ),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(10),
                    tidak: Langkah(1),
                },
            ),
            (vec![0], Akhir),
        ],
        &[],
    );
    assert_clean("three nested loops", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 5 (a forward skip in a channel
/// beside the symbols) and rule 4 (it passes the loop without touching it).
#[test]
fn forward_skip_over_a_decision() {
    // Step 2 skips to step 6, over the decision at step 4 that loops back to step 3.
    let f = flow(
        3,
        vec![
            (vec![0], next(0)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(2),
                    tidak: Langkah(5),
                },
            ),
            (vec![1], next(2)),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(4),
                    tidak: Langkah(2),
                },
            ),
            (vec![2], next(4)),
            (vec![0], Akhir),
        ],
        &[],
    );
    assert_clean("forward skip over a decision", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 5 (both exits leave from side
/// vertices) and rule 6 (both labels at their exits).
#[test]
fn decision_whose_both_branches_jump() {
    let f = flow(
        3,
        vec![
            (vec![0], next(0)),
            (vec![1], next(1)),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(5),
                    tidak: Langkah(0),
                },
            ),
            (vec![2], next(3)),
            (vec![2], next(4)),
            (vec![0], Akhir),
        ],
        &[],
    );
    assert_clean("decision whose both branches jump", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 3 (long jumps across many lanes
/// pass no symbol) and rule 4.
#[test]
fn eight_lanes() {
    let f = flow(
        8,
        vec![
            (vec![0], next(0)),
            (vec![7], next(1)),
            (vec![3], next(2)),
            (
                vec![5],
                Keputusan {
                    ya: Langkah(4),
                    tidak: Langkah(1),
                },
            ),
            (vec![1], next(4)),
            (vec![6], next(5)),
            (
                vec![2],
                Keputusan {
                    ya: Langkah(7),
                    tidak: Langkah(0),
                },
            ),
            (vec![4], Akhir),
        ],
        &[],
    );
    assert_clean("eight lanes", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 2 (lines end on the right symbol of
/// a joint step) and rule 3 (no line through its other symbols).
#[test]
fn joint_step() {
    // Step 3 is done jointly by lanes 1-3; a loop comes back into it and a skip leaves it.
    let f = flow(
        4,
        vec![
            (vec![0], next(0)),
            (vec![3], next(1)),
            (vec![0, 1, 2], next(2)),
            (vec![1], Lanjut(Langkah(5))),
            (vec![3], next(4)),
            (
                vec![2],
                Keputusan {
                    ya: Langkah(6),
                    tidak: Langkah(2),
                },
            ),
            (vec![0], Akhir),
        ],
        &[],
    );
    assert_clean("joint step", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 7 (many page breaks, loops and
/// skips across them) and rule 1.
#[test]
fn forty_steps_with_tall_rows() {
    let mut steps: Vec<(Vec<usize>, Alur)> = (0..40).map(|i| (vec![i % 5], next(i))).collect();
    steps[39].1 = Akhir;
    // Loops back within a page and across pages, forward skips, an early end.
    for (i, ya, tidak) in [
        (6, 7, 2),
        (14, 15, 4),
        (22, 23, 20),
        (31, 32, 12),
        (38, 39, 30),
    ] {
        steps[i].1 = Keputusan {
            ya: Langkah(ya),
            tidak: Langkah(tidak),
        };
    }
    steps[9].1 = Lanjut(Langkah(17));
    steps[26].1 = Keputusan {
        ya: Langkah(27),
        tidak: Selesai,
    };
    let extra: Vec<u32> = (0..40).map(|i| 40 + (i * 7 % 21) as u32).collect();
    let f = flow(5, steps, &extra);
    assert!(f.rows().last().unwrap().page >= 6);
    assert_clean("forty steps with tall rows", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 7 (four connector pairs at one
/// break, none overlapping) and rule 3.
#[test]
fn four_pairs_at_one_page_break_in_one_lane() {
    // Found by the property test: two lines took their connectors on their own tracks,
    // off the 13 pt grid, and left no grid slot free for the fourth pair.
    let f = Flow {
        lanes: 1,
        steps: vec![
            (
                vec![0],
                Keputusan {
                    ya: Langkah(1),
                    tidak: Langkah(4),
                },
            ),
            (vec![0], next(1)),
            (vec![0], next(2)),
            (vec![0], next(3)),
            (vec![0], next(4)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(1),
                },
            ),
        ],
        extra: vec![0, 31, 54, 53, 49, 0],
    };
    assert_clean("four pairs at one page break in one lane", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 7 (eight connector pairs at one
/// break in one lane).
#[test]
fn eight_lines_across_one_page_break_in_one_lane() {
    // Found by the property test: an 80 pt lane holds five connectors beside the centre
    // line, so six to eight pairs at one break overlapped. The lane now widens to the
    // busiest cut. Here steps 1-7 are decisions on page 1 whose Tidak skips to page 2.
    let mut steps: Vec<(Vec<usize>, Alur)> = (0..7)
        .map(|i| {
            (
                vec![0],
                Keputusan {
                    ya: Langkah(i + 1),
                    tidak: Langkah(i + 9),
                },
            )
        })
        .collect();
    steps.extend((7..16).map(|i| (vec![0], if i == 15 { Akhir } else { next(i) })));
    // Texts tall enough that the seven decisions fill page 1.
    let mut extra = vec![26; 7];
    extra.extend([0; 9]);
    let f = flow(1, steps, &extra);
    assert_eq!(f.rows()[6].page, 1);
    assert_eq!(f.rows()[7].page, 2);
    assert!(f.lane_width() > 80.0, "lane {}", f.lane_width());
    assert_clean("eight lines across one page break in one lane", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (no line along a label's edge).
#[test]
fn loop_track_right_at_the_edge_of_a_label() {
    // Found by the property test: the track of 3 -> 1 ran along the very edge of the
    // Tidak label beside its own exit, which the router counted as clear.
    let f = flow(
        5,
        vec![
            (vec![3], next(0)),
            (vec![4], next(1)),
            (
                vec![3],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(0),
                },
            ),
            (
                vec![2],
                Keputusan {
                    ya: Selesai,
                    tidak: Langkah(2),
                },
            ),
        ],
        &[],
    );
    assert_clean("loop track right at the edge of a label", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 5 (a side entry into a diamond) and
/// rule 3 (not through the capsule).
#[test]
fn loop_into_a_decision_beside_its_selesai_capsule() {
    // Found by the property test: the only side left to enter step 1 holds its own
    // "Selesai" capsule, which covers both usual entry slots of the diamond.
    let f = flow(
        2,
        vec![
            (
                vec![0],
                Keputusan {
                    ya: Langkah(1),
                    tidak: Selesai,
                },
            ),
            (
                vec![1],
                Keputusan {
                    ya: Selesai,
                    tidak: Langkah(0),
                },
            ),
        ],
        &[],
    );
    assert_clean("loop into a decision beside its selesai capsule", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 4 (two tracks at least 3 pt apart
/// in a narrow channel) and rule 5.
#[test]
fn two_loops_in_the_narrow_channel_of_ten_lanes() {
    // Found by the property test: the channel right of the last lane is under 4 pt wide
    // with clearance, so the 4 pt track step gave it one track for two loops.
    let f = flow(
        10,
        vec![
            (
                vec![9],
                Keputusan {
                    ya: Langkah(2),
                    tidak: Selesai,
                },
            ),
            (vec![9], Lanjut(Langkah(0))),
            (vec![6], Akhir),
        ],
        &[],
    );
    assert_clean("two loops in the narrow channel of ten lanes", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 3 (the loop does not pass through
/// the "Selesai" capsule).
#[test]
fn loop_into_a_step_that_ends_the_procedure() {
    // Found by the property test: step 1 ends with a "Selesai" capsule beside it, right
    // where the loop from step 2 has to come in. A step that is entered from the side
    // and has its bottom free now ends straight down.
    for (a, b) in [(0, 1), (1, 0)] {
        let f = flow(
            2,
            vec![
                (vec![a], Lanjut(Selesai)),
                (
                    vec![b],
                    Keputusan {
                        ya: Langkah(0),
                        tidak: Selesai,
                    },
                ),
            ],
            &[],
        );
        assert_clean("loop into a step that ends the procedure", &f);
    }
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (a label beside its exit, clear
/// of a track 3 pt away).
#[test]
fn three_loops_into_a_decision_of_the_last_lane() {
    // Found by the property test: the Tidak exit of step 3 has a track 3 pt away, too
    // near for its label beside the line; the label now may sit past the track, or
    // beside the symbol's centre line above or below it.
    let f = flow(
        4,
        vec![
            (
                vec![3],
                Keputusan {
                    ya: Langkah(1),
                    tidak: Selesai,
                },
            ),
            (
                vec![3],
                Keputusan {
                    ya: Langkah(2),
                    tidak: Langkah(3),
                },
            ),
            (
                vec![3],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(0),
                },
            ),
            (vec![3], Lanjut(Langkah(0))),
        ],
        &[],
    );
    assert_clean("three loops into a decision of the last lane", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (a label clear of its own loop's
/// connector) and rule 7.
#[test]
fn loop_from_the_top_row_to_the_page_before() {
    // Found by the property test: the Tidak label of step 5, tucked above the diamond,
    // covered the connector its own loop goes up to (not yet in the scene when scored).
    let f = Flow {
        lanes: 2,
        steps: vec![
            (
                vec![0],
                Keputusan {
                    ya: Langkah(1),
                    tidak: Selesai,
                },
            ),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(2),
                    tidak: Selesai,
                },
            ),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Selesai,
                },
            ),
            (vec![0], next(3)),
            (
                vec![1],
                Keputusan {
                    ya: Selesai,
                    tidak: Langkah(2),
                },
            ),
        ],
        extra: vec![16, 56, 35, 54, 0],
    };
    assert_clean("loop from the top row to the page before", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 3 (no capsule in the way of the
/// skip) and rule 5.
#[test]
fn selesai_capsule_in_the_channel_of_a_long_skip() {
    // Found by the property test: the capsule of step 2 sat beside the diamond, in the
    // channel the skip 1 -> 11 needed. A step whose bottom is free now ends straight down.
    let f = Flow {
        lanes: 2,
        steps: vec![
            (vec![1], Lanjut(Langkah(10))),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(9),
                    tidak: Selesai,
                },
            ),
            (vec![0], next(2)),
            (vec![0], next(3)),
            (vec![1], next(4)),
            (vec![1], next(5)),
            (vec![1], next(6)),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(8),
                    tidak: Langkah(10),
                },
            ),
            (vec![1], Lanjut(Langkah(0))),
            (
                vec![1],
                Keputusan {
                    ya: Langkah(10),
                    tidak: Langkah(0),
                },
            ),
            (vec![1], Akhir),
        ],
        extra: vec![25, 36, 28, 55, 33, 0, 0, 51, 0, 43, 0],
    };
    assert_clean("selesai capsule in the channel of a long skip", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (a label in a narrow channel
/// clear of a later loop) and rule 3.
#[test]
fn label_beside_a_short_stub_in_the_outer_channel() {
    // Found by the property test: the Ya label of step 2 sat beside its 5 pt stub and
    // reached across the whole narrow channel left of lane 1, where the loop 4 -> 1 had
    // to pass. In a narrow channel the label now prefers a place that leaves it free.
    let f = flow(
        5,
        vec![
            (vec![1], next(0)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(2),
                },
            ),
            (vec![2], next(2)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(0),
                    tidak: Selesai,
                },
            ),
        ],
        &[],
    );
    assert_clean("label beside a short stub in the outer channel", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (a label placed early moves out
/// of a later loop's way).
#[test]
fn label_in_the_way_of_a_later_loop() {
    // Found by the property test: a Ya label placed with its edge stood where a loop
    // routed later had to pass. Once everything is drawn, such a label moves.
    let f = flow(
        1,
        vec![
            (
                vec![0],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(5),
                },
            ),
            (vec![0], next(1)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(1),
                },
            ),
            (vec![0], next(3)),
            (
                vec![0],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(5),
                },
            ),
            (
                vec![0],
                Keputusan {
                    ya: Selesai,
                    tidak: Langkah(2),
                },
            ),
        ],
        &[],
    );
    assert_clean("label in the way of a later loop", &f);
}

/// Rules 1-7 (src/flow/check.rs); the hard part is rule 6 (issue 30: a label wholly
/// inside one cell). Found by the property test: a decision whose Ya exit ends the
/// procedure at a "Selesai" capsule beside it, in a 44 pt lane with no room between
/// the diamond and the lane border for the label, which stood across the border.
#[test]
fn selesai_label_beside_a_decision_in_a_narrow_lane() {
    let f = flow(
        10,
        vec![
            (
                vec![5],
                Keputusan {
                    ya: Langkah(1),
                    tidak: Selesai,
                },
            ),
            (
                vec![8],
                Keputusan {
                    ya: Langkah(2),
                    tidak: Selesai,
                },
            ),
            (vec![8], next(2)),
            (vec![7], next(3)),
            (vec![6], next(4)),
            (vec![7], next(5)),
            (
                vec![0],
                Keputusan {
                    ya: Selesai,
                    tidak: Langkah(0),
                },
            ),
        ],
        &[51, 45, 47, 0, 0, 0, 0],
    );
    assert_clean("selesai label in a narrow lane", &f);
}

/// Rules 1-7 (src/flow/check.rs), rule 6 above all (issue 30): in ten lanes of 43.6 pt
/// a Tidak label (18.9 pt here) cannot stand beside the line below its diamond inside
/// the lane, so the Tidak exit to the next step leaves by a side, its label inside one
/// cell; the short Ya label keeps its exit at the bottom.
#[test]
fn tidak_to_the_next_step_leaves_by_a_side_in_narrow_lanes() {
    let f = flow(
        10,
        vec![
            (vec![4], next(0)),
            (
                vec![4],
                Keputusan {
                    ya: Langkah(3),
                    tidak: Langkah(2),
                },
            ),
            (vec![5], next(2)),
            (
                vec![4],
                Keputusan {
                    ya: Langkah(4),
                    tidak: Langkah(0),
                },
            ),
            (vec![4], Akhir),
        ],
        &[],
    );
    assert_clean("tidak to the next step", &f);
    let g = f.route().expect("routed");
    let exit = |from: usize, label: &str| {
        let e = g
            .edges
            .iter()
            .find(|e| e.from == from && e.label.as_deref() == Some(label))
            .expect("labelled edge");
        let s = g
            .symbols
            .iter()
            .find(|s| s.step == StepRef::Step(from))
            .expect("symbol");
        (e.paths[0].points[0], s.rect)
    };
    let (p, r) = exit(2, "Tidak");
    assert!(
        (p[1] - r.cy()).abs() < 0.6,
        "Tidak leaves by a side: {p:?} {r:?}"
    );
    let (p, r) = exit(4, "Ya");
    assert!(
        (p[1] - r.bottom()).abs() < 0.6,
        "Ya leaves at the bottom: {p:?} {r:?}"
    );
}
