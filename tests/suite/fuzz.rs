//! A fuzzer over the whole road: bytes -> TOML -> validation -> routing -> Typst -> PDF;
//! and one over the importer: Word and Excel packages -> readers -> recogniser -> TOML.
//!
//! cargo-fuzz needs a nightly compiler, so this is a structured generator run in the
//! release test binary. It starts from every example and fixture and mutates them: byte
//! flips, cut and repeated ranges, pieces of other seeds spliced in, and snippets a
//! clerk or an attacker might write (extra steps, jumps to anywhere, control and
//! foreign characters, huge numbers, deep arrays, long texts). Each input goes down the
//! road every command takes. A finding is a panic (sopan reports it as "bug sopan"),
//! any typesetting failure (there are no template overrides here, so user text broke a
//! template), a message with a raw control character or over 100 KB, or an input that
//! takes longer than 5 s.
//!
//! `cargo test --release` runs a short round. For a long run:
//! `SOPAN_FUZZ_SECS=1800 cargo test --release --test suite fuzz -- --nocapture`
//! (`SOPAN_FUZZ_SEED` picks another sequence). Inputs that found something are written
//! to tests/out/fuzz/ for a fixture to be made of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use sopan::impor;
use sopan::pipeline::{self, Failure, Settings};

/// xorshift64*: small, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text a clerk or an attacker might put in an SOP.
const SNIPPETS: &[&str] = &[
    "\n[[langkah]]\nkegiatan = \"Memeriksa\"\npelaksana = \"Staf\"\n",
    "\nkeputusan = { ya = 1, tidak = \"selesai\" }\n",
    "\nkeputusan = { tidak = 999999999999 }\n",
    "\nkeputusan = { ya = -1 }\n",
    "\nlanjut = 0\n",
    "\nid = \"selesai\"\n",
    "\npelaksana = []\n",
    "\npelaksana = [\"A\", \"A\", \"A\"]\n",
    "\nwaktu = \"99999999999999999999999 Hari\"\n",
    "\nwaktu = \"1e308 menit\"\n",
    "\n[kertas]\nukuran = \"Legal\"\norientasi = \"portrait\"\n",
    "\n[gaya]\nfont = \"serif\"\n",
    "\n[instansi]\nlogo = \"../../../../etc/passwd\"\n",
    "\n[instansi]\nlogo = \"/dev/zero\"\n",
    "\n[pengesahan]\nttd = \"katalog.toml\"\n",
    "\ntanggal_efektif = 2024-02-30\n",
    "\ntanggal_efektif = 9999-12-31T23:59:59Z\n",
    "\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    "\"#import \\\"/etc/passwd\\\"\"",
    "\"]) #panic(\\\"x\\\") #(\"",
    "\"\\u001b[2J\\u0007\\u0000\"",
    "\"\u{202E}\u{200B}\u{FEFF}\u{2011}\u{2713}\u{1F600}\u{0635}\u{0644}\u{0627}\"",
    "\"漢字テキスト\"",
    "'''\nbaris\nbaru\n'''",
    "\"\"\"\n\n\n\n\n\"\"\"",
    "= = =",
    "[[prosedur]]\njudul = \"B\"\n",
    "\n[[prosedur.langkah]]\nkegiatan = \"x\"\n",
];

/// Every SOP file to start from: the examples and the fixtures, with their folders.
fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = examples();
    for folder in ["ok", "err", "sulit", "fuzz"] {
        files
            .extend(sopan::source::sop_files(&root().join("tests/fixtures").join(folder)).unwrap());
    }
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).expect("seed");
            (f, bytes)
        })
        .collect()
}

