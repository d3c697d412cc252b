//! Jumps: loop-backs, forward skips and second branches, each on its own vertical track
//! in a channel beside the symbols, entering its target from the side.

use super::*;

impl Router<'_, '_> {
    pub(super) fn channel(&self, c: usize) -> Option<(f64, f64)> {
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
                                        self.scene.score_path_within(*p, pts, &mut score, bound);
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
}
