//! Waktu as numbers: each step's waktu is read once by the validator; Norma Waktu is
//! a sum of those numbers, per flow table and across sub-procedures, printed as before.

use sopan::diag::Sources;
use sopan::typeset::fonts;
use sopan::waktu::{Durasi, Lama, Satuan};

use crate::common::*;

const DUA_PROSEDUR: &str = r#"nomor = "1"
nama = "Dua Tabel"

[[prosedur]]
judul = "Tahap Satu"
pelaksana = ["Staf"]
[[prosedur.langkah]]
kegiatan = "Menyiapkan"
pelaksana = "Staf"
waktu = "30 Menit"
[[prosedur.langkah]]
kegiatan = "Mengetik"
pelaksana = "Staf"
waktu = "1,5 jam"
[[prosedur.langkah]]
kegiatan = "Mengirim"
pelaksana = "Staf"
waktu = "-"

[[prosedur]]
judul = "Tahap Dua"
pelaksana = ["Staf"]
[[prosedur.langkah]]
kegiatan = "Menunggu"
pelaksana = "Staf"
waktu = "2 Hari"
[[prosedur.langkah]]
kegiatan = "Memeriksa"
pelaksana = "Staf"
waktu = "45 Menit"
[[prosedur.langkah]]
kegiatan = "Mengarsipkan"
pelaksana = "Staf"
"#;

#[test]
fn norma_waktu_is_a_sum_of_numbers_across_sub_procedures() {
    let dir = scratch("waktu");
    let path = dir.join("dua-tabel.toml");
    std::fs::write(&path, DUA_PROSEDUR).expect("write SOP");
    let mut sources = Sources::default();
    let loaded = sopan::validate::load(&path, &mut sources, &fonts::covers);
    let warnings: Vec<String> = loaded.diags.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        warnings,
        ["waktu langkah 3 tidak terbaca, Norma Waktu tidak menghitungnya"],
        "an empty waktu is for the review, an unreadable one is warned about"
    );
    let sop = loaded.sop.expect("valid");
    let step = &sop.prosedur[0].langkah[1].waktu;
    assert_eq!(step.teks, "1,5 jam", "printed as the clerk wrote it");
    assert_eq!(
        step.durasi,
        Some(Durasi {
            jumlah: 1.5,
            satuan: Satuan::Jam
        })
    );
    let lama = |menit, hari| Some(Lama { menit, hari });
    assert_eq!(sop.prosedur[0].norma_waktu(), lama(120.0, 0.0));
    assert_eq!(sop.prosedur[1].norma_waktu(), lama(45.0, 2.0));
    assert_eq!(sop.norma_waktu(), lama(165.0, 2.0));
    assert_eq!(
        sop.norma_waktu().map(|t| t.cetak(None)).as_deref(),
        Some("2 Hari 2 Jam 45 Menit")
    );
    assert_eq!(sop.prosedur[0].waktu_tak_terbaca(), [3]);
    assert_eq!(sop.prosedur[1].tanpa_norma_waktu(), [3]);

    let (_, _, rendered) = render(&path);
    let text: String = (0..rendered.document.pages().len())
        .map(|i| squash(&sopan::typeset::page_text(&rendered.document, i)))
        .collect();
    assert!(text.contains(&squash("2 Jam (tanpa langkah 3)")), "{text}");
    assert!(
        text.contains(&squash("2 Hari 45 Menit (tanpa langkah 3)")),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
