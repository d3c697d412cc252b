//! Connections let in, per address. A request head is read on a small thread of its
//! own, at most [`READERS_PER_ADDRESS`] from one address and [`READERS`] in all
//! ([`Limits`]); only a complete head goes on to the workers, where at most
//! [`PER_ADDRESS`] from one address are answered at once, at most
//! [`WAITING_PER_ADDRESS`] more from it wait their turn, and any more are refused (503).
//! Half-sent requests, from however many computers, never hold a worker.
//!
//! A configured reverse proxy (`proxy`) brings every client from its one address, so it
//! is not capped per address here.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

/// Request heads read at once from one address (a browser opens at most 6 connections).
pub const READERS_PER_ADDRESS: usize = 16;

/// Request heads read at once in all.
pub const READERS: usize = 512;

/// Event streams open at once (one per open page); more get 503. Each is a small
/// thread that mostly sleeps; so many that 64 computers, each at its own cap, are
/// needed to keep another computer's pages from updating.
pub const STREAMS: usize = 384;

/// Event streams open at once from one address (but the proxy's); more get 503. A
/// browser holds at most 6 connections to one server, so a clerk never needs more.
pub const STREAMS_PER_ADDRESS: usize = 6;

/// How many of something (connections being read, event streams) one address and all
/// addresses hold at once, each below its cap.
pub struct Limits {
    per_address: usize,
    total: usize,
    proxy: Option<IpAddr>,
    held: Mutex<(HashMap<IpAddr, usize>, usize)>,
}

/// One place taken in [`Limits`]; given back when dropped.
pub struct Place {
    limits: Arc<Limits>,
    ip: IpAddr,
}

impl Limits {
    /// At most `per_address` from one address (but `proxy`) and `total` in all.
    pub fn new(per_address: usize, total: usize, proxy: Option<IpAddr>) -> Arc<Self> {
        Arc::new(Self {
            per_address,
            total,
            proxy,
            held: Mutex::new((HashMap::new(), 0)),
        })
    }

    /// A place for `ip`, or `None` when it or everyone holds too many.
    pub fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let (per, total) = &mut *held;
        if *total >= self.total {
            return None;
        }
        if Some(ip) != self.proxy {
            let n = per.entry(ip).or_insert(0);
            if *n >= self.per_address {
                return None;
            }
            *n += 1;
        }
        *total += 1;
        Some(Place {
            limits: self.clone(),
            ip,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut held = self
            .limits
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (per, total) = &mut *held;
        *total = total.saturating_sub(1);
        if let Some(n) = per.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                per.remove(&self.ip);
            }
        }
    }
}

/// Connections from one address read and answered at once (of the preview's 8 workers).
pub const PER_ADDRESS: usize = 4;

/// Connections from one address waiting for its turn (a browser opens at most 6 at once).
pub const WAITING_PER_ADDRESS: usize = 16;

/// What one address holds now.
struct Slot<S> {
    active: usize,
    waiting: VecDeque<S>,
}

/// Lets connections `S` in to the workers' queue, at most [`PER_ADDRESS`] per address.
pub struct Gate<S> {
    queue: SyncSender<(S, IpAddr)>,
    slots: Mutex<HashMap<IpAddr, Slot<S>>>,
    proxy: Option<IpAddr>,
}

impl<S> Gate<S> {
    /// A gate in front of `queue`; connections from `proxy` are not capped.
    pub fn new(queue: SyncSender<(S, IpAddr)>, proxy: Option<IpAddr>) -> Self {
        Self {
            queue,
            slots: Mutex::new(HashMap::new()),
            proxy,
        }
    }

