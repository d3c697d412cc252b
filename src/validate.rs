//! Raw TOML -> the validated [`Sop`], collecting every mistake of a file at once.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::DeValue;

use crate::diag::{Diagnostic, FileIx, Sources, arah_teks, closest};
use crate::grid;
use crate::model::*;
use crate::schema;
use crate::source::reader::{Table, Val};
use crate::source::{self, INHERITED, Merged};
use crate::typeset::columns;
use crate::waktu::Waktu;

/// The sections an SOP inherits, each with its keys.
fn sections() -> [(&'static str, Vec<&'static str>); 5] {
    [
        ("instansi", schema::names(schema::INSTANSI)),
        ("pengesahan", schema::names(schema::PENGESAHAN)),
        ("kertas", schema::names(schema::KERTAS)),
        ("gaya", schema::names(schema::GAYA)),
        ("label", schema::label_names()),
    ]
}

/// SOP keys written below a section header, which TOML gives to that section: reported
/// once, at the header, with the keys it took. They are returned so that what follows
/// from them (a missing `nomor`, unknown keys in the section) is not reported again.
/// The last `[[langkah]]` takes the keys written after it, as a single section does.
fn swallowed_keys(own: &Table<'_>, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let top = schema::names(schema::SOP);
    let mut under: Vec<(String, Range<usize>, Table<'_>, Vec<&str>)> = Vec::new();
    for (section, keys) in sections() {
        if let Some(table) = own.get(section).and_then(|v| v.table(&mut Vec::new())) {
            let span = own.key_span(section).unwrap_or(0..0);
            under.push((format!("[{section}]"), span, table, keys));
        }
    }
    if let Some(last) = own
        .get("langkah")
        .and_then(|v| v.tables(&mut Vec::new()).pop())
    {
        let span = last.span.start..last.span.start;
        under.push((
            "[[langkah]] terakhir".into(),
            span,
            last,
            schema::names(schema::LANGKAH),
        ));
    }
    let mut all = Vec::new();
    for (section, span, table, keys) in under {
        let taken: Vec<&str> = table
            .entries()
            .map(|(key, _, _)| key)
            .filter(|key| !keys.contains(key) && top.contains(key))
            .collect();
        if taken.is_empty() {
            continue;
        }
        let list = taken.join(", ");
        diags.push(
            Diagnostic::error(
                own.file,
                span,
                format!("kunci SOP tertulis di bawah {section}: {list}"),
            )
            .with_label(format!(
                "semua kunci di bawah baris ini dianggap milik {section}"
            ))
            .with_hint(format!(
                "pindahkan baris {list} ke atas semua bagian bertanda [ ] dan [[ ]]: tulis \
                 semua kunci biasa dulu, baru kemudian bagian dan langkah"
            )),
        );
        all.extend(taken.into_iter().map(String::from));
    }
    all
}

/// A list copied from Word with its numbers ("1. UU ...", "2) Perpres ..."), as the
/// sheet numbers it: the numbers go when every item carries its own, in order.
fn without_numbers(items: Vec<String>) -> Vec<String> {
    let rest = |i: usize, item: &str| -> Option<String> {
        let after = item.trim_start().strip_prefix(&(i + 1).to_string())?;
        let after = after
            .strip_prefix('.')
            .or_else(|| after.strip_prefix(')'))?;
        after
            .starts_with(char::is_whitespace)
            .then(|| after.trim().to_string())
    };
    match items.iter().enumerate().map(|(i, t)| rest(i, t)).collect() {
        Some(bare) => bare,
        None => items,
    }
}

/// How many characters that cannot be printed are named one by one; the rest are
/// counted in one more error.
const GLYPH_ERRORS: usize = 10;

/// Checks whether the embedded font can print a character.
pub type Coverage<'a> = &'a dyn Fn(Font, char) -> bool;

/// Result of loading one SOP file: the SOP when it has no errors, and all diagnostics.
pub struct Loaded {
    /// The SOP, if the file had no errors.
    pub sop: Option<Sop>,
    /// Errors and warnings, in file order.
    pub diags: Vec<Diagnostic>,
}

/// Reads, parses and validates the SOP at `path` together with the katalog.toml files above it.
pub fn load(path: &Path, sources: &mut Sources, coverage: Coverage<'_>) -> Loaded {
    load_with(path, None, sources, coverage)
}

/// [`load`] with the SOP file's text given (`draft`), as the form editor holds it
/// before it is saved; the katalog.toml files and images are read from disk.
pub fn load_with(
    path: &Path,
    draft: Option<String>,
    sources: &mut Sources,
    coverage: Coverage<'_>,
) -> Loaded {
    let mut diags = Vec::new();
    let chain = source::katalog_chain(path);
    let root = source::catalogue_root(path, &chain);
    let mut files = Vec::new();
    for file in chain.iter().map(PathBuf::as_path) {
        match source::read(file, &root, sources) {
            Ok(ix) => files.push(ix),
            Err(d) => diags.push(d),
        }
    }
    match draft {
        Some(text) => files.push(sources.add(path, text)),
        None => match source::read(path, &root, sources) {
            Ok(ix) => files.push(ix),
            Err(d) => diags.push(d),
        },
    }
    if !diags.is_empty() {
        return Loaded { sop: None, diags };
    }
    let sources: &Sources = sources;
    let parsed: Vec<_> = files
        .iter()
        .filter_map(|f| source::parse(sources, *f, &mut diags))
        .collect();
    if !diags.is_empty() {
        diags.sort_by_key(|d| d.at.as_ref().map(|(f, s)| (*f, s.start)));
        return Loaded { sop: None, diags };
    }
    let layers: Vec<Table<'_>> = parsed.iter().map(|p| p.table()).collect();
    let (katalogs, own) = layers.split_at(layers.len() - 1);
    let own = &own[0];
    for k in katalogs {
        k.deny_unknown(
            &schema::names(schema::KATALOG),
            "di katalog.toml",
            &mut diags,
        );
        if let Some(section) = k.get("katalog").and_then(|v| v.table(&mut diags)) {
            section.deny_unknown(
                &schema::names(schema::KATALOG_BAGIAN),
                "di [katalog]",
                &mut diags,
            );
            if let Some(v) = section.get("alamat_verifikasi") {
                alamat_verifikasi(v, &mut diags);
            }
        }
    }
    let swallowed = swallowed_keys(own, &mut diags);
    own.deny_unknown(&schema::names(schema::SOP), "di berkas SOP", &mut diags);

    let mut v = Validator {
        sources,
        diags,
        root,
        swallowed,
    };
    let sop = v.sop(path, own, &layers, coverage);
    let mut diags = v.diags;
    diags.sort_by_key(|d| d.at.as_ref().map(|(f, s)| (*f, s.start)));
    let failed = diags.iter().any(Diagnostic::is_error);
    Loaded {
        sop: if failed { None } else { sop },
        diags,
    }
}

/// The most characters a verification base address may have: its QR code stays small
/// enough to print beside the signer's name.
const ALAMAT_MAKS: usize = 120;

/// Checks `[katalog] alamat_verifikasi`: an http(s) address without spaces, short
/// enough for a small QR code.
fn alamat_verifikasi(v: Val<'_>, diags: &mut Vec<Diagnostic>) {
    let Some(text) = v.text(diags) else {
        return;
    };
    let text = text.trim();
    let scheme = text.starts_with("https://") || text.starts_with("http://");
    let host = text.split("://").nth(1).unwrap_or("");
    let problem = if text.is_empty() {
        None
    } else if !scheme || host.is_empty() || host.starts_with('/') {
        Some("alamat verifikasi harus diawali https:// (atau http://) dan nama server")
    } else if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("alamat verifikasi tidak boleh berisi spasi")
    } else if text.contains(['?', '#']) {
        Some("alamat verifikasi tidak boleh berisi ? atau #: kode ditambahkan di belakangnya")
    } else if text.chars().count() > ALAMAT_MAKS {
        Some("alamat verifikasi terlalu panjang untuk kode QR yang kecil")
    } else {
        None
    };
    if let Some(message) = problem {
        diags.push(
            Diagnostic::error(v.file, v.span(), message)
                .with_hint("misalnya alamat_verifikasi = \"https://sop.dinas.go.id/verifikasi\""),
        );
    }
}

