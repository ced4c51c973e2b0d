//! Who gave consent: `current/Me` and the divisions, read with a fresh access token before any
//! connection exists.

use super::{
    Exact, ExactError,
    client::{BodyError, read_body, refusal, split_list},
};
use crate::domain::Region;
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// The Exact user behind a consent.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: String,
    pub full_name: String,
    pub email: String,
    pub current_division: Option<i64>,
    /// (code, name)
    pub divisions: Vec<(i64, String)>,
}

/// Pages of divisions read at most (60 a page: 3,000 administrations); hitting it is logged.
pub const MAX_DIVISION_PAGES: usize = 50;

/// (code, name) of a divisions row.
fn division_of(d: &Value) -> Option<(i64, String)> {
    let code = d.get("Code").and_then(Value::as_i64)?;
    let name = d
        .get("Description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    Some((code, name))
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

impl Exact {
    /// Reads `current/Me`, then the divisions (`hrm/Divisions`, falling back to
    /// `system/Divisions` where the licence answers 404).
    pub async fn identity(
        &self,
        region: Region,
        token: &SecretString,
    ) -> Result<Identity, ExactError> {
        let me = self.get_with_token(region, token, "current/Me").await?;
        let (rows, _) = split_list(me)?;
        let me = rows
            .into_iter()
            .next()
            .ok_or_else(|| ExactError::Internal("current/Me answered no user".into()))?;
        let user_id = text(&me, "UserID");
        let full_name: String = text(&me, "FullName").chars().take(200).collect();
        let email = text(&me, "Email");
        if user_id.is_empty() {
            return Err(ExactError::Internal("current/Me without UserID".into()));
        }
        let current_division = me.get("CurrentDivision").and_then(Value::as_i64);
        let mut divisions = Vec::new();
        if let Some(current) = current_division {
            let listed = match self
                .get_with_token(region, token, &format!("{current}/hrm/Divisions"))
                .await
            {
                Err(ExactError::NotFound) => {
                    self.get_with_token(region, token, &format!("{current}/system/Divisions"))
                        .await
                }
                other => other,
            }?;
            let mut body = listed;
            let mut pages = 1;
            loop {
                let (rows, next) = split_list(body)?;
                divisions.extend(rows.iter().filter_map(division_of));
                let Some(next) = next else { break };
                if pages >= MAX_DIVISION_PAGES {
                    tracing::warn!(
                        pages,
                        stored = divisions.len(),
                        "Exact lists more divisions than are read; the rest are not stored"
                    );
                    break;
                }
                body = self.get_next_with_token(region, token, &next).await?;
                pages += 1;
            }
        }
        Ok(Identity {
            full_name,
            email,
            user_id,
            current_division,
            divisions,
        })
    }

    /// One GET with a given token (no connection yet, so no refresh and no retries).
    async fn get_with_token(
        &self,
        region: Region,
        token: &SecretString,
        path: &str,
    ) -> Result<Value, ExactError> {
        let url = self
            .base_url(region)
            .join(&format!("api/v1/{path}"))
            .map_err(|e| ExactError::Internal(format!("api url: {e}")))?;
        self.get_url_with_token(token, url, path).await
    }

    /// Follows a `__next` link with a given token; only links on the region's own Exact host,
    /// so the token goes nowhere else.
    async fn get_next_with_token(
        &self,
        region: Region,
        token: &SecretString,
        next: &str,
    ) -> Result<Value, ExactError> {
        let url = url::Url::parse(next)
            .map_err(|_| ExactError::Internal("unreadable __next link".into()))?;
        let base = self.base_url(region);
        if url.origin() != base.origin() || !url.path().starts_with(base.path()) {
            return Err(ExactError::Internal(
                "__next points outside the Exact host".into(),
            ));
        }
        self.get_url_with_token(token, url, "next page of divisions")
            .await
    }

    async fn get_url_with_token(
        &self,
        token: &SecretString,
        url: url::Url,
        what: &str,
    ) -> Result<Value, ExactError> {
        let response = self
            .http()
            .get(url)
            .header(header::ACCEPT, "application/json")
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    ExactError::Timeout
                } else {
                    ExactError::Unavailable(e.without_url().to_string())
                }
            })?;
        let status = response.status();
        let limit = self.config().max_response_bytes;
        let body = match read_body(response, limit).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => return Err(ExactError::ResponseTooLarge { limit }),
            Err(BodyError::Read(e)) if e.is_timeout() => return Err(ExactError::Timeout),
            Err(BodyError::Read(_)) => {
                return Err(ExactError::Unavailable(format!("{what}: response cut off")));
            }
        };
        match status {
            s if s.is_success() => serde_json::from_slice(&body)
                .map_err(|_| ExactError::Internal(format!("{what}: unreadable answer"))),
            StatusCode::TOO_MANY_REQUESTS => Err(ExactError::RateLimited {
                retry_after: std::time::Duration::from_secs(60),
            }),
            s if s.is_server_error() => Err(ExactError::Unavailable(format!("{what}: {s}"))),
            s => Err(refusal(s, &String::from_utf8_lossy(&body))),
        }
    }
}
