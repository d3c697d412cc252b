//! Finding the SOPs in a document's rows: each kop (NOMOR SOP … NAMA SOP) starts an SOP;
//! the grid cells are found by their labels; the flow table by its header (No,
//! Kegiatan, Pelaksana, Mutu Baku). Lanes and symbols come from the shapes; where there
//! are none, and for every decision's "Tidak", from the Kegiatan text, and each such
//! guess is kept to be marked in the file.

use super::tabel::{Baris, Bentuk, Sel, label, rapikan};
use crate::grid;

/// One SOP found in the document.
#[derive(Debug, Clone, Default)]
pub struct Temuan {
    /// Kop lines above the unit (pemerintah, dinas).
    pub instansi: Vec<String>,
    /// The unit, the kop's last line.
    pub unit: String,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// The three dates as written ("23 Januari 2024", "-").
    pub tanggal: [String; 3],
    /// The signer: jabatan, nama, pangkat, NIP (digits).
    pub pengesahan: [String; 4],
    /// Grid lists by key.
    pub grid: Vec<(&'static str, Vec<String>)>,
    /// The flow tables: one, or one per sub-procedure.
    pub alur: Vec<Alur>,
}

/// One flow table: a sub-procedure when the SOP has several.
#[derive(Debug, Clone, Default)]
pub struct Alur {
    /// The title printed above it (a sub-procedure's judul).
    pub judul: String,
    /// Lane names, left to right.
    pub pelaksana: Vec<String>,
    /// The steps.
    pub langkah: Vec<Langkah>,
}

/// One step of the flow table.
#[derive(Debug, Clone, Default)]
pub struct Langkah {
    /// Kegiatan.
    pub kegiatan: String,
    /// Its lanes (several for a joint step).
    pub pelaksana: Vec<String>,
    /// Whether its lanes were guessed from the text.
    pub pelaksana_ditebak: bool,
    /// Its symbol, when a shape gave it.
    pub bentuk: Option<Bentuk>,
    /// For a decision: the step "Tidak" goes to (0-based), and why it was guessed;
    /// no reason when an arrow in the file says so.
    pub tidak: Option<(usize, Option<String>)>,
    /// Arrows leaving this step's row, in rows (see [`Baris::panah`]).
    pub panah: Vec<i64>,
    /// The step's row in the document.
    pub baris: usize,
    /// Kelengkapan, waktu, output, keterangan.
    pub mutu: [Vec<String>; 4],
}

/// Where the flow table's columns are.
#[derive(Debug, Clone, Default)]
struct Kolom {
    no: usize,
    kegiatan: usize,
    lanes: Vec<(usize, String)>,
    mutu: [Option<usize>; 4],
}

/// The SOPs in `rows`, in order.
pub fn sops(rows: &[Baris]) -> Vec<Temuan> {
    let mut out: Vec<Temuan> = Vec::new();
    let mut kolom: Option<Kolom> = None;
    // A one-cell row since the last step: the title of the table that follows.
    let mut title: Option<String> = None;
    let mut i = 0;
    while i < rows.len() {
        let row = &rows[i];
        let labels: Vec<String> = row.sel.iter().map(|s| label(&s.teks())).collect();
        if labels
            .iter()
            .any(|l| matches!(l.as_str(), "NOMOR SOP" | "NO SOP" | "NO. SOP"))
        {
            out.push(Temuan::default());
            kolom = None;
            title = None;
        }
        let Some(sop) = out.last_mut() else {
            i += 1;
            continue;
        };
        if kop_row(sop, row) {
            i += 1;
            continue;
        }
        grid_cells(sop, row);
        if labels.iter().any(|l| l == "KEGIATAN")
            && labels.iter().any(|l| l == "PELAKSANA")
            && let Some(next) = rows.get(i + 1)
        {
            let k = header(row, next);
            let lanes: Vec<String> = k.lanes.iter().map(|(_, n)| n.clone()).collect();
            // A header repeated on the next page continues the table; a new title or
            // other lanes start the next sub-procedure.
            let continues = sop
                .alur
                .last()
                .is_some_and(|a| a.langkah.is_empty() || (a.pelaksana == lanes && title.is_none()));
            if !continues {
                sop.alur.push(Alur::default());
            }
            if let Some(a) = sop.alur.last_mut() {
                if let Some(t) = title.take() {
                    a.judul = t;
                }
                a.pelaksana = lanes;
            }
            kolom = Some(k);
            i += 2;
            continue;
        }
        let step = kolom.as_ref().and_then(|k| step_row(k, row));
        match step {
            Some(mut step) => {
                step.panah = row.panah.clone();
                step.baris = i;
                if let Some(a) = sop.alur.last_mut() {
                    a.langkah.push(step);
                }
                title = None;
            }
            None => {
                let texts: Vec<&Sel> = row.sel.iter().filter(|s| !s.baris.is_empty()).collect();
                if let [only] = texts.as_slice()
                    && !only
                        .teks()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c.is_whitespace())
                {
                    title = Some(only.teks());
                }
            }
        }
        i += 1;
    }
    for sop in &mut out {
        for alur in &mut sop.alur {
            infer(alur);
        }
        sop.alur.retain(|a| !a.langkah.is_empty());
    }
    out.retain(|s| !s.nomor.is_empty() || !s.alur.is_empty());
    out
}