/// A flow table's `pelaksana` list as written.
struct Lanes<'a> {
    /// The value holding the list.
    list: Val<'a>,
    /// Each name with its own value, left to right.
    names: Vec<(String, Val<'a>)>,
    /// Whether a name is written twice.
    twice: bool,
}

struct Validator<'s> {
    sources: &'s Sources,
    diags: Vec<Diagnostic>,
    root: PathBuf,
    /// SOP keys written below a section header, already reported: their absence at the
    /// top, and their being unknown in the section, are not reported again.
    swallowed: Vec<String>,
}

impl Validator<'_> {
    fn sop(
        &mut self,
        path: &Path,
        own: &Table<'_>,
        layers: &[Table<'_>],
        coverage: Coverage<'_>,
    ) -> Option<Sop> {
        let merged: BTreeMap<&str, Merged<'_>> = INHERITED
            .iter()
            .map(|s| (*s, Merged::new(s, layers, &mut self.diags)))
            .collect();
        for (section, keys) in sections() {
            let mut allowed = keys;
            allowed.extend(self.swallowed.iter().map(String::as_str));
            merged[section].deny_unknown(&allowed, &format!("di [{section}]"), &mut self.diags);
        }

        let nomor = self.heading_text(own, "nomor");
        let nama = self.heading_text(own, "nama");
        let tanggal = |v: &mut Self, key: &str| {
            own.get(key)
                .map(|val| val.tanggal(&mut v.diags))
                .unwrap_or(Tanggal::Kosong)
        };
        let tanggal_pembuatan = tanggal(self, "tanggal_pembuatan");
        let tanggal_revisi = tanggal(self, "tanggal_revisi");
        let tanggal_efektif = tanggal(self, "tanggal_efektif");

        let gaya = self.gaya(&merged["gaya"]);
        self.check_glyphs(layers, gaya.font, coverage);
        let kertas = self.kertas(&merged["kertas"]);
        let instansi = self.instansi(&merged["instansi"]);
        let pengesahan = self.pengesahan(&merged["pengesahan"]);
        let status = self.status(own, &tanggal_efektif, &pengesahan);

        let mut label: BTreeMap<String, String> = LABEL_BAWAAN
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (key, val) in merged["label"].keys() {
            if let Some(text) = val.text(&mut self.diags) {
                label.insert(key.to_string(), text);
            }
        }

        let grid = grid::Isi::new(|kotak| {
            own.get(kotak.kunci)
                .map(|x| without_numbers(x.text_list(&mut self.diags)))
                .unwrap_or_default()
        });

        let prosedur = self.prosedur_all(own, &kertas);
        let tanggal_dokumen =
            tanggal_dokumen(&[&tanggal_revisi, &tanggal_pembuatan, &tanggal_efektif]);
        Some(Sop {
            path: path.to_path_buf(),
            nomor: nomor?,
            nama: nama?,
            tanggal_pembuatan,
            tanggal_revisi,
            tanggal_efektif,
            status,
            instansi,
            pengesahan,
            grid,
            prosedur,
            kertas,
            gaya,
            label,
            tanggal_dokumen,
        })
    }

    fn required_text(&mut self, table: &Table<'_>, key: &str) -> Option<String> {
        match table.get(key) {
            Some(v) => {
                let text = v.text(&mut self.diags)?;
                if text.trim().is_empty() {
                    self.diags.push(Diagnostic::error(
                        v.file,
                        v.span(),
                        format!("\"{key}\" tidak boleh kosong"),
                    ));
                    return None;
                }
                Some(text)
            }
            None if self.swallowed.iter().any(|k| k == key) => None,
            None => {
                // In a step or a sub-procedure: at its header; in the SOP itself: at the top.
                let at = table.span.start..table.span.start;
                self.diags.push(
                    Diagnostic::error(table.file, at, format!("kunci wajib \"{key}\" tidak ada"))
                        .with_hint(format!("tambahkan baris seperti: {key} = \"...\"")),
                );
                None
            }
        }
    }

    /// A required text that is also the PDF's title or bookmark (nomor, nama, the judul
    /// of a sub-procedure): at most [`JUDUL_MAKS`] characters, since PDF/A allows no
    /// longer string in the document's metadata.
    fn heading_text(&mut self, table: &Table<'_>, key: &str) -> Option<String> {
        let text = self.required_text(table, key)?;
        let count = text.chars().count();
        if count > JUDUL_MAKS {
            let v = table.get(key)?;
            self.diags.push(
                Diagnostic::error(
                    v.file,
                    v.span(),
                    format!("\"{key}\" terlalu panjang: {count} huruf (batasnya {JUDUL_MAKS})"),
                )
                .with_hint(format!(
                    "\"{key}\" tercetak di kop dan menjadi judul PDF; ringkas, dan pindahkan \
                     uraiannya ke langkah atau catatan"
                )),
            );
            return None;
        }
        Some(text)
    }

    fn text(&mut self, section: &Merged<'_>, key: &str) -> String {
        section
            .get(key)
            .and_then(|v| v.text(&mut self.diags))
            .unwrap_or_default()
    }

    fn gaya(&mut self, g: &Merged<'_>) -> Gaya {
        let font = match g.get("font") {
            None => Font::Sans,
            Some(v) => match v.text(&mut self.diags).as_deref() {
                Some("sans") | None => Font::Sans,
                Some("serif") => Font::Serif,
                Some(other) => {
                    self.diags
                        .push(self.choice_error(v, other, &["sans", "serif"]));
                    Font::Sans
                }
            },
        };
        let nomor_kolom = g
            .get("nomor_kolom")
            .and_then(|v| v.boolean(&mut self.diags))
            .unwrap_or(false);
        let jam_per_hari = match g.get("jam_per_hari") {
            None => None,
            Some(v) => match v.integer(&mut self.diags) {
                Some(n @ 1..=24) => Some(n as u32),
                Some(_) => {
                    self.diags.push(Diagnostic::error(
                        v.file,
                        v.span(),
                        "jam_per_hari harus antara 1 dan 24",
                    ));
                    None
                }
                None => None,
            },
        };
        let label_ya = g
            .get("label_ya")
            .and_then(|v| v.text(&mut self.diags))
            .unwrap_or_else(|| "Ya".into());
        let label_tidak = g
            .get("label_tidak")
            .and_then(|v| v.text(&mut self.diags))
            .unwrap_or_else(|| "Tidak".into());
        let lebar_kolom = g.get("lebar_kolom").and_then(|v| self.lebar_kolom(v));
        Gaya {
            lebar_kolom,
            font,
            nomor_kolom,
            label_ya,
            label_tidak,
            jam_per_hari,
        }
    }

    /// `lebar_kolom = { kegiatan = 3, ... }`: relative widths of the text columns, 1 for
    /// a column not named.
    fn lebar_kolom(&mut self, v: Val<'_>) -> Option<[f64; 5]> {
        let t = v.table(&mut self.diags)?;
        t.deny_unknown(
            &schema::names(schema::LEBAR_KOLOM),
            "di lebar_kolom",
            &mut self.diags,
        );
        let mut weights = [1.0; 5];
        for (w, name) in weights.iter_mut().zip(schema::names(schema::LEBAR_KOLOM)) {
            let Some(x) = t.get(name) else { continue };
            match x.number(&mut self.diags) {
                Some(n) if n > 0.0 && n <= 100.0 => *w = n,
                Some(_) => self.diags.push(
                    Diagnostic::error(x.file, x.span(), "lebar kolom harus antara 0 dan 100")
                        .with_hint("tulis lebar relatif, misalnya kegiatan = 3, output = 1"),
                ),
                None => {}
            }
        }
        Some(weights)
    }

    fn choice_error(&self, v: Val<'_>, got: &str, allowed: &[&str]) -> Diagnostic {
        let mut d = Diagnostic::error(v.file, v.span(), format!("nilai \"{got}\" tidak dikenal"))
            .with_label(format!("pilihan: {}", allowed.join(", ")));
        if let Some(near) = closest(got, allowed.iter().copied()) {
            d = d.with_hint(format!("maksudnya \"{near}\"?"));
        }
        d
    }

    fn kertas(&mut self, k: &Merged<'_>) -> Kertas {
        let ukuran = match k.get("ukuran") {
            None => Ukuran::A4,
            Some(v) => match v.text(&mut self.diags).map(|s| s.to_uppercase()).as_deref() {
                Some("A4") | None => Ukuran::A4,
                Some("F4") => Ukuran::F4,
                Some("LETTER") => Ukuran::Letter,
                Some("LEGAL") => Ukuran::Legal,
                Some(other) => {
                    self.diags
                        .push(self.choice_error(v, other, &["A4", "F4", "Letter", "Legal"]));
                    Ukuran::A4
                }
            },
        };
        let landscape = match k.get("orientasi") {
            None => true,
            Some(v) => match v.text(&mut self.diags).as_deref() {
                Some("landscape") | None => true,
                Some("portrait") => false,
                Some(other) => {
                    self.diags
                        .push(self.choice_error(v, other, &["landscape", "portrait"]));
                    true
                }
            },
        };
        Kertas { ukuran, landscape }
    }

    fn instansi(&mut self, i: &Merged<'_>) -> Instansi {
        Instansi {
            baris: i
                .get("baris")
                .map(|v| v.text_list(&mut self.diags))
                .unwrap_or_default(),
            unit: self.text(i, "unit"),
            logo: i.get("logo").and_then(|v| self.gambar(v)),
        }
    }

    fn pengesahan(&mut self, p: &Merged<'_>) -> Pengesahan {
        let nip = self.text(p, "nip");
        if let Some(v) = p.get("nip") {
            let digits = nip.chars().filter(char::is_ascii_digit).count();
            if !nip.trim().is_empty() && digits != 18 {
                self.diags.push(
                    Diagnostic::warning(
                        v.file,
                        v.span(),
                        format!("NIP berisi {digits} angka, bukan 18"),
                    )
                    .with_hint("NIP PNS terdiri dari 18 angka, misalnya 19691016 199503 1 001"),
                );
            }
        }
        Pengesahan {
            jabatan: self.text(p, "jabatan"),
            nama: self.text(p, "nama"),
            pangkat: self.text(p, "pangkat"),
            nip,
            ttd: p.get("ttd").and_then(|v| self.gambar(v)),
            elektronik: None,
        }
    }

    /// Reads an image named relative to the file that names it, inside the catalogue folder.
    fn gambar(&mut self, v: Val<'_>) -> Option<Gambar> {
        let name = v.text(&mut self.diags)?;
        if name.trim().is_empty() {
            return None;
        }
        let found = self.image_file(v, &name).and_then(|path| {
            let data = source::file::read_bytes(&path, source::file::GAMBAR_MAKS).map_err(|e| {
                let message = format!("tidak dapat membaca \"{name}\": {}", crate::io_error_id(&e));
                (message, "")
            })?;
            let format = image_format(&name, &data)?;
            Ok(Gambar { path, data, format })
        });
        match found {
            Ok(gambar) => Some(gambar),
            Err((message, hint)) => {
                self.diags
                    .push(Diagnostic::error(v.file, v.span(), message).with_hint(hint));
                None
            }
        }
    }

    /// The image file `name` (written in `v`), from the folder of the file naming it; it
    /// must be inside the catalogue folder.
    fn image_file(&self, v: Val<'_>, name: &str) -> Result<PathBuf, Refusal> {
        let base = self.sources.path(v.file).parent().unwrap_or(Path::new("."));
        let Ok(canonical) = base.join(name).canonicalize() else {
            return Err((
                format!("berkas gambar \"{name}\" tidak ditemukan"),
                "jalur gambar dihitung dari folder berkas yang menyebutnya",
            ));
        };
        let inside = source::file::real_inside(&canonical, &self.root).is_ok();
        if !inside {
            return Err((
                format!("gambar \"{name}\" berada di luar folder katalog"),
                "letakkan gambar di dalam folder katalog (folder berisi katalog.toml)",
            ));
        }
        Ok(canonical)
    }

    fn status(&mut self, own: &Table<'_>, efektif: &Tanggal, p: &Pengesahan) -> Status {
        let unsigned = !efektif.ada() || p.nama.trim().is_empty() || p.nip.trim().is_empty();
        let diganti_oleh = own.get("diganti_oleh");
        let status_val = own.get("status");
        let word = status_val.and_then(|v| v.text(&mut self.diags));
        let status = match (word.as_deref(), status_val) {
            (None, _) => {
                if unsigned {
                    Status::Konsep
                } else {
                    Status::Berlaku
                }
            }
            (Some("konsep"), _) => Status::Konsep,
            (Some("dicabut"), _) => Status::Dicabut,
            (Some("berlaku"), Some(v)) => {
                if unsigned {
                    let mut missing = Vec::new();
                    if !efektif.ada() {
                        missing.push("tanggal_efektif");
                    }
                    if p.nama.trim().is_empty() {
                        missing.push("pengesahan.nama");
                    }
                    if p.nip.trim().is_empty() {
                        missing.push("pengesahan.nip");
                    }
                    self.diags.push(
                        Diagnostic::error(v.file, v.span(), "SOP berstatus berlaku belum lengkap pengesahannya")
                            .with_label(format!("belum diisi: {}", missing.join(", ")))
                            .with_hint("lengkapi data pengesahan, atau tulis status = \"konsep\" selama masih draf"),
                    );
                }
                Status::Berlaku
            }
            (Some("diganti"), Some(v)) => {
                match diganti_oleh.and_then(|d| d.text(&mut self.diags)) {
                    Some(oleh) if !oleh.trim().is_empty() => Status::Diganti { oleh },
                    _ => {
                        self.diags.push(
                            Diagnostic::error(
                                v.file,
                                v.span(),
                                "status \"diganti\" memerlukan diganti_oleh",
                            )
                            .with_hint("tambahkan diganti_oleh = \"<nomor SOP pengganti>\""),
                        );
                        Status::Konsep
                    }
                }
            }
            (Some(other), Some(v)) => {
                self.diags.push(self.choice_error(
                    v,
                    other,
                    &["konsep", "berlaku", "dicabut", "diganti"],
                ));
                Status::Konsep
            }
            (Some(_), None) => Status::Konsep,
        };
        if let (Some(d), false) = (diganti_oleh, matches!(status, Status::Diganti { .. })) {
            self.diags.push(
                Diagnostic::error(
                    d.file,
                    d.span(),
                    "diganti_oleh hanya dipakai bersama status = \"diganti\"",
                )
                .with_hint("tambahkan status = \"diganti\" atau hapus baris ini"),
            );
        }
        status
    }

    /// One error per character that cannot be printed, at its first place, with how
    /// often it appears; at most [`GLYPH_ERRORS`] of them, then one line for the rest.
    fn check_glyphs(&mut self, layers: &[Table<'_>], font: Font, coverage: Coverage<'_>) {
        let found = unprintable(self.sources, layers, font, coverage);
        for f in found.iter().take(GLYPH_ERRORS) {
            let kali = if f.count > 1 {
                format!(", {} kali", f.count)
            } else {
                String::new()
            };
            let diag = if arah_teks(f.c) {
                Diagnostic::error(
                    f.file,
                    f.span.clone(),
                    format!(
                        "karakter pengatur arah teks U+{:04X} membalik urutan huruf yang tercetak{kali}",
                        f.c as u32
                    ),
                )
                .with_hint("hapus karakter tak terlihat ini: lembar yang disahkan harus terbaca sama dengan berkasnya")
            } else if f.c.is_control() {
                Diagnostic::error(
                    f.file,
                    f.span.clone(),
                    format!("karakter kendali U+{:04X} tidak dapat dicetak{kali}", f.c as u32),
                )
                .with_hint("hapus karakter tak terlihat ini; biasanya terbawa saat menyalin dari program lain")
            } else {
                Diagnostic::error(
                    f.file,
                    f.span.clone(),
                    format!(
                        "huruf '{}' (U+{:04X}) tidak ada di font {} maupun {}{kali}",
                        f.c,
                        f.c as u32,
                        font.family(),
                        crate::typeset::fonts::FALLBACK_FAMILY
                    ),
                )
                .with_hint("ganti dengan huruf biasa; sopan tidak mencetak kotak kosong")
            };
            self.diags.push(diag.with_label("tidak dapat dicetak"));
        }
        if let Some(first) = found.get(GLYPH_ERRORS) {
            let rest: usize = found[GLYPH_ERRORS..].iter().map(|f| f.count).sum();
            self.diags.push(
                Diagnostic::error(
                    first.file,
                    first.span.clone(),
                    format!(
                        "{} huruf lain ({rest} kali) juga tidak dapat dicetak",
                        found.len() - GLYPH_ERRORS
                    ),
                )
                .with_label("yang pertama di sini")
                .with_hint("teks dengan huruf Arab, Tionghoa atau emoji tidak dapat dicetak dengan font SOP"),
            );
        }
    }

    fn prosedur_all(&mut self, own: &Table<'_>, kertas: &Kertas) -> Vec<Prosedur> {
        let top_form = own.get("pelaksana").is_some() || own.get("langkah").is_some();
        match own.get("prosedur") {
            Some(p) if top_form => {
                self.diags.push(
                    Diagnostic::error(p.file, own.key_span("prosedur").unwrap_or(p.span()), "berkas memakai dua bentuk sekaligus")
                        .with_label("[[prosedur]] di sini")
                        .with_hint("pakai pelaksana + [[langkah]] di tingkat atas, ATAU [[prosedur]], jangan keduanya"),
                );
                Vec::new()
            }
            Some(p) => {
                let tables = p.tables(&mut self.diags);
                if tables.is_empty() {
                    self.diags
                        .push(Diagnostic::error(p.file, p.span(), "[[prosedur]] kosong"));
                }
                tables
                    .iter()
                    .filter_map(|t| {
                        t.deny_unknown(
                            &schema::names(schema::PROSEDUR),
                            "di [[prosedur]]",
                            &mut self.diags,
                        );
                        let judul = self.heading_text(t, "judul");
                        self.prosedur(t, judul, kertas)
                    })
                    .collect()
            }
            None => self.prosedur(own, None, kertas).into_iter().collect(),
        }
    }

    /// One flow table: its pelaksana, its steps, and where the flow goes.
    fn prosedur(
        &mut self,
        t: &Table<'_>,
        judul: Option<String>,
        kertas: &Kertas,
    ) -> Option<Prosedur> {
        let lanes = self.lanes(t, kertas)?;
        let mut pelaksana_errors = lanes.twice;
        let names: Vec<String> = lanes.names.iter().map(|(name, _)| name.clone()).collect();
        let steps = self.step_tables(t, lanes.list)?;
        let ids = self.step_ids(&steps);
        let mut langkah = Vec::with_capacity(steps.len());
        for (i, s) in steps.iter().enumerate() {
            let (step, unknown) = self.langkah(s, i, steps.len(), &names, &ids);
            pelaksana_errors |= unknown;
            langkah.push(step);
        }
        // After a lane named twice or a step naming no lane of the list, "unused lane"
        // warnings would only repeat the error.
        if !pelaksana_errors {
            self.unused_lanes(&lanes.names, &langkah);
        }
        if !self.diags.iter().any(Diagnostic::is_error) {
            self.check_flow_ends(&langkah, &steps);
        }
        Some(Prosedur {
            judul,
            pelaksana: names,
            langkah,
        })
    }

    /// The table's `pelaksana` list: refused when missing or empty; a name written
    /// twice, or more lanes than the paper holds, is an error.
    fn lanes<'a>(&mut self, t: &Table<'a>, kertas: &Kertas) -> Option<Lanes<'a>> {
        let pelaksana_val = match t.get("pelaksana") {
            Some(v) => v,
            None if self.swallowed.iter().any(|k| k == "pelaksana") => return None,
            None => {
                self.diags.push(
                    Diagnostic::error(
                        t.file,
                        t.span.start..t.span.start,
                        "daftar pelaksana tidak ada",
                    )
                    .with_hint("tambahkan pelaksana = [\"Kepala Dinas\", \"Sekretaris\", ...]"),
                );
                return None;
            }
        };
        let lanes = pelaksana_val.text_or_list(&mut self.diags);
        let mut twice = false;
        for (k, (name, v)) in lanes.iter().enumerate() {
            if lanes[..k].iter().any(|(earlier, _)| earlier == name) {
                self.diags.push(Diagnostic::error(
                    v.file,
                    v.span(),
                    format!("pelaksana \"{name}\" ditulis dua kali"),
                ));
                twice = true;
            }
        }
        if lanes.is_empty() {
            self.diags.push(Diagnostic::error(
                pelaksana_val.file,
                pelaksana_val.span(),
                "daftar pelaksana kosong",
            ));
            return None;
        }
        let most = columns::max_lanes(columns::printable_width(kertas));
        if lanes.len() > most {
            self.diags.push(
                Diagnostic::error(
                    pelaksana_val.file,
                    pelaksana_val.span(),
                    format!("{} pelaksana tidak muat di lebar kertas ini", lanes.len()),
                )
                .with_label(format!("kertas ini memuat paling banyak {most} pelaksana"))
                .with_hint(
                    "pakai kertas yang lebih lebar ([kertas] ukuran = \"F4\") atau \
                     orientasi = \"landscape\", atau gabungkan pelaksana yang bekerja bersama",
                ),
            );
        }
        Some(Lanes {
            list: pelaksana_val,
            names: lanes,
            twice,
        })
    }

    /// The table's `[[langkah]]`: refused when there are fewer than two or more than
    /// [`LANGKAH_MAKS`] (at the `langkah` key, else at the `pelaksana` list).
    fn step_tables<'a>(&mut self, t: &Table<'a>, pelaksana_val: Val<'a>) -> Option<Vec<Table<'a>>> {
        let steps = t
            .get("langkah")
            .map(|v| v.tables(&mut self.diags))
            .unwrap_or_default();
        let span = t.get("langkah").map_or(pelaksana_val.span(), |v| v.span());
        let (message, hint) = if steps.len() > LANGKAH_MAKS {
            (
                format!(
                    "terlalu banyak langkah: {} (batasnya {LANGKAH_MAKS} per prosedur)",
                    steps.len()
                ),
                "bagi prosedur ini menjadi beberapa SOP, atau beberapa [[prosedur]]",
            )
        } else if steps.len() < 2 {
            (
                format!(
                    "prosedur memerlukan sedikitnya dua langkah, ada {}",
                    steps.len()
                ),
                "tambahkan [[langkah]] dengan kegiatan dan pelaksana",
            )
        } else {
            return Some(steps);
        };
        self.diags
            .push(Diagnostic::error(t.file, span, message).with_hint(hint));
        None
    }

    /// The steps' ids, read before any step so that jumps may point forward: an id that
    /// is a number or "selesai", or is used twice, is an error.
    fn step_ids(&mut self, steps: &[Table<'_>]) -> BTreeMap<String, usize> {
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for (i, s) in steps.iter().enumerate() {
            let Some(v) = s.get("id") else { continue };
            let Some(id) = v.text(&mut self.diags) else {
                continue;
            };
            if id == "selesai" || id.parse::<usize>().is_ok() {
                self.diags.push(
                    Diagnostic::error(v.file, v.span(), format!("id \"{id}\" tidak boleh dipakai"))
                        .with_hint("id tidak boleh berupa angka atau \"selesai\""),
                );
            } else if ids.insert(id.clone(), i).is_some() {
                self.diags.push(
                    Diagnostic::error(
                        v.file,
                        v.span(),
                        format!("id \"{id}\" dipakai lebih dari sekali"),
                    )
                    .with_hint("setiap id harus unik dalam satu prosedur"),
                );
            }
        }
        ids
    }

    /// Step `i` of `n`, and whether it named a pelaksana that is not in `names`.
    fn langkah(
        &mut self,
        s: &Table<'_>,
        i: usize,
        n: usize,
        names: &[String],
        ids: &BTreeMap<String, usize>,
    ) -> (Langkah, bool) {
        let mut allowed = schema::names(schema::LANGKAH);
        allowed.extend(self.swallowed.iter().map(String::as_str));
        s.deny_unknown(&allowed, "di [[langkah]]", &mut self.diags);
        let kegiatan = self.required_text(s, "kegiatan").unwrap_or_default();
        let (pelaksana, unknown) = self.step_pelaksana(s, names);
        let waktu = self.waktu(s, i);
        let alur = self.alur(s, i, n, ids);
        let bentuk = match alur {
            Alur::Keputusan { .. } => Bentuk::Decision,
            _ if i == 0 || i == n - 1 => Bentuk::Terminator,
            _ => Bentuk::Process,
        };
        let mut list = |key: &str| {
            s.get(key)
                .map(|x| x.text_list(&mut self.diags))
                .unwrap_or_default()
        };
        let step = Langkah {
            kegiatan,
            pelaksana,
            kelengkapan: list("kelengkapan"),
            waktu,
            output: list("output"),
            keterangan: list("keterangan"),
            bentuk,
            alur,
        };
        (step, unknown)
    }

    /// Step `i`'s waktu, read once. Not written at all is for the review; written but
    /// unreadable is left out of Norma Waktu, and a warning says so.
    fn waktu(&mut self, s: &Table<'_>, i: usize) -> Waktu {
        let text = s
            .get("waktu")
            .and_then(|x| x.text(&mut self.diags))
            .unwrap_or_default();
        let waktu = Waktu::baca(text);
        if waktu.tak_terbaca() {
            let span = s.get("waktu").map(|v| v.span()).unwrap_or(s.span.clone());
            self.diags.push(
                Diagnostic::warning(
                    s.file,
                    span,
                    format!(
                        "waktu langkah {} tidak terbaca, Norma Waktu tidak menghitungnya",
                        i + 1
                    ),
                )
                .with_hint(
                    "tulis angka dan satuannya, seperti \"5 Menit\", \"1 Jam\" atau \"2 Hari\"",
                ),
            );
        }
        waktu
    }

    /// Warns about each lane no step uses.
    fn unused_lanes(&mut self, lanes: &[(String, Val<'_>)], langkah: &[Langkah]) {
        for (ix, (name, v)) in lanes.iter().enumerate() {
            if langkah.iter().any(|l| l.pelaksana.contains(&ix)) {
                continue;
            }
            self.diags.push(
                Diagnostic::warning(
                    v.file,
                    v.span(),
                    format!("pelaksana \"{name}\" tidak dipakai oleh langkah mana pun"),
                )
                .with_hint("hapus pelaksana ini dari daftar atau tetapkan langkah untuknya"),
            );
        }
    }

    /// Refuses a loop the flow enters and cannot leave (the procedure would never end),
    /// and warns about steps the flow from the first step never reaches.
    fn check_flow_ends(&mut self, langkah: &[Langkah], steps: &[Table<'_>]) {
        let n = langkah.len();
        // Steps from which the end can be reached, found backwards from the ends.
        let mut ends = vec![false; n];
        let mut changed = true;
        while changed {
            changed = false;
            for (i, l) in langkah.iter().enumerate() {
                if ends[i] {
                    continue;
                }
                let ok = matches!(l.alur, Alur::Akhir)
                    || l.alur.tujuan().any(|t| match t {
                        Tujuan::Selesai => true,
                        Tujuan::Langkah(j) => ends.get(j).copied().unwrap_or(false),
                    });
                if ok {
                    ends[i] = true;
                    changed = true;
                }
            }
        }
        let mut reached = vec![false; n];
        let mut todo = vec![0];
        while let Some(i) = todo.pop() {
            if i < n && !reached[i] {
                reached[i] = true;
                todo.extend(langkah[i].alur.langkah());
            }
        }
        let span = |i: usize| {
            let t = &steps[i];
            let v = t.get("keputusan").or_else(|| t.get("lanjut"));
            (t.file, v.map_or(t.span.start..t.span.start, |v| v.span()))
        };
        // The last such step usually holds the jump back that closes the loop.
        if let Some(stuck) = (0..n).rfind(|&i| reached[i] && !ends[i]) {
            let (file, at) = span(stuck);
            let hint = if steps[stuck].get("lanjut").is_some() {
                "hapus `lanjut` di langkah ini bila langkah ini seharusnya diteruskan ke langkah \
                 berikutnya; bila memang kembali, jadikan langkah keputusan dengan jalan keluar: \
                 keputusan = { ya = ..., tidak = ... }"
            } else {
                "beri putaran ini jalan keluar: salah satu tujuan keputusan ke langkah sesudah \
                 putaran, atau \"selesai\""
            };
            self.diags.push(
                Diagnostic::error(
                    file,
                    at,
                    format!(
                        "alur dari langkah {} tidak pernah sampai ke akhir prosedur",
                        stuck + 1
                    ),
                )
                .with_label("putaran tanpa jalan keluar")
                .with_hint(hint),
            );
        }
        let lost: Vec<usize> = (0..n).filter(|&i| !reached[i]).map(|i| i + 1).collect();
        if let Some(&first) = lost.first() {
            let t = &steps[first - 1];
            self.diags.push(
                Diagnostic::warning(
                    t.file,
                    t.span.start..t.span.start,
                    format!(
                        "langkah {} tidak pernah dicapai dari langkah 1",
                        crate::diag::daftar(&lost)
                    ),
                )
                .with_hint("periksa tujuan keputusan dan lanjut di langkah sebelumnya"),
            );
        }
    }

    /// The lanes a step names, and whether it named one that is not in the list.
    fn step_pelaksana(&mut self, s: &Table<'_>, names: &[String]) -> (Vec<usize>, bool) {
        let Some(v) = s.get("pelaksana") else {
            self.diags.push(
                Diagnostic::error(
                    s.file,
                    s.span.start..s.span.start,
                    "langkah tanpa pelaksana",
                )
                .with_hint(format!("tambahkan pelaksana = \"{}\"", names[0])),
            );
            return (Vec::new(), false);
        };
        let mut out = Vec::new();
        let mut unknown = false;
        let given = v.text_or_list(&mut self.diags);
        let none_given = given.is_empty();
        for (name, nv) in given {
            match names.iter().position(|n| *n == name) {
                Some(ix) if out.contains(&ix) => {}
                Some(ix) => out.push(ix),
                None => {
                    unknown = true;
                    let known = names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mut d = Diagnostic::error(
                        nv.file,
                        nv.span(),
                        format!("pelaksana \"{name}\" tidak ada di daftar pelaksana"),
                    )
                    .with_label(format!("pelaksana yang dikenal: {known}"));
                    if let Some(near) = closest(&name, names.iter().map(String::as_str)) {
                        d = d.with_hint(format!("maksudnya \"{near}\"?"));
                    } else {
                        d = d.with_hint("nama pelaksana harus sama persis (huruf besar/kecil) dengan daftar pelaksana");
                    }
                    self.diags.push(d);
                }
            }
        }
        if out.is_empty() && none_given {
            self.diags.push(Diagnostic::error(
                v.file,
                v.span(),
                "pelaksana langkah kosong",
            ));
        }
        out.sort_unstable();
        (out, unknown)
    }

    fn alur(&mut self, s: &Table<'_>, i: usize, n: usize, ids: &BTreeMap<String, usize>) -> Alur {
        let next = if i + 1 < n {
            Tujuan::Langkah(i + 1)
        } else {
            Tujuan::Selesai
        };
        let keputusan = s.get("keputusan");
        let lanjut = s.get("lanjut");
        if let (Some(_), Some(l)) = (keputusan, lanjut) {
            self.diags.push(
                Diagnostic::error(l.file, l.span(), "langkah keputusan tidak memakai lanjut")
                    .with_hint("arah keputusan ditulis di keputusan = { tidak = ..., ya = ... }"),
            );
        }
        if let Some(k) = keputusan {
            let Some(t) = k.table(&mut Vec::new()) else {
                self.diags.push(
                    Diagnostic::error(
                        k.file,
                        k.span(),
                        "keputusan ditulis dengan kurung kurawal { }",
                    )
                    .with_label("tujuan Ya dan Tidak ditulis di dalam { }")
                    .with_hint(
                        "tulis misalnya keputusan = { tidak = \"susun\" } (kembali ke langkah \
                             ber-id \"susun\") atau keputusan = { tidak = 2 } (ke langkah 2)",
                    ),
                );
                return Alur::Lanjut(next);
            };
            t.deny_unknown(
                &schema::names(schema::KEPUTUSAN),
                "di keputusan",
                &mut self.diags,
            );
            let ya = t
                .get("ya")
                .and_then(|v| self.tujuan(v, i, n, ids))
                .unwrap_or(next);
            let tidak = match t.get("tidak") {
                Some(v) => self.tujuan(v, i, n, ids).unwrap_or(next),
                None => {
                    self.diags.push(
                        Diagnostic::error(k.file, k.span(), "keputusan tanpa arah \"tidak\"")
                            .with_hint("tulis keputusan = { tidak = \"<id langkah>\" }, misalnya kembali ke langkah yang diperbaiki"),
                    );
                    next
                }
            };
            return Alur::Keputusan { ya, tidak };
        }
        match lanjut.and_then(|v| self.tujuan(v, i, n, ids)) {
            Some(t) => Alur::Lanjut(t),
            None if i + 1 == n => Alur::Akhir,
            None => Alur::Lanjut(next),
        }
    }

    /// Where step `i` of `n` jumps, as `v` writes it; never to itself.
    fn tujuan(
        &mut self,
        v: Val<'_>,
        i: usize,
        n: usize,
        ids: &BTreeMap<String, usize>,
    ) -> Option<Tujuan> {
        let target = match v.raw() {
            DeValue::Integer(_) => {
                let k = v.integer(&mut self.diags)?;
                self.step_number(v, i128::from(k), n)?
            }
            DeValue::String(s) if s.as_ref() == "selesai" => Tujuan::Selesai,
            // An id is never a number: "2" can only mean step 2.
            DeValue::String(s)
                if s.trim().bytes().all(|b| b.is_ascii_digit()) && !s.trim().is_empty() =>
            {
                let k = s.trim().parse::<usize>().unwrap_or(usize::MAX);
                self.step_number(v, k as i128, n)?
            }
            DeValue::String(s) => match ids.get(s.as_ref()) {
                Some(k) => Tujuan::Langkah(*k),
                None => {
                    self.diags.push(unknown_id(v, s, ids));
                    return None;
                }
            },
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        v.file,
                        v.span(),
                        "tujuan harus nomor langkah, id, atau \"selesai\"",
                    )
                    .with_label(format!(
                        "tertulis {}",
                        crate::source::reader::jenis(v.raw())
                    )),
                );
                return None;
            }
        };
        if target == Tujuan::Langkah(i) {
            self.diags.push(
                Diagnostic::error(
                    v.file,
                    v.span(),
                    "langkah tidak boleh melompat ke dirinya sendiri",
                )
                .with_hint("arahkan ke langkah yang mengerjakan perbaikan"),
            );
            return None;
        }
        Some(target)
    }

    /// Step `k` (1-based) of a procedure of `n` steps, as `v` writes it.
    fn step_number(&mut self, v: Val<'_>, k: i128, n: usize) -> Option<Tujuan> {
        if k < 1 || k > n as i128 {
            self.diags.push(
                Diagnostic::error(v.file, v.span(), format!("langkah {k} tidak ada"))
                    .with_label(format!("prosedur ini punya langkah 1 sampai {n}")),
            );
            return None;
        }
        Some(Tujuan::Langkah(k as usize - 1))
    }
}

