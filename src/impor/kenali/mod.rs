//! The recogniser: finds the SOPs in a [`Dokumen`], whatever file it was read from.
//! Every label is found first ([`label`]), wherever it stands; a cluster of kop labels
//! starts an SOP; each label's value is looked for where books put it ([`nilai`]); the
//! kop and the signer ([`kop`]), the grid boxes ([`kotak`]) and the flow tables
//! ([`alur`]) are read from there. Lanes come from the shapes ([`bentuk`]) or the marks
//! in the lane cells; decisions from the connectors ([`sambung`]); only what the file
//! does not show is guessed from the text ([`tebak`]), and each guess is kept to be
//! marked. What was seen but could not be placed is kept too, to be named.

pub mod alur;
pub mod bentuk;
pub mod kop;
pub mod kotak;
pub mod label;
pub mod nilai;
pub mod sambung;
pub mod tebak;

use std::collections::HashSet;

use super::ImporError;
use super::dokumen::{Baris, Bentuk, Dokumen};
use label::{Jenis, Kop};

/// The most SOPs read from one file: a book of SOPs has a few hundred.
pub const SOP_MAKS: usize = 2000;

/// One SOP found in the document.
#[derive(Debug, Clone, Default)]
pub struct Temuan {
    /// Kop lines above the unit (pemerintah, dinas).
    pub instansi: Vec<String>,
    /// The unit, the kop's last line.
    pub unit: String,
    /// The kop's logo.
    pub logo: Option<Logo>,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// Tanggal pembuatan, revisi and efektif as found.
    pub tanggal: [Tanggal; 3],
    /// The signer: jabatan, nama, pangkat, NIP (digits).
    pub pengesahan: [String; 4],
    /// Grid boxes found, by key, with their entries (none: the box was empty).
    pub grid: Vec<(&'static str, Vec<String>)>,
    /// The flow tables: one, or one per sub-procedure.
    pub alur: Vec<Alur>,
    /// What was seen in the SOP's part of the file and could not be placed.
    pub lewat: Vec<String>,
    /// The paper of the section the SOP starts in, when the file sets one.
    pub kertas: Option<crate::impor::dokumen::Kertas>,
}

/// A picture for the kop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Its bytes.
    pub data: Vec<u8>,
    /// "png" or "jpg".
    pub jenis: &'static str,
}

/// A date as found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tanggal {
    /// As written, or as the cell's date (`2024-01-23`).
    pub teks: String,
    /// Why it must be checked, when it was read with a guess.
    pub tebakan: Option<String>,
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

/// Where a step's lanes were read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Asal {
    /// The flowchart's shapes over the lane cells.
    Bentuk,
    /// Marks in the lane cells (X, √, a shaded cell).
    Tanda,
    /// Guessed from the Kegiatan text.
    #[default]
    Teks,
}

/// One step of a flow table.
#[derive(Debug, Clone, Default)]
pub struct Langkah {
    /// Kegiatan.
    pub kegiatan: String,
    /// Its lanes (several for a joint step).
    pub pelaksana: Vec<String>,
    /// Where its lanes come from.
    pub asal: Asal,
    /// Its symbol, when a shape gave it.
    pub bentuk: Option<Bentuk>,
    /// For a decision: the step "Tidak" goes to (0-based), and why it was guessed;
    /// no reason when the file's connectors or lines say so.
    pub tidak: Option<(usize, Option<String>)>,
    /// For a decision: the step "Ya" goes to (0-based) when it is not the next one.
    pub ya: Option<usize>,
    /// Why a step that reads like a decision was left a plain step.
    pub keputusan_ragu: Option<String>,
    /// Kelengkapan, waktu, output, keterangan.
    pub mutu: [Vec<String>; 4],
    /// The step's row in the document.
    pub baris: usize,
    /// What in its lane cells is unclear, with where it is in the source file: the
    /// lanes are not taken from there, and the writer marks each to be checked.
    pub ragu: Vec<String>,
}

/// What the recogniser found in a document.
#[derive(Debug, Default)]
pub struct Hasil {
    /// The SOPs, in order.
    pub sops: Vec<Temuan>,
    /// What the file held outside any SOP that was seen and not placed.
    pub lewat: Vec<String>,
}

