//! The form: what the editor shows of an SOP file, read from its TOML with `toml_edit`.
//! Only what a clerk fills in is here; everything else in the file (comments, `[kertas]`,
//! `[label]`, formatting) stays as it is when the form is saved ([`super::apply`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::grid;

/// The identity fields holding text (dates and status included), in form order.
pub const IDENTITAS: [&str; 7] = [
    "nomor",
    "nama",
    "tanggal_pembuatan",
    "tanggal_revisi",
    "tanggal_efektif",
    "status",
    "diganti_oleh",
];

/// The kop and signer keys the form edits, as `section.key`: both may live in
/// `katalog.toml` or in the SOP's own `[instansi]` and `[pengesahan]` tables.
pub const KOP: [&str; 8] = [
    "instansi.baris",
    "instansi.unit",
    "instansi.logo",
    "pengesahan.jabatan",
    "pengesahan.nama",
    "pengesahan.pangkat",
    "pengesahan.nip",
    "pengesahan.ttd",
];

/// The one key of [`KOP`] holding a list (one kop line per item).
pub const KOP_DAFTAR: &str = "instansi.baris";

/// The text fields of a step holding one text.
pub const LANGKAH_TEKS: [&str; 3] = ["id", "kegiatan", "waktu"];

/// The fields of a step holding a text or a list.
pub const LANGKAH_DAFTAR: [&str; 4] = ["pelaksana", "kelengkapan", "output", "keterangan"];

/// An SOP as the form shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// `nomor`, `nama`, the dates, `status`, `diganti_oleh` ([`IDENTITAS`]): "" when
    /// absent.
    pub identitas: BTreeMap<String, String>,
    /// The grid lists, by the keys of [`grid::KOTAK`], one entry per item.
    pub grid: BTreeMap<String, Vec<String>>,
    /// The pelaksana of the single flow table, left to right.
    pub pelaksana: Vec<String>,
    /// The steps of the single flow table.
    pub langkah: Vec<Langkah>,
    /// Sub-procedures, when the SOP has several flow tables.
    pub prosedur: Vec<Prosedur>,
    /// The kop and the signer as the SOP itself sets them, by the keys of [`KOP`]: one
    /// item for a text, one per line for [`KOP_DAFTAR`]; empty where the SOP inherits
    /// the value from katalog.toml.
    #[serde(default)]
    pub kop: BTreeMap<String, Vec<String>>,
}

/// One sub-procedure, `[[prosedur]]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prosedur {
    /// Its place in the file when the form was loaded; `None` for a new one.
    pub asal: Option<usize>,
    /// Its title.
    pub judul: String,
    /// Its pelaksana, left to right.
    pub pelaksana: Vec<String>,
    /// Its steps.
    pub langkah: Vec<Langkah>,
}

/// One step, `[[langkah]]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Langkah {
    /// Its place in the file when the form was loaded; `None` for a new one.
    pub asal: Option<usize>,
    /// `id`, `kegiatan`, `waktu` ([`LANGKAH_TEKS`]), "" when absent.
    pub teks: BTreeMap<String, String>,
    /// `pelaksana`, `kelengkapan`, `output`, `keterangan` ([`LANGKAH_DAFTAR`]).
    pub daftar: BTreeMap<String, Vec<String>>,
    /// A decision: where "Ya" and "Tidak" go.
    pub keputusan: Option<Keputusan>,
    /// Where the flow goes next when not to the next step: a step's id or number, or
    /// "selesai"; "" for the next step.
    pub lanjut: String,
}

/// Where a decision goes: a step's id or number, or "selesai"; `ya` "" for the next step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Keputusan {
    /// Target when yes.
    pub ya: String,
    /// Target when no.
    pub tidak: String,
}

