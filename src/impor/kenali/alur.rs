//! The flow tables: found by their header (No, Kegiatan, Pelaksana over the lanes or
//! the lanes named in the header itself, Mutu Baku, Keterangan), their steps read row
//! by row. A step's lanes come from the shapes over its lane cells ([`super::bentuk`]),
//! else from the marks in them (X, x, √, ✓, v, •, or a filled cell); only without
//! either are they guessed ([`super::tebak`]). A decision's "Tidak" comes from the
//! connectors ([`super::sambung`]), else from the text.

use super::bentuk;
use super::label::{Kepala, kepala};
use super::{Alur, Asal, Indeks, Langkah, Temuan, pendek, sambung, tebak};
use crate::impor::dokumen::{Baris, Bentuk, Sel, rapikan};

/// Where a flow table's columns are (grid columns).
#[derive(Debug, Clone, Default)]
pub struct Kolom {
    /// The step number's.
    pub no: usize,
    /// Kegiatan's.
    pub kegiatan: usize,
    /// Each lane: its first grid column, how many it spans, its name.
    pub lajur: Vec<(usize, usize, String)>,
    /// Kelengkapan, waktu, output, keterangan.
    pub mutu: [Option<usize>; 4],
}

/// Whether a row is a flow table's header: it names the No and Kegiatan columns.
pub fn kepala_baris(b: &Baris) -> bool {
    let names: Vec<Option<Kepala>> = b.sel.iter().map(|s| kepala(&s.teks())).collect();
    names.contains(&Some(Kepala::No)) && names.contains(&Some(Kepala::Kegiatan))
}

/// A flow table being read.
struct Tabel {
    alur: Alur,
    kolom: Kolom,
    /// The header's first row.
    kepala: usize,
    /// Each step's row.
    baris: Vec<usize>,
    /// The table (Word) or sheet the header is in.
    tabel: usize,
}

/// Reads the flow tables whose headers lie in `rows` into `t`.
pub fn baca(ix: &mut Indeks, rows: std::ops::Range<usize>, t: &mut Temuan) {
    let headers: Vec<usize> = ix
        .kepala
        .iter()
        .copied()
        .filter(|r| rows.contains(r))
        .collect();
    let mut tables: Vec<Tabel> = Vec::new();
    let mut after_last = rows.start;
    for (n, &h) in headers.iter().enumerate() {
        let stop = headers.get(n + 1).copied().unwrap_or(rows.end);
        let title = judul(ix, after_last, h);
        let Some(table) = ix.baris(h).tabel else {
            continue;
        };
        let (kolom, header_rows) = kolom(ix, h);
        if kolom.lajur.is_empty() {
            t.lewat.push(format!(
                "tabel alur di {} tanpa kolom pelaksana; langkahnya tidak dibaca",
                ix.doc.tabel[table].nama
            ));
            continue;
        }
        for &r in &header_rows {
            for c in 0..ix.baris(r).sel.len() {
                ix.pakai(r, c);
            }
        }
        let steps = langkah(ix, &kolom, *header_rows.last().unwrap_or(&h), stop);
        if let Some(&(last, _)) = steps.last() {
            after_last = last + 1;
        }
        let lanes: Vec<String> = kolom.lajur.iter().map(|(_, _, n)| n.clone()).collect();
        // A header repeated on the next page goes on with the same table; a new title or
        // other lanes start the next sub-procedure.
        let continues = tables.last().is_some_and(|prev| {
            prev.alur.pelaksana == lanes && title.as_ref().is_none_or(|(_, t)| t.is_empty())
        });
        if !continues {
            tables.push(Tabel {
                alur: Alur {
                    judul: title.as_ref().map(|(_, t)| t.clone()).unwrap_or_default(),
                    pelaksana: lanes,
                    langkah: Vec::new(),
                },
                kolom: kolom.clone(),
                kepala: h,
                baris: Vec::new(),
                tabel: table,
            });
        }
        if let Some((r, _)) = title {
            ix.pakai(r, 0);
        }
        let Some(cur) = tables.last_mut() else {
            continue;
        };
        for (r, step) in steps {
            cur.baris.push(r);
            cur.alur.langkah.push(step);
        }
    }
    let region_end = rows.end;
    for i in 0..tables.len() {
        let from = if i == 0 {
            rows.start
        } else {
            tables[i - 1]
                .baris
                .last()
                .map_or(tables[i - 1].kepala, |r| r + 1)
        };
        let to = tables.get(i + 1).map_or(region_end, |n| n.kepala);
        let tb = &mut tables[i];
        lanes_and_flow(ix, tb, from..to, &mut t.lewat);
    }
    t.alur.extend(
        tables
            .into_iter()
            .map(|tb| tb.alur)
            .filter(|a| !a.langkah.is_empty()),
    );
}

