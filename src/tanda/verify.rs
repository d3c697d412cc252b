//! Verifying the signatures of a PDF: each signature field's `/ByteRange` and
//! `/Contents`, the CMS inside (digest, signature, certificate), the timestamp if any,
//! trust against given roots, and what was appended after the signed revision.

use std::collections::{BTreeMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};
use x509_cert::Certificate;

use super::cms::{self, Hash};
use super::penanda::Identitas;
use super::tsa;
use super::waktu;

/// What verifying one signature found.
#[derive(Debug, Clone)]
pub struct Tanda {
    /// The field's name (`/T`).
    pub field: String,
    /// `/SubFilter`.
    pub sub_filter: String,
    /// Who the signing certificate names; `None` when it is not in the signature.
    pub penanda: Option<Identitas>,
    /// The claimed signing time, `/M` (Unix seconds).
    pub waktu: Option<i64>,
    /// The time a verified RFC 3161 timestamp vouches for.
    pub cap_waktu: Option<i64>,
    /// The signed bytes have the digest the signature says: nothing inside them changed.
    pub utuh: bool,
    /// The CMS signature verifies with its certificate's key.
    pub sah: bool,
    /// The certificate was valid at the signing time (the timestamp's, else `/M`).
    pub sertifikat_berlaku: Option<bool>,
    /// Trust against the roots given.
    pub kepercayaan: Kepercayaan,
    /// What the signature covers of the file.
    pub cakupan: Cakupan,
    /// Problems, in words.
    pub masalah: Vec<String>,
}

impl Tanda {
    /// Valid and intact: the signature verifies, the signed bytes are unchanged, it
    /// covers the file or only harmless additions follow, and (when roots were given)
    /// it chains to one of them.
    pub fn baik(&self) -> bool {
        self.utuh
            && self.sah
            && self.sertifikat_berlaku != Some(false)
            && !matches!(self.kepercayaan, Kepercayaan::TidakDipercaya(_))
            && self.cakupan.utuh()
    }
}

/// Trust in the signing certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kepercayaan {
    /// No root was given.
    TidakDiperiksa,
    /// It chains to a given root, named.
    Dipercaya(String),
    /// It does not; why.
    TidakDipercaya(String),
}

/// What a signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cakupan {
    /// The whole file.
    SeluruhBerkas,
    /// The file up to an incremental update appended after signing, with what that
    /// update changes.
    DiikutiPerubahan(Vec<Perubahan>),
    /// The `/ByteRange` leaves out more than `/Contents`, or points outside the file.
    Salah(String),
}

impl Cakupan {
    /// Whether nothing that changes what the signer saw follows the signature.
    pub fn utuh(&self) -> bool {
        match self {
            Cakupan::SeluruhBerkas => true,
            Cakupan::DiikutiPerubahan(changes) => changes.iter().all(Perubahan::tanpa_isi),
            Cakupan::Salah(_) => false,
        }
    }
}

/// A change made by an update appended after a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Perubahan {
    /// A page's content, resources or size changed (1-based).
    Halaman(usize),
    /// Pages were added or removed.
    JumlahHalaman {
        /// Before.
        sebelum: usize,
        /// After.
        sesudah: usize,
    },
    /// Annotations of a page changed (1-based).
    Anotasi(usize),
    /// Another signature was added.
    TandaTanganLain,
    /// Another object changed.
    Lain(String),
}

impl Perubahan {
    /// Whether the change leaves the signed content as it was (another signature).
    pub fn tanpa_isi(&self) -> bool {
        matches!(self, Perubahan::TandaTanganLain)
    }
}

impl std::fmt::Display for Perubahan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Perubahan::Halaman(n) => write!(f, "halaman {n} diubah"),
            Perubahan::JumlahHalaman { sebelum, sesudah } => {
                write!(f, "jumlah halaman berubah dari {sebelum} menjadi {sesudah}")
            }
            Perubahan::Anotasi(n) => write!(f, "anotasi di halaman {n} ditambah atau diubah"),
            Perubahan::TandaTanganLain => f.write_str("tanda tangan lain ditambahkan"),
            Perubahan::Lain(what) => write!(f, "{what} diubah"),
        }
    }
}

/// Why a PDF could not be verified at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a PDF lopdf can read.
    Rusak(String),
    /// No signature field with a value.
    TanpaTandaTangan,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::Rusak(e) => write!(f, "berkas PDF tidak dapat dibaca ({e})"),
            VerifyError::TanpaTandaTangan => {
                f.write_str("berkas PDF tidak berisi tanda tangan elektronik")
            }
        }
    }
}