/// The value beside a label cell: the next cell to its right with text.
fn value_after(row: &Baris, at: usize) -> Option<&Sel> {
    row.sel[at + 1..].iter().find(|s| !s.baris.is_empty())
}

/// Reads a kop row; true when it was one.
fn kop_row(sop: &mut Temuan, row: &Baris) -> bool {
    let mut found = false;
    for (k, cell) in row.sel.iter().enumerate() {
        let l = label(&cell.teks());
        let slot = match l.as_str() {
            "NOMOR SOP" | "NO SOP" | "NO. SOP" => 0,
            "TANGGAL PEMBUATAN" | "TGL PEMBUATAN" => 1,
            "TANGGAL REVISI" | "TGL REVISI" => 2,
            "TANGGAL EFEKTIF" | "TGL EFEKTIF" => 3,
            "DISAHKAN OLEH" => 4,
            "NAMA SOP" => 5,
            _ => continue,
        };
        found = true;
        if slot == 0 && k > 0 && sop.instansi.is_empty() {
            // The kop's left cell: the instansi lines, the unit last.
            let left: Vec<String> = row.sel[..k].iter().flat_map(|s| s.baris.clone()).collect();
            if let Some((unit, baris)) = left.split_last() {
                sop.unit = unit.clone();
                sop.instansi = baris.to_vec();
            }
        }
        let Some(value) = value_after(row, k) else {
            continue;
        };
        match slot {
            0 => sop.nomor = value.teks(),
            1..=3 => sop.tanggal[slot - 1] = value.teks(),
            4 => sop.pengesahan = signer(&value.baris),
            _ => sop.nama = value.teks(),
        }
    }
    found
}

/// The signer's lines: jabatan, nama, pangkat, and the NIP as digits.
fn signer(lines: &[String]) -> [String; 4] {
    let mut out: [String; 4] = Default::default();
    let mut rest: Vec<&str> = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.to_uppercase().starts_with("NIP") {
            out[3] = t.chars().filter(char::is_ascii_digit).collect();
        } else if !t.is_empty() {
            rest.push(t);
        }
    }
    for (slot, t) in rest.into_iter().take(3).enumerate() {
        out[slot] = t.trim_end_matches(',').trim().to_string();
    }
    out
}

/// Reads grid cells: a cell whose first line is a grid label holds that list.
fn grid_cells(sop: &mut Temuan, row: &Baris) {
    for cell in &row.sel {
        let Some(first) = cell.baris.first() else {
            continue;
        };
        let head = label(first).replace(" / ", "/");
        let Some(key) = grid_key(&head) else {
            continue;
        };
        let items = items(&cell.baris[1..]);
        sop.grid.retain(|(k, _)| *k != key);
        sop.grid.push((key, items));
    }
}

/// The key of the grid box whose printed label is `head` (upper case, as [`label`]
/// makes it).
fn grid_key(head: &str) -> Option<&'static str> {
    grid::KOTAK
        .iter()
        .find(|k| label(k.label) == head)
        .map(|k| k.kunci)
}

