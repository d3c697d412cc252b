//! Slowing down password guessing without locking real people out (OWASP Authentication
//! Cheat Sheet, "Login Throttling" and "Account Lockout": a lockout anyone can trigger
//! is itself a denial of service).
//!
//! Failures count per name and address: a guess from one address never makes the same
//! name wait at another. An address that tries many names waits too. Above a soft
//! global rate of failures, every address that has failed waits between attempts, while
//! an address with no failures still gets its check. An attempt is reserved, counted
//! as a failure, before the password is checked (the check takes Argon2's time), so
//! concurrent guesses cannot slip past the count; a success takes it back. The tables
//! forget old failures and never hold more than [`MAX_RECORDS`] entries each.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Failures of one name from one address before each further attempt must wait.
pub const FREE_PAIR: u32 = 3;

/// Failures from one address (any names) before each further attempt must wait.
pub const FREE_ADDRESS: u32 = 10;

/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(300);

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

impl Throttle {
    /// Reserves an attempt of `name` from `address`, or says how long to wait first.
    pub fn reserve(&self, name: &str, address: &str) -> Result<Ticket<'_>, Duration> {
        let pair = (name_key(name), address.to_string());
        let now = Instant::now();
        let mut state = self.lock();
        state.prune(now);
        let busy = state.recent.len() > GLOBAL_SOFT;
        let pair_wait = state.pairs.get(&pair).and_then(|r| wait(r, FREE_PAIR, now));
        let address_record = state.addresses.get(address).copied();
        let address_wait = address_record.and_then(|r| wait(&r, FREE_ADDRESS, now));
        // Under a flood of failures, an address that failed before waits between any two
        // attempts; one that never failed is let through.
        let busy_wait = address_record
            .filter(|_| busy)
            .and_then(|r| wait(&r, 0, now));
        if let Some(w) = [pair_wait, address_wait, busy_wait]
            .into_iter()
            .flatten()
            .max()
        {
            return Err(w);
        }
        let state = &mut *state;
        for record in [
            state.pairs.entry(pair.clone()).or_insert(fresh(now)),
            state
                .addresses
                .entry(address.to_string())
                .or_insert(fresh(now)),
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

    /// How many records the tables hold: (pairs, addresses).
    pub fn records(&self) -> (usize, usize) {
        let state = self.lock();
        (state.pairs.len(), state.addresses.len())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Ticket<'_> {
    /// The password was right: the name's failures from this address are forgotten and
    /// the attempt no longer counts against the address.
    pub fn success(self) {
        let mut state = self.throttle.lock();
        state.pairs.remove(&self.pair);
        take_back(&mut state, &self.pair.1);
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
        take_back(&mut state, &self.pair.1);
        state.recent.pop_back();
    }
}

fn take_back(state: &mut State, address: &str) {
    if let Some(r) = state.addresses.get_mut(address) {
        r.failures = r.failures.saturating_sub(1);
        if r.failures == 0 {
            state.addresses.remove(address);
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
            trim(&mut self.pairs);
        }
        if self.addresses.len() >= MAX_RECORDS {
            self.addresses.retain(|_, r| live(r));
            trim(&mut self.addresses);
        }
    }
}

/// Drops the oldest quarter of a table that is still full.
fn trim<K: Clone + Eq + std::hash::Hash>(table: &mut HashMap<K, Record>) {
    if table.len() < MAX_RECORDS {
        return;
    }
    let mut by_age: Vec<(Instant, K)> = table.iter().map(|(k, r)| (r.last, k.clone())).collect();
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
            drop(throttle.reserve("sari", &format!("10.1.0.{i}")).unwrap());
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
        let (pairs, addresses) = throttle.records();
        assert!(
            pairs <= MAX_RECORDS && addresses <= MAX_RECORDS,
            "{pairs} {addresses}"
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
        assert_eq!(throttle.records(), (0, 0));
    }
}
