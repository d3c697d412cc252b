//! The plan of an SOP's flow tables before Typst lays them out: column widths and the
//! least height of every row. A sheet is planned compact first; only when the router
//! cannot draw a compact table without breaking a rule is it planned roomy.

use super::RenderError;
use super::columns::{self, Columns, TableText, sel};
use super::{data, fonts};
use crate::flow::cut;
use crate::flow::route::{GAP, compact_room, min_row_height};
use crate::model::{Prosedur, Sop};

/// How much room a plan leaves around the symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Lanes as narrow and rows as low as the flow needs: what sopan tries first.
    Compact,
    /// Today's fallback: wider lanes and [`GAP`] above and below every symbol.
    Roomy,
}

/// The plan of one flow table.
#[derive(Debug, Clone)]
pub struct TablePlan {
    /// Column widths.
    pub columns: Columns,
    /// The least height of each step's row.
    pub row_min: Vec<f64>,
    /// The steps (0-based) before which the page breaks: a step moved to the next page
    /// to keep the last one company.
    pub breaks: Vec<usize>,
    /// The estimated height of each step's row.
    pub heights: Vec<f64>,
    /// The steps (0-based) whose rows are taller than a page: they run onto the next.
    pub tall: Vec<usize>,
    /// The estimated height of the table's header rows.
    pub header: f64,
}

/// The free space above and below every step's symbol, per flow table.
pub fn rooms(sop: &Sop, density: Density) -> Vec<Vec<f64>> {
    sop.prosedur
        .iter()
        .map(|pr| match density {
            Density::Compact => {
                compact_room(&pr.langkah.iter().map(|l| l.bentuk).collect::<Vec<_>>())
            }
            Density::Roomy => vec![GAP; pr.langkah.len()],
        })
        .collect()
}

/// Plans every flow table of `sop` with `rooms` around its symbols ([`rooms`]), with
/// warnings about cramped lanes.
pub fn plan(
    sop: &Sop,
    density: Density,
    rooms: &[Vec<f64>],
) -> Result<(Vec<TablePlan>, Vec<String>), RenderError> {
    let printable = columns::printable_width(&sop.kertas);
    let measure = |text: &str, size: f64| fonts::text_width(sop.gaya.font, text, size);
    let mut warnings = Vec::new();
    let mut plans = Vec::new();
    for (pr, room) in sop.prosedur.iter().zip(rooms) {
        let text = table_text(pr, room, sop.gaya.jam_per_hari);
        let alur: Vec<_> = pr.langkah.iter().map(|l| l.alur).collect();
        let lanes = pr.pelaksana.len();
        let compact =
            columns::compact_lane(lanes, cut::lane_room(&alur), cut::busiest_jumps(&alur))
                .max(name_room(pr, &measure));
        let lane = match density {
            Density::Compact => compact,
            Density::Roomy => {
                compact.max(columns::roomy_lane(printable, lanes, cut::lane_room(&alur)))
            }
        };
        // Validation refuses more lanes than the paper holds (columns::max_lanes).
        let c = columns::plan(
            printable,
            lanes,
            lane,
            &text,
            &measure,
            sop.gaya.lebar_kolom,
        )
        .ok_or_else(|| RenderError::Bug(format!("{lanes} pelaksana tidak muat di kertas")))?;
        if c.lane < columns::MIN_LANE {
            warnings.push(format!(
                "{lanes} pelaksana hanya mendapat {:.0} pt per kolom; simbol menjadi sangat kecil. \
                 Pertimbangkan kertas F4 atau orientasi landscape",
                c.lane
            ));
        }
        let heights = columns::row_heights(&text, &measure, &c);
        plans.push(TablePlan {
            header: header_height(pr, &c, sop.gaya.nomor_kolom, &measure),
            heights,
            columns: c,
            row_min: text.row_min,
            breaks: Vec::new(),
            tall: Vec::new(),
        });
    }
    Ok((plans, warnings))
}

/// The lane width that fits the longest word of a pelaksana's name (set in bold, smaller
/// with many lanes) without breaking it, up to [`NAME_ROOM`] past a compact lane.
fn name_room(pr: &Prosedur, measure: &dyn Fn(&str, f64) -> f64) -> f64 {
    let size = if pr.pelaksana.len() > 6 { 7.0 } else { 8.0 };
    let widest = pr
        .pelaksana
        .iter()
        .flat_map(|n| n.split_whitespace())
        .map(|w| measure(w, size) * 1.1)
        .fold(0.0, f64::max);
    (widest + 2.0 * sel::INSET_X + 1.0).min(columns::compact_lane(1, 0.0, 0) + NAME_ROOM)
}

/// The estimated height of a table's header (`alur.typ`): the group row, the row of
/// pelaksana names (wrapped in their lanes, bold) and the column numbers if printed.
fn header_height(
    pr: &Prosedur,
    c: &Columns,
    nomor_kolom: bool,
    measure: &dyn Fn(&str, f64) -> f64,
) -> f64 {
    let size = if pr.pelaksana.len() > 6 { 7.0 } else { 8.0 };
    let room = c.lane - 2.0 * sel::INSET_X;
    let lines = pr
        .pelaksana
        .iter()
        .map(|name| {
            let (mut lines, mut line) = (1, 0.0);
            for w in name.split_whitespace().map(|w| measure(w, size) * 1.1) {
                let space = measure(" ", size);
                if line > 0.0 && line + space + w > room {
                    lines += 1;
                    line = w;
                } else {
                    line += if line > 0.0 { space } else { 0.0 } + w;
                }
            }
            lines
        })
        .max()
        .unwrap_or(1);
    let row = |size: f64, lines: usize| {
        2.0 * sel::INSET_Y + 0.688 * size + (0.688 + 0.45) * size * lines.saturating_sub(1) as f64
    };
    row(8.0, 1) + row(size, lines).max(row(8.0, 2)) + if nomor_kolom { row(7.0, 1) } else { 0.0 }
}

/// How much wider than a compact lane a lane may grow for its names.
const NAME_ROOM: f64 = 16.0;

/// The text a table's columns hold, as the planner measures it, with `room[i]` above
/// and below the symbol of step i; `jam_per_hari` prints its Norma Waktu.
fn table_text(pr: &Prosedur, room: &[f64], jam_per_hari: Option<u32>) -> TableText {
    TableText {
        rows: pr
            .langkah
            .iter()
            .map(|l| {
                [
                    vec![l.kegiatan.clone()],
                    l.kelengkapan.clone(),
                    vec![l.waktu.teks.clone()],
                    l.output.clone(),
                    l.keterangan.clone(),
                ]
            })
            .collect(),
        row_min: pr
            .langkah
            .iter()
            .zip(room)
            .map(|(l, &room)| min_row_height(l.bentuk, room))
            .collect(),
        total: data::norma_waktu(pr, jam_per_hari),
    }
}