/// A numbered list written as paragraphs ("1. ...") or run together in one
/// ("1. ... 2. ..."): the items without their numbers; "-" is none.
pub fn items(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        for item in split_numbered(line) {
            let t = strip_number(&item);
            if !t.is_empty() && t != "-" {
                out.push(t);
            }
        }
    }
    out
}

/// Splits "1. a 2. b" into "1. a" and "2. b", only at numbers that follow in sequence.
fn split_numbered(line: &str) -> Vec<String> {
    let Some(first) = number_at(line, 0) else {
        return vec![line.to_string()];
    };
    let mut cuts = vec![0];
    let mut next = first.0 + 1;
    let bytes = line.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i - 1] == b' '
            && let Some((n, _)) = number_at(line, i)
            && n == next
        {
            cuts.push(i);
            next += 1;
        }
        i += 1;
    }
    cuts.push(line.len());
    cuts.windows(2)
        .map(|w| line[w[0]..w[1]].trim().to_string())
        .collect()
}

/// A list number ("12." or "12)") followed by a space at byte `at`: the number and the
/// length of the mark.
fn number_at(line: &str, at: usize) -> Option<(u32, usize)> {
    let rest = line.get(at..)?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let after = &rest[digits..];
    (after.starts_with(". ") || after.starts_with(") "))
        .then(|| rest[..digits].parse().ok().map(|n| (n, digits + 2)))?
}

fn strip_number(item: &str) -> String {
    match number_at(item, 0) {
        Some((_, len)) => rapikan(&item[len..]),
        None => rapikan(item),
    }
}

/// The flow table's columns from its two header rows.
fn find<'r>(row: &'r Baris, name: &str) -> Option<&'r Sel> {
    row.sel.iter().find(|s| label(&s.teks()) == name)
}

fn header(first: &Baris, second: &Baris) -> Kolom {
    let mut k = Kolom {
        no: find(first, "NO").map_or(0, |s| s.kolom),
        kegiatan: find(first, "KEGIATAN").map_or(1, |s| s.kolom),
        ..Kolom::default()
    };
    let lanes = find(first, "PELAKSANA").cloned().unwrap_or_default();
    for cell in &second.sel {
        let name = rapikan(&cell.teks());
        if lanes.memuat(cell.kolom) && !name.is_empty() {
            k.lanes.push((cell.kolom, name));
        }
    }
    for (slot, name) in ["KELENGKAPAN", "WAKTU", "OUTPUT"].iter().enumerate() {
        k.mutu[slot] = find(second, name)
            .or_else(|| find(first, name))
            .map(|s| s.kolom);
    }
    k.mutu[3] = find(first, "KETERANGAN")
        .or_else(|| find(second, "KETERANGAN"))
        .map(|s| s.kolom);
    k
}

/// A step row: a number in the No column and text in Kegiatan.
fn step_row(k: &Kolom, row: &Baris) -> Option<Langkah> {
    let at = |col: usize| row.sel.iter().find(|s| s.memuat(col) && !s.lanjutan);
    let no = at(k.no)?.teks();
    if no.is_empty() || !no.trim_end_matches('.').chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let kegiatan = at(k.kegiatan).map(Sel::teks).unwrap_or_default();
    if kegiatan.is_empty() || kegiatan.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut step = Langkah {
        kegiatan,
        ..Langkah::default()
    };
    for s in &row.simbol {
        if let Some((_, name)) = k.lanes.iter().find(|(c, _)| *c == s.kolom)
            && !step.pelaksana.contains(name)
        {
            step.pelaksana.push(name.clone());
            step.bentuk = Some(match (step.bentuk, s.bentuk) {
                (Some(Bentuk::Keputusan), _) | (_, Bentuk::Keputusan) => Bentuk::Keputusan,
                (_, b) => b,
            });
        }
    }
    for (slot, col) in k.mutu.iter().enumerate() {
        if let Some(c) = col.and_then(at) {
            step.mutu[slot] = c
                .baris
                .iter()
                .map(|l| rapikan(l))
                .filter(|l| l != "-" && !l.is_empty())
                .collect();
        }
    }
    Some(step)
}

