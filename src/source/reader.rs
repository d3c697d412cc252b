//! Typed, span-keeping access to a parsed TOML table; every mistake becomes a diagnostic.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileIx, closest};
use crate::model::Tanggal;

/// A value together with the file and span it came from.
#[derive(Clone, Copy)]
pub struct Val<'a> {
    /// The file holding the value.
    pub file: FileIx,
    /// The value with its span.
    pub value: &'a Spanned<DeValue<'a>>,
}

/// The most characters one text may hold: a kegiatan of 1,500 words is about 12,000.
pub const TEKS_MAKS: usize = 20_000;

impl<'a> Val<'a> {
    /// The byte range of the value.
    pub fn span(&self) -> Range<usize> {
        self.value.span()
    }

    fn wrong_type(&self, expected: &str) -> Diagnostic {
        Diagnostic::error(
            self.file,
            self.span(),
            format!("nilai ini harus berupa {expected}"),
        )
        .with_label(format!("tertulis {}", jenis(self.value.get_ref())))
    }

    /// A string.
    pub fn text(&self, errors: &mut Vec<Diagnostic>) -> Option<String> {
        match self.value.get_ref() {
            DeValue::String(s) if s.chars().count() > TEKS_MAKS => {
                errors.push(
                    Diagnostic::error(
                        self.file,
                        self.span(),
                        format!(
                            "teks terlalu panjang: {} huruf (batasnya {TEKS_MAKS})",
                            s.chars().count()
                        ),
                    )
                    .with_hint("ringkas teks ini, atau bagi langkahnya menjadi beberapa langkah"),
                );
                None
            }
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                errors.push(self.wrong_type("teks dalam tanda kutip"));
                None
            }
        }
    }

    /// A list of strings; a single string counts as a list of one.
    pub fn text_list(&self, errors: &mut Vec<Diagnostic>) -> Vec<String> {
        match self.value.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => Vec::new(),
            DeValue::String(s) => vec![s.to_string()],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    Val {
                        file: self.file,
                        value: item,
                    }
                    .text(errors)
                })
                .filter(|s| !s.trim().is_empty())
                .collect(),
            _ => {
                errors.push(self.wrong_type("teks atau daftar teks"));
                Vec::new()
            }
        }
    }

    /// One string, or a list of strings (each element with its own span).
    pub fn text_or_list(&self, errors: &mut Vec<Diagnostic>) -> Vec<(String, Val<'a>)> {
        match self.value.get_ref() {
            DeValue::String(s) => vec![(s.to_string(), *self)],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    let v = Val {
                        file: self.file,
                        value: item,
                    };
                    v.text(errors).map(|s| (s, v))
                })
                .collect(),
            _ => {
                errors.push(self.wrong_type("teks atau daftar teks"));
                Vec::new()
            }
        }
    }

    /// A TOML date, or a date typed as text ([`Tanggal::baca`]); other text is refused.
    pub fn tanggal(&self, errors: &mut Vec<Diagnostic>) -> Tanggal {
        match self.value.get_ref() {
            DeValue::Datetime(dt) => match dt.date {
                Some(d) => Tanggal::Hari {
                    tahun: d.year,
                    bulan: d.month,
                    hari: d.day,
                },
                None => {
                    errors.push(
                        Diagnostic::error(self.file, self.span(), "jam saja bukan tanggal")
                            .with_hint("tulis tanggal seperti 2024-01-23"),
                    );
                    Tanggal::Kosong
                }
            },
            DeValue::String(s) if s.trim().is_empty() || s.trim() == "-" => Tanggal::Kosong,
            DeValue::String(s) => match Tanggal::baca(s) {
                Some(t) => t,
                None => {
                    // Written like a date, but no such day (31 Februari).
                    let shaped = s
                        .trim()
                        .split(['-', '/', '.', ' '])
                        .filter(|p| !p.is_empty())
                        .count()
                        == 3
                        && s.trim().chars().any(|c| c.is_ascii_digit());
                    let label = if shaped {
                        "tanggal ini tidak ada di kalender"
                    } else {
                        "tanggal ditulis tanggal-bulan-tahun atau tahun-bulan-tanggal"
                    };
                    errors.push(
                        Diagnostic::error(
                            self.file,
                            self.span(),
                            format!("tanggal \"{}\" tidak terbaca", s.trim()),
                        )
                        .with_label(label)
                        .with_hint(
                            "tulis misalnya 2024-01-23 tanpa tanda kutip, atau \"23 Januari 2024\"; \
                             \"\" bila belum ada",
                        ),
                    );
                    Tanggal::Kosong
                }
            },
            _ => {
                errors.push(
                    self.wrong_type("tanggal (2024-01-23) atau teks")
                        .with_hint("tulis tanggal seperti 2024-01-23, tanpa tanda kutip"),
                );
                Tanggal::Kosong
            }
        }
    }

    /// A boolean.
    pub fn boolean(&self, errors: &mut Vec<Diagnostic>) -> Option<bool> {
        match self.value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                errors.push(self.wrong_type("true atau false"));
                None
            }
        }
    }

    /// A non-negative integer.
    pub fn integer(&self, errors: &mut Vec<Diagnostic>) -> Option<i64> {
        match self.value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(Diagnostic::error(
                        self.file,
                        self.span(),
                        "angka terlalu besar",
                    ));
                    None
                }
            },
            _ => {
                errors.push(self.wrong_type("angka bulat"));
                None
            }
        }
    }

    /// A number, whole or with a decimal point.
    pub fn number(&self, errors: &mut Vec<Diagnostic>) -> Option<f64> {
        match self.value.get_ref() {
            DeValue::Float(f) => f.as_str().parse().ok(),
            DeValue::Integer(_) => self.integer(errors).map(|n| n as f64),
            _ => {
                errors.push(self.wrong_type("angka"));
                None
            }
        }
    }

    /// A table.
    pub fn table(&self, errors: &mut Vec<Diagnostic>) -> Option<Table<'a>> {
        match self.value.get_ref() {
            DeValue::Table(t) => Some(Table::new(self.file, t, self.span())),
            _ => {
                errors.push(self.wrong_type("bagian [ ... ] atau { ... }"));
                None
            }
        }
    }

    /// An array of tables (`[[langkah]]`).
    pub fn tables(&self, errors: &mut Vec<Diagnostic>) -> Vec<Table<'a>> {
        match self.value.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|item| {
                    Val {
                        file: self.file,
                        value: item,
                    }
                    .table(errors)
                })
                .collect(),
            _ => {
                errors.push(self.wrong_type("daftar tabel ([[...]])"));
                Vec::new()
            }
        }
    }

    /// The raw value.
    pub fn raw(&self) -> &'a DeValue<'a> {
        self.value.get_ref()
    }
}

