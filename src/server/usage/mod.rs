//! Usage: the per-user rate windows, the monthly quota, and the usage record behind the
//! dashboard and `/api/usage`. The database is the shared truth, so the rate limit and the quota
//! hold across replicas; the flood limit and demo keys' windows protect a replica and are counted
//! per process ([`local_windows`]). The request path (the `/mcp` middleware that applies the limits) is the MCP
//! endpoint's meter; [`recorder`] is how outcomes are written.

pub mod admitter;
pub mod local_windows;
pub mod recorder;

use crate::domain::{
    CallStatus, DailyUsage, Plan, RateLimitState, RecentCall, UsageBreakdown, UsageOverview,
    UsageSummary,
};
use crate::server::{
    config::UsageLimits,
    db::{Db, DbError, usage as rows},
};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

/// The rate-limit window: fixed minutes, shared by all replicas through `rate_windows`.
pub use crate::server::db::usage::{Admission, Admitted, NewEvent, Outcome, Record, Warning};

/// Counts a counted call against the user's window and monthly quota, with its event, in one
/// transaction of its own (the `/mcp` meter goes through [`admitter::Admitter`], which shares
/// the transaction among concurrent calls).
pub async fn admit(db: &Db, admission: &Admission) -> Result<Admitted, DbError> {
    rows::admit(db, admission).await
}

/// The hits in `subject`'s window, without counting one.
pub async fn window_hits(db: &Db, subject: &str, window_start: i64) -> Result<i64, DbError> {
    rows::window_hits(db, subject, window_start).await
}

pub const WINDOW_SECONDS: i64 = 60;

/// The start of the minute `now` falls in.
pub fn window_start(now: i64) -> i64 {
    now - now.rem_euclid(WINDOW_SECONDS)
}

/// The `rate_windows` subject of a user's counted calls.
pub fn user_subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// The window subject of a demo key's counted calls (in [`local_windows`]).
pub fn demo_subject(key_id: &str) -> String {
    format!("demo:{key_id}")
}

/// The window subject of a key's uncounted protocol messages (in [`local_windows`]).
pub fn flood_subject(key_id: &str) -> String {
    format!("flood:{key_id}")
}

fn utc(now: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(now, 0).unwrap_or_default()
}

/// `YYYY-MM-DD` (UTC) of a moment: the key of the daily rollups.
pub fn day_of(now: i64) -> String {
    utc(now).format("%Y-%m-%d").to_string()
}

/// 00:00 UTC on the first day of the month after `now`'s: when the monthly quota starts again.
pub fn next_month_start(now: i64) -> i64 {
    let t = utc(now);
    let (y, m) = if t.month() == 12 {
        (t.year() + 1, 1)
    } else {
        (t.year(), t.month() + 1)
    };
    Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0)
        .single()
        .map(|d| d.timestamp())
        .unwrap_or(now)
}

/// The first day of the next month as `YYYY-MM-DD`, for messages.
pub fn next_month_day(now: i64) -> String {
    day_of(next_month_start(now))
}

/// The days `days` back from `now`'s day up to and including it, oldest first.
pub fn last_days(now: i64, days: u32) -> Vec<NaiveDate> {
    let today = utc(now).date_naive();
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .collect()
}

/// The rate-limit window of a user as it stands, without counting anything.
pub fn rate_state(limit: u32, hits: i64, now: i64) -> RateLimitState {
    RateLimitState {
        limit,
        remaining: (i64::from(limit) - hits).clamp(0, i64::from(limit)) as u32,
        reset: window_start(now) + WINDOW_SECONDS,
    }
}

/// A user's month and current window: the figures of `/api/usage` and the dashboard.
pub async fn summary(
    db: &Db,
    limits: &UsageLimits,
    user_id: &str,
    plan: Plan,
    now: i64,
) -> Result<UsageSummary, DbError> {
    let used = rows::calls_used(db, user_id).await?;
    let hits = rows::window_hits(db, &user_subject(user_id), window_start(now)).await?;
    Ok(UsageSummary {
        plan,
        calls_this_month: used.max(0) as u64,
        quota: plan.monthly_quota(),
        rate_limit: rate_state(limits.per_minute(plan), hits, now),
        quota_resets_at: next_month_start(now),
    })
}