/// Words that mark a step as a decision when the symbols are missing.
const DECISION_CUES: [&str; 10] = [
    "jika tidak",
    "apabila tidak",
    "bila tidak",
    "jika belum",
    "apabila belum",
    "bila belum",
    "tidak sesuai",
    "belum sesuai",
    "tidak lengkap",
    "ditolak",
];

/// Fills what the shapes did not give: lanes from the text, decisions without a
/// diamond, and every decision's "Tidak" target.
fn infer(sop: &mut Alur) {
    let shaped = sop.langkah.iter().any(|l| l.bentuk.is_some());
    let lanes = sop.pelaksana.clone();
    for i in 0..sop.langkah.len() {
        if sop.langkah[i].pelaksana.is_empty() && !lanes.is_empty() {
            let guess = actor(&sop.langkah, i, &lanes);
            let step = &mut sop.langkah[i];
            step.pelaksana = vec![guess];
            step.pelaksana_ditebak = true;
        }
        let text = sop.langkah[i].kegiatan.to_lowercase();
        let decision = match sop.langkah[i].bentuk {
            Some(b) => b == Bentuk::Keputusan,
            None => !shaped && DECISION_CUES.iter().any(|c| text.contains(c)),
        };
        if decision && i > 0 {
            sop.langkah[i].tidak = Some(match drawn_target(&sop.langkah, i) {
                Some(j) => (j, None),
                None => {
                    let (j, why) = back_target(&sop.langkah, i, &lanes);
                    (j, Some(why))
                }
            });
        }
    }
}

