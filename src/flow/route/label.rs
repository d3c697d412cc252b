//! Ya/Tidak labels: placed beside the exit they name, and moved once everything is drawn
//! if a later line runs through them.

use super::*;

impl Router<'_, '_> {
    pub(super) fn label_size(&self, text: &str) -> (f64, f64) {
        (
            (self.input.text_width)(text, LABEL_SIZE) + 1.0,
            LABEL_SIZE + 1.5,
        )
    }

    /// Places a label beside the bottom exit of a symbol.
    pub(super) fn place_label_below(
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
    pub(super) fn side_label(
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
        let (above, below) = (port[1] - 1.0 - h, port[1] + 1.0);
        let (over, under) = (src.y - 1.0 - h, src.bottom() + 1.0);
        let candidates = [
            (beside, above),
            (beside, below),
            (tucked, over),
            (tucked, under),
            (past, above),
            (past, below),
            (centred, over),
            (centred, under),
        ]
        .map(|(x, y)| Rect { x, y, w, h });
        self.pick_label(page, &candidates, own, conns, score)
    }

    /// A label is placed with its edge, before the lines drawn after it: once everything
    /// is drawn, a label that overlaps something moves to a free place next to its exit
    /// (the same places it was chosen from), if there is one.
    pub(super) fn repair_labels(&mut self) {
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
}
