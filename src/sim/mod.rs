//! The Exact Online simulator: Exact cannot be reached from here, so this stands in for it, with
//! the rules that hurt (see `../shared/exact-online.md`): codes that live 3 minutes and work once,
//! `expires_in` as a string, refresh tokens that rotate and are single-use ("Old refresh token
//! used."), no refresh in the first 570 s of an access token's life (`Reason:
//! TooEarlyToRefreshTokens`), one token set per user per app.
//!
//! This first part covers OAuth (consent page, token endpoint), `current/Me`, the divisions of
//! the four demo companies and a control API (clock, counters). The REST entity sets, rate
//! limits and failure injection follow.
//!
//! Mounted at `/sim/exact` in development without Exact credentials; `router()` can also be
//! served on its own. Its clock is injected, so tests never sleep.

use crate::server::{clock::SharedClock, http::pages::escape_html as escape};
use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::json;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub const ACCESS_TOKEN_SECONDS: i64 = 600;
pub const REFRESH_TOKEN_SECONDS: i64 = 30 * 24 * 60 * 60;
pub const CODE_SECONDS: i64 = 180;
/// Exact refuses a refresh while the access token is younger than this.
pub const NO_REFRESH_BEFORE_SECONDS: i64 = 570;

/// A demo company (Exact "division").
#[derive(Debug, Clone, Copy)]
pub struct Company {
    pub division: i64,
    pub name: &'static str,
}

/// The four fictional companies every simulated Exact user has.
pub const COMPANIES: [Company; 4] = [
    Company {
        division: 101,
        name: "Bakkerij De Gouden Korst B.V.",
    },
    Company {
        division: 202,
        name: "Pixelwerk IT Diensten B.V.",
    },
    Company {
        division: 303,
        name: "Advocatenkantoor Van Dam & Partners",
    },
    Company {
        division: 404,
        name: "Bouwbedrijf Stevig Fundament B.V.",
    },
];

/// The credentials of the app registration the embedded simulator knows (development only).
pub const DEV_CLIENT_ID: &str = "exact-mcp-dev";
pub const DEV_CLIENT_SECRET: &str = "simulator-secret";

/// The simulated Exact user who gives consent.
pub const DEMO_USER_ID: &str = "4f1c2a9e-5b7d-4e3a-9c1f-2d8b6a7e0c11";
pub const DEMO_USER_NAME: &str = "Sanne de Vries";
pub const DEMO_USER_EMAIL: &str = "sanne@gouden-korst.example";

#[derive(Debug, Clone)]
struct Code {
    redirect_uri: String,
    divisions: Vec<i64>,
    expires_at: i64,
    used: bool,
}

#[derive(Debug, Clone)]
struct Grant {
    divisions: Vec<i64>,
    access_token: String,
    access_issued_at: i64,
    refresh_expires_at: i64,
    /// Rotated away: using it again is "Old refresh token used."
    superseded: bool,
}

/// Counts tests read through the control API.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub code_exchanges: u64,
    pub refreshes: u64,
    pub refused_too_early: u64,
    pub refused_old_token: u64,
    pub api_requests: u64,
}

#[derive(Default)]
struct World {
    codes: HashMap<String, Code>,
    /// Refresh token → grant. Superseded tokens stay, so their reuse can be recognised.
    grants: HashMap<String, Grant>,
    /// Live access token → (divisions, expires_at).
    access: HashMap<String, (Vec<i64>, i64)>,
    /// Seconds added to the injected clock by the control API.
    offset: i64,
    counters: Counters,
}

#[derive(Clone)]
pub struct Simulator {
    clock: SharedClock,
    client_id: String,
    client_secret: String,
    world: Arc<Mutex<World>>,
}

impl Simulator {
    pub fn new(clock: SharedClock, client_id: &str, client_secret: &str) -> Simulator {
        Simulator {
            clock,
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            world: Arc::default(),
        }
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        // A panic while holding the lock cannot leave the maps half-written in a way that
        // matters for a simulator; keep serving.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now(&self) -> i64 {
        self.clock.now() + self.world().offset
    }

    pub fn counters(&self) -> Counters {
        self.world().counters.clone()
    }

    /// Moves the simulator's own clock forward (on top of the injected one).
    pub fn advance(&self, seconds: i64) {
        self.world().offset += seconds;
    }
}

fn token() -> String {
    use rand::Rng;
    let bytes: [u8; 24] = rand::rng().random();
    base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes)
}

/// The simulator's routes, relative to its base (`/sim/exact` when embedded).
pub fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/api/oauth2/auth", get(consent_page).post(consent_decision))
        .route("/api/oauth2/token", post(token_endpoint))
        .route("/api/v1/current/Me", get(me))
        .route("/api/v1/{division}/system/Divisions", get(divisions))
        .route("/_control/advance", post(control_advance))
        .route("/_control/counters", get(control_counters))
        .with_state(sim)
}

#[derive(Deserialize)]
struct AuthQuery {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    #[serde(default)]
    state: String,
}

