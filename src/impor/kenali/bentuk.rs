//! The flowchart's symbols put on the steps. A symbol anchored in a step's row (Word)
//! or lying over it (Excel, where rows have their heights) is that step's. Symbols
//! placed from the page and anchored beside the table go, top to bottom, to the steps
//! that have none, when there are as many rows of them as such steps. A step's lanes
//! are the lane columns its symbols cover: a joint step may be one wide box over two.

use std::collections::BTreeMap;

use super::Indeks;
use super::alur::Kolom;
use crate::impor::dokumen::{Bentuk, Emu, Simbol, Tegak};

/// Where the symbols of one flow table went.
#[derive(Debug, Clone, Default)]
pub struct Penempatan {
    /// The symbols over each step (indices into the document's symbols).
    pub per_langkah: Vec<Vec<usize>>,
    /// The frame whose coordinates the symbols and lines share.
    pub kanvas: usize,
    /// The top of each placed symbol in that frame, where it is known.
    pub atas: BTreeMap<usize, Emu>,
    /// The step each placed symbol is over.
    pub langkah: BTreeMap<usize, usize>,
    /// Each step's row, top and bottom, where the file says (Excel).
    pub baris: Vec<Option<(Emu, Emu)>>,
}

/// Whether a shape is a step's symbol: a flowchart shape that is no Ya/Tidak label.
fn langkah_simbol(s: &Simbol) -> bool {
    s.bentuk.is_some() && !s.label_cabang()
}

/// Places the symbols of the flow table whose steps are in `rows` (its header in table
/// `tabel`), looking at drawings anchored in `anchors` (Word); what cannot be placed
/// is named in `lewat`.
pub fn tempatkan(
    ix: &Indeks,
    tabel: usize,
    _kolom: &Kolom,
    rows: &[usize],
    anchors: std::ops::Range<usize>,
    lewat: &mut Vec<String>,
) -> Penempatan {
    let kanvas = ix.doc.tabel[tabel].kanvas;
    let mut out = Penempatan {
        per_langkah: vec![Vec::new(); rows.len()],
        kanvas,
        ..Penempatan::default()
    };
    let step_of_row: BTreeMap<usize, usize> =
        rows.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    let mut free = Vec::new();
    if kanvas == 0 {
        for (i, s) in ix.doc.simbol.iter().enumerate() {
            if !langkah_simbol(s) || s.letak.kanvas != 0 {
                continue;
            }
            let Some(at) = s.letak.jangkar.filter(|r| anchors.contains(r)) else {
                continue;
            };
            if let Tegak::Mutlak(y) = s.letak.y {
                out.atas.insert(i, y);
            }
            match step_of_row.get(&at) {
                Some(&step) => place(&mut out, i, step),
                None => free.push(i),
            }
        }
        place_free(ix, &mut out, free, lewat);
    } else {
        let span = |r: usize| ix.baris(r).tinggi;
        out.baris = rows.iter().map(|&r| span(r)).collect();
        let (Some(top), Some(bottom)) = (
            rows.first().and_then(|&r| span(r)).map(|s| s.0),
            rows.last().and_then(|&r| span(r)).map(|s| s.1),
        ) else {
            return out;
        };
        let mut lost = 0;
        for (i, s) in ix.doc.simbol.iter().enumerate() {
            if !langkah_simbol(s) || s.letak.kanvas != kanvas {
                continue;
            }
            let Tegak::Mutlak(y) = s.letak.y else {
                continue;
            };
            let mid = y + s.letak.tinggi / 2;
            if !(top..bottom).contains(&mid) {
                continue;
            }
            out.atas.insert(i, y);
            match rows
                .iter()
                .position(|&r| span(r).is_some_and(|(a, b)| (a..b).contains(&mid)))
            {
                Some(step) => place(&mut out, i, step),
                None => lost += 1,
            }
        }
        if lost > 0 {
            lewat.push(format!(
                "{lost} bentuk diagram alur berada di antara baris langkah dan tidak dipasangkan"
            ));
        }
    }
    out
}

fn place(out: &mut Penempatan, symbol: usize, step: usize) {
    out.per_langkah[step].push(symbol);
    out.langkah.insert(symbol, step);
}

