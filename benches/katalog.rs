//! Speed and memory of `sopan build` on a generated catalogue: 100 and 1000 SOPs with
//! -j1 and -j2, the release binary run as a child process (SOPs per second, peak RSS);
//! then `sopan book` of 500 SOPs (time, peak RSS, pages).
//!
//! Run with `cargo bench --bench katalog`. Numbers go to stdout. Targets (issue 5):
//! at least 50 SOPs/s with -j2; peak RSS under 400 MB and no higher for 1000 than for
//! 100; the 500-SOP book under 30 s. `SOPAN_BENCH_ONLY=book` runs only the book;
//! `SOPAN_BENCH_GENERATE=DIR` only writes the 100- and 500-SOP catalogues into DIR.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// SplitMix64: a tiny deterministic generator, so every run builds the same catalogue.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }
}

const JABATAN: &[&str] = &[
    "Kepala Dinas",
    "Sekretaris",
    "Kepala Bidang",
    "Kasubbag Umum",
    "Kasubbag Keuangan",
    "Kepala Seksi",
    "Bendahara",
    "Staf Pelaksana",
    "Tim Teknis",
    "Pemohon",
];
const KATA_KERJA: &[&str] = &[
    "Menerima",
    "Memeriksa",
    "Menelaah",
    "Menyusun",
    "Memverifikasi",
    "Menandatangani",
    "Mengarsipkan",
    "Meneruskan",
    "Mengoreksi",
    "Mendisposisikan",
];
const OBJEK: &[&str] = &[
    "berkas permohonan beserta lampiran persyaratan administrasi",
    "draft laporan kinerja triwulan",
    "nota dinas",
    "rencana kerja dan anggaran tahun berjalan",
    "surat keputusan tim pelaksana kegiatan",
    "dokumen pertanggungjawaban keuangan",
    "daftar hadir dan notulen rapat koordinasi",
];
const WAKTU: &[&str] = &[
    "5 Menit", "15 Menit", "30 Menit", "1 Jam", "2 Jam", "1 Hari",
];
const DASAR: &[&str] = &[
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Lembaran Negara Republik Indonesia Tahun 2014 Nomor 244, Tambahan Lembaran Negara Republik Indonesia Nomor 5587) sebagaimana telah beberapa kali diubah terakhir dengan Undang-Undang Nomor 9 Tahun 2015;",
    "Undang-Undang Nomor 30 Tahun 2014 tentang Administrasi Pemerintahan;",
    "Peraturan Pemerintah Nomor 18 Tahun 2016 tentang Perangkat Daerah sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 72 Tahun 2019;",
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012 tentang Pedoman Penyusunan Standar Operasional Prosedur Administrasi Pemerintahan;",
    "Peraturan Menteri Dalam Negeri Nomor 77 Tahun 2020 tentang Pedoman Teknis Pengelolaan Keuangan Daerah;",
    "Peraturan Daerah Nomor 8 Tahun 2016 tentang Pembentukan dan Susunan Perangkat Daerah;",
    "Peraturan Bupati Nomor 45 Tahun 2021 tentang Kedudukan, Susunan Organisasi, Tugas dan Fungsi serta Tata Kerja Dinas;",
];

/// One synthetic SOP: 5 to 30 steps, 3 to 8 lanes, decisions with loops back, forward
/// jumps, a long legal basis.
fn sop(rng: &mut Rng, index: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "nomor = \"900/{index}/SOP/BENCH/2025\"");
    let _ = writeln!(s, "nama = \"Prosedur Sintetis Nomor {index}\"");
    let _ = writeln!(s, "tanggal_pembuatan = 2025-01-{:02}", 1 + index % 28);
    let dasar: Vec<&str> = (0..rng.range(4, 12)).map(|_| rng.pick(DASAR)).collect();
    let _ = writeln!(s, "dasar_hukum = {dasar:?}");
    let _ = writeln!(
        s,
        "kualifikasi_pelaksana = [\"Pendidikan minimal D.III\", \"Memahami tata naskah dinas dan mampu mengoperasikan komputer\"]"
    );
    let _ = writeln!(
        s,
        "peralatan = [\"Komputer dan printer\", \"ATK\", \"Jaringan internet\"]"
    );
    let _ = writeln!(
        s,
        "peringatan = \"Jika SOP ini tidak dilaksanakan, layanan terlambat.\""
    );
    let lanes: Vec<&str> = {
        let n = rng.range(3, 8);
        let start = rng.range(0, JABATAN.len() - 1);
        (0..n)
            .map(|k| JABATAN[(start + k) % JABATAN.len()])
            .collect()
    };
    let _ = writeln!(s, "pelaksana = {lanes:?}");
    let steps = rng.range(5, 30);
    for i in 0..steps {
        let _ = writeln!(s, "\n[[langkah]]");
        let lane = if i < lanes.len() {
            lanes[i]
        } else {
            lanes[rng.range(0, lanes.len() - 1)]
        };
        let _ = writeln!(
            s,
            "kegiatan = \"{} {}\"",
            rng.pick(KATA_KERJA),
            rng.pick(OBJEK)
        );
        let _ = writeln!(s, "pelaksana = \"{lane}\"");
        let _ = writeln!(s, "waktu = \"{}\"", rng.pick(WAKTU));
        let _ = writeln!(s, "output = \"Dokumen {}\"", i + 1);
        let inner = i > 0 && i + 1 < steps;
        if inner && i >= 2 && rng.chance(25) {
            // A loop back to an earlier step (1-based numbers), now and then "selesai".
            let back = rng.range(i.saturating_sub(4).max(1), i);
            if rng.chance(10) {
                let _ = writeln!(s, "keputusan = {{ tidak = \"selesai\" }}");
            } else {
                let _ = writeln!(s, "keputusan = {{ tidak = {back} }}");
            }
        } else if inner && i + 3 < steps && rng.chance(8) {
            let _ = writeln!(s, "lanjut = {}", i + 4);
        }
    }
    s
}

