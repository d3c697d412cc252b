//! A whole catalogue: `build` (broken SOP beside good ones, incremental skip, --force,
//! shards, atomic outputs), `daftar` (table, CSV, flags), `init`, template overrides.

use std::path::{Path, PathBuf};

use crate::common::*;
use sopan::katalog::build::{self, BuildOptions, Shard, Summary};
use sopan::katalog::init;
use sopan::pipeline::{self, Settings};

fn options(dir: &Path) -> BuildOptions {
    BuildOptions {
        dir: dir.to_path_buf(),
        out: dir.join(build::DEFAULT_OUT),
        jobs: 2,
        force: false,
        shard: None,
        progress: false,
        settings: Settings::default(),
    }
}

/// Runs a build, returning its summary and what it printed.
fn run_build(options: &BuildOptions) -> (Summary, String) {
    let mut err = Vec::new();
    let summary = build::build(options, &mut err).expect("build starts");
    (summary, String::from_utf8_lossy(&err).into_owned())
}

/// `sopan build DIR` with `extra` arguments (two workers unless they say), run as a
/// user would.
fn sopan_build(dir: &Path, extra: &[&str]) -> Run {
    use std::ffi::OsStr;
    let mut args = vec![OsStr::new("build"), dir.as_os_str()];
    if !extra.contains(&"-j") {
        args.extend([OsStr::new("-j"), OsStr::new("2")]);
    }
    args.extend(extra.iter().map(OsStr::new));
    sopan(args)
}

/// A small katalog from `init` with `extra` more copies of its example SOP (own nomor).
fn small_katalog(name: &str, extra: usize) -> PathBuf {
    let dir = scratch(name).join("katalog");
    init::init(&dir).expect("init");
    let example = std::fs::read_to_string(dir.join("umum/contoh-sop.toml")).expect("example");
    for i in 0..extra {
        let text = example.replace("000/001/SOP", &format!("000/{:03}/SOP", i + 2));
        std::fs::write(dir.join(format!("umum/salinan-{i}.toml")), text).expect("write");
    }
    dir
}

const BROKEN: &str = "nomor = \"X/1\"\nnama = \"Rusak\"\npelaksana = [\"Kasubbag\"]\n\n\
[[langkah]]\nkegiatan = \"Satu\"\npelaksana = \"Kasubag\"\n\n\
[[langkah]]\nkegiatan = \"Dua\"\npelaksana = \"Kasubbag\"\n";

#[test]
fn build_renders_every_example_and_reports_the_broken_one() {
    let dir = scratch("examples");
    copy_dir(&root().join("examples"), &dir);
    let broken = dir.join("pagar-alam-dpmptsptk/perencanaan/rusak.toml");
    std::fs::write(&broken, BROKEN).expect("write broken SOP");
    let sops = sopan::source::sop_files(&dir).expect("sop files");

    let Run { code, out, err } = sopan_build(&dir, &[]);
    assert_eq!(code, 1, "{err}");
    let good = sops.len() - 1;
    assert!(
        out.contains(&format!("{good} dibuat, 1 gagal, 0 dilewati")),
        "summary: {out}"
    );
    // The broken SOP's diagnostics, as `check` prints them, then its failure line.
    assert!(err.contains("pelaksana \"Kasubag\" tidak ada"), "{err}");
    assert!(err.contains("rusak.toml:7:13"), "{err}");
    assert!(err.contains("gagal "), "{err}");
    for sop in &sops {
        let rel = sop.strip_prefix(&dir).expect("below dir");
        let pdf = dir.join("pdf").join(rel).with_extension("pdf");
        if *sop == broken {
            assert!(!pdf.exists(), "no PDF for the broken SOP");
        } else {
            let bytes = std::fs::read(&pdf).unwrap_or_else(|_| panic!("{} missing", pdf.display()));
            assert!(
                bytes.starts_with(b"%PDF-"),
                "{} is not a PDF",
                pdf.display()
            );
        }
    }
    // The output folder is never taken for SOPs on the next run.
    let planned = build::plan(&dir, &dir.join("pdf"), None).expect("plan");
    assert_eq!(planned, sops);
    // PDFs beside the SOPs (`-o DIR`) or above them leave nothing out either.
    assert_eq!(build::plan(&dir, &dir, None).expect("plan"), sops);
    let parent = dir.parent().expect("parent");
    assert_eq!(build::plan(&dir, parent, None).expect("plan"), sops);
}