/// Where a decision's "Tidak" goes when the file's arrows say so unambiguously: the
/// one arrow from its row to a step other than the next.
fn drawn_target(steps: &[Langkah], i: usize) -> Option<usize> {
    let here = steps[i].baris as i64;
    let targets: Vec<usize> = steps[i]
        .panah
        .iter()
        .filter_map(|d| steps.iter().position(|s| s.baris as i64 == here + d))
        .filter(|&j| j != i + 1 && j != i)
        .collect();
    match targets.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The lane of step `i` guessed from the text: the one the step before hands its work
/// to or orders ("diserahkan kepada Kasubbag", "memerintahkan Anggota Tim"), else the
/// step before's lane, else the first lane.
fn actor(steps: &[Langkah], i: usize, lanes: &[String]) -> String {
    const HANDS_ON: [&str; 6] = [
        "kepada ",
        "ke ",
        "memerintahkan ",
        "menugaskan ",
        "mendisposisikan ",
        "untuk ",
    ];
    if i > 0
        && let Some(to) = named_after(&steps[i - 1].kegiatan, &HANDS_ON, lanes)
    {
        return to;
    }
    i.checked_sub(1)
        .and_then(|p| steps[p].pelaksana.first().cloned())
        .unwrap_or_else(|| lanes[0].clone())
}

/// The lane named right after the last of `cues` in `text` that is followed by one,
/// ignoring case: in "jika tidak, dikembalikan kepada A; jika setuju, diserahkan kepada
/// B" the work goes on to B.
fn named_after(text: &str, cues: &[&str], lanes: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    let refused = refusal_clauses(&lower);
    let mut best: Option<(usize, usize, &String)> = None;
    for cue in cues {
        for (at, _) in lower.match_indices(cue) {
            // "jika tidak, dikembalikan kepada A": A is where a refusal goes back to,
            // not who does the next step.
            if refused.iter().any(|r| r.contains(&at)) {
                continue;
            }
            let rest = &lower[at + cue.len()..];
            for lane in lanes {
                let name = lane.to_lowercase();
                let better =
                    best.is_none_or(|(pos, len, _)| at > pos || (at == pos && name.len() > len));
                if rest.starts_with(&name) && better {
                    best = Some((at, name.len(), lane));
                }
            }
        }
    }
    best.map(|(_, _, l)| l.clone())
}

/// The parts of a (lower-case) text that say what happens on a refusal: from "jika
/// tidak", "bila belum" and the like to the next "jika"/"bila"/"apabila" or the end.
fn refusal_clauses(lower: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for cue in DECISION_CUES
        .iter()
        .filter(|c| c.starts_with(['j', 'a', 'b']))
    {
        for (at, _) in lower.match_indices(cue) {
            let after = at + cue.len();
            let end = ["jika ", "bila ", "apabila "]
                .iter()
                .filter_map(|w| lower[after..].find(w).map(|p| after + p))
                .min()
                .unwrap_or(lower.len());
            out.push(at..end);
        }
    }
    out
}

/// Where a decision's "Tidak" goes, with the reason: the last earlier step of a lane
/// the text names ("dikembalikan kepada Kasubbag"), else the nearest earlier step of
/// another lane (the work goes back to who made it), else the step before.
fn back_target(steps: &[Langkah], i: usize, lanes: &[String]) -> (usize, String) {
    let text = steps[i].kegiatan.to_lowercase();
    let mut named: Option<&String> = None;
    for lane in lanes {
        let name = lane.to_lowercase();
        if text.contains(&name) && named.is_none_or(|n| name.len() > n.len()) {
            named = Some(lane);
        }
    }
    if let Some(lane) = named
        && let Some(j) = (0..i).rev().find(|&j| steps[j].pelaksana.contains(lane))
    {
        return (j, format!("teks kegiatan menyebut {lane}"));
    }
    let own = &steps[i].pelaksana;
    if let Some(j) = (0..i)
        .rev()
        .find(|&j| steps[j].pelaksana.iter().all(|p| !own.contains(p)))
    {
        return (
            j,
            "langkah sebelumnya dari pelaksana lain, yang biasanya membuat bahannya".into(),
        );
    }
    (i - 1, "langkah sebelumnya".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lists_split_only_in_sequence() {
        assert_eq!(
            items(&["1. UU No.8 Tahun 2001; 2. Perda No. 3 Tahun 2023".into()]),
            ["UU No.8 Tahun 2001;", "Perda No. 3 Tahun 2023"]
        );
        assert_eq!(items(&["1. satu".into(), "2. dua".into()]), ["satu", "dua"]);
        assert_eq!(items(&["-".into()]), Vec::<String>::new());
        assert_eq!(
            items(&["Disimpan sebagai arsip".into()]),
            ["Disimpan sebagai arsip"]
        );
    }

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
            signer(&lines),
            [
                "Kepala Dinas".to_string(),
                "GUNSONO MEKSON, SE, MM".into(),
                "Pembina Utama Muda / IV.c".into(),
                "196910161995031001".into()
            ]
        );
    }

    #[test]
    fn the_next_doer_is_not_where_a_refusal_goes_back() {
        let lanes = ["Kasubbag", "Sekretaris"].map(String::from).to_vec();
        let text = "Memeriksa konsep, jika tidak setuju dikembalikan kepada Kasubbag";
        assert_eq!(named_after(text, &["kepada "], &lanes), None);
        let text = "Memeriksa, jika tidak sesuai dikembalikan kepada Kasubbag, jika sesuai diserahkan kepada Sekretaris";
        assert_eq!(
            named_after(text, &["kepada "], &lanes).as_deref(),
            Some("Sekretaris")
        );
    }

    #[test]
    fn tidak_goes_back_to_the_lane_the_text_names() {
        let step = |k: &str, p: &str| Langkah {
            kegiatan: k.into(),
            pelaksana: vec![p.into()],
            ..Langkah::default()
        };
        let steps = [
            step("Menyusun konsep", "Kasubbag"),
            step("Meneruskan konsep", "Sekretaris"),
            step(
                "Memeriksa; jika tidak setuju dikembalikan kepada Kasubbag untuk diperbaiki",
                "Kepala Dinas",
            ),
        ];
        let lanes = ["Kasubbag", "Sekretaris", "Kepala Dinas"]
            .map(String::from)
            .to_vec();
        assert_eq!(back_target(&steps, 2, &lanes).0, 0);
        let steps = [
            steps[0].clone(),
            steps[1].clone(),
            step("Memeriksa, jika belum sesuai dikembalikan", "Kepala Dinas"),
        ];
        assert_eq!(back_target(&steps, 2, &lanes).0, 1);
    }
}
