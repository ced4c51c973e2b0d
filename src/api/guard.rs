//! The one check every server function makes first: who is calling, and may they. A session
//! that does not resolve answers 401, a non-admin asking for an admin function 403.

use super::error::{ApiError, internal, refuse};
use crate::domain::Role;
use crate::server::{
    auth::session::{self, SignedIn},
    locale,
    state::AppState,
};
use http::StatusCode;
use leptos::prelude::use_context;

/// The signed-in user for a server function, or an error that says to sign in (HTTP 401).
pub async fn require_user() -> Result<SignedIn, ApiError> {
    current_user().await?.ok_or_else(|| {
        let lang = use_context::<http::request::Parts>()
            .map_or(crate::i18n::Lang::En, |p| locale::lang_of(&p.headers));
        refuse(StatusCode::UNAUTHORIZED, lang.texts().common.please_sign_in)
    })
}

/// Who is calling, if anyone: `None` for a visitor (not an error, for what every page asks).
pub async fn current_user() -> Result<Option<SignedIn>, ApiError> {
    let state = use_context::<AppState>().ok_or_else(|| internal("request context missing"))?;
    let parts =
        use_context::<http::request::Parts>().ok_or_else(|| internal("request context missing"))?;
    session::resolve(&state, &parts.headers).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            locale::lang_of(&parts.headers)
                .texts()
                .common
                .something_went_wrong,
        )
    })
}

/// An admin for a server function; anyone else gets HTTP 403. The role is asked anew on every
/// call (an operator's grant, or a listed *and verified* address: `accounts::role_of`).
pub async fn require_admin() -> Result<SignedIn, ApiError> {
    let signed_in = require_user().await?;
    let state = use_context::<AppState>().ok_or_else(|| internal("request context missing"))?;
    let role = crate::server::accounts::role_of(&state.settings.admin_emails, &signed_in.user);
    if role != Role::Admin {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            locale::current_texts().common.admins_only,
        ));
    }
    Ok(signed_in)
}