/// Lanes from shapes or marks, decisions from connectors, and guesses for the rest.
fn lanes_and_flow(
    ix: &Indeks,
    tb: &mut Tabel,
    anchors: std::ops::Range<usize>,
    lewat: &mut Vec<String>,
) {
    let placed = bentuk::tempatkan(ix, tb.tabel, &tb.kolom, &tb.baris, anchors.clone(), lewat);
    let any_marks = tb.baris.iter().any(|&r| {
        tb.kolom
            .lajur
            .iter()
            .any(|(col, _, _)| matches!(isi(ix.baris(r).di(*col)), Isi::Tanda | Isi::Arsir))
    });
    for (i, step) in tb.alur.langkah.iter_mut().enumerate() {
        let shapes = &placed.per_langkah[i];
        if !shapes.is_empty() {
            let (lanes, kind) = bentuk::lajur(ix, &placed, shapes, tb.tabel, &tb.kolom);
            if !lanes.is_empty() {
                step.pelaksana = lanes;
                step.bentuk = kind;
                step.asal = Asal::Bentuk;
                continue;
            }
        }
        let (marked, ragu) = tanda(ix, tb.baris[i], &tb.kolom);
        step.ragu = ragu;
        if !marked.is_empty() {
            step.pelaksana = marked;
            step.asal = Asal::Tanda;
        } else if any_marks && step.ragu.is_empty() {
            step.ragu.push(format!(
                "tidak ada tanda di sel pelaksananya ({}), padahal langkah lain bertanda",
                tempat(ix, tb.baris[i], None)
            ));
        }
    }
    let drawn = sambung::tujuan(ix, &placed, tb.alur.langkah.len(), anchors);
    tebak::lengkapi(&mut tb.alur, &drawn);
}

/// What a lane cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Isi {
    Kosong,
    /// Only a mark (X, √, ✓, v, •...).
    Tanda,
    /// No text, filled with a colour.
    Arsir,
    /// Text that is not a mark.
    Lain(String),
}

fn isi(sel: Option<&Sel>) -> Isi {
    let Some(sel) = sel else { return Isi::Kosong };
    let text: String = sel.teks().chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return if sel.arsir { Isi::Arsir } else { Isi::Kosong };
    }
    if tanda_saja(&text) {
        Isi::Tanda
    } else {
        Isi::Lain(sel.teks())
    }
}

/// Whether `text` (no spaces) is only a mark.
fn tanda_saja(text: &str) -> bool {
    text.chars().count() <= 3
        && text.chars().all(|c| {
            matches!(
                c,
                'X' | 'x'
                    | '×'
                    | '✕'
                    | '✖'
                    | '✗'
                    | '✘'
                    | '√'
                    | '✓'
                    | '✔'
                    | 'v'
                    | 'V'
                    | '•'
                    | '●'
                    | '○'
                    | '■'
                    | '□'
                    | '▪'
                    | '◆'
                    | '☑'
                    | '☒'
                    | '*'
                    | '+'
            )
        })
}