#[test]
fn unchanged_sops_are_skipped_until_an_input_or_force_changes() {
    let dir = small_katalog("incremental", 2);
    let mut opts = options(&dir);
    let (s, err) = run_build(&opts);
    assert_eq!((s.rendered, s.failed, s.skipped), (3, 0, 0), "{err}");
    assert!(dir.join("pdf").join(build::MANIFEST).is_file());

    let (s, _) = run_build(&opts);
    assert_eq!(
        (s.rendered, s.skipped),
        (0, 3),
        "second run skips everything"
    );

    // A deleted SOP leaves its PDF, and the build says so.
    let gone = dir.join("umum/salinan-1.toml");
    let kept = std::fs::read(&gone).expect("read");
    std::fs::remove_file(&gone).expect("delete");
    let (_, err) = run_build(&opts);
    assert!(
        err.contains("salinan-1.pdf tidak punya berkas SOP lagi"),
        "{err}"
    );
    std::fs::write(&gone, kept).expect("restore");
    let (s, err) = run_build(&opts);
    assert!(!err.contains("tidak punya berkas SOP"), "{err}");
    assert_eq!((s.rendered, s.skipped), (0, 3));

    // One SOP edited: only it is rendered again.
    let one = dir.join("umum/salinan-0.toml");
    let text = std::fs::read_to_string(&one).expect("read");
    std::fs::write(
        &one,
        text.replace("Pengelolaan Surat Masuk", "Pengelolaan Surat Masuk Baru"),
    )
    .expect("edit");
    let (s, _) = run_build(&opts);
    assert_eq!((s.rendered, s.skipped), (1, 2));

    // The logo every SOP inherits changed: all are rendered again.
    let logo = dir.join("logo.svg");
    let svg = std::fs::read_to_string(&logo).expect("logo");
    std::fs::write(&logo, svg.replace("#555555", "#123456")).expect("edit logo");
    let (s, _) = run_build(&opts);
    assert_eq!((s.rendered, s.skipped), (3, 0), "an image is an input");

    // katalog.toml changed: all again.
    let katalog = dir.join("katalog.toml");
    let k = std::fs::read_to_string(&katalog).expect("katalog");
    std::fs::write(&katalog, k.replace("DINAS CONTOH", "DINAS CONTOH LAIN")).expect("edit");
    let (s, _) = run_build(&opts);
    assert_eq!((s.rendered, s.skipped), (3, 0), "katalog.toml is an input");

    // A deleted PDF is rebuilt even though its inputs did not change.
    std::fs::remove_file(dir.join("pdf/umum/contoh-sop.pdf")).expect("rm");
    let (s, _) = run_build(&opts);
    assert_eq!((s.rendered, s.skipped), (1, 2));

    opts.force = true;
    let (s, _) = run_build(&opts);
    assert_eq!(
        (s.rendered, s.skipped),
        (3, 0),
        "--force renders everything"
    );
}

#[test]
fn shards_cover_every_sop_exactly_once() {
    let dir = root().join("examples");
    let all = sopan::source::sop_files(&dir).expect("examples");
    let mut seen: Vec<PathBuf> = Vec::new();
    for k in 1..=3 {
        let shard: Shard = format!("{k}/3").parse().expect("shard");
        let part = build::plan(&dir, &dir.join("pdf"), Some(shard)).expect("plan");
        assert!(!part.is_empty() && part.len() < all.len(), "slice {k}/3");
        seen.extend(part);
    }
    seen.sort();
    assert_eq!(
        seen, all,
        "the three slices together are the catalogue, once each"
    );

    // A shard build renders only its slice.
    let dir = small_katalog("shard", 2);
    let mut opts = options(&dir);
    opts.shard = Some(Shard { k: 2, n: 3 });
    let (s, err) = run_build(&opts);
    assert_eq!((s.rendered, s.failed), (1, 0), "{err}");
    let pdfs = sopan::source::sop_files(&dir).expect("files");
    assert!(dir.join("pdf/umum/salinan-0.pdf").is_file(), "{pdfs:?}");
    assert!(!dir.join("pdf/umum/contoh-sop.pdf").exists());
}

