//! Ya/Tidak labels: placed beside the exit they name, each wholly inside one cell of the
//! table (one lane of one step row) and clear of its borders, and moved once everything
//! is drawn if a later line runs through them.
//!
//! A table's labels are set at one size: the largest of [`LABEL_SIZES`] at which each
//! fits a cell of its lanes ([`label_size`]); the planner makes the lanes wide enough
//! for them at the smallest ([`label_cell`]). A label too wide to stand beside the line
//! down a lane's middle ([`label_lane`]) names an exit that leaves by a side.

use super::*;

/// The sizes Ya/Tidak labels are set at, largest first: where the lanes are too narrow
/// for a table's labels at one size, they are set at the next, never below the last,
/// which is still legible in print.
pub const LABEL_SIZES: [f64; 4] = [LABEL_SIZE, 6.0, 5.5, 5.0];

/// Distance between a label and the line it stands beside.
const LABEL_GAP: f64 = 2.0;

/// The box of label `text` set at `size`: its width and height.
pub fn label_box(text: &str, size: f64, text_width: &dyn Fn(&str, f64) -> f64) -> (f64, f64) {
    (text_width(text, size) + 1.0, size + 1.5)
}

/// The lane width that holds a label box `w` wide, [`LABEL_MARGIN`] from both borders.
pub fn label_cell(w: f64) -> f64 {
    w + 2.0 * LABEL_MARGIN
}

/// The lane width that holds a label box `w` wide beside a line down the lane's middle,
/// [`LABEL_GAP`] from the line and [`LABEL_MARGIN`] from the lane's border: the place of
/// a label below its symbol (a bottom exit) or tucked above or below it.
pub fn label_lane(w: f64) -> f64 {
    2.0 * (w + LABEL_GAP + LABEL_MARGIN)
}

/// The size at which the labels `texts` of a table with lanes `lane` wide are set: the
/// largest of [`LABEL_SIZES`] at which each fits a cell ([`label_cell`]), else the
/// smallest.
pub fn label_size(lane: f64, texts: &[&str], text_width: &dyn Fn(&str, f64) -> f64) -> f64 {
    let fits = |size: f64| {
        texts
            .iter()
            .all(|t| label_cell(label_box(t, size, text_width).0) <= lane + 1e-6)
    };
    LABEL_SIZES
        .into_iter()
        .find(|&size| fits(size))
        .unwrap_or(LABEL_SIZES[LABEL_SIZES.len() - 1])
}

impl Router<'_, '_> {
    /// The box of label `text` at this table's label size.
    pub(super) fn label_box(&self, text: &str) -> (f64, f64) {
        label_box(text, self.label_size, self.input.text_width)
    }

