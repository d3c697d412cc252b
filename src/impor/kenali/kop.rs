//! The kop: its fields found by their labels, the signer's lines read apart, the
//! instansi lines (cells of the kop table that hold no label, or the lines above it;
//! the unit is the last), and the logo drawn in it.

use super::label::{Jenis, Kop};
use super::nilai::{baris_penanda_tangan, nilai};
use super::{Indeks, Logo, Tanggal, Temuan, tanggal_ke};
use crate::impor::dokumen::{Emu, Tegak, rapikan};

/// The kop labels of one SOP: indices into [`Indeks::label`].
#[derive(Debug, Clone, Default)]
pub struct Kluster {
    /// Its labels.
    pub label: Vec<usize>,
}

/// The most rows above a kop in a sheet that may hold its instansi lines.
const BARIS_ATAS_MAKS: usize = 8;

/// The kop clusters of the document: kop labels that follow each other with no grid
/// box or flow table between and no field twice. A cluster with the SOP's number or
/// name, or two fields or more, is an SOP's kop.
pub fn kluster(ix: &Indeks) -> Vec<Kluster> {
    let mut breaks: Vec<usize> = ix
        .label
        .iter()
        .filter(|l| matches!(l.jenis, Jenis::Kotak(_)))
        .map(|l| l.baris)
        .chain(ix.kepala.iter().copied())
        .collect();
    breaks.sort_unstable();
    let between = |a: usize, b: usize| {
        let i = breaks.partition_point(|&r| r <= a);
        breaks.get(i).is_some_and(|&r| r < b)
    };
    let mut out: Vec<Kluster> = Vec::new();
    let mut cur = Kluster::default();
    let mut seen: Vec<Kop> = Vec::new();
    let mut last_row = 0;
    for (i, l) in ix.label.iter().enumerate() {
        let Jenis::Kop(k) = l.jenis else { continue };
        let split = !cur.label.is_empty() && (seen.contains(&k) || between(last_row, l.baris));
        if split {
            out.push(std::mem::take(&mut cur));
            seen.clear();
        }
        cur.label.push(i);
        seen.push(k);
        last_row = l.baris;
    }
    if !cur.label.is_empty() {
        out.push(cur);
    }
    out.retain(|c| {
        let kinds: Vec<Jenis> = c.label.iter().map(|&i| ix.label[i].jenis).collect();
        kinds.contains(&Jenis::Kop(Kop::Nomor))
            || kinds.contains(&Jenis::Kop(Kop::Nama))
            || kinds.len() >= 2
    });
    out
}

/// The table the kop's labels are in, and outside a nested one: the table whose rows
/// hold the kop.
fn kop_table(ix: &Indeks, k: &Kluster) -> Option<usize> {
    let first = &ix.label[*k.label.first()?];
    let mut t = ix.baris(first.baris).tabel?;
    for _ in 0..8 {
        match ix.doc.tabel[t].induk {
            Some((r, _)) => t = ix.baris(r).tabel?,
            None => break,
        }
    }
    Some(t)
}

/// Whether a table is a Word table (an Excel sheet is one table of everything).
fn word(ix: &Indeks, t: usize) -> bool {
    ix.doc.tabel[t].kanvas == 0
}

/// The first row of an SOP: its kop table's first row in Word, its first label's row
/// in a sheet.
pub fn awal(ix: &Indeks, k: &Kluster) -> usize {
    let first = k
        .label
        .iter()
        .map(|&i| ix.label[i].baris)
        .min()
        .unwrap_or(0);
    match kop_table(ix, k) {
        Some(t) if word(ix, t) => ix.baris_tabel[t]
            .first()
            .copied()
            .unwrap_or(first)
            .min(first),
        _ => first,
    }
}

/// Where the kop lies, for its logo.
#[derive(Debug, Clone, Default)]
pub struct Tempat {
    /// Its rows.
    pub baris: Vec<usize>,
}

