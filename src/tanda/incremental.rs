//! The incremental update that carries a signature: new objects and changed ones are
//! appended after the original file, which stays byte for byte as it was, so an earlier
//! signature and the PDF/A-2b conformance of the original survive.
//!
//! The update holds the signature dictionary (`/Sig`, with `/ByteRange` and a reserved
//! `/Contents`), one invisible signature field that is also its widget, page 1 with the
//! widget in its `/Annots`, the catalog with `/AcroForm`, and a cross-reference section of
//! the same form as the original's (a table after a table, a stream after a stream) with
//! `/Prev` pointing at the original's. The original is read with `lopdf`; the bytes
//! appended are written here.

use std::fmt::Write as _;
use std::ops::Range;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// Why a PDF cannot take a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// The bytes are not a PDF lopdf can read.
    Rusak(String),
    /// The PDF is encrypted.
    Terenkripsi,
    /// The PDF has no page to place the signature field on.
    TanpaHalaman,
    /// The signature is larger than the room reserved for it.
    RuangKurang {
        /// Bytes reserved.
        ruang: usize,
        /// Bytes needed.
        perlu: usize,
    },
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PdfError::Rusak(e) => write!(f, "berkas PDF tidak dapat dibaca ({e})"),
            PdfError::Terenkripsi => f.write_str("berkas PDF terkunci (terenkripsi)"),
            PdfError::TanpaHalaman => f.write_str("berkas PDF tidak berisi halaman"),
            PdfError::RuangKurang { ruang, perlu } => write!(
                f,
                "tanda tangan ({perlu} byte) lebih besar dari ruang yang disediakan ({ruang} byte)"
            ),
        }
    }
}

/// What the signature dictionary says besides the signature itself.
#[derive(Debug, Clone)]
pub struct SigField {
    /// `/T`: the field's name, unique in the document.
    pub nama_field: String,
    /// `/Name`: the signer's name.
    pub penanda: String,
    /// `/M`: the claimed signing time, as a PDF date (`D:20240601120000Z`).
    pub waktu: String,
    /// `/Reason`.
    pub alasan: String,
    /// `/Location`, if any.
    pub lokasi: Option<String>,
    /// Bytes reserved for the CMS signature in `/Contents`.
    pub ruang: usize,
}

/// A PDF with its signature update appended and `/Contents` still empty.
#[derive(Debug, Clone)]
pub struct Prepared {
    bytes: Vec<u8>,
    /// The `<...>` of `/Contents`, brackets included: the gap in `/ByteRange`.
    contents: Range<usize>,
}

impl Prepared {
    /// The two byte ranges the signature covers: everything but `/Contents`.
    pub fn signed_ranges(&self) -> [Range<usize>; 2] {
        [0..self.contents.start, self.contents.end..self.bytes.len()]
    }

    /// The bytes the signature covers, in order.
    pub fn signed_parts(&self) -> [&[u8]; 2] {
        let [a, b] = self.signed_ranges();
        [&self.bytes[a], &self.bytes[b]]
    }

    /// Bytes reserved for the signature.
    pub fn ruang(&self) -> usize {
        (self.contents.len() - 2) / 2
    }

