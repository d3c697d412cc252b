//! Typesetting with Typst: lay the sheet out and measure where its rows landed, route
//! the flowchart on those rows, draw the flowchart and the page numbers over the
//! laid-out pages, then export a PDF/A-2b.

pub mod buku;
pub mod columns;
pub mod data;
pub mod fonts;
pub mod hyphen;
pub mod plan;
pub mod watchdog;
pub mod world;

use std::collections::BTreeMap;

use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Label, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::Point;
use typst::model::Document;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::flow::{self, FlowInput, Geometry, PageInfo, RowBox, StepIn};
use crate::model::Sop;
use data::{Data, Lapis, Placement, Tahap};
use plan::{Density, TablePlan};
use world::SopWorld;

/// What went wrong while typesetting: never the user's SOP once it validated, only a
/// template override, or a bug in sopan.
#[derive(Debug)]
pub enum RenderError {
    /// Typst reported an error: in a catalogue's template override, or in sopan's own.
    Typst(String),
    /// Something sopan itself guarantees did not hold.
    Bug(String),
    /// The SOP lays out to more than [`HALAMAN_MAKS`] pages.
    TooManyPages(usize),
    /// What went wrong with one SOP of a book.
    Sop {
        /// The SOP file, as shown to the user.
        path: String,
        /// What went wrong.
        error: Box<RenderError>,
    },
}

impl RenderError {
    /// The same error, saying which SOP file it is about.
    pub fn of(self, sop: &Sop) -> Self {
        RenderError::Sop {
            path: crate::diag::display_path(&sop.path),
            error: Box::new(self),
        }
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Typst(m) => write!(f, "galat saat menata halaman: {m}"),
            RenderError::Bug(m) => write!(f, "{m} (bug sopan, mohon dilaporkan)"),
            RenderError::TooManyPages(pages) => write!(
                f,
                "SOP ini menjadi {pages} halaman, lebih dari batasnya ({HALAMAN_MAKS} halaman)\n  \
                 = hint: bagi menjadi beberapa SOP, atau ringkas teks langkahnya"
            ),
            RenderError::Sop { path, error } => write!(f, "{path}: {error}"),
        }
    }
}

/// The most pages one SOP may take. A careful SOP takes two to five; a file of the
/// largest size filled with the longest texts would take about 360.
pub const HALAMAN_MAKS: usize = 200;

/// A rendered SOP.
pub struct Rendered {
    /// The laid-out document.
    pub document: PagedDocument,
    /// The flowchart as drawn.
    pub geometry: Geometry,
    /// Warnings (e.g. lanes narrower than comfortable).
    pub warnings: Vec<String>,
}

/// The world for an SOP, with its compact plan (what a benchmark compiles as the floor).
pub fn prepare(
    sop: &Sop,
    templates: &[(String, String)],
) -> Result<(SopWorld, Vec<TablePlan>, Vec<String>), RenderError> {
    let rooms = plan::rooms(sop, Density::Compact);
    let (plans, warnings) = plan::plan(sop, Density::Compact, &rooms)?;
    let world = prepare_in(
        sop,
        templates,
        "sop.typ",
        &Placement::default(),
        &plans,
        GRID_SIZES[0],
    );
    Ok((world, plans, warnings))
}

/// Text sizes of the kop grid, largest first: a grid that would run onto another page
/// is set a step smaller, never below the last.
pub const GRID_SIZES: [f64; 3] = [9.0, 8.5, 8.0];

/// The world for an SOP typeset by the template `main` (`sop.typ` alone, `buku-sop.typ`
/// in the book) at place `at`, with its tables planned as `plans` say and its kop grid
/// set at `grid_size`.
pub fn prepare_in(
    sop: &Sop,
    templates: &[(String, String)],
    main: &str,
    at: &Placement,
    plans: &[TablePlan],
    grid_size: f64,
) -> SopWorld {
    let mut files = vec![
        (
            data::DATA_JSON.to_string(),
            data::json(&Data::new(sop, plans, grid_size, at)),
        ),
        (data::TAHAP_JSON.to_string(), tahap(&BTreeMap::new())),
    ];
    if let Some(g) = &sop.instansi.logo {
        files.push((data::image_path("logo", g.format), g.data.clone()));
    }
    if let Some(g) = &sop.pengesahan.ttd {
        files.push((data::image_path("ttd", g.format), g.data.clone()));
    }
    SopWorld::new(main, templates, files, sop.tanggal_dokumen)
        .named(crate::diag::display_path(&sop.path))
}