/// Reads the kop of cluster `k` into `t`: the fields and the signer. The instansi lines
/// are read by [`instansi`], once the grid and the flow have taken their cells.
pub fn baca(ix: &mut Indeks, k: &Kluster, t: &mut Temuan) {
    for &i in &k.label {
        let lab = ix.label[i].clone();
        let Jenis::Kop(kind) = lab.jenis else {
            continue;
        };
        let mut v = nilai(ix, &lab, kind == Kop::Disahkan);
        if kind == Kop::Disahkan
            && v.sel
                .last()
                .is_some_and(|&(r, c)| r == lab.baris && c != lab.sel)
        {
            // The signer block typed one line to a row, right of its label.
            baris_penanda_tangan(ix, &mut v);
        }
        ix.pakai(lab.baris, lab.sel);
        for &(r, c) in &v.sel {
            ix.pakai(r, c);
        }
        match kind {
            Kop::Nomor => t.nomor = v.teks(),
            Kop::Nama => t.nama = v.teks(),
            Kop::Disahkan => {
                let lines: Vec<String> = v.baris.iter().map(|p| rapikan(&p.teks)).collect();
                t.pengesahan = penanda_tangan(&lines);
            }
            _ => {
                if let Some(slot) = tanggal_ke(kind) {
                    t.tanggal[slot] = tanggal(&v.teks());
                }
            }
        }
    }
}

/// A date as found: an Excel serial number typed in a cell with no date format
/// (45728) is read as the date it counts, and marked.
fn tanggal(text: &str) -> Tanggal {
    let t = text.trim();
    if t.len() == 5
        && t.chars().all(|c| c.is_ascii_digit())
        && let Ok(n) = t.parse::<i64>()
        && (20_000..=80_000).contains(&n)
    {
        let (y, m, d) = serial(n);
        return Tanggal {
            teks: format!("{y:04}-{m:02}-{d:02}"),
            tebakan: Some(format!(
                "tanggal dibaca dari angka seri Excel {t} (sel tanpa format tanggal)"
            )),
        };
    }
    Tanggal {
        teks: t.to_string(),
        tebakan: None,
    }
}