    /// The signed PDF: `cms` written into `/Contents` as hex, zero-padded.
    pub fn fill(mut self, cms: &[u8]) -> Result<Vec<u8>, PdfError> {
        if cms.len() > self.ruang() {
            return Err(PdfError::RuangKurang {
                ruang: self.ruang(),
                perlu: cms.len(),
            });
        }
        let start = self.contents.start + 1;
        for (i, b) in cms.iter().enumerate() {
            self.bytes[start + 2 * i] = HEX[usize::from(b >> 4)];
            self.bytes[start + 2 * i + 1] = HEX[usize::from(b & 15)];
        }
        Ok(self.bytes)
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Width of the `/ByteRange` array as written: `[0 ` and three ten-digit numbers.
const BYTE_RANGE_WIDTH: usize = 36;

/// Appends to `pdf` an incremental update holding a signature field described by `field`,
/// with `/Contents` reserved and `/ByteRange` filled in.
pub fn prepare(pdf: &[u8], field: &SigField) -> Result<Prepared, PdfError> {
    let doc = load(pdf).map_err(PdfError::Rusak)?;
    if doc.is_encrypted() || doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Terenkripsi);
    }
    let prev = last_startxref(pdf).ok_or_else(|| PdfError::Rusak("startxref tidak ada".into()))?;
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| PdfError::Rusak(format!("/Root: {e}")))?;
    let page = *doc
        .get_pages()
        .values()
        .next()
        .ok_or(PdfError::TanpaHalaman)?;

    let first_new = doc.reference_table.size.max(doc.max_id + 1);
    let (sig, widget, look) = ((first_new, 0), (first_new + 1, 0), (first_new + 2, 0));
    let mut next = first_new + 3;

    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, u16, usize)> = Vec::new();

    // The signature dictionary, its /Contents and /ByteRange placeholders noted.
    offsets.push((sig.0, sig.1, out.len()));
    let (contents, byte_range) = write_sig(&mut out, sig, field);

    // The field and its widget, one dictionary; invisible, printable and locked.
    offsets.push((widget.0, widget.1, out.len()));
    let mut w = Dictionary::new();
    w.set("Type", Object::Name(b"Annot".to_vec()));
    w.set("Subtype", Object::Name(b"Widget".to_vec()));
    w.set("FT", Object::Name(b"Sig".to_vec()));
    w.set("T", text_string(&field.nama_field));
    w.set("V", Object::Reference(sig));
    w.set("F", Object::Integer(132));
    w.set("Rect", rect0());
    w.set("P", Object::Reference(page));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(look));
    w.set("AP", Object::Dictionary(ap));
    write_indirect(&mut out, widget, &Object::Dictionary(w));

    // An empty appearance: PDF/A wants one for every widget.
    offsets.push((look.0, look.1, out.len()));
    write!(
        Sink(&mut out),
        "{} {} obj\n<</Type/XObject/Subtype/Form/BBox[0 0 0 0]/Length 0>>\nstream\n\nendstream\nendobj\n",
        look.0,
        look.1
    )
    .expect("writing to memory");

    // Page 1 (or its /Annots array) with the widget added.
    for (id, object) in with_widget(&doc, page, widget)? {
        offsets.push((id.0, id.1, out.len()));
        write_indirect(&mut out, id, &object);
    }
    // The catalog (or its /AcroForm, or that form's /Fields) with the field added.
    for (id, object) in with_field(&doc, root, widget)? {
        offsets.push((id.0, id.1, out.len()));
        write_indirect(&mut out, id, &object);
    }

    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(root));
    if let Ok(info) = doc.trailer.get(b"Info") {
        trailer.set("Info", info.clone());
    }
    trailer.set("ID", document_id(&doc, pdf));
    trailer.set("Prev", Object::Integer(prev as i64));
    let xref_at = if !pdf_xref_is_table(pdf, prev) {
        let id = (next, 0);
        next += 1;
        offsets.push((id.0, id.1, out.len()));
        trailer.set("Size", Object::Integer(i64::from(next)));
        write_xref_stream(&mut out, id, &offsets, trailer)
    } else {
        trailer.set("Size", Object::Integer(i64::from(next)));
        write_xref_table(&mut out, &offsets, &trailer)
    };
    write!(Sink(&mut out), "startxref\n{xref_at}\n%%EOF\n").expect("writing to memory");

    let mut prepared = Prepared {
        contents: contents.clone(),
        bytes: out,
    };
    let [_, b] = prepared.signed_ranges();
    let numbers = format!(
        "[0 {} {} {}]",
        contents.start,
        b.start,
        prepared.bytes.len() - b.start
    );
    let slot = &mut prepared.bytes[byte_range];
    slot.fill(b' ');
    slot[..numbers.len()].copy_from_slice(numbers.as_bytes());
    Ok(prepared)
}

/// Reads a PDF with lopdf; a panic inside it on a damaged file is an error like any other.
pub fn load(pdf: &[u8]) -> Result<Document, String> {
    crate::catch_panic(|| Document::load_mem(pdf))
        .map_err(|_| "struktur PDF rusak".to_string())?
        .map_err(|e| e.to_string())
}

