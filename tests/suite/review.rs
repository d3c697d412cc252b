//! The review list before pengesahan: typed findings from the model, and the same list
//! printed by `sopan check --review`.

use std::path::PathBuf;

use crate::common::*;
use sopan::grid::kotak;
use sopan::review::*;

/// A small catalogue: a draft with gaps, and the SOP it refers to.
fn draft_catalogue(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sopan-review-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("umum")).unwrap();
    std::fs::write(
        dir.join("katalog.toml"),
        "[pengesahan]\njabatan = \"Kepala Dinas\"\nnama = \"\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("umum/surat-keluar.toml"),
        r#"nomor = "1"
nama = "Surat Keluar"
pelaksana = ["Staf"]
[[langkah]]
kegiatan = "Mengetik"
pelaksana = "Staf"
[[langkah]]
kegiatan = "Mengirim"
pelaksana = "Staf"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("umum/draf.toml"),
        r#"nomor = "2"
nama = "Draf Uji"
tanggal_pembuatan = 2024-01-02
dasar_hukum = []
kualifikasi_pelaksana = ["S1"]
peralatan = "-"
peringatan = "Hati-hati"
keterkaitan = ["SOP surat  keluar", "SOP Rapat Koordinasi", "-"]
pelaksana = ["Kasubbag", "Staf", "Bendahara"]
[[langkah]]
kegiatan = "Menyiapkan"
pelaksana = "Staf"
waktu = "1 Jam"
output = "Draf"
[[langkah]]
kegiatan = "Memeriksa"
pelaksana = "Kasubbag"
[[langkah]]
kegiatan = "Menyetujui"
pelaksana = "Kasubbag"
output = "Surat"
"#,
    )
    .unwrap();
    dir
}

#[test]
fn draft_lists_everything_before_pengesahan() {
    let dir = draft_catalogue("model");
    let sop = load(&dir.join("umum/draf.toml"));
    let names = catalogue_names(&catalogue_folder(&sop.path));
    assert_eq!(names.len(), 2, "{names:?}");
    let found = review(&sop, &names);
    assert_eq!(
        found,
        vec![
            Temuan::TanggalKosong(JenisTanggal::Efektif),
            Temuan::PengesahanKurang(DataPengesahan::Nama),
            Temuan::PengesahanKurang(DataPengesahan::Nip),
            Temuan::BagianKosong(kotak("dasar_hukum").unwrap()),
            Temuan::BagianKosong(kotak("peralatan").unwrap()),
            Temuan::BagianKosong(kotak("pencatatan").unwrap()),
            Temuan::KeterkaitanTidakDikenal {
                teks: "SOP Rapat Koordinasi".into(),
                sendiri: false,
            },
            Temuan::PelaksanaTidakDipakai {
                prosedur: None,
                pelaksana: "Bendahara".into()
            },
            Temuan::LangkahTanpa {
                kolom: KolomMutu::Output,
                prosedur: None,
                langkah: vec![2]
            },
            Temuan::LangkahTanpa {
                kolom: KolomMutu::Waktu,
                prosedur: None,
                langkah: vec![2, 3]
            },
        ]
    );
    assert_eq!(found[9].to_string(), "langkah 2 dan 3 belum punya Waktu");
    assert_eq!(
        found[4].to_string(),
        "Peralatan/Perlengkapan masih kosong (isi `peralatan`)"
    );
    assert_eq!(found[0].kelompok(), Kelompok::Pengesahan);
}

#[test]
fn signed_examples_have_nothing_left() {
    let lakip = root().join("examples/pagar-alam-dpmptsptk/perencanaan/lakip.toml");
    let sop = load(&lakip);
    let names = catalogue_names(&catalogue_folder(&lakip));
    assert!(review(&sop, &names).is_empty());
}

#[test]
fn check_review_prints_the_same_list() {
    let dir = draft_catalogue("check");
    let Run { code, out, err } = sopan(["check".as_ref(), dir.as_os_str(), "--review".as_ref()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Draf Uji (konsep): 10 catatan sebelum pengesahan"),
        "{out}"
    );
    assert!(out.contains(
        "  - Keterkaitan \"SOP Rapat Koordinasi\": tidak ada SOP bernama itu di katalog ini; \
         samakan tulisannya dengan `nama` SOP itu agar menjadi tautan di buku, atau biarkan \
         bila SOP itu di luar katalog ini\n"
    ));
    assert!(out.contains("  - langkah 2 belum punya Output"), "{out}");
    // Without --review, check stays quiet about drafts.
    let quiet = sopan(["check".as_ref(), dir.as_os_str()]).out;
    assert!(!quiet.contains("catatan"), "{quiet}");
}

#[test]
fn keterkaitan_to_the_untouched_init_example_is_told_as_the_book_tells_it() {
    let dir = scratch("review-contoh").join("kantor");
    assert_eq!(sopan(["init".as_ref(), dir.as_os_str()]).code, 0);
    let example = std::fs::read_to_string(dir.join("umum/contoh-sop.toml")).unwrap();
    let own = example
        .replace(
            "nama = \"Pengelolaan Surat Masuk\"",
            "nama = \"Pelayanan Izin Penelitian\"",
        )
        .replace(
            "keterkaitan = [\"SOP Pengelolaan Surat Keluar\"]",
            "keterkaitan = [\"SOP Pengelolaan Surat Masuk\"]",
        );
    assert_ne!(own, example);
    std::fs::write(dir.join("umum/izin-penelitian.toml"), own).unwrap();
    let Run { out, .. } = sopan(["check".as_ref(), dir.as_os_str(), "--review".as_ref()]);
    // The book leaves the untouched example out, so it is no SOP of the catalogue here either.
    assert!(
        out.contains(
            "Keterkaitan \"SOP Pengelolaan Surat Masuk\": katalog ini belum berisi SOP lain"
        ),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

#[test]
fn check_review_lists_the_import_notes_of_a_file_that_does_not_validate() {
    let dir = scratch("review-rusak");
    let file = dir.join("impor.toml");
    std::fs::write(
        &file,
        "# periksa: tidak ditempatkan: \"503/017/SOP/2024\" tidak dikenali\n\
         nomor = \":\"\nnama = \"Uji\"\ntanggal_efektif = \":\"\n",
    )
    .unwrap();
    let Run { code, out, err } = sopan(["check".as_ref(), "--review".as_ref(), file.as_os_str()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("1 catatan impor masih terbuka"), "{out}");
    assert!(out.contains("\"503/017/SOP/2024\" tidak dikenali"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