/// Symbols placed from the page beside the table: in rows of symbols (top to bottom),
/// onto the steps with none, when the counts agree.
fn place_free(ix: &Indeks, out: &mut Penempatan, free: Vec<usize>, lewat: &mut Vec<String>) {
    if free.is_empty() {
        return;
    }
    let symbols = &ix.doc.simbol;
    // Their tops compare only when all are from the page, or all from one row.
    let frame = |i: usize| match symbols[i].letak.y {
        Tegak::Mutlak(_) => None,
        Tegak::DariBaris(_) => symbols[i].letak.jangkar,
    };
    let one_frame = free.iter().all(|&i| frame(i) == frame(free[0]));
    let empty: Vec<usize> = (0..out.per_langkah.len())
        .filter(|&s| out.per_langkah[s].is_empty())
        .collect();
    let mut sorted = free.clone();
    let top = |i: usize| match symbols[i].letak.y {
        Tegak::Mutlak(y) | Tegak::DariBaris(y) => y,
    };
    sorted.sort_by_key(|&i| top(i) + symbols[i].letak.tinggi / 2);
    let mut bands: Vec<Vec<usize>> = Vec::new();
    for i in sorted {
        let mid = top(i) + symbols[i].letak.tinggi / 2;
        let joins = bands.last().is_some_and(|band| {
            let j = band[0];
            let other = top(j) + symbols[j].letak.tinggi / 2;
            let h = symbols[i].letak.tinggi.min(symbols[j].letak.tinggi);
            (mid - other).abs() * 2 < h
        });
        if joins {
            if let Some(band) = bands.last_mut() {
                band.push(i);
            }
        } else {
            bands.push(vec![i]);
        }
    }
    if one_frame && bands.len() == empty.len() {
        for (band, &step) in bands.iter().zip(&empty) {
            for &i in band {
                place(out, i, step);
            }
        }
        return;
    }
    lewat.push(format!(
        "{} bentuk diagram alur yang diletakkan dari halaman tidak dapat dipasangkan ke \
         langkah ({} baris bentuk, {} langkah tanpa bentuk)",
        free.len(),
        bands.len(),
        empty.len()
    ));
}

/// The lanes a step's symbols cover, and its symbol's kind (a diamond if any is).
pub fn lajur(
    ix: &Indeks,
    _placed: &Penempatan,
    shapes: &[usize],
    tabel: usize,
    kolom: &Kolom,
) -> (Vec<String>, Option<Bentuk>) {
    let table = &ix.doc.tabel[tabel];
    let spans: Vec<(Emu, Emu, &String)> = kolom
        .lajur
        .iter()
        .filter_map(|(c, w, n)| table.rentang(*c, *w).map(|(a, b)| (a, b, n)))
        .collect();
    let mut lanes: Vec<String> = Vec::new();
    let mut kind = None;
    for &i in shapes {
        let s = &ix.doc.simbol[i];
        let (x0, x1) = s.letak.x;
        let width = (x1 - x0).max(1);
        let mut covered: Vec<&String> = spans
            .iter()
            .filter(|(a, b, _)| {
                let overlap = x1.min(*b) - x0.max(*a);
                overlap * 2 >= width.min(b - a)
            })
            .map(|(_, _, n)| *n)
            .collect();
        if covered.is_empty() {
            let mid = s.letak.tengah_x();
            covered.extend(
                spans
                    .iter()
                    .filter(|(a, b, _)| (*a..*b).contains(&mid))
                    .map(|(_, _, n)| *n),
            );
        }
        for n in covered {
            if !lanes.contains(n) {
                lanes.push(n.clone());
            }
        }
        kind = match (kind, s.bentuk) {
            (Some(Bentuk::Keputusan), _) | (_, Some(Bentuk::Keputusan)) => Some(Bentuk::Keputusan),
            (None, b) => b,
            (k, _) => k,
        };
    }
    // Lanes in the table's order.
    lanes.sort_by_key(|n| kolom.lajur.iter().position(|(_, _, m)| m == n));
    (lanes, kind)
}
