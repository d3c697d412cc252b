//! An end branch: a short line to a small "Selesai" capsule, straight down when the
//! step's bottom is free, else beside the symbol.

use super::*;

impl Router<'_, '_> {
    /// A branch that ends the procedure: a short line to a small "Selesai" capsule.
    pub(super) fn selesai(&mut self, i: usize, label: Option<&str>) {
        let src = self.placed[i].rects[0];
        let page = self.placed[i].page;
        let text = self.input.label_selesai;
        // The capsule's text is set at the full label size, whatever the labels' size.
        let (tw, _) = label_box(text, LABEL_SIZE, self.input.text_width);
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
                let c = self.ending(page, pts, cap, score, |me, own, score| {
                    label.and_then(|t| me.place_label_below(page, t, &src, own, score))
                });
                if best.as_ref().is_none_or(|b| c.score < b.0.score) {
                    best = Some((c, cap, None));
                }
            }
        }
        for side in [Side::Right, Side::Left] {
            for &dy in self.exit_slots(i) {
                let taken = u32::from(!self.port_free(i, self.placed[i].lanes[0], side, dy));
                let sp = [side_x(&src, self.placed[i].bentuk, side, dy), src.cy() + dy];
                for reach in self.selesai_reaches(label, sp[0], side) {
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
                    let c = self.ending(page, pts, cap, score, |me, own, score| {
                        label.and_then(|t| me.side_label(page, t, side, sp, &src, own, &[], score))
                    });
                    if best.as_ref().is_none_or(|b| c.score < b.0.score) {
                        best = Some((c, cap, Some((side, dy))));
                    }
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
                lane: self.input.pelaksana[self.placed[i].lanes[0]].clone(),
                kind: Bentuk::Terminator,
                page,
                rect: cap,
                procedure: self.input.procedure,
                text: text.to_string(),
            });
            self.commit(i, StepRef::Selesai, label, c);
        }
    }

    /// How far a side exit at `x` runs to its capsule: long enough for the branch label
    /// to sit beside the line, clear of the capsule; and, where that would put the label
    /// across the border of the exit's lane, long enough for it to sit past the border.
    fn selesai_reaches(&self, label: Option<&str>, x: f64, side: Side) -> Vec<f64> {
        let Some(text) = label else {
            return vec![10.0];
        };
        let w = self.label_box(text).0;
        let mut reaches = vec![(w + 4.0).max(10.0)];
        if let Some(border) = self.border_beyond(x, side) {
            reaches.push((border - x).abs() + LABEL_MARGIN + w + 3.0);
        }
        reaches
    }

    /// One way to end at a capsule, scored: the line `pts` and the capsule `cap`, and
    /// the label that `place` puts beside them (with the capsule in the scene, so that
    /// the label keeps clear of it).
    fn ending(
        &mut self,
        page: usize,
        pts: Vec<[f64; 2]>,
        cap: Rect,
        mut score: Score,
        place: impl FnOnce(&Self, &[PagePoints], &mut Score) -> Option<PageRect>,
    ) -> Candidate {
        self.scene.score_path(page, &pts, &mut score);
        self.scene.score_box(page, &cap, &[], &mut score);
        let own = vec![(page, pts)];
        self.scene.push_box(page, cap);
        let label = place(self, &own, &mut score);
        self.scene.pop_box(page);
        if label.is_some_and(|(_, r)| r.overlaps(&cap)) {
            score.violations += 1;
        }
        Candidate {
            score,
            track: 0.0,
            paths: own,
            conns: Vec::new(),
            label,
        }
    }
}
