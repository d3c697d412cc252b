//! The ZIP package a .docx or .xlsx is, opened with limits: every part is read whole
//! or refused (never cut, so its XML never ends half-way), no part over
//! [`PART_MAKS`], no more than [`TOTAL_MAKS`] unpacked in all, XML without DTDs and
//! no deeper than [`KEDALAMAN_MAKS`]. What is not a package is told apart: a file
//! protected by a password (an encrypted package inside an OLE compound file) and an
//! old Word or Excel file under a new name.

use std::collections::BTreeMap;
use std::io::Read;

use roxmltree::{Document, Node, ParsingOptions};

use super::ImporError;

/// The largest part of a package read (one XML file inside the ZIP).
pub const PART_MAKS: u64 = 32 * 1024 * 1024;

/// The most unpacked from one package in all.
pub const TOTAL_MAKS: u64 = 160 * 1024 * 1024;

/// The most parts a package may hold.
const PART_JUMLAH_MAKS: usize = 10_000;

/// The deepest XML elements may nest. Word nests about 40 deep (a table in a cell of
/// a table, a group of shapes in a drawing); a file nesting runs thousands deep is
/// made to make readers slow.
pub const KEDALAMAN_MAKS: usize = 256;

/// The most XML nodes read from one part.
const NODE_MAKS: u32 = 4_000_000;

const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// What a file holds, by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isi {
    /// A ZIP package (.docx, .xlsx, .odt ...).
    Zip,
    /// An OLE compound file holding an encrypted package: a .docx or .xlsx with a
    /// password to open it.
    Terkunci,
    /// An OLE compound file of another kind: an old .doc or .xls.
    Lama,
    /// Anything else.
    Lain,
}

/// What the bytes of a file are.
pub fn isi(data: &[u8]) -> Isi {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        return Isi::Zip;
    }
    if !data.starts_with(&OLE) {
        return Isi::Lain;
    }
    // The stream names of the compound file's directory are UTF-16.
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if data.windows(name.len()).any(|w| w == name) {
        Isi::Terkunci
    } else {
        Isi::Lama
    }
}

/// An open package.
pub struct Paket<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    /// Bytes unpacked so far.
    dibaca: u64,
}

impl<'a> Paket<'a> {
    /// Opens the package in `data`.
    pub fn buka(data: &'a [u8]) -> Result<Self, ImporError> {
        match isi(data) {
            Isi::Terkunci => return Err(ImporError::Terkunci),
            Isi::Zip => {}
            Isi::Lama | Isi::Lain => return Err(ImporError::BukanOffice),
        }
        let zip = zip::ZipArchive::new(std::io::Cursor::new(data))
            .map_err(|_| ImporError::BukanOffice)?;
        if zip.len() > PART_JUMLAH_MAKS {
            return Err(ImporError::Besar(format!(
                "berisi {} bagian (paling banyak {PART_JUMLAH_MAKS})",
                zip.len()
            )));
        }
        Ok(Self { zip, dibaca: 0 })
    }

    /// The bytes of part `name`, at most `maks`; `None` when the package has no such
    /// part. A part bigger than `maks`, or more than the package may unpack in all, is
    /// refused, never cut.
    pub fn bytes(&mut self, name: &str, maks: u64) -> Result<Option<Vec<u8>>, ImporError> {
        let entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(_) => return Err(ImporError::BukanOffice),
        };
        Self::unpack(entry, name, maks, &mut self.dibaca).map(Some)
    }

    fn unpack(
        entry: zip::read::ZipFile<'_, std::io::Cursor<&'a [u8]>>,
        name: &str,
        maks: u64,
        dibaca: &mut u64,
    ) -> Result<Vec<u8>, ImporError> {
        let too_big = || {
            ImporError::Besar(format!(
                "bagian {} lebih dari {} MB",
                super::dokumen::bersih(name),
                maks / (1024 * 1024)
            ))
        };
        if entry.encrypted() {
            return Err(ImporError::Terkunci);
        }
        if entry.size() > maks {
            return Err(too_big());
        }
        let room = maks.min(TOTAL_MAKS.saturating_sub(*dibaca));
        let mut out = Vec::with_capacity(entry.size().min(room) as usize);
        entry
            .take(room + 1)
            .read_to_end(&mut out)
            .map_err(|_| ImporError::BukanOffice)?;
        let n = out.len() as u64;
        if n > maks {
            return Err(too_big());
        }
        if n > room {
            return Err(ImporError::Besar(format!(
                "isinya lebih dari {} MB setelah dibuka",
                TOTAL_MAKS / (1024 * 1024)
            )));
        }
        *dibaca += n;
        Ok(out)
    }

    /// The text of XML part `name`; `None` when it is missing.
    pub fn teks(&mut self, name: &str) -> Result<Option<String>, ImporError> {
        let Some(bytes) = self.bytes(name, PART_MAKS)? else {
            return Ok(None);
        };
        teks_xml(bytes).map(Some)
    }

    /// Unpacks every part once, within the limits, so that a reader that opens the
    /// package itself (calamine) meets no part bigger than it says or than the limits.
    pub fn periksa_semua(&mut self) -> Result<(), ImporError> {
        for i in 0..self.zip.len() {
            let entry = self.zip.by_index(i).map_err(|_| ImporError::BukanOffice)?;
            if entry.is_dir() {
                continue;
            }
            let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
            Self::unpack(entry, &name, PART_MAKS, &mut self.dibaca)?;
        }
        Ok(())
    }

    /// The targets of a part's relationships by id, resolved against the part's folder.
    pub fn rels(&mut self, part: &str) -> Result<BTreeMap<String, String>, ImporError> {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let Some(xml) = self.teks(&format!("{dir}/_rels/{file}.rels"))? else {
            return Ok(BTreeMap::new());
        };
        let doc = xml_doc(&xml)?;
        Ok(doc
            .descendants()
            .filter(|n| n.has_tag_name((REL, "Relationship")))
            .filter(|n| n.attribute("TargetMode") != Some("External"))
            .filter_map(|n| {
                Some((
                    n.attribute("Id")?.to_string(),
                    resolve(dir, n.attribute("Target")?),
                ))
            })
            .collect())
    }
}

