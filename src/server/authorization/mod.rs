//! exact-mcp as the OAuth 2.1 authorization server of its own MCP endpoint (the MCP
//! authorization specification): which clients may ask, the authorization request and its
//! code, the token endpoint's two grants, revocation, the apps a user connected, and turning an
//! access token presented at `/mcp` into the same caller an API key would be.
//!
//! The HTTP edge (`server::http::authorization`) parses requests and renders pages; every rule
//! is here, so the consent page, the token endpoint and the keys page share one implementation.

pub mod client_metadata;
pub mod clients;
pub mod tokens;

use crate::domain::{AccountStatus, ConnectedApp, OAUTH_SCOPE};
use crate::server::{
    api_keys::{KeyCache, KeyHolder, KeyOwner, Resolved},
    auth::secret_token::{hash_token, random_token},
    clock::Clock,
    config::Settings,
    db::{
        Db, DbError, connections,
        oauth::{self, Authorized, CodeRow, NewRefresh, Rotation, TakenCode},
        users,
    },
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use client_metadata::{FetchPolicy, MetadataFetcher};
use clients::{Client, ClientError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokens::AccessTokens;

/// How long an authorization code can be redeemed.
pub const CODE_SECONDS: i64 = 60;
/// How long a refresh token works (each use replaces it).
pub const REFRESH_SECONDS: i64 = 30 * 24 * 3600;
/// Registered clients unused this long are deleted.
pub const UNUSED_CLIENT_DAYS: i64 = 30;

/// The authorization server's parts that live as long as the process.
pub struct Authorization {
    pub tokens: AccessTokens,
    fetcher: MetadataFetcher,
    policy: FetchPolicy,
    /// What access tokens' grants resolved to, per process (see [`crate::server::key_cache`]).
    grants: KeyCache,
}

impl Authorization {
    pub fn from_settings(settings: &Settings) -> Self {
        let issuer = settings.public_base();
        let policy = if settings.is_production() {
            FetchPolicy::Public
        } else {
            FetchPolicy::Development
        };
        Authorization {
            tokens: AccessTokens::new(
                issuer.clone(),
                format!("{issuer}/mcp"),
                &settings.oauth_signing_key,
                &settings.oauth_previous_keys,
            ),
            fetcher: MetadataFetcher::new(policy),
            policy,
            grants: KeyCache::default(),
        }
    }

    pub fn issuer(&self) -> &str {
        self.tokens.issuer()
    }

    /// The MCP endpoint's URL: the resource every token is for.
    pub fn resource(&self) -> &str {
        self.tokens.audience()
    }

    /// The client behind `client_id`.
    /// The client behind `client_id`, asked about from address `ip`.
    pub async fn client(
        &self,
        db: &Db,
        clock: &dyn Clock,
        client_id: &str,
        ip: &str,
    ) -> Result<Client, ClientError> {
        clients::find(db, &self.fetcher, self.policy, client_id, ip, clock.now()).await
    }
}

/// An authorization request's parameters, as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub resource: Option<String>,
}

/// A checked authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scope: String,
    pub code_challenge: String,
}

/// What cannot be sent back to the client: shown on a page instead, never redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageProblem {
    MissingClient,
    UnknownClient,
    ClientMetadata,
    /// Too many metadata documents fetched for this address this hour.
    Throttled,
    RedirectUri,
    Internal,
}

/// Why an authorization request was refused.
#[derive(Debug, Clone)]
pub enum AuthorizeError {
    Page(PageProblem),
    /// Sent to the client's (verified) redirect URI as `error` and `error_description`.
    Redirect {
        location: String,
    },
}

/// An `application/x-www-form-urlencoded` redirect to `uri` with `pairs` added to its query.
fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = url::Url::parse(uri).expect("redirect URIs were checked as absolute URLs");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

