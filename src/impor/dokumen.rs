//! The one model every reader gives the recogniser, whatever the file was: the
//! document as rows of cells on the column grid of their table (a paragraph outside
//! tables is a row of one cell), each cell with its paragraphs, its shading and the
//! tables nested in it; the flowchart symbols, lines and pictures drawn over it, each
//! with its box in the page's (Word) or sheet's (Excel) coordinates and the row it is
//! anchored in. Lengths are EMU, as in DrawingML.

/// A length in English Metric Units: 914400 to the inch, 12700 to the point, 635 to
/// the twip, 9525 to the pixel at 96 dpi.
pub type Emu = i64;

/// EMU in one twip (Word's unit for page and table geometry).
pub const TWIP: Emu = 635;

/// EMU in one point.
pub const POIN: Emu = 12700;

/// A document read by a reader.
#[derive(Debug, Default)]
pub struct Dokumen {
    /// Rows in reading order.
    pub baris: Vec<Baris>,
    /// The tables the rows belong to.
    pub tabel: Vec<Tabel>,
    /// Flowchart symbols and other shapes with a box.
    pub simbol: Vec<Simbol>,
    /// Lines and connectors.
    pub garis: Vec<Garis>,
    /// Pictures (a kop's logo among them).
    pub gambar: Vec<Gambar>,
    /// What the reader saw and left out, in a clerk's words (a sheet it could not read).
    pub lewat: Vec<String>,
    /// The paper of each section: the first row it holds, and its paper.
    pub kertas: Vec<(usize, Kertas)>,
}

/// A section's paper as the file sets it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kertas {
    /// The size it matches, within 3 mm; `None` for another size.
    pub ukuran: Option<crate::model::Ukuran>,
    /// Landscape or portrait.
    pub landscape: bool,
    /// Width and height in mm, as set.
    pub mm: (f64, f64),
}

impl Kertas {
    /// The paper of a page `w` by `h` mm.
    pub fn dari_mm(w: f64, h: f64, landscape: bool) -> Self {
        use crate::model::Ukuran;
        let (short, long) = (w.min(h), w.max(h));
        let ukuran = [Ukuran::A4, Ukuran::F4, Ukuran::Letter, Ukuran::Legal]
            .into_iter()
            .find(|u| {
                let (a, b) = u.pt();
                let to_mm = 25.4 / 72.0;
                (a * to_mm - short).abs() <= 3.0 && (b * to_mm - long).abs() <= 3.0
            });
        Self {
            ukuran,
            landscape,
            mm: (w, h),
        }
    }
}

/// One table: a Word table, or an Excel sheet.
#[derive(Debug, Clone, Default)]
pub struct Tabel {
    /// Column edges from the table's left edge: one more than there are grid columns.
    /// Empty when the file does not say.
    pub tepi: Vec<Emu>,
    /// The table's left edge in its frame (the page, the sheet), when known.
    pub kiri: Option<Emu>,
    /// For a table nested in a cell: the row (index into [`Dokumen::baris`]) and the
    /// cell (index into its [`Baris::sel`]) holding it.
    pub induk: Option<(usize, usize)>,
    /// The frame its drawings are placed in (see [`Letak::kanvas`]).
    pub kanvas: usize,
    /// A name to tell it by in messages ("lembar Data").
    pub nama: String,
}

impl Tabel {
    /// The horizontal span of grid columns `kolom..kolom + lebar` in the table's frame,
    /// when the table's place and column widths are known.
    pub fn rentang(&self, kolom: usize, lebar: usize) -> Option<(Emu, Emu)> {
        let kiri = self.kiri?;
        let a = *self.tepi.get(kolom)?;
        let b = *self.tepi.get(kolom + lebar.max(1))?;
        Some((kiri + a, kiri + b))
    }
}

/// One row: of a table, or a paragraph outside tables.
#[derive(Debug, Clone, Default)]
pub struct Baris {
    /// The table it belongs to; `None` for a paragraph outside tables.
    pub tabel: Option<usize>,
    /// Its cells, left to right.
    pub sel: Vec<Sel>,
    /// Its top and bottom in its table's frame, when the file says (Excel).
    pub tinggi: Option<(Emu, Emu)>,
    /// Whether a page break (or a new sheet) comes before it.
    pub putus: bool,
    /// Its row number in the sheet (Excel), for messages.
    pub nomor: Option<u32>,
}

