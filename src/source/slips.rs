//! The slips people make typing TOML by hand, found in the text and named in words a
//! clerk knows: Word's curly quotes, `[langkah]` for `[[langkah]]`, and the TOML
//! parser's own messages said again in Indonesian.

use std::ops::Range;

/// Sections written once per item: `[[langkah]]`, never `[langkah]`.
const ARRAYS: &[&str] = &["langkah", "prosedur", "prosedur.langkah"];

/// A line `[langkah]` (or another list section) typed with single brackets: the span of
/// the header, and the section's name.
pub fn single_brackets(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let content = line.split('#').next().unwrap_or("").trim();
        if let Some(name) = content
            .strip_prefix('[')
            .and_then(|c| c.strip_suffix(']'))
            .filter(|c| !c.starts_with('[') && !c.ends_with(']'))
            && let Some(&array) = ARRAYS.iter().find(|a| **a == name.trim())
        {
            let start = at + line.find('[').unwrap_or(0);
            out.push((start..start + content.len(), array));
        }
        at += line.len();
    }
    out
}

/// Word's curly quotes used where TOML wants straight ones, on the line holding byte
/// `offset`: the span of the first one outside a straight-quoted string.
pub fn curly_quote(text: &str, offset: usize) -> Option<Range<usize>> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].split('\n').next().unwrap_or("");
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return None,
            '“' | '”' | '‘' | '’' | '„' if !quoted => {
                return Some(start + i..start + i + c.len_utf8());
            }
            _ => {}
        }
    }
    None
}

/// The TOML parser's message in Indonesian, and a hint: what is wrong at the place it
/// points to, and how to write it.
pub fn syntax_message(message: &str) -> (String, &'static str) {
    let m = message.to_lowercase();
    let said = |s: &str| m.contains(s);
    if said("string values must be quoted") || said("unquoted string") {
        (
            "teks harus diapit tanda kutip".into(),
            "tulis teks di antara tanda kutip lurus, misalnya nama = \"Penyusunan LAKIP\"",
        )
    } else if said("date") || said("time") || said("year") || said("month") || said("day") {
        (
            "tanggal tidak terbaca".into(),
            "tulis tanggal tahun-bulan-tanggal tanpa tanda kutip, misalnya 2024-01-23",
        )
    } else if said("duplicate key") || said("duplicate") {
        (
            "kunci ini sudah ditulis sebelumnya".into(),
            "setiap kunci hanya boleh ditulis sekali di satu bagian; hapus salah satunya",
        )
    } else if said("unclosed array") || said("missing comma between array") {
        (
            "daftar [ ... ] belum ditutup atau butirnya tidak dipisah koma".into(),
            "pisahkan butir daftar dengan koma dan tutup dengan ]: [\"A\", \"B\"]",
        )
    } else if said("unclosed inline table") || said("inline table") {
        (
            "bagian { ... } tidak lengkap".into(),
            "tulis seperti keputusan = { tidak = \"susun\" }, ditutup dengan }",
        )
    } else if said("unclosed table") || said("unclosed array table") || said("invalid table") {
        (
            "judul bagian [ ... ] tidak ditutup".into(),
            "judul bagian ditulis [instansi] atau [[langkah]], pada barisnya sendiri",
        )
    } else if said("missing assignment") || said("key with no value") || said("missing value") {
        (
            "tanda = atau nilainya tidak ada".into(),
            "setiap baris ditulis kunci = nilai, misalnya waktu = \"1 Jam\"",
        )
    } else if said("extra assignment") || said("extra `=`") || said("unexpected `=`") {
        (
            "tanda = berlebih".into(),
            "satu baris hanya berisi satu kunci = nilai",
        )
    } else if said("invalid key")
        || said("invalid unquoted key")
        || said("unquoted keys cannot be empty")
    {
        (
            "nama kunci tidak valid".into(),
            "nama kunci ditulis huruf kecil dengan garis bawah, misalnya tanggal_efektif",
        )
    } else if said("escape") || said("unicode") {
        (
            "garis miring terbalik \\ di dalam teks".into(),
            "tulis \\\\ untuk satu garis miring terbalik, atau pakai kutip tunggal '...'",
        )
    } else if said("newline") || said("multi-line") || said("carriage return") {
        (
            "teks terputus di akhir baris".into(),
            "tutup teks dengan tanda kutip pada baris yang sama, atau pakai \"\"\" ... \"\"\" untuk teks beberapa baris",
        )
    } else if said("leading zero")
        || said("digits")
        || said("integer")
        || said("number")
        || said("radix")
        || said("sign")
    {
        (
            "angka tidak terbaca".into(),
            "tulis angka tanpa nol di depan, atau tulis teks di antara tanda kutip",
        )
    } else {
        (
            "susunan baris ini tidak dapat dibaca".into(),
            "periksa tanda kutip, tanda = dan kurung [ ] di sekitar tempat ini; teks harus diapit tanda kutip \"...\"",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_bracket_list_sections_are_found() {
        let text =
            "nomor = \"1\"\n[langkah]\nkegiatan = \"A\"\n\n[[langkah]]\n  [prosedur.langkah] # x\n";
        let found = single_brackets(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].0.clone()], "[langkah]");
        assert_eq!(found[1].1, "prosedur.langkah");
    }

    #[test]
    fn curly_quotes_are_found_only_where_they_stand_for_quotes() {
        let text = "nama = “Surat”\nkegiatan = \"Menulis “judul”\"\n";
        assert_eq!(curly_quote(text, 3), Some(7..10));
        assert_eq!(curly_quote(text, 20), None);
    }
}
