//! Every key of an SOP file and of `katalog.toml`, defined once: the validator refuses
//! keys not listed here, `sopan skema` turns the lists into JSON Schemas for editors
//! (Taplo / "Even Better TOML"), and a test holds the format reference
//! (`docs/panduan.md`) to the same lists. One definition, so the three cannot drift; the
//! grid's keys come from its own table, [`crate::grid::KOTAK`].

use serde_json::{Map, Value, json};

use crate::grid;
use crate::model::LABEL_BAWAAN;

/// What a key holds.
#[derive(Debug, Clone, Copy)]
pub enum Jenis {
    /// Text.
    Teks,
    /// Text, or a list of texts.
    TeksAtauDaftar,
    /// A date: `2024-01-23`, or an Indonesian day-month-year in quotes.
    Tanggal,
    /// A whole number.
    Bulat,
    /// A number, whole or not.
    Angka,
    /// A year, as a number or in quotes.
    Tahun,
    /// `true` or `false`.
    YaTidak,
    /// One of the words listed.
    Pilihan(&'static [&'static str]),
    /// A step: its number, its `id`, or `"selesai"`.
    Tujuan,
    /// A section with its own keys (`[instansi]`, `keputusan = { ... }`).
    Bagian(&'static [Kunci]),
    /// A list of sections (`[[langkah]]`).
    DaftarBagian(&'static [Kunci]),
    /// The `[label]` section: any printed label by its key.
    Label,
}

/// One key: its name, what it holds, and one line of help shown by an editor.
#[derive(Debug, Clone, Copy)]
pub struct Kunci {
    /// The key as written in the file.
    pub nama: &'static str,
    /// What it holds.
    pub jenis: Jenis,
    /// Help in Indonesian, for the editor's hover.
    pub bantuan: &'static str,
    /// Whether the key must be present.
    pub wajib: bool,
}

const fn k(nama: &'static str, jenis: Jenis, bantuan: &'static str) -> Kunci {
    Kunci {
        nama,
        jenis,
        bantuan,
        wajib: false,
    }
}

const fn wajib(nama: &'static str, jenis: Jenis, bantuan: &'static str) -> Kunci {
    Kunci {
        nama,
        jenis,
        bantuan,
        wajib: true,
    }
}

/// The keys of `[instansi]`.
pub const INSTANSI: &[Kunci] = &[
    k(
        "baris",
        Jenis::TeksAtauDaftar,
        "Baris kop: pemerintah dan dinas, dicetak tebal huruf besar.",
    ),
    k(
        "unit",
        Jenis::Teks,
        "Unit kerja, dicetak paling bawah di kop.",
    ),
    k(
        "logo",
        Jenis::Teks,
        "Gambar logo (png, jpg, svg), dihitung dari folder berkas ini.",
    ),
];

/// The keys of `[pengesahan]`.
pub const PENGESAHAN: &[Kunci] = &[
    k(
        "jabatan",
        Jenis::Teks,
        "Jabatan penanda tangan, misalnya \"Kepala Dinas\".",
    ),
    k("nama", Jenis::Teks, "Nama penanda tangan."),
    k("pangkat", Jenis::Teks, "Pangkat/golongan penanda tangan."),
    k("nip", Jenis::Teks, "NIP 18 angka; spasi bebas."),
    k(
        "ttd",
        Jenis::Teks,
        "Gambar tanda tangan atau QR e-sign (png, jpg, svg).",
    ),
];

/// The keys of `[kertas]`.
pub const KERTAS: &[Kunci] = &[
    k(
        "ukuran",
        Jenis::Pilihan(&[
            "A4", "F4", "Letter", "Legal", "a4", "f4", "letter", "legal", "LETTER", "LEGAL",
        ]),
        "Ukuran kertas: A4 (bawaan), F4 (215 x 330 mm), Letter atau Legal.",
    ),
    k(
        "orientasi",
        Jenis::Pilihan(&["landscape", "portrait"]),
        "landscape (mendatar, bawaan) atau portrait (tegak).",
    ),
];

/// The text columns of the flow table, the keys of `[gaya] lebar_kolom`.
pub const LEBAR_KOLOM: &[Kunci] = &[
    k("kegiatan", Jenis::Angka, "Lebar relatif kolom Kegiatan."),
    k(
        "kelengkapan",
        Jenis::Angka,
        "Lebar relatif kolom Kelengkapan.",
    ),
    k("waktu", Jenis::Angka, "Lebar relatif kolom Waktu."),
    k("output", Jenis::Angka, "Lebar relatif kolom Output."),
    k(
        "keterangan",
        Jenis::Angka,
        "Lebar relatif kolom Keterangan.",
    ),
];

/// The keys of `[gaya]`.
pub const GAYA: &[Kunci] = &[
    k(
        "font",
        Jenis::Pilihan(&["sans", "serif"]),
        "sans (seperti Arial, bawaan) atau serif (seperti Times New Roman).",
    ),
    k(
        "lebar_kolom",
        Jenis::Bagian(LEBAR_KOLOM),
        "Lebar relatif kolom teks tabel alur; yang tidak disebut bernilai 1.",
    ),
    k(
        "nomor_kolom",
        Jenis::YaTidak,
        "true: cetak baris nomor kolom di bawah kepala tabel.",
    ),
    k(
        "label_ya",
        Jenis::Teks,
        "Tulisan jalur Ya keputusan (bawaan \"Ya\").",
    ),
    k(
        "label_tidak",
        Jenis::Teks,
        "Tulisan jalur Tidak keputusan (bawaan \"Tidak\").",
    ),
    k(
        "jam_per_hari",
        Jenis::Bulat,
        "Jam kerja sehari (1-24), untuk menjumlah jam menjadi hari.",
    ),
];

/// The keys of `keputusan = { ... }`.
pub const KEPUTUSAN: &[Kunci] = &[
    wajib(
        "tidak",
        Jenis::Tujuan,
        "Tujuan bila tidak: id langkah, nomor langkah, atau \"selesai\".",
    ),
    k(
        "ya",
        Jenis::Tujuan,
        "Tujuan bila ya (bawaan: langkah berikutnya).",
    ),
];

/// The keys of a step, `[[langkah]]`.
pub const LANGKAH: &[Kunci] = &[
    k(
        "id",
        Jenis::Teks,
        "Nama pendek langkah, dipakai sebagai tujuan lompatan.",
    ),
    wajib("kegiatan", Jenis::Teks, "Apa yang dikerjakan."),
    wajib(
        "pelaksana",
        Jenis::TeksAtauDaftar,
        "Satu nama dari daftar pelaksana, persis sama; beberapa nama = langkah bersama.",
    ),
    k(
        "kelengkapan",
        Jenis::TeksAtauDaftar,
        "Mutu Baku: kelengkapan (teks atau daftar).",
    ),
    k(
        "waktu",
        Jenis::Teks,
        "Mutu Baku: waktu, misalnya \"5 Menit\", \"1 Jam\", \"2 Hari\".",
    ),
    k(
        "output",
        Jenis::TeksAtauDaftar,
        "Mutu Baku: output (teks atau daftar).",
    ),
    k(
        "keterangan",
        Jenis::TeksAtauDaftar,
        "Keterangan (teks atau daftar).",
    ),
    k(
        "keputusan",
        Jenis::Bagian(KEPUTUSAN),
        "Langkah keputusan: { tidak = ..., ya = ... }.",
    ),
    k(
        "lanjut",
        Jenis::Tujuan,
        "Tujuan berikutnya bila bukan langkah berikutnya.",
    ),
];

/// The keys of a sub-procedure, `[[prosedur]]`.
pub const PROSEDUR: &[Kunci] = &[
    wajib(
        "judul",
        Jenis::Teks,
        "Judul sub-prosedur, dicetak di atas tabelnya.",
    ),
    wajib(
        "pelaksana",
        Jenis::TeksAtauDaftar,
        "Pelaksana sub-prosedur, dari kiri ke kanan.",
    ),
    wajib(
        "langkah",
        Jenis::DaftarBagian(LANGKAH),
        "Langkah-langkahnya: [[prosedur.langkah]].",
    ),
];

/// The keys of an SOP file before the grid's: its identity.
const SOP_IDENTITAS: &[Kunci] = &[
    wajib("nomor", Jenis::Teks, "Nomor SOP."),
    wajib("nama", Jenis::Teks, "Nama SOP, dicetak huruf besar."),
    k(
        "tanggal_pembuatan",
        Jenis::Tanggal,
        "Tanggal pembuatan: 2024-01-23 tanpa tanda kutip.",
    ),
    k(
        "tanggal_revisi",
        Jenis::Tanggal,
        "Tanggal revisi: 2024-01-23, atau \"\" bila belum ada.",
    ),
    k(
        "tanggal_efektif",
        Jenis::Tanggal,
        "Tanggal SOP mulai berlaku: 2024-01-23.",
    ),
    k(
        "status",
        Jenis::Pilihan(&["konsep", "berlaku", "dicabut", "diganti"]),
        "konsep, berlaku, dicabut atau diganti.",
    ),
    k(
        "diganti_oleh",
        Jenis::Teks,
        "Nomor SOP pengganti; hanya bersama status = \"diganti\".",
    ),
];

/// The grid's keys, from its table.
const SOP_GRID: [Kunci; grid::KOTAK.len()] = {
    let mut out = [k("", Jenis::TeksAtauDaftar, ""); grid::KOTAK.len()];
    let mut i = 0;
    while i < grid::KOTAK.len() {
        out[i] = k(
            grid::KOTAK[i].kunci,
            Jenis::TeksAtauDaftar,
            grid::KOTAK[i].bantuan,
        );
        i += 1;
    }
    out
};

/// The keys of an SOP file after the grid's: the flow tables and the sections.
const SOP_ALUR: &[Kunci] = &[
    k(
        "pelaksana",
        Jenis::TeksAtauDaftar,
        "Pelaksana, satu kolom diagram masing-masing, kiri ke kanan.",
    ),
    k(
        "langkah",
        Jenis::DaftarBagian(LANGKAH),
        "Langkah-langkah: tulis [[langkah]] untuk setiap langkah.",
    ),
    k(
        "prosedur",
        Jenis::DaftarBagian(PROSEDUR),
        "Beberapa tabel alur: [[prosedur]] alih-alih pelaksana dan [[langkah]].",
    ),
    k(
        "instansi",
        Jenis::Bagian(INSTANSI),
        "Kop: baris, unit, logo (biasanya dari katalog.toml).",
    ),
    k(
        "pengesahan",
        Jenis::Bagian(PENGESAHAN),
        "Penanda tangan (biasanya dari katalog.toml).",
    ),
    k(
        "kertas",
        Jenis::Bagian(KERTAS),
        "Ukuran dan orientasi kertas.",
    ),
    k(
        "gaya",
        Jenis::Bagian(GAYA),
        "Tampilan: font, label Ya/Tidak, lebar kolom.",
    ),
    k(
        "label",
        Jenis::Label,
        "Tulisan yang tercetak di lembar, bila ingin diganti.",
    ),
];

/// The keys of an SOP file.
pub const SOP: &[Kunci] = &grid::sambung::<
    _,
    { SOP_IDENTITAS.len() + grid::KOTAK.len() + SOP_ALUR.len() },
>(SOP_IDENTITAS, &SOP_GRID, SOP_ALUR);

/// The keys of `[katalog]` in katalog.toml.
pub const KATALOG_BAGIAN: &[Kunci] = &[
    k("judul", Jenis::Teks, "Judul buku SOP, dicetak di sampul."),
    k("tahun", Jenis::Tahun, "Tahun, dicetak di sampul."),
    k("alamat", Jenis::Teks, "Alamat kantor, dicetak di sampul."),
    k(
        "urutan",
        Jenis::TeksAtauDaftar,
        "Urutan SOP di buku: jalur berkas dari folder katalog.",
    ),
    k(
        "alamat_verifikasi",
        Jenis::Teks,
        "Alamat dasar halaman verifikasi (https://...); QR di lembar yang disahkan sopan menunjuk ALAMAT/KODE.",
    ),
];

/// The keys of katalog.toml.
pub const KATALOG: &[Kunci] = &[
    k(
        "katalog",
        Jenis::Bagian(KATALOG_BAGIAN),
        "Sampul dan urutan buku SOP.",
    ),
    k(
        "instansi",
        Jenis::Bagian(INSTANSI),
        "Kop bersama semua SOP di bawah folder ini.",
    ),
    k(
        "pengesahan",
        Jenis::Bagian(PENGESAHAN),
        "Penanda tangan bersama.",
    ),
    k("kertas", Jenis::Bagian(KERTAS), "Kertas bersama."),
    k("gaya", Jenis::Bagian(GAYA), "Tampilan bersama."),
    k("label", Jenis::Label, "Tulisan bersama."),
];

/// The names of `keys`, for refusing unknown ones.
pub fn names(keys: &[Kunci]) -> Vec<&'static str> {
    keys.iter().map(|k| k.nama).collect()
}

