//! `sopan build`: every SOP below a folder into a mirrored tree of PDFs, on worker threads
//! pulling from one queue, skipping SOPs whose inputs did not change since the last run.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::diag::{Akses, display_path, io_gagal};
use crate::output::write_atomic;
use crate::pipeline::{self, Loaded, Settings};
use crate::source;

/// Name of the manifest of input hashes kept in the output folder.
pub const MANIFEST: &str = ".sopan-build.json";

/// Name of the default output folder, inside the catalogue folder.
pub const DEFAULT_OUT: &str = crate::output::BUILD_OUT;

/// Stack of a worker thread: Typst's layout recursion is deep.
use crate::typeset::WORKER_STACK;

/// How often the manifest is written while a build runs.
const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// One of N deterministic slices of the sorted SOP list (`--shard K/N`, 1-based K).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, 1..=n.
    pub k: usize,
    /// How many slices.
    pub n: usize,
}

impl Shard {
    /// Whether the SOP at `index` of the sorted list belongs to this slice.
    pub fn takes(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("--shard {s:?} tidak valid: tulis K/N, misalnya 2/5 (bagian ke-2 dari 5)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "--shard {s:?} tidak valid: K harus antara 1 dan N (N paling sedikit 1)"
            ));
        }
        Ok(Shard { k, n })
    }
}

/// What `build` is asked to do, as plain values.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The catalogue folder.
    pub dir: PathBuf,
    /// The output folder; the PDF tree mirrors `dir`.
    pub out: PathBuf,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Render even SOPs whose inputs are unchanged.
    pub force: bool,
    /// Render only one slice of the SOP list.
    pub shard: Option<Shard>,
    /// Show a progress bar instead of one line per SOP.
    pub progress: bool,
    /// What the environment decides for every SOP.
    pub settings: Settings,
}

/// How a build ended.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// SOPs rendered in this run.
    pub rendered: usize,
    /// SOPs that failed (bad input or an unwritable output).
    pub failed: usize,
    /// SOPs skipped because their inputs did not change.
    pub skipped: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// The SOP files that failed.
    pub failed_files: Vec<PathBuf>,
}

/// A build that could not start at all.
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Summary {
    /// The closing line, e.g. "selesai dalam 2,4 detik: 12 dibuat, 1 gagal, 3 dilewati".
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mut line = format!(
            "selesai dalam {} detik: {} dibuat, {} gagal, {} dilewati",
            koma(secs),
            self.rendered,
            self.failed,
            self.skipped
        );
        if self.rendered > 0 && secs > 0.0 {
            line += &format!(" ({} SOP/detik)", koma(self.rendered as f64 / secs));
        }
        line
    }
}

/// One decimal with an Indonesian decimal comma.
fn koma(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// The SOPs `build` would consider, in order: every SOP below `dir` except those inside
/// `out`, then only the slice `shard` if given.
pub fn plan(dir: &Path, out: &Path, shard: Option<Shard>) -> std::io::Result<Vec<PathBuf>> {
    let mut files = source::sop_files(dir)?;
    let canon_dir = dir.canonicalize()?;
    // Only an output folder strictly inside the catalogue can hold files to leave out;
    // `-o DIR` itself (PDFs beside the SOPs) or a folder above it leaves out nothing.
    if let Some(canon_out) = out
        .canonicalize()
        .ok()
        .filter(|o| o.starts_with(&canon_dir) && *o != canon_dir)
    {
        files.retain(|f| {
            f.strip_prefix(dir)
                .map(|rel| !canon_dir.join(rel).starts_with(&canon_out))
                .unwrap_or(true)
        });
    }
    if let Some(shard) = shard {
        files = files
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shard.takes(*i))
            .map(|(_, f)| f)
            .collect();
    }
    Ok(files)
}

/// One SOP to build.
struct Job {
    file: PathBuf,
    key: String,
    target: PathBuf,
    previous: Option<String>,
}

/// What happened to one SOP.
enum SopResult {
    Rendered { pages: usize, hash: String },
    Skipped,
    Failed,
}

