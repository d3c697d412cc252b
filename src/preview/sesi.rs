//! Who may edit: on a loopback preview, whoever uses this computer; on an office server
//! (a non-loopback `--host`), a person logged in with an account of
//! [`crate::editor::akun`]. Sessions are kept in memory behind an HttpOnly,
//! SameSite=Strict cookie; every request that changes something carries the session's
//! CSRF token; failed logins are slowed down.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::editor::akun::Akun;

/// The session cookie's name.
pub const COOKIE: &str = "sopan_sesi";

/// A session unused this long ends.
const IDLE: Duration = Duration::from_secs(8 * 3600);

/// The most sessions kept; the oldest go first.
const MAX_SESSIONS: usize = 1000;

/// Failed logins allowed before each further attempt must wait.
const FREE_FAILURES: u32 = 3;

/// The longest wait after failed logins.
const MAX_WAIT: Duration = Duration::from_secs(300);

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
}

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
    failures: Mutex<HashMap<String, (u32, Instant)>>,
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
            failures: Mutex::new(HashMap::new()),
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
    pub fn who(&self, cookie: Option<&str>) -> Option<Who> {
        if self.accounts.is_none() {
            return Some(self.local.clone());
        }
        let mut sessions = self.lock_sessions();
        let s = sessions.get_mut(cookie?)?;
        if s.seen.elapsed() > IDLE {
            sessions.remove(cookie?);
            return None;
        }
        s.seen = Instant::now();
        Some(Who {
            pengguna: s.pengguna.clone(),
            token: s.token.clone(),
        })
    }

    /// Checks a login; on success returns the new session's cookie value. `client` (the
    /// remote address) and the name both count failures.
    pub fn login(&self, name: &str, password: &str, client: &str) -> Result<String, LoginError> {
        let Some(root) = &self.accounts else {
            return Err(LoginError::Wrong);
        };
        let keys = [format!("ip:{client}"), format!("nama:{name}")];
        if let Some(wait) = keys.iter().filter_map(|k| self.wait(k)).max() {
            return Err(LoginError::Wait(wait));
        }
        let akun = Akun::open(root).map_err(|e| LoginError::Accounts(e.to_string()))?;
        if !akun.verify(name, password) {
            let mut failures = self.lock_failures();
            for k in keys {
                let e = failures.entry(k).or_insert((0, Instant::now()));
                e.0 += 1;
                e.1 = Instant::now();
            }
            return Err(LoginError::Wrong);
        }
        let mut failures = self.lock_failures();
        for k in &keys {
            failures.remove(k);
        }
        drop(failures);
        let cookie = token();
        let mut sessions = self.lock_sessions();
        sessions.retain(|_, s| s.seen.elapsed() <= IDLE);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, s)| s.seen)
                .map(|(k, _)| k.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(
            cookie.clone(),
            Session {
                pengguna: name.to_string(),
                token: token(),
                seen: Instant::now(),
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

    /// How long `key` must still wait before its next login attempt.
    fn wait(&self, key: &str) -> Option<Duration> {
        let failures = self.lock_failures();
        let (count, last) = failures.get(key)?;
        if *count < FREE_FAILURES {
            return None;
        }
        let wait = Duration::from_secs(1u64 << (count - FREE_FAILURES).min(9)).min(MAX_WAIT);
        wait.checked_sub(last.elapsed()).filter(|w| !w.is_zero())
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
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
        akun.set("sari", "rahasia-sekali").unwrap();
        akun.save().unwrap();
        let guard = Guard::new(false, dir.clone(), Vec::new());
        assert!(guard.needs_login());
        assert_eq!(guard.who(None), None);
        let cookie = guard.login("sari", "rahasia-sekali", "10.0.0.9").unwrap();
        let who = guard.who(Some(&cookie)).unwrap();
        assert_eq!(who.pengguna, "sari");
        assert_eq!(who.token.len(), 64);
        assert_eq!(guard.who(Some("tebakan")), None);
        for _ in 0..FREE_FAILURES {
            assert_eq!(
                guard.login("sari", "salah", "10.0.0.7"),
                Err(LoginError::Wrong)
            );
        }
        assert!(matches!(
            guard.login("sari", "rahasia-sekali", "10.0.0.7"),
            Err(LoginError::Wait(_))
        ));
        guard.logout(Some(&cookie));
        assert_eq!(guard.who(Some(&cookie)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
