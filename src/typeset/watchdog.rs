//! A time and memory limit for Typst compiles that run a catalogue's own templates.
//!
//! The embedded templates are sopan's: their work is bounded by the validator's limits
//! and the router's budget. A `templates/` override is any Typst program: a loop of a
//! hundred million rounds took 51 s and 7.3 GB for one SOP. Typst 0.15 has no way to
//! stop a compile from outside (no cancellation, no hook in its evaluator), and a
//! thread cannot be killed, so the limit is kept by a watchdog thread: a compile with
//! own templates that runs longer than [`DEADLINE`], or while which the process grows by
//! more than [`GROWTH`], stops sopan with a message naming the SOP and the templates.
//! The preview stops too: left alone, such a compile would take the machine's memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// The longest one compile with own templates may run (the embedded templates take
/// well under a second for the longest SOP allowed).
pub const DEADLINE: Duration = Duration::from_secs(30);

/// How much the process may grow while compiles with own templates run (an SOP's
/// compile with the embedded templates takes some tens of MB).
pub const GROWTH: u64 = 3 << 30;

/// How often the watchdog looks.
const TICK: Duration = Duration::from_millis(100);

/// A compile the watchdog looks at: when it started, how large the process was then,
/// and what to name.
struct Watch {
    started: Instant,
    resident: Option<u64>,
    what: String,
}

/// Why a watched compile is stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breach {
    /// It ran longer than the deadline.
    Time(String, Duration),
    /// The process grew by more than the limit while it ran.
    Memory(String, u64),
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, why) = match self {
            Breach::Time(what, limit) => (
                what,
                format!("berjalan lebih dari {} detik", limit.as_secs()),
            ),
            Breach::Memory(what, limit) => (
                what,
                format!("memakai memori lebih dari {} GB", limit >> 30),
            ),
        };
        write!(
            f,
            "error: {what}: templat katalog sendiri {why}, jadi sopan dihentikan\n \
             = hint: periksa perulangan atau data besar di templat itu, atau pindahkan \
             folder templates/ agar templat bawaan yang dipakai"
        )
    }
}

/// A set of watched compiles and the limits they are held to.
pub struct Watchdog {
    deadline: Duration,
    growth: u64,
    next: AtomicU64,
    watches: Mutex<HashMap<u64, Watch>>,
    /// What happens on a breach: for sopan itself, a message and the end of the process.
    action: Box<dyn Fn(Breach) + Send + Sync>,
}

/// A compile being watched; dropping it ends the watch.
pub struct Watched {
    dog: Arc<Watchdog>,
    id: u64,
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.dog.lock().remove(&self.id);
    }
}

impl Watchdog {
    /// A watchdog with these limits and this action, looking every [`TICK`] on a
    /// thread of its own.
    pub fn start(
        deadline: Duration,
        growth: u64,
        action: impl Fn(Breach) + Send + Sync + 'static,
    ) -> Arc<Self> {
        let dog = Arc::new(Self {
            deadline,
            growth,
            next: AtomicU64::new(0),
            watches: Mutex::new(HashMap::new()),
            action: Box::new(action),
        });
        let weak = Arc::downgrade(&dog);
        let _ = std::thread::Builder::new()
            .name("sopan-watchdog".into())
            .spawn(move || {
                while let Some(dog) = weak.upgrade() {
                    if let Some(breach) = dog.breach(resident()) {
                        (dog.action)(breach);
                    }
                    drop(dog);
                    std::thread::sleep(TICK);
                }
            });
        dog
    }

    /// Watches a compile named `what` until the returned guard is dropped.
    pub fn watch(self: &Arc<Self>, what: String) -> Watched {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(
            id,
            Watch {
                started: Instant::now(),
                resident: resident(),
                what,
            },
        );
        Watched {
            dog: self.clone(),
            id,
        }
    }

    /// The first limit a watched compile is past, with the process now `resident` bytes
    /// large (`None` where that cannot be read: time alone then).
    fn breach(&self, resident: Option<u64>) -> Option<Breach> {
        let watches = self.lock();
        if let Some(w) = watches
            .values()
            .find(|w| w.started.elapsed() > self.deadline)
        {
            return Some(Breach::Time(w.what.clone(), self.deadline));
        }
        let now = resident?;
        let (w, before) = watches
            .values()
            .filter_map(|w| Some((w, w.resident?)))
            .min_by_key(|(_, r)| *r)?;
        (now.saturating_sub(before) > self.growth)
            .then(|| Breach::Memory(w.what.clone(), self.growth))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Watch>> {
        self.watches.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// sopan's watchdog, with [`DEADLINE`] and [`GROWTH`]: a breach prints its message and
/// ends the process with exit code 1.
pub fn global() -> &'static Arc<Watchdog> {
    static DOG: OnceLock<Arc<Watchdog>> = OnceLock::new();
    DOG.get_or_init(|| {
        Watchdog::start(DEADLINE, GROWTH, |breach| {
            eprintln!("{breach}");
            std::process::exit(1);
        })
    })
}

/// How large the process is in memory now (resident), where the system tells.
fn resident() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        Some(pages * rustix::param::page_size() as u64)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_compile_past_its_deadline_is_stopped_and_a_finished_one_is_not() {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let dog = Watchdog::start(Duration::from_millis(300), u64::MAX, move |b| {
            let _ = tx.lock().unwrap().send(b);
        });
        drop(dog.watch("cepat.toml".into()));
        let slow = dog.watch("lambat.toml".into());
        let breach = rx.recv_timeout(Duration::from_secs(5)).expect("a breach");
        assert_eq!(
            breach,
            Breach::Time("lambat.toml".into(), Duration::from_millis(300))
        );
        drop(slow);
        while rx.try_recv().is_ok() {}
        std::thread::sleep(TICK * 3);
        assert!(rx.try_recv().is_err(), "nothing watched, nothing stopped");
    }

    #[test]
    fn growth_is_measured_from_the_smallest_start_of_a_watched_compile() {
        let dog = Watchdog::start(Duration::from_secs(60), 1 << 30, |_| {});
        assert_eq!(dog.breach(Some(100 << 30)), None, "nothing watched");
        let watched = dog.watch("besar.toml".into());
        let Some(start) = dog.lock().values().next().and_then(|w| w.resident) else {
            return; // no resident size on this system: time alone is watched
        };
        assert_eq!(dog.breach(Some(start + (1 << 29))), None);
        assert_eq!(
            dog.breach(Some(start + (2 << 30))),
            Some(Breach::Memory("besar.toml".into(), 1 << 30))
        );
        drop(watched);
        assert_eq!(dog.breach(Some(start + (2 << 30))), None);
        let text = Breach::Memory("a.toml".into(), 3 << 30).to_string();
        assert!(
            text.contains("lebih dari 3 GB") && text.contains("hint:"),
            "{text}"
        );
    }
}
