//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use sopan::diag::Sources;
use sopan::model::Sop;
use sopan::pipeline::{self, Settings};
use sopan::typeset::{Rendered, fonts};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every SOP file of the examples, sorted.
pub fn examples() -> Vec<PathBuf> {
    sopan::source::sop_files(&root().join("examples")).expect("examples folder")
}

/// Loads an SOP, panicking with the rendered diagnostics if it has errors.
pub fn load(path: &Path) -> Sop {
    let mut sources = Sources::default();
    let loaded = sopan::validate::load(path, &mut sources, &fonts::covers);
    match loaded.sop {
        Some(sop) => sop,
        None => panic!(
            "{}:\n{}",
            path.display(),
            sopan::diag::render(&sources, &loaded.diags)
        ),
    }
}

/// Runs `f` on a thread with a large stack (Typst's layout recursion is deep in debug builds).
pub fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("render thread")
}

/// Renders an SOP (with its catalogue's templates) to PDF bytes, on the road every
/// command takes.
pub fn render(path: &Path) -> (Sop, Vec<u8>, Rendered) {
    let path = path.to_path_buf();
    big_stack(move || {
        let (loaded, rendered) = match pipeline::render_file(&path, &Settings::default()) {
            Ok(r) => r,
            Err(e) => panic!("{}:\n{e}", path.display()),
        };
        let pdf = pipeline::pdf(&loaded, &rendered, None).expect("pdf");
        (loaded.sop, pdf, rendered)
    })
}

/// What one run of the `sopan` binary did.
pub struct Run {
    /// Exit code: 0 success, 1 bad input, 2 bad usage.
    pub code: i32,
    /// Standard output.
    pub out: String,
    /// Standard error.
    pub err: String,
}

/// Runs the `sopan` binary with `args`, as a user would.
pub fn sopan<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_sopan(std::process::Command::new(env!("CARGO_BIN_EXE_sopan")).args(args))
}

/// Runs the `sopan` binary with `args` and the time zone `tz` (a TZ value: "UTC0",
/// "WIB-7", "Asia/Jakarta").
pub fn sopan_tz<I, S>(args: I, tz: &str) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_sopan(
        std::process::Command::new(env!("CARGO_BIN_EXE_sopan"))
            .args(args)
            .env("TZ", tz),
    )
}

/// Runs `command` without a build date from the environment, and keeps what it did.
fn run_sopan(command: &mut std::process::Command) -> Run {
    let output = command
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run sopan");
    Run {
        code: output.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&output.stdout).into_owned(),
        err: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// An empty folder of its own for one test, under the system's temporary folder.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sopan-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Text with all white space removed, for comparing wrapped text.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Copies a folder tree, leaving out rendered PDFs, for tests that write into a catalogue.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if path.extension().is_none_or(|e| e != "pdf") {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Compares page `page` (0-based) of the SOP at `example` (relative to the repository)
/// with tests/reference/<name>.png; `UPDATE=1` writes it instead. A missing reference
/// fails; a mismatch writes the actual page and a red diff image to tests/out.
pub fn reference(example: &str, page: usize, name: &str) {
    let (_, _, rendered) = render(&root().join(example));
    let png = sopan::typeset::page_png(&rendered.document, page, 50.0).expect("page exists");
    let reference = root().join("tests/reference").join(format!("{name}.png"));
    if std::env::var_os("UPDATE").is_some() {
        std::fs::write(&reference, &png).expect("write reference");
        return;
    }
    let Ok(bytes) = std::fs::read(&reference) else {
        let out = root().join("tests/out");
        std::fs::create_dir_all(&out).expect("tests/out");
        std::fs::write(out.join(format!("{name}.png")), &png).expect("write actual");
        panic!(
            "{name}: reference image tests/reference/{name}.png is missing; the page is in \
             tests/out/{name}.png (look at it, then UPDATE=1 to accept)"
        );
    };
    let want = tiny_skia::Pixmap::decode_png(&bytes).expect("decode reference");
    let got = tiny_skia::Pixmap::decode_png(&png).expect("decode render");
    assert_eq!(
        (want.width(), want.height()),
        (got.width(), got.height()),
        "{name}: size differs"
    );
    let mut diff = tiny_skia::Pixmap::new(got.width(), got.height()).expect("diff image");
    let mut differing = 0usize;
    for (i, (a, b)) in want.pixels().iter().zip(got.pixels()).enumerate() {
        let d = (a.red() as i32 - b.red() as i32).abs()
            + (a.green() as i32 - b.green() as i32).abs()
            + (a.blue() as i32 - b.blue() as i32).abs();
        let px = if d > 24 {
            differing += 1;
            tiny_skia::ColorU8::from_rgba(255, 0, 0, 255)
        } else {
            let g = (a.red() as u16 / 2 + 127) as u8;
            tiny_skia::ColorU8::from_rgba(g, g, g, 255)
        };
        diff.pixels_mut()[i] = px.premultiply();
    }
    if differing > 0 {
        let out = root().join("tests/out");
        std::fs::create_dir_all(&out).expect("tests/out");
        std::fs::write(out.join(format!("{name}.png")), &png).expect("write actual");
        diff.save_png(out.join(format!("{name}.diff.png")))
            .expect("write diff");
        panic!(
            "{name}: {differing} pixels differ; see tests/out/{name}.png and {name}.diff.png (UPDATE=1 to accept)"
        );
    }
}

/// The signed PDFs archived in the catalogue at `dir` (`arsip/`), in name order.
pub fn archived(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("arsip"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The text of the QR codes zbarimg finds on page 1 of `pdf`, rendered at 150 dpi.
pub fn qr_on_page_1(pdf: &Path) -> String {
    let prefix = pdf.with_extension("");
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (poppler-utils) is installed by .ci/run");
    assert!(status.success());
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(prefix.with_extension("png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed by .ci/run");
    let _ = std::fs::remove_file(prefix.with_extension("png"));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The password of "sari", the account [`office`] makes.
pub const SANDI_SARI: &str = "kata-sandi-panjang";

/// An office preview of `dir` as on a dinas network: on every address, a free port,
/// with the account "sari" ([`SANDI_SARI`]).
pub fn office(dir: &Path) -> sopan::preview::Preview {
    office_with(
        dir,
        sopan::preview::Options {
            host: "0.0.0.0".into(),
            ..sopan::preview::Options::loopback(dir)
        },
    )
}

/// A preview of `dir` started with `options`, with the account "sari" ([`SANDI_SARI`]).
pub fn office_with(dir: &Path, options: sopan::preview::Options) -> sopan::preview::Preview {
    let mut akun = sopan::editor::akun::Akun::open(dir).unwrap();
    akun.set("sari", SANDI_SARI).unwrap();
    akun.save().unwrap();
    sopan::preview::start(&options).expect("preview starts")
}
