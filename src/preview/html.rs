//! The HTML of the preview: the catalogue index and each SOP's page, with the page images,
//! the review panel and the diagnostics of a file with errors. Everything is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::catalogue::{Catalogue, Entry};
use super::sesi::Who;
use crate::model::Status;
use crate::pengesahan::alur::Tahap;
use crate::pengesahan::arsip::{self, Berlaku};
use crate::pengesahan::keadaan::{self, Keadaan};
use crate::review::Kelompok;

/// The stage of each SOP in the approval flow, by id.
pub type Alur = BTreeMap<String, Keadaan>;

/// An SOP's place in the approval flow, for its page: its stage and who holds it now
/// ([`super::alur::pemegang`]).
pub struct Tahapan {
    /// Its stage, read from the history, the archive and the files.
    pub keadaan: Keadaan,
    /// The role (and accounts) whose move it waits for; `None` once approved.
    pub pemegang: Option<String>,
}

/// The page frame (title, stylesheet, script, body).
const SHELL: &str = include_str!("shell.html");
/// The stylesheet, served at `/gaya.css`.
pub const STYLE: &str = include_str!("gaya.css");
/// The page icon, served at `/ikon.svg` (without it every page asks for a missing
/// `/favicon.ico`).
pub const ICON: &str = include_str!("ikon.svg");
/// The page script, served at `/pratinjau.js`: search and live updates.
pub const SCRIPT: &str = include_str!("pratinjau.js");
/// The editor's script, served at `/penyunting.js`: the form, drafts, saving, new SOPs.
pub const EDITOR_SCRIPT: &str = include_str!("penyunting.js");

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shows `key` spans of escaped text as code, the way the CLI writes them.
fn code_spans(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return escaped.to_string();
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Percent-encodes an SOP id for a URL path, keeping its slashes.
pub fn url_path(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn shell(title: &str, sop: Option<&str>, body: &str) -> String {
    let data = sop
        .map(|id| format!(" data-sop=\"{}\"", escape(id)))
        .unwrap_or_default();
    page(title, &data, body, None)
}

/// A page with `data` attributes on its body, and the editor's script when `who` may
/// edit (its CSRF token on the body).
fn page(title: &str, data: &str, body: &str, who: Option<&Who>) -> String {
    let (skrip, token) = match who {
        Some(w) => (
            "\n<script src=\"/penyunting.js\" defer></script>",
            format!(" data-token=\"{}\"", escape(&w.token)),
        ),
        None => ("", String::new()),
    };
    fill(
        SHELL,
        &[
            ("judul", &escape(title)),
            ("data", &format!("{data}{token}")),
            ("isi", body),
            ("skrip", skrip),
        ],
    )
}

/// Fills `{{name}}` slots in one pass, so filled-in text is never scanned again.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = &after[..end];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The badge of a status.
fn badge(status: Option<&Status>) -> String {
    match status {
        Some(s) => format!("<span class=\"lencana {0}\">{0}</span>", escape(s.nama())),
        None => "<span class=\"lencana belum\">belum terbaca</span>".into(),
    }
}

/// The catalogue index: search box and the list, and "SOP baru" for who may edit
/// (`who`); a login link when editing needs one.
pub fn index(cat: &Catalogue, who: Option<&Who>, needs_login: bool, alur: &Alur) -> String {
    // The katalog's own title, as on the book cover; the folder name when it has none.
    let judul = crate::source::katalog_info(&cat.folder).judul;
    let title = if judul.trim().is_empty() {
        cat.folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Katalog".into())
    } else {
        judul
    };
    let akun = account_bar(who, needs_login);
    let baru = match who {
        Some(_) if cat.single.is_none() => new_sop_form(cat),
        _ => String::new(),
    };
    let body = format!(
        "<header class=\"kepala\"><div><p class=\"kecil\">Pratinjau katalog SOP</p>\
         <h1>{}</h1></div>{akun}</header>\
         <main class=\"daftar-wadah\">{baru}\
         <label class=\"cari\">Cari nomor atau nama SOP \
         <input id=\"cari\" type=\"search\" autocomplete=\"off\" placeholder=\"mis. 503/22 atau LAKIP\"></label>\
         <div id=\"daftar\">{}</div></main>",
        escape(&title),
        index_list(cat, alur)
    );
    page(&format!("Katalog {title}"), "", &body, who)
}

/// Who is logged in and "Keluar", or "Masuk" when editing needs a login.
fn account_bar(who: Option<&Who>, needs_login: bool) -> String {
    match who {
        Some(w) if needs_login => format!(
            "<div class=\"akun\"><span>Masuk sebagai <b>{}</b></span> \
             <button type=\"button\" id=\"keluar\" class=\"tombol kedua\">Keluar</button></div>",
            escape(&w.pengguna)
        ),
        None if needs_login => {
            "<a class=\"tombol kedua\" href=\"/masuk\">Masuk untuk mengubah</a>".to_string()
        }
        _ => String::new(),
    }
}

/// "SOP baru": a folder of the catalogue and a file name.
fn new_sop_form(cat: &Catalogue) -> String {
    let mut babs: Vec<&str> = cat.entries.values().map(Entry::bab).collect();
    babs.push("");
    babs.sort_unstable();
    babs.dedup();
    let options: String = babs
        .iter()
        .map(|b| {
            let shown = if b.is_empty() { "(folder utama)" } else { b };
            format!("<option value=\"{}\">{}</option>", escape(b), escape(shown))
        })
        .collect();
    format!(
        "<details class=\"baru\" id=\"baru\"><summary class=\"tombol\">+ SOP baru</summary>\
         <form id=\"form-baru\" novalidate><label>Folder (bab di buku SOP) \
         <select name=\"bab\" aria-describedby=\"baru-folder\">{options}</select></label> \
         <label>Nama SOP <input name=\"nama\" placeholder=\"mis. Penyusunan Renstra\" \
         aria-describedby=\"baru-aturan\"></label> \
         <label>Nama berkas <input name=\"berkas\" placeholder=\"mis. penyusunan-renstra\" \
         aria-describedby=\"baru-aturan\" spellcheck=\"false\"></label> \
         <button class=\"tombol\" type=\"submit\">Buat dan isi formulir</button>\
         <p class=\"kecil\" id=\"baru-folder\">Folder katalog menjadi bab di buku SOP, biasanya satu \
         per bidang; \"(folder utama)\" adalah folder katalog itu sendiri. Folder bidang baru \
         dibuat di komputer server oleh pengelola.</p>\
         <p class=\"kecil\" id=\"baru-aturan\">Nama berkas dibuat dari Nama SOP dan boleh diubah: \
         huruf, angka, tanda - atau _, tanpa spasi. Berkas SOP dibuat di folder itu dan \
         langsung dibuka di formulir.</p>\
         <p class=\"salah\" id=\"baru-salah\" role=\"alert\" hidden></p></form></details>"
    )
}

/// Where a page warns that it crossed the network in clear ([`tanpa_https`]).
pub const TANPA_HTTPS: &str = "<!--peringatan-sambungan-->";

/// `page` (a whole page) with the warning that it crossed the network in clear, at the
/// top of its body; the login page has its own, beside the password.
pub fn tanpa_https(page: &str) -> String {
    if page.contains("id=\"tanpa-https\"") {
        return page.to_string();
    }
    page.replacen(
        TANPA_HTTPS,
        "<aside class=\"peringatan\" id=\"tanpa-https-halaman\" aria-label=\"Peringatan sambungan\">\
         Sambungan ini tidak terenkripsi (http://): kata sandi dan isi yang dikirim dapat \
         dibaca orang lain di jaringan. Minta pengelola pratinjau memasang HTTPS.</aside>",
        1,
    )
}

/// The login page, with a message after a failed attempt, the editor page to go back
/// to after it (`ke`, already checked by the server), and a warning when the request
/// crossed the network in clear (`in_clear`).
pub fn login_page(message: Option<&str>, ke: Option<&str>, in_clear: bool) -> String {
    let kembali = ke
        .map(|k| {
            format!(
                "<input type=\"hidden\" name=\"ke\" value=\"{}\">",
                escape(k)
            )
        })
        .unwrap_or_default();
    let mut salah = message
        .map(|m| format!("<p class=\"salah\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    if in_clear {
        salah += "<p class=\"peringatan\" id=\"tanpa-https\">Sambungan ini tidak terenkripsi \
                  (http://): kata sandi dapat dibaca orang lain di jaringan. Minta pengelola \
                  pratinjau memasang HTTPS.</p>";
    }
    shell(
        "Masuk",
        None,
        &format!(
            "<main class=\"pesan masuk\"><h1>Masuk untuk mengubah SOP</h1>{salah}\
             <form method=\"post\" action=\"/masuk\">{kembali}\
             <label>Nama pengguna <input name=\"nama\" autocomplete=\"username\" required autofocus></label>\
             <label>Kata sandi <input name=\"sandi\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button class=\"tombol\" type=\"submit\">Masuk</button></form>\
             <p class=\"kecil\">Akun dibuat oleh pengelola dengan <code>sopan pengguna tambah NAMA</code>.</p>\
             <p><a href=\"/\">Kembali ke daftar SOP</a></p></main>"
        ),
    )
}

/// An SOP's editor: the form (drawn by the editor's script) beside the live sheet. The
/// page has one polite live region (`#umumkan`) through which the script announces
/// errors, the save state and what an action did.
pub fn editor_page(e: &Entry, who: &Who) -> String {
    let body = format!(
        "<header class=\"kepala lekat\"><div><a class=\"kembali\" href=\"/sop/{0}\">&larr; Kembali ke pratinjau</a>\
         <h1>Ubah: <span id=\"judul-sop\">{1}</span></h1>\
         <p class=\"nomor\" id=\"keadaan\" tabindex=\"-1\">Memuat formulir…</p></div>\
         <div class=\"aksi\"><button type=\"button\" class=\"tombol kedua\" id=\"urungkan\" disabled \
         aria-keyshortcuts=\"Control+Z\">&#8630; Urungkan</button> \
         <button type=\"button\" class=\"tombol\" id=\"simpan\" disabled>Simpan</button></div></header>\
         <section id=\"alur\" class=\"alur\" aria-labelledby=\"alur-judul\" hidden></section>\
         <p id=\"umumkan\" class=\"tersembunyi\" role=\"status\" aria-live=\"polite\"></p>\
         <section class=\"galat\" id=\"bentrok\" hidden></section>\
         <div class=\"sunting\"><form id=\"formulir\" class=\"formulir\" autocomplete=\"off\" \
         aria-label=\"Formulir SOP\"></form>\
         <div class=\"draf\" tabindex=\"0\" role=\"region\" aria-label=\"Pratinjau lembar (draf)\">\
         <section id=\"catatan\" class=\"catatan\" hidden></section>\
         <div class=\"skala\" role=\"group\" aria-label=\"Ukuran lembar\">\
         <button type=\"button\" class=\"kecil-tombol\" id=\"perkecil\" aria-label=\"Perkecil lembar\">&minus;</button> \
         <button type=\"button\" class=\"kecil-tombol\" id=\"skala-pas\">\
         <span id=\"skala\">100%</span><span class=\"tersembunyi\"> (kembali ke ukuran semula)</span></button> \
         <button type=\"button\" class=\"kecil-tombol\" id=\"perbesar\" aria-label=\"Perbesar lembar\">+</button></div>\
         <div class=\"lembar gulir\" id=\"lembar-draf\"><p class=\"tunggu\">Sedang membuat pratinjau…</p></div></div></div>\
         <div class=\"berita\" id=\"berita\" hidden></div>",
        url_path(&e.id),
        escape(&e.nama)
    );
    page(
        &format!("Ubah {} — sopan", e.nama),
        &format!(" data-ubah=\"{}\"", escape(&e.id)),
        &body,
        Some(who),
    )
}

/// The badge of an SOP's stage in the approval flow: nothing for a konsep never
/// approved; "berubah sejak disahkan" for a revision.
fn lencana_alur(k: Option<&Keadaan>) -> String {
    let Some(k) = k else {
        return String::new();
    };
    let (kelas, teks) = match k.tahap {
        Tahap::Konsep if k.revisi() => ("berubah", "berubah sejak disahkan"),
        Tahap::Konsep => return String::new(),
        t => (t.nama(), t.nama()),
    };
    format!(" <span class=\"lencana {kelas}\">{teks}</span>")
}

/// The list of SOPs, replaced in place when anything is rendered again.
pub fn index_list(cat: &Catalogue, alur: &Alur) -> String {
    let mut rows = String::new();
    for e in cat.entries.values() {
        let cari = format!("{} {}", e.nomor, e.nama).to_lowercase();
        let keadaan = if e.errors.is_some() {
            "<span class=\"lencana galat\">ada kesalahan</span>".to_string()
        } else if e.pending {
            "<span class=\"kecil\">sedang dibuat…</span>".to_string()
        } else if e.review.is_empty() {
            "<span class=\"kecil\">lengkap</span>".to_string()
        } else {
            format!("<span class=\"kecil\">{} catatan</span>", e.review.len())
        };
        let _ = write!(
            rows,
            "<tr data-cari=\"{}\"><td class=\"nomor\">{}</td>\
             <td><a href=\"/sop/{}\">{}</a><div class=\"kecil\">{}</div></td>\
             <td>{}{}</td><td>{}</td></tr>",
            escape(&cari),
            escape(&e.nomor),
            url_path(&e.id),
            escape(&e.nama),
            escape(e.bab()),
            badge(e.status()),
            lencana_alur(alur.get(&e.id)),
            keadaan
        );
    }
    format!(
        "<div class=\"gulir\"><table class=\"katalog\"><thead><tr><th>Nomor SOP</th><th>Nama SOP</th>\
         <th>Status</th><th>Keadaan</th></tr></thead><tbody>{rows}</tbody></table></div>\
         <p id=\"kosong\" class=\"kecil\" hidden>Tidak ada SOP yang cocok.</p>"
    )
}

/// An SOP's page, with "Ubah di formulir" when the form editor may be offered (`edit`),
/// and its stage in the approval flow (`alur`).
pub fn sop_page(e: &Entry, edit: bool, alur: Option<&Tahapan>) -> String {
    shell(
        &format!("{} — pratinjau", e.nama),
        Some(&e.id),
        &format!("<main id=\"isi\">{}</main>", sop_body(e, edit, alur)),
    )
}

/// The body of an SOP's page, replaced in place after every render: its header (with
/// "Unduh PDF", and "Ubah di formulir" when `edit`), diagnostics, pages, its stage in the
/// approval flow and the review.
pub fn sop_body(e: &Entry, edit: bool, alur: Option<&Tahapan>) -> String {
    let mut out = String::new();
    let mut aksi = String::new();
    if edit {
        let _ = write!(
            aksi,
            "<a class=\"tombol kedua\" id=\"ubah\" href=\"/sop/{}/ubah\">Ubah di formulir</a>",
            url_path(&e.id)
        );
    }
    if e.good.is_some() {
        let _ = write!(
            aksi,
            "<a class=\"tombol\" href=\"/sop/{}/unduh.pdf\" download=\"{}\">Unduh PDF</a>",
            url_path(&e.id),
            escape(&e.pdf_name())
        );
    }
    let _ = write!(
        out,
        "<header class=\"kepala\"><div><a class=\"kembali\" href=\"/\">&larr; Daftar SOP</a>\
         <h1>{}</h1><p class=\"nomor\">{} {}{}</p></div><div class=\"aksi\">{aksi}</div></header>",
        escape(&e.nama),
        escape(&e.nomor),
        badge(e.status()),
        lencana_alur(alur.map(|t| &t.keadaan))
    );
    if let Some(errors) = &e.errors {
        let tetap = if e.good.is_some() {
            "Halaman di bawah adalah hasil terakhir yang benar; perbaiki berkas lalu simpan."
        } else {
            "Belum ada hasil yang benar untuk ditampilkan; perbaiki berkas lalu simpan."
        };
        let _ = write!(
            out,
            "<section class=\"galat\" id=\"galat\"><h2>Berkas ini berisi kesalahan</h2>\
             <p>{tetap}</p><pre>{}</pre></section>",
            escape(errors)
        );
    }
    out.push_str("<div class=\"tata\"><div class=\"lembar\" id=\"halaman\">");
    match &e.good {
        Some(good) => {
            let total = good.svgs.len();
            for n in 1..=total {
                let _ = write!(
                    out,
                    "<figure><img src=\"/sop/{}/halaman/{n}.svg?v={}\" alt=\"Halaman {n} dari {total}\" \
                     width=\"842\"><figcaption>Halaman {n} dari {total}</figcaption></figure>",
                    url_path(&e.id),
                    e.version
                );
            }
        }
        None if e.pending => out.push_str("<p class=\"tunggu\">Sedang membuat pratinjau…</p>"),
        None => {}
    }
    out.push_str("</div>");
    out.push_str(&review_panel(e, alur));
    out.push_str("</div>");
    out
}

/// The SOP's stage in the approval flow: who moved it last, its approval and code, and
/// what changed since it was approved.
fn alur_panel(t: &Tahapan) -> String {
    let k = &t.keadaan;
    let mut out = String::from(
        "<section class=\"alur-panel\" id=\"pengesahan\" aria-labelledby=\"pengesahan-judul\">\
         <h2 id=\"pengesahan-judul\">Pengesahan</h2>",
    );
    let _ = write!(
        out,
        "<p><span class=\"lencana {0}\">{0}</span> {1}</p>",
        k.tahap.nama(),
        escape(k.tahap.keterangan())
    );
    if let Some(p) = &t.pemegang {
        let _ = write!(
            out,
            "<p id=\"pemegang\">Sekarang di tangan {}.</p>",
            escape(p)
        );
    }
    if let Some(t) = &k.terakhir {
        let _ = write!(
            out,
            "<p class=\"kecil\">Terakhir: {} oleh {}, {}.</p>",
            escape(&t.ringkasan),
            escape(&t.pengguna),
            escape(&keadaan::waktu_cetak(&t.waktu))
        );
    }
    if let Some(d) = &k.disahkan {
        let _ = write!(
            out,
            "<p>Disahkan oleh {} ({}) pada {}. Kode verifikasi \
             <a href=\"/verifikasi/{3}\">{3}</a>.</p>",
            escape(&d.jabatan),
            escape(&d.penanda.nama),
            escape(&keadaan::waktu_cetak(&d.disahkan)),
            escape(&d.kode)
        );
    }
    if k.revisi() {
        let items: String = k
            .berubah
            .iter()
            .map(|b| format!("<li>{}</li>", escape(b)))
            .collect();
        let _ = write!(
            out,
            "<div class=\"berubah\" id=\"berubah\"><p><strong>Sudah berubah sejak disahkan.</strong> \
             Lembar ini tidak lagi tampil sebagai disahkan:</p><ul>{items}</ul>\
             <p class=\"kecil\">Perubahan ini memulai revisi. Ajukan revisinya; tanggal revisi \
             diisi saat revisi itu disahkan.</p></div>"
        );
    } else if !k.berubah.is_empty() {
        let items: String = k
            .berubah
            .iter()
            .map(|b| format!("<li>{}</li>", escape(b)))
            .collect();
        let _ = write!(
            out,
            "<div class=\"berubah\" id=\"berubah\"><p><strong>Berubah sejak diajukan:</strong></p>\
             <ul>{items}</ul></div>"
        );
    }
    out.push_str("</section>");
    out
}

fn review_panel(e: &Entry, alur: Option<&Tahapan>) -> String {
    let mut out = String::from("<aside class=\"tinjauan\" id=\"tinjauan\">");
    if let Some(t) = alur.filter(|t| t.keadaan.terakhir.is_some() || t.keadaan.disahkan.is_some()) {
        out.push_str(&alur_panel(t));
    }
    out.push_str("<h2>Sebelum pengesahan</h2>");
    if e.good.is_none() {
        out.push_str("<p class=\"kecil\">Daftar tinjauan muncul setelah berkas dapat dibaca.</p>");
    } else if e.review.is_empty() {
        out.push_str("<p class=\"lengkap\">Lengkap: tidak ada catatan.</p>");
    } else {
        let _ = write!(
            out,
            "<p class=\"kecil\">{} hal masih perlu dilengkapi atau diperiksa:</p>",
            e.review.len()
        );
        for kelompok in [
            Kelompok::Tebakan,
            Kelompok::Pengesahan,
            Kelompok::Identitas,
            Kelompok::Alur,
        ] {
            let items: Vec<String> = e
                .review
                .iter()
                .filter(|t| t.kelompok() == kelompok)
                .map(|t| format!("<li>{}</li>", code_spans(&escape(&t.to_string()))))
                .collect();
            if !items.is_empty() {
                let _ = write!(
                    out,
                    "<h3>{}</h3><ul>{}</ul>",
                    kelompok.judul(),
                    items.concat()
                );
            }
        }
    }
    if !e.warnings.trim().is_empty() {
        let _ = write!(
            out,
            "<h3>Peringatan</h3><pre class=\"peringatan\">{}</pre>",
            escape(&e.warnings)
        );
    }
    out.push_str("</aside>");
    out
}

/// The public verification page of an approval: what the QR code of a signed sheet
/// opens. No login; it shows the SOP, who signed and when, the status today and the
/// archived PDF.
pub fn verifikasi_page(c: &arsip::Catatan, today: &Berlaku) -> String {
    let (kelas, keterangan) = match today {
        Berlaku::Berlaku => (
            "berlaku",
            "SOP ini berlaku dan isinya masih sama dengan yang disahkan.".to_string(),
        ),
        Berlaku::Dicabut => ("dicabut", "SOP ini sudah dicabut.".to_string()),
        Berlaku::Diganti(oleh) => (
            "diganti",
            format!("SOP ini sudah diganti oleh SOP nomor {oleh}."),
        ),
        Berlaku::Direvisi { disahkan, kode } => (
            "diganti",
            format!(
                "SOP ini sudah diganti oleh revisinya yang disahkan pada {} (kode verifikasi {kode}).",
                keadaan::waktu_cetak(disahkan)
            ),
        ),
        Berlaku::Berubah(list) => (
            "berubah",
            format!(
                "Isi SOP sudah berubah sejak disahkan ({}); perubahan itu belum disahkan.",
                list.join(", ")
            ),
        ),
        Berlaku::TidakDitemukan => (
            "berubah",
            "Berkas SOP ini tidak ada lagi di katalog.".to_string(),
        ),
    };
    let nip = if c.penanda.nip.is_empty() {
        String::new()
    } else {
        format!(
            "<br>NIP {}",
            escape(&crate::model::nip_resmi(&c.penanda.nip))
        )
    };
    let body = format!(
        "<main class=\"pesan verifikasi\"><p class=\"kecil\">Verifikasi SOP bertanda tangan elektronik</p>\
         <h1>{nama}</h1>\
         <p class=\"hasil {kelas}\" id=\"status-hari-ini\">Status hari ini: <strong>{status}</strong></p>\
         <p>{keterangan}</p>\
         <dl class=\"rincian\">\
         <dt>Nomor SOP</dt><dd>{nomor}</dd>\
         <dt>Nama SOP</dt><dd>{nama}</dd>\
         <dt>Disahkan oleh</dt><dd>{jabatan}<br>{penanda}{nip}</dd>\
         <dt>Tanggal pengesahan</dt><dd>{waktu}</dd>\
         <dt>Sertifikat diterbitkan oleh</dt><dd>{penerbit}</dd>\
         <dt>Kode verifikasi</dt><dd><code>{kode}</code></dd></dl>\
         <p><a class=\"tombol\" href=\"/verifikasi/{kode}/unduh.pdf\">Unduh PDF yang disahkan</a></p>\
         <p class=\"kecil\">Tanda tangan elektronik di dalam PDF dapat diperiksa dengan pembaca PDF \
         (panel tanda tangan) atau dengan perintah <code>sopan verifikasi</code>.</p></main>",
        nama = escape(&c.nama),
        status = escape(today.nama()),
        nomor = escape(&c.nomor),
        jabatan = escape(&c.jabatan),
        penanda = escape(&c.penanda.nama),
        waktu = escape(&keadaan::waktu_cetak(&c.disahkan)),
        penerbit = escape(&c.penanda.penerbit),
        kode = escape(&c.kode),
    );
    shell(&format!("Verifikasi {}", c.nama), None, &body)
}

/// The verification page of a code no approval of this catalogue has.
pub fn verifikasi_tidak_ada(kode: &str) -> String {
    shell(
        "Kode verifikasi tidak ditemukan",
        None,
        &format!(
            "<main class=\"pesan verifikasi\"><h1>Kode verifikasi tidak ditemukan</h1>\
             <p>Tidak ada SOP yang disahkan dengan kode <code>{}</code> di katalog ini.</p>\
             <p>Periksa kode yang tercetak di bawah kode QR lembar SOP: sepuluh huruf dan angka.</p>\
             <p><a href=\"/\">Ke daftar SOP</a></p></main>",
            escape(kode)
        ),
    )
}

/// A short page for a refused or unknown request.
pub fn error_page(status: u16) -> String {
    let text = match status {
        400 => "Permintaan tidak dapat dibaca.",
        403 => "Akses ditolak: pratinjau hanya menampilkan isi katalog ini.",
        404 => "Halaman tidak ditemukan.",
        405 => "Cara permintaan ini tidak dilayani di alamat ini.",
        411 => "Panjang isi permintaan tidak disebutkan.",
        413 => "Isi permintaan terlalu besar.",
        415 => "Isi permintaan harus JSON.",
        431 => "Kepala permintaan terlalu panjang.",
        503 => "Terlalu banyak permintaan; coba lagi sebentar.",
        _ => "Terjadi kesalahan.",
    };
    shell(
        &format!("{status}"),
        None,
        &format!(
            "<main class=\"pesan\"><h1>{status}</h1><p>{text}</p><p><a href=\"/\">Ke daftar SOP</a></p></main>"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_ids_encoded() {
        assert_eq!(
            escape("<b a=\"x\">&'"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(url_path("bab satu/lakip"), "bab%20satu/lakip");
        assert_eq!(code_spans("isi `nip` di"), "isi <code>nip</code> di");
        assert_eq!(code_spans("satu ` saja"), "satu ` saja");
        assert_eq!(url_path("perencanaan/lakip"), "perencanaan/lakip");
    }
}