/// The lanes marked in step row `r`, and what in its lane cells is unclear (with where
/// it is). A lane cell holding other text is not taken as a mark; nor are filled cells
/// when every lane of the row is filled (a shaded row, not a choice of lanes).
fn tanda(ix: &Indeks, r: usize, k: &Kolom) -> (Vec<String>, Vec<String>) {
    let row = ix.baris(r);
    let mut marked = Vec::new();
    let mut shaded = Vec::new();
    let mut ragu = Vec::new();
    for (col, _, name) in &k.lajur {
        match isi(row.di(*col)) {
            Isi::Tanda => marked.push(name.clone()),
            Isi::Arsir => shaded.push(name.clone()),
            Isi::Lain(text) => ragu.push(format!(
                "sel pelaksana \"{name}\" ({}) berisi \"{}\", bukan tanda (X, √, ✓, v, •): \
                 pelaksana langkah ini tidak diambil dari sel itu",
                tempat(ix, r, Some(*col)),
                pendek(&text)
            )),
            Isi::Kosong => {}
        }
    }
    if k.lajur.len() > 1 && shaded.len() == k.lajur.len() {
        ragu.push(format!(
            "semua sel pelaksana berarsir ({}): arsir itu tampaknya hiasan baris, bukan \
             tanda pelaksana",
            tempat(ix, r, None)
        ));
        shaded.clear();
    }
    marked.extend(shaded);
    // Keep the lanes' order.
    let order: Vec<String> = k
        .lajur
        .iter()
        .map(|(_, _, n)| n.clone())
        .filter(|n| marked.contains(n))
        .collect();
    (order, ragu)
}

/// Where row `r` (and grid column `col`) is in the source file, for a message:
/// `tabel 3, baris 5` (Word) or `lembar "Alur", sel E12` (Excel).
pub(super) fn tempat(ix: &Indeks, r: usize, col: Option<usize>) -> String {
    let row = ix.baris(r);
    let table = row
        .tabel
        .map(|t| ix.doc.tabel[t].nama.clone())
        .unwrap_or_default();
    match (row.nomor, col) {
        (Some(n), Some(c)) => format!("{table}, sel {}{n}", huruf_kolom(c)),
        (Some(n), None) => format!("{table}, baris {n}"),
        (None, _) => format!("{table}, baris {}", ix.pos[r] + 1),
    }
}

/// A sheet's column letters for 0-based column `c`: A, ..., Z, AA, ...
fn huruf_kolom(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The title above a flow table: the last line of text between `from` and the header
/// `h` that no label or other table holds.
fn judul(ix: &Indeks, from: usize, h: usize) -> Option<(usize, String)> {
    (from..h).rev().find_map(|r| {
        let b = ix.baris(r);
        let texts: Vec<&Sel> = b.sel.iter().filter(|s| !s.teks().is_empty()).collect();
        match texts.as_slice() {
            [only]
                if !ix.baris_berlabel(r)
                    && !ix.dipakai.contains(&(r, 0))
                    && b.sel.len() == 1
                    && !only
                        .teks()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c.is_whitespace()) =>
            {
                Some((r, only.teks()))
            }
            [only]
                if b.tabel.is_some()
                    && ix.doc.tabel[b.tabel?].kanvas > 0
                    && !ix.baris_berlabel(r) =>
            {
                Some((r, only.teks()))
            }
            _ => None,
        }
    })
}

