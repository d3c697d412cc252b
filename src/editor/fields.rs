//! Which form field a diagnostic concerns: its place in the file, matched against the
//! places of the file's keys, named the way the form names its fields
//! (`langkah.2.kegiatan`, `dasar_hukum`, `prosedur.0.langkah.1.pelaksana`).

use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

/// Every key of `text` with the bytes it spans (key to end of value) and its field
/// name; a step's header names the step. Empty when the text does not parse.
pub fn places(text: &str) -> Vec<(Range<usize>, String)> {
    let Ok(doc) = Document::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(doc.as_table(), "", &mut out);
    out
}

/// The field a diagnostic at `at` concerns: the narrowest key around it.
pub fn field_at(places: &[(Range<usize>, String)], at: usize) -> Option<&str> {
    places
        .iter()
        .filter(|(r, _)| r.start <= at && at < r.end.max(r.start + 1))
        .min_by_key(|(r, _)| r.len())
        .map(|(_, name)| name.as_str())
}

fn walk(table: &Table, prefix: &str, out: &mut Vec<(Range<usize>, String)>) {
    for (key, item) in table.iter() {
        let name = format!("{prefix}{key}");
        let start = table.key(key).and_then(|k| k.span()).map(|s| s.start);
        match item {
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    let step = format!("{name}.{i}");
                    if let Some(span) = t.span() {
                        let end = last_end(t).unwrap_or(span.end).max(span.end);
                        out.push((span.start..end, step.clone()));
                    }
                    walk(t, &format!("{step}."), out);
                }
            }
            Item::Table(t) => walk(t, &format!("{name}."), out),
            Item::Value(v) => {
                if let (Some(start), Some(span)) = (start, v.span()) {
                    out.push((start..span.end, name.clone()));
                }
                if let Value::InlineTable(t) = v {
                    for (k, inner) in t.iter() {
                        if let (Some(ks), Some(vs)) =
                            (t.key(k).and_then(|k| k.span()), inner.span())
                        {
                            out.push((ks.start..vs.end, format!("{name}.{k}")));
                        }
                    }
                }
            }
            Item::None => {}
        }
    }
}

/// Where the last value of a table ends.
fn last_end(table: &Table) -> Option<usize> {
    table
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Value(v) => v.span().map(|s| s.end),
            _ => None,
        })
        .max()
}
