//! Reading what can be read from a file that may not validate, or not even parse: the
//! preview's index of a file being edited, the names of a catalogue's SOPs for
//! Keterkaitan, the `[katalog]` section for the cover. Validation reports the mistakes;
//! these readers only never fail.

use std::path::Path;

/// The file's TOML table, if the whole file parses (a katalog.toml, which must not
/// lead out of its own folder).
pub fn table(path: &Path) -> Option<toml::Table> {
    let folder = path.parent()?;
    super::file::read_text_inside(path, folder, super::file::SOP_MAKS)
        .ok()?
        .parse()
        .ok()
}

/// The text of the top-level `key` of a file's text. When the file as a whole does not
/// parse (it is being edited), its `key = "..."` line before the first section header
/// usually still does.
pub fn top_level_text(text: &str, key: &str) -> Option<String> {
    if let Ok(table) = text.parse::<toml::Table>() {
        return table.get(key)?.as_str().map(str::to_string);
    }
    text.lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            let (k, value) = l.split_once('=')?;
            if k.trim() != key {
                return None;
            }
            let value: toml::Value = format!("v = {}", value.trim())
                .parse::<toml::Table>()
                .ok()?
                .remove("v")?;
            value.as_str().map(str::to_string)
        })
}

/// The `nomor` and `nama` of an SOP file, each as far as it can be read; nothing from a
/// file whose real path leaves its catalogue.
pub fn heading(path: &Path) -> (Option<String>, Option<String>) {
    let root = super::catalogue_of(path);
    let Ok(text) = super::file::read_text_inside(path, &root, super::file::SOP_MAKS) else {
        return (None, None);
    };
    (
        top_level_text(&text, "nomor"),
        top_level_text(&text, "nama"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_read_even_from_a_broken_file() {
        let nama = |text: &str| top_level_text(text, "nama");
        assert_eq!(
            nama("nama = \"Surat Keluar\"\nnomor = 1\n").as_deref(),
            Some("Surat Keluar")
        );
        assert_eq!(
            nama("nomor = \"1\"\nnama = \"Surat Keluar\" # komentar\npelaksana = [\n").as_deref(),
            Some("Surat Keluar")
        );
        assert_eq!(nama("nomor = \"1\"\n"), None);
        // Below a section header, `nama` belongs to the section.
        assert_eq!(nama("nomor = [\n[pengesahan]\nnama = \"Budi\"\n"), None);
    }
}