    /// Whether label `text` fits below or above a symbol of lane `lane`, beside the line
    /// down its middle; where it does not, the exit it names leaves from a side.
    pub(super) fn fits_below(&self, lane: usize, text: &str) -> bool {
        let (x0, x1) = self.input.lanes[lane];
        label_lane(self.label_box(text).0) <= x1 - x0 + 1e-6
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
        let (w, h) = self.label_box(text);
        let candidates = [
            Rect {
                x: src.cx() + LABEL_GAP,
                y: src.bottom() + 1.0,
                w,
                h,
            },
            Rect {
                x: src.cx() - LABEL_GAP - w,
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
        let narrow: Vec<(f64, f64)> = (0..=self.input.lanes.len())
            .filter_map(|k| self.channel(k))
            .filter(|(lo, hi)| hi - lo < NARROW)
            .collect();
        let mut best: Option<(Score, Rect)> = None;
        for c in candidates {
            let mut s = Score::default();
            if c.x < lanes_x0 || c.right() > lanes_x1 {
                s.violations += 1; // over the Kegiatan or Mutu Baku text
            }
            // Wholly inside one cell, clear of the table's own lines.
            if !self
                .scene
                .rules_on(page)
                .iter()
                .any(|r| r.holds(c, LABEL_MARGIN))
            {
                s.violations += 1;
            }
            self.scene.score_box(page, c, own, &mut s);
            // A label reaching past its own exit stretch into a narrow channel takes room
            // that later tracks need: second choice there (counted as a crossing, here only).
            let stub = own
                .iter()
                .find(|(p, pts)| *p == page && pts.len() >= 2)
                .map(|(_, pts)| (pts[0][0].min(pts[1][0]), pts[0][0].max(pts[1][0])));
            let within = stub.is_some_and(|(a, b)| c.x >= a - 0.5 && c.right() <= b + 0.5);
            if !within && narrow.iter().any(|&(lo, hi)| c.x < hi && c.right() > lo) {
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
            // Candidates come best first: the first that breaks and crowds nothing wins.
            if s == Score::default() {
                break;
            }
        }
        let (s, rect) = best?;
        score.violations += s.violations;
        Some((page, rect))
    }

    /// Side exit labels: beside the first horizontal stretch (above or below it), in the
    /// exit's own cell or, where that has no room, past the lane border the stretch
    /// crosses, in the next one; else tucked above or below the symbol's corner on the
    /// exit side when a track runs there, or above or below its middle.
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
        let (w, h) = self.label_box(text);
        let (beside, tucked) = match side {
            Side::Right => (port[0] + LABEL_GAP, src.right() - w),
            Side::Left => (port[0] - LABEL_GAP - w, src.x),
        };
        // Where the exit's first stretch ends (its track), and the symbol's centre line:
        // in a narrow lane a label wider than half the symbol, or than the stretch, may
        // still fit past the track or just beside the centre line.
        let stretch_end = own
            .iter()
            .find(|(p, _)| *p == page)
            .and_then(|(_, pts)| pts.get(1))
            .map_or(port[0], |q| q[0]);
        // Past a track too far out, the label would no longer be next to its exit.
        let turn = if (stretch_end - port[0]).abs() <= 10.0 {
            stretch_end
        } else {
            port[0]
        };
        let (past, centred) = match side {
            Side::Right => (turn + LABEL_GAP, src.cx() + LABEL_GAP),
            Side::Left => (turn - LABEL_GAP - w, src.cx() - LABEL_GAP - w),
        };
        // Past the border of the exit's lane, when the stretch runs on across it.
        let across = self.border_beyond(port[0], side).and_then(|x| match side {
            Side::Right => (stretch_end > x + LABEL_MARGIN).then_some(x + LABEL_MARGIN),
            Side::Left => (stretch_end < x - LABEL_MARGIN).then_some(x - LABEL_MARGIN - w),
        });
        let (above, below) = (port[1] - 1.0 - h, port[1] + 1.0);
        let (over, under) = (src.y - 1.0 - h, src.bottom() + 1.0);
        let mut candidates = vec![(beside, above), (beside, below)];
        if let Some(across) = across {
            candidates.extend([(across, above), (across, below)]);
        }
        // Then tucked at the symbol's corner, past the track, beside the middle line; last,
        // right over or under the symbol's middle, free where no line enters or leaves it
        // there (a joint step's other symbols), for a lane too narrow for the others.
        let middle = src.cx() - w / 2.0;
        candidates.extend([
            (tucked, over),
            (tucked, under),
            (past, above),
            (past, below),
            (centred, over),
            (centred, under),
            (middle, over),
            (middle, under),
        ]);
        let candidates: Vec<Rect> = candidates
            .into_iter()
            .map(|(x, y)| Rect { x, y, w, h })
            .collect();
        self.pick_label(page, &candidates, own, conns, score)
    }

    /// The border between the lane holding `x` and the next lane on `side`, if there is
    /// a next lane.
    pub(super) fn border_beyond(&self, x: f64, side: Side) -> Option<f64> {
        let lanes = &self.input.lanes;
        let k = lanes.iter().position(|&(a, b)| x >= a && x <= b)?;
        match side {
            Side::Right => (k + 1 < lanes.len()).then(|| lanes[k].1),
            Side::Left => (k > 0).then(|| lanes[k].0),
        }
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