/// Plans, lays out and routes an SOP typeset by `main` at place `at`.
///
/// The planning loop is [`plan::settle`]: compact tables first, the rows that open a
/// page grown while the router breaks a rule, roomy tables as a last resort. Each
/// compact layout is also redone until the sheet itself settles: a kop grid that runs
/// onto another page is set a size smaller while one is left, a row taller than a page
/// runs on, and a lone last step gets a companion.
pub(crate) fn lay_out(
    sop: &Sop,
    templates: &[(String, String)],
    main: &str,
    at: &Placement,
) -> Result<(SopWorld, Routed, Vec<String>), RenderError> {
    let mut rooms = plan::rooms(sop, Density::Compact);
    anticipate_page_openers(sop, &mut rooms)?;
    let mut breaks: Vec<Vec<usize>> = vec![Vec::new(); sop.prosedur.len()];
    let mut tall: Vec<Vec<usize>> = vec![Vec::new(); sop.prosedur.len()];
    let paper = data::Kertas::of(&sop.kertas);
    let body_bottom = paper.tinggi - paper.margin_bawah;
    let mut sizes = GRID_SIZES.iter().copied().peekable();
    let mut grid_size = GRID_SIZES[0];
    let bentuk: Vec<Vec<_>> = sop
        .prosedur
        .iter()
        .map(|pr| pr.langkah.iter().map(|l| l.bentuk).collect())
        .collect();
    let sheet = plan::settle(&bentuk, rooms, body_bottom, |density, rooms| {
        // One routing budget for each pass of the planning loop, shared by the layouts
        // it redoes: a pass that spent it leaves the next one a full search.
        let budget = flow::Budget::new(flow::Budget::SOP);
        if density == Density::Roomy {
            let (mut plans, warnings) = plan::plan(sop, Density::Roomy, rooms)?;
            // A roomy table breaks where its rows fall, a lone last step and all; a row
            // taller than a page still runs on.
            for (plan, tall) in plans.iter_mut().zip(&tall) {
                plan.breaks.clear();
                plan.tall.clone_from(tall);
            }
            let world = prepare_in(sop, templates, main, at, &plans, grid_size);
            let routed = first_pass(&world, sop, &plans, &budget)?;
            return Ok(Sheet {
                world,
                routed,
                warnings,
            });
        }
        loop {
            let (mut plans, warnings) = plan::plan(sop, Density::Compact, rooms)?;
            for ((plan, breaks), tall) in plans.iter_mut().zip(&breaks).zip(&tall) {
                plan.breaks.clone_from(breaks);
                plan.tall.clone_from(tall);
            }
            let world = prepare_in(sop, templates, main, at, &plans, grid_size);
            let routed = first_pass(&world, sop, &plans, &budget)?;
            if routed.pages > HALAMAN_MAKS {
                return Err(RenderError::TooManyPages(routed.pages));
            }
            sizes.next();
            if !routed.continued_grids.is_empty()
                && let Some(&smaller) = sizes.peek()
            {
                grid_size = smaller;
                continue;
            }
            // A row taller than a page overflows it: let it run onto the next instead.
            let mut overflow = false;
            for (rows, tall) in routed.measured.rows.iter().zip(&mut tall) {
                for (k, row) in rows.iter().enumerate() {
                    if row.y1 > body_bottom + 1.0 && !tall.contains(&k) {
                        tall.push(k);
                        overflow = true;
                    }
                }
            }
            if overflow || keep_last_step_company(&routed.measured, &mut breaks) {
                continue;
            }
            return Ok(Sheet {
                world,
                routed,
                warnings,
            });
        }
    })?;
    Ok((sheet.world, sheet.routed, sheet.warnings))
}

/// A laid-out sheet: its world, what pass 1 learnt, and the planner's warnings.
struct Sheet {
    world: SopWorld,
    routed: Routed,
    warnings: Vec<String>,
}

impl plan::Laid for Sheet {
    fn rows(&self) -> &[Vec<RowBox>] {
        &self.routed.measured.rows
    }

    fn violations(&self) -> usize {
        self.routed.violations
    }
}