/// The report a worker sends back for one SOP: the outcome and what it printed.
struct Report {
    job: usize,
    result: SopResult,
    messages: Vec<u8>,
}

/// Renders every SOP below `options.dir` into `options.out`; diagnostics and progress go
/// to `err`. Fails only when the folders cannot be read or created.
pub fn build(options: &BuildOptions, err: &mut dyn Write) -> Result<Summary, BuildError> {
    let started = Instant::now();
    // The output folder inside the catalogue is reached through no link (a `pdf` link
    // planted in a catalogue would have the PDFs written wherever it points).
    crate::output::tanpa_tautan(&options.dir, &options.out).map_err(BuildError)?;
    std::fs::create_dir_all(&options.out)
        .map_err(|e| BuildError(io_gagal(Akses::BuatFolder, &options.out, &e).to_string()))?;
    let files = plan(&options.dir, &options.out, options.shard)
        .map_err(|e| BuildError(format!("{}", io_gagal(Akses::BacaFolder, &options.dir, &e))))?;
    let manifest_path = options.out.join(MANIFEST);
    let manifest = read_manifest(&manifest_path);
    let jobs: Vec<Job> = files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(&options.dir).unwrap_or(&file);
            let key = rel.to_string_lossy().replace('\\', "/");
            let target = options.out.join(rel).with_extension("pdf");
            let previous = manifest.get(&key).cloned();
            Job {
                file,
                key,
                target,
                previous,
            }
        })
        .collect();

    if jobs.is_empty() {
        let _ = writeln!(
            err,
            "warning: tidak ada SOP (berkas .toml selain katalog.toml) di {}",
            display_path(&options.dir)
        );
    }
    let bar = options.progress.then(|| progress_bar(jobs.len()));
    let mut summary = Summary::default();
    let mut updated: BTreeMap<String, String> = BTreeMap::new();
    let mut last_flush = Instant::now();
    let order = longest_first(&jobs);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Report>();
    let workers = options.jobs.clamp(1, jobs.len().max(1));

    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (jobs, order, next) = (&jobs, &order, &next);
            let spawned = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    // Without its own pool the worker would share Typst's global one
                    // (and wait there for the others); if none can be made, share.
                    let pool = crate::typeset::worker_pool().ok();
                    while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let job = &jobs[i];
                        let report = match &pool {
                            Some(pool) => pool.install(|| build_one(i, job, options)),
                            None => build_one(i, job, options),
                        };
                        crate::typeset::tidy_cache(1);
                        if tx.send(report).is_err() {
                            break;
                        }
                    }
                });
            if let Err(e) = spawned {
                let _ = writeln!(err, "error: tidak dapat memulai thread pekerja: {e}");
            }
        }
        drop(tx);
        for report in rx {
            let job = &jobs[report.job];
            let line = match &report.result {
                SopResult::Rendered { pages, hash } => {
                    summary.rendered += 1;
                    updated.insert(job.key.clone(), hash.clone());
                    format!(
                        "dibuat    {} -> {} ({pages} halaman)",
                        display_path(&job.file),
                        display_path(&job.target)
                    )
                }
                SopResult::Skipped => {
                    summary.skipped += 1;
                    format!("dilewati  {} (tidak berubah)", display_path(&job.file))
                }
                SopResult::Failed => {
                    summary.failed += 1;
                    summary.failed_files.push(job.file.clone());
                    format!(
                        "gagal     {}: {} tidak dibuat atau tidak diperbarui",
                        display_path(&job.file),
                        display_path(&job.target)
                    )
                }
            };
            let failed = matches!(report.result, SopResult::Failed);
            match &bar {
                Some(bar) => {
                    if !report.messages.is_empty() || failed {
                        bar.suspend(|| {
                            let _ = err.write_all(&report.messages);
                            if failed {
                                let _ = writeln!(err, "{line}");
                            }
                        });
                    }
                    bar.inc(1);
                }
                None => {
                    let _ = err.write_all(&report.messages);
                    let _ = writeln!(err, "{line}");
                }
            }
            if last_flush.elapsed() >= FLUSH_EVERY && !updated.is_empty() {
                flush_manifest(&manifest_path, &updated, err);
                last_flush = Instant::now();
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !updated.is_empty() {
        flush_manifest(&manifest_path, &updated, err);
    }
    warn_orphans(options, err);
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Warns about PDFs in the output folder whose SOP file is gone (deleted or renamed):
/// they are left alone, as a clerk may still need them, but said. Only for an output
/// folder of its own (inside the catalogue or apart from it), where every PDF is sopan's.
fn warn_orphans(options: &BuildOptions, err: &mut dyn Write) {
    let (Ok(out), Ok(dir)) = (options.out.canonicalize(), options.dir.canonicalize()) else {
        return;
    };
    // PDFs beside the SOPs, or an output folder holding the catalogue: not all sopan's.
    if dir.starts_with(&out) {
        return;
    }
    let mut orphans = Vec::new();
    let mut stack = vec![options.out.clone()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "pdf") => {
                    let rel = path.strip_prefix(&options.out).unwrap_or(&path);
                    if !options.dir.join(rel).with_extension("toml").is_file() {
                        orphans.push(path);
                    }
                }
                _ => {}
            }
        }
    }
    orphans.sort();
    for pdf in orphans.iter().take(20) {
        let _ = writeln!(
            err,
            "warning: {} tidak punya berkas SOP lagi (dihapus atau berganti nama); hapus PDF \
             ini bila tidak dipakai",
            display_path(pdf)
        );
    }
    if orphans.len() > 20 {
        let _ = writeln!(
            err,
            "warning: ... dan {} PDF lain tanpa berkas SOP",
            orphans.len() - 20
        );
    }
}