/// Decodes an XML part: UTF-8, or UTF-16 with its byte order mark.
fn teks_xml(bytes: Vec<u8>) -> Result<String, ImporError> {
    let utf16 = |be: bool| -> Result<String, ImporError> {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| ImporError::BukanOffice)
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => utf16(false),
        Some([0xFE, 0xFF]) => utf16(true),
        _ => String::from_utf8(bytes).map_err(|_| ImporError::BukanOffice),
    }
}

/// A relationship target resolved against the folder of the part that names it.
pub fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Parses XML as Office writes it: no DTD, at most [`NODE_MAKS`] nodes, nested at most
/// [`KEDALAMAN_MAKS`] deep (checked in one pass, so later walks may recurse).
pub fn xml_doc(text: &str) -> Result<Document<'_>, ImporError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODE_MAKS,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => ImporError::Xml(
            "berisi deklarasi DTD (<!DOCTYPE>), yang tidak pernah ditulis Word, Excel atau \
             LibreOffice"
                .into(),
        ),
        roxmltree::Error::NodesLimitReached => {
            ImporError::Besar(format!("XML-nya berisi lebih dari {NODE_MAKS} unsur"))
        }
        roxmltree::Error::EntityReferenceLoop(_) => {
            ImporError::Xml("XML-nya berisi rujukan entitas yang berulang tanpa henti".into())
        }
        _ => ImporError::Xml("XML-nya rusak atau terpotong".into()),
    })?;
    let mut depth: Vec<u16> = vec![0; doc.descendants().count() + 2];
    for node in doc.descendants() {
        let d = node
            .parent()
            .map_or(0, |p| depth.get(p.id().get_usize()).copied().unwrap_or(0))
            + 1;
        if usize::from(d) > KEDALAMAN_MAKS {
            return Err(ImporError::Besar(format!(
                "unsur XML-nya bersarang lebih dari {KEDALAMAN_MAKS} tingkat"
            )));
        }
        if let Some(slot) = depth.get_mut(node.id().get_usize()) {
            *slot = d;
        }
    }
    Ok(doc)
}

/// DrawingML's namespace, in which Word and Excel both draw shapes and lines.
pub const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";

/// The rotation of an `a:xfrm` in degrees, and its flips.
pub fn turn(xfrm: Option<Node>) -> (f64, bool, bool) {
    let flag = |a: &str| {
        xfrm.and_then(|x| x.attribute(a))
            .is_some_and(|v| v == "1" || v == "true")
    };
    let rot = xfrm
        .and_then(|x| x.attribute("rot"))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 60000.0;
    (rot, flag("flipH"), flag("flipV"))
}

/// Whether a rotation is a quarter turn or three (width and height swap on the page).
pub fn quarter(rot: f64) -> bool {
    ((rot / 90.0).round() as i64).rem_euclid(2) == 1
}

/// Arrowheads at a line's start (`a:headEnd`) and end (`a:tailEnd`), from its `spPr`.
pub fn heads(sppr: Option<Node>) -> (bool, bool) {
    let ln = sppr.and_then(|s| s.children().find(|c| c.has_tag_name((A, "ln"))));
    let head = |tag: &str| {
        ln.and_then(|l| l.children().find(|c| c.has_tag_name((A, tag))))
            .and_then(|e| e.attribute("type"))
            .is_some_and(|t| t != "none")
    };
    (head("headEnd"), head("tailEnd"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_targets_resolve_against_their_folder() {
        assert_eq!(
            resolve("xl/worksheets", "../drawings/d1.xml"),
            "xl/drawings/d1.xml"
        );
        assert_eq!(resolve("word", "/word/media/a.png"), "word/media/a.png");
    }

    #[test]
    fn deep_xml_is_refused_in_indonesian() {
        let deep = "<a>".repeat(KEDALAMAN_MAKS + 5) + &"</a>".repeat(KEDALAMAN_MAKS + 5);
        let e = xml_doc(&deep).expect_err("refused").to_string();
        assert!(e.contains("bersarang lebih dari 256 tingkat"), "{e}");
        let dtd = "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>";
        let e = xml_doc(dtd).expect_err("refused").to_string();
        assert!(e.contains("DTD"), "{e}");
        assert!(!e.contains("detected"), "{e}");
        let cut = "<a><b>";
        let e = xml_doc(cut).expect_err("refused").to_string();
        assert!(e.contains("rusak atau terpotong"), "{e}");
    }

    #[test]
    fn an_encrypted_package_is_told_from_an_old_file() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend_from_slice(&[0; 64]);
        assert_eq!(isi(&ole), Isi::Lama);
        ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(isi(&ole), Isi::Terkunci);
        assert_eq!(isi(b"PK\x03\x04rest"), Isi::Zip);
    }
}
