//! Jumps: loop-backs, forward skips and second branches, each on its own vertical track
//! in a channel beside the symbols, entering its target from the side.
//!
//! A jump is searched in two parts: [`Router::each_approach`] produces the ways it may go
//! (a symbol of each step, a side, a channel, an exit and an entry slot, with the
//! channel's tracks) in the order they are tried, and [`Router::best_jump`] scores the
//! tracks of each, with the connector places at a page break, and keeps the best.

use super::*;

/// The most candidates one jump's search scores once it has any drawing (the SOP's
/// whole search has a [`Budget`] too). A jump between two ordinary steps scores at most
/// about a thousand; joint steps across many lanes can offer millions.
const JUMP_BUDGET: usize = 20_000;

/// Where a jump across a page break looks for room for its connector pair.
#[derive(Debug, Clone, Copy)]
enum PairRoom {
    /// Beside the track (see [`beside_track`]), with the first jog height only, on every
    /// approach and track: the usual search.
    BesideTrack,
    /// Along all the lanes, with every jog height, for one route only: the second look at
    /// a crowded page break, keeping the route the first look found.
    AlongLanes(Route),
}

/// The ports and the track a jump is drawn with.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Route {
    exit: Port,
    entry: Port,
    track: f64,
}

/// One way a jump may go: out of a symbol of its source step by a side port, along a
/// channel, into a symbol of its target step by a side port.
struct Approach<'t> {
    exit: Port,
    entry: Port,
    /// Where the line leaves the source symbol.
    start: [f64; 2],
    /// Where the line reaches the target symbol.
    end: [f64; 2],
    /// The source symbol, which the label sits beside.
    source: Rect,
    /// The channel's tracks, nearest the source first.
    tracks: &'t [f64],
}

/// What stays fixed while one jump is searched.
struct JumpSearch<'l> {
    /// Source and target step.
    steps: (usize, usize),
    /// Their pages.
    pages: (usize, usize),
    label: Option<&'l str>,
    room: PairRoom,
    /// Places for a connector pair at the page break (none on one page).
    slots: Vec<f64>,
    /// How many candidates have been scored so far ([`JUMP_BUDGET`]).
    scored: std::cell::Cell<usize>,
}

/// The best drawing found for a jump, with the side ports it takes.
struct JumpChoice {
    drawing: Candidate,
    exit: Port,
    entry: Port,
}

impl Router<'_, '_> {
    pub(super) fn channel(&self, c: usize) -> Option<(f64, f64)> {
        let lanes = &self.input.lanes;
        let n = lanes.len();
        let sym_left = |l: usize| {
            let (x0, x1) = lanes[l];
            (x0 + x1) / 2.0 - self.symbols.widest(x1 - x0) / 2.0
        };
        let sym_right = |l: usize| {
            let (x0, x1) = lanes[l];
            (x0 + x1) / 2.0 + self.symbols.widest(x1 - x0) / 2.0
        };
        let lo = if c == 0 { lanes[0].0 } else { sym_right(c - 1) } + CLEAR;
        let hi = if c == n { lanes[n - 1].1 } else { sym_left(c) } - CLEAR;
        (hi >= lo).then_some((lo, hi))
    }

    /// Where a side exit may leave: a diamond only from its vertex (rule 5).
    pub(super) fn exit_slots(&self, step: usize) -> &'static [f64] {
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

    pub(super) fn port_free(&self, step: usize, lane: usize, side: Side, dy: f64) -> bool {
        !self.ports.contains(&(step, lane, side, dy as i32))
    }

