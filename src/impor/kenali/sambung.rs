//! The flow drawn between the steps. A connector whose ends are glued to two symbols
//! (`stCxn`/`endCxn`) joins them exactly. Lines that are not glued are joined end to
//! end into paths, and a path whose ends touch two symbols joins them, towards its
//! arrowhead. Word keeps no row heights, so a symbol anchored in a row has no place on
//! the page until the lines say where it is: where a line ends on its top, its bottom
//! or its sides.

use std::collections::BTreeMap;

use super::Indeks;
use super::bentuk::Penempatan;
use crate::impor::dokumen::{Emu, Garis, Tegak};

/// How close two line ends are to be one point (about half a millimetre).
const SAMBUNG: Emu = 20_000;

/// How close a line's end is to a symbol's edge to touch it (about 2 mm).
const SENTUH: Emu = 72_000;

/// A placed symbol's box in the shared frame.
#[derive(Debug, Clone, Copy)]
struct Kotak {
    x0: Emu,
    x1: Emu,
    y0: Emu,
    y1: Emu,
}

impl Kotak {
    /// How far a point is from the box (0 inside).
    fn jarak(&self, (x, y): (Emu, Emu)) -> Emu {
        let dx = (self.x0 - x).max(x - self.x1).max(0);
        let dy = (self.y0 - y).max(y - self.y1).max(0);
        dx.max(dy)
    }
}

/// For each step, the steps the file's connectors and lines lead it to.
pub fn tujuan(
    ix: &Indeks,
    placed: &Penempatan,
    steps: usize,
    anchors: std::ops::Range<usize>,
) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); steps];
    let lines: Vec<&Garis> = ix
        .doc
        .garis
        .iter()
        .filter(|g| g.letak.kanvas == placed.kanvas)
        .filter(|g| placed.kanvas > 0 || g.letak.jangkar.is_some_and(|r| anchors.contains(&r)))
        .collect();
    if lines.is_empty() || placed.langkah.is_empty() {
        return out;
    }
    let mut edge = |from: usize, to: usize| {
        if from != to && !out[from].contains(&to) {
            out[from].push(to);
        }
    };
    // Glued connectors.
    let by_id: BTreeMap<&str, usize> = placed
        .langkah
        .keys()
        .filter_map(|&i| Some((ix.doc.simbol[i].id.as_deref()?, i)))
        .collect();
    let mut loose: Vec<&Garis> = Vec::new();
    for g in lines {
        let ends = (
            g.sambung.0.as_deref().and_then(|id| by_id.get(id)),
            g.sambung.1.as_deref().and_then(|id| by_id.get(id)),
        );
        match ends {
            (Some(&a), Some(&b)) => {
                let (a, b) = (placed.langkah[&a], placed.langkah[&b]);
                if g.panah == (true, false) {
                    edge(b, a);
                } else {
                    edge(a, b);
                }
            }
            _ => loose.push(g),
        }
    }
    // Lines by where they are: only those measured from the page or the sheet.
    let segments: Vec<&Garis> = loose
        .into_iter()
        .filter(|g| matches!(g.letak.y, Tegak::Mutlak(_)))
        .collect();
    if segments.is_empty() {
        return out;
    }
    let boxes = kotak(ix, placed, &segments);
    let decision = |s: usize| {
        placed.per_langkah[s]
            .iter()
            .any(|&i| ix.doc.simbol[i].bentuk == Some(crate::impor::dokumen::Bentuk::Keputusan))
    };
    let port = |p: (Emu, Emu)| boxes.values().any(|b| b.jarak(p) <= SAMBUNG);
    for path in paths(&segments, &port) {
        // The symbol an end touches; in a sheet, else the step whose row it ends in.
        let touch = |p: (Emu, Emu)| {
            boxes
                .iter()
                .map(|(&i, b)| (b.jarak(p), i))
                .filter(|(d, _)| *d <= SENTUH)
                .min()
                .map(|(_, i)| placed.langkah[&i])
                .or_else(|| {
                    placed
                        .baris
                        .iter()
                        .position(|r| r.is_some_and(|(a, b)| (a..b).contains(&p.1)))
                })
        };
        let (Some(a), Some(b)) = (touch(path.awal), touch(path.akhir)) else {
            continue;
        };
        if a == b {
            continue;
        }
        match path.panah {
            (false, true) => edge(a, b),
            (true, false) => edge(b, a),
            // Without one arrowhead the path runs from the decision it touches.
            _ if decision(a) && !decision(b) => edge(a, b),
            _ if decision(b) && !decision(a) => edge(b, a),
            _ => {}
        }
    }
    out
}

