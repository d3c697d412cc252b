//! Slowing down password guessing without locking real people out (OWASP Authentication
//! Cheat Sheet, "Login Throttling" and "Account Lockout": a lockout anyone can trigger
//! is itself a denial of service).
//!
//! Failures count per name and address: a guess from one address never makes the same
//! name wait long at another. An address that tries many names waits too. An address
//! is an IPv4 address, or an IPv6 address's /64 (one computer holds a whole /64); an
//! address that cannot be read counts in one shared record, never in a fresh one.
//! Failures of one name from all addresses past [`FREE_NAME`] make that name's further
//! attempts wait, softly: at most [`NAME_MAX_WAIT`], and never at an address where the
//! name logged in before, so one attacker cannot lock a real person out. Above a soft
//! global rate of failures, every address that has failed waits between attempts, while
//! an address with no failures still gets its check. An attempt is reserved, counted
//! as a failure, before the password is checked (the check takes Argon2's time), so
//! concurrent guesses cannot slip past the count; a success takes it back. The tables
//! forget old failures and never hold more than [`MAX_RECORDS`] entries each.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Failures of one name from one address before each further attempt must wait.
pub const FREE_PAIR: u32 = 3;

/// Failures from one address (any names) before each further attempt must wait.
pub const FREE_ADDRESS: u32 = 10;

/// Failures of one name (from any addresses) before each further attempt of it must
/// wait, except at an address where it logged in before.
pub const FREE_NAME: u32 = 10;

/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(300);

/// The longest wait a name's failures from elsewhere impose: short, as anyone can
/// cause it.
pub const NAME_MAX_WAIT: Duration = Duration::from_secs(30);

/// A record whose last failure is this old is forgotten.
const FORGET: Duration = Duration::from_secs(15 * 60);

/// Failures everywhere within [`GLOBAL_WINDOW`] above which addresses that failed wait
/// before each attempt.
const GLOBAL_SOFT: usize = 30;

/// The window of the global rate.
const GLOBAL_WINDOW: Duration = Duration::from_secs(60);

/// The most records per table (pairs, addresses): the oldest go first.
pub const MAX_RECORDS: usize = 4096;

/// The longest name kept as a key (account names are at most 64 characters).
const NAME_KEY: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, String), Record>,
    addresses: HashMap<String, Record>,
    names: HashMap<String, Record>,
    /// Name and address pairs that logged in, with the time of the last login.
    known: HashMap<(String, String), Instant>,
    recent: VecDeque<Instant>,
}

/// The failed-login tables of one server.
#[derive(Default)]
pub struct Throttle {
    state: Mutex<State>,
}

/// A reserved attempt: counted as a failure unless [`Ticket::success`] or
/// [`Ticket::undo`] takes it back.
pub struct Ticket<'a> {
    throttle: &'a Throttle,
    pair: (String, String),
}

/// The record an address's failures count in: an IPv4 address itself, an IPv6
/// address's /64 (an IPv4-mapped one as IPv4), and one shared record for whatever is
/// not an IP address.
pub fn bucket(address: &str) -> String {
    match address.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V4(ip)) => ip.to_string(),
        Ok(IpAddr::V6(ip)) => {
            let s = ip.segments();
            let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{prefix}/64")
        }
        Err(_) => "?".into(),
    }
}

