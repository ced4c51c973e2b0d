//! `GET /admin/audit/export.csv`: the audit rows a search finds, as CSV, for a date range. Under
//! `/admin`, so the page guard has already required an admin; the export itself is audited.

use crate::domain::{AuditSearch, RawAuditSearch};
use crate::server::{
    audit::{self, Actor, Change},
    audit_review,
    auth::session::SignedIn,
    client_addr::ClientAddr,
    state::AppState,
};
use axum::{
    Extension,
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// The filters, as the audit page's form names them; absent means "any".
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

pub async fn export(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    Query(q): Query<ExportQuery>,
    parts: axum::http::request::Parts,
) -> Response {
    let search = match AuditSearch::parse(RawAuditSearch {
        actor: &q.actor,
        subject: &q.subject,
        action: &q.action,
        from: &q.from,
        until: &q.until,
        page: 0,
    }) {
        Ok(s) => s,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    let (csv, cut) = match audit_review::export_csv(&state.db, &search).await {
        Ok(done) => done,
        Err(e) => {
            tracing::error!(error = %e, "audit export failed");
            return crate::server::plain_html::internal_error_page();
        }
    };
    let ip = ClientAddr::of(&parts.extensions).to_string();
    let change = Change {
        action: "audit.export",
        target_type: "audit_log",
        target_id: "",
        detail: serde_json::json!({
            "actor": q.actor, "subject": q.subject, "action": q.action,
            "from": q.from, "until": q.until, "cut": cut,
        }),
    };
    let actor = Actor::User {
        id: &signed_in.user.id,
        ip: &ip,
    };
    if let Err(e) = audit::record(&state.db, state.clock.now(), actor, change).await {
        tracing::error!(error = %e, "audit export could not be recorded");
        return crate::server::plain_html::internal_error_page();
    }
    let mut res = csv.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"exact-mcp-audit.csv\""),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if cut {
        headers.insert("x-export-cut", HeaderValue::from_static("true"));
    }
    res
}
