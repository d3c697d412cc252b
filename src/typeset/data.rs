//! The contract between sopan and its templates: the virtual files a template reads, as
//! typed data serialised to JSON, and the names of the markers sopan reads back. Every
//! string is plain text for the template to print, never Typst code.

use std::collections::BTreeMap;

use serde::Serialize;

use super::columns::Columns;
use super::columns::{self, sel};
use super::plan::TablePlan;
use super::{fonts, hyphen};
use crate::diag::daftar;
use crate::flow::route::LABEL_SIZE;
use crate::grid;
use crate::model::{self, Instansi, Sop, nip_resmi};

/// The SOP, for `sop.typ`, `buku-sop.typ` and `lapis.typ`.
pub const DATA_JSON: &str = "/data.json";
/// The kop grid rows that run onto another page ([`Tahap`]).
pub const TAHAP_JSON: &str = "/tahap.json";
/// The routed flowchart by page (`flow::by_page`), for `lapis.typ`.
pub const FLOW_JSON: &str = "/flow.json";
/// What `lapis.typ` draws besides the flowchart ([`Lapis`]).
pub const LAPIS_JSON: &str = "/lapis.json";
/// The book's own pages ([`Buku`]), for `buku.typ`.
pub const BUKU_JSON: &str = "/buku.json";

/// Label of the markers at the top (`e: 0`) and bottom (`e: 1`) of every step row
/// (`alur.typ`): where they land is where the row is.
pub const ROW_MARKER: &str = "sopan-row";
/// Label of the marker at the end of every kop grid cell (`kop.typ`).
pub const GRID_END_MARKER: &str = "sopan-grid-akhir";

/// Label of the marker where kop grid row `row` starts (`kop.typ`).
pub fn grid_start_marker(row: usize) -> String {
    format!("sopan-grid-{row}")
}

/// Page margin on every side, 15 mm.
pub const MARGIN: f64 = 15.0 * 72.0 / 25.4;
/// Extra room under the table for off-page connectors.
pub const CONNECTOR_BAND: f64 = 18.0;

/// Virtual path of an image the SOP names.
pub fn image_path(role: &str, format: &str) -> String {
    format!("/aset/{role}.{format}")
}

/// `/data.json`: one SOP as the templates print it.
#[derive(Debug, Serialize)]
pub struct Data<'a> {
    /// The SOP's place in a book (its bookmark's label); 0 alone.
    pub indeks: usize,
    /// Nama SOP, the PDF's title.
    pub judul: &'a str,
    /// Nomor SOP.
    pub nomor: &'a str,
    /// The PDF's author: the instansi.
    pub author: String,
    /// The PDF's date, `[y, m, d]`.
    pub tanggal_dokumen: (u16, u8, u8),
    /// The paper.
    pub kertas: Kertas,
    /// The font families of the whole sheet: its own, then the fallback for the
    /// characters it lacks.
    pub font: [&'static str; 2],
    /// The watermark, if the sheet carries one.
    pub watermark: Option<String>,
    /// Every printed label, after `[label]`.
    pub label: &'a BTreeMap<String, String>,
    /// Whether the column-number row is printed under the header.
    pub nomor_kolom: bool,
    /// Text size of the kop grid, in points: smaller steps for a grid that would not
    /// fit page 1.
    pub ukuran_grid: f64,
    /// The identity block.
    pub kop: Kop<'a>,
    /// The grid: rows of [`GRID_PER_BARIS`] cells (the last may hold fewer), the boxes
    /// of [`grid::KOTAK`] in order.
    pub grid: Vec<Vec<Grid<'a>>>,
    /// One per flow table.
    pub prosedur: Vec<Prosedur<'a>>,
}

/// The paper in points.
#[derive(Debug, Clone, Serialize)]
pub struct Kertas {
    /// Width.
    pub lebar: f64,
    /// Height.
    pub tinggi: f64,
    /// Margin on the top, left and right.
    pub margin: f64,
    /// Margin at the bottom, with room for off-page connectors.
    pub margin_bawah: f64,
}

