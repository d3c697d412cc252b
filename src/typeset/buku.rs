//! The bound SOP book. Worker threads typeset every SOP on its own, in the same two
//! passes as when it is rendered alone (so a book costs what its SOPs cost, and grows
//! linearly); one small document holds the cover, the Daftar Isi and the chapter pages.
//! The pages are then put together in book order and exported once, with bookmarks.
//!
//! Page numbers run through the whole book. An SOP's footer needs the page it starts
//! on, known once every SOP before it has been measured: its second pass waits for that,
//! while the workers go on measuring later SOPs.

use std::collections::VecDeque;
use std::num::NonZeroUsize;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use typst::foundations::{Content, Smart};
use typst::introspection::{PagedPosition, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point, Sides};
use typst::model::{Destination, Document, HeadingElem};
use typst_layout::{Page, PagedDocument};

use super::data::{self, Placement};
use super::plan::{self, Density};
use super::world::{SopWorld, Templates};
use super::{Penomoran, RenderError, Routed, WORKER_STACK, compile, lay_out, second_pass};
use crate::flow::Geometry;
use crate::grid;
use crate::katalog;
use crate::model::{Gambar, Instansi, Sop};

/// How a Keterkaitan entry links to another SOP of the book until its page is known.
const LINK_PREFIX: &str = "sopan:sop-";

/// One SOP of the book (an entry of its Daftar Isi): the SOP, the templates it is
/// typeset with and the chapter it belongs to.
pub struct Isi {
    /// The SOP.
    pub sop: Sop,
    /// Its templates: the nearest catalogue's, as `build` uses.
    pub templates: Templates,
    /// Chapter (bab) title, from its subfolder; `None` for SOPs at the catalogue root.
    pub bab: Option<String>,
}

/// What the cover shows.
pub struct Sampul {
    /// `katalog.judul`.
    pub judul: String,
    /// `katalog.tahun`.
    pub tahun: String,
    /// `katalog.alamat`.
    pub alamat: String,
    /// Instansi lines.
    pub baris: Vec<String>,
    /// The unit.
    pub unit: String,
    /// Logo.
    pub logo: Option<Gambar>,
}

/// A typeset book.
pub struct Buku {
    /// The laid-out book.
    pub document: PagedDocument,
    /// One flowchart geometry per SOP (page numbers count from the SOP's first page).
    pub geometry: Vec<Geometry>,
    /// Warnings, e.g. Keterkaitan entries that name no SOP of the catalogue.
    pub warnings: Vec<String>,
}

/// For each Keterkaitan entry of SOP `i`, the SOP of the book it names (`names` are the
/// normalised names of all SOPs).
fn tautan(
    entries: &[Isi],
    names: &[String],
    i: usize,
    warnings: &mut Vec<String>,
) -> Vec<Option<usize>> {
    entries[i]
        .sop
        .grid
        .get(grid::KETERKAITAN)
        .iter()
        .map(|k| {
            let want = katalog::nama_baku(k);
            let hit = names
                .iter()
                .enumerate()
                .position(|(j, nama)| j != i && katalog::menyebut(&want, nama));
            if hit.is_none() {
                warnings.push(format!(
                    "{}: keterkaitan \"{k}\" tidak menunjuk SOP mana pun di katalog ini; \
                     dicetak sebagai teks, tanpa tautan",
                    crate::diag::display_path(&entries[i].sop.path)
                ));
            }
            hit
        })
        .collect()
}

