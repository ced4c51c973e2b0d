//! Exact's API rate limits: per app and per company (division), 60 calls a minute and 5,000 a
//! day. Every answer carries the state of both windows in `X-RateLimit-*` headers whose resets
//! are epoch **milliseconds**; over a limit the answer is 429, and only the headers of the
//! window that was exceeded come along (real Exact may omit the other window's headers).
//!
//! The minute window is fixed and aligned to the clock's minute, the day window to the UTC day.
//! The limits themselves are Exact's by default and can be raised (or lowered) for benchmarks.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

pub const MINUTELY_LIMIT: u32 = 60;
pub const DAILY_LIMIT: u32 = 5_000;

/// The calls one app may make in one division per minute and per UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub minutely: u32,
    pub daily: u32,
}

impl Default for Limits {
    /// Exact's: 60 a minute, 5,000 a day.
    fn default() -> Limits {
        Limits {
            minutely: MINUTELY_LIMIT,
            daily: DAILY_LIMIT,
        }
    }
}

const MINUTE: i64 = 60;
const DAY: i64 = 86_400;

/// Calls made by one app in one division.
#[derive(Debug, Default, Clone)]
pub struct Usage {
    minute_start: i64,
    minute_calls: u32,
    day_start: i64,
    day_calls: u32,
}

/// The windows after a call was counted (or refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The limits the call was counted against (the headers report them).
    pub limits: Limits,
    pub minute_remaining: u32,
    pub minute_reset_ms: i64,
    pub day_remaining: u32,
    pub day_reset_ms: i64,
    pub exceeded: Option<Window>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Minute,
    Day,
}

impl Usage {
    /// Starts new windows when the clock has left the current ones.
    fn roll(&mut self, now: i64) {
        let minute = now - now.rem_euclid(MINUTE);
        if minute != self.minute_start {
            self.minute_start = minute;
            self.minute_calls = 0;
        }
        let day = now - now.rem_euclid(DAY);
        if day != self.day_start {
            self.day_start = day;
            self.day_calls = 0;
        }
    }

    /// Counts one call at `now` (unix seconds) against `limits`, or refuses it when a window is
    /// full. Refused calls are not counted.
    pub fn call(&mut self, now: i64, limits: Limits) -> Verdict {
        self.roll(now);
        let exceeded = if self.day_calls >= limits.daily {
            Some(Window::Day)
        } else if self.minute_calls >= limits.minutely {
            Some(Window::Minute)
        } else {
            self.minute_calls += 1;
            self.day_calls += 1;
            None
        };
        Verdict {
            limits,
            minute_remaining: limits.minutely.saturating_sub(self.minute_calls),
            minute_reset_ms: (self.minute_start + MINUTE) * 1000,
            day_remaining: limits.daily.saturating_sub(self.day_calls),
            day_reset_ms: (self.day_start + DAY) * 1000,
            exceeded,
        }
    }

    /// Sets today's count (at most `limits.daily`), as if that many calls had been made (a test
    /// knob for the daily limit, so tests need not make 5,000 calls).
    pub fn set_day_calls(&mut self, now: i64, calls: u32, limits: Limits) {
        self.roll(now);
        self.day_calls = calls.min(limits.daily);
    }
}

/// The minutely window of a refusal that did not come from counting (an injected 429).
pub fn minute_window(now: i64, limits: Limits) -> Verdict {
    let minute = now - now.rem_euclid(MINUTE);
    let day = now - now.rem_euclid(DAY);
    Verdict {
        limits,
        minute_remaining: 0,
        minute_reset_ms: (minute + MINUTE) * 1000,
        day_remaining: 0,
        day_reset_ms: (day + DAY) * 1000,
        exceeded: Some(Window::Minute),
    }
}

impl Verdict {
    /// Writes the `X-RateLimit-*` headers: both windows on a counted call, only the exceeded
    /// window's on a 429.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut set = |name: &'static str, value: i64| {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        };
        if self.exceeded != Some(Window::Minute) {
            set("x-ratelimit-limit", i64::from(self.limits.daily));
            set("x-ratelimit-remaining", i64::from(self.day_remaining));
            set("x-ratelimit-reset", self.day_reset_ms);
        }
        if self.exceeded != Some(Window::Day) {
            set(
                "x-ratelimit-minutely-limit",
                i64::from(self.limits.minutely),
            );
            set(
                "x-ratelimit-minutely-remaining",
                i64::from(self.minute_remaining),
            );
            set("x-ratelimit-minutely-reset", self.minute_reset_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_795_262_400; // 2026-11-21T12:00:00Z

    #[test]
    fn sixty_a_minute_then_refused_until_the_next_minute() {
        let mut u = Usage::default();
        for i in 1..=60 {
            let v = u.call(T + 30, Limits::default());
            assert_eq!(v.exceeded, None);
            assert_eq!(v.minute_remaining, 60 - i);
        }
        let v = u.call(T + 59, Limits::default());
        assert_eq!(v.exceeded, Some(Window::Minute));
        assert_eq!(v.minute_reset_ms, (T + 60) * 1000);
        assert_eq!(v.day_remaining, 5_000 - 60, "the refusal is not counted");
        let v = u.call(T + 60, Limits::default());
        assert_eq!(v.exceeded, None);
        assert_eq!(v.minute_remaining, 59);
        assert_eq!(v.minute_reset_ms, (T + 120) * 1000);
    }

    #[test]
    fn five_thousand_a_day_until_the_utc_day_ends() {
        let mut u = Usage::default();
        u.set_day_calls(T, 4_999, Limits::default());
        assert_eq!(u.call(T, Limits::default()).day_remaining, 0);
        let v = u.call(T + 120, Limits::default());
        assert_eq!(v.exceeded, Some(Window::Day));
        let midnight = T + 12 * 3600;
        assert_eq!(v.day_reset_ms, midnight * 1000);
        assert_eq!(u.call(midnight, Limits::default()).exceeded, None);
    }

    #[test]
    fn headers_of_the_exceeded_window_only() {
        let mut u = Usage::default();
        let mut h = HeaderMap::new();
        u.call(T, Limits::default()).write_headers(&mut h);
        assert_eq!(h.len(), 6);
        assert_eq!(h["x-ratelimit-reset"], ((T + 43_200) * 1000).to_string());
        let mut h = HeaderMap::new();
        minute_window(T + 1, Limits::default()).write_headers(&mut h);
        assert_eq!(h.len(), 3);
        assert_eq!(h["x-ratelimit-minutely-remaining"], "0");
        assert!(h.get("x-ratelimit-limit").is_none());
    }

    #[test]
    fn other_limits_are_counted_against_and_reported() {
        let limits = Limits {
            minutely: 100,
            daily: 150,
        };
        let mut u = Usage::default();
        for _ in 0..100 {
            assert_eq!(u.call(T, limits).exceeded, None);
        }
        let v = u.call(T + 1, limits);
        assert_eq!(v.exceeded, Some(Window::Minute));
        let mut h = HeaderMap::new();
        v.write_headers(&mut h);
        assert_eq!(h["x-ratelimit-minutely-limit"], "100");
        let v = u.call(T + 60, limits);
        assert_eq!((v.exceeded, v.day_remaining), (None, 49));
        let mut h = HeaderMap::new();
        v.write_headers(&mut h);
        assert_eq!(h["x-ratelimit-limit"], "150");
        // Lowered below what was already used: refused, nothing remaining.
        let low = Limits {
            minutely: 1,
            daily: 5,
        };
        let v = u.call(T + 61, low);
        assert_eq!((v.exceeded, v.day_remaining), (Some(Window::Day), 0));
    }
}
