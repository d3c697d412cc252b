//! The sandboxed Typst world: embedded templates and fonts, the SOP's data as JSON files,
//! and only the images the SOP names. Nothing else on the machine can be read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, PoisonError};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::FONTS;

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The templates compiled into the binary, by file name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("sop.typ", include_str!("../../templates/sop.typ")),
    ("kop.typ", include_str!("../../templates/kop.typ")),
    ("alur.typ", include_str!("../../templates/alur.typ")),
    ("gambar.typ", include_str!("../../templates/gambar.typ")),
    ("lembar.typ", include_str!("../../templates/lembar.typ")),
    ("buku.typ", include_str!("../../templates/buku.typ")),
    ("buku-sop.typ", include_str!("../../templates/buku-sop.typ")),
    ("lapis.typ", include_str!("../../templates/lapis.typ")),
];

/// The templates one SOP is typeset with, as (file name, Typst source): the embedded
/// ones, each possibly replaced by its catalogue's override.
pub type Templates = Vec<(String, String)>;

/// A world for one compilation.
#[derive(Clone)]
pub struct SopWorld {
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
    /// The templates that are a catalogue's own (not the embedded ones), by name; its
    /// compiles are watched ([`super::watchdog`]).
    own: Vec<String>,
    /// What a stopped compile names: the SOP file, or the book.
    what: String,
}

/// The file id of a virtual path in the project root.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("virtual paths are written by sopan itself");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl SopWorld {
    /// A world whose main file is `main` (one of the templates), with `templates` as the
    /// Typst sources and `files` (path -> bytes) as the only readable data.
    pub fn new(
        main: &str,
        templates: &[(String, String)],
        files: Vec<(String, Vec<u8>)>,
        today: (u16, u8, u8),
    ) -> Self {
        let sources = templates
            .iter()
            .map(|(name, text)| {
                let id = file_id(&format!("/{name}"));
                (id, parsed(id, text))
            })
            .collect();
        let files = files
            .into_iter()
            .map(|(path, data)| (file_id(&path), Bytes::new(data)))
            .collect();
        let today = Datetime::from_ymd(i32::from(today.0), today.1, today.2);
        let own = templates
            .iter()
            .filter(|(name, text)| {
                TEMPLATES
                    .iter()
                    .find(|(n, _)| n == name)
                    .is_none_or(|(_, embedded)| embedded != text)
            })
            .map(|(name, _)| name.clone())
            .collect();
        Self {
            main: file_id(&format!("/{main}")),
            sources,
            files,
            today,
            own,
            what: String::new(),
        }
    }

    /// The same world, naming `what` (an SOP file, a book) if a compile is stopped.
    pub fn named(mut self, what: String) -> Self {
        self.what = what;
        self
    }

    /// When some templates are the catalogue's own: what a stopped compile names (the
    /// file, then those templates).
    pub fn own_templates(&self) -> Option<String> {
        if self.own.is_empty() {
            return None;
        }
        let names: Vec<String> = self.own.iter().map(|n| format!("templates/{n}")).collect();
        Some(format!("{} ({})", self.what, names.join(", ")))
    }

    /// The same files and templates, with `main` (one of the templates) as the main file.
    pub fn with_main(&self, main: &str) -> Self {
        Self {
            main: file_id(&format!("/{main}")),
            ..self.clone()
        }
    }

    /// Replaces (or adds) one data file between passes.
    pub fn set_file(&mut self, path: &str, data: Vec<u8>) {
        self.files.insert(file_id(path), Bytes::new(data));
    }
}

/// Templates already parsed, by file: a catalogue build parses each template once
/// instead of once per SOP (parsing was 7% of a build). A few versions per file are
/// kept, for catalogues whose folders override a template differently.
static PARSED: LazyLock<Mutex<HashMap<FileId, Vec<Source>>>> = LazyLock::new(Mutex::default);
const VERSIONS_KEPT: usize = 4;

/// The parsed source of template `id` with `text`, from [`PARSED`] when it is there.
fn parsed(id: FileId, text: &str) -> Source {
    let mut cache = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
    let versions = cache.entry(id).or_default();
    if let Some(source) = versions.iter().find(|s| s.text() == text) {
        return source.clone();
    }
    let source = Source::new(id, text.to_owned());
    if versions.len() == VERSIONS_KEPT {
        versions.remove(0);
    }
    versions.push(source.clone());
    source
}

/// The embedded templates as owned (name, text) pairs.
pub fn embedded_templates() -> Templates {
    TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// Name of the folder beside a katalog.toml whose `.typ` files replace embedded templates.
pub const TEMPLATES_DIR: &str = "templates";

/// A template override that exists but cannot be read.
#[derive(Debug)]
pub struct TemplateError {
    /// The override file.
    pub path: PathBuf,
    /// Why it could not be read.
    pub error: std::io::Error,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = if self.error.kind() == std::io::ErrorKind::InvalidData {
            "bukan teks UTF-8".to_string()
        } else {
            crate::io_error_id(&self.error)
        };
        write!(
            f,
            "tidak dapat membaca templat {}: {why}",
            crate::diag::display_path(&self.path)
        )
    }
}

/// The templates for the SOP at `sop`: the embedded ones, each replaced by a file of the
/// same name in a `templates/` folder beside a katalog.toml of its chain (nearest wins).
/// Other files in those folders are ignored.
pub fn templates_for(sop: &Path) -> Result<Templates, TemplateError> {
    let mut templates = embedded_templates();
    let chain = crate::source::katalog_chain(sop);
    let root = crate::source::catalogue_root(sop, &chain);
    for katalog in chain {
        let Some(dir) = katalog.parent() else {
            continue;
        };
        let dir = dir.join(TEMPLATES_DIR);
        if !dir.is_dir() {
            continue;
        }
        for (name, text) in &mut templates {
            let path = dir.join(name.as_str());
            if path.is_file() {
                *text = crate::source::file::read_text_inside(
                    &path,
                    &root,
                    crate::source::file::TEMPLATE_MAKS,
                )
                .map_err(|error| TemplateError { path, error })?;
            }
        }
    }
    Ok(templates)
}

impl World for SopWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_with_slash().into())
}
