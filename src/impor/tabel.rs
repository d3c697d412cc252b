//! What the readers of Word and Excel files give the recogniser: the document as rows
//! of cells on one column grid, each cell with its lines of text and the flowchart
//! symbols that lie over it. Labels (Ya/Tidak) and connector lines are left out here.

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
            "flowChartTerminator" | "roundRect" | "flowChartAlternateProcess" | "ellipse" => {
                Some(Bentuk::Kapsul)
            }
            "flowChartProcess" | "rect" | "flowChartPredefinedProcess" | "flowChartDocument" => {
                Some(Bentuk::Proses)
            }
            "flowChartDecision" | "diamond" => Some(Bentuk::Keputusan),
            _ => None,
        }
    }
}

/// A symbol, with the grid column its centre lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simbol {
    /// Its kind.
    pub bentuk: Bentuk,
    /// The grid column under its centre.
    pub kolom: usize,
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
    /// Its paragraphs (or lines), whitespace tidied.
    pub baris: Vec<String>,
}

impl Sel {
    /// The cell's text on one line.
    pub fn teks(&self) -> String {
        self.baris.join(" ")
    }

    /// Whether grid column `k` lies in this cell.
    pub fn memuat(&self, k: usize) -> bool {
        (self.kolom..self.kolom.saturating_add(self.lebar.max(1))).contains(&k)
    }
}

/// One row: its cells and the symbols over it.
#[derive(Debug, Clone, Default)]
pub struct Baris {
    /// Cells, left to right.
    pub sel: Vec<Sel>,
    /// Flowchart symbols anchored in this row.
    pub simbol: Vec<Simbol>,
    /// Arrows that leave this row: how many rows down (negative: up) each points to,
    /// where the file says exactly (Excel drawings are anchored to cells).
    pub panah: Vec<i64>,
}

/// Tidies whitespace: runs of spaces, tabs and non-breaking spaces become one space.
pub fn rapikan(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Upper case without trailing colons and with tidied whitespace, for matching labels.
pub fn label(text: &str) -> String {
    rapikan(text)
        .trim_end_matches([':', '.'])
        .trim()
        .to_uppercase()
}
