//! Account settings: change password, sign out everywhere, delete the account.

use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<String, ServerFnError> {
    use crate::server::{
        accounts,
        auth::guard::{refuse, require_user},
        state::AppState,
    };
    let signed_in = require_user().await?;
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("unavailable"))?;
    match accounts::change_password(
        &state.db,
        state.clock.as_ref(),
        &signed_in.user,
        &signed_in.session_hash,
        current_password.into(),
        new_password.into(),
    )
    .await
    {
        Ok(()) => Ok("Password changed. You were signed out everywhere else.".to_string()),
        Err(accounts::AccountError::Internal(e)) => {
            tracing::error!(error = ?e, "password change failed");
            Err(ServerFnError::new(
                "Something went wrong; please try again.",
            ))
        }
        Err(e) => Err(refuse(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            &e.to_string(),
        )),
    }
}

#[server(prefix = "/api", endpoint = "sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), ServerFnError> {
    use crate::server::{
        auth::{guard::require_user, session},
        db::sessions,
        state::AppState,
    };
    let signed_in = require_user().await?;
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("unavailable"))?;
    sessions::delete_for_user(&state.db, &signed_in.user.id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "sign out everywhere failed");
            ServerFnError::new("Something went wrong; please try again.")
        })?;
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::SET_COOKIE, session::clear_cookie(&state));
    }
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete-account")]
pub async fn delete_account(confirm_email: String) -> Result<(), ServerFnError> {
    use crate::server::{
        accounts,
        auth::{
            guard::{refuse, require_user},
            session,
        },
        state::AppState,
    };
    let signed_in = require_user().await?;
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("unavailable"))?;
    match accounts::delete_account(&state.db, &signed_in.user, &confirm_email).await {
        Ok(()) => {
            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                res.insert_header(http::header::SET_COOKIE, session::clear_cookie(&state));
            }
            leptos_axum::redirect("/");
            Ok(())
        }
        Err(accounts::AccountError::Internal(e)) => {
            tracing::error!(error = ?e, "account deletion failed");
            Err(ServerFnError::new(
                "Something went wrong; please try again.",
            ))
        }
        Err(e) => Err(refuse(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            &e.to_string(),
        )),
    }
}