    /// A jump: side exit, vertical track in a channel, side entry.
    pub(super) fn jump(&mut self, i: usize, j: usize, label: Option<&str>) {
        let mut best = self.best_jump(i, j, label, PairRoom::BesideTrack);
        let crosses = self.placed[i].page != self.placed[j].page;
        if let (true, Some(b)) = (crosses, &best)
            && b.drawing.score.violations > 0
        {
            // Crowded page break: keep the route, look for room for the connector pair
            // along all the lanes.
            let route = Route {
                exit: b.exit,
                entry: b.entry,
                track: b.drawing.track,
            };
            let wide = self.best_jump(i, j, label, PairRoom::AlongLanes(route));
            if wide
                .as_ref()
                .is_some_and(|w| w.drawing.score < b.drawing.score)
            {
                best = wide;
            }
        }
        if let Some(JumpChoice {
            drawing,
            exit: (s_lane, s_side, sdy),
            entry: (t_lane, t_side, tdy),
        }) = best
        {
            self.ports.push((i, s_lane, s_side, sdy as i32));
            self.ports.push((j, t_lane, t_side, tdy as i32));
            self.commit(i, StepRef::Step(j + 1), label, drawing);
        }
    }

    /// The best way to draw jump i -> j with the connector room `room`: the tracks of
    /// every approach in turn, the first of equal scores kept.
    fn best_jump(
        &self,
        i: usize,
        j: usize,
        label: Option<&str>,
        room: PairRoom,
    ) -> Option<JumpChoice> {
        let search = self.jump_search(i, j, label, room);
        let mut best: Option<JumpChoice> = None;
        self.each_approach(i, j, &mut |way| {
            // The slots near a diamond's top and bottom vertices only when nothing clean
            // has been found.
            let clean = best
                .as_ref()
                .is_some_and(|b| b.drawing.score.violations == 0);
            if (way.entry.2.abs() > 6.0 && clean) || (self.spent(&search) && best.is_some()) {
                return;
            }
            self.try_tracks(&search, way, &mut best);
        });
        best
    }

