//! Account settings: change email (confirmed by mail), change password, sign out everywhere,
//! delete the account.

use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::guard::require_user;

#[cfg(feature = "ssr")]
use super::support::{client_ip, context, parse_email};

/// What a successful settings change tells the person, and in development where the mail went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Done {
    pub message: String,
    pub outbox_url: Option<String>,
}

#[server(prefix = "/api", endpoint = "change-email")]
pub async fn change_email(new_email: String, current_password: String) -> Result<Done, ApiError> {
    use crate::server::{accounts, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let t = current_texts();
    let new_email = parse_email(&new_email)?;
    let new_email = accounts::request_email_change(
        &state.db,
        state.clock.as_ref(),
        &state.settings.public_base(),
        t,
        &signed_in.user,
        new_email,
        current_password.into(),
    )
    .await?;
    Ok(Done {
        message: t.settings.email_change_sent(new_email.as_str()),
        outbox_url: state
            .settings
            .dev_outbox_enabled()
            .then(|| "/dev/outbox".to_string()),
    })
}

/// Uses the link from the confirmation mail. No session needed: the single-use token, mailed to
/// the new address after the password was checked, is the proof.
#[server(prefix = "/api", endpoint = "confirm-email")]
pub async fn confirm_email(token: String) -> Result<String, ApiError> {
    use crate::server::{accounts, locale::current_texts};
    let (state, _) = context()?;
    let t = current_texts();
    accounts::confirm_email_change(&state.db, state.clock.as_ref(), t, &token).await?;
    Ok(t.settings.email_changed.to_string())
}

#[server(prefix = "/api", endpoint = "change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<String, ApiError> {
    use crate::server::{accounts, locale::current_texts};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    accounts::change_password(
        &state.db,
        state.clock.as_ref(),
        &signed_in.user,
        &signed_in.session_hash,
        current_password.into(),
        new_password.into(),
    )
    .await?;
    Ok(current_texts().settings.password_changed.to_string())
}

#[server(prefix = "/api", endpoint = "sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), ApiError> {
    use crate::server::{accounts, auth::session};
    let signed_in = require_user().await?;
    let (state, parts) = context()?;
    accounts::sign_out_everywhere(
        &state.db,
        state.clock.as_ref(),
        &signed_in.user.id,
        &client_ip(&parts),
    )
    .await?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::SET_COOKIE, session::clear_cookie(&state));
    }
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete-account")]
pub async fn delete_account(confirm_email: String) -> Result<(), ApiError> {
    use crate::server::{accounts, auth::session};
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    // Whatever is not an address cannot be the account's address either.
    let confirm_email = crate::domain::Email::parse(&confirm_email).map_err(|_| {
        ApiError::from(accounts::AccountError::Validation(
            crate::domain::Problem::ConfirmEmailMismatch,
        ))
    })?;
    accounts::delete_account(&state.db, &signed_in.user, &confirm_email).await?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::SET_COOKIE, session::clear_cookie(&state));
    }
    leptos_axum::redirect("/");
    Ok(())
}
