//! The validated SOP: everything the renderer needs, already checked.

use std::path::PathBuf;

use crate::grid;
use crate::waktu::{Lama, Waktu};

/// A date as printed on the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tanggal {
    /// Not given: prints "-".
    Kosong,
    /// A calendar date, printed in Indonesian ("23 Januari 2024").
    Hari { tahun: u16, bulan: u8, hari: u8 },
    /// A month only, as some books give it ("Agustus 2023").
    Bulan { tahun: u16, bulan: u8 },
}

/// Month names, as printed.
const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

impl Tanggal {
    /// The text printed on the sheet.
    pub fn cetak(&self) -> String {
        match self {
            Tanggal::Kosong => "-".into(),
            Tanggal::Hari { tahun, bulan, hari } => {
                format!("{hari} {} {tahun}", BULAN[usize::from(*bulan - 1)])
            }
            Tanggal::Bulan { tahun, bulan } => {
                format!("{} {tahun}", BULAN[usize::from(*bulan - 1)])
            }
        }
    }

    /// Whether a date was given at all.
    pub fn ada(&self) -> bool {
        !matches!(self, Tanggal::Kosong)
    }

    /// Reads a date typed as text, day first as Indonesians write it: "23-01-2024",
    /// "23/01/2024", "23.01.2024", "23 Januari 2024" (or "23 Jan 2024"), a month alone
    /// ("Agustus 2023"), or "2024-01-23" in quotes. `None` for anything else, and for a
    /// date that does not exist (30 Februari).
    pub fn baca(text: &str) -> Option<Tanggal> {
        let text = text.trim();
        let words: Vec<&str> = text.split_whitespace().collect();
        let (tahun, bulan, hari) = match words.as_slice() {
            [day, month, year] => (year.parse().ok()?, month_number(month)?, day.parse().ok()?),
            [month, year] => {
                let tanggal = Tanggal::Bulan {
                    tahun: year.parse().ok()?,
                    bulan: month_number(month)?,
                };
                return matches!(
                    tanggal,
                    Tanggal::Bulan {
                        tahun: 1000..=9999,
                        ..
                    }
                )
                .then_some(tanggal);
            }
            [one] => {
                let parts: Vec<&str> = one.split(['-', '/', '.']).collect();
                match parts.as_slice() {
                    [y, m, d] if y.len() == 4 => {
                        (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
                    }
                    [d, m, y] if y.len() == 4 => {
                        (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        let days = match bulan {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if tahun % 4 == 0 && (tahun % 100 != 0 || tahun % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        ((1000..=9999).contains(&tahun) && (1..=days).contains(&hari)).then_some(Tanggal::Hari {
            tahun,
            bulan,
            hari,
        })
    }
}

/// The number of a month written as a number, a name or its first three letters
/// ("Agt" and "Ags" for Agustus).
fn month_number(word: &str) -> Option<u8> {
    if let Ok(n) = word.parse::<u8>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let word = word.trim_end_matches('.').to_lowercase();
    if matches!(word.as_str(), "agt" | "ags") {
        return Some(8);
    }
    BULAN
        .iter()
        .position(|name| {
            let name = name.to_lowercase();
            word == name || (word.len() >= 3 && name.starts_with(&word))
        })
        .map(|k| k as u8 + 1)
}

/// Where an SOP stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// A draft, not yet signed.
    Konsep,
    /// Signed and in force.
    Berlaku,
    /// Withdrawn.
    Dicabut,
    /// Replaced by another SOP.
    Diganti { oleh: String },
}

impl Status {
    /// The word used in the register and in messages.
    pub fn nama(&self) -> &'static str {
        match self {
            Status::Konsep => "konsep",
            Status::Berlaku => "berlaku",
            Status::Dicabut => "dicabut",
            Status::Diganti { .. } => "diganti",
        }
    }
}

/// An image file named by the SOP (logo, signature), already read and checked.
#[derive(Debug, Clone)]
pub struct Gambar {
    /// The file on disk.
    pub path: PathBuf,
    /// Its bytes.
    pub data: Vec<u8>,
    /// File extension Typst uses to pick the decoder: png, jpg or svg.
    pub format: &'static str,
}

/// The issuing office, printed in the kop.
#[derive(Debug, Clone, Default)]
pub struct Instansi {
    /// Lines printed bold and upper case under the logo.
    pub baris: Vec<String>,
    /// The unit, printed last.
    pub unit: String,
    /// Logo image.
    pub logo: Option<Gambar>,
}

/// Who signs the SOP.
#[derive(Debug, Clone, Default)]
pub struct Pengesahan {
    /// Position, e.g. "Kepala Dinas".
    pub jabatan: String,
    /// Name of the signer.
    pub nama: String,
    /// Rank, optional.
    pub pangkat: String,
    /// NIP as typed (digits and spaces).
    pub nip: String,
    /// Signature or e-signature QR image.
    pub ttd: Option<Gambar>,
    /// Set only when sopan itself signs the sheet electronically (`sopan sahkan`): the
    /// block then says so, with a QR code of the verification address and a short code,
    /// instead of the hand-signed layout.
    pub elektronik: Option<Elektronik>,
}

/// The electronic signature block of a sheet signed by sopan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elektronik {
    /// The short code printed under the QR code (from the SHA-256 of what was approved).
    pub kode: String,
    /// The verification address the QR code holds; `None` when the catalogue names no
    /// verification base address (the code is printed alone).
    pub alamat: Option<String>,
}

/// Formats an 18-digit NIP the official way: "19691016 199503 1 001".
pub fn nip_resmi(nip: &str) -> String {
    let digits: String = nip.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 18 && nip.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()) {
        format!(
            "{} {} {} {}",
            &digits[0..8],
            &digits[8..14],
            &digits[14..15],
            &digits[15..18]
        )
    } else {
        nip.trim().to_string()
    }
}

/// Paper sizes a secretariat prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ukuran {
    /// 210 x 297 mm.
    A4,
    /// 215 x 330 mm.
    F4,
    /// 8.5 x 11 in.
    Letter,
    /// 8.5 x 14 in.
    Legal,
}

impl Ukuran {
    /// Width and height in points, portrait.
    pub fn pt(self) -> (f64, f64) {
        const MM: f64 = 72.0 / 25.4;
        match self {
            Ukuran::A4 => (210.0 * MM, 297.0 * MM),
            Ukuran::F4 => (215.0 * MM, 330.0 * MM),
            Ukuran::Letter => (612.0, 792.0),
            Ukuran::Legal => (612.0, 1008.0),
        }
    }
}

/// Paper and orientation.
#[derive(Debug, Clone, Copy)]
pub struct Kertas {
    /// Paper size.
    pub ukuran: Ukuran,
    /// Landscape (default) or portrait.
    pub landscape: bool,
}

impl Kertas {
    /// Page width and height in points.
    pub fn pt(&self) -> (f64, f64) {
        let (w, h) = self.ukuran.pt();
        if self.landscape { (h, w) } else { (w, h) }
    }
}

/// The two embedded font families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    /// Liberation Sans (Arial metrics).
    Sans,
    /// Liberation Serif (Times metrics).
    Serif,
}

impl Font {
    /// The family name Typst knows it by.
    pub fn family(self) -> &'static str {
        match self {
            Font::Sans => "Liberation Sans",
            Font::Serif => "Liberation Serif",
        }
    }
}

/// Style switches from `[gaya]`.
#[derive(Debug, Clone)]
pub struct Gaya {
    /// Relative widths of the text columns (kegiatan, kelengkapan, waktu, output,
    /// keterangan) when the clerk set `lebar_kolom`; planned from the text otherwise.
    pub lebar_kolom: Option<[f64; 5]>,
    /// Font family.
    pub font: Font,
    /// Print the "1 2 3 ..." column-number row.
    pub nomor_kolom: bool,
    /// Label on the Ya exit of a decision.
    pub label_ya: String,
    /// Label on the Tidak exit of a decision.
    pub label_tidak: String,
    /// Working hours in a day, to roll jam into hari in the Norma Waktu total.
    pub jam_per_hari: Option<u32>,
}

/// The printed labels of the kop, before the grid's.
const LABEL_KOP: &[(&str, &str)] = &[
    ("nomor_sop", "Nomor SOP"),
    ("tanggal_pembuatan", "Tanggal Pembuatan"),
    ("tanggal_revisi", "Tanggal Revisi"),
    ("tanggal_efektif", "Tanggal Efektif"),
    ("disahkan_oleh", "Disahkan oleh"),
    ("nama_sop", "Nama SOP"),
];

/// The grid's labels, from its table.
const LABEL_GRID: [(&str, &str); grid::KOTAK.len()] = {
    let mut out = [("", ""); grid::KOTAK.len()];
    let mut i = 0;
    while i < grid::KOTAK.len() {
        out[i] = (grid::KOTAK[i].kunci, grid::KOTAK[i].label);
        i += 1;
    }
    out
};

/// The printed labels of the flow tables and the footer.
const LABEL_ALUR: &[(&str, &str)] = &[
    ("no", "No"),
    ("kegiatan", "Kegiatan"),
    ("pelaksana", "Pelaksana"),
    ("mutu_baku", "Mutu Baku"),
    ("kelengkapan", "Kelengkapan"),
    ("waktu", "Waktu"),
    ("output", "Output"),
    ("keterangan", "Keterangan"),
    ("norma_waktu", "Norma Waktu"),
    ("halaman", "Halaman"),
    ("dari", "dari"),
    ("lanjutan", "lanjutan"),
    ("selesai", "Selesai"),
];

/// The printed labels, overridable through `[label]`: the kop's, the grid's, the flow
/// tables'.
pub const LABEL_BAWAAN: &[(&str, &str)] = &grid::sambung::<
    _,
    { LABEL_KOP.len() + grid::KOTAK.len() + LABEL_ALUR.len() },
>(LABEL_KOP, &LABEL_GRID, LABEL_ALUR);

/// Where a jump lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tujuan {
    /// A step, 0-based within its procedure.
    Langkah(usize),
    /// The procedure ends here.
    Selesai,
}