/// Before the first layout, gives the rows expected to open a flow page the room for
/// the connectors coming in ([`flow::route::grow_page_openers`]), paginating the
/// planner's estimated row heights as Typst will. Most sheets then need no second
/// layout; a wrong guess is put right from the measured rows. Only a single flow table
/// is paginated this way.
fn anticipate_page_openers(sop: &Sop, rooms: &mut [Vec<f64>]) -> Result<(), RenderError> {
    let ([pr], [room]) = (sop.prosedur.as_slice(), &mut *rooms) else {
        return Ok(());
    };
    let (plans, _) = plan::plan(sop, Density::Compact, std::slice::from_ref(room))?;
    let plan = &plans[0];
    let paper = data::Kertas::of(&sop.kertas);
    let bottom = paper.tinggi - paper.margin_bawah;
    // The title above the first page's table: 10 pt capitals and a block's spacing.
    let title = 0.688 * 10.0 + 1.2 * 9.0;
    let mut rows = Vec::with_capacity(plan.heights.len());
    let (mut page, mut y) = (1, paper.margin + title + plan.header);
    for &h in &plan.heights {
        if y + h > bottom && !rows.is_empty() {
            page += 1;
            y = paper.margin + plan.header;
        }
        rows.push(RowBox {
            page,
            y0: y,
            y1: y + h,
        });
        y += h;
    }
    let bentuk: Vec<_> = pr.langkah.iter().map(|l| l.bentuk).collect();
    flow::route::grow_page_openers(&rows, room, &bentuk, bottom);
    Ok(())
}

/// When a flow table's last page would hold one step alone (and no other table's
/// rows), breaks the page one step earlier instead, where the page before keeps at
/// least two: no page holds a lone step. Whether a break was added.
fn keep_last_step_company(measured: &Measured, breaks: &mut [Vec<usize>]) -> bool {
    let mut on_page: BTreeMap<usize, usize> = BTreeMap::new();
    for row in measured.rows.iter().flatten() {
        *on_page.entry(row.page).or_default() += 1;
    }
    let mut added = false;
    for (rows, breaks) in measured.rows.iter().zip(breaks) {
        let n = rows.len();
        if n < 3 || on_page[&rows[n - 1].page] != 1 || breaks.contains(&(n - 2)) {
            continue;
        }
        let before = rows.iter().filter(|r| r.page == rows[n - 2].page).count();
        if rows[n - 2].page != rows[n - 1].page && before >= 3 {
            breaks.push(n - 2);
            added = true;
        }
    }
    added
}

/// Typesets an SOP with the given templates (name, text).
pub fn render(sop: &Sop, templates: &[(String, String)]) -> Result<Rendered, RenderError> {
    let (mut world, routed, warnings) = lay_out(sop, templates, "sop.typ", &Placement::default())?;
    // lay_out stops early at a first layout past the limit; the final one is checked here.
    if routed.pages > HALAMAN_MAKS {
        return Err(RenderError::TooManyPages(routed.pages));
    }
    let document = second_pass(&mut world, &routed, Penomoran::Sendiri)?;
    Ok(Rendered {
        document,
        geometry: routed.geometry,
        warnings,
    })
}

/// What pass 1 learnt: the laid-out sheet, where its rows landed, the flowchart
/// routed on them, and how many pages the SOP takes.
pub(crate) struct Routed {
    sheet: PagedDocument,
    measured: Measured,
    /// The kop grid rows that run onto another page, with the page each starts on:
    /// their headings must say "(lanjutan)" there, so the sheet is laid out once
    /// more (see `kop.typ`).
    continued_grids: BTreeMap<usize, usize>,
    /// By page, the lines between the lanes of the step rows there.
    lane_lines: BTreeMap<usize, Vec<[f64; 3]>>,
    /// By page, the line under the last step's Keterangan ([`norma_lines`]).
    norma_lines: BTreeMap<usize, Vec<[f64; 3]>>,
    pub(crate) geometry: Geometry,
    pub(crate) pages: usize,
    /// How many drawing rules the routed flowchart breaks (0 when clean).
    pub(crate) violations: usize,
}

impl Routed {
    /// How many pages come before the first flow table's page.
    fn kop_pages(&self) -> usize {
        self.measured
            .rows
            .first()
            .and_then(|rows| rows.first())
            .map_or(self.pages, |row| row.page - 1)
    }
}

/// How the pages of an SOP are numbered in the footer.
#[derive(Clone, Copy, Debug)]
pub enum Penomoran {
    /// "Halaman X dari Y" of the SOP alone.
    Sendiri,
    /// "Halaman N" through a book whose page `awal` is the SOP's first.
    Buku { awal: usize },
}

