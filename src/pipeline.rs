//! The one road from an SOP file to its pages, shared by `render`, `check`, `build`,
//! `book` and `preview`: read and validate the file with its katalog chain, take its
//! templates, typeset it. What the environment decides ([`Settings`]) is resolved once,
//! by the command, and handed down.

use std::fmt;
use std::path::Path;

use crate::diag::{self, Sources, display_path};
use crate::model::Sop;
use crate::typeset::world::{self, TemplateError, Templates};
use crate::typeset::{self, RenderError, Rendered, fonts};
use crate::validate;

/// What the environment decides for every SOP of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `SOURCE_DATE_EPOCH` (seconds): when set, the date stamped into every PDF.
    pub source_date_epoch: Option<i64>,
}

impl Settings {
    /// The settings of this process: `SOURCE_DATE_EPOCH` when it holds a number.
    pub fn from_env() -> Self {
        Self {
            source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse().ok()),
        }
    }

    /// The date stamped into the PDF instead of the SOP's own, if any.
    pub fn tanggal_dokumen(&self) -> Option<(u16, u8, u8)> {
        self.source_date_epoch
            .map(|secs| crate::model::civil_from_days(secs.div_euclid(86_400)))
    }
}

/// An SOP file read and validated, with the templates it is typeset with.
pub struct Loaded {
    /// The validated SOP.
    pub sop: Sop,
    /// Its templates: the embedded ones, with its catalogue's overrides.
    pub templates: Templates,
    /// The file's warnings as `check` prints them; empty when there are none.
    pub warnings: String,
}

impl Loaded {
    /// The files the SOP is made from: the SOP file, the katalog.toml files of its
    /// chain and the images it names. No output may overwrite one of them.
    pub fn input_files(&self) -> Vec<std::path::PathBuf> {
        let sop = &self.sop;
        let mut files = vec![sop.path.clone()];
        files.extend(crate::source::katalog_chain(&sop.path));
        for image in [&sop.instansi.logo, &sop.pengesahan.ttd]
            .into_iter()
            .flatten()
        {
            files.push(image.path.clone());
        }
        files
    }
}

/// Why an SOP file gave no pages.
#[derive(Debug)]
pub enum Failure {
    /// The file or its katalog chain has mistakes: every diagnostic, as printed.
    Invalid(String),
    /// A template override of its catalogue cannot be read.
    Template(TemplateError),
    /// Typesetting failed: a bug in sopan or in a template override.
    Render {
        /// The SOP file, as shown to the user.
        file: String,
        /// What went wrong.
        error: RenderError,
    },
}

impl fmt::Display for Failure {
    /// Ready to print: the diagnostics, or one `error:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(text) => f.write_str(text),
            Failure::Template(e) => writeln!(f, "error: {e}"),
            Failure::Render { file, error } => writeln!(f, "error: {file}: {error}"),
        }
    }
}

/// Reads and validates the SOP at `path`: the model and the diagnostics as printed
/// (errors and warnings). Without templates: for commands that typeset nothing.
pub fn validate(path: &Path, settings: &Settings) -> (Option<Sop>, String) {
    match guarded(path, || Ok(validate_unguarded(path, settings))) {
        Ok(validated) => validated,
        Err(failure) => (None, failure.to_string()),
    }
}

fn validate_unguarded(path: &Path, settings: &Settings) -> (Option<Sop>, String) {
    let mut sources = Sources::default();
    let loaded = validate::load(path, &mut sources, &fonts::covers);
    let text = diag::render(&sources, &loaded.diags);
    let sop = loaded.sop.map(|mut sop| {
        if let Some(date) = settings.tanggal_dokumen() {
            sop.tanggal_dokumen = date;
        }
        sop
    });
    (sop, text)
}

/// One diagnostic of a draft, for the form editor: printed as `check` prints it, and
/// where in the SOP file it points (bytes), so the editor can show it beside its field.
#[derive(Debug, Clone)]
pub struct Note {
    /// Whether it stops the SOP from rendering.
    pub error: bool,
    /// The diagnostic as printed, with file:line:col and hints.
    pub text: String,
    /// Its main sentence alone.
    pub message: String,
    /// Its place in the SOP file, when it points into it.
    pub at: Option<usize>,
}