/// Writes the signature dictionary; returns where `<...>` of `/Contents` and the
/// `/ByteRange` array's placeholder are.
fn write_sig(out: &mut Vec<u8>, id: ObjectId, field: &SigField) -> (Range<usize>, Range<usize>) {
    write!(
        Sink(out),
        "{} {} obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached",
        id.0,
        id.1
    )
    .expect("writing to memory");
    out.extend_from_slice(b"/Name");
    write_object(out, &text_string(&field.penanda));
    out.extend_from_slice(b"/M");
    write_object(
        out,
        &Object::String(field.waktu.clone().into_bytes(), StringFormat::Literal),
    );
    out.extend_from_slice(b"/Reason");
    write_object(out, &text_string(&field.alasan));
    if let Some(lokasi) = &field.lokasi {
        out.extend_from_slice(b"/Location");
        write_object(out, &text_string(lokasi));
    }
    out.extend_from_slice(b"/ByteRange");
    let range_at = out.len();
    out.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
    out.extend_from_slice(b"/Contents");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', 2 * field.ruang));
    out.push(b'>');
    let contents = contents_at..out.len();
    out.extend_from_slice(b">>\nendobj\n");
    (contents, range_at..range_at + BYTE_RANGE_WIDTH)
}

/// Page `page` with `widget` in its `/Annots`, or its indirect `/Annots` array with it.
fn with_widget(
    doc: &Document,
    page: ObjectId,
    widget: ObjectId,
) -> Result<Vec<(ObjectId, Object)>, PdfError> {
    let dict = doc
        .get_dictionary(page)
        .map_err(|e| PdfError::Rusak(format!("halaman 1: {e}")))?;
    let mut dict = dict.clone();
    match dict.get(b"Annots") {
        Ok(Object::Reference(annots)) => {
            let annots = *annots;
            let mut list = doc
                .get_object(annots)
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default();
            list.push(Object::Reference(widget));
            Ok(vec![(annots, Object::Array(list))])
        }
        Ok(Object::Array(list)) => {
            let mut list = list.clone();
            list.push(Object::Reference(widget));
            dict.set("Annots", Object::Array(list));
            Ok(vec![(page, Object::Dictionary(dict))])
        }
        _ => {
            dict.set("Annots", Object::Array(vec![Object::Reference(widget)]));
            Ok(vec![(page, Object::Dictionary(dict))])
        }
    }
}

/// The catalog with `/AcroForm` naming `field`, or the objects of an existing form
/// that change for it.
fn with_field(
    doc: &Document,
    root: ObjectId,
    field: ObjectId,
) -> Result<Vec<(ObjectId, Object)>, PdfError> {
    let catalog = doc
        .get_dictionary(root)
        .map_err(|e| PdfError::Rusak(format!("katalog: {e}")))?
        .clone();
    let (form_id, form) = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => (
            Some(*id),
            doc.get_dictionary(*id).cloned().unwrap_or_default(),
        ),
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut form = form;
    let mut changed = Vec::new();
    match form.get(b"Fields") {
        Ok(Object::Reference(fields)) => {
            let fields = *fields;
            let mut list = doc
                .get_object(fields)
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default();
            list.push(Object::Reference(field));
            changed.push((fields, Object::Array(list)));
        }
        Ok(Object::Array(list)) => {
            let mut list = list.clone();
            list.push(Object::Reference(field));
            form.set("Fields", Object::Array(list));
        }
        _ => form.set("Fields", Object::Array(vec![Object::Reference(field)])),
    }
    // SignaturesExist | AppendOnly. PDF/A forbids NeedAppearances true.
    form.set("SigFlags", Object::Integer(3));
    form.remove(b"NeedAppearances");
    match form_id {
        Some(id) => changed.push((id, Object::Dictionary(form))),
        None => {
            let mut catalog = catalog;
            catalog.set("AcroForm", Object::Dictionary(form));
            changed.push((root, Object::Dictionary(catalog)));
        }
    }
    Ok(changed)
}

/// The trailer's `/ID`, its first half kept; a PDF without one gets one from its bytes.
fn document_id(doc: &Document, pdf: &[u8]) -> Object {
    use sha2::{Digest, Sha256};
    let fresh = Sha256::digest(pdf)[..16].to_vec();
    let first = doc
        .trailer
        .get(b"ID")
        .and_then(Object::as_array)
        .ok()
        .and_then(|a| a.first())
        .and_then(|o| o.as_str().ok())
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| fresh.clone());
    Object::Array(vec![
        Object::String(first, StringFormat::Hexadecimal),
        Object::String(fresh, StringFormat::Hexadecimal),
    ])
}

