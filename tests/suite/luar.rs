//! `sopan impor` measured on files made by other hands: the corpus in
//! tests/fixtures/impor/luar was made blind to the importer (LibreOffice over UNO,
//! python-docx, openpyxl, LibreOffice re-saves, a .doc and an .xls), each source with
//! the sopan files a careful clerk would write from it (`benar/`). Every source is
//! imported into a folder of its own, every SOP written is read back by the validator,
//! and its fields (kop, signer, grid, each step's lanes, Mutu Baku and flow, and the
//! paper where the manifest names it) are compared
//! with the truth read the same way. Prints the table per file; fails when a file is
//! refused, when fewer than 95% of a file's fields match, or when a lane or a decision
//! target is wrong where the manifest says the file shows them (shapes, marks,
//! connectors). One exception, told in the table: an old-format file whose flow table
//! LibreOffice loses in conversion (LibreOffice 7.4 reads the .doc of the corpus, its
//! own export, with the flow table as one paragraph) must be imported with the kop and
//! the grid and a `# periksa:` saying the flow table was not found; at most one such
//! file. `SOPAN_LUAR_BIN` measures another build's binary the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{root, scratch};
use sopan::diag::Sources;
use sopan::model::{Alur, Sop, Tujuan};
use sopan::typeset::fonts;

/// One source file of the manifest (`daftar.toml`).
struct Berkas {
    jalur: String,
    benar: Vec<String>,
    lajur_pasti: bool,
    tujuan_pasti: bool,
    logo: bool,
    /// Made in an old format (.doc, .xls), read through LibreOffice's conversion.
    konversi: bool,
    /// The paper the file is set to ("F4 landscape"), when the manifest names it.
    kertas: Option<String>,
}

fn manifest(dir: &Path) -> Vec<Berkas> {
    let text = std::fs::read_to_string(dir.join("daftar.toml")).expect("daftar.toml");
    let doc: toml::Table = toml::from_str(&text).expect("daftar.toml parses");
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    doc["berkas"]
        .as_array()
        .expect("[[berkas]]")
        .iter()
        .map(|b| Berkas {
            jalur: b["jalur"].as_str().expect("jalur").to_string(),
            benar: strings(b.get("benar")),
            lajur_pasti: b.get("lajur_pasti").and_then(|v| v.as_bool()) == Some(true),
            tujuan_pasti: b.get("tujuan_pasti").and_then(|v| v.as_bool()) == Some(true),
            logo: strings(b.get("ciri")).iter().any(|c| c == "logo"),
            konversi: b.get("pembuat").and_then(|v| v.as_str()) == Some("doc-convert"),
            kertas: b.get("kertas").and_then(|v| v.as_str()).map(String::from),
        })
        .collect()
}

/// What a field is, for the rules on lanes and decision targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Jenis {
    Biasa,
    Lajur,
    Tujuan,
}

