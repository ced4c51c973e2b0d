//! Step two of the meter, admit: the limits decide before the request runs. A counted call of an
//! account is admitted through the [`Admitter`](crate::server::usage::admitter::Admitter): window
//! hit, quota count, the call's event and the rollup committed before it runs (in a transaction
//! shared with the calls waiting at that moment), so what runs is already counted and what is
//! refused counts nothing. Everything else only passes a per-key window (the flood limit; for demo
//! keys also their counted calls, at the free plan's rate), counted in this process's memory
//! ([`LocalWindows`](crate::server::usage::local_windows::LocalWindows)).

use super::{QUOTA_EXHAUSTED_CODE, RATE_LIMITED_CODE, read::Call, record::new_event};
use crate::domain::{Plan, RateLimitState, RejectReason};
use crate::server::{
    mcp::{
        auth::unavailable,
        caller::{Caller, Subject},
    },
    state::AppState,
    usage::{
        self as usage, Admission, Admitted, NewEvent, Warning, demo_subject, flood_subject,
        next_month_day, next_month_start, rate_state, user_subject, window_start,
    },
};
use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::Response,
};
use serde_json::{Value, json};

/// What the limits decided before the request runs.
pub(super) enum Gate {
    /// Run it. `event` is the admitted call's event (counted calls of accounts).
    Pass {
        rate: RateLimitState,
        event: Option<NewEvent>,
    },
    /// Answer with this refusal.
    Refuse {
        rate: RateLimitState,
        reason: RejectReason,
        response: Response,
    },
}

/// The gate for this call; `Err` is the 503 to answer when the database could not decide.
pub(super) async fn admit(
    state: &AppState,
    caller: &Caller,
    call: &Call,
) -> Result<Gate, Response> {
    match &caller.subject {
        Subject::Demo { key_id } => admit_demo(state, caller, call, key_id).await,
        Subject::User {
            user_id,
            email,
            plan,
            key_id,
            app,
            locale,
        } if call.counted => {
            let event = new_event(user_id, key_id, app.as_deref(), call);
            admit_counted(state, caller, call, event, email, *plan, locale).await
        }
        Subject::User { plan, key_id, .. } => admit_flood(state, caller, call, key_id, *plan).await,
    }
}

/// A demo key: counted calls in the key's window at the free plan's rate, the rest in its flood
/// window. Nothing is recorded for demo keys.
async fn admit_demo(
    state: &AppState,
    caller: &Caller,
    call: &Call,
    key_id: &str,
) -> Result<Gate, Response> {
    let (now, counted) = (call.now, call.counted);
    let limit = state.settings.usage.per_minute(Plan::Free);
    let (subject, hit_limit) = if counted {
        (demo_subject(key_id), limit)
    } else {
        (flood_subject(key_id), state.settings.usage.flood_per_minute)
    };
    match state.windows.hit(&subject, window_start(now), hit_limit) {
        None => {
            let rate = rate_state(limit, i64::from(limit), now);
            let response = if counted {
                rate_limited(&call.msg.id, &rate, now)
            } else {
                flood_limited(&call.msg.id, rate.reset, now)
            };
            Ok(Gate::Refuse {
                rate: if counted {
                    rate
                } else {
                    current_rate(state, caller, now).await.unwrap_or(rate)
                },
                reason: RejectReason::RateLimit,
                response,
            })
        }
        Some(hits) => Ok(Gate::Pass {
            rate: if counted {
                rate_state(limit, hits, now)
            } else {
                current_rate(state, caller, now)
                    .await
                    .unwrap_or_else(|| rate_state(limit, 0, now))
            },
            event: None,
        }),
    }
}

/// A counted call of an account: window, quota, event and rollup in one transaction.
async fn admit_counted(
    state: &AppState,
    caller: &Caller,
    call: &Call,
    event: NewEvent,
    email: &str,
    plan: Plan,
    locale: &str,
) -> Result<Gate, Response> {
    let now = call.now;
    let limit = state.settings.usage.per_minute(plan);
    let admission = Admission {
        subject: user_subject(&event.user_id),
        window_start: window_start(now),
        limit,
        quota: plan.monthly_quota(),
        event: event.clone(),
        day: call.day.clone(),
        warning: Box::new(warning_for(state, email, locale, plan, now)),
    };
    match state.admitter.admit(admission).await {
        Err(e) => {
            tracing::error!(error = %e, "admitting a call failed");
            Err(unavailable())
        }
        Ok(Admitted::Yes { hits, .. }) => Ok(Gate::Pass {
            rate: rate_state(limit, hits, now),
            event: Some(event),
        }),
        Ok(Admitted::RateLimited) => {
            let rate = rate_state(limit, i64::from(limit), now);
            Ok(Gate::Refuse {
                response: rate_limited(&call.msg.id, &rate, now),
                rate,
                reason: RejectReason::RateLimit,
            })
        }
        Ok(Admitted::QuotaExhausted { .. }) => Ok(Gate::Refuse {
            rate: current_rate(state, caller, now)
                .await
                .unwrap_or_else(|| rate_state(limit, 0, now)),
            reason: RejectReason::Quota,
            response: quota_exhausted(state, &call.msg.id, plan, now),
        }),
    }
}

