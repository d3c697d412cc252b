//! Column widths of the flow table, planned for the least total height: lanes as narrow
//! as their symbols, tracks and connectors need, the text columns sharing the rest so
//! that the rows, which grow with the most wrapped cell, come out as low as they can.
//!
//! Like a browser's automatic table layout, every text column first gets its
//! min-content width (its longest word); then, unlike it, the rest is handed out a
//! few points at a time to the column where it lowers the table most, measured by
//! wrapping each cell's words as Typst will. What no column needs goes to the text in
//! proportion to how much each column holds.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::flow::Symbols;
use crate::flow::route::{CHANNEL, TRACK_STEP};

/// Widths in points, left to right.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Columns {
    /// No.
    pub no: f64,
    /// Kegiatan.
    pub kegiatan: f64,
    /// Each lane.
    pub lane: f64,
    /// Kelengkapan.
    pub kelengkapan: f64,
    /// Waktu.
    pub waktu: f64,
    /// Output.
    pub output: f64,
    /// Keterangan.
    pub keterangan: f64,
}

/// Narrowest comfortable lane; below it sopan warns.
pub const MIN_LANE: f64 = 24.0;
/// Narrowest lane sopan draws at all: a symbol as narrow as [`Symbols::size`] draws it
/// there (11 pt) and a channel either side where a track keeps clear of both the symbol
/// and the lane's border.
pub const TIGHTEST_LANE: f64 = 20.0;
const NO: f64 = 20.0;
/// Least widths of kegiatan, kelengkapan, waktu, output, keterangan.
const TEXT_MIN: [f64; 5] = [105.0, 58.0, 36.0, 52.0, 50.0];

/// Index of the waktu column among the text columns (the order of
/// [`crate::schema::LEBAR_KOLOM`]: kegiatan, kelengkapan, waktu, output, keterangan).
const WAKTU: usize = 2;

/// How a table cell's text is set (`alur.typ`): size, line pitch and insets, in points.
pub mod sel {
    /// Text size of the table body.
    pub const SIZE: f64 = 9.0;
    /// Inset on the left and right of a cell.
    pub const INSET_X: f64 = 3.0;
    /// Inset above and below a cell's text.
    pub const INSET_Y: f64 = 3.0;
    /// From the top of a line's capitals to the next line's: cap height plus leading.
    pub const PITCH: f64 = 0.688 * SIZE + 0.45 * SIZE;
    /// The height of one line: its capitals.
    pub const FIRST: f64 = 0.688 * SIZE;

    /// The height of a cell holding `lines` lines of text.
    pub fn height(lines: usize) -> f64 {
        2.0 * INSET_Y + FIRST + PITCH * lines.saturating_sub(1) as f64
    }
}

/// The text of one flow table, as the planner measures it.
#[derive(Debug, Clone, Default)]
pub struct TableText {
    /// Per step, the lines (paragraphs) of each text column, in table order.
    pub rows: Vec<[Vec<String>; 5]>,
    /// Per step, the least height of its row: room for the symbol and its lines.
    pub row_min: Vec<f64>,
    /// The Norma Waktu total, printed in the waktu column under the last step.
    pub total: Option<String>,
}

/// Width of a text at a size, in the sheet's font.
pub type Measure<'a> = &'a dyn Fn(&str, f64) -> f64;

/// The width of the table on `kertas`: the page between its margins.
pub fn printable_width(kertas: &crate::model::Kertas) -> f64 {
    kertas.pt().0 - 2.0 * super::data::MARGIN
}

/// How many lanes a table `width` points wide can hold at all: each lane
/// [`TIGHTEST_LANE`] wide beside the text columns at their minimum (the plans give up
/// past it).
pub fn max_lanes(width: f64) -> usize {
    let min_text: f64 = TEXT_MIN.iter().sum();
    ((width - NO - min_text) / TIGHTEST_LANE).floor().max(0.0) as usize
}

