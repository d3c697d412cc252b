//! Diagnostics: every mistake in an input file, with its span, printed the way rustc and typst do.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

/// Index of a file in [`Sources`].
pub type FileIx = usize;

/// The text of every file that was read, so that diagnostics can quote it.
#[derive(Default)]
pub struct Sources {
    /// What diagnostics quote: the text with control characters shown as `?`, so that
    /// a quoted line never sends escape codes to the terminal.
    files: SimpleFiles<String, String>,
    texts: Vec<String>,
    paths: Vec<PathBuf>,
}

impl Sources {
    /// Registers a file's text under the name printed in diagnostics.
    pub fn add(&mut self, path: &Path, text: String) -> FileIx {
        self.paths.push(path.to_path_buf());
        let shown = text
            .chars()
            .map(|c| match c {
                '\n' | '\t' | '\r' => c.to_string(),
                // The same number of bytes, so spans stay where they were.
                c if c.is_control() => "?".repeat(c.len_utf8()),
                c => c.to_string(),
            })
            .collect();
        self.texts.push(text);
        self.files.add(display_path(path), shown)
    }

    /// The text of a registered file.
    pub fn text(&self, file: FileIx) -> &str {
        self.texts.get(file).map(String::as_str).unwrap_or("")
    }

    /// The path of a registered file.
    pub fn path(&self, file: FileIx) -> &Path {
        &self.paths[file]
    }
}

/// Prints a path relative to the working directory when it lies below it, in the form
/// the system writes paths (`perencanaan\lakip.toml` on Windows).
pub fn display_path(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    tampak(&rel.display().to_string())
}

/// `text` (a file name, say) with its control characters and text-direction marks
/// written as `\u{..}`: it can neither drive the terminal nor forge a line of output.
pub fn tampak(text: &str) -> String {
    let raw = |c: char| c.is_control() || arah_teks(c);
    if !text.contains(raw) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if raw(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// What sopan tried to do with a file or folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Akses {
    /// Read a file.
    Baca,
    /// List a folder.
    BacaFolder,
    /// Write a file.
    Tulis,
    /// Create a folder.
    BuatFolder,
}

/// A file or folder sopan could not read or write, worded for the user:
/// "tidak dapat menulis PATH: tidak ada izin".
#[derive(Debug)]
pub struct IoGagal<'a> {
    /// What was tried.
    pub akses: Akses,
    /// On which path.
    pub path: &'a Path,
    /// Why it failed.
    pub error: &'a std::io::Error,
}

impl std::fmt::Display for IoGagal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kerja = match self.akses {
            Akses::Baca => "membaca",
            Akses::BacaFolder => "membaca folder",
            Akses::Tulis => "menulis",
            Akses::BuatFolder => "membuat folder",
        };
        write!(
            f,
            "tidak dapat {kerja} {}: {}",
            display_path(self.path),
            crate::io_error_id(self.error)
        )
    }
}

/// Describes a failed read or write of `path`.
pub fn io_gagal<'a>(akses: Akses, path: &'a Path, error: &'a std::io::Error) -> IoGagal<'a> {
    IoGagal { akses, path, error }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be rendered.
    Error,
    /// The file renders, but something looks wrong.
    Warning,
}

/// One message about one place in one file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The main message, a short lower-case sentence in Indonesian.
    pub message: String,
    /// Where it happened, if anywhere in particular.
    pub at: Option<(FileIx, Range<usize>)>,
    /// Text under the underline.
    pub label: String,
    /// `hint:` lines.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(file: FileIx, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            at: Some((file, span)),
            label: String::new(),
            hints: Vec::new(),
        }
    }

    /// A warning at a span.
    pub fn warning(file: FileIx, span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, span, message)
        }
    }

    /// An error about no place in particular.
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            at: None,
            label: String::new(),
            hints: Vec::new(),
        }
    }

    /// Adds the text printed under the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a `hint:` line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Whether this stops the file from rendering.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// How many diagnostics one file prints; the rest are counted in one line.
const MAX_SHOWN: usize = 30;

/// The longest line a diagnostic quotes; a longer one is named by line and column only.
const MAX_QUOTED_LINE: usize = 300;

/// Renders diagnostics as plain text (no colours), in the order given: at most
/// [`MAX_SHOWN`] of them, then how many more there are.
pub fn render(sources: &Sources, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let config = Config::default();
    // Past the limit, errors are shown before warnings, each kept in file order.
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut warnings_left = MAX_SHOWN.saturating_sub(errors);
    let mut errors_left = MAX_SHOWN;
    let shown = diags.iter().filter(|d| {
        let left = if d.is_error() {
            &mut errors_left
        } else {
            &mut warnings_left
        };
        let keep = *left > 0;
        *left = left.saturating_sub(1);
        keep
    });
    for diag in shown {
        let severity = match diag.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut cs = CsDiagnostic::new(severity).with_message(shortened(&diag.message));
        let mut notes = Vec::new();
        if let Some((file, span)) = &diag.at {
            match long_line_at(sources, *file, span.start) {
                Some((line, column)) => {
                    let label = match diag.label.as_str() {
                        "" => String::new(),
                        label => format!(": {}", shortened(label)),
                    };
                    notes.push(format!(
                        "di {}:{line}:{column} (barisnya terlalu panjang untuk dikutip){label}",
                        display_path(sources.path(*file))
                    ));
                }
                None => {
                    cs = cs.with_labels(vec![
                        Label::primary(*file, span.clone()).with_message(shortened(&diag.label)),
                    ]);
                }
            }
        }
        notes.extend(diag.hints.iter().map(|h| format!("hint: {}", shortened(h))));
        cs = cs.with_notes(notes);
        let mut buffer = String::new();
        if term::emit_to_string(&mut buffer, &config, &sources.files, &cs).is_err() {
            let _ = writeln!(buffer, "error: {}", diag.message);
        }
        out.push_str(&buffer);
    }
    if diags.len() > MAX_SHOWN {
        let hidden_errors = errors.saturating_sub(MAX_SHOWN);
        let _ = writeln!(
            out,
            "... dan {} pesan lain ({hidden_errors} kesalahan) tidak ditampilkan: perbaiki yang \
             di atas, lalu periksa lagi\n",
            diags.len() - MAX_SHOWN
        );
    }
    // Messages quote what the file says: no control character, nor a mark that reorders
    // the text around it, reaches the terminal.
    let raw = |c: char| (c.is_control() && c != '\n' && c != '\t') || arah_teks(c);
    if out.contains(raw) {
        out = out.chars().map(|c| if raw(c) { '?' } else { c }).collect();
    }
    out
}

