//! Waktu as numbers: a step's "5 Menit", "1 jam", "2 Hari" read once into a [`Durasi`]
//! (the number and the unit the clerk wrote), and Norma Waktu as a sum of them
//! ([`Lama`]: minutes, and days kept apart), printed only at the end.

use std::iter::Sum;
use std::ops::Add;

/// The unit a waktu is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Satuan {
    /// Menit (also "mnt").
    Menit,
    /// Jam: 60 minutes.
    Jam,
    /// Hari: as many minutes as `[gaya] jam_per_hari` says, if it says.
    Hari,
}

/// A duration as written in the Waktu column: a number and its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Durasi {
    /// The number, e.g. 1.5 for "1,5 Jam".
    pub jumlah: f64,
    /// The unit.
    pub satuan: Satuan,
}

/// A length of time to add up: minutes (an hour is 60), and days apart, since how many
/// minutes make a working day is known only when `[gaya] jam_per_hari` says so.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lama {
    /// Minutes, hours included.
    pub menit: f64,
    /// Days.
    pub hari: f64,
}

/// A step's waktu: the text the clerk wrote, printed as written, and what it was read
/// as (once, by the validator).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Waktu {
    /// As typed.
    pub teks: String,
    /// The duration read from it; `None` when empty or unreadable.
    pub durasi: Option<Durasi>,
}

/// The largest number a Waktu cell may hold: a step of a hundred thousand
/// minutes, hours or days is a typing slip, and a longer run of digits would
/// print as "inf".
const ANGKA_MAKS: f64 = 100_000.0;

/// Parses "5 Menit", "1 jam", "1,5 Jam", "2 hari"; `None` for anything else.
pub fn parse(text: &str) -> Option<Durasi> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let jumlah: f64 = number.replace(',', ".").parse().ok()?;
    if !(0.0..=ANGKA_MAKS).contains(&jumlah) {
        return None;
    }
    let satuan = match unit.trim().to_lowercase().as_str() {
        "menit" | "mnt" => Satuan::Menit,
        "jam" => Satuan::Jam,
        "hari" => Satuan::Hari,
        _ => return None,
    };
    Some(Durasi { jumlah, satuan })
}

impl Waktu {
    /// Reads a step's waktu as typed.
    pub fn baca(teks: String) -> Self {
        let durasi = parse(&teks);
        Self { teks, durasi }
    }

    /// Whether nothing is written.
    pub fn kosong(&self) -> bool {
        self.teks.trim().is_empty()
    }

    /// Whether something is written that is not a duration.
    pub fn tak_terbaca(&self) -> bool {
        self.durasi.is_none() && !self.kosong()
    }
}

impl From<Durasi> for Lama {
    fn from(d: Durasi) -> Self {
        match d.satuan {
            Satuan::Menit => Lama {
                menit: d.jumlah,
                hari: 0.0,
            },
            Satuan::Jam => Lama {
                menit: d.jumlah * 60.0,
                hari: 0.0,
            },
            Satuan::Hari => Lama {
                menit: 0.0,
                hari: d.jumlah,
            },
        }
    }
}

impl Add for Lama {
    type Output = Lama;
    fn add(self, other: Lama) -> Lama {
        Lama {
            menit: self.menit + other.menit,
            hari: self.hari + other.hari,
        }
    }
}

impl Sum for Lama {
    fn sum<I: Iterator<Item = Lama>>(iter: I) -> Lama {
        iter.fold(Lama::default(), Add::add)
    }
}

impl Lama {
    /// The total as printed: minutes roll into hours, hours into days only when the
    /// working day's length is known ("2 Hari 8 Jam 15 Menit").
    pub fn cetak(self, jam_per_hari: Option<u32>) -> String {
        let mut hari = self.hari;
        let mut menit = self.menit.round() as u64;
        if let Some(jph) = jam_per_hari.filter(|j| *j > 0) {
            let per_hari = u64::from(jph) * 60;
            hari += (menit / per_hari) as f64;
            menit %= per_hari;
        }
        let jam = menit / 60;
        let menit = menit % 60;
        let mut parts = Vec::new();
        if hari > 0.0 {
            parts.push(format!("{} Hari", angka(hari)));
        }
        if jam > 0 {
            parts.push(format!("{jam} Jam"));
        }
        if menit > 0 || parts.is_empty() {
            parts.push(format!("{menit} Menit"));
        }
        parts.join(" ")
    }
}

fn angka(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{}", value as u64)
    } else {
        format!("{value}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(jumlah: f64, satuan: Satuan) -> Option<Durasi> {
        Some(Durasi { jumlah, satuan })
    }

    #[test]
    fn huge_numbers_are_not_durations() {
        assert_eq!(parse(&format!("{} hari", "9".repeat(400))), None);
        assert_eq!(parse("100001 menit"), None);
        assert_eq!(parse("100000 menit"), d(100000.0, Satuan::Menit));
    }

    #[test]
    fn parses_the_forms_clerks_write() {
        assert_eq!(parse("5 Menit"), d(5.0, Satuan::Menit));
        assert_eq!(parse("1 jam"), d(1.0, Satuan::Jam));
        assert_eq!(parse("1,5 Jam"), d(1.5, Satuan::Jam));
        assert_eq!(parse("21 hari"), d(21.0, Satuan::Hari));
        assert_eq!(parse("menit"), None);
        assert_eq!(parse("segera"), None);
        let w = Waktu::baca("segera".into());
        assert!(w.tak_terbaca() && !w.kosong() && w.teks == "segera");
        assert!(!Waktu::baca(" ".into()).tak_terbaca());
    }

    #[test]
    fn minutes_roll_into_hours_and_hours_into_days_only_when_asked() {
        let total: Lama = [
            d(50.0, Satuan::Menit),
            d(25.0, Satuan::Menit),
            d(7.0, Satuan::Jam),
            d(2.0, Satuan::Hari),
        ]
        .into_iter()
        .flatten()
        .map(Lama::from)
        .sum();
        assert_eq!(
            total,
            Lama {
                menit: 495.0,
                hari: 2.0
            }
        );
        assert_eq!(total.cetak(None), "2 Hari 8 Jam 15 Menit");
        assert_eq!(total.cetak(Some(8)), "3 Hari 15 Menit");
        assert_eq!(
            Lama::from(Durasi {
                jumlah: 30.0,
                satuan: Satuan::Menit
            })
            .cetak(None),
            "30 Menit"
        );
        assert_eq!(Lama::default().cetak(None), "0 Menit");
        assert_eq!(
            Lama {
                menit: 0.0,
                hari: 1.5
            }
            .cetak(Some(8)),
            "1,5 Hari"
        );
    }
}
