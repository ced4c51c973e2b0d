//! What `/mcp` callers may do (rate limits, the flood limit, how long raw usage is kept) and the
//! scheduled jobs' settings.

use super::vars::Reader;
use crate::domain::Plan;
use std::time::Duration;

/// The scheduler: whether this replica runs it, how often it sweeps for due slots, and when the
/// keep-alive job refreshes an idle connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSettings {
    /// `JOBS_ENABLED`: run the scheduler in this process (other replicas may keep it off).
    pub enabled: bool,
    /// `JOBS_TICK_SECONDS`: besides each job's cron moment, every replica checks this often
    /// (and once at start) whether a job's current slot has not run yet, and runs it.
    pub tick: Duration,
    /// `TOKEN_KEEPALIVE_DAYS`: refresh a connection whose refresh token is this old.
    pub keepalive_after_days: u32,
    /// `AUDIT_RETENTION_DAYS`: the clean-up job deletes audit rows older than this (at least 30).
    pub audit_retention_days: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            enabled: true,
            tick: Duration::from_secs(300),
            keepalive_after_days: 7,
            audit_retention_days: 365,
        }
    }
}

impl JobSettings {
    pub(super) fn read(r: &mut Reader) -> JobSettings {
        let defaults = JobSettings::default();
        let enabled = r.flag("JOBS_ENABLED", defaults.enabled);
        let tick_seconds: u64 = r.number("JOBS_TICK_SECONDS", defaults.tick.as_secs());
        if tick_seconds == 0 {
            r.error("JOBS_TICK_SECONDS must be at least 1");
        }
        let keepalive_after_days: u32 =
            r.number("TOKEN_KEEPALIVE_DAYS", defaults.keepalive_after_days);
        if !(1..=29).contains(&keepalive_after_days) {
            r.error("TOKEN_KEEPALIVE_DAYS must be between 1 and 29 (refresh tokens live 30 days)");
        }
        let audit_retention_days: u32 =
            r.number("AUDIT_RETENTION_DAYS", defaults.audit_retention_days);
        if audit_retention_days < 30 {
            r.error("AUDIT_RETENTION_DAYS must be at least 30");
        }
        JobSettings {
            enabled,
            tick: Duration::from_secs(tick_seconds.max(1)),
            keepalive_after_days,
            audit_retention_days,
        }
    }
}

/// The limits metering `/mcp`. The plan's rate limit (60 counted calls a minute) can be changed
/// for every plan (`RATE_LIMIT_PER_MINUTE`) or one plan (`RATE_LIMIT_PER_MINUTE_PRO`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageLimits {
    /// Counted calls per minute per user, per plan, in [`Plan::ALL`] order.
    pub per_minute: [u32; 4],
    /// Uncounted protocol messages (initialize, tools/list, ping, …) per minute per key.
    pub flood_per_minute: u32,
    /// Raw usage events older than this are pruned; the daily rollups stay.
    pub retention_days: u32,
    /// `MCP_CALLS_IN_FLIGHT`: counted calls one replica runs at once; more wait their turn
    /// before they are admitted (each in flight holds its request, rmcp's service and an Exact
    /// connection: the bound on a replica's memory and on its connections to Exact).
    pub calls_in_flight: u32,
}

impl UsageLimits {
    pub fn per_minute(&self, plan: Plan) -> u32 {
        let i = Plan::ALL.iter().position(|p| *p == plan).unwrap_or(0);
        self.per_minute[i]
    }

    pub(super) fn read(r: &mut Reader) -> UsageLimits {
        let defaults = UsageLimits::default();
        let usage = UsageLimits {
            per_minute: per_plan(r, defaults.per_minute),
            flood_per_minute: r.number("FLOOD_LIMIT_PER_MINUTE", defaults.flood_per_minute),
            retention_days: r.number("USAGE_RETENTION_DAYS", defaults.retention_days),
            calls_in_flight: r.number("MCP_CALLS_IN_FLIGHT", defaults.calls_in_flight),
        };
        if usage.calls_in_flight == 0 {
            r.error("MCP_CALLS_IN_FLIGHT must be at least 1");
        }
        if usage.per_minute.contains(&0) || usage.flood_per_minute == 0 {
            r.error("rate limits must be at least 1 per minute");
        }
        if usage.retention_days == 0 {
            r.error("USAGE_RETENTION_DAYS must be at least 1");
        }
        usage
    }
}

impl Default for UsageLimits {
    fn default() -> Self {
        UsageLimits {
            per_minute: Plan::ALL.map(Plan::rate_limit_per_minute),
            flood_per_minute: 600,
            retention_days: 90,
            calls_in_flight: 256,
        }
    }
}

/// Each plan's rate limit: its own variable, else the one for every plan, else the plan's.
fn per_plan(r: &mut Reader, defaults: [u32; 4]) -> [u32; 4] {
    let all_plans: Option<u32> = r
        .val("RATE_LIMIT_PER_MINUTE")
        .is_some()
        .then(|| r.number("RATE_LIMIT_PER_MINUTE", 60));
    let mut per_minute = defaults;
    for (i, plan) in Plan::ALL.into_iter().enumerate() {
        let key = format!(
            "RATE_LIMIT_PER_MINUTE_{}",
            plan.as_str().to_ascii_uppercase()
        );
        per_minute[i] = r.number(&key, all_plans.unwrap_or(per_minute[i]));
    }
    per_minute
}