/// Pass 1: lays the sheet out with empty lane cells, reads back where each row landed
/// and routes the flowchart on those rows.
pub(crate) fn first_pass(
    world: &SopWorld,
    sop: &Sop,
    plans: &[TablePlan],
    budget: &flow::Budget,
) -> Result<Routed, RenderError> {
    let sheet = compile(world)?;
    let measured = measure(&sheet, &step_counts(sop))?;
    let (geometry, violations) = route_all(sop, plans, &measured, &sheet, budget);
    Ok(Routed {
        continued_grids: continued_grids(&sheet),
        lane_lines: lane_lines(sop, plans, &measured),
        norma_lines: norma_lines(sop, plans, &measured),
        violations,
        pages: sheet.pages().len(),
        sheet,
        measured,
        geometry,
    })
}

/// `/tahap.json`: the kop grid rows whose repeated headings say "(lanjutan)", with the
/// page each starts on.
fn tahap(lanjutan: &BTreeMap<usize, usize>) -> Vec<u8> {
    data::json(&Tahap { lanjutan })
}

/// Pass 2: draws the flowchart and the page numbers over the sheet of pass 1.
///
/// They are laid out as a document of their own (`lapis.typ`, one page per page of
/// the sheet) and each of its pages is put over the sheet's page of the same number.
/// The sheet itself is not laid out again, unless a kop grid row ran onto another
/// page: its heading there then says "(lanjutan)", and the new layout must match the
/// measured one or the arrows would sit beside their rows.
pub(crate) fn second_pass(
    world: &mut SopWorld,
    routed: &Routed,
    penomoran: Penomoran,
) -> Result<PagedDocument, RenderError> {
    let sheet = if !routed.continued_grids.is_empty() {
        world.set_file(data::TAHAP_JSON, tahap(&routed.continued_grids));
        let sheet = compile(world)?;
        if sheet.pages().len() != routed.pages
            || !measure(
                &sheet,
                &routed
                    .measured
                    .rows
                    .iter()
                    .map(Vec::len)
                    .collect::<Vec<_>>(),
            )?
            .same_rows(&routed.measured)
        {
            return Err(RenderError::Bug(
                "tata letak berubah di antara dua tahap".into(),
            ));
        }
        sheet
    } else {
        routed.sheet.clone()
    };
    let awal = match penomoran {
        Penomoran::Sendiri => None,
        Penomoran::Buku { awal } => Some(awal),
    };
    let mut lapis = world.with_main("lapis.typ");
    lapis.set_file(
        data::LAPIS_JSON,
        data::json(&Lapis::new(
            routed.pages,
            routed.kop_pages(),
            awal,
            &routed.lane_lines,
            &routed.norma_lines,
        )),
    );
    lapis.set_file(
        data::FLOW_JSON,
        data::json(&flow::by_page([&routed.geometry])),
    );
    let lapis = compile(&lapis)?;
    if lapis.pages().len() != sheet.pages().len() {
        return Err(RenderError::Bug(
            "lapisan bagan tidak sama jumlah halamannya dengan lembar".into(),
        ));
    }
    Ok(overlay(&sheet, &lapis))
}

/// The lines between the lanes of each flow table, by page: one line per lane
/// boundary from the top of the table's first step row on a page to the bottom of
/// its last (a step row's lanes are one cell, see `alur.typ`).
fn lane_lines(
    sop: &Sop,
    plans: &[TablePlan],
    measured: &Measured,
) -> BTreeMap<usize, Vec<[f64; 3]>> {
    let mut lines: BTreeMap<usize, Vec<[f64; 3]>> = BTreeMap::new();
    let paper = data::Kertas::of(&sop.kertas);
    let body_bottom = paper.tinggi - paper.margin_bawah;
    let tables = measured.rows.iter().zip(&measured.lane_x);
    for (pi, (((rows, &x0), p), pr)) in tables.zip(plans).zip(&sop.prosedur).enumerate() {
        let c = &p.columns;
        let mut spans: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        let mut widen = |page: usize, top: f64, bottom: f64| {
            let span = spans.entry(page).or_insert((top, bottom));
            span.0 = span.0.min(top);
            span.1 = span.1.max(bottom);
        };
        for (k, r) in rows.iter().enumerate() {
            widen(r.page, r.y0, r.y1);
            // The part of a row that ran onto a later page: from below the header there
            // to where the next row starts, or a little below its last line of text.
            if let Some(&(page, _)) = measured.tails.get(&(pi, k)) {
                // A page the row fills from its header to the bottom of the body.
                for middle in r.page + 1..page {
                    if let Some(&head) = measured.heads.get(&(pi, middle)) {
                        widen(middle, head, body_bottom);
                    }
                }
            }
            if let Some(&(page, end)) = measured.tails.get(&(pi, k))
                && let Some(&head) = measured.heads.get(&(pi, page))
            {
                let bottom = rows
                    .get(k + 1)
                    .filter(|next| next.page == page)
                    .map_or(end + columns::sel::INSET_Y + 2.0, |next| next.y0);
                widen(page, head, bottom);
            }
        }
        for (page, (top, bottom)) in spans {
            lines
                .entry(page)
                .or_default()
                .extend((1..pr.pelaksana.len()).map(|k| [x0 + c.lane * k as f64, top, bottom]));
        }
    }
    lines
}

