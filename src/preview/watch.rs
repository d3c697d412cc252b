//! Watching the catalogue folder: every saved, created or removed `.toml` file is sent
//! to the render thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Watches `root` recursively; dropping the watcher stops it.
pub fn watch(root: &Path, changes: Sender<PathBuf>) -> notify::Result<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
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
            if path.extension().and_then(|e| e.to_str()) == Some("toml") {
                // The render thread is gone only when the preview stops.
                let _ = changes.send(path);
            }
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}
