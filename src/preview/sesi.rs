//! Who may edit: on a loopback preview, whoever uses this computer; on an office server
//! (a non-loopback `--host`), a person logged in with an account of
//! [`crate::editor::akun`]. Sessions are kept in memory behind an HttpOnly,
//! SameSite=Strict cookie; every request that changes something carries the session's
//! CSRF token; failed logins are slowed down ([`super::throttle`]). A session ends after
//! [`IDLE`] unused or [`LIFETIME`] after its login, and at once when its account is
//! removed or gets a new password: every request checks the account's stamp.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::throttle::Throttle;
use crate::editor::akun::{self, Akun};

/// The session cookie's name over HTTP.
pub const COOKIE: &str = "sopan_sesi";

/// The session cookie's name over HTTPS: a browser keeps a `__Host-` cookie to this
/// host, path `/` and HTTPS only, and refuses one set otherwise.
pub const COOKIE_TLS: &str = "__Host-sopan_sesi";

/// The session cookie's name for a request over HTTPS (`secure`) or HTTP.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { COOKIE_TLS } else { COOKIE }
}

/// A `Set-Cookie` value holding session `value` (empty: the session ends), `Secure`
/// over HTTPS.
pub fn set_cookie(value: &str, secure: bool) -> String {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict",
        cookie_name(secure)
    );
    if value.is_empty() {
        c += "; Max-Age=0";
    }
    if secure {
        c += "; Secure";
    }
    c
}

/// A session unused this long ends.
pub const IDLE: Duration = Duration::from_secs(8 * 3600);

/// A session this old ends, however busy (OWASP Session Management: absolute timeout).
pub const LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The most sessions kept; the oldest go first.
const MAX_SESSIONS: usize = 1000;

/// Who is asking: a name for the history, and the token their changes must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// The account, or [`LOKAL`] on a loopback preview.
    pub pengguna: String,
    /// The CSRF token.
    pub token: String,
}

/// The name the history gives saves from a loopback preview.
pub const LOKAL: &str = "(komputer ini)";

struct Session {
    pengguna: String,
    token: String,
    seen: Instant,
    /// When the person logged in.
    born: Instant,
    /// The account's password stamp at login ([`Akun::stempel`]).
    stempel: String,
}

/// The accounts file as last read: what identifies that version of the file, and each
/// account's stamp.
type Stamps = (Option<FileKey>, HashMap<String, String>);

/// What tells one version of the accounts file from another: it is replaced, never
/// written in place, so a new version is a new file.
type FileKey = (std::time::SystemTime, u64, u64);

/// Why a login failed.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginError {
    /// Wrong name or password.
    Wrong,
    /// Too many failures: try again after this long.
    Wait(Duration),
    /// The accounts file cannot be read.
    Accounts(String),
}

/// The guard of one preview server.
pub struct Guard {
    /// The catalogue whose accounts count; `None` on loopback (no login).
    accounts: Option<PathBuf>,
    /// The token of a loopback preview: one for the computer.
    local: Who,
    /// Host names (besides IP addresses) a non-loopback server answers to.
    names: Vec<String>,
    sessions: Mutex<HashMap<String, Session>>,
    throttle: Throttle,
    /// The accounts' stamps, read again when the file changes.
    stamps: Mutex<Option<Stamps>>,
}