/// A jump to id `s` that no step has: the ids there are, and the nearest one.
fn unknown_id(v: Val<'_>, s: &str, ids: &BTreeMap<String, usize>) -> Diagnostic {
    let mut d = Diagnostic::error(
        v.file,
        v.span(),
        format!("tidak ada langkah dengan id \"{s}\""),
    );
    if !ids.is_empty() {
        let mut known: Vec<String> = ids.keys().take(10).map(|id| format!("\"{id}\"")).collect();
        if ids.len() > 10 {
            known.push(format!("dan {} lainnya", ids.len() - 10));
        }
        d = d.with_label(format!("id yang ada: {}", known.join(", ")));
    }
    match closest(s, ids.keys().map(String::as_str)) {
        Some(near) => d.with_hint(format!("maksudnya \"{near}\"?")),
        None => d.with_hint(
            "tujuan adalah sebuah langkah, bukan pelaksana: tulis nomor \
             langkahnya tanpa tanda kutip (misalnya 3), atau beri langkah itu id = \"...\" dan tulis \
             id itu",
        ),
    }
}

/// A character the font cannot print, where it first appears and how often.
struct Unprintable {
    c: char,
    file: FileIx,
    span: Range<usize>,
    count: usize,
}

/// Every character in the text values of `layers` that `font` (and its fallback)
/// cannot print, or that is a control character other than a line break or tab, in
/// the order they first appear.
fn unprintable(
    sources: &Sources,
    layers: &[Table<'_>],
    font: Font,
    coverage: Coverage<'_>,
) -> Vec<Unprintable> {
    let mut found: Vec<Unprintable> = Vec::new();
    let mut seen: HashMap<char, usize> = HashMap::new();
    for layer in layers {
        for (_, _, val) in layer.entries() {
            source::each_string(val.file, val.value, &mut |v, text| {
                for c in text.chars() {
                    let printable = if c.is_control() || arah_teks(c) {
                        matches!(c, '\n' | '\t' | '\r')
                    } else {
                        coverage(font, c)
                    };
                    if printable {
                        continue;
                    }
                    if let Some(&ix) = seen.get(&c) {
                        found[ix].count += 1;
                        continue;
                    }
                    let raw = &sources.text(v.file)[v.span()];
                    let span = match raw.find(c) {
                        Some(off) => v.span().start + off..v.span().start + off + c.len_utf8(),
                        None => v.span(),
                    };
                    seen.insert(c, found.len());
                    found.push(Unprintable {
                        c,
                        file: v.file,
                        span,
                        count: 1,
                    });
                }
            });
        }
    }
    found
}

/// A refusal of an input: its message, and the hint that says what to do.
type Refusal = (String, &'static str);

/// The format of image `name`'s bytes (png, jpg, svg) when Typst can print it: not
/// larger than [`GAMBAR_PIKSEL_MAKS`], an SVG linking no other file, not broken.
fn image_format(name: &str, data: &[u8]) -> Result<&'static str, Refusal> {
    let format = sniff_image(data);
    if let Some((w, h)) = format.and_then(|f| pixels(data, f))
        && u64::from(w) * u64::from(h) > GAMBAR_PIKSEL_MAKS
    {
        return Err((
            format!(
                "gambar \"{name}\" terlalu besar: {w} × {h} piksel (batasnya {} juta piksel)",
                GAMBAR_PIKSEL_MAKS / 1_000_000
            ),
            "perkecil gambar itu (logo atau tanda tangan cukup 1000 piksel lebarnya)",
        ));
    }
    if format == Some("svg")
        && let Some(linked) = svg_link(data)
    {
        return Err((
            format!("gambar SVG \"{name}\" menautkan berkas lain (\"{linked}\")"),
            "SVG harus berdiri sendiri: simpan ulang dengan gambar disematkan (embed), atau ekspor sebagai .png",
        ));
    }
    match format {
        Some(format) if decodes(data, format) => Ok(format),
        Some(format) => Err((
            format!(
                "\"{name}\" rusak: tidak dapat dibaca sebagai gambar {}",
                format.to_uppercase()
            ),
            "buka lalu simpan ulang gambar itu dengan aplikasi gambar, atau ekspor ulang sebagai .png",
        )),
        None => Err((
            format!("\"{name}\" bukan gambar PNG, JPG atau SVG"),
            "simpan logo/tanda tangan sebagai .png, .jpg atau .svg",
        )),
    }
}

/// PNG, JPEG or SVG, by content.
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else {
        let head = String::from_utf8_lossy(&data[..data.len().min(2048)]);
        head.contains("<svg").then_some("svg")
    }
}