impl Authorization {
    /// Checks an authorization request: first the client and its redirect URI (problems shown on
    /// a page), then the rest (problems sent back to the client).
    pub async fn check_request(
        &self,
        db: &Db,
        clock: &dyn Clock,
        p: &AuthorizeParams,
        ip: &str,
    ) -> Result<AuthorizeRequest, AuthorizeError> {
        let page = AuthorizeError::Page;
        let client_id = p
            .client_id
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(page(PageProblem::MissingClient))?;
        let client = self
            .client(db, clock, client_id, ip)
            .await
            .map_err(|e| match e {
                ClientError::Unknown => page(PageProblem::UnknownClient),
                ClientError::Throttled => {
                    tracing::warn!(target: "security", %ip, "client metadata fetches throttled");
                    page(PageProblem::Throttled)
                }
                ClientError::Metadata(why) => {
                    tracing::info!(reason = %why, "a client metadata document was refused");
                    page(PageProblem::ClientMetadata)
                }
                ClientError::Internal(e) => {
                    tracing::error!(error = %e, "client lookup failed");
                    page(PageProblem::Internal)
                }
            })?;
        let redirect_uri = p
            .redirect_uri
            .clone()
            .filter(|u| client.allows_redirect(u))
            .ok_or(page(PageProblem::RedirectUri))?;
        let back = |error: &str, description: &str| AuthorizeError::Redirect {
            location: self.answer(
                &redirect_uri,
                p.state.as_deref(),
                &[("error", error), ("error_description", description)],
            ),
        };
        if p.response_type.as_deref() != Some("code") {
            return Err(back(
                "unsupported_response_type",
                "response_type must be code",
            ));
        }
        let challenge = p.code_challenge.as_deref().unwrap_or("");
        if !is_pkce_value(challenge) || challenge.len() != 43 {
            return Err(back(
                "invalid_request",
                "a PKCE code_challenge (S256) is required",
            ));
        }
        if p.code_challenge_method.as_deref() != Some("S256") {
            return Err(back(
                "invalid_request",
                "code_challenge_method must be S256; plain is not accepted",
            ));
        }
        match p.resource.as_deref() {
            Some(r) if r == self.resource() => {}
            Some(_) => {
                return Err(back(
                    "invalid_target",
                    "resource must be this server's MCP URL",
                ));
            }
            None => {
                return Err(back(
                    "invalid_target",
                    "the resource parameter (RFC 8707) is required: this server's MCP URL",
                ));
            }
        }
        let scope = check_scope(p.scope.as_deref())
            .ok_or_else(|| back("invalid_scope", "the only scope is exact:read"))?;
        Ok(AuthorizeRequest {
            client,
            redirect_uri,
            state: p.state.clone(),
            scope,
            code_challenge: challenge.to_string(),
        })
    }

    /// The user allowed the request: a single-use code, and where to send the browser with it.
    pub async fn allow(
        &self,
        db: &Db,
        clock: &dyn Clock,
        user_id: &str,
        req: &AuthorizeRequest,
    ) -> Result<String, DbError> {
        let code = random_token();
        let now = clock.now();
        oauth::insert_code(
            db,
            &hash_token(&code),
            &CodeRow {
                authorized: Authorized {
                    user_id: user_id.to_string(),
                    client_id: req.client.id.clone(),
                    client_name: req.client.name.clone(),
                    client_host: req.client.host.clone(),
                    scope: req.scope.clone(),
                    resource: self.resource().to_string(),
                },
                redirect_uri: req.redirect_uri.clone(),
                code_challenge: req.code_challenge.clone(),
                expires_at: now + CODE_SECONDS,
            },
        )
        .await?;
        if req.client.registered {
            oauth::touch_client(db, &req.client.id, now).await?;
        }
        Ok(self.answer(
            &req.redirect_uri,
            req.state.as_deref(),
            &[("code", code.as_str())],
        ))
    }

    /// The user denied the request: where to send the browser.
    pub fn deny(&self, req: &AuthorizeRequest) -> String {
        self.answer(
            &req.redirect_uri,
            req.state.as_deref(),
            &[
                ("error", "access_denied"),
                ("error_description", "the user denied the request"),
            ],
        )
    }