/// Reads and validates an SOP from `draft`, the text of the file at `path` as the
/// editor holds it, and takes its templates: the same road as [`load`], with each
/// diagnostic also given on its own ([`Note`]).
pub fn load_draft(
    path: &Path,
    draft: String,
    settings: &Settings,
) -> (Result<Loaded, Failure>, Vec<Note>) {
    let mut notes = Vec::new();
    let loaded = guarded(path, || {
        let mut sources = Sources::default();
        let loaded = validate::load_with(path, Some(draft), &mut sources, &fonts::covers);
        notes = loaded
            .diags
            .iter()
            .map(|d| Note {
                error: d.is_error(),
                text: diag::render(&sources, std::slice::from_ref(d)),
                message: d.message.clone(),
                at: d
                    .at
                    .as_ref()
                    .filter(|(file, _)| sources.path(*file) == path)
                    .map(|(_, span)| span.start),
            })
            .collect();
        let text = diag::render(&sources, &loaded.diags);
        let mut sop = loaded.sop.ok_or(Failure::Invalid(text.clone()))?;
        if let Some(date) = settings.tanggal_dokumen() {
            sop.tanggal_dokumen = date;
        }
        let templates = world::templates_for(path).map_err(Failure::Template)?;
        Ok(Loaded {
            sop,
            templates,
            warnings: text,
        })
    });
    (loaded, notes)
}

/// Runs one step of the road for the SOP at `path`, turning a panic (a bug in sopan, or
/// a template override sopan did not foresee) into an error for that SOP alone, so that
/// a build or the preview goes on with the others.
pub fn guarded<T>(path: &Path, step: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    crate::catch_panic(step).unwrap_or_else(|what| {
        Err(Failure::Render {
            file: display_path(path),
            error: RenderError::Bug(format!("sopan berhenti mendadak ({what})")),
        })
    })
}

/// Reads and validates the SOP at `path` and takes its templates.
pub fn load(path: &Path, settings: &Settings) -> Result<Loaded, Failure> {
    guarded(path, || load_unguarded(path, settings))
}

fn load_unguarded(path: &Path, settings: &Settings) -> Result<Loaded, Failure> {
    let (sop, text) = validate(path, settings);
    let sop = sop.ok_or(Failure::Invalid(text.clone()))?;
    let templates = world::templates_for(path).map_err(Failure::Template)?;
    Ok(Loaded {
        sop,
        templates,
        warnings: text,
    })
}

/// Typesets a loaded SOP: the laid-out pages and the flowchart as drawn.
pub fn render(loaded: &Loaded) -> Result<Rendered, Failure> {
    guarded(&loaded.sop.path, || {
        typeset::render(&loaded.sop, &loaded.templates).map_err(|error| Failure::Render {
            file: display_path(&loaded.sop.path),
            error,
        })
    })
}

/// The PDF of a rendered SOP (some of its pages with `pages`, 1-based).
pub fn pdf(
    loaded: &Loaded,
    rendered: &Rendered,
    pages: Option<&[usize]>,
) -> Result<Vec<u8>, Failure> {
    guarded(&loaded.sop.path, || {
        typeset::pdf_pages(&loaded.sop, &rendered.document, pages).map_err(|error| {
            Failure::Render {
                file: display_path(&loaded.sop.path),
                error,
            }
        })
    })
}

/// The whole road for one file: load, then typeset.
pub fn render_file(path: &Path, settings: &Settings) -> Result<(Loaded, Rendered), Failure> {
    let loaded = load(path, settings)?;
    let rendered = render(&loaded)?;
    Ok((loaded, rendered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_for_one_sop() {
        let path = Path::new("a.toml");
        let failed = guarded::<()>(path, || panic!("router lost")).unwrap_err();
        let text = failed.to_string();
        assert!(
            text.contains("a.toml") && text.contains("router lost"),
            "{text}"
        );
        assert!(text.contains("bug sopan"), "{text}");
        assert_eq!(guarded(path, || Ok(7)).unwrap(), 7);
    }

    #[test]
    fn epoch_days_to_dates() {
        assert_eq!(crate::model::civil_from_days(0), (1970, 1, 1));
        assert_eq!(crate::model::civil_from_days(19_745), (2024, 1, 23));
        let settings = Settings {
            source_date_epoch: Some(19_745 * 86_400 + 3600),
        };
        assert_eq!(settings.tanggal_dokumen(), Some((2024, 1, 23)));
        assert_eq!(Settings::default().tanggal_dokumen(), None);
    }
}