impl Throttle {
    /// Reserves an attempt of `name` from `address`, or says how long to wait first.
    pub fn reserve(&self, name: &str, address: &str) -> Result<Ticket<'_>, Duration> {
        let address = bucket(address);
        let name = name_key(name);
        let pair = (name.clone(), address.clone());
        let now = Instant::now();
        let mut state = self.lock();
        state.prune(now);
        let busy = state.recent.len() > GLOBAL_SOFT;
        let pair_wait = state.pairs.get(&pair).and_then(|r| wait(r, FREE_PAIR, now));
        let address_record = state.addresses.get(&address).copied();
        let address_wait = address_record.and_then(|r| wait(&r, FREE_ADDRESS, now));
        // Under a flood of failures, an address that failed before waits between any two
        // attempts; one that never failed is let through.
        let busy_wait = address_record
            .filter(|_| busy)
            .and_then(|r| wait(&r, 0, now));
        // Guesses at one name from many addresses: soft, and never where it logged in.
        let name_wait = match state.known.contains_key(&pair) {
            true => None,
            false => state
                .names
                .get(&name)
                .and_then(|r| wait(r, FREE_NAME, now))
                .map(|w| w.min(NAME_MAX_WAIT)),
        };
        if let Some(w) = [pair_wait, address_wait, busy_wait, name_wait]
            .into_iter()
            .flatten()
            .max()
        {
            return Err(w);
        }
        let state = &mut *state;
        for record in [
            state.pairs.entry(pair.clone()).or_insert(fresh(now)),
            state.addresses.entry(address).or_insert(fresh(now)),
            state.names.entry(name).or_insert(fresh(now)),
        ] {
            record.failures += 1;
            record.last = now;
        }
        state.recent.push_back(now);
        // The global rate needs no more than this many instants.
        if state.recent.len() > 4 * GLOBAL_SOFT {
            state.recent.pop_front();
        }
        Ok(Ticket {
            throttle: self,
            pair,
        })
    }

    /// How many records the tables hold: (pairs, addresses, names).
    pub fn records(&self) -> (usize, usize, usize) {
        let state = self.lock();
        (state.pairs.len(), state.addresses.len(), state.names.len())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Ticket<'_> {
    /// The password was right: the name's failures from this address are forgotten,
    /// the attempt no longer counts against the address or the name, and the address is
    /// one where the name logs in.
    pub fn success(self) {
        let mut state = self.throttle.lock();
        state.pairs.remove(&self.pair);
        take_back(&mut state.addresses, &self.pair.1);
        take_back(&mut state.names, &self.pair.0);
        state.known.insert(self.pair, Instant::now());
    }

    /// The attempt was not a guess (the accounts file could not be read): it no longer
    /// counts at all.
    pub fn undo(self) {
        let mut state = self.throttle.lock();
        if let Some(r) = state.pairs.get_mut(&self.pair) {
            r.failures = r.failures.saturating_sub(1);
            if r.failures == 0 {
                state.pairs.remove(&self.pair);
            }
        }
        take_back(&mut state.addresses, &self.pair.1);
        take_back(&mut state.names, &self.pair.0);
        state.recent.pop_back();
    }
}

/// One failure fewer for `key` in `table`.
fn take_back(table: &mut HashMap<String, Record>, key: &str) {
    if let Some(r) = table.get_mut(key) {
        r.failures = r.failures.saturating_sub(1);
        if r.failures == 0 {
            table.remove(key);
        }
    }
}

impl State {
    /// Forgets old failures; keeps each table within [`MAX_RECORDS`] by dropping the
    /// records whose last failure is oldest.
    fn prune(&mut self, now: Instant) {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) > GLOBAL_WINDOW)
        {
            self.recent.pop_front();
        }
        let live = |r: &Record| now.duration_since(r.last) <= FORGET;
        if self.pairs.len() >= MAX_RECORDS {
            self.pairs.retain(|_, r| live(r));
            trim(&mut self.pairs, |r| r.last);
        }
        if self.addresses.len() >= MAX_RECORDS {
            self.addresses.retain(|_, r| live(r));
            trim(&mut self.addresses, |r| r.last);
        }
        if self.names.len() >= MAX_RECORDS {
            self.names.retain(|_, r| live(r));
            trim(&mut self.names, |r| r.last);
        }
        // Places where a name logged in are kept longest: the oldest go when full.
        trim(&mut self.known, |t| *t);
    }
}

/// Drops the oldest quarter of a table that is still full.
fn trim<K: Clone + Eq + std::hash::Hash, V>(
    table: &mut HashMap<K, V>,
    last: impl Fn(&V) -> Instant,
) {
    if table.len() < MAX_RECORDS {
        return;
    }
    let mut by_age: Vec<(Instant, K)> = table.iter().map(|(k, r)| (last(r), k.clone())).collect();
    by_age.sort_by_key(|(t, _)| *t);
    for (_, k) in by_age.into_iter().take(MAX_RECORDS / 4) {
        table.remove(&k);
    }
}

fn fresh(now: Instant) -> Record {
    Record {
        failures: 0,
        last: now,
    }
}

/// How long a record with `free` free failures must still wait, if at all: one second
/// after the first failure past them, doubling up to [`MAX_WAIT`].
fn wait(record: &Record, free: u32, now: Instant) -> Option<Duration> {
    if record.failures < free.max(1) {
        return None;
    }
    let over = (record.failures - free.max(1)).min(9);
    let wait = Duration::from_secs(1u64 << over).min(MAX_WAIT);
    wait.checked_sub(now.duration_since(record.last))
        .filter(|w| !w.is_zero())
}