/// Verifies every signature of `pdf`, in file order; `roots` are the trusted root
/// certificates (none: trust is not checked).
pub fn verify(pdf: &[u8], roots: &[Certificate]) -> Result<Vec<Tanda>, VerifyError> {
    crate::catch_panic(|| verify_unguarded(pdf, roots))
        .unwrap_or_else(|_| Err(VerifyError::Rusak("struktur PDF rusak".into())))
}

fn verify_unguarded(pdf: &[u8], roots: &[Certificate]) -> Result<Vec<Tanda>, VerifyError> {
    let doc = super::incremental::load(pdf).map_err(VerifyError::Rusak)?;
    let fields = signature_fields(&doc);
    if fields.is_empty() {
        return Err(VerifyError::TanpaTandaTangan);
    }
    let mut found: Vec<(usize, Tanda)> = fields
        .iter()
        .map(|(name, sig)| check_one(pdf, &doc, name, sig, roots))
        .collect();
    found.sort_by_key(|(end, _)| *end);
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// The signature fields with a value: name and signature dictionary.
fn signature_fields(doc: &Document) -> Vec<(String, Dictionary)> {
    let mut out = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return out;
    };
    let Some(form) = catalog
        .get(b"AcroForm")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok())
    else {
        return out;
    };
    let mut stack: Vec<(&Object, String)> = form
        .get(b"Fields")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .map(|a| a.iter().map(|o| (o, String::new())).collect())
        .unwrap_or_default();
    let mut seen = HashSet::new();
    while let Some((object, parent)) = stack.pop() {
        if let Object::Reference(id) = object
            && !seen.insert(*id)
        {
            continue;
        }
        let Ok((_, Object::Dictionary(field))) = doc.dereference(object) else {
            continue;
        };
        let own = field
            .get(b"T")
            .ok()
            .and_then(|t| t.as_str().ok())
            .map(decode_text)
            .unwrap_or_default();
        let name = match (parent.is_empty(), own.is_empty()) {
            (true, _) => own,
            (false, true) => parent.clone(),
            (false, false) => format!("{parent}.{own}"),
        };
        if let Ok(kids) = field.get(b"Kids").and_then(Object::as_array) {
            stack.extend(kids.iter().map(|k| (k, name.clone())));
        }
        let is_sig = field
            .get(b"FT")
            .ok()
            .and_then(|t| t.as_name().ok())
            .is_some_and(|n| n == b"Sig");
        if let (true, Ok(v)) = (is_sig, field.get(b"V"))
            && let Ok((_, Object::Dictionary(sig))) = doc.dereference(v)
        {
            out.push((name, sig.clone()));
        }
    }
    out
}

/// A PDF text string (PDFDocEncoding taken as Latin-1, or UTF-16BE with a BOM).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// Checks one signature; the end of its signed range comes first, for ordering.
fn check_one(
    pdf: &[u8],
    doc: &Document,
    name: &str,
    sig: &Dictionary,
    roots: &[Certificate],
) -> (usize, Tanda) {
    let text = |key: &[u8]| {
        sig.get(key)
            .ok()
            .and_then(|o| o.as_str().ok())
            .map(decode_text)
    };
    let mut tanda = Tanda {
        field: name.to_string(),
        sub_filter: sig
            .get(b"SubFilter")
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default(),
        penanda: None,
        waktu: text(b"M").and_then(|m| waktu::baca_pdf_date(&m)),
        cap_waktu: None,
        utuh: false,
        sah: false,
        sertifikat_berlaku: None,
        kepercayaan: Kepercayaan::TidakDiperiksa,
        cakupan: Cakupan::Salah("/ByteRange tidak ada".into()),
        masalah: Vec::new(),
    };
    let range: Vec<usize> = sig
        .get(b"ByteRange")
        .ok()
        .and_then(|o| o.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_i64().ok())
                .filter_map(|n| usize::try_from(n).ok())
                .collect()
        })
        .unwrap_or_default();
    let [a, b, c, d] = range[..] else {
        tanda.masalah.push("/ByteRange tidak terbaca".into());
        return (usize::MAX, tanda);
    };
    let end = c.saturating_add(d);
    if let Err(why) = check_range(pdf, [a, b, c, d]) {
        tanda.cakupan = Cakupan::Salah(why.clone());
        tanda.masalah.push(why);
        return (end, tanda);
    }
    let parts: [&[u8]; 2] = [&pdf[a..a + b], &pdf[c..end]];
    let contents = sig
        .get(b"Contents")
        .ok()
        .and_then(|o| o.as_str().ok())
        .unwrap_or_default();
    let parsed = match cms::parse(contents) {
        Ok(p) => p,
        Err(e) => {
            tanda
                .masalah
                .push(format!("isi tanda tangan tidak terbaca ({e})"));
            return (end, tanda);
        }
    };
    let signer = cms::check(&parsed, &parts);
    tanda.utuh = signer.digest_ok;
    tanda.sah = signer.signature_ok;
    tanda.masalah.extend(signer.masalah.iter().cloned());
    tanda.penanda = signer.cert.as_ref().map(Identitas::of);
    if let Some(info) = parsed.signed.signer_infos.0.iter().next()
        && let Some(token) = tsa::token_in(info)
    {
        match check_timestamp(&token, info.signature.as_bytes()) {
            Ok(t) => tanda.cap_waktu = Some(t),
            Err(e) => tanda.masalah.push(format!("cap waktu tidak sah ({e})")),
        }
    }
    let at = tanda.cap_waktu.or(tanda.waktu);
    if let (Some(id), Some(t)) = (&tanda.penanda, at) {
        let ok = id.berlaku_pada(t);
        tanda.sertifikat_berlaku = Some(ok);
        if !ok {
            tanda.masalah.push(format!(
                "sertifikat tidak berlaku pada waktu penandatanganan ({})",
                waktu::cetak(t)
            ));
        }
    }
    if !roots.is_empty()
        && let Some(cert) = &signer.cert
    {
        tanda.kepercayaan = trust(cert, &parsed.certs, roots, at);
        if let Kepercayaan::TidakDipercaya(why) = &tanda.kepercayaan {
            tanda.masalah.push(why.clone());
        }
    }
    tanda.cakupan = coverage(pdf, doc, end);
    if let Cakupan::DiikutiPerubahan(changes) = &tanda.cakupan {
        for change in changes.iter().filter(|c| !c.tanpa_isi()) {
            tanda
                .masalah
                .push(format!("setelah ditandatangani: {change}"));
        }
    }
    (end, tanda)
}