impl Kertas {
    /// The paper an SOP is printed on.
    pub fn of(kertas: &model::Kertas) -> Self {
        let (lebar, tinggi) = kertas.pt();
        Self {
            lebar,
            tinggi,
            margin: MARGIN,
            margin_bawah: MARGIN + CONNECTOR_BAND,
        }
    }
}

/// The PDF's author: the instansi lines, or the unit when there are none; cut at 1,000
/// characters (only the metadata, not the kop), as PDF/A limits its strings.
pub fn author(instansi: &Instansi) -> String {
    let full = if instansi.baris.is_empty() {
        instansi.unit.clone()
    } else {
        instansi.baris.join(", ")
    };
    full.chars().take(1000).collect()
}

/// The identity block, as printed.
#[derive(Debug, Serialize)]
pub struct Kop<'a> {
    /// Instansi lines, upper case.
    pub baris: Vec<String>,
    /// The unit, upper case.
    pub unit: String,
    /// Virtual path of the logo.
    pub logo: Option<String>,
    /// Nomor SOP.
    pub nomor: &'a str,
    /// Tanggal pembuatan, printed.
    pub tanggal_pembuatan: String,
    /// Tanggal revisi, printed.
    pub tanggal_revisi: String,
    /// Tanggal efektif, printed.
    pub tanggal_efektif: String,
    /// The signer's position.
    pub jabatan: &'a str,
    /// Virtual path of the signature image.
    pub ttd: Option<String>,
    /// The signer's name.
    pub nama: &'a str,
    /// The signer's rank.
    pub pangkat: &'a str,
    /// The signer's NIP, grouped the official way.
    pub nip: String,
    /// Nama SOP, upper case.
    pub nama_sop: String,
    /// The electronic signature block, when sopan signs the sheet; null for the
    /// hand-signed layout.
    pub elektronik: Option<KopElektronik>,
}

/// The electronic signature block: the short code and the QR code of the verification
/// address, as data the template draws.
#[derive(Debug, Serialize)]
pub struct KopElektronik {
    /// The short code printed under the QR code.
    pub kode: String,
    /// The verification address, or null.
    pub alamat: Option<String>,
    /// The QR code's modules, one string per row, `1` dark and `0` light; empty without
    /// an address.
    pub qr: Vec<String>,
}

impl KopElektronik {
    /// The block of a sheet signed with `e`.
    pub fn of(e: &model::Elektronik) -> Self {
        Self {
            kode: e.kode.clone(),
            alamat: e.alamat.clone(),
            qr: e.alamat.as_deref().map(qr_rows).unwrap_or_default(),
        }
    }
}

/// The modules of the QR code of `text` (error correction M), row by row; empty when
/// the text does not fit a QR code.
pub fn qr_rows(text: &str) -> Vec<String> {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) else {
        return Vec::new();
    };
    let width = code.width();
    code.to_colors()
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect()
}

/// One cell of the grid.
#[derive(Debug, Serialize)]
pub struct Grid<'a> {
    /// The label above the list.
    pub label: &'a str,
    /// The entries.
    pub isi: &'a [String],
    /// Whether the entries are numbered.
    pub bernomor: bool,
    /// Keterkaitan only: per entry, a link target in the book, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tautan: Option<&'a [Option<String>]>,
    /// Its share of the row's width: the cell with more text gets more.
    pub lebar: f64,
}

/// One flow table.
#[derive(Debug, Serialize)]
pub struct Prosedur<'a> {
    /// Its title.
    pub judul: String,
    /// Who does the steps, one lane each, left to right (long words with soft hyphens).
    pub pelaksana: Vec<String>,
    /// Column widths in points.
    pub kolom: &'a Columns,
    /// The steps.
    pub langkah: Vec<Langkah>,
    /// The Norma Waktu total as printed, if any.
    pub norma_waktu: Option<String>,
    /// The steps (0-based) before which the page breaks, so that no page holds a lone
    /// step.
    pub putus: &'a [usize],
}

