//! The queue in front of password hashing. Argon2 takes ~19 MiB and tens of ms of
//! CPU per hash: a few run at once, a bounded number wait (for a bounded time), and
//! everyone beyond is told at once to come back (503 `unavailable`, Retry-After)
//! instead of piling up until every request, cheap ones too, waits behind them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

/// How many hash at once, how many may wait, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct HashingLimits {
    pub concurrent: usize,
    pub queue: usize,
    pub max_wait: Duration,
}

impl Default for HashingLimits {
    /// Two per core at once (the blocking pool does the work), 64 waiting, for at
    /// most 5 s: with ~50 ms per hash and two cores, a full queue drains in well
    /// under that.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashingLimits {
            concurrent: 2 * cores,
            queue: 64,
            max_wait: Duration::from_secs(5),
        }
    }
}

pub struct HashingQueue {
    turns: Semaphore,
    waiting: AtomicUsize,
    limits: HashingLimits,
}

/// Counts a waiter for as long as it waits (also when its request is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashingQueue {
    pub fn new(limits: HashingLimits) -> Self {
        HashingQueue {
            turns: Semaphore::new(limits.concurrent.max(1)),
            waiting: AtomicUsize::new(0),
            limits,
        }
    }

    /// A turn to hash, or 503 `unavailable` when the queue is full or the wait
    /// would be too long.
    pub async fn turn(&self) -> Result<SemaphorePermit<'_>, gatehouse_domain::Error> {
        if let Ok(permit) = self.turns.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(self.busy());
        }
        let _waiting = Waiting(&self.waiting);
        match tokio::time::timeout(self.limits.max_wait, self.turns.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(self.busy()),
        }
    }

    /// How many requests wait for a turn now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    fn busy(&self) -> gatehouse_domain::Error {
        let seconds = self.limits.max_wait.as_secs_f64().ceil().max(1.0) as u32;
        gatehouse_domain::Error::Unavailable {
            retry_after_secs: seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(concurrent: usize, queue: usize, max_wait_ms: u64) -> HashingQueue {
        HashingQueue::new(HashingLimits {
            concurrent,
            queue,
            max_wait: Duration::from_millis(max_wait_ms),
        })
    }

    #[tokio::test]
    async fn beyond_the_queue_a_request_is_refused_at_once() {
        let queue = queue(1, 1, 10_000);
        let _held = queue.turn().await.unwrap();
        let waiter = queue.turn();
        tokio::pin!(waiter);
        assert!(futures_poll_once(waiter.as_mut()).await.is_none());
        assert_eq!(queue.waiting(), 1);
        let started = std::time::Instant::now();
        let refused = queue.turn().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(100));
        assert!(matches!(
            refused,
            gatehouse_domain::Error::Unavailable {
                retry_after_secs: 10
            }
        ));
    }

    #[tokio::test]
    async fn a_wait_longer_than_the_limit_is_refused_and_leaves_the_queue() {
        let queue = queue(1, 4, 50);
        let _held = queue.turn().await.unwrap();
        assert!(queue.turn().await.is_err());
        assert_eq!(queue.waiting(), 0);
    }

    async fn futures_poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
        tokio::time::timeout(Duration::from_millis(20), future)
            .await
            .ok()
    }
}
