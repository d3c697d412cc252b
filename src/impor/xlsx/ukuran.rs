//! Where a sheet's columns and rows are, as Excel draws them: column widths are kept
//! in characters of the workbook's default font, so their pixels follow that font's
//! widest digit (7 px for Calibri 11, 9 px for Arial 12); row heights are in points.
//! Drawings anchored by position (`absoluteAnchor`) land on the right cells only when
//! this is done as Excel does it.

use std::collections::BTreeMap;

use roxmltree::Node;

use super::S;
use crate::impor::dokumen::{Emu, POIN};

/// EMU in one pixel at 96 dpi.
const PIKSEL: Emu = 9525;

/// The advance of the digits of common fonts, in thousandths of an em. Metric-
/// compatible fonts (Liberation, Carlito, Arimo, Tinos) have their model's.
const DIGIT: &[(&str, u32)] = &[
    ("calibri", 507),
    ("carlito", 507),
    ("aptos", 553),
    ("arial", 556),
    ("liberation sans", 556),
    ("arimo", 556),
    ("helvetica", 556),
    ("times new roman", 500),
    ("liberation serif", 500),
    ("tinos", 500),
    ("cambria", 556),
    ("caladea", 556),
    ("verdana", 636),
    ("tahoma", 546),
    ("segoe ui", 559),
    ("courier new", 600),
    ("liberation mono", 600),
    ("century gothic", 552),
    ("bookman old style", 620),
    ("book antiqua", 500),
    ("garamond", 469),
    ("trebuchet ms", 524),
];

/// The widest digit of `font` at `size` points, in pixels, as Excel rounds it.
pub fn lebar_digit(font: &str, size: f64) -> f64 {
    let name = font.trim().to_lowercase();
    let per_mille = DIGIT
        .iter()
        .find(|(f, _)| *f == name)
        .map_or(550, |(_, w)| *w);
    let px = f64::from(per_mille) / 1000.0 * size.clamp(1.0, 409.0) * 96.0 / 72.0;
    px.round().max(1.0)
}

/// A sheet's column lefts and row tops.
#[derive(Debug, Clone)]
pub struct Ukuran {
    /// Column widths set by `<col>`, by 0-based column, in EMU.
    kolom: BTreeMap<u32, Emu>,
    kolom_bawaan: Emu,
    /// Row heights set by `<row ht>`, by 0-based row, in EMU.
    baris: BTreeMap<u32, Emu>,
    baris_bawaan: Emu,
}

impl Ukuran {
    /// The geometry of `sheet`, with the workbook's default `font` (name, points).
    pub fn of(sheet: &roxmltree::Document, font: &(String, f64)) -> Self {
        let mdw = lebar_digit(&font.0, font.1);
        let root = sheet.root_element();
        let format = root
            .children()
            .find(|c| c.has_tag_name((S, "sheetFormatPr")));
        let num = |n: Option<Node>, a: &str| n.and_then(|n| n.attribute(a)?.parse::<f64>().ok());
        let kolom_bawaan = match num(format, "defaultColWidth") {
            Some(w) => width_px(w, mdw),
            None => {
                // baseColWidth characters, four pixels of margin and one of grid
                // line, rounded up to a multiple of eight pixels.
                let base = num(format, "baseColWidth").unwrap_or(8.0);
                ((base * mdw + 5.0) / 8.0).ceil() * 8.0
            }
        };
        let baris_bawaan = num(format, "defaultRowHeight").unwrap_or(15.0);
        let mut kolom = BTreeMap::new();
        for col in root.descendants().filter(|n| n.has_tag_name((S, "col"))) {
            let (Some(min), Some(max)) = (num(Some(col), "min"), num(Some(col), "max")) else {
                continue;
            };
            let hidden = col
                .attribute("hidden")
                .is_some_and(|v| v == "1" || v == "true");
            let px = if hidden {
                0.0
            } else {
                num(Some(col), "width").map_or(kolom_bawaan, |w| width_px(w, mdw))
            };
            let (min, max) = (min.max(1.0) as u32, (max as u32).min(16_384));
            for c in min..=max.max(min) {
                kolom.insert(c - 1, (px as Emu) * PIKSEL);
            }
        }
        let mut baris = BTreeMap::new();
        for row in root.descendants().filter(|n| n.has_tag_name((S, "row"))) {
            let Some(r) = num(Some(row), "r").filter(|r| *r >= 1.0) else {
                continue;
            };
            let hidden = row
                .attribute("hidden")
                .is_some_and(|v| v == "1" || v == "true");
            let pt = if hidden {
                Some(0.0)
            } else {
                num(Some(row), "ht")
            };
            if let Some(pt) = pt {
                baris.insert(r as u32 - 1, (pt * POIN as f64) as Emu);
            }
        }
        Self {
            kolom,
            kolom_bawaan: (kolom_bawaan as Emu) * PIKSEL,
            baris,
            baris_bawaan: (baris_bawaan * POIN as f64) as Emu,
        }
    }

    /// The left edge of 0-based column `c`.
    pub fn kiri(&self, c: u32) -> Emu {
        sum_before(&self.kolom, self.kolom_bawaan, c)
    }

    /// The top edge of 0-based row `r`.
    pub fn atas(&self, r: u32) -> Emu {
        sum_before(&self.baris, self.baris_bawaan, r)
    }
}

/// The pixels of a column `width` characters wide (as `<col width>` stores it, margin
/// included) for a font whose widest digit is `mdw` pixels.
fn width_px(width: f64, mdw: f64) -> f64 {
    ((256.0 * width + (128.0 / mdw).trunc()) / 256.0 * mdw).trunc()
}

/// The sum of the sizes before `n`: `default` each, except those set.
fn sum_before(set: &BTreeMap<u32, Emu>, default: Emu, n: u32) -> Emu {
    let mut total = Emu::from(n) * default;
    for (_, size) in set.range(..n) {
        total += size - default;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_font_sets_the_pixels_of_a_character() {
        assert_eq!(lebar_digit("Calibri", 11.0), 7.0);
        assert_eq!(lebar_digit("Arial", 12.0), 9.0);
        assert_eq!(lebar_digit("Arial", 10.0), 7.0);
        assert_eq!(lebar_digit("Times New Roman", 11.0), 7.0);
        // Excel's default width, 8.43 characters of Calibri 11, is 64 pixels.
        assert_eq!(width_px(9.140625, 7.0), 64.0);
        assert_eq!(width_px(18.0, 9.0), 162.0);
    }

    #[test]
    fn rows_and_columns_add_up() {
        let xml = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
                   <sheetFormatPr baseColWidth=\"8\" defaultRowHeight=\"15\"/>\
                   <cols><col min=\"2\" max=\"3\" width=\"18\" customWidth=\"1\"/></cols>\
                   <sheetData><row r=\"2\" ht=\"30\"/></sheetData></worksheet>";
        let doc = roxmltree::Document::parse(xml).expect("xml");
        let u = Ukuran::of(&doc, &("Arial".into(), 12.0));
        // Arial 12: eight characters of 9 px and 5 px, rounded up to 80 px.
        assert_eq!(u.kiri(1), 80 * PIKSEL);
        assert_eq!(u.kiri(3), (80 + 162 + 162) * PIKSEL);
        assert_eq!(u.atas(3), (15 + 30 + 15) * POIN);
    }
}