#[test]
fn bad_shard_and_jobs_are_usage_errors_in_indonesian() {
    let dir = small_katalog("usage", 0);
    for extra in [
        &["--shard", "0/3"][..],
        &["--shard", "4/3"],
        &["--shard", "x"],
        &["-j", "0"],
    ] {
        let Run { code, err, .. } = sopan_build(&dir, extra);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(
            err.contains("tidak valid") || err.contains("paling sedikit"),
            "{err}"
        );
    }
    assert!(!dir.join("pdf").exists(), "a usage error writes nothing");
}

#[test]
fn a_failed_render_leaves_the_previous_pdf_untouched() {
    let dir = small_katalog("atomic", 0);
    let opts = options(&dir);
    let (s, err) = run_build(&opts);
    assert_eq!(s.rendered, 1, "{err}");
    let pdf = dir.join("pdf/umum/contoh-sop.pdf");
    let good = std::fs::read(&pdf).expect("pdf");

    // Fails in validation.
    let sop = dir.join("umum/contoh-sop.toml");
    let text = std::fs::read_to_string(&sop).expect("read");
    std::fs::write(
        &sop,
        text.replace("pelaksana = \"Sekretaris\"", "pelaksana = \"Sekertaris\""),
    )
    .expect("break");
    let (s, err) = run_build(&opts);
    assert_eq!((s.rendered, s.failed), (0, 1), "{err}");
    assert_eq!(std::fs::read(&pdf).expect("pdf"), good);

    // Fails in Typst (a broken template override), after validation passed.
    std::fs::write(&sop, &text).expect("repair");
    std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
    std::fs::write(dir.join("templates/alur.typ"), "#let alur(d) = {").expect("template");
    let (s, err) = run_build(&opts);
    assert_eq!((s.rendered, s.failed), (0, 1), "{err}");
    assert!(err.contains("galat saat menata halaman"), "{err}");
    assert_eq!(std::fs::read(&pdf).expect("pdf"), good);

    let leftovers: Vec<_> = std::fs::read_dir(pdf.parent().expect("dir"))
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn init_makes_a_katalog_that_builds_and_refuses_to_overwrite() {
    let dir = scratch("init").join("baru");
    let Run { code, err, .. } = sopan(["init".as_ref(), dir.as_os_str()]);
    assert_eq!(code, 0, "{err}");
    for (name, _) in init::berkas() {
        assert!(dir.join(name).is_file(), "{name}");
    }
    let Run { code, out, err } = sopan_build(&dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 dibuat, 0 gagal"), "{out}");
    let (_, _, rendered) = render(&dir.join("umum/contoh-sop.toml"));
    let text = squash(&sopan::typeset::page_text(&rendered.document, 0));
    assert!(text.contains("KONSEP"), "a fresh katalog is a draft");

    let katalog = std::fs::read(dir.join("katalog.toml")).expect("katalog");
    std::fs::write(dir.join("katalog.toml"), b"# milik pengguna\n").expect("edit");
    let Run { code, err, .. } = sopan(["init".as_ref(), dir.as_os_str()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("sudah ada, tidak ditimpa"), "{err}");
    assert_eq!(
        std::fs::read(dir.join("katalog.toml")).expect("read"),
        b"# milik pengguna\n"
    );
    assert_ne!(katalog, b"# milik pengguna\n");
}

#[test]
fn a_book_of_a_grown_init_catalogue_leaves_the_untouched_example_out_and_names_no_one_unit() {
    let dir = scratch("init-buku").join("dinas");
    init::init(&dir).expect("init");
    write_sop(&dir, "keuangan/spj.toml", "900/1/SOP", "Penyusunan SPJ", "");
    std::fs::write(
        dir.join("keuangan/katalog.toml"),
        "[instansi]\nunit = \"SUBBAGIAN KEUANGAN\"\n",
    )
    .unwrap();
    let book = dir.join("buku.pdf");
    let Run { code, err, .. } = sopan([
        "book".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        book.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("contoh-sop.toml tidak dicetak di buku") && err.contains("sopan init"),
        "{err}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout".as_ref(), book.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Penyusunan SPJ") || text.contains("PENYUSUNAN SPJ"),
        "{text}"
    );
    assert!(
        !text.to_uppercase().contains("PENGELOLAAN SURAT MASUK"),
        "{text}"
    );
    // The example's own chapter names its unit; the book of the whole dinas does not
    // print a unit of one bidang on its cover.
    let cover = text.split('\u{c}').next().unwrap_or_default();
    assert!(cover.contains("DINAS CONTOH"), "{cover}");
    assert!(!cover.contains("SEKRETARIAT"), "{cover}");
    // Edited, the example is the clerk's own SOP and is printed.
    let example = dir.join(init::CONTOH);
    let edited = std::fs::read_to_string(&example)
        .unwrap()
        .replace("Pengelolaan Surat Masuk", "Pengelolaan Surat Masuk Dinas");
    std::fs::write(&example, edited).unwrap();
    let Run { code, err, .. } = sopan([
        "book".as_ref(),
        dir.as_os_str(),
        "-o".as_ref(),
        book.as_os_str(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("tidak dicetak di buku"), "{err}");
}

/// Writes an SOP with signature data (so it can be `berlaku`) into `dir`.
fn write_sop(dir: &Path, file: &str, nomor: &str, nama: &str, status: &str) {
    let status = match status {
        "" => String::new(),
        s => format!("status = \"{s}\"\n"),
    };
    let text = format!(
        "nomor = {nomor:?}\nnama = {nama:?}\ntanggal_efektif = 2024-02-01\n{status}\
         pelaksana = [\"Staf\"]\n\n[pengesahan]\njabatan = \"Kepala\"\nnama = \"BUDI\"\n\
         nip = \"196910161995031001\"\n\n\
         [[langkah]]\nkegiatan = \"Satu\"\npelaksana = \"Staf\"\n\n\
         [[langkah]]\nkegiatan = \"Dua\"\npelaksana = \"Staf\"\n"
    );
    std::fs::create_dir_all(dir.join(file).parent().expect("parent")).expect("mkdir");
    std::fs::write(dir.join(file), text).expect("write SOP");
}

#[test]
fn register_lists_status_and_flags_inconsistencies() {
    let dir = scratch("daftar");
    std::fs::write(
        dir.join("katalog.toml"),
        "[instansi]\nunit = \"SUBBAGIAN UMUM\"\n",
    )
    .expect("katalog");
    write_sop(
        &dir,
        "a/surat-masuk.toml",
        "100/1",
        "Surat Masuk",
        "berlaku",
    );
    write_sop(
        &dir,
        "a/surat-masuk-lama.toml",
        "100/2",
        "SURAT  MASUK",
        "berlaku",
    );
    write_sop(&dir, "b/arsip.toml", "100/1", "Arsip, \"Dinamis\"", "");
    write_sop(&dir, "b/cuti.toml", "100/3", "Cuti", "diganti");
    // A replaced SOP with its replacement named is fine.
    write_sop(&dir, "b/izin.toml", "100/4", "Izin", "berlaku");
    let izin = dir.join("b/izin.toml");
    let text = std::fs::read_to_string(&izin).expect("read");
    std::fs::write(
        &izin,
        text.replace(
            "status = \"berlaku\"",
            "status = \"diganti\"\ndiganti_oleh = \"100/9\"",
        ),
    )
    .expect("write");

    let Run {
        code,
        out: table,
        err,
    } = sopan(["daftar".as_ref(), dir.as_os_str()]);
    assert_eq!(code, 1, "cuti.toml cannot load");
    assert!(
        err.contains("status \"diganti\" memerlukan diganti_oleh"),
        "{err}"
    );
    assert!(
        err.contains("gagal dimuat") && err.contains("cuti.toml"),
        "{err}"
    );
    assert!(
        err.contains("warning: nomor SOP \"100/1\" dipakai oleh 2 berkas"),
        "{err}"
    );
    assert!(
        err.contains("2 SOP berstatus berlaku dengan nama yang sama"),
        "{err}"
    );

    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines.len(),
        2 + 4,
        "header, rule, four loaded SOPs:\n{table}"
    );
    assert!(lines[0].starts_with("No  Nomor SOP"), "{table}");
    let row = |file: &str| {
        *lines
            .iter()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not listed:\n{table}"))
    };
    assert!(row("a/surat-masuk.toml").contains("! nomor ganda; ! berlaku ganda"));
    assert!(row("a/surat-masuk-lama.toml").contains("! berlaku ganda"));
    assert!(!row("a/surat-masuk-lama.toml").contains("nomor ganda"));
    assert!(row("b/arsip.toml").contains("! nomor ganda"));
    assert!(
        row("b/arsip.toml").contains("berlaku"),
        "no status but signed and effective: in force"
    );
    let izin = row("b/izin.toml");
    assert!(izin.contains("diganti") && izin.contains("100/9") && izin.contains("1 Februari 2024"));
    assert!(!izin.contains('!'));
    // Columns line up: every row has its Status column where the header has it.
    let col = lines[0].find("Status").expect("Status column");
    for l in &lines[2..] {
        let status = &l[col..];
        assert!(
            ["berlaku", "konsep", "diganti", "dicabut"]
                .iter()
                .any(|s| status.starts_with(s)),
            "misaligned: {l}"
        );
    }

    let csv = sopan(["daftar".as_ref(), dir.as_os_str(), "--csv".as_ref()]).out;
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows[0],
        "nomor,nama,unit,status,tanggal_efektif,diganti_oleh,berkas,catatan"
    );
    assert!(rows.contains(
        &"100/1,\"Arsip, \"\"Dinamis\"\"\",SUBBAGIAN UMUM,berlaku,2024-02-01,,b/arsip.toml,nomor ganda"
    ), "{csv}");
    assert!(
        rows.contains(&"100/4,Izin,SUBBAGIAN UMUM,diganti,2024-02-01,100/9,b/izin.toml,"),
        "{csv}"
    );
    assert_eq!(rows.len(), 5, "{csv}");

    // For Excel set to Indonesian: a UTF-8 byte-order mark and semicolons.
    let excel = sopan(["daftar".as_ref(), dir.as_os_str(), "--excel".as_ref()]).out;
    assert!(
        excel.starts_with("\u{FEFF}nomor;nama;unit;status;"),
        "{excel}"
    );
    assert!(
        excel.contains("100/1;\"Arsip, \"\"Dinamis\"\"\";SUBBAGIAN UMUM;"),
        "{excel}"
    );
}

#[test]
fn catalogue_templates_override_the_embedded_ones_nearest_wins() {
    let dir = scratch("templat");
    let outer = dir.join("dinas");
    init::init(&outer).expect("init");
    std::fs::create_dir_all(outer.join("templates")).expect("mkdir");
    std::fs::write(
        outer.join("templates/kop.typ"),
        "#let kop(d) = [PENANDA-DINAS #d.kop.nomor]\n",
    )
    .expect("outer kop");
    // A sub-catalogue with its own kop.
    let inner = outer.join("bidang");
    std::fs::create_dir_all(inner.join("templates")).expect("mkdir");
    std::fs::write(
        inner.join("katalog.toml"),
        "[instansi]\nunit = \"BIDANG\"\n",
    )
    .expect("katalog");
    std::fs::write(
        inner.join("templates/kop.typ"),
        "#let kop(d) = [PENANDA-BIDANG]\n",
    )
    .expect("inner kop");
    std::fs::copy(
        outer.join("umum/contoh-sop.toml"),
        inner.join("contoh.toml"),
    )
    .expect("copy");

    let first_page = |sop: PathBuf| {
        big_stack(move || {
            let (_, rendered) = pipeline::render_file(&sop, &Settings::default()).expect("render");
            sopan::typeset::page_text(&rendered.document, 0)
        })
    };
    let text = first_page(outer.join("umum/contoh-sop.toml"));
    assert!(text.contains("PENANDA-DINAS"), "{text}");
    assert!(
        text.contains("000/001/SOP/SEKRETARIAT/2025"),
        "the override reads /data.json"
    );
    let text = first_page(inner.join("contoh.toml"));
    assert!(
        text.contains("PENANDA-BIDANG") && !text.contains("PENANDA-DINAS"),
        "{text}"
    );

    // Without overrides, the embedded templates.
    let plain = root().join("examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml");
    let embedded = sopan::typeset::world::embedded_templates();
    assert_eq!(
        sopan::typeset::world::templates_for(&plain).expect("templates"),
        embedded
    );

    // `build` uses the override, and changing it counts as a changed input.
    let (s, err) = run_build(&options(&outer));
    assert_eq!((s.rendered, s.failed), (2, 0), "{err}");
    std::fs::write(
        outer.join("templates/kop.typ"),
        "#let kop(d) = [PENANDA-DINAS-2]\n",
    )
    .expect("edit");
    let (s, _) = run_build(&options(&outer));
    assert_eq!(
        (s.rendered, s.skipped),
        (1, 1),
        "only the SOP using that template"
    );
}

#[test]
fn render_on_a_folder_points_at_build() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
        .args(["render", "examples"])
        .current_dir(root())
        .output()
        .expect("run sopan");
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("sopan build examples"), "{err}");
    assert!(!root().join("examples.pdf").exists());
}

/// The katalog.toml files above an SOP apply from whatever folder sopan is run in: inside
/// the SOP's own folder, at the catalogue's top, or above it, the PDF is the same.
#[test]
fn the_catalogue_applies_from_any_working_folder() {
    let dir = scratch("cwd");
    let run = |cwd: &str, file: &str, out: &str| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
            .args(["render", file, "-o"])
            .arg(dir.join(out))
            .current_dir(root().join(cwd))
            .status()
            .expect("run sopan");
        assert!(status.success(), "{cwd}: {file}");
        std::fs::read(dir.join(out)).expect("pdf")
    };
    let above = run(
        ".",
        "examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml",
        "a.pdf",
    );
    let top = run(
        "examples/pagar-alam-dpmptsptk",
        "perencanaan/lakip.toml",
        "b.pdf",
    );
    let inside = run(
        "examples/pagar-alam-dpmptsptk/perencanaan",
        "lakip.toml",
        "c.pdf",
    );
    assert!(above == top, "run at the catalogue's top");
    assert!(above == inside, "run inside the SOP's folder");
}

#[test]
fn build_never_writes_through_a_link_planted_as_its_output_folder() {
    let dir = small_katalog("tautan-keluaran", 1);
    let luar = scratch("tautan-keluaran-luar");
    std::fs::write(luar.join("a.pdf"), b"PENTING").unwrap();
    // The whole output folder a link out of the catalogue: refused before anything.
    std::os::unix::fs::symlink(&luar, dir.join(build::DEFAULT_OUT)).unwrap();
    let run = sopan_build(&dir, &["--force"]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("tautan"), "{}", run.err);
    // A chapter's folder under a real output folder a link: that SOP fails, by name.
    std::fs::remove_file(dir.join(build::DEFAULT_OUT)).unwrap();
    std::fs::create_dir_all(dir.join(build::DEFAULT_OUT)).unwrap();
    std::os::unix::fs::symlink(&luar, dir.join(build::DEFAULT_OUT).join("umum")).unwrap();
    let run = sopan_build(&dir, &["--force"]);
    assert_eq!(run.code, 1, "{}{}", run.out, run.err);
    assert!(run.err.contains("tautan"), "{}", run.err);
    let outside: Vec<_> = std::fs::read_dir(&luar)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        outside,
        [std::ffi::OsString::from("a.pdf")],
        "written outside"
    );
    assert_eq!(std::fs::read(luar.join("a.pdf")).unwrap(), b"PENTING");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&luar);
}