/// The keys of `[label]`.
pub fn label_names() -> Vec<&'static str> {
    LABEL_BAWAAN.iter().map(|(k, _)| *k).collect()
}

/// The JSON Schema (draft 2020-12) of an SOP file.
pub fn sop_schema() -> Value {
    document(
        "SOP sopan",
        "Satu SOP: kop, tabel identitas dan tabel alur.",
        SOP,
    )
}

/// The JSON Schema (draft 2020-12) of katalog.toml.
pub fn katalog_schema() -> Value {
    document(
        "katalog.toml sopan",
        "Bagian yang diwariskan ke semua SOP di bawah folder katalog.",
        KATALOG,
    )
}

fn document(title: &str, description: &str, keys: &[Kunci]) -> Value {
    let mut schema = object(keys);
    let Value::Object(map) = &mut schema else {
        unreachable!("object() makes an object")
    };
    map.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    map.insert("title".into(), json!(title));
    map.insert("description".into(), json!(description));
    schema
}

fn object(keys: &[Kunci]) -> Value {
    let mut properties = Map::new();
    for key in keys {
        let mut p = value(key.jenis);
        if let Value::Object(m) = &mut p {
            m.insert("description".into(), json!(key.bantuan));
        }
        properties.insert(key.nama.into(), p);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.wajib).map(|k| k.nama).collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn value(jenis: Jenis) -> Value {
    let text_list = json!({ "anyOf": [
        { "type": "string" },
        { "type": "array", "items": { "type": "string" } },
    ]});
    match jenis {
        Jenis::Teks => json!({ "type": "string" }),
        Jenis::TeksAtauDaftar => text_list,
        // A TOML date reaches a schema validator as a string, as does a quoted one.
        Jenis::Tanggal => json!({ "type": "string" }),
        Jenis::Bulat => json!({ "type": "integer" }),
        Jenis::Angka => json!({ "type": "number", "exclusiveMinimum": 0 }),
        Jenis::Tahun => json!({ "type": ["integer", "string"] }),
        Jenis::YaTidak => json!({ "type": "boolean" }),
        Jenis::Pilihan(words) => json!({ "type": "string", "enum": words }),
        Jenis::Tujuan => json!({ "anyOf": [
            { "type": "integer", "minimum": 1 },
            { "type": "string" },
        ]}),
        Jenis::Bagian(keys) => object(keys),
        Jenis::DaftarBagian(keys) => json!({ "type": "array", "items": object(keys) }),
        Jenis::Label => {
            let properties: Map<String, Value> = LABEL_BAWAAN
                .iter()
                .map(|(key, default)| {
                    (
                        (*key).to_string(),
                        json!({ "type": "string", "description": format!("Bawaan: {default}") }),
                    )
                })
                .collect();
            json!({ "type": "object", "properties": properties, "additionalProperties": false })
        }
    }
}