    /// Lets a new connection from `ip` in, or has it wait; gives it back when it is
    /// refused (its address holds too many, or the queue is full).
    pub fn admit(&self, conn: S, ip: IpAddr) -> Result<(), S> {
        if Some(ip) == self.proxy {
            return self.queue.try_send((conn, ip)).map_err(taken_back);
        }
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.entry(ip).or_insert_with(|| Slot {
            active: 0,
            waiting: VecDeque::new(),
        });
        if slot.active < PER_ADDRESS {
            self.queue.try_send((conn, ip)).map_err(taken_back)?;
            slot.active += 1;
            Ok(())
        } else if slot.waiting.len() < WAITING_PER_ADDRESS {
            slot.waiting.push_back(conn);
            Ok(())
        } else {
            Err(conn)
        }
    }

    /// A worker is done with a connection from `ip`: the next one waiting from that
    /// address goes in, or is given back when the queue is full.
    pub fn done(&self, ip: IpAddr) -> Option<S> {
        if Some(ip) == self.proxy {
            return None;
        }
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = slots.get_mut(&ip)?;
        slot.active = slot.active.saturating_sub(1);
        let mut refused = None;
        if let Some(next) = slot.waiting.pop_front() {
            match self.queue.try_send((next, ip)) {
                Ok(()) => slot.active += 1,
                Err(e) => refused = Some(taken_back(e)),
            }
        }
        if slot.active == 0 && slot.waiting.is_empty() {
            slots.remove(&ip);
        }
        refused
    }
}

fn taken_back<S>(e: TrySendError<(S, IpAddr)>) -> S {
    match e {
        TrySendError::Full((s, _)) | TrySendError::Disconnected((s, _)) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn one_address_takes_its_share_waits_a_little_and_is_refused_beyond() {
        let (tx, rx) = mpsc::sync_channel(64);
        let gate = Gate::new(tx, None);
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        let total = PER_ADDRESS + WAITING_PER_ADDRESS;
        for n in 0..total {
            assert_eq!(gate.admit(n, a), Ok(()));
        }
        assert_eq!(gate.admit(99, a), Err(99), "past the waiting room");
        assert_eq!(gate.admit(7, b), Ok(()), "another address still gets in");
        let queued: Vec<_> = rx.try_iter().collect();
        assert_eq!(queued.len(), PER_ADDRESS + 1);
        // One done from `a`: the first waiting one goes in, in order.
        assert_eq!(gate.done(a), None);
        assert_eq!(rx.try_recv(), Ok((PER_ADDRESS, a)));
        for _ in 0..total {
            gate.done(a);
        }
        assert!(gate.slots.lock().unwrap().get(&a).is_none(), "forgotten");
    }

    #[test]
    fn limits_cap_one_address_and_all_and_give_places_back() {
        let proxy = IpAddr::from([10, 0, 0, 9]);
        let limits = Limits::new(2, 5, Some(proxy));
        let a = IpAddr::from([10, 0, 0, 1]);
        let b = IpAddr::from([10, 0, 0, 2]);
        let first: Vec<_> = (0..2).map(|_| limits.take(a).unwrap()).collect();
        assert!(limits.take(a).is_none(), "past the address's cap");
        let other = limits.take(b).unwrap();
        let through_proxy: Vec<_> = (0..2).map(|_| limits.take(proxy).unwrap()).collect();
        assert!(limits.take(proxy).is_none(), "past the total");
        drop(first);
        assert!(limits.take(a).is_some(), "given back");
        drop((other, through_proxy));
        assert!(limits.held.lock().unwrap().0.is_empty(), "forgotten");
    }

    #[test]
    fn the_proxy_is_not_capped_and_a_full_queue_refuses() {
        let (tx, _rx) = mpsc::sync_channel(PER_ADDRESS * 3);
        let proxy = IpAddr::from([10, 0, 0, 9]);
        let gate = Gate::new(tx, Some(proxy));
        for n in 0..PER_ADDRESS * 3 {
            assert_eq!(gate.admit(n, proxy), Ok(()));
        }
        assert_eq!(gate.admit(50, proxy), Err(50), "queue full");
        assert_eq!(gate.admit(51, IpAddr::from([10, 0, 0, 3])), Err(51));
    }
}