/// An SOP as named fields, each a normalised value.
/// `logo`: whether the file has a logo in its kop; a truth names none (it has no
/// picture file), so `benar` says the SOP is the truth and has it.
fn fields(sop: &Sop, logo: bool, benar: bool) -> BTreeMap<String, (Jenis, String)> {
    let mut out = BTreeMap::new();
    let mut put = |name: String, jenis: Jenis, value: String| {
        out.insert(name, (jenis, value));
    };
    let list = |items: &[String]| items.join(" | ");
    put("nomor".into(), Jenis::Biasa, sop.nomor.clone());
    put("nama".into(), Jenis::Biasa, sop.nama.clone());
    put(
        "tanggal_pembuatan".into(),
        Jenis::Biasa,
        format!("{:?}", sop.tanggal_pembuatan),
    );
    put(
        "tanggal_revisi".into(),
        Jenis::Biasa,
        format!("{:?}", sop.tanggal_revisi),
    );
    put(
        "tanggal_efektif".into(),
        Jenis::Biasa,
        format!("{:?}", sop.tanggal_efektif),
    );
    put("status".into(), Jenis::Biasa, sop.status.nama().into());
    put(
        "instansi.baris".into(),
        Jenis::Biasa,
        list(&sop.instansi.baris),
    );
    put(
        "instansi.unit".into(),
        Jenis::Biasa,
        sop.instansi.unit.clone(),
    );
    if logo {
        put(
            "instansi.logo".into(),
            Jenis::Biasa,
            if benar || sop.instansi.logo.is_some() {
                "ada".into()
            } else {
                "tidak ada".into()
            },
        );
    }
    let p = &sop.pengesahan;
    put("pengesahan.jabatan".into(), Jenis::Biasa, p.jabatan.clone());
    put("pengesahan.nama".into(), Jenis::Biasa, p.nama.clone());
    put("pengesahan.pangkat".into(), Jenis::Biasa, p.pangkat.clone());
    put(
        "pengesahan.nip".into(),
        Jenis::Biasa,
        p.nip.chars().filter(|c| !c.is_whitespace()).collect(),
    );
    for (kotak, isi) in sop.grid.iter() {
        put(kotak.kunci.to_string(), Jenis::Biasa, list(isi));
    }
    let several = sop.prosedur.len() > 1;
    put(
        "jumlah prosedur".into(),
        Jenis::Biasa,
        sop.prosedur.len().to_string(),
    );
    for (n, p) in sop.prosedur.iter().enumerate() {
        let at = if several {
            format!("prosedur {} ", n + 1)
        } else {
            String::new()
        };
        if several {
            put(
                format!("{at}judul"),
                Jenis::Biasa,
                p.judul.clone().unwrap_or_default(),
            );
        }
        put(format!("{at}pelaksana"), Jenis::Biasa, list(&p.pelaksana));
        put(
            format!("{at}jumlah langkah"),
            Jenis::Biasa,
            p.langkah.len().to_string(),
        );
        for (i, l) in p.langkah.iter().enumerate() {
            let at = format!("{at}langkah {} ", i + 1);
            put(format!("{at}kegiatan"), Jenis::Biasa, l.kegiatan.clone());
            let lanes: Vec<String> = l
                .pelaksana
                .iter()
                .filter_map(|&k| p.pelaksana.get(k).cloned())
                .collect();
            put(format!("{at}pelaksana"), Jenis::Lajur, list(&lanes));
            put(
                format!("{at}kelengkapan"),
                Jenis::Biasa,
                list(&l.kelengkapan),
            );
            put(format!("{at}waktu"), Jenis::Biasa, l.waktu.teks.clone());
            put(format!("{at}output"), Jenis::Biasa, list(&l.output));
            put(format!("{at}keterangan"), Jenis::Biasa, list(&l.keterangan));
            let (jenis, alur) = match l.alur {
                Alur::Keputusan { ya, tidak } => (
                    Jenis::Tujuan,
                    format!("ya {}, tidak {}", tujuan(ya), tujuan(tidak)),
                ),
                Alur::Lanjut(t) => (Jenis::Biasa, format!("lanjut {}", tujuan(t))),
                Alur::Akhir => (Jenis::Biasa, "akhir".into()),
            };
            put(format!("{at}alur"), jenis, alur);
        }
    }
    out
}

fn tujuan(t: Tujuan) -> String {
    match t {
        Tujuan::Langkah(j) => format!("langkah {}", j + 1),
        Tujuan::Selesai => "selesai".into(),
    }
}

/// Reads an SOP file as every command does; the diagnostics when it does not validate.
fn load(path: &Path) -> Result<Sop, String> {
    let mut sources = Sources::default();
    let loaded = sopan::validate::load(path, &mut sources, &fonts::covers);
    match loaded.sop {
        Some(sop) if loaded.diags.iter().all(|d| !d.is_error()) => Ok(sop),
        _ => Err(sopan::diag::render(&sources, &loaded.diags)),
    }
}

/// Fields matched, per kind.
#[derive(Debug, Default, Clone, Copy)]
struct Skor {
    semua: (usize, usize),
    lajur: (usize, usize),
    tujuan: (usize, usize),
}

fn pct((a, b): (usize, usize)) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{a}/{b} ({:.0}%)", 100.0 * a as f64 / b as f64)
    }
}

