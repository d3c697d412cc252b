//! The drawn flowchart in page coordinates (points, origin top-left, y down):
//! what the templates draw and what `--geometry` exports.

use serde::{Serialize, Serializer};

use crate::model::Bentuk;

/// A step number (1-based) or the end of the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRef {
    /// A step, 1-based.
    Step(usize),
    /// The small "Selesai" capsule.
    Selesai,
}

impl Serialize for StepRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            StepRef::Step(n) => s.serialize_u64(*n as u64),
            StepRef::Selesai => s.serialize_str("selesai"),
        }
    }
}

/// An axis-aligned box.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Horizontal centre.
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    /// Vertical centre.
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    /// Grown by `d` on every side.
    pub fn inflate(&self, d: f64) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }
    /// Whether two boxes overlap with positive area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// One page of the document.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// 1-based page number in the SOP.
    pub number: usize,
    /// Width in points.
    pub width: f64,
    /// Height in points.
    pub height: f64,
}

/// A drawn symbol.
#[derive(Debug, Clone, Serialize)]
pub struct Symbol {
    /// Step number or "selesai".
    pub step: StepRef,
    /// Lane name.
    pub lane: String,
    /// Shape.
    pub kind: Bentuk,
    /// Page.
    pub page: usize,
    /// Box.
    #[serde(flatten)]
    pub rect: Rect,
    /// Procedure index (0-based).
    pub procedure: usize,
    /// Text inside (only the small "Selesai" capsule has one).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// An off-page connector: a pentagon pointing down, holding a letter.
#[derive(Debug, Clone, Serialize)]
pub struct Connector {
    /// Letter, unique within the SOP; the two ends of a pair share it.
    pub id: String,
    /// Page.
    pub page: usize,
    /// Box.
    #[serde(flatten)]
    pub rect: Rect,
    /// Procedure index.
    pub procedure: usize,
}

/// The part of an edge drawn on one page.
#[derive(Debug, Clone, Serialize)]
pub struct PagePath {
    /// Page.
    pub page: usize,
    /// Polyline; the arrowhead sits at the last point.
    pub points: Vec<[f64; 2]>,
}

/// One edge of the flow graph, as drawn.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// Source step (1-based).
    pub from: usize,
    /// Target step or "selesai".
    pub to: StepRef,
    /// "Ya"/"Tidak" (or the agency's wording) on decision exits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// One path per page it is drawn on.
    pub paths: Vec<PagePath>,
    /// Procedure index.
    pub procedure: usize,
}

/// A text label on the drawing.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// The text.
    pub text: String,
    /// Page.
    pub page: usize,
    /// Box.
    #[serde(flatten)]
    pub rect: Rect,
    /// Text size in points, as measured for the box.
    pub size: f64,
}

/// The line joining the symbols of a joint step (not an edge: no arrowhead).
#[derive(Debug, Clone, Serialize)]
pub struct Join {
    /// Step (1-based).
    pub step: usize,
    /// Page.
    pub page: usize,
    /// Polyline.
    pub points: Vec<[f64; 2]>,
    /// Procedure index.
    pub procedure: usize,
}

/// The rules of a flow table on one page: the borders between its step rows and between
/// its lanes, which cut the table into cells (one lane of one step row). Flow lines
/// must not run along them, and a Ya/Tidak label lies inside one cell, clear of them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableRules {
    /// Page (1-based).
    pub page: usize,
    /// Procedure index.
    pub procedure: usize,
    /// The x of every lane border, outer ones included, left to right.
    pub xs: Vec<f64>,
    /// The y of every row border on the page, top to bottom.
    pub ys: Vec<f64>,
}

impl TableRules {
    /// Whether box `r` lies inside one cell of the table, at least `margin` from each of
    /// the cell's four borders.
    pub fn holds(&self, r: &Rect, margin: f64) -> bool {
        let eps = 1e-6;
        let within = |lines: &[f64], lo: f64, hi: f64| {
            lines
                .windows(2)
                .any(|w| lo >= w[0] + margin - eps && hi <= w[1] - margin + eps)
        };
        within(&self.xs, r.x, r.right()) && within(&self.ys, r.y, r.bottom())
    }

    /// Whether the segment `a`-`b` runs along one of the rules (within `clear`), where
    /// it would vanish into the table's own line.
    pub fn runs_along(&self, a: [f64; 2], b: [f64; 2], clear: f64) -> bool {
        let (Some(&left), Some(&right)) = (self.xs.first(), self.xs.last()) else {
            return false;
        };
        let (Some(&top), Some(&bottom)) = (self.ys.first(), self.ys.last()) else {
            return false;
        };
        let overlaps = |lo: f64, hi: f64, from: f64, to: f64| lo.max(from) < hi.min(to) - 0.5;
        if (a[1] - b[1]).abs() < 1e-6 {
            // Horizontal: along a row border, within the lanes.
            overlaps(a[0].min(b[0]), a[0].max(b[0]), left, right)
                && self.ys.iter().any(|y| (a[1] - y).abs() < clear)
        } else if (a[0] - b[0]).abs() < 1e-6 {
            // Vertical: along a lane border, within the rows.
            overlaps(a[1].min(b[1]), a[1].max(b[1]), top, bottom)
                && self.xs.iter().any(|x| (a[0] - x).abs() < clear)
        } else {
            false
        }
    }
}

/// Everything drawn for the flow tables of one SOP.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Geometry {
    /// Pages of the document.
    pub pages: Vec<PageInfo>,
    /// Symbols.
    pub symbols: Vec<Symbol>,
    /// Off-page connectors.
    pub connectors: Vec<Connector>,
    /// Edges.
    pub edges: Vec<Edge>,
    /// Labels.
    pub labels: Vec<Label>,
    /// Joint-step lines.
    pub joins: Vec<Join>,
    /// The table rules the lines kept clear of, per page and procedure.
    pub rules: Vec<TableRules>,
}

/// What one page draws: every flowchart item on it, so a template looks up its page
/// instead of filtering every item of every SOP (a book has thousands of pages).
#[derive(Debug, Default, Serialize)]
pub struct PageDrawing<'a> {
    /// Symbols.
    pub symbols: Vec<&'a Symbol>,
    /// Edge polylines on this page, arrowhead at the last point.
    pub paths: Vec<&'a Vec<[f64; 2]>>,
    /// Joint-step lines.
    pub joins: Vec<&'a Vec<[f64; 2]>>,
    /// Off-page connectors.
    pub connectors: Vec<&'a Connector>,
    /// Labels.
    pub labels: Vec<&'a Label>,
}

/// Groups the drawings of flowcharts by page number (as a string key, for Typst).
pub fn by_page<'a>(
    geometries: impl IntoIterator<Item = &'a Geometry>,
) -> std::collections::BTreeMap<String, PageDrawing<'a>> {
    let mut pages: std::collections::BTreeMap<String, PageDrawing<'a>> = Default::default();
    for g in geometries {
        for s in &g.symbols {
            pages.entry(s.page.to_string()).or_default().symbols.push(s);
        }
        for e in &g.edges {
            for p in &e.paths {
                pages
                    .entry(p.page.to_string())
                    .or_default()
                    .paths
                    .push(&p.points);
            }
        }
        for j in &g.joins {
            pages
                .entry(j.page.to_string())
                .or_default()
                .joins
                .push(&j.points);
        }
        for c in &g.connectors {
            pages
                .entry(c.page.to_string())
                .or_default()
                .connectors
                .push(c);
        }
        for l in &g.labels {
            pages.entry(l.page.to_string()).or_default().labels.push(l);
        }
    }
    pages
}