/// The order in which workers take the jobs: largest SOP file first, so that a run ends
/// on small SOPs and no worker idles long while another finishes a big one. The file
/// size stands in for the work; ties keep the sorted order (the sort is stable).
fn longest_first(jobs: &[Job]) -> Vec<usize> {
    let size = |i: &usize| std::fs::metadata(&jobs[*i].file).map_or(0, |m| m.len());
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_cached_key(|i| std::cmp::Reverse(size(i)));
    order
}

fn progress_bar(total: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total as u64);
    let style = indicatif::ProgressStyle::with_template(
        "{bar:40.cyan/blue} {pos}/{len} SOP  {elapsed} berlalu, sisa ~{eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// Loads, hashes and (unless unchanged) renders one SOP; never panics on bad input.
fn build_one(index: usize, job: &Job, options: &BuildOptions) -> Report {
    let mut messages = Vec::new();
    let result = build_one_into(job, options, &mut messages);
    if matches!(result, SopResult::Skipped) {
        // Warnings of an unchanged SOP were shown when it was built.
        messages.clear();
    }
    Report {
        job: index,
        result,
        messages,
    }
}

fn build_one_into(job: &Job, options: &BuildOptions, messages: &mut Vec<u8>) -> SopResult {
    let loaded = match pipeline::load(&job.file, &options.settings) {
        Ok(l) => l,
        Err(e) => {
            let _ = write!(messages, "{e}");
            return SopResult::Failed;
        }
    };
    let _ = write!(messages, "{}", loaded.warnings);
    let hash = match input_hash(&loaded, &options.settings) {
        Ok(h) => h,
        Err(e) => {
            let _ = writeln!(messages, "error: {}", io_gagal(Akses::Baca, &job.file, &e));
            return SopResult::Failed;
        }
    };
    if !options.force && job.previous.as_deref() == Some(hash.as_str()) && job.target.is_file() {
        return SopResult::Skipped;
    }
    let rendered = match pipeline::render(&loaded) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(messages, "{e}");
            return SopResult::Failed;
        }
    };
    for w in &rendered.warnings {
        let _ = writeln!(messages, "warning: {}: {w}", display_path(&job.file));
    }
    let pdf = match pipeline::pdf(&loaded, &rendered, None) {
        Ok(p) => p,
        Err(e) => {
            let _ = write!(messages, "{e}");
            return SopResult::Failed;
        }
    };
    let folder = job.target.parent().unwrap_or(&options.out);
    if let Err(e) = crate::output::tanpa_tautan(&options.out, folder) {
        let _ = writeln!(messages, "error: {e}");
        return SopResult::Failed;
    }
    let written = std::fs::create_dir_all(folder).and_then(|()| write_atomic(&job.target, &pdf));
    if let Err(e) = written {
        let _ = writeln!(
            messages,
            "error: {}",
            io_gagal(Akses::Tulis, &job.target, &e)
        );
        return SopResult::Failed;
    }
    SopResult::Rendered {
        pages: rendered.document.pages().len(),
        hash,
    }
}