/// One mutation of `input`, with `other` (another seed) to splice from.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    let at = |rng: &mut Rng, len: usize| rng.below(len + 1);
    match rng.below(11) {
        9 | 10 => {
            // A jump, or another pelaksana, for a step: valid input that the router must
            // draw.
            if let Some(k) = find_from(input, b"\nkegiatan = ", rng.below(input.len().max(1))) {
                let line_end = input[k + 1..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(input.len(), |p| k + 1 + p);
                let target = 1 + rng.below(45);
                let extra = match rng.below(4) {
                    0 => format!("\nkeputusan = {{ tidak = {target} }}"),
                    1 => format!("\nkeputusan = {{ ya = {target}, tidak = \"selesai\" }}"),
                    2 => format!("\nlanjut = {target}"),
                    _ => String::new(),
                };
                input.splice(line_end..line_end, extra.into_bytes());
            }
        }
        0 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] ^= 1 << rng.below(8);
        }
        1 if !input.is_empty() => {
            let i = rng.below(input.len());
            input[i] = *rng.pick(b"\"'[]{}=,.#\\\n0123456789-");
        }
        2 => {
            let (a, b) = (at(rng, input.len()), at(rng, input.len()));
            input.drain(a.min(b)..a.max(b).min(a.min(b) + 200));
        }
        3 => {
            let (a, b) = (at(rng, input.len()), at(rng, input.len()));
            let piece = input[a.min(b)..a.max(b).min(a.min(b) + 400)].to_vec();
            let i = at(rng, input.len());
            for _ in 0..1 + rng.below(4) {
                input.splice(i..i, piece.iter().copied());
            }
        }
        4 if !other.is_empty() => {
            let a = rng.below(other.len());
            let piece = &other[a..other.len().min(a + 1 + rng.below(600))];
            let i = at(rng, input.len());
            input.splice(i..i, piece.iter().copied());
        }
        5 | 6 => {
            let i = match rng.below(3) {
                0 => input.len(),
                _ => at(rng, input.len()),
            };
            let snippet = rng.pick(SNIPPETS).as_bytes().to_vec();
            input.splice(i..i, snippet);
        }
        7 => {
            // A long text or a long run of one character.
            let c = *rng.pick(&["a", "kata ", "\u{4E00}", "\"", "[", "\n", " "]);
            let n = 1 + rng.below(3000);
            let i = at(rng, input.len());
            input.splice(i..i, c.repeat(n).into_bytes());
        }
        _ => {
            // A value replaced by a number, date or table.
            if let Some(eq) = find_from(input, b"= ", rng.below(input.len().max(1))) {
                let end = input[eq..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(input.len(), |p| eq + p);
                let value = *rng.pick(&[
                    "= 0",
                    "= -9223372036854775808",
                    "= 1.5e300",
                    "= nan",
                    "= true",
                    "= {}",
                    "= []",
                    "= 2024-01-01",
                    "= [1, \"a\", {}]",
                ]);
                input.splice(eq..end, value.bytes());
            }
        }
    }
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// What one input did wrong, if anything, and whether it became a PDF; `deadline` is
/// how long it may take (a fuzzing run's hang detector).
fn run_one(path: &Path, deadline: Duration) -> (Option<String>, bool) {
    let started = Instant::now();
    let result =
        pipeline::render_file(path, &Settings::default()).and_then(|(loaded, rendered)| {
            pipeline::pdf(&loaded, &rendered, None).map(|pdf| (loaded, pdf))
        });
    let took = started.elapsed();
    let finding = match &result {
        Ok((_, pdf)) if !pdf.starts_with(b"%PDF-") => Some("output is not a PDF".to_string()),
        Ok((loaded, _)) => messages_wrong(&loaded.warnings),
        Err(Failure::Invalid(text)) => messages_wrong(text),
        Err(e) => Some(format!("typesetting failed: {e}")),
    };
    let finding = finding.or_else(|| (took > deadline).then(|| format!("took {took:?}")));
    (finding, result.is_ok())
}

fn messages_wrong(text: &str) -> Option<String> {
    if text.len() > 100_000 {
        return Some(format!("{} bytes of messages", text.len()));
    }
    text.chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t' && *c != '\r')
        .map(|c| format!("raw control character U+{:04X} in the messages", c as u32))
}

/// How long one input may take in a fuzzing round before it counts as a hang. It is a
/// hang detector, not a speed test: an input that takes 1.3 s of CPU took over 5 s of
/// wall time on two cores shared with the rest of the suite.
const HANG: Duration = Duration::from_secs(20);

