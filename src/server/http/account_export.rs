//! "Download my data": everything stored about the signed-in person, as JSON. Under /dashboard,
//! so the page guard has already checked the session.

use crate::server::{accounts, auth::session::SignedIn, state::AppState};
use axum::{
    Extension, Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

pub async fn export(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
) -> Response {
    match accounts::export(&state.db, &signed_in.user.id).await {
        Ok(data) => {
            let mut res = Json(data).into_response();
            res.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"exact-mcp-my-data.json\""),
            );
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "data export failed");
            crate::server::plain_html::internal_error_page()
        }
    }
}