/// The width of one lane in a compact table: a symbol (at its natural size,
/// [`Symbols::size`]) with a channel on either side, each channel a track wider for
/// every line past two that runs beside the symbols at one gap (`jumps`), and wide
/// enough in all for `room`, the connectors of the busiest page break
/// ([`crate::flow::cut::connector_room`]).
pub fn compact_lane(lanes: usize, room: f64, jumps: usize) -> f64 {
    let channel = CHANNEL + TRACK_STEP * jumps.saturating_sub(2).div_ceil(2) as f64;
    let symbol = Symbols::Fixed.widest(f64::INFINITY);
    (symbol + 2.0 * channel).max(room / lanes.max(1) as f64)
}

/// The width of one lane in a roomy table, the fallback: 62 pt, or up to 80 pt where
/// the text columns at their usual widths leave that much, and wide enough for `room`.
pub fn roomy_lane(width: f64, lanes: usize, room: f64) -> f64 {
    const IDEAL_LANE: f64 = 62.0;
    const MAX_LANE: f64 = 80.0;
    // The text columns' usual widths, together.
    const USUAL_TEXT: f64 = 180.0 + 82.0 + 46.0 + 82.0 + 64.0;
    let n = lanes.max(1) as f64;
    let left = (width - NO - USUAL_TEXT) / n;
    let natural = if left >= IDEAL_LANE {
        left.min(MAX_LANE)
    } else {
        IDEAL_LANE
    };
    natural.max(room / n)
}

/// Plans a compact table `width` points wide: lanes `lane` wide (narrower only when the
/// text columns would drop below their least widths, `None` below [`TIGHTEST_LANE`]),
/// and the text columns as the module says, or by `weights` (relative widths of
/// the text columns, `[gaya] lebar_kolom`) when the clerk gave them.
pub fn plan(
    width: f64,
    lanes: usize,
    lane: f64,
    text: &TableText,
    measure: Measure<'_>,
    weights: Option<[f64; 5]>,
) -> Option<Columns> {
    let n = lanes.max(1) as f64;
    let widest = (width - NO - TEXT_MIN.iter().sum::<f64>()) / n;
    let lane = lane.min(widest);
    if lane < TIGHTEST_LANE {
        return None;
    }
    let room = width - NO - lane * n;
    let w = match weights {
        Some(weights) => by_weights(room, weights),
        None => Planner::new(text, measure).widths(room),
    };
    Some(Columns {
        no: NO,
        kegiatan: w[0],
        lane,
        kelengkapan: w[1],
        waktu: w[2],
        output: w[3],
        keterangan: w[4],
    })
}

/// The height each step's row will take in a table of columns `c`, as the planner
/// measures its text (an estimate: Typst's line breaking may differ by a line).
pub fn row_heights(text: &TableText, measure: Measure<'_>, c: &Columns) -> Vec<f64> {
    let planner = Planner::new(text, measure);
    let w = [c.kegiatan, c.kelengkapan, c.waktu, c.output, c.keterangan];
    let columns: [CellHeights; 5] = std::array::from_fn(|k| planner.cell_heights(k, w[k]));
    (0..text.row_min.len())
        .map(|r| columns.iter().map(|h| h[r]).fold(text.row_min[r], f64::max))
        .collect()
}

/// `room` shared by relative `weights`, each column at least its least width.
fn by_weights(room: f64, weights: [f64; 5]) -> [f64; 5] {
    let sum: f64 = weights.iter().map(|x| x.max(0.0)).sum();
    if sum <= 0.0 {
        let spare = room - TEXT_MIN.iter().sum::<f64>();
        return TEXT_MIN.map(|m| m + spare / 5.0);
    }
    let wanted: [f64; 5] =
        std::array::from_fn(|c| (room * weights[c].max(0.0) / sum).max(TEXT_MIN[c]));
    // Raising some columns to their least width takes room from the others.
    let least: f64 = TEXT_MIN.iter().sum();
    let above = wanted.iter().sum::<f64>() - least;
    if above <= 0.0 {
        return TEXT_MIN;
    }
    let t = (room - least) / above;
    std::array::from_fn(|c| TEXT_MIN[c] + (wanted[c] - TEXT_MIN[c]) * t)
}

/// The text columns' cells as measured words, and the heights they make.
struct Planner {
    /// `cells[c][r]`: the paragraphs of column c in row r, each a list of word widths.
    cells: [Vec<Vec<Vec<f64>>>; 5],
    /// The width of a space.
    space: f64,
    row_min: Vec<f64>,
    /// The Norma Waktu total, as words in bold.
    total: Option<Vec<f64>>,
    /// How much text each column holds, in points of one long line.
    amount: [f64; 5],
    /// Cell heights of a column at a width, by (column, width).
    memo: RefCell<HashMap<(usize, u64), CellHeights>>,
}

