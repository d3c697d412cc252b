//! How many lines one page break can cut, and the lane room their connectors need.
//!
//! Every line that crosses a page break ends in an off-page connector at the bottom of
//! one page and starts from its twin at the top of another. The connectors at one page
//! edge sit side by side in the lanes, so the lanes must be wide enough for the most
//! lines that any break could cut. Where the breaks fall is known only after typesetting,
//! but no break cuts more lines than the busiest gap between two consecutive steps.

use super::route::{CONNECTOR, CONNECTOR_STEP};
use crate::model::Alur;

/// The most flow lines that run past one gap between consecutive steps.
pub fn busiest_cut(alur: &[Alur]) -> usize {
    // spans[k]: lines past the gap below step k.
    let mut spans = vec![0usize; alur.len()];
    for (i, a) in alur.iter().enumerate() {
        for j in a.langkah() {
            let (lo, hi) = (i.min(j), i.max(j).min(alur.len()));
            for s in &mut spans[lo..hi] {
                *s += 1;
            }
        }
    }
    spans.into_iter().max().unwrap_or(0)
}

/// The most lines that run beside the symbols past one gap between consecutive steps:
/// every line but the one from a step to the next, each on a track of its own.
pub fn busiest_jumps(alur: &[Alur]) -> usize {
    let mut spans = vec![0usize; alur.len()];
    for (i, a) in alur.iter().enumerate() {
        for j in a.langkah().filter(|&j| j != i + 1) {
            let (lo, hi) = (i.min(j), i.max(j).min(alur.len()));
            for s in &mut spans[lo..hi] {
                *s += 1;
            }
        }
    }
    spans.into_iter().max().unwrap_or(0)
}

/// The total lane width the connectors of a procedure whose steps flow as `alur` says
/// need at its busiest page break.
pub fn lane_room(alur: &[Alur]) -> f64 {
    connector_room(busiest_cut(alur))
}

/// The total lane width that holds `lines` connectors side by side on the slot grid,
/// with one line running straight down a lane's centre.
pub fn connector_room(lines: usize) -> f64 {
    // A margin of 1 pt at both lane edges, and a connector every 13 pt either side of
    // the centre line.
    CONNECTOR + 2.0 + CONNECTOR_STEP * lines.saturating_sub(1).next_multiple_of(2) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Alur::*;
    use crate::model::Tujuan::*;

    #[test]
    fn the_busiest_gap_counts_every_line_past_it() {
        // 0 -> 1 -> 2 -> 3, with 2 looping back to 0 and 0 skipping to 3.
        let flow = [
            Keputusan {
                ya: Langkah(1),
                tidak: Langkah(3),
            },
            Lanjut(Langkah(2)),
            Keputusan {
                ya: Langkah(3),
                tidak: Langkah(0),
            },
            Akhir,
        ];
        // Gap 1|2: 1 -> 2, 2 -> 0 and 0 -> 3.
        assert_eq!(busiest_cut(&flow), 3);
        assert_eq!(busiest_cut(&[Akhir]), 0);
    }

    #[test]
    fn connector_room_packs_pairs_around_the_centre_line() {
        // One connector on the centre line; five: two either side of it.
        assert_eq!(connector_room(1), 12.0);
        assert_eq!(connector_room(5), 12.0 + 4.0 * 13.0);
        assert_eq!(connector_room(6), 12.0 + 6.0 * 13.0);
        // An 80 pt lane holds five.
        assert!(connector_room(5) <= 80.0 && connector_room(6) > 80.0);
    }
}
