//! Time as the signature needs it: Unix seconds, the PDF's `/M` date, and dates and
//! times printed for a clerk (in UTC, said so).

use crate::model::Tanggal;
use crate::model::civil_from_days;

/// Now, Unix seconds.
pub fn sekarang() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date and the time of day of `t`, in UTC.
fn parts(t: i64) -> ((u16, u8, u8), (i64, i64, i64)) {
    let s = t.rem_euclid(86_400);
    (
        civil_from_days(t.div_euclid(86_400)),
        (s / 3600, s % 3600 / 60, s % 60),
    )
}

/// The date of `t` (UTC).
pub fn tanggal(t: i64) -> (u16, u8, u8) {
    parts(t).0
}

/// `D:YYYYMMDDHHmmSSZ`, the PDF date of `t`.
pub fn pdf_date(t: i64) -> String {
    let ((y, m, d), (h, mi, s)) = parts(t);
    format!("D:{y:04}{m:02}{d:02}{h:02}{mi:02}{s:02}Z")
}

/// Reads a PDF date (`D:YYYYMMDDHHmmSS` with `Z` or `+HH'mm'`), to Unix seconds.
pub fn baca_pdf_date(text: &str) -> Option<i64> {
    let s = text.trim().strip_prefix("D:").unwrap_or(text.trim());
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    let n = |r: std::ops::Range<usize>, default: i64| {
        digits
            .get(r)
            .map_or(Some(default), |x| x.parse::<i64>().ok())
    };
    let (y, mo, d) = (n(0..4, 0)?, n(4..6, 1)?, n(6..8, 1)?);
    let (h, mi, se) = (n(8..10, 0)?, n(10..12, 0)?, n(12..14, 0)?);
    let mut t = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se;
    let rest = &s[digits.len()..];
    if let Some(sign @ ('+' | '-')) = rest.chars().next() {
        let off: Vec<i64> = rest[1..]
            .split('\'')
            .filter_map(|p| p.parse().ok())
            .collect();
        let minutes = off.first().copied().unwrap_or(0) * 60 + off.get(1).copied().unwrap_or(0);
        t -= if sign == '+' {
            minutes * 60
        } else {
            -minutes * 60
        };
    }
    Some(t)
}

/// `2024-06-01T12:30:00Z`.
pub fn iso(t: i64) -> String {
    let ((y, m, d), (h, mi, s)) = parts(t);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `1 Juni 2024 pukul 12.30 UTC`, for a clerk.
pub fn cetak(t: i64) -> String {
    let ((y, m, d), (h, mi, _)) = parts(t);
    let tanggal = Tanggal::Hari {
        tahun: y,
        bulan: m,
        hari: d,
    };
    format!("{} pukul {h:02}.{mi:02} UTC", tanggal.cetak())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let t = 1_717_245_000;
        assert_eq!(iso(t), "2024-06-01T12:30:00Z");
        assert_eq!(pdf_date(t), "D:20240601123000Z");
        assert_eq!(baca_pdf_date(&pdf_date(t)), Some(t));
        assert_eq!(baca_pdf_date("D:20240601193000+07'00'"), Some(t));
        assert_eq!(cetak(t), "1 Juni 2024 pukul 12.30 UTC");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