/// Indonesian name of a TOML value's type, for messages.
pub fn jenis(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "teks",
        DeValue::Integer(_) => "angka",
        DeValue::Float(_) => "angka desimal",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "tanggal",
        DeValue::Array(_) => "daftar",
        DeValue::Table(_) => "bagian { ... }",
    }
}

/// A table whose keys are checked against the keys the format allows.
pub struct Table<'a> {
    /// The file holding the table.
    pub file: FileIx,
    table: &'a DeTable<'a>,
    /// Span of the whole table (for "missing key" errors).
    pub span: Range<usize>,
}

impl<'a> Table<'a> {
    /// Wraps a parsed table.
    pub fn new(file: FileIx, table: &'a DeTable<'a>, span: Range<usize>) -> Self {
        Self { file, table, span }
    }

    /// The value under `key`, if present.
    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| Val {
                file: self.file,
                value: v,
            })
    }

    /// The span of `key` itself.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| k.span())
    }

    /// All entries.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Range<usize>, Val<'a>)> + '_ {
        self.table.iter().map(|(k, v)| {
            (
                k.get_ref().as_ref(),
                k.span(),
                Val {
                    file: self.file,
                    value: v,
                },
            )
        })
    }

    /// Reports every key that is not in `allowed`, with the closest allowed key as a hint.
    pub fn deny_unknown(&self, allowed: &[&str], context: &str, errors: &mut Vec<Diagnostic>) {
        for (key, span, _) in self.entries() {
            if !allowed.contains(&key) {
                let mut d = Diagnostic::error(
                    self.file,
                    span,
                    format!("kunci \"{key}\" tidak dikenal {context}"),
                )
                .with_label("salah ketik?");
                d = match closest(key, allowed.iter().copied()) {
                    Some(near) => d.with_hint(format!("maksudnya \"{near}\"?")),
                    None => d.with_hint(format!("kunci yang dikenal: {}", allowed.join(", "))),
                };
                errors.push(d);
            }
        }
    }
}
