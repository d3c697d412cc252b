//! Where a label's value is. Books put it after the label on the same line
//! (`Nomor SOP : 1`), in the lines after it in the same cell, in the cell to its right,
//! in the cell below it (a row of labels over a row of contents), or in the rows that
//! follow a label standing alone (a list typed under its heading). The first of these
//! that holds something, and is not itself a label, is the value.

use super::{Indeks, Label};
use crate::impor::dokumen::{Paragraf, Sel};

/// The most rows a list typed under its heading may run.
const BARIS_DAFTAR_MAKS: usize = 60;

/// The most blank rows left for a wet signature inside a signer block.
const BARIS_TTD_KOSONG_MAKS: usize = 3;

/// A label's value: its lines, and the cells it was read from.
#[derive(Debug, Clone, Default)]
pub struct Nilai {
    /// Its lines.
    pub baris: Vec<Paragraf>,
    /// The cells read: (row, cell).
    pub sel: Vec<(usize, usize)>,
}

impl Nilai {
    /// Its lines on one line.
    pub fn teks(&self) -> String {
        crate::impor::dokumen::rapikan(
            &self
                .baris
                .iter()
                .map(|p| p.teks.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

/// The value of `lab`. `banyak`: whether it may run over several lines (the signer, a
/// grid box), so that lines after it belong to it too.
pub fn nilai(ix: &Indeks, lab: &Label, banyak: bool) -> Nilai {
    let row = ix.baris(lab.baris);
    let Some(cell) = row.sel.get(lab.sel) else {
        return Nilai::default();
    };
    let after = lines_after(cell, lab.paragraf);
    let here = (lab.baris, lab.sel);
    if let Some(rest) = &lab.sisa {
        let mut out = Nilai {
            baris: vec![Paragraf {
                teks: rest.clone(),
                bernomor: cell.paragraf.get(lab.paragraf).is_some_and(|p| p.bernomor),
                tebal: false,
            }],
            sel: vec![here],
        };
        if banyak {
            if !after.is_empty() {
                out.baris.extend(after);
            } else if last_line(cell, lab.paragraf) {
                // Typed lines (`Disahkan oleh : Kepala Dinas`) go on in the rows below.
                let more = rows_below(ix, lab, true);
                out.baris.extend(more.baris);
                out.sel.extend(more.sel);
            }
        }
        return out;
    }
    if !after.is_empty() {
        return Nilai {
            baris: after,
            sel: vec![here],
        };
    }
    // The next cell to the right that holds something, past a ":" typed in a cell of
    // its own between the label and its value.
    let separators: Vec<(usize, usize)> = row
        .sel
        .iter()
        .enumerate()
        .skip(lab.sel + 1)
        .take_while(|(_, s)| s.teks().is_empty() || pemisah(&s.teks()))
        .filter(|(_, s)| !s.teks().is_empty())
        .map(|(c, _)| (lab.baris, c))
        .collect();
    if let Some((c, right)) = row
        .sel
        .iter()
        .enumerate()
        .skip(lab.sel + 1)
        .find(|(_, s)| !s.teks().is_empty() && !pemisah(&s.teks()))
        && !ix.label_di(lab.baris, c)
        && !header_cell(right)
    {
        let mut sel = separators;
        sel.push((lab.baris, c));
        return Nilai {
            baris: lines(right),
            sel,
        };
    }
    // The cell below, in a row of contents under a row of labels.
    if let Some(below) = ix.berikut(lab.baris) {
        let b = ix.baris(below);
        let col = cell.kolom;
        if let Some((c, s)) = b
            .sel
            .iter()
            .enumerate()
            .find(|(_, s)| s.memuat(col) && !s.lanjutan)
            && !s.teks().is_empty()
            && !ix.label_di(below, c)
            && !ix.baris_berlabel(below)
        {
            return Nilai {
                baris: lines(s),
                sel: vec![(below, c)],
            };
        }
    }
    // A label alone in its row: the rows under it, up to the next label.
    let alone = row
        .sel
        .iter()
        .enumerate()
        .all(|(c, s)| c == lab.sel || s.teks().is_empty());
    if alone {
        return rows_below(ix, lab, banyak);
    }
    Nilai::default()
}

/// The rows under a label, while they hold no label, are not empty, and are not a flow
/// table's header; only their first when `banyak` is false.
fn rows_below(ix: &Indeks, lab: &Label, banyak: bool) -> Nilai {
    let mut out = Nilai::default();
    let mut at = lab.baris;
    for _ in 0..BARIS_DAFTAR_MAKS {
        let Some(next) = ix.berikut(at) else { break };
        let b = ix.baris(next);
        if b.kosong() || ix.baris_berlabel(next) || b.putus {
            break;
        }
        for (c, s) in b.sel.iter().enumerate() {
            if !s.teks().is_empty() {
                out.baris.extend(lines(s));
                out.sel.push((next, c));
            }
        }
        if !banyak {
            break;
        }
        at = next;
    }
    out
}

/// The non-empty lines of a cell after paragraph `p`, up to the next label line.
fn lines_after(cell: &Sel, p: usize) -> Vec<Paragraf> {
    cell.paragraf
        .iter()
        .skip(p + 1)
        .filter(|q| !q.teks.trim().is_empty())
        .take_while(|q| super::label::baca(&q.teks).is_none())
        .cloned()
        .collect()
}

/// Whether paragraph `p` is the cell's last with text.
fn last_line(cell: &Sel, p: usize) -> bool {
    cell.paragraf
        .iter()
        .skip(p + 1)
        .all(|q| q.teks.trim().is_empty())
}

/// A cell's non-empty lines.
fn lines(cell: &Sel) -> Vec<Paragraf> {
    cell.paragraf
        .iter()
        .filter(|q| !q.teks.trim().is_empty())
        .cloned()
        .collect()
}

/// Whether a cell holds only the separator some books type in a cell of its own
/// between a label and its value (`:`, `=`). A lone "-" is not one: in a value cell it
/// means the value is empty.
pub fn pemisah(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, ':' | '=' | '\u{FF1A}') || c.is_whitespace())
}

/// The lines of a signer block typed one to a row under the first: the rows below the
/// value's cell that hold text only within its columns, over blank rows (the space for
/// the wet signature), up to a label, a page break, or the NIP line. Added to `v`.
pub fn baris_penanda_tangan(ix: &Indeks, v: &mut Nilai) {
    let nip = |v: &Nilai| {
        v.baris
            .last()
            .is_some_and(|p| p.teks.trim().to_uppercase().starts_with("NIP"))
    };
    let Some(&(r0, c0)) = v.sel.last() else {
        return;
    };
    let Some(cell) = ix.baris(r0).sel.get(c0) else {
        return;
    };
    let span = cell.kolom..cell.kolom + cell.lebar;
    let mut at = r0;
    let mut blanks = 0;
    while !nip(&*v) {
        let Some(next) = ix.berikut(at) else { break };
        let b = ix.baris(next);
        if b.putus || ix.baris_berlabel(next) {
            break;
        }
        let filled: Vec<(usize, &Sel)> = b
            .sel
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.teks().is_empty())
            .collect();
        if filled.is_empty() {
            blanks += 1;
            if blanks > BARIS_TTD_KOSONG_MAKS {
                break;
            }
            at = next;
            continue;
        }
        if !filled.iter().all(|(_, s)| span.contains(&s.kolom)) {
            break;
        }
        for (c, s) in filled {
            v.baris.extend(lines(s));
            v.sel.push((next, c));
        }
        at = next;
    }
}

/// Whether a cell is a flow table's header ("Kegiatan", "Pelaksana").
fn header_cell(cell: &Sel) -> bool {
    super::label::kepala(&cell.teks()).is_some()
}

#[cfg(test)]
mod tests {
    use super::pemisah;

    #[test]
    fn a_colon_alone_is_a_separator_and_a_dash_is_a_value() {
        for sep in [":", " : ", "=", "::", "\u{FF1A}"] {
            assert!(pemisah(sep), "{sep:?}");
        }
        for value in ["-", "", "1", ": 1", "Kepala Dinas", "."] {
            assert!(!pemisah(value), "{value:?}");
        }
    }
}
