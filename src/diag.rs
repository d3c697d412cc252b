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
    files: SimpleFiles<String, String>,
    paths: Vec<PathBuf>,
}

impl Sources {
    /// Registers a file's text under the name printed in diagnostics.
    pub fn add(&mut self, path: &Path, text: String) -> FileIx {
        self.paths.push(path.to_path_buf());
        self.files.add(display_path(path), text)
    }

    /// The text of a registered file.
    pub fn text(&self, file: FileIx) -> &str {
        self.files
            .get(file)
            .map(|f| f.source().as_str())
            .unwrap_or("")
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
    rel.display().to_string()
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

/// Renders diagnostics as plain text (no colours), in the order given.
pub fn render(sources: &Sources, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let config = Config::default();
    for diag in diags {
        let severity = match diag.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let mut cs = CsDiagnostic::new(severity).with_message(&diag.message);
        if let Some((file, span)) = &diag.at {
            cs = cs.with_labels(vec![
                Label::primary(*file, span.clone()).with_message(&diag.label),
            ]);
        }
        cs = cs.with_notes(diag.hints.iter().map(|h| format!("hint: {h}")).collect());
        let mut buffer = String::new();
        if term::emit_to_string(&mut buffer, &config, &sources.files, &cs).is_err() {
            let _ = writeln!(buffer, "error: {}", diag.message);
        }
        out.push_str(&buffer);
    }
    out
}

/// Closest candidate by edit distance, for "maksudnya ...?" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
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
    use super::*;

    #[test]
    fn closest_finds_typo() {
        let lanes = ["Kepala Dinas", "Kasubbag", "Tim Penyusun"];
        assert_eq!(closest("Kasubag", lanes), Some("Kasubbag"));
        assert_eq!(closest("Bendahara", lanes), None);
    }
}
