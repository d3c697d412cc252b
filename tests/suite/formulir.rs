//! The form as a clerk uses it all day, in headless Chromium with real pointer presses
//! and typing: no click swallowed after typing, no typed work lost to someone else's
//! save, no red errors on a new form, no joint step by accident, and undo for what a
//! click deleted.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::peramban::{Browser, Chromium, Key};
use crate::preview::{catalogue, start, wait_rendered};

fn open_form(b: &mut Chromium, url: &str) {
    b.open(url);
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img')",
        Duration::from_secs(30),
    );
}

/// Clicks into the field `selector`, selects what it holds and types `text` over it.
fn type_into(b: &mut Chromium, selector: &str, text: &str) {
    b.click(selector);
    b.eval(&format!(
        "document.querySelector({}).select()",
        Value::String(selector.to_string())
    ));
    b.type_text(text);
}

fn count(b: &mut Chromium, selector: &str) -> u64 {
    b.eval(&format!(
        "document.querySelectorAll({}).length",
        Value::String(selector.to_string())
    ))
    .as_u64()
    .unwrap()
}

/// Waits until the draft answered the last change, then for the save to land.
fn save(b: &mut Chromium, n: usize) {
    b.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(10),
    );
    b.click("#simpan");
    b.wait_for(
        &format!(
            "document.body.dataset.simpan === '{n}' && document.getElementById('keadaan').textContent === 'Tersimpan'"
        ),
        Duration::from_secs(30),
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_click_after_typing_a_pelaksana_name_is_never_swallowed() {
    let dir = catalogue("klik", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("klik", 1366, 768);
    open_form(&mut b, &format!("http://{addr}/sop/perencanaan/lakip/ubah"));
    let rows = "[data-jalur='pelaksana'] input[data-ikat]";
    let before = count(&mut b, rows);
    for (n, name) in [
        "Staf Umum",
        "Bendahara",
        "Pengelola Arsip",
        "Operator",
        "Kepala Seksi",
    ]
    .iter()
    .enumerate()
    {
        // One click on "+ Tambah pelaksana" while the last typed name still has focus.
        b.click("#t0-tambah-pelaksana");
        let want = before + n as u64 + 1;
        assert_eq!(
            count(&mut b, rows),
            want,
            "round {n}: the click was swallowed"
        );
        assert_eq!(
            b.eval("document.activeElement.id"),
            format!("t0-pelaksana-{}", want - 1),
            "round {n}: the new row has the cursor"
        );
        b.type_text(name);
    }
    let names = b.eval(&format!(
        "Array.from(document.querySelectorAll(\"{rows}\")).slice({before}).map(i => i.value)"
    ));
    assert_eq!(
        names,
        serde_json::json!([
            "Staf Umum",
            "Bendahara",
            "Pengelola Arsip",
            "Operator",
            "Kepala Seksi"
        ])
    );
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_new_form_shows_what_is_still_needed_quietly_not_as_errors() {
    let dir = catalogue("baru-tenang", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("baru-tenang", 1366, 768);
    b.open(&format!("http://{addr}/"));
    b.click("#baru summary");
    b.click("#form-baru select[name=bab]");
    b.eval("const s = document.querySelector('#form-baru select[name=bab]'); s.value = 'perencanaan'; s.dispatchEvent(new Event('change'))");
    // The file name comes from the SOP's name, spaces and all.
    b.click("#form-baru input[name=nama]");
    b.type_text("Penyusunan Renstra 2025");
    assert_eq!(
        b.eval("document.querySelector('#form-baru input[name=berkas]').value"),
        "penyusunan-renstra-2025"
    );
    b.click("#form-baru button[type=submit]");
    b.wait_for(
        "location.pathname === '/sop/perencanaan/penyusunan-renstra-2025/ubah' \
         && document.body.dataset.siap === 'ya' && document.body.dataset.draf === 'siap'",
        Duration::from_secs(30),
    );
    assert_eq!(
        b.eval("document.getElementById('f-nama').value"),
        "Penyusunan Renstra 2025"
    );
    assert_eq!(count(&mut b, ".pesan-bidang.salah, [aria-invalid=true]"), 0);
    assert_eq!(b.eval("document.getElementById('catatan').hidden"), true);
    let needed = b.eval("document.getElementById('perlu').innerText");
    for want in ["Isi Nomor SOP.", "Tambahkan pelaksana"] {
        assert!(
            needed.as_str().is_some_and(|t| t.contains(want)),
            "{want}: {needed}"
        );
    }
    for toml in ["[[langkah]]", "\"nomor\"", ".toml:", "tanpa tanda kutip"] {
        assert!(
            !needed.as_str().unwrap_or_default().contains(toml),
            "{needed}"
        );
    }
    // Once touched and left empty, the field's own message stands beside it, in the
    // form's words.
    b.click("#f-nomor");
    b.type_text("1");
    b.press(Key::Backspace);
    b.wait_for(
        "document.getElementById('f-nomor').getAttribute('aria-invalid') === 'true'",
        Duration::from_secs(30),
    );
    assert_eq!(
        b.eval("document.querySelector('[data-jalur=nomor] .pesan-bidang.salah').textContent"),
        "Isi Nomor SOP."
    );
    b.screenshot("formulir-baru-tenang");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_new_step_has_one_pelaksana_and_a_joint_step_is_made_on_purpose() {
    let dir = catalogue("bersama", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("bersama", 1366, 768);
    open_form(&mut b, &format!("http://{addr}/sop/perencanaan/lakip/ubah"));
    b.click("#t0-tambah-langkah");
    b.type_text("Mengarsipkan LAKIP");
    let last = "document.querySelectorAll('fieldset.langkah')[document.querySelectorAll('fieldset.langkah').length - 1]";
    let choices = format!("{last}.querySelectorAll('.centang input')");
    assert_eq!(
        b.eval(&format!(
            "Array.from({choices}).every(i => i.type === 'radio')"
        )),
        true
    );
    // Picking another pelaksana replaces the first: one choice, never a joint step.
    let other = b.eval(&format!(
        "(() => {{ const i = Array.from({choices}).find(i => !i.checked); return '#' + i.id; }})()"
    ));
    b.click(other.as_str().unwrap());
    assert_eq!(
        b.eval(&format!(
            "Array.from({choices}).filter(i => i.checked).length"
        )),
        1
    );
    // "+ Pelaksana bersama" makes it joint, on purpose, and says so.
    let joint = b.eval(&format!(
        "'#' + {last}.querySelector('button[data-aksi=bersama]').id"
    ));
    b.click(joint.as_str().unwrap());
    let second = b.eval(&format!(
        "(() => {{ const i = Array.from({choices}).find(i => !i.checked); return '#' + i.id; }})()"
    ));
    b.click(second.as_str().unwrap());
    b.wait_for(
        &format!("{last}.querySelector('legend').textContent.includes('bersama')"),
        Duration::from_secs(5),
    );
    save(&mut b, 1);
    let text = read(&path);
    let tail = &text[text.rfind("[[langkah]]").unwrap()..];
    assert!(tail.contains("kegiatan = \"Mengarsipkan LAKIP\""), "{tail}");
    assert!(tail.contains("pelaksana = ["), "a joint step: {tail}");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn undo_restores_a_deleted_step_with_its_decision_target() {
    let dir = catalogue("urung", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let before = read(&path);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("urung", 1366, 768);
    open_form(&mut b, &format!("http://{addr}/sop/perencanaan/lakip/ubah"));
    // Step 3 becomes a decision whose "Tidak" goes back to step 2 (a select chosen
    // as the keyboard chooses: value, then change).
    let choose = |b: &mut Chromium, select: &str, pick: &str| {
        b.eval(&format!(
            "(() => {{ const s = {select}; const o = Array.from(s.options).find(o => o.text.startsWith({pick})); \
               s.value = o.value; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
            pick = Value::String(pick.to_string())
        ));
    };
    choose(
        &mut b,
        "document.querySelectorAll('fieldset.langkah')[2].querySelector('select[data-pilih=jenis]')",
        "Keputusan",
    );
    choose(
        &mut b,
        "document.querySelectorAll('fieldset.langkah')[2].querySelector('select[data-pilih=tidak]')",
        "Langkah 2",
    );
    let i = 2;
    let step = format!("document.querySelectorAll('fieldset.langkah')[{i}]");
    let target = b.eval(&format!(
        "(() => {{ const s = {step}.querySelector('select[data-pilih=tidak]'); return s.options[s.selectedIndex].text; }})()"
    ));
    let kegiatan = b.eval(&format!(
        "{step}.querySelector('textarea[data-ikat$=kegiatan]').value"
    ));
    let steps = count(&mut b, "fieldset.langkah");
    let delete = b.eval(&format!(
        "'#' + {step}.querySelector('button[data-aksi=hapus-langkah]').id"
    ));
    b.click(delete.as_str().unwrap());
    assert_eq!(count(&mut b, "fieldset.langkah"), steps - 1);
    // A second deletion, undone with Ctrl+Z (focus is on a button, not in a text box).
    let delete = b.eval("'#' + document.querySelectorAll('fieldset.langkah')[0].querySelector('button[data-aksi=hapus-langkah]').id");
    b.click(delete.as_str().unwrap());
    assert_eq!(count(&mut b, "fieldset.langkah"), steps - 2);
    b.eval("document.getElementById('urungkan').focus()");
    b.press(Key::CtrlZ);
    assert_eq!(count(&mut b, "fieldset.langkah"), steps - 1);
    // The first deletion, undone with the button.
    b.click("#urungkan");
    assert_eq!(count(&mut b, "fieldset.langkah"), steps);
    assert_eq!(
        b.eval(&format!(
            "{step}.querySelector('textarea[data-ikat$=kegiatan]').value"
        )),
        kegiatan
    );
    assert_eq!(
        b.eval(&format!(
            "(() => {{ const s = {step}.querySelector('select[data-pilih=tidak]'); return s.options[s.selectedIndex].text; }})()"
        )),
        target
    );
    assert!(
        target.as_str().is_some_and(|t| t.starts_with("Langkah 2")),
        "{target}"
    );
    // Two undos more take back the decision itself: the form is as loaded.
    b.click("#urungkan");
    b.click("#urungkan");
    assert_eq!(b.eval("document.getElementById('urungkan').disabled"), true);
    assert_eq!(b.eval("document.getElementById('simpan').disabled"), true);
    assert_eq!(read(&path), before);
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_clerks_editing_different_fields_both_land_in_the_file() {
    let dir = catalogue("dua-bidang", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let url = format!("http://{addr}/sop/perencanaan/lakip/ubah");
    let mut first = Chromium::launch_sized("dua-bidang-a", 1366, 768);
    let mut second = Chromium::launch_sized("dua-bidang-b", 1366, 768);
    open_form(&mut first, &url);
    open_form(&mut second, &url);
    type_into(&mut first, "#f-nama", "PENYUSUNAN LAKIP TAHUNAN");
    save(&mut first, 1);
    let kegiatan = "document.querySelectorAll('fieldset.langkah')[0].querySelector('textarea[data-ikat$=kegiatan]')";
    let id = second.eval(&format!("'#' + {kegiatan}.id"));
    type_into(
        &mut second,
        id.as_str().unwrap(),
        "Membentuk tim penyusun LAKIP tahunan",
    );
    second.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(10),
    );
    second.click("#simpan");
    second.wait_for(
        "document.body.dataset.bentrok === 'ya' && document.body.dataset.draf === 'siap'",
        Duration::from_secs(30),
    );
    // Nothing to pick: the form now holds both changes, and says so.
    assert_eq!(count(&mut second, "#bentrok .pilih-bentrok"), 0);
    assert_eq!(
        second.eval("document.getElementById('f-nama').value"),
        "PENYUSUNAN LAKIP TAHUNAN"
    );
    assert_eq!(
        second.eval(&format!("{kegiatan}.value")),
        "Membentuk tim penyusun LAKIP tahunan"
    );
    second.screenshot("formulir-digabung");
    second.click("#simpan");
    second.wait_for(
        "document.body.dataset.simpan === '1' && document.getElementById('keadaan').textContent === 'Tersimpan'",
        Duration::from_secs(30),
    );
    let text = read(&path);
    assert!(
        text.contains("nama = \"PENYUSUNAN LAKIP TAHUNAN\""),
        "{text}"
    );
    assert!(
        text.contains("\"Membentuk tim penyusun LAKIP tahunan\""),
        "{text}"
    );
    drop((first, second));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_clerks_editing_the_same_field_the_second_sees_both_and_picks() {
    let dir = catalogue("satu-bidang", &["lakip"]);
    let path = dir.join("perencanaan/lakip.toml");
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let url = format!("http://{addr}/sop/perencanaan/lakip/ubah");
    let mut first = Chromium::launch_sized("satu-bidang-a", 1366, 768);
    let mut second = Chromium::launch_sized("satu-bidang-b", 1366, 768);
    open_form(&mut first, &url);
    open_form(&mut second, &url);
    type_into(&mut first, "#f-nama", "LAKIP VERSI PERTAMA");
    save(&mut first, 1);
    type_into(&mut second, "#f-nama", "LAKIP VERSI KEDUA");
    type_into(&mut second, "#dasar_hukum-0", "UU No. 1 Tahun 2024");
    second.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(10),
    );
    second.click("#simpan");
    second.wait_for(
        "document.body.dataset.pilih === 'ya'",
        Duration::from_secs(30),
    );
    // Both values shown, for the Nama SOP alone; the clerk's own is chosen until changed.
    let shown = second.eval("document.querySelector('#bentrok .pilih-bentrok').innerText");
    for want in ["Nama SOP", "LAKIP VERSI KEDUA", "LAKIP VERSI PERTAMA"] {
        assert!(
            shown.as_str().is_some_and(|t| t.contains(want)),
            "{want}: {shown}"
        );
    }
    assert_eq!(count(&mut second, "#bentrok .pilih-bentrok"), 1);
    assert_eq!(
        second.eval("document.getElementById('simpan').disabled"),
        true
    );
    second.screenshot("formulir-pilih");
    // The clerk keeps the file's value for the name; their grid change stays.
    second.click("#bentrok .pilih-bentrok input[value=berkas]");
    second.click("#terapkan-pilihan");
    assert_eq!(
        second.eval("document.getElementById('f-nama').value"),
        "LAKIP VERSI PERTAMA"
    );
    second.click("#simpan");
    second.wait_for(
        "document.body.dataset.simpan === '1' && document.getElementById('keadaan').textContent === 'Tersimpan'",
        Duration::from_secs(30),
    );
    let text = read(&path);
    assert!(text.contains("nama = \"LAKIP VERSI PERTAMA\""), "{text}");
    assert!(text.contains("UU No. 1 Tahun 2024"), "{text}");
    drop((first, second));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The notice bar ("Butir dihapus. Urungkan") was drawn as an empty dark pill over the
/// sheet whenever it had nothing to say: its `display: flex` beat the `hidden`
/// attribute.
#[test]
fn the_empty_notice_bar_is_not_drawn_over_the_sheet() {
    let dir = catalogue("berita", &["lakip"]);
    let server = start(&dir);
    let addr = server.addr();
    wait_rendered(addr);
    let mut b = Chromium::launch_sized("berita", 1366, 768);
    open_form(&mut b, &format!("http://{addr}/sop/perencanaan/lakip/ubah"));
    let shown = "getComputedStyle(document.getElementById('berita')).display";
    assert_eq!(b.eval(shown), "none");
    b.click("[data-jalur=dasar_hukum] button[data-aksi='hapus']");
    b.wait_for(
        "getComputedStyle(document.getElementById('berita')).display === 'flex'",
        Duration::from_secs(10),
    );
    assert!(
        b.eval("document.getElementById('berita').textContent")
            .as_str()
            .is_some_and(|t| t.contains("Urungkan")),
    );
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