/// Typesets the book with `jobs` worker threads. `templates` make the cover, Daftar Isi
/// and chapter pages; each SOP uses its own. `duplex` starts every chapter and SOP on
/// an odd page.
pub fn render(
    entries: &[Isi],
    sampul: &Sampul,
    templates: &[(String, String)],
    duplex: bool,
    jobs: usize,
) -> Result<Buku, RenderError> {
    let first = entries
        .first()
        .map(|e| &e.sop)
        .ok_or_else(|| RenderError::Typst("katalog tidak berisi SOP".into()))?;
    let jobs = jobs.clamp(1, entries.len());
    let mut warnings = Vec::new();
    let mut links = Vec::new();
    let names: Vec<String> = entries
        .iter()
        .map(|e| katalog::nama_baku(&e.sop.nama))
        .collect();
    for (i, e) in entries.iter().enumerate() {
        let rooms = plan::rooms(&e.sop, Density::Compact);
        let (_, w) = plan::plan(&e.sop, Density::Compact, &rooms).map_err(|err| err.of(&e.sop))?;
        warnings.extend(
            w.into_iter()
                .map(|w| format!("{}: {w}", crate::diag::display_path(&e.sop.path))),
        );
        links.push(tautan(entries, &names, i, &mut warnings));
    }

    // The book's own pages, first with placeholder numbers: how many pages come before
    // the first SOP does not depend on the numbers.
    let chapters = Chapters::of(entries);
    let mut front = FrontMatter::new(entries, sampul, templates, duplex, first);
    let draft = front.compile(
        &vec![0; entries.len()],
        &chapters.titles,
        &vec![0; chapters.titles.len()],
    )?;
    let front_pages = draft
        .pages()
        .len()
        .checked_sub(chapters.titles.len())
        .filter(|&n| n > 0)
        .ok_or_else(|| {
            RenderError::Typst("buku.typ harus membuat sampul dan satu halaman per bab".into())
        })?;

    let board = Board::new(entries.len(), front_pages, duplex, &chapters);
    let parts = Parts {
        entries,
        jobs,
        links: &links,
        halves: entries.iter().map(|_| Mutex::new(None)).collect(),
        done: entries.iter().map(|_| Mutex::new(None)).collect(),
        board: Mutex::new(board),
        wake: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let parts = &parts;
            let spawned = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || parts.work());
            if let Err(e) = spawned {
                parts.fail(
                    usize::MAX,
                    RenderError::Typst(format!("tidak dapat memulai thread pekerja: {e}")),
                );
            }
        }
    });
    let board = parts
        .board
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some((_, e)) = board.error {
        return Err(e);
    }
    let front = front.compile(&board.start, &chapters.titles, &board.chapter_start)?;
    if front.pages().len() != front_pages + chapters.titles.len() {
        return Err(RenderError::Bug("jumlah halaman daftar isi berubah".into()));
    }

    let done = parts
        .done
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect::<Option<Vec<Drawn>>>()
        .ok_or_else(|| RenderError::Bug("SOP buku tidak tertata".into()))?;
    let (pages, geometry) = assemble(&front, front_pages, &chapters, &board, done);
    let document = PagedDocument::new(pages.into(), front.info().clone());
    Ok(Buku {
        document,
        geometry,
        warnings,
    })
}

/// Puts the pages together in book order: front matter, then each chapter's title page
/// and its SOPs, with blank pages where duplex printing needs them.
fn assemble(
    front: &PagedDocument,
    front_pages: usize,
    chapters: &Chapters,
    board: &Board,
    done: Vec<Drawn>,
) -> (Vec<Page>, Vec<Geometry>) {
    let size = front.pages()[0].frame.size();
    let mut pages: Vec<Page> = front.pages()[..front_pages].to_vec();
    let mut geometry = Vec::with_capacity(done.len());
    let target = |url: &str| {
        let j: usize = url.strip_prefix(LINK_PREFIX)?.parse().ok()?;
        Some(Destination::Position(PagedPosition {
            page: NonZeroUsize::new(*board.start.get(j)?)?,
            point: Point::zero(),
        }))
    };
    for (i, drawn) in done.into_iter().enumerate() {
        if let Some(c) = chapters.starting[i] {
            pad(&mut pages, board.chapter_start[c], size);
            pages.push(front.pages()[front_pages + c].clone());
        }
        pad(&mut pages, board.start[i], size);
        for mut page in drawn.pages {
            relink(&mut page.frame, &target);
            pages.push(page);
        }
        geometry.push(drawn.geometry);
    }
    for (n, page) in pages.iter_mut().enumerate() {
        page.number = n as u64 + 1;
    }
    (pages, geometry)
}