/// A label found in a cell.
#[derive(Debug, Clone)]
pub struct Label {
    /// What it names.
    pub jenis: Jenis,
    /// Its row.
    pub baris: usize,
    /// Its cell in the row.
    pub sel: usize,
    /// Its paragraph in the cell.
    pub paragraf: usize,
    /// The value after it on its line.
    pub sisa: Option<String>,
}

/// The document with what the recogniser looks up often.
pub struct Indeks<'d> {
    /// The document.
    pub doc: &'d Dokumen,
    /// Each table's rows, in order.
    pub baris_tabel: Vec<Vec<usize>>,
    /// Each row's place in its table's rows.
    pub pos: Vec<usize>,
    /// Every label, in reading order.
    pub label: Vec<Label>,
    /// Cells whose first line is a label.
    sel_label: HashSet<(usize, usize)>,
    /// Rows that are a flow table's header, in order.
    pub kepala: Vec<usize>,
    kepala_set: HashSet<usize>,
    /// Cells read into an SOP.
    pub dipakai: HashSet<(usize, usize)>,
}

impl<'d> Indeks<'d> {
    /// Indexes `doc`: its tables' rows, its labels and its flow headers.
    pub fn new(doc: &'d Dokumen) -> Self {
        let mut baris_tabel = vec![Vec::new(); doc.tabel.len()];
        let mut pos = vec![0; doc.baris.len()];
        for (i, b) in doc.baris.iter().enumerate() {
            if let Some(rows) = b.tabel.and_then(|t| baris_tabel.get_mut(t)) {
                pos[i] = rows.len();
                rows.push(i);
            }
        }
        let mut label = Vec::new();
        let mut sel_label = HashSet::new();
        let mut kepala = Vec::new();
        for (r, b) in doc.baris.iter().enumerate() {
            for (c, sel) in b.sel.iter().enumerate() {
                let mut first = true;
                for (p, para) in sel.paragraf.iter().enumerate() {
                    if para.teks.trim().is_empty() {
                        continue;
                    }
                    if let Some(found) = label::baca(&para.teks) {
                        if first {
                            sel_label.insert((r, c));
                        }
                        label.push(Label {
                            jenis: found.jenis,
                            baris: r,
                            sel: c,
                            paragraf: p,
                            sisa: found.sisa,
                        });
                    }
                    first = false;
                }
            }
            if alur::kepala_baris(b) {
                kepala.push(r);
            }
        }
        Self {
            doc,
            baris_tabel,
            pos,
            label,
            sel_label,
            kepala_set: kepala.iter().copied().collect(),
            kepala,
            dipakai: HashSet::new(),
        }
    }

    /// Row `r`.
    pub fn baris(&self, r: usize) -> &'d Baris {
        &self.doc.baris[r]
    }

    /// Whether cell `c` of row `r` starts with a label.
    pub fn label_di(&self, r: usize, c: usize) -> bool {
        self.sel_label.contains(&(r, c))
    }

    /// Whether a row holds a label or is a flow header.
    pub fn baris_berlabel(&self, r: usize) -> bool {
        (0..self.baris(r).sel.len()).any(|c| self.label_di(r, c)) || self.kepala_set.contains(&r)
    }

    /// The row after `r` in its table (or the next paragraph, for one outside tables).
    pub fn berikut(&self, r: usize) -> Option<usize> {
        match self.baris(r).tabel {
            Some(t) => self.baris_tabel[t].get(self.pos[r] + 1).copied(),
            None => (r + 1 < self.doc.baris.len()).then_some(r + 1),
        }
    }

    /// Marks cell `c` of row `r` as read.
    pub fn pakai(&mut self, r: usize, c: usize) {
        self.dipakai.insert((r, c));
    }
}

