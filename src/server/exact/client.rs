//! The REST client: `Accept: application/json`, both list shapes, sequential `__next` paging,
//! rate-limit tracking per division from Exact's headers (waiting for the minutely reset rather
//! than running into a 429), bounded retries with jittered backoff on 429 and 5xx (never on
//! other 4xx: Exact blocks an endpoint for an hour after ten errors), a circuit breaker per
//! connection, and answers read up to a size limit. A 401 for a token we believed valid goes
//! through the single-flight refresh once (`tokens.rs`) and the call is tried once more.

use super::{Authorized, Exact, ExactError};
use crate::domain::Region;
use crate::server::timings::{self, Step};
use reqwest::{StatusCode, header};
use secrecy::ExposeSecret;
use serde_json::Value;
use std::time::Duration;

/// One rate-limit window as Exact last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RateWindow {
    pub limit: i64,
    pub remaining: i64,
    /// Unix milliseconds when the window resets.
    pub reset_ms: i64,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RateState {
    minutely: Option<RateWindow>,
    daily: Option<RateWindow>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Breaker {
    consecutive_failures: u32,
    /// Unix seconds until which calls are refused.
    open_until: i64,
}

/// Rows from a list endpoint and where the next page starts (Exact's absolute `__next` URL).
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    pub rows: Vec<Value>,
    pub next: Option<String>,
}

/// Full-jitter exponential backoff: a random wait in [0, base·2^(attempt-1)], at least 50 ms.
pub(super) fn backoff(base: Duration, attempt: u32) -> Duration {
    let cap = base.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let millis = rand::random_range(0..=cap.as_millis().max(50) as u64);
    Duration::from_millis(millis.max(50))
}

fn header_i64(headers: &header::HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn window(headers: &header::HeaderMap, prefix: &str) -> Option<RateWindow> {
    Some(RateWindow {
        limit: header_i64(headers, &format!("{prefix}Limit"))?,
        remaining: header_i64(headers, &format!("{prefix}Remaining"))?,
        reset_ms: header_i64(headers, &format!("{prefix}Reset"))?,
    })
}

/// The division a relative API path addresses (`101/crm/Accounts` → 101; `current/Me` → none).
fn division_of(path: &str) -> Option<i64> {
    path.split('/').next()?.parse().ok()
}

/// Exact's error text from `{"error":{"message":{"value":"…"}}}`, shortened.
fn exact_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let text = parsed
        .as_ref()
        .and_then(|v| {
            v.pointer("/error/message/value")
                .or_else(|| v.pointer("/error/message"))
        })
        .and_then(Value::as_str)
        .unwrap_or("no details");
    text.chars().take(300).collect()
}

/// How often one process records a connection's last use.
const LAST_USED_EVERY_SECONDS: i64 = 60;

/// The error for a refusal that is never retried blindly: 404, 401, 403, any other 4xx (Exact
/// blocks an endpoint after ten of those in an hour). A 401 is about the token, not the user's
/// rights: the caller refreshes once.
pub(super) fn refusal(status: StatusCode, body: &str) -> ExactError {
    match status {
        StatusCode::NOT_FOUND => ExactError::NotFound,
        StatusCode::UNAUTHORIZED => ExactError::Unauthorized,
        StatusCode::FORBIDDEN => ExactError::Forbidden {
            status: status.as_u16(),
        },
        s => ExactError::BadRequest {
            status: s.as_u16(),
            message: exact_message(body),
        },
    }
}

/// Why an answer's body could not be read.
pub(super) enum BodyError {
    /// Larger than the limit (announced or counted).
    TooLarge,
    Read(reqwest::Error),
}

/// The body, read chunk by chunk up to `limit` bytes: a larger answer, announced by its
/// `Content-Length` or found while reading, is refused before it fills memory.
pub(super) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|announced| announced > limit as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

enum Attempt {
    Done(Value),
    /// Retry after this wait.
    Retry(Duration, ExactError),
    Fail(ExactError),
}

