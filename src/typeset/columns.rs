//! Column widths of the flow table: text columns give up width first, then lanes shrink.

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
/// Narrowest lane sopan draws at all (a symbol of 8 pt and two thin channels).
pub const TIGHTEST_LANE: f64 = 14.0;
const IDEAL_LANE: f64 = 62.0;
const MAX_LANE: f64 = 80.0;
const NO: f64 = 20.0;
// (ideal, minimum) for kegiatan, kelengkapan, waktu, output, keterangan.
const TEXT: [(f64, f64); 5] = [
    (180.0, 105.0),
    (82.0, 58.0),
    (46.0, 36.0),
    (82.0, 52.0),
    (64.0, 50.0),
];

/// The width of the table on `kertas`: the page between its margins.
pub fn printable_width(kertas: &crate::model::Kertas) -> f64 {
    kertas.pt().0 - 2.0 * super::data::MARGIN
}

/// How many lanes a table `width` points wide can hold at all: each lane
/// [`TIGHTEST_LANE`] wide beside the text columns at their minimum ([`plan`] gives up
/// past it).
pub fn max_lanes(width: f64) -> usize {
    let min_text: f64 = TEXT.iter().map(|t| t.1).sum();
    ((width - NO - min_text) / TIGHTEST_LANE).floor().max(0.0) as usize
}

/// Splits the printable width among the columns: text columns give up width first, then
/// lanes shrink; `None` when even lanes of [`TIGHTEST_LANE`] do not fit. The lanes get at
/// least `room` in all where the text columns can spare it: the width that the
/// connectors of the busiest page break need ([`crate::flow::cut::connector_room`]).
pub fn plan(width: f64, lanes: usize, room: f64) -> Option<Columns> {
    let n = lanes.max(1) as f64;
    let ideal_text: f64 = TEXT.iter().map(|t| t.0).sum();
    let min_text: f64 = TEXT.iter().map(|t| t.1).sum();
    let for_lanes_ideal = (width - NO - ideal_text) / n;
    let widest = (width - NO - min_text) / n;
    let natural = if for_lanes_ideal >= IDEAL_LANE {
        // Room to spare: lanes up to MAX_LANE, the rest to the text columns.
        for_lanes_ideal.min(MAX_LANE)
    } else {
        // Text columns shrink toward their minimum to keep lanes at IDEAL_LANE.
        IDEAL_LANE
    };
    let lane = natural.max(room / n).min(widest);
    if lane < TIGHTEST_LANE {
        return None;
    }
    let text_room = width - NO - lane * n;
    let text = if text_room >= ideal_text {
        TEXT.map(|(ideal, _)| ideal * text_room / ideal_text)
    } else {
        let t = (text_room - min_text) / (ideal_text - min_text);
        TEXT.map(|(ideal, min)| min + (ideal - min) * t.max(0.0))
    };
    let w = |k: usize| text[k];
    Some(Columns {
        no: NO,
        kegiatan: w(0),
        lane,
        kelengkapan: w(1),
        waktu: w(2),
        output: w(3),
        keterangan: w(4),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A4_LANDSCAPE: f64 = 841.89 - 2.0 * 42.52;

    /// The width of all columns together.
    fn total(c: &Columns, lanes: usize) -> f64 {
        c.no + c.kegiatan
            + c.lane * lanes as f64
            + c.kelengkapan
            + c.waktu
            + c.output
            + c.keterangan
    }

    #[test]
    fn columns_always_fill_the_printable_width() {
        for lanes in 1..=12 {
            let c = plan(A4_LANDSCAPE, lanes, 0.0)
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
    fn ten_lanes_fit_a4_landscape() {
        let c = plan(A4_LANDSCAPE, 10, 0.0).unwrap();
        assert!(c.lane >= 30.0, "{c:?}");
    }

    #[test]
    fn lanes_widen_for_a_crowded_page_break() {
        let plain = plan(A4_LANDSCAPE, 1, 0.0).unwrap();
        assert_eq!(plain.lane, MAX_LANE);
        let wide = plan(A4_LANDSCAPE, 1, 120.0).unwrap();
        assert_eq!(wide.lane, 120.0);
        assert!((total(&wide, 1) - A4_LANDSCAPE).abs() < 0.01);
        // Never past the text columns' minimum.
        let widest = plan(A4_LANDSCAPE, 1, 2000.0).unwrap();
        assert!((total(&widest, 1) - A4_LANDSCAPE).abs() < 0.01);
        assert!(widest.kegiatan >= 105.0 - 1e-9);
    }

    #[test]
    fn too_many_lanes_are_refused() {
        assert!(plan(A4_LANDSCAPE, 20, 0.0).is_some_and(|c| c.lane < MIN_LANE));
        assert!(plan(A4_LANDSCAPE, 40, 0.0).is_none());
        // max_lanes is exactly where plan gives up, whatever room the connectors need.
        let most = max_lanes(A4_LANDSCAPE);
        for room in [0.0, 500.0] {
            assert!(plan(A4_LANDSCAPE, most, room).is_some());
            assert!(plan(A4_LANDSCAPE, most + 1, room).is_none());
        }
    }
}
