//! Writing a form back into its SOP file with `toml_edit`: only the fields that changed
//! are touched, each keeping the comment beside it, so a form saved unchanged gives the
//! file back byte for byte, and comments, key order and formatting elsewhere survive.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use super::form::{
    Form, IDENTITAS, KOP_DAFTAR, Keputusan, LANGKAH_DAFTAR, LANGKAH_TEKS, Langkah, Prosedur,
    kop_of, tables_of,
};
use crate::grid;

/// Keys written as "" when emptied: the file then says what is missing, and `check`
/// names it.
const WAJIB: [&str; 4] = ["nomor", "nama", "kegiatan", "judul"];

/// A list longer than this (all items together) is written one item per line.
const SATU_BARIS: usize = 80;

/// Writes `form` into `doc`, touching only what differs from what `doc` holds.
pub fn apply(doc: &mut DocumentMut, form: &Form) {
    let old = Form::read(doc);
    let root = doc.as_table_mut();
    for key in IDENTITAS {
        set_text(root, key, old.identitas(key), form.identitas(key));
    }
    for key in grid::KOTAK.iter().map(|k| k.kunci) {
        set_list(root, key, old.grid(key), form.grid(key));
    }
    set_kop(root, &form.kop);
    // An SOP has one flow table (pelaksana and langkah at the top) or sub-procedures,
    // never both: a form with sub-procedures drops the single table's keys.
    let mut moved = if form.prosedur.is_empty() {
        set_list(root, "pelaksana", &old.pelaksana, &form.pelaksana);
        set_steps(root, "langkah", &old.langkah, &form.langkah)
    } else {
        root.remove("pelaksana");
        root.remove("langkah").is_some()
    };
    moved |= set_procedures(root, &old.prosedur, &form.prosedur);
    if moved {
        renumber(doc);
    }
}

/// Writes the kop and signer values `kop` (keys of [`super::form::KOP`]) into the
/// `[instansi]` and `[pengesahan]` tables of `root`, touching only the keys given and
/// changed: a value emptied goes (the SOP then inherits it), a table the SOP lacks is
/// made for the first value it gets, an emptied table stays with its comments. Used for
/// an SOP file and for a katalog.toml alike.
pub fn set_kop(root: &mut Table, kop: &std::collections::BTreeMap<String, Vec<String>>) {
    for (key, new) in kop {
        let Some((section, name)) = key.split_once('.') else {
            continue;
        };
        let old = kop_of(root, key);
        if old == *new {
            continue;
        }
        if root.get(section).is_none() {
            if new.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let mut table = Table::new();
            table.decor_mut().set_prefix(
                "\n# Diisi dari formulir: berlaku untuk berkas ini saja, menggantikan nilai yang diwarisi.\n",
            );
            // Right after the keys at the top, before the other tables.
            table.set_position(Some(0));
            root.insert(section, Item::Table(table));
        }
        let Some(table) = root.get_mut(section).and_then(Item::as_table_like_mut) else {
            // Not a table (the validator says so): left as it is.
            continue;
        };
        if key == KOP_DAFTAR {
            set_list(table, name, &old, new);
        } else {
            let first = |v: &[String]| v.first().map(|s| s.trim().to_string()).unwrap_or_default();
            let (old, new) = (first(&old), first(new));
            if new.is_empty() {
                // Emptied: inherited again (even `nama`, which an SOP's top never leaves out).
                table.remove(name);
            } else {
                set_text(table, name, &old, &new);
            }
        }
    }
}

/// Sets the text at `key` when it changed: a date as a TOML date, a step number as a
/// number, anything else as a string; emptied, the key goes (or holds "" when required).
fn set_text(table: &mut dyn TableLike, key: &str, old: &str, new: &str) {
    if old == new {
        return;
    }
    if new.is_empty() && !WAJIB.contains(&key) {
        table.remove(key);
        return;
    }
    put(table, key, typed(key, new));
}

/// The TOML value of a text field: dates and step targets keep their TOML types.
fn typed(key: &str, text: &str) -> Value {
    let date = key.starts_with("tanggal_") && is_iso_date(text);
    if date && let Ok(d) = text.parse::<toml_edit::Datetime>() {
        return Value::from(d);
    }
    let target = matches!(key, "lanjut" | "ya" | "tidak");
    if target && let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    Value::from(text)
}

fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Sets a text-or-list field when it changed: one item stays a text where the file had
/// a text; more become a list, one per line when long.
fn set_list(table: &mut dyn TableLike, key: &str, old: &[String], new: &[String]) {
    if old == new {
        return;
    }
    let existing = table.get(key).and_then(Item::as_value);
    let was_list = matches!(existing, Some(Value::Array(_)));
    if new.is_empty() {
        if WAJIB.contains(&key) || key == "pelaksana" {
            put(table, key, Value::from(""));
        } else {
            table.remove(key);
        }
        return;
    }
    if new.len() == 1 && !was_list {
        put(table, key, Value::from(new[0].as_str()));
        return;
    }
    let lines = match existing {
        Some(Value::Array(a)) => a.trailing().as_str().is_some_and(|t| t.contains('\n')),
        _ => new.iter().map(|s| s.len() + 4).sum::<usize>() > SATU_BARIS,
    };
    let mut array: Array = new.iter().map(String::as_str).collect();
    if lines {
        for v in array.iter_mut() {
            v.decor_mut().set_prefix("\n  ");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    put(table, key, Value::Array(array));
}

/// Replaces or adds the value at `key`, keeping the comment and spacing around the
/// value it replaces.
fn put(table: &mut dyn TableLike, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// Writes the steps at `key` of `parent`; true when steps were added, removed or moved
/// (the tables' places in the file must then be renumbered).
fn set_steps(parent: &mut Table, key: &str, old: &[Langkah], new: &[Langkah]) -> bool {
    if old == new {
        return false;
    }
    if new.is_empty() {
        parent.remove(key);
        return !old.is_empty();
    }
    let same_places = new.iter().map(|l| l.asal).eq((0..old.len()).map(Some));
    let tables: Vec<Table> = tables_of(parent.get(key)).cloned().collect();
    let mut out = ArrayOfTables::new();
    for step in new {
        let origin = step.asal.filter(|&i| i < old.len() && i < tables.len());
        let mut table = origin.map(|i| tables[i].clone()).unwrap_or_default();
        let base = origin.map(|i| old[i].clone()).unwrap_or_default();
        set_step(&mut table, &base, step);
        out.push(table);
    }
    parent.insert(key, Item::ArrayOfTables(out));
    !same_places
}

/// Writes one step's fields into its table.
fn set_step(table: &mut Table, old: &Langkah, new: &Langkah) {
    for key in LANGKAH_TEKS {
        set_text(table, key, old.teks(key), new.teks(key));
    }
    for key in LANGKAH_DAFTAR {
        set_list(table, key, old.daftar(key), new.daftar(key));
    }
    set_decision(table, old.keputusan.as_ref(), new.keputusan.as_ref());
    set_text(table, "lanjut", &old.lanjut, &new.lanjut);
}

/// Writes a decision as `keputusan = { tidak = ..., ya = ... }`, changing an existing
/// one in place so its comment stays.
fn set_decision(table: &mut Table, old: Option<&Keputusan>, new: Option<&Keputusan>) {
    if old == new {
        return;
    }
    let Some(new) = new else {
        table.remove("keputusan");
        return;
    };
    let old = old.cloned().unwrap_or_default();
    match table.get_mut("keputusan") {
        Some(Item::Table(t)) => {
            set_text(t, "tidak", &old.tidak, &new.tidak);
            set_text(t, "ya", &old.ya, &new.ya);
        }
        Some(Item::Value(Value::InlineTable(t))) => {
            set_inline(t, "tidak", &old.tidak, &new.tidak);
            set_inline(t, "ya", &old.ya, &new.ya);
        }
        _ => {
            let mut inline = InlineTable::new();
            inline.insert("tidak", typed("tidak", &new.tidak));
            if !new.ya.is_empty() {
                inline.insert("ya", typed("ya", &new.ya));
            }
            put(table, "keputusan", Value::InlineTable(inline));
        }
    }
}

/// [`set_text`] for a key of an inline table.
fn set_inline(table: &mut InlineTable, key: &str, old: &str, new: &str) {
    if old == new {
        return;
    }
    if new.is_empty() {
        table.remove(key);
        return;
    }
    let mut value = typed(key, new);
    match table.get_mut(key) {
        Some(v) => {
            *value.decor_mut() = v.decor().clone();
            *v = value;
        }
        None => {
            // The space before `}` moves to the new last value.
            let suffix = table.iter_mut().last().and_then(|(_, last)| {
                let s = last.decor().suffix().cloned();
                last.decor_mut().set_suffix("");
                s
            });
            value.decor_mut().set_prefix(" ");
            value.decor_mut().set_suffix(suffix.unwrap_or_default());
            table.insert(key, value);
        }
    }
}

/// Writes the sub-procedures; true when any table was added, removed or moved.
fn set_procedures(root: &mut Table, old: &[Prosedur], new: &[Prosedur]) -> bool {
    if old == new {
        return false;
    }
    if new.is_empty() {
        root.remove("prosedur");
        return true;
    }
    let tables: Vec<Table> = tables_of(root.get("prosedur")).cloned().collect();
    let mut moved = !new.iter().map(|p| p.asal).eq((0..old.len()).map(Some));
    let mut out = ArrayOfTables::new();
    for p in new {
        let origin = p.asal.filter(|&i| i < old.len() && i < tables.len());
        let mut table = origin.map(|i| tables[i].clone()).unwrap_or_default();
        let base = origin.map(|i| old[i].clone()).unwrap_or_default();
        set_text(&mut table, "judul", &base.judul, &p.judul);
        set_list(&mut table, "pelaksana", &base.pelaksana, &p.pelaksana);
        moved |= set_steps(&mut table, "langkah", &base.langkah, &p.langkah);
        out.push(table);
    }
    root.insert("prosedur", Item::ArrayOfTables(out));
    moved
}

/// Gives every table its place in the file in the order the document holds them, after
/// steps were added, removed or moved (`toml_edit` writes tables by their places).
fn renumber(doc: &mut DocumentMut) {
    fn walk(table: &mut Table, next: &mut isize) {
        for (_, item) in table.iter_mut() {
            match item {
                Item::Table(t) => {
                    if !t.is_dotted() {
                        t.set_position(Some(*next));
                        *next += 1;
                    }
                    walk(t, next);
                }
                Item::ArrayOfTables(a) => {
                    for t in a.iter_mut() {
                        t.set_position(Some(*next));
                        *next += 1;
                        walk(t, next);
                    }
                }
                _ => {}
            }
        }
    }
    let mut next = 1;
    walk(doc.as_table_mut(), &mut next);
}