/// The most steps one prosedur may have: real SOPs have up to about 40.
pub const LANGKAH_MAKS: usize = 200;

/// The most characters of a nomor, a nama or a sub-procedure's judul: each becomes a
/// string of the PDF's metadata or bookmarks, which PDF/A limits to 32,767 bytes.
pub const JUDUL_MAKS: usize = 500;

/// The most pixels a logo or signature may have (a raster image is decoded whole).
pub const GAMBAR_PIKSEL_MAKS: u64 = 40_000_000;

/// Width and height of a PNG or JPEG, read from its header without decoding it.
fn pixels(data: &[u8], format: &str) -> Option<(u32, u32)> {
    let be16 = |at: usize| Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?));
    let be32 = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    match format {
        // Signature, IHDR length and type, then width and height.
        "png" => Some((be32(16)?, be32(20)?)),
        "jpg" => {
            let mut at = 2;
            while at + 9 < data.len() {
                if data[at] != 0xFF {
                    return None;
                }
                // Fill bytes (0xFF) may stand before a marker.
                if data[at + 1] == 0xFF {
                    at += 1;
                    continue;
                }
                let marker = data[at + 1];
                // Start-of-frame markers carry the size; DHT, JPG and DAC do not.
                if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                    return Some((u32::from(be16(at + 7)?), u32::from(be16(at + 5)?)));
                }
                at += 2 + usize::from(be16(at + 2)?);
            }
            None
        }
        _ => None,
    }
}