/// Whether `c` is an invisible mark that reorders text on screen and on paper (the
/// bidirectional embeddings, overrides, isolates and marks): "Rp 1000\u{202e}0001"
/// prints as "Rp 10001000", so a signed sheet would read otherwise than its file.
pub fn arah_teks(c: char) -> bool {
    matches!(
        c,
        '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// The longest message, label or hint printed: they quote what the file says, which
/// may be a very long text.
const MAX_TEXT: usize = 300;

/// `text`, cut with "…" after [`MAX_TEXT`] characters.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Line and column (1-based, in characters) of `offset` when its line is longer than
/// [`MAX_QUOTED_LINE`] characters.
fn long_line_at(sources: &Sources, file: FileIx, offset: usize) -> Option<(usize, usize)> {
    let text = sources.text(file);
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[start..end];
    if line.len() <= MAX_QUOTED_LINE || line.chars().count() <= MAX_QUOTED_LINE {
        return None;
    }
    let number = text[..start].matches('\n').count() + 1;
    let column = text.get(start..offset).map_or(1, |t| t.chars().count() + 1);
    Some((number, column))
}

/// The longest word [`closest`] compares: names and ids are short, and edit distance
/// costs the product of the two lengths.
const MAX_HINT_WORD: usize = 64;

/// Closest candidate by edit distance, for "maksudnya ...?" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    if len > MAX_HINT_WORD {
        return None;
    }
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let allowed = (c.chars().count() / 3).max(2);
            // Lengths further apart than the distance allowed cannot match.
            let n = c.chars().count();
            (n <= MAX_HINT_WORD && n.abs_diff(len) <= allowed).then_some((allowed, c))
        })
        .map(|(allowed, c)| (levenshtein(&lower, &c.to_lowercase()), allowed, c))
        .filter(|(d, allowed, _)| d <= allowed)
        .map(|(d, _, c)| (d, c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Step numbers as a message names them: "2", "2 dan 5", "2, 5 dan 7".
pub fn daftar(numbers: &[usize]) -> String {
    let text: Vec<String> = numbers.iter().map(usize::to_string).collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} dan {last}", rest.join(", ")),
        _ => text.join(""),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_name_with_esc_newline_or_a_direction_mark_is_shown_escaped() {
        let shown = display_path(Path::new(
            "/k/bab/x\u{1b}]0;JUDUL\u{7}\u{1b}[2J\ny\u{202e}.toml",
        ));
        assert!(
            !shown.contains(|c: char| c.is_control() || arah_teks(c)),
            "{shown:?}"
        );
        assert!(
            shown.contains("\\u{1b}") && shown.contains("\\u{202e}"),
            "{shown}"
        );
        assert_eq!(
            display_path(Path::new("/k/bab/surat-masuk.toml")),
            "/k/bab/surat-masuk.toml"
        );
    }

    #[test]
    fn numbers_join_in_indonesian() {
        use super::daftar;
        assert_eq!(daftar(&[2]), "2");
        assert_eq!(daftar(&[2, 5]), "2 dan 5");
        assert_eq!(daftar(&[2, 5, 7]), "2, 5 dan 7");
    }

    use super::*;

    #[test]
    fn past_the_limit_errors_come_before_warnings() {
        let mut sources = Sources::default();
        let file = sources.add(Path::new("a.toml"), "x = 1\n".into());
        let mut diags: Vec<Diagnostic> = (0..35)
            .map(|i| Diagnostic::warning(file, 0..1, format!("peringatan {i}")))
            .collect();
        diags.push(Diagnostic::error(file, 0..1, "kesalahan yang penting"));
        let text = render(&sources, &diags);
        assert!(text.contains("kesalahan yang penting"), "{text}");
        assert!(text.contains("peringatan 28") && !text.contains("peringatan 29"));
        assert!(
            text.contains("... dan 6 pesan lain (0 kesalahan)"),
            "{text}"
        );
    }

    #[test]
    fn closest_finds_typo() {
        let lanes = ["Kepala Dinas", "Kasubbag", "Tim Penyusun"];
        assert_eq!(closest("Kasubag", lanes), Some("Kasubbag"));
        assert_eq!(closest("Bendahara", lanes), None);
    }
}