/// Whether `[a, b, c, d]` covers the file from 0 except exactly one hex string.
fn check_range(pdf: &[u8], [a, b, c, d]: [usize; 4]) -> Result<(), String> {
    let end = c.checked_add(d).filter(|&e| e <= pdf.len());
    if a != 0 || b > c || end.is_none() {
        return Err("/ByteRange menunjuk ke luar berkas".into());
    }
    let gap = &pdf[b..c];
    let hex = gap.len() >= 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit);
    if !hex {
        return Err("/ByteRange tidak hanya melewatkan /Contents".into());
    }
    Ok(())
}

/// The time a timestamp token over `signature` vouches for, after checking the token.
fn check_timestamp(token: &[u8], signature: &[u8]) -> Result<i64, String> {
    let info = tsa::read_token(token)?;
    let hash = Hash::from_oid(&info.message_imprint.hash_algorithm.oid)
        .ok_or("algoritma digest cap waktu tidak didukung")?;
    if info.message_imprint.hashed_message.as_bytes() != hash.digest(&[signature]).as_slice() {
        return Err("cap waktu untuk data lain".into());
    }
    let parsed = cms::parse(token)?;
    let content = tsa::tst_info_bytes(&parsed).ok_or("token tanpa isi")?;
    let check = cms::check(&parsed, &[&content]);
    if !(check.digest_ok && check.signature_ok) {
        return Err(check.masalah.join("; "));
    }
    Ok(info.gen_time)
}

/// Whether `cert` chains to one of `roots` through `pool`, each certificate valid at `at`.
fn trust(
    cert: &Certificate,
    pool: &[Certificate],
    roots: &[Certificate],
    at: Option<i64>,
) -> Kepercayaan {
    let mut current = cert.clone();
    for _ in 0..8 {
        if let Some(t) = at
            && !Identitas::of(&current).berlaku_pada(t)
        {
            return Kepercayaan::TidakDipercaya(format!(
                "sertifikat \"{}\" dalam rantai tidak berlaku pada waktu penandatanganan",
                Identitas::of(&current).nama
            ));
        }
        if let Some(root) = roots
            .iter()
            .find(|r| *r == &current || cms::issued_by(&current, r))
        {
            let id = Identitas::of(root);
            let name = if id.nama.is_empty() {
                id.penerbit
            } else {
                id.nama
            };
            return Kepercayaan::Dipercaya(name);
        }
        match pool
            .iter()
            .find(|p| *p != &current && cms::issued_by(&current, p))
        {
            Some(issuer) => current = issuer.clone(),
            None => break,
        }
    }
    Kepercayaan::TidakDipercaya(
        "sertifikat tidak diterbitkan oleh sertifikat akar yang diberikan (--akar)".into(),
    )
}

