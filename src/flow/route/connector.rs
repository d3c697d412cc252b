//! Off-page connectors: where a pair may sit at a page break, and the short jogs that
//! join a line's track to its connector.

use super::*;

impl Router<'_, '_> {
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

    pub(super) fn connector_at_top(&self, page: usize, x: f64) -> Rect {
        Rect {
            x: x - CONNECTOR / 2.0,
            y: self.first_row_top(page) + 2.0,
            w: CONNECTOR,
            h: CONNECTOR,
        }
    }

    pub(super) fn connector_at_bottom(&self, page: usize, x: f64) -> Rect {
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

    /// The y where a line meets the connector at `cx` on `page`'s `edge`: the top
    /// connector's bottom, the bottom connector's top.
    fn connector_end(&self, page: usize, edge: PageEdge, cx: f64) -> f64 {
        match edge {
            PageEdge::Top => self.connector_at_top(page, cx).bottom(),
            PageEdge::Bottom => self.connector_at_bottom(page, cx).y,
        }
    }

    /// Heights for the jog between the track at `tx` and the connector at `cx` whose
    /// line ends at `end`, nearest to `limit` (the track's own end) first, as many as
    /// `jogs` says: just inside the connector when the track runs straight into it.
    fn connector_jogs(
        &self,
        page: usize,
        edge: PageEdge,
        (tx, cx, end, limit): (f64, f64, f64, f64),
        jogs: Jogs,
    ) -> Vec<f64> {
        let heights = if (tx - cx).abs() < 1e-9 {
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
        let keep = match jogs {
            Jogs::First => 1,
            Jogs::All => JOGS,
        };
        heights.into_iter().take(keep).collect()
    }

    /// From `head` (ending on the track at x = `tx`) to the connector at `cx` on
    /// `page`'s `edge`.
    pub(super) fn reach_connector(
        &self,
        page: usize,
        edge: PageEdge,
        head: &[[f64; 2]],
        tx: f64,
        cx: f64,
        jogs: Jogs,
    ) -> Vec<[f64; 2]> {
        let end = self.connector_end(page, edge, cx);
        let from = head.last().map_or(end, |p| p[1]);
        let options = self
            .connector_jogs(page, edge, (tx, cx, end, from), jogs)
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
    pub(super) fn leave_connector(
        &self,
        page: usize,
        edge: PageEdge,
        cx: f64,
        tx: f64,
        tail: &[[f64; 2]],
        jogs: Jogs,
    ) -> Vec<[f64; 2]> {
        let start = self.connector_end(page, edge, cx);
        let to = tail.first().map_or(start, |p| p[1]);
        let options = self
            .connector_jogs(page, edge, (tx, cx, start, to), jogs)
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
    pub(super) fn connector_shifts(&self, x: f64, slots: &[f64]) -> Vec<f64> {
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
    pub(super) fn connector_slots(&self, pi: usize, pj: usize) -> Vec<f64> {
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

    /// The off-page connector pair of a jump from page `pi` to page `pj` at `cx` (none on
    /// one page).
    pub(super) fn jump_conns(&self, pi: usize, pj: usize, cx: f64) -> Vec<PageRect> {
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
}