/// The height of every cell of one column at one width.
type CellHeights = Rc<Vec<f64>>;

/// Width handed out at a time.
const STEP: f64 = 4.0;
/// How many steps ahead a column's widening is weighed.
const LOOKAHEAD: usize = 10;
/// At most this many moves of width between columns.
const EXCHANGES: usize = 40;

impl Planner {
    fn new(text: &TableText, measure: Measure<'_>) -> Self {
        let words = |p: &str, size: f64| -> Vec<f64> {
            p.split_whitespace().map(|w| measure(w, size)).collect()
        };
        let mut cells: [Vec<Vec<Vec<f64>>>; 5] = Default::default();
        let mut amount = [0.0; 5];
        for row in &text.rows {
            for (c, paragraphs) in row.iter().enumerate() {
                let cell: Vec<Vec<f64>> = paragraphs.iter().map(|p| words(p, sel::SIZE)).collect();
                amount[c] += cell.iter().flatten().sum::<f64>();
                cells[c].push(cell);
            }
        }
        // Bold is about a tenth wider than regular.
        let total = text
            .total
            .as_deref()
            .map(|t| words(t, sel::SIZE).into_iter().map(|w| w * 1.1).collect());
        Self {
            cells,
            space: measure(" ", sel::SIZE),
            row_min: text.row_min.clone(),
            total,
            amount,
            memo: Default::default(),
        }
    }

    /// The lines `paragraphs` wrap to in a cell `width` wide.
    fn lines(&self, paragraphs: &[Vec<f64>], width: f64) -> usize {
        let room = width - 2.0 * sel::INSET_X;
        paragraphs
            .iter()
            .map(|words| {
                let (mut lines, mut line) = (1, 0.0);
                for &w in words {
                    if line > 0.0 && line + self.space + w > room {
                        lines += 1;
                        line = w;
                    } else if line > 0.0 {
                        line += self.space + w;
                    } else {
                        line = w;
                    }
                }
                lines
            })
            .sum::<usize>()
            .max(1)
    }

    /// The least width of column `c`: its longest word, or its least width. A waktu
    /// ("1 Jam", "30 Menit") stays on one line, and the Norma Waktu total on two.
    fn min_width(&self, c: usize) -> f64 {
        let widest = |it: &mut dyn Iterator<Item = f64>| it.fold(0.0_f64, f64::max);
        let content = if c == WAKTU {
            let one_line = |words: &Vec<f64>| {
                words.iter().sum::<f64>() + self.space * words.len().saturating_sub(1) as f64
            };
            let cells = widest(&mut self.cells[c].iter().flatten().map(one_line));
            let total = self.total.as_ref().map_or(0.0, |t| self.two_lines(t));
            cells.max(total)
        } else {
            widest(&mut self.cells[c].iter().flatten().flatten().copied())
        };
        TEXT_MIN[c].max(content + 2.0 * sel::INSET_X)
    }

    /// The narrowest line that sets `words` on at most two lines.
    fn two_lines(&self, words: &[f64]) -> f64 {
        let line =
            |ws: &[f64]| ws.iter().sum::<f64>() + self.space * ws.len().saturating_sub(1) as f64;
        (0..=words.len())
            .map(|k| line(&words[..k]).max(line(&words[k..])))
            .fold(f64::INFINITY, f64::min)
    }

    /// The height of every cell of column `c` when it is `width` wide, remembered.
    fn cell_heights(&self, c: usize, width: f64) -> Rc<Vec<f64>> {
        let key = (c, width.to_bits());
        if let Some(h) = self.memo.borrow().get(&key) {
            return h.clone();
        }
        let heights: Vec<f64> = self.cells[c]
            .iter()
            .map(|cell| sel::height(self.lines(cell, width)))
            .collect();
        let heights = Rc::new(heights);
        self.memo.borrow_mut().insert(key, heights.clone());
        heights
    }