/// The line under the last step's Keterangan, by page (`[x0, x1, y]`): that cell also
/// spans the Norma Waktu row (so the total never lands alone on a page), and the table
/// draws no line inside it.
fn norma_lines(
    sop: &Sop,
    plans: &[TablePlan],
    measured: &Measured,
) -> BTreeMap<usize, Vec<[f64; 3]>> {
    let mut lines: BTreeMap<usize, Vec<[f64; 3]>> = BTreeMap::new();
    let tables = measured.rows.iter().zip(&measured.lane_x);
    for (((rows, &x0), p), pr) in tables.zip(plans).zip(&sop.prosedur) {
        let (Some(last), Some(_)) = (rows.last(), pr.norma_waktu()) else {
            continue;
        };
        let c = &p.columns;
        let left = x0 + c.lane * pr.pelaksana.len() as f64 + c.kelengkapan + c.waktu + c.output;
        lines
            .entry(last.page)
            .or_default()
            .push([left, left + c.keterangan, last.y1]);
    }
    lines
}

/// `sheet` with each page of `lapis` drawn over its page of the same number.
fn overlay(sheet: &PagedDocument, lapis: &PagedDocument) -> PagedDocument {
    let pages = sheet
        .pages()
        .iter()
        .zip(lapis.pages())
        .map(|(page, over)| {
            let mut page = page.clone();
            page.frame.push_frame(Point::zero(), over.frame.clone());
            page
        })
        .collect();
    PagedDocument::new(pages, sheet.info().clone())
}

/// The kop grid rows that run onto another page, each with the page it starts on: a
/// row runs on when the `sopan-grid-akhir` marker at the end of one of its cells lies
/// past its `sopan-grid-N` start marker.
fn continued_grids(doc: &PagedDocument) -> BTreeMap<usize, usize> {
    let intro = doc.introspector();
    let page_of = |elem: &typst::foundations::Content| {
        elem.location()
            .and_then(|loc| intro.position(loc))
            .map(|pos| pos.page.get())
    };
    let end = Label::new(PicoStr::intern(data::GRID_END_MARKER)).expect("label name is not empty");
    let mut continued = BTreeMap::new();
    for cell_end in intro.query(&Selector::Label(end)).iter() {
        let Some(gi) = cell_end
            .to_packed::<MetadataElem>()
            .and_then(|m| m.value.clone().cast::<i64>().ok())
            .and_then(|gi| usize::try_from(gi).ok())
        else {
            continue;
        };
        let start = Label::new(PicoStr::intern(&data::grid_start_marker(gi)))
            .expect("label name is not empty");
        let Some(first) = intro
            .query_first(&Selector::Label(start))
            .and_then(|s| page_of(&s))
        else {
            continue;
        };
        if page_of(cell_end).is_some_and(|last| last > first) {
            continued.insert(gi, first);
        }
    }
    continued
}

/// Routes the flowcharts again on a laid-out document's rows (for benchmarks: the cost
/// of routing alone, without Typst).
pub fn reroute(sop: &Sop, doc: &PagedDocument) -> Result<Geometry, RenderError> {
    let (plans, _) = plan::plan(sop, Density::Compact, &plan::rooms(sop, Density::Compact))?;
    let budget = flow::Budget::new(flow::Budget::SOP);
    Ok(route_all(sop, &plans, &measure(doc, &step_counts(sop))?, doc, &budget).0)
}

/// Exports a rendered document as PDF/A-2b with a fixed timestamp.
pub fn pdf(sop: &Sop, doc: &PagedDocument) -> Result<Vec<u8>, RenderError> {
    pdf_pages(sop, doc, None)
}