/// Compares what was imported with the truths, field by field; the names of the
/// fields that differ.
fn compare(
    found: &[Result<Sop, String>],
    truths: &[Sop],
    logo: bool,
    skor: &mut Skor,
) -> Vec<String> {
    let mut misses = Vec::new();
    for (k, truth) in truths.iter().enumerate() {
        let mut want = fields(truth, logo, true);
        // An import that still holds `# periksa:` notes is a draft by design, whatever
        // the source says, until a clerk has checked them.
        if let Some(Ok(sop)) = found.get(k)
            && std::fs::read_to_string(&sop.path)
                .is_ok_and(|t| t.contains(sopan::impor::tulis::PERIKSA))
        {
            want.insert(
                "status".into(),
                (Jenis::Biasa, sopan::model::Status::Konsep.nama().into()),
            );
        }
        let got = match found.get(k) {
            Some(Ok(sop)) => fields(sop, logo, false),
            Some(Err(e)) => {
                let first: Vec<&str> = e.lines().filter(|l| l.starts_with("error")).collect();
                misses.push(format!(
                    "SOP {}: tidak lolos validasi: {}",
                    k + 1,
                    first.join("; ")
                ));
                BTreeMap::new()
            }
            None => {
                misses.push(format!("SOP {} tidak ditemukan", k + 1));
                BTreeMap::new()
            }
        };
        let names: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
        for name in names {
            let w = want.get(name);
            let g = got.get(name);
            let jenis = w.or(g).map_or(Jenis::Biasa, |(j, _)| *j);
            let ok = matches!((w, g), (Some((_, a)), Some((_, b))) if a == b);
            let count = |slot: &mut (usize, usize)| {
                slot.1 += 1;
                slot.0 += usize::from(ok);
            };
            count(&mut skor.semua);
            match jenis {
                Jenis::Lajur => count(&mut skor.lajur),
                Jenis::Tujuan => count(&mut skor.tujuan),
                Jenis::Biasa => {}
            }
            if !ok && !got.is_empty() {
                misses.push(format!(
                    "SOP {} {name}: {:?} (benar {:?})",
                    k + 1,
                    g.map(|(_, v)| v),
                    w.map(|(_, v)| v)
                ));
            }
        }
    }
    for extra in truths.len()..found.len() {
        misses.push(format!("SOP {} lebih: tidak ada di kebenaran", extra + 1));
        skor.semua.1 += 1;
    }
    misses
}

/// What one import wrote: the SOP files, in order, and whether it said that a flow
/// table was not found.
struct Impor {
    files: Vec<PathBuf>,
    tanpa_alur: bool,
}

/// The `# periksa:` text of an SOP with no flow table read.
const TANPA_ALUR: &str = "tabel alur (No, Kegiatan, Pelaksana) tidak ditemukan";

/// Imports one source into `out`; the SOP files written, in order, or the refusal.
/// With `SOPAN_LUAR_BIN` set to a built `sopan`, through that binary (to measure
/// another build, such as an older one, the same way).
fn import(source: &Path, out: &Path) -> Result<Impor, String> {
    if let Some(bin) = std::env::var_os("SOPAN_LUAR_BIN") {
        return import_with(Path::new(&bin), source, out);
    }
    let sops = sopan::impor::read(source).map_err(|e| e.to_string())?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let written = sopan::impor::write(out, &name, &sops);
    let mut files = Vec::new();
    let mut tanpa_alur = false;
    for w in written {
        if let Some(why) = &w.gagal {
            return Err(format!("{}: {why}", w.path.display()));
        }
        if matches!(w.isi, sopan::impor::Isi::Sop { .. }) {
            tanpa_alur |= w.tebakan.iter().any(|t| t.contains(TANPA_ALUR));
            files.push(w.path);
        }
    }
    Ok(Impor { files, tanpa_alur })
}

/// Imports through the binary `bin`: the SOP files its summary names, in order.
fn import_with(bin: &Path, source: &Path, out: &Path) -> Result<Impor, String> {
    let run = std::process::Command::new(bin)
        .arg("impor")
        .arg(source)
        .arg("-o")
        .arg(out)
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&run.stdout);
    if !run.status.success() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        return Err(stderr.lines().next().unwrap_or_default().to_string());
    }
    Ok(Impor {
        files: stdout
            .lines()
            .filter_map(|l| l.strip_prefix("  ")?.split("  ").next())
            .filter(|f| f.ends_with(".toml") && !f.ends_with("katalog.toml"))
            .map(PathBuf::from)
            .collect(),
        tanpa_alur: stdout.contains(TANPA_ALUR),
    })
}