/// Writes a catalogue of `count` SOPs in chapters of 50 and returns its folder.
fn catalogue(root: &Path, count: usize) -> PathBuf {
    let dir = root.join(format!("katalog-{count}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("catalogue dir");
    std::fs::write(
        dir.join("katalog.toml"),
        "[instansi]\nbaris = [\"PEMERINTAH KABUPATEN SINTETIS\", \"DINAS PENGUJIAN\"]\n\
         unit = \"SEKRETARIAT\"\nlogo = \"logo.svg\"\n\n[pengesahan]\njabatan = \"Kepala Dinas\"\n",
    )
    .expect("katalog.toml");
    std::fs::write(
        dir.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"12\"><rect width=\"10\" height=\"12\" fill=\"#888\"/></svg>",
    )
    .expect("logo");
    let mut rng = Rng(0x5eed_2025);
    for i in 0..count {
        let chapter = dir.join(format!("bab-{:02}", i / 50 + 1));
        std::fs::create_dir_all(&chapter).expect("chapter");
        std::fs::write(
            chapter.join(format!("sop-{i:04}.toml")),
            sop(&mut rng, i + 1),
        )
        .expect("SOP");
    }
    dir
}

struct Run {
    wall: Duration,
    cpu: Duration,
    peak_rss_kb: i64,
    summary: String,
}

/// Runs `sopan build` as a child and reads its peak RSS with wait4.
fn build(sopan: &Path, dir: &Path, jobs: usize, logs: &Path) -> Run {
    let jobs = jobs.to_string();
    child(
        sopan,
        &[
            "build".as_ref(),
            dir.as_os_str(),
            "-j".as_ref(),
            jobs.as_ref(),
            "--force".as_ref(),
        ],
        logs,
    )
}

/// Runs sopan with `args` as a child and reads its CPU time and peak RSS with wait4.
#[allow(clippy::zombie_processes, reason = "wait4 below reaps the child")]
fn child(sopan: &Path, args: &[&std::ffi::OsStr], logs: &Path) -> Run {
    let out = std::fs::File::create(logs.join("stdout.txt")).expect("log");
    let err = std::fs::File::create(logs.join("stderr.txt")).expect("log");
    let started = Instant::now();
    let child = Command::new(sopan)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start sopan");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain old data, and pid is our own child, not yet reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait4");
    let summary = std::fs::read_to_string(logs.join("stdout.txt")).unwrap_or_default();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "sopan failed: {summary}\n{}",
        std::fs::read_to_string(logs.join("stderr.txt")).unwrap_or_default()
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_rss_kb: usage.ru_maxrss,
        summary: summary.trim().to_string(),
    }
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("sopan-bench-katalog-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    // Our own copy: the shared target folder may be rebuilt by someone else meanwhile.
    let sopan = tmp.join("sopan");
    std::fs::copy(env!("CARGO_BIN_EXE_sopan"), &sopan).expect("copy sopan binary");

    // SOPAN_BENCH_GENERATE=DIR only writes the 100- and 500-SOP catalogues there, for
    // profiling by hand.
    if let Some(out) = std::env::var_os("SOPAN_BENCH_GENERATE") {
        for count in [100, 500] {
            println!("{}", catalogue(Path::new(&out), count).display());
        }
        return;
    }

    println!("sopan build, synthetic catalogue (5-30 steps, 3-8 lanes, decisions, loops)");
    println!("(CPU = the child's user + system time; on a shared machine wall time includes");
    println!(" time spent waiting for a core, CPU time does not)");
    println!(
        "{:>6} {:>3} {:>10} {:>9} {:>10} {:>12} {:>13}",
        "SOPs", "-j", "time", "SOPs/s", "CPU", "CPU ms/SOP", "peak RSS"
    );
    // SOPAN_BENCH_ONLY=book skips the builds.
    let builds: &[usize] = if std::env::var("SOPAN_BENCH_ONLY").as_deref() == Ok("book") {
        &[]
    } else {
        &[100, 1000]
    };
    for &count in builds {
        let dir = catalogue(&tmp, count);
        for jobs in [1, 2] {
            let run = build(&sopan, &dir, jobs, &tmp);
            assert!(
                run.summary.contains(&format!("{count} dibuat, 0 gagal")),
                "{}",
                run.summary
            );
            println!(
                "{count:>6} {jobs:>3} {:>9.1}s {:>9.1} {:>9.1}s {:>12.1} {:>10.0} MB",
                run.wall.as_secs_f64(),
                count as f64 / run.wall.as_secs_f64(),
                run.cpu.as_secs_f64(),
                run.cpu.as_secs_f64() * 1000.0 / count as f64,
                run.peak_rss_kb as f64 / 1024.0
            );
        }
    }

    // The bound book of 500 SOPs (target: under 30 s).
    let dir = catalogue(&tmp, 500);
    let pdf = tmp.join("buku-500.pdf");
    let run = child(
        &sopan,
        &[
            "book".as_ref(),
            dir.as_os_str(),
            "-o".as_ref(),
            pdf.as_os_str(),
        ],
        &tmp,
    );
    println!(
        "book of 500 SOPs: {:.1}s wall, {:.1}s CPU, peak RSS {:.0} MB, {}",
        run.wall.as_secs_f64(),
        run.cpu.as_secs_f64(),
        run.peak_rss_kb as f64 / 1024.0,
        run.summary
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