/// The date an Excel serial number counts (1900 system: day 1 is 1 January 1900, with
/// Excel's 29 February 1900).
fn serial(n: i64) -> (i64, i64, i64) {
    // Days from 1899-12-30, as a civil date (Howard Hinnant's algorithm).
    let z = n - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Reads the instansi lines of cluster `k` into `t`, and gives where the kop lies.
pub fn instansi(ix: &mut Indeks, k: &Kluster, start: usize, t: &mut Temuan) -> Tempat {
    let rows: Vec<usize> = k.label.iter().map(|&i| ix.label[i].baris).collect();
    let (first, last) = (
        rows.iter().copied().min().unwrap_or(start),
        rows.iter().copied().max().unwrap_or(start),
    );
    let mut cells: Vec<(usize, usize)> = Vec::new();
    let mut tempat = Tempat::default();
    match kop_table(ix, k) {
        Some(table) if word(ix, table) => {
            let table_rows = ix.baris_tabel[table].clone();
            // Bold lines typed above the kop table, up to an empty line or a page break.
            let mut above = Vec::new();
            let mut r = table_rows.first().copied().unwrap_or(first);
            let mut blanks = 0;
            while !ix.baris(r).putus && r > 0 {
                r -= 1;
                let b = ix.baris(r);
                if b.tabel.is_some() || ix.baris_berlabel(r) || ix.dipakai.contains(&(r, 0)) {
                    break;
                }
                if b.kosong() {
                    // An empty line or two between the lines and the table.
                    blanks += 1;
                    if above.is_empty() && blanks <= 2 {
                        continue;
                    }
                    break;
                }
                above.push(r);
            }
            above.reverse();
            cells.extend(above.iter().map(|&r| (r, 0)));
            tempat.baris.extend(above);
            for &r in table_rows.iter().filter(|&&r| r <= last) {
                tempat.baris.push(r);
                for c in 0..ix.baris(r).sel.len() {
                    cells.push((r, c));
                }
            }
            // A nested kop table's rows, for the logo.
            for &i in &k.label {
                tempat.baris.push(ix.label[i].baris);
            }
        }
        Some(_) => {
            // A sheet: the lines left of the labels in the kop's rows, and the rows
            // just above it that no SOP has taken.
            let label_col = k
                .label
                .iter()
                .map(|&i| {
                    let l = &ix.label[i];
                    ix.baris(l.baris).sel[l.sel].kolom
                })
                .min()
                .unwrap_or(0);
            let mut above = Vec::new();
            let mut r = first;
            for _ in 0..BARIS_ATAS_MAKS {
                if ix.baris(r).putus || ix.pos[r] == 0 {
                    break;
                }
                let Some(&prev) = ix
                    .baris(r)
                    .tabel
                    .and_then(|tb| ix.baris_tabel[tb].get(ix.pos[r] - 1))
                else {
                    break;
                };
                let b = ix.baris(prev);
                let taken = (0..b.sel.len()).any(|c| ix.dipakai.contains(&(prev, c)));
                if taken || ix.baris_berlabel(prev) {
                    break;
                }
                above.push(prev);
                r = prev;
            }
            above.reverse();
            for &r in &above {
                for c in 0..ix.baris(r).sel.len() {
                    cells.push((r, c));
                }
            }
            tempat.baris.extend(above);
            let sheet_rows: Vec<usize> = (first..=last)
                .filter(|&r| ix.baris(r).tabel == ix.baris(first).tabel)
                .collect();
            for &r in &sheet_rows {
                for (c, s) in ix.baris(r).sel.iter().enumerate() {
                    if s.kolom < label_col {
                        cells.push((r, c));
                    }
                }
            }
            tempat.baris.extend(sheet_rows);
        }
        None => {
            // Typed lines outside tables: the lines just above the first label.
            let mut r = first;
            let mut above = Vec::new();
            while r > start.min(first) && !ix.baris(r).putus {
                r -= 1;
                let b = ix.baris(r);
                if b.kosong() || ix.baris_berlabel(r) {
                    break;
                }
                above.push(r);
            }
            above.reverse();
            cells.extend(above.iter().map(|&r| (r, 0)));
            tempat.baris.extend(above);
            tempat.baris.extend(first..=last);
        }
    }
    let mut lines = Vec::new();
    for (r, c) in cells {
        if ix.dipakai.contains(&(r, c)) || ix.label_di(r, c) {
            continue;
        }
        let Some(sel) = ix.baris(r).sel.get(c) else {
            continue;
        };
        let found = sel.baris();
        if found.is_empty() {
            continue;
        }
        // A title banner over the kop names the document, not the instansi.
        lines.extend(found.into_iter().filter(|l| !judul_dokumen(l)));
        ix.pakai(r, c);
    }
    lines.retain(|l| !l.chars().all(|c| !c.is_alphanumeric()));
    if let Some((unit, rest)) = lines.split_last() {
        t.unit = unit.clone();
        t.instansi = rest.to_vec();
    }
    tempat
}

/// Whether a kop line is the document's title ("STANDAR OPERASIONAL PROSEDUR (SOP)")
/// rather than an instansi line.
fn judul_dokumen(line: &str) -> bool {
    let words: Vec<String> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_uppercase)
        .collect();
    matches!(
        words.join(" ").as_str(),
        "STANDAR OPERASIONAL PROSEDUR" | "STANDAR OPERASIONAL PROSEDUR SOP" | "SOP"
    )
}

/// The kop's logo: the first PNG or JPEG picture anchored in the kop's rows (Word) or
/// lying over them (Excel).
pub fn logo(ix: &Indeks, tempat: &Tempat, t: &mut Temuan) {
    let rows = &tempat.baris;
    let span = rows
        .iter()
        .filter_map(|&r| ix.baris(r).tinggi)
        .fold(None::<(Emu, Emu)>, |acc, (a, b)| {
            Some(acc.map_or((a, b), |(x, y)| (x.min(a), y.max(b))))
        });
    let sheet = rows
        .first()
        .and_then(|&r| ix.baris(r).tabel)
        .map(|tb| ix.doc.tabel[tb].kanvas)
        .unwrap_or(0);
    let mut other = None;
    for g in &ix.doc.gambar {
        let here = match (g.letak.jangkar, span, g.letak.y) {
            (Some(r), _, _) => rows.contains(&r),
            (None, Some((top, bottom)), Tegak::Mutlak(y)) => {
                g.letak.kanvas == sheet && {
                    let mid = y + g.letak.tinggi / 2;
                    (top..=bottom).contains(&mid)
                }
            }
            _ => false,
        };
        if !here {
            continue;
        }
        match sniff(&g.data) {
            Some(jenis) => {
                t.logo = Some(Logo {
                    data: g.data.clone(),
                    jenis,
                });
                return;
            }
            None => other = Some(g.jenis.to_uppercase()),
        }
    }
    if let Some(kind) = other {
        t.lewat.push(format!(
            "logo di kop berformat {kind}, yang tidak dapat dicetak; simpan logo sebagai \
             .png lalu tulis logo = \"logo.png\" di [instansi]"
        ));
    }
}

