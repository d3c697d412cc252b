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
    // A curly quote inside a straight-quoted text that never closes: Word's closing
    // quote where the straight one should be (`nama = "Uji”`).
    let mut inside = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                inside = None;
            }
            '#' if !quoted => return None,
            '“' | '”' | '‘' | '’' | '„' if !quoted => {
                return Some(start + i..start + i + c.len_utf8());
            }
            '“' | '”' | '„' => inside = Some(start + i..start + i + c.len_utf8()),
            _ => {}
        }
    }
    if quoted { inside } else { None }
}

/// A syntax error said in a clerk's words: where, what, and how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    /// What to underline.
    pub span: Range<usize>,
    /// The headline.
    pub message: String,
    /// The text under the underline.
    pub label: String,
    /// How to write it instead.
    pub hint: String,
}

/// Explains the TOML parser's error `message` at `span` of `text`: a slip it recognises
/// on that line (Word's curly quotes, a text left open at the end of its line, a quote
/// mark inside a text, a date written day first), else the parser's message in
/// Indonesian.
pub fn explain(text: &str, span: Range<usize>, message: &str) -> Slip {
    let slip = |span, message: &str, label: &str, hint: &str| Slip {
        span,
        message: message.into(),
        label: label.into(),
        hint: hint.into(),
    };
    if let Some(line) = line_at(text, span.start)
        && let Some((at, c)) = text[line.clone()]
            .char_indices()
            .find(|(_, c)| c.is_control() && *c != '\t' && *c != '\r')
    {
        let at = line.start + at;
        return Slip {
            span: at..at + c.len_utf8(),
            message: format!("karakter kendali U+{:04X} di baris ini", c as u32),
            label: "karakter tak terlihat (tertulis ? di sini)".into(),
            hint: "hapus karakter ini; biasanya terbawa saat menyalin dari program lain".into(),
        };
    }
    if let Some(quote) = curly_quote(text, span.start) {
        return slip(
            quote,
            "tanda kutip miring dari Word",
            "sopan hanya mengenal tanda kutip lurus \"",
            "ganti “ dan ” dengan \" (ketik ulang tanda kutipnya di editor teks, atau matikan \
             AutoFormat \"smart quotes\" di Word)",
        );
    }
    // The error may point at the line after a text left open.
    for line in [line_at(text, span.start), line_before(text, span.start)]
        .into_iter()
        .flatten()
    {
        if let Some(open) = open_text(text, line.clone()) {
            return slip(
                open,
                "teks belum ditutup di baris ini",
                "tanda kutip penutup \" tidak ada di baris yang sama",
                "teks harus selesai di barisnya; untuk teks beberapa baris apit dengan tiga \
                 tanda kutip: kegiatan = \"\"\"...\"\"\"",
            );
        }
    }
    if let Some(line) = line_at(text, span.start)
        && let Some(inner) = inner_quote(text, line)
    {
        return slip(
            inner,
            "tanda kutip di dalam teks menutup teksnya",
            "teks berakhir di sini, sisanya tidak terbaca",
            "tulis \\\" untuk tanda kutip di dalam teks (\"Menyerahkan \\\"Surat Izin\\\"\"), atau \
             apit teksnya dengan kutip tunggal: 'Menyerahkan \"Surat Izin\"'",
        );
    }
    if let Some(crate::model::Tanggal::Hari { tahun, bulan, hari }) =
        crate::model::Tanggal::baca(text.get(span.clone()).unwrap_or(""))
    {
        return slip(
            span.clone(),
            "baris ini tidak dapat dibaca",
            "tanggal harus ditulis tahun-bulan-tanggal",
            &format!(
                "tulis {tahun:04}-{bulan:02}-{hari:02} (tahun-bulan-tanggal, tanpa tanda kutip), \
                 atau \"{}\" di dalam tanda kutip",
                text[span.clone()].trim()
            ),
        );
    }
    if let Some(lanes) = lanes_below_a_step(text, span.clone(), message) {
        return lanes;
    }
    let (label, hint) = syntax_message(message);
    slip(span, "baris ini tidak dapat dibaca", &label, hint)
}