impl Baris {
    /// A paragraph outside tables.
    pub fn paragraf(p: Paragraf, putus: bool) -> Self {
        Self {
            tabel: None,
            sel: vec![Sel {
                lebar: 1,
                paragraf: vec![p],
                ..Sel::default()
            }],
            tinggi: None,
            putus,
            nomor: None,
        }
    }

    /// Whether no cell has text.
    pub fn kosong(&self) -> bool {
        self.sel.iter().all(|s| s.teks().is_empty())
    }

    /// The cell holding grid column `k`, not a continuation of the cell above.
    pub fn di(&self, k: usize) -> Option<&Sel> {
        self.sel.iter().find(|s| s.memuat(k) && !s.lanjutan)
    }
}

/// One cell.
#[derive(Debug, Clone, Default)]
pub struct Sel {
    /// First grid column.
    pub kolom: usize,
    /// Grid columns it spans.
    pub lebar: usize,
    /// Whether it continues a cell merged from the row above.
    pub lanjutan: bool,
    /// Its paragraphs (Excel: the lines of its value).
    pub paragraf: Vec<Paragraf>,
    /// Whether it is filled with a colour (a lane mark in some books).
    pub arsir: bool,
    /// Tables nested in it (indices into [`Dokumen::tabel`]).
    pub sarang: Vec<usize>,
}

impl Sel {
    /// The cell's text on one line.
    pub fn teks(&self) -> String {
        self.baris().join(" ")
    }

    /// Its non-empty lines, whitespace tidied.
    pub fn baris(&self) -> Vec<String> {
        self.paragraf
            .iter()
            .map(|p| rapikan(&p.teks))
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// Whether grid column `k` lies in this cell.
    pub fn memuat(&self, k: usize) -> bool {
        (self.kolom..self.kolom.saturating_add(self.lebar.max(1))).contains(&k)
    }
}

/// One paragraph (or one line of an Excel cell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraf {
    /// Its text: control characters gone, tabs kept (a kop line may be
    /// `Nomor SOP<TAB>: 1`), other runs of white space as they were.
    pub teks: String,
    /// Whether Word numbers it (a list item whose number is not in the text).
    pub bernomor: bool,
    /// Whether all of its text is bold.
    pub tebal: bool,
}

impl Paragraf {
    /// A paragraph of plain text.
    pub fn teks(text: &str) -> Self {
        Self {
            teks: bersih(text),
            ..Self::default()
        }
    }
}

/// A flowchart symbol's kind, from its preset geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bentuk {
    /// `flowChartTerminator`, `roundRect`: start or end.
    Kapsul,
    /// `flowChartProcess`, `rect`: an ordinary step.
    Proses,
    /// `flowChartDecision`, `diamond`: a decision.
    Keputusan,
}

impl Bentuk {
    /// The kind of a DrawingML preset geometry; `None` for lines, connectors and
    /// anything else that is not a step's symbol.
    pub fn of_preset(prst: &str) -> Option<Self> {
        match prst {
            "flowChartTerminator"
            | "roundRect"
            | "flowChartAlternateProcess"
            | "ellipse"
            | "flowChartConnector" => Some(Bentuk::Kapsul),
            "flowChartProcess"
            | "rect"
            | "flowChartPredefinedProcess"
            | "flowChartDocument"
            | "flowChartManualOperation"
            | "flowChartInputOutput"
            | "parallelogram" => Some(Bentuk::Proses),
            "flowChartDecision" | "diamond" => Some(Bentuk::Keputusan),
            _ => None,
        }
    }
}

/// Where a drawing is: its box and the row it is anchored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letak {
    /// Left and right, in its frame.
    pub x: (Emu, Emu),
    /// Its top.
    pub y: Tegak,
    /// Its height.
    pub tinggi: Emu,
    /// The row it is anchored in (an index into [`Dokumen::baris`]).
    pub jangkar: Option<usize>,
    /// Its frame: the sheet for Excel (its number), the page for Word (0). Drawings
    /// of one frame share their coordinates.
    pub kanvas: usize,
}

impl Letak {
    /// Its horizontal centre.
    pub fn tengah_x(&self) -> Emu {
        (self.x.0 + self.x.1) / 2
    }
}