/// A new random token: 32 bytes, hex.
pub fn token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: a token nobody can guess cannot be made; one that
        // matches nothing keeps every session and change refused.
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Guard {
    /// A guard for a server on loopback (no accounts) or for the catalogue at `root`.
    pub fn new(loopback: bool, root: PathBuf, names: Vec<String>) -> Self {
        Self {
            accounts: (!loopback).then_some(root),
            local: Who {
                pengguna: LOKAL.into(),
                token: token(),
            },
            names: names.into_iter().map(|n| n.to_ascii_lowercase()).collect(),
            sessions: Mutex::new(HashMap::new()),
            throttle: Throttle::default(),
            stamps: Mutex::new(None),
        }
    }

    /// Whether editing needs a login.
    pub fn needs_login(&self) -> bool {
        self.accounts.is_some()
    }

    /// Whether a Host header is one this server answers to (against DNS rebinding): on
    /// loopback only this computer's names; on a network an IP address or a name given
    /// with `--nama-host`.
    pub fn host_ok(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or("")
        } else {
            host.rsplit_once(':').map_or(host, |(n, _)| n)
        }
        .to_ascii_lowercase();
        let ip = name.parse::<IpAddr>();
        if self.accounts.is_none() {
            return name == "localhost" || ip.is_ok_and(|ip| ip.is_loopback());
        }
        ip.is_ok() || name == "localhost" || self.names.contains(&name)
    }

    /// Who sent a request with this session cookie: on loopback always this computer.
    /// A session ends when it was unused for [`IDLE`], began [`LIFETIME`] ago, or its
    /// account is gone or has a new password.
    pub fn who(&self, cookie: Option<&str>) -> Option<Who> {
        let Some(root) = &self.accounts else {
            return Some(self.local.clone());
        };
        let cookie = cookie?;
        let (pengguna, stempel) = {
            let sessions = self.lock_sessions();
            let s = sessions.get(cookie)?;
            (s.pengguna.clone(), s.stempel.clone())
        };
        // Read outside the sessions' lock: the file is read again only when it changed.
        let current = self.stempel(root, &pengguna);
        let mut sessions = self.lock_sessions();
        let s = sessions.get_mut(cookie)?;
        if s.seen.elapsed() > IDLE
            || s.born.elapsed() > LIFETIME
            || current.as_deref() != Some(stempel.as_str())
        {
            sessions.remove(cookie);
            return None;
        }
        s.seen = Instant::now();
        Some(Who {
            pengguna: s.pengguna.clone(),
            token: s.token.clone(),
        })
    }

    /// The current stamp of account `name` in the catalogue at `root`; `None` when the
    /// account is gone or the file cannot be read (every session then ends).
    fn stempel(&self, root: &std::path::Path, name: &str) -> Option<String> {
        let key = file_key(&akun::path(root));
        let mut stamps = self.stamps.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = stamps
            .as_ref()
            .is_some_and(|(k, _)| key.is_some() && *k == key);
        if !fresh {
            let read = Akun::open(root).ok().map(|a| {
                a.names()
                    .into_iter()
                    .filter_map(|n| Some((n.clone(), a.stempel(&n)?)))
                    .collect()
            });
            *stamps = read.map(|map| (key, map));
        }
        stamps.as_ref()?.1.get(name).cloned()
    }

    /// Checks a login; on success returns the new session's cookie value. Failures count
    /// per name and `client` (the remote address), see [`super::throttle`].
    pub fn login(&self, name: &str, password: &str, client: &str) -> Result<String, LoginError> {
        let Some(root) = &self.accounts else {
            return Err(LoginError::Wrong);
        };
        // Reserved before the password is checked: concurrent guesses all count.
        let ticket = self
            .throttle
            .reserve(name, client)
            .map_err(LoginError::Wait)?;
        let akun = match Akun::open(root) {
            Ok(a) => a,
            Err(e) => {
                ticket.undo();
                return Err(LoginError::Accounts(e.to_string()));
            }
        };
        if !akun.verify(name, password) {
            return Err(LoginError::Wrong);
        }
        let Some(stempel) = akun.stempel(name) else {
            return Err(LoginError::Wrong);
        };
        ticket.success();
        let cookie = token();
        let mut sessions = self.lock_sessions();
        sessions.retain(|_, s| s.seen.elapsed() <= IDLE && s.born.elapsed() <= LIFETIME);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.seen)
                .map(|(k, _)| k.clone())
        {
            sessions.remove(&oldest);
        }
        let now = Instant::now();
        sessions.insert(
            cookie.clone(),
            Session {
                pengguna: name.to_string(),
                token: token(),
                seen: now,
                born: now,
                stempel,
            },
        );
        Ok(cookie)
    }

    /// Ends the session with this cookie.
    pub fn logout(&self, cookie: Option<&str>) {
        if let Some(c) = cookie {
            self.lock_sessions().remove(c);
        }
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What identifies the version of the file at `path`, `None` when it is missing.
fn file_key(path: &std::path::Path) -> Option<FileKey> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    #[cfg(unix)]
    let id = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let id = 0;
    Some((meta.modified().ok()?, meta.len(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_checked_against_rebinding() {
        let local = Guard::new(true, PathBuf::from("."), Vec::new());
        assert!(local.host_ok(Some("127.0.0.1:8000")));
        assert!(local.host_ok(Some("localhost:8000")));
        assert!(local.host_ok(Some("[::1]:8000")));
        assert!(!local.host_ok(Some("evil.example:8000")));
        assert!(!local.host_ok(None));
        let office = Guard::new(false, PathBuf::from("."), vec!["SOP.dinas.local".into()]);
        assert!(office.host_ok(Some("10.0.0.5:8000")));
        assert!(office.host_ok(Some("sop.dinas.local:8000")));
        assert!(!office.host_ok(Some("evil.example:8000")));
        assert!(!office.host_ok(Some("evil.example")));
    }

    #[test]
    fn logins_make_sessions_and_failures_slow_down() {
        let dir = std::env::temp_dir().join(format!("sopan-sesi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut akun = Akun::open(&dir).unwrap();
        akun.set("sari", "rahasia-sekali-pokoknya").unwrap();
        akun.save().unwrap();
        let guard = Guard::new(false, dir.clone(), Vec::new());
        assert!(guard.needs_login());
        assert_eq!(guard.who(None), None);
        let cookie = guard
            .login("sari", "rahasia-sekali-pokoknya", "10.0.0.9")
            .unwrap();
        let who = guard.who(Some(&cookie)).unwrap();
        assert_eq!(who.pengguna, "sari");
        assert_eq!(who.token.len(), 64);
        assert_eq!(guard.who(Some("tebakan")), None);
        for _ in 0..super::super::throttle::FREE_PAIR {
            assert_eq!(
                guard.login("sari", "salah", "10.0.0.7"),
                Err(LoginError::Wrong)
            );
        }
        assert!(matches!(
            guard.login("sari", "rahasia-sekali-pokoknya", "10.0.0.7"),
            Err(LoginError::Wait(_))
        ));
        guard.logout(Some(&cookie));
        assert_eq!(guard.who(Some(&cookie)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    impl Guard {
        /// Moves every session's login and last use `by` into the past.
        fn age(&self, by: Duration) {
            for s in self.lock_sessions().values_mut() {
                s.born = s.born.checked_sub(by).unwrap();
                s.seen = s.seen.checked_sub(by.min(IDLE / 2)).unwrap();
            }
        }
    }

    #[test]
    fn sessions_end_with_their_account_or_password_and_after_twelve_hours() {
        let dir = std::env::temp_dir().join(format!("sopan-sesi-akun-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sandi = "kopi pahit di meja arsip";
        let mut akun = Akun::open(&dir).unwrap();
        akun.set("sari", sandi).unwrap();
        akun.set("budi", sandi).unwrap();
        akun.save().unwrap();
        let guard = Guard::new(false, dir.clone(), Vec::new());
        let sari = guard.login("sari", sandi, "10.0.0.9").unwrap();
        let budi = guard.login("budi", sandi, "10.0.0.9").unwrap();
        assert!(guard.who(Some(&sari)).is_some() && guard.who(Some(&budi)).is_some());
        // A new password for sari (even the same one: a new salt) ends her session.
        let mut akun = Akun::open(&dir).unwrap();
        akun.set("sari", sandi).unwrap();
        akun.save().unwrap();
        assert_eq!(guard.who(Some(&sari)), None);
        assert!(guard.who(Some(&budi)).is_some());
        // Removing budi ends his.
        let mut akun = Akun::open(&dir).unwrap();
        akun.remove("budi").unwrap();
        akun.save().unwrap();
        assert_eq!(guard.who(Some(&budi)), None);
        // A session used all day still ends twelve hours after its login.
        let sari = guard.login("sari", sandi, "10.0.0.9").unwrap();
        guard.age(LIFETIME - Duration::from_secs(60));
        assert!(guard.who(Some(&sari)).is_some());
        guard.age(Duration::from_secs(120));
        assert_eq!(guard.who(Some(&sari)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sixteen_concurrent_wrong_guesses_get_three_checks() {
        let dir = std::env::temp_dir().join(format!("sopan-sesi-serbu-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut akun = Akun::open(&dir).unwrap();
        akun.set("sari", "kopi pahit di meja arsip").unwrap();
        akun.save().unwrap();
        let guard = Guard::new(false, dir.clone(), Vec::new());
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let guard = &guard;
                    s.spawn(move || guard.login("sari", &format!("tebakan-{i}"), "10.0.0.66"))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let checked = results
            .iter()
            .filter(|r| **r == Err(LoginError::Wrong))
            .count();
        assert_eq!(checked, 3, "{results:?}");
        // Another address, with the right password, is not locked out.
        assert!(
            guard
                .login("sari", "kopi pahit di meja arsip", "10.0.0.5")
                .is_ok()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