/// Exports some pages (1-based numbers) of a rendered SOP, or all with `None`.
pub fn pdf_pages(
    sop: &Sop,
    doc: &PagedDocument,
    pages: Option<&[usize]>,
) -> Result<Vec<u8>, RenderError> {
    pdf_with(&sop.nomor, sop.tanggal_dokumen, doc, pages)
}

/// Exports a book as PDF/A-2b. Its pages come from separate Typst documents, so it is
/// not tagged (PDF/A-2b does not require tags); its bookmarks are its headings.
pub fn pdf_book(
    ident: &str,
    date: (u16, u8, u8),
    doc: &PagedDocument,
) -> Result<Vec<u8>, RenderError> {
    export(ident, date, doc, None, false)
}

/// Exports any sopan document (or some of its pages) as PDF/A-2b, identified by
/// `ident`, dated `date`.
pub fn pdf_with(
    ident: &str,
    date: (u16, u8, u8),
    doc: &PagedDocument,
    pages: Option<&[usize]>,
) -> Result<Vec<u8>, RenderError> {
    // Typst cannot tag a partial document.
    let tagged = pages.is_none();
    export(ident, date, doc, pages, tagged)
}

fn export(
    ident: &str,
    date: (u16, u8, u8),
    doc: &PagedDocument,
    pages: Option<&[usize]>,
    tagged: bool,
) -> Result<Vec<u8>, RenderError> {
    let page_ranges = pages.map(|numbers| {
        typst::layout::PageRanges::new(
            numbers
                .iter()
                .filter_map(|&n| std::num::NonZeroUsize::new(n))
                .map(|n| Some(n)..=Some(n))
                .collect(),
        )
    });
    let (y, m, d) = date;
    let datetime = Datetime::from_ymd_hms(i32::from(y), m, d, 0, 0, 0)
        .ok_or_else(|| RenderError::Typst("tanggal dokumen tidak valid".into()))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("sopan {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(datetime)),
        standards: PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| RenderError::Typst(e.message().to_string()))?,
        // PDF/A-2b does not require tags.
        tagged,
        page_ranges,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(doc, &options).map_err(|errs| RenderError::Typst(messages(&errs)))
}

/// Stack of a thread that runs Typst: its layout recurses deeply.
pub const WORKER_STACK: usize = 64 << 20;

/// A worker's own Typst thread pool: one thread, with a deep stack.
///
/// Typst lays out page runs with rayon. Without an installed pool that goes to rayon's
/// global pool, which every worker of `build` and `book` would share: the workers
/// then wait for each other there, and two workers do barely more than one.
/// Running each job through `install` on the worker's own pool keeps them apart.
pub fn worker_pool() -> Result<rayon::ThreadPool, RenderError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(WORKER_STACK)
        .build()
        .map_err(|e| RenderError::Typst(format!("tidak dapat memulai thread pekerja: {e}")))
}

/// Keeps Typst's memo caches (which grow without bound) to about the last ten
/// documents. Call after each document. Clearing out is itself costly (it walks the
/// whole cache), so it happens every fifth call, dropping what the last two rounds did
/// not use: what every document uses (templates, fonts) stays. `rounds_apart` spaces
/// the rounds further (the book passes its number of workers, so an SOP's first pass
/// stays cached until its second even when many workers run).
pub fn tidy_cache(rounds_apart: usize) {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let every = 5 * rounds_apart.max(1);
    if CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % every == every - 1 {
        typst::comemo::evict(2);
    }
}

/// One plain Typst compilation of the world; with a catalogue's own templates, watched
/// for time and memory ([`watchdog`]).
pub fn compile(world: &SopWorld) -> Result<PagedDocument, RenderError> {
    let _watched = world
        .own_templates()
        .map(|what| watchdog::global().watch(what));
    typst::compile::<PagedDocument>(world)
        .output
        .map_err(|errs| RenderError::Typst(messages(&errs)))
}

