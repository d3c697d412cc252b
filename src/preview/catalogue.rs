//! The SOPs being previewed: each one's latest good render, its current diagnostics and
//! review list, and the render thread that keeps them up to date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::watch::watched;
use crate::model::{Sop, Status};
use crate::pengesahan::sidik::{self, Sidik};
use crate::pipeline::{self, Settings};
use crate::review::{self, Temuan};
use crate::source::{self, KATALOG, lenient};
use crate::typeset;

use super::server::Broadcast;

/// Stack for the render thread: Typst's layout recursion is deep.
const RENDER_STACK: usize = typeset::WORKER_STACK;

/// Saves arrive as bursts of file events; wait this long for the burst to end.
const SETTLE: Duration = Duration::from_millis(40);

/// The last render of an SOP that had no errors.
pub struct Good {
    /// The validated SOP it was made from.
    pub sop: Sop,
    /// One SVG image per page.
    pub svgs: Vec<String>,
    /// The PDF, as `sopan render` writes it.
    pub pdf: Vec<u8>,
}

/// One SOP file of the catalogue.
pub struct Entry {
    /// Its place in URLs: the path below the preview folder, without `.toml`.
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// Its real path (links followed): a save through a link changes this file.
    pub real: PathBuf,
    /// Nomor SOP, from the last good render or read leniently from the file.
    pub nomor: String,
    /// Nama SOP, likewise.
    pub nama: String,
    /// Bumped on every render, so pages can tell that images changed.
    pub version: u64,
    /// Whether the first render is still to come.
    pub pending: bool,
    /// The last good render, kept while the file has errors.
    pub good: Option<Good>,
    /// The current errors (the text of `diag::render`), when the file does not render.
    pub errors: Option<String>,
    /// Warnings of the current file (diagnostics and layout warnings).
    pub warnings: String,
    /// What still stands before pengesahan, from the last good render.
    pub review: Vec<Temuan>,
    /// The fingerprint of the file, its katalog chain and images at the last render:
    /// whether it still says what was submitted or approved, for the index.
    pub sidik: Option<Sidik>,
}

impl Entry {
    /// The status of the last good render, if any.
    pub fn status(&self) -> Option<&Status> {
        self.good.as_ref().map(|g| &g.sop.status)
    }

    /// The chapter (folder) the SOP sits in, "" at the top.
    pub fn bab(&self) -> &str {
        self.id.rsplit_once('/').map(|(b, _)| b).unwrap_or("")
    }

    /// The file name of the PDF offered for download.
    pub fn pdf_name(&self) -> String {
        let stem = self.id.rsplit('/').next().unwrap_or("sop");
        format!("{stem}.pdf")
    }
}

/// What is being previewed: a catalogue folder, or one SOP file.
pub struct Catalogue {
    /// The folder shown (the folder given, or the file's folder).
    pub folder: PathBuf,
    /// The one file given, when not a folder.
    pub single: Option<PathBuf>,
    /// Folder to watch: the outermost catalogue above, whose katalog.toml files are inherited.
    pub watch_root: PathBuf,
    /// Entries by id, in path order.
    pub entries: BTreeMap<String, Entry>,
    /// Counter for entry versions.
    next_version: u64,
}