/// One step row.
#[derive(Debug, Serialize)]
pub struct Langkah {
    /// Printed number, from 1.
    pub no: usize,
    /// Kegiatan.
    pub kegiatan: String,
    /// Kelengkapan, one line per item (`["-"]` when empty).
    pub kelengkapan: Vec<String>,
    /// Waktu ("-" when empty).
    pub waktu: String,
    /// Output, one line per item (`["-"]` when empty).
    pub output: Vec<String>,
    /// Keterangan, one line per item.
    pub keterangan: Vec<String>,
    /// Minimum row height in points (room for the symbol).
    pub tinggi: f64,
    /// Whether the row is taller than a page: it runs onto the next one.
    pub pecah: bool,
}

/// `/tahap.json`: the kop grid rows (by index) that run onto another page, each with
/// the page it starts on; their repeated headings say "(lanjutan)".
#[derive(Debug, Serialize)]
pub struct Tahap<'a> {
    /// Row index -> first page.
    pub lanjutan: &'a BTreeMap<usize, usize>,
}

/// `/lapis.json`: what `lapis.typ` draws over the sheet besides the flowchart.
#[derive(Debug, Serialize)]
pub struct Lapis<'a> {
    /// The SOP's page count.
    pub halaman: usize,
    /// Whether the pages are numbered through a book.
    pub buku: bool,
    /// In a book, the number of the SOP's first page.
    pub awal: usize,
    /// How many pages the kop takes before the flow tables start (their pages leave
    /// room at the bottom for connectors, so their footer sits lower).
    pub halaman_kop: usize,
    /// By page, the lines between the lanes of the step rows there: `[x, top, bottom]`.
    pub batas: &'a BTreeMap<usize, Vec<[f64; 3]>>,
    /// By page, the line between the last step's Keterangan and the Norma Waktu row,
    /// which one cell spans: `[left, right, y]`.
    pub tutup: &'a BTreeMap<usize, Vec<[f64; 3]>>,
    /// Text size of the Selesai capsule's text, in points: the size the router
    /// measured it at (each Ya/Tidak label carries its own size).
    pub ukuran_label: f64,
}

impl<'a> Lapis<'a> {
    /// The overlay of `halaman` pages, the first `halaman_kop` of them the kop's;
    /// `awal` is the book page of the first (`None` alone).
    pub fn new(
        halaman: usize,
        halaman_kop: usize,
        awal: Option<usize>,
        batas: &'a BTreeMap<usize, Vec<[f64; 3]>>,
        tutup: &'a BTreeMap<usize, Vec<[f64; 3]>>,
    ) -> Self {
        Self {
            halaman,
            halaman_kop,
            buku: awal.is_some(),
            awal: awal.unwrap_or(1),
            batas,
            tutup,
            ukuran_label: LABEL_SIZE,
        }
    }
}

/// `/buku.json`: the cover, the Daftar Isi and the chapter pages.
#[derive(Debug, Clone, Serialize)]
pub struct Buku {
    /// `katalog.judul`.
    pub judul: String,
    /// `katalog.tahun`.
    pub tahun: String,
    /// `katalog.alamat`.
    pub alamat: String,
    /// Instansi lines, upper case.
    pub baris: Vec<String>,
    /// The unit, upper case.
    pub unit: String,
    /// Virtual path of the cover's logo.
    pub logo: Option<String>,
    /// The PDF's author.
    pub author: String,
    /// The PDF's date, `[y, m, d]`.
    pub tanggal_dokumen: (u16, u8, u8),
    /// The paper.
    pub kertas: Kertas,
    /// The font families: the book's own, then the fallback.
    pub font: [&'static str; 2],
    /// Every printed label.
    pub label: BTreeMap<String, String>,
    /// Whether every chapter and SOP starts on an odd page.
    pub duplex: bool,
    /// One entry of the Daftar Isi per SOP.
    pub isi: Vec<BukuIsi>,
    /// One per chapter.
    pub bab: Vec<BukuBab>,
}

/// An entry of the Daftar Isi.
#[derive(Debug, Clone, Serialize)]
pub struct BukuIsi {
    /// The chapter it belongs to.
    pub bab: Option<String>,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// The page it starts on (0 while not yet known).
    pub halaman: usize,
}

/// A chapter of the book.
#[derive(Debug, Clone, Serialize)]
pub struct BukuBab {
    /// Its title.
    pub judul: String,
    /// The page of its title page.
    pub halaman: usize,
}

/// Where an SOP sits in the book: its index there (its bookmark's label) and, for each
/// Keterkaitan entry, the link to the SOP of the book it names, if any.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Index of the SOP in the book.
    pub indeks: usize,
    /// For each Keterkaitan entry, the link target of the SOP it names, if any.
    pub tautan: Vec<Option<String>>,
}

