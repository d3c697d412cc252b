//! Logging in to an office server (`sopan preview --host 0.0.0.0`) the way browsers
//! really post: the login form's POST carries the page's origin (or `Origin: null`
//! beside `Sec-Fetch-Site: same-origin`), and a post from another site is refused.
//! Then a whole login, edit and save, typed into headless Chromium and Firefox.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::common::{SANDI_SARI, office};
use crate::peramban::{Browser, Chromium, Firefox, Key};
use crate::preview::{Reply, catalogue, send, wait_rendered};
use sopan::editor::riwayat;

fn loopback(addr: SocketAddr) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], addr.port()))
}

fn login(addr: SocketAddr, headers: &str) -> Reply {
    send(
        addr,
        "POST",
        "/masuk",
        &format!(
            "Host: 10.1.2.3:{}\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\n",
            addr.port()
        ),
        format!("nama=sari&sandi={SANDI_SARI}").as_bytes(),
    )
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn a_login_posted_with_origin_null_and_fetch_metadata_is_accepted() {
    let dir = catalogue("masuk-http", &["lakip"]);
    let server = office(&dir);
    let addr = loopback(server.addr());
    wait_rendered(addr);
    let page = send(
        addr,
        "GET",
        "/masuk",
        &format!("Host: 10.1.2.3:{}\r\n", addr.port()),
        b"",
    );
    // The page's policy keeps its origin on same-origin posts (no-referrer made every
    // browser send `Origin: null`).
    assert_eq!(header(&page, "Referrer-Policy"), Some("same-origin"));

    let own = format!("Origin: http://10.1.2.3:{}\r\n", addr.port());
    let accepted = [
        "Origin: null\r\nSec-Fetch-Site: same-origin\r\n".to_string(),
        format!("{own}Sec-Fetch-Site: same-origin\r\n"),
        own.clone(),
        "Sec-Fetch-Site: same-origin\r\n".to_string(),
    ];
    for headers in &accepted {
        let r = login(addr, headers);
        assert_eq!(r.status, 303, "{headers}{}", r.text());
        assert!(
            header(&r, "Set-Cookie").is_some_and(|c| c.starts_with("sopan_sesi=")),
            "{}",
            r.head
        );
    }
    let refused = [
        "Origin: http://evil.example\r\n".to_string(),
        "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n".to_string(),
        "Sec-Fetch-Site: cross-site\r\n".to_string(),
        "Sec-Fetch-Site: same-site\r\n".to_string(),
        format!("{own}Sec-Fetch-Site: cross-site\r\n"),
        "Origin: null\r\n".to_string(),
        "Origin: null\r\nSec-Fetch-Site: cross-site\r\n".to_string(),
    ];
    for headers in &refused {
        let r = login(addr, headers);
        assert_eq!(r.status, 403, "{headers}{}", r.text());
        assert!(header(&r, "Set-Cookie").is_none(), "{}", r.head);
    }

    // The logout form, posted the same way, ends the session.
    let r = login(addr, &accepted[0]);
    let cookie = header(&r, "Set-Cookie")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let r = send(
        addr,
        "POST",
        "/keluar",
        &format!(
            "Host: 10.1.2.3:{}\r\nCookie: {cookie}\r\nOrigin: null\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 0\r\n",
            addr.port()
        ),
        b"",
    );
    assert_eq!(r.status, 303, "{}", r.text());
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Logs in by typing into the login form and pressing Enter, then changes the SOP's
/// name in the form and saves it with a click, all as a person would.
fn login_edit_and_save(b: &mut impl Browser, base: &str, nama: &str) {
    b.open(&format!("{base}/masuk"));
    b.click("input[name=nama]");
    b.type_text("sari");
    b.press(Key::Tab);
    b.type_text(SANDI_SARI);
    b.press(Key::Enter);
    b.wait_for(
        &format!(
            "location.href === {} && document.readyState === 'complete' && !!document.getElementById('keluar')",
            serde_json::Value::String(format!("{base}/"))
        ),
        Duration::from_secs(20),
    );

    b.open(&format!("{base}/sop/perencanaan/lakip/ubah"));
    b.wait_for(
        "document.body.dataset.siap === 'ya' && !!document.querySelector('#lembar-draf img')",
        Duration::from_secs(30),
    );
    b.click("#f-nama");
    b.eval("document.getElementById('f-nama').select()");
    b.type_text(nama);
    b.wait_for(
        "!document.getElementById('simpan').disabled",
        Duration::from_secs(10),
    );
    b.click("#simpan");
    b.wait_for(
        "document.body.dataset.simpan === '1' && document.getElementById('keadaan').textContent === 'Tersimpan'",
        Duration::from_secs(30),
    );
}

#[test]
fn chromium_logs_in_on_an_office_server_then_edits_and_saves() {
    let dir = catalogue("masuk-chromium", &["lakip"]);
    let server = office(&dir);
    let base = format!("http://{}", loopback(server.addr()));
    wait_rendered(loopback(server.addr()));
    let mut b = Chromium::launch("masuk");
    login_edit_and_save(&mut b, &base, "LAKIP DARI CHROMIUM");
    saved_by_sari(&dir, "LAKIP DARI CHROMIUM");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn firefox_logs_in_on_an_office_server_then_edits_and_saves() {
    let dir = catalogue("masuk-firefox", &["lakip"]);
    let server = office(&dir);
    let base = format!("http://{}", loopback(server.addr()));
    wait_rendered(loopback(server.addr()));
    let mut b = Firefox::launch("masuk");
    login_edit_and_save(&mut b, &base, "LAKIP DARI FIREFOX");
    saved_by_sari(&dir, "LAKIP DARI FIREFOX");
    drop(b);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The file holds the new name, and the history says `sari` saved it.
fn saved_by_sari(dir: &Path, nama: &str) {
    let text = std::fs::read_to_string(dir.join("perencanaan/lakip.toml")).unwrap();
    assert!(text.contains(&format!("nama = \"{nama}\"")), "{text}");
    let history = riwayat::read(dir).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].pengguna, "sari");
}