    /// The authorization response at the client's redirect URI: `pairs`, then the request's
    /// `state` (when it had one) and this server's `iss` (RFC 9207).
    fn answer(&self, redirect_uri: &str, state: Option<&str>, pairs: &[(&str, &str)]) -> String {
        let mut all = pairs.to_vec();
        if let Some(state) = state {
            all.push(("state", state));
        }
        all.push(("iss", self.issuer()));
        with_query(redirect_uri, &all)
    }
}

/// The scope granted for a request: `exact:read`, when every scope asked is one this server
/// knows (none asked: all of them). `offline_access` is accepted and has no effect: refresh
/// tokens are always issued.
fn check_scope(asked: Option<&str>) -> Option<String> {
    let asked: Vec<&str> = asked.unwrap_or("").split_whitespace().collect();
    if asked
        .iter()
        .all(|s| *s == OAUTH_SCOPE || *s == "offline_access")
    {
        Some(OAUTH_SCOPE.to_string())
    } else {
        None
    }
}

/// PKCE's alphabet (RFC 7636): unreserved characters, 43 to 128 of them.
fn is_pkce_value(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of a verifier.
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A token request's parameters, as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TokenParams {
    pub grant_type: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub client_id: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub resource: Option<String>,
    pub scope: Option<String>,
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
}

/// The token endpoint's refusal (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub error: &'static str,
    pub description: &'static str,
    /// Database trouble: answered 500 without details.
    pub internal: bool,
}

fn token_error(error: &'static str, description: &'static str) -> TokenError {
    TokenError {
        error,
        description,
        internal: false,
    }
}

impl From<DbError> for TokenError {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "token endpoint: database error");
        TokenError {
            error: "server_error",
            description: "the server could not answer; try again",
            internal: true,
        }
    }
}

impl Authorization {
    /// The token endpoint: `authorization_code` (with PKCE) and `refresh_token` grants.
    pub async fn token(
        &self,
        db: &Db,
        clock: &dyn Clock,
        p: &TokenParams,
    ) -> Result<TokenResponse, TokenError> {
        match p.grant_type.as_deref() {
            Some("authorization_code") => self.redeem_code(db, clock, p).await,
            Some("refresh_token") => self.refresh(db, clock, p).await,
            _ => Err(token_error(
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            )),
        }
    }

    async fn redeem_code(
        &self,
        db: &Db,
        clock: &dyn Clock,
        p: &TokenParams,
    ) -> Result<TokenResponse, TokenError> {
        let invalid = |d| token_error("invalid_grant", d);
        let code = p
            .code
            .as_deref()
            .ok_or(token_error("invalid_request", "code is required"))?;
        let code_hash = hash_token(code);
        let now = clock.now();
        let row = match oauth::take_code(db, &code_hash, now).await? {
            TakenCode::Fresh(row) => row,
            TakenCode::Reused { grant_id } => {
                // A code used twice was intercepted: end what its first use issued.
                if let Some(grant_id) = grant_id {
                    oauth::revoke_grant(db, &grant_id, None, now).await?;
                }
                tracing::warn!(target: "security", "an authorization code was presented twice");
                return Err(invalid("the code was already used"));
            }
            TakenCode::Unknown => return Err(invalid("unknown code")),
        };
        if row.expires_at < now {
            return Err(invalid("the code has expired"));
        }
        if p.client_id.as_deref() != Some(row.authorized.client_id.as_str()) {
            return Err(invalid("the code was issued to another client"));
        }
        if p.redirect_uri.as_deref() != Some(row.redirect_uri.as_str()) {
            return Err(invalid(
                "redirect_uri differs from the authorization request's",
            ));
        }
        let verifier = p.code_verifier.as_deref().unwrap_or("");
        if !is_pkce_value(verifier) || s256(verifier) != row.code_challenge {
            return Err(invalid(
                "the PKCE code_verifier does not match the challenge",
            ));
        }
        if p.resource
            .as_deref()
            .is_some_and(|r| r != row.authorized.resource)
        {
            return Err(token_error(
                "invalid_target",
                "resource differs from the authorization request's",
            ));
        }
        active_user(db, &row.authorized.user_id).await?;
        let grant_id = uuid::Uuid::now_v7().to_string();
        let refresh = random_token();
        oauth::insert_grant(
            db,
            &grant_id,
            &code_hash,
            &row.authorized,
            NewRefresh {
                token_hash: &hash_token(&refresh),
                expires_at: now + REFRESH_SECONDS,
            },
            now,
        )
        .await?;
        tracing::info!(target: "security", user_id = %row.authorized.user_id, grant_id = %grant_id, "an app was authorized");
        Ok(self.respond(&row.authorized, &grant_id, refresh, now))
    }