/// The first file an SVG links to (`<image href="logo.png">`, also `xlink:href`, spaces
/// around `=`, a prefixed `<svg:image>`); pictures written into it (`data:` addresses)
/// are fine.
fn svg_link(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.split('<').skip(1).find_map(|element| {
        let element = &element[..element.find('>').unwrap_or(element.len())];
        let name = element
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()?;
        if name != "image" && !name.ends_with(":image") {
            return None;
        }
        let (_, after) = element.split_once("href")?;
        let after = after.trim_start().strip_prefix('=')?.trim_start();
        let value = match after.chars().next()? {
            quote @ ('"' | '\'') => after[quote.len_utf8()..].split(quote).next()?,
            _ => after
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()?,
        };
        let value = value.trim();
        (!value.is_empty() && !value.starts_with("data:")).then(|| value.to_string())
    })
}

/// Whether Typst can decode the image, so a broken file is reported at the line that
/// names it rather than as Typst's error at render time. (Typst caches a raster
/// decode, so rendering reuses it; an SVG is parsed again, with fonts.)
fn decodes(data: &[u8], format: &str) -> bool {
    use typst::foundations::Bytes;
    use typst::visualize::{ExchangeFormat, RasterImage, SvgImage};
    let bytes = Bytes::new(data.to_vec());
    match format {
        "png" => RasterImage::plain(bytes, ExchangeFormat::Png).is_ok(),
        "jpg" => RasterImage::plain(bytes, ExchangeFormat::Jpg).is_ok(),
        _ => SvgImage::new(bytes).is_ok(),
    }
}

