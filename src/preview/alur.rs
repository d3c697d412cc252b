//! The approval flow's requests on the office server: a move (Ajukan, Teruskan,
//! Kembalikan with notes), an approval with the signer's .p12 and its password, the kop
//! and signer of katalog.toml (admin only), the flow's part of the form's answer, and the
//! public verification page of a signed sheet's QR code. Each reads the request, calls
//! [`crate::pengesahan`] and answers JSON (or a page): the flow and the signature know
//! nothing of HTTP.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use super::catalogue::Catalogue;
use super::html;
use super::sunting::{self, Answer, pesan};
use crate::editor::akun::Peran;
use crate::editor::form::{KOP, kop_of};
use crate::editor::riwayat::{self, Koreksi};
use crate::editor::simpan::{self, Gagal};
use crate::editor::{self, kata};
use crate::pengesahan::alur::{self as flow, Gerak, Tahap};
use crate::pengesahan::keadaan::{self, Keadaan, Pelaku, Sop, TolakGerak};
use crate::pengesahan::{arsip, sahkan as sah, sidik};
use crate::pipeline::Settings;
use crate::source::file;
use crate::tanda::{Penanda, waktu};

/// The SOP `path` of the previewed folder `sopan`, named `berkas` in its history.
pub fn sop<'a>(sopan: &'a Path, berkas: &'a str, path: &'a Path) -> Sop<'a> {
    Sop {
        sopan,
        berkas,
        path,
    }
}

/// Where the server listens, for what it may take.
#[derive(Debug, Clone, Copy)]
pub struct Tempat {
    /// On a loopback address only.
    pub loopback: bool,
    /// With TLS.
    pub tls: bool,
}

/// Why the server does not take a certificate's password here: on a network address
/// without TLS it would cross the network readable. `None` when it may.
pub fn tanpa_tls(loopback: bool, tls: bool) -> Option<&'static str> {
    (!loopback && !tls).then_some(
        "Server ini dibuka di jaringan tanpa TLS (https), jadi kata sandi sertifikat tidak \
         diterima: kata sandi itu dapat disadap di jaringan. Jalankan pratinjau dengan HTTPS \
         (--tls-sertifikat dan --tls-kunci, atau --proxy di belakang proxy HTTPS), atau \
         sahkan di komputer pengesah dengan perintah sopan sahkan.",
    )
}

/// The refusal of a change by an account without the penyusun role.
pub fn bukan_penyusun() -> Answer {
    pesan(
        403,
        "Akun Anda tidak berperan penyusun, jadi SOP tidak dapat diubah dari akun ini. \
         Admin dapat menambah peran dengan sopan pengguna peran.",
    )
}

/// A move, as the page sends it.
#[derive(Deserialize)]
struct Permintaan {
    gerak: String,
    #[serde(default)]
    koreksi: Vec<Koreksi>,
}