fn messages(errs: &[SourceDiagnostic]) -> String {
    errs.iter()
        .map(|e| indonesian(&e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typst's messages a clerk can meet with valid SOP files, in Indonesian; others as
/// they are (they concern a catalogue's own templates).
fn indonesian(message: &str) -> String {
    if message.contains("PDF string is longer than") {
        return "sebuah teks terlalu panjang untuk PDF/A (satu teks judul, nomor atau nama \
                instansi paling banyak sekitar 16.000 huruf); ringkas teks yang sangat panjang"
            .into();
    }
    message.to_string()
}

/// Row boxes per procedure of an SOP, and the x where each procedure's lanes begin.
#[derive(Debug, Default)]
pub(crate) struct Measured {
    rows: Vec<Vec<RowBox>>,
    lane_x: Vec<f64>,
    /// Rows that run onto later pages: (procedure, step) -> the last page and the y
    /// where their text ends there. Their `RowBox` is their first part.
    tails: BTreeMap<(usize, usize), (usize, f64)>,
    /// (procedure, page) -> where the table's header ends on that page.
    heads: BTreeMap<(usize, usize), f64>,
}

impl Measured {
    /// Whether two layouts put every row in the same place, to a hundredth of a point
    /// (the arrows drawn for one then still meet the rows of the other).
    fn same_rows(&self, other: &Measured) -> bool {
        let near = |a: f64, b: f64| (a - b).abs() < 0.01;
        self.rows.len() == other.rows.len()
            && self
                .lane_x
                .iter()
                .zip(&other.lane_x)
                .all(|(a, b)| near(*a, *b))
            && self.rows.iter().zip(&other.rows).all(|(a, b)| {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(r, o)| r.page == o.page && near(r.y0, o.y0) && near(r.y1, o.y1))
            })
    }
}

/// How many steps each flow table has: the row markers a sheet may carry.
fn step_counts(sop: &Sop) -> Vec<usize> {
    sop.prosedur.iter().map(|pr| pr.langkah.len()).collect()
}

/// Where the rows of every flow table landed, read from the row markers of `doc`;
/// `steps` is how many rows each table has.
pub(crate) fn measure(doc: &PagedDocument, steps: &[usize]) -> Result<Measured, RenderError> {
    let intro = doc.introspector();
    let label = Label::new(PicoStr::intern(data::ROW_MARKER)).expect("label name is not empty");
    let mut tops: Vec<(usize, usize, usize, f64, f64)> = Vec::new();
    let mut bottoms: Vec<(usize, usize, f64)> = Vec::new();
    let mut out = Measured::default();
    for elem in intro.query(&Selector::Label(label)).iter() {
        let Some(meta) = elem.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Dict(dict) = &meta.value else {
            continue;
        };
        let int = |k: &str| {
            dict.get(k)
                .ok()
                .and_then(|v| v.clone().cast::<i64>().ok())
                .unwrap_or(-1)
        };
        let (p, s, e) = (int("p").max(0) as usize, int("s").max(0) as usize, int("e"));
        // A template override could write any number here: never size anything by it.
        if s >= steps.get(p).copied().unwrap_or(0) {
            return Err(marker_error(format!(
                "penanda baris untuk prosedur {p}, langkah {s} tidak ada di SOP ini"
            )));
        }
        let Some(loc) = elem.location() else { continue };
        let Some(pos) = intro.position(loc) else {
            continue;
        };
        let (page, pt) = (pos.page.get(), pos.point);
        let y = pt.y.to_pt();
        match e {
            0 => tops.push((p, s, page, pt.x.to_pt(), y)),
            1 => bottoms.push((p, s, y)),
            2 => {
                let end = out.tails.entry((p, s)).or_insert((page, y));
                if (page, y) > *end {
                    *end = (page, y);
                }
            }
            _ => {
                out.heads.insert((p, page), y);
            }
        }
    }
    tops.sort_by_key(|t| (t.0, t.1));
    for (p, s, page, x, y0) in tops {
        let y1 = bottoms
            .iter()
            .find(|m| m.0 == p && m.1 == s)
            .map(|m| m.2)
            .ok_or_else(|| {
                marker_error(format!(
                    "penanda akhir baris prosedur {p}, langkah {s} tidak ada"
                ))
            })?;
        if out.rows.len() <= p {
            out.rows.resize(p + 1, Vec::new());
            out.lane_x.resize(p + 1, 0.0);
        }
        if s != out.rows[p].len() {
            return Err(marker_error(format!(
                "penanda baris prosedur {p} tidak berurutan di langkah {s}"
            )));
        }
        out.lane_x[p] = x;
        out.rows[p].push(RowBox { page, y0, y1 });
    }
    // The router takes one row per step of every table, each on a page of the sheet.
    let pages = doc.pages().len();
    for (p, &n) in steps.iter().enumerate() {
        let rows = out.rows.get(p).map_or(0, Vec::len);
        if rows != n {
            return Err(marker_error(format!(
                "prosedur {p} punya {n} langkah, tetapi lembarnya menandai {rows} baris"
            )));
        }
    }
    if let Some(r) = out
        .rows
        .iter()
        .flatten()
        .find(|r| !((1..=pages).contains(&r.page) && r.y0.is_finite() && r.y1.is_finite()))
    {
        return Err(marker_error(format!(
            "penanda baris di halaman {} yang tidak ada (lembar ini {pages} halaman)",
            r.page
        )));
    }
    // Only the text of a row that ran onto a later page is its tail.
    let rows = &out.rows;
    out.tails.retain(|&(p, s), (page, _)| {
        rows.get(p)
            .and_then(|r| r.get(s))
            .is_some_and(|r| *page > r.page)
    });
    Ok(out)
}

/// Row markers the router cannot use: the embedded templates always set them right, so
/// a catalogue's own `alur.typ` is the likely cause.
fn marker_error(what: String) -> RenderError {
    RenderError::Typst(format!(
        "{what}; bagan alur tidak dapat digambar. Bila katalog ini memakai templat \
         pengganti (templates/alur.typ), periksa penanda <sopan-row> di templat itu"
    ))
}

/// Routes every flow table of `sop` on its measured rows: the flowchart, and how many
/// drawing rules it breaks ([`flow::route_sheet`]: fixed symbols, wide ones only if
/// those break a rule).
pub(crate) fn route_all(
    sop: &Sop,
    plans: &[TablePlan],
    m: &Measured,
    doc: &PagedDocument,
    budget: &flow::Budget,
) -> (Geometry, usize) {
    let pages: Vec<PageInfo> = doc
        .pages()
        .iter()
        .enumerate()
        .map(|(i, p)| PageInfo {
            number: i + 1,
            width: p.frame.width().to_pt(),
            height: p.frame.height().to_pt(),
        })
        .collect();
    let text_width = |text: &str, size: f64| fonts::text_width(sop.gaya.font, text, size);
    let tables: Vec<FlowInput> = sop
        .prosedur
        .iter()
        .enumerate()
        .filter_map(|(pi, pr)| {
            let (rows, &x0) = (m.rows.get(pi)?, m.lane_x.get(pi)?);
            let lane_w = plans[pi].columns.lane;
            Some(FlowInput {
                procedure: pi,
                pelaksana: &pr.pelaksana,
                lanes: (0..pr.pelaksana.len())
                    .map(|k| (x0 + lane_w * k as f64, x0 + lane_w * (k + 1) as f64))
                    .collect(),
                rows: rows.clone(),
                steps: pr
                    .langkah
                    .iter()
                    .map(|l| StepIn {
                        lanes: l.pelaksana.clone(),
                        bentuk: l.bentuk,
                        alur: l.alur,
                    })
                    .collect(),
                label_ya: &sop.gaya.label_ya,
                label_tidak: &sop.gaya.label_tidak,
                label_selesai: sop.label("selesai"),
                text_width: &text_width,
            })
        })
        .collect();
    flow::route_sheet(&tables, &pages, budget)
}

/// Renders one page (0-based) as PNG at `ppi` pixels per inch.
pub fn page_png(doc: &PagedDocument, index: usize, ppi: f64) -> Option<Vec<u8>> {
    let page = doc.pages().get(index)?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(ppi / 72.0),
        ..typst_render::RenderOptions::default()
    };
    typst_render::render(page, &options).encode_png().ok()
}

/// Renders one page (0-based) as a vector SVG image (text as glyph outlines).
pub fn page_svg(doc: &PagedDocument, index: usize) -> Option<String> {
    let page = doc.pages().get(index)?;
    Some(typst_svg::svg(page, &typst_svg::SvgOptions::default()))
}

/// All text of one page (0-based), in layout order, for checks and search.
pub fn page_text(doc: &PagedDocument, index: usize) -> String {
    fn walk(frame: &typst::layout::Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                typst::layout::FrameItem::Text(t) => {
                    // A soft hyphen where no line broke is not text a reader sees.
                    out.extend(t.text.chars().filter(|c| *c != hyphen::SHY));
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    if let Some(page) = doc.pages().get(index) {
        walk(&page.frame, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pdf_a_string_limit_is_told_in_indonesian() {
        let text =
            super::indonesian("PDF/A-2b error: a PDF string is longer than 32767 characters");
        assert!(text.contains("terlalu panjang untuk PDF/A"), "{text}");
        assert!(!text.contains("error"), "{text}");
    }
}