/// The date stamped into the PDF: the first date of the SOP that is set (revisi,
/// pembuatan, efektif), else 2000-01-01. `SOURCE_DATE_EPOCH` overrides it
/// ([`crate::pipeline::Settings`]).
fn tanggal_dokumen(candidates: &[&Tanggal]) -> (u16, u8, u8) {
    candidates
        .iter()
        .find_map(|t| match t {
            Tanggal::Hari { tahun, bulan, hari } => Some((*tahun, *bulan, *hari)),
            Tanggal::Bulan { tahun, bulan } => Some((*tahun, *bulan, 1)),
            _ => None,
        })
        .unwrap_or((2000, 1, 1))
}

#[cfg(test)]
mod tests {
    use super::{pixels, svg_link, without_numbers};

    #[test]
    fn image_sizes_from_headers_and_svg_links() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(50_000u32.to_be_bytes());
        png.extend(40_000u32.to_be_bytes());
        assert_eq!(pixels(&png, "png"), Some((50_000, 40_000)));
        // SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 400.
        let mut jpg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpg.extend([0; 14]);
        jpg.extend([0xFF, 0xC0, 0, 17, 8, 0x01, 0x2C, 0x01, 0x90, 3, 0, 0]);
        assert_eq!(pixels(&jpg, "jpg"), Some((400, 300)));
        let linked = br#"<svg><image width="5" xlink:href='../rahasia.png'/></svg>"#;
        assert_eq!(svg_link(linked).as_deref(), Some("../rahasia.png"));
        let spaced = br#"<svg:svg><svg:image href = "x.png"/></svg:svg>"#;
        assert_eq!(svg_link(spaced).as_deref(), Some("x.png"));
        // A quote of more than one byte, and a byte that is not UTF-8: no panic.
        assert_eq!(
            svg_link("<svg><image href=é/></svg>".as_bytes()).as_deref(),
            Some("é")
        );
        assert!(svg_link(b"<svg><image href=\xff/></svg>").is_some());
        assert_eq!(svg_link(br#"<svg><imagery href="x.png"/></svg>"#), None);
        // JPEG fill bytes before the frame marker.
        let mut filled = vec![0xFF, 0xD8, 0xFF, 0xFF, 0xFF];
        filled.extend([0xC0, 0, 17, 8, 0x01, 0x2C, 0x01, 0x90, 3, 0, 0]);
        assert_eq!(pixels(&filled, "jpg"), Some((400, 300)));
        let embedded = br#"<svg><image href="data:image/png;base64,AAAA"/></svg>"#;
        assert_eq!(svg_link(embedded), None);
    }

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn numbers_copied_from_word_go_only_when_every_item_has_its_own() {
        assert_eq!(
            without_numbers(list(&["1. UU No. 5", "2) Perpres 29"])),
            list(&["UU No. 5", "Perpres 29"])
        );
        let kept = list(&["1. UU No. 5", "Perpres 29"]);
        assert_eq!(without_numbers(kept.clone()), kept);
        let kept = list(&["2. UU No. 5", "1. Perpres 29"]);
        assert_eq!(without_numbers(kept.clone()), kept);
        let kept = list(&["1.5 meter"]);
        assert_eq!(without_numbers(kept.clone()), kept);
    }
}
