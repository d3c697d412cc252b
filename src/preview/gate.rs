//! Connections let in to the workers, per address: at most [`PER_ADDRESS`] from one
//! address are read and answered at once, at most [`WAITING_PER_ADDRESS`] more from it
//! wait their turn, and any more are refused (503). One computer holding half-sent
//! requests takes at most its share of the workers, never all of them.
//!
//! A configured reverse proxy ([`Gate::new`]'s `proxy`) brings every client from its one
//! address, so it is not capped here.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Mutex, PoisonError};

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
