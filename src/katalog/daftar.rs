//! `sopan daftar`: the register of a catalogue (nomor, nama, unit, status, tanggal
//! efektif, diganti oleh) as an aligned table or CSV, flagging inconsistent entries.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::display_path;
use crate::model::{Sop, Status, Tanggal};
use crate::pipeline::{self, Settings};

/// Something wrong with an entry, shown in the Catatan column and as a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tanda {
    /// Another SOP of the catalogue has the same nomor.
    NomorGanda,
    /// Another SOP in force (status berlaku) has the same nama.
    BerlakuGanda,
}

impl Tanda {
    /// The marker printed in the register.
    pub fn teks(self) -> &'static str {
        match self {
            Tanda::NomorGanda => "nomor ganda",
            Tanda::BerlakuGanda => "berlaku ganda",
        }
    }
}

/// One row of the register: one SOP.
#[derive(Debug, Clone)]
pub struct Baris {
    /// The SOP file, relative to the catalogue folder.
    pub berkas: PathBuf,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// Unit (from `[instansi] unit`).
    pub unit: String,
    /// Status.
    pub status: Status,
    /// Tanggal efektif.
    pub tanggal_efektif: Tanggal,
    /// Flags found across the catalogue.
    pub tanda: Vec<Tanda>,
}

impl Baris {
    fn new(berkas: PathBuf, sop: &Sop) -> Self {
        Baris {
            berkas,
            nomor: sop.nomor.trim().to_string(),
            nama: sop.nama.trim().to_string(),
            unit: sop.instansi.unit.trim().to_string(),
            status: sop.status.clone(),
            tanggal_efektif: sop.tanggal_efektif.clone(),
            tanda: Vec::new(),
        }
    }

    /// The nomor of the SOP that replaces this one, if any.
    pub fn diganti_oleh(&self) -> &str {
        match &self.status {
            Status::Diganti { oleh } => oleh,
            _ => "",
        }
    }
}

/// The register of a catalogue.
#[derive(Debug, Default)]
pub struct Daftar {
    /// SOPs that loaded, in path order.
    pub baris: Vec<Baris>,
    /// SOP files that failed to load (their diagnostics were printed).
    pub gagal: Vec<PathBuf>,
    /// Warnings about flagged entries, one sentence each.
    pub peringatan: Vec<String>,
}

/// Loads every SOP below `dir` (diagnostics of files that fail go to `err`) and flags
/// duplicate nomor and two SOPs in force with the same nama.
pub fn kumpulkan(dir: &Path, settings: &Settings, err: &mut dyn Write) -> std::io::Result<Daftar> {
    let mut daftar = Daftar::default();
    for file in crate::source::sop_files(dir)? {
        let berkas = file.strip_prefix(dir).unwrap_or(&file).to_path_buf();
        // Warnings of a loadable SOP belong to `check`; the register shows errors only.
        match pipeline::validate(&file, settings) {
            (Some(sop), _) => daftar.baris.push(Baris::new(berkas, &sop)),
            (None, diagnostics) => {
                let _ = err.write_all(diagnostics.as_bytes());
                let _ = writeln!(err, "gagal dimuat: {}", display_path(&file));
                daftar.gagal.push(file);
            }
        }
    }
    tandai(&mut daftar);
    Ok(daftar)
}

/// Groups entries by `key` and flags every member of a group of two or more.
fn tandai_grup(
    daftar: &mut Daftar,
    tanda: Tanda,
    key: impl Fn(&Baris) -> Option<String>,
    warn: impl Fn(&Baris, &[String]) -> String,
) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in daftar.baris.iter().enumerate() {
        if let Some(k) = key(e) {
            groups.entry(k).or_default().push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let files: Vec<String> = members
            .iter()
            .map(|&i| slash(&daftar.baris[i].berkas))
            .collect();
        let message = warn(&daftar.baris[members[0]], &files);
        daftar.peringatan.push(message);
        for &i in members {
            daftar.baris[i].tanda.push(tanda);
        }
    }
}

fn tandai(daftar: &mut Daftar) {
    tandai_grup(
        daftar,
        Tanda::NomorGanda,
        |e| (!e.nomor.is_empty()).then(|| e.nomor.clone()),
        |e, files| {
            format!(
                "nomor SOP \"{}\" dipakai oleh {} berkas: {}",
                e.nomor,
                files.len(),
                files.join(", ")
            )
        },
    );
    tandai_grup(
        daftar,
        Tanda::BerlakuGanda,
        |e| (e.status == Status::Berlaku).then(|| super::nama_baku(&e.nama)),
        |e, files| {
            format!(
                "{} SOP berstatus berlaku dengan nama yang sama \"{}\": {}; \
                 yang lama sebaiknya diberi status = \"diganti\"",
                files.len(),
                e.nama,
                files.join(", ")
            )
        },
    );
}