/// The rules for one file: 95% of its fields, and every lane and decision target
/// where the file shows them.
fn check(berkas: &Berkas, skor: &Skor, failures: &mut Vec<String>) {
    if skor.semua.0 * 100 < skor.semua.1 * 95 {
        failures.push(format!("{}: {} isian cocok", berkas.jalur, pct(skor.semua)));
    }
    if berkas.lajur_pasti && skor.lajur.0 != skor.lajur.1 {
        failures.push(format!("{}: pelaksana {}", berkas.jalur, pct(skor.lajur)));
    }
    if berkas.tujuan_pasti && skor.tujuan.0 != skor.tujuan.1 {
        failures.push(format!(
            "{}: tujuan Tidak {}",
            berkas.jalur,
            pct(skor.tujuan)
        ));
    }
}

#[test]
fn imported_files_by_other_hands_match_their_truths() {
    let dir = root().join("tests/fixtures/impor/luar");
    let out = scratch("impor-luar");
    let mut failures = Vec::new();
    let mut total = Skor::default();
    let mut hilang: Vec<String> = Vec::new();
    eprintln!(
        "{:<42} {:>15} {:>15} {:>17}",
        "berkas", "pelaksana", "tujuan Tidak", "semua isian"
    );
    for (n, berkas) in manifest(&dir).iter().enumerate() {
        let source = dir.join(&berkas.jalur);
        let truths: Vec<Sop> = berkas
            .benar
            .iter()
            .map(|b| {
                load(&dir.join("benar").join(format!("{b}.toml")))
                    .unwrap_or_else(|e| panic!("truth {b}: {e}"))
            })
            .collect();
        let folder = out.join(n.to_string());
        let mut lost = false;
        let found: Vec<Result<Sop, String>> = match import(&source, &folder) {
            Ok(done) => {
                lost = done.tanpa_alur;
                done.files.iter().map(|f| load(f)).collect()
            }
            Err(e) => {
                failures.push(format!("{}: ditolak: {e}", berkas.jalur));
                Vec::new()
            }
        };
        let mut skor = Skor::default();
        let mut misses = compare(&found, &truths, berkas.logo, &mut skor);
        if let Some(want) = &berkas.kertas {
            for sop in found.iter().flatten() {
                let k = &sop.kertas;
                let orientasi = if k.landscape { "landscape" } else { "portrait" };
                let got = format!("{:?} {orientasi}", k.ukuran);
                skor.semua.1 += 1;
                if &got == want {
                    skor.semua.0 += 1;
                } else {
                    misses.push(format!("kertas: {got:?}, seharusnya {want:?}"));
                }
            }
        }
        eprintln!(
            "{:<42} {:>15} {:>15} {:>17}",
            berkas.jalur,
            pct(skor.lajur),
            pct(skor.tujuan),
            pct(skor.semua)
        );
        for m in &misses {
            eprintln!("    beda: {m}");
        }
        if berkas.konversi && lost {
            // LibreOffice 7.4 reads the flow table of some .doc files (its own among
            // them) as one paragraph: nothing sopan can read is left. The import must
            // say so; the file is listed, not scored.
            eprintln!("    tabel alur hilang dalam konversi LibreOffice; impor mengatakannya");
            hilang.push(berkas.jalur.clone());
        } else {
            check(berkas, &skor, &mut failures);
        }
        for (slot, part) in [
            (&mut total.semua, skor.semua),
            (&mut total.lajur, skor.lajur),
            (&mut total.tujuan, skor.tujuan),
        ] {
            slot.0 += part.0;
            slot.1 += part.1;
        }
    }
    eprintln!(
        "{:<42} {:>15} {:>15} {:>17}",
        "jumlah",
        pct(total.lajur),
        pct(total.tujuan),
        pct(total.semua)
    );
    eprintln!("tabel alur hilang dalam konversi: {hilang:?}");
    let _ = std::fs::remove_dir_all(&out);
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        hilang.len() <= 1,
        "more than one converted file lost its flow table: {hilang:?}"
    );
}