impl Form {
    /// Reads the form out of a parsed SOP file. Anything the form does not know is left
    /// to the file.
    pub fn read(doc: &DocumentMut) -> Self {
        let root = doc.as_table();
        Self {
            identitas: IDENTITAS
                .iter()
                .map(|k| (k.to_string(), text_of(root.get(k))))
                .collect(),
            grid: grid::KOTAK
                .iter()
                .map(|k| (k.kunci.to_string(), list_of(root.get(k.kunci))))
                .collect(),
            pelaksana: list_of(root.get("pelaksana")),
            langkah: steps_of(root.get("langkah")),
            prosedur: tables_of(root.get("prosedur"))
                .enumerate()
                .map(|(i, t)| Prosedur {
                    asal: Some(i),
                    judul: text_of(t.get("judul")),
                    pelaksana: list_of(t.get("pelaksana")),
                    langkah: steps_of(t.get("langkah")),
                })
                .collect(),
            kop: KOP
                .iter()
                .map(|k| (k.to_string(), kop_of(root, k)))
                .collect(),
        }
    }

    /// A kop or signer value the SOP sets itself ([`KOP`]), empty when it inherits.
    pub fn kop(&self, key: &str) -> &[String] {
        self.kop.get(key).map_or(&[], Vec::as_slice)
    }

    /// The value of an identity field, "" when unknown.
    pub fn identitas(&self, key: &str) -> &str {
        self.identitas.get(key).map_or("", String::as_str)
    }

    /// A grid list, empty when unknown.
    pub fn grid(&self, key: &str) -> &[String] {
        self.grid.get(key).map_or(&[], Vec::as_slice)
    }
}

impl Langkah {
    /// A step's text field, "" when absent.
    pub fn teks(&self, key: &str) -> &str {
        self.teks.get(key).map_or("", String::as_str)
    }

    /// A step's list field, empty when absent.
    pub fn daftar(&self, key: &str) -> &[String] {
        self.daftar.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The value of `section.key` in a table (the SOP's or a katalog's): every line of the
/// list key, the one text of the others; empty when absent.
pub fn kop_of(root: &Table, key: &str) -> Vec<String> {
    let Some((section, name)) = key.split_once('.') else {
        return Vec::new();
    };
    let item = root
        .get(section)
        .and_then(Item::as_table_like)
        .and_then(|t| t.get(name));
    if key == KOP_DAFTAR {
        return list_of(item);
    }
    let text = text_of(item);
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text]
    }
}

fn steps_of(item: Option<&Item>) -> Vec<Langkah> {
    tables_of(item)
        .enumerate()
        .map(|(i, t)| Langkah {
            asal: Some(i),
            teks: LANGKAH_TEKS
                .iter()
                .map(|k| (k.to_string(), text_of(t.get(k))))
                .collect(),
            daftar: LANGKAH_DAFTAR
                .iter()
                .map(|k| (k.to_string(), list_of(t.get(k))))
                .collect(),
            keputusan: t.get("keputusan").and_then(decision_of),
            lanjut: text_of(t.get("lanjut")),
        })
        .collect()
}

/// The tables of an array of tables (`[[langkah]]`), none for anything else.
pub fn tables_of(item: Option<&Item>) -> impl Iterator<Item = &Table> {
    item.and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|a| a.iter())
}

fn decision_of(item: &Item) -> Option<Keputusan> {
    let get = |k: &str| match item {
        Item::Table(t) => text_of(t.get(k)),
        Item::Value(Value::InlineTable(t)) => t.get(k).map(value_text).unwrap_or_default(),
        _ => String::new(),
    };
    matches!(item, Item::Table(_) | Item::Value(Value::InlineTable(_))).then(|| Keputusan {
        ya: get("ya"),
        tidak: get("tidak"),
    })
}

/// A value as the form's text: strings as they are, dates, numbers and booleans as
/// written; "" for anything else.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => f.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        Value::Datetime(d) => d.value().to_string(),
        Value::Array(_) | Value::InlineTable(_) => String::new(),
    }
}

/// An item's text ([`value_text`]), "" when absent or a table.
pub fn text_of(item: Option<&Item>) -> String {
    item.and_then(Item::as_value)
        .map(value_text)
        .unwrap_or_default()
}

/// A text-or-list value as the form's list: one item per entry; a text is one item,
/// "" none.
pub fn list_of(item: Option<&Item>) -> Vec<String> {
    match item.and_then(Item::as_value) {
        Some(Value::Array(a)) => a.iter().map(value_text).collect(),
        Some(Value::String(s)) if s.value().is_empty() => Vec::new(),
        Some(v) => vec![value_text(v)],
        None => Vec::new(),
    }
}
