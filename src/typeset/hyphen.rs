//! Soft hyphens between the syllables of long Indonesian words, so that a word wider
//! than its cell breaks with a hyphen instead of crossing the border. Typst has no
//! Indonesian hyphenation patterns; Indonesian syllables follow a few regular rules.

/// U+00AD: a break opportunity that shows a hyphen only where the line breaks.
pub const SHY: char = '\u{ad}';

/// `text` with a soft hyphen between the syllables of every word wider than `room`
/// (as `width` measures it): only a word that cannot fit its line whole may break.
pub fn fit(text: &str, room: f64, width: impl Fn(&str) -> f64) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            push_word(&mut out, &word, width(&word) > room);
            word.clear();
            out.push(c);
        }
    }
    push_word(&mut out, &word, width(&word) > room);
    out
}

fn push_word(out: &mut String, word: &str, too_wide: bool) {
    let letters: Vec<char> = word.chars().collect();
    let breaks = if too_wide && letters.iter().all(char::is_ascii_alphabetic) {
        syllable_breaks(&letters)
    } else {
        Vec::new()
    };
    for (i, c) in letters.iter().enumerate() {
        if breaks.contains(&i) {
            out.push(SHY);
        }
        out.push(*c);
    }
}

fn vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Consonant pairs written for one sound: never split.
fn digraph(a: char, b: char) -> bool {
    matches!(
        (a.to_ascii_lowercase(), b.to_ascii_lowercase()),
        ('n', 'g') | ('n', 'y') | ('k', 'h') | ('s', 'y')
    )
}

/// A consonant and an r or l that begin a syllable together (se-kre-ta-ris, in-struk-si).
fn onset(a: char, b: char) -> bool {
    matches!(b.to_ascii_lowercase(), 'r' | 'l')
        && matches!(
            a.to_ascii_lowercase(),
            'b' | 'd' | 'f' | 'g' | 'k' | 'p' | 't'
        )
}

/// Vowel pairs said as one syllable.
fn diphthong(a: char, b: char) -> bool {
    matches!(
        (a.to_ascii_lowercase(), b.to_ascii_lowercase()),
        ('a', 'i') | ('a', 'u') | ('o', 'i')
    )
}

/// Indices before which a syllable starts, at least two letters from either end:
/// before the last consonant of a run between two vowels (ba-ca, ban-tu), or before a
/// digraph or a consonant with r/l there (ba-nyak, se-kre-ta-ris, in-struk-si), and
/// between two vowels that are not a diphthong (ma-af).
fn syllable_breaks(w: &[char]) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut i = 0;
    while i < w.len() {
        if !vowel(w[i]) {
            i += 1;
            continue;
        }
        // w[i] is a vowel: find the next vowel after it.
        let Some(next) = (i + 1..w.len()).find(|&k| vowel(w[k])) else {
            break;
        };
        let consonants = next - i - 1;
        let at = match consonants {
            0 if diphthong(w[i], w[next]) => None,
            0 => Some(next),
            _ if consonants >= 2 && digraph(w[next - 2], w[next - 1]) => Some(next - 2),
            _ if consonants >= 3
                && onset(w[next - 2], w[next - 1])
                && w[next - 3].eq_ignore_ascii_case(&'s') =>
            {
                Some(next - 3)
            }
            _ if consonants >= 2 && onset(w[next - 2], w[next - 1]) => Some(next - 2),
            _ => Some(next - 1),
        };
        if let Some(at) = at
            && at >= 2
            && w.len() - at >= 2
        {
            breaks.push(at);
        }
        i = next;
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(word: &str) -> String {
        fit(word, 30.0, |w| w.len() as f64 * 5.0).replace(SHY, "-")
    }

    #[test]
    fn long_words_break_between_syllables() {
        assert_eq!(split("menandatangani"), "me-nan-da-ta-nga-ni");
        assert_eq!(split("Memfinalisasi"), "Mem-fi-na-li-sa-si");
        assert_eq!(split("pelaksanaan"), "pe-lak-sa-na-an");
        assert_eq!(split("KASUBBAG"), "KA-SUB-BAG");
        assert_eq!(split("SEKRETARIS"), "SE-KRE-TA-RIS");
        assert_eq!(split("instruksi"), "in-struk-si");
        // Words that fit their line, numbers and words with other letters stay whole.
        assert_eq!(split("Kepala Dinas"), "Kepala Dinas");
        assert_eq!(split("Memeriksa berkas"), "Me-me-rik-sa berkas");
        assert_eq!(split("503/22/SOP.PRCN"), "503/22/SOP.PRCN");
    }
}