/// What follows a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alur {
    /// Goes on to one step (or ends).
    Lanjut(Tujuan),
    /// A decision: two exits.
    Keputusan { ya: Tujuan, tidak: Tujuan },
    /// The last step: the procedure ends with it.
    Akhir,
}

impl Alur {
    /// Where the flow goes from this step, Ya before Tidak.
    pub fn tujuan(self) -> impl Iterator<Item = Tujuan> {
        let (first, second) = match self {
            Alur::Lanjut(t) => (Some(t), None),
            Alur::Keputusan { ya, tidak } => (Some(ya), Some(tidak)),
            Alur::Akhir => (None, None),
        };
        first.into_iter().chain(second)
    }

    /// The steps (0-based) this step leads to, Ya before Tidak.
    pub fn langkah(self) -> impl Iterator<Item = usize> {
        self.tujuan().filter_map(|t| match t {
            Tujuan::Langkah(j) => Some(j),
            Tujuan::Selesai => None,
        })
    }
}

/// The symbol drawn for a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bentuk {
    /// Capsule: first and last step.
    Terminator,
    /// Rectangle.
    Process,
    /// Diamond.
    Decision,
}

/// One step of a procedure.
#[derive(Debug, Clone)]
pub struct Langkah {
    /// What is done.
    pub kegiatan: String,
    /// Who does the step: indices into the procedure's pelaksana; several for a joint step.
    pub pelaksana: Vec<usize>,
    /// Mutu Baku: Kelengkapan, one line per item.
    pub kelengkapan: Vec<String>,
    /// Mutu Baku: Waktu, as typed and as read.
    pub waktu: Waktu,
    /// Mutu Baku: Output, one line per item.
    pub output: Vec<String>,
    /// Keterangan, one line per item.
    pub keterangan: Vec<String>,
    /// Symbol.
    pub bentuk: Bentuk,
    /// Where the flow goes after this step.
    pub alur: Alur,
}