/// Days the dashboard's chart and breakdowns cover.
pub const OVERVIEW_DAYS: u32 = 30;
/// Latest requests the dashboard lists.
pub const RECENT_CALLS: i64 = 50;

/// Everything the usage dashboard shows, for one user: the month, the window, 30 days of
/// rollups (days without calls included), the breakdowns and the latest requests.
pub async fn overview(
    db: &Db,
    limits: &UsageLimits,
    user_id: &str,
    plan: Plan,
    now: i64,
) -> Result<UsageOverview, DbError> {
    let summary = summary(db, limits, user_id, plan, now).await?;
    let days = last_days(now, OVERVIEW_DAYS);
    let from = days.first().map(|d| d.to_string()).unwrap_or_default();
    let totals = rows::daily_totals(db, user_id, &from).await?;
    let days = days
        .iter()
        .map(|d| {
            let day = d.to_string();
            let found = totals.iter().find(|t| t.0 == day);
            let (calls, errors, rejected) = found.map_or((0, 0, 0), |t| (t.1, t.2, t.3));
            DailyUsage {
                day,
                calls: calls.max(0) as u64,
                errors: errors.max(0) as u64,
                rejected: rejected.max(0) as u64,
            }
        })
        .collect();
    let breakdown = |rows: Vec<rows::BreakdownRow>| {
        rows.into_iter()
            .map(|(label, calls, errors, latency)| UsageBreakdown {
                label,
                calls: calls.max(0) as u64,
                errors: errors.max(0) as u64,
                avg_latency_ms: if calls > 0 {
                    (latency.max(0) / calls) as u64
                } else {
                    0
                },
            })
            .collect()
    };
    let by_tool = breakdown(rows::breakdown(db, user_id, &from, rows::BreakdownBy::Tool).await?);
    let by_client =
        breakdown(rows::breakdown(db, user_id, &from, rows::BreakdownBy::Client).await?);
    let recent = rows::recent_events(db, user_id, RECENT_CALLS)
        .await?
        .into_iter()
        .map(|e| RecentCall {
            at: e.created_at,
            method: e.method,
            tool: e.tool,
            status: CallStatus::parse(&e.status).unwrap_or(CallStatus::Pending),
            reason: e.reason,
            latency_ms: e.latency_ms.max(0) as u64,
            client: e.client_name,
            division: e.division,
        })
        .collect();
    Ok(UsageOverview {
        summary,
        days,
        by_tool,
        by_client,
        recent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-22T10:15:42Z
    const NOW: i64 = 1_795_342_542;

    #[test]
    fn windows_are_whole_minutes() {
        assert_eq!(window_start(NOW), NOW - 42);
        assert_eq!(window_start(NOW - 42), NOW - 42);
        let s = rate_state(60, 10, NOW);
        assert_eq!((s.limit, s.remaining, s.reset), (60, 50, NOW - 42 + 60));
        assert_eq!(rate_state(60, 75, NOW).remaining, 0);
    }

    #[test]
    fn months_roll_over_at_midnight_utc_on_the_first() {
        assert_eq!(day_of(NOW), "2026-11-22");
        assert_eq!(next_month_day(NOW), "2026-12-01");
        let december = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(next_month_day(december.timestamp()), "2027-01-01");
        assert_eq!(
            next_month_start(december.timestamp()),
            december.timestamp() + 1
        );
    }

    #[test]
    fn the_last_thirty_days_end_today() {
        let days = last_days(NOW, 30);
        assert_eq!(days.len(), 30);
        assert_eq!(days[29].to_string(), "2026-11-22");
        assert_eq!(days[0].to_string(), "2026-10-24");
    }
}