/// Held by each fuzzing round: the rounds take turns, so that one's hang detector does
/// not count the CPU the other takes on a small machine.
static ROUND: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs the fuzzer for `SOPAN_FUZZ_SECS` seconds (a short round by default) and fails
/// with every finding.
#[test]
fn fuzz_the_whole_road() {
    let _turn = ROUND.lock().unwrap_or_else(|e| e.into_inner());
    let secs: u64 = std::env::var("SOPAN_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("SOPAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let dir = scratch("fuzz");
    // The inputs live in a copy of a catalogue, so katalog.toml and logos take part.
    copy_dir(&root().join("examples/pagar-alam-dpmptsptk"), &dir);
    let target = dir.join("perencanaan/fuzz.toml");
    let seeds = seeds();
    let renderable: Vec<_> = seeds
        .iter()
        .filter(|(f, _)| !f.starts_with(root().join("tests/fixtures/err")))
        .cloned()
        .collect();
    let report = big_stack(move || {
        let mut rng = Rng(seed | 1);
        let deadline = Instant::now() + Duration::from_secs(secs);
        let (mut runs, mut pdfs, mut findings) = (0usize, 0usize, Vec::new());
        while Instant::now() < deadline {
            // Mostly seeds that render, so that inputs reach the router and Typst.
            let (from, base) = if rng.below(4) > 0 {
                rng.pick(&renderable)
            } else {
                rng.pick(&seeds)
            };
            let mut input = base.clone();
            let other = rng.pick(&seeds).1.clone();
            // Mostly one mutation, so that many inputs still validate and reach the router.
            for _ in 0..1 + rng.below(3) * rng.below(3) {
                mutate(&mut rng, &mut input, &other);
            }
            std::fs::write(&target, &input).expect("write input");
            runs += 1;
            let (finding, pdf) = run_one(&target, HANG);
            pdfs += usize::from(pdf);
            if let Some(what) = finding {
                let out = root().join("tests/out/fuzz");
                std::fs::create_dir_all(&out).expect("tests/out/fuzz");
                let name = out.join(format!("temuan-{seed}-{runs}.toml"));
                std::fs::write(&name, &input).expect("keep finding");
                findings.push(format!(
                    "{}: {what} (from {})",
                    name.display(),
                    from.display()
                ));
            }
            sopan::typeset::tidy_cache(1);
        }
        (runs, pdfs, findings)
    });
    let (runs, pdfs, findings) = report;
    eprintln!(
        "fuzz: {runs} inputs in {secs} s, {pdfs} of them rendered to PDF, {} findings",
        findings.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(runs > 0);
    assert!(findings.is_empty(), "{findings:#?}");
}

/// What the fuzzer found, kept in tests/fixtures/fuzz: three files whose messages
/// quoted a 13 KB pelaksana name again and again (over 100 KB of messages, now cut at
/// 300 characters each), and one that took 5.8 s (joint steps over twenty lanes, now
/// bounded by the routing budget). Each goes down the road in a copy of a catalogue,
/// as in the fuzzing run; the deadline here only catches a hang.
#[test]
fn what_the_fuzzer_found_stays_fixed() {
    let dir = scratch("fuzz-found");
    copy_dir(&root().join("examples/pagar-alam-dpmptsptk"), &dir);
    let target = dir.join("perencanaan/fuzz.toml");
    let found = sopan::source::sop_files(&root().join("tests/fixtures/fuzz")).unwrap();
    assert!(!found.is_empty(), "tests/fixtures/fuzz is empty");
    let problems = big_stack(move || {
        found
            .iter()
            .filter_map(|f| {
                std::fs::copy(f, &target).expect("copy finding");
                let (finding, _) = run_one(&target, Duration::from_secs(60));
                finding.map(|what| format!("{}: {what}", f.display()))
            })
            .collect::<Vec<_>>()
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// A package's parts: name and bytes.
type Parts = Vec<(String, Vec<u8>)>;

/// The Word and Excel files to start the importer's round from: its fixtures and the
/// corpus made by other hands (not the old formats, which go through LibreOffice).
fn import_seeds() -> Vec<(PathBuf, Parts)> {
    let mut files = Vec::new();
    for folder in ["tests/fixtures/impor", "tests/fixtures/impor/luar/sumber"] {
        for e in std::fs::read_dir(root().join(folder)).expect("impor fixtures") {
            let path = e.expect("entry").path();
            if path.extension().is_some_and(|x| x == "docx" || x == "xlsx") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&f).expect("seed"))
                .expect("a seed is a package");
            let parts = (0..zip.len())
                .map(|i| {
                    let mut part = zip.by_index(i).expect("part");
                    let mut data = Vec::new();
                    std::io::Read::read_to_end(&mut part, &mut data).expect("read part");
                    (part.name().unwrap_or_default().to_string(), data)
                })
                .collect();
            (f, parts)
        })
        .collect()
}

/// The package of `parts`, deflated.
fn repack(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        zip.start_file(name.as_str(), options).expect("part");
        zip.write_all(data).expect("write part");
    }
    zip.finish().expect("zip").into_inner()
}

/// The Word and Excel readers, the recogniser and the writer under the same fuzzer:
/// an XML part of a seed mutated (or the package's bytes, now and then), imported and
/// written. A finding is a panic, an import over 5 s, or a message (the error, the
/// summary's guesses and what was not placed) with a raw control character or over
/// 100 KB. `SOPAN_FUZZ_SECS` and `SOPAN_FUZZ_SEED` as for the whole road.
#[test]
fn fuzz_the_importer() {
    let _turn = ROUND.lock().unwrap_or_else(|e| e.into_inner());
    let secs: u64 = std::env::var("SOPAN_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let seed: u64 = std::env::var("SOPAN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x1e05);
    let dir = scratch("fuzz-impor");
    let seeds = import_seeds();
    assert!(seeds.len() > 20, "{} seeds", seeds.len());
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let (mut runs, mut found, mut findings) = (0usize, 0usize, Vec::new());
    while Instant::now() < deadline {
        let (from, package) = rng.pick(&seeds);
        let mut parts = package.clone();
        let xml: Vec<usize> = (0..parts.len())
            .filter(|&i| parts[i].0.ends_with(".xml"))
            .collect();
        let k = *rng.pick(&xml);
        let other = parts[*rng.pick(&xml)].1.clone();
        for _ in 0..1 + rng.below(3) {
            mutate(&mut rng, &mut parts[k].1, &other);
        }
        let mut data = repack(&parts);
        if rng.below(8) == 0 {
            let own = data.clone();
            mutate(&mut rng, &mut data, &own);
        }
        let ext = from.extension().and_then(|e| e.to_str()).unwrap_or("docx");
        let input = dir.join(format!("masuk.{ext}"));
        std::fs::write(&input, &data).expect("write input");
        runs += 1;
        let started = Instant::now();
        let result = std::panic::catch_unwind(|| match impor::read(&input) {
            Ok(hasil) => {
                let out = dir.join("hasil");
                let _ = std::fs::remove_dir_all(&out);
                let written = impor::write(&out, "masuk", &hasil);
                let mut text: Vec<String> = hasil.lewat.clone();
                for w in &written {
                    text.extend(w.tebakan.iter().cloned());
                    text.extend(w.gagal.iter().cloned());
                }
                (true, text.join("\n"))
            }
            Err(e) => (false, e.to_string()),
        });
        let took = started.elapsed();
        let finding = match &result {
            Err(_) => Some("panic".to_string()),
            Ok((ok, text)) => {
                found += usize::from(*ok);
                messages_wrong(text)
            }
        }
        .or_else(|| (took > HANG).then(|| format!("took {took:?}")));
        if let Some(what) = finding {
            let out = root().join("tests/out/fuzz");
            std::fs::create_dir_all(&out).expect("tests/out/fuzz");
            let name = out.join(format!("temuan-impor-{seed}-{runs}.{ext}"));
            std::fs::write(&name, &data).expect("keep finding");
            findings.push(format!(
                "{}: {what} (from {})",
                name.display(),
                from.display()
            ));
        }
    }
    eprintln!(
        "fuzz impor: {runs} inputs in {secs} s, {found} of them imported, {} findings",
        findings.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(runs > 0);
    assert!(findings.is_empty(), "{findings:#?}");
}