    /// The height of every row, with the text columns `w` wide.
    fn height(&self, w: &[f64; 5]) -> f64 {
        let columns: [Rc<Vec<f64>>; 5] = std::array::from_fn(|c| self.cell_heights(c, w[c]));
        let rows: f64 = (0..self.row_min.len())
            .map(|r| columns.iter().map(|h| h[r]).fold(self.row_min[r], f64::max))
            .sum();
        // The Norma Waktu total wraps in the waktu column.
        let total = self.total.as_ref().map_or(0.0, |t| {
            sel::height(self.lines(std::slice::from_ref(t), w[2]))
        });
        rows + total
    }

    /// Moves width between columns while that lowers the table, each column keeping
    /// at least `least`.
    fn exchange(&self, w: &mut [f64; 5], least: &[f64; 5]) {
        let mut current = self.height(w);
        for _ in 0..EXCHANGES {
            let mut best: Option<([f64; 5], f64)> = None;
            for from in 0..5 {
                for to in (0..5).filter(|&t| t != from) {
                    for k in 1..=LOOKAHEAD {
                        let d = STEP * k as f64;
                        if w[from] - d < least[from] {
                            break;
                        }
                        let mut trial = *w;
                        trial[from] -= d;
                        trial[to] += d;
                        let h = self.height(&trial);
                        if h < current - 0.01 && best.is_none_or(|(_, bh)| h < bh) {
                            best = Some((trial, h));
                        }
                    }
                }
            }
            let Some((better, h)) = best else { break };
            *w = better;
            current = h;
        }
    }