/// The boxes of the placed symbols in the lines' frame: where their top is known, as
/// it is; else where the lines say it is.
fn kotak(ix: &Indeks, placed: &Penempatan, segments: &[&Garis]) -> BTreeMap<usize, Kotak> {
    // Each point once: where two lines meet is one end, not two.
    let mut ends: Vec<(Emu, Emu)> = segments.iter().flat_map(|g| [g.awal, g.akhir]).collect();
    ends.sort_unstable();
    ends.dedup_by(|a, b| (a.0 - b.0).abs() <= SAMBUNG && (a.1 - b.1).abs() <= SAMBUNG);
    let mut out = BTreeMap::new();
    let mut order: Vec<usize> = placed.langkah.keys().copied().collect();
    order.sort_by_key(|&i| (placed.langkah[&i], ix.doc.simbol[i].letak.x.0));
    let mut cursor = Emu::MIN;
    for i in order {
        let s = &ix.doc.simbol[i];
        let (x0, x1, h) = (s.letak.x.0, s.letak.x.1, s.letak.tinggi);
        let top = match placed.atas.get(&i) {
            Some(&y) => Some(y),
            None => calibrate((x0, x1, h), &ends, cursor),
        };
        if let Some(y) = top {
            cursor = cursor.max(y + h / 2);
            out.insert(
                i,
                Kotak {
                    x0,
                    x1,
                    y0: y,
                    y1: y + h,
                },
            );
        }
    }
    out
}

/// Where a symbol `(x0, x1, height)` anchored in a row lies on the page, from the line
/// ends on its ports (top and bottom centre, the middle of its sides): the first top
/// at or below `from` that two ends agree on (a symbol further down the same lane
/// comes later).
fn calibrate((x0, x1, h): (Emu, Emu, Emu), ends: &[(Emu, Emu)], from: Emu) -> Option<Emu> {
    let cx = (x0 + x1) / 2;
    let near_centre = |x: Emu| (x - cx).abs() * 4 <= (x1 - x0).max(SAMBUNG);
    let near_side = |x: Emu| (x - x0).abs() <= SENTUH || (x - x1).abs() <= SENTUH;
    let mut candidates = Vec::new();
    for &(x, y) in ends {
        if near_centre(x) {
            candidates.push(y);
            candidates.push(y - h);
        }
        if near_side(x) {
            candidates.push(y - h / 2);
        }
    }
    let score = |top: Emu| {
        ends.iter()
            .filter(|&&(x, y)| {
                (near_centre(x) && ((y - top).abs() <= SAMBUNG || (y - top - h).abs() <= SAMBUNG))
                    || (near_side(x) && (y - top - h / 2).abs() <= SAMBUNG)
            })
            .count()
    };
    candidates
        .into_iter()
        .filter(|&t| t >= from && score(t) >= 2)
        .min()
}

/// A path of lines joined end to end, with the arrowheads at its two ends.
#[derive(Debug, Clone, Copy)]
struct Jalur {
    awal: (Emu, Emu),
    akhir: (Emu, Emu),
    panah: (bool, bool),
}