impl Exact {
    /// GET `{base}/api/v1/{path}` for the connection and returns the JSON body.
    /// `path` is relative, e.g. `current/Me` or `101/crm/Accounts`.
    pub async fn get_json(
        &self,
        connection_id: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, ExactError> {
        let started = std::time::Instant::now();
        let auth = self.access_token(connection_id).await?;
        timings::since(Step::Token, started);
        let mut url = self
            .base_url(auth.region)
            .join(&format!("api/v1/{path}"))
            .map_err(|e| ExactError::Internal(format!("api url: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let result = self.call_refreshing(auth, url, division_of(path)).await;
        timings::since(Step::Exact, started);
        result
    }

    /// A list endpoint: follows `__next` one page after another until `max_rows` rows are in
    /// (or there is no next page). `next` is where to continue.
    pub async fn list(
        &self,
        connection_id: &str,
        path: &str,
        query: &[(&str, String)],
        max_rows: usize,
    ) -> Result<ListPage, ExactError> {
        let first = self.get_json(connection_id, path, query).await?;
        let mut page = ListPage::default();
        let mut body = first;
        loop {
            let (rows, next) = split_list(body)?;
            page.rows.extend(rows);
            page.next = next;
            if page.rows.len() >= max_rows || page.next.is_none() {
                break;
            }
            let next = page.next.clone().unwrap_or_default();
            body = self.get_next(connection_id, &next).await?;
        }
        if page.rows.len() > max_rows {
            page.rows.truncate(max_rows);
        }
        Ok(page)
    }

    /// Follows a `__next` URL. Only URLs on the connection's own Exact host are followed: the
    /// bearer token never goes anywhere else.
    pub async fn get_next(&self, connection_id: &str, next: &str) -> Result<Value, ExactError> {
        let auth = self.access_token(connection_id).await?;
        let url = url::Url::parse(next)
            .map_err(|_| ExactError::Internal("unreadable __next link".into()))?;
        let base = self.base_url(auth.region);
        if url.origin() != base.origin() || !url.path().starts_with(base.path()) {
            return Err(ExactError::Internal(
                "__next points outside the Exact host".into(),
            ));
        }
        let division = url
            .path()
            .strip_prefix(base.path())
            .and_then(|p| p.strip_prefix("api/v1/"))
            .and_then(division_of);
        self.call_refreshing(auth, url, division).await
    }

    /// The last rate-limit windows Exact reported for a division.
    pub fn rate_windows(
        &self,
        region: Region,
        division: i64,
    ) -> (Option<RateWindow>, Option<RateWindow>) {
        let limits = self.0.limits.lock().unwrap_or_else(|e| e.into_inner());
        limits
            .get(&(region, division))
            .map(|s| (s.minutely, s.daily))
            .unwrap_or_default()
    }

    /// [`Self::call`]; after a 401 for a token we believed valid, one refresh through the single
    /// flight (Exact's 401 beats our estimate of the token's age) and one more call. A second
    /// 401 is reported, not refreshed again.
    async fn call_refreshing(
        &self,
        auth: Authorized,
        url: url::Url,
        division: Option<i64>,
    ) -> Result<Value, ExactError> {
        match self.call(&auth, url.clone(), division).await {
            Err(ExactError::Unauthorized) => {
                tracing::info!(connection_id = %auth.connection_id, "Exact answered 401 for a token we believed valid; refreshing");
                let fresh = self.access_token_after_401(&auth).await?;
                self.call(&fresh, url, division).await
            }
            other => other,
        }
    }

    /// One logical call: breaker, rate-limit wait, bounded retries.
    async fn call(
        &self,
        auth: &Authorized,
        url: url::Url,
        division: Option<i64>,
    ) -> Result<Value, ExactError> {
        let policy = self.config().retry;
        self.check_breaker(&auth.connection_id)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(division) = division {
                self.wait_for_budget(auth.region, division).await?;
            }
            match self.send_once(auth, &url, division).await {
                Attempt::Done(value) => {
                    self.record_success(&auth.connection_id).await;
                    return Ok(value);
                }
                Attempt::Fail(e) => {
                    if e.is_transient() {
                        self.record_failure(&auth.connection_id);
                    }
                    return Err(e);
                }
                Attempt::Retry(wait, e) => {
                    if attempt >= policy.attempts {
                        tracing::warn!(connection_id = %auth.connection_id, path = url.path(), attempt, error = %e, "Exact call failed after retries");
                        self.record_failure(&auth.connection_id);
                        return Err(e);
                    }
                    tracing::info!(connection_id = %auth.connection_id, path = url.path(), attempt, error = %e, wait_ms = wait.as_millis() as u64, "retrying Exact call");
                    self.0.clock.sleep(wait).await;
                }
            }
        }
    }

    async fn send_once(&self, auth: &Authorized, url: &url::Url, division: Option<i64>) -> Attempt {
        let policy = self.config().retry;
        let sent = self
            .http()
            .get(url.clone())
            .header(header::ACCEPT, "application/json")
            .bearer_auth(auth.access_token.expose_secret())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Attempt::Retry(backoff(policy.base_delay, 1), ExactError::Timeout);
            }
            Err(e) => {
                let reason = if e.is_connect() {
                    "connection failed".to_string()
                } else {
                    e.without_url().to_string()
                };
                return Attempt::Retry(
                    backoff(policy.base_delay, 1),
                    ExactError::Unavailable(reason),
                );
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(division) = division {
            self.note_limits(auth.region, division, &headers);
        }
        let limit = self.config().max_response_bytes;
        let body = match read_body(response, limit).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                tracing::warn!(connection_id = %auth.connection_id, path = url.path(), limit, "Exact's answer exceeds the size limit");
                return Attempt::Fail(ExactError::ResponseTooLarge { limit });
            }
            Err(BodyError::Read(e)) if e.is_timeout() => {
                return Attempt::Retry(backoff(policy.base_delay, 1), ExactError::Timeout);
            }
            Err(BodyError::Read(_)) => {
                return Attempt::Retry(
                    backoff(policy.base_delay, 1),
                    ExactError::Unavailable("response cut off".into()),
                );
            }
        };
        match status {
            s if s.is_success() => match serde_json::from_slice(&body) {
                Ok(v) => Attempt::Done(v),
                Err(_) => Attempt::Fail(ExactError::Internal(format!(
                    "Exact answered {s} with a body that is not JSON"
                ))),
            },
            StatusCode::TOO_MANY_REQUESTS => {
                let wait = self.until_reset(&headers);
                let error = ExactError::RateLimited { retry_after: wait };
                if wait > policy.max_rate_limit_wait {
                    Attempt::Fail(error)
                } else {
                    Attempt::Retry(wait, error)
                }
            }
            s if s.is_server_error() => Attempt::Retry(
                backoff(policy.base_delay, 1),
                ExactError::Unavailable(format!("Exact answered {s}")),
            ),
            s => Attempt::Fail(refusal(s, &String::from_utf8_lossy(&body))),
        }
    }

    /// How long until the minutely window resets (at least a second, jittered a little so a
    /// crowd of waiting calls does not return in the same millisecond).
    fn until_reset(&self, headers: &header::HeaderMap) -> Duration {
        let now_ms = self.now() * 1000;
        let reset = header_i64(headers, "X-RateLimit-Minutely-Reset")
            .or_else(|| header_i64(headers, "X-RateLimit-Reset"))
            .unwrap_or(now_ms + 60_000);
        let jitter = rand::random_range(0..250);
        Duration::from_millis((reset - now_ms).clamp(1_000, 24 * 3600 * 1000) as u64 + jitter)
    }

    fn note_limits(&self, region: Region, division: i64, headers: &header::HeaderMap) {
        let minutely = window(headers, "X-RateLimit-Minutely-");
        let daily = window(headers, "X-RateLimit-");
        if minutely.is_none() && daily.is_none() {
            return;
        }
        let mut limits = self.0.limits.lock().unwrap_or_else(|e| e.into_inner());
        let state = limits.entry((region, division)).or_default();
        if minutely.is_some() {
            state.minutely = minutely;
        }
        if daily.is_some() {
            state.daily = daily;
        }
    }

    /// Waits for the minutely reset when the last response said nothing is left; refuses at
    /// once when the daily budget is spent (or the wait would be too long).
    async fn wait_for_budget(&self, region: Region, division: i64) -> Result<(), ExactError> {
        let now_ms = self.now() * 1000;
        let (minutely, daily) = self.rate_windows(region, division);
        if let Some(d) = daily
            && d.remaining <= 0
            && d.reset_ms > now_ms
        {
            return Err(ExactError::RateLimited {
                retry_after: Duration::from_millis((d.reset_ms - now_ms) as u64),
            });
        }
        if let Some(m) = minutely
            && m.remaining <= 0
            && m.reset_ms > now_ms
        {
            let wait = Duration::from_millis((m.reset_ms - now_ms) as u64);
            if wait > self.config().retry.max_rate_limit_wait {
                return Err(ExactError::RateLimited { retry_after: wait });
            }
            tracing::info!(
                division,
                wait_ms = wait.as_millis() as u64,
                "waiting for Exact's minutely rate limit to reset"
            );
            self.0.clock.sleep(wait).await;
        }
        Ok(())
    }

    pub(super) fn check_breaker(&self, connection_id: &str) -> Result<(), ExactError> {
        let now = self.now();
        let breakers = self.0.breakers.lock().unwrap_or_else(|e| e.into_inner());
        match breakers.get(connection_id) {
            Some(b) if b.open_until > now => Err(ExactError::CircuitOpen {
                retry_after: Duration::from_secs((b.open_until - now) as u64),
            }),
            _ => Ok(()),
        }
    }

    fn record_failure(&self, connection_id: &str) {
        let policy = self.config().breaker;
        let now = self.now();
        let mut breakers = self.0.breakers.lock().unwrap_or_else(|e| e.into_inner());
        let b = breakers.entry(connection_id.to_string()).or_default();
        b.consecutive_failures += 1;
        if b.consecutive_failures >= policy.failures {
            b.open_until = now + policy.open_for.as_secs() as i64;
            tracing::warn!(
                connection_id,
                failures = b.consecutive_failures,
                "circuit opened: Exact calls for this connection paused"
            );
        }
    }

    async fn record_success(&self, connection_id: &str) {
        {
            let mut breakers = self.0.breakers.lock().unwrap_or_else(|e| e.into_inner());
            breakers.remove(connection_id);
        }
        // "Last used" is shown to the minute: write it at most once a minute per connection
        // from this process (the query's own condition covers the other replicas), so a busy
        // connection does not cost a database write per call.
        let now = self.now();
        let due = {
            let mut touched = self
                .0
                .last_touched
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            match touched.get(connection_id) {
                Some(at) if now - at < LAST_USED_EVERY_SECONDS => false,
                _ => {
                    touched.insert(connection_id.to_string(), now);
                    true
                }
            }
        };
        if !due {
            return;
        }
        if let Err(e) =
            crate::server::db::connections::touch_last_used(&self.0.db, connection_id, now).await
        {
            tracing::warn!(connection_id, error = %e, "could not record last use");
        }
    }
}

/// The rows and `__next` of either list shape: `{"d":{"results":[…],"__next":…}}` or
/// `{"d":[…]}` (some endpoints with `$top`).
pub fn split_list(body: Value) -> Result<(Vec<Value>, Option<String>), ExactError> {
    let Value::Object(mut top) = body else {
        return Err(ExactError::Internal("list answer is not an object".into()));
    };
    match top.remove("d") {
        Some(Value::Array(rows)) => Ok((rows, None)),
        Some(Value::Object(mut d)) => {
            let rows = match d.remove("results") {
                Some(Value::Array(rows)) => rows,
                _ => return Err(ExactError::Internal("list answer without results".into())),
            };
            let next = match d.remove("__next") {
                Some(Value::String(s)) if !s.is_empty() => Some(s),
                _ => None,
            };
            Ok((rows, next))
        }
        _ => Err(ExactError::Internal("list answer without d".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_list_shapes_are_read() {
        let (rows, next) =
            split_list(json!({"d": {"results": [{"a": 1}], "__next": "http://x/next"}})).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(next.as_deref(), Some("http://x/next"));
        let (rows, next) = split_list(json!({"d": [{"a": 1}, {"a": 2}]})).unwrap();
        assert_eq!((rows.len(), next), (2, None));
        assert!(split_list(json!({"x": 1})).is_err());
    }

    #[test]
    fn divisions_are_read_from_paths() {
        assert_eq!(division_of("101/crm/Accounts"), Some(101));
        assert_eq!(division_of("current/Me"), None);
    }

    #[test]
    fn backoff_is_bounded_and_jittered() {
        let base = Duration::from_millis(200);
        for attempt in 1..10 {
            let d = backoff(base, attempt);
            assert!(d >= Duration::from_millis(50));
            assert!(d <= base * 64 + Duration::from_millis(50), "{d:?}");
        }
        let spread: std::collections::HashSet<_> = (0..20).map(|_| backoff(base, 3)).collect();
        assert!(spread.len() > 1, "jitter varies the wait");
    }

    #[test]
    fn exact_messages_are_extracted_and_shortened() {
        let body = r#"{"error":{"code":"","message":{"lang":"","value":"Invalid filter"}}}"#;
        assert_eq!(exact_message(body), "Invalid filter");
        assert_eq!(exact_message("<html>"), "no details");
        let long = format!(
            r#"{{"error":{{"message":{{"value":"{}"}}}}}}"#,
            "x".repeat(1000)
        );
        assert_eq!(exact_message(&long).len(), 300);
    }
}
