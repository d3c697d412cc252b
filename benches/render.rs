//! Speed of rendering: every example, a generated 30-step / 7-lane SOP, cold (whole
//! process) and warm (in one process), against the floor of one plain Typst compile
//! of the same sheet with the same template and data (without the flowchart and page
//! numbers, which sopan draws over it).
//!
//! Run with `cargo bench --bench render`. Numbers go to stdout.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sopan::diag::Sources;
use sopan::model::Sop;
use sopan::typeset::{self, fonts, world};

fn load(path: &Path) -> Sop {
    let mut sources = Sources::default();
    sopan::validate::load(path, &mut sources, &fonts::covers)
        .sop
        .expect("valid SOP")
}

/// A `steps`-step, 7-lane SOP with decisions and loops, written to a temporary folder.
fn generated_n(dir: &Path, steps: usize) -> PathBuf {
    let lanes = [
        "Kepala Dinas",
        "Sekretaris",
        "Kabid",
        "Kasubbag",
        "Kasi",
        "Staf",
        "Bendahara",
    ];
    let mut s =
        format!("nomor = \"900/{steps}/SOP/BENCH\"\nnama = \"Generated {steps} langkah\"\n");
    s += "dasar_hukum = [\"UU No. 1 Tahun 2020 tentang Contoh Yang Cukup Panjang Untuk Membungkus Baris\"]\n";
    s += &format!("pelaksana = {:?}\n", lanes);
    for i in 0..steps {
        s += &format!(
            "\n[[langkah]]\nid = \"l{i}\"\nkegiatan = \"Langkah {i}: memeriksa dan meneruskan berkas permohonan kepada pejabat berikutnya\"\n"
        );
        s += &format!(
            "pelaksana = {:?}\nwaktu = \"{} Menit\"\noutput = \"Berkas {i}\"\n",
            lanes[(i * 3) % 7],
            5 + i
        );
        if i % 6 == 4 {
            s += &format!("keputusan = {{ tidak = \"l{}\" }}\n", i - 2);
        }
    }
    let path = dir.join(format!("generated-{steps}.toml"));
    std::fs::write(&path, s).expect("write generated SOP");
    path
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("sopan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut files = sopan::source::sop_files(&root.join("examples")).expect("examples");
    files.push(generated_n(&tmp, 30));
    let templates = world::embedded_templates();

    // Warm: in one process, median of repeated renders (caches evicted between SOPs,
    // as in batch mode), against plain Typst compiling the sheet once.
    println!(
        "{:<60} {:>10} {:>10} {:>7}",
        "SOP", "sopan", "typst", "ratio"
    );
    let (mut sum_sopan, mut sum_floor) = (0.0, 0.0);
    for f in &files {
        let sop = load(f);
        let full = time(7, || {
            typst::comemo::evict(0);
            let r = typeset::render(&sop, &templates).expect("render");
            typeset::pdf(&sop, &r.document).expect("pdf")
        });
        let floor = time(7, || {
            typst::comemo::evict(0);
            let (w, _, _) = typeset::prepare(&sop, &templates).expect("world");
            let doc = typeset::compile(&w).expect("compile");
            typeset::pdf(&sop, &doc).expect("pdf")
        });
        sum_sopan += full.as_secs_f64();
        sum_floor += floor.as_secs_f64();
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let name = if name.len() > 60 {
            format!("…{}", &name[name.len() - 59..])
        } else {
            name
        };
        println!(
            "{:<60} {:>10} {:>10} {:>6.2}x",
            name,
            ms(full),
            ms(floor),
            full.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "warm total: sopan {:.1} ms, plain typst {:.1} ms, ratio {:.2}x",
        sum_sopan * 1e3,
        sum_floor * 1e3,
        sum_sopan / sum_floor
    );

    // Routing alone against the whole render, for a 60-step SOP.
    let sixty = load(&generated_n(&tmp, 60));
    let rendered = typeset::render(&sixty, &templates).expect("render");
    let whole = time(7, || {
        typst::comemo::evict(0);
        let r = typeset::render(&sixty, &templates).expect("render");
        typeset::pdf(&sixty, &r.document).expect("pdf")
    });
    let routing = time(21, || {
        typeset::reroute(&sixty, &rendered.document).expect("reroute")
    });
    println!(
        "60-step SOP ({} pages): routing {} of a whole render {} ({:.1}%)",
        rendered.document.pages().len(),
        ms(routing),
        ms(whole),
        100.0 * routing.as_secs_f64() / whole.as_secs_f64()
    );

    // Cold: the whole process, release binary, one typical SOP and the generated one.
    let bin = root.join("target/release/sopan");
    if bin.exists() {
        for f in [
            root.join("examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml"),
            tmp.join("generated-30.toml"),
        ] {
            let out = tmp.join("cold.pdf");
            let d = time(9, || {
                let ok = Command::new(&bin)
                    .arg("render")
                    .arg(&f)
                    .arg("-o")
                    .arg(&out)
                    .output()
                    .expect("run sopan")
                    .status
                    .success();
                assert!(ok);
            });
            println!(
                "cold whole process {}: {}",
                f.file_name().unwrap_or_default().to_string_lossy(),
                ms(d)
            );
        }
    } else {
        println!("cold: build target/release/sopan first (cargo build --release)");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
