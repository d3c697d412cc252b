//! The labels an SOP document prints, and how a line is read as one: the kop's fields
//! ("Nomor SOP", "Tgl. Pembuatan", "Disahkan oleh" ...), the grid's boxes (from
//! [`grid::KOTAK`], with the other labels books print for them), and the flow table's
//! header. A label may stand alone on its line or lead it (`Label : value`,
//! `Label<TAB>value`); case, colons, dots and spaces around a slash do not matter.

use crate::grid;

/// A field of the kop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kop {
    /// Nomor SOP.
    Nomor,
    /// Tanggal Pembuatan.
    Pembuatan,
    /// Tanggal Revisi.
    Revisi,
    /// Tanggal Efektif.
    Efektif,
    /// Disahkan oleh: the signer.
    Disahkan,
    /// Nama SOP.
    Nama,
}

/// What a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jenis {
    /// A field of the kop.
    Kop(Kop),
    /// A box of the grid, by key.
    Kotak(&'static str),
}

/// The kop's labels as books print them, normalised (see [`normal`]).
const KOP: &[(&str, Kop)] = &[
    ("NOMOR SOP", Kop::Nomor),
    ("NO SOP", Kop::Nomor),
    ("NOMOR", Kop::Nomor),
    ("NO", Kop::Nomor),
    ("NOMOR STANDAR OPERASIONAL PROSEDUR", Kop::Nomor),
    ("TANGGAL PEMBUATAN", Kop::Pembuatan),
    ("TGL PEMBUATAN", Kop::Pembuatan),
    ("TANGGAL DIBUAT", Kop::Pembuatan),
    ("TANGGAL PENGESAHAN", Kop::Pembuatan),
    ("TGL PENGESAHAN", Kop::Pembuatan),
    ("TANGGAL REVISI", Kop::Revisi),
    ("TGL REVISI", Kop::Revisi),
    ("TANGGAL EFEKTIF", Kop::Efektif),
    ("TGL EFEKTIF", Kop::Efektif),
    ("TANGGAL BERLAKU", Kop::Efektif),
    ("TGL BERLAKU", Kop::Efektif),
    ("DISAHKAN OLEH", Kop::Disahkan),
    ("DISAHKAN", Kop::Disahkan),
    ("PENGESAHAN", Kop::Disahkan),
    ("NAMA SOP", Kop::Nama),
    ("JUDUL SOP", Kop::Nama),
    ("NAMA STANDAR OPERASIONAL PROSEDUR", Kop::Nama),
];

/// A column of the flow table's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kepala {
    /// The step's number.
    No,
    /// Kegiatan.
    Kegiatan,
    /// Pelaksana, over the lanes.
    Pelaksana,
    /// Mutu Baku, over its three columns.
    MutuBaku,
    /// Kelengkapan.
    Kelengkapan,
    /// Waktu.
    Waktu,
    /// Output.
    Output,
    /// Keterangan.
    Keterangan,
}

const KEPALA: &[(&str, Kepala)] = &[
    ("NO", Kepala::No),
    ("NOMOR", Kepala::No),
    ("KEGIATAN", Kepala::Kegiatan),
    ("URAIAN KEGIATAN", Kepala::Kegiatan),
    ("AKTIVITAS", Kepala::Kegiatan),
    ("URAIAN PROSEDUR", Kepala::Kegiatan),
    ("PELAKSANA", Kepala::Pelaksana),
    ("MUTU BAKU", Kepala::MutuBaku),
    ("KELENGKAPAN", Kepala::Kelengkapan),
    ("PERSYARATAN/KELENGKAPAN", Kepala::Kelengkapan),
    ("KELENGKAPAN/PERSYARATAN", Kepala::Kelengkapan),
    ("PERSYARATAN", Kepala::Kelengkapan),
    ("WAKTU", Kepala::Waktu),
    ("OUTPUT", Kepala::Output),
    ("KELUARAN", Kepala::Output),
    ("HASIL", Kepala::Output),
    ("KETERANGAN", Kepala::Keterangan),
    ("KET", Kepala::Keterangan),
];

/// A label for matching: upper case, without dots, colons and a list number before it,
/// spaces tidied and none around a slash.
pub fn normal(text: &str) -> String {
    let upper = text.to_uppercase().replace(['.', ':', '\u{a0}', '\t'], " ");
    let tidy = super::super::dokumen::rapikan(&upper);
    let tidy = tidy
        .replace(" / ", "/")
        .replace("/ ", "/")
        .replace(" /", "/");
    let tidy = tidy.replace('&', "DAN");
    strip_marker(&tidy).to_string()
}

