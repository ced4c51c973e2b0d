//! Per-process one-minute windows for the limits that protect a replica rather than bill anyone:
//! the per-key flood limit on uncounted protocol messages and demo keys' calls.
//!
//! Accounts' counted calls (their rate limit and quota) are decided in the database, the shared
//! truth of every replica. These two limits are not accounting: nothing is charged, nothing is
//! reported, and their purpose is to keep one key from occupying a replica. So they are counted
//! in memory, atomically (one lock), without a database write per `ping` or `tools/list`; the
//! bound across N replicas is N times the limit (the proxy spreads one client over them).
//!
//! Memory: one entry per key seen in the current minute; the map is emptied when a new minute
//! starts, so it never holds more than a minute's distinct keys (every one authenticated first).

use std::{collections::HashMap, sync::Mutex};

#[derive(Default)]
pub struct LocalWindows {
    inner: Mutex<Minute>,
}

#[derive(Default)]
struct Minute {
    start: i64,
    hits: HashMap<String, i64>,
}

impl Minute {
    /// Moves to `window_start`'s minute, forgetting every other minute's hits.
    fn at(&mut self, window_start: i64) -> &mut HashMap<String, i64> {
        if self.start != window_start {
            self.start = window_start;
            self.hits.clear();
            self.hits.shrink_to(64);
        }
        &mut self.hits
    }
}

impl LocalWindows {
    /// Counts one hit in `subject`'s window if it has room: the hits so far including this one,
    /// or `None` when the window is full (nothing counted).
    pub fn hit(&self, subject: &str, window_start: i64, limit: u32) -> Option<i64> {
        let mut minute = self.lock();
        let hits = minute.at(window_start);
        let limit = i64::from(limit);
        match hits.get_mut(subject) {
            Some(n) if *n >= limit => None,
            Some(n) => {
                *n += 1;
                Some(*n)
            }
            None if limit < 1 => None,
            None => {
                hits.insert(subject.to_string(), 1);
                Some(1)
            }
        }
    }

    /// The hits in `subject`'s window so far, without counting one.
    pub fn hits(&self, subject: &str, window_start: i64) -> i64 {
        let minute = self.lock();
        if minute.start != window_start {
            return 0;
        }
        minute.hits.get(subject).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Minute> {
        // A panic while holding the lock cannot leave a count half-written (each change is one
        // integer), so a poisoned lock is still sound to use.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_up_to_the_limit_and_refuses_without_counting() {
        let w = LocalWindows::default();
        assert_eq!(w.hit("flood:a", 60, 2), Some(1));
        assert_eq!(w.hit("flood:a", 60, 2), Some(2));
        assert_eq!(w.hit("flood:a", 60, 2), None);
        assert_eq!(w.hits("flood:a", 60), 2);
        // Another key has its own window.
        assert_eq!(w.hit("flood:b", 60, 2), Some(1));
        assert_eq!(w.hit("flood:c", 60, 0), None);
        assert_eq!(w.hits("flood:c", 60), 0);
    }

    #[test]
    fn a_new_minute_starts_empty_and_forgets_the_old_one() {
        let w = LocalWindows::default();
        assert_eq!(w.hit("demo:a", 60, 1), Some(1));
        assert_eq!(w.hit("demo:a", 60, 1), None);
        assert_eq!(w.hits("demo:a", 120), 0);
        assert_eq!(w.hit("demo:a", 120, 1), Some(1));
        assert_eq!(w.hits("demo:a", 60), 0);
    }

    #[test]
    fn concurrent_hits_never_pass_the_limit() {
        let w = std::sync::Arc::new(LocalWindows::default());
        let passed: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let w = w.clone();
                    s.spawn(move || {
                        (0..100)
                            .filter(|_| w.hit("flood:k", 0, 250).is_some())
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(passed, 250);
        assert_eq!(w.hits("flood:k", 0), 250);
    }
}