/// What the signature ending at `end` covers: all, or what the updates after it change.
fn coverage(pdf: &[u8], after: &Document, end: usize) -> Cakupan {
    let rest = &pdf[end..];
    if rest.iter().all(u8::is_ascii_whitespace) {
        return Cakupan::SeluruhBerkas;
    }
    let before = match super::incremental::load(&pdf[..end]) {
        Ok(d) => d,
        Err(e) => {
            return Cakupan::DiikutiPerubahan(vec![Perubahan::Lain(format!(
                "bagian yang ditandatangani tidak terbaca sendiri ({e})"
            ))]);
        }
    };
    Cakupan::DiikutiPerubahan(changes(&before, after))
}

/// What differs from `before` (the signed revision) to `after` (the whole file).
pub fn changes(before: &Document, after: &Document) -> Vec<Perubahan> {
    let mut found = Vec::new();
    let pages_before: Vec<ObjectId> = before.get_pages().into_values().collect();
    let pages_after: Vec<ObjectId> = after.get_pages().into_values().collect();
    if pages_before.len() != pages_after.len() {
        found.push(Perubahan::JumlahHalaman {
            sebelum: pages_before.len(),
            sesudah: pages_after.len(),
        });
    }
    for (i, (&pb, &pa)) in pages_before.iter().zip(&pages_after).enumerate() {
        let content = |doc: &Document, page: ObjectId, seen: &mut HashSet<ObjectId>| {
            let mut out = Vec::new();
            if let Ok(dict) = doc.get_dictionary(page) {
                for (k, v) in dict.iter() {
                    if k != b"Annots" && k != b"Parent" {
                        out.extend_from_slice(k);
                        flatten(doc, v, &mut out, seen);
                    }
                }
            }
            out
        };
        let mut seen_before = HashSet::new();
        let mut seen_after = HashSet::new();
        if content(before, pb, &mut seen_before) != content(after, pa, &mut seen_after) {
            found.push(Perubahan::Halaman(i + 1));
        }
        let annots = |doc: &Document, page: ObjectId| {
            let mut out = Vec::new();
            if let Ok(a) = doc.get_dictionary(page).and_then(|d| d.get(b"Annots")) {
                flatten(doc, a, &mut out, &mut HashSet::new());
            }
            out
        };
        if annots(before, pb) != annots(after, pa) && !only_signature_widgets(before, after, pb, pa)
        {
            found.push(Perubahan::Anotasi(i + 1));
        }
    }
    let sigs_before = signature_fields(before).len();
    let sigs_after = signature_fields(after).len();
    if sigs_after > sigs_before {
        found.push(Perubahan::TandaTanganLain);
    }
    found.dedup();
    found
}

/// Whether the only annotations added to a page are signature widgets.
fn only_signature_widgets(before: &Document, after: &Document, pb: ObjectId, pa: ObjectId) -> bool {
    let list = |doc: &Document, page: ObjectId| -> Vec<Object> {
        doc.get_dictionary(page)
            .and_then(|d| d.get(b"Annots"))
            .ok()
            .and_then(|a| doc.dereference(a).ok())
            .and_then(|(_, a)| a.as_array().ok().cloned())
            .unwrap_or_default()
    };
    let old = list(before, pb);
    let new = list(after, pa);
    if !new.starts_with(&old) {
        return false;
    }
    new[old.len()..].iter().all(|a| {
        after
            .dereference(a)
            .ok()
            .and_then(|(_, o)| o.as_dict().ok())
            .is_some_and(|d| {
                d.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Sig".as_slice())
            })
    })
}

/// Appends a canonical form of `object`, references resolved (once each), to `out`.
fn flatten(doc: &Document, object: &Object, out: &mut Vec<u8>, seen: &mut HashSet<ObjectId>) {
    match object {
        Object::Reference(id) => {
            if seen.insert(*id) {
                match doc.get_object(*id) {
                    Ok(o) => flatten(doc, o, out, seen),
                    Err(_) => out.extend_from_slice(b"?"),
                }
            } else {
                out.extend_from_slice(format!("@{}", id.0).as_bytes());
            }
        }
        Object::Array(items) => {
            out.push(b'[');
            for i in items {
                flatten(doc, i, out, seen);
                out.push(b' ');
            }
            out.push(b']');
        }
        Object::Dictionary(d) => flatten_dict(doc, d, out, seen),
        Object::Stream(s) => {
            flatten_dict(doc, &s.dict, out, seen);
            out.extend_from_slice(b"stream");
            out.extend_from_slice(&s.content);
        }
        other => super::incremental::write_object(out, other),
    }
}

fn flatten_dict(doc: &Document, d: &Dictionary, out: &mut Vec<u8>, seen: &mut HashSet<ObjectId>) {
    let sorted: BTreeMap<&Vec<u8>, &Object> = d.iter().collect();
    out.extend_from_slice(b"<<");
    for (k, v) in sorted {
        out.extend_from_slice(k);
        out.push(b' ');
        flatten(doc, v, out, seen);
    }
    out.extend_from_slice(b">>");
}
