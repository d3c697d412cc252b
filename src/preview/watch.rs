//! Watching the catalogue folder: every saved, created or removed SOP or katalog
//! (`.toml`), image or template is sent to the render thread. Links to folders are not
//! followed (a link to `/` would add a watch for every folder of the computer), as
//! the catalogue's SOP files are found without following them.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::event::{AccessKind, AccessMode};
use notify::{Config, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Whether a change to `path` can change a rendered SOP: SOP and katalog files,
/// images (logo, signature) and templates.
pub fn watched(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some("toml" | "png" | "jpg" | "jpeg" | "svg" | "typ")
    )
}

/// Watches `root` recursively; dropping the watcher stops it.
pub fn watch(root: &Path, changes: Sender<PathBuf>) -> notify::Result<RecommendedWatcher> {
    let handler = move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let relevant = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        if !relevant {
            return;
        }
        for path in event.paths {
            if watched(&path) {
                // The render thread is gone only when the preview stops.
                let _ = changes.send(path);
            }
        }
    };
    let config = Config::default().with_follow_symlinks(false);
    let mut watcher = RecommendedWatcher::new(handler, config)?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}