/// One flow table.
#[derive(Debug, Clone)]
pub struct Prosedur {
    /// Sub-procedure title, printed above its table.
    pub judul: Option<String>,
    /// Who does the steps, one lane each, left to right.
    pub pelaksana: Vec<String>,
    /// Steps in order.
    pub langkah: Vec<Langkah>,
}

impl Prosedur {
    /// Norma Waktu: the sum of the waktu that could be read, when any could.
    pub fn norma_waktu(&self) -> Option<Lama> {
        let mut read = self
            .langkah
            .iter()
            .filter_map(|l| l.waktu.durasi)
            .peekable();
        read.peek()?;
        Some(read.map(Lama::from).sum())
    }

    /// Steps (1-based) whose waktu is written but cannot be read.
    pub fn waktu_tak_terbaca(&self) -> Vec<usize> {
        self.steps_where(Waktu::tak_terbaca)
    }

    /// Steps (1-based) that Norma Waktu leaves out: no waktu, or one that cannot be read.
    pub fn tanpa_norma_waktu(&self) -> Vec<usize> {
        self.steps_where(|w| w.durasi.is_none())
    }

    fn steps_where(&self, pick: impl Fn(&Waktu) -> bool) -> Vec<usize> {
        self.langkah
            .iter()
            .enumerate()
            .filter(|(_, l)| pick(&l.waktu))
            .map(|(i, _)| i + 1)
            .collect()
    }
}