/// The offset after the last `startxref`.
pub fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let tail = &pdf[pdf.len().saturating_sub(2048)..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let rest = &tail[at + 9..];
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

/// Whether the cross-reference section at `at` is a table (`xref` keyword).
fn pdf_xref_is_table(pdf: &[u8], at: usize) -> bool {
    pdf.get(at..)
        .map(|s| {
            let s = &s[s.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            s.starts_with(b"xref")
        })
        .unwrap_or(false)
}

fn rect0() -> Object {
    Object::Array(vec![Object::Integer(0); 4])
}

/// A PDF text string: literal for printable ASCII, UTF-16BE with a byte order mark
/// otherwise.
pub fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn write_indirect(out: &mut Vec<u8>, id: ObjectId, object: &Object) {
    writeln!(Sink(out), "{} {} obj", id.0, id.1).expect("writing to memory");
    write_object(out, object);
    out.extend_from_slice(b"\nendobj\n");
}

/// Serialises a direct object (no streams: the objects rewritten here are dictionaries
/// and arrays).
pub fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(real(*r).as_bytes()),
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in bytes {
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            }
            out.push(b'>');
        }
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dict(out, dict),
        Object::Stream(stream) => write_dict(out, &stream.dict),
        Object::Reference((n, g)) => {
            write!(Sink(out), "{n} {g} R").expect("writing to memory");
        }
    }
}

fn write_dict(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        let regular = b.is_ascii_graphic() && !b"()<>[]{}/%#".contains(&b);
        if regular {
            out.push(b);
        } else {
            out.push(b'#');
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
    }
}

/// A real number as PDF writes it: no exponent, no trailing zeros.
fn real(r: f32) -> String {
    if !r.is_finite() {
        return "0".into();
    }
    let mut s = format!("{r}");
    if s.contains('e') {
        s = format!("{r:.6}");
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// Writes a cross-reference table and trailer for the objects at `offsets`; returns
/// where the table starts.
fn write_xref_table(
    out: &mut Vec<u8>,
    offsets: &[(u32, u16, usize)],
    trailer: &Dictionary,
) -> usize {
    let at = out.len();
    out.extend_from_slice(b"xref\n");
    for run in runs(offsets) {
        writeln!(Sink(out), "{} {}", run[0].0, run.len()).expect("writing to memory");
        for (_, generation, offset) in run {
            writeln!(Sink(out), "{offset:010} {generation:05} n ").expect("writing to memory");
        }
    }
    out.extend_from_slice(b"trailer\n");
    write_dict(out, trailer);
    out.push(b'\n');
    at
}

/// Writes a cross-reference stream (object `id`, its own offset the last of `offsets`);
/// returns where it starts.
fn write_xref_stream(
    out: &mut Vec<u8>,
    id: ObjectId,
    offsets: &[(u32, u16, usize)],
    mut dict: Dictionary,
) -> usize {
    let at = offsets.last().map_or(out.len(), |o| o.2);
    let mut data = Vec::new();
    let mut index = Vec::new();
    for run in runs(offsets) {
        index.push(Object::Integer(i64::from(run[0].0)));
        index.push(Object::Integer(run.len() as i64));
        for (_, generation, offset) in run {
            data.push(1u8);
            data.extend_from_slice(&(offset as u32).to_be_bytes());
            data.extend_from_slice(&generation.to_be_bytes());
        }
    }
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set(
        "W",
        Object::Array(vec![
            Object::Integer(1),
            Object::Integer(4),
            Object::Integer(2),
        ]),
    );
    dict.set("Index", Object::Array(index));
    dict.set("Length", Object::Integer(data.len() as i64));
    writeln!(Sink(out), "{} {} obj", id.0, id.1).expect("writing to memory");
    write_dict(out, &dict);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    at
}

/// `offsets` sorted by object number, in runs of consecutive numbers.
fn runs(offsets: &[(u32, u16, usize)]) -> Vec<Vec<(u32, u16, usize)>> {
    let mut sorted = offsets.to_vec();
    sorted.sort_by_key(|o| o.0);
    sorted.dedup_by_key(|o| o.0);
    let mut runs: Vec<Vec<(u32, u16, usize)>> = Vec::new();
    for o in sorted {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|l| l.0 + 1 == o.0) => run.push(o),
            _ => runs.push(vec![o]),
        }
    }
    runs
}

/// `fmt::Write` into a byte vector.
struct Sink<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}
