//! The data a template receives, as JSON: plain strings and numbers, never Typst code.

use serde_json::{Value, json};

use super::columns::Columns;
use crate::flow::route::min_row_height;
use crate::model::{Sop, nip_resmi};

/// Page margin on every side, 15 mm.
pub const MARGIN: f64 = 15.0 * 72.0 / 25.4;
/// Extra room under the table for off-page connectors.
pub const CONNECTOR_BAND: f64 = 18.0;

/// Virtual path of an image the SOP names.
pub fn image_path(role: &str, format: &str) -> String {
    format!("/aset/{role}.{format}")
}

fn dash(s: &str) -> String {
    if s.trim().is_empty() {
        "-".into()
    } else {
        s.trim().to_string()
    }
}

/// Where an SOP sits in the book: its index there (its bookmark's label) and, for each
/// Keterkaitan entry, the link to the SOP of the book it names, if any.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Index of the SOP in the book.
    pub indeks: usize,
    /// For each Keterkaitan entry, the link target of the SOP it names, if any.
    pub tautan: Vec<Option<String>>,
}

/// Builds the data of one SOP placed in a document.
pub fn build_in(sop: &Sop, columns: &[Columns], at: &Placement) -> Value {
    let (width, height) = sop.kertas.pt();
    let k = &sop;
    let p = &sop.pengesahan;
    let grid = |key: &str, items: &[String], numbered: bool| json!({ "label": sop.label(key), "isi": items, "bernomor": numbered });
    let prosedur: Vec<Value> = sop
        .prosedur
        .iter()
        .zip(columns)
        .map(|(pr, col)| {
            let langkah: Vec<Value> = pr
                .langkah
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({
                        "no": i + 1,
                        "kegiatan": l.kegiatan,
                        "kelengkapan": dash(&l.kelengkapan),
                        "waktu": dash(&l.waktu),
                        "output": dash(&l.output),
                        "keterangan": l.keterangan.trim(),
                        "tinggi": min_row_height(l.bentuk),
                    })
                })
                .collect();
            json!({
                "judul": pr.judul.clone().unwrap_or_else(|| sop.nama.to_uppercase()),
                "lanes": pr.lanes,
                "kolom": col,
                "langkah": langkah,
                "norma_waktu": pr.norma_waktu,
            })
        })
        .collect();
    let mut keterkaitan = grid("keterkaitan", &sop.keterkaitan, true);
    keterkaitan["tautan"] = json!(at.tautan);
    json!({
        "indeks": at.indeks,
        "judul": sop.nama,
        "nomor": sop.nomor,
        "author": if k.instansi.baris.is_empty() { k.instansi.unit.clone() } else { k.instansi.baris.join(", ") },
        "tanggal_dokumen": [sop.tanggal_dokumen.0, sop.tanggal_dokumen.1, sop.tanggal_dokumen.2],
        "kertas": {
            "lebar": width, "tinggi": height,
            "margin": MARGIN, "margin_bawah": MARGIN + CONNECTOR_BAND,
        },
        "font": sop.gaya.font.family(),
        "watermark": sop.watermark(),
        "label": sop.label,
        "nomor_kolom": sop.gaya.nomor_kolom,
        "kop": {
            "baris": k.instansi.baris.iter().map(|b| b.to_uppercase()).collect::<Vec<_>>(),
            "unit": k.instansi.unit.to_uppercase(),
            "logo": k.instansi.logo.as_ref().map(|g| image_path("logo", g.format)),
            "nomor": sop.nomor,
            "tanggal_pembuatan": sop.tanggal_pembuatan.cetak(),
            "tanggal_revisi": sop.tanggal_revisi.cetak(),
            "tanggal_efektif": sop.tanggal_efektif.cetak(),
            "jabatan": p.jabatan.trim(),
            "ttd": p.ttd.as_ref().map(|g| image_path("ttd", g.format)),
            "nama": p.nama.trim(),
            "pangkat": p.pangkat.trim(),
            "nip": if p.nip.trim().is_empty() { String::new() } else { nip_resmi(&p.nip) },
            "nama_sop": sop.nama.to_uppercase(),
        },
        "grid": [
            [grid("dasar_hukum", &sop.dasar_hukum, true), grid("kualifikasi_pelaksana", &sop.kualifikasi_pelaksana, true)],
            [keterkaitan, grid("peralatan", &sop.peralatan, true)],
            [grid("peringatan", &sop.peringatan, sop.peringatan.len() > 1), grid("pencatatan", &sop.pencatatan, sop.pencatatan.len() > 1)],
        ],
        "prosedur": prosedur,
    })
}