/// Where a drawing's top is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tegak {
    /// In its frame: from the page's or the sheet's top.
    Mutlak(Emu),
    /// Below the top of the row it is anchored in, by this much (Word lays rows out
    /// only when it prints, so where that row is on the page is not in the file).
    DariBaris(Emu),
}

/// A shape with a box: a flowchart symbol, a Ya/Tidak label, or another shape.
#[derive(Debug, Clone)]
pub struct Simbol {
    /// Its kind; `None` for a shape that is no step's symbol (a text box).
    pub bentuk: Option<Bentuk>,
    /// Where it is.
    pub letak: Letak,
    /// Its id in the file, for connectors glued to it (unique in the document).
    pub id: Option<String>,
    /// Its text.
    pub teks: String,
}

impl Simbol {
    /// Whether its text marks it as a Ya/Tidak label rather than a step.
    pub fn label_cabang(&self) -> bool {
        matches!(
            self.teks.trim().to_lowercase().as_str(),
            "ya" | "tidak" | "y" | "t" | "yes" | "no" | "tdk"
        )
    }
}

/// A line or a connector, from its start to its end.
#[derive(Debug, Clone)]
pub struct Garis {
    /// Start and end, in its frame; both measured as [`Letak::y`] says.
    pub awal: (Emu, Emu),
    /// End.
    pub akhir: (Emu, Emu),
    /// Arrowheads at the start and at the end.
    pub panah: (bool, bool),
    /// The ids of the shapes its start and end are glued to.
    pub sambung: (Option<String>, Option<String>),
    /// Whether it is a connector (a whole arrow from shape to shape), not a piece of
    /// one drawn as separate lines.
    pub penghubung: bool,
    /// Its box (for its frame, anchor and whether y is from a row).
    pub letak: Letak,
}

/// A picture.
#[derive(Debug, Clone)]
pub struct Gambar {
    /// Its bytes.
    pub data: Vec<u8>,
    /// Its file extension ("png", "jpeg").
    pub jenis: String,
    /// Where it is.
    pub letak: Letak,
}

/// A line's start and end: the corners of its unturned frame (left, top, width,
/// height), mirrored by its flips and turned about the frame's centre by `rot` degrees
/// clockwise, as DrawingML draws a line or connector.
pub fn ujung(
    frame: (f64, f64, f64, f64),
    rot: f64,
    flip_h: bool,
    flip_v: bool,
) -> ((Emu, Emu), (Emu, Emu)) {
    let (x, y, w, h) = frame;
    let (mut sx, mut ex) = (x, x + w);
    let (mut sy, mut ey) = (y, y + h);
    if flip_h {
        std::mem::swap(&mut sx, &mut ex);
    }
    if flip_v {
        std::mem::swap(&mut sy, &mut ey);
    }
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let (s, c) = rot.to_radians().sin_cos();
    let spin = |px: f64, py: f64| {
        let (dx, dy) = (px - cx, py - cy);
        (
            (cx + dx * c - dy * s).round() as Emu,
            (cy + dx * s + dy * c).round() as Emu,
        )
    };
    (spin(sx, sy), spin(ex, ey))
}

/// Text without control characters (tabs and line breaks become spaces, other control
/// characters go): nothing a document holds reaches a terminal or a file raw.
pub fn bersih(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some('\t'),
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides and zero-width marks change how a name reads
            // without showing themselves.
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            '\u{feff}' => None,
            c => Some(c),
        })
        .collect()
}

/// Tidies whitespace: runs of spaces, tabs and non-breaking spaces become one space.
pub fn rapikan(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_pass() {
        assert_eq!(bersih("A\u{1b}[2JB\u{7}\u{202e}C\tD\nE"), "A[2JBC\tD E");
        assert_eq!(rapikan(" a \t b\u{a0}c  "), "a b c");
    }

    #[test]
    fn a_span_of_columns_is_placed_by_the_table() {
        let t = Tabel {
            tepi: vec![0, 10, 30, 60],
            kiri: Some(100),
            ..Tabel::default()
        };
        assert_eq!(t.rentang(1, 2), Some((110, 160)));
        assert_eq!(t.rentang(2, 5), None);
    }
}
