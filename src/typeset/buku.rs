//! The bound SOP book: every SOP of a catalogue in one Typst document, each flowchart
//! routed on its own measured rows, with cover, Daftar Isi, chapters and bookmarks.

use serde_json::json;
use typst_layout::PagedDocument;

use super::data::{self, Placement};
use super::world::SopWorld;
use super::{RenderError, compile, measure, plan_columns, route_all};
use crate::flow::{self, Geometry};
use crate::model::{Gambar, Sop};

/// One SOP in the book and the chapter it belongs to.
pub struct Entri {
    /// The SOP.
    pub sop: Sop,
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
    /// One flowchart geometry per SOP (pages are book pages).
    pub geometry: Vec<Geometry>,
    /// Warnings, e.g. Keterkaitan entries that name no SOP of the catalogue.
    pub warnings: Vec<String>,
}

fn normal(s: &str) -> String {
    let s = s.to_lowercase();
    let s = s
        .trim()
        .trim_start_matches("sop")
        .trim_start_matches([' ', '-', ':']);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// For each Keterkaitan entry of SOP `i`, the label of the SOP of the book it names.
fn tautan(entries: &[Entri], i: usize, warnings: &mut Vec<String>) -> Vec<Option<String>> {
    entries[i]
        .sop
        .keterkaitan
        .iter()
        .map(|k| {
            let want = normal(k);
            let hit = entries.iter().enumerate().position(|(j, e)| {
                let nama = normal(&e.sop.nama);
                j != i
                    && !nama.is_empty()
                    && (want == nama || (nama.len() >= 8 && want.contains(&nama)))
            });
            if hit.is_none() {
                warnings.push(format!(
                    "{}: keterkaitan \"{k}\" tidak menunjuk SOP mana pun di katalog ini",
                    crate::diag::display_path(&entries[i].sop.path)
                ));
            }
            hit.map(|j| format!("sop-{j}"))
        })
        .collect()
}

/// Typesets the book. `duplex` starts every chapter and SOP on an odd page.
pub fn render(
    entries: &[Entri],
    sampul: &Sampul,
    templates: &[(String, String)],
    duplex: bool,
) -> Result<Buku, RenderError> {
    let first = entries
        .first()
        .map(|e| &e.sop)
        .ok_or_else(|| RenderError::Typst("katalog tidak berisi SOP".into()))?;
    let mut warnings = Vec::new();
    let mut files = Vec::new();
    let mut columns = Vec::new();
    let mut isi = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let (cols, w) = plan_columns(&e.sop)?;
        warnings.extend(
            w.into_iter()
                .map(|w| format!("{}: {w}", crate::diag::display_path(&e.sop.path))),
        );
        let at = Placement {
            indeks: i,
            aset: format!("/aset/{i}"),
            tautan: tautan(entries, i, &mut warnings),
        };
        let d = data::build_in(&e.sop, &cols, &at);
        files.push((
            format!("/data-{i}.json"),
            serde_json::to_vec(&d).expect("JSON of plain data"),
        ));
        if let Some(g) = &e.sop.instansi.logo {
            files.push((format!("/aset/{i}/logo.{}", g.format), g.data.clone()));
        }
        if let Some(g) = &e.sop.pengesahan.ttd {
            files.push((format!("/aset/{i}/ttd.{}", g.format), g.data.clone()));
        }
        isi.push(json!({ "bab": e.bab, "nomor": e.sop.nomor, "nama": e.sop.nama }));
        columns.push(cols);
    }
    let (width, height) = first.kertas.pt();
    let logo = sampul.logo.as_ref().map(|g| {
        let path = format!("/aset/sampul/logo.{}", g.format);
        files.push((path.clone(), g.data.clone()));
        path
    });
    let buku = json!({
        "judul": sampul.judul,
        "tahun": sampul.tahun,
        "alamat": sampul.alamat,
        "baris": sampul.baris.iter().map(|b| b.to_uppercase()).collect::<Vec<_>>(),
        "unit": sampul.unit.to_uppercase(),
        "logo": logo,
        "author": sampul.baris.join(", "),
        "tanggal_dokumen": [first.tanggal_dokumen.0, first.tanggal_dokumen.1, first.tanggal_dokumen.2],
        "kertas": { "lebar": width, "tinggi": height, "margin": data::MARGIN, "margin_bawah": data::MARGIN + data::CONNECTOR_BAND },
        "font": first.gaya.font.family(),
        "label": first.label,
        "duplex": duplex,
        "isi": isi,
    });
    files.push((
        "/buku.json".into(),
        serde_json::to_vec(&buku).expect("JSON of plain data"),
    ));
    files.push(("/flow.json".into(), b"{}".to_vec()));
    let mut world = SopWorld::new("buku.typ", templates, files, first.tanggal_dokumen);

    let pass1 = compile(&world)?;
    let measured = measure(&pass1)?;
    let none = super::Measured::default();
    let geometry: Vec<Geometry> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            route_all(
                &e.sop,
                &columns[i],
                measured.get(i).unwrap_or(&none),
                &pass1,
            )
        })
        .collect();
    world.set_file(
        "/flow.json",
        serde_json::to_vec(&flow::by_page(&geometry)).expect("JSON of plain data"),
    );
    let document = compile(&world)?;
    if measure(&document)? != measured {
        return Err(RenderError::Typst(
            "tata letak berubah di antara dua tahap (bug sopan)".into(),
        ));
    }
    Ok(Buku {
        document,
        geometry,
        warnings,
    })
}