/// Any other request of an account: only the key's flood window; the headers show the user's
/// own window.
async fn admit_flood(
    state: &AppState,
    caller: &Caller,
    call: &Call,
    key_id: &str,
    plan: Plan,
) -> Result<Gate, Response> {
    let now = call.now;
    let limits = &state.settings.usage;
    let limit = limits.per_minute(plan);
    let subject = flood_subject(key_id);
    match state
        .windows
        .hit(&subject, window_start(now), limits.flood_per_minute)
    {
        None => {
            let rate = current_rate(state, caller, now)
                .await
                .unwrap_or_else(|| rate_state(limit, 0, now));
            Ok(Gate::Refuse {
                response: flood_limited(&call.msg.id, rate.reset, now),
                rate,
                reason: RejectReason::Flood,
            })
        }
        Some(_) => Ok(Gate::Pass {
            rate: current_rate(state, caller, now)
                .await
                .unwrap_or_else(|| rate_state(limit, 0, now)),
            event: None,
        }),
    }
}

/// Only the key's flood window, for a request without a message (see [`super::flood_gate`]).
pub(super) async fn flood_gate(state: &AppState, key_id: &str, now: i64) -> Option<Response> {
    let limit = state.settings.usage.flood_per_minute;
    match state
        .windows
        .hit(&flood_subject(key_id), window_start(now), limit)
    {
        None => Some(flood_limited(
            &Value::Null,
            rate_state(limit, 0, now).reset,
            now,
        )),
        Some(_) => None,
    }
}

/// The user's current window, for responses that count nothing.
pub(super) async fn current_rate(
    state: &AppState,
    caller: &Caller,
    now: i64,
) -> Option<RateLimitState> {
    match &caller.subject {
        Subject::User { user_id, plan, .. } => {
            let limit = state.settings.usage.per_minute(*plan);
            match usage::window_hits(&state.db, &user_subject(user_id), window_start(now)).await {
                Ok(hits) => Some(rate_state(limit, hits, now)),
                Err(e) => {
                    tracing::warn!(error = %e, "reading the rate window failed");
                    None
                }
            }
        }
        Subject::Demo { key_id } => {
            let limit = state.settings.usage.per_minute(Plan::Free);
            let hits = state.windows.hits(&demo_subject(key_id), window_start(now));
            Some(rate_state(limit, hits, now))
        }
    }
}

/// The warning a user gets at 80 % and 100 % of the quota, in their language.
fn warning_for(
    state: &AppState,
    email: &str,
    locale: &str,
    plan: Plan,
    now: i64,
) -> impl Fn(i64) -> Warning + Send + Sync + 'static {
    let texts = crate::i18n::Lang::parse(locale).unwrap_or_default().texts();
    let link = format!("{}/dashboard/usage", state.settings.public_base());
    let email = email.to_string();
    let resets = next_month_day(now);
    move |level| {
        let title = texts.quota.warning_title(level);
        let body = texts.quota.warning_body(
            level,
            plan.display_name(),
            plan.monthly_quota().unwrap_or(0),
            &resets,
        );
        Warning {
            mail_subject: title.clone(),
            mail_body: format!("{body}\n\n{link}\n"),
            title,
            body,
            link: link.clone(),
            email: email.clone(),
        }
    }
}

/// HTTP 429 with `Retry-After` and a JSON-RPC error answering `id`.
fn too_many(id: &Value, code: i64, message: &str, retry_after: i64) -> Response {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
    res
}

fn rate_limited(id: &Value, rate: &RateLimitState, now: i64) -> Response {
    let wait = (rate.reset - now).max(1);
    too_many(
        id,
        RATE_LIMITED_CODE,
        &format!(
            "Rate limit reached: {} tool calls per minute. Try again in {wait} seconds.",
            rate.limit
        ),
        wait,
    )
}

fn flood_limited(id: &Value, rate_reset: i64, now: i64) -> Response {
    let wait = (rate_reset - now).max(1);
    too_many(
        id,
        RATE_LIMITED_CODE,
        &format!("Too many requests with this API key in a minute. Try again in {wait} seconds."),
        wait,
    )
}

fn quota_exhausted(state: &AppState, id: &Value, plan: Plan, now: i64) -> Response {
    let quota = plan.monthly_quota().unwrap_or(0);
    let resets = next_month_day(now);
    too_many(
        id,
        QUOTA_EXHAUSTED_CODE,
        &format!(
            "Monthly quota reached: the {} plan includes {quota} tool calls a month and all are used. \
             The quota starts again on {resets} (UTC). For more calls, upgrade the plan: see {}/#pricing \
             (usage: {}/dashboard/usage).",
            plan.display_name(),
            state.settings.public_base(),
            state.settings.public_base(),
        ),
        next_month_start(now) - now,
    )
}