/// FNV-1a, 64 bit: small, and stable across Rust versions and machines.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, data: &[u8]) {
        for b in data {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// A length-prefixed part, so that parts cannot run into each other.
    fn part(&mut self, data: &[u8]) {
        self.bytes(&(data.len() as u64).to_le_bytes());
        self.bytes(data);
    }
}

/// The hash of everything that decides an SOP's PDF: the SOP file, every katalog.toml of
/// its chain, the images it names, the templates, sopan's version and SOURCE_DATE_EPOCH.
pub fn input_hash(loaded: &Loaded, settings: &Settings) -> std::io::Result<String> {
    let (file, sop) = (&loaded.sop.path, &loaded.sop);
    let mut h = Fnv::new();
    h.part(b"sopan-build 1");
    h.part(env!("CARGO_PKG_VERSION").as_bytes());
    h.part(
        settings
            .source_date_epoch
            .map(|s| s.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    let chain = source::katalog_chain(file);
    let root = source::catalogue_root(file, &chain);
    h.part(&source::file::read_inside(
        file,
        &root,
        source::file::SOP_MAKS,
    )?);
    for katalog in chain {
        h.part(&source::file::read_inside(
            &katalog,
            &root,
            source::file::SOP_MAKS,
        )?);
    }
    for image in [&sop.instansi.logo, &sop.pengesahan.ttd] {
        match image {
            Some(g) => h.part(&g.data),
            None => h.part(b""),
        }
    }
    for (name, text) in &loaded.templates {
        h.part(name.as_bytes());
        h.part(text.as_bytes());
    }
    Ok(format!("{:016x}", h.0))
}

/// The manifest: SOP path relative to the catalogue -> input hash.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Manifest {
    sopan: String,
    sop: BTreeMap<String, String>,
}

fn read_manifest(path: &Path) -> BTreeMap<String, String> {
    std::fs::read(path)
        .ok()
        .and_then(|data| serde_json::from_slice::<Manifest>(&data).ok())
        .map(|m| m.sop)
        .unwrap_or_default()
}

/// Writes the manifest, merged over what is on disk now (another shard may share it).
fn flush_manifest(path: &Path, updated: &BTreeMap<String, String>, err: &mut dyn Write) {
    let mut sop = read_manifest(path);
    sop.extend(updated.iter().map(|(k, v)| (k.clone(), v.clone())));
    let manifest = Manifest {
        sopan: env!("CARGO_PKG_VERSION").to_string(),
        sop,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("JSON of plain data");
    if let Err(e) = write_atomic(path, &json) {
        let _ = writeln!(
            err,
            "warning: {}; SOP akan dibuat ulang pada putaran berikut",
            io_gagal(Akses::Tulis, path, &e)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_and_rejects() {
        assert_eq!("2/5".parse::<Shard>(), Ok(Shard { k: 2, n: 5 }));
        for bad in ["0/3", "4/3", "1/0", "a/3", "3", "", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn fnv_is_the_published_function() {
        // FNV-1a 64 of "a" from the reference implementation.
        let mut h = Fnv::new();
        h.bytes(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
    }
}