/// Adds blank pages until the next page is page `start` (1-based).
fn pad(pages: &mut Vec<Page>, start: usize, size: typst::layout::Size) {
    while pages.len() + 1 < start {
        pages.push(Page {
            frame: Frame::hard(size),
            bleed: Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: Content::empty(),
            number: 0,
        });
    }
}

/// Drops the introspection tags of every element but headings from a page: the book is
/// exported untagged and needs only its headings (the bookmarks), and the tags hold
/// on to every element of the SOP, a large part of a big book's memory.
fn keep_only_bookmarks(frame: &mut Frame) {
    frame.retain(|item| match item {
        FrameItem::Tag(Tag::Start(elem, _)) => elem.is::<HeadingElem>(),
        FrameItem::Tag(Tag::End(..)) => true,
        FrameItem::Group(g) => {
            keep_only_bookmarks(&mut g.frame);
            true
        }
        _ => true,
    });
}

/// Points the Keterkaitan links of a page (`sopan:sop-J`) at the page SOP J starts on.
fn relink(frame: &mut Frame, target: &dyn Fn(&str) -> Option<Destination>) {
    fn has_links(frame: &Frame) -> bool {
        frame.items().any(|(_, item)| match item {
            FrameItem::Link(Destination::Url(url), _) => url.starts_with(LINK_PREFIX),
            FrameItem::Group(g) => has_links(&g.frame),
            _ => false,
        })
    }
    // Frames are shared copy-on-write: touch only those holding such a link.
    if !has_links(frame) {
        return;
    }
    frame.retain(|item| {
        match item {
            FrameItem::Link(dest, _) => {
                if let Destination::Url(url) = dest
                    && let Some(t) = target(url)
                {
                    *dest = t;
                }
            }
            FrameItem::Group(g) => relink(&mut g.frame, target),
            _ => {}
        }
        true
    });
}

/// The chapters of the book: a title page before the first SOP of each.
struct Chapters {
    /// Chapter titles in order.
    titles: Vec<String>,
    /// For each SOP, the chapter whose title page comes right before it.
    starting: Vec<Option<usize>>,
}

impl Chapters {
    fn of(entries: &[Isi]) -> Self {
        let mut titles: Vec<String> = Vec::new();
        let mut starting = Vec::new();
        let mut current: Option<&String> = None;
        for e in entries {
            match &e.bab {
                Some(b) if current != Some(b) => {
                    current = Some(b);
                    titles.push(b.clone());
                    starting.push(Some(titles.len() - 1));
                }
                _ => starting.push(None),
            }
        }
        Self { titles, starting }
    }
}

/// The cover, Daftar Isi and chapter pages: one small Typst document.
struct FrontMatter {
    world: SopWorld,
    buku: data::Buku,
}