impl Catalogue {
    /// Finds the SOP files to preview at `path` (a folder or one file).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let path = path.canonicalize()?;
        let (folder, single) = if path.is_dir() {
            (path.clone(), None)
        } else {
            let folder = path.parent().unwrap_or(Path::new("/")).to_path_buf();
            (folder, Some(path.clone()))
        };
        let probe = single.clone().unwrap_or_else(|| folder.join("sop.toml"));
        let watch_root = review::catalogue_folder(&probe);
        let files = match &single {
            Some(f) => vec![f.clone()],
            None => source::sop_files(&folder)?,
        };
        let mut cat = Self {
            folder,
            single,
            watch_root,
            entries: BTreeMap::new(),
            next_version: 0,
        };
        for f in files {
            cat.add(&f);
        }
        Ok(cat)
    }

    fn id_of(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.folder).ok()?;
        let text = rel.to_str()?.strip_suffix(".toml")?;
        Some(text.replace('\\', "/"))
    }

    /// Adds the SOP file at `path` (a new one, not yet rendered); returns its id.
    pub fn add(&mut self, path: &Path) -> Option<String> {
        let id = self.id_of(path)?;
        let (nomor, nama) = lenient_heading(path);
        self.entries.entry(id.clone()).or_insert(Entry {
            id: id.clone(),
            path: path.to_path_buf(),
            real: path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
            nomor,
            nama,
            version: 0,
            pending: true,
            good: None,
            errors: None,
            warnings: String::new(),
            review: Vec::new(),
            sidik: None,
        });
        Some(id)
    }

    /// The SOP files a change to `changed` must re-render (adding new SOP files). An
    /// image or a template re-renders them all: finding which SOPs name it would
    /// mean loading them, which is what rendering does anyway.
    pub fn affected(&mut self, changed: &Path) -> Vec<PathBuf> {
        let name = changed.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            return Vec::new();
        }
        if !name.ends_with(".toml") {
            // A logo, a signature or a catalogue template: any SOP may use it.
            return if watched(changed) {
                match &self.single {
                    Some(single) => vec![single.clone()],
                    None => self.entries.values().map(|e| e.path.clone()).collect(),
                }
            } else {
                Vec::new()
            };
        }
        if name == KATALOG {
            let below = changed.parent().unwrap_or(Path::new("/"));
            return self
                .entries
                .values()
                .filter(|e| e.path.starts_with(below))
                .map(|e| e.path.clone())
                .collect();
        }
        // A file saved through a link inside the catalogue: the link's SOP changed.
        let real = changed.canonicalize().ok();
        let through: Vec<PathBuf> = self
            .entries
            .values()
            .filter(|e| e.path != changed && real.as_deref() == Some(e.real.as_path()))
            .map(|e| e.path.clone())
            .collect();
        if let Some(single) = &self.single {
            return if single == changed || !through.is_empty() {
                vec![single.clone()]
            } else {
                Vec::new()
            };
        }
        let known = self.entries.values().any(|e| e.path == changed);
        if !known && !through.is_empty() {
            return through;
        }
        let hidden = changed
            .strip_prefix(&self.folder)
            .map(|rel| {
                rel.components().any(|c| {
                    let c = c.as_os_str().to_string_lossy();
                    c.starts_with('.') || c == "templates"
                })
            })
            .unwrap_or(true);
        if known || (!hidden && changed.is_file() && self.add(changed).is_some()) {
            let mut files = vec![changed.to_path_buf()];
            files.extend(through);
            files
        } else {
            Vec::new()
        }
    }

    fn entry_mut(&mut self, path: &Path) -> Option<&mut Entry> {
        self.entries.values_mut().find(|e| e.path == path)
    }

    fn bump(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }

    /// Recomputes every review list against the catalogue's current names.
    fn review_all(&mut self, names: &[String]) {
        for e in self.entries.values_mut() {
            e.review = e
                .good
                .as_ref()
                .map(|g| review::review(&g.sop, names))
                .unwrap_or_default();
        }
    }
}