/// "1 DASAR HUKUM" (from "1. Dasar Hukum"), "A DASAR HUKUM": the text after a list
/// number or letter.
fn strip_marker(text: &str) -> &str {
    let Some((first, rest)) = text.split_once(' ') else {
        return text;
    };
    let marker = first.len() <= 3
        && (first.chars().all(|c| c.is_ascii_digit())
            || (first.len() == 1 && first.chars().all(|c| c.is_ascii_uppercase()))
            || first.chars().all(|c| matches!(c, 'I' | 'V' | 'X')))
        && first != "NO";
    if marker && !rest.is_empty() {
        rest
    } else {
        text
    }
}

/// What a whole normalised label names, if anything.
fn jenis(label: &str) -> Option<Jenis> {
    if label.is_empty() {
        return None;
    }
    if let Some((_, k)) = KOP.iter().find(|(l, _)| *l == label) {
        return Some(Jenis::Kop(*k));
    }
    grid::KOTAK
        .iter()
        .find(|k| normal(k.label) == label || k.label_lain.iter().any(|l| normal(l) == label))
        .map(|k| Jenis::Kotak(k.kunci))
}

/// A line read as a label: what it names, and the value after it on the same line
/// (`None` when the label stands alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baca {
    /// What it names.
    pub jenis: Jenis,
    /// The rest of the line after the label and its colon or tab.
    pub sisa: Option<String>,
}

/// Reads `line` as a label: the whole line, or what comes before its first colon or tab.
pub fn baca(line: &str) -> Option<Baca> {
    let trimmed = line.trim();
    if trimmed.chars().count() > 120 {
        // A label is a few words; a long line is content, even with a colon in it.
        let head = trimmed.split([':', '\t']).next().unwrap_or("");
        if head.chars().count() > 60 {
            return None;
        }
    }
    if let Some(j) = jenis(&normal(trimmed)) {
        // "NO" alone is the flow table's number column, not the SOP's number.
        if normal(trimmed) == "NO" || normal(trimmed) == "NOMOR" {
            return None;
        }
        return Some(Baca {
            jenis: j,
            sisa: None,
        });
    }
    for sep in [':', '\t'] {
        let Some((head, tail)) = trimmed.split_once(sep) else {
            continue;
        };
        let Some(j) = jenis(&normal(head)) else {
            continue;
        };
        let tail = tail.trim().trim_start_matches(':').trim();
        return Some(Baca {
            jenis: j,
            sisa: (!tail.is_empty()).then(|| tail.to_string()),
        });
    }
    None
}

/// What header column a cell's text names.
pub fn kepala(text: &str) -> Option<Kepala> {
    let n = normal(text);
    KEPALA.iter().find(|(l, _)| *l == n).map(|(_, k)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_read_however_they_are_typed() {
        let nomor = Some(Baca {
            jenis: Jenis::Kop(Kop::Nomor),
            sisa: None,
        });
        assert_eq!(baca("NOMOR SOP"), nomor);
        assert_eq!(baca("No. SOP :"), nomor);
        assert_eq!(baca("\tNomor SOP"), nomor);
        let typed = baca("\t\tNomor SOP\t: 560/1501/NAKERTRAN").expect("label");
        assert_eq!(typed.sisa.as_deref(), Some("560/1501/NAKERTRAN"));
        let spaced = baca("Tanggal Pembuatan : 23-01-2024").expect("label");
        assert_eq!(spaced.jenis, Jenis::Kop(Kop::Pembuatan));
        assert_eq!(spaced.sisa.as_deref(), Some("23-01-2024"));
        assert_eq!(
            baca("Tgl. Efektif").map(|b| b.jenis),
            Some(Jenis::Kop(Kop::Efektif))
        );
        assert_eq!(
            baca("KUALIFIKASI PELAKSANAAN :").map(|b| b.jenis),
            Some(Jenis::Kotak("kualifikasi_pelaksana"))
        );
        assert_eq!(
            baca("Peralatan / Perlengkapan :").map(|b| b.jenis),
            Some(Jenis::Kotak("peralatan"))
        );
        assert_eq!(
            baca("Pencatatan dan pendataan").map(|b| b.jenis),
            Some(Jenis::Kotak("pencatatan"))
        );
        assert_eq!(baca("No"), None);
        assert_eq!(baca("Memeriksa berkas: jika lengkap diteruskan"), None);
        assert_eq!(kepala("Ket."), Some(Kepala::Keterangan));
        assert_eq!(kepala("NO."), Some(Kepala::No));
    }
}