fn slash(p: &Path) -> String {
    crate::diag::tampak(&p.to_string_lossy().replace('\\', "/"))
}

const KEPALA: [&str; 9] = [
    "No",
    "Nomor SOP",
    "Nama SOP",
    "Unit",
    "Status",
    "Tanggal Efektif",
    "Diganti oleh",
    "Berkas",
    "Catatan",
];

/// Widest nama or unit printed in the table; the CSV keeps the whole text.
const LEBAR_MAKS: usize = 60;

/// A table cell: "-" when empty, cut with "…" past `LEBAR_MAKS` characters, control
/// characters shown as `?` so that none reaches the terminal.
fn sel(s: &str) -> String {
    let s = &s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect::<String>();
    if s.is_empty() {
        "-".into()
    } else if s.chars().count() > LEBAR_MAKS {
        s.chars().take(LEBAR_MAKS - 1).collect::<String>() + "…"
    } else {
        s.into()
    }
}

impl Daftar {
    fn catatan(e: &Baris) -> String {
        e.tanda
            .iter()
            .map(|t| format!("! {}", t.teks()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The register as an aligned text table with a header line.
    pub fn tabel(&self) -> String {
        let rows: Vec<[String; 9]> = self
            .baris
            .iter()
            .enumerate()
            .map(|(i, e)| {
                [
                    (i + 1).to_string(),
                    sel(&e.nomor),
                    sel(&e.nama),
                    sel(&e.unit),
                    e.status.nama().to_string(),
                    e.tanggal_efektif.cetak(),
                    sel(e.diganti_oleh()),
                    slash(&e.berkas),
                    Self::catatan(e),
                ]
            })
            .collect();
        let mut widths = KEPALA.map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if i > 0 {
                    s += "  ";
                }
                s += cell;
                if i + 1 < cells.len() {
                    s += &" ".repeat(w - cell.chars().count());
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let kepala = KEPALA.map(String::from);
        let mut out = line(&kepala);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out += &line(&rule);
        for row in &rows {
            out += &line(row);
        }
        out
    }

    /// The register as CSV (RFC 4180 quoting, dates as YYYY-MM-DD): comma separated, or
    /// for Excel set to Indonesian (`excel`), semicolon separated after a UTF-8
    /// byte-order mark, which is what that Excel opens into columns.
    pub fn csv(&self, excel: bool) -> String {
        let sep = if excel { ';' } else { ',' };
        let cell = |s: &str| csv_cell(s, sep);
        let mut out = String::from(if excel { "\u{FEFF}" } else { "" });
        let header = [
            "nomor",
            "nama",
            "unit",
            "status",
            "tanggal_efektif",
            "diganti_oleh",
            "berkas",
            "catatan",
        ];
        out += &header.map(cell).join(&sep.to_string());
        out += "\r\n";
        for e in &self.baris {
            let tanggal = match &e.tanggal_efektif {
                Tanggal::Kosong => String::new(),
                Tanggal::Hari { tahun, bulan, hari } => {
                    format!("{tahun:04}-{bulan:02}-{hari:02}")
                }
                Tanggal::Bulan { tahun, bulan } => format!("{tahun:04}-{bulan:02}"),
            };
            let catatan = e
                .tanda
                .iter()
                .map(|t| t.teks())
                .collect::<Vec<_>>()
                .join("; ");
            let cells = [
                e.nomor.as_str(),
                &e.nama,
                &e.unit,
                e.status.nama(),
                &tanggal,
                e.diganti_oleh(),
                &slash(&e.berkas),
                &catatan,
            ];
            out += &cells.map(cell).join(&sep.to_string());
            out += "\r\n";
        }
        out
    }
}

/// One CSV field, quoted when it holds the separator `sep`, a quote or a line break.
///
/// A cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets a leading `'`, as OWASP advises against CSV
/// injection: Excel and LibreOffice then show the text instead of running it.
pub fn csv_cell(s: &str, sep: char) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_cell("LAKIP", ','), "LAKIP");
        assert_eq!(csv_cell("Surat, Masuk", ','), "\"Surat, Masuk\"");
        assert_eq!(csv_cell("kata \"kunci\"", ','), "\"kata \"\"kunci\"\"\"");
        assert_eq!(csv_cell("dua\nbaris", ','), "\"dua\nbaris\"");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")", ','),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_cell("+1+2", ','), "'+1+2");
        assert_eq!(csv_cell("-2+3", ','), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)", ','), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx", ','), "'\tx");
        assert_eq!(csv_cell("\r=1", ','), "\"'\r=1\"");
        assert_eq!(csv_cell("800/SOP/2024", ','), "800/SOP/2024");
        assert_eq!(csv_cell("Surat; Masuk", ';'), "\"Surat; Masuk\"");
        assert_eq!(csv_cell("Surat, Masuk", ';'), "Surat, Masuk");
    }
}