    /// What stays fixed while jump i -> j is searched with connector room `room`.
    fn jump_search<'l>(
        &self,
        i: usize,
        j: usize,
        label: Option<&'l str>,
        room: PairRoom,
    ) -> JumpSearch<'l> {
        let pages = (self.placed[i].page, self.placed[j].page);
        let slots = if pages.0 == pages.1 {
            Vec::new()
        } else {
            self.connector_slots(pages.0, pages.1)
        };
        JumpSearch {
            steps: (i, j),
            pages,
            label,
            room,
            slots,
            scored: std::cell::Cell::new(0),
        }
    }

    /// Whether the search has scored its own budget, or the SOP's is spent.
    fn spent(&self, search: &JumpSearch) -> bool {
        search.scored.get() >= JUMP_BUDGET || self.budget.spent()
    }

    /// Hands every way jump i -> j may go to `visit`, in the order they are tried: each
    /// symbol of step i with each of step j (a joint step may be left or entered at any
    /// of its symbols), the right side before the left, channels outward from the source,
    /// then exit and entry slots.
    fn each_approach(&self, i: usize, j: usize, visit: &mut impl FnMut(&Approach)) {
        for (src, dst) in self.symbol_pairs(i, j) {
            for side in [Side::Right, Side::Left] {
                for c in self.channels_outward(src.1, side) {
                    self.approaches_in((i, j), src, dst, side, c, visit);
                }
            }
        }
    }

    /// Each symbol of step `i` with each of step `j`, with their lanes.
    fn symbol_pairs(&self, i: usize, j: usize) -> Vec<((Rect, usize), (Rect, usize))> {
        let (a, b) = (&self.placed[i], &self.placed[j]);
        let ends_a = a.rects.iter().copied().zip(a.lanes.iter().copied());
        let ends_b = || b.rects.iter().copied().zip(b.lanes.iter().copied());
        ends_a.flat_map(|s| ends_b().map(move |t| (s, t))).collect()
    }

    /// The channels on `side` of lane `lane`, nearest first (channel c is left of lane c).
    fn channels_outward(&self, lane: usize, side: Side) -> Vec<usize> {
        let n = self.input.lanes.len();
        match side {
            Side::Right => (lane + 1..=n).collect(),
            Side::Left => (0..=lane).rev().collect(),
        }
    }

    /// Hands `visit` the approaches from `src` (of step i) to `dst` (of step j) through
    /// channel `c`, leaving by `side`: each exit slot with each entry slot (none when the
    /// channel has no room).
    fn approaches_in(
        &self,
        (i, j): (usize, usize),
        (src, ls): (Rect, usize),
        (dst, lt): (Rect, usize),
        side: Side,
        c: usize,
        visit: &mut impl FnMut(&Approach),
    ) {
        let Some((lo, hi)) = self.channel(c) else {
            return;
        };
        let entry = if c <= lt { Side::Left } else { Side::Right };
        let tracks = channel_tracks(lo, hi, side);
        let (from, to) = (self.placed[i].bentuk, self.placed[j].bentuk);
        for &sdy in self.exit_slots(i) {
            for &tdy in self.entry_slots(j) {
                visit(&Approach {
                    exit: (ls, side, sdy),
                    entry: (lt, entry, tdy),
                    start: [side_x(&src, from, side, sdy), src.cy() + sdy],
                    end: [side_x(&dst, to, entry, tdy), dst.cy() + tdy],
                    source: src,
                    tracks: &tracks,
                });
            }
        }
    }

    /// Scores the tracks of one approach, nearest first, each with its connector places,
    /// into `best`, and stops at the first clean one: the nearest free track.
    fn try_tracks(&self, search: &JumpSearch, way: &Approach, best: &mut Option<JumpChoice>) {
        // A port already in use is a last resort, never a dropped edge.
        let taken = self.ports_taken(search, way);
        for &tx in way.tracks.iter().filter(|&&tx| search.room.allows(way, tx)) {
            for dx in self.pair_shifts(search, tx) {
                if self.spent(search) && best.is_some() {
                    return;
                }
                search.scored.set(search.scored.get() + 1);
                self.budget.spend();
                let bound = best
                    .as_ref()
                    .map_or(u32::MAX, |b| b.drawing.score.violations);
                let Some(drawing) = self.score_jump(search, way, tx, tx + dx, taken, bound) else {
                    continue;
                };
                let clean = drawing.score.violations == 0;
                if best
                    .as_ref()
                    .is_none_or(|b| drawing.score < b.drawing.score)
                {
                    *best = Some(JumpChoice {
                        drawing,
                        exit: way.exit,
                        entry: way.entry,
                    });
                }
                if clean {
                    return;
                }
            }
        }
    }

    /// How many of the approach's two ports other edges already use.
    fn ports_taken(&self, search: &JumpSearch, way: &Approach) -> u32 {
        let (i, j) = search.steps;
        let (ls, side, sdy) = way.exit;
        let (lt, entry, tdy) = way.entry;
        u32::from(!self.port_free(i, ls, side, sdy)) + u32::from(!self.port_free(j, lt, entry, tdy))
    }

    /// Offsets from track `tx` where the connector pair is tried, in order (the track
    /// itself on one page, where there is no pair).
    fn pair_shifts(&self, search: &JumpSearch, tx: f64) -> Vec<f64> {
        if search.pages.0 == search.pages.1 {
            return vec![0.0];
        }
        match search.room {
            PairRoom::BesideTrack => beside_track(tx, &search.slots),
            PairRoom::AlongLanes(_) => self.connector_shifts(tx, &search.slots),
        }
    }

    /// The candidate of `way` on track `tx` with its connector pair at `cx`, scored, its
    /// label placed; `None` once it has more violations than `bound`: violations only add
    /// up, so it has lost, and the rest is not scored.
    fn score_jump(
        &self,
        search: &JumpSearch,
        way: &Approach,
        tx: f64,
        cx: f64,
        taken: u32,
        bound: u32,
    ) -> Option<Candidate> {
        let mut score = Score {
            violations: taken,
            ..Score::default()
        };
        // Connectors first, as they are cheap to test.
        let conns = self.jump_conns(search.pages.0, search.pages.1, cx);
        self.score_pair(&conns, &mut score);
        if score.violations > bound {
            return None;
        }
        let jogs = search.room.jogs();
        let paths = self.jump_paths(search.pages, way.start, way.end, tx, cx, jogs);
        for (p, pts) in &paths {
            self.scene.score_path_within(*p, pts, &mut score, bound);
        }
        if score.violations > bound {
            return None;
        }
        let label = self.jump_label(search, way, &paths, &conns, &mut score);
        Some(Candidate {
            score,
            track: tx,
            paths,
            conns,
            label,
        })
    }

    /// The jump's label beside its exit, scored into `score` (none for an unlabelled jump).
    fn jump_label(
        &self,
        search: &JumpSearch,
        way: &Approach,
        paths: &[PagePoints],
        conns: &[PageRect],
        score: &mut Score,
    ) -> Option<PageRect> {
        let text = search.label?;
        let (page, side) = (search.pages.0, way.exit.1);
        self.side_label(
            page,
            text,
            side,
            way.start,
            &way.source,
            paths,
            conns,
            score,
        )
    }

    /// Scores a connector pair against the scene, the lane columns and each other.
    fn score_pair(&self, conns: &[PageRect], score: &mut Score) {
        for (p, r) in conns {
            self.scene.score_box(*p, r, &[], score);
            score.violations += u32::from(self.outside_lanes(r));
        }
        for (k, a) in conns.iter().enumerate() {
            for b in &conns[k + 1..] {
                if a.0 == b.0 && a.1.inflate(1.0).overlaps(&b.1) {
                    score.violations += 1;
                }
            }
        }
    }

    /// The polylines (one per page) of a side-to-side jump from `sp` to `tp` on track
    /// `tx`; across pages the connector pair sits at `cx` (same x on both pages), reached
    /// by a short jog at the heights `jogs` allows when `cx` is not on the track.
    fn jump_paths(
        &self,
        (pi, pj): (usize, usize),
        sp: [f64; 2],
        tp: [f64; 2],
        tx: f64,
        cx: f64,
        jogs: Jogs,
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
                    self.reach_connector(pi, PageEdge::Bottom, &head, tx, cx, jogs),
                ),
                (
                    pj,
                    self.leave_connector(pj, PageEdge::Top, cx, tx, &tail, jogs),
                ),
            ]
        } else {
            vec![
                (
                    pi,
                    self.reach_connector(pi, PageEdge::Top, &head, tx, cx, jogs),
                ),
                (
                    pj,
                    self.leave_connector(pj, PageEdge::Bottom, cx, tx, &tail, jogs),
                ),
            ]
        }
    }
}