    async fn refresh(
        &self,
        db: &Db,
        clock: &dyn Clock,
        p: &TokenParams,
    ) -> Result<TokenResponse, TokenError> {
        let invalid = |d| token_error("invalid_grant", d);
        let presented = p
            .refresh_token
            .as_deref()
            .ok_or(token_error("invalid_request", "refresh_token is required"))?;
        let presented_hash = hash_token(presented);
        // The client must be the grant's, checked before the token is used up.
        let Some(owner) = oauth::grant_of_refresh(db, &presented_hash).await? else {
            return Err(invalid("unknown refresh token"));
        };
        if p.client_id.as_deref() != Some(owner.authorized.client_id.as_str()) {
            return Err(invalid("the refresh token was issued to another client"));
        }
        if p.scope
            .as_deref()
            .is_some_and(|s| check_scope(Some(s)).is_none())
        {
            return Err(token_error("invalid_scope", "the only scope is exact:read"));
        }
        let now = clock.now();
        let next = random_token();
        let rotation = oauth::rotate_refresh(
            db,
            &presented_hash,
            NewRefresh {
                token_hash: &hash_token(&next),
                expires_at: now + REFRESH_SECONDS,
            },
            now,
        )
        .await?;
        let grant = match rotation {
            Rotation::Rotated(grant) => grant,
            Rotation::Refused { reused: true } => {
                tracing::warn!(target: "security", grant_id = %owner.id, "a used refresh token was presented again: its grant is revoked");
                return Err(invalid(
                    "the refresh token was already used; the app must sign in again",
                ));
            }
            Rotation::Refused { reused: false } => {
                return Err(invalid("the app's access was revoked"));
            }
            Rotation::Unknown => return Err(invalid("unknown or expired refresh token")),
        };
        active_user(db, &grant.authorized.user_id).await?;
        Ok(self.respond(&grant.authorized, &grant.id, next, now))
    }

    fn respond(&self, a: &Authorized, grant_id: &str, refresh: String, now: i64) -> TokenResponse {
        TokenResponse {
            access_token: self
                .tokens
                .issue(&a.user_id, &a.client_id, &a.scope, grant_id, now),
            token_type: "Bearer",
            expires_in: tokens::ACCESS_TOKEN_SECONDS,
            refresh_token: refresh,
            scope: a.scope.clone(),
        }
    }

    /// RFC 7009: revoking either token ends the grant it belongs to (all of its tokens). Unknown
    /// tokens are not an error.
    pub async fn revoke(
        &self,
        db: &Db,
        clock: &dyn Clock,
        token: &str,
        client_id: Option<&str>,
    ) -> Result<(), DbError> {
        let now = clock.now();
        let grant = if tokens::looks_like_jwt(token) {
            // An expired token still names its grant: verify at its own issue time.
            let claims = jsonwebtoken::dangerous::insecure_decode::<tokens::AccessClaims>(token)
                .ok()
                .map(|d| d.claims)
                .and_then(|c| self.tokens.verify(token, c.iat).ok());
            claims.map(|c| (c.gid, c.client_id))
        } else {
            oauth::grant_of_refresh(db, &hash_token(token))
                .await?
                .map(|g| (g.id, g.authorized.client_id))
        };
        if let Some((grant_id, owner)) = grant
            && client_id.is_none_or(|c| c == owner)
        {
            oauth::revoke_grant(db, &grant_id, None, now).await?;
        }
        Ok(())
    }
}

