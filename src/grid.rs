//! The boxes under the kop (Dasar Hukum, Kualifikasi Pelaksana, ...), defined once in
//! [`KOTAK`]: the schema, the printed labels, the validator, the sheet, the review, the
//! form (and its page script, which receives the table as JSON) and the importer's label
//! matcher all read this table. A box added here is a box everywhere.

use serde::Serialize;

/// How a box numbers its entries on the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nomor {
    /// Always 1., 2., ...
    Selalu,
    /// Only a list of two or more; a single text prints as a paragraph.
    BilaDaftar,
}

/// One box of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Kotak {
    /// The key in an SOP file, and in `[label]` for its printed label.
    pub kunci: &'static str,
    /// The label printed on the sheet unless `[label]` changes it; the importer finds
    /// the box in a Word or Excel file by it.
    pub label: &'static str,
    /// Other labels books print for the box, which the importer also knows it by.
    #[serde(skip)]
    pub label_lain: &'static [&'static str],
    /// How its entries are numbered.
    pub nomor: Nomor,
    /// Its name in a sentence: the form's field label and the review list.
    pub nama: &'static str,
    /// What goes in it, in a few words a clerk reads: the form's hint and the
    /// editor's hover (`sopan skema`).
    pub bantuan: &'static str,
    /// Whether the review before pengesahan lists the box while it is empty.
    pub tinjau: bool,
}

/// The key of the box whose entries name other SOPs: in a book they link to them, and
/// the review lists an entry that names none.
pub const KETERKAITAN: &str = "keterkaitan";

/// The boxes, in the order the sheet prints them: two to a row, left to right.
pub const KOTAK: &[Kotak] = &[
    Kotak {
        kunci: "dasar_hukum",
        label: "DASAR HUKUM",
        label_lain: &["LANDASAN HUKUM"],
        nomor: Nomor::Selalu,
        nama: "Dasar Hukum",
        bantuan: "Peraturan yang menjadi dasar SOP ini, satu per butir.",
        tinjau: true,
    },
    Kotak {
        kunci: "kualifikasi_pelaksana",
        label: "KUALIFIKASI PELAKSANA",
        label_lain: &[
            "KUALIFIKASI PELAKSANAAN",
            "KUALIFIKASI",
            "KUALIFIKASI PEGAWAI",
        ],
        nomor: Nomor::Selalu,
        nama: "Kualifikasi Pelaksana",
        bantuan: "Pendidikan, keahlian atau pelatihan yang diperlukan pelaksana.",
        tinjau: true,
    },
    Kotak {
        kunci: KETERKAITAN,
        label: "KETERKAITAN",
        label_lain: &[
            "KETERKAITAN SOP",
            "KETERKAITAN DENGAN SOP LAIN",
            "SOP TERKAIT",
        ],
        nomor: Nomor::Selalu,
        nama: "Keterkaitan",
        bantuan: "Nama SOP lain yang terkait; di buku SOP menjadi tautan ke SOP itu.",
        tinjau: false,
    },
    Kotak {
        kunci: "peralatan",
        label: "PERALATAN/PERLENGKAPAN",
        label_lain: &[
            "PERALATAN",
            "PERLENGKAPAN",
            "PERALATAN DAN PERLENGKAPAN",
            "PERALATAN/PERLENGKAPAN YANG DIBUTUHKAN",
        ],
        nomor: Nomor::Selalu,
        nama: "Peralatan/Perlengkapan",
        bantuan: "Alat dan bahan yang diperlukan, misalnya komputer atau formulir.",
        tinjau: true,
    },
    Kotak {
        kunci: "peringatan",
        label: "PERINGATAN",
        label_lain: &[],
        nomor: Nomor::BilaDaftar,
        nama: "Peringatan",
        bantuan: "Akibat bila SOP ini tidak dilaksanakan; satu butir dicetak sebagai paragraf.",
        tinjau: true,
    },
    Kotak {
        kunci: "pencatatan",
        label: "PENCATATAN DAN PENDATAAN",
        label_lain: &[
            "PENCATATAN/PENDATAAN",
            "PENCATATAN",
            "PENDATAAN",
            "PENCATATAN DAN PENDATAAN DATA",
        ],
        nomor: Nomor::BilaDaftar,
        nama: "Pencatatan dan Pendataan",
        bantuan: "Apa yang dicatat atau diarsipkan, dan di mana; satu butir dicetak sebagai paragraf.",
        tinjau: true,
    },
];

/// The box with key `kunci`.
pub fn kotak(kunci: &str) -> Option<&'static Kotak> {
    KOTAK.iter().find(|k| k.kunci == kunci)
}

impl Kotak {
    /// Whether `n` entries are printed numbered.
    pub fn bernomor(&self, n: usize) -> bool {
        match self.nomor {
            Nomor::Selalu => true,
            Nomor::BilaDaftar => n > 1,
        }
    }
}

/// What one SOP wrote in the boxes: one list per box of [`KOTAK`], in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Isi(Vec<Vec<String>>);

impl Isi {
    /// The contents read box by box.
    pub fn new(mut read: impl FnMut(&'static Kotak) -> Vec<String>) -> Self {
        Self(KOTAK.iter().map(&mut read).collect())
    }

    /// The entries of the box `kunci`; none for a key that is not a box.
    pub fn get(&self, kunci: &str) -> &[String] {
        KOTAK
            .iter()
            .position(|k| k.kunci == kunci)
            .and_then(|i| self.0.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Every box with its entries, in the order the sheet prints them.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Kotak, &[String])> {
        KOTAK
            .iter()
            .enumerate()
            .map(|(i, k)| (k, self.0.get(i).map_or(&[][..], Vec::as_slice)))
    }
}

/// `a`, `b` and `c` one after the other, as one array of `N`: a fixed list of keys with
/// the boxes' spliced in, still a constant.
pub const fn sambung<T: Copy, const N: usize>(a: &[T], b: &[T], c: &[T]) -> [T; N] {
    assert!(
        a.len() + b.len() + c.len() == N,
        "N is the three lengths added"
    );
    assert!(N > 0, "nothing to join");
    let first = if !a.is_empty() {
        a[0]
    } else if !b.is_empty() {
        b[0]
    } else {
        c[0]
    };
    let mut out = [first; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[a.len() + j] = b[j];
        j += 1;
    }
    let mut k = 0;
    while k < c.len() {
        out[a.len() + b.len() + k] = c[k];
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_labels_are_unique() {
        for (i, k) in KOTAK.iter().enumerate() {
            assert!(
                KOTAK[i + 1..]
                    .iter()
                    .all(|o| o.kunci != k.kunci && o.label != k.label),
                "{} twice",
                k.kunci
            );
        }
        // No label, printed or other, names two boxes.
        let mut all: Vec<&str> = KOTAK
            .iter()
            .flat_map(|k| std::iter::once(k.label).chain(k.label_lain.iter().copied()))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "a label names two boxes");
    }

    #[test]
    fn contents_follow_the_table() {
        let isi = Isi::new(|k| vec![k.label.to_lowercase()]);
        assert_eq!(isi.get("peralatan"), ["peralatan/perlengkapan"]);
        assert!(isi.get("bukan_kotak").is_empty());
        assert_eq!(isi.iter().count(), KOTAK.len());
        assert_eq!(sambung::<_, 4>(&[1], &[2, 3], &[4]), [1, 2, 3, 4]);
        let peringatan = kotak("peringatan").unwrap();
        assert!(!peringatan.bernomor(1) && peringatan.bernomor(2));
        assert!(kotak("dasar_hukum").unwrap().bernomor(1));
    }
}
