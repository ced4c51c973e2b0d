//! Registration, login, logout, password reset and "who am I".

use crate::domain::Me;
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{error::internal, guard::require_user};

#[cfg(feature = "ssr")]
use super::support::{client_ip, context, parse_email};

/// Registration and login answer where to go next when that needs a full page load (an app's
/// authorization request waiting, see `server::auth::return_to`); otherwise they redirect to the
/// dashboard themselves and answer `None`.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    display_name: String,
) -> Result<Option<String>, ApiError> {
    use crate::server::{accounts, locale::current_texts};
    let (state, parts) = context()?;
    let email = parse_email(&email)?;
    let ip = client_ip(&parts);
    let user = accounts::register(
        &state.db,
        state.clock.as_ref(),
        accounts::RegistrationContext {
            admin_emails: &state.settings.admin_emails,
            public_base: &state.settings.public_base(),
            texts: current_texts(),
            ip: &ip,
        },
        accounts::Registration {
            email: &email,
            password: password.into(),
            display_name: &display_name,
        },
    )
    .await?;
    tracing::info!(user_id = %user.id, "account registered");
    sign_in(&state, &parts, &user.id).await
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<Option<String>, ApiError> {
    use crate::server::accounts;
    let (state, parts) = context()?;
    let ip = client_ip(&parts);
    let user = accounts::login(
        &state.db,
        state.clock.as_ref(),
        &accounts::LoginName::parse(&email),
        password.into(),
        &ip,
    )
    .await?;
    let next = sign_in(&state, &parts, &user.id).await?;
    tracing::info!(target: "security", user_id = %user.id, "login succeeded");
    Ok(next)
}

/// What the forgot-password form answers: the same whether or not the address has an account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetRequested {
    pub message: String,
    /// Development without SMTP: where the mail can be read instead.
    pub outbox_url: Option<String>,
}

#[server(prefix = "/api", endpoint = "forgot-password")]
pub async fn request_password_reset(email: String) -> Result<ResetRequested, ApiError> {
    use crate::server::{accounts, locale::current_texts};
    let (state, parts) = context()?;
    let t = current_texts();
    // A malformed address gets the same answer as an unknown one: nothing says which it was.
    if let Ok(email) = crate::domain::Email::parse(&email) {
        accounts::request_password_reset(
            &state.db,
            state.clock.as_ref(),
            &state.settings.public_base(),
            t,
            &email,
            &client_ip(&parts),
        )
        .await?;
    }
    Ok(ResetRequested {
        message: t.auth.reset_sent.to_string(),
        outbox_url: state
            .settings
            .dev_outbox_enabled()
            .then(|| "/dev/outbox".to_string()),
    })
}

#[server(prefix = "/api", endpoint = "reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    use crate::server::accounts;
    let (state, _) = context()?;
    accounts::reset_password(&state.db, state.clock.as_ref(), &token, password.into()).await?;
    leptos_axum::redirect("/login?reset=1");
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::server::auth::session;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    session::end(&state.db, &signed_in)
        .await
        .map_err(internal)?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::SET_COOKIE, session::clear_cookie(&state));
    }
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Me, ApiError> {
    let signed_in = require_user().await?;
    let u = signed_in.user;
    Ok(Me {
        email: u.email,
        display_name: u.display_name,
        role: u.role,
        plan: u.plan,
    })
}

/// The signed-in person for the page header, `None` for a visitor: never a 401, so a page that
/// asks keeps its own status.
#[server(prefix = "/api", endpoint = "header-account")]
pub async fn header_account() -> Result<Option<Me>, ApiError> {
    let signed_in = super::guard::current_user().await?;
    Ok(signed_in.map(|s| Me {
        email: s.user.email,
        display_name: s.user.display_name,
        role: s.user.role,
        plan: s.user.plan,
    }))
}

/// Replaces any session this browser had with a new one (no fixation) and sends it to the
/// dashboard, or answers where a waiting authorization request continues.
#[cfg(feature = "ssr")]
async fn sign_in(
    state: &crate::server::state::AppState,
    parts: &http::request::Parts,
    user_id: &str,
) -> Result<Option<String>, ApiError> {
    use crate::server::auth::session;
    if let Ok(Some(old)) = session::resolve(state, &parts.headers).await {
        session::end(&state.db, &old).await.map_err(internal)?;
    }
    let header = |name: http::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let ip = client_ip(parts);
    let cookie = session::start(state, user_id, &ip, &header(http::header::USER_AGENT))
        .await
        .map_err(internal)?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::SET_COOKIE, cookie);
    }
    let next = crate::server::auth::return_to::after_sign_in(&parts.headers, "/dashboard");
    if next == "/dashboard" {
        leptos_axum::redirect(next);
        Ok(None)
    } else {
        // Not a redirect: the browser's router would handle it in the page, and only the server
        // knows this path. The page loads it instead.
        Ok(Some(next.to_string()))
    }
}
