//! Usage as people and scripts see it: the month's calls against the plan's quota, the current
//! rate-limit window, and the history the usage dashboard draws. Shared by the server (which
//! computes it) and the browser (which renders it).

use super::Plan;
use serde::{Deserialize, Serialize};

/// Which MCP methods are billed (count against the rate limit and the monthly quota). Protocol
/// messages (initialize, notifications, tools/list, ping, …) are not; a generous flood limit per
/// key bounds those instead.
pub fn is_counted_method(method: &str) -> bool {
    matches!(method, "tools/call" | "resources/read" | "prompts/get")
}

/// The rate-limit window a caller is in right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitState {
    /// Counted calls allowed per window (one minute).
    pub limit: u32,
    /// Counted calls left in the current window.
    pub remaining: u32,
    /// Unix seconds when the current window ends.
    pub reset: i64,
}

/// A user's standing this month: the figures `/api/usage` returns and the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageSummary {
    pub plan: Plan,
    /// Counted calls since the start of the month (`users.api_calls_used`).
    pub calls_this_month: u64,
    /// The plan's monthly quota; `None` when unlimited.
    pub quota: Option<u64>,
    pub rate_limit: RateLimitState,
    /// Unix seconds when the monthly quota starts again (00:00 UTC on the 1st).
    pub quota_resets_at: i64,
}

impl UsageSummary {
    /// Percent of the quota used (0 when unlimited), capped at 100.
    pub fn percent_used(&self) -> u32 {
        match self.quota {
            Some(q) if q > 0 => ((self.calls_this_month.saturating_mul(100)) / q).min(100) as u32,
            _ => 0,
        }
    }
}

/// The outcome of one MCP request, as recorded in `usage_events.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Admitted and counted; the outcome is not recorded yet (or the process stopped first).
    Pending,
    Ok,
    /// The tool ran and answered with `isError` (an Exact error, bad arguments, …).
    ToolError,
    /// A JSON-RPC error (unknown tool, invalid params, …).
    Error,
    /// Refused before processing: rate limit, quota or flood limit (see the reason).
    Rejected,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Pending => "pending",
            CallStatus::Ok => "ok",
            CallStatus::ToolError => "tool_error",
            CallStatus::Error => "error",
            CallStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<CallStatus> {
        Some(match s {
            "pending" => CallStatus::Pending,
            "ok" => CallStatus::Ok,
            "tool_error" => CallStatus::ToolError,
            "error" => CallStatus::Error,
            "rejected" => CallStatus::Rejected,
            _ => return None,
        })
    }
}

/// Why a request was refused before processing (`usage_events.reason` with status `rejected`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    RateLimit,
    Quota,
    Flood,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::RateLimit => "rate_limit",
            RejectReason::Quota => "quota",
            RejectReason::Flood => "flood",
        }
    }
}

/// The quota warning (80 or 100 percent of the monthly quota) that `used` calls have reached, if
/// any: once a month each level is mailed and shown to the account's owner.
pub fn warning_level(used: i64, quota: Option<u64>) -> Option<i64> {
    let quota = quota? as i64;
    if quota == 0 {
        return None;
    }
    if used >= quota {
        Some(100)
    } else if used * 100 >= quota * 80 {
        Some(80)
    } else {
        None
    }
}

/// One day of the 30-day chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyUsage {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// Counted calls (ok and failed).
    pub calls: u64,
    /// Counted calls that failed (tool errors and JSON-RPC errors).
    pub errors: u64,
    /// Calls refused by a limit.
    pub rejected: u64,
}

/// One row of the by-tool or by-client breakdown (last 30 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageBreakdown {
    pub label: String,
    pub calls: u64,
    pub errors: u64,
    pub avg_latency_ms: u64,
}

/// One of the latest calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentCall {
    pub at: i64,
    pub method: String,
    pub tool: Option<String>,
    pub status: CallStatus,
    pub reason: Option<String>,
    pub latency_ms: u64,
    pub client: String,
    pub division: Option<i64>,
}

/// Everything the usage dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageOverview {
    pub summary: UsageSummary,
    /// The last 30 days, oldest first, days without calls included.
    pub days: Vec<DailyUsage>,
    pub by_tool: Vec<UsageBreakdown>,
    pub by_client: Vec<UsageBreakdown>,
    /// The latest 50 requests, newest first.
    pub recent: Vec<RecentCall>,
}