/// A name as a key: at most [`NAME_KEY`] characters, so long names cannot fill memory.
fn name_key(name: &str) -> String {
    name.chars().take(NAME_KEY).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_guesses_reserve_at_most_the_free_attempts() {
        let throttle = Throttle::default();
        let granted = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..16 {
                s.spawn(|| {
                    if let Ok(ticket) = throttle.reserve("sari", "10.0.0.7") {
                        granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        // The password check takes a while; the ticket is a failure.
                        std::thread::sleep(Duration::from_millis(50));
                        drop(ticket);
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), FREE_PAIR as usize);
    }

    #[test]
    fn another_address_never_locks_a_name_out() {
        let throttle = Throttle::default();
        for _ in 0..20 {
            let _ = throttle.reserve("sari", "10.0.0.66");
        }
        assert!(throttle.reserve("sari", "10.0.0.66").is_err());
        // sari at her own desk: no failures there.
        throttle.reserve("sari", "10.0.0.5").unwrap().success();
        // A success forgets the name's failures at that address only.
        assert!(throttle.reserve("sari", "10.0.0.66").is_err());
    }

    #[test]
    fn an_address_guessing_many_names_waits() {
        let throttle = Throttle::default();
        for i in 0..FREE_ADDRESS {
            drop(throttle.reserve(&format!("nama{i}"), "10.0.0.66").unwrap());
        }
        assert!(throttle.reserve("lain", "10.0.0.66").is_err());
        assert!(throttle.reserve("lain", "10.0.0.67").is_ok());
    }

    #[test]
    fn a_flood_of_failures_slows_failing_addresses_but_not_clean_ones() {
        let throttle = Throttle::default();
        for i in 0..=GLOBAL_SOFT {
            drop(
                throttle
                    .reserve(&format!("nama{i}"), &format!("10.1.0.{i}"))
                    .unwrap(),
            );
        }
        // Each failing address waits between attempts now, even with free ones left.
        assert!(throttle.reserve("budi", "10.1.0.1").is_err());
        // An address that never failed still gets its check.
        throttle.reserve("sari", "10.2.0.1").unwrap().success();
    }

    #[test]
    fn the_failed_login_table_is_pruned() {
        let throttle = Throttle::default();
        for i in 0..12_000u32 {
            let address = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
            drop(throttle.reserve(&format!("nama-{i}-{}", "x".repeat(500)), &address));
        }
        let (pairs, addresses, names) = throttle.records();
        assert!(
            pairs <= MAX_RECORDS && addresses <= MAX_RECORDS && names <= MAX_RECORDS,
            "{pairs} {addresses} {names}"
        );
        // Names are kept short as keys.
        let state = throttle.lock();
        assert!(
            state
                .pairs
                .keys()
                .all(|(n, _)| n.chars().count() <= NAME_KEY)
        );
        assert!(state.recent.len() <= 4 * GLOBAL_SOFT);
    }

    #[test]
    fn an_unreadable_accounts_file_is_no_failure() {
        let throttle = Throttle::default();
        for _ in 0..10 {
            throttle.reserve("sari", "10.0.0.7").unwrap().undo();
        }
        assert_eq!(throttle.records(), (0, 0, 0));
    }

    #[test]
    fn login_throttle_counts_an_ipv6_64_as_one_address_and_garbage_in_one_record() {
        let throttle = Throttle::default();
        // Each guess from another address of one /64.
        for i in 0..FREE_ADDRESS {
            let address = format!("2001:db8:1:2::{:x}", i + 1);
            drop(throttle.reserve(&format!("nama{i}"), &address).unwrap());
        }
        assert!(throttle.reserve("lain", "2001:db8:1:2:ffff::9").is_err());
        assert!(
            throttle.reserve("lain", "2001:db8:1:3::1").is_ok(),
            "next /64"
        );
        // IPv4 counts per exact address, also written IPv4-mapped.
        assert_eq!(bucket("::ffff:10.0.0.7"), "10.0.0.7");
        // Values that are no address share one record, never a fresh one each.
        for i in 0..FREE_ADDRESS {
            drop(throttle.reserve(&format!("x{i}"), &format!("sampah-{i}")));
        }
        assert!(throttle.reserve("y", "sampah-lagi").is_err());
    }

    #[test]
    fn login_throttle_slows_guesses_at_one_name_from_many_addresses_but_not_where_it_logged_in() {
        let throttle = Throttle::default();
        // sari logged in at her desk before.
        throttle.reserve("sari", "10.0.0.5").unwrap().success();
        for i in 0..FREE_NAME {
            drop(throttle.reserve("sari", &format!("10.9.0.{i}")).unwrap());
        }
        // From a new address, sari's name now waits, softly.
        let w = throttle.reserve("sari", "10.0.0.77").err().expect("waits");
        assert!(w <= NAME_MAX_WAIT, "{w:?}");
        // Other names do not.
        assert!(throttle.reserve("budi", "10.0.0.77").is_ok());
        // At her desk sari is not locked out.
        throttle.reserve("sari", "10.0.0.5").unwrap().success();
    }
}