/// Items as printed one per line, or a lone "-" when there are none.
fn lines_or_dash(items: &[String], fit: impl Fn(&str) -> String) -> Vec<String> {
    let lines: Vec<String> = items
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(fit)
        .collect();
    if lines.is_empty() {
        vec!["-".into()]
    } else {
        lines
    }
}

fn dash(s: &str) -> String {
    if s.trim().is_empty() {
        "-".into()
    } else {
        s.trim().to_string()
    }
}

impl<'a> Data<'a> {
    /// The data of one SOP placed in a document (a book, or alone by default).
    pub fn new(sop: &'a Sop, plans: &'a [TablePlan], grid_size: f64, at: &'a Placement) -> Self {
        let p = &sop.pengesahan;
        let prosedur = sop
            .prosedur
            .iter()
            .zip(plans)
            .map(|(pr, plan)| {
                let c = &plan.columns;
                // A word wider than its cell breaks between syllables (sel::INSET_X on
                // either side); lane names are set in bold, smaller with many lanes.
                let font = sop.gaya.font;
                let cell = |width: f64| {
                    move |t: &str| {
                        hyphen::fit(t, width - 2.0 * sel::INSET_X, |w| {
                            fonts::text_width(font, w, sel::SIZE)
                        })
                    }
                };
                let name_size = if pr.pelaksana.len() > 6 { 7.0 } else { 8.0 };
                let name = |t: &String| {
                    hyphen::fit(t, c.lane - 2.0 * sel::INSET_X, |w| {
                        fonts::text_width(font, w, name_size) * 1.1
                    })
                };
                Prosedur {
                    judul: pr.judul.clone().unwrap_or_else(|| sop.nama.to_uppercase()),
                    pelaksana: pr.pelaksana.iter().map(name).collect(),
                    kolom: c,
                    langkah: pr
                        .langkah
                        .iter()
                        .enumerate()
                        .zip(&plan.row_min)
                        .map(|((i, l), &tinggi)| Langkah {
                            pecah: plan.tall.contains(&i),
                            no: i + 1,
                            kegiatan: cell(c.kegiatan)(&l.kegiatan),
                            kelengkapan: lines_or_dash(&l.kelengkapan, cell(c.kelengkapan)),
                            waktu: dash(&l.waktu.teks),
                            output: lines_or_dash(&l.output, cell(c.output)),
                            keterangan: l
                                .keterangan
                                .iter()
                                .map(|t| cell(c.keterangan)(t.trim()))
                                .collect(),
                            tinggi,
                        })
                        .collect(),
                    norma_waktu: norma_waktu(pr, sop.gaya.jam_per_hari),
                    putus: &plan.breaks,
                }
            })
            .collect();
        Data {
            indeks: at.indeks,
            judul: &sop.nama,
            nomor: &sop.nomor,
            author: author(&sop.instansi),
            tanggal_dokumen: sop.tanggal_dokumen,
            kertas: Kertas::of(&sop.kertas),
            font: [sop.gaya.font.family(), fonts::FALLBACK_FAMILY],
            watermark: sop.watermark(),
            label: &sop.label,
            nomor_kolom: sop.gaya.nomor_kolom,
            ukuran_grid: grid_size,
            kop: Kop {
                baris: sop
                    .instansi
                    .baris
                    .iter()
                    .map(|b| b.to_uppercase())
                    .collect(),
                unit: sop.instansi.unit.to_uppercase(),
                logo: sop
                    .instansi
                    .logo
                    .as_ref()
                    .map(|g| image_path("logo", g.format)),
                nomor: &sop.nomor,
                tanggal_pembuatan: sop.tanggal_pembuatan.cetak(),
                tanggal_revisi: sop.tanggal_revisi.cetak(),
                tanggal_efektif: sop.tanggal_efektif.cetak(),
                jabatan: p.jabatan.trim(),
                ttd: p.ttd.as_ref().map(|g| image_path("ttd", g.format)),
                nama: p.nama.trim(),
                pangkat: p.pangkat.trim(),
                nip: if p.nip.trim().is_empty() {
                    String::new()
                } else {
                    nip_resmi(&p.nip)
                },
                nama_sop: sop.nama.to_uppercase(),
                elektronik: p.elektronik.as_ref().map(KopElektronik::of),
            },
            grid: grid_rows(sop, &at.tautan, grid_size),
            prosedur,
        }
    }
}

