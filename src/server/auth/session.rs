//! Browser sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie (Secure in
//! production); the database holds only its SHA-256. Idle expiry 7 days, absolute 30 days.

use super::secret_token::{hash_token, random_token};
use crate::server::{
    db::{Db, DbError, sessions, users::UserRow},
    state::AppState,
};
use axum::http::{HeaderMap, HeaderValue, header};

pub const COOKIE: &str = "emcp_session";
pub const IDLE_SECONDS: i64 = 7 * 24 * 3600;
pub const ABSOLUTE_SECONDS: i64 = 30 * 24 * 3600;
/// Sliding the idle expiry costs a write; once every few minutes is plenty.
const TOUCH_EVERY_SECONDS: i64 = 300;

/// Starts a fresh session (always a new id: no fixation) and returns its `Set-Cookie` value.
pub async fn start(
    state: &AppState,
    user_id: &str,
    ip: &str,
    user_agent: &str,
) -> Result<HeaderValue, DbError> {
    let token = random_token();
    let now = state.clock.now();
    let ua: String = user_agent.chars().take(256).collect();
    sessions::insert(
        &state.db,
        sessions::NewSession {
            id_hash: &hash_token(&token),
            user_id,
            now,
            idle_expires_at: now + IDLE_SECONDS,
            absolute_expires_at: now + ABSOLUTE_SECONDS,
            ip,
            user_agent: &ua,
        },
    )
    .await?;
    Ok(cookie(state, &token, ABSOLUTE_SECONDS))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    cookie(state, "", 0)
}

fn cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.is_production() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

/// The session token from a request's cookies.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// A cookie's value when it looks like one of our random tokens (at most 128 URL-safe
/// characters); anything else counts as absent.
pub fn cookie_value(headers: &HeaderMap, wanted: &str) -> Option<String> {
    cookie_text(headers, wanted, 128)
}

/// A cookie's value when it is 1 to `max_len` URL-safe characters; anything else counts as
/// absent.
pub fn cookie_text(headers: &HeaderMap, wanted: &str, max_len: usize) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= max_len
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// A signed-in person, as found from the request's session cookie.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub session_hash: String,
    pub user: UserRow,
}

/// Resolves the session cookie to an active user, sliding the idle expiry. Suspended users and
/// expired sessions resolve to `None`. The user's role is the one it has now
/// ([`accounts::role_of`]), not one remembered from sign-up.
///
/// [`accounts::role_of`]: crate::server::accounts::role_of
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, DbError> {
    let Some(token) = token_from(headers) else {
        return Ok(None);
    };
    let now = state.clock.now();
    let hash = hash_token(&token);
    let Some(live) = sessions::live(&state.db, &hash, now).await? else {
        return Ok(None);
    };
    if live.user.status != crate::domain::AccountStatus::Active {
        return Ok(None);
    }
    if now - live.last_seen_at >= TOUCH_EVERY_SECONDS {
        let idle = (now + IDLE_SECONDS).min(live.absolute_expires_at);
        sessions::touch(&state.db, &hash, now, idle).await?;
    }
    let user = crate::server::accounts::with_current_role(&state.settings.admin_emails, live.user);
    Ok(Some(SignedIn {
        session_hash: live.id_hash,
        user,
    }))
}

pub async fn end(db: &Db, signed_in: &SignedIn) -> Result<(), DbError> {
    sessions::delete(db, &signed_in.session_hash).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; emcp_session=abc123; x=1"),
        );
        assert_eq!(token_from(&h).as_deref(), Some("abc123"));
        h.insert(header::COOKIE, HeaderValue::from_static("emcp_session="));
        assert_eq!(token_from(&h), None);
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let h = hash_token("secret-token");
        assert_ne!(h, "secret-token");
        assert_eq!(h.len(), 43);
    }
}
