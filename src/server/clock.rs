//! Time as a dependency: production reads the system clock, tests move a manual one, so expiry,
//! refresh windows, rate windows and the monthly reset are tested without sleeping.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

pub trait Clock: Send + Sync + 'static {
    /// Unix time in seconds.
    fn now(&self) -> i64;

    /// Waits `duration` of this clock's time: a real sleep for the system clock; a manual clock
    /// jumps forward instead, so waits for a rate-limit reset or a backoff cost tests nothing.
    fn sleep(&self, duration: std::time::Duration) -> BoxFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

pub type BoxFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to. Cloning shares the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn at(unix_seconds: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(unix_seconds)))
    }

    pub fn set(&self, unix_seconds: i64) {
        self.0.store(unix_seconds, Ordering::SeqCst);
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    fn sleep(&self, duration: std::time::Duration) -> BoxFuture {
        // Whole seconds, rounded up: a wait never ends before the moment it waited for.
        let seconds = duration.as_millis().div_ceil(1000) as i64;
        self.advance(seconds);
        Box::pin(tokio::task::yield_now())
    }
}

pub type SharedClock = Arc<dyn Clock>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::at(1_000);
        let shared = c.clone();
        assert_eq!(shared.now(), 1_000);
        c.advance(61);
        assert_eq!(shared.now(), 1_061);
        c.set(5);
        assert_eq!(shared.now(), 5);
    }

    #[tokio::test]
    async fn a_manual_sleep_moves_the_clock_instead_of_waiting() {
        let c = ManualClock::at(100);
        let started = std::time::Instant::now();
        c.sleep(std::time::Duration::from_millis(1_500)).await;
        assert_eq!(c.now(), 102);
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
    }

    #[test]
    fn system_clock_is_after_2025() {
        assert!(SystemClock.now() > 1_735_689_600);
    }
}