/// One in-app notification (quota warnings, reconnect requests, expiry alerts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// A local path (or the service's own URL) to act on it.
    pub link: Option<String>,
    pub created_at: i64,
    pub read: bool,
}

/// The bell: how many are unread, and the latest ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NotificationList {
    pub unread: u64,
    pub items: Vec<Notification>,
}

/// One bar of the 30-day chart, in the chart's own coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartBar {
    pub x: f64,
    pub width: f64,
    /// Top of the whole bar (all calls) and of its failed part, from the top edge.
    pub y: f64,
    pub height: f64,
    pub error_y: f64,
    pub error_height: f64,
}

/// Chart geometry: `CHART_WIDTH` × `CHART_HEIGHT` user units, one slot per day.
pub const CHART_WIDTH: f64 = 600.0;
pub const CHART_HEIGHT: f64 = 160.0;

/// Lays the days out as bars scaled to the busiest day (an empty month draws flat bars of 0).
pub fn chart_bars(days: &[DailyUsage]) -> Vec<ChartBar> {
    let n = days.len().max(1) as f64;
    let slot = CHART_WIDTH / n;
    let width = (slot * 0.8).max(1.0);
    let max = days.iter().map(|d| d.calls).max().unwrap_or(0).max(1) as f64;
    days.iter()
        .enumerate()
        .map(|(i, d)| {
            let height = CHART_HEIGHT * d.calls as f64 / max;
            let error_height = CHART_HEIGHT * d.errors.min(d.calls) as f64 / max;
            ChartBar {
                x: i as f64 * slot + (slot - width) / 2.0,
                width,
                y: CHART_HEIGHT - height,
                height,
                error_y: CHART_HEIGHT - error_height,
                error_height,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calls_that_do_work_are_counted() {
        for m in ["tools/call", "resources/read", "prompts/get"] {
            assert!(is_counted_method(m), "{m}");
        }
        for m in [
            "initialize",
            "notifications/initialized",
            "tools/list",
            "ping",
            "resources/list",
            "prompts/list",
        ] {
            assert!(!is_counted_method(m), "{m}");
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            CallStatus::Pending,
            CallStatus::Ok,
            CallStatus::ToolError,
            CallStatus::Error,
            CallStatus::Rejected,
        ] {
            assert_eq!(CallStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CallStatus::parse("nope"), None);
    }

    #[test]
    fn percent_used_is_capped_and_zero_when_unlimited() {
        let mut s = UsageSummary {
            plan: Plan::Free,
            calls_this_month: 160,
            quota: Some(200),
            rate_limit: RateLimitState {
                limit: 60,
                remaining: 60,
                reset: 0,
            },
            quota_resets_at: 0,
        };
        assert_eq!(s.percent_used(), 80);
        s.calls_this_month = 500;
        assert_eq!(s.percent_used(), 100);
        s.quota = None;
        assert_eq!(s.percent_used(), 0);
    }

    #[test]
    fn bars_scale_to_the_busiest_day() {
        let day = |calls, errors| DailyUsage {
            day: "2026-11-01".into(),
            calls,
            errors,
            rejected: 0,
        };
        let bars = chart_bars(&[day(0, 0), day(10, 5), day(20, 0)]);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].height, 0.0);
        assert_eq!(bars[2].height, CHART_HEIGHT);
        assert_eq!(bars[2].y, 0.0);
        assert_eq!(bars[1].height, CHART_HEIGHT / 2.0);
        assert_eq!(bars[1].error_height, CHART_HEIGHT / 4.0);
        assert!(bars[1].x > bars[0].x && bars[2].x + bars[2].width <= CHART_WIDTH);
        // Nothing at all: flat, and no division by zero.
        assert!(
            chart_bars(&(0..30).map(|_| day(0, 0)).collect::<Vec<_>>())
                .iter()
                .all(|b| b.height == 0.0)
        );
    }

    #[test]
    fn warnings_at_eighty_and_a_hundred_percent() {
        assert_eq!(warning_level(159, Some(200)), None);
        assert_eq!(warning_level(160, Some(200)), Some(80));
        assert_eq!(warning_level(199, Some(200)), Some(80));
        assert_eq!(warning_level(200, Some(200)), Some(100));
        assert_eq!(warning_level(10_000, None), None);
        // 80 % of 750 is exactly 600.
        assert_eq!(warning_level(599, Some(750)), None);
        assert_eq!(warning_level(600, Some(750)), Some(80));
    }
}