impl PairRoom {
    /// Whether track `tx` of `way` is tried.
    fn allows(&self, way: &Approach, tx: f64) -> bool {
        match self {
            PairRoom::BesideTrack => true,
            PairRoom::AlongLanes(route) => {
                *route
                    == Route {
                        exit: way.exit,
                        entry: way.entry,
                        track: tx,
                    }
            }
        }
    }

    /// The jog heights a line to its connector tries.
    fn jogs(&self) -> Jogs {
        match self {
            PairRoom::BesideTrack => Jogs::First,
            PairRoom::AlongLanes(_) => Jogs::All,
        }
    }
}

/// The tracks of a channel from `lo` to `hi`, nearest the source first (the left end
/// when the jump leaves by the right side, and the other way round).
fn channel_tracks(lo: f64, hi: f64, side: Side) -> Vec<f64> {
    // A narrow channel packs its tracks at the least clearance, so that two loops fit
    // where the usual step leaves room for one.
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
    tracks
}

/// Offsets from track `tx` for its connector pair: on the track, one step either side,
/// or the nearest places beside pairs already at the break (from `slots`).
fn beside_track(tx: f64, slots: &[f64]) -> Vec<f64> {
    let mut v = vec![0.0, CONNECTOR_STEP, -CONNECTOR_STEP];
    // The three slots nearest the track, without sorting them all for every track.
    let mut near = [f64::INFINITY; 3];
    for &x in slots {
        let d = x - tx;
        if v.iter().any(|e| (e - d).abs() < 1e-6) {
            continue;
        }
        if let Some(k) = near.iter().position(|n| d.abs() < n.abs()) {
            near[k..].rotate_right(1);
            near[k] = d;
        }
    }
    v.extend(near.iter().filter(|d| d.is_finite()));
    v
}
