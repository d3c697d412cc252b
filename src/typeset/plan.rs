//! The plan of an SOP's flow tables before Typst lays them out: column widths and the
//! least height of every row. A sheet is planned compact first; only when the router
//! cannot draw a compact table without breaking a rule is it planned roomy.

use super::RenderError;
use super::columns::{self, Columns, TableText, sel};
use super::{data, fonts};
use crate::flow::RowBox;
use crate::flow::cut;
use crate::flow::route::{
    GAP, LABEL_SIZES, compact_room, grow_page_openers, label_box, label_cell, min_row_height,
};
use crate::model::{Alur, Bentuk, Prosedur, Sop};

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
        let needs = Lanes {
            alur: &alur,
            count: lanes,
            names: name_room(pr, &measure),
            labels: label_room(
                &alur,
                &[&sop.gaya.label_ya, &sop.gaya.label_tidak],
                &measure,
            ),
        };
        // Validation refuses more lanes than the paper holds (columns::max_lanes).
        let c = needs
            .columns(density, printable, &text, &measure, sop.gaya.lebar_kolom)
            .ok_or_else(|| RenderError::Bug(format!("{lanes} pelaksana tidak muat di kertas")))?;
        if c.lane < columns::MIN_LANE {
            warnings.push(format!(
                "{lanes} pelaksana hanya mendapat {:.0} pt per kolom; simbol menjadi sangat kecil. \
                 Pertimbangkan kertas F4 atau orientasi landscape",
                c.lane
            ));
        }
        if let Some(label) = label_too_wide(&needs, &c, sop) {
            warnings.push(format!(
                "label \"{label}\" tidak muat di kolom pelaksana selebar {:.0} pt, meski \
                 dicetak {} pt, sehingga terpotong garis tabel. Pendekkan label_ya/label_tidak \
                 di [gaya] (misalnya label_tidak = \"T\"), atau pakai kertas F4 atau \
                 orientasi landscape",
                c.lane,
                LABEL_SIZES[LABEL_SIZES.len() - 1]
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

/// What the lanes of one flow table must hold besides their symbols: the lines of its
/// flow, the longest word of a pelaksana's name, and its Ya/Tidak labels.
#[derive(Debug, Clone, Copy)]
pub struct Lanes<'a> {
    /// How each step flows on.
    pub alur: &'a [Alur],
    /// How many lanes.
    pub count: usize,
    /// The lane width that fits the longest word of a pelaksana's name (0 for none).
    pub names: f64,
    /// The lane width that holds the table's Ya/Tidak labels ([`label_room`]).
    pub labels: f64,
}

/// The lane width that holds the Ya/Tidak labels `texts` of a table flowing as `alur`
/// says in one cell, set at the smallest of [`crate::flow::route::LABEL_SIZES`]: a lane
/// narrower than that would leave a label nowhere to go. The router sets them as large
/// as the lanes then allow. 0 for a table without decisions.
pub fn label_room(alur: &[Alur], texts: &[&str], measure: columns::Measure<'_>) -> f64 {
    if !alur.iter().any(|a| matches!(a, Alur::Keputusan { .. })) {
        return 0.0;
    }
    let smallest = LABEL_SIZES[LABEL_SIZES.len() - 1];
    texts
        .iter()
        .map(|t| label_cell(label_box(t, smallest, measure).0))
        .fold(0.0, f64::max)
}

/// The Ya/Tidak label of `sop` that no cell of a table planned as `c` holds even at the
/// smallest label size: the lanes could not be widened for it (the paper is full).
fn label_too_wide<'s>(needs: &Lanes<'_>, c: &Columns, sop: &'s Sop) -> Option<&'s str> {
    if c.lane + 1e-6 >= needs.labels {
        return None;
    }
    let measure = |text: &str, size: f64| fonts::text_width(sop.gaya.font, text, size);
    [&sop.gaya.label_ya, &sop.gaya.label_tidak]
        .into_iter()
        .map(String::as_str)
        .max_by(|a, b| {
            let w = |t: &str| label_box(t, LABEL_SIZES[LABEL_SIZES.len() - 1], &measure).0;
            w(a).total_cmp(&w(b))
        })
}

impl Lanes<'_> {
    /// The width each lane asks for at `density` in a table `printable` wide, before the
    /// text columns take what is left: a compact lane is as narrow as its symbols and
    /// lines need ([`columns::compact_lane`]), a roomy one is wider.
    pub fn width(&self, density: Density, printable: f64) -> f64 {
        let room = cut::lane_room(self.alur);
        let compact = columns::compact_lane(self.count, room, cut::busiest_jumps(self.alur))
            .max(self.names)
            .max(self.labels);
        match density {
            Density::Compact => compact,
            Density::Roomy => compact.max(columns::roomy_lane(printable, self.count, room)),
        }
    }

    /// The columns of a table `printable` wide planned at `density` around `text`
    /// ([`columns::plan`]; `weights` from `[gaya] lebar_kolom`); `None` when even the
    /// narrowest lanes do not fit.
    pub fn columns(
        &self,
        density: Density,
        printable: f64,
        text: &TableText,
        measure: columns::Measure<'_>,
        weights: Option<[f64; 5]>,
    ) -> Option<Columns> {
        let lane = self.width(density, printable);
        columns::plan(printable, self.count, lane, text, measure, weights)
    }
}

/// A layout of a sheet as the planning loop reads it ([`settle`]).
pub trait Laid {
    /// Where the step rows of each flow table landed.
    fn rows(&self) -> &[Vec<RowBox>];
    /// How many drawing rules the flowchart routed on those rows breaks.
    fn violations(&self) -> usize;
}

/// How many times the rows that open a page may grow before the tables are planned
/// roomy.
const GROWTHS: usize = 2;

/// The planning loop of every sheet: lays it out (`lay_out`, given a density and the
/// room above and below each step's symbol, per table) with compact tables and
/// `rooms` first; while the flowchart breaks a drawing rule, the rows that open a page
/// grow ([`grow_page_openers`], rows ending above `bottom`) and it is laid out again,
/// at most [`GROWTHS`] times; then, as a last resort, with roomy tables ([`GAP`] around
/// every symbol), which is kept whatever it breaks. `bentuk` gives each table's
/// symbols. sopan lays the sheet out with Typst; the router's tests stack rows.
pub fn settle<L: Laid, E>(
    bentuk: &[Vec<Bentuk>],
    mut rooms: Vec<Vec<f64>>,
    bottom: f64,
    mut lay_out: impl FnMut(Density, &[Vec<f64>]) -> Result<L, E>,
) -> Result<L, E> {
    for grown in 0..=GROWTHS {
        let laid = lay_out(Density::Compact, &rooms)?;
        if laid.violations() == 0 {
            return Ok(laid);
        }
        if grown == GROWTHS {
            break;
        }
        let mut grew = false;
        for ((rows, room), bentuk) in laid.rows().iter().zip(&mut rooms).zip(bentuk) {
            grew |= grow_page_openers(rows, room, bentuk, bottom);
        }
        if !grew {
            break;
        }
    }
    let roomy: Vec<Vec<f64>> = bentuk.iter().map(|b| vec![GAP; b.len()]).collect();
    lay_out(Density::Roomy, &roomy)
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