/// The user a grant is for must still have an active account.
async fn active_user(db: &Db, user_id: &str) -> Result<(), TokenError> {
    match users::by_id(db, user_id).await? {
        Some(u) if u.status == AccountStatus::Active => Ok(()),
        _ => Err(token_error("invalid_grant", "the account is not active")),
    }
}

/// The apps the user connected.
pub async fn list_apps(db: &Db, user_id: &str) -> Result<Vec<ConnectedApp>, DbError> {
    oauth::list_for_user(db, user_id).await
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no such connected app")]
    NotFound,
    #[error("internal error")]
    Internal(#[from] DbError),
}

/// Revokes one of the user's apps: its tokens stop working with the next request.
pub async fn revoke_app(
    db: &Db,
    clock: &dyn Clock,
    user_id: &str,
    grant_id: &str,
) -> Result<(), AppError> {
    if oauth::revoke_grant(db, grant_id, Some(user_id), clock.now()).await? {
        tracing::info!(target: "security", user_id = %user_id, grant_id = %grant_id, "a connected app was revoked");
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// How many apps each of these users has connected.
pub async fn connected_app_counts(
    db: &Db,
    user_ids: &[String],
) -> Result<std::collections::HashMap<String, i64>, DbError> {
    oauth::live_grant_counts(db, user_ids).await
}

/// What a token presented at `/mcp` turned out to be.
pub enum TokenAuth {
    /// Not issued by this server for this resource, expired, or its grant is revoked.
    Invalid,
    Resolved(Arc<Resolved>),
}

impl Authorization {
    /// Verifies an access token and resolves its grant to the account behind it, from this
    /// process's memory when current (revocations and suspensions move the callers' generation,
    /// as for API keys).
    pub async fn resolve_access_token(
        &self,
        db: &Db,
        clock: &dyn Clock,
        token: &str,
    ) -> Result<TokenAuth, DbError> {
        let Ok(claims) = self.tokens.verify(token, clock.now()) else {
            return Ok(TokenAuth::Invalid);
        };
        let cache_key = format!("{}:{}", claims.gid, claims.sub);
        if let Some(hit) = self.grants.get(db, &cache_key) {
            return Ok(TokenAuth::Resolved(hit));
        }
        let generation = db.callers_generation();
        // A suspended account's tokens are invalid (401, so the app asks to sign in again, which
        // the token endpoint refuses while the account is suspended).
        let Some(owner) = oauth::grant_owner(db, &claims.gid, &claims.sub)
            .await?
            .filter(|o| o.user.status == AccountStatus::Active)
        else {
            return Ok(TokenAuth::Invalid);
        };
        let connections = connections::list_for_user(db, &owner.user.id).await?;
        let touched_at = owner.last_used_at.unwrap_or(0);
        let holder = KeyHolder::User(KeyOwner {
            key_id: owner.grant_id,
            last_used_at: owner.last_used_at,
            user: owner.user,
            app: Some(owner.client_name),
        });
        let resolved = Arc::new(Resolved::new(holder, connections, touched_at));
        self.grants.put(cache_key, generation, resolved.clone());
        Ok(TokenAuth::Resolved(resolved))
    }
}

/// Records that a grant was used at `now`.
pub async fn touch_grant(db: &Db, grant_id: &str, now: i64) -> Result<(), DbError> {
    oauth::touch_grant(db, grant_id, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_pkce_values_are_checked() {
        assert_eq!(check_scope(None).as_deref(), Some(OAUTH_SCOPE));
        assert_eq!(
            check_scope(Some(" exact:read ")).as_deref(),
            Some(OAUTH_SCOPE)
        );
        assert_eq!(
            check_scope(Some("exact:read offline_access")).as_deref(),
            Some(OAUTH_SCOPE)
        );
        assert_eq!(check_scope(Some("exact:write")), None);
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&format!("{}=", "a".repeat(43))));
        // RFC 7636 appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirects_keep_the_clients_own_query() {
        assert_eq!(
            with_query(
                "https://a.example/cb?x=1",
                &[("code", "c d"), ("iss", "https://i")]
            ),
            "https://a.example/cb?x=1&code=c+d&iss=https%3A%2F%2Fi"
        );
    }
}