/// PNG or JPEG, by content.
fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else {
        None
    }
}

/// Words of a pangkat or golongan line.
const PANGKAT: [&str; 9] = [
    "PEMBINA", "PENATA", "PENGATUR", "JURU", "GOLONGAN", "GOL.", "IV/", "III/", "IV.",
];

/// The signer's lines read apart: jabatan (one line or more), nama, pangkat, and the
/// NIP as digits.
pub fn penanda_tangan(lines: &[String]) -> [String; 4] {
    let mut out: [String; 4] = Default::default();
    let mut rest: Vec<String> = Vec::new();
    for l in lines {
        let t = l.trim();
        let upper = t.to_uppercase();
        if upper.starts_with("NIP") {
            out[3] = t.chars().filter(char::is_ascii_digit).collect();
        } else if !t.is_empty() {
            rest.push(t.trim_end_matches(',').trim().to_string());
        }
    }
    let is_pangkat = |s: &str| {
        let u = s.to_uppercase();
        PANGKAT.iter().any(|w| u.contains(w))
            || u.contains("(IV")
            || u.contains("(III")
            || u.contains("/ IV")
            || u.contains("/ III")
    };
    if rest.last().is_some_and(|l| is_pangkat(l)) && rest.len() >= 2 {
        out[2] = rest.pop().unwrap_or_default();
    }
    match rest.len() {
        0 => {}
        1 => out[0] = rest.remove(0),
        n => {
            out[1] = rest.pop().unwrap_or_default();
            out[0] = rest[..n - 1].join(" ");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signer_block_reads_into_its_parts() {
        let lines: Vec<String> = [
            "Kepala Dinas,",
            "GUNSONO MEKSON, SE, MM",
            "Pembina Utama Muda / IV.c",
            "NIP. 19691016 199503 1 001",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            penanda_tangan(&lines),
            [
                "Kepala Dinas".to_string(),
                "GUNSONO MEKSON, SE, MM".into(),
                "Pembina Utama Muda / IV.c".into(),
                "196910161995031001".into()
            ]
        );
        let only = penanda_tangan(&["Kepala Dinas Koperasi".to_string()]);
        assert_eq!(only[0], "Kepala Dinas Koperasi");
        assert!(only[1].is_empty());
    }

    #[test]
    fn the_document_title_over_a_kop_is_not_an_instansi_line() {
        for title in [
            "STANDAR OPERASIONAL PROSEDUR",
            "Standar Operasional Prosedur (SOP)",
            "SOP",
        ] {
            assert!(judul_dokumen(title), "{title}");
        }
        for line in [
            "PEMERINTAH KABUPATEN MUARA ENIM",
            "STANDAR OPERASIONAL PROSEDUR PELAYANAN IZIN",
            "BIDANG PELAYANAN PERIZINAN",
        ] {
            assert!(!judul_dokumen(line), "{line}");
        }
    }

    #[test]
    fn excel_serial_numbers_are_dates_marked() {
        let t = tanggal("45728");
        assert_eq!(t.teks, "2025-03-12");
        assert!(t.tebakan.is_some());
        assert_eq!(serial(45384), (2024, 4, 2));
        let typed = tanggal("30 Agustus 2023");
        assert_eq!(typed.teks, "30 Agustus 2023");
        assert!(typed.tebakan.is_none());
    }
}