/// Ajukan, Teruskan or Kembalikan the SOP `sop` as `pengguna` holding `peran`.
pub fn gerak(
    sop: Sop<'_>,
    pengguna: &str,
    peran: &[Peran],
    body: &[u8],
    settings: &Settings,
) -> Answer {
    let req: Permintaan = match sunting::body(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let Some(g) = Gerak::baca(&req.gerak).filter(|g| *g != Gerak::Sahkan) else {
        return pesan(400, "langkah pengesahan itu tidak dikenal");
    };
    let pelaku = Pelaku {
        pengguna,
        peran,
        koreksi: req.koreksi,
    };
    match keadaan::gerakkan(sop, &pelaku, g, settings) {
        Ok(k) => {
            let text = match g {
                Gerak::Ajukan => "SOP diajukan. Formulir kini hanya dapat dibaca sampai pemeriksa \
                                  meneruskan atau mengembalikannya."
                    .to_string(),
                Gerak::Teruskan => "SOP diteruskan kepada pengesah.".to_string(),
                _ => format!(
                    "SOP dikembalikan kepada penyusun dengan {} catatan.",
                    k.koreksi.len()
                ),
            };
            pesan(200, text)
        }
        Err(t) => tolak(&t),
    }
}

/// An approval, as the page sends it: the .p12 file (base64) and its password, never
/// stored.
#[derive(Deserialize)]
struct Pengesahan {
    sertifikat: String,
    sandi: String,
    #[serde(default)]
    tetap: bool,
}

/// Approves and signs the SOP `sop` as the pengesah `pengguna`, with the certificate and
/// password of the request.
pub fn sahkan(
    sop: Sop<'_>,
    pengguna: &str,
    peran: &[Peran],
    body: &[u8],
    settings: &Settings,
) -> Answer {
    // The role first: nobody else's certificate is even opened.
    if !peran.contains(&Peran::Pengesah) {
        return tolak(&TolakGerak::Alur(flow::Tolak::Peran(Gerak::Sahkan)));
    }
    let req: Pengesahan = match sunting::body(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    use base64::Engine as _;
    let Ok(p12) = base64::engine::general_purpose::STANDARD.decode(req.sertifikat.trim()) else {
        return pesan(
            400,
            "berkas sertifikat tidak terbaca; pilih lagi berkas .p12 atau .pfx",
        );
    };
    let penanda = match Penanda::baca(&p12, &req.sandi) {
        Ok(p) => p,
        Err(e) => return tolak(&TolakGerak::Sertifikat(e)),
    };
    drop(req.sandi);
    let r = keadaan::Pengesahan {
        penanda: &penanda,
        tetap: req.tetap,
        waktu: waktu::sekarang(),
        tsa: None,
    };
    let pelaku = Pelaku {
        pengguna,
        peran,
        koreksi: Vec::new(),
    };
    match keadaan::sahkan(sop, &pelaku, &r, settings) {
        Ok((_, done)) => {
            let kode = &done.catatan.kode;
            (
                200,
                json!({
                    "pesan": format!("SOP disahkan dan ditandatangani secara elektronik. Kode verifikasi {kode}."),
                    "kode": kode,
                    "verifikasi": format!("/verifikasi/{kode}"),
                    "pdf": done.catatan.pdf,
                }),
            )
        }
        Err(t) => tolak(&t),
    }
}

/// A refused move as JSON: 403 for a role, 409 for the stage or a change, 422 for the
/// SOP or the certificate; a warning to confirm carries `konfirmasi`.
fn tolak(t: &TolakGerak) -> Answer {
    let text = format!("Tidak dilakukan: {t}.");
    match t {
        TolakGerak::Alur(flow::Tolak::Peran(_)) => pesan(403, text),
        TolakGerak::Alur(_) | TolakGerak::Berubah(_) => pesan(409, text),
        TolakGerak::TanpaCatatan => pesan(400, text),
        TolakGerak::Sahkan(sah::Tolak::Kesalahan(galat)) => {
            (422, json!({ "pesan": text, "galat": galat }))
        }
        TolakGerak::Sahkan(sah::Tolak::PengesahanKurang(_)) => (
            422,
            json!({ "pesan": text, "saran": "Isi data penanda tangan di bagian Kop dan penanda tangan, lalu Simpan." }),
        ),
        TolakGerak::Sahkan(sah::Tolak::Sertifikat(e)) | TolakGerak::Sertifikat(e) => {
            (422, json!({ "pesan": text, "saran": e.hint() }))
        }
        TolakGerak::Sahkan(sah::Tolak::Berubah) => pesan(409, text),
        TolakGerak::Sahkan(_) => pesan(422, text),
        TolakGerak::Peringatan(list) => (
            409,
            json!({
                "pesan": "Sertifikat ini tidak sepenuhnya cocok dengan penanda tangan di SOP. \
                          Periksa, lalu pilih Tetap sahkan bila benar.",
                "peringatan": list.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "konfirmasi": true,
            }),
        ),
        TolakGerak::Berkas(_) => pesan(500, text),
    }
}

/// The kop and signer values for katalog.toml, as the page sends them.
#[derive(Deserialize)]
struct KopKatalog {
    dasar: String,
    kop: BTreeMap<String, Vec<String>>,
}

/// Writes the kop and signer values of the request into the katalog.toml nearest the
/// SOP at `path` (an admin's change, for every SOP below it), inside the previewed folder
/// `root`, with the same save as the form's.
pub fn katalog(path: &Path, root: &Path, pengguna: &str, peran: &[Peran], body: &[u8]) -> Answer {
    if !peran.contains(&Peran::Admin) {
        return pesan(
            403,
            "Hanya admin yang dapat mengubah kop dan penanda tangan di katalog.toml. \
             Isi nilainya di SOP ini untuk menggantinya di SOP ini saja.",
        );
    }
    let req: KopKatalog = match sunting::body(body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let Some(target) = crate::source::katalog_chain(path).pop() else {
        return pesan(404, "SOP ini tidak mewarisi katalog.toml mana pun.");
    };
    let kop: BTreeMap<String, Vec<String>> = req
        .kop
        .into_iter()
        .filter(|(k, _)| KOP.contains(&k.as_str()))
        .collect();
    let saved = simpan::simpan(&target, root, &req.dasar, |disk| {
        editor::tulis_kop(disk, &kop)
    });
    let saved = match saved {
        Ok(s) => s,
        Err(Gagal::Berubah(_)) => {
            return pesan(
                409,
                "katalog.toml sudah diubah sejak formulir dimuat; muat ulang formulir lalu ulangi.",
            );
        }
        Err(Gagal::Luar) => return pesan(403, "katalog.toml itu ada di luar folder pratinjau."),
        Err(Gagal::HanyaBaca) => return pesan(403, simpan::HANYA_BACA),
        Err(Gagal::BukanToml) => {
            return pesan(
                422,
                "katalog.toml bukan TOML; perbaiki dulu dengan penyunting teks.",
            );
        }
        Err(Gagal::Ditolak(m)) => return pesan(409, m),
        Err(Gagal::Riwayat(e)) => return sunting::riwayat_tidak_siap("katalog.toml", &e),
        Err(Gagal::Baca(e)) | Err(Gagal::Tulis(e)) => {
            return pesan(500, format!("katalog.toml: {}", crate::io_error_id(&e)));
        }
    };
    if saved.ditulis {
        let old = editor::read(&saved.lama).unwrap_or_default();
        let changed: Vec<String> = kop
            .iter()
            .filter(|(k, v)| old.kop(k) != v.as_slice())
            .map(|(k, _)| kata::nama_bidang(k))
            .collect();
        let line = riwayat::Catatan {
            waktu: riwayat::now(),
            pengguna: pengguna.to_string(),
            berkas: sidik::relative(&target, root),
            ringkasan: format!("kop dan penanda tangan: {}", changed.join("; ")),
            ..riwayat::Catatan::default()
        };
        if let Err(e) = riwayat::append_to(&saved.folder, &line) {
            return pesan(
                200,
                format!(
                    "Tersimpan, tetapi riwayat tidak dapat ditulis: {}",
                    crate::io_error_id(&e)
                ),
            );
        }
    }
    pesan(
        200,
        format!(
            "Tersimpan di {}: berlaku untuk semua SOP yang mewarisinya.",
            sidik::relative(&target, root)
        ),
    )
}

/// Adds the flow's part to the form's answer: the SOP's stage and the moves `peran` may
/// make, its notes, the kop and signer it inherits (and where from), and the nearest
/// katalog.toml for an admin.
pub fn lengkapi(
    answer: &mut Answer,
    sop: Sop<'_>,
    peran: &[Peran],
    tempat: Tempat,
    settings: &Settings,
) {
    if answer.0 != 200 {
        return;
    }
    let k = keadaan::baca(sop, settings);
    answer.1["alur"] = alur_json(&k, peran, tempat, pemegang(sop.sopan, k.tahap));
    answer.1["peran"] = json!(peran.iter().map(|p| p.nama()).collect::<Vec<_>>());
    answer.1["warisan"] = warisan(sop.path);
    answer.1["katalog"] = katalog_json(sop.path, sop.sopan, peran.contains(&Peran::Admin));
}

/// Who holds an SOP at stage `tahap`, for the page: the role whose move it waits for
/// and the accounts of the catalogue at `root` holding it ("pemeriksa: budi, rina");
/// `None` once approved. No account holding the role is said, with how to add one.
pub fn pemegang(root: &Path, tahap: Tahap) -> Option<String> {
    let peran = tahap.pemegang()?;
    let akun = crate::editor::akun::Akun::open(root).ok();
    let names = akun
        .as_ref()
        .map(|a| a.dengan_peran(peran))
        .unwrap_or_default();
    Some(match (akun.is_some_and(|a| a.any()), names.is_empty()) {
        // A preview without accounts: the one person at this computer holds every role.
        (false, _) => peran.nama().to_string(),
        (true, true) => format!(
            "{0} (belum ada akun berperan {0}; tambahkan dengan: sopan pengguna peran NAMA --peran {0})",
            peran.nama()
        ),
        (true, false) => format!("{}: {}", peran.nama(), names.join(", ")),
    })
}

/// The SOP's stage for the page.
fn alur_json(k: &Keadaan, peran: &[Peran], tempat: Tempat, pemegang: Option<String>) -> Value {
    let penyusun = peran.contains(&Peran::Penyusun);
    let baca_saja = keadaan::terkunci(k).or_else(|| {
        (!penyusun).then(|| {
            "Akun Anda tidak berperan penyusun, jadi formulir hanya dapat dibaca.".to_string()
        })
    });
    let changed = !k.berubah.is_empty() && matches!(k.tahap, Tahap::Diajukan | Tahap::Diteruskan);
    let gerak: Vec<&str> = flow::tersedia(k.tahap, peran)
        .into_iter()
        // A changed submission is only sent back: passing it on would pass another text.
        .filter(|g| !changed || *g == Gerak::Kembalikan)
        .map(Gerak::nama)
        .collect();
    json!({
        "tahap": k.tahap.nama(),
        "keterangan": k.tahap.keterangan(),
        "pemegang": pemegang,
        "boleh_sunting": baca_saja.is_none(),
        "baca_saja": baca_saja,
        "terakhir": k.terakhir.as_ref().map(|c| json!({
            "pengguna": c.pengguna,
            "waktu": keadaan::waktu_cetak(&c.waktu),
            "ringkasan": c.ringkasan,
            "gerak": c.gerak,
        })),
        "koreksi": k.koreksi.iter().map(|c| json!({
            "jalur": c.jalur,
            "teks": c.teks,
            "nama": kata::nama_bidang(&c.jalur),
            "oleh": k.terakhir.as_ref().map(|t| t.pengguna.clone()),
        })).collect::<Vec<_>>(),
        "berubah": k.berubah,
        "revisi": k.revisi(),
        "disahkan": k.disahkan.as_ref().map(|d| json!({
            "kode": d.kode,
            "waktu": keadaan::waktu_cetak(&d.disahkan),
            "penanda": d.penanda.nama,
            "jabatan": d.jabatan,
            "verifikasi": format!("/verifikasi/{}", d.kode),
        })),
        "gerak": gerak,
        "sahkan": {
            "boleh": tanpa_tls(tempat.loopback, tempat.tls).is_none(),
            "alasan": tanpa_tls(tempat.loopback, tempat.tls),
        },
    })
}

/// The kop and signer values the SOP at `path` inherits, by key: the value and the
/// katalog.toml it comes from (the nearest that sets it).
pub fn warisan(path: &Path) -> Value {
    let root = crate::review::catalogue_folder(path);
    let chain: Vec<(String, toml_edit::DocumentMut)> = crate::source::katalog_chain(path)
        .into_iter()
        .rev()
        .filter_map(|k| {
            let text = file::read_text(&k, file::SOP_MAKS).ok()?;
            Some((sidik::relative(&k, &root), text.parse().ok()?))
        })
        .collect();
    let mut out = serde_json::Map::new();
    for key in KOP {
        let found = chain
            .iter()
            .map(|(name, doc)| (name, kop_of(doc.as_table(), key)))
            .find(|(_, v)| !v.is_empty());
        if let Some((name, nilai)) = found {
            out.insert(key.to_string(), json!({ "nilai": nilai, "berkas": name }));
        }
    }
    Value::Object(out)
}

/// The katalog.toml nearest the SOP at `path`, for an admin to change: its name, text
/// and kop values, and whether this account may (`admin`) and the server can (inside the
/// previewed folder `sopan`) save it.
fn katalog_json(path: &Path, sopan: &Path, admin: bool) -> Value {
    let Some(target) = crate::source::katalog_chain(path).pop() else {
        return Value::Null;
    };
    let Ok(text) = file::read_text_inside(&target, sopan, file::SOP_MAKS) else {
        return json!({ "boleh": false, "berkas": sidik::relative(&target, sopan) });
    };
    let kop = text
        .parse::<toml_edit::DocumentMut>()
        .map(|doc| {
            KOP.iter()
                .map(|k| (k.to_string(), kop_of(doc.as_table(), k)))
                .collect::<BTreeMap<_, _>>()
        })
        .unwrap_or_default();
    json!({
        "boleh": admin,
        "berkas": sidik::relative(&target, sopan),
        "dasar": text,
        "kop": kop,
    })
}

/// The stage of every SOP of the catalogue, for its index: from the history read once,
/// the archive read once, and each SOP's fingerprint at its last render.
pub fn keadaan_semua(cat: &Catalogue, sopan: &Path) -> BTreeMap<String, Keadaan> {
    let lines = riwayat::read(sopan).unwrap_or_default();
    let approvals = arsip::semua(&cat.watch_root);
    cat.entries
        .values()
        .map(|e| {
            let berkas = format!("{}.toml", e.id);
            let mine: Vec<&riwayat::Catatan> =
                lines.iter().filter(|c| c.berkas == berkas).collect();
            let rel = sidik::relative(&e.path, &cat.watch_root);
            let own: Vec<arsip::Catatan> =
                approvals.iter().filter(|a| a.sop == rel).cloned().collect();
            (e.id.clone(), keadaan::hitung(&mine, &own, e.sidik.as_ref()))
        })
        .collect()
}

/// The public verification page of short code `kode` in the catalogue at `root`.
pub fn verifikasi(root: &Path, kode: &str, settings: &Settings) -> (u16, String) {
    match arsip::cari(root, kode) {
        Some((_, c)) => {
            let today = arsip::berlaku(root, &c, settings);
            (200, html::verifikasi_page(&c, &today))
        }
        None => (404, html::verifikasi_tidak_ada(kode)),
    }
}

/// The archived, signed PDF of short code `kode`, read through the checked door (a
/// regular file whose real path lies in the catalogue), with its file name.
pub fn verifikasi_pdf(root: &Path, kode: &str) -> Option<(Vec<u8>, String)> {
    let (pdf, c) = arsip::cari(root, kode)?;
    let data = file::read_inside(&pdf, root, arsip::PDF_MAKS).ok()?;
    Some((data, c.pdf))
}