/// The Norma Waktu row of a flow table as printed: the total of the waktu that could
/// be read, saying which steps it leaves out; none when no waktu could be read.
pub fn norma_waktu(pr: &model::Prosedur, jam_per_hari: Option<u32>) -> Option<String> {
    let total = pr.norma_waktu()?.cetak(jam_per_hari);
    let left_out = pr.tanpa_norma_waktu();
    Some(if left_out.is_empty() {
        total
    } else {
        format!("{total} (tanpa langkah {})", daftar(&left_out))
    })
}

/// Boxes to a row of the kop grid.
pub const GRID_PER_BARIS: usize = 2;

/// The kop grid's rows: the boxes of [`grid::KOTAK`] two to a row, each row shared
/// between its cells; Keterkaitan carries its entries' links (`tautan`).
fn grid_rows<'a>(sop: &'a Sop, tautan: &'a [Option<String>], size: f64) -> Vec<Vec<Grid<'a>>> {
    let mut rows: Vec<Vec<Grid<'a>>> = Vec::new();
    for (i, (kotak, isi)) in sop.grid.iter().enumerate() {
        let cell = Grid {
            label: sop.label(kotak.kunci),
            isi,
            bernomor: kotak.bernomor(isi.len()),
            tautan: (kotak.kunci == grid::KETERKAITAN).then_some(tautan),
            lebar: 1.0,
        };
        match rows.last_mut() {
            Some(row) if i % GRID_PER_BARIS != 0 => row.push(cell),
            _ => rows.push(vec![cell]),
        }
    }
    for row in &mut rows {
        if let [left, right] = row.as_mut_slice() {
            let r = share_grid_row(left.isi, right.isi, sop, size);
            left.lebar = r;
            right.lebar = 1.0 - r;
        }
    }
    rows
}

/// Splits a kop grid row between its two cells so that the taller one is as low as it
/// can be: the one with more text gets up to 70% of the width. The left cell's share.
fn share_grid_row(left: &[String], right: &[String], sop: &Sop, size: f64) -> f64 {
    // The grid spans the page between the margins; a cell has 5 pt of inset either side
    // and its list numbers take about 12 pt.
    let row = columns::printable_width(&sop.kertas);
    let measure = |t: &str| fonts::text_width(sop.gaya.font, t, size);
    let lines = |items: &[String], width: f64| -> f64 {
        let room = (width - 10.0 - 12.0).max(10.0);
        items
            .iter()
            .map(|t| (measure(t) / room).ceil().max(1.0))
            .sum()
    };
    let height = |r: f64| lines(left, row * r).max(lines(right, row * (1.0 - r)));
    let mut best: (f64, f64) = (height(0.5), 0.5);
    for k in 0..=20 {
        let r = 0.3 + 0.02 * k as f64;
        let h = height(r);
        if h < best.0 || (h == best.0 && (r - 0.5).abs() < (best.1 - 0.5).abs()) {
            best = (h, r);
        }
    }
    best.1
}

/// The JSON bytes of a contract value.
pub fn json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).expect("the template data is plain data")
}