/// The SOPs in `doc`, in order, with what was left out.
pub fn sops(doc: &Dokumen) -> Result<Hasil, ImporError> {
    let mut ix = Indeks::new(doc);
    let clusters = kop::kluster(&ix);
    if clusters.len() > SOP_MAKS {
        return Err(ImporError::Besar(format!(
            "berisi {} SOP (paling banyak {SOP_MAKS} dalam satu berkas); bagi menjadi \
             beberapa berkas",
            clusters.len()
        )));
    }
    let mut out = Hasil {
        sops: Vec::with_capacity(clusters.len()),
        lewat: doc.lewat.clone(),
    };
    let starts: Vec<usize> = clusters.iter().map(|c| kop::awal(&ix, c)).collect();
    let mut lewati = Vec::new();
    for (n, cluster) in clusters.iter().enumerate() {
        let start = starts[n];
        let end = starts.get(n + 1).copied().unwrap_or(doc.baris.len());
        let mut t = Temuan::default();
        kop::baca(&mut ix, cluster, &mut t);
        kotak::baca(&mut ix, start..end, &mut t);
        alur::baca(&mut ix, start..end, &mut t);
        let tempat = kop::instansi(&mut ix, cluster, start, &mut t);
        kop::logo(&ix, &tempat, &mut t);
        if let Some(sheet) = bukan_sop(&ix, cluster, &t) {
            // A list of SOPs, a cover: labels like a kop's, but nothing of an SOP.
            out.lewat
                .push(format!("{sheet} dilewati: tidak berisi tabel alur SOP"));
            lewati.push(n);
        }
        t.kertas = doc
            .kertas
            .iter()
            .rev()
            .find(|(row, _)| *row <= start)
            .or(doc.kertas.first())
            .map(|&(_, k)| k);
        out.sops.push(t);
    }
    // What no SOP took, named in the SOP whose part of the file it is in.
    for (n, t) in out.sops.iter_mut().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(doc.baris.len());
        t.lewat.extend(tersisa(&ix, starts[n]..end));
    }
    let mut n = 0;
    out.sops.retain(|_| {
        n += 1;
        !lewati.contains(&(n - 1))
    });
    out.sops
        .retain(|s| !s.nomor.is_empty() || !s.nama.is_empty() || !s.alur.is_empty());
    Ok(out)
}

/// The sheet an SOP was found in, when it holds nothing of an SOP but kop labels: no
/// flow table and no grid box (a sheet listing the book's SOPs has "Nomor SOP" and
/// "Nama SOP" over its columns). Word files are read as they are.
fn bukan_sop(ix: &Indeks, cluster: &kop::Kluster, t: &Temuan) -> Option<String> {
    if !t.alur.is_empty() || !t.grid.is_empty() {
        return None;
    }
    let first = ix.label.get(*cluster.label.first()?)?;
    let table = &ix.doc.tabel[ix.baris(first.baris).tabel?];
    (table.kanvas > 0).then(|| table.nama.clone())
}

/// What in rows `rows` was not read into the SOP: a table's cells, and paragraphs
/// that look like a labelled block (`Catatan: ...`).
fn tersisa(ix: &Indeks, rows: std::ops::Range<usize>) -> Vec<String> {
    let mut out = Vec::new();
    let mut tables_named = HashSet::new();
    for r in rows {
        let b = ix.baris(r);
        for (c, sel) in b.sel.iter().enumerate() {
            let text = sel.teks();
            if text.is_empty() || ix.dipakai.contains(&(r, c)) || nilai::pemisah(&text) {
                continue;
            }
            match b.tabel {
                Some(t) if ix.doc.tabel[t].kanvas == 0 && tables_named.insert(t) => {
                    out.push(format!(
                        "{} berisi \"{}\" yang tidak dikenali",
                        ix.doc.tabel[t].nama,
                        pendek(&text)
                    ));
                }
                Some(t) if ix.doc.tabel[t].kanvas == 0 => {}
                Some(_) => out.push(format!(
                    "{}: \"{}\" tidak dikenali",
                    alur::tempat(ix, r, Some(sel.kolom)),
                    pendek(&text)
                )),
                None if text.contains(':') && text.chars().count() < 200 => {
                    out.push(format!("teks \"{}\" tidak dikenali", pendek(&text)));
                }
                None => {}
            }
            if out.len() >= 20 {
                out.push("... dan lainnya".into());
                return out;
            }
        }
    }
    out
}

/// A text cut to 60 characters for a message.
pub fn pendek(text: &str) -> String {
    let t = super::dokumen::rapikan(text);
    if t.chars().count() <= 60 {
        t
    } else {
        format!("{}…", t.chars().take(57).collect::<String>())
    }
}

/// Whether a kop label is one of the dates.
pub fn tanggal_ke(k: Kop) -> Option<usize> {
    match k {
        Kop::Pembuatan => Some(0),
        Kop::Revisi => Some(1),
        Kop::Efektif => Some(2),
        _ => None,
    }
}