/// Joins lines whose ends meet (two at a point, no more, and not on a symbol's edge,
/// where one path ends and another may start) into paths.
fn paths(segments: &[&Garis], port: &dyn Fn((Emu, Emu)) -> bool) -> Vec<Jalur> {
    let near =
        |a: (Emu, Emu), b: (Emu, Emu)| (a.0 - b.0).abs() <= SAMBUNG && (a.1 - b.1).abs() <= SAMBUNG;
    // Every end: (segment, which end).
    let ends: Vec<(usize, bool)> = (0..segments.len())
        .flat_map(|s| [(s, false), (s, true)])
        .collect();
    let point = |(s, last): (usize, bool)| {
        if last {
            segments[s].akhir
        } else {
            segments[s].awal
        }
    };
    let head = |(s, last): (usize, bool)| {
        if last {
            segments[s].panah.1
        } else {
            segments[s].panah.0
        }
    };
    // The one other end at the same point, if exactly one.
    let partner = |e: (usize, bool)| -> Option<(usize, bool)> {
        let p = point(e);
        if port(p) || segments[e.0].penghubung {
            return None;
        }
        let others: Vec<(usize, bool)> = ends
            .iter()
            .copied()
            .filter(|&o| o.0 != e.0 && !segments[o.0].penghubung && near(point(o), p))
            .collect();
        match others.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    };
    let mut used = vec![false; segments.len()];
    let mut out = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        // Walk back to one end of the path, then forward to the other.
        let mut e = (start, false);
        let mut guard = 0;
        while let Some(p) = partner(e) {
            let other = (p.0, !p.1);
            if other.0 == start || guard > segments.len() {
                break;
            }
            e = other;
            guard += 1;
        }
        let first = e;
        let mut cur = (first.0, !first.1);
        used[first.0] = true;
        guard = 0;
        while let Some(p) = partner(cur) {
            if used[p.0] || guard > segments.len() {
                break;
            }
            used[p.0] = true;
            cur = (p.0, !p.1);
            guard += 1;
        }
        out.push(Jalur {
            awal: point(first),
            akhir: point(cur),
            panah: (head(first), head(cur)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impor::dokumen::Letak;

    fn line(a: (Emu, Emu), b: (Emu, Emu), head: bool) -> Garis {
        Garis {
            awal: a,
            akhir: b,
            panah: (false, head),
            sambung: (None, None),
            penghubung: false,
            letak: Letak {
                x: (a.0.min(b.0), a.0.max(b.0)),
                y: Tegak::Mutlak(a.1.min(b.1)),
                tinggi: (a.1 - b.1).abs(),
                jangkar: None,
                kanvas: 0,
            },
        }
    }

    #[test]
    fn lines_end_to_end_are_one_path_towards_the_arrowhead() {
        // Out of a diamond's right corner, up, and left into an earlier box (EMU: a
        // few centimetres each).
        let a = line((500_000, 1_000_000), (800_000, 1_000_000), false);
        let b = line((800_000, 1_000_000), (800_000, 200_000), false);
        let c = line((800_000, 200_000), (600_000, 200_000), true);
        let all = [&b, &c, &a];
        let found = paths(&all, &|_| false);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = found[0];
        let (start, end) = if p.panah.1 {
            (p.awal, p.akhir)
        } else {
            (p.akhir, p.awal)
        };
        assert_eq!((start, end), ((500_000, 1_000_000), (600_000, 200_000)));
    }

    #[test]
    fn a_symbol_in_a_row_is_found_where_lines_meet_its_ports() {
        // A box 1 000 000 EMU wide and 400 000 high (about 28 by 11 mm): an arrow ends
        // on its top at y = 3 000 000, a line leaves its bottom and one its left side;
        // a box in the same lane lower down too.
        let ends = [
            (500_000, 3_000_000),
            (500_000, 3_400_000),
            (500_000, 9_000_000),
            (500_000, 9_400_000),
            (0, 3_200_000),
        ];
        let shape = (0, 1_000_000, 400_000);
        assert_eq!(calibrate(shape, &ends, Emu::MIN), Some(3_000_000));
        assert_eq!(calibrate(shape, &ends, 3_200_000), Some(9_000_000));
        assert_eq!(calibrate(shape, &[(500_000, 3_000_000)], Emu::MIN), None);
    }
}
