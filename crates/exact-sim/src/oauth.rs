//! OAuth 2.0 as Exact runs it: the consent page, codes that live 3 minutes and work once, and
//! the token endpoint with `expires_in` as a string, single-use rotating refresh tokens and the
//! 570 s rule.

use super::{
    ACCESS_TOKEN_SECONDS, CODE_SECONDS, Code, DEMO_USER_NAME, Grant, NO_REFRESH_BEFORE_SECONDS,
    REFRESH_TOKEN_SECONDS, Simulator, token,
};
use axum::{
    Form, Json,
    extract::{Query, State},
    http::{HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use html_escape::encode_quoted_attribute as escape;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub(super) struct AuthQuery {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    #[serde(default)]
    state: String,
}

pub(super) async fn consent_page(
    State(sim): State<Simulator>,
    Query(q): Query<AuthQuery>,
) -> Response {
    if q.client_id != sim.client_id || q.response_type != "code" {
        return (
            StatusCode::BAD_REQUEST,
            "unknown client_id or response_type",
        )
            .into_response();
    }
    let companies: String = sim
        .divisions()
        .iter()
        .map(|(code, name)| {
            format!(
                r#"<label class="block"><input type="checkbox" name="division" value="{code}" checked> {}</label>"#,
                escape(name)
            )
        })
        .collect();
    Html(format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Exact Online (simulator) · consent</title></head>
<body><main style="max-width:32rem;margin:3rem auto;font-family:sans-serif">
<h1>Exact Online simulator</h1>
<p>An app asks to read the administrations of <strong>{user}</strong>. Choose which:</p>
<form method="post" action="auth">
<input type="hidden" name="client_id" value="{client_id}">
<input type="hidden" name="redirect_uri" value="{redirect_uri}">
<input type="hidden" name="state" value="{state}">
<input type="hidden" name="user" value="">
{companies}
<p><button id="sim-allow" name="decision" value="allow">Allow</button>
<button id="sim-deny" name="decision" value="deny">Deny</button></p>
</form></main></body></html>"#,
        user = escape(DEMO_USER_NAME),
        client_id = escape(&q.client_id),
        redirect_uri = escape(&q.redirect_uri),
        state = escape(&q.state),
    ))
    .into_response()
}

pub(super) async fn consent_decision(State(sim): State<Simulator>, body: String) -> Response {
    // Repeated `division` fields: parse the form by hand (serde_urlencoded has no lists).
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (client_id, redirect_uri, state) = (get("client_id"), get("redirect_uri"), get("state"));
    if client_id != sim.client_id {
        return (StatusCode::BAD_REQUEST, "unknown client_id").into_response();
    }
    let Ok(mut target) = url::Url::parse(&redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "bad redirect_uri").into_response();
    };
    if get("decision") != "allow" {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", &state);
        return Redirect::to(target.as_str()).into_response();
    }
    let known: Vec<i64> = sim.divisions().iter().map(|(code, _)| *code).collect();
    let divisions: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "division")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|d| known.contains(d))
        .collect();
    let code = token();
    let now = sim.now();
    sim.world().codes.insert(
        code.clone(),
        Code {
            user: get("user"),
            redirect_uri,
            divisions,
            expires_at: now + CODE_SECONDS,
            used: false,
        },
    );
    sim.save_grants().await;
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &state);
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
pub(super) struct TokenForm {
    grant_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    redirect_uri: String,
    #[serde(default)]
    refresh_token: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
}

fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    let mut body = json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = json!(d);
    }
    (status, Json(body)).into_response()
}

pub(super) async fn token_endpoint(
    State(sim): State<Simulator>,
    Form(f): Form<TokenForm>,
) -> Response {
    let (access_token, refresh_token) = match issue_tokens(&sim, &f) {
        Ok(tokens) => tokens,
        Err(refused) => return refused,
    };
    sim.save_grants().await;
    Json(json!({
        "access_token": access_token,
        "token_type": "bearer",
        // A string, as Exact sends it.
        "expires_in": ACCESS_TOKEN_SECONDS.to_string(),
        "refresh_token": refresh_token,
    }))
    .into_response()
}

/// The token endpoint's rules, under the world's lock: a code or a refresh token in, a new
/// access and refresh token out, or the refusal Exact would give.
// The refusal is the response itself, built once and returned at once; boxing it buys nothing.
#[allow(clippy::result_large_err)]
fn issue_tokens(sim: &Simulator, f: &TokenForm) -> Result<(String, String), Response> {
    let now = sim.now();
    let mut world = sim.world();
    world.counters.token_requests += 1;
    if f.client_id != sim.client_id || f.client_secret != sim.client_secret {
        return Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            None,
        ));
    }
    let (divisions, user) = match f.grant_type.as_str() {
        "authorization_code" => {
            let Some(code) = world.codes.get_mut(&f.code) else {
                return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None));
            };
            if code.used || code.expires_at <= now || code.redirect_uri != f.redirect_uri {
                code.used = true;
                return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None));
            }
            code.used = true;
            let (divisions, user) = (code.divisions.clone(), code.user.clone());
            // One token set per user per app: a new consent ends that user's earlier ones.
            let mut ended = Vec::new();
            for grant in world.grants.values_mut().filter(|g| g.user == user) {
                grant.superseded = true;
                ended.push(grant.access_token.clone());
            }
            for access in ended {
                world.access.remove(&access);
            }
            world.counters.code_exchanges += 1;
            (divisions, user)
        }
        "refresh_token" => {
            let Some(grant) = world.grants.get(&f.refresh_token).cloned() else {
                return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None));
            };
            if grant.superseded {
                world.counters.refused_old_token += 1;
                return Err(oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized_client",
                    Some("Old refresh token used."),
                ));
            }
            if grant.refresh_expires_at <= now {
                return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None));
            }
            if now < grant.access_issued_at + NO_REFRESH_BEFORE_SECONDS {
                world.counters.refused_too_early += 1;
                let mut res = oauth_error(
                    StatusCode::BAD_REQUEST,
                    "access_denied",
                    Some("Rate limit exceeded: access_token not expired"),
                );
                res.headers_mut().insert(
                    "Reason",
                    HeaderValue::from_static("TooEarlyToRefreshTokens"),
                );
                return Err(res);
            }
            world.access.remove(&grant.access_token);
            if let Some(old) = world.grants.get_mut(&f.refresh_token) {
                old.superseded = true;
            }
            world.counters.refreshes += 1;
            (grant.divisions, grant.user)
        }
        _ => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                None,
            ));
        }
    };
    let (access_token, refresh_token) = (token(), token());
    world.access.insert(
        access_token.clone(),
        (divisions.clone(), now + ACCESS_TOKEN_SECONDS),
    );
    world.grants.insert(
        refresh_token.clone(),
        Grant {
            user,
            divisions,
            access_token: access_token.clone(),
            access_issued_at: now,
            refresh_expires_at: now + REFRESH_TOKEN_SECONDS,
            superseded: false,
        },
    );
    Ok((access_token, refresh_token))
}