/// The columns of the flow table whose header starts at row `h`, and the header's rows:
/// two when a "Pelaksana" cell spans the lanes named in the row below; one when the
/// lanes are named between Kegiatan and Mutu Baku in the header itself.
fn kolom(ix: &Indeks, h: usize) -> (Kolom, Vec<usize>) {
    let first = ix.baris(h);
    let find = |row: &Baris, what: Kepala| {
        row.sel
            .iter()
            .find(|s| kepala(&s.teks()) == Some(what))
            .cloned()
    };
    let mut k = Kolom {
        no: find(first, Kepala::No).map_or(0, |s| s.kolom),
        kegiatan: find(first, Kepala::Kegiatan).map_or(1, |s| s.kolom),
        ..Kolom::default()
    };
    let mut rows = vec![h];
    let second = ix.berikut(h).map(|r| (r, ix.baris(r)));
    match (find(first, Kepala::Pelaksana), second) {
        (Some(lanes), Some((r2, row2))) => {
            rows.push(r2);
            for cell in &row2.sel {
                let name = rapikan(&cell.teks());
                if lanes.memuat(cell.kolom) && !name.is_empty() && !cell.lanjutan {
                    k.lajur.push((cell.kolom, cell.lebar.max(1), name));
                }
            }
            for (slot, what) in [
                Kepala::Kelengkapan,
                Kepala::Waktu,
                Kepala::Output,
                Kepala::Keterangan,
            ]
            .into_iter()
            .enumerate()
            {
                k.mutu[slot] = find(row2, what)
                    .or_else(|| find(first, what))
                    .map(|s| s.kolom);
            }
        }
        _ => {
            let mut after = false;
            for cell in &first.sel {
                let what = kepala(&cell.teks());
                if what == Some(Kepala::Kegiatan) {
                    after = true;
                    continue;
                }
                if matches!(
                    what,
                    Some(
                        Kepala::MutuBaku
                            | Kepala::Kelengkapan
                            | Kepala::Waktu
                            | Kepala::Output
                            | Kepala::Keterangan
                    )
                ) {
                    after = false;
                }
                let name = rapikan(&cell.teks());
                if after && what.is_none() && !name.is_empty() {
                    k.lajur.push((cell.kolom, cell.lebar.max(1), name));
                }
            }
            for (slot, what) in [
                Kepala::Kelengkapan,
                Kepala::Waktu,
                Kepala::Output,
                Kepala::Keterangan,
            ]
            .into_iter()
            .enumerate()
            {
                k.mutu[slot] = find(first, what).map(|s| s.kolom);
            }
        }
    }
    (k, rows)
}

/// The step rows after the header's last row `h`, up to `stop`: rows with a number in
/// the No column and text in Kegiatan. In a sheet the steps end at the first row of
/// something else.
fn langkah(ix: &mut Indeks, k: &Kolom, h: usize, stop: usize) -> Vec<(usize, Langkah)> {
    let mut out = Vec::new();
    let mut at = h;
    let sheet = ix
        .baris(h)
        .tabel
        .is_some_and(|t| ix.doc.tabel[t].kanvas > 0);
    while let Some(r) = ix.berikut(at) {
        if r >= stop {
            break;
        }
        at = r;
        let row = ix.baris(r);
        match step_row(k, row) {
            Some(step) => {
                for c in 0..row.sel.len() {
                    ix.pakai(r, c);
                }
                out.push((r, Langkah { baris: r, ..step }));
            }
            None if row.kosong() => continue,
            None if sheet || ix.baris_berlabel(r) => break,
            None => continue,
        }
    }
    out
}

/// A step row: a number in the No column and text in Kegiatan.
fn step_row(k: &Kolom, row: &Baris) -> Option<Langkah> {
    let no = row.di(k.no)?.teks();
    let digits = no.trim().trim_end_matches(['.', ')']);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let kegiatan = row.di(k.kegiatan).map(Sel::teks).unwrap_or_default();
    if kegiatan.is_empty() || kegiatan.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut step = Langkah {
        kegiatan,
        ..Langkah::default()
    };
    for (slot, col) in k.mutu.iter().enumerate() {
        if let Some(c) = col.and_then(|c| row.di(c)) {
            step.mutu[slot] = c.baris().into_iter().filter(|l| l != "-").collect();
        }
    }
    Some(step)
}

/// What a shape kind says of a step, for the summary.
pub fn nama_bentuk(b: Option<Bentuk>) -> &'static str {
    match b {
        Some(Bentuk::Keputusan) => "belah ketupat",
        Some(Bentuk::Kapsul) => "kapsul",
        Some(Bentuk::Proses) => "kotak",
        None => "tanpa bentuk",
    }
}
