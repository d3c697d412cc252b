//! The grid boxes (Dasar Hukum ... Pencatatan): each found by its label, wherever its
//! content is, and read into entries: one per number (typed "1.", "1)" or Word's
//! numbering), or one per paragraph when nothing is numbered.

use super::label::Jenis;
use super::nilai::nilai;
use super::{Indeks, Temuan, pendek};
use crate::impor::dokumen::{Paragraf, rapikan};

/// Reads the grid boxes whose labels lie in `rows` into `t`.
pub fn baca(ix: &mut Indeks, rows: std::ops::Range<usize>, t: &mut Temuan) {
    let from = ix.label.partition_point(|l| l.baris < rows.start);
    let labels: Vec<_> = ix.label[from..]
        .iter()
        .take_while(|l| l.baris < rows.end)
        .filter(|l| matches!(l.jenis, Jenis::Kotak(_)))
        .cloned()
        .collect();
    for lab in labels {
        let Jenis::Kotak(key) = lab.jenis else {
            continue;
        };
        let v = nilai(ix, &lab, true);
        ix.pakai(lab.baris, lab.sel);
        for &(r, c) in &v.sel {
            ix.pakai(r, c);
        }
        let entries = isi(&v.baris);
        if t.grid.iter().any(|(k, _)| *k == key) {
            t.lewat.push(format!(
                "kotak {} muncul lagi (\"{}\"); yang pertama dipakai",
                label_of(key),
                pendek(&entries.join("; "))
            ));
            continue;
        }
        t.grid.push((key, entries));
    }
}

/// The printed label of a box.
pub fn label_of(key: &str) -> &'static str {
    crate::grid::kotak(key).map_or("", |k| k.nama)
}

/// A box's entries from its lines: one per number (a line after a numbered one goes on
/// with it), or one per line when nothing is numbered; numbers, bullets and "-" go.
pub fn isi(lines: &[Paragraf]) -> Vec<String> {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for p in lines {
        let text = rapikan(&p.teks);
        if text.is_empty() {
            continue;
        }
        for (i, piece) in split_numbered(&text).into_iter().enumerate() {
            let (numbered, rest) = strip_marker(&piece);
            pieces.push((numbered || (p.bernomor && i == 0), rest));
        }
    }
    let any_numbered = pieces.iter().any(|(n, _)| *n);
    let mut out: Vec<String> = Vec::new();
    let mut last_numbered = false;
    for (numbered, text) in pieces {
        if text.is_empty() || text == "-" {
            continue;
        }
        if any_numbered
            && !numbered
            && last_numbered
            && let Some(prev) = out.last_mut()
        {
            prev.push(' ');
            prev.push_str(&text);
            continue;
        }
        last_numbered = numbered;
        out.push(text);
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
    for i in 1..bytes.len() {
        if bytes[i - 1] == b' '
            && let Some((n, _)) = number_at(line, i)
            && n == next
        {
            cuts.push(i);
            next += 1;
        }
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

/// An item without its number or bullet, and whether it had one.
fn strip_marker(item: &str) -> (bool, String) {
    if let Some((_, len)) = number_at(item, 0) {
        return (true, rapikan(&item[len..]));
    }
    let mut chars = item.chars();
    if let Some(c) = chars.next()
        && matches!(c, '•' | '●' | '▪' | '◦' | '-' | '–' | '*' | '·')
        && chars.as_str().starts_with(' ')
    {
        return (true, rapikan(chars.as_str()));
    }
    // "a. ", "b) ": a lettered list.
    let b = item.as_bytes();
    if b.len() > 3 && b[0].is_ascii_lowercase() && (b[1] == b'.' || b[1] == b')') && b[2] == b' ' {
        return (true, rapikan(&item[3..]));
    }
    (false, rapikan(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Paragraf {
        Paragraf::teks(text)
    }

    #[test]
    fn numbered_lists_split_only_in_sequence() {
        assert_eq!(
            isi(&[p("1. UU No.8 Tahun 2001; 2. Perda No. 3 Tahun 2023")]),
            ["UU No.8 Tahun 2001;", "Perda No. 3 Tahun 2023"]
        );
        assert_eq!(isi(&[p("1) satu"), p("2) dua")]), ["satu", "dua"]);
        assert_eq!(isi(&[p("-")]), Vec::<String>::new());
        assert_eq!(
            isi(&[p("Disimpan sebagai arsip")]),
            ["Disimpan sebagai arsip"]
        );
        assert_eq!(isi(&[p("Komputer"), p("Printer")]), ["Komputer", "Printer"]);
        let word = Paragraf {
            bernomor: true,
            ..p("Undang-Undang")
        };
        assert_eq!(
            isi(&[word.clone(), p("tentang X"), word]),
            ["Undang-Undang tentang X", "Undang-Undang"]
        );
    }
}