async fn consent_page(State(sim): State<Simulator>, Query(q): Query<AuthQuery>) -> Response {
    if q.client_id != sim.client_id || q.response_type != "code" {
        return (
            StatusCode::BAD_REQUEST,
            "unknown client_id or response_type",
        )
            .into_response();
    }
    let companies: String = COMPANIES
        .iter()
        .map(|c| {
            format!(
                r#"<label class="block"><input type="checkbox" name="division" value="{}" checked> {}</label>"#,
                c.division,
                escape(c.name)
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

async fn consent_decision(State(sim): State<Simulator>, body: String) -> Response {
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
    let divisions: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "division")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|d| COMPANIES.iter().any(|c| c.division == *d))
        .collect();
    let code = token();
    let now = sim.now();
    sim.world().codes.insert(
        code.clone(),
        Code {
            redirect_uri,
            divisions,
            expires_at: now + CODE_SECONDS,
            used: false,
        },
    );
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &state);
    Redirect::to(target.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
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

async fn token_endpoint(State(sim): State<Simulator>, Form(f): Form<TokenForm>) -> Response {
    let now = sim.now();
    let mut world = sim.world();
    world.counters.token_requests += 1;
    if f.client_id != sim.client_id || f.client_secret != sim.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", None);
    }
    let divisions = match f.grant_type.as_str() {
        "authorization_code" => {
            let Some(code) = world.codes.get_mut(&f.code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None);
            };
            if code.used || code.expires_at <= now || code.redirect_uri != f.redirect_uri {
                code.used = true;
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None);
            }
            code.used = true;
            let divisions = code.divisions.clone();
            // One token set per user per app: a new consent ends the earlier ones.
            for grant in world.grants.values_mut() {
                grant.superseded = true;
            }
            world.access.clear();
            world.counters.code_exchanges += 1;
            divisions
        }
        "refresh_token" => {
            let Some(grant) = world.grants.get(&f.refresh_token).cloned() else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None);
            };
            if grant.superseded {
                world.counters.refused_old_token += 1;
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized_client",
                    Some("Old refresh token used."),
                );
            }
            if grant.refresh_expires_at <= now {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", None);
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
                return res;
            }
            world.access.remove(&grant.access_token);
            if let Some(old) = world.grants.get_mut(&f.refresh_token) {
                old.superseded = true;
            }
            world.counters.refreshes += 1;
            grant.divisions
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", None),
    };
    let (access_token, refresh_token) = (token(), token());
    world.access.insert(
        access_token.clone(),
        (divisions.clone(), now + ACCESS_TOKEN_SECONDS),
    );
    world.grants.insert(
        refresh_token.clone(),
        Grant {
            divisions,
            access_token: access_token.clone(),
            access_issued_at: now,
            refresh_expires_at: now + REFRESH_TOKEN_SECONDS,
            superseded: false,
        },
    );
    Json(json!({
        "access_token": access_token,
        "token_type": "bearer",
        // A string, as Exact sends it.
        "expires_in": ACCESS_TOKEN_SECONDS.to_string(),
        "refresh_token": refresh_token,
    }))
    .into_response()
}

/// The divisions a bearer token may read; `None` for an expired or unknown token.
fn authorize(sim: &Simulator, headers: &HeaderMap) -> Option<Vec<i64>> {
    let now = sim.now();
    let mut world = sim.world();
    world.counters.api_requests += 1;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .unwrap_or("");
    match world.access.get(token) {
        Some((divisions, expires_at)) if *expires_at > now => Some(divisions.clone()),
        _ => None,
    }
}

/// What Exact answers to a missing, expired or unknown bearer token.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "error": { "code": "", "message": { "lang": "", "value": "Access token is expired or invalid." } } })),
    )
        .into_response()
}

async fn me(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let Some(divisions) = authorize(&sim, &headers) else {
        return unauthorized();
    };
    let current = divisions.first().copied().unwrap_or(COMPANIES[0].division);
    Json(json!({ "d": { "results": [{
        "CurrentDivision": current,
        "UserID": DEMO_USER_ID,
        "UserName": DEMO_USER_EMAIL,
        "FullName": DEMO_USER_NAME,
        "Email": DEMO_USER_EMAIL,
        "LanguageCode": "nl-NL",
    }] } }))
    .into_response()
}

async fn divisions(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let Some(allowed) = authorize(&sim, &headers) else {
        return unauthorized();
    };
    let results: Vec<serde_json::Value> = COMPANIES
        .iter()
        .filter(|c| allowed.contains(&c.division))
        .map(|c| json!({ "Code": c.division, "Description": c.name, "Country": "NL", "Currency": "EUR" }))
        .collect();
    Json(json!({ "d": { "results": results } })).into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn control_advance(State(sim): State<Simulator>, Query(a): Query<Advance>) -> Response {
    sim.advance(a.seconds);
    Json(json!({ "now": sim.now() })).into_response()
}

async fn control_counters(State(sim): State<Simulator>) -> Response {
    Json(sim.counters()).into_response()
}