impl FrontMatter {
    fn new(
        entries: &[Isi],
        sampul: &Sampul,
        templates: &[(String, String)],
        duplex: bool,
        first: &Sop,
    ) -> Self {
        let mut files = Vec::new();
        let logo = sampul.logo.as_ref().map(|g| {
            let path = format!("/aset/sampul/logo.{}", g.format);
            files.push((path.clone(), g.data.clone()));
            path
        });
        let buku = data::Buku {
            judul: sampul.judul.clone(),
            tahun: sampul.tahun.clone(),
            alamat: sampul.alamat.clone(),
            baris: sampul.baris.iter().map(|b| b.to_uppercase()).collect(),
            unit: sampul.unit.to_uppercase(),
            logo,
            author: data::author(&Instansi {
                baris: sampul.baris.clone(),
                unit: sampul.unit.clone(),
                logo: None,
            }),
            tanggal_dokumen: first.tanggal_dokumen,
            kertas: data::Kertas::of(&first.kertas),
            font: [first.gaya.font.family(), super::fonts::FALLBACK_FAMILY],
            label: first.label.clone(),
            duplex,
            isi: entries
                .iter()
                .map(|e| data::BukuIsi {
                    bab: e.bab.clone(),
                    nomor: e.sop.nomor.clone(),
                    nama: e.sop.nama.clone(),
                    halaman: 0,
                })
                .collect(),
            bab: Vec::new(),
        };
        files.push((data::BUKU_JSON.into(), Vec::new()));
        let world = SopWorld::new("buku.typ", templates, files, first.tanggal_dokumen)
            .named("sampul dan daftar isi buku".into());
        Self { world, buku }
    }

    /// Typesets the front matter with the page each SOP and each chapter starts on.
    fn compile(
        &mut self,
        sops: &[usize],
        titles: &[String],
        chapters: &[usize],
    ) -> Result<PagedDocument, RenderError> {
        for (e, &page) in self.buku.isi.iter_mut().zip(sops) {
            e.halaman = page;
        }
        self.buku.bab = titles
            .iter()
            .zip(chapters)
            .map(|(judul, &halaman)| data::BukuBab {
                judul: judul.clone(),
                halaman,
            })
            .collect();
        self.world.set_file(data::BUKU_JSON, data::json(&self.buku));
        compile(&self.world)
    }
}

/// Which pages of the book are taken, and by whom.
struct Board {
    /// The next SOP to measure.
    next: usize,
    /// SOPs measured and placed, waiting for their second pass.
    ready: VecDeque<usize>,
    /// Page count of each measured SOP.
    pages: Vec<Option<usize>>,
    /// How many SOPs (in book order) have been placed.
    placed: usize,
    /// Pages of the book taken so far by placed SOPs and chapters.
    taken: usize,
    duplex: bool,
    /// The page each placed SOP starts on (1-based).
    start: Vec<usize>,
    /// The page of each placed chapter's title page.
    chapter_start: Vec<usize>,
    /// For each SOP, the chapter starting before it.
    starting: Vec<Option<usize>>,
    /// SOPs finished.
    finished: usize,
    /// The first failure in book order (the SOP's index), so the report does not depend
    /// on which thread was faster.
    error: Option<(usize, RenderError)>,
}

impl Board {
    fn new(sops: usize, front_pages: usize, duplex: bool, chapters: &Chapters) -> Self {
        Self {
            next: 0,
            ready: VecDeque::new(),
            pages: vec![None; sops],
            placed: 0,
            taken: front_pages,
            duplex,
            start: vec![0; sops],
            chapter_start: vec![0; chapters.titles.len()],
            starting: chapters.starting.clone(),
            finished: 0,
            error: None,
        }
    }

    /// Takes `pages` pages for the next part; in duplex a part starts on an odd page.
    fn take(&mut self, pages: usize) -> usize {
        if self.duplex && self.taken % 2 == 1 {
            self.taken += 1;
        }
        let start = self.taken + 1;
        self.taken += pages;
        start
    }

    /// Places every SOP whose predecessors are all measured.
    fn place(&mut self) {
        while let Some(&Some(pages)) = self.pages.get(self.placed) {
            let i = self.placed;
            if let Some(c) = self.starting[i] {
                self.chapter_start[c] = self.take(1);
            }
            self.start[i] = self.take(pages);
            self.ready.push_back(i);
            self.placed += 1;
        }
    }
}

/// A task for a worker.
enum Task {
    /// Pass 1 of SOP i: typeset, measure, route.
    Measure(usize),
    /// Pass 2 of SOP i, with its book page numbers.
    Draw(usize),
}

