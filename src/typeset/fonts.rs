//! The embedded fonts: loaded once, shared by every compilation, and used to check that
//! every character of an SOP can be printed.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::model;

const FILES: &[&[u8]] = &[
    include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSans-BoldItalic.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
    // The fallback for characters Liberation lacks (✓, ✔, U+2011 ...): the templates
    // name it after the sheet's own family.
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
];

/// The family of the fallback faces, named after the sheet's own in every template.
pub const FALLBACK_FAMILY: &str = "DejaVu Sans";

/// The regular and bold fallback faces in `FILES`.
const FALLBACK: [usize; 2] = [8, 9];

/// The embedded fonts and their book.
pub struct Fonts {
    /// Every face, in `FILES` order.
    pub fonts: Vec<Font>,
    /// Typst's index of them.
    pub book: LazyHash<FontBook>,
}

/// The embedded fonts, parsed on first use.
pub static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    Fonts { fonts, book }
});

/// Every embedded face parsed for glyph lookups, in `FILES` order (`None` would be a
/// broken embedded file, caught by the tests).
static FACES: LazyLock<Vec<Option<ttf_parser::Face<'static>>>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|data| ttf_parser::Face::parse(data, 0).ok())
        .collect()
});

/// The regular and the bold face of a family.
fn faces(font: model::Font) -> [Option<&'static ttf_parser::Face<'static>>; 2] {
    let (regular, bold) = match font {
        model::Font::Sans => (0, 1),
        model::Font::Serif => (4, 5),
    };
    [FACES[regular].as_ref(), FACES[bold].as_ref()]
}

/// Whether both the regular and the bold face of a family, or of the fallback, have a
/// glyph for `c`.
pub fn covers(font: model::Font, c: char) -> bool {
    // Validation asks this for every character of every SOP: ASCII, nearly all of
    // them, is answered from a table read off the faces once.
    static ASCII: LazyLock<[[bool; 128]; 2]> = LazyLock::new(|| {
        [model::Font::Sans, model::Font::Serif]
            .map(|font| std::array::from_fn(|b| looked_up(font, char::from(b as u8))))
    });
    if !c.is_ascii() {
        return looked_up(font, c);
    }
    let family = match font {
        model::Font::Sans => 0,
        model::Font::Serif => 1,
    };
    ASCII[family][c as usize]
}

/// [`covers`], asking the faces' character maps: the family's own, or the fallback's.
fn looked_up(font: model::Font, c: char) -> bool {
    let has = |f: Option<&ttf_parser::Face<'_>>| f.is_some_and(|f| f.glyph_index(c).is_some());
    faces(font).into_iter().all(has) || FALLBACK.iter().all(|&i| has(FACES[i].as_ref()))
}

/// Width of `text` in the regular face of `font` at `size` points.
pub fn text_width(font: model::Font, text: &str, size: f64) -> f64 {
    let [Some(face), _] = faces(font) else {
        return text.len() as f64 * size * 0.55;
    };
    let per_em = f64::from(face.units_per_em());
    let units: f64 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map(f64::from)
                .unwrap_or(per_em * 0.55)
        })
        .sum();
    units / per_em * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liberation_covers_indonesian_text_but_not_every_emoji() {
        for c in "Pengesahan — “ttd” é ½ №".chars() {
            assert!(covers(model::Font::Sans, c), "{c}");
        }
        assert!(!covers(model::Font::Sans, '🦀'));
        assert!(!covers(model::Font::Serif, '漢'));
        // What Word pastes and Liberation lacks is printed from the fallback.
        for c in ['\u{2011}', '✓', '✔', '☐', '☑', '→'] {
            assert!(
                covers(model::Font::Sans, c) && covers(model::Font::Serif, c),
                "{c}"
            );
        }
    }

    #[test]
    fn ascii_table_agrees_with_the_faces() {
        for font in [model::Font::Sans, model::Font::Serif] {
            for c in (0u8..128).map(char::from) {
                assert_eq!(covers(font, c), looked_up(font, c), "{c:?}");
            }
        }
        // Control characters have no glyph; letters do.
        assert!(!covers(model::Font::Sans, '\u{7}'));
        assert!(covers(model::Font::Serif, 'a'));
    }

    #[test]
    fn all_ten_faces_load() {
        assert_eq!(FONTS.fonts.len(), 10);
        assert!(FACES.iter().all(Option::is_some));
        for font in [model::Font::Sans, model::Font::Serif] {
            assert!(text_width(font, "Tidak", 6.5) > 10.0);
        }
        // Times is narrower than Arial: labels are measured in the sheet's own font.
        assert!(
            text_width(model::Font::Serif, "Tidak lengkap", 6.5)
                < text_width(model::Font::Sans, "Tidak lengkap", 6.5)
        );
    }
}