    /// The widths of the text columns sharing `room`.
    fn widths(&self, room: f64) -> [f64; 5] {
        let mins: [f64; 5] = std::array::from_fn(|c| self.min_width(c));
        let mut w = mins;
        let least: f64 = w.iter().sum();
        if least >= room {
            // Even the longest words do not fit: shrink to the room (long words break).
            let floor: f64 = TEXT_MIN.iter().sum();
            if least - floor < 1e-6 {
                return TEXT_MIN;
            }
            let t = ((room - floor) / (least - floor)).clamp(0.0, 1.0);
            return std::array::from_fn(|c| TEXT_MIN[c] + (w[c] - TEXT_MIN[c]) * t);
        }
        let mut spare = room - least;
        let mut current = self.height(&w);
        // Each round, the widening that lowers the table most per point of width; a
        // column may need several steps before one more line fits.
        while spare >= STEP {
            let mut best: Option<(f64, f64, usize)> = None;
            for c in 0..5 {
                for k in 1..=LOOKAHEAD {
                    let extra = STEP * k as f64;
                    if extra > spare {
                        break;
                    }
                    let mut trial = w;
                    trial[c] += extra;
                    let gain = (current - self.height(&trial)) / extra;
                    if gain > 0.001 && best.is_none_or(|(g, _, _)| gain > g) {
                        best = Some((gain, extra, c));
                    }
                }
            }
            let Some((_, extra, c)) = best else { break };
            w[c] += extra;
            spare -= extra;
            current = self.height(&w);
        }
        // What no column needs now goes to the text, by how much each column holds; the
        // waktu column keeps its least width (a "1 Jam" needs no more).
        let mut amount = self.amount;
        amount[WAKTU] = 0.0;
        let amount_sum: f64 = amount.iter().sum();
        for c in 0..5 {
            w[c] += if amount_sum > 0.0 {
                spare * amount[c] / amount_sum
            } else {
                spare / 4.0 * f64::from(u8::from(c != WAKTU))
            };
        }
        // Handing out width one column at a time can end where moving some from one
        // column to another still lowers the table.
        self.exchange(&mut w, &mins);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4_LANDSCAPE: f64 = 841.89 - 2.0 * 42.52;

    /// Symbols::size squeezes a symbol in a narrow lane; the tightest lane is only drawable
    /// if the squeezed symbol still leaves each channel room for a track, [`CLEAR`] from
    /// the symbol and [`RULE_CLEAR`] from the border. A wider squeeze broke rule 4 on nine
    /// pelaksana in portrait and on twenty lanes, where lanes are this narrow.
    #[test]
    fn the_tightest_lane_keeps_a_track_beside_its_symbols() {
        use crate::flow::route::{CLEAR, RULE_CLEAR};
        for symbols in [Symbols::Fixed, Symbols::Wide] {
            let channel = (TIGHTEST_LANE - symbols.widest(TIGHTEST_LANE)) / 2.0;
            assert!(
                channel >= CLEAR + RULE_CLEAR - 1e-9,
                "{symbols:?}: a {channel} pt channel in a {TIGHTEST_LANE} pt lane"
            );
        }
    }

    /// The width of all columns together.
    fn total(c: &Columns, lanes: usize) -> f64 {
        c.no + c.kegiatan
            + c.lane * lanes as f64
            + c.kelengkapan
            + c.waktu
            + c.output
            + c.keterangan
    }

    /// About Arial: half an em a letter.
    fn measure(text: &str, size: f64) -> f64 {
        text.chars().count() as f64 * size * 0.5
    }

    fn text(rows: &[[&str; 5]]) -> TableText {
        TableText {
            rows: rows
                .iter()
                .map(|r| r.map(|t| vec![t.to_string()]))
                .collect(),
            row_min: vec![32.0; rows.len()],
            total: Some("2 Hari 4 Jam 55 Menit".into()),
        }
    }

    #[test]
    fn columns_always_fill_the_printable_width() {
        let t = text(&[[
            "Menyusun draft laporan kinerja",
            "Komputer",
            "1 Jam",
            "Draft",
            "",
        ]]);
        for lanes in 1..=12 {
            let c = plan(A4_LANDSCAPE, lanes, 44.0, &t, &measure, None)
                .unwrap_or_else(|| panic!("{lanes} lanes fit A4 landscape"));
            assert!(
                (total(&c, lanes) - A4_LANDSCAPE).abs() < 0.01,
                "{lanes} lanes: {}",
                total(&c, lanes)
            );
            assert!(c.lane >= TIGHTEST_LANE);
        }
    }

    #[test]
    fn the_column_with_the_most_text_gets_the_width() {
        let long = "Memeriksa kelengkapan berkas permohonan dan meneruskannya kepada \
                    pejabat yang berwenang untuk ditandatangani";
        let t = text(&[[long, "KTP", "5 Menit", "Berkas", ""]; 6]);
        let c = plan(A4_LANDSCAPE, 7, 44.0, &t, &measure, None).unwrap();
        assert!(c.kegiatan > 2.0 * c.kelengkapan, "{c:?}");
        // The Norma Waktu total fits its column without breaking a word.
        assert!(c.waktu >= measure("Menit", 9.0) * 1.1 + 6.0, "{c:?}");
    }

    #[test]
    fn relative_widths_from_the_clerk_are_kept() {
        let t = text(&[["Satu", "Dua", "1 Jam", "Tiga", ""]]);
        let c = plan(
            A4_LANDSCAPE,
            4,
            44.0,
            &t,
            &measure,
            Some([4.0, 1.0, 1.0, 1.0, 1.0]),
        )
        .unwrap();
        assert!(c.kegiatan > 3.0 * c.output, "{c:?}");
        assert!((total(&c, 4) - A4_LANDSCAPE).abs() < 0.01);
    }

    #[test]
    fn lanes_widen_for_a_crowded_page_break_and_for_many_jumps() {
        assert_eq!(
            compact_lane(1, 0.0, 0),
            Symbols::Fixed.widest(f64::INFINITY) + 2.0 * CHANNEL
        );
        assert_eq!(compact_lane(1, 120.0, 0), 120.0);
        assert!(compact_lane(3, 0.0, 6) > compact_lane(3, 0.0, 2));
    }

    #[test]
    fn too_many_lanes_are_refused() {
        let t = TableText::default();
        assert!(
            plan(A4_LANDSCAPE, 20, 44.0, &t, &measure, None).is_some_and(|c| c.lane < MIN_LANE)
        );
        assert!(plan(A4_LANDSCAPE, 40, 44.0, &t, &measure, None).is_none());
        // max_lanes is exactly where the plan gives up, however wide the lanes should be.
        let most = max_lanes(A4_LANDSCAPE);
        for lane in [30.0, 500.0] {
            assert!(plan(A4_LANDSCAPE, most, lane, &t, &measure, None).is_some());
            assert!(plan(A4_LANDSCAPE, most + 1, lane, &t, &measure, None).is_none());
        }
    }
}