/// The nomor and nama of an SOP file read without validation, for the index of a file
/// that does not (yet) render; the file's name stands in for a missing nama.
fn lenient_heading(path: &Path) -> (String, String) {
    let (nomor, nama) = lenient::heading(path);
    let fallback = || {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    (nomor.unwrap_or_default(), nama.unwrap_or_else(fallback))
}

/// The catalogue shared between the render thread and the HTTP handlers.
pub type Shared = Arc<Mutex<Catalogue>>;

/// Locks the catalogue, also after a panic elsewhere (the data stays usable).
pub fn lock(shared: &Shared) -> MutexGuard<'_, Catalogue> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// Starts the render thread: it renders every SOP once, then whatever `changes` names.
pub fn spawn_renderer(
    shared: Shared,
    changes: Receiver<PathBuf>,
    broadcast: Broadcast,
    settings: Settings,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("sopan-render".into())
        .stack_size(RENDER_STACK)
        .spawn(move || {
            let first: Vec<PathBuf> = lock(&shared)
                .entries
                .values()
                .map(|e| e.path.clone())
                .collect();
            render_batch(&shared, first, &broadcast, &settings, true);
            loop {
                let Ok(changed) = changes.recv() else { return };
                let mut batch = BTreeSet::from([changed]);
                loop {
                    match changes.recv_timeout(SETTLE) {
                        Ok(p) => {
                            batch.insert(p);
                        }
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                let mut files = BTreeSet::new();
                let mut removed = false;
                {
                    let mut cat = lock(&shared);
                    for p in batch {
                        if p.file_name().and_then(|n| n.to_str()) != Some(KATALOG)
                            && !p.exists()
                            && let Some(id) = cat.entry_mut(&p).map(|e| e.id.clone())
                        {
                            cat.entries.remove(&id);
                            removed = true;
                            continue;
                        }
                        files.extend(cat.affected(&p));
                    }
                }
                if removed {
                    broadcast.send("{\"sop\":null}".into());
                }
                render_batch(
                    &shared,
                    files.into_iter().collect(),
                    &broadcast,
                    &settings,
                    false,
                );
            }
        })
}

/// Renders `files` one by one, publishing each result as soon as it is ready. The first
/// render after start (`first`) skips a file a request already had rendered
/// ([`render_now`]).
fn render_batch(
    shared: &Shared,
    files: Vec<PathBuf>,
    broadcast: &Broadcast,
    settings: &Settings,
    first: bool,
) {
    if files.is_empty() {
        return;
    }
    let watch_root = lock(shared).watch_root.clone();
    let names = review::catalogue_names(&watch_root);
    for path in files {
        if first && !lock(shared).entry_mut(&path).is_some_and(|e| e.pending) {
            continue;
        }
        publish(
            shared,
            &path,
            render_file(&path, settings),
            &names,
            broadcast,
            false,
        );
    }
}

/// Renders the SOP `id` at once when its first render is still to come, so that a
/// page image or the PDF asked for right after start is there (the render thread
/// would reach it only after the SOPs before it). True when it has a good render.
pub fn render_now(shared: &Shared, id: &str, broadcast: &Broadcast, settings: &Settings) -> bool {
    let (path, watch_root) = {
        let cat = lock(shared);
        match cat.entries.get(id) {
            Some(e) if e.pending => (e.path.clone(), cat.watch_root.clone()),
            Some(e) => return e.good.is_some(),
            None => return false,
        }
    };
    let names = review::catalogue_names(&watch_root);
    publish(
        shared,
        &path,
        render_file(&path, settings),
        &names,
        broadcast,
        true,
    );
    lock(shared)
        .entries
        .get(id)
        .is_some_and(|e| e.good.is_some())
}

/// Stores the render of the file at `path` in its entry and tells open pages. With
/// `if_pending`, only when no render has been stored since start.
fn publish(
    shared: &Shared,
    path: &Path,
    outcome: Result<(Good, String), String>,
    names: &[String],
    broadcast: &Broadcast,
    if_pending: bool,
) {
    let path = path.to_path_buf();
    let fingerprint = fingerprint(&path, outcome.as_ref().ok().map(|(g, _)| &g.sop));
    {
        // Typst's memo caches grow with every edit; keep memory flat over hours.
        typst::comemo::evict(10);
        let mut cat = lock(shared);
        if if_pending && !cat.entry_mut(&path).is_some_and(|e| e.pending) {
            return;
        }
        // Pages show paths below the catalogue, never where it sits on the server.
        let roots = [cat.folder.clone(), cat.watch_root.clone()];
        let outcome = outcome
            .map(|(good, warnings)| (good, below(&warnings, &roots)))
            .map_err(|errors| below(&errors, &roots));
        let version = cat.bump();
        let Some(entry) = cat.entry_mut(&path) else {
            return;
        };
        entry.version = version;
        entry.pending = false;
        entry.sidik = fingerprint;
        match outcome {
            Ok((good, warnings)) => {
                entry.nomor = good.sop.nomor.clone();
                entry.nama = good.sop.nama.clone();
                entry.review = review::review(&good.sop, names);
                entry.good = Some(good);
                entry.errors = None;
                entry.warnings = warnings;
            }
            Err(text) => {
                if entry.good.is_none() {
                    (entry.nomor, entry.nama) = lenient_heading(&path);
                }
                entry.errors = Some(text);
                entry.warnings.clear();
            }
        }
        let id = entry.id.clone();
        cat.review_all(names);
        drop(cat);
        broadcast.send(format!(
            "{{\"sop\":{},\"versi\":{version}}}",
            serde_json::Value::String(id)
        ));
    }
}

/// `text` with the paths of files below one of `roots` (the previewed folder, then the
/// catalogue's) written below it: `perencanaan/lakip.toml`, not where the catalogue
/// sits on the server.
fn below(text: &str, roots: &[PathBuf]) -> String {
    let mut out = text.to_string();
    for root in roots {
        let shown = crate::diag::display_path(root);
        let full = root.display().to_string();
        for prefix in [full, shown] {
            let prefix = prefix.trim_end_matches(std::path::MAIN_SEPARATOR);
            if !prefix.is_empty() && prefix != "." {
                out = out.replace(&format!("{prefix}{}", std::path::MAIN_SEPARATOR), "");
            }
        }
    }
    out
}

/// The fingerprint of the SOP file at `path` as rendered (`sop`, when it validated), or
/// of the file alone.
fn fingerprint(path: &Path, sop: Option<&Sop>) -> Option<Sidik> {
    let root = review::catalogue_folder(path);
    let teks = source::file::read_bytes(path, source::file::SOP_MAKS).ok()?;
    let whole = sop.and_then(|s| Sidik::hitung(&teks, s, &root).ok());
    Some(whole.unwrap_or_else(|| sidik::berkas_saja(path, &teks, &root)))
}

/// Renders one file for the preview: its last good render and its warnings, or the
/// text of what went wrong.
fn render_file(path: &Path, settings: &Settings) -> Result<(Good, String), String> {
    let (loaded, rendered) = pipeline::render_file(path, settings).map_err(|e| e.to_string())?;
    let pdf =
        pipeline::pdf(&loaded, &rendered, None).map_err(|e| format!("{}{e}", loaded.warnings))?;
    let svgs = pipeline::guarded(path, || {
        Ok((0..rendered.document.pages().len())
            .filter_map(|i| typeset::page_svg(&rendered.document, i))
            .collect())
    })
    .map_err(|e| e.to_string())?;
    let mut warnings = loaded.warnings;
    for w in &rendered.warnings {
        warnings.push_str(&format!("warning: {w}\n"));
    }
    let good = Good {
        sop: loaded.sop,
        svgs,
        pdf,
    };
    Ok((good, warnings))
}