/// A fully validated SOP.
#[derive(Debug, Clone)]
pub struct Sop {
    /// The source file.
    pub path: PathBuf,
    /// Nomor SOP.
    pub nomor: String,
    /// Nama SOP.
    pub nama: String,
    /// Tanggal pembuatan.
    pub tanggal_pembuatan: Tanggal,
    /// Tanggal revisi.
    pub tanggal_revisi: Tanggal,
    /// Tanggal efektif.
    pub tanggal_efektif: Tanggal,
    /// Status.
    pub status: Status,
    /// Issuing office.
    pub instansi: Instansi,
    /// Signer.
    pub pengesahan: Pengesahan,
    /// The boxes under the kop (Dasar Hukum, ...), as [`grid::KOTAK`] lists them.
    pub grid: grid::Isi,
    /// Flow tables (one unless `[[prosedur]]` was used).
    pub prosedur: Vec<Prosedur>,
    /// Paper.
    pub kertas: Kertas,
    /// Style.
    pub gaya: Gaya,
    /// Printed labels, after `[label]` overrides.
    pub label: std::collections::BTreeMap<String, String>,
    /// Date stamped into the PDF (from SOURCE_DATE_EPOCH or the source).
    pub tanggal_dokumen: (u16, u8, u8),
}

impl Sop {
    /// The watermark text, if the sheet carries one.
    pub fn watermark(&self) -> Option<String> {
        match &self.status {
            Status::Konsep => Some("KONSEP".into()),
            Status::Dicabut => Some("DICABUT".into()),
            Status::Diganti { oleh } => Some(format!("DIGANTI — lihat {oleh}")),
            Status::Berlaku => None,
        }
    }

    /// Norma Waktu of the whole SOP: the sum over its flow tables (sub-procedures) of
    /// the waktu that could be read, when any could.
    pub fn norma_waktu(&self) -> Option<Lama> {
        let mut totals = self
            .prosedur
            .iter()
            .filter_map(Prosedur::norma_waktu)
            .peekable();
        totals.peek()?;
        Some(totals.sum())
    }

    /// A printed label.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.label.get(key).map(String::as_str).unwrap_or(key)
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (u16, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y.clamp(1, 9999) as u16, m as u8, d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nip_is_grouped_whatever_the_spacing() {
        assert_eq!(nip_resmi("196910161995031001"), "19691016 199503 1 001");
        assert_eq!(nip_resmi("19700313 199010 1 001"), "19700313 199010 1 001");
        assert_eq!(nip_resmi("1969 1016 1995 0310 01"), "19691016 199503 1 001");
        assert_eq!(nip_resmi("-"), "-");
    }

    #[test]
    fn dates_typed_as_text_are_read_day_first() {
        let hari = |tahun, bulan, hari| Some(Tanggal::Hari { tahun, bulan, hari });
        assert_eq!(Tanggal::baca("12-03-2025"), hari(2025, 3, 12));
        assert_eq!(Tanggal::baca("12/03/2025"), hari(2025, 3, 12));
        assert_eq!(Tanggal::baca("12 Maret 2025"), hari(2025, 3, 12));
        assert_eq!(Tanggal::baca("2 Agt 2023"), hari(2023, 8, 2));
        assert_eq!(Tanggal::baca("2025-03-12"), hari(2025, 3, 12));
        assert_eq!(
            Tanggal::baca("Agustus 2023"),
            Some(Tanggal::Bulan {
                tahun: 2023,
                bulan: 8
            })
        );
        for bad in [
            "30 Februari 2024",
            "bulan depan",
            "12-03-25",
            "13/13/2025",
            "2024",
        ] {
            assert_eq!(Tanggal::baca(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_print_in_indonesian() {
        let t = Tanggal::Hari {
            tahun: 2024,
            bulan: 1,
            hari: 23,
        };
        assert_eq!(t.cetak(), "23 Januari 2024");
        assert_eq!(Tanggal::Kosong.cetak(), "-");
    }
}