/// A finished SOP: its pages and its flowchart.
struct Drawn {
    pages: Vec<Page>,
    geometry: Geometry,
}

impl Task {
    /// The SOP the task is about.
    fn sop(&self) -> usize {
        match self {
            Task::Measure(i) | Task::Draw(i) => *i,
        }
    }
}

/// The SOPs of the book and the state the workers share.
struct Parts<'a> {
    entries: &'a [Isi],
    /// Number of workers.
    jobs: usize,
    links: &'a [Vec<Option<usize>>],
    /// Measured SOPs: their world and what pass 1 learnt.
    halves: Vec<Mutex<Option<(SopWorld, Routed)>>>,
    /// Finished SOPs.
    done: Vec<Mutex<Option<Drawn>>>,
    board: Mutex<Board>,
    wake: Condvar,
}

impl Parts<'_> {
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that SOP `i` failed; every worker then stops.
    fn fail(&self, i: usize, e: RenderError) {
        let mut board = self.board();
        if board.error.as_ref().is_none_or(|(first, _)| i < *first) {
            board.error = Some((i, e));
        }
        drop(board);
        self.wake.notify_all();
    }

    /// A worker: draws placed SOPs first (their pass-1 layout is still in Typst's
    /// cache), otherwise measures the next one, until every SOP is done.
    fn work(&self) {
        // A panic must not leave the other workers waiting for ever.
        struct Guard<'p, 'a>(&'p Parts<'a>);
        impl Drop for Guard<'_, '_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0
                        .fail(usize::MAX, RenderError::Bug("pekerja buku berhenti".into()));
                }
            }
        }
        let _guard = Guard(self);
        // The worker's own Typst pool (see `worker_pool`); if none can be made, share.
        let pool = super::worker_pool().ok();
        while let Some(task) = self.next_task() {
            let run = || match task {
                Task::Measure(i) => self.measure(i),
                Task::Draw(i) => self.draw(i),
            };
            let outcome = match &pool {
                Some(pool) => pool.install(run),
                None => run(),
            };
            super::tidy_cache(self.jobs);
            match outcome {
                Ok(()) => self.wake.notify_all(),
                Err(e) => self.fail(task.sop(), e.of(&self.entries[task.sop()].sop)),
            }
        }
    }

    fn next_task(&self) -> Option<Task> {
        let mut board = self.board();
        loop {
            if board.error.is_some() || board.finished == self.entries.len() {
                return None;
            }
            if let Some(i) = board.ready.pop_front() {
                return Some(Task::Draw(i));
            }
            if board.next < self.entries.len() {
                board.next += 1;
                return Some(Task::Measure(board.next - 1));
            }
            board = self
                .wake
                .wait(board)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn measure(&self, i: usize) -> Result<(), RenderError> {
        let sop = &self.entries[i].sop;
        let at = Placement {
            indeks: i,
            tautan: self.links[i]
                .iter()
                .map(|j| j.map(|j| format!("{LINK_PREFIX}{j}")))
                .collect(),
        };
        let (world, routed, _) = lay_out(sop, &self.entries[i].templates, "buku-sop.typ", &at)?;
        let pages = routed.pages;
        *self.halves[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((world, routed));
        let mut board = self.board();
        board.pages[i] = Some(pages);
        board.place();
        Ok(())
    }

    fn draw(&self, i: usize) -> Result<(), RenderError> {
        let start = self.board().start[i];
        let half = self.halves[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some((mut world, routed)) = half else {
            return Err(RenderError::Bug("SOP buku belum diukur".into()));
        };
        let document = second_pass(&mut world, &routed, Penomoran::Buku { awal: start })?;
        let mut pages = document.pages().to_vec();
        drop(document);
        for page in &mut pages {
            keep_only_bookmarks(&mut page.frame);
        }
        *self.done[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(Drawn {
            pages,
            geometry: routed.geometry,
        });
        self.board().finished += 1;
        Ok(())
    }
}