#[test]
fn a_file_name_with_terminal_sequences_is_printed_escaped_by_build_and_daftar() {
    let dir = small_katalog("nama-kendali", 0);
    let example = std::fs::read_to_string(dir.join("umum/contoh-sop.toml")).unwrap();
    let name = "x\u{1b}]0;JUDUL\u{7}\u{1b}[2J\nbaris-palsu.toml";
    std::fs::write(
        dir.join("umum").join(name),
        example.replace("000/001/SOP", "000/009/SOP"),
    )
    .unwrap();
    for run in [
        sopan_build(&dir, &[]),
        sopan(["daftar".as_ref(), dir.as_os_str()]),
    ] {
        assert_eq!(run.code, 0, "{}{}", run.out, run.err);
        for text in [&run.out, &run.err] {
            assert!(!text.contains(['\u{1b}', '\u{7}']), "{text:?}");
            assert!(!text.contains("\nbaris-palsu"), "{text:?}");
        }
        assert!(
            format!("{}{}", run.out, run.err).contains("x\\u{1b}]0;JUDUL"),
            "{}{}",
            run.out,
            run.err
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_and_daftar_of_a_missing_folder_say_what_a_catalogue_folder_is() {
    let missing = scratch("folder-hilang").join("kantor");
    for command in ["build", "daftar"] {
        let run = sopan([command.as_ref(), missing.as_os_str()]);
        assert_eq!(run.code, 2, "{command}: {}", run.err);
        assert!(
            run.err.contains("tidak ditemukan"),
            "{command}: {}",
            run.err
        );
        assert!(
            run.err.contains("hint:") && run.err.contains("sopan init"),
            "{command} says how a catalogue is made: {}",
            run.err
        );
    }
}
