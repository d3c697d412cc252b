//! The Norma Waktu total: parsing "5 Menit", "1 jam", "2 Hari" and adding them up.

/// A duration as written in the Waktu column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Durasi {
    /// Minutes.
    Menit(f64),
    /// Hours.
    Jam(f64),
    /// Days.
    Hari(f64),
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
    let value: f64 = number.replace(',', ".").parse().ok()?;
    if !(0.0..=ANGKA_MAKS).contains(&value) {
        return None;
    }
    match unit.trim().to_lowercase().as_str() {
        "menit" | "mnt" => Some(Durasi::Menit(value)),
        "jam" => Some(Durasi::Jam(value)),
        "hari" => Some(Durasi::Hari(value)),
        _ => None,
    }
}

/// Adds durations up and prints the total: minutes roll into hours, hours into
/// days only when the working day's length is known.
pub fn total(items: &[Durasi], jam_per_hari: Option<u32>) -> String {
    let mut menit = 0.0;
    let mut hari = 0.0;
    for item in items {
        match *item {
            Durasi::Menit(m) => menit += m,
            Durasi::Jam(j) => menit += j * 60.0,
            Durasi::Hari(h) => hari += h,
        }
    }
    let mut menit = menit.round() as u64;
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

    #[test]
    fn huge_numbers_are_not_durations() {
        assert_eq!(parse(&format!("{} hari", "9".repeat(400))), None);
        assert_eq!(parse("100001 menit"), None);
        assert_eq!(parse("100000 menit"), Some(Durasi::Menit(100000.0)));
    }

    #[test]
    fn parses_the_forms_clerks_write() {
        assert_eq!(parse("5 Menit"), Some(Durasi::Menit(5.0)));
        assert_eq!(parse("1 jam"), Some(Durasi::Jam(1.0)));
        assert_eq!(parse("1,5 Jam"), Some(Durasi::Jam(1.5)));
        assert_eq!(parse("21 hari"), Some(Durasi::Hari(21.0)));
        assert_eq!(parse("menit"), None);
        assert_eq!(parse("segera"), None);
    }

    #[test]
    fn minutes_roll_into_hours_and_hours_into_days_only_when_asked() {
        let items = [
            Durasi::Menit(50.0),
            Durasi::Menit(25.0),
            Durasi::Jam(7.0),
            Durasi::Hari(2.0),
        ];
        assert_eq!(total(&items, None), "2 Hari 8 Jam 15 Menit");
        assert_eq!(total(&items, Some(8)), "3 Hari 15 Menit");
        assert_eq!(total(&[Durasi::Menit(30.0)], None), "30 Menit");
    }
}
