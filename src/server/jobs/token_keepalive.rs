//! `token_keepalive` (hourly): refreshes, without anyone calling, the connections that need it:
//! - a refresh token older than `TOKEN_KEEPALIVE_DAYS` (default 7; they live 30 days), so an
//!   idle connection never expires;
//! - an access token that is still valid but expires before the next run, so the next call does
//!   not wait for a refresh.
//!
//! Every refresh goes through [`crate::server::exact::Exact::refresh_proactively`], the same
//! single flight (process mutex + database lock + re-read) as on-demand calls, so a call, this
//! job and another replica never spend the same single-use refresh token twice. Exact refuses a
//! refresh in an access token's first 570 s: a token that young is never sent. When its window
//! opens within [`MAX_WAIT_SECONDS`] the job waits for it (on the injected clock); otherwise it is
//! left for the next run. A refused grant marks the connection `needs_reauth` (and tells its
//! owner) exactly as on demand; one failing connection does not stop the others.

use super::{JobError, Outcome, summary};
use crate::server::{
    db::connections,
    exact::{ExactError, KeepAlive, NO_REFRESH_BEFORE_SECONDS, REFRESH_TOKEN_SECONDS},
    state::AppState,
};

pub const NAME: &str = "token_keepalive";
/// Hourly, on the hour (UTC).
pub const SCHEDULE: &str = "0 0 * * * *";
/// The interval between two scheduled runs.
pub const INTERVAL_SECONDS: i64 = 60 * 60;
/// The longest this job waits for a young token's refresh window to open.
pub const MAX_WAIT_SECONDS: i64 = 5 * 60;

struct Candidate {
    id: String,
    /// When Exact starts accepting a refresh of the current access token.
    opens_at: i64,
}

/// The scheduled run: waits up to [`MAX_WAIT_SECONDS`] for young tokens' windows.
pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    run_with(state, MAX_WAIT_SECONDS).await
}

/// A run that waits at most `max_wait` seconds for a token's refresh window (manual runs: 0).
pub async fn run_with(state: &AppState, max_wait: i64) -> Result<Outcome, JobError> {
    let now = state.clock.now();
    let keepalive_after = i64::from(state.settings.jobs.keepalive_after_days) * 24 * 60 * 60;
    // A refresh token's issue time is its expiry minus its 30 days of life.
    let refresh_issued_before = now - keepalive_after + REFRESH_TOKEN_SECONDS;
    let next_run = now + INTERVAL_SECONDS;
    let mut candidates: Vec<Candidate> =
        connections::due_for_keepalive(&state.db, refresh_issued_before, now, next_run)
            .await?
            .into_iter()
            .map(|c| Candidate {
                id: c.id,
                opens_at: c.token_issued_at + NO_REFRESH_BEFORE_SECONDS,
            })
            .collect();
    candidates.sort_by_key(|c| c.opens_at);

    let (mut refreshed, mut too_early, mut reauth, mut errors) = (0i64, 0i64, 0i64, 0i64);
    for c in candidates {
        let wait = c.opens_at - state.clock.now();
        if wait > max_wait {
            tracing::debug!(connection_id = %c.id, wait, "access token too young to refresh; next run");
            too_early += 1;
            continue;
        }
        if wait > 0 {
            state
                .clock
                .sleep(std::time::Duration::from_secs(wait as u64))
                .await;
        }
        match state.exact.refresh_proactively(&c.id).await {
            Ok(KeepAlive::Refreshed) => refreshed += 1,
            Ok(KeepAlive::TooEarly { .. }) => {
                // Refreshed by a call or another replica meanwhile: nothing to do.
                too_early += 1;
            }
            Err(ExactError::NeedsReauth { .. }) => {
                // Logged and notified by the refresh path; the owner must consent again.
                reauth += 1;
            }
            Err(e) => {
                tracing::warn!(connection_id = %c.id, error = %e, "keep-alive refresh failed");
                errors += 1;
            }
        }
    }
    Ok(Outcome {
        processed: refreshed,
        failed: reauth + errors,
        message: summary(&[
            ("refreshed", refreshed),
            ("not yet refreshable", too_early),
            ("refused (reconnect needed)", reauth),
            ("failed", errors),
        ]),
    })
}