/// The SOP's `pelaksana = [...]` written below a `[[langkah]]`: TOML reads it as the
/// step's own pelaksana, written twice. The clerk is told where the list belongs.
fn lanes_below_a_step(text: &str, span: Range<usize>, message: &str) -> Option<Slip> {
    if !syntax_message(message)
        .0
        .starts_with("kunci ini sudah ditulis")
    {
        return None;
    }
    let line = line_at(text, span.start)?;
    let written = text[line.clone()].trim_start();
    let value = written
        .strip_prefix("pelaksana")?
        .trim_start()
        .strip_prefix('=')?;
    if !value.trim_start().starts_with('[') {
        return None;
    }
    let header = text[..line.start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))?;
    if !(header.starts_with("[[langkah]]") || header.starts_with("[[prosedur.langkah]]")) {
        return None;
    }
    let above = if header.starts_with("[[prosedur") {
        "di bawah [[prosedur]]-nya, di atas [[prosedur.langkah]] pertama"
    } else {
        "di atas [[langkah]] pertama, bersama nomor dan nama"
    };
    Some(Slip {
        span: line.start + (text[line.clone()].len() - written.len())..line.end,
        message: "daftar pelaksana ditulis di bawah langkah".into(),
        label: "di sini terbaca sebagai pelaksana langkah terakhir, yang sudah ditulis".into(),
        hint: format!(
            "daftar pelaksana (kolom diagram) ditulis {above}; pindahkan baris ini ke sana \
             dan biarkan pelaksana langkah ini"
        ),
    })
}

/// The byte range of the line holding byte `offset`, without its line break.
fn line_at(text: &str, offset: usize) -> Option<Range<usize>> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some(start..end)
}

/// The line before the one holding byte `offset`.
fn line_before(text: &str, offset: usize) -> Option<Range<usize>> {
    let line = line_at(text, offset)?;
    (line.start > 0)
        .then(|| line_at(text, line.start - 1))
        .flatten()
}

/// The straight quotes of a value on `line` (after its `=`), comments and escaped
/// quotes left out: the byte offsets of each.
fn quotes(text: &str, line: Range<usize>) -> Option<(Range<usize>, Vec<usize>)> {
    let content = &text[line.clone()];
    let eq = content.find('=')?;
    let value = content[eq + 1..].trim_start();
    if !value.starts_with('"') || value.starts_with("\"\"\"") {
        return None;
    }
    let value_start = line.start + content.len() - content[eq + 1..].trim_start().len();
    let mut at = Vec::new();
    let mut escaped = false;
    for (i, c) in text[value_start..line.end].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => at.push(value_start + i),
            '#' if at.len() % 2 == 0 => break,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    Some((value_start..line.end, at))
}

/// A text value opened on `line` and not closed there: the span of its opening quote.
fn open_text(text: &str, line: Range<usize>) -> Option<Range<usize>> {
    let (_, at) = quotes(text, line)?;
    (at.len() % 2 == 1 && at.len() == 1).then(|| at[0]..at[0] + 1)
}

/// A text value on `line` holding straight quotes inside it: the span of the quote that
/// closes it too early.
fn inner_quote(text: &str, line: Range<usize>) -> Option<Range<usize>> {
    let (_, at) = quotes(text, line)?;
    (at.len() >= 3).then(|| at[1]..at[1] + 1)
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
    fn open_texts_and_quotes_inside_texts_are_named() {
        let open = "nama = \"A\"\nkegiatan = \"Menyerahkan surat\nkepada pemohon\"\n";
        let slip = explain(open, 40..41, "missing assignment between key-value pairs");
        assert_eq!(slip.message, "teks belum ditutup di baris ini");
        assert_eq!(&open[slip.span.clone()], "\"");
        let inner = "kegiatan = \"Menyerahkan \"Surat Izin\" kepada pemohon\"\n";
        let slip = explain(inner, 25..26, "unexpected content");
        assert_eq!(slip.message, "tanda kutip di dalam teks menutup teksnya");
        let date = "tanggal_pembuatan = 12/03/2025\n";
        let slip = explain(date, 20..30, "string values must be quoted");
        assert_eq!(slip.label, "tanggal harus ditulis tahun-bulan-tanggal");
        assert!(slip.hint.contains("2025-03-12"));
    }

    #[test]
    fn curly_quotes_are_found_only_where_they_stand_for_quotes() {
        let text = "nama = “Surat”\nkegiatan = \"Menulis “judul”\"\n";
        assert_eq!(curly_quote(text, 3), Some(7..10));
        assert_eq!(curly_quote(text, 20), None);
    }
}
